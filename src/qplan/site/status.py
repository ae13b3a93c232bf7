"""The site's projects section: an index, a launch calendar and a page per project."""

from __future__ import annotations

from datetime import date
from typing import Any

from qplan.core.units import plural
from qplan.model.planning_files import Milestone
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


#: the home page lists the launches due this many days ahead or fewer
LAUNCH_HORIZON_DAYS = 30


def launches_line(statuses: list[ProjectStatus], today: date) -> str | None:
    """The home page's line on launches: each launch milestone not yet done and due in the
    next :data:`LAUNCH_HORIZON_DAYS` days (or overdue), with how many of its queues pass
    readiness; else the next launch further ahead (None when no project has one)."""

    def launch(status: ProjectStatus, milestone: Milestone) -> str:
        p = status.project
        ready = sum(r.ready for r in status.readiness)
        days = (milestone.due - today).days
        when = f"in {plural(days, 'day')}" if days >= 0 else f"{plural(-days, 'day')} late"
        return (
            f"[{md(p.title)}](projects/{p.id}.md) on {milestone.due.isoformat()} ({when}), "
            f"{ready} of {plural(len(status.readiness), 'queue')} ready"
        )

    # each open project's first launch milestone not yet done, the soonest first
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
        return (
            f"**Launches in the next {LAUNCH_HORIZON_DAYS} days:** "
            + "; ".join(launch(s, m) for m, s in soon)
            + ". [Calendar](projects/calendar.md)"
        )
    return (
        f"**Launches:** none in the next {LAUNCH_HORIZON_DAYS} days; next: "
        f"{launch(ahead[0][1], ahead[0][0])}. [Calendar](projects/calendar.md)"
    )
