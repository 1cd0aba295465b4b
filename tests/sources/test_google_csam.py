"""google_csam: the project's own API response (Google's real figures), every Google CSAM-report
figure in ../shared/reference/platform_figures.csv, malformed responses, and fetch offline.

The page layout these tests feed the parser is the project's own (the source's verification is
"layout written by the project, not yet checked against a live page"): tests named
``test_project_layout_*`` show that the parser reads that layout and gives back the figures
typed into it, not that it reads the live page (``transparency scrape --check`` tries that).
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, reference_figures
from tests.sources.web_helpers import (
    duplicate_keys,
    find,
    mock_client,
    observations,
    reference_value,
)
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError

SOURCE = get_source("google_csam")
DIR = FIXTURES / "google_csam"
REPORT = DIR / "google-csam-report.json"
CSAM = "protection_of_minors.csam"


@pytest.fixture(scope="module")
def rows():
    rows, findings = observations("google_csam", [REPORT])
    assert [f.message for f in findings] == []
    return rows


def value(rows, start: str, metric: str, service: str) -> float:
    found = find(
        rows, period_start=start, metric=metric, service=service, policy_area=CSAM, scope="global"
    )
    assert len(found) == 1, (start, metric, service, found)
    return found[0]["value"]


def test_shape_of_the_parse(rows):
    assert (
        len(rows) == 8 * 6
    )  # 8 halves x (4 Google figures + 2 YouTube figures); nulls make no record
    assert duplicate_keys(rows) == []
    assert {r["platform"] for r in rows} == {"google"} and {r["service"] for r in rows} == {
        "all",
        "youtube",
    }
    result = parse_file(SOURCE, REPORT)
    assert result.warnings == []
    assert {r.period_label for r in result.records} >= {"January–June 2020", "July–December 2023"}
    first = result.records[0]
    assert (first.value_text, first.period_start.isoformat(), first.period_end.isoformat()) == (
        "1533536",
        "2020-01-01",
        "2020-06-30",
    )


def test_project_layout_fixture_gives_the_values_typed_into_it(rows):
    # INHOPE quotes Google's totals for 2020 directly
    assert value(rows, "2020-01-01", "media_reported", "all") == 1_533_536
    assert value(rows, "2020-07-01", "media_reported", "all") == 2_904_317
    # sources/google_youtube.md section 4: YouTube 2023 H2 and Google-excluding-YouTube 2022 H1
    assert value(rows, "2023-07-01", "media_reported", "youtube") == 265_371
    assert value(rows, "2023-07-01", "cybertipline_reports", "youtube") == 225_440
    assert (
        value(rows, "2022-01-01", "media_reported", "all")
        - value(rows, "2022-01-01", "media_reported", "youtube")
    ) == 6_426_749
    assert value(rows, "2022-01-01", "accounts_actioned", "all") == 270_487
    assert value(rows, "2020-01-01", "urls_deindexed", "all") == 331_865
    # Google + YouTube reports for 2021 approximate NCMEC's 2021 count for "Google" (875,783)
    reports_2021 = value(rows, "2021-01-01", "cybertipline_reports", "all") + value(
        rows, "2021-07-01", "cybertipline_reports", "all"
    )
    assert reports_2021 == 870_319


def _expected(rows, ref) -> float:
    start, metric = ref["period_start"], ref["metric"]
    ids = {
        "pieces": "media_reported",
        "reports": "cybertipline_reports",
        "accounts": "accounts_actioned",
        "urls": "urls_deindexed",
        "pieces_of_content_reported_to_ncmec": "media_reported",
    }
    if ref["service"] == "YouTube":
        return value(rows, start, ids[metric], "youtube")
    if ref["service"].startswith("Google (excl. YouTube"):
        total = value(rows, start, ids[metric], "all")
        # diaphanous subtracts YouTube where YouTube prints the figure (pieces, reports)
        return (
            total - value(rows, start, ids[metric], "youtube")
            if metric in ("pieces", "reports")
            else total
        )
    if ref["metric"] == "cybertipline_reports_cumulative":
        # the secondary summary says "Jan 2020-Jun 2022"; the figure is Google's total for 2022 H1 alone
        return value(rows, "2022-01-01", "cybertipline_reports", "all")
    return value(rows, start, ids[metric], "all")  # Google's own total (INHOPE)


def test_project_layout_fixture_reads_back_every_transcribed_reference_figure(rows):
    refs = reference_figures(
        lambda r: (
            r["platform"] == "Google"
            and (
                "child-sexual-abuse-material" in r["source_url"]
                or "inhope.org" in r["source_url"]
                or r["metric"] == "cybertipline_reports_cumulative"
            )
        )
    )
    assert len(refs) == 51
    for ref in refs:
        assert _expected(rows, ref) == pytest.approx(reference_value(ref)), ref


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ('[["csam.tr",[]]]', r"does not start with the \)\]\}' guard"),
        ("<html>consent.google.com</html>", r"guard"),
        (")]}'\n\n{not json", r"not JSON after"),
        (')]}\'\n\n{"a": 1}', r"expected \[\[tag"),
        (
            ')]}\'\n\n[["csam.tr",[["January–June 2020",0,0,[["Google","1"]]]]]]',
            r"period 1 .*expected \[service, 5",
        ),
        (')]}\'\n\n[["csam.tr",[["Semester 2020",0,0,[]]]]]', r"period 1: .*Semester 2020"),
        (')]}\'\n\n[["csam.tr",[]]]', r"no figures"),
    ],
)
def test_malformed_responses_are_parse_errors(tmp_path, body, match):
    bad = tmp_path / "resp.json"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(ParseError, match=match):
        parse_file(SOURCE, bad)


def test_inconsistent_timestamps_and_subset_above_total_are_warnings(tmp_path):
    body = (
        ')]}\'\n\n[["csam.tr",[["January–June 2020",1593561600000,1609372800000,'
        '[["Google","10","5",null,null,null],["YouTube","12","5",null,null,null]]]]]]'
    )
    path = tmp_path / "resp.json"
    path.write_text(body, encoding="utf-8")
    result = parse_file(SOURCE, path)
    assert len(result.records) == 4
    messages = [w.message for w in result.warnings]
    assert any("timestamps say 2020-07-01..2020-12-31" in m for m in messages)
    assert any("YouTube figure 12 exceeds Google's total 10" in m for m in messages)


# -- fetch, offline --------------------------------------------------------------------------------

PAGE = "https://transparencyreport.google.com/child-sexual-abuse-material?hl=en"
APP = "https://www.gstatic.com/transparencyreport/static/js/app.js"
API = "https://transparencyreport.google.com/transparencyreport/api/v3/csam/report"


def routes():
    return {
        PAGE: (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            (DIR / "http" / "landing.html").read_bytes(),
        ),
        APP: (200, {"Content-Type": "text/javascript"}, (DIR / "http" / "app.js").read_bytes()),
        API: (200, {"Content-Type": "application/json; charset=utf-8"}, REPORT.read_bytes()),
    }


def test_fetch_finds_the_endpoint_in_the_app_and_stores_the_response(tmp_path):
    seen: list[str] = []
    store = SnapshotStore(tmp_path / "store")
    with mock_client(SOURCE.decl.hosts, routes(), seen) as client:
        outcomes = SOURCE.fetch(client, store)
    assert [(o.status, o.url) for o in outcomes] == [("new", API)]
    assert outcomes[0].snapshot.filename == "google-csam-report.json"
    assert not any(
        "googletagmanager" in u or "youtubepolicy" in u or "safebrowsing" in u for u in seen
    )
    assert len(parse_file(SOURCE, store.path_for(outcomes[0].snapshot.sha256)).records) == 48


def test_fetch_without_an_endpoint_fails_clearly(tmp_path):
    r = routes()
    r[APP] = (
        200,
        {"Content-Type": "text/javascript"},
        b"var x='/transparencyreport/api/v3/safebrowsing/status';",
    )
    with mock_client(SOURCE.decl.hosts, r) as client:
        outcomes = SOURCE.fetch(client, SnapshotStore(tmp_path / "store"))
    assert outcomes[0].status == "failed" and "KNOWN_ENDPOINTS" in outcomes[0].message


def test_fetch_retries_a_503_then_stores(tmp_path):
    calls = {"n": 0}
    base = routes()

    def answer(request):
        url = str(request.url)
        if url == API:
            calls["n"] += 1
            if calls["n"] == 1:
                return 503, {"Retry-After": "0"}, b""
        return base.get(url, (404, {}, b""))

    with mock_client(SOURCE.decl.hosts, answer) as client:
        outcomes = SOURCE.fetch(client, SnapshotStore(tmp_path / "store"))
    assert [o.status for o in outcomes] == ["new"] and calls["n"] == 2
