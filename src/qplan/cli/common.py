"""What every command family shares: the context, the --format option, refusals, colour."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from qplan.app.workspace import Settings, Workspace
    from qplan.core.diagnostics import Report

#: the garbage collector's thresholds for one run of a command (see :func:`qplan.cli.main`)
GC_THRESHOLDS = (100_000, 50, 1_000)
#: the interpreter's own (they differ between Python versions), read before a command
#: changes them, for a command that runs until stopped
DEFAULT_GC_THRESHOLDS = gc.get_threshold()

EXIT_USAGE = 64


class Context:
    def __init__(self, repo: str, state: str | None) -> None:
        self.repo = repo
        self.state = state

    def workspace(self) -> Workspace:
        """The repository this command works on (:class:`qplan.app.workspace.Workspace`)."""
        from qplan.app.workspace import Workspace

        return Workspace.open(self.repo, self.state)

    def settings(self) -> Settings:
        return self.workspace().settings


pass_context = click.make_pass_decorator(Context)


def echo_report(text: str, fmt: str) -> None:
    """Print a rendered report; in text, fitted to the terminal report's width (no line
    over 120 columns, a diagnostic still one line) unless ``qplan --wide`` asked for all,
    and its verdicts in colour where the terminal shows it (not with ``NO_COLOR``, nor into
    a file or pipe). In colour the text is made printable first (nothing from the
    repository can carry an escape sequence) and written past the output's filter with the
    styles added (:class:`qplan.core.text.PrintableStream`)."""
    if fmt != "text":
        click.echo(text, nl=False)
        return
    from qplan.report.terminal import fit, paint, text_width

    text = fit(text, text_width())
    raw = getattr(sys.stdout, "unfiltered", None)
    if raw is None or not color(sys.stdout):
        click.echo(text, nl=False)
        return
    from qplan.core.text import log_safe

    raw.write(paint(log_safe(text)))
    raw.flush()


F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with these choices, ``text`` by default."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default="text", show_default=True
    )


PLAN_FORMATS = click.Choice(["text", "markdown", "json"])


def write_refusal(report: Report, fmt: str, outcome: str = "No plan was made") -> NoReturn:
    """The repository is invalid: show why, in the format asked for, and exit 1."""
    from qplan.report.reporters import write_refusal as write

    write(report, fmt, outcome, sys.stdout, color=color(sys.stdout))
    sys.exit(1)


def color(stream: Any) -> bool:
    import os

    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def day_value(value: str | None, name: str) -> date | None:
    """An option's day (``2026-11-02``), None when it was not given."""
    from qplan.core.errors import UsageError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} {value!r}: write a date like 2026-11-02") from None


def duration_seconds(value: str, name: str) -> float:
    from qplan.core.durations import Duration

    try:
        return Duration.parse(value).seconds
    except (TypeError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None
