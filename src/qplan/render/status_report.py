"""``qplan status``: the stakeholder update of projects, as text, Markdown or JSON.

Progress against milestones, the readiness of each linked queue gate by gate, open risks,
the decisions and updates since a day, and what the applied state changed since then for
the queues, workflows and policies the project touches. Everything is computed from the
repository and the state: nothing in it is typed by hand but the project file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from qplan.core.units import plural
from qplan.render.readiness_report import QueueReadiness, checklist

if TYPE_CHECKING:
    from qplan.check.readiness import Enqueued
    from qplan.check.semantics import ValidationResult
    from qplan.model.format import Milestone, Project
    from qplan.plan.state import Revision

#: the version of the ``qplan status --format json`` contract
FORMAT_VERSION = "1"
#: a status reports the decisions, updates and applied changes of this many days by default
SINCE_DAYS = 7


@dataclass(frozen=True)
class StateChange:
    """One change the applied state recorded for a resource the project touches."""

    serial: int
    day: str
    actor: str
    action: str
    address: str

    def contract(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "date": self.day,
            "actor": self.actor,
            "action": self.action,
            "address": self.address,
        }


@dataclass
class ProjectStatus:
    project: Project
    today: date
    since: date
    readiness: list[QueueReadiness]
    changes: list[StateChange] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(m.done is not None for m in self.project.milestones)

    @property
    def next_milestone(self) -> Milestone | None:
        ahead = [m for m in self.project.milestones if m.done is None]
        return min(ahead, key=lambda m: m.due) if ahead else None

    def overdue(self, milestone: Milestone) -> bool:
        return milestone.done is None and milestone.due < self.today

    @property
    def open_risks(self) -> list[Any]:
        order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
        return sorted((r for r in self.project.risks if r.is_open), key=lambda r: order[r.severity])

    @property
    def decisions(self) -> list[Any]:
        return sorted((d for d in self.project.decisions if d.day >= self.since), key=_by_day)

    @property
    def updates(self) -> list[Any]:
        return sorted((u for u in self.project.updates if u.day >= self.since), key=_by_day)

    def logs(self) -> list[tuple[str, list[tuple[date, str, str | None]]]]:
        """The decisions and the updates since ``since`` that there are, each as (day,
        what, who)."""
        decisions = [(d.day, d.what, d.who) for d in self.decisions]
        updates = [(u.day, u.summary, u.author) for u in self.updates]
        return [
            (title, rows)
            for title, rows in (("Decisions", decisions), ("Updates", updates))
            if rows
        ]

    def headline(self) -> str:
        """One line: status, milestones done, the next one, readiness and risks."""
        p = self.project
        total = len(p.milestones)
        parts = [
            f"{p.status.replace('_', ' ')}",
            f"{self.done} of {plural(total, 'milestone')} done",
        ]
        late = sum(self.overdue(m) for m in p.milestones)
        if late:
            parts.append(f"{late} overdue")
        upcoming = self.next_milestone
        if upcoming is not None:
            days = (upcoming.due - self.today).days
            when = f"in {plural(days, 'day')}" if days >= 0 else f"{plural(-days, 'day')} late"
            parts.append(f"next: {upcoming.name} on {upcoming.due.isoformat()} ({when})")
        if self.readiness:
            ready = sum(r.ready for r in self.readiness)
            parts.append(f"{ready} of {plural(len(self.readiness), 'queue')} ready")
        parts.append(plural(len(self.open_risks), "open risk"))
        return "; ".join(parts)

    def contract(self) -> dict[str, Any]:
        p = self.project
        upcoming = self.next_milestone
        return {
            "project": p.id,
            "kind": p.kind,
            "title": p.title,
            "status": p.status,
            "owner": p.owner,
            "requested_by": p.requested_by,
            "progress": {"done": self.done, "total": len(p.milestones)},
            "next_milestone": None if upcoming is None else self._milestone(upcoming),
            "milestones": [self._milestone(m) for m in p.milestones],
            "queues": [r.contract() for r in self.readiness],
            "open_risks": [r.model_dump(mode="json") for r in self.open_risks],
            "decisions": [d.model_dump(mode="json", by_alias=True) for d in self.decisions],
            "updates": [u.model_dump(mode="json", by_alias=True) for u in self.updates],
            "changes": [c.contract() for c in self.changes],
        }

    def _milestone(self, m: Milestone) -> dict[str, Any]:
        return {
            "name": m.name,
            "due": m.due.isoformat(),
            "done": None if m.done is None else m.done.isoformat(),
            "launch": m.launch,
            "overdue": self.overdue(m),
        }


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def _by_day(item: Any) -> date:
    return item.day  # type: ignore[no-any-return]


def touched_addresses(project: Project) -> set[str]:
    """The addresses of the state's resources a project touches: its queues with their
    allocations, targets and case sets, its workflows and their targets, its policies."""
    addresses = set()
    for qid in project.queues:
        addresses |= {f"queue.{qid}", f"allocation.{qid}", f"target.{qid}", f"cases.{qid}"}
    for wid in project.workflows:
        addresses |= {f"workflow.{wid}", f"target.workflow:{wid}"}
    for binding in project.policies:
        addresses.add(f"policy.{binding.partition('@')[0]}")
    return addresses


def project_statuses(
    validation: ValidationResult,
    chosen: Sequence[str],
    since: date,
    enqueued: Mapping[str, Enqueued],
    history: Sequence[Revision],
) -> list[ProjectStatus]:
    """The status of each chosen project."""
    org = validation.organisation
    today = validation.settings.today
    found = []
    for pid in chosen:
        project = org.projects[pid]
        queues = [q for q in project.queues if q in org.queues]
        readiness = checklist(validation, queues, enqueued)
        addresses = touched_addresses(project)
        changes = [
            StateChange(r.serial, r.created_at[:10], r.actor, action, address)
            for r in history
            if r.created_at[:10] >= since.isoformat()
            for action, address in r.changes
            if address in addresses
        ]
        found.append(ProjectStatus(project, today, since, readiness, changes))
    return found


# --- text ------------------------------------------------------------------------------------


def text(statuses: list[ProjectStatus]) -> str:
    out: list[str] = []
    for status in statuses:
        p = status.project
        if out:
            out.append("")
        out.append(f"{p.title} ({p.id}, {p.kind.replace('_', ' ')})")
        owner = f"Owner {p.owner}" + (f", for {p.requested_by}" if p.requested_by else "")
        out.append(f"  {owner}. {_sentence(status.headline())}.")
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


def markdown(statuses: list[ProjectStatus], *, heading: str = "##") -> str:
    """For an email or a chat post, and the docs site's project pages."""
    from qplan.render.site import code
    from qplan.render.site import text as md

    out: list[str] = []
    for status in statuses:
        p = status.project
        out += [f"{heading} {md(p.title)}", ""]
        meta = f"{code(p.id)} · {md(p.kind.replace('_', ' '))} · owner {md(p.owner)}"
        if p.requested_by:
            meta += f" · requested by {md(p.requested_by)}"
        out += [meta, "", f"**{md(_sentence(status.headline()))}.**", ""]
        if p.description:
            out += [md(p.description.strip()), ""]
        out += [f"{heading}# Milestones", "", "| | milestone | due | done |", "|---|---|---|---|"]
        for m in p.milestones:
            mark = "✅" if m.done else ("⏰" if status.overdue(m) else "⬜")
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


def as_json(statuses: list[ProjectStatus], today: date, since: date) -> str:
    document = {
        "format_version": FORMAT_VERSION,
        "today": today.isoformat(),
        "since": since.isoformat(),
        "projects": [s.contract() for s in statuses],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- the docs site -----------------------------------------------------------------------------


def site_pages(statuses: list[ProjectStatus]) -> tuple[dict[str, str], list[Any]]:
    """The projects section: an index, a launch calendar and a page per project, with the
    navigation entries."""
    from qplan.render.site import text as md
    from qplan.render.site import theme_text

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
    from qplan.render.site import text as md

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
