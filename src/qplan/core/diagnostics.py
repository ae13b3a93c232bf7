"""Diagnostics: one problem, at one place, with a stable code.

Every stage reports problems as :class:`Diagnostic` values collected in a
:class:`Report` instead of raising at the first one, so a user sees all of them
in one run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from qplan.core.rules import RULES, Severity

__all__ = ["Diagnostic", "Position", "Report", "Severity"]


def _one_line(text: str) -> str:
    """A message is one line, whatever the input it quotes holds."""
    if "\n" in text or "\r" in text:
        return " ".join(text.split())
    return text


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a file relative to the repository root."""

    file: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    file: str
    line: int
    column: int
    message: str
    hint: str | None = None

    @classmethod
    def at(
        cls,
        position: Position,
        code: str,
        message: str,
        hint: str | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        return cls(
            code=code,
            severity=severity or RULES[code].severity,
            file=position.file,
            line=position.line,
            column=position.column,
            message=_one_line(message),
            hint=None if hint is None else _one_line(hint),
        )

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)

    def render(self) -> str:
        """``file:line:col: CODE message`` — the one-line form."""
        return f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Report:
    """Collects diagnostics from every stage; knows whether the input is usable."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.diagnostics)

    def sorted(self) -> list[Diagnostic]:
        unique = dict.fromkeys(self.diagnostics)
        return sorted(unique, key=lambda d: d.sort_key)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.WARNING]

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)
