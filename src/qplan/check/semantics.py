"""*check*: the semantic rules of a moderation organisation.

Each rule looks at the typed :class:`~qplan.model.organisation.Organisation` and reports
diagnostics with a stable code from :mod:`qplan.core.rules`. Items may suppress the
codes of rules marked suppressible with ``suppress: [QP…]``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from qplan.check.capacity_rules import (
    _share_sets,
    capacity,
    guardrails,
    intervals,
    sla_horizon,
)
from qplan.check.findings import Check, Finding
from qplan.core.diagnostics import MAX_PER_CODE, Diagnostic, Position, Report
from qplan.core.rules import RULES
from qplan.core.units import plural
from qplan.load.actuals import dated_after
from qplan.load.case_sets import CODE as CASE_SET_UNREADABLE
from qplan.load.settings import Settings
from qplan.model.format import speaks
from qplan.model.organisation import Organisation, did_you_mean
from qplan.sops.rendering import RenderedSops


@dataclass
class ValidationResult:
    """A repository as validated: its settings, the organisation and every problem found."""

    settings: Settings
    organisation: Organisation
    report: Report
    #: every SOP rendered with the organisation's data (the SOP stage's result)
    sops: RenderedSops

    @property
    def valid(self) -> bool:
        return not self.report.has_errors


def _ref(position: Position, what: str, name: str, known: Iterable[str]) -> Diagnostic:
    return Diagnostic.at(position, "QP102", f"unknown {what} {name!r}", did_you_mean(name, known))


def _policy_binding(
    org: Organisation, position: Callable[[], Position], name: str, version: int | None
) -> Iterator[Finding]:
    """A policy that exists (QP102) and, when a version is named, publishes it (QP103).
    ``position`` is asked for only when there is a problem: finding it composes the file
    again."""
    policy = org.policies.get(name)
    if policy is None and not org.defines("policy", name):
        yield _ref(position(), "policy", name, org.policies), ()
    elif policy is not None and version is not None and version not in policy.versions:
        yield (
            Diagnostic.at(
                position(),
                "QP103",
                f"policy {policy.id} has no published version {version}",
                "published versions: " + ", ".join(str(v) for v in policy.versions),
            ),
            (),
        )


def unique_ids(org: Organisation, today: date) -> Iterator[Finding]:
    for dup in org.duplicates:
        first = dup.first.at()
        if dup.kind in ("target", "allocation"):
            yield (
                Diagnostic.at(
                    dup.origin.at(),
                    "QP105",
                    f"second {dup.kind} for {dup.key.removeprefix('workflow:')} "
                    f"(first at {first.file}:{first.line})",
                    f"merge them: a queue has one {dup.kind}",
                ),
                (),
            )
        else:
            yield (
                Diagnostic.at(
                    dup.origin.at("id"),
                    "QP101",
                    f"{dup.kind} id {dup.key!r} is already defined at {first.file}:{first.line}",
                    "ids are unique per kind across all files",
                ),
                (),
            )


def references(org: Organisation, today: date) -> Iterator[Finding]:
    for qid, queue in org.queues.items():
        origin = org.origin("queue", qid)
        if not org.defines("workflow", queue.workflow):
            yield _ref(origin.at("workflow"), "workflow", queue.workflow, org.workflows), ()
        yield from _policy_binding(
            org, functools.partial(origin.at, "policy"), queue.policy_id, queue.policy_version
        )
        profile = queue.forecast.profile if queue.forecast else None
        if profile is not None and not org.defines("profile", profile):
            yield _ref(origin.at("forecast", "profile"), "profile", profile, org.profiles), ()
        for field_name in ("training_queue", "escalates_to", "migrate_to"):
            ref = getattr(queue, field_name)
            if ref is not None and not org.defines("queue", ref):
                yield _ref(origin.at(field_name), "queue", ref, org.queues), ()
        if queue.sop is not None and not org.defines("sop", queue.sop):
            yield (
                Diagnostic.at(
                    origin.at("sop"),
                    "QP104",
                    f"SOP {queue.sop} does not exist",
                    did_you_mean(queue.sop, org.sops) or "SOPs live under sops/ as *.md.j2",
                ),
                (),
            )
    for key, target in org.targets.items():
        origin = org.origin("target", key)
        if target.queue is not None and not org.defines("queue", target.queue):
            yield _ref(origin.at("queue"), "queue", target.queue, org.queues), ()
        if target.workflow is not None and not org.defines("workflow", target.workflow):
            yield _ref(origin.at("workflow"), "workflow", target.workflow, org.workflows), ()
    for qid in org.allocations:
        origin = org.origin("allocation", qid)
        if not org.defines("queue", qid):
            yield _ref(origin.at("queue"), "queue", qid, org.queues), ()
    for _, _, shares, at, _label in _share_sets(org):
        for team in shares:
            if not org.defines("team", team):
                yield _ref(at("shares", team, key=True), "team", team, org.teams), ()
    for qid, allocation in org.allocations.items():
        origin = org.origin("allocation", qid)
        for index, phase in enumerate(allocation.phases):
            for team in phase.recovery.extra_fte if phase.recovery else ():
                if not org.defines("team", team):
                    where = origin.at("phases", index, "recovery", "extra_fte", team, key=True)
                    yield _ref(where, "team", team, org.teams), ()


def allocation_shares(org: Organisation, today: date) -> Iterator[Finding]:
    for qid, _, shares, at, label in _share_sets(org):
        total = sum(shares.values())
        if abs(total - 100) > 1e-9:
            yield (
                Diagnostic.at(
                    at("shares"),
                    "QP110",
                    f"shares of {qid}{label} sum to {total:g}, not 100",
                    "shares are percentages of the queue's volume",
                ),
                (),
            )
    for qid, queue in sorted(org.queues.items()):
        if queue.status != "retired":
            continue
        allocation = org.allocations.get(qid)
        volume = queue.forecast.weekly_volume if queue.forecast else 0
        unrouted = unrouted_retirement(org, qid, volume, allocation is not None)
        if unrouted is not None:
            yield unrouted, (queue,)
        elif allocation is not None:
            yield (
                Diagnostic.at(
                    org.origin("allocation", qid).at("queue"),
                    "QP113",
                    f"queue {qid} is retired but still has an allocation",
                    f"remove the allocation: its volume moves to {queue.migrate_to}",
                ),
                (allocation, queue),
            )


def unrouted_retirement(
    org: Organisation, qid: str, volume: float, allocated: bool
) -> Diagnostic | None:
    """QP191 for a retired queue that still has volume or an allocation and does not say
    where its items go: the one check ``validate`` and plan's lifecycle check both make."""
    if org.queues[qid].migrate_to is not None or not (volume > 0 or allocated):
        return None
    return Diagnostic.at(
        org.origin("queue", qid).at("status"),
        "QP191",
        f"queue {qid} is retired with {volume:g} items a week"
        + (" and an allocation" if allocated else "")
        + "; say where its items go with migrate_to",
        "migrate_to: a live queue with the same policy, languages and data classification",
    )


