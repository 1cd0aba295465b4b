"""``transparency build``: compose the warehouse from ``data/`` plus the local snapshot store.

The build writes a brand-new DuckDB file next to the target and renames it over the old one only
when every step and every validation has passed, so a crash, a kill or bad input never leaves a
half-built or lost warehouse. A fingerprint of all inputs (registries, release, store sidecars,
code) is kept in ``build_info``; a build with unchanged inputs returns at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from transparency import paths
from transparency.acquisition import embedded_release as release
from transparency.acquisition.parsing import parse_snapshot
from transparency.acquisition.sources import all_sources
from transparency.acquisition.store import SnapshotStore
from transparency.harmonisation import registries
from transparency.harmonisation.findings import COLUMNS as FINDING_COLUMNS
from transparency.harmonisation.findings import Finding
from transparency.harmonisation.normalise import (
    KEY_COLUMNS,
    OBSERVATION_COLUMNS,
    Context,
    normalise,
)
from transparency.reading.records import ParseError
from transparency.warehouse import changes, validate
from transparency.warehouse.context import SCHEMA, SNAPSHOT_COLUMNS, BuildContext, insert_rows
from transparency.warehouse.database import build_info, checksums, table_checksum


class BuildError(RuntimeError):
    """The build stopped; the previous warehouse is untouched. Carries the error findings."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        self.findings = findings or []
        lines = [message, *(f"  {f}" for f in self.findings[:20])]
        if len(self.findings) > 20:
            lines.append(f"  ... and {len(self.findings) - 20} more")
        super().__init__("\n".join(lines))


@dataclass
class BuildReport:
    db: Path
    up_to_date: bool
    fingerprint: str
    tables: dict[str, tuple[int, str]]
    findings: list[Finding]
    stats: dict[str, object]


Step = tuple[str, Callable[[BuildContext], None]]
SOURCE_COLUMNS = [
    "source_id",
    "publisher",
    "kind",
    "title",
    "homepage",
    "formats",
    "cadence",
    "licence",
    "download_urls",
    "reporter",
    "platform",
    "coverage",
    "expected_lag_days",
    "verification",
]


def _code_files() -> list[Path]:
    root = paths.REPO_ROOT
    return sorted(
        [
            *(root / "src" / "transparency").rglob("*.py"),
            *(root / "src" / "transparency").rglob("*.sql"),
            *(root / "scrapers").rglob("*.py"),
        ]
    )


