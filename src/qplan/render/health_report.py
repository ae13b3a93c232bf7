"""Health as a strategist reads it: text, Markdown, JSON and an attainment chart (SVG)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from xml.etree import ElementTree as ET

from qplan.capacity.health import Health, QueueHealth, Scorecard
from qplan.core.units import plural
from qplan.render.capacity_report import md_table, table

_QUEUE_HEAD = ["queue", "SLA", "target", "accuracy", "min", "volume", "AHT", "backlog", "status"]
_CARD_HEAD = ["handled", "SLA", "target", "accuracy", "min", "productivity", "staffed", "status"]
_NUMERIC = frozenset(
    {"SLA", "target", "accuracy", "min", "volume", "AHT", "backlog", "handled", "productivity"}
    | {"staffed"}
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
    staffed = card.staffing_vs_plan_percent
    return [
        card.name,
        f"{card.tally.handled:,.0f}",
        _pct(card.sla_attainment_percent),
        _pct(card.tally.sla_target_percent),
        _pct(card.accuracy_percent),
        _pct(card.tally.accuracy_target_percent),
        "-" if productivity is None else f"{productivity:.0f}%",
        "-" if staffed is None else f"{staffed:.0f}%",
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


def plan_note(q: QueueHealth, health: Health) -> dict[str, object]:
    """What a plan says of a queue it changes: whether it is missing its targets now (by
    the targets the plan leaves it with; ``qplan health`` gives the causes)."""
    figures = [f"SLA {_pct(q.sla_attainment_percent)} against {_pct(q.sla_target_percent)}"]
    if q.accuracy_target_percent is not None:
        figures.append(
            f"accuracy {_pct(q.accuracy_percent)} against {_pct(q.accuracy_target_percent)}"
        )
    period = f"{health.starts.isoformat()} to {health.ends.isoformat()}"
    if q.missed:
        # no causes here: they weigh the actuals against the plan, which this one changes
        summary = f"is missing its targets from {period}: {'; '.join(figures)}"
    else:
        summary = f"meets its targets from {period}: {'; '.join(figures)}"
    return {"queue": q.queue, "missed": q.missed, "summary": summary}


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
    from qplan.core.text import markdown_text

    out = ["## Health", "", f"**{_period(health)}.** {summary(health)}", "", "### Queues", ""]
    out += md_table(
        _QUEUE_HEAD, (_queue_cells(q) for _, q in sorted(health.queues.items())), _NUMERIC
    )
    causes = _cause_lines(health)
    if causes:
        out += ["", "### Misses and their causes", ""]
        out += [
            f"- {markdown_text(c)}" if not c.startswith(" ") else f"  - {markdown_text(c)}"
            for c in causes
        ]
    for title, cards in (("Teams", health.teams), ("Vendors", health.vendors)):
        if cards:
            head = [title[:-1].lower(), *_CARD_HEAD]
            rows = (_card_cells(c) for _, c in sorted(cards.items()))
            out += ["", f"### {title}", "", *md_table(head, rows, _NUMERIC)]
    return "\n".join(out) + "\n"


def as_json(health: Health) -> str:
    return json.dumps(health.contract(), indent=2, ensure_ascii=False) + "\n"


# --- charts ----------------------------------------------------------------------------

_W, _H = 560, 200
_LEFT, _TOP, _PLOT_W, _PLOT_H = 56, 28, 480, 130

#: one line of a chart: its name, colour, values (None: no point) and a dashed target
Series = tuple[str, str, list[float | None], float | None]


def line_chart(
    title: str,
    legend: str,
    labels: list[str],
    series: list[Series],
    low: float,
    high: float,
    unit: str = "",
) -> str:
    """A small self-contained SVG line chart (an element tree: no script, no external
    resource): one polyline per series over ``labels``, each point titled with its value."""
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(_W),
            "height": str(_H),
            "viewBox": f"0 0 {_W} {_H}",
            "role": "img",
            "aria-label": title,
            "font-family": "sans-serif",
            "font-size": "11",
        },
    )
    ET.SubElement(svg, "rect", {"width": str(_W), "height": str(_H), "fill": "#fff"})
    ET.SubElement(svg, "title").text = title
    span = high - low or 1.0
    count = len(labels)

    def y(value: float) -> str:
        return f"{_TOP + _PLOT_H * (high - value) / span:.1f}"

    def x(i: int) -> str:
        return f"{_LEFT + (_PLOT_W * i / (count - 1) if count > 1 else _PLOT_W / 2):.1f}"

    frame = {"x": str(_LEFT), "y": str(_TOP), "width": str(_PLOT_W), "height": str(_PLOT_H)}
    ET.SubElement(svg, "rect", {**frame, "fill": "none", "stroke": "#bbb"})
    for value in (low, (low + high) / 2, high):
        label = ET.SubElement(
            svg, "text", {"x": str(_LEFT - 6), "y": y(value), "text-anchor": "end"}
        )
        label.text = f"{value:,.4g}{unit}"
    for name, colour, values, target in series:
        if target is not None:
            line = {"x1": str(_LEFT), "x2": str(_LEFT + _PLOT_W), "y1": y(target), "y2": y(target)}
            ET.SubElement(svg, "line", {**line, "stroke": colour, "stroke-dasharray": "4 3"})
        drawn = [f"{x(i)},{y(v)}" for i, v in enumerate(values) if v is not None]
        if drawn:
            attributes = {"points": " ".join(drawn), "fill": "none", "stroke": colour}
            ET.SubElement(svg, "polyline", {**attributes, "stroke-width": "2"})
        for i, v in enumerate(values):
            if v is not None:
                dot = ET.SubElement(
                    svg, "circle", {"cx": x(i), "cy": y(v), "r": "3", "fill": colour}
                )
                ET.SubElement(dot, "title").text = f"{name}: {v:,.1f}{unit} ({labels[i]})"
    step = max(1, math.ceil(count / 8))
    for i in range(0, count, step):
        attributes = {"x": x(i), "y": str(_TOP + _PLOT_H + 16), "text-anchor": "middle"}
        ET.SubElement(svg, "text", attributes).text = labels[i]
    ET.SubElement(svg, "text", {"x": str(_LEFT), "y": "16"}).text = legend
    return ET.tostring(svg, encoding="unicode") + "\n"


def attainment_chart(q: QueueHealth) -> str:
    """SLA attainment and accuracy week by week, the targets dashed."""
    weeks = [w for w in q.weeks if w.tally.handled]
    sla = [w.tally.sla_attainment_percent for w in weeks]
    accuracy = [w.tally.accuracy_percent for w in weeks]
    values = [
        v
        for v in (*sla, *accuracy, q.sla_target_percent, q.accuracy_target_percent)
        if v is not None
    ]
    low = float(int(max(0.0, min([*values, 100.0]) - 5) // 5 * 5))
    return line_chart(
        f"{q.queue}: SLA attainment and accuracy by week",
        "SLA attainment (blue), accuracy (purple); dashed: targets",
        [w.starts.strftime("%d %b") for w in weeks],
        [
            ("SLA attainment", "#1f77b4", sla, q.sla_target_percent),
            ("accuracy", "#9467bd", accuracy, q.accuracy_target_percent),
        ],
        low,
        100.0,
        "%",
    )
