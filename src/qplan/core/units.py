"""Units people write figures in, and the one rule for each.

* **Percent** for targets and shares: ``sla.percent: 95``, ``--target 80``, allocation shares,
  ``max_percent``. A value of 1 or less is refused with a hint (0.85 is never meant as 0.85 %).
* **Fractions** for rates of time or items: ``shrinkage: 0.3``, ``occupancy_cap: 0.85``,
  ``min_accuracy: 0.95``, ``max_occupancy``, ``sample_rate``, ``--shrinkage``. A value above 1
  is refused with a hint (30 is never meant as 3,000 %).
"""

from __future__ import annotations

import math

from qplan.core.errors import UsageError


def check_percent(value: float, option: str, what: str) -> float:
    """A percentage from the command line: over 1 and at most 100."""
    if not math.isfinite(value) or value > 100 or value <= 0:
        raise UsageError(f"{option} {value:g}: {what} is a percentage from 1 to 100")
    if value <= 1:
        raise UsageError(
            f"{option} {value:g}: {what} is a percentage, not a fraction; "
            f"did you mean {value * 100:g} %? (write {option} {value * 100:g})"
        )
    return value


def check_fraction(value: float, option: str, what: str, *, below_one: bool = False) -> float:
    """A fraction from the command line: from 0 to 1 (below 1 with ``below_one``)."""
    if not math.isfinite(value) or value < 0:
        raise UsageError(f"{option} {value:g}: {what} is a fraction from 0 to 1")
    if value > 1 or (below_one and value == 1):
        hint = (
            f"; did you mean {value / 100:g}? (write {option} {value / 100:g})"
            if value <= 100
            else ""
        )
        raise UsageError(
            f"{option} {value:g}: {what} is a fraction from 0 to 1, not a percentage{hint}"
        )
    return value


def plural(count: float, noun: str) -> str:
    """``1 agent``, ``2 agents``."""
    return f"{count:g} {noun}" if count == 1 else f"{count:g} {noun}s"


def items_a_day(count: float) -> str:
    """How fast a backlog grows: ``1,234 items a day``, ``1 item a day``, and below one
    half, ``less than 1 item a day`` (not ``0 items``)."""
    if count < 0.5:
        return "less than 1 item a day"
    return f"{count:,.0f} {'item' if round(count) == 1 else 'items'} a day"
