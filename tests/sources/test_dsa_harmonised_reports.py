"""dsa_harmonised_reports: Snap's H2 2025 report (real CSVs and the own fixtures), vlop-dsa.json
(25 VLOPs/VLOSEs), every input form (CSV, folder, ZIP, XLSX), the quirks and the DQ checks."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from scrapers._dsa_harmonised.emit import OTHER_APART
from tests.conftest import FIXTURES, shared_file
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source
from transparency.harmonisation import registries
from transparency.harmonisation.normalise import Context, normalise
from transparency.reading.records import ParseError

SOURCE = get_source("dsa_harmonised_reports")
HERE = FIXTURES / "dsa_harmonised_reports"
SNAP = HERE / "snap_h2_2025_v2"
QUIRKS = HERE / "snap_quirks_V1"
REAL = "real/dsa/harmonised_reports_h2_2025"
AMAR = "AMAR | Number of average monthly active recipients during the reporting period"
H2_2025 = (date(2025, 7, 1), date(2025, 12, 31))

# Snap's AMAR per Member State, H2 2025 (10_AMAR.csv lines 3-29), and TOTAL (line 2).
SNAP_AMAR = {
    "AT": 2188589,
    "BE": 3592131,
    "BG": 1617339,
    "CY": 148609,
    "CZ": 1298965,
    "DE": 19845717,
    "DK": 2705111,
    "EE": 280034,
    "EL": 988014,
    "ES": 3642769,
    "FI": 1686843,
    "FR": 28565554,
    "HR": 673602,
    "HU": 1124161,
    "IE": 1991797,
    "IT": 3643080,
    "LT": 521984,
    "LU": 199107,
    "LV": 356377,
    "MT": 86597,
    "NL": 6844016,
    "PL": 5664399,
    "PT": 1056152,
    "RO": 2880213,
    "SE": 4483080,
    "SI": 468053,
    "SK": 601186,
}
SNAP_AMAR_TOTAL = 97153476
IDENT = "Report identification | "
NOTICES = "Notices (Article 16) | "
OWN_TC = "Own-initiative moderation (terms and conditions) | "
MEASURES = OWN_TC + "Number of measures taken at the provider's own initiative"
AUTOMATED_DETECTION = (
    OWN_TC + "Number of measures taken after detection with solely automated means"
)
COMPLAINTS = "Internal complaints mechanism | Number of complaints submitted to the internal-complaints mechanism"
ODS = "Out-of-court dispute settlement bodies | Number of disputes submitted to out-of-court dispute settlement bodies"
HR = "Human resources dedicated to content moderation | "
AUTO = "Use of automated means for content moderation | "


def parse(path: Path):
    return parse_file(SOURCE, Path(path))


def by_key(result, service: str | None = None) -> dict[tuple[str, str, str], float | None]:
    return {
        (r.scope, r.raw_policy_label, r.raw_metric_label): r.value
        for r in result.records
        if service is None or r.service_label == service
    }


def observations(result) -> list[dict]:
    rows, _ = normalise(
        result.records,
        registries.load(),
        Context(SOURCE.id, "platform", "0" * 64, date(2026, 4, 1), "test"),
    )
    return rows


def dq(result) -> list[str]:
    return [str(w) for w in result.warnings if w.message.startswith("DQ:")]


# ---------------------------------------------------------------- real files in ../shared


def test_snap_amar_csv_every_country_exact():
    result = parse(shared_file(f"{REAL}/snap_raw_csv_transcribed/10_AMAR.csv"))
    assert len(result.records) == 28
    got = {r.scope: r.value for r in result.records}
    assert got.pop("EU") == SNAP_AMAR_TOTAL
    assert got == SNAP_AMAR
    first = result.records[0]
    assert (first.row_ref, first.value_text, first.service_label) == ("line 2", "97153476", "Snap")
    assert {(r.period_start, r.period_end) for r in result.records} == {H2_2025}
    assert {r.raw_metric_label for r in result.records} == {AMAR}
    assert dq(result) == [
        "10_AMAR.csv, line 2: DQ: 27 Member State rows sum to 97,153,479, TOTAL says "
        f"97,153,476 (difference 3; {AMAR}; TOTAL; Snap)"
    ]
    obs = observations(result)
    assert {
        (o["platform"], o["service"], o["metric"], o["unit"], o["policy_area"]) for o in obs
    } == {("snap", "snapchat", "amar", "recipients", "all")}
    scopes = {o["scope"]: o["value"] for o in obs}
    assert scopes["EU"] == SNAP_AMAR_TOTAL and scopes["GR"] == 988014 and len(scopes) == 28


def test_snap_report_identification_real():
    result = parse(shared_file(f"{REAL}/snap_raw_csv_transcribed/1_report_identification.csv"))
    assert result.release_date == date(2026, 4, 1)
    got = {r.raw_metric_label: (r.value, r.value_text) for r in result.records}
    assert got == {
        IDENT + "Date of the publication of the report": (20260401, "2026-04-01 00:00:00"),
        IDENT + "Date of the publication of the latest previous report": (
            20260227,
            "2026-02-27 00:00:00",
        ),
        IDENT + "Starting date of reporting period": (20250701, "2025-07-01 00:00:00"),
        IDENT + "Ending date of reporting period": (20251231, "2025-12-31 00:00:00"),
    }
    assert {
        (r.platform_label, r.service_label, r.scope, r.period_start, r.period_end)
        for r in result.records
    } == {("Snap Inc.", "Snap", "EU", *H2_2025)}
    assert {o["metric"] for o in observations(result)} == {
        "dsa_report_published_on",
        "dsa_previous_report_published_on",
        "dsa_reporting_period_start",
        "dsa_reporting_period_end",
    }


def test_snap_real_folder_carries_the_provider_to_every_part():
    result = parse(shared_file(f"{REAL}/snap_raw_csv_transcribed"))
    assert len(result.records) == 32 and result.release_date == date(2026, 4, 1)
    assert {r.platform_label for r in result.records} == {"Snap Inc."}
    amar = [r for r in result.records if r.raw_metric_label == AMAR]
    assert len(amar) == 28 and amar[0].note == "published 2026-04-01; previous report 2026-02-27"


VLOP_AMAR = {
    "Instagram": 288737559,
    "Facebook": 262480454,
    "TikTok": 178300000,
    "X": 64767887,
    "Snapchat": 97153476,
    "Pinterest": 84626800,
    "Zalando": 35852803,
}
VLOP_MINORS_TC = {
    "TikTok": 85825447,
    "YouTube": 11164592,
    "Pinterest": 3006180,
    "Facebook": 1182154,
    "Instagram": 576939,
    "X": 151607,
    "Snapchat": 94414,
}
VLOP_NOTICES_MINORS = {"X": (67611, 70), "TikTok": (77123, 32), "Snapchat": (593, 152)}
VLOP_TC_TOTALS = {
    "Snapchat": (11279462, 8822094),
    "Google Shopping": (2172893605, 1914796057),
    "TikTok": (258691522, 220097575),
}


@pytest.fixture(scope="module")
def vlop():
    return parse(shared_file(f"{REAL}/vlop-dsa.json"))


def test_vlop_json_known_values(vlop):
    # 24,968 figures, plus 443 "Other" rows kept under their own provider code (issue 13)
    assert len(vlop.records) == 25411
    assert {(r.period_start, r.period_end) for r in vlop.records} == {H2_2025}
    main = {
        r.service_label
        for r in vlop.records
        if "(" not in r.service_label or "Multi" in r.service_label
    }
    assert (
        len(main) == 25 and {"Amazon Store", "Multi-Services (Google)", "Snapchat", "XNXX"} <= main
    )
    for service, value in VLOP_AMAR.items():
        assert by_key(vlop, service)[("EU", "TOTAL", AMAR)] == value, service
    for service, value in VLOP_MINORS_TC.items():
        assert (
            by_key(vlop, service)[("EU", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", MEASURES)]
            == value
        ), service
    for service, value in {"TikTok": 2604655, "Snapchat": 75052}.items():
        assert (
            by_key(vlop, service)[("EU", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", MEASURES)] == value
        )
    for service, (notices, tf) in VLOP_NOTICES_MINORS.items():
        k = by_key(vlop, service)
        assert (
            k[
                (
                    "EU",
                    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
                    NOTICES + "Number of notices received",
                )
            ]
            == notices
        )
        assert (
            k[
                (
                    "EU",
                    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
                    NOTICES + "Number of notices received from Trusted flaggers",
                )
            ]
            == tf
        )
    for service, (measures, automated) in VLOP_TC_TOTALS.items():
        k = by_key(vlop, service)
        assert (k[("EU", "TOTAL", MEASURES)], k[("EU", "TOTAL", AUTOMATED_DETECTION)]) == (
            measures,
            automated,
        )
    snap = by_key(vlop, "Snapchat")
    assert (
        snap[("EU", "TOTAL", HR + "Number of internal moderators employed by the provider")] == 56
    )
    assert (
        snap[("EU", "TOTAL", HR + "Number of external moderators contracted by the provider")]
        == 1374
    )
    assert snap[("EU", "TOTAL", COMPLAINTS)] == 130767
    assert snap[("EU", "TOTAL", COMPLAINTS + " | Decisions reversed")] == 15404
    assert snap[("EU", "TOTAL", ODS)] == 559
    assert snap[("EU", "TOTAL", ODS + " | Median time")] == 29  # Snap's median in days (see guide)
    assert by_key(vlop, "YouTube (Ads)")  # Google's sub-reports are services of their own


def test_vlop_json_normalises_without_duplicate_keys(vlop):
    obs = observations(vlop)
    keyed = [o for o in obs if o["platform"] and o["metric"] and o["policy_area"]]
    keys = [(o["platform"], o["service"], o["scope"], o["policy_area"], o["metric"]) for o in keyed]
    assert len(keys) == len(set(keys))
    amar = {(o["service"], o["scope"]): o["value"] for o in obs if o["metric"] == "amar"}
    assert amar[("instagram", "EU")] == 288737559 and amar[("tiktok", "EU")] == 178300000
    assert amar[("amazon_store", "EU")] > 0 and amar[("snapchat", "GR")] == 988014
    # kept under no template metric: repeated blocks, multi-country and non-template scopes,
    # medians of several 'Other' rows of one category
    assert sum(o["metric"] is None for o in obs) == 569 + 48
    assert sum(o["raw_metric_label"].endswith(OTHER_APART) for o in obs) == 48
    assert all(
        o["policy_area"].endswith(".other")
        for o in obs
        if o["raw_metric_label"].endswith(OTHER_APART)
        and o["raw_policy_label"] != "KEYWORD_OTHER #1"
        and o["raw_policy_label"] != "KEYWORD_OTHER #2"
    )
    other = {
        (o["service"], o["scope"], o["policy_area"]): o["value"]
        for o in obs
        if o["metric"] == "dsa_orders_to_provide_info"
        and (o["policy_area"] or "").endswith(".other")
    }
    # Apple's per-country 'Other' rows sit under the category printed for 'AT, […], SE' above them
    assert {k: v for k, v in other.items() if k[0] == "app_store" and k[1] != "EU"} == {
        ("app_store", "FR", "cyber_violence.other"): 1,
        ("app_store", "FR", "public_security.other"): 1,
        ("app_store", "FR", "scams_and_fraud.other"): 11,
        ("app_store", "FR", "violence.other"): 14,
        ("app_store", "DE", "public_security.other"): 3,
        ("app_store", "DE", "scams_and_fraud.other"): 34,
        ("app_store", "DE", "violence.other"): 2,
    }
    assert other[("booking", "ES", "unsafe_products.other")] == 23
    assert other[("temu", "DE", "unsafe_products.other")] == 8
    # Wikipedia's two 'Other' notice rows have no category above them: bare and unmapped
    bare = {o["raw_policy_label"] for o in obs if o["raw_policy_label"].startswith("KEYWORD_OTHER")}
    assert bare == {"KEYWORD_OTHER", "KEYWORD_OTHER #1", "KEYWORD_OTHER #2"}
    assert {o["service"] for o in obs if o["raw_policy_label"] in bare} == {"wikipedia"}
    assert any(
        str(w) == "vlop-dsa.json, t4[542]: DQ: KEYWORD_OTHER row of Wikipedia under no high-level "
        "category (scope EU); kept as printed, not harmonised"
        for w in vlop.warnings
    )
    assert len([w for w in vlop.warnings if w.message.startswith("DQ:")]) > 100


def test_own_fixture_equals_the_compiled_report(vlop):
    fixture = by_key(parse(SNAP))
    compiled = by_key(vlop, "Snapchat")
    figures = {k: v for k, v in fixture.items() if not k[2].startswith(IDENT)}
    assert len(figures) == 1327
    assert {k: compiled.get(k) for k in figures} == figures


# ---------------------------------------------------------------- own fixtures (fresh clone)


def check_snap_figures(result) -> None:
    k = by_key(result)
    assert k[("EU", "TOTAL", AMAR)] == SNAP_AMAR_TOTAL and k[("EL", "TOTAL", AMAR)] == 988014
    assert {s: k[(s, "TOTAL", AMAR)] for s in SNAP_AMAR} == SNAP_AMAR
    minors = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
    assert k[("EU", minors, NOTICES + "Number of notices received")] == 593
    assert k[("EU", minors, NOTICES + "Number of notices received from Trusted flaggers")] == 152
    assert k[("EU", minors, NOTICES + "Median time to take action")] == 205
    assert k[("EU", "TOTAL", NOTICES + "Number of notices received")] == 6564
    assert k[("EU", minors, MEASURES)] == 94414
    assert k[("EU", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", MEASURES)] == 75052
    assert k[("EU", "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS", MEASURES)] == 18807
    assert (k[("EU", "TOTAL", MEASURES)], k[("EU", "TOTAL", AUTOMATED_DETECTION)]) == (
        11279462,
        8822094,
    )
    assert (
        k[("EU", "TOTAL", COMPLAINTS)] == 130767
        and k[("EU", "TOTAL", COMPLAINTS + " | Decisions reversed")] == 15404
    )
    assert k[("EU", "TOTAL", ODS)] == 559
    assert k[("EU", "TOTAL", HR + "Number of internal moderators employed by the provider")] == 56
    assert (
        k[("EU", "TOTAL", HR + "Number of external moderators contracted by the provider")] == 1374
    )
    assert (
        k[("EU", "TOTAL", HR + "Number of total moderators with sufficient linguistic expertise")]
        == 1430
    )
    assert (
        k[
            (
                "lang:en",
                "TOTAL",
                HR + "Number of total moderators with sufficient linguistic expertise",
            )
        ]
        == 1123
    )
    assert (
        k[("EU", "TOTAL", AUTO + "Number of measures solely taken by automated means")] == 65966014
    )
    assert (
        k[("FR", "TOTAL", AUTO + "Number of measures solely taken by automated means")] == 34481444
    )
    assert (
        k[
            (
                "EU",
                "TOTAL",
                "Orders from Member States' authorities | Number of orders to provide information",
            )
        ]
        == 18400
    )
    # nine 'Other' rows under other violations of the T&C, summed (7,050,681 + 140,881 + ...)
    assert k[("EU", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC / KEYWORD_OTHER", MEASURES)] == 9413944
    assert result.release_date == date(2026, 4, 1)
    assert any(
        "DQ: 27 Member State rows sum to 97,153,479, TOTAL says 97,153,476" in w for w in dq(result)
    )
    assert any(
        "8_automated_means.csv line 3: DQ: 27 Member State rows sum to 3,243,827, TOTAL says 3,251,029"
        in w
        for w in dq(result)
    )


def test_fixture_folder():
    result = parse(SNAP)
    assert len(result.records) == 1331
    check_snap_figures(result)
    assert len(dq(result)) == 3  # the real mismatches (AMAR, part 8), plus the part 8 language note
    obs = observations(result)
    assert {(o["platform"], o["service"]) for o in obs} == {("snap", "snapchat")}
    assert all(o["policy_area"] for o in obs)
    # only the medians of several 'Other' rows of one category lack a metric (see next test)
    assert {o["raw_metric_label"] for o in obs if not o["metric"]} == {
        NOTICES + "Median time to take action" + OTHER_APART,
        NOTICES + "Median time to take action (Trusted Flagger notices)" + OTHER_APART,
    }
    minors = [
        o
        for o in obs
        if o["policy_area"] == "protection_of_minors.csam"
        and o["metric"] == "dsa_own_initiative_tc_measures"
    ]
    assert [o["value"] for o in minors] == [75052]
    median = [
        o
        for o in obs
        if o["metric"] == "median_time_to_action" and o["policy_area"] == "protection_of_minors"
    ]
    assert [(o["value"], o["unit"]) for o in median] == [(205, "hours")]


def test_several_other_rows_of_one_category_take_its_other_policy_area():
    """Snap's part 4 has two "Other" rows under each of three categories (lines 18-19, 53-54,
    62-63). Their counts are summed; their medians stay apart as '#1', '#2' under the category's
    'Other' policy area, as a single 'Other' row's figures are, but with no metric: neither row's
    median is the category's, and one observation key cannot hold two values."""
    result = parse(SNAP)
    obs, findings = normalise(
        result.records,
        registries.load(),
        Context(SOURCE.id, "platform", "0" * 64, date(2026, 4, 1), "test"),
    )
    apart = {
        (o["raw_policy_label"], o["raw_metric_label"].removesuffix(OTHER_APART)): (
            o["policy_area"],
            o["metric"],
            o["unit"],
            o["value"],
            o["row_ref"],
        )
        for o in obs
        if "KEYWORD_OTHER #" in o["raw_policy_label"]
    }
    median, tf = (
        NOTICES + "Median time to take action",
        NOTICES + "Median time to take action (Trusted Flagger notices)",
    )
    cv, ps, sf = (
        "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    )
    # (category, policy area, line of #1, its median and trusted-flagger median, same for #2)
    expected = [
        (cv, "cyber_violence.other", 18, (578, 4), 19, (38, 6)),
        (ps, "public_security.other", 53, (620, 3), 54, (61, 0)),
        (sf, "scams_and_fraud.other", 62, (47, 0), 63, (73, 0)),
    ]
    assert apart == {
        (f"{cat} / KEYWORD_OTHER #{k}", indicator): (
            area,
            None,
            None,
            v,
            f"4_notices.csv line {line}",
        )
        for cat, area, *rows in expected
        for k, (line, values) in enumerate(zip(rows[::2], rows[1::2], strict=True), start=1)
        for indicator, v in zip((median, tf), values, strict=True)
    }
    assert len(apart) == 12
    # the same policy area as the category's summed "Other" counts (557 + 96, 104 + 918, 29 + 559)
    summed = {
        o["raw_policy_label"]: (o["policy_area"], o["value"], o["value_text"])
        for o in obs
        if o["metric"] == "notices_received"
        and o["raw_policy_label"].endswith("/ KEYWORD_OTHER")
        and o["raw_policy_label"].split(" / ")[0] in (cv, ps, sf)
    }
    assert summed == {
        f"{cv} / KEYWORD_OTHER": ("cyber_violence.other", 653, "557 + 96"),
        f"{ps} / KEYWORD_OTHER": ("public_security.other", 1022, "104 + 918"),
        f"{sf} / KEYWORD_OTHER": ("scams_and_fraud.other", 588, "29 + 559"),
    }
    # a single "Other" row keeps its median under its metric (line 31, data protection)
    single = [
        (o["policy_area"], o["metric"], o["value"])
        for o in obs
        if o["row_ref"] == "4_notices.csv line 31" and o["raw_metric_label"] == median
    ]
    assert single == [("data_protection.other", "median_time_to_action", 36)]
    # every row stays distinct on the warehouse key, and nothing about them is reported unmapped
    keys = [
        (o["scope"], o["policy_area"], o["metric"]) for o in obs if o["policy_area"] and o["metric"]
    ]
    assert len(keys) == len(set(keys))
    assert not [f for f in findings if "KEYWORD_OTHER" in f.message or OTHER_APART in f.message]


WIDE3 = (SNAP / "3_member_states_orders.csv").read_text(encoding="utf-8").splitlines()[0]


def _part3(tmp_path: Path, rows: list[tuple[str, str, int]]) -> Path:
    """A made-up part 3 of one service: (category, scope, orders to provide information)."""
    lines = [WIDE3] + [
        f'All,Shop,2025-07-01/2025-12-31,{cat},,"{scope}",0,0,,,{n},,,,,,,,,'
        for cat, scope, n in rows
    ]
    target = tmp_path / "3_member_states_orders.csv"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def test_keyword_other_per_country_sits_under_the_category_row_above(tmp_path):
    """As Temu, Booking and Apple print part 3: each category once for all Member States
    ('AT, […], SE'), then its "Other" rows per country with no category row of their own."""
    orders = "Orders from Member States' authorities | Number of orders to provide information"
    result = parse(
        _part3(
            tmp_path,
            [
                ("TOTAL", "TOTAL", 40),
                ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "AT, […], SE", 12),
                ("KEYWORD_OTHER", "FR", 11),
                ("KEYWORD_OTHER", "DE", 1),
                ("STATEMENT_CATEGORY_VIOLENCE", "AT, […], SE", 28),
                ("KEYWORD_OTHER", "FR", 14),
                ("KEYWORD_OTHER", "DE", 14),
            ],
        )
    )
    got = {
        (r.scope, r.raw_policy_label): (r.value, r.row_ref)
        for r in result.records
        if r.raw_metric_label == orders and "KEYWORD_OTHER" in r.raw_policy_label
    }
    assert got == {
        ("FR", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD / KEYWORD_OTHER"): (
            11,
            "line 4",
        ),
        ("DE", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD / KEYWORD_OTHER"): (
            1,
            "line 5",
        ),
        ("FR", "STATEMENT_CATEGORY_VIOLENCE / KEYWORD_OTHER"): (
            14,
            "line 7",
        ),
        ("DE", "STATEMENT_CATEGORY_VIOLENCE / KEYWORD_OTHER"): (
            14,
            "line 8",
        ),
    }  # before: one bare 'KEYWORD_OTHER' per country, 11 + 14 and 1 + 14 summed across categories
    obs = {
        (o["scope"], o["policy_area"]): o["value"]
        for o in observations(result)
        if o["metric"] == "dsa_orders_to_provide_info"
    }
    assert (obs[("FR", "scams_and_fraud.other")], obs[("DE", "violence.other")]) == (11, 14)
    assert (
        "3_member_states_orders.csv, line 4: DQ: KEYWORD_OTHER rows of Shop with no category row "
        "at their own scope (first: scope FR) read under the category row above them "
        "(STATEMENT_CATEGORY_SCAMS_AND_FRAUD)"
    ) in dq(result)


