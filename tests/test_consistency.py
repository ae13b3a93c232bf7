"""What a strategist trying qplan for real ran into: each test names what it protects."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CASES, run_qplan

MINIMAL = CASES / "valid" / "minimal"


def _minimal(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo)
    (repo / "expected.txt").unlink()
    return repo


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_sop_front_matter_error_is_not_also_a_missing_sop(tmp_path: Path) -> None:
    repo = _minimal(tmp_path)
    _edit(repo / "sops" / "wf.md.j2", "owner: owner@example.com", "owner: not-an-email")
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 1
    assert result.output == (
        "sops/wf.md.j2:3:8: QP023 SOP: owner must be an email address, not 'not-an-email'\n"
        "Invalid: 1 error, 0 warnings.\n"
    )


def test_an_escalation_queue_reviews_the_languages_escalated_to_it(tmp_path: Path) -> None:
    repo = _minimal(tmp_path)
    org = repo / "workflows" / "org.yaml"
    _edit(
        org,
        "    languages: [en]\n    ttp_queue: ttp-prod\n",
        "    languages: [en, tl]\n    ttp_queue: ttp-prod\n",
    )
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 0
    assert result.output == (
        "workflows/org.yaml:48:19: QP123 queue q-prod escalates to q-esc, which does not "
        "review tl\n"
        "  hint: add tl to q-esc's languages, or escalate to a queue that reviews them\n"
        "Valid with warnings: 0 errors, 1 warning.\n"
    )


def test_a_semicolon_separated_case_set_says_so(tmp_path: Path) -> None:
    repo = _minimal(tmp_path)
    cases = repo / "training" / "q-train.csv"
    cases.write_text(cases.read_text().replace(",", ";"))
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        "training/q-train.csv:1:1: QP171 training case set separates its columns with ';'; "
        "qplan reads comma-separated CSV",
        "  hint: save it as CSV with commas (in a spreadsheet: CSV UTF-8, comma-delimited)",
    ]


def test_erlang_speaks_of_one_agent_and_has_help_for_shrinkage() -> None:
    result = run_qplan(
        "erlang", "--volume", "1", "--interval", "1h", "--aht", "60s", "--within", "1h"
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        "Recommended: 1 agent for 80% within 1h; 1 scheduled FTE at 0% shrinkage."
    )
    help_text = run_qplan("erlang", "--help").output
    assert "--shrinkage FLOAT" in help_text and "(0.3 means 30 %)" in help_text


def test_percent_and_fraction_are_not_confused() -> None:
    common = ["erlang", "--volume", "100", "--aht", "180s", "--within", "20s"]
    result = run_qplan(*common, "--target", "0.85")
    assert result.exit_code == 64
    assert result.output == (
        "error: --target 0.85: service-level target is a percentage, not a fraction; "
        "did you mean 85 %? (write --target 85)\n"
    )
    result = run_qplan(*common, "--shrinkage", "30")
    assert result.exit_code == 64
    assert result.output == (
        "error: --shrinkage 30: shrinkage is a fraction from 0 to 1, not a percentage; "
        "did you mean 0.3? (write --shrinkage 0.3)\n"
    )


def test_a_target_written_as_a_fraction_gets_a_hint(tmp_path: Path) -> None:
    repo = _minimal(tmp_path)
    _edit(repo / "workflows" / "org.yaml", "sla: {percent: 95,", "sla: {percent: 0.95,")
    _edit(repo / "workflows" / "org.yaml", "shrinkage: 0.3\n", "shrinkage: 30\n")
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    at = lines.index(
        "workflows/org.yaml:19:16: QP023 team team-a: shrinkage: input should be less than 1"
    )
    assert lines[at + 1] == "  hint: this is a fraction from 0 to 1; did you mean 0.3?"
    at = lines.index(
        "workflows/org.yaml:76:20: QP023 target q-prod: sla.percent: 0.95 is a percentage "
        "from 1 to 100, not a fraction"
    )
    assert lines[at + 1] == "  hint: this is a percentage; did you mean 95?"


def test_reordering_set_like_lists_is_no_change_and_fmt_after_plan_keeps_it_appliable(
    tmp_path: Path,
) -> None:
    repo = _minimal(tmp_path)
    state = str(tmp_path / "state.db")
    assert run_qplan("--state", state, "apply", "--auto-approve", repo=repo).exit_code == 0
    _edit(repo / "workflows" / "org.yaml", "languages: [en, tl]", "languages: [tl, en]")
    result = run_qplan("--state", state, "plan", repo=repo)
    assert result.exit_code == 0
    assert result.output.endswith("\nNo changes. The state matches the repository.\n")
    _edit(repo / "workflows" / "org.yaml", "weekly_volume: 10000", "weekly_volume: 12000")
    plan_file = str(tmp_path / "pr.plan")
    assert run_qplan("--state", state, "plan", "--out", plan_file, repo=repo).exit_code == 0
    assert run_qplan("fmt", repo=repo).exit_code == 0  # sorts the languages back
    assert "languages: [en, tl]" in (repo / "workflows" / "org.yaml").read_text()
    result = run_qplan("--state", state, "apply", plan_file, repo=repo)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Apply complete: 0 created, 1 updated, 0 deleted.")


def test_field_changes_compare_sets_as_sets_and_items_by_id() -> None:
    """The field-level diff (DeepDiff on a canonical form): set-like lists compare as sets,
    lists of items by their id, a list of plain values is one field, null is absent, and
    fields come in the order they are written."""
    from qplan.plan.fields import FieldChange, field_changes

    before = {
        "name": "Q",
        "languages": ["en", "es"],
        "shares": {"a": 40, "b": 60},
        "versions": [1, 2],
        "shifts": [{"id": "day", "fte": 10}, {"id": "night", "fte": 4}],
        "owner": None,
    }
    after = {
        "languages": ["es", "en"],
        "shares": {"a": 70, "b": 30},
        "versions": [1, 2, 3],
        "shifts": [{"id": "night", "fte": 6}, {"id": "late", "fte": 2}],
        "description": "new",
    }
    assert field_changes(before, after) == [
        FieldChange("name", "Q", None),
        FieldChange("shares.a", 40, 70),
        FieldChange("shares.b", 60, 30),
        FieldChange("versions", [1, 2], [1, 2, 3]),
        FieldChange("shifts.day", {"id": "day", "fte": 10}, None),
        FieldChange("shifts.night.fte", 4, 6),
        FieldChange("shifts.late", None, {"id": "late", "fte": 2}),
        FieldChange("description", None, "new"),
    ]
    assert field_changes({"markets": ["US", "BR"]}, {"markets": ["BR", "US"]}) == []


def test_a_new_queue_at_a_vendor_with_a_new_policy_asks_their_owners(tmp_path: Path) -> None:
    import json

    repo = _minimal(tmp_path)
    org = repo / "workflows" / "org.yaml"
    _edit(org, "    vendor: Vendor B\n", "    vendor: Vendor B\n    owner: vendor-b@example.com\n")
    state = str(tmp_path / "state.db")
    assert run_qplan("--state", state, "apply", "--auto-approve", repo=repo).exit_code == 0
    text = org.read_text()
    text = text.replace(
        "\nteams:\n",
        "\n  - id: pol-new\n    name: New policy\n    versions: [1]\n"
        "    decisions: [approve, remove]\n    owner: policy-new@example.com\n\nteams:\n",
    )
    text = text.replace(
        "\ntargets:\n",
        "\n  - id: q-new\n    name: New\n    workflow: wf\n    kind: production\n"
        "    status: draft\n    policy: pol-new@1\n    template: tpl@1\n    languages: [en]\n"
        "    ttp_queue: ttp-new\n\ntargets:\n",
    )
    text += "\n  - queue: q-new\n    shares: {team-a: 40, team-b: 60}\n"
    org.write_text(text)
    result = run_qplan("--state", state, "plan", "--format", "json", repo=repo)
    assert result.exit_code == 0, result.output
    approvals = {a["approver"]: a["reasons"] for a in json.loads(result.output)["approvals"]}
    assert approvals == {
        "owner@example.com": ["owner of workflow wf"],
        "policy-new@example.com": ["owner of policy pol-new"],
        "vendor-b@example.com": ["owner of team team-b"],
    }


def test_languages_are_bcp_47_tags_and_a_general_team_covers_a_regional_queue(
    tmp_path: Path,
) -> None:
    repo = _minimal(tmp_path)
    org = repo / "workflows" / "org.yaml"
    # q-prod becomes Mexican Spanish; team-a speaks Spanish, so it covers it
    _edit(
        org,
        "    languages: [en]\n    headcount_fte: 50",
        "    languages: [en, es]\n    headcount_fte: 50",
    )
    text = org.read_text().replace(
        "    languages: [en]\n    ttp_queue: ttp-prod\n",
        "    languages: [es-MX]\n    ttp_queue: ttp-prod\n",
    )
    org.write_text(text)
    result = run_qplan("validate", repo=repo)
    assert "QP111" not in result.output
    assert "QP023" not in result.output
    org.write_text(text.replace("[es-MX]", "[es-mx]"))
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 1
    assert (
        "workflows/org.yaml:45:17: QP023 queue q-prod: languages.0: 'es-mx' is written es-MX "
        "in BCP 47"
    ) in result.output.splitlines()
    org.write_text(text.replace("[es-MX]", "[xx-YY-!]"))
    result = run_qplan("validate", repo=repo)
    assert (
        "workflows/org.yaml:45:17: QP023 queue q-prod: languages.0: 'xx-YY-!' is not a BCP 47 "
        "language tag, like en or es-MX"
    ) in result.output.splitlines()


def test_capacity_totals_state_their_scope_and_add_up(example_repo: Path) -> None:
    import json

    for args in ([], ["--workflow", "short-video"], ["--team", "us-austin"]):
        result = run_qplan("capacity", "--format", "json", *args, repo=example_repo)
        assert result.exit_code == 0, result.output
        document = json.loads(result.output)
        totals = document["totals"]
        queue_cost = sum(q["weekly_cost"] for q in document["queues"])
        queue_fte = sum(q["required_fte"] for q in document["queues"])
        assert abs(totals["queue_weekly_cost"] - queue_cost) < 0.05
        assert abs(totals["queue_required_fte"] - queue_fte) < 0.05
        by_workflow = totals["by_workflow"].values()
        assert abs(sum(w["weekly_cost"] for w in by_workflow) - queue_cost) < 0.05
        team_cost = sum(t["weekly_cost"] for t in document["teams"])
        assert abs(totals["weekly_cost"] - team_cost) < 0.05
    text = run_qplan("--wide", "capacity", "--workflow", "short-video", repo=example_repo).output
    assert text.splitlines()[:6] == [
        "The plan holds every target: projected SLA, utilisation and exposure caps.",
        "Actuals from 2026-10-26 to 2026-11-22 (28 days): Every target was met (5 queues).",
        "Guardrails: 2 vendor share(s) at a vendor cap, 0 over one.",
        "Exposure: 2 teams under an exposure cap, none over one; closest: us-austin at 0.92 h "
        "per agent-day on egregious queues against 4 h.",
        "8 queues: 101.7 FTE required, queue cost 192,309 USD a week.",
        "5 teams working them, all their queues: 362.9 FTE required of 455 headcount, "
        "team cost 794,777 USD a week (656,000 USD fixed, 138,777 USD billed by use).",
    ]


def test_a_draft_queue_with_a_forecast_and_allocation_is_sized_but_not_counted(
    tmp_path: Path,
) -> None:
    import json

    repo = _minimal(tmp_path)
    org = repo / "workflows" / "org.yaml"
    text = org.read_text().replace(
        "\ntargets:\n",
        "\n  - id: q-new\n    name: New\n    workflow: wf\n    kind: production\n"
        "    status: draft\n    policy: pol@2\n    template: tpl@1\n    languages: [en]\n"
        "    ttp_queue: ttp-new\n"
        "    forecast: {arrival: backlog, weekly_volume: 5000, aht_seconds: 60}\n\ntargets:\n",
    )
    org.write_text(text + "\n  - queue: q-new\n    shares: {team-a: 100}\n")
    before = json.loads(run_qplan("capacity", "--format", "json", repo=_minimal(tmp_path / "b"))
                        .output)  # fmt: skip
    result = run_qplan("capacity", "--format", "json", repo=repo)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    draft = next(q for q in document["queues"] if q["queue"] == "q-new")
    assert draft["draft"] is True and draft["required_fte"] > 0
    assert document["totals"]["queue_weekly_cost"] == before["totals"]["queue_weekly_cost"]
    assert document["teams"] == before["teams"]  # the teams' figures leave drafts out
    text_report = run_qplan("capacity", repo=repo).output
    assert "q-new (draft)" in text_report
    assert "1 queue (1 draft queue shown, not counted): " in text_report
