"""The fluid week of a profiled backlog queue: whether each quarter-hour's items are handled
within the SLA at the capacity its teams give it, and its week by half-hour for
``capacity --intervals`` (see :mod:`qplan.capacity.staffing`)."""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from qplan.capacity.figures import IntervalFigures, ShareCapacity
from qplan.capacity.teams import STEPS_PER_HOUR
from qplan.core.calendar import STEP_MINUTES, WEEK_STEPS

if TYPE_CHECKING:
    from qplan.capacity.intervals import ArrivalPattern
    from qplan.capacity.staffing import Share


def occupancy_cap(share: Share) -> float:
    """The share's occupancy cap: its team's, or its target's when lower."""
    cap = share.team.occupancy_cap
    if share.target is not None and share.target.max_occupancy is not None:
        cap = min(cap, share.target.max_occupancy)
    return cap


@lru_cache(maxsize=4096)
def _fluid_flags(
    duty: tuple[float, ...], pattern: ArrivalPattern, shift: int, ratio: float, within_hours: float
) -> tuple[tuple[float, ...], tuple[bool, ...]]:
    """A profiled backlog share's week in the team's local quarter-hours: the arrivals and
    whether each step's items are handled within the SLA."""
    from qplan.capacity.intervals import fluid_within, shift_frame

    arrivals = shift_frame(pattern.weights, 0, shift)
    if sum(duty) <= 0 or ratio <= 1:
        return tuple(arrivals.tolist()), (False,) * len(duty)
    flags = fluid_within(duty, arrivals, ratio, within_hours * STEPS_PER_HOUR)
    return tuple(arrivals.tolist()), tuple(flags.tolist())


def profiled_backlog(share: Share, ratio: float, within_hours: float, on: date | None) -> float:
    """Share (0–1) of a profiled backlog share's items handled within the SLA."""
    from qplan.capacity.intervals import offset_steps, on_duty

    assert share.pattern is not None
    shift = offset_steps(share.team.timezone, on) - offset_steps(share.pattern.timezone, on)
    arrivals, flags = _fluid_flags(
        on_duty(share.team), share.pattern, shift, round(min(ratio, 1e6), 6), within_hours
    )
    return _within_share(arrivals, flags)


@lru_cache(maxsize=4096)
def _within_share(arrivals: tuple[float, ...], flags: tuple[bool, ...]) -> float:
    return math.fsum(a for a, f in zip(arrivals, flags, strict=True) if f)


def backlog_intervals(
    parts: list[Share],
    weekly_volume: float,
    shares: list[ShareCapacity],
    on: date | None,
) -> IntervalFigures:
    """A profiled backlog queue's week by interval: the agents its arrivals need at the
    occupancy cap, those its teams give it, and the share handled within the SLA."""
    import numpy as np

    from qplan.capacity import intervals as iv

    pattern, queue, target = parts[0].pattern, parts[0].queue, parts[0].target
    forecast = queue.forecast
    assert pattern is not None and forecast is not None
    offset = iv.offset_steps(pattern.timezone, on)
    arrivals = iv.spread(pattern, weekly_volume, forecast.aht_seconds)
    steps, volume, aht, work = arrivals.steps, arrivals.volume, arrivals.aht, arrivals.work
    pairs = (iv.WEEK_INTERVALS, iv.STEPS_PER_INTERVAL)
    cap = min(occupancy_cap(p) for p in parts)
    required = np.ceil(work / iv.INTERVAL_SECONDS / cap - 1e-9)
    on_duty = np.zeros(iv.WEEK_INTERVALS)
    within = np.zeros(WEEK_STEPS)
    is_open = np.zeros(iv.WEEK_INTERVALS, dtype=bool)
    for p, part in zip(parts, shares, strict=True):
        team_offset = iv.offset_steps(p.team.timezone, on)
        duty = iv.shift_frame(iv.on_duty(p.team), team_offset, offset)
        is_open |= iv.to_intervals(duty) > 1e-9
        if duty.sum() > 0 and math.isfinite(part.capacity_ratio):
            hours = min(part.capacity_ratio, 1e6) * p.workload / occupancy_cap(p)
            on_duty += iv.to_intervals(duty / duty.sum() * hours * 60 / STEP_MINUTES)
        if target is not None and part.stable:
            _, flags = _fluid_flags(
                iv.on_duty(p.team),
                pattern,
                team_offset - offset,
                round(min(part.capacity_ratio, 1e6), 6),
                target.sla.within.hours,
            )
            within += (
                p.percent
                / 100
                * iv.shift_frame(np.asarray(flags, dtype=float), team_offset, offset)
            )
    handled = (steps * within).reshape(pairs).sum(axis=1)
    return IntervalFigures(
        profile=pattern.profile,
        timezone=pattern.timezone,
        volume=tuple(volume.tolist()),
        aht_seconds=tuple(aht.tolist()),
        required_agents=tuple(required.astype(int).tolist()),
        on_duty_agents=tuple(on_duty.tolist()),
        service_level=tuple(
            100 * float(h / v) if v > 0 and target is not None else None
            for h, v in zip(handled, volume, strict=True)
        ),
        open=tuple(is_open.tolist()),
        min_agents=queue.min_agents,
    )
