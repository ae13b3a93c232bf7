"""``qplan status``, ``readiness``, ``new``, ``export`` and ``import``: projects, launch
checklists, scaffolds of new queues and projects, and spreadsheets in and out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qplan.app.workspace import Workspace, enqueued_case_sets, open_state
from qplan.check.readiness import QueueReadiness
from qplan.check.semantics import ValidationResult
from qplan.core.errors import UsageError
from qplan.edit.scaffold import ProjectSpec, QueueSpec
from qplan.edit.spreadsheets import ImportResult
from qplan.load.spreadsheet import SpreadsheetError

if TYPE_CHECKING:
    from qplan.plan.status import ProjectStatus, StatusUpdate

__all__ = [
    "ImportResult",
    "ProjectSpec",
    "QueueSpec",
    "SpreadsheetError",
    "export_organisation",
    "import_rows",
    "new_project_files",
    "new_queue_files",
    "project_status",
    "readiness_checklist",
    "status_update",
]


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


def readiness_checklist(
    workspace: Workspace, queues: Sequence[str] = (), workflow: str | None = None
) -> list[QueueReadiness]:
    """The launch checklist of ``queues`` (or of ``workflow``'s; else of every queue that is
    not retired), gate by gate, with what the state says was enqueued."""
    from qplan.check.readiness import checklist

    validation = workspace.validation
    org = validation.organisation
    unknown = [q for q in queues if q not in org.queues]
    if unknown:
        raise UsageError(f"no queue {unknown[0]!r}")
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    asked = bool(queues or workflow)
    chosen = list(queues) or sorted(
        q.id
        for q in org.queues.values()
        if (workflow is None or q.workflow == workflow) and (asked or q.status != "retired")
    )
    return checklist(
        validation, chosen, enqueued_case_sets(workspace.settings, workspace.state_url)
    )


def status_update(
    validation: ValidationResult,
    projects: Sequence[str] = (),
    since: date | None = None,
    state_url: str | None = None,
) -> StatusUpdate:
    """``qplan status``: the update of ``projects`` (all, when none is named) since a day
    (default: a week ago)."""
    from datetime import timedelta

    from qplan.plan.status import SINCE_DAYS, StatusUpdate

    org = validation.organisation
    for pid in projects:
        if pid not in org.projects:
            known = ", ".join(sorted(org.projects)) or "none under projects/"
            raise UsageError(f"no project {pid!r} (projects: {known})")
    today = validation.settings.today
    day = since or today - timedelta(days=SINCE_DAYS)
    if not org.projects:
        return StatusUpdate([], today, day)
    return StatusUpdate(project_status(validation, projects, day, state_url), today, day)


def new_queue_files(validation: ValidationResult, spec: QueueSpec) -> dict[str, str]:
    """The new text of every file a new queue touches (:func:`qplan.edit.scaffold.new_queue`)."""
    from qplan.edit.scaffold import new_queue

    settings = validation.settings
    return new_queue(settings, validation.organisation, spec, settings.today)


def new_project_files(validation: ValidationResult, spec: ProjectSpec) -> dict[str, str]:
    """The text of a new project file."""
    from qplan.edit.scaffold import new_project

    return new_project(validation.settings, validation.organisation, spec)


def export_organisation(validation: ValidationResult, kind: str | None = None) -> bytes | str:
    """The organisation as an xlsx workbook (a sheet per kind, and the training cases), or
    one ``kind`` as CSV."""
    from qplan.edit.spreadsheets import export_csv, export_workbook

    org = validation.organisation
    if kind is None:
        return export_workbook(org, validation.settings.today)
    return export_csv(org, kind)


def in_the_workbook(result: ImportResult, problems: list[Any]) -> list[str | None]:
    """Where in the workbook each problem of the imported result comes from (a cell, else
    a row), or None when the workbook did not write it."""
    from qplan.edit.spreadsheets import in_the_workbook as places

    return places(result, problems)


def import_workbook_file(
    validation: ValidationResult, path: Path, *, into: str = "workflows/imported.yaml"
) -> ImportResult:
    """Every sheet of a workbook named as a kind of item, the kinds an item refers to first,
    as changes to the YAML (nothing written). The repository may be empty, partial or
    invalid: what counts is whether the result validates."""
    from qplan.core.kinds import TABULAR
    from qplan.edit.scaffold import check_path
    from qplan.edit.spreadsheets import CASES_SHEET, LIST_SHEETS, import_workbook
    from qplan.load.spreadsheet import read_tables

    settings = validation.settings
    into = check_path(settings, into, settings.workflows_dir, (".yaml", ".yml"), "--into")
    if not path.is_file():
        raise UsageError(f"no file {str(path)!r}")
    tables = read_tables(path, path.name, (*TABULAR, *LIST_SHEETS, CASES_SHEET))
    assert all(t.sheet is not None for t in tables)
    return import_workbook(
        settings, validation.organisation, [(str(t.sheet), t) for t in tables], into
    )


def import_rows(
    validation: ValidationResult,
    path: Path,
    kind: str,
    *,
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
    into: str = "workflows/imported.yaml",
) -> ImportResult:
    """A spreadsheet's rows of ``kind`` as changes to the YAML (nothing written): existing
    items updated where they are, new ones appended to ``into``. Raises
    :class:`SpreadsheetError` when the file cannot be read as a table."""
    from qplan.edit.scaffold import check_path
    from qplan.edit.spreadsheets import import_table_with_lists, list_sheets_of
    from qplan.load.spreadsheet import read_table

    settings = validation.settings
    into = check_path(settings, into, settings.workflows_dir, (".yaml", ".yml"), "--into")
    if not path.is_file():
        raise UsageError(f"no file {str(path)!r}")
    # the kind's lists on their own sheets of the same workbook (a team's shifts) come with it
    table, lists = read_table(path, path.name, sheet=sheet, prefer=kind, also=list_sheets_of(kind))
    return import_table_with_lists(
        settings, validation.organisation, kind, table, lists, columns or {}, into
    )
