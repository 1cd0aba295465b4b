"""The dumps' CSV dialect: PHP fputcsv, the backslash-quote repair, the 11 real rows that break
strict readers, and the canonical line reader shared by both engines."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES, shared_file
from transparency.sor import columns as C
from transparency.sor.csvtext import Repairer, parse_line, php_field, repair, unrepair
from transparency.sor.parts import parse_part

REAL_ROWS = "real/dsa/sor_sample_rows/sor_v1_rows_from_conversion_error_log.csv"

# uuid prefix -> (platform_name, category, keywords JSON, automated_detection, created_at), as read
EXPECTED = {
    "eb40d5a8": (
        "Chrome Web Store",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "",
        "Yes",
        "2024-08-29 16:28:38",
    ),
    "0a95113e": (
        "Google Play",
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        '["KEYWORD_OTHER"]',
        "No",
        "2024-08-30 10:48:47",
    ),
    "8c407f37": (
        "Chrome Web Store",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "",
        "Yes",
        "2024-08-31 10:25:42",
    ),
    "55442b73": (
        "Chrome Web Store",
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        "",
        "Yes",
        "2024-09-04 10:31:38",
    ),
    "69b13cb1": (
        "Google Shopping",
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        "",
        "Yes",
        "2024-09-05 10:50:23",
    ),
    "dcbbc65a": (
        "Chrome Web Store",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "",
        "Yes",
        "2024-09-06 10:23:18",
    ),
    "15f70ee7": (
        "Chrome Web Store",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "",
        "Yes",
        "2024-09-07 10:22:53",
    ),
    "f3416cb6": (
        "Chrome Web Store",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "",
        "Yes",
        "2024-09-12 16:19:44",
    ),
    "6fd8b2c4": (
        "Chrome Web Store",
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        "",
        "Yes",
        "2024-09-13 10:13:04",
    ),
    "798f0b1e": (
        "Chrome Web Store",
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        "",
        "Yes",
        "2024-09-14 10:18:00",
    ),
    "29f17782": (
        "AliExpress",
        "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS",
        "",
        "Yes",
        "2024-12-30 21:50:14",
    ),
}


def _read_all(path: Path) -> list[list[str] | str]:
    lines = repair(path.read_bytes()).decode("utf-8").split("\n")
    assert tuple(lines[0].split(",")) == C.FULL_V1
    return [parse_line(line, 37) for line in lines[1:] if line]


def _check(rows: list[list[str] | str], expected: dict) -> None:
    assert all(isinstance(r, list) for r in rows), [r for r in rows if isinstance(r, str)]
    got = {}
    for r in rows:
        d = dict(zip(C.FULL_V1, r, strict=True))
        got[d["uuid"][:8]] = (
            d["platform_name"],
            d["category"],
            d["category_specification"],
            d["automated_detection"],
            d["created_at"],
        )
    assert got == expected


def test_the_11_real_rows_all_parse_after_the_repair():
    """All 11 rows DuckDB's strict reader failed on parse into 37 fields: none is a reject."""
    path = shared_file(REAL_ROWS)
    rows = _read_all(path)
    assert len(rows) == 11
    _check(rows, EXPECTED)
    # The AliExpress row really holds \"Caution\" and literal \n sequences, kept as text
    ali = dict(zip(C.FULL_V1, rows[-1], strict=True))
    assert (
        '\\"Caution\\"' in ali["incompatible_content_explanation"]
        and "\\n" in ali["incompatible_content_explanation"]
    )


