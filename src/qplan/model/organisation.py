"""*model*: loaded documents become a typed :class:`Organisation`.

Every item is validated against its model; a bad item becomes diagnostics that
point at the offending value (or at the item, for a missing field) and is left
out, so the rest of the organisation can still be checked.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from qplan.core.diagnostics import Diagnostic, Position, Report
from qplan.core.kinds import FILE_KINDS, SINGULAR, by_plural
from qplan.load.forecasts import CODE as PROFILE_SHAPE
from qplan.load.reader import (
    Document,
    LoadError,
    PathKey,
    input_files,
    load_folder,
    parse_text,
    read_text,
    relative_name,
)
from qplan.load.settings import Settings
from qplan.model import format as m
from qplan.model import planning_files as pf
from qplan.model.format import (
    GUARDRAIL_TYPES,
    KINDS,
    Allocation,
    Policy,
    Profile,
    Queue,
    SopFrontMatter,
    Target,
    Team,
    Workflow,
)
from qplan.model.planning_files import SCENARIO_CHANGE_TYPES


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an item was defined: a document and the path of the item in it."""

    document: Document
    path: PathKey

    def at(self, *subpath: str | int, key: bool = False) -> Position:
        return self.document.position(self.path + subpath, key=key)

    @property
    def index(self) -> int:
        """The item's place in its file's list (3 for ``queues[3]``)."""
        place = self.path[1]
        assert isinstance(place, int)
        return place


@dataclass
class Sop:
    """An SOP template: front matter and the Jinja/Markdown body."""

    path: str
    front: SopFrontMatter
    body: str
    body_line: int  # the line of the file the body starts on
    origin: Origin


@dataclass
class Duplicate:
    kind: str
    key: str
    origin: Origin
    first: Origin


@dataclass
class Derived:
    """What later stages derive from an organisation, each in a slot of its own, so that it
    is worked out once. The organisation's items do not change after loading, so neither do
    these; a stage that wants one asks for it through the stage's own function (for
    instance :func:`qplan.capacity.staffing.derive_organisation`), never through this."""

    #: the capacity model's figures, by the day they are for (a ``Capacity``)
    capacity: dict[date | None, object] = field(default_factory=dict)
    #: the semantic findings of a day, as (code, message): what a scenario adds is compared
    #: with them
    findings: dict[date, frozenset[tuple[str, str]]] = field(default_factory=dict)
    #: each training queue's case-set problems: (line, message, rule code)
    case_problems: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    #: TTP logical queue id → the queues that use it
    ttp_users: dict[str, list[str]] | None = None


@dataclass
class Organisation:
    """The whole repository as typed items, with where each came from."""

    workflows: dict[str, Workflow] = field(default_factory=dict)
    policies: dict[str, Policy] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    queues: dict[str, Queue] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)  # by queue id or "workflow:<id>"
    allocations: dict[str, Allocation] = field(default_factory=dict)  # by queue id
    guardrails: dict[str, Any] = field(default_factory=dict)
    sops: dict[str, Sop] = field(default_factory=dict)  # by path
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    duplicates: list[Duplicate] = field(default_factory=list)
    #: ids of items that failed validation (already reported), per kind
    invalid: dict[str, set[str]] = field(default_factory=dict)
    #: training case sets, by path (the files the training queues name)
    case_sets: dict[str, Any] = field(default_factory=dict)
    #: forecast CSVs, by path (the files the profiles name)
    forecasts: dict[str, Any] = field(default_factory=dict)
    #: what happened, from the CSV and Parquet files under actuals/, or the newest
    #: extract of a database (None when there are none)
    actuals: Any | None = None
    #: that extract (a :class:`qplan.load.actuals_extract.Extract`), when it is one
    actuals_extract: Any | None = None
    #: what-if overlays, from the files under scenarios/, by id
    scenarios: dict[str, pf.Scenario] = field(default_factory=dict)
    #: launches, rollouts, intakes and recoveries, from the files under projects/, by id
    projects: dict[str, pf.Project] = field(default_factory=dict)
    #: a launch milestone this many days ahead checks its queues' readiness (a setting)
    launch_notice_days: int = Settings.launch_notice_days
    #: what later stages derive from this organisation, kept so each is derived once
    derived: Derived = field(default_factory=Derived, compare=False, repr=False)

    def defines(self, kind: str, key: str) -> bool:
        """Whether ``key`` names an item of ``kind``, valid or not (so no cascade of errors)."""
        table: dict[str, Any] = getattr(self, _PLURAL[kind])
        return key in table or key in self.invalid.get(kind, ())

    def item(self, kind: str, key: str) -> Any | None:
        """The valid item of ``kind`` named ``key``, or None."""
        table: dict[str, Any] = getattr(self, _PLURAL[kind])
        return table.get(key)

    def origin(self, kind: str, key: str) -> Origin:
        return self.origins[(kind, key)]

    def target_for(self, queue: Queue) -> Target | None:
        """The queue's own target, or its workflow's default."""
        return self.targets.get(queue.id) or self.targets.get(f"workflow:{queue.workflow}")


