"""Capacity figures as a planner reads them: text, Markdown, JSON and an SVG chart."""

from __future__ import annotations

import json

from qplan.capacity.backlog import Recovery
from qplan.capacity.figures import TOTALS, Capacity, QueueCapacity, TeamCapacity
from qplan.capacity.health import Health
from qplan.capacity.selection import CapacityView
from qplan.core.money import amount, money
from qplan.core.units import plural
from qplan.report.registry import Reporters
from qplan.views.capacity_chart import svg_chart
from qplan.views.tables import md_table, table

__all__ = ["as_json", "markdown", "summary_lines", "svg_chart", "text"]
from qplan.views.verdicts import (
    actuals_verdict,
    capacity_flags,
    exposure_lines,
    exposure_summary,
)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _queue_cells(q: QueueCapacity) -> list[str]:
    target = f"{q.target_sla_percent:g}% in {q.target_within}" if q.target_within else "-"
    state = "unstable" if not q.stable else ("below target" if q.meets_target is False else "")
    return [
        f"{q.queue} (draft)" if q.draft else q.queue,
        q.workflow,
        q.arrival,
        f"{q.weekly_volume:,.0f}",
        f"{q.required_fte:.1f}",
        target,
        _pct(q.projected_sla_percent),
        amount(q.cost_per_item),
        state,
    ]


_QUEUE_HEAD = [
    "queue",
    "workflow",
    "arrival",
    "items/week",
    "req. FTE",
    "SLA target",
    "projected",
    "cost/item",
    "verdict",
]
_TEAM_HEAD = [
    "team",
    "type",
    "vendor",
    "country",
    "headcount",
    "productive",
    "req. FTE",
    "utilisation",
    "cap",
    "weekly cost",
    "verdict",
]
#: what a narrow terminal leaves out of the team table first
_TEAM_OPTIONAL = ("fixed", "variable", "productive", "vendor")


def _billed(capacity: Capacity) -> bool:
    """Whether a team shown is billed per productive hour or per item."""
    return any(t.variable_weekly_cost for t in capacity.teams.values())


def _team_rows(capacity: Capacity) -> tuple[list[str], list[list[str]]]:
    """The team table; with the fixed and variable cost when a team is billed by use."""
    rows = [_team_cells(t) for _, t in sorted(capacity.teams.items())]
    if not _billed(capacity):
        return _TEAM_HEAD, rows
    head = [*_TEAM_HEAD[:-2], "fixed", "variable", *_TEAM_HEAD[-2:]]
    for row, (_, t) in zip(rows, sorted(capacity.teams.items()), strict=True):
        row[-2:-2] = [amount(t.fixed_weekly_cost), amount(t.variable_weekly_cost)]
    return head, rows


def _team_cells(t: TeamCapacity) -> list[str]:
    return [
        t.team,
        t.type,
        t.vendor or "-",
        t.country,
        f"{t.headcount_fte:g}",
        f"{t.available_fte:.1f}",
        f"{t.required_fte:.1f}",
        f"{t.utilisation_percent:.1f}%",
        f"{t.cap_percent:g}%",
        amount(t.weekly_cost),
        "over cap" if t.over_cap else "",
    ]


def _totals_rows(capacity: Capacity, by: str) -> tuple[list[str], list[list[str]]]:
    totals = capacity.totals(by)
    if by == "workflow":
        head = [by, "queues", "items/week", "required FTE", "weekly cost"]
        rows = [
            [
                k,
                f"{v['queues']:.0f}",
                f"{v['weekly_volume']:,.0f}",
                f"{v['required_fte']:.1f}",
                amount(v["weekly_cost"]),
            ]
            for k, v in totals.items()
        ]
    else:
        head = [by, "teams", "headcount", "required FTE", "weekly cost"]
        rows = [
            [
                k,
                f"{v['teams']:.0f}",
                f"{v['headcount_fte']:g}",
                f"{v['required_fte']:.1f}",
                amount(v["weekly_cost"]),
            ]
            for k, v in totals.items()
        ]
    return head, rows


def _recovery_lines(recoveries: list[Recovery]) -> list[str]:
    lines = []
    for r in recoveries:
        if r.feasible:
            assert r.days_to_recover is not None
            lines.append(
                f"{r.queue}: {r.backlog_items:,.0f} items clear in {r.days_to_recover:.1f} days "
                f"at current staffing ({r.spare_items_per_day:,.0f} spare items a day)"
            )
        else:
            lines.append(
                f"{r.queue}: {r.backlog_items:,.0f} items never clear at current staffing: "
                "capacity does not exceed arrivals"
            )
        lines.append(
            f"  to clear it in {r.recover_in_days:g} days: {r.extra_fte:.1f} extra FTE"
            if r.extra_fte > 0
            else f"  it clears within {r.recover_in_days:g} days with no extra FTE"
        )
    return lines


def _guardrail_lines(
    capacity: Capacity, guardrails: str | None, launches: str | None = None
) -> list[str]:
    exposure = exposure_summary(capacity)
    return [
        *([f"Guardrails: {guardrails}"] if guardrails else []),
        *([f"Exposure: {exposure}"] if exposure else []),
        *([launches] if launches else []),
    ]


