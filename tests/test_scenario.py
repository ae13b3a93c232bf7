"""``qplan scenario``: what-if overlays under scenarios/, figures checked by hand.

The small organisation is tests/cases/invalid/scenarios without its broken scenarios:
q-prod (backlog, 10,000 items a week at 30 s) is split 50/50 between team-a and team-b
(40 paid hours, 30 % shrinkage, 85 % occupancy cap: 23.8 productive hours per FTE at the
cap). Half of q-prod is 5,000 × 30 s = 41.667 hours a week, so 1.7507 FTE at each team;
× 1.25 that is 52.083 hours, 2.1884 FTE.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CASES, copy_case, expect_golden, run_qplan

SMALL = CASES / "invalid" / "scenarios"
GOLDEN = CASES / "scenario"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    repo = copy_case(SMALL, tmp_path)
    for name in ("schema", "names", "same-id", "list"):
        (repo / "scenarios" / f"{name}.yaml").unlink()
    return repo


def test_volume_headcount_and_new_queue_figured_by_hand(small: Path) -> None:
    result = run_qplan("scenario", "fine", "--format", "json", repo=small)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert {k: found[k] for k in ("format_version", "scenario", "file", "as_of", "changes")} == {
        "format_version": "1",
        "scenario": "fine",
        "file": "scenarios/fine.yaml",
        "as_of": "2026-12-07",
        "changes": [
            "volume × 1.25 for queue q-prod (1 queue)",
            "team team-b: headcount 50 → 40 FTE",
            "new queue q-new in wf: team-a 60%, team-b 40%",
        ],
    }
    queues = {q["queue"]: q for q in found["impact"]["queues"]}
    assert queues["q-prod"]["before"]["required_fte"] == 3.5  # 2 × 1.7507
    assert queues["q-prod"]["after"]["required_fte"] == 4.38  # 2 × 2.1884
    assert queues["q-new"]["before"] is None
    assert queues["q-new"]["after"]["target_sla_percent"] == 90.0
    assert queues["q-new"]["after"]["target_within"] == "60s"
    teams = {t["team"]: t for t in found["impact"]["teams"]}
    assert teams["team-b"]["before"]["headcount_fte"] == 50.0
    assert teams["team-b"]["after"]["headcount_fte"] == 40.0
    assert found["impact"]["totals"]["headcount_fte"] == {"before": 100.0, "after": 90.0}
    assert "allocation" not in found


def test_text_of_the_example_scenario_exact(example_repo: Path) -> None:
    result = run_qplan("scenario", "livestream-q1", repo=example_repo)
    assert result.exit_code == 0, result.output
    expect_golden(GOLDEN / "livestream-q1.txt", result.output)


def test_markdown_of_the_example_scenario_exact(example_repo: Path) -> None:
    result = run_qplan("scenario", "livestream-q1", "--format", "markdown", repo=example_repo)
    assert result.exit_code == 0, result.output
    expect_golden(GOLDEN / "livestream-q1.md", result.output)


def test_allocate_under_a_scenario(example_repo: Path) -> None:
    result = run_qplan(
        "scenario", "hyderabad-attrition", "--allocate", "--format", "json", repo=example_repo
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    allocation = found["allocation"]
    assert allocation["status"] == "optimal"
    utilisation = {t["team"]: t for t in allocation["teams"]}
    # Hyderabad down to 70 FTE is over its 85 % cap with today's shares (its workload over
    # its productive hours, as `capacity` gives it); the proposal is not
    assert utilisation["in-hyderabad"]["utilisation_before"] > 85
    assert utilisation["in-hyderabad"]["utilisation_after"] <= 85


def test_allocate_with_nowhere_to_put_the_work_exits_1(small: Path) -> None:
    (small / "scenarios" / "empty.yaml").write_text(
        "id: empty\ntitle: Nobody left\nchanges:\n"
        "  - {type: headcount, team: team-a, fte: 0}\n"
        "  - {type: headcount, team: team-b, fte: 0}\n",
        encoding="utf-8",
    )
    result = run_qplan("scenario", "empty", "--allocate", repo=small)
    assert result.exit_code == 1
    assert "No allocation meets every constraint." in result.output
    assert "team.team-a goes over its cap: needs 1.8 FTE, has none (QP160)" in result.output


def test_a_launch_no_split_can_carry_names_both_halves_of_the_conflict(
    example_repo: Path,
) -> None:
    """Only Hyderabad speaks Hindi, and one vendor may take at most 60 % of a queue: the
    optimiser names the guardrail and who may work the queue, not the guardrail alone."""
    result = run_qplan("scenario", "hindi-launch", "--allocate", repo=example_repo)
    assert result.exit_code == 1
    assert result.output.split("The optimiser under this scenario:\n")[1] == (
        "No allocation meets every constraint. These cannot all hold:\n"
        "  vendor Meridian CX is at the 60% of guardrail vendor-concentration on ls-safety-hi\n"
        "  ls-safety-hi may go only to in-hyderabad: the teams that speak its languages and "
        "hold its data clearance\n"
    )


def test_a_scenario_file_outside_scenarios_by_path(small: Path) -> None:
    drafts = small / "drafts"
    drafts.mkdir()
    shutil.copy(small / "scenarios" / "fine.yaml", drafts / "mine.yaml")
    (small / "scenarios" / "fine.yaml").unlink()
    result = run_qplan("scenario", "drafts/mine.yaml", "--format", "json", repo=small)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["file"] == "drafts/mine.yaml"


def test_a_broken_scenario_file_given_by_path_is_refused(small: Path) -> None:
    (small / "mine.yaml").write_text(
        "id: mine\ntitle: Mine\nchanges:\n  - {type: volume, queue: q-prodd, multiply: 2}\n",
        encoding="utf-8",
    )
    result = run_qplan("scenario", "mine.yaml", repo=small)
    assert result.exit_code == 1
    assert result.output == (
        "mine.yaml:4:27: QP180 unknown queue 'q-prodd'\n"
        "  hint: did you mean 'q-prod'?\n"
        "Invalid: 1 error, 0 warnings.\n"
        "No scenario was worked out: fix the errors above first.\n"
    )


def test_a_scenario_outside_the_repository_is_refused(small: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    shutil.copy(small / "scenarios" / "fine.yaml", outside)
    result = run_qplan("scenario", str(outside), repo=small)
    assert result.exit_code == 1
    assert "QP009 file points outside the repository" in result.output


def test_unknown_scenario_is_a_usage_error(small: Path) -> None:
    result = run_qplan("scenario", "finе", repo=small)  # a Cyrillic е
    assert result.exit_code == 64
    assert "no scenario 'finе': give a scenario's id or a file's path (scenarios: fine)" in (
        result.output
    )


def test_an_invalid_repository_works_out_no_scenario() -> None:
    result = run_qplan("scenario", "fine", repo=SMALL)
    assert result.exit_code == 1
    assert result.output.endswith("No scenario was worked out: fix the errors above first.\n")


def test_scenarios_change_no_file(example_repo: Path) -> None:
    before = {p: p.read_bytes() for p in example_repo.rglob("*") if p.is_file()}
    assert run_qplan("scenario", "livestream-q1", "--allocate", repo=example_repo).exit_code == 0
    after = {p: p.read_bytes() for p in example_repo.rglob("*") if p.is_file()}
    assert before == after


def test_docs_list_the_scenarios_with_their_results(example_repo: Path, tmp_path: Path) -> None:
    from qplan.app.docs import docs_project
    from qplan.load.settings import load_settings

    settings = load_settings(example_repo)
    _, files = docs_project(settings, state_url=str(tmp_path / "state.db"))
    assert files is not None
    index = files["docs/scenarios/index.md"]
    assert (
        "| [Livestream volume \\+30 % in Q1](livestream-q1.md) | 2027-01-11 | 595.1 → 604.5 "
        "| 1,126,418 → 1,131,905 | 0 |"
    ) in index
    assert "[Hyderabad loses 20 FTE while comment handle times rise 10 %]" in index
    page = files["docs/scenarios/livestream-q1.md"]
    assert page.startswith("# Livestream volume \\+30 % in Q1\n")
    assert "| `queue.ls-safety-en` | 34.5 → 41.1 |" in page
    assert "mkdocs.yml" in files and "scenarios/index.md" in files["mkdocs.yml"]


def test_a_scenario_names_the_rules_it_would_break(example_repo: Path) -> None:
    """Launching the Hindi queue at Hyderabad alone breaks two guardrails, found at the
    scenario's own change (its new allocation has no other place in the repository)."""
    result = run_qplan("scenario", "hindi-launch", repo=example_repo)
    assert result.exit_code == 0, result.output
    assert result.output.split("Problems it would bring")[1] == (
        " (the rules, on the organisation it describes):\n"
        "  scenarios/hindi-launch.yaml:13:13: QP201 vendor Meridian CX takes 100% of "
        "ls-safety-hi, over the 60% of guardrail vendor-concentration\n"
        "  scenarios/hindi-launch.yaml:13:13: QP202 live queue ls-safety-hi is worked by 1 "
        "team(s), guardrail two-sites-per-live-queue asks for at least 2\n"
        "  workflows/livestream.yaml:103:13: QP170 live queue ls-safety-hi fails the gate 'QA "
        "sampling rate set': no QA sampling rate\n"
    )
    document = json.loads(
        run_qplan("scenario", "hindi-launch", "--format", "json", repo=example_repo).output
    )
    assert [(p["code"], p["file"], p["line"]) for p in document["problems"]] == [
        ("QP201", "scenarios/hindi-launch.yaml", 13),
        ("QP202", "scenarios/hindi-launch.yaml", 13),
        ("QP170", "workflows/livestream.yaml", 103),
    ]
    quiet = json.loads(
        run_qplan("scenario", "livestream-q1", "--format", "json", repo=example_repo).output
    )
    # 30 % more livestream leaves Reno short on weekend nights (its Saturday and Sunday
    # 04:00 Pacific), as the half-hour model sees it
    assert [(p["code"], p["file"], p["line"]) for p in quiet["problems"]] == [
        ("QP165", "workflows/livestream.yaml", 45)
    ]


