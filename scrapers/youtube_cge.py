"""YouTube Community Guidelines enforcement: removals by reason from the report's JSON API.

Covered: per calendar quarter (since October-December 2017), the share of removed videos and of
removed comments for every removal reason the response lists (``Child safety`` included: on
YouTube a broad child-safety policy, not a CSAM count) and the quarter's total of removed videos or
comments, as the API gives them (shares as fractions, int64 totals as strings). One file is one
endpoint for one quarter; its name, as ``fetch`` writes it (``youtubepolicy_<endpoint>_<YYYYQn>
.json``), says which. Google corrects published quarters (the "visible changes" log): each download
is a snapshot, so a corrected quarter becomes a new vintage beside the old one.

Not covered: the other endpoints (removals by source of first detection, by views before removal,
by country; channel terminations; appeals), the "visible changes" page itself. The response layout
read here, ``)]}'`` + ``[[tag, [[reason, share], ...], total]]``, is the project's assumption in the
style of Google's transparency-report APIs (the guide gives endpoint names with medium confidence
and no layout; ``commentremovalsbyreason`` is not in the guide's list at all), verified only
against the project's own fixtures.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import UNVERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading import xssi
from transparency.reading.periods import PeriodError, parse_period, quarter
from transparency.reading.records import ParseError, ParseResult

API = (
    "https://transparencyreport.google.com/transparencyreport/api/v3/youtubepolicy/"
    "{endpoint}?period={period}"
)
SOURCE = SourceDeclaration(
    id="youtube_cge",
    publisher="Google LLC (YouTube)",
    kind="platform report",
    title="YouTube Community Guidelines enforcement (removals by reason, JSON behind the app)",
    homepage="https://transparencyreport.google.com/youtube-policy/removals",
    formats=("json",),
    cadence="quarterly",
    licence="Public document (Google LLC); facts cited with source",
    download_urls=(
        API.format(endpoint="videoremovalsbyreason", period="{YYYY}Q{n}"),
        API.format(endpoint="commentremovalsbyreason", period="{YYYY}Q{n}"),
    ),
    hosts=("transparencyreport.google.com",),
    platform="google",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=75,
    verification=UNVERIFIED,
    verification_note="the )]}' JSON layout is the project's assumption",
)

FIRST_QUARTER = (2017, 4)
ENDPOINTS = {  # endpoint: (label of the reason shares, label of the total)
    "videoremovalsbyreason": ("Videos removed, by removal reason", "Total videos removed"),
    "commentremovalsbyreason": ("Comments removed, by removal reason", "Total comments removed"),
}
ALL_REASONS = "All removal reasons"
FILENAME = re.compile(r"youtubepolicy_([a-z]+)_(\d{4}Q[1-4])")


def parse(path: Path) -> ParseResult:
    """Reason shares and the total of one removals-by-reason response for one quarter."""
    path = Path(path)
    name = path.name
    m = FILENAME.search(name)
    if not m or m[1] not in ENDPOINTS:
        raise ParseError(
            path,
            "file name must say the endpoint and quarter as fetch writes it "
            f"(youtubepolicy_<{'|'.join(ENDPOINTS)}>_<YYYYQn>.json)",
        )
    endpoint, period_label = m[1], m[2]
    try:
        period = parse_period(period_label)
    except PeriodError as exc:
        raise ParseError(path, str(exc)) from exc
    data = xssi.load_file(path)
    if not (
        isinstance(data, list)
        and data
        and isinstance(data[0], list)
        and len(data[0]) == 3
        and isinstance(data[0][0], str)
        and isinstance(data[0][1], list)
    ):
        raise ParseError(path, "expected [[tag, [[reason, share], ...], total]] as the response")
    share_label, total_label = ENDPOINTS[endpoint]
    result = ParseResult()
    _, reasons, total = data[0]
    seen: set[str] = set()
    shares = 0.0
    for i, row in enumerate(reasons, start=1):
        if not (isinstance(row, list) and len(row) == 2 and isinstance(row[0], str)):
            raise ParseError(path, "expected [reason, share]", f"reason {i}")
        reason, share = row
        if reason in seen:
            result.warn(
                name, f"reason {i}", f"reason {reason!r} listed twice; the second is not read"
            )
            continue
        seen.add(reason)
        rec = result.add(
            platform="YouTube",
            period=period,
            policy=reason,
            metric=share_label,
            text=None if share is None else str(share),
            row=f"reason {i} ({reason})",
            file=name,
            period_label=period_label,
        )
        if rec and rec.value is not None:
            if not 0 <= rec.value <= 1:
                result.warn(name, f"reason {i} ({reason})", f"share {share} is not a fraction of 1")
            shares += rec.value
    if shares > 1.005:
        result.warn(name, "reasons", f"reason shares add up to {shares:.3f}, more than 1")
    if total is not None:
        result.add(
            platform="YouTube",
            period=period,
            policy=ALL_REASONS,
            metric=total_label,
            text=str(total),
            row="total",
            file=name,
            period_label=period_label,
        )
    if not result.records:
        raise ParseError(path, "no removal reasons and no total in the response")
    return result


def quarters(today: date, first: tuple[int, int] = FIRST_QUARTER) -> list[str]:
    """Every complete quarter from ``first`` to the last one that ended before ``today``."""
    out, (y, q) = [], first
    while quarter(y, q).end < today:
        out.append(f"{y}Q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def fetch(
    client: PoliteClient,
    store: SnapshotStore,
    *,
    today: date | None = None,
    since: tuple[int, int] = FIRST_QUARTER,
) -> list[FetchOutcome]:
    """Every endpoint for every complete quarter (past quarters too: Google revises them)."""
    outcomes = []
    for period in quarters(today or date.today(), since):
        for endpoint in ENDPOINTS:
            outcomes.append(
                fetch_to_store(
                    client,
                    store,
                    SOURCE,
                    API.format(endpoint=endpoint, period=period),
                    filename=f"youtubepolicy_{endpoint}_{period}.json",
                    expect=("application/json", "text/plain", "text/javascript"),
                )
            )
    return outcomes
