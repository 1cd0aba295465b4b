"""tiktok_cger: the real 2021 Q4 XLSX and 2022 Q4 CSV (values from sources/tiktok.md and
reference/platform_figures.csv), the own fixtures in all three layouts, errors, and fetch."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date

import httpx
import pytest

from tests.conftest import FIXTURES, REPO, reference_figures, shared_file
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.parsing import parse_file, parse_snapshot
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore
from transparency.harmonisation.normalise import Context, normalise
from transparency.harmonisation.registries import load
from transparency.reading.records import ParseError

SOURCE = get_source("tiktok_cger")
FIX = FIXTURES / "tiktok_cger"
XLSX = "real/platforms/tiktok/tiktok-cger-2021-q4.xlsx"
CSV = "real/platforms/tiktok/tiktok-cger-2022-q4.csv"
MINOR, CSE = "protection_of_minors.youth_safety", "protection_of_minors.child_sexual_exploitation"


def observations(path):
    result = parse_file(SOURCE, path)
    rows, findings = normalise(
        result.records, load(), Context("tiktok_cger", "platform", "x", date(2023, 1, 1), path.name)
    )
    return result, rows, findings


def by_key(rows, scope="global"):
    return {
        (r["policy_area"], r["metric"], r["period_start"], r["period_end"]): r
        for r in rows
        if r["scope"] == scope
    }


# ---------------------------------------------------------------- real files

# sources/tiktok.md section 6: line, Metric, Period, Issue Policy, raw metric label as parsed, value
CSV_KNOWN = [
    (596, "Jul-Sep 2020", "Minor safety", "Category share", 0.41),
    (607, "Oct-Dec 2022", "Minor safety", "Category share", 0.333),
    (608, "Oct-Dec 2022", "Minor safety", "Proactive removal rate", 0.985),
    (
        739,
        "Jul-Sep 2020",
        "Accounts suspected to be under the age of 13 removed",
        "Total accounts removed",
        920_793,
    ),
    (
        748,
        "Oct-Dec 2022",
        "Accounts suspected to be under the age of 13 removed",
        "Total accounts removed",
        17_877_316,
    ),
    (809, "Jul-Sep 2020", "all", "Total videos removed", 43_086_543),
    (901, "Oct-Dec 2022", "all", "Total accounts removed", 76_178_122),
    (909, "Oct-Dec 2022", "all", "Total videos removed", 85_680_819),
    (
        1008,
        "Jul-Sep 2022",
        "Sexual exploitation of minors",
        "Total videos removed (Community guidelines policy) | human moderation",
        792_473,
    ),
    (
        1009,
        "Oct-Dec 2022",
        "Sexual exploitation of minors",
        "Total videos removed (Community guidelines policy) | human moderation",
        415_278,
    ),
]

# sources/tiktok.md section 6: sheet!cell, policy label, metric label, period label, value
XLSX_KNOWN = [
    (
        "sheet 'Account removals'!B7",
        "Accounts suspected to be under the age of 13 removed",
        "Accounts suspected to be under the age of 13 removed",
        "2021-12-31",
        15_383_165,
    ),
    (
        "sheet 'Removal rates by policy'!B7",
        "Minor safety",
        "Proactive removal rate",
        "Oct-Dec 2021",
        0.982,
    ),
    (
        "sheet 'Video removals by policy'!G6",
        "Minor safety",
        "Video removals by policy",
        "2021-09-30",
        0.51,
    ),
    (
        "sheet 'Total removals and removal rate'!B2",
        "Total video removal",
        "Total video removal",
        "2020-09-30",
        43_086_543,
    ),  # dropped as a repeat of 'Historical video removals'!B2 (same value), see below
]

# reference/platform_figures.csv: TikTok metric names -> (policy_area, metric) in our registries
REF_KEYS = {
    "minor safety category share of total (original schema)": (MINOR, "share_of_removals"),
    "pieces (human moderation, original schema)": (CSE, "content_removed_human"),
}


def tiktok_reference_rows():
    return reference_figures(
        lambda r: (
            r["platform"] == "TikTok" and "community-guidelines-enforcement" in r["source_url"]
        )
    )


def check_reference(rows):
    """Every reference row whose period the file covers must match a parsed figure exactly; the
    rows outside the file's periods are returned (they belong to later releases)."""
    periods = {(r["period_start"], r["period_end"]) for r in rows}
    keyed = by_key(rows)
    unmatched, outside = [], []
    for ref in tiktok_reference_rows():
        start, end = date.fromisoformat(ref["period_start"]), date.fromisoformat(ref["period_end"])
        if (start, end) not in periods:
            outside.append((ref["metric"], ref["period_start"]))
            continue
        key = REF_KEYS.get(ref["metric"])
        hit = keyed.get((*key, start, end)) if key else None
        if (
            hit is None
            or hit["value"] != pytest.approx(float(ref["value"]), abs=1e-12)
            or hit["platform"] != "tiktok"
        ):
            unmatched.append(
                (ref["metric"], ref["period_start"], ref["value"], hit and hit["value"])
            )
    assert not unmatched, f"reference figures not found in the file: {unmatched}"
    check_reference.matched = len(tiktok_reference_rows()) - len(outside)  # type: ignore[attr-defined]
    return sorted(outside)


