"""Read a harmonised report, however it was published, into plain tables of text cells.

Accepted: one CSV part, a folder of parts, a ZIP of parts (also nested one level, as providers
zip folders of CSVs), and an XLSX workbook with one sheet per part. Archives are read in memory
and never extracted, so nothing is written anywhere; every member is bounded (count, size,
compression ratio) and a member whose name would escape the archive (absolute, ``..``), a link
or an encrypted member makes the whole archive unreadable, as such members only come from broken
or hostile archives. The checks are :mod:`transparency.reading.zipsafety`'s, with the limits below.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from transparency.reading.records import ParseError
from transparency.reading.zipsafety import (
    UnsafeZip,
    ZipBudget,
    ZipLimits,
    read_member,
    unsafe_reason,
)

LIMITS = ZipLimits(
    max_members=2000,  # files in one archive or folder
    max_member_bytes=64 * 1024 * 1024,  # one CSV or workbook, uncompressed
    max_total_bytes=256 * 1024 * 1024,  # everything read from one input
    max_ratio=200,  # uncompressed / compressed size of one member over 1 MiB (zip-bomb guard)
    max_depth=2,  # a zip inside a zip is read; deeper nesting is not
)
TABLE_SUFFIXES = (".csv", ".txt")
UNSUPPORTED = (".xls", ".xlsm", ".ods", ".xlsb")

Warn = Callable[[str, str], None]  # (row, message)


@dataclass
class Table:
    """One part as text cells; ``lines[i]`` is where ``rows[i]`` stood (``line 3``, ``row 3``)."""

    name: str  # member path inside the input, or "" for the input itself
    group: str  # which report it belongs to (a folder, an archive directory, a workbook)
    rows: list[list[str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def ref(self, i: int) -> str:
        return f"{self.name} {self.lines[i]}".strip()


# ---------------------------------------------------------------- CSV


def _decode(data: bytes, name: str, warn: Warn) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        warn(name, "not UTF-8 as Annex II requires; read as Windows-1252")
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def csv_table(data: bytes, name: str, group: str, warn: Warn) -> Table:
    """Rows of one CSV part, ragged trailing empty cells trimmed, blank rows skipped."""
    text = _decode(data, name or "file", warn)
    table = Table(name, group)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    start = 1
    for row in reader:
        cells = list(row)
        while cells and not cells[-1].strip():
            cells.pop()
        if cells:
            table.rows.append(cells)
            table.lines.append(f"line {start}")
        start = reader.line_num + 1
    return table


# ---------------------------------------------------------------- XLSX


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def xlsx_tables(data: bytes, name: str, where: object, budget: ZipBudget) -> list[Table]:
    """One table per worksheet; the workbook is one report."""
    import openpyxl

    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # an XLSX is a zip: same guards first
        for info in zf.infolist():
            if reason := unsafe_reason(info, LIMITS):
                raise ParseError(where, f"{name or 'workbook'}: {reason}")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise ParseError(
            where, f"{name or 'workbook'} is not a readable XLSX ({type(exc).__name__}: {exc})"
        ) from exc
    tables = []
    try:
        for sheet in book.worksheets:
            table = Table(
                f"{name}!{sheet.title}" if name else f"sheet '{sheet.title}'", name or "workbook"
            )
            for i, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                while cells and not cells[-1].strip():
                    cells.pop()
                if cells:
                    table.rows.append(cells)
                    table.lines.append(f"row {i}")
            budget.take(0, table.name)
            tables.append(table)
    finally:
        book.close()
    return tables


# ---------------------------------------------------------------- archives and folders


def _skip(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts) or name.endswith("/")


def _file_tables(
    data: bytes, name: str, group: str, where: object, warn: Warn, budget: ZipBudget, depth: int
) -> list[Table]:
    low = name.lower()
    if low.endswith(TABLE_SUFFIXES):
        return [csv_table(data, name, group, warn)]
    if low.endswith(".xlsx"):
        return xlsx_tables(data, name, where, budget)
    if low.endswith(".zip"):
        if depth >= LIMITS.max_depth:
            warn(name, f"zip nested deeper than {LIMITS.max_depth} levels; not read")
            return []
        return zip_tables(data, where, warn, budget, depth + 1, prefix=name)
    if low.endswith(UNSUPPORTED):
        warn(
            name,
            f"{Path(name).suffix} files are not supported (CSV, XLSX or ZIP of them); not read",
        )
    elif not low.endswith((".md", ".pdf", ".html", ".htm")):
        warn(name, "not a CSV, XLSX or ZIP part (vlop-dsa.json is read on its own); not read")
    return []


def zip_tables(
    data: bytes,
    where: object,
    warn: Warn,
    budget: ZipBudget | None = None,
    depth: int = 1,
    prefix: str = "",
) -> list[Table]:
    budget = budget or ZipBudget(LIMITS)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ParseError(where, f"{prefix or 'file'} is not a readable ZIP ({exc})") from exc
    tables: list[Table] = []
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        for info in infos:
            if reason := unsafe_reason(info, LIMITS):
                raise ParseError(where, reason)
        for info in sorted(infos, key=lambda i: i.filename):
            if _skip(info.filename):
                continue
            budget.take(info.file_size, info.filename)
            name = f"{prefix}/{info.filename}" if prefix else info.filename
            group = str(PurePosixPath(name).parent)
            tables += _file_tables(
                read_member(zf, info, LIMITS), name, group, where, warn, budget, depth
            )
    return tables


def folder_tables(root: Path, warn: Warn) -> list[Table]:
    budget = ZipBudget(LIMITS)
    tables: list[Table] = []
    resolved = root.resolve()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or _skip(rel):
            continue
        if not path.resolve().is_relative_to(resolved):  # a symlink out of the folder
            warn(rel, "links outside the folder; not read")
            continue
        size = path.stat().st_size
        budget.take(size, rel)
        tables += _file_tables(
            path.read_bytes(), rel, str(PurePosixPath(rel).parent), root, warn, budget, 1
        )
    return tables


def is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        return False
    return "xl/workbook.xml" in names


def read_tables(path: Path, warn: Warn) -> list[Table]:
    """Every table in a CSV file, an XLSX workbook, a ZIP archive or a folder."""
    path = Path(path)
    try:  # the budget and the member reader refuse with UnsafeZip: one ParseError for the input
        return _read_tables(path, warn)
    except UnsafeZip as exc:
        raise ParseError(path, str(exc)) from None


def _read_tables(path: Path, warn: Warn) -> list[Table]:
    if path.is_dir():
        return folder_tables(path, warn)
    size = path.stat().st_size
    if size > LIMITS.max_total_bytes:
        raise ParseError(path, f"{size:,} bytes, over the limit of {LIMITS.max_total_bytes:,}")
    data = path.read_bytes()
    if is_xlsx(data):
        return xlsx_tables(data, "", path, ZipBudget(LIMITS))
    if data.startswith(b"PK"):
        return zip_tables(data, path, warn)
    if path.suffix.lower() in UNSUPPORTED or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ParseError(
            path, "an XLS/OLE workbook: only CSV, XLSX or ZIP of CSV parts are supported"
        )
    if b"\x00" in data[:4096]:
        raise ParseError(path, "binary content, not a CSV table")
    return [csv_table(data, "", "", warn)]
