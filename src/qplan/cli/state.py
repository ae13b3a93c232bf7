"""``qplan state …``: the applied revisions, their history, rollback and the lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass

from qplan.cli.common import (
    PLAN_FORMATS,
    Context,
    echo_report,
    format_option,
    pass_context,
)
from qplan.cli.plan import write_plan


@click.group()
def state() -> None:
    """Inspect and manage the applied revisions and the lock."""


SERIAL_TYPE = click.IntRange(min=1, max=2**62)
_SERIAL = click.option("--serial", type=SERIAL_TYPE, help="A past revision.")


@state.command("list")
@_SERIAL
@pass_context
def state_list(obj: Context, serial: int | None) -> None:
    """List the resources of the latest (or a past) revision.

    Example: qplan state list --serial 3
    """
    store = obj.workspace().store
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
    from qplan.app.state import resource_at, revision_of
    from qplan.report import state as report

    store = obj.workspace().store
    if resource is None:
        revision = revision_of(store, serial)
        kinds: dict[str, int] = {}
        for r in store.resources(revision.serial).values():
            kinds[r.kind] = kinds.get(r.kind, 0) + 1
        view = report.RevisionView(revision, kinds)
        echo_report(report.REVISION.render(view, fmt), fmt)
        return
    revision, found = resource_at(store, resource, serial)
    shown = report.ResourceView(resource, revision.serial, found)
    echo_report(report.RESOURCE.render(shown, fmt), fmt)


@state.command("history")
@format_option("text", "json")
@pass_context
def state_history(obj: Context, fmt: str) -> None:
    """List the revisions: serial, time, actor, commit and changes.

    Example: qplan state history
    """
    from qplan.report.state import HISTORY

    echo_report(HISTORY.render(obj.workspace().store.history(), fmt), fmt)


@state.command("rollback")
@click.argument("serial", type=SERIAL_TYPE)
@click.option("--out", type=click.Path(dir_okay=False), help="Save the plan for `qplan apply`.")
@click.option("--format", "fmt", type=PLAN_FORMATS, default="text", show_default=True)
@pass_context
def state_rollback(obj: Context, serial: int, out: str | None, fmt: str) -> None:
    """Plan a return to revision SERIAL; review it, then apply it with `apply --rollback`.

    Example: qplan state rollback 3 --out rollback.plan
    """
    from qplan.app.plan import rollback_plan, save_plan

    workspace = obj.workspace()
    settings = workspace.settings
    plan = rollback_plan(settings, workspace.store, serial)
    if out:
        save_plan(plan, out)
    write_plan(plan, fmt, settings)
    if fmt == "text":
        if out:
            click.echo(f"Saved the plan to {out}; apply it with `qplan apply --rollback {out}`.")
        else:
            click.echo("Save it with --out FILE, then apply it with `qplan apply --rollback FILE`.")
        click.echo("Revert the repository's files too, or the next plan undoes the rollback.")


@state.command("unlock")
@click.argument("lock_id")
@pass_context
def state_unlock(obj: Context, lock_id: str) -> None:
    """Release a stuck lock; it must be given the lock's id (shown when an apply is refused).

    Example: qplan state unlock 3f2a9c0e1b7d4e5f8a6b2c1d0e9f8a7b
    """
    obj.workspace().store.release_lock(lock_id)
    click.echo(f"Released lock {lock_id}.")
