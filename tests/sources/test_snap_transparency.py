"""snap_transparency: the project's own CSV and HTML fixtures (real Snap figures), checked against
every Snap figure in ../shared/reference/platform_figures.csv, plus offline fetch tests.

The CSV tests read verbatim rows of Snap's files; the HTML page layout is the project's own (the
source's verification is "real file, partial"): tests named ``test_project_html_layout_*`` show
that the parser reads that layout and gives back the figures typed into it, not that it reads a
live page (``transparency scrape --check`` tries that).
"""

from __future__ import annotations

from pathlib import Path

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

SOURCE = get_source("snap_transparency")
DIR = FIXTURES / "snap_transparency"
FILES = sorted(p for p in DIR.glob("snap-*") if p.is_file())
CSEA = "protection_of_minors.child_sexual_exploitation"


@pytest.fixture(scope="module")
def obs():
    rows, findings = observations("snap_transparency", FILES)
    return rows, findings


def one(rows, **want) -> dict:
    found = find(rows, **want)
    assert len(found) == 1, (want, found)
    return found[0]


def test_every_label_maps_and_no_key_collides(obs):
    rows, findings = obs
    assert [f.message for f in findings] == []
    assert duplicate_keys(rows) == []
    assert len(rows) == 83


def test_csv_csea_and_appeals_2024_h1(obs):
    rows, _ = obs
    h1 = dict(
        period_start="2024-01-01", period_end="2024-06-30", platform="snap", service="snapchat"
    )
    assert (
        one(
            rows,
            **h1,
            scope="global",
            policy_area=CSEA,
            metric="content_actioned",
            file="snap-sample-H1-2024.csv",
        )["value"]
        == 1_737_563
    )
    assert (
        one(
            rows,
            **h1,
            scope="global",
            policy_area=CSEA,
            metric="accounts_actioned",
            file="snap-sample-H1-2024.csv",
        )["value"]
        == 385_864
    )
    assert (
        one(
            rows,
            **h1,
            scope="global",
            policy_area=CSEA,
            metric="cybertipline_reports",
            file="snap-sample-H1-2024.csv",
        )["value"]
        == 632_436
    )
    assert one(rows, **h1, policy_area=CSEA, metric="appeals_received")["value"] == 153_820
    assert one(rows, **h1, policy_area=CSEA, metric="appeals_upheld")["value"] == 134_650
    assert one(rows, **h1, policy_area=CSEA, metric="appeals_granted")["value"] == 19_169
    assert one(rows, **h1, policy_area=CSEA, metric="median_appeal_turnaround_days")["value"] == 15
    # per-country CSEA accounts, including a quoted name with a comma and Snap's odd spellings
    assert one(rows, **h1, scope="BQ", metric="accounts_actioned")["value"] == 4
    assert one(rows, **h1, scope="CD", metric="accounts_actioned")["value"] == 177
    assert one(rows, **h1, scope="US", metric="accounts_actioned")["value"] == 81_316
    assert one(rows, **h1, scope="unknown", metric="accounts_actioned")["value"] == 9_695
    vvr = one(rows, **h1, metric="prevalence")
    assert (vvr["value"], vvr["value_text"], vvr["policy_area"]) == (
        pytest.approx(0.000104),
        "0.0104%",
        "all",
    )
    median = one(
        rows,
        **h1,
        scope="global",
        policy_area=CSEA,
        metric="median_turnaround_minutes_after_report",
    )
    assert (median["value"], median["value_text"]) == (9505.0, "9505.0")


def test_csv_skips_non_enforcement_sections():
    result = parse_file(SOURCE, DIR / "snap-sample-H1-2024.csv")
    labels = {r.raw_metric_label.split(" / ")[0] for r in result.records}
    assert labels == {
        "Overview of Our T&S Enforcements",
        "Appeals",
        "Combating Child Sexual Exploitation and Abuse",
        "Proactive Detection & Enforcement",
        "Community Guidelines Violations Reported",
    }
    assert len(result.records) == 40 and result.warnings == []


def test_csv_2025_h2_reported_cse_and_empty_section_warning(obs):
    rows, _ = obs
    h2 = dict(period_start="2025-07-01", period_end="2025-12-31", scope="global", policy_area=CSEA)
    assert one(rows, **h2, metric="enforcements_after_report")["value"] == 819_339
    assert one(rows, **h2, metric="accounts_enforced_after_report")["value"] == 699_025
    assert one(rows, **h2, metric="user_reports")["value"] == 1_736_669
    assert one(rows, **h2, metric="median_turnaround_minutes_after_report")["value"] == 3.0
    result = parse_file(SOURCE, DIR / "snap-sample-H2-2025.csv")
    assert [(w.row, "empty section" in w.message) for w in result.warnings] == [("line 14", True)]


