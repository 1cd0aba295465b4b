"""DSA report discovery: the pages on which very large platforms list their DSA reports.

Each platform keeps a page that links its DSA transparency reports (Art. 15/24/42), risk
assessments, audit and audit-implementation reports. The pages are HTML of many kinds (plain
links, web components such as Pinterest's ``<pin-link linkUrl=...>``, Angular cards on Google's
Transparency Report, a report printed on the page itself as on Snap's EU page); Open Terms Archive
captures them over time (collection ``OpenTermsArchive/dsa-reports-snapshots``).

Covered: every link whose text (or address) names a DSA report kind (transparency report, risk
assessment, audit, audit implementation, code of conduct) with a year in its text or address, and
every heading naming a DSA report that has no link of its own (the page address is its URL); per
report the title as printed, its kind, the reporting period where the title prints one
(``January - June 2025``, ``H1 2024``, ``July - December 2024``, a year) and the month printed as
its publication (``App Store | October 2023``, ``August 2025 ... Transparency Report``: day 1 of
that month). A page that itself is a report ("reporting period (H1 2024)") is listed as one.
Not covered: reports behind scripts (Google's period selector), translations of one report
(language links), and the reports' contents. Not an observation source: the build reads
``parse_report_list`` into ``dsa_report_list`` (timeliness against the legal due dates).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED_PARTLY, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.htmltables import soup_of
from transparency.reading.records import ParseError, ParseResult

OBSERVATIONS = False  # a list of published reports: table dsa_report_list
# The pages (as their canonical addresses print them) and the service each one is about.
PAGES = {
    "https://values.snap.com/privacy/transparency/european-union": "Snapchat",
    "https://www.tiktok.com/transparency/en/dsa-transparency": "TikTok",
    "https://transparency.x.com/en/reports/dsa-risk-assessment-report": "X",
    "https://transparencyreport.google.com/?lu=regulatory-reporting": "YouTube",
    "https://help.pinterest.com/en/article/digital-services-act": "Pinterest",
    "https://www.linkedin.com/help/linkedin/answer/a1678508": "LinkedIn",
    "https://trustworthyshopping.aboutamazon.com/resources/digital-services-act-dsa": "Amazon",
    "https://www.apple.com/legal/dsa/ie/": "App Store",
}
SOURCE = SourceDeclaration(
    id="dsa_report_lists",
    publisher="Very large online platforms (their DSA report pages)",
    kind="DSA",
    title="DSA report discovery: the platforms' pages listing their DSA reports",
    homepage="https://github.com/OpenTermsArchive/dsa-reports-snapshots",
    formats=("html",),
    cadence="event-driven",
    licence="The platforms' own pages; only titles, periods, dates and links are carried",
    verification=VERIFIED_PARTLY,
    verification_note="checked on Open Terms Archive captures of ten platforms' report-list pages; Google's pages (YouTube, Maps) keep their periods behind scripts, so they give one undated row; no live page fetched",
    download_urls=tuple(PAGES),
    hosts=(
        "values.snap.com",
        "www.tiktok.com",
        "transparency.x.com",
        "transparencyreport.google.com",
        "help.pinterest.com",
        "www.linkedin.com",
        "trustworthyshopping.aboutamazon.com",
        "www.apple.com",
    ),
    reporter="platform",
    coverage=__doc__.split("\n\n")[2].replace("\n", " "),
    expected_lag_days=61,
    tags=("dsa", "discovery"),
)
COLUMNS = [
    "service",
    "capture",
    "title",
    "kind",
    "period_start",
    "period_end",
    "url",
    "published",
    "page_url",
]
MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
KINDS = [
    ("audit implementation", re.compile(r"(?i)audit[- _]implementation")),
    ("audit", re.compile(r"(?i)\baudit|assurance")),
    ("risk assessment", re.compile(r"(?i)risk[- _]?(and[- _]mitigation[- _])?assessment|\bSRA\b")),
    ("transparency report", re.compile(r"(?i)transparency[- _]?report")),
    ("code of conduct", re.compile(r"(?i)code[- _]of[- _]conduct")),
]
DSA = re.compile(r"(?i)\bDSA\b|digital[- _]services[- _]act|\bEU\b|/dsa")
YEAR = re.compile(r"(?<!\d)(20[12]\d)(?!\d)")
HALF = re.compile(rf"(?i){_MONTH}\s*[-–]\s*{_MONTH}\s+(20\d\d)")
H_LABEL = re.compile(r"(?i)\bH([12])\s*(20\d\d)\b")
SPAN = re.compile(r"(?i)\b(20\d\d)\s*[-–]\s*(20\d\d)\b")
MONTH_YEAR = re.compile(rf"(?i)\b{_MONTH}\s+(20\d\d)\b")
PAGE_PERIOD = re.compile(r"(?i)reporting period \(H([12]) (20\d\d)\)")


@dataclass(frozen=True)
class ListedReport:
    service: str
    capture: str  # ISO date the page was captured
    title: str
    kind: str
    period_start: str | None
    period_end: str | None
    url: str
    published: str | None  # ISO date: day 1 of the month printed as the publication
    page_url: str


def kind_of(text: str) -> str | None:
    for kind, rx in KINDS:
        if rx.search(text):
            return kind
    return None


def period_of(text: str, kind: str) -> tuple[date, date] | None:
    """The reporting period a title prints, if any."""
    if m := HALF.search(text):
        first, last, year = MONTHS[m[1].lower()], MONTHS[m[2].lower()], int(m[3])
        return date(year, first, 1), date(year, last, monthrange(year, last)[1])
    if m := H_LABEL.search(text):
        half, year = int(m[1]), int(m[2])
        return (
            (date(year, 1, 1), date(year, 6, 30))
            if half == 1
            else (date(year, 7, 1), date(year, 12, 31))
        )
    if kind == "transparency report":
        return None  # a transparency report's lone month or year is its publication
    if m := SPAN.search(text):
        return date(int(m[1]), 1, 1), date(int(m[2]), 12, 31)
    if (m := re.search(r"\((20\d\d)\)", text)) or (
        m := re.search(r"(?<!\w)(20\d\d) (?:DSA|Report)", text)
    ):
        return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    return None


def published_of(text: str, kind: str) -> date | None:
    """The month a title prints as the publication (Apple's ``| October 2023``, LinkedIn's
    ``August 2025 ... Report``), where it is not part of a period."""
    if HALF.search(text):
        return None
    if m := MONTH_YEAR.search(text):
        return date(int(m[2]), MONTHS[m[1].lower()], 1)
    return None


def _clean(text: str) -> str:
    return " ".join(text.split())


def parse_report_list(
    path: Path, *, page_url: str = "", capture: str = "", service: str = ""
) -> list[ListedReport]:
    """Every DSA report the page lists, in page order, each (title, URL) once."""
    raw = Path(path).read_bytes()
    soup = soup_of(path, raw)
    canonical = soup.find("link", rel="canonical")
    # relative links resolve against the page's own address (its canonical link first: a
    # capture may be served from elsewhere, e.g. an archive)
    base = str((canonical.get("href") if canonical else "") or page_url or "")
    if not service:
        service = PAGES.get(base.split("?")[0].rstrip("/"), "") or PAGES.get(base, "")
    if not service:
        title = soup.find("title")
        service = _clean(title.get_text()) if title else Path(path).stem
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    out: list[ListedReport] = []
    seen: set[tuple[str, str]] = set()

    def add(title: str, url: str, kind: str, hint: str) -> None:
        key = (title, url)
        if key in seen:
            return
        seen.add(key)
        period = period_of(title, kind) or period_of(hint, kind)
        published = published_of(title, kind)
        out.append(
            ListedReport(
                service,
                capture,
                title,
                kind,
                period[0].isoformat() if period else None,
                period[1].isoformat() if period else None,
                url,
                published.isoformat() if published else None,
                page_url or base,
            )
        )

    for el in soup.find_all(True):
        href = el.get("href") or el.get("linkurl")
        if not isinstance(href, str) or href.startswith(("mailto:", "#", "javascript:")):
            continue
        text = _clean(el.get_text(" ")) or _clean(
            str(el.get("arialabel") or el.get("aria-label") or "")
        )
        kind = kind_of(text) or (kind_of(href) if YEAR.search(text) else None)
        if kind is None or not (YEAR.search(text) or YEAR.search(href)):
            continue
        if not (DSA.search(text) or DSA.search(href) or DSA.search(base)):
            continue
        add(text, urljoin(base, href), kind, href)
    for el in soup.find_all(
        lambda t: t.name in ("h1", "h2", "h3", "h4") or t.get("role") == "heading"
    ):
        text = _clean(el.get_text(" "))
        if el.find_parent("a") or el.find("a") or len(text) > 160:
            continue
        kind = kind_of(text)
        if kind and re.search(r"(?i)\bDSA\b|digital services act", text):
            add(text, page_url or base, kind, "")
    body = _clean(soup.get_text(" "))
    if m := PAGE_PERIOD.search(body):
        half, year = int(m[1]), int(m[2])
        add(
            f"DSA transparency report H{half} {year} (on this page)",
            page_url or base,
            "transparency report",
            f"H{half} {year}",
        )
    if not out and not DSA.search(body):
        raise ParseError(
            path, "no DSA report listed and no mention of the DSA: not a report-list page"
        )
    return out


def parse(path: Path) -> ParseResult:
    """No observations (``OBSERVATIONS = False``); checks the page is a DSA report list."""
    parse_report_list(path)
    return ParseResult()


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    return [
        fetch_to_store(
            client,
            store,
            SOURCE,
            url,
            filename=f"{PAGES[url].replace(' ', '_')}_Reports_List.html",
            expect=("text/html",),
        )
        for url in SOURCE.download_urls
    ]
