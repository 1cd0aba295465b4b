"""User journeys in a real browser (Debian's chromium driven by Playwright) against
``transparency dashboard`` on the fixture warehouse: a regulator, an advocate and a researcher,
each asserting on what the charts actually plot. Charts are drawn as SVG, so every mark carries
its data as an ``aria-label`` ("series: X; reports: 870503; …") and every label is text in the
page: the assertions read those, not the Python that sent them.

Screenshots of every page at 1440 px and 390 px go to $TRANSPARENCY_ARTIFACTS/screenshots
(``<page>-<width>.png``). Skips where chromium or Playwright is missing.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from pathlib import Path

import pytest

# the browser test's module fixtures (one chromium, one fixture warehouse, one server per module)
from tests.test_dashboard_browser import (  # noqa: F401
    browser,
    settle,
    shots,
    site,
    warehouse,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [
    ("overview", "Platform accountability observatory"),
    ("platform", "Platform profile"),
    ("compare", "Compare platforms"),
    ("revisions", "Revisions"),
    ("coverage", "Reporting coverage and timeliness"),
    ("actions", "Regulator actions"),
    ("ncmec", "NCMEC cross-check"),
    ("dsa", "DSA statements of reasons"),
    ("data", "Data and downloads"),
    ("sources", "Sources"),
    ("methodology", "Methodology"),
]
CYBERTIPLINE = "CyberTipline reports received by NCMEC"


def open_page(chromium, url: str, width: int = 1440, height: int = 1400):
    page = chromium.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.errors = errors  # type: ignore[attr-defined]
    return page


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def chart(page, i: int = 0):
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    charts.nth(i).locator("svg").first.wait_for()
    return charts.nth(i)


def marks(page, i: int = 0) -> list[str]:
    """The description of every mark chart ``i`` draws (Vega's aria-label: field: value; …)."""
    return (
        chart(page, i)
        .locator("svg [aria-label]")
        .evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    )


def field(label: str, name: str) -> str | None:
    m = re.search(rf"(?:^|; ){re.escape(name)}: (.*?)(?:; [^;:]+: |$)", label)
    return m.group(1) if m else None


def plotted(page, i: int = 0, name: str = "series") -> set[str]:
    return {v for v in (field(a, name) for a in marks(page, i)) if v}


def svg_text(page, i: int = 0) -> list[str]:
    return chart(page, i).locator("svg text").evaluate_all("els => els.map(e => e.textContent)")


# ---------------------------------------------------------------- a regulator


def test_regulator_journey(browser, site):  # noqa: F811
    """Which actions were taken against X, how much, and when; shared links that are wrong."""
    page = open_page(browser, f"{site}/platform?platform=X")
    try:
        text = main_text(page)
        assert "X: newest child-safety figures" in text
        assert "2,781,634" in text  # X's own accounts actioned, H1 2024, at the top
        # the first chart plots Twitter's and X's accounts actioned, with the actions labelled
        series = plotted(page, 0)
        assert "X · Child sexual exploitation" in series
        labels = svg_text(page, 0)
        assert "eSafety Commissioner: Infringement notice, AUD 610,500" in labels
        # the marker itself carries the amount in its own currency and in euros (hover)
        notice = [a for a in marks(page, 0) if "Infringement notice" in a and "amount" in a]
        assert notice and "AUD 610,500 (≈ EUR " in notice[0]
        marker = chart(page, 0).locator(
            "svg path[aria-label*='Infringement notice'][aria-roledescription='point']"
        )
        marker.first.hover()
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=10_000)
        assert "610,500" in tooltip.inner_text()
        # the time axis keeps to the periods with numbers (no stretch to 2026)
        x_axis = next(a for a in marks(page, 0) if a.startswith("X-axis"))
        assert re.search(r"values from \d{4} to 2024", x_axis), x_axis
        # the tables (drawn on a canvas) are checked cell by cell in tests/test_dashboard.py
        assert page.locator('[data-testid="stDataFrame"]').count() >= 2
        # no server path anywhere; the build's date and version instead
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "Data built" in sidebar and "version" in sidebar
        assert ".duckdb" not in sidebar + text and "/tmp/" not in sidebar + text
        assert not page.errors
    finally:
        page.close()

    # a platform id in lower case opens that platform; an unknown one says so, with the nearest
    page = open_page(browser, f"{site}/platform?platform=x")
    try:
        assert page.get_by_role("combobox", name="Platform").input_value() == "X"
        assert "not a platform" not in main_text(page)
    finally:
        page.close()
    page = open_page(browser, f"{site}/platform?platform=Tiktokk")
    try:
        notice = page.locator('[data-testid="stAlert"]').first.inner_text()
        assert "“Tiktokk” is not a platform on this page" in notice
        assert page.get_by_role("combobox", name="Platform").input_value() == "TikTok"
    finally:
        page.close()

    page = open_page(browser, f"{site}/actions")
    try:
        assert "eSafety v X Corp: BOSE CSEA transparency notice" in main_text(page)
    finally:
        page.close()


# ---------------------------------------------------------------- an advocate


