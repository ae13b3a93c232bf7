"""Derive: the launch checklist of a queue, gate by gate.

Each gate passes or fails with the reason and, when it fails, what to do. Which gates
apply depends on the kind of queue: a production queue goes through all of them, a
training queue through those that make it a faithful copy for trainees, escalation and
QA queues through those that make them staffed and reachable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qplan.capacity.figures import Capacity
    from qplan.check.semantics import ValidationResult
    from qplan.model.format import Queue
from qplan.core.rules import RULES, Severity
from qplan.model.format import speaks
from qplan.model.organisation import Organisation

#: gate id → what it checks, in checklist order
GATES = {
    "policy": "policy bound to a published version",
    "template": "labeling template version set, training pair on the same versions",
    "training-queue": "training queue exists",
    "training-cases": "training case set valid and enqueued",
    "ttp": "TTP logical queue set and unique",
    "sop": "SOP present, renders and reviewed within its cadence",
    "targets": "targets set",
    "allocation": "allocation covers the languages and data clearance",
    "capacity": "projected capacity meets the SLA target",
    "escalation": "escalation path ends in a live queue",
    "qa": "QA sampling rate set",
}
_BY_KIND = {
    "production": tuple(GATES),
    "training": ("policy", "template", "training-cases", "ttp"),
    "escalation": ("policy", "ttp", "targets", "allocation", "capacity", "escalation"),
    "qa": ("policy", "ttp", "targets", "allocation", "capacity"),
}


#: an SOP past its review date: a warning of validate, and a gate readiness shows
SOP_REVIEW_OVERDUE = "QP141"
#: a training case set that is not yet complete or consistent with the queue
CASE_SET_INCOMPLETE = "QP173"


@dataclass(frozen=True)
class Gate:
    id: str
    passed: bool
    reason: str
    fix: str = ""
    #: the rule whose severity a failure of this gate has (None: an error)
    code: str | None = None

    @property
    def blocking(self) -> bool:
        """A failure that keeps the queue from being ready: unless the rule table makes
        the gate's rule a warning, as ``validate`` reports it."""
        if self.passed:
            return False
        return self.code is None or RULES[self.code].severity is Severity.ERROR

    @property
    def title(self) -> str:
        return GATES[self.id]

    def contract(self) -> dict[str, Any]:
        return {
            "gate": self.id,
            "title": self.title,
            "passed": self.passed,
            "blocking": self.blocking,
            "reason": self.reason,
            "fix": self.fix or None,
        }


@dataclass(frozen=True)
class Enqueued:
    """What the state says was enqueued for a case set: its checksum and item ids."""

    checksum: str
    count: int


def gates(
    org: Organisation,
    queue: Queue,
    *,
    today: date,
    capacity: Capacity | None = None,
    enqueued: dict[str, Enqueued] | None = None,
    failed_sops: frozenset[str] = frozenset(),
    only: frozenset[str] | None = None,
) -> list[Gate]:
    """The gates of ``queue``'s kind. ``enqueued`` (from the state) lets the training-cases
    gate check what was enqueued, not only what the file says; ``failed_sops`` are the SOP
    paths that did not render; ``only`` limits the gates worked out."""
    checks = {
        "policy": _policy,
        "template": _template,
        "training-queue": _training_queue,
        "training-cases": lambda o, q: _training_cases(o, q, enqueued),
        "ttp": _ttp,
        "sop": lambda o, q: _sop(o, q, today, failed_sops),
        "targets": _targets,
        "allocation": _allocation,
        "capacity": lambda o, q: _capacity(q, capacity),
        "escalation": _escalation,
        "qa": _qa,
    }
    return [checks[gid](org, queue) for gid in _BY_KIND[queue.kind] if only is None or gid in only]


def _policy(org: Organisation, queue: Queue) -> Gate:
    policy = org.policies.get(queue.policy_id)
    if policy is None:
        return Gate("policy", False, f"policy {queue.policy_id} does not exist", "fix `policy`")
    if queue.policy_version not in policy.versions:
        published = ", ".join(str(v) for v in policy.versions)
        return Gate(
            "policy",
            False,
            f"{queue.policy} is not published (published: {published})",
            "bind a published version",
        )
    return Gate("policy", True, queue.policy)


def _template(org: Organisation, queue: Queue) -> Gate:
    if queue.template is None:
        return Gate("template", False, "no labeling template", "set `template: name@version`")
    pair = org.queues.get(queue.training_queue or "")
    if pair is not None and (pair.policy, pair.template) != (queue.policy, queue.template):
        return Gate(
            "template",
            False,
            f"training queue {pair.id} is on {pair.policy} and {pair.template}",
            f"move {pair.id} to {queue.policy} and {queue.template} as well",
        )
    return Gate("template", True, queue.template)


