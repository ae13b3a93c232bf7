"""The week as every stage counts it: its days, and the quarter-hour step that forecasts,
actuals, shifts and the interval model share. One place, so that no two stages can
disagree on where a week starts or how finely it is cut."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: the days of a week, Monday first (``date.weekday()`` order)
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: the finest step of time qplan reads or plans in: forecasts, actuals and shifts start on
#: the quarter-hour
STEP_MINUTES = 15
#: a week in those steps
WEEK_STEPS = 7 * 24 * 60 // STEP_MINUTES


def clock_minutes(text: str) -> int:
    """Minutes since midnight of an ``HH:MM`` the file format has already checked
    (``24:00`` is 1,440: the end of a day)."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def on_the_step(text: str) -> datetime | None:
    """A date and time without a zone that falls on a quarter-hour step (as forecasts and
    interval actuals are written), or None."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None or moment.second:
        return None
    return None if moment.minute % STEP_MINUTES else moment
