"""``qplan health`` and ``qplan recover``: what happened against the plan, and how to catch up."""

from __future__ import annotations

import sys
from datetime import date

import click

from qplan.cli.common import (
    Context,
    day_value,
    echo_report,
    format_option,
    pass_context,
    write_refusal,
)


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
@click.option(
    "--fail-on-miss",
    is_flag=True,
    help="Exit 1 when a target was missed in the period, or when nothing was handled in it.",
)
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

    Example: qplan health --workflow livestream
    """
    from qplan.app.health import health_of
    from qplan.report.health import REPORTERS

    starts, ends = day_value(from_day, "--from"), day_value(to_day, "--to")
    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "No health figures were made")
    found = health_of(
        validation,
        starts,
        ends,
        workflow=workflow,
        vendor=vendor,
        with_launches=fmt in ("text", "markdown"),  # the first screen; JSON has no such line
        state_url=obj.state,
    )
    echo_report(REPORTERS.render(found, fmt), fmt)
    # nothing handled is no proof that every target was met
    sys.exit(1 if fail_on_miss and (found.missed or not found.measured) else 0)


def _due(value: str, today: date) -> date:
    """``2026-12-14``, or ``14d``: the last day of the recovery (today is day 1)."""
    from datetime import timedelta

    from qplan.core.errors import UsageError

    text = value.strip()
    if text.endswith("d") and text[:-1].isascii() and text[:-1].isdigit() and len(text) < 6:
        days = int(text[:-1])
        if days < 1:
            raise UsageError(f"--by {value!r}: a recovery takes at least 1 day")
        return today + timedelta(days=days - 1)
    found = day_value(text, "--by")
    assert found is not None
    return found


def _overtime(value: str) -> float:
    """``10%`` or ``10``: a percentage of paid hours, as a fraction."""
    from qplan.core.errors import UsageError

    text = value.strip()
    try:
        percent = float(text.removesuffix("%"))
    except ValueError:
        percent = -1.0
    if not 0 <= percent <= 50:
        raise UsageError(f"--overtime-max {value!r}: write a percentage from 0% to 50%, e.g. 10%")
    if 0 < percent < 1 and not text.endswith("%"):  # as the file format: no fractions
        raise UsageError(
            f"--overtime-max {value!r}: a percentage, not a fraction; did you mean "
            f"{percent * 100:g}%? (write --overtime-max {percent * 100:g}%, or "
            f"{percent:g}% for {percent:g} percent)"
        )
    return percent / 100


@click.command()
@click.argument("queue")
@click.option("--backlog", required=True, metavar="N", help="Items in the backlog now.")
@click.option(
    "--by", "by_day", required=True, metavar="YYYY-MM-DD", help="The day it must be cleared by."
)
@click.option(
    "--overtime-max",
    default="10%",
    show_default=True,
    help="The most overtime at the queue's teams, as a share of their paid hours.",
)
@format_option("text", "json", "markdown")
@click.option("--chart", type=click.Path(dir_okay=False), help="Write the burn-down as SVG here.")
@click.option(
    "--write",
    is_flag=True,
    help="Record the plan as dated phases of the queue's allocation (review it with plan).",
)
@pass_context
def recover(
    obj: Context,
    queue: str,
    backlog: str,
    by_day: str,
    overtime_max: str,
    fmt: str,
    chart: str | None,
    write: bool,
) -> None:
    """The cheapest mix of spare capacity, borrowed teams, overtime and a vendor surge that
    clears a queue's backlog by a date while its arrivals continue, with a day-by-day
    burn-down. Exits 1 when it cannot be done, with the shortfall.

    Example: qplan recover sv-hate-speech-en --backlog 20000 --by 14d
    """
    from qplan.app.health import recovery_of, write_recovery
    from qplan.core.errors import UsageError
    from qplan.report import recovery as report

    try:
        items = float(backlog.replace(",", "").replace("_", ""))
    except ValueError:
        items = -1.0
    if not 1 <= items <= 100_000_000:
        raise UsageError(f"--backlog {backlog!r}: write a number of items from 1 to 100000000")
    fraction = _overtime(overtime_max)
    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "No recovery was planned")
    found = recovery_of(validation, queue, items, _due(by_day, validation.settings.today), fraction)
    if chart:
        from qplan.core.output import write_file

        write_file(chart, report.burn_down_chart(found))
    echo_report(report.REPORTERS.render(found, fmt), fmt)
    if not found.feasible:
        if write:
            click.echo("Nothing was written: the backlog cannot be cleared by then.", err=True)
        sys.exit(1)
    if write:
        path = write_recovery(validation, found)
        click.echo(
            f"Wrote the recovery as phases of the allocation of {queue} in {path}; "
            "review it with qplan plan.",
            err=fmt != "text",
        )
