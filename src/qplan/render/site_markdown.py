"""A Python-Markdown extension for the docs site: raw HTML is shown as text, never run.

SOP templates and every name on the site come in with pull requests; with this extension
``<script>`` in an SOP is printed, not executed. Listed in the generated ``mkdocs.yml``
as ``qplan.render.site_markdown``.
"""

from __future__ import annotations

from typing import Any

from markdown import Markdown
from markdown.extensions import Extension


class NoRawHtml(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def makeExtension(**kwargs: Any) -> NoRawHtml:
    return NoRawHtml(**kwargs)
