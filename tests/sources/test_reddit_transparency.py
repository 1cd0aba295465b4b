"""reddit_transparency: the project's own report pages (Reddit's real figures), every Reddit report
figure in ../shared/reference/platform_figures.csv, overlapping periods, malformed pages, fetch offline.

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
from transparency.acquisition.parsing import parse_file, parse_snapshot
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError

SOURCE = get_source("reddit_transparency")
DIR = FIXTURES / "reddit_transparency"
FILES = sorted(DIR.glob("reddit-*.html"))
MS, CSAM = "protection_of_minors.sexualization_of_minors", "protection_of_minors.csam"


@pytest.fixture(scope="module")
def rows():
    rows, findings = observations("reddit_transparency", FILES)
    assert [f.message for f in findings] == []
    assert duplicate_keys(rows) == []
    return rows


def value(rows, start, end, policy, metric):
    found = find(rows, period_start=start, period_end=end, policy_area=policy, metric=metric)
    assert len(found) == 1, (start, end, policy, metric, found)
    return found[0]["value"]


def test_project_layout_fixture_gives_the_values_typed_into_it(rows):
    assert len(rows) == 43
    h2 = ("2023-07-01", "2023-12-31")
    assert value(rows, *h2, MS, "content_removed") == 349_189
    assert value(rows, *h2, MS, "accounts_actioned") == 128_513
    assert value(rows, *h2, MS, "appeal_reversal_rate") == pytest.approx(0.086)
    assert value(rows, *h2, CSAM, "cybertipline_reports") == 133_588
    assert value(rows, "2023-01-01", "2023-06-30", CSAM, "cybertipline_reports") == 156_533
    assert value(rows, "2022-01-01", "2022-12-31", CSAM, "content_removed") == 80_888
    assert value(rows, "2021-01-01", "2021-12-31", MS, "accounts_suspended_temporarily") == 0
    assert value(rows, "2019-01-01", "2019-12-31", CSAM, "cybertipline_reports") == 724
    # the halves of 2022 add up to the annual NCMEC figure
    assert (
        value(rows, "2022-01-01", "2022-06-30", CSAM, "cybertipline_reports")
        + value(rows, "2022-07-01", "2022-12-31", CSAM, "cybertipline_reports")
    ) == 52_592


def test_report_periods_from_titles():
    periods = {
        p.name: {
            (r.period_start.isoformat(), r.period_end.isoformat())
            for r in parse_file(SOURCE, p).records
        }
        for p in FILES
    }
    assert periods["reddit-mid-year-transparency-report-2022-2.html"] == {
        ("2022-01-01", "2022-06-30")
    }
    assert periods["reddit-2022-transparency-report.html"] == {("2022-01-01", "2022-12-31")}
    assert periods["reddit-2023-h1-transparency-report.html"] == {
        ("2023-01-01", "2023-06-30"),
        ("2022-07-01", "2022-12-31"),
    }


def test_restated_earlier_period_is_a_warning():
    result = parse_file(SOURCE, DIR / "reddit-2023-h1-transparency-report.html")
    assert len(result.warnings) == 2
    assert all("for H2 2022 restated in the 2023 H1 report" in w.message for w in result.warnings)


def test_the_guide_s_csam_label_is_the_same_measure(tmp_path):
    """sources/reddit_others.md names the label 'CSAM reports to NCMEC'; a report printing it
    (here the H2 2023 page relabelled) gives the same series as 'Reports to NCMEC'."""
    page = DIR / "reddit-transparency-report-july-to-december-2023.html"
    text = page.read_text()
    assert text.count(">Reports to NCMEC<") == 1
    relabelled = tmp_path / page.name
    relabelled.write_text(text.replace(">Reports to NCMEC<", ">CSAM reports to NCMEC<"))
    rows, findings = observations("reddit_transparency", [relabelled])
    assert [f.message for f in findings] == []
    assert value(rows, "2023-07-01", "2023-12-31", CSAM, "cybertipline_reports") == 133_588


REF_METRICS = {
    "pieces": (CSAM, "content_removed"),
    "reports": (CSAM, "cybertipline_reports"),
    "pieces (minor sexualization)": (MS, "content_removed"),
    "private messages (minor sexualization)": (MS, "private_messages_removed"),
    "subreddits (minor sexualization)": (MS, "servers_actioned"),
    "temporary account suspensions (minor sexualization)": (MS, "accounts_suspended_temporarily"),
    "accounts (minor sexualization)": (MS, "accounts_actioned"),
    "account appeals (minor sexualization)": (MS, "appeals_received"),
    "account reversals percent (minor sexualization)": (MS, "appeal_reversal_rate"),
}


def test_project_layout_fixture_reads_back_every_transcribed_reference_figure(rows):
    refs = reference_figures(
        lambda r: r["platform"] == "Reddit" and "redditinc.com" in r["source_url"]
    )
    assert len(refs) == 43
    for ref in refs:
        policy, metric = REF_METRICS[ref["metric"]]
        got = value(rows, ref["period_start"], ref["period_end"], policy, metric)
        assert got == pytest.approx(reference_value(ref)), ref


@pytest.mark.parametrize(
    ("html", "match"),
    [
        (
            "<html><head><title>Reddit Content Policy</title></head><body><h1>Rules</h1></body></html>",
            r"not a Reddit transparency report",
        ),
        (
            "<html><head><title>Transparency Report</title></head><body><table><tr><th>Rule</th></tr></table></body></html>",
            r"no report period",
        ),
        (
            "<html><head><title>Transparency Report 2021</title></head><body><p>soon</p></body></html>",
            r"no tables",
        ),
        (
            "<html><head><title>Transparency Report 2021</title></head><body><table><tr><td>x</td></tr></table></body></html>",
            r"no figures",
        ),
    ],
)
def test_malformed_pages_are_parse_errors(tmp_path, html, match):
    bad = tmp_path / "page.html"
    bad.write_text(html, encoding="utf-8")
    with pytest.raises(ParseError, match=match):
        parse_file(SOURCE, bad)


def test_a_short_row_and_a_non_number_are_warnings(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Transparency Report 2021</title></head><body>"
        "<table><tr><th>Rule</th><th>Appeals</th></tr><tr><td>Minor Sexualization</td><td>n/a*x</td></tr>"
        "<tr><td>Spam</td></tr></table></body></html>",
        encoding="utf-8",
    )
    result = parse_file(SOURCE, page)
    assert [(r.raw_policy_label, r.value, r.value_text) for r in result.records] == [
        ("Minor Sexualization", None, "n/a*x")
    ]
    assert len(result.warnings) == 2


def test_fetch_every_report_linked_from_the_hub(tmp_path):
    html = {"Content-Type": "text/html; charset=utf-8"}
    routes = {
        "https://www.redditinc.com/policies/transparency": (
            200,
            html,
            (DIR / "http" / "hub.html").read_bytes(),
        )
    }
    for path in FILES:
        slug = path.stem.removeprefix("reddit-")
        routes[f"https://www.redditinc.com/policies/{slug}"] = (200, html, path.read_bytes())
    seen: list[str] = []
    store = SnapshotStore(tmp_path / "store")
    with mock_client(SOURCE.decl.hosts, routes, seen) as client:
        outcomes = SOURCE.fetch(client, store)
    assert [o.status for o in outcomes] == ["new"] * 7
    assert not any("content-policy" in u or "reddithelp" in u for u in seen)
    assert sorted(o.snapshot.filename for o in outcomes) == sorted(p.name for p in FILES)
    assert sum(len(parse_snapshot(SOURCE, o.snapshot, store)[0].records) for o in outcomes) == 43
