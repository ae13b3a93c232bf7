"""``qplan status``, ``new``, ``import`` and ``export``: projects and spreadsheets."""

from __future__ import annotations

from datetime import date

import click

from qplan.cli.common import Context, echo_report, format_option, pass_context, write_refusal
from qplan.core.kinds import TABULAR


@click.command()
@click.argument("projects", nargs=-1, metavar="[PROJECT]...")
@click.option(
    "--since",
    metavar="DATE",
    help="Decisions, updates and applied changes from this day (default: a week ago).",
)
@format_option("text", "markdown", "json")
@pass_context
def status(obj: Context, projects: tuple[str, ...], since: str | None, fmt: str) -> None:
    """The stakeholder update of projects: milestones, the readiness of their queues gate
    by gate, open risks, decisions, and what was applied since a day.

    Example: qplan status hindi-livestream-launch --since 2026-11-01
    """
    from qplan.app.projects import status_update
    from qplan.core.errors import UsageError
    from qplan.report.status import REPORTERS

    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, fmt, "No status was reported")
    day = None
    if since is not None:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            raise UsageError(f"--since: {since!r} is not a date like 2026-11-01") from None
    update = status_update(validation, projects, day, obj.state)
    if not validation.organisation.projects:
        click.echo("No projects: add one under projects/ (qplan new project).")
        return
    echo_report(REPORTERS.render(update, fmt), fmt)


@click.group()
def new() -> None:
    """Scaffold a queue (with its training pair) or a project in the organisation's files."""


def _ask(value: str | None, flag: str, question: str) -> str:
    """A required value: given, asked for in a terminal, else a usage error."""
    import sys

    from qplan.core.errors import UsageError

    if value:
        return value
    if sys.stdin.isatty():
        return str(click.prompt(question))
    raise UsageError(f"{flag} is required (or run qplan new in a terminal to be asked)")


def _shares(text: str) -> dict[str, float]:
    from qplan.core.errors import UsageError

    shares: dict[str, float] = {}
    for part in text.split(","):
        team, sep, share = part.strip().partition("=")
        try:
            value = float(share)
        except ValueError:
            value = float("nan")
        if not sep or not team or not (0 < value <= 100):
            raise UsageError(f"--teams: {part.strip()!r} is not TEAM=PERCENT, like us-reno=60")
        shares[team] = value
    return shares


def _written(obj: Context, texts: dict[str, str], what: str) -> None:
    from qplan.app.workspace import write_checked

    report = write_checked(obj.workspace().settings, texts)
    if report.has_errors:
        write_refusal(report, "text", f"Nothing was written: {what} would not validate")
    for file in sorted(texts):
        click.echo(f"  wrote {file}")


@new.command("queue")
@click.argument("queue_id", metavar="ID", required=False)
@click.option("--workflow", help="Its workflow.")
@click.option("--policy", help="The policy version it enforces, as POLICY@VERSION.")
@click.option("--languages", help="Comma-separated BCP 47 tags, like en,es.")
@click.option("--teams", help="Its split, like us-reno=60,ph-manila=40.")
@click.option(
    "--kind",
    type=click.Choice(["production", "escalation", "qa"]),
    default="production",
    show_default=True,
    help="A production queue gets a training pair.",
)
@click.option("--name", help="Its display name (default: from the id).")
@click.option("--template", help="The labeling template version, as TEMPLATE@VERSION.")
@click.option("--volume", type=click.FloatRange(0, 100_000_000), help="Forecast items a week.")
@click.option("--aht", type=click.FloatRange(1, 86_400), help="Forecast handle time, seconds.")
@click.option(
    "--arrival", type=click.Choice(["backlog", "realtime"]), default="backlog", show_default=True
)
@click.option(
    "--sla", type=click.FloatRange(1, 100), help="Target percent handled within --within."
)
@click.option("--within", help="The SLA's time, like 24h.")
@click.option("--escalates-to", help="The queue it escalates to.")
@click.option("--project", help="The project that links it.")
@pass_context
def new_queue(
    obj: Context,
    queue_id: str | None,
    workflow: str | None,
    policy: str | None,
    languages: str | None,
    teams: str | None,
    kind: str,
    name: str | None,
    template: str | None,
    volume: float | None,
    aht: float | None,
    arrival: str,
    sla: float | None,
    within: str | None,
    escalates_to: str | None,
    project: str | None,
) -> None:
    """A draft queue and, for a production queue, its training pair, with its allocation,
    target, an SOP stub, the training case set's header and its project link, written into
    the files that hold its workflow's queues. The result validates (else nothing is
    written); qplan readiness lists what is left to do. Asks for what is missing when run
    in a terminal.

    \b
    Example: qplan new queue ls-safety-es --workflow livestream \\
      --policy livestream-safety@7 --languages es --teams co-bogota=60,pt-lisbon=40 \\
      --volume 20000 --aht 40 --sla 90 --within 24h --project hindi-livestream-launch
    """
    from qplan.app.projects import QueueSpec, new_queue_files
    from qplan.core.errors import UsageError

    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "Nothing was written")
    spec = QueueSpec(
        id=_ask(queue_id, "ID", "Queue id"),
        workflow=_ask(workflow, "--workflow", "Workflow"),
        policy=_ask(policy, "--policy", "Policy (POLICY@VERSION)"),
        languages=[x.strip() for x in _ask(languages, "--languages", "Languages").split(",")],
        shares=_shares(_ask(teams, "--teams", "Teams (TEAM=PERCENT,…)")),
        kind=kind,
        name=name,
        template=template,
        arrival=arrival,
        weekly_volume=volume,
        aht_seconds=aht,
        sla_percent=sla,
        sla_within=within,
        escalates_to=escalates_to,
        project=project,
    )
    if (volume is None) != (aht is None):
        raise UsageError("--volume and --aht go together (the forecast)")
    if (sla is None) != (within is None):
        raise UsageError("--sla and --within go together (the target)")
    _written(obj, new_queue_files(validation, spec), f"queue {spec.id}")
    click.echo(f"Queue {spec.id} is a draft; qplan readiness {spec.id} lists what is left to do.")


