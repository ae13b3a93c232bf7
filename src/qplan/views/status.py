"""A project's status as Markdown: for an email or a chat post, and the site's project
pages."""

from __future__ import annotations

from qplan.core.units import plural
from qplan.plan.status import ProjectStatus, sentence
from qplan.views.markdown import code
from qplan.views.markdown import text as md


def markdown(statuses: list[ProjectStatus], *, heading: str = "##") -> str:
    """For an email or a chat post, and the docs site's project pages."""

    out: list[str] = []
    for status in statuses:
        p = status.project
        out += [f"{heading} {md(p.title)}", ""]
        meta = f"{code(p.id)} · {md(p.kind.replace('_', ' '))} · owner {md(p.owner)}"
        if p.requested_by:
            meta += f" · requested by {md(p.requested_by)}"
        out += [meta, "", f"**{md(sentence(status.headline()))}.**", ""]
        if p.description:
            out += [md(p.description.strip()), ""]
        out += [
            f"{heading}# Milestones",
            "",
            "| state | milestone | due | done |",
            "|---|---|---|---|",
        ]
        for m in p.milestones:
            mark = "✅ done" if m.done else ("⏰ overdue" if status.overdue(m) else "⬜ ahead")
            name = md(m.name) + (" (launch)" if m.launch else "")
            done = m.done.isoformat() if m.done else ""
            out.append(f"| {mark} | {name} | {m.due.isoformat()} | {done} |")
        out.append("")
        if status.readiness:
            out += [f"{heading}# Readiness", ""]
            for row in status.readiness:
                failing = [g for g in row.gates if g.blocking]
                verdict = "ready" if row.ready else f"{plural(len(failing), 'gate')} to pass"
                out += [f"- {code(row.queue)} ({row.status}): **{verdict}**"]
                for g in row.gates:
                    if not g.passed:
                        mark = "❌" if g.blocking else "⚠️"
                        fix = f" — {md(g.fix)}" if g.fix else ""
                        out.append(f"    - {mark} {md(g.title)}: {md(g.reason)}{fix}")
            out.append("")
        if status.open_risks:
            out += [f"{heading}# Open risks", "", "| severity | risk | owner | mitigation |"]
            out.append("|---|---|---|---|")
            for r in status.open_risks:
                out.append(
                    f"| {r.severity} | {md(r.description)} | {md(r.owner or 'no owner')} | "
                    f"{md(r.mitigation or '')} |"
                )
            out.append("")
        for title, entries in status.logs():
            out += [f"{heading}# {title} since {status.since.isoformat()}", ""]
            for day, words, who in entries:
                tail = f" ({md(who)})" if who else ""
                out.append(f"- {day.isoformat()}: {md(words)}{tail}")
            out.append("")
        out += [f"{heading}# Applied since {status.since.isoformat()}", ""]
        if status.changes:
            for c in status.changes:
                out.append(
                    f"- serial {c.serial}, {c.day}: {c.action} {code(c.address)} by {md(c.actor)}"
                )
        else:
            out.append("Nothing applied to its queues, workflows or policies.")
        out.append("")
    return "\n".join(out)
