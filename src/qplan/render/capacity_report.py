"""Capacity figures as a planner reads them: text, Markdown, JSON and an SVG chart."""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape

from qplan.capacity.staffing import TOTALS, Capacity, QueueCapacity, Recovery, TeamCapacity
from qplan.core.units import items_a_day, plural


def select(capacity: Capacity, workflow: str | None, team: str | None) -> Capacity:
    """Only the queues of ``workflow`` / worked by ``team``, and the teams that work them."""
    queues = {
        qid: q
        for qid, q in capacity.queues.items()
        if (workflow is None or q.workflow == workflow)
        and (team is None or any(s.team == team for s in q.shares))
    }
    working = {s.team for q in queues.values() for s in q.shares}
    teams = {
        tid: t
        for tid, t in capacity.teams.items()
        if (team is None or tid == team) and (workflow is None or tid in working)
    }
    return Capacity(queues, teams)


def flags(capacity: Capacity) -> list[str]:
    """One line per problem: a target out of reach, an unstable queue, a team over its cap."""
    lines = []
    for qid, q in sorted(capacity.queues.items()):
        if q.draft:
            continue
        if not q.stable:
            lines.append(
                f"queue {qid} is unstable: the backlog grows without bound, by "
                + items_a_day(q.backlog_growth_per_day)
            )
        elif q.meets_target is False:
            lines.append(
                f"queue {qid} cannot meet its target: {_pct(q.projected_sla_percent)} within "
                f"{q.target_within}, target {q.target_sla_percent:g}%"
            )
    for tid, t in sorted(capacity.teams.items()):
        if t.over_cap:
            why = (
                f"; handling fills {t.utilisation_percent:.0f}% of its productive hours, "
                "the rest is real-time agents on duty"
                if t.utilisation_percent <= t.cap_percent
                else ""
            )
            lines.append(
                f"team {tid} is over its cap: its queues need {t.required_fte:.1f} FTE at its "
                f"{t.cap_percent:g}% occupancy cap, it has {t.headcount_fte:g}{why}"
            )
        for e in t.exposure:
            if e.over:
                lines.append(
                    f"team {tid} is over exposure cap {e.guardrail}: "
                    f"{e.hours_per_agent_day:.1f} hours per agent-day on {e.sensitivity} "
                    f"queues, cap {e.cap_hours:g}"
                )
    for qid, q in sorted(capacity.queues.items()):
        realtime = q.arrival == "realtime" and q.target_sla_percent is not None
        if realtime and q.profiled and not q.draft and q.intervals is not None:
            short = len(q.intervals.understaffed())
            if short:
                lines.append(
                    f"queue {qid} is short of agents in {plural(short, 'half-hour')} of the week"
                )
    return lines


def exposure_lines(capacity: Capacity) -> list[str]:
    """Each team's hours on sensitive queues against each exposure cap."""
    return [
        f"{tid}: {e.hours_per_week:,.1f} hours a week on {e.sensitivity} queues, "
        f"{e.hours_per_agent_day:.2f} per agent-day (cap {e.cap_hours:g}, {e.guardrail}); "
        f"the cap and wellness breaks add {e.extra_fte:.1f} FTE"
        for tid, t in sorted(capacity.teams.items())
        for e in t.exposure
    ]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


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
        _money(q.cost_per_item),
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
    "",
]
_TEAM_HEAD = [
    "team",
    "type",
    "vendor",
    "country",
    "headcount",
    "available",
    "req. FTE",
    "utilisation",
    "cap",
    "weekly cost",
    "",
]


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
        row[-2:-2] = [_money(t.fixed_weekly_cost), _money(t.variable_weekly_cost)]
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
        _money(t.weekly_cost),
        "over cap" if t.over_cap else "",
    ]


_NUMERIC = {"items/week", "req. FTE", "projected", "cost/item", "headcount", "available"}
_NUMERIC |= {"utilisation", "cap", "weekly cost", "queues", "teams", "required FTE"}
_NUMERIC |= {"fixed", "variable"}


def table(
    head: list[str], rows: Iterable[list[str]], numeric: frozenset[str] | set[str] = _NUMERIC
) -> list[str]:
    """Aligned text columns: those named in ``numeric`` to the right."""
    rows = list(rows)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(w) if head[i] in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return [line(head), *(line(r) for r in rows)]


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
                _money(v["weekly_cost"]),
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
                _money(v["weekly_cost"]),
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


def text(capacity: Capacity, recoveries: list[Recovery] | None = None) -> str:
    out = ["Queues"]
    out += table(_QUEUE_HEAD, (_queue_cells(q) for _, q in sorted(capacity.queues.items())))
    out += ["", "Teams", *table(*_team_rows(capacity))]
    for by in ("workflow", "vendor", "country"):
        head, rows = _totals_rows(capacity, by)
        out += ["", f"Totals by {by}", *table(head, rows)]
    exposure = exposure_lines(capacity)
    if exposure:
        out += ["", "Exposure to sensitive content", *(f"  {line}" for line in exposure)]
    if recoveries:
        out += ["", "Backlog recovery", *_recovery_lines(recoveries)]
    problems = flags(capacity)
    out += [""]
    out += [f"! {p}" for p in problems]
    out += summary_lines(capacity)
    out.append(f"{len(problems)} problem(s)." if problems else "Every target holds.")
    return "\n".join(out) + "\n"


