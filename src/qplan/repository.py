"""The stages run for one repository: what ``qplan validate``, ``plan`` and ``docs`` call.

Above every stage (it may import all of them); only :mod:`qplan.cli` imports it.

>>> from qplan.repository import validate_repository
>>> result = validate_repository("examples/org")      # doctest: +SKIP
>>> result.valid, len(result.report.errors)            # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qplan.check.semantics import ValidationResult, check
from qplan.core.diagnostics import Report
from qplan.load.settings import Settings, load_settings
from qplan.model.organisation import Organisation, load_organisation

if TYPE_CHECKING:
    from qplan.capacity.allocation import AllocationResult
    from qplan.capacity.health import Health
    from qplan.capacity.recovery import RecoveryPlan
    from qplan.model.format import Scenario
    from qplan.model.organisation import Origin
    from qplan.plan.plan import Plan
    from qplan.plan.resources import Resource
    from qplan.plan.scenario import ScenarioResult
    from qplan.plan.state import StateStore
    from qplan.plan.status import ProjectStatus
    from qplan.site.cache import FileMemo


def validate_repository(
    root: str | os.PathLike[str] = ".", settings: Settings | None = None
) -> ValidationResult:
    """Load, validate and check a repository; every problem ends up in ``report``."""
    settings = settings or load_settings(root)
    report = Report()
    organisation = load_organisation(settings, report)
    from qplan.sops.rendering import SopRendering, render_sops, sop_diagnostics

    rendering = SopRendering(organisation)  # the SOPs render in a child during the checks
    report.extend(check(organisation, settings.today))
    sops = render_sops(organisation, rendering)
    report.extend(sop_diagnostics(organisation, sops))
    return ValidationResult(settings, organisation, report, sops)


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


#: the folders of inputs besides workflows/ and sops/, and the files each stage reads there
_READ_FOLDERS = (
    ("training", (".csv",)),
    ("forecasts", (".csv",)),
    ("actuals", (".csv",)),
    ("projects", (".yaml", ".yml")),
    ("scenarios", (".yaml", ".yml")),
)


def sources_digest(settings: Settings, case_sets: Iterable[str] = ()) -> str | None:
    """A digest of every file any stage reads (None if one is unreadable).

    The files are pyproject.toml, the workflow YAML, the SOP templates, the training case
    sets the organisation names and every file under the folders of case sets, forecasts,
    actuals, projects and scenarios, read through the same guarded reader as validation.
    Equal digests mean the repository still says what it said when a plan was made.
    """
    import hashlib

    from qplan.load.reader import LoadError, input_files, read_bytes, yaml_files

    sha = hashlib.sha256()
    try:
        files = [
            settings.root / "pyproject.toml",
            *yaml_files(settings.workflows_path, settings.root, max_files=settings.max_files),
            *input_files(
                settings.sops_path, settings.root, (".md.j2",), max_files=settings.max_files
            ),
            *(settings.root / path for path in sorted(set(case_sets))),
        ]
        for folder, suffixes in _READ_FOLDERS:
            files += input_files(
                settings.root / folder, settings.root, suffixes, max_files=settings.max_files
            )
        for file in files:
            sha.update(file.relative_to(settings.root).as_posix().encode() + b"\0")
            if file.exists() or file.is_symlink():
                content = read_bytes(file, settings.root, max_bytes=settings.max_file_bytes)
            else:
                content = b"(none)"
            sha.update(len(content).to_bytes(8, "big") + content)
    except (LoadError, OSError, ValueError):
        return None
    return sha.hexdigest()


def input_paths(settings: Settings) -> list[Path]:
    """What qplan reads or keeps in a repository: no output folder may hold or be in these."""
    root = settings.root
    paths = [settings.workflows_path, settings.sops_path, root / "pyproject.toml", root / ".git"]
    paths += [root / folder for folder, _ in _READ_FOLDERS]
    return paths


def case_set_paths(organisation: Organisation) -> list[str]:
    """The training case set files the organisation's queues name."""
    return sorted(
        {q.training.case_set for q in organisation.queues.values() if q.training is not None}
    )


