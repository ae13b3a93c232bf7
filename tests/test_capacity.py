"""The capacity model against hand-worked examples, and `qplan capacity` end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from qplan.capacity.backlog import recovery
from qplan.capacity.erlang import erlang_c
from qplan.capacity.figures import Capacity
from qplan.capacity.staffing import derive
from qplan.capacity.teams import share_within, team_mask
from qplan.model.format import Allocation, Queue, Target, Team
from tests.conftest import CASES, expect_golden, run_qplan
from tests.plan_scenario import apply_all, edit

ALL_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _team(tid: str, **overrides: Any) -> Team:
    fields: dict[str, Any] = {
        "id": tid,
        "name": tid,
        "type": "in_house",
        "country": "US",
        "languages": ["en"],
        "headcount_fte": 100,
        "shrinkage": 0.32,
        "paid_hours_per_week": 40,
        "occupancy_cap": 0.85,
        "cost_per_hour": 58.0,
        "timezone": "America/Chicago",
        "coverage": {"days": ALL_WEEK, "start": "00:00", "end": "24:00"},
    }
    fields.update(overrides)
    return Team.model_validate(fields)


def _queue(qid: str, arrival: str, volume: float, aht: float) -> Queue:
    return Queue.model_validate(
        {
            "id": qid,
            "name": qid,
            "workflow": "wf",
            "kind": "production",
            "status": "live",
            "policy": "p@1",
            "languages": ["en"],
            "forecast": {"arrival": arrival, "weekly_volume": volume, "aht_seconds": aht},
        }
    )


def _derive(
    teams: list[Team], queue: Queue, shares: dict[str, float], percent: float, within: str
) -> Capacity:
    return derive(
        {t.id: t for t in teams},
        {queue.id: queue},
        {
            queue.id: Target.model_validate(
                {"queue": queue.id, "sla": {"percent": percent, "within": within}}
            )
        },
        {queue.id: Allocation.model_validate({"queue": queue.id, "shares": shares})},
    )


def test_backlog_fte_divides_by_shrinkage_and_occupancy() -> None:
    # 84,000 items × 42 s = 980 h a week; 980 / (40 h × 0.85 × (1 − 0.32)) = 42.39 FTE
    figures = _derive([_team("a")], _queue("q", "backlog", 84_000, 42), {"a": 100}, 95, "24h")
    queue = figures.queues["q"]
    assert queue.required_fte == pytest.approx(980 / (40 * 0.85 * 0.68))
    assert round(queue.required_fte, 2) == 42.39
    team = figures.teams["a"]
    assert team.available_fte == pytest.approx(68.0)  # 100 × (1 − 0.32)
    assert team.utilisation_percent == pytest.approx(100 * 980 / (100 * 40 * 0.68))
    assert team.weekly_cost == 100 * 40 * 58.0
    assert queue.weekly_cost == pytest.approx(queue.required_fte * 40 * 58.0)
    assert queue.cost_per_item == pytest.approx(queue.weekly_cost / 84_000)
    assert (queue.stable, queue.projected_sla_percent, team.over_cap) == (True, 100.0, False)


def test_weekday_office_hours_cannot_meet_24h_for_weekend_arrivals() -> None:
    # Mon–Fri 9–17 with room to spare: an item is handled at the next working moment.
    # Weeknight gaps are 16 h (within 24 h); the weekend gap runs Fri 17:00 → Mon 09:00, and
    # items arriving Fri 17:00 → Sun 09:00 (40 of the week's 168 hours) wait longer than 24 h.
    office = _team("office", coverage={"days": ALL_WEEK[:5], "start": "09:00", "end": "17:00"})
    # (to within one 15-minute step of the simulation: 1/672 of the week)
    assert share_within(team_mask(office), 1e6, 24.0) == pytest.approx(128 / 168, abs=1.01 / 672)
    figures = _derive([office], _queue("q", "backlog", 1_000, 60), {"office": 100}, 95, "24h")
    queue = figures.queues["q"]
    assert queue.projected_sla_percent == pytest.approx(100 * 128 / 168, abs=101 / 672)
    assert queue.meets_target is False and queue.stable
    assert queue.coverage_percent == pytest.approx(100 * 40 / 168)


def test_round_the_clock_team_with_room_handles_everything_at_once() -> None:
    mask = team_mask(_team("a"))
    assert share_within(mask, 2.0, 1.0) == 1.0
    assert share_within(mask, 1.0, 1.0) == 0.0  # no spare capacity: not stable


def test_share_within_grows_with_capacity_and_time() -> None:
    mask = team_mask(_team("b", coverage={"days": ALL_WEEK[:6], "start": "06:00", "end": "22:00"}))
    by_ratio = [share_within(mask, r, 12.0) for r in (1.05, 1.2, 1.5, 2.0, 4.0)]
    by_within = [share_within(mask, 1.3, h) for h in (1.0, 4.0, 12.0, 24.0, 48.0)]
    assert by_ratio == sorted(by_ratio) and by_within == sorted(by_within)
    assert 0 < by_ratio[0] < by_ratio[-1] <= 1


def test_unstable_backlog_grows_by_the_daily_shortfall() -> None:
    # 10 FTE × 40 h × 0.68 × 0.85 = 231.2 h of backlog capacity; 20,000 items × 60 s = 333.3 h
    small = _team("s", headcount_fte=10)
    figures = _derive([small], _queue("q", "backlog", 20_000, 60), {"s": 100}, 95, "24h")
    queue, team = figures.queues["q"], figures.teams["s"]
    handled = 231.2 * 60  # items a week
    assert not queue.stable and team.over_cap
    assert queue.backlog_growth_per_day == pytest.approx((20_000 - handled) / 7)
    assert queue.projected_sla_percent == 0.0


def test_realtime_share_is_erlang_c_times_coverage() -> None:
    # 100 items per 30 min at 180 s → 10 Erlangs, 20 s answer: the published example needs 14.
    volume = 100 * 2 * 168
    figures = _derive([_team("a")], _queue("q", "realtime", volume, 180), {"a": 100}, 80, "20s")
    share = figures.queues["q"].shares[0]
    assert share.agents_on_duty == 14
    reference = erlang_c(10.0, 14, 180, 20).service_level
    assert figures.queues["q"].projected_sla_percent == pytest.approx(100 * reference)
    assert share.required_fte == pytest.approx(14 * 168 / (40 * 0.68))
    half = _team("h", coverage={"days": ALL_WEEK, "start": "06:00", "end": "18:00"})
    figures = _derive([half], _queue("q", "realtime", volume, 180), {"h": 100}, 80, "20s")
    assert figures.queues["q"].projected_sla_percent == pytest.approx(50 * reference)


def test_shares_are_not_pooled() -> None:
    volume = 100 * 2 * 168
    split = _derive(
        [_team("a"), _team("b")],
        _queue("q", "realtime", volume, 180),
        {"a": 50, "b": 50},
        80,
        "20s",
    )
    agents = [s.agents_on_duty for s in split.queues["q"].shares]
    assert agents == [8, 8]  # 5 Erlangs each; one pool of 10 Erlangs would need 14
    assert sum(a or 0 for a in agents) > 14


def test_backlog_recovery_days_and_extra_fte() -> None:
    # Capacity 231.2 h × 60 items/h = 13,872 items a week against 7,000: 6,872 spare, 981.7/day.
    team = _team("s", headcount_fte=10)
    figures = _derive([team], _queue("q", "backlog", 7_000, 60), {"s": 100}, 95, "24h")
    result = recovery(figures, {"s": team}, "q", 20_000, 7)
    assert result.spare_items_per_day == pytest.approx(6_872 / 7)
    assert result.days_to_recover == pytest.approx(20_000 / (6_872 / 7))
    assert result.extra_fte == pytest.approx(
        (20_000 / 7 - 6_872 / 7) * 7 * (60 / 3600) / (40 * 0.68 * 0.85)
    )
    overloaded = _derive([team], _queue("q", "backlog", 20_000, 60), {"s": 100}, 95, "24h")
    stuck = recovery(overloaded, {"s": team}, "q", 5_000, 7)
    assert stuck.days_to_recover is None and not stuck.feasible and stuck.extra_fte > 0


def test_zero_volume_and_zero_headcount() -> None:
    figures = _derive([_team("a")], _queue("q", "backlog", 0, 60), {"a": 100}, 95, "24h")
    assert (figures.queues["q"].required_fte, figures.queues["q"].projected_sla_percent) == (
        0.0,
        100.0,
    )
    assert figures.queues["q"].cost_per_item is None
    empty = _team("z", headcount_fte=0)
    figures = _derive([empty], _queue("q", "backlog", 100, 60), {"z": 100}, 95, "24h")
    assert not figures.queues["q"].stable and figures.teams["z"].over_cap
    assert math.isinf(figures.teams["z"].utilisation_percent)


# --- the command ---------------------------------------------------------------------------


def _golden(name: str, actual: str) -> None:
    expect_golden(CASES / "capacity" / name, actual)


def test_capacity_text_of_the_example_is_exact(example_repo: Path) -> None:
    result = run_qplan("capacity", "--backlog", "sv-hate-speech-en=20000", repo=example_repo)
    assert result.exit_code == 0, result.output
    _golden("example.txt", result.output)
    result = run_qplan(
        "capacity", "--format", "markdown", "--workflow", "livestream", repo=example_repo
    )
    assert result.exit_code == 0, result.output
    _golden("livestream.md", result.output)


def test_capacity_json_contract(example_repo: Path) -> None:
    result = run_qplan("capacity", "--format", "json", "--team", "de-berlin", repo=example_repo)
    document = json.loads(result.output)
    assert list(document) == [
        "format_version",
        "queues",
        "teams",
        "totals",
        "flags",
        "backlog_recovery",
    ]
    assert [t["team"] for t in document["teams"]] == ["de-berlin"]
    assert [q["queue"] for q in document["queues"]] == [
        "cm-harassment-de",
        "cm-harassment-de-training",
        "cm-qa",
        "co-regulated-goods-multi",
        "co-regulated-goods-multi-training",
        "sv-violent-extremism-eu",
        "sv-violent-extremism-eu-training",
    ]
    assert set(document["queues"][0]) == {
        "queue", "workflow", "arrival", "weekly_volume", "aht_seconds", "required_fte",
        "target_sla_percent", "target_within", "projected_sla_percent", "meets_target",
        "stable", "backlog_growth_items_per_day", "weekly_cost", "cost_per_item", "shares",
        "draft",
    }  # fmt: skip
    assert document["teams"][0] == {
        "team": "de-berlin",
        "type": "bpo",
        "vendor": "Meridian CX",
        "country": "DE",
        "headcount_fte": 40.0,
        "available_fte": 27.6,
        "required_fte": 29.82,
        "workload_hours_per_week": 682.08,
        "productive_hours_per_week": 1076.4,
        "utilisation_percent": 63.37,
        "cap_percent": 85.0,
        "over_cap": False,
        "weekly_cost": 51356.86,  # billed per productive hour: 29.82 FTE × 27.6 h × 64
        "fixed_weekly_cost": 0.0,
        "variable_weekly_cost": 51356.86,
        "queues": [
            "cm-harassment-de",
            "cm-harassment-de-training",
            "cm-qa",
            "co-regulated-goods-multi",
            "co-regulated-goods-multi-training",
            "sv-violent-extremism-eu",
            "sv-violent-extremism-eu-training",
        ],
        "exposure": [],
    }


def test_capacity_flags_and_chart(tmp_path: Path) -> None:
    case = CASES / "invalid" / "capacity"
    result = run_qplan("capacity", repo=case)
    assert result.exit_code == 1
    assert result.output.endswith("No capacity figures were made: fix the errors above first.\n")
    repo = tmp_path / "repo"
    import shutil

    shutil.copytree(case, repo)
    edit(repo, "workflows/org.yaml", "headcount_fte: 0", "headcount_fte: 1")
    chart = tmp_path / "out" / "capacity.svg"
    result = run_qplan("capacity", "--chart", str(chart), repo=repo)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:6] == [
        "The plan has 2 problems:",
        "! queue q-live cannot meet its target: 23.1% within 60s, target 90%",
        "! queue q-prod cannot meet its target: 92.8% within 24h, target 95%",
        "2 queues: 6.4 FTE required, queue cost 7,246 a week.",
        "3 teams working them, all their queues: 6.4 FTE required of 101 headcount, "
        "headcount cost 132,000 a week.",
        "",
    ]
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    focusable = '<g class="bar" tabindex="0"><title>'
    assert svg.count(f"{focusable}team-") == 3 and svg.count(f"{focusable}q-") == 2
    # a miss is told by its colour and a "!" after its figure
    assert f"{focusable}q-live: projected SLA 23.1% (line at 90%), missed</title>" in svg
    assert '<text x="616" y="' in svg and ">23.1% !</text>" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--backlog", "sv-hate-speech-en"], "--backlog 'sv-hate-speech-en': write QUEUE=N"),
        (["--backlog", "nope=5"], "--backlog: 'nope' is not a staffed queue"),
        (["--workflow", "nope"], "--workflow: no workflow 'nope'"),
        (["--recover-in", "soon"], "--recover-in"),
    ],
)
def test_capacity_usage_errors(example_repo: Path, args: list[str], message: str) -> None:
    result = run_qplan("capacity", *args, repo=example_repo)
    assert result.exit_code == 64 and message in result.output


def test_plan_names_capacity_warnings_and_strict_refuses(
    example_repo: Path, tmp_path: Path
) -> None:
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    edit(example_repo, "workflows/organisation.yaml", "headcount_fte: 110", "headcount_fte: 60")
    result = run_qplan("--state", state, "plan", "--format", "json", repo=example_repo)
    impact = json.loads(result.output)["impact"]
    assert [(w["code"], w["address"]) for w in impact["warnings"]] == [
        ("QP162", "queue.ap-content-en"),
        ("QP162", "queue.ap-content-en-training"),
        ("QP162", "queue.ap-escalation"),
        ("QP162", "queue.cm-escalation"),
        ("QP162", "queue.cm-harassment-en"),
        ("QP162", "queue.cm-harassment-en-training"),
        ("QP162", "queue.co-escalation"),
        ("QP162", "queue.co-regulated-goods-multi"),
        ("QP162", "queue.co-regulated-goods-multi-training"),
        ("QP160", "team.us-raleigh"),
    ]
    assert impact["warnings"][-1]["message"] == (
        "goes over its cap: needs 66.1 FTE, has 60 (94% utilised, cap 85%)"
    )
    assert [t["team"] for t in impact["teams"]] == ["us-raleigh"]
    assert impact["totals"]["weekly_cost"] == {"before": 1126418.34, "after": 1022418.34}
    saved = tmp_path / "strict.plan"
    result = run_qplan("--state", state, "plan", "--strict", "--out", str(saved), repo=example_repo)
    assert result.exit_code == 1 and not saved.exists()
    assert "  ! team.us-raleigh goes over its cap: needs 66.1 FTE, has 60" in result.output
    assert result.output.endswith(
        "error: --strict: the plan has 20 warning(s); fix them first (the plan was not saved)\n"
    )
    result = run_qplan("--state", state, "plan", "--out", str(saved), repo=example_repo)
    assert result.exit_code == 0 and saved.is_file()


@pytest.mark.parametrize(
    "change",
    [
        ("workflows/organisation.yaml", "headcount_fte: 110", "headcount_fte: 60"),
        ("workflows/short-video.yaml", "weekly_volume: 84000", "weekly_volume: 120000"),
        ("workflows/livestream.yaml", "within: 2m", "within: 20s"),
        ("workflows/appeals.yaml", "within: 3d}\n", "within: 1d}\n"),
        ("workflows/comments.yaml", "{in-hyderabad: 45, ph-cebu: 35, us-raleigh: 20}",
         "{in-hyderabad: 25, ph-cebu: 35, us-raleigh: 40}"),
    ],
)  # fmt: skip
def test_impact_of_the_reachable_part_equals_the_whole(
    example_repo: Path, change: tuple[str, str, str]
) -> None:
    """Deriving only what a change can reach gives the same impact as deriving everything."""
    from qplan.app.plan import desired_snapshot
    from qplan.app.workspace import validate_repository
    from qplan.load.settings import load_settings
    from qplan.plan.impact import capacity_of, impact, plan_impact
    from qplan.plan.plan import diff

    def snapshot() -> dict[str, Any]:
        return desired_snapshot(validate_repository(settings=load_settings(example_repo)))

    current = snapshot()
    edit(example_repo, *change)
    desired = snapshot()
    changes = diff(desired, current)
    assert changes
    whole = impact(capacity_of(current), capacity_of(desired))
    part = plan_impact(desired, current, [(c.kind, c.id) for c in changes])
    assert part == whole and whole["warnings"] is not None


def test_the_overview_names_the_launches_ahead_of_the_queues_shown(example_repo: Path) -> None:
    """A launch due within 30 days leads with its readiness; a view of another workflow's
    queues leaves it out."""
    project = example_repo / "projects" / "hindi-livestream-launch.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(
        text.replace("due: 2028-01-10, launch: true", "due: 2026-12-20, launch: true")
    )
    shown = run_qplan("--wide", "capacity", repo=example_repo).output.splitlines()
    assert (
        "Launches in the next 30 days: Hindi livestream review for India on 2026-12-20 "
        "(in 13 days), 0 of 2 queues ready."
    ) in shown
    other = run_qplan("--wide", "capacity", "--workflow", "comments", repo=example_repo)
    assert "Launches" not in other.output
