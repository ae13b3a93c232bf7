"""The optimiser's proposal as a strategist reads it: text and JSON."""

from __future__ import annotations

import json

from qplan.capacity.allocation import AllocationResult
from qplan.core.money import money
from qplan.core.units import plural
from qplan.views.tables import table

_NUMERIC = frozenset({"before", "after"})


def _shares(shares: dict[str, float]) -> str:
    return ", ".join(f"{team} {share:g}%" for team, share in shares.items()) or "-"


def text(result: AllocationResult, *, explain: bool = False) -> str:
    if result.status == "time_limit":
        return "The solver found no allocation within its time limit: narrow the scope.\n"
    if result.status == "infeasible":
        out = ["No allocation meets every constraint. These cannot all hold:"]
        out += [f"  {name}" for name in result.binding] or ["  (none found alone)"]
        return "\n".join(out) + "\n"
    changed = result.changed
    stopped = " (stopped at the time limit: the best found)" if result.status == "feasible" else ""
    out = [
        f"Objective: {result.objective}{stopped}. Weekly variable cost "
        f"{money(result.weekly_cost_before)} → {money(result.weekly_cost_after)}; "
        f"{plural(len(changed), 'queue')} of {len(result.shares_before)} change.",
    ]
    if changed:
        out += ["", "Queues"]
        rows = [
            [qid, _shares(result.shares_before[qid]), "→", _shares(shares)]
            for qid, shares in sorted(changed.items())
        ]
        out += table(["queue", "today", "", "proposed"], rows, _NUMERIC)
    if result.breaks:
        out += ["", "It would break (the capacity model on the proposal)"]
        out += [f"  {line}" for line in result.breaks]
    out += ["", "Teams (workload of productive hours)"]
    rows = [
        [
            tid,
            f"{before:.1f}%",
            f"{result.utilisation_after.get(tid, before):.1f}%",
        ]
        for tid, before in sorted(result.utilisation_before.items())
    ]
    out += table(["team", "before", "after"], rows, _NUMERIC)
    if result.left_out:
        out += ["", "Left out"]
        out += [f"  {qid}: {why}" for qid, why in sorted(result.left_out.items())]
    if explain:
        out += ["", "Binding constraints"]
        out += [f"  {line}" for line in result.binding] or ["  none"]
    return "\n".join(out) + "\n"


def as_json(result: AllocationResult) -> str:
    return json.dumps(result.contract(), indent=2, ensure_ascii=False) + "\n"
