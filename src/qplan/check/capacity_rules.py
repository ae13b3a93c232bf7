"""The rules about staffing: guardrails on shares and utilisation (QP201–QP204), each
team's and queue's capacity (QP160–QP163), profiled queues by the half-hour and exposure
caps (QP165, QP166, QP205), and SLA horizons (QP164). Each yields findings as
:mod:`qplan.check.semantics` runs them."""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from qplan.capacity.figures import Exposure
from qplan.check.findings import Finding
from qplan.core.diagnostics import Diagnostic, Position
from qplan.core.units import items_a_day, plural
from qplan.model.format import GUARDRAIL_CODES
from qplan.model.organisation import Organisation
from qplan.model.shares import bpo_share, staffed, vendor_shares


def _share_sets(org: Organisation) -> Iterator[ShareSet]:
    """Every set of shares to check: each allocation's, then each of its phases', as
    (queue id, allocation, shares, where in the file, label for messages)."""
    for qid, allocation in org.allocations.items():
        origin = org.origin("allocation", qid)
        yield qid, allocation, allocation.shares, origin.at, ""
        for index, phase in enumerate(allocation.phases):
            at = functools.partial(_phase_at, origin, index)
            yield qid, allocation, phase.shares, at, f" from {phase.starts.isoformat()}"


def _phase_at(origin: Any, index: int, *path: str | int, key: bool = False) -> Position:
    position: Position = origin.at("phases", index, *path, key=key)
    return position


def _live_allocations(
    org: Organisation, *, phases: bool = False
) -> Iterator[tuple[str, dict[str, float], Callable[..., Position], str]]:
    """Shares of staffed queues (with ``phases``, each phase's too), known teams only."""
    for qid, _, shares, at, label in _share_sets(org):
        if (phases or not label) and staffed(org, qid, shares):
            yield qid, shares, at, label


def _on_shares(
    org: Organisation,
    qid: str,
    code: str,
    message: str,
    hint: str | None,
    *subjects: Any,
    at: Callable[..., Position] | None = None,
) -> Finding:
    """A finding at a queue's allocation shares (or a phase's); the allocation may
    suppress it."""
    if qid not in org.allocations:  # a training queue worked in its pair's shares
        position = org.origin("queue", qid).at("forecast")
        return Diagnostic.at(position, code, message, hint), (org.queues[qid], *subjects)
    position = (at or org.origin("allocation", qid).at)("shares")
    return Diagnostic.at(position, code, message, hint), (org.allocations[qid], *subjects)


def guardrails(org: Organisation, today: date) -> Iterator[Finding]:
    for gid, guardrail in org.guardrails.items():
        kind = guardrail.type
        if kind == "max_vendor_share":
            for qid, shares, at, label in _live_allocations(org, phases=True):
                for vendor, share in vendor_shares(org.teams, shares).items():
                    if share > guardrail.max_percent + 1e-9:
                        yield _on_shares(
                            org,
                            qid,
                            GUARDRAIL_CODES["max_vendor_share"],
                            f"vendor {vendor} takes {share:g}% of {qid}{label}, over the "
                            f"{guardrail.max_percent:g}% of guardrail {gid}",
                            "spread the volume over more vendors or in-house teams",
                            guardrail,
                            at=at,
                        )
        elif kind == "min_teams_per_live_queue":
            for qid, _, shares, at, label in _share_sets(org):
                queue = org.queues.get(qid)
                if queue is None or queue.status != "live" or queue.kind != "production":
                    continue
                if len(shares) < guardrail.min_teams:
                    yield _on_shares(
                        org,
                        qid,
                        GUARDRAIL_CODES["min_teams_per_live_queue"],
                        f"live queue {qid}{label} is worked by {len(shares)} team(s), guardrail "
                        f"{gid} asks for at least {guardrail.min_teams}",
                        "a second site keeps the queue running when one goes down",
                        queue,
                        guardrail,
                        at=at,
                    )
        elif kind == "max_bpo_share":
            for qid, shares, at, label in _live_allocations(org, phases=True):
                if org.queues[qid].data_classification != guardrail.classification:
                    continue
                bpo = bpo_share(org.teams, shares)
                if bpo > guardrail.max_percent + 1e-9:
                    yield _on_shares(
                        org,
                        qid,
                        GUARDRAIL_CODES["max_bpo_share"],
                        f"BPO teams take {bpo:g}% of {guardrail.classification} queue "
                        f"{qid}{label}, over the {guardrail.max_percent:g}% of guardrail {gid}",
                        None,
                        guardrail,
                        at=at,
                    )
        elif kind == "max_team_utilisation":
            yield from _team_utilisation(org, gid, guardrail.max_percent)


