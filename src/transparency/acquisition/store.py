"""The snapshot store: raw bytes kept by content hash, each with a JSON sidecar.

Layout: ``<store>/<sha256[:2]>/<sha256>`` holds the bytes exactly as received and
``<sha256>.json`` beside it the metadata (source, URL, retrieval and publication dates, media
type, size, HTTP validators). A file is never changed once written; the same bytes fetched twice
are stored once. Writes go to a temporary file that is renamed into place, so a crash never
leaves a half-written snapshot.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from transparency import paths


@dataclass
class Snapshot:
    sha256: str
    source_id: str
    url: str
    retrieved_at: str  # ISO 8601 timestamp (UTC)
    media_type: str
    bytes: int
    filename: str = ""
    published_at: str = ""  # ISO date when known
    final_url: str = ""
    etag: str = ""
    last_modified: str = ""
    http_status: int | None = None
    method: str = "http"  # "http", "manual" (transparency add), "embedded"
    extra: dict = field(default_factory=dict)

    @property
    def vintage_hint(self) -> date:
        """Release date: published_at when known, else the retrieval day."""
        return date.fromisoformat((self.published_at or self.retrieved_at)[:10])

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def guess_media_type(name: str) -> str:
    kind, _ = mimetypes.guess_type(name)
    overrides = {
        ".csv": "text/csv",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    return overrides.get(Path(name).suffix.lower(), kind or "application/octet-stream")


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class SnapshotStore:
    def __init__(self, root: Path | None = None):
        self.root = Path(root or paths.store_dir())

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def sidecar_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.json"

    def put_bytes(
        self,
        data: bytes,
        *,
        source_id: str,
        url: str,
        filename: str = "",
        retrieved_at: str | None = None,
        published_at: str = "",
        media_type: str = "",
        **meta,
    ) -> tuple[Snapshot, bool]:
        """Store bytes; return the snapshot and whether it was new (same bytes are kept once)."""
        digest = sha256_bytes(data)
        existing = self.get(digest)
        if existing is not None:
            return existing, False
        snap = Snapshot(
            sha256=digest,
            source_id=source_id,
            url=url,
            filename=filename or Path(url).name,
            retrieved_at=retrieved_at or now_utc(),
            published_at=published_at,
            media_type=media_type or guess_media_type(filename or url),
            bytes=len(data),
            **meta,
        )
        _atomic_write(self.path_for(digest), data)
        _atomic_write(self.sidecar_for(digest), snap.to_json().encode())
        return snap, True

    def put_file(self, path: Path, **kwargs) -> tuple[Snapshot, bool]:
        kwargs.setdefault("filename", Path(path).name)
        return self.put_bytes(Path(path).read_bytes(), **kwargs)

    def get(self, sha256: str) -> Snapshot | None:
        side = self.sidecar_for(sha256)
        if not side.exists() or not self.path_for(sha256).exists():
            return None
        return Snapshot(**json.loads(side.read_text()))

    def __iter__(self) -> Iterator[Snapshot]:
        if not self.root.exists():
            return
        for side in sorted(self.root.glob("??/*.json")):
            snap = self.get(side.stem)
            if snap is not None:
                yield snap

    def latest_for_url(self, url: str) -> Snapshot | None:
        """The most recently retrieved snapshot of a URL (for conditional requests)."""
        hits = [s for s in self if url in (s.url, s.final_url)]
        return max(hits, key=lambda s: s.retrieved_at) if hits else None

    def sidecar_files(self) -> list[Path]:
        return sorted(self.root.glob("??/*.json")) if self.root.exists() else []
