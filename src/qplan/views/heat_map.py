"""A profiled queue's week as a heat map: day × half-hour, shaded by the agents each
half-hour needs, with the figures in each cell's title."""

from __future__ import annotations

import functools
from typing import Any
from xml.etree import ElementTree

from qplan.capacity.figures import IntervalFigures, QueueCapacity
from qplan.capacity.intervals import WEEK_INTERVALS, interval_start
from qplan.core.calendar import WEEKDAYS

#: half-hours in a day
PER_DAY = WEEK_INTERVALS // 7


def service_level_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


_CELL_W = 14


_CELL_H = 18


_LEFT = 44


_TOP = 34


@functools.cache
def _drawing_digest() -> Any:
    """A digest of this module's code (read once, not once a heat map)."""
    import hashlib
    from pathlib import Path

    return hashlib.sha256(Path(__file__).read_bytes())


def heat_map_key(q: QueueCapacity) -> str:
    """A digest of everything :func:`heat_map` draws from (and of its code), for a memo."""
    import pickle

    digest = _drawing_digest().copy()
    # the figures' exact bits, written by the C pickler (their repr took 0.5 ms a queue)
    digest.update(pickle.dumps((q.queue, q.intervals), protocol=5))
    return str(digest.hexdigest())


def heat_map(q: QueueCapacity) -> str:
    """Day × half-hour of the queue's week: each cell is shaded by the agents it needs
    (darker, more), yellow or red where fewer are on duty, with the figures in its title.

    A self-contained SVG built as an element tree (no script, no external resource).
    """
    week = q.intervals
    assert week is not None
    peak = max(week.required_agents, default=0)
    hours = PER_DAY // 2
    width = max(_LEFT + hours * _CELL_W * 2 + 10, _LEFT + 5 * 130)
    height = _TOP + 7 * _CELL_H + 34
    svg = ElementTree.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "font-family": "sans-serif",
            "font-size": "11",
            "role": "img",
            "aria-label": f"Agents required and on duty by half-hour: {q.queue}",
        },
    )
    ElementTree.SubElement(
        svg, "rect", {"width": str(width), "height": str(height), "fill": "#fff"}
    )
    title = ElementTree.SubElement(svg, "text", {"x": "4", "y": "14", "font-weight": "bold"})
    title.text = f"Agents on duty against required ({week.timezone})"
    for hour in range(0, 24, 3):
        label = ElementTree.SubElement(
            svg, "text", {"x": str(_LEFT + hour * 2 * _CELL_W), "y": str(_TOP - 4)}
        )
        label.text = f"{hour:02d}"
    for day, name in enumerate(WEEKDAYS):
        label = ElementTree.SubElement(svg, "text", {"x": "4", "y": str(_TOP + day * _CELL_H + 13)})
        label.text = name
        for slot in range(PER_DAY):
            i = day * PER_DAY + slot
            cell = ElementTree.SubElement(
                svg,
                "rect",
                {
                    "x": str(_LEFT + slot * _CELL_W),
                    "y": str(_TOP + day * _CELL_H),
                    "width": str(_CELL_W - 1),
                    "height": str(_CELL_H - 1),
                    "fill": _colour(week, i, peak),
                },
            )
            tip = ElementTree.SubElement(cell, "title")
            tip.text = (
                f"{interval_start(i)}: {week.required_agents[i]} required, "
                f"{week.on_duty_agents[i]:.1f} on duty, {week.volume[i]:,.1f} items, "
                f"service level {service_level_text(week.service_level[i])}"
            )
    legend_y = _TOP + 7 * _CELL_H + 18
    for n, (colour, words) in enumerate(
        (
            ("hsl(210, 65%, 80%)", "covered, few needed"),
            ("hsl(210, 65%, 33%)", f"covered, {peak} needed"),
            ("#f1c40f", "nearly: 90%+ or min_agents"),
            ("#c0392b", "short for the SLA"),
            ("#dddddd", "no items"),
        )
    ):
        x = _LEFT + n * 130
        ElementTree.SubElement(
            svg,
            "rect",
            {"x": str(x), "y": str(legend_y - 10), "width": "12", "height": "12", "fill": colour},
        )
        label = ElementTree.SubElement(svg, "text", {"x": str(x + 16), "y": str(legend_y)})
        label.text = words
    return ElementTree.tostring(svg, encoding="unicode") + "\n"


def _colour(week: IntervalFigures, i: int, peak: int) -> str:
    """Blue, darker the more agents the half-hour needs; red where fewer are on duty than
    the SLA needs (yellow within 10 % of it, or only below min_agents); grey without items
    or agents."""
    required = week.required_agents[i]
    if week.volume[i] <= 0 and required == 0:
        return "#dddddd"
    if week.short_for_sla(i):
        needed = week.needed_for_sla[i]
        return "#f1c40f" if week.on_duty_agents[i] >= 0.9 * needed else "#c0392b"
    if week.short_of_minimum(i):
        return "#f1c40f"
    lightness = 88 - 55 * (required / peak if peak else 0)
    return f"hsl(210, 65%, {lightness:.0f}%)"
