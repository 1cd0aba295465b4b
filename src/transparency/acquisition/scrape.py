"""``transparency scrape``: fetch every (or the named) source, each in isolation.

One failing source never stops the others; each gets an outcome (new release, unchanged, failed
and why, or no fetcher). Snapshots already stored are never touched, so the last good one stays.
The run report is printed and kept as JSON under ``<home>/runs/``.

Sources are fetched a few at a time (each with its own polite client, so the per-host interval
and retries still hold) and each outcome is reported as soon as it is known; offline, every host
fails its first-contact probe within seconds (see :mod:`transparency.acquisition.fetching`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from transparency import paths
from transparency.acquisition.fetching import FetchOutcome, FetchPolicy, client_for, probe_all
from transparency.acquisition.sources import Source
from transparency.acquisition.store import SnapshotStore


@dataclass
class SourceRun:
    source_id: str
    status: str  # "new", "unchanged", "failed", "no fetcher"
    detail: str = ""
    outcomes: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def _summarise(source_id: str, outcomes: list[FetchOutcome]) -> SourceRun:
    rows = [
        {
            "url": o.url,
            "status": o.status,
            "sha256": o.snapshot.sha256 if o.snapshot else "",
            "message": o.message,
        }
        for o in outcomes
    ]
    failed = [o for o in outcomes if o.status == "failed"]
    new = [o for o in outcomes if o.status == "new"]
    if failed:
        no_net = all("no network" in o.message for o in failed)
        detail = "no network" if no_net else "; ".join(o.message for o in failed)
        return SourceRun(source_id, "failed", detail, rows)
    if new:
        return SourceRun(
            source_id,
            "new",
            f"{len(new)} new file(s): " + ", ".join(o.snapshot.filename for o in new if o.snapshot),
            rows,
        )
    if not outcomes:
        return SourceRun(source_id, "unchanged", "nothing published to fetch", rows)
    return SourceRun(source_id, "unchanged", f"{len(outcomes)} file(s) unchanged", rows)


PARALLEL = 6  # sources fetched at once (different publishers: politeness is per host)


def first_contacts(src: Source) -> list[str]:
    """URLs of the hosts a source's fetch will contact first: those of its homepage and download
    URLs, and its declared hosts, which may be domains (``microsoft.com``), with their ``www.``."""
    d = src.decl
    urls = [u for u in (d.homepage, *d.download_urls) if u.startswith(("http://", "https://"))]
    for h in d.hosts:
        urls += [f"https://{h}/"] + ([f"https://www.{h}/"] if not h.startswith("www.") else [])
    return urls


def scrape_one(
    src: Source,
    store: SnapshotStore,
    *,
    transport: httpx.BaseTransport | None = None,
    policy: FetchPolicy | None = None,
) -> SourceRun:
    """Fetch one source in isolation: whatever goes wrong becomes its own failed outcome."""
    t0 = time.monotonic()
    if src.fetch is None:
        run = SourceRun(
            src.id, "no fetcher", "this source has no fetch (add files with `transparency add`)"
        )
    else:
        try:
            with client_for(
                src.decl, transport=transport, policy=policy or FetchPolicy()
            ) as client:
                outcomes = list(src.fetch(client, store))
        except Exception as exc:  # isolation: a broken fetcher fails its own source only
            run = SourceRun(src.id, "failed", f"{type(exc).__name__}: {exc}")
        else:
            run = _summarise(src.id, outcomes)
    run.seconds = round(time.monotonic() - t0, 2)
    return run


def scrape(
    sources: list[Source],
    store: SnapshotStore | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    policy: FetchPolicy | None = None,
    on_source: Callable[[str], None] | None = None,
    on_done: Callable[[SourceRun], None] | None = None,
    parallel: int = PARALLEL,
) -> list[SourceRun]:
    """Fetch every source; ``on_done`` hears each outcome as it finishes. Runs in input order."""
    store = store or SnapshotStore()
    if transport is None:  # the real network: learn every host's reachability at once, up front
        probe_all(
            [url for src in sources if src.fetch is not None for url in first_contacts(src)],
            (policy or FetchPolicy()).probe_timeout,
        )

    def one(src: Source) -> SourceRun:
        if on_source:
            on_source(src.id)
        return scrape_one(src, store, transport=transport, policy=policy)

    done: dict[int, SourceRun] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="scrape") as pool:
        futures = {pool.submit(one, src): i for i, src in enumerate(sources)}
        for fut in as_completed(futures):
            run = fut.result()
            done[futures[fut]] = run
            if on_done:
                on_done(run)
    return [done[i] for i in range(len(sources))]


def write_report(runs: list[SourceRun], root: Path | None = None) -> Path:
    root = root or paths.home() / "runs"
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = root / f"scrape-{stamp}.json"
    path.write_text(json.dumps([asdict(r) for r in runs], indent=2) + "\n")
    return path
