"""Interval capacity: profiles, shifts, exposure caps, and `qplan capacity --intervals`.

The per-interval staffing is checked against the published single-interval Erlang C value
(100 calls in 30 minutes at 180 s, 80 % in 20 s: 14 agents) and against a weekly case
computed here, independently of qplan's Erlang routines.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from qplan.capacity.figures import Capacity
from qplan.capacity.intervals import arrival_pattern, offset_steps
from qplan.capacity.staffing import Planning, derive
from qplan.load.forecasts import read_forecast
from qplan.model.format import Allocation, ExposureCap, Profile, Queue, Target, Team
from tests.conftest import CASES, run_qplan

ALL_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
STAFFING_CASE = CASES / "valid" / "interval-staffing-warns"


def _team(tid: str, **overrides: Any) -> Team:
    fields: dict[str, Any] = {
        "id": tid,
        "name": tid,
        "type": "in_house",
        "country": "US",
        "languages": ["en"],
        "headcount_fte": 500,
        "shrinkage": 0.3,
        "paid_hours_per_week": 40,
        "occupancy_cap": 1.0,
        "cost_per_hour": 50.0,
        "timezone": "UTC",
        "coverage": {"days": ALL_WEEK, "start": "00:00", "end": "24:00"},
    }
    fields.update(overrides)
    return Team.model_validate(fields)


def _queue(arrival: str, volume: float, aht: float, **overrides: Any) -> Queue:
    forecast = {"arrival": arrival, "weekly_volume": volume, "aht_seconds": aht, "profile": "p"}
    fields: dict[str, Any] = {
        "id": "q",
        "name": "q",
        "workflow": "wf",
        "kind": "production",
        "status": "live",
        "policy": "pol@1",
        "languages": ["en"],
        "forecast": forecast,
    }
    fields.update(overrides)
    return Queue.model_validate(fields)


def _profile(days: Sequence[float], intraday: Sequence[float], timezone: str = "UTC") -> Profile:
    return Profile.model_validate(
        {"id": "p", "timezone": timezone, "days": days, "intraday": intraday}
    )


def _derive(
    queue: Queue,
    profile: Profile,
    teams: list[Team],
    shares: dict[str, float],
    sla: tuple[float, str],
    caps: dict[str, ExposureCap] | None = None,
) -> Capacity:
    target = Target.model_validate({"queue": "q", "sla": {"percent": sla[0], "within": sla[1]}})
    return derive(
        {t.id: t for t in teams},
        {"q": queue},
        {"q": target},
        {"q": Allocation.model_validate({"queue": "q", "shares": shares})},
        None,
        Planning({"p": arrival_pattern(profile)}, caps or {}),
    )


def test_one_busy_interval_needs_the_published_fourteen_agents() -> None:
    """100 calls in Monday 09:00-09:30 at 180 s, 80 % in 20 s: 14 agents; every other
    interval has no items and needs the queue's min_agents while a team is on duty."""
    intraday = [0.0] * 48
    intraday[18] = 1.0
    queue = _queue("realtime", 100, 180, min_agents=2)
    figures = _derive(
        queue, _profile([1, 0, 0, 0, 0, 0, 0], intraday), [_team("a")], {"a": 100}, (80, "20s")
    )
    week = figures.queues["q"].intervals
    assert week is not None
    assert week.volume[18] == pytest.approx(100)
    assert week.sla_agents[18] == 14
    assert week.required_agents[18] == 14
    assert [week.required_agents[i] for i in (0, 17, 19, 335)] == [2, 2, 2, 2]
    assert [week.sla_agents[i] for i in (0, 17, 19, 335)] == [0, 0, 0, 0]
    assert week.required_agent_hours == pytest.approx((14 + 2 * 335) / 2)


def _erlang_c_agents(traffic: float, aht: float, within: float, target: float) -> int:
    """Fewest agents for the target, by the textbook formulas (written here on purpose)."""
    if traffic <= 0:
        return 0
    agents = math.floor(traffic) + 1
    while True:
        blocking = 1.0
        for n in range(1, agents + 1):
            blocking = traffic * blocking / (n + traffic * blocking)
        waiting = agents * blocking / (agents - traffic * (1 - blocking))
        level = 1 - waiting * math.exp(-(agents - traffic) * within / aht)
        if level >= target:
            return agents
        agents += 1


