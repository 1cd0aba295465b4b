"""What every build step works with: the open new warehouse, the registries, sources and store
(``BuildContext``), the core schema, and fast row insertion.

It lives below both the orchestrator (``transparency.build``) and the domain steps
(``transparency.accountability``, ``transparency.sor``), so steps never import the build that
runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from transparency.acquisition.sources import Source
from transparency.acquisition.store import SnapshotStore
from transparency.harmonisation import registries
from transparency.harmonisation.findings import Finding

SCHEMA = Path(__file__).with_name("schema.sql")
SNAPSHOT_COLUMNS = [
    "sha256",
    "source_id",
    "url",
    "final_url",
    "filename",
    "retrieved_at",
    "published_at",
    "media_type",
    "bytes",
    "storage_path",
    "origin",
    "vintage",
    "vintage_basis",
    "records",
]


@dataclass
class BuildContext:
    con: duckdb.DuckDBPyConnection
    reg: registries.Registries
    sources: dict[str, Source]
    store: SnapshotStore
    data_dir: Path
    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, object] = field(default_factory=dict)


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[list]
) -> None:
    """Bulk insert through Arrow (executemany is slow); types are cast by the table's schema."""
    if not rows:
        return
    import pyarrow as pa  # imported here: a no-change build never needs it

    arrow = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
    con.register("_insert_rows", arrow)
    try:
        con.execute(
            f"INSERT INTO {table} ({', '.join(chr(34) + c + chr(34) for c in columns)}) SELECT * FROM _insert_rows"
        )
    finally:
        con.unregister("_insert_rows")
