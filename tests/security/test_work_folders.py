"""What a pull request commits under qplan's own work folders (`.qplan/`, `site/`,
`schemas/`, `.github/`), symlinks included, never makes qplan write, delete or publish
outside the repository: `docs build` and `docs serve` at their defaults, as CI runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.security.harness import child_environment, minimal_repo, qplan, snapshot

QPLAN = [sys.executable, "-m", "qplan"]
SECRET = "QPLAN-TEST-SECRET-5b1e"


def _outside(tmp_path: Path) -> Path:
    """A folder outside the repository with a secret in it (and a page with a script)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET}\n")
    (outside / "page.html").write_text(f"<script>alert('{SECRET}')</script>\n")
    (outside / "keep.md").write_text("# not qplan's\n")
    return outside


def _site_text(site: Path) -> str:
    found = []
    for path in sorted(site.rglob("*")):
        assert not path.is_symlink(), path
        if path.is_file():
            found.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(found)


def _committed_project(repo: Path, outside: Path) -> None:
    """A `.qplan/docs` as an earlier qplan made it (with its marker), whose docs folder is
    a symlink out of the repository, and a second symlink to the secret inside it."""
    project = repo / ".qplan" / "docs"
    project.mkdir(parents=True)
    (project / ".qplan-generated").write_text("made by qplan\n")
    (project / "docs").symlink_to(outside, target_is_directory=True)
    (repo / ".qplan" / "environ").symlink_to("/proc/self/environ")


def test_docs_build_never_uses_a_committed_project_folder(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    outside = _outside(tmp_path)
    _committed_project(repo, outside)
    before = snapshot(outside)
    done = qplan("docs", "build", repo=repo, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot(outside) == before  # nothing deleted, nothing written
    assert SECRET not in _site_text(repo / "site")
    assert not (repo / "site" / "secret.txt").exists()
    # the committed folder is left as it was: qplan built in a private folder of its own
    assert (repo / ".qplan" / "docs" / "docs").is_symlink()


def test_docs_build_copies_no_symlink_of_the_site_folder(tmp_path: Path) -> None:
    """A committed site folder with qplan's marker and symlinks in it: the links are
    removed (not followed), and MkDocs writes only into real folders."""
    repo = minimal_repo(tmp_path)
    outside = _outside(tmp_path)
    site = repo / "site"
    site.mkdir()
    (site / ".qplan-generated").write_text("made by qplan\n")
    (site / "assets").symlink_to(outside, target_is_directory=True)
    (site / "sops").symlink_to(outside, target_is_directory=True)
    (site / "secret.txt").symlink_to(outside / "secret.txt")
    (site / ".evil.html").write_text("<script>alert(1)</script>\n")  # MkDocs keeps dotfiles
    (site / ".hidden").mkdir()
    (site / ".hidden" / "a.html").write_text("<script>alert(2)</script>\n")
    before = snapshot(outside)
    for extra in ([], ["--no-cache"]):
        done = qplan("docs", "build", *extra, repo=repo, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert snapshot(outside) == before
        assert (site / "assets").is_dir() and not (site / "assets").is_symlink()
        assert SECRET not in _site_text(site)
        assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == [
            ".qplan-generated"
        ]


@pytest.mark.parametrize(
    ("linked", "option", "message"),
    [
        (
            "site",
            [],
            "error: --out site is, or lies under, a symlink in the repository; qplan "
            "writes only into real folders (remove the symlink)\n",
        ),
        (
            "work",
            ["--project-dir", "work/docs"],
            "error: --project-dir work/docs is, or lies under, a symlink in the repository; "
            "qplan writes only into real folders (remove the symlink)\n",
        ),
        (
            ".qplan",
            [],  # the project is private; the state file is refused
            "error: state file {repo}/.qplan/state.db: .qplan in the repository is a symlink; "
            "qplan never writes or deletes through one (remove it)\n",
        ),
    ],
)
def test_docs_build_refuses_an_output_folder_that_is_a_symlink(
    tmp_path: Path, linked: str, option: list[str], message: str
) -> None:
    repo = minimal_repo(tmp_path)
    outside = _outside(tmp_path)
    (repo / linked).symlink_to(outside, target_is_directory=True)
    (outside / ".qplan-generated").write_text("made by qplan\n")
    before = snapshot(tmp_path)
    done = qplan("docs", "build", *option, repo=repo, timeout=120)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == message.format(repo=repo)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("command", "linked", "shown"),
    [
        (["schema"], "schemas", "schemas"),
        (["owners"], ".github", ".github"),
        (["plan", "--out", "plans/next.plan"], "plans", "plans"),
        (["apply", "--auto-approve"], ".qplan", ".qplan"),
    ],
)
def test_no_command_writes_through_a_committed_symlink(
    tmp_path: Path, command: list[str], linked: str, shown: str
) -> None:
    repo = minimal_repo(tmp_path)
    outside = _outside(tmp_path)
    (repo / linked).symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    done = qplan(*command, repo=repo, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{shown} in the repository is a symlink" in done.stderr
    assert snapshot(outside) == before


def test_owners_check_shows_no_file_a_symlink_points_at(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    outside = _outside(tmp_path)
    (repo / ".github").mkdir()
    (repo / ".github" / "CODEOWNERS").symlink_to(outside / "secret.txt")
    done = qplan("owners", "--check", repo=repo)
    assert done.returncode == 1
    assert SECRET not in done.stdout + done.stderr
    assert done.stderr == (
        "error: .github/CODEOWNERS cannot be read: file points outside the repository\n"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, deadline: float) -> tuple[int, str]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, ""
        except OSError:
            assert time.monotonic() < deadline, f"{url} never answered"
            time.sleep(0.2)


def test_docs_serve_never_uses_a_committed_project_folder(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    outside = _outside(tmp_path)
    _committed_project(repo, outside)
    state = str(tmp_path / "state.db")
    before = snapshot(outside)
    address = f"127.0.0.1:{_free_port()}"
    process = subprocess.Popen(
        [*QPLAN, "--repo", str(repo), "--state", state, "docs", "serve", "--dev-addr", address],
        env={**child_environment(repo), "TMPDIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        status, page = _get(f"http://{address}/", deadline)
        assert status == 200 and "Workflow" in page
        for name in ("secret.txt", "page.html", "keep.html"):
            status, text = _get(f"http://{address}/{name}", deadline)
            assert status == 404 and SECRET not in text
        # the private project folder holds no file that names the state
        private = [p for p in tmp_path.iterdir() if p.name.startswith("qplan-docs-")]
        assert len(private) == 1
        for path in private[0].rglob("*"):
            if path.is_file():
                assert state not in path.read_text(encoding="utf-8", errors="replace")
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert snapshot(outside) == before
    assert [p for p in tmp_path.iterdir() if p.name.startswith("qplan-docs-")] == []
    assert os.readlink(repo / ".qplan" / "docs" / "docs") == str(outside)
