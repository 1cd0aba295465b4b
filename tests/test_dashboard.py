"""The dashboard, page by page, with Streamlit's AppTest: every page runs on the embedded default,
an empty and a missing warehouse, and on the fixture warehouse (tests/dashboard_fixture.py: the
embedded default plus what it lacks) each page shows the published values it should. Counts that
grow with the embedded default are read from the warehouse; single published values are asserted
as published. Widgets are picked by key."""

from __future__ import annotations

import io
import json
import re
import runpy
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO
from tests.dashboard_fixture import (
    build_default_warehouse,
    build_empty_warehouse,
    build_fixture_warehouse,
)
from transparency.publishing import query as sandbox
from transparency.publishing import table_download as exports

APP = str(REPO / "dashboard" / "app.py")
PAGES = [
    "overview",
    "platform",
    "compare",
    "revisions",
    "coverage",
    "actions",
    "ncmec",
    "dsa",
    "downloads",
    "sources",
    "methodology",
]
META_URL = "https://transparency.fb.com/sr/community-standards/"


# ---------------------------------------------------------------- warehouses


@pytest.fixture(scope="module")
def default_db(tmp_path_factory) -> Path:
    return build_default_warehouse(tmp_path_factory.mktemp("default"))


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    return build_fixture_warehouse(tmp_path_factory.mktemp("fixture"))


@pytest.fixture(scope="module")
def restated_db(tmp_path_factory) -> Path:
    return build_fixture_warehouse(tmp_path_factory.mktemp("restated"), restated=True, sor=False)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory) -> Path:
    return build_empty_warehouse(tmp_path_factory.mktemp("empty") / "warehouse.duckdb")


TITLES = {
    "overview": "Platform accountability observatory",
    "platform": "Platform profile",
    "compare": "Compare platforms",
    "revisions": "Revisions",
    "coverage": "Reporting coverage and timeliness",
    "actions": "Regulator actions",
    "ncmec": "NCMEC cross-check",
    "dsa": "DSA statements of reasons",
    "downloads": "Data and downloads",
    "sources": "Sources",
    "methodology": "Methodology",
}


