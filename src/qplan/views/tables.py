"""Tables of figures: aligned text columns for a terminal, and Markdown with the numeric
columns to the right."""

from __future__ import annotations

from collections.abc import Iterable

#: the columns the capacity tables align right
_NUMERIC = {"items/week", "req. FTE", "projected", "cost/item", "headcount", "productive"}
_NUMERIC |= {"utilisation", "cap", "weekly cost", "queues", "teams", "required FTE"}
_NUMERIC |= {"fixed", "variable"}


def table(
    head: list[str], rows: Iterable[list[str]], numeric: frozenset[str] | set[str] = _NUMERIC
) -> list[str]:
    """Aligned text columns: those named in ``numeric`` to the right."""
    rows = list(rows)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(w) if head[i] in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return [line(head), *(line(r) for r in rows)]


def md_table(
    head: list[str], rows: Iterable[list[str]], numeric: frozenset[str] | set[str] = _NUMERIC
) -> list[str]:
    """A Markdown table: columns named in ``numeric`` aligned right; every cell inert
    (:func:`qplan.core.text.markdown_text`), names from the repository included."""
    from qplan.core.text import markdown_text as cell

    align = ["---:" if h in numeric else "---" for h in head]
    lines = ["| " + " | ".join(cell(h) for h in head) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return lines
