"""The docs site of a hostile organisation holds no script, handler, style or unsafe link
(checked in the HTML here; tests/test_docs_browser.py also runs it in Chromium)."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import ROOT
from tests.security.harness import qplan

HOSTILE = ROOT / "tests" / "security" / "cases" / "hostile-site"
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")


class _Unsafe(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.in_article += 1
        for name, value in attrs:
            text = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name == "style" and self.in_article:
                self.found.append(f"<{tag} style> in the article")
            if name in ("href", "src") and text.startswith(UNSAFE_SCHEMES):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "script" and self.in_article:
            self.found.append("<script> in the article")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article -= 1


def test_a_hostile_organisation_builds_a_site_without_script(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(HOSTILE, repo)
    done = qplan("docs", "build", repo=repo, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    found = []
    pages = sorted((repo / "site").rglob("*.html"))
    assert len(pages) == 11  # the glossary too
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        parser = _Unsafe()
        parser.feed(html)
        found += [f"{page.name}: {item}" for item in parser.found]
    assert found == []
    sop = (repo / "site" / "sops" / "wf.html").read_text(encoding="utf-8")
    assert '<a href="https://example.com/policy">safe</a>' in sop
    assert "<a>script link</a>" in sop  # the javascript: link is kept as text
    assert "&lt;script&gt;alert(12)&lt;/script&gt;" in sop
