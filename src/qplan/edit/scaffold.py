"""``qplan new``: a queue (with its training pair) or a project, written into the
organisation's own files and layout.

A new queue goes into the file that already holds its workflow's queues, its target and
allocation beside theirs; comments and every other item are kept (ruamel.yaml round-trip).
Nothing here writes a file: :func:`new_queue` and :func:`new_project` return the new text of
each file, and the caller writes them all, validates, and puts them back on failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qplan.core.errors import UsageError
from qplan.edit.documents import commented, dump_document, load_document, number
from qplan.load.settings import Settings
from qplan.model.format import ID_PATTERN
from qplan.model.organisation import PROJECTS_DIR, Organisation

#: the header of a training case set CSV
CASE_SET_HEADER = "item_id,expected_decision,policy_version,note\n"
#: min_cases of a new training queue
MIN_CASES = 200


@dataclass
class QueueSpec:
    """What ``qplan new queue`` was told."""

    id: str
    workflow: str
    policy: str
    languages: list[str]
    shares: dict[str, float]
    kind: str = "production"
    name: str | None = None
    template: str | None = None
    arrival: str = "backlog"
    weekly_volume: float | None = None
    aht_seconds: float | None = None
    sla_percent: float | None = None
    sla_within: str | None = None
    escalates_to: str | None = None
    project: str | None = None


@dataclass
class ProjectSpec:
    """What ``qplan new project`` was told."""

    id: str
    kind: str
    title: str
    owner: str
    status: str = "planning"
    requested_by: str | None = None
    queues: list[str] = field(default_factory=list)
    workflows: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    launch: date | None = None


def check_id(value: str, what: str) -> str:
    """An id that becomes part of file names: lowercase letters, digits and '-' only."""
    if not re.match(ID_PATTERN, value):
        raise UsageError(
            f"{what} {value!r} is not an id: lowercase letters, digits and '-', "
            "starting with a letter or digit"
        )
    return value


def check_path(
    settings: Settings, given: str, folder: str, suffixes: tuple[str, ...], flag: str
) -> str:
    """A file qplan is asked to write, as a path relative to the repository: inside
    ``folder``, with one of ``suffixes``, and no way out of the repository."""
    from pathlib import PurePosixPath

    path = PurePosixPath(given.replace("\\", "/"))
    if (
        path.is_absolute()
        or ".." in path.parts
        or not path.parts
        or path.parts[0] != folder
        or not path.name.endswith(suffixes)
        or any(part.startswith(".") for part in path.parts)
    ):
        raise UsageError(f"{flag}: {given!r} is not a {'/'.join(suffixes)} file under {folder}/")
    return path.as_posix()


class _Files:
    """The YAML files being edited, each loaded once, and the new files."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loaded: dict[str, Any] = {}
        self.new: dict[str, str] = {}

    def document(self, file: str, *, create: bool = False) -> Any:
        """The round-trip document of ``file``, loaded once; with ``create``, an empty
        mapping when there is no such file yet."""
        from ruamel.yaml.comments import CommentedMap

        if file not in self.loaded:
            if create and not (self.settings.root / file).exists():
                self.loaded[file] = CommentedMap()
            else:
                self.loaded[file] = load_document(self.settings, file)
        return self.loaded[file]

    def append(self, file: str, kind: str, item: Any) -> None:
        from ruamel.yaml.comments import CommentedSeq

        document = self.document(file)
        items = document.get(kind)
        if items is None:
            items = CommentedSeq()
            document[kind] = items
        _append(items, item)

    def holds(self, file: str) -> bool:
        """Whether ``file`` is in the repository, or made here already."""
        path = self.settings.root / file
        return path.exists() or path.is_symlink() or file in self.new

    def create(self, file: str, text: str) -> None:
        if self.holds(file):
            raise UsageError(f"{file} already exists: qplan new does not overwrite files")
        self.new[file] = text

    def texts(self) -> dict[str, str]:
        out = dict(self.new)
        for file, document in self.loaded.items():
            out[file] = dump_document(document)
        return out


