"""`transparency scrape` offline tells the truth fast: a resolver that never answers (the slow
way a machine can be offline) costs each source seconds, not minutes, each outcome is printed as
it finishes, and the run ends with a summary and exit 1."""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest
from typer.testing import CliRunner

from tests.conftest import REPO
from transparency.acquisition import fetching
from transparency.acquisition.fetching import FetchError, NoNetwork, PoliteClient, probe
from transparency.acquisition.scrape import scrape
from transparency.acquisition.sources import all_sources
from transparency.cli.main import app

PER_SOURCE = 5.0  # seconds: each source's outcome within this
WHOLE_RUN = 30.0  # seconds: every source


@pytest.fixture
def offline(monkeypatch):
    """Name lookups hang for a minute and then fail, as with an unreachable nameserver."""
    release = threading.Event()

    def hanging_lookup(*args, **kwargs):
        release.wait(60)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_lookup)
    monkeypatch.setattr(fetching, "_probes", {})  # no answer cached from an earlier test
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    yield
    release.set()  # let the probe threads end


@pytest.mark.reliability(
    "fetch",
    "offline behind a resolver that never answers: `transparency scrape` of every source",
    "each source fails with 'no network' within 5 s, printed as it finishes; all within 30 s; "
    "summary line; exit 1; nothing stored",
)
def test_offline_scrape_of_every_source_is_fast_and_says_so(offline, isolated_home, request):
    t0 = time.monotonic()
    res = CliRunner().invoke(app, ["scrape", "--no-build"])
    elapsed = time.monotonic() - t0
    sources = sorted(all_sources())
    assert res.exit_code == 1, res.output
    lines = [ln for ln in res.output.splitlines() if re.match(r"\[\d+/\d+\] ", ln)]
    assert len(lines) == len(sources)
    assert [int(re.match(r"\[(\d+)/", ln)[1]) for ln in lines] == list(range(1, len(sources) + 1))
    seen = {re.match(r"\[\d+/\d+\] (\w+): failed \(([\d.]+) s\) no network$", ln) for ln in lines}
    assert None not in seen, lines
    assert sorted(m[1] for m in seen if m) == sources
    at = sorted(float(m[2]) for m in seen if m)  # seconds from the start of the run
    assert at[-1] < PER_SOURCE and elapsed < WHOLE_RUN
    n = len(sources)
    summary = re.compile(
        rf"{n} source\(s\) in [\d.]+ s: 0 new, 0 unchanged, {n} failed, 0 no fetcher "
        rf"\({n} with no network\)$"
    )
    assert sum(bool(summary.match(ln)) for ln in res.output.splitlines()) == 1, res.output
    assert res.stderr.rstrip().splitlines()[-1] == (
        f"error: {n} of {n} source(s) failed (no network); see above"
    )
    assert not (isolated_home / "store").exists() or not any((isolated_home / "store").rglob("*"))
    request.node.user_properties.append(("offline_scrape_seconds", round(elapsed, 1)))
    request.node.user_properties.append(
        ("observed", f"{len(sources)} sources, all 'no network', whole run {elapsed:.1f} s")
    )


def test_each_source_outcome_within_five_seconds(offline):
    """Per source (the library call the CLI uses): time from the run's start to its outcome. Every
    host is probed at once up front, so even a source that contacts several hosts, or one after a
    queue of others, answers within seconds."""
    finished: dict[str, float] = {}
    t0 = time.monotonic()
    runs = scrape(
        list(all_sources().values()),
        on_done=lambda r: finished.setdefault(r.source_id, time.monotonic() - t0),
    )
    assert {r.status for r in runs} == {"failed"}
    assert {r.detail for r in runs} == {"no network"}
    assert max(finished.values()) < PER_SOURCE  # from the start of the run, not of the source
    assert time.monotonic() - t0 < WHOLE_RUN
    assert sorted(finished) == sorted(all_sources())


def test_probe_bounds_a_hanging_resolver(offline):
    t0 = time.monotonic()
    problem = probe("example.invalid", 443, 0.5)
    assert time.monotonic() - t0 < 2
    assert problem == "name lookup of example.invalid did not answer within 0.5 s"
    # answered from the cache for the next client: no second wait
    t1 = time.monotonic()
    with (
        PoliteClient(allowed_hosts=("example.invalid",)) as client,
        pytest.raises(NoNetwork, match=r"no network \(name lookup of example.invalid"),
    ):
        client.get("https://example.invalid/report.csv")
    assert time.monotonic() - t1 < 0.5


def test_a_closed_port_is_a_fast_failure_not_no_network(monkeypatch):
    """Reachable host, nothing listening: said plainly, without retries, and not 'no network'."""
    monkeypatch.setattr(fetching, "_probes", {})
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    srv.close()  # nothing listens there now
    t0 = time.monotonic()
    with (
        PoliteClient(allowed_hosts=("127.0.0.1",)) as client,
        pytest.raises(FetchError, match="cannot connect to 127.0.0.1") as info,
    ):
        client.get(f"http://127.0.0.1:{port}/x.csv")
    assert not isinstance(info.value, NoNetwork)
    assert time.monotonic() - t0 < 2


def test_readme_documents_the_scrape_check():
    readme = (REPO / "README.md").read_text()
    assert "transparency scrape --check" in readme
