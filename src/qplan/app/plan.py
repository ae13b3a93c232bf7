"""``qplan plan`` and rollback: the plan of the repository against the applied state, with
its capacity impact and, for the queues it touches that have actuals, their health."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qplan.app.git import DIRTY, actor, git_commit
from qplan.app.health import assess_health
from qplan.app.workspace import (
    case_set_paths,
    input_paths,
    sources_digest,
    validate_repository,
)
from qplan.check.semantics import ValidationResult
from qplan.load.settings import Settings
from qplan.model.organisation import Organisation

if TYPE_CHECKING:
    from qplan.plan.plan import Plan as Plan
    from qplan.plan.resources import Resource
    from qplan.plan.state import Revision, StateStore


@dataclass
class PlanResult:
    """What ``qplan plan`` made: the validation it ran and the plan (None if invalid)."""

    validation: ValidationResult
    plan: Plan | None


def desired_snapshot(validation: ValidationResult) -> dict[str, Resource]:
    from qplan.plan.resources import desired_resources

    return desired_resources(
        validation.organisation, validation.sops.texts, validation.settings.sops_dir
    )


def plan_repository(
    settings: Settings, store: StateStore, validation: ValidationResult | None = None
) -> PlanResult:
    """Validate the repository (unless ``validation`` is given) and, when it is valid, plan
    it against the latest revision."""
    from qplan.capacity.staffing import derive_organisation
    from qplan.plan.plan import Base, make_plan

    validation = validation or validate_repository(settings=settings)
    if validation.report.has_errors:
        return PlanResult(validation, None)
    sources = sources_digest(settings, case_set_paths(validation.organisation))
    head = store.head()
    current = store.resources()
    desired = desired_snapshot(validation)
    from qplan.plan.lifecycle import transition_problems
    from qplan.plan.resources import check_read_back

    check_read_back(current, desired, "the state")
    transitions = transition_problems(
        validation.organisation, current, settings.workflows_dir, desired
    )
    validation.report.extend(transitions)
    if validation.report.has_errors:
        return PlanResult(validation, None)
    base = Base(head.lineage if head else None, head.serial if head else 0, len(current))
    plan = make_plan(
        desired,
        current,
        base,
        diagnostics=validation.report.sorted(),
        max_share_move=settings.max_share_move,
        sources_digest=sources,
        capacity_after=derive_organisation(validation.organisation, settings.today),
        extra_approvers=settings.approvers,
        on=settings.today,
        known_items=known_items(validation.organisation, desired),
    )
    plan.health = _health_notes(validation, plan)
    extract = validation.organisation.actuals_extract
    if extract is not None:
        plan.actuals = extract.contract()
    return PlanResult(validation, plan)


def _health_notes(validation: ValidationResult, plan: Plan) -> list[dict[str, Any]]:
    """For each queue the plan changes (or whose figures it moves) that has actuals:
    whether it is missing its targets in the last four weeks of actuals."""
    org = validation.organisation
    if org.actuals is None or org.actuals.empty:
        return []
    from qplan.report.health import plan_note

    touched = {
        c.address.partition(".")[2]
        for c in plan.changes
        if c.address.startswith(("queue.", "allocation.", "target."))
    }
    touched |= {entry["queue"] for entry in plan.impact.get("queues", [])}
    touched &= set(org.queues)
    if not touched:
        return []
    # A note says whether targets were met, which the plan's staffing does not change:
    # today's figures, which validate derived already, serve (no second derivation).
    health = assess_health(validation, plan_day=validation.settings.today)
    return [plan_note(health.queues[q], health) for q in sorted(touched) if q in health.queues]


def rollback_plan(settings: Settings, store: StateStore, serial: int) -> Plan:
    """A plan that brings the state back to revision ``serial``, reviewed like any other."""
    from qplan.plan.plan import Base, make_plan
    from qplan.plan.resources import check_read_back

    store.revision(serial)  # an error if there is no such revision
    head = store.head()
    assert head is not None
    current = store.resources()
    wanted = store.resources(serial)
    check_read_back(wanted, {}, "the state")
    check_read_back(current, wanted, "the state")
    return make_plan(
        wanted,
        current,
        Base(head.lineage, head.serial, len(current)),
        max_share_move=settings.max_share_move,
        origin=f"rollback to serial {serial}",
        extra_approvers=settings.approvers,
        on=settings.today,
    )


def known_items(org: Organisation, desired: Mapping[str, Resource]) -> dict[str, tuple[str, Any]]:
    """Address → (body, item) of the organisation's teams, queues, targets and allocations
    (what the capacity model reads): the state's unchanged resources are taken from here
    instead of being parsed again."""
    found: dict[str, tuple[str, Any]] = {}
    for kind, table in (
        ("team", org.teams),
        ("queue", org.queues),
        ("target", org.targets),
        ("allocation", org.allocations),
    ):
        for key, item in table.items():
            resource = desired.get(f"{kind}.{key}")
            if resource is not None:
                found[resource.address] = (resource.body, item)
    return found


def load_plan(path: str) -> Plan:
    """A saved plan, its checksum verified (and its signature, when ``QPLAN_PLAN_KEY`` is
    set)."""
    from qplan.plan.plan import Plan as SavedPlan
    from qplan.plan.plan import plan_key

    return SavedPlan.load(path, plan_key())


def save_plan(plan: Plan, path: str) -> None:
    """Save ``plan`` for ``qplan apply``, signed when ``QPLAN_PLAN_KEY`` is set."""
    from qplan.plan.plan import plan_key

    plan.save(path, plan_key())


def working_commit(settings: Settings) -> str | None:
    """The commit a revision records: ``<sha>-dirty`` when the organisation's files differ."""
    return git_commit(settings.root, input_paths(settings))


