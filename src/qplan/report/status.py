"""``qplan status``: the stakeholder update of projects, as text or JSON (the Markdown is
:mod:`qplan.views.status`, which the site's project pages share)."""

from __future__ import annotations

import json
from datetime import date

from qplan.core.units import plural
from qplan.plan.status import ProjectStatus, StatusUpdate, sentence
from qplan.report.registry import Reporters
from qplan.views.status import markdown

__all__ = ["FORMAT_VERSION", "as_json", "markdown", "text"]

#: the version of the ``qplan status --format json`` contract
FORMAT_VERSION = "1"


# --- text ------------------------------------------------------------------------------------


def text(statuses: list[ProjectStatus]) -> str:
    out: list[str] = []
    for status in statuses:
        p = status.project
        if out:
            out.append("")
        out.append(f"{p.title} ({p.id}, {p.kind.replace('_', ' ')})")
        owner = f"Owner {p.owner}" + (f", for {p.requested_by}" if p.requested_by else "")
        out.append(f"  {owner}. {sentence(status.headline())}.")
        out.append("  Milestones:")
        for m in p.milestones:
            mark = "✓" if m.done else ("!" if status.overdue(m) else "·")
            when = f"done {m.done.isoformat()}" if m.done else f"due {m.due.isoformat()}"
            if m.done is None and status.overdue(m):
                when += f", {plural((status.today - m.due).days, 'day')} late"
            out.append(f"    {mark} {m.name} ({when}{', launch' if m.launch else ''})")
        for row in status.readiness:
            failing = [g for g in row.gates if g.blocking]
            if row.ready:
                out.append(f"  Queue {row.queue} ({row.status}): ready, all {len(row.gates)} gates")
                continue
            out.append(
                f"  Queue {row.queue} ({row.status}): {plural(len(failing), 'gate')} to pass"
            )
            for g in row.gates:
                mark = "✓" if g.passed else ("✗" if g.blocking else "!")
                out.append(f"    {mark} {g.title}: {g.reason}")
        if status.open_risks:
            out.append("  Open risks:")
            for r in status.open_risks:
                owner = r.owner or "no owner"
                out.append(f"    [{r.severity}] {' '.join(r.description.split())} ({owner})")
        for title, entries in status.logs():
            out.append(f"  {title} since {status.since.isoformat()}:")
            for day, words, who in entries:
                tail = f" ({who})" if who else ""
                out.append(f"    {day.isoformat()} {' '.join(words.split())}{tail}")
        if status.changes:
            out.append(f"  Applied since {status.since.isoformat()}:")
            for c in status.changes:
                out.append(f"    serial {c.serial} {c.day} {c.action} {c.address} by {c.actor}")
        else:
            out.append(f"  Applied since {status.since.isoformat()}: nothing")
    return "\n".join(out) + "\n"


# --- Markdown --------------------------------------------------------------------------------


def as_json(statuses: list[ProjectStatus], today: date, since: date) -> str:
    document = {
        "format_version": FORMAT_VERSION,
        "today": today.isoformat(),
        "since": since.isoformat(),
        "projects": [s.contract() for s in statuses],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- the docs site -----------------------------------------------------------------------------


REPORTERS: Reporters[StatusUpdate] = Reporters(
    "status",
    text=lambda update: text(update.statuses),
    markdown=lambda update: markdown(update.statuses),
    json=lambda update: as_json(update.statuses, update.today, update.since),
)
