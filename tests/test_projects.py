"""Projects under projects/: the checks on them, ``qplan status`` and the docs pages.

The example organisation's three projects (a Hindi livestream launch, the harassment v9
rollout, the German harassment recovery) are fictional; tests run with today 2026-11-25.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CASES, expect_golden, run_qplan
from tests.plan_scenario import apply_all, edit

GOLDEN = CASES / "status"
HINDI = "projects/hindi-livestream-launch.yaml"


def test_status_text_exact(example_repo: Path, tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    result = run_qplan("--state", state, "status", repo=example_repo)
    assert result.exit_code == 0, result.output
    expect_golden(GOLDEN / "all.txt", result.output)


def test_status_markdown_exact(example_repo: Path, tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    result = run_qplan(
        "--state", state, "status", "hindi-livestream-launch", "--format", "markdown",
        repo=example_repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    expect_golden(GOLDEN / "hindi-livestream-launch.md", result.output)


def test_status_json_with_what_was_applied_since(example_repo: Path, tmp_path: Path) -> None:
    """After an apply that enqueues the Hindi training cases and one that changes the
    recovery's queue, each project lists the changes to its own resources only."""
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    edit(
        example_repo,
        "workflows/comments.yaml",
        "shares: {de-berlin: 60, pt-lisbon: 40}",
        "shares: {de-berlin: 50, pt-lisbon: 50}",
    )
    apply_all(example_repo, state)
    result = run_qplan(
        "--state", state, "status", "harassment-de-recovery", "hindi-livestream-launch",
        "--since", "2026-11-20", "--format", "json", repo=example_repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["format_version"], document["today"], document["since"]) == (
        "1",
        "2026-12-07",
        "2026-11-20",
    )
    recovery, hindi = document["projects"]
    assert [(c["serial"], c["action"], c["address"]) for c in recovery["changes"]] == [
        (1, "create", "queue.cm-harassment-de"),
        (1, "create", "target.cm-harassment-de"),
        (1, "create", "allocation.cm-harassment-de"),
        (2, "update", "allocation.cm-harassment-de"),
    ]
    assert recovery["progress"] == {"done": 3, "total": 3}
    assert recovery["next_milestone"] is None  # the recovery is closed
    assert hindi["next_milestone"] == {
        "name": "Second Hindi-speaking site contracted",
        "due": "2027-11-26",
        "done": None,
        "launch": False,
        "overdue": False,
    }
    assert recovery["queues"][0]["ready"] is True  # its training cases are enqueued now
    assert recovery["decisions"] == [
        {
            "date": "2026-11-24",
            "what": "Borrow Lisbon capacity for two weeks; no overtime in Berlin",
            "who": "Regional operations lead",
        }
    ]
    assert [c["address"] for c in hindi["changes"]] == [
        "policy.livestream-safety",
        "workflow.livestream",
        "queue.ls-safety-hi",
        "queue.ls-safety-hi-training",
        "target.workflow:livestream",
        "cases.ls-safety-hi-training",
    ]
    gates = {g["gate"]: g["passed"] for g in hindi["queues"][0]["gates"]}
    assert gates["training-cases"] is True and gates["allocation"] is False
    assert [r["severity"] for r in hindi["open_risks"]] == ["high", "medium"]
    assert hindi["decisions"] == [  # the one of 2026-10-15 came before --since
        {
            "date": "2026-12-03",
            "what": "Move the launch to January 2028 with the India market entry; "
            "no launch from one site",
            "who": "Live product India",
        }
    ]


def test_status_usage_errors(example_repo: Path) -> None:
    result = run_qplan("status", "nope", repo=example_repo)
    assert (result.exit_code, result.output) == (
        64,
        "error: no project 'nope' (projects: harassment-de-recovery, harassment-v9-rollout, "
        "hindi-livestream-launch)\n",
    )
    result = run_qplan("status", "--since", "last week", repo=example_repo)
    assert (result.exit_code, result.output) == (
        64,
        "error: --since: 'last week' is not a date like 2026-11-01\n",
    )


def test_a_repository_without_projects(example_repo: Path, tmp_path: Path) -> None:
    for path in (example_repo / "projects").iterdir():
        path.unlink()
    result = run_qplan("--state", str(tmp_path / "s.db"), "status", repo=example_repo)
    assert (result.exit_code, result.output) == (
        0,
        "No projects: add one under projects/ (qplan new project).\n",
    )


def test_a_launch_comes_into_the_notice_window(example_repo: Path) -> None:
    """The Hindi launch is on 2028-01-10, 776 days after today: outside the 14-day window,
    inside an 800-day one, where its draft queue fails readiness (QP183, a warning)."""
    assert run_qplan("validate", repo=example_repo).output == "Valid: no problems found.\n"
    (example_repo / "pyproject.toml").write_text("[tool.qplan]\nlaunch_notice_days = 800\n")
    result = run_qplan("validate", repo=example_repo)
    assert result.exit_code == 0
    assert result.output == (
        "projects/hindi-livestream-launch.yaml:22:25: QP183 project hindi-livestream-launch: "
        "queue ls-safety-hi launches 2028-01-10 but fails the gate 'allocation covers the "
        "languages and data clearance': no allocation (and 2 more gates)\n"
        "  hint: allocate the queue to teams\n"
        "Valid with warnings: 0 errors, 1 warning.\n"
    )
    edit(example_repo, HINDI, "status: in_progress", "status: in_progress\nsuppress: [QP183]")
    assert run_qplan("validate", repo=example_repo).output == "Valid: no problems found.\n"


def test_docs_list_projects_and_the_launch_calendar(example_repo: Path, tmp_path: Path) -> None:
    from qplan.app.docs import docs_project
    from qplan.load.settings import load_settings

    _, files = docs_project(load_settings(example_repo), state_url=str(tmp_path / "s.db"))
    assert files is not None
    expect_golden(GOLDEN / "calendar.md", files["docs/projects/calendar.md"])
    index = files["docs/projects/index.md"]
    assert (
        "| [Hindi livestream review for India](hindi-livestream-launch.md) | launch | "
        "in progress | 3 of 5 | Second Hindi-speaking site contracted (2027-11-26) | 0 of 2 | 2 |"
    ) in index
    assert files["docs/projects/hindi-livestream-launch.md"] == run_qplan(
        "--state", str(tmp_path / "s.db"), "status", "hindi-livestream-launch",
        "--since", "2026-11-30", "--format", "markdown", repo=example_repo,
    ).output.replace("## ", "# ", 1).replace("\n### ", "\n## ")  # fmt: skip


def test_project_and_scenario_owners_own_their_files(example_repo: Path) -> None:
    result = run_qplan("owners", repo=example_repo)
    assert result.exit_code == 0, result.output
    lines = (example_repo / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line.startswith(("/projects/", "/scenarios/"))] == [
        "/projects/harassment-de-recovery.yaml ts-comments@lakeside.example",
        "/projects/harassment-v9-rollout.yaml ts-comments@lakeside.example",
        "/projects/hindi-livestream-launch.yaml ts-livestream@lakeside.example",
        "/scenarios/hindi-launch.yaml ts-livestream@lakeside.example",
        "/scenarios/hyderabad-attrition.yaml ts-comments@lakeside.example",
        "/scenarios/livestream-q1.yaml ts-livestream@lakeside.example",
    ]
