"""The site's projects section: an index, a launch calendar and a page per project."""

from __future__ import annotations

from datetime import date
from typing import Any

from qplan.plan.status import ProjectStatus
from qplan.views.markdown import text as md
from qplan.views.markdown import theme_text
from qplan.views.status import markdown


def site_pages(statuses: list[ProjectStatus]) -> tuple[dict[str, str], list[Any]]:
    """The projects section: an index, a launch calendar and a page per project, with the
    navigation entries."""

    pages: dict[str, str] = {}
    nav: list[Any] = [{"All projects": "projects/index.md"}, {"Calendar": "projects/calendar.md"}]
    index = [
        "# Projects",
        "",
        "Launches, policy rollouts, intakes and recoveries from `projects/`, with their "
        "progress computed from the repository and the applied state.",
        "",
        "| project | kind | status | milestones | next | queues ready | open risks |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    for status in statuses:
        p = status.project
        upcoming = status.next_milestone
        after = f"{md(upcoming.name)} ({upcoming.due.isoformat()})" if upcoming else ""
        ready = sum(r.ready for r in status.readiness)
        index.append(
            f"| [{md(p.title)}]({p.id}.md) | {p.kind.replace('_', ' ')} | "
            f"{p.status.replace('_', ' ')} | {status.done} of {len(p.milestones)} | {after} | "
            f"{ready} of {len(status.readiness)} | {len(status.open_risks)} |"
        )
        pages[f"docs/projects/{p.id}.md"] = markdown([status], heading="#")
        nav.append({theme_text(p.title): f"projects/{p.id}.md"})
    pages["docs/projects/index.md"] = "\n".join(index) + "\n"
    pages["docs/projects/calendar.md"] = calendar(statuses)
    return pages, nav


def calendar(statuses: list[ProjectStatus]) -> str:
    """Every milestone not yet done across projects, by due date (overdue first)."""

    rows = sorted(
        (m.due, status.project, m)
        for status in statuses
        if status.project.status != "closed"
        for m in status.project.milestones
        if m.done is None
    )
    lines = ["# Launch calendar", ""]
    if not rows:
        return "\n".join([*lines, "No milestone ahead.", ""])
    lines += [
        "Milestones not yet done, across projects; launches in bold.",
        "",
        "| due | milestone | project | |",
        "|---|---|---|---|",
    ]
    today = statuses[0].today
    for due, project, m in rows:
        name = f"**{md(m.name)}**" if m.launch else md(m.name)
        late = "overdue" if due < today else ""
        lines.append(
            f"| {due.isoformat()} | {name} | [{md(project.title)}]({project.id}.md) | {late} |"
        )
    return "\n".join(lines) + "\n"


def launches_line(statuses: list[ProjectStatus], today: date) -> str | None:
    """The home page's line on launches (:func:`qplan.views.status.launches_line`), each
    project's title a link to its page."""
    from qplan.views.status import LAUNCH_HORIZON_DAYS
    from qplan.views.status import launches_line as line

    found = line(statuses, today, lambda s: f"[{md(s.project.title)}](projects/{s.project.id}.md)")
    if found is None:
        return None
    soon, said = found
    if soon:
        return (
            f"**Launches in the next {LAUNCH_HORIZON_DAYS} days:** {said}. "
            "[Calendar](projects/calendar.md)"
        )
    return (
        f"**Launches:** none in the next {LAUNCH_HORIZON_DAYS} days; next: {said}. "
        "[Calendar](projects/calendar.md)"
    )
