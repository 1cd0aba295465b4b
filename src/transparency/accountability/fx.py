"""Amounts in EUR and USD at the ECB euro reference rate of the action's date.

Rates are ECB "units of currency per 1 EUR" (``data/registry/fx_rates.csv``). An action dated on
a weekend or holiday uses the nearest earlier ECB business day; a rate more than
:data:`MAX_GAP_DAYS` older than the action is not used (the amount stays unconverted, with a
finding), and neither is a currency the ECB does not publish. Never a guessed rate.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

MAX_GAP_DAYS = 7  # covers the longest ECB closures (Christmas to New Year)


class NoRate(LookupError):
    """No usable ECB rate for a currency on a date; the message says why."""


@dataclass(frozen=True)
class Converted:
    amount_eur: float
    amount_usd: float
    rate_date: date  # the ECB day whose rates were used


class Rates:
    def __init__(self, rows: Iterable[dict]):
        by_currency: dict[str, list[tuple[date, float]]] = {}
        for r in rows:
            by_currency.setdefault(r["currency"], []).append((r["date"], r["per_eur"]))
        self._days = {c: sorted(v) for c, v in by_currency.items()}

    def per_eur(self, currency: str, on: date) -> tuple[float, date]:
        """Units of ``currency`` per EUR on ``on`` (or the nearest earlier ECB day)."""
        if currency == "EUR":
            return 1.0, on
        series = self._days.get(currency)
        if not series:
            raise NoRate(
                f"no ECB reference rate for {currency} in data/registry/fx_rates.csv "
                "(the ECB does not publish it; a documented rate may be added with its source)"
            )
        i = bisect_right(series, (on, float("inf")))
        if i == 0:
            raise NoRate(f"no ECB rate for {currency} on or before {on}")
        day, rate = series[i - 1]
        if (on - day).days > MAX_GAP_DAYS:
            raise NoRate(
                f"latest rate for {currency} before {on} in data/registry/fx_rates.csv is from "
                f"{day} (> {MAX_GAP_DAYS} days): run scripts/ecb_fx_rates.py, or, if the ECB no "
                "longer publishes it (RUB since 2022-03-01), add a documented rate"
            )
        return rate, day

    def convert(self, amount: float, currency: str, on: date) -> Converted:
        """``amount`` in EUR and USD; raises :class:`NoRate` rather than guess."""
        rate, day = self.per_eur(currency, on)
        usd_rate, usd_day = self.per_eur("USD", on)
        eur = amount / rate
        usd = amount if currency == "USD" else eur * usd_rate
        return Converted(eur, usd, day if currency != "EUR" else usd_day)
