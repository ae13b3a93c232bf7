"""``qplan erlang`` and ``qplan capacity``: staffing, SLA and cost."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from qplan.cli.common import (
    Context,
    duration_seconds,
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
    import json
    import math

    from qplan.capacity import erlang as model
    from qplan.core.units import check_fraction, check_percent, plural

    target = check_percent(target, "--target", "service-level target")
    shrinkage = check_fraction(shrinkage, "--shrinkage", "shrinkage", below_one=True)
    interval_s = duration_seconds(interval, "--interval")
    aht_s = duration_seconds(aht, "--aht")
    within_s = duration_seconds(within, "--within")
    patience_s = duration_seconds(patience, "--patience") if patience else None
    traffic = volume * aht_s / interval_s
    try:
        model.check_inputs(traffic, aht_s, within_s, patience_s, agents)
        recommended = model.agents_for_target(traffic, aht_s, within_s, target / 100, patience_s)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    first = math.floor(traffic) + 1 if patience_s is None else max(1, math.floor(traffic) - 2)
    counts = set(range(max(1, first), max(recommended, first) + 4))
    if agents:
        counts.add(agents)
    rows = []
    for n in sorted(counts):
        try:
            rows.append(model.figures(traffic, n, aht_s, within_s, patience_s))
        except ValueError:  # far too few agents for Erlang A's chain: no row for them
            continue
    scheduled = model.scheduled_fte(recommended, shrinkage)
    if fmt == "json":
        document = {
            "format_version": "1",
            "traffic_erlangs": round(traffic, 6),
            "recommended_agents": recommended,
            "scheduled_fte": scheduled,
            "rows": [
                {
                    "agents": r.agents,
                    "probability_of_wait": round(r.probability_of_wait, 6),
                    "service_level": round(r.service_level, 6),
                    "asa_seconds": round(r.asa_seconds, 3)
                    if math.isfinite(r.asa_seconds)
                    else None,
                    "occupancy": round(r.occupancy, 6),
                    "abandonment": None if r.abandonment is None else round(r.abandonment, 6),
                }
                for r in rows
            ],
        }
        click.echo(json.dumps(document, indent=2))
        return
    click.echo(f"Traffic: {traffic:.2f} Erlangs")
    header = f"{'agents':>6}  {'P(wait)':>8}  {'service level':>13}  {'ASA':>9}  {'occupancy':>9}"
    if patience_s is not None:
        header += f"  {'abandoned':>9}"
    click.echo(header)
    for r in rows:
        asa = f"{r.asa_seconds:.1f} s" if math.isfinite(r.asa_seconds) else "unstable"
        line = (
            f"{r.agents:>6}  {r.probability_of_wait:>8.4f}  {r.service_level:>13.4f}  "
            f"{asa:>9}  {r.occupancy:>9.4f}"
        )
        if r.abandonment is not None:
            line += f"  {r.abandonment:>9.4f}"
        marker = "  <- recommended" if r.agents == recommended else ""
        click.echo(line + marker)
    click.echo(
        f"Recommended: {plural(recommended, 'agent')} for {target:g}% within {within}; "
        f"{scheduled:g} scheduled FTE at {shrinkage:.0%} shrinkage."
    )


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
) -> None:
    """Staffing, utilisation, cost and projected SLA per queue and team.

    Example: qplan capacity --workflow short-video --backlog sv-hate-speech-en=20000
    """
    if queue_id is not None and not intervals:
        from qplan.core.errors import UsageError

        raise UsageError("--queue goes with --intervals (or use --workflow or --team)")
    from qplan import repository as project
    from qplan.capacity.staffing import derive_organisation, recovery
    from qplan.core.errors import UsageError
    from qplan.report import capacity as report

    validation = project.validate_repository(settings=obj.settings())
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "No capacity figures were made")
    org = validation.organisation
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    if team is not None and team not in org.teams:
        raise UsageError(f"--team: no team {team!r}")
    settings = validation.settings
    try:
        day = date.fromisoformat(on_day) if on_day else settings.today
    except ValueError:
        raise UsageError(f"--on {on_day!r}: write a date like 2026-12-01") from None
    figures = derive_organisation(org, day)
    if intervals:
        _intervals(report.select(figures, workflow, team), queue_id, fmt, chart)
        return
    recover_days = duration_seconds(recover_in, "--recover-in") / 86400
    recoveries = []
    for item in backlogs:
        qid, sep, count = item.partition("=")
        try:
            items = float(count.replace(",", "").replace("_", ""))
        except ValueError:
            items = -1.0
        if not sep or items < 0:
            raise UsageError(f"--backlog {item!r}: write QUEUE=N, e.g. sv-hate-speech-en=20000")
        if qid not in figures.queues:
            raise UsageError(
                f"--backlog: {qid!r} is not a staffed queue with a forecast and an allocation"
            )
        recoveries.append(recovery(figures, org.teams, qid, items, recover_days))
    shown = report.select(figures, workflow, team)
    if chart:
        from qplan.core.output import write_file

        write_file(chart, report.svg_chart(shown))
    if fmt == "json":
        click.echo(report.as_json(shown, recoveries), nl=False)
    elif fmt == "markdown":
        click.echo(report.markdown(shown, recoveries), nl=False)
    else:
        click.echo(report.text(shown, recoveries), nl=False)


def _intervals(figures: Any, queue_id: str | None, fmt: str, chart: str | None) -> None:
    from qplan.core.errors import UsageError
    from qplan.report import intervals as interval_report

    if queue_id is not None:
        found = figures.queues.get(queue_id)
        if found is None:
            raise UsageError(
                f"--queue: {queue_id!r} is not a queue with a forecast and an allocation"
                " (in the workflow or team asked for)"
            )
        if not found.profiled:
            raise UsageError(
                f"--queue: {queue_id} has no arrival profile, so it is planned on a flat week; "
                "name a profile in its forecast to plan it by interval"
            )
    elif chart:
        raise UsageError("--chart with --intervals draws one queue's week: add --queue")
    shown = interval_report.profiled(figures, queue_id)
    flat = 0 if queue_id else len(figures.queues) - len(shown)
    if chart:
        from qplan.core.output import write_file

        write_file(chart, interval_report.heat_map(shown[0]))
    if fmt == "json":
        click.echo(interval_report.as_json(shown), nl=False)
    elif fmt == "markdown":
        click.echo(interval_report.markdown(shown, flat), nl=False)
    else:
        click.echo(interval_report.text(shown, flat), nl=False)