def test_project_html_layout_2019_to_2023_reads_back_transcribed_figures(obs):
    rows, _ = obs

    def v(start, metric, **kw):
        return one(
            rows,
            period_start=start,
            policy_area=kw.pop("policy", CSEA),
            metric=metric,
            scope=kw.pop("scope", "global"),
            **kw,
        )["value"]

    assert v("2023-07-01", "content_actioned") == 1_046_296
    assert v("2023-07-01", "accounts_actioned") == 343_865
    assert v("2023-07-01", "cybertipline_reports") == 398_736
    assert v("2022-01-01", "content_actioned") == 746_051
    assert v("2021-07-01", "accounts_actioned") == 198_109
    assert v("2021-01-01", "accounts_actioned") == 119_134
    assert v("2021-01-01", "share_of_accounts_actioned") == pytest.approx(0.0543)
    assert v("2021-01-01", "accounts_enforced", policy="all") == 2_510_798
    # 2019 H2: CSEAI accounts printed per region only; Snap's three regions add up to 34,830
    regional = [
        v("2019-07-01", "accounts_enforced", scope=s)
        for s in ("europe", "north_america", "rest_of_world")
    ]
    assert regional == [10_667, 12_397, 11_766] and sum(regional) == 34_830
    assert v("2019-07-01", "share_of_accounts_actioned") == pytest.approx(0.0251)


def _reference_match(rows, ref) -> float:
    """The fixture figure a reference row describes (the 2019 H2 figure is Snap's regional sum)."""
    period = dict(period_start=ref["period_start"], period_end=ref["period_end"], policy_area=CSEA)
    metric = {
        "pieces": "content_actioned",
        "accounts": "accounts_actioned",
        "reports": "cybertipline_reports",
        "total_content_enforced": "content_actioned",
        "total_accounts_disabled": "accounts_actioned",
        "total_submissions_to_ncmec": "cybertipline_reports",
        "total_appeals": "appeals_received",
        "total_decisions_upheld": "appeals_upheld",
        "total_reinstatements": "appeals_granted",
        "median_turnaround_time_days_to_process_appeals": "median_appeal_turnaround_days",
        "total_enforcements": "enforcements_after_report",
        "total_unique_accounts_enforced": "accounts_enforced_after_report",
        "median_turnaround_time_minutes": "median_turnaround_minutes_after_report",
        "content_and_account_reports": "user_reports",
    }[ref["metric"]]
    if ref["period_start"] == "2019-07-01" and ref["metric"] == "accounts":
        return sum(
            r["value"]
            for r in find(rows, **period, metric="accounts_enforced")
            if r["scope"] in ("europe", "north_america", "rest_of_world")
        )
    found = find(rows, **period, metric=metric, scope="global")
    assert len({r["value"] for r in found}) == 1, (
        ref,
        found,
    )  # CSV and HTML agree where both exist
    return found[0]["value"]


def test_reference_figures_read_back_from_real_csv_rows_and_project_html_layout(obs):
    rows, _ = obs
    refs = reference_figures(
        lambda r: r["platform"] == "Snap" and "missingkids.org" not in r["source_url"]
    )
    assert len(refs) == 28
    for ref in refs:
        assert _reference_match(rows, ref) == pytest.approx(reference_value(ref)), ref


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("a,b,c\n1,2,3\n", r"line 1: expected header"),
        (
            "period,section,category,sub_category_1,sub_category_2,metric,value\n"
            "2024-H3,Appeals,Global,Drugs,,total_appeals,1\n",
            r"line 2: .*2024-H3",
        ),
        (
            "period,section,category,sub_category_1,sub_category_2,metric,value\n"
            "2024-H1,Ads Moderation,Global,,,total_ads_reported,1\n",
            r"no rows of the enforcement sections",
        ),
        (
            "<html><head><title>Snap</title></head><body><p>nothing</p></body></html>",
            r"no report period",
        ),
        (
            '<html><head><link rel="canonical" href="https://values.snap.com/privacy/transparency-h1-2023">'
            "</head><body><p>no tables</p></body></html>",
            r"no tables",
        ),
        ("\x00\x01binary", r"expected header"),
    ],
)
def test_malformed_files_are_parse_errors(tmp_path, content, match):
    bad = tmp_path / "bad-file"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError, match=match):
        parse_file(SOURCE, bad)


def test_html_slug_and_printed_dates_disagree_is_a_warning(tmp_path):
    page = (DIR / "snap-transparency-h2-2023.html").read_text(encoding="utf-8")
    bad = tmp_path / "page.html"
    bad.write_text(
        page.replace("July 1, 2023 – December 31, 2023", "January 1, 2023 – June 30, 2023")
    )
    result = parse_file(SOURCE, bad)
    assert result.records[0].period_start.isoformat() == "2023-07-01"
    assert [w.row for w in result.warnings] == ["page heading"]


