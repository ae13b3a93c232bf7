from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
TODAY = "2026-11-25"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review dates are checked against a fixed day, so expected output never ages."""
    monkeypatch.setenv("QPLAN_TODAY", TODAY)
    monkeypatch.delenv("QPLAN_STATE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


def run_qplan(*args: str, repo: Path | str | None = None, input: str | None = None) -> Result:
    """Run ``qplan`` in-process through its real entry point (exit codes included)."""
    argv = (["--repo", str(repo)] if repo is not None else []) + list(args)
    return CliRunner().invoke(_ENTRY, argv, input=input, catch_exceptions=False)


@click.command(
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.pass_context
def _ENTRY(ctx: click.Context) -> None:
    from qplan.cli import main

    main(list(ctx.args))


@pytest.fixture
def example_repo(tmp_path: Path) -> Iterator[Path]:
    """A copy of the repository's example organisation, free to modify."""
    target = tmp_path / "repo"
    target.mkdir()
    for name in ("workflows", "sops", "schemas"):
        shutil.copytree(ROOT / name, target / name)
    yield target


def copy_case(case: Path, tmp_path: Path) -> Path:
    target = tmp_path / case.name
    shutil.copytree(case, target, symlinks=True)
    return target
