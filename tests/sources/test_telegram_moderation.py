"""telegram_moderation: the project's own saved readings of telegram.org/moderation (Telegram's
figures as reported), the Telegram figures of ../shared/reference/platform_figures.csv, the page's
quirks, malformed pages, and fetch offline.

The page layout these tests feed the parser is the project's own (the source's verification is
"layout written by the project, not yet checked against a live page"): tests named
``test_project_layout_*`` show that the parser reads that layout and gives back the figures
typed into it, not that it reads the live page (``transparency scrape --check`` tries that).
"""

from __future__ import annotations

import calendar
from datetime import date

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

SOURCE = get_source("telegram_moderation")
DIR = FIXTURES / "telegram_moderation"
FILES = sorted(DIR.glob("telegram-moderation-*.html"))
CSAM = "protection_of_minors.csam"


@pytest.fixture(scope="module")
def rows():
    rows, findings = observations("telegram_moderation", FILES)
    assert [f.message for f in findings] == []
    assert duplicate_keys(rows) == []
    return rows


def test_project_layout_fixture_gives_the_values_typed_into_it(rows):
    assert len(rows) == 10
    ytd = {
        (r["file"], r["policy_area"]): (r["period_start"], r["period_end"], r["value"])
        for r in rows
        if r["metric"] == "groups_channels_banned_ytd"
    }
    assert ytd[("telegram-moderation-2024-12-11.html", "all")] == (
        date(2024, 1, 1),
        date(2024, 12, 11),
        15_373_034,
    )
    assert ytd[("telegram-moderation-2025-12-05.html", CSAM)] == (
        date(2025, 1, 1),
        date(2025, 12, 5),
        894_324,
    )
    assert ytd[("telegram-moderation-2024-12-31_pledgetimes.html", CSAM)][2] == 709_484
    assert (
        ytd[
            ("telegram-moderation-2024-12-31_msmeafrica.html", "public_security.terrorist_content")
        ][2]
        == 129_986
    )
    daily = {
        (r["period_start"], r["value"]) for r in rows if r["metric"] == "groups_channels_banned"
    }
    assert daily == {
        (date(2024, 3, 23), 224_011),
        (date(2026, 1, 23), 300_840),
        (date(2026, 2, 15), 234_945),
    }


def test_gaps_in_a_daily_chart_are_a_warning():
    result = parse_file(SOURCE, DIR / "telegram-moderation-2026-02-15.html")
    assert [w.message for w in result.warnings] == [
        "22 days missing between 2026-01-23 and 2026-02-15"
    ]
    assert parse_file(SOURCE, DIR / "telegram-moderation-2024-12-11.html").warnings == []


def test_project_layout_fixture_reads_back_every_transcribed_reference_figure(rows):
    refs = reference_figures(
        lambda r: r["platform"] == "Telegram" and "missingkids.org" not in r["source_url"]
    )
    metric = {
        "groups_and_channels_banned_csam_ytd": ("groups_channels_banned_ytd", CSAM),
        "groups_and_channels_banned_total_ytd": ("groups_channels_banned_ytd", "all"),
        "groups_and_channels_banned_total_daily": ("groups_channels_banned", "all"),
    }
    checked = 0
    for ref in refs:
        if ref["metric"] == "groups_and_channels_banned_csam_daily":
            assert (
                "@stopca" in ref["source_note"]
            )  # the channel, source telegram_stopca: not this page
            continue
        if ref["value"] == "702000":
            assert (
                "almost 702 thousand" in ref["source_note"]
            )  # a rounded paraphrase, not the page's number
            continue
        metric_id, policy = metric[ref["metric"]]
        found = find(
            rows,
            metric=metric_id,
            policy_area=policy,
            period_start=ref["period_start"],
            period_end=ref["period_end"],
        )
        assert reference_value(ref) in [r["value"] for r in found], ref
        checked += 1
    assert checked == 6


PAGE = """<html><head><title>Telegram Moderation Overview</title></head><body>
<h3>Groups and Channels Banned</h3>
<div><div>{total}</div><div>groups and channels banned in {year}</div></div>
<div id="chart_total"></div>
<script>TChart.render(document.getElementById('chart_total'), {chart});</script>
</body></html>"""


