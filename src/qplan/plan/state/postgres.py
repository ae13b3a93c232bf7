"""The PostgreSQL backend: one shared state for a team, in a schema of its own."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from qplan.core.credentials import first_line, redact, redact_url, url_secrets
from qplan.core.errors import LockHeld, StateError
from qplan.plan.state import (
    _SCHEMA,
    SCHEMA_VERSION,
    StateStore,
    check_schema_version,
)

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
        self._secrets = url_secrets(url)
        self.url = redact_url(url)
        self._connection: Any = None
        self._created = False

    def _told(self, exc: BaseException) -> str:
        """The first line of a driver's error, without the credentials it may quote."""
        return redact(first_line(exc), self._secrets)

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
                check_schema_version(connection.execute(version_sql).fetchall(), lambda: None)
            else:
                with connection.transaction():
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_KEY,))
                    connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                    for statement in _SCHEMA:
                        connection.execute(statement)
                    check_schema_version(
                        connection.execute(version_sql).fetchall(),
                        lambda: connection.execute(
                            "INSERT INTO qplan_meta (key, value) VALUES ('schema_version', %s)",
                            (SCHEMA_VERSION,),
                        ),
                    )
        except psycopg.Error as exc:
            raise StateError(
                f"cannot use the PostgreSQL state at {self.url}: {self._told(exc)}"
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
                f"written: {self._told(exc)}"
            ) from None
        except psycopg.Error as exc:
            raise StateError(f"PostgreSQL state at {self.url}: {self._told(exc)}") from None

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
                f"written: {self._told(exc)}"
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
