"""Queue lifecycle through the CLI: status transitions against the state, retirement with
and without migrate_to, and a policy bump with and without its training queue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_qplan
from tests.plan_scenario import apply_all, edit

LS = "workflows/livestream.yaml"
SV = "workflows/short-video.yaml"


def _status(repo: Path, path: str, qid: str, old: str, new: str) -> None:
    text = (repo / path).read_text(encoding="utf-8")
    start = text.index(f"  - id: {qid}\n")
    end = text.index(f"    status: {old}", start)
    text = text[:end] + f"    status: {new}" + text[end + len(f"    status: {old}") :]
    (repo / path).write_text(text, encoding="utf-8")


def _plan(repo: Path, state: str) -> tuple[int, str]:
    result = run_qplan("--wide", "--state", state, "plan", repo=repo)
    return result.exit_code, result.output


@pytest.fixture
def applied(example_repo: Path, tmp_path: Path) -> tuple[Path, str]:
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    return example_repo, state


def _ready_hindi(repo: Path) -> None:
    """Give the draft Hindi livestream queue what a ready queue needs."""
    _status(
        repo,
        LS,
        "ls-safety-hi",
        "draft          # waiting for a second Hindi-speaking site",
        "ready",
    )
    edit(
        repo,
        LS,
        "    forecast: {arrival: realtime, weekly_volume: 25000, aht_seconds: 40, patience: 2m}\n",
        "    qa: {sample_rate: 0.05}\n"
        "    forecast: {arrival: realtime, weekly_volume: 25000, aht_seconds: 40, patience: 2m}\n",
    )
    # a second Hindi-speaking site, at another vendor, opens in Manila
    edit(repo, "workflows/organisation.yaml", "languages: [en, tl]", "languages: [en, hi, tl]")
    edit(
        repo,
        LS,
        "\nallocations:\n",
        "\nallocations:\n  - queue: ls-safety-hi\n    shares: {in-hyderabad: 50, ph-manila: 50}\n",
    )


def test_draft_to_ready_to_live_and_back_to_paused(applied: tuple[Path, str]) -> None:
    repo, state = applied
    _ready_hindi(repo)
    code, output = _plan(repo, state)
    assert code == 0, output
    assert '      status: "draft" → "ready"\n' in output
    apply_all(repo, state)
    _status(repo, LS, "ls-safety-hi", "ready", "live")
    code, output = _plan(repo, state)
    assert code == 0, output
    assert '      status: "ready" → "live" (goes live)\n' in output
    apply_all(repo, state)
    _status(repo, LS, "ls-safety-hi", "live", "paused")
    assert _plan(repo, state)[0] == 0
    apply_all(repo, state)
    _status(repo, LS, "ls-safety-hi", "paused", "live")
    code, output = _plan(repo, state)
    assert code == 0 and '      status: "paused" → "live" (goes live)\n' in output


def test_a_queue_going_live_without_a_project_is_noted(applied: tuple[Path, str]) -> None:
    """QP186 is information: the plan is made, and says the launch has no project."""
    repo, state = applied
    _ready_hindi(repo)
    apply_all(repo, state)
    _status(repo, LS, "ls-safety-hi", "ready", "live")
    code, output = _plan(repo, state)
    assert code == 0, output
    assert "QP186" not in output  # projects/hindi-livestream-launch.yaml links it
    edit(
        repo,
        "projects/hindi-livestream-launch.yaml",
        "queues: [ls-safety-hi, ls-safety-hi-training]",
        "queues: [ls-safety-hi-training]",
    )
    code, output = _plan(repo, state)
    assert code == 0, output
    assert (
        "workflows/livestream.yaml:103:13: QP186 queue ls-safety-hi goes live with no project "
        "linking it"
    ) in output


def test_draft_cannot_go_live_directly(applied: tuple[Path, str]) -> None:
    repo, state = applied
    _ready_hindi(repo)
    _status(repo, LS, "ls-safety-hi", "ready", "live")
    code, output = _plan(repo, state)
    assert code == 1
    assert output == (
        "workflows/livestream.yaml:103:13: QP190 queue ls-safety-hi cannot go from draft to live; "
        "from draft it may go to ready or retired\n"
        "  hint: draft → ready → live ⇄ paused, and any status → retired\n"
        "Invalid: 1 error, 0 warnings.\n"
        "No plan was made: fix the errors above first.\n"
    )


def test_live_back_to_draft_and_retired_to_live_are_refused(applied: tuple[Path, str]) -> None:
    repo, state = applied
    _status(repo, "workflows/comments.yaml", "cm-qa", "live", "draft")
    code, output = _plan(repo, state)
    assert code == 1
    assert output.startswith(
        "workflows/comments.yaml:132:13: QP190 queue cm-qa cannot go from live to draft; from "
        "live it may go to paused or retired\n"
    )
    _status(repo, "workflows/comments.yaml", "cm-qa", "draft", "live")
    _status(repo, SV, "sv-qa-en", "live", "retired")
    edit(
        repo,
        SV,
        "    forecast: {arrival: backlog, weekly_volume: 4200",
        "    migrate_to: sv-hate-speech-en\n    forecast: {arrival: backlog, weekly_volume: 4200",
    )
    edit(repo, SV, "\n  - queue: sv-qa-en\n    shares: {us-reno: 100}\n", "\n")
    assert _plan(repo, state)[0] == 0
    apply_all(repo, state)
    _status(repo, SV, "sv-qa-en", "retired", "live")
    code, output = _plan(repo, state)
    assert code == 1
    assert "QP190 queue sv-qa-en cannot go from retired to live; from retired it may go to " \
        "nothing (a retired queue stays retired)\n" in output  # fmt: skip


def test_new_queues_start_as_draft_or_ready(applied: tuple[Path, str]) -> None:
    repo, state = applied
    text = (repo / SV).read_text(encoding="utf-8")
    start = text.index("  - id: sv-qa-en\n")
    end = text.index("\n\n", start)
    copy = text[start:end].replace("sv-qa-en", "sv-qa-es").replace("ttp-sv-qa-01", "ttp-sv-qa-02")
    (repo / SV).write_text(text[:end] + "\n\n" + copy + text[end:], encoding="utf-8")
    code, output = _plan(repo, state)
    assert code == 1
    assert (
        "QP190 new queue sv-qa-es starts as live; a new queue starts as draft or ready\n" in output
    )
    _status(repo, SV, "sv-qa-es", "live", "ready")
    assert _plan(repo, state)[0] == 0


def test_retirement_needs_migrate_to(applied: tuple[Path, str]) -> None:
    repo, state = applied
    _status(repo, SV, "sv-qa-en", "live", "retired")
    code, output = _plan(repo, state)
    assert code == 1
    assert (
        "workflows/short-video.yaml:132:13: QP191 queue sv-qa-en is retired with 4200 items a "
        "week and an allocation; say where its items go with migrate_to\n"
    ) in output
    edit(
        repo,
        SV,
        "    forecast: {arrival: backlog, weekly_volume: 4200",
        "    migrate_to: sv-hate-speech-es\n    forecast: {arrival: backlog, weekly_volume: 4200",
    )
    code, output = _plan(repo, state)
    assert code == 1
    assert (
        "QP192 sv-qa-en cannot migrate to sv-hate-speech-es: it does not review en; it is "
        "public, not us_protected\n"
    ) in output
    edit(repo, SV, "migrate_to: sv-hate-speech-es", "migrate_to: sv-hate-speech-en")
    edit(repo, SV, "\n  - queue: sv-qa-en\n    shares: {us-reno: 100}\n", "\n")
    result = run_qplan("--state", state, "plan", "--format", "json", repo=repo)
    plan = json.loads(result.output)
    impact = {q["queue"]: q for q in plan["impact"]["queues"]}
    assert (
        impact["sv-hate-speech-en"]["before"]["required_fte"]
        < (impact["sv-hate-speech-en"]["after"]["required_fte"])
    )
    assert impact["sv-qa-en"]["after"] is None
    assert [t["team"] for t in plan["impact"]["teams"]] == ["us-austin", "us-reno"]
    text = run_qplan("--state", state, "plan", repo=repo).output
    assert "      moves 4200 items a week to sv-hate-speech-en\n" in text


def _delete_sv_qa(repo: Path) -> None:
    """Remove the live queue sv-qa-en and its allocation from the repository."""
    text = (repo / SV).read_text(encoding="utf-8")
    start = text.index("  - id: sv-qa-en\n")
    end = text.index("\n\n", start)
    text = text[:start] + text[end + 2 :]
    text = text.replace("\n  - queue: sv-qa-en\n    shares: {us-reno: 100}\n", "\n")
    (repo / SV).write_text(text, encoding="utf-8")


def test_deleting_a_live_queue_with_volume_is_refused(applied: tuple[Path, str]) -> None:
    repo, state = applied
    _delete_sv_qa(repo)
    code, output = _plan(repo, state)
    assert code == 1
    # Its history stays in actuals/: a warning, not a second reason to refuse.
    assert output.startswith(
        "actuals/short-video.csv:7:12: QP109 actuals name an unknown queue 'sv-qa-en'\n"
    )
    assert (
        "workflows/short-video.yaml:5:5: QP191 queue sv-qa-en is deleted while live with 4200 "
        "items a week; retire it first (with migrate_to), delete it in a later plan\n" in output
    )


def test_a_plan_from_an_empty_folder_deletes_nothing(applied: tuple[Path, str]) -> None:
    """Running qplan in the wrong folder must not propose deleting every live queue."""
    repo, state = applied
    for path in (repo / "workflows").iterdir():
        path.unlink()
    (repo / "workflows").rmdir()
    code, output = _plan(repo, state)
    assert code == 1
    assert "workflows:1:1: QP015 there is no workflows/ folder: no organisation to check\n" in (
        output
    )
    assert output.endswith("No plan was made: fix the errors above first.\n")
    assert "delete" not in output


def test_deleting_a_live_queue_without_volume_is_refused_too(
    applied: tuple[Path, str],
) -> None:
    repo, state = applied
    _delete_sv_qa(repo)
    state_db = Path(state)
    import sqlite3

    with sqlite3.connect(state_db) as connection:  # the state says it had no volume
        body = connection.execute(
            "SELECT body FROM qplan_resources WHERE address = 'queue.sv-qa-en' "
            "AND last_serial IS NULL"
        ).fetchone()[0]
        fields = json.loads(body)
        fields.pop("forecast", None)
        connection.execute(
            "UPDATE qplan_resources SET body = ? WHERE address = 'queue.sv-qa-en' "
            "AND last_serial IS NULL",
            (json.dumps(fields),),
        )
    code, output = _plan(repo, state)
    assert code == 1
    # Its history stays in actuals/: a warning, not a second reason to refuse.
    assert output.startswith(
        "actuals/short-video.csv:7:12: QP109 actuals name an unknown queue 'sv-qa-en'\n"
    )
    assert (
        "workflows/short-video.yaml:5:5: QP191 queue sv-qa-en is deleted while live with 0 "
        "items a week; retire it first (with migrate_to), delete it in a later plan\n" in output
    )


def test_policy_bump_needs_its_training_queue(applied: tuple[Path, str]) -> None:
    repo, state = applied
    edit(repo, "workflows/organisation.yaml", "versions: [3, 4]", "versions: [3, 4, 5]")
    text = (repo / SV).read_text(encoding="utf-8")
    start = text.index("  - id: sv-violent-extremism-eu\n")
    text = text[:start] + text[start:].replace("violent-extremism@4", "violent-extremism@5", 1)
    (repo / SV).write_text(text, encoding="utf-8")
    code, output = _plan(repo, state)
    assert code == 1
    assert (
        "QP121 training queue sv-violent-extremism-eu-training binds violent-extremism@4 but "
        "sv-violent-extremism-eu binds violent-extremism@5\n"
    ) in output
    edit(repo, SV, "violent-extremism@4", "violent-extremism@5")  # the training queue too
    code, output = _plan(repo, state)
    assert code == 1 and "QP172 training case set item svee-0001 is for policy version 4" in output
    cases = repo / "training" / "sv-violent-extremism-eu-training.csv"
    cases.write_text(cases.read_text(encoding="utf-8").replace(",4,", ",5,"), encoding="utf-8")
    code, output = _plan(repo, state)
    assert code == 0, output
    assert (
        output.count(
            "      retraining needed: the training queue and its case set move to "
            "violent-extremism@5 and video-review@12 in this plan\n"
        )
        == 2
    )
    assert "  ~ cases.sv-violent-extremism-eu-training\n" in output
