"""Shared by the regulator-feed scrapers (ec_presscorner, us_ftc, uk_ofcom): checked fetches.

Some feeds answer HTTP 200 with an empty or broken body (the Commission's Press Corner does so for
some references). :func:`fetch_checked` fetches through the same :class:`PoliteClient` discipline
as :func:`transparency.fetching.fetch_to_store` (conditional requests, retries, rate limits,
robots.txt, host allow-list, size cap) but stores the bytes only when ``check`` accepts them, so a
broken answer is a failed fetch to retry later, never a snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from transparency.fetching import FetchError, FetchOutcome, PoliteClient
from transparency.sources import SourceDeclaration
from transparency.store import SnapshotStore


def fetch_checked(client: PoliteClient, store: SnapshotStore, decl: SourceDeclaration, url: str, *,
                  filename: str, expect: tuple[str, ...], check: Callable[[bytes], str | None],
                  published_at: str = "") -> FetchOutcome:
    """GET ``url`` and store it if its media type is expected and ``check(body)`` returns None
    (else the message ``check`` returned makes the outcome a failure)."""
    previous = store.latest_for_url(url)
    headers: dict[str, str] = {}
    if previous is not None:
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    try:
        resp = client.get(url, headers)
    except FetchError as exc:
        return FetchOutcome(url, "failed", message=str(exc))
    if resp.status_code == 304 and previous is not None:
        return FetchOutcome(url, "unchanged", previous, "304 Not Modified")
    if resp.status_code != 200:
        return FetchOutcome(url, "failed", message=f"{url}: HTTP {resp.status_code}")
    media = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if expect and media not in expect:
        return FetchOutcome(url, "failed", message=f"{url}: got {media or 'no content type'}, expected {' or '.join(expect)}")
    problem = check(resp.content)
    if problem:
        return FetchOutcome(url, "failed", message=f"{url}: {problem}; not stored, retry later")
    snap, new = store.put_bytes(
        resp.content, source_id=decl.id, url=url, filename=filename or urlsplit(url).path.rsplit("/", 1)[-1],
        published_at=published_at, media_type=media, final_url=str(resp.url),
        etag=resp.headers.get("ETag", ""), last_modified=resp.headers.get("Last-Modified", ""),
        http_status=resp.status_code, method="http")
    return FetchOutcome(url, "new" if new else "unchanged", snap, "" if new else "same bytes as a stored snapshot")