def open_page(db: Path, page: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("TRANSPARENCY_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()  # the router registers its pages on the first run
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == TITLES[page]
    return at


def rerun(widget) -> AppTest:
    """Run the app after a widget change (``at.selectbox(key=...).select(...)``)."""
    at = widget.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[dict[str, pd.DataFrame]]:
    """Every chart's named datasets, decoded from the Arrow bytes sent to the browser."""
    out = []
    for el in at.get("vega_lite_chart"):
        out.append(
            {
                ds.name: pa.ipc.open_stream(ds.data.data).read_all().to_pandas()
                for ds in el.proto.datasets
            }
        )
    return out


def sql(db: Path, query: str, *params) -> list[tuple]:
    """Read the warehouse the page read (the same sandboxed connection as the app's: DuckDB
    refuses two differently configured connections to one file in one process)."""
    with sandbox.connect(db) as con:
        return con.execute(query, list(params)).fetchall()


def texts(at: AppTest) -> str:
    parts = [
        *(m.value for m in at.markdown),
        *(c.value for c in at.caption),
        *(i.value for i in at.info),
        *(w.value for w in at.warning),
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------- every page, every state


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_embedded_default(page, default_db, monkeypatch):
    at = open_page(default_db, page, monkeypatch)
    assert at.title and at.title[0].value
    assert not at.warning  # the warehouse is readable


@pytest.mark.parametrize("page", PAGES)
def test_every_page_explains_an_empty_warehouse(page, empty_db, monkeypatch):
    at = open_page(empty_db, page, monkeypatch)
    assert at.info, "an empty warehouse must be explained, not shown as blank"
    assert not at.get("vega_lite_chart")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_explains_a_missing_warehouse(page, tmp_path, monkeypatch):
    at = open_page(tmp_path / "nowhere.duckdb", page, monkeypatch)
    assert any("No warehouse at" in w.value and "transparency build" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_fixture_warehouse(page, fixture_db, monkeypatch):
    at = open_page(fixture_db, page, monkeypatch)
    assert at.title


def test_a_file_that_is_not_a_warehouse_gives_a_message(tmp_path, monkeypatch):
    bad = tmp_path / "warehouse.duckdb"
    bad.write_bytes(b"this is not a duckdb file")
    at = open_page(bad, "overview", monkeypatch)
    assert any("cannot be opened" in w.value for w in at.warning)


def test_a_rebuild_in_progress_is_announced_and_the_old_warehouse_shown(
    default_db, tmp_path, monkeypatch
):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(default_db.read_bytes())
    (tmp_path / ".warehouse.duckdb.building-4242").write_bytes(b"")
    at = open_page(db, "overview", monkeypatch)
    assert any("rebuild of the warehouse is in progress" in i.value for i in at.info)
    ((n,),) = sql(db, "SELECT count(*) FROM observations")
    assert n > 20_000  # every embedded source, not one
    assert {m.label: m.value for m in at.metric}["Observations"] == f"{n:,}"


# ---------------------------------------------------------------- unmapped labels (NULL ids)


def test_pages_label_or_drop_values_whose_labels_are_not_mapped(restated_db, tmp_path, monkeypatch):
    """Unmapped labels leave metric / policy_area NULL; a restated value of that kind is listed
    under its label as printed, and no page fails on NULL ids."""
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(restated_db.read_bytes())
    with duckdb.connect(str(db)) as con:
        con.execute("""UPDATE observations SET metric = NULL, policy_area = NULL
                       WHERE source_id = 'meta_cser' AND service = 'facebook'
                         AND period_label = '2021-Q2' AND metric = 'content_actioned'
                         AND raw_policy_label = 'Child Endangerment: Sexual Exploitation'""")
    at = open_page(db, "revisions", monkeypatch)
    table = at.dataframe[1].value  # [0] is the per-release summary
    unmapped = table[table.metric.isna() & table.policy_area.isna()]
    assert [(r.old_value, r.new_value) for r in unmapped.itertuples()] == [
        (25_700_000, 25_800_000),  # the fixture's imagined release
        (25_800_000, 25_600_000),  # Meta's real 2021Q3 release
    ]
    assert set(unmapped.raw_policy_label) == {"Child Endangerment: Sexual Exploitation"}
    assert set(unmapped.raw_metric_label) == {"Content Actioned"}
    at = open_page(db, "platform", monkeypatch)
    rerun(at.radio(key="areas").set_value("all"))
    assert None not in {s.value for s in at.subheader}
    for page in ("overview", "compare", "coverage", "downloads"):
        open_page(db, page, monkeypatch)


# ---------------------------------------------------------------- overview


def test_overview_shows_counts_trend_actions_and_freshness(fixture_db, monkeypatch):
    at = open_page(fixture_db, "overview", monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    ((n,),) = sql(fixture_db, "SELECT count(*) FROM observations")
    ((through,),) = sql(
        fixture_db,
        """SELECT max(o.period_end) FROM comparable_observations o
           JOIN policy_areas p USING (policy_area)
           WHERE p.csea_family IN ('child_sexual_exploitation', 'csam')
             AND o.scope = 'global' AND o.value IS NOT NULL""",
    )
    assert metrics["Observations"] == f"{n:,}"
    # the date beside the figures is how far the child-safety data reach, not the newest DSA file
    assert metrics["Child-safety data through"] == str(through)
    # who is doing what now: each platform with its own report, its newest figures
    who = at.dataframe[0].value
    x = who[who.platform_name == "X"].set_index("metric_label")
    assert x.loc["Accounts actioned", "value"] == 2_781_634  # X GTR H1 2024
    assert x.loc["Accounts actioned", "period_label"] == "2024-H1"
    assert x.loc["CyberTipline reports made", "value"] == 370_588
    assert set(who.platform_name) >= {"Meta", "X", "Discord", "Microsoft", "Snap", "Google"}
    # one unit per chart: accounts and pieces of content are charted apart
    by_metric = {}
    for c in charts(at)[:2]:
        (m,) = set(c["main"].metric)
        by_metric[m] = c["main"]
    assert set(by_metric) == {"accounts_actioned", "content_actioned"}
    content = by_metric["content_actioned"]
    fb = content[
        (content.series == "Meta / Facebook · Child sexual exploitation")
        & (content.period_label == "2021-Q2")
    ]
    assert fb.raw_policy_label.tolist() == ["Child Endangerment: Sexual Exploitation"]
    assert fb.value.tolist() == [25_600_000]  # as restated by Meta's 2021Q3 and later releases
    xs = {
        m: df[
            (df.series == "X · Child sexual exploitation") & (df.period_label == "2024-H1")
        ].value.iloc[0]
        for m, df in by_metric.items()
    }
    assert xs == {"accounts_actioned": 2_781_634, "content_actioned": 14_571}
    assert "No changes recorded yet" in texts(at)  # this test's home has no feed
    newest = at.dataframe[1].value
    expect = sql(
        fixture_db,
        """SELECT a.date, a.regulator, coalesce(pl.name, a.platform), t.label,
                                       a.amount, a.currency, a.amount_eur
                                FROM actions a JOIN action_types t USING (action_type)
                                LEFT JOIN platforms pl ON pl.platform_id = a.platform
                                ORDER BY a.date DESC, a.regulator, a.action_id LIMIT 8""",
    )
    assert [(str(r.date)[:10], r.regulator, r.platform, r.action) for r in newest.itertuples()] == [
        (str(d), reg, p, t) for d, reg, p, t, *_ in expect
    ]
    assert newest.amount.tolist() == [
        "—"
        if a is None
        else f"{c} {a:,.0f}" + (f" (≈ EUR {e:,.0f})" if e is not None and c != "EUR" else "")
        for *_, a, c, e in expect
    ]
    fresh = at.dataframe[3].value.set_index("source_id")
    assert fresh.loc["meta_cser", "status"] == "behind"  # last quarter 2021-Q2
    assert "Accounts actioned" in texts(at) and "Unit: accounts" in texts(at)


FEED = [
    {
        "id": "urn:transparency:4",
        "kind": "overdue",
        "title": "Overdue: meta_cser, period ending 2021-09-30 (due 2021-12-14)",
        "summary": "No release of meta_cser covers the period ending 2021-09-30; it was due by "
        "2021-12-14.",
        "link": "",
        "updated": "2026-11-20T09:00:00Z",
    },
    {
        "id": "urn:transparency:3",
        "kind": "new_action",
        "title": "eSafety Commissioner: infringement_notice - x (2023-10-03)",
        "summary": "Infringement notice of A$16,500/day x 37 days (29 Mar-5 May 2023) for failing "
        "to answer CSEA transparency notice questions.",
        "link": "https://www.esafety.gov.au/newsroom/media-releases/esafety-initiates-civil-penalty-"
        "proceedings-against-x-corp",
        "updated": "2026-11-20T09:00:00Z",
    },
    {
        "id": "urn:transparency:2",
        "kind": "restated",
        "title": "1 value(s) restated by meta_cser in meta-cser-sample-2021q3.csv",
        "summary": "meta/facebook content_actioned 2021-Q2: 25,700,000 -> 25,800,000",
        "link": META_URL,
        "updated": "2026-11-19T09:00:00Z",
    },
    {
        "id": "urn:transparency:1",
        "kind": "new_release",
        "title": "New release: meta_cser meta-cser-2021-q2.csv (vintage 2021-08-18)",
        "summary": "1,904 values from meta-cser-2021-q2.csv (494c6ff5b1ae).",
        "link": META_URL,
        "updated": "2026-11-19T09:00:00Z",
    },
]


def test_overview_lists_what_changed_from_the_feed(default_db, isolated_home, monkeypatch):
    feed = isolated_home / "feed" / "changes.json"
    feed.parent.mkdir(parents=True)
    feed.write_text(json.dumps(FEED))
    at = open_page(default_db, "overview", monkeypatch)
    assert [s.value for s in at.subheader][:4] == [
        "Who is doing what now",
        "Newest regulator actions",
        "Child sexual exploitation: headline trends",
        "What changed",
    ]
    changes = at.dataframe[2].value
    assert changes.kind.tolist() == [
        "Overdue report",
        "New regulator action",
        "Restated values",
        "New release",
    ]  # newest first, as the feed lists them
    assert changes.title.tolist() == [e["title"] for e in FEED]
    assert changes.link.tolist()[2:] == [META_URL, META_URL]
    assert str(changes.updated.iloc[0])[:16] == "2026-11-20 09:00:00"[:16]
    assert (
        "4 change(s) recorded, newest first: 1 new release, 1 restated values, "
        "1 new regulator action, 1 overdue report"
    ) in texts(at)
    rerun(at.multiselect(key="changes").set_value(["new_action", "restated"]))
    assert at.dataframe[2].value.summary.tolist() == [FEED[1]["summary"], FEED[2]["summary"]]


def test_overview_shows_the_feed_a_real_build_wrote(default_db, isolated_home, monkeypatch):
    """The first build of a home lists every release it built in as new."""
    written = default_db.parent / "feed" / "changes.json"
    (isolated_home / "feed").mkdir(parents=True)
    (isolated_home / "feed" / "changes.json").write_bytes(written.read_bytes())
    at = open_page(default_db, "overview", monkeypatch)
    snapshots = sql(default_db, "SELECT source_id, filename, vintage FROM snapshots")
    assert (
        f"{len(snapshots)} change(s) recorded, newest first: {len(snapshots)} new release"
        in texts(at)
    )
    titles = set(at.dataframe[2].value.title)
    assert len(titles) == 12  # the newest dozen are shown
    assert titles <= {f"New release: {s} {f} (vintage {v})" for s, f, v in snapshots}


def test_overview_explains_an_unreadable_feed(default_db, isolated_home, monkeypatch):
    (isolated_home / "feed").mkdir(parents=True)
    (isolated_home / "feed" / "changes.json").write_text("{not json")
    at = open_page(default_db, "overview", monkeypatch)
    assert any("changes feed could not be read" in i.value for i in at.info)


# ---------------------------------------------------------------- platform profile


def test_x_profile_shows_esafety_infringement_notice_on_the_time_axis(fixture_db, monkeypatch):
    at = open_page(fixture_db, "platform", monkeypatch)
    rerun(at.selectbox(key="platform").select("x"))
    (acts,) = [d.value for d in at.dataframe if "regulator" in d.value.columns]
    notice = acts[acts.action == "Infringement notice"].iloc[0]
    assert str(notice.date)[:10] == "2023-10-03"
    assert notice.regulator == "eSafety Commissioner"
    assert notice.amount == "AUD 610,500"  # in full, never cut to "AUD 610,"
    assert "A$16,500/day x 37 days" in notice.summary
    case = acts[acts.case_id == "au_esafety-x-bose-csea-2023"]
    assert case.action.tolist() == [
        "Transparency (reporting) notice",
        "Infringement notice",
        "Court proceedings",
        "Court judgment",
        "Court judgment",
        "Court-ordered penalty",
    ]
    assert case.amount.tolist()[-1] == "AUD 650,000"  # [2026] FCA 629
    ((n,),) = sql(fixture_db, "SELECT count(*) FROM actions WHERE platform = 'x'")
    assert len(acts) == n
    # headline figures at the top: X's own H1 2024 report
    heads = {m.label: m.value for m in at.metric}
    assert heads["Accounts actioned, 2024-H1"] == "2,781,634"
    first = charts(at)[0]
    assert "obs" in first and "actions" in first
    events = first["actions"]
    label = "eSafety Commissioner: Infringement notice"
    notice = events[events.label == label].iloc[0]
    assert str(notice.date)[:10] == "2023-10-03"
    # a labelled marker with the amount in its currency and in euros, in its own lane
    assert notice.marker == "eSafety Commissioner: Infringement notice, AUD 610,500"
    assert notice.amount_text.startswith("AUD 610,500 (≈ EUR ")
    # markers close together do not cover each other: in a lane, the stretches the labels take
    # (right of the marker in the left half, left of it in the right half) never overlap
    obs = first["obs"]
    lo = pd.Timestamp(str(obs.period_start.min())[:10])
    span = pd.Timestamp(str(obs.period_end.max())[:10]) - lo
    shown = events[events.marker != ""].assign(day=lambda d: pd.to_datetime(d.date))
    for _, lane in shown.groupby("lane"):
        stretches = sorted(
            (d - w, d) if r else (d, d + w)
            for d, r, w in zip(
                lane.day,
                lane.right,
                [span * min(330, 5.6 * len(t) + 16) / 900 for t in lane.marker],
                strict=True,
            )
        )
        assert all(s1[1] < s2[0] for s1, s2 in zip(stretches, stretches[1:], strict=False))
    assert len(shown) >= 8  # the first markers of each lane are labelled
    # the time axis keeps to the charted periods: the 2025 commitment and 2026 actions are not
    # drawn on it (they are in the tables)
    assert max(str(d)[:10] for d in events.date) <= max(str(d) for d in first["obs"].period_end)
    # commitments inside the charted periods are drawn too (the 2020 Voluntary Principles), later
    # ones only in the table
    charted = {str(d)[:10] for d in first["commitments"].date}
    assert "2020-03-05" in charted and "2025-12-05" not in charted
    made_on = {str(d)[:10] for d in at.dataframe[-2].value.made_on}
    assert "2025-12-05" in made_on  # DSA action plan
    assert "2020-03-05" in made_on  # Voluntary Principles endorsed (as Twitter)
    # the longest history first: Twitter's accounts actioned for CSE since 2018 H2 (transcribed by
    # apparebit/diaphanous), then X's own figure for 2024 H1
    assert [s.value for s in at.subheader][:2] == [
        "Accounts actioned",
        "Accounts suspended (per-policy breakdown)",
    ]
    obs = first["obs"].set_index(["series", "period_label"]).value
    assert obs["X / Twitter · Child sexual exploitation", "2018-H2"] == 457_231
    assert obs["X · Child sexual exploitation", "2024-H1"] == 2_781_634
    assert "Accounts disabled, banned, suspended or removed" in texts(at)  # the metric's definition
    rerun(at.multiselect(key="metrics").set_value(["cybertipline_reports_received"]))
    rows = charts(at)[0]["obs"]
    obs = rows.set_index(["series", "period_label"]).value
    assert obs["X / Twitter · Child sexual exploitation", "2019"] == 45_726
    assert obs["X / Twitter · Child sexual exploitation", "2023"] == 597_087
    assert obs["X · Child sexual exploitation", "2023"] == 273_416
    # NCMEC's own report and apparebit/diaphanous's transcription both give Twitter's 2019 count:
    # the chart shows it once, from NCMEC's file
    twitter_2019 = rows[
        (rows.series == "X / Twitter · Child sexual exploitation") & (rows.period_label == "2019")
    ]
    assert twitter_2019.source_id.tolist() == ["ncmec_reports_by_esp"]


def test_platform_profile_rings_restated_values_and_lists_vintages(restated_db, monkeypatch):
    at = open_page(restated_db, "platform", monkeypatch)
    assert at.selectbox(key="platform").value == "meta"
    rerun(at.multiselect(key="metrics").set_value(["content_actioned"]))
    obs = charts(at)[0]["obs"]
    ringed = obs[obs.restated]
    got = ringed[["series", "period_label", "value"]].values.tolist()
    # real restatements of Meta's 13 releases (issue 13), current values ringed: 2021-Q2 was
    # 25.7M (2021Q2 release), 25.8M (the fixture), 25.6M (2021Q3 release onward); 2020-Q2 of
    # the retired combined area went 9.5M, 9.4M, 2.8M (2022Q1), 9.4M again (2022Q4)
    assert ["Meta / Facebook · Child sexual exploitation", "2021-Q2", 25_600_000] in got
    assert [
        "Meta / Facebook · Child nudity and sexual exploitation (combined, retired)",
        "2020-Q2",
        9_400_000,
    ] in got
    rerun(at.toggle(key="vintages").set_value(True))
    obs = charts(at)[0]["obs"]
    earlier = obs[
        ~obs.is_current
        & (obs.series == "Meta / Facebook · Child sexual exploitation")
        & (obs.period_label == "2021-Q2")
    ]
    assert set(earlier.value) == {25_700_000, 25_800_000, 25_600_000}
    releases = at.dataframe[-1].value
    assert {str(v)[:10] for v in releases.vintage} >= {"2021-08-18", "2021-11-09", "2024-09-13"}
    assert "value(s) about this platform were restated" in texts(at)


# ---------------------------------------------------------------- compare


def test_compare_two_services_draws_two_series_with_published_values(default_db, monkeypatch):
    at = open_page(default_db, "compare", monkeypatch)
    assert at.selectbox(key="metric").value == "content_actioned"
    assert at.selectbox(key="area").value == "protection_of_minors.child_sexual_exploitation"
    rerun(
        at.multiselect(key="series").set_value(
            ["meta/facebook@meta_cser", "meta/instagram@meta_cser"]
        )
    )
    (chart,) = charts(at)
    main = chart["main"]
    # Meta's own releases now cover every quarter apparebit/diaphanous transcribes, so the
    # curated rows give way and each line has one source: no source suffix in its name
    fb, ig = "Meta / Facebook", "Meta / Instagram"
    assert sorted(main.series.unique()) == [fb, ig]
    q2 = main[main.period_label == "2021-Q2"].set_index("series").shown
    # current values: Meta's 2021Q3 and later releases restate 2021Q2 (25.7M -> 25.6M)
    assert q2[fb] == 25_600_000 and q2[ig] == 1_400_000
    caveats = texts(at)
    assert "Child Endangerment\\: Sexual Exploitation" in caveats
    assert "Pieces of content the platform took action on" in caveats


def test_compare_indexed_and_log(default_db, monkeypatch):
    at = open_page(default_db, "compare", monkeypatch)
    rerun(at.selectbox(key="area").select("protection_of_minors.child_nudity_sexual_exploitation"))
    rerun(at.radio(key="mode").set_value("indexed"))
    rerun(at.selectbox(key="base").select("2019-04-01"))
    rerun(at.radio(key="scale").set_value("log"))
    main = charts(at)[0]["main"].set_index(["series", "period_label"]).shown
    assert main["Meta / Facebook", "2019-Q2"] == pytest.approx(100)
    assert main["Meta / Facebook", "2019-Q3"] == pytest.approx(11_400_000 / 6_900_000 * 100)
    assert main["Meta / Instagram", "2020-Q1"] == pytest.approx(1_000_000 / 526_200 * 100)
    assert "Indices show change, not level" in texts(at)
    assert "Log scale" in texts(at)


def test_compare_per_million_eu_recipients_uses_dsa_amar(default_db, monkeypatch):
    """DSA harmonised reports H2 2025: own-initiative T&C measures for protection of minors per
    million average monthly active EU recipients (AMAR of the same report)."""
    at = open_page(default_db, "compare", monkeypatch)
    rerun(at.selectbox(key="metric").select("dsa_own_initiative_tc_measures"))
    rerun(at.selectbox(key="area").select("protection_of_minors"))
    rerun(at.selectbox(key="scope").select("EU"))
    rerun(
        at.multiselect(key="series").set_value(
            [f"{k}@dsa_harmonised_reports" for k in ("snap/snapchat", "meta/facebook", "x/x")]
        )
    )
    rerun(at.radio(key="mode").set_value("per_million"))
    main = charts(at)[0]["main"].set_index("series").shown
    assert main["Snap / Snapchat"] == pytest.approx(94_414 / 97.153476)
    assert main["Meta / Facebook"] == pytest.approx(1_182_154 / 262.480454)
    assert main["X"] == pytest.approx(151_607 / 64.767887)
    assert "average monthly active EU recipients" in texts(at)


def test_compare_per_million_refuses_global_counts(default_db, monkeypatch):
    at = open_page(default_db, "compare", monkeypatch)
    rerun(at.radio(key="mode").set_value("per_million"))
    assert not at.get("vega_lite_chart")
    assert any("for the EU only" in i.value for i in at.info)


# ---------------------------------------------------------------- regulator actions


def test_actions_filter_table_amounts_and_cases(fixture_db, monkeypatch):
    at = open_page(fixture_db, "actions", monkeypatch)
    ((n,),) = sql(fixture_db, "SELECT count(*) FROM actions")
    assert n > 100 and f"{n:,} of {n:,} actions match" in texts(at)
    rerun(at.multiselect(key="platform").set_value(["x"]))
    rerun(at.multiselect(key="type").set_value(["infringement_notice"]))
    table = at.dataframe[0].value
    assert len(table) == 1
    row = table.iloc[0]
    assert (row.amount, row.jurisdiction, str(row.date)[:10]) == ("AUD 610,500", "AU", "2023-10-03")
    ((rate,),) = sql(
        fixture_db, "SELECT per_eur FROM fx_rates WHERE date = '2023-10-03' AND currency = 'AUD'"
    )
    assert rate == 1.6612  # ECB reference rate of the action's date
    assert row.amount_eur == pytest.approx(610_500 / rate)
    (case,) = at.expander
    assert "eSafety v X Corp" in case.label and "6 event(s)" in case.label
    events = case.dataframe[0].value
    assert list(events.action) == [
        "Transparency (reporting) notice",
        "Infringement notice",
        "Court proceedings",
        "Court judgment",
        "Court judgment",
        "Court-ordered penalty",
    ]
    rerun(at.multiselect(key="type").set_value([]))
    rerun(at.text_input(key="basis").input("DSA"))
    expect = sql(
        fixture_db,
        """SELECT t.label FROM actions a JOIN action_types t USING
                                (action_type) WHERE a.platform = 'x'
                                AND a.legal_basis ILIKE '%DSA%'""",
    )
    got = sorted(at.dataframe[0].value.action)
    assert got == sorted(r[0] for r in expect)
    assert {"Formal proceedings opened", "Preliminary findings", "Non-compliance decision"} <= set(
        got
    )


def test_scraped_text_is_escaped_not_rendered(fixture_db, tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(fixture_db.read_bytes())
    with duckdb.connect(str(db)) as con:
        con.execute(
            "UPDATE cases SET title = ? WHERE case_id = 'in_meity-x-csam-notice-2023'",
            ["<img src=x onerror=alert(1)> [click](javascript:alert(1))"],
        )
    at = open_page(db, "actions", monkeypatch)
    rerun(at.multiselect(key="platform").set_value(["x"]))
    label = next(e.label for e in at.expander if "img" in e.label)
    assert "\\<img" in label and "\\[click\\]\\(javascript" in label
    sources = (REPO / "dashboard").rglob("*.py")
    assert not [p for p in sources if re.search(r"unsafe_allow_html\s*=", p.read_text())]


# ---------------------------------------------------------------- coverage


def test_coverage_uses_every_source_and_tells_not_collected_from_overdue(fixture_db, monkeypatch):
    at = open_page(fixture_db, "coverage", monkeypatch)
    rerun(at.multiselect(key="source").set_value(["meta_cser", "ncmec_reports_by_esp"]))
    rerun(at.multiselect(key="platform").set_value(["meta", "x"]))
    grid = charts(at)[0]["main"]
    cell = grid.set_index(["row", "period"])
    fb = "Meta / Facebook · Content actioned (meta_cser)"
    assert cell.loc[(fb, "2021-Q2"), "status"] == "held"
    # every Meta release 2021Q2 ... 2024Q2 is embedded (issue 13): Meta's own file holds them
    assert cell.loc[(fb, "2021-Q3"), "status"] == "held"
    assert cell.loc[(fb, "2021-Q3"), "held_by"] == "diaphanous_curated, meta_cser"
    assert cell.loc[(fb, "2024-Q2"), "status"] == "held"
    ncmec = "X / Twitter · CyberTipline reports received by NCMEC (ncmec_reports_by_esp)"
    # NCMEC's per-provider reports of 2019 to 2023 are all embedded
    assert [cell.loc[(ncmec, y), "status"] for y in ("2019", "2020", "2021", "2022", "2023")] == [
        "held"
    ] * 5
    assert "ncmec_reports_by_esp" in cell.loc[(ncmec, "2020"), "held_by"].split(", ")
    stopped = at.dataframe[0].value.set_index("row")
    assert stopped.loc[fb, "last_reported"] == "2024-Q2"
    assert stopped.loc[ncmec, "first_overdue"] == "2024"


def test_coverage_draws_a_readable_grid_of_many_series(fixture_db, monkeypatch):
    at = open_page(fixture_db, "coverage", monkeypatch)
    ((n,),) = sql(
        fixture_db,
        """SELECT count(*) FROM (SELECT DISTINCT o.platform, coalesce(o.service, ''), o.metric
                               FROM current_observations o JOIN sources s USING (source_id)
                               WHERE s.cadence IN ('quarterly', 'half-yearly', 'annual')
                                 AND o.platform IS NOT NULL AND o.metric IS NOT NULL
                                 AND o.period_start IS NOT NULL)""",
    )
    assert n > 1000  # DSA harmonised reports: one series per service and metric
    grid = charts(at)[0]["main"]
    assert grid.row.nunique() == 60
    assert f"{n:,} series match; the grid draws the 60 with the most periods reported" in texts(at)
    # the grid keeps to the last years (no axis from 1998)
    assert min(str(d)[:4] for d in grid.period_start) >= str(date.today().year - 7)


# ---------------------------------------------------------------- revisions


def test_revisions_show_old_and_new_with_both_sources(restated_db, monkeypatch):
    at = open_page(restated_db, "revisions", monkeypatch)
    summary, table = at.dataframe[0].value, at.dataframe[1].value
    # the fixture's imagined release between Meta's real 2021Q2 and 2021Q3 files
    [r] = [
        r
        for r in table.itertuples()
        if str(r.new_vintage)[:10] == "2021-11-09" and r.old_value == 25_700_000
    ]
    assert (r.old_value, r.new_value) == (25_700_000, 25_800_000)
    assert str(r.old_vintage)[:10] == "2021-08-18"
    assert r.old_url == META_URL and r.new_url == META_URL
    assert r.old_snapshot == "494c6ff5b1aec5fc6f510ef487d38b91d5e93e92947ca7c88e5a96daa6f17652"
    assert r.relative_change == pytest.approx(100_000 / 25_700_000)
    assert r.old_file == "meta-cser-2021-q2.csv" and not r.said_by_publisher
    ((n,),) = sql(restated_db, "SELECT count(*) FROM revisions WHERE change = 'restated'")
    assert {m.label: m.value for m in at.metric}["Restated"] == f"{n:,}"
    assert "meta-cser-sample-2021q3.csv" in set(summary.filename)


def test_revisions_of_the_default_show_each_release_s_restatements(default_db, monkeypatch):
    """Issue 13: the embedded default holds every Meta release, so the page shows real
    restatements, per release (said by the publisher or silent) and value by value."""
    at = open_page(default_db, "revisions", monkeypatch)
    summary = at.dataframe[0].value
    meta = summary[summary.source_id == "meta_cser"]
    ((n,),) = sql(
        default_db,
        "SELECT count(*) FROM revisions WHERE source_id = 'meta_cser' AND change = 'restated'",
    )
    assert int(meta.values_restated.sum()) == n >= 600 and int(meta.silent.sum()) == n
    assert "What each release changed" in [h.value for h in at.subheader]
    # rows of one file sharing a key (unmapped labels in the DSA reports) are not restatements:
    # the revisions view never pairs values from one and the same file
    assert sql(default_db, "SELECT count(*) FROM revisions WHERE old_snapshot = new_snapshot") == [
        (0,)
    ]


# ---------------------------------------------------------------- NCMEC


def test_ncmec_cross_check_self_reported_vs_received(fixture_db, monkeypatch):
    at = open_page(fixture_db, "ncmec", monkeypatch)
    table = at.dataframe[0].value.set_index(["series", "year"])
    snap = table.loc[("Snap / Snapchat", 2023)]
    assert (snap.self_reported, snap.ncmec_received) == (691_225, 713_055)
    assert snap.ratio == pytest.approx(691_225 / 713_055)
    assert snap.ncmec_source_url.endswith("2023-reports-by-esp.pdf")
    assert snap.self_source_url == "https://values.snap.com/privacy/transparency"
    assert table.self_reported.notna().all() and table.ncmec_received.notna().all()
    assert "Discord 2023 \\(0\\.48\\)" in texts(at)  # 164,478 vs 339,412
    rerun(at.multiselect(key="platform").set_value(["snap"]))
    assert set(charts(at)[0]["main"].series) == {"Snap / Snapchat"}
    rerun(at.toggle(key="one_sided").set_value(True))
    table = at.dataframe[0].value.set_index(["series", "year"])
    snap22 = table.loc[("Snap / Snapchat", 2022)]
    assert snap22.self_reported == 550_755
    # NCMEC's own 2022 PDF is embedded now (issue 13): its count, with its URL
    assert snap22.ncmec_received == 551_086
    assert snap22.ncmec_source_url.endswith("2022-reports-by-esp.pdf")
    assert pd.isna(table.loc[("Snap / Snapchat", 2021)].self_reported)
    assert table.loc[("Snap / Snapchat", 2021)].ncmec_received == 512_522
    assert len(charts(at)[0]["main"]) == 2  # Snap 2022 and 2023 have both


def test_ncmec_cross_check_of_the_embedded_default(default_db, monkeypatch):
    """apparebit/diaphanous's transcriptions give the embedded default platforms' own counts."""
    at = open_page(default_db, "ncmec", monkeypatch)
    ((n,),) = sql(default_db, "SELECT count(*) FROM cybertipline_crosscheck")
    assert n == 116  # with NCMEC's 2020 and 2022 PDFs (issue 13)
    table = at.dataframe[0].value.set_index(["series", "year"])
    amazon = table.loc[("Amazon (all services)", 2022)]
    # NCMEC's own 2022 PDF (issue 13): Amazon's entries summed, 70,205 (the curator's 70,157)
    assert (amazon.self_reported, amazon.ncmec_received) == (67_073, 70_205)
    assert amazon.ncmec_source_url.endswith("2022-reports-by-esp.pdf")
    discord = table.loc[("Discord", 2023)]
    assert (discord.self_reported, discord.ncmec_received) == (164_478, 339_412)
    assert discord.ncmec_source_url.endswith("2023-reports-by-esp.pdf")
    assert "Discord 2023 \\(0\\.48\\)" in texts(at)


# ---------------------------------------------------------------- DSA statements of reasons


def test_dsa_counts_shares_and_discontinuities(fixture_db, monkeypatch):
    at = open_page(fixture_db, "dsa", monkeypatch)
    # the fixture holds both tables: the page says which one it shows, and switches
    assert "This warehouse also holds dumps ingested here" in texts(at)
    at = rerun(at.radio(key="data").set_value("ingest"))
    assert "Shown: **Dumps ingested here" in texts(at)
    counts, auto, vis = charts(at)[:3]
    minors = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
    expect = dict(
        sql(
            fixture_db,
            "SELECT platform_name, sum(count) FROM sor_daily "
            "WHERE category = ? GROUP BY 1 ORDER BY 2 DESC LIMIT 6",
            minors,
        )
    )
    got = counts["main"].groupby("platform_name").statements.sum()
    assert got.to_dict() == expect
    ((lo, hi),) = sql(fixture_db, "SELECT min(date), max(date) FROM sor_daily")
    disc = counts.get("disc", pd.DataFrame({"date": [], "label": []}))
    assert all(str(lo) <= str(d)[:10] <= str(hi) for d in disc.date)
    if str(lo) <= "2025-07-01" <= str(hi):
        assert "Schema v2: new categories and keywords" in set(disc.label)
    top = counts["main"].groupby("platform_name").statements.sum().idxmax()
    ((share,),) = sql(
        fixture_db,
        """SELECT sum(count) FILTER (WHERE automated_detection = 'Yes')
                                          / sum(count) FROM sor_daily
                                   WHERE category = ? AND platform_name = ?""",
        minors,
        top,
    )
    tk = counts["main"][counts["main"].platform_name == top]
    assert (tk.share_auto_detected * tk.statements).sum() / tk.statements.sum() == pytest.approx(
        share
    )
    assert set(vis["main"].platform_name) == set(expect)
    at = rerun(at.radio(key="focus").set_value("csam"))
    got = charts(at)[0]["main"].groupby("platform_name").statements.sum()
    ((csam,),) = sql(
        fixture_db,
        "SELECT sum(count) FROM sor_daily WHERE platform_name = ? "
        "AND contains(keyword, 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL')",
        got.idxmax(),
    )
    assert got.max() == csam
    at = rerun(at.radio(key="grain").set_value("day"))
    plats = sorted(set(charts(at)[0]["main"].platform_name))
    ((days,),) = sql(
        fixture_db,
        """SELECT count(DISTINCT date) FROM sor_daily
                                  WHERE contains(keyword, 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL')
                                    AND list_contains(?, platform_name)""",
        plats,
    )
    assert charts(at)[0]["main"].period.nunique() == days


def test_dsa_page_of_the_embedded_default_shows_real_platforms(default_db, monkeypatch):
    at = open_page(default_db, "dsa", monkeypatch)
    text = texts(at)
    assert "Shown: **Whole database, per platform and day" in text
    assert "also holds" not in text  # no sor_daily in the embedded default
    counts = charts(at)[0]["main"]
    got = counts.groupby("service").statements.sum()
    expect = dict(
        sql(
            default_db,
            """SELECT service, sum(statements) FROM sor_platform_daily
               WHERE field = 'category' AND code = 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS'
               GROUP BY 1 ORDER BY 2 DESC LIMIT 6""",
        )
    )
    assert got.to_dict() == expect
    assert {"TikTok", "Discord"} <= set(got.index)
    assert "TikTok 60,063,791" in text and "Protection of minors" in text
    # rates per million EU recipients: TikTok's AMAR of its harmonised report
    at = rerun(at.radio(key="measure").set_value("rate"))
    rate = charts(at)[0]["main"]
    tk = rate[rate.service == "TikTok"]
    ((amar,),) = sql(
        default_db,
        """SELECT value FROM current_observations WHERE metric = 'amar' AND platform = 'tiktok'
           AND service = 'tiktok' AND scope = 'EU' AND policy_area = 'all'""",
    )
    assert (tk.per_million - tk.statements / amar * 1e6).abs().max() < 1e-6
    assert "Not shown, no AMAR: Discord" in texts(at)
    # the reconciliation panel and the cross-check
    assert "184 of 686 days differ" in texts(at)
    frames = [d.value for d in at.dataframe]
    cc = next(f for f in frames if "ratio" in f.columns)
    # named as on every other page (TikTok, not the id tiktok)
    row = cc[(cc.service == "TikTok") & (cc.measure == "own-initiative decisions")].iloc[0]
    assert row.report_value == 258_691_522
    assert row.report_source_url.startswith("https://")


def test_dsa_page_csam_for_snapchat_from_the_url(default_db, monkeypatch):
    at = open_page(default_db, "dsa", monkeypatch)
    at = rerun(at.radio(key="focus").set_value("csam"))
    at = rerun(at.multiselect(key="platform").set_value(["Snapchat"]))
    counts = charts(at)[0]["main"]
    ((csam,),) = sql(
        default_db,
        """SELECT sum(statements) FROM sor_platform_daily WHERE service = 'Snapchat'
           AND field = 'keyword' AND code = 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL'""",
    )
    assert set(counts.service) == {"Snapchat"} and counts.statements.sum() == csam


def test_coverage_lists_dsa_reports_due_dates_and_snapchat_changes(default_db, monkeypatch):
    at = open_page(default_db, "coverage", monkeypatch)
    frames = [d.value for d in at.dataframe]
    halves = next(f for f in frames if "half_year" in f.columns)
    tiktok = halves[halves.service == "TikTok"].set_index("half_year")
    assert tiktok.loc["2025-H1", "status"] == "listed"
    assert str(tiktok.loc["2025-H1", "due"])[:10] == "2025-08-31"
    changes = next(f for f in frames if "change" in f.columns)
    snap = changes[changes.service == "Snapchat"]
    assert sorted(snap.change) == ["added"] * 4 + ["title changed"]
    assert "DSA Independent Audit Report | Snapchat | August 2025 (PDF)" in set(snap.title)


# ---------------------------------------------------------------- downloads and sources


def test_downloads_offer_exactly_the_rows_shown_with_a_citation(default_db, monkeypatch):
    at = open_page(default_db, "downloads", monkeypatch)
    rerun(at.multiselect(key="platform").set_value(["meta"]))
    rerun(at.multiselect(key="metric").set_value(["content_actioned"]))
    rerun(at.multiselect(key="area").set_value(["protection_of_minors.child_sexual_exploitation"]))
    shown = at.dataframe[0].value
    # Meta's CSV (current values: its 2024Q2 release): 2021Q2 is the first quarter with this
    # policy, N/A printed for the 14 quarters before; 13 quarters 2021Q2-2024Q2 reported per app.
    # apparebit/diaphanous: Facebook and Instagram 2021Q2-2024Q2 (26 values).
    assert len(shown) == 80
    own = shown[shown.source_id == "meta_cser"]
    assert len(own) == 54 and own.value.notna().sum() == 26
    fb = own[own.service == "facebook"].set_index("period_label").value
    assert fb.loc["2021-Q2"] == 25_600_000 and fb.loc["2024-Q2"] == 9_700_000
    assert set(own[own.value.isna()].value_text) == {"N/A"}
    assert set(own.source_url) == {META_URL}
    curated = shown[shown.source_id == "diaphanous_curated"].set_index(["service", "period_label"])
    assert len(curated) == 26 and curated.value.loc[("facebook", "2024-Q2")] == 9_700_000
    assert {b.label for b in at.get("download_button")} == {"Download CSV", "Download Parquet"}
    (cite,) = at.code
    assert "dataset 'observations_with_provenance'" in cite.value
    assert "platform=meta" in cite.value and "metric=content_actioned" in cite.value
    assert "80 rows" in cite.value
    assert "Meta, Community Standards Enforcement Report (CSV)" in cite.value
    assert "Robert Grimm, apparebit/diaphanous" in cite.value
    back = pd.read_csv(io.BytesIO(exports.to_csv_bytes(shown)))
    assert back.value.fillna(-1).tolist() == shown.value.fillna(-1).tolist()
    assert list(back.columns) == list(shown.columns)


def test_downloads_switch_tables(fixture_db, restated_db, monkeypatch):
    at = open_page(fixture_db, "downloads", monkeypatch)
    assert at.selectbox(key="table").options == [
        "Published numbers (observations, with provenance)",
        "Restated values (revisions)",
        "Regulator actions",
        "NCMEC cross-check",
        "DSA statements of reasons (daily aggregates)",
    ]
    rerun(at.selectbox(key="table").select("actions"))
    ((n,),) = sql(fixture_db, "SELECT count(*) FROM actions")
    assert len(at.dataframe[0].value) == n
    rerun(at.selectbox(key="table").select("sor_daily"))
    shown = at.dataframe[0].value
    ((n, first),) = sql(
        fixture_db,
        """SELECT count(*), min(date) FROM sor_daily
                                     WHERE date > (SELECT max(date) FROM sor_daily) - 7""",
    )
    assert len(shown) == n and str(shown.date.min())[:10] == str(first)
    assert "opens on its last 7 days" in texts(at)
    rerun(at.selectbox(key="table").select("revisions"))  # Meta's real restatements (issue 13)
    ((n,),) = sql(fixture_db, "SELECT count(*) FROM revisions")
    assert len(at.dataframe[0].value) == n > 600
    at = open_page(restated_db, "downloads", monkeypatch)
    rerun(at.selectbox(key="table").select("revisions"))
    shown = at.dataframe[0].value
    ((n,),) = sql(restated_db, "SELECT count(*) FROM revisions")
    assert len(shown) == min(n, 5_000)  # the preview draws at most 5,000 rows
    hit = shown[(shown.old_value == 25_700_000) & (shown.new_value == 25_800_000)]
    assert hit.change.tolist() == ["restated"]


def test_sources_page_lists_urls_licences_sha256_and_row_counts(default_db, monkeypatch):
    at = open_page(default_db, "sources", monkeypatch)
    src = at.dataframe[0].value.set_index("source_id")
    assert src.loc["meta_cser", "licence"].startswith("Public document (Meta Platforms, Inc.)")
    # every Meta release is its own vintage (issue 13): 1,904 rows in 2021Q2 ... 3,809 in 2024Q2
    assert src.loc["meta_cser", "observations"] == 37_910
    assert str(src.loc["meta_cser", "last_retrieved"])[:10] == "2024-10-22"
    snaps = at.dataframe[1].value
    meta = snaps[snaps.source_id == "meta_cser"].set_index("sha256")
    assert len(meta) == 13
    snap = meta.loc["494c6ff5b1aec5fc6f510ef487d38b91d5e93e92947ca7c88e5a96daa6f17652"]
    assert snap.url == META_URL and snap.observations == 1904
    ((n_snap,),) = sql(default_db, "SELECT count(*) FROM snapshots")
    assert len(snaps) == n_snap
    ((n,),) = sql(default_db, "SELECT count(*) FROM observations")
    tables = at.dataframe[2].value.set_index("table").rows
    assert tables["observations"] == n


# ---------------------------------------------------------------- exports module


def test_exports_round_trip_and_cite():
    df = pd.DataFrame(
        {
            "platform": ["meta", "meta"],
            "value": [25_700_000.0, 1_400_000.0],
            "period_start": pd.to_datetime(["2021-04-01", "2021-04-01"]),
        }
    )
    csv = exports.to_csv_bytes(df).decode()
    assert csv.splitlines() == [
        "platform,value,period_start",
        "meta,25700000.0,2021-04-01",
        "meta,1400000.0,2021-04-01",
    ]
    line = exports.citation(
        [
            {
                "publisher": "Meta",
                "title": "CSER",
                "url": META_URL,
                "licence": "public",
                "retrieved": "2021-08-19T00:00:00",
            }
        ],
        dataset="observations",
        filters={"platform": ["meta"], "x": None},
        rows=2,
    )
    assert line.startswith("transparency — platform-accountability observatory (version ")
    assert f"Meta, CSER <{META_URL}>, retrieved 2021-08-19 (public)" in line
    assert "filters platform=meta." in line and "x=" not in line
    table = pq.read_table(io.BytesIO(exports.to_parquet_bytes(df, citation_line=line)))
    assert table.to_pandas().equals(df)
    assert table.schema.metadata[b"citation"].decode() == line


def test_every_page_file_is_registered_with_its_own_url_path():
    app = (REPO / "dashboard" / "app.py").read_text()
    files = sorted(p.stem for p in (REPO / "dashboard" / "app_pages").glob("*.py"))
    assert sorted(PAGES) == files
    paths = re.findall(r'url_path="([a-z]+)"', app)
    assert len(paths) == len(set(paths)) == len(PAGES) + 1  # + the hidden root redirect
    assert json.dumps(sorted(paths)) == json.dumps(
        sorted(
            [
                "home",
                "overview",
                "platform",
                "compare",
                "revisions",
                "coverage",
                "actions",
                "ncmec",
                "dsa",
                "data",
                "sources",
                "methodology",
            ]
        )
    )


def test_a_warehouse_from_an_older_version_gives_a_message(fixture_db, tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(fixture_db.read_bytes())
    with duckdb.connect(str(db)) as con:
        con.execute("DROP VIEW revisions")
        con.execute("DROP TABLE metrics")
    for page in ("revisions", "compare", "platform"):
        at = open_page(db, page, monkeypatch)
        assert any("could not be read right now" in w.value for w in at.warning), page


def test_actions_filter_by_kind_of_authority_and_jurisdiction(fixture_db, monkeypatch):
    at = open_page(fixture_db, "actions", monkeypatch)
    rerun(at.multiselect(key="authority").set_value(["Court or tribunal"]))
    table = at.dataframe[0].value
    ((courts,),) = sql(
        fixture_db,
        "SELECT count(*) FROM actions a JOIN regulators r USING (regulator_id) WHERE r.kind = 'court'",
    )
    assert len(table) == courts > 10
    assert set(table.authority_kind) == {"Court or tribunal"}
    rerun(at.multiselect(key="jurisdiction").set_value(["BR"]))
    table = at.dataframe[0].value
    assert len(table) >= 1 and set(table.jurisdiction) == {"BR"}
    # a daily penalty is said as such, never as a plain sanction
    rerun(at.multiselect(key="authority").set_value([]))
    amounts = list(at.dataframe[0].value.amount)
    assert any(a.endswith("(per day)") for a in amounts)


# ---------------------------------------------------------------- shared rules (issue 15 follow-up)

# the palette's fixed colours (dashboard/charts.py), read without importing the app's modules
_CHARTS = runpy.run_path(str(REPO / "dashboard" / "charts.py"))["PLATFORM_COLOURS"]


def specs(at: AppTest) -> list[dict]:
    """Every chart's Vega-Lite spec as sent to the browser."""
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def colours_of(spec: dict) -> dict[str, str]:
    """Series -> colour of the first layer with a colour scale."""
    for lay in spec["layer"]:
        scale = lay.get("encoding", {}).get("color", {}).get("scale")
        if scale:
            return dict(zip(scale["domain"], scale["range"], strict=True))
    return {}


def test_dsa_charts_follow_the_palette_years_legend_and_offer_their_data(default_db, monkeypatch):
    at = open_page(default_db, "dsa", monkeypatch)
    counts, auto = specs(at)[:2]
    for spec in (counts, auto):
        colours = colours_of(spec)
        # TikTok in TikTok's pink, Google Play in Google's green, as on every other page
        assert colours["TikTok"] == _CHARTS["tiktok"]
        main = spec["layer"][0]["encoding"]
        assert "%Y" in main["x"]["axis"]["format"]  # years on every time axis
        assert main["color"]["legend"]["columns"] == {"expr": "width < 440 ? 1 : 2"}
    # two legends: platforms below the plot (wrapping), the dashes above it (never side by side)
    assert auto["layer"][0]["encoding"]["strokeDash"]["legend"]["orient"] == "top"
    assert set(charts(at)[1]["main"].measure) == {
        "detected by automated means",
        "decided fully automatically",
    }
    # the decision bars' legends fold on a narrow chart too
    for spec in specs(at)[2:4]:
        assert spec["layer"][0]["encoding"]["color"]["legend"]["columns"]["expr"]
    # each chart and table: CSV and Parquet of exactly the rows shown, with a citation
    csv = [b for b in at.get("download_button") if b.label == "Download CSV"]
    assert len(csv) >= len(specs(at)) + 1  # + the cross-check table
    cites = [c.value for c in at.code]
    assert any("European Commission" in c and "shantay" in c for c in cites)


def test_compare_names_a_second_source_by_its_publisher(default_db, monkeypatch):
    at = open_page(default_db, "compare", monkeypatch)
    rerun(at.selectbox(key="metric").select("cybertipline_reports_received"))
    keys = ["tiktok/tiktok@ncmec_reports_by_esp", "tiktok/tiktok@diaphanous_curated"]
    at = rerun(at.multiselect(key="series").set_value(keys))
    main = charts(at)[0]["main"]
    # TikTok from two sources: named by publisher, never by the source id; the URL keeps the ids
    assert sorted(main.series.unique()) == [
        "TikTok · NCMEC",
        "TikTok · Robert Grimm, apparebit/diaphanous",
    ]
    assert set(main.source_id) == {"ncmec_reports_by_esp", "diaphanous_curated"}
    assert sorted(at.multiselect(key="series").value) == sorted(keys)
    colours = colours_of(specs(at)[0])
    assert colours["TikTok · NCMEC"] == _CHARTS["tiktok"]  # one platform, its colour and a shade


def test_revisions_offer_each_table_and_chart_with_a_citation(default_db, monkeypatch):
    at = open_page(default_db, "revisions", monkeypatch)
    csv = [b for b in at.get("download_button") if b.label == "Download CSV"]
    assert len(csv) == 3  # per-release summary, largest changes, every restated value
    cites = [c.value for c in at.code]
    assert any("Meta" in c and "Community Standards Enforcement Report" in c for c in cites)
    summary = at.dataframe[0].value
    meta = summary[summary.source_id == "meta_cser"]
    assert (meta.values_restated > 0).any() and meta.largest_changes.notna().any()
    # the largest changes read with names, not warehouse ids, for an advocate
    text = "; ".join(meta.largest_changes)
    assert "Meta / Facebook · " in text and "meta/facebook" not in text and " → " in text
    most = meta.loc[meta.values_restated.idxmax()]
    escaped = re.sub(r"([-.])", r"\\\1", most.filename)  # as Markdown-escaped on the page
    assert f"Most: {escaped} (Meta, " in texts(at)


def test_platform_charts_show_no_value_above_the_data_in_the_marker_headroom(
    default_db, monkeypatch
):
    """The headroom for the regulator-action markers never reads as values: a share (0–1)
    axis shows no 1.2 or 1.6 above the largest value."""
    at = open_page(default_db, "platform", monkeypatch)
    checked = 0
    for spec, data in zip(specs(at), charts(at), strict=True):
        y = spec["layer"][0]["encoding"].get("y", {})
        if "domainMax" not in y.get("scale", {}):
            continue
        obs = data["obs"]
        top = float(obs[obs.is_current].value.max())
        assert y["scale"]["domainMax"] > top
        assert f"datum.value > {top!r} * 1.1" in y["axis"]["labelExpr"]
        checked += 1
    assert checked  # Meta (the default) has regulator actions on its charts
