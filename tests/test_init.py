"""qplan init: a new organisation's repository, valid as it is, and the example on request."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_qplan

STARTED = [
    ".github/CODEOWNERS",
    ".github/workflows/apply.yml",
    ".github/workflows/plan.yml",
    ".github/workflows/validate.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "README.md",
    "pyproject.toml",
    "schemas/project.schema.json",
    "schemas/scenario.schema.json",
    "schemas/sop-front-matter.schema.json",
    "schemas/workflows.schema.json",
    "sops/README.md",
    "training/README.md",
    "workflows/organisation.yaml",
]


def test_init_writes_an_organisation_that_validates_plans_and_passes_ci(tmp_path: Path) -> None:
    result = run_qplan("init", "my-org", repo=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"  wrote {name}" for name in STARTED] + [
        "Started an organisation in my-org: read its README.md for what to do next, and run "
        "qplan validate there."
    ]
    org = tmp_path / "my-org"
    assert sorted(str(p.relative_to(org)) for p in org.rglob("*") if p.is_file()) == STARTED
    # what its own validate workflow runs passes
    assert run_qplan("validate", repo=org).output == "Valid: no problems found.\n"
    for command in (["fmt", "--check"], ["owners", "--check"], ["schema", "--check"]):
        assert run_qplan(*command, repo=org).exit_code == 0, command
    planned = run_qplan("--state", str(tmp_path / "s.db"), "plan", repo=org)
    assert planned.exit_code == 0, planned.output
    assert planned.output.endswith("Plan: 1 to create, 0 to update, 0 to delete.\n")
    readme = (org / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# My Org\n") and "qplan import plan.xlsx" in readme


def test_init_refuses_a_folder_with_files_unless_forced(tmp_path: Path) -> None:
    org = tmp_path / "org"
    (org / "workflows").mkdir(parents=True)
    (org / "notes.txt").write_text("mine\n")
    result = run_qplan("init", "org", repo=tmp_path)
    assert (result.exit_code, result.output) == (
        64,
        "error: 'org' is not empty (notes.txt, workflows): give an empty folder, or --force "
        "to add the files that are missing\n",
    )
    assert sorted(p.name for p in org.iterdir()) == ["notes.txt", "workflows"]
    (org / "README.md").write_text("# Ours\n")
    forced = run_qplan("init", "org", "--force", repo=tmp_path)
    assert forced.exit_code == 0, forced.output
    assert (org / "README.md").read_text() == "# Ours\n"  # a file that is there stays
    assert "  wrote README.md" not in forced.output.splitlines()
    assert (org / "workflows" / "organisation.yaml").is_file()
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert run_qplan("init", "a-file", repo=tmp_path).output == (
        "error: 'a-file' is a file, not a folder\n"
    )


def test_init_example_copies_the_example_organisation(tmp_path: Path) -> None:
    result = run_qplan("init", "lakeside", "--example", repo=tmp_path)
    assert result.exit_code == 0, result.output
    org = tmp_path / "lakeside"
    for folder in ("workflows", "sops", "training", "actuals", "projects", "scenarios"):
        mine = sorted(p.relative_to(org) for p in (org / folder).rglob("*") if p.is_file())
        theirs = sorted(p.relative_to(ROOT) for p in (ROOT / folder).rglob("*") if p.is_file())
        assert mine == theirs, folder
    assert run_qplan("validate", repo=org).output == "Valid: no problems found.\n"


def test_the_starter_workflows_are_this_repositorys_installing_the_release(
    tmp_path: Path,
) -> None:
    """A new repository's plan and apply workflows are qplan's own, changed only where they
    install qplan (the release, not a checkout), and pass actionlint."""
    assert run_qplan("init", "org", repo=tmp_path).exit_code == 0
    from importlib.metadata import version

    pinned = f'python -m pip install "qplan[postgres]=={version("qplan")}"'
    ours = (ROOT / ".github" / "workflows" / "apply.yml").read_text(encoding="utf-8")
    theirs = (tmp_path / "org" / ".github" / "workflows" / "apply.yml").read_text(encoding="utf-8")
    assert theirs == ours.replace('python -m pip install ".[postgres]"', pinned)
    plan = (tmp_path / "org" / ".github" / "workflows" / "plan.yml").read_text(encoding="utf-8")
    assert "./base" not in plan and pinned in plan
    ours_plan = (ROOT / ".github" / "workflows" / "plan.yml").read_text(encoding="utf-8")
    assert plan.split("  comment:\n")[1] == ours_plan.split("  comment:\n")[1]
    lint = Path(sys.executable).parent / "actionlint"
    if not lint.exists():
        pytest.skip("actionlint is not installed")
    done = subprocess.run(
        [str(lint), *sorted((tmp_path / "org" / ".github" / "workflows").glob("*.yml"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
