"""dsa_tdb_summary: shantay's summary statistics of the DSA Transparency Database read into the
long table date, service, field, code, statements; the fetch takes the Parquet out of the wheel
after checking the wheel's sha256 (offline, pytest-httpx serving a wheel built here)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date

import duckdb
import pytest

from scrapers import dsa_tdb_summary as src
from tests.conftest import FIXTURES, shared_file
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError

SAMPLE = FIXTURES / "dsa_tdb_summary" / "summary-sample.parquet"
REAL = "real/dsa/tdb_summary_statistics/shantay-0.6.0-builtin.parquet"
MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"


def rows(table) -> set[tuple]:
    return {
        (r["date"], r["service"], r["field"], r["code"], r["statements"]) for r in table.to_pylist()
    }


def test_fixture_long_table_as_counted():
    got = rows(src.parse_platform_daily(SAMPLE))
    d1, d2 = date(2025, 7, 1), date(2025, 7, 2)
    assert (d1, "TikTok", "total", None, 1000) in got
    assert (d1, "TikTok", "category", MINORS, 600) in got
    assert (d2, "TikTok", "category", MINORS, 1500) in got
    assert (d1, "TikTok", "keyword", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", 50) in got
    assert (d1, "TikTok", "decision_visibility", None, 200) in got  # no visibility decision
    assert (d1, "TikTok", "automated_detection", "Yes", 900) in got
    assert (d2, "TikTok", "territorial_scope", "EEA", 2000) in got
    assert (d1, "Sample Video", "category", MINORS, 10) in got
    # skipped: whole-database rows, entity rows (elements, with_end_date, decision_type),
    # columns outside the contract (content_language)
    assert {r[2] for r in got} <= set(src.FIELDS.values())
    assert not any(r[1] is None for r in got)
    assert (d1, "TikTok", "decision_visibility", "DECISION_VISIBILITY_OTHER", 5) not in got
    assert len(got) == 18


def wheel(parquet: bytes, member: str = src.MEMBER) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("shantay/__init__.py", "")
        zf.writestr(member, parquet)
        zf.writestr("shantay-0.6.0.dist-info/METADATA", "Name: shantay\nVersion: 0.6.0\n")
    return buf.getvalue()


def test_a_wheel_reads_as_its_parquet(tmp_path):
    whl = tmp_path / "shantay-0.6.0-py3-none-any.whl"
    whl.write_bytes(wheel(SAMPLE.read_bytes()))
    assert rows(src.parse_platform_daily(whl)) == rows(src.parse_platform_daily(SAMPLE))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.csv", b"date,count\n2025-07-01,3\n"),
        ("other.whl", None),  # a wheel without shantay/builtin.parquet
    ],
)
def test_other_files_are_refused(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if data is not None else wheel(b"x", member="other/file.txt"))
    with pytest.raises(ParseError):
        src.parse(path)


def test_a_parquet_of_another_layout_is_refused(tmp_path):
    path = tmp_path / "other.parquet"
    duckdb.sql(f"COPY (SELECT 1 AS a) TO '{path}' (FORMAT parquet)")
    with pytest.raises(ParseError, match="not shantay summary statistics"):
        src.parse_platform_daily(path)


def client() -> PoliteClient:
    return PoliteClient(
        allowed_hosts=src.SOURCE.hosts, policy=FetchPolicy(min_interval=0), sleep=lambda s: None
    )


@pytest.mark.httpx_mock(assert_all_responses_were_requested=False)
def test_fetch_checks_the_wheel_and_stores_the_parquet(httpx_mock, tmp_path, monkeypatch):
    body = wheel(SAMPLE.read_bytes())
    monkeypatch.setattr(src, "WHEEL_SHA256", hashlib.sha256(body).hexdigest())
    httpx_mock.add_response(url="https://files.pythonhosted.org/robots.txt", status_code=404)
    httpx_mock.add_response(
        url=src.WHEEL_URL, content=body, headers={"Content-Type": "binary/octet-stream"}
    )
    store = SnapshotStore(tmp_path / "store")
    with client() as c:
        (out,) = src.fetch(c, store)
    assert out.status == "new", out.message
    snap = out.snapshot
    assert snap.source_id == "dsa_tdb_summary" and snap.url == src.WHEEL_URL
    assert store.path_for(snap.sha256).read_bytes() == SAMPLE.read_bytes()
    assert snap.extra["wheel_sha256"] == hashlib.sha256(body).hexdigest()
    assert rows(src.parse_platform_daily(store.path_for(snap.sha256))) == rows(
        src.parse_platform_daily(SAMPLE)
    )


@pytest.mark.httpx_mock(assert_all_responses_were_requested=False)
def test_fetch_refuses_a_wheel_whose_sha256_differs(httpx_mock, tmp_path):
    httpx_mock.add_response(url="https://files.pythonhosted.org/robots.txt", status_code=404)
    httpx_mock.add_response(url=src.WHEEL_URL, content=wheel(SAMPLE.read_bytes()))
    store = SnapshotStore(tmp_path / "store")
    with client() as c:
        (out,) = src.fetch(c, store)
    assert out.status == "failed" and "sha256" in out.message
    assert list(store) == []


def test_the_real_file_every_day_and_the_protection_of_minors_totals():
    path = shared_file(REAL)
    table = src.parse_platform_daily(path)
    con = duckdb.connect()
    con.register("t", table)
    (days, services) = con.execute(
        "SELECT count(DISTINCT date), count(DISTINCT service) FROM t"
    ).fetchone()
    assert days == 839
    # the same figures straight from the file, computed independently of the parser
    expect = dict(
        con.execute(
            """SELECT platform, sum("count") FROM read_parquet(?)
               WHERE "column" = 'category' AND variant = ? AND entity IS NULL GROUP BY 1""",
            [str(path), MINORS],
        ).fetchall()
    )
    got = dict(
        con.execute(
            "SELECT service, sum(statements) FROM t WHERE field = 'category' AND code = ? GROUP BY 1",
            [MINORS],
        ).fetchall()
    )
    assert got == expect
    assert got["TikTok"] == 60_063_791 and got["Discord"] == 9_708_267  # as the shared README says
    assert (
        services
        == con.execute(
            "SELECT count(DISTINCT platform) FROM read_parquet(?)", [str(path)]
        ).fetchone()[0]
    )
    (total,) = con.execute("SELECT sum(statements) FROM t WHERE field = 'total'").fetchone()
    (rows_total,) = con.execute(
        """SELECT sum("count") FROM read_parquet(?) WHERE "column" = 'total_rows'""", [str(path)]
    ).fetchone()
    assert total == rows_total
