"""``transparency scrape``: fetch sources, store new snapshots, rebuild, report each outcome."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from transparency.cli.app import app, console, fail, out


@app.command()
def scrape(
    source_ids: Annotated[
        list[str] | None, typer.Argument(help="Sources to fetch [default: all].")
    ] = None,
    build_after: Annotated[
        bool,
        typer.Option(
            "--build/--no-build", help="Rebuild the warehouse when something new arrived."
        ),
    ] = True,
) -> None:
    """Fetch every (or the named) source, store new snapshots, rebuild the warehouse.

    Prints each source's outcome (new release, unchanged, failed and why). One failing source never
    stops the others, and nothing already stored is changed. Exits 1 when any source failed
    (with no network, each source says so and nothing changes).
    """
    from transparency.acquisition.scrape import scrape as run_scrape
    from transparency.acquisition.scrape import write_report
    from transparency.acquisition.sources import UnknownSource, all_sources, get_source
    from transparency.build.compose import BuildError, build

    try:
        sources = (
            [get_source(s) for s in source_ids] if source_ids else list(all_sources().values())
        )
    except UnknownSource as exc:
        raise fail(str(exc)) from None
    with console.status("fetching") as status:
        runs = run_scrape(sources, on_source=lambda sid: status.update(f"fetching {sid}"))
    table = Table(title="scrape")
    for col in ("source", "outcome", "detail"):
        table.add_column(col, overflow="fold")
    colour = {"new": "green", "unchanged": "dim", "failed": "red", "no fetcher": "yellow"}
    for r in runs:
        table.add_row(r.source_id, f"[{colour[r.status]}]{r.status}[/]", r.detail)
    out.print(table)
    console.print(f"run report: {write_report(runs)}")
    if build_after and any(r.status == "new" for r in runs):
        try:
            report = build()
            console.print(f"warehouse rebuilt: {report.tables['observations'][0]:,} observations")
        except BuildError as exc:
            raise fail(str(exc), 1) from None
    if any(r.failed for r in runs):
        raise typer.Exit(1)
