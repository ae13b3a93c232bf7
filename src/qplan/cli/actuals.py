"""``qplan actuals``: actuals from the team's database, kept offline."""

from __future__ import annotations

import json
import sys

import click

from qplan.cli.common import Context, echo_report, format_option, pass_context, write_refusal


@click.group()
def actuals() -> None:
    """Actuals from the team's database: pull an extract that every command reads."""


@actuals.command("pull")
@format_option("text", "json")
@pass_context
def actuals_pull(obj: Context, fmt: str) -> None:
    """Read the actuals table named in [tool.qplan.actuals] (the URL from the environment
    variable it names) for its days up to today, check every row as an actuals CSV's,
    and keep them outside the repository, where validate, health, forecast and plan read
    them. Exit 1, keeping nothing, when a row does not pass.

    Example: qplan actuals pull
    """
    from qplan.app.actuals import pull_actuals

    extract, report = pull_actuals(obj.settings())
    if extract is None:
        write_refusal(report, fmt, "Nothing was kept; the last extract stays")
    if fmt == "json":
        echo_report(json.dumps({"format_version": "1", **extract.contract()}, indent=2) + "\n", fmt)
        return
    echo_report(
        f"Pulled {extract.rows:,} rows of {extract.table} from {extract.first.isoformat()} to "
        f"{extract.last.isoformat()}; validate, health, forecast and plan read them "
        f"(digest {extract.digest[:12]}).\n",
        fmt,
    )


@actuals.command("import")
@click.argument("exports", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--skip-bad-rows",
    is_flag=True,
    help="Import the rows that pass, leaving out (and naming) those that break a rule.",
)
@format_option("text", "json")
@pass_context
def actuals_import(obj: Context, exports: tuple[str, ...], skip_bad_rows: bool, fmt: str) -> None:
    """Turn exports of what happened (CSV with the actuals columns in any order, a row a
    day or an interval) into typed Parquet files under actuals/, one a month per export,
    checked by the rules of actuals. Nothing is written when a row breaks a rule (exit 1)
    unless --skip-bad-rows; importing an export again writes the same files.

    Example: qplan actuals import export.csv
    """
    from qplan.app.actuals import import_actuals
    from qplan.core.text import log_safe

    found = import_actuals(obj.settings(), list(exports), skip_bad_rows=skip_bad_rows)
    refused = not skip_bad_rows and any(one.problems for one in found)
    if fmt == "json":
        document = {"format_version": "1", "imported": not refused}
        document["exports"] = [one.contract() for one in found]
        echo_report(json.dumps(document, indent=2, ensure_ascii=False) + "\n", fmt)
    else:
        lines = []
        for one in found:
            into = ", ".join(one.written) if one.written else "nothing written"
            lines.append(
                f"{log_safe(one.export)}: {one.kept:,} row(s) kept ({into}), "
                f"{one.rejected:,} rejected."
            )
            lines += [f"  {d.render()}" for d in one.problems]
        if refused:
            lines.append(
                "Nothing was imported: fix the problems above, or pass --skip-bad-rows to import "
                "the others."
            )
        echo_report("\n".join(lines) + "\n", fmt)
    if refused:
        sys.exit(1)
