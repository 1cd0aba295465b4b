"""Build step ``sor``: the per-day Parquet outputs of every ingest -> sor_daily, sor_rejects, sor_files.

Runs inside the atomic warehouse build, so a failure keeps the previous warehouse. Harmonising
happens here, from reviewable registries: v1 codes become v2 codes (``sor_v1_v2.csv``) and printed
platform names become registry ids (``aliases.csv``, ``platforms.csv``, ``services.csv``), so a
registry fix needs a rebuild, never a re-ingest.

When several files cover the same day and platform name, one wins (no double counting): the global
full dump, then the global light dump, then per-platform dumps, then the official aggregates.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from transparency.harmonisation.findings import Finding
from transparency.sor import columns as C
from transparency.sor import outputs
from transparency.sor.harmonise import V1V2
from transparency.warehouse.context import BuildContext, insert_rows

SCHEMA = Path(__file__).with_name("schema_sor.sql")
FILE_COLUMNS = [
    "file",
    "sha1_ok",
    "rows",
    "rejects",
    "schema_version",
    "engine",
    "date",
    "kind",
    "scope",
    "variant",
    "sha1",
    "parts",
    "bytes",
    "rows_used",
    "ingested_at",
    "seconds",
]


def inputs() -> list[Path]:
    """Files whose change must trigger a rebuild (the build fingerprints them)."""
    return outputs.markers()


def _source(kind: str) -> str:
    return "dsa_tdb_aggregates" if kind == "aggregates" else "dsa_tdb_dumps"


def step(ctx: BuildContext) -> None:
    con = ctx.con
    con.execute(SCHEMA.read_text())
    records = []
    for marker in outputs.markers():
        try:
            rec = outputs.read_marker(marker)
        except (ValueError, TypeError, KeyError) as exc:
            ctx.findings.append(
                Finding(
                    "error",
                    "sor_marker",
                    "dsa_tdb_dumps",
                    str(marker),
                    "",
                    f"unreadable ingest marker: {exc}",
                )
            )
            continue
        folder = marker.parent
        if not (folder / rec.daily).is_file() or not (folder / rec.rejects_file).is_file():
            ctx.findings.append(
                Finding(
                    "error",
                    "sor_marker",
                    _source(rec.kind),
                    rec.file,
                    "",
                    f"marker {marker.name} names missing Parquet files; re-ingest the file",
                )
            )
            continue
        records.append((rec, folder))
    ctx.stats["sor_files"] = len(records)
    if not records:
        return
    files = pa.table(
        {
            "path": [str(folder / rec.daily) for rec, folder in records],
            "file": [rec.file for rec, _ in records],
            "rank": [rec.rank for rec, _ in records],
            "version": [rec.schema_version for rec, _ in records],
        }
    )
    con.register("sor_file_index", files)
    daily_paths = [str(folder / rec.daily) for rec, folder in records]
    con.execute(
        "CREATE TEMP TABLE sor_stage AS SELECT d.*, f.file, f.rank, f.version "
        "FROM read_parquet(?, filename = true) d JOIN sor_file_index f ON d.filename = f.path",
        [daily_paths],
    )
    con.unregister("sor_file_index")

    # v1 -> v2 codes and platform ids, from the registries (small distinct sets, mapped in Python)
    v1v2 = V1V2.load(ctx.data_dir)
    unknown: dict[str, set[str]] = {}
    cat_rows, kw_rows = [], []
    for version, code in con.execute("SELECT DISTINCT version, category FROM sor_stage").fetchall():
        mapped, known = v1v2.map_category(code or "", version)
        cat_rows.append([version, code, mapped])
        if not known:
            unknown.setdefault("category", set()).add(code)
    for version, joined in con.execute(
        "SELECT DISTINCT version, keyword FROM sor_stage WHERE keyword IS NOT NULL"
    ).fetchall():
        mapped, bad = v1v2.map_keywords(joined, version)
        kw_rows.append([version, joined, mapped])
        if bad:
            unknown.setdefault("keyword", set()).update(bad)
    plat_rows, unmatched = [], []
    for (name,) in con.execute("SELECT DISTINCT platform_name FROM sor_stage").fetchall():
        hit = ctx.reg.platform(name or "")
        plat_rows.append([name, hit[0] if hit else None])
        if not hit:
            unmatched.append(name)
    con.execute("CREATE TEMP TABLE sor_cat (version INTEGER, raw VARCHAR, v2 VARCHAR)")
    con.execute("CREATE TEMP TABLE sor_kw (version INTEGER, raw VARCHAR, v2 VARCHAR)")
    con.execute("CREATE TEMP TABLE sor_plat (name VARCHAR, platform VARCHAR)")
    insert_rows(con, "sor_cat", ["version", "raw", "v2"], cat_rows)
    insert_rows(con, "sor_kw", ["version", "raw", "v2"], kw_rows)
    insert_rows(con, "sor_plat", ["name", "platform"], plat_rows)

    dims = [
        c
        for c in C.DAILY_COLUMNS
        if c not in ("date", "platform", "platform_name", "category", "keyword", "count")
    ]
    con.execute(f"""
        INSERT INTO sor_daily
        WITH ranked AS (
            SELECT s.*, min(rank) OVER (PARTITION BY date, platform_name) AS best FROM sor_stage s
        )
        SELECT r.date, p.platform, r.platform_name, c.v2 AS category,
               CASE WHEN r.keyword IS NULL THEN NULL ELSE k.v2 END AS keyword,
               {", ".join(f"r.{d}" for d in dims)}, sum(r.count)::BIGINT AS count
        FROM ranked r
        JOIN sor_cat c ON c.version = r.version AND c.raw IS NOT DISTINCT FROM r.category
        LEFT JOIN sor_kw k ON k.version = r.version AND k.raw = r.keyword
        JOIN sor_plat p ON p.name IS NOT DISTINCT FROM r.platform_name
        WHERE r.rank = r.best
        GROUP BY ALL
        ORDER BY ALL
    """)
    used = dict(
        con.execute("""
        SELECT file, sum(count) FROM (
            SELECT file, count, rank, min(rank) OVER (PARTITION BY date, platform_name) AS best FROM sor_stage)
        WHERE rank = best GROUP BY file""").fetchall()
    )
    rej_paths = [str(folder / rec.rejects_file) for rec, folder in records]
    con.execute(
        "INSERT INTO sor_rejects SELECT file, line, reason, raw FROM read_parquet(?) ORDER BY ALL",
        [rej_paths],
    )
    insert_rows(
        con,
        "sor_files",
        FILE_COLUMNS,
        [
            [
                rec.file,
                rec.sha1_ok,
                rec.rows,
                rec.rejects,
                rec.schema_version,
                rec.engine,
                rec.date,
                rec.kind,
                rec.scope,
                rec.variant,
                rec.sha1 or None,
                rec.parts,
                rec.bytes,
                int(used.get(rec.file, 0)),
                rec.ingested_at.replace("T", " ").replace("Z", "") or None,
                rec.seconds,
            ]
            for rec, _ in records
        ],
    )
    con.execute("DROP TABLE sor_stage; DROP TABLE sor_cat; DROP TABLE sor_kw; DROP TABLE sor_plat")

    for rec, _ in records:
        src = _source(rec.kind)
        if rec.rejects:
            ctx.findings.append(
                Finding(
                    "warning",
                    "sor_rejects",
                    src,
                    rec.file,
                    "",
                    f"{rec.rejects:,} line(s) could not be read; see table sor_rejects",
                )
            )
        if rec.sha1_ok is False:
            ctx.findings.append(
                Finding(
                    "warning",
                    "sor_sha1",
                    src,
                    rec.file,
                    "",
                    f"sha1 {rec.sha1} differs from the published {rec.sha1_expected}",
                )
            )
        for problem in rec.problems[:5]:
            ctx.findings.append(Finding("warning", "sor_format", src, rec.file, "", problem))
    for what, codes in sorted(unknown.items()):
        ctx.findings.append(
            Finding(
                "warning",
                "sor_unknown_code",
                "dsa_tdb_dumps",
                "",
                "",
                f"{len(codes)} unknown {what} code(s) kept as they are: "
                + ", ".join(sorted(codes)[:20]),
            )
        )
    if unmatched:
        ctx.findings.append(
            Finding(
                "warning",
                "sor_unknown_platform",
                "dsa_tdb_dumps",
                "",
                "",
                f"{len(unmatched)} platform name(s) not in the registry (platform NULL): "
                + ", ".join(sorted(n or "''" for n in unmatched)[:25]),
            )
        )
    ctx.stats["sor_daily_rows"] = con.execute("SELECT count(*) FROM sor_daily").fetchone()[0]  # type: ignore[index]


step.inputs = inputs  # type: ignore[attr-defined]
