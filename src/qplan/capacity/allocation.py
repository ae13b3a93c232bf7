"""The allocation optimiser: the best split of each queue's volume between teams.

For the queues in scope, the share of each queue at each eligible team is a whole number of
``step`` percent. A mixed-integer programme, solved with SciPy's ``milp`` (HiGHS), keeps:

* **eligibility**: a team may take a share when it speaks one of the queue's languages, is
  cleared for its data, and its coverage can meet the SLA on its own; every language of the
  queue is spoken by a team with a share (QP111);
* **capacity**: each team's required FTE, for the queues in scope and the work that stays
  where it is, within its headcount (required FTE already counts the occupancy cap and
  shrinkage); and each exposure cap's hours per agent-day (QP205);
* **guardrails**: ``max_vendor_share``, ``max_bpo_share``, ``min_teams_per_live_queue``
  and ``max_team_utilisation``, where the queue (or its allocation) does not suppress them;
* **stability**: no queue's shares move more than ``max_move`` points (half the sum of the
  absolute changes, as ``plan`` counts a move).

The objective is the weekly variable cost (``cost``: per productive hour or per item
billing, with each vendor's weekly minimum) or the largest team utilisation (``balance``);
a second solve keeps that optimum and moves the least from today's shares.

Each share's staffing is linear in its size: a backlog share needs its workload over the
productive hours of an FTE at the occupancy cap; a real-time share that much times the
queue's Erlang overhead today (its required FTE over that workload figure). ``plan`` and
``validate`` then size the proposal with the full model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qplan.capacity.figures import Capacity, rounded
from qplan.capacity.recovery import share_limits
from qplan.capacity.teams import agent_days, covered_hours, share_within, team_mask
from qplan.core.money import money
from qplan.model.format import GUARDRAIL_CODES, Queue, Target, Team, at_least, speaks

if TYPE_CHECKING:
    pass

OBJECTIVES = ("cost", "balance")
#: the relative gap HiGHS may stop at (the proposal is within 0.05 % of the optimum), and
#: how far from the optimum the second solve (the least move) may go
GAP = 5e-4
#: the most variables the optimiser builds (queues × eligible teams)
MAX_PAIRS = 400_000


@dataclass(frozen=True)
class Billing:
    """How a team is paid, as the optimiser sees it: per productive hour, per item, or by
    headcount (a fixed cost: no variable part)."""

    model: str
    rate: float
    minimum_weekly: float = 0.0


def billing_of(team: Team) -> Billing:
    found = getattr(team, "billing", None)
    if found is None:
        return Billing("headcount", team.cost_per_hour)
    return Billing(found.model, found.rate, found.minimum_weekly or 0.0)


@dataclass
class AllocationResult:
    #: optimal (within GAP); feasible (the time limit stopped the search with a proposal);
    #: infeasible; time_limit (stopped before finding any proposal)
    status: str
    objective: str
    objective_value: float | None
    weekly_cost_before: float
    weekly_cost_after: float | None
    shares_before: dict[str, dict[str, float]]
    shares_after: dict[str, dict[str, float]]
    utilisation_before: dict[str, float]
    utilisation_after: dict[str, float]
    binding: list[str] = field(default_factory=list)
    #: queues left out of scope, with why
    left_out: dict[str, str] = field(default_factory=dict)
    #: what the proposal would break, as the capacity model works it out: a queue's target
    #: it meets today and would miss, a team it would push over its occupancy cap
    breaks: list[str] = field(default_factory=list)

    @property
    def changed(self) -> dict[str, dict[str, float]]:
        return {
            q: after for q, after in self.shares_after.items() if after != self.shares_before[q]
        }

    def contract(self) -> dict[str, Any]:
        return {
            "format_version": "1",
            "status": self.status,
            "objective": self.objective,
            "objective_value": rounded(self.objective_value),
            "weekly_cost_before": rounded(self.weekly_cost_before),
            "weekly_cost_after": rounded(self.weekly_cost_after),
            "queues": [
                {
                    "queue": q,
                    "shares_before": self.shares_before[q],
                    "shares_after": self.shares_after.get(q, self.shares_before[q]),
                }
                for q in sorted(self.shares_before)
            ],
            "teams": [
                {
                    "team": t,
                    "utilisation_before": rounded(self.utilisation_before[t]),
                    "utilisation_after": rounded(self.utilisation_after.get(t)),
                }
                for t in sorted(self.utilisation_before)
            ],
            "binding": list(self.binding),
            "left_out": dict(sorted(self.left_out.items())),
            "breaks": list(self.breaks),
        }


@dataclass(frozen=True)
class Pair:
    """A queue at an eligible team: FTE, workload hours and items per unit of share."""

    queue: str
    team: str
    fte: float
    hours: float
    items: float
    today: float  # today's share, percent


@dataclass
class Problem:
    """The programme's data, independent of the solver (tests build other models on it)."""

    queues: list[str]
    teams: list[str]
    pairs: list[Pair]
    step: float
    max_move: float
    objective: str
    headcount: dict[str, float]
    fixed_fte: dict[str, float]  # FTE of the work that stays, per team
    fixed_items: dict[str, float]
    per_fte_hours: dict[str, float]  # productive hours an FTE gives in a week
    billing: dict[str, Billing]
    languages: dict[str, list[list[int]]]  # queue → per language, the pair indexes speaking it
    #: (name, pair indexes, coefficient per pair, limit): Σ coefficient × share ≤ limit
    limits: list[tuple[str, list[int], list[float], float]]
    #: queue → the fewest teams it must keep (min_teams_per_live_queue)
    min_teams: dict[str, tuple[int, str]]


