"""Reading PDFs with pdfplumber: a damaged file becomes a ParseError naming it, never a crash.

pdfminer and pdfplumber raise many kinds of exception on a malformed structure (syntax errors,
EOF, zlib errors, and plain TypeError/KeyError from deep inside). Any exception raised inside
those libraries while a parser reads the file is damage in the file, not a bug of the parser.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from transparency.reading.records import ParseError

_LIBRARIES = ("/pdfminer/", "/pdfplumber/", "/pypdf/", "/pypdfium2/")


def raised_in_pdf_library(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and any(lib in frames[-1].filename for lib in _LIBRARIES)


@contextmanager
def open_pdf(path: Path) -> Iterator[Any]:
    """``with open_pdf(path) as pdf:`` — a pdfplumber PDF; damage anywhere inside is a ParseError."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            yield pdf
    except ParseError:
        raise
    except Exception as exc:
        if raised_in_pdf_library(exc) or type(exc).__module__.startswith(
            ("pdfminer", "pdfplumber")
        ):
            raise ParseError(path, f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
        raise
