"""``qplan erlang`` and ``qplan capacity``: staffing, SLA and cost."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from qplan.app.capacity import IntervalView

from qplan.cli.common import (
    Context,
    duration_seconds,
    echo_report,
    format_option,
    pass_context,
    write_refusal,
)


@click.command()
@click.option(
    "--volume",
    type=click.FloatRange(min=0, max=10_000_000),
    required=True,
    help="Items per interval (at most 10,000,000).",
)
@click.option("--interval", default="30m", show_default=True, help="Length of the interval.")
@click.option("--aht", required=True, help="Average handle time, e.g. 180s.")
@click.option("--within", required=True, help="Answer-time target, e.g. 20s.")
@click.option(
    "--target",
    type=float,
    default=80,
    show_default=True,
    help="Service-level target in percent (80 means 80 %).",
)
@click.option(
    "--agents", type=click.IntRange(min=1, max=20_000), help="Always include this agent count."
)
@click.option("--patience", help="Mean patience before abandoning (Erlang A), e.g. 1m.")
@click.option(
    "--shrinkage",
    type=float,
    default=0.0,
    show_default=True,
    help="Share of paid time not available for work, as a fraction (0.3 means 30 %).",
)
@format_option("text", "json")
def erlang(
    volume: float,
    interval: str,
    aht: str,
    within: str,
    target: float,
    agents: int | None,
    patience: str | None,
    shrinkage: float,
    fmt: str,
) -> None:
    """The planner's Erlang C (or, with --patience, Erlang A) calculator.

    Example: qplan erlang --volume 100 --interval 30m --aht 180s --within 20s --target 80
    """
    from qplan.app.capacity import erlang_table
    from qplan.core.units import check_fraction, check_percent
    from qplan.report.erlang import REPORTERS

    target = check_percent(target, "--target", "service-level target")
    shrinkage = check_fraction(shrinkage, "--shrinkage", "shrinkage", below_one=True)
    try:
        table = erlang_table(
            volume=volume,
            interval_seconds=duration_seconds(interval, "--interval"),
            aht_seconds=duration_seconds(aht, "--aht"),
            within_seconds=duration_seconds(within, "--within"),
            within=within,
            target_percent=target,
            agents=agents,
            patience_seconds=duration_seconds(patience, "--patience") if patience else None,
            shrinkage=shrinkage,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    echo_report(REPORTERS.render(table, fmt), fmt)


@click.command()
@format_option("text", "json", "markdown")
@click.option("--workflow", help="Only this workflow's queues and the teams that work them.")
@click.option("--team", help="Only this team and the queues it works.")
@click.option(
    "--backlog",
    "backlogs",
    multiple=True,
    metavar="QUEUE=N",
    help="A queue's current backlog: days to recover and extra FTE. Repeatable.",
)
@click.option(
    "--recover-in", default="7d", show_default=True, help="Target recovery time for --backlog."
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False),
    help="Write an SVG chart here (with --intervals --queue: the queue's heat map).",
)
@click.option(
    "--on",
    "on_day",
    metavar="YYYY-MM-DD",
    help="Use the allocation phases in force that day (default: today).",
)
@click.option(
    "--intervals",
    is_flag=True,
    help="The week by half-hour of each queue with an arrival profile: volume, AHT, "
    "required agents, agents on duty, service level.",
)
@click.option("--queue", "queue_id", metavar="QUEUE", help="With --intervals: only this queue.")
@click.option(
    "--quantile",
    type=click.FloatRange(min=0.5, max=0.99, min_open=True),
    help="The staffing and cost of planning each queue at this quantile of its forecast "
    "from the actuals (0.8: P80) instead of the files' volume.",
)
@pass_context
def capacity(
    obj: Context,
    fmt: str,
    workflow: str | None,
    team: str | None,
    backlogs: tuple[str, ...],
    recover_in: str,
    chart: str | None,
    on_day: str | None,
    intervals: bool,
    queue_id: str | None,
    quantile: float | None,
) -> None:
    """Staffing, utilisation, cost and projected SLA per queue and team.

    Example: qplan capacity --workflow short-video --backlog sv-hate-speech-en=20000
    """
    if queue_id is not None and not intervals:
        from qplan.core.errors import UsageError

        raise UsageError("--queue goes with --intervals (or use --workflow or --team)")
    from qplan.app.capacity import capacity_figures, capacity_view, interval_view
    from qplan.core.errors import UsageError

    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "No capacity figures were made")
    try:
        day = date.fromisoformat(on_day) if on_day else None
    except ValueError:
        raise UsageError(f"--on {on_day!r}: write a date like 2026-12-01") from None
    if quantile is not None:
        from qplan.app.forecast import planning_at_quantile
        from qplan.core.diagnostics import Report
        from qplan.report.strategy import scenario_reporters

        if team or backlogs or chart or intervals:
            raise UsageError("--quantile goes with --workflow and --on only")
        result = planning_at_quantile(validation, quantile, workflow=workflow, day=day)
        if isinstance(result, Report):
            write_refusal(result, fmt, "No capacity figures were made")
        echo_report(scenario_reporters(explain=False).render(result, fmt), fmt)
        return
    if intervals:
        figures = capacity_figures(validation, day=day, workflow=workflow, team=team)
        if queue_id is None and chart:
            raise UsageError("--chart with --intervals draws one queue's week: add --queue")
        _intervals(interval_view(figures, queue_id), fmt, chart)
        return
    recover_days = duration_seconds(recover_in, "--recover-in") / 86400
    backlog_items: list[tuple[str, float]] = []
    for item in backlogs:
        qid, sep, count = item.partition("=")
        try:
            items = float(count.replace(",", "").replace("_", ""))
        except ValueError:
            items = -1.0
        if not sep or items < 0:
            raise UsageError(f"--backlog {item!r}: write QUEUE=N, e.g. sv-hate-speech-en=20000")
        backlog_items.append((qid, items))
    view = capacity_view(
        validation,
        day=day,
        workflow=workflow,
        team=team,
        backlogs=backlog_items,
        recover_days=recover_days,
        with_actuals=fmt in ("text", "markdown"),  # the verdict lines; JSON has no such line
        state_url=obj.state,
    )
    from qplan.report import capacity as report

    if chart:
        from qplan.core.output import write_file

        write_file(chart, report.svg_chart(view.capacity))
    echo_report(report.REPORTERS.render(view, fmt), fmt)


def _intervals(view: IntervalView, fmt: str, chart: str | None) -> None:
    from qplan.report import intervals as report

    if chart:
        from qplan.core.output import write_file

        write_file(chart, report.heat_map(view.queues[0]))
    echo_report(report.REPORTERS.render(view, fmt), fmt)
