"""Curated CSAM disclosures per platform and NCMEC's per-platform counts (apparebit/diaphanous).

Robert Grimm's "Social Media CSAM Disclosures" (CC BY 4.0) transcribes what seventeen platforms
disclosed about child sexual abuse material, including figures no machine-readable file carries
(Amazon, Twitch, Pornhub, LinkedIn, GitHub, Pinterest, X's pre-2023 Twitter pages), and NCMEC's
per-platform counts, among them the hosted-CSAM notifications NCMEC sent in 2021 and 2022 and how
many days each platform took to act on them. The file is ``data/ocse-reports-per-platform.json``,
laid out as the repository's codebook.md says: per platform a ``columns`` list and ``rows`` of
``{"<period>": [cells...]}`` (period "2023 H2", "2023 Q4" or "2023"), optional
``"redundant": true``, cells ``null``, numbers or the string "F / 100 * N" (F percent of N);
``NCMEC`` rows carry the platform name as their first cell.

Covered: every non-null cell of every platform and NCMEC row, with its column label as the raw
metric label ("NCMEC / <column>" in NCMEC's block). The policy label is the policy a column
names in parentheses ("pieces (Child Endangerment: Sexual Exploitation)", "accounts (minor
sexualization)"), else the platform's own terms as listed under ``features.terms``; columns that
count every policy (TikTok's "total videos removed") are labelled so. NCMEC's cells are stated by
NCMEC (reporter NCMEC), the rest by the platforms. Rules the codebook sets and the parser
applies: rows repeating a period are parts of it unless marked redundant, so Microsoft's three
rows per half-year are Bing, then its hosted consumer services (twice: content and accounts,
then CyberTipline reports), as Microsoft's own report confirms; NCMEC entries repeating a
platform name in one year (Microsoft, Amazon, Aylo, MindGeek, Pornhub) are separate entities the
transcription does not name, kept as entries 1, 2, 3...; a "F / 100 * N" cell is computed and
marked approximate. A row the curator marks redundant (Twitch within Amazon's
totals, Reddit's 2022 half-years within the annual row, Snap's computed account counts beside
the published ones) is kept, every one alike, under its column label followed by
``REDUNDANT_SUFFIX`` and a note, which the label map leaves unharmonised: the figure stays
visible as transcribed and no total counts it twice. The "Google" rows exclude YouTube (the
repository's own split).

Not covered: the free-text ``comments`` and ``features`` (descriptions, not figures). The same
repository's ``comparable-reports-by-provider.csv`` is the ``diaphanous_comparison`` source and
its ``ocse-reports-per-year.csv`` the ``ncmec_ojjdp`` source. Where a platform publishes a file of
its own (Meta, TikTok, Microsoft, Discord, Snap, X, Google), that source's series is the primary
one; these series are the transcription, kept beside it (views that pick one prefer the primary).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.periods import Period, PeriodError, parse_period
from transparency.reading.records import ParseError, ParseResult, RawRecord
from transparency.reading.textfiles import read_text

REPO_RAW = "https://raw.githubusercontent.com/apparebit/diaphanous/boss/data/"
SOURCE = SourceDeclaration(
    id="diaphanous_curated",
    publisher="Robert Grimm, apparebit/diaphanous (transcribing platforms' and NCMEC's reports)",
    kind="curated transcription",
    title="Social Media CSAM Disclosures: per-platform transcriptions and NCMEC comparisons",
    homepage="https://github.com/apparebit/diaphanous",
    formats=("json",),
    cadence="irregular",
    licence="CC BY 4.0 (Robert Grimm); the figures are the platforms' and NCMEC's published facts",
    download_urls=(REPO_RAW + "ocse-reports-per-platform.json",),
    hosts=("raw.githubusercontent.com",),
    reporter="platform",
    platform="",
    coverage=__doc__.split("\n\n")[2].replace("\n", " "),
    expected_lag_days=300,
    verification=VERIFIED,
)

# A parenthesised qualifier that is not a policy: the column counts a mode or a schema, and the
# policy is the platform's terms.
NOT_POLICY = {"automated", "human", "human moderation, original schema", "original schema"}
# Columns whose policy the label states outside parentheses.
COLUMN_POLICY = {
    "total videos removed": "all policies",
    "videos removed by automation": "all policies",
    "videos restored": "all policies",
    "minor safety category share of total (original schema)": "minor safety",
}
# Platforms whose rows repeat a period as named parts, in the order the rows give them.
PART_SERVICES = {
    "Microsoft": ("Bing", "Microsoft consumer services", "Microsoft consumer services"),
}
# The platform a block's figures belong to, where the file's name for it means less or more.
BLOCK_SERVICE = {"Google": "Google (excl. YouTube)"}
NCMEC_POLICY = {
    "reports": "CyberTipline reports",
    "notifications_sent": "apparent CSAM hosted on the platform",
    "response_time": "apparent CSAM hosted on the platform",
}
FORMULA = re.compile(r"\s*(\d+\.\d+)\s*/\s*100\s*\*\s*(\d{1,3}(?:,\d{3})*|\d+)\s*")


def parse(path: Path) -> ParseResult:
    """The JSON disclosure collection, as the repository's codebook.md lays it out."""
    return _parse_collection(path, read_text(path))


