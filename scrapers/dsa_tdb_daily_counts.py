"""DSA Transparency Database: the Commission's own count of statements of reasons per day.

The Commission's download page (https://transparency.dsa.ec.europa.eu/explore-data/download)
prints, for every daily dump, the number of statements it holds. The page is a search form over a
database, not a file with history, so the counts are read from the table that
transparency-in-content-moderation/eu-dsa-transparency-db-sor-data-downloader (Apache-2.0) keeps
of them, ``metrics/conversion_results.md``: one row per day (``Date``, ``SoRs`` as on the download
table, sizes, ``SoR diff`` = rows the authors counted in the dump minus the official count,
``Convrtd rows``).

Covered: per day, the official count and the rows the downloader counted in the dump (``=``:
equal). Also read: the same figures as CSV (``date,sors_download_table,...,sor_diff,converted_rows,
...``) and the project's own extract (``date,official_statements,downloader_rows``).
Not covered: the file sizes and the error log below the table. Not an observation source: the
build reads ``parse_daily_counts`` into ``sor_official_daily`` and reconciles it with the
statements in the dumps (``sor_reconciliation``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError, ParseResult
from transparency.reading.textfiles import read_text

OBSERVATIONS = False  # one count per day of the whole database: table sor_official_daily
REPO_RAW = (
    "https://raw.githubusercontent.com/transparency-in-content-moderation/"
    "eu-dsa-transparency-db-sor-data-downloader"
)
SOURCE = SourceDeclaration(
    id="dsa_tdb_daily_counts",
    publisher="European Commission (download table), recorded by transparency-in-content-moderation",
    kind="DSA",
    title="DSA Transparency Database: statements of reasons per day on the official download table",
    homepage="https://transparency.dsa.ec.europa.eu/explore-data/download",
    formats=("md", "csv"),
    cadence="daily",
    licence="Counts: European Commission, DSA Transparency Database (CC BY 4.0); table by "
    "transparency-in-content-moderation (Apache-2.0)",
    verification=VERIFIED,
    download_urls=(f"{REPO_RAW}/main/metrics/conversion_results.md",),
    hosts=("raw.githubusercontent.com",),
    reporter="European Commission",
    coverage=__doc__.split("\n\n")[2].replace("\n", " "),
    expected_lag_days=7,
    tags=("dsa", "statements of reasons"),
)


@dataclass(frozen=True)
class DailyCount:
    date: date
    official: int  # as printed on the download table
    converted: int | None  # rows counted in the dump by the downloader (None: not printed)
    row: str


_MD_ROW = re.compile(r"^\|\s*(\d{4}-\d{2}-\d{2})\s*\|\s*([\d,]+)\s*\|(.*)\|\s*$")


def _int(text: str, path: Path, row: str) -> int:
    try:
        return int(text.replace(",", "").strip())
    except ValueError:
        raise ParseError(path, f"{text!r} is not a whole number", row) from None


def _markdown(path: Path, text: str) -> list[DailyCount]:
    out = []
    for line, raw in enumerate(text.splitlines(), start=1):
        m = _MD_ROW.match(raw.strip())
        if not m:
            continue
        cells = [c.strip() for c in m[3].split("|")]
        row = f"line {line}"
        official = _int(m[2], path, row)
        converted = None
        if len(cells) >= 4:  # CSV size, ZIP size, SoR diff, Convrtd rows, ...
            conv = cells[3]
            converted = official if conv == "=" else _int(conv, path, row) if conv else None
        out.append(DailyCount(date.fromisoformat(m[1]), official, converted, row))
    return out


def _csv(path: Path, text: str) -> list[DailyCount]:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    out = []
    for line, r in enumerate(rows, start=2):
        row = f"line {line}"
        official = r.get("sors_download_table") or r.get("official_statements") or ""
        conv = (r.get("converted_rows") or r.get("downloader_rows") or "").strip()
        try:
            day = date.fromisoformat((r.get("date") or "").strip())
        except ValueError:
            raise ParseError(path, f"{r.get('date')!r} is not a date", row) from None
        out.append(
            DailyCount(day, _int(official, path, row), _int(conv, path, row) if conv else None, row)
        )
    return out


def parse_daily_counts(path: Path) -> list[DailyCount]:
    """Every day's count, in file order; a day printed twice is an error naming both rows."""
    text = read_text(path)
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if first.startswith("date,") and (
        "sors_download_table" in first or "official_statements" in first
    ):
        counts = _csv(path, text)
    else:
        counts = _markdown(path, text)
    if not counts:
        raise ParseError(path, "no daily counts (neither the markdown table nor the CSV)")
    seen: dict[date, str] = {}
    for c in counts:
        if c.date in seen:
            raise ParseError(path, f"{c.date} printed twice (also {seen[c.date]})", c.row)
        seen[c.date] = c.row
    return counts


def parse(path: Path) -> ParseResult:
    """No observations (``OBSERVATIONS = False``); checks the file is a table of daily counts."""
    parse_daily_counts(path)
    return ParseResult()


def _check(body: bytes) -> str | None:
    return None if b"| Date" in body or b"|Date" in body else "no table of daily counts"


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    return [
        fetch_to_store(
            client,
            store,
            SOURCE,
            url,
            filename="conversion_results.md",
            expect=("text/plain", "text/markdown"),
            check=_check,
        )
        for url in SOURCE.download_urls
    ]
