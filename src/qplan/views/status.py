"""A project's status as Markdown: for an email or a chat post, and the site's project
pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from qplan.core.units import plural
from qplan.model.planning_files import Milestone
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


#: the launches due this many days ahead or fewer lead the overview (home page, terminal)
LAUNCH_HORIZON_DAYS = 30


def launches_line(
    statuses: list[ProjectStatus],
    today: date,
    title: Callable[[ProjectStatus], str] = lambda status: status.project.title,
) -> tuple[bool, str] | None:
    """The overview's line on launches, as (whether any is due in the next
    :data:`LAUNCH_HORIZON_DAYS` days, the launches): each open project's first launch
    milestone not yet done and due by then (or overdue), with how many of its queues pass
    readiness; else the next launch further ahead; None when no project has one.
    ``title`` writes a project's name (a link, on the site)."""

    def launch(status: ProjectStatus, milestone: Milestone) -> str:
        ready = sum(r.ready for r in status.readiness)
        days = (milestone.due - today).days
        when = f"in {plural(days, 'day')}" if days >= 0 else f"{plural(-days, 'day')} late"
        return (
            f"{title(status)} on {milestone.due.isoformat()} ({when}), "
            f"{ready} of {plural(len(status.readiness), 'queue')} ready"
        )

    ahead: list[tuple[Milestone, ProjectStatus]] = []
    for status in statuses:
        launches = [m for m in status.project.milestones if m.launch and m.done is None]
        if launches and status.project.status != "closed":
            ahead.append((min(launches, key=lambda m: m.due), status))
    ahead.sort(key=lambda item: (item[0].due, item[1].project.id))
    if not ahead:
        return None
    soon = [(m, s) for m, s in ahead if (m.due - today).days <= LAUNCH_HORIZON_DAYS]
    if soon:
        return True, "; ".join(launch(s, m) for m, s in soon)
    return False, launch(ahead[0][1], ahead[0][0])


def launches_text(statuses: list[ProjectStatus], today: date) -> str | None:
    """The launches line of the terminal's overview (``qplan capacity``, ``health``)."""
    found = launches_line(statuses, today)
    if found is None:
        return None
    soon, said = found
    if soon:
        return f"Launches in the next {LAUNCH_HORIZON_DAYS} days: {said}."
    return f"Launches: none in the next {LAUNCH_HORIZON_DAYS} days; next: {said}."