def summary_lines(capacity: Capacity) -> list[str]:
    """The totals, each with its scope: the queues shown, and their teams' whole work."""
    total = {n: capacity.total(n) for n in TOTALS}
    drafts = sum(q.draft for q in capacity.queues.values())
    counted = len(capacity.queues) - drafts
    note = f" ({plural(drafts, 'draft queue')} shown, not counted)" if drafts else ""
    return [
        f"{plural(counted, 'queue')}{note}: {total['queue_required_fte']:.1f} FTE required, "
        f"queue cost {_money(total['queue_weekly_cost'])} a week.",
        f"{plural(len(capacity.teams), 'team')} working them, all their queues: "
        f"{total['required_fte']:.1f} FTE required of {total['headcount_fte']:g} headcount, "
        + (
            f"team cost {_money(total['weekly_cost'])} a week ("
            f"{_money(capacity.total('fixed_weekly_cost'))} fixed, "
            f"{_money(capacity.total('variable_weekly_cost'))} billed by use)."
            if _billed(capacity)
            else f"headcount cost {_money(total['weekly_cost'])} a week."
        ),
    ]


def md_table(
    head: list[str], rows: Iterable[list[str]], numeric: frozenset[str] | set[str] = _NUMERIC
) -> list[str]:
    """A Markdown table: columns named in ``numeric`` aligned right; every cell inert
    (:func:`qplan.core.text.markdown_text`), names from the repository included."""
    from qplan.core.text import markdown_text as cell

    align = ["---:" if h in numeric else "---" for h in head]
    lines = ["| " + " | ".join(cell(h) for h in head) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return lines


def markdown(capacity: Capacity, recoveries: list[Recovery] | None = None) -> str:
    problems = flags(capacity)
    out = ["## Capacity", "", *(f"**{line}**  " for line in summary_lines(capacity)), ""]
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
    document["flags"] = flags(capacity)
    document["backlog_recovery"] = [r.contract() for r in recoveries or []]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- the chart --------------------------------------------------------------------------

_BAR = 16
_GAP = 6
_LABEL = 190
_PLOT = 420


def svg_chart(capacity: Capacity) -> str:
    """Team utilisation against its cap, and each queue's projected SLA against its target.

    A plain, self-contained SVG (no script, no external font) that the docs site embeds.
    """
    teams = [t for _, t in sorted(capacity.teams.items())]
    queues = [q for _, q in sorted(capacity.queues.items()) if q.target_sla_percent is not None]
    rows: list[str] = []
    y = 30
    rows.append(_heading("Team utilisation (bar) and occupancy cap (line)", y))
    y += 14
    for t in teams:
        over = t.over_cap or t.utilisation_percent > t.cap_percent
        rows.append(_bar(t.team, t.utilisation_percent, t.cap_percent, y, bad=over))
        y += _BAR + _GAP
    y += 24
    rows.append(_heading("Queue projected SLA (bar) and target (line)", y))
    y += 14
    for q in queues:
        rows.append(
            _bar(
                q.queue,
                q.projected_sla_percent or 0.0,
                q.target_sla_percent or 0.0,
                y,
                bad=q.meets_target is False or not q.stable,
            )
        )
        y += _BAR + _GAP
    width = _LABEL + _PLOT + 70
    height = y + 10
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" '
        'role="img" aria-label="Capacity: team utilisation and queue SLA">\n'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n'
        + "\n".join(rows)
        + "\n</svg>\n"
    )


def _heading(title: str, y: int) -> str:
    return f'<text x="8" y="{y}" font-weight="bold">{escape(title)}</text>'


def _bar(label: str, value: float, mark: float, y: int, *, bad: bool) -> str:
    scale = _PLOT / 100
    shown = max(0.0, min(value, 100.0))
    colour = "#c0392b" if bad else "#2e7d32"
    x0 = _LABEL
    mark_x = x0 + min(mark, 100.0) * scale
    return (
        f"<g><title>{escape(label)}: {value:.1f}% (line at {mark:g}%)</title>"
        f'<text x="{x0 - 6}" y="{y + 12}" text-anchor="end">{escape(label)}</text>'
        f'<rect x="{x0}" y="{y}" width="{_PLOT}" height="{_BAR}" fill="#eeeeee"/>'
        f'<rect x="{x0}" y="{y}" width="{shown * scale:.1f}" height="{_BAR}" fill="{colour}"/>'
        f'<line x1="{mark_x:.1f}" y1="{y - 2}" x2="{mark_x:.1f}" y2="{y + _BAR + 2}" '
        'stroke="#111111" stroke-width="2"/>'
        f'<text x="{x0 + _PLOT + 6}" y="{y + 12}">{value:.1f}%</text></g>'
    )
