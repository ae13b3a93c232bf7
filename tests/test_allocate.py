"""qplan allocate: the optimiser against optima worked out independently.

The small organisation is tests/cases/valid/minimal with a second queue (q-two, paused,
20,000 items a week at 60 s, all at team-a) and a third team: team-a is in-house (paid by
headcount: no variable cost), team-b bills 20 a productive hour (at least 500 a week) and
team-c 0.02 an item. Every team has 40 paid hours a week, 30 % shrinkage and an 85 % cap.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CASES, run_qplan

TEAM_C = """
  - id: team-c
    name: Team C
    type: bpo
    vendor: Vendor C
    country: PH
    languages: [en]
    headcount_fte: {c}
    shrinkage: 0.3
    cost_per_hour: 12
    billing: {{model: per_item, rate: 0.02}}
    timezone: Asia/Manila
    coverage: {{days: [mon, tue, wed, thu, fri, sat, sun], start: "06:00", end: "22:00"}}

queues:"""

Q_TWO = """    forecast: {arrival: backlog, weekly_volume: 10000, aht_seconds: 30}

  - id: q-two
    name: Second
    workflow: wf
    kind: production
    status: paused
    policy: pol@2
    template: tpl@1
    languages: [en]
    ttp_queue: ttp-two
    forecast: {arrival: backlog, weekly_volume: 20000, aht_seconds: 60}
"""

TEAMS = {  # headcount, billing (model, rate, minimum)
    "team-a": (10.0, None),
    "team-b": (8.0, ("per_productive_hour", 20.0, 500.0)),
    "team-c": (8.0, ("per_item", 0.02, 0.0)),
}
QUEUES = {
    "q-prod": (10000, 30, {"team-a": 50, "team-b": 50}),
    "q-two": (20000, 60, {"team-a": 100}),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "org"
    shutil.copytree(CASES / "valid" / "minimal", repo)
    (repo / "expected.txt").unlink()
    org = repo / "workflows" / "org.yaml"
    text = org.read_text()
    text = text.replace("headcount_fte: 50\n    shrinkage: 0.3\n    cost_per_hour: 50",
                        "headcount_fte: 10\n    shrinkage: 0.3\n    cost_per_hour: 50")  # fmt: skip
    text = text.replace(
        "headcount_fte: 50\n    shrinkage: 0.3\n    cost_per_hour: 15",
        "headcount_fte: 8\n    shrinkage: 0.3\n    cost_per_hour: 15\n"
        "    billing: {model: per_productive_hour, rate: 20, minimum_weekly: 500}",
    )
    text = text.replace("\nqueues:", TEAM_C.format(c=8), 1)
    text = text.replace(
        "    forecast: {arrival: backlog, weekly_volume: 10000, aht_seconds: 30}\n", Q_TWO
    )
    text = text.replace(
        "    shares: {team-a: 50, team-b: 50}",
        "    shares: {team-a: 50, team-b: 50}   # agreed in the 2026 review\n\n"
        "  - queue: q-two\n    shares: {team-a: 100}",
    )
    text += "\nguardrails:\n  - id: vendor-cap\n    type: max_vendor_share\n    max_percent: 75\n"
    org.write_text(text)
    assert run_qplan("validate", repo=repo).exit_code == 0
    return repo


def _fte(volume: float, aht: float, share: float) -> float:
    """Required FTE of a backlog share: workload over an FTE's productive hours at the cap."""
    return volume * aht / 3600 * share / 100 / (40 * (1 - 0.3) * 0.85)


