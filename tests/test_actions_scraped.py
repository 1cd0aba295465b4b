"""Scraped regulator feeds in the build: matched to the register, never duplicating it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES, REPO
from transparency.acquisition.store import SnapshotStore
from transparency.build.compose import BuildError, build

OFCOM = "https://www.ofcom.org.uk/online-safety/illegal-and-harmful-content/"
FEEDS = [
    (
        "ec_presscorner",
        "ec_presscorner/presscorner-search-20251201-20260731-p1.json",
        "https://ec.europa.eu/commission/presscorner/api/search?language=en&text=Digital+Services+Act",
    ),
    (
        "ec_presscorner",
        "ec_presscorner/presscorner-ip_26_312.json",
        "https://ec.europa.eu/commission/presscorner/api/documents?reference=IP%2F26%2F312&language=en",
    ),
    ("us_ftc", "us_ftc/press-release.xml", "https://www.ftc.gov/feeds/press-release.xml"),
    (
        "uk_ofcom",
        "uk_ofcom/suicide-forum.html",
        OFCOM + "investigation-into-an-online-suicide-discussion-forum",
    ),
    (
        "uk_ofcom",
        "uk_ofcom/4chan.html",
        OFCOM + "investigation-into-4chan-and-its-compliance-with-duties",
    ),
]


def store_feeds() -> None:
    store = SnapshotStore()
    for source_id, rel, url in FEEDS:
        store.put_file(
            FIXTURES / rel, source_id=source_id, url=url, retrieved_at="2026-07-31T10:00:00Z"
        )


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_feeds_match_the_register_and_add_only_what_it_lacks():
    store_feeds()
    report = build()
    db = report.db
    assert query(
        db, "SELECT source_id, outcome, count(*) FROM action_candidates GROUP BY ALL ORDER BY ALL"
    ) == [
        ("ec_presscorner", "duplicate", 1),
        ("ec_presscorner", "matched", 9),
        ("uk_ofcom", "matched", 5),
        ("uk_ofcom", "new", 1),
        ("us_ftc", "matched", 10),
    ]
    # the four adult platforms of one release, each matched to its own register row
    assert query(
        db,
        """SELECT platform, action_id FROM action_candidates
                        WHERE ref = 'IP/26/9998' ORDER BY platform""",
    ) == [
        ("aylo", "ec-2026-03-26-aylo-pornhub-preliminary_findings"),
        ("nkl", "ec-2026-03-26-nkl-xnxx-preliminary_findings"),
        ("technius", "ec-2026-03-26-technius-stripchat-preliminary_findings"),
        ("webgroup_czech", "ec-2026-03-26-webgroup_czech-xvideos-preliminary_findings"),
    ]
    # the one event the register lacks: added, flagged, with its snapshot
    [(aid, case, day, origin, sha, url)] = query(
        db,
        """
        SELECT action_id, case_id, date::VARCHAR, origin, snapshot_sha256, source_url FROM actions WHERE origin = 'scraped'""",
    )
    assert aid.startswith("uk_ofcom-2026-02-27-unnamed_suicide_forum-provisional_decision-")
    assert (case, day, origin) == (
        "uk_ofcom-unnamed_suicide_forum-osa-2025",
        "2026-02-27",
        "scraped",
    )
    assert url.endswith("its-compliance-with-duties-to-protect-its-users-from-illegal-content")
    assert query(db, f"SELECT source_id, records FROM snapshots WHERE sha256 = '{sha}'") == [
        ("uk_ofcom", 3)
    ]
    feeds = {"ec_presscorner", "us_ftc", "uk_ofcom"}
    assert [
        f.check for f in report.findings if f.severity == "warning" and f.source_id in feeds
    ] == ["new_scraped_action"]
    register_rows = len(
        (REPO / "data/registers/regulator_actions.csv").read_text(encoding="utf-8").splitlines()
    )
    assert query(
        db, "SELECT count(*), count(*) FILTER (WHERE origin = 'register') FROM actions"
    ) == [(register_rows, register_rows - 1)]  # one scraped action besides every register row
    assert query(
        db,
        """SELECT count(*) FROM actions s JOIN actions r
                        ON s.origin = 'scraped' AND r.origin = 'register' AND s.regulator_id = r.regulator_id
                        AND s.platform = r.platform AND s.action_type = r.action_type AND s.date = r.date""",
    ) == [(0,)]


def _data_without(tmp_path: Path, action_id: str, replace: tuple[str, str] | None = None) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    path = data / "registers" / "regulator_actions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(ln for ln in lines if not ln.startswith(action_id + ","))
    if replace:
        text = text.replace(*replace)
    path.write_text(text, encoding="utf-8")
    return data


def test_a_feed_event_missing_from_the_register_extends_it(tmp_path):
    store_feeds()
    data = _data_without(tmp_path, "ec-2026-03-26-nkl-xnxx-preliminary_findings")
    report = build(tmp_path / "w.duckdb", data_dir=data)
    rows = query(
        report.db,
        """SELECT platform, service, case_id, date::VARCHAR, source_url, raw_platform_label
                               FROM actions WHERE origin = 'scraped' AND regulator_id = 'ec'""",
    )
    assert rows == [
        (
            "nkl",
            "xnxx",
            "ec-nkl-xnxx-dsa-2025",
            "2026-03-26",
            "https://ec.europa.eu/commission/presscorner/detail/en/ip_26_9998",
            "XNXX",
        )
    ]


def test_a_differing_amount_is_reported(tmp_path):
    store_feeds()
    row = "ec-2025-12-05-x-non_compliance_decision,"
    data = _data_without(tmp_path, "no-such-row", (",120000000,EUR,", ",100000000,EUR,"))
    assert row in (data / "registers" / "regulator_actions.csv").read_text()
    report = build(tmp_path / "w.duckdb", data_dir=data)
    msgs = [str(f) for f in report.findings if f.check == "amount_differs"]
    assert msgs == [
        "[warning] ec_presscorner, presscorner-search-20251201-20260731-p1.json, "
        "docuLanguageListResources[6]: €120 million in the feed, 100000000 EUR in register row "
        "ec-2025-12-05-x-non_compliance_decision"
    ]


def test_an_unreadable_feed_snapshot_fails_the_build(tmp_path):
    bad = tmp_path / "presscorner-broken.json"
    bad.write_text("<html>maintenance</html>")
    SnapshotStore().put_file(
        bad,
        source_id="ec_presscorner",
        url="https://ec.europa.eu/commission/presscorner/api/search",
    )
    with pytest.raises(
        BuildError,
        match=r"ec_presscorner, presscorner-broken.json \(snapshot [0-9a-f]{12}\): not Press Corner JSON",
    ):
        build()


def test_an_unknown_respondent_is_reported_not_added(tmp_path):
    page = (
        (FIXTURES / "uk_ofcom" / "4chan.html")
        .read_text()
        .replace("4chan Community Support LLC", "Acme Widgets Ltd")
    )
    odd = tmp_path / "acme.html"
    odd.write_text(page)
    SnapshotStore().put_file(odd, source_id="uk_ofcom", url=OFCOM + "investigation-into-acme")
    report = build()
    assert query(report.db, "SELECT outcome, count(*) FROM action_candidates GROUP BY 1") == [
        ("unresolved", 3)
    ]
    assert query(report.db, "SELECT count(*) FROM actions WHERE origin = 'scraped'") == [(0,)]
    [msg] = [str(f) for f in report.findings if f.check == "unresolved_candidate"]
    assert msg.startswith(
        "[warning] uk_ofcom, acme.html: 3 item(s) name no registered regulator or platform"
    )