def test_keyword_other_under_no_category_is_kept_unmapped_and_named(tmp_path):
    """As Wikipedia's part 4 in vlop-dsa.json: "Other" rows with no category row above them (a
    TOTAL row ends any category block) stay bare, unmapped, and a warning names file and row."""
    result = parse(
        _part3(
            tmp_path,
            [
                ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "AT, […], SE", 12),
                ("TOTAL", "FR", 25),
                ("KEYWORD_OTHER", "FR", 11),
            ],
        )
    )
    bare = [r for r in result.records if r.raw_policy_label == "KEYWORD_OTHER"]
    assert {(r.scope, r.value, r.row_ref) for r in bare if r.value} == {("FR", 11, "line 4")}
    assert (
        "3_member_states_orders.csv, line 4: DQ: KEYWORD_OTHER row of Shop under no high-level "
        "category (scope FR); kept as printed, not harmonised"
    ) in dq(result)
    _, findings = normalise(
        result.records,
        registries.load(),
        Context(SOURCE.id, "platform", "0" * 64, date(2026, 4, 1), "3_member_states_orders.csv"),
    )
    assert [(f.file, f.row, f.message) for f in findings if "KEYWORD_OTHER" in f.message] == [
        (
            "3_member_states_orders.csv",
            "line 4",
            "policy label 'KEYWORD_OTHER' has no harmonised mapping: add a row to "
            "data/labels/dsa_harmonised_reports.csv",
        )
    ]


