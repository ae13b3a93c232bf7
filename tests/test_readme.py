"""README.md renders as the docs site renders Markdown: every table is a table."""

from __future__ import annotations

import re

import markdown

from tests.conftest import ROOT

FENCE = re.compile(r"^\s*(```|~~~)")


def _table_blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    fenced = False
    for line in [*text.splitlines(), ""]:
        if FENCE.match(line):
            fenced = not fenced
        if not fenced and line.startswith("|"):
            current.append(line)
            continue
        if current:
            blocks.append(current)
            current = []
    return blocks


def _cells(row: str) -> int:
    return len(re.split(r"(?<!\\)\|", row.strip().strip("|")))


def test_every_readme_table_parses_with_all_its_rows() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = _table_blocks(text)
    assert len(blocks) >= 6  # commands, rules, settings, performance …
    for block in blocks:
        html = markdown.markdown("\n".join(block), extensions=["tables"])
        assert html.count("<table>") == 1, block[0]
        assert html.count("<tr>") == len(block) - 1, block[0]
        assert {_cells(row) for row in block} == {_cells(block[0])}, block[0]
