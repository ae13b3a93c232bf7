"""``qplan allocate`` and ``qplan scenario``: the best split, and what-if questions."""

from __future__ import annotations

import sys

import click

from qplan.cli.common import Context, format_option, pass_context, write_refusal


@click.command()
@click.option("--workflow", help="Only this workflow's queues.")
@click.option(
    "--queue", "queues", multiple=True, metavar="QUEUE", help="Only this queue (repeatable)."
)
@click.option(
    "--objective",
    type=click.Choice(["cost", "balance"]),
    default="cost",
    show_default=True,
    help="cost: the least weekly variable cost; balance: the lowest largest team load.",
)
@click.option(
    "--step",
    type=click.Choice(["1", "5", "10", "20", "25", "50"]),
    default="5",
    show_default=True,
    help="Shares in steps of this many percent.",
)
@click.option(
    "--max-move",
    type=click.FloatRange(0, 100),
    default=20,
    show_default=True,
    help="The most points any queue's shares move from today's.",
)
@click.option("--explain", is_flag=True, help="Name the constraints that bind the proposal.")
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
    from qplan import repository as project
    from qplan.core.errors import UsageError
    from qplan.render import allocation_report as report

    validation = project.validate_repository(settings=obj.settings())
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "No allocation was proposed")
    org = validation.organisation
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    for qid in queues:
        if qid not in org.allocations:
            raise UsageError(f"--queue: {qid!r} has no allocation of its own")
    try:
        found = project.allocate_organisation(
            validation,
            workflow=workflow,
            queues=queues,
            objective=objective,
            step=float(step),
            max_move=max_move,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if fmt == "json":
        click.echo(report.as_json(found), nl=False)
    else:
        click.echo(report.text(found, explain=explain), nl=False)
    if found.status not in ("optimal", "feasible"):
        sys.exit(1)
    if write and found.changed:
        files = project.write_allocation(validation, found)
        click.echo(
            f"Wrote the proposed shares into {', '.join(files)}; review them with qplan plan.",
            err=fmt != "text",
        )
