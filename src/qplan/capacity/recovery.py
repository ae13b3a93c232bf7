"""Backlog recovery: the cheapest mix of extra capacity that clears a backlog by a date.

The queue's arrivals keep coming and its teams keep handling them as planned; on top of
that the backlog (and any growth of an unstable queue) must be worked off from ``starts``
to ``by``. Four levers give the extra items a day (a week's average, given on the days the
lever's team works), each up to a limit and at a cost per item:

``spare``
    the queue's own teams' spare capacity at their occupancy caps (headcount above the FTE
    their queues need), priced as the capacity model prices the team: free where its
    headcount is paid whatever it does, what it bills where it bills the work (per
    productive hour or per item);
``borrow``
    another team's spare capacity, where the team may work the queue (it speaks every
    language of the queue and holds its data clearance), priced the same way;
``overtime``
    up to ``overtime_max`` of the paid hours of the queue's teams, at
    :data:`OVERTIME_PREMIUM` times their rate;
``surge``
    temporary extra staff at an eligible vendor (BPO) site, up to :data:`SURGE_MAX` of its
    headcount, at :data:`SURGE_PREMIUM` times its rate.

The work during the recovery must keep to the organisation's share guardrails (the most
one vendor may take of a queue, the most BPO sites may take of a classification), which
``qplan recover --write`` records as the queue's shares. The mix is the optimum of a linear
programme solved with SciPy's HiGHS: the most items a day the levers can give within the
guardrails, then the cheapest way to give what is needed (ties go to the queue's own teams).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from qplan.capacity.backlog import items_per_fte_day, spare_fte, spare_items_per_day
from qplan.capacity.figures import Capacity, rounded
from qplan.capacity.teams import agent_days, working_weekdays
from qplan.model.format import GUARDRAIL_CODES, ExposureCap, Queue, Team, at_least, speaks

OVERTIME_PREMIUM = 1.5
SURGE_PREMIUM = 1.25
#: a vendor site can add this share of its headcount for a recovery
SURGE_MAX = 0.2
LEVERS = ("spare", "borrow", "overtime", "surge")
#: the longest recovery planned, in days
MAX_DAYS = 366


@dataclass(frozen=True)
class Lever:
    kind: str
    team: str
    #: the most extra items a day it can give, and what it costs per item
    max_items_per_day: float
    cost_per_item: float
    #: what the plan takes of it
    items_per_day: float = 0.0

    @property
    def daily_cost(self) -> float:
        return self.items_per_day * self.cost_per_item

    def contract(self) -> dict[str, Any]:
        return {
            "lever": self.kind,
            "team": self.team,
            "items_per_day": rounded(self.items_per_day),
            "max_items_per_day": rounded(self.max_items_per_day),
            "cost_per_item": rounded(self.cost_per_item, 4),
            "daily_cost": rounded(self.daily_cost),
        }


@dataclass(frozen=True)
class RecoveryPlan:
    queue: str
    backlog: float
    starts: date
    by: date
    arrivals_per_day: float
    #: the items a day the levers must give: the backlog over the days, plus any growth
    needed_per_day: float
    levers: tuple[Lever, ...]  # the ones used, cheapest first
    considered: tuple[Lever, ...]
    #: the queue's shares of the arrivals, by team, before the recovery
    shares: Mapping[str, float]
    #: the guardrails that hold the mix back
    limits: tuple[str, ...] = ()
    #: the teams whose spare capacity was counted at the staffing the actuals show (< 1)
    staffing: Mapping[str, float] = field(default_factory=dict)
    #: the handle time the levers are worked out at, and the plan's, when the actuals show
    #: a longer one (None: the plan's)
    aht_seconds: float | None = None
    planned_aht_seconds: float | None = None
    #: the items a day an unstable queue's backlog grows by meanwhile
    growth_per_day: float = 0.0
    #: the teams of the levers used (a lever whose team is missing gives every day)
    teams: Mapping[str, Team] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return (self.by - self.starts).days + 1

    @property
    def items_per_day(self) -> float:
        return sum(lever.items_per_day for lever in self.levers)

    @property
    def feasible(self) -> bool:
        return self.items_per_day >= self.needed_per_day * (1 - 1e-7) - 1e-6

    @property
    def shortfall_items(self) -> float:
        """What is still in the backlog on the last day, with every lever at its limit."""
        if self.feasible:
            return 0.0
        return self.burn_down()[-1][1]

    @property
    def total_cost(self) -> float:
        return sum(lever.daily_cost for lever in self.levers) * self.days

    def burn_down(self) -> list[tuple[date, float]]:
        """The backlog left at the end of each day: a lever's team gives its week's items
        on the days it works (none on a day it is closed), the backlog grows meanwhile."""
        workdays = {tid: working_weekdays(team) for tid, team in self.teams.items()}
        left = self.backlog
        found = []
        for d in range(self.days):
            day = self.starts + timedelta(days=d)
            given = sum(
                lever.items_per_day * _day_factor(workdays.get(lever.team), day)
                for lever in self.levers
            )
            left = max(0.0, left + self.growth_per_day - given)
            found.append((day, left))
        return found

    def extra_fte(self) -> dict[str, float]:
        """The FTE of overtime and vendor surge each team adds for the recovery: the items
        a day its levers give, at what an FTE of the team handles a day."""
        found: dict[str, float] = {}
        aht = self.aht_seconds or self.planned_aht_seconds
        for lever in self.levers:
            team = self.teams.get(lever.team)
            if lever.kind in ("overtime", "surge") and team is not None and aht:
                fte = lever.items_per_day / items_per_fte_day(team, aht)
                found[lever.team] = found.get(lever.team, 0.0) + fte
        return {tid: math.ceil(fte * 100 - 1e-9) / 100 for tid, fte in sorted(found.items())}

    def shares_during(self) -> dict[str, float]:
        """Each team's share (percent) of the work during the recovery: its part of the
        arrivals and what its levers add, to one decimal, summing to 100."""
        work = {tid: self.arrivals_per_day * pct / 100 for tid, pct in self.shares.items()}
        for lever in self.levers:
            work[lever.team] = work.get(lever.team, 0.0) + lever.items_per_day
        return _percentages(work)

    def contract(self) -> dict[str, Any]:
        return {
            "format_version": "1",
            "queue": self.queue,
            "backlog": rounded(self.backlog),
            "from": self.starts.isoformat(),
            "by": self.by.isoformat(),
            "days": self.days,
            "feasible": self.feasible,
            "arrivals_per_day": rounded(self.arrivals_per_day),
            "needed_items_per_day": rounded(self.needed_per_day),
            "items_per_day": rounded(self.items_per_day),
            "shortfall_items": rounded(self.shortfall_items),
            "total_cost": rounded(self.total_cost),
            "levers": [lever.contract() for lever in self.levers],
            "limited_by": list(self.limits),
            "staffing_from_actuals": {
                t: rounded(100 * f) for t, f in sorted(self.staffing.items())
            },
            "aht_from_actuals_seconds": rounded(self.aht_seconds),
            "shares_before": {t: rounded(p) for t, p in sorted(self.shares.items())},
            "shares_during": {t: rounded(p) for t, p in self.shares_during().items()},
            "extra_fte": self.extra_fte(),
            "burn_down": [
                {"date": d.isoformat(), "backlog": rounded(b)} for d, b in self.burn_down()
            ],
        }


def eligible(team: Team, queue: Queue) -> bool:
    """Whether ``team`` may work ``queue``: it speaks each of its languages and is cleared
    for its data."""
    if not all(speaks(team.languages, language) for language in queue.languages):
        return False
    return queue.data_classification == "public" or queue.data_classification in team.clearances


def plan_recovery(
    capacity: Capacity,
    queues: Mapping[str, Queue],
    teams: Mapping[str, Team],
    queue_id: str,
    backlog: float,
    starts: date,
    by: date,
    *,
    overtime_max: float,
    guardrails: list[ShareLimit] | None = None,
    staffing: Mapping[str, float] | None = None,
    aht_seconds: float | None = None,
    exposure_caps: Mapping[str, ExposureCap] | None = None,
) -> RecoveryPlan:
    """The cheapest mix of levers that clears ``backlog`` items of ``queue_id`` from
    ``starts`` to ``by`` (both included), with ``overtime_max`` (a fraction of paid hours)
    at most at each of the queue's teams. ``staffing`` gives, per team, the share of its
    planned productive hours the actuals show it working (below 1: its spare capacity is
    its headcount times that, less what its queues need). ``aht_seconds``, when the actuals
    show items taking longer than planned, is what the backlog's items take."""
    q = capacity.queues[queue_id]
    queue = queues[queue_id]
    days = (by - starts).days + 1
    caps_by_id = {
        gid: cap
        for gid, cap in sorted((exposure_caps or {}).items())
        if at_least(queue.sensitivity, cap.sensitivity)
    }
    caps = list(caps_by_id.values())
    aht = aht_seconds if aht_seconds and aht_seconds > q.aht_seconds else q.aht_seconds
    per_item_hours = aht / 3600
    own = {s.team for s in q.shares}
    considered: list[Lever] = []
    own_spare = spare_items_per_day(capacity, teams, queue_id, staffing, aht)
    for tid, team in sorted(teams.items()):
        # items a day an FTE's productive hours handle at the team's occupancy cap
        per_fte_items = items_per_fte_day(team, aht)
        paid_per_item = billed_per_item(team, per_item_hours, per_fte_items)
        idle_per_item = marginal_per_item(team, per_item_hours)
        spare = spare_fte(capacity, team, staffing)
        if tid in own:
            considered.append(Lever("spare", tid, own_spare[tid], idle_per_item))
            overtime = overtime_max * team.headcount_fte
            considered.append(
                Lever("overtime", tid, overtime * per_fte_items, paid_per_item * OVERTIME_PREMIUM)
            )
        elif eligible(team, queue) and spare > 0:
            considered.append(Lever("borrow", tid, spare * per_fte_items, idle_per_item))
        if team.type == "bpo" and (tid in own or eligible(team, queue)):
            surge = SURGE_MAX * team.headcount_fte
            # the surge's own people are held to the exposure caps too
            room = min((_room(cap, surge, 0.0, team, aht) for cap in caps), default=math.inf)
            considered.append(
                Lever("surge", tid, min(surge * per_fte_items, room), paid_per_item * SURGE_PREMIUM)
            )
    considered = [lever for lever in considered if lever.max_items_per_day > 0]
    # spare, borrowed and overtime hours are worked by the team's people, whose hours on
    # sensitive queues each exposure cap bounds: one limit per team and cap
    rooms = []
    for cap_id, cap in caps_by_id.items():
        for tid in sorted({v.team for v in considered if v.kind != "surge"}):
            team = teams[tid]
            figures = capacity.teams.get(tid)
            now = next(
                (
                    e.hours_per_week
                    for e in (figures.exposure if figures else ())
                    if e.guardrail == cap_id
                ),
                0.0,
            )
            rooms.append(
                ExposureRoom(cap_id, cap, tid, _room(cap, team.headcount_fte, now, team, aht))
            )
    considered.sort(key=lambda v: (v.cost_per_item, LEVERS.index(v.kind), v.team))
    needed = backlog / days + q.backlog_growth_per_day
    arrivals = q.weekly_volume / 7
    shares = {s.team: s.share_percent for s in q.shares}
    # a lever gives its week's items on the days its team works: what it gives over the
    # recovery's days, per item a day of a week's average
    workdays = {v.team: working_weekdays(teams[v.team]) for v in considered}
    period = [starts + timedelta(days=d) for d in range(days)]
    factor = {
        tid: sum(_day_factor(found, day) for day in period) for tid, found in workdays.items()
    }
    considered = [v for v in considered if factor[v.team] > 0]
    # the items a day needed (a week's average) are scaled until the days the mix's teams
    # work carry the backlog by the last day, no more and no less
    owed = backlog + q.backlog_growth_per_day * days
    for _ in range(4):
        taken, limits = _solve(considered, needed, arrivals, shares, guardrails or [], rooms)
        given = sum(x * factor[v.team] for v, x in zip(considered, taken, strict=True))
        if given <= 0 or abs(given - owed) <= owed * 1e-9 or sum(taken) < needed * (1 - 1e-7):
            break
        needed *= owed / given
    used = tuple(
        Lever(v.kind, v.team, v.max_items_per_day, v.cost_per_item, x)
        for v, x in zip(considered, taken, strict=True)
        if x > 1e-6
    )
    return RecoveryPlan(
        queue=queue_id,
        backlog=backlog,
        starts=starts,
        by=by,
        arrivals_per_day=arrivals,
        needed_per_day=needed,
        levers=used,
        considered=tuple(considered),
        shares=shares,
        limits=limits,
        staffing={
            v.team: min(1.0, (staffing or {})[v.team])
            for v in considered
            if v.kind in ("spare", "borrow") and (staffing or {}).get(v.team, 1.0) < 1
        },
        aht_seconds=aht if aht != q.aht_seconds else None,
        planned_aht_seconds=q.aht_seconds,
        growth_per_day=q.backlog_growth_per_day,
        teams={v.team: teams[v.team] for v in used},
    )


