"""Line charts of figures over time (SLA attainment and accuracy by week, a backlog's
burn-down), as self-contained SVG."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from qplan.capacity.health import QueueHealth

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