def open_state(settings: Settings, url: str | None = None) -> StateStore:
    """The store named by ``url``, else the settings (``QPLAN_STATE``, ``[tool.qplan] state``)."""
    from qplan.plan.state import open_store

    return open_store(url or settings.state, settings.root)


def plan_repository(settings: Settings, store: StateStore) -> PlanResult:
    """Validate the repository and, when it is valid, plan it against the latest revision."""
    from qplan.capacity.staffing import derive_organisation
    from qplan.plan.plan import Base, make_plan

    validation = validate_repository(settings=settings)
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


def _git(root: Path, *args: str) -> str | None:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


#: appended to the commit a revision records when the working tree had uncommitted changes
DIRTY = "-dirty"


def git_commit(root: Path, inputs: Iterable[Path] = ()) -> str | None:
    """The commit the repository is at, when it is a git checkout; ``<sha>-dirty`` when
    the organisation's files (``inputs``, default: the whole tree) differ from it, or
    new ones are there (as ``git describe --dirty`` says)."""
    commit = _git(root, "rev-parse", "HEAD")
    if commit is None:
        return None
    paths = [str(p.relative_to(root)) for p in inputs if p.exists()] or ["."]
    status = _git(root, "status", "--porcelain", "--untracked-files=normal", "--", *paths)
    return commit + DIRTY if status else commit


def actor(root: Path, given: str | None = None) -> str:
    """Who applies: ``--actor``, ``QPLAN_ACTOR``, the git author, or the login name."""
    if given:
        return given
    if os.environ.get("QPLAN_ACTOR"):
        return os.environ["QPLAN_ACTOR"]
    ident = _git(root, "var", "GIT_AUTHOR_IDENT")
    if ident and ">" in ident:
        return ident[: ident.rindex(">") + 1]
    from qplan.plan.state import default_actor

    return default_actor()


def docs_project(
    settings: Settings, state_url: str | None = None, memo: FileMemo | None = None
) -> tuple[ValidationResult, dict[str, str] | None]:
    """Validate, then make every file of the documentation site's MkDocs project (None
    when the repository has errors). The change log comes from the state, when it has
    revisions; ``memo`` keeps drawn heat maps between builds."""
    from qplan.capacity.staffing import derive_organisation
    from qplan.plan.status import SINCE_DAYS
    from qplan.site.pages import site_files
    from qplan.views.capacity_chart import svg_chart

    validation = validate_repository(settings=settings)
    if validation.report.has_errors:
        return validation, None
    org = validation.organisation
    capacity = derive_organisation(org, settings.today)
    store = open_state(settings, state_url)
    try:
        history = store.history() if store.serial() > 0 else None
        changed = _changed_fields(store, history or [])
    finally:
        store.close()
    health = trend = None
    if org.actuals is not None and not org.actuals.empty:
        from qplan.site.health import TREND_DAYS

        health = assess_health(validation)
        trend = assess_health(validation, health.ends - timedelta(days=TREND_DAYS - 1), health.ends)
    files = site_files(
        org,
        capacity,
        validation.sops.texts,
        history,
        title=settings.site_name,
        sops_dir=settings.sops_dir,
        chart=svg_chart(capacity),
        today=settings.today,
        changed_fields=changed,
        health=health,
        health_trend=trend,
        scenarios=scenario_results(validation),
        max_queue_pages=settings.max_queue_pages,
        memo=memo,
        projects=project_status(
            validation, (), settings.today - timedelta(days=SINCE_DAYS), state_url
        )
        if org.projects
        else (),
    )
    return validation, files


def scenario_results(validation: ValidationResult) -> list[ScenarioResult]:
    """The figures of every scenario under scenarios/, in id order."""
    found = []
    org = validation.organisation
    for sid, scenario in sorted(org.scenarios.items()):
        result = evaluate_scenario(validation, scenario, org.origin("scenario", sid))
        if not isinstance(result, Report):  # its problems are validate's errors
            found.append(result)
    return found


#: the change log lists the changed fields of this many newest revisions
CHANGELOG_DETAIL_REVISIONS = 20


