"""Load test of the dashboard on loopback: several concurrent browser sessions switching pages.

Bounded in count (SESSIONS x ROUNDS x pages) and time (DEADLINE); traffic goes only to the
dashboard this test starts on 127.0.0.1. Figures go to docs/reliability.md.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time

import pytest

from tests.conftest import chromium_path
from tests.dashboard_server import serve
from transparency.build.compose import build

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = [
    "overview",
    "platform",
    "compare",
    "revisions",
    "coverage",
    "actions",
    "ncmec",
    "dsa",
    "data",
    "sources",
]
SESSIONS, ROUNDS, DEADLINE = 4, 1, 600

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def _settled(page, timeout: float = 120) -> None:
    await page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=timeout * 1000)
    deadline, quiet = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        busy = (
            await page.locator('[data-testid="stStatusWidget"]').count()
            + await page.locator('[data-testid="stSkeleton"]').count()
        )
        quiet = quiet + 1 if busy == 0 else 0
        if quiet >= 4:
            return
        await page.wait_for_timeout(250)
    raise TimeoutError(f"{page.url} still running after {timeout}s")


async def _session(browser, base: str, seed: int, loads: list[float], errors: list[str]) -> None:
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda e: errors.append(f"session {seed}: {e}"))
    order = [p for _ in range(ROUNDS) for p in random.Random(seed).sample(PAGES, len(PAGES))]
    for path in order:
        started = time.perf_counter()
        try:
            await page.goto(f"{base}/{path}")
            await _settled(page)
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"session {seed}: exception shown on /{path}")
        except Exception as exc:  # a page that does not load is a failure of the run
            errors.append(f"session {seed}: /{path}: {type(exc).__name__}: {exc}")
        loads.append(time.perf_counter() - started)
    await context.close()


async def _run(base: str, executable: str) -> tuple[list[float], list[str]]:
    from playwright.async_api import async_playwright

    loads: list[float] = []
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=executable,
            args=ARGS,
        )
        await asyncio.wait_for(
            asyncio.gather(*(_session(browser, base, s, loads, errors) for s in range(SESSIONS))),
            DEADLINE,
        )
        await browser.close()
    return loads, errors


@pytest.mark.reliability(
    "dashboard",
    f"{SESSIONS} concurrent browser sessions switching pages on loopback",
    "every page loads in every session; no exception; load figures recorded",
)
def test_concurrent_sessions_switching_pages(tmp_path, request):
    executable = chromium_path()  # skips saying why (fails under CI=true) without chromium
    db = build().db
    started = time.perf_counter()
    with serve(db, tmp_path / "dashboard.log") as base:
        loads, errors = asyncio.run(_run(base, executable))
    elapsed = time.perf_counter() - started
    assert errors == []
    assert len(loads) == SESSIONS * ROUNDS * len(PAGES)
    p95 = statistics.quantiles(loads, n=20)[-1]
    request.node.user_properties += [
        ("dashboard_sessions", SESSIONS),
        ("dashboard_page_loads", len(loads)),
        ("dashboard_page_errors", len(errors)),
        (
            "observed",
            f"{len(loads)} page loads by {SESSIONS} concurrent sessions in {elapsed:.0f} s; "
            f"median {statistics.median(loads):.2f} s, p95 {p95:.2f} s; 0 errors",
        ),
    ]
    print(
        f"load: {len(loads)} page loads, median {statistics.median(loads):.2f}s, p95 {p95:.2f}s, {elapsed:.0f}s total"
    )
