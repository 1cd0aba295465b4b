"""``transparency scrape``: fetch sources, store new snapshots, rebuild, report each outcome;
``--check``: fetch each source's live files and say whether its parser still reads them."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Annotated

import typer
from rich.table import Table

from transparency.cli.app import app, console, fail, out

COLOUR = {
    "new": "green",
    "unchanged": "dim",
    "failed": "red",
    "no fetcher": "yellow",
    "reads": "green",
    "does not read": "red",
    "fetch failed": "red",
}


class _Progress:
    """One line per source as it finishes (on stderr): ``[3/19] meta_cser: failed (1.2 s) no network``."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.t0 = total, 0, time.monotonic()
        self.lock = threading.Lock()

    def __call__(self, source_id: str, status: str, detail: str) -> None:
        with self.lock:
            self.done += 1
            colour = COLOUR.get(status, "white")
            console.print(
                f"[{self.done}/{self.total}] {source_id}: [{colour}]{status}[/] "
                f"({time.monotonic() - self.t0:.1f} s) {detail}",
                highlight=False,
                soft_wrap=True,
            )


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
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Fetch each source's live files into a temporary store and say, per source, "
            "whether its parser still reads them, what it found and what changed. Stores nothing.",
        ),
    ] = False,
) -> None:
    """Fetch every (or the named) source, store new snapshots, rebuild the warehouse.

    Prints each source's outcome (new release, unchanged, failed and why) as it finishes, then a
    table and a summary. One failing source never stops the others, and nothing already stored is
    changed. Exits 1 when any source failed (with no network, each source says so within seconds
    and nothing changes). With --check, nothing is stored: each source's live files are parsed
    and compared with what the project holds; exits 1 when any source fails or no longer parses.
    """
    from transparency.acquisition.sources import UnknownSource, all_sources, get_source

    try:
        sources = (
            [get_source(s) for s in source_ids] if source_ids else list(all_sources().values())
        )
    except UnknownSource as exc:
        raise fail(str(exc)) from None
    if check:
        _check(sources)
        return
    from transparency.acquisition.scrape import scrape as run_scrape
    from transparency.acquisition.scrape import write_report
    from transparency.build.compose import BuildError, build

    progress = _Progress(len(sources))
    console.print(f"fetching {len(sources)} source(s)", highlight=False)
    runs = run_scrape(sources, on_done=lambda r: progress(r.source_id, r.status, r.detail))
    table = Table(title="scrape")
    for col in ("source", "outcome", "detail"):
        table.add_column(col, overflow="fold")
    for r in runs:
        table.add_row(r.source_id, f"[{COLOUR[r.status]}]{r.status}[/]", r.detail)
    out.print(table)
    counts = Counter(r.status for r in runs)
    offline = sum(r.failed and r.detail == "no network" for r in runs)
    summary = ", ".join(f"{counts[k]} {k}" for k in ("new", "unchanged", "failed", "no fetcher"))
    if offline:
        summary += f" ({offline} with no network)"
    console.print(
        f"{len(runs)} source(s) in {time.monotonic() - progress.t0:.1f} s: {summary}",
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"run report: {write_report(runs)}")
    if build_after and any(r.status == "new" for r in runs):
        try:
            report = build()
            console.print(f"warehouse rebuilt: {report.tables['observations'][0]:,} observations")
        except BuildError as exc:
            raise fail(str(exc), 1) from None
    failed = sum(r.failed for r in runs)
    if failed:
        why = " (no network)" if offline == failed else ""
        raise fail(f"{failed} of {len(runs)} source(s) failed{why}; see above", 1)


def _check(sources: list) -> None:
    from transparency.build.live_check import check as run_check

    progress = _Progress(len(sources))
    console.print(f"checking {len(sources)} source(s) against their live pages", highlight=False)
    results = run_check(sources, on_done=lambda r: progress(r.source_id, r.verdict, r.found))
    table = Table(title="scrape --check")
    for col in ("source", "verification", "parser", "found", "what changed"):
        table.add_column(col, overflow="fold")
    for r in results:
        table.add_row(
            r.source_id,
            r.verification,
            f"[{COLOUR[r.verdict]}]{r.verdict}[/]",
            r.found,
            r.changed,
        )
    out.print(table)
    counts = Counter(r.verdict for r in results)
    console.print(
        f"{len(results)} source(s): "
        + ", ".join(
            f"{counts[k]} {k}" for k in ("reads", "does not read", "fetch failed", "no fetcher")
        ),
        highlight=False,
    )
    failed = sum(r.failed for r in results)
    if failed:
        raise fail(f"{failed} of {len(results)} source(s) failed or no longer parse; see above", 1)
