"""qplan recover: the cheapest mix that clears a backlog by a date, and --write.

The organisation is tests/cases/valid/minimal with 3 FTE at team-a (in-house, 50 an hour)
and team-b (Vendor B, 15 an hour), and two teams that do not work q-prod: team-c (Vendor C,
English, 10 FTE, billing 0.28 an item) and team-d (Vendor D, Tagalog only: it cannot borrow
for an English queue). q-prod: 10,000 items a week at 30 s, 1,428.57 a day, half at each team;
each team needs 1.75 FTE for it.

An FTE gives 40 h × (1 − 0.3) = 28 productive hours a week, 4 a day; at the 85 % cap and
120 items an hour that is 408 items a day. A paid hour's cost per item is rate × 40 / 7 /
408: team-a 0.7003, team-b 0.2101. Spare hours are priced as `capacity` prices the team:
team-a's and team-b's headcount is paid whatever they do, so their spare hours are free;
team-c bills each item it works, so its are 0.28 an item. So the levers are:

- spare: 3 − 1.7507 = 1.2493 FTE at team-a and team-b, 509.71 items a day each, free;
- vendor surge at team-b: 20 % of 3 FTE, 244.8 a day, at 1.25 × 0.2101 = 0.2626;
- borrowed from team-c: 10 FTE, 4,080 a day, at 0.28;
- overtime at team-b: 10 % of 3 FTE, 122.4 a day, at 1.5 × 0.2101 = 0.3151;
- vendor surge at team-c: 2 FTE, 816 a day, at 1.25 × 0.28 = 0.35;
- overtime at team-a: 122.4 a day at 1.5 × 0.7003 = 1.0504.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CASES, run_qplan

TEAMS = """
  - id: team-c
    name: Team C
    type: bpo
    vendor: Vendor C
    country: PH
    languages: [en]
    headcount_fte: 10
    shrinkage: 0.3
    cost_per_hour: 20
    billing: {model: per_item, rate: 0.28}
    timezone: Asia/Manila
    coverage: {days: [mon, tue, wed, thu, fri, sat, sun], start: "06:00", end: "22:00"}

  - id: team-d
    name: Team D
    type: bpo
    vendor: Vendor D
    country: PH
    languages: [tl]
    headcount_fte: 10
    shrinkage: 0.3
    cost_per_hour: 5
    timezone: Asia/Manila
    coverage: {days: [mon, tue, wed, thu, fri, sat, sun], start: "06:00", end: "22:00"}

queues:"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "org"
    shutil.copytree(CASES / "valid" / "minimal", repo)
    (repo / "expected.txt").unlink()
    org = repo / "workflows" / "org.yaml"
    text = org.read_text().replace("headcount_fte: 50", "headcount_fte: 3")
    text = text.replace("\nqueues:", TEAMS, 1)
    text = text.replace(
        "  - queue: q-prod\n", "  # the split agreed with Vendor B in 2026\n  - queue: q-prod\n"
    )
    org.write_text(text)
    return repo


def _recover_json(repo: Path, *args: str) -> dict[str, object]:
    """``qplan recover q-prod ARGS --format json``, parsed."""
    result = run_qplan("recover", "q-prod", *args, "--format", "json", repo=repo)
    found: dict[str, object] = json.loads(result.output)
    return found


def _levers(document: dict[str, object]) -> list[tuple[object, ...]]:
    levers = document["levers"]
    assert isinstance(levers, list)
    return [(v["lever"], v["team"], v["items_per_day"], v["cost_per_item"]) for v in levers]


