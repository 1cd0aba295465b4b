"""The warehouse build: idempotent, atomic, provenance-complete, vintages and revisions."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES, REPO
from transparency import paths
from transparency.acquisition.store import SnapshotStore
from transparency.build.compose import BuildError, build
from transparency.warehouse.database import checksums

META_URL = "https://transparency.fb.com/sr/community-standards/"


def add_meta_fixture(name: str, published: str) -> None:
    SnapshotStore().put_file(
        FIXTURES / "meta_cser" / name,
        source_id="meta_cser",
        url=META_URL,
        published_at=published,
        retrieved_at=f"{published}T12:00:00Z",
        method="manual",
    )


def sums(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return checksums(con)


def test_build_twice_is_identical_and_second_is_a_no_op():
    first = build()
    assert not first.up_to_date
    assert first.tables["observations"][0] > 0
    again = build()
    assert again.up_to_date and again.tables == first.tables
    forced = build(force=True)
    assert not forced.up_to_date and forced.tables == first.tables


def test_embedded_default_holds_real_meta_figures():
    """Every Meta release is its own vintage: the 2021Q2 file's 25.7M stays, restated to 25.6M
    by the next release, which later releases repeat (the 2024Q2 release's value is current)."""
    report = build()
    with duckdb.connect(str(report.db), read_only=True) as con:
        rows = con.execute("""
            SELECT value, source_url, snapshot_sha256, source_file, is_current
            FROM observations_with_provenance
            WHERE source_id = 'meta_cser' AND service = 'facebook' AND metric = 'content_actioned'
              AND policy_area = 'protection_of_minors.child_sexual_exploitation'
              AND period_start = DATE '2021-04-01' ORDER BY vintage""").fetchall()
    first = rows[0]
    assert first[:3] == (
        25_700_000,
        META_URL,
        "494c6ff5b1aec5fc6f510ef487d38b91d5e93e92947ca7c88e5a96daa6f17652",
    )
    assert first[3] == "meta-cser-2021-q2.csv" and not first[4]
    assert len(rows) == 13 and [r[3] for r in rows if r[4]] == ["meta-cser-2024-q2.csv"]
    assert {r[0] for r in rows[1:]} == {25_600_000}


def test_zero_observations_without_snapshot_and_source():
    db = build().db
    with duckdb.connect(str(db), read_only=True) as con:
        total = con.execute("SELECT count(*) FROM observations").fetchone()[0]
        orphans = con.execute("""
            SELECT count(*) FROM observations o
            LEFT JOIN snapshots s ON s.sha256 = o.snapshot_sha256
            LEFT JOIN sources src ON src.source_id = o.source_id
            WHERE s.sha256 IS NULL OR src.source_id IS NULL OR s.url IS NULL OR s.retrieved_at IS NULL
        """).fetchone()[0]
    assert total > 1000 and orphans == 0


def test_vintages_keep_old_values_and_revisions_list_them():
    add_meta_fixture("meta-cser-sample-2021q2.csv", "2021-08-18")
    add_meta_fixture("meta-cser-sample-2021q3.csv", "2021-11-09")
    db = build().db
    with duckdb.connect(str(db), read_only=True) as con:
        history = con.execute("""
            SELECT vintage::VARCHAR, value, is_current FROM observations
            WHERE source_id = 'meta_cser' AND service = 'facebook' AND metric = 'content_actioned'
              AND policy_area = 'protection_of_minors.child_sexual_exploitation'
              AND period_start = DATE '2021-04-01' ORDER BY vintage""").fetchall()
        rev = con.execute("""
            SELECT old_value, new_value, old_vintage::VARCHAR, new_vintage::VARCHAR, change
            FROM revisions WHERE source_id = 'meta_cser' AND service = 'facebook'
              AND period_start = DATE '2021-04-01' AND metric = 'content_actioned'
              AND policy_area = 'protection_of_minors.child_sexual_exploitation'
            ORDER BY new_vintage""").fetchall()
    # the embedded real 2021Q2 release and the fixture share vintage 2021-08-18 and value 25.7M;
    # the fixture's 2021-11-09 vintage says 25.8M; the real later releases (from 2021-12-14) 25.6M
    assert history[:4] == [
        ("2021-08-18", 25_700_000, False),
        ("2021-08-18", 25_700_000, False),
        ("2021-11-09", 25_800_000, False),
        ("2021-12-14", 25_600_000, False),
    ]
    assert history[-1][1:] == (25_600_000, True) and len(history) == 15
    assert rev == [
        (25_700_000, 25_800_000, "2021-08-18", "2021-11-09", "restated"),
        (25_800_000, 25_600_000, "2021-11-09", "2021-12-14", "restated"),
    ]


@pytest.mark.reliability(
    "build",
    "negative count in a stored file",
    "build fails naming source, file and row; previous warehouse unchanged",
)
def test_bad_input_fails_the_build_naming_file_and_row_and_keeps_the_warehouse(tmp_path):
    db = build().db
    before = sums(db)
    bad = tmp_path / "meta-bad.csv"
    bad.write_text(
        'app,policy_area,metric,period,value\nFacebook,Spam,Content Actioned,2021Q2,"-5"\n'
    )
    SnapshotStore().put_file(bad, source_id="meta_cser", url=META_URL, published_at="2021-09-01")
    with pytest.raises(BuildError) as err:
        build()
    assert "meta_cser, meta-bad.csv, line 2: count is negative (-5)" in str(err.value)
    assert sums(db) == before
    assert not list(db.parent.glob(".*.building-*"))


@pytest.mark.reliability(
    "build",
    "new, unmapped policy label",
    "row kept with empty harmonised id; warning names file and row",
)
def test_unmapped_label_is_reported_not_dropped(tmp_path):
    odd = tmp_path / "meta-new-label.csv"
    odd.write_text(
        'app,policy_area,metric,period,value\nFacebook,Brand New Area,Content Actioned,2021Q2,"1,000"\n'
    )
    SnapshotStore().put_file(odd, source_id="meta_cser", url=META_URL, published_at="2021-09-01")
    report = build()
    msgs = [str(f) for f in report.findings if f.check == "unmapped_label"]
    assert any("meta-new-label.csv, line 2: policy label 'Brand New Area'" in m for m in msgs)
    with duckdb.connect(str(report.db), read_only=True) as con:
        row = con.execute(
            "SELECT policy_area, value FROM observations WHERE raw_policy_label = 'Brand New Area'"
        ).fetchone()
    assert row == (None, 1000)


def _build_cmd(db: Path) -> list[str]:
    return [sys.executable, "-m", "transparency", "build", "--force", "--quiet", "--db", str(db)]


@pytest.mark.reliability(
    "build",
    "build killed (SIGKILL) while running, 6 times: early (start-up, before its new file exists) "
    "and inside the build (its new file being written)",
    "every kill hit a running build; previous warehouse intact and readable; next build completes",
)
def test_killed_builds_leave_the_previous_warehouse_intact(tmp_path, request):
    db = tmp_path / "w.duckdb"
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        "TRANSPARENCY_BUILD_PAUSE": "0.15",
    }
    subprocess.run(_build_cmd(db), env=env, check=True)
    before = sums(db)
    add_meta_fixture("meta-cser-sample-2021q3.csv", "2021-11-09")  # the next build has new input
    rng = random.Random(42)
    hit = {"early": 0, "mid_build": 0}
    for i in range(6):
        stale = set(tmp_path.glob(".w.duckdb.building-*"))  # left by earlier kills
        proc = subprocess.Popen(_build_cmd(db), env=env)
        if i % 3 == 2:  # a random early point (start-up, before the new file exists)
            time.sleep(rng.uniform(0.0, 0.25))
        else:  # a random point inside the build: wait for its new file, then a little more
            deadline = time.monotonic() + 60
            while (
                not set(tmp_path.glob(".w.duckdb.building-*")) - stale
                and time.monotonic() < deadline
                and proc.poll() is None
            ):
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.6))
        building = set(tmp_path.glob(".w.duckdb.building-*")) - stale  # this build's own file
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # the kill hit a running build: it died of SIGKILL, it did not finish on its own
        assert proc.returncode == -signal.SIGKILL, (i, proc.returncode)
        hit["mid_build" if building else "early"] += 1
        assert sums(db) == before  # the old warehouse, readable and unchanged
    assert hit["mid_build"] >= 4 and hit["early"] >= 1, hit  # both kinds really happened
    request.node.user_properties += [
        ("builds_killed", sum(hit.values())),
        ("builds_killed_mid_build", hit["mid_build"]),
        ("builds_killed_early", hit["early"]),
        (
            "observed",
            f"{sum(hit.values())} kills, each of a running build ({hit['early']} early, "
            f"{hit['mid_build']} inside the build); warehouse unchanged",
        ),
    ]
    subprocess.run(_build_cmd(db), env=env, check=True)  # a later build completes and cleans up
    after = sums(db)
    assert after["observations"][0] == before["observations"][0] + 17
    assert not list(tmp_path.glob(".w.duckdb.building-*"))
    request.node.user_properties.append(("rows_lost", 0))


