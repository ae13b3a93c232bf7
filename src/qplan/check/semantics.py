"""*check*: the semantic rules of a moderation organisation.

Each rule looks at the typed :class:`~qplan.model.organisation.Organisation` and reports
diagnostics with a stable code from :mod:`qplan.core.rules`. Items may suppress the
codes of rules marked suppressible with ``suppress: [QP…]``.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from qplan.core.diagnostics import MAX_PER_CODE, Diagnostic, Position, Report
from qplan.core.rules import RULES
from qplan.core.units import items_a_day, plural
from qplan.load.settings import Settings
from qplan.model.format import speaks
from qplan.model.organisation import Organisation, did_you_mean
from qplan.sops.rendering import RenderedSops


@dataclass
class ValidationResult:
    """A repository as validated: its settings, the organisation and every problem found."""

    settings: Settings
    organisation: Organisation
    report: Report
    #: every SOP rendered with the organisation's data (the SOP stage's result)
    sops: RenderedSops

    @property
    def valid(self) -> bool:
        return not self.report.has_errors


Finding = tuple[Diagnostic, tuple[Any, ...]]  # the diagnostic and the items it is about
Check = Callable[[Organisation, date], Iterator[Finding]]
_CHECKS: list[Check] = []


def rule(function: Check) -> Check:
    _CHECKS.append(function)
    return function


def _ref(position: Position, what: str, name: str, known: Iterable[str]) -> Diagnostic:
    return Diagnostic.at(position, "QP102", f"unknown {what} {name!r}", did_you_mean(name, known))


def _policy_binding(
    org: Organisation, position: Callable[[], Position], name: str, version: int | None
) -> Iterator[Finding]:
    """A policy that exists (QP102) and, when a version is named, publishes it (QP103).
    ``position`` is asked for only when there is a problem: finding it composes the file
    again."""
    policy = org.policies.get(name)
    if policy is None and not org.defines("policy", name):
        yield _ref(position(), "policy", name, org.policies), ()
    elif policy is not None and version is not None and version not in policy.versions:
        yield (
            Diagnostic.at(
                position(),
                "QP103",
                f"policy {policy.id} has no published version {version}",
                "published versions: " + ", ".join(str(v) for v in policy.versions),
            ),
            (),
        )


@rule
def unique_ids(org: Organisation, today: date) -> Iterator[Finding]:
    for dup in org.duplicates:
        first = dup.first.at()
        if dup.kind in ("target", "allocation"):
            yield (
                Diagnostic.at(
                    dup.origin.at(),
                    "QP105",
                    f"second {dup.kind} for {dup.key.removeprefix('workflow:')} "
                    f"(first at {first.file}:{first.line})",
                    f"merge them: a queue has one {dup.kind}",
                ),
                (),
            )
        else:
            yield (
                Diagnostic.at(
                    dup.origin.at("id"),
                    "QP101",
                    f"{dup.kind} id {dup.key!r} is already defined at {first.file}:{first.line}",
                    "ids are unique per kind across all files",
                ),
                (),
            )


@rule
def references(org: Organisation, today: date) -> Iterator[Finding]:
    for qid, queue in org.queues.items():
        origin = org.origin("queue", qid)
        if not org.defines("workflow", queue.workflow):
            yield _ref(origin.at("workflow"), "workflow", queue.workflow, org.workflows), ()
        yield from _policy_binding(
            org, functools.partial(origin.at, "policy"), queue.policy_id, queue.policy_version
        )
        profile = queue.forecast.profile if queue.forecast else None
        if profile is not None and not org.defines("profile", profile):
            yield _ref(origin.at("forecast", "profile"), "profile", profile, org.profiles), ()
        for field_name in ("training_queue", "escalates_to", "migrate_to"):
            ref = getattr(queue, field_name)
            if ref is not None and not org.defines("queue", ref):
                yield _ref(origin.at(field_name), "queue", ref, org.queues), ()
        if queue.sop is not None and not org.defines("sop", queue.sop):
            yield (
                Diagnostic.at(
                    origin.at("sop"),
                    "QP104",
                    f"SOP {queue.sop} does not exist",
                    did_you_mean(queue.sop, org.sops) or "SOPs live under sops/ as *.md.j2",
                ),
                (),
            )
    for key, target in org.targets.items():
        origin = org.origin("target", key)
        if target.queue is not None and not org.defines("queue", target.queue):
            yield _ref(origin.at("queue"), "queue", target.queue, org.queues), ()
        if target.workflow is not None and not org.defines("workflow", target.workflow):
            yield _ref(origin.at("workflow"), "workflow", target.workflow, org.workflows), ()
    for qid in org.allocations:
        origin = org.origin("allocation", qid)
        if not org.defines("queue", qid):
            yield _ref(origin.at("queue"), "queue", qid, org.queues), ()
    for _, _, shares, at, _label in _share_sets(org):
        for team in shares:
            if not org.defines("team", team):
                yield _ref(at("shares", team, key=True), "team", team, org.teams), ()


@rule
def allocation_shares(org: Organisation, today: date) -> Iterator[Finding]:
    for qid, _, shares, at, label in _share_sets(org):
        total = sum(shares.values())
        if abs(total - 100) > 1e-9:
            yield (
                Diagnostic.at(
                    at("shares"),
                    "QP110",
                    f"shares of {qid}{label} sum to {total:g}, not 100",
                    "shares are percentages of the queue's volume",
                ),
                (),
            )
    for qid, queue in sorted(org.queues.items()):
        if queue.status != "retired":
            continue
        allocation = org.allocations.get(qid)
        volume = queue.forecast.weekly_volume if queue.forecast else 0
        unrouted = unrouted_retirement(org, qid, volume, allocation is not None)
        if unrouted is not None:
            yield unrouted, (queue,)
        elif allocation is not None:
            yield (
                Diagnostic.at(
                    org.origin("allocation", qid).at("queue"),
                    "QP113",
                    f"queue {qid} is retired but still has an allocation",
                    f"remove the allocation: its volume moves to {queue.migrate_to}",
                ),
                (allocation, queue),
            )


def unrouted_retirement(
    org: Organisation, qid: str, volume: float, allocated: bool
) -> Diagnostic | None:
    """QP191 for a retired queue that still has volume or an allocation and does not say
    where its items go: the one check ``validate`` and plan's lifecycle check both make."""
    if org.queues[qid].migrate_to is not None or not (volume > 0 or allocated):
        return None
    return Diagnostic.at(
        org.origin("queue", qid).at("status"),
        "QP191",
        f"queue {qid} is retired with {volume:g} items a week"
        + (" and an allocation" if allocated else "")
        + "; say where its items go with migrate_to",
        "migrate_to: a live queue with the same policy, languages and data classification",
    )


