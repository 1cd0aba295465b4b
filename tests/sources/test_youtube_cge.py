"""youtube_cge: the project's own API responses (YouTube's real published shares and totals), the
YouTube Community Guidelines figures of ../shared/reference/platform_figures.csv, a revised
quarter as two vintages, malformed responses, and fetch offline.

The page layout these tests feed the parser is the project's own (the source's verification is
"layout written by the project, not yet checked against a live page"): tests named
``test_project_layout_*`` show that the parser reads that layout and gives back the figures
typed into it, not that it reads the live page (``transparency scrape --check`` tries that).
"""

from __future__ import annotations

from datetime import date

import duckdb
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
from transparency.build.compose import build
from transparency.reading.records import ParseError

SOURCE = get_source("youtube_cge")
DIR = FIXTURES / "youtube_cge"
VIDEOS = DIR / "youtubepolicy_videoremovalsbyreason_2023Q4.json"
COMMENTS = DIR / "youtubepolicy_commentremovalsbyreason_2023Q3.json"
COMMENTS_FIRST = DIR / "youtubepolicy_commentremovalsbyreason_2023Q3.first-release.json"
CHILD = "protection_of_minors.youth_safety"


@pytest.fixture(scope="module")
def rows():
    rows, findings = observations("youtube_cge", [VIDEOS, COMMENTS])
    assert [f.message for f in findings] == []
    assert duplicate_keys(rows) == []
    return rows


def test_project_layout_fixture_gives_the_values_typed_into_it(rows):
    q4 = find(
        rows, period_start="2023-10-01", period_end="2023-12-31", metric="share_of_video_removals"
    )
    assert {(r["raw_policy_label"], r["value"]) for r in q4} == {
        ("Child safety", 0.324),
        ("Harmful or dangerous", 0.392),
        ("Violent or graphic", 0.075),
    }
    q3 = find(rows, period_start="2023-07-01", period_end="2023-09-30")
    assert {(r["policy_area"], r["metric"], r["value"]) for r in q3} == {
        (CHILD, "share_of_comment_removals", 0.055),
        ("all", "comments_removed", 893_635_095),
    }
    assert all((r["platform"], r["service"]) == ("google", "youtube") for r in rows)


def test_first_release_of_the_quarter_is_read_too():
    result = parse_file(SOURCE, COMMENTS_FIRST)
    assert [(r.raw_policy_label, r.value, r.value_text) for r in result.records] == [
        ("Child safety", 0.051, "0.051"),
        ("All removal reasons", 842_831_976, "842831976"),
    ]


def test_project_layout_fixture_reads_back_every_transcribed_reference_figure(rows):
    refs = reference_figures(
        lambda r: (
            r["platform"] == "Google"
            and r["service"] == "YouTube"
            and r["policy_area"] == "Child safety"
        )
    )
    assert {r["metric"] for r in refs} == {
        "share_of_videos_removed",
        "share_of_comments_removed",
        "videos_removed",
    }
    checked = 0
    for ref in refs:
        if ref["metric"] == "videos_removed":
            # 'videos (">5 million", approx)', low confidence, from a web story: a lower bound, not a
            # figure the API prints, so no fixture carries it.
            assert ref["confidence"] == "low" and "approx" in ref["unit"]
            continue
        metric = {
            "share_of_videos_removed": "share_of_video_removals",
            "share_of_comments_removed": "share_of_comment_removals",
        }[ref["metric"]]
        found = find(
            rows,
            period_start=ref["period_start"],
            period_end=ref["period_end"],
            metric=metric,
            policy_area=CHILD,
        )
        assert [r["value"] for r in found] == [pytest.approx(reference_value(ref))], ref
        checked += 1
    assert checked == 2


