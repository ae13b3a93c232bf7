"""Line charts of figures over time (SLA attainment and accuracy by week, a backlog's
burn-down), as self-contained SVG."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from qplan.capacity.health import QueueHealth
from qplan.views.chart_style import BLUE, CHAR_W, ORANGE, focus_style, svg_root

_W, _H = 560, 214


_LEFT, _TOP, _PLOT_W, _PLOT_H = 56, 42, 440, 130


#: one line of a chart: its name, colour, values (None: no point) and a dashed target
Series = tuple[str, str, list[float | None], float | None]

#: how each series of a chart is drawn besides its colour, so that lines stay apart for
#: readers with a colour-vision deficiency: the first solid with round points, the second
#: dashed with square ones
_STYLES = (("", "circle"), ("7 3", "square"))

_STYLE = focus_style("point")


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
    resource): one line per series over ``labels``, each with its own dash and marker, its
    target dotted and labelled at the right; a legend of swatches above the plot, which
    never overlaps it; each point titled with its value and taking keyboard focus."""
    svg = svg_root(_W, _H, title, _STYLE)
    ET.SubElement(svg, "rect", {"width": str(_W), "height": str(_H), "fill": "#fff"})
    ET.SubElement(svg, "title").text = title
    span = high - low or 1.0
    count = len(labels)

    def y(value: float) -> str:
        return f"{_TOP + _PLOT_H * (high - min(max(value, low), high)) / span:.1f}"

    def x(i: int) -> str:
        return f"{_LEFT + (_PLOT_W * i / (count - 1) if count > 1 else _PLOT_W / 2):.1f}"

    frame = {"x": str(_LEFT), "y": str(_TOP), "width": str(_PLOT_W), "height": str(_PLOT_H)}
    ET.SubElement(svg, "rect", {**frame, "fill": "none", "stroke": "#bbb"})
    for value in (low, (low + high) / 2, high):
        label = ET.SubElement(
            svg, "text", {"x": str(_LEFT - 6), "y": y(value), "text-anchor": "end"}
        )
        label.text = f"{value:,.4g}{unit}"
    ET.SubElement(svg, "text", {"x": str(_LEFT), "y": "14"}).text = legend
    key_x = _LEFT
    for n, (name, colour, values, target) in enumerate(series):
        dash, marker = _STYLES[n % len(_STYLES)]
        stroke = {
            "stroke": colour,
            "stroke-width": "2",
            **({"stroke-dasharray": dash} if dash else {}),
        }
        ET.SubElement(
            svg, "line", {"x1": str(key_x), "x2": str(key_x + 22), "y1": "28", "y2": "28", **stroke}
        )
        ET.SubElement(svg, "text", {"x": str(key_x + 26), "y": "32"}).text = name
        key_x += 26 + round(len(name) * CHAR_W) + 18
        if target is not None:
            line = {"x1": str(_LEFT), "x2": str(_LEFT + _PLOT_W), "y1": y(target), "y2": y(target)}
            ET.SubElement(svg, "line", {**line, "stroke": colour, "stroke-dasharray": "2 3"})
            mark = {"x": str(_LEFT + _PLOT_W + 4), "y": f"{float(y(target)) + 4:.1f}"}
            ET.SubElement(svg, "text", {**mark, "fill": colour}).text = f"{target:g}{unit}"
        drawn = [f"{x(i)},{y(v)}" for i, v in enumerate(values) if v is not None]
        if drawn:
            attributes = {"points": " ".join(drawn), "fill": "none", **stroke}
            ET.SubElement(svg, "polyline", attributes)
        for i, v in enumerate(values):
            if v is None:
                continue
            shape = (
                {"cx": x(i), "cy": y(v), "r": "3.5"}
                if marker == "circle"
                else {
                    "x": f"{float(x(i)) - 3.5:.1f}",
                    "y": f"{float(y(v)) - 3.5:.1f}",
                    "width": "7",
                    "height": "7",
                }
            )
            dot = ET.SubElement(
                svg,
                marker if marker == "circle" else "rect",
                {**shape, "fill": colour, "class": "point", "tabindex": "0"},
            )
            ET.SubElement(dot, "title").text = f"{name}: {v:,.1f}{unit} ({labels[i]})"
    step = max(1, math.ceil(count / 8))
    for i in range(0, count, step):
        attributes = {"x": x(i), "y": str(_TOP + _PLOT_H + 16), "text-anchor": "middle"}
        ET.SubElement(svg, "text", attributes).text = labels[i]
    return ET.tostring(svg, encoding="unicode") + "\n"


def attainment_floor(queues: list[QueueHealth]) -> float:
    """The bottom of the y-axis that every queue's chart on one page shares: 5 points below
    the lowest figure or target of any of them, on a multiple of 5."""
    values = [
        v
        for q in queues
        for v in (
            *(w.tally.sla_attainment_percent for w in q.weeks if w.tally.handled),
            *(w.tally.accuracy_percent for w in q.weeks if w.tally.handled),
            q.sla_target_percent,
            q.accuracy_target_percent,
        )
        if v is not None
    ]
    return float(int(max(0.0, min([*values, 100.0]) - 5) // 5 * 5))


def attainment_chart(q: QueueHealth, low: float | None = None) -> str:
    """SLA attainment and accuracy week by week, the targets dotted; ``low``, the bottom of
    the y-axis (the same for the queues of one page), else this queue's own."""
    weeks = [w for w in q.weeks if w.tally.handled]
    sla = [w.tally.sla_attainment_percent for w in weeks]
    accuracy = [w.tally.accuracy_percent for w in weeks]
    return line_chart(
        f"{q.queue}: SLA attainment and accuracy by week",
        "By week; dotted: the targets",
        [w.starts.strftime("%d %b") for w in weeks],
        [
            ("SLA attainment", BLUE, sla, q.sla_target_percent),
            ("accuracy", ORANGE, accuracy, q.accuracy_target_percent),
        ],
        attainment_floor([q]) if low is None else low,
        100.0,
        "%",
    )
