r"""The dumps' CSV dialect: PHP ``fputcsv`` output, the backslash-quote repair, one record per line.

The exporter writes every cell with PHP ``fputcsv`` and its default escape character ``\``: a
``"`` is doubled *unless a backslash precedes it*. Platforms submit literal ``\"`` sequences, so
cells such as ``""\"#1\"`` appear that no RFC-4180 reader accepts (upstream issue #454).
Replacing every ``\"`` by ``\""`` is the exact inverse of that writer rule for every value except
one that *ends* with a backslash, and turns the dump into RFC 4180 (:func:`repair`).

The exporter also replaces newlines in free text by spaces, so a record is one physical line.
:func:`parse_line` is the canonical reading of a line, shared by every engine: RFC 4180 after the
repair, all quotes closed on the line, exactly as many fields as the header. Anything else is a
reject with a reason; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import re

_BS_QUOTE = b'\\"'
_BS_QUOTE2 = b'\\""'
_SPACE_AFTER_QUOTE = re.compile(r'"[ \t]+(?=,|$)')
_NEEDS_QUOTES = re.compile(r'[,"\\\n\r\t ]')
_UNESCAPED_QUOTE = re.compile(r'(?<!\\)"')


def repair(chunk: bytes) -> bytes:
    """Turn PHP-escaped ``\\"`` into RFC-4180 ``\\""`` (callers keep a trailing ``\\`` for later)."""
    return chunk.replace(_BS_QUOTE, _BS_QUOTE2)


def unrepair(text: str) -> str:
    """The line as it stood in the dump (inverse of :func:`repair`), for the rejects table."""
    return text.replace('\\""', '\\"')


class Repairer:
    """Streaming :func:`repair`: a backslash at a chunk's end waits for the next chunk."""

    def __init__(self) -> None:
        self._carry = b""

    def feed(self, chunk: bytes) -> bytes:
        data = self._carry + chunk if self._carry else chunk
        if data.endswith(b"\\"):
            self._carry, data = data[-1:], data[:-1]
        else:
            self._carry = b""
        if data.find(b"\\") < 0:  # memchr: most chunks hold no backslash at all
            return data
        return data.replace(_BS_QUOTE, _BS_QUOTE2)

    @property
    def pending(self) -> bool:
        return bool(self._carry)

    def flush(self) -> bytes:
        data, self._carry = self._carry, b""
        return data


def php_field(value: str | None) -> str:
    """One cell exactly as PHP ``fputcsv($f, $row)`` writes it (escape character ``\\``).

    PHP quotes a cell holding a comma, quote, backslash, CR, LF, tab or space, and doubles every
    ``"`` that does not directly follow a backslash.
    """
    if not value:
        return ""
    if not _NEEDS_QUOTES.search(value):
        return value
    return '"' + _UNESCAPED_QUOTE.sub('""', value) + '"'


def php_row(values: list[str | None]) -> str:
    return ",".join(php_field(v) for v in values)


def parse_line(line: str, n_fields: int) -> list[str] | str:
    """Fields of one repaired line, or the reason it is rejected."""
    try:
        fields = next(csv.reader((line,), strict=True))
    except csv.Error as exc:
        msg = str(exc)
        if "expected after" in msg:  # DuckDB tolerates blanks between a closing quote and a comma
            try:
                fields = next(csv.reader((_SPACE_AFTER_QUOTE.sub('"', line),), strict=True))
            except csv.Error:
                return "text after a closing quote" + _hint(line)
        elif "unexpected end of data" in msg:
            return "unterminated quoted field" + _hint(line)
        elif "new-line" in msg:
            return "carriage return in an unquoted field"
        else:
            return f"unreadable CSV line: {msg}"
    except StopIteration:
        return "empty line"
    if len(fields) != n_fields:
        return f"expected {n_fields} fields, found {len(fields)}" + _hint(line)
    return fields


def _hint(line: str) -> str:
    if '\\""' in line:
        return " (a cell ending with a backslash? PHP fputcsv leaves its closing quote unescaped)"
    return ""


def split_lines(data: str) -> list[str]:
    """Physical lines of a part (the exporter ends the last line without a newline)."""
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
