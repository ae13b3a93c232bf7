"""A profiled queue's week as a heat map: day × half-hour, shaded by the agents each
half-hour needs, with the figures in each cell's title."""

from __future__ import annotations

import functools
from typing import Any
from xml.etree import ElementTree

from qplan.capacity.figures import IntervalFigures, QueueCapacity
from qplan.capacity.intervals import WEEK_INTERVALS, interval_start
from qplan.core.calendar import WEEKDAYS
from qplan.views.chart_style import CHAR_W, GREY, ORANGE, VERMILLION, focus_style, svg_root

#: half-hours in a day
PER_DAY = WEEK_INTERVALS // 7


def service_level_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


_CELL_W = 14


_CELL_H = 18


_LEFT = 44


_TOP = 50


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


#: colours that stay apart for readers with a colour-vision deficiency (Okabe and Ito),
#: and a hatching where a half-hour is short, so that it never rests on colour alone
_NEARLY = ORANGE
_SHORT = VERMILLION
_IDLE = GREY
_STYLE = focus_style("cell") + "\ntext { fill: #222 }"


def heat_map(q: QueueCapacity) -> str:
    """Day × half-hour of the queue's week: each cell is shaded by the agents it needs
    (darker, more), orange or hatched red where fewer are on duty, with the figures in its
    title (shown on hover; each cell takes keyboard focus). Below, a grid a team working
    the queue: its headroom, the agents it has on duty beyond what all its queues ask.

    A self-contained SVG built as an element tree (no script, no external resource).
    """
    week = q.intervals
    assert week is not None
    peak = max(week.required_agents, default=0)
    width = _LEFT + PER_DAY * _CELL_W + 10
    grid_height = 7 * _CELL_H + 40
    legend_top = _TOP + grid_height * (1 + len(week.headroom))
    legend = _legend_rows(
        [
            (f"hsl(210, 65%, {_lightness(1, 1):.0f}%)", f"covered, {peak} needed (darkest)"),
            (f"hsl(210, 65%, {_lightness(0, 1):.0f}%)", "covered, few needed"),
            (_NEARLY, "nearly: 90%+ of the SLA's agents, or below min_agents"),
            ("url(#short)", "short for the SLA"),
            (_IDLE, "no items"),
            *(
                [
                    (f"hsl(170, 55%, {_lightness(1, 1):.0f}%)", "headroom: spare agents"),
                    ("url(#short)", "headroom: short"),
                    (_IDLE, "team off duty"),
                ]
                if week.headroom
                else []
            ),
        ],
        width,
    )
    height = legend_top + 18 * len(legend) + 8
    svg = svg_root(width, height, f"Agents required and on duty by half-hour: {q.queue}", _STYLE)
    defs = ElementTree.SubElement(svg, "defs")
    hatch = ElementTree.SubElement(
        defs,
        "pattern",
        {"id": "short", "width": "6", "height": "6", "patternUnits": "userSpaceOnUse"},
    )
    ElementTree.SubElement(hatch, "rect", {"width": "6", "height": "6", "fill": _SHORT})
    ElementTree.SubElement(
        hatch, "path", {"d": "M0,6 L6,0", "stroke": "#fff", "stroke-width": "1.5"}
    )
    ElementTree.SubElement(
        svg, "rect", {"width": str(width), "height": str(height), "fill": "#fff"}
    )

    def tip(i: int) -> str:
        return (
            f"{interval_start(i)}: {week.required_agents[i]} required, "
            f"{week.on_duty_agents[i]:.1f} on duty, {week.volume[i]:,.1f} items, "
            f"service level {service_level_text(week.service_level[i])}"
            + "".join(f"; {tid} headroom {spare[i]:+.1f}" for tid, spare in week.headroom)
        )

    _grid(
        svg,
        _TOP,
        f"Agents required, and on duty against them ({week.timezone})",
        lambda i: _colour(week, i, peak),
        tip,
    )
    for n, (tid, spare) in enumerate(week.headroom, start=1):
        most = max(max(spare), 1.0)

        def shade(i: int, spare: tuple[float, ...] = spare, most: float = most) -> str:
            if abs(spare[i]) <= 1e-9:
                return _IDLE
            if spare[i] < 0:
                return "url(#short)"
            return f"hsl(170, 55%, {_lightness(spare[i], most):.0f}%)"

        _grid(
            svg,
            _TOP + grid_height * n,
            f"Headroom of {tid}: agents on duty beyond what all its queues ask",
            shade,
            tip,
        )
    for row, items in enumerate(legend):
        y = legend_top + 18 * row + 10
        for x, colour, words in items:
            ElementTree.SubElement(
                svg,
                "rect",
                {"x": str(x), "y": str(y - 10), "width": "12", "height": "12", "fill": colour},
            )
            label = ElementTree.SubElement(svg, "text", {"x": str(x + 16), "y": str(y)})
            label.text = words
    return ElementTree.tostring(svg, encoding="unicode") + "\n"


def _lightness(value: float, most: float) -> float:
    """Lighter for less, from 88 % down to 33 %."""
    return 88 - 55 * (value / most if most else 0)


def _legend_rows(items: list[tuple[str, str]], width: int) -> list[list[tuple[int, str, str]]]:
    """The legend's items laid out left to right, starting a new row where the next one
    would pass the map's width: no label runs into the next."""
    rows: list[list[tuple[int, str, str]]] = [[]]
    x = _LEFT
    for colour, words in items:
        wide = 16 + round(len(words) * CHAR_W) + 18
        if rows[-1] and x + wide > width:
            rows.append([])
            x = _LEFT
        rows[-1].append((x, colour, words))
        x += wide
    return rows


def _grid(
    svg: ElementTree.Element,
    top: int,
    heading: str,
    colour: Any,
    tip: Any,
) -> None:
    """One day × half-hour grid under its heading, each cell focusable with its figures in
    its title."""
    title = ElementTree.SubElement(
        svg, "text", {"x": "4", "y": str(top - 18), "font-weight": "bold"}
    )
    title.text = heading
    for hour in range(0, 24, 3):
        label = ElementTree.SubElement(
            svg, "text", {"x": str(_LEFT + hour * 2 * _CELL_W), "y": str(top - 4)}
        )
        label.text = f"{hour:02d}"
    for day, name in enumerate(WEEKDAYS):
        label = ElementTree.SubElement(svg, "text", {"x": "4", "y": str(top + day * _CELL_H + 13)})
        label.text = name
        for slot in range(PER_DAY):
            i = day * PER_DAY + slot
            cell = ElementTree.SubElement(
                svg,
                "rect",
                {
                    "class": "cell",
                    "tabindex": "0",
                    "x": str(_LEFT + slot * _CELL_W),
                    "y": str(top + day * _CELL_H),
                    "width": str(_CELL_W - 1),
                    "height": str(_CELL_H - 1),
                    "fill": colour(i),
                },
            )
            ElementTree.SubElement(cell, "title").text = tip(i)


def _colour(week: IntervalFigures, i: int, peak: int) -> str:
    """Blue, darker the more agents the half-hour needs; hatched red where fewer are on duty
    than the SLA needs (orange within 10 % of it, or only below min_agents); grey without
    items or agents."""
    required = week.required_agents[i]
    if week.volume[i] <= 0 and required == 0:
        return _IDLE
    if week.short_for_sla(i):
        needed = week.needed_for_sla[i]
        return _NEARLY if week.on_duty_agents[i] >= 0.9 * needed else "url(#short)"
    if week.short_of_minimum(i):
        return _NEARLY
    return f"hsl(210, 65%, {_lightness(required, peak):.0f}%)"
