"""Actuals: what happened, per day (or interval), queue and team, read from CSV.

Actuals are CSV files under ``actuals/`` (any depth). Each row is one day (column ``date``)
or one interval (column ``interval_start``, a date and time on the quarter-hour in the
team's local time) of one queue at one team::

    date,queue,team,arrived,handled,handled_within_sla,backlog_end,aht_seconds,qa_sampled,qa_correct,productive_hours
    2026-11-02,sv-hate-speech-en,us-austin,4790,4812,4650,1200,41.5,240,231,61.5

``productive_hours`` may be left out. Columns may come in any order. Files are read one at
a time through the one guarded reader and folded into per-day totals as the rows stream
by, so a file's rows are never all held at once; the problems of each row are kept with
its line and column (QP107). Whether the queue and team exist, and whether a series skips
days, is for the check stage, which knows the organisation.
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from qplan.core.calendar import on_the_step
from qplan.core.diagnostics import Diagnostic, Position

COUNTS = (
    "arrived",
    "handled",
    "handled_within_sla",
    "backlog_end",
    "qa_sampled",
    "qa_correct",
)
REQUIRED = ("queue", "team", *COUNTS, "aht_seconds")
OPTIONAL = ("productive_hours",)
WHEN = ("date", "interval_start")
#: bounds of one row's figures: items in a day, a handle time, hours of a queue at a team
MAX_COUNT = 1_000_000_000
MAX_HANDLE_SECONDS = 86_400.0
MAX_HOURS = 1_000_000.0
CODE = "QP107"
HINT = (
    "columns: date (or interval_start),queue,team,arrived,handled,handled_within_sla,"
    "backlog_end,aht_seconds,qa_sampled,qa_correct[,productive_hours]"
)

# The figures of one day of one queue at one team, by index into a Day list.
ARRIVED, HANDLED, WITHIN, BACKLOG, HANDLE_SECONDS, SAMPLED, CORRECT, HOURS = range(8)
#: whether productive_hours was given; intervals seen; the intervals (or the day) with
#: arrivals and nothing handled, and what arrived in them; the minute of the day whose
#: backlog_end the day carries; file and line
HAS_HOURS, INTERVALS, UNCOVERED, UNCOVERED_ARRIVED, LAST_MINUTE, FILE, LINE = range(8, 15)
FIELDS = 15
Day = list[float]


@dataclass
class Actuals:
    """Every actuals file, folded into days: ``series[(queue, team)][date ordinal]``."""

    files: list[str] = field(default_factory=list)
    series: dict[tuple[str, str], dict[int, Day]] = field(default_factory=dict)
    #: where each queue and team name first appears, for the check stage's references
    queue_names: dict[str, Position] = field(default_factory=dict)
    team_names: dict[str, Position] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    rows: int = 0
    #: items arrived in each interval row, by (queue, team, day, minute from 00:00 in the
    #: team's time), which also finds an interval given twice
    interval_arrived: dict[tuple[str, str, int, int], float] = field(
        default_factory=dict, repr=False
    )

    @property
    def empty(self) -> bool:
        return not self.series

    def span(self) -> tuple[date, date] | None:
        """The first and last day any row gives."""
        days = [d for series in self.series.values() for d in (min(series), max(series))]
        if not days:
            return None
        return date.fromordinal(int(min(days))), date.fromordinal(int(max(days)))

    def position(self, day: Day) -> Position:
        return Position(self.files[int(day[FILE])], int(day[LINE]), 1)


def dated_after(found: Actuals, queue: str, team: str, today: date) -> Diagnostic | None:
    """QP107 when the series of ``queue`` at ``team`` has a day after ``today`` (actuals
    record what happened), at the row of its last day; None when it has none."""
    series = found.series[(queue, team)]
    last = max(series)
    if last <= today.toordinal():
        return None
    return _problem(
        found.position(series[last]),
        f"for {queue[:80]} at {team[:80]} are dated {date.fromordinal(last).isoformat()}, "
        f"after today ({today})",
        "actuals record what happened: check the date column",
    )


def read_actuals(root: Path, files: list[Path], *, max_bytes: int) -> Actuals:
    """Read every actuals file (paths under ``root``), in order; a file that must not or
    cannot be read (too large, not UTF-8, outside the repository) is one problem, and the
    others are still read."""
    from qplan.load.reader import LoadError, relative_name

    found = Actuals()
    engine = None  # one DuckDB connection for every Parquet file (it takes ~15 ms to open)
    try:
        for file in files:
            try:
                if file.suffix == ".parquet":
                    from qplan.load.actuals_parquet import open_engine, read_parquet

                    engine = engine or open_engine()
                    read_parquet(found, root, relative_name(file, root), max_bytes, engine)
                else:
                    _read_file(found, root, relative_name(file, root), max_bytes)
            except LoadError as exc:
                found.problems.append(exc.diagnostic)
    finally:
        if engine is not None:
            engine.close()
    return found


def _read_file(found: Actuals, root: Path, path: str, max_bytes: int) -> None:
    from qplan.load.reader import CsvHeaderProblem, csv_header, read_csv

    opened = read_csv(root, path, max_bytes=max_bytes)
    if opened is None:
        return
    _, reader = opened
    try:
        header = csv_header(reader)
    except CsvHeaderProblem as problem:
        found.files.append(path)
        found.problems.append(_problem(Position(path), problem.message, problem.hint))
        return
    rows = ((reader.line_num, row) for row in reader)
    try:
        read_rows(found, path, [h.strip() for h in header or []], rows)
    except csv.Error as exc:
        found.problems.append(_problem(Position(path, reader.line_num), f"is not CSV: {exc}", HINT))


def read_rows(
    found: Actuals,
    path: str,
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    *,
    cells: bool = False,
) -> None:
    """Fold a source's rows into ``found``: ``header``, the column names, and ``rows``,
    each with the line it is on (a row number where the source has no lines). With
    ``cells``, a problem's column is the cell's (1 for the first), not the character's."""
    index = len(found.files)
    found.files.append(path)
    columns = _columns(path, header, found.problems)
    if columns is None:
        return
    fast = _Fast.of(columns)
    days: dict[str, int] = {}
    for line, row in rows:
        if fast is not None and fast.take(found, index, line, row, days):
            continue
        if not row or all(not cell.strip() for cell in row):
            continue
        _row(found, path, index, line, row, columns, cells)


