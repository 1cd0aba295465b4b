"""Ingest -> per-day Parquet -> build -> sor_daily / sor_rejects / sor_files, with exact counts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.sor.helpers import KEYS, query, reference_counts, run_cli
from transparency import paths
from transparency.build.compose import build
from transparency.sor import columns as C
from transparency.sor import outputs, synth
from transparency.sor.csvtext import php_row
from transparency.sor.harmonise import V1V2, array_cell, flag
from transparency.sor.ingest import Options, Sha1Mismatch, ingest

# v1 -> v2, as the guide's section 5 states it (written out here, independently of the registry)
CAT_V2 = {
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR": "STATEMENT_CATEGORY_CYBER_VIOLENCE",
}
KW_V2 = {
    "KEYWORD_ONLINE_BULLYING_INTIMIDATION": "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_INSUFFICIENT_INFORMATION_TRADERS": "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
    "KEYWORD_DISINFORMATION": "KEYWORD_MISINFORMATION_DISINFORMATION",
    "KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE": "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
}
DAY = date(2024, 8, 29)


def small_day(out: Path, rows: int = 3_000, day: date = DAY, **kw) -> synth.SynthResult:
    kw = {
        "seed": 11,
        "malformed_share": 0.01,
        "broken_share": 0.003,
        "zip_ids": 999,
        "part_ids": 299,
        **kw,
    }
    return synth.generate(out, day, rows, **kw)


def expected_daily(zip_path: Path, version: int) -> Counter:
    """sor_daily counts (without the platform id) derived with the independent reader."""
    counts, _ = reference_counts(zip_path)
    out: Counter = Counter()
    for key, n in counts.items():
        row = dict(zip(KEYS, key, strict=True))
        if version == 1:
            row["category"] = CAT_V2.get(row["category"], row["category"])
            row["category_specification"] = ",".join(
                sorted({KW_V2.get(k, k) for k in row["category_specification"].split(",") if k})
            )
        out[tuple(row[k] for k in KEYS)] += n
    return out


def got_daily(db: Path, day: date) -> Counter:
    cols = ", ".join("keyword" if k == "category_specification" else k for k in KEYS)
    return Counter(
        {
            tuple(r[:-1]): r[-1]
            for r in query(db, f"SELECT {cols}, count FROM sor_daily WHERE date = ?", [day])
        }
    )


def test_exact_counts_of_a_small_v1_day_with_malformed_rows(tmp_path):
    day = small_day(tmp_path / "in")
    rec = ingest(day.zip_path)
    db = build().db
    ref_counts, ref_rejects = reference_counts(day.zip_path)
    # independently read numbers, pinned: 3,000 statements, 8 unreadable, 34 repaired backslash-quotes
    assert (sum(ref_counts.values()), ref_rejects, day.malformed) == (2_992, 8, 34)
    assert (rec.rows, rec.rejects, rec.schema_version, rec.sha1_ok) == (2_992, 8, 1, True)
    assert got_daily(db, DAY) == expected_daily(day.zip_path, 1)
    assert query(db, "SELECT sum(count) FROM sor_daily")[0][0] == 2_992
    by_platform = dict(
        query(db, "SELECT platform_name, sum(count)::BIGINT FROM sor_daily GROUP BY 1")
    )
    assert by_platform["Google Shopping"] == 2_129 and by_platform["TikTok"] == 208
    # v1 codes never reach sor_daily
    cats = {r[0] for r in query(db, "SELECT DISTINCT category FROM sor_daily")}
    assert cats <= set(C.CATEGORIES_V2) and "STATEMENT_CATEGORY_OTHER_VIOLATION_TC" in cats
    # rejects: every one with file, line, reason and the raw line as it stood in the dump
    rej = query(db, "SELECT file, line, reason, raw FROM sor_rejects ORDER BY file, line")
    assert len(rej) == 8
    assert all(
        r[0].startswith("sor-global-2024-08-29-full.zip/sor-global-2024-08-29-full-0000")
        and r[1] >= 2
        and "backslash" in r[2]
        and "Repeat offender" in r[3]
        for r in rej
    )
    files = query(
        db, "SELECT file, sha1_ok, rows, rejects, schema_version, engine, rows_used FROM sor_files"
    )
    assert files == [("sor-global-2024-08-29-full.zip", True, 2_992, 8, 1, "duckdb", 2_992)]
    warn = query(db, 'SELECT "check", file FROM findings WHERE "check" LIKE \'sor%\' ORDER BY 1')
    assert ("sor_rejects", "sor-global-2024-08-29-full.zip") in warn


def test_v2_day_keeps_v2_codes_and_ean_column(tmp_path):
    v2 = date(2025, 7, 1)
    day = small_day(tmp_path / "in", rows=1_200, day=v2, malformed_share=0.0, broken_share=0.0)
    rec = ingest(day.zip_path)
    assert (rec.rows, rec.rejects, rec.schema_version) == (1_200, 0, 2)
    db = build().db
    assert got_daily(db, v2) == expected_daily(day.zip_path, 2)


def test_multi_valued_cells_flags_and_platform_ids(tmp_path):
    day = small_day(tmp_path / "in", rows=1_500)
    ingest(day.zip_path)
    db = build().db
    vis = {r[0] for r in query(db, "SELECT DISTINCT decision_visibility FROM sor_daily")}
    assert (
        "" in vis
        and "DECISION_VISIBILITY_CONTENT_DEMOTED,DECISION_VISIBILITY_CONTENT_LABELLED" in vis
    )
    assert all(v == ",".join(sorted(v.split(","))) for v in vis)
    ctypes = {r[0] for r in query(db, "SELECT DISTINCT content_type FROM sor_daily")}
    assert "CONTENT_TYPE_IMAGE,CONTENT_TYPE_PRODUCT" in ctypes and "" not in ctypes
    assert {r[0] for r in query(db, "SELECT DISTINCT automated_detection FROM sor_daily")} == {
        "Yes",
        "No",
    }
    assert query(db, "SELECT count(*) FROM sor_daily WHERE keyword IS NULL")[0][0] == 0
    plat = dict(query(db, "SELECT DISTINCT platform_name, platform FROM sor_daily"))
    assert plat["Google Shopping"] == "google" and plat["Google Play"] == "google"
    assert (
        plat["TikTok"] == "tiktok"
        and plat["AliExpress"] == "alibaba"
        and plat["Instagram"] == "meta"
    )
    assert plat["Kleinanzeigen"] is None  # not in the registry: NULL, and reported
    msg = query(db, "SELECT message FROM findings WHERE \"check\" = 'sor_unknown_platform'")[0][0]
    assert "Kleinanzeigen" in msg and "Google Shopping" not in msg


def test_the_real_rows_fixture_ingests_with_the_mapping(tmp_path):
    data = (FIXTURES / "dsa_tdb_dumps" / "sor-v1-real-rows.csv").read_bytes()
    path = synth.write_dump(tmp_path, date(2024, 9, 12), [[data]])
    rec = ingest(path)
    assert (rec.rows, rec.rejects) == (4, 0)
    db = build().db
    rows = query(
        db,
        "SELECT platform_name, platform, category, keyword, content_type, count FROM sor_daily "
        "ORDER BY ALL",
    )
    assert rows == [
        (
            "AliExpress",
            "alibaba",
            "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
            "",
            "CONTENT_TYPE_PRODUCT",
            1,
        ),
        (
            "Chrome Web Store",
            "google",
            "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
            "",
            "CONTENT_TYPE_APP",
            2,
        ),
        (
            "Google Play",
            "google",
            "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
            "KEYWORD_OTHER",
            "CONTENT_TYPE_TEXT",
            1,
        ),
    ]


def test_v1_keyword_renames_and_unknown_codes(tmp_path):
    header = ",".join(C.FULL_V1)

    def row(cat: str, kws: list[str], name: str = "TikTok") -> str:
        cells = dict.fromkeys(C.FULL_V1, "")
        cells.update(
            category=cat,
            category_specification=json.dumps(kws, separators=(",", ":")) if kws else "",
            content_type='["CONTENT_TYPE_VIDEO"]',
            platform_name=name,
            automated_detection="Yes",
        )
        return php_row([cells[c] for c in C.FULL_V1])

    lines = [
        header,
        row(
            "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR", ["KEYWORD_ONLINE_BULLYING_INTIMIDATION"]
        ),
        row(
            "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR", ["KEYWORD_ONLINE_BULLYING_INTIMIDATION"]
        ),
        row(
            "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
            ["KEYWORD_MISINFORMATION", "KEYWORD_DISINFORMATION"],
        ),
        row("STATEMENT_CATEGORY_MADE_UP", ["KEYWORD_NOT_A_KEYWORD"]),
    ]
    path = synth.write_dump(tmp_path, date(2024, 5, 1), [[("\n".join(lines)).encode()]])
    ingest(path)
    db = build().db
    rows = query(db, "SELECT category, keyword, count FROM sor_daily ORDER BY ALL")
    assert rows == [
        ("STATEMENT_CATEGORY_CYBER_VIOLENCE", "KEYWORD_CYBER_BULLYING_INTIMIDATION", 2),
        ("STATEMENT_CATEGORY_MADE_UP", "KEYWORD_NOT_A_KEYWORD", 1),
        (
            "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
            "KEYWORD_MISINFORMATION,KEYWORD_MISINFORMATION_DISINFORMATION",
            1,
        ),
    ]
    found = [
        r[0] for r in query(db, "SELECT message FROM findings WHERE \"check\" = 'sor_unknown_code'")
    ]
    assert any("STATEMENT_CATEGORY_MADE_UP" in m for m in found)
    assert any("KEYWORD_NOT_A_KEYWORD" in m for m in found)


def test_v1v2_table_and_cell_helpers():
    m = V1V2.load()
    assert m.map_category("STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", 1) == (
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        True,
    )
    assert m.map_category("STATEMENT_CATEGORY_PROTECTION_OF_MINORS", 1) == (
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        True,
    )
    assert (
        m.map_category("STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", 2)[1] is False
    )  # not a v2 code
    assert m.map_keywords("KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL,KEYWORD_DISINFORMATION", 1) == (
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL,KEYWORD_MISINFORMATION_DISINFORMATION",
        [],
    )
    assert array_cell('["B","A","B"]') == ("A,B", True)
    assert array_cell("[]") == ("", True) and array_cell("") == ("", True)
    assert array_cell("[A, B") == ("A,B", False)
    assert array_cell("X__A", "__") == ("A,X", True)
    assert [flag(x)[0] for x in ("Yes", "no", "true", "0", "")] == ["Yes", "No", "Yes", "No", ""]


def test_nothing_already_loaded_is_lost_and_reingest_replaces(tmp_path):
    a = small_day(tmp_path / "a", rows=600, day=date(2024, 3, 1), broken_share=0.0)
    b = small_day(tmp_path / "b", rows=400, day=date(2024, 3, 2), broken_share=0.0)
    ingest(a.zip_path)
    db = build().db
    ingest(b.zip_path)
    assert not build().up_to_date  # a new ingest changes the build's inputs
    totals = dict(query(db, "SELECT date::VARCHAR, sum(count)::BIGINT FROM sor_daily GROUP BY 1"))
    assert totals == {"2024-03-01": 600, "2024-03-02": 400}
    ingest(a.zip_path)  # again: replaces, never doubles
    build()
    totals = dict(query(db, "SELECT date::VARCHAR, sum(count)::BIGINT FROM sor_daily GROUP BY 1"))
    assert totals == {"2024-03-01": 600, "2024-03-02": 400}
    folder = outputs.days_dir() / "2024-03-01"
    assert sorted(p.suffix for p in folder.iterdir()) == [".json", ".parquet", ".parquet"]
    assert build().up_to_date


def test_sha1_mismatch_refuses_and_writes_nothing(tmp_path):
    day = small_day(tmp_path, rows=300)
    day.sha1_path.write_text("0" * 40 + "  " + day.zip_path.name)
    with pytest.raises(Sha1Mismatch, match="does not match"):
        ingest(day.zip_path)
    assert outputs.markers() == []
    rec = ingest(day.zip_path, Options(allow_sha1_mismatch=True))
    assert rec.sha1_ok is False
    day.sha1_path.unlink()
    assert ingest(day.zip_path).sha1_ok is None


AGG = (
    "automated_decision,automated_detection,category,content_type_single,decision_account,decision_ground,"
    "decision_monetary,decision_provision,decision_visibility_single,received_date,source_type,platform_name,total"
)


def test_official_aggregates_fill_sor_daily_and_dumps_win(tmp_path):
    rows = [
        "AUTOMATED_DECISION_FULLY,1,STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE,CONTENT_TYPE_PRODUCT,,"
        "DECISION_GROUND_INCOMPATIBLE_CONTENT,,,DECISION_VISIBILITY_CONTENT_DISABLED,2024-03-01,SOURCE_VOLUNTARY,"
        "Google Shopping,1000",
        "AUTOMATED_DECISION_NOT_AUTOMATED,0,STATEMENT_CATEGORY_PROTECTION_OF_MINORS,CONTENT_TYPE_VIDEO__CONTENT_TYPE_AUDIO,"
        "DECISION_ACCOUNT_SUSPENDED,DECISION_GROUND_ILLEGAL_CONTENT,,,DECISION_VISIBILITY_CONTENT_REMOVED,2024-03-01,"
        "SOURCE_ARTICLE_16,TikTok,7",
        "AUTOMATED_DECISION_FULLY,1,STATEMENT_CATEGORY_VIOLENCE,CONTENT_TYPE_TEXT,,DECISION_GROUND_INCOMPATIBLE_CONTENT,"
        ",,,2024-03-02,SOURCE_VOLUNTARY,TikTok,5",  # another day: rejected
        "too,few,fields",
    ]
    agg = tmp_path / "aggregates-2024-03-01.csv"
    agg.write_text(AGG + "\n" + "\n".join(rows) + "\n")
    p = run_cli("sor", "aggregates", str(agg), home=paths.home())
    assert p.returncode == 0, p.stderr
    db = paths.default_db()
    got = query(
        db,
        "SELECT platform_name, platform, category, keyword, content_type, automated_detection, count "
        "FROM sor_daily ORDER BY ALL",
    )
    assert got == [
        (
            "Google Shopping",
            "google",
            "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
            None,
            "CONTENT_TYPE_PRODUCT",
            "Yes",
            1000,
        ),
        (
            "TikTok",
            "tiktok",
            "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
            None,
            "CONTENT_TYPE_AUDIO,CONTENT_TYPE_VIDEO",
            "No",
            7,
        ),
    ]
    assert [
        (r[1], r[2][:20])
        for r in query(db, "SELECT file, line, reason FROM sor_rejects ORDER BY line")
    ] == [(4, "received_date '2024-"), (5, "expected 13 fields, ")]
    # a global dump of the same day wins for the platforms it covers: no double counting
    dump = small_day(tmp_path / "d", rows=500, day=date(2024, 3, 1), broken_share=0.0)
    ingest(dump.zip_path)
    build()
    total = dict(query(db, "SELECT platform_name, sum(count)::BIGINT FROM sor_daily GROUP BY 1"))
    per_file = dict(query(db, "SELECT file, rows_used FROM sor_files"))
    assert per_file == {"aggregates-2024-03-01.csv": 0, dump.zip_path.name: 500}
    assert sum(total.values()) == 500 and total["Google Shopping"] != 1000


def test_cli_ingest_and_exit_codes(tmp_path):
    day = small_day(tmp_path, rows=300, broken_share=0.0)
    home = paths.home()
    p = run_cli("sor", "ingest", str(day.zip_path), home=home)
    assert p.returncode == 0, p.stderr
    assert "300 rows, 0 rejects, schema v1, duckdb, sha1 ok" in p.stdout and "sor_daily" in p.stdout
    assert query(paths.default_db(), "SELECT sum(count)::BIGINT FROM sor_daily")[0][0] == 300
    for args, needle in [
        (("sor", "ingest", str(tmp_path / "missing.zip")), "no such file"),
        (("sor", "ingest", "--engine", "polars", str(day.zip_path)), "unknown engine"),
        (("sor", "aggregates", str(day.zip_path)), "not an aggregates file name"),
    ]:
        p = run_cli(*args, home=home)
        assert (
            p.returncode == 2 and needle in p.stderr and len(p.stderr.strip().splitlines()) == 1
        ), p.stderr
    for cmd in ("synth", "ingest", "aggregates"):
        p = run_cli("sor", cmd, "--help")
        assert p.returncode == 0 and "Usage" in p.stdout


def test_cli_synth(tmp_path):
    p = run_cli(
        "sor",
        "synth",
        "--date",
        "2025-07-03",
        "--rows",
        "250",
        "--out",
        str(tmp_path),
        "--malformed-share",
        "0.02",
        "--part-ids",
        "99",
        "--zip-ids",
        "199",
        "--seed",
        "5",
    )
    assert p.returncode == 0, p.stderr
    assert "250 rows" in p.stdout and "in 3 parts" in p.stdout
    assert (tmp_path / "sor-global-2025-07-03-full.zip.sha1").is_file()
    assert (
        run_cli(
            "sor", "synth", "--date", "2025-13-01", "--rows", "1", "--out", str(tmp_path)
        ).returncode
        == 2
    )


def test_light_dump_and_aggregates_through_ingest(tmp_path):
    """A light dump (33 columns) is read by its header; `sor ingest` recognises aggregates files."""
    cells = dict.fromkeys(C.LIGHT_V1, "")
    cells.update(
        category="STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        category_specification='["KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"]',
        content_type='["CONTENT_TYPE_IMAGE","CONTENT_TYPE_TEXT"]',
        platform_name="Snapchat",
        automated_detection="No",
        decision_visibility='["DECISION_VISIBILITY_CONTENT_REMOVED"]',
    )
    line = php_row([cells[c] for c in C.LIGHT_V1])
    data = "\n".join([",".join(C.LIGHT_V1), line, line, line]).encode()
    path = synth.write_dump(tmp_path, date(2024, 6, 1), [[data]], slug="snapchat", variant="light")
    rec = ingest(path)
    assert (rec.rows, rec.scope, rec.variant, rec.schema_version, len(C.LIGHT_V1)) == (
        3,
        "snapchat",
        "light",
        1,
        33,
    )
    agg = tmp_path / "aggregates-2024-06-02.csv"
    agg.write_text(
        AGG + "\nAUTOMATED_DECISION_FULLY,true,STATEMENT_CATEGORY_VIOLENCE,CONTENT_TYPE_TEXT,,"
        "DECISION_GROUND_INCOMPATIBLE_CONTENT,,,DECISION_VISIBILITY_CONTENT_REMOVED,"
        "2024-06-02 00:00:00,SOURCE_VOLUNTARY,Snapchat,4\n"
    )
    assert ingest(agg).kind == "aggregates"
    db = build().db
    assert query(
        db,
        "SELECT date::VARCHAR, platform, keyword, content_type, automated_detection, count "
        "FROM sor_daily ORDER BY date",
    ) == [
        (
            "2024-06-01",
            "snap",
            "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
            "CONTENT_TYPE_IMAGE,CONTENT_TYPE_TEXT",
            "No",
            3,
        ),
        ("2024-06-02", "snap", None, "CONTENT_TYPE_TEXT", "Yes", 4),
    ]
