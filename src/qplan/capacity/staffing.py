"""Derive: staffing, utilisation, cost and projected SLA from the organisation.

Pure functions of the typed model; nothing here reads files or knows about plans.

The model, in the words a capacity planner uses:

* Each team share of a queue is planned on its own: shares split a queue across sites,
  and pooling across sites is not assumed.
* Items arrive evenly over the 168 hours of the week (no intraday profile yet). A team
  works only in its coverage hours, in its own time zone; its paid hours are spread
  evenly over them.
* **Backlog queues** (SLA in hours or days): the workload is volume × handle time; the
  required (scheduled) FTE is workload ÷ (paid hours per FTE × occupancy cap ×
  (1 − shrinkage)). A team gives its backlog queues its productive hours left after
  real-time staffing, at its occupancy cap, shared in proportion to their workload.
  When that is less than the arrivals, the backlog grows without bound; otherwise a
  fluid simulation of a representative week, in 15-minute steps over the team's
  coverage, gives the share of items handled within the SLA (items that arrive when
  nobody works wait for the next shift).
* **Real-time queues** (SLA in seconds or minutes): Erlang C (or Erlang A with a mean
  patience) gives the agents each team needs on duty during its coverage hours for the
  target; arrivals outside its coverage miss the SLA.
* **Teams**: available FTE is headcount × (1 − shrinkage); utilisation is the workload
  over the productive hours; a team is over its cap when its queues need more FTE than
  its headcount. Weekly cost is headcount × paid hours × cost per hour; a queue's cost
  is the paid hours of the FTE it requires, so its cost per item excludes idle headcount.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from qplan.capacity.backlog_week import backlog_intervals, occupancy_cap, profiled_backlog
from qplan.capacity.erlang import MAX_TRAFFIC_ERLANGS, bounded, fewest_agents, service_level
from qplan.capacity.figures import (
    Capacity,
    Exposure,
    IntervalFigures,
    QueueCapacity,
    ShareCapacity,
    TeamCapacity,
)
from qplan.capacity.teams import (
    agent_days,
    covered_hours,
    productive_hours_per_fte,
    share_cost,
    share_within,
    team_costs,
    team_mask,
)
from qplan.core.calendar import WEEK_STEPS

if TYPE_CHECKING:
    from qplan.capacity.intervals import ArrivalPattern
    from qplan.model.format import Allocation, ExposureCap, Queue, Target, Team

#: statuses whose queues are staffed (the same set the guardrails count)
STAFFED = ("ready", "live", "paused")
WEEK_HOURS = 168


@dataclass
class Share:
    queue: Queue
    team: Team
    percent: float
    target: Target | None
    volume: float
    workload: float  # hours per week
    required_fte: float = 0.0
    agents: int | None = None
    staffed_hours: float = 0.0  # real time: agent hours on duty per week
    covered: float = 0.0  # the team's coverage hours per week
    #: a profiled queue's pattern, and for real time the agents asked of the team per
    #: half-hour of the queue's week
    pattern: ArrivalPattern | None = None
    requests: Any = None
    #: real time, profiled: the agents the team gives per half-hour, once its fill is known
    given: Any = None


@dataclass(frozen=True)
class Planning:
    """What the capacity model reads besides the items: the arrival pattern of each
    profile (by id) and the exposure caps (by guardrail id)."""

    patterns: Mapping[str, ArrivalPattern] = field(default_factory=dict)
    exposure_caps: Mapping[str, ExposureCap] = field(default_factory=dict)


def derive(
    teams: Mapping[str, Team],
    queues: Mapping[str, Queue],
    targets: Mapping[str, Target],
    allocations: Mapping[str, Allocation],
    on: date | None = None,
    planning: Planning | None = None,
) -> Capacity:
    """Capacity figures of every staffed queue with a forecast and of every team, and of
    every draft queue with a forecast and an allocation, sized as if it were launched on
    top of today's work (marked ``draft``; the teams' figures and the totals leave it out).
    """
    planning = planning or Planning()
    allocations = with_training_pairs(queues, allocations)
    teams = with_recovery_staff(teams, allocations, on)
    figures = _derive(teams, queues, targets, allocations, on, STAFFED, planning)
    drafts = [
        qid
        for qid, q in queues.items()
        if q.status == "draft" and q.forecast is not None and qid in allocations
    ]
    if drafts:
        launched = _derive(teams, queues, targets, allocations, on, (*STAFFED, "draft"), planning)
        for qid in drafts:
            if qid in launched.queues:
                figures.queues[qid] = replace(launched.queues[qid], draft=True)
        figures.queues = dict(sorted(figures.queues.items()))
    return figures


def with_recovery_staff(
    teams: Mapping[str, Team], allocations: Mapping[str, Allocation], on: date | None
) -> Mapping[str, Team]:
    """The teams with the overtime and surge FTE of the backlog recoveries in force on
    ``on`` added to their headcount (``qplan recover --write`` records them)."""
    extra: dict[str, float] = defaultdict(float)
    for allocation in allocations.values():
        phase = allocation.recovery_on(on)
        if phase is not None and phase.recovery is not None:
            for tid, fte in phase.recovery.extra_fte.items():
                extra[tid] += fte
    if not extra:
        return teams
    return {
        tid: team.with_headcount(team.headcount_fte + extra[tid]) if extra.get(tid) else team
        for tid, team in teams.items()
    }


def recovery_volume(allocation: Allocation, on: date | None) -> float:
    """The items a week a backlog recovery in force on ``on`` adds to its queue: the backlog
    over the days from the phase's start to its ``clear_by``."""
    phase = allocation.recovery_on(on)
    if phase is None or phase.recovery is None:
        return 0.0
    days = (phase.recovery.clear_by - phase.starts).days + 1
    return phase.recovery.backlog * 7 / max(1, days)