@pytest.mark.parametrize(
    ("name", "printed", "expected"),
    [
        (
            "XNXX_10_AMAR.csv",
            "XNXX.COM",
            {"EU": 41862390, "AT": 702318, "GR": 1437906, "SE": 986450},
        ),
        ("XVIDEOS_10_AMAR.csv", "XVIDEOS.COM", {"EU": 118540271, "DE": 24911604, "FR": 19370528}),
    ],
)
def test_service_printed_as_a_web_domain(name, printed, expected):
    """XNXX and XVideos name their service 'XNXX.COM', 'XVIDEOS.COM' (made-up figures)."""
    result = parse(HERE / "domain_service_names" / name)
    assert {r.service_label for r in result.records} == {printed}
    obs = observations(result)
    platform, service = {"XNXX.COM": ("nkl", "xnxx"), "XVIDEOS.COM": ("webgroup_czech", "xvideos")}[
        printed
    ]
    assert {(o["platform"], o["service"], o["metric"], o["policy_area"]) for o in obs} == {
        (platform, service, "amar", "all")
    }
    assert {o["scope"]: o["value"] for o in obs} == expected
    assert obs[0]["row_ref"] == "line 2" and obs[0]["raw_platform_label"] == printed


def test_google_sub_report_per_surface_is_a_service_of_its_own():
    """Google's '…_Ads.csv' parts print the same Service as the main report: the surface in the
    file name keeps their figures apart (``Google Maps (Ads)``), as vlop-dsa.json does."""
    folder = HERE / "google_surfaces"
    both = observations(parse(folder))
    got = {(o["service"], o["metric"]): o["value"] for o in both}
    assert got == {
        ("google_maps", "dsa_automated_measures"): 11_200_400,
        ("google_maps", "dsa_non_automated_measures"): 905_300,
        ("google_maps_ads", "dsa_automated_measures"): 2_700_500,
        ("google_maps_ads", "dsa_non_automated_measures"): 950_100,
    }
    alone = parse(folder / "8_automated_means_Ads.csv")
    assert {r.service_label for r in alone.records} == {"Google Maps (Ads)"}
    assert {o["service"] for o in observations(alone)} == {"google_maps_ads"}


