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

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from qplan.capacity.erlang import MAX_SECONDS, agents_for_target, figures

if TYPE_CHECKING:
    from qplan.model.format import Allocation, Queue, Target, Team

#: statuses whose queues are staffed (the same set the guardrails count)
STAFFED = ("ready", "live", "paused")
#: the organisation-wide totals every report gives
#: totals over teams (all their work) and, prefixed ``queue_``, over the queues shown
TOTALS = (
    "required_fte",
    "headcount_fte",
    "weekly_cost",
    "queue_required_fte",
    "queue_weekly_cost",
)
WEEK_HOURS = 168
STEPS_PER_HOUR = 4
WEEK_STEPS = WEEK_HOURS * STEPS_PER_HOUR
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ShareCapacity:
    """One team's part of one queue."""

    team: str
    share_percent: float
    weekly_volume: float
    workload_hours: float
    required_fte: float
    agents_on_duty: int | None  # real-time queues: agents needed per covered hour
    projected_sla_percent: float | None
    stable: bool
    backlog_growth_per_day: float
    weekly_cost: float
    #: what the team can handle of this share in a week over what arrives (>1: stable)
    capacity_ratio: float


@dataclass(frozen=True)
class QueueCapacity:
    queue: str
    workflow: str
    arrival: str
    weekly_volume: float
    aht_seconds: float
    target_sla_percent: float | None
    target_within: str | None
    required_fte: float
    projected_sla_percent: float | None
    stable: bool
    backlog_growth_per_day: float
    weekly_cost: float
    cost_per_item: float | None
    shares: tuple[ShareCapacity, ...]
    coverage_percent: float  # share of the week's arrivals that land in a team's hours
    #: a draft queue, sized on top of today's work but not counted in any total
    draft: bool = False

    @property
    def meets_target(self) -> bool | None:
        if self.target_sla_percent is None or self.projected_sla_percent is None:
            return None
        return self.projected_sla_percent + 1e-9 >= self.target_sla_percent

    def contract(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "workflow": self.workflow,
            "arrival": self.arrival,
            "draft": self.draft,
            "weekly_volume": _r(self.weekly_volume),
            "aht_seconds": _r(self.aht_seconds),
            "required_fte": _r(self.required_fte),
            "target_sla_percent": _r(self.target_sla_percent),
            "target_within": self.target_within,
            "projected_sla_percent": _r(self.projected_sla_percent),
            "meets_target": self.meets_target,
            "stable": self.stable,
            "backlog_growth_items_per_day": _r(self.backlog_growth_per_day),
            "weekly_cost": _r(self.weekly_cost),
            "cost_per_item": _r(self.cost_per_item, 4),
            "shares": [
                {
                    "team": s.team,
                    "share_percent": _r(s.share_percent),
                    "weekly_volume": _r(s.weekly_volume),
                    "workload_hours_per_week": _r(s.workload_hours),
                    "required_fte": _r(s.required_fte),
                    "agents_on_duty": s.agents_on_duty,
                    "projected_sla_percent": _r(s.projected_sla_percent),
                    "weekly_cost": _r(s.weekly_cost),
                }
                for s in self.shares
            ],
        }


@dataclass(frozen=True)
class TeamCapacity:
    team: str
    name: str
    type: str
    vendor: str | None
    country: str
    headcount_fte: float
    available_fte: float
    required_fte: float
    workload_hours: float
    productive_hours: float
    utilisation_percent: float
    cap_percent: float
    weekly_cost: float
    queues: tuple[str, ...]

    @property
    def over_cap(self) -> bool:
        return self.required_fte > self.headcount_fte + 1e-6

    def contract(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "type": self.type,
            "vendor": self.vendor,
            "country": self.country,
            "headcount_fte": _r(self.headcount_fte),
            "available_fte": _r(self.available_fte),
            "required_fte": _r(self.required_fte),
            "workload_hours_per_week": _r(self.workload_hours),
            "productive_hours_per_week": _r(self.productive_hours),
            "utilisation_percent": _r(self.utilisation_percent),
            "cap_percent": _r(self.cap_percent),
            "over_cap": self.over_cap,
            "weekly_cost": _r(self.weekly_cost),
            "queues": list(self.queues),
        }


