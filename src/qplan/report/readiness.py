"""The launch checklist as text, Markdown or JSON."""

from __future__ import annotations

import json

from qplan.check.readiness import QueueReadiness
from qplan.core.units import plural
from qplan.report.registry import Reporters


def _verdict(row: QueueReadiness) -> str:
    warnings = sum(not g.passed and not g.blocking for g in row.gates)
    if row.ready:
        return "ready" + (f" ({plural(warnings, 'warning')})" if warnings else "")
    failing = sum(g.blocking for g in row.gates)
    note = "; information only while draft" if row.status == "draft" else ""
    gates_fail = "1 gate fails" if failing == 1 else f"{failing} gates fail"
    return f"not ready ({gates_fail}{note})"


def as_json(rows: list[QueueReadiness]) -> str:
    document = {"format_version": "1", "queues": [r.contract() for r in rows]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _summary(rows: list[QueueReadiness]) -> str:
    ready = sum(r.ready for r in rows)
    return f"{len(rows)} queue(s): {ready} ready, {len(rows) - ready} not ready."


def markdown(rows: list[QueueReadiness]) -> str:
    from qplan.core.text import markdown_text

    out = ["## Readiness", "", f"**{_summary(rows)}**", ""]
    for row in rows:
        out += [f"### `{row.queue}` ({row.status}, {row.kind}): {_verdict(row)}", ""]
        out += ["| | gate | detail | to do |", "|---|---|---|---|"]
        for g in row.gates:
            mark = "✅" if g.passed else ("❌" if g.blocking else "⚠️")
            fix = markdown_text(g.fix) if g.fix and not g.passed else ""
            cells = (mark, markdown_text(g.title), markdown_text(g.reason), fix)
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def text(rows: list[QueueReadiness]) -> str:
    out: list[str] = []
    for row in rows:
        out.append(f"{row.queue} ({row.status}, {row.kind}): {_verdict(row)}")
        for g in row.gates:
            mark = "✓" if g.passed else ("✗" if g.blocking else "!")
            out.append(f"  {mark} {g.title}: {g.reason}")
            if not g.passed and g.fix:
                out.append(f"      to do: {g.fix}")
    out.append(_summary(rows))
    return "\n".join(out) + "\n"


REPORTERS: Reporters[list[QueueReadiness]] = Reporters(
    "readiness", text=text, markdown=markdown, json=as_json
)
