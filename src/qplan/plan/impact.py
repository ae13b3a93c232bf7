"""What a change does to staffing, cost and SLA: capacity figures before and after.

A team's figures depend only on the queues it works, and a queue's only on its teams, so
the figures are derived again for the part of the organisation a change can reach: the
teams it touches (directly, through an allocation, or through a queue or target of
theirs), the teams that share queues with them, and all their queues. A one-queue change
in an organisation of 10,000 queues derives a handful. Only queues and teams whose
figures move are listed, and a warning is raised for each problem the change brings in:
a queue that no longer meets its target or becomes unstable, a team pushed over its cap.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qplan.capacity.figures import TOTALS, Capacity, QueueCapacity, TeamCapacity
from qplan.capacity.staffing import Planning, derive
from qplan.check.capacity_rules import OVER_CAP, SLA_BELOW_TARGET, UNSTABLE
from qplan.core.units import items_a_day
from qplan.plan.resources import Resource, validator

#: the fields of a queue that tie it to other resources the impact must reach
_LINKS = ("migrate_to", "profile", "training_queue")
# impact warnings share the codes of the validate rule that finds the same problem


def capacity_of(
    snapshot: Mapping[str, Resource],
    on: date | None = None,
    known: Mapping[str, tuple[str, Any]] | None = None,
) -> Capacity:
    """Capacity figures of a snapshot of resources (a state revision or a plan's desired).

    ``known`` (address → (body, item)) holds items already validated, such as the desired
    organisation's: a resource with the same body is taken from there instead of being
    parsed and validated again."""
    from qplan.capacity.intervals import arrival_pattern
    from qplan.model.format import Allocation, Profile, Queue, Target, Team

    teams: dict[str, Team] = {}
    queues: dict[str, Queue] = {}
    targets: dict[str, Target] = {}
    allocations: dict[str, Allocation] = {}
    profiles: dict[str, Profile] = {}
    forecasts: dict[str, Any] = {}
    caps: dict[str, Any] = {}
    tables: dict[str, dict[str, Any]] = {
        "team": teams,
        "queue": queues,
        "target": targets,
        "allocation": allocations,
    }
    for resource in snapshot.values():
        same = known.get(resource.address) if known else None
        if same is not None and same[0] == resource.body and resource.kind in tables:
            tables[resource.kind][resource.id] = same[1]
            continue
        if resource.kind == "profile":
            profiles[resource.id] = Profile.model_validate(resource.fields())
        elif resource.kind == "forecast":
            forecasts[resource.id] = _ForecastWeek(**resource.fields())
        elif resource.kind == "guardrail" and '"exposure_cap"' in resource.body:
            caps[resource.id] = validator("guardrail").validate_python(resource.fields())
        if resource.kind == "team":
            teams[resource.id] = Team.model_validate(resource.fields())
        elif resource.kind == "queue":
            queues[resource.id] = Queue.model_validate(resource.fields())
        elif resource.kind == "target":
            targets[resource.id] = Target.model_validate(resource.fields())
        elif resource.kind == "allocation":
            allocations[resource.id] = Allocation.model_validate(resource.fields())
    patterns = {
        pid: arrival_pattern(profile, forecasts.get(pid))
        for pid, profile in profiles.items()
        if profile.csv is None or pid in forecasts
    }
    return derive(teams, queues, targets, allocations, on, Planning(patterns, caps))


@dataclass(frozen=True)
class _ForecastWeek:
    """A forecast CSV's week as a state or plan stores it."""

    path: str
    checksum: str
    volumes: list[float]
    aht_seconds: list[float]


#: the figures an impact compares, per queue and per team (a draft queue is sized for
#: planning and left out of its teams' figures: a launch that counts it moves ``draft``)
QUEUE_FIGURES = (
    "draft",
    "required_fte",
    "projected_sla_percent",
    "target_sla_percent",
    "target_within",
    "meets_target",
    "stable",
    "backlog_growth_items_per_day",
    "weekly_cost",
    "cost_per_item",
)
TEAM_FIGURES = (
    "headcount_fte",
    "required_fte",
    "utilisation_percent",
    "cap_percent",
    "over_cap",
    "weekly_cost",
)


def _figures(item: QueueCapacity | TeamCapacity | None, keys: tuple[str, ...]) -> Any:
    """Those figures of a queue's or team's contract (None when it does not exist)."""
    if item is None:
        return None
    contract = item.summary() if isinstance(item, QueueCapacity) else item.contract()
    return {k: contract[k] for k in keys}


class _Index:
    """Which teams work which queues, and which queues fall back on a workflow target."""

    def __init__(
        self, snapshot: Mapping[str, Resource], parsed: dict[str, dict[str, Any]] | None = None
    ) -> None:
        """``parsed`` keeps the fields of each body read, for an index of another snapshot
        that holds the same resources."""
        parsed = {} if parsed is None else parsed

        def fields(resource: Resource) -> dict[str, Any]:
            found = parsed.get(resource.body)
            if found is None:
                found = parsed[resource.body] = resource.fields()
            return found

        self.teams_of: dict[str, set[str]] = {}
        self.queues_of: dict[str, set[str]] = defaultdict(set)
        self.by_workflow: dict[str, set[str]] = defaultdict(set)
        self.migrates_to: dict[str, str] = {}
        self.by_profile: dict[str, set[str]] = defaultdict(set)
        self.exposure_caps: set[str] = set()
        self.teams: set[str] = set()
        pairs: dict[str, str] = {}  # production queue → its training queue
        for resource in snapshot.values():
            if resource.kind == "team":
                self.teams.add(resource.id)
            elif resource.kind == "guardrail" and '"exposure_cap"' in resource.body:
                self.exposure_caps.add(resource.id)
            if resource.kind == "allocation":
                shares = fields(resource)  # every team of every phase: any may be in force
                teams = set(shares["shares"]).union(
                    *(phase["shares"] for phase in shares.get("phases", ()))
                )
                self.teams_of[resource.id] = teams
                for tid in teams:
                    self.queues_of[tid].add(resource.id)
            elif resource.kind == "queue":
                self.by_workflow[resource.group].add(resource.id)
                if any(f'"{name}"' in resource.body for name in _LINKS):
                    queue = fields(resource)
                    if "training_queue" in queue:
                        pairs[resource.id] = queue["training_queue"]
                    if "migrate_to" in queue:
                        self.migrates_to[resource.id] = queue["migrate_to"]
                    profile = (queue.get("forecast") or {}).get("profile")
                    if profile:
                        self.by_profile[profile].add(resource.id)
        # a training queue without an allocation is worked by its production queue's teams
        for production, training in pairs.items():
            if training not in self.teams_of and production in self.teams_of:
                self.teams_of[training] = self.teams_of[production]
                for tid in self.teams_of[production]:
                    self.queues_of[tid].add(training)


def _reach(
    changed: Iterable[tuple[str, str]], indexes: list[_Index]
) -> tuple[set[str], set[str], set[str]]:
    """(touched teams, their neighbours, every queue to derive) for the changed resources."""
    touched: set[str] = set()
    queues: set[str] = set()
    for kind, ident in changed:
        if kind == "team":
            touched.add(ident)
        elif kind == "guardrail" and any(ident in i.exposure_caps for i in indexes):
            touched |= set().union(*(i.teams for i in indexes))  # a cap can move any team
        elif kind in ("queue", "allocation", "target", "profile", "forecast"):
            if kind in ("profile", "forecast"):
                affected = set().union(*(i.by_profile[ident] for i in indexes))
            elif ident.startswith("workflow:"):
                affected = set().union(*(i.by_workflow[ident[9:]] for i in indexes))
            else:
                affected = {ident}
            # a retired queue's items move to its migrate_to queue, and so does the load
            affected |= {i.migrates_to[q] for i in indexes for q in affected if q in i.migrates_to}
            queues |= affected
            for index in indexes:
                for qid in affected:
                    touched |= index.teams_of.get(qid, set())
    near = set(touched)
    for index in indexes:
        for tid in touched:
            for qid in index.queues_of.get(tid, ()):
                near |= index.teams_of[qid]
    for index in indexes:
        for tid in near:
            queues |= index.queues_of.get(tid, set())
    return touched, near, queues


def _part(
    snapshot: Mapping[str, Resource], teams: set[str], queues: set[str]
) -> dict[str, Resource]:
    """The resources capacity needs for these teams and queues (with workflow targets)."""
    out = {}
    workflows = set()
    for qid in queues:
        for address in (f"queue.{qid}", f"allocation.{qid}", f"target.{qid}"):
            if address in snapshot:
                out[address] = snapshot[address]
        if f"queue.{qid}" in snapshot:
            workflows.add(snapshot[f"queue.{qid}"].group)
    for wid in workflows:
        address = f"target.workflow:{wid}"
        if address in snapshot:
            out[address] = snapshot[address]
    for tid in teams:
        if f"team.{tid}" in snapshot:
            out[f"team.{tid}"] = snapshot[f"team.{tid}"]
    for address, resource in snapshot.items():  # few, and any queue may use them
        if resource.kind in ("profile", "forecast") or (
            resource.kind == "guardrail" and '"exposure_cap"' in resource.body
        ):
            out[address] = resource
    return out


def plan_impact(
    desired: Mapping[str, Resource],
    current: Mapping[str, Resource],
    changed: Iterable[tuple[str, str]],
    after_whole: Capacity | None = None,
    on: date | None = None,
    known: Mapping[str, tuple[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``impact`` section of a plan from (kind, id) of each changed resource.

    ``after_whole``, the desired organisation's figures when the caller has them, saves
    deriving them again for the totals; ``known`` (see :func:`capacity_of`) saves parsing
    the resources that did not change.
    """
    changed = list(changed)
    parsed: dict[str, dict[str, Any]] = {}  # an unchanged resource is read once, not twice
    touched, near, queues = _reach(changed, [_Index(desired, parsed), _Index(current, parsed)])
    if not touched and not queues:
        return {}
    before = capacity_of(_part(current, near, queues), on, known)
    # the desired organisation's figures are already derived in full by validate: the
    # reachable part of them is the same as deriving that part again
    after = after_whole or capacity_of(_part(desired, near, queues), on, known)
    whole = after_whole or capacity_of(desired, on, known)
    shown = {q for t in touched for q in (*_queues_of(before, t), *_queues_of(after, t))}
    shown |= {q for q in queues if not (_teams_of(before, q) | _teams_of(after, q)) - touched}
    found = impact(
        _only(before, touched, shown),
        _only(after, touched, shown),
        totals_after={name: whole.total(name) for name in TOTALS},
    )
    phases = []
    # the first plan takes the organisation as it is: every resource is new, and its later
    # phases would only list the whole organisation again, at several dates
    for day in _phase_dates(desired, current, changed, on) if current else ():
        later_before = capacity_of(_part(current, near, queues), day, known)
        later_after = capacity_of(_part(desired, near, queues), day, known)
        moved = impact(
            _only(later_before, touched, shown | set(later_after.queues)),
            _only(later_after, touched, shown | set(later_after.queues)),
        )
        if moved:
            moved.pop("totals", None)  # the whole organisation is derived for today only
            phases.append({"from": day.isoformat(), **moved})
    if phases:
        found = {**(found or {"queues": [], "teams": [], "warnings": []}), "phases": phases}
    return found


#: the most future phase dates a plan's impact is worked out for
MAX_PHASE_DATES = 6


def _phase_dates(
    desired: Mapping[str, Resource],
    current: Mapping[str, Resource],
    changed: list[tuple[str, str]],
    on: date | None,
) -> list[date]:
    """The dates after ``on`` on which a phase of a changed allocation starts, in either
    snapshot: each is a change of its own, dated (the first few)."""
    days: set[date] = set()
    for kind, ident in changed:
        if kind != "allocation":
            continue
        for snapshot in (desired, current):
            resource = snapshot.get(f"allocation.{ident}")
            if resource is None or '"phases"' not in resource.body:
                continue
            for phase in resource.fields().get("phases", []):
                day = date.fromisoformat(phase["from"])
                if on is None or day > on:
                    days.add(day)
    return sorted(days)[:MAX_PHASE_DATES]


def _queues_of(capacity: Capacity, tid: str) -> tuple[str, ...]:
    team = capacity.teams.get(tid)
    return team.queues if team else ()


def _teams_of(capacity: Capacity, qid: str) -> set[str]:
    queue = capacity.queues.get(qid)
    return {s.team for s in queue.shares} if queue else set()


def _only(capacity: Capacity, teams: set[str], queues: set[str]) -> Capacity:
    return Capacity(
        {q: v for q, v in capacity.queues.items() if q in queues},
        {t: v for t, v in capacity.teams.items() if t in teams},
    )


def impact(
    before: Capacity, after: Capacity, totals_after: dict[str, float] | None = None
) -> dict[str, Any]:
    """The ``impact`` section comparing two sets of figures; empty when no figure moves.

    ``before`` and ``after`` may hold only the teams a change touches; ``totals_after``
    then gives the whole organisation's totals after the change, and the totals before are
    worked back from the difference of the teams shown.
    """
    queues = []
    for qid in sorted(before.queues.keys() | after.queues.keys()):
        old = _figures(before.queues.get(qid), QUEUE_FIGURES)
        new = _figures(after.queues.get(qid), QUEUE_FIGURES)
        if old != new:
            queues.append({"queue": qid, "before": old, "after": new})
    teams = []
    for tid in sorted(before.teams.keys() | after.teams.keys()):
        old_team = _figures(before.teams.get(tid), TEAM_FIGURES)
        new_team = _figures(after.teams.get(tid), TEAM_FIGURES)
        if old_team != new_team:
            teams.append({"team": tid, "before": old_team, "after": new_team})
    if not queues and not teams:
        return {}
    if totals_after is None:
        totals_after = {name: after.total(name) for name in TOTALS}
    totals = {
        name: {
            "before": _round(totals_after[name] - after.total(name) + before.total(name)),
            "after": _round(totals_after[name]),
        }
        for name in TOTALS
    }
    return {
        "queues": queues,
        "teams": teams,
        "totals": totals,
        "warnings": _warnings(before, after),
    }


def _round(value: float) -> float:
    return round(value, 2) + 0.0


def _warnings(before: Capacity, after: Capacity) -> list[dict[str, str]]:
    out = []
    for qid, q in sorted(after.queues.items()):
        was = before.queues.get(qid)
        if not q.stable and (was is None or was.stable):
            out.append(
                {
                    "code": UNSTABLE,
                    "address": f"queue.{qid}",
                    "message": (
                        "becomes unstable: its backlog grows without bound, by "
                        + items_a_day(q.backlog_growth_per_day)
                    ),
                }
            )
        elif (
            q.stable and q.meets_target is False and (was is None or was.meets_target is not False)
        ):
            out.append(
                {
                    "code": SLA_BELOW_TARGET,
                    "address": f"queue.{qid}",
                    "message": (
                        f"falls below its target: {q.projected_sla_percent:.1f}% within "
                        f"{q.target_within}, target {q.target_sla_percent:g}%"
                    ),
                }
            )
    for tid, t in sorted(after.teams.items()):
        was_team = before.teams.get(tid)
        if t.over_cap and (was_team is None or not was_team.over_cap):
            out.append(
                {
                    "code": OVER_CAP,
                    "address": f"team.{tid}",
                    "message": (
                        f"goes over its cap: needs {t.required_fte:.1f} FTE, has "
                        f"{t.headcount_fte:g} ({t.utilisation_percent:.0f}% utilised, cap "
                        f"{t.cap_percent:g}%)"
                        if math.isfinite(t.utilisation_percent)
                        else f"goes over its cap: needs {t.required_fte:.1f} FTE, has none"
                    ),
                }
            )
    return out
