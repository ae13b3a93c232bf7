"""Outputs never replace inputs, and every recorded apply names where it came from."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.security.harness import minimal_repo, qplan, snapshot


@pytest.mark.parametrize(
    ("option", "folder", "message"),
    [
        (
            "--out",
            "workflows",
            "error: --out workflows would mix with the repository's workflows; "
            "choose a folder of its own\n",
        ),
        (
            "--out",
            "sops/site",
            "error: --out sops/site would mix with the repository's sops; "
            "choose a folder of its own\n",
        ),
        ("--out", ".", "error: --out . is the repository or holds it; choose a new folder\n"),
        ("--out", "..", "error: --out .. is the repository or holds it; choose a new folder\n"),
        (
            "--project-dir",
            "training",
            "error: --project-dir training would mix with the "
            "repository's training; choose a folder of its own\n",
        ),
        (
            "--out",
            "notes",
            "error: --out notes is not empty and was not made by qplan; choose "
            "an empty or new folder (qplan empties the folders it made)\n",
        ),
    ],
)
def test_docs_build_refuses_folders_it_must_not_empty(
    tmp_path: Path, option: str, folder: str, message: str
) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "notes").mkdir()
    (repo / "notes" / "mine.txt").write_text("keep me\n")
    before = snapshot(tmp_path)
    done = qplan("docs", "build", option, folder, repo=repo, timeout=120)
    assert done.returncode in (1, 64)
    assert done.stderr == message
    assert snapshot(tmp_path) == before


def test_docs_build_rebuilds_a_folder_it_made(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    assert qplan("docs", "build", "--out", "public", repo=repo, timeout=120).returncode == 0
    assert (repo / "public" / ".qplan-generated").is_file()
    done = qplan("docs", "build", "--out", "public", repo=repo, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (repo / "public" / "index.html").is_file()


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def _git_repo(tmp_path: Path) -> Path:
    repo = minimal_repo(tmp_path)
    (repo / ".gitignore").write_text(".qplan/\n*.plan\n")
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "org")
    return repo


def test_an_apply_records_its_commit_and_a_dirty_tree(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path)
    commit = _git(repo, "rev-parse", "HEAD")
    assert qplan("apply", "--auto-approve", repo=repo).returncode == 0
    assert qplan("state", "show", repo=repo).stdout.splitlines()[4] == f"git_commit:  {commit}"
    org = repo / "workflows" / "org.yaml"
    org.write_text(org.read_text().replace("weekly_volume: 10000", "weekly_volume: 12000"))
    done = qplan("apply", "--auto-approve", repo=repo)
    assert done.returncode == 1
    assert done.stderr == (
        "error: the git tree has uncommitted changes: commit them (so the revision names the "
        "commit it came from), apply a saved plan, or pass --allow-dirty\n"
    )
    assert qplan("plan", "--out", "pr.plan", repo=repo).returncode == 0
    assert qplan("apply", "pr.plan", repo=repo).returncode == 0
    show = qplan("state", "show", repo=repo).stdout.splitlines()
    assert show[0] == "serial:      2"
    assert show[4] == f"git_commit:  {commit}-dirty"