def test_real_2022q4_csv():
    path = shared_file(CSV)
    result, rows, findings = observations(path)
    recs = result.records
    assert len(recs) == 1030 and result.warnings == [] and findings == []
    assert len({r.period_label for r in recs}) == 11
    assert min(r.period_start for r in recs) == date(2020, 7, 1) and max(
        r.period_end for r in recs
    ) == date(2022, 12, 31)
    assert len({r.scope for r in recs}) == 79  # 'all' and 78 markets
    assert (
        len({r.raw_policy_label for r in recs}) == 40
        and len({r.raw_metric_label for r in recs}) == 23
    )
    by_line = {r.row_ref: r for r in recs}
    for line, period, policy, metric, value in CSV_KNOWN:
        r = by_line[f"line {line}"]
        assert (r.period_label, r.raw_policy_label, r.raw_metric_label, r.platform_label) == (
            period,
            policy,
            metric,
            "TikTok",
        )
        assert r.value == pytest.approx(value, abs=1e-12)
    assert by_line["line 909"].value_text == "85,680,819"
    # every reference figure in the file's periods (6 rows: 2022 Q1-Q4); the 2023 rows are later releases'
    outside = check_reference(rows)
    assert {p for _, p in outside} == {"2023-01-01", "2023-04-01", "2023-07-01", "2023-10-01"}
    assert len(outside) == 13 and check_reference.matched == 6  # type: ignore[attr-defined]
    # the half-year per-market rows and the 'Lao Peoples Democratic Republic' spelling are scoped
    us = [r for r in rows if r["scope"] == "US" and r["metric"] == "removal_rate"]
    assert len(us) == 1 and us[0]["value"] == 0.227 and us[0]["period_start"] == date(2022, 7, 1)
    assert {r["scope"] for r in rows if r["raw_scope_label"].startswith("Lao")} == {"LA"}


def test_real_2021q4_xlsx():
    path = shared_file(XLSX)
    result, rows, findings = observations(path)
    recs = result.records
    assert len(recs) == 141 and findings == []  # 147 cells, 6 printed twice
    assert min(r.period_start for r in recs) == date(2020, 7, 1) and max(
        r.period_end for r in recs
    ) == date(2021, 12, 31)
    by_ref = {r.row_ref: r for r in recs}
    for ref, policy, metric, period, value in XLSX_KNOWN[:3]:
        r = by_ref[ref]
        assert (r.raw_policy_label, r.raw_metric_label, r.period_label) == (policy, metric, period)
        assert r.value == pytest.approx(value, abs=1e-12)
    assert by_ref["sheet 'Removal rates by policy'!B7"].period_start == date(2021, 10, 1)
    ref, *_rest, total = XLSX_KNOWN[3]
    assert ref not in by_ref and by_ref["sheet 'Historical video removals'!B2"].value == total
    blanks = [w for w in result.warnings if "blank" in w.message]
    repeats = [w for w in result.warnings if "repeats" in w.message]
    assert [w.row for w in blanks] == ["sheet 'Account removals'!C2", "sheet 'Account removals'!C3"]
    assert (
        len(repeats) == 6
        and len(result.warnings) == 8
        and all("same value" in w.message for w in repeats)
    )
    assert check_reference(rows) == sorted(
        (r["metric"], r["period_start"]) for r in tiktok_reference_rows()
    )
    keyed = by_key(rows)
    assert (
        keyed[(MINOR, "share_of_removals", date(2021, 10, 1), date(2021, 12, 31))]["value"] == 0.451
    )


