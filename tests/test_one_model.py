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
    _allocate_writes_capacitys_figures(
        example_repo, teams_before, "--workflow", "comments", "--write", "--format", "json"
    )


def _allocate_writes_capacitys_figures(
    repo: Path, teams_before: dict[str, Any], *args: str
) -> None:
    """``allocate ARGS`` (with --write) changes a split, and its loads before and after are
    `capacity`'s utilisation on the repository before and as it leaves it."""
    found = run_qplan("allocate", *args, repo=repo)
    assert found.exit_code == 0, found.output
    document, _ = json.JSONDecoder().raw_decode(found.output)  # then the line it wrote
    assert any(q["shares_after"] != q["shares_before"] for q in document["queues"])
    _, teams_after = _capacity(repo)
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


# --- the property, on organisations qplan's benchmark generator writes --------------------


def _generated(tmp_path: Path, shape: str, seed: int) -> Path:
    """A 40-queue synthetic organisation of ``shape``, its teams cut to a tenth of their
    headcount (and shifts) so that their queues load them as a real organisation's do."""
    from benchmarks.generate import generate_shape

    repo = tmp_path / f"{shape}-{seed}"
    generate_shape(shape, 40, repo, seed)
    organisation = repo / "workflows" / "organisation.yaml"
    text = organisation.read_text(encoding="utf-8").replace(
        "headcount_fte: 400", "headcount_fte: 60"
    )
    for fte in (130, 120, 50, 40, 30):
        text = text.replace(f"fte: {fte}}}", f"fte: {fte * 60 / 400:g}}}")
    organisation.write_text(text, encoding="utf-8")
    checked = run_qplan("validate", repo=repo)
    assert checked.exit_code == 0, checked.output
    return repo


def _model(repo: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """`capacity`'s figures from the library, for a repository its rules find errors in
    (a team too small for its exposure cap), which the command refuses."""
    from qplan.app.workspace import validate_repository
    from qplan.capacity.staffing import derive_organisation

    validation = validate_repository(repo)
    figures = derive_organisation(validation.organisation, validation.settings.today)
    found = json.loads(json.dumps(figures.contract()))
    return {q["queue"]: q for q in found["queues"]}, {t["team"]: t for t in found["teams"]}


def _compare(entries: list[dict[str, Any]], key: str, names: tuple[str, ...], side: str,
             expected: dict[str, Any]) -> int:  # fmt: skip
    for entry in entries:
        for name in names:
            assert entry[side][name] == expected[entry[key]][name], (entry[key], name, side)
    return len(entries)


GENERATED = [("pairs", 3), ("sites", 5), ("sites", 8)]


@pytest.mark.parametrize(("shape", "seed"), GENERATED, ids=[f"{s}-{n}" for s, n in GENERATED])
def test_every_command_shows_the_capacity_models_figures(
    tmp_path: Path, shape: str, seed: int
) -> None:
    """On generated organisations: a plan's before and after, a scenario's after, the
    optimiser's loads and the recovery's spare capacity are `capacity`'s figures on the
    repository before and after the change (each worked out by `capacity` itself)."""
    import random
    import re

    from ruamel.yaml import YAML

    rng = random.Random(seed)
    repo = _generated(tmp_path, shape, seed)
    state = str(tmp_path / "state.db")
    assert run_qplan("--state", state, "apply", "--auto-approve", repo=repo).exit_code == 0
    queues_before, teams_before = _capacity(repo)

    # a plan: one production queue's shares turned round (the same teams, other shares)
    files = sorted((repo / "workflows").glob("wf-*.yaml"))
    path = rng.choice(files)
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"  - queue: (q-\d+)\n    shares: \{([^}]*)\}", text)
    queue, shares = rng.choice([f for f in found if "," in f[1]])
    teams = [part.split(":")[0].strip() for part in shares.split(",")]
    values = [part.split(":")[1].strip() for part in shares.split(",")]
    turned = ", ".join(f"{t}: {v}" for t, v in zip(teams, values[1:] + values[:1], strict=True))
    assert turned != shares
    path.write_text(text.replace(f"shares: {{{shares}}}", f"shares: {{{turned}}}", 1))
    queues_after, teams_after = _capacity(repo)
    planned = run_qplan("--state", state, "plan", "--format", "json", repo=repo)
    assert planned.exit_code == 0, planned.output
    impact = json.loads(planned.output)["impact"]
    assert queue in {entry["queue"] for entry in impact["queues"]}
    assert _compare(impact["queues"], "queue", QUEUE_FIGURES, "before", queues_before) >= 1
    _compare(impact["queues"], "queue", QUEUE_FIGURES, "after", queues_after)
    assert _compare(impact["teams"], "team", TEAM_FIGURES, "before", teams_before) >= 1
    _compare(impact["teams"], "team", TEAM_FIGURES, "after", teams_after)

    # the optimiser: its loads before and after are capacity's, around --write
    workflow = path.stem
    _allocate_writes_capacitys_figures(
        repo, teams_after, "--workflow", workflow, "--objective", "balance", "--write",
        "--format", "json",
    )  # fmt: skip

    # a recovery: its spare capacity is capacity --backlog's
    queues_now, _ = _capacity(repo)
    backlog_queue = next(
        q for q, figures in sorted(queues_now.items())
        if figures["arrival"] == "backlog" and q.startswith("q-") and figures["stable"]
    )  # fmt: skip
    estimate = run_qplan(
        "capacity", "--backlog", f"{backlog_queue}=1000", "--format", "json", repo=repo
    )
    [recovery] = json.loads(estimate.output)["backlog_recovery"]
    levers = json.loads(
        run_qplan(
            "recover", backlog_queue, "--backlog", "10000000", "--by", "30d", "--format",
            "json", repo=repo,
        ).output
    )["levers"]  # fmt: skip
    spare = [v["max_items_per_day"] for v in levers if v["lever"] == "spare"]
    assert spare  # each figure to the cent: their sum within a cent a team of the total
    assert abs(sum(spare) - recovery["spare_items_per_day"]) <= 0.005 * (len(spare) + 1)

    # a scenario: the changed queue's first team loses nine in ten of its people and
    # shifts, which it runs short without
    team = teams[0]
    (repo / "scenarios").mkdir(exist_ok=True)
    (repo / "scenarios" / "cut.yaml").write_text(
        f"id: cut\ntitle: Cut\nchanges:\n  - {{type: headcount, team: {team}, multiply: 0.1}}\n"
    )
    asked = run_qplan("scenario", "cut", "--format", "json", repo=repo)
    assert asked.exit_code == 0, asked.output
    impact = json.loads(asked.output)["impact"]
    (repo / "scenarios" / "cut.yaml").unlink()
    yaml = YAML()
    organisation = repo / "workflows" / "organisation.yaml"
    document = yaml.load(organisation.read_text(encoding="utf-8"))
    by_hand = next(t for t in document["teams"] if t["id"] == team)
    by_hand["headcount_fte"] = by_hand["headcount_fte"] * 0.1
    for shift in by_hand.get("shifts", []):
        shift["fte"] = shift["fte"] * 0.1
    with organisation.open("w", encoding="utf-8") as stream:
        yaml.dump(document, stream)
    queues_cut, teams_cut = _model(repo)
    assert _compare(impact["queues"], "queue", QUEUE_FIGURES, "after", queues_cut) >= 1
    assert _compare(impact["teams"], "team", TEAM_FIGURES, "after", teams_cut) >= 1