def _team_utilisation(org: Organisation, gid: str, max_percent: float) -> Iterator[Finding]:
    """Workload hours per week of each team against its productive hours."""
    workload: dict[str, float] = defaultdict(float)
    for qid, shares, _, _label in _live_allocations(org):
        forecast = org.queues[qid].forecast
        if forecast is None:
            continue
        hours = forecast.weekly_volume * forecast.aht_seconds / 3600
        for tid, share in shares.items():
            workload[tid] += hours * share / 100
    for tid, hours in sorted(workload.items()):
        team = org.teams[tid]
        available = team.headcount_fte * team.paid_hours_per_week * (1 - team.shrinkage)
        utilisation = 100 * hours / available if available else float("inf")
        if utilisation > max_percent + 1e-9:
            yield (
                Diagnostic.at(
                    org.origin("team", tid).at("headcount_fte"),
                    GUARDRAIL_CODES["max_team_utilisation"],
                    f"team {tid} is loaded to {utilisation:.0f}% of its productive hours, over the "
                    f"{max_percent:g}% of guardrail {gid}"
                    if available
                    else f"team {tid} has no productive hours (headcount 0) for its "
                    f"{hours:,.0f} hours a week of work, over the {max_percent:g}% of guardrail "
                    f"{gid}",
                    "add headcount or move volume to another team",
                ),
                (team, org.guardrails[gid]),
            )


#: the codes of the capacity rule, which a plan's impact warnings share
OVER_CAP = "QP160"
SLA_BELOW_TARGET = "QP161"
UNSTABLE = "QP162"


def capacity(org: Organisation, today: date) -> Iterator[Finding]:
    """Staffing, stability and projected SLA (see :mod:`qplan.capacity.staffing`)."""
    from qplan.capacity.staffing import derive_organisation

    for qid, shares, at, label in _live_allocations(org, phases=True):
        for tid in shares:
            if org.teams[tid].headcount_fte == 0:
                yield _on_shares(
                    org,
                    qid,
                    "QP163",
                    f"team {tid} has no productive hours (headcount 0) but takes "
                    f"{shares[tid]:g}% of {qid}{label}",
                    "give the share to a staffed team",
                    at=at,
                )
    figures = derive_organisation(org, today)
    for tid, team in figures.teams.items():
        if team.over_cap:
            yield (
                Diagnostic.at(
                    org.origin("team", tid).at("headcount_fte"),
                    OVER_CAP,
                    f"team {tid} needs {team.required_fte:.1f} FTE for its queues at its "
                    f"{team.cap_percent:g}% occupancy cap; it has {team.headcount_fte:g}",
                    "add headcount or move volume to another team",
                ),
                (org.teams[tid],),
            )
    for qid, queue in figures.queues.items():
        if queue.draft:
            continue  # sized for planning; readiness says what a draft queue still needs
        if not queue.stable:
            handled = sum(s.weekly_volume * min(s.capacity_ratio, 1.0) for s in queue.shares)
            yield _on_shares(
                org,
                qid,
                UNSTABLE,
                f"queue {qid} is unstable: its teams can handle {handled:,.0f} of "
                f"{queue.weekly_volume:,.0f} items a week, so the backlog grows without bound, "
                f"by {items_a_day(queue.backlog_growth_per_day)}",
                "add capacity or move volume to teams with room",
                org.queues[qid],
            )
        elif queue.meets_target is False:
            own = qid in org.targets
            position = (
                org.origin("target", qid).at("sla")
                if own
                else org.origin("queue", qid).at("forecast")
            )
            why = ""
            if queue.coverage_percent < 100 - 1e-9:
                why = f"; its teams' hours cover {queue.coverage_percent:.0f}% of arrivals"
            yield (
                Diagnostic.at(
                    position,
                    SLA_BELOW_TARGET,
                    f"queue {qid} is projected to handle {queue.projected_sla_percent:.1f}% "
                    f"within {queue.target_within}, below its target of "
                    f"{queue.target_sla_percent:g}%{why}",
                    "add staffing or coverage hours, or move volume to teams that work then",
                ),
                (org.queues[qid], *([org.targets[qid]] if own else [])),
            )


