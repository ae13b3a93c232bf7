"""Money as reports write it: cents only below a thousand, the currency after the amount."""

from __future__ import annotations

import contextvars

import pytest

from qplan.core.money import amount, money, use_currency


@pytest.mark.parametrize(
    ("value", "signed", "written"),
    [
        (58.5, False, "58.50"),
        (999.99, False, "999.99"),
        (1000.0, False, "1,000"),
        (127925.28, False, "127,925"),
        (-1234.5, False, "-1,234"),
        (5486.53, True, "+5,487"),
        (-12.5, True, "-12.50"),
        (0.0, True, "+0.00"),
        (None, False, "-"),
    ],
)
def test_an_amount_has_cents_only_below_a_thousand(
    value: float | None, signed: bool, written: str
) -> None:
    assert amount(value, signed=signed) == written


def test_money_in_prose_carries_the_currency_of_its_context() -> None:
    def in_euros() -> tuple[str, str, str]:
        use_currency("EUR")
        return money(30000.0), money(58.5, signed=True), money(None, missing="—")

    assert contextvars.Context().run(in_euros) == ("30,000 EUR", "+58.50 EUR", "—")
    assert contextvars.Context().run(lambda: money(30000.0)) == "30,000"


def test_a_currency_is_three_capital_letters() -> None:
    with pytest.raises(ValueError, match="not a three-letter ISO 4217 code"):
        contextvars.Context().run(use_currency, "euro")