def languages_and_clearances(org: Organisation, today: date) -> Iterator[Finding]:
    for qid, allocation, shares, at, label in _share_sets(org):
        queue = org.queues.get(qid)
        if queue is None:
            continue
        teams = [org.teams[t] for t in shares if t in org.teams]
        if len(teams) != len(shares):
            continue  # unknown teams are reported already
        spoken = {lang for team in teams for lang in team.languages}
        for language in queue.languages:
            if not speaks(spoken, language):
                yield (
                    Diagnostic.at(
                        at("shares"),
                        "QP111",
                        f"no team allocated to {qid}{label} speaks {language!r}",
                        "allocate a team with that language, or drop it from the queue",
                    ),
                    (allocation, queue),
                )
        if queue.data_classification != "public":
            for team in teams:
                if queue.data_classification not in team.clearances:
                    yield (
                        Diagnostic.at(
                            at("shares", team.id, key=True),
                            "QP112",
                            f"team {team.id} is not cleared for {queue.data_classification} data "
                            f"but is allocated to {qid}{label}",
                            "allocate only teams whose clearances include "
                            + queue.data_classification,
                        ),
                        (),
                    )


def escalation_graph(org: Organisation, today: date) -> Iterator[Finding]:
    for qid, queue in org.queues.items():
        target = queue.escalates_to
        if target is None or target not in org.queues:
            continue
        if target == qid:
            yield (
                Diagnostic.at(
                    org.origin("queue", qid).at("escalates_to"),
                    "QP122",
                    f"queue {qid} escalates to itself",
                ),
                (queue,),
            )
        elif org.queues[target].kind != "escalation":
            yield (
                Diagnostic.at(
                    org.origin("queue", qid).at("escalates_to"),
                    "QP122",
                    f"queue {qid} escalates to {target}, "
                    f"which is a {org.queues[target].kind} queue",
                    "escalate to a queue of kind escalation",
                ),
                (queue,),
            )
        elif missing := [
            lang for lang in queue.languages if not speaks(org.queues[target].languages, lang)
        ]:
            yield (
                Diagnostic.at(
                    org.origin("queue", qid).at("escalates_to"),
                    "QP123",
                    f"queue {qid} escalates to {target}, which does not review "
                    f"{', '.join(missing)}",
                    f"add {', '.join(missing)} to {target}'s languages, or escalate to a "
                    "queue that reviews them",
                ),
                (queue,),
            )
    # cycles: follow each chain once; a chain that returns to a queue on it is a cycle
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in sorted(org.queues):
        path: list[str] = []
        current: str | None = start
        while current is not None and current in org.queues and state.get(current) is None:
            state[current] = 1
            path.append(current)
            nxt = org.queues[current].escalates_to
            current = nxt if nxt != current else None
        if current is not None and state.get(current) == 1:
            cycle = [*path[path.index(current) :], current]
            first = min(cycle[:-1])
            yield (
                Diagnostic.at(
                    org.origin("queue", first).at("escalates_to"),
                    "QP120",
                    "escalation cycle: " + " -> ".join(cycle),
                    "an escalation path must end in a queue that escalates no further",
                ),
                (),
            )
        for qid in path:
            state[qid] = 2