def with_training_pairs(
    queues: Mapping[str, Queue], allocations: Mapping[str, Allocation]
) -> Mapping[str, Allocation]:
    """The allocations, and for each training queue with a forecast but no allocation of
    its own, its production queue's: new reviewers train at the sites that will work the
    queue, in the same shares (and phases)."""
    borrowed: dict[str, Allocation] = {}
    for qid, queue in queues.items():
        training = queue.training_queue
        if training is None or training in allocations or qid not in allocations:
            continue
        pair = queues.get(training)
        if pair is None or pair.kind != "training" or pair.forecast is None:
            continue
        production = allocations[qid]
        borrowed[training] = production.model_copy(
            update={
                "queue": training,
                # a recovery is the production queue's: its backlog and extra staff
                "phases": [p.model_copy(update={"recovery": None}) for p in production.phases],
            }
        )
    if not borrowed:
        return allocations
    return {**allocations, **borrowed}


def _derive(
    teams: Mapping[str, Team],
    queues: Mapping[str, Queue],
    targets: Mapping[str, Target],
    allocations: Mapping[str, Allocation],
    on: date | None,
    statuses: tuple[str, ...],
    planning: Planning,
) -> Capacity:
    """Capacity figures of the queues in ``statuses`` with a forecast, and of every team.

    ``targets`` is keyed by queue id, or ``workflow:<id>`` for a workflow's default. ``on``
    picks the allocation phase in force that day (None: the first shares).
    """
    hours = {tid: covered_hours(team) for tid, team in teams.items()}
    moved: dict[str, float] = defaultdict(float)  # a retired queue's items go to migrate_to
    for leaving in queues.values():
        if leaving.status == "retired" and leaving.migrate_to and leaving.forecast is not None:
            moved[leaving.migrate_to] += leaving.forecast.weekly_volume
    shares: list[Share] = []
    for qid, allocation in sorted(allocations.items()):
        queue = queues.get(qid)
        if queue is None or queue.status not in statuses or queue.forecast is None:
            continue
        in_force = allocation.shares_on(on)
        if not all(t in teams for t in in_force):
            continue
        target = targets.get(qid)
        if target is None and queue.kind != "training":  # a workflow's default is for its
            target = targets.get(f"workflow:{queue.workflow}")  # production work
        weekly = (
            queue.forecast.weekly_volume + moved.get(qid, 0.0) + recovery_volume(allocation, on)
        )
        pattern = planning.patterns.get(queue.forecast.profile or "")
        for tid, percent in in_force.items():
            volume = weekly * percent / 100
            shares.append(
                Share(
                    queue,
                    teams[tid],
                    percent,
                    target,
                    volume,
                    volume * queue.forecast.aht_seconds / 3600,
                    covered=hours[tid],
                    pattern=pattern,
                )
            )
    grouped: dict[str, list[Share]] = defaultdict(list)
    for share in shares:
        grouped[share.queue.id].append(share)
    by_team: dict[str, list[Share]] = defaultdict(list)
    profiled: dict[str, _ProfiledQueue] = {}
    duties: dict[tuple[str, int], Any] = {}
    for qid, parts in grouped.items():
        forecast = parts[0].queue.forecast
        if parts[0].pattern is not None and forecast is not None and forecast.arrival == "realtime":
            profiled[qid] = _ProfiledQueue(parts, on, duties)  # sized by the half-hour
        else:
            for share in parts:
                _requirement(share)
        for share in parts:
            by_team[share.team.id].append(share)
    filled = {tid: _fill(teams[tid], mine, on) for tid, mine in by_team.items()}
    fills = {tid: fill for tid, (fill, _, _) in filled.items()}
    spares = {tid: spare for tid, (_, _, spare) in filled.items() if spare is not None}
    for item in profiled.values():
        item.give(fills, on, spares)
    exposures = _exposure(teams, by_team, planning.exposure_caps)
    share_results: dict[int, ShareCapacity] = {}
    team_results: dict[str, TeamCapacity] = {}
    for tid, team in sorted(teams.items()):
        mine = by_team.get(tid, [])
        team_results[tid] = _team(team, mine, exposures.get(tid, ()))
        load = _TeamLoad.of(team, mine, filled.get(tid, (None, None, None))[1])
        for share in mine:
            if share.queue.id in profiled:
                share_results[id(share)] = profiled[share.queue.id].project(share, load)
            else:
                share_results[id(share)] = _project(share, load, on)
    queue_results: dict[str, QueueCapacity] = {}
    for qid, parts in grouped.items():
        worked = [share_results[id(s)] for s in parts]
        result = _queue(parts, worked)
        if qid in profiled:
            result = profiled[qid].finish(result)
        elif parts[0].pattern is not None:
            result = replace(
                result,
                interval_source=functools.partial(
                    backlog_intervals, parts, result.weekly_volume, worked, on
                ),
            )
        queue_results[qid] = result
    return Capacity(queue_results, team_results)