def _brute_force(
    step: int, max_move: float, objective: str = "cost"
) -> tuple[float, float, dict[str, dict[str, int]]] | None:
    """The least weekly variable cost (or largest load) over every split on the step grid
    (then the least move), checked against capacity, the 75 % vendor cap and the move
    limit; None when no split passes."""
    splits = [
        dict(zip(TEAMS, parts, strict=True))
        for parts in itertools.product(range(0, 101, step), repeat=len(TEAMS))
        if sum(parts) == 100
    ]
    best: tuple[float, float, dict[str, dict[str, int]]] | None = None
    for chosen in itertools.product(splits, repeat=len(QUEUES)):
        plan = dict(zip(QUEUES, chosen, strict=True))
        fte = dict.fromkeys(TEAMS, 0.0)
        items = dict.fromkeys(TEAMS, 0.0)
        moved = 0.0
        ok = True
        for qid, (volume, aht, today) in QUEUES.items():
            shares = plan[qid]
            if shares["team-b"] > 75 or shares["team-c"] > 75:
                ok = False
            move = sum(abs(shares[t] - today.get(t, 0)) for t in TEAMS) / 2
            ok = ok and move <= max_move
            moved += move
            for team, share in shares.items():
                fte[team] += _fte(volume, aht, share)
                items[team] += volume * share / 100
        if not ok or any(fte[t] > TEAMS[t][0] + 1e-9 for t in TEAMS):
            continue
        if objective == "balance":  # workload over productive hours: FTE at the 85 % cap
            value = max(100 * fte[t] * 0.85 / TEAMS[t][0] for t in TEAMS)
        else:
            value = 0.0
            for team, (_, bill) in TEAMS.items():
                if bill is not None:
                    model, rate, minimum = bill
                    used = fte[team] * 28 if model == "per_productive_hour" else items[team]
                    value += max(minimum, rate * used)
        if best is None or (round(value, 6), moved) < (round(best[0], 6), best[1]):
            best = (value, moved, plan)
    return best


@pytest.mark.parametrize(
    ("step", "max_move", "objective"),
    [(25, 50, "cost"), (10, 40, "cost"), (5, 30, "cost"), (20, 100, "cost"),
     (5, 100, "balance"), (10, 30, "balance"), (5, 20, "cost")],
)  # fmt: skip
def test_the_optimum_is_the_brute_force_optimum(
    repo: Path, step: int, max_move: float, objective: str
) -> None:
    best = _brute_force(step, max_move, objective)
    result = run_qplan(
        "allocate", "--step", str(step), "--max-move", str(max_move), "--objective", objective,
        "--format", "json", repo=repo,
    )  # fmt: skip
    document = json.loads(result.output)
    if best is None:  # q-two cannot leave team-a fast enough for team-a's headcount
        assert (result.exit_code, document["status"]) == (1, "infeasible")
        return
    assert result.exit_code == 0, result.output
    value, _, plan = best
    assert document["status"] == "optimal"
    if objective == "cost":
        assert document["weekly_cost_after"] == pytest.approx(value, rel=1e-3)
    else:
        assert max(t["utilisation_after"] for t in document["teams"]) == pytest.approx(
            value, rel=1e-3
        )
    proposed = {q["queue"]: q["shares_after"] for q in document["queues"]}
    expected = {q: {t: float(s) for t, s in shares.items() if s} for q, shares in plan.items()}
    if objective == "cost":  # (a balanced optimum is seldom unique)
        assert proposed == expected


