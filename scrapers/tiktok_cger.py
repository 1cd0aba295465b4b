"""TikTok Community Guidelines Enforcement Report: the quarterly data file (XLSX or CSV).

Covered: every number in the file, in every layout TikTok has used; each release restates the
history back to Jul-Sep 2020, so each file is one vintage. The layout is found from headers and
labels, never from fixed positions, so other releases of the same family parse unchanged:
(1) XLSX, one sheet per table (releases to 2022 Q3): time-series sheets whose header row starts
with ``Date`` (quarter-end dates, as date cells, ISO text or period labels) and policy sheets whose
first cell is a period label followed by words (``Oct-Dec 2021 removal policy``) with policies
down the first column; (2) long CSV (from 2022 Q4) with the header ``Metric, Period Type, Period,
Policy Type, Issue Policy, Task Type, Task, Location, Market, Result`` or its mid-2023 variant
(``Period type``, ``Issue``, capitalised values), columns matched by name in any order and case.
Not covered: the 2026 HTML dashboards (source ``tiktok_cger_dashboard``), DSA reports.

Labels are the file's own words. CSV: the policy label is the ``Issue Policy``/``Issue`` cell; the
metric label is ``Metric``, followed by the printed policy level in brackets when the row is
below the top level (``Category share (Community guidelines policy)``: a share within the parent
policy, not of all removals) and by the task when it is not ``all``
(``Total videos removed | automation``). XLSX: in ``... by policy`` sheets the column header is the
policy and the sheet name the metric; in the other time-series sheets the column header names
the series and is kept as both policy and metric label (``Total fake account removals``).
Known problems are warned about with file and row: blank cells (kept as not reported), a figure
printed twice in one workbook (kept once), a period type that disagrees with the period.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from transparency.acquisition.fetching import FetchError, FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.periods import Period, PeriodError, month_end, parse_period
from transparency.reading.records import ParseError, ParseResult, RawRecord

SOURCE = SourceDeclaration(
    id="tiktok_cger",
    publisher="TikTok",
    kind="platform report",
    title="Community Guidelines Enforcement Report (data file)",
    homepage="https://www.tiktok.com/transparency/en/community-guidelines-enforcement/",
    formats=("csv", "xlsx"),
    cadence="quarterly",
    licence="Public document (TikTok Pte. Ltd.); facts cited with source",
    download_urls=(
        "https://www.tiktok.com/transparency/en/community-guidelines-enforcement-{year}-{quarter}/",
        "https://sf16-va.tiktokcdn.com/obj/eden-va2/{hashed path} (the page's Download link)",
    ),
    hosts=("tiktok.com", "tiktokcdn.com"),
    platform="tiktok",
    coverage=" ".join(__doc__.split("\n\n")[1].split()),
    expected_lag_days=75,
    verification=VERIFIED,
)

PLATFORM = "TikTok"
INDEX_URL = SOURCE.homepage

# ---------------------------------------------------------------- parse


def parse(path: Path) -> ParseResult:
    """Every number of one CGER data file (XLSX or CSV), exactly as printed."""
    path = Path(path)
    with path.open("rb") as fh:
        magic = fh.read(4)
    result = ParseResult()
    if magic == b"PK\x03\x04":
        _parse_xlsx(path, result)
    else:
        _parse_csv(path, result)
    if not result.records:
        raise ParseError(path, "no data rows")
    _drop_repeats(path, result)
    return result


# -- CSV (long format)

_CSV_COLUMNS = {
    "metric": "metric",
    "period type": "period_type",
    "period": "period",
    "policy type": "level",
    "issue policy": "policy",
    "issue": "policy",
    "task type": "task_type",
    "task": "task",
    "location": "location",
    "market": "market",
    "result": "result",
}
_REQUIRED = ("metric", "period", "policy", "result")
# levels printed at the top of their table: the metric label carries no level. "Ban reason -
# safety" and "Ban reason - security" (2024 files) are not: they stand beside "Ban reason" with
# other figures for the same ban reasons, so they stay part of the metric label.
_TOP_LEVELS = {"all", "issue", "policy", "ban_reason", "ban reason", ""}
_PERIOD_MONTHS = {
    "quarterly": 3,
    "half-year": 6,
    "half-yearly": 6,
    "monthly": 1,
    "annual": 12,
    "yearly": 12,
}


def _norm(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def _parse_csv(path: Path, result: ParseResult) -> None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise ParseError(path, "empty file", "line 1")
    cols: dict[str, int] = {}
    for i, name in enumerate(header):
        key = _CSV_COLUMNS.get(_norm(name))
        if key and key not in cols:
            cols[key] = i
    missing = [c for c in _REQUIRED if c not in cols]
    if missing:
        raise ParseError(
            path,
            f"not a TikTok CGER CSV: header lacks {', '.join(missing)} "
            f"(found {','.join(header)[:120]!r})",
            "line 1",
        )
    unknown = [h for h in header if h.strip() and _norm(h) not in _CSV_COLUMNS]
    if unknown:
        result.warn(path.name, "line 1", f"columns not understood and not read: {unknown}")

    def cell(row: list[str], key: str, default: str = "all") -> str:
        i = cols.get(key)
        return row[i].strip() if i is not None else default

    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise ParseError(
                path, f"expected {len(header)} fields, found {len(row)}", f"line {line}"
            )
        label = cell(row, "period")
        try:
            period = parse_period(label)
        except PeriodError as exc:
            raise ParseError(path, str(exc), f"line {line}") from exc
        ptype = cell(row, "period_type", "")
        want = _PERIOD_MONTHS.get(_norm(ptype))
        months = (
            (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
        )
        if want and want != months:
            result.warn(
                path.name,
                f"line {line}",
                f"period type {ptype!r} but period {label!r} "
                f"spans {months} months; the period is taken as printed",
            )
        market = cell(row, "market")
        result.add(
            platform=PLATFORM,
            period=period,
            policy=cell(row, "policy"),
            metric=_metric_label(
                cell(row, "metric"), cell(row, "level"), cell(row, "task_type"), cell(row, "task")
            ),
            text=cell(row, "result", ""),
            row=f"line {line}",
            file=path.name,
            scope="all" if _norm(market) in ("", "all") else market,
            period_label=label,
        )


def _metric_label(metric: str, level: str, task_type: str, task: str) -> str:
    """The printed metric, qualified by a sub-policy level and a task (see module docstring)."""
    label = metric
    if _norm(level) not in _TOP_LEVELS:
        label += f" ({level})"
    if _norm(task) not in ("", "all"):
        label += (
            f" | {task}"
            if _norm(task_type) in ("", "all", "task_type", "task type")
            else f" | {task_type} | {task}"
        )
    return label


# -- XLSX (one sheet per table)


def _parse_xlsx(path: Path, result: ParseResult) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        wb = load_workbook(
            io.BytesIO(path.read_bytes()), read_only=True, data_only=True
        )  # any file name
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise ParseError(
            path, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})"
        ) from exc
    understood = 0
    try:
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            first = next((i for i, r in enumerate(rows) if any(_filled(v) for v in r)), None)
            if first is None:
                continue

            def ref(r: int, c: int, _ws=ws) -> str:
                return f"sheet '{_ws.title}'!{get_column_letter(c + 1)}{r + 1}"

            head = rows[first]
            if _norm(head[0]) == "date":
                _time_series(path, result, ws.title, rows, first, ref)
            elif _leading_period(head[0]) is not None:
                _policy_table(path, result, rows, first, ref)
            else:
                result.warn(
                    path.name,
                    ref(first, 0),
                    f"sheet {ws.title!r} has neither a 'Date' "
                    "header nor a period label in its first cell; not read",
                )
                continue
            understood += 1
    finally:
        wb.close()
    if not understood:
        raise ParseError(path, "no sheet with a 'Date' header or a period label in its first cell")


def _filled(v: object) -> bool:
    return v is not None and str(v).strip() != ""


def _leading_period(v: object) -> tuple[Period, str] | None:
    """``Oct-Dec 2021 removal policy`` -> the period and its label: the longest leading words that
    parse as a period."""
    if not isinstance(v, str):
        return None
    words = v.split()
    for n in range(min(len(words), 6), 0, -1):
        label = " ".join(words[:n])
        try:
            return parse_period(label), label
        except PeriodError:
            continue
    return None


def _quarter_ending(v: object) -> tuple[Period, str, str] | None:
    """A ``Date`` cell -> (the quarter it ends, its label, a problem or "")."""
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, str):
        try:
            p = parse_period(v.strip())
        except PeriodError:
            return None
        if p.granularity != "day":
            return p, v.strip(), ""
        v = p.end
    if not isinstance(v, date):
        return None
    problem = ""
    if v != month_end(v.year, v.month) or v.month % 3:
        problem = (
            f"date {v} is not a calendar quarter end; taken as the three months ending {v:%B %Y}"
        )
    y, m = (v.year, v.month - 2) if v.month > 2 else (v.year - 1, v.month + 10)
    return Period(date(y, m, 1), month_end(v.year, v.month)), v.isoformat(), problem


def _time_series(
    path: Path, result: ParseResult, title: str, rows: list[list], first: int, ref
) -> None:
    headers = [str(h).strip() if _filled(h) else "" for h in rows[first]]
    by_policy = "by policy" in _norm(title)
    for r in range(first + 1, len(rows)):
        row = rows[r]
        if not any(_filled(v) for v in row):
            continue
        q = _quarter_ending(row[0])
        if q is None:
            raise ParseError(path, f"'Date' cell {row[0]!r} is not a date or a period", ref(r, 0))
        period, label, problem = q
        if problem:
            result.warn(path.name, ref(r, 0), problem)
        for c in range(1, len(headers)):
            header = headers[c]
            value = row[c] if c < len(row) else None
            if not header:
                if _filled(value):
                    result.warn(
                        path.name, ref(r, c), f"value {value!r} under an empty header; not read"
                    )
                continue
            policy, metric = (header, title) if by_policy else (header, header)
            if not _filled(value):
                result.warn(
                    path.name, ref(r, c), f"{header!r} for {label} is blank; kept as not reported"
                )
            result.add(
                platform=PLATFORM,
                period=period,
                policy=policy,
                metric=metric,
                text=value,
                row=ref(r, c),
                file=path.name,
                period_label=label,
            )


def _policy_table(path: Path, result: ParseResult, rows: list[list], first: int, ref) -> None:
    period, label = _leading_period(rows[first][0])  # type: ignore[misc]
    metrics = [str(h).strip() if _filled(h) else "" for h in rows[first]]
    for r in range(first + 1, len(rows)):
        row = rows[r]
        if not any(_filled(v) for v in row):
            continue
        policy = str(row[0]).strip() if _filled(row[0]) else ""
        if not policy:
            raise ParseError(path, "a row of values has no policy label", ref(r, 0))
        for c in range(1, len(metrics)):
            value = row[c] if c < len(row) else None
            if not metrics[c]:
                continue
            if not _filled(value):
                result.warn(
                    path.name,
                    ref(r, c),
                    f"{metrics[c]!r} for {policy!r} is blank; kept as not reported",
                )
            result.add(
                platform=PLATFORM,
                period=period,
                policy=policy,
                metric=metrics[c],
                text=value,
                row=ref(r, c),
                file=path.name,
                period_label=label,
            )


# -- one figure printed twice

# Series TikTok prints under two headers in one workbook (the total appears in two sheets).
_SAME_SERIES = {"total video removal": "total videos removed"}


def _drop_repeats(path: Path, result: ParseResult) -> None:
    """Keep each (period, scope, policy, metric) once; a repeat is dropped with a warning."""
    seen: dict[tuple, RawRecord] = {}
    kept: list[RawRecord] = []
    for rec in result.records:
        key = (
            rec.period_start,
            rec.period_end,
            _norm(rec.scope),
            *(
                _SAME_SERIES.get(_norm(x), _norm(x))
                for x in (rec.raw_policy_label, rec.raw_metric_label)
            ),
        )
        first = seen.get(key)
        if first is None:
            seen[key] = rec
            kept.append(rec)
            continue
        same = first.value == rec.value and first.value_text.replace(
            ",", ""
        ) == rec.value_text.replace(",", "")
        what = (
            rec.raw_metric_label
            if rec.raw_metric_label == rec.raw_policy_label
            else f"{rec.raw_metric_label} / {rec.raw_policy_label}"
        )
        result.warn(
            path.name,
            rec.row_ref,
            f"{what!r} for {rec.period_label} repeats "
            f"{first.row_ref} ({'same value' if same else f'{rec.value_text!r} vs {first.value_text!r}'}); "
            f"the first is kept",
        )
    result.records = kept


# ---------------------------------------------------------------- fetch

_RELEASE_PAGE = re.compile(r"/community-guidelines-enforcement-(\d{4})-([1-4])/?$")
_CDN_URL = re.compile(
    r"https?:(?://|\\/\\/|\\u002F\\u002F)[\w.-]*tiktokcdn\.com(?:/|\\/|\\u002F)[^\s\"'<>]+", re.I
)
MEDIA_TYPES = (
    "text/csv",
    "application/csv",
    "text/plain",
    "application/octet-stream",
    "binary/octet-stream",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
)


def release_pages(html: str, base: str) -> list[tuple[int, int, str]]:
    """(year, quarter, url) of every quarterly report page linked from the index, newest first."""
    found: dict[tuple[int, int], str] = {}
    for a in BeautifulSoup(html, "lxml").find_all("a", href=True):
        url = urljoin(base, str(a["href"])).split("#")[0].split("?")[0]
        m = _RELEASE_PAGE.search(urlsplit(url).path)
        if m:
            found.setdefault((int(m[1]), int(m[2])), url)
    return [(y, q, u) for (y, q), u in sorted(found.items(), reverse=True)]


def download_links(html: str, base: str) -> list[str]:
    """The data-file link(s) on a quarterly page: anchors to TikTok's CDN or labelled Download;
    failing that, CDN URLs inside the page's embedded JSON (the page is rendered by script)."""
    links: list[str] = []
    for a in BeautifulSoup(html, "lxml").find_all("a", href=True):
        url = urljoin(base, str(a["href"]))
        host = (urlsplit(url).hostname or "").lower()
        is_file = Path(urlsplit(url).path).suffix.lower() in (".csv", ".xlsx", ".zip")
        if host.endswith("tiktokcdn.com") or (
            "download" in a.get_text(" ", strip=True).casefold() and is_file
        ):
            links.append(url)
    if not links:
        for m in _CDN_URL.finditer(html):
            links.append(m[0].replace("\\u002F", "/").replace("\\/", "/"))
    return list(dict.fromkeys(links))