def _tail(node: Any) -> tuple[Any, Any]:
    """(container, key) of the comment slot that holds what follows ``node``'s last line
    (blank lines, a comment): the last key or item of its last block-style value."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    while isinstance(node, CommentedMap | CommentedSeq) and len(node):
        key: Any = list(node.keys())[-1] if isinstance(node, CommentedMap) else len(node) - 1
        value = node[key]
        block = isinstance(value, CommentedMap | CommentedSeq) and not value.fa.flow_style()
        if not (block and len(value)):
            return node, key
        node = value
    return None, None


def _blank_after(node: Any) -> bool:
    holder, key = _tail(node)
    slot = holder.ca.items.get(key) if holder is not None else None
    return any("\n\n" in str(getattr(t, "value", "")) for t in slot or ())


def _append(items: Any, item: Any) -> None:
    """Append ``item`` to a list the way the file lays its items out: when they are
    separated by blank lines, so is the new one, and whatever followed the last item (the
    blank line before the next kind, a comment) now follows the new one."""
    if not len(items):
        items.append(item)
        return
    before_second = items.ca.items.get(1) or [None, None]  # blank lines before item 2
    separated = (_blank_after(items[0]) if len(items) > 1 else _blank_after(items[-1])) or any(
        str(getattr(t, "value", "")).strip() == "" for t in before_second[1] or ()
    )
    holder, key = _tail(items[-1])
    moved = holder.ca.items.pop(key, None) if holder is not None else None
    items.append(item)
    if moved is not None:
        new_holder, new_key = _tail(item)
        if new_holder is not None:
            new_holder.ca.items[new_key] = moved
    if separated:
        items.yaml_set_comment_before_after_key(len(items) - 1, before="\n", indent=2)


def _file_of(org: Organisation, kind: str, queues: list[str], fallback: str) -> str:
    """The file holding the first of these queues' items of ``kind``, else ``fallback``."""
    for qid in queues:
        if (kind, qid) in org.origins:
            return str(org.origin(kind, qid).document.path)
    return fallback


def new_queue(
    settings: Settings, org: Organisation, spec: QueueSpec, today: date
) -> dict[str, str]:
    """The new text of every file a new queue touches: its file of queues (the production
    queue and, for a production queue, its training pair), targets and allocations, an SOP
    stub, the training case set's header, and the project that links it."""
    check_id(spec.id, "queue")
    workflow = org.workflows.get(spec.workflow)
    if workflow is None:
        raise UsageError(f"--workflow: no workflow {spec.workflow!r}")
    if spec.id in org.queues or org.defines("queue", spec.id):
        raise UsageError(f"queue {spec.id!r} already exists")
    training_id = f"{spec.id}-training"
    paired = spec.kind == "production"
    if paired and training_id in org.queues:
        raise UsageError(f"queue {training_id!r} already exists")
    siblings = sorted(
        (q for q, v in org.queues.items() if v.workflow == spec.workflow),
        key=lambda q: (str(org.origin("queue", q).document.path), q),
    )
    home = _file_of(
        org, "queue", siblings, str(org.origin("workflow", spec.workflow).document.path)
    )
    files = _Files(settings)
    name = spec.name or spec.id
    sop = f"{settings.sops_dir}/{spec.id}.md.j2"
    versions = {"policy": spec.policy, **({"template": spec.template} if spec.template else {})}
    queue: dict[str, Any] = {
        "id": spec.id,
        "name": name,
        "workflow": spec.workflow,
        "kind": spec.kind,
        "status": "draft",
        **versions,
        "languages": sorted(spec.languages),
    }
    if paired:
        queue["training_queue"] = training_id
    if spec.escalates_to:
        queue["escalates_to"] = spec.escalates_to
    queue["sop"] = sop
    if spec.weekly_volume is not None and spec.aht_seconds is not None:
        queue["forecast"] = {
            "arrival": spec.arrival,
            "weekly_volume": number(spec.weekly_volume),
            "aht_seconds": number(spec.aht_seconds),
        }
    files.append(home, "queues", commented(queue))
    case_set = f"training/{training_id}.csv"
    if paired:
        training = {
            "id": training_id,
            "name": f"{name} · training",
            "workflow": spec.workflow,
            "kind": "training",
            "status": "draft",
            **versions,
            "languages": sorted(spec.languages),
            "training": {"case_set": case_set, "min_cases": MIN_CASES},
        }
        files.append(home, "queues", commented(training))
        files.create(case_set, CASE_SET_HEADER)
    if spec.sla_percent is not None and spec.sla_within is not None:
        target = {
            "queue": spec.id,
            "sla": {"percent": number(spec.sla_percent), "within": spec.sla_within},
        }
        files.append(_file_of(org, "target", siblings, home), "targets", commented(target))
    shares = {t: number(p) for t, p in sorted(spec.shares.items())}
    allocation = commented({"queue": spec.id, "shares": shares})
    files.append(_file_of(org, "allocation", siblings, home), "allocations", allocation)
    files.create(sop, sop_stub(name, workflow.owner, [spec.id], today))
    if spec.project is not None:
        _link(files, org, spec.project, [spec.id, *([training_id] if paired else [])])
    return files.texts()


