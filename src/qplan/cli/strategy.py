"""``qplan allocate`` and ``qplan scenario``: the best split, and what-if questions."""

from __future__ import annotations

import sys

import click

from qplan.cli.common import Context, echo_report, format_option, pass_context, write_refusal

_objective = click.option(
    "--objective",
    type=click.Choice(["cost", "balance"]),
    default="cost",
    show_default=True,
    help="cost: the least weekly variable cost; balance: the lowest largest team load.",
)
_step = click.option(
    "--step",
    type=click.Choice(["1", "5", "10", "20", "25", "50"]),
    default="5",
    show_default=True,
    help="Shares in steps of this many percent.",
)
_max_move = click.option(
    "--max-move",
    type=click.FloatRange(0, 100),
    default=20,
    show_default=True,
    help="The most points any queue's shares move from today's.",
)
_explain = click.option(
    "--explain", is_flag=True, help="Name the constraints that bind the proposal."
)


@click.command()
@click.option("--workflow", help="Only this workflow's queues.")
@click.option(
    "--queue", "queues", multiple=True, metavar="QUEUE", help="Only this queue (repeatable)."
)
@_objective
@_step
@_max_move
@_explain
@click.option(
    "--write",
    is_flag=True,
    help="Write the proposed shares into the allocations (review with plan).",
)
@format_option("text", "json")
@pass_context
def allocate(
    obj: Context,
    workflow: str | None,
    queues: tuple[str, ...],
    objective: str,
    step: str,
    max_move: float,
    explain: bool,
    write: bool,
    fmt: str,
) -> None:
    """Propose each queue's split between teams: a mixed-integer programme (SciPy's HiGHS)
    within eligibility, capacity, guardrails and --max-move, at the least cost.

    Example: qplan allocate --workflow comments --explain
    """
    from qplan.app.strategy import allocate_organisation, write_allocation
    from qplan.core.errors import UsageError
    from qplan.report.strategy import allocation_reporters

    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "No allocation was proposed")
    try:
        found = allocate_organisation(
            validation,
            workflow=workflow,
            queues=queues,
            objective=objective,
            step=float(step),
            max_move=max_move,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    echo_report(allocation_reporters(explain=explain).render(found, fmt), fmt)
    if found.status not in ("optimal", "feasible"):
        sys.exit(1)
    if write and found.changed:
        files = write_allocation(validation, found)
        click.echo(
            f"Wrote the proposed shares into {', '.join(files)}; review them with qplan plan.",
            err=fmt != "text",
        )


@click.command()
@click.argument("scenario", metavar="SCENARIO")
@click.option(
    "--allocate",
    "with_allocation",
    is_flag=True,
    help="Also propose the best split under the scenario (as qplan allocate).",
)
@click.option("--workflow", help="With --allocate: only this workflow's queues.")
@_objective
@_step
@_max_move
@_explain
@format_option("text", "markdown", "json")
@pass_context
def scenario(
    obj: Context,
    scenario: str,
    with_allocation: bool,
    workflow: str | None,
    objective: str,
    step: str,
    max_move: float,
    explain: bool,
    fmt: str,
) -> None:
    """What a scenario does to staffing, cost and SLA, without changing the organisation.

    SCENARIO is a scenario's id (a file under scenarios/) or the path of a scenario file
    in the repository. Exit 1 when the scenario cannot apply.

    Example: qplan scenario livestream-q1
    """
    from qplan.app.strategy import scenario_named
    from qplan.core.diagnostics import Report
    from qplan.report.strategy import scenario_reporters

    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, fmt, "No scenario was worked out")
    options = None
    if with_allocation:
        options = {
            "workflow": workflow,
            "objective": objective,
            "step": float(step),
            "max_move": max_move,
        }
    result = scenario_named(validation, scenario, workflow=workflow, allocation=options)
    if isinstance(result, Report):  # why it cannot be read or applied
        write_refusal(result, fmt, "No scenario was worked out")
    echo_report(scenario_reporters(explain=explain).render(result, fmt), fmt)
    if result.allocation is not None and result.allocation.status not in ("optimal", "feasible"):
        sys.exit(1)