def _changed_fields(store: StateStore, history: list[Any]) -> dict[tuple[int, str], list[str]]:
    """(serial, address) → the fields an update changed, for the newest revisions."""
    import json

    from qplan.plan.plan import field_changes

    found: dict[tuple[int, str], list[str]] = {}
    for revision in history[-CHANGELOG_DETAIL_REVISIONS:]:
        updates = [address for action, address in revision.changes if action == "update"]
        for address in updates[:200]:
            before = store.body_at(address, revision.serial - 1)
            after = store.body_at(address, revision.serial)
            if before is None or after is None:
                continue
            try:
                paths = [c.path for c in field_changes(json.loads(before), json.loads(after))]
            except (ValueError, TypeError, RecursionError):
                continue
            found[(revision.serial, address)] = paths
    return found


def enqueued_case_sets(settings: Settings, state_url: str | None = None) -> dict[str, Any]:
    """What the state says was enqueued, by case set path: {path: Enqueued}."""
    import json

    from qplan.check.readiness import Enqueued

    store = open_state(settings, state_url)
    try:
        found = {}
        for resource in store.resources().values():
            if resource.kind == "cases":
                fields = json.loads(resource.body)
                found[fields["path"]] = Enqueued(fields["checksum"], int(fields["count"]))
        return found
    finally:
        store.close()


def assess_health(
    validation: ValidationResult,
    starts: date | None = None,
    ends: date | None = None,
    *,
    workflow: str | None = None,
    vendor: str | None = None,
    plan_day: date | None = None,
) -> Health:
    """The health of the organisation in a period (default: the last four weeks of actuals),
    against the plan in force on ``plan_day`` (default: the period's last day). Raises
    :class:`ConfigError` when the repository has no actuals."""
    from qplan.capacity.health import assess, default_period
    from qplan.capacity.staffing import derive_organisation
    from qplan.core.errors import ConfigError

    org = validation.organisation
    if org.actuals is None or org.actuals.empty:
        raise ConfigError(
            "there are no actuals: put CSV files of what happened under actuals/ "
            "(date,queue,team,arrived,handled,handled_within_sla,backlog_end,aht_seconds,"
            "qa_sampled,qa_correct[,productive_hours])"
        )
    if starts is None or ends is None:
        wanted = None
        if workflow is not None:
            wanted = [qid for qid, q in org.queues.items() if q.workflow == workflow]
        first, last = default_period(org.actuals, wanted)
        ends = ends or last
        starts = starts or (first if ends == last else ends - (last - first))
    capacity = derive_organisation(org, plan_day or ends)
    return assess(
        org.actuals,
        capacity,
        org.queues,
        org.teams,
        org.targets,
        starts,
        ends,
        workflow=workflow,
        vendor=vendor,
    )


def plan_recovery(
    validation: ValidationResult, queue: str, backlog: float, by: date, overtime_max: float
) -> RecoveryPlan:
    """The cheapest recovery of ``backlog`` items of ``queue`` from today to ``by``."""
    from qplan.capacity.recovery import plan_recovery as cheapest
    from qplan.capacity.recovery import share_limits
    from qplan.capacity.staffing import derive_organisation

    org = validation.organisation
    today = validation.settings.today
    capacity = derive_organisation(org, today)
    allocation = org.allocations.get(queue)
    suppressed = set(org.queues[queue].suppress) | set(allocation.suppress if allocation else [])
    limits = share_limits(org.guardrails, org.teams, org.queues[queue], suppressed)
    staffing = {}
    if org.actuals is not None and not org.actuals.empty:
        for tid, card in assess_health(validation).teams.items():
            staffed = card.staffing_vs_plan_percent
            if staffed is not None and staffed < 99.5:  # as reported: below 100 %
                staffing[tid] = staffed / 100
    return cheapest(
        capacity,
        org.queues,
        org.teams,
        queue,
        backlog,
        today,
        by,
        overtime_max=overtime_max,
        guardrails=limits,
        staffing=staffing,
    )