def _day_factor(workdays: frozenset[int] | None, day: date) -> float:
    """The part of a week-average day's items a team gives on ``day``: 7 / its working days
    on a day it works, none on a day it is closed."""
    if workdays is None:
        return 1.0
    return 7 / len(workdays) if day.weekday() in workdays else 0.0


@dataclass(frozen=True)
class ShareLimit:
    """A guardrail on the queue's shares: ``teams`` together take at most ``max_percent``."""

    guardrail: str
    what: str  # "vendor Helix Trust Partners", "BPO teams"
    teams: frozenset[str]
    max_percent: float


def share_limits(
    guardrails: Mapping[str, Any], teams: Mapping[str, Team], queue: Queue, suppressed: set[str]
) -> list[ShareLimit]:
    """The share guardrails that hold for ``queue``: per vendor (QP201) and, for its data
    classification, for all BPO teams (QP203); those the queue or its allocation suppress
    (codes in ``suppressed``) or the guardrail itself suppresses are left out."""
    found = []
    vendors = sorted({t.vendor for t in teams.values() if t.vendor})
    for gid, guardrail in sorted(guardrails.items()):
        if (
            guardrail.type == "max_vendor_share"
            and GUARDRAIL_CODES["max_vendor_share"] not in suppressed
        ):
            if GUARDRAIL_CODES["max_vendor_share"] in guardrail.suppress:
                continue
            for vendor in vendors:
                members = frozenset(tid for tid, t in teams.items() if t.vendor == vendor)
                found.append(ShareLimit(gid, f"vendor {vendor}", members, guardrail.max_percent))
        elif (
            guardrail.type == "max_bpo_share" and GUARDRAIL_CODES["max_bpo_share"] not in suppressed
        ):
            if (
                GUARDRAIL_CODES["max_bpo_share"] in guardrail.suppress
                or guardrail.classification != queue.data_classification
            ):
                continue
            members = frozenset(tid for tid, t in teams.items() if t.type == "bpo")
            found.append(ShareLimit(gid, "BPO teams", members, guardrail.max_percent))
    return found


