"""``qplan docs``: every file of the documentation site's MkDocs project, from the
repository, its capacity, its health, scenarios and projects, and the state's change log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qplan.app.health import assess_health
from qplan.app.projects import project_status
from qplan.app.strategy import scenario_results
from qplan.app.workspace import input_paths, open_state, validate_repository
from qplan.check.semantics import ValidationResult
from qplan.core.errors import UsageError
from qplan.load.settings import Settings

if TYPE_CHECKING:
    from qplan.plan.state import StateStore
    from qplan.site.cache import FileMemo


def docs_project(
    settings: Settings, state_url: str | None = None, memo: FileMemo | None = None
) -> tuple[ValidationResult, dict[str, str] | None]:
    """Validate, then make every file of the documentation site's MkDocs project (None
    when the repository has errors). The change log comes from the state, when it has
    revisions; ``memo`` keeps drawn heat maps between builds."""
    from qplan.capacity.staffing import derive_organisation
    from qplan.plan.status import SINCE_DAYS
    from qplan.site.pages import site_files
    from qplan.views.capacity_chart import svg_chart

    validation = validate_repository(settings=settings)
    if validation.report.has_errors:
        return validation, None
    org = validation.organisation
    capacity = derive_organisation(org, settings.today)
    store = open_state(settings, state_url)
    try:
        history = store.history() if store.serial() > 0 else None
        changed = _changed_fields(store, history or [])
    finally:
        store.close()
    health = trend = None
    if org.actuals is not None and not org.actuals.empty:
        from qplan.site.health import TREND_DAYS

        health = assess_health(validation)
        trend = assess_health(validation, health.ends - timedelta(days=TREND_DAYS - 1), health.ends)
    files = site_files(
        org,
        capacity,
        validation.sops.texts,
        history,
        title=settings.site_name,
        sops_dir=settings.sops_dir,
        chart=svg_chart(capacity),
        today=settings.today,
        changed_fields=changed,
        health=health,
        health_trend=trend,
        scenarios=scenario_results(validation),
        max_queue_pages=settings.max_queue_pages,
        max_queue_sections=settings.max_queue_sections,
        memo=memo,
        projects=project_status(
            validation, (), settings.today - timedelta(days=SINCE_DAYS), state_url
        )
        if org.projects
        else (),
    )
    return validation, files


#: the change log lists the changed fields of this many newest revisions
CHANGELOG_DETAIL_REVISIONS = 20


def _changed_fields(store: StateStore, history: list[Any]) -> dict[tuple[int, str], list[str]]:
    """(serial, address) → the fields an update changed, for the newest revisions."""
    import json

    from qplan.plan.fields import field_changes

    found: dict[tuple[int, str], list[str]] = {}
    for revision in history[-CHANGELOG_DETAIL_REVISIONS:]:
        updates = [address for action, address in revision.changes if action == "update"]
        for address in updates[:200]:
            before = store.body_at(address, revision.serial - 1)
            after = store.body_at(address, revision.serial)
            if before is None or after is None:
                continue
            try:
                paths = [c.path for c in field_changes(json.loads(before), json.loads(after))]
            except (ValueError, TypeError, RecursionError):
                continue
            found[(revision.serial, address)] = paths
    return found


def chosen_sops(validation: ValidationResult, sop: str | None) -> list[tuple[str, str]]:
    """``qplan docs render``: (page name, rendered Markdown) of the SOP named by its path or
    page name, or of every SOP when ``sop`` is None."""
    from qplan.site.pages import sop_page_name

    sops_dir = validation.settings.sops_dir
    rendered = validation.sops.texts
    names = {sop_page_name(path, sops_dir): path for path in rendered}
    if sop is None:
        chosen = sorted(rendered)
    elif sop in rendered:
        chosen = [sop]
    elif sop in names:
        chosen = [names[sop]]
    else:
        known = ", ".join(sorted(names)) or "none"
        raise UsageError(f"no SOP {sop!r} (SOPs: {known})")
    return [(sop_page_name(path, sops_dir), rendered[path].text) for path in chosen]


@contextmanager
def project_folder(settings: Settings, project_dir: str | None, *, mark: bool) -> Iterator[Path]:
    """Where the MkDocs project is written: a private folder qplan makes afresh outside
    the repository (nothing a pull request committed, under ``.qplan/`` or elsewhere, is
    ever part of it), or the folder the user named, claimed like any output folder."""
    import tempfile

    from qplan.core.output import claim_output_folder

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


@dataclass(frozen=True)
class SiteBuild:
    """What ``qplan docs build`` did: the validation it ran, and (when it was valid) the
    pages written and how many came from the page cache or were left as they were."""

    validation: ValidationResult
    pages: int = 0
    from_cache: int = 0
    kept: int = 0

    @property
    def built(self) -> bool:
        return not self.validation.report.has_errors


def build_docs(
    settings: Settings,
    state_url: str | None = None,
    *,
    out: str = "site",
    project_dir: str | None = None,
    use_cache: bool = True,
) -> SiteBuild:
    """Validate, make the MkDocs project and build the static site into ``out`` (relative to
    the repository), reusing the pages whose inputs are unchanged unless ``use_cache`` is
    False. Nothing is written when the repository has errors."""
    from qplan.core.output import (
        claim_output_folder,
        mark_output_folder,
        remove_hidden,
        remove_links,
    )
    from qplan.site.build import build_site, write_project
    from qplan.site.cache import FileMemo, cache_folder

    cache = cache_folder(settings.root) if use_cache else None
    memo = None if cache is None else FileMemo(cache / "heat-maps", ".svg")
    validation, files = docs_project(settings, state_url, memo)
    if files is None:
        return SiteBuild(validation)
    inputs = input_paths(settings)
    site = claim_output_folder(settings.root / out, settings.root, inputs, "--out", out, mark=False)
    with project_folder(settings, project_dir, mark=False) as project_path:
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
    return SiteBuild(validation, pages, built.hits if built else 0, built.kept if built else 0)


#: the MkDocs hooks file of `qplan docs serve`: it runs in this process, which has told
#: :mod:`qplan.app.serve_hook` what to serve (nothing of it, the state URL least of all,
#: is written to a file)
_SERVE_HOOKS = """# Generated by `qplan docs serve`: the pages follow the repository's files.
from qplan.app.serve_hook import regenerate, serving


