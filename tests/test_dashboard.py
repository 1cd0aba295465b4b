"""The dashboard, page by page, with Streamlit's AppTest: every page runs on the embedded default,
an empty and a missing warehouse, and on the fixture warehouse (tests/dashboard_fixture.py) each
page shows the published values it should. Widgets are picked by key."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO
from tests.dashboard_fixture import build_empty_warehouse, build_fixture_warehouse
from transparency import exports
from transparency.build import build
from transparency.store import SnapshotStore

APP = str(REPO / "dashboard" / "app.py")
PAGES = ["overview", "platform", "compare", "revisions", "coverage", "actions", "ncmec", "dsa",
         "downloads", "sources"]
META_URL = "https://transparency.fb.com/sr/community-standards/"


# ---------------------------------------------------------------- warehouses


@pytest.fixture(scope="module")
def default_db(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("default")
    return build(home / "warehouse.duckdb", store=SnapshotStore(home / "store"), force=True).db


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    return build_fixture_warehouse(tmp_path_factory.mktemp("fixture"))


@pytest.fixture(scope="module")
def restated_db(tmp_path_factory) -> Path:
    return build_fixture_warehouse(tmp_path_factory.mktemp("restated"), restated=True, sor=False)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory) -> Path:
    return build_empty_warehouse(tmp_path_factory.mktemp("empty") / "warehouse.duckdb")


TITLES = {"overview": "Platform accountability observatory", "platform": "Platform profile",
          "compare": "Compare platforms", "revisions": "Revisions",
          "coverage": "Reporting coverage and timeliness", "actions": "Regulator actions",
          "ncmec": "NCMEC cross-check", "dsa": "DSA statements of reasons",
          "downloads": "Data and downloads", "sources": "Sources"}


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
        out.append({ds.name: pa.ipc.open_stream(ds.data.data).read_all().to_pandas()
                    for ds in el.proto.datasets})
    return out


def texts(at: AppTest) -> str:
    parts = [*(m.value for m in at.markdown), *(c.value for c in at.caption),
             *(i.value for i in at.info), *(w.value for w in at.warning)]
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
    assert any("No warehouse at" in w.value and "transparency build" in w.value
               for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_fixture_warehouse(page, fixture_db, monkeypatch):
    at = open_page(fixture_db, page, monkeypatch)
    assert at.title


def test_a_file_that_is_not_a_warehouse_gives_a_message(tmp_path, monkeypatch):
    bad = tmp_path / "warehouse.duckdb"
    bad.write_bytes(b"this is not a duckdb file")
    at = open_page(bad, "overview", monkeypatch)
    assert any("cannot be opened" in w.value for w in at.warning)


def test_a_rebuild_in_progress_is_announced_and_the_old_warehouse_shown(default_db, tmp_path,
                                                                        monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(default_db.read_bytes())
    (tmp_path / ".warehouse.duckdb.building-4242").write_bytes(b"")
    at = open_page(db, "overview", monkeypatch)
    assert any("rebuild of the warehouse is in progress" in i.value for i in at.info)
    assert {m.label: m.value for m in at.metric}["Observations"] == "1,904"


# ---------------------------------------------------------------- overview


def test_overview_shows_counts_trend_actions_and_freshness(fixture_db, monkeypatch):
    at = open_page(fixture_db, "overview", monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Observations"] == "1,929"  # 1,904 Meta CSER + 25 fixture rows
    assert metrics["Newest release"] == "2026-05-13"
    trend = charts(at)[0]["main"]
    fb = trend[(trend.series == "Meta / Facebook · Child sexual exploitation")
               & (trend.period_label == "2021-Q2")]
    assert fb.raw_policy_label.tolist() == ["Child Endangerment: Sexual Exploitation"]
    assert fb.value.tolist() == [25_700_000]
    x = trend[trend.series == "X / Twitter · Child sexual exploitation"].set_index(
        "period_label").value
    assert x["2022-H1"] == 696_015
    newest = at.dataframe[1].value
    assert newest.iloc[0].regulator == "eSafety Commissioner"
    assert newest.iloc[0].amount == "AUD 650,000"  # [2026] FCA 629 civil penalty
    fresh = at.dataframe[2].value.set_index("source_id")
    assert fresh.loc["meta_cser", "status"] == "behind"
    assert "Accounts actioned" in texts(at) and "Unit: accounts" in texts(at)


# ---------------------------------------------------------------- platform profile


def test_x_profile_shows_esafety_infringement_notice_on_the_time_axis(fixture_db, monkeypatch):
    at = open_page(fixture_db, "platform", monkeypatch)
    rerun(at.selectbox(key="platform").select("x"))
    acts = at.dataframe[0].value
    notice = acts[acts.action == "Infringement notice"].iloc[0]
    assert str(notice.date)[:10] == "2023-10-03"
    assert notice.regulator == "eSafety Commissioner"
    assert notice.amount == "AUD 610,500"
    assert "A$16,500/day x 37 days" in notice.summary
    assert len(acts[acts.case_id == "esafety-x-bose-2023"]) == 6  # notice ... court penalty
    first = charts(at)[0]
    assert {"obs", "actions"} <= set(first)
    events = first["actions"]
    assert "eSafety Commissioner: Infringement notice" in set(events.label)
    assert str(events[events.label == "eSafety Commissioner: Infringement notice"].date.iloc[0]
               )[:10] == "2023-10-03"
    obs = first["obs"].set_index("period_label")
    assert obs.loc["2022-H1", "value"] == 696_015 and obs.loc["2018-H2", "value"] == 457_231
    assert [s.value for s in at.subheader][:1] == ["Accounts actioned"]
    assert "Accounts disabled, banned, suspended or removed" in texts(at)


def test_platform_profile_rings_restated_values_and_lists_vintages(restated_db, monkeypatch):
    at = open_page(restated_db, "platform", monkeypatch)
    assert at.selectbox(key="platform").value == "meta"
    obs = charts(at)[0]["obs"]
    ringed = obs[obs.restated]
    assert ringed[["series", "period_label", "value"]].values.tolist() == [
        ["Meta / Facebook · Child sexual exploitation", "2021-Q2", 25_800_000]]
    rerun(at.toggle(key="vintages").set_value(True))
    obs = charts(at)[0]["obs"]
    earlier = obs[~obs.is_current & (obs.series == "Meta / Facebook · Child sexual exploitation")]
    assert set(earlier.value) == {25_700_000}
    releases = at.dataframe[-1].value
    assert {str(v)[:10] for v in releases.vintage} >= {"2021-08-18", "2021-11-09"}


# ---------------------------------------------------------------- compare


def test_compare_two_services_draws_two_series_with_published_values(default_db, monkeypatch):
    at = open_page(default_db, "compare", monkeypatch)
    assert at.selectbox(key="metric").value == "content_actioned"
    assert at.selectbox(key="area").value == "protection_of_minors.child_sexual_exploitation"
    rerun(at.multiselect(key="series").set_value(["meta/facebook", "meta/instagram"]))
    (chart,) = charts(at)
    main = chart["main"]
    assert sorted(main.series.unique()) == ["Meta / Facebook", "Meta / Instagram"]
    q2 = main[main.period_label == "2021-Q2"].set_index("series").shown
    assert q2["Meta / Facebook"] == 25_700_000 and q2["Meta / Instagram"] == 1_400_000
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


def test_compare_per_million_eu_recipients_uses_dsa_amar(fixture_db, monkeypatch):
    at = open_page(fixture_db, "compare", monkeypatch)
    rerun(at.selectbox(key="area").select("protection_of_minors"))
    rerun(at.selectbox(key="scope").select("EU"))
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
    assert "16 of 16 actions match" in texts(at)
    rerun(at.multiselect(key="platform").set_value(["x"]))
    rerun(at.multiselect(key="type").set_value(["infringement_notice"]))
    table = at.dataframe[0].value
    assert len(table) == 1
    row = table.iloc[0]
    assert (row.amount, row.jurisdiction, str(row.date)[:10]) == ("AUD 610,500", "AU", "2023-10-03")
    assert row.amount_eur == round(610_500 * 0.603)  # the fixture's stated rate
    (case,) = at.expander
    assert "eSafety v X Corp" in case.label and "6 event(s)" in case.label
    events = case.dataframe[0].value
    assert list(events.action) == ["Transparency notice", "Infringement notice",
                                   "Court proceedings", "Court judgment", "Court judgment",
                                   "Court-ordered penalty"]
    rerun(at.multiselect(key="type").set_value([]))
    rerun(at.text_input(key="basis").input("DSA"))
    assert sorted(at.dataframe[0].value.action) == ["Formal proceedings opened",
                                                    "Non-compliance decision",
                                                    "Preliminary findings"]


def test_scraped_text_is_escaped_not_rendered(fixture_db, tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(fixture_db.read_bytes())
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE cases SET title = ? WHERE case_id = 'meity-csam-2023-x'",
                    ["<img src=x onerror=alert(1)> [click](javascript:alert(1))"])
    at = open_page(db, "actions", monkeypatch)
    label = next(e.label for e in at.expander if "img" in e.label)
    assert "\\<img" in label and "\\[click\\]\\(javascript" in label
    sources = (REPO / "dashboard").rglob("*.py")
    assert not [p for p in sources if re.search(r"unsafe_allow_html\s*=", p.read_text())]


# ---------------------------------------------------------------- coverage


def test_coverage_marks_reported_missing_and_overdue(fixture_db, monkeypatch):
    at = open_page(fixture_db, "coverage", monkeypatch)
    grid = charts(at)[0]["main"]
    cell = grid.set_index(["row", "period"]).status
    fb = "Meta / Facebook · Content actioned (meta_cser)"
    assert cell[fb, "2021-Q2"] == "reported"
    assert cell[fb, "2021-Q3"] == "overdue"  # due 2021-12-14, not in the warehouse
    ncmec = "X / Twitter · CyberTipline reports received by NCMEC (ncmec_reports_by_esp)"
    assert cell[ncmec, "2019"] == "reported" and cell[ncmec, "2020"] == "missing"
    stopped = at.dataframe[0].value.set_index("row")
    assert stopped.loc[fb, "last_reported"] == "2021-Q2"
    assert stopped.loc["X / Twitter · Accounts actioned (x_transparency)",
                       "first_overdue"] == "2022-H2"


# ---------------------------------------------------------------- revisions


def test_revisions_show_old_and_new_with_both_sources(restated_db, monkeypatch):
    at = open_page(restated_db, "revisions", monkeypatch)
    table = at.dataframe[0].value
    assert len(table) == 1
    r = table.iloc[0]
    assert (r.old_value, r.new_value) == (25_700_000, 25_800_000)
    assert (str(r.old_vintage)[:10], str(r.new_vintage)[:10]) == ("2021-08-18", "2021-11-09")
    assert r.old_url == META_URL and r.new_url == META_URL
    assert r.old_snapshot == "494c6ff5b1aec5fc6f510ef487d38b91d5e93e92947ca7c88e5a96daa6f17652"
    assert r.relative_change == pytest.approx(100_000 / 25_700_000)


def test_revisions_empty_state_says_why(default_db, monkeypatch):
    at = open_page(default_db, "revisions", monkeypatch)
    assert "holds 1 release(s) from 1 source(s)" in at.info[0].value


# ---------------------------------------------------------------- NCMEC


def test_ncmec_cross_check_self_reported_vs_received(fixture_db, monkeypatch):
    at = open_page(fixture_db, "ncmec", monkeypatch)
    table = at.dataframe[0].value.set_index(["series", "year"])
    snap = table.loc[("Snap / Snapchat", 2023)]
    assert (snap.self_reported, snap.ncmec_received) == (691_225, 713_055)
    assert snap.ratio == pytest.approx(691_225 / 713_055)
    assert snap.ncmec_source_url.endswith("2023-reports-by-esp.pdf")
    assert "Discord 2022 \\(0\\.34\\)" in texts(at)
    rerun(at.multiselect(key="platform").set_value(["snap"]))
    assert set(charts(at)[0]["main"].series) == {"Snap / Snapchat"}


# ---------------------------------------------------------------- DSA statements of reasons


def test_dsa_counts_shares_and_discontinuities(fixture_db, monkeypatch):
    at = open_page(fixture_db, "dsa", monkeypatch)
    counts, auto, vis = charts(at)
    # same configuration as the app's connection (DuckDB refuses two in one process otherwise)
    with duckdb.connect(str(fixture_db), read_only=True,
                        config={"python_enable_replacements": False}) as con:
        expect = dict(con.execute("""
            SELECT platform_name, sum(count) FROM sor_daily
            WHERE category = 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS' GROUP BY 1""").fetchall())
        csam = con.execute("""SELECT sum(count) FROM sor_daily WHERE platform_name = 'TikTok'
                              AND keyword LIKE '%KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL%'""").fetchone()[0]
        tiktok_auto = con.execute("""
            SELECT sum(count) FILTER (WHERE automated_detection = 'Yes') / sum(count)
            FROM sor_daily WHERE category = 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS'
              AND platform_name = 'TikTok'""").fetchone()[0]
    got = counts["main"].groupby("platform_name").statements.sum()
    assert got.to_dict() == {k: v for k, v in expect.items()}
    assert counts["disc"].label.tolist() == ["Schema v2: new categories and keywords"]
    assert str(counts["disc"].date.iloc[0])[:10] == "2025-07-01"
    tk = counts["main"][counts["main"].platform_name == "TikTok"]
    assert (tk.share_auto_detected * tk.statements).sum() / tk.statements.sum() == pytest.approx(
        tiktok_auto)
    assert set(vis["main"].decision) >= {"content removed", "content labelled"}
    rerun(at.radio(key="focus").set_value("csam"))
    got = charts(at)[0]["main"].groupby("platform_name").statements.sum()
    assert got["TikTok"] == csam
    rerun(at.radio(key="grain").set_value("day"))
    assert charts(at)[0]["main"].period.nunique() == 61  # 2025-06-01 ... 2025-07-31