def fetch(client: PoliteClient, store: SnapshotStore, *, releases: int = 1) -> list[FetchOutcome]:
    """The data file of the newest ``releases`` quarterly pages (each restates the full history)."""
    try:
        index = client.get(INDEX_URL)
    except FetchError as exc:
        return [FetchOutcome(INDEX_URL, "failed", message=str(exc))]
    if index.status_code != 200:
        return [FetchOutcome(INDEX_URL, "failed", message=f"{INDEX_URL}: HTTP {index.status_code}")]
    pages = release_pages(index.text, str(index.url))
    if not pages:
        return [
            FetchOutcome(
                INDEX_URL, "failed", message=f"{INDEX_URL}: no quarterly report page linked"
            )
        ]
    outcomes: list[FetchOutcome] = []
    for year, quarter, page_url in pages[:releases]:
        try:
            page = client.get(page_url)
        except FetchError as exc:
            outcomes.append(FetchOutcome(page_url, "failed", message=str(exc)))
            continue
        if page.status_code != 200:
            outcomes.append(
                FetchOutcome(page_url, "failed", message=f"{page_url}: HTTP {page.status_code}")
            )
            continue
        links = download_links(page.text, page_url)
        if not links:
            outcomes.append(
                FetchOutcome(page_url, "failed", message=f"{page_url}: no data-file link found")
            )
            continue
        for link in links:
            suffix = Path(urlsplit(link).path).suffix.lower()
            name = f"tiktok-cger-{year}-q{quarter}{suffix if suffix in ('.csv', '.xlsx') else ''}"
            outcomes.append(
                fetch_to_store(client, store, SOURCE, link, filename=name, expect=MEDIA_TYPES)
            )
    return outcomes