def test_the_cheapest_mix_takes_the_levers_in_order_of_cost(repo: Path) -> None:
    """14,000 items in 7 days: 2,000 a day. Free spare at team-a and team-b (1,019.43), all
    of team-b's surge (244.8), and 735.77 borrowed from team-c: 64.29 + 206.10 a day."""
    result = run_qplan(
        "recover",
        "q-prod",
        "--backlog",
        "14000",
        "--by",
        "2026-12-13",
        "--format",
        "json",
        repo=repo,
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert _levers(document) == [
        ("spare", "team-a", 509.71, 0.0),
        ("spare", "team-b", 509.71, 0.0),
        ("surge", "team-b", 244.8, 0.2626),
        ("borrow", "team-c", 735.77, 0.28),
    ]
    assert (document["feasible"], document["days"], document["needed_items_per_day"]) == (
        True,
        7,
        2000.0,
    )
    assert document["total_cost"] == 1892.11  # 7 × (244.8 × 0.262605 + 735.77 × 0.28)
    # team-a: 714.29 + 510; team-b: 714.29 + 510 + 244.8; team-c 735.2; of 3,428.57
    assert document["shares_during"] == {"team-a": 35.7, "team-b": 42.8, "team-c": 21.5}
    assert [d["backlog"] for d in document["burn_down"]] == [
        12000.0,
        10000.0,
        8000.0,
        6000.0,
        4000.0,
        2000.0,
        0.0,
    ]
    assert document["limited_by"] == []


def test_too_little_capacity_says_by_how_much(repo: Path) -> None:
    """14,000 items in 2 days: 7,000 a day; every lever together gives 6,405.03, so
    2 × 594.97 = 1,189.94 items are left."""
    result = run_qplan(
        "--wide",
        "recover",
        "q-prod",
        "--backlog",
        "14000",
        "--by",
        "2026-12-08",
        "--write",
        repo=repo,
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "q-prod: 14,000 items of backlog by 2026-12-08 (2 days from 2026-12-07) cannot be "
        "cleared: every lever at its limit leaves 1,190 items (6,405 of the 7,000 extra items "
        "a day it needs)."
    )
    assert "Nothing was written: the backlog cannot be cleared by then." in result.output
    assert "phases" not in (repo / "workflows" / "org.yaml").read_text()
    document = _recover_json(repo, "--backlog", "14000", "--by", "2026-12-08")
    assert document["shortfall_items"] == 1189.94
    assert [lever[:2] for lever in _levers(document)] == [
        ("spare", "team-a"),
        ("spare", "team-b"),
        ("surge", "team-b"),
        ("borrow", "team-c"),
        ("overtime", "team-b"),
        ("surge", "team-c"),
        ("overtime", "team-a"),
    ]


def test_overtime_max_is_a_percentage(repo: Path) -> None:
    document = _recover_json(
        repo, "--backlog", "14000", "--by", "2026-12-08", "--overtime-max", "0%"
    )
    assert "overtime" not in [lever[0] for lever in _levers(document)]


@pytest.mark.parametrize(
    ("given", "told"),
    [
        (
            "0.1",
            "error: --overtime-max '0.1': a percentage, not a fraction; did you mean 10%? "
            "(write --overtime-max 10%, or 0.1% for 0.1 percent)\n",
        ),
        ("60%", "error: --overtime-max '60%': write a percentage from 0% to 50%, e.g. 10%\n"),
    ],
)
def test_overtime_max_given_as_a_fraction_is_refused_with_a_hint(
    repo: Path, given: str, told: str
) -> None:
    result = run_qplan(
        "recover",
        "q-prod",
        "--backlog",
        "100",
        "--by",
        "2026-12-08",
        "--overtime-max",
        given,
        repo=repo,
    )
    assert (result.exit_code, result.output) == (64, told)
    accepted = ("0.5%", "10")
    for value in accepted:
        found = _recover_json(
            repo, "--backlog", "100", "--by", "2026-12-08", "--overtime-max", value
        )
        assert found["queue"]


def test_a_share_guardrail_holds_the_mix_back(repo: Path) -> None:
    """BPO teams may take at most 60 % of public queues (kept 0.05 points inside, for the
    rounding of the shares written). Today team-b takes 714.29 of 1,428.57 items a day.
    With X_bpo added at BPO teams and X_a at team-a (at most 509.71 spare + 122.4
    overtime = 632.11): 714.29 + X_bpo ≤ 0.5995 (1,428.57 + X_bpo + X_a).

    12,000 items by 1 December are 1,714.29 a day: X_a ≥ 544.43, so team-a works 34.72
    items a day of overtime (at 1.0504) that the cheapest mix without the guardrail did
    not need (34.71 and 415.34 after rounding). 14,000 (2,000 a day) is out of reach:
    with X_a at 632.11, X_bpo ≤ 1,301.11: 1,933.22 a day in all, 66.78 short a day,
    467.42 in 7 days."""
    org = repo / "workflows" / "org.yaml"
    org.write_text(
        org.read_text()
        + "\nguardrails:\n  - id: bpo-cap\n    type: max_bpo_share\n    classification: public\n"
        "    max_percent: 60\n"
    )
    assert run_qplan("validate", repo=repo).exit_code == 0

    def recover(backlog: str) -> dict[str, object]:
        return _recover_json(repo, "--backlog", backlog, "--by", "2026-12-13")

    held = recover("12000")
    assert held["limited_by"] == ["guardrail bpo-cap: BPO teams may take at most 60% of the queue"]
    assert _levers(held) == [
        ("spare", "team-a", 509.71, 0.0),
        ("spare", "team-b", 509.71, 0.0),
        ("surge", "team-b", 244.8, 0.2626),
        ("borrow", "team-c", 415.34, 0.28),
        ("overtime", "team-a", 34.71, 1.0504),
    ]
    shares = held["shares_during"]
    assert isinstance(shares, dict)
    assert shares["team-b"] + shares["team-c"] <= 60
    short = recover("14000")
    assert (short["feasible"], short["shortfall_items"]) == (False, 467.42)
    assert short["limited_by"] == held["limited_by"]
    # Suppressed where the queue is allocated, the guardrail does not bind the recovery.
    org.write_text(
        org.read_text().replace(
            "shares: {team-a: 50, team-b: 50}",
            "shares: {team-a: 50, team-b: 50}\n    suppress: [QP203]",
        )
    )
    free = recover("12000")
    assert free["limited_by"] == []
    assert "overtime" not in [lever[0] for lever in _levers(free)]


def test_write_records_dated_phases_that_end_by_themselves(repo: Path) -> None:
    result = run_qplan(
        "recover", "q-prod", "--backlog", "14000", "--by", "2026-12-13", "--write", repo=repo
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "Wrote the recovery as phases of the allocation of q-prod in workflows/org.yaml; "
        "review it with qplan plan."
    )
    text = (repo / "workflows" / "org.yaml").read_text()
    assert text.endswith(
        "allocations:\n"
        "  # the split agreed with Vendor B in 2026\n"
        "  - queue: q-prod\n"
        "    shares: {team-a: 50, team-b: 50}\n"
        "    phases:\n"
        "      - from: 2026-12-07\n"
        "        shares: {team-a: 35.7, team-b: 42.8, team-c: 21.5}\n"
        "        recovery: {backlog: 14000, clear_by: 2026-12-13, extra_fte: {team-b: 0.6}}\n"
        "      - from: 2026-12-14\n"
        "        shares: {team-a: 50, team-b: 50}\n"
    )
    assert run_qplan("validate", repo=repo).exit_code == 0
    # while it runs, the model counts the recovery's work (14,000 items over 7 days on top of
    # the 10,000 a week) and Vendor B's surge of 244.8 items a day, 0.6 FTE at 408 a day;
    # from the day after, neither
    for day, volume, team_b in (("2026-12-13", 24_000, 3.6), ("2026-12-14", 10_000, 3.0)):
        during = json.loads(
            run_qplan("capacity", "--on", day, "--format", "json", repo=repo).output
        )
        queue = next(q for q in during["queues"] if q["queue"] == "q-prod")
        team = next(t for t in during["teams"] if t["team"] == "team-b")
        assert (queue["weekly_volume"], team["headcount_fte"]) == (volume, team_b), day
    plan = run_qplan("--state", str(repo / "state.db"), "plan", repo=repo)
    assert plan.exit_code == 0, plan.output
    assert (
        "        from 2026-12-07: team-a 35.7%, team-b 42.8%, team-c 21.5% (recovery of 14,000 "
        "items by 2026-12-13)" in plan.output
    )
    again = run_qplan(
        "recover", "q-prod", "--backlog", "500", "--by", "2026-12-09", "--write", repo=repo
    )
    assert again.exit_code == 1
    assert again.output.splitlines()[-1] == (
        "error: the allocation of q-prod already has a phase from 2026-12-07, inside the "
        "recovery: edit its phases by hand"
    )


def test_the_burn_down_chart(repo: Path, tmp_path: Path) -> None:
    from xml.etree import ElementTree

    chart = tmp_path / "burn.svg"
    result = run_qplan(
        "recover",
        "q-prod",
        "--backlog",
        "14000",
        "--by",
        "2026-12-13",
        "--chart",
        str(chart),
        repo=repo,
    )
    assert result.exit_code == 0
    svg = ElementTree.fromstring(chart.read_text())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    points = svg.findall(".//{http://www.w3.org/2000/svg}circle")
    titles = [p.find("{http://www.w3.org/2000/svg}title").text for p in points]  # type: ignore[union-attr]
    assert titles[0] == "backlog: 12,000.0 (07 Dec)"
    assert titles[-1] == "backlog: 0.0 (13 Dec)"
    assert not svg.findall(".//{http://www.w3.org/2000/svg}script")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["q-prod", "--backlog", "x", "--by", "2026-12-13"],
            "error: --backlog 'x': write a number of items from 1 to 100000000",
        ),
        (
            ["q-prod", "--backlog", "10", "--by", "2026-11-01"],
            "error: --by 2026-11-01 is before today (2026-12-07)",
        ),
        (
            ["q-prod", "--backlog", "10", "--by", "2028-01-01"],
            "error: --by 2028-01-01: a recovery is planned over at most 366 days",
        ),
        (
            ["q-prod", "--backlog", "10", "--by", "2026-12-13", "--overtime-max", "80%"],
            "error: --overtime-max '80%': write a percentage from 0% to 50%, e.g. 10%",
        ),
        (
            ["q-train", "--backlog", "10", "--by", "2026-12-13"],
            "error: 'q-train' is not a staffed queue with a forecast and an allocation",
        ),
    ],
)
def test_usage_errors(repo: Path, args: list[str], message: str) -> None:
    result = run_qplan("recover", *args, repo=repo)
    assert (result.exit_code, result.output.strip()) == (64, message)