def training_pairs(org: Organisation, today: date) -> Iterator[Finding]:
    for qid, queue in org.queues.items():
        tid = queue.training_queue
        if tid is None or tid not in org.queues:
            continue
        training = org.queues[tid]
        if training.kind != "training":
            yield (
                Diagnostic.at(
                    org.origin("queue", qid).at("training_queue"),
                    "QP121",
                    f"training queue {tid} of {qid} is of kind {training.kind}, not training",
                ),
                (),
            )
        elif training.policy != queue.policy:
            yield (
                Diagnostic.at(
                    org.origin("queue", tid).at("policy"),
                    "QP121",
                    f"training queue {tid} binds {training.policy} but {qid} binds {queue.policy}",
                    "retrain on the production queue's policy version",
                ),
                (),
            )
        elif training.template != queue.template:
            yield (
                Diagnostic.at(
                    org.origin("queue", tid).at("template"),
                    "QP121",
                    f"training queue {tid} uses template {training.template} "
                    f"but {qid} uses {queue.template}",
                ),
                (),
            )


def live_queue_readiness(org: Organisation, today: date) -> Iterator[Finding]:
    ttp_seen: dict[str, str] = {}
    for qid, queue in org.queues.items():
        origin = org.origin("queue", qid)
        if queue.ttp_queue is not None:
            if queue.ttp_queue in ttp_seen:
                yield (
                    Diagnostic.at(
                        origin.at("ttp_queue"),
                        "QP131",
                        f"TTP logical queue {queue.ttp_queue} "
                        f"is also used by {ttp_seen[queue.ttp_queue]}",
                    ),
                    (),
                )
            else:
                ttp_seen[queue.ttp_queue] = qid
        if queue.status not in ("ready", "live") or queue.kind != "production":
            continue
        missing = []
        if org.target_for(queue) is None and not org.defines("target", qid):
            missing.append("targets")
        if not org.defines("allocation", qid):
            missing.append("an allocation")
        if queue.training_queue is None:
            missing.append("a training queue")
        if queue.ttp_queue is None:
            missing.append("a TTP logical queue (ttp_queue)")
        if queue.sop is None:
            missing.append("an SOP")
        if missing:
            yield (
                Diagnostic.at(
                    origin.at("status"),
                    "QP130",
                    f"{queue.status} queue {qid} is missing " + ", ".join(missing),
                    f"a {queue.status} production queue needs all of them; "
                    "set status: draft until then",
                ),
                (),
            )


