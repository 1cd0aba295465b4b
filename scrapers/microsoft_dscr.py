"""Microsoft Digital Safety Content Report: the half-yearly XLSX download.

Covered: every table in the workbook — CSEAI (child sexual exploitation and abuse imagery) for
hosted consumer services and for Bing, TVEC (terrorist and violent extremist content) and NCII
(non-consensual intimate imagery) — every column of each, plus the NCMEC CyberTip report total
that exists only inside the CSEAI note sentence. Values as stored (counts; fractions for the
"proactive", "reinstated" and "percentage" columns; ``15,935*`` kept with its footnote). Not
covered: LinkedIn and GitHub (separate reports, sources ``linkedin_community_report`` and
``github_transparency``), Microsoft's DSA reports.

Layout handled (the 2020 H1 - 2023 H1 files, and any release that keeps the family's shape; found
by labels, never by fixed cells, because the blocks move between releases): on any sheet, a
*block* starts at a cell holding a period label (``January - June 2020``, ``Jan - Jun 2022``,
``July - December 2023``) with table titles to its right on the same row; each title spans the
columns up to the next title; the next row holds the column headers and the row after it the
values. A title ``<policy> - <service>`` (``CSEAI - Bing Search Engine``) names the service; a
title without one covers the services its note lists. Text cells below a block (``Note: ...``,
``* ...``) are its notes: an asterisk note is attached to the starred value, a "For Bing" note to
the Bing figures, and a note whose stated period differs from the header's (the 2023 H2 file says
"January to June 2023" under a July - December header) gives a warning; the header wins.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from transparency.acquisition.fetching import FetchError, FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.periods import Period, PeriodError, parse_period
from transparency.reading.records import ParseError, ParseResult

SOURCE = SourceDeclaration(
    id="microsoft_dscr",
    publisher="Microsoft",
    kind="platform report",
    title="Digital Safety Content Report (XLSX)",
    homepage="https://www.microsoft.com/en-us/corporate-responsibility/digital-safety-content-report",
    formats=("xlsx",),
    cadence="half-yearly",
    licence="Public document (Microsoft Corporation); facts cited with source",
    download_urls=(
        "https://www.microsoft.com/en-us/corporate-responsibility/digital-safety-content-report"
        " (one XLSX link per half-year; file URLs discovered on the page)",
    ),
    hosts=("microsoft.com",),
    platform="microsoft",
    coverage=" ".join(__doc__.split("\n\n")[1].split()),
    expected_lag_days=150,
    verification=VERIFIED,
)

PLATFORM = "Microsoft"
NCMEC_LABEL = "NCMEC CyberTip Reports"
_NCMEC = re.compile(
    r"NCMEC\s+CyberTip(?:line)?\s+Reports?\s+for\s+(?:this|the)\s+(?:reporting\s+)?period\s+"
    r"(?:is|was|were|:)\s*(\d{1,3}(?:,\d{3})+|\d+)",
    re.I,
)
_NOTE_PERIOD = re.compile(r"represents\s+(.+?)\s+(?:and|,)\s", re.I)


@dataclass
class _Block:
    row: int  # 1-based row of the period cell
    col: int
    label: str
    period: Period
    titles: list[tuple[int, str]] = field(default_factory=list)  # (column, title)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (cell ref, text)


def _text(v: object) -> str:
    return " ".join(str(v).split()) if v is not None else ""


def _period_cell(v: object) -> Period | None:
    if not isinstance(v, str) or not v.strip() or len(v) > 60:
        return None
    try:
        return parse_period(v.strip())
    except PeriodError:
        return None


def parse(path: Path) -> ParseResult:
    """Every table and the NCMEC note figure of one Digital Safety Content Report workbook."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(
            io.BytesIO(path.read_bytes()), data_only=True
        )  # any file name, e.g. a CMS URL's
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise ParseError(
            path, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})"
        ) from exc
    result = ParseResult()
    for ws in wb.worksheets:
        _parse_sheet(path, ws, result)
    if not result.records:
        raise ParseError(
            path,
            "no table found: expected a period label (e.g. 'January - June 2020') "
            "with table titles to its right, headers below and values below them",
        )
    return result


