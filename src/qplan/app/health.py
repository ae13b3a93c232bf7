"""``qplan health`` and ``recover``: the organisation's health from its actuals, and the
cheapest recovery of a queue's backlog, written as dated allocation phases."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from qplan.check.semantics import ValidationResult

if TYPE_CHECKING:
    from qplan.capacity.health import Health
    from qplan.capacity.recovery import RecoveryPlan


def assess_health(
    validation: ValidationResult,
    starts: date | None = None,
    ends: date | None = None,
    *,
    workflow: str | None = None,
    vendor: str | None = None,
    plan_day: date | None = None,
) -> Health:
    """The health of the organisation in a period (default: the last four weeks of actuals),
    against the plan in force on ``plan_day`` (default: the period's last day). Raises
    :class:`ConfigError` when the repository has no actuals."""
    from qplan.capacity.health import assess, default_period
    from qplan.capacity.staffing import derive_organisation
    from qplan.core.errors import ConfigError

    org = validation.organisation
    if org.actuals is None or org.actuals.empty:
        raise ConfigError(f"there are no actuals: {no_actuals_hint(validation)}")
    if starts is None or ends is None:
        wanted = None
        if workflow is not None:
            wanted = [qid for qid, q in org.queues.items() if q.workflow == workflow]
        first, last = default_period(org.actuals, wanted)
        ends = ends or last
        starts = starts or (first if ends == last else ends - (last - first))
    capacity = derive_organisation(org, plan_day or ends)
    span = org.actuals.span()
    found = assess(
        org.actuals,
        capacity,
        org.queues,
        org.teams,
        org.targets,
        starts,
        ends,
        workflow=workflow,
        vendor=vendor,
    )
    found.actuals_end = span[1] if span else None
    found.today = validation.settings.today
    return found


def plan_recovery(
    validation: ValidationResult, queue: str, backlog: float, by: date, overtime_max: float
) -> RecoveryPlan:
    """The cheapest recovery of ``backlog`` items of ``queue`` from today to ``by``."""
    from qplan.capacity.recovery import plan_recovery as cheapest
    from qplan.capacity.recovery import share_limits
    from qplan.capacity.staffing import derive_organisation, planning_of

    org = validation.organisation
    today = validation.settings.today
    capacity = derive_organisation(org, today)
    allocation = org.allocations.get(queue)
    suppressed = set(org.queues[queue].suppress) | set(allocation.suppress if allocation else [])
    limits = share_limits(org.guardrails, org.teams, org.queues[queue], suppressed)
    staffing = {}
    actual_aht = None
    if org.actuals is not None and not org.actuals.empty:
        health = assess_health(validation)
        for tid, card in health.teams.items():
            staffed = card.staffing_vs_plan_percent
            if staffed is not None and staffed < 99.5:  # as reported: below 100 %
                staffing[tid] = staffed / 100
        measured = health.queues.get(queue)
        actual_aht = measured.tally.aht_seconds if measured is not None else None
    return cheapest(
        capacity,
        org.queues,
        org.teams,
        queue,
        backlog,
        today,
        by,
        overtime_max=overtime_max,
        guardrails=limits,
        staffing=staffing,
        aht_seconds=actual_aht,
        exposure_caps=planning_of(org).exposure_caps,
    )


def write_recovery(validation: ValidationResult, recovery: RecoveryPlan) -> str:
    """Record ``recovery`` as two dated phases of the queue's allocation: its shares from
    the first day, and the shares in force before from the day after ``by`` (so that it ends
    by itself). Returns the file edited. Refuses when the allocation already has a phase in
    that time, which a person has to reconcile by hand."""
    from datetime import timedelta

    from qplan.core.errors import PlanRefused
    from qplan.edit.documents import add_allocation_phases

    org = validation.organisation
    allocation = org.allocations[recovery.queue]
    after = recovery.by + timedelta(days=1)
    clash = [p.starts for p in allocation.phases if recovery.starts <= p.starts <= after]
    if clash:
        raise PlanRefused(
            f"the allocation of {recovery.queue} already has a phase from {clash[0]}, inside "
            "the recovery: edit its phases by hand"
        )
    origin = org.origin("allocation", recovery.queue)
    kind, index = origin.path[0], origin.path[1]
    if kind != "allocations" or not isinstance(index, int):
        raise PlanRefused(f"cannot find the allocation of {recovery.queue} to edit")
    phases = [
        {
            "from": recovery.starts,
            "shares": recovery.shares_during(),
            "recovery": {
                "backlog": round(recovery.backlog),
                "clear_by": recovery.by,
                **({"extra_fte": extra} if (extra := recovery.extra_fte()) else {}),
            },
        },
        {"from": after, "shares": dict(allocation.shares_on(after))},
    ]
    add_allocation_phases(validation.settings, origin.document.path, index, recovery.queue, phases)
    return origin.document.path


def health_of(
    validation: ValidationResult,
    starts: date | None = None,
    ends: date | None = None,
    *,
    workflow: str | None = None,
    vendor: str | None = None,
    with_launches: bool = False,
    state_url: str | None = None,
) -> Health:
    """``qplan health``: :func:`assess_health` of the workflow or vendor asked for (a name
    the organisation does not have is a usage error); ``with_launches``, the launches
    ahead of its queues for the first screen (the capacity overview's line)."""
    from qplan.core.errors import UsageError

    org = validation.organisation
    if starts and ends and starts > ends:
        raise UsageError(f"--from {starts} comes after --to {ends}")
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    vendors = sorted({t.vendor for t in org.teams.values() if t.vendor})
    if vendor is not None and vendor not in vendors:
        raise UsageError(f"--vendor: no vendor {vendor!r} (vendors: {', '.join(vendors)})")
    found = assess_health(validation, starts, ends, workflow=workflow, vendor=vendor)
    if with_launches:
        from qplan.app.capacity import launches_summary

        shown = None if workflow is None and vendor is None else set(found.queues)
        found.launches = launches_summary(validation, state_url, shown)
    return found


def recovery_of(
    validation: ValidationResult, queue: str, backlog: float, by: date, overtime_max: float
) -> RecoveryPlan:
    """``qplan recover``: :func:`plan_recovery`, after checking the queue is staffed and the
    day is in reach."""
    from qplan.capacity.recovery import MAX_DAYS
    from qplan.capacity.staffing import derive_organisation
    from qplan.core.errors import UsageError

    today = validation.settings.today
    if by < today:
        raise UsageError(f"--by {by} is before today ({today})")
    if (by - today).days + 1 > MAX_DAYS:
        raise UsageError(f"--by {by}: a recovery is planned over at most {MAX_DAYS} days")
    if queue not in derive_organisation(validation.organisation, today).queues:
        raise UsageError(f"{queue!r} is not a staffed queue with a forecast and an allocation")
    return plan_recovery(validation, queue, backlog, by, overtime_max)


def no_actuals_hint(validation: ValidationResult) -> str:
    """What to do about having no actuals, for the source the settings name."""
    source = validation.settings.actuals
    if source.source == "postgresql":
        return (
            f"run qplan actuals pull (with {source.url_env} set) to read them from "
            f"PostgreSQL table {source.table}"
        )
    return (
        "put CSV files of what happened under actuals/ "
        "(date,queue,team,arrived,handled,handled_within_sla,backlog_end,aht_seconds,"
        "qa_sampled,qa_correct[,productive_hours])"
    )
