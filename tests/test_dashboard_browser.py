"""A real browser (Debian's chromium, driven by Playwright) loads every dashboard page from
``transparency dashboard`` on a free loopback port, checks its main elements, follows a shared
link, downloads a CSV, and saves a screenshot of each page.

Screenshots go to $TRANSPARENCY_ARTIFACTS (else the test's tmp dir). Skips, saying why, where
chromium or Playwright is missing (fails under CI=true); never downloads a browser.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
import urllib.parse
from pathlib import Path

import duckdb
import pytest

from tests.conftest import chromium_path
from tests.dashboard_fixture import build_default_warehouse, build_fixture_warehouse, home_env
from tests.dashboard_server import serve

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# path, title, minimum charts, minimum tables, a text that must be on the page
PAGES = [
    ("overview", "Platform accountability observatory", 1, 4, "What changed"),
    ("platform?platform=X", "Platform profile", 2, 2, "Accounts actioned"),
    ("compare", "Compare platforms", 1, 1, "Caveats of comparing"),
    ("revisions", "Revisions", 1, 1, "Restated"),
    ("coverage", "Reporting coverage and timeliness", 1, 1, "Stopped or late reporting"),
    ("actions", "Regulator actions", 1, 1, "eSafety v X Corp: BOSE CSEA transparency notice"),
    ("ncmec", "NCMEC cross-check", 2, 1, "Discord 2023 (0.48)"),
    ("dsa", "DSA statements of reasons", 3, 1, "Schema v2: new categories and keywords"),
    ("data", "Data and downloads", 0, 1, "Cite as:"),
    ("sources", "Sources", 0, 3, "Snapshots (raw files)"),
    ("methodology", "Methodology", 0, 2, "Comparability caveats"),
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()  # skips saying why (fails under CI=true) without chromium
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return build_fixture_warehouse(tmp_path_factory.mktemp("browser"), restated=True)


@pytest.fixture(scope="module")
def site(warehouse):
    home = warehouse.parent  # the server reads the changes feed the build wrote there
    with home_env(home), serve(warehouse, home / "server.log") as base:
        yield base


def count(db: Path, query: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchone()[0]


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    out = Path(os.environ.get("TRANSPARENCY_ARTIFACTS") or tmp_path_factory.mktemp("artifacts"))
    out = out / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


def settle(page, timeout: float = 90) -> None:
    """Wait until the script run has finished and nothing is still loading."""
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        busy = (
            page.locator('[data-testid="stStatusWidget"]').count()
            + page.locator('[data-testid="stSkeleton"]').count()
        )
        quiet = quiet + 1 if busy == 0 else 0
        if quiet >= 6:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"page {page.url} still running after {timeout}s")


@pytest.mark.parametrize(
    ("path", "title", "n_charts", "n_tables", "text"),
    PAGES,
    ids=[p[0].split("?")[0] for p in PAGES],
)
def test_every_page_in_a_real_browser(browser, site, shots, path, title, n_charts, n_tables, text):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{site}/{path}")
        settle(page)
        page.screenshot(path=str(shots / f"{path.split('?')[0]}.png"), full_page=True)
        assert page.locator("h1").first.inner_text().strip() == title
        assert page.locator('[data-testid="stException"]').count() == 0
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        assert charts.count() >= n_charts
        for i in range(n_charts):  # drawn, not just placed
            assert charts.nth(i).locator("canvas, svg").count() > 0
        assert page.locator('[data-testid="stDataFrame"]').count() >= n_tables
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert text in body
        assert "\\:" not in body and "\\(" not in body  # Markdown escapes are not shown
        assert not errors, errors
    finally:
        page.close()


def test_filters_live_in_the_url(browser, site, warehouse):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{site}/platform?platform=X")
        settle(page)
        assert page.get_by_role("combobox", name="Platform").input_value() == "X"
        acts = count(warehouse, "SELECT count(*) FROM actions WHERE platform = 'x'")
        assert re.search(
            rf"X: [\d,]+ current values in \d+ metrics .*, {acts} regulator actions",
            page.locator('[data-testid="stMain"]').inner_text(),
        )
        page.goto(f"{site}/compare")
        settle(page)
        page.get_by_text("Per million EU recipients (AMAR)").click()
        settle(page)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
        assert query.get("mode") == ["Per million EU recipients (AMAR)"]
        assert "for the EU only" in page.locator('[data-testid="stMain"]').inner_text()
    finally:
        page.close()


def test_download_csv_holds_exactly_the_rows_shown(browser, site, warehouse):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        page.goto(f"{site}/data?table=Regulator+actions")
        settle(page)
        shown = re.search(
            r"([\d,]+) rows × (\d+) columns", page.locator('[data-testid="stMain"]').inner_text()
        )
        assert shown, "the row count caption is missing"
        with page.expect_download() as dl:
            page.get_by_role("button", name=re.compile("Download CSV")).click()
        rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text())))
        assert (
            len(rows)
            == int(shown.group(1).replace(",", ""))
            == count(warehouse, "SELECT count(*) FROM actions")
        )
        assert len(rows[0]) == int(shown.group(2))
        notice = [
            r for r in rows if r["action_type"] == "infringement_notice" and r["platform"] == "x"
        ]
        assert [(r["date"], r["amount"], r["currency"]) for r in notice] == [
            ("2023-10-03", "610500.0", "AUD")
        ]
    finally:
        page.close()


@pytest.fixture(scope="module")
def default_site(tmp_path_factory):
    """The dashboard on the embedded default exactly as `transparency build` makes it."""
    db = build_default_warehouse(tmp_path_factory.mktemp("browser-default"))
    with home_env(db.parent), serve(db, db.parent / "server.log") as base:
        yield base


@pytest.mark.parametrize("width", [1440, 390])
def test_dsa_page_of_the_embedded_default_shows_real_platforms(browser, default_site, shots, width):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{default_site}/dsa")
        settle(page)
        page.screenshot(path=str(shots / f"dsa-embedded-{width}.png"), full_page=True)
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "Protection of minors" in body
        assert re.search(
            r"Platforms shown \(protection of minors.*TikTok [\d,]+; Discord [\d,]+", body
        )
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        assert charts.count() >= 5
        assert charts.first.locator("canvas, svg").count() > 0
        assert page.locator('[data-testid="stException"]').count() == 0
        page.get_by_text("CSAM (keyword, incl. deepfake CSAM)").click()
        settle(page)  # the CSAM keyword: Discord, Snapchat, X ...
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert re.search(r"Platforms shown \(csam.*Discord [\d,]+; Snapchat [\d,]+", body, re.I)
        assert "184 of 686 days differ" in body
        assert not errors, errors
    finally:
        page.close()