def write_recovery(validation: ValidationResult, recovery: RecoveryPlan) -> str:
    """Record ``recovery`` as two dated phases of the queue's allocation: its shares from
    the first day, and the shares in force before from the day after ``by`` (so that it ends
    by itself). Returns the file edited. Refuses when the allocation already has a phase in
    that time, which a person has to reconcile by hand."""
    from datetime import timedelta

    from qplan.core.errors import PlanRefused
    from qplan.edit.documents import add_allocation_phases

    org = validation.organisation
    allocation = org.allocations[recovery.queue]
    after = recovery.by + timedelta(days=1)
    clash = [p.starts for p in allocation.phases if recovery.starts <= p.starts <= after]
    if clash:
        raise PlanRefused(
            f"the allocation of {recovery.queue} already has a phase from {clash[0]}, inside "
            "the recovery: edit its phases by hand"
        )
    origin = org.origin("allocation", recovery.queue)
    kind, index = origin.path[0], origin.path[1]
    if kind != "allocations" or not isinstance(index, int):
        raise PlanRefused(f"cannot find the allocation of {recovery.queue} to edit")
    phases = [
        {
            "from": recovery.starts,
            "shares": recovery.shares_during(),
            "recovery": {"backlog": round(recovery.backlog), "clear_by": recovery.by},
        },
        {"from": after, "shares": dict(allocation.shares_on(after))},
    ]
    add_allocation_phases(validation.settings, origin.document.path, index, recovery.queue, phases)
    return origin.document.path


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
    return allocate(
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


def write_allocation(validation: ValidationResult, result: AllocationResult) -> list[str]:
    """Write the proposal's changed shares into the allocations' files (comments and
    layout kept); returns the files written."""
    from qplan.edit.documents import set_allocation_shares

    org = validation.organisation
    by_file: dict[str, dict[int, tuple[str, dict[str, float]]]] = {}
    for qid, shares in sorted(result.changed.items()):
        origin = org.origin("allocation", qid)
        index = origin.path[1]
        assert isinstance(index, int)
        by_file.setdefault(origin.document.path, {})[index] = (qid, shares)
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
    from qplan.model.scenario import overlay
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
        report.add(Diagnostic.at(where, "QP180", exc.message, exc.hint, severity=Severity.ERROR))
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


def project_status(
    validation: ValidationResult,
    chosen: Iterable[str],
    since: date,
    state_url: str | None = None,
) -> list[ProjectStatus]:
    """The stakeholder update of each chosen project (all, when none is named), with what
    the applied state changed since ``since`` for the resources each touches."""
    from qplan.plan.status import project_statuses

    settings = validation.settings
    store = open_state(settings, state_url)
    try:
        history = store.history() if store.serial() > 0 else []
    finally:
        store.close()
    names = list(chosen) or sorted(validation.organisation.projects)
    return project_statuses(
        validation, names, since, enqueued_case_sets(settings, state_url), history
    )


def write_checked(settings: Settings, texts: dict[str, str]) -> Report:
    """Write these files (path → new text) and validate the repository; when it has
    errors, put every file back as it was (or remove it) and return the report."""
    from qplan.core.output import write_file
    from qplan.load.reader import read_bytes

    before: dict[Path, bytes | None] = {}
    for file in texts:
        path = settings.root / file
        exists = path.exists() or path.is_symlink()
        before[path] = (
            read_bytes(path, settings.root, max_bytes=settings.max_file_bytes) if exists else None
        )
    try:
        for file, text in sorted(texts.items()):
            write_file(settings.root / file, text)
        report = validate_repository(settings=settings).report
    except BaseException:
        _restore(before)
        raise
    if report.has_errors:
        _restore(before)
    return report


def _restore(before: dict[Path, bytes | None]) -> None:
    from qplan.core.output import write_file

    for path, content in before.items():
        if content is None:
            path.unlink(missing_ok=True)
        else:
            write_file(path, content.decode("utf-8"))


def known_items(org: Organisation, desired: Mapping[str, Resource]) -> dict[str, tuple[str, Any]]:
    """Address → (body, item) of the organisation's teams, queues, targets and allocations:
    the state's unchanged resources are taken from here instead of being parsed again."""
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
