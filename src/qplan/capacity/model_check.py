"""A proposed split checked with the capacity model before anyone sees it: the programme
in :mod:`qplan.capacity.allocation` works with linear figures; this works the proposal out
with :func:`qplan.capacity.staffing.derive` and reports the model's own."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from qplan.capacity.allocation import AllocationResult, billing_of
from qplan.capacity.figures import Capacity
from qplan.model.format import Queue, Target, Team

if TYPE_CHECKING:
    from qplan.capacity.staffing import Planning
    from qplan.model.format import Allocation


def checked_by_the_model(
    result: AllocationResult,
    before: Capacity,
    teams: Mapping[str, Team],
    queues: Mapping[str, Queue],
    targets: Mapping[str, Target],
    allocations: Mapping[str, Allocation],
    day: date,
    planning: Planning,
) -> AllocationResult:
    """The proposal with the capacity model's figures instead of the programme's linear
    ones: each team's utilisation (workload over productive hours) and the weekly variable
    cost (what the teams billed by their work cost, with their minimums), before (today's
    split) and after (the proposal), and what the proposal would break that holds today (a
    target missed, a team over its cap)."""
    from dataclasses import replace

    from qplan.capacity.staffing import derive

    if result.status not in ("optimal", "feasible"):
        return result
    proposed = dict(allocations)
    for qid, shares in result.changed.items():
        proposed[qid] = allocations[qid].model_copy(update={"shares": dict(shares)})
    after = derive(teams, queues, targets, proposed, day, planning)
    scope = sorted(result.shares_before)

    def cost(figures: Capacity) -> float:
        """What the teams billed by their work cost a week (with their minimums): the
        part of the cost a split moves, as the programme counts it."""
        return sum(
            t.weekly_cost
            for tid, t in figures.teams.items()
            if tid in teams and billing_of(teams[tid]).model != "headcount"
        )

    breaks = []
    for qid in scope:
        was, now = before.queues.get(qid), after.queues.get(qid)
        if was is None or now is None or now.draft:
            continue
        if now.meets_target is False and was.meets_target is not False:
            breaks.append(
                f"queue {qid} would miss its target: {now.projected_sla_percent:.1f}% within "
                f"{now.target_within}, target {now.target_sla_percent:g}%"
            )
        elif not now.stable and was.stable:
            breaks.append(f"queue {qid} would be unstable: its backlog would grow without bound")
    for tid in sorted(result.utilisation_before):
        was_team, now_team = before.teams.get(tid), after.teams.get(tid)
        if now_team is not None and now_team.over_cap and not (was_team and was_team.over_cap):
            breaks.append(
                f"team {tid} would go over its cap: {now_team.required_fte:.1f} FTE needed, "
                f"{now_team.headcount_fte:g} there"
            )
    return replace(
        result,
        weekly_cost_before=cost(before),
        weekly_cost_after=cost(after),
        utilisation_before={
            t: before.teams[t].utilisation_percent
            for t in result.utilisation_before
            if t in before.teams
        },
        utilisation_after={
            t: after.teams[t].utilisation_percent
            for t in result.utilisation_before
            if t in after.teams
        },
        breaks=breaks,
    )