def test_the_week_sums_its_intervals_as_computed_by_hand() -> None:
    days = [1.0, 1, 1, 1, 1, 2, 2]
    intraday = [1.0] * 16 + [3.0] * 16 + [6.0] * 16
    queue = _queue("realtime", 50_000, 120)
    figures = _derive(queue, _profile(days, intraday), [_team("a")], {"a": 100}, (80, "30s"))
    week = figures.queues["q"].intervals
    assert week is not None
    weights = [d * w for d in days for w in intraday]
    expected = []
    for weight in weights:
        volume = 50_000 * weight / sum(weights)
        expected.append(_erlang_c_agents(volume * 120 / 1800, 120, 30, 0.8))
    assert list(week.required_agents) == expected
    assert week.required_agent_hours == pytest.approx(sum(expected) / 2)
    # enough agents on duty everywhere: each interval meets the target, and so does the week
    assert week.understaffed() == []
    assert (figures.queues["q"].projected_sla_percent or 0) >= 80
    # the team is asked for exactly those agent-hours, as FTE of productive hours
    share = figures.queues["q"].shares[0]
    assert share.required_fte == pytest.approx(sum(expected) / 2 / (40 * 0.7))


def test_shares_are_staffed_on_their_own_with_a_profile_as_without() -> None:
    """Pooling is decided once: each share of a real-time queue is staffed on its own, by the
    half-hour as by the week. 100,800 items at 60 s split 60/40 between two round-the-clock
    teams are 6 and 4 Erlangs, every half-hour alike: 8 and 6 agents for 80 % in 20 s (not
    the 13 the pooled 10 Erlangs would need), 168 hours a week each."""
    teams = [_team("a"), _team("b")]
    shares = {"a": 60.0, "b": 40.0}
    agents = {tid: _erlang_c_agents(10 * p / 100, 60, 20, 0.8) for tid, p in shares.items()}
    assert (agents, _erlang_c_agents(10, 60, 20, 0.8)) == ({"a": 8, "b": 6}, 13)
    flat_queue = _queue("realtime", 100_800, 60)
    flat_queue = flat_queue.model_copy(
        update={"forecast": flat_queue.forecast.model_copy(update={"profile": None})}  # type: ignore[union-attr]
    )
    profiled = _derive(
        _queue("realtime", 100_800, 60), _profile([1] * 7, [1.0] * 48), teams, shares, (80, "20s")
    )
    flat = _derive(flat_queue, _profile([1] * 7, [1.0] * 48), teams, shares, (80, "20s"))
    for figures in (profiled, flat):
        found = {s.team: s for s in figures.queues["q"].shares}
        for tid, count in agents.items():
            assert found[tid].required_fte == pytest.approx(count * 168 / (40 * 0.7)), tid
            assert found[tid].agents_on_duty == count
    assert [s.projected_sla_percent for s in profiled.queues["q"].shares] == pytest.approx(
        [s.projected_sla_percent for s in flat.queues["q"].shares]
    )
    week = profiled.queues["q"].intervals
    assert week is not None and set(week.required_agents) == {8 + 6}


def _erlang_c_level(traffic: float, agents: int, aht: float, within: float) -> float:
    """The share answered within ``within``, by the textbook formula (written here)."""
    if agents <= traffic:
        return 0.0
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    waiting = agents * blocking / (agents - traffic * (1 - blocking))
    return 1 - waiting * math.exp(-(agents - traffic) * within / aht)


def test_a_flat_and_a_profiled_queue_share_the_agents_a_team_has_on_duty() -> None:
    """One round-the-clock team of 72 FTE has 72 × 40 × 0.7 / 168 = 12 agents on duty. Its
    profiled queue and its flat queue are 5 Erlangs each and need 7 agents each for 80 % in
    20 s: 14 asked of 12, so each gets 6/7 of its agents, 6 (before, the profiled queue kept
    its 7 and the flat one got 5, below its traffic). Both project Erlang C at 6 agents, and
    the profiled queue's every half-hour is short (QP165)."""
    needed = _erlang_c_agents(5, 60, 20, 0.8)
    assert needed == 7
    team = _team("a", headcount_fte=72)
    profiled = _queue("realtime", 50_400, 60)
    flat = _queue("realtime", 50_400, 60, id="f", name="f")
    flat = flat.model_copy(update={"forecast": flat.forecast.model_copy(update={"profile": None})})  # type: ignore[union-attr]
    target = {"percent": 80, "within": "20s"}
    figures = derive(
        {"a": team},
        {"q": profiled, "f": flat},
        {qid: Target.model_validate({"queue": qid, "sla": target}) for qid in ("q", "f")},
        {
            qid: Allocation.model_validate({"queue": qid, "shares": {"a": 100}})
            for qid in ("q", "f")
        },
        None,
        Planning({"p": arrival_pattern(_profile([1] * 7, [1.0] * 48))}),
    )
    expected = 100 * _erlang_c_level(5, 6, 60, 20)
    assert figures.queues["q"].projected_sla_percent == pytest.approx(expected)
    assert figures.queues["f"].projected_sla_percent == pytest.approx(expected)
    week = figures.queues["q"].intervals
    assert week is not None
    assert week.on_duty_agents == pytest.approx([6.0] * 336)
    assert len(week.understaffed()) == 336


