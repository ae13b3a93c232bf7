"""Every stage's work grows linearly with its input: what took minutes to hours on a file
of the default size limit (1 MiB) is done in seconds. Bounded here by the harness's
timeout, which kills a run that would take longer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qplan.render.site import drop_comments
from tests.security.harness import minimal_repo, qplan


@pytest.mark.parametrize("markup", ["<!--", "<a ", "<?", "</", '<a b="'])
def test_an_sop_of_a_mebibyte_of_unclosed_markup_builds_in_seconds(
    tmp_path: Path, markup: str
) -> None:
    """Python's html.parser (which MkDocs runs on every page for anchors in raw HTML) and
    a lazy comment regex took time in the square of the unclosed tags or comments."""
    repo = minimal_repo(tmp_path)
    sop = repo / "sops" / "wf.md.j2"
    sop.write_text(sop.read_text() + markup * (990_000 // len(markup)))
    done = qplan("docs", "build", repo=repo, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (repo / "site" / "sops" / "wf.html").read_text(encoding="utf-8")
    shown = markup.replace("<", "&lt;")
    assert page.count(shown) >= 990_000 // len(markup) - 1


@pytest.mark.parametrize(
    "text",
    [
        "a<!-- x -->\nb<!--y-->c",
        "<!--<!-- a -->b-->",
        "x<!-- open",
        "<!---->z",
        "<!--->z",
        "a<!--\n-->\n\nb",
        "<!-- a --><!-- b -->\n<!--",
    ],
)
def test_comments_are_dropped_as_the_reference_expression_drops_them(text: str) -> None:
    assert drop_comments(text) == re.sub(r"<!--.*?-->\n?", "", text, flags=re.DOTALL)
