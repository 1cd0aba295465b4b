"""Polite, careful HTTP for every scraper.

One :class:`PoliteClient` gives each source the same discipline: an identifying User-Agent,
timeouts, bounded retries with exponential backoff on 429/5xx and connection errors (honouring
``Retry-After``), a minimum interval between requests to the same host, robots.txt respected,
redirects followed only to the source's own hosts, a cap on response size, and conditional
requests (``If-None-Match`` / ``If-Modified-Since``) built from the last stored snapshot of the
URL. :func:`fetch_to_store` puts what it gets into the snapshot store and says what happened.

Before its first request to a host, a client on the real network probes it once: name lookup and
a TCP connect, each bounded by ``FetchPolicy.probe_timeout`` (the result is shared by every client
of the process for a minute). A host that cannot be resolved or reached fails at once with "no
network" instead of waiting out resolver and connect timeouts and retries, so an offline
``transparency scrape`` answers in seconds. Clients given a transport (tests) are not probed.
"""

from __future__ import annotations

import email.utils
import socket
import threading
import time
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from transparency import __version__
from transparency.acquisition.sources import SourceDeclaration
from transparency.acquisition.store import Snapshot, SnapshotStore

USER_AGENT = f"transparency-observatory/{__version__} (+https://github.com/transparency-observatory/transparency; research crawler)"
RETRY_STATUSES = {429, 500, 502, 503, 504}


class FetchError(RuntimeError):
    """A fetch that failed for good (after retries); the message says why."""


class NoNetwork(FetchError):
    """The host cannot be resolved or reached: retrying (or asking robots.txt) will not help."""


@dataclass
class FetchPolicy:
    timeout: float = 30.0
    max_retries: int = 4
    backoff: float = 1.0  # seconds, doubled each retry
    max_backoff: float = 60.0  # a Retry-After longer than this fails instead of sleeping
    min_interval: float = 2.0  # seconds between requests to one host
    max_bytes: int = 512 * 1024 * 1024
    max_redirects: int = 5
    respect_robots: bool = True
    connect_timeout: float = 10.0  # seconds to open a connection (the rest may take `timeout`)
    probe_timeout: float = 2.0  # seconds for the first-contact name lookup, and for its connect


@dataclass
class FetchOutcome:
    url: str
    status: str  # "new", "unchanged", "failed"
    snapshot: Snapshot | None = None
    message: str = ""