def test_a_profile_is_read_in_its_time_zone() -> None:
    """A Tokyo 18:00 peak is 09:00 UTC: a 09:00-17:00 UTC team is on duty for it; the same
    peak written in UTC falls at 18:00 UTC, when the team has gone home."""
    intraday = [0.0] * 48
    intraday[36] = 1.0  # 18:00
    office = _team("a", coverage={"days": ALL_WEEK, "start": "09:00", "end": "17:00"})
    for zone, served in (("Asia/Tokyo", True), ("UTC", False)):
        figures = _derive(
            _queue("realtime", 700, 60),
            _profile([1] * 7, intraday, zone),
            [office],
            {"a": 100},
            (80, "60s"),
        )
        queue = figures.queues["q"]
        assert (
            (queue.projected_sla_percent or 0) > 80 if served else queue.projected_sla_percent == 0
        )
        assert queue.coverage_percent == (100 if served else 0)
    assert offset_steps("Asia/Tokyo", None) == 36  # +09:00 in quarter-hours
    assert offset_steps("America/New_York", None) == -20  # winter, -05:00


def test_items_go_to_the_teams_on_duty_in_proportion_to_their_shares() -> None:
    days_team = _team(
        "day", shifts=[{"days": ALL_WEEK, "start": "08:00", "end": "20:00", "fte": 300}]
    )
    night_team = _team(
        "night", shifts=[{"days": ALL_WEEK, "start": "20:00", "end": "08:00", "fte": 300}]
    )
    figures = _derive(
        _queue("realtime", 33_600, 60),
        _profile([1] * 7, [1.0] * 48),
        [days_team, night_team],
        {"day": 50, "night": 50},
        (80, "60s"),
    )
    shares = {s.team: s for s in figures.queues["q"].shares}
    # each team takes every item of the hours it works: half the week each
    assert shares["day"].weekly_volume == pytest.approx(16_800)
    assert shares["night"].weekly_volume == pytest.approx(16_800)
    assert figures.queues["q"].coverage_percent == pytest.approx(100)


def test_a_team_asked_for_more_than_it_has_on_duty_gives_what_it_has() -> None:
    thin = _team(
        "a",
        headcount_fte=10,
        shifts=[{"days": ALL_WEEK, "start": "00:00", "end": "24:00", "fte": 10}],
    )
    figures = _derive(
        _queue("realtime", 100_800, 60),
        _profile([1] * 7, [1.0] * 48),
        [thin],
        {"a": 100},
        (80, "60s"),
    )
    week = figures.queues["q"].intervals
    assert week is not None
    assert week.on_duty_agents == pytest.approx([7.0] * 336)  # 10 FTE × (1 - 30 %)
    assert len(week.understaffed()) == 336
    assert figures.queues["q"].projected_sla_percent == pytest.approx(0.0)


def test_an_exposure_cap_needs_more_people_each_for_fewer_hours() -> None:
    """40 h/week of egregious backlog work at a 2 h/day cap: with 30 % shrinkage an FTE
    gives 5 × 0.7 agent-days, so 40 / (2 × 3.5) = 5.71 FTE must share it, not the 1.43 the
    work alone needs; each works 15 wellness minutes a shift more."""
    queue = _queue("backlog", 1_440, 100, sensitivity="egregious")  # 40 hours of work
    cap = ExposureCap.model_validate(
        {
            "id": "cap",
            "type": "exposure_cap",
            "sensitivity": "sensitive",
            "max_hours_per_day": 2,
            "wellness_minutes_per_shift": 15,
        }
    )
    team = _team("a", headcount_fte=4)
    figures = _derive(
        queue, _profile([1] * 7, [1.0] * 48), [team], {"a": 100}, (90, "24h"), {"cap": cap}
    )
    exposure = figures.teams["a"].exposure[0]
    needed = 40 / (2 * 5 * 0.7)
    assert exposure.hours_per_week == pytest.approx(40)
    assert exposure.needed_fte == pytest.approx(needed)
    assert exposure.hours_per_agent_day == pytest.approx(40 / (4 * 5 * 0.7))
    assert exposure.over  # 4 FTE cannot share 40 hours within 2 a day
    wellness = needed * 5 * 0.7 * 0.25 / 28
    assert exposure.extra_fte == pytest.approx(needed - 40 / 28 + wellness)
    assert figures.teams["a"].required_fte == pytest.approx(needed + wellness)
    assert figures.queues["q"].required_fte == pytest.approx(needed + wellness)