@pytest.mark.parametrize(
    ("billing", "cost"),
    [
        # per item: the rate itself
        ("{model: per_item, rate: 0.05}", 0.05),
        # per productive hour: 30 s at the 85 % cap is 30 / 3600 / 0.85 = 0.009804 h
        ("{model: per_productive_hour, rate: 10}", 0.098),
        # headcount: its idle hours are paid whatever it does
        ("{model: headcount, rate: 35}", 0.0),
    ],
)
def test_a_borrowed_team_costs_what_it_bills(repo: Path, billing: str, cost: float) -> None:
    org = repo / "workflows" / "org.yaml"
    text = org.read_text(encoding="utf-8")
    old = "    billing: {model: per_item, rate: 0.28}\n"
    assert text.count(old) == 1
    org.write_text(text.replace(old, f"    billing: {billing}\n"), encoding="utf-8")
    assert run_qplan("validate", repo=repo).exit_code == 0
    document = _recover_json(repo, "--backlog", "14000", "--by", "2026-12-13")
    levers = document["levers"]
    assert isinstance(levers, list)
    [borrow] = [v for v in levers if v["lever"] == "borrow" and v["team"] == "team-c"]
    assert borrow["cost_per_item"] == cost


def test_spare_hours_at_a_vendor_that_bills_the_work_cost_what_it_bills(repo: Path) -> None:
    """team-b bills 0.2 an item instead of its headcount: its 509.71 spare items a day are
    not free any more (it bills each one), while team-a's, paid whatever it does, still
    are. 1,200 items in 3 days, 400 a day: team-a's spare gives them all, at no cost."""
    org = repo / "workflows" / "org.yaml"
    text = org.read_text(encoding="utf-8")
    at = text.index("  - id: team-b")
    end = text.index("    cost_per_hour: 15\n", at) + len("    cost_per_hour: 15\n")
    billing = "    billing: {model: per_item, rate: 0.2}\n"
    org.write_text(text[:end] + billing + text[end:], encoding="utf-8")
    assert run_qplan("validate", repo=repo).exit_code == 0
    cheap = _recover_json(repo, "--backlog", "1200", "--by", "2026-12-09")
    assert _levers(cheap) == [("spare", "team-a", 400.0, 0.0)]
    assert cheap["total_cost"] == 0.0
    # 3,000 in 3 days is 1,000 a day: team-a's 509.71 free, then team-b's spare at 0.2
    more = _recover_json(repo, "--backlog", "3000", "--by", "2026-12-09")
    assert _levers(more) == [("spare", "team-a", 509.71, 0.0), ("spare", "team-b", 490.29, 0.2)]
    assert more["total_cost"] == 294.17  # 3 × 490.29 × 0.2


