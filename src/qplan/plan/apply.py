"""*plan*, last step: apply — a reviewed plan becomes the next state revision, or is refused.

Every refusal is checked before anything is written, and the write itself is
one transaction under the state lock, which is released whatever happens.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from qplan.core.errors import PlanRefused, StateError
from qplan.plan.plan import Plan
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
    if not options.allow_large_change:
        return plan.unsafe_reason(options.max_change_percent, options.min_existing)
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
