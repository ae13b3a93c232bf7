"""``qplan validate``, ``qplan rules`` and ``qplan readiness``: what is wrong, and what is ready."""

from __future__ import annotations

import sys

import click

from qplan.cli.common import (
    Context,
    color,
    echo_report,
    format_option,
    pass_context,
)


@click.command()
@format_option("text", "json", "github")
@click.option("--strict", is_flag=True, help="Warnings fail validation too.")
@pass_context
def validate(obj: Context, fmt: str, strict: bool) -> None:
    """Check every file of the organisation; report all problems at once.

    Example: qplan validate --format github

    Exit 0 when valid (warnings allowed unless --strict), 1 otherwise.
    """
    from qplan.report.reporters import write_diagnostics

    result = obj.workspace().validation
    write_diagnostics(result.report, fmt, sys.stdout, strict=strict, color=color(sys.stdout))
    failed = result.report.has_errors or (strict and bool(result.report.warnings))
    sys.exit(1 if failed else 0)


@click.command()
@click.argument("terms", nargs=-1)
@format_option("text", "json")
def glossary(terms: tuple[str, ...], fmt: str) -> None:
    """What the figures of qplan's reports and pages mean: utilisation, available and
    required FTE, cost and the rest, defined once (the site's glossary page says the same).

    Example: qplan glossary utilisation
    """
    from qplan.core.errors import UsageError
    from qplan.report.glossary import NAMES, REPORTERS, unknown_terms

    unknown = unknown_terms(list(terms))
    if unknown:
        raise UsageError(f"no term {unknown[0]!r} (terms: {', '.join(NAMES)})")
    echo_report(REPORTERS.render(list(terms) or None, fmt), fmt)


@click.command()
@format_option("text", "json")
def rules(fmt: str) -> None:
    """List the rules: code, severity, suppressible, what each checks, where it is implemented.

    Example: qplan rules
    """
    from qplan.core.rules import RULES
    from qplan.report.rules import REPORTERS

    echo_report(REPORTERS.render(list(RULES.values()), fmt), fmt)


@click.command()
@click.argument("queues", nargs=-1)
@click.option("--workflow", help="Every queue of this workflow.")
@format_option("text", "json", "markdown")
@pass_context
def readiness(obj: Context, queues: tuple[str, ...], workflow: str | None, fmt: str) -> None:
    """The launch checklist of queues, gate by gate; exit 1 if an asked queue is not ready.

    Without QUEUE or --workflow, every queue that is not retired is shown, and draft
    queues' gates are information only.

    Example: qplan readiness sv-hate-speech-en
    """
    from qplan.app.projects import readiness_checklist
    from qplan.report.readiness import REPORTERS

    with obj.workspace() as workspace:
        rows = readiness_checklist(workspace, queues, workflow)
    echo_report(REPORTERS.render(rows, fmt), fmt)
    asked = bool(queues or workflow)
    failing = [r for r in rows if not r.ready and (asked or r.status != "draft")]
    sys.exit(1 if failing else 0)
