"""Capacity at a glance, as SVG: each team's utilisation against its occupancy cap, and each
queue's projected SLA against its target."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from qplan.capacity.figures import Capacity
from qplan.views.chart_style import BLUE, GREY, VERMILLION, focus_style, svg_root

_BAR = 16


_GAP = 6


_LABEL = 190


_PLOT = 420

_STYLE = focus_style("bar")


def svg_chart(capacity: Capacity) -> str:
    """Team utilisation against its cap, and each queue's projected SLA against its target.

    A self-contained SVG (an element tree: no script, no external resource, every text
    escaped) that the docs site draws inline. Each bar takes keyboard focus and carries its
    figure; one that misses is vermillion with a "!" after its figure, so that it is told by
    more than its colour.
    """
    teams = [t for _, t in sorted(capacity.teams.items())]
    queues = [q for _, q in sorted(capacity.queues.items()) if q.target_sla_percent is not None]
    bars: list[tuple[str, str, float, float, bool] | str] = [
        "Team utilisation (bar) and occupancy cap (line)"
    ]
    for t in teams:
        over = t.over_cap or t.utilisation_percent > t.cap_percent
        bars.append((t.team, "utilisation", t.utilisation_percent, t.cap_percent, over))
    bars.append("Queue projected SLA (bar) and target (line)")
    for q in queues:
        bad = q.meets_target is False or not q.stable
        value, target = q.projected_sla_percent or 0.0, q.target_sla_percent or 0.0
        bars.append((q.queue, "projected SLA", value, target, bad))
    width = _LABEL + _PLOT + 70
    height = 30 + sum(14 + 24 if isinstance(b, str) else _BAR + _GAP for b in bars) - 24 + 10
    label = "Capacity: team utilisation and queue SLA"
    svg = svg_root(width, height, label, _STYLE, font_size=12)
    ET.SubElement(svg, "rect", {"width": str(width), "height": str(height), "fill": "#ffffff"})
    y = 30
    for number, bar in enumerate(bars):
        if isinstance(bar, str):
            y += 24 if number else 0
            heading = ET.SubElement(svg, "text", {"x": "8", "y": str(y), "font-weight": "bold"})
            heading.text = bar
            y += 14
            continue
        _bar(svg, *bar, y)
        y += _BAR + _GAP
    return ET.tostring(svg, encoding="unicode") + "\n"


def _bar(
    svg: ET.Element, label: str, what: str, value: float, mark: float, bad: bool, y: int
) -> None:
    scale = _PLOT / 100
    shown = max(0.0, min(value, 100.0))
    x0 = _LABEL
    mark_x = x0 + min(mark, 100.0) * scale
    group = ET.SubElement(svg, "g", {"class": "bar", "tabindex": "0"})
    ET.SubElement(group, "title").text = f"{label}: {what} {value:.1f}% (line at {mark:g}%)" + (
        ", missed" if bad else ""
    )
    name = ET.SubElement(group, "text", {"x": str(x0 - 6), "y": str(y + 12), "text-anchor": "end"})
    name.text = label
    frame = {"x": str(x0), "y": str(y), "height": str(_BAR)}
    ET.SubElement(group, "rect", {**frame, "width": str(_PLOT), "fill": GREY})
    colour = VERMILLION if bad else BLUE
    ET.SubElement(group, "rect", {**frame, "width": f"{shown * scale:.1f}", "fill": colour})
    line = {"x1": f"{mark_x:.1f}", "x2": f"{mark_x:.1f}", "y1": str(y - 2), "y2": str(y + _BAR + 2)}
    ET.SubElement(group, "line", {**line, "stroke": "#111111", "stroke-width": "2"})
    figure = ET.SubElement(group, "text", {"x": str(x0 + _PLOT + 6), "y": str(y + 12)})
    figure.text = f"{value:.1f}%" + (" !" if bad else "")
