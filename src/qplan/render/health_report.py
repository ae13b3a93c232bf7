"""Health as a strategist reads it: text, Markdown, JSON and an attainment chart (SVG)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from xml.etree import ElementTree as ET

from qplan.capacity.health import Health, QueueHealth, Scorecard
from qplan.core.units import plural
from qplan.render.capacity_report import md_table, table

_QUEUE_HEAD = ["queue", "SLA", "target", "accuracy", "min", "volume", "AHT", "backlog", "status"]
_CARD_HEAD = ["handled", "SLA", "target", "accuracy", "min", "productivity", "status"]
_NUMERIC = frozenset(
    {"SLA", "target", "accuracy", "min", "volume", "AHT", "backlog", "handled", "productivity"}
)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _status(missed: bool, met: Iterable[bool | None]) -> str:
    if missed:
        return "MISSED"
    return "met" if any(m is not None for m in met) else "-"


def _queue_cells(q: QueueHealth) -> list[str]:
    volume = q.volume_vs_forecast_percent
    aht = q.aht_vs_plan_percent
    return [
        q.queue,
        _pct(q.sla_attainment_percent),
        _pct(q.sla_target_percent),
        _pct(q.accuracy_percent),
        _pct(q.accuracy_target_percent),
        "-" if volume is None else f"{volume:.0f}%",
        "-" if aht is None else f"{aht:.0f}%",
        f"{q.backlog_start:,.0f} → {q.backlog_end:,.0f}",
        _status(q.missed, (q.sla_met, q.accuracy_met)),
    ]


def _card_cells(card: Scorecard) -> list[str]:
    productivity = card.productivity_vs_plan_percent
    return [
        card.name,
        f"{card.tally.handled:,.0f}",
        _pct(card.sla_attainment_percent),
        _pct(card.tally.sla_target_percent),
        _pct(card.accuracy_percent),
        _pct(card.tally.accuracy_target_percent),
        "-" if productivity is None else f"{productivity:.0f}%",
        _status(card.missed, (card.sla_met, card.accuracy_met)),
    ]


def _cause_lines(health: Health) -> list[str]:
    lines = []
    for qid, q in sorted(health.queues.items()):
        if not q.missed:
            continue
        misses = []
        if q.sla_met is False:
            misses.append(
                f"SLA {_pct(q.sla_attainment_percent)} against {_pct(q.sla_target_percent)}"
            )
        if q.accuracy_met is False:
            misses.append(
                f"accuracy {_pct(q.accuracy_percent)} against {_pct(q.accuracy_target_percent)}"
            )
        lines.append(f"{qid}: {'; '.join(misses)}")
        if not q.causes:
            lines.append("  no cause found in the actuals: check the SLA clock and the routing")
        lines += [f"  {i}. {c.cause}: {c.evidence}" for i, c in enumerate(q.causes, 1)]
    return lines


def summary(health: Health) -> str:
    """One line: how many queues, teams and vendors missed a target."""
    counts = [
        (sum(q.missed for q in health.queues.values()), "queue"),
        (sum(t.missed for t in health.teams.values()), "team"),
        (sum(v.missed for v in health.vendors.values()), "vendor"),
    ]
    missed = [plural(n, noun) for n, noun in counts if n]
    if not missed:
        return f"Every target was met ({plural(len(health.queues), 'queue')})."
    return f"{', '.join(missed)} missed a target."


def _period(health: Health) -> str:
    days = (health.ends - health.starts).days + 1
    return f"{health.starts.isoformat()} to {health.ends.isoformat()} ({plural(days, 'day')})"


def text(health: Health) -> str:
    out = [f"Health from {_period(health)}", "", "Queues"]
    out += table(_QUEUE_HEAD, (_queue_cells(q) for _, q in sorted(health.queues.items())), _NUMERIC)
    causes = _cause_lines(health)
    if causes:
        out += ["", "Misses and their causes (largest first)", *causes]
    for title, cards in (("Teams", health.teams), ("Vendors", health.vendors)):
        if cards:
            head = [title[:-1].lower(), *_CARD_HEAD]
            out += [
                "",
                title,
                *table(head, (_card_cells(c) for _, c in sorted(cards.items())), _NUMERIC),
            ]
    out += ["", summary(health)]
    return "\n".join(out) + "\n"


def markdown(health: Health) -> str:
    out = ["## Health", "", f"**{_period(health)}.** {summary(health)}", "", "### Queues", ""]
    out += md_table(
        _QUEUE_HEAD, (_queue_cells(q) for _, q in sorted(health.queues.items())), _NUMERIC
    )
    causes = _cause_lines(health)
    if causes:
        out += ["", "### Misses and their causes", ""]
        out += [f"- {c}" if not c.startswith(" ") else f"  - {c.strip()}" for c in causes]
    for title, cards in (("Teams", health.teams), ("Vendors", health.vendors)):
        if cards:
            head = [title[:-1].lower(), *_CARD_HEAD]
            rows = (_card_cells(c) for _, c in sorted(cards.items()))
            out += ["", f"### {title}", "", *md_table(head, rows, _NUMERIC)]
    return "\n".join(out) + "\n"


def as_json(health: Health) -> str:
    return json.dumps(health.contract(), indent=2, ensure_ascii=False) + "\n"


# --- the chart --------------------------------------------------------------------------

_W, _H = 560, 200
_LEFT, _TOP, _PLOT_W, _PLOT_H = 48, 28, 490, 130


def attainment_chart(q: QueueHealth) -> str:
    """SLA attainment (and accuracy) week by week as lines, the targets dashed."""
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(_W),
            "height": str(_H),
            "viewBox": f"0 0 {_W} {_H}",
            "role": "img",
            "font-family": "sans-serif",
            "font-size": "11",
        },
    )
    ET.SubElement(svg, "title").text = f"{q.queue}: SLA attainment and accuracy by week"
    weeks = [w for w in q.weeks if w.tally.handled]
    values = [
        v
        for w in weeks
        for v in (w.tally.sla_attainment_percent, w.tally.accuracy_percent)
        if v is not None
    ]
    values += [v for v in (q.sla_target_percent, q.accuracy_target_percent) if v is not None]
    low = max(0.0, min([*values, 100.0]) - 5)
    low = float(int(low // 5 * 5))

    def y(value: float) -> float:
        return _TOP + _PLOT_H * (100 - value) / (100 - low) if low < 100 else _TOP

    def x(i: int) -> float:
        return _LEFT + (_PLOT_W * i / (len(weeks) - 1) if len(weeks) > 1 else _PLOT_W / 2)

    ET.SubElement(
        svg,
        "rect",
        {
            "x": str(_LEFT),
            "y": str(_TOP),
            "width": str(_PLOT_W),
            "height": str(_PLOT_H),
            "fill": "none",
            "stroke": "#bbb",
        },
    )
    for value in (low, (low + 100) / 2, 100.0):
        label = ET.SubElement(
            svg, "text", {"x": str(_LEFT - 6), "y": f"{y(value) + 4:.1f}", "text-anchor": "end"}
        )
        label.text = f"{value:g}%"
    series = (
        ("SLA", "#1f77b4", [w.tally.sla_attainment_percent for w in weeks], q.sla_target_percent),
        (
            "accuracy",
            "#9467bd",
            [w.tally.accuracy_percent for w in weeks],
            q.accuracy_target_percent,
        ),
    )
    for name, colour, points, target in series:
        if target is not None:
            ET.SubElement(
                svg,
                "line",
                {
                    "x1": str(_LEFT),
                    "x2": str(_LEFT + _PLOT_W),
                    "y1": f"{y(target):.1f}",
                    "y2": f"{y(target):.1f}",
                    "stroke": colour,
                    "stroke-dasharray": "4 3",
                },
            )
        drawn = [(x(i), y(v)) for i, v in enumerate(points) if v is not None]
        if drawn:
            ET.SubElement(
                svg,
                "polyline",
                {
                    "points": " ".join(f"{a:.1f},{b:.1f}" for a, b in drawn),
                    "fill": "none",
                    "stroke": colour,
                    "stroke-width": "2",
                },
            ).append(_title(f"{name} by week"))
        for i, v in enumerate(points):
            if v is not None:
                dot = ET.SubElement(
                    svg,
                    "circle",
                    {"cx": f"{x(i):.1f}", "cy": f"{y(v):.1f}", "r": "3", "fill": colour},
                )
                dot.append(_title(f"{name} {v:.1f}% in the week from {weeks[i].starts}"))
    for i, w in enumerate(weeks):
        if len(weeks) <= 8 or i % 2 == 0:
            label = ET.SubElement(
                svg,
                "text",
                {"x": f"{x(i):.1f}", "y": str(_TOP + _PLOT_H + 16), "text-anchor": "middle"},
            )
            label.text = w.starts.strftime("%d %b")
    legend = ET.SubElement(svg, "text", {"x": str(_LEFT), "y": "16"})
    legend.text = "SLA attainment (blue), accuracy (purple); dashed: targets"
    return ET.tostring(svg, encoding="unicode") + "\n"


def _title(text: str) -> ET.Element:
    element = ET.Element("title")
    element.text = text
    return element
