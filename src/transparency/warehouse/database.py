"""Opening the warehouse and describing it (tables, row counts, checksums).

Readers always open read-only: DuckDB allows one writer per file, and builds never write into the
file readers use (they write a new file and swap it in), so a reader never sees half a build.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from transparency import paths


class WarehouseMissing(FileNotFoundError):
    def __init__(self, db: Path):
        super().__init__(f"no warehouse at {db}: run `transparency build` first")


def connect_readonly(db: Path | None = None) -> duckdb.DuckDBPyConnection:
    db = Path(db or paths.default_db())
    if not db.exists():
        raise WarehouseMissing(db)
    return duckdb.connect(str(db), read_only=True)


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema = 'main' ORDER BY table_name"
        ).fetchall()
    ]


def table_checksum(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, str]:
    """(row count, md5 over the sorted md5s of every row): independent of physical row order."""
    count, digest = con.execute(
        f"SELECT count(*), coalesce(md5(string_agg(h, ',' ORDER BY h)), md5('')) "
        f'FROM (SELECT md5(CAST(t AS VARCHAR)) AS h FROM "{table}" AS t)'
    ).fetchone()  # type: ignore[misc]
    return int(count), str(digest)


def checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    return {t: table_checksum(con, t) for t in tables(con)}


def build_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        return dict(con.execute("SELECT key, value FROM build_info").fetchall())
    except duckdb.Error:
        return {}
