"""The state store: the revisions that applies wrote, a lock, and nothing else.

A revision is a full snapshot of the resources as applied, with who applied it,
when, from which commit and which plan. Resources are stored as intervals of
revisions (``first_serial`` to ``last_serial``): a revision that changes one
queue of 10,000 closes one row and adds one, and reading any revision back is one
query. Two backends share the SQL: a SQLite file (the default) and PostgreSQL.

>>> store = open_store("sqlite:///tmp/state.db")            # doctest: +SKIP
>>> store.head()                                           # doctest: +SKIP
Revision(serial=3, lineage='6f1c…', ...)
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sqlite3
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from qplan.errors import LockHeld, PlanRefused, StateError
from qplan.resources import Resource, split_address

SCHEMA_VERSION = "1"
#: set to a file path, apply creates the file once the revision is written but not
#: committed, and waits until the file is removed: how the tests kill an apply mid-way
HOLD_ENV = "QPLAN_HOLD_BEFORE_COMMIT"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS qplan_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS qplan_revisions (
        serial INTEGER PRIMARY KEY,
        lineage TEXT NOT NULL,
        created_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        git_commit TEXT,
        plan_checksum TEXT NOT NULL UNIQUE,
        origin TEXT NOT NULL,
        changes TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS qplan_resources (
        address TEXT NOT NULL,
        grp TEXT NOT NULL,
        body TEXT NOT NULL,
        first_serial INTEGER NOT NULL,
        last_serial INTEGER,
        PRIMARY KEY (address, first_serial))""",
    "CREATE INDEX IF NOT EXISTS qplan_resources_current ON qplan_resources (address)"
    " WHERE last_serial IS NULL",
    """CREATE TABLE IF NOT EXISTS qplan_lock (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        lock_id TEXT NOT NULL,
        who TEXT NOT NULL,
        created_at TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        operation TEXT NOT NULL)""",
)


@dataclass(frozen=True)
class Change:
    """One resource change as the state records it."""

    action: str  # create | update | delete
    address: str
    group: str
    body: str | None  # the new fields; None for a delete


@dataclass(frozen=True)
class Revision:
    serial: int
    lineage: str
    created_at: str
    actor: str
    git_commit: str | None
    plan_checksum: str
    origin: str  # "plan", or "rollback to N"
    changes: tuple[tuple[str, str], ...]  # (action, address)

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "delete": 0}
        for action, _ in self.changes:
            counts[action] += 1
        return counts

    def summary(self) -> str:
        c = self.counts()
        return f"+{c['create']} ~{c['update']} -{c['delete']}"


