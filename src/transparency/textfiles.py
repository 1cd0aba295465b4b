"""Reading a raw file as text: undecodable bytes are a ParseError naming the file, not a crash."""

from __future__ import annotations

from pathlib import Path

from .records import ParseError


def read_text(path: Path, encoding: str = "utf-8-sig") -> str:
    """The whole file decoded (a UTF-8 BOM is dropped); ParseError when it is not such text."""
    data = Path(path).read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(
            path,
            f"not {encoding.removesuffix('-sig').upper()} text (bad byte at offset {exc.start})",
        ) from exc