def marginal_per_item(team: Team, per_item_hours: float) -> float:
    """What one more item costs in hours the team already has (its spare capacity), as the
    capacity model prices the team: nothing where its headcount is paid whatever it does
    (in-house, or billed by headcount), what it bills where it bills the work (per
    productive hour or per item). A vendor's weekly minimum is not credited."""
    bill = team.billing
    if bill is None or bill.model == "headcount":
        return 0.0
    return billed_per_item(team, per_item_hours, 0.0)


def billed_per_item(team: Team, per_item_hours: float, per_fte_items: float) -> float:
    """What one more item costs at ``team``, as it is paid: its paid hours at its hourly
    rate (headcount, or no billing), the productive hours the item takes at the team's
    occupancy cap (per productive hour), or the item itself (per item)."""
    bill = team.billing
    if bill is not None and bill.model == "per_item":
        return bill.rate
    if bill is not None and bill.model == "per_productive_hour":
        return bill.rate * per_item_hours / team.occupancy_cap
    rate = team.cost_per_hour if bill is None else bill.rate
    return team.paid_hours_per_week * rate / 7 / per_fte_items


#: shares are written to a tenth of a percent: keep this far inside a guardrail's limit
_ROUNDING_MARGIN = 0.05


@dataclass(frozen=True)
class ExposureRoom:
    """The extra items a day a team's people may take of a sensitive queue within an
    exposure cap: its hours a day per agent-day, less the hours they work already."""

    guardrail: str
    cap: ExposureCap
    team: str
    max_items_per_day: float