@dataclass
class PoliteClient:
    allowed_hosts: tuple[str, ...]
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    transport: httpx.BaseTransport | None = None  # tests pass a MockTransport
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(
                self.policy.timeout, connect=min(self.policy.timeout, self.policy.connect_timeout)
            ),
            follow_redirects=False,
            transport=self.transport,
        )
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._reachable: set[str] = set()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- rules
    def _check_host(self, url: str) -> str:
        host = (urlsplit(url).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in self.allowed_hosts):
            raise FetchError(
                f"{url}: host {host!r} is not one of this source's hosts {list(self.allowed_hosts)}"
            )
        return host

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            gap = self.policy.min_interval - (self.clock() - last)
            if gap > 0:
                self.sleep(gap)
        self._last[host] = self.clock()

    def allowed_by_robots(self, url: str) -> bool:
        if not self.policy.respect_robots:
            return True
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                resp = self._send("GET", f"{base}/robots.txt", {}, check_robots=False)
                if resp.status_code == 200:
                    parser.parse(resp.text.splitlines())  # type: ignore[union-attr]
                else:
                    parser = None  # no robots.txt (or not readable): everything allowed
            except NoNetwork:
                raise  # the page itself cannot be fetched either: say so now, once
            except FetchError:
                parser = None
            self._robots[base] = parser
        rp = self._robots[base]
        return rp is None or rp.can_fetch(USER_AGENT, url)

    # -- requests
    def _retry_after(self, resp: httpx.Response, attempt: int) -> float:
        header = resp.headers.get("Retry-After")
        if header:
            if header.strip().isdigit():
                return float(header)
            when = email.utils.parsedate_to_datetime(header)
            if when is not None:
                return max(0.0, (when - datetime.now(UTC)).total_seconds())
        return min(self.policy.backoff * 2**attempt, self.policy.max_backoff)

    def _send(
        self, method: str, url: str, headers: dict[str, str], *, check_robots: bool = True
    ) -> httpx.Response:
        """One request with retries and redirects (each hop checked against the allowed hosts)."""
        for _hop in range(self.policy.max_redirects + 1):
            host = self._check_host(url)
            if check_robots and not self.allowed_by_robots(url):
                raise FetchError(f"{url}: disallowed by robots.txt")
            resp = self._attempts(method, url, headers, host)
            if resp.has_redirect_location:  # not 304 Not Modified (is_redirect is true for any 3xx)
                target = urljoin(url, resp.headers.get("Location", ""))
                resp.close()
                url = target
                continue
            return resp
        raise FetchError(f"{url}: more than {self.policy.max_redirects} redirects")

    def _check_reachable(self, url: str) -> None:
        """Probe the host (or the proxy the request would go through) once, before any request."""
        if self.transport is not None:
            return  # a test transport: there is no network to probe
        host, port = probe_target(url)
        if f"{host}:{port}" in self._reachable:
            return
        problem = probe(host, port, self.policy.probe_timeout)
        if problem is not None and "refused" in problem.lower():
            raise FetchError(f"{url}: {problem}")  # reachable, but nothing listens: not offline
        if problem is not None:
            raise NoNetwork(f"{url}: no network ({problem})")
        self._reachable.add(f"{host}:{port}")

    def _attempts(
        self, method: str, url: str, headers: dict[str, str], host: str
    ) -> httpx.Response:
        error = ""
        self._check_reachable(url)
        for attempt in range(self.policy.max_retries + 1):
            self._wait_turn(host)
            try:
                req = self._client.build_request(method, url, headers=headers)
                resp = self._client.send(req, stream=True)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                error = f"{type(exc).__name__}: {exc}"
                if _no_network(exc):
                    raise NoNetwork(f"{url}: no network ({exc})") from exc
                if attempt < self.policy.max_retries:
                    self.sleep(min(self.policy.backoff * 2**attempt, self.policy.max_backoff))
                continue
            if resp.status_code in RETRY_STATUSES:
                delay = self._retry_after(resp, attempt)
                error = f"HTTP {resp.status_code}"
                resp.close()
                if delay > self.policy.max_backoff:
                    raise FetchError(
                        f"{url}: HTTP {resp.status_code}, Retry-After {delay:.0f}s is longer than {self.policy.max_backoff:.0f}s"
                    )
                if attempt < self.policy.max_retries:
                    self.sleep(delay)
                continue
            try:
                self._read_body(resp, url)
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                error = f"body cut short ({type(exc).__name__}: {exc})"
                if attempt < self.policy.max_retries:
                    self.sleep(min(self.policy.backoff * 2**attempt, self.policy.max_backoff))
                continue
            return resp
        raise FetchError(f"{url}: gave up after {self.policy.max_retries + 1} attempts ({error})")

    def _read_body(self, resp: httpx.Response, url: str) -> None:
        """Read the (decoded) body with a size cap; a body shorter than Content-Length is an error."""
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.policy.max_bytes:
            resp.close()
            raise FetchError(
                f"{url}: response of {int(declared):,} bytes is over the limit of {self.policy.max_bytes:,}"
            )
        chunks, size = [], 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > self.policy.max_bytes:
                resp.close()
                raise FetchError(
                    f"{url}: response is over the limit of {self.policy.max_bytes:,} bytes"
                )
            chunks.append(chunk)
        body = b"".join(chunks)
        if (
            declared.isdigit()
            and "content-encoding" not in resp.headers
            and int(declared) != len(body)
        ):
            raise httpx.RemoteProtocolError(f"got {len(body):,} of {int(declared):,} bytes")
        resp._content = body  # what resp.content returns from now on

    def get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self._send("GET", url, headers or {})

    def post(
        self, url: str, data: dict | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        host = self._check_host(url)
        self._check_reachable(url)
        self._wait_turn(host)
        return self._client.post(url, data=data, headers=headers or {})


_NO_NETWORK = (
    "name resolution",
    "name or service not known",
    "nodename nor servname",
    "network is unreachable",
    "no address associated",
)


_PROBE_TTL = 60.0  # seconds a probe's answer is reused by every client of the process
_probes: dict[tuple[str, int], tuple[float, str | None]] = {}
_probe_lock = threading.Lock()


def probe(host: str, port: int, timeout: float) -> str | None:
    """None when ``host:port`` accepts a TCP connection; otherwise why not, within ~2 x timeout.

    The name lookup runs in a daemon thread so that a resolver that never answers costs
    ``timeout``, not the system's own retries. Answers are cached for a minute per host and port.
    """
    key = (host, port)
    with _probe_lock:
        hit = _probes.get(key)
        if hit is not None and time.monotonic() - hit[0] < _PROBE_TTL:
            return hit[1]
    problem = _probe(host, port, timeout)
    with _probe_lock:
        _probes[key] = (time.monotonic(), problem)
    return problem


def _probe(host: str, port: int, timeout: float) -> str | None:
    found: list = []

    def lookup() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            found.append(exc)

    worker = threading.Thread(target=lookup, name=f"probe-{host}", daemon=True)
    worker.start()
    worker.join(timeout)
    if not found:
        return f"name lookup of {host} did not answer within {timeout:g} s"
    if isinstance(found[0], OSError):
        return f"name lookup of {host} failed: {found[0]}"
    last: OSError | None = None
    for family, kind, proto, _, addr in found[0][:3]:
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.settimeout(timeout)
                sock.connect(addr)
            return None
        except OSError as exc:
            last = exc
    if isinstance(last, TimeoutError | socket.timeout):
        return f"no answer from {host}:{port} within {timeout:g} s"
    return f"cannot connect to {host}:{port}: {last}"


def probe_target(url: str) -> tuple[str, int]:
    """The (host, port) a request to ``url`` first connects to: the server, or the proxy."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return _proxy_for(parts.scheme, host) or (host, port)


def probe_all(urls: list[str], timeout: float) -> dict[str, str | None]:
    """Probe the targets of many URLs at once (one thread each): a run that will contact many
    hosts learns in one ``timeout`` which are reachable, instead of one after another."""
    targets = sorted({probe_target(u) for u in urls if urlsplit(u).hostname})
    answers: dict[str, str | None] = {}

    def one(target: tuple[str, int]) -> None:
        answers[f"{target[0]}:{target[1]}"] = probe(target[0], target[1], timeout)

    workers = [threading.Thread(target=one, args=(t,), daemon=True) for t in targets]
    for w in workers:
        w.start()
    for w in workers:
        w.join(3 * timeout)
    return answers


def _proxy_for(scheme: str, host: str) -> tuple[str, int] | None:
    """The proxy (host, port) httpx would use for this request, from the environment, if any."""
    proxies = urllib.request.getproxies()
    url = proxies.get(scheme) or proxies.get("all")
    if not url or urllib.request.proxy_bypass(host):
        return None
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def _no_network(exc: Exception) -> bool:
    """DNS failure or no route: retrying will not help, and the run should say "no network"."""
    return isinstance(exc, httpx.ConnectError) and any(t in str(exc).lower() for t in _NO_NETWORK)


def fetch_to_store(
    client: PoliteClient,
    store: SnapshotStore,
    decl: SourceDeclaration,
    url: str,
    *,
    filename: str = "",
    published_at: str = "",
    expect: tuple[str, ...] = (),
    check: Callable[[bytes], str | None] | None = None,
) -> FetchOutcome:
    """GET ``url`` (conditionally) and store the bytes; never raises for network trouble.

    ``expect`` lists acceptable media types (e.g. ``("text/csv", "application/zip")``); a response of
    another type (a bot-wall HTML page instead of a CSV, say) is a failure, not a snapshot.
    ``check(body)`` may refuse a body of the right type (an empty result, a challenge page): it
    returns the reason, and the outcome is a failure with nothing stored.
    """
    previous = store.latest_for_url(url)
    headers: dict[str, str] = {}
    if previous is not None:
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    try:
        resp = client.get(url, headers)
    except FetchError as exc:
        return FetchOutcome(url, "failed", message=str(exc))
    if resp.status_code == 304 and previous is not None:
        return FetchOutcome(url, "unchanged", previous, "304 Not Modified")
    if resp.status_code != 200:
        return FetchOutcome(url, "failed", message=f"{url}: HTTP {resp.status_code}")
    media = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if expect and media not in expect:
        return FetchOutcome(
            url,
            "failed",
            message=f"{url}: got {media or 'no content type'}, expected {' or '.join(expect)}",
        )
    problem = check(resp.content) if check else None
    if problem:
        return FetchOutcome(url, "failed", message=f"{url}: {problem}; not stored, retry later")
    snap, new = store.put_bytes(
        resp.content,
        source_id=decl.id,
        url=url,
        filename=filename or urlsplit(str(resp.url)).path.rsplit("/", 1)[-1] or decl.id,
        published_at=published_at,
        media_type=media,
        final_url=str(resp.url),
        etag=resp.headers.get("ETag", ""),
        last_modified=resp.headers.get("Last-Modified", ""),
        http_status=resp.status_code,
        method="http",
    )
    return FetchOutcome(
        url, "new" if new else "unchanged", snap, "" if new else "same bytes as a stored snapshot"
    )


def client_for(decl: SourceDeclaration, **kwargs) -> PoliteClient:
    hosts = decl.hosts or tuple(
        {urlsplit(u).hostname or "" for u in (decl.homepage, *decl.download_urls)} - {""}
    )
    return PoliteClient(allowed_hosts=hosts, **kwargs)
