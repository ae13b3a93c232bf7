"""Actuals from the team's PostgreSQL database, kept offline: ``qplan actuals pull`` reads
the configured table or view for the days it is asked for, with one bounded, parameterised
query, checks every row by the rules of an actuals CSV, and keeps what it read as a Parquet
extract in qplan's cache, outside the repository. Every other command reads the newest
extract, never the database, so ``validate`` and ``plan`` stay offline and repeatable; a
plan names the digest of the extract it used.

The database's URL comes only from the environment variable the settings name; no message
quotes its password (:mod:`qplan.core.credentials`)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from qplan.core.errors import ConfigError
from qplan.core.output import cache_root
from qplan.load.actuals import COUNTS, OPTIONAL, REQUIRED, Actuals, read_rows
from qplan.load.settings import Settings

#: the columns an extract reads, in this order (``productive_hours`` when the table has it)
COLUMNS = ("date", *REQUIRED)
#: the most rows one pull reads; the query is cut there and the pull refused
MAX_ROWS = 20_000_000
#: the longest cell read (no actuals cell is longer; a longer one is refused for what it
#: starts with)
MAX_CELL = 256
#: seconds the database may take over the query, and to answer at all
STATEMENT_TIMEOUT_SECONDS = 300
CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Extract:
    """One pull's rows, kept as Parquet: where, its digest, and what it holds."""

    file: Path
    digest: str  # SHA-256 of the Parquet file
    table: str
    first: date
    last: date
    rows: int

    def intact(self) -> bool:
        """Whether the file is still what was pulled (its SHA-256 is the one recorded)."""
        digest = hashlib.sha256()
        try:
            with self.file.open("rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            return False
        return digest.hexdigest() == self.digest

    @property
    def name(self) -> str:
        """How diagnostics name it (it has no place in the repository)."""
        return f"postgresql:{self.table}"

    def contract(self) -> dict[str, Any]:
        return {
            "source": "postgresql",
            "table": self.table,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "rows": self.rows,
            "digest": self.digest,
        }


def _source_key(settings: Settings, url: str | None) -> str:
    """What names one source: the database (host, port, name, user: never the password),
    the table and the days; the repository's folder when no URL is set (validate need
    not see it)."""
    where: dict[str, Any] = {"table": settings.actuals.table, "days": settings.actuals.days}
    where["repository"] = str(settings.root)
    if url:
        from psycopg.conninfo import conninfo_to_dict

        try:
            parts = conninfo_to_dict(url)
        except Exception:  # a bad URL: the pull says so; here it names nothing
            parts = {}
        where.update({k: str(parts.get(k, "")) for k in ("host", "port", "dbname", "user")})
    text = json.dumps(where, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _pointer(settings: Settings) -> Path:
    return cache_root() / "actuals" / f"latest-{_source_key(settings, None)}.json"


def latest_extract(settings: Settings) -> Extract | None:
    """The newest extract pulled for this repository's source, or None."""
    pointer = _pointer(settings)
    try:
        record = json.loads(pointer.read_text(encoding="utf-8"))
        file = pointer.parent / str(record["file"])
        if file.parent != pointer.parent or not file.is_file():
            return None
        return Extract(
            file,
            str(record["digest"]),
            str(record["table"]),
            date.fromisoformat(str(record["from"])),
            date.fromisoformat(str(record["to"])),
            int(record["rows"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _url(settings: Settings) -> str:
    name = settings.actuals.url_env
    url = os.environ.get(name, "")
    if not url:
        raise ConfigError(
            f"{name} is not set: put the URL of the actuals database in it "
            "(postgresql://user@host:5432/name; the password in PGPASSWORD or the URL)"
        )
    return url


def pull(settings: Settings, today: date) -> tuple[Extract | None, Actuals]:
    """Read the configured table's rows from ``days`` before ``today`` to ``today``; when
    every row passes the rules of an actuals CSV, keep them as the newest extract. Returns
    the extract (None when a row did not pass: nothing is kept) and what was read, with
    its problems. Raises :class:`ConfigError` for a database that cannot be read (one
    line, the password left out)."""
    from qplan.core.credentials import first_line, redact, url_secrets

    url = _url(settings)
    secrets = url_secrets(url)
    try:
        import psycopg
    except ImportError:
        raise ConfigError(
            "a postgresql actuals source needs psycopg: pip install 'qplan[postgres]'"
        ) from None
    first = today - timedelta(days=settings.actuals.days - 1)
    table = settings.actuals.table
    folder = cache_root() / "actuals"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot keep the extract in {folder}: {exc.strerror}") from None
    found = Actuals()
    try:
        with (
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as connection,
            tempfile.TemporaryDirectory(dir=folder, prefix=".pull-") as scratch,
        ):
            csv_file = Path(scratch) / "rows.csv"
            header = _copy_rows(connection, table, first, today, csv_file)
            with csv_file.open(encoding="utf-8", newline="") as stream:
                import csv

                reader = csv.reader(stream)
                next(reader, None)
                try:
                    read_rows(found, f"postgresql:{table}", header, _numbered(reader), cells=True)
                except csv.Error as exc:  # cells are cut to MAX_CELL: not expected
                    raise ConfigError(
                        f"PostgreSQL table {table} gave rows qplan cannot read: {exc}"
                    ) from None
            if found.problems:
                return None, found
            extract = _keep(settings, url, csv_file, header, first, today, found.rows)
    except psycopg.Error as exc:
        told = redact(first_line(exc), secrets)
        raise ConfigError(
            f"cannot read the actuals from PostgreSQL table {table}: {told}"
        ) from None
    return extract, found


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    yield from enumerate(reader, 1)


def _copy_rows(connection: Any, table: str, first: date, last: date, target: Path) -> list[str]:
    """The table's rows of ``first``..``last`` written to ``target`` as CSV (COPY, at most
    :data:`MAX_ROWS`); returns the header. Raises :class:`ConfigError` for a missing column."""
    from psycopg import sql

    name = sql.Identifier(*table.split("."))
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SET statement_timeout = {}").format(
                sql.Literal(STATEMENT_TIMEOUT_SECONDS * 1000)
            )
        )
        cursor.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(name))
        have = [d.name for d in cursor.description or []]
        missing = [c for c in COLUMNS if c not in have]
        if missing:
            raise ConfigError(
                f"PostgreSQL table {table} has no column {', '.join(missing)} "
                f"(it needs {', '.join(COLUMNS)}[, {', '.join(OPTIONAL)}])"
            )
        header = [*COLUMNS, *(c for c in OPTIONAL if c in have)]
        columns = sql.SQL(", ").join(_as_text(c) for c in header)
        query = sql.SQL(
            "COPY (SELECT {} FROM {} WHERE {} BETWEEN {} AND {} ORDER BY 1, 2, 3 LIMIT {}) "
            "TO STDOUT (FORMAT csv, HEADER)"
        ).format(
            columns,
            name,
            sql.Identifier("date"),
            sql.Literal(first),
            sql.Literal(last),
            sql.Literal(MAX_ROWS + 1),
        )
        rows = 0
        with target.open("wb") as out, cursor.copy(query) as copy:
            for chunk in copy:
                out.write(chunk)
                rows += bytes(chunk).count(b"\n")
        if rows - 1 > MAX_ROWS:
            raise ConfigError(
                f"PostgreSQL table {table} has more than {MAX_ROWS:,} rows from {first} to "
                f"{last}: set [tool.qplan.actuals] days lower"
            )
    return header


def _as_text(column: str) -> Any:
    """A column as the text an actuals CSV holds, cut to :data:`MAX_CELL` characters; a
    count kept as a whole ``numeric`` (``4521.00``) as a whole number."""
    from psycopg import sql

    name = sql.Identifier(column)
    if column == "date":
        return sql.SQL("to_char({}, 'YYYY-MM-DD')").format(name)
    text = sql.SQL("left({}::text, {})").format(name, sql.Literal(MAX_CELL))
    if column in COUNTS:
        return sql.SQL("regexp_replace({}, '^([0-9]+)\\.0*$', '\\1')").format(text)
    return text


def _keep(
    settings: Settings, url: str, rows: Path, header: list[str], first: date, last: date, count: int
) -> Extract:
    """The CSV the pull wrote as the newest Parquet extract, and the pointer to it."""
    import duckdb

    folder = rows.parent.parent
    key = _source_key(settings, url)
    name = f"{key}-{first.isoformat()}-{last.isoformat()}.parquet"
    scratch = rows.with_suffix(".parquet")
    types = {c: "VARCHAR" for c in header}
    with duckdb.connect(":memory:") as connection:
        relation = connection.read_csv(str(rows), header=True, columns=types)
        relation.write_parquet(str(scratch))
    digest = hashlib.sha256(scratch.read_bytes()).hexdigest()
    os.replace(scratch, folder / name)
    record = {
        "file": name,
        "digest": digest,
        "table": settings.actuals.table,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "rows": count,
    }
    pointer = _pointer(settings)
    temporary = pointer.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, pointer)
    for older in folder.glob(f"{key}-*.parquet"):  # the same source's earlier pulls
        if older.name != name:
            older.unlink(missing_ok=True)
    return Extract(folder / name, digest, settings.actuals.table, first, last, count)


__all__ = ["COUNTS", "Extract", "latest_extract", "pull"]