def test_a_forecast_csv_folds_dated_rows_into_the_week(tmp_path: Path) -> None:
    (tmp_path / "forecasts").mkdir()
    (tmp_path / "forecasts" / "f.csv").write_text(
        "interval_start,volume,aht_seconds\n"
        "mon 09:00,100,40\n"
        "2026-11-30T09:00,50,100\n"  # a Monday: same half-hour
        "tue 09:30,30,\n",
        encoding="utf-8",
    )
    found = read_forecast(tmp_path, "forecasts/f.csv", max_bytes=10_000)
    assert found is not None and found.problems == []
    monday_nine = 9 * 4
    assert found.volumes[monday_nine : monday_nine + 2] == [75.0, 75.0]
    assert found.aht_seconds[monday_nine] == pytest.approx((100 * 40 + 50 * 100) / 150)
    assert found.volumes[96 + 38 : 96 + 40] == [15.0, 15.0]
    assert found.aht_seconds[96 + 38] == 0.0  # none given: the queue's own
    assert sum(found.volumes) == pytest.approx(180)


def test_capacity_intervals_json_contract() -> None:
    result = run_qplan("capacity", "--intervals", "--format", "json", repo=STAFFING_CASE)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert set(document) == {"format_version", "interval_minutes", "queues"}
    assert (document["format_version"], document["interval_minutes"]) == ("1", 30)
    [queue] = document["queues"]
    assert set(queue) == {
        "queue", "profile", "timezone", "arrival", "draft", "required_agent_hours_per_week",
        "projected_service_level_percent", "target_sla_percent", "target_within",
        "min_agents", "intervals",
    }  # fmt: skip
    assert (queue["queue"], queue["arrival"], queue["timezone"]) == (
        "q-live",
        "realtime",
        "America/Chicago",
    )
    assert len(queue["intervals"]) == 336
    assert queue["intervals"][0] == {
        "start": "mon 00:00",
        "volume": 43.29,  # 20,000 × 1 / (7 days × (42 + 6 × 4))
        "aht_seconds": 60.0,
        "required_agents": 5,
        "on_duty_agents": 3.5,
        "service_level_percent": 95.43,
    }
    assert queue["intervals"][-1]["start"] == "sun 23:30"
    assert all(isinstance(i["required_agents"], int) for i in queue["intervals"])
    hours = sum(i["required_agents"] for i in queue["intervals"]) / 2
    assert queue["required_agent_hours_per_week"] == hours


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--intervals", "--queue", "q-train"],
            "error: --queue: 'q-train' is not a queue with a forecast and an allocation "
            "(in the workflow or team asked for)\n",
        ),
        (
            ["--queue", "q-live"],
            "error: --queue goes with --intervals (or use --workflow or --team)\n",
        ),
        (
            ["--intervals", "--chart", "x.svg"],
            "error: --chart with --intervals draws one queue's week: add --queue\n",
        ),
    ],
)
def test_capacity_intervals_usage_errors(args: list[str], message: str) -> None:
    result = run_qplan("capacity", *args, repo=STAFFING_CASE)
    assert (result.exit_code, result.output) == (64, message)


def test_a_flat_queue_asked_by_interval_says_why(tmp_path: Path) -> None:
    result = run_qplan("capacity", "--intervals", "--queue", "sv-qa-en")
    assert result.exit_code == 64
    assert result.output == (
        "error: --queue: sv-qa-en has no arrival profile, so it is planned on a flat week; "
        "name a profile in its forecast to plan it by interval\n"
    )


