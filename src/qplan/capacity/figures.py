"""What the capacity model works out, as typed, immutable records: each share's, queue's and
team's figures, a profiled queue's week by the half-hour, exposure to sensitive content,
and the organisation's :class:`Capacity` with its totals. :mod:`qplan.capacity.staffing`
derives them; every report and command reads them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: the organisation-wide totals every report gives
#: totals over teams (all their work) and, prefixed ``queue_``, over the queues shown
TOTALS = (
    "required_fte",
    "headcount_fte",
    "weekly_cost",
    "queue_required_fte",
    "queue_weekly_cost",
)


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
class IntervalFigures:
    """A profiled queue's week in 336 half-hours from Monday 00:00 in its profile's zone."""

    profile: str
    timezone: str
    volume: tuple[float, ...]
    aht_seconds: tuple[float, ...]
    #: agents needed on duty: for the SLA, and never fewer than min_agents while open
    required_agents: tuple[int, ...]
    on_duty_agents: tuple[float, ...]
    #: percent of the interval's items handled within the SLA (None: no items or no target)
    service_level: tuple[float | None, ...]
    #: whether one of the queue's teams is on duty
    open: tuple[bool, ...]
    min_agents: int | None
    #: the agents the SLA alone needs (Erlang on the interval's traffic)
    sla_agents: tuple[int, ...] = ()
    #: by team working the queue: the agents it has on duty beyond what all its queues ask
    #: (its headroom; below 0, what it is short), by half-hour
    headroom: tuple[tuple[str, tuple[float, ...]], ...] = ()

    @property
    def required_agent_hours(self) -> float:
        from qplan.capacity.intervals import INTERVAL_MINUTES

        return sum(self.required_agents) * INTERVAL_MINUTES / 60

    @property
    def needed_for_sla(self) -> tuple[int, ...]:
        """The agents the SLA alone needs per interval (required_agents without
        min_agents, where the two are known apart)."""
        return self.sla_agents or self.required_agents

    def short_for_sla(self, i: int) -> bool:
        """Whether interval ``i`` has items and fewer agents on duty than its SLA needs."""
        return _short(self.volume[i], self.on_duty_agents[i], self.needed_for_sla[i])

    def short_of_minimum(self, i: int) -> bool:
        """Whether interval ``i`` is open with fewer than ``min_agents`` on duty."""
        least = self.min_agents
        return least is not None and _short(self.open[i], self.on_duty_agents[i], least)

    def understaffed(self) -> list[int]:
        """Intervals with items and fewer agents on duty than the SLA needs, the largest
        shortfall first (then in week order)."""
        needed, on_duty = self.needed_for_sla, self.on_duty_agents
        short = [
            i
            for i, (volume, agents, need) in enumerate(
                zip(self.volume, on_duty, needed, strict=True)
            )
            if _short(volume, agents, need)
        ]
        return sorted(short, key=lambda i: (on_duty[i] - needed[i], i))

    def below_minimum(self) -> list[int]:
        """Open intervals with fewer than ``min_agents`` on duty."""
        least = self.min_agents
        if least is None:
            return []
        return [
            i
            for i, (is_open, agents) in enumerate(zip(self.open, self.on_duty_agents, strict=True))
            if _short(is_open, agents, least)
        ]


def _short(busy: float, agents: float, needed: float) -> bool:
    """Whether an interval that has items (or is open: ``busy`` true) has fewer agents on
    duty than it needs."""
    return busy > 0 and agents + 1e-9 < needed


@dataclass(frozen=True)
class Exposure:
    """A team's hours per agent-day on queues at or above an exposure cap's sensitivity."""

    guardrail: str
    sensitivity: str
    hours_per_week: float
    hours_per_agent_day: float  # with the whole headcount sharing the work
    cap_hours: float
    needed_fte: float  # the fewest FTE who can share the work within the cap
    extra_fte: float  # what the cap and the wellness breaks add to the team's required FTE

    @property
    def over(self) -> bool:
        return self.hours_per_agent_day > self.cap_hours + 1e-9

    def contract(self) -> dict[str, Any]:
        return {
            "guardrail": self.guardrail,
            "sensitivity": self.sensitivity,
            "hours_per_week": rounded(self.hours_per_week),
            "hours_per_agent_day": rounded(self.hours_per_agent_day),
            "max_hours_per_day": rounded(self.cap_hours),
            "needed_fte": rounded(self.needed_fte),
            "extra_fte": rounded(self.extra_fte),
            "over_cap": self.over,
        }


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
    #: the week by interval of a queue whose forecast names a profile, or what works it
    #: out when first asked (a backlog queue's is needed only by reports)
    interval_source: IntervalFigures | Callable[[], IntervalFigures] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def profiled(self) -> bool:
        """Whether the queue is planned by interval (its forecast names a profile)."""
        return self.interval_source is not None

    @property
    def intervals(self) -> IntervalFigures | None:
        """The week by interval (None without a profile), worked out once."""
        source = self.interval_source
        if source is None or isinstance(source, IntervalFigures):
            return source
        found = source()
        object.__setattr__(self, "interval_source", found)
        return found

    @property
    def meets_target(self) -> bool | None:
        if self.target_sla_percent is None or self.projected_sla_percent is None:
            return None
        return self.projected_sla_percent + 1e-9 >= self.target_sla_percent

    def contract(self) -> dict[str, Any]:
        return self.summary() | {
            "shares": [
                {
                    "team": s.team,
                    "share_percent": rounded(s.share_percent),
                    "weekly_volume": rounded(s.weekly_volume),
                    "workload_hours_per_week": rounded(s.workload_hours),
                    "required_fte": rounded(s.required_fte),
                    "agents_on_duty": s.agents_on_duty,
                    "projected_sla_percent": rounded(s.projected_sla_percent),
                    "weekly_cost": rounded(s.weekly_cost),
                }
                for s in self.shares
            ],
        }

    def summary(self) -> dict[str, Any]:
        """The contract's figures of the queue itself, without its shares."""
        return {
            "queue": self.queue,
            "workflow": self.workflow,
            "arrival": self.arrival,
            "draft": self.draft,
            "weekly_volume": rounded(self.weekly_volume),
            "aht_seconds": rounded(self.aht_seconds),
            "required_fte": rounded(self.required_fte),
            "target_sla_percent": rounded(self.target_sla_percent),
            "target_within": self.target_within,
            "projected_sla_percent": rounded(self.projected_sla_percent),
            "meets_target": self.meets_target,
            "stable": self.stable,
            "backlog_growth_items_per_day": rounded(self.backlog_growth_per_day),
            "weekly_cost": rounded(self.weekly_cost),
            "cost_per_item": rounded(self.cost_per_item, 4),
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
    exposure: tuple[Exposure, ...] = ()
    #: the weekly cost that does not move with the work (headcount, or a vendor's minimum)
    #: and the part billed per productive hour or per item
    fixed_weekly_cost: float = 0.0
    variable_weekly_cost: float = 0.0

    @property
    def over_cap(self) -> bool:
        return self.required_fte > self.headcount_fte + 1e-6

    def contract(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "type": self.type,
            "vendor": self.vendor,
            "country": self.country,
            "headcount_fte": rounded(self.headcount_fte),
            "available_fte": rounded(self.available_fte),
            "required_fte": rounded(self.required_fte),
            "workload_hours_per_week": rounded(self.workload_hours),
            "productive_hours_per_week": rounded(self.productive_hours),
            "utilisation_percent": rounded(self.utilisation_percent),
            "cap_percent": rounded(self.cap_percent),
            "over_cap": self.over_cap,
            "weekly_cost": rounded(self.weekly_cost),
            "fixed_weekly_cost": rounded(self.fixed_weekly_cost),
            "variable_weekly_cost": rounded(self.variable_weekly_cost),
            "queues": list(self.queues),
            "exposure": [e.contract() for e in self.exposure],
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
                        key: {name: rounded(value) for name, value in row.items()}
                        for key, row in self.totals(by).items()
                    }
                    for by in ("workflow", "vendor", "country")
                },
                **{name: rounded(self.total(name)) for name in TOTALS},
            },
        }


def rounded(value: float | None, digits: int = 2) -> float | None:
    """A figure for a JSON contract: rounded, never -0.0; None for no figure or a non-finite one."""
    if value is None:
        return None
    if math.isinf(value) or math.isnan(value):
        return None
    rounded = round(value, digits)
    return rounded + 0.0  # no -0.0