def build(
    capacity: Capacity,
    queues: Mapping[str, Queue],
    teams: Mapping[str, Team],
    targets: Mapping[str, Any],
    allocations: Mapping[str, Any],
    guardrails: Mapping[str, Any],
    scope: Sequence[str],
    *,
    step: float,
    max_move: float,
    objective: str,
) -> tuple[Problem, dict[str, str]]:
    """The programme for the queues in ``scope`` (those that can be moved); and the queues
    of ``scope`` left out, with why."""
    left_out: dict[str, str] = {}
    chosen: list[str] = []
    for qid in scope:
        allocation = allocations.get(qid)
        figures = capacity.queues.get(qid)
        if allocation is None or figures is None or figures.draft:
            left_out[qid] = "no allocation of its own, or not staffed"
        elif allocation.phases:
            left_out[qid] = "its allocation has phases: change those by hand"
        else:
            chosen.append(qid)
    in_scope = set(chosen)
    team_ids = sorted(teams)
    per_fte = {t: teams[t].paid_hours_per_week * (1 - teams[t].shrinkage) for t in team_ids}
    fixed_fte = dict.fromkeys(team_ids, 0.0)
    fixed_items = dict.fromkeys(team_ids, 0.0)
    for qid, figures in capacity.queues.items():
        if qid in in_scope or figures.draft:
            continue
        for share in figures.shares:
            fixed_fte[share.team] += share.required_fte
            fixed_items[share.team] += share.weekly_volume
    pairs: list[Pair] = []
    languages: dict[str, list[list[int]]] = {}
    min_teams: dict[str, tuple[int, str]] = {}
    limits: list[tuple[str, list[int], list[float], float]] = []
    masks = {t: team_mask(teams[t]) for t in team_ids}
    covered = {t: covered_hours(teams[t]) for t in team_ids}
    for qid in chosen:
        queue = queues[qid]
        figures = capacity.queues[qid]
        target = targets.get(qid) or targets.get(f"workflow:{queue.workflow}")
        today = dict(allocations[qid].shares)
        workload = figures.weekly_volume * figures.aht_seconds / 3600
        overhead = 1.0
        if figures.arrival == "realtime":
            base = sum(
                s.workload_hours / (per_fte[s.team] * teams[s.team].occupancy_cap)
                for s in figures.shares
            )
            overhead = figures.required_fte / base if base else 1.0
        first = len(pairs)
        for tid in team_ids:
            team = teams[tid]
            if tid not in today and not _eligible(team, queue, target, masks[tid], covered[tid]):
                continue
            cap = team.occupancy_cap
            if target is not None and target.max_occupancy is not None:
                cap = min(cap, target.max_occupancy)
            fte = overhead * workload / (per_fte[tid] * cap) if per_fte[tid] else math.inf
            pairs.append(
                Pair(qid, tid, fte / 100, workload / 100, figures.weekly_volume / 100,
                     today.get(tid, 0.0))
            )  # fmt: skip
            if len(pairs) > MAX_PAIRS:
                raise ValueError(f"more than {MAX_PAIRS:,} queue-team pairs: narrow the scope")
        indexes = range(first, len(pairs))
        languages[qid] = [
            [i for i in indexes if speaks(teams[pairs[i].team].languages, language)]
            for language in queue.languages
        ]
        suppressed = set(queue.suppress) | set(allocations[qid].suppress)
        _queue_guardrails(
            qid, queue, teams, guardrails, suppressed, pairs, list(indexes), limits, min_teams
        )
    _team_limits(teams, guardrails, queues, capacity, pairs, fixed_fte, per_fte, in_scope, limits)
    problem = Problem(
        queues=chosen,
        teams=team_ids,
        pairs=pairs,
        step=step,
        max_move=max_move,
        objective=objective,
        headcount={t: teams[t].headcount_fte for t in team_ids},
        fixed_fte=fixed_fte,
        fixed_items=fixed_items,
        per_fte_hours=per_fte,
        billing={t: billing_of(teams[t]) for t in team_ids},
        languages=languages,
        limits=limits,
        min_teams=min_teams,
    )
    return problem, left_out


