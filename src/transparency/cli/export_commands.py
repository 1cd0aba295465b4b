"""``transparency export``, ``query`` and ``release``: take the data out, with provenance."""

from __future__ import annotations

import csv
import hashlib
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from transparency.cli.app import DbOption, app, console, fail, out

Multi = list[str] | None


def _filters(
    platform,
    service,
    policy_area,
    metric,
    scope,
    reporter,
    source,
    period_from,
    period_to,
    as_of,
    all_vintages,
):
    from transparency.publishing.tidy_export import Filters

    def d(v: str | None, opt: str) -> date | None:
        if not v:
            return None
        try:
            return date.fromisoformat(v)
        except ValueError:
            raise fail(f"{opt}: {v!r} is not a date (YYYY-MM-DD)") from None

    return Filters(
        platform=platform or [],
        service=service or [],
        policy_area=policy_area or [],
        metric=metric or [],
        scope=scope or [],
        reporter=reporter or [],
        source=source or [],
        period_from=d(period_from, "--from"),
        period_to=d(period_to, "--to"),
        as_of=d(as_of, "--as-of"),
        all_vintages=all_vintages,
    )


def write_package(con, out_dir: Path, fmt: str, f, layout: str = "long"):
    """Export the selection plus its provenance resources and datapackage.json into out_dir."""
    from transparency.publishing import datapackage
    from transparency.publishing.tidy_export import export, export_table
    from transparency.warehouse.database import build_info

    main = export(con, out_dir, fmt, f, layout)
    source_ids = (
        main.source_ids
        if layout == "long"
        else [r[0] for r in con.execute("SELECT source_id FROM sources ORDER BY 1").fetchall()]
    )
    resources = [
        datapackage.resource(
            main.path,
            fmt,
            "Observations" if layout == "long" else f"Observations ({layout})",
            main.columns,
        )
    ]
    sel = "WHERE source_id IN (SELECT unnest(?::VARCHAR[]))"
    for table, order, where, params, title in (
        (
            "snapshots",
            "source_id, sha256",
            sel,
            [source_ids],
            "Raw public files the values came from (sha256, URL, retrieval date)",
        ),
        ("sources", "source_id", sel, [source_ids], "Sources: publisher, URLs, cadence, licence"),
        ("metrics", "metric", "", None, "Metric definitions and units"),
        (
            "policy_areas",
            "policy_area",
            "",
            None,
            "Harmonised policy areas (DSA categories and keywords)",
        ),
    ):
        res = export_table(con, out_dir, fmt, table, order, where, params)
        resources.append(datapackage.resource(res.path, fmt, title, res.columns))
    pkg = datapackage.write(
        out_dir,
        con,
        resources,
        filters=f.describe(),
        fingerprint=build_info(con).get("fingerprint", ""),
        source_ids=source_ids,
    )
    return main, pkg


