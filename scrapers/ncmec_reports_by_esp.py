"""NCMEC "CyberTipline Reports by Electronic Service Providers (ESP)": the annual PDF table.

Covered: every ESP row of the table (the ESP name exactly as printed, wrapped names joined, and its
count of CyberTipline reports NCMEC received in the calendar year) and the printed total as its
own record (label ``Total``/``Total:``/``Totals:``, mapped to the platform-neutral ``all_esps``).
Files for 2019 onwards. Not covered: the intro prose (total reports from all reporters, number of
files), the notifications-by-ESP and reports-by-country PDFs (other sources).

The table is read from word positions (pdfplumber), not from the text stream: the intro paragraph
is printed above the table, a count is right-aligned under the header's last word, and a long
ESP name wraps onto a second line with its count beside the first line (2019) or between the two
lines (2021). Each name fragment belongs to the count nearest to it vertically. A sum of the ESP
rows that differs from the printed total is a warning, never a silent fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.pdfs import open_pdf
from transparency.reading.periods import parse_period
from transparency.reading.records import ParseError, ParseResult

BASE = "https://www.missingkids.org/content/dam/missingkids/pdfs/"
PATTERN = BASE + "{year}-reports-by-esp.pdf"
LANDING_PAGES = (
    "https://www.missingkids.org/cybertiplinedata",
    "https://www.ncmec.org/cybertiplinedata",
)
FIRST_YEAR = 2019

SOURCE = SourceDeclaration(
    id="ncmec_reports_by_esp",
    publisher="NCMEC",
    kind="third party",
    title="CyberTipline Reports by Electronic Service Providers (ESP)",
    homepage=LANDING_PAGES[0],
    formats=("pdf",),
    cadence="annual",
    licence="Public document (National Center for Missing & Exploited Children); facts cited with source",
    download_urls=(PATTERN.replace("{year}", "<YYYY>"),),
    hosts=("missingkids.org", "ncmec.org"),
    reporter="NCMEC",
    coverage=" ".join(__doc__.split("\n\n")[1].split()),
    expected_lag_days=120,
    verification=VERIFIED,
)

POLICY_LABEL = (
    "CyberTipline"  # every report in the table is a CyberTipline report (child sexual exploitation)
)
_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_TOTAL = re.compile(r"totals?:?", re.IGNORECASE)
_YEAR = re.compile(r"^((?:19|20)\d\d) (?:CyberTipline )?Reports by\b")
_SKIP = re.compile(r"^Copyright\b|CyberTiplineData$", re.IGNORECASE)
ALIGN_TOLERANCE = 3.0  # points: a count's right edge lies under the header's right edge


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Line:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def middle(self) -> float:
        return (self.top + max(w.bottom for w in self.words)) / 2

    @property
    def height(self) -> float:
        return max(w.bottom for w in self.words) - self.top


@dataclass
class Row:
    """One printed table row: the ESP name (fragments in reading order) and its count."""

    page: int
    middle: float
    count: str
    fragments: list[tuple[float, str]]

    @property
    def name(self) -> str:
        return " ".join(text for _, text in sorted(self.fragments))


def lines_of(words: Iterable[Word], tolerance: float = 2.0) -> list[Line]:
    """Group words into printed lines (same top within ``tolerance`` points), left to right."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and abs(lines[-1].words[0].top - w.top) <= tolerance:
            lines[-1].words.append(w)
        else:
            lines.append(Line([w]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _is_header(line: Line) -> bool:
    return (
        len(line.words) >= 2
        and line.words[0].text == "ESP"
        and line.words[-1].text.startswith("Report")
    )


def table_rows(
    lines: list[Line], page: int, result: ParseResult, file: str
) -> tuple[str, list[Row]]:
    """The rows of one page's table: (metric label as printed, rows); ("", []) without a table."""
    header_at = next((i for i, line in enumerate(lines) if _is_header(line)), None)
    if header_at is None:
        if any(_COUNT.fullmatch(line.words[-1].text) for line in lines):
            result.warn(
                file, f"page {page}", "page has numbers but no 'ESP … Reports' header; skipped"
            )
        return "", []
    header = lines[header_at]
    right = header.words[-1].x1
    rows: list[Row] = []
    fragments: list[Line] = []
    for line in lines[header_at + 1 :]:
        if _SKIP.search(line.text):
            continue
        last = line.words[-1]
        if _COUNT.fullmatch(last.text) and abs(last.x1 - right) <= ALIGN_TOLERANCE:
            name = line.words[:-1]
            frags = [(line.top, " ".join(w.text for w in name))] if name else []
            rows.append(Row(page, line.middle, last.text, frags))
        else:
            fragments.append(line)
    for frag in fragments:
        nearest = min(rows, key=lambda r: abs(r.middle - frag.middle), default=None)
        if nearest is None or abs(nearest.middle - frag.middle) > 1.5 * frag.height:
            result.warn(file, f"page {page}", f"text {frag.text!r} stands beside no count; ignored")
            continue
        nearest.fragments.append((frag.top, frag.text))
    for r in rows:
        if not r.fragments:
            raise ParseError(file, f"count {r.count} has no ESP name beside it", f"page {page}")
    return " ".join(w.text for w in header.words[1:]), rows


def report_year(lines: Iterable[Line], path: object) -> int:
    """The calendar year the table covers, from its title ('2023 CyberTipline Reports by …')."""
    years = {int(m[1]) for line in lines if (m := _YEAR.match(line.text))}
    if not years:
        raise ParseError(
            path, "no title 'YYYY CyberTipline Reports by …': not a reports-by-ESP table"
        )
    if len(years) > 1:
        raise ParseError(path, f"titles name more than one year: {sorted(years)}")
    return years.pop()


def records_from_pages(pages: list[list[Line]], path: object) -> ParseResult:
    """Turn the printed lines of every page into faithful records (one per ESP, one total)."""
    file = Path(str(path)).name
    result = ParseResult()
    year = report_year((line for page in pages for line in page), path)
    period, label = parse_period(str(year)), str(year)
    esp_sum, total = 0, None
    seen: dict[str, str] = {}
    for number, lines in enumerate(pages, start=1):
        metric, rows = table_rows(lines, number, result, file)
        for i, row in enumerate(rows, start=1):
            where, name = f"page {number}, row {i}", row.name
            if total is not None:
                result.warn(file, where, f"row {name!r} printed after the total row")
            rec = result.add(
                platform=name,
                period=period,
                policy=POLICY_LABEL,
                metric=metric,
                text=row.count,
                row=where,
                file=file,
                period_label=label,
            )
            if _TOTAL.fullmatch(name):
                if total is not None:
                    raise ParseError(path, f"a second total row ({name} {row.count})", where)
                total = rec.value if rec else None
                if rec:
                    rec.note = "printed total of all ESPs"
                continue
            if name in seen:
                result.warn(
                    file, where, f"ESP {name!r} printed twice (first at {seen[name]}); both kept"
                )
            seen[name] = where
            esp_sum += int(rec.value or 0) if rec else 0
    if not seen:
        raise ParseError(path, "no ESP rows found under an 'ESP … Reports' header")
    if total is None:
        result.warn(
            file, "end of table", f"no total row; the {len(seen)} ESP rows sum to {esp_sum:,}"
        )
    elif esp_sum != total:
        result.warn(
            file,
            "total row",
            f"the {len(seen)} ESP rows sum to {esp_sum:,}, the printed total "
            f"is {int(total):,} (difference {int(total) - esp_sum:+,}); both kept as printed",
        )
    return result


def _page_words(page) -> list[Word]:
    return [
        Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]))
        for w in page.extract_words()
    ]