def on_pre_build(config, **kwargs):
    regenerate()


def on_serve(server, config, builder, **kwargs):
    return serving(server)
"""


def serve_docs(
    settings: Settings,
    files: dict[str, str],
    state_url: str | None,
    *,
    dev_addr: str,
    project_dir: str | None,
    ready: Callable[[str, int], None] = lambda host, port: None,
) -> None:
    """Serve the site with live reload until stopped: edits to workflows/ and sops/
    regenerate its pages (:mod:`qplan.app.serve_hook`); ``ready`` is told the host and port
    once the server listens (port 0 in ``dev_addr`` takes a free one)."""

    import yaml

    from qplan.app import serve_hook
    from qplan.core.output import write_file
    from qplan.site.build import write_project

    with project_folder(settings, project_dir, mark=True) as project_path:
        write_project(files, project_path)
        write_file(project_path / "qplan_serve_hooks.py", _SERVE_HOOKS)
        serve_hook.serve(settings.root, project_path, state_url, ready)
        watched = [str(p) for p in (settings.workflows_path, settings.sops_path) if p.is_dir()]
        serve_config = {
            "INHERIT": "mkdocs.yml",
            "hooks": ["qplan_serve_hooks.py"],
            "watch": watched,
        }
        write_file(project_path / "mkdocs.serve.yml", yaml.safe_dump(serve_config, sort_keys=False))
        from mkdocs.commands.serve import serve

        from qplan.site.build import build_date

        with build_date():
            serve(
                config_file=str(project_path / "mkdocs.serve.yml"),
                dev_addr=dev_addr,
                livereload=True,
            )
