"""``qplan fmt``, ``qplan owners`` and ``qplan schema``: keep the repository's files in shape."""

from __future__ import annotations

import sys

import click

from qplan.cli.common import (
    Context,
    color,
    pass_context,
    write_refusal,
)


@click.command()
@click.option("--check", is_flag=True, help="Exit 1 if schemas/ is not up to date.")
@pass_context
def schema(obj: Context, check: bool) -> None:
    """Write the JSON Schemas of the file format into schemas/.

    Example: qplan schema --check
    """
    from qplan.app.tidy import schemas

    folder = obj.settings().root / "schemas"
    if check:
        stale = schemas(folder, write=False)
        for name in stale:
            click.echo(f"schemas/{name} is out of date; run `qplan schema`")
        if stale:
            sys.exit(1)
        click.echo("schemas/ is up to date.")
        return
    written = schemas(folder, write=True)
    for name in written:
        click.echo(f"wrote schemas/{name}")
    if not written:
        click.echo("schemas/ is up to date.")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file would change.")
@pass_context
def fmt(obj: Context, paths: tuple[str, ...], check: bool) -> None:
    """Format the YAML canonically, keeping comments (default: every workflows/ file).

    Example: qplan fmt --check
    """
    from qplan.app.tidy import format_repository
    from qplan.core.diagnostics import Report
    from qplan.report import reporters

    result = format_repository(obj.settings(), paths, write=not check)
    for name in result.changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {name}")
    if result.problems:
        report = Report()
        report.extend(result.problems)
        reporters.write_text(report, sys.stdout, color=color(sys.stdout))
        click.echo(f"{len(result.problems)} file(s) left as they were: fix them first.")
    if not result.changed and not result.problems:
        click.echo("Every file is formatted." if check else "Nothing to reformat.")
    sys.exit(1 if result.problems or (check and result.changed) else 0)


@click.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the file is out of date.")
@pass_context
def owners(obj: Context, check: bool) -> None:
    """Write .github/CODEOWNERS from the owner fields of workflows, teams, policies, SOPs.

    Example: qplan owners --check
    """
    from qplan.app.tidy import codeowners_of
    from qplan.core.output import write_file

    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "CODEOWNERS was not written")
    found = codeowners_of(validation)
    path, current, wanted = found.path, found.current, found.wanted
    if found.up_to_date:
        click.echo(f"{path} is up to date.")
        return
    if check:
        import difflib

        diff = difflib.unified_diff(
            (current or "").splitlines(), wanted.splitlines(), path, "qplan owners", lineterm=""
        )
        click.echo("\n".join(diff))
        click.echo(f"error: {path} is out of date: run `qplan owners`", err=True)
        sys.exit(1)
    write_file(validation.settings.root / path, wanted)
    click.echo(f"Wrote {path}.")


@click.command("init")
@click.argument("folder", default=".", metavar="[DIR]")
@click.option("--example", is_flag=True, help="Copy the example organisation (Lakeside Social).")
@click.option("--force", is_flag=True, help="Add the missing files to a folder that has some.")
@pass_context
def init(obj: Context, folder: str, example: bool, force: bool) -> None:
    """Start an organisation's repository: settings, workflows/, sops/, training/, the GitHub
    Actions workflows, pre-commit hooks and JSON Schemas, valid as it is.

    Example: qplan init my-org
    """
    from pathlib import Path

    from qplan.app.new_repository import init_repository

    target = Path(obj.repo) / folder
    written = init_repository(target, example=example, force=force, shown=folder)
    for name in written:
        click.echo(f"  wrote {name}")
    click.echo(
        f"Started {'the example organisation' if example else 'an organisation'} in "
        f"{folder}: read its README.md for what to do next, and run qplan validate there."
    )
