"""Training case sets: the golden items a training queue enqueues for new reviewers.

A case set is a CSV file under ``training/`` with the columns ``item_id``,
``expected_decision``, ``policy_version`` and an optional ``note``. It is read like every
other file of the repository (inside the repository, size-limited, UTF-8); the problems
of each row are kept with its line so validate can point at them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from qplan.core.diagnostics import Diagnostic, Position

COLUMNS = ("item_id", "expected_decision", "policy_version")


@dataclass(frozen=True)
class Case:
    line: int
    item_id: str
    decision: str
    policy_version: str
    note: str = ""


@dataclass
class CaseSet:
    path: str
    checksum: str  # of the file's bytes
    cases: list[Case] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # format problems, by line

    @property
    def item_ids(self) -> list[str]:
        return [c.item_id for c in self.cases]


def read_case_set(root: Path, path: str, *, max_bytes: int) -> CaseSet | None:
    """The case set at ``path`` (relative to ``root``); None when there is no such file.

    Raises :class:`qplan.load.reader.LoadError` for a file that must not or cannot be read.
    """
    from qplan.load.reader import CsvHeaderProblem, csv_header, read_csv

    found = read_csv(root, path, max_bytes=max_bytes)
    if found is None:
        return None
    checksum, reader = found
    result = CaseSet(path, checksum)
    try:
        header = csv_header(reader)
    except CsvHeaderProblem as problem:
        result.problems.append(_problem(path, 1, problem.message, problem.hint))
        return result
    if header is None or [h.strip() for h in header[:3]] != list(COLUMNS):
        result.problems.append(
            _problem(path, 1, f"the header must start with {', '.join(COLUMNS)} (then note)")
        )
        return result
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < 3 or len(row) > 4:
                result.problems.append(
                    _problem(
                        path,
                        line,
                        f"has {len(row)} columns, not 3 or 4 ({', '.join(COLUMNS)}, note)",
                    )
                )
                continue
            cells = [cell.strip() for cell in row]
            result.cases.append(
                Case(line, cells[0], cells[1], cells[2], cells[3] if len(cells) > 3 else "")
            )
    except csv.Error as exc:
        result.problems.append(_problem(path, reader.line_num, f"is not CSV: {exc}"))
    return result


#: the code of a case set that cannot be read as one
CODE = "QP171"


def _problem(path: str, line: int, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic.at(
        Position(path, line, 1),
        CODE,
        f"training case set {message}",
        hint or "columns: item_id,expected_decision,policy_version,note",
    )
