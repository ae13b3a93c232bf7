"""One capacity model: what a plan, a scenario or another command shows of staffing and cost
equals what `qplan capacity` gives on the corresponding repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_qplan

#: the figures a plan's impact shows of a queue and of a team, as `capacity` names them
QUEUE_FIGURES = ("required_fte", "projected_sla_percent", "weekly_cost")
TEAM_FIGURES = ("required_fte", "utilisation_percent", "weekly_cost", "headcount_fte")


def _capacity(repo: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    result = run_qplan("capacity", "--format", "json", repo=repo)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    return {q["queue"]: q for q in found["queues"]}, {t["team"]: t for t in found["teams"]}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        # a share change on a queue whose teams also work the egregious, exposure-capped
        # ms-grooming-signals
        (
            "minor-safety.yaml",
            "shares: {us-austin: 50, us-reno: 50}",
            "shares: {us-austin: 40, us-reno: 60}",
        ),
        # a share change far from it
        (
            "comments.yaml",
            "shares: {de-berlin: 60, pt-lisbon: 40}",
            "shares: {de-berlin: 50, pt-lisbon: 50}",
        ),
        # a forecast change on the egregious queue itself
        (
            "minor-safety.yaml",
            "forecast: {arrival: backlog, weekly_volume: 12000, aht_seconds: 200}",
            "forecast: {arrival: backlog, weekly_volume: 15000, aht_seconds: 200}",
        ),
    ],
    ids=["next-to-an-exposure-cap", "elsewhere", "the-capped-queue"],
)
def test_a_plans_before_and_after_are_capacity_on_each_repository(
    example_repo: Path, tmp_path: Path, file: str, old: str, new: str
) -> None:
    state = str(tmp_path / "state.db")
    applied = run_qplan(
        "--state", state, "apply", "--auto-approve", "--allow-dirty", repo=example_repo
    )
    assert applied.exit_code == 0, applied.output
    queues_before, teams_before = _capacity(example_repo)
    _edit(example_repo / "workflows" / file, old, new)
    queues_after, teams_after = _capacity(example_repo)
    planned = run_qplan("--state", state, "plan", "--format", "json", repo=example_repo)
    assert planned.exit_code == 0, planned.output
    impact = json.loads(planned.output)["impact"]
    assert impact["queues"] and impact["teams"]
    for entry in impact["queues"]:
        qid = entry["queue"]
        for name in QUEUE_FIGURES:
            assert entry["before"][name] == queues_before[qid][name], (qid, name, "before")
            assert entry["after"][name] == queues_after[qid][name], (qid, name, "after")
    for entry in impact["teams"]:
        tid = entry["team"]
        for name in TEAM_FIGURES:
            assert entry["before"][name] == teams_before[tid][name], (tid, name, "before")
            assert entry["after"][name] == teams_after[tid][name], (tid, name, "after")


def test_allocate_reports_the_capacity_models_loads_before_and_after(example_repo: Path) -> None:
    """The optimiser's team loads are `capacity`'s utilisation (workload over productive
    hours) on the repository as it is and as `allocate --write` leaves it, whatever the
    scope: a narrower --queue does not change the loads before."""
    _, teams_before = _capacity(example_repo)
    narrow = run_qplan(
        "allocate", "--queue", "cm-harassment-de", "--format", "json", repo=example_repo
    )
    assert narrow.exit_code == 0, narrow.output
    for entry in json.loads(narrow.output)["teams"]:
        assert entry["utilisation_before"] == teams_before[entry["team"]]["utilisation_percent"]
    found = run_qplan(
        "allocate", "--workflow", "comments", "--write", "--format", "json", repo=example_repo
    )
    assert found.exit_code == 0, found.output
    document, _ = json.JSONDecoder().raw_decode(found.output)  # then the line it wrote
    assert any(q["shares_after"] != q["shares_before"] for q in document["queues"])
    _, teams_after = _capacity(example_repo)
    for entry in document["teams"]:
        tid = entry["team"]
        assert entry["utilisation_before"] == teams_before[tid]["utilisation_percent"], tid
        assert entry["utilisation_after"] == teams_after[tid]["utilisation_percent"], tid


def test_capacity_backlog_and_recover_count_the_same_spare_capacity(example_repo: Path) -> None:
    """`capacity --backlog` and `recover` give one queue the same spare capacity: each of
    its teams' headcount above what all their queues need, at their occupancy caps (us-austin
    and us-reno work several queues; before, `capacity` gave each queue only its share).
    Without actuals: `recover` counts a team below its planned hours at what it works."""
    for path in (example_repo / "actuals").iterdir():
        path.unlink()
    found = run_qplan(
        "capacity", "--backlog", "sv-hate-speech-en=20000", "--format", "json", repo=example_repo
    )
    assert found.exit_code == 0, found.output
    [estimate] = json.loads(found.output)["backlog_recovery"]
    planned = run_qplan(
        "recover", "sv-hate-speech-en", "--backlog", "500000", "--by", "30d", "--format", "json",
        repo=example_repo,
    )  # fmt: skip
    levers = json.loads(planned.output)["levers"]  # a backlog that takes every lever
    spare = sum(v["max_items_per_day"] for v in levers if v["lever"] == "spare")
    assert round(spare, 2) == estimate["spare_items_per_day"]