@dataclass
class Capacity:
    """The figures of a whole organisation: per staffed queue and per team."""

    queues: dict[str, QueueCapacity] = field(default_factory=dict)
    teams: dict[str, TeamCapacity] = field(default_factory=dict)

    def total(self, name: str) -> float:
        """The sum over every team of one figure (``required_fte``, ``headcount_fte``,
        ``weekly_cost``: the teams' whole work), or with ``queue_`` over every queue
        (``queue_required_fte``, ``queue_weekly_cost``: the queues' own share of it)."""
        if name.startswith("queue_"):
            field_name = name.removeprefix("queue_")
            counted = (q for q in self.queues.values() if not q.draft)
            return float(sum(getattr(q, field_name) or 0.0 for q in counted))
        found: float = sum(getattr(t, name) for t in self.teams.values())
        return found

    def totals(self, by: str) -> dict[str, dict[str, float]]:
        """Totals per ``workflow`` (queues), or per ``vendor`` or ``country`` (teams)."""
        out: dict[str, dict[str, float]] = {}
        if by == "workflow":
            for q in self.queues.values():
                if q.draft:
                    continue
                row = out.setdefault(
                    q.workflow,
                    {"queues": 0, "weekly_volume": 0.0, "required_fte": 0.0, "weekly_cost": 0.0},
                )
                row["queues"] += 1
                row["weekly_volume"] += q.weekly_volume
                row["required_fte"] += q.required_fte
                row["weekly_cost"] += q.weekly_cost
        else:
            for t in self.teams.values():
                key = (t.vendor or "in-house") if by == "vendor" else t.country
                row = out.setdefault(
                    key,
                    {"teams": 0, "headcount_fte": 0.0, "required_fte": 0.0, "weekly_cost": 0.0},
                )
                row["teams"] += 1
                row["headcount_fte"] += t.headcount_fte
                row["required_fte"] += t.required_fte
                row["weekly_cost"] += t.weekly_cost
        return dict(sorted(out.items()))

    def contract(self) -> dict[str, Any]:
        return {
            "format_version": "1",
            "queues": [q.contract() for _, q in sorted(self.queues.items())],
            "teams": [t.contract() for _, t in sorted(self.teams.items())],
            "totals": {
                **{
                    f"by_{by}": {
                        key: {name: _r(value) for name, value in row.items()}
                        for key, row in self.totals(by).items()
                    }
                    for by in ("workflow", "vendor", "country")
                },
                **{name: _r(self.total(name)) for name in TOTALS},
            },
        }


def _r(value: float | None, digits: int = 2) -> float | None:
    if value is None:
        return None
    if math.isinf(value) or math.isnan(value):
        return None
    rounded = round(value, digits)
    return rounded + 0.0  # no -0.0


# --- coverage -------------------------------------------------------------------------


def covered_hours(team: Team) -> float:
    return len(set(team.coverage.days)) * team.coverage.hours_per_day


@lru_cache(maxsize=4096)
def _week_mask(days: tuple[str, ...], start: str, end: str) -> tuple[bool, ...]:
    """Which 15-minute steps of a Monday-to-Sunday week the team works."""

    def step(text: str) -> int:
        hours, minutes = text.split(":")
        return round((int(hours) * 60 + int(minutes)) / (60 / STEPS_PER_HOUR))

    mask = [False] * WEEK_STEPS
    per_day = 24 * STEPS_PER_HOUR
    for day in set(days):
        base = _DAYS.index(day) * per_day
        for s in range(step(start), step(end)):
            mask[base + s] = True
    return tuple(mask)


def team_mask(team: Team) -> tuple[bool, ...]:
    c = team.coverage
    return _week_mask(tuple(sorted(c.days)), c.start, c.end)


# --- backlog: the fluid week ----------------------------------------------------------


