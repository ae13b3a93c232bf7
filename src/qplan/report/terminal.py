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


def fit(text: str, width: int | None = WIDTH) -> str:
    """``text`` with every line longer than ``width`` wrapped (None: as it is)."""
    if width is None:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width or _DIAGNOSTIC.match(line.lstrip(" ")):
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


def set_text_width(width: int | None) -> None:
    """From now on in this context, text reports are at most ``width`` columns wide (None:
    every column, every line as it is)."""
    TEXT_WIDTH.set(width)


def text_width() -> int | None:
    """How wide text reports are in this context (None: as wide as they are)."""
    return TEXT_WIDTH.get()


#: the verdicts a report leads with, by what they say: red for a miss or a problem, green
#: for a target held; and a problem line of a report (``! …``) in yellow
_RED = re.compile(
    r"^(The plan has \d|It does not hold|Health from .* missed a target|Actuals from .* "
    r"missed a target|Risky changes \(approval needed\):)"
)
_GREEN = re.compile(
    r"^(The plan holds every target|It holds|Health from .*Every target was met|"
    r"Actuals from .*Every target was met|Valid: no problems)"
)
_PROBLEM = re.compile(r"^\s*! ")
#: a plan's change of a resource: created, updated, deleted
_CHANGE = re.compile(r"^  ([+~-]) [a-z_]+\.\S+$")
_CHANGE_COLOURS = {"+": "green", "~": "yellow", "-": "red"}


def paint(text: str) -> str:
    """``text`` with its verdict lines in red or green and its problem lines in yellow, for
    a terminal that shows colour (the caller decides: ``NO_COLOR``, not a terminal)."""
    import click

    out = []
    for line in text.split("\n"):
        if _RED.match(line):
            line = click.style(line, fg="red", bold=True)
        elif _GREEN.match(line):
            line = click.style(line, fg="green")
        elif _PROBLEM.match(line):
            line = click.style(line, fg="yellow")
        elif change := _CHANGE.match(line):
            line = click.style(line, fg=_CHANGE_COLOURS[change.group(1)])
        out.append(line)
    return "\n".join(out)
