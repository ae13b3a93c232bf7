"""The ``qplan`` command: a thin layer of click over the library.

Heavy modules are imported inside the commands, so ``qplan --help`` stays fast.
Usage errors exit 64; problems in the input exit 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

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


F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with these choices, ``text`` by default."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default="text", show_default=True
    )


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
@format_option("text", "json", "github")
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
@format_option("text", "json")
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
@format_option("text", "json")
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


@cli.command()
@format_option("text", "json", "markdown")
@click.option("--workflow", help="Only this workflow's queues and the teams that work them.")
@click.option("--team", help="Only this team and the queues it works.")
@click.option(
    "--backlog",
    "backlogs",
    multiple=True,
    metavar="QUEUE=N",
    help="A queue's current backlog: days to recover and extra FTE. Repeatable.",
)
@click.option(
    "--recover-in", default="7d", show_default=True, help="Target recovery time for --backlog."
)
@click.option("--chart", type=click.Path(dir_okay=False), help="Write an SVG chart here.")
@click.option(
    "--on",
    "on_day",
    metavar="YYYY-MM-DD",
    help="Use the allocation phases in force that day (default: today).",
)
@pass_context
def capacity(
    obj: Context,
    fmt: str,
    workflow: str | None,
    team: str | None,
    backlogs: tuple[str, ...],
    recover_in: str,
    chart: str | None,
    on_day: str | None,
) -> None:
    """Staffing, utilisation, cost and projected SLA per queue and team.

    Example: qplan capacity --workflow short-video --backlog sv-hate-speech-en=20000
    """
    from qplan import capacity_report as report
    from qplan import project
    from qplan.capacity import derive_organisation, recovery
    from qplan.errors import UsageError

    validation = project.validate_repository(settings=obj.settings())
    if validation.report.has_errors:
        _write_refusal(validation.report, "text", "No capacity figures were made")
    org = validation.organisation
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    if team is not None and team not in org.teams:
        raise UsageError(f"--team: no team {team!r}")
    settings = validation.settings
    try:
        day = date.fromisoformat(on_day) if on_day else settings.today
    except ValueError:
        raise UsageError(f"--on {on_day!r}: write a date like 2026-12-01") from None
    figures = derive_organisation(org, day)
    recover_days = _duration_seconds(recover_in, "--recover-in") / 86400
    recoveries = []
    for item in backlogs:
        qid, sep, count = item.partition("=")
        try:
            items = float(count.replace(",", "").replace("_", ""))
        except ValueError:
            items = -1.0
        if not sep or items < 0:
            raise UsageError(f"--backlog {item!r}: write QUEUE=N, e.g. sv-hate-speech-en=20000")
        if qid not in figures.queues:
            raise UsageError(
                f"--backlog: {qid!r} is not a staffed queue with a forecast and an allocation"
            )
        recoveries.append(recovery(figures, org.teams, qid, items, recover_days))
    shown = report.select(figures, workflow, team)
    if chart:
        from qplan.output import write_file

        write_file(chart, report.svg_chart(shown))
    if fmt == "json":
        click.echo(report.as_json(shown, recoveries), nl=False)
    elif fmt == "markdown":
        click.echo(report.markdown(shown, recoveries), nl=False)
    else:
        click.echo(report.text(shown, recoveries), nl=False)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file would change.")
@pass_context
def fmt(obj: Context, paths: tuple[str, ...], check: bool) -> None:
    """Format the YAML canonically, keeping comments (default: every workflows/ file).

    Example: qplan fmt --check
    """
    from qplan import reporters
    from qplan.diagnostics import Report
    from qplan.fmt import format_files, yaml_paths

    settings = obj.settings()
    result = format_files(settings, yaml_paths(settings, paths), write=not check)
    for name in result.changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {name}")
    if result.problems:
        report = Report()
        report.extend(result.problems)
        reporters.write_text(report, sys.stdout, color=_color(sys.stdout))
        click.echo(f"{len(result.problems)} file(s) left as they were: fix them first.")
    if not result.changed and not result.problems:
        click.echo("Every file is formatted." if check else "Nothing to reformat.")
    sys.exit(1 if result.problems or (check and result.changed) else 0)


@cli.command()
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
    from qplan import project
    from qplan.errors import UsageError
    from qplan.readiness_report import checklist, render

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


@cli.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the file is out of date.")
@pass_context
def owners(obj: Context, check: bool) -> None:
    """Write .github/CODEOWNERS from the owner fields of workflows, teams, policies, SOPs.

    Example: qplan owners --check
    """
    from qplan import project
    from qplan.output import write_file
    from qplan.owners import PATH, codeowners

    settings = obj.settings()
    validation = project.validate_repository(settings=settings)
    if validation.report.has_errors:
        _write_refusal(validation.report, "text", "CODEOWNERS was not written")
    wanted = codeowners(validation.organisation)
    target = settings.root / PATH
    current = target.read_text(encoding="utf-8") if target.is_file() else None
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


@cli.group()
def docs() -> None:
    """Render SOPs and build the documentation site."""


@docs.command("render")
@click.argument("sop", required=False)
@click.option("--all", "every", is_flag=True, help="Render every SOP.")
@click.option(
    "--out", type=click.Path(file_okay=False), help="Write NAME.md files here instead of printing."
)
@pass_context
def docs_render(obj: Context, sop: str | None, every: bool, out: str | None) -> None:
    """Render SOP templates to Markdown (SOP is its path or its name, e.g. short-video).

    Example: qplan docs render sops/short-video.md.j2
    """
    from qplan import project
    from qplan.docs import sop_page_name
    from qplan.errors import UsageError
    from qplan.output import write_file

    if bool(sop) == every:
        raise UsageError("name one SOP, or pass --all")
    settings = obj.settings()
    validation = project.validate_repository(settings=settings)
    if validation.report.has_errors:
        _write_refusal(validation.report, "text", "No SOP was rendered")
    rendered = validation.organisation.derived.get("rendered_sops", {})
    names = {sop_page_name(path, settings.sops_dir): path for path in rendered}
    if every:
        chosen = sorted(rendered)
    elif sop in rendered:
        chosen = [sop]
    elif sop in names:
        chosen = [names[sop]]
    else:
        known = ", ".join(sorted(names)) or "none"
        raise UsageError(f"no SOP {sop!r} (SOPs: {known})")
    for path in chosen:
        text = rendered[path].text
        if out:
            write_file(Path(out) / f"{sop_page_name(path, settings.sops_dir)}.md", text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
    if out:
        click.echo(f"Rendered {len(chosen)} SOP(s) into {out}.", err=True)


_PROJECT_DIR = click.option(
    "--project-dir",
    default=".qplan/docs",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where the generated MkDocs project goes (relative to the repository).",
)


@docs.command("build")
@click.option(
    "--out",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where the HTML site goes (relative to the repository).",
)
@_PROJECT_DIR
@pass_context
def docs_build(obj: Context, out: str, project_dir: str) -> None:
    """Generate the MkDocs project and build it into a static, offline HTML site.

    Example: qplan docs build --out site
    """
    from qplan import project
    from qplan.docs import build_site, write_project

    settings = obj.settings()
    validation, files = project.docs_project(settings, obj.state)
    if files is None:
        _write_refusal(validation.report, "text", "No site was built")
    project_path = settings.root / project_dir
    changed = write_project(files, project_path)
    site = settings.root / out
    build_site(project_path, site)
    pages = sum(1 for name in files if name.endswith(".md"))
    click.echo(f"Built {pages} pages into {out} ({len(changed)} project file(s) changed).")


_SERVE_HOOKS = """# Generated by `qplan docs serve`: the pages follow the repository's files.
from pathlib import Path

