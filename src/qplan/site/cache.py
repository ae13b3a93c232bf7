"""A cache of rendered pages for the site builder, so that a rebuild after a small change
renders only the pages whose inputs changed.

MkDocs converts every page's Markdown to HTML and its search plugin parses every page's
HTML on every build; for an organisation of thousands of queues that is most of a build.
:class:`PageCache` is a MkDocs plugin that :func:`qplan.site.build.build_site` adds to
the configuration: it keeps, for each page, what rendering produced (the HTML, the table
of contents, the title, the anchors the page holds and the anchors it links to) and the
search entries made from it, under a key of everything the rendering reads:

* the page's Markdown (after the other plugins' ``page_markdown`` events), its front matter
  (search tags and boost) and its path;
* the MkDocs configuration file, word for word (extensions, navigation, titles);
* the paths of every file of the site (links are resolved, and checked, against them);
* the versions of the builder's packages and the source of qplan's Markdown extension.

A page whose key is in the cache takes its rendering from there; every other step of the
build runs as before (templates, navigation, the check of every link's anchor, the search
index written whole), so a build from the cache writes the same files as one without it
(tested byte for byte). Entries are written only after a build that succeeded in strict
mode, so no entry hides a warning.

A cold build of many pages renders them on two processes: when the build has gathered its
pages, a helper forked from it renders them from the last page backwards into a staging
folder (each page that rendered without a warning), while the build renders them from the
first page on and takes the helper's pages as it reaches them; the helper stops where the
two meet, and is stopped when the build has every page. A page's rendering does not depend
on which process made it, so the site is the same.

A page whose output would be the same as what the last build wrote into the site folder
is not put through the theme's template again: the build runs in MkDocs' "dirty" mode,
with every file's ``is_modified`` decided here instead of by modification times. A page
is kept when its rendering key, the whole navigation (every title, address and page
metadata), the theme and the build date are those of the file the last build wrote, and
that file is still there as written (its size and modification time); a static file (a
heat map, the theme's assets) is kept when its source is the one copied last time. Before
anything is written, everything else in the site folder is removed, so that the folder
holds exactly what a clean build writes (tested byte for byte). Its search entries come
from the cache, in page order. A configuration with a theme folder of its own or other
plugins is built whole.

The cache lives outside the repository (``QPLAN_CACHE_DIR``, else the user's cache
folder): what it holds goes into the site as HTML, so a pull request must not be able
to supply it. Each repository has its own set of entries; entries a successful build
did not use are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

#: the packages whose code turns a page's Markdown into HTML and search entries
_BUILDER_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "qplan")
_FORMAT = "1"
#: what an entry holds (one that lacks any is rendered again)
_ENTRY_KEYS = frozenset({"format", "content", "toc", "title", "anchors", "links"})
#: from this many pages on, a helper process renders pages beside the build
PARALLEL_FROM = 64
#: the plugins whose page output the cache knows how to keep (any other: built whole)
_KNOWN_PLUGINS = frozenset({"material/search", "qplan/page-cache", "qplan/inline-charts"})


def cache_folder(project: Path) -> Path:
    """The folder of the cached pages of one repository (``project``, its root)."""
    from qplan.core.output import cache_root

    digest = hashlib.sha256(str(project.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_root() / "pages" / digest


def _builder_digest() -> str:
    from qplan.sops import markdown as site_markdown

    digest = hashlib.sha256(_FORMAT.encode())
    for package in _BUILDER_PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{package}={version}\n".encode())
    digest.update(Path(site_markdown.__file__).read_bytes())
    return digest.hexdigest()


def _read_entry(path: Path) -> dict[str, Any] | None:
    """A page's entry from the cache or the staging folder; None if it cannot be read or
    lacks a part (the page is rendered again)."""
    entry = _read_record(path)
    if entry is None or entry.get("format") != _FORMAT:
        return None
    return entry if entry.keys() >= _ENTRY_KEYS else None


def _toc_tokens(items: list[AnchorLink]) -> list[dict[str, Any]]:
    return [
        {"title": i.title, "id": i.id, "level": i.level, "children": _toc_tokens(i.children)}
        for i in items
    ]


def _anchor_links(tokens: list[dict[str, Any]]) -> list[AnchorLink]:
    links = []
    for token in tokens:
        link = AnchorLink(token["title"], token["id"], token["level"])
        link.children = _anchor_links(token["children"])
        links.append(link)
    return links


class PageCache(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Reuse each page's rendering, and its search entries, while its inputs are the same."""

    def __init__(self, folder: Path, config_text: str) -> None:
        super().__init__()
        self.folder = folder
        self._base = hashlib.sha256((_builder_digest() + config_text).encode("utf-8"))
        self._pending: dict[str, dict[str, Any]] = {}
        self._used: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, str] = {}  # by page path, once its Markdown is read
        self.hits = 0
        #: pages of this build that the helper process rendered
        self.helped = 0
        self._search_add: Any = None
        # the helper process: its pid, its staging folder, and how far the build has got
        self._helper = 0
        self._in_helper = False
        self._staging: Path | None = None
        self._progress: Any = None
        # pages and files whose output from the last build is kept (see on_env)
        self._nav: Any = None
        self._search_of: dict[str, list[Any]] = {}
        self._written: dict[str, list[Any]] = {}
        self._site: Path | None = None
        self._docs_dir: Path | None = None
        self._last: dict[str, Any] = {}
        self._pages: Sequence[Any] = ()
        self._search_index: Any = None
        #: pages whose output the last build wrote is kept
        self.kept = 0

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        listing = "\n".join(sorted(f.src_uri for f in files))
        self._base.update(listing.encode("utf-8"))
        for file in files:  # every page is read (and taken from the cache) in a dirty build
            setattr(file, "is_modified", _modified)  # noqa: B010
        return files

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        search = config.plugins.get("material/search")
        index = getattr(search, "search_index", None)
        self._search_index = index
        self._empty_site(config)
        if index is not None:
            self._wrap_search(index)

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        from qplan.core.forked import can_fork

        self._nav = nav
        pages = files.documentation_pages()
        if len(pages) >= PARALLEL_FROM and can_fork():
            self._start_helper(config, files, pages)
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.stop_helper()  # every page has its rendering by now
        self._keep_written(files)
        return env

    # the output of the last build

    def _empty_site(self, config: MkDocsConfig) -> None:
        """Empty the site folder where and when MkDocs would (after every plugin's
        ``pre_build``), but of the files the last build wrote that are still as it left
        them: whether each is written the same this time is known at ``env``."""
        site = Path(config.site_dir)
        self._site = site
        self._docs_dir = Path(config.docs_dir)
        known = set(config.plugins) <= _KNOWN_PLUGINS and not config.theme.custom_dir
        last = self._read_written(site) if known else {}
        self._last = {
            uri: recorded for uri, recorded in last.items() if _untouched(site, uri, recorded)
        }
        _sweep(site, set(self._last))

    def _keep_written(self, files: Files) -> None:
        """Decide which files the last build wrote as this one would (they are kept), and
        remove the others it wrote (MkDocs writes them now)."""
        site = self._site
        assert site is not None  # set at pre_build
        self._pages = files.documentation_pages()
        last = self._last
        around = hashlib.sha256(self._nav_text().encode("utf-8"))
        around.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode() + b"\0")
        keep: set[str] = set()
        for file in files:
            if not _included(file):
                continue
            search = None
            if file.is_documentation_page():
                page_key = self._keys.get(file.src_uri)
                entry = self._used.get(page_key or "") or self._pending.get(page_key or "")
                search = (entry or {}).get("search")
                digest = around.copy()
                digest.update((page_key or "").encode())
                fingerprint = digest.hexdigest() if page_key else None
            else:
                fingerprint = _source_fingerprint(file.abs_src_path, self._docs_dir)
            self._written[file.dest_uri] = [fingerprint]
            same = fingerprint is not None and _still_written(
                site, file.dest_uri, fingerprint, last
            )
            if same and file.is_documentation_page():
                if search is None:
                    same = False  # its search entries are not known: build it
                else:
                    self._search_of[file.src_uri] = search
                    self.kept += 1
            if same:
                keep.add(file.dest_uri)
                setattr(file, "is_modified", _unmodified)  # noqa: B010
        for uri in sorted(set(last) - keep):
            if _untouched(site, uri, last[uri]):  # not written since by a plugin of this build
                _remove(site, uri)

    def _nav_text(self) -> str:
        """Everything of the navigation a page's template shows: every title, address and
        page metadata, in order."""
        parts: list[Any] = []

        def walk(items: Sequence[Any], depth: int) -> None:
            for item in items:
                parts.append(
                    [
                        depth,
                        type(item).__name__,
                        str(item.title),
                        getattr(item, "url", None),
                        getattr(item, "meta", None),
                    ]
                )
                walk(getattr(item, "children", None) or (), depth + 1)

        if self._nav is not None:
            walk(self._nav.items, 0)
        return json.dumps(parts, default=str, sort_keys=True)

    def _written_path(self, site: Path) -> Path:
        digest = hashlib.sha256(str(site.resolve()).encode("utf-8")).hexdigest()[:16]
        return self.folder / "written" / f"{digest}.json"

    def _read_written(self, site: Path) -> dict[str, Any]:
        found = _read_record(self._written_path(site))
        files = found.get("files") if found else None
        return files if isinstance(files, dict) else {}

    def _save_written(self) -> None:
        """What this build left in the site folder: each file's fingerprint, size and
        modification time, for the next build to keep what is still right."""
        from qplan.core.output import write_file

        if self._site is None:
            return
        files = {}
        for uri, (fingerprint, *_) in self._written.items():
            try:
                status = (self._site / uri).stat()
            except OSError:
                continue
            files[uri] = [fingerprint, status.st_size, status.st_mtime_ns]
        record = {"site": str(self._site.resolve()), "files": files}
        write_file(self._written_path(self._site), json.dumps(record, sort_keys=True))
        for other in (self.folder / "written").glob("*.json"):  # of site folders now gone
            found = _read_record(other)
            if found is None or not Path(str(found.get("site", ""))).is_dir():
                other.unlink(missing_ok=True)

    @event_priority(100)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The search index's entries in page order, those of kept pages from the cache."""
        index = self._search_index
        pages = [f.src_uri for f in self._pages if _included(f)]
        if index is not None and self.kept and all(p in self._search_of for p in pages):
            index.entries = [entry for uri in pages for entry in self._search_of[uri]]

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        render = page.render
        if self._progress is not None and not self._in_helper:
            self._progress.value += 1

        def cached_render(config: MkDocsConfig, files: Files) -> None:
            key = self._key(page)
            entry = self._load(key)
            if entry is not None:
                self.hits += 1
                self._restore(page, entry, files)
                self._used[key] = entry
                return
            entry = self._staged(key)
            if entry is not None:  # rendered by the helper in this build
                self.helped += 1
                self._restore(page, entry, files)
            else:
                render(config, files)
                entry = self._entry_of(page)
            self._pending[key] = entry

        # the page's own render, looked up first in the cache (an instance attribute:
        # MkDocs calls page.render right after this event)
        setattr(page, "render", cached_render)  # noqa: B010
        return page

    # the key and the entries

    def _key(self, page: Page) -> str:
        """The page's key, worked out when it is rendered (its Markdown is read by then)
        and kept for its search entries."""
        known = self._keys.get(page.file.src_uri)
        if known is not None:
            return known
        digest = self._base.copy()
        digest.update(b"\0" + page.file.src_uri.encode("utf-8") + b"\0")
        digest.update((page.markdown or "").encode("utf-8"))
        # its front matter, which the Markdown no longer holds: the search entries carry
        # its tags and boost
        digest.update(b"\0" + json.dumps(page.meta, sort_keys=True, default=str).encode())
        # the charts it draws inline (qplan.site.inline_charts): one that changes changes it
        if self._docs_dir is not None:
            from qplan.site.inline_charts import chart_digests

            digest.update(chart_digests(self._docs_dir, page.file.src_uri, page.markdown or ""))
        key = self._keys[page.file.src_uri] = digest.hexdigest()
        return key

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def _load(self, key: str) -> dict[str, Any] | None:
        if key in self._pending:
            return self._pending[key]
        return _read_entry(self._path(key))

    @staticmethod
    def _entry_of(page: Page) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "content": page.content,
            "toc": _toc_tokens(list(page.toc)),
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": {
                target.src_uri: links for target, links in (page.links_to_anchors or {}).items()
            },
        }

    @staticmethod
    def _restore(page: Page, entry: dict[str, Any], files: Files) -> None:
        page.content = entry["content"]
        toc = _anchor_links(entry["toc"])
        if toc:  # as MkDocs marks it
            toc[0].active = True  # type: ignore[attr-defined]
        page.toc = TableOfContents(toc)
        page._title_from_render = entry["title"]
        page.present_anchor_ids = set(entry["anchors"])
        links = {}
        for uri, anchors in entry["links"].items():
            target = files.get_file_from_path(uri)
            if target is not None:
                links[target] = anchors
        page.links_to_anchors = links

    def _staged(self, key: str) -> dict[str, Any] | None:
        if self._staging is None or self._in_helper:
            return None
        return _read_entry(self._staging / f"{key}.json")

    # the helper process

    def _start_helper(self, config: MkDocsConfig, files: Files, pages: Sequence[Any]) -> None:
        from multiprocessing.sharedctypes import RawValue

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._staging = Path(tempfile.mkdtemp(prefix="staging-", dir=self.folder))
        except OSError:
            return
        self._progress = RawValue("l", 0)

        def helper() -> None:  # never returns into the build
            self._in_helper = True
            self._help(config, files, pages)

        from qplan.core.forked import spawn

        self._helper = spawn(helper)

    def _help(self, config: MkDocsConfig, files: Files, pages: Sequence[Any]) -> None:
        from mkdocs.commands.build import _populate_page
        from mkdocs.utils import CountHandler

        from qplan.core.output import write_file

        assert self._staging is not None
        warnings = CountHandler()
        warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(warnings)
        for index in range(len(pages) - 1, -1, -1):
            if self._progress.value > index:  # the build has got here: the rest is done
                return
            file = pages[index]
            page = file.page or Page(None, file, config)
            seen = sum(count for _, count in warnings.get_counts())
            _populate_page(page, config, files)
            key = self._key(page)
            entry = self._pending.get(key)
            if entry is None or sum(count for _, count in warnings.get_counts()) > seen:
                continue  # in the cache already, or to be rendered (and warned of) by the build
            if self._search_add is not None:
                self._search_add(page)
            write_file(self._staging / f"{key}.json", json.dumps(entry, ensure_ascii=False))

    def stop_helper(self) -> None:
        """Stop the helper process, if one runs, and remove what it staged."""
        if self._helper:
            try:
                os.kill(self._helper, signal.SIGKILL)
                os.waitpid(self._helper, 0)
            except OSError:
                pass
            self._helper = 0
        if self._staging is not None and not self._in_helper:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None

    def on_build_error(self, *, error: Exception) -> None:
        self.stop_helper()

    def _wrap_search(self, index: Any) -> None:
        add = index.add_entry_from_context

        def cached_add(page: Page) -> None:
            key = self._key(page)
            entry = self._pending.get(key) or self._used.get(key)
            before = len(index.entries)
            if entry is not None and "search" in entry:
                index.entries.extend(entry["search"])
            else:
                add(page)
                if entry is not None:
                    entry["search"] = index.entries[before:]
                    self._pending[key] = entry
            self._search_of[page.file.src_uri] = index.entries[before:]

        index.add_entry_from_context = cached_add
        self._search_add = cached_add

    def save(self) -> None:
        """Keep what this build rendered; remove the entries it did not use. A cache that
        cannot be written costs the next build its time, not this build its result."""
        from qplan.core.errors import OutputError
        from qplan.core.output import write_file

        keep = set(self._used) | set(self._pending)
        try:
            for key, entry in self._pending.items():
                write_file(self._path(key), json.dumps(entry, ensure_ascii=False))
            self._save_written()
            for path in self.folder.glob("*.json"):
                if path.stem not in keep:
                    path.unlink(missing_ok=True)
        except (OSError, OutputError):
            return