def test_text_explain_and_json_contract(repo: Path) -> None:
    """At step 25 and up to 50 points: q-two goes half to team-c (0.02 an item) within the
    50-point move; q-prod keeps a quarter at team-b, whose 0.875 FTE × 28 hours × 20 = 490
    stays under its 500 minimum, so moving it to team-a would save nothing and move more.
    Cost: 500 + 0.02 × 10,000 = 700, down from team-b's 1.75 FTE × 28 × 20 = 980.39.
    Loads are workload over productive hours (28 an FTE): team-a 41.67 + 333.33 of 280
    hours before, 62.5 + 166.67 after; team-b 41.67 then 20.83 of 224; team-c 166.67 of
    224 after."""
    result = run_qplan("allocate", "--step", "25", "--max-move", "50", "--explain", repo=repo)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Objective: cost. Weekly variable cost 980.39 → 700.00; 2 queues of 2 change.\n"
        "\n"
        "Queues\n"
        "queue   today                      proposed\n"
        "q-prod  team-a 50%, team-b 50%  →  team-a 75%, team-b 25%\n"
        "q-two   team-a 100%             →  team-a 50%, team-c 50%\n"
        "\n"
        "Teams (workload of productive hours)\n"
        "team    before  after\n"
        "team-a  133.9%  81.8%\n"
        "team-b   18.6%   9.3%\n"
        "team-c    0.0%  74.4%\n"
        "\n"
        "Binding constraints\n"
        "  q-two moved the 50 points --max-move allows\n"
        "  team-b is paid its weekly minimum of 500.00: more work there costs nothing until its "
        "work is worth that\n"
    )
    document = json.loads(
        run_qplan(
            "allocate", "--step", "25", "--max-move", "50", "--format", "json", repo=repo
        ).output
    )
    assert set(document) == {
        "format_version", "status", "objective", "objective_value", "weekly_cost_before",
        "weekly_cost_after", "queues", "teams", "binding", "left_out", "breaks",
    }  # fmt: skip
    assert document["queues"][0] == {
        "queue": "q-prod",
        "shares_before": {"team-a": 50.0, "team-b": 50.0},
        "shares_after": {"team-a": 75.0, "team-b": 25.0},
    }
    assert document["teams"][2] == {
        "team": "team-c",
        "utilisation_before": 0.0,
        "utilisation_after": 74.4,  # 10,000 × 60 s = 166.67 h of 8 × 28 productive hours
    }


def test_write_keeps_comments_and_validates(repo: Path) -> None:
    result = run_qplan("allocate", "--step", "25", "--max-move", "50", "--write", repo=repo)
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        "Wrote the proposed shares into workflows/org.yaml; review them with qplan plan."
    )
    text = (repo / "workflows" / "org.yaml").read_text()
    assert "    shares: {team-a: 75, team-b: 25}   # agreed in the 2026 review\n" in text
    assert "  - queue: q-two\n    shares: {team-a: 50, team-c: 50}\n" in text
    assert run_qplan("validate", repo=repo).exit_code == 0
    again = json.loads(
        run_qplan(
            "allocate", "--step", "25", "--max-move", "50", "--format", "json", repo=repo
        ).output
    )
    assert again["weekly_cost_before"] == 700.0  # what was written is today's split now


def test_conflicting_constraints_are_named(repo: Path) -> None:
    """team-a cannot carry q-two alone (14 FTE of 10), and --max-move 0 keeps it there."""
    result = run_qplan("allocate", "--max-move", "0", repo=repo)
    assert result.exit_code == 1
    assert result.output == (
        "No allocation meets every constraint. These cannot all hold:\n"
        "  q-two moves at most 0 points\n"
        "  team-a is at its capacity (10 FTE at its 85% occupancy cap)\n"
    )