@rule
def languages_and_clearances(org: Organisation, today: date) -> Iterator[Finding]:
    for qid, allocation, shares, at, label in _share_sets(org):
        queue = org.queues.get(qid)
        if queue is None:
            continue
        teams = [org.teams[t] for t in shares if t in org.teams]
        if len(teams) != len(shares):
            continue  # unknown teams are reported already
        spoken = {lang for team in teams for lang in team.languages}
        for language in queue.languages:
            if not speaks(spoken, language):
                yield (
                    Diagnostic.at(
                        at("shares"),
                        "QP111",
                        f"no team allocated to {qid}{label} speaks {language!r}",
                        "allocate a team with that language, or drop it from the queue",
                    ),
                    (allocation, queue),
                )
        if queue.data_classification != "public":
            for team in teams:
                if queue.data_classification not in team.clearances:
                    yield (
                        Diagnostic.at(
                            at("shares", team.id, key=True),
                            "QP112",
                            f"team {team.id} is not cleared for {queue.data_classification} data "
                            f"but is allocated to {qid}{label}",
                            "allocate only teams whose clearances include "
                            + queue.data_classification,
                        ),
                        (),
                    )


@rule
def escalation_graph(org: Organisation, today: date) -> Iterator[Finding]:
    for qid, queue in org.queues.items():
        target = queue.escalates_to
        if target is None or target not in org.queues:
            continue
        if target == qid:
            yield (
                Diagnostic.at(
                    org.origin("queue", qid).at("escalates_to"),
                    "QP122",
                    f"queue {qid} escalates to itself",
                ),
                (queue,),
            )
        elif org.queues[target].kind != "escalation":
            yield (
                Diagnostic.at(
                    org.origin("queue", qid).at("escalates_to"),
                    "QP122",
                    f"queue {qid} escalates to {target}, "
                    f"which is a {org.queues[target].kind} queue",
                    "escalate to a queue of kind escalation",
                ),
                (queue,),
            )
        elif missing := [
            lang for lang in queue.languages if not speaks(org.queues[target].languages, lang)
        ]:
            yield (
                Diagnostic.at(
                    org.origin("queue", qid).at("escalates_to"),
                    "QP123",
                    f"queue {qid} escalates to {target}, which does not review "
                    f"{', '.join(missing)}",
                    f"add {', '.join(missing)} to {target}'s languages, or escalate to a "
                    "queue that reviews them",
                ),
                (queue,),
            )
    # cycles: follow each chain once; a chain that returns to a queue on it is a cycle
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in sorted(org.queues):
        path: list[str] = []
        current: str | None = start
        while current is not None and current in org.queues and state.get(current) is None:
            state[current] = 1
            path.append(current)
            nxt = org.queues[current].escalates_to
            current = nxt if nxt != current else None
        if current is not None and state.get(current) == 1:
            cycle = [*path[path.index(current) :], current]
            first = min(cycle[:-1])
            yield (
                Diagnostic.at(
                    org.origin("queue", first).at("escalates_to"),
                    "QP120",
                    "escalation cycle: " + " -> ".join(cycle),
                    "an escalation path must end in a queue that escalates no further",
                ),
                (),
            )
        for qid in path:
            state[qid] = 2