@dataclass(frozen=True)
class Lock:
    id: str
    who: str
    created_at: str
    host: str
    pid: int
    operation: str

    def describe(self) -> str:
        return (
            f"{self.who} on {self.host} (pid {self.pid}) for {self.operation} "
            f"since {self.created_at}, lock id {self.id}"
        )

    def process_gone(self) -> bool:
        """True when the holder ran on this host and its process no longer exists."""
        if self.host != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class StateStore(ABC):
    """What plan and apply need from a state backend; the SQL is shared."""

    url: str

    # --- backend specifics -------------------------------------------------------------
    @abstractmethod
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    @abstractmethod
    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    @contextmanager
    def _write(self) -> Iterator[None]:
        """One transaction that writes; exclusive against other writers."""

    @abstractmethod
    def _exists(self) -> bool:
        """Whether the store has been created (reads of a missing store are empty)."""

    @abstractmethod
    def _is_duplicate(self, exc: Exception) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...

    # --- reading -----------------------------------------------------------------------
    def head(self) -> Revision | None:
        """The latest revision, or None for an empty state."""
        if not self._exists():
            return None
        rows = self._rows(f"{_REVISION_SELECT} ORDER BY serial DESC LIMIT 1")
        return _revision(rows[0]) if rows else None

    def serial(self) -> int:
        head = self.head()
        return head.serial if head else 0

    def lineage(self) -> str | None:
        if not self._exists():
            return None
        rows = self._rows("SELECT value FROM qplan_meta WHERE key = 'lineage'")
        return str(rows[0][0]) if rows else None

    def revision(self, serial: int) -> Revision:
        rows = (
            self._rows(f"{_REVISION_SELECT} WHERE serial = ?", (serial,)) if self._exists() else []
        )
        if not rows:
            head = self.serial()
            raise StateError(
                f"the state has no revision {serial}"
                + (f" (revisions 1 to {head})" if head else " (it is empty)")
            )
        return _revision(rows[0])

    def history(self) -> list[Revision]:
        if not self._exists():
            return []
        return [_revision(r) for r in self._rows(f"{_REVISION_SELECT} ORDER BY serial")]

    def resources(self, serial: int | None = None) -> dict[str, Resource]:
        """The snapshot at ``serial`` (default: the latest), by address; one query."""
        if not self._exists():
            return {}
        if serial is None:
            rows = self._rows(
                "SELECT address, grp, body FROM qplan_resources WHERE last_serial IS NULL"
            )
        else:
            rows = self._rows(
                "SELECT address, grp, body FROM qplan_resources WHERE first_serial <= ?"
                " AND (last_serial IS NULL OR last_serial > ?)",
                (serial, serial),
            )
        found = {}
        for address, group, body in rows:
            kind, ident = split_address(address)
            found[address] = Resource(kind, ident, group, body)
        return found

    def applied_as(self, plan_checksum: str) -> Revision | None:
        """The revision a plan was applied as, if it was."""
        if not self._exists():
            return None
        rows = self._rows(f"{_REVISION_SELECT} WHERE plan_checksum = ?", (plan_checksum,))
        return _revision(rows[0]) if rows else None

    # --- the lock ----------------------------------------------------------------------
    def current_lock(self) -> Lock | None:
        if not self._exists():
            return None
        rows = self._rows("SELECT lock_id, who, created_at, host, pid, operation FROM qplan_lock")
        return Lock(*rows[0]) if rows else None

    def acquire_lock(self, operation: str, who: str, timeout: float = 0.0) -> Lock:
        """Take the lock or raise :class:`LockHeld` naming its holder (after ``timeout`` s)."""
        mine = Lock(uuid.uuid4().hex, who, _now(), socket.gethostname(), os.getpid(), operation)
        deadline = time.monotonic() + timeout
        while True:
            holder = self._try_lock(mine)
            if holder is None:
                return mine
            if time.monotonic() >= deadline:
                hint = f"; if that run is gone, release it with `qplan state unlock {holder.id}`"
                if holder.process_gone():
                    hint = (
                        f"; its process is no longer running: release it with "
                        f"`qplan state unlock {holder.id}`"
                    )
                raise LockHeld(f"the state is locked by {holder.describe()}{hint}")
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

    def _try_lock(self, mine: Lock) -> Lock | None:
        """Insert our lock row, or return the holder's; retries the moment two runs race."""
        for _ in range(100):
            # Read first: a reader is never blocked, even while the holder is mid-write.
            holder = self.current_lock()
            if holder is not None:
                return holder
            try:
                with self._write():
                    if self._rows("SELECT lock_id FROM qplan_lock"):
                        continue
                    self._execute(
                        "INSERT INTO qplan_lock (singleton, lock_id, who, created_at, host, pid,"
                        " operation) VALUES (1, ?, ?, ?, ?, ?, ?)",
                        (mine.id, mine.who, mine.created_at, mine.host, mine.pid, mine.operation),
                    )
                return None
            except LockHeld:
                pass  # another run is inside its few-millisecond lock transaction
            except Exception as exc:
                if not self._is_duplicate(exc):
                    raise
            time.sleep(0.05)
        raise LockHeld("the state is busy: another qplan keeps writing it; try again")

    def release_lock(self, lock_id: str) -> None:
        """Release the lock with this id; an error if the lock is not held with that id."""
        holder = self.current_lock()
        if holder is None:
            raise StateError("the state is not locked")
        if holder.id != lock_id:
            raise StateError(
                f"the state lock has id {holder.id}, not {lock_id} (held by {holder.describe()})"
            )
        with self._write():
            self._execute("DELETE FROM qplan_lock WHERE lock_id = ?", (lock_id,))

    # --- writing -----------------------------------------------------------------------
    def write_revision(
        self,
        *,
        base_serial: int,
        base_lineage: str | None,
        changes: Sequence[Change],
        actor: str,
        git_commit: str | None,
        plan_checksum: str,
        origin: str,
    ) -> Revision:
        """Write the next revision in one transaction, if the state is still at ``base_serial``."""
        with self._write():
            rows = self._rows("SELECT max(serial) FROM qplan_revisions")
            head = int(rows[0][0] or 0)
            if head != base_serial:
                raise PlanRefused(
                    f"plan was made against serial {base_serial}, state is at serial {head}; "
                    "make a new plan"
                )
            lineage_rows = self._rows("SELECT value FROM qplan_meta WHERE key = 'lineage'")
            lineage = str(lineage_rows[0][0]) if lineage_rows else None
            if lineage is None:
                lineage = base_lineage or uuid.uuid4().hex
                self._execute(
                    "INSERT INTO qplan_meta (key, value) VALUES ('lineage', ?)", (lineage,)
                )
            elif base_lineage is not None and base_lineage != lineage:
                raise PlanRefused(
                    f"plan belongs to state lineage {base_lineage}, this state is lineage {lineage}"
                )
            serial = head + 1
            closing = [(serial, c.address) for c in changes if c.action != "create"]
            if closing:
                self._executemany(
                    "UPDATE qplan_resources SET last_serial = ?"
                    " WHERE address = ? AND last_serial IS NULL",
                    closing,
                )
            opening = [
                (c.address, c.group, c.body, serial) for c in changes if c.action != "delete"
            ]
            if opening:
                self._executemany(
                    "INSERT INTO qplan_resources (address, grp, body, first_serial)"
                    " VALUES (?, ?, ?, ?)",
                    opening,
                )
            revision = Revision(
                serial=serial,
                lineage=lineage,
                created_at=_now(),
                actor=actor,
                git_commit=git_commit,
                plan_checksum=plan_checksum,
                origin=origin,
                changes=tuple((c.action, c.address) for c in changes),
            )
            self._execute(
                "INSERT INTO qplan_revisions (serial, lineage, created_at, actor, git_commit,"
                " plan_checksum, origin, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    serial,
                    lineage,
                    revision.created_at,
                    actor,
                    git_commit,
                    plan_checksum,
                    origin,
                    json.dumps([list(c) for c in revision.changes]),
                ),
            )
            _hold_before_commit()
        return revision