def _eligible(
    team: Team, queue: Queue, target: Target | None, mask: tuple[bool, ...], covered: float
) -> bool:
    if team.headcount_fte <= 0 or not any(speaks(team.languages, x) for x in queue.languages):
        return False
    if queue.data_classification != "public" and queue.data_classification not in team.clearances:
        return False
    if target is None or queue.forecast is None:
        return True
    if queue.forecast.arrival == "realtime":
        return 100 * covered / 168 + 1e-9 >= target.sla.percent
    return 100 * share_within(mask, 1.5, target.sla.within.hours) + 1e-9 >= target.sla.percent


def _queue_guardrails(
    qid: str,
    queue: Queue,
    teams: Mapping[str, Team],
    guardrails: Mapping[str, Any],
    suppressed: set[str],
    pairs: list[Pair],
    indexes: list[int],
    limits: list[tuple[str, list[int], list[float], float]],
    min_teams: dict[str, tuple[int, str]],
) -> None:
    if queue.status in ("ready", "live", "paused"):
        for limit in share_limits(guardrails, teams, queue, suppressed):
            mine = [i for i in indexes if pairs[i].team in limit.teams]
            if not mine:
                continue  # none of its teams can take the queue: nothing to hold
            verb = "are" if limit.what == "BPO teams" else "is"
            limits.append(
                (
                    f"{limit.what} {verb} at the {limit.max_percent:g}% of guardrail "
                    f"{limit.guardrail} on {qid}",
                    mine,
                    [1.0] * len(mine),
                    limit.max_percent,
                )
            )
    if (
        queue.status != "live"
        or queue.kind != "production"
        or GUARDRAIL_CODES["min_teams_per_live_queue"] in suppressed
    ):
        return
    for gid, guardrail in sorted(guardrails.items()):
        if (
            guardrail.type == "min_teams_per_live_queue"
            and GUARDRAIL_CODES["min_teams_per_live_queue"] not in guardrail.suppress
        ):
            min_teams[qid] = (guardrail.min_teams, gid)