def _training_queue(org: Organisation, queue: Queue) -> Gate:
    if queue.training_queue is None:
        return Gate("training-queue", False, "no training queue", "pair a training queue")
    if queue.training_queue not in org.queues:
        return Gate("training-queue", False, f"{queue.training_queue} does not exist", "")
    return Gate("training-queue", True, queue.training_queue)


def _training_cases(org: Organisation, queue: Queue, enqueued: dict[str, Enqueued] | None) -> Gate:
    if queue.kind == "production":
        trainer = org.queues.get(queue.training_queue or "")
        if trainer is None:
            return Gate("training-cases", False, "no training queue", "pair a training queue")
        return _training_cases(org, trainer, enqueued)
    if queue.training is None:
        return Gate(
            "training-cases",
            False,
            f"{queue.id} names no case set",
            "add `training: {case_set: training/<name>.csv, min_cases: 200}`",
        )
    path = queue.training.case_set
    case_set = org.case_sets.get(path)
    if case_set is None:
        return Gate("training-cases", False, f"{path} does not exist", "add the CSV file")
    problems = case_set_problems(org, queue)
    if problems:
        line, message, _ = problems[0]
        return Gate("training-cases", False, f"{path}:{line}: {message}", "fix the case set")
    count = len(case_set.cases)
    if enqueued is not None:
        done = enqueued.get(path)
        if done is None or done.checksum != case_set.checksum:
            return Gate(
                "training-cases",
                False,
                f"{path} ({count} cases) is not enqueued yet",
                "apply the plan that enqueues it",
            )
        return Gate("training-cases", True, f"{count} cases enqueued from {path}")
    return Gate("training-cases", True, f"{count} cases in {path}")


def case_set_problems(org: Organisation, queue: Queue) -> list[tuple[int, str, str]]:
    """(line, message, rule code) for every problem of the training queue's case set
    (worked out once per queue)."""
    cache = org.derived.case_problems
    if queue.id not in cache:
        cache[queue.id] = _case_set_problems(org, queue)
    return cache[queue.id]


def _case_set_problems(org: Organisation, queue: Queue) -> list[tuple[int, str, str]]:
    assert queue.training is not None
    case_set = org.case_sets.get(queue.training.case_set)
    if case_set is None:
        return []
    found = [
        (d.line, d.message.removeprefix("training case set "), d.code) for d in case_set.problems
    ]
    policy = org.policies.get(queue.policy_id)
    decisions = set(policy.decisions) if policy else None
    seen: dict[str, int] = {}
    for case in case_set.cases:
        if case.item_id in seen:
            found.append(
                (case.line, f"item {case.item_id} repeats line {seen[case.item_id]}", "QP172")
            )
        else:
            seen[case.item_id] = case.line
        if decisions is not None and case.decision not in decisions:
            found.append(
                (
                    case.line,
                    f"decision {case.decision!r} is not one of {queue.policy_id}'s "
                    f"({', '.join(sorted(decisions))})",
                    "QP172",
                )
            )
        if case.policy_version.removeprefix("v") != str(queue.policy_version):
            found.append(
                (
                    case.line,
                    f"item {case.item_id} is for policy version {case.policy_version}, "
                    f"the queue binds {queue.policy}",
                    "QP172",
                )
            )
    if len(case_set.cases) < queue.training.min_cases:
        found.append(
            (
                1,
                f"has {len(case_set.cases)} cases, fewer than min_cases {queue.training.min_cases}",
                CASE_SET_INCOMPLETE,
            )
        )
    return found


def _ttp_users(org: Organisation) -> dict[str, list[str]]:
    """TTP logical queue id → the queues that use it (worked out once per organisation)."""
    users = org.derived.ttp_users
    if users is None:
        users = {}
        for qid, other in sorted(org.queues.items()):
            if other.ttp_queue is not None:
                users.setdefault(other.ttp_queue, []).append(qid)
        org.derived.ttp_users = users
    return users


def _ttp(org: Organisation, queue: Queue) -> Gate:
    if queue.ttp_queue is None:
        return Gate("ttp", False, "no TTP logical queue", "set `ttp_queue`")
    others = [q for q in _ttp_users(org)[queue.ttp_queue] if q != queue.id]
    if others:
        return Gate(
            "ttp", False, f"{queue.ttp_queue} is also used by {others[0]}", "use a unique id"
        )
    return Gate("ttp", True, queue.ttp_queue)


def _sop(org: Organisation, queue: Queue, today: date, failed: frozenset[str]) -> Gate:
    if queue.sop is None:
        return Gate("sop", False, "no SOP", "write one under sops/ and set `sop`")
    sop = org.sops.get(queue.sop)
    if sop is None:
        return Gate("sop", False, f"{queue.sop} does not exist", "add the template")
    if queue.sop in failed:
        return Gate("sop", False, f"{queue.sop} does not render", "see `qplan validate`")
    due = sop.front.last_reviewed + timedelta(days=sop.front.review_every_days)
    if due < today:
        return Gate(
            "sop",
            False,
            f"{queue.sop} was due for review on {due.isoformat()}",
            "review it with its owner and update last_reviewed",
            code=SOP_REVIEW_OVERDUE,
        )
    return Gate("sop", True, f"{queue.sop}, next review {due.isoformat()}")