# ---------------------------------------------------------------- downloads and sources


def test_downloads_offer_exactly_the_rows_shown_with_a_citation(default_db, monkeypatch):
    at = open_page(default_db, "downloads", monkeypatch)
    rerun(at.multiselect(key="metric").set_value(["content_actioned"]))
    rerun(at.multiselect(key="area").set_value(["protection_of_minors.child_sexual_exploitation"]))
    shown = at.dataframe[0].value
    # 2021Q2 is the first quarter with this policy; Meta printed N/A for the 14 quarters before
    assert len(shown) == 30 and sorted(shown.value.dropna()) == [1_400_000, 25_700_000]
    assert set(shown[shown.value.isna()].value_text) == {"N/A"}
    assert set(shown.source_url) == {META_URL}
    assert {b.label for b in at.get("download_button")} == {"Download CSV", "Download Parquet"}
    (cite,) = at.code
    assert "dataset 'observations_with_provenance'" in cite.value
    assert "metric=content_actioned" in cite.value and "30 rows" in cite.value
    assert "Meta, Community Standards Enforcement Report (CSV)" in cite.value
    back = pd.read_csv(io.BytesIO(exports.to_csv_bytes(shown)))
    assert back.value.fillna(-1).tolist() == shown.value.fillna(-1).tolist()
    assert list(back.columns) == list(shown.columns)