def _field_names() -> set[str]:
    """Every field name of the file format, for "did you mean" on unknown keys."""
    from pydantic import BaseModel

    from qplan.model import format as m

    names: set[str] = set(KINDS)
    for value in vars(m).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            names.update(value.model_fields)
    return names


_FIELD_NAMES: set[str] = set()
_PLURAL = {singular: plural for plural, singular in SINGULAR.items()} | {
    "sop": "sops",
    "scenario": "scenarios",
    "project": "projects",
}


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    others = [c for c in candidates if c != word]  # never "did you mean" the same word
    matches = difflib.get_close_matches(str(word)[:100], others, n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else None


_TYPE_WORDS = {
    "int_type": "an integer",
    "int_from_float": "a whole number",
    "int_parsing": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
    "duration_type": "a duration with a unit, like 45s, 10m, 24h or 3d",
}


_PATTERN_WORDS = {
    m.EMAIL_PATTERN: "an email address",
    r"^[A-Z]{2}$": "an ISO 3166 country code, like US",
    r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$": "a time of day, like 08:00 or 24:00",
    r"^sops/[^\s]+\.md\.j2$": "a path like sops/<name>.md.j2",
    r"^training/[^\s]+\.csv$": "a path like training/<name>.csv",
    r"^QP[0-9]{3}$": "a rule code, like QP141",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$": "letters, digits, '.', '_' or '-'",
    r"^[a-z0-9][a-z0-9_-]*$": "lowercase letters, digits, '_' or '-'",
}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value:g}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover


def _label(kind: str, item: Any) -> str:
    singular = SINGULAR.get(kind, kind)
    if isinstance(item, dict):
        ident = item.get("id") or item.get("queue") or item.get("workflow")
        if isinstance(ident, str) and ident:
            return (
                f"{singular} {ident if ident.isprintable() and ident.isascii() else ascii(ident)}"
            )
    return singular


def _unit_hint(err: Any) -> str | None:
    """'did you mean …' for a percentage written as a fraction, or the other way round."""
    value, limit = err.get("input"), (err.get("ctx") or {})
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return None
    bound_one = (err["type"] == "less_than_equal" and limit.get("le") == 1) or (
        err["type"] == "less_than" and limit.get("lt") == 1
    )
    if bound_one and 2 <= value <= 100:  # 1.3 is a typo more likely than 1.3 %
        return f"this is a fraction from 0 to 1; did you mean {value / 100:g}?"
    if err["type"] == "percent_as_fraction":
        return f"this is a percentage; did you mean {value * 100:g}?"
    return None


