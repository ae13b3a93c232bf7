"""One line, never a traceback: odd URLs, serials, encodings and line endings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.harness import minimal_repo, qplan


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "postgresql://u@[::1/db",
            "error: state URL postgresql://u@[::1/db is not a valid URL: Invalid IPv6 URL\n",
        ),
        (
            "postgresql://u:p@host:99999/db?password=p",
            "error: state URL postgresql://u:***@host:99999/db?password=*** is "
            "not a valid URL: Port out of range 0-65535\n",
        ),
        ("postgresql://host/db\nx", "error: state URL holds control characters\n"),
        (
            "ftp://host/state",
            "error: state URL scheme 'ftp' is not supported; use a file path, "
            "sqlite:///path or postgresql://…\n",
        ),
    ],
)
def test_a_bad_state_url_is_one_line(tmp_path: Path, url: str, message: str) -> None:
    done = qplan("--state", url, "state", "list", repo=tmp_path, timeout=30)
    assert done.returncode == 1
    assert done.stderr == message


@pytest.mark.parametrize("command", [["state", "show"], ["state", "list"]])
def test_a_huge_serial_is_a_usage_error(tmp_path: Path, command: list[str]) -> None:
    done = qplan(*command, "--serial", "99999999999999999999", repo=tmp_path, timeout=30)
    assert done.returncode == 64
    assert "Invalid value for '--serial': 99999999999999999999 is not in the range" in done.stderr


def test_crlf_sops_and_yaml_are_accepted_and_fmt_keeps_them(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    for path in (repo / "sops" / "wf.md.j2", repo / "workflows" / "org.yaml"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 0, done.stdout
    assert done.stdout == "Valid: no problems found.\n"
    done = qplan("fmt", "--check", repo=repo, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr
    (repo / "pyproject.toml").write_text('[tool.qplan]\nline_endings = "lf"\n')
    done = qplan("fmt", "--check", repo=repo, timeout=30)
    assert done.returncode == 1
    assert "workflows/org.yaml" in done.stdout


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://qplan:hunter2@127.0.0.1:1/test", "postgresql://qplan:***@127.0.0.1:1/test"),
        (
            "postgresql://qplan@127.0.0.1:1/test?password=hunter2&schema=x",
            "postgresql://qplan@127.0.0.1:1/test?password=***&schema=x",
        ),
        (
            "postgresql://127.0.0.1:1/test?sslpassword=hunter2&PASSWORD=hunter2",
            "postgresql://127.0.0.1:1/test?sslpassword=***&PASSWORD=***",
        ),
        # the driver quotes a password it cannot read, or the part of it after an '@'
        ("postgresql://u:hunter2%ZZ@127.0.0.1:1/db", "postgresql://u:***@127.0.0.1:1/db"),
        ("postgresql://u:hunter2 x@127.0.0.1:1/db", "postgresql://u:***@127.0.0.1:1/db"),
        (
            "postgresql://u@127.0.0.1:1/db?password=hunter2 x",
            "postgresql://u@127.0.0.1:1/db?password=***",
        ),
        ("postgresql://u:abc@hunter2@127.0.0.1:1/db", "postgresql://u:***@127.0.0.1:1/db"),
        # a password the URL parser cuts at '?', '#' or '/', and quotes as a port
        ("postgresql://u:hunter2?x=y@127.0.0.1:1/db", "postgresql://u:***@127.0.0.1:1/db"),
        ("postgresql://u:hunter2#x@127.0.0.1:1/db", "postgresql://u:***@127.0.0.1:1/db"),
        ("postgresql://u:hunter2/x/y@127.0.0.1:1/db", "postgresql://u:***@127.0.0.1:1/db"),
    ],
)
def test_no_message_shows_a_password_of_the_state_url(tmp_path: Path, url: str, shown: str) -> None:
    done = qplan("--state", url, "state", "list", repo=tmp_path, timeout=30)
    assert done.returncode == 1
    assert "hunter2" not in done.stdout + done.stderr
    assert done.stderr.startswith(
        (f"error: cannot use the PostgreSQL state at {shown}: ", f"error: state URL {shown} is")
    )
