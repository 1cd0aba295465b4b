"""Snap (Snapchat) Transparency Report: the tidy-long CSV (from 2024 H1) and per-period HTML pages.

Covered. CSV (``period,section,category,sub_category_1,sub_category_2,metric,value``): every row
of the enforcement sections, globally, per region and per country, values as printed (``9505.0``,
``0.0104%`` read as the share 0.000104, ``N/A`` kept without a value): "Overview of Our T&S
Enforcements" (reactive and proactive: enforcements, unique accounts enforced, median turnaround in
minutes), "Proactive Detection & Enforcement", "Community Guidelines Violations Reported"
(reactive: reports received, enforcements, unique accounts, median turnaround, violative view
rate), "Appeals" (appeals, reinstatements, decisions upheld, median days) and "Combating Child
Sexual Exploitation and Abuse" (content enforced, accounts disabled, submissions to NCMEC; accounts
disabled per country). HTML pages (2019 H2 - 2023 H2, period from the page's canonical URL slug
``transparency-h2-2023`` or ``transparency/2021-6-30``): every table, read as policy rows by
measure columns, or as one row of measures under a section heading (the CSEA table "Total Content
Enforced / Total Accounts Disabled / Total Submissions to NCMEC", the CSEAI "Total Account
Deletions" and its percentage of all accounts enforced), with the region as scope where a table
stands under a region heading (the 2019 H2 page's Europe / North America / Rest of World tables).

Not covered: the CSV's government information requests, bilateral and national-security requests,
governmental removal requests, DMCA and trademark notices, ads moderation and suicide-resource
rows, and its "Regional & Country Overview" block (all-policy totals that restate the section
totals); India IT-Rules monthly pages; figures given only in prose. Known problems become
warnings: a row with an empty section (``violative_view_rate`` in 2025 H2), short rows, a section
never seen before. No saved Snap HTML page was available: the HTML layout handled is the one
sources/snap.md describes (labels, slugs), verified only against the project's own fixtures.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED_PARTLY, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.htmltables import HtmlTable, read_tables, soup_of
from transparency.reading.numbers import NumberError, parse_number
from transparency.reading.periods import Period, PeriodError, half_ending, parse_period
from transparency.reading.records import ParseError, ParseResult
from transparency.reading.textfiles import read_text

SOURCE = SourceDeclaration(
    id="snap_transparency",
    publisher="Snap Inc.",
    kind="platform report",
    title="Snap Transparency Report (CSV from 2024 H1; HTML pages 2019 H2 - 2023 H2)",
    homepage="https://values.snap.com/privacy/transparency",
    formats=("csv", "html"),
    cadence="half-yearly",
    licence="Public document (Snap Inc.); facts cited with source",
    download_urls=(
        "https://values.snap.com/privacy/transparency",
        "https://values.snap.com/privacy/transparency-h{half}-{year}",
        "https://www.snap.com/en-US/privacy/transparency/{year}-{month}-{day}",
        "https://assets.ctfassets.net/kw9k15zxztrs/{asset}/{hash}/"
        "Snap_Transparency_Report_H{half}-{year}.csv",
    ),
    hosts=("values.snap.com", "www.snap.com", "snap.com", "assets.ctfassets.net"),
    platform="snap",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=150,
    verification=VERIFIED_PARTLY,
    verification_note="the CSV (2024 H1 on) is checked on verbatim rows of Snap's files; the per-period HTML pages are a layout written by the project",
)

HEADER = ["period", "section", "category", "sub_category_1", "sub_category_2", "metric", "value"]
CSEA_SECTION = "Combating Child Sexual Exploitation and Abuse"
READ_SECTIONS = {
    "Overview of Our T&S Enforcements",
    "Proactive Detection & Enforcement",
    "Community Guidelines Violations Reported",
    "Appeals",
    CSEA_SECTION,
}
SKIPPED_SECTIONS = {  # not child-safety enforcement figures; see the module docstring
    "United States Government Information Requests",
    "International Government Information Requests",
    "Requests Pursuant To Bilateral Data Access Agreements",
    "United States National Security Requests",
    "Governmental Content & Account Removal Requests",
    "Copyrighted Content Takedown Notices (DMCA)",
    "Trademark Notices",
    "Ads Moderation",
    "Suicide Resources Shared",
    "Regional & Country Overview",
}
PLACE_CATEGORIES = {"Country", "Country / Region", "Region"}  # sub_category_1 names the place
GLOBAL_CATEGORIES = {"Global", "Total"}  # sub_category_1 names the policy
ALL_POLICIES = "(all policies)"  # raw policy label when the file leaves the policy cell empty
REGIONS = {"Europe", "North America", "Rest of World"}

PERIOD_SLUG = re.compile(r"transparency-(h[12]-\d{4})", re.IGNORECASE)
END_SLUG = re.compile(r"transparency/(\d{4}-\d{1,2}-\d{1,2})(?:\b|$)")
CSV_LINK = re.compile(r"\.csv(?:$|\?)", re.IGNORECASE)


def parse(path: Path) -> ParseResult:
    """One Snap CSV release or one per-period HTML page, exactly as printed."""
    path = Path(path)
    head = path.read_bytes()[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    if head[:1] == b"<":
        return _parse_html(path)
    return _parse_csv(path)


# -- CSV ---------------------------------------------------------------------------------------


def _parse_csv(path: Path) -> ParseResult:
    result = ParseResult()
    name = path.name
    periods: dict[str, Period] = {}
    skipped: dict[str, int] = {}
    with io.StringIO(read_text(path), newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header] != HEADER:
            raise ParseError(
                path,
                f"expected header {','.join(HEADER)}, found {','.join(header or [])!r}",
                "line 1",
            )
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            where = f"line {line}"
            if len(row) != len(HEADER):
                result.warn(
                    name, where, f"expected {len(HEADER)} fields, found {len(row)}; row not read"
                )
                continue
            period_label, section, category, sub1, sub2, metric, value = (c.strip() for c in row)
            if section in SKIPPED_SECTIONS:
                continue
            if section and section not in READ_SECTIONS:
                if section not in skipped:
                    result.warn(
                        name,
                        where,
                        f"section {section!r} is not one this parser knows; its rows are not read",
                    )
                skipped[section] = skipped.get(section, 0) + 1
                continue
            if period_label not in periods:
                try:
                    periods[period_label] = parse_period(period_label)
                except PeriodError as exc:
                    raise ParseError(path, str(exc), where) from exc
            period = periods[period_label]
            if not section:
                result.warn(
                    name, where, f"{metric!r} has an empty section cell; kept under no section"
                )
            if category in PLACE_CATEGORIES:
                scope, policy, note = sub1, sub2, ""
            elif category in GLOBAL_CATEGORIES or not category:
                scope, policy, note = "global", sub1, (f"detection: {sub2}" if sub2 else "")
            else:
                result.warn(
                    name, where, f"category {category!r} is not a place or 'Global'; row not read"
                )
                continue
            if not policy:
                policy = CSEA_SECTION if section == CSEA_SECTION else ALL_POLICIES
            result.add(
                platform="Snapchat",
                period=period,
                policy=policy,
                metric=f"{section} / {metric}" if section else metric,
                text=value,
                row=where,
                file=name,
                scope=scope,
                period_label=period_label,
                note=note,
            )
    if not result.records:
        raise ParseError(path, "no rows of the enforcement sections: not a Snap transparency CSV")
    return result


# -- HTML --------------------------------------------------------------------------------------


def _slug_period(text: str) -> tuple[Period, str] | None:
    m = PERIOD_SLUG.search(text)
    if m:
        return parse_period(m[1]), m[1]
    m = END_SLUG.search(text)
    if m:
        end = parse_period(m[1])
        return half_ending(end.start), m[1]
    return None


def _html_period(soup: BeautifulSoup, path: Path) -> tuple[Period, str]:
    candidates = []
    link = soup.find("link", rel="canonical")
    if link is not None and link.get("href"):
        candidates.append(str(link["href"]))
    og = soup.find("meta", property="og:url")
    if og is not None and og.get("content"):
        candidates.append(str(og["content"]))
    candidates.append(path.name)
    for text in candidates:
        try:
            found = _slug_period(text)
        except PeriodError as exc:
            raise ParseError(path, f"period slug in {text!r}: {exc}") from exc
        if found:
            return found
    raise ParseError(
        path,
        "no report period: neither the canonical URL nor the file name has a "
        "'transparency-h2-2023' or 'transparency/2021-6-30' slug",
    )


def _printed_period(soup: BeautifulSoup) -> tuple[Period, str] | None:
    """The date range printed near the top ("July 1, 2023 – December 31, 2023"), if any."""
    for el in soup.find_all(["h1", "h2", "p", "time"], limit=40):
        text = " ".join(el.get_text(" ").split())
        if 8 <= len(text) <= 60:
            try:
                p = parse_period(text)
            except PeriodError:
                continue
            if p.days > 27:
                return p, text
    return None


def _is_number(text: str) -> bool:
    try:
        parse_number(text)
    except NumberError:
        return False
    return True


def _table_records(
    result: ParseResult, t: HtmlTable, period: Period, label: str, name: str
) -> None:
    scope = t.heading if t.heading in REGIONS else "global"
    section = t.caption or t.heading
    measures_only = all(row and _is_number(row[0]) for row in t.rows)
    for k, row in enumerate(t.rows, start=1):
        where = f"{t.where}, row {k}"
        if len(row) != len(t.header):
            result.warn(
                name, where, f"{len(row)} cells under {len(t.header)} headers; row not read"
            )
            continue
        if measures_only:
            cells = list(zip(t.header, row, strict=True))
            policy = section
        else:
            cells = list(zip(t.header[1:], row[1:], strict=True))
            policy = row[0]
        for measure, text in cells:
            result.add(
                platform="Snapchat",
                period=period,
                policy=policy,
                metric=measure,
                text=text,
                row=f"{where}, column {measure!r}",
                file=name,
                scope=scope,
                period_label=label,
            )


def _parse_html(path: Path) -> ParseResult:
    result = ParseResult()
    soup = soup_of(path)
    period, label = _html_period(soup, path)
    printed = _printed_period(soup)
    if printed and printed[0] != period:
        result.warn(
            path.name,
            "page heading",
            f"page prints {printed[1]!r} but its URL slug says "
            f"{label!r} ({period.label()}); the slug is used",
        )
    tables = [t for t in read_tables(soup) if t.rows]
    if not tables:
        raise ParseError(path, "no tables: not a Snap transparency report page")
    for t in tables:
        if not t.header:
            result.warn(path.name, t.where, "table has no header row; not read")
            continue
        _table_records(result, t, period, label, path.name)
    if not result.records:
        raise ParseError(path, "no figures in the page's tables")
    return result


# -- fetch -------------------------------------------------------------------------------------


def _links(html: bytes, base: str) -> tuple[list[str], list[str]]:
    """(per-period page URLs, CSV asset URLs) linked from a Snap page."""
    soup = BeautifulSoup(html, "lxml")
    pages, csvs = [], []
    for a in soup.find_all("a", href=True):
        url = urljoin(base, str(a["href"]).strip())
        host = urlsplit(url).hostname or ""
        if CSV_LINK.search(urlsplit(url).path) and host.endswith("ctfassets.net"):
            csvs.append(url)
        elif host.endswith("snap.com"):
            try:
                is_report = _slug_period(urlsplit(url).path) is not None
            except PeriodError:  # e.g. a period-end slug that is not a half-year's end
                is_report = False
            if is_report:
                pages.append(url.split("#")[0])
    return list(dict.fromkeys(pages)), list(dict.fromkeys(csvs))


def _page_filename(url: str) -> str:
    found = _slug_period(urlsplit(url).path)
    return f"snap-transparency-{found[1]}.html" if found else "snap-transparency.html"


def fetch(client: PoliteClient, store: SnapshotStore, *, max_pages: int = 20) -> list[FetchOutcome]:
    """Discover per-period pages and CSV assets from the landing page; store pages and CSVs.

    The landing page itself is read for links only (it has no period slug of its own). Each
    per-period page is stored, and every CSV asset it links to is stored beside it.
    """
    landing = SOURCE.homepage
    outcomes: list[FetchOutcome] = []
    try:
        resp = client.get(landing)
    except Exception as exc:  # FetchError or transport trouble: report, never raise
        return [FetchOutcome(landing, "failed", message=str(exc))]
    if resp.status_code != 200:
        return [FetchOutcome(landing, "failed", message=f"{landing}: HTTP {resp.status_code}")]
    pages, csvs = _links(resp.content, landing)
    for url in pages[:max_pages]:
        out = fetch_to_store(
            client, store, SOURCE, url, filename=_page_filename(url), expect=("text/html",)
        )
        outcomes.append(out)
        if out.snapshot is not None:
            _, more = _links(store.path_for(out.snapshot.sha256).read_bytes(), url)
            csvs.extend(more)
    for url in dict.fromkeys(csvs):
        outcomes.append(
            fetch_to_store(
                client,
                store,
                SOURCE,
                url,
                filename=urlsplit(url).path.rsplit("/", 1)[-1],
                expect=("text/csv", "application/octet-stream", "text/plain"),
            )
        )
    if not outcomes:
        outcomes.append(
            FetchOutcome(
                landing, "failed", message=f"{landing}: no report pages or CSV links found"
            )
        )
    return outcomes