@lru_cache(maxsize=4096)
def share_within(mask: tuple[bool, ...], capacity_ratio: float, within_hours: float) -> float:
    """Share (0–1) of evenly arriving items handled within ``within_hours``.

    ``capacity_ratio`` is the team's weekly capacity for the queue over its weekly
    arrivals (above 1 for a stable queue); the capacity is spread evenly over the
    covered steps of ``mask``. Fluid FIFO: cumulative departures are
    D(t) = C(t) + min over s ≤ t of (A(s) − C(s)); an item arriving at t is handled
    within W when D(t + W) ≥ A(t). The second week is measured: by then the backlog
    has emptied at least once, so the pattern repeats weekly.
    """
    import numpy as np

    week = np.array(mask, dtype=bool)
    covered = int(week.sum())
    if covered == 0 or capacity_ratio <= 1:
        return 0.0
    within_steps = within_hours * STEPS_PER_HOUR
    horizon = 2 * WEEK_STEPS + math.ceil(within_steps) + 2
    weeks = math.ceil(horizon / WEEK_STEPS)
    arrival = 1.0 / WEEK_STEPS  # one week's arrivals = 1
    per_step = capacity_ratio / covered
    capacity = np.tile(week, weeks)[:horizon] * per_step
    cumulative_capacity = np.concatenate(([0.0], np.cumsum(capacity)))
    cumulative_arrivals = arrival * np.arange(horizon + 1)
    departures = cumulative_capacity + np.minimum.accumulate(
        cumulative_arrivals - cumulative_capacity
    )
    times = WEEK_STEPS + np.arange(WEEK_STEPS) + 0.5  # mid-step arrivals in the second week
    done_by = np.interp(times + within_steps, np.arange(horizon + 1), departures)
    return float(np.mean(done_by >= arrival * times - 1e-12))


# --- real time -------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _agents(
    traffic: float,
    aht: float,
    within: float,
    target: float,
    patience: float | None,
    cap: float,
) -> int:
    within, patience = _bounded(within, patience)
    return agents_for_target(traffic, aht, within, target, patience, max_occupancy=cap)


def _bounded(within: float, patience: float | None) -> tuple[float, float | None]:
    """Past the Erlang routines' limit (30 days) a longer target or patience changes
    nothing."""
    return min(within, MAX_SECONDS), None if patience is None else min(patience, MAX_SECONDS)


@lru_cache(maxsize=8192)
def _service_level(
    traffic: float, agents: int, aht: float, within: float, patience: float | None
) -> float:
    if agents <= 0:
        return 0.0
    if patience is None and agents <= traffic:
        return 0.0
    within, patience = _bounded(within, patience)
    try:
        return figures(traffic, agents, aht, within, patience).service_level
    except ValueError:  # far too few agents for the load
        return 0.0


# --- the whole organisation ------------------------------------------------------------


@dataclass
class _Share:
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


def derive(
    teams: Mapping[str, Team],
    queues: Mapping[str, Queue],
    targets: Mapping[str, Target],
    allocations: Mapping[str, Allocation],
    on: date | None = None,
) -> Capacity:
    """Capacity figures of every staffed queue with a forecast and of every team, and of
    every draft queue with a forecast and an allocation, sized as if it were launched on
    top of today's work (marked ``draft``; the teams' figures and the totals leave it out).
    """
    figures = _derive(teams, queues, targets, allocations, on, STAFFED)
    drafts = [
        qid
        for qid, q in queues.items()
        if q.status == "draft" and q.forecast is not None and qid in allocations
    ]
    if drafts:
        launched = _derive(teams, queues, targets, allocations, on, (*STAFFED, "draft"))
        for qid in drafts:
            if qid in launched.queues:
                figures.queues[qid] = replace(launched.queues[qid], draft=True)
        figures.queues = dict(sorted(figures.queues.items()))
    return figures