def _capacity_of(repo: Path) -> dict[str, Any]:
    """The capacity model's figures of a repository, as `capacity --format json` gives them
    (from the library: a closed site leaves queues the rules call unstable, and `capacity`
    refuses a repository with errors)."""
    from qplan.app.workspace import validate_repository
    from qplan.capacity.staffing import derive_organisation

    validation = validate_repository(repo)
    figures = derive_organisation(validation.organisation, validation.settings.today)
    found: dict[str, Any] = json.loads(json.dumps(figures.contract()))
    return found


def _edit_team(repo: Path, team: str, headcount: float, shift_ratio: float) -> None:
    """The team's headcount and every shift's FTE as a person would change them by hand."""
    from ruamel.yaml import YAML

    yaml = YAML()
    path = repo / "workflows" / "organisation.yaml"
    document = yaml.load(path.read_text(encoding="utf-8"))
    found = next(t for t in document["teams"] if t["id"] == team)
    found["headcount_fte"] = headcount
    if shift_ratio == 0:
        del found["shifts"]
    else:
        for shift in found["shifts"]:
            shift["fte"] = shift["fte"] * shift_ratio
    with path.open("w", encoding="utf-8") as stream:
        yaml.dump(document, stream)


@pytest.mark.parametrize(
    ("change", "headcount", "ratio"),
    [
        ("{type: close_site, site: Manila}", 0.0, 0.0),
        ("{type: headcount, team: ph-manila, multiply: 0.5}", 40.0, 0.5),
    ],
    ids=["close-site", "halve-headcount"],
)
def test_a_team_on_shifts_changes_with_its_headcount(
    example_repo: Path, tmp_path: Path, change: str, headcount: float, ratio: float
) -> None:
    """Closing the Manila site, or halving its headcount, moves its queues' figures exactly
    as `capacity` gives them for a repository where the team's headcount and shifts are
    changed by hand (before, the shifts kept the closed site on duty: ls-safety-en stayed at
    581.7 FTE and Manila billed 60.9 FTE)."""
    scenario = tmp_path / "what-if.yaml"
    scenario.write_text(f"id: what-if\ntitle: Manila\nchanges:\n  - {change}\n")
    shutil.copy(scenario, example_repo / "scenarios" / "what-if.yaml")
    result = run_qplan("scenario", "what-if", "--format", "json", repo=example_repo)
    assert result.exit_code == 0, result.output
    impact = json.loads(result.output)["impact"]
    edited = copy_case(example_repo, tmp_path / "edited")
    (edited / "scenarios" / "what-if.yaml").unlink()
    _edit_team(edited, "ph-manila", headcount, ratio)
    by_hand = _capacity_of(edited)
    queues = {q["queue"]: q["after"] for q in impact["queues"]}
    hand_queues = {q["queue"]: q for q in by_hand["queues"]}
    before = {q["queue"]: q["before"] for q in impact["queues"]}
    moved = ("required_fte", "projected_sla_percent")
    assert [queues["ls-safety-en"][k] for k in moved] != [before["ls-safety-en"][k] for k in moved]
    for qid, after in queues.items():
        assert after["required_fte"] == hand_queues[qid]["required_fte"], qid
        assert after["projected_sla_percent"] == hand_queues[qid]["projected_sla_percent"], qid
    manila = next(t["after"] for t in impact["teams"] if t["team"] == "ph-manila")
    hand_manila = next(t for t in by_hand["teams"] if t["team"] == "ph-manila")
    assert manila == {k: hand_manila[k] for k in manila}


