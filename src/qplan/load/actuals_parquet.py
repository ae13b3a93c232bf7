"""Actuals kept as Parquet (``actuals/**/*.parquet``, or an extract pulled from a database),
read with DuckDB into the same rows, checks and diagnostics as a CSV's.

A Parquet file is read through the one guarded reader (its name, that it stays in the
repository and is a regular file, at most ``max_bytes``), and DuckDB reads those bytes,
never the path again. Each column is written as text the way a CSV export writes it (a
date as 2026-11-02, an interval's start as 2026-11-02T18:15), so one set of rules reads
both; a problem's place is the row (1 for the first) and the column (1 for the first).
Parquet compresses, so a small file may hold many rows: a file with more rows than a CSV
of ``max_bytes`` could hold is refused before any is read."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qplan.core.diagnostics import Position
from qplan.load.actuals import CODE, HINT, Actuals, read_rows

#: the fewest bytes a CSV row of actuals takes (``2026-11-02,q,t,0,0,0,0,0,0,0``): a
#: Parquet file may hold at most ``max_bytes`` over this many rows
MIN_ROW_BYTES = 30
#: rows fetched from DuckDB at a time
BATCH_ROWS = 10_000
#: the most columns a Parquet file of actuals may have, and the longest cell read
MAX_COLUMNS = 64
MAX_CELL = 256
#: what DuckDB may take to read one file
MEMORY_LIMIT = "512MB"


def open_engine() -> Any:
    """A DuckDB connection for reading Parquet actuals: one thread, :data:`MEMORY_LIMIT`."""
    import duckdb

    return duckdb.connect(":memory:", config={"threads": 1, "memory_limit": MEMORY_LIMIT})


def read_parquet(found: Actuals, root: Path, path: str, max_bytes: int, engine: Any) -> None:
    """Fold the Parquet file ``path`` (under ``root``) into ``found``, with ``engine``
    (:func:`open_engine`)."""
    from qplan.load.reader import read_bytes

    raw = read_bytes(root / path, root, max_bytes=max_bytes)
    with tempfile.TemporaryDirectory(prefix="qplan-parquet-") as folder:
        copy = Path(folder) / "actuals.parquet"
        copy.write_bytes(raw)
        read_parquet_file(found, path, copy, max_rows=max_bytes // MIN_ROW_BYTES, engine=engine)


def read_parquet_file(
    found: Actuals, name: str, file: Path, *, max_rows: int, engine: Any = None
) -> None:
    """Fold the Parquet file at ``file`` (a private copy, or an extract in qplan's cache)
    into ``found``, its diagnostics at ``name``; with ``engine``, else a connection of its
    own."""
    import duckdb

    from qplan.core.diagnostics import Diagnostic

    def problem(message: str) -> None:
        found.files.append(name)
        found.problems.append(Diagnostic.at(Position(name), CODE, f"actuals {message}", HINT))

    connection = engine or open_engine()
    try:
        # what the file says of itself, before a row is read: a small file may claim
        # (and hold) many rows, or many columns
        counted = connection.execute(
            "SELECT sum(num_rows) FROM parquet_file_metadata(?)", [str(file)]
        ).fetchone()
        rows = int(counted[0] or 0) if counted else 0
        if rows > max_rows:
            problem(
                f"has {rows:,} rows, more than a CSV of the size limit could hold "
                f"({max_rows:,}): split it into smaller files"
            )
            return
        described = connection.execute(
            "DESCRIBE SELECT * FROM read_parquet(?)", [str(file)]
        ).fetchall()
        if len(described) > MAX_COLUMNS:
            problem(f"has {len(described):,} columns; actuals have at most {MAX_COLUMNS}")
            return
        names = [str(row[0]) for row in described]
        types = [str(row[1]) for row in described]
        zoned = [n for n, t in zip(names, types, strict=True) if "WITH TIME ZONE" in t]
        if zoned:
            problem(
                f"column {zoned[0][:40]!r} holds times with a time zone: keep each team's "
                "local time without one, as an actuals CSV does"
            )
            return
        cursor = connection.execute(_as_text(types), [str(file)])
        read_rows(found, name, [n.strip() for n in names], _batches(cursor), cells=True)
    except duckdb.Error as exc:
        told = str(exc).splitlines()[0].replace(str(file), name)[:200]
        problem(f"is not a Parquet file qplan can read: {told}")
    finally:
        if engine is None:
            connection.close()


def _as_text(types: list[str]) -> str:
    """A query giving every column as the text a CSV export would hold, no cell longer
    than :data:`MAX_CELL` characters (no actuals cell is longer, and a longer one is
    wrong anyway: its row is refused for what it starts with)."""
    parts = []
    for position, kind in enumerate(types, 1):
        column = f"#{position}"
        if kind == "DATE":
            text = f"strftime({column}, '%Y-%m-%d')"
        elif kind.startswith("TIMESTAMP"):
            text = f"strftime({column}, '%Y-%m-%dT%H:%M')"
        elif kind in ("DOUBLE", "FLOAT", "REAL") or kind.startswith("DECIMAL"):
            # a whole figure as a whole number (a count kept as 4521.0 by a data frame)
            text = (
                f"CASE WHEN isfinite({column}::DOUBLE) AND {column} = floor({column}) "
                f"AND abs({column}) < 1e15 THEN CAST(CAST({column} AS BIGINT) AS VARCHAR) "
                f"ELSE CAST({column} AS VARCHAR) END"
            )
        else:
            text = f"CAST({column} AS VARCHAR)"
        parts.append(f"coalesce(left({text}, {MAX_CELL}), '')")
    return f"SELECT {', '.join(parts)} FROM read_parquet(?)"


def _batches(cursor: Any) -> Iterator[tuple[int, list[str]]]:
    line = 0
    while True:
        batch = cursor.fetchmany(BATCH_ROWS)
        if not batch:
            return
        for row in batch:
            line += 1
            yield line, list(row)
