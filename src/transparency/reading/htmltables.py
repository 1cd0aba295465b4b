"""Tables out of HTML pages, with the heading they stand under.

Transparency pages print their figures in ``<table>`` elements under section headings; scrapers
need the header row, the body rows as text, and the nearest heading (which often names the policy
or the region). Cell text is whitespace-normalised and otherwise kept as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from transparency.reading.records import ParseError

HEADINGS = ("h1", "h2", "h3", "h4", "h5")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def soup_of(path: Path, html: str | bytes | None = None) -> BeautifulSoup:
    """A page parsed with lxml; control characters (which lxml refuses) are dropped and any
    parser failure becomes a ParseError naming the file."""
    raw = Path(path).read_bytes() if html is None else html
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    try:
        return BeautifulSoup(_CONTROL.sub("", text), "lxml")
    except (ValueError, TypeError) as exc:
        raise ParseError(path, f"not a readable HTML page ({exc})") from exc


def text_of(el: Tag | None) -> str:
    """Visible text of an element, whitespace collapsed."""
    return " ".join(el.get_text(" ").split()) if el is not None else ""


def heading_before(el: Tag) -> str:
    """Text of the nearest heading before ``el`` in document order ("" if none)."""
    return text_of(el.find_previous(HEADINGS))


@dataclass
class HtmlTable:
    index: int  # 1-based position among the page's tables
    heading: str  # the nearest heading before the table
    caption: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    element: Tag | None = field(default=None, repr=False)

    @property
    def where(self) -> str:
        return f"table {self.index}"


def _cells(tr: Tag) -> list[Tag]:
    return tr.find_all(["th", "td"], recursive=False)


def read_tables(soup: BeautifulSoup) -> list[HtmlTable]:
    """Every table: header row (``thead``, or a first row of ``th`` cells) and body rows."""
    tables = []
    for i, table in enumerate(soup.find_all("table"), start=1):
        trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        header: list[str] = []
        thead = table.find("thead")
        if thead is not None and thead.find_parent("table") is table:
            head_rows = [tr for tr in trs if tr.find_parent("thead") is thead]
            if head_rows:
                header = [text_of(c) for c in _cells(head_rows[-1])]
            trs = [tr for tr in trs if tr.find_parent("thead") is not thead]
        elif trs and all(c.name == "th" for c in _cells(trs[0])):
            header = [text_of(c) for c in _cells(trs[0])]
            trs = trs[1:]
        rows = [[text_of(c) for c in _cells(tr)] for tr in trs]
        tables.append(
            HtmlTable(
                i,
                heading_before(table),
                text_of(table.find("caption")),
                header,
                [r for r in rows if any(r)],
                table,
            )
        )
    return tables
