"""Meta Community Standards Enforcement Report (Facebook, Instagram): the CSV download.

Covered: every row of the CSV (``app,policy_area,metric,period,value``): all policy areas and
metrics, every quarter since 2017Q4, values as printed (rounded counts, percentages, ``N/A`` for
not reported, ranges such as ``4%-5%``). Each release restates the full history, so each file is
one vintage. The CSV may also come inside a ZIP (``community-standards.zip`` holding
``CSER-2026_Q2.csv``, what the site's newer GraphQL download route makes in the browser): its one
CSV is read in memory, with the project's ZIP safety checks. Not covered: Meta's NCMEC disclosure pages (prose, source ``meta_ncmec``).

Meta serves only the latest release at one unchanging URL; snapshots are kept by content hash so
every release that was ever fetched stays available.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.periods import PeriodError, parse_period
from transparency.reading.records import ParseError, ParseResult
from transparency.reading.textfiles import decode_text, read_text
from transparency.reading.zipsafety import UnsafeZip, ZipLimits, read_csv_members

SOURCE = SourceDeclaration(
    id="meta_cser",
    publisher="Meta",
    kind="platform report",
    title="Community Standards Enforcement Report (CSV)",
    homepage="https://transparency.meta.com/reports/community-standards-enforcement/",
    formats=("csv", "zip"),
    cadence="quarterly",
    licence="Public document (Meta Platforms, Inc.); facts cited with source",
    download_urls=("https://transparency.fb.com/sr/community-standards/",),
    hosts=("transparency.fb.com", "transparency.meta.com"),
    platform="meta",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=75,
    verification=VERIFIED,
)

HEADER = ["app", "policy_area", "metric", "period", "value"]
# the browser-built ZIP holds one CSV of ~0.5 MB; anything far beyond is not Meta's
ZIP_LIMITS = ZipLimits(
    max_members=10,
    max_member_bytes=64 << 20,
    max_total_bytes=64 << 20,
    max_ratio=200,
    ratio_floor=0,
)


def parse(path: Path) -> ParseResult:
    """Every row of one CSER CSV release (or of the one CSV in a ZIP), exactly as printed."""
    path = Path(path)
    result = ParseResult()
    if zipfile.is_zipfile(path):
        try:
            members = read_csv_members(path, ZIP_LIMITS)
        except UnsafeZip as exc:
            raise ParseError(path, str(exc)) from None
        if len(members) != 1:
            names = ", ".join(n for n, _ in members) or "none"
            raise ParseError(path, f"expected one CSV in the ZIP, found {len(members)} ({names})")
        name, data = members[0]
        file = f"{path.name}/{name}"
        text = decode_text(data, file)
    else:
        file, text = str(path), read_text(path)
    try:
        _parse_rows(file, csv.reader(io.StringIO(text, newline="")), result)
    except csv.Error as exc:
        raise ParseError(file, f"malformed CSV ({exc})") from exc
    if not result.records:
        raise ParseError(file, "no data rows")
    return result


def _parse_rows(path: Path | str, reader, result: ParseResult) -> None:
    """The data rows, each checked for shape and period."""
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != HEADER:
        raise ParseError(
            path, f"expected header {','.join(HEADER)}, found {','.join(header or [])!r}", "line 1"
        )
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 5:
            raise ParseError(path, f"expected 5 fields, found {len(row)}", f"line {line}")
        app, policy, metric, period_label, value = (c.strip() for c in row)
        try:
            period = parse_period(period_label)
        except PeriodError as exc:
            raise ParseError(path, str(exc), f"line {line}") from exc
        result.add(
            platform=app,
            period=period,
            policy=policy,
            metric=metric,
            text=value,
            row=f"line {line}",
            file=Path(path).name,
            period_label=period_label,
        )


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """The latest release (the URL never changes; the content hash tells a new release)."""
    return [
        fetch_to_store(
            client,
            store,
            SOURCE,
            SOURCE.download_urls[0],
            filename="meta-cser-latest.csv",
            expect=("text/csv", "application/octet-stream", "text/plain"),
        )
    ]
