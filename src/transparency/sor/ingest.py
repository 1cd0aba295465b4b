"""``transparency sor ingest``: a daily dump ZIP or an official aggregates CSV -> per-day outputs.

For a dump: the ``.sha1`` beside it (when present) is checked while the engine runs; the archive
is validated against hostile packaging before anything is decompressed; the chosen engine computes
the raw aggregate; keys are normalised (JSON arrays, Yes/No) and the day's Parquet files and marker
are written atomically (``outputs``). Any failure leaves the outputs of earlier ingests untouched.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from transparency.sor import aggregates, outputs
from transparency.sor.archive import ArchiveError, Limits, parse_dump_name, read_sha1_file, sha1_of
from transparency.sor.columns import schema_version_for
from transparency.sor.engine_spark import SparkUnreachable
from transparency.sor.harmonise import normalise_key
from transparency.sor.parts import EngineResult, LayoutError

ERRORS = (ArchiveError, LayoutError, aggregates.AggregatesError, SparkUnreachable)


class Sha1Mismatch(ArchiveError):
    """The dump does not match the checksum published beside it."""


@dataclass
class Options:
    engine: str = "duckdb"
    spark_master: str | None = None
    threads: int = 2
    lanes: int = 2
    memory_limit: str = "256MB"
    limits: Limits = Limits()
    allow_sha1_mismatch: bool = False


def _tmp_root() -> Path:
    return outputs.root() / "tmp"


def _normalised_rows(counts: Counter) -> tuple[list[dict], list[str]]:
    merged: Counter = Counter()
    problems: list[str] = []
    for key, n in counts.items():
        norm = normalise_key(key)
        problems.extend(norm.problems)
        merged[tuple(norm.values.items())] += n
    rows = [{**dict(items), "count": n} for items, n in merged.items()]
    return rows, sorted(set(problems))[:50]


def ingest_dump(path: Path, opts: Options) -> outputs.FileRecord:
    path = Path(path)
    day, slug, variant = parse_dump_name(path)
    if not path.is_file():
        raise ArchiveError(f"{path.name}: no such file")
    expected = read_sha1_file(path)
    actual: dict[str, str] = {}
    hasher = None
    if expected:
        hasher = threading.Thread(
            target=lambda: actual.setdefault("sha1", sha1_of(path)), daemon=True
        )
        hasher.start()
    t0 = time.perf_counter()
    result: EngineResult
    if opts.engine == "spark":
        from transparency.sor import engine_spark

        result = engine_spark.run(path, master=opts.spark_master, limits=opts.limits)
    elif opts.engine == "duckdb":
        from transparency.sor import engine_duckdb

        result = engine_duckdb.run(
            path,
            lanes=opts.lanes,
            threads=opts.threads,
            memory_limit=opts.memory_limit,
            tmp_root=_tmp_root(),
            limits=opts.limits,
        )
    else:
        raise ValueError(f"unknown engine {opts.engine!r} (duckdb or spark)")
    sha1_ok = None
    if hasher is not None:
        hasher.join()
        sha1_ok = actual.get("sha1") == expected
        if not sha1_ok and not opts.allow_sha1_mismatch:
            raise Sha1Mismatch(
                f"{path.name}: sha1 {actual.get('sha1')} does not match {path.name}.sha1 "
                f"({expected}); nothing ingested (--allow-sha1-mismatch to keep it anyway)"
            )
    assert result.layout is not None
    if result.layout.version != schema_version_for(day):
        result.stats["schema_note"] = (
            f"v{result.layout.version} header on a v{schema_version_for(day)} date"
        )
    rows, problems = _normalised_rows(result.counts)
    record = outputs.FileRecord(
        file=path.name,
        kind="dump",
        date=day.isoformat(),
        scope=slug,
        variant=variant,
        schema_version=result.layout.version,
        engine=opts.engine,
        rows=result.rows,
        rejects=len(result.rejects),
        sha1=actual.get("sha1", ""),
        sha1_expected=expected or "",
        sha1_ok=sha1_ok,
        parts=result.parts,
        bytes=path.stat().st_size,
        ingested_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        seconds=round(time.perf_counter() - t0, 3),
        problems=problems,
        stats={k: v for k, v in result.stats.items() if k != "seconds"},
    )
    outputs.write(record, day, rows, result.rejects)
    return record


def ingest_aggregates(path: Path) -> outputs.FileRecord:
    t0 = time.perf_counter()
    day, rows, rejects, problems = aggregates.read(Path(path))
    record = outputs.FileRecord(
        file=Path(path).name,
        kind="aggregates",
        date=day.isoformat(),
        scope="global",
        variant="",
        schema_version=schema_version_for(day),
        engine="aggregates",
        rows=sum(r["count"] for r in rows),
        rejects=len(rejects),
        bytes=Path(path).stat().st_size,
        ingested_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        seconds=round(time.perf_counter() - t0, 3),
        problems=problems[:50],
    )
    outputs.write(record, day, rows, rejects)
    return record


def ingest(path: Path, opts: Options | None = None) -> outputs.FileRecord:
    """Ingest one file, recognised by its name (dump ZIP or aggregates CSV)."""
    path = Path(path)
    if aggregates.is_aggregates(path):
        return ingest_aggregates(path)
    return ingest_dump(path, opts or Options())
