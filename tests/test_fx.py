"""ECB conversion rules and the prose helpers the regulator feeds use."""

from __future__ import annotations

from datetime import date

import pytest

from transparency.accountability.feed_records import prose_amount, prose_date, rfc822_date
from transparency.accountability.fx import NoRate, Rates

RATES = Rates(
    [
        {"date": date(2023, 10, 6), "currency": "AUD", "per_eur": 1.6558},  # a Friday
        {"date": date(2023, 10, 6), "currency": "USD", "per_eur": 1.0540},
        {"date": date(2023, 10, 3), "currency": "AUD", "per_eur": 1.6612},
        {"date": date(2023, 10, 3), "currency": "USD", "per_eur": 1.0469},
    ]
)


def test_weekend_uses_the_nearest_earlier_business_day():
    c = RATES.convert(610_500, "AUD", date(2023, 10, 8))  # Sunday
    assert c.rate_date == date(2023, 10, 6)
    assert c.amount_eur == pytest.approx(610_500 / 1.6558)
    assert c.amount_usd == pytest.approx(610_500 / 1.6558 * 1.0540)


def test_eur_and_usd_amounts():
    eur = RATES.convert(120_000_000, "EUR", date(2023, 10, 3))
    assert (eur.amount_eur, eur.amount_usd) == (120_000_000, pytest.approx(120_000_000 * 1.0469))
    usd = RATES.convert(20_000_000, "USD", date(2023, 10, 3))
    assert (usd.amount_eur, usd.amount_usd) == (pytest.approx(20_000_000 / 1.0469), 20_000_000)


def test_no_guessing():
    with pytest.raises(NoRate, match="no ECB reference rate for KES"):
        RATES.convert(1, "KES", date(2023, 10, 3))
    with pytest.raises(NoRate, match="on or before 2023-10-02"):
        RATES.convert(1, "AUD", date(2023, 10, 2))
    with pytest.raises(NoRate, match="> 7 days"):
        RATES.convert(1, "AUD", date(2023, 10, 20))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Commission fines X €120 million under the Digital Services Act",
            (120_000_000, "EUR", "€120 million"),
        ),
        (
            "imposed a single penalty of £950,000, to be paid by 12 June 2026",
            (950_000, "GBP", "£950,000"),
        ),
        (
            "Epic will pay a $275 million penalty and $245 million in refunds",
            (275_000_000, "USD", "$275 million"),
        ),
        ("an infringement notice of A$610,500", (610_500, "AUD", "A$610,500")),
        ("More Than Half a Billion Dollars", None),
    ],
)
def test_prose_amount(text, expected):
    assert prose_amount(text) == expected


def test_prose_and_feed_dates():
    assert prose_date("Update 13 May 2026: Ofcom issued") == date(2026, 5, 13)
    assert prose_date("on September 11, 2025 the FTC") == date(2025, 9, 11)
    assert prose_date("1st April 2025") == date(2025, 4, 1)
    assert prose_date("no date here 2025") is None
    assert rfc822_date("Thu, 11 Sep 2025 10:00:00 -0400") == date(2025, 9, 11)
    assert rfc822_date("2025-09-11T10:00:00Z") == date(2025, 9, 11)
