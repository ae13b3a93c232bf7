"""Every stage reads only regular files inside the repository, within size and count limits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.security.harness import minimal_repo, qplan, snapshot


@pytest.mark.parametrize("command", [["validate"], ["plan"], ["fmt", "--check"], ["docs", "build"]])
def test_a_symlink_to_dev_zero_is_never_read(tmp_path: Path, command: list[str]) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "workflows" / "zero.yaml").symlink_to("/dev/zero")
    before = snapshot(repo)
    done = qplan(*command, repo=repo, timeout=30)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "workflows/zero.yaml:1:1: QP009 file points outside the repository"
    )
    assert snapshot(repo) == before


def test_a_symlink_inside_to_a_device_like_file_is_not_read(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    os.mkfifo(repo / "fifo")
    (repo / "sops" / "loop.md.j2").symlink_to(repo / "fifo")
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "sops/loop.md.j2:1:1: QP013 not a regular file: it is a FIFO, socket or device"
    )


@pytest.mark.parametrize(
    ("name", "make", "what"),
    [
        ("workflows/dir.yaml", "dir", "a directory"),
        ("workflows/pipe.yaml", "fifo", "a FIFO, socket or device"),
        ("sops/dir.md.j2", "dir", "a directory"),
        ("sops/pipe.md.j2", "fifo", "a FIFO, socket or device"),
    ],
)
def test_directories_and_fifos_with_input_names_are_diagnosed(
    tmp_path: Path, name: str, make: str, what: str
) -> None:
    repo = minimal_repo(tmp_path)
    if make == "dir":
        (repo / name).mkdir()
    else:
        os.mkfifo(repo / name)
    for command in (["validate"], ["plan"]):
        done = qplan(*command, repo=repo, timeout=30)
        assert done.returncode == 1
        assert done.stdout.splitlines()[0] == f"{name}:1:1: QP013 not a regular file: it is {what}"


def test_a_symlink_loop_is_diagnosed(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "workflows" / "a.yaml").symlink_to(repo / "workflows" / "b.yaml")
    (repo / "workflows" / "b.yaml").symlink_to(repo / "workflows" / "a.yaml")
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "workflows/a.yaml:1:1: QP013 file cannot be resolved (a symlink loop?)"
    )


def test_the_number_of_files_is_capped(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "pyproject.toml").write_text("[tool.qplan]\nmax_files = 3\n")
    for number in range(5):
        (repo / "workflows" / f"extra-{number}.yaml").write_text("workflows: []\n")
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 1
    assert (
        "workflows:1:1: QP014 more than 3 input files under this folder"
    ) in done.stdout.splitlines()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "max_file_bytes = 1099511627776",
            "max_file_bytes = 1,099,511,627,776 is over qplan's ceiling of 67,108,864",
        ),
        ("max_depth = 100000", "max_depth = 100,000 is over qplan's ceiling of 100"),
        ("max_files = 10000000", "max_files = 10,000,000 is over qplan's ceiling of 100,000"),
        ("max_depth = true", "max_depth must be a positive integer"),
    ],
)
def test_limits_have_hard_ceilings(tmp_path: Path, setting: str, message: str) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "pyproject.toml").write_text(f"[tool.qplan]\n{setting}\n")
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 1
    assert done.stderr == f"error: pyproject.toml: [tool.qplan] {message}\n"


def test_a_nul_byte_is_reported_at_its_line(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    org = repo / "workflows" / "org.yaml"
    text = org.read_text().replace("    name: Policy\n", "    name: Pol\0icy\n")
    org.write_text(text)
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 1
    assert "workflows/org.yaml:8:14: QP007 NUL byte in a text file" in done.stdout.splitlines()
