"""``transparency scrape --check``: does each source's parser still read its live page?

For each source with a fetcher: fetch what it publishes now into a throw-away snapshot store (the
real store, the embedded release and the warehouse are never touched), parse every file fetched,
and compare with what the project already holds for that source (the embedded release and the
local snapshot store): which files are new, which periods, which raw labels it has never seen, and
which labels the source's label map does not cover. A source whose parser raises on a live file
"does not read" it: its layout changed, or (for a source whose verification is "layout written by
the project") the project's assumed layout was wrong. That is what a user with internet runs to
learn how far the unverified parsers hold.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from transparency.acquisition import embedded_release
from transparency.acquisition.fetching import FetchPolicy, probe_all
from transparency.acquisition.parsing import parse_snapshot
from transparency.acquisition.scrape import PARALLEL, first_contacts, scrape_one
from transparency.acquisition.sources import Source
from transparency.acquisition.store import SnapshotStore
from transparency.harmonisation import registries
from transparency.harmonisation.normalise import Context, normalise
from transparency.reading.records import ParseError, RawRecord

READS = "reads"
DOES_NOT_READ = "does not read"
FETCH_FAILED = "fetch failed"
NO_FETCHER = "no fetcher"


@dataclass
class LiveCheck:
    source_id: str
    verdict: str  # READS, DOES_NOT_READ, FETCH_FAILED or NO_FETCHER
    verification: str  # the source's declared verification
    found: str = ""  # what the live files gave
    changed: str = ""  # what differs from what the project holds
    files: list[dict] = field(default_factory=list)  # per file: url, sha256, records or error

    @property
    def failed(self) -> bool:
        return self.verdict in (DOES_NOT_READ, FETCH_FAILED)


@dataclass
class Known:
    """What the project already holds for one source."""

    sha256s: set[str] = field(default_factory=set)
    labels: set[tuple[str, str]] = field(default_factory=set)
    latest_period: date | None = None


def known_for(source_id: str, store: SnapshotStore | None = None) -> Known:
    known = Known()
    snaps, records, _ = embedded_release.read()
    for snap, _, _ in snaps:
        if snap.source_id == source_id:
            known.sha256s.add(snap.sha256)
            _learn(known, records.get(snap.sha256, []))
    for snap in store or SnapshotStore():
        if snap.source_id == source_id:
            known.sha256s.add(snap.sha256)
    return known


def _learn(known: Known, recs: list[RawRecord]) -> None:
    for r in recs:
        known.labels.add((r.raw_policy_label, r.raw_metric_label))
        if known.latest_period is None or r.period_end > known.latest_period:
            known.latest_period = r.period_end


def _periods(recs: list[RawRecord]) -> str:
    if not recs:
        return "no records"
    first = min(r.period_start for r in recs)
    last = max(r.period_end for r in recs)
    return f"{len(recs):,} records, {first} to {last}"


def check_one(
    src: Source,
    *,
    transport: httpx.BaseTransport | None = None,
    policy: FetchPolicy | None = None,
    known: Known | None = None,
    reg: registries.Registries | None = None,
) -> LiveCheck:
    """Fetch one source's live files into a temporary store and parse each of them."""
    verification = src.decl.verification
    if src.fetch is None:
        return LiveCheck(src.id, NO_FETCHER, verification, "this source has no fetch")
    known = known if known is not None else known_for(src.id)
    with tempfile.TemporaryDirectory(prefix="transparency-check-") as tmp:
        store = SnapshotStore(Path(tmp))
        run = scrape_one(src, store, transport=transport, policy=policy)
        snaps = sorted(store, key=lambda s: s.url)
        if not snaps:
            why = run.detail if run.failed else "nothing was published to fetch"
            return LiveCheck(src.id, FETCH_FAILED, verification, changed=why)
        files: list[dict] = []
        records: list[RawRecord] = []
        errors: list[str] = []
        for snap in snaps:
            try:
                result, _, _ = parse_snapshot(src, snap, store)
            except ParseError as exc:
                errors.append(str(exc))
                files.append({"url": snap.url, "sha256": snap.sha256, "error": str(exc)})
                continue
            records.extend(result.records)
            files.append({"url": snap.url, "sha256": snap.sha256, "records": len(result.records)})
    new_files = sum(f["sha256"] not in known.sha256s for f in files)
    labels = {(r.raw_policy_label, r.raw_metric_label) for r in records}
    unseen = sorted(labels - known.labels) if known.labels else []
    changes = [f"{new_files} of {len(files)} file(s) new to the project"]
    if run.failed:
        changes.append(f"some fetches failed: {run.detail}")
    if records and known.latest_period is not None:
        latest = max(r.period_end for r in records)
        if latest > known.latest_period:
            changes.append(f"periods up to {latest} (the project has up to {known.latest_period})")
    if unseen:
        shown = "; ".join(" / ".join(x for x in pair if x) for pair in unseen[:3])
        changes.append(f"{len(unseen)} raw label(s) never seen before (e.g. {shown})")
    if records:
        reg = reg or registries.load()
        _, findings = normalise(
            records,
            reg,
            Context(src.id, src.decl.reporter, "live check", date.today(), "live"),
        )
        unmapped = sorted({f.message for f in findings if f.check == "unmapped_label"})
        if unmapped:
            changes.append(f"{len(unmapped)} label(s) without a mapping (e.g. {unmapped[0]})")
    if errors:
        found = f"{len(files) - len(errors)} of {len(files)} file(s) parsed; {_periods(records)}"
        changes.insert(0, "parser error: " + errors[0])
        return LiveCheck(src.id, DOES_NOT_READ, verification, found, "; ".join(changes), files)
    found = f"{len(files)} file(s); {_periods(records)}"
    return LiveCheck(src.id, READS, verification, found, "; ".join(changes), files)


def check(
    sources: list[Source],
    *,
    transport: httpx.BaseTransport | None = None,
    policy: FetchPolicy | None = None,
    on_done: Callable[[LiveCheck], None] | None = None,
    parallel: int = PARALLEL,
) -> list[LiveCheck]:
    """Check every source (a few at a time); ``on_done`` hears each as it finishes."""
    reg = registries.load()
    if transport is None:  # the real network: every host's reachability at once, up front
        probe_all(
            [url for src in sources if src.fetch is not None for url in first_contacts(src)],
            (policy or FetchPolicy()).probe_timeout,
        )

    def one(src: Source) -> LiveCheck:
        try:
            return check_one(src, transport=transport, policy=policy, reg=reg)
        except Exception as exc:  # isolation: one broken check never stops the others
            return LiveCheck(
                src.id, FETCH_FAILED, src.decl.verification, changed=f"{type(exc).__name__}: {exc}"
            )

    done: dict[int, LiveCheck] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="check") as pool:
        futures = {pool.submit(one, src): i for i, src in enumerate(sources)}
        for fut in as_completed(futures):
            res = fut.result()
            done[futures[fut]] = res
            if on_done:
                on_done(res)
    return [done[i] for i in range(len(sources))]
