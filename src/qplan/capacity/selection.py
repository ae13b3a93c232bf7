"""The part of the capacity model's figures a command asks for: the queues of a workflow
or worked by a team (and the teams that work them), backlog recoveries, and the profiled
queues' weeks by interval."""

from __future__ import annotations

from dataclasses import dataclass, field

from qplan.capacity.backlog import Recovery
from qplan.capacity.figures import Capacity, QueueCapacity
from qplan.capacity.health import Health
from qplan.core.errors import UsageError


@dataclass(frozen=True)
class CapacityView:
    """The figures of the queues and teams asked for, and the recoveries asked for."""

    capacity: Capacity
    recoveries: list[Recovery] = field(default_factory=list)
    #: what the actuals of the last four weeks say of the same organisation (None: none)
    actuals: Health | None = None
    #: the vendor shares against their caps, in a line (None: none at or over one)
    guardrails: str | None = None
    #: the launches ahead with their readiness, in a line (None: no project launches)
    launches: str | None = None


@dataclass(frozen=True)
class IntervalView:
    """The profiled queues asked for, and how many others are planned on a flat week."""

    queues: list[QueueCapacity]
    flat: int


def select(capacity: Capacity, workflow: str | None, team: str | None) -> Capacity:
    """Only the queues of ``workflow`` / worked by ``team``, and the teams that work them."""
    queues = {
        qid: q
        for qid, q in capacity.queues.items()
        if (workflow is None or q.workflow == workflow)
        and (team is None or any(s.team == team for s in q.shares))
    }
    working = {s.team for q in queues.values() for s in q.shares}
    teams = {
        tid: t
        for tid, t in capacity.teams.items()
        if (team is None or tid == team) and (workflow is None or tid in working)
    }
    return Capacity(queues, teams)


def interval_view(capacity: Capacity, queue: str | None = None) -> IntervalView:
    """The week by interval of the profiled queues among ``capacity`` (or of ``queue``)."""
    if queue is not None:
        found = capacity.queues.get(queue)
        if found is None:
            raise UsageError(
                f"--queue: {queue!r} is not a queue with a forecast and an allocation"
                " (in the workflow or team asked for)"
            )
        if not found.profiled:
            raise UsageError(
                f"--queue: {queue} has no arrival profile, so it is planned on a flat week; "
                "name a profile in its forecast to plan it by interval"
            )
    shown = [
        q
        for qid, q in sorted(capacity.queues.items())
        if q.profiled and (queue is None or qid == queue)
    ]
    return IntervalView(shown, 0 if queue else len(capacity.queues) - len(shown))
