"""The fetch discipline under faults, offline through httpx.MockTransport."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import FIXTURES
from transparency.acquisition.fetching import USER_AGENT, FetchPolicy, PoliteClient, fetch_to_store
from transparency.acquisition.scrape import scrape
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore

META = get_source("meta_cser")
URL = META.decl.download_urls[0]
CSV = (FIXTURES / "meta_cser" / "meta-cser-sample-2021q2.csv").read_bytes()


class Server:
    """A scripted server: a list of responses (or exceptions) per URL, consumed in order."""

    def __init__(self, script: dict[str, list]):
        self.script = {k: list(v) for k, v in script.items()}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = str(request.url)
        if key.endswith("/robots.txt") and key not in self.script:
            return httpx.Response(404)
        queue = self.script.get(key)
        if not queue:
            return httpx.Response(404)
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item() if callable(item) else item

    def hits(self, url: str) -> int:
        return sum(str(r.url) == url for r in self.requests)


def ok(body: bytes = CSV, **headers: str) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"Content-Type": "text/csv", **headers})


def client(server: Server, sleeps: list[float] | None = None, **policy) -> PoliteClient:
    record = sleeps if sleeps is not None else []
    return PoliteClient(
        allowed_hosts=META.decl.hosts,
        transport=httpx.MockTransport(server),
        sleep=record.append,
        policy=FetchPolicy(**{"min_interval": 0, **policy}),
    )


@pytest.fixture
def store(tmp_path):
    return SnapshotStore(tmp_path / "store")


@pytest.mark.reliability(
    "fetch",
    "same release fetched again",
    "conditional request (If-None-Match, If-Modified-Since); 304 -> unchanged, nothing stored twice",
)
def test_new_then_conditional_unchanged(store):
    server = Server(
        {
            URL: [
                ok(ETag='"v1"', **{"Last-Modified": "Wed, 18 Aug 2021 10:00:00 GMT"}),
                httpx.Response(304),
            ]
        }
    )
    with client(server) as c:
        first = fetch_to_store(c, store, META.decl, URL, filename="meta.csv")
        second = fetch_to_store(c, store, META.decl, URL, filename="meta.csv")
    assert (first.status, second.status) == ("new", "unchanged")
    last = server.requests[-1]
    assert last.headers["If-None-Match"] == '"v1"'
    assert last.headers["If-Modified-Since"] == "Wed, 18 Aug 2021 10:00:00 GMT"
    assert last.headers["User-Agent"] == USER_AGENT
    assert store.path_for(first.snapshot.sha256).read_bytes() == CSV


@pytest.mark.reliability(
    "fetch", "429 then 503, each with Retry-After", "waits the Retry-After seconds, then succeeds"
)
def test_429_and_503_honour_retry_after_then_succeed(store):
    sleeps: list[float] = []
    server = Server(
        {
            URL: [
                httpx.Response(429, headers={"Retry-After": "7"}),
                httpx.Response(503, headers={"Retry-After": "3"}),
                ok(),
            ]
        }
    )
    with client(server, sleeps) as c:
        outcome = fetch_to_store(c, store, META.decl, URL)
    assert outcome.status == "new"
    assert sleeps == [7.0, 3.0]


@pytest.mark.reliability(
    "fetch",
    "503 on every attempt",
    "bounded retries with exponential backoff, then fails; nothing stored",
)
def test_persistent_503_gives_up_after_bounded_retries(store):
    sleeps: list[float] = []
    server = Server({URL: [httpx.Response(503)]})
    with client(server, sleeps, max_retries=3, backoff=1.0) as c:
        outcome = fetch_to_store(c, store, META.decl, URL)
    assert outcome.status == "failed" and "gave up after 4 attempts (HTTP 503)" in outcome.message
    assert server.hits(URL) == 4 and sleeps == [1.0, 2.0, 4.0]
    assert list(store) == []


@pytest.mark.reliability(
    "fetch", "429 with Retry-After of an hour", "fails at once instead of sleeping"
)
def test_retry_after_too_long_fails_instead_of_sleeping(store):
    server = Server({URL: [httpx.Response(429, headers={"Retry-After": "3600"})]})
    with client(server) as c:
        outcome = fetch_to_store(c, store, META.decl, URL)
    assert outcome.status == "failed" and "Retry-After 3600s" in outcome.message


@pytest.mark.reliability("fetch", "read timeout / connection reset", "retried, then succeeds")
@pytest.mark.parametrize(
    "fault", [httpx.ReadTimeout("timed out"), httpx.RemoteProtocolError("connection reset by peer")]
)
def test_timeouts_and_resets_are_retried(store, fault):
    server = Server({URL: [fault, ok()]})
    with client(server) as c:
        assert fetch_to_store(c, store, META.decl, URL).status == "new"
    assert server.hits(URL) == 2


@pytest.mark.reliability(
    "fetch", "body shorter than Content-Length", "treated as a failure and retried; nothing stored"
)
def test_truncated_body_is_not_stored(store):
    def short():
        return httpx.Response(
            200,
            headers={"Content-Type": "text/csv", "Content-Length": str(len(CSV) + 100)},
            stream=httpx.ByteStream(CSV),
        )

    server = Server({URL: [short]})
    with client(server, max_retries=1) as c:
        outcome = fetch_to_store(c, store, META.decl, URL)
    assert outcome.status == "failed" and "body cut short" in outcome.message
    assert list(store) == []


@pytest.mark.reliability(
    "fetch", "HTML challenge page instead of CSV", "failure naming the content type; nothing stored"
)
def test_wrong_content_type_is_a_failure(store):
    server = Server(
        {
            URL: [
                httpx.Response(
                    200, content=b"<html>challenge</html>", headers={"Content-Type": "text/html"}
                )
            ]
        }
    )
    with client(server) as c:
        outcome = fetch_to_store(c, store, META.decl, URL, expect=("text/csv",))
    assert outcome.status == "failed" and "got text/html, expected text/csv" in outcome.message
    assert list(store) == []


@pytest.mark.reliability("fetch", "redirect to a foreign host", "refused, naming the host")
def test_redirect_to_another_host_is_refused(store):
    server = Server(
        {URL: [httpx.Response(302, headers={"Location": "https://evil.example.com/x.csv"})]}
    )
    with client(server) as c:
        outcome = fetch_to_store(c, store, META.decl, URL)
    assert (
        outcome.status == "failed"
        and "host 'evil.example.com' is not one of this source's hosts" in outcome.message
    )


def test_redirect_within_hosts_is_followed(store):
    target = "https://transparency.meta.com/files/cser.csv"
    server = Server({URL: [httpx.Response(301, headers={"Location": target})], target: [ok()]})
    with client(server) as c:
        outcome = fetch_to_store(c, store, META.decl, URL)
    assert outcome.status == "new" and outcome.snapshot.final_url == target


@pytest.mark.reliability("fetch", "response over the size limit", "refused; nothing stored")
def test_oversized_response_is_refused(store):
    server = Server({URL: [ok(b"x" * 5000)]})
    with client(server, max_bytes=1000) as c:
        outcome = fetch_to_store(c, store, META.decl, URL)
    assert outcome.status == "failed" and "over the limit of 1,000" in outcome.message


@pytest.mark.reliability(
    "fetch", "robots.txt disallows the URL", "not requested; failure says robots.txt"
)
def test_robots_txt_is_respected(store):
    server = Server(
        {
            "https://transparency.fb.com/robots.txt": [
                httpx.Response(200, text="User-agent: *\nDisallow: /sr/\n")
            ],
            URL: [ok()],
        }
    )
    with client(server) as c:
        outcome = fetch_to_store(c, store, META.decl, URL)
    assert outcome.status == "failed" and "robots.txt" in outcome.message
    assert server.hits(URL) == 0


def test_per_host_rate_limit_spaces_requests(store):
    sleeps: list[float] = []
    clock = iter([0.0, 0.5, 2.0])  # first request at 0.0; the second asks at 0.5
    server = Server({URL: [ok()]})
    c = PoliteClient(
        allowed_hosts=META.decl.hosts,
        transport=httpx.MockTransport(server),
        sleep=sleeps.append,
        clock=lambda: next(clock),
        policy=FetchPolicy(min_interval=2.0, respect_robots=False),
    )
    c.get(URL)
    c.get(URL)
    assert sleeps == [pytest.approx(1.5)]


@pytest.mark.reliability(
    "fetch", "no network (DNS failure)", "each source says 'no network'; nothing changes"
)
def test_no_network_fails_fast_per_source_and_changes_nothing(store):
    def offline(request):
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")

    runs = scrape(
        [META], store, transport=httpx.MockTransport(offline), policy=FetchPolicy(min_interval=0)
    )
    assert [(r.source_id, r.status, r.detail) for r in runs] == [
        ("meta_cser", "failed", "no network")
    ]
    assert list(store) == []


@pytest.mark.reliability(
    "fetch", "one source's fetcher raises", "that source fails; the others are fetched"
)
def test_one_failing_source_does_not_stop_the_others(store, monkeypatch):
    import types

    from transparency.acquisition.sources import Source

    def broken_fetch(client, store):
        raise RuntimeError("layout changed")

    broken = Source(META.decl, types.SimpleNamespace(fetch=broken_fetch, parse=None))
    server = Server({URL: [ok()]})
    runs = scrape(
        [broken, META],
        store,
        transport=httpx.MockTransport(server),
        policy=FetchPolicy(min_interval=0),
    )
    assert [(r.status, r.detail) for r in runs] == [
        ("failed", "RuntimeError: layout changed"),
        ("new", "1 new file(s): meta-cser-latest.csv"),
    ]
