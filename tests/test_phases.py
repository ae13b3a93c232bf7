"""Staged rollouts: an allocation's dated phases, checked like allocations, scheduled in the
plan, and the phase in force used by `qplan capacity --on` and the docs site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_qplan
from tests.plan_scenario import apply_all, edit

SV = "workflows/short-video.yaml"
BASE = "  - queue: sv-hate-speech-es\n    shares: {co-bogota: 60, us-austin: 40}\n"
RAMP = (
    BASE + "    phases:\n"
    "      - {from: 2026-12-13, shares: {co-bogota: 60, us-austin: 25, us-raleigh: 15}}\n"
    "      - {from: 2027-01-04, shares: {co-bogota: 60, us-austin: 10, us-raleigh: 30}}\n"
    "      - {from: 2027-02-01, shares: {co-bogota: 60, us-raleigh: 40}}\n"
)


def _figures(repo: Path, day: str) -> tuple[dict[str, float], float]:
    """(shares of sv-hate-speech-es, us-raleigh's required FTE) on ``day``."""
    result = run_qplan("capacity", "--on", day, "--format", "json", repo=repo)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    queue = next(q for q in document["queues"] if q["queue"] == "sv-hate-speech-es")
    team = next(t for t in document["teams"] if t["team"] == "us-raleigh")
    return {s["team"]: s["share_percent"] for s in queue["shares"]}, team["required_fte"]


def test_a_three_phase_ramp_is_checked_at_each_date(example_repo: Path) -> None:
    edit(example_repo, SV, BASE, RAMP)
    assert run_qplan("validate", repo=example_repo).exit_code == 0
    seen = []
    for day, shares in [
        ("2026-12-07", {"co-bogota": 60.0, "us-austin": 40.0}),
        ("2026-12-13", {"co-bogota": 60.0, "us-austin": 25.0, "us-raleigh": 15.0}),
        ("2027-01-10", {"co-bogota": 60.0, "us-austin": 10.0, "us-raleigh": 30.0}),
        ("2027-06-30", {"co-bogota": 60.0, "us-raleigh": 40.0}),
    ]:
        found, raleigh = _figures(example_repo, day)
        assert found == shares, day
        seen.append(raleigh)
    assert seen == sorted(seen) and seen[0] < seen[-1]  # Raleigh takes on the volume


def test_the_plan_shows_the_schedule(example_repo: Path, tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    edit(example_repo, SV, BASE, RAMP)
    result = run_qplan("--wide", "--state", state, "plan", repo=example_repo)
    assert result.exit_code == 0, result.output
    assert (
        "  ~ allocation.sv-hate-speech-es\n"
        "      phases (staged rollout):\n"
        "        + from 2026-12-13: co-bogota 60%, us-austin 25%, us-raleigh 15%\n"
        "        + from 2027-01-04: co-bogota 60%, us-austin 10%, us-raleigh 30%\n"
        "        + from 2027-02-01: co-bogota 60%, us-raleigh 40%\n"
    ) in result.output
    apply_all(example_repo, state)
    edit(example_repo, SV, "2027-02-01", "2027-02-15")
    result = run_qplan("--wide", "--state", state, "plan", repo=example_repo)
    assert (
        "      phases (staged rollout):\n"
        "        - from 2027-02-01: co-bogota 60%, us-raleigh 40%\n"
        "        + from 2027-02-15: co-bogota 60%, us-raleigh 40%\n"
    ) in result.output


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (
            "{from: 2027-01-04, shares: {co-bogota: 60, us-austin: 10, us-raleigh: 20}}",
            "workflows/short-video.yaml:172:36: QP110 shares of sv-hate-speech-es from "
            "2027-01-04 sum to 90, not 100",
        ),
        (
            "{from: 2027-01-04, shares: {ph-manila: 50, us-reno: 50}}",
            "workflows/short-video.yaml:172:36: QP111 no team allocated to sv-hate-speech-es "
            "from 2027-01-04 speaks 'es'",
        ),
        (
            "{from: 2027-01-04, shares: {co-bogota: 80, us-raleigh: 20}}",
            "workflows/short-video.yaml:172:36: QP201 vendor Helix Trust Partners takes 80% of "
            "sv-hate-speech-es from 2027-01-04, over the 60% of guardrail vendor-concentration",
        ),
        (
            "{from: 2027-01-04, shares: {us-raleigh: 100}}",
            "workflows/short-video.yaml:172:36: QP202 live queue sv-hate-speech-es from "
            "2027-01-04 is worked by 1 team(s), guardrail two-sites-per-live-queue asks for at "
            "least 2",
        ),
        (
            "{from: 2026-11-01, shares: {co-bogota: 60, us-raleigh: 40}}",
            "workflows/short-video.yaml:171:7: QP023 allocation sv-hate-speech-es: phases: "
            "phases must be in date order: 2026-11-01 does not come after 2026-12-13",
        ),
    ],
)
def test_each_phase_is_checked_like_an_allocation(
    example_repo: Path, phase: str, expected: str
) -> None:
    ramp = RAMP.replace(
        "{from: 2027-01-04, shares: {co-bogota: 60, us-austin: 10, us-raleigh: 30}}", phase
    )
    edit(example_repo, SV, BASE, ramp)
    result = run_qplan("validate", repo=example_repo)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == expected