def _included(file: Any) -> bool:
    """Whether the file is part of the built site (not a draft left out)."""
    return bool(file.inclusion.is_included())


def _modified() -> bool:
    return True


def _unmodified() -> bool:
    return False


def _source_fingerprint(path: str | None, docs: Path | None) -> str | None:
    """A static file's source as the site copies it: a file qplan generated (in the
    project's docs folder, made afresh each build) by its place and content; a theme's by
    where it is, its size and its time."""
    if path is None:
        return None
    try:
        if docs is not None and Path(path).is_relative_to(docs):
            content = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            return f"docs/{Path(path).relative_to(docs).as_posix()}\0{content}"
        status = os.stat(path)
    except OSError:
        return None
    return f"{path}\0{status.st_size}\0{status.st_mtime_ns}"


def _still_written(site: Path, uri: str, fingerprint: str, last: dict[str, Any]) -> bool:
    """Whether the last build wrote ``uri`` from the same ``fingerprint`` and the file is
    still as it left it."""
    recorded = last.get(uri)
    return _untouched(site, uri, recorded) and bool(recorded and recorded[0] == fingerprint)


def _read_record(path: Path) -> dict[str, Any] | None:
    """A JSON object the cache keeps (a page's entry, what a build left in a site folder);
    None if it cannot be read."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _untouched(site: Path, uri: str, recorded: Any) -> bool:
    """Whether the site's file ``uri`` is as the last build recorded it (its size and
    modification time)."""
    if not isinstance(recorded, list) or len(recorded) != 3:
        return False
    parts = PurePosixPath(uri).parts
    if not parts or parts[0] == "/" or ".." in parts:  # only ever a file under the site
        return False
    try:
        status = (site / uri).lstat()
    except (OSError, ValueError):
        return False
    return [status.st_size, status.st_mtime_ns] == recorded[1:]


def _remove(site: Path, uri: str) -> None:
    """Remove the site's file ``uri``, and the folders it leaves empty."""
    path = site / uri
    path.unlink(missing_ok=True)
    for folder in path.parents:
        if folder == site or not folder.is_relative_to(site):
            break
        try:
            folder.rmdir()
        except OSError:
            break


