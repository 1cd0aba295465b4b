"""DuckDB and Spark produce identical sor_daily rows and rejects on the same generated days."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import FIXTURES
from tests.sor.helpers import daily_rows, query
from transparency.build.compose import build
from transparency.sor import synth
from transparency.sor.ingest import Options, ingest

pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    out = tmp_path_factory.mktemp("engines")
    v1 = synth.generate(
        out / "v1",
        date(2024, 9, 5),
        1_500,
        seed=21,
        malformed_share=0.02,
        broken_share=0.004,
        zip_ids=599,
        part_ids=199,
    )
    v2 = synth.generate(
        out / "v2", date(2025, 7, 2), 600, seed=22, malformed_share=0.01, zip_ids=599, part_ids=199
    )
    real = synth.write_dump(
        out / "real",
        date(2024, 9, 12),
        [[(FIXTURES / "dsa_tdb_dumps" / "sor-v1-real-rows.csv").read_bytes()]],
    )
    assert v1.broken > 0 and v1.malformed > 0
    return [v1.zip_path, v2.zip_path, real]


def _warehouse(tmp_path, monkeypatch, engine, paths_):
    home = tmp_path / engine
    monkeypatch.setenv("TRANSPARENCY_HOME", str(home))
    recs = [ingest(p, Options(engine=engine)) for p in paths_]
    db = build().db
    return recs, db


def test_engines_agree_row_for_row(tmp_path, monkeypatch, days):
    duck, db_duck = _warehouse(tmp_path, monkeypatch, "duckdb", days)
    spark, db_spark = _warehouse(tmp_path, monkeypatch, "spark", days)
    assert [(r.rows, r.rejects, r.schema_version, r.parts) for r in duck] == [
        (r.rows, r.rejects, r.schema_version, r.parts) for r in spark
    ]
    assert duck[0].rejects > 0  # the day with malformed and broken rows
    assert daily_rows(db_duck) == daily_rows(db_spark)
    sql = "SELECT file, line, reason, raw FROM sor_rejects ORDER BY ALL"
    assert query(db_duck, sql) == query(db_spark, sql)
    assert len(query(db_duck, sql)) == duck[0].rejects
    engines = query(db_spark, "SELECT DISTINCT engine FROM sor_files")
    assert engines == [("spark",)]
