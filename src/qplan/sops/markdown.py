"""A Python-Markdown extension for the docs site: raw HTML is shown as text, never run,
and what Markdown makes is sanitised before it reaches a page.

SOP templates and every name on the site come in with pull requests. With this extension
``<script>`` in an SOP is printed, not executed; and after rendering, the HTML goes through
nh3 (the ammonia sanitiser): only the tags and attributes Markdown and its extensions make
are kept, event handlers (``on…``) and ``style`` attributes are dropped, and links keep only
the http, https and mailto schemes or stay relative. Listed in the generated ``mkdocs.yml``
as ``qplan.sops.markdown``.
"""

from __future__ import annotations

from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

#: the tags Markdown and the site's extensions (tables, admonition, details, toc) make
TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
)
_COMMON = {"class", "id", "title"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON,
    "a": {*_COMMON, "href"},
    "img": {*_COMMON, "src", "alt", "width", "height"},
    "td": {*_COMMON, "align", "colspan", "rowspan"},
    "th": {*_COMMON, "align", "colspan", "rowspan"},
    "details": {*_COMMON, "open"},
    "ol": {*_COMMON, "start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    """Keep the markup Markdown makes; drop scripts, handlers, styles and unsafe links."""
    import nh3

    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


class _Sanitise(Postprocessor):
    def run(self, text: str) -> str:
        return sanitise(text)


#: stands for ``<`` while MkDocs looks for anchors in raw HTML (a private-use character)
_LESS_THAN = "\ue000"


class _HideMarkup(Preprocessor):
    """Hides every ``<`` from MkDocs' raw-HTML pass (priority 21), which reads the page
    with Python's ``html.parser``: its time grows with the square of the number of
    unclosed ``<!--``, ``<a `` or ``<?`` (hours for a page of 1 MiB of them). The site
    shows no raw HTML, so there is nothing for that pass to find."""

    def run(self, lines: list[str]) -> list[str]:
        return [line.replace(_LESS_THAN, "\ufffd").replace("<", _LESS_THAN) for line in lines]


class _ShowMarkup(Preprocessor):
    """Puts the ``<`` back, right after that pass: Markdown reads the page as written."""

    def run(self, lines: list[str]) -> list[str]:
        return [line.replace(_LESS_THAN, "<") for line in lines]


class NoRawHtml(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_HideMarkup(md), "qplan_hide_markup", 21.5)
        md.preprocessors.register(_ShowMarkup(md), "qplan_show_markup", 20.5)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # after every other postprocessor: what is sanitised is what the page gets
        md.postprocessors.register(_Sanitise(md), "qplan_sanitise", -100)


def makeExtension(**kwargs: Any) -> NoRawHtml:
    return NoRawHtml(**kwargs)
