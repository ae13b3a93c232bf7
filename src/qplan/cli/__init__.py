"""The ``qplan`` command: a thin layer of click over the library.

Heavy modules are imported inside the commands, so ``qplan --help`` stays fast.
Usage errors exit 64; problems in the input exit 1.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from qplan import __version__
from qplan.cli import (
    actuals,
    capacity,
    check,
    docs,
    forecast,
    health,
    plan,
    projects,
    state,
    strategy,
    tidy,
)
from qplan.cli.common import EXIT_USAGE, Context


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--repo",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="The repository holding workflows/ and sops/.",
)
@click.option("--state", default=None, help="State store: a SQLite path or postgresql:// URL.")
@click.option(
    "--wide",
    is_flag=True,
    help="Text reports at full width, every column; by default they fit 120 columns.",
)
@click.version_option(__version__, prog_name="qplan")
@click.pass_context
def cli(ctx: click.Context, repo: str, state: str | None, wide: bool) -> None:
    """Human content-moderation operations as code.

    Queues, teams, allocations, targets, guardrails and SOPs live as YAML and
    Jinja in a git repository; qplan validates them, plans changes against
    the applied state, and renders the documentation.
    """
    from qplan.report.terminal import WIDTH, set_text_width

    ctx.obj = Context(repo, state)
    set_text_width(None if wide else WIDTH)  # this command's text reports, tables and prose


for _command in (
    check.validate,
    check.rules,
    check.glossary,
    check.readiness,
    tidy.schema,
    tidy.fmt,
    tidy.owners,
    tidy.init,
    capacity.erlang,
    capacity.capacity,
    health.health,
    actuals.actuals,
    forecast.forecast,
    health.recover,
    strategy.allocate,
    strategy.scenario,
    projects.status,
    projects.new,
    projects.import_,
    projects.export,
    docs.docs,
    plan.plan,
    plan.show,
    plan.apply,
    state.state,
):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point: maps usage errors to exit 64 and qplan errors to one line.

    A command is one short process whose data (the organisation, its figures, the state)
    lives until it ends and holds few reference cycles, so the garbage collector runs far
    less often than Python's default: at 10,000 queues the default's full collections,
    each walking every object loaded, took about a quarter of `validate`. `docs serve`,
    which runs until stopped, puts the defaults back.
    """
    import contextvars
    import gc

    from qplan.cli.common import GC_THRESHOLDS
    from qplan.core.text import PrintableStream

    gc.set_threshold(*GC_THRESHOLDS)
    # nothing a pull request wrote reaches the terminal or CI's log as a control sequence
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(sys.stdout), PrintableStream(sys.stderr)
    try:
        # settings a command makes for its reports (width, currency) end with it
        contextvars.copy_context().run(_run, argv)
    finally:
        sys.stdout, sys.stderr = streams


def _run(argv: list[str] | None) -> NoReturn:
    from qplan.core.errors import QplanError

    try:
        cli.main(args=argv, prog_name="qplan", standalone_mode=False)
    except click.UsageError as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except QplanError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    sys.exit(0)