def chart(days: list[int], values: list[int]) -> str:
    xs = [calendar.timegm(date(2025, 1, d).timetuple()) * 1000 for d in days]
    columns = f'[["x",{",".join(map(str, xs))}],["y0",{",".join(map(str, values))}]]'
    names = '"types":{"y0":"bar","x":"x"},"names":{"y0":"Groups and channels banned"}'
    return "{" + f'"columns":{columns},{names}' + "}"


def write(tmp_path, name, **kw):
    path = tmp_path / name
    path.write_text(PAGE.format(**kw), encoding="utf-8")
    return path


def test_complete_daily_series_is_checked_against_the_total(tmp_path):
    ok = write(
        tmp_path,
        "telegram-moderation-2025-01-03.html",
        total="60",
        year=2025,
        chart=chart([1, 2, 3], [10, 20, 30]),
    )
    assert parse_file(SOURCE, ok).warnings == []
    bad = write(
        tmp_path,
        "telegram-moderation-2025-01-03.html",
        total="61",
        year=2025,
        chart=chart([1, 2, 3], [10, 20, 30]),
    )
    assert [w.message for w in parse_file(SOURCE, bad).warnings] == [
        "daily values add up to 60, the printed total is 61"
    ]


def test_reading_quirks(tmp_path):
    # a total for the previous year read in January covers the whole previous year
    late = parse_file(
        SOURCE,
        write(
            tmp_path,
            "telegram-moderation-2025-01-02.html",
            total="15,600,000",
            year=2024,
            chart=chart([1, 1, 2], [5, 6, 7]),
        ),
    )
    ytd = [r for r in late.records if r.raw_metric_label.endswith("<year>")][0]
    assert (ytd.period_start, ytd.period_end, ytd.note) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
        "read on 2025-01-02, after the year ended",
    )
    assert any("day repeated" in w.message for w in late.warnings)
    # no date in the file name: the last chart day, with a warning
    undated = parse_file(
        SOURCE,
        write(tmp_path, "moderation.html", total="30", year=2025, chart=chart([1, 2], [10, 20])),
    )
    assert [r.period_end for r in undated.records][-1] == date(2025, 1, 2)
    assert any("no reading date in the file name" in w.message for w in undated.warnings)


@pytest.mark.parametrize(
    ("html", "match"),
    [
        (
            "<html><head><title>Telegram FAQ</title></head><body></body></html>",
            r"not the Telegram Moderation",
        ),
        (
            "<html><head><title>Telegram Moderation Overview</title></head><body><p>soon</p></body></html>",
            r"no chart data and no year totals",
        ),
        (
            "<html><head><title>Telegram Moderation Overview</title></head><body>"
            '<script>TChart.render(x, {"columns": [["x", 1], oops]});</script></body></html>',
            r"not JSON",
        ),
        (
            "<html><head><title>Telegram Moderation Overview</title></head><body>"
            '<script>TChart.render(x, {"columns": [["y0", 1]], "types": {"y0": "bar"}});</script></body></html>',
            r"no x column",
        ),
    ],
)
def test_malformed_pages_are_parse_errors(tmp_path, html, match):
    bad = tmp_path / "telegram-moderation-2025-01-03.html"
    bad.write_text(html, encoding="utf-8")
    with pytest.raises(ParseError, match=match):
        parse_file(SOURCE, bad)


def test_fetch_names_the_reading_by_date_and_uses_conditional_requests(tmp_path):
    body = (DIR / "telegram-moderation-2025-12-05.html").read_bytes()
    seen_headers: list[dict] = []

    def answer(request):
        if str(request.url) != "https://telegram.org/moderation":
            return 404, {}, b""
        seen_headers.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return 304, {}, b""
        return 200, {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'}, body

    store = SnapshotStore(tmp_path / "store")
    with mock_client(SOURCE.decl.hosts, answer) as client:
        first = SOURCE.fetch(client, store, today=date(2025, 12, 5))
        second = SOURCE.fetch(client, store, today=date(2025, 12, 6))
    assert (
        first[0].status == "new"
        and first[0].snapshot.filename == "telegram-moderation-2025-12-05.html"
    )
    assert second[0].status == "unchanged", second[0].message
    assert seen_headers[-1].get("if-none-match") == '"v1"'
    records = parse_snapshot(SOURCE, first[0].snapshot, store)[0].records
    assert [r.value for r in records] == [894_324]
