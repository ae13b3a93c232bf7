"""Plans: field-level diffs, risks, the three formats (exact), splitting and determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qplan.plan.fields import FieldChange, field_changes
from tests.conftest import expect_golden, run_qplan
from tests.plan_scenario import apply_all, change_short_video, edit, normalised

GOLDEN = Path(__file__).parent / "cases" / "plans" / "short-video-change"


def _golden(name: str, actual: str) -> None:
    expect_golden(GOLDEN / name, actual)


def test_field_changes_by_path_and_by_item_id() -> None:
    before = {
        "forecast": {"weekly_volume": 100, "aht_seconds": 40},
        "languages": ["en"],
        "phases": [{"id": "a", "share": 10}, {"id": "b", "share": 20}],
        "owner": "x@example.com",
    }
    after = {
        "forecast": {"weekly_volume": 120, "aht_seconds": 40},
        "languages": ["en", "es"],
        "phases": [{"id": "b", "share": 25}, {"id": "a", "share": 10}],
        "name": "new",
    }
    assert field_changes(before, after) == [
        FieldChange("forecast.weekly_volume", 100, 120),
        FieldChange("languages", ["en"], ["en", "es"]),
        FieldChange("phases.b.share", 20, 25),
        FieldChange("owner", "x@example.com", None),
        FieldChange("name", None, "new"),
    ]


def test_reordering_shares_or_lists_of_ids_is_no_change(example_repo: Path, tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    edit(
        example_repo,
        "workflows/short-video.yaml",
        "shares: {us-austin: 40, us-reno: 60}",
        "shares: {us-reno: 60, us-austin: 40}",
    )
    result = run_qplan("--state", state, "plan", "--detailed-exitcode", repo=example_repo)
    assert result.exit_code == 0, result.output
    assert result.output.endswith("No changes. The state matches the repository.\n")


@pytest.fixture
def changed_repo(example_repo: Path, tmp_path: Path) -> tuple[Path, str]:
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    change_short_video(example_repo)
    return example_repo, state


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_plan_output_is_exact(changed_repo: tuple[Path, str], fmt: str) -> None:
    repo, state = changed_repo
    result = run_qplan("--state", state, "plan", "--format", fmt, repo=repo)
    assert result.exit_code == 0, result.output
    output = normalised(result.output)
    if fmt == "json":  # one line for a program (not a terminal); the golden is indented
        assert output.count("\n") == 1
        output = json.dumps(json.loads(output), indent=2, ensure_ascii=False) + "\n"
    _golden(f"plan.{ {'json': 'json', 'text': 'txt', 'markdown': 'md'}[fmt] }", output)


def test_plan_is_deterministic(changed_repo: tuple[Path, str], tmp_path: Path) -> None:
    repo, state = changed_repo
    outputs = set()
    for n in range(2):
        saved = tmp_path / f"{n}.plan"
        result = run_qplan(
            "--state", state, "plan", "--format", "json", "--out", str(saved), repo=repo
        )
        assert result.exit_code == 0
        outputs.add((result.output, saved.read_bytes()))
    assert len(outputs) == 1


def test_plan_names_risks_and_their_approvers(changed_repo: tuple[Path, str]) -> None:
    repo, state = changed_repo
    result = run_qplan("--state", state, "plan", "--format", "json", repo=repo)
    risks = [(r["code"], r["address"], r["approvers"]) for r in json.loads(result.output)["risks"]]
    sv = "ts-short-video@lakeside.example"
    downgrade = ["policy-ve@lakeside.example", sv]
    vendors = ["vendor-helix@lakeside.example", "vendor-meridian@lakeside.example"]
    both = ["site-austin@lakeside.example", "site-reno@lakeside.example", sv]
    assert risks == [
        ("queue-removed-with-volume", "queue.sv-qa-en", ["site-reno@lakeside.example", sv]),
        ("queue-leaves-live", "queue.sv-qa-en", ["site-reno@lakeside.example", sv]),
        ("policy-downgrade", "queue.sv-violent-extremism-eu", downgrade + vendors),
        ("policy-downgrade", "queue.sv-violent-extremism-eu-training", downgrade),
        ("us-protected-allocation", "allocation.sv-hate-speech-en", both),
        ("allocation-move", "allocation.sv-hate-speech-en", both),
        ("us-protected-allocation", "allocation.sv-qa-en", ["site-reno@lakeside.example", sv]),
    ]


def test_approvals_name_owners_and_extra_approvers_per_risk_class(
    changed_repo: tuple[Path, str],
) -> None:
    repo, state = changed_repo
    (repo / "pyproject.toml").write_text(
        '[tool.qplan.approvers]\n"us-protected-allocation" = ["trust-legal@lakeside.example"]\n'
        '"guardrail-change" = ["ts-governance@lakeside.example"]\n'
    )
    edit(repo, "workflows/organisation.yaml", "max_percent: 60", "max_percent: 70")
    result = run_qplan("--state", state, "plan", "--format", "json", repo=repo)
    plan = json.loads(result.output)
    assert ("guardrail-change", "guardrail.vendor-concentration", [
        "ts-governance@lakeside.example"
    ]) in [(r["code"], r["address"], r["approvers"]) for r in plan["risks"]]  # fmt: skip
    approvals = {a["approver"]: a["reasons"] for a in plan["approvals"]}
    assert approvals["trust-legal@lakeside.example"] == [
        "us-protected-allocation on allocation.sv-hate-speech-en",
        "us-protected-allocation on allocation.sv-qa-en",
    ]
    assert approvals["ts-governance@lakeside.example"] == [
        "guardrail-change on guardrail.vendor-concentration"
    ]
    assert approvals["ts-short-video@lakeside.example"][:2] == [
        "owner of workflow short-video",
        "owner of SOP short-video",
    ]
    (repo / "pyproject.toml").write_text('[tool.qplan.approvers]\n"big-change" = ["x@y.z"]\n')
    result = run_qplan("--state", state, "plan", repo=repo)
    assert result.exit_code == 1
    assert result.output.startswith(
        "error: pyproject.toml: [tool.qplan.approvers] has no risk class 'big-change' ("
    )


def test_invalid_repository_gets_no_plan(example_repo: Path, tmp_path: Path) -> None:
    edit(
        example_repo,
        "workflows/short-video.yaml",
        "shares: {us-austin: 40, us-reno: 60}",
        "shares: {us-austin: 40, us-reno: 50}",
    )
    state = tmp_path / "state.db"
    for fmt, tail in [
        ("text", "No plan was made: fix the errors above first.\n"),
        ("markdown", "**Invalid: 1 error, 0 warnings. No plan was made.**\n"),
    ]:
        result = run_qplan("--state", str(state), "plan", "--format", fmt, repo=example_repo)
        assert result.exit_code == 1
        assert tail in result.output
        assert "workflows/short-video.yaml:166:" in result.output
    result = run_qplan("--state", str(state), "plan", "--format", "json", repo=example_repo)
    assert result.exit_code == 1
    assert json.loads(result.output)["summary"] == {"errors": 1, "warnings": 0}
    assert not state.exists()


def test_plan_against_empty_state_writes_nothing(example_repo: Path) -> None:
    result = run_qplan("plan", "--detailed-exitcode", repo=example_repo)
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == "Plan against an empty state."
    assert result.output.endswith("Plan: 145 to create, 0 to update, 0 to delete.\n")
    assert not (example_repo / ".qplan").exists()


def test_markdown_parts_fit_the_limit_and_keep_the_summary(example_repo: Path) -> None:
    from qplan.app.plan import plan_repository
    from qplan.app.workspace import open_state
    from qplan.load.settings import load_settings
    from qplan.report.plan import markdown_parts

    settings = load_settings(example_repo)
    plan = plan_repository(settings, open_state(settings)).plan
    assert plan is not None
    assert len(markdown_parts(plan)) == 1  # 125 creates fit in one comment
    parts = markdown_parts(plan, limit=12_000)
    assert len(parts) > 2
    assert all(len(p) <= 12_000 for p in parts)
    assert "**Plan: 145 to create, 0 to update, 0 to delete.**" in parts[0]
    assert all(f"part {n} of {len(parts)}" in p for n, p in enumerate(parts[1:], start=2))
    joined = "".join(parts)
    for change in plan.changes:
        assert f"+ {change.address}\n" in joined


def test_split_dir_writes_every_part(tmp_path: Path) -> None:
    from benchmarks.generate import generate

    repo = tmp_path / "org"
    generate(200, repo)
    out = tmp_path / "parts"
    result = run_qplan("plan", "--format", "markdown", "--split-dir", str(out), repo=repo)
    assert result.exit_code == 0, result.output
    parts = [(out / f"plan-{n}.md").read_text(encoding="utf-8") for n in range(1, 5)]
    assert sorted(p.name for p in out.iterdir()) == [f"plan-{n}.md" for n in range(1, 5)]
    assert all(len(p) <= 65_536 for p in parts)
    assert result.stdout == parts[0]
    assert parts[0].endswith("_The details continue in parts 2 to 4._\n")
    assert "**Plan: 550 to create, 0 to update, 0 to delete.**" in parts[0]
    assert "#### Capacity impact" in parts[0]
    shown = run_qplan("plan", "--format", "markdown", repo=repo)
    assert shown.output.endswith("_3 more part(s) not shown: write them all with --split-dir._\n")


def test_saved_plan_goes_where_asked_or_fails_in_one_line(example_repo: Path) -> None:
    nested = example_repo / "out" / "plans" / "a.plan"
    result = run_qplan("plan", "--out", str(nested), repo=example_repo)
    assert result.exit_code == 0 and nested.is_file()
    assert [p.name for p in nested.parent.iterdir()] == ["a.plan"]  # no temporary file left
    blocker = example_repo / "blocker"
    blocker.write_text("a file, not a folder\n")
    result = run_qplan("plan", "--out", str(blocker / "a.plan"), repo=example_repo)
    assert result.exit_code == 1
    assert result.output.endswith(
        f"error: cannot write {blocker / 'a.plan'}: {blocker} is not a folder\n"
    )


def test_sources_digest_follows_every_input_file(example_repo: Path) -> None:
    from qplan.app.workspace import sources_digest
    from qplan.load.settings import load_settings

    def current() -> str | None:
        return sources_digest(load_settings(example_repo))

    first = current()
    assert first is not None and first == current()
    seen: set[str | None] = {first}
    for rel, text in [
        ("workflows/short-video.yaml", "# a comment\n"),
        ("sops/extra/notes.md.j2", "---\ntitle: x\n---\n"),
        ("pyproject.toml", "# a comment\n"),
    ]:
        path = example_repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as stream:
            stream.write(text)
        seen.add(current())
    assert len(seen) == 4 and None not in seen


def test_the_readme_shows_the_plan_as_it_is() -> None:
    """The README's plan example is the golden plan, so it cannot drift from the tool."""
    from tests.conftest import CASES, ROOT

    golden = (CASES / "plans" / "short-video-change" / "plan.txt").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "$ qplan plan --out pr.plan\n" + golden.replace("<lineage>", "70f5cc5c…") in readme