def _team_limits(
    teams: Mapping[str, Team],
    guardrails: Mapping[str, Any],
    queues: Mapping[str, Queue],
    capacity: Capacity,
    pairs: list[Pair],
    fixed_fte: Mapping[str, float],
    per_fte: Mapping[str, float],
    in_scope: set[str],
    limits: list[tuple[str, list[int], list[float], float]],
) -> None:
    """Capacity, utilisation guardrails and exposure caps, per team."""
    by_team: dict[str, list[int]] = {}
    for i, pair in enumerate(pairs):
        by_team.setdefault(pair.team, []).append(i)
    for tid, indexes in sorted(by_team.items()):
        team = teams[tid]
        limits.append(
            (
                f"{tid} is at its capacity ({team.headcount_fte:g} FTE at its "
                f"{100 * team.occupancy_cap:g}% occupancy cap)",
                indexes,
                [pairs[i].fte for i in indexes],
                team.headcount_fte - fixed_fte[tid],
            )
        )
        productive = team.headcount_fte * per_fte[tid]
        fixed_hours = sum(
            s.workload_hours
            for qid, q in capacity.queues.items()
            if qid not in in_scope and not q.draft
            for s in q.shares
            if s.team == tid
        )
        for gid, guardrail in sorted(guardrails.items()):
            if (
                guardrail.type == "max_team_utilisation"
                and GUARDRAIL_CODES["max_team_utilisation"] not in team.suppress
            ):
                limits.append(
                    (
                        f"{tid} is at the {guardrail.max_percent:g}% utilisation of guardrail "
                        f"{gid}",
                        indexes,
                        [pairs[i].hours for i in indexes],
                        guardrail.max_percent / 100 * productive - fixed_hours,
                    )
                )
            elif guardrail.type == "exposure_cap":
                sensitive = {
                    qid
                    for qid, queue in queues.items()
                    if at_least(queue.sensitivity, guardrail.sensitivity)
                }
                mine = [i for i in indexes if pairs[i].queue in sensitive]
                if not mine:
                    continue
                fixed_sensitive = sum(
                    s.required_fte
                    for qid, q in capacity.queues.items()
                    if qid not in in_scope and not q.draft and qid in sensitive
                    for s in q.shares
                    if s.team == tid
                )
                on_duty = agent_days(team, team.headcount_fte)
                limit_fte = guardrail.max_hours_per_day * on_duty / per_fte[tid]
                limits.append(
                    (
                        f"{tid} is at the {guardrail.max_hours_per_day:g} hours a day of "
                        f"exposure cap {gid}",
                        mine,
                        [pairs[i].fte for i in mine],
                        limit_fte - fixed_sensitive,
                    )
                )


@dataclass
class Solution:
    status: str
    shares: list[float]  # percent per pair
    objective_value: float | None