def _derive(
    teams: Mapping[str, Team],
    queues: Mapping[str, Queue],
    targets: Mapping[str, Target],
    allocations: Mapping[str, Allocation],
    on: date | None,
    statuses: tuple[str, ...],
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
    shares: list[_Share] = []
    for qid, allocation in sorted(allocations.items()):
        queue = queues.get(qid)
        if queue is None or queue.status not in statuses or queue.forecast is None:
            continue
        in_force = allocation.shares_on(on)
        if not all(t in teams for t in in_force):
            continue
        target = targets.get(qid) or targets.get(f"workflow:{queue.workflow}")
        weekly = queue.forecast.weekly_volume + moved.get(qid, 0.0)
        for tid, percent in in_force.items():
            volume = weekly * percent / 100
            shares.append(
                _Share(
                    queue,
                    teams[tid],
                    percent,
                    target,
                    volume,
                    volume * queue.forecast.aht_seconds / 3600,
                    covered=hours[tid],
                )
            )
    by_team: dict[str, list[_Share]] = defaultdict(list)
    for share in shares:
        by_team[share.team.id].append(share)
        _requirement(share)
    share_results: dict[int, ShareCapacity] = {}
    team_results: dict[str, TeamCapacity] = {}
    for tid, team in sorted(teams.items()):
        mine = by_team.get(tid, [])
        team_results[tid] = _team(team, mine)
        load = _TeamLoad.of(team, mine)
        for share in mine:
            share_results[id(share)] = _project(share, load)
    queue_results: dict[str, QueueCapacity] = {}
    grouped: dict[str, list[_Share]] = defaultdict(list)
    for share in shares:
        grouped[share.queue.id].append(share)
    for qid, parts in grouped.items():
        queue_results[qid] = _queue(parts, [share_results[id(s)] for s in parts])
    return Capacity(queue_results, team_results)


def derive_organisation(org: Any, on: date | None = None) -> Capacity:
    """:func:`derive` over an ``Organisation`` on a day, once per day: the result is kept
    in ``org.derived``."""
    key = f"capacity:{on}"
    cached = org.derived.get(key)
    if cached is None:
        cached = org.derived[key] = derive(org.teams, org.queues, org.targets, org.allocations, on)
    assert isinstance(cached, Capacity)
    return cached


def _productive_hours_per_fte(team: Team) -> float:
    return team.paid_hours_per_week * (1 - team.shrinkage)


def _occupancy_cap(share: _Share) -> float:
    cap = share.team.occupancy_cap
    if share.target is not None and share.target.max_occupancy is not None:
        cap = min(cap, share.target.max_occupancy)
    return cap


def _requirement(share: _Share) -> None:
    """The FTE one share needs on its own (before the team's other queues are counted)."""
    team, forecast = share.team, share.queue.forecast
    assert forecast is not None
    per_fte = _productive_hours_per_fte(team)
    if forecast.arrival == "backlog":
        share.required_fte = share.workload / (per_fte * _occupancy_cap(share))
        return
    hours = share.covered
    traffic = share.volume / WEEK_HOURS * forecast.aht_seconds / 3600
    if share.target is None:
        target, within = 0.0, forecast.aht_seconds
    else:
        target, within = share.target.sla.percent / 100, share.target.sla.within.seconds
    patience = forecast.patience.seconds if forecast.patience else None
    agents = _agents(
        round(traffic, 9), forecast.aht_seconds, within, target, patience, _occupancy_cap(share)
    )
    agents = max(agents, math.ceil(traffic / _occupancy_cap(share) - 1e-9))
    share.agents = agents
    share.staffed_hours = agents * hours
    share.required_fte = share.staffed_hours / per_fte


def _team(team: Team, shares: list[_Share]) -> TeamCapacity:
    productive = team.headcount_fte * _productive_hours_per_fte(team)
    workload = sum(s.workload for s in shares)
    required = sum(s.required_fte for s in shares)
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
        weekly_cost=team.headcount_fte * team.paid_hours_per_week * team.cost_per_hour,
        queues=tuple(sorted({s.queue.id for s in shares})),
    )


