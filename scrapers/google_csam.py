"""Google's efforts to combat online child sexual abuse material: the report's JSON API.

Covered: every half-year the response holds (since January-June 2020), for Google as a whole and
for YouTube as printed separately: pieces of content reported to NCMEC, CyberTipline reports to
NCMEC, accounts disabled, URLs de-indexed from Google Search and hashes contributed to NCMEC, with
the half-year as the report labels it ("January–June 2020") checked against the period's
timestamps. Values are kept as the API gives them (int64 counts arrive as strings); a ``null``
means the figure is not reported for that service (YouTube has no URL or hash figures) and makes no
record. The Google figures include YouTube: "Google excluding YouTube" (apparebit/diaphanous's
split) is a subtraction the warehouse can do, not a published number.

Not covered, and why: the report is a JavaScript application whose JSON endpoint was never
recorded (sources/google_youtube.md says to capture it from the browser). The response layout read
here, ``)]}'`` + ``[[tag, [[label, start_ms, end_ms, [[service, pieces, reports, accounts, urls,
hashes], ...]], ...]]]``, is the project's assumption in the style of Google's other
transparency-report APIs, verified only against the project's own fixture; ``fetch`` therefore
finds the endpoint by reading the app's scripts for ``/transparencyreport/api/v3/…`` paths naming
CSAM and fails with a clear message if none is found. Prose, FAQ figures and any per-country
views are not read.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import UNVERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading import xssi
from transparency.reading.periods import PeriodError, parse_period
from transparency.reading.records import ParseError, ParseResult

API_BASE = "https://transparencyreport.google.com/transparencyreport/api/v3/"
SOURCE = SourceDeclaration(
    id="google_csam",
    publisher="Google LLC",
    kind="platform report",
    title="Google's efforts to combat online child sexual abuse material (JSON behind the app)",
    homepage="https://transparencyreport.google.com/child-sexual-abuse-material",
    formats=("json",),
    cadence="half-yearly",
    licence="Public document (Google LLC); facts cited with source",
    download_urls=(API_BASE + "{endpoint naming csam, discovered from the app's scripts}",),
    hosts=("transparencyreport.google.com", "www.gstatic.com"),
    platform="google",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=150,
    verification=UNVERIFIED,
    verification_note="the )]}' JSON layout is the project's assumption",
)

COLUMNS = (  # field order of a service row after its name (assumed, see the docstring)
    "Pieces of content reported to NCMEC",
    "CyberTipline reports to NCMEC",
    "Accounts disabled",
    "URLs de-indexed from Google Search",
    "Hashes contributed to NCMEC",
)
POLICY = "Child sexual abuse material (CSAM)"
KNOWN_ENDPOINTS: tuple[str, ...] = ()  # add the path once captured from the browser
ENDPOINT = re.compile(
    r"/transparencyreport/api/v3/([A-Za-z0-9_/]*(?:csam|childsexualabuse)[A-Za-z0-9_/]*)",
    re.IGNORECASE,
)


def _day(ms: object) -> date | None:
    if isinstance(ms, int | float) and not isinstance(ms, bool):
        return datetime.fromtimestamp(ms / 1000, UTC).date()
    return None


def parse(path: Path) -> ParseResult:
    """Every half-year and service of one CSAM-report API response, as the API gives it."""
    path = Path(path)
    name = path.name
    data = xssi.load_file(path)
    if not (
        isinstance(data, list)
        and data
        and isinstance(data[0], list)
        and len(data[0]) >= 2
        and isinstance(data[0][0], str)
        and isinstance(data[0][1], list)
    ):
        raise ParseError(path, "expected [[tag, [periods...]]] as the CSAM report's response")
    result = ParseResult()
    for i, entry in enumerate(data[0][1], start=1):
        where = f"period {i}"
        if not (
            isinstance(entry, list)
            and len(entry) == 4
            and isinstance(entry[0], str)
            and isinstance(entry[3], list)
        ):
            raise ParseError(path, "expected [label, start_ms, end_ms, [service rows]]", where)
        label, start_ms, end_ms, services = entry
        try:
            period = parse_period(label)
        except PeriodError as exc:
            raise ParseError(path, str(exc), where) from exc
        stamped = (_day(start_ms), _day(end_ms))
        if None not in stamped and stamped != (period.start, period.end):
            result.warn(
                name,
                where,
                f"label {label!r} is {period.label()} but the timestamps say "
                f"{stamped[0]}..{stamped[1]}; the label is used",
            )
        totals: dict[str, dict[str, float | None]] = {}
        for row in services:
            if not (
                isinstance(row, list) and len(row) == 1 + len(COLUMNS) and isinstance(row[0], str)
            ):
                raise ParseError(
                    path, f"expected [service, {len(COLUMNS)} figures]", f"{where} ({label})"
                )
            service = row[0]
            for column, value in zip(COLUMNS, row[1:], strict=True):
                if value is None:
                    continue  # not reported for this service
                rec = result.add(
                    platform="Google",
                    service="" if service == "Google" else service,
                    period=period,
                    policy=POLICY,
                    metric=column,
                    text=str(value),
                    row=f"{where} ({label}), {service}, {column!r}",
                    file=name,
                    period_label=label,
                )
                totals.setdefault(service, {})[column] = rec.value if rec else None
        google = totals.get("Google", {})
        for service, figures in totals.items():
            for column, value in figures.items():
                total = google.get(column)
                if (
                    service != "Google"
                    and value is not None
                    and total is not None
                    and value > total
                ):
                    result.warn(
                        name,
                        f"{where} ({label}), {service}, {column!r}",
                        f"{service} figure {value:,.0f} exceeds Google's total "
                        f"{google[column]:,.0f}",
                    )
    if not result.records:
        raise ParseError(path, "no figures in the response")
    return result


def _endpoints(html: bytes, base: str, client: PoliteClient) -> list[str]:
    """CSAM endpoint paths named in the report page or the scripts it loads."""
    found = list(KNOWN_ENDPOINTS) + ENDPOINT.findall(html.decode("utf-8", "replace"))
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all("script", src=True):
        url = urljoin(base, str(tag["src"]))
        try:
            resp = client.get(url)
        except Exception:  # an unreachable or foreign script is not fatal to discovery
            continue
        if resp.status_code == 200:
            found += ENDPOINT.findall(resp.text)
    return list(dict.fromkeys(p.strip("/") for p in found))


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """Find the CSAM endpoint(s) in the report app; store each response (one holds every half)."""
    page = SOURCE.homepage + "?hl=en"
    try:
        resp = client.get(page)
    except Exception as exc:
        return [FetchOutcome(page, "failed", message=str(exc))]
    if resp.status_code != 200:
        return [FetchOutcome(page, "failed", message=f"{page}: HTTP {resp.status_code}")]
    endpoints = _endpoints(resp.content, page, client)
    if not endpoints:
        return [
            FetchOutcome(
                page,
                "failed",
                message=f"{page}: no /transparencyreport/api/v3/ path naming CSAM "
                "in the page or its scripts; capture it in the browser and add it to "
                "KNOWN_ENDPOINTS",
            )
        ]
    outcomes = []
    for endpoint in endpoints:
        url = API_BASE + endpoint
        outcomes.append(
            fetch_to_store(
                client,
                store,
                SOURCE,
                url,
                filename=f"google-csam-{urlsplit(url).path.rsplit('/', 1)[-1]}.json",
                expect=("application/json", "text/plain", "text/javascript"),
            )
        )
    return outcomes
