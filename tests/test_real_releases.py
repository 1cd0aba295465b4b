"""Issue 13: every real release is its own vintage, and restated values show in `revisions`.

The embedded default holds every platform file of ../shared/real/platforms as published (13 Meta
CSER releases, 12 TikTok CGER, 12 Discord, 8 Microsoft, 5 NCMEC). These tests check the built
warehouse against the files themselves: the snapshot counts, Meta's restatements counted from
the 13 CSVs, the example of a 2020 quarter restated in the 2022Q1 release and restored later,
and the per-release summary for advocates. Tests reading ../shared skip cleanly without it; the
view logic also has a test on made-up rows.
"""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, SHARED, shared_file
from transparency.build.compose import build
from transparency.warehouse.context import SCHEMA

META_FILES = [
    f"real/platforms/meta/meta-cser-{y}-q{q}.csv"
    for y, q in [(2021, 2), (2021, 3), (2021, 4)]
    + [(y, q) for y in (2022, 2023) for q in (1, 2, 3, 4)]
    + [(2024, 1), (2024, 2)]
]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """The embedded default, built once for this module in a home of its own."""
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("TRANSPARENCY_HOME", str(home))
    mp.delenv("TRANSPARENCY_DB", raising=False)
    try:
        return build(home / "warehouse.duckdb").db
    finally:
        mp.undo()


def sql(db: Path, query: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def test_every_real_release_is_a_snapshot_of_the_embedded_default(db):
    counts = dict(sql(db, "SELECT source_id, count(*) FROM snapshots GROUP BY 1"))
    assert {
        k: counts.get(k)
        for k in (
            "meta_cser",
            "tiktok_cger",
            "discord_transparency",
            "microsoft_dscr",
            "ncmec_reports_by_esp",
        )
    } == {
        "meta_cser": 13,
        "tiktok_cger": 12,
        "discord_transparency": 12,
        "microsoft_dscr": 8,
        "ncmec_reports_by_esp": 5,
    }
    # one vintage per Meta release, in release order, each dated (published or estimated)
    meta = sql(
        db,
        "SELECT filename, vintage, vintage_basis FROM snapshots WHERE source_id = 'meta_cser' "
        "ORDER BY vintage",
    )
    assert [f for f, _, _ in meta] == [Path(p).name for p in META_FILES]
    assert len({v for _, v, _ in meta}) == 13
    assert {b for _, _, b in meta} <= {"published", "estimated"}
    assert meta[0][1:] == (date(2021, 8, 18), "published")


def test_manifest_lists_every_real_platform_file():
    """Every data file under ../shared/real/platforms is in data/embedded_files.csv."""
    root = SHARED / "real" / "platforms"
    if not root.exists():
        pytest.skip("../shared absent")
    listed = {
        r["shared_path"]
        for r in csv.DictReader((REPO / "data" / "embedded_files.csv").open(encoding="utf-8"))
    }
    on_disk = {
        f"real/platforms/{p.relative_to(root)}"
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".csv", ".xlsx", ".pdf", ".json")
    }
    assert on_disk - listed == set()