def test_known_items_give_the_figures_parsing_gives(example_repo: Path) -> None:
    """The plan takes the state's unchanged resources from the validated organisation
    instead of parsing them: the figures must be exactly those parsing gives."""
    from qplan.app.plan import desired_snapshot, known_items
    from qplan.app.workspace import validate_repository
    from qplan.plan.impact import capacity_of

    validation = validate_repository(example_repo)
    desired = desired_snapshot(validation)
    known = known_items(validation.organisation, desired)
    assert len(known) == 9 + 43 + 22 + 25  # teams, queues, targets, allocations
    parsed = capacity_of(desired)
    taken = capacity_of(desired, known=known)
    assert {q: v.contract() for q, v in taken.queues.items()} == {
        q: v.contract() for q, v in parsed.queues.items()
    }
    assert {t: v.contract() for t, v in taken.teams.items()} == {
        t: v.contract() for t, v in parsed.teams.items()
    }


def _plan_of(existing: int, **actions: int) -> Any:
    from qplan.plan.plan import Base, Plan, ResourceChange

    changes = [
        ResourceChange(f"queue.q-{action}-{n}", "wf", action, None, None)
        for action, count in actions.items()
        for n in range(count)
    ]
    return Plan(Base("lineage", 1, existing), {}, changes)


