"""`transparency scrape --check`: fetch a source's live files into a temporary store, say whether
its parser still reads them, what it found and what changed; never store anything."""

from __future__ import annotations

import re

import httpx
from typer.testing import CliRunner

from tests.conftest import FIXTURES
from tests.test_fetching import Server, ok
from tests.test_scrape_offline import offline  # noqa: F401  (fixture)
from transparency.acquisition.fetching import FetchPolicy
from transparency.acquisition.sources import all_sources, get_source
from transparency.acquisition.store import SnapshotStore
from transparency.build.live_check import DOES_NOT_READ, FETCH_FAILED, READS, check
from transparency.cli.main import app

META = get_source("meta_cser")
URL = META.decl.download_urls[0]
CSV = (FIXTURES / "meta_cser" / "meta-cser-sample-2021q2.csv").read_bytes()
POLICY = FetchPolicy(min_interval=0)


def _check(body: bytes, content_type: str = "text/csv"):
    server = Server({URL: [ok(body, **{"Content-Type": content_type})]})
    (res,) = check([META], transport=httpx.MockTransport(server), policy=POLICY)
    return res


def test_a_live_file_that_parses_is_reported_with_what_it_holds(isolated_home):
    res = _check(CSV)
    assert res.verdict == READS and not res.failed
    assert res.verification == "real file"
    assert res.found == "1 file(s); 16 records, 2017-10-01 to 2021-06-30"
    # a sample, not the embedded release's file: new bytes, but nothing else new
    assert res.changed == "1 of 1 file(s) new to the project"
    assert [f["records"] for f in res.files] == [16]
    assert not SnapshotStore().root.exists() or list(SnapshotStore()) == []  # nothing stored


def test_what_changed_names_new_periods_and_labels(isolated_home):
    body = (
        CSV
        + b'Facebook,Child Endangerment: Nudity and Physical Abuse,Content Escalated,2025Q1,"7"\n'
    )
    res = _check(body)
    assert res.verdict == READS
    assert res.found == "1 file(s); 17 records, 2017-10-01 to 2025-03-31"
    parts = res.changed.split("; ")
    assert parts[0] == "1 of 1 file(s) new to the project"
    assert re.fullmatch(
        r"periods up to 2025-03-31 \(the project has up to \d{4}-\d\d-\d\d\)", parts[1]
    )
    assert parts[2] == (
        "1 raw label(s) never seen before (e.g. Child Endangerment: Nudity and Physical Abuse"
        " / Content Escalated)"
    )
    assert parts[3].startswith(
        "1 label(s) without a mapping (e.g. metric label 'Content Escalated'"
    )


def test_a_changed_layout_does_not_read(isolated_home):
    res = _check(b"application,area,measure,quarter,count\nFacebook,x,y,2025Q1,1\n")
    assert res.verdict == DOES_NOT_READ and res.failed
    assert res.found == "0 of 1 file(s) parsed; no records"
    assert res.changed.startswith("parser error: meta-cser-latest.csv (snapshot ")
    assert "expected header" in res.changed


def test_a_failed_fetch_says_why(isolated_home):
    server = Server({URL: [httpx.Response(404)]})
    (res,) = check([META], transport=httpx.MockTransport(server), policy=POLICY)
    assert res.verdict == FETCH_FAILED
    assert res.changed == f"{URL}: HTTP 404"


def test_cli_check_offline_lists_every_source_and_exits_1(offline, isolated_home):  # noqa: F811
    res = CliRunner().invoke(app, ["scrape", "--check", "meta_cser", "youtube_cge"])
    assert res.exit_code == 1, res.output
    lines = [ln for ln in res.output.splitlines() if re.match(r"\[\d/2\] ", ln)]
    assert sorted(ln.split(":")[0].split()[1] for ln in lines) == ["meta_cser", "youtube_cge"]
    assert all(": fetch failed (" in ln for ln in lines)
    assert "2 source(s): 0 reads, 0 does not read, 2 fetch failed, 0 no fetcher" in res.output
    assert "what changed" in res.output and "verification" in res.output
    assert res.stderr.rstrip().splitlines()[-1] == (
        "error: 2 of 2 source(s) failed or no longer parse; see above"
    )
    assert not (isolated_home / "store").exists()


def test_every_source_with_a_fetcher_can_be_checked():
    assert [s for s, src in all_sources().items() if src.fetch is None] == []
