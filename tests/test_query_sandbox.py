"""The read-only SQL sandbox behind `transparency query` and the dashboard: reading statements over
the warehouse's own tables only, nothing read or written outside it, every DuckDB type printable."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from transparency.cli.main import app
from transparency.publishing import query as sandbox


@pytest.fixture
def tiny_db(tmp_path) -> Path:
    """A small warehouse-shaped DuckDB file (made up rows)."""
    db = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE TABLE observations AS SELECT * FROM (VALUES "
            "('meta', DATE '2024-01-01', 10.0), ('x', DATE '2024-07-01', 20.5)) "
            "t(platform, period_start, value)"
        )
        con.execute("CREATE VIEW current AS SELECT platform, value FROM observations")
    return db


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def one_error_line(res) -> str:
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.output
    return lines[0]


# ---------------------------------------------------------------- refused statements

REFUSED = [
    ("COPY", "COPY (SELECT 42) TO '{out}'"),
    ("COPY FROM", "COPY observations FROM '{out}'"),
    ("ATTACH", "ATTACH '{out}' AS other"),
    ("DETACH", "DETACH other"),
    ("INSTALL", "INSTALL httpfs"),
    ("LOAD", "LOAD httpfs"),
    ("SET", "SET threads = 1"),
    ("RESET", "RESET threads"),
    ("PRAGMA with a value", "PRAGMA threads = 1"),
    ("PRAGMA that changes state", "PRAGMA enable_profiling"),
    ("CREATE", "CREATE TABLE t AS SELECT 1"),
    ("CREATE TEMP", "CREATE TEMP TABLE t AS SELECT 1"),
    ("INSERT", "INSERT INTO observations SELECT * FROM observations"),
    ("UPDATE", "UPDATE observations SET value = 0"),
    ("DELETE", "DELETE FROM observations"),
    ("DROP", "DROP TABLE observations"),
    ("ALTER", "ALTER TABLE observations ADD COLUMN c INT"),
    ("EXPORT DATABASE", "EXPORT DATABASE '{out}'"),
    ("IMPORT DATABASE", "IMPORT DATABASE '{out}'"),
    ("CALL", "CALL pragma_table_info('observations')"),
    ("USE", "USE memory"),
    ("CHECKPOINT", "CHECKPOINT"),
    ("VACUUM", "VACUUM"),
    ("EXPLAIN ANALYZE of a COPY", "EXPLAIN ANALYZE COPY (SELECT 1) TO '{out}'"),
    ("two statements", "SELECT 1; COPY (SELECT 42) TO '{out}'"),
    ("empty", "  "),
]


@pytest.mark.reliability(
    "query",
    "every kind of statement that is not a read (COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA set, "
    "DDL, DML, EXPORT, CALL, USE, two statements, empty)",
    "exit 2, one line naming the refused kind; no file written",
)
@pytest.mark.parametrize("kind,sql", REFUSED, ids=[k for k, _ in REFUSED])
def test_refused_statements_exit_2_and_write_nothing(kind, sql, tiny_db, tmp_path):
    out = tmp_path / "written.csv"
    with pytest.raises(sandbox.QueryRefused):
        sandbox.check(sql.format(out=out))
    res = invoke("query", "--db", str(tiny_db), sql.format(out=out))
    assert res.exit_code == 2
    line = one_error_line(res)
    assert line.startswith("error:")
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.duckdb"]  # nothing written


BLOCKED = [
    ("read a file", "SELECT * FROM read_text('/etc/hostname')"),
    ("read a CSV", "SELECT * FROM read_csv('/etc/passwd')"),
    ("a file as a table", "SELECT * FROM '/etc/passwd'"),
    ("glob the file system", "SELECT * FROM glob('/etc/*')"),
    ("a URL", "SELECT * FROM read_parquet('https://example.org/x.parquet')"),
    ("an environment variable", "SELECT getenv('HOME')"),
    ("a setting changed in SQL", "SELECT * FROM (SELECT set_config('threads', '1'))"),
]


@pytest.mark.reliability(
    "query",
    "a SELECT reaching outside the warehouse (read_text, read_csv, a file as a table, glob, a URL, "
    "getenv)",
    "exit 1, one line; DuckDB's external access is off",
)
@pytest.mark.parametrize("what,sql", BLOCKED, ids=[w for w, _ in BLOCKED])
def test_reads_outside_the_warehouse_fail_in_one_line(what, sql, tiny_db):
    res = invoke("query", "--db", str(tiny_db), sql)
    assert res.exit_code == 1, res.output
    assert one_error_line(res).startswith("error: query failed:")


def test_the_sandbox_connection_has_external_access_off_and_configuration_locked(tiny_db):
    con = sandbox.connect(tiny_db)
    try:
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN ("
                "'enable_external_access', 'lock_configuration', "
                "'autoinstall_known_extensions', 'autoload_known_extensions')"
            ).fetchall()
        )
        assert settings == {
            "enable_external_access": "false",
            "lock_configuration": "true",
            "autoinstall_known_extensions": "false",
            "autoload_known_extensions": "false",
        }
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
    finally:
        con.close()


# ---------------------------------------------------------------- reading statements


ALLOWED = [
    "SELECT platform, value FROM observations ORDER BY platform",
    "WITH t AS (SELECT * FROM observations) SELECT count(*) FROM t",
    "FROM current",
    "VALUES (1, 'a')",
    "DESCRIBE observations",
    "SHOW TABLES",
    "SUMMARIZE observations",
    "EXPLAIN SELECT * FROM observations",
    "PRAGMA table_info('observations')",
    "PRAGMA show_tables",
    "PRAGMA version",
    "SELECT * FROM duckdb_tables()",
]


@pytest.mark.parametrize("sql", ALLOWED)
def test_reading_statements_run(sql, tiny_db):
    res = invoke("query", "--db", str(tiny_db), "--format", "csv", sql)
    assert res.exit_code == 0, res.output
    assert len(res.stdout.splitlines()) >= 2


# ---------------------------------------------------------------- every DuckDB type

TYPES = [
    ("TIMESTAMPTZ", "TIMESTAMPTZ '2024-05-01 12:30:00+00'", "2024-05-01 12:30:00+00"),
    ("now()", "now() IS NOT NULL AND now() > TIMESTAMPTZ '2020-01-01 00:00:00+00'", "True"),
    ("TIMESTAMP", "TIMESTAMP '2024-05-01 12:30:00.5'", "2024-05-01 12:30:00.5"),
    ("DATE", "DATE '2024-05-01'", "2024-05-01"),
    ("DATE infinity", "DATE 'infinity'", "infinity"),
    ("TIME", "TIME '10:00:01'", "10:00:01"),
    ("TIMETZ", "'10:00:00+02'::TIMETZ", "10:00:00+02"),
    ("INTERVAL", "INTERVAL 3 DAY", "3 days"),
    ("LIST", "[1, 2, NULL]", "[1, 2, NULL]"),
    ("ARRAY", "[1, 2]::INTEGER[2]", "[1, 2]"),
    ("STRUCT", "{'a': 1, 'b': 'x'}", "{'a': 1, 'b': x}"),
    ("MAP", "MAP([1], ['a'])", "{1=a}"),
    ("UNION", "1::UNION(i INTEGER, s VARCHAR)", "1"),
    ("BLOB", "'\\x00ab'::BLOB", "\\x00ab"),
    (
        "UUID",
        "'8889b96c-0e31-443c-84d6-0d8e3f1483c7'::UUID",
        "8889b96c-0e31-443c-84d6-0d8e3f1483c7",
    ),
    (
        "HUGEINT",
        "170141183460469231731687303715884105727::HUGEINT",
        "170141183460469231731687303715884105727",
    ),
    ("DECIMAL", "12.50::DECIMAL(5,2)", "12.50"),
    ("DOUBLE", "0.1::DOUBLE", "0.1"),
    ("BOOLEAN", "true", "True"),
    ("ENUM", "'x'::ENUM('x', 'y')", "x"),
    ("BIT", "'101'::BIT", "101"),
    ("VARCHAR with markup", "'[bold]not markup[/]'", "[bold]not markup[/]"),
    ("NULL", "NULL", ""),
]


@pytest.mark.reliability(
    "query",
    "every DuckDB type in a result (TIMESTAMPTZ, now(), intervals, lists, arrays, structs, maps, "
    "unions, blobs, UUID, HUGEINT, ENUM, BIT, infinity dates)",
    "printed as DuckDB writes it, in table and CSV formats; no pytz needed",
)
@pytest.mark.parametrize("name,expr,text", TYPES, ids=[t[0] for t in TYPES])
def test_every_duckdb_type_prints_in_csv_and_table(name, expr, text, tiny_db):
    res = invoke("query", "--db", str(tiny_db), "--format", "csv", f"SELECT {expr} AS v")
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows == [["v"], [text]]
    res = invoke("query", "--db", str(tiny_db), f"SELECT {expr} AS v")
    assert res.exit_code == 0, res.output
    if text:
        assert text[:8] in res.stdout


def test_select_now_works_in_a_real_process(tiny_db):
    """The reported crash: `transparency query "select now()"` (No module named 'pytz')."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}", "COLUMNS": "200"}
    p = subprocess.run(
        [sys.executable, "-m", "transparency", "query", "--db", str(tiny_db), "select now()"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert p.returncode == 0, p.stderr
    assert "now()" in p.stdout and "+00" in p.stdout and "Traceback" not in p.stderr


# ---------------------------------------------------------------- limits


@pytest.mark.reliability(
    "query", "a query running past the time limit", "interrupted; exit 1, one line naming --timeout"
)
def test_time_limit_interrupts_a_long_query(tiny_db):
    started = time.monotonic()
    res = invoke(
        "query",
        "--db",
        str(tiny_db),
        "--timeout",
        "0.5",
        "SELECT count(*) FROM range(10000000000) a, range(10) b WHERE a.range * b.range = -1",
    )
    assert time.monotonic() - started < 20
    assert res.exit_code == 1
    assert "--timeout" in one_error_line(res)


@pytest.mark.reliability(
    "query",
    "a result larger than the row limit",
    "CSV: the first rows, then exit 1 with one line naming --max-rows; table: a note",
)
def test_row_limit(tiny_db):
    res = invoke(
        "query", "--db", str(tiny_db), "--format", "csv", "--max-rows", "5", "FROM range(20)"
    )
    assert res.exit_code == 1
    assert res.stdout.splitlines() == ["range", "0", "1", "2", "3", "4"]
    assert "--max-rows" in one_error_line(res)
    res = invoke("query", "--db", str(tiny_db), "--limit", "3", "FROM range(20)")
    assert res.exit_code == 0 and "17 more rows" in res.stderr
    result = sandbox.run(sandbox.connect(tiny_db), "FROM range(20)", max_rows=7)
    assert len(result.rows) == 7 and result.truncated


# ---------------------------------------------------------------- the dashboard's path


def test_the_dashboard_reads_through_the_sandbox(tiny_db, monkeypatch):
    """dashboard/data.py's connection is the sandbox's: it reads tables, never files."""
    pytest.importorskip("streamlit")
    from dashboard import data

    monkeypatch.setenv("TRANSPARENCY_DB", str(tiny_db))
    con = data.connection()
    assert con is not None
    assert con.execute("SELECT count(*) FROM observations").fetchone() == (2,)
    with pytest.raises(duckdb.Error, match="disabled by configuration"):
        con.execute("SELECT * FROM read_text('/etc/hostname')").fetchall()
    with pytest.raises(duckdb.Error):
        con.execute("SET threads = 1")
    data._connect.clear()
    con.close()
