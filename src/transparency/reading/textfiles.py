"""Reading a raw file as text (or as a small CSV): undecodable bytes, a wrong header or a short row
are a ParseError naming the file and line, not a crash."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from transparency.reading.periods import Period, PeriodError, parse_period
from transparency.reading.records import ParseError


def read_text(path: Path, encoding: str = "utf-8-sig") -> str:
    """The whole file decoded (a UTF-8 BOM is dropped); ParseError when it is not such text."""
    return decode_text(Path(path).read_bytes(), path, encoding)


def decode_text(data: bytes, file: object, encoding: str = "utf-8-sig") -> str:
    """Bytes of ``file`` (a path, or a label such as ``release.zip/member.csv``) decoded."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(
            file,
            f"not {encoding.removesuffix('-sig').upper()} text (bad byte at offset {exc.start})",
        ) from exc


def csv_rows(path: Path, header: list[str]) -> Iterator[tuple[int, list[str]]]:
    """The data rows of a small CSV whose header is exactly ``header`` (case and spaces aside):
    (line number, stripped cells), blank lines skipped. A malformed file, another header or a row
    of another width is a ParseError naming the line, before any row is returned."""
    try:
        rows = list(csv.reader(io.StringIO(read_text(path), newline="")))
    except csv.Error as exc:
        raise ParseError(path, f"malformed CSV ({exc})") from exc
    if not rows or [h.strip().lower() for h in rows[0]] != header:
        raise ParseError(path, f"expected header {','.join(header)}", "line 1")
    out = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise ParseError(
                path, f"expected {len(header)} fields, found {len(row)}", f"line {line}"
            )
        out.append((line, [c.strip() for c in row]))
    return iter(out)


def year_of(path: Path, text: str, line: int) -> Period:
    """A cell that must be one calendar year ("2023"); anything else names the line."""
    try:
        period = parse_period(text)
    except PeriodError as exc:
        raise ParseError(path, str(exc), f"line {line}") from exc
    if period.granularity != "year":
        raise ParseError(path, f"{text!r} is not a year", f"line {line}")
    return period
