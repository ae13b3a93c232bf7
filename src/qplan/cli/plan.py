"""``qplan plan``, ``qplan show`` and ``qplan apply``: changes, reviewed, then recorded."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from qplan.app.plan import Plan
    from qplan.app.workspace import Settings

from qplan.cli.common import (
    PLAN_FORMATS,
    Context,
    duration_seconds,
    echo_report,
    pass_context,
    write_refusal,
)


def write_plan(
    plan: Plan,
    fmt: str,
    settings: Settings,
    split_dir: str | None = None,
    *,
    sop_diff: bool = False,
) -> None:
    """Print a plan; Markdown longer than one comment goes out in parts; in text, a changed
    SOP's rendered diff is a count of lines unless ``sop_diff``."""
    import json

    from qplan.report import plan as plan_report

    if fmt == "json":
        # indented for a person at a terminal; one line for a program (the C encoder: a plan
        # of every resource of a large organisation is tens of megabytes)
        indent = 2 if sys.stdout.isatty() else None
        click.echo(json.dumps(plan.contract(), indent=indent, ensure_ascii=False))
        return
    unsafe = plan.unsafe_reason(settings.max_change_percent, settings.min_existing)
    if fmt == "markdown":
        parts = plan_report.markdown_parts(plan)
        if unsafe:
            parts[0] += f"\n> [!CAUTION]\n> Apply will refuse this plan: {unsafe}.\n"
        if split_dir:
            from qplan.core.output import write_file

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
    out = plan_report.text(plan, text_diffs=sop_diff)
    if sop_diff:  # a diff's lines as they are: a wrapped one would read as another line
        click.echo(out, nl=False)
    else:
        echo_report(out, "text")
    if unsafe:
        click.echo(f"Note: apply will refuse this plan: {unsafe}.")


@click.command()
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
@click.option(
    "--sop-diff",
    is_flag=True,
    help="In text, show each changed SOP's rendered diff (by default a count of lines).",
)
@pass_context
def plan(
    obj: Context,
    out: str | None,
    fmt: str,
    detailed_exitcode: bool,
    split_dir: str | None,
    strict: bool,
    sop_diff: bool,
) -> None:
    """Show what applying the repository would change in the state.

    Example: qplan plan --out pr.plan --format markdown
    """
    from qplan.app.plan import plan_repository, save_plan
    from qplan.core.errors import PlanRefused

    workspace = obj.workspace()
    settings = workspace.settings
    result = plan_repository(settings, workspace.store, workspace.validation)
    if result.plan is None:
        write_refusal(result.validation.report, fmt)
    impact = result.plan.impact
    warnings = len(result.plan.diagnostics) + len(impact.get("warnings", []))
    warnings += sum(len(phase.get("warnings", [])) for phase in impact.get("phases", []))
    if strict and warnings:
        write_plan(result.plan, fmt, settings, split_dir, sop_diff=sop_diff)
        raise PlanRefused(
            f"--strict: the plan has {warnings} warning(s); fix them first"
            + (" (the plan was not saved)" if out else "")
        )
    if out:
        save_plan(result.plan, out)
    write_plan(result.plan, fmt, settings, split_dir, sop_diff=sop_diff)
    if out and fmt == "text":
        click.echo(f"Saved the plan to {out}; apply it with `qplan apply {out}`.")
    sys.exit(2 if detailed_exitcode and result.plan.has_changes else 0)


@click.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=PLAN_FORMATS, default="text", show_default=True)
@click.option(
    "--sop-diff",
    is_flag=True,
    help="In text, show each changed SOP's rendered diff (by default a count of lines).",
)
@pass_context
def show(obj: Context, plan_file: str, fmt: str, sop_diff: bool) -> None:
    """Print a saved plan (its checksum is verified first).

    Example: qplan show pr.plan --format markdown
    """
    from qplan.app.plan import load_plan

    write_plan(load_plan(plan_file), fmt, obj.settings(), sop_diff=sop_diff)


@click.command()
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
@click.option(
    "--allow-dirty",
    is_flag=True,
    help="Without PLAN_FILE: plan and apply though the git tree has uncommitted changes.",
)
@click.option(
    "--rollback",
    is_flag=True,
    help="PLAN_FILE is a rollback made by `qplan state rollback`, not a plan of the "
    "repository: apply it though the repository says otherwise.",
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
    allow_dirty: bool,
    rollback: bool,
) -> None:
    """Record a plan as the next state revision.

    With PLAN_FILE, apply that saved plan; without, make a fresh plan, show it and
    ask for confirmation. A plan that was not made from the repository (a rollback)
    is applied only with --rollback, which CI's apply workflow never passes.

    Example: qplan apply pr.plan
    """
    from qplan.app import plan as use_case
    from qplan.core.errors import PlanRefused, UsageError

    timeout = (
        0.0 if lock_timeout in ("0", "0s") else duration_seconds(lock_timeout, "--lock-timeout")
    )
    workspace = obj.workspace()
    settings = workspace.settings
    commit = use_case.working_commit(settings)
    if rollback and not plan_file:
        raise UsageError("--rollback applies a saved rollback plan: name its PLAN_FILE")
    if plan_file:
        plan = use_case.load_plan(plan_file)
        repo_digest = use_case.reviewed_digest(
            settings, plan, plan_file, rollback=rollback, ignore_drift=ignore_repo_drift
        )
    else:
        use_case.refuse_dirty(commit, allow_dirty)
        result = use_case.plan_repository(settings, workspace.store, workspace.validation)
        if result.plan is None:
            write_refusal(result.validation.report, "text")
        plan = result.plan
        write_plan(plan, "text", settings)
        if plan.has_changes and not auto_approve:
            if not sys.stdin.isatty():
                raise PlanRefused(
                    "apply asks for confirmation and there is no terminal: pass --auto-approve, "
                    "or apply a reviewed plan file"
                )
            click.confirm("Apply these changes?", abort=True)
        repo_digest = plan.desired_digest
    revision = use_case.apply_reviewed(
        settings,
        workspace.store,
        plan,
        repo_digest,
        actor_name=actor,
        commit=commit,
        allow_large_change=allow_large_change,
        ignore_repo_drift=ignore_repo_drift,
        lock_timeout=timeout,
    )
    if revision is None:
        click.echo("No changes to apply.")
        return
    counts = revision.counts()
    click.echo(
        f"Apply complete: {counts['create']} created, {counts['update']} updated, "
        f"{counts['delete']} deleted. State is at serial {revision.serial}."
    )
