"""Helpers shared by the web-source tests: normalised observations of fixture files, reference
figures in the warehouse's units, and an offline PoliteClient serving recorded responses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import httpx

from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source
from transparency.harmonisation import registries
from transparency.harmonisation.normalise import KEY_COLUMNS, Context, normalise


def observations(source_id: str, paths: Iterable[Path]) -> tuple[list[dict], list]:
    """Parse and normalise fixture files; rows carry the file name; returns (rows, findings)."""
    src, reg = get_source(source_id), registries.load()
    rows, findings = [], []
    for path in paths:
        result = parse_file(src, path)
        obs, found = normalise(
            result.records,
            reg,
            Context(source_id, src.decl.reporter, path.name, date(2026, 1, 1), path.name),
        )
        for o in obs:
            o["file"] = path.name
        rows.extend(obs)
        findings.extend(found)
    return rows, findings


def duplicate_keys(rows: list[dict]) -> list[tuple]:
    """Keys given two different values within one file (the build's duplicate_key check)."""
    seen: dict[tuple, set] = defaultdict(set)
    for r in rows:
        if None in (r["platform"], r["policy_area"], r["metric"], r["scope"]):
            continue
        seen[(r["file"], *(r[k] for k in KEY_COLUMNS))].add(r["value_text"])
    return [k for k, v in seen.items() if len(v) > 1]


def reference_value(row: dict[str, str]) -> float:
    """A platform_figures.csv value in the warehouse's units (percent becomes a 0-1 share)."""
    value = float(row["value"])
    return value / 100 if row["unit"].startswith("percent") else value


def find(rows: list[dict], **want) -> list[dict]:
    out = []
    for r in rows:
        if all((str(r[k]) if isinstance(r[k], date) else r[k]) == v for k, v in want.items()):
            out.append(r)
    return out


Route = tuple[int, dict[str, str], bytes]


def mock_client(
    hosts: tuple[str, ...],
    routes: dict[str, Route] | Callable[[httpx.Request], Route],
    seen: list[str] | None = None,
) -> PoliteClient:
    """A PoliteClient whose requests are answered from ``routes`` (URL -> status, headers, body).

    robots.txt is answered 404 (everything allowed) unless a route gives it; unknown URLs get 404.
    Every requested URL is appended to ``seen``.
    """

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if seen is not None:
            seen.append(url)
        if callable(routes):
            status, headers, body = routes(request)
        elif url in routes:
            status, headers, body = routes[url]
        else:
            status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
        return httpx.Response(status, headers=headers, content=body, request=request)

    return PoliteClient(
        allowed_hosts=hosts,
        transport=httpx.MockTransport(handler),
        policy=FetchPolicy(min_interval=0, backoff=0),
        sleep=lambda s: None,
    )