def test_items_are_counted_at_the_longer_handle_time_the_actuals_show(repo: Path) -> None:
    """The actuals of 9–22 November show q-prod's items taking 36 s against the 30 planned:
    the levers are worked out at 36 s, so an FTE of spare capacity clears 4 × 0.85 × 100
    = 340 items a day, not 408; team-a's 1.2493 spare FTE give 424.76 (not 509.71)."""
    rows = [
        f"2026-11-{day:02d},q-prod,{team},700,700,690,0,36,10,10"
        for day in range(9, 23)
        for team in ("team-a", "team-b")
    ]
    (repo / "actuals").mkdir()
    (repo / "actuals" / "november.csv").write_text(
        "date,queue,team,arrived,handled,handled_within_sla,backlog_end,aht_seconds,"
        "qa_sampled,qa_correct\n" + "\n".join(rows) + "\n"
    )
    assert run_qplan("validate", repo=repo).exit_code == 0
    document = _recover_json(repo, "--backlog", "1000", "--by", "2026-12-09")
    assert document["aht_from_actuals_seconds"] == 36.0
    assert _levers(document) == [("spare", "team-a", 333.33, 0.0)]
    levers = document["levers"]
    assert isinstance(levers, list)
    assert [v["max_items_per_day"] for v in levers if v["lever"] == "spare"] == [424.76]
    result = run_qplan("recover", "q-prod", "--backlog", "1000", "--by", "2026-12-09", repo=repo)
    assert "Items are counted at the 36.0 s the actuals show, not the 30 s planned." in (
        result.output
    )


