"""Platforms' own CyberTipline report counts beside NCMEC's (apparebit/diaphanous).

``data/comparable-reports-by-provider.csv`` of Robert Grimm's "Social Media CSAM Disclosures"
(CC BY 4.0) is a long table ``year,observer,count,topic``: for eight providers (Amazon, Aylo,
Discord, Google, Microsoft, Pinterest, Reddit, Snap) and the years 2019-2023, the number of
CyberTipline reports the provider says it made (observer = the provider) and the number NCMEC says
it received from the provider (observer NCMEC), both as the repository's author compiled them
from the providers' reports and NCMEC's reports by ESP.

Covered: every row, as one yearly figure each: observer NCMEC gives reporter NCMEC and the raw
metric label "count (observer NCMEC)", a provider gives reporter platform and "count (observer
platform)"; an observer that is neither NCMEC nor the row's topic is an error naming the line.
Not covered: nothing else is in the file. NCMEC's own reports by ESP are the
``ncmec_reports_by_esp`` source and the providers' own files their sources; views that pick one
source prefer those (this one is a curated transcription).
"""

from __future__ import annotations

from pathlib import Path

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError, ParseResult
from transparency.reading.textfiles import csv_rows, year_of

SOURCE = SourceDeclaration(
    id="diaphanous_comparison",
    publisher="Robert Grimm, apparebit/diaphanous (compiling providers' and NCMEC's reports)",
    kind="curated transcription",
    title="CyberTipline reports: providers' own counts beside NCMEC's",
    homepage="https://github.com/apparebit/diaphanous",
    formats=("csv",),
    cadence="irregular",
    licence="CC BY 4.0 (Robert Grimm); the figures are the providers' and NCMEC's published facts",
    download_urls=(
        "https://raw.githubusercontent.com/apparebit/diaphanous/boss/data/"
        "comparable-reports-by-provider.csv",
    ),
    hosts=("raw.githubusercontent.com",),
    reporter="platform",
    platform="",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=300,
    verification=VERIFIED,
)

HEADER = ["year", "observer", "count", "topic"]


def parse(path: Path) -> ParseResult:
    """One figure per row; who counted it decides reporter and metric label."""
    result = ParseResult()
    file = Path(path).name
    for line, (year, observer, count, topic) in csv_rows(path, HEADER):
        period = year_of(path, year, line)
        if observer not in ("NCMEC", topic):
            raise ParseError(
                path,
                f"observer {observer!r} is neither NCMEC nor the platform {topic!r}",
                f"line {line}",
            )
        ncmec = observer == "NCMEC"
        result.add(
            platform=topic,
            period=period,
            policy="CyberTipline reports",
            metric="count (observer NCMEC)" if ncmec else "count (observer platform)",
            text=count,
            row=f"line {line}",
            file=file,
            period_label=year,
            reporter="NCMEC" if ncmec else "platform",
        )
    if not result.records:
        raise ParseError(path, "no data rows")
    return result


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """The file from the repository's default branch (a new commit is a new release)."""
    return [
        fetch_to_store(
            client,
            store,
            SOURCE,
            url,
            filename="comparable-reports-by-provider.csv",
            expect=("text/csv", "text/plain"),
        )
        for url in SOURCE.download_urls
    ]