# ------------------------------------------------------------------ JSON collection


# The metric label's suffix for a cell of a row the curator marks redundant (codebook 3.5).
REDUNDANT_SUFFIX = " | marked redundant by the curator"
REDUNDANT_NOTE = "marked redundant by the curator: the figure is included in another row's"


@dataclass
class _Cell:
    record: RawRecord
    redundant: bool


def _parse_collection(path: Path, text: str) -> ParseResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(path, f"not JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("@"), dict):
        raise ParseError(path, "not a disclosure collection (no '@' citation record)")
    result = ParseResult()
    file = Path(path).name
    for name, block in data.items():
        if name == "@" or block is None:  # the citation record; a platform with no disclosures
            continue
        if not isinstance(block, dict):
            raise ParseError(path, f"{name!r} is neither null nor a disclosure record")
        columns = block.get("columns")
        rows = block.get("rows")
        if columns is None and rows is None:
            continue
        if not isinstance(columns, list) or not isinstance(rows, list):
            raise ParseError(path, f"{name!r} needs both 'columns' and 'rows' as lists")
        if name == "NCMEC":
            _ncmec_rows(path, file, columns, rows, result)
        else:
            _platform_rows(path, file, name, block, columns, rows, result)
    if not result.records:
        raise ParseError(path, "no figures in the collection")
    return result


def _row(path: Path, name: str, i: int, row: object, width: int) -> tuple[str, Period, list, bool]:
    where = f"{name} row {i}"
    if not isinstance(row, dict):
        raise ParseError(path, "a row must be an object", where)
    labels = [k for k in row if k != "redundant"]
    if len(labels) != 1:
        raise ParseError(path, f"a row needs exactly one period label, found {labels}", where)
    label = labels[0]
    cells = row[label]
    if not isinstance(cells, list) or len(cells) != width:
        n = len(cells) if isinstance(cells, list) else "no"
        raise ParseError(path, f"{label}: {n} cells for {width} columns", where)
    try:
        period = parse_period(label)
    except PeriodError as exc:
        raise ParseError(path, str(exc), where) from exc
    return label, period, cells, bool(row.get("redundant", False))


def _value_text(cell: object) -> tuple[str, bool]:
    """The cell as text to parse, and whether it is a computed "F / 100 * N" approximation."""
    if isinstance(cell, str):
        m = FORMULA.fullmatch(cell)
        if m:
            return repr(float(m[1]) / 100 * int(m[2].replace(",", ""))), True
        return cell, False
    return str(cell), False


def _policy(column: str, terms: str) -> str:
    if column in COLUMN_POLICY:
        return COLUMN_POLICY[column]
    m = re.fullmatch(r".*?\((.+)\)", column)
    if m and m[1] not in NOT_POLICY:
        return m[1]
    return terms


def _platform_rows(
    path: Path, file: str, name: str, block: dict, columns: list, rows: list, result: ParseResult
) -> None:
    features = block.get("features") or {}
    terms_raw = features.get("terms") or []
    terms = "; ".join([terms_raw] if isinstance(terms_raw, str) else terms_raw) or "CSAM"
    kept: dict[tuple, _Cell] = {}
    seen_in_period: dict[str, int] = defaultdict(int)
    for i, row in enumerate(rows, start=1):
        label, period, cells, redundant = _row(path, name, i, row, len(columns))
        part = seen_in_period[label] if not redundant else 0
        if not redundant:
            seen_in_period[label] += 1
        service = BLOCK_SERVICE.get(name, "")
        if name in PART_SERVICES:
            names = PART_SERVICES[name]
            if part >= len(names):
                raise ParseError(
                    path, f"{label}: more rows than the known parts {names}", f"{name} row {i}"
                )
            service = names[part]
        where = f"{name} row {i} ({label}{', redundant' if redundant else ''})"
        for column, cell in zip(columns, cells, strict=True):
            if cell is None:
                continue
            text, approx = _value_text(cell)
            rec = result.add(
                platform=name,
                service=service,
                period=period,
                policy=_policy(str(column), terms),
                metric=str(column),
                text=text,
                row=where,
                file=file,
                period_label=label,
            )
            assert rec is not None
            result.records.pop()  # kept below, once per part, period and column
            if approx:
                rec.qualifier, rec.value_text = "approx", str(cell)
            if redundant:
                rec.raw_metric_label += REDUNDANT_SUFFIX
                rec.note = "; ".join(n for n in (rec.note, REDUNDANT_NOTE) if n)
            key = (service, label, column, redundant)
            _keep(result, file, key, _Cell(rec, redundant), kept)
    result.records += [c.record for c in kept.values()]


def _keep(result: ParseResult, file: str, key: tuple, cell: _Cell, kept: dict) -> None:
    """One figure per platform part, period and column: the non-redundant one (codebook 3.5)."""
    old = kept.get(key)
    if old is None:
        kept[key] = cell
        return
    if old.redundant and not cell.redundant:
        old, cell = cell, old
        kept[key] = old
    if cell.record.value != old.record.value:
        why = (
            "marked redundant"
            if cell.redundant
            else "neither row is marked redundant, the later one"
        )
        result.warn(
            file,
            cell.record.row_ref,
            f"{cell.record.raw_metric_label!r} for {cell.record.period_label}: "
            f"{cell.record.value_text!r} differs from {old.record.value_text!r} on "
            f"{old.record.row_ref}; {why} is dropped",
        )


def _ncmec_rows(path: Path, file: str, columns: list, rows: list, result: ParseResult) -> None:
    if not columns or columns[0] != "platform":
        raise ParseError(path, "NCMEC rows must start with the platform column", "NCMEC columns")
    parsed = [(i, *_row(path, "NCMEC", i, row, len(columns))) for i, row in enumerate(rows, 1)]
    names_per_year: dict[tuple[str, str], int] = defaultdict(int)
    for _, label, _, cells, _ in parsed:
        names_per_year[(label, str(cells[0]))] += 1
    entry: dict[tuple[str, str], int] = defaultdict(int)
    for i, label, period, cells, _ in parsed:
        name = cells[0]
        if not isinstance(name, str) or not name.strip():
            raise ParseError(path, f"{label}: no platform name", f"NCMEC row {i}")
        entry[(label, name)] += 1
        service = (
            f"{name} (NCMEC entry {entry[(label, name)]})"
            if names_per_year[(label, name)] > 1
            else ""
        )
        for column, cell in zip(columns[1:], cells[1:], strict=True):
            if cell is None:
                continue
            result.add(
                platform=name,
                service=service,
                period=period,
                policy=NCMEC_POLICY.get(column, "CSAM"),
                metric=f"NCMEC / {column}",
                text=_value_text(cell)[0],
                row=f"NCMEC row {i} ({label}, {name})",
                file=file,
                period_label=label,
                reporter="NCMEC",
            )


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """The file from the repository's default branch (a new commit is a new release)."""
    return [
        fetch_to_store(
            client,
            store,
            SOURCE,
            url,
            filename=url.rsplit("/", 1)[1],
            expect=("application/json", "text/plain"),
        )
        for url in SOURCE.download_urls
    ]