def sop_stub(title: str, owner: str, queues: list[str], today: date) -> str:
    """An SOP template to write the procedure into: front matter, and headings."""
    front = {
        "title": title,
        "owner": owner,
        "queues": queues,
        "review_every_days": 180,
        "last_reviewed": today,
    }
    return (
        "---\n"
        + dump_document(commented(front))
        + "---\n"
        + "# {{ sop.title }}\n\n"
        + "<!-- A stub from qplan new: write the procedure before the queue is ready. -->\n\n"
        + "## Scope\n\nWhat this queue reviews, and what it does not.\n\n"
        + "## Decisions\n\nEach decision of the policy, with examples.\n\n"
        + "## Escalation\n\nWhen and where to escalate.\n"
    )


def _link(files: _Files, org: Organisation, pid: str, queues: list[str]) -> None:
    """Add ``queues`` to the project's ``queues`` list."""
    if pid not in org.projects:
        known = ", ".join(sorted(org.projects)) or "none under projects/"
        raise UsageError(f"--project: no project {pid!r} (projects: {known})")
    file = str(org.origin("project", pid).document.path)
    document = files.document(file)
    existing = document.get("queues")
    if existing is None:
        document["queues"] = commented(queues, block=False)
    else:
        existing.extend(q for q in queues if q not in existing)


def new_project(settings: Settings, org: Organisation, spec: ProjectSpec) -> dict[str, str]:
    """The text of a new project file, ``projects/<id>.yaml``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    check_id(spec.id, "project")
    if spec.id in org.projects:
        raise UsageError(f"project {spec.id!r} already exists")
    files = _Files(settings)
    project = CommentedMap()
    project["id"] = spec.id
    project["kind"] = spec.kind
    project["title"] = spec.title
    project["owner"] = spec.owner
    if spec.requested_by:
        project["requested_by"] = spec.requested_by
    project["status"] = spec.status
    # lists of items in block style, an item each line in flow style
    stakeholder = {"name": spec.owner, "role": "responsible", "email": spec.owner}
    project["stakeholders"] = CommentedSeq([commented(stakeholder, block=False)])
    milestones = CommentedSeq()
    if spec.launch is not None:
        launch = {"name": "Launch", "due": spec.launch, "launch": True}
        milestones.append(commented(launch, block=False))
    project["milestones"] = milestones
    for key, values in (
        ("queues", spec.queues),
        ("workflows", spec.workflows),
        ("policies", spec.policies),
    ):
        project[key] = commented(list(values), block=False)
    project["risks"] = CommentedSeq()
    project["decisions"] = CommentedSeq()
    project["updates"] = CommentedSeq()
    header = "# A project from qplan new: fill in its milestones, stakeholders and risks.\n"
    files.create(f"{PROJECTS_DIR}/{spec.id}.yaml", header + dump_document(project))
    return files.texts()
