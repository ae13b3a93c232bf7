"""Queue lifecycle: which status changes a plan may make, checked against the state.

Allowed: draft → ready → live ⇄ paused, and any status → retired; a new queue starts as
draft or ready (except in the first plan, which takes the organisation as it is). A queue
leaving service with forecast volume or an allocation must say
where its items go (``migrate_to``: a live queue with the same policy, its languages and
its data classification); a queue is deleted only once it is retired.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from qplan.check.semantics import unrouted_retirement
from qplan.core.diagnostics import Diagnostic, Position
from qplan.model.format import speaks

if TYPE_CHECKING:
    from qplan.model.organisation import Organisation
    from qplan.plan.resources import Resource

ALLOWED: dict[str, tuple[str, ...]] = {
    "draft": ("ready", "retired"),
    "ready": ("live", "retired"),
    "live": ("paused", "retired"),
    "paused": ("live", "retired"),
    "retired": (),
}
NEW_QUEUE_STATUSES = ("draft", "ready")


def _fields(resource: Resource | None) -> dict[str, Any]:
    return json.loads(resource.body) if resource is not None else {}


def transition_problems(
    org: Organisation,
    current: Mapping[str, Resource],
    folder: str = "workflows",
    desired: Mapping[str, Resource] | None = None,
) -> list[Diagnostic]:
    """Every status change of the desired organisation that the state does not allow.

    Against an empty state (the first plan, when an organisation adopts qplan) queues are
    taken as they are: live queues exist before qplan does. With the ``desired`` resources,
    a queue whose resource is the same in both has no status change and is not read.
    """
    problems: list[Diagnostic] = []
    if not current:
        return problems
    for qid, queue in sorted(org.queues.items()):
        address = f"queue.{qid}"
        was, wanted = current.get(address), (desired or {}).get(address)
        if was is not None and wanted is not None and was.body == wanted.body:
            continue
        origin = org.origin("queue", qid)
        before = _fields(was)
        old = before.get("status")
        if old is None:
            if queue.status not in NEW_QUEUE_STATUSES:
                problems.append(
                    Diagnostic.at(
                        origin.at("status"),
                        "QP190",
                        f"new queue {qid} starts as {queue.status}; a new queue starts as "
                        "draft or ready",
                        "start it as ready, then make it live in a later plan",
                    )
                )
            continue
        if queue.status != old and queue.status not in ALLOWED[old]:
            moves = " or ".join(ALLOWED[old]) or "nothing (a retired queue stays retired)"
            problems.append(
                Diagnostic.at(
                    origin.at("status"),
                    "QP190",
                    f"queue {qid} cannot go from {old} to {queue.status}; from {old} it may "
                    f"go to {moves}",
                    "draft → ready → live ⇄ paused, and any status → retired",
                )
            )
        if queue.status == "live" and old in NEW_QUEUE_STATUSES:
            linked = [p for p in sorted(org.projects) if qid in org.projects[p].queues]
            if not linked:
                problems.append(
                    Diagnostic.at(
                        origin.at("status"),
                        "QP186",
                        f"queue {qid} goes live with no project linking it",
                        "list it under queues: of its launch project (projects/*.yaml), so "
                        "status and the launch calendar show it",
                    )
                )
        if queue.status == "retired" and old != "retired":
            problems.extend(_retirement(org, qid, before, current))
    for _, resource in sorted(current.items()):
        if resource.kind != "queue" or resource.id in org.queues:
            continue
        before = _fields(resource)
        status = before.get("status")
        if status in ("live", "paused"):
            volume = (before.get("forecast") or {}).get("weekly_volume", 0)
            workflow = org.workflows.get(resource.group)
            where = org.origin("workflow", workflow.id).at() if workflow else Position(folder)
            problems.append(
                Diagnostic.at(
                    where,
                    "QP191",
                    f"queue {resource.id} is deleted while {status} with {volume:g} items a "
                    "week; retire it first (with migrate_to), delete it in a later plan",
                    "a live or paused queue goes to retired before it leaves the repository",
                )
            )
    return problems


def _retirement(
    org: Organisation, qid: str, before: dict[str, Any], current: Mapping[str, Resource]
) -> list[Diagnostic]:
    queue = org.queues[qid]
    origin = org.origin("queue", qid)
    volume = (before.get("forecast") or {}).get("weekly_volume", 0)
    allocated = f"allocation.{qid}" in current or qid in org.allocations
    if queue.migrate_to is None:
        unrouted = unrouted_retirement(org, qid, volume, allocated)
        return [] if unrouted is None else [unrouted]
    target = org.queues.get(queue.migrate_to)
    if target is None:
        return []  # an unknown reference, reported by validate
    reasons = []
    if target.status != "live":
        reasons.append(f"it is {target.status}, not live")
    if target.policy_id != queue.policy_id:
        reasons.append(f"it enforces {target.policy_id}, not {queue.policy_id}")
    missing = [lang for lang in queue.languages if not speaks(target.languages, lang)]
    if missing:
        reasons.append(f"it does not review {', '.join(missing)}")
    if target.data_classification != queue.data_classification:
        reasons.append(f"it is {target.data_classification}, not {queue.data_classification}")
    if not reasons:
        return []
    return [
        Diagnostic.at(
            origin.at("migrate_to"),
            "QP192",
            f"{qid} cannot migrate to {target.id}: " + "; ".join(reasons),
            "migrate to a live queue with the same policy, languages and data classification",
        )
    ]