def reviewed_digest(
    settings: Settings, plan: Plan, plan_file: str, *, rollback: bool, ignore_drift: bool
) -> str | None:
    """The digest of what the repository wants now, which a saved plan must still match to
    be applied (None: not checked). A plan not made from the repository (a rollback) is
    refused unless ``rollback`` says so, and the other way round; a plan this CI signed,
    made from the very files that are here now, is trusted without validating again."""
    from qplan.core.errors import PlanRefused
    from qplan.plan.plan import plan_case_sets
    from qplan.plan.resources import digest

    if (plan.origin != "repository") != rollback:
        raise PlanRefused(
            f"plan file {plan_file} is a {plan.origin[:80]!r} plan, not made from "
            "the repository: review it, then apply it with --rollback"
            if not rollback
            else f"--rollback: plan file {plan_file} was made from the repository, not by "
            "`qplan state rollback`"
        )
    if plan.origin != "repository" or ignore_drift:
        return None
    sources = sources_digest(settings, plan_case_sets(plan))
    if plan.signed and plan.sources_digest and plan.sources_digest == sources:
        return plan.desired_digest
    # anything else is worked out again from the repository
    return digest(desired_snapshot(validate_repository(settings=settings)).values())


def refuse_dirty(commit: str | None, allow_dirty: bool) -> None:
    """A fresh plan is applied from committed files only, unless ``allow_dirty``."""
    from qplan.core.errors import PlanRefused

    if commit and commit.endswith(DIRTY) and not allow_dirty:
        raise PlanRefused(
            "the git tree has uncommitted changes: commit them (so the revision names "
            "the commit it came from), apply a saved plan, or pass --allow-dirty"
        )


def apply_reviewed(
    settings: Settings,
    store: StateStore,
    plan: Plan,
    repo_digest: str | None,
    *,
    actor_name: str | None = None,
    commit: str | None = None,
    allow_large_change: bool = False,
    ignore_repo_drift: bool = False,
    lock_timeout: float = 0.0,
) -> Revision | None:
    """Record a reviewed plan as the state's next revision (None: nothing to apply)."""
    from qplan.plan.apply import ApplyOptions, apply_plan

    options = ApplyOptions(
        actor=actor(settings.root, actor_name),
        git_commit=commit,
        allow_large_change=allow_large_change,
        ignore_repo_drift=ignore_repo_drift,
        lock_timeout=lock_timeout,
        max_change_percent=settings.max_change_percent,
        min_existing=settings.min_existing,
    )
    return apply_plan(plan, store, options, repo_digest)
