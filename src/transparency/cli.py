"""The ``transparency`` command line: build the warehouse, inspect sources, parse and add raw
files, list revisions, serve the dashboard. Every command has ``--help``."""

from __future__ import annotations

import csv
import importlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import paths

app = typer.Typer(
    help="Platform-accountability observatory: transparency reports, DSA data and regulator "
    "actions in one DuckDB warehouse with full provenance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console()

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Warehouse file [default: var/warehouse.duckdb, or $TRANSPARENCY_DB]."
    ),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error to stderr and return the exit to raise."""
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


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
    from .build import BuildError
    from .build import build as run_build

    progress = Progress(
        TextColumn("[bold]build[/] {task.description:<14}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
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
    from .warehouse import WarehouseMissing, connect_readonly
    from .warehouse import checksums as sums

    try:
        con = connect_readonly(db)
    except WarehouseMissing as exc:
        raise fail(str(exc)) from None
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["table", "rows", "md5"])
    for name, (rows, digest) in sums(con).items():
        w.writerow([name, rows, digest])


@app.command()
def sources() -> None:
    """List every declared source: id, publisher, kind, format, cadence, licence."""
    from .sources import all_sources

    table = Table()
    for col in ("id", "publisher", "kind", "formats", "cadence", "licence"):
        table.add_column(col, overflow="fold")
    for sid, src in sorted(all_sources().items()):
        d = src.decl
        table.add_row(sid, d.publisher, d.kind, ", ".join(d.formats), d.cadence, d.licence)
    out.print(table)


@app.command()
def parse(
    source_id: Annotated[
        str, typer.Argument(help="A declared source id (see `transparency sources`).")
    ],
    path: Annotated[Path, typer.Argument(help="A raw file as published by the source.")],
) -> None:
    """Parse one raw file and write its normalised observations as CSV on stdout.

    Columns: platform,service,scope,period_start,period_end,policy_area,metric,value,unit,
    raw_policy_label,raw_metric_label. Exit 2 with a one-line error when the file cannot be read.
    """
    from . import registries
    from .normalise import CONTRACT_COLUMNS, Context, normalise
    from .parsing import parse_file
    from .records import ParseError
    from .sources import UnknownSource, get_source
    from .store import sha256_file

    try:
        source = get_source(source_id)
        result = parse_file(source, path)
    except (UnknownSource, ParseError) as exc:
        raise fail(str(exc)) from None
    reg = registries.load()
    sha = sha256_file(path) if path.is_file() else ""
    rows, findings = normalise(
        result.records,
        reg,
        Context(
            source_id, source.decl.reporter, sha, result.release_date or date.today(), path.name
        ),
    )
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(CONTRACT_COLUMNS)
    for r in rows:
        w.writerow(
            [
                "" if r[c] is None else (_num(r[c]) if c == "value" else r[c])
                for c in CONTRACT_COLUMNS
            ]
        )
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    for f in findings:
        console.print(f"[yellow]warning:[/] {f}", highlight=False, soft_wrap=True)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


@app.command()
def add(
    source_id: Annotated[str, typer.Argument(help="The source the file belongs to.")],
    path: Annotated[Path, typer.Argument(help="The raw file, downloaded by hand.")],
    url: Annotated[str, typer.Option("--url", help="The public URL the file was downloaded from.")],
    retrieved: Annotated[
        str | None, typer.Option("--retrieved", help="Retrieval date (YYYY-MM-DD) [default: now].")
    ] = None,
    published: Annotated[
        str, typer.Option("--published", help="Publication (release) date, if known.")
    ] = "",
    build_after: Annotated[
        bool, typer.Option("--build/--no-build", help="Rebuild the warehouse afterwards.")
    ] = False,
) -> None:
    """Import a raw file a person downloaded by hand into the snapshot store.

    The file is parsed first: a file its source cannot read is refused (exit 2) and nothing is
    stored. From the store it flows exactly like a fetched file.
    """
    from .parsing import parse_file
    from .records import ParseError
    from .sources import UnknownSource, get_source
    from .store import SnapshotStore

    try:
        source = get_source(source_id)
        for d in (retrieved, published):
            if d:
                date.fromisoformat(d[:10])
        result = parse_file(source, path)
    except (UnknownSource, ParseError) as exc:
        raise fail(str(exc)) from None
    except ValueError as exc:
        raise fail(f"bad date: {exc}") from None
    snap, new = SnapshotStore().put_file(
        path,
        source_id=source_id,
        url=url,
        retrieved_at=(retrieved + "T00:00:00Z")
        if retrieved and len(retrieved) == 10
        else retrieved,
        published_at=published,
        method="manual",
    )
    state = "stored" if new else "already stored"
    out.print(
        f"{state}: {path.name} -> snapshot {snap.sha256} ({len(result.records)} records, {len(result.warnings)} warnings)"
    )
    if build_after:
        build(db=None, force=False, quiet=False)


@app.command()
def embed(
    store_dir: Annotated[
        Path | None, typer.Option("--store", help="Snapshot store to read [default: var/store].")
    ] = None,
) -> None:
    """Refresh the embedded default release (data/release/) from the snapshot store.

    Parses every stored snapshot with the current parsers and rewrites data/release/, so a fresh
    clone builds the same warehouse offline. See scripts/refresh_embedded.py for the whole loop.
    """
    from . import release
    from .parsing import parse_snapshot
    from .records import ParseError
    from .sources import all_sources
    from .store import SnapshotStore

    store = SnapshotStore(store_dir) if store_dir else SnapshotStore()
    sources = all_sources()
    parsed = []
    for snap in store:
        src = sources.get(snap.source_id)
        if src is None or getattr(src.module, "OBSERVATIONS", True) is False:
            continue
        try:
            result, vintage, basis = parse_snapshot(src, snap, store)
        except ParseError as exc:
            raise fail(str(exc)) from None
        parsed.append((snap, result, vintage, basis))
    counts = release.write(parsed)
    for sid, n in counts.items():
        out.print(f"{sid}: {n:,} records")
    out.print(f"embedded release written to {paths.release_dir()} ({len(parsed)} snapshots)")


@app.command()
def revisions(
    db: DbOption = None,
    platform: Annotated[
        str | None, typer.Option("--platform", help="Only this platform id.")
    ] = None,
    metric: Annotated[str | None, typer.Option("--metric", help="Only this metric id.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many rows (0: all).")] = 0,
) -> None:
    """List values a source restated in a later release (old and new value, both vintages), as CSV."""
    from .warehouse import WarehouseMissing, connect_readonly

    try:
        con = connect_readonly(db)
    except WarehouseMissing as exc:
        raise fail(str(exc)) from None
    sql = (
        "SELECT platform, service, scope, period_label, policy_area, metric, old_value, new_value, change, "
        "old_vintage, new_vintage, old_url, new_url, raw_policy_label, raw_metric_label FROM revisions "
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


@app.command("new-source")
def new_source(
    source_id: Annotated[
        str,
        typer.Argument(help="The new source's id, lower_snake_case (e.g. pinterest_transparency)."),
    ],
    publisher: Annotated[
        str, typer.Option("--publisher", help="Who publishes it.")
    ] = "TODO publisher",
    title: Annotated[str, typer.Option("--title", help="What it is.")] = "TODO title",
    platform_label: Annotated[
        str, typer.Option("--platform-label", help="The platform name as the files print it.")
    ] = "Example",
) -> None:
    """Scaffold a new source: scrapers/ID.py, data/labels/ID.csv, tests/fixtures/ID/, tests/sources/test_ID.py.

    The scaffold parses a tidy CSV and its test passes at once; then follow docs/adding-a-source.md.
    """
    from .scaffold import scaffold

    try:
        written = scaffold(source_id, publisher, title, platform_label)
    except (ValueError, FileExistsError) as exc:
        raise fail(str(exc)) from None
    for path in written:
        out.print(f"wrote {path.relative_to(paths.REPO_ROOT)}")


@app.command()
def dashboard(
    db: DbOption = None,
    port: Annotated[int, typer.Option("--port", help="Port on localhost.")] = 8501,
) -> None:
    """Serve the dashboard headless on localhost (no browser opened, no usage statistics)."""
    db_path = Path(db or paths.default_db()).resolve()
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


# The commands of the other domains live in their own modules (cli_<domain>.py), each adding its
# commands to `app` when imported. Add a module's name here to make its commands available.
CLI_MODULES: list[str] = ["cli_scrape", "cli_export", "cli_actions", "cli_sor"]
for _name in CLI_MODULES:
    importlib.import_module(f"transparency.{_name}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
