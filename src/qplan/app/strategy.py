"""``qplan allocate`` and ``scenario``: the optimiser's split of queues across teams, and
what-if questions laid over today's organisation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qplan.check.semantics import ValidationResult
from qplan.core.diagnostics import Report
from qplan.model.organisation import Organisation

if TYPE_CHECKING:
    from qplan.capacity.allocation import AllocationResult
    from qplan.model.organisation import Origin
    from qplan.model.planning_files import Scenario
    from qplan.plan.scenario import ScenarioResult


def scenario_results(validation: ValidationResult) -> list[ScenarioResult]:
    """The figures of every scenario under scenarios/, in id order."""
    found = []
    org = validation.organisation
    for sid, scenario in sorted(org.scenarios.items()):
        result = evaluate_scenario(validation, scenario, org.origin("scenario", sid))
        if not isinstance(result, Report):  # its problems are validate's errors
            found.append(result)
    return found


def allocate_organisation(
    validation: ValidationResult,
    *,
    workflow: str | None = None,
    queues: Iterable[str] = (),
    objective: str = "cost",
    step: float = 5.0,
    max_move: float = 20.0,
) -> AllocationResult:
    """The optimiser's proposal for the queues of ``workflow`` (or those named, or all)."""
    from qplan.core.errors import UsageError

    org = validation.organisation
    queues = list(queues)
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    for qid in queues:
        if qid not in org.allocations:
            raise UsageError(f"--queue: {qid!r} has no allocation of its own")
    return _allocate(
        validation.organisation,
        validation.settings.today,
        workflow=workflow,
        queues=queues,
        objective=objective,
        step=step,
        max_move=max_move,
    )


def _allocate(
    org: Organisation,
    day: date,
    *,
    workflow: str | None,
    queues: Iterable[str],
    objective: str,
    step: float,
    max_move: float,
) -> AllocationResult:
    from qplan.capacity.allocation import allocate
    from qplan.capacity.staffing import derive_organisation

    capacity = derive_organisation(org, day)
    named = list(queues)
    scope = sorted(
        qid
        for qid in org.allocations
        if (not named or qid in named)
        and (workflow is None or org.queues[qid].workflow == workflow)
    )
    from qplan.capacity.model_check import checked_by_the_model
    from qplan.capacity.staffing import planning_of

    proposal = allocate(
        capacity,
        org.queues,
        org.teams,
        org.targets,
        org.allocations,
        org.guardrails,
        scope,
        step=step,
        max_move=max_move,
        objective=objective,
    )
    return checked_by_the_model(
        proposal,
        capacity,
        org.teams,
        org.queues,
        org.targets,
        org.allocations,
        day,
        planning_of(org),
    )


def write_allocation(validation: ValidationResult, result: AllocationResult) -> list[str]:
    """Write the proposal's changed shares into the allocations' files (comments and
    layout kept); returns the files written."""
    from qplan.edit.documents import set_allocation_shares

    org = validation.organisation
    by_file: dict[str, dict[int, tuple[str, dict[str, float]]]] = {}
    for qid, shares in sorted(result.changed.items()):
        origin = org.origin("allocation", qid)
        by_file.setdefault(origin.document.path, {})[origin.index] = (qid, shares)
    for file, changes in sorted(by_file.items()):
        set_allocation_shares(validation.settings, file, changes)
    return sorted(by_file)


def find_scenario(validation: ValidationResult, name: str) -> tuple[Scenario, Origin] | Report:
    """The scenario with id ``name``, or read from the file ``name`` (inside the repository,
    under scenarios/ or not); a report of its problems when it cannot be read."""
    from qplan.model.organisation import load_scenarios

    org = validation.organisation
    if name in org.scenarios:
        return org.scenarios[name], org.origin("scenario", name)
    report = Report()
    path = Path(name)
    if not path.is_absolute():  # as the shell sees it, else inside the repository
        here = Path.cwd() / path
        path = here if here.exists() or here.is_symlink() else validation.settings.root / path
    if not (path.exists() or path.is_symlink()):
        return report  # neither an id nor a file: the caller says so
    found = load_scenarios(validation.settings, report, files=[path])
    if report.has_errors or not found:
        return report
    return found[0]


def evaluate_scenario(
    validation: ValidationResult,
    scenario: Scenario,
    origin: Origin,
    *,
    allocation: dict[str, Any] | None = None,
) -> ScenarioResult | Report:
    """The capacity impact of a scenario (with the optimiser's answer under it when
    ``allocation`` gives its options), or a report of the changes that cannot apply."""
    from qplan.capacity.staffing import TrafficOverLimit
    from qplan.core.diagnostics import Diagnostic, Severity
    from qplan.model.scenario import CANNOT_APPLY, overlay
    from qplan.plan.scenario import evaluate

    org = validation.organisation
    laid = overlay(org, scenario, origin, strict=True)
    report = Report()
    report.extend(laid.problems)
    if report.has_errors:
        return report
    try:
        result = evaluate(
            org, laid, scenario, origin.document.path, validation.settings.today, validation.report
        )
    except TrafficOverLimit as exc:  # the scenario's volume is more than one queue may take
        where = origin.at("changes")
        report.add(
            Diagnostic.at(where, CANNOT_APPLY, exc.message, exc.hint, severity=Severity.ERROR)
        )
        return report
    if allocation is not None:
        result.allocation = _allocate(
            laid.organisation,
            result.as_of,
            workflow=allocation.get("workflow"),
            queues=(),
            objective=allocation.get("objective", "cost"),
            step=allocation.get("step", 5.0),
            max_move=allocation.get("max_move", 20.0),
        )
    return result


def scenario_named(
    validation: ValidationResult,
    name: str,
    *,
    workflow: str | None = None,
    allocation: dict[str, Any] | None = None,
) -> ScenarioResult | Report:
    """``qplan scenario``: the scenario with id ``name`` (or in the file ``name``) worked
    out, or a report of why it cannot be read or applied."""
    from qplan.core.errors import UsageError

    org = validation.organisation
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    found = find_scenario(validation, name)
    if isinstance(found, Report):
        if not found.diagnostics:
            raise UsageError(
                f"no scenario {name!r}: give a scenario's id or a file's path"
                + (f" (scenarios: {', '.join(sorted(org.scenarios))})" if org.scenarios else "")
            )
        return found
    return evaluate_scenario(validation, *found, allocation=allocation)