def sop_front_matter(org: Organisation, today: date) -> Iterator[Finding]:
    from qplan.check.readiness import SOP_REVIEW_OVERDUE

    for path, sop in org.sops.items():
        due = sop.front.last_reviewed + timedelta(days=sop.front.review_every_days)
        if due < today:
            yield (
                Diagnostic.at(
                    sop.origin.at("last_reviewed"),
                    SOP_REVIEW_OVERDUE,
                    f"SOP review overdue since {due.isoformat()} "
                    f"(last reviewed {sop.front.last_reviewed.isoformat()}, "
                    f"every {sop.front.review_every_days} days)",
                    "review the SOP with its owner and update last_reviewed",
                ),
                (sop.front,),
            )
        for index, qid in enumerate(sop.front.queues):
            if not org.defines("queue", qid):
                yield _ref(sop.origin.at("queues", index), "queue", qid, org.queues), ()
            elif qid in org.queues and org.queues[qid].sop not in (None, path):
                yield (
                    Diagnostic.at(
                        sop.origin.at("queues", index),
                        "QP142",
                        f"SOP {path} lists {qid}, whose sop is {org.queues[qid].sop}",
                    ),
                    (sop.front,),
                )
    for qid, queue in org.queues.items():
        if queue.sop in org.sops and qid not in org.sops[queue.sop].front.queues:
            yield (
                Diagnostic.at(
                    org.origin("queue", qid).at("sop"),
                    "QP142",
                    f"queue {qid} names SOP {queue.sop}, whose front matter does not list it",
                    f"add {qid} to the SOP's queues",
                ),
                (queue,),
            )


def readiness(org: Organisation, today: date) -> Iterator[Finding]:
    """Ready and live queues pass the launch gates that no other rule already checks."""
    from qplan.check.readiness import CASE_SET_INCOMPLETE, case_set_problems, gates

    for qid, queue in sorted(org.queues.items()):
        if queue.training is not None and queue.training.case_set in org.case_sets:
            case_set = org.case_sets[queue.training.case_set]
            for problem in case_set.problems:  # reading the file: as read, with their hints
                yield problem, (queue,)
            for line, message, code in case_set_problems(org, queue):
                if code == CASE_SET_UNREADABLE:
                    continue  # reported just above
                if code == CASE_SET_INCOMPLETE and queue.status == "draft":
                    continue  # a draft's case set is still being written: readiness says so
                position = (
                    org.origin("queue", qid).at("training")
                    if code == CASE_SET_INCOMPLETE
                    else Position(case_set.path, line, 1)
                )
                yield Diagnostic.at(position, code, f"training case set {message}"), (queue,)
        if queue.status not in ("ready", "live"):
            continue
        origin = org.origin("queue", qid)
        for gate in gates(org, queue, today=today, only=_READINESS_ONLY):
            if gate.passed or not _only_readiness_finds(gate.id, gate.reason, queue.kind):
                continue
            yield (
                Diagnostic.at(
                    origin.at("status"),
                    "QP170",
                    f"{queue.status} queue {qid} fails the gate '{gate.title}': {gate.reason}",
                    gate.fix or None,
                ),
                (queue,),
            )


_READINESS_ONLY = frozenset({"template", "training-cases", "escalation", "qa"})