def test_the_real_rows_defeat_naive_readers():
    """Documented behaviour (guide s.6): Python's csv splits the AliExpress row into 49 fields and
    the 10 others into 37; DuckDB's strict reader rejects rows as written."""
    path = shared_file(REAL_ROWS)
    raw = path.read_text(encoding="utf-8").split("\n")
    widths = [len(next(csv.reader([line]))) for line in raw[1:] if line]
    assert widths == [37] * 10 + [49]
    cols = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in C.FULL_V1) + "}"
    sql = (
        f"SELECT count(platform_name) FROM read_csv('{path}', columns={cols}, header=true, auto_detect=false, "
        "quote='\"', escape='\"', strict_mode=true, store_rejects=true)"
    )
    with duckdb.connect() as con:
        accepted = con.execute(sql).fetchall()[0][0]
        rejected = con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchone()[0]
    assert accepted < 11 and accepted + rejected <= 11 and rejected > 0


def test_the_own_fixture_rows_parse_too():
    rows = _read_all(FIXTURES / "dsa_tdb_dumps" / "sor-v1-real-rows.csv")
    _check(rows, {k: EXPECTED[k] for k in ("eb40d5a8", "0a95113e", "f3416cb6", "29f17782")})


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain", "plain"),
        ("", ""),
        ("two words", '"two words"'),
        ('say "hi"', '"say ""hi"""'),
        ('- "\\"Free\\""', '"- ""\\"Free\\""""'),  # the Chrome Web Store pattern
        ('the word \\"Caution\\"', '"the word \\"Caution\\""'),  # the AliExpress pattern
        ("C:\\dir\\", '"C:\\dir\\"'),  # ends with a backslash: unreadable by anyone
        ('a\\\\"b', '"a\\\\"b"'),  # any backslash before a quote stops the doubling
    ],
)
def test_php_fputcsv_cells(value, written):
    assert php_field(value) == written


@pytest.mark.parametrize(
    "value",
    ['- "\\"Free\\""', 'the word \\"Caution\\" here', "x\\y", 'a "b" c', 'a\\\\"b', "\\", 'q"'],
)
def test_repair_reads_back_every_value_not_ending_in_a_backslash(value):
    line = ",".join(["x", php_field(value), php_field("two words")])
    fields = parse_line(repair(line.encode()).decode(), 3)
    if value.endswith("\\"):
        assert isinstance(fields, str)
    else:
        assert fields == ["x", value, "two words"]
        assert unrepair(repair(line.encode()).decode()) == line


def test_repairer_handles_a_backslash_split_across_chunks():
    data = b'a,"x \\"q\\" y",b\n' * 3
    for cut in range(1, len(data)):
        rep = Repairer()
        assert rep.feed(data[:cut]) + rep.feed(data[cut:]) + rep.flush() == repair(data)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('a,"b,c', "unterminated quoted field"),
        ('a,"b"x,c', "text after a closing quote"),
        ("a,b", "expected 3 fields, found 2"),
        ("a,b,c,d", "expected 3 fields, found 4"),
        ("a,b\rx,c", "carriage return in an unquoted field"),
    ],
)
def test_canonical_reader_rejects_with_a_reason(line, reason):
    got = parse_line(line, 3)
    assert isinstance(got, str) and got.startswith(reason)


def test_canonical_reader_tolerates_blanks_after_a_closing_quote_like_duckdb():
    assert parse_line('a,"b"  ,c', 3) == ["a", "b", "c"]


def test_parse_part_counts_rejects_and_line_numbers():
    header = ",".join(C.FULL_V1).encode()
    good = ",".join(
        [""] * 19 + ["STATEMENT_CATEGORY_VIOLENCE"] + [""] * 14 + ["TikTok", "1", "x"]
    ).encode()
    bad = good.replace(b"TikTok", b'"C:\\\\"')
    data = b"\n".join([header, good, bad, good, b"", b"a,b"])
    res = parse_part([data[:50], data[50:]], "p.csv")
    assert res.accepted == 2 and res.data_lines == 4
    assert [(r.line, r.reason.split(" (")[0]) for r in res.rejects] == [
        (3, "unterminated quoted field"),
        (6, "expected 37 fields, found 2"),
    ]
    assert res.rejects[0].raw == bad.decode()  # the line as it stood in the dump
