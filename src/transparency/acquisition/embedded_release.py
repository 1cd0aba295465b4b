"""The embedded default release in ``data/release/``: what the project's own parsers extracted from
public files, committed so a fresh clone has real data offline.

- ``snapshots.csv``: one row per public file parsed (sha256, source, URL, dates, size).
- ``records/<source_id>.csv.gz``: the faithful records of that source's files, raw labels only,
  each with the sha256 of the file it came from (gzip-compressed CSV, written reproducibly: no
  name or time in the gzip header, so the same records give the same bytes; a plain ``.csv`` is
  read too). Harmonisation happens at build time, so editing
  a registry changes the warehouse without the raw files.
- ``warnings.csv``: the data problems the parsers reported on those files.

The raw files themselves are not committed; the snapshot sha256 and URL say exactly which public
file each row came from.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import tempfile
from collections import defaultdict
from dataclasses import MISSING, asdict, fields
from datetime import date
from pathlib import Path

from transparency import paths
from transparency.acquisition.store import Snapshot
from transparency.reading.records import ParseResult, RawRecord

SNAPSHOT_COLUMNS = [
    "sha256",
    "source_id",
    "url",
    "filename",
    "media_type",
    "bytes",
    "retrieved_at",
    "published_at",
    "vintage",
    "vintage_basis",
]
RECORD_COLUMNS = ["snapshot_sha256", *RawRecord.columns()]
WARNING_COLUMNS = ["source_id", "snapshot_sha256", "file", "row", "message"]


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """Write deterministically (sorted input, LF endings) and atomically; gzip a ``.gz`` path
    with neither file name nor time in its header, so equal rows give equal bytes."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _fmt(v: object) -> object:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v) if not v.is_integer() else str(int(v))
    return v


def write(
    parsed: list[tuple[Snapshot, ParseResult, date, str]], root: Path | None = None
) -> dict[str, int]:
    """Replace the embedded release with these parsed snapshots; return rows per source."""
    root = root or paths.release_dir()
    parsed = sorted(parsed, key=lambda t: (t[0].source_id, t[0].sha256))
    _write_csv(
        root / "snapshots.csv",
        SNAPSHOT_COLUMNS,
        [
            [
                s.sha256,
                s.source_id,
                s.url,
                s.filename,
                s.media_type,
                s.bytes,
                s.retrieved_at,
                s.published_at,
                v.isoformat(),
                basis,
            ]
            for s, _, v, basis in parsed
        ],
    )
    by_source: dict[str, list[list]] = defaultdict(list)
    warnings: list[list] = []
    for snap, result, _, _ in parsed:
        for r in result.records:
            by_source[snap.source_id].append([snap.sha256, *(_fmt(x) for x in asdict(r).values())])
        for w in result.warnings:
            warnings.append([snap.source_id, snap.sha256, w.file, w.row, w.message])
    records_dir = root / "records"
    for old in _record_files(records_dir):
        old.unlink()  # every source's file is rewritten below (also a plain .csv of old)
    for source_id, rows in by_source.items():
        _write_csv(records_dir / f"{source_id}.csv.gz", RECORD_COLUMNS, rows)
    _write_csv(root / "warnings.csv", WARNING_COLUMNS, warnings)
    return {k: len(v) for k, v in sorted(by_source.items())}


def _record_files(records_dir: Path) -> list[Path]:
    if not records_dir.exists():
        return []
    return sorted([*records_dir.glob("*.csv"), *records_dir.glob("*.csv.gz")])


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(newline="", encoding="utf-8")


_FIELDS = fields(RawRecord)


