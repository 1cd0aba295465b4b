"""``transparency export``, ``query`` and ``release``: take the data out, with provenance."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from transparency.cli.app import (
    DbOption,
    app,
    check_writable_dir,
    console,
    fail,
    open_warehouse,
    out,
)

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
    from transparency.publishing.staging import staged_dir
    from transparency.publishing.tidy_export import FORMATS, LAYOUTS

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
    check_writable_dir(out_dir)
    con = open_warehouse(db)
    with staged_dir(out_dir) as tmp:  # nothing half-written in --out on failure or Ctrl+C
        main, pkg = write_package(con, tmp, fmt, f, layout)
    if main.rows == 0:
        console.print(f"[yellow]no observations match ({f.describe()})[/]")
    out.print(
        f"{main.rows:,} rows -> {out_dir / main.path.name}; data package {out_dir / pkg.name}"
    )


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="A read-only SQL query against the warehouse.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table or csv.")] = "table",
    limit: Annotated[
        int, typer.Option("--limit", help="At most this many rows in table format.", min=0)
    ] = 50,
    max_rows: Annotated[
        int,
        typer.Option(
            "--max-rows", help="Stop (exit 1) when the result has more rows than this.", min=1
        ),
    ] = 1_000_000,
    timeout: Annotated[
        float,
        typer.Option("--timeout", help="Stop (exit 1) a query running longer (seconds).", min=0.1),
    ] = 60.0,
) -> None:
    """Run ad-hoc read-only SQL against the warehouse (tables: observations, snapshots, sources, ...).

    Only reading statements (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN, reading PRAGMAs) over
    the warehouse's own tables and views: no file or URL is read or written, no extension installed
    or loaded, no setting changed. Every DuckDB type prints (time-zone timestamps, intervals, lists,
    structs, blobs as DuckDB writes them as text).
    """
    from transparency.publishing.query import QueryFailed, QueryRefused, connect, run

    if fmt not in ("table", "csv"):
        raise fail(f"--format must be table or csv, not {fmt!r}")
    con = open_warehouse(db, connect)
    try:
        res = run(con, sql, max_rows=max_rows, timeout=timeout)
    except QueryRefused as exc:
        raise fail(str(exc)) from None
    except QueryFailed as exc:
        raise fail(str(exc), 1) from None
    finally:
        con.close()
    if not res.columns:
        return
    rows = [["" if v is None else v for v in r] for r in res.rows]
    if fmt == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(res.columns)
        w.writerows(rows)
        if res.truncated:
            raise fail(
                f"row limit reached: only the first {max_rows:,} rows were written; narrow the "
                "query or raise --max-rows",
                1,
            )
        return
    table = Table()
    for c in res.columns:  # Text: a name or value is never read as markup
        table.add_column(Text(c))
    for r in rows[:limit]:
        table.add_row(*(Text(str(v)) for v in r))
    out.print(table)
    more = len(rows) - limit
    if res.truncated:
        console.print(f"more than {max_rows - limit:,} more rows (use --format csv for all)")
    elif more > 0:
        console.print(f"{more:,} more rows (use --format csv for all)")


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
    from transparency import paths
    from transparency.publishing.staging import staged_dir
    from transparency.publishing.tidy_export import Filters
    from transparency.warehouse.database import checksums

    if day is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", day):
        raise fail(
            f"--date: {day!r} is not a label (a date such as 2025-06-30; letters, digits, . _ -)"
        )
    check_writable_dir(out_root)
    con = open_warehouse(db)
    newest = con.execute(
        "SELECT coalesce(max(vintage)::VARCHAR, 'empty') FROM observations"
    ).fetchone()
    label = day or str(newest[0] if newest else "empty")
    bundle = out_root / f"transparency-{label}"
    if bundle.exists() and not bundle.is_dir():
        raise fail(f"{bundle} is a file: move it away or choose another --out")
    src_db = Path(db or paths.default_db())
    with staged_dir(bundle, replace=True) as tmp:  # the old bundle stays until the new one is whole
        for fmt in ("csv", "parquet"):
            write_package(con, tmp / fmt, fmt, Filters())
        shutil.copy2(src_db, tmp / "warehouse.duckdb")
        with (tmp / "CHECKSUMS.tables.csv").open("w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["table", "rows", "md5"])
            for t, (n, d) in checksums(con).items():
                w.writerow([t, n, d])
        lines = []
        for f in sorted(p for p in tmp.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
            lines.append(f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(tmp)}")
        (tmp / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    out.print(f"release bundle {bundle} ({len(lines)} files; manifest SHA256SUMS)")
