"""The build step sor_platform_daily: the embedded extract (data/sor) gives every day and platform
of shantay's summary statistics; a store snapshot of a source wins over the extract; the official
counts are reconciled with the dumps; the cross-check sets statements beside the harmonised
reports; the report lists give the timeliness of DSA reports."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES, shared_file
from tests.dashboard_fixture import build_default_warehouse, home_env
from transparency.acquisition.store import SnapshotStore
from transparency.build.compose import build

CONTRACT = ["date", "platform", "service", "field", "code", "statements", "source_id"]
MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
REAL = "real/dsa/tdb_summary_statistics/shantay-0.6.0-builtin.parquet"


@pytest.fixture(scope="module")
def default_db(tmp_path_factory) -> Path:
    return build_default_warehouse(tmp_path_factory.mktemp("sorpd"))


def sql(db: Path, query: str, *params) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query, list(params)).fetchall()


def test_contract_columns(default_db):
    cols = [r[0] for r in sql(default_db, "DESCRIBE sor_platform_daily")]
    assert cols == CONTRACT
    fields = {r[0] for r in sql(default_db, "SELECT DISTINCT field FROM sor_platform_daily")}
    assert fields == {
        "total",
        "category",
        "keyword",
        "decision_visibility",
        "decision_account",
        "decision_provision",
        "decision_monetary",
        "decision_ground",
        "content_type",
        "source_type",
        "automated_detection",
        "automated_decision",
        "territorial_scope",
    }
    assert sql(default_db, "SELECT DISTINCT source_id FROM sor_platform_daily") == [
        ("dsa_tdb_summary",)
    ]
    # printed names and registry ids
    assert ("TikTok", "tiktok") in sql(
        default_db, "SELECT DISTINCT service, platform FROM sor_platform_daily"
    )
    assert ("Facebook", "meta") in sql(
        default_db, "SELECT DISTINCT service, platform FROM sor_platform_daily"
    )


def test_embedded_default_covers_every_day_and_equals_the_parquet(default_db):
    ((days, lo, hi),) = sql(
        default_db, "SELECT count(DISTINCT date), min(date), max(date) FROM sor_platform_daily"
    )
    assert days == 839 and str(lo) == "2023-09-25" and str(hi) == "2026-01-10"
    ((got,),) = sql(
        default_db,
        "SELECT sum(statements) FROM sor_platform_daily WHERE service = 'TikTok' "
        "AND field = 'category' AND code = ?",
        MINORS,
    )
    path = shared_file(REAL)  # the figure computed from the published file itself
    (expect,) = duckdb.execute(
        """SELECT sum("count") FROM read_parquet(?) WHERE platform = 'TikTok'
           AND "column" = 'category' AND entity IS NULL AND variant = ?""",
        [str(path), MINORS],
    ).fetchone()
    assert got == expect
    (platforms,) = duckdb.execute(
        "SELECT count(DISTINCT platform) FROM read_parquet(?)", [str(path)]
    ).fetchone()
    assert sql(default_db, "SELECT count(DISTINCT service) FROM sor_platform_daily") == [
        (platforms,)
    ]


def test_provenance_of_the_extract(default_db):
    rows = sql(default_db, "SELECT source_id, sha256, url, origin FROM sor_sources ORDER BY 1")
    summary = [r for r in rows if r[0] == "dsa_tdb_summary"]
    assert summary == [
        (
            "dsa_tdb_summary",
            "2b255dd2d749744ca50704b55cc1bcd6910b3a9c4cbd0402549a1f71b36fb883",
            "https://files.pythonhosted.org/packages/69/1b/e68364735fadbc90c27efe71d83c735989c0b1d65e91e3a0038ae29030e7/shantay-0.6.0-py3-none-any.whl",
            "embedded",
        )
    ]
    assert sql(default_db, "SELECT count(*) FROM snapshots WHERE sha256 = ?", summary[0][1]) == [
        (1,)
    ]


def test_reconciliation_of_the_official_counts(default_db):
    ((n, differ, both),) = sql(
        default_db,
        "SELECT count(*), count(*) FILTER (WHERE difference <> 0), count(dump_statements) "
        "FROM sor_reconciliation",
    )
    assert (n, both) == (686, 686)
    # computed from the two published files directly
    counts = {
        r["date"]: int(r["sors_download_table"])
        for r in csv.DictReader(
            shared_file("real/dsa/sor_daily_volumes/sor_daily_volumes.csv").open()
        )
    }
    dump = dict(
        duckdb.execute(
            """SELECT strftime(start_date, '%Y-%m-%d'), sum("count") FROM read_parquet(?)
               WHERE "column" = 'total_rows' GROUP BY 1""",
            [str(shared_file(REAL))],
        ).fetchall()
    )
    assert differ == sum(1 for d, v in counts.items() if dump[d] != v) == 184
    ((official, in_dump),) = sql(
        default_db,
        "SELECT official_statements, dump_statements FROM sor_reconciliation WHERE date = '2023-10-18'",
    )
    assert (official, in_dump) == (61_628_236, 61_650_861)  # the shared README's example
    findings = sql(
        default_db, """SELECT count(*) FROM findings WHERE "check" = 'sor_official_count'"""
    )
    assert findings == [(184,)]


def test_cross_check_with_the_harmonised_reports(default_db):
    rows = sql(
        default_db,
        """SELECT report_value, sor_statements, ratio, sor_days, period_days, report_source_url,
                  sor_source_url
           FROM sor_report_crosscheck WHERE platform = 'tiktok' AND service = 'tiktok'
             AND measure = 'own-initiative decisions' AND period_start = '2025-07-01'""",
    )
    ((report, sor, ratio, days, period_days, rurl, surl),) = rows
    ((own,),) = sql(
        default_db,
        """SELECT sum(value) FROM current_observations WHERE source_id = 'dsa_harmonised_reports'
           AND platform = 'tiktok' AND service = 'tiktok' AND scope = 'EU' AND policy_area = 'all'
           AND metric IN ('dsa_own_initiative_tc_measures', 'dsa_own_initiative_illegal_measures')""",
    )
    ((voluntary,),) = sql(
        default_db,
        """SELECT sum(statements) FROM sor_platform_daily WHERE service = 'TikTok'
           AND field = 'source_type' AND code = 'SOURCE_VOLUNTARY'
           AND date BETWEEN '2025-07-01' AND '2025-12-31'""",
    )
    assert report == own == 258_691_522  # TikTok's H2 2025 report, Annex I table 6 total
    assert sor == voluntary and ratio == pytest.approx(voluntary / own)
    assert period_days == 184 and 0 < days <= 184
    assert rurl.startswith("https://") and surl.startswith("https://files.pythonhosted.org/")


def test_report_lists_and_timeliness(default_db):
    snap = sql(
        default_db,
        "SELECT capture, count(*) FROM dsa_report_list WHERE service = 'Snapchat' GROUP BY 1 ORDER BY 1",
    )
    assert [str(c) for c, _ in snap] == ["2025-10-05", "2025-11-30"]
    tiktok = sql(
        default_db,
        """SELECT period_start, period_end, due, timeliness FROM dsa_report_timeliness
           WHERE service = 'TikTok' AND kind = 'transparency report' ORDER BY period_start""",
    )
    got = {(str(a), str(b), str(c)) for a, b, c, _ in tiktok}
    assert ("2025-01-01", "2025-06-30", "2025-08-31") in got  # due two months after the end
    assert ("2024-07-01", "2024-12-31", "2025-02-28") in got
    assert {t for *_, t in tiktok} == {"publication date not printed"}


def test_a_store_snapshot_wins_over_the_extract(tmp_path):
    home = tmp_path / "home"
    store = SnapshotStore(home / "store")
    store.put_file(
        FIXTURES / "dsa_tdb_summary" / "summary-sample.parquet",
        source_id="dsa_tdb_summary",
        url="https://files.pythonhosted.org/packages/x/shantay-9.9.9-py3-none-any.whl",
        retrieved_at="2026-02-01T00:00:00Z",
    )
    store.put_file(
        FIXTURES / "dsa_tdb_daily_counts" / "conversion_results_sample.md",
        source_id="dsa_tdb_daily_counts",
        url="https://raw.githubusercontent.com/x/conversion_results.md",
        retrieved_at="2026-02-01T00:00:00Z",
    )
    with home_env(home):
        db = build(home / "warehouse.duckdb", store=store, force=True).db
    assert sql(
        db,
        "SELECT count(DISTINCT date), sum(statements) FILTER (WHERE field = 'total') FROM sor_platform_daily",
    ) == [(2, 3010)]
    assert sql(
        db, "SELECT DISTINCT origin FROM sor_sources WHERE source_id = 'dsa_tdb_summary'"
    ) == [("store",)]
    assert ("Sample Video", None) in sql(db, "SELECT service, platform FROM sor_services")
    rec = sql(
        db,
        "SELECT strftime(date, '%Y-%m-%d'), official_statements, dump_statements, difference FROM sor_reconciliation ORDER BY 1",
    )
    assert rec == [
        ("2025-07-01", 3_000_000, 1010, 1010 - 3_000_000),
        ("2025-07-02", 2_000_000, 2000, 2000 - 2_000_000),
        ("2025-07-03", 1_000_500, None, None),
    ]
    ((minors,),) = sql(db, "SELECT sum(minors) FROM sor_service_daily WHERE service = 'TikTok'")
    assert minors == 2100