@pytest.mark.parametrize(
    ("actions", "refused"),
    [
        ({"delete": 31}, True),  # deletions count as updates do
        ({"update": 20, "delete": 11}, True),
        ({"delete": 30}, False),  # exactly at the limit: allowed
        ({"update": 30, "create": 50}, False),  # creations touch nothing that exists
    ],
    ids=["deletions", "both", "at-the-limit", "creations"],
)
def test_the_large_change_safety_counts_updates_and_deletions(
    actions: dict[str, int], refused: bool
) -> None:
    """100 existing resources and a 30 % limit (octoDNS's update and delete threshold)."""
    from qplan.core.errors import PlanRefused

    plan = _plan_of(100, **actions)
    if not refused:
        assert plan.unsafe_reason(30, 10) is None
        plan.raise_if_unsafe(30, 10)
        return
    touched = actions.get("update", 0) + actions.get("delete", 0)
    with pytest.raises(PlanRefused) as raised:
        plan.raise_if_unsafe(30, 10)
    assert str(raised.value) == (
        f"plan updates or deletes {touched} of 100 existing resources ({touched:.1f} %), more "
        "than the 30 % allowed; review it and apply with --allow-large-change"
    )
    assert _plan_of(9, **actions).unsafe_reason(30, 10) is None  # a small state: no limit


@pytest.mark.parametrize(
    ("new", "risk"),
    [
        ({"a": 30, "b": 70}, None),  # 20 points: exactly the bound, no risk
        ({"a": 29.5, "b": 70.5}, "moves 20.5 points of share (a 50 → 29.5, b 50 → 70.5)"),
        ({"a": 50, "c": 50}, "moves 50 points of share (b 50 → 0, c 0 → 50)"),
    ],
    ids=["at-the-bound", "just-past", "to-a-new-team"],
)
def test_a_share_move_is_a_risk_only_past_its_bound(
    new: dict[str, float], risk: str | None
) -> None:
    from qplan.plan.plan import _share_move

    found = _share_move("allocation.q", "", {"a": 50, "b": 50}, new, 20)
    assert (found[0] if found else None) == risk


def test_shares_over_a_hundred_are_refused(tmp_path: Path) -> None:
    from tests.conftest import CASES, copy_case

    repo = copy_case(CASES / "valid" / "minimal", tmp_path)
    org = repo / "workflows" / "org.yaml"
    text = org.read_text(encoding="utf-8")
    org.write_text(
        text.replace("shares: {team-a: 50, team-b: 50}", "shares: {team-a: 60, team-b: 50}")
    )
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 1
    assert "QP110 shares of q-prod sum to 110, not 100" in result.output