def test_capacity_intervals_text_and_heat_map(tmp_path: Path) -> None:
    chart = tmp_path / "week.svg"
    result = run_qplan(
        "--wide",
        "capacity",
        "--intervals",
        "--queue",
        "q-live",
        "--chart",
        str(chart),
        repo=STAFFING_CASE,
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "q-live (realtime, profile evenings, America/Chicago): 875.0 agent-hours a week "
        "required; projected 56.8% (target 80% in 60s); 68 half-hours short of agents"
    )
    # 06:00-14:00 the day shift covers the SLA; 18:00-21:00 the evening peak is short
    # for it; at night only the night team's 3.5 agents are on duty, below min_agents 5;
    # on Sunday the day team does not work
    # the peak named first: on Sunday evening, with nobody on duty
    assert lines[1] == (
        "  peak: sun 18:00, 9 agents required, 0.0 on duty (-9.0), 0.0% in time; teams' "
        "headroom: day-team +0.0, night-team +0.0"
    )
    assert lines[2] == (
        "  agents required by half-hour (1-9; peak 9); '!' short for the SLA, '-' below min_agents:"
    )
    assert lines[4] == "  mon ------------5555555555555555--------!!!!!!------"
    assert lines[10] == "  sun ------------!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!----"
    assert lines[-1] == "1 queue planned by the half-hour."
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert svg.count("<title>") == 3 * 336  # the queue's, then each team's headroom
    assert "<script" not in svg
    # the night team is short of what its queues ask in the evening peak: hatched, not
    # told by colour alone
    assert '<pattern id="short"' in svg and 'fill="url(#short)"' in svg


def test_a_changed_forecast_plans_as_its_shape_and_moves_its_queue(tmp_path: Path) -> None:
    """A forecast CSV is a resource: the plan says how its week changed in one line (not
    672 numbers), and the capacity impact reaches the queues on its profile."""
    import shutil

    from tests.plan_scenario import apply_all, edit

    repo = tmp_path / "repo"
    shutil.copytree(STAFFING_CASE, repo)
    (repo / "forecasts").mkdir()
    (repo / "forecasts" / "f.csv").write_text(
        "interval_start,volume\nmon 09:00,10\nmon 18:00,40\n", encoding="utf-8"
    )
    edit(
        repo,
        "workflows/org.yaml",
        "profiles:\n",
        "profiles:\n  - id: from-csv\n    timezone: UTC\n    csv: forecasts/f.csv\n",
    )
    edit(repo, "workflows/org.yaml", "profile: evenings}", "profile: from-csv}")
    state = f"sqlite:///{tmp_path / 'state.db'}"
    apply_all(repo, state)
    (repo / "forecasts" / "f.csv").write_text(
        "interval_start,volume\nmon 09:00,10\nmon 18:00,80\n", encoding="utf-8"
    )
    result = run_qplan("--wide", "--state", state, "plan", repo=repo)
    assert result.exit_code == 0, result.output
    assert (
        "  ~ forecast.from-csv\n"
        "      forecast from forecasts/f.csv: busiest half-hour mon 18:00 with 44.4% of the "
        "week; 90 items in the file (was mon 18:00 with 40.0% of the week; 50 items)\n"
    ) in result.output
    # more of the week at 18:00 UTC, noon in Chicago: the day team takes more of it
    assert "  team.day-team: required FTE 28.2 → 29.4 of 20;" in result.output
    assert "  team.night-team: required FTE 12.6 → 11.4 of 10;" in result.output
    assert result.output.endswith("Plan: 0 to create, 1 to update, 0 to delete.\n")


def test_the_docs_show_the_week_and_the_exposure(example_site: Path) -> None:
    """A profiled queue's page embeds its heat map; a team page shows its shifts and its
    exposure against the cap."""
    project = example_site / "project"
    queue = (project / "docs" / "queues" / "ls-safety-en.md").read_text(encoding="utf-8")
    assert "| Arrival profile | `english-evenings` |" in queue
    assert "| Minimum agents on duty | 2 while open |" in queue
    assert (
        "![Agents required and on duty by half-hour, and each team's headroom](ls-safety-en.svg)"
    ) in queue
    assert "[Open the map on its own](ls-safety-en.svg) to read each half-hour's" in queue
    svg = (project / "docs" / "queues" / "ls-safety-en.svg").read_text(encoding="utf-8")
    # the queue's grid and one grid a team (ph-manila, us-reno), every cell focusable
    assert svg.count("<title>") == 3 * 336 == svg.count('tabindex="0"')
    assert "<script" not in svg
    assert "Headroom of ph-manila: agents on duty beyond what all its queues ask" in svg
    assert (
        "<title>mon 00:00: 5 required, 5.0 on duty, 133.6 items, service level 95.3%; "
        "ph-manila headroom +12.6; us-reno headroom +3.8</title>"
    ) in svg
    assert (example_site / "site" / "queues" / "ls-safety-en.svg").is_file()
    team = (project / "docs" / "teams" / "us-austin.md").read_text(encoding="utf-8")
    assert "## Exposure to sensitive content" in team
    assert "| egregious-exposure | egregious | 470.6 | 0.92 | 4 | 2.2 | within the cap |" in team
    reno = (project / "docs" / "teams" / "us-reno.md").read_text(encoding="utf-8")
    assert "| Shifts | 6, listed below |" in reno
    assert "\n## Shifts\n\n- Mon–Fri 06:00–14:00: 45 FTE\n- Mon–Fri 14:00–22:00: 45 FTE\n" in reno