def _room(cap: ExposureCap, fte: float, hours_now: float, team: Team, aht: float) -> float:
    """Items a day ``fte`` of ``team`` may still take within ``cap``: its hours a week on
    duty on sensitive queues (each item takes its handle time at the occupancy cap, as the
    capacity model counts exposure) up to the cap's hours per agent-day."""
    room_hours = max(0.0, cap.max_hours_per_day * agent_days(team, fte) - hours_now)
    return room_hours / 7 / (aht / 3600 / team.occupancy_cap)


def _solve(
    levers: list[Lever],
    needed: float,
    arrivals: float,
    shares: Mapping[str, float],
    limits: list[ShareLimit],
    rooms: Sequence[ExposureRoom] = (),
) -> tuple[list[float], tuple[str, ...]]:
    """Items a day per lever: as many as needed (or as the guardrails and limits allow),
    at the least cost; and the guardrails that bind."""
    if not levers or needed <= 0:
        return [0.0] * len(levers), ()
    import numpy as np
    from scipy.optimize import linprog

    rows: list[list[float]] = []
    bounds_right: list[float] = []
    kept: list[str] = []  # what each row is, as the plan says when it binds
    for limit in limits:
        p = max(0.0, limit.max_percent - _ROUNDING_MARGIN) / 100
        inside = sum(arrivals * pct / 100 for t, pct in shares.items() if t in limit.teams)
        # inside + Σ_in x ≤ p (arrivals + Σ x); a group at or over its limit today may
        # take at most its limit of the extra items, so the recovery never adds to it
        rows.append([(1 - p) if v.team in limit.teams else -p for v in levers])
        bounds_right.append(max(0.0, p * arrivals - inside))
        kept.append(
            f"guardrail {limit.guardrail}: {limit.what} may take at most "
            f"{limit.max_percent:g}% of the queue"
        )
    for room in rooms:
        rows.append([1.0 if v.team == room.team and v.kind != "surge" else 0.0 for v in levers])
        bounds_right.append(room.max_items_per_day)
        kept.append(
            f"guardrail {room.guardrail}: {room.team}'s people may work at most "
            f"{room.cap.max_hours_per_day:g} hours a day on {room.cap.sensitivity} queues"
        )
    bounds = [(0.0, v.max_items_per_day) for v in levers]
    # a small rank keeps ties in the levers' order
    cost = np.array([v.cost_per_item + 1e-6 * i for i, v in enumerate(levers)])

    def solve(chosen: list[int]) -> tuple[list[float], float, float]:
        """Items a day per lever, the items reachable, and the cost, within ``chosen``."""
        a_ub = np.array([rows[i] for i in chosen]) if chosen else None
        b_ub = np.array([bounds_right[i] for i in chosen]) if chosen else None
        most = linprog(-np.ones(len(levers)), A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        reachable = -float(most.fun) if most.status == 0 else 0.0
        found = linprog(
            cost,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=np.ones((1, len(levers))),
            b_eq=np.array([min(needed, reachable)]),
            bounds=bounds,
            method="highs",
        )
        if found.status != 0:
            return [0.0] * len(levers), 0.0, 0.0
        taken = [max(0.0, float(x)) for x in found.x]
        return (
            taken,
            reachable,
            sum(v.cost_per_item * x for v, x in zip(levers, taken, strict=True)),
        )

    everything = list(range(len(rows)))
    taken, reachable, spent = solve(everything)
    binding = []
    for i, what in enumerate(kept):
        used = sum(a * x for a, x in zip(rows[i], taken, strict=True))
        if used < bounds_right[i] - 1e-6:
            continue
        _, more, less = solve([j for j in everything if j != i])
        if more > reachable * (1 + 1e-9) + 1e-6 or less < spent * (1 - 1e-9) - 1e-6:
            binding.append(what)
    return taken, tuple(binding)


def _percentages(work: Mapping[str, float]) -> dict[str, float]:
    """``work`` as percentages to one decimal that sum to exactly 100 (largest remainder)."""
    total = sum(work.values())
    if total <= 0:
        return {}
    tenths = {tid: 1000 * w / total for tid, w in work.items()}
    floors = {tid: math.floor(t) for tid, t in tenths.items()}
    short = 1000 - sum(floors.values())
    for tid in sorted(tenths, key=lambda t: (floors[t] - tenths[t], t))[:short]:
        floors[tid] += 1
    return {tid: f / 10 for tid, f in sorted(floors.items()) if f > 0}
