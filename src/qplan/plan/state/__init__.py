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
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from qplan.core.credentials import redact, redact_url, url_secrets
from qplan.core.errors import LockHeld, PlanRefused, StateError
from qplan.plan.resources import Resource, split_address

SCHEMA_VERSION = "1"


def _nothing() -> None:
    return None


#: called once a revision is written and before it is committed. Only tests set it (in the
#: process they start, see ``tests/hold_apply.py``) to stop an apply there and kill it;
#: nothing a user sets, no variable or file, reaches it.
before_commit: Callable[[], None] = _nothing

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
    # one current row per address, whatever writes to the tables
    "CREATE UNIQUE INDEX IF NOT EXISTS qplan_resources_one_current ON qplan_resources (address)"
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

    def body_at(self, address: str, serial: int) -> str | None:
        """One resource's body as it was at ``serial`` (None when it did not exist)."""
        if not self._exists():
            return None
        rows = self._rows(
            "SELECT body FROM qplan_resources WHERE address = ? AND first_serial <= ?"
            " AND (last_serial IS NULL OR last_serial > ?)",
            (address, serial, serial),
        )
        return str(rows[0][0]) if rows else None

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
            before_commit()
        return revision


_REVISION_SELECT = (
    "SELECT serial, lineage, created_at, actor, git_commit, plan_checksum, origin, changes"
    " FROM qplan_revisions"
)


def _revision(row: Sequence[Any]) -> Revision:
    changes = tuple((str(a), str(b)) for a, b in json.loads(row[7]))
    return Revision(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], changes)


def check_schema_version(rows: list[Any], write: Any) -> None:
    if not rows:
        write()
    elif rows[0][0] != SCHEMA_VERSION:
        raise StateError(
            f"the state was written by a qplan with state schema {rows[0][0]}; "
            f"this qplan reads schema {SCHEMA_VERSION}: upgrade qplan"
        )


def open_store(url: str, root: Path | None = None) -> StateStore:
    """The store a URL names: ``postgresql://…``, ``sqlite:///path`` or a plain path.

    A relative path is relative to ``root`` (the repository). Opening connects
    lazily: a missing SQLite file reads as an empty state and is created on the
    first write.
    """
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        raise StateError("state URL holds control characters")
    if url.startswith(("postgresql://", "postgres://")):
        try:
            parts = urlsplit(url)
            _ = parts.port  # a bad port raises here
        except ValueError as exc:
            told = redact(str(exc), url_secrets(url))
            raise StateError(f"state URL {redact_url(url)} is not a valid URL: {told}") from None
        from qplan.plan.state.postgres import PostgresStore

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
    from qplan.core.errors import OutputError
    from qplan.core.output import refuse_links
    from qplan.plan.state.sqlite import SqliteStore

    try:  # a state file in the repository is never reached through a committed symlink
        refuse_links(path, root)
    except OutputError as exc:
        raise StateError(f"state file {path}: {str(exc).split(': ', 1)[-1]}") from None

    return SqliteStore(path)


def default_actor() -> str:
    """Who applies: ``QPLAN_ACTOR``, else the login name."""
    return os.environ.get("QPLAN_ACTOR") or getpass.getuser()
