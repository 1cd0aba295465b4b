"""DuckDB and Spark produce identical sor_daily rows and rejects on the same generated days, and
the DuckDB engine's own fast path (not its Python fallback) is what agrees with Spark: every part's
path is asserted (``stats["part_modes"]``)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import FIXTURES, require_spark
from tests.sor.helpers import daily_rows, query
from transparency.build.compose import build
from transparency.sor import synth
from transparency.sor.archive import DumpReader
from transparency.sor.ingest import Options, ingest

pytestmark = pytest.mark.spark

FAST = "duckdb"  # DuckDB read the part alone, and its reading was proved complete
FALLBACKS = ("duckdb+rejects", "python:line-count", "python:duckdb-error")


@pytest.fixture(autouse=True)
def _spark_ready():
    require_spark()  # skips saying why (fails under CI=true) without pyspark or a JVM


def broken_parts(zip_path) -> dict[str, bool]:
    """Part label -> whether the part holds a line no reader can take (the generator's broken
    cell, or a line the project's real-row fixture marks as such); found by text, not by the engine."""
    out: dict[str, bool] = {}
    with DumpReader(zip_path) as reader:
        for part in reader.dump.parts:
            data = b"".join(reader.stream(part))
            label = f"{zip_path.name}/{part.label}"
            out[label] = synth.BROKEN_TEXT.encode() in data
    return out


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
    # which path each part took: the fast path on every clean part of the generated days, a
    # fallback only on the parts that hold a broken line
    for rec, zip_path in zip(duck[:2], days[:2], strict=True):
        modes, broken = rec.stats["part_modes"], broken_parts(zip_path)
        assert sorted(modes) == sorted(broken) and len(modes) == rec.parts
        for label, mode in modes.items():
            assert mode in FALLBACKS if broken[label] else mode == FAST, (label, mode)
    assert any(broken_parts(days[0]).values())  # day 1 really exercises the fallback
    assert list(duck[1].stats["part_modes"].values()).count(FAST) == duck[1].parts


def test_duckdb_fast_path_equals_spark_on_clean_input(tmp_path, monkeypatch):
    """Clean input (no malformed or broken row, several parts): every part is read by DuckDB's
    fast path alone, and the result equals Spark's, count for count, with no reject."""
    clean = synth.generate(
        tmp_path / "clean", date(2025, 3, 4), 2_400, seed=31, zip_ids=999, part_ids=299
    )
    duck, db_duck = _warehouse(tmp_path, monkeypatch, "duckdb", [clean.zip_path])
    spark, db_spark = _warehouse(tmp_path, monkeypatch, "spark", [clean.zip_path])
    (d,), (sp,) = duck, spark
    assert d.parts >= 4 and d.parts == sp.parts
    assert set(d.stats["part_modes"].values()) == {FAST}
    assert d.stats.get(f"parts_{FAST}") == d.parts
    assert d.rows == sp.rows == 2_400 and d.rejects == sp.rejects == 0
    assert daily_rows(db_duck) == daily_rows(db_spark) != []