@pytest.mark.reliability(
    "build",
    "a new release whose columns changed (schema drift)",
    "snapshot skipped with a finding naming file and difference; previous data stays current; other sources load",
)
def test_schema_drift_is_isolated_and_reported(tmp_path):
    with duckdb.connect(str(build().db), read_only=True) as con:
        before = con.execute(
            "SELECT count(*) FROM current_observations WHERE source_id = 'meta_cser'"
        ).fetchone()[0]
    drifted = tmp_path / "meta-cser-2022q1.csv"
    drifted.write_text(
        'app,policy_area,metric,period,value,region\nFacebook,Spam,Content Actioned,2022Q1,"1,000",EU\n'
    )
    SnapshotStore().put_file(
        drifted, source_id="meta_cser", url=META_URL, published_at="2022-05-17"
    )
    report = build()
    [drift] = [f for f in report.findings if f.check == "schema_drift"]
    assert drift.file == "meta-cser-2022q1.csv" and drift.row == "line 1"
    assert (
        "expected header app,policy_area,metric,period,value, found 'app,policy_area,metric,period,value,region'"
        in drift.message
    )
    with duckdb.connect(str(report.db), read_only=True) as con:
        assert (
            con.execute(
                "SELECT count(*) FROM current_observations WHERE source_id = 'meta_cser'"
            ).fetchone()[0]
            == before
            > 3800  # the 2024Q2 release's 3,809 rows and keys only earlier releases gave
        )