def test_downloads_switch_tables(fixture_db, monkeypatch):
    at = open_page(fixture_db, "downloads", monkeypatch)
    assert at.selectbox(key="table").options == [
        "Published numbers (observations, with provenance)", "Restated values (revisions)",
        "Regulator actions", "NCMEC cross-check",
        "DSA statements of reasons (daily aggregates)"]
    rerun(at.selectbox(key="table").select("actions"))
    assert len(at.dataframe[0].value) == 16
    rerun(at.selectbox(key="table").select("sor_daily"))
    shown = at.dataframe[0].value  # 2025-07-25 ... 2025-07-31: 7 days x 6 platforms x 24 rows
    assert len(shown) == 7 * 6 * 24 and str(shown.date.min())[:10] == "2025-07-25"
    assert "opens on its last 7 days" in texts(at)
    rerun(at.selectbox(key="table").select("revisions"))
    assert "empty in this warehouse" in at.info[0].value


def test_sources_page_lists_urls_licences_sha256_and_row_counts(default_db, monkeypatch):
    at = open_page(default_db, "sources", monkeypatch)
    src = at.dataframe[0].value.set_index("source_id")
    assert src.loc["meta_cser", "licence"].startswith("Public document (Meta Platforms, Inc.)")
    assert src.loc["meta_cser", "observations"] == 1904
    assert str(src.loc["meta_cser", "last_retrieved"])[:10] == "2021-08-19"
    snap = at.dataframe[1].value.iloc[0]
    assert snap.sha256 == "494c6ff5b1aec5fc6f510ef487d38b91d5e93e92947ca7c88e5a96daa6f17652"
    assert snap.url == META_URL and snap.observations == 1904
    tables = at.dataframe[2].value.set_index("table").rows
    assert tables["observations"] == 1904