def test_a_medium_instance_against_a_model_written_differently(tmp_path: Path) -> None:
    """60 queues of the synthetic organisation, its vendor sites billed per productive
    hour with a weekly minimum: the optimiser's least cost against SciPy's linprog with
    integrality, on a model written here from the problem's data (whole steps as integer
    variables, a cost variable per vendor above its minimum and its usage)."""
    import numpy as np
    from benchmarks.bench_allocate import billed
    from benchmarks.generate import generate_shape
    from scipy.optimize import linprog
    from scipy.sparse import lil_matrix

    from qplan.app.workspace import validate_repository
    from qplan.capacity.allocation import build, solve
    from qplan.capacity.staffing import derive_organisation
    from qplan.load.settings import load_settings

    folder = tmp_path / "org"
    generate_shape("pairs", 60, folder)
    billed(folder)
    validation = validate_repository(settings=load_settings(folder))
    assert not validation.report.has_errors
    org = validation.organisation
    capacity = derive_organisation(org, validation.settings.today)
    problem, _ = build(
        capacity, org.queues, org.teams, org.targets, org.allocations, org.guardrails,
        sorted(org.allocations), step=10, max_move=30, objective="cost",
    )  # fmt: skip
    ours = solve(problem)
    assert ours.status == "optimal"
    n, teams = len(problem.pairs), problem.teams
    # columns: s_i (steps of 10 %), m_i (|move| in points), c_t (a team's weekly cost)
    size = 2 * n + len(teams)
    upper: list[list[tuple[int, float]]] = []
    right: list[float] = []
    queues: dict[str, list[int]] = {}
    for i, pair in enumerate(problem.pairs):
        queues.setdefault(pair.queue, []).append(i)
        upper.append([(i, 10.0), (n + i, -1.0)])  # 10·s − today ≤ m
        right.append(pair.today)
        upper.append([(i, -10.0), (n + i, -1.0)])  # today − 10·s ≤ m
        right.append(-pair.today)
    equal = []
    for qid, members in queues.items():
        equal.append(members)
        upper.append([(n + i, 1.0) for i in members])  # moves: half the sum ≤ 30
        right.append(60.0)
        for speakers in problem.languages[qid]:
            upper.append([(i, -1.0) for i in speakers])
            right.append(-1.0)
    for _, members, coefficients, limit in problem.limits:
        upper.append([(i, 10 * c) for i, c in zip(members, coefficients, strict=True)])
        right.append(limit)
    low = [0.0] * size
    for k, team in enumerate(teams):
        bill = problem.billing[team]
        if bill.model == "headcount":
            continue
        hours = problem.per_fte_hours[team]
        row = [(2 * n + k, -1.0)]  # rate × hours × FTE − c ≤ −rate × hours × fixed FTE
        row += [(i, bill.rate * hours * p.fte * 10) for i, p in enumerate(problem.pairs)
                if p.team == team]  # fmt: skip
        upper.append(row)
        right.append(-bill.rate * hours * problem.fixed_fte[team])
        low[2 * n + k] = bill.minimum_weekly
    a_ub = lil_matrix((len(upper), size))
    for r, terms in enumerate(upper):
        for column, value in terms:
            a_ub[r, column] += value
    a_eq = lil_matrix((len(equal), size))
    for r, members in enumerate(equal):
        for i in members:
            a_eq[r, i] = 1.0
    cost = np.concatenate([np.zeros(2 * n), np.ones(len(teams))])
    integrality = np.concatenate([np.ones(n), np.zeros(n + len(teams))])
    bounds = [(0, 10)] * n + [(0, None)] * n + [(low[2 * n + k], None) for k in range(len(teams))]
    theirs = linprog(
        cost, A_ub=a_ub.tocsr(), b_ub=right, A_eq=a_eq.tocsr(), b_eq=[10.0] * len(equal),
        bounds=bounds, integrality=integrality, method="highs",
        options={"mip_rel_gap": 1e-6, "time_limit": 120},
    )  # fmt: skip
    assert theirs.status == 0, theirs.message
    assert ours.objective_value == pytest.approx(theirs.fun, rel=1e-3)


def test_a_guardrail_that_suppresses_itself_holds_no_share(repo: Path) -> None:
    """validate skips a max_vendor_share guardrail that suppresses QP201 on itself, and so
    do allocate and recover: at 25 % it would keep team-c to a quarter of q-two; suppressed,
    the proposal is the one under the 75 % guardrail (half of q-two at team-c)."""
    org = repo / "workflows" / "org.yaml"
    org.write_text(
        org.read_text().replace("max_percent: 75\n", "max_percent: 25\n    suppress: [QP201]\n")
    )
    assert run_qplan("validate", repo=repo).exit_code == 0
    document = json.loads(
        run_qplan(
            "allocate", "--step", "25", "--max-move", "50", "--format", "json", repo=repo
        ).output
    )
    assert document["queues"][1]["shares_after"] == {"team-a": 50.0, "team-c": 50.0}
    # held, but suppressed on q-prod's allocation (where team-b has half today): q-two
    # may give each vendor only a quarter
    text = org.read_text().replace("    suppress: [QP201]\n", "")
    org.write_text(
        text.replace(
            "# agreed in the 2026 review\n", "# agreed in the 2026 review\n    suppress: [QP201]\n"
        )
    )
    assert run_qplan("validate", repo=repo).exit_code == 0
    document = json.loads(
        run_qplan(
            "allocate", "--step", "25", "--max-move", "50", "--format", "json", repo=repo
        ).output
    )
    assert document["queues"][1]["shares_after"] == {"team-a": 50.0, "team-b": 25.0, "team-c": 25.0}


