"""``qplan docs render|build|serve``: SOPs and the documentation site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from qplan.cli.common import (
    Context,
    pass_context,
    write_refusal,
)


@click.group()
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
    from qplan.app.docs import chosen_sops
    from qplan.core.errors import UsageError
    from qplan.core.output import write_file

    if bool(sop) == every:
        raise UsageError("name one SOP, or pass --all")
    validation = obj.workspace().validation
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "No SOP was rendered")
    chosen = chosen_sops(validation, None if every else sop)
    for name, text in chosen:
        if out:
            write_file(Path(out) / f"{name}.md", text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
    if out:
        click.echo(f"Rendered {len(chosen)} SOP(s) into {out}.", err=True)


_PROJECT_DIR = click.option(
    "--project-dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Keep the generated MkDocs project in this folder (relative to the repository). "
    "By default it is made in a private temporary folder outside the repository and removed.",
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
@click.option(
    "--no-cache",
    is_flag=True,
    help="Render every page again instead of reusing the pages whose inputs are unchanged "
    "(kept in QPLAN_CACHE_DIR, else the user's cache folder).",
)
@pass_context
def docs_build(obj: Context, out: str, project_dir: str | None, no_cache: bool) -> None:
    """Generate the MkDocs project and build it into a static, offline HTML site.

    Pages whose inputs did not change since the last build of the repository are
    taken from a cache outside the repository; the site is the same either way.

    Example: qplan docs build --out site
    """
    from qplan.app.docs import build_docs

    workspace = obj.workspace()
    done = build_docs(
        workspace.settings, obj.state, out=out, project_dir=project_dir, use_cache=not no_cache
    )
    if not done.built:
        write_refusal(done.validation.report, "text", "No site was built")
    reused = f" ({done.from_cache} page(s) from the cache" if done.from_cache else ""
    if done.kept:
        reused += f", {done.kept} left as they were"
    click.echo(f"Built {done.pages} pages into {out}{reused}{')' if reused else ''}.")


@docs.command("serve")
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT")
@_PROJECT_DIR
@pass_context
def docs_serve(obj: Context, dev_addr: str, project_dir: str | None) -> None:
    """Serve the site with live reload: edits to workflows/ and sops/ rebuild it. Port 0
    takes a free port, and the line that says where the site is served names it.

    Example: qplan docs serve --dev-addr 127.0.0.1:8000
    """
    import gc

    from qplan.cli.common import DEFAULT_GC_THRESHOLDS

    gc.set_threshold(*DEFAULT_GC_THRESHOLDS)  # it runs until stopped: collect as usual
    import signal

    from qplan.app.docs import docs_project, serve_docs

    settings = obj.workspace().settings
    validation, files = docs_project(settings, obj.state)
    if files is None:
        write_refusal(validation.report, "text", "No site was served")

    def ready(host: str, port: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        click.echo(f"Serving the site at http://{shown}:{port}/ (Ctrl+C stops it).", err=True)

    signal.signal(signal.SIGTERM, _stop)  # stopped as by Ctrl+C: the folder is removed
    serve_docs(settings, files, obj.state, dev_addr=dev_addr, project_dir=project_dir, ready=ready)


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
