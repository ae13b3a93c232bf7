"""A backlog recovery plan as a strategist reads it: text, Markdown, JSON and a burn-down."""

from __future__ import annotations

import json

from qplan.capacity.recovery import RecoveryPlan
from qplan.core.money import amount, money
from qplan.core.units import plural
from qplan.report.registry import Reporters
from qplan.views.chart_style import BLUE
from qplan.views.tables import md_table, table
from qplan.views.trend_chart import line_chart

_LEVER_HEAD = ["lever", "team", "items/day", "of at most", "cost/item", "cost/day"]
_DAY_HEAD = ["day", "backlog"]
_NUMERIC = frozenset({"items/day", "of at most", "cost/item", "cost/day", "backlog"})
_WORDS = {
    "spare": "spare capacity",
    "borrow": "borrowed from",
    "overtime": "overtime",
    "surge": "vendor surge",
}


def _lever_rows(plan: RecoveryPlan) -> list[list[str]]:
    return [
        [
            _WORDS[lever.kind],
            lever.team,
            f"{lever.items_per_day:,.0f}",
            f"{lever.max_items_per_day:,.0f}",
            f"{lever.cost_per_item:,.3f}",
            amount(lever.daily_cost),
        ]
        for lever in plan.levers
    ]


def _day_rows(plan: RecoveryPlan) -> list[list[str]]:
    return [[f"{d.isoformat()} {d:%a}", f"{left:,.0f}"] for d, left in plan.burn_down()]


def headline(plan: RecoveryPlan) -> str:
    """One line: what it takes, or by how much it falls short."""
    what = (
        f"{plan.queue}: {plan.backlog:,.0f} items of backlog by {plan.by.isoformat()} "
        f"({plural(plan.days, 'day')} from {plan.starts.isoformat()})"
    )
    if not plan.feasible:
        return (
            f"{what} cannot be cleared: every lever at its limit leaves "
            f"{plan.shortfall_items:,.0f} items ({plan.items_per_day:,.0f} of the "
            f"{plan.needed_per_day:,.0f} extra items a day it needs)."
        )
    return (
        f"{what}: {plan.needed_per_day:,.0f} extra items a day on top of "
        f"{plan.arrivals_per_day:,.0f} arrivals, for {money(plan.total_cost)} in all."
    )


def _shares_line(plan: RecoveryPlan) -> str:
    during = ", ".join(f"{t} {p:g}%" for t, p in plan.shares_during().items())
    before = ", ".join(f"{t} {p:g}%" for t, p in sorted(plan.shares.items()))
    return f"Shares during the recovery: {during} (now: {before})."


def _staffing_line(plan: RecoveryPlan) -> list[str]:
    lines = []
    if plan.staffing:
        teams = ", ".join(f"{t} at {100 * f:.0f}%" for t, f in sorted(plan.staffing.items()))
        lines.append(
            f"Spare capacity counts the staffing the actuals show: {teams} of planned hours."
        )
    if plan.aht_seconds is not None and plan.planned_aht_seconds is not None:
        lines.append(
            f"Items are counted at the {plan.aht_seconds:.1f} s the actuals show, not the "
            f"{plan.planned_aht_seconds:g} s planned."
        )
    return lines


def text(plan: RecoveryPlan) -> str:
    out = [headline(plan)]
    if plan.levers:
        out += ["", "Levers, cheapest first", *table(_LEVER_HEAD, _lever_rows(plan), _NUMERIC)]
    out += [f"Held back by {limit}." for limit in plan.limits]
    out += _staffing_line(plan)
    if plan.feasible:
        out += ["", _shares_line(plan)]
    out += ["", "Burn-down", *table(_DAY_HEAD, _day_rows(plan), _NUMERIC)]
    return "\n".join(out) + "\n"


def markdown(plan: RecoveryPlan) -> str:
    out = ["## Backlog recovery", "", f"**{headline(plan)}**", ""]
    if plan.levers:
        out += [
            "### Levers, cheapest first",
            "",
            *md_table(_LEVER_HEAD, _lever_rows(plan), _NUMERIC),
        ]
    notes = [f"Held back by {limit}." for limit in plan.limits] + _staffing_line(plan)
    out += ["", *notes] if notes else []
    if plan.feasible:
        out += ["", _shares_line(plan)]
    out += ["", "### Burn-down", "", *md_table(_DAY_HEAD, _day_rows(plan), _NUMERIC)]
    return "\n".join(out) + "\n"


def as_json(plan: RecoveryPlan) -> str:
    return json.dumps(plan.contract(), indent=2, ensure_ascii=False) + "\n"


def burn_down_chart(plan: RecoveryPlan) -> str:
    """The backlog left at the end of each day."""
    days = plan.burn_down()
    return line_chart(
        f"{plan.queue}: backlog burn-down to {plan.by.isoformat()}",
        f"Backlog left at the end of each day ({'feasible' if plan.feasible else 'short'})",
        [d.strftime("%d %b") for d, _ in days],
        [("backlog", BLUE, [left for _, left in days], None)],
        0.0,
        max(plan.backlog, 1.0),
    )


REPORTERS: Reporters[RecoveryPlan] = Reporters(
    "recovery", text=text, markdown=markdown, json=as_json
)
