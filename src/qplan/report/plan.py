"""A plan for people: text for a terminal, Markdown for a pull-request comment.

The JSON form is :meth:`qplan.plan.plan.Plan.contract`. Both human forms group the
changes by workflow and end with the one summary line; the Markdown form fits
GitHub's comment limit by splitting into numbered parts, the first of which
always carries the whole summary.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from typing import Any

from qplan.core.text import markdown_code, markdown_text
from qplan.core.units import plural
from qplan.plan.fields import FieldChange
from qplan.plan.plan import Plan, ResourceChange
from qplan.plan.resources import ORGANISATION_GROUP
from qplan.views.impact import MAX_LISTED, impact_markdown, impact_text

#: GitHub refuses comments longer than 65,536 characters; parts keep a margin for their header
COMMENT_LIMIT = 65_536
_SIGNS = {"create": "+", "update": "~", "delete": "-"}


def value_text(value: Any) -> str:
    """A field value as a reviewer reads it: JSON, whole numbers without ``.0``."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(", ", ": "))


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value


def _flatten(fields: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in fields.items():
        if isinstance(value, dict) and value:
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def enqueue_line(change: ResourceChange) -> str:
    """What a change of a training case set does to the training queue."""
    before = set((change.before or {}).get("item_ids", []))
    after = set((change.after or {}).get("item_ids", []))
    if change.action == "delete":
        return f"remove the {len(before)} enqueued training cases"
    new, removed = len(after - before), len(before - after)
    path = (change.after or {}).get("path", "")
    line = f"enqueue {len(after)} training cases ({new} new, {removed} removed) from {path}"
    if change.action == "update" and not new and not removed:
        line += "; cases changed in place (decision, policy version or note)"
    return line


def forecast_line(change: ResourceChange) -> str:
    """A forecast CSV's week in a line: the shape it gives its profile (the busiest
    half-hour's share of the week) and the items in the file."""
    from qplan.capacity.intervals import STEPS_PER_INTERVAL, interval_start

    def week(fields: dict[str, Any] | None) -> tuple[str, float] | None:
        volumes = (fields or {}).get("volumes")
        if not isinstance(volumes, list) or not volumes or sum(volumes) <= 0:
            return None
        halves = [
            sum(volumes[i : i + STEPS_PER_INTERVAL])
            for i in range(0, len(volumes), STEPS_PER_INTERVAL)
        ]
        busiest = max(range(len(halves)), key=lambda i: (halves[i], -i))
        share = 100 * halves[busiest] / sum(volumes)
        return f"{interval_start(busiest)} with {share:.1f}% of the week", sum(volumes)

    before, after = week(change.before), week(change.after)
    path = (change.after or change.before or {}).get("path", "")
    if change.action == "delete" or after is None:
        return f"forecast from {path} removed"
    line = f"forecast from {path}: busiest half-hour {after[0]}; {after[1]:,.0f} items in the file"
    if change.action == "update" and before is not None:
        line += f" (was {before[0]}; {before[1]:,.0f} items)"
    return line


def change_lines(change: ResourceChange, *, text_diffs: bool = True) -> list[str]:
    """The body of one change, without the address line, unindented; a changed text (a
    rendered SOP) as its diff, or as a count of lines (``text_diffs`` False)."""
    if change.kind == "cases":
        return [enqueue_line(change)]
    if change.kind == "forecast":
        return [forecast_line(change)]
    if change.action == "delete":
        return []
    if change.action == "create":
        assert change.after is not None
        lines = []
        for path, value in _flatten(change.after):
            if path == "phases":
                lines += ["phases (staged rollout):", *(f"  {p}" for p in _phases(value))]
            else:
                lines.append(_field_line(path, None, value, create=True))
        return lines
    lines = []
    for f in change.fields:
        if f.path == "phases":
            old, new = _phases(f.before), _phases(f.after)
            lines.append("phases (staged rollout):")
            lines += [f"  - {p}" for p in old if p not in new]
            lines += [f"  + {p}" for p in new if p not in old]
        elif (_is_text(f.before) or _is_text(f.after)) and not text_diffs:
            diff = text_diff(f)
            added = sum(line.startswith("+") for line in diff)
            removed = sum(line.startswith("-") for line in diff)
            lines.append(
                f"{f.path}: text changed, {plural(added, 'line')} added and {removed} removed "
                "(--sop-diff shows them)"
            )
        elif _is_text(f.before) or _is_text(f.after):
            lines.append(f"{f.path}: text changed")
            lines.extend(f"  {line}" for line in text_diff(f))
        else:
            line = _field_line(f.path, f.before, f.after, create=False)
            if f.path == "status" and f.after == "live":
                line += " (goes live)"
            lines.append(line)
    if change.kind == "queue":
        lines.extend(_lifecycle_lines(change))
    return lines


def _lifecycle_lines(change: ResourceChange) -> list[str]:
    """What a queue's update means for the people who work it."""
    before, after = change.before or {}, change.after or {}
    lines = []
    changed = {f.path for f in change.fields}
    if before.get("status") == "live" and changed & {"policy", "template"}:
        lines.append(
            "retraining needed: the training queue and its case set move to "
            f"{after.get('policy')} and {after.get('template')} in this plan"
        )
    if after.get("status") == "retired" and before.get("status") != "retired":
        volume = (before.get("forecast") or {}).get("weekly_volume", 0)
        if after.get("migrate_to"):
            lines.append(f"moves {volume:g} items a week to {after['migrate_to']}")
    return lines


def _phases(value: Any) -> list[str]:
    """An allocation's phases as schedule lines: ``from 2026-12-01: a 60%, b 40%``."""
    lines = []
    for phase in value or []:
        line = f"from {phase['from']}: " + ", ".join(
            f"{team} {share:g}%" for team, share in phase["shares"].items()
        )
        recovery = phase.get("recovery")
        if isinstance(recovery, dict):
            line += (
                f" (recovery of {recovery.get('backlog', 0):,} items by {recovery.get('clear_by')})"
            )
        lines.append(line)
    return lines


def _field_line(path: str, before: Any, after: Any, *, create: bool) -> str:
    if _is_text(after):
        return f"{path}: text, {len(str(after).splitlines())} lines"
    if create:
        return f"{path}: {value_text(after)}"
    return f"{path}: {value_text(before)} → {value_text(after)}"


def text_diff(change: FieldChange) -> list[str]:
    before = str(change.before or "").splitlines()
    after = str(change.after or "").splitlines()
    diff = difflib.unified_diff(before, after, "before", "after", lineterm="", n=2)
    return list(diff)[2:]  # no ---/+++ header: the field path names it


def group_title(group: str) -> str:
    return group if group != ORGANISATION_GROUP else "organisation (policies, teams, guardrails)"


def _base_line(plan: Plan) -> str:
    source = "" if plan.origin == "repository" else f" ({plan.origin})"
    if plan.base.serial == 0:
        return f"Plan{source} against an empty state."
    return f"Plan{source} against state serial {plan.base.serial} (lineage {plan.base.lineage})."


# --- capacity impact ---------------------------------------------------------------------


# --- text ----------------------------------------------------------------------------------


def text(plan: Plan, *, text_diffs: bool = True) -> str:
    """The plan for a terminal, uncoloured (a terminal's colours are added where it is
    printed: :func:`qplan.report.terminal.paint`)."""
    out = [_base_line(plan), ""]
    for group, changes in plan.groups().items():
        out.append(group_title(group))
        for change in changes:
            sign = _SIGNS[change.action]
            out.append(f"  {sign} {change.address}")
            out.extend(f"      {line}" for line in change_lines(change, text_diffs=text_diffs))
        out.append("")
    if plan.risks:
        out.append("Risky changes (approval needed):")
        for risk in plan.risks:
            out.append(f"  ! {risk.address} {risk.message}")
            if risk.approvers:
                out.append(f"      approval: {', '.join(risk.approvers)}")
        out.append("")
    if plan.approvals:
        out.append("Approvals needed:")
        for entry in plan.approvals:
            out.append(f"  {entry['approver']}: {'; '.join(entry['reasons'])}")
        out.append("")
    if plan.impact:
        out.append("Capacity impact:")
        out.extend(impact_text(plan.impact))
        out.append("")
    if plan.health:
        out.append("Current health of the queues it changes (from the actuals):")
        out.extend(f"  ! queue.{h['queue']} {h['summary']}" for h in plan.health if h["missed"])
        out.append(f"  {_health_tail(plan.health)}")
        out.append("")
    if plan.actuals is not None:
        out += [f"Actuals: {_actuals_line(plan.actuals)}", ""]
    warnings = plan.diagnostics
    if warnings:
        out.append("Warnings:")
        out.extend(f"  {d.render()}" for d in warnings)
        out.append("")
    out.append(plan.summary_line())
    return "\n".join(out) + "\n"


# --- Markdown ------------------------------------------------------------------------------


def markdown_parts(plan: Plan, *, limit: int = COMMENT_LIMIT) -> list[str]:
    """The plan as one or more comments, each at most ``limit`` characters."""
    budget = limit - 600
    summary = _markdown_summary(plan)
    blocks = [block for group in plan.groups() for block in _group_blocks(plan, group, budget)]
    parts: list[list[str]] = [[summary]]
    size = len(summary)
    for block in blocks:
        if size + len(block) > budget:
            parts.append([])
            size = 0
        parts[-1].append(block)
        size += len(block)
    count = len(parts)
    rendered = []
    for number, chunks in enumerate(parts, start=1):
        head = "" if count == 1 else f"<!-- qplan plan part {number} of {count} -->\n"
        if number > 1:
            head += f"### qplan plan, part {number} of {count}\n\n"
        body = head + "".join(chunks)
        if count > 1 and number == 1:
            rest = "part 2" if count == 2 else f"parts 2 to {count}"
            body += f"\n_The details continue in {rest}._\n"
        rendered.append(body)
    return rendered


def _markdown_summary(plan: Plan) -> str:
    lines = ["### qplan plan", "", f"**{plan.summary_line()}**", ""]
    lines.append(f"{_base_line(plan)} Checksum `{plan.checksum[:12]}`.")
    lines.append("")
    if plan.changes:
        lines += ["| workflow | create | update | delete |", "|---|---:|---:|---:|"]
        for group, changes in plan.groups().items():
            counts = {a: sum(c.action == a for c in changes) for a in _SIGNS}
            lines.append(
                f"| {markdown_text(group_title(group))} | {counts['create']} | {counts['update']} "
                f"| {counts['delete']} |"
            )
        lines.append("")
    if plan.risks:
        lines += ["#### :warning: Risky changes (approval needed)", ""]
        for risk in plan.risks[:MAX_LISTED]:
            approvers = markdown_text(", ".join(risk.approvers)) or "no owner named"
            address = markdown_code(risk.address)
            lines.append(f"- {address} {markdown_text(risk.message)} — approval: {approvers}")
        if len(plan.risks) > MAX_LISTED:
            lines.append(f"- and {len(plan.risks) - MAX_LISTED} more (see the saved plan)")
        lines.append("")
    if plan.approvals:
        lines += ["#### Approvals needed", ""]
        for entry in plan.approvals[:MAX_LISTED]:
            why = markdown_text("; ".join(entry["reasons"]))
            lines.append(f"- [ ] {markdown_text(entry['approver'])}: {why}")
        if len(plan.approvals) > MAX_LISTED:
            lines.append(f"- and {len(plan.approvals) - MAX_LISTED} more (see the JSON plan)")
        lines.append("")
    if plan.impact:
        lines += ["#### Capacity impact", ""]
        lines += impact_markdown(plan.impact)
    if plan.health:
        lines += ["#### Current health of the queues it changes", ""]
        missed = [h for h in plan.health if h["missed"]]
        for h in missed[:MAX_LISTED]:
            queue = str(h["queue"]).replace("`", "")
            lines.append(f"- :x: {markdown_code('queue.' + queue)} {markdown_text(h['summary'])}")
        if len(missed) > MAX_LISTED:
            lines.append(f"- and {len(missed) - MAX_LISTED} more (see the JSON plan)")
        lines += [_health_tail(plan.health), ""]
    if plan.actuals is not None:
        lines += [f"Actuals: {markdown_text(_actuals_line(plan.actuals))}", ""]
    if plan.diagnostics:
        lines += ["#### Warnings", ""]
        for d in plan.diagnostics[:MAX_LISTED]:
            place = markdown_code(f"{d.file}:{d.line}:{d.column}")
            lines.append(f"- {place} {d.code} {markdown_text(d.message)}")
        if len(plan.diagnostics) > MAX_LISTED:
            lines.append(f"- and {len(plan.diagnostics) - MAX_LISTED} more")
        lines.append("")
    return "\n".join(lines) + "\n"


def _health_tail(health: list[dict[str, Any]]) -> str:
    """How many of the changed queues with actuals miss their targets, in one line."""
    from qplan.core.units import plural

    missed = sum(1 for h in health if h["missed"])
    return (
        f"{plural(len(health), 'changed queue')} with actuals: {missed or 'none'} missing targets."
    )


def _group_blocks(plan: Plan, group: str, budget: int) -> Iterator[str]:
    """One collapsible section per workflow; a section larger than a comment is cut at
    resource boundaries into several sections."""
    changes = plan.groups()[group]
    title = group_title(group)
    counts = {a: sum(c.action == a for c in changes) for a in _SIGNS}
    label = ", ".join(f"{n} to {a}" for a, n in counts.items() if n)
    chunk: list[str] = []
    size = 0
    continued = False
    for change in changes:
        lines = [f"{_SIGNS[change.action]} {change.address}"]
        lines += [f"    {line}" for line in change_lines(change)]
        text_block = "\n".join(lines) + "\n"
        if len(text_block) > budget - 300:  # one enormous resource: cut its lines
            text_block = text_block[: budget - 400] + "\n    … (cut; see the saved plan)\n"
        if chunk and size + len(text_block) > budget - 300:
            yield _details(title, label, chunk, continued)
            chunk, size, continued = [], 0, True
        chunk.append(text_block)
        size += len(text_block)
    if chunk:
        yield _details(title, label, chunk, continued)


def _details(title: str, label: str, chunk: list[str], continued: bool) -> str:
    suffix = " (continued)" if continued else ""
    body = "".join(chunk).replace("```", "ˋˋˋ")
    return (
        f"<details><summary><b>{markdown_text(title)}</b>{suffix}: {label}</summary>\n\n"
        f"```diff\n{body}```\n\n</details>\n\n"
    )


def _actuals_line(actuals: dict[str, Any]) -> str:
    """Which extract of a database's actuals the figures came from."""
    return (
        f"the extract of {actuals['source']} table {actuals['table']} from {actuals['from']} "
        f"to {actuals['to']}, {actuals['rows']:,} rows (digest {str(actuals['digest'])[:12]})."
    )
