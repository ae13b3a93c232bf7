"""`qplan readiness`: one case per gate through the CLI, exact; and training case sets
enqueued through the plan and recorded in the state."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_qplan
from tests.plan_scenario import apply_all, edit

SV = "workflows/short-video.yaml"
CASES = "training/sv-hate-speech-en-training.csv"


def _failing(repo: Path, state: str, queue: str) -> list[str]:
    """The ✗ lines (and their to-do lines) of one queue's checklist."""
    result = run_qplan("--wide", "--state", state, "readiness", queue, repo=repo)
    lines = result.output.splitlines()
    out = []
    for index, line in enumerate(lines):
        if line.startswith("  ✗"):
            out.append(line)
            if index + 1 < len(lines) and lines[index + 1].startswith("      to do:"):
                out.append(lines[index + 1])
    assert result.exit_code == (1 if out else 0), result.output
    return out


@pytest.fixture
def applied(example_repo: Path, tmp_path: Path) -> tuple[Path, str]:
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    return example_repo, state


def _in_queue(repo: Path, qid: str, old: str, new: str) -> None:
    """Replace the first ``old`` inside queue ``qid``'s block of the short-video file."""
    text = (repo / SV).read_text(encoding="utf-8")
    start = text.index(f"  - id: {qid}\n")
    end = text.index("\n\n", start)
    block = text[start:end]
    assert old in block, f"{old!r} not in {qid}"
    (repo / SV).write_text(text[:start] + block.replace(old, new, 1) + text[end:], encoding="utf-8")


def _unpublish(repo: Path) -> None:
    # the queue file binds a version the policy no longer lists (validate says so too;
    # readiness still shows the checklist)
    edit(repo, "workflows/organisation.yaml", "versions: [5, 6, 7]", "versions: [5, 6]")


GATES: list[tuple[str, str, Callable[[Path], object], list[str]]] = [
    (
        "policy",
        "sv-hate-speech-en",
        _unpublish,
        [
            "  ✗ policy bound to a published version: hate-speech@7 is not published "
            "(published: 5, 6)",
            "      to do: bind a published version",
        ],
    ),
    (
        "template",
        "sv-hate-speech-en",
        lambda r: _in_queue(r, "sv-hate-speech-en", "video-review@12", "video-review@13"),
        [
            "  ✗ labeling template version set, training pair on the same versions: training "
            "queue sv-hate-speech-en-training is on hate-speech@7 and video-review@12",
            "      to do: move sv-hate-speech-en-training to hate-speech@7 and video-review@13 "
            "as well",
        ],
    ),
    (
        "training-cases",
        "sv-hate-speech-en-training",
        lambda r: (r / CASES).write_text(
            (r / CASES).read_text(encoding="utf-8") + "shse-9999,remove,7,\n", encoding="utf-8"
        ),
        [
            "  ✗ training case set valid and enqueued: training/sv-hate-speech-en-training.csv "
            "(241 cases) is not enqueued yet",
            "      to do: apply the plan that enqueues it",
        ],
    ),
    (
        "ttp",
        "sv-hate-speech-es",
        lambda r: edit(r, SV, "ttp_queue: ttp-sv-hs-es-01\n", "ttp_queue: ttp-sv-hs-en-01\n"),
        [
            "  ✗ TTP logical queue set and unique: ttp-sv-hs-en-01 is also used by "
            "sv-hate-speech-en",
            "      to do: use a unique id",
        ],
    ),
    (
        "sop",
        "sv-hate-speech-en",
        lambda r: _in_queue(r, "sv-hate-speech-en", "    sop: sops/short-video.md.j2\n", ""),
        [
            "  ✗ SOP present, renders and reviewed within its cadence: no SOP",
            "      to do: write one under sops/ and set `sop`",
        ],
    ),
    (
        "allocation",
        "sv-hate-speech-es",
        lambda r: edit(
            r, SV, "shares: {co-bogota: 60, us-austin: 40}", "shares: {ph-manila: 60, us-reno: 40}"
        ),
        [
            "  ✗ allocation covers the languages and data clearance: no allocated team speaks es",
            "      to do: allocate a team that does",
        ],
    ),
    (
        "capacity",
        "sv-hate-speech-en",
        lambda r: edit(r, "workflows/organisation.yaml", "headcount_fte: 150", "headcount_fte: 50"),
        [
            "  ✗ projected capacity meets the SLA target: unstable: the backlog grows by "
            "3,513 items a day",
            "      to do: add capacity",
        ],
    ),
    (
        "escalation",
        "sv-hate-speech-en",
        lambda r: _in_queue(r, "sv-hate-speech-en", "    escalates_to: sv-escalation-en\n", ""),
        [
            "  ✗ escalation path ends in a live queue: no escalation path",
            "      to do: set `escalates_to`",
        ],
    ),
    (
        "qa",
        "sv-hate-speech-en",
        lambda r: _in_queue(r, "sv-hate-speech-en", "    qa: {sample_rate: 0.05}\n", ""),
        [
            "  ✗ QA sampling rate set: no QA sampling rate",
            "      to do: set `qa: {sample_rate: 0.05}`",
        ],
    ),
]