def test_xlsx_and_csv_agree_on_every_shared_figure():
    """The 2022 Q4 CSV restates the 2021 Q4 workbook's history: all 112 figures they share agree."""
    _, a, _ = observations(shared_file(XLSX))
    _, b, _ = observations(shared_file(CSV))
    ka, kb = by_key(a), by_key(b)
    common = set(ka) & set(kb)
    assert len(common) == 112
    assert [k for k in common if ka[k]["value"] != pytest.approx(kb[k]["value"], abs=1e-12)] == []


# ---------------------------------------------------------------- own fixtures


def test_fixture_xlsx_layouts_and_quirks():
    result, rows, findings = observations(FIX / "tiktok-cger-sample-2021q4.xlsx")
    assert len(result.records) == 30 and findings == []
    keyed = by_key(rows)
    q4 = (date(2021, 10, 1), date(2021, 12, 31))
    assert (
        keyed[("protection_of_minors.underage_accounts", "accounts_actioned", *q4)]["value"]
        == 15_383_165
    )
    assert (
        keyed[("all", "content_removed", date(2020, 7, 1), date(2020, 9, 30))]["value"]
        == 43_086_543
    )
    assert (
        keyed[("all", "content_removed_automated", *q4)]["value"] == 28_389_936
    )  # columns read by header
    assert keyed[(MINOR, "proactive_removal_rate", *q4)]["value"] == 0.982
    assert (
        keyed[("illegal_or_harmful_speech.hateful_conduct", "share_of_removals", *q4)][
            "raw_policy_label"
        ]
        == "Hateful behaviour"
    )
    blank = keyed[
        (
            "scams_and_fraud.fake_accounts",
            "accounts_actioned",
            date(2020, 10, 1),
            date(2020, 12, 31),
        )
    ]
    assert blank["value"] is None and blank["value_text"] == ""
    assert sorted(w.message.split(" ")[0] for w in result.warnings) == [
        "'Total",
        "'Total",
        "'Total",
    ]
    assert sum("repeats" in w.message for w in result.warnings) == 2


def test_fixture_csv_2022q4():
    result, rows, findings = observations(FIX / "tiktok-cger-sample-2022q4.csv")
    assert len(result.records) == 12 and result.warnings == [] and findings == []
    keyed = by_key(rows)
    q4 = (date(2022, 10, 1), date(2022, 12, 31))
    assert keyed[("all", "content_removed", *q4)]["value"] == 85_680_819
    assert keyed[("all", "content_removed_automated", *q4)]["value"] == 46_836_047
    assert (
        keyed[(CSE, "content_removed_human", date(2022, 7, 1), date(2022, 9, 30))]["value"]
        == 792_473
    )
    assert (
        keyed[(CSE, "share_of_parent_removals_human", date(2022, 7, 1), date(2022, 9, 30))]["value"]
        == 0.033
    )
    # one label at two policy levels: the level keeps the two figures apart
    vgc = "violence.violent_graphic_content"
    assert keyed[(vgc, "proactive_removal_rate", *q4)]["value"] == 0.969
    assert keyed[(vgc, "proactive_removal_rate_human", *q4)]["value"] == 0.969


def test_fixture_csv_mid_2023_header():
    result, rows, findings = observations(FIX / "tiktok-cger-sample-2024q2.csv")
    assert len(result.records) == 10 and result.warnings == []
    keyed = by_key(rows, scope="FI")
    q1 = (date(2024, 1, 1), date(2024, 3, 31))
    assert keyed[(MINOR, "removal_within_24h_rate", *q1)]["value"] == 0.795
    assert (
        keyed[("protection_of_minors.youth_exploitation_abuse", "removal_within_24h_rate", *q1)][
            "value"
        ]
        == 0.794
    )
    assert (
        keyed[
            ("protection_of_minors.youth_exploitation_abuse_ysw", "removal_within_24h_rate", *q1)
        ]["value"]
        == 0.773
    )
    g = by_key(rows)
    q3 = (date(2020, 7, 1), date(2020, 9, 30))
    assert (
        g[("protection_of_minors.underage_accounts", "accounts_actioned", *q3)]["value"] == 920_793
    )
    assert g[("all", "removal_rate_of_published", *q3)]["value"] == 0.006
    assert g[(MINOR, "share_of_removals", *q3)]["value"] == 0.41
    assert (
        by_key(rows, "ZA")[
            ("protection_of_minors.youth_exploitation_abuse_ysw", "share_of_parent_removals", *q1)
        ]["value"]
        == 0.219
    )
    # the view-bucket breakdown has its own metric
    assert findings == []
    fi = by_key(rows, "FI")
    assert fi[("all", "removal_share_views_1_10", *q1)]["value"] == 0.003


