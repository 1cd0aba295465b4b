"""Run a source's faithful parser on a file or a stored snapshot, turning every failure into a
:class:`ParseError` that names the file."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from transparency.acquisition.sources import Source
from transparency.acquisition.store import Snapshot, SnapshotStore
from transparency.reading.records import ParseError, ParseResult


def parse_file(source: Source, path: Path) -> ParseResult:
    path = Path(path)
    if not path.exists():
        raise ParseError(path, "no such file")
    if path.is_file() and path.stat().st_size == 0:
        raise ParseError(path, "the file is empty")
    try:
        result = source.parse(path)
    except ParseError:
        raise
    except (
        Exception
    ) as exc:  # a parser bug or an unreadable file: name the file, never crash the run
        raise ParseError(
            path, f"cannot be read as {source.id} ({type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(result, ParseResult):
        raise ParseError(
            path, f"parser of {source.id} returned {type(result).__name__}, not ParseResult"
        )
    return result


def vintage_of(snap: Snapshot, result: ParseResult, lag_days: int) -> tuple[date, str]:
    """The release date of a file and how it is known.

    ``published`` (the sidecar says), ``stated`` (the file says), ``estimated`` (the end of the
    latest period the file covers plus the source's expected lag, never after the retrieval day),
    or ``retrieved`` (the retrieval day, for a file with no periods).
    """
    if snap.published_at:
        return date.fromisoformat(snap.published_at[:10]), "published"
    if result.release_date:
        return result.release_date, "stated"
    retrieved = snap.vintage_hint
    if result.records:
        latest = max(r.period_end for r in result.records)
        return min(latest + timedelta(days=lag_days), retrieved), "estimated"
    return retrieved, "retrieved"


def parse_snapshot(
    source: Source, snap: Snapshot, store: SnapshotStore
) -> tuple[ParseResult, date, str]:
    """Parse a stored snapshot under its original file name (parsers may look at the suffix)."""
    raw = store.path_for(snap.sha256)
    name = Path(snap.filename or Path(snap.url).name or snap.sha256).name
    with tempfile.TemporaryDirectory(prefix="transparency-parse-") as tmp:
        link = Path(tmp) / name
        link.symlink_to(raw)
        try:
            result = parse_file(source, link)
        except ParseError as exc:
            raise ParseError(f"{name} (snapshot {snap.sha256[:12]})", exc.reason, exc.row) from exc
    vintage, basis = vintage_of(snap, result, source.decl.expected_lag_days)
    return result, vintage, basis
