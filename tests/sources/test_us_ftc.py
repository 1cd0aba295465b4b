"""us_ftc: the press-release RSS feed (own fixture in the feed's shape), fetch offline.

The page layout these tests feed the parser is the project's own (the source's verification is
"layout written by the project, not yet checked against a live page"): tests named
``test_project_layout_*`` show that the parser reads that layout and gives back the figures
typed into it, not that it reads the live page (``transparency scrape --check`` tries that).
"""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from scrapers import us_ftc as ftc
from tests.conftest import FIXTURES
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError

FEED = FIXTURES / "us_ftc" / "press-release.xml"


def test_project_layout_feed_child_safety_items_become_candidates():
    found = ftc.parse_actions(FEED)
    assert [(c.date, c.action_type, c.amount, c.currency, c.row_ref) for c in found] == [
        (date(2025, 9, 11), "information_request", None, "", "item 1"),
        (date(2025, 9, 2), "settlement", 10_000_000, "USD", "item 2"),
        (
            date(2025, 1, 17),
            "settlement",
            20_000_000,
            "USD",
            "item 4",
        ),  # item 3 is not about children
        (date(2024, 8, 2), "court_proceedings", None, "", "item 5"),
        (date(2022, 12, 19), "settlement", 275_000_000, "USD", "item 6"),  # from the description
    ]
    inquiry = found[0]
    assert "X.AI Corp" in inquiry.summary and "<p>" not in inquiry.summary
    assert inquiry.source_url == (
        "https://www.ftc.gov/news-events/news/press-releases/2025/09/"
        "ftc-launches-inquiry-ai-chatbots-acting-companions"
    )
    assert (
        found[1].legal_basis == "COPPA Rule"
        and found[1].regulator == "Federal Trade Commission (FTC)"
    )


def test_not_rss_is_a_parse_error(tmp_path):
    bad = tmp_path / "feed.xml"
    bad.write_text("<html><body>Access denied</body></html>")
    with pytest.raises(ParseError, match="not an RSS 2.0 feed"):
        ftc.parse_actions(bad)
    bad.write_text("not xml at all <")
    with pytest.raises(ParseError, match="not an RSS feed"):
        ftc.parse_actions(bad)


def test_fetch_stores_the_feed_and_refuses_a_bot_wall(tmp_path):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.path.endswith("press-release.xml"):
            return httpx.Response(
                200, content=FEED.read_bytes(), headers={"Content-Type": "application/rss+xml"}
            )
        return httpx.Response(
            200,
            content=b"<html>checking your browser</html>",
            headers={"Content-Type": "text/html"},
        )

    store = SnapshotStore(tmp_path / "store")
    with PoliteClient(
        allowed_hosts=ftc.SOURCE.hosts,
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        policy=FetchPolicy(min_interval=0),
    ) as client:
        outcomes = ftc.fetch(client, store)
    assert [o.status for o in outcomes] == ["new", "failed"]
    assert "expected application/rss+xml" in outcomes[1].message
    assert [s.filename for s in store] == ["press-release.xml"]