def test_every_label_of_the_2023q2_taxonomy_is_harmonised():
    """Each policy label TikTok prints from 2023Q2 and each view bucket has a harmonised key."""
    result, rows, findings = observations(FIX / "tiktok-cger-taxonomy-2024q2.csv")
    assert len(result.records) == 42 and result.warnings == [] and findings == []
    q2 = (date(2024, 4, 1), date(2024, 6, 30))
    areas = {
        r["raw_policy_label"]: r["policy_area"]
        for r in rows
        if r["metric"] == "proactive_removal_rate"
    }
    assert len(areas) == 37 and all(areas.values())
    assert areas["Youth Safety & Well-Being - Sexually Suggestive Content"] == (
        "protection_of_minors.youth_sexually_suggestive"
    )
    assert (
        areas["Safety & Civility - Harassment & Bullying"] == "cyber_violence.bullying_harassment"
    )
    assert (
        areas["Sexual Exploitation & Gender-Based Violence"] == "violence.sexual_exploitation_gbv"
    )
    assert areas["Misinformation"] == "civic_discourse.misinformation"
    assert areas["Privacy & Security - Personal Information"] == "data_protection"
    assert (
        areas["Mental & Behavioral Health - Suicide & Self-Harm"] == "self_harm.suicide_self_injury"
    )
    assert areas["Integrity & Authenticity"] == "other_violation_tc.integrity_authenticity"
    g = by_key(rows)
    assert (
        g[("other_violation_tc.safety_civility", "proactive_removal_rate", *q2)]["value"] == 0.901
    )
    assert g[("civic_discourse.misinformation", "proactive_removal_rate", *q2)]["value"] == 0.936
    buckets = {
        r["metric"]: r["value"] for r in rows if r["metric"].startswith("removal_share_views")
    }
    assert buckets == {
        "removal_share_views_0": 0.01,
        "removal_share_views_1_10": 0.02,
        "removal_share_views_1001_10000": 0.03,
        "removal_share_views_10001_100000": 0.04,
        "removal_share_views_100001_1000000": 0.05,
    }


# ---------------------------------------------------------------- errors


def test_wrong_header_is_a_parse_error(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("app,policy_area,metric,period,value\nFacebook,Spam,Content Actioned,2021Q2,1\n")
    with pytest.raises(ParseError, match=r"x.csv, line 1: not a TikTok CGER CSV"):
        parse_file(SOURCE, bad)


def test_bad_period_and_short_row_name_the_line(tmp_path):
    head = (
        "Metric,Period Type,Period,Policy Type,Issue Policy,Task Type,Task,Location,Market,Result\n"
    )
    bad = tmp_path / "p.csv"
    bad.write_text(
        head + "Category share,quarterly,Oct-Dex 2022,issue,Minor safety,all,all,all,all,0.3\n"
    )
    with pytest.raises(ParseError, match=r"p.csv, line 2: unknown period format"):
        parse_file(SOURCE, bad)
    short = tmp_path / "s.csv"
    short.write_text(head + "Category share,quarterly,Oct-Dec 2022,issue\n")
    with pytest.raises(ParseError, match=r"s.csv, line 2: expected 10 fields, found 4"):
        parse_file(SOURCE, short)


def test_period_type_mismatch_and_text_value_are_warnings(tmp_path):
    f = tmp_path / "w.csv"
    f.write_text(
        "Metric,Period Type,Period,Policy Type,Issue Policy,Task Type,Task,Location,Market,Result\n"
        "Category share,quarterly,Jul-Dec 2022,issue,Minor safety,all,all,all,all,n.a.x\n"
    )
    result = parse_file(SOURCE, f)
    assert len(result.records) == 1 and result.records[0].value is None
    assert [w.row for w in result.warnings] == ["line 2", "line 2"]


def test_broken_workbook_and_unknown_sheets_are_parse_errors(tmp_path):
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ParseError, match="not a readable XLSX workbook"):
        parse_file(SOURCE, broken)
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Something else", "x"])
    wb.active.append([1, 2])
    other = tmp_path / "o.xlsx"
    wb.save(other)
    with pytest.raises(ParseError, match="no sheet with a 'Date' header"):
        parse_file(SOURCE, other)


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "transparency", *args], capture_output=True, text=True, env=env
    )


