"""X (formerly Twitter) Global Transparency Report: the half-yearly PDF (X publishes no CSV).

Covered: every ruled table of the PDF, found with pdfplumber's line-based table finder and read
cell by cell, each figure with row_ref "page N": user reports by policy area and their share
(page 4), enforcement actions by policy area (account suspensions, posts removed or labeled,
post violation rate) and the report totals (page 5), the per-policy breakdowns by TOTAL ACTIONS
/ AUTOMATED / HUMAN (pages 7-11: Child Safety with NCMEC reports, accounts suspended, content
removed; Abuse, Harassment & Hateful Conduct; Platform Manipulation & Spam; Violent & Hateful
Entities; Violent Content; Suicide & Self Harm; Misleading & Deceptive Identities;
Non-Consensual Nudity; Private Content; Illegal or Regulated Goods/Services), government
information and removal requests by country (page 13) and copyright and trademark notices (page
14). Tables are told apart by their header row (POLICY AREA; TOTAL ACTIONS / AUTOMATED /
HUMAN; a label/value pair; rows led by a TOTAL row; other row-label tables), and a breakdown
table's policy area is the large heading above it, so a release with more or fewer tables or
pages parses without code changes. Footnote markers (superscript digits, e.g. ``Accounts
Suspended 1``, ``463,960,085 2``) are recognised by their smaller font, taken out of the label
or value and kept, with the footnote's text, as a note. Censored rates (``<0.0001%``) are kept
as text with no value. The period comes from the report's own text (``H1 2024``).

Not covered: figures given only in prose (none in H1 2024), charts, the Twitter-era interactive
site and its (broken) CSV downloads, the India IT Rules monthly reports. The same figure printed
twice (page 5's Child Safety account suspensions and page 7's TOTAL ACTIONS) is kept twice,
under two metrics (``accounts_actioned`` for the page-5 summary, ``accounts_suspended`` for the
breakdowns); page 7's "Abuse, Harassment, & Hateful Conduct" equals page 5's Abuse & Harassment
plus Hateful Conduct, and is stored as that combined area.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.numbers import NumberError, parse_number
from transparency.reading.pdfs import open_pdf
from transparency.reading.periods import Period, find_period
from transparency.reading.records import ParseError, ParseResult

LANDING = "https://transparency.x.com/"  # the transparency centre links each report PDF
KNOWN_PDFS = (
    "https://transparency.x.com/content/dam/transparency-twitter/2024/x-global-transparency-report-h1.pdf",
)

SOURCE = SourceDeclaration(
    id="x_gtr",
    publisher="X Corp.",
    kind="platform report",
    title="Global Transparency Report (PDF)",
    homepage="https://transparency.x.com/",
    formats=("pdf",),
    cadence="half-yearly",
    licence="Public document (X Corp.); facts cited with source",
    download_urls=(
        LANDING,
        "https://transparency.x.com/content/dam/transparency-twitter/{year}/x-global-transparency-report-{h1|h2}.pdf",
    ),
    hosts=("transparency.x.com", "transparency.twitter.com"),
    platform="x",
    coverage=" ".join(__doc__.split("\n\n")[1].split()),
    expected_lag_days=100,
    verification=VERIFIED,
)

PLATFORM = "X"
FOOTNOTE_RATIO = 0.8  # a digit this much smaller than the cell's text is a footnote marker
HEADING_RATIO = 1.8  # heading text is at least this much larger than the page's body text
BREAKDOWN = ("TOTAL ACTIONS", "AUTOMATED", "HUMAN")


@dataclass
class Cell:
    text: str  # the printed text without footnote markers, lines joined
    marks: str = ""  # footnote markers found in the cell ("1", "2")


@dataclass
class PdfTable:
    """One ruled table as printed: header row first; heading = the large title above it."""

    page: int
    heading: str
    rows: list[list[Cell]]
    footnotes: dict[str, str] = field(default_factory=dict)  # marker -> footnote text on the page


# ------------------------------------------------------------------ from PDF to tables


def _join_lines(text: str) -> str:
    out = ""
    for line in (x.strip() for x in text.splitlines()):
        if not line:
            continue
        out = f"{out}{line}" if not out or out.endswith(("/", "-")) else f"{out} {line}"
    return out


def _cell(chars: list[dict]) -> Cell:
    from pdfplumber.utils import extract_text

    if not chars:
        return Cell("")
    big = max(c["size"] for c in chars)
    marks = [c for c in chars if c["text"].isdigit() and c["size"] < FOOTNOTE_RATIO * big]
    main = [c for c in chars if c not in marks]
    return Cell(_join_lines(extract_text(main)), "".join(c["text"] for c in marks))


def _headings(page) -> list[tuple[float, float, str]]:
    """Blocks of large text (top, bottom, text) in reading order."""
    sizes = Counter(round(c["size"]) for c in page.chars if c["text"].strip())
    if not sizes:
        return []
    body = sizes.most_common(1)[0][0]
    words = [
        w for w in page.extract_words(extra_attrs=["size"]) if w["size"] >= HEADING_RATIO * body
    ]
    lines: dict[float, list[dict]] = {}
    for w in words:
        lines.setdefault(round(w["top"]), []).append(w)
    blocks: list[list[float | str]] = []
    for top in sorted(lines):
        ws = sorted(lines[top], key=lambda w: w["x0"])
        text, bottom, size = (
            " ".join(w["text"] for w in ws),
            max(w["bottom"] for w in ws),
            ws[0]["size"],
        )
        if blocks and top - float(blocks[-1][1]) < 1.0 * size:
            blocks[-1][1], blocks[-1][2] = bottom, f"{blocks[-1][2]} {text}"
        else:
            blocks.append([top, bottom, text])
    return [(float(t), float(b), str(x)) for t, b, x in blocks]


def _footnotes(text: str) -> dict[str, str]:
    return {m[1]: m[2].strip() for m in re.finditer(r"(?m)^(\d{1,2})\.\s+(.+)$", text)}


def read_tables(path: Path) -> tuple[list[PdfTable], Period]:
    """Every ruled table with two or more columns, and the report's period."""
    tables: list[PdfTable] = []
    period = None
    with open_pdf(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            text = page.extract_text() or ""
            if period is None:
                period = find_period(text)
            heads = _headings(page)
            notes = _footnotes(text)
            for found in page.find_tables():
                rows = []
                for row in found.rows:
                    cells = []
                    for box in row.cells:
                        if box is None:
                            cells.append(Cell(""))
                            continue
                        x0, top, x1, bottom = box
                        cells.append(
                            _cell(
                                [
                                    c
                                    for c in page.chars
                                    if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
                                    and top <= (c["top"] + c["bottom"]) / 2 <= bottom
                                ]
                            )
                        )
                    rows.append(cells)
                if len(rows) < 1 or max(len(r) for r in rows) < 2:
                    continue  # a page frame or a one-column box, not a table
                above = [h for h in heads if h[1] <= found.bbox[1] + 1]
                tables.append(PdfTable(number, above[-1][2] if above else "", rows, notes))
    if period is None:
        raise ParseError(
            path, "cannot tell the report's period: no 'H1 2024'-style label in its text"
        )
    return tables, period


# ------------------------------------------------------------------ from tables to records


def _numeric(text: str) -> bool:
    try:
        n = parse_number(text)
    except NumberError:
        return False
    return n.value is not None or n.qualifier == "censored"


def _add(
    result: ParseResult,
    file: str,
    period: Period,
    table: PdfTable,
    *,
    policy: str,
    metric: str,
    cell: Cell,
    scope: str = "global",
    label_marks: str = "",
) -> None:
    note = "; ".join(
        f"footnote {m}: {table.footnotes.get(m, '(text not found on the page)')}"
        for m in dict.fromkeys(label_marks + cell.marks)
    )
    rec = result.add(
        platform=PLATFORM,
        period=period,
        policy=policy,
        metric=metric,
        text=cell.text,
        row=f"page {table.page}",
        file=file,
        scope=scope,
        period_label=period.label(),
        note=note,
    )
    if rec is not None and cell.marks:
        rec.value_text = f"{cell.text} {cell.marks}"  # as extracted: the marker after the number
        rec.qualifier = rec.qualifier or "footnote"


def table_records(table: PdfTable, period: Period, result: ParseResult, file: str) -> None:
    """The records of one table, by the kind its header row shows (see the module docstring)."""
    header = [c.text for c in table.rows[0]]
    body = [r for r in table.rows[1:] if any(c.text for c in r)]
    first = header[0].strip().upper()
    if all(len(r) == 2 for r in table.rows) and _numeric(header[1]):  # label | value pairs
        for label, value in table.rows:
            _add(
                result,
                file,
                period,
                table,
                policy=label.text,
                metric=label.text,
                cell=value,
                label_marks=label.marks,
            )
        return
    if not body:
        result.warn(
            file, f"page {table.page}", f"table {' | '.join(header)!r} has no data rows; skipped"
        )
        return
    breakdown = first == "" and tuple(h.upper() for h in header[1:]) == BREAKDOWN
    if breakdown and not table.heading:
        raise ParseError(
            file,
            "a TOTAL ACTIONS / AUTOMATED / HUMAN table has no heading above it "
            "(cannot tell its policy area)",
            f"page {table.page}",
        )
    totals = [r for r in body if r[0].text.upper().startswith("TOTAL ")]
    geography = first == "" and not breakdown and len(totals) == 1 and len(body) > 1
    for row in body:
        label = row[0]
        for j, cell in enumerate(row[1:], start=1):
            if not cell.text or j >= len(header):
                continue
            column = header[j]
            if first == "POLICY AREA":
                kw = {"policy": label.text, "metric": column}
            elif breakdown:
                kw = {"policy": table.heading, "metric": f"{label.text} | {column}"}
            elif geography:
                is_total = row is totals[0]
                kw = {
                    "policy": totals[0][0].text,
                    "metric": column,
                    "scope": "global" if is_total else label.text,
                }
            else:
                kw = {"policy": label.text, "metric": f"{label.text} | {column}"}
            _add(result, file, period, table, cell=cell, label_marks=label.marks, **kw)


def parse(path: Path) -> ParseResult:
    """Every figure in the ruled tables of one X Global Transparency Report PDF."""
    path = Path(path)
    with path.open("rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF"):
            raise ParseError(path, "not a PDF (no %PDF header)")
    tables, period = read_tables(path)
    result = ParseResult()
    for table in tables:
        table_records(table, period, result, path.name)
    if not result.records:
        raise ParseError(path, "no tables with figures found")
    return result


# ------------------------------------------------------------------ fetch


def report_links(html: str, base: str) -> list[str]:
    """Links to global transparency report PDFs on a page of the transparency centre."""
    from bs4 import BeautifulSoup

    found: list[str] = []
    for a in BeautifulSoup(html, "html.parser").find_all("a", href=True):
        url = urljoin(base, str(a["href"]).strip())
        if re.search(r"global-transparency-report[^/]*\.pdf$", url, re.I) and url not in found:
            found.append(url)
    return found


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """Every report PDF linked from the transparency centre (or the ones known to exist)."""
    outcomes: list[FetchOutcome] = []
    urls: list[str] = []
    try:
        resp = client.get(LANDING)
        if resp.status_code == 200:
            urls = report_links(resp.text, LANDING)
        else:
            outcomes.append(
                FetchOutcome(LANDING, "failed", message=f"{LANDING}: HTTP {resp.status_code}")
            )
    except Exception as exc:  # noqa: BLE001 - the known reports are still worth fetching
        outcomes.append(FetchOutcome(LANDING, "failed", message=str(exc)))
    for url in urls or list(KNOWN_PDFS):
        outcomes.append(
            fetch_to_store(
                client,
                store,
                SOURCE,
                url,
                filename=url.rsplit("/", 1)[-1],
                expect=("application/pdf", "application/octet-stream"),
            )
        )
    return outcomes
