"""Shared by the regulator-feed scrapers (ec_presscorner, us_ftc, uk_ofcom): checked fetches.

Some feeds answer HTTP 200 with an empty or broken body (the Commission's Press Corner does so for
some references). :func:`fetch_checked` fetches through the same :class:`PoliteClient` discipline
as :func:`transparency.acquisition.fetching.fetch_to_store` (conditional requests, retries, rate limits,
robots.txt, host allow-list, size cap) but stores the bytes only when ``check`` accepts them, so a
broken answer is a failed fetch to retry later, never a snapshot.
"""

from __future__ import annotations

from collections.abc import Callable

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import SourceDeclaration
from transparency.acquisition.store import SnapshotStore


def fetch_checked(
    client: PoliteClient,
    store: SnapshotStore,
    decl: SourceDeclaration,
    url: str,
    *,
    filename: str,
    expect: tuple[str, ...],
    check: Callable[[bytes], str | None],
    published_at: str = "",
) -> FetchOutcome:
    """GET ``url`` and store it if its media type is expected and ``check(body)`` returns None."""
    return fetch_to_store(
        client,
        store,
        decl,
        url,
        filename=filename,
        published_at=published_at,
        expect=expect,
        check=check,
    )
