"""``qplan health`` and ``qplan recover``: what happened against the plan, and how to catch up."""

from __future__ import annotations

import sys
from datetime import date

import click

from qplan.cli.common import Context, format_option, pass_context, write_refusal


def _day(value: str | None, name: str) -> date | None:
    from qplan.core.errors import UsageError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} {value!r}: write a date like 2026-11-02") from None


@click.command()
@click.option(
    "--from", "from_day", metavar="YYYY-MM-DD", help="First day (default: four weeks before --to)."
)
@click.option(
    "--to", "to_day", metavar="YYYY-MM-DD", help="Last day (default: the last day of the actuals)."
)
@click.option("--workflow", help="Only this workflow's queues (and its teams' work on them).")
@click.option("--vendor", help="Only this vendor's teams and the queues they work.")
@format_option("text", "json", "markdown")
@click.option("--fail-on-miss", is_flag=True, help="Exit 1 when a target was missed in the period.")
@pass_context
def health(
    obj: Context,
    from_day: str | None,
    to_day: str | None,
    workflow: str | None,
    vendor: str | None,
    fmt: str,
    fail_on_miss: bool,
) -> None:
    """SLA attainment, accuracy, volume and handle time against the plan, from the actuals;
    the causes of each miss; team and vendor scorecards.

    Example: qplan health --workflow livestream --fail-on-miss
    """
    from qplan import repository as project
    from qplan.core.errors import UsageError
    from qplan.render import health_report as report

    starts, ends = _day(from_day, "--from"), _day(to_day, "--to")
    if starts and ends and starts > ends:
        raise UsageError(f"--from {starts} comes after --to {ends}")
    validation = project.validate_repository(settings=obj.settings())
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "No health figures were made")
    org = validation.organisation
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    vendors = sorted({t.vendor for t in org.teams.values() if t.vendor})
    if vendor is not None and vendor not in vendors:
        raise UsageError(f"--vendor: no vendor {vendor!r} (vendors: {', '.join(vendors)})")
    found = project.assess_health(validation, starts, ends, workflow=workflow, vendor=vendor)
    if fmt == "json":
        click.echo(report.as_json(found), nl=False)
    elif fmt == "markdown":
        click.echo(report.markdown(found), nl=False)
    else:
        click.echo(report.text(found), nl=False)
    sys.exit(1 if fail_on_miss and found.missed else 0)
