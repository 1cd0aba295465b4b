"""ec_presscorner: Press Corner JSON (own fixtures in the API's shape), fetch offline.

The page layout these tests feed the parser is the project's own (the source's verification is
"layout written by the project, not yet checked against a live page"): tests named
``test_project_layout_*`` show that the parser reads that layout and gives back the figures
typed into it, not that it reads the live page (``transparency scrape --check`` tries that).
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from scrapers import ec_presscorner as ec
from tests.conftest import FIXTURES
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError

SEARCH = FIXTURES / "ec_presscorner" / "presscorner-search-20251201-20260731-p1.json"
DOC = FIXTURES / "ec_presscorner" / "presscorner-ip_26_312.json"


def test_project_layout_search_page_gives_one_candidate_per_action_release():
    found = ec.parse_actions(SEARCH)
    assert [(c.date.isoformat(), c.action_type, c.ref) for c in found] == [
        ("2026-07-24", "preliminary_findings", "IP/26/1679"),
        ("2026-07-10", "preliminary_findings", "IP/26/1579"),
        ("2026-04-29", "preliminary_findings", "IP/26/920"),
        ("2026-03-26", "preliminary_findings", "IP/26/9998"),
        (
            "2026-02-06",
            "preliminary_findings",
            "IP/26/312",
        ),  # the annual report (IP/26/9997) is skipped
        ("2025-12-05", "non_compliance_decision", "IP/25/9999"),
    ]
    fine = found[-1]
    assert (fine.amount, fine.currency, fine.amount_text) == (120_000_000, "EUR", "€120 million")
    assert fine.title == "Commission fines X €120 million under the Digital Services Act"
    assert fine.source_url == "https://ec.europa.eu/commission/presscorner/detail/en/ip_25_9999"
    assert all(
        c.regulator == "European Commission" and c.legal_basis == "Digital Services Act"
        for c in found
    )
    assert found[4].row_ref == "docuLanguageListResources[5]"


def test_project_layout_document_gives_its_candidate():
    [c] = ec.parse_actions(DOC)
    assert (c.date, c.action_type, c.ref, c.row_ref) == (
        date(2026, 2, 6),
        "preliminary_findings",
        "IP/26/312",
        "docuLanguageResource",
    )
    assert (
        c.title
        == "Commission preliminarily finds TikTok's addictive design in breach of the Digital Services Act"
    )
    assert "infinite scroll" in c.summary


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Commission opens formal proceedings against TikTok under the Digital Services Act",
            "formal_proceedings_opened",
        ),
        (
            "Commission accepts commitments offered by AliExpress under the Digital Services Act",
            "commitments_accepted",
        ),
        (
            "Commission investigates Snapchat's compliance with child protection rules",
            "formal_proceedings_opened",
        ),
        (
            "Commission sends requests for information to Snapchat, YouTube, Apple and Google",
            "information_request",
        ),
        ("Commission publishes guidelines on the protection of minors", None),
    ],
)
def test_title_wording(title, expected):
    hit = ec.classify(title)
    assert (hit[0] if hit else None) == expected


def test_not_press_corner_json_is_a_parse_error(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}')
    with pytest.raises(ParseError, match="neither a search page"):
        ec.parse_actions(bad)
    bad.write_text("<html>")
    with pytest.raises(ParseError, match="not Press Corner JSON"):
        ec.parse_actions(bad)
    bad.write_text(
        '{"docuLanguageListResources": [{"refCode": "IP/1", "eventDate": "5 May", "title": "Commission fines X"}]}'
    )
    with pytest.raises(ParseError, match=r"docuLanguageListResources\[0\]"):
        ec.parse_actions(bad)


def _client(handler) -> PoliteClient:
    return PoliteClient(
        allowed_hosts=ec.SOURCE.hosts,
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        policy=FetchPolicy(min_interval=0, backoff=0),
    )


def test_fetch_searches_by_window_and_stores_only_good_documents(tmp_path):
    seen: list[dict] = []
    page = json.loads(SEARCH.read_text())

    def handler(request: httpx.Request) -> httpx.Response:
        url = urlsplit(str(request.url))
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/robots.txt":
            return httpx.Response(404)
        if url.path.endswith("/api/search"):
            seen.append(q)
            if q["pagenumber"] == "1":
                return httpx.Response(200, json={**page, "totalNumber": 8})
            return httpx.Response(
                200,
                json={
                    "totalNumber": 8,
                    "pageSize": 100,
                    "pageNumber": 2,
                    "docuLanguageListResources": [page["docuLanguageListResources"][0]],
                },
            )
        if url.path.endswith("/api/documents"):
            if q["reference"] == "IP/26/312":
                return httpx.Response(
                    200, content=DOC.read_bytes(), headers={"Content-Type": "application/json"}
                )
            return httpx.Response(200, content=b"", headers={"Content-Type": "application/json"})
        return httpx.Response(404)

    store = SnapshotStore(tmp_path / "store")
    with _client(handler) as client:
        outcomes = ec.fetch(client, store, since=date(2025, 12, 1), until=date(2026, 7, 31))
    assert [
        (q["datefrom"], q["dateto"], q["pagenumber"], q["text"], q["documentTypeCodes"])
        for q in seen
    ] == [
        ("01122025", "31072026", "1", "Digital Services Act", "IP"),
        ("01122025", "31072026", "2", "Digital Services Act", "IP"),
    ]
    statuses = [o.status for o in outcomes]
    assert statuses[:2] == ["new", "new"]
    docs = outcomes[2:]
    assert len(docs) == 7  # six action releases on page 1, one (repeated) on page 2
    assert [o.status for o in docs if "IP%2F26%2F312" in o.url] == ["new"]
    failed = [o for o in docs if o.status == "failed"]
    assert len(failed) == 6 and all("empty body" in o.message for o in failed)
    assert len(list(store)) == 3  # two search pages and one document; empty answers never stored


def test_failed_search_page_is_not_taken_for_the_end(tmp_path):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404) if request.url.path == "/robots.txt" else httpx.Response(503)

    with _client(handler) as client:
        outcomes = ec.fetch(
            client, SnapshotStore(tmp_path / "s"), since=date(2026, 1, 1), until=date(2026, 1, 31)
        )
    assert [o.status for o in outcomes] == ["failed"]
    assert "503" in outcomes[0].message
