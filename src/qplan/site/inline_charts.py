"""The site's charts drawn inline: each ``![…](chart.svg)`` of a page becomes the chart's SVG
itself in the page, so the figures each cell and point carries show on hover and on
keyboard focus (an ``<img>`` shows neither).

Only the SVG files qplan generated into the MkDocs project are inlined (the project is
written by qplan alone; its charts are element trees, every text escaped). The search
index is made before this runs, so the charts' texts are not in it; a page's cache key
holds the charts it shows (:func:`chart_digests`), so a chart that changes renders its page
again. Ids inside a chart are prefixed with the chart's place on the page, so two charts
on one page never share one."""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin

#: a chart as Markdown writes it (``![alt](path.svg)``) and as it reaches the page
_MARKDOWN_CHART = re.compile(r"!\[[^\]\n]*\]\(([^)\s]+\.svg)\)")
_IMG_CHART = re.compile(r'<img alt="([^"]*)" src="([^"]+\.svg)"\s*/?>')
_ID = re.compile(r'\bid="([A-Za-z][\w-]*)"')
#: the largest chart file looked at, and the most chart text one page draws inline (a
#: heat map is some 100 kB; a line chart 10 kB)
MAX_CHART_BYTES = 2 * 1024 * 1024
MAX_INLINE_BYTES = 1024 * 1024


def _source(docs: Path, page_uri: str, src: str) -> Path | None:
    """The generated SVG file ``src`` names from the page ``page_uri``, or None when it
    is not one under the project's docs folder."""
    if "://" in src or src.startswith("/"):
        return None
    uri = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), src))
    if uri.startswith("../") or uri == "..":
        return None
    file = docs / uri
    if file.is_symlink() or not file.is_file() or file.stat().st_size > MAX_CHART_BYTES:
        return None
    return file


def chart_digests(docs: Path, page_uri: str, markdown: str) -> bytes:
    """The digest of every chart a page's Markdown shows, in order (for its cache key)."""
    digest = hashlib.sha256()
    for src in _MARKDOWN_CHART.findall(markdown):
        file = _source(docs, page_uri, src)
        digest.update(src.encode("utf-8") + b"\0")
        if file is not None:
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.digest()


def inline_charts(html: str, docs: Path, page_uri: str) -> str:
    """``html`` with each chart image of the project's own drawn inline, up to
    :data:`MAX_INLINE_BYTES` of them a page (a workflow page of fifty queue sections would
    otherwise carry fifty heat maps); the charts past that stay images."""
    count = 0
    inlined = 0

    def chart(match: re.Match[str]) -> str:
        nonlocal count, inlined
        file = _source(docs, page_uri, match.group(2))
        if file is None:
            return match.group(0)
        svg = file.read_text(encoding="utf-8").strip()
        if not svg.startswith("<svg") or inlined + len(svg) > MAX_INLINE_BYTES:
            return match.group(0)
        count += 1
        inlined += len(svg)
        prefix = f"chart{count}-"
        for name in set(_ID.findall(svg)):
            svg = svg.replace(f'id="{name}"', f'id="{prefix}{name}"')
            svg = svg.replace(f"url(#{name})", f"url(#{prefix}{name})")
            svg = svg.replace(f'href="#{name}"', f'href="#{prefix}{name}"')
        return f'<figure class="qplan-chart">{svg}</figure>'

    return _IMG_CHART.sub(chart, html)


class InlineCharts(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Draws each page's charts inline once its template has run (after search)."""

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        return inline_charts(output, Path(config.docs_dir), page.file.src_uri)
