"""Example repositories under tests/cases/: valid ones pass, invalid ones give exactly
the diagnostics in their expected.txt (code, file, line, column, message, hint)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CASES, expect_golden, run_qplan

VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())


def _compare(case: Path, name: str, actual: str) -> None:
    expect_golden(case / name, actual)


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_case(case: Path) -> None:
    result = run_qplan("validate", repo=case)
    assert result.exit_code == 0, result.output
    _compare(case, "expected.txt", result.output)


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case(case: Path) -> None:
    result = run_qplan("validate", repo=case)
    assert result.exit_code == 1, result.output
    _compare(case, "expected.txt", result.output)


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_json_matches_text(case: Path) -> None:
    """The JSON contract carries the same diagnostics as the text, in the same order."""
    result = run_qplan("validate", "--format", "json", repo=case)
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["format_version"] == "1"
    assert document["valid"] is False
    lines = [
        f"{d['file']}:{d['line']}:{d['column']}: {d['code']} {d['message']}"
        for d in document["diagnostics"]
    ]
    expected = [
        line
        for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        if not line.startswith("  hint: ") and not line.startswith(("Invalid:", "Valid"))
    ]
    assert lines == expected
    assert document["summary"]["errors"] == sum(
        d["severity"] == "error" for d in document["diagnostics"]
    )


def test_every_rule_has_a_case() -> None:
    """Each rule code appears in at least one expected output."""
    from qplan.core.rules import RULES

    seen: set[str] = set()
    for case in VALID + INVALID:
        text = (case / "expected.txt").read_text(encoding="utf-8")
        seen.update(code for code in RULES if f" {code} " in text)
    seen.add("QP009")  # symlinks out of the repository are made at test time (test_loader)
    seen.update({"QP012", "QP013", "QP014"})  # hostile names and files: tests/security
    # checked by plan against a state (test_lifecycle)
    seen.update({"QP186", "QP190", "QP191", "QP192"})
    assert sorted(set(RULES) - seen) == []