def _only_readiness_finds(gate: str, reason: str, kind: str) -> bool:
    """Gates (or failures of them) that no other rule reports (a production queue's case
    set is reported on its training queue)."""
    if gate == "escalation":
        return reason != "the escalation path loops"  # QP120 reports the cycle
    if gate == "qa":
        return True
    if gate == "template":
        return reason == "no labeling template"
    if gate == "training-cases":
        return kind == "training" and reason.endswith("names no case set")
    return False


def _suppression_problems(org: Organisation, today: date) -> Iterator[Finding]:
    items: list[tuple[Any, Callable[..., Position]]] = []
    for (kind, key), origin in org.origins.items():
        item = org.item(kind, key)
        if item is not None:  # None: left out after validation (already reported)
            items.append((item, origin.at))
    items.extend((sop.front, sop.origin.at) for sop in org.sops.values())
    for item, at in items:
        for index, code in enumerate(item.suppress):
            rule_ = RULES.get(code)
            if rule_ is None or not rule_.suppressible:
                reason = "is not a rule" if rule_ is None else "cannot be suppressed"
                yield (
                    Diagnostic.at(
                        at("suppress", index),
                        "QP150",
                        f"{code} {reason}",
                        "see `qplan rules` for the codes that may be suppressed",
                    ),
                    (),
                )


def actuals(org: Organisation, today: date) -> Iterator[Finding]:
    """The actuals name known queues and teams (QP109), lie in the past (QP107) and skip
    no day (QP108)."""
    found = org.actuals
    if found is None or not (org.queues or org.teams):
        return  # no organisation (QP015 says so): every name would be unknown
    for what, names, known in (
        ("queue", found.queue_names, org.queues),
        ("team", found.team_names, org.teams),
    ):
        suggested = 0  # "did you mean" compares with every name: for the first few only
        for name, position in sorted(names.items()):
            if name not in known and not org.defines(what, name):
                suggested += 1
                close = did_you_mean(name, known) if suggested <= MAX_PER_CODE else None
                hint = close or f"a {what} removed since? Its rows are left out of health"
                message = f"actuals name an unknown {what} {name[:80]!r}"
                yield Diagnostic.at(position, "QP109", message, hint), ()

    for (qid, tid), series in sorted(found.series.items()):
        if qid not in org.queues or tid not in org.teams:
            continue  # reported above, once per name
        days = sorted(series)
        late = dated_after(found, qid, tid, today)
        if late is not None:
            yield late, ()
        for before, after in itertools.pairwise(days):
            if after - before > 1:
                record = series[after]
                first = date.fromordinal(before + 1)
                missing = after - before - 1
                yield (
                    Diagnostic.at(
                        found.position(record),
                        "QP108",
                        f"actuals for {qid} at {tid} skip {plural(missing, 'day')} from "
                        f"{first.isoformat()}",
                        "add the missing rows (zeros where nothing arrived), so health "
                        "figures are not read from a partial week",
                    ),
                    (),
                )


def scenarios(org: Organisation, today: date) -> Iterator[Finding]:
    """Every change of every scenario applies to the organisation (QP102, QP180, QP181)."""
    from qplan.model.scenario import overlay

    for sid, scenario in sorted(org.scenarios.items()):
        for problem in overlay(org, scenario, org.origin("scenario", sid)).problems:
            yield problem, (scenario,)