def test_an_exposure_cap_bounds_the_hours_a_team_takes_on(repo: Path) -> None:
    """q-prod is egregious and no agent may work more than 6 hours a day on such queues.
    An FTE is on duty 5 × 0.7 = 3.5 days a week, so team-a's and team-b's 3 FTE may work
    63 hours a week on it; q-prod already takes 1.7507 FTE × 28 = 49.02 of them, which
    leaves 13.98 hours, 13.9804 / 7 / (30 s ÷ 0.85) = 203.71 items a day. team-c's 10 FTE
    may take 210 hours, 3,060 items a day; team-b's surge of 0.6 FTE, 12.6 hours, 183.6.
    14,000 items in 7 days (2,000 a day) then take: spare at team-a and team-b 203.71
    each, team-b's surge 183.6 and 1,408.97 borrowed from team-c."""
    org = repo / "workflows" / "org.yaml"
    text = org.read_text()
    forecast = "    forecast: {arrival: backlog, weekly_volume: 10000, aht_seconds: 30}\n"
    assert text.count(forecast) == 1
    text = text.replace(forecast, forecast + "    sensitivity: egregious\n")
    org.write_text(
        text
        + "\nguardrails:\n  - id: exposure\n    type: exposure_cap\n    sensitivity: egregious\n"
        "    max_hours_per_day: 6\n"
    )
    assert run_qplan("validate", repo=repo).exit_code == 0
    document = _recover_json(repo, "--backlog", "14000", "--by", "2026-12-13")
    assert _levers(document) == [
        ("spare", "team-a", 203.71, 0.0),
        ("spare", "team-b", 203.71, 0.0),
        ("surge", "team-b", 183.6, 0.2626),
        ("borrow", "team-c", 1408.97, 0.28),
    ]
    assert document["limited_by"] == [
        "guardrail exposure: team-a's people may work at most 6 hours a day on egregious queues",
        "guardrail exposure: team-b's people may work at most 6 hours a day on egregious queues",
    ]


def test_the_burn_down_follows_the_days_the_teams_work(repo: Path) -> None:
    """Team A and Team B work Monday to Friday: their spare capacity (a week's average of
    509.71 items a day each, free) gives its items on five days. 1,000 items from Monday
    2026-12-07 to Sunday: 1,000 / 7 = 142.86 a day on average, 200 on each weekday, none at
    the weekend. By Tuesday: the two days must carry it all, 500 a day (357.14 on average)."""
    org = repo / "workflows" / "org.yaml"
    text = org.read_text()
    for start in ("00:00", "06:00"):
        old = f'coverage: {{days: [mon, tue, wed, thu, fri, sat, sun], start: "{start}", '
        text = text.replace(old, f'coverage: {{days: [mon, tue, wed, thu, fri], start: "{start}", ')
    org.write_text(text)
    week = _recover_json(repo, "--backlog", "1000", "--by", "2026-12-13")
    assert week["needed_items_per_day"] == 142.86
    assert [day["backlog"] for day in _days(week)] == [800, 600, 400, 200, 0, 0, 0]
    assert week["feasible"] is True and week["total_cost"] == 0
    two_days = _recover_json(repo, "--backlog", "1000", "--by", "2026-12-08")
    assert two_days["needed_items_per_day"] == 357.14
    assert [day["backlog"] for day in _days(two_days)] == [500, 0]
    assert two_days["feasible"] is True


def _days(document: dict[str, object]) -> list[dict[str, object]]:
    days = document["burn_down"]
    assert isinstance(days, list)
    return days