@app.command()
def export(
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Folder to write the data files and datapackage.json into."),
    ],
    fmt: Annotated[str, typer.Option("--format", help="csv, parquet or json.")] = "csv",
    db: DbOption = None,
    platform: Annotated[Multi, typer.Option("--platform", help="Platform id (repeatable).")] = None,
    service: Annotated[Multi, typer.Option("--service", help="Service id (repeatable).")] = None,
    policy_area: Annotated[
        Multi,
        typer.Option("--policy-area", help="Policy area id; includes its children (repeatable)."),
    ] = None,
    metric: Annotated[Multi, typer.Option("--metric", help="Metric id (repeatable).")] = None,
    scope: Annotated[
        Multi, typer.Option("--scope", help="global, EU or a country code (repeatable).")
    ] = None,
    reporter: Annotated[
        Multi, typer.Option("--reporter", help="platform, NCMEC, ... (repeatable).")
    ] = None,
    source: Annotated[Multi, typer.Option("--source", help="Source id (repeatable).")] = None,
    period_from: Annotated[
        str | None, typer.Option("--from", help="Periods ending on or after this date.")
    ] = None,
    period_to: Annotated[
        str | None, typer.Option("--to", help="Periods starting on or before this date.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Values as published on this date (latest vintage not after it)."
        ),
    ] = None,
    all_vintages: Annotated[
        bool, typer.Option("--all-vintages", help="Every vintage, not only the current one.")
    ] = False,
    layout: Annotated[
        str, typer.Option("--layout", help="long (default), wide-platform or wide-metric.")
    ] = "long",
) -> None:
    """Export tidy observations with their source URL per row, as a Frictionless Data Package.

    With no filter it exports everything current. Writes observations.<format>, the provenance
    resources (snapshots, sources, metrics, policy_areas) and datapackage.json into --out.
    """
    from transparency.publishing.tidy_export import FORMATS, LAYOUTS
    from transparency.warehouse.database import WarehouseMissing, connect_readonly

    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}")
    if layout not in LAYOUTS:
        raise fail(f"--layout must be one of {', '.join(LAYOUTS)}")
    f = _filters(
        platform,
        service,
        policy_area,
        metric,
        scope,
        reporter,
        source,
        period_from,
        period_to,
        as_of,
        all_vintages,
    )
    try:
        con = connect_readonly(db)
    except WarehouseMissing as exc:
        raise fail(str(exc)) from None
    main, pkg = write_package(con, out_dir, fmt, f, layout)
    if main.rows == 0:
        console.print(f"[yellow]no observations match ({f.describe()})[/]")
    out.print(f"{main.rows:,} rows -> {main.path}; data package {pkg}")


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="A read-only SQL query against the warehouse.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table or csv.")] = "table",
    limit: Annotated[
        int, typer.Option("--limit", help="At most this many rows in table format.")
    ] = 50,
) -> None:
    """Run ad-hoc read-only SQL against the warehouse (tables: observations, snapshots, sources, ...)."""
    import duckdb

    from transparency.warehouse.database import WarehouseMissing, connect_readonly

    try:
        con = connect_readonly(db)
        cur = con.execute(sql)
    except WarehouseMissing as exc:
        raise fail(str(exc)) from None
    except duckdb.Error as exc:
        raise fail(f"query failed: {str(exc).splitlines()[0]}") from None
    if cur.description is None:
        return
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if fmt == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(names)
        w.writerows([["" if v is None else v for v in r] for r in rows])
        return
    table = Table(*names)
    for r in rows[:limit]:
        table.add_row(*("" if v is None else str(v) for v in r))
    out.print(table)
    if len(rows) > limit:
        console.print(f"{len(rows) - limit:,} more rows (use --format csv for all)")


@app.command()
def release(
    out_root: Annotated[
        Path, typer.Option("--out", help="Folder under which the dated bundle is written.")
    ] = Path("releases"),
    db: DbOption = None,
    day: Annotated[
        str | None, typer.Option("--date", help="Release date label [default: the newest vintage].")
    ] = None,
) -> None:
    """Write a dated, reproducible release bundle: the DuckDB file, CSV and Parquet exports of
    everything current, the data packages and a SHA256SUMS manifest.

    Rebuilding from the same snapshots gives byte-identical data files (the DuckDB file itself is
    not byte-stable; its table checksums are listed in CHECKSUMS.tables.csv instead).
    """
    from transparency.publishing.tidy_export import Filters
    from transparency.warehouse.database import WarehouseMissing, checksums, connect_readonly

    try:
        con = connect_readonly(db)
    except WarehouseMissing as exc:
        raise fail(str(exc)) from None
    newest = con.execute(
        "SELECT coalesce(max(vintage)::VARCHAR, 'empty') FROM observations"
    ).fetchone()
    label = day or str(newest[0] if newest else "empty")
    bundle = out_root / f"transparency-{label}"
    if bundle.exists():
        shutil.rmtree(bundle)
    for fmt in ("csv", "parquet"):
        write_package(con, bundle / fmt, fmt, Filters())
    from transparency import paths

    src_db = Path(db or paths.default_db())
    shutil.copy2(src_db, bundle / "warehouse.duckdb")
    with (bundle / "CHECKSUMS.tables.csv").open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["table", "rows", "md5"])
        for t, (n, d) in checksums(con).items():
            w.writerow([t, n, d])
    lines = []
    for f in sorted(p for p in bundle.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        lines.append(f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(bundle)}")
    (bundle / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    out.print(f"release bundle {bundle} ({len(lines)} files; manifest SHA256SUMS)")