def derive_organisation(org: Any, on: date | None = None) -> Capacity:
    """:func:`derive` over an ``Organisation`` on a day, once per day: the result is kept
    in ``org.derived``."""
    kept = org.derived.capacity
    cached = kept.get(on)
    if cached is None:
        cached = kept[on] = derive(
            org.teams, org.queues, org.targets, org.allocations, on, planning_of(org)
        )
    assert isinstance(cached, Capacity)
    return cached


def planning_of(org: Any) -> Planning:
    """The profiles' arrival patterns and the exposure caps of an ``Organisation``."""
    from qplan.capacity.intervals import arrival_pattern

    patterns = {
        pid: arrival_pattern(profile, org.forecasts.get(profile.csv or ""))
        for pid, profile in org.profiles.items()
        if profile.csv is None or profile.csv in org.forecasts
    }
    caps = {gid: g for gid, g in org.guardrails.items() if g.type == "exposure_cap"}
    return Planning(patterns, caps)


#: the days an FTE works a week, for exposure caps written per agent-day


class TrafficOverLimit(ValueError):
    """A real-time queue's busiest half-hour (its weekly volume spread by its profile) is
    more traffic than one queue may be: the file format bounds the weekly average only."""

    def __init__(self, queue: str, peak: float) -> None:
        self.queue, self.peak = queue, peak
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return (
            f"queue {self.queue}'s busiest half-hour is {self.peak:,.1f} Erlangs, over the "
            f"limit of {MAX_TRAFFIC_ERLANGS:,.0f} for one queue"
        )

    hint = "split the queue, or give its profile a flatter week"