@new.command("project")
@click.argument("project_id", metavar="ID", required=False)
@click.option(
    "--kind",
    type=click.Choice(["launch", "policy_rollout", "intake", "recovery", "normalisation"]),
    help="What kind of project.",
)
@click.option("--title", help="Its title.")
@click.option("--owner", help="The owner's email.")
@click.option(
    "--status",
    type=click.Choice(["intake", "planning", "in_progress", "launched", "closed", "blocked"]),
    default="planning",
    show_default=True,
)
@click.option("--requested-by", help="The partner team that asked for it.")
@click.option("--queue", "queues", multiple=True, help="A queue it touches (repeatable).")
@click.option("--workflow", "workflows", multiple=True, help="A workflow it touches.")
@click.option("--policy", "policies", multiple=True, help="A policy (or POLICY@VERSION).")
@click.option("--launch", help="The launch date, YYYY-MM-DD (a launch milestone).")
@pass_context
def new_project(
    obj: Context,
    project_id: str | None,
    kind: str | None,
    title: str | None,
    owner: str | None,
    status: str,
    requested_by: str | None,
    queues: tuple[str, ...],
    workflows: tuple[str, ...],
    policies: tuple[str, ...],
    launch: str | None,
) -> None:
    """A project file under projects/, linked to the queues, workflows and policies it
    touches; the result validates (else nothing is written). Asks for what is missing when
    run in a terminal.

    \b
    Example: qplan new project spanish-livestream --kind launch \\
      --title "Spanish livestream review" --owner ts-livestream@lakeside.example \\
      --queue ls-safety-pt --launch 2027-03-01
    """
    from qplan.app.projects import ProjectSpec, new_project_files
    from qplan.core.errors import UsageError

    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "Nothing was written")
    day = None
    if launch is not None:
        try:
            day = date.fromisoformat(launch)
        except ValueError:
            raise UsageError(f"--launch: {launch!r} is not a date like 2027-03-01") from None
    spec = ProjectSpec(
        id=_ask(project_id, "ID", "Project id"),
        kind=_ask(kind, "--kind", "Kind (launch, policy_rollout, intake, recovery, normalisation)"),
        title=_ask(title, "--title", "Title"),
        owner=_ask(owner, "--owner", "Owner's email"),
        status=status,
        requested_by=requested_by,
        queues=list(queues),
        workflows=list(workflows),
        policies=list(policies),
        launch=day,
    )
    _written(obj, new_project_files(validation, spec), f"project {spec.id}")
    click.echo(f"Project {spec.id} is ready for its milestones; qplan status {spec.id} reports it.")


_KINDS = click.Choice(list(TABULAR))


