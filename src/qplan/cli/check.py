"""``qplan validate``, ``qplan rules`` and ``qplan readiness``: what is wrong, and what is ready."""

from __future__ import annotations

import sys

import click

from qplan.cli.common import (
    Context,
    color,
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
    from qplan.report import reporters
    from qplan.repository import validate_repository

    result = validate_repository(settings=obj.settings())
    out = sys.stdout
    if fmt == "json":
        out.write(reporters.validation_json(result.report, strict=strict))
    elif fmt == "github":
        reporters.write_github(result.report, out)
    else:
        reporters.write_text(result.report, out, color=color(out))
    failed = result.report.has_errors or (strict and bool(result.report.warnings))
    sys.exit(1 if failed else 0)


@click.command()
@format_option("text", "json")
def rules(fmt: str) -> None:
    """List the semantic rules: code, severity, suppressible, what each checks.

    Example: qplan rules
    """
    from qplan.core.rules import RULES

    if fmt == "json":
        import json

        rows = [
            {
                "code": r.code,
                "severity": str(r.severity),
                "name": r.title,
                "suppressible": r.suppressible,
                "checks": r.checks,
            }
            for r in RULES.values()
        ]
        click.echo(json.dumps({"format_version": "1", "rules": rows}, indent=2))
        return
    width = max(len(r.title) for r in RULES.values())
    click.echo(f"{'CODE':<6} {'SEVERITY':<8} {'NAME':<{width}} {'SUPPRESS':<8} CHECKS")
    for r in RULES.values():
        flag = "yes" if r.suppressible else "no"
        click.echo(f"{r.code:<6} {r.severity!s:<8} {r.title:<{width}} {flag:<8} {r.checks}")


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
    from qplan import repository as project
    from qplan.core.errors import UsageError
    from qplan.report.readiness import checklist, render

    settings = obj.settings()
    validation = project.validate_repository(settings=settings)
    org = validation.organisation
    unknown = [q for q in queues if q not in org.queues]
    if unknown:
        raise UsageError(f"no queue {unknown[0]!r}")
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    asked = bool(queues or workflow)
    chosen = list(queues) or sorted(
        q.id
        for q in org.queues.values()
        if (workflow is None or q.workflow == workflow) and (asked or q.status != "retired")
    )
    rows = checklist(validation, chosen, project.enqueued_case_sets(settings, obj.state))
    click.echo(render(rows, fmt), nl=False)
    failing = [r for r in rows if not r.ready and (asked or r.status != "draft")]
    sys.exit(1 if failing else 0)
