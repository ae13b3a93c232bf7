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

import json
from collections.abc import Iterable
from typing import Any

from qplan.capacity.figures import Capacity, IntervalFigures, QueueCapacity
from qplan.capacity.intervals import INTERVAL_MINUTES, WEEK_INTERVALS, interval_start
from qplan.capacity.selection import IntervalView
from qplan.core.calendar import WEEKDAYS
from qplan.core.text import markdown_text
from qplan.core.units import plural
from qplan.report.registry import Reporters
from qplan.views.heat_map import PER_DAY, heat_map, service_level_text

__all__ = ["as_json", "heat_map", "markdown", "profiled", "text"]


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
        f"{service_level_text(q.projected_sla_percent)} ({target}); "
        f"{plural(short, 'half-hour')} short of agents"
    )


def _peak_line(week: IntervalFigures) -> str:
    """The half-hour that needs the most agents (the first of them), with what is on duty
    then: the figure a strategist asks for first."""
    peak = max(range(WEEK_INTERVALS), key=lambda i: (week.required_agents[i], -i))
    required, on_duty = week.required_agents[peak], week.on_duty_agents[peak]
    headroom = "".join(f", {tid} {spare[peak]:+.1f}" for tid, spare in week.headroom)
    return (
        f"  peak: {interval_start(peak)}, {required} agents required, {on_duty:.1f} on duty "
        f"({on_duty - required:+.1f}), {service_level_text(week.service_level[peak])} in time"
        + (f"; teams' headroom:{headroom[1:]}" if headroom else "")
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
            service_level_text(week.service_level[i]),
        ]
        for i in range(WEEK_INTERVALS)
    ]


#: a character an agent count: 1–9, then a (10) to z (35)
GLYPHS = "0123456789abcdefghijklmnopqrstuvwxyz"


def grid_legend(peak: int) -> str:
    """What the grid's characters mean for a week of this peak."""
    if peak < len(GLYPHS):
        scale = "1-9, then a=10 to z=35" if peak > 9 else "1-9"
        return f"agents required by half-hour ({scale}; peak {peak})"
    return (
        f"agents required by half-hour, on a scale of 1 to z (35) of the peak of {peak} "
        f"(one step about {peak / (len(GLYPHS) - 1):.1f} agents)"
    )


def grid(week: IntervalFigures) -> list[str]:
    """The week as characters, a row a day and a column a half-hour: the agents required
    (exactly, up to 35; above, on a scale of 35 steps of the week's peak), ``!`` where
    fewer are on duty than the SLA needs, ``-`` where fewer than ``min_agents``, ``.``
    where none are needed."""
    peak = max(week.required_agents, default=0)
    top = len(GLYPHS) - 1
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
                step = required if peak <= top else max(1, round(top * required / peak))
                cells.append(GLYPHS[step])
        rows.append(f"  {name} " + "".join(cells))
    return rows


def text(queues: list[QueueCapacity], flat: int) -> str:
    lines: list[str] = []
    for q in queues:
        assert q.intervals is not None
        lines.append(_summary(q))
        lines.append(_peak_line(q.intervals))
        peak = max(q.intervals.required_agents, default=0)
        lines += [
            f"  {grid_legend(peak)}; '!' short for the SLA, '-' below min_agents:",
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


REPORTERS: Reporters[IntervalView] = Reporters(
    "intervals",
    text=lambda view: text(view.queues, view.flat),
    markdown=lambda view: markdown(view.queues, view.flat),
    json=lambda view: as_json(view.queues),
)