@pytest.mark.parametrize("patience", [None, 180.0])
def test_the_week_at_once_needs_what_each_half_hour_asked_alone_needs(
    patience: float | None,
) -> None:
    """required_agents sizes a week by its distinct traffic levels; the reference is the
    scalar search (fewest_agents) asked for each half-hour on its own, including repeated
    levels, two handle times, idle half-hours and a level far above the rest."""
    import numpy as np

    from qplan.capacity.erlang import fewest_agents
    from qplan.capacity.intervals import ErlangInputs, required_agents

    rng = np.random.default_rng(7)
    traffic = np.round(rng.gamma(2.0, 3.0, 336), 3)
    traffic[::7] = 0.0
    traffic[5] = traffic[9] = traffic[11]
    traffic[100] = 180.0
    aht = np.where(np.arange(336) % 3 == 0, 240.0, 420.0)
    inputs = ErlangInputs(within=60.0, target=0.8, patience=patience, max_occupancy=0.85)
    week = required_agents(traffic, aht, inputs).tolist()
    alone = [
        fewest_agents(load, seconds, 60.0, 0.8, patience, 0.85) if load > 0 else 0
        for load, seconds in zip(traffic.tolist(), aht.tolist(), strict=True)
    ]
    assert week == alone
    assert week[100] > max(week[:100]) and week[0] == 0


def test_the_heat_maps_legend_never_runs_into_itself() -> None:
    """Each legend item starts after the end of the one before it on its row (its label's
    width estimated generously), and no row passes the map's width."""
    import itertools

    from qplan.views.chart_style import CHAR_W as _CHAR_W
    from qplan.views.heat_map import _legend_rows

    items = [("#000", "a label of some length " * n) for n in (1, 3, 1, 2, 1, 1)]
    rows = _legend_rows(items, 726)
    assert [len(row) for row in rows] == [2, 3, 1]
    for row in rows:
        for (x, _, words), (after, _, _) in itertools.pairwise(row):
            assert after >= x + 16 + len(words) * _CHAR_W
        x, _, words = row[-1]
        assert len(row) == 1 or x + 16 + len(words) * _CHAR_W <= 726


def test_the_fluid_week_hands_out_its_capacity_first_in_first_out() -> None:
    """One quarter-hour of capacity a day (1.5 days of arrivals in it), arrivals even over
    the day: what arrives in that quarter-hour is handled at once; what arrives later waits
    for the next day's, so within w quarter-hours only the last w before it make it (the
    backlog of a day clears in two thirds of a step). Capacity everywhere as the arrivals,
    at the same volume: all in time; at 90 % of it the backlog never empties: none."""
    import numpy as np

    from qplan.capacity.intervals import fluid_within
    from qplan.core.calendar import WEEK_STEPS

    per_day = WEEK_STEPS // 7
    arrivals = np.ones(WEEK_STEPS)
    capacity = np.zeros(WEEK_STEPS)
    capacity[::per_day] = 1.0
    for within, in_time in ((0.5, [0]), (10, [0, *range(87, 96)]), (48, [0, *range(48, 96)])):
        found = fluid_within(capacity, arrivals, 1.5, within)
        for day in range(7):
            steps = np.flatnonzero(found[day * per_day : (day + 1) * per_day]).tolist()
            assert steps == in_time, (within, day)
    assert fluid_within(arrivals, arrivals, 1.0, 1).all()
    assert not fluid_within(arrivals, arrivals, 0.9, 1).any()
