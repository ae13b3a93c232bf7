"""The organisation as resources: what the state stores and the plan compares.

A resource is one item of one kind (``queue.sv-hate-speech-en``) with its
fields as canonical JSON text. Two resources are the same exactly when their
texts are equal, so comparing a desired organisation with a stored revision
needs no parsing of the unchanged ones. ``group`` is the workflow a resource is
shown under in plans and docs ("" for organisation-wide items: policies, teams,
guardrails).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qplan.core.errors import QplanError
from qplan.core.kinds import KINDS, PLAN_ORDER, Kind
from qplan.model.organisation import Organisation
from qplan.sops.rendering import RenderedSop

#: kinds in the order plans list them
KIND_ORDER = PLAN_ORDER
ORGANISATION_GROUP = ""


@dataclass(frozen=True, slots=True)
class Resource:
    kind: str
    id: str
    group: str
    body: str  # canonical JSON text of the fields

    @property
    def address(self) -> str:
        return f"{self.kind}.{self.id}"

    def fields(self) -> dict[str, Any]:
        """The body as a mapping; :class:`BadResource` when it is not a JSON object."""
        try:
            value = json.loads(self.body)
        except (ValueError, RecursionError):
            raise BadResource(self.address, "its body is not JSON") from None
        if not isinstance(value, dict):
            raise BadResource(self.address, "its body is not a JSON object")
        return value


class BadResource(QplanError, ValueError):
    """A resource body read from a plan file or the state is not what qplan writes."""

    def __init__(self, address: str, problem: str) -> None:
        super().__init__(f"resource {address}: {problem}")
        self.address = address


def body_problem(resource: Resource) -> str | None:
    """Why a body read back (from a plan file or the state) is not a valid resource, or None.

    Bodies of the file format's kinds are validated by the same models as the files;
    case sets and SOPs by the shape :func:`desired_resources` gives them.
    """
    from pydantic import ValidationError

    if resource.kind not in KIND_ORDER:
        return f"unknown kind {resource.kind!r}"
    try:
        fields = resource.fields()
    except BadResource as exc:
        return str(exc).partition(": ")[2]
    adapter = validator(resource.kind)
    if adapter is not None:
        try:
            adapter.validate_json(resource.body)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            return f"not a valid {resource.kind} ({where}: {first['msg']})"
        return None
    wanted = _OTHER_FIELDS[resource.kind]
    missing = sorted(wanted - fields.keys())
    if missing:
        return f"not a valid {resource.kind} (no {', '.join(missing)})"
    if not isinstance(fields["path"], str):
        return f"not a valid {resource.kind} (path must be text)"
    return None


_OTHER_FIELDS = {
    "cases": frozenset({"path", "checksum", "count", "item_ids"}),
    "forecast": frozenset({"path", "checksum", "volumes", "aht_seconds"}),
    "sop": frozenset({"path", "title", "template"}),
}


@functools.cache
def validator(kind: str) -> Any:
    """The validator of a kind of the file format (built once), or None."""
    from pydantic import TypeAdapter

    from qplan.model import format as m

    models: dict[str, Any] = {
        "workflow": m.Workflow,
        "policy": m.Policy,
        "profile": m.Profile,
        "team": m.Team,
        "guardrail": m.Guardrail,
        "queue": m.Queue,
        "target": m.Target,
        "allocation": m.Allocation,
    }
    return TypeAdapter(models[kind]) if kind in models else None


def check_read_back(
    snapshot: Mapping[str, Resource], trusted: Mapping[str, Resource], source: str
) -> None:
    """Raise :class:`BadResource` for the first resource of ``snapshot`` (read from a state
    or a plan file) that is not valid. Resources whose body equals the one in ``trusted``
    (just derived from the repository) are valid by construction and are not parsed."""
    for address in sorted(snapshot):
        resource = snapshot[address]
        same = trusted.get(address)
        if same is not None and same.body == resource.body:
            continue
        problem = body_problem(resource)
        if problem:
            raise BadResource(address, f"{source} holds an invalid body: {problem}")


def split_address(address: str) -> tuple[str, str]:
    kind, _, ident = address.partition(".")
    return kind, ident


def sort_key(address: str, group: str) -> tuple[str, int, str]:
    kind, ident = split_address(address)
    rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
    return (group, rank, ident)


def sop_id(path: str, sops_dir: str = "sops") -> str:
    """``sops/short-video.md.j2`` is ``sop.short-video``."""
    name = path.removeprefix(f"{sops_dir}/")
    return name.removesuffix(".md.j2")


def desired_resources(
    organisation: Organisation, sops: Mapping[str, RenderedSop], sops_dir: str = "sops"
) -> dict[str, Resource]:
    """Every valid item of the organisation as a resource, by address; an SOP's resource
    holds its text as ``sops`` (the SOP stage's texts, by path) has it rendered."""
    found: list[Resource] = []
    queues = organisation.queues

    def group_of_queue(queue_id: str | None) -> str:
        queue = queues.get(queue_id or "")
        return queue.workflow if queue else ORGANISATION_GROUP

    def group_of(kind: Kind, key: str, item: Any) -> str:
        if kind.grouped_by == "self":
            return key
        if kind.grouped_by == "workflow":
            return str(item.workflow)
        if kind.grouped_by == "queue":  # a target of a whole workflow is that workflow's
            return getattr(item, "workflow", None) or group_of_queue(item.queue)
        return ORGANISATION_GROUP

    for kind in KINDS:
        if kind.plural is not None:
            table: dict[str, Any] = getattr(organisation, kind.plural)
            for key, item in table.items():
                found.append(Resource(kind.singular, key, group_of(kind, key, item), _json(item)))
        elif kind.singular == "forecast":  # a profile's CSV week: a changed forecast is a change
            found.extend(_forecasts(organisation))
    for qid, queue in queues.items():  # the training case set each training queue enqueues
        if queue.training is None or queue.training.case_set not in organisation.case_sets:
            continue
        case_set = organisation.case_sets[queue.training.case_set]
        fields = {
            "path": case_set.path,
            "checksum": case_set.checksum,
            "count": len(case_set.cases),
            "item_ids": case_set.item_ids,
        }
        body = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        found.append(Resource("cases", qid, queue.workflow, body))
    for path, sop in organisation.sops.items():
        fields = {"path": path, **json.loads(_json(sop.front))}
        fields["template"] = sop.body
        rendered = sops.get(path)
        if rendered is not None:
            fields["rendered"] = rendered.text  # what moderators read, diffed in plans
        group = group_of_queue(sop.front.queues[0] if sop.front.queues else None)
        body = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        found.append(Resource("sop", sop_id(path, sops_dir), group, body))
    return {r.address: r for r in found}


def _forecasts(organisation: Organisation) -> list[Resource]:
    found = []
    for profile in organisation.profiles.values():
        forecast = organisation.forecasts.get(profile.csv or "")
        if forecast is not None:
            fields = {
                "path": forecast.path,
                "checksum": forecast.checksum,
                "volumes": [round(v, 6) for v in forecast.volumes],
                "aht_seconds": [round(a, 6) for a in forecast.aht_seconds],
            }
            body = json.dumps(fields, separators=(",", ":"))
            found.append(Resource("forecast", profile.id, ORGANISATION_GROUP, body))
    return found


def _json(item: Any) -> str:
    """Fields as JSON, named as in the files; empty ``suppress`` and ``phases`` lists are
    left out, as if not written."""
    exclude = {name for name in _EMPTY_OMITTED if getattr(item, name, None) == []}
    text: str = item.model_dump_json(exclude_none=True, exclude=exclude or None, by_alias=True)
    return text


_EMPTY_OMITTED = ("suppress", "phases", "shifts")


def digest(resources: Iterable[Resource]) -> str:
    """One checksum of a whole snapshot, independent of the order it is given in."""
    h = hashlib.sha256()
    for r in sorted(resources, key=lambda r: r.address):
        h.update(f"{r.address}\0{r.group}\0{r.body}\n".encode())
    return h.hexdigest()


def snapshot_to_json(resources: Mapping[str, Resource]) -> dict[str, list[str]]:
    """A snapshot as plain JSON (address → [group, body]), for plan files."""
    return {a: [r.group, r.body] for a, r in sorted(resources.items())}


def snapshot_from_json(data: Mapping[str, Any]) -> dict[str, Resource]:
    """A snapshot read from a plan file; :class:`BadResource` when its shape is wrong."""
    resources = {}
    for address, value in data.items():
        if (
            not isinstance(address, str)
            or not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, str) for v in value)
        ):
            raise BadResource(str(address)[:80], "not an [group, body] pair")
        group, body = value
        kind, ident = split_address(address)
        resources[address] = Resource(kind, ident, group, body)
    return resources
