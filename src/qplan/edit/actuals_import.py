"""``qplan actuals import``: exports from a review tool (CSV, columns in any order, a row a
day or an interval) turned into typed Parquet files under actuals/, a file a month, with
the rows that break a rule of actuals left out and named at their line.

Each export is read through the one guarded reader (a regular file, at most the ceiling of
``max_file_bytes``) and checked by the rules every actuals file is checked by; the rows
that pass are written in the documented column order with their types (``date`` a DATE,
``interval_start`` a TIMESTAMP, counts BIGINT, times and hours DOUBLE) to
``actuals/<name>-<YYYY-MM>.parquet``, so importing the same export again writes the same
files, not more rows."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from qplan.core.diagnostics import Diagnostic
from qplan.load.actuals import (
    COUNTS,
    OPTIONAL,
    REQUIRED,
    WHEN,
    Actuals,
    dated_after,
    read_rows,
)
from qplan.load.actuals_parquet import MIN_ROW_BYTES
from qplan.load.settings import CEILINGS, Settings

#: the largest export read: the largest file qplan reads
MAX_IMPORT_BYTES = CEILINGS["max_file_bytes"]
#: the most files (months) one export is written to
MAX_MONTHS = 120


@dataclass
class Imported:
    """What one export became."""

    export: str
    kept: int = 0
    rejected: int = 0
    written: list[str] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    #: the rows kept, in the documented column order, by month (YYYY-MM)
    columns: list[str] = field(default_factory=list, repr=False)
    months: dict[str, list[list[str]]] = field(default_factory=dict, repr=False)
    stem: str = "actuals"

    def contract(self) -> dict[str, object]:
        return {
            "export": self.export,
            "kept": self.kept,
            "rejected": self.rejected,
            "written": self.written,
            "problems": [d.as_json() for d in self.problems],
        }


def import_exports(
    settings: Settings, exports: Sequence[str], *, skip_bad_rows: bool = False
) -> list[Imported]:
    """Import each export into ``actuals/``: none at all when a row of any breaks a rule
    or one cannot be read (not there, not a regular file, too large, not UTF-8), unless
    ``skip_bad_rows`` (then the others)."""
    from qplan.core.errors import ConfigError
    from qplan.core.output import refuse_links

    found = [_read(Path(export), settings) for export in exports]
    if not skip_bad_rows and any(one.problems for one in found):
        for one in found:
            one.kept = 0
        return found
    targets: dict[str, str] = {}
    max_rows = settings.max_file_bytes // MIN_ROW_BYTES
    for one in found:
        if len(one.months) > MAX_MONTHS:
            raise ConfigError(
                f"{one.export} spans {len(one.months):,} months; an import writes at most "
                f"{MAX_MONTHS} files an export (a month each): split it"
            )
        for month, rows in sorted(one.months.items()):
            target = f"actuals/{one.stem}-{month}.parquet"
            if target in targets:
                raise ConfigError(
                    f"{one.export} and {targets[target]} would both be written to {target}: "
                    "rename one of them"
                )
            if len(rows) > max_rows:
                raise ConfigError(
                    f"{target} would hold {len(rows):,} rows, more than an actuals file may "
                    f"({max_rows:,}, from max_file_bytes): raise [tool.qplan] max_file_bytes"
                )
            targets[target] = one.export
            refuse_links(settings.root / target)  # before anything is written
    for one in found:
        for month, rows in sorted(one.months.items()):
            target = f"actuals/{one.stem}-{month}.parquet"
            _write_parquet(settings.root / target, one.columns, rows)
            one.written.append(target)
    return found


def _read(export: Path, settings: Settings) -> Imported:
    from qplan.load.reader import (
        CsvHeaderProblem,
        LoadError,
        csv_header,
        printable_name,
        read_text,
    )

    name = printable_name(export.as_posix())
    found = Imported(name)
    whole = export.resolve()
    try:
        text = read_text(whole, whole.parent, max_bytes=MAX_IMPORT_BYTES)
    except LoadError as exc:  # not there, not a regular file, too large, not UTF-8
        problem = exc.diagnostic
        found.problems.append(replace(problem, file=name))
        return found
    reader = csv.reader(io.StringIO(text, newline=""))
    actuals = Actuals()
    try:
        header = [h.strip() for h in csv_header(reader) or []]
        rows = [(reader.line_num, row) for row in reader]
    except (CsvHeaderProblem, csv.Error) as exc:
        from qplan.core.diagnostics import Position
        from qplan.load.actuals import CODE

        message = exc.message if isinstance(exc, CsvHeaderProblem) else f"is not CSV: {exc}"
        found.problems.append(Diagnostic.at(Position(name), CODE, f"actuals {message}"))
        return found
    read_rows(actuals, name, header, iter(rows))
    late = (dated_after(actuals, *key, settings.today) for key in sorted(actuals.series))
    found.problems = actuals.problems + [d for d in late if d is not None]
    if any(d.line <= 1 for d in actuals.problems):  # the header: no row can be read
        found.rejected = len(rows)
        return found
    bad = {d.line for d in actuals.problems}
    when = header.index(WHEN[0] if WHEN[0] in header else WHEN[1])
    today = settings.today.isoformat()

    def keeps(line: int, row: list[str]) -> bool:
        late = len(row) > when and row[when].strip()[:10] > today  # dated after today
        return line not in bad and not late and any(cell.strip() for cell in row)

    kept = [row for line, row in rows if keeps(line, row)]
    found.rejected = len(rows) - len(kept) - sum(not any(c.strip() for c in r) for _, r in rows)
    found.kept = len(kept)
    found.columns = [c for c in (*WHEN, *REQUIRED, *OPTIONAL) if c in header]
    where = [header.index(c) for c in found.columns]
    for row in kept:
        cells = [row[i].strip() for i in where]
        found.months.setdefault(cells[0][:7], []).append(cells)
    found.stem = re.sub(r"[^a-z0-9_-]+", "-", export.stem.lower()).strip("-") or "actuals"
    return found


def _typed(column: str) -> str:
    """The column as its type (the rows passed the rules, so every cast holds); the names
    are qplan's own, never an export's."""
    if column == "date":
        return 'CAST("date" AS DATE) AS "date"'
    if column == "interval_start":
        return 'CAST("interval_start" AS TIMESTAMP) AS "interval_start"'
    if column in COUNTS:
        return f'CAST("{column}" AS BIGINT) AS "{column}"'
    if column in ("aht_seconds", "productive_hours"):
        return f'CAST(nullif("{column}", \'\') AS DOUBLE) AS "{column}"'
    return f'"{column}"'


def _write_parquet(target: Path, columns: list[str], rows: list[list[str]]) -> None:
    """``rows`` (checked text) as a typed Parquet file, written whole or not at all."""
    import duckdb

    from qplan.core.output import write_file

    with tempfile.TemporaryDirectory(prefix="qplan-import-") as folder:
        rows_file = Path(folder) / "rows.csv"
        with rows_file.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            writer.writerows(rows)
        made = Path(folder) / "made.parquet"
        with duckdb.connect(":memory:") as connection:
            source = connection.read_csv(
                str(rows_file), header=True, columns={c: "VARCHAR" for c in columns}
            )
            source.select(", ".join(_typed(c) for c in columns)).write_parquet(str(made))
        write_file(target, made.read_bytes())
