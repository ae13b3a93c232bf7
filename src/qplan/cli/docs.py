"""``qplan docs render|build|serve``: SOPs and the documentation site."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
    from qplan import repository as project
    from qplan.core.errors import UsageError
    from qplan.core.output import write_file
    from qplan.site.pages import sop_page_name

    if bool(sop) == every:
        raise UsageError("name one SOP, or pass --all")
    settings = obj.settings()
    validation = project.validate_repository(settings=settings)
    if validation.report.has_errors:
        write_refusal(validation.report, "text", "No SOP was rendered")
    rendered = validation.sops.texts
    names = {sop_page_name(path, settings.sops_dir): path for path in rendered}
    if every or sop is None:
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
    default=None,
    type=click.Path(file_okay=False),
    help="Keep the generated MkDocs project in this folder (relative to the repository). "
    "By default it is made in a private temporary folder outside the repository and removed.",
)


@contextmanager
def _project_folder(settings: Any, project_dir: str | None, *, mark: bool) -> Iterator[Path]:
    """Where the MkDocs project is written: a private folder qplan makes afresh outside
    the repository (nothing a pull request committed, under ``.qplan/`` or elsewhere, is
    ever part of it), or the folder the user named, claimed like any output folder."""
    import tempfile

    from qplan.core.output import claim_output_folder
    from qplan.repository import input_paths

    if project_dir is None:
        with tempfile.TemporaryDirectory(prefix="qplan-docs-") as private:
            yield Path(private)
        return
    yield claim_output_folder(
        settings.root / project_dir,
        settings.root,
        input_paths(settings),
        "--project-dir",
        project_dir,
        mark=mark,
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
    from qplan import repository as project
    from qplan.core.errors import UsageError
    from qplan.core.output import (
        claim_output_folder,
        mark_output_folder,
        remove_hidden,
        remove_links,
    )
    from qplan.repository import input_paths
    from qplan.site.cache import FileMemo, cache_folder
    from qplan.site.pages import build_site, write_project

    settings = obj.settings()
    cache = None if no_cache else cache_folder(settings.root)
    memo = None if cache is None else FileMemo(cache / "heat-maps", ".svg")
    validation, files = project.docs_project(settings, obj.state, memo)
    if files is None:
        write_refusal(validation.report, "text", "No site was built")
    inputs = input_paths(settings)
    site = claim_output_folder(settings.root / out, settings.root, inputs, "--out", out, mark=False)
    with _project_folder(settings, project_dir, mark=False) as project_path:
        if site.is_relative_to(project_path) or project_path.is_relative_to(site):
            raise UsageError("--out and --project-dir must be separate folders")
        if project_dir is not None:
            mark_output_folder(project_path)
        mark_output_folder(site)
        remove_links(site)  # what MkDocs writes never goes through a committed symlink
        remove_hidden(site)  # nor does the site keep a committed file MkDocs leaves alone
        write_project(files, project_path)
        built = build_site(project_path, site, cache=cache)
    if memo is not None:
        memo.prune()
    pages = sum(1 for name in files if name.endswith(".md"))
    reused = f" ({built.hits} page(s) from the cache" if built and built.hits else ""
    if built and built.kept:
        reused += f", {built.kept} left as they were"
    click.echo(f"Built {pages} pages into {out}{reused}{')' if reused else ''}.")


#: the MkDocs hooks file of `qplan docs serve`: it runs in this process, which has told
#: :mod:`qplan.cli.serve_hook` what to serve (nothing of it, the state URL least of all,
#: is written to a file)
_SERVE_HOOKS = """# Generated by `qplan docs serve`: the pages follow the repository's files.
from qplan.cli.serve_hook import regenerate


def on_pre_build(config, **kwargs):
    regenerate()
"""


@docs.command("serve")
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT")
@_PROJECT_DIR
@pass_context
def docs_serve(obj: Context, dev_addr: str, project_dir: str | None) -> None:
    """Serve the site with live reload: edits to workflows/ and sops/ rebuild it.

    Example: qplan docs serve --dev-addr 127.0.0.1:8000
    """
    import gc

    from qplan.cli.common import DEFAULT_GC_THRESHOLDS

    gc.set_threshold(*DEFAULT_GC_THRESHOLDS)  # it runs until stopped: collect as usual
    import os
    import signal

    import yaml

    from qplan import repository as project
    from qplan.cli import serve_hook
    from qplan.core.output import write_file
    from qplan.site.pages import write_project

    settings = obj.settings()
    validation, files = project.docs_project(settings, obj.state)
    if files is None:
        write_refusal(validation.report, "text", "No site was served")
    with _project_folder(settings, project_dir, mark=True) as project_path:
        write_project(files, project_path)
        write_file(project_path / "qplan_serve_hooks.py", _SERVE_HOOKS)
        serve_hook.serve(settings.root, project_path, obj.state)
        watched = [str(p) for p in (settings.workflows_path, settings.sops_path) if p.is_dir()]
        serve_config = {
            "INHERIT": "mkdocs.yml",
            "hooks": ["qplan_serve_hooks.py"],
            "watch": watched,
        }
        write_file(project_path / "mkdocs.serve.yml", yaml.safe_dump(serve_config, sort_keys=False))
        os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
        from mkdocs.commands.serve import serve

        click.echo(f"Serving the site at http://{dev_addr}/ (Ctrl+C stops it).", err=True)
        signal.signal(signal.SIGTERM, _stop)  # stopped as by Ctrl+C: the folder is removed
        serve(
            config_file=str(project_path / "mkdocs.serve.yml"),
            dev_addr=dev_addr,
            livereload=True,
        )


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