# ---------------------------------------------------------------- exports module


def test_exports_round_trip_and_cite():
    df = pd.DataFrame({"platform": ["meta", "meta"], "value": [25_700_000.0, 1_400_000.0],
                       "period_start": pd.to_datetime(["2021-04-01", "2021-04-01"])})
    csv = exports.to_csv_bytes(df).decode()
    assert csv.splitlines() == ["platform,value,period_start", "meta,25700000.0,2021-04-01",
                                "meta,1400000.0,2021-04-01"]
    line = exports.citation([{"publisher": "Meta", "title": "CSER", "url": META_URL,
                              "licence": "public", "retrieved": "2021-08-19T00:00:00"}],
                            dataset="observations", filters={"platform": ["meta"], "x": None},
                            rows=2)
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
    assert json.dumps(sorted(paths)) == json.dumps(sorted(
        ["home", "overview", "platform", "compare", "revisions", "coverage", "actions", "ncmec",
         "dsa", "data", "sources"]))
    assert os.sep  # keep imports used


def test_a_warehouse_from_an_older_version_gives_a_message(fixture_db, tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(fixture_db.read_bytes())
    with duckdb.connect(str(db)) as con:
        con.execute("DROP VIEW revisions")
        con.execute("DROP TABLE metrics")
    for page in ("revisions", "compare", "platform"):
        at = open_page(db, page, monkeypatch)
        assert any("could not be read right now" in w.value for w in at.warning), page
