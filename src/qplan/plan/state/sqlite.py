"""The SQLite backend: the default state, one file beside the repository."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qplan.core.errors import LockHeld, StateError
from qplan.plan.state import (
    _SCHEMA,
    SCHEMA_VERSION,
    StateStore,
    check_schema_version,
)


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
                check_schema_version(
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