def _targets(org: Organisation, queue: Queue) -> Gate:
    target = org.target_for(queue)
    if target is None:
        return Gate("targets", False, "no target", "add a target for the queue or its workflow")
    return Gate("targets", True, f"{target.sla.percent:g}% within {target.sla.within}")


def _allocation(org: Organisation, queue: Queue) -> Gate:
    allocation = org.allocations.get(queue.id)
    if allocation is None:
        return Gate("allocation", False, "no allocation", "allocate the queue to teams")
    teams = [org.teams[t] for t in allocation.shares if t in org.teams]
    spoken = {lang for t in teams for lang in t.languages}
    missing = [lang for lang in queue.languages if not speaks(spoken, lang)]
    if missing:
        return Gate(
            "allocation",
            False,
            f"no allocated team speaks {', '.join(missing)}",
            "allocate a team that does",
        )
    if queue.data_classification != "public":
        uncleared = [t.id for t in teams if queue.data_classification not in t.clearances]
        if uncleared:
            return Gate(
                "allocation",
                False,
                f"{', '.join(uncleared)} not cleared for {queue.data_classification}",
                "allocate only cleared teams",
            )
    shares = ", ".join(f"{t} {s:g}%" for t, s in allocation.shares.items())
    return Gate("allocation", True, shares)


def _capacity(queue: Queue, capacity: Capacity | None) -> Gate:
    figures = capacity.queues.get(queue.id) if capacity else None
    if figures is None:
        return Gate("capacity", False, "no staffed allocation and forecast", "add both")
    if not figures.stable:
        return Gate(
            "capacity",
            False,
            f"unstable: the backlog grows by {figures.backlog_growth_per_day:,.0f} items a day",
            "add capacity",
        )
    if figures.meets_target is False:
        return Gate(
            "capacity",
            False,
            f"projected {figures.projected_sla_percent:.1f}% within {figures.target_within}, "
            f"target {figures.target_sla_percent:g}%",
            "add staffing or coverage hours",
        )
    projected = figures.projected_sla_percent
    return Gate(
        "capacity", True, "no SLA target" if projected is None else f"projected {projected:.1f}%"
    )


def escalation_path(org: Organisation, queue: Queue) -> tuple[list[Queue], bool]:
    """The queues an item passes through from ``queue`` on, and whether the path loops
    (it then stops before the first queue seen twice)."""
    path = [queue]
    while path[-1].escalates_to and path[-1].escalates_to in org.queues:
        nxt = org.queues[path[-1].escalates_to]
        if nxt in path:
            return path, True
        path.append(nxt)
    return path, False


def _escalation(org: Organisation, queue: Queue) -> Gate:
    path, loops = escalation_path(org, queue)
    if loops:
        return Gate("escalation", False, "the escalation path loops", "break the cycle")
    end = path[-1]
    if len(path) == 1 and queue.kind != "escalation":
        return Gate("escalation", False, "no escalation path", "set `escalates_to`")
    if end.status != "live":
        return Gate(
            "escalation",
            False,
            f"the path ends in {end.id}, which is {end.status}",
            f"make {end.id} live or escalate elsewhere",
        )
    return Gate("escalation", True, " → ".join(q.id for q in path))


def _qa(org: Organisation, queue: Queue) -> Gate:
    if queue.qa is None:
        return Gate("qa", False, "no QA sampling rate", "set `qa: {sample_rate: 0.05}`")
    return Gate("qa", True, f"{queue.qa.sample_rate:.1%} of decisions re-reviewed")


@dataclass(frozen=True)
class QueueReadiness:
    queue: str
    kind: str
    status: str
    gates: tuple[Gate, ...]

    @property
    def ready(self) -> bool:
        return not any(g.blocking for g in self.gates)

    def contract(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "kind": self.kind,
            "status": self.status,
            "ready": self.ready,
            "gates": [g.contract() for g in self.gates],
        }


def checklist(
    validation: ValidationResult, queue_ids: Iterable[str], enqueued: Mapping[str, Enqueued]
) -> list[QueueReadiness]:
    from qplan.capacity.staffing import derive_organisation

    org = validation.organisation
    capacity = derive_organisation(org, validation.settings.today)
    from qplan.sops.rendering import DOES_NOT_RENDER

    failed = frozenset(d.file for d in validation.report if d.code == DOES_NOT_RENDER)
    rows = []
    for qid in queue_ids:
        queue = org.queues[qid]
        found = gates(
            org,
            queue,
            today=validation.settings.today,
            capacity=capacity,
            enqueued=dict(enqueued),
            failed_sops=failed,
        )
        rows.append(QueueReadiness(qid, queue.kind, queue.status, tuple(found)))
    return rows
