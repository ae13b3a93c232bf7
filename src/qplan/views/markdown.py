"""Markdown cells and tables for what comes from the repository: inert text, inline code,
names fit for the theme's templates, and the number formats pages share."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any


def text(value: Any) -> str:
    """A value from the repository as inline Markdown text: no markup, no HTML."""
    from qplan.core.text import markdown_text

    return markdown_text(value)


_ENTITY_START = re.compile(r"&(?=[#A-Za-z0-9])")
_THEME_UNSAFE = str.maketrans({"<": "‹", ">": "›", '"': "”", "'": "’", "`": "ʼ"})


def theme_text(value: Any) -> str:
    """A name as it may reach the theme's templates (site name, navigation, page titles).

    The theme does not escape these everywhere, and where it uses ``striptags`` it turns
    entities back into markup, so HTML escaping alone is not enough: the characters that
    could open a tag, close an attribute or start an entity are replaced by look-alikes.
    """
    flat = " ".join(str(value).split())
    return _ENTITY_START.sub("＆", flat).translate(_THEME_UNSAFE)


def code(value: Any) -> str:
    """A value as inline code (ids); backticks cannot occur in ids."""
    return f"`{str(value).replace('`', '')}`"


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table of cells already made inert, and the blank line after it."""
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}%"


def money(value: float | None) -> str:
    """An amount with the organisation's currency (cents only below a thousand)."""
    from qplan.core.money import money as with_currency

    return with_currency(value, missing="—")
