"""The state as ``qplan state`` shows it: a revision, a resource as it was applied (its
fields, as a plan shows a creation) and the history, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qplan.plan.plan import ResourceChange
from qplan.plan.resources import Resource
from qplan.plan.state import Revision
from qplan.report.plan import change_lines
from qplan.report.registry import Reporters


def resource_lines(address: str, resource: Resource) -> list[str]:
    as_created = ResourceChange(address, resource.group, "create", None, resource.fields())
    return change_lines(as_created)


def _revision_json(revision: Revision) -> dict[str, Any]:
    return {
        "serial": revision.serial,
        "lineage": revision.lineage,
        "created_at": revision.created_at,
        "actor": revision.actor,
        "git_commit": revision.git_commit,
        "plan_checksum": revision.plan_checksum,
        "origin": revision.origin,
        "changes": revision.counts(),
    }


@dataclass(frozen=True)
class RevisionView:
    """A revision and how many resources of each kind it holds."""

    revision: Revision
    kinds: dict[str, int]


def _revision_document(view: RevisionView) -> dict[str, Any]:
    return {"format_version": "1", **_revision_json(view.revision), "resources": view.kinds}


def revision_text(view: RevisionView) -> str:
    document = _revision_document(view)
    out = [
        f"{key + ':':<12} {document[key] or '-'}"
        for key in ("serial", "lineage", "created_at", "actor", "git_commit", "origin")
    ]
    out.append(f"{'changes:':<12} {view.revision.summary()}")
    out.append(
        f"{'resources:':<12} " + ", ".join(f"{n} {k}" for k, n in sorted(view.kinds.items()))
    )
    return "\n".join(out) + "\n"


REVISION: Reporters[RevisionView] = Reporters(
    "revision",
    text=revision_text,
    json=lambda view: json.dumps(_revision_document(view), indent=2) + "\n",
)


@dataclass(frozen=True)
class ResourceView:
    """A resource as a revision recorded it."""

    address: str
    serial: int
    resource: Resource


def resource_text(view: ResourceView) -> str:
    lines = [f"{view.address} (serial {view.serial})"]
    lines += [f"  {line}" for line in resource_lines(view.address, view.resource)]
    return "\n".join(lines) + "\n"


def resource_json(view: ResourceView) -> str:
    body = {"format_version": "1", "address": view.address, "serial": view.serial}
    body |= {"group": view.resource.group, "fields": view.resource.fields()}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


RESOURCE: Reporters[ResourceView] = Reporters("resource", text=resource_text, json=resource_json)


def history_text(revisions: Sequence[Revision]) -> str:
    if not revisions:
        return "The state is empty: nothing has been applied yet.\n"
    actor_width = max(5, *(len(r.actor) for r in revisions))
    out = [f"{'SERIAL':>6}  {'TIME':<20}  {'ACTOR':<{actor_width}}  {'COMMIT':<12}  CHANGES"]
    for r in revisions:
        commit = (r.git_commit or "-")[:12]
        origin = "" if r.origin == "repository" else f" ({r.origin})"
        out.append(
            f"{r.serial:>6}  {r.created_at:<20}  {r.actor:<{actor_width}}  {commit:<12}  "
            f"{r.summary()}{origin}"
        )
    return "\n".join(out) + "\n"


def history_json(revisions: Sequence[Revision]) -> str:
    rows = [_revision_json(r) for r in revisions]
    return json.dumps({"format_version": "1", "revisions": rows}, indent=2) + "\n"


HISTORY: Reporters[Sequence[Revision]] = Reporters("history", text=history_text, json=history_json)
