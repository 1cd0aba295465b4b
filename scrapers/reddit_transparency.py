"""Reddit Transparency Report (redditinc.com): the report pages' tables.

Covered: every table of a report page, read two ways. Tables of content-policy rules by measure
(``Rule | Posts & Comments Removed | Private Messages Removed``, subreddits removed, temporary and
permanent account suspensions, account appeals and their reversal rate) give one record per rule
and measure, "Minor Sexualization" included. Tables whose columns are periods (``Child Sexual
Exploitation | H1 2023 | H2 2022``: CSAM content removed, reports to NCMEC) give one record per
row and period. The report's own period comes from its title or heading ("Transparency Report:
July to December 2023", "2023 H1 Transparency Report", "Transparency Report 2022", "Mid-Year
Transparency Report 2022" with its "January to June 2022"). Annual reports to 2022, a 2022 mid-year
report and half-yearly reports from 2023 overlap: a figure for a period other than the report's own
(a comparison column) is kept, with a warning naming it, so the warehouse holds it as that
report's vintage.

Not covered: figures given only in prose or charts (images), the DSA reports on
support.reddithelp.com, legal-request tables are read only as far as they fit the two table shapes
(their labels are not mapped). No saved Reddit page was available: the table layout handled is
the project's reading of sources/reddit_others.md, verified only against its own fixtures.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import UNVERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.htmltables import HtmlTable, read_tables, soup_of, text_of
from transparency.reading.periods import Period, PeriodError, half, parse_period
from transparency.reading.records import ParseError, ParseResult

SOURCE = SourceDeclaration(
    id="reddit_transparency",
    publisher="Reddit, Inc.",
    kind="platform report",
    title="Reddit Transparency Report (HTML)",
    homepage="https://www.redditinc.com/policies/transparency",
    formats=("html",),
    cadence="half-yearly (annual to 2022)",
    licence="Public document (Reddit, Inc.); facts cited with source",
    download_urls=("https://www.redditinc.com/policies/{report slug, discovered from the hub}",),
    hosts=("www.redditinc.com", "redditinc.com"),
    platform="reddit",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=120,
    verification=UNVERIFIED,
    verification_note="no saved Reddit report page was available",
)

MONTH_RANGE = re.compile(
    r"\b(January|July)\s+(?:to|through|-|–)\s+(June|December),?\s+(\d{4})\b", re.I
)
HALF = re.compile(r"\b(\d{4})\s*H([12])\b|\bH([12])\s*(\d{4})\b", re.I)
MID_YEAR = re.compile(r"\bmid-?year\b.*?\b(\d{4})\b|\b(\d{4})\b.*?\bmid-?year\b", re.I)
YEAR = re.compile(r"\b(20\d\d)\b")
REPORT_LINK = re.compile(
    r"^/policies/[\w-]*transparency-report[\w-]*$|^/policies/[\w-]*-transparency-report$"
)


def _report_period(soup: BeautifulSoup) -> tuple[Period, str]:
    """The period the report covers, from its title, main heading and opening lines."""
    heading = " | ".join([text_of(soup.find("title")), text_of(soup.find("h1"))])
    opening = " | ".join(text_of(p) for p in soup.find_all(["p", "h2"], limit=5))
    for blob in (heading, opening):  # the title and heading win over the opening lines
        for pattern, build in (
            (MONTH_RANGE, lambda m: parse_period(m[0])),
            (HALF, lambda m: half(int(m[1] or m[4]), int(m[2] or m[3]))),
            (MID_YEAR, lambda m: half(int(m[1] or m[2]), 1)),
            (YEAR, lambda m: parse_period(m[1])),
        ):
            m = pattern.search(blob)
            if m:
                return build(m), m[0]
    raise ParseError("", "no report period in the title or heading")


def _as_period(text: str) -> Period | None:
    try:
        return parse_period(text)
    except PeriodError:
        return None


def _read_table(
    result: ParseResult, t: HtmlTable, report: Period, report_label: str, name: str
) -> None:
    periods = [_as_period(h) for h in t.header[1:]]
    by_period = bool(periods) and all(periods)
    for k, row in enumerate(t.rows, start=1):
        where = f"{t.where} ({t.heading}), row {k}"
        if len(row) != len(t.header):
            result.warn(
                name, where, f"{len(row)} cells under {len(t.header)} headers; row not read"
            )
            continue
        for j, text in enumerate(row[1:], start=1):
            if by_period:
                period, label = periods[j - 1] or report, t.header[j]
                policy, metric = t.header[0] or t.heading, row[0]
                if period != report:
                    result.warn(
                        name,
                        f"{where}, column {label!r}",
                        f"{row[0]!r} for {label} restated in the "
                        f"{report_label} report (periods overlap; kept as this report's figure)",
                    )
            else:
                period, label = report, report_label
                policy, metric = row[0], t.header[j]
            result.add(
                platform="Reddit",
                period=period,
                policy=policy,
                metric=metric,
                text=text,
                row=f"{where}, column {t.header[j]!r}",
                file=name,
                period_label=label,
            )


def parse(path: Path) -> ParseResult:
    """Every table of one Reddit transparency report page, as printed."""
    path = Path(path)
    soup = soup_of(path)
    heading = (text_of(soup.find("title")) + " " + text_of(soup.find("h1"))).lower()
    if "transparency" not in heading:
        raise ParseError(
            path, "not a Reddit transparency report page (no 'Transparency' in title or heading)"
        )
    try:
        report, report_label = _report_period(soup)
    except ParseError as exc:
        raise ParseError(path, exc.reason) from exc
    tables = [t for t in read_tables(soup) if t.rows]
    if not tables:
        raise ParseError(path, "no tables in the report page")
    result = ParseResult()
    for t in tables:
        if len(t.header) < 2:
            result.warn(
                path.name, t.where, "table without a header row of measures or periods; not read"
            )
            continue
        _read_table(result, t, report, report_label, path.name)
    if not result.records:
        raise ParseError(path, "no figures in the report's tables")
    return result


def _report_links(html: bytes, base: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    out = []
    for a in soup.find_all("a", href=True):
        url = urljoin(base, str(a["href"]).strip()).split("#")[0].split("?")[0]
        parts = urlsplit(url)
        if (parts.hostname or "").endswith("redditinc.com") and REPORT_LINK.match(
            parts.path.rstrip("/")
        ):
            out.append(url.rstrip("/"))
    return list(dict.fromkeys(out))


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """Every report page linked from the transparency hub (slugs are irregular, so discovered)."""
    hub = SOURCE.homepage
    try:
        resp = client.get(hub)
    except Exception as exc:
        return [FetchOutcome(hub, "failed", message=str(exc))]
    if resp.status_code != 200:
        return [FetchOutcome(hub, "failed", message=f"{hub}: HTTP {resp.status_code}")]
    links = _report_links(resp.content, hub)
    if not links:
        return [FetchOutcome(hub, "failed", message=f"{hub}: no report links found")]
    return [
        fetch_to_store(
            client,
            store,
            SOURCE,
            url,
            filename=f"reddit-{urlsplit(url).path.rsplit('/', 1)[-1]}.html",
            expect=("text/html",),
        )
        for url in links
    ]
