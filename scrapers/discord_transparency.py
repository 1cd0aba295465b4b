"""Discord transparency reports: the CSV in each release ZIP, and the older month-table CSVs.

Covered: every number of every table in the CSV, read by section title and header row (not by
position): the 2020 H2 - 2022 Q3 month tables of reports to NCMEC (media reports, grooming or
endangerment escalations, month totals; untitled, or titled with the quarter as in the 2022 Q2
release's ``Q2 NCMEC Reports``); the 2022 Q4 - 2023 "stacked tables" (Warns, Accounts
Disabled, NCMEC, Servers Removed, Appeals, Reports / In-App Reports, Legal / government
information requests by request type and by country, preservation requests); the 2024 layout
(title row, renamed sections, emergency requests). Policy-category rows, total rows (``Total``,
``Total:``, ``Sum:``, ``SUM``), month rows (period = that month; the year comes from the file's
period), country rows (scope = the country). Values as printed (``"1,234"``, ``1477``,
``19.09%``, ``--`` for not available). ``parse`` reads a bare CSV or the release ZIP around it
(in memory: no extraction to disk; member count, size and compression-ratio limits; absolute
paths, ``..`` components, symlinks and encrypted members are refused).

Known data errors, each handled explicitly with a warning naming file and line: a section
shifted down one row (2023 Q3 Accounts Disabled: the header text repeated in a value cell; the
values are re-paired with the labels above them); NCMEC month rows labelled outside the file's
period (Discord's Q4 2022 release labels its months January-March; its 2022 Q2 release repeats
Q1's table: such rows and their total are not attributed to any period, each dropped with a
warning, since re-reading them by position would be a guess); an unlabelled
totals row and a ``Total`` row holding media + escalations (2022 Q3); a country listed twice
(2024 H1 Emergency Requests, Norway: the row whose removal makes the rows add up to the
printed total is dropped); appeals exceeding the accounts they refer to (2023 Q3
Misinformation, kept as published); totals that do not equal the sum of their rows; text in a
numeric cell (kept as text, no value). Not covered: the PDF inside the ZIP and the HTML blog
posts of 2020-2022 (same figures as the month tables), the separate DSA report ZIP (source of
its own), Discord's restatement of the Q1 2023 Warns table in the Q4 2022 file (needs two files
to see).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.numbers import NumberError, parse_number
from transparency.reading.periods import Period, PeriodError, find_period, parse_period
from transparency.reading.records import ParseError, ParseResult
from transparency.reading.zipsafety import UnsafeZip, ZipLimits, read_csv_members

LANDING = "https://discord.com/safety-transparency-reports"
ZIP_PATTERN = "https://cdn.discordapp.com/assets/transparency-reports/Discord-Transparency-Report-{period}.zip"

SOURCE = SourceDeclaration(
    id="discord_transparency",
    publisher="Discord",
    kind="platform report",
    title="Transparency Report (CSV in the release ZIP)",
    homepage=LANDING,
    formats=("zip", "csv"),
    cadence="half-yearly",  # half-yearly 2020 H2-2021 H2 and from 2024; quarterly 2022 Q1-2023 Q4
    licence="Public document (Discord Inc.); facts cited with source",
    download_urls=(LANDING, ZIP_PATTERN),
    hosts=("discord.com", "cdn.discordapp.com"),
    platform="discord",
    coverage=" ".join(__doc__.split("\n\n")[1].split()),
    expected_lag_days=120,
    verification=VERIFIED,
)

PLATFORM = "Discord"
# Releases known to exist (sources/discord.md); fetched when the landing page (a JS app) lists none.
KNOWN_RELEASES = (
    "Q1-2022",
    "Q2-2022",
    "Q3-2022",
    "Q4-2022",
    "Q1-2023",
    "Q2-2023",
    "Q3-2023",
    "Q4-2023",
    "H1-2024",
)
ZIP_LINK = re.compile(r"/transparency-reports/Discord-Transparency-Report-[QH]\d-\d{4}\.zip$", re.I)

MAX_FILE_BYTES = 200 * 1024 * 1024
# ZIP safety limits: only CSV members are read, in memory.
ZIP_LIMITS = ZipLimits(
    max_members=500,
    max_member_bytes=20 * 1024 * 1024,  # one CSV
    max_total_bytes=MAX_FILE_BYTES,  # the CSVs of one release together
    max_ratio=200,  # uncompressed/compressed; CSV compresses ~10x, bombs by 1000x
    ratio_floor=0,  # however small, a CSV member over the ratio is refused
)

TOTAL = re.compile(r"^(total|sum)\s*:?$", re.IGNORECASE)
IMPLIED_NCMEC = "NCMEC"  # the 2020-2022 month tables have no section title
NCMEC_TITLE = re.compile(r"\bNCMEC\b", re.IGNORECASE)


# ------------------------------------------------------------------ reading the file


def read_zip_csvs(path: Path) -> list[tuple[str, bytes]]:
    """The CSV members of a release ZIP, read in memory with size and safety checks."""
    try:
        out = read_csv_members(path, ZIP_LIMITS)
    except UnsafeZip as exc:
        raise ParseError(path, str(exc)) from None
    if not out:
        raise ParseError(path, "ZIP holds no CSV file")
    return out


def _decode(data: bytes, file: str, result: ParseResult) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.warn(file, "line 1", "not UTF-8; read as Windows-1252")
        return data.decode("cp1252", errors="replace")


# ------------------------------------------------------------------ table structure


@dataclass
class Row:
    line: int
    label: str
    cells: list[str]  # value cells, aligned with the header's value columns


@dataclass
class Table:
    section: str
    header: list[str]
    line: int
    implied_section: bool = False
    rows: list[Row] = field(default_factory=list)
    shifted_at: int = 0  # line of a row repeating the header text (section shifted down one row)
    starred: set[int] = field(
        default_factory=set
    )  # value columns whose header ends in a footnote '*'

    @property
    def kind(self) -> str:
        first = self.header[0].strip().lower()
        return {"month": "month", "country": "country", "request type": "request"}.get(
            first, "category"
        )

    @property
    def columns(self) -> list[str]:
        return self.header[1:]


def _numeric(cell: str) -> bool:
    if not cell:
        return False
    try:
        parse_number(cell)
    except NumberError:
        return False
    return True


KEY_HEADER = re.compile(
    r"^(month|country|request type|policy category|.*\bcategory)$", re.IGNORECASE
)


def _headerlike(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) >= 2 and bool(cells[0]) and not any(_numeric(v) for v in cells[1:])


def _single(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return (
        len(filled) == 1 and bool(cells[0]) and not TOTAL.match(cells[0]) and not _numeric(cells[0])
    )


def _tables(
    rows: list[tuple[int, list[str]]], file: str, result: ParseResult
) -> tuple[list[Table], list[tuple[int, str]]]:
    """Split the CSV into tables by section title and header row; return them and the titles."""
    tables: list[Table] = []
    titles: list[tuple[int, str]] = []
    section, current, previous = "", None, None
    after_blank = {line for (_, a), (line, _) in zip(rows, rows[1:], strict=False) if not any(a)}
    rows = [(line, cells) for line, cells in rows if any(cells)]
    for i, (line, cells) in enumerate(rows):
        label, values = cells[0], cells[1:]
        after = rows[i + 1][1] if i + 1 < len(rows) else None
        opens = (
            after is not None
            and _headerlike(after)
            and (
                bool(KEY_HEADER.match(after[0]))
                or after[0] == label
                or previous is None
                or line in after_blank
                or bool(TOTAL.match(previous[0] or ""))
            )
        )
        if _single(cells) and (after is None or _single(after) or opens):
            section, current = label, None  # a section (or document) title
            titles.append((line, label))
            previous = cells
            continue
        headerlike = _headerlike(cells)
        if (
            headerlike
            and current is not None
            and not current.rows
            and not current.shifted_at
            and [v for v in values if v] == [c for c in current.columns if c]
        ):
            current.shifted_at = (
                line  # the header text repeated as a data row: the section is shifted
            )
            current.rows.append(Row(line, label, values))
            previous = cells
            continue
        new_table = (
            current is None
            or KEY_HEADER.match(label)
            or label == current.section
            or (previous is not None and TOTAL.match(previous[0] or ""))
        )
        if headerlike and new_table and not TOTAL.match(label):
            implied = not section
            starred = {i for i, c in enumerate(values) if c.endswith("*")}
            current = Table(
                section or IMPLIED_NCMEC,
                [c.rstrip("*").strip() for c in cells],
                line,
                implied,
                starred=starred,
            )
            if not implied and current.kind == "month" and NCMEC_TITLE.search(section):
                # a month table titled with its quarter ('Q2 NCMEC Reports', the 2022 Q2
                # release) is the same table as the untitled ones of 2020-2022
                current.section = IMPLIED_NCMEC
            if implied and current.kind != "month":
                raise ParseError(
                    file,
                    f"table header {','.join(c for c in cells if c)!r} has no section title "
                    "above it",
                    f"line {line}",
                )
            tables.append(current)
        elif current is None:
            raise ParseError(
                file, f"data before any header row: {','.join(cells)!r}", f"line {line}"
            )
        elif not any(values) and not current.shifted_at:  # a shifted section keeps its empty labels
            result.warn(
                file,
                f"line {line}",
                f"section {current.section!r}: row {label!r} has no values; nothing to record",
            )
        else:
            current.rows.append(Row(line, label, values))
        previous = cells
    return tables, titles


# ------------------------------------------------------------------ emitting records


@dataclass
class Ctx:
    file: str
    period: Period
    result: ParseResult

    def add(
        self,
        table: Table,
        policy: str,
        col: int,
        text: str,
        row: int,
        *,
        period: Period | None = None,
        scope: str = "global",
        note: str = "",
        value_line: int | None = None,
    ) -> None:
        p = period or self.period
        if col in table.starred:
            note = "; ".join(
                x
                for x in (
                    note,
                    f"column header printed as {table.columns[col] + '*'!r} (its "
                    "footnote is not in the CSV)",
                )
                if x
            )
        self.result.add(
            platform=PLATFORM,
            period=p,
            policy=policy,
            metric=f"{table.section} | {table.columns[col]}",
            text=text,
            row=f"line {value_line or row}",
            file=self.file,
            scope=scope,
            period_label=p.label(),
            note=note,
        )


def _value(text: str) -> float | None:
    try:
        return parse_number(text).value
    except NumberError:
        return None


def _is_percent_column(name: str) -> bool:
    return "%" in name or "rate" in name.lower()


def _check_sums(ctx: Ctx, table: Table, parts: list[Row], total: Row | None) -> None:
    """A total that is not the sum of its rows is published as is, with a warning."""
    if total is None or not parts:
        return
    for i, name in enumerate(table.columns):
        if not name or _is_percent_column(name) or i >= len(total.cells):
            continue
        printed = _value(total.cells[i])
        values = [_value(r.cells[i]) for r in parts if i < len(r.cells)]
        if printed is None or not any(v is not None for v in values):
            continue
        added = sum(v for v in values if v is not None)
        if added != printed:
            ctx.result.warn(
                ctx.file,
                f"line {total.line}",
                f"section {table.section!r}, column {name!r}: "
                f"total {total.cells[i]!r} but the rows add up to {added:,.0f}; published as is",
            )


def _repair_shift(ctx: Ctx, table: Table) -> list[Row]:
    """Re-pair the labels of a section shifted down one row with the values below them."""
    labels = [r for r in table.rows if r.label]
    valued = [
        r for r in table.rows if r.line != table.shifted_at and any(_numeric(c) for c in r.cells)
    ]
    if len(labels) != len(valued):
        ctx.result.warn(
            ctx.file,
            f"line {table.shifted_at}",
            f"section {table.section!r} looks shifted (the "
            f"header text is repeated as a value) but its {len(labels)} labels and {len(valued)} value "
            "rows do not pair up; read as printed",
        )
        return [r for r in table.rows if r.line != table.shifted_at]
    first = labels[0]
    ctx.result.warn(
        ctx.file,
        f"line {table.shifted_at}",
        f"section {table.section!r} is shifted down one row "
        f"(line {first.line} repeats the header text {','.join(c for c in first.cells if c)!r}); each "
        f"value is read with the label above it: {first.label!r} = {valued[0].cells[0]!r} from line "
        f"{valued[0].line}, ..., {labels[-1].label!r} = {valued[-1].cells[0]!r} from line {valued[-1].line}",
    )
    return [Row(v.line, lab.label, v.cells) for lab, v in zip(labels, valued, strict=True)]


def _emit_row(
    ctx: Ctx,
    table: Table,
    row: Row,
    policy: str,
    *,
    scope: str = "global",
    period: Period | None = None,
    note: str = "",
) -> None:
    for i, text in enumerate(row.cells):
        if i >= len(table.columns):
            if text:
                ctx.result.warn(
                    ctx.file,
                    f"line {row.line}",
                    f"value {text!r} beyond the header's columns; ignored",
                )
            continue
        if text and table.columns[i]:
            ctx.add(table, policy, i, text, row.line, scope=scope, period=period, note=note)


def _category_table(ctx: Ctx, table: Table) -> None:
    rows = _repair_shift(ctx, table) if table.shifted_at else table.rows
    parts, total = [], None
    for row in rows:
        if not row.label:
            ctx.result.warn(
                ctx.file,
                f"line {row.line}",
                f"section {table.section!r}: row "
                f"{','.join(row.cells)!r} has values but no label; cannot tell what it counts, dropped",
            )
            continue
        if TOTAL.match(row.label):
            total = row
        else:
            parts.append(row)
        _emit_row(ctx, table, row, row.label)
    _check_sums(ctx, table, parts, total)
    if "appeal" in table.section.lower():
        _check_appeals(ctx, table, parts)


def _check_appeals(ctx: Ctx, table: Table, rows: list[Row]) -> None:
    cols = [c.strip().lower() for c in table.columns]
    if "appeals" not in cols:
        return
    i = cols.index("appeals")
    for r in rows:
        base, appeals = _value(r.cells[0]), _value(r.cells[i]) if i < len(r.cells) else None
        if base is not None and appeals is not None and appeals > base:
            ctx.result.warn(
                ctx.file,
                f"line {r.line}",
                f"section {table.section!r}, {r.label!r}: {r.cells[i]} "
                f"appeals exceed the {r.cells[0]} accounts they refer to; published as is",
            )


def _month_period(label: str, year: int) -> Period | None:
    for text in (label, f"{label} {year}"):
        try:
            p = parse_period(text)
        except PeriodError:
            continue
        if p.granularity == "month":
            return p
    return None


def _month_table(ctx: Ctx, table: Table) -> None:
    year = ctx.period.start.year
    dated = [
        (r, _month_period(r.label, year))
        for r in table.rows
        if r.label and not TOTAL.match(r.label)
    ]
    month_rows = [r for r, p in dated if p is not None]
    others = [r for r in table.rows if r not in month_rows]
    outside = [
        r.label
        for r, p in dated
        if p is not None and not ctx.period.start <= p.start <= ctx.period.end
    ]
    if (
        outside
    ):  # mislabelled, or another period's table repeated: attributing them would be a guess
        for r in table.rows:
            ctx.result.warn(
                ctx.file,
                f"line {r.line}",
                f"section {table.section!r}: its month rows "
                f"({', '.join(outside)}) lie outside the file's period {ctx.period.label()}; they may "
                "be mislabelled (Discord's Q4 2022 release) or another period's table repeated (the "
                "Q2 2022 release repeats Q1 2022's); not attributed to any period, row dropped",
            )
        return
    for r, p in dated:
        if p is not None:
            _emit_row(ctx, table, r, table.section, period=p)
            _check_month_total(ctx, table, r)
    totals: list[Row] = []
    for r in others:
        if r.label and not TOTAL.match(r.label):
            ctx.result.warn(
                ctx.file,
                f"line {r.line}",
                f"row label {r.label!r} is neither a month nor a total; dropped",
            )
            continue
        if not r.label:
            ctx.result.warn(
                ctx.file,
                f"line {r.line}",
                f"unlabelled row {','.join(r.cells)!r} after the month rows: "
                f"read as the totals of {ctx.period.label()}",
            )
        if totals and _restates_as_sum(ctx, table, totals[0], r):
            continue
        if totals:
            ctx.result.warn(
                ctx.file,
                f"line {r.line}",
                f"second totals row {','.join(r.cells)!r} (first on line "
                f"{totals[0].line}) does not match it; dropped",
            )
            continue
        totals.append(r)
        _emit_row(ctx, table, r, table.section)
    _check_sums(ctx, table, month_rows, totals[0] if totals else None)


def _check_month_total(ctx: Ctx, table: Table, row: Row) -> None:
    cols = [c.lower() for c in table.columns]
    tcol = next((i for i, c in enumerate(cols) if "total" in c), None)
    if tcol is None or tcol >= len(row.cells) or _value(row.cells[tcol]) is None:
        return
    values = [_value(row.cells[i]) for i in range(len(cols)) if i != tcol and i < len(row.cells)]
    parts = [v for v in values if v is not None]
    if len(parts) == len(values) and sum(parts) != _value(row.cells[tcol]):
        ctx.result.warn(
            ctx.file,
            f"line {row.line}",
            f"{row.label}: {table.columns[tcol]!r} {row.cells[tcol]!r} "
            f"is not the sum of the other columns ({sum(parts):,.0f}); published as is",
        )


def _restates_as_sum(ctx: Ctx, table: Table, first: Row, row: Row) -> bool:
    """2022 Q3: a ``Total`` row whose only value is media + escalations belongs in the total column."""
    cols = [c.lower() for c in table.columns]
    tcol = next((i for i, c in enumerate(cols) if "total" in c), None)
    filled = [(i, c) for i, c in enumerate(row.cells) if c]
    if tcol is None or len(filled) != 1 or (tcol < len(first.cells) and first.cells[tcol]):
        return False
    parts = [_value(first.cells[i]) for i in range(len(cols)) if i != tcol and i < len(first.cells)]
    i, text = filled[0]
    if None in parts or _value(text) != sum(parts):  # type: ignore[arg-type]
        return False
    ctx.result.warn(
        ctx.file,
        f"line {row.line}",
        f"{row.label!r} row holds {text!r} in column "
        f"{table.columns[i]!r}, but it is the sum of the totals on line {first.line} (media reports + "
        f"escalations): read as {table.columns[tcol]!r} of {ctx.period.label()}",
    )
    ctx.add(
        table,
        table.section,
        tcol,
        text,
        first.line,
        value_line=row.line,
        note=f"printed in column {table.columns[i]!r} of the {row.label!r} row",
    )
    return True


def _request_scope(section: str) -> str:
    s = section.lower()
    if re.search(r"\b(us|u\.s\.|united states)\b", s):
        return "United States"
    if "international" in s:
        return "International"
    return "global"


def _keyed_table(ctx: Ctx, table: Table) -> None:
    """Country or request-type rows (legal requests): duplicates resolved against the total."""
    rows = []
    for r in table.rows:
        if r.label:
            rows.append(r)
        else:
            ctx.result.warn(
                ctx.file,
                f"line {r.line}",
                f"section {table.section!r}: unlabelled row "
                f"{','.join(r.cells)!r}; cannot tell what it counts, dropped",
            )
    total = next((r for r in rows if TOTAL.match(r.label)), None)
    parts = [r for r in rows if r is not total]
    parts = _drop_duplicates(ctx, table, parts, total)
    scope = _request_scope(table.section)
    for r in parts:
        if table.kind == "country":
            _emit_row(ctx, table, r, table.section, scope=r.label)
        else:
            _emit_row(ctx, table, r, r.label, scope=scope)
    if total is not None:  # the total row keeps its own label, under its section's name
        _emit_row(
            ctx,
            table,
            total,
            f"{table.section} / {total.label}",
            scope="global" if table.kind == "country" and scope != "International" else scope,
        )
    _check_sums(ctx, table, parts, total)


def _drop_duplicates(ctx: Ctx, table: Table, rows: list[Row], total: Row | None) -> list[Row]:
    seen: dict[str, list[Row]] = {}
    for r in rows:
        seen.setdefault(r.label.casefold(), []).append(r)
    for dups in (d for d in seen.values() if len(d) > 1):
        keep_out = None
        if total is not None:
            for cand in dups:
                rest = [r for r in rows if r is not cand]
                if all(
                    _value(total.cells[i]) == sum(_value(r.cells[i]) or 0 for r in rest)
                    for i in range(min(len(total.cells), len(table.columns)))
                    if _value(total.cells[i]) is not None
                ):
                    keep_out = cand
                    break
        where = " and ".join(f"line {r.line} ({','.join(c for c in r.cells if c)})" for r in dups)
        if keep_out is not None:
            reason = f"without line {keep_out.line} the rows add up to the printed total on line {total.line}"  # type: ignore[union-attr]
        else:
            keep_out = dups[-1]
            reason = "no choice reconciles the total; the later row is dropped"
        ctx.result.warn(
            ctx.file,
            f"line {keep_out.line}",
            f"section {table.section!r} lists {dups[0].label!r} twice, "
            f"on {where}; {reason}; dropped line {keep_out.line}",
        )
        rows = [r for r in rows if r is not keep_out]
    return rows


# ------------------------------------------------------------------ parse


def _file_period(file: str, names: tuple[str, ...], titles: list[tuple[int, str]]) -> Period:
    for _, title in titles:
        p = find_period(title)
        if p is not None:
            return p
    for name in names:
        p = find_period(Path(name).name)
        if p is not None:
            return p
    raise ParseError(
        file,
        "cannot tell the report's period: no period in the title row or the file name "
        "(expected e.g. 'Discord-Transparency-Report-Q1-2023.zip' or 'discord-2023-q1.csv')",
    )


def parse_csv_text(text: str, file: str, names: tuple[str, ...], result: ParseResult) -> None:
    """Parse one Discord CSV (already decoded) into ``result``."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise ParseError(file, f"not a readable CSV ({exc})", f"line {reader.line_num}") from exc
    tables, titles = _tables(rows, file, result)
    if not tables:
        raise ParseError(
            file,
            "no table header row found (expected e.g. 'Month,Media Reports,...' or "
            "'Policy Category,...')",
        )
    ctx = Ctx(file, _file_period(file, names, titles), result)
    for table in tables:
        {"month": _month_table, "category": _category_table}.get(table.kind, _keyed_table)(
            ctx, table
        )


