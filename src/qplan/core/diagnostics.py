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


#: the most diagnostics kept of one code in one file, and of all codes in one file: past
#: them a bad file (a CSV of a million bad rows) is told as a count, not line by line
MAX_PER_CODE = 50
MAX_PER_FILE = 500


@dataclass
class Report:
    """Collects diagnostics from every stage; knows whether the input is usable.

    Of one file it keeps at most :data:`MAX_PER_CODE` diagnostics of a code and
    :data:`MAX_PER_FILE` in all; the rest are counted, and told as one diagnostic each
    ("… and 262,139 more QP106 in this file").
    """

    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: how many of each (file, code) were kept
    _kept: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    _kept_in_file: dict[str, int] = field(default_factory=dict, repr=False)
    #: how many of each (file, code) were left out, with the first of them
    _left_out: dict[tuple[str, str], tuple[int, Diagnostic]] = field(
        default_factory=dict, repr=False
    )

    def add(self, diagnostic: Diagnostic) -> None:
        key = (diagnostic.file, diagnostic.code)
        kept = self._kept.get(key, 0)
        in_file = self._kept_in_file.get(diagnostic.file, 0)
        if kept < MAX_PER_CODE and in_file < MAX_PER_FILE:
            self._kept[key] = kept + 1
            self._kept_in_file[diagnostic.file] = in_file + 1
            self.diagnostics.append(diagnostic)
            return
        count, first = self._left_out.get(key, (0, diagnostic))
        self._left_out[key] = (count + 1, first)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.add(diagnostic)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.diagnostics) + len(self._left_out)

    def sorted(self) -> list[Diagnostic]:
        unique = dict.fromkeys(self.diagnostics)
        for (file, code), (count, first) in self._left_out.items():
            told = Diagnostic(
                code,
                first.severity,
                file,
                first.line,
                first.column,
                f"… and {count:,} more {code} in this file (the first at line {first.line})",
                "fix the ones shown; the others are likely the same problem",
            )
            unique[told] = None
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
