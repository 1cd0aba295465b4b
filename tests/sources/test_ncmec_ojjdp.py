"""ncmec_ojjdp: every yearly total of the curated file, and the own fixture."""

from datetime import date

import pytest

from tests.conftest import FIXTURES, reference_figures, shared_file
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source
from transparency.harmonisation import registries
from transparency.harmonisation.normalise import Context, normalise
from transparency.reading.records import ParseError

SOURCE = get_source("ncmec_ojjdp")


def test_real_file_gives_every_reference_total():
    result = parse_file(
        SOURCE, shared_file("real/platforms/curated-diaphanous/ocse-reports-per-year.csv")
    )
    by_year = {r.period_start.year: r.value for r in result.records}
    assert len(result.records) == 26 and min(by_year) == 1998 and max(by_year) == 2023
    refs = reference_figures(lambda r: "ocse-reports-per-year" in r["source_note"])
    assert len(refs) == 26
    for ref in refs:
        year = date.fromisoformat(ref["period_start"]).year
        assert ref["period_end"] == f"{year}-12-31"
        assert by_year[year] == float(ref["value"]), ref


def test_fixture_normalises_to_ncmec_totals():
    result = parse_file(SOURCE, FIXTURES / "ncmec_ojjdp" / "sample.csv")
    rows, findings = normalise(
        result.records,
        registries.load(),
        Context("ncmec_ojjdp", "NCMEC", "x", date(2024, 10, 22), "sample.csv"),
    )
    assert findings == []
    got = {
        (r["platform"], r["service"], r["period_label"], r["metric"], r["policy_area"], r["value"])
        for r in rows
    }
    assert got == {
        (
            "cybertipline_all",
            "all",
            "2023",
            "cybertipline_reports_received",
            "protection_of_minors.child_sexual_exploitation",
            36_210_368,
        ),
        (
            "cybertipline_all",
            "all",
            "2022",
            "cybertipline_reports_received",
            "protection_of_minors.child_sexual_exploitation",
            32_059_029,
        ),
        (
            "cybertipline_all",
            "all",
            "2019",
            "cybertipline_reports_received",
            "protection_of_minors.child_sexual_exploitation",
            16_987_361,
        ),
        (
            "cybertipline_all",
            "all",
            "1998",
            "cybertipline_reports_received",
            "protection_of_minors.child_sexual_exploitation",
            4_560,
        ),
    }


def test_not_a_year_is_a_clean_error(tmp_path):
    bad = tmp_path / "totals.csv"
    bad.write_text("year,reports\n2023-Q1,5\n")
    with pytest.raises(ParseError, match=r"totals.csv, line 2: '2023-Q1' is not a year"):
        parse_file(SOURCE, bad)
