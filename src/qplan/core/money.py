"""Money as every report and page writes it: cents only below a thousand, and the
organisation's currency (``[tool.qplan] currency``, an ISO 4217 code) after the amount in
prose. Tables keep bare amounts under a header that names what they are.

The currency is a setting of the repository, set once per command by the layer that
reads the settings (:func:`use_currency`); a library caller that never sets it gets amounts
without a code.
"""

from __future__ import annotations

import re
from contextvars import ContextVar

#: the currency of the repository being reported on ("" writes no code)
CURRENCY: ContextVar[str] = ContextVar("CURRENCY", default="")

#: what ``currency`` may be: three capital letters (ISO 4217), or empty
CURRENCY_CODE = re.compile(r"\A(?:[A-Z]{3})?\Z")

#: from this absolute amount on, money is written in whole units
WHOLE_FROM = 1000.0


def use_currency(code: str) -> None:
    """Write money in this currency from now on in this context."""
    if not CURRENCY_CODE.match(code):
        raise ValueError(f"currency {code!r} is not a three-letter ISO 4217 code")
    CURRENCY.set(code)


def amount(value: float | None, *, signed: bool = False, missing: str = "-") -> str:
    """An amount without its currency, for table cells: ``58.50``, ``12,346``."""
    if value is None:
        return missing
    sign = "+" if signed else ""
    if abs(value) >= WHOLE_FROM:
        return f"{value:{sign},.0f}"
    return f"{value:{sign},.2f}"


def money(value: float | None, *, signed: bool = False, missing: str = "-") -> str:
    """An amount with the currency, for prose: ``12,346 USD``, ``+58.50 USD``."""
    if value is None:
        return missing
    code = CURRENCY.get()
    figure = amount(value, signed=signed)
    return f"{figure} {code}" if code else figure
