"""A queue's typical week of arrivals, re-estimated from its interval actuals: what the
``forecasts/<queue>.csv`` profile that ``qplan forecast --write`` keeps holds.

Interval actuals are in each team's own time; a profile is in one time zone. Each interval
is moved into the profile's zone, the items of the last whole weeks are summed by weekday
and time of day over the queue's teams, and divided by the weeks that had any, so the
week is a typical one (a profile's weights are relative: only its shape counts)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

#: the whole weeks of interval actuals a profile is estimated from
PROFILE_WEEKS = 8
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ArrivalProfile:
    """Items a week by (weekday, minute from 00:00) in ``zone``, at every ``step``."""

    queue: str
    zone: str
    step: int  # minutes
    weeks: int  # the weeks with interval actuals it was estimated from
    volume: dict[tuple[int, int], float]

    def csv(self) -> str:
        """The forecast CSV a profile names: every interval of the week, in order."""
        lines = ["interval_start,volume"]
        for weekday in range(7):
            for minute in range(0, 24 * 60, self.step):
                items = self.volume.get((weekday, minute), 0.0)
                lines.append(f"{_DAYS[weekday]} {minute // 60:02d}:{minute % 60:02d},{items:.1f}")
        return "\n".join(lines) + "\n"


def arrival_profiles(
    arrived: Mapping[tuple[str, str, int, int], float],
    team_zones: Mapping[str, str],
    zones: Mapping[str, str],
    until: date,
    weeks: int = PROFILE_WEEKS,
) -> dict[str, ArrivalProfile]:
    """The typical week of each queue of ``zones`` (queue → the time zone of its week)
    with interval actuals (``arrived``: items by queue, team, day ordinal and minute in
    the team's time) in the ``weeks`` whole weeks up to ``until``."""
    sums: dict[str, dict[tuple[int, int], float]] = defaultdict(lambda: defaultdict(float))
    seen: dict[str, set[int]] = defaultdict(set)
    minutes: dict[str, set[int]] = defaultdict(set)
    zone_of = {name: ZoneInfo(name) for name in {*team_zones.values(), *zones.values()}}
    windows: dict[str, tuple[datetime, datetime]] = {}
    for qid in zones:
        here = zone_of[zones[qid]]
        last_sunday = until - timedelta(days=(until.weekday() + 1) % 7)
        end = datetime.combine(last_sunday + timedelta(days=1), datetime.min.time(), here)
        windows[qid] = (end - timedelta(weeks=weeks), end)
    for (qid, team, day, minute), items in arrived.items():
        window = windows.get(qid)
        if window is None or team not in team_zones:
            continue
        local = datetime.combine(
            date.fromordinal(day), datetime.min.time(), zone_of[team_zones[team]]
        )
        moment = (local + timedelta(minutes=minute)).astimezone(zone_of[zones[qid]])
        if not window[0] <= moment < window[1]:
            continue
        at = moment.hour * 60 + moment.minute
        sums[qid][(moment.weekday(), at)] += items
        seen[qid].add((moment.date() - window[0].date()).days // 7)
        minutes[qid].add(at)
    found = {}
    for qid, volume in sums.items():
        count = len(seen[qid])
        step = 30 if all(m % 30 == 0 for m in minutes[qid]) else 15
        found[qid] = ArrivalProfile(
            qid, zones[qid], step, count, {k: v / count for k, v in sorted(volume.items())}
        )
    return found