def text(
    capacity: Capacity,
    recoveries: list[Recovery] | None = None,
    actuals: Health | None = None,
    guardrails: str | None = None,
    launches: str | None = None,
) -> str:
    """The verdict first (the plan's problems, or that every target holds; what the
    actuals say; the guardrails and exposure caps; the launches ahead; the totals), then
    the tables."""
    problems = capacity_flags(capacity)
    out = [plan_verdict(problems), *(f"! {p}" for p in problems)]
    if actuals is not None:
        out.append(actuals_verdict(actuals))
    out += _guardrail_lines(capacity, guardrails, launches)
    out += summary_lines(capacity)
    out += ["", "Queues"]
    queues = (_queue_cells(q) for _, q in sorted(capacity.queues.items()))
    out += table(_QUEUE_HEAD, queues, optional=("arrival", "workflow"))
    out += ["", "Teams", *table(*_team_rows(capacity), optional=_TEAM_OPTIONAL)]
    for by in ("workflow", "vendor", "country"):
        head, rows = _totals_rows(capacity, by)
        out += ["", f"Totals by {by}", *table(head, rows)]
    exposure = exposure_lines(capacity)
    if exposure:
        out += ["", "Exposure to sensitive content", *(f"  {line}" for line in exposure)]
    if recoveries:
        out += ["", "Backlog recovery", *_recovery_lines(recoveries)]
    return "\n".join(out) + "\n"


def plan_verdict(problems: list[str]) -> str:
    """The first line of a capacity report: whether the plan holds every target."""
    if not problems:
        return "The plan holds every target: projected SLA, utilisation and exposure caps."
    return f"The plan has {plural(len(problems), 'problem')}:"


def summary_lines(capacity: Capacity) -> list[str]:
    """The totals, each with its scope: the queues shown, and their teams' whole work."""
    total = {n: capacity.total(n) for n in TOTALS}
    drafts = sum(q.draft for q in capacity.queues.values())
    counted = len(capacity.queues) - drafts
    note = f" ({plural(drafts, 'draft queue')} shown, not counted)" if drafts else ""
    return [
        f"{plural(counted, 'queue')}{note}: {total['queue_required_fte']:.1f} FTE required, "
        f"queue cost {money(total['queue_weekly_cost'])} a week.",
        f"{plural(len(capacity.teams), 'team')} working them, all their queues: "
        f"{total['required_fte']:.1f} FTE required of {total['headcount_fte']:g} headcount, "
        + (
            f"team cost {money(total['weekly_cost'])} a week ("
            f"{money(capacity.total('fixed_weekly_cost'))} fixed, "
            f"{money(capacity.total('variable_weekly_cost'))} billed by use)."
            if _billed(capacity)
            else f"headcount cost {money(total['weekly_cost'])} a week."
        ),
    ]


def markdown(
    capacity: Capacity,
    recoveries: list[Recovery] | None = None,
    actuals: Health | None = None,
    guardrails: str | None = None,
    launches: str | None = None,
) -> str:
    """The verdict first, as in text (the plan's, what the actuals say, the guardrails and
    exposure caps, the launches ahead), then the tables."""
    problems = capacity_flags(capacity)
    out = ["## Capacity", "", f"**{plan_verdict(problems)}**", ""]
    if actuals is not None:
        out += [actuals_verdict(actuals), ""]  # our words and figures only: no escaping
    out += [f"{line}  " for line in _guardrail_lines(capacity, guardrails, launches)]
    out += [*(f"**{line}**  " for line in summary_lines(capacity)), ""]
    if problems:
        out += [f"- :warning: {p}" for p in problems] + [""]
    out += ["### Queues", ""]
    out += md_table(_QUEUE_HEAD, (_queue_cells(q) for _, q in sorted(capacity.queues.items())))
    out += ["", "### Teams", ""]
    out += md_table(*_team_rows(capacity))
    for by in ("workflow", "vendor", "country"):
        head, rows = _totals_rows(capacity, by)
        out += ["", f"### Totals by {by}", "", *md_table(head, rows)]
    exposure = exposure_lines(capacity)
    if exposure:
        out += ["", "### Exposure to sensitive content", "", *(f"- {x}" for x in exposure)]
    if recoveries:
        out += ["", "### Backlog recovery", "", *(f"- {x}" for x in _recovery_lines(recoveries))]
    return "\n".join(out) + "\n"


def as_json(capacity: Capacity, recoveries: list[Recovery] | None = None) -> str:
    document = capacity.contract()
    document["flags"] = capacity_flags(capacity)
    document["backlog_recovery"] = [r.contract() for r in recoveries or []]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- the chart --------------------------------------------------------------------------


REPORTERS: Reporters[CapacityView] = Reporters(
    "capacity",
    text=lambda view: text(
        view.capacity, view.recoveries, view.actuals, view.guardrails, view.launches
    ),
    markdown=lambda view: markdown(
        view.capacity, view.recoveries, view.actuals, view.guardrails, view.launches
    ),
    json=lambda view: as_json(view.capacity, view.recoveries),
)