def _meta_histories() -> dict[tuple[str, str, str, str], list[tuple[int, str]]]:
    """(app, policy, metric, period) -> [(release index, value as printed)] from the 13 files."""
    hist: dict[tuple[str, str, str, str], list[tuple[int, str]]] = defaultdict(list)
    for i, rel in enumerate(META_FILES):
        with shared_file(rel).open(newline="", encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                key = (r["app"].strip(), r["policy_area"].strip(), r["metric"].strip())
                hist[(*key, r["period"].strip())].append((i, r["value"].strip()))
    return hist


def _quarter_start(label: str) -> date:
    return date(int(label[:4]), 3 * int(label[-1]) - 2, 1)


def test_revisions_hold_the_meta_restatements_counted_from_the_files(db):
    expected = {  # every change between consecutive releases that print a key, both as numbers
        (app.lower(), policy, metric, _quarter_start(period), i)
        for (app, policy, metric, period), h in _meta_histories().items()
        for (_, a), (i, b) in zip(h, h[1:], strict=False)
        if a != b
    }
    keys = {k[:4] for k in expected}
    assert len(expected) == 630 and len(keys) == 398  # the files' own counts
    release_of = {Path(p).name: i for i, p in enumerate(META_FILES)}
    got = {
        (service, policy, metric, start, release_of[new_file])
        for service, policy, metric, start, new_file in sql(
            db,
            """SELECT service, raw_policy_label, raw_metric_label, period_start, new_file
               FROM revisions WHERE source_id = 'meta_cser'""",
        )
    }
    assert len(expected & got) >= 0.9 * len(expected)
    assert len({k[:4] for k in expected & got}) >= 0.9 * len(keys)
    assert got <= expected  # nothing the files do not show


def test_a_2020_quarter_restated_in_2022q1_and_restored_later(db):
    """Facebook, Child Nudity & Sexual Exploitation, content actioned, 2020Q2: 9.5M in the
    2021Q2 release, 9.4M from 2021Q3, 2.8M in 2022Q1 to 2022Q3, 9.4M again from 2022Q4."""
    where = """source_id = 'meta_cser' AND service = 'facebook'
               AND raw_policy_label = 'Child Nudity & Sexual Exploitation'
               AND raw_metric_label = 'Content Actioned' AND period_start = DATE '2020-04-01'"""
    history = sql(
        db,
        f"SELECT value, source_file FROM observations_with_provenance WHERE {where} ORDER BY vintage",
    )
    assert [v for v, _ in history] == [9_500_000, 9_400_000, 9_400_000] + [2_800_000] * 3 + [
        9_400_000
    ] * 7
    revs = sql(
        db,
        f"""SELECT old_value, new_value, old_file, new_file, change, said_by_publisher
            FROM revisions WHERE {where} ORDER BY new_vintage""",
    )
    assert revs == [
        (9_500_000, 9_400_000, "meta-cser-2021-q2.csv", "meta-cser-2021-q3.csv", "restated", False),
        (9_400_000, 2_800_000, "meta-cser-2021-q4.csv", "meta-cser-2022-q1.csv", "restated", False),
        (2_800_000, 9_400_000, "meta-cser-2022-q3.csv", "meta-cser-2022-q4.csv", "restated", False),
    ]


def test_release_summary_counts_each_release_s_restatements(db):
    rows = sql(
        db,
        """SELECT filename, values_restated, said_by_publisher, silent, values_repeated,
                  largest_changes
           FROM release_revisions_summary WHERE source_id = 'meta_cser' ORDER BY vintage""",
    )
    (total,) = sql(
        db, "SELECT count(*) FROM revisions WHERE source_id = 'meta_cser' AND change = 'restated'"
    )[0]
    assert sum(r[1] for r in rows) == total >= 600
    # Meta's files carry no notes: every restatement is silent
    assert all(r[2] == 0 and r[3] == r[1] for r in rows)
    first = {r[0]: r for r in rows}["meta-cser-2021-q3.csv"]
    assert first[4] > 1000 and first[5].count("; ") == 4  # the five largest changes
    q1 = {r[0]: r for r in rows}["meta-cser-2022-q1.csv"]
    assert "facebook Child Nudity & Sexual Exploitation" not in q1[5]  # harmonised labels shown


def test_every_tiktok_and_meta_label_of_the_new_releases_is_mapped(db):
    unmapped = sql(
        db,
        """SELECT source_id, message FROM findings WHERE "check" = 'unmapped_label'
           AND source_id IN ('meta_cser', 'tiktok_cger', 'microsoft_dscr')""",
    )
    assert unmapped == []


def test_tiktok_ban_reason_levels_are_kept_apart():
    """2024 files print 'Fake accounts removed' under 'Ban reason' (165,623,182 in Jan-Mar 2024)
    and under 'Ban reason - safety' (5,439,054): two figures, both kept."""
    from transparency.acquisition.parsing import parse_file
    from transparency.acquisition.sources import get_source

    result = parse_file(
        get_source("tiktok_cger"), shared_file("real/platforms/tiktok/tiktok-cger-2024-q1.csv")
    )
    got = {
        r.raw_metric_label: r.value
        for r in result.records
        if r.raw_policy_label == "Fake accounts removed" and r.period_label == "Jan-Mar 2024"
    }
    assert got == {
        "Accounts removed": 165_623_182,
        "Accounts removed (Ban reason - safety)": 5_439_054,
    }


def test_release_records_are_compressed_reproducibly():
    """data/release/records/*.csv.gz: gzip with no name or time in the header (same rows, same
    bytes), and data/ stays small."""
    files = sorted((REPO / "data" / "release" / "records").glob("*.csv.gz"))
    assert files
    for f in files:
        head = f.read_bytes()[:10]
        assert head[3] & 0x08 == 0 and head[4:8] == b"\0\0\0\0"  # no FNAME, MTIME 0
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            assert fh.readline().startswith("snapshot_sha256,")
    size = sum(p.stat().st_size for p in (REPO / "data").rglob("*") if p.is_file())
    assert size < 30 * 2**20


def _view_db(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(SCHEMA.read_text())
    for sha, vintage, name in {(r[0], r[1], r[2]) for r in rows}:
        con.execute(
            "INSERT INTO snapshots VALUES (?, 's', 'https://example.org/' || ?, NULL, ?, "
            "?::TIMESTAMP, NULL, NULL, 0, NULL, 'embedded', ?, 'estimated', 1)",
            [sha, name, name, vintage, vintage],
        )
    for sha, vintage, _, value, text, qualifier, note in rows:
        con.execute(
            "INSERT INTO observations VALUES ('k', 's', 'p', 'all', 'global', DATE '2020-01-01', "
            "DATE '2020-06-30', '2020-H1', 'a', 'm', ?, 'u', ?, ?, 'P', 'A', 'M', 'global', "
            "'platform', ?, 'line 2', ?, ?, false)",
            [value, qualifier, text, sha, vintage, note or None],
        )
    return con


def test_revisions_view_on_made_up_rows():
    """A changed value, float noise (not a change), a footnoted restatement (said) and a
    change back (a second restatement); the summary counts them per release."""
    con = _view_db(
        [
            ("s1", "2021-01-01", "r1.csv", 0.781, "0.781", "", ""),
            ("s2", "2021-04-01", "r2.csv", 0.7809999999999999, "0.7809999999999999", "", ""),
            (
                "s3",
                "2021-07-01",
                "r3.csv",
                0.9,
                "0.9*",
                "footnote",
                "restated: a calculation error",
            ),
            ("s4", "2021-10-01", "r4.csv", 0.781, "0.781", "", ""),
        ]
    )
    revs = con.execute(
        "SELECT old_file, new_file, said_by_publisher FROM revisions ORDER BY new_vintage"
    ).fetchall()
    assert revs == [("r2.csv", "r3.csv", True), ("r3.csv", "r4.csv", False)]
    summary = con.execute(
        "SELECT filename, values_restated, said_by_publisher, silent, values_repeated "
        "FROM release_revisions_summary ORDER BY vintage"
    ).fetchall()
    assert summary == [("r3.csv", 1, 1, 0, 1), ("r4.csv", 1, 0, 1, 1)]


def test_one_series_per_thing_across_files(db):
    """Snap's recipients printed as 'Snap' (its own AMAR CSV) and 'Snapchat' (vlop-dsa.json) are
    one series per Member State; TikTok's XLSX ('global') and CSV ('all') totals are one scope."""
    snap = sql(
        db,
        """SELECT scope, count(DISTINCT series_id), count(DISTINCT raw_platform_label)
           FROM observations WHERE source_id = 'dsa_harmonised_reports' AND platform = 'snap'
             AND metric = 'amar' GROUP BY 1""",
    )
    assert len(snap) == 28 and all(n == 1 and labels == 2 for _, n, labels in snap)
    tiktok = sql(
        db,
        """SELECT DISTINCT raw_scope_label, scope FROM observations
           WHERE source_id = 'tiktok_cger' AND raw_scope_label IN ('global', 'all', 'All')""",
    )
    assert {s for _, s in tiktok} == {"global"} and len(tiktok) >= 2
    # total videos removed, Jul-Sep 2020: one series from the XLSX and CSV releases alike
    ((series, files),) = sql(
        db,
        """SELECT count(DISTINCT series_id), count(DISTINCT snapshot_sha256) FROM observations
           WHERE source_id = 'tiktok_cger' AND policy_area = 'all' AND metric = 'content_removed'
             AND scope = 'global' AND period_start = DATE '2020-07-01'""",
    )
    assert series == 1 and files == 12
