"""Forecast CSVs: a profile's arrivals as volumes per interval of the week.

A forecast is a CSV file under ``forecasts/`` with the columns ``interval_start``,
``volume`` and an optional ``aht_seconds``. ``interval_start`` is a weekday and a time
(``mon 18:00``) or a date and time (``2026-12-07T18:00``), both in the profile's time
zone; dated rows are folded into the week by their weekday, so several weeks of history
make one typical week. Rows fall on the quarter-hour; each row's volume is spread over its
interval (the grid of the file: 15, 30 or 60 minutes). The file is read through the one
guarded reader, and the problems of each row are kept with its line.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from qplan.core.calendar import STEP_MINUTES, WEEK_STEPS, WEEKDAYS, on_the_step
from qplan.core.diagnostics import Diagnostic, Position

COLUMNS = ("interval_start", "volume")
OPTIONAL = ("aht_seconds",)
#: bounds of a row's figures (the file format's: a week's volume, a day's handle time)
MAX_VOLUME = 100_000_000.0
MAX_HANDLE_SECONDS = 86_400.0
CODE = "QP106"


@dataclass
class ForecastFile:
    """A forecast's week in quarter-hour steps from Monday 00:00, in the profile's zone."""

    path: str
    checksum: str
    volumes: list[float] = field(default_factory=lambda: [0.0] * WEEK_STEPS)
    #: the volume-weighted handle time of each step, 0 where the file gives none
    aht_seconds: list[float] = field(default_factory=lambda: [0.0] * WEEK_STEPS)
    problems: list[Diagnostic] = field(default_factory=list)
    rows: int = 0


def read_forecast(root: Path, path: str, *, max_bytes: int) -> ForecastFile | None:
    """The forecast at ``path`` (relative to ``root``); None when there is no such file.

    Raises :class:`qplan.load.reader.LoadError` for a file that must not or cannot be read.
    """
    from qplan.load.reader import CsvHeaderProblem, csv_header, read_csv

    found = read_csv(root, path, max_bytes=max_bytes)
    if found is None:
        return None
    checksum, reader = found
    result = ForecastFile(path, checksum)
    try:
        header = csv_header(reader)
    except CsvHeaderProblem as problem:
        result.problems.append(_problem(path, 1, problem.message))  # with the columns' hint
        return result
    names = [h.strip() for h in header or []]
    if names[:2] != list(COLUMNS) or any(n not in OPTIONAL for n in names[2:]):
        result.problems.append(
            _problem(path, 1, "the header must be interval_start,volume (then aht_seconds)")
        )
        return result
    has_aht = len(names) == 3
    rows: list[tuple[int, int, float, float]] = []  # line, minute of the week, volume, aht
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            parsed = _row(path, line, row, len(names), has_aht, result.problems)
            if parsed is None:
                continue
            key, minute, volume, aht = parsed
            if key in seen:
                result.problems.append(
                    _problem(path, line, f"repeats interval {key} (first on line {seen[key]})")
                )
                continue
            seen[key] = line
            rows.append((line, minute, volume, aht))
    except csv.Error as exc:
        result.problems.append(_problem(path, reader.line_num, f"is not CSV: {exc}"))
        return result
    result.rows = len(rows)
    if result.problems:
        return result
    if not rows or sum(r[2] for r in rows) <= 0:
        result.problems.append(_problem(path, 1, "has no volume: no item would ever arrive"))
        return result
    _fold(result, rows)
    return result


def _row(
    path: str, line: int, row: list[str], width: int, has_aht: bool, problems: list[Diagnostic]
) -> tuple[str, int, float, float] | None:
    if len(row) != width:
        problems.append(_problem(path, line, f"has {len(row)} columns, not {width}"))
        return None
    cells = [cell.strip() for cell in row]
    when = _interval_start(cells[0])
    if when is None:
        problems.append(
            _problem(
                path,
                line,
                f"interval_start {cells[0][:40]!r} is not a weekday and time (mon 18:00) or a "
                "date and time (2026-12-07T18:00) on the quarter-hour",
            )
        )
        return None
    volume = _number(cells[1], MAX_VOLUME, zero=True)
    if volume is None:
        problems.append(
            _problem(path, line, f"volume {cells[1][:40]!r} is not a number from 0 to 100000000")
        )
        return None
    aht = 0.0
    if has_aht and cells[2]:
        found = _number(cells[2], MAX_HANDLE_SECONDS, zero=False)
        if found is None:
            problems.append(
                _problem(
                    path,
                    line,
                    f"aht_seconds {cells[2][:40]!r} is not a number over 0 and at most 86400",
                )
            )
            return None
        aht = found
    return cells[0], when, volume, aht


def _interval_start(text: str) -> int | None:
    """The minute of the week (Monday 00:00 = 0) an interval starts at, or None."""
    day, _, clock = text.partition(" ")
    if day.lower() in WEEKDAYS and clock:
        hours, sep, minutes = clock.partition(":")
        if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
            return None
        h, m = int(hours), int(minutes)
        if h > 23 or m > 59 or m % STEP_MINUTES:
            return None
        return WEEKDAYS.index(day.lower()) * 1440 + h * 60 + m
    moment = on_the_step(text)
    if moment is None:
        return None
    return moment.weekday() * 1440 + moment.hour * 60 + moment.minute


def _number(text: str, top: float, *, zero: bool) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value > top or value < 0 or (value == 0 and not zero):
        return None
    return value


def _fold(result: ForecastFile, rows: list[tuple[int, int, float, float]]) -> None:
    """Spread each row's volume over the quarter-hours of its interval."""
    minutes = {r[1] % 60 for r in rows}
    width = 15 if minutes & {15, 45} else 30 if 30 in minutes else 60
    steps = width // STEP_MINUTES
    weighted = [0.0] * WEEK_STEPS
    timed = [0.0] * WEEK_STEPS
    for _, minute, volume, aht in rows:
        first = minute // STEP_MINUTES
        for offset in range(steps):
            step = (first + offset) % WEEK_STEPS
            result.volumes[step] += volume / steps
            if aht:
                weighted[step] += aht * volume / steps
                timed[step] += volume / steps
    result.aht_seconds = [
        weighted[s] / timed[s] if timed[s] > 0 else 0.0 for s in range(WEEK_STEPS)
    ]


def _problem(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic.at(
        Position(path, line, 1),
        CODE,
        f"forecast {message}",
        "columns: interval_start,volume,aht_seconds (aht_seconds may be left out)",
    )
