"""The ``qplan`` command: a thin layer of click over the library.

Heavy modules are imported inside the commands, so ``qplan --help`` stays fast.
Usage errors exit 64; problems in the input exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from qplan import __version__

EXIT_USAGE = 64


class Context:
    def __init__(self, repo: str, state: str | None) -> None:
        self.repo = repo
        self.state = state

    def settings(self) -> Any:
        from qplan.config import load_settings

        return load_settings(self.repo)


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--repo",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="The repository holding workflows/ and sops/.",
)
@click.option("--state", default=None, help="State store: a SQLite path or postgresql:// URL.")
@click.version_option(__version__, prog_name="qplan")
@click.pass_context
def cli(ctx: click.Context, repo: str, state: str | None) -> None:
    """Human content-moderation operations as code.

    Queues, teams, allocations, targets, guardrails and SOPs live as YAML and
    Jinja in a git repository; qplan validates them, plans changes against
    the applied state, and renders the documentation.
    """
    ctx.obj = Context(repo, state)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
)
@click.option("--strict", is_flag=True, help="Warnings fail validation too.")
@pass_context
def validate(obj: Context, fmt: str, strict: bool) -> None:
    """Check every file of the organisation; report all problems at once.

    Example: qplan validate --format github

    Exit 0 when valid (warnings allowed unless --strict), 1 otherwise.
    """
    from qplan import reporters
    from qplan.project import validate_repository

    result = validate_repository(settings=obj.settings())
    out = sys.stdout
    if fmt == "json":
        out.write(reporters.validation_json(result.report, strict=strict))
    elif fmt == "github":
        reporters.write_github(result.report, out)
    else:
        reporters.write_text(result.report, out, color=_color(out))
    failed = result.report.has_errors or (strict and bool(result.report.warnings))
    sys.exit(1 if failed else 0)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules(fmt: str) -> None:
    """List the semantic rules: code, severity, suppressible, what each checks.

    Example: qplan rules
    """
    from qplan.rules import RULES

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


@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 if schemas/ is not up to date.")
@pass_context
def schema(obj: Context, check: bool) -> None:
    """Write the JSON Schemas of the file format into schemas/.

    Example: qplan schema --check
    """
    from qplan import schema as schemas

    folder = Path(obj.repo) / "schemas"
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


def _duration_seconds(value: str, name: str) -> float:
    from qplan.durations import Duration

    try:
        return Duration.parse(value).seconds
    except (TypeError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None


@cli.command()
@click.option("--volume", type=click.FloatRange(min=0), required=True, help="Items per interval.")
@click.option("--interval", default="30m", show_default=True, help="Length of the interval.")
@click.option("--aht", required=True, help="Average handle time, e.g. 180s.")
@click.option("--within", required=True, help="Answer-time target, e.g. 20s.")
@click.option(
    "--target",
    type=click.FloatRange(min=0, max=100, min_open=True),
    default=80,
    show_default=True,
    help="Service-level target in percent.",
)
@click.option("--agents", type=click.IntRange(min=1), help="Always include this agent count.")
@click.option("--patience", help="Mean patience before abandoning (Erlang A), e.g. 1m.")
@click.option(
    "--shrinkage",
    type=click.FloatRange(min=0, max=1, max_open=True),
    default=0.0,
    show_default=True,
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def erlang(
    volume: float,
    interval: str,
    aht: str,
    within: str,
    target: float,
    agents: int | None,
    patience: str | None,
    shrinkage: float,
    fmt: str,
) -> None:
    """The planner's Erlang C (or, with --patience, Erlang A) calculator.

    Example: qplan erlang --volume 100 --interval 30m --aht 180s --within 20s --target 80
    """
    import json
    import math

    from qplan import erlang as model

    interval_s = _duration_seconds(interval, "--interval")
    aht_s = _duration_seconds(aht, "--aht")
    within_s = _duration_seconds(within, "--within")
    patience_s = _duration_seconds(patience, "--patience") if patience else None
    traffic = volume * aht_s / interval_s
    recommended = model.agents_for_target(traffic, aht_s, within_s, target / 100, patience_s)
    first = math.floor(traffic) + 1 if patience_s is None else max(1, math.floor(traffic) - 2)
    counts = set(range(max(1, first), max(recommended, first) + 4))
    if agents:
        counts.add(agents)
    rows = [model.figures(traffic, n, aht_s, within_s, patience_s) for n in sorted(counts)]
    scheduled = model.scheduled_fte(recommended, shrinkage)
    if fmt == "json":
        document = {
            "format_version": "1",
            "traffic_erlangs": round(traffic, 6),
            "recommended_agents": recommended,
            "scheduled_fte": scheduled,
            "rows": [
                {
                    "agents": r.agents,
                    "probability_of_wait": round(r.probability_of_wait, 6),
                    "service_level": round(r.service_level, 6),
                    "asa_seconds": round(r.asa_seconds, 3)
                    if math.isfinite(r.asa_seconds)
                    else None,
                    "occupancy": round(r.occupancy, 6),
                    "abandonment": None if r.abandonment is None else round(r.abandonment, 6),
                }
                for r in rows
            ],
        }
        click.echo(json.dumps(document, indent=2))
        return
    click.echo(f"Traffic: {traffic:.2f} Erlangs")
    header = f"{'agents':>6}  {'P(wait)':>8}  {'service level':>13}  {'ASA':>9}  {'occupancy':>9}"
    if patience_s is not None:
        header += f"  {'abandoned':>9}"
    click.echo(header)
    for r in rows:
        asa = f"{r.asa_seconds:.1f} s" if math.isfinite(r.asa_seconds) else "unstable"
        line = (
            f"{r.agents:>6}  {r.probability_of_wait:>8.4f}  {r.service_level:>13.4f}  "
            f"{asa:>9}  {r.occupancy:>9.4f}"
        )
        if r.abandonment is not None:
            line += f"  {r.abandonment:>9.4f}"
        marker = "  <- recommended" if r.agents == recommended else ""
        click.echo(line + marker)
    click.echo(
        f"Recommended: {recommended} agents for {target:g}% within {within}; "
        f"{scheduled} scheduled FTE at {shrinkage:.0%} shrinkage."
    )


def _color(stream: Any) -> bool:
    import os

    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point: maps usage errors to exit 64 and qplan errors to one line."""
    from qplan.errors import QplanError

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