@rule
def training_pairs(org: Organisation, today: date) -> Iterator[Finding]:
    for qid, queue in org.queues.items():
        tid = queue.training_queue
        if tid is None or tid not in org.queues:
            continue
        training = org.queues[tid]
        if training.kind != "training":
            yield (
                Diagnostic.at(
                    org.origin("queue", qid).at("training_queue"),
                    "QP121",
                    f"training queue {tid} of {qid} is of kind {training.kind}, not training",
                ),
                (),
            )
        elif training.policy != queue.policy:
            yield (
                Diagnostic.at(
                    org.origin("queue", tid).at("policy"),
                    "QP121",
                    f"training queue {tid} binds {training.policy} but {qid} binds {queue.policy}",
                    "retrain on the production queue's policy version",
                ),
                (),
            )
        elif training.template != queue.template:
            yield (
                Diagnostic.at(
                    org.origin("queue", tid).at("template"),
                    "QP121",
                    f"training queue {tid} uses template {training.template} "
                    f"but {qid} uses {queue.template}",
                ),
                (),
            )


@rule
def live_queue_readiness(org: Organisation, today: date) -> Iterator[Finding]:
    ttp_seen: dict[str, str] = {}
    for qid, queue in org.queues.items():
        origin = org.origin("queue", qid)
        if queue.ttp_queue is not None:
            if queue.ttp_queue in ttp_seen:
                yield (
                    Diagnostic.at(
                        origin.at("ttp_queue"),
                        "QP131",
                        f"TTP logical queue {queue.ttp_queue} "
                        f"is also used by {ttp_seen[queue.ttp_queue]}",
                    ),
                    (),
                )
            else:
                ttp_seen[queue.ttp_queue] = qid
        if queue.status not in ("ready", "live") or queue.kind != "production":
            continue
        missing = []
        if org.target_for(queue) is None and not org.defines("target", qid):
            missing.append("targets")
        if not org.defines("allocation", qid):
            missing.append("an allocation")
        if queue.training_queue is None:
            missing.append("a training queue")
        if queue.ttp_queue is None:
            missing.append("a TTP logical queue (ttp_queue)")
        if queue.sop is None:
            missing.append("an SOP")
        if missing:
            yield (
                Diagnostic.at(
                    origin.at("status"),
                    "QP130",
                    f"{queue.status} queue {qid} is missing " + ", ".join(missing),
                    f"a {queue.status} production queue needs all of them; "
                    "set status: draft until then",
                ),
                (),
            )


@rule
def sop_front_matter(org: Organisation, today: date) -> Iterator[Finding]:
    for path, sop in org.sops.items():
        due = sop.front.last_reviewed + timedelta(days=sop.front.review_every_days)
        if due < today:
            yield (
                Diagnostic.at(
                    sop.origin.at("last_reviewed"),
                    "QP141",
                    f"SOP review overdue since {due.isoformat()} "
                    f"(last reviewed {sop.front.last_reviewed.isoformat()}, "
                    f"every {sop.front.review_every_days} days)",
                    "review the SOP with its owner and update last_reviewed",
                ),
                (sop.front,),
            )
        for index, qid in enumerate(sop.front.queues):
            if not org.defines("queue", qid):
                yield _ref(sop.origin.at("queues", index), "queue", qid, org.queues), ()
            elif qid in org.queues and org.queues[qid].sop not in (None, path):
                yield (
                    Diagnostic.at(
                        sop.origin.at("queues", index),
                        "QP142",
                        f"SOP {path} lists {qid}, whose sop is {org.queues[qid].sop}",
                    ),
                    (sop.front,),
                )
    for qid, queue in org.queues.items():
        if queue.sop in org.sops and qid not in org.sops[queue.sop].front.queues:
            yield (
                Diagnostic.at(
                    org.origin("queue", qid).at("sop"),
                    "QP142",
                    f"queue {qid} names SOP {queue.sop}, whose front matter does not list it",
                    f"add {qid} to the SOP's queues",
                ),
                (queue,),
            )


