"""Interval capacity: arrivals by the half-hour, teams on duty by their shifts.

A queue whose forecast names a profile is planned interval by interval over a week of
336 half-hours, in its profile's time zone:

* the week's volume is spread by the profile's weights; each interval has its traffic
  (volume × handle time ÷ 30 minutes);
* a **real-time** queue needs, in each interval, the fewest agents that reach its SLA on
  that traffic (Erlang C, or Erlang A with a patience) within the occupancy cap, and never
  fewer than ``min_agents`` while one of its teams is on duty (the queue is open);
* items go to the teams on duty in that interval, in proportion to their shares, and each
  of those teams is asked for that part of the agents;
* a team's agents on duty come from its shifts (FTE × (1 − shrinkage)), or, without shifts,
  from its headcount's paid hours spread evenly over its coverage hours, each in the team's
  own time zone. When the queues ask a team for more agents than it has on duty, each gets
  its part of those it has;
* the projected service level of an interval is Erlang's on the agents on duty there; the
  week's is weighted by volume;
* a **backlog** queue runs the fluid week of :mod:`qplan.capacity.staffing` on the
  profile's arrivals and its teams' hours on duty.

Time zones are taken at their offset on the planning day, so a week is planned as it
falls on that day's side of a daylight-saving change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from qplan.capacity.erlang import fewest_agents, meets_target
from qplan.core.calendar import STEP_MINUTES, WEEK_STEPS, WEEKDAYS, clock_minutes

if TYPE_CHECKING:
    from qplan.model.format import Profile, Team

INTERVAL_MINUTES = 30
STEPS_PER_INTERVAL = INTERVAL_MINUTES // STEP_MINUTES
WEEK_INTERVALS = WEEK_STEPS // STEPS_PER_INTERVAL  # 336 half-hours
INTERVAL_SECONDS = INTERVAL_MINUTES * 60
#: the day whose offsets plan a week when no planning day is given (northern winter time)
REFERENCE_DAY = date(2026, 1, 12)


@dataclass(frozen=True)
class ArrivalPattern:
    """A profile's week: a weight per quarter-hour from Monday 00:00 in its time zone
    (summing to 1), and a handle time per quarter-hour (0: the queue's own)."""

    profile: str
    timezone: str
    weights: tuple[float, ...]
    aht_seconds: tuple[float, ...]


def arrival_pattern(profile: Profile, forecast: Any | None = None) -> ArrivalPattern:
    """The quarter-hour week of a profile; ``forecast`` is the
    :class:`~qplan.load.forecasts.ForecastFile` of a CSV profile."""
    if profile.csv is not None:
        assert forecast is not None, "a CSV profile is planned from its forecast file"
        raw = list(forecast.volumes)
        aht = tuple(float(a) for a in forecast.aht_seconds)
    else:
        assert profile.days is not None and profile.intraday is not None
        per_slot = WEEK_STEPS // 7 // len(profile.intraday)  # 2 for half-hours, 1 for quarters
        # each list is normalised on its own first, so that tiny weights cannot underflow
        # to a week without arrivals
        days, slots = math.fsum(profile.days), math.fsum(profile.intraday)
        raw = [
            (day / days) * (slot / slots) / per_slot
            for day in profile.days
            for slot in profile.intraday
            for _ in range(per_slot)
        ]
        aht = (0.0,) * WEEK_STEPS
    total = math.fsum(raw)
    return ArrivalPattern(profile.id, profile.timezone, tuple(w / total for w in raw), aht)


@lru_cache(maxsize=1024)
def offset_steps(timezone: str, on: date | None) -> int:
    """The zone's offset from UTC on the planning day, in quarter-hours."""
    from zoneinfo import ZoneInfo

    moment = datetime.combine(on or REFERENCE_DAY, datetime.min.time()) + timedelta(hours=12)
    offset = moment.replace(tzinfo=ZoneInfo(timezone)).utcoffset() or timedelta(0)
    return round(offset.total_seconds() / 60 / STEP_MINUTES)


def shift_frame(values: Any, from_offset: int, to_offset: int) -> Any:
    """A week of quarter-hours in one zone's local time, seen in another's."""
    import numpy as np

    if isinstance(values, tuple):  # a roster or a pattern: the same few, many times
        return _shifted(values, to_offset - from_offset)
    return np.roll(np.asarray(values, dtype=float), to_offset - from_offset)


@lru_cache(maxsize=4096)
def _shifted(values: tuple[float, ...], by: int) -> Any:
    import numpy as np

    found = np.roll(np.asarray(values, dtype=float), by)
    found.flags.writeable = False
    return found


@lru_cache(maxsize=4096)
def _duty_weights(
    shifts: tuple[tuple[tuple[str, ...], str, str, float], ...],
) -> tuple[float, ...]:
    """FTE rostered per quarter-hour of the team's local week, from its shifts."""

    def step(text: str) -> int:
        return clock_minutes(text) // STEP_MINUTES

    roster = [0.0] * WEEK_STEPS
    for days, start, end, fte in shifts:
        first = step(start)
        length = (step(end) - first) % (WEEK_STEPS // 7) or WEEK_STEPS // 7
        for day in set(days):
            base = WEEKDAYS.index(day) * (WEEK_STEPS // 7) + first
            for offset in range(length):
                roster[(base + offset) % WEEK_STEPS] += fte
    return tuple(roster)


def on_duty(team: Team) -> tuple[float, ...]:
    """Agents on duty (productive, after shrinkage) per quarter-hour of the team's local
    week: its shifts, or its headcount's paid hours spread over its coverage hours."""
    shifts = tuple((tuple(sorted(s.days)), s.start, s.end, s.fte) for s in team.shifts)
    coverage = (tuple(sorted(team.coverage.days)), team.coverage.start, team.coverage.end)
    return _on_duty(shifts, coverage, team.headcount_fte, team.paid_hours_per_week, team.shrinkage)


@lru_cache(maxsize=4096)
def _on_duty(
    shifts: tuple[tuple[tuple[str, ...], str, str, float], ...],
    coverage: tuple[tuple[str, ...], str, str],
    headcount: float,
    paid_hours: float,
    shrinkage: float,
) -> tuple[float, ...]:
    available = 1 - shrinkage
    if shifts:
        return tuple(fte * available for fte in _duty_weights(shifts))
    from qplan.capacity.teams import week_mask

    mask = week_mask(*coverage)
    covered = sum(mask) * STEP_MINUTES / 60
    if covered <= 0:
        return (0.0,) * WEEK_STEPS
    agents = headcount * paid_hours * available / covered
    return tuple(agents if on else 0.0 for on in mask)


@dataclass(frozen=True)
class IntervalArrivals:
    """A week's volume spread by a pattern: per half-hour, the items, their handle time
    and the work (item-seconds); per quarter-hour, the items."""

    steps: Any
    volume: Any
    aht: Any
    work: Any


def spread(pattern: ArrivalPattern, weekly_volume: float, aht_seconds: float) -> IntervalArrivals:
    """``weekly_volume`` items over the pattern's week; a step without its own handle time
    takes ``aht_seconds`` (the queue's)."""
    import numpy as np

    steps = np.asarray(pattern.weights) * weekly_volume
    handle = np.asarray(pattern.aht_seconds)
    handle = np.where(handle > 0, handle, aht_seconds)
    pairs = (WEEK_INTERVALS, STEPS_PER_INTERVAL)
    volume = steps.reshape(pairs).sum(axis=1)
    work = (steps * handle).reshape(pairs).sum(axis=1)
    has = volume > 0
    aht = np.where(has, work / np.where(has, volume, 1.0), aht_seconds)
    return IntervalArrivals(steps, volume, aht, work)


def interval_start(index: int) -> str:
    """``mon 18:00`` for a half-hour of the week."""
    minutes = index * INTERVAL_MINUTES
    day, minute = divmod(minutes, 1440)
    return f"{WEEKDAYS[day]} {minute // 60:02d}:{minute % 60:02d}"


def to_intervals(values: Any) -> Any:
    """Quarter-hour values as half-hours: the mean of each pair."""
    import numpy as np

    return np.asarray(values, dtype=float).reshape(WEEK_INTERVALS, STEPS_PER_INTERVAL).mean(axis=1)


# --- Erlang per interval ------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangInputs:
    """What stays the same across a queue's intervals."""

    within: float
    target: float  # 0–1
    patience: float | None
    max_occupancy: float


@lru_cache(maxsize=65536)
def _meets(traffic: float, agents: int, aht: float, inputs: ErlangInputs) -> bool:
    return meets_target(
        traffic,
        agents,
        aht,
        inputs.within,
        inputs.target,
        inputs.patience,
        max_occupancy=inputs.max_occupancy,
    )


def required_agents(traffic: Any, aht: Any, inputs: ErlangInputs) -> Any:
    """The fewest agents that reach the target in each interval (0 without traffic), as an
    array of the intervals' counts.

    Required agents never fall as traffic rises (at one handle time), so the distinct
    traffic levels are taken in order and each agent count is tried once, with a bisection
    for the busiest level it still serves: a few dozen Erlang evaluations for a week. The
    week's intervals are grouped by level with NumPy, so a queue's week costs those
    evaluations, not a Python step per interval.
    """
    import numpy as np

    loads = np.asarray(traffic, dtype=float)
    seconds_of = np.asarray(aht, dtype=float)
    out = np.zeros(len(loads), dtype=int)
    busy = loads > 0
    for seconds in np.unique(seconds_of[busy]).tolist():
        here = busy & (seconds_of == seconds)
        found, at_level = np.unique(loads[here], return_inverse=True)
        levels: list[float] = found.tolist()
        needed = [0] * len(levels)
        agents = 1
        start = 0
        while start < len(levels):
            if not _meets(levels[start], agents, seconds, inputs):
                agents += 1  # usually enough: levels are close together
                if not _meets(levels[start], agents, seconds, inputs):
                    agents = fewest_agents(
                        levels[start],
                        seconds,
                        inputs.within,
                        inputs.target,
                        inputs.patience,
                        inputs.max_occupancy,
                    )
            # the busiest level these agents still serve
            low, high = start, len(levels) - 1
            while low < high:
                middle = (low + high + 1) // 2
                if _meets(levels[middle], agents, seconds, inputs):
                    low = middle
                else:
                    high = middle - 1
            needed[start : low + 1] = [agents] * (low + 1 - start)
            start = low + 1
        out[here] = np.asarray(needed, dtype=int)[at_level]
    return out


# --- backlog: the fluid week on profiled arrivals -------------------------------------------


def fluid_within(
    capacity_weights: Any, arrivals: Any, capacity_ratio: float, within_steps: float
) -> Any:
    """Per quarter-hour of the week: whether an item arriving then (mid-step) is handled
    within ``within_steps``, for a fluid FIFO queue whose week's capacity is
    ``capacity_ratio`` times its week's arrivals, spread over the steps by
    ``capacity_weights``. The second week is measured, after the backlog has emptied."""
    import numpy as np

    weights = np.asarray(capacity_weights, dtype=float)
    arriving = np.asarray(arrivals, dtype=float)
    arriving = arriving / arriving.sum()
    horizon = 2 * WEEK_STEPS + math.ceil(within_steps) + 2
    weeks = math.ceil(horizon / WEEK_STEPS)
    capacity = np.tile(weights / weights.sum() * capacity_ratio, weeks)[:horizon]
    cumulative_capacity = np.concatenate(([0.0], np.cumsum(capacity)))
    cumulative_arrivals = np.concatenate(([0.0], np.cumsum(np.tile(arriving, weeks)[:horizon])))
    departures = cumulative_capacity + np.minimum.accumulate(
        cumulative_arrivals - cumulative_capacity
    )
    steps = WEEK_STEPS + np.arange(WEEK_STEPS)
    arrived = cumulative_arrivals[steps] + arriving / 2
    done_by = np.interp(steps + 0.5 + within_steps, np.arange(horizon + 1), departures)
    return done_by >= arrived - 1e-12
