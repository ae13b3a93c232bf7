"""The import layering of the stages (import-linter contracts) holds and catches a breach."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=src,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
    )


def test_contracts_hold_for_the_package() -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_a_lower_stage_importing_a_higher_one_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "src" / "qplan", tmp_path / "qplan")
    errors = tmp_path / "qplan" / "core" / "errors.py"
    errors.write_text(errors.read_text() + "\n\ndef _late() -> None:\n    import qplan.plan.plan\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "qplan.core.errors -> qplan.plan.plan" in result.stdout
    assert "Contracts: 2 kept, 1 broken." in result.stdout