class _Rows:
    """The constraint matrix, row by row, as sparse triplets."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.columns: list[int] = []
        self.values: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def add(self, coefficients: Mapping[int, float], low: float, high: float) -> int:
        row = len(self.lower)
        for column, value in coefficients.items():
            self.rows.append(row)
            self.columns.append(column)
            self.values.append(value)
        self.lower.append(low)
        self.upper.append(high)
        return row

    def constraint(self, size: int) -> Any:
        import numpy as np
        from scipy.optimize import LinearConstraint
        from scipy.sparse import coo_matrix

        matrix = coo_matrix(
            (self.values, (self.rows, self.columns)), shape=(len(self.lower), size)
        ).tocsr()
        return LinearConstraint(matrix, np.array(self.lower), np.array(self.upper))


@dataclass
class Layout:
    """Where each variable sits: y (steps) and d (move) per pair, z (used) per pair of a
    queue with a minimum of teams, w (variable cost) per team, u (the largest utilisation)."""

    pairs: int
    z_pairs: list[int]
    teams: list[str]

    @property
    def d0(self) -> int:
        return self.pairs

    @property
    def z0(self) -> int:
        return 2 * self.pairs

    @property
    def w0(self) -> int:
        return self.z0 + len(self.z_pairs)

    @property
    def u0(self) -> int:
        return self.w0 + len(self.teams)

    @property
    def size(self) -> int:
        return self.u0 + 1


def model(problem: Problem) -> tuple[Layout, _Rows, dict[str, list[int]]]:
    """The constraints of the programme, and (by name) the rows each limit is."""
    p = problem
    units = 100 / p.step
    layout = Layout(len(p.pairs), [i for i, x in enumerate(p.pairs) if x.queue in p.min_teams],
                    p.teams)  # fmt: skip
    z_at = {i: k for k, i in enumerate(layout.z_pairs)}
    rows = _Rows()
    named: dict[str, list[int]] = {}
    by_queue: dict[str, list[int]] = {}
    by_team: dict[str, list[int]] = {}
    for i, pair in enumerate(p.pairs):
        by_queue.setdefault(pair.queue, []).append(i)
        by_team.setdefault(pair.team, []).append(i)
    for qid, indexes in by_queue.items():
        named.setdefault(f"the shares of {qid} sum to 100", []).append(
            rows.add({i: 1.0 for i in indexes}, units, units)
        )
        for speakers, language in zip(p.languages[qid], range(len(p.languages[qid])), strict=True):
            del language
            named.setdefault(f"every language of {qid} is spoken", []).append(
                rows.add({i: 1.0 for i in speakers}, 1.0, math.inf)
            )
        for i in indexes:  # d ≥ |step·y − today|
            rows.add({layout.d0 + i: 1.0, i: -p.step}, -p.pairs[i].today, math.inf)
            rows.add({layout.d0 + i: 1.0, i: p.step}, p.pairs[i].today, math.inf)
        named[f"{qid} moves at most {p.max_move:g} points"] = [
            rows.add({layout.d0 + i: 1.0 for i in indexes}, -math.inf, 2 * p.max_move)
        ]
        if qid in p.min_teams:
            need, gid = p.min_teams[qid]
            named[f"{qid} keeps {need} teams (guardrail {gid})"] = [
                rows.add({layout.z0 + z_at[i]: 1.0 for i in indexes}, need, math.inf)
            ]
            for i in indexes:
                rows.add({i: 1.0, layout.z0 + z_at[i]: -units}, -math.inf, 0.0)
                rows.add({i: 1.0, layout.z0 + z_at[i]: -1.0}, 0.0, math.inf)
    for name, indexes, coefficients, limit in p.limits:
        terms = {i: c * p.step for i, c in zip(indexes, coefficients, strict=True)}
        named.setdefault(name, []).append(rows.add(terms, -math.inf, limit))
    for k, tid in enumerate(p.teams):
        bill = p.billing[tid]
        mine = by_team.get(tid, [])
        if bill.model != "headcount":  # w_t ≥ rate × usage (fixed work included)
            hourly = bill.model == "per_productive_hour"
            row = {layout.w0 + k: 1.0}
            for i in mine:
                usage = p.pairs[i].fte * p.per_fte_hours[tid] if hourly else p.pairs[i].items
                row[i] = -bill.rate * usage * p.step
            fixed = p.fixed_fte[tid] * p.per_fte_hours[tid] if hourly else p.fixed_items[tid]
            rows.add(row, bill.rate * fixed, math.inf)
        if p.headcount[tid] > 0:  # u ≥ required FTE / headcount
            row = {layout.u0: 1.0}
            for i in mine:
                row[i] = -p.pairs[i].fte * p.step / p.headcount[tid]
            rows.add(row, p.fixed_fte[tid] / p.headcount[tid], math.inf)
    return layout, rows, named


def _bounds(problem: Problem, layout: Layout) -> tuple[Any, Any]:
    import numpy as np
    from scipy.optimize import Bounds

    units = 100 / problem.step
    integrality = np.zeros(layout.size)
    integrality[0 : layout.d0] = 1
    integrality[layout.z0 : layout.w0] = 1
    low = np.zeros(layout.size)
    high = np.full(layout.size, np.inf)
    high[0 : layout.d0] = units
    high[layout.z0 : layout.w0] = 1
    for k, tid in enumerate(problem.teams):
        bill = problem.billing[tid]
        if bill.model != "headcount":
            low[layout.w0 + k] = bill.minimum_weekly
    return Bounds(low, high), integrality


def objective_vector(problem: Problem, layout: Layout) -> Any:
    import numpy as np

    first = np.zeros(layout.size)
    if problem.objective == "cost":
        first[layout.w0 : layout.u0] = 1.0
    else:
        first[layout.u0] = 1.0
    return first


def solve(problem: Problem, *, time_limit: float = 120.0) -> Solution:
    """The optimum of the programme (two solves: the objective, then the least move)."""
    import numpy as np
    from scipy.optimize import LinearConstraint, milp

    layout, rows, _ = model(problem)
    if not problem.pairs:
        return Solution("optimal", [], 0.0)
    constraints = [rows.constraint(layout.size)]
    bounds, integrality = _bounds(problem, layout)
    first = objective_vector(problem, layout)
    import time

    started = time.monotonic()
    options = {"time_limit": time_limit, "mip_rel_gap": GAP}
    found = milp(first, constraints=constraints, integrality=integrality, bounds=bounds,
                 options=options)  # fmt: skip
    if found.x is None:
        return Solution("infeasible" if found.status == 2 else "time_limit", [], None)
    best = float(found.fun)
    status = "optimal" if found.status == 0 else "feasible"
    # keep the optimum (within GAP), and move the least from today's shares, in what is
    # left of the time (at least a few seconds; the first answer stands if it runs out)
    keep = LinearConstraint(first.reshape(1, -1), -np.inf, best + max(1e-7, abs(best) * GAP))
    second = np.zeros(layout.size)
    second[layout.d0 : layout.z0] = 1.0
    left = max(5.0, time_limit - (time.monotonic() - started))
    steady = milp(second, constraints=[*constraints, keep], integrality=integrality,
                  bounds=bounds, options={**options, "time_limit": left})  # fmt: skip
    chosen = steady.x if steady.x is not None else found.x
    shares = [round(float(chosen[i])) * problem.step for i in range(layout.pairs)]
    return Solution(status, shares, best)


#: the most constraint groups the deletion filter tries one by one
MAX_FILTERED = 80


def conflicts(problem: Problem) -> list[str]:
    """Constraints that cannot all hold, by name. An elastic relaxation of the continuous
    programme (each named limit may be broken, at a price) finds limits whose relaxation
    would make it feasible; a deletion filter over those and the limits that share a queue
    or a team with them then drops every one the conflict does not need (an irreducible
    set, when no more than :data:`MAX_FILTERED` are in play)."""
    import numpy as np
    from scipy.optimize import Bounds, milp

    layout, rows, named = model(problem)
    names = sorted(named)
    bounds, _ = _bounds(problem, layout)

    def relaxed(free: set[str], price: bool) -> Any:
        """The continuous programme with the limits in ``free`` dropped; with ``price``,
        every other limit elastic at a price of 1 per unit broken."""
        elastic = _Rows()
        dropped = {row for name in free for row in named[name]}
        keep = [r for r in range(len(rows.lower)) if r not in dropped]
        index = {r: k for k, r in enumerate(keep)}
        for r, c, v in zip(rows.rows, rows.columns, rows.values, strict=True):
            if r in index:
                elastic.rows.append(index[r])
                elastic.columns.append(c)
                elastic.values.append(v)
        elastic.lower = [rows.lower[r] for r in keep]
        elastic.upper = [rows.upper[r] for r in keep]
        extra = [n for n in names if n not in free] if price else []
        for k, name in enumerate(extra):
            for row in named[name]:
                elastic.rows.append(index[row])
                elastic.columns.append(layout.size + k)
                elastic.values.append(-1.0 if math.isinf(rows.lower[row]) else 1.0)
        size = layout.size + len(extra)
        low = np.concatenate([bounds.lb, np.zeros(len(extra))])
        high = np.concatenate([bounds.ub, np.full(len(extra), np.inf)])
        cost = np.concatenate([np.zeros(layout.size), np.ones(len(extra))])
        found = milp(cost, constraints=[elastic.constraint(size)], bounds=Bounds(low, high))
        if not price:
            return found.x is not None
        if found.x is None:
            return []
        return [name for k, name in enumerate(extra) if found.x[layout.size + k] > 1e-6]

    broken = relaxed(set(), True)
    if not broken:
        return [
            f"the shares cannot be split in whole steps of {problem.step:g}%: try a smaller --step"
        ]
    words = {name: set(name.replace("(", " ").replace(")", " ").split()) for name in names}
    subjects = {w for name in broken for w in words[name]} & (
        set(problem.queues) | set(problem.teams)
    )
    # and the queues a team in the conflict works today
    subjects |= {p.queue for p in problem.pairs if p.team in subjects and p.today > 0}
    candidates = [
        n for n in names if (words[n] & subjects or n in broken) and not n.endswith("sum to 100")
    ]
    if len(candidates) > MAX_FILTERED:
        return list(broken)
    needed = list(candidates)
    dropped: set[str] = set()
    for name in candidates:
        trial = dropped | {name}
        if not relaxed(trial, False):  # still infeasible without it: not needed
            dropped = trial
            needed.remove(name)
    # who may work a queue is no limit to relax, but it is the other half of a share
    # guardrail's conflict (a vendor's most, the fewest teams) on that queue
    guarded = [name for name in needed if "guardrail" in words[name]]
    involved = sorted({w for name in guarded for w in words[name]} & set(problem.queues))
    for qid in involved:
        eligible = sorted({p.team for p in problem.pairs if p.queue == qid})
        needed.append(
            f"{qid} may go only to {', '.join(eligible) or 'no team'}: the teams that speak "
            "its languages and hold its data clearance"
        )
    return needed


def allocate(
    capacity: Capacity,
    queues: Mapping[str, Queue],
    teams: Mapping[str, Team],
    targets: Mapping[str, Any],
    allocations: Mapping[str, Any],
    guardrails: Mapping[str, Any],
    scope: Sequence[str],
    *,
    step: float = 5.0,
    max_move: float = 20.0,
    objective: str = "cost",
    time_limit: float = 120.0,
) -> AllocationResult:
    """Propose shares for the queues in ``scope``; see the module's documentation."""
    problem, left_out = build(
        capacity,
        queues,
        teams,
        targets,
        allocations,
        guardrails,
        scope,
        step=step,
        max_move=max_move,
        objective=objective,
    )
    before = {q: dict(sorted(allocations[q].shares.items())) for q in problem.queues}
    today = [pair.today for pair in problem.pairs]
    used_before = usage(problem, today)
    solution = solve(problem, time_limit=time_limit)
    result = AllocationResult(
        status=solution.status,
        objective=objective,
        objective_value=solution.objective_value,
        weekly_cost_before=variable_cost(problem, used_before),
        weekly_cost_after=None,
        shares_before=before,
        shares_after={},
        utilisation_before=utilisation(problem, used_before),
        utilisation_after={},
        left_out=left_out,
    )
    if solution.status == "infeasible":
        result.binding = conflicts(problem)
        return result
    if solution.status == "time_limit":
        return result
    after: dict[str, dict[str, float]] = {q: {} for q in problem.queues}
    for pair, share in zip(problem.pairs, solution.shares, strict=True):
        if share > 0:
            after[pair.queue][pair.team] = share
    result.shares_after = {q: dict(sorted(s.items())) for q, s in after.items()}
    used_after = usage(problem, solution.shares)
    result.weekly_cost_after = variable_cost(problem, used_after)
    result.utilisation_after = utilisation(problem, used_after)
    result.binding = binding(problem, solution.shares)
    return result


