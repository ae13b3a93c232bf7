"""A team's working week: the hours its coverage (or its shifts) cover, step by step, the
part of a queue's arrivals that falls in them, and what an FTE of the team produces and
costs under its billing model."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

from qplan.core.calendar import STEP_MINUTES, WEEK_STEPS, WEEKDAYS, clock_minutes

if TYPE_CHECKING:
    from qplan.model.format import Team


STEPS_PER_HOUR = 60 // STEP_MINUTES


def covered_hours(team: Team) -> float:
    """Hours a week the team is on duty: its shifts' hours, or its coverage."""
    if team.shifts:
        return sum(team_mask(team)) / STEPS_PER_HOUR
    return len(set(team.coverage.days)) * team.coverage.hours_per_day


@lru_cache(maxsize=4096)
def week_mask(days: tuple[str, ...], start: str, end: str) -> tuple[bool, ...]:
    """Which 15-minute steps of a Monday-to-Sunday week the team works."""

    def step(text: str) -> int:
        return round(clock_minutes(text) / (60 / STEPS_PER_HOUR))

    mask = [False] * WEEK_STEPS
    per_day = 24 * STEPS_PER_HOUR
    for day in set(days):
        base = WEEKDAYS.index(day) * per_day
        for s in range(step(start), step(end)):
            mask[base + s] = True
    return tuple(mask)


@lru_cache(maxsize=1024)
def _on_duty_mask(duty: tuple[float, ...]) -> tuple[bool, ...]:
    return tuple(agents > 0 for agents in duty)


def team_mask(team: Team) -> tuple[bool, ...]:
    """The 15-minute steps of its local week the team is on duty (shifts, or coverage)."""
    if team.shifts:
        from qplan.capacity.intervals import on_duty

        return _on_duty_mask(on_duty(team))
    c = team.coverage
    return week_mask(tuple(sorted(c.days)), c.start, c.end)


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


def productive_hours_per_fte(team: Team) -> float:
    return team.paid_hours_per_week * (1 - team.shrinkage)


#: the days a week an FTE is on duty: exposure caps are hours per agent-day
WORKDAYS_PER_WEEK = 5


def agent_days(team: Team, fte: float = 1.0) -> float:
    """The agent-days on duty a week of ``fte`` of ``team``, its shrinkage taken out."""
    return WORKDAYS_PER_WEEK * (1 - team.shrinkage) * fte


def team_costs(team: Team, required_fte: float, items: float) -> tuple[float, float, float]:
    """(fixed, variable, total) weekly cost of a team whose queues need ``required_fte``
    and hand it ``items`` a week: its headcount's paid hours at its rate (fixed), or
    (billed per productive hour or per item) what it bills (variable) and what its weekly
    minimum adds to that (fixed)."""
    bill = team.billing
    if bill is None or bill.model == "headcount":
        rate = team.cost_per_hour if bill is None else bill.rate
        fixed = team.headcount_fte * team.paid_hours_per_week * rate
        return fixed, 0.0, fixed
    usage = required_fte * productive_hours_per_fte(team)
    variable = bill.rate * (usage if bill.model == "per_productive_hour" else items)
    top_up = max(0.0, bill.minimum_weekly - variable)  # what the minimum adds
    return top_up, variable, top_up + variable


def share_cost(team: Team, required_fte: float, items: float) -> float:
    """What one share of a queue costs a week: the paid hours of the FTE it needs, or
    (billed per productive hour or per item) what it is billed, before any minimum."""
    bill = team.billing
    if bill is None or bill.model == "headcount":
        rate = team.cost_per_hour if bill is None else bill.rate
        return required_fte * team.paid_hours_per_week * rate
    if bill.model == "per_productive_hour":
        return bill.rate * required_fte * productive_hours_per_fte(team)
    return bill.rate * items


def working_weekdays(team: Team) -> frozenset[int]:
    """The days of the week (0 Monday … 6 Sunday) the team has anyone on duty, in its time."""
    mask = team_mask(team)
    per_day = len(mask) // 7
    return frozenset(d for d in range(7) if any(mask[d * per_day : (d + 1) * per_day]))
