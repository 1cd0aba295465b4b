"""``transparency sources``, ``parse``, ``add``, ``embed`` and ``new-source``: the declared sources,
one raw file at a time, and the embedded release."""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from transparency import paths
from transparency.cli.app import app, console, fail, out


@app.command()
def sources() -> None:
    """List every declared source: id, publisher, kind, format, cadence, licence, verification.

    verification says how far the parser is checked: "real file", "real file, partial", or
    "layout written by the project, not yet checked against a live page".
    """
    from transparency.acquisition.sources import all_sources

    table = Table()
    for col in ("id", "publisher", "kind", "formats", "cadence", "licence", "verification"):
        table.add_column(col, overflow="fold")
    for sid, src in sorted(all_sources().items()):
        d = src.decl
        table.add_row(
            sid, d.publisher, d.kind, ", ".join(d.formats), d.cadence, d.licence, d.verification
        )
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
    from transparency.acquisition.parsing import parse_file
    from transparency.acquisition.sources import UnknownSource, get_source
    from transparency.acquisition.store import sha256_file
    from transparency.harmonisation import registries
    from transparency.harmonisation.normalise import CONTRACT_COLUMNS, Context, normalise
    from transparency.reading.records import ParseError

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
    from transparency.acquisition.parsing import parse_file
    from transparency.acquisition.sources import UnknownSource, get_source
    from transparency.acquisition.store import SnapshotStore
    from transparency.reading.records import ParseError

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
        from transparency.cli.warehouse_commands import build

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
    from transparency.acquisition import embedded_release as release
    from transparency.acquisition.parsing import parse_snapshot
    from transparency.acquisition.sources import all_sources
    from transparency.acquisition.store import SnapshotStore
    from transparency.reading.records import ParseError

    store_path = store_dir or paths.store_dir()
    if not store_path.is_dir():
        what = "is a file" if store_path.exists() else "does not exist"
        raise fail(f"--store {store_path} {what}: give the snapshot store folder (var/store)")
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
    if not parsed:  # writing would empty data/release/
        raise fail(
            f"the store {store_path} holds no snapshot of a source with observations: "
            "nothing to embed; data/release/ is unchanged"
        )
    counts = release.write(parsed)
    for sid, n in counts.items():
        out.print(f"{sid}: {n:,} records")
    out.print(f"embedded release written to {paths.release_dir()} ({len(parsed)} snapshots)")


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
    from transparency.acquisition.scaffold import scaffold

    try:
        written = scaffold(source_id, publisher, title, platform_label)
    except (ValueError, FileExistsError) as exc:
        raise fail(str(exc)) from None
    for path in written:
        out.print(f"wrote {path.relative_to(paths.REPO_ROOT)}")
