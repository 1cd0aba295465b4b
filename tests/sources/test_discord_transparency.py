"""discord_transparency: every reference figure of the seven real files, the own fixtures (one
test per known data error), the release ZIP (and the ZIPs it must refuse), normalisation, fetch."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.conftest import FIXTURES, REPO, reference_figures, shared_file
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore
from transparency.harmonisation import registries
from transparency.harmonisation.normalise import KEY_COLUMNS, Context, normalise
from transparency.harmonisation.registries import match_key
from transparency.reading.records import ParseError, ParseResult

SOURCE = get_source("discord_transparency")
FIX = FIXTURES / "discord_transparency"
REG = registries.load()
sys.path.insert(0, str(FIX))
import make_zip  # noqa: E402  (the committed fixture builder)

# real file -> (records, warnings) as parsed
REAL = {
    "discord-2020-h2.csv": (12, 0),
    "discord-2021-h1.csv": (12, 0),
    "discord-2022-q1.csv": (8, 0),
    "discord-2022-q3.csv": (12, 2),
    "discord-2023-q1.csv": (232, 0),
    "discord-2023-q3.csv": (294, 2),
    "discord-2024-h1.csv": (364, 1),
}
# reference metric names that are not "Section | Column" -> harmonised metric of the NCMEC table
REF_METRICS = {
    "ncmec_media_reports": "cybertipline_media_reports",
    "ncmec_grooming_or_endangerment_escalations": "cybertipline_escalations",
}


def parse(path: Path) -> ParseResult:
    return parse_file(SOURCE, path)


def harmonised(rec, field: str) -> str | None:
    raw = rec.raw_metric_label if field == "metric" else rec.raw_policy_label
    return REG.label("discord_transparency", field, raw)


def observations(result: ParseResult, name: str) -> tuple[list[dict], list]:
    return normalise(
        result.records,
        REG,
        Context("discord_transparency", "platform", "0" * 64, date(2024, 1, 1), name),
    )


def assert_clean(result: ParseResult, name: str) -> list[dict]:
    """Every label maps, every platform/scope resolves, no two rows share a key."""
    rows, findings = observations(result, name)
    assert findings == [], [str(f) for f in findings]
    keys = [tuple(str(r[k]) for k in KEY_COLUMNS) for r in rows]
    dups = {k for k in keys if keys.count(k) > 1}
    assert not dups, dups
    assert {(r["platform"], r["service"]) for r in rows} == {("discord", "discord")}
    return rows


# ------------------------------------------------------------------ the real files


def _file_of(row: dict[str, str]) -> str | None:
    m = re.search(r"discord-\d{4}-[qh]\d\.csv", row["source_note"])
    return m[0] if m else None


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_file_every_reference_figure(name):
    result = parse(shared_file(f"real/platforms/discord/{name}"))
    records, warnings = REAL[name]
    assert (len(result.records), len(result.warnings)) == (records, warnings)
    assert {r.platform_label for r in result.records} == {"Discord"}
    refs = reference_figures(lambda r: r["platform"] == "Discord" and _file_of(r) == name)
    assert refs, f"no reference rows for {name}"
    unmatched = []
    for ref in refs:
        start, end = date.fromisoformat(ref["period_start"]), date.fromisoformat(ref["period_end"])
        want = float(ref["value"])
        hits = []
        for rec in result.records:
            if (rec.period_start, rec.period_end) != (start, end) or rec.platform_label != ref[
                "platform"
            ]:
                continue
            if ref["metric"] in REF_METRICS:
                ok = (
                    harmonised(rec, "metric") == REF_METRICS[ref["metric"]]
                    and harmonised(rec, "policy")
                    == "protection_of_minors.child_sexual_exploitation"
                )
            else:
                ok = (
                    match_key(rec.raw_metric_label) == match_key(ref["metric"])
                    and rec.raw_policy_label == ref["policy_area"]
                )
            if ok:
                hits.append(rec)
        value = [h.value * 100 if ref["unit"] == "percent" else h.value for h in hits]
        if len(hits) != 1 or value[0] != pytest.approx(want, abs=1e-9):
            unmatched.append(
                (
                    ref["metric"],
                    ref["policy_area"],
                    ref["period_start"],
                    want,
                    [(h.row_ref, h.value_text) for h in hits],
                )
            )
    assert not unmatched, unmatched
    assert_clean(result, name)


def test_real_known_values_by_line():
    """sources/discord.md section 6, plus the repaired and de-duplicated rows."""

    def at(name: str, line: int) -> dict[str, str]:
        recs = parse(shared_file(f"real/platforms/discord/{name}")).records
        return {
            r.raw_metric_label.split(" | ")[-1]: r.value_text
            for r in recs
            if r.row_ref == f"line {line}"
        }

    assert at("discord-2020-h2.csv", 2) == {"Media reports": "1,071", "Escalations": "15"}
    assert at("discord-2021-h1.csv", 7) == {
        "Media reports": "1,923",
        "Grooming or endangerment escalations": "24",
    }
    assert at("discord-2022-q1.csv", 6) == {
        "Media Reports": "10,641",
        "Grooming or Endangerment Escalations": "54",
    }
    assert at("discord-2022-q3.csv", 4) == {
        "Media Reports": "5,137",
        "Grooming or Endangerment Escalations": "26",
        "Total by month": "5,163",
    }
    assert at("discord-2022-q3.csv", 7) == {
        "Total by month": "14,366"
    }  # media + escalations, re-read
    assert at("discord-2023-q1.csv", 22) == {"Accounts Disabled": "54,835"}
    assert at("discord-2023-q1.csv", 44) == {
        "Media Reports": "20,001",
        "Grooming or Endangerment Escalations": "125",
        "Month Total": "20,126",
    }
    assert at("discord-2023-q1.csv", 49) == {
        "Servers Removed Proactive": "11,336",
        "Servers Removed Reactive": "1,334",
        "Total Servers Removed": "12,670",
    }
    assert at("discord-2023-q1.csv", 85) == {
        "Reports Received": "10,232",
        "Reports Actioned": "742",
        "% of Reports Actioned": "7.25%",
    }
    assert at("discord-2023-q3.csv", 44)["Month Total"] == "51,916"
    assert at("discord-2023-q3.csv", 23) == {
        "Accounts Disabled": "128,153"
    }  # Child Safety, shift repaired
    assert at("discord-2023-q3.csv", 36) == {
        "Accounts Disabled": "260,461"
    }  # Total:, shift repaired
    assert at("discord-2023-q3.csv", 85) == {"Reports Received": "484,927"}
    assert at("discord-2024-h1.csv", 23) == {"Accounts Disabled": "178,165"}
    assert at("discord-2024-h1.csv", 41) == {"Total Servers Removed": "7,462"}
    assert at("discord-2024-h1.csv", 77) == {"Reports": "1,035,166", "% of Reports": "3.51%"}
    assert at("discord-2024-h1.csv", 102) == {
        "Media Reports": "103,035",
        "Grooming or Endangerment Escalations": "609",
        "Total": "103,644",
    }
    assert at("discord-2024-h1.csv", 204) == {}  # the Norway row whose removal reconciles the total
    assert at("discord-2024-h1.csv", 206) == {"Requests": "4", "Complied": "3"}
    assert at("discord-2024-h1.csv", 216) == {"Requests": "539", "Complied": "314"}


def test_real_warnings_name_file_and_line():
    got = {
        name: [
            (w.file, w.row) for w in parse(shared_file(f"real/platforms/discord/{name}")).warnings
        ]
        for name in ("discord-2022-q3.csv", "discord-2023-q3.csv", "discord-2024-h1.csv")
    }
    assert got == {
        "discord-2022-q3.csv": [
            ("discord-2022-q3.csv", "line 6"),
            ("discord-2022-q3.csv", "line 7"),
        ],
        "discord-2023-q3.csv": [
            ("discord-2023-q3.csv", "line 22"),
            ("discord-2023-q3.csv", "line 73"),
        ],
        "discord-2024-h1.csv": [("discord-2024-h1.csv", "line 204")],
    }


def test_real_scopes_and_periods():
    recs = parse(shared_file("real/platforms/discord/discord-2024-h1.csv")).records
    rows = {(r.scope, r.raw_metric_label): r.value for r in recs}
    assert rows[("Brazil", "International Government Information Requests | Requests")] == 106
    assert (
        rows[("International", "International Government Information Requests | Requests")] == 545
    )
    assert rows[("United States", "US Gov Info Requests | Information Produced")] == 3_223
    assert rows[("global", "Preservation Requests | Requests")] == 3_235
    months = sorted({r.period_label for r in recs if r.raw_metric_label == "NCMEC | Media Reports"})
    assert months == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-H1"]
    q3 = parse(shared_file("real/platforms/discord/discord-2023-q3.csv")).records
    assert {
        r.scope
        for r in q3
        if r.raw_policy_label.startswith("Lithuania") or r.scope.startswith("Lithuania")
    } == {"Lithuania"}


# ------------------------------------------------------------------ own fixtures, one test per quirk


def by_line(result: ParseResult) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for r in result.records:
        out.setdefault(r.row_ref, {})[r.raw_metric_label] = r.value
    return out


def test_fixture_month_table_takes_year_from_file_name():
    result = parse(FIX / "discord-2020-h2-sample.csv")
    assert [(r.period_label, r.raw_metric_label, r.value) for r in result.records] == [
        ("2020-07", "NCMEC | Media reports", 1071),
        ("2020-07", "NCMEC | Escalations", 15),
        ("2020-08", "NCMEC | Media reports", 1062),
        ("2020-08", "NCMEC | Escalations", 22),
    ]
    assert result.warnings == []
    rows = assert_clean(result, "x")
    assert {r["metric"] for r in rows} == {"cybertipline_media_reports", "cybertipline_escalations"}


def test_month_table_titled_with_its_quarter_is_the_ncmec_table(tmp_path):
    """Discord's 2022 Q2 release (archived by apparebit/diaphanous as data/discord/
    discord-2022-q2.csv) titles its month table 'Q2 NCMEC Reports'; its published figures."""
    f = tmp_path / "discord-2022-q2.csv"
    f.write_text(
        "Q2 NCMEC Reports,,\nMonth,Media Reports,Grooming or Endangerment Escalations\n"
        'April,"9,224",31\nMay,"8,500",44\nJune,"3,701",29\n,"21,425",104\n'
    )
    result = parse(f)
    assert [(r.period_label, r.raw_metric_label, r.value) for r in result.records][:2] == [
        ("2022-04", "NCMEC | Media Reports", 9224),
        ("2022-04", "NCMEC | Grooming or Endangerment Escalations", 31),
    ]
    rows = assert_clean(result, f.name)
    got = {(r["period_label"], r["metric"]): r["value"] for r in rows}
    assert got["2022-06", "cybertipline_media_reports"] == 3_701
    assert got["2022-Q2", "cybertipline_media_reports"] == 21_425
    assert got["2022-Q2", "cybertipline_escalations"] == 104
    assert {r["policy_area"] for r in rows} == {"protection_of_minors.child_sexual_exploitation"}
    assert [w.row for w in result.warnings] == ["line 6"]  # the unlabelled totals row


def test_quirk_unlabelled_totals_row_and_total_row_holding_the_sum():
    result = parse(FIX / "discord-2022-q3-sample.csv")
    lines = by_line(result)
    assert lines["line 5"] == {
        "NCMEC | Media Reports": 9166,
        "NCMEC | Grooming or Endangerment Escalations": 37,
    }
    assert lines["line 6"] == {"NCMEC | Total by month": 9203}
    assert {r.period_label for r in result.records if r.row_ref in ("line 5", "line 6")} == {
        "2022-Q3"
    }
    assert [(w.file, w.row) for w in result.warnings] == [
        ("discord-2022-q3-sample.csv", "line 5"),
        ("discord-2022-q3-sample.csv", "line 6"),
    ]
    assert (
        "unlabelled row" in result.warnings[0].message
        and "media reports + escalations" in result.warnings[1].message
    )
    assert_clean(result, "x")


def test_quirk_months_outside_the_period_are_not_attributed():
    result = parse(FIX / "discord-2022-q4-sample.csv")
    assert {r.raw_metric_label.split(" | ")[0] for r in result.records} == {
        "Warns"
    }  # NCMEC rows dropped
    assert [w.row for w in result.warnings] == ["line 11", "line 12", "line 13", "line 15"]
    assert all(
        w.file == "discord-2022-q4-sample.csv" and "outside the file's period 2022-Q4" in w.message
        for w in result.warnings
    )


def test_quirk_shifted_section_is_repaired():
    result = parse(FIX / "discord-2023-q3-sample.csv")
    disabled = {
        (r.raw_policy_label, r.row_ref): r.value
        for r in result.records
        if r.raw_metric_label == "Accounts Disabled | Accounts Disabled"
    }
    assert disabled == {
        ("Child Safety", "line 13"): 128_153,
        ("Deceptive Practices", "line 14"): 11_885,
        ("Misinformation", "line 15"): 49,
        ("Total:", "line 17"): 140_087,
    }
    shift = [w for w in result.warnings if w.row == "line 12"]
    assert (
        len(shift) == 1
        and shift[0].file == "discord-2023-q3-sample.csv"
        and "shifted down one row" in shift[0].message
    )
    # the repaired values agree with the Appeals table of the same file
    appeals = {
        r.raw_policy_label: r.value
        for r in result.records
        if r.raw_metric_label == "Appeals | Accounts Disabled"
    }
    assert appeals == {
        "Child Safety": 128_153,
        "Deceptive Practices": 11_885,
        "Misinformation": 49,
        "Sum:": 140_087,
    }


def test_quirk_appeals_exceeding_accounts_kept_with_warning():
    result = parse(FIX / "discord-2023-q3-sample.csv")
    w = [w for w in result.warnings if w.row == "line 31"]
    assert len(w) == 1 and "596 appeals exceed the 49 accounts" in w[0].message
    assert by_line(result)["line 31"]["Appeals | Appeals"] == 596


def test_fixture_stacked_2023_values_and_trailing_space():
    result = parse(FIX / "discord-2023-q3-sample.csv")
    lines = by_line(result)
    assert lines["line 4"] == {
        "Warns | Individual Accounts Warned": 2599,
        "Warns | Servers Warned": 106,
        "Warns | Server Member Warnings": 98_498,
    }
    assert lines["line 5"] == {
        "Warns | Individual Accounts Warned": None,
        "Warns | Servers Warned": None,
        "Warns | Server Member Warnings": None,
    }  # "--"
    assert lines["line 29"]["Appeals | % Accounts Who Submitted an Appeal"] == pytest.approx(0.141)
    assert {r.scope for r in result.records if r.row_ref == "line 46"} == {"Lithuania"}
    assert len(result.records) == 50
    assert_clean(result, "x")


def test_quirk_duplicated_country_row_dropped_by_the_total():
    result = parse(FIX / "discord-2024-h1-sample.csv")
    norway = [
        (r.row_ref, r.raw_metric_label, r.value) for r in result.records if r.scope == "Norway"
    ]
    assert norway == [
        ("line 61", "Emergency Requests | Requests", 4),
        ("line 61", "Emergency Requests | Complied", 3),
    ]
    assert [(w.file, w.row) for w in result.warnings] == [("discord-2024-h1-sample.csv", "line 59")]
    assert "lists 'Norway' twice" in result.warnings[0].message
    assert_clean(result, "x")


def test_duplicate_that_no_choice_reconciles_drops_the_later_row(tmp_path):
    f = tmp_path / "discord-2024-h1.csv"
    f.write_text(
        "Emergency Requests,,\nCountry,Requests,Complied\nNorway,1,0\nNorway,4,3\n,,\nTotal,99,99\n"
    )
    result = parse(f)
    assert [r.value for r in result.records if r.scope == "Norway"] == [1, 0]
    assert any(
        "no choice reconciles the total" in w.message and w.row == "line 4" for w in result.warnings
    )


def test_quirk_text_in_a_numeric_cell_is_kept_as_text():
    result = parse(FIX / "discord-2023-q2-sample.csv")
    rec = next(
        r
        for r in result.records
        if r.row_ref == "line 5" and r.raw_metric_label.endswith("Proactive")
    )
    assert (rec.value, rec.value_text, rec.qualifier) == (None, "pending", "not_a_number")
    assert [(w.file, w.row) for w in result.warnings] == [("discord-2023-q2-sample.csv", "line 5")]


def test_fixture_2023_q2_shapes():
    result = parse(FIX / "discord-2023-q2-sample.csv")
    rows = assert_clean(result, "x")  # Online and In-App reports in one file do not collide
    reports = {
        (r["metric"], r["policy_area"]): r["value"]
        for r in rows
        if r["metric"].startswith("user_reports")
    }
    assert reports[("user_reports_web", "protection_of_minors.youth_safety")] == 22_677
    assert reports[("user_reports", "protection_of_minors.youth_safety")] == 461_018
    starred = [
        r
        for r in result.records
        if r.raw_metric_label.endswith("Information Produced")
        and r.raw_metric_label.startswith("United States")
    ]
    assert starred and all("printed as 'Information Produced*'" in r.note for r in starred)
    scopes = {r["raw_scope_label"]: r["scope"] for r in rows}
    assert (
        scopes["Czech Rebublic"] == "CZ" and scopes["Italy"] == "IT" and scopes["Hong Kong"] == "HK"
    )
    emergency = [
        r for r in rows if r["policy_area"] == "legal_requests.emergency" and r["scope"] == "global"
    ]
    assert sorted(r["value"] for r in emergency) == [83, 115]  # title with a line break still found


def test_fixture_2024_layout_and_renames_map_to_the_same_keys():
    r24 = assert_clean(parse(FIX / "discord-2024-h1-sample.csv"), "x")
    r23 = assert_clean(parse(FIX / "discord-2023-q3-sample.csv"), "y")

    def keys(rows):
        return {
            (r["policy_area"], r["metric"])
            for r in rows
            if r["policy_area"] == "protection_of_minors.youth_safety"
        }

    shared = keys(r24) & keys(r23)
    assert {
        ("protection_of_minors.youth_safety", m)
        for m in (
            "accounts_warned",
            "servers_warned",
            "server_member_warnings",
            "accounts_actioned",
            "appeal_base_accounts",
            "appeals_received",
            "appeal_rate",
            "appeals_granted",
            "appeals_granted_rate",
            "user_reports",
        )
    } <= shared
    v = {
        (r["metric"], r["period_label"]): r["value"]
        for r in r24
        if r["policy_area"] == "protection_of_minors.youth_safety"
    }
    assert (
        v[("accounts_warned", "2024-H1")] == 202_028
        and v[("appeal_base_accounts", "2024-H1")] == 346_482
    )
    assert v[("share_of_user_reports", "2024-H1")] == pytest.approx(0.0351)
    us = {(r["policy_area"], r["metric"]): r["value"] for r in r24 if r["scope"] == "US"}
    assert (
        us[("legal_requests.search_warrants", "requests_complied")] == 1495
    )  # unquoted 4-digit number
    assert us[("legal_requests.information", "requests_received")] == 3651


def test_shift_that_cannot_be_paired_is_read_as_printed(tmp_path):
    f = tmp_path / "discord-2023-q3.csv"
    f.write_text(
        "Accounts Disabled,\nAccounts Disabled Category,Accounts Disabled\nChild Safety,Accounts Disabled\n"
        'Deceptive Practices,"128,153"\n"Total:","128,153"\n,"9"\n,"10"\n'
    )
    result = parse(f)
    assert any("do not pair up" in w.message and w.row == "line 3" for w in result.warnings)


def test_total_not_the_sum_of_rows_is_published_with_warning(tmp_path):
    f = tmp_path / "discord-2023-q1.csv"
    f.write_text(
        "Servers Removed,,\n,,\nServers Removed Category,Total Servers Removed\nChild Safety,10\nSpam,5\n,,\nTotal:,16\n"
    )
    result = parse(f)
    assert [r.value for r in result.records] == [10, 5, 16]
    assert [(w.row, "add up to 15" in w.message) for w in result.warnings] == [("line 7", True)]


def test_unlabelled_row_in_a_category_table_is_dropped_with_warning(tmp_path):
    f = tmp_path / "discord-2023-q1.csv"
    f.write_text(
        "Accounts Disabled,\nAccounts Disabled Category,Accounts Disabled\nChild Safety,10\n,7\nTotal:,10\n"
    )
    result = parse(f)
    assert [r.value for r in result.records] == [10, 10]
    assert [(w.row, "no label" in w.message) for w in result.warnings] == [("line 4", True)]


# ------------------------------------------------------------------ the release ZIP


def test_zip_parses_like_the_csv_inside():
    from_zip = parse(FIX / "Discord-Transparency-Report-H1-2024-sample.zip")
    from_csv = parse(FIX / "discord-2024-h1-sample.csv")
    strip = [
        (r.raw_policy_label, r.raw_metric_label, r.scope, r.period_label, r.value_text, r.row_ref)
        for r in from_csv.records
    ]
    assert [
        (r.raw_policy_label, r.raw_metric_label, r.scope, r.period_label, r.value_text, r.row_ref)
        for r in from_zip.records
    ] == strip
    assert from_zip.warnings[0].file == (
        "Discord-Transparency-Report-H1-2024-sample.zip/Discord-Transparency-Report-H1-2024.csv"
    )


def test_committed_zip_is_what_the_script_builds():
    built = make_zip.release_zip((FIX / "discord-2024-h1-sample.csv").read_bytes())
    assert (FIX / "Discord-Transparency-Report-H1-2024-sample.zip").read_bytes() == built


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("traversal", "points outside the archive"),
        ("absolute", "points outside the archive"),
        ("symlink", "symbolic link"),
        ("bomb", "zip bomb"),
        ("no_csv", "holds no CSV"),
    ],
)
def test_hostile_zips_are_refused(tmp_path, kind, reason):
    f = tmp_path / "Discord-Transparency-Report-H1-2024.zip"
    f.write_bytes(make_zip.hostile_zip(kind))
    with pytest.raises(ParseError, match=reason):
        parse(f)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f.name]  # nothing extracted beside it


# ------------------------------------------------------------------ malformed input


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("discord-2024-h1.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file"),
        ("discord-2024-h1.csv", b"<html><body>Access denied</body></html>", "no table header row"),
        ("discord-2024-h1.csv", b"1,2,3\n4,5,6\n", "data before any header row"),
        ("report.csv", b"Month,Media Reports\nJuly,5\n", "cannot tell the report's period"),
        ("discord-2024-h1.csv", b"Country,Requests\nNorway,1\n", "no section title"),
        ("discord-2024-h1.zip", b"PK\x03\x04 truncated zip", "not a readable ZIP"),
    ],
)
def test_malformed_input_is_a_parse_error(tmp_path, name, content, reason):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(ParseError, match=reason):
        parse(f)


def test_cli_exit_2_with_one_line(tmp_path):
    bad = tmp_path / "discord-2024-h1.csv"
    bad.write_bytes(b"1,2,3\n")
    env = {"PYTHONPATH": f"{REPO / 'src'}:{REPO}", "PATH": "/usr/bin:/bin"}
    p = subprocess.run(
        [sys.executable, "-m", "transparency", "parse", "discord_transparency", str(bad)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert p.returncode == 2 and p.stdout == ""
    assert len(p.stderr.strip().splitlines()) == 1 and "discord-2024-h1.csv" in p.stderr
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "transparency",
            "parse",
            "discord_transparency",
            str(FIX / "Discord-Transparency-Report-H1-2024-sample.zip"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert ok.returncode == 0, ok.stderr
    rows = list(csv.DictReader(ok.stdout.splitlines()))
    assert len(rows) == 56
    cs = [
        r
        for r in rows
        if r["raw_policy_label"] == "Child Safety" and r["metric"] == "accounts_actioned"
    ]
    assert [(r["platform"], r["service"], r["value"], r["period_start"]) for r in cs] == [
        ("discord", "discord", "178165", "2024-01-01")
    ]


# ------------------------------------------------------------------ fetch (offline)


LANDING = "https://discord.com/safety-transparency-reports"
CDN = "https://cdn.discordapp.com/assets/transparency-reports/"


def client_for(handler) -> PoliteClient:
    return PoliteClient(
        allowed_hosts=SOURCE.decl.hosts,
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        policy=FetchPolicy(max_retries=0),
    )


def test_fetch_discovers_release_zips_from_the_landing_page(tmp_path):
    zip_bytes = (FIX / "Discord-Transparency-Report-H1-2024-sample.zip").read_bytes()
    period_page = f'<html><body><a href="{CDN}Discord-Transparency-Report-Q4-2023.zip">Download</a></body></html>'
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        seen.append(url)
        if url.endswith("/robots.txt"):
            return httpx.Response(404)
        if url == LANDING:
            return httpx.Response(
                200,
                text=(FIX / "landing-page.html").read_text(),
                headers={"Content-Type": "text/html"},
            )
        if url == LANDING + "/2023-q4":
            return httpx.Response(
                200, text=period_page, headers={"Content-Type": "text/html; charset=utf-8"}
            )
        if url.endswith("Discord-Transparency-Report-H1-2024.zip"):
            return httpx.Response(
                200, content=zip_bytes, headers={"Content-Type": "application/zip", "ETag": '"h1"'}
            )
        return httpx.Response(404)

    store = SnapshotStore(tmp_path / "store")
    with client_for(handler) as client:
        outcomes = SOURCE.fetch(client, store)
    by_url = {o.url: o.status for o in outcomes}
    assert by_url == {
        LANDING + "/2023-q3": "failed",  # a period page that is gone: reported, not fatal
        CDN + "Discord-Transparency-Report-H1-2024.zip": "new",
        CDN + "Discord-Transparency-Report-Q4-2023.zip": "failed",
    }
    assert not any("DSA" in u for u in seen)  # the DSA report ZIP belongs to another source
    snap = next(o.snapshot for o in outcomes if o.status == "new")
    assert (
        snap.filename == "Discord-Transparency-Report-H1-2024.zip"
        and snap.media_type == "application/zip"
    )
    result = parse_file(SOURCE, store.path_for(snap.sha256))
    assert len(result.records) == 56
    with client_for(handler) as client:  # second run: same bytes, nothing new
        again = {o.url: o.status for o in SOURCE.fetch(client, store)}
    assert again[CDN + "Discord-Transparency-Report-H1-2024.zip"] == "unchanged"


def test_fetch_falls_back_to_known_releases_when_the_hub_lists_none(tmp_path):
    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url == LANDING:
            return httpx.Response(
                200,
                text="<html><div id='app'></div><script src='/app.js'></script></html>",
                headers={"Content-Type": "text/html"},
            )
        if url.endswith(".zip"):
            return httpx.Response(
                200, text="<html>bot check</html>", headers={"Content-Type": "text/html"}
            )
        return httpx.Response(404)

    with client_for(handler) as client:
        outcomes = SOURCE.fetch(client, SnapshotStore(tmp_path / "store"))
    assert [o.url.rsplit("-", 2)[-2:] for o in outcomes] == [
        p.split("-")
        for p in (
            "Q1-2022.zip",
            "Q2-2022.zip",
            "Q3-2022.zip",
            "Q4-2022.zip",
            "Q1-2023.zip",
            "Q2-2023.zip",
            "Q3-2023.zip",
            "Q4-2023.zip",
            "H1-2024.zip",
        )
    ]
    assert all(o.status == "failed" and "expected application/zip" in o.message for o in outcomes)


def test_declaration():
    d = SOURCE.decl
    assert d.id == "discord_transparency" and d.platform == "discord" and d.publisher == "Discord"
    assert set(d.hosts) == {"discord.com", "cdn.discordapp.com"} and "zip" in d.formats
    assert any("{period}" in u for u in d.download_urls) and d.coverage.startswith("Covered:")


def test_build_with_the_fixtures_has_no_errors_and_no_unmapped_labels():
    from transparency.build.compose import build

    store = SnapshotStore()
    for f in sorted(FIX.glob("*-sample.*")):
        store.put_file(
            f,
            source_id="discord_transparency",
            url=f"{CDN}{f.name}",
            published_at="2024-10-01",
            retrieved_at="2024-10-02T00:00:00Z",
            method="manual",
        )
    report = build()
    mine = [
        f
        for f in report.findings
        if f.source_id == "discord_transparency" and f.file.endswith(("-sample.csv", "-sample.zip"))
    ]
    assert {f.check for f in mine} == {"parse_warning"}, [str(f) for f in mine]
    import duckdb

    with duckdb.connect(str(report.db), read_only=True) as con:
        got = con.execute("""
            SELECT o.value FROM observations o JOIN snapshots s ON s.sha256 = o.snapshot_sha256
            WHERE s.filename = 'Discord-Transparency-Report-H1-2024-sample.zip' AND o.metric = 'accounts_actioned'
              AND o.policy_area = 'protection_of_minors.youth_safety' AND o.service = 'discord'""").fetchall()
    assert got == [(178_165,)]


def test_label_without_values_and_text_only_row_do_not_open_tables(tmp_path):
    f = tmp_path / "discord-2023-q1.csv"
    f.write_text(
        "Accounts Disabled,,\n,,\nAccounts Disabled Category,Accounts Disabled,\nChild Safety,10,\n"
        "Identity and Authenticity,,\nMisinformation,pending,\n,,\nTotal:,10,\n"
    )
    result = parse(f)
    assert [(r.raw_policy_label, r.value_text) for r in result.records] == [
        ("Child Safety", "10"),
        ("Misinformation", "pending"),
        ("Total:", "10"),
    ]
    assert [(w.row, w.message.split(":")[0]) for w in result.warnings] == [
        ("line 5", "section 'Accounts Disabled'"),
        ("line 6", "'Accounts Disabled | Accounts Disabled' for 'Misinformation' 2023-Q1"),
    ]


def test_legal_request_totals_keep_their_total_label(tmp_path):
    """A legal-request table's Total row is printed 'Total': it keeps that label (under its
    section's name), not the section's name alone, and maps to the section's request type."""
    f = tmp_path / "discord-2024-h1.csv"
    f.write_text(  # made-up figures in the 2024 layout
        "US Gov Info Requests,,\nRequest Type,Requests,Information Produced\n"
        "Subpoenas,10,8\nSearch Warrants,5,4\n,,\nTotal,15,12\n,,\n"
        "Emergency Requests,,\nCountry,Requests,Complied\nNorway,2,1\nSweden,3,3\n,,\nTotal,5,4\n"
    )
    result = parse(f)
    totals = {
        (r.raw_policy_label, r.scope, r.raw_metric_label): r.value
        for r in result.records
        if r.raw_policy_label.endswith("/ Total")
    }
    assert totals == {
        ("US Gov Info Requests / Total", "United States", "US Gov Info Requests | Requests"): 15,
        (
            "US Gov Info Requests / Total",
            "United States",
            "US Gov Info Requests | Information Produced",
        ): 12,
        ("Emergency Requests / Total", "global", "Emergency Requests | Requests"): 5,
        ("Emergency Requests / Total", "global", "Emergency Requests | Complied"): 4,
    }
    reg = registries.load()
    assert reg.label(SOURCE.id, "policy", "US Gov Info Requests / Total") == (
        "legal_requests.information"
    )
    assert (
        reg.label(SOURCE.id, "policy", "Emergency Requests / Total") == "legal_requests.emergency"
    )


def test_real_legal_totals_are_one_series_across_releases():
    """The US information-request totals of 2023 Q3 ('United States Government Information
    Requests') and 2024 H1 ('US Gov Info Requests') are one harmonised series."""
    reg = registries.load()
    keys = set()
    for name in ("discord-2023-q3.csv", "discord-2024-h1.csv"):
        result = parse(shared_file(f"real/platforms/discord/{name}"))
        rows, _ = normalise(result.records, reg, Context(SOURCE.id, "platform", "x", None, name))
        keys |= {
            (r["policy_area"], r["metric"], r["scope"], r["raw_policy_label"])
            for r in rows
            if r["raw_policy_label"].endswith("Requests / Total")
            and "Info" in r["raw_policy_label"]
            and r["scope"] == "US"
        }
    assert {k[:3] for k in keys} == {
        ("legal_requests.information", "requests_received", "US"),
        ("legal_requests.information", "requests_complied", "US"),
    }
    assert len(keys) == 4  # two printed section names, one series each metric
