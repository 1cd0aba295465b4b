"""NCMEC CyberTipline reports per year, all reporters (ESPs and the public), 1998 onward.

NCMEC states the yearly totals in its annual transparency reports to OJJDP (Appendix A); the
project reads them from the curated transcription in apparebit/diaphanous
(``data/ocse-reports-per-year.csv``: ``year,reports``, CC BY 4.0, Robert Grimm), because the
PDFs' tables are images in several years.

Covered: every year's total of CyberTipline reports received, as one observation per year
(reporter NCMEC, platform ``cybertipline_all``: every reporter, so it is larger than the sum of
the ESP rows of ``ncmec_reports_by_esp``). Not covered: the reports' breakdowns by incident
type or by reporter kind, which the curated file does not carry.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from transparency.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.periods import PeriodError, parse_period
from transparency.records import ParseError, ParseResult
from transparency.sources import SourceDeclaration
from transparency.store import SnapshotStore
from transparency.textfiles import read_text

SOURCE = SourceDeclaration(
    id="ncmec_ojjdp",
    publisher="NCMEC (via OJJDP annual reports; transcribed by apparebit/diaphanous)",
    kind="third party",
    title="CyberTipline reports per year, all reporters",
    homepage="https://www.missingkids.org/gethelpnow/cybertipline/cybertiplinedata",
    formats=("csv",),
    cadence="annual",
    licence="NCMEC figures are public facts; the transcription is CC BY 4.0 (Robert Grimm, apparebit/diaphanous)",
    download_urls=(
        "https://raw.githubusercontent.com/apparebit/diaphanous/boss/data/ocse-reports-per-year.csv",
    ),
    hosts=("raw.githubusercontent.com",),
    reporter="NCMEC",
    platform="",
    coverage=__doc__.split("\n\n")[2].replace("\n", " "),
    expected_lag_days=240,
)

HEADER = ["year", "reports"]
PLATFORM_LABEL = "CyberTipline (all reporters)"


def parse(path: Path) -> ParseResult:
    """One row per year: ``year,reports`` exactly as transcribed."""
    result = ParseResult()
    try:
        rows = list(csv.reader(io.StringIO(read_text(path), newline="")))
    except csv.Error as exc:
        raise ParseError(path, f"malformed CSV ({exc})") from exc
    if not rows or [h.strip().lower() for h in rows[0]] != HEADER:
        raise ParseError(path, f"expected header {','.join(HEADER)}", "line 1")
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            raise ParseError(path, f"expected 2 fields, found {len(row)}", f"line {line}")
        year, reports = (c.strip() for c in row)
        try:
            period = parse_period(year)
        except PeriodError as exc:
            raise ParseError(path, str(exc), f"line {line}") from exc
        if period.granularity != "year":
            raise ParseError(path, f"{year!r} is not a year", f"line {line}")
        result.add(
            platform=PLATFORM_LABEL,
            period=period,
            policy="CyberTipline reports",
            metric="reports",
            text=reports,
            row=f"line {line}",
            file=Path(path).name,
            period_label=year,
        )
    if not result.records:
        raise ParseError(path, "no data rows")
    return result


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    return [
        fetch_to_store(
            client,
            store,
            SOURCE,
            url,
            filename="ocse-reports-per-year.csv",
            expect=("text/csv", "text/plain"),
        )
        for url in SOURCE.download_urls
    ]
