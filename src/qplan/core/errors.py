"""Exceptions qplan raises to its callers.

Problems in the organisation's files are not exceptions: they are
:class:`qplan.core.diagnostics.Diagnostic` values. Exceptions are for situations a
command cannot go on from: a bad setting, an unusable state store, a refused plan.
Each carries a one-line message meant for a person.
"""

from __future__ import annotations


class QplanError(Exception):
    """Base of every error qplan raises on purpose; ``str()`` is the one-line message."""

    exit_code = 1


class ConfigError(QplanError):
    """The repository or ``[tool.qplan]`` settings cannot be used."""


class UsageError(QplanError):
    """The command was called wrongly (exit 64, as for a wrong flag)."""

    exit_code = 64


class StateError(QplanError):
    """The state store cannot be read or written (unreachable server, bad URL, corrupt file)."""


class LockHeld(StateError):
    """Another run holds the state lock."""


class PlanRefused(QplanError):
    """A plan cannot be made or applied as it is (stale, tampered, unsafe, invalid input)."""


class OutputError(QplanError):
    """A file qplan was asked to write cannot be written."""