def fingerprint(data_dir: Path, store: SnapshotStore) -> str:
    """sha256 over every input: code, registries, release files and store sidecars."""
    h = hashlib.sha256()
    files = [
        *_code_files(),
        *sorted(p for p in data_dir.rglob("*") if p.is_file()),
        *store.sidecar_files(),
    ]
    for _, step in extra_steps():  # a domain step may read inputs of its own (e.g. per-day Parquet)
        files.extend(getattr(step, "inputs", list)())
    for f in files:
        h.update(str(f.name).encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def stored_fingerprint(db: Path) -> str | None:
    if not db.exists():
        return None
    try:
        with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
            return build_info(con).get("fingerprint")
    except duckdb.Error:
        return None


@contextlib.contextmanager
def _lock(db: Path) -> Iterator[None]:
    """One build at a time per warehouse file."""
    lock = db.with_name(f".{db.name}.lock")
    with lock.open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build of {db} is running (lock {lock})") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _clean_stale(db: Path) -> None:
    for tmp in db.parent.glob(f".{db.name}.building-*"):
        pid = tmp.name.rsplit("-", 1)[-1].split(".")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------- steps


def load_registries(ctx: BuildContext) -> None:
    reg, con = ctx.reg, ctx.con

    def insert(table: str, rows: list[dict[str, str]], cols: list[str]) -> None:
        insert_rows(con, table, cols, [[r.get(c, "") for c in cols] for r in rows])

    insert("platforms", reg.platforms, ["platform_id", "name", "company", "homepage"])
    insert("services", reg.services, ["platform_id", "service_id", "name"])
    insert("platform_aliases", reg.aliases, ["alias", "platform_id", "service_id", "note"])
    insert("scopes", reg.scopes, ["raw_label", "scope"])
    insert(
        "policy_areas",
        reg.policy_areas,
        [
            "policy_area",
            "label",
            "parent",
            "dsa_category",
            "dsa_keyword",
            "csea_family",
            "description",
        ],
    )
    insert("metrics", reg.metrics, ["metric", "label", "unit", "kind", "definition"])
    insert("label_map", reg.labels, ["source_id", "field", "raw_label", "harmonised", "note"])


def load_sources(ctx: BuildContext) -> None:
    rows = []
    for sid, src in sorted(ctx.sources.items()):
        d = src.decl
        rows.append(
            [
                sid,
                d.publisher,
                d.kind,
                d.title,
                d.homepage,
                ", ".join(d.formats),
                d.cadence,
                d.licence,
                " ".join(d.download_urls),
                d.reporter,
                d.platform,
                d.coverage,
                d.expected_lag_days,
                f"{d.verification} ({d.verification_note})"
                if d.verification_note
                else d.verification,
            ]
        )
    insert_rows(ctx.con, "sources", SOURCE_COLUMNS, rows)


def _observation_schema():
    import pyarrow as pa

    return pa.schema(
        [
            (
                c,
                pa.date32()
                if c in ("period_start", "period_end", "vintage")
                else pa.float64()
                if c == "value"
                else pa.string(),
            )
            for c in OBSERVATION_COLUMNS
        ]
    )


def load_observations(ctx: BuildContext) -> None:
    """Embedded release records plus every parsed store snapshot, normalised, with is_current."""
    embedded_snaps, embedded_records, embedded_warnings = release.read(ctx.data_dir / "release")
    rows: list[dict] = []
    snap_rows: list[list] = []
    seen: set[str] = set()
    for ew in embedded_warnings:
        ctx.findings.append(
            Finding(
                "warning", "parse_warning", ew["source_id"], ew["file"], ew["row"], ew["message"]
            )
        )

    def add(snap, vintage, basis: str, records, origin: str, storage: str | None) -> None:
        src = ctx.sources.get(snap.source_id)
        reporter = src.decl.reporter if src else "platform"
        obs, found = normalise(
            records, ctx.reg, Context(snap.source_id, reporter, snap.sha256, vintage, snap.filename)
        )
        rows.extend(obs)
        ctx.findings.extend(found)
        snap_rows.append(
            [
                snap.sha256,
                snap.source_id,
                snap.url,
                snap.final_url or None,
                snap.filename,
                snap.retrieved_at.replace("Z", ""),
                snap.published_at or None,
                snap.media_type,
                snap.bytes,
                storage,
                origin,
                vintage,
                basis,
                len(records),
            ]
        )
        seen.add(snap.sha256)

    for snap in ctx.store:  # the store first: re-parsed with the current code
        src = ctx.sources.get(snap.source_id)
        if src is None:
            ctx.findings.append(
                Finding(
                    "warning",
                    "unknown_source",
                    snap.source_id,
                    snap.filename,
                    "",
                    f"snapshot {snap.sha256[:12]} belongs to no declared source; skipped",
                )
            )
            continue
        if not hasattr(src.module, "parse") or getattr(src.module, "OBSERVATIONS", True) is False:
            continue
        try:
            result, vintage, basis = parse_snapshot(src, snap, ctx.store)
        except ParseError as exc:  # isolation: the source's previous data stays current
            ctx.findings.append(
                Finding(
                    "warning",
                    "schema_drift",
                    snap.source_id,
                    snap.filename,
                    exc.row or "",
                    f"snapshot {snap.sha256[:12]} skipped, previous data stays current: {exc.reason}",
                )
            )
            continue
        for w in result.warnings:
            ctx.findings.append(
                Finding("warning", "parse_warning", snap.source_id, snap.filename, w.row, w.message)
            )
        add(snap, vintage, basis, result.records, "store", str(ctx.store.path_for(snap.sha256)))
    for snap, vintage, basis in embedded_snaps:
        if snap.sha256 not in seen:
            add(snap, vintage, basis, embedded_records.get(snap.sha256, []), "embedded", None)

    insert_rows(ctx.con, "snapshots", SNAPSHOT_COLUMNS, snap_rows)
    import pyarrow as pa

    staged = pa.Table.from_pydict(  # column by column: faster than from_pylist on 150k rows
        {c: [r[c] for r in rows] for c in OBSERVATION_COLUMNS}, schema=_observation_schema()
    )
    ctx.con.register("staged_observations", staged)
    keys = ", ".join(f"o.{k}" for k in KEY_COLUMNS)
    ctx.con.execute(f"""
        INSERT INTO observations
        SELECT o.*, row_number() OVER (PARTITION BY {keys}
                                       ORDER BY o.vintage DESC, s.retrieved_at DESC, o.snapshot_sha256,
                                                -- a total order: rows of one file sharing a key
                                                o.series_id, o.row_ref, o.raw_policy_label,
                                                o.raw_metric_label, o.value_text, o.value) = 1
        FROM staged_observations o JOIN snapshots s ON s.sha256 = o.snapshot_sha256
        ORDER BY o.source_id, o.platform, o.service, o.policy_area, o.metric, o.scope, o.period_start, o.vintage
    """)
    ctx.con.unregister("staged_observations")
    ctx.stats["snapshots"] = len(snap_rows)
    ctx.stats["observations"] = len(rows)


def run_validation(ctx: BuildContext) -> None:
    ctx.findings.extend(validate.observations(ctx.con))


def write_findings(ctx: BuildContext) -> None:
    uniq = sorted(
        set(ctx.findings),
        key=lambda f: (f.severity, f.source_id, f.file, f.check, f.row, f.message),
    )
    insert_rows(
        ctx.con,
        "findings",
        FINDING_COLUMNS,
        [[getattr(f, c) for c in FINDING_COLUMNS] for f in uniq],
    )


STEPS: list[Step] = [
    ("registries", load_registries),
    ("sources", load_sources),
    ("observations", load_observations),
]


def extra_steps() -> list[Step]:
    """Steps of the other domains (regulator actions, DSA, ...), each from its own module."""
    from transparency.build import steps as build_steps

    return build_steps.STEPS


FINAL_STEPS: list[Step] = [("validation", run_validation), ("findings", write_findings)]


def build(
    db: Path | None = None,
    *,
    force: bool = False,
    data_dir: Path | None = None,
    store: SnapshotStore | None = None,
    on_step: Callable[[str, int, int], None] | None = None,
) -> BuildReport:
    db = Path(db or paths.default_db()).resolve()
    data_dir = Path(data_dir or paths.data_dir())
    store = store or SnapshotStore()
    fp = fingerprint(data_dir, store)
    if not force and stored_fingerprint(db) == fp:
        with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
            return BuildReport(db, True, fp, recorded_checksums(con), [], {})
    db.parent.mkdir(parents=True, exist_ok=True)
    with _lock(db):
        _clean_stale(db)
        tmp = db.with_name(f".{db.name}.building-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        try:
            con = duckdb.connect(str(tmp))
        except BaseException:  # Ctrl+C while the file is being made: no stray half file
            tmp.unlink(missing_ok=True)
            raise
        try:
            try:
                reg = registries.load(data_dir)
            except (registries.RegistryError, OSError) as exc:
                raise BuildError(f"registry error: {exc}") from exc
            ctx = BuildContext(con, reg, all_sources(), store, data_dir)
            con.execute(SCHEMA.read_text())
            steps = [*STEPS, *extra_steps(), *FINAL_STEPS]
            pause = float(
                os.environ.get("TRANSPARENCY_BUILD_PAUSE", "0") or 0
            )  # crash tests widen the window
            for i, (name, step) in enumerate(steps):
                if on_step:
                    on_step(name, i, len(steps))
                step(ctx)
                if pause:
                    time.sleep(pause)
            errors = [f for f in ctx.findings if f.severity == "error"]
            if errors:
                raise BuildError(
                    f"build failed with {len(errors)} error(s); the previous warehouse is kept",
                    errors,
                )
            sums = checksums(con)
            con.executemany(
                "INSERT INTO build_info VALUES (?, ?)",
                [
                    ["fingerprint", fp],
                    ["code_version", _code_version()],
                    *[[f"stat.{k}", str(v)] for k, v in sorted(ctx.stats.items())],
                    *[
                        [f"checksum.{t}", f"{n}:{d}"]
                        for t, (n, d) in sums.items()
                        if t != "build_info"
                    ],
                ],
            )
            sums["build_info"] = table_checksum(con, "build_info")
            con.execute("CHECKPOINT")
            con.close()
            entries = _changes(db, tmp)
            os.replace(tmp, db)
            if entries is not None:
                changes.append(entries)
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)
            raise
    if on_step:
        on_step("done", len(steps), len(steps))
    return BuildReport(
        db,
        False,
        fp,
        dict(sorted(sums.items())),
        sorted(set(ctx.findings), key=lambda f: (f.severity, f.source_id, f.file, f.row)),
        ctx.stats,
    )


def _changes(old: Path, new: Path) -> list[dict] | None:
    """The feed entries of this build; a feed problem never fails a build (it is reported)."""
    try:
        return changes.compute(old if old.exists() else None, new)
    except duckdb.Error as exc:
        print(f"warning: changes feed not updated ({exc})")
        return None


def recorded_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """The checksums the build recorded (cheap: no table is re-read), plus build_info's own."""
    info = build_info(con)
    sums = {}
    for key, value in info.items():
        if key.startswith("checksum."):
            n, d = value.split(":", 1)
            sums[key.removeprefix("checksum.")] = (int(n), d)
    sums["build_info"] = table_checksum(con, "build_info")
    return dict(sorted(sums.items()))


def _code_version() -> str:
    from transparency import __version__

    return __version__


def report_dict(r: BuildReport) -> dict:
    d = asdict(r)
    d["db"] = str(r.db)
    return d