def zip_of(folder: Path, target: Path, inner: str = "Snap_DSA_TR_H2_2025_V2") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"{inner}/{f.name}")
    return target


def test_fixture_zip_equals_folder(tmp_path):
    result = parse(zip_of(SNAP, tmp_path / "snap.zip"))
    assert by_key(result) == by_key(parse(SNAP))
    check_snap_figures(result)
    assert result.records[-1].row_ref.startswith("Snap_DSA_TR_H2_2025_V2/")
    assert "report V2" in result.records[-1].note


def test_fixture_xlsx_equals_folder(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for f in sorted(SNAP.iterdir()):
        sheet = book.create_sheet(f.stem[:31])
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                sheet.append([int(c) if c.isdigit() else c for c in row])
    book.save(tmp_path / "Snap_DSA_TR_H2_2025_V2.xlsx")
    result = parse(tmp_path / "Snap_DSA_TR_H2_2025_V2.xlsx")
    assert by_key(result) == by_key(parse(SNAP))
    assert result.records[-1].row_ref.startswith("sheet '")


def test_single_part_through_the_cli_contract(tmp_path):
    from tests.test_cli import CONTRACT, run

    p = run("parse", "dsa_harmonised_reports", str(SNAP / "10_AMAR.csv"))
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == CONTRACT and len(lines) == 29
    assert (
        lines[1]
        == f"snap,snapchat,EU,2025-07-01,2025-12-31,all,amar,97153476,recipients,TOTAL,{AMAR}"
    )
    assert (
        f"snap,snapchat,GR,2025-07-01,2025-12-31,all,amar,988014,recipients,TOTAL,{AMAR}" in lines
    )
    assert "DQ: 27 Member State rows sum to 97,153,479" in p.stderr
    folder = run("parse", "dsa_harmonised_reports", str(SNAP))
    assert folder.returncode == 0 and len(folder.stdout.splitlines()) == 1332
    zipped = run("parse", "dsa_harmonised_reports", str(zip_of(SNAP, tmp_path / "r.zip")))
    assert zipped.returncode == 0 and zipped.stdout == folder.stdout
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b,c\n1,2,3\n")
    p = run("parse", "dsa_harmonised_reports", str(bad))
    assert p.returncode == 2 and p.stdout == "" and len(p.stderr.strip().splitlines()) == 1
    assert "notes.csv" in p.stderr and "no table of the DSA Annex I template" in p.stderr


def test_quirks_are_read_and_reported():
    result = parse(QUIRKS)
    k = by_key(result)
    assert result.release_date == date(2026, 2, 27)
    assert k[("EU", "TOTAL", IDENT + "Date of the publication of the report")] == 20260227
    assert k[("EU", "TOTAL", AMAR)] == SNAP_AMAR_TOTAL  # printed 97.153.476
    assert (k[("AT", "TOTAL", AMAR)], k[("ES", "TOTAL", AMAR)], k[("EL", "TOTAL", AMAR)]) == (
        2188589,
        3642769,
        988014,
    )
    assert (
        k[("DE, FR", "TOTAL", AMAR + " | scope: DE, FR")] == 48411271
    )  # kept, under no template metric
    cv = "STATEMENT_CATEGORY_CYBER_VIOLENCE"
    assert k[("EU", cv, NOTICES + "Number of notices received")] == 1656
    assert (
        k[("EU", cv + " / KEYWORD_OTHER", NOTICES + "Number of notices received")] == 653
    )  # 557 + 96
    other_median = NOTICES + "Median time to take action" + OTHER_APART
    assert k[("EU", cv + " / KEYWORD_OTHER #1", other_median)] == 578
    assert k[("EU", cv + " / KEYWORD_OTHER #2", other_median)] == 38
    assert (
        k[
            (
                "EU",
                "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
                NOTICES + "Number of notices received",
            )
        ]
        == 2
    )
    assert (
        k[("EU", "KEYWORD_UNSAFE_CHALLENGES", NOTICES + "Median time to take action")] == 120
    )  # '5 days'
    assert k[("EU", "TOTAL", COMPLAINTS)] == 130767  # from the German part 7
    assert k[("EU", "TOTAL", COMPLAINTS + " | Decisions upheld")] == 115352
    assert k[("EU", "TOTAL", ODS + " | Median time")] == 29
    assert (
        k[
            (
                "EU",
                "TOTAL",
                AUTO + "Number of measures solely taken by automated means | Own-initiative",
            )
        ]
        == 65966014
    )
    assert k[("EU", "TOTAL", AUTO + "Accuracy of the automated means - Accuracy")] == 1.0  # 100%
    assert (
        k[("EU", "TOTAL", AUTO + "Accuracy of the automated means - Precision | Own-initiative")]
        == 0.99
    )
    expertise = HR + "Number of total moderators with sufficient linguistic expertise"
    assert (
        k[("EU", "TOTAL", expertise)],
        k[("lang:de", "TOTAL", expertise)],
        k[("lang:en", "TOTAL", expertise)],
        k[("lang:fr", "TOTAL", expertise)],
    ) == (1430, 89, 1123, 253)
    assert (
        k[("EU", "TOTAL", HR + "Number of external moderators contracted by the provider")] == 1374
    )
    assert len(result.records) == 165
    assert all("report V1" in r.note for r in result.records)
    messages = [str(w) for w in result.warnings]
    expected = [
        "4_notices.csv line 8: DQ: sub-categories of STATEMENT_CATEGORY_CYBER_VIOLENCE sum to 1,666, the "
        "category row says 1,656 (difference 10",
        "10_AMAR.csv line 5: DQ: 'SP' is not an ISO code; read as ES",
        "10_AMAR.csv line 3: DQ: lower-case 'at' read as AT",
        "4_notices.csv line 5: DQ: code 'CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE' read as",
        "4_notices.csv line 7: DQ: median '5 days'",
        "8_automated_means.csv line 4: DQ: share '99'",
        "9_human_resources.csv line 8: DQ: 'Human resources dedicated to content moderation | Number of total "
        "moderators with sufficient linguistic expertise', TOTAL (Snap, lang:de) repeated with the same value '89'",
        "7_appeals_and_recidivism.csv line 1: header not in English",
        "7_appeals_and_recidivism.csv line 6: DQ: median '29'",
        "10_AMAR.csv line 2: DQ: 3 Member State rows sum to 6,819,372, TOTAL says 97,153,476",
    ]
    for e in expected:
        assert any(e in m for m in messages), e
    assert all(m.startswith("snap_quirks_V1, ") for m in messages)


def test_newest_version_wins_in_one_archive(tmp_path):
    v1 = tmp_path / "v1"
    shutil.copytree(SNAP, v1)
    amar = (v1 / "10_AMAR.csv").read_text(encoding="utf-8").replace("97153476.0", "97153000")
    (v1 / "10_AMAR.csv").write_text(amar, encoding="utf-8")
    ident = (v1 / "1_report_identification.csv").read_text(encoding="utf-8")
    (v1 / "1_report_identification.csv").write_text(
        ident.replace("2026-04-01", "2026-02-27"), encoding="utf-8"
    )
    target = tmp_path / "both.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for folder, inner in ((v1, "Snap_DSA_TR_H2_2025_V1"), (SNAP, "Snap_DSA_TR_H2_2025_V2")):
            for f in sorted(folder.iterdir()):
                zf.write(f, f"{inner}/{f.name}")
    result = parse(target)
    assert by_key(result)[("EU", "TOTAL", AMAR)] == SNAP_AMAR_TOTAL
    assert result.release_date == date(2026, 4, 1)
    assert any(
        "also in report 'Snap_DSA_TR_H2_2025_V2'" in w.message and "'97153000' dropped" in w.message
        for w in result.warnings
    )
    assert len(result.records) == 1331


def test_hostile_and_odd_archives(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../etc/10_AMAR.csv", (SNAP / "10_AMAR.csv").read_bytes())
    with pytest.raises(ParseError, match="points outside the archive"):
        parse(evil)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("4_notices.csv", b"0" * (8 * 1024 * 1024))
    with pytest.raises(ParseError, match="zip bomb"):
        parse(bomb)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("10_AMAR.csv", (SNAP / "10_AMAR.csv").read_bytes())
    middle = io.BytesIO()
    with zipfile.ZipFile(middle, "w") as zf:
        zf.writestr("inner.zip", inner.getvalue())
        zf.writestr("__MACOSX/._10_AMAR.csv", b"\x00\x05junk")
        zf.writestr("report.xls", b"\xd0\xcf\x11\xe0")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("middle.zip", middle.getvalue())
        zf.writestr(
            "1_report_identification.csv", (SNAP / "1_report_identification.csv").read_bytes()
        )
    result = parse(outer)  # the AMAR part two levels down is not read; the rest is
    assert len(result.records) == 4
    assert any("nested deeper" in w.message for w in result.warnings)
    assert any(".xls files are not supported" in w.message for w in result.warnings)
    assert not list(tmp_path.glob("**/10_AMAR.csv"))  # nothing extracted anywhere


def test_not_a_report_and_blank_template(tmp_path):
    xls = tmp_path / "report.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    with pytest.raises(ParseError, match="XLS"):
        parse(xls)
    blank = tmp_path / "blank_10_AMAR.csv"
    blank.write_text(
        "Applicability,Service,Reporting period,Section,Indicator,Scope,Value\n"
        "Only for VLOPs and VLOSEs,Snap,YYYY-MM-DD/YYYY-MM-DD,AMAR,Number of average monthly active "
        "recipients during the reporting period ,TOTAL,\n",
        encoding="utf-8",
    )
    result = parse(blank)
    assert result.records == [] and "no figures" in result.warnings[-1].message
    nonperiod = tmp_path / "10.csv"
    nonperiod.write_text(blank.read_text().replace(",TOTAL,\n", ",TOTAL,5\n"), encoding="utf-8")
    with pytest.raises(ParseError, match="no reporting period"):
        parse(nonperiod)


def test_label_map_covers_the_template():
    from scrapers._dsa_harmonised import template

    reg = registries.load()
    for ind in template.all_indicators():
        assert reg.label(SOURCE.id, "metric", ind.label) == ind.metric, ind.label
        assert reg.metric_info[ind.metric]["unit"]
    for parent, keywords in template.CATEGORIES.items():
        assert reg.policy_info[reg.label(SOURCE.id, "policy", parent)]["dsa_category"] == parent
        for kw in keywords:
            assert reg.policy_info[reg.label(SOURCE.id, "policy", kw)]["dsa_keyword"] == kw
        if keywords:
            assert reg.label(SOURCE.id, "policy", template.other_label(parent)).endswith(".other")
    assert reg.label(SOURCE.id, "policy", "TOTAL") == "all"
    assert reg.unit("median_time_to_action") == "hours" and reg.unit("amar") == "recipients"
    assert reg.scope("lang:de") == "lang:de" and reg.scope("EL") == "GR"


def test_build_records_dq_findings_and_observations(tmp_path):
    import duckdb

    from transparency.acquisition.store import SnapshotStore
    from transparency.build.compose import build

    archive = zip_of(SNAP, tmp_path / "Snap_DSA_TR_H2_2025_V2.zip")
    SnapshotStore().put_file(
        archive,
        source_id=SOURCE.id,
        url="https://values.snap.com/privacy/transparency",
        retrieved_at="2026-07-01T00:00:00Z",
        method="manual",
    )
    report = build()
    findings = [f for f in report.findings if f.source_id == SOURCE.id]
    assert not [f for f in findings if f.severity == "error"]
    assert any(
        f.check == "parse_warning"
        and f.file == "Snap_DSA_TR_H2_2025_V2.zip"
        and f.row == "Snap_DSA_TR_H2_2025_V2/10_AMAR.csv line 2"
        and f.message.startswith("DQ: 27 Member State rows sum to 97,153,479")
        for f in findings
    )
    with duckdb.connect(str(report.db), read_only=True) as con:
        rows = dict(
            con.execute("""
            SELECT scope, value FROM observations WHERE source_id = 'dsa_harmonised_reports'
              AND service = 'snapchat' AND metric = 'amar' AND is_current""").fetchall()
        )
        minors = con.execute("""
            SELECT value, vintage FROM observations WHERE source_id = 'dsa_harmonised_reports'
              AND policy_area = 'protection_of_minors' AND metric = 'notices_received' AND scope = 'EU'
              AND service = 'snapchat' AND vintage = DATE '2026-04-01'""").fetchall()
    assert rows["EU"] == SNAP_AMAR_TOTAL and rows["GR"] == 988014 and len(rows) == 28
    assert minors == [(593, date(2026, 4, 1))]  # vintage: the publication date part 1 states


def test_localised_wide_part_read_by_template_position(tmp_path):
    """A part 4 whose header is not English (here: made-up German words) is read by column position."""
    header = ["Anwendbarkeit", "Dienst", "Berichtszeitraum", "Kategorie", "Beschreibung"] + [
        f"Spalte {i}" for i in range(20)
    ]
    rows = [
        header,
        [
            "Alle",
            "Snap",
            "2025-07-01/2025-12-31",
            "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
            "",
            "593",
            "152",
            "594",
            "153",
            "205",
            "7",
            "0",
            "0",
            "237",
            "123",
            *[""] * 10,
        ],
    ]
    target = tmp_path / "4_meldungen.csv"
    with target.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result = parse(target)
    k = by_key(result)
    assert (
        k[("EU", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", NOTICES + "Number of notices received")]
        == 593
    )
    assert (
        k[("EU", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", NOTICES + "Median time to take action")]
        == 205
    )
    assert len(result.records) == 10 and "header not in English" in result.warnings[0].message


def test_vlop_json_other_rows_with_different_codes_keep_each_code(vlop):
    """Facebook's scams category prints two "Other" rows with different codes: their sum is the
    category's one "Other" figure (naming both codes, not the first alone), and each code's
    figures are kept as printed under its own raw label, which the label map leaves
    unharmonised (no total counts them twice)."""
    scams = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    orders = (
        "Orders from Member States' authorities | "
        "Number of orders to act against illegal content received"
    )
    got = {
        r.raw_policy_label: r
        for r in vlop.records
        if r.service_label == "Facebook"
        and r.scope == "EU"
        and r.raw_metric_label == orders
        and r.raw_policy_label.startswith(scams + " / KEYWORD_OTHER")
    }
    assert {k: (v.value, v.value_text) for k, v in got.items()} == {
        f"{scams} / KEYWORD_OTHER": (428, "0 + 428"),
        f"{scams} / KEYWORD_OTHER_FINANCIAL_FRAUDS_SCAMS": (0, "0"),
        f"{scams} / KEYWORD_OTHER_FRAUD_AND_DECEPTION": (428, "428"),
    }
    summed = got[f"{scams} / KEYWORD_OTHER"].note
    assert "'KEYWORD_OTHER_FINANCIAL_FRAUDS_SCAMS'" in summed
    assert "'KEYWORD_OTHER_FRAUD_AND_DECEPTION'" in summed
    reg = registries.load()
    assert reg.label("dsa_harmonised_reports", "policy", f"{scams} / KEYWORD_OTHER") == (
        "scams_and_fraud.other"
    )
    for code in ("FINANCIAL_FRAUDS_SCAMS", "FRAUD_AND_DECEPTION"):
        label = f"{scams} / KEYWORD_OTHER_{code}"
        assert reg.label("dsa_harmonised_reports", "policy", label) == "-"
    assert (
        sum(r.raw_policy_label.startswith(scams + " / KEYWORD_OTHER_") for r in vlop.records) == 87
    )