def test_a_revised_quarter_is_two_vintages_and_a_revision():
    store = SnapshotStore()
    url = SOURCE.decl.download_urls[1].replace("{YYYY}Q{n}", "2023Q3")
    store.put_file(
        COMMENTS_FIRST,
        source_id="youtube_cge",
        url=url,
        published_at="2023-12-14",
        retrieved_at="2023-12-14T10:00:00Z",
        method="manual",
        filename="youtubepolicy_commentremovalsbyreason_2023Q3.json",
    )
    store.put_file(
        COMMENTS,
        source_id="youtube_cge",
        url=url,
        published_at="2024-05-15",
        retrieved_at="2024-05-15T10:00:00Z",
        method="manual",
    )
    report = build()
    assert not [f for f in report.findings if f.severity == "error"]
    with duckdb.connect(str(report.db), read_only=True) as con:
        history = con.execute("""
            SELECT vintage::VARCHAR, value, is_current FROM observations
            WHERE source_id = 'youtube_cge' AND metric = 'share_of_comment_removals' ORDER BY vintage""").fetchall()
        revision = con.execute("""
            SELECT old_value, new_value, change FROM revisions
            WHERE source_id = 'youtube_cge' AND metric = 'comments_removed' AND change = 'restated'""").fetchall()
    assert history == [("2023-12-14", 0.051, False), ("2024-05-15", 0.055, True)]
    assert revision == [(842_831_976, 893_635_095, "restated")]


@pytest.mark.parametrize(
    ("name", "body", "match"),
    [
        ("youtubepolicy_videoremovalsbyreason_2023Q4.json", '[["t",[],null]]', r"guard"),
        (
            "youtubepolicy_videoremovalsbyreason_2023Q4.json",
            ')]}\'\n\n[["t",{}]]',
            r"expected \[\[tag",
        ),
        (
            "youtubepolicy_videoremovalsbyreason_2023Q4.json",
            ')]}\'\n\n[["t",[["Child safety"]],null]]',
            r"reason 1: expected \[reason, share\]",
        ),
        (
            "youtubepolicy_videoremovalsbyreason_2023Q4.json",
            ')]}\'\n\n[["t",[],null]]',
            r"no removal reasons",
        ),
        ("videos.json", ')]}\'\n\n[["t",[],"1"]]', r"file name must say the endpoint"),
        (
            "youtubepolicy_channelsbyreason_2023Q4.json",
            ')]}\'\n\n[["t",[],"1"]]',
            r"file name must say",
        ),
    ],
)
def test_malformed_responses_are_parse_errors(tmp_path, name, body, match):
    bad = tmp_path / name
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(ParseError, match=match):
        parse_file(SOURCE, bad)


def test_data_problems_are_warnings(tmp_path):
    path = tmp_path / "youtubepolicy_videoremovalsbyreason_2024Q1.json"
    path.write_text(
        ')]}\'\n\n[["t",[["Child safety",0.7],["Child safety",0.1],["Other",0.5],'
        '["Spam, misleading, and scams","n/a"]],"100"]]',
        encoding="utf-8",
    )
    result = parse_file(SOURCE, path)
    assert [r.value for r in result.records] == [0.7, 0.5, None, 100]
    messages = " | ".join(w.message for w in result.warnings)
    assert "listed twice" in messages and "add up to 1.200" in messages


def test_quarters_to_fetch():
    assert SOURCE.module.quarters(date(2018, 4, 15)) == ["2017Q4", "2018Q1"]
    assert SOURCE.module.quarters(date(2018, 3, 31)) == ["2017Q4"]
    assert len(SOURCE.module.quarters(date(2026, 1, 10))) == 33


def test_fetch_every_endpoint_and_quarter(tmp_path):
    seen: list[str] = []
    base = "https://transparencyreport.google.com/transparencyreport/api/v3/youtubepolicy/"
    json_ = {"Content-Type": "application/json; charset=utf-8"}
    routes = {
        base + "videoremovalsbyreason?period=2023Q4": (200, json_, VIDEOS.read_bytes()),
        base + "commentremovalsbyreason?period=2023Q4": (200, json_, COMMENTS.read_bytes()),
    }
    store = SnapshotStore(tmp_path / "store")
    with mock_client(SOURCE.decl.hosts, routes, seen) as client:
        outcomes = SOURCE.fetch(client, store, today=date(2024, 2, 1), since=(2023, 3))
    assert [(o.url.rsplit("/", 1)[-1], o.status) for o in outcomes] == [
        ("videoremovalsbyreason?period=2023Q3", "failed"),
        ("commentremovalsbyreason?period=2023Q3", "failed"),
        ("videoremovalsbyreason?period=2023Q4", "new"),
        ("commentremovalsbyreason?period=2023Q4", "new"),
    ]
    stored = [o.snapshot for o in outcomes if o.snapshot]
    assert [s.filename for s in stored] == [
        "youtubepolicy_videoremovalsbyreason_2023Q4.json",
        "youtubepolicy_commentremovalsbyreason_2023Q4.json",
    ]
    assert "https://transparencyreport.google.com/robots.txt" in seen
