"""Capacity at a glance, as SVG: each team's utilisation against its occupancy cap, and each
queue's projected SLA against its target."""

from __future__ import annotations

from html import escape

from qplan.capacity.figures import Capacity

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