ShareSet = tuple[str, Any, dict[str, float], Callable[..., Position], str]


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
        queue = org.queues.get(qid)
        if (
            (phases or not label)
            and queue is not None
            and queue.status in ("ready", "live", "paused")
            and all(t in org.teams for t in shares)
        ):
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


@rule
def guardrails(org: Organisation, today: date) -> Iterator[Finding]:
    for gid, guardrail in org.guardrails.items():
        kind = guardrail.type
        if kind == "max_vendor_share":
            for qid, shares, at, label in _live_allocations(org, phases=True):
                by_vendor: dict[str, float] = defaultdict(float)
                for team, share in shares.items():
                    vendor = org.teams[team].vendor
                    if vendor:
                        by_vendor[vendor] += share
                for vendor, share in sorted(by_vendor.items()):
                    if share > guardrail.max_percent + 1e-9:
                        yield _on_shares(
                            org,
                            qid,
                            "QP201",
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
                        "QP202",
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
                bpo = sum(s for t, s in shares.items() if org.teams[t].type == "bpo")
                if bpo > guardrail.max_percent + 1e-9:
                    yield _on_shares(
                        org,
                        qid,
                        "QP203",
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
                    "QP204",
                    f"team {tid} is loaded to {utilisation:.0f}% of its productive hours, over the "
                    f"{max_percent:g}% of guardrail {gid}",
                    "add headcount or move volume to another team",
                ),
                (team, org.guardrails[gid]),
            )


@rule
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
                    "QP160",
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
                "QP162",
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
                    "QP161",
                    f"queue {qid} is projected to handle {queue.projected_sla_percent:.1f}% "
                    f"within {queue.target_within}, below its target of "
                    f"{queue.target_sla_percent:g}%{why}",
                    "add staffing or coverage hours, or move volume to teams that work then",
                ),
                (org.queues[qid], *([org.targets[qid]] if own else [])),
            )


@rule
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
                    "QP205",
                    f"team {tid} has {exposure.hours_per_week:,.0f} hours a week on "
                    f"{exposure.sensitivity} queues: {exposure.hours_per_agent_day:.1f} hours per "
                    f"agent-day with all {team.headcount_fte:g} FTE sharing them, over the "
                    f"{exposure.cap_hours:g} of guardrail {exposure.guardrail}; it needs "
                    f"{exposure.needed_fte:.1f} FTE to stay within the cap",
                    "add headcount or move those queues' volume to more teams",
                ),
                (org.teams[tid], org.guardrails[exposure.guardrail]),
            )


#: the answer targets each arrival model can project: a backlog is worked in hours, a
#: real-time queue answers in seconds or minutes
BACKLOG_SHORTEST_SLA_SECONDS = 3600
REALTIME_LONGEST_SLA_SECONDS = 4 * 3600


@rule
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


@rule
def readiness(org: Organisation, today: date) -> Iterator[Finding]:
    """Ready and live queues pass the launch gates that no other rule already checks."""
    from qplan.check.readiness import case_set_problems, gates

    for qid, queue in sorted(org.queues.items()):
        if queue.training is not None and queue.training.case_set in org.case_sets:
            case_set = org.case_sets[queue.training.case_set]
            for problem in case_set.problems:  # reading the file: as read, with their hints
                yield problem, (queue,)
            for line, message, code in case_set_problems(org, queue):
                if code == "QP171":
                    continue  # reported just above
                if code == "QP173" and queue.status == "draft":
                    continue  # a draft's case set is still being written: readiness says so
                position = (
                    org.origin("queue", qid).at("training")
                    if code == "QP173"
                    else Position(case_set.path, line, 1)
                )
                yield Diagnostic.at(position, code, f"training case set {message}"), (queue,)
        if queue.status not in ("ready", "live"):
            continue
        origin = org.origin("queue", qid)
        for gate in gates(org, queue, today=today, only=_READINESS_ONLY):
            if gate.passed or not _only_readiness_finds(gate.id, gate.reason, queue.kind):
                continue
            yield (
                Diagnostic.at(
                    origin.at("status"),
                    "QP170",
                    f"{queue.status} queue {qid} fails the gate '{gate.title}': {gate.reason}",
                    gate.fix or None,
                ),
                (queue,),
            )


