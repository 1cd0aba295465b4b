"""Build step ``sor_platform_daily``: real DSA statements of reasons per platform and day.

Reads, for each of three DSA sources, the newest snapshot in the store, or else the embedded
extract in ``data/sor/`` (written by ``scripts/refresh_sor_extract.py`` with the same parsers):

- ``dsa_tdb_summary`` (shantay's summary statistics of the whole Transparency Database) ->
  ``sor_platform_daily(date, platform, service, field, code, statements, source_id)``;
- ``dsa_tdb_daily_counts`` (the Commission's count per day on its download page) ->
  ``sor_official_daily``, reconciled with the dumps in the view ``sor_reconciliation`` (every day
  the two differ is also a finding);
- ``dsa_report_lists`` (the platforms' pages listing their DSA reports) -> ``dsa_report_list``
  and the view ``dsa_report_timeliness``.

The view ``sor_report_crosscheck`` sets each very large platform's statements of reasons of a
half-year beside its own harmonised report for that period. The step never names a source module:
it finds the parsers (``parse_platform_daily``, ``parse_daily_counts``, ``parse_report_list``)
on the declared sources.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from transparency.harmonisation.findings import Finding
from transparency.warehouse.context import SNAPSHOT_COLUMNS, BuildContext, insert_rows

SCHEMA = Path(__file__).with_name("schema_platform_daily.sql")
SUMMARY, COUNTS, LISTS = "dsa_tdb_summary", "dsa_tdb_daily_counts", "dsa_report_lists"
EXTRACT = {
    SUMMARY: "platform_daily.parquet",
    COUNTS: "official_daily_counts.csv",
    LISTS: "report_lists.csv",
}
FIELDS = (
    "total",
    "category",
    "keyword",
    "decision_visibility",
    "decision_account",
    "decision_provision",
    "decision_monetary",
    "decision_ground",
    "content_type",
    "source_type",
    "automated_detection",
    "automated_decision",
    "territorial_scope",
)
# Small roll-ups for the dashboard (a page reads tens of thousands of rows, not 1.5 million):
# per day and printed name, the statements in all, of the protection-of-minors category, with the
# CSAM keyword, detected by automated means and decided fully automatically; and the visibility
# and account decisions per week; the cross-check's statements per service, month and measure.
ROLLUPS = """
CREATE TABLE sor_service_daily AS
SELECT date, service, any_value(platform) AS platform,
       coalesce(sum(statements) FILTER (WHERE field = 'total'), 0) AS statements,
       coalesce(sum(statements) FILTER (
           WHERE field = 'category' AND code = 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS'), 0)
           AS minors,
       coalesce(sum(statements) FILTER (
           WHERE field = 'keyword' AND starts_with(code, 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL')), 0)
           AS csam,
       coalesce(sum(statements) FILTER (WHERE field = 'automated_detection' AND code = 'Yes'), 0)
           AS auto_detected,
       coalesce(sum(statements) FILTER (
           WHERE field = 'automated_decision' AND code = 'AUTOMATED_DECISION_FULLY'), 0)
           AS auto_decided
FROM sor_platform_daily
WHERE field IN ('total', 'category', 'keyword', 'automated_detection', 'automated_decision')
GROUP BY date, service ORDER BY service, date;
CREATE TABLE sor_decisions_weekly AS
SELECT date_trunc('week', date)::DATE AS week, service, field, code, sum(statements) AS statements
FROM sor_platform_daily WHERE field IN ('decision_visibility', 'decision_account')
GROUP BY ALL ORDER BY ALL;
INSERT INTO sor_source_monthly
SELECT v.platform, v.service_id, date_trunc('month', p.date)::DATE,
       CASE WHEN p.code = 'SOURCE_VOLUNTARY' THEN 'own-initiative decisions'
            ELSE 'notices acted on' END AS measure,
       sum(p.statements), count(DISTINCT p.date), string_agg(DISTINCT p.service, ', ')
FROM sor_platform_daily p JOIN sor_services v USING (service)
WHERE p.field = 'source_type' AND v.service_id IS NOT NULL
  AND p.code IN ('SOURCE_VOLUNTARY', 'SOURCE_ARTICLE_16', 'SOURCE_TRUSTED_FLAGGER')
GROUP BY ALL ORDER BY ALL;
"""
REPORT_LIST_COLUMNS = [
    "service",
    "capture",
    "title",
    "kind",
    "period_start",
    "period_end",
    "url",
    "published",
    "page_url",
]


def extract_dir(data_dir: Path) -> Path:
    return data_dir / "sor"


def provenance(data_dir: Path) -> dict[str, list[dict[str, str]]]:
    """``data/sor/provenance.csv``: per source, the public files the extract was made from."""
    path = extract_dir(data_dir) / "provenance.csv"
    out: dict[str, list[dict[str, str]]] = {}
    if path.is_file():
        for row in csv.DictReader(path.open(newline="", encoding="utf-8")):
            out.setdefault(row["source_id"], []).append(row)
    return out


def _store_snapshots(ctx: BuildContext, source_id: str) -> list:
    snaps = [s for s in ctx.store if s.source_id == source_id]
    return sorted(snaps, key=lambda s: (s.published_at or s.retrieved_at, s.retrieved_at))


def _snapshot_row(snap, origin: str, storage: str | None) -> list:
    day = (snap.published_at or snap.retrieved_at)[:10]
    return [
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
        day,
        "published" if snap.published_at else "retrieved",
        0,
    ]


def _record_sources(ctx: BuildContext, rows: list[list], snaps: list[list]) -> None:
    insert_rows(
        ctx.con,
        "sor_sources",
        ["source_id", "sha256", "url", "origin", "file", "retrieved_at", "rows"],
        rows,
    )
    known = {r[0] for r in ctx.con.execute("SELECT sha256 FROM snapshots").fetchall()}
    fresh = [s for s in snaps if s[0] not in known]
    insert_rows(ctx.con, "snapshots", SNAPSHOT_COLUMNS, fresh)


def _embedded_snapshot_rows(ctx: BuildContext, source_id: str, count: int) -> tuple[list, list]:
    """sor_sources and snapshots rows for the public files behind an embedded extract."""
    src_rows, snap_rows = [], []
    for p in provenance(ctx.data_dir).get(source_id, []):
        src_rows.append(
            [source_id, p["sha256"], p["url"], "embedded", p["file"], p["retrieved_at"], count]
        )
        retrieved = p["retrieved_at"] or "1970-01-01"
        snap_rows.append(
            [
                p["sha256"],
                source_id,
                p["url"],
                None,
                p["file"],
                retrieved[:19].replace("T", " ").replace("Z", ""),
                p.get("published_at") or None,
                p.get("media_type") or None,
                int(p["bytes"]) if p.get("bytes") else None,
                None,
                "embedded",
                (p.get("published_at") or retrieved)[:10],
                "published" if p.get("published_at") else "retrieved",
                0,
            ]
        )
    return src_rows, snap_rows


def _load(ctx: BuildContext, source_id: str, parser: str, embedded_reader):
    """(result, origin) from the newest parseable store snapshot, else the embedded extract."""
    src = ctx.sources.get(source_id)
    fn = getattr(src.module, parser, None) if src is not None else None
    for snap in reversed(_store_snapshots(ctx, source_id)):
        if fn is None:
            break
        path = ctx.store.path_for(snap.sha256)
        try:
            result = fn(path)
        except ValueError as exc:  # ParseError: keep going with an older snapshot or the extract
            ctx.findings.append(
                Finding(
                    "warning",
                    "schema_drift",
                    source_id,
                    snap.filename,
                    "",
                    f"snapshot {snap.sha256[:12]} skipped: {exc}",
                )
            )
            continue
        return result, ("store", snap, str(path))
    path = extract_dir(ctx.data_dir) / EXTRACT[source_id]
    if path.is_file():
        return embedded_reader(path), ("embedded", None, str(path))
    return None, None


def _services(ctx: BuildContext) -> list[str]:
    names = [r[0] for r in ctx.con.execute("SELECT DISTINCT service FROM sor_pd_stage").fetchall()]
    rows, unmatched = [], []
    for name in sorted(names):
        hit = ctx.reg.platform(name)
        rows.append([name, hit[0] if hit else None, (hit[1] or None) if hit else None])
        if not hit:
            unmatched.append(name)
    insert_rows(ctx.con, "sor_services", ["service", "platform", "service_id"], rows)
    return unmatched


def _platform_daily(ctx: BuildContext) -> None:
    table, origin = _load(ctx, SUMMARY, "parse_platform_daily", pq.read_table)
    if table is None or origin is None:
        return
    con = ctx.con
    con.register("sor_pd_arrow", table)
    try:
        con.execute("CREATE TEMP TABLE sor_pd_stage AS SELECT * FROM sor_pd_arrow")
    finally:
        con.unregister("sor_pd_arrow")
    bad = con.execute(
        "SELECT DISTINCT field FROM sor_pd_stage WHERE NOT list_contains(?, field)", [list(FIELDS)]
    ).fetchall()
    for (f,) in bad:
        ctx.findings.append(
            Finding("warning", "sor_unknown_field", SUMMARY, "", "", f"field {f!r} kept as it is")
        )
    unmatched = _services(ctx)
    con.execute(
        """INSERT INTO sor_platform_daily
           SELECT s.date, v.platform, s.service, s.field, s.code, s.statements, ?
           FROM sor_pd_stage s JOIN sor_services v USING (service)
           ORDER BY s.field, s.service, s.code, s.date""",
        [SUMMARY],
    )
    con.execute("DROP TABLE sor_pd_stage")
    con.execute(ROLLUPS)
    n = table.num_rows
    kind, snap, path = origin
    if kind == "store":
        _record_sources(
            ctx,
            [[SUMMARY, snap.sha256, snap.url, "store", snap.filename, snap.retrieved_at, n]],
            [_snapshot_row(snap, "store", path)],
        )
    else:
        _record_sources(ctx, *_embedded_snapshot_rows(ctx, SUMMARY, n))
    if unmatched:
        ctx.findings.append(
            Finding(
                "warning",
                "sor_unknown_platform",
                SUMMARY,
                "",
                "",
                f"{len(unmatched)} platform name(s) not in the registry (platform NULL): "
                + ", ".join(unmatched[:25]),
            )
        )
    ctx.stats["sor_platform_daily_rows"] = n


def _read_counts_extract(path: Path) -> list[tuple[date, int, int | None]]:
    out = []
    for r in csv.DictReader(path.open(newline="", encoding="utf-8")):
        conv = r.get("downloader_rows") or ""
        out.append(
            (
                date.fromisoformat(r["date"]),
                int(r["official_statements"]),
                int(conv) if conv else None,
            )
        )
    return out


def _official_daily(ctx: BuildContext) -> None:
    counts, origin = _load(ctx, COUNTS, "parse_daily_counts", _read_counts_extract)
    if counts is None or origin is None:
        return
    rows = [
        [c[0], c[1], c[2], COUNTS]
        if isinstance(c, tuple)
        else [c.date, c.official, c.converted, COUNTS]
        for c in counts
    ]
    insert_rows(
        ctx.con,
        "sor_official_daily",
        ["date", "official_statements", "downloader_rows", "source_id"],
        rows,
    )
    kind, snap, path = origin
    if kind == "store":
        _record_sources(
            ctx,
            [[COUNTS, snap.sha256, snap.url, "store", snap.filename, snap.retrieved_at, len(rows)]],
            [_snapshot_row(snap, "store", path)],
        )
    else:
        _record_sources(ctx, *_embedded_snapshot_rows(ctx, COUNTS, len(rows)))
    ctx.stats["sor_official_daily_rows"] = len(rows)
    differing = ctx.con.execute(
        """SELECT date, official_statements, dump_statements, difference FROM sor_reconciliation
           WHERE dump_statements IS NOT NULL AND difference <> 0 ORDER BY date"""
    ).fetchall()
    for day, official, dump, diff in differing:
        ctx.findings.append(
            Finding(
                "warning",
                "sor_official_count",
                COUNTS,
                "",
                str(day),
                f"the download table counts {official:,} statements for {day}, the dump holds "
                f"{dump:,} ({diff:+,}); see view sor_reconciliation",
            )
        )
    ctx.stats["sor_reconciliation_days_differing"] = len(differing)


def _report_lists(ctx: BuildContext) -> None:
    src = ctx.sources.get(LISTS)
    fn = getattr(src.module, "parse_report_list", None) if src is not None else None
    rows: list[list] = []
    # store snapshots of the pages, when there are any, replace the embedded captures
    snaps = _store_snapshots(ctx, LISTS) if fn is not None else []
    src_rows, snap_rows = [], []
    for snap in snaps:
        path = ctx.store.path_for(snap.sha256)
        try:
            reports = fn(path, page_url=snap.url, capture=snap.retrieved_at[:10])  # type: ignore[misc]
        except ValueError as exc:
            ctx.findings.append(
                Finding(
                    "warning",
                    "schema_drift",
                    LISTS,
                    snap.filename,
                    "",
                    f"snapshot {snap.sha256[:12]} skipped: {exc}",
                )
            )
            continue
        rows.extend([getattr(r, c) for c in REPORT_LIST_COLUMNS] for r in reports)
        src_rows.append(
            [LISTS, snap.sha256, snap.url, "store", snap.filename, snap.retrieved_at, len(reports)]
        )
        snap_rows.append(_snapshot_row(snap, "store", str(path)))
    if not snaps:
        path = extract_dir(ctx.data_dir) / EXTRACT[LISTS]
        if not path.is_file():
            return
        for r in csv.DictReader(path.open(newline="", encoding="utf-8")):
            rows.append([r[c] or None for c in REPORT_LIST_COLUMNS])
        src_rows, snap_rows = _embedded_snapshot_rows(ctx, LISTS, len(rows))
    plat = {}
    for service in {r[0] for r in rows}:
        hit = ctx.reg.platform(service)
        plat[service] = hit[0] if hit else None
    insert_rows(
        ctx.con,
        "dsa_report_list",
        ["service", "platform", *REPORT_LIST_COLUMNS[1:], "source_id"],
        [[r[0], plat[r[0]], *r[1:], LISTS] for r in rows],
    )
    _record_sources(ctx, src_rows, snap_rows)
    ctx.stats["dsa_report_list_rows"] = len(rows)


def inputs() -> list[Path]:
    return []  # data/ and the store's sidecars are fingerprinted by every build


def step(ctx: BuildContext) -> None:
    ctx.con.execute(SCHEMA.read_text())
    _platform_daily(ctx)
    _official_daily(ctx)
    _report_lists(ctx)


step.inputs = inputs  # type: ignore[attr-defined]