def intervals(org: Organisation, today: date) -> Iterator[Finding]:
    """Profiled queues by the half-hour (QP165, QP166) and exposure caps (QP205)."""
    from qplan.capacity.intervals import interval_start
    from qplan.capacity.staffing import derive_organisation

    figures = derive_organisation(org, today)
    for qid, queue in figures.queues.items():
        if queue.arrival != "realtime" or not queue.profiled or queue.draft:
            continue  # a backlog queue catches up later: no per-interval verdict
        week = queue.intervals
        assert week is not None
        origin = org.origin("queue", qid)
        short = week.understaffed()
        if short and queue.target_sla_percent is not None:
            needed = week.needed_for_sla
            worst = ", ".join(
                f"{interval_start(i)} ({week.on_duty_agents[i]:.1f} on duty of {needed[i]} "
                "needed"
                + (
                    f", {week.service_level[i]:.0f}% in time)"
                    if week.service_level[i] is not None
                    else ")"
                )
                for i in short[:3]
            )
            yield (
                Diagnostic.at(
                    origin.at("forecast", "profile"),
                    "QP165",
                    f"queue {qid} is short of the agents its SLA needs in "
                    f"{plural(len(short), 'half-hour')} of the week ({week.timezone}); "
                    f"worst: {worst}",
                    "move shifts or FTE to those hours, or share the queue with a team on duty "
                    "then (qplan capacity --intervals --queue " + qid + ")",
                ),
                (org.queues[qid],),
            )
        low = week.below_minimum()
        if low:
            yield (
                Diagnostic.at(
                    origin.at("min_agents"),
                    "QP166",
                    f"queue {qid} has fewer than its min_agents of {week.min_agents} on duty in "
                    f"{plural(len(low), 'open half-hour')}; first: {interval_start(low[0])} "
                    f"({week.on_duty_agents[low[0]]:.1f} on duty)",
                    "its teams have too few agents on duty then for all their queues",
                ),
                (org.queues[qid],),
            )
    for tid, team in figures.teams.items():
        for exposure in team.exposure:
            if not exposure.over:
                continue
            yield (
                Diagnostic.at(
                    org.origin("team", tid).at("headcount_fte"),
                    GUARDRAIL_CODES["exposure_cap"],
                    _exposure_message(tid, team.headcount_fte, exposure),
                    "add headcount or move those queues' volume to more teams",
                ),
                (org.teams[tid], org.guardrails[exposure.guardrail]),
            )


#: the answer targets each arrival model can project: a backlog is worked in hours, a
#: real-time queue answers in seconds or minutes
BACKLOG_SHORTEST_SLA_SECONDS = 3600
REALTIME_LONGEST_SLA_SECONDS = 4 * 3600


def sla_horizon(org: Organisation, today: date) -> Iterator[Finding]:
    """A queue's SLA horizon fits its arrival model (QP164)."""
    for qid, queue in sorted(org.queues.items()):
        target = org.target_for(queue)
        if queue.forecast is None or target is None:
            continue
        if queue.kind == "training" and qid not in org.targets:
            continue  # the workflow's default is for its production work
        within = target.sla.within
        arrival = queue.forecast.arrival
        if arrival == "backlog" and within.seconds < BACKLOG_SHORTEST_SLA_SECONDS:
            message = (
                f"queue {qid} is a backlog queue with an SLA of {within}: a backlog is "
                "worked in hours, so it cannot be projected to answer within minutes"
            )
            hint = "make it arrival: realtime (Erlang), or give the SLA in hours"
        elif arrival == "realtime" and within.seconds > REALTIME_LONGEST_SLA_SECONDS:
            message = (
                f"queue {qid} is a real-time queue with an SLA of {within}: Erlang models "
                "answers in seconds or minutes, not a backlog worked over hours"
            )
            hint = "make it arrival: backlog, or give the SLA in seconds or minutes"
        else:
            continue
        own = qid in org.targets
        position = (
            org.origin("target", qid).at("sla") if own else org.origin("queue", qid).at("forecast")
        )
        about = (queue, *([org.targets[qid]] if own else []))
        yield Diagnostic.at(position, "QP164", message, hint), about


ShareSet = tuple[str, Any, dict[str, float], Callable[..., Position], str]


def _exposure_message(tid: str, headcount: float, exposure: Exposure) -> str:
    hours = (
        f"team {tid} has {exposure.hours_per_week:,.0f} hours a week on "
        f"{exposure.sensitivity} queues"
    )
    over = f"over the {exposure.cap_hours:g} of guardrail {exposure.guardrail}"
    needed = f"it needs {exposure.needed_fte:.1f} FTE to stay within the cap"
    if headcount <= 0 or not math.isfinite(exposure.hours_per_agent_day):
        return f"{hours} and no headcount to share them, {over}; {needed}"
    return (
        f"{hours}: {exposure.hours_per_agent_day:.1f} hours per agent-day with all "
        f"{headcount:g} FTE sharing them, {over}; {needed}"
    )