_READINESS_ONLY = frozenset({"template", "training-cases", "escalation", "qa"})


def _only_readiness_finds(gate: str, reason: str, kind: str) -> bool:
    """Gates (or failures of them) that no other rule reports (a production queue's case
    set is reported on its training queue)."""
    if gate == "escalation":
        return reason != "the escalation path loops"  # QP120 reports the cycle
    if gate == "qa":
        return True
    if gate == "template":
        return reason == "no labeling template"
    if gate == "training-cases":
        return kind == "training" and reason.endswith("names no case set")
    return False


def _suppression_problems(org: Organisation, today: date) -> Iterator[Finding]:
    items: list[tuple[Any, Callable[..., Position]]] = []
    for (kind, key), origin in org.origins.items():
        item = org.item(kind, key)
        if item is not None:  # None: left out after validation (already reported)
            items.append((item, origin.at))
    items.extend((sop.front, sop.origin.at) for sop in org.sops.values())
    for item, at in items:
        for index, code in enumerate(item.suppress):
            rule_ = RULES.get(code)
            if rule_ is None or not rule_.suppressible:
                reason = "is not a rule" if rule_ is None else "cannot be suppressed"
                yield (
                    Diagnostic.at(
                        at("suppress", index),
                        "QP150",
                        f"{code} {reason}",
                        "see `qplan rules` for the codes that may be suppressed",
                    ),
                    (),
                )


@rule
def actuals(org: Organisation, today: date) -> Iterator[Finding]:
    """The actuals name known queues and teams (QP109), lie in the past (QP107) and skip
    no day (QP108)."""
    found = org.actuals
    if found is None or not (org.queues or org.teams):
        return  # no organisation (QP015 says so): every name would be unknown
    for what, names, known in (
        ("queue", found.queue_names, org.queues),
        ("team", found.team_names, org.teams),
    ):
        suggested = 0  # "did you mean" compares with every name: for the first few only
        for name, position in sorted(names.items()):
            if name not in known and not org.defines(what, name):
                suggested += 1
                close = did_you_mean(name, known) if suggested <= MAX_PER_CODE else None
                hint = close or f"a {what} removed since? Its rows are left out of health"
                message = f"actuals name an unknown {what} {name[:80]!r}"
                yield Diagnostic.at(position, "QP109", message, hint), ()

    last = today.toordinal()
    for (qid, tid), series in sorted(found.series.items()):
        if qid not in org.queues or tid not in org.teams:
            continue  # reported above, once per name
        days = sorted(series)
        if days[-1] > last:
            record = series[days[-1]]
            yield (
                Diagnostic.at(
                    found.position(record),
                    "QP107",
                    f"actuals for {qid} at {tid} are dated "
                    f"{date.fromordinal(days[-1]).isoformat()}, after today ({today})",
                    "actuals record what happened: check the date column",
                ),
                (),
            )
        for before, after in itertools.pairwise(days):
            if after - before > 1:
                record = series[after]
                first = date.fromordinal(before + 1)
                missing = after - before - 1
                yield (
                    Diagnostic.at(
                        found.position(record),
                        "QP108",
                        f"actuals for {qid} at {tid} skip {plural(missing, 'day')} from "
                        f"{first.isoformat()}",
                        "add the missing rows (zeros where nothing arrived), so health "
                        "figures are not read from a partial week",
                    ),
                    (),
                )


@rule
def scenarios(org: Organisation, today: date) -> Iterator[Finding]:
    """Every change of every scenario applies to the organisation (QP102, QP180, QP181)."""
    from qplan.model.scenario import overlay

    for sid, scenario in sorted(org.scenarios.items()):
        for problem in overlay(org, scenario, org.origin("scenario", sid)).problems:
            yield problem, (scenario,)