class _ProfiledQueue:
    """A real-time queue planned interval by interval (see :mod:`qplan.capacity.intervals`):
    made, it has sized each interval and asked each team for its part; :meth:`give` takes
    what the teams can give."""

    def __init__(
        self, parts: list[Share], on: date | None, duties: dict[tuple[str, int], Any]
    ) -> None:
        import numpy as np

        from qplan.capacity import intervals as iv

        self.parts = parts
        queue, pattern, target = parts[0].queue, parts[0].pattern, parts[0].target
        forecast = queue.forecast
        assert forecast is not None and pattern is not None
        self.pattern = pattern
        self.min_agents = queue.min_agents
        self.offset = iv.offset_steps(pattern.timezone, on)
        arrivals = iv.spread(pattern, sum(p.volume for p in parts), forecast.aht_seconds)
        self.volume, self.aht = arrivals.volume, arrivals.aht
        self.traffic = self.volume * self.aht / iv.INTERVAL_SECONDS
        peak = float(self.traffic.max(initial=0.0))
        if peak > MAX_TRAFFIC_ERLANGS:
            raise TrafficOverLimit(queue.id, peak)
        duty = {p.team.id: _on_duty_here(p.team, on, self.offset, duties) for p in parts}
        self.open = np.any(np.stack(list(duty.values())), axis=0)
        if target is None:
            within, goal = forecast.aht_seconds, 0.0
        else:
            within, goal = target.sla.within.seconds, target.sla.percent / 100
        patience = forecast.patience.seconds if forecast.patience else None
        self.within, self.patience, self.has_target = within, patience, target is not None
        longest, waits = bounded(within, patience)
        # Each share is routed its part of every half-hour (a closed team's part goes to the
        # teams on duty) and staffed on its own, as a flat queue's shares are: a site meets
        # the SLA on the items routed to it, with its own agents.
        percent_on = sum(p.percent * duty[p.team.id] for p in parts)
        total = sum(p.percent for p in parts)
        nobody = percent_on <= 0
        self.handle = handle = np.round(self.aht, 6).tolist()  # the Erlang inputs' handle times
        self.routes: dict[int, Any] = {}
        self.traffics: dict[int, Any] = {}
        needed: dict[int, Any] = {}
        for p in parts:
            mine = duty[p.team.id]
            route = np.where(
                nobody,
                p.percent / total,
                np.where(mine, p.percent / np.where(nobody, 1, percent_on), 0),
            )
            self.routes[id(p)] = route
            self.traffics[id(p)] = traffic = self.traffic * route
            needed[id(p)] = iv.required_agents(
                np.round(traffic, 9),
                handle,
                iv.ErlangInputs(longest, goal, waits, occupancy_cap(p)),
            ).astype(float)
        self.sla_agents = required = sum(needed.values(), np.zeros(iv.WEEK_INTERVALS))
        extra = np.zeros(iv.WEEK_INTERVALS)
        if self.min_agents is not None:
            floor = np.where(self.open, np.maximum(required, self.min_agents), required)
            extra, required = floor - required, floor
        self.required = required
        for p in parts:
            mine, route = duty[p.team.id], self.routes[id(p)]
            p.requests = np.where(mine, needed[id(p)] + extra * route, 0.0)
            p.volume = float((self.volume * route).sum())
            p.workload = float((self.volume * route * self.aht).sum() / 3600)
            p.required_fte = (
                float(p.requests.sum())
                * iv.INTERVAL_MINUTES
                / 60
                / (productive_hours_per_fte(p.team))
            )
            p.agents = math.ceil(float(p.requests.max()) - 1e-9)
        self.on_duty = np.zeros(iv.WEEK_INTERVALS)
        self.levels: Any = None
        #: each team's agents on duty beyond what all its queues ask, by half-hour
        self.headroom: dict[str, Any] = {}

    def give(
        self, fills: Mapping[str, Any], on: date | None, spares: Mapping[str, Any] | None = None
    ) -> None:
        """What the teams give (their fill of the requests) and the service level it buys;
        and each team's headroom (``spares``, per quarter-hour of the UTC week) in the
        queue's half-hours."""
        import numpy as np

        from qplan.capacity import intervals as iv

        for p in self.parts:
            fill = fills.get(p.team.id)
            local = (
                np.ones(iv.WEEK_INTERVALS)
                if fill is None
                else iv.to_intervals(iv.shift_frame(fill, 0, self.offset))
            )
            p.given = p.requests * local
            spare = (spares or {}).get(p.team.id)
            if spare is not None:
                self.headroom[p.team.id] = iv.to_intervals(iv.shift_frame(spare, 0, self.offset))
            p.staffed_hours = float(p.given.sum()) * iv.INTERVAL_MINUTES / 60
            self.on_duty = self.on_duty + p.given
        handle = self.handle
        self.levels = np.zeros(iv.WEEK_INTERVALS)
        self.share_levels: dict[int, Any] = {}
        for p in self.parts:
            traffic = np.round(self.traffics[id(p)], 9).tolist()
            agents = np.floor(p.given + 1e-9).astype(int).tolist()
            mine = np.asarray(
                [
                    service_level(traffic[i], agents[i], handle[i], self.within, self.patience)
                    if traffic[i] > 0
                    else 1.0
                    for i in range(iv.WEEK_INTERVALS)
                ]
            )
            self.share_levels[id(p)] = mine
            self.levels = self.levels + mine * self.routes[id(p)]

    def project(self, share: Share, load: _TeamLoad) -> ShareCapacity:
        from qplan.capacity import intervals as iv

        route = self.routes[id(share)]
        routed = self.volume * route
        projected: float | None = None
        if self.has_target:
            levels = self.share_levels[id(share)]
            projected = (
                100 * float((routed * levels).sum()) / share.volume if share.volume else 100.0
            )
        handled = float((share.given * iv.INTERVAL_SECONDS / self.aht).sum())
        ratio = handled / share.volume if share.volume else math.inf
        stable = self.patience is not None or ratio > 1 or share.volume == 0
        growth = 0.0 if stable else (share.volume - handled) / 7
        return _share_figures(share, projected, stable, growth, ratio)

    def finish(self, result: QueueCapacity) -> QueueCapacity:
        total = float(self.volume.sum())
        covered = float(self.volume[self.open].sum())
        return replace(
            result,
            coverage_percent=100 * covered / total if total else 100.0,
            interval_source=IntervalFigures(
                profile=self.pattern.profile,
                timezone=self.pattern.timezone,
                volume=tuple(self.volume.tolist()),
                aht_seconds=tuple(self.aht.tolist()),
                required_agents=tuple(self.required.astype(int).tolist()),
                on_duty_agents=tuple(self.on_duty.tolist()),
                service_level=tuple(
                    100 * level if volume > 0 and self.has_target else None
                    for level, volume in zip(
                        self.levels.tolist(), self.volume.tolist(), strict=True
                    )
                ),
                open=tuple(self.open.tolist()),
                min_agents=self.min_agents,
                sla_agents=tuple(self.sla_agents.astype(int).tolist()),
                headroom=tuple(
                    (tid, tuple(round(agents, 6) for agents in spare.tolist()))
                    for tid, spare in sorted(self.headroom.items())
                ),
            ),
        )