def schema_diagnostics(
    error: ValidationError, document: Document, base: PathKey, label: str
) -> list[Diagnostic]:
    """Pydantic's errors for one item, as diagnostics at the offending places."""
    found = []
    errors = error.errors(include_url=False)
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    typos = set()
    for e in errors:
        if e["type"] == "extra_forbidden":
            extra = tuple(e["loc"])
            for candidate in missing:
                if candidate[:-1] == extra[:-1] and did_you_mean(
                    str(extra[-1]), [str(candidate[-1])]
                ):
                    typos.add(candidate)
    for err in errors:
        if err["type"] == "missing" and tuple(err["loc"]) in typos:
            continue  # reported as the unknown key that is its typo
        loc = _without_union_tags(list(err["loc"]))
        is_key = bool(loc) and loc[-1] == "[key]"
        if is_key:
            loc = loc[:-1]
        etype = err["type"]
        dotted = ".".join(str(p) for p in loc)
        where = f"{label}: {dotted}" if dotted else label
        hint = None
        path = base + tuple(loc)
        on_key = is_key
        if etype == "extra_forbidden":
            code = "QP020"
            message = f"{label}: unknown field {str(loc[-1])!r}"
            hint = did_you_mean(str(loc[-1]), _FIELD_NAMES)
            on_key = True
        elif etype == "missing":
            code = "QP021"
            message = f"{label}: missing required field {dotted!r}"
        elif etype == "union_tag_not_found":
            code = "QP021"
            message = f"{where}: missing required field 'type'"
            hint = "one of: " + ", ".join(_union_tags(err))
        elif etype == "union_tag_invalid":
            code = "QP023"
            tag = err["ctx"]["tag"]
            tags = _union_tags(err)
            what = "guardrail" if tags == GUARDRAIL_TYPES else "change"
            message = f"{where}: type {tag!r} is not a known {what} type"
            hint = did_you_mean(tag, tags) or "one of: " + ", ".join(tags)
            path = (*path, "type")
        elif etype in _TYPE_WORDS:
            code = "QP022"
            message = f"{where} must be {_TYPE_WORDS[etype]}, not {_describe(err['input'])}"
            if etype in ("int_type", "float_type") and isinstance(err["input"], str):
                hint = "remove the quotes: numbers are written without them"
            if etype == "string_type" and isinstance(err["input"], bool):
                hint = "quote the value: only true and false are booleans"
        elif etype == "literal_error":
            code = "QP023"
            expected = err["ctx"]["expected"]
            message = f"{where} must be one of {expected}, not {err['input']!r}"
            options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",")]
            hint = did_you_mean(str(err["input"]), options)
        elif etype == "profile_shape":
            code = PROFILE_SHAPE
            message = f"{where}: {err['msg']}"
        elif etype == "invisible_character":
            code = "QP011"
            message = f"{label}: {err['msg']}"
            hint = "retype the id; the character cannot be seen but changes the value"
        elif etype == "string_pattern_mismatch":
            code = "QP023"
            pattern = err["ctx"]["pattern"]
            wanted = _PATTERN_WORDS.get(pattern, f"match {pattern}")
            message = f"{where} must be {wanted}, not {err['input']!r}"
        else:
            code = "QP023"
            msg = err["msg"]
            message = f"{where}: {msg[0].lower() + msg[1:]}" if msg else where
            hint = _unit_hint(err)
        found.append(Diagnostic.at(document.position(path, key=on_key), code, message, hint))
    return found


#: the branch names of the file format's tagged unions (pydantic puts them in error paths)
_UNION_TAGS = frozenset((*GUARDRAIL_TYPES, *SCENARIO_CHANGE_TYPES))


def _without_union_tags(loc: list[Any]) -> list[Any]:
    """An error path as it is in the file: a tagged union's branch name, which pydantic
    puts after the item's index (or first, for a guardrail), is not a key of the file."""
    return [
        part
        for index, part in enumerate(loc)
        if not (part in _UNION_TAGS and (index == 0 or isinstance(loc[index - 1], int)))
    ]


def _union_tags(err: Any) -> tuple[str, ...]:
    """The tags a union error expected: guardrail types, or scenario change types."""
    expected = str((err.get("ctx") or {}).get("expected_tags", ""))
    return SCENARIO_CHANGE_TYPES if "new_queue" in expected else GUARDRAIL_TYPES


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _adapter(kind: str) -> TypeAdapter[Any]:
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(list[KINDS[kind]])  # type: ignore[valid-type]
    return _ADAPTERS[kind]