def _sweep(site: Path, keep: set[str]) -> None:
    """Remove from the site folder every file not in ``keep`` (paths relative to it) and
    the folders left empty; the hidden entries at its top (qplan's marker) stay."""
    if not site.is_dir():
        return
    for folder, folders, names in os.walk(site, topdown=False):
        here = Path(folder)
        top = here == site
        for name in names:
            if top and name.startswith("."):
                continue
            path = here / name
            if path.relative_to(site).as_posix() not in keep:
                path.unlink(missing_ok=True)
        for name in folders:
            if top and name.startswith("."):
                continue
            path = here / name
            with contextlib.suppress(OSError):
                if path.is_symlink():  # a link to a folder is not followed, and not kept
                    path.unlink()
                else:
                    path.rmdir()  # only when empty


class FileMemo:
    """Generated texts (the heat maps of a large organisation's queues) kept in a folder
    under a key of what made them, so an unchanged one is not drawn again; like the pages,
    outside the repository. Entries no build asked for since it was made are removed by
    :meth:`prune`."""

    def __init__(self, folder: Path, suffix: str) -> None:
        self.folder = folder
        self.suffix = suffix
        #: the keys a build asked for (the others are removed by :meth:`prune`)
        self.asked: set[str] = set()

    def text(self, key: str, make: Callable[[], str]) -> str:
        """The text kept under ``key``, or the one ``make`` gives, kept."""
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def get(self, key: str) -> str | None:
        self.asked.add(key)
        try:
            return (self.folder / f"{key}{self.suffix}").read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None

    def put(self, key: str, text: str) -> None:
        from qplan.core.errors import OutputError
        from qplan.core.output import write_file

        self.asked.add(key)
        # a memo that cannot be written costs the next build its time, not this one's result
        with contextlib.suppress(OutputError):
            write_file(self.folder / f"{key}{self.suffix}", text)

    def prune(self) -> None:
        for path in self.folder.glob(f"*{self.suffix}"):
            if path.name.removesuffix(self.suffix) not in self.asked:
                path.unlink(missing_ok=True)