@dataclass(frozen=True)
class _TeamLoad:
    """What a team gives its queues: the real-time fill and the backlog capacity ratio."""

    covered_hours: float
    realtime_fill: float  # share of the real-time agents it can staff (1: all)
    backlog_ratio: float  # backlog capacity at the cap over the backlog workload

    @classmethod
    def of(cls, team: Team, shares: list[_Share]) -> _TeamLoad:
        productive = team.headcount_fte * _productive_hours_per_fte(team)
        realtime_hours = sum(s.staffed_hours for s in shares)
        # Real-time queues are staffed first; if the team cannot, each gets its part.
        fill = min(1.0, productive / realtime_hours) if realtime_hours else 1.0
        backlog = sum(s.workload for s in shares if s.agents is None)
        spare = max(0.0, productive - realtime_hours * fill) * team.occupancy_cap
        covered = shares[0].covered if shares else covered_hours(team)
        return cls(covered, fill, spare / backlog if backlog else math.inf)


def _project(share: _Share, load: _TeamLoad) -> ShareCapacity:
    """What the share gets from its team: projected SLA, stability, growth."""
    team, forecast = share.team, share.queue.forecast
    assert forecast is not None
    realtime_fill = load.realtime_fill
    within = share.target.sla.within if share.target else None
    projected: float | None = None
    growth = 0.0
    if forecast.arrival == "realtime":
        assert share.agents is not None
        agents = math.floor(share.agents * realtime_fill + 1e-9)
        traffic = share.volume / WEEK_HOURS * forecast.aht_seconds / 3600
        patience = forecast.patience.seconds if forecast.patience else None
        coverage = load.covered_hours / WEEK_HOURS
        capacity_items = agents * load.covered_hours * 3600 / forecast.aht_seconds
        ratio = capacity_items / share.volume if share.volume else math.inf
        stable = patience is not None or ratio > 1 or share.volume == 0
        if not stable:
            growth = (share.volume - capacity_items) / 7
        if within is not None:
            level = _service_level(
                round(traffic, 9), agents, forecast.aht_seconds, within.seconds, patience
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
            elif stable:
                level = share_within(team_mask(team), round(min(ratio, 1e6), 6), within.hours)
                projected = 100 * level
            else:
                projected = 0.0
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
        weekly_cost=share.required_fte * team.paid_hours_per_week * team.cost_per_hour,
        capacity_ratio=ratio,
    )


def _queue(parts: list[_Share], results: list[ShareCapacity]) -> QueueCapacity:
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


@dataclass(frozen=True)
class Recovery:
    queue: str
    backlog_items: float
    spare_items_per_day: float
    days_to_recover: float | None  # None: capacity does not exceed arrivals
    recover_in_days: float
    extra_fte: float

    @property
    def feasible(self) -> bool:
        return self.days_to_recover is not None

    def contract(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "backlog_items": _r(self.backlog_items),
            "spare_items_per_day": _r(self.spare_items_per_day),
            "days_to_recover": _r(self.days_to_recover),
            "recover_in_days": _r(self.recover_in_days),
            "extra_fte": _r(self.extra_fte),
        }


def recovery(
    capacity: Capacity,
    teams: Mapping[str, Team],
    queue_id: str,
    backlog: float,
    recover_in_days: float,
) -> Recovery:
    """Days to clear ``backlog`` items at current staffing, and the extra FTE that clears
    it in ``recover_in_days`` (with the arrivals meanwhile)."""
    q = capacity.queues[queue_id]
    spare_per_week = 0.0
    hours_per_fte = 0.0
    for s in q.shares:
        team = teams[s.team]
        spare_per_week += s.weekly_volume * (min(s.capacity_ratio, 1e9) - 1)
        hours_per_fte += (
            s.share_percent / 100 * _productive_hours_per_fte(team) * team.occupancy_cap
        )
    spare_per_day = spare_per_week / 7
    days = backlog / spare_per_day if spare_per_day > 1e-9 else None
    needed_per_day = backlog / recover_in_days - spare_per_day
    extra_hours_per_week = max(0.0, needed_per_day) * 7 * q.aht_seconds / 3600
    extra = extra_hours_per_week / hours_per_fte if hours_per_fte else math.inf
    return Recovery(queue_id, backlog, spare_per_day, days, recover_in_days, extra)
