"""The pull-request workflow, offline: the GitHub Actions files are valid and lint clean,
the pre-commit hooks work in another repository, and a branch's validate output and
Markdown plan are exactly what a reviewer sees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import CASES, ROOT, TODAY, expect_golden, run_qplan
from tests.plan_scenario import apply_all, edit, normalised

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _run(*command: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QPLAN_TODAY=TODAY, NO_COLOR="1")
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_workflows_match_githubs_schema() -> None:
    assert [w.name for w in WORKFLOWS] == ["apply.yml", "plan.yml", "validate.yml"]
    done = _run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflows_pass_actionlint() -> None:
    done = _run(BIN / "actionlint", *WORKFLOWS)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


def _workflow(name: str) -> dict[str, object]:
    data: dict[str, object] = YAML(typ="safe").load(
        (ROOT / ".github" / "workflows" / name).read_text()
    )
    return data


def test_what_the_workflows_run() -> None:
    validate = str(_workflow("validate.yml"))
    for command in ("qplan validate --format github", "qplan fmt --check", "qplan schema --check"):
        assert command in validate
    plan = _workflow("plan.yml")
    text = (ROOT / ".github" / "workflows" / "plan.yml").read_text()
    assert (
        "qplan plan --format markdown --out ../out/pr.plan --split-dir ../out/plan-comment" in text
    )
    assert "updateComment" in text and "deleteComment" in text  # one sticky comment per part
    assert plan["concurrency"] == {
        "group": "qplan-plan-${{ github.event.pull_request.number }}",
        "cancel-in-progress": True,
    }
    apply = _workflow("apply.yml")
    assert apply["concurrency"] == {"group": "qplan-apply", "cancel-in-progress": False}
    apply_text = (ROOT / ".github" / "workflows" / "apply.yml").read_text()
    assert "qplan apply reviewed/pr.plan" in apply_text and "GITHUB_STEP_SUMMARY" in apply_text
    assert "actions/deploy-pages" in apply_text and "qplan docs build --out site" in apply_text


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@lakeside.example", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _example_git_repo(path: Path) -> Path:
    for name in ("workflows", "sops", "training"):
        shutil.copytree(ROOT / name, path / name)
    _git(path, "init", "-q", "-b", "main")
    _git(path, "add", ".")
    _git(path, "commit", "-q", "-m", "Lakeside Social (fictional)")
    return path


def _hooks_repository(path: Path) -> str:
    """This checkout's tracked files as they are in the work tree, committed in a
    repository of their own (what another repository's config names); returns the commit."""
    tracked = _git(ROOT, "ls-files", "-z").split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, path / name)
    _git(path, "init", "-q")
    _git(path, "add", ".")
    _git(path, "commit", "-q", "-m", "qplan")
    return _git(path, "rev-parse", "HEAD").strip()


def test_pre_commit_hooks_in_another_repository(tmp_path: Path) -> None:
    """An organisation's repository names qplan's hooks in its .pre-commit-config.yaml,
    as the README says; pre-commit installs them once and runs them on every commit."""
    repo = _example_git_repo(tmp_path / "org")
    hooks = tmp_path / "hooks"
    rev = _hooks_repository(hooks)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n"
        "    hooks: [{id: qplan-validate}, {id: qplan-fmt}]\n"
    )
    _git(repo, "add", ".pre-commit-config.yaml")
    _git(repo, "commit", "-q", "-m", "Check every change with qplan")
    env_home = tmp_path / "pre-commit-home"
    env = dict(os.environ, PRE_COMMIT_HOME=str(env_home), QPLAN_TODAY=TODAY, NO_COLOR="1")

    def run_hooks() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [BIN / "pre-commit", "run", "--all-files", "--color", "never"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    clean = run_hooks()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "qplan validate" in clean.stdout and "qplan fmt" in clean.stdout
    org = repo / "workflows" / "short-video.yaml"
    org.write_text(
        org.read_text().replace("languages: [de, fr]\n", "languages: [fr, de]\n", 1)
        .replace("shares: {us-austin: 40, us-reno: 60}", "shares: {us-austin: 40, us-reno: 50}")
    )  # fmt: skip
    broken = run_hooks()
    assert broken.returncode == 1
    assert "QP110 shares of sv-hate-speech-en sum to 90, not 100" in broken.stdout
    assert "reformatted workflows/short-video.yaml" in broken.stdout
    assert "languages: [de, fr]" in org.read_text()  # the fmt hook put them in order
    # one environment, made by the first run and used by the second
    assert len(list(env_home.glob("repo*/py_env-*"))) == 1


def _golden(name: str, actual: str) -> None:
    expect_golden(CASES / "pull-request" / name, actual)


def test_a_pull_request_end_to_end(tmp_path: Path) -> None:
    repo = _example_git_repo(tmp_path / "org")
    state = str(tmp_path / "state.db")
    apply_all(repo, state)
    _git(repo, "checkout", "-q", "-b", "shift-austin")
    sv = "workflows/short-video.yaml"
    edit(repo, sv, "shares: {us-austin: 40, us-reno: 60}", "shares: {us-austin: 70, us-reno: 30}")
    edit(repo, sv, "sla: {percent: 95, within: 24h}", "sla: {percent: 97, within: 12h}", count=2)
    edit(
        repo,
        "sops/short-video.md.j2",
        "read the caption and the on-screen text",
        "read the caption, the on-screen text and the top comments",
    )
    edit(repo, "sops/short-video.md.j2", "last_reviewed: 2026-11-24", "last_reviewed: 2025-08-29")
    _git(repo, "commit", "-q", "-am", "Move hate-speech volume to Austin; tighten the SLA")
    validated = run_qplan("validate", "--format", "github", repo=repo)
    assert validated.exit_code == 0
    _golden("validate-github.txt", validated.output)
    planned = run_qplan("--state", state, "plan", "--format", "markdown", repo=repo)
    assert planned.exit_code == 0
    _golden("plan.md", normalised(planned.output))
    owners = run_qplan("owners", repo=repo)
    assert owners.output == "Wrote .github/CODEOWNERS.\n"
    assert run_qplan("owners", "--check", repo=repo).exit_code == 0
    edit(repo, sv, "owner: ts-short-video@lakeside.example", "owner: ts-video@lakeside.example")
    stale = run_qplan("owners", "--check", repo=repo)
    assert stale.exit_code == 1
    assert "-/workflows/short-video.yaml ts-short-video@lakeside.example" in stale.output
    assert stale.output.endswith("error: .github/CODEOWNERS is out of date: run `qplan owners`\n")


@pytest.mark.parametrize("name", ["validate.yml", "plan.yml", "apply.yml"])
def test_qplan_commands_in_workflows_exist(name: str) -> None:
    """Every `qplan …` line a workflow runs names a real command and real options."""
    import shlex

    import click

    from qplan.cli import cli

    text = (ROOT / ".github" / "workflows" / name).read_text()
    for line in text.splitlines():
        stripped = line.strip().removeprefix("- ").removeprefix("run: ")
        if not stripped.startswith("qplan "):
            continue
        words = [w for w in shlex.split(stripped.split("|")[0].split(">")[0]) if "$" not in w]
        command: click.Command = cli
        args = words[1:]
        while args and isinstance(command, click.Group) and args[0] in command.commands:
            command = command.commands[args.pop(0)]
        known = {opt for p in command.params for opt in getattr(p, "opts", [])}
        for word in args:
            if word.startswith("--"):
                assert word.split("=")[0] in known, f"{name}: {stripped}: no option {word}"
