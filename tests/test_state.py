"""State, apply and the state commands, on SQLite and on PostgreSQL (``state_url``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qplan.plan.state import open_store
from tests.conftest import ROOT, TODAY, run_qplan
from tests.plan_scenario import apply_all, change_short_video, edit

SV = "workflows/short-video.yaml"


def _plan(repo: Path, state: str, out: Path, *extra: str) -> None:
    result = run_qplan("--state", state, "plan", "--out", str(out), *extra, repo=repo)
    assert result.exit_code == 0, result.output


def _apply(repo: Path, state: str, plan: Path, *extra: str) -> tuple[int, str]:
    result = run_qplan("--state", state, "apply", str(plan), *extra, repo=repo)
    return result.exit_code, result.output


def _serial(state: str) -> int:
    store = open_store(state)
    try:
        return store.serial()
    finally:
        store.close()


def test_apply_then_plan_shows_no_changes(
    example_repo: Path, state_url: str, tmp_path: Path
) -> None:
    saved = tmp_path / "first.plan"
    _plan(example_repo, state_url, saved)
    code, output = _apply(example_repo, state_url, saved)
    assert (code, output) == (
        0,
        "Apply complete: 145 created, 0 updated, 0 deleted. State is at serial 1.\n",
    )
    result = run_qplan("--state", state_url, "plan", "--detailed-exitcode", repo=example_repo)
    assert result.exit_code == 0
    assert result.output.endswith("No changes. The state matches the repository.\n")
    change_short_video(example_repo)
    result = run_qplan("--state", state_url, "plan", "--detailed-exitcode", repo=example_repo)
    assert result.exit_code == 2
    assert result.output.endswith("Plan: 1 to create, 7 to update, 1 to delete.\n")


def test_history_show_list_and_rollback(example_repo: Path, state_url: str, tmp_path: Path) -> None:
    apply_all(example_repo, state_url)
    change_short_video(example_repo)
    apply_all(example_repo, state_url)

    history = run_qplan(
        "--state", state_url, "state", "history", "--format", "json", repo=example_repo
    )
    rows = json.loads(history.output)["revisions"]
    assert [(r["serial"], r["actor"], r["origin"], r["changes"]) for r in rows] == [
        (1, "tester@lakeside.example", "repository", {"create": 145, "update": 0, "delete": 0}),
        (2, "tester@lakeside.example", "repository", {"create": 1, "update": 7, "delete": 1}),
    ]
    text = run_qplan(
        "--state", state_url, "state", "history", repo=example_repo
    ).output.splitlines()
    assert text[0].split() == ["SERIAL", "TIME", "ACTOR", "COMMIT", "CHANGES"]
    assert text[2].split()[2:] == ["tester@lakeside.example", "-", "+1", "~7", "-1"]

    listed = run_qplan("--state", state_url, "state", "list", repo=example_repo).output.splitlines()
    assert len(listed) == 145 and "allocation.sv-qa-en" not in listed
    old = run_qplan("--state", state_url, "state", "list", "--serial", "1", repo=example_repo)
    assert "allocation.sv-qa-en" in old.output.splitlines()

    shown = run_qplan(
        "--state",
        state_url,
        "state",
        "show",
        "--serial",
        "1",
        "allocation.sv-hate-speech-en",
        repo=example_repo,
    )
    assert shown.output == (
        "allocation.sv-hate-speech-en (serial 1)\n"
        '  queue: "sv-hate-speech-en"\n'
        "  shares.us-austin: 40\n"
        "  shares.us-reno: 60\n"
    )
    missing = run_qplan("--state", state_url, "state", "show", "queue.nope", repo=example_repo)
    assert (missing.exit_code, missing.output) == (
        1,
        "error: revision 2 has no resource queue.nope\n",
    )
    no_revision = run_qplan(
        "--state", state_url, "state", "list", "--serial", "9", repo=example_repo
    )
    assert no_revision.output == "error: the state has no revision 9 (revisions 1 to 2)\n"

    rollback = tmp_path / "rollback.plan"
    result = run_qplan(
        "--state", state_url, "state", "rollback", "1", "--out", str(rollback), repo=example_repo
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith(
        "Plan (rollback to serial 1) against state serial 2"
    )
    assert "Plan: 1 to create, 7 to update, 1 to delete." in result.output
    # a plan not made from the repository is applied only when the one applying says so
    code, output = _apply(example_repo, state_url, rollback)
    assert (code, output) == (
        1,
        f"error: plan file {rollback} is a 'rollback to serial 1' plan, not made from the "
        "repository: review it, then apply it with --rollback\n",
    )
    plan = tmp_path / "repository.plan"
    made = run_qplan("--state", state_url, "plan", "--out", str(plan), repo=example_repo)
    assert made.exit_code == 0
    assert _apply(example_repo, state_url, plan, "--rollback") == (
        1,
        f"error: --rollback: plan file {plan} was made from the repository, not by "
        "`qplan state rollback`\n",
    )
    code, output = _apply(example_repo, state_url, rollback, "--rollback")
    assert (code, output) == (
        0,
        "Apply complete: 1 created, 7 updated, 1 deleted. State is at serial 3.\n",
    )
    store = open_store(state_url)
    assert store.resources(3) == store.resources(1)
    assert store.head() is not None and store.head().origin == "rollback to serial 1"  # type: ignore[union-attr]
    store.close()


def test_a_revision_stores_only_what_changed(example_repo: Path, state_url: str) -> None:
    apply_all(example_repo, state_url)
    edit(example_repo, SV, "weekly_volume: 84000", "weekly_volume: 90000")
    apply_all(example_repo, state_url)
    store = open_store(state_url)
    rows = store._rows("SELECT count(*) FROM qplan_resources")
    assert rows[0][0] == 146  # 145 first, then one new row for the one changed queue
    store.close()


def test_refuses_stale_plan(example_repo: Path, state_url: str, tmp_path: Path) -> None:
    apply_all(example_repo, state_url)
    edit(example_repo, SV, "weekly_volume: 84000", "weekly_volume: 90000")
    first, second = tmp_path / "a.plan", tmp_path / "b.plan"
    _plan(example_repo, state_url, first)
    edit(example_repo, SV, "weekly_volume: 90000", "weekly_volume: 95000")
    _plan(example_repo, state_url, second)
    assert _apply(example_repo, state_url, second)[0] == 0
    code, output = _apply(example_repo, state_url, first, "--ignore-repo-drift")
    assert (code, output) == (
        1,
        "error: plan was made against serial 1, state is at serial 2; make a new plan\n",
    )
    assert _serial(state_url) == 2


def test_refuses_plan_applied_twice(example_repo: Path, state_url: str, tmp_path: Path) -> None:
    saved = tmp_path / "a.plan"
    _plan(example_repo, state_url, saved)
    assert _apply(example_repo, state_url, saved)[0] == 0
    code, output = _apply(example_repo, state_url, saved)
    assert code == 1
    assert output.startswith("error: plan was already applied as serial 1 on ")


def test_refuses_plan_of_another_lineage(
    example_repo: Path, state_url: str, tmp_path: Path
) -> None:
    other = str(tmp_path / "other.db")
    apply_all(example_repo, state_url)
    apply_all(example_repo, other)
    edit(example_repo, SV, "weekly_volume: 84000", "weekly_volume: 90000")
    saved = tmp_path / "a.plan"
    _plan(example_repo, other, saved)
    lineage = open_store(other).lineage()
    mine = open_store(state_url).lineage()
    code, output = _apply(example_repo, state_url, saved)
    assert (code, output) == (
        1,
        f"error: plan belongs to state lineage {lineage}, this state is lineage {mine}\n",
    )


def test_refuses_tampered_and_foreign_files(
    example_repo: Path, state_url: str, tmp_path: Path
) -> None:
    saved = tmp_path / "a.plan"
    _plan(example_repo, state_url, saved)
    document = json.loads(saved.read_text())
    document["desired"]["team.us-austin"][1] = document["desired"]["team.us-austin"][1].replace(
        '"headcount_fte":150.0', '"headcount_fte":15.0'
    )
    tampered = tmp_path / "tampered.plan"
    tampered.write_text(json.dumps(document))
    refused_as_changed = (
        1,
        f"error: plan file {tampered} does not match its checksum: it was changed after it was "
        "made; make a new plan\n",
    )
    assert _apply(example_repo, state_url, tampered) == refused_as_changed
    document = json.loads(saved.read_text())
    del document["base"]
    tampered.write_text(json.dumps(document))
    assert _apply(example_repo, state_url, tampered) == (
        1,
        f"error: {tampered} is not a qplan plan file (no 'base')\n",
    )
    document = json.loads(saved.read_text())
    document["resource_changes"][0]["after"]["name"] = "Renamed"
    tampered.write_text(json.dumps(document))
    assert _apply(example_repo, state_url, tampered) == refused_as_changed
    garbage = tmp_path / "garbage.plan"
    garbage.write_text("not json")
    code, output = _apply(example_repo, state_url, garbage)
    assert code == 1 and output.startswith(f"error: {garbage} is not a qplan plan file: ")
    assert _apply(example_repo, state_url, tmp_path / "missing.plan") == (
        1,
        f"error: plan file {tmp_path / 'missing.plan'} does not exist\n",
    )
    assert _serial(state_url) == 0


def test_edits_that_change_nothing_are_not_drift(
    example_repo: Path, state_url: str, tmp_path: Path
) -> None:
    saved = tmp_path / "a.plan"
    _plan(example_repo, state_url, saved)
    edit(example_repo, SV, "queues:\n", "# reviewed in the weekly ops sync\nqueues:\n")
    (example_repo / "workflows" / "notes.yml").write_text("# nothing here yet\n")
    assert _apply(example_repo, state_url, saved)[0] == 0


def test_refuses_repository_drift(example_repo: Path, state_url: str, tmp_path: Path) -> None:
    saved = tmp_path / "a.plan"
    _plan(example_repo, state_url, saved)
    edit(example_repo, SV, "weekly_volume: 84000", "weekly_volume: 90000")
    assert _apply(example_repo, state_url, saved) == (
        1,
        "error: the repository's files no longer match the plan (they changed after it was "
        "made); make a new plan, or apply with --ignore-repo-drift\n",
    )
    assert _apply(example_repo, state_url, saved, "--ignore-repo-drift")[0] == 0
    store = open_store(state_url)
    queue = store.resources()["queue.sv-hate-speech-en"].fields()
    assert queue["forecast"]["weekly_volume"] == 84000  # the plan's snapshot, not the files
    store.close()


def _large_change(repo: Path, state: str, tmp_path: Path) -> Path:
    """A saved plan that renames every queue's TTP logical queue: 49 of 145 resources
    (43 queues and the 6 SOPs that show those ids)."""
    apply_all(repo, state)
    for path in (repo / "workflows").glob("*.yaml"):
        path.write_text(path.read_text().replace("ttp_queue: ttp-", "ttp_queue: ttp2-"))
    saved = tmp_path / "big.plan"
    _plan(repo, state, saved)
    return saved


def test_safety_threshold(example_repo: Path, state_url: str, tmp_path: Path) -> None:
    saved = _large_change(example_repo, state_url, tmp_path)
    shown = run_qplan("show", str(saved), repo=example_repo)
    assert shown.output.endswith(
        "Note: apply will refuse this plan: plan updates or deletes 49 of 145 existing resources "
        "(33.8 %), more than the 30 % allowed; review it and apply with --allow-large-change.\n"
    )
    code, output = _apply(example_repo, state_url, saved)
    assert code == 1 and "more than the 30 % allowed" in output
    (example_repo / "pyproject.toml").write_text("[tool.qplan.safety]\nmax_change_percent = 40\n")
    assert _apply(example_repo, state_url, saved)[0] == 0


def test_allow_large_change(example_repo: Path, state_url: str, tmp_path: Path) -> None:
    saved = _large_change(example_repo, state_url, tmp_path)
    assert _apply(example_repo, state_url, saved, "--allow-large-change")[0] == 0
    assert _serial(state_url) == 2


def test_fresh_apply_needs_confirmation(example_repo: Path, state_url: str) -> None:
    result = run_qplan("--state", state_url, "apply", repo=example_repo)
    assert result.exit_code == 1
    assert result.output.endswith(
        "error: apply asks for confirmation and there is no terminal: pass --auto-approve, "
        "or apply a reviewed plan file\n"
    )
    assert _serial(state_url) == 0


def test_lock_names_holder_and_unlock_needs_its_id(
    example_repo: Path, state_url: str, tmp_path: Path
) -> None:
    saved = tmp_path / "a.plan"
    _plan(example_repo, state_url, saved)
    store = open_store(state_url)
    lock = store.acquire_lock("apply", "someone@lakeside.example")
    code, output = _apply(example_repo, state_url, saved, "--lock-timeout", "1s")
    assert code == 1
    assert output.startswith(
        f"error: the state is locked by someone@lakeside.example on {lock.host} "
        f"(pid {lock.pid}) for apply since {lock.created_at}, lock id {lock.id}; "
    )
    wrong = run_qplan("--state", state_url, "state", "unlock", "0" * 32, repo=example_repo)
    assert wrong.exit_code == 1
    assert wrong.output.startswith(f"error: the state lock has id {lock.id}, not {'0' * 32}")
    right = run_qplan("--state", state_url, "state", "unlock", lock.id, repo=example_repo)
    assert right.output == f"Released lock {lock.id}.\n"
    again = run_qplan("--state", state_url, "state", "unlock", lock.id, repo=example_repo)
    assert again.output == "error: the state is not locked\n"
    assert _apply(example_repo, state_url, saved)[0] == 0
    store.close()


# --- real processes: concurrency and crashes --------------------------------------------------


def _spawn_apply(
    repo: Path, state: str, plan: Path, hold: Path | None, *extra: str
) -> subprocess.Popen[str]:
    env = dict(os.environ, QPLAN_TODAY=TODAY, QPLAN_ACTOR="ci@lakeside.example", NO_COLOR="1")
    runner = ["qplan"] if hold is None else ["tests.hold_apply", str(hold)]
    command = [
        sys.executable,
        "-m",
        *runner,
        "--repo",
        str(repo),
        "--state",
        state,
        "apply",
        str(plan),
        *extra,
    ]
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        if process.poll() is not None:
            pytest.fail(f"apply ended early: {process.communicate()}")
        assert time.monotonic() < deadline, "apply never reached the commit"
        time.sleep(0.05)


def test_second_apply_fails_at_once_while_one_runs(
    example_repo: Path, state_url: str, tmp_path: Path
) -> None:
    apply_all(example_repo, state_url)
    edit(example_repo, SV, "weekly_volume: 84000", "weekly_volume: 90000")
    saved = tmp_path / "a.plan"
    _plan(example_repo, state_url, saved)
    hold = tmp_path / "hold"
    first = _spawn_apply(example_repo, state_url, saved, hold)
    _wait_for(hold, first)
    started = time.monotonic()
    code, output = _apply(example_repo, state_url, saved)
    assert code == 1
    assert output.startswith("error: the state is locked by ci@lakeside.example on ")
    assert f"(pid {first.pid}) for apply" in output
    assert time.monotonic() - started < 10
    hold.unlink()
    out, err = first.communicate(timeout=60)
    assert (first.returncode, out, err) == (
        0,
        "Apply complete: 0 created, 1 updated, 0 deleted. State is at serial 2.\n",
        "",
    )


def test_two_concurrent_applies_exactly_one_wins(
    example_repo: Path, state_url: str, tmp_path: Path
) -> None:
    apply_all(example_repo, state_url)
    plans = []
    for n, volume in enumerate(("90000", "95000")):
        edit(example_repo, SV, "weekly_volume: 84000", f"weekly_volume: {volume}")
        plans.append(tmp_path / f"{n}.plan")
        _plan(example_repo, state_url, plans[-1])
        edit(example_repo, SV, f"weekly_volume: {volume}", "weekly_volume: 84000")
    # The plans' YAML differs from the repository now; drift is not what is tested here.
    processes = [
        _spawn_apply(example_repo, state_url, plan, None, "--ignore-repo-drift") for plan in plans
    ]
    outcomes = [(p.wait(timeout=120), p.communicate()[1]) for p in processes]
    assert sorted(code for code, _ in outcomes) == [0, 1]
    loser = next(err for code, err in outcomes if code == 1)
    assert loser.startswith(
        ("error: the state is locked by ", "error: plan was made against serial 1")
    )
    assert _serial(state_url) == 2


def test_killed_apply_leaves_previous_revision(
    example_repo: Path, state_url: str, tmp_path: Path
) -> None:
    apply_all(example_repo, state_url)
    before = open_store(state_url).resources()
    edit(example_repo, SV, "weekly_volume: 84000", "weekly_volume: 90000")
    saved = tmp_path / "a.plan"
    _plan(example_repo, state_url, saved)
    hold = tmp_path / "hold"
    process = _spawn_apply(example_repo, state_url, saved, hold)
    _wait_for(hold, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    store = open_store(state_url)
    assert store.serial() == 1
    assert store.resources() == before
    lock = store.current_lock()
    assert lock is not None and lock.pid == process.pid  # stuck, as after any crash
    code, output = _apply(example_repo, state_url, saved)
    assert code == 1 and output.endswith(
        f"its process is no longer running: release it with `qplan state unlock {lock.id}`\n"
    )
    run_qplan("--state", state_url, "state", "unlock", lock.id, repo=example_repo)
    assert _apply(example_repo, state_url, saved)[0] == 0
    assert store.serial() == 2
    store.close()