def _on_duty_here(
    team: Team, on: date | None, offset: int, duties: dict[tuple[str, int], Any]
) -> Any:
    """Per half-hour of a week in the zone ``offset`` steps from UTC, whether the team has
    anyone on duty; kept in ``duties`` (a team serves many queues in few zones)."""
    from qplan.capacity import intervals as iv

    key = (team.id, offset)
    found = duties.get(key)
    if found is None:
        local = iv.offset_steps(team.timezone, on)
        found = duties[key] = (
            iv.to_intervals(iv.shift_frame(iv.on_duty(team), local, offset)) > 1e-9
        )
    return found


def _fill(team: Team, shares: list[Share], on: date | None) -> tuple[Any, Fills | None, Any]:
    """Per quarter-hour of the UTC week, the part of the agents its real-time queues ask
    for that the team has on duty (1: all), and the parts its flat real-time queues get in
    the hours they are covered, with the share of those hours each holds; and the agents
    it has on duty beyond what all its queues ask (its headroom: below 0, short). (None,
    None, None) when no profiled queue asks. A flat queue asks for its agents in every hour
    the team covers, so a profiled queue never keeps agents a flat queue of the same team
    needs: short hours are shared in proportion to what each asks."""
    import numpy as np

    from qplan.capacity import intervals as iv

    asked = [s for s in shares if s.requests is not None]
    if not asked:
        return None, None, None
    wanted = np.zeros(WEEK_STEPS)
    for share in asked:
        assert share.pattern is not None
        offset = iv.offset_steps(share.pattern.timezone, on)
        steps = np.repeat(share.requests, iv.STEPS_PER_INTERVAL)
        wanted = wanted + iv.shift_frame(steps, offset, 0)
    local = iv.offset_steps(team.timezone, on)
    flat_agents = sum(s.agents or 0 for s in shares if s.requests is None)
    covering = iv.shift_frame(team_mask(team), local, 0)
    wanted = wanted + flat_agents * covering
    duty = iv.shift_frame(iv.on_duty(team), local, 0)
    fill = np.where(
        wanted > 1e-12, np.minimum(1.0, duty / np.where(wanted > 1e-12, wanted, 1)), 1.0
    )
    spare = duty - wanted
    if not flat_agents or covering.sum() <= 0:
        return fill, None, spare
    parts, counts = np.unique(np.round(fill[covering > 0], 9), return_counts=True)
    weights = counts / counts.sum()
    return fill, tuple(zip(parts.tolist(), weights.tolist(), strict=True)), spare