def parse(path: Path) -> ParseResult:
    """Every figure of one Discord release (a CSV, or the ZIP holding it), as printed."""
    path = Path(path)
    result = ParseResult()
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ParseError(path, f"file is {path.stat().st_size:,} bytes, over {MAX_FILE_BYTES:,}")
    with path.open("rb") as fh:
        magic = fh.read(4)
    if zipfile.is_zipfile(path) or magic == b"PK\x03\x04" or path.suffix.lower() == ".zip":
        for member, data in read_zip_csvs(path):
            file = f"{path.name}/{member}"
            parse_csv_text(_decode(data, file, result), file, (member, path.name), result)
    else:
        data = path.read_bytes()
        if b"\x00" in data[:4096]:
            raise ParseError(path, "binary file, not a CSV or ZIP")
        parse_csv_text(_decode(data, path.name, result), path.name, (path.name,), result)
    if not result.records:
        raise ParseError(path, "no data rows")
    return result


# ------------------------------------------------------------------ fetch


def release_links(html: str, base: str) -> list[str]:
    """Release ZIP links (not the DSA report ZIP) and period-page links found on a page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    found: list[str] = []
    for a in soup.find_all("a", href=True):
        url = urljoin(base, str(a["href"]).strip())
        if (
            ZIP_LINK.search(url)
            or re.search(r"/safety-transparency-reports/\d{4}-[qh]\d$", url, re.I)
        ) and url not in found:
            found.append(url)
    return found


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """Every release ZIP linked from the landing page and its period pages (or the known ones)."""
    outcomes: list[FetchOutcome] = []
    zips: list[str] = []
    pages = [LANDING]
    for page in pages:
        try:
            resp = client.get(page)
        except Exception as exc:  # noqa: BLE001 - a landing page failure must not stop the known releases
            outcomes.append(FetchOutcome(page, "failed", message=str(exc)))
            continue
        if resp.status_code != 200:
            outcomes.append(
                FetchOutcome(page, "failed", message=f"{page}: HTTP {resp.status_code}")
            )
            continue
        for url in release_links(resp.text, page):
            if ZIP_LINK.search(url):
                if url not in zips:
                    zips.append(url)
            elif url not in pages and len(pages) < 30:
                pages.append(url)
    if not zips:  # the hub is a JavaScript app: fall back to the releases known to exist
        zips = [ZIP_PATTERN.format(period=p) for p in KNOWN_RELEASES]
    for url in zips:
        outcomes.append(
            fetch_to_store(
                client,
                store,
                SOURCE,
                url,
                filename=url.rsplit("/", 1)[-1],
                expect=(
                    "application/zip",
                    "application/x-zip-compressed",
                    "application/octet-stream",
                ),
            )
        )
    return outcomes
