"""Health: what the actuals say against the plan, per queue, team and vendor, and why.

For a period, each queue's SLA attainment (items handled within the SLA over items
handled) is compared with its target, its accuracy (QA-correct over QA-sampled) with the
target's ``min_accuracy``, its weekly arrivals with the forecast and its handle time with
the planned one. A missed SLA is explained by causes from a fixed vocabulary, each with
the figure that supports it, ranked by the hours of work a week it stands for:

``volume_above_forecast``
    more arrived than the forecast: the extra items at the planned handle time;
``aht_above_plan``
    items took longer than planned: the extra seconds over the items handled;
``staffing_below_plan``
    fewer productive hours than the plan's staffing (where actuals give productive hours);
``coverage_gap``
    items arrived at a team in days or intervals when it handled none of the queue;

and a missed accuracy target by ``quality_drift``. Teams and vendors get a scorecard:
attainment and accuracy against the targets of the queues they worked (weighted by what
they handled and sampled) and productivity against plan: the productive hours the plan
allows for what they handled, over the productive hours they reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from qplan.capacity.figures import Capacity, rounded
from qplan.load.actuals import (
    ARRIVED,
    BACKLOG,
    CORRECT,
    HANDLE_SECONDS,
    HANDLED,
    HAS_HOURS,
    HOURS,
    SAMPLED,
    UNCOVERED,
    UNCOVERED_ARRIVED,
    WITHIN,
    Actuals,
)
from qplan.model.format import Queue, Target, Team

CAUSES = (
    "volume_above_forecast",
    "aht_above_plan",
    "staffing_below_plan",
    "coverage_gap",
    "quality_drift",
)
#: volume, handle time and staffing within this many percent of plan are not a cause
TOLERANCE_PERCENT = 5.0
#: the period ``health`` looks at when no --from is given: this many days up to the last
DEFAULT_DAYS = 28
IN_HOUSE = "in-house"


@dataclass(frozen=True)
class Cause:
    cause: str
    evidence: str
    #: the hours of work a week the cause stands for (what ranks the causes)
    hours_per_week: float
    #: the teams it points at (those below plan, those that left arrivals unhandled)
    teams: tuple[str, ...] = ()

    def contract(self) -> dict[str, Any]:
        return {"cause": self.cause, "evidence": self.evidence, "teams": list(self.teams)}


@dataclass
class Tally:
    """Sums over days: what arrived, was handled (within the SLA), sampled and correct."""

    arrived: float = 0.0
    handled: float = 0.0
    within: float = 0.0
    handle_seconds: float = 0.0
    sampled: float = 0.0
    correct: float = 0.0
    productive_hours: float = 0.0
    #: the handled items' hours at plan (for productivity), where hours were reported
    earned_hours: float = 0.0
    #: the productive hours the plan gives those days, where hours were reported
    planned_hours: float = 0.0
    hours_given: bool = False
    uncovered: float = 0.0
    uncovered_arrived: float = 0.0
    #: handled-weighted SLA target and sampled-weighted accuracy target (percent × items)
    sla_target_items: float = 0.0
    sla_target_weight: float = 0.0
    accuracy_target_items: float = 0.0
    accuracy_target_weight: float = 0.0

    def add(self, day: list[float]) -> None:
        self.arrived += day[ARRIVED]
        self.handled += day[HANDLED]
        self.within += day[WITHIN]
        self.handle_seconds += day[HANDLE_SECONDS]
        self.sampled += day[SAMPLED]
        self.correct += day[CORRECT]
        self.uncovered += day[UNCOVERED]
        self.uncovered_arrived += day[UNCOVERED_ARRIVED]
        if day[HAS_HOURS]:
            self.productive_hours += day[HOURS]
            self.hours_given = True

    def merge(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            if name == "hours_given":
                self.hours_given = self.hours_given or other.hours_given
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def sla_attainment_percent(self) -> float | None:
        return 100 * self.within / self.handled if self.handled else None

    @property
    def accuracy_percent(self) -> float | None:
        return 100 * self.correct / self.sampled if self.sampled else None

    @property
    def aht_seconds(self) -> float | None:
        return self.handle_seconds / self.handled if self.handled else None

    @property
    def sla_target_percent(self) -> float | None:
        if not self.sla_target_weight:
            return None
        return self.sla_target_items / self.sla_target_weight

    @property
    def accuracy_target_percent(self) -> float | None:
        if not self.accuracy_target_weight:
            return None
        return self.accuracy_target_items / self.accuracy_target_weight


def _met(figure: float | None, target: float | None) -> bool | None:
    if figure is None or target is None:
        return None
    return figure + 1e-9 >= target


@dataclass(frozen=True)
class Week:
    """Seven days of a queue from ``starts`` (the last may be shorter)."""

    starts: date
    days: int
    tally: Tally
    backlog_end: float


class _Measured:
    """Attainment and accuracy of a tally, against the targets its subclass names."""

    tally: Tally

    def targets(self) -> tuple[float | None, float | None]:
        """The SLA and accuracy targets, percent."""
        raise NotImplementedError

    @property
    def sla_attainment_percent(self) -> float | None:
        return self.tally.sla_attainment_percent

    @property
    def accuracy_percent(self) -> float | None:
        return self.tally.accuracy_percent

    @property
    def sla_met(self) -> bool | None:
        return _met(self.sla_attainment_percent, self.targets()[0])

    @property
    def accuracy_met(self) -> bool | None:
        return _met(self.accuracy_percent, self.targets()[1])

    @property
    def missed(self) -> bool:
        return self.sla_met is False or self.accuracy_met is False


@dataclass(frozen=True)
class QueueHealth(_Measured):
    queue: str
    workflow: str
    days: int
    tally: Tally
    sla_target_percent: float | None
    accuracy_target_percent: float | None
    forecast_weekly_volume: float | None
    planned_aht_seconds: float | None
    planned_hours_per_week: float | None
    backlog_start: float
    backlog_end: float
    weeks: tuple[Week, ...]
    causes: tuple[Cause, ...]
    teams: tuple[str, ...]
    #: per team that reported productive hours: (team, its productive hours on the queue
    #: in the period, the hours a week the plan gives its share), and the teams that left
    #: items unhandled on days or intervals they handled none
    team_hours: tuple[tuple[str, float, float], ...] = ()
    uncovered_teams: tuple[str, ...] = ()
    #: per team that was sampled: (team, its accuracy on the queue in the period)
    team_accuracy: tuple[tuple[str, float], ...] = ()

    def targets(self) -> tuple[float | None, float | None]:
        return self.sla_target_percent, self.accuracy_target_percent

    @property
    def weekly_arrived(self) -> float:
        return self.tally.arrived / self.days * 7 if self.days else 0.0

    @property
    def volume_vs_forecast_percent(self) -> float | None:
        if not self.forecast_weekly_volume:
            return None
        return 100 * self.weekly_arrived / self.forecast_weekly_volume

    @property
    def aht_vs_plan_percent(self) -> float | None:
        aht = self.tally.aht_seconds
        if aht is None or not self.planned_aht_seconds:
            return None
        return 100 * aht / self.planned_aht_seconds

    def contract(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "workflow": self.workflow,
            "sla_attainment_percent": rounded(self.sla_attainment_percent),
            "sla_target_percent": rounded(self.sla_target_percent),
            "sla_met": self.sla_met,
            "accuracy_percent": rounded(self.accuracy_percent),
            "accuracy_target_percent": rounded(self.accuracy_target_percent),
            "accuracy_met": self.accuracy_met,
            "volume_vs_forecast_percent": rounded(self.volume_vs_forecast_percent),
            "aht_vs_plan_percent": rounded(self.aht_vs_plan_percent),
            "backlog_start": rounded(self.backlog_start),
            "backlog_end": rounded(self.backlog_end),
            "causes": [c.contract() for c in self.causes],
        }


@dataclass(frozen=True)
class Scorecard(_Measured):
    """A team's (or a vendor's) work in the period, against the targets of its queues."""

    name: str
    vendor: str | None
    teams: tuple[str, ...]
    tally: Tally

    def targets(self) -> tuple[float | None, float | None]:
        return self.tally.sla_target_percent, self.tally.accuracy_target_percent

    @property
    def productivity_vs_plan_percent(self) -> float | None:
        t = self.tally
        if not t.hours_given or not t.productive_hours:
            return None
        return 100 * t.earned_hours / t.productive_hours

    @property
    def staffing_vs_plan_percent(self) -> float | None:
        """Productive hours reported over those the plan gives the same days."""
        t = self.tally
        if not t.hours_given or not t.planned_hours:
            return None
        return 100 * t.productive_hours / t.planned_hours

    def contract(self, key: str) -> dict[str, Any]:
        found: dict[str, Any] = {key: self.name}
        if key == "team":
            found["vendor"] = self.vendor
        else:
            found["teams"] = list(self.teams)
        return found | {
            "handled": rounded(self.tally.handled),
            "sla_attainment_percent": rounded(self.sla_attainment_percent),
            "sla_target_percent": rounded(self.tally.sla_target_percent),
            "sla_met": self.sla_met,
            "accuracy_percent": rounded(self.accuracy_percent),
            "accuracy_target_percent": rounded(self.tally.accuracy_target_percent),
            "accuracy_met": self.accuracy_met,
            "productivity_vs_plan_percent": rounded(self.productivity_vs_plan_percent),
            "staffing_vs_plan_percent": rounded(self.staffing_vs_plan_percent),
        }


@dataclass
class Health:
    starts: date
    ends: date
    queues: dict[str, QueueHealth] = field(default_factory=dict)
    teams: dict[str, Scorecard] = field(default_factory=dict)
    vendors: dict[str, Scorecard] = field(default_factory=dict)
    #: the last day any actuals give, and the day the health was assessed on: how old the
    #: newest figures are
    actuals_end: date | None = None
    today: date | None = None
    #: the launches ahead of its queues with their readiness, in a line, for the first
    #: screen of ``qplan health`` (None: none, or not asked)
    launches: str | None = None

    @property
    def measured(self) -> bool:
        """Whether the period has actuals of any item handled: without them no target can
        be said to be met."""
        return any(q.tally.handled > 0 for q in self.queues.values())

    @property
    def actuals_age_days(self) -> int | None:
        """Days from the last day of actuals to today (0: they end today)."""
        if self.actuals_end is None or self.today is None:
            return None
        return (self.today - self.actuals_end).days

    @property
    def missed(self) -> bool:
        """Whether a queue, team or vendor missed a target in the period."""
        cards = (*self.teams.values(), *self.vendors.values())
        return any(q.missed for q in self.queues.values()) or any(c.missed for c in cards)

    def contract(self) -> dict[str, Any]:
        return {
            "format_version": "1",
            "period": {"from": self.starts.isoformat(), "to": self.ends.isoformat()},
            "measured": self.measured,
            "actuals_end": None if self.actuals_end is None else self.actuals_end.isoformat(),
            "actuals_age_days": self.actuals_age_days,
            "missed": self.missed,
            "queues": [q.contract() for _, q in sorted(self.queues.items())],
            "teams": [t.contract("team") for _, t in sorted(self.teams.items())],
            "vendors": [v.contract("vendor") for _, v in sorted(self.vendors.items())],
        }


def default_period(actuals: Actuals, queues: Iterable[str] | None = None) -> tuple[date, date]:
    """The last :data:`DEFAULT_DAYS` days up to the last day the actuals give."""
    wanted = None if queues is None else set(queues)
    last = max(
        (max(days) for (qid, _), days in actuals.series.items() if wanted is None or qid in wanted),
        default=None,
    )
    span = actuals.span() or (date.today(), date.today())
    ends = span[1] if last is None else date.fromordinal(last)
    return max(ends - timedelta(days=DEFAULT_DAYS - 1), span[0]), ends


def assess(
    actuals: Actuals,
    capacity: Capacity,
    queues: Mapping[str, Queue],
    teams: Mapping[str, Team],
    targets: Mapping[str, Target],
    starts: date,
    ends: date,
    *,
    workflow: str | None = None,
    vendor: str | None = None,
) -> Health:
    """The health of every queue with actuals in ``starts``..``ends`` (both included), its
    teams and their vendors; with ``workflow``, only that workflow's queues (and their
    teams' work on them); with ``vendor``, that vendor's teams and the queues they work."""
    first, last = starts.toordinal(), ends.toordinal()
    health = Health(starts, ends)
    by_queue: dict[str, dict[str, dict[int, list[float]]]] = {}
    for (qid, tid), series in actuals.series.items():
        queue = queues.get(qid)
        if queue is None or tid not in teams:
            continue
        if workflow is not None and queue.workflow != workflow:
            continue
        by_queue.setdefault(qid, {})[tid] = series
    if vendor is not None:
        mine = {tid for tid, team in teams.items() if team.vendor == vendor}
        by_queue = {
            qid: parts
            for qid, parts in by_queue.items()
            if any(tid in mine and _any_day(s, first, last) for tid, s in parts.items())
        }
    team_tallies: dict[str, Tally] = {}
    for qid, parts in sorted(by_queue.items()):
        queue = queues[qid]
        target = targets.get(qid) or targets.get(f"workflow:{queue.workflow}")
        found = _queue_health(queue, target, parts, capacity, teams, first, last, team_tallies)
        if found is not None:
            health.queues[qid] = found
    for tid, tally in sorted(team_tallies.items()):
        team = teams[tid]
        if vendor is not None and team.vendor != vendor:
            continue
        health.teams[tid] = Scorecard(tid, team.vendor, (tid,), tally)
        if team.type == "bpo" and team.vendor:
            card = health.vendors.get(team.vendor)
            if card is None:
                card = health.vendors[team.vendor] = Scorecard(
                    team.vendor, team.vendor, (), Tally()
                )
            card.tally.merge(tally)
            object.__setattr__(card, "teams", (*card.teams, tid))
    return health


def _any_day(series: Mapping[int, list[float]], first: int, last: int) -> bool:
    return any(first <= d <= last for d in series)


def _queue_health(
    queue: Queue,
    target: Target | None,
    parts: Mapping[str, Mapping[int, list[float]]],
    capacity: Capacity,
    teams: Mapping[str, Team],
    first: int,
    last: int,
    team_tallies: dict[str, Tally],
) -> QueueHealth | None:
    planned = capacity.queues.get(queue.id)
    share_hours = {}
    share_hours_per_item = {}
    if planned is not None:
        for share in planned.shares:
            team = teams[share.team]
            hours = share.required_fte * team.paid_hours_per_week * (1 - team.shrinkage)
            share_hours[share.team] = hours
            if share.weekly_volume:
                share_hours_per_item[share.team] = hours / share.weekly_volume
    sla_target = target.sla.percent if target else None
    accuracy_target = (
        100 * target.quality.min_accuracy if target and target.quality is not None else None
    )
    tally = Tally()
    days_seen: set[int] = set()
    by_day: dict[int, Tally] = {}
    backlog_by_day: dict[int, float] = {}
    planned_hours = 0.0
    hours_teams = []
    worked = []
    team_hours = []
    uncovered_teams = []
    team_accuracy = []
    for tid, series in sorted(parts.items()):
        team_tally = Tally()
        team_days = 0
        closed = _closed_weekdays(teams[tid]) if tid in teams else frozenset()
        for day in range(first, last + 1):
            record = series.get(day)
            if record is None:
                continue
            if record[UNCOVERED] and date.fromordinal(day).weekday() in closed:
                # a day the team does not work by plan: the projection counts its items
                # waiting already, so it is no gap in coverage
                record = list(record)
                record[UNCOVERED] = record[UNCOVERED_ARRIVED] = 0.0
            team_days += 1
            days_seen.add(day)
            team_tally.add(record)
            by_day.setdefault(day, Tally()).add(record)
            backlog_by_day[day] = backlog_by_day.get(day, 0.0) + record[BACKLOG]
        if team_tally == Tally() and not any(first <= d <= last for d in series):
            continue
        worked.append(tid)
        if team_tally.uncovered:
            uncovered_teams.append(tid)
        if team_tally.accuracy_percent is not None:
            team_accuracy.append((tid, team_tally.accuracy_percent))
        if team_tally.hours_given:
            planned_hours += share_hours.get(tid, 0.0)
            hours_teams.append(tid)
            team_hours.append((tid, team_tally.productive_hours, share_hours.get(tid, 0.0)))
            per_item = share_hours_per_item.get(tid)
            if per_item is None and queue.forecast is not None:
                per_item = queue.forecast.aht_seconds / 3600 / teams[tid].occupancy_cap
            team_tally.earned_hours = team_tally.handled * (per_item or 0.0)
            team_tally.planned_hours = share_hours.get(tid, 0.0) * team_days / 7
        if sla_target is not None and team_tally.handled:
            team_tally.sla_target_items = sla_target * team_tally.handled
            team_tally.sla_target_weight = team_tally.handled
        if accuracy_target is not None and team_tally.sampled:
            team_tally.accuracy_target_items = accuracy_target * team_tally.sampled
            team_tally.accuracy_target_weight = team_tally.sampled
        tally.merge(team_tally)
        team_tallies.setdefault(tid, Tally()).merge(team_tally)
    if not days_seen:
        return None
    ordered = sorted(days_seen)
    # weekly figures are over the days the actuals cover, not the whole period asked for
    days = ordered[-1] - ordered[0] + 1
    weeks = _weeks(ordered[0], ordered[-1], by_day, backlog_by_day)
    forecast = queue.forecast
    found = QueueHealth(
        queue=queue.id,
        workflow=queue.workflow,
        days=days,
        tally=tally,
        sla_target_percent=sla_target,
        accuracy_target_percent=accuracy_target,
        forecast_weekly_volume=forecast.weekly_volume if forecast else None,
        planned_aht_seconds=forecast.aht_seconds if forecast else None,
        planned_hours_per_week=planned_hours if hours_teams else None,
        backlog_start=backlog_by_day[ordered[0]],
        backlog_end=backlog_by_day[ordered[-1]],
        weeks=weeks,
        causes=(),
        teams=tuple(worked),
        team_hours=tuple(team_hours),
        uncovered_teams=tuple(uncovered_teams),
        team_accuracy=tuple(team_accuracy),
    )
    object.__setattr__(found, "causes", tuple(_causes(found)))
    return found


def _weeks(
    first: int, last: int, by_day: Mapping[int, Tally], backlog: Mapping[int, float]
) -> tuple[Week, ...]:
    weeks = []
    for start in range(first, last + 1, 7):
        tally = Tally()
        end = min(start + 6, last)
        seen = [d for d in range(start, end + 1) if d in by_day]
        for d in seen:
            tally.merge(by_day[d])
        weeks.append(
            Week(date.fromordinal(start), end - start + 1, tally, backlog[seen[-1]] if seen else 0)
        )
    return tuple(weeks)


def _causes(q: QueueHealth) -> list[Cause]:
    """The causes of the queue's misses: the SLA's ranked by hours a week, then quality."""
    found: list[Cause] = []
    weeks = q.days / 7
    tally = q.tally
    if q.sla_met is False:
        aht_plan = q.planned_aht_seconds or 0.0
        volume = q.volume_vs_forecast_percent
        if volume is not None and volume > 100 + TOLERANCE_PERCENT:
            extra = q.weekly_arrived - (q.forecast_weekly_volume or 0.0)
            found.append(
                Cause(
                    "volume_above_forecast",
                    f"{_n(q.weekly_arrived)} items a week arrived against a forecast of "
                    f"{_n(q.forecast_weekly_volume or 0)} ({volume:.0f}%)",
                    extra * aht_plan / 3600,
                )
            )
        aht = q.aht_vs_plan_percent
        if aht is not None and aht > 100 + TOLERANCE_PERCENT:
            actual = tally.aht_seconds or 0.0
            found.append(
                Cause(
                    "aht_above_plan",
                    f"items took {actual:.1f} s against {aht_plan:g} s planned ({aht:.0f}%)",
                    tally.handled / weeks * (actual - aht_plan) / 3600,
                )
            )
        if q.planned_hours_per_week:
            actual_hours = tally.productive_hours / weeks
            ratio = 100 * actual_hours / q.planned_hours_per_week
            if ratio < 100 - TOLERANCE_PERCENT:
                below = [
                    f"{tid} {100 * hours / weeks / planned:.0f}%"
                    for tid, hours, planned in q.team_hours
                    if planned and 100 * hours / weeks / planned < 100 - TOLERANCE_PERCENT
                ]
                found.append(
                    Cause(
                        "staffing_below_plan",
                        f"{_n(actual_hours)} productive hours a week against "
                        f"{_n(q.planned_hours_per_week)} planned ({ratio:.0f}%)"
                        + (f"; below plan: {', '.join(below)}" if below else ""),
                        q.planned_hours_per_week - actual_hours,
                        tuple(t.split()[0] for t in below),
                    )
                )
        if tally.uncovered:
            found.append(
                Cause(
                    "coverage_gap",
                    f"{_n(tally.uncovered_arrived)} items arrived in "
                    f"{_n(tally.uncovered)} team-days or intervals in which the team "
                    f"handled none ({', '.join(q.uncovered_teams)})",
                    tally.uncovered_arrived / weeks * aht_plan / 3600,
                    q.uncovered_teams,
                )
            )
        found.sort(key=lambda c: (-c.hours_per_week, CAUSES.index(c.cause)))
    if q.accuracy_met is False:
        accuracy = q.accuracy_percent or 0.0
        evidence = f"accuracy {accuracy:.1f}% against the {q.accuracy_target_percent:g}% minimum"
        rated = [w.tally.accuracy_percent for w in q.weeks if w.tally.sampled]
        if len(rated) >= 2:
            evidence += f", {rated[0]:.1f}% in the first week and {rated[-1]:.1f}% in the last"
        minimum = q.accuracy_target_percent or 0.0
        under = [(tid, a) for tid, a in q.team_accuracy if a < minimum - 1e-9]
        if under:
            evidence += "; below the minimum: " + ", ".join(f"{t} {a:.1f}%" for t, a in under)
        found.append(Cause("quality_drift", evidence, 0.0, tuple(t for t, _ in under)))
    return found


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _closed_weekdays(team: Team) -> frozenset[int]:
    """The weekdays (Monday 0) on which the team's coverage or shifts have nobody on duty."""
    from qplan.capacity.teams import team_mask

    mask = team_mask(team)
    per_day = len(mask) // 7
    return frozenset(d for d in range(7) if not any(mask[d * per_day : (d + 1) * per_day]))
