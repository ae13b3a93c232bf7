"""*plan*, last step: apply — a reviewed plan becomes the next state revision, or is refused.

Every refusal is checked before anything is written, and the write itself is
one transaction under the state lock, which is released whatever happens.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass

from qplan.core.errors import PlanRefused, StateError
from qplan.plan.plan import Plan, diff
from qplan.plan.resources import BadResource, body_problem, check_read_back, digest
from qplan.plan.state import Change, Revision, StateStore


@dataclass(frozen=True)
class ApplyOptions:
    actor: str
    git_commit: str | None = None
    allow_large_change: bool = False
    ignore_repo_drift: bool = False
    lock_timeout: float = 0.0
    max_change_percent: float = 30.0
    min_existing: int = 10


def refusal(
    plan: Plan, store: StateStore, repo_digest: str | None, options: ApplyOptions
) -> str | None:
    """Why this plan must not be applied to this state now, or None."""
    applied = store.applied_as(plan.checksum)
    if applied is not None:
        return f"plan was already applied as serial {applied.serial} on {applied.created_at}"
    lineage = store.lineage()
    serial = store.serial()
    if plan.base.lineage is not None and lineage is not None and plan.base.lineage != lineage:
        return f"plan belongs to state lineage {plan.base.lineage}, this state is lineage {lineage}"
    if plan.base.serial != serial:
        return (
            f"plan was made against serial {plan.base.serial}, state is at serial {serial}; "
            "make a new plan"
        )
    if (
        plan.origin == "repository"
        and repo_digest is not None
        and repo_digest != plan.desired_digest
        and not options.ignore_repo_drift
    ):
        return (
            "the repository's files no longer match the plan (they changed after it was made); "
            "make a new plan, or apply with --ignore-repo-drift"
        )
    inconsistent = _inconsistency(plan, store)
    if inconsistent:
        return inconsistent
    if not options.allow_large_change:
        return plan.unsafe_reason(options.max_change_percent, options.min_existing)
    return None


_ROLLBACK = re.compile(r"^rollback to serial ([1-9][0-9]{0,17})$")


def _inconsistency(plan: Plan, store: StateStore) -> str | None:
    """Why the plan's changes are not what its desired state makes of this state, or None.

    A plan file is an artifact anyone could have edited: the changes apply writes are
    worked out again from the desired snapshot and the state, and every body it would
    write is validated like a file of the repository.
    """
    if plan.origin != "repository":
        match = _ROLLBACK.match(plan.origin)
        if match is None:
            return f"plan has an unknown origin {plan.origin[:80]!r}"
        wanted = digest(store.resources(int(match.group(1))).values())
        if wanted != plan.desired_digest:
            return (
                f"plan says it rolls back to serial {match.group(1)}, but its resources are not "
                "that revision's"
            )
    current = store.resources()
    try:
        check_read_back(current, plan.desired, "the state")
        expected = diff(plan.desired, current)
    except BadResource as exc:
        return f"cannot compare the plan with the state: {exc}"
    if [(c.address, c.action) for c in expected] != [(c.address, c.action) for c in plan.changes]:
        return (
            "the plan's changes do not follow from its desired resources and this state: "
            "it was not made by qplan, or was edited; make a new plan"
        )
    for change in plan.changes:
        if change.action == "delete":
            continue
        problem = body_problem(plan.desired[change.address])
        if problem:
            return f"plan would write an invalid resource {change.address}: {problem}"
    return None


def apply_plan(
    plan: Plan, store: StateStore, options: ApplyOptions, repo_digest: str | None = None
) -> Revision | None:
    """Write the plan as the next revision; None when it changes nothing.

    Raises :class:`~qplan.core.errors.PlanRefused` (nothing written) or
    :class:`~qplan.core.errors.LockHeld` when another run holds the lock.
    """
    reason = refusal(plan, store, repo_digest, options)
    if reason:
        raise PlanRefused(reason)
    if not plan.has_changes:
        return None
    changes = [
        Change(
            c.action,
            c.address,
            c.group,
            None if c.action == "delete" else plan.desired[c.address].body,
        )
        for c in plan.changes
    ]
    lock = store.acquire_lock("apply", options.actor, options.lock_timeout)
    try:
        revision = store.write_revision(
            base_serial=plan.base.serial,
            base_lineage=plan.base.lineage,
            changes=changes,
            actor=options.actor,
            git_commit=options.git_commit,
            plan_checksum=plan.checksum,
            origin=plan.origin,
        )
    except BaseException:
        with suppress(StateError):  # the first error is the one to report
            store.release_lock(lock.id)
        raise
    store.release_lock(lock.id)
    return revision