@click.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True
)
@click.option("--kind", type=_KINDS, help="With --format csv: the kind to write.")
@click.option("--out", help="The file to write (default organisation.xlsx; CSV: standard output).")
@pass_context
def export(obj: Context, fmt: str, kind: str | None, out: str | None) -> None:
    """The organisation as a workbook (a sheet per kind, and the training cases) or one
    kind as CSV, for people who plan in spreadsheets; qplan import brings them back.

    Example: qplan export --format xlsx --out organisation.xlsx
    """
    from qplan.app.projects import export_organisation
    from qplan.core.errors import UsageError
    from qplan.core.output import write_file

    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "Nothing was exported")
    if fmt == "xlsx":
        if kind is not None:
            raise UsageError("--kind goes with --format csv (a workbook holds every kind)")
        target = out or "organisation.xlsx"
        write_file(target, export_organisation(validation))
        click.echo(f"Wrote {target}: a sheet for each kind of item.", err=True)
        return
    if kind is None:
        raise UsageError("--format csv writes one kind: give --kind")
    text = export_organisation(validation, kind)
    assert isinstance(text, str)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_file(out, text)


@click.command("import")
@click.argument("file", metavar="FILE.xlsx|FILE.csv")
@click.option(
    "--kind",
    type=_KINDS,
    help="What the rows are (default, for a workbook: every sheet named as a kind).",
)
@click.option(
    "--sheet",
    help="With --kind: the workbook's sheet (default: the one named as --kind, else the first).",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COLUMN=field",
    help="Read a column as a field (dotted when nested: 'Volume=forecast.weekly_volume').",
)
@click.option(
    "--into",
    default="workflows/imported.yaml",
    show_default=True,
    help="The file new items go to (existing ones are updated where they are).",
)
@pass_context
def import_(
    obj: Context,
    file: str,
    kind: str | None,
    sheet: str | None,
    mapping: tuple[str, ...],
    into: str,
) -> None:
    """Bring a planning spreadsheet's rows into the YAML: existing items are updated where
    they are (only what differs, comments kept), new ones appended to --into. Without
    --kind, every sheet of a workbook named as a kind comes in, the kinds an item refers to
    first, into a repository that may be empty, partial or invalid. Every bad cell is
    reported as file:sheet!A12, and nothing is written unless the result validates.

    Example: qplan import organisation.xlsx --kind queues
    """
    import sys
    from pathlib import Path

    from qplan.app.projects import SpreadsheetError, import_rows, import_workbook_file
    from qplan.app.workspace import write_checked
    from qplan.core.errors import UsageError

    validation = obj.workspace().validation
    columns: dict[str, str] = {}
    for entry in mapping:
        column, sep, target = entry.partition("=")
        if not sep or not column.strip() or not target.strip():
            raise UsageError(f"--map: {entry!r} is not COLUMN=field")
        columns[column.strip()] = target.strip()
    if kind is None and (sheet is not None or columns):
        raise UsageError("--sheet and --map go with --kind (one sheet, one kind)")
    try:
        if kind is None:
            result = import_workbook_file(validation, Path(file), into=into)
        else:
            result = import_rows(
                validation, Path(file), kind, sheet=sheet, columns=columns, into=into
            )
    except SpreadsheetError as exc:
        click.echo(f"{exc.where}: QP001 {exc.message}")
        if exc.hint:
            click.echo(f"  hint: {exc.hint}")
        click.echo("Nothing was imported.")
        sys.exit(1)
    if result.problems:
        for problem in result.problems:
            click.echo(problem.line())
        click.echo(f"Nothing was imported: {len(result.problems)} bad cell(s).")
        sys.exit(1)
    # what counts is the result: the repository may have been empty or invalid before
    report = write_checked(validation.settings, result.texts, as_it_is=validation.report)
    if report.has_errors:
        from qplan.app.projects import in_the_workbook

        errors = report.errors
        for error, place in zip(errors, in_the_workbook(result, errors), strict=True):
            click.echo(f"{place}: {error.code} {error.message}" if place else error.render())
            if error.hint:
                click.echo(f"  hint: {error.hint}")
        click.echo(f"Nothing was imported: the result would not validate ({len(errors)} error(s)).")
        sys.exit(1)
    counts = result.counts or {
        str(kind): (len(result.created), len(result.updated), result.unchanged)
    }
    for name, (new, updated, unchanged) in counts.items():
        click.echo(f"Imported {name}: {new} new, {updated} updated, {unchanged} unchanged.")
    for made in result.made:
        what = "an SOP stub to write" if made.endswith(".md.j2") else "an empty case set"
        click.echo(f"  made {made} ({what}: a new queue names it)")
    for wid in result.removed:
        click.echo(f"  removed the starter workflow {wid}: the workbook's workflows replace it")