def usage(problem: Problem, shares: Sequence[float]) -> dict[str, tuple[float, float]]:
    """(required FTE, items a week) per team for ``shares`` (percent per pair)."""
    found = {t: (problem.fixed_fte[t], problem.fixed_items[t]) for t in problem.teams}
    for pair, share in zip(problem.pairs, shares, strict=True):
        fte, items = found[pair.team]
        found[pair.team] = (fte + pair.fte * share, items + pair.items * share)
    return found


def variable_cost(problem: Problem, used: Mapping[str, tuple[float, float]]) -> float:
    """The weekly variable cost (vendor minimums included) of the teams' usage."""
    total = 0.0
    for tid, (fte, items) in used.items():
        bill = problem.billing[tid]
        if bill.model == "headcount":
            continue
        amount = fte * problem.per_fte_hours[tid] if bill.model == "per_productive_hour" else items
        total += max(bill.minimum_weekly, bill.rate * amount)
    return total


def utilisation(problem: Problem, used: Mapping[str, tuple[float, float]]) -> dict[str, float]:
    """Required FTE over headcount, percent, per team."""
    return {
        tid: 100 * fte / problem.headcount[tid] if problem.headcount[tid] else math.inf
        for tid, (fte, _) in used.items()
    }


def binding(problem: Problem, shares: Sequence[float]) -> list[str]:
    """The limits the proposal reaches, in words."""
    found = []
    for name, indexes, coefficients, limit in problem.limits:
        value = sum(c * shares[i] for i, c in zip(indexes, coefficients, strict=True))
        if value >= limit - max(1e-6, abs(limit) * 1e-6) and indexes:
            found.append(name)
    moved: dict[str, float] = {}
    for pair, share in zip(problem.pairs, shares, strict=True):
        moved[pair.queue] = moved.get(pair.queue, 0.0) + abs(share - pair.today) / 2
    for qid, points in sorted(moved.items()):
        if points >= problem.max_move - 1e-9 and problem.max_move > 0:
            found.append(f"{qid} moved the {problem.max_move:g} points --max-move allows")
    # a vendor paid its weekly minimum whatever it does: work moved there costs nothing more
    for tid, (fte, items) in usage(problem, shares).items():
        bill = problem.billing[tid]
        if bill.model == "headcount" or bill.minimum_weekly <= 0:
            continue
        amount = fte * problem.per_fte_hours[tid] if bill.model == "per_productive_hour" else items
        if bill.rate * amount <= bill.minimum_weekly * (1 + 1e-9):
            found.append(
                f"{tid} is paid its weekly minimum of {money(bill.minimum_weekly)}: more work "
                "there costs nothing until its work is worth that"
            )
    return sorted(set(found))