def test_launching_a_draft_with_its_own_allocation_lists_it(example_repo: Path) -> None:
    """ls-safety-hi is a draft: sized for planning, left out of its teams' figures. Given
    an allocation of its own and launched without new shares, the scenario lists it as it
    goes from draft to counted (its own figures do not move: only whether they count)."""
    workflow = example_repo / "workflows" / "livestream.yaml"
    text = workflow.read_text(encoding="utf-8")
    workflow.write_text(
        text.replace(
            "\nallocations:\n",
            "\nallocations:\n  - queue: ls-safety-hi\n    shares: {in-hyderabad: 100}\n\n",
            1,
        ),
        encoding="utf-8",
    )
    (example_repo / "scenarios" / "go.yaml").write_text(
        "id: go\ntitle: Go live\nchanges:\n  - {type: launch, queue: ls-safety-hi}\n",
        encoding="utf-8",
    )
    result = run_qplan("scenario", "go", "--format", "json", repo=example_repo)
    assert result.exit_code == 0, result.output
    impact = json.loads(result.output)["impact"]
    [launched] = [q for q in impact["queues"] if q["queue"] == "ls-safety-hi"]
    assert (launched["before"]["draft"], launched["after"]["draft"]) == (True, False)
    assert "in-hyderabad" in {t["team"] for t in impact["teams"]}