def _exposure(
    teams: Mapping[str, Team],
    by_team: Mapping[str, list[Share]],
    caps: Mapping[str, ExposureCap],
) -> dict[str, tuple[Exposure, ...]]:
    """Each team's exposure under each cap; the FTE a cap adds (more people, each for
    fewer hours, and their wellness breaks) go to the sensitive shares' required FTE."""
    from qplan.model.format import at_least

    found: dict[str, tuple[Exposure, ...]] = {}
    for tid, shares in sorted(by_team.items()):
        team = teams[tid]
        per_fte = productive_hours_per_fte(team)
        on_duty = agent_days(team)  # per FTE-week
        records = []
        for gid, cap in sorted(caps.items()):
            sensitive = [s for s in shares if at_least(s.queue.sensitivity, cap.sensitivity)]
            hours = sum(s.required_fte for s in sensitive) * per_fte
            if not sensitive or hours <= 0:
                continue
            needed = hours / (cap.max_hours_per_day * on_duty)
            working = max(needed, hours / per_fte)  # the FTE who take sensitive work
            required = sum(s.required_fte for s in shares)
            extra = max(0.0, needed - required)
            extra += working * on_duty * cap.wellness_minutes_per_shift / 60 / per_fte
            for s in sensitive:
                s.required_fte += extra * s.required_fte * per_fte / hours
            per_day = hours / (team.headcount_fte * on_duty) if team.headcount_fte else math.inf
            records.append(
                Exposure(gid, cap.sensitivity, hours, per_day, cap.max_hours_per_day, needed, extra)
            )
        if records:
            found[tid] = tuple(records)
    return found


