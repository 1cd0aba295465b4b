"""Per-file daily aggregates, written atomically under ``<home>/sor/days/<date>/``.

For every ingested file: ``<file>.<token>.daily.parquet`` (sor_daily rows before the v1 -> v2 and
platform mapping), ``<file>.<token>.rejects.parquet`` and, written last, the marker
``<file>.json`` naming them with the file's metadata. Every file is written under a temporary name
and renamed into place, and the marker is the commit point: a crash leaves the previous ingest of
that file (or nothing) visible, never half of one. Re-ingesting a file replaces its entry; other
days and files are never touched, so nothing already loaded is lost.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from transparency import paths
from transparency.sor import columns as C
from transparency.sor.parts import Reject

DAILY_FIELDS = [c for c in C.DAILY_COLUMNS if c != "platform"]


def _schemas():
    """(daily, rejects) Arrow schemas; pyarrow is imported only when writing, after the engine ran."""
    import pyarrow as pa

    daily = pa.schema(
        [
            ("date", pa.date32()),
            *((c, pa.string()) for c in DAILY_FIELDS[1:-1]),
            ("count", pa.int64()),
        ]
    )
    rejects = pa.schema(
        [("file", pa.string()), ("line", pa.int64()), ("reason", pa.string()), ("raw", pa.string())]
    )
    return daily, rejects


def root() -> Path:
    return paths.home() / "sor"


def days_dir() -> Path:
    return root() / "days"


@dataclass
class FileRecord:
    """What sor_files shows about one ingested file (the JSON marker)."""

    file: str
    kind: str  # "dump" or "aggregates"
    date: str
    scope: str  # "global" or the platform slug of a per-platform dump
    variant: str  # "full", "light" or "" (aggregates)
    schema_version: int
    engine: str  # "duckdb", "spark" or "aggregates"
    rows: int
    rejects: int
    sha1: str = ""
    sha1_expected: str = ""
    sha1_ok: bool | None = None
    parts: int = 0
    bytes: int = 0
    ingested_at: str = ""
    seconds: float = 0.0
    daily: str = ""
    rejects_file: str = ""
    problems: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def rank(self) -> int:
        """Which file wins when several cover the same day and platform (lower wins)."""
        if self.kind == "aggregates":
            return 5
        return (1 if self.scope == "global" else 3) + (self.variant == "light")


def _atomic_parquet(table, path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def write(record: FileRecord, day: date, rows: Iterable[dict], rejects: list[Reject]) -> Path:
    """Write one file's outputs; returns the marker's path."""
    folder = days_dir() / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    daily = folder / f"{record.file}.{token}.daily.parquet"
    rej = folder / f"{record.file}.{token}.rejects.parquet"
    import pyarrow as pa

    daily_schema, reject_schema = _schemas()
    table = pa.Table.from_pylist([{**r, "date": day} for r in rows], schema=daily_schema)
    _atomic_parquet(table, daily)
    _atomic_parquet(pa.Table.from_pylist([asdict(r) for r in rejects], schema=reject_schema), rej)
    record.daily, record.rejects_file = daily.name, rej.name
    marker = folder / f"{record.file}.json"
    previous = read_marker(marker) if marker.exists() else None
    tmp = marker.with_name(f".{marker.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(record), indent=2, sort_keys=True) + "\n")
    os.replace(tmp, marker)
    if previous:  # the replaced ingest's files are no longer referenced
        for name in (previous.daily, previous.rejects_file):
            if name and name not in (daily.name, rej.name):
                (folder / name).unlink(missing_ok=True)
    return marker


def read_marker(path: Path) -> FileRecord:
    data = json.loads(path.read_text())
    return FileRecord(**{k: v for k, v in data.items() if k in FileRecord.__dataclass_fields__})


def markers() -> list[Path]:
    """Every committed marker, in date and name order."""
    base = days_dir()
    if not base.is_dir():
        return []
    return sorted(p for p in base.glob("*/*.json") if not p.name.startswith("."))
