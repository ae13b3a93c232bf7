"""The status of projects: progress against milestones, the readiness of each linked queue
gate by gate, open risks, the decisions and updates since a day, and what the applied state
changed since then for the queues, workflows and policies a project touches. Everything is
computed from the repository and the state: nothing in it is typed by hand but the project
file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from qplan.check.readiness import QueueReadiness, checklist
from qplan.core.units import plural

if TYPE_CHECKING:
    from qplan.check.readiness import Enqueued
    from qplan.check.semantics import ValidationResult
    from qplan.model.planning_files import Milestone, Project
    from qplan.plan.state import Revision


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


def sentence(words: str) -> str:
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


@dataclass(frozen=True)
class StatusUpdate:
    """The stakeholder update of the projects asked for, on a day, since a day."""

    statuses: list[ProjectStatus]
    today: date
    since: date
