"""``qplan status``, ``new``, ``import`` and ``export``: projects and spreadsheets."""

from __future__ import annotations

from datetime import date, timedelta

import click

from qplan.cli.common import Context, format_option, pass_context, write_refusal


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
    from qplan import repository as project
    from qplan.core.errors import UsageError
    from qplan.render import status_report as report

    settings = obj.settings()
    validation = project.validate_repository(settings=settings)
    if validation.report.has_errors:
        write_refusal(validation.report, fmt, "No status was reported")
    org = validation.organisation
    for pid in projects:
        if pid not in org.projects:
            known = ", ".join(sorted(org.projects)) or "none under projects/"
            raise UsageError(f"no project {pid!r} (projects: {known})")
    day = settings.today - timedelta(days=report.SINCE_DAYS)
    if since is not None:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            raise UsageError(f"--since: {since!r} is not a date like 2026-11-01") from None
    if not org.projects:
        click.echo("No projects: add one under projects/ (qplan new project).")
        return
    found = project.project_status(validation, projects, day, obj.state)
    if fmt == "json":
        click.echo(report.as_json(found, settings.today, day), nl=False)
    elif fmt == "markdown":
        click.echo(report.markdown(found), nl=False)
    else:
        click.echo(report.text(found), nl=False)
