"""``transparency build``, ``checksums``, ``revisions`` and ``dashboard``: make the warehouse, check
it, read its restatements, serve it."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from transparency import paths
from transparency.cli.app import (
    DbOption,
    PortOption,
    app,
    check_port_free,
    check_warehouse_target,
    console,
    fail,
    open_warehouse,
    out,
)


@app.command()
def build(
    db: DbOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even when no input changed.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Build the warehouse from data/ (the embedded default) plus the local snapshot store.

    Writes a new file and swaps it in atomically: a crash or bad input never loses the previous
    warehouse. Exits 1 when validation finds errors (each named with source, file and row).
    """
    from transparency.build.compose import BuildError
    from transparency.build.compose import build as run_build

    check_warehouse_target(Path(db or paths.default_db()))
    progress = Progress(
        TextColumn("[bold]build[/] {task.description:<14}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    )
    task = progress.add_task("inputs", total=1)

    def on_step(name: str, i: int, n: int) -> None:
        progress.update(task, description=name, completed=i, total=n)

    try:
        with progress:
            report = run_build(db, force=force, on_step=on_step)
    except BuildError as exc:
        raise fail(str(exc), 1) from None
    if quiet:
        return
    if report.up_to_date:
        console.print(
            f"warehouse {report.db} is up to date (inputs unchanged); use --force to rebuild"
        )
    table = Table(title=f"warehouse {report.db}", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("checksum (md5)")
    for name, (rows, digest) in report.tables.items():
        table.add_row(name, f"{rows:,}", digest)
    out.print(table)
    drift = [f for f in report.findings if f.check == "schema_drift"]
    for f in drift:
        console.print(f"[bold red]schema drift:[/] {f}", highlight=False, soft_wrap=True)
    warnings = [f for f in report.findings if f.severity == "warning" and f.check != "schema_drift"]
    if warnings:
        console.print(
            f"[yellow]{len(warnings)} warning(s)[/] recorded in table findings; first ones:"
        )
        for f in warnings[:10]:
            console.print(f"  {f}", highlight=False, soft_wrap=True)


@app.command()
def checksums(db: DbOption = None) -> None:
    """Print row count and checksum of every warehouse table (to compare two builds)."""
    from transparency.warehouse.database import checksums as sums

    con = open_warehouse(db)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["table", "rows", "md5"])
    for name, (rows, digest) in sums(con).items():
        w.writerow([name, rows, digest])


@app.command()
def revisions(
    db: DbOption = None,
    platform: Annotated[
        str | None, typer.Option("--platform", help="Only this platform id.")
    ] = None,
    metric: Annotated[str | None, typer.Option("--metric", help="Only this metric id.")] = None,
    limit: Annotated[
        int, typer.Option("--limit", help="At most this many rows (0: all).", min=0)
    ] = 0,
) -> None:
    """List values a source restated in a later release (old and new value, both vintages), as CSV.

    The last columns name the source, both files, the relative change and whether the new file
    said so (a footnote or note) or changed the value silently."""
    con = open_warehouse(db)
    sql = (
        "SELECT platform, service, scope, period_label, policy_area, metric, old_value, new_value, change, "
        "old_vintage, new_vintage, old_url, new_url, raw_policy_label, raw_metric_label, "
        "source_id, old_file, new_file, relative_change, said_by_publisher FROM revisions "
        "WHERE ($platform IS NULL OR platform = $platform) AND ($metric IS NULL OR metric = $metric) "
        "ORDER BY platform, service, policy_area, metric, period_start, new_vintage"
    )
    cur = con.execute(sql, {"platform": platform, "metric": metric})
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow([d[0] for d in cur.description])
    for i, row in enumerate(cur.fetchall()):
        if limit and i >= limit:
            break
        w.writerow(["" if v is None else v for v in row])


@app.command()
def dashboard(
    db: DbOption = None,
    port: PortOption = 8501,
) -> None:
    """Serve the dashboard headless on localhost (no browser opened, no usage statistics).

    A missing warehouse is explained on the page; a --db that is a folder or not a warehouse, or a
    port in use, is refused before anything starts.
    """
    from transparency.warehouse.database import WarehouseMissing, check_warehouse_file

    db_path = Path(db or paths.default_db()).resolve()
    try:
        check_warehouse_file(db_path)
    except WarehouseMissing:
        console.print(f"note: no warehouse at {db_path} yet: the page says how to build it")
    except OSError as exc:
        raise fail(str(exc)) from None
    check_port_free(port)
    entry = paths.REPO_ROOT / "dashboard" / "app.py"
    env = {
        **os.environ,
        "TRANSPARENCY_DB": str(db_path),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    console.print(f"dashboard on http://localhost:{port}/ reading {db_path} (Ctrl+C to stop)")
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(entry),
        "--server.headless",
        "true",
        "--server.address",
        "localhost",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--runner.magicEnabled",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "minimal",
    ]
    try:
        raise typer.Exit(subprocess.call(cmd, env=env))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
