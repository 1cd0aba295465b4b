"""Opening the warehouse and describing it (tables, row counts, checksums).

Readers always open read-only: DuckDB allows one writer per file, and builds never write into the
file readers use (they write a new file and swap it in), so a reader never sees half a build.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from transparency import paths


class WarehouseError(OSError):
    """The warehouse cannot be opened; the message names the file and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class WarehouseMissing(WarehouseError, FileNotFoundError):
    def __init__(self, db: Path):
        super().__init__(f"no warehouse at {db}: run `transparency build` first")


class WarehouseUnreadable(WarehouseError):
    """A folder, a file that is not a DuckDB database, or a file another process writes."""


DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file


def is_duckdb_file(path: Path) -> bool:
    """True when the file starts like a DuckDB database (without opening it)."""
    try:
        with Path(path).open("rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return head[8:12] == DUCKDB_MAGIC


def check_warehouse_file(db: Path) -> Path:
    """The path of an existing, readable DuckDB file, or a WarehouseError saying what is wrong."""
    db = Path(db)
    if not db.exists():
        parent = db.absolute().parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            raise WarehouseUnreadable(
                f"--db {db}: {parent} is a file, so no warehouse can be there"
            )
        raise WarehouseMissing(db)
    if db.is_dir():
        raise WarehouseUnreadable(f"--db {db} is a folder, not a warehouse file")
    if not os.access(db, os.R_OK):
        raise WarehouseUnreadable(f"{db}: permission denied (cannot read the warehouse)")
    if not is_duckdb_file(db):
        raise WarehouseUnreadable(
            f"{db} is not a DuckDB warehouse: give the file `transparency build` wrote "
            "(var/warehouse.duckdb by default)"
        )
    return db


def open_readonly(db: Path | None = None, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only (with extra DuckDB settings), translating every failure to open
    it into a one-line WarehouseError."""
    path = check_warehouse_file(Path(db or paths.default_db()))
    try:
        return duckdb.connect(str(path), read_only=True, config=config or {})
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "lock" in first.lower():
            raise WarehouseUnreadable(
                f"{path} is open for writing by another process: try again when it has finished"
            ) from None
        raise WarehouseUnreadable(f"{path} cannot be opened as a warehouse: {first}") from None


def connect_readonly(db: Path | None = None) -> duckdb.DuckDBPyConnection:
    return open_readonly(db)


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