def _requirement(share: Share) -> None:
    """The FTE one share needs on its own (before the team's other queues are counted)."""
    team, forecast = share.team, share.queue.forecast
    assert forecast is not None
    per_fte = productive_hours_per_fte(team)
    if forecast.arrival == "backlog":
        share.required_fte = share.workload / (per_fte * occupancy_cap(share))
        return
    hours = share.covered
    traffic = share.volume / WEEK_HOURS * forecast.aht_seconds / 3600
    if share.target is None:
        target, within = 0.0, forecast.aht_seconds
    else:
        target, within = share.target.sla.percent / 100, share.target.sla.within.seconds
    patience = forecast.patience.seconds if forecast.patience else None
    agents = fewest_agents(
        round(traffic, 9), forecast.aht_seconds, within, target, patience, occupancy_cap(share)
    )
    agents = max(agents, math.ceil(traffic / occupancy_cap(share) - 1e-9))
    share.agents = agents
    share.staffed_hours = agents * hours
    share.required_fte = share.staffed_hours / per_fte


def _team(team: Team, shares: list[Share], exposure: tuple[Exposure, ...] = ()) -> TeamCapacity:
    productive = team.headcount_fte * productive_hours_per_fte(team)
    workload = sum(s.workload for s in shares)
    required = sum(s.required_fte for s in shares)
    fixed, variable, total = team_costs(team, required, sum(s.volume for s in shares))
    return TeamCapacity(
        team=team.id,
        name=team.name,
        type=team.type,
        vendor=team.vendor,
        country=team.country,
        headcount_fte=team.headcount_fte,
        available_fte=team.headcount_fte * (1 - team.shrinkage),
        required_fte=required,
        workload_hours=workload,
        productive_hours=productive,
        utilisation_percent=100 * workload / productive if productive else math.inf,
        cap_percent=100 * team.occupancy_cap,
        weekly_cost=total,
        queues=tuple(sorted({s.queue.id for s in shares})),
        exposure=exposure,
        fixed_weekly_cost=fixed,
        variable_weekly_cost=variable,
    )


#: the parts of their agents a team's flat real-time queues get, each with the share of the
#: team's covered hours it holds in
Fills = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class _TeamLoad:
    """What a team gives its queues: the real-time fill and the backlog capacity ratio."""

    covered_hours: float
    realtime_fills: Fills  # share of the real-time agents it can staff (1: all), by hours
    backlog_ratio: float  # backlog capacity at the cap over the backlog workload

    @classmethod
    def of(cls, team: Team, shares: list[Share], flat_fills: Fills | None = None) -> _TeamLoad:
        """``flat_fills``: the parts of their agents the flat real-time queues get when the
        team also works profiled ones (shared with them interval by interval, see
        :func:`_fill`); else the flat queues take what the team has, each its part."""
        productive = team.headcount_fte * productive_hours_per_fte(team)
        profiled = sum(s.staffed_hours for s in shares if s.given is not None)
        realtime_hours = sum(s.staffed_hours for s in shares if s.given is None)
        left = max(0.0, productive - profiled)
        most = min(1.0, left / realtime_hours) if realtime_hours else 1.0
        fills = tuple((min(part, most), weight) for part, weight in flat_fills or ((1.0, 1.0),))
        fill = sum(part * weight for part, weight in fills)
        backlog = sum(s.workload for s in shares if s.agents is None)
        spare = max(0.0, left - realtime_hours * fill) * team.occupancy_cap
        covered = shares[0].covered if shares else covered_hours(team)
        return cls(covered, fills, spare / backlog if backlog else math.inf)


