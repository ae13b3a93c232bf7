"""Run qplan as a separate process against hostile input: bounded in time, never a traceback."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import CASES, ROOT, TODAY

MINIMAL = CASES / "valid" / "minimal"


def qplan(
    *args: str,
    repo: Path,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``qplan --repo REPO ARGS`` in a child process, killed after ``timeout`` seconds."""
    environment = {**child_environment(repo), **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "qplan", "--repo", str(repo), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        cwd=repo,
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def child_environment(repo: Path) -> dict[str, str]:
    """The environment a child ``qplan`` runs in: this checkout's source, a fixed today."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "QPLAN_TODAY": TODAY,
        "QPLAN_ACTOR": "tester@lakeside.example",
        "NO_COLOR": "1",
        "PYTHONPATH": str(ROOT / "src"),
        "HOME": str(repo.parent),
    }


def minimal_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo, symlinks=True)
    (repo / "expected.txt").unlink()
    return repo


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (not following symlinks) with a digest of its content."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = "symlink:" + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = "special"
    return found
