"""uk_ofcom: case pages with the fixed label sequence (own fixtures), fetch offline.

The page layout these tests feed the parser is the project's own (the source's verification is
"layout written by the project, not yet checked against a live page"): tests named
``test_project_layout_*`` show that the parser reads that layout and gives back the figures
typed into it, not that it reads the live page (``transparency scrape --check`` tries that).
"""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from scrapers import uk_ofcom as ofcom
from tests.conftest import FIXTURES
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError

FORUM = FIXTURES / "uk_ofcom" / "suicide-forum.html"
FOURCHAN = FIXTURES / "uk_ofcom" / "4chan.html"


def test_project_layout_forum_page_opening_provisional_decision_and_penalty():
    found = ofcom.parse_actions(FORUM)
    assert [(c.date, c.action_type, c.amount, c.currency, c.row_ref) for c in found] == [
        (date(2025, 4, 9), "investigation_opened", None, "", "Case opened"),
        (date(2026, 2, 27), "provisional_decision", None, "", "update 27 February 2026"),
        (date(2026, 5, 13), "fine", 950_000, "GBP", "update 13 May 2026"),
    ]
    c = found[2]
    assert c.raw_platform_label == "an online suicide discussion forum"
    assert c.legal_basis == "Sections 9, 10, 20, 21, 23 and 102(8) of the Online Safety Act 2023"
    assert c.status == "Open (last updated 13 May 2026)"
    assert "to be paid by 12 June 2026" in c.summary and "28 May 2026" in c.summary
    assert c.source_url.endswith(
        "/investigation-into-an-online-suicide-discussion-forum-and-its-compliance-"
        "with-duties-to-protect-its-users-from-illegal-content"
    )


def test_project_layout_labels_on_the_next_line_and_updates_that_are_not_decisions():
    found = ofcom.parse_actions(FOURCHAN)
    assert [(c.date, c.action_type, c.amount) for c in found] == [
        (date(2025, 6, 10), "investigation_opened", None),
        (
            date(2025, 10, 13),
            "fine",
            20_000,
        ),  # the lawsuit update of 27 Aug 2025 is not an Ofcom action
        (date(2026, 3, 19), "fine", 520_000),
    ]
    assert {c.raw_platform_label for c in found} == {"4chan Community Support LLC"}
    assert found[0].source_url == ""  # no canonical link: the build uses the snapshot's URL


def test_page_without_the_labels_is_a_parse_error(tmp_path):
    bad = tmp_path / "page.html"
    bad.write_text("<html><body><h1>Just a moment...</h1></body></html>")
    with pytest.raises(
        ParseError, match="label 'Last updated:' not found|label 'Published:' not found"
    ):
        ofcom.parse_actions(bad)


def test_fetch_refuses_bot_protection_pages(tmp_path):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if "suicide" in request.url.path:
            return httpx.Response(
                200,
                content=FORUM.read_bytes(),
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
        return httpx.Response(
            200,
            content=b"<html><title>Just a moment...</title></html>",
            headers={"Content-Type": "text/html"},
        )

    store = SnapshotStore(tmp_path / "store")
    with PoliteClient(
        allowed_hosts=ofcom.SOURCE.hosts,
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        policy=FetchPolicy(min_interval=0),
    ) as client:
        outcomes = ofcom.fetch(client, store)
    assert [o.status for o in outcomes] == ["new", "failed", "failed", "failed"]
    assert all("bot-protection" in o.message for o in outcomes[1:])
    assert len(list(store)) == 1
