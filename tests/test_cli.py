"""The command line: exit codes, formats, and a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASES, ROOT, TODAY, run_qplan

DUPLICATE_KEY = CASES / "invalid" / "duplicate-key"


def test_usage_error_exits_64() -> None:
    result = run_qplan("validate", "--format", "yaml")
    assert result.exit_code == 64
    assert "Invalid value for '--format'" in result.output


def test_unknown_command_exits_64() -> None:
    assert run_qplan("valdate").exit_code == 64


def test_github_annotations_exact() -> None:
    result = run_qplan("validate", "--format", "github", repo=DUPLICATE_KEY)
    assert result.exit_code == 1
    assert result.output == (
        "::error file=workflows/org.yaml,line=15,col=5,title=QP002::duplicate key 'name' "
        "(first defined at line 14) (remove one of them; YAML would silently keep only one)\n"
        "Invalid: 1 error, 0 warnings.\n"
    )


def test_json_contract_exact() -> None:
    result = run_qplan("validate", "--format", "json", repo=DUPLICATE_KEY)
    assert result.exit_code == 1
    assert json.loads(result.output) == {
        "format_version": "1",
        "valid": False,
        "summary": {"errors": 1, "warnings": 0},
        "diagnostics": [
            {
                "code": "QP002",
                "severity": "error",
                "file": "workflows/org.yaml",
                "line": 15,
                "column": 5,
                "message": "duplicate key 'name' (first defined at line 14)",
                "hint": "remove one of them; YAML would silently keep only one",
            }
        ],
    }


def test_strict_turns_warnings_into_failure() -> None:
    case = CASES / "valid" / "sop-review-overdue-is-a-warning"
    assert run_qplan("validate", repo=case).exit_code == 0
    result = run_qplan("validate", "--strict", "--format", "json", repo=case)
    assert result.exit_code == 1
    assert json.loads(result.output)["valid"] is False


def test_rules_table_lists_every_code() -> None:
    from qplan.core.rules import RULES

    result = run_qplan("rules")
    assert result.exit_code == 0
    codes = [line.split()[0] for line in result.output.splitlines()[1:] if line[:2] == "QP"]
    assert codes == list(RULES)
    # under each rule's line, indented, what it checks
    lines = result.output.splitlines()
    assert lines[lines.index(next(r for r in lines if r.startswith("QP002"))) + 1] == (
        "       No mapping repeats a key."
    )
    rows = json.loads(run_qplan("rules", "--format", "json").output)["rules"]
    assert {r["code"]: r["suppressible"] for r in rows}["QP112"] is False


def test_schema_check_and_write(tmp_path: Path) -> None:
    assert run_qplan("schema", "--check", repo=ROOT).exit_code == 0
    result = run_qplan("schema", "--check", repo=tmp_path)
    assert result.exit_code == 1
    assert "schemas/workflows.schema.json is out of date" in result.output
    assert run_qplan("schema", repo=tmp_path).exit_code == 0
    assert run_qplan("schema", "--check", repo=tmp_path).exit_code == 0
    schema = json.loads((tmp_path / "schemas" / "workflows.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert "queues" in schema["properties"]


def test_bad_setting_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.qplan]\nmax_file_bytes = -1\n")
    result = run_qplan("validate", repo=tmp_path)
    assert result.exit_code == 1
    assert result.output == (
        "error: pyproject.toml: [tool.qplan] max_file_bytes must be a positive integer\n"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"usd"', "currency 'usd' is not a three-letter ISO 4217 code (hint: EUR, USD, INR)"),
        ('"US$"', "currency 'US$' is not a three-letter ISO 4217 code (hint: EUR, USD, INR)"),
        ("978", "currency must be a string"),
    ],
)
def test_bad_currency_is_one_line(tmp_path: Path, value: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.qplan]\ncurrency = {value}\n")
    result = run_qplan("validate", repo=tmp_path)
    assert (result.exit_code, result.output) == (
        1,
        f"error: pyproject.toml: [tool.qplan] {message}\n",
    )


@pytest.mark.parametrize(
    ("safety", "message"),
    [
        ("max_change_percent = -5", "[tool.qplan.safety] max_change_percent must be a number >= 0"),
        ("min_existing = 2.5", "[tool.qplan.safety] min_existing must be a whole number"),
        ("max_share_move = true", "[tool.qplan.safety] max_share_move must be a number >= 0"),
        (
            "max_changes = 3",
            "[tool.qplan.safety] has no key 'max_changes' "
            "(max_change_percent, max_share_move, min_existing)",
        ),
    ],
)
def test_bad_safety_setting_is_one_line(tmp_path: Path, safety: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.qplan.safety]\n{safety}\n")
    result = run_qplan("plan", repo=tmp_path)
    assert (result.exit_code, result.output) == (1, f"error: pyproject.toml: {message}\n")


def _subprocess(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QPLAN_TODAY=TODAY, NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "qplan", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_subprocess_validates_the_example_organisation() -> None:
    done = _subprocess("validate", "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["summary"] == {"errors": 0, "warnings": 0}
    assert done.stderr == ""


def test_subprocess_reports_invalid_case_without_traceback() -> None:
    done = _subprocess("--repo", str(CASES / "invalid" / "alias-bomb"), "validate")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith("workflows/bomb.yaml:5:4: QP003 ")


def test_subprocess_usage_error() -> None:
    done = _subprocess("validate", "--no-such-flag")
    assert done.returncode == 64
    assert "No such option" in done.stderr and "--no-such-flag" in done.stderr


def test_help_does_not_import_the_pipeline() -> None:
    code = (
        "import sys; from qplan.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pydantic', 'jinja2', 'yaml', 'rich') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "HEAVY="


def test_a_command_collects_garbage_rarely() -> None:
    """A one-shot command raises the collector's thresholds (its full collections walked
    every loaded object, a quarter of validate at 10,000 queues); `docs serve` does not."""
    import gc

    from qplan.cli import main
    from qplan.cli.common import DEFAULT_GC_THRESHOLDS, GC_THRESHOLDS

    before = gc.get_threshold()
    try:
        with pytest.raises(SystemExit) as done:
            main(["--help"])
        assert done.value.code == 0
        assert gc.get_threshold() == GC_THRESHOLDS == (100_000, 50, 1_000)
        fresh = subprocess.run(
            [sys.executable, "-c", "import gc; print(*gc.get_threshold())"],
            capture_output=True,
            text=True,
            check=True,
        )
        # the interpreter's own, whatever its version
        assert tuple(int(n) for n in fresh.stdout.split()) == DEFAULT_GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
