"""The HTML-table and Google-JSON helpers the web sources share."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from transparency.reading import xssi
from transparency.reading.htmltables import read_tables


def test_tables_with_thead_first_row_headers_and_nesting():
    soup = BeautifulSoup(
        """
      <h2>Europe</h2>
      <table><caption>By rule</caption>
        <thead><tr><th>Group</th></tr><tr><th>Rule</th><th>Removed</th></tr></thead>
        <tbody><tr><td>Spam</td><td> 1,234 </td></tr><tr><td></td><td></td></tr></tbody></table>
      <h3>Totals</h3>
      <table><tr><th>All</th></tr><tr><td>5
         <table><tr><th>inner</th></tr><tr><td>9</td></tr></table></td></tr></table>""",
        "lxml",
    )
    first, second, inner = read_tables(soup)
    assert (first.heading, first.caption, first.header, first.rows) == (
        "Europe",
        "By rule",
        ["Rule", "Removed"],
        [["Spam", "1,234"]],
    )
    assert (second.heading, second.header, second.where) == ("Totals", ["All"], "table 2")
    assert second.rows == [
        ["5 inner 9"]
    ]  # text of the cell, nested table included; its rows are its own
    assert (inner.header, inner.rows) == (["inner"], [["9"]])


def test_xssi_guard_is_required_and_stripped():
    assert xssi.loads(b')]}\'\n\n[["a",1]]') == [["a", 1]]
    assert xssi.loads('\ufeff  )]}\'\n{"b": 2}') == {"b": 2}
    with pytest.raises(xssi.XssiError, match="guard"):
        xssi.loads(b'[["a",1]]')
    with pytest.raises(xssi.XssiError, match="not JSON"):
        xssi.loads(b")]}'\n[1,")