_REVISION_SELECT = (
    "SELECT serial, lineage, created_at, actor, git_commit, plan_checksum, origin, changes"
    " FROM qplan_revisions"
)


def _revision(row: Sequence[Any]) -> Revision:
    changes = tuple((str(a), str(b)) for a, b in json.loads(row[7]))
    return Revision(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], changes)


def _hold_before_commit() -> None:
    path = os.environ.get(HOLD_ENV)
    if not path:
        return
    Path(path).write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


# --- SQLite ------------------------------------------------------------------------------


class SqliteStore(StateStore):
    """A state file: WAL journal, ``synchronous=FULL``, ``BEGIN IMMEDIATE`` per write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = str(path)
        self._connection: sqlite3.Connection | None = None

    def _connect(self, create: bool) -> sqlite3.Connection:
        if self._connection is not None:
            return self._connection
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            if create:
                for statement in _SCHEMA:
                    connection.execute(statement)
                _check_schema_version(
                    connection.execute(
                        "SELECT value FROM qplan_meta WHERE key = 'schema_version'"
                    ).fetchall(),
                    lambda: connection.execute(
                        "INSERT INTO qplan_meta (key, value) VALUES ('schema_version', ?)",
                        (SCHEMA_VERSION,),
                    ),
                )
        except sqlite3.DatabaseError as exc:
            raise StateError(f"state file {self.path} cannot be used: {exc}") from None
        self._connection = connection
        return connection

    def _exists(self) -> bool:
        if self._connection is not None:
            return True
        if not self.path.exists():
            return False
        self._connect(create=True)
        return True

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._connect(create=True).execute(sql, tuple(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise StateError(f"state file {self.path}: {exc}") from None

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._connect(create=True).execute(sql, tuple(params)).rowcount

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._connect(create=True).executemany(sql, rows)

    @contextmanager
    def _write(self) -> Iterator[None]:
        connection = self._connect(create=True)
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise LockHeld(f"state file {self.path} is busy: {exc}") from None
        try:
            yield
            connection.execute("COMMIT")
        except BaseException as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError) and not self._is_duplicate(exc):
                raise StateError(f"state file {self.path}: {exc}; nothing was written") from None
            raise

    def _is_duplicate(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.IntegrityError)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _check_schema_version(rows: list[Any], write: Any) -> None:
    if not rows:
        write()
    elif rows[0][0] != SCHEMA_VERSION:
        raise StateError(
            f"the state was written by a qplan with state schema {rows[0][0]}; "
            f"this qplan reads schema {SCHEMA_VERSION}: upgrade qplan"
        )


# --- PostgreSQL --------------------------------------------------------------------------

_ADVISORY_KEY = 0x71706C616E  # "qplan"
_WRITE_WAIT_SECONDS = 10  # as long as SQLite's busy timeout


class PostgresStore(StateStore):
    """A PostgreSQL schema: one transaction per write, under an advisory lock.

    The URL is a libpq URL; ``?schema=NAME`` keeps qplan's tables in that schema
    (created when missing), so several organisations can share one database.
    """

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.schema = query.pop("schema", "public")
        if not self.schema.replace("_", "").isalnum() or not self.schema[:1].isalpha():
            raise StateError(f"schema {self.schema!r} must be letters, digits and '_'")
        self._conninfo = urlunsplit(parts._replace(query=urlencode(query)))
        self.url = redact(url)
        self._connection: Any = None
        self._created = False

    def _connect(self) -> Any:
        if self._connection is not None:
            return self._connection
        try:
            import psycopg
        except ImportError:
            raise StateError(
                "a postgresql:// state needs psycopg: pip install 'qplan[postgres]'"
            ) from None
        try:
            connection = psycopg.connect(
                self._conninfo,
                autocommit=True,
                connect_timeout=10,
                application_name=f"qplan-{os.getpid()}",
            )
            connection.execute(f'SET search_path TO "{self.schema}"')
            version_sql = "SELECT value FROM qplan_meta WHERE key = 'schema_version'"
            found = connection.execute("SELECT to_regclass('qplan_meta')").fetchall()
            if found[0][0] is not None:
                # Reading only: never wait for an apply that holds the advisory lock.
                _check_schema_version(connection.execute(version_sql).fetchall(), lambda: None)
            else:
                with connection.transaction():
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_KEY,))
                    connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                    for statement in _SCHEMA:
                        connection.execute(statement)
                    _check_schema_version(
                        connection.execute(version_sql).fetchall(),
                        lambda: connection.execute(
                            "INSERT INTO qplan_meta (key, value) VALUES ('schema_version', %s)",
                            (SCHEMA_VERSION,),
                        ),
                    )
        except psycopg.Error as exc:
            raise StateError(
                f"cannot use the PostgreSQL state at {self.url}: {_first_line(exc)}"
            ) from None
        self._connection = connection
        return connection

    def _exists(self) -> bool:
        self._connect()
        return True

    def _run(self, sql: str, params: Sequence[Any], many: bool = False) -> Any:
        import psycopg

        connection = self._connect()
        try:
            if many:
                with connection.cursor() as cursor:
                    cursor.executemany(sql.replace("?", "%s"), params)
                return None
            return connection.execute(sql.replace("?", "%s"), tuple(params))
        except (psycopg.errors.UniqueViolation, psycopg.errors.LockNotAvailable):
            raise
        except psycopg.OperationalError as exc:
            self._drop_connection()
            raise StateError(
                f"lost the connection to the PostgreSQL state at {self.url}; nothing was "
                f"written: {_first_line(exc)}"
            ) from None
        except psycopg.Error as exc:
            raise StateError(f"PostgreSQL state at {self.url}: {_first_line(exc)}") from None

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._run(sql, params).fetchall()
        return rows

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(self._run(sql, params).rowcount)

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._run(sql, rows, many=True)

    @contextmanager
    def _write(self) -> Iterator[None]:
        import psycopg

        connection = self._connect()
        try:
            with connection.transaction():
                # Wait, as SQLite's busy timeout does, for another run's short transaction
                # (taking or releasing the lock row) rather than failing beside it.
                self._run(f"SET LOCAL lock_timeout = '{_WRITE_WAIT_SECONDS}s'", ())
                self._run("SELECT pg_advisory_xact_lock(?)", (_ADVISORY_KEY,))
                yield
        except psycopg.errors.LockNotAvailable:
            raise LockHeld("another qplan is writing this state; try again") from None
        except psycopg.OperationalError as exc:
            self._drop_connection()
            raise StateError(
                f"lost the connection to the PostgreSQL state at {self.url}; nothing was "
                f"written: {_first_line(exc)}"
            ) from None

    def _drop_connection(self) -> None:
        """Forget a broken connection; the next call connects again."""
        if self._connection is not None:
            with suppress(Exception):
                self._connection.close()
            self._connection = None

    def _is_duplicate(self, exc: Exception) -> bool:
        import psycopg

        return isinstance(exc, psycopg.errors.UniqueViolation)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def open_store(url: str, root: Path | None = None) -> StateStore:
    """The store a URL names: ``postgresql://…``, ``sqlite:///path`` or a plain path.

    A relative path is relative to ``root`` (the repository). Opening connects
    lazily: a missing SQLite file reads as an empty state and is created on the
    first write.
    """
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url)
    if "://" in url and not url.startswith("sqlite://"):
        scheme = url.split("://", 1)[0]
        raise StateError(
            f"state URL scheme {scheme!r} is not supported; use a file path, "
            "sqlite:///path or postgresql://…"
        )
    path = Path(url.removeprefix("sqlite://"))
    if not path.is_absolute() and root is not None:
        path = root / path
    return SqliteStore(path)


def default_actor() -> str:
    """Who applies: ``QPLAN_ACTOR``, else the login name."""
    return os.environ.get("QPLAN_ACTOR") or getpass.getuser()