from qplan.docs_serve import regenerate


def on_pre_build(config, **kwargs):
    regenerate({root!r}, {project!r}, {state!r})
"""


@docs.command("serve")
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT")
@_PROJECT_DIR
@pass_context
def docs_serve(obj: Context, dev_addr: str, project_dir: str) -> None:
    """Serve the site with live reload: edits to workflows/ and sops/ rebuild it.

    Example: qplan docs serve --dev-addr 127.0.0.1:8000
    """
    from qplan import project
    from qplan.docs import write_project
    from qplan.output import write_file

    settings = obj.settings()
    validation, files = project.docs_project(settings, obj.state)
    if files is None:
        _write_refusal(validation.report, "text", "No site was served")
    project_path = (settings.root / project_dir).resolve()
    write_project(files, project_path)
    hooks = _SERVE_HOOKS.format(root=str(settings.root), project=str(project_path), state=obj.state)
    write_file(project_path / "qplan_serve_hooks.py", hooks)
    watched = [settings.workflows_path, settings.sops_path]
    write_file(
        project_path / "mkdocs.serve.yml",
        "INHERIT: mkdocs.yml\nhooks:\n  - qplan_serve_hooks.py\nwatch:\n"
        + "".join(f"  - {json_str(str(p))}\n" for p in watched if p.is_dir()),
    )
    import os

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    from mkdocs.commands.serve import serve

    serve(config_file=str(project_path / "mkdocs.serve.yml"), dev_addr=dev_addr, livereload=True)


def json_str(value: str) -> str:
    import json

    return json.dumps(value)


PLAN_FORMATS = click.Choice(["text", "markdown", "json"])


def _write_plan(plan: Any, fmt: str, settings: Any, split_dir: str | None = None) -> None:
    """Print a plan; Markdown longer than one comment goes out in parts."""
    import json

    from qplan import plan_report

    if fmt == "json":
        click.echo(json.dumps(plan.contract(), indent=2, ensure_ascii=False))
        return
    unsafe = plan.unsafe_reason(settings.max_change_percent, settings.min_existing)
    if fmt == "markdown":
        parts = plan_report.markdown_parts(plan)
        if unsafe:
            parts[0] += f"\n> [!CAUTION]\n> Apply will refuse this plan: {unsafe}.\n"
        if split_dir:
            from qplan.output import write_file

            folder = Path(split_dir)
            for old in folder.glob("plan-*.md"):
                old.unlink()
            for number, part in enumerate(parts, start=1):
                write_file(folder / f"plan-{number}.md", part)
            click.echo(f"wrote {len(parts)} part(s) to {folder}", err=True)
        click.echo(parts[0], nl=False)
        if len(parts) > 1 and not split_dir:
            click.echo(
                f"\n_{len(parts) - 1} more part(s) not shown: write them all with --split-dir._"
            )
        return
    out = plan_report.text(plan, color=_color(sys.stdout))
    click.echo(out, nl=False, color=_color(sys.stdout))
    if unsafe:
        click.echo(f"Note: apply will refuse this plan: {unsafe}.")


def _write_refusal(report: Any, fmt: str, outcome: str = "No plan was made") -> NoReturn:
    """The repository is invalid: show why, in the format asked for, and exit 1."""
    from qplan import reporters

    if fmt == "json":
        sys.stdout.write(reporters.validation_json(report))
    elif fmt == "markdown":
        click.echo(f"### qplan plan\n\n**{reporters.summary_line(report)} {outcome}.**\n")
        for d in report.errors:
            click.echo(f"- `{d.file}:{d.line}:{d.column}` {d.code} {d.message}")
    else:
        reporters.write_text(report, sys.stdout, color=_color(sys.stdout))
        click.echo(f"{outcome}: fix the errors above first.")
    sys.exit(1)


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Save the plan for `qplan apply`.")
@click.option("--format", "fmt", type=PLAN_FORMATS, default="text", show_default=True)
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 0 for no changes, 2 for changes, 1 for errors."
)
@click.option(
    "--split-dir",
    type=click.Path(file_okay=False),
    help="Write every part of a long Markdown plan as plan-N.md here.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings (and capacity warnings of the change) as errors: show, do not save.",
)
@pass_context
def plan(
    obj: Context,
    out: str | None,
    fmt: str,
    detailed_exitcode: bool,
    split_dir: str | None,
    strict: bool,
) -> None:
    """Show what applying the repository would change in the state.

    Example: qplan plan --out pr.plan --format markdown
    """
    from qplan.errors import PlanRefused
    from qplan.project import open_state, plan_repository

    settings = obj.settings()
    result = plan_repository(settings, open_state(settings, obj.state))
    if result.plan is None:
        _write_refusal(result.validation.report, fmt)
    warnings = len(result.plan.diagnostics) + len(result.plan.impact.get("warnings", []))
    if strict and warnings:
        _write_plan(result.plan, fmt, settings, split_dir)
        raise PlanRefused(
            f"--strict: the plan has {warnings} warning(s); fix them first"
            + (" (the plan was not saved)" if out else "")
        )
    if out:
        result.plan.save(out)
    _write_plan(result.plan, fmt, settings, split_dir)
    if out and fmt == "text":
        click.echo(f"Saved the plan to {out}; apply it with `qplan apply {out}`.")
    sys.exit(2 if detailed_exitcode and result.plan.has_changes else 0)


@cli.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=PLAN_FORMATS, default="text", show_default=True)
@pass_context
def show(obj: Context, plan_file: str, fmt: str) -> None:
    """Print a saved plan (its checksum is verified first).

    Example: qplan show pr.plan --format markdown
    """
    from qplan.plan import Plan

    _write_plan(Plan.load(plan_file), fmt, obj.settings())


@cli.command()
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False))
@click.option("--auto-approve", is_flag=True, help="Do not ask before applying a fresh plan.")
@click.option("--actor", help="Who applies (default: QPLAN_ACTOR, the git author, the login).")
@click.option(
    "--lock-timeout", default="0s", show_default=True, help="Wait this long for the lock, e.g. 30s."
)
@click.option("--allow-large-change", is_flag=True, help="Apply above the safety threshold.")
@click.option(
    "--ignore-repo-drift", is_flag=True, help="Apply a saved plan though the files changed since."
)
@pass_context
def apply(
    obj: Context,
    plan_file: str | None,
    auto_approve: bool,
    actor: str | None,
    lock_timeout: str,
    allow_large_change: bool,
    ignore_repo_drift: bool,
) -> None:
    """Record a plan as the next state revision.

    With PLAN_FILE, apply that saved plan; without, make a fresh plan, show it and
    ask for confirmation.

    Example: qplan apply pr.plan
    """
    from qplan import project
    from qplan.apply import ApplyOptions, apply_plan
    from qplan.errors import PlanRefused
    from qplan.plan import Plan
    from qplan.resources import digest

    timeout = (
        0.0 if lock_timeout in ("0", "0s") else _duration_seconds(lock_timeout, "--lock-timeout")
    )
    settings = obj.settings()
    store = project.open_state(settings, obj.state)
    if plan_file:
        plan = Plan.load(plan_file)
        repo_digest = None
        if plan.origin == "repository" and not ignore_repo_drift:
            if plan.sources_digest and plan.sources_digest == project.sources_digest(settings):
                repo_digest = plan.desired_digest  # the very files the plan was made from
            else:
                validation = project.validate_repository(settings=settings)
                repo_digest = digest(project.desired_snapshot(validation).values())
    else:
        result = project.plan_repository(settings, store)
        if result.plan is None:
            _write_refusal(result.validation.report, "text")
        plan = result.plan
        _write_plan(plan, "text", settings)
        if plan.has_changes and not auto_approve:
            if not sys.stdin.isatty():
                raise PlanRefused(
                    "apply asks for confirmation and there is no terminal: pass --auto-approve, "
                    "or apply a reviewed plan file"
                )
            click.confirm("Apply these changes?", abort=True)
        repo_digest = plan.desired_digest
    options = ApplyOptions(
        actor=project.actor(settings.root, actor),
        git_commit=project.git_commit(settings.root),
        allow_large_change=allow_large_change,
        ignore_repo_drift=ignore_repo_drift,
        lock_timeout=timeout,
        max_change_percent=settings.max_change_percent,
        min_existing=settings.min_existing,
    )
    revision = apply_plan(plan, store, options, repo_digest)
    if revision is None:
        click.echo("No changes to apply.")
        return
    counts = revision.counts()
    click.echo(
        f"Apply complete: {counts['create']} created, {counts['update']} updated, "
        f"{counts['delete']} deleted. State is at serial {revision.serial}."
    )


@cli.group()
def state() -> None:
    """Inspect and manage the applied revisions and the lock."""


_SERIAL = click.option("--serial", type=click.IntRange(min=1), help="A past revision.")


@state.command("list")
@_SERIAL
@pass_context
def state_list(obj: Context, serial: int | None) -> None:
    """List the resources of the latest (or a past) revision.

    Example: qplan state list --serial 3
    """
    from qplan.project import open_state

    store = open_state(obj.settings(), obj.state)
    if serial is not None:
        store.revision(serial)
    for address in sorted(store.resources(serial)):
        click.echo(address)


@state.command("show")
@click.argument("resource", required=False)
@_SERIAL
@format_option("text", "json")
@pass_context
def state_show(obj: Context, resource: str | None, serial: int | None, fmt: str) -> None:
    """Show a revision, or one resource as it was applied.

    Example: qplan state show queue.sv-hate-speech-en
    """
    import json

    from qplan.errors import StateError
    from qplan.plan import ResourceChange
    from qplan.plan_report import change_lines
    from qplan.project import open_state

    store = open_state(obj.settings(), obj.state)
    revision = store.revision(serial) if serial is not None else store.head()
    if revision is None:
        raise StateError("the state is empty: nothing has been applied yet")
    resources = store.resources(revision.serial)
    if resource is None:
        kinds: dict[str, int] = {}
        for r in resources.values():
            kinds[r.kind] = kinds.get(r.kind, 0) + 1
        document = {"format_version": "1", **_revision_json(revision), "resources": kinds}
        if fmt == "json":
            click.echo(json.dumps(document, indent=2))
            return
        for key in ("serial", "lineage", "created_at", "actor", "git_commit", "origin"):
            click.echo(f"{key + ':':<12} {document[key] or '-'}")
        click.echo(f"{'changes:':<12} {revision.summary()}")
        click.echo(f"{'resources:':<12} " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
        return
    found = resources.get(resource)
    if found is None:
        raise StateError(f"revision {revision.serial} has no resource {resource}")
    if fmt == "json":
        body = {"format_version": "1", "address": resource, "serial": revision.serial}
        body |= {"group": found.group, "fields": found.fields()}
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    click.echo(f"{resource} (serial {revision.serial})")
    as_created = ResourceChange(resource, found.group, "create", None, found.fields())
    for line in change_lines(as_created):
        click.echo(f"  {line}")


def _revision_json(revision: Any) -> dict[str, Any]:
    return {
        "serial": revision.serial,
        "lineage": revision.lineage,
        "created_at": revision.created_at,
        "actor": revision.actor,
        "git_commit": revision.git_commit,
        "plan_checksum": revision.plan_checksum,
        "origin": revision.origin,
        "changes": revision.counts(),
    }


@state.command("history")
@format_option("text", "json")
@pass_context
def state_history(obj: Context, fmt: str) -> None:
    """List the revisions: serial, time, actor, commit and changes.

    Example: qplan state history
    """
    import json

    from qplan.project import open_state

    revisions = open_state(obj.settings(), obj.state).history()
    if fmt == "json":
        rows = [_revision_json(r) for r in revisions]
        click.echo(json.dumps({"format_version": "1", "revisions": rows}, indent=2))
        return
    if not revisions:
        click.echo("The state is empty: nothing has been applied yet.")
        return
    actor_width = max(5, *(len(r.actor) for r in revisions))
    click.echo(f"{'SERIAL':>6}  {'TIME':<20}  {'ACTOR':<{actor_width}}  {'COMMIT':<12}  CHANGES")
    for r in revisions:
        commit = (r.git_commit or "-")[:12]
        origin = "" if r.origin == "repository" else f" ({r.origin})"
        click.echo(
            f"{r.serial:>6}  {r.created_at:<20}  {r.actor:<{actor_width}}  {commit:<12}  "
            f"{r.summary()}{origin}"
        )


@state.command("rollback")
@click.argument("serial", type=click.IntRange(min=1))
@click.option("--out", type=click.Path(dir_okay=False), help="Save the plan for `qplan apply`.")
@click.option("--format", "fmt", type=PLAN_FORMATS, default="text", show_default=True)
@pass_context
def state_rollback(obj: Context, serial: int, out: str | None, fmt: str) -> None:
    """Plan a return to revision SERIAL; review it, then apply it like any plan.

    Example: qplan state rollback 3 --out rollback.plan
    """
    from qplan.project import open_state, rollback_plan

    settings = obj.settings()
    plan = rollback_plan(settings, open_state(settings, obj.state), serial)
    if out:
        plan.save(out)
    _write_plan(plan, fmt, settings)
    if fmt == "text":
        if out:
            click.echo(f"Saved the plan to {out}; apply it with `qplan apply {out}`.")
        else:
            click.echo("Save it with --out FILE, then apply it with `qplan apply FILE`.")
        click.echo("Revert the repository's files too, or the next plan undoes the rollback.")


@state.command("unlock")
@click.argument("lock_id")
@pass_context
def state_unlock(obj: Context, lock_id: str) -> None:
    """Release a stuck lock; it must be given the lock's id (shown when an apply is refused).

    Example: qplan state unlock 3f2a9c0e1b7d4e5f8a6b2c1d0e9f8a7b
    """
    from qplan.project import open_state

    store = open_state(obj.settings(), obj.state)
    store.release_lock(lock_id)
    click.echo(f"Released lock {lock_id}.")


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
