"""``transparency scrape``: fetch every (or the named) source, each in isolation.

One failing source never stops the others; each gets an outcome (new release, unchanged, failed
and why, or no fetcher). Snapshots already stored are never touched, so the last good one stays.
The run report is printed and kept as JSON under ``<home>/runs/``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from transparency import paths
from transparency.acquisition.fetching import FetchOutcome, FetchPolicy, client_for
from transparency.acquisition.sources import Source
from transparency.acquisition.store import SnapshotStore


@dataclass
class SourceRun:
    source_id: str
    status: str  # "new", "unchanged", "failed", "no fetcher"
    detail: str = ""
    outcomes: list[dict] = field(default_factory=list)

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


def scrape(
    sources: list[Source],
    store: SnapshotStore | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    policy: FetchPolicy | None = None,
    on_source=None,
) -> list[SourceRun]:
    store = store or SnapshotStore()
    runs: list[SourceRun] = []
    for src in sources:
        if on_source:
            on_source(src.id)
        if src.fetch is None:
            runs.append(
                SourceRun(
                    src.id,
                    "no fetcher",
                    "this source has no fetch (add files with `transparency add`)",
                )
            )
            continue
        try:
            with client_for(
                src.decl, transport=transport, policy=policy or FetchPolicy()
            ) as client:
                outcomes = list(src.fetch(client, store))
        except Exception as exc:  # isolation: a broken fetcher fails its own source only
            runs.append(SourceRun(src.id, "failed", f"{type(exc).__name__}: {exc}"))
            continue
        runs.append(_summarise(src.id, outcomes))
    return runs


def write_report(runs: list[SourceRun], root: Path | None = None) -> Path:
    root = root or paths.home() / "runs"
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = root / f"scrape-{stamp}.json"
    path.write_text(json.dumps([asdict(r) for r in runs], indent=2) + "\n")
    return path
