"""A backlog at today's staffing: the days to clear it with the spare capacity the queue's
teams have, and the extra FTE that clears it in a given time (``capacity --backlog``).
``qplan recover`` plans the cheapest recovery itself (:mod:`qplan.capacity.recovery`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qplan.capacity.figures import Capacity, rounded
from qplan.capacity.teams import productive_hours_per_fte

if TYPE_CHECKING:
    from qplan.model.format import Team


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
            "backlog_items": rounded(self.backlog_items),
            "spare_items_per_day": rounded(self.spare_items_per_day),
            "days_to_recover": rounded(self.days_to_recover),
            "recover_in_days": rounded(self.recover_in_days),
            "extra_fte": rounded(self.extra_fte),
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
    hours_per_fte = 0.0
    for s in q.shares:
        team = teams[s.team]
        hours_per_fte += s.share_percent / 100 * productive_hours_per_fte(team) * team.occupancy_cap
    spare_per_day = sum(spare_items_per_day(capacity, teams, queue_id).values())
    days = backlog / spare_per_day if spare_per_day > 1e-9 else None
    needed_per_day = backlog / recover_in_days - spare_per_day
    extra_hours_per_week = max(0.0, needed_per_day) * 7 * q.aht_seconds / 3600
    extra = extra_hours_per_week / hours_per_fte if hours_per_fte else math.inf
    return Recovery(queue_id, backlog, spare_per_day, days, recover_in_days, extra)


def items_per_fte_day(team: Team, aht_seconds: float) -> float:
    """Items of ``aht_seconds`` an FTE of ``team`` handles a day at its occupancy cap."""
    return productive_hours_per_fte(team) / 7 * team.occupancy_cap / (aht_seconds / 3600)


def spare_items_per_day(
    capacity: Capacity,
    teams: Mapping[str, Team],
    queue_id: str,
    staffing: Mapping[str, float] | None = None,
    aht_seconds: float | None = None,
) -> dict[str, float]:
    """Per team of the queue: the items of the queue a day its spare capacity could handle,
    its headcount (times the share of planned hours the actuals show it working, when
    ``staffing`` gives one below 1) above the FTE all its queues need, at its occupancy cap.
    The one measure of spare capacity: ``capacity --backlog`` and ``recover`` both use it.
    ``aht_seconds`` is what an item takes (default: the queue's planned handle time)."""
    q = capacity.queues[queue_id]
    aht = aht_seconds or q.aht_seconds
    found = {}
    for s in q.shares:
        team = teams[s.team]
        spare = spare_fte(capacity, team, staffing)
        found[s.team] = spare * items_per_fte_day(team, aht) if aht else 0.0
    return found


def spare_fte(capacity: Capacity, team: Team, staffing: Mapping[str, float] | None = None) -> float:
    """The team's headcount (times the share of planned hours the actuals show it working,
    when ``staffing`` gives one below 1) above the FTE all its queues need."""
    figures = capacity.teams.get(team.id)
    required = figures.required_fte if figures else 0.0
    staffed = min(1.0, (staffing or {}).get(team.id, 1.0))
    return max(0.0, team.headcount_fte * staffed - required)