def parse(path: Path) -> ParseResult:
    """Every ESP row and the printed total of one reports-by-ESP PDF, exactly as printed."""
    with open_pdf(path) as pdf:
        pages = [lines_of(_page_words(page)) for page in pdf.pages]
    return records_from_pages(pages, path)


# ---------------------------------------------------------------- fetch


def _year_of(url: str) -> int | None:
    m = re.search(r"/((?:19|20)\d\d)-reports-by-esp\.pdf$", url, re.IGNORECASE)
    return int(m[1]) if m else None


def discover(client: PoliteClient) -> list[str]:
    """Links to reports-by-ESP PDFs on the CyberTipline data landing pages (may be empty)."""
    from bs4 import BeautifulSoup

    found: list[str] = []
    for page in LANDING_PAGES:
        try:
            resp = client.get(page)
        except Exception:  # a landing page that cannot be read only loses discovery
            continue
        if resp.status_code != 200:
            continue
        for a in BeautifulSoup(resp.text, "html.parser").find_all("a", href=True):
            url = urljoin(str(resp.url) or page, str(a["href"]).strip())
            if _year_of(url) and url not in found:
                found.append(url)
    return found


def candidate_urls(discovered: Iterable[str], today: date) -> list[str]:
    """One URL per year since 2019: a discovered link where there is one, else the known pattern."""
    by_year: dict[int, str] = {}
    for url in discovered:
        year = _year_of(url)
        if year and year >= FIRST_YEAR:
            by_year.setdefault(year, url)
    for year in range(FIRST_YEAR, today.year):
        by_year.setdefault(year, PATTERN.format(year=year))
    return [by_year[y] for y in sorted(by_year)]


def fetch(
    client: PoliteClient, store: SnapshotStore, today: date | None = None
) -> list[FetchOutcome]:
    """Every year's PDF since 2019 (the latest year is missing until NCMEC publishes it in spring)."""
    urls = candidate_urls(discover(client), today or date.today())
    return [
        fetch_to_store(
            client,
            store,
            SOURCE,
            url,
            filename=url.rsplit("/", 1)[-1],
            expect=("application/pdf", "application/octet-stream"),
        )
        for url in urls
    ]
