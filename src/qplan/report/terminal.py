"""A text report as a terminal shows it: no line wider than the report's width (120
columns unless the reader asks for every column with ``qplan --wide``).

Tables fit themselves (:func:`qplan.views.tables.table` cuts and leaves out columns); what
is left are lines of prose, wrapped here at spaces under their own indentation. A
diagnostic (``file:line:col: QP123 …``, or a workbook cell ``file:sheet!A1: QP…``) stays
one line, as compilers print them, so that editors and CI annotations can read it.
"""

from __future__ import annotations

import re
import textwrap

from qplan.views.tables import TEXT_WIDTH

#: the width of a terminal report
WIDTH = 120

_DIAGNOSTIC = re.compile(r"^\S+:(\d+:\d+|[^\s!]+![A-Z]+\d+): [A-Z]+\d{3} ")
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def fit(text: str, width: int | None = WIDTH) -> str:
    """``text`` with every line longer than ``width`` wrapped (None: as it is)."""
    if width is None:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        plain = _ESCAPE.sub("", line)
        if len(plain) <= width or _DIAGNOSTIC.match(plain.lstrip(" ")):
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip(" "))]
        out += textwrap.wrap(
            line.strip(),
            width=width,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_long_words=False,
            break_on_hyphens=False,
        ) or [line]
    return "\n".join(out)


def text_width(width: int | None) -> None:
    """From now on in this context, text tables are at most ``width`` columns wide (None:
    every column)."""
    TEXT_WIDTH.set(width)