def test_advocate_journey(browser, site):  # noqa: F811
    """Who is doing what now; how the big platforms compare on CyberTipline reports."""
    page = open_page(browser, f"{site}/overview")
    try:
        text = main_text(page)
        assert "Who is doing what now" in text and "Newest regulator actions" in text
        assert "Child-safety data through" in text
        # accounts and pieces of content never share an axis: one unit per chart
        units = set()
        for i in range(2):
            y_axis = next(a for a in marks(page, i) if a.startswith("Y-axis"))
            units.add(re.search(r"titled '([^']+)'", y_axis).group(1))
        assert units == {"accounts", "pieces of content"}
        # one colour per platform: Meta's and X's lines differ in colour
        colours = (
            chart(page, 1)
            .locator("svg [aria-roledescription='line mark']")
            .evaluate_all(
                "els => els.map(e => [e.getAttribute('aria-label'), e.getAttribute('stroke')])"
            )
        )
        meta = {c for a, c in colours if "series: Meta /" in a}
        x = {c for a, c in colours if "series: X" in a}
        assert meta and x and not meta & x
    finally:
        page.close()

    url = f"{site}/compare?metric={urllib.parse.quote_plus(CYBERTIPLINE)}"
    page = open_page(browser, url)
    try:
        series = plotted(page)
        for name in ("Meta", "X", "TikTok"):
            assert any(s == name or s.startswith(f"{name} ") for s in series), (name, series)
        # one line is one source: no series mixes two sources' numbers
        sources: dict[str, set[str]] = {}
        for a in marks(page):
            s, src = field(a, "series"), field(a, "source")
            if s and src:
                sources.setdefault(s, set()).add(src)
        assert sources and all(len(v) == 1 for v in sources.values()), sources
        assert "Shown by default:" in main_text(page)
    finally:
        page.close()

    # per million EU recipients: nothing is dropped silently
    url = (
        f"{site}/compare?metric=DSA+Own+initiative+(t%26c)%3A+Number+of+measures+taken+at+the+"
        "provider%27s+own+initiative&area=Protection+of+minors&scope=EU"
        "&mode=Per+million+EU+recipients+(AMAR)"
    )
    page = open_page(browser, url)
    try:
        text = main_text(page)
        assert "per million EU recipients" in text
        drawn = plotted(page)
        assert drawn
        default = re.search(r"Shown by default: (.*?) \(\d+ platform", text).group(1)
        listed = set(re.findall(r"^(.*?): no DSA user count", text, flags=re.M))
        assert {s for s in default.split(", ")} <= drawn | listed
    finally:
        page.close()


# ---------------------------------------------------------------- a researcher


def test_researcher_journey(browser, site, warehouse):  # noqa: F811
    """Indexed comparison, the NCMEC ratios, coverage, methodology and the data behind a chart."""
    url = (
        f"{site}/compare?area=Child+nudity+and+sexual+exploitation+of+children"
        "&mode=Indexed+(base+period+%3D+100)"
    )
    page = open_page(browser, url)
    try:
        base = page.get_by_role("combobox", name="Base period").input_value()
        values = [
            (field(a, "series"), field(a, f"index ({base} = 100)"))
            for a in marks(page)
            if a.startswith("period")
        ]
        drawn = {s for s, _ in values}
        # the default base is the first period every chosen series has: all of them are drawn,
        # each at 100 there
        assert len(drawn) >= 2
        assert {s for s, v in values if v == "100"} == drawn
        assert "Not drawn in this mode" not in main_text(page)
    finally:
        page.close()

    page = open_page(browser, f"{site}/ncmec")
    try:
        y_axis = next(a for a in marks(page, 0) if a.startswith("Y-axis"))
        assert "log scale" in y_axis
        text = main_text(page)
        assert "Large reporters not in the cross-check" in text
        assert re.search(r"Meta: [\d,]+ reports received by NCMEC in \d{4}", text)
    finally:
        page.close()

    page = open_page(browser, f"{site}/coverage")
    try:
        statuses = plotted(page, 0, "status")
        assert {"held", "not collected"} <= statuses
        x_axis = next(a for a in marks(page, 0) if a.startswith("X-axis"))
        assert not re.search(r"values from (19|200)", x_axis), x_axis  # no axis from 1998
    finally:
        page.close()

    page = open_page(browser, f"{site}/methodology")
    try:
        text = main_text(page)
        for part in ("Harmonisation", "Comparability caveats", "Releases (vintages)"):
            assert part in text
        assert page.locator('[data-testid="stDataFrame"]').count() >= 2
    finally:
        page.close()

    # the data behind a chart: exactly the rows shown, with a citation line
    page = open_page(browser, f"{site}/compare?metric={urllib.parse.quote_plus(CYBERTIPLINE)}")
    try:
        shown = int(re.search(r"([\d,]+) values; \d+ series", main_text(page)).group(1))
        page.get_by_text("Data shown, citation and source documents").first.click()
        with page.expect_download() as dl:
            page.get_by_role("button", name=re.compile("Download CSV")).first.click()
        rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text())))
        assert len(rows) == shown
        assert "Cite as:" in main_text(page)
        assert page.locator("a[href^='https://www.missingkids.org']").count() > 0
    finally:
        page.close()


# ---------------------------------------------------------------- every page, two widths


@pytest.mark.parametrize("width", [1440, 390])
def test_every_page_at_desktop_and_phone_width(browser, site, shots, width):  # noqa: F811
    for path, title in PAGES:
        page = open_page(
            browser, f"{site}/{path}", width=width, height=2600 if width > 400 else 3400
        )
        try:
            page.wait_for_timeout(500)
            page.screenshot(path=str(shots / f"{path}-{width}.png"), full_page=True)
            assert page.locator("h1").first.inner_text().strip() == title
            assert not page.errors, (path, page.errors)
            if width < 400:  # nothing wider than the phone: legends wrap, captions fold
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 1, (path, overflow)
                for svg in page.locator('[data-testid="stVegaLiteChart"] svg').all():
                    box = svg.bounding_box()
                    assert box is None or box["x"] + box["width"] <= width + 1, path
        finally:
            page.close()
