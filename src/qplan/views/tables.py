"""Tables of figures: aligned text columns for a terminal, and Markdown with the numeric
columns to the right."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextvars import ContextVar

#: how wide a text table may be: a terminal report fits 120 columns unless the reader asked
#: for every column (``qplan --wide``, which sets None)
TEXT_WIDTH: ContextVar[int | None] = ContextVar("TEXT_WIDTH", default=120)
#: the narrowest a text column is cut to (with "…") before columns are left out
_NARROWEST = 12

#: the columns the capacity tables align right
_NUMERIC = {"items/week", "req. FTE", "projected", "cost/item", "headcount", "productive"}
_NUMERIC |= {"utilisation", "cap", "weekly cost", "queues", "teams", "required FTE"}
_NUMERIC |= {"fixed", "variable"}


def table(
    head: list[str],
    rows: Iterable[list[str]],
    numeric: frozenset[str] | set[str] = _NUMERIC,
    *,
    optional: Sequence[str] = (),
) -> list[str]:
    """Aligned text columns: those named in ``numeric`` to the right. Wider than
    :data:`TEXT_WIDTH`, the ``optional`` columns are left out first (in that order), then
    the widest text columns (never the first, which names the row) are cut with "…", then
    the last columns are left out; a line under the table names what was left out."""
    rows = list(rows)
    limit = TEXT_WIDTH.get()
    left_out: list[str] = []
    if limit is not None:
        head, rows, left_out = _fit(head, rows, numeric, optional, limit)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(w) if head[i] in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    lines = [line(head), *(line(r) for r in rows)]
    if left_out:
        lines.append(f"(not shown: {', '.join(left_out)}; qplan --wide shows every column)")
    return lines


def _fit(
    head: list[str],
    rows: list[list[str]],
    numeric: frozenset[str] | set[str],
    optional: Sequence[str],
    limit: int,
) -> tuple[list[str], list[list[str]], list[str]]:
    """The table cut to ``limit`` columns of text: (head, rows, the columns left out)."""

    def width(columns: list[int]) -> int:
        return sum(columns) + 2 * (len(columns) - 1)

    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    dropped: list[str] = []
    for name in optional:
        if width(widths) <= limit:
            break
        if name in head:
            at = head.index(name)
            dropped.append(name)
            head = head[:at] + head[at + 1 :]
            rows = [r[:at] + r[at + 1 :] for r in rows]
            del widths[at]
    cuttable = [i for i in range(1, len(head)) if head[i] not in numeric]
    while width(widths) > limit:
        widest = max(cuttable, key=lambda i: widths[i], default=None)
        if widest is None or widths[widest] <= max(_NARROWEST, len(head[widest])):
            break
        widths[widest] = max(
            _NARROWEST, len(head[widest]), widths[widest] - (width(widths) - limit)
        )
    rows = [[_cut(c, widths[i]) for i, c in enumerate(r)] for r in rows]
    kept = len(head)
    while kept > 1 and width(widths[:kept]) > limit:
        kept -= 1
    return head[:kept], [r[:kept] for r in rows], dropped + head[kept:]


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + "…"


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
