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
    from qplan.edit import schema as schemas

    folder = obj.settings().root / "schemas"
    if check:
        stale = schemas.stale_files(folder)
        for name in stale:
            click.echo(f"schemas/{name} is out of date; run `qplan schema`")
        if stale:
            sys.exit(1)
        click.echo("schemas/ is up to date.")
        return
    written = schemas.write(folder)
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
    from qplan.core.diagnostics import Report
    from qplan.edit.fmt import format_files, yaml_paths
    from qplan.report import reporters

    settings = obj.settings()
    result = format_files(settings, yaml_paths(settings, paths), write=not check)
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
    from qplan import repository as project
    from qplan.core.output import write_file
    from qplan.edit.owners import PATH, codeowners

    settings = obj.settings()
    validation = project.validate_repository(settings=settings)
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "CODEOWNERS was not written")
    wanted = codeowners(validation.organisation)
    target = settings.root / PATH
    current = None
    if target.exists() or target.is_symlink():
        from qplan.core.errors import OutputError
        from qplan.load.reader import LoadError, read_text

        try:  # the guarded reader: a committed symlink to a secret is never shown in a diff
            current = read_text(target, settings.root, max_bytes=settings.max_file_bytes)
        except LoadError as exc:
            raise OutputError(f"{PATH} cannot be read: {exc.diagnostic.message}") from None
    if current == wanted:
        click.echo(f"{PATH} is up to date.")
        return
    if check:
        import difflib

        diff = difflib.unified_diff(
            (current or "").splitlines(), wanted.splitlines(), PATH, "qplan owners", lineterm=""
        )
        click.echo("\n".join(diff))
        click.echo(f"error: {PATH} is out of date: run `qplan owners`", err=True)
        sys.exit(1)
    write_file(target, wanted)
    click.echo(f"Wrote {PATH}.")