class _Fast:
    """The common case, quickly: a daily row of plain figures, well within bounds, for a
    queue, team and day not seen before. Anything else goes to :func:`_row`, which finds
    and words the problem (or takes the row)."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.width = len(columns)
        self.when = columns["date"]
        self.queue, self.team = columns["queue"], columns["team"]
        self.counts = [columns[name] for name in COUNTS]
        self.aht = columns["aht_seconds"]
        self.hours = columns.get("productive_hours")

    @classmethod
    def of(cls, columns: dict[str, int]) -> _Fast | None:
        return cls(columns) if "date" in columns else None

    def take(
        self, found: Actuals, index: int, line: int, row: list[str], days: dict[str, int]
    ) -> bool:
        """Whether the row was taken."""
        if len(row) != self.width:
            return False
        text = row[self.when]
        day = days.get(text)
        if day is None:
            parsed = _day(text)
            if parsed is None or len(days) > 10_000:
                return False
            day = days[text] = parsed[0]
        values = []
        for i in self.counts:
            cell = row[i]
            if not (cell.isdigit() and cell.isascii() and len(cell) < 10):
                return False
            values.append(int(cell))
        arrived, handled, within, backlog, sampled, correct = values
        if within > handled or correct > sampled or sampled > handled:
            return False
        try:
            aht = float(row[self.aht])
            hours = float(row[self.hours]) if self.hours is not None else None
        except ValueError:
            return False
        if not 0 < aht <= MAX_HANDLE_SECONDS and not (aht == 0 and handled == 0):
            return False
        if hours is not None and not 0 <= hours <= MAX_HOURS:
            return False
        queue, team = row[self.queue], row[self.team]
        if not queue or not team or queue.strip() != queue or team.strip() != team:
            return False
        series = found.series.get((queue, team))
        if series is None:
            if queue not in found.queue_names or team not in found.team_names:
                return False  # the careful path records where the name first appears
            series = found.series[(queue, team)] = {}
        elif day in series:
            return False
        record = [0.0] * FIELDS
        record[ARRIVED], record[HANDLED], record[WITHIN], record[BACKLOG] = (
            arrived,
            handled,
            within,
            backlog,
        )
        record[HANDLE_SECONDS], record[SAMPLED], record[CORRECT] = handled * aht, sampled, correct
        if hours is not None:
            record[HOURS], record[HAS_HOURS] = hours, 1.0
        if arrived > 0 and handled == 0:
            record[UNCOVERED], record[UNCOVERED_ARRIVED] = 1.0, arrived
        record[LAST_MINUTE], record[FILE], record[LINE] = -1.0, float(index), float(line)
        series[day] = record
        found.rows += 1
        return True


def _columns(path: str, names: list[str], problems: list[Diagnostic]) -> dict[str, int] | None:
    """Column name → index, or None (with the problems) when the header is not usable."""
    where = Position(path)
    if not names:
        problems.append(_problem(where, "is empty: it needs a header row", HINT))
        return None
    known = (*WHEN, *REQUIRED, *OPTIONAL)
    bad = False
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else HINT
            problems.append(_problem(where, f"has an unknown column {name[:40]!r}", hint))
            bad = True
    repeated = sorted({n for n in names if names.count(n) > 1})
    for name in repeated:
        problems.append(_problem(where, f"repeats the column {name[:40]!r}"))
        bad = True
    when = [n for n in WHEN if n in names]
    if len(when) != 1:
        problems.append(
            _problem(where, "needs exactly one of the columns date and interval_start", HINT)
        )
        bad = True
    for name in REQUIRED:
        if name not in names:
            problems.append(_problem(where, f"has no column {name}", HINT))
            bad = True
    return None if bad else {name: i for i, name in enumerate(names)}


def _row(
    found: Actuals,
    path: str,
    index: int,
    line: int,
    row: list[str],
    columns: dict[str, int],
    cells_placed: bool = False,
) -> None:
    def at(name: str) -> Position:
        i = columns[name]
        if cells_placed:
            return Position(path, line, i + 1)
        return Position(path, line, 1 + sum(len(c) + 1 for c in row[:i]))

    if len(row) != len(columns):
        found.problems.append(
            _problem(Position(path, line), f"has {len(row)} columns, not {len(columns)}", HINT)
        )
        return
    cells = {name: row[i].strip() for name, i in columns.items()}
    problems = found.problems
    daily = "date" in columns
    when = _day(cells["date"]) if daily else _interval(cells["interval_start"])
    if when is None:
        problems.append(
            _problem(
                at("date" if daily else "interval_start"),
                f"date {cells['date'][:40]!r} is not a date like 2026-11-02 (from 2000 to 2199)"
                if daily
                else f"interval_start {cells['interval_start'][:40]!r} is not a date and time "
                "on the quarter-hour like 2026-11-02T18:15 (from 2000 to 2199)",
            )
        )
        return
    day, minute = when
    queue, team = cells["queue"], cells["team"]
    for name in ("queue", "team"):
        if not cells[name]:
            problems.append(_problem(at(name), f"has no {name}"))
            return
    counts: dict[str, int] = {}
    for name in COUNTS:
        value = _count(cells[name])
        if value is None:
            problems.append(
                _problem(
                    at(name),
                    f"{name} {cells[name][:40]!r} is not a whole number from 0 to {MAX_COUNT:,}",
                )
            )
            return
        counts[name] = value
    aht = _number(cells["aht_seconds"] or "0", MAX_HANDLE_SECONDS)
    if aht is None:
        problems.append(
            _problem(
                at("aht_seconds"),
                f"aht_seconds {cells['aht_seconds'][:40]!r} is not a number from 0 to 86400",
            )
        )
        return
    hours: float | None = None
    if "productive_hours" in columns and cells["productive_hours"]:
        hours = _number(cells["productive_hours"], MAX_HOURS)
        if hours is None:
            problems.append(
                _problem(
                    at("productive_hours"),
                    f"productive_hours {cells['productive_hours'][:40]!r} is not a number "
                    f"from 0 to {MAX_HOURS:,.0f}",
                )
            )
            return
    for part, whole in (
        ("handled_within_sla", "handled"),
        ("qa_correct", "qa_sampled"),
        ("qa_sampled", "handled"),
    ):
        if counts[part] > counts[whole]:
            problems.append(
                _problem(
                    at(part),
                    f"{part} ({counts[part]:,}) is more than {whole} ({counts[whole]:,})",
                    "a part cannot exceed its whole: check the columns are not swapped",
                )
            )
            return
    if counts["handled"] > 0 and aht == 0:
        problems.append(_problem(at("aht_seconds"), "aht_seconds is 0 but items were handled"))
        return
    if minute >= 0:
        key = (queue, team, day, minute)
        if key in found.interval_arrived:
            problems.append(
                _problem(
                    Position(path, line),
                    f"repeats {queue[:80]} at {team[:80]} at {cells['interval_start'][:40]}",
                    "give each queue, team and interval one row",
                )
            )
            return
        found.interval_arrived[key] = counts["arrived"]
    found.queue_names.setdefault(queue, at("queue"))
    found.team_names.setdefault(team, at("team"))
    series = found.series.setdefault((queue, team), {})
    record = series.get(day)
    if record is None:
        record = [0.0] * FIELDS
        record[LAST_MINUTE], record[FILE], record[LINE] = -1.0, float(index), float(line)
        series[day] = record
    elif minute < 0 or record[INTERVALS] == 0:
        problems.append(
            _problem(
                Position(path, line),
                f"repeats {queue[:80]} at {team[:80]} on {date.fromordinal(day).isoformat()} "
                f"(first on {found.files[int(record[FILE])]}:{int(record[LINE])})",
                "give a day either one daily row or its interval rows, once",
            )
        )
        return
    found.rows += 1
    record[ARRIVED] += counts["arrived"]
    record[HANDLED] += counts["handled"]
    record[WITHIN] += counts["handled_within_sla"]
    record[HANDLE_SECONDS] += counts["handled"] * aht
    record[SAMPLED] += counts["qa_sampled"]
    record[CORRECT] += counts["qa_correct"]
    if hours is not None:
        record[HOURS] += hours
        record[HAS_HOURS] = 1.0
    if minute >= 0:
        record[INTERVALS] += 1
    if counts["arrived"] > 0 and counts["handled"] == 0:
        record[UNCOVERED] += 1
        record[UNCOVERED_ARRIVED] += counts["arrived"]
    if minute >= record[LAST_MINUTE]:
        record[LAST_MINUTE] = float(minute)
        record[BACKLOG] = counts["backlog_end"]


#: the days actuals may fall on: every figure worked out from them (periods of weeks
#: before and after) stays a date
FIRST_DAY = date(2000, 1, 1).toordinal()
LAST_DAY = date(2199, 12, 31).toordinal()


def _day(text: str) -> tuple[int, int] | None:
    if len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text).toordinal()
    except ValueError:
        return None
    return (day, -1) if FIRST_DAY <= day <= LAST_DAY else None


def _interval(text: str) -> tuple[int, int] | None:
    moment = on_the_step(text)
    if moment is None:
        return None
    day = moment.date().toordinal()
    return (day, moment.hour * 60 + moment.minute) if FIRST_DAY <= day <= LAST_DAY else None


def _count(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if value <= MAX_COUNT else None


def _number(text: str, top: float) -> float | None:
    if len(text) > 40:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0 or value > top:
        return None
    return value


def _problem(position: Position, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic.at(position, CODE, f"actuals {message}", hint)