def _item_adapter(kind: str) -> TypeAdapter[Any]:
    key = "item:" + kind
    if key not in _ADAPTERS:
        _ADAPTERS[key] = TypeAdapter(KINDS[kind])
    return _ADAPTERS[key]


def _validate_items(
    kind: str, items: list[Any], document: Document, report: Report, invalid: set[str]
) -> list[tuple[int, Any]]:
    """Validate a list of items of one kind; return the valid ones with their index."""
    try:
        return list(enumerate(_adapter(kind).validate_python(items)))
    except ValidationError:
        pass  # find which items failed, keep the others
    valid = []
    for index, raw in enumerate(items):
        try:
            valid.append((index, _item_adapter(kind).validate_python(raw)))
        except ValidationError as exc:
            report.extend(schema_diagnostics(exc, document, (kind, index), _label(kind, raw)))
            if isinstance(raw, dict):
                ident = raw.get(by_plural(kind).key_field)
                if isinstance(ident, str):
                    invalid.add(ident)
    return valid


def _item_key(kind: str, item: Any) -> str:
    """The name of an item in its table: a target's is its queue or ``workflow:<id>``."""
    if kind == "targets":
        return str(item.key)
    return str(getattr(item, str(by_plural(kind).key_field)))


def build_organisation(documents: list[Document], report: Report) -> Organisation:
    """Validate every item of every document into one organisation."""
    if not _FIELD_NAMES:
        _FIELD_NAMES.update(_field_names())
    org = Organisation()
    tables: dict[str, dict[str, Any]] = {
        str(k.plural): getattr(org, str(k.plural)) for k in FILE_KINDS
    }
    for document in documents:
        data = document.data
        if data is None:
            continue
        if not isinstance(data, dict):
            report.add(
                Diagnostic.at(
                    document.position(),
                    "QP010",
                    f"a workflows file is a mapping of kinds, not {_describe(data)}",
                    "start with one of: " + ", ".join(KINDS),
                )
            )
            continue
        for kind, items in data.items():
            if kind not in KINDS:
                report.add(
                    Diagnostic.at(
                        document.position((kind,), key=True),
                        "QP010",
                        f"unknown top-level key {str(kind)!r}",
                        did_you_mean(str(kind), KINDS) or "known keys: " + ", ".join(KINDS),
                    )
                )
                continue
            if items is None:
                continue
            if not isinstance(items, list):
                report.add(
                    Diagnostic.at(
                        document.position((kind,)),
                        "QP010",
                        f"{kind} must be a list of items, not {_describe(items)}",
                        f"write each item as '- ' under {kind}:",
                    )
                )
                continue
            table = tables[kind]
            singular = SINGULAR[kind]
            invalid = org.invalid.setdefault(singular, set())
            for index, item in _validate_items(kind, items, document, report, invalid):
                key = _item_key(kind, item)
                origin = Origin(document, (kind, index))
                if key in table:
                    org.duplicates.append(
                        Duplicate(singular, key, origin, org.origins[(singular, key)])
                    )
                    continue
                table[key] = item
                org.origins[(singular, key)] = origin
    return org


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line the body starts on), or None when there is none."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            return None
    front = text[4 : end + 1]
    body = text[end + 5 :]
    body_line = text.count("\n", 0, end + 5) + 1
    return front, body, body_line


