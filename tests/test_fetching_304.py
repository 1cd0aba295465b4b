"""Conditional requests: a 304 Not Modified is an answer, not a redirect to follow."""

from __future__ import annotations

from tests.sources.web_helpers import mock_client
from transparency.acquisition.fetching import fetch_to_store
from transparency.acquisition.sources import SourceDeclaration
from transparency.acquisition.store import SnapshotStore

DECL = SourceDeclaration(
    id="t",
    publisher="p",
    kind="platform report",
    title="t",
    homepage="https://a.example/",
    formats=("csv",),
    cadence="daily",
    licence="l",
    hosts=("a.example", "b.example"),
    verification="real file",
)


def test_304_is_unchanged_and_redirects_are_still_followed(tmp_path):
    def answer(request):
        url = str(request.url)
        if url == "https://a.example/old":
            return 301, {"Location": "https://b.example/new"}, b""
        if url == "https://b.example/new":
            if request.headers.get("If-None-Match") == '"e1"':
                return 304, {"ETag": '"e1"'}, b""
            return 200, {"Content-Type": "text/csv", "ETag": '"e1"'}, b"a,b\n1,2\n"
        return 404, {}, b""

    store = SnapshotStore(tmp_path / "store")
    with mock_client(DECL.hosts, answer) as client:
        first = fetch_to_store(client, store, DECL, "https://a.example/old", expect=("text/csv",))
        second = fetch_to_store(client, store, DECL, "https://a.example/old", expect=("text/csv",))
    assert first.status == "new" and first.snapshot.final_url == "https://b.example/new"
    assert (second.status, second.message) == ("unchanged", "304 Not Modified")
