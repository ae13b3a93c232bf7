"""What a change does to capacity, as a plan and a scenario both show it: each moved figure
before → after, the warnings, and the later phases of a changed allocation."""

from __future__ import annotations

from typing import Any

from qplan.core.money import money
from qplan.core.text import markdown_code, markdown_text

#: warnings and rows listed in Markdown before "and N more"
MAX_LISTED = 50


def _move(before: Any, after: Any, fmt: str, unit: str = "") -> str:
    def one(value: Any) -> str:
        return "-" if value is None else format(value, fmt) + unit

    return f"{one(before)} → {one(after)}"


def _cost_move(before: float | None, after: float | None) -> str:
    return f"{money(before)} → {money(after)}"


def impact_rows(impact: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(address, required FTE, projected SLA, utilisation, weekly cost) per moved figure."""
    rows = []
    for entry in impact.get("queues", []):
        old, new = entry["before"] or {}, entry["after"] or {}
        either = new or old
        sla = _move(old.get("projected_sla_percent"), new.get("projected_sla_percent"), ".1f", "%")
        if either.get("target_sla_percent") is not None:
            sla += f" (target {either['target_sla_percent']:g}% in {either['target_within']})"
        rows.append(
            (
                f"queue.{entry['queue']}",
                _move(old.get("required_fte"), new.get("required_fte"), ".1f"),
                sla if either.get("projected_sla_percent") is not None else "",
                "",
                _cost_move(old.get("weekly_cost"), new.get("weekly_cost")),
            )
        )
    for entry in impact.get("teams", []):
        old, new = entry["before"] or {}, entry["after"] or {}
        either = new or old
        use = _move(old.get("utilisation_percent"), new.get("utilisation_percent"), ".1f", "%")
        cost = ""
        if old.get("weekly_cost") != new.get("weekly_cost"):
            cost = _cost_move(old.get("weekly_cost"), new.get("weekly_cost"))
        rows.append(
            (
                f"team.{entry['team']}",
                _move(old.get("required_fte"), new.get("required_fte"), ".1f")
                + f" of {either['headcount_fte']:g}",
                "",
                f"{use} (cap {either['cap_percent']:g}%)",
                cost,
            )
        )
    totals = impact.get("totals")
    if totals:
        rows.append(
            (
                "total of the teams",
                _move(totals["required_fte"]["before"], totals["required_fte"]["after"], ".1f")
                + f" of {totals['headcount_fte']['after']:g}",
                "",
                "",
                _cost_move(totals["weekly_cost"]["before"], totals["weekly_cost"]["after"]),
            )
        )
        if "queue_weekly_cost" in totals:
            queue_fte, queue_cost = totals["queue_required_fte"], totals["queue_weekly_cost"]
            rows.append(
                (
                    "total of the queues",
                    _move(queue_fte["before"], queue_fte["after"], ".1f"),
                    "",
                    "",
                    _cost_move(queue_cost["before"], queue_cost["after"]),
                )
            )
    return rows


_IMPACT_HEAD = ("resource", "required FTE", "projected SLA", "utilisation", "weekly cost")


def _row_text(row: tuple[str, str, str, str, str]) -> str:
    named = zip(_IMPACT_HEAD[1:], row[1:], strict=True)
    return "; ".join(f"{name} {value}" for name, value in named if value)


def impact_text(impact: dict[str, Any]) -> list[str]:
    lines = []
    for row in impact_rows(impact):
        lines.append(f"  {row[0]}: " + _row_text(row))
    for warning in impact.get("warnings", []):
        lines.append(f"  ! {warning['address']} {warning['message']} ({warning['code']})")
    for phase in impact.get("phases", []):
        lines.append(f"  from {phase['from']}, when a phase of a changed allocation starts:")
        lines.extend(f"  {line}" for line in impact_text(phase))
    return lines


def impact_markdown(
    impact: dict[str, Any], limit: int = MAX_LISTED, rest: str = "see the JSON plan"
) -> list[str]:
    """An impact section as Markdown: a table of the moved figures (the first ``limit``
    rows and the totals), the warnings, and each later phase as a list."""
    lines = []
    rows = impact_rows(impact)
    if rows:
        lines.append("| " + " | ".join(_IMPACT_HEAD) + " |")
        lines.append("|---|---:|---:|---:|---:|")
    for row in rows[:limit] if len(rows) <= limit else [*rows[: limit - 1], rows[-1]]:
        cells = [markdown_code(row[0]), *(markdown_text(c) for c in row[1:])]
        lines.append("| " + " | ".join(cells) + " |")
    if len(rows) > limit:
        lines.append(f"\n_and {len(rows) - limit} more rows ({rest})_")
    if rows:
        lines.append("")
    for warning in impact.get("warnings", []):
        lines.append(
            f"- :warning: {markdown_code(warning['address'])} {markdown_text(warning['message'])} "
            f"({warning['code']})"
        )
    if impact.get("warnings"):
        lines.append("")
    for phase in impact.get("phases", []):
        lines += [f"From {phase['from']}, when a phase of a changed allocation starts:", ""]
        lines += [
            f"- {markdown_code(row[0])}: " + markdown_text(_row_text(row))
            for row in impact_rows(phase)
        ]
        lines += [
            f"- :warning: {markdown_code(w['address'])} {markdown_text(w['message'])} "
            f"({markdown_text(w['code'])})"
            for w in phase.get("warnings", [])
        ]
        lines.append("")
    return lines