def load_sops(settings: Settings, report: Report, failed: set[str] | None = None) -> dict[str, Sop]:
    """Read the front matter of every ``sops/**/*.md.j2`` template; the paths of those that
    exist but could not be read go into ``failed`` (their problems are already reported)."""
    sops: dict[str, Sop] = {}
    failed = set() if failed is None else failed
    folder = settings.sops_path
    if not folder.is_dir():
        return sops
    try:
        files = list(input_files(folder, settings.root, (".md.j2",), max_files=settings.max_files))
    except LoadError as exc:
        report.add(exc.diagnostic)
        return sops
    for file in files:
        rel = relative_name(file, settings.root)
        failed.add(rel)  # until its front matter is read
        try:
            text = read_text(file, settings.root, max_bytes=settings.max_file_bytes)
        except LoadError as exc:
            report.add(exc.diagnostic)
            continue
        split = _split_front_matter(text.replace("\r\n", "\n"))
        if split is None:
            report.add(
                Diagnostic.at(
                    Position(rel),
                    "QP140",
                    "SOP has no front matter",
                    "start the file with '---', the title, owner, queues, review_every_days "
                    "and last_reviewed, then '---'",
                )
            )
            continue
        front_text, body, body_line = split
        try:
            document, found = parse_text(
                front_text, rel, max_depth=settings.max_depth, line_offset=1
            )
        except LoadError as exc:
            report.add(exc.diagnostic)
            continue
        report.extend(found)
        if not isinstance(document.data, dict):
            report.add(
                Diagnostic.at(Position(rel, 2), "QP140", "SOP front matter must be a mapping")
            )
            continue
        try:
            front = SopFrontMatter.model_validate(document.data)
        except ValidationError as exc:
            report.extend(schema_diagnostics(exc, document, (), "SOP"))
            continue
        sops[rel] = Sop(rel, front, body, body_line, Origin(document, ()))
        failed.discard(rel)
    return sops


def load_organisation(settings: Settings, report: Report) -> Organisation:
    """Stages load + validate for a repository: YAML under workflows/ and SOP front matter."""
    loaded = load_folder(
        settings.workflows_path,
        settings.root,
        max_bytes=settings.max_file_bytes,
        max_depth=settings.max_depth,
        max_files=settings.max_files,
    )
    report.extend(loaded.diagnostics)
    org = build_organisation(loaded.documents, report)
    if not settings.workflows_path.is_dir():
        report.add(
            Diagnostic.at(
                Position(settings.workflows_dir),
                "QP015",
                f"there is no {settings.workflows_dir}/ folder: no organisation to check",
                "run qplan in the repository's root folder, or pass --repo DIR",
            )
        )
    elif not (org.queues or org.teams or org.workflows or org.duplicates or report.has_errors):
        report.add(
            Diagnostic.at(
                Position(settings.workflows_dir),
                "QP015",
                f"{settings.workflows_dir}/ defines no workflows, teams or queues",
                "an empty organisation would plan the deletion of everything applied",
            )
        )
    failed_sops: set[str] = set()
    org.sops = load_sops(settings, report, failed_sops)
    org.invalid["sop"] = failed_sops
    _load_case_sets(org, settings, report)
    _load_forecasts(org, settings, report)
    from qplan.model.actuals_source import load_actuals

    load_actuals(org, settings, report)
    tables: tuple[tuple[str, dict[str, Any], list[tuple[Any, Origin]]], ...] = (
        ("scenario", org.scenarios, load_scenarios(settings, report)),
        ("project", org.projects, load_projects(settings, report)),
    )
    for kind, table, found in tables:
        for item, origin in found:
            if (kind, item.id) in org.origins:
                org.duplicates.append(
                    Duplicate(kind, item.id, origin, org.origins[(kind, item.id)])
                )
                continue
            table[item.id] = item
            org.origins[(kind, item.id)] = origin
    org.launch_notice_days = settings.launch_notice_days
    return org


#: the folders of one-item files, under the repository's root
SCENARIOS_DIR = "scenarios"
PROJECTS_DIR = "projects"


def load_scenarios(
    settings: Settings, report: Report, files: Iterable[Path] | None = None
) -> list[tuple[pf.Scenario, Origin]]:
    """Read the scenario files (every YAML file under scenarios/, or those given)."""
    return _load_one_per_file(
        settings,
        report,
        SCENARIOS_DIR,
        pf.Scenario,
        "start with id:, title: and changes:",
        files,
        ("max_scenarios", settings.max_scenarios),
    )


def load_projects(settings: Settings, report: Report) -> list[tuple[pf.Project, Origin]]:
    """Read the project files (every YAML file under projects/)."""
    return _load_one_per_file(
        settings,
        report,
        PROJECTS_DIR,
        pf.Project,
        "start with id:, kind:, title:, owner: and status:",
        None,
        ("max_projects", settings.max_projects),
    )


