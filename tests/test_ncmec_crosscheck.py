"""The cybertipline_crosscheck view: platforms' own CyberTipline counts beside NCMEC's.

NCMEC values below are the published 2019 and 2023 reports-by-ESP figures. Self-reported values
are inputs made up for the test unless a comment names their source; they exercise the rules
(whole-year coverage, coarsest periods first, broadest policy area, current vintage, global scope).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.conftest import FIXTURES
from transparency.accountability import ncmec_crosscheck as ncmec
from transparency.acquisition.store import SnapshotStore
from transparency.build.compose import build
from transparency.reading.periods import parse_period
from transparency.warehouse.context import SCHEMA

NCMEC_2023 = "https://www.missingkids.org/content/dam/missingkids/pdfs/2023-reports-by-esp.pdf"
NCMEC_2019 = "https://www.missingkids.org/content/dam/missingkids/pdfs/2019-reports-by-esp.pdf"
GOOGLE = "https://transparencyreport.google.com/child-sexual-abuse-material/"
SELF = "https://example.org/self-report"


class Warehouse:
    def __init__(self) -> None:
        self.con = duckdb.connect()
        self.con.execute(SCHEMA.read_text())
        self.con.execute(
            "INSERT INTO sources (source_id, publisher, kind, title, homepage, formats, cadence, licence)"
            " VALUES ('ncmec_reports_by_esp', 'NCMEC', 'third party', 't', 'h', 'pdf', 'annual', 'l'),"
            " ('self_a', 'P', 'platform report', 't', 'h', 'csv', 'quarterly', 'l'),"
            " ('self_b', 'P', 'platform report', 't', 'h', 'csv', 'quarterly', 'l')"
        )
        self.snaps: dict[str, str] = {}

    def snapshot(self, url: str) -> str:
        if url not in self.snaps:
            sha = f"{len(self.snaps):064d}"
            self.snaps[url] = sha
            self.con.execute(
                "INSERT INTO snapshots (sha256, source_id, url, retrieved_at, origin, vintage, vintage_basis, records) "
                "VALUES (?, 'x', ?, TIMESTAMP '2024-05-01 00:00:00', 'store', DATE '2024-05-01', 'published', 0)",
                [sha, url],
            )
        return self.snaps[url]

    def add(
        self,
        source: str,
        platform: str,
        service: str,
        period: str,
        value: float,
        *,
        url: str,
        metric: str = "cybertipline_reports",
        reporter: str = "platform",
        scope: str = "global",
        policy: str = "protection_of_minors.child_sexual_exploitation",
        current: bool = True,
    ) -> None:
        p = parse_period(period)
        self.con.execute(
            "INSERT INTO observations (series_id, source_id, platform, service, scope, period_start, period_end, "
            "period_label, policy_area, metric, value, unit, reporter, snapshot_sha256, vintage, is_current) "
            "VALUES ('s', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reports', ?, ?, DATE '2024-05-01', ?)",
            [
                source,
                platform,
                service,
                scope,
                p.start,
                p.end,
                p.label(),
                policy,
                metric,
                value,
                reporter,
                self.snapshot(url),
                current,
            ],
        )

    def ncmec(self, platform: str, service: str, year: int, value: float) -> None:
        self.add(
            "ncmec_reports_by_esp",
            platform,
            service,
            str(year),
            value,
            metric="cybertipline_reports_received",
            reporter="NCMEC",
            url=NCMEC_2023 if year == 2023 else NCMEC_2019,
        )

    def rows(self) -> dict[tuple, tuple]:
        ncmec.create_views(self.con)
        return {
            (p, s, y): (sr, nr, ratio, su, nu)
            for p, s, y, sr, nr, ratio, su, nu in self.con.execute(
                "SELECT * FROM cybertipline_crosscheck"
            ).fetchall()
        }


@pytest.fixture
def wh() -> Warehouse:
    w = Warehouse()
    # NCMEC, as published (2023 and 2019 reports-by-ESP PDFs)
    for service, value in [
        ("facebook", 17_838_422),
        ("instagram", 11_430_007),
        ("whatsapp", 1_389_618),
        ("threads", 663),
        ("oculus", 13),
    ]:
        w.ncmec("meta", service, 2023, value)
    w.ncmec(
        "meta", "all", 2019, 15_884_511
    )  # 'Facebook*': Facebook, Instagram and WhatsApp together
    w.ncmec("google", "all", 2023, 1_470_958)
    w.ncmec("discord", "discord", 2023, 339_412)
    w.ncmec("x", "twitter", 2023, 597_087)  # 'Twitter, Inc. / Vine.co'
    w.ncmec("x", "x", 2023, 273_416)  # 'X Corp'
    w.ncmec("snap", "snapchat", 2023, 713_055)
    w.ncmec("microsoft", "online_operations", 2023, 139_265)
    w.ncmec("all_esps", "all", 2023, 35_944_826)
    return w


def test_half_years_sum_to_the_year_and_family_rows_compare_with_all_ncmec_rows(wh):
    # Google's own halves for 2023 (transparencyreport.google.com, as curated by apparebit/diaphanous):
    # Google excluding YouTube 586,832 + 496,105, YouTube 163,844 + 225,440
    wh.add("self_a", "google", "all", "2023-H1", 586_832 + 163_844, url=GOOGLE)
    wh.add("self_a", "google", "all", "2023-H2", 496_105 + 225_440, url=GOOGLE)
    wh.add("self_a", "google", "youtube", "2023-H1", 163_844, url=GOOGLE)
    wh.add("self_a", "google", "youtube", "2023-H2", 225_440, url=GOOGLE)
    rows = wh.rows()
    assert rows[("google", "all", 2023)] == (
        1_472_221,
        1_470_958,
        pytest.approx(1_472_221 / 1_470_958),
        GOOGLE,
        NCMEC_2023,
    )
    assert rows[("google", "youtube", 2023)] == (389_284, None, None, GOOGLE, None)
    assert set(rows) == {("google", "all", 2023), ("google", "youtube", 2023)}


def test_quarters_cover_the_year_or_are_left_out(wh):
    for q, v in zip((1, 2, 3, 4), (50_000, 60_000, 100_000, 129_412), strict=True):
        wh.add("self_a", "discord", "discord", f"2023-Q{q}", v, url=SELF)
    wh.add(
        "self_a",
        "discord",
        "discord",
        "2023-Q1",
        20_000,
        url=SELF,
        policy="protection_of_minors.grooming",
    )
    wh.add(
        "self_a", "discord", "discord", "2023-Q1", 1, url=SELF, current=False
    )  # an older vintage
    wh.add(
        "self_a", "discord", "discord", "2023-H1", 110_000, url=SELF
    )  # one half only: not a year
    wh.add("self_a", "discord", "discord", "2023", 999, url=SELF, scope="EU")  # not global
    wh.add("self_a", "microsoft", "all", "2023-H1", 79_971, url=SELF)  # H1 only: no year figure
    for q in (1, 2, 3):  # three quarters of 2023, one full year 2019
        wh.add("self_b", "meta", "all", f"2023-Q{q}", 3_700_000, url=SELF)
    wh.add("self_b", "meta", "all", "2019", 15_900_000, url=SELF)
    rows = wh.rows()
    assert rows[("discord", "discord", 2023)] == (339_412, 339_412, 1.0, SELF, NCMEC_2023)
    assert rows[("discord", "all", 2023)] == (None, 339_412, None, None, NCMEC_2023)
    assert rows[("meta", "all", 2019)] == (
        15_900_000,
        15_884_511,
        pytest.approx(15_900_000 / 15_884_511),
        SELF,
        NCMEC_2019,
    )
    # 2023: Meta's incomplete quarters give no self figure; NCMEC 'all' sums every Meta row
    assert rows[("meta", "all", 2023)] == (None, 30_658_723, None, None, NCMEC_2023)
    assert rows[("meta", "facebook", 2023)] == (None, 17_838_422, None, None, NCMEC_2023)
    assert not any(
        p in ("microsoft", "snap", "all_esps") for p, _, _ in rows
    )  # no full-year self figure


def test_two_ncmec_accounts_of_one_platform_add_up_and_sources_do_not_double(wh):
    wh.add("self_a", "x", "all", "2023", 870_000, url=SELF)
    wh.add("self_b", "x", "all", "2023-H1", 400_000, url=SELF + "/b")
    wh.add("self_b", "x", "all", "2023-H2", 470_000, url=SELF + "/b")
    rows = wh.rows()
    assert rows[("x", "all", 2023)] == (
        870_000,
        870_503,
        pytest.approx(870_000 / 870_503),
        SELF,
        NCMEC_2023,
    )
    assert rows[("x", "twitter", 2023)] == (None, 597_087, None, None, NCMEC_2023)
    assert rows[("x", "x", 2023)] == (None, 273_416, None, None, NCMEC_2023)


def test_columns_and_types(wh):
    ncmec.create_views(wh.con)
    cols = [(r[0], r[1]) for r in wh.con.execute("DESCRIBE cybertipline_crosscheck").fetchall()]
    assert cols == [
        ("platform", "VARCHAR"),
        ("service", "VARCHAR"),
        ("year", "INTEGER"),
        ("self_reported", "DOUBLE"),
        ("ncmec_received", "DOUBLE"),
        ("ratio", "DOUBLE"),
        ("self_source_url", "VARCHAR"),
        ("ncmec_source_url", "VARCHAR"),
    ]
    assert [c for c, _ in cols] == ncmec.CROSSCHECK_COLUMNS


def test_the_build_creates_the_view_over_parsed_ncmec_files():
    SnapshotStore().put_file(
        FIXTURES / "ncmec_reports_by_esp" / "ncmec-esp-sample-2023.pdf",
        source_id="ncmec_reports_by_esp",
        url=NCMEC_2023,
        published_at="2024-04-12",
        retrieved_at="2024-10-22T00:00:00Z",
        method="manual",
    )
    report = build()
    assert not [f for f in report.findings if f.source_id == "ncmec_reports_by_esp"]
    with duckdb.connect(str(report.db), read_only=True) as con:
        ((n,),) = con.execute("SELECT count(*) FROM cybertipline_crosscheck").fetchall()
        cross = {
            (p, s, y): (own, ncmec, url)
            for p, s, y, own, ncmec, url in con.execute(
                "SELECT platform, service, year, self_reported, ncmec_received, ncmec_source_url "
                "FROM cybertipline_crosscheck"
            ).fetchall()
        }
        got = con.execute("""
            SELECT platform, service, value, period_start, vintage FROM observations_with_provenance
            WHERE source_id = 'ncmec_reports_by_esp' AND source_file = 'ncmec-esp-sample-2023.pdf'
            ORDER BY value DESC""").fetchall()
        cols = [r[0] for r in con.execute("DESCRIBE cybertipline_crosscheck").fetchall()]
    assert got[:2] == [
        ("all_esps", "all", 13_690_128, date(2023, 1, 1), date(2024, 4, 12)),
        ("meta", "instagram", 11_430_007, date(2023, 1, 1), date(2024, 4, 12)),
    ]
    assert len(got) == 5 and cols == ncmec.CROSSCHECK_COLUMNS
    # the embedded default's own counts (apparebit/diaphanous) against NCMEC's
    # 116 with NCMEC's 2020 and 2022 PDFs in the embedded default (issue 13)
    assert report.stats["cybertipline_crosscheck"] == n == 116
    amazon = cross[("amazon", "all", 2022)]  # NCMEC's own 2022 PDF wins over the transcription
    assert amazon[:2] == (67_073, 70_205) and amazon[2].endswith("2022-reports-by-esp.pdf")
    discord = cross[
        ("discord", "discord", 2023)
    ]  # NCMEC's own 2023 PDF wins over the transcription
    assert discord[:2] == (164_478, 339_412) and discord[2].endswith("2023-reports-by-esp.pdf")