def test_cli_parse_contract(capsys):
    from typer.testing import CliRunner

    from transparency.cli.main import app

    out = CliRunner().invoke(
        app, ["parse", "snap_transparency", str(DIR / "snap-transparency-h2-2023.html")]
    )
    assert out.exit_code == 0
    lines = out.stdout.strip().splitlines()
    assert lines[0] == (
        "platform,service,scope,period_start,period_end,policy_area,metric,value,unit,"
        "raw_policy_label,raw_metric_label"
    )
    assert (
        "snap,snapchat,global,2023-07-01,2023-12-31,protection_of_minors.child_sexual_exploitation,"
        "content_actioned,1046296,pieces of content,Combating Child Sexual Exploitation and Abuse,"
        "Total Content Enforced"
    ) in lines
    bad = CliRunner().invoke(
        app, ["parse", "snap_transparency", str(DIR / "http" / "landing.html")]
    )
    assert bad.exit_code == 2


# -- fetch, offline --------------------------------------------------------------------------------

CSV_URL = (
    "https://assets.ctfassets.net/kw9k15zxztrs/1lHFTspWwHmVCAKT236Oo1/8105fc04c43056397fdbf240e07fa92e/"
    "Snap_Transparency_Report_H1-2024.csv"
)


def _routes() -> dict:
    html = {"Content-Type": "text/html; charset=utf-8"}
    read = lambda name: (DIR / name).read_bytes()  # noqa: E731
    return {
        "https://values.snap.com/privacy/transparency": (200, html, read("http/landing.html")),
        "https://values.snap.com/privacy/transparency-h1-2024": (
            200,
            html,
            read("snap-transparency-h1-2024.html"),
        ),
        "https://values.snap.com/privacy/transparency-h2-2023": (
            200,
            html,
            read("snap-transparency-h2-2023.html"),
        ),
        "https://www.snap.com/en-US/privacy/transparency/2021-6-30": (
            200,
            html,
            read("snap-transparency-2021-6-30.html"),
        ),
        CSV_URL: (
            200,
            {"Content-Type": "text/csv", "ETag": '"h1-2024"'},
            read("snap-sample-H1-2024.csv"),
        ),
    }


def test_fetch_discovers_pages_and_csv_and_stores_them(tmp_path):
    seen: list[str] = []
    store = SnapshotStore(tmp_path / "store")
    with mock_client(SOURCE.decl.hosts, _routes(), seen) as client:
        outcomes = SOURCE.fetch(client, store)
    assert [(o.status, o.url) for o in outcomes] == [
        ("new", "https://values.snap.com/privacy/transparency-h1-2024"),
        ("new", "https://values.snap.com/privacy/transparency-h2-2023"),
        ("new", "https://www.snap.com/en-US/privacy/transparency/2021-6-30"),
        ("new", CSV_URL),
    ]
    assert "https://www.example.org/report.csv" not in seen
    assert not any("india" in u or "2021-5-31" in u for u in seen)
    names = sorted(o.snapshot.filename for o in outcomes)
    assert names == [
        "Snap_Transparency_Report_H1-2024.csv",
        "snap-transparency-2021-6-30.html",
        "snap-transparency-h1-2024.html",
        "snap-transparency-h2-2023.html",
    ]
    for o in outcomes:  # every stored file is one the parser reads
        assert parse_file(SOURCE, store.path_for(o.snapshot.sha256)).records
    # a second run sends the ETag back and stores nothing new
    with mock_client(SOURCE.decl.hosts, _routes()) as client:
        again = SOURCE.fetch(client, store)
    assert {o.status for o in again} == {"unchanged"}


def test_fetch_reports_a_failed_landing_page(tmp_path):
    with mock_client(SOURCE.decl.hosts, {}) as client:
        outcomes = SOURCE.fetch(client, SnapshotStore(tmp_path / "store"))
    assert [(o.status, "HTTP 404" in o.message) for o in outcomes] == [("failed", True)]


def test_fetch_refuses_a_bot_wall_instead_of_a_csv(tmp_path):
    routes = _routes()
    routes[CSV_URL] = (200, {"Content-Type": "text/html"}, b"<html>Access denied</html>")
    with mock_client(SOURCE.decl.hosts, routes) as client:
        outcomes = SOURCE.fetch(client, SnapshotStore(tmp_path / "store"))
    assert outcomes[-1].status == "failed" and "expected text/csv" in outcomes[-1].message


def test_fixture_readme_names_sources():
    readme = (DIR / "README.md").read_text(encoding="utf-8")
    assert "values.snap.com/privacy/transparency-h2-2023" in readme
    assert Path(DIR / "snap-sample-H1-2024.csv").stat().st_size < 20_000
