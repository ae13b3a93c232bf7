"""What the repository's git checkout says: the commit a revision records, and who applies."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def _git(root: Path, *args: str) -> str | None:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


#: appended to the commit a revision records when the working tree had uncommitted changes
DIRTY = "-dirty"


def git_commit(root: Path, inputs: Iterable[Path] = ()) -> str | None:
    """The commit the repository is at, when it is a git checkout; ``<sha>-dirty`` when
    the organisation's files (``inputs``, default: the whole tree) differ from it, or
    new ones are there (as ``git describe --dirty`` says)."""
    commit = _git(root, "rev-parse", "HEAD")
    if commit is None:
        return None
    paths = [str(p.relative_to(root)) for p in inputs if p.exists()] or ["."]
    status = _git(root, "status", "--porcelain", "--untracked-files=normal", "--", *paths)
    return commit + DIRTY if status else commit


def actor(root: Path, given: str | None = None) -> str:
    """Who applies: ``--actor``, ``QPLAN_ACTOR``, the git author, or the login name."""
    if given:
        return given
    if os.environ.get("QPLAN_ACTOR"):
        return os.environ["QPLAN_ACTOR"]
    ident = _git(root, "var", "GIT_AUTHOR_IDENT")
    if ident and ">" in ident:
        return ident[: ident.rindex(">") + 1]
    from qplan.plan.state import default_actor

    return default_actor()