@rule
def projects(org: Organisation, today: date) -> Iterator[Finding]:
    """Projects name known queues, workflows and policies (QP102), keep their milestones
    (QP182), have their launches ready (QP183) and their risks owned (QP184) and closed
    with the project (QP185)."""
    for pid, project in sorted(org.projects.items()):
        origin = org.origin("project", pid)
        for index, qid in enumerate(project.queues):
            if not org.defines("queue", qid):
                yield _ref(origin.at("queues", index), "queue", qid, org.queues), ()
        for index, wid in enumerate(project.workflows):
            if not org.defines("workflow", wid):
                yield _ref(origin.at("workflows", index), "workflow", wid, org.workflows), ()
        for index, binding in enumerate(project.policies):
            name, _, version = binding.partition("@")
            at = functools.partial(origin.at, "policies", index)
            yield from _policy_binding(org, at, name, int(version) if version else None)
        if project.status == "closed":
            for index, risk in enumerate(project.risks):
                if risk.is_open:
                    yield (
                        Diagnostic.at(
                            origin.at("risks", index, "status"),
                            "QP185",
                            f"project {pid} is closed with an open {risk.severity} risk: "
                            f"{_short(risk.description)}",
                            "close, accept or mitigate the risk, or reopen the project",
                        ),
                        (project,),
                    )
            continue
        for index, risk in enumerate(project.risks):
            if risk.owner is None and risk.status != "closed":
                yield (
                    Diagnostic.at(
                        origin.at("risks", index),
                        "QP184",
                        f"project {pid}: the {risk.severity} risk "
                        f"{_short(risk.description)!r} has no owner",
                        "name the person who watches it: owner: someone@example.com",
                    ),
                    (project,),
                )
        for index, milestone in enumerate(project.milestones):
            if milestone.done is not None:
                continue
            if milestone.due < today:
                late = (today - milestone.due).days
                yield (
                    Diagnostic.at(
                        origin.at("milestones", index, "due"),
                        "QP182",
                        f"project {pid}: milestone {milestone.name!r} was due "
                        f"{milestone.due.isoformat()} ({plural(late, 'day')} ago) and is not done",
                        "set its done date, or move its due date and say why in an update",
                    ),
                    (project,),
                )
            if milestone.launch and (milestone.due - today).days <= org.launch_notice_days:
                yield from _launch_readiness(org, pid, index, milestone, today)


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _launch_readiness(
    org: Organisation, pid: str, index: int, milestone: Any, today: date
) -> Iterator[Finding]:
    """QP183 for each queue of the project that is not yet live and fails a gate."""
    from qplan.capacity.staffing import derive_organisation
    from qplan.check.readiness import gates

    project = org.projects[pid]
    capacity = derive_organisation(org, today)
    failed = frozenset(org.invalid.get("sop", ()))
    for qid in project.queues:
        queue = org.queues.get(qid)
        if queue is None or queue.status in ("live", "paused", "retired"):
            continue
        failing = [
            g
            for g in gates(org, queue, today=today, capacity=capacity, failed_sops=failed)
            if g.blocking
        ]
        if not failing:
            continue
        first = failing[0]
        more = f" (and {plural(len(failing) - 1, 'more gate')})" if len(failing) > 1 else ""
        yield (
            Diagnostic.at(
                org.origin("project", pid).at("milestones", index, "due"),
                "QP183",
                f"project {pid}: queue {qid} launches {milestone.due.isoformat()} but fails the "
                f"gate '{first.title}': {first.reason}{more}",
                first.fix or f"qplan readiness {qid} lists what is left",
            ),
            (project,),
        )


def check(org: Organisation, today: date) -> list[Diagnostic]:
    """Run every semantic rule; findings suppressed by their subject are dropped.

    A finding's subjects are the items it is about (a queue, its allocation, the
    guardrail …); any of them may suppress the finding's code when the rule allows.
    """
    from qplan.capacity.staffing import TrafficOverLimit

    kept: dict[Diagnostic, None] = {}
    for function in [*_CHECKS, _suppression_problems]:
        try:
            for diagnostic, subjects in function(org, today):
                if RULES[diagnostic.code].suppressible and any(
                    diagnostic.code in subject.suppress for subject in subjects
                ):
                    continue
                kept[diagnostic] = None
        except TrafficOverLimit as exc:  # no figure can be worked out until it is split
            position = org.origin("queue", exc.queue).at("forecast")
            kept[Diagnostic.at(position, "QP023", exc.message, exc.hint)] = None
    return list(kept)
