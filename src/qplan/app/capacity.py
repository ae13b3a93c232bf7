"""``qplan capacity`` and ``qplan erlang``: the one capacity model's figures for the queues
and teams asked for, with backlog recoveries, the week by interval, and the planner's Erlang
table of one interval."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from qplan.capacity.erlang import ErlangTable
from qplan.capacity.erlang import table as erlang_table
from qplan.capacity.figures import Capacity
from qplan.capacity.selection import CapacityView, IntervalView, interval_view, select
from qplan.check.semantics import ValidationResult
from qplan.core.errors import UsageError

__all__ = [
    "CapacityView",
    "ErlangTable",
    "IntervalView",
    "capacity_figures",
    "capacity_view",
    "erlang_table",
    "interval_view",
]


def capacity_figures(
    validation: ValidationResult,
    *,
    day: date | None = None,
    workflow: str | None = None,
    team: str | None = None,
) -> Capacity:
    """The model's figures on ``day`` (default: today) for ``workflow`` / ``team``."""
    from qplan.capacity.staffing import derive_organisation

    org = validation.organisation
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    if team is not None and team not in org.teams:
        raise UsageError(f"--team: no team {team!r}")
    figures = derive_organisation(org, day or validation.settings.today)
    return select(figures, workflow, team)


def capacity_view(
    validation: ValidationResult,
    *,
    day: date | None = None,
    workflow: str | None = None,
    team: str | None = None,
    backlogs: Sequence[tuple[str, float]] = (),
    recover_days: float = 7.0,
    with_actuals: bool = True,
    state_url: str | None = None,
) -> CapacityView:
    """The figures, and for each queue with a backlog (queue → items) the days to clear it
    at the day's staffing and the extra FTE that clears it in ``recover_days``; with
    ``with_actuals``, what the actuals of the last four weeks say (when there are any)."""
    from qplan.capacity.backlog import recovery
    from qplan.capacity.staffing import derive_organisation

    shown = capacity_figures(validation, day=day, workflow=workflow, team=team)
    org = validation.organisation
    everything = derive_organisation(org, day or validation.settings.today)
    recoveries = []
    for qid, items in backlogs:
        if qid not in everything.queues:
            raise UsageError(
                f"--backlog: {qid!r} is not a staffed queue with a forecast and an allocation"
            )
        recoveries.append(recovery(everything, org.teams, qid, items, recover_days))
    actuals = None
    if with_actuals and org.actuals is not None and not org.actuals.empty:
        from qplan.app.health import assess_health

        actuals = assess_health(validation, workflow=workflow)
    from qplan.model.shares import vendor_caps_summary

    guardrails = vendor_caps_summary(validation.organisation, set(shown.queues))
    shown_queues = None if workflow is None and team is None else set(shown.queues)
    launches = launches_summary(validation, state_url, shown_queues) if with_actuals else None
    return CapacityView(shown, recoveries, actuals, guardrails, launches)


def launches_summary(
    validation: ValidationResult,
    state_url: str | None = None,
    queues: set[str] | None = None,
) -> str | None:
    """The overview's line on the launches ahead with their readiness (which reads the
    state: what was enqueued), of the projects that touch ``queues`` (or their workflows)
    when given; None without a launch, or when the state cannot be read (the line is left
    out, not the figures)."""
    from datetime import timedelta

    from qplan.app.projects import project_status
    from qplan.core.errors import QplanError
    from qplan.views.status import launches_text

    org = validation.organisation
    workflows = {org.queues[q].workflow for q in queues or () if q in org.queues}
    chosen = [
        pid
        for pid, p in sorted(org.projects.items())
        if any(m.launch for m in p.milestones)
        and (
            queues is None
            or set(p.queues) & queues
            or set(p.workflows) & workflows
            or any(org.queues[q].workflow in workflows for q in p.queues if q in org.queues)
        )
    ]
    if not chosen:
        return None
    today = validation.settings.today
    try:
        statuses = project_status(validation, chosen, today - timedelta(days=7), state_url)
    except QplanError:
        return None
    return launches_text(statuses, today)