def _read_records(f: Path, fh, records: dict[str, list[RawRecord]]) -> None:
    """The rows of one records file, by column position (the file's own header order)."""
    reader = csv.reader(fh)
    header = next(reader, None) or []
    where = {name: i for i, name in enumerate(header)}
    if "snapshot_sha256" not in where:
        raise ValueError(f"{f}, line 1: malformed release header (no snapshot_sha256)")
    sha_at = where["snapshot_sha256"]
    plan = []  # (field name, column or None, converter)
    for fd in _FIELDS:
        col = where.get(fd.name)
        if col is None and fd.default is MISSING:
            raise ValueError(f"{f}, line 1: malformed release header (no {fd.name})")
        plan.append((fd.name, col))
    width = len(header)
    dates = {"period_start", "period_end"}
    if header == RECORD_COLUMNS:  # the layout write() makes: fields in order after the sha256
        _read_in_order(f, reader, records, width)
        return
    for i, row in enumerate(reader, start=2):
        if len(row) != width:
            raise ValueError(
                f"{f}, line {i}: malformed release row (expected {width} fields, found {len(row)})"
            )
        kwargs: dict[str, object] = {}
        try:
            for name, col in plan:
                if col is None:  # a column added after the release was written
                    continue
                v = row[col]
                if name in dates:
                    kwargs[name] = date.fromisoformat(v)
                elif name == "value":
                    kwargs[name] = float(v) if v != "" else None
                else:
                    kwargs[name] = v
        except ValueError as exc:
            raise ValueError(f"{f}, line {i}: malformed release row ({exc})") from exc
        records[row[sha_at]].append(RawRecord(**kwargs))  # type: ignore[arg-type]


def _read_in_order(f: Path, reader, records: dict[str, list[RawRecord]], width: int) -> None:
    """Rows whose columns are the sha256 then RawRecord's fields in order: built positionally,
    with the few distinct dates parsed once."""
    start_at = RECORD_COLUMNS.index("period_start") - 1
    end_at = RECORD_COLUMNS.index("period_end") - 1
    value_at = RECORD_COLUMNS.index("value") - 1
    parsed_dates: dict[str, date] = {}

    def day(text: str) -> date:
        d = parsed_dates.get(text)
        if d is None:
            d = parsed_dates[text] = date.fromisoformat(text)
        return d

    for i, row in enumerate(reader, start=2):
        if len(row) != width:
            raise ValueError(
                f"{f}, line {i}: malformed release row (expected {width} fields, found {len(row)})"
            )
        vals: list = row[1:]
        try:
            vals[start_at] = day(vals[start_at])
            vals[end_at] = day(vals[end_at])
            v = vals[value_at]
            vals[value_at] = float(v) if v != "" else None
        except ValueError as exc:
            raise ValueError(f"{f}, line {i}: malformed release row ({exc})") from exc
        records[row[0]].append(RawRecord(*vals))


def read(
    root: Path | None = None,
) -> tuple[list[tuple[Snapshot, date, str]], dict[str, list[RawRecord]], list[dict[str, str]]]:
    """(snapshots with vintage and its basis, records by snapshot sha256, parse warnings)."""
    root = root or paths.release_dir()
    snaps: list[tuple[Snapshot, date, str]] = []
    records: dict[str, list[RawRecord]] = defaultdict(list)
    warnings: list[dict[str, str]] = []
    if not (root / "snapshots.csv").exists():
        return snaps, records, warnings
    with (root / "snapshots.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            snap = Snapshot(
                sha256=row["sha256"],
                source_id=row["source_id"],
                url=row["url"],
                filename=row["filename"],
                media_type=row["media_type"],
                bytes=int(row["bytes"]),
                retrieved_at=row["retrieved_at"],
                published_at=row["published_at"],
                method="embedded",
            )
            snaps.append(
                (snap, date.fromisoformat(row["vintage"]), row.get("vintage_basis") or "published")
            )
    for f in _record_files(root / "records"):
        with _open_text(f) as fh:
            _read_records(f, fh, records)
    if (root / "warnings.csv").exists():
        with (root / "warnings.csv").open(newline="", encoding="utf-8") as fh:
            warnings = list(csv.DictReader(fh))
    return snaps, records, warnings


def files(root: Path | None = None) -> list[Path]:
    root = root or paths.release_dir()
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.name.endswith((".csv", ".csv.gz")))