def _project(share: Share, load: _TeamLoad, on: date | None = None) -> ShareCapacity:
    """What the share gets from its team: projected SLA, stability, growth."""
    team, forecast = share.team, share.queue.forecast
    assert forecast is not None
    within = share.target.sla.within if share.target else None
    projected: float | None = None
    growth = 0.0
    if forecast.arrival == "realtime":
        assert share.agents is not None
        traffic = share.volume / WEEK_HOURS * forecast.aht_seconds / 3600
        patience = forecast.patience.seconds if forecast.patience else None
        coverage = load.covered_hours / WEEK_HOURS
        # the agents it gets in each part of the team's hours (all of them, unless the
        # team is short then), and what they handle and how fast
        given = [
            (math.floor(share.agents * part + 1e-9), weight) for part, weight in load.realtime_fills
        ]
        agent_hours = sum(agents * weight for agents, weight in given) * load.covered_hours
        capacity_items = agent_hours * 3600 / forecast.aht_seconds
        ratio = capacity_items / share.volume if share.volume else math.inf
        stable = patience is not None or ratio > 1 or share.volume == 0
        if not stable:
            growth = (share.volume - capacity_items) / 7
        if within is not None:
            level = sum(
                weight
                * service_level(
                    round(traffic, 9), agents, forecast.aht_seconds, within.seconds, patience
                )
                for agents, weight in given
            )
            projected = 100 * level * coverage
    else:
        ratio = load.backlog_ratio
        stable = ratio > 1 or share.volume == 0
        if not stable:
            growth = share.volume * (1 - ratio) / 7
        if within is not None:
            if share.volume == 0:
                projected = 100.0
            elif stable and share.pattern is not None:
                projected = 100 * profiled_backlog(share, ratio, within.hours, on)
            elif stable:
                level = share_within(team_mask(team), round(min(ratio, 1e6), 6), within.hours)
                projected = 100 * level
            else:
                projected = 0.0
    return _share_figures(share, projected, stable, growth, ratio)


def _share_figures(
    share: Share, projected: float | None, stable: bool, growth: float, ratio: float
) -> ShareCapacity:
    team = share.team
    return ShareCapacity(
        team=team.id,
        share_percent=share.percent,
        weekly_volume=share.volume,
        workload_hours=share.workload,
        required_fte=share.required_fte,
        agents_on_duty=share.agents,
        projected_sla_percent=projected,
        stable=stable,
        backlog_growth_per_day=growth,
        weekly_cost=share_cost(team, share.required_fte, share.volume),
        capacity_ratio=ratio,
    )


def _queue(parts: list[Share], results: list[ShareCapacity]) -> QueueCapacity:
    queue = parts[0].queue
    target = parts[0].target
    forecast = queue.forecast
    assert forecast is not None
    volume = sum(r.weekly_volume for r in results)
    projected: float | None = None
    if target is not None:
        if volume > 0:
            projected = (
                sum((r.projected_sla_percent or 0.0) * r.weekly_volume for r in results) / volume
            )
        else:
            projected = 100.0
    cost = sum(r.weekly_cost for r in results)
    coverage = sum(p.volume * p.covered for p in parts) / (volume * WEEK_HOURS) if volume else 1.0
    return QueueCapacity(
        queue=queue.id,
        workflow=queue.workflow,
        arrival=forecast.arrival,
        weekly_volume=volume,
        aht_seconds=forecast.aht_seconds,
        target_sla_percent=target.sla.percent if target else None,
        target_within=str(target.sla.within) if target else None,
        required_fte=sum(r.required_fte for r in results),
        projected_sla_percent=projected,
        stable=all(r.stable for r in results),
        backlog_growth_per_day=sum(r.backlog_growth_per_day for r in results),
        weekly_cost=cost,
        cost_per_item=cost / volume if volume else None,
        shares=tuple(results),
        coverage_percent=100 * min(1.0, coverage),
    )


# --- backlog recovery -----------------------------------------------------------------
