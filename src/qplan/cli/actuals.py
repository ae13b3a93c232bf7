"""``qplan actuals``: actuals from the team's database, kept offline."""

from __future__ import annotations

import json

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