def _load_one_per_file(
    settings: Settings,
    report: Report,
    folder_name: str,
    model: Any,
    hint: str,
    files: Iterable[Path] | None = None,
    limit: tuple[str, int] = ("max_files", 10_000),
) -> list[tuple[Any, Origin]]:
    """Read files that each hold one item (a mapping): every YAML file under the folder, or
    those given; a bad one becomes diagnostics and is left out. More files than the
    ``limit`` setting allows (each costs a run of a model) are QP014, and none is read."""
    from qplan.load.reader import TooManyFiles, load_files, yaml_files

    folder = settings.root / folder_name
    if files is None and not folder.is_dir():
        return []
    if files is None:
        setting, most = limit
        most = min(most, settings.max_files)
        try:
            files = list(yaml_files(folder, settings.root, max_files=most))
        except TooManyFiles:
            report.add(
                Diagnostic.at(
                    Position(folder_name),
                    "QP014",
                    f"more than {most:,} {folder_name} files",
                    f"remove the ones no longer needed, or raise [tool.qplan] {setting}",
                )
            )
            return []
    loaded = load_files(
        list(files),
        settings.root,
        max_bytes=settings.max_file_bytes,
        max_depth=settings.max_depth,
        max_files=settings.max_files,
    )
    report.extend(loaded.diagnostics)
    kind = folder_name.removesuffix("s")
    found = []
    for document in loaded.documents:
        if document.data is None:
            continue
        if not isinstance(document.data, dict):
            report.add(
                Diagnostic.at(
                    document.position(),
                    "QP010",
                    f"a {kind} file is a mapping, not {_describe(document.data)}",
                    hint,
                )
            )
            continue
        try:
            item = model.model_validate(document.data)
        except ValidationError as exc:
            report.extend(schema_diagnostics(exc, document, (), _label(kind, document.data)))
            continue
        found.append((item, Origin(document, ())))
    return found


def _load_forecasts(org: Organisation, settings: Settings, report: Report) -> None:
    """Read the forecast CSV each profile names (a missing one is QP104)."""
    from qplan.load.forecasts import read_forecast

    for pid, profile in sorted(org.profiles.items()):
        path = profile.csv
        if path is None or path in org.forecasts:
            continue
        try:
            found = read_forecast(settings.root, path, max_bytes=settings.max_file_bytes)
        except LoadError as exc:
            report.add(exc.diagnostic)
            _drop_profile(org, pid)
            continue
        if found is None:
            report.add(
                Diagnostic.at(
                    org.origin("profile", pid).at("csv"),
                    "QP104",
                    f"forecast {path} does not exist",
                    "forecasts are CSV files under forecasts/ (interval_start,volume,aht_seconds)",
                )
            )
            _drop_profile(org, pid)
            continue
        report.extend(found.problems)
        if found.problems:
            _drop_profile(org, pid)
            continue
        org.forecasts[path] = found


def _drop_profile(org: Organisation, pid: str) -> None:
    """A profile whose forecast cannot be used is left out, like an invalid item (already
    reported, so the queues that name it raise no second error)."""
    org.profiles.pop(pid, None)
    org.invalid.setdefault("profile", set()).add(pid)


def _load_case_sets(org: Organisation, settings: Settings, report: Report) -> None:
    """Read the training case set each training queue names (a missing one is QP104)."""
    from qplan.load.case_sets import read_case_set
    from qplan.load.reader import LoadError

    for qid, queue in sorted(org.queues.items()):
        if queue.training is None or queue.training.case_set in org.case_sets:
            continue
        path = queue.training.case_set
        try:
            found = read_case_set(settings.root, path, max_bytes=settings.max_file_bytes)
        except LoadError as exc:
            report.add(exc.diagnostic)
            continue
        if found is None:
            report.add(
                Diagnostic.at(
                    org.origin("queue", qid).at("training", "case_set"),
                    "QP104",
                    f"training case set {path} does not exist",
                    "case sets are CSV files under training/ (item_id,expected_decision,"
                    "policy_version,note)",
                )
            )
            continue
        org.case_sets[path] = found