def test_cli_parse_contract_and_exit_2(tmp_path):
    p = cli("parse", "tiktok_cger", str(FIX / "tiktok-cger-sample-2022q4.csv"))
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert len(rows) == 12
    hit = [r for r in rows if r["metric"] == "content_removed_human"]
    assert (
        hit[0]["value"] == "792473"
        and hit[0]["platform"] == "tiktok"
        and hit[0]["policy_area"] == CSE
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("nope\n")
    p = cli("parse", "tiktok_cger", str(bad))
    assert (
        p.returncode == 2
        and p.stdout == ""
        and len(p.stderr.strip().splitlines()) == 1
        and "bad.csv" in p.stderr
    )


# ---------------------------------------------------------------- fetch (offline)

INDEX = """<!doctype html><html><body><nav>
<a href="/transparency/en/community-guidelines-enforcement-2022-3/">July-September 2022</a>
<a href="https://www.tiktok.com/transparency/en/community-guidelines-enforcement-2022-4/">October-December 2022</a>
<a href="/transparency/en/government-removal-requests-2022-2/">Government removal requests</a>
</nav></body></html>"""
PAGE_ANCHOR = """<html><body><h1>Community Guidelines Enforcement Report</h1>
<a class="download" href="https://sf16-va.tiktokcdn.com/obj/eden-va2/uhsllj/ljhwZthlaukjlkulzlp/CGER_Q4_2022.csv">Download</a>
</body></html>"""
PAGE_SCRIPT = """<html><body><div id="root"></div><script id="__NEXT_DATA__" type="application/json">
{"props":{"report":{"downloadUrl":"https:\\u002F\\u002Fsf16-va.tiktokcdn.com\\u002Fobj\\u002Feden-va2\\u002Fx\\u002FCGER_Q4_2022.csv"}}}
</script></body></html>"""
CDN = "https://sf16-va.tiktokcdn.com/obj/eden-va2/uhsllj/ljhwZthlaukjlkulzlp/CGER_Q4_2022.csv"


def mock_client(page: str, data: bytes, data_type: str = "text/csv", seen: list | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        url = str(request.url)
        if url.endswith("/robots.txt"):
            return httpx.Response(404)
        if url == SOURCE.decl.homepage:
            return httpx.Response(
                200, text=INDEX, headers={"Content-Type": "text/html; charset=utf-8"}
            )
        if url.endswith("community-guidelines-enforcement-2022-4/"):
            return httpx.Response(200, text=page, headers={"Content-Type": "text/html"})
        if "tiktokcdn.com" in url:
            if request.headers.get("If-None-Match") == '"v1"':
                return httpx.Response(304)
            return httpx.Response(
                200, content=data, headers={"Content-Type": data_type, "ETag": '"v1"'}
            )
        return httpx.Response(404)

    return PoliteClient(
        allowed_hosts=SOURCE.decl.hosts,
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        policy=FetchPolicy(min_interval=0),
    )


@pytest.mark.parametrize("page", [PAGE_ANCHOR, PAGE_SCRIPT], ids=["anchor", "embedded-json"])
def test_fetch_discovers_the_newest_release_and_stores_it(page, tmp_path):
    store = SnapshotStore(tmp_path / "store")
    data = (FIX / "tiktok-cger-sample-2022q4.csv").read_bytes()
    seen: list = []
    with mock_client(page, data, seen=seen) as client:
        [out] = SOURCE.fetch(client, store)
        assert out.status == "new" and out.url.endswith("CGER_Q4_2022.csv")
        assert out.snapshot.filename == "tiktok-cger-2022-q4.csv"
        result, _, _ = parse_snapshot(SOURCE, out.snapshot, store)
        assert len(result.records) == 12
        [again] = SOURCE.fetch(client, store)  # conditional request: 304
        assert again.status == "unchanged"
    assert not any("2022-3" in str(r.url) for r in seen)  # only the newest release by default


def test_fetch_refuses_a_bot_wall_page(tmp_path):
    with mock_client(
        PAGE_ANCHOR, b"<html>verify you are human</html>", data_type="text/html"
    ) as client:
        [out] = SOURCE.fetch(client, SnapshotStore(tmp_path / "store"))
    assert out.status == "failed" and "expected" in out.message


def test_fetch_reports_a_page_without_download_link(tmp_path):
    with mock_client("<html><body>No data</body></html>", b"") as client:
        [out] = SOURCE.fetch(client, SnapshotStore(tmp_path / "store"))
    assert out.status == "failed" and "no data-file link" in out.message


def test_format_is_found_from_content_not_file_name(tmp_path):
    """A CDN file name may have no suffix: the workbook and the CSV are told apart by content."""
    for fixture, n in (
        ("tiktok-cger-sample-2021q4.xlsx", 30),
        ("tiktok-cger-sample-2022q4.csv", 12),
    ):
        target = tmp_path / fixture.split(".")[0]
        target.write_bytes((FIX / fixture).read_bytes())
        assert len(parse_file(SOURCE, target).records) == n


def test_2024_ban_reason_levels_and_2023_level_names(tmp_path):
    """Made-up rows in the 2024 layout: 'Ban reason - safety' stands beside 'Ban reason' with
    another figure for the same reason, so both are kept (the former under a label of its own,
    not harmonised); the 2023 level names ('Community guidelines heading', 'Issue policy',
    'Community guidelines rule') map as 'Policy' and 'Sub-policy' do."""
    f = tmp_path / "cger.csv"
    f.write_text(
        "\ufeffMetric,Period type,Period,Policy type,Issue,Task type,Task,Location,Market,Result\n"
        "Accounts removed,Quarterly,Jan-Mar 2024,Ban reason,Fake accounts removed,All,All,All,All,100.0\n"
        "Accounts removed,Quarterly,Jan-Mar 2024,Ban reason - safety,Fake accounts removed,All,All,All,All,7.0\n"
        "Category share,Quarterly,Apr-Jun 2023,Community guidelines heading,Youth Safety & Well-Being,All,All,All,All,0.3\n"
        "Proactive removal rate,Quarterly,Jul-Sep 2023,Issue policy,Youth Safety & Well-Being,All,All,All,All,0.9\n"
        "Category share,Quarterly,Apr-Jun 2023,Community guidelines rule,Animal Abuse,All,All,All,All,0.1\n",
        encoding="utf-8",
    )
    result, rows, findings = observations(f)
    assert result.warnings == [] and findings == []
    got = {(r["raw_metric_label"], r["policy_area"], r["metric"]): r["value"] for r in rows}
    assert got == {
        ("Accounts removed", "scams_and_fraud.fake_accounts", "accounts_actioned"): 100,
        ("Accounts removed (Ban reason - safety)", "scams_and_fraud.fake_accounts", None): 7,
        ("Category share (Community guidelines heading)", MINOR, "share_of_removals"): 0.3,
        ("Proactive removal rate (Issue policy)", MINOR, "proactive_removal_rate"): 0.9,
        (
            "Category share (Community guidelines rule)",
            "animal_welfare.animal_harm",
            "share_of_parent_removals",
        ): 0.1,
    }


@pytest.mark.parametrize(
    "name",
    [f"tiktok-cger-{y}-q{q}.xlsx" for y, q in [(2021, 3), (2022, 1), (2022, 2), (2022, 3)]]
    + [f"tiktok-cger-{y}-q{q}.csv" for y, q in [(2023, 1), (2023, 2), (2023, 3), (2023, 4)]]
    + ["tiktok-cger-2024-q1.csv", "tiktok-cger-2024-q2.csv"],
)
def test_real_later_releases_parse_with_every_label_mapped(name):
    result, rows, findings = observations(shared_file(f"real/platforms/tiktok/{name}"))
    assert [f.message for f in findings] == []
    assert rows and all(r["scope"] for r in rows)  # XLSX 'global' and CSV 'all': one scope
    assert {r["scope"] for r in rows if r["raw_scope_label"] in ("global", "all", "All")} == {
        "global"
    }