def test_a_proposal_names_the_target_it_would_break(repo: Path) -> None:
    """The capacity model checks every proposal before it is shown. q-two gets a target of
    90 % within 1 hour and team-a 20 FTE: today team-a works q-two day and night and meets
    it. A split that gives half of q-two to team-c, which works 06:00–22:00 Manila time,
    leaves the items that arrive in its closed hours waiting past the hour: the model
    projects the target missed (the figure is `capacity`'s, as its tests check it), and the
    check names it, which the programme's linear figures alone would not."""
    from qplan.app.workspace import validate_repository
    from qplan.capacity.allocation import AllocationResult
    from qplan.capacity.model_check import checked_by_the_model
    from qplan.capacity.staffing import derive_organisation, planning_of

    org_file = repo / "workflows" / "org.yaml"
    text = org_file.read_text()
    team_a = "headcount_fte: 10\n    shrinkage: 0.3\n    cost_per_hour: 50\n"
    assert team_a in text
    target = "\n  - queue: q-two\n    sla: {percent: 90, within: 1h}\n\nallocations:"
    org_file.write_text(
        text.replace(team_a, team_a.replace("10", "20")).replace("\nallocations:", target, 1)
    )
    validation = validate_repository(repo)
    org, today = validation.organisation, validation.settings.today
    before = derive_organisation(org, today)
    assert before.queues["q-two"].meets_target is True
    proposal = AllocationResult(
        status="optimal",
        objective="cost",
        objective_value=0.0,
        weekly_cost_before=0.0,
        weekly_cost_after=0.0,
        shares_before={"q-two": {"team-a": 100.0}},
        shares_after={"q-two": {"team-a": 50.0, "team-c": 50.0}},
        utilisation_before={"team-a": 0.0, "team-c": 0.0},
        utilisation_after={},
    )
    checked = checked_by_the_model(
        proposal, before, org.teams, org.queues, org.targets, org.allocations, today,
        planning_of(org),
    )  # fmt: skip
    assert checked.breaks == ["queue q-two would miss its target: 65.1% within 1h, target 90%"]
    # the loads are the model's: workload over productive hours (20 × 28 and 8 × 28)
    assert checked.utilisation_after["team-c"] == pytest.approx(100 * 166.6667 / 224, rel=1e-4)


def test_explain_names_a_vendor_paid_its_weekly_minimum(example_repo: Path) -> None:
    """Berlin (Meridian CX) bills 64 a productive hour with a weekly minimum of 30,000. The
    cost-optimal split moves enough work away that what Berlin does is worth less than the
    minimum: --explain says so, and `capacity` on the written split bills it the minimum."""
    found = run_qplan("allocate", "--explain", "--write", "--format", "json", repo=example_repo)
    assert found.exit_code == 0, found.output
    document, _ = json.JSONDecoder().raw_decode(found.output)
    assert (
        "de-berlin is paid its weekly minimum of 30,000 USD: more work there costs nothing "
        "until its work is worth that"
    ) in document["binding"]
    after = json.loads(run_qplan("capacity", "--format", "json", repo=example_repo).output)
    berlin = next(t for t in after["teams"] if t["team"] == "de-berlin")
    worth = 64 * berlin["required_fte"] * 39 * (1 - 0.31)  # rate × productive hours used
    assert berlin["variable_weekly_cost"] == pytest.approx(worth, rel=1e-3)  # FTE to 0.01
    assert worth < 30000 and berlin["weekly_cost"] == 30000