@pytest.mark.reliability(
    "build",
    "a platform stops reporting a series in its latest release",
    "missing_series warning naming the series and the release",
)
def test_stopped_series_is_reported(tmp_path):
    data = (
        tmp_path / "data"
    )  # registries only: no embedded release, so the fixture is the previous release
    shutil.copytree(paths.data_dir(), data, ignore=shutil.ignore_patterns("release"))
    add_meta_fixture("meta-cser-sample-2021q2.csv", "2021-08-18")
    later = tmp_path / "meta-cser-2021q3-short.csv"
    lines = (FIXTURES / "meta_cser" / "meta-cser-sample-2021q2.csv").read_text().splitlines()
    later.write_text("\n".join(line for line in lines if "Fake Accounts" not in line) + "\n")
    SnapshotStore().put_file(later, source_id="meta_cser", url=META_URL, published_at="2021-11-09")
    report = build(data_dir=data)
    msgs = [
        f.message
        for f in report.findings
        if f.check == "missing_series" and f.file == "meta-cser-2021q3-short.csv"
    ]
    assert msgs == [
        "meta/facebook 'Fake Accounts' 'Prevalence' was reported in the previous release but not in this one"
    ]


@pytest.mark.reliability(
    "build",
    "readers hold the warehouse open while a build swaps in a new file",
    "open readers keep reading the old file without error; new readers see the new build",
)
def test_reads_during_a_build_succeed():
    db = build().db
    reader = duckdb.connect(str(db), read_only=True)
    before = reader.execute("SELECT count(*) FROM observations").fetchone()[0]
    add_meta_fixture("meta-cser-sample-2021q3.csv", "2021-11-09")
    import threading

    errors: list[Exception] = []
    counts: list[int] = []
    done = threading.Event()

    def read_loop() -> None:
        while not done.is_set():
            try:
                counts.append(reader.execute("SELECT count(*) FROM observations").fetchone()[0])
                with duckdb.connect(str(db), read_only=True) as fresh:
                    fresh.execute("SELECT count(*) FROM snapshots").fetchone()
            except Exception as exc:  # any failed read is a defect
                errors.append(exc)
            time.sleep(0.01)

    t = threading.Thread(target=read_loop)
    t.start()
    after = build().tables["observations"][0]
    done.set()
    t.join()
    assert errors == [] and len(counts) > 5 and set(counts) == {before}
    reader.close()  # DuckDB shares one instance per path in a process: reopen to see the new file
    with duckdb.connect(str(db), read_only=True) as fresh:
        assert (
            fresh.execute("SELECT count(*) FROM observations").fetchone()[0] == after == before + 17
        )
