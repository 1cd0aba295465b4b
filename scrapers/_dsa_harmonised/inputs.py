"""Read a harmonised report, however it was published, into plain tables of text cells.

Accepted: one CSV part, a folder of parts, a ZIP of parts (also nested one level, as providers
zip folders of CSVs), and an XLSX workbook with one sheet per part. Archives are read in memory
and never extracted, so nothing is written anywhere; every member is bounded (count, size,
compression ratio) and a member whose name would escape the archive (absolute, ``..``) makes the
whole archive unreadable, as such names only come from broken or hostile archives.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from transparency.records import ParseError

MAX_MEMBERS = 2000  # files in one archive or folder
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one CSV or workbook, uncompressed
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # everything read from one input
MAX_RATIO = 200  # uncompressed / compressed size of one member (zip-bomb guard)
MAX_DEPTH = 2  # a zip inside a zip is read; deeper nesting is not
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


@dataclass
class _Budget:
    total: int = 0
    members: int = 0

    def take(self, size: int, name: str, where: object) -> None:
        self.members += 1
        self.total += size
        if self.members > MAX_MEMBERS:
            raise ParseError(where, f"more than {MAX_MEMBERS} files; refusing to read further")
        if size > MAX_MEMBER_BYTES:
            raise ParseError(
                where,
                f"{name} is {size:,} bytes uncompressed, over the limit of {MAX_MEMBER_BYTES:,}",
            )
        if self.total > MAX_TOTAL_BYTES:
            raise ParseError(
                where, f"more than {MAX_TOTAL_BYTES:,} bytes of tables; refusing to read further"
            )


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


def xlsx_tables(data: bytes, name: str, where: object, budget: _Budget) -> list[Table]:
    """One table per worksheet; the workbook is one report."""
    import openpyxl

    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # an XLSX is a zip: same guards first
        for info in zf.infolist():
            _check_member(info, f"{name}:{info.filename}", where)
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
            budget.take(0, table.name, where)
            tables.append(table)
    finally:
        book.close()
    return tables


# ---------------------------------------------------------------- archives and folders


def _safe_name(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return not (p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]))


def _check_member(info: zipfile.ZipInfo, label: str, where: object) -> None:
    if not _safe_name(info.filename):
        raise ParseError(
            where,
            f"archive member {info.filename!r} points outside the archive; refusing the archive",
        )
    if info.flag_bits & 0x1:
        raise ParseError(where, f"archive member {label} is encrypted")
    if info.file_size > MAX_MEMBER_BYTES:
        raise ParseError(
            where,
            f"{label} is {info.file_size:,} bytes uncompressed, over the limit of {MAX_MEMBER_BYTES:,}",
        )
    if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ParseError(
            where,
            f"{label} expands {info.file_size / max(info.compress_size, 1):,.0f} times; "
            f"over the limit of {MAX_RATIO} (zip bomb?)",
        )


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: object) -> bytes:
    with zf.open(info) as fh:  # never trust the declared size: read at most the limit
        data = fh.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise ParseError(where, f"{info.filename} is over the limit of {MAX_MEMBER_BYTES:,} bytes")
    return data


def _skip(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts) or name.endswith("/")


def _file_tables(
    data: bytes, name: str, group: str, where: object, warn: Warn, budget: _Budget, depth: int
) -> list[Table]:
    low = name.lower()
    if low.endswith(TABLE_SUFFIXES):
        return [csv_table(data, name, group, warn)]
    if low.endswith(".xlsx"):
        return xlsx_tables(data, name, where, budget)
    if low.endswith(".zip"):
        if depth >= MAX_DEPTH:
            warn(name, f"zip nested deeper than {MAX_DEPTH} levels; not read")
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
    budget: _Budget | None = None,
    depth: int = 1,
    prefix: str = "",
) -> list[Table]:
    budget = budget or _Budget()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ParseError(where, f"{prefix or 'file'} is not a readable ZIP ({exc})") from exc
    tables: list[Table] = []
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        for info in infos:
            _check_member(info, info.filename, where)
        for info in sorted(infos, key=lambda i: i.filename):
            if _skip(info.filename):
                continue
            budget.take(info.file_size, info.filename, where)
            name = f"{prefix}/{info.filename}" if prefix else info.filename
            group = str(PurePosixPath(name).parent)
            tables += _file_tables(
                _read_member(zf, info, where), name, group, where, warn, budget, depth
            )
    return tables


def folder_tables(root: Path, warn: Warn) -> list[Table]:
    budget = _Budget()
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
        budget.take(size, rel, root)
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
    if path.is_dir():
        return folder_tables(path, warn)
    size = path.stat().st_size
    if size > MAX_TOTAL_BYTES:
        raise ParseError(path, f"{size:,} bytes, over the limit of {MAX_TOTAL_BYTES:,}")
    data = path.read_bytes()
    if is_xlsx(data):
        return xlsx_tables(data, "", path, _Budget())
    if data.startswith(b"PK"):
        return zip_tables(data, path, warn)
    if path.suffix.lower() in UNSUPPORTED or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ParseError(
            path, "an XLS/OLE workbook: only CSV, XLSX or ZIP of CSV parts are supported"
        )
    if b"\x00" in data[:4096]:
        raise ParseError(path, "binary content, not a CSV table")
    return [csv_table(data, "", "", warn)]