def projects(org: Organisation, today: date) -> Iterator[Finding]:
    """Projects name known queues, workflows and policies (QP102), keep their milestones
    (QP182), have their launches ready (QP183) and their risks owned (QP184) and closed
    with the project (QP185)."""
    for pid, project in sorted(org.projects.items()):
        origin = org.origin("project", pid)
        for index, qid in enumerate(project.queues):
            if not org.defines("queue", qid):
                yield _ref(origin.at("queues", index), "queue", qid, org.queues), ()
        for index, wid in enumerate(project.workflows):
            if not org.defines("workflow", wid):
                yield _ref(origin.at("workflows", index), "workflow", wid, org.workflows), ()
        for index, binding in enumerate(project.policies):
            name, _, version = binding.partition("@")
            at = functools.partial(origin.at, "policies", index)
            yield from _policy_binding(org, at, name, int(version) if version else None)
        if project.status == "closed":
            for index, risk in enumerate(project.risks):
                if risk.is_open:
                    yield (
                        Diagnostic.at(
                            origin.at("risks", index, "status"),
                            "QP185",
                            f"project {pid} is closed with an open {risk.severity} risk: "
                            f"{_short(risk.description)}",
                            "close, accept or mitigate the risk, or reopen the project",
                        ),
                        (project,),
                    )
            continue
        for index, risk in enumerate(project.risks):
            if risk.owner is None and risk.status != "closed":
                yield (
                    Diagnostic.at(
                        origin.at("risks", index),
                        "QP184",
                        f"project {pid}: the {risk.severity} risk "
                        f"{_short(risk.description)!r} has no owner",
                        "name the person who watches it: owner: someone@example.com",
                    ),
                    (project,),
                )
        for index, milestone in enumerate(project.milestones):
            if milestone.done is not None:
                continue
            if milestone.due < today:
                late = (today - milestone.due).days
                yield (
                    Diagnostic.at(
                        origin.at("milestones", index, "due"),
                        "QP182",
                        f"project {pid}: milestone {milestone.name!r} was due "
                        f"{milestone.due.isoformat()} ({plural(late, 'day')} ago) and is not done",
                        "set its done date, or move its due date and say why in an update",
                    ),
                    (project,),
                )
            if milestone.launch and (milestone.due - today).days <= org.launch_notice_days:
                yield from _launch_readiness(org, pid, index, milestone, today)


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _launch_readiness(
    org: Organisation, pid: str, index: int, milestone: Any, today: date
) -> Iterator[Finding]:
    """QP183 for each queue of the project that is not yet live and fails a gate."""
    from qplan.capacity.staffing import derive_organisation
    from qplan.check.readiness import gates

    project = org.projects[pid]
    capacity = derive_organisation(org, today)
    failed = frozenset(org.invalid.get("sop", ()))
    for qid in project.queues:
        queue = org.queues.get(qid)
        if queue is None or queue.status in ("live", "paused", "retired"):
            continue
        failing = [
            g
            for g in gates(org, queue, today=today, capacity=capacity, failed_sops=failed)
            if g.blocking
        ]
        if not failing:
            continue
        first = failing[0]
        more = f" (and {plural(len(failing) - 1, 'more gate')})" if len(failing) > 1 else ""
        yield (
            Diagnostic.at(
                org.origin("project", pid).at("milestones", index, "due"),
                "QP183",
                f"project {pid}: queue {qid} launches {milestone.due.isoformat()} but fails the "
                f"gate '{first.title}': {first.reason}{more}",
                first.fix or f"qplan readiness {qid} lists what is left",
            ),
            (project,),
        )


#: every rule, in the order they run
CHECKS: tuple[Check, ...] = (
    unique_ids,
    references,
    allocation_shares,
    languages_and_clearances,
    escalation_graph,
    training_pairs,
    live_queue_readiness,
    sop_front_matter,
    guardrails,
    capacity,
    intervals,
    sla_horizon,
    readiness,
    actuals,
    scenarios,
    projects,
)


def check(org: Organisation, today: date) -> list[Diagnostic]:
    """Run every semantic rule; findings suppressed by their subject are dropped.

    A finding's subjects are the items it is about (a queue, its allocation, the
    guardrail …); any of them may suppress the finding's code when the rule allows.
    """
    from qplan.capacity.staffing import TrafficOverLimit

    kept: dict[Diagnostic, None] = {}
    for function in [*CHECKS, _suppression_problems]:
        try:
            for diagnostic, subjects in function(org, today):
                if RULES[diagnostic.code].suppressible and any(
                    diagnostic.code in subject.suppress for subject in subjects
                ):
                    continue
                kept[diagnostic] = None
        except TrafficOverLimit as exc:  # no figure can be worked out until it is split
            position = org.origin("queue", exc.queue).at("forecast")
            kept[Diagnostic.at(position, "QP023", exc.message, exc.hint)] = None
    return list(kept)