def _parse_sheet(path: Path, ws, result: ParseResult) -> None:
    cells = {
        (c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None
    }

    def ref(r: int, c: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"sheet '{ws.title}'!{get_column_letter(c)}{r}"

    blocks: list[_Block] = []
    for (r, c), v in sorted(cells.items()):
        period = _period_cell(v)
        titles = [
            (cc, _text(cv))
            for (rr, cc), cv in sorted(cells.items())
            if rr == r and cc > c and isinstance(cv, str) and _period_cell(cv) is None
        ]
        if period is not None and titles:
            blocks.append(_Block(r, c, _text(v), period, titles))
    for i, b in enumerate(blocks):
        end = blocks[i + 1].row if i + 1 < len(blocks) else max(r for r, _ in cells) + 1
        b.notes = [
            (ref(r, c), str(v).strip())
            for (r, c), v in sorted(cells.items())
            if b.row + 2 < r < end and isinstance(v, str)
        ]
        _parse_block(path, b, cells, ref, result)


def _split_title(title: str) -> tuple[str, str]:
    """``CSEAI - Bing Search Engine`` -> (policy, service); a title without `` - `` has no service."""
    policy, sep, service = title.rpartition(" - ")
    return (policy.strip(), service.strip()) if sep and policy.strip() else (title, "")


def _parse_block(path: Path, b: _Block, cells: dict, ref, result: ParseResult) -> None:
    hrow, vrow = b.row + 1, b.row + 2
    headers = sorted(
        (c, _text(v)) for (r, c), v in cells.items() if r == hrow and c > b.col and _text(v)
    )
    if not headers:
        raise ParseError(
            path,
            f"table {b.titles[0][1]!r} has no column headers in the row below",
            ref(b.row, b.col),
        )
    bing_note = " ".join(
        m[0].strip() for _, t in b.notes for m in re.finditer(r"For Bing\b[^\n]*", t, re.I)
    )
    star_note = " ".join(t.lstrip("* ").strip() for _, t in b.notes if t.startswith("*"))
    for _, text in b.notes:
        m = _NOTE_PERIOD.search(text)
        if m:
            try:
                said = parse_period(m[1])
            except PeriodError:
                said = None
            if said is not None and said != b.period:
                result.warn(
                    path.name,
                    ref(b.row, b.col),
                    f"note says the data represents {m[1]!r} but the "
                    f"table header says {b.label!r}; the header's period is used",
                )
    starts = [c for c, _ in b.titles]
    for n, (col, title) in enumerate(b.titles):
        stop = starts[n + 1] if n + 1 < len(starts) else 10**6
        policy, service = _split_title(title)
        span = [(c, h) for c, h in headers if col <= c < stop]
        if not span:
            result.warn(
                path.name, ref(b.row, col), f"table {title!r} has no column headers; not read"
            )
            continue
        for c, header in span:
            value = cells.get((vrow, c))
            notes = []
            if isinstance(value, str) and value.strip().endswith("*") and star_note:
                notes.append(star_note)
            if bing_note and "bing" in service.casefold():
                notes.append(bing_note)
            if value is None or not str(value).strip():
                result.warn(
                    path.name,
                    ref(vrow, c),
                    f"{header!r} of {title!r} is blank; kept as not reported",
                )
            result.add(
                platform=PLATFORM,
                service=service,
                period=b.period,
                policy=policy,
                metric=header,
                text=value,
                row=ref(vrow, c),
                file=path.name,
                period_label=b.label,
                note=" ".join(notes),
            )
    # The NCMEC CyberTip total exists only as a sentence in the note of the CSEAI block.
    for where, text in b.notes:
        m = _NCMEC.search(text)
        if m:
            policy = _split_title(b.titles[0][1])[0]
            result.add(
                platform=PLATFORM,
                period=b.period,
                policy=policy,
                metric=NCMEC_LABEL,
                text=m[1],
                row=f"{where} (note)",
                file=path.name,
                period_label=b.label,
                note=f"from the note: {m[0]!r}",
            )


# ---------------------------------------------------------------- fetch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = (XLSX, "application/octet-stream", "binary/octet-stream")
_PERIOD_IN_TEXT = re.compile(
    r"((?:jan(?:uary)?|jul(?:y)?)\.?\s*(?:-|–|to)\s*(?:jun(?:e)?|dec(?:ember)?)\.?,?\s*\d{4}|H[12]\s*\d{4}|\d{4}\s*H[12])",
    re.I,
)


def download_links(html: str, base: str) -> list[tuple[str, str]]:
    """(url, link text) of every XLSX download on the report page: links to ``.xlsx`` files, or
    links whose text or label says XLSX / Excel / download data (Microsoft's CMS serves files
    from extension-less URLs)."""
    out: list[tuple[str, str]] = []
    for a in BeautifulSoup(html, "lxml").find_all("a", href=True):
        url = urljoin(base, str(a["href"]))
        text = " ".join(
            filter(
                None,
                [
                    a.get_text(" ", strip=True),
                    str(a.get("aria-label") or ""),
                    str(a.get("title") or ""),
                ],
            )
        )
        low = text.casefold()
        if (
            urlsplit(url).path.lower().endswith(".xlsx")
            or "xlsx" in low
            or "excel" in low
            or ("download" in low and "data" in low)
        ):
            out.append((url, " ".join(text.split())))
    return list(dict.fromkeys(out))


def _filename(url: str, text: str) -> str:
    m = _PERIOD_IN_TEXT.search(text)
    if m:
        try:
            p = parse_period(m[1])
            return f"microsoft-dscr-{p.label().lower()}.xlsx"
        except PeriodError:
            pass
    name = Path(urlsplit(url).path).name or "microsoft-dscr"
    return name if name.lower().endswith(".xlsx") else f"{name}.xlsx"


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """Every XLSX linked from the report page (a stored file with the same bytes is not kept twice)."""
    page_url = SOURCE.homepage
    try:
        page = client.get(page_url)
    except FetchError as exc:
        return [FetchOutcome(page_url, "failed", message=str(exc))]
    if page.status_code != 200:
        return [FetchOutcome(page_url, "failed", message=f"{page_url}: HTTP {page.status_code}")]
    links = download_links(page.text, str(page.url))
    if not links:
        return [
            FetchOutcome(page_url, "failed", message=f"{page_url}: no XLSX download link found")
        ]
    return [
        fetch_to_store(
            client, store, SOURCE, url, filename=_filename(url, text), expect=MEDIA_TYPES
        )
        for url, text in links
    ]
