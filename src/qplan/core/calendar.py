"""The week as every stage counts it: its days, and the quarter-hour step that forecasts,
actuals, shifts and the interval model share. One place, so that no two stages can
disagree on where a week starts or how finely it is cut."""

from __future__ import annotations

from typing import Literal

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: the days of a week, Monday first (``date.weekday()`` order)
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: the finest step of time qplan reads or plans in: forecasts, actuals and shifts start on
#: the quarter-hour
STEP_MINUTES = 15
#: a week in those steps
WEEK_STEPS = 7 * 24 * 60 // STEP_MINUTES
