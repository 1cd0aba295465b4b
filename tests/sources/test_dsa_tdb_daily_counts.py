"""dsa_tdb_daily_counts: the official count of statements per day, from the markdown table of
eu-dsa-transparency-db-sor-data-downloader, its CSV form, and the project's own extract."""

from __future__ import annotations

from datetime import date

import pytest

from scrapers import dsa_tdb_daily_counts as src
from tests.conftest import FIXTURES, shared_file
from transparency.reading.records import ParseError

HERE = FIXTURES / "dsa_tdb_daily_counts"


def by_day(counts) -> dict:
    return {c.date: (c.official, c.converted) for c in counts}


def test_fixture_markdown_table():
    counts = src.parse_daily_counts(HERE / "conversion_results_sample.md")
    assert by_day(counts) == {
        date(2025, 7, 1): (3_000_000, 3_000_000),  # "=": as many rows as the official count
        date(2025, 7, 2): (2_000_000, 1_999_975),
        date(2025, 7, 3): (1_000_500, 1_000_500),
    }
    assert counts[0].row == "line 5"


def test_fixture_extract_csv():
    counts = by_day(src.parse_daily_counts(HERE / "daily_counts_sample.csv"))
    assert counts[date(2025, 7, 2)] == (2_000_000, 1_999_975)
    assert counts[date(2025, 7, 3)] == (1_000_500, None)


def test_a_day_printed_twice_is_an_error(tmp_path):
    p = tmp_path / "twice.csv"
    p.write_text("date,official_statements,downloader_rows\n2025-07-01,1,\n2025-07-01,2,\n")
    with pytest.raises(ParseError, match="printed twice"):
        src.parse_daily_counts(p)


def test_anything_else_is_refused(tmp_path):
    p = tmp_path / "page.md"
    p.write_text("# Nothing here\n\nNo table.\n")
    with pytest.raises(ParseError, match="no daily counts"):
        src.parse(p)


def test_the_real_counts():
    md = src.parse_daily_counts(shared_file("real/dsa/sor_daily_volumes/conversion_results.md"))
    csv = src.parse_daily_counts(shared_file("real/dsa/sor_daily_volumes/sor_daily_volumes.csv"))
    assert by_day(md) == by_day(csv)
    days = by_day(md)
    assert len(days) == 686 and min(days) == date(2023, 9, 25) and max(days) == date(2025, 8, 10)
    assert sum(v[0] for v in days.values()) == 33_496_743_622
    assert days[date(2024, 6, 26)][0] == 55_225_872  # = the Research API docs' example
    assert days[date(2023, 11, 5)][0] == 7_143_981  # = the University of Bremen one-day study
    assert days[date(2025, 7, 1)][0] == 17_605_854
    assert days[date(2025, 8, 10)] == (17_366_404, 17_366_717)
