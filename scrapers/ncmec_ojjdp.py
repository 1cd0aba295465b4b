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

from pathlib import Path

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError, ParseResult
from transparency.reading.textfiles import csv_rows, year_of

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
    verification=VERIFIED,
)

HEADER = ["year", "reports"]
PLATFORM_LABEL = "CyberTipline (all reporters)"


def parse(path: Path) -> ParseResult:
    """One row per year: ``year,reports`` exactly as transcribed."""
    result = ParseResult()
    for line, (year, reports) in csv_rows(path, HEADER):
        period = year_of(path, year, line)
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
