"""The week by interval of each profiled queue: text, Markdown, JSON and a heat map.

The JSON is a fixed contract (``format_version`` 1)::

    {"format_version": "1", "interval_minutes": 30, "queues": [{"queue", "profile",
     "timezone", "arrival", "required_agent_hours_per_week",
     "projected_service_level_percent", "intervals": [{"start": "mon 18:00", "volume",
     "aht_seconds", "required_agents", "on_duty_agents", "service_level_percent"}]}]}

``start`` is the weekday and time in the profile's time zone; ``required_agents`` is an
integer; ``service_level_percent`` is null in an interval without items (or for a queue
without a target).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree

from qplan.capacity.intervals import INTERVAL_MINUTES, WEEK_INTERVALS, interval_start
from qplan.capacity.staffing import Capacity, IntervalFigures, QueueCapacity
from qplan.core.calendar import WEEKDAYS
from qplan.core.text import markdown_text
from qplan.core.units import plural

PER_DAY = WEEK_INTERVALS // 7


def profiled(capacity: Capacity, queue: str | None = None) -> list[QueueCapacity]:
    """The queues planned by interval (all, or the one asked for), in id order."""
    return [
        q
        for qid, q in sorted(capacity.queues.items())
        if q.profiled and (queue is None or qid == queue)
    ]


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits) + 0.0


def queue_contract(q: QueueCapacity) -> dict[str, Any]:
    week = q.intervals
    assert week is not None
    return {
        "queue": q.queue,
        "profile": week.profile,
        "timezone": week.timezone,
        "arrival": q.arrival,
        "draft": q.draft,
        "required_agent_hours_per_week": _r(week.required_agent_hours),
        "projected_service_level_percent": _r(q.projected_sla_percent),
        "target_sla_percent": _r(q.target_sla_percent),
        "target_within": q.target_within,
        "min_agents": week.min_agents,
        "intervals": [
            {
                "start": interval_start(i),
                "volume": _r(week.volume[i]),
                "aht_seconds": _r(week.aht_seconds[i]),
                "required_agents": week.required_agents[i],
                "on_duty_agents": _r(week.on_duty_agents[i]),
                "service_level_percent": _r(week.service_level[i]),
            }
            for i in range(WEEK_INTERVALS)
        ],
    }


def as_json(queues: Iterable[QueueCapacity]) -> str:
    document = {
        "format_version": "1",
        "interval_minutes": INTERVAL_MINUTES,
        "queues": [queue_contract(q) for q in queues],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _level(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _summary(q: QueueCapacity) -> str:
    week = q.intervals
    assert week is not None
    target = (
        f"target {q.target_sla_percent:g}% in {q.target_within}"
        if q.target_sla_percent is not None
        else "no target"
    )
    short = len(week.understaffed())
    return (
        f"{q.queue} ({q.arrival}, profile {week.profile}, {week.timezone}): "
        f"{week.required_agent_hours:,.1f} agent-hours a week required; projected "
        f"{_level(q.projected_sla_percent)} ({target}); "
        f"{plural(short, 'half-hour')} short of agents"
    )


_HEAD = ["start", "volume", "AHT", "required", "on duty", "service level"]


def _rows(week: IntervalFigures) -> list[list[str]]:
    return [
        [
            interval_start(i),
            f"{week.volume[i]:,.1f}",
            f"{week.aht_seconds[i]:.0f}s",
            str(week.required_agents[i]),
            f"{week.on_duty_agents[i]:.1f}",
            _level(week.service_level[i]),
        ]
        for i in range(WEEK_INTERVALS)
    ]


def grid(week: IntervalFigures) -> list[str]:
    """The week as characters, a row a day and a column a half-hour: the agents required
    on a scale of 1 to 9 of the week's peak, ``!`` where fewer are on duty than the SLA
    needs, ``-`` where fewer than ``min_agents``, ``.`` where none are needed."""
    peak = max(week.required_agents, default=0)
    rows = ["      " + "".join(f"{h:02d}    " for h in range(0, 24, 3)).rstrip()]
    for day, name in enumerate(WEEKDAYS):
        cells = []
        for slot in range(PER_DAY):
            i = day * PER_DAY + slot
            required = week.required_agents[i]
            if week.short_for_sla(i):
                cells.append("!")
            elif week.short_of_minimum(i):
                cells.append("-")
            elif required <= 0:
                cells.append(".")
            else:
                cells.append(str(max(1, round(9 * required / peak))))
        rows.append(f"  {name} " + "".join(cells))
    return rows


def text(queues: list[QueueCapacity], flat: int) -> str:
    lines: list[str] = []
    for q in queues:
        assert q.intervals is not None
        lines.append(_summary(q))
        peak = max(q.intervals.required_agents, default=0)
        lines += [
            f"  agents required by half-hour, 1-9 of the peak of {peak} ('!' short for the "
            "SLA, '-' below min_agents):",
            *grid(q.intervals),
        ]
        rows = [_HEAD, *_rows(q.intervals)]
        widths = [max(len(r[c]) for r in rows) for c in range(len(_HEAD))]
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [
                cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
            ]
            lines.append("  " + "  ".join(cells).rstrip())
        lines.append("")
    lines.append(_closing(len(queues), flat))
    return "\n".join(lines) + "\n"


def _closing(shown: int, flat: int) -> str:
    line = f"{plural(shown, 'queue')} planned by the half-hour"
    if flat:
        line += (
            f"; {plural(flat, 'other queue')} without an arrival profile "
            "(planned on a flat week: give its forecast a profile to see it by interval)"
        )
    return line + "."


def markdown(queues: list[QueueCapacity], flat: int) -> str:
    lines: list[str] = []
    for q in queues:
        assert q.intervals is not None
        lines += [f"## {markdown_text(q.queue)}", "", markdown_text(_summary(q)), ""]
        lines.append("| " + " | ".join(_HEAD) + " |")
        lines.append("|---|" + "---:|" * (len(_HEAD) - 1))
        lines += ["| " + " | ".join(row) + " |" for row in _rows(q.intervals)]
        lines.append("")
    lines.append(_closing(len(queues), flat))
    return "\n".join(lines) + "\n"


# --- heat map ------------------------------------------------------------------------------

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
                f"service level {_level(week.service_level[i])}"
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