def test_the_docs_show_the_phase_in_force(example_repo: Path) -> None:
    edit(example_repo, SV, BASE, RAMP)
    assert run_qplan("docs", "build", "--project-dir", "project", repo=example_repo).exit_code == 0
    page = example_repo / "project" / "docs" / "queues" / "sv-hate-speech-es.md"
    text = page.read_text(encoding="utf-8")
    assert "In force on 2026-12-07:" in text
    assert (
        "| until 2026-12-13 | [co-bogota](../teams/co-bogota.md) 60%, "
        "[us-austin](../teams/us-austin.md) 40% |"
    ) in text
    assert "| from 2027-02-01 | [co-bogota](../teams/co-bogota.md) 60%, " in text


def test_a_phase_that_moves_many_points_is_a_dated_risk_with_site_approvals(
    example_repo: Path, tmp_path: Path
) -> None:
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    move = (
        BASE + "    phases:\n      - {from: 2027-01-04, shares: {us-austin: 40, us-raleigh: 60}}\n"
    )
    edit(example_repo, SV, BASE, move)
    result = run_qplan("--state", state, "plan", "--format", "json", repo=example_repo)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    risks = [r for r in document["risks"] if r["code"] == "allocation-move"]
    assert [(r["address"], r["message"]) for r in risks] == [
        (
            "allocation.sv-hate-speech-es",
            "from 2027-01-04 moves 60 points of share (co-bogota 60 → 0, us-raleigh 0 → 60)",
        )
    ]
    approvers = {a["approver"] for a in document["approvals"]}
    owners = {"site-raleigh@lakeside.example", "vendor-helix@lakeside.example"}
    assert owners <= approvers, approvers


def test_the_plan_shows_the_capacity_impact_of_each_future_phase(
    example_repo: Path, tmp_path: Path
) -> None:
    """A phase is a change of its own, dated: the plan works out the figures on the day it
    starts, not only today's (which a phase in the future does not move)."""
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    later = (
        BASE + "    phases:\n      - {from: 2027-02-01, shares: {co-bogota: 20, us-raleigh: 80}}\n"
    )
    edit(example_repo, SV, BASE, later)
    result = run_qplan("--wide", "--state", state, "plan", repo=example_repo)
    assert result.exit_code == 0, result.output
    impact = result.output[result.output.index("Capacity impact:") :]
    assert impact.splitlines()[:7] == [
        "Capacity impact:",
        "  from 2027-02-01, when a phase of a changed allocation starts:",
        "    queue.sv-hate-speech-es: required FTE 27.1 → 26.5; projected SLA 100.0% → 100.0% "
        "(target 95% in 24h); weekly cost 38,478 USD → 48,312 USD",
        "    queue.sv-hate-speech-es-training: required FTE 0.4 → 0.4; weekly cost 591.97 USD → "
        "743.27 USD",
        "    team.co-bogota: required FTE 61.5 → 50.8 of 80; utilisation 58.1% → 46.7% (cap 85%); "
        "weekly cost 48,210 USD → 39,824 USD",
        "    team.us-austin: required FTE 121.2 → 109.8 of 150; utilisation 59.0% → 52.5% "
        "(cap 85%)",
        "    team.us-raleigh: required FTE 66.1 → 87.7 of 110; utilisation 51.1% → 67.8% (cap 85%)",
    ]
    document = json.loads(
        run_qplan("--state", state, "plan", "--format", "json", repo=example_repo).output
    )
    [phase] = document["impact"]["phases"]
    assert phase["from"] == "2027-02-01"
    assert [t["team"] for t in phase["teams"]] == ["co-bogota", "us-austin", "us-raleigh"]
    assert "totals" not in phase
    markdown = run_qplan("--state", state, "plan", "--format", "markdown", repo=example_repo)
    assert (
        "#### Capacity impact\n\nFrom 2027-02-01, when a phase of a changed allocation starts:\n\n"
        "- `queue.sv-hate-speech-es`: required FTE 27.1 → 26.5;"
    ) in markdown.output


def test_strict_refuses_a_phase_that_overloads_a_team(example_repo: Path, tmp_path: Path) -> None:
    """Validate checks today's capacity; a phase that overloads a site in March is a warning
    of the plan, dated, and `plan --strict` counts it like today's."""
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    shares = (
        "  - queue: cm-harassment-en\n    shares: {in-hyderabad: 45, ph-cebu: 35, us-raleigh: 20}\n"
    )
    phase = (
        "    phases:\n"
        "      - {from: 2027-03-01, shares: {in-hyderabad: 20, ph-cebu: 60, us-raleigh: 20}}\n"
    )
    edit(example_repo, "workflows/comments.yaml", shares, shares + phase)
    assert run_qplan("validate", repo=example_repo).exit_code == 0
    result = run_qplan("--state", state, "plan", "--strict", repo=example_repo)
    assert result.exit_code == 1
    assert (
        "    ! team.ph-cebu goes over its cap: needs 46.2 FTE, has 45 (87% utilised, cap 85%) "
        "(QP160)\n"
    ) in result.output
    assert result.output.endswith("error: --strict: the plan has 7 warning(s); fix them first\n")
