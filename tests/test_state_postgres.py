"""What a PostgreSQL state does when the server, the login or the driver is not there."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from qplan.plan.state import open_store
from tests.conftest import POSTGRES_URL, ROOT, TODAY, run_qplan
from tests.plan_scenario import apply_all, edit


def _state_list(url: str, repo: Path) -> tuple[int, str]:
    result = run_qplan("--state", url, "state", "list", repo=repo)
    return result.exit_code, result.output


def test_unreachable_server_is_one_line(example_repo: Path) -> None:
    code, output = _state_list("postgresql://planner:s3cret@127.0.0.1:1/test", example_repo)
    assert (code, output) == (
        1,
        "error: cannot use the PostgreSQL state at postgresql://planner:***@127.0.0.1:1/test: "
        'connection failed: connection to server at "127.0.0.1", port 1 failed: '
        "Connection refused\n",
    )
    assert not (example_repo / ".qplan").exists()


def test_refused_login_is_one_line(example_repo: Path, postgres_url: str) -> None:
    url = postgres_url.replace("postgresql://", "postgresql://no_such_role_qplan@", 1)
    code, output = _state_list(url, example_repo)
    assert code == 1
    assert output.startswith("error: cannot use the PostgreSQL state at postgresql://no_such_role")
    assert 'role "no_such_role_qplan" does not exist' in output
    assert output.count("\n") == 1


def test_bad_schema_name_is_refused(example_repo: Path) -> None:
    code, output = _state_list(f"{POSTGRES_URL}?schema=x;drop", example_repo)
    assert (code, output) == (1, "error: schema 'x;drop' must be letters, digits and '_'\n")


def test_missing_driver_says_what_to_install(tmp_path: Path) -> None:
    program = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from qplan.cli import main\n"
        "main(['--state', 'postgresql://127.0.0.1:5432/test', 'state', 'list'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "error: a postgresql:// state needs psycopg: pip install 'qplan[postgres]'\n",
    )


def test_connection_dropped_mid_apply_writes_nothing(
    example_repo: Path, postgres_url: str, tmp_path: Path
) -> None:
    import psycopg

    apply_all(example_repo, postgres_url)
    before = open_store(postgres_url).resources()
    edit(example_repo, "workflows/short-video.yaml", "weekly_volume: 84000", "weekly_volume: 90000")
    saved = tmp_path / "a.plan"
    planned = run_qplan("--state", postgres_url, "plan", "--out", str(saved), repo=example_repo)
    assert planned.exit_code == 0, planned.output
    hold = tmp_path / "hold"
    env = dict(os.environ, QPLAN_TODAY=TODAY, NO_COLOR="1")
    command = [sys.executable, "-m", "tests.hold_apply", str(hold), "--repo", str(example_repo)]
    command.append("--state")
    process = subprocess.Popen(
        [*command, postgres_url, "apply", str(saved)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not hold.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (f"qplan-{process.pid}",),
        ).fetchall()
    assert ended == [(True,)]
    hold.unlink()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1 and out == ""
    assert err.startswith(
        f"error: lost the connection to the PostgreSQL state at {postgres_url}; "
        "nothing was written: "
    )
    assert err.count("\n") == 1
    store = open_store(postgres_url)
    try:
        assert store.serial() == 1
        assert store.resources() == before
        assert store.current_lock() is None  # released over a new connection
    finally:
        store.close()