@pytest.mark.parametrize(
    ("queue", "change", "expected"), [g[1:] for g in GATES], ids=[g[0] for g in GATES]
)
def test_each_gate_fails_with_its_reason_and_what_to_do(
    applied: tuple[Path, str], queue: str, change: Callable[[Path], object], expected: list[str]
) -> None:
    repo, state = applied
    assert _failing(repo, state, queue) == []
    change(repo)
    assert _failing(repo, state, queue) == expected


def test_an_overdue_sop_is_a_warning_in_readiness_as_in_validate(
    applied: tuple[Path, str],
) -> None:
    """One rule table decides: QP141 is a warning, so the gate warns and does not block."""
    repo, state = applied
    edit(repo, "sops/short-video.md.j2", "last_reviewed: 2026-11-24", "last_reviewed: 2025-07-04")
    result = run_qplan("--state", state, "readiness", "sv-hate-speech-en", repo=repo)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "sv-hate-speech-en (live, production): ready (1 warning)"
    assert (
        "  ! SOP present, renders and reviewed within its cadence: sops/short-video.md.j2 "
        "was due for review on 2026-07-04"
    ) in lines
    validated = run_qplan("validate", repo=repo)
    assert validated.exit_code == 0
    assert " QP141 SOP review overdue since 2026-07-04" in validated.output


def test_targets_and_training_queue_gates(applied: tuple[Path, str]) -> None:
    repo, state = applied
    _in_queue(repo, "sv-hate-speech-en", "    training_queue: sv-hate-speech-en-training\n", "")
    edit(
        repo,
        SV,
        "  - queue: sv-hate-speech-en\n    sla: {percent: 95, within: 24h}\n"
        "    quality: {min_accuracy: 0.92}\n    max_occupancy: 0.85\n\n",
        "",
    )
    edit(repo, SV, "  - workflow: short-video\n    sla: {percent: 90, within: 48h}\n"
         "    quality: {min_accuracy: 0.9}\n\n", "")  # fmt: skip
    failing = _failing(repo, state, "sv-hate-speech-en")
    assert "  ✗ training queue exists: no training queue" in failing
    assert "  ✗ targets set: no target" in failing


def test_draft_queues_are_information_unless_asked(applied: tuple[Path, str]) -> None:
    repo, state = applied
    everything = run_qplan("--state", state, "readiness", repo=repo)
    assert everything.exit_code == 0
    assert "ls-safety-hi (draft, production): not ready (3 gates fail; information only " \
        "while draft)" in everything.output  # fmt: skip
    assert everything.output.endswith("43 queue(s): 42 ready, 1 not ready.\n")
    asked = run_qplan("--state", state, "readiness", "ls-safety-hi", repo=repo)
    assert asked.exit_code == 1
    document = json.loads(
        run_qplan("--state", state, "readiness", "--workflow", "livestream", "--format", "json",
                  repo=repo).output
    )  # fmt: skip
    row = next(q for q in document["queues"] if q["queue"] == "ls-safety-hi")
    assert row["ready"] is False and row["gates"][7] == {
        "gate": "allocation",
        "title": "allocation covers the languages and data clearance",
        "passed": False,
        "blocking": True,
        "reason": "no allocation",
        "fix": "allocate the queue to teams",
    }


def test_case_sets_are_enqueued_by_the_plan_and_recorded(applied: tuple[Path, str]) -> None:
    repo, state = applied
    text = (repo / CASES).read_text(encoding="utf-8").splitlines(keepends=True)
    kept = text[:1] + text[3:]  # two cases retired
    kept += [
        "shse-9001,remove,7,new slur variant\n",
        "shse-9002,approve,7,\n",
        "shse-9003,age_restrict,7,\n",
    ]
    (repo / CASES).write_text("".join(kept), encoding="utf-8")
    plan = run_qplan("--state", state, "plan", repo=repo)
    assert plan.exit_code == 0, plan.output
    assert (
        "  ~ cases.sv-hate-speech-en-training\n"
        "      enqueue 241 training cases (3 new, 2 removed) from "
        "training/sv-hate-speech-en-training.csv\n"
    ) in plan.output
    assert _failing(repo, state, "sv-hate-speech-en-training") == [
        "  ✗ training case set valid and enqueued: training/sv-hate-speech-en-training.csv "
        "(241 cases) is not enqueued yet",
        "      to do: apply the plan that enqueues it",
    ]
    apply_all(repo, state)
    assert _failing(repo, state, "sv-hate-speech-en-training") == []
    shown = run_qplan(
        "--state", state, "state", "show", "cases.sv-hate-speech-en-training", repo=repo
    )
    assert shown.output == (
        "cases.sv-hate-speech-en-training (serial 2)\n"
        "  enqueue 241 training cases (241 new, 0 removed) from "
        "training/sv-hate-speech-en-training.csv\n"
    )
