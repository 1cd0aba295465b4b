"""Killing `transparency sor ingest` at random points never loses or corrupts what was loaded."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date

import duckdb
import pytest

from tests.conftest import REPO
from transparency.sor import synth
from transparency.warehouse.database import checksums


def _sums(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return checksums(con)


KILLS = ("early", "early", "reading", "reading", "after reading")  # where each kill is aimed


def _work_dirs(home):
    """The DuckDB engine's work folder exists exactly while a dump is being read."""
    return list((home / "sor" / "tmp").glob("sor-duckdb-*"))


@pytest.mark.slow
@pytest.mark.reliability(
    "ingest",
    "`transparency sor ingest` killed (SIGKILL) while running: early (start-up, archive checks), "
    "while reading the dump, and after (writing the day's outputs, rebuilding the warehouse)",
    "every kill hit a running ingest; previous warehouse and per-day outputs intact; no partial "
    "file visible; a later ingest completes",
)
def test_killed_ingests_lose_nothing(tmp_path, request):
    home, db = tmp_path / "home", tmp_path / "w.duckdb"
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        "TRANSPARENCY_HOME": str(home),
    }
    first = synth.generate(tmp_path / "in1", date(2024, 3, 1), 4000, seed=1)
    second = synth.generate(tmp_path / "in2", date(2024, 3, 2), 60000, seed=2)
    cmd = [sys.executable, "-m", "transparency", "sor", "ingest", "--db", str(db)]
    subprocess.run([*cmd, str(first.zip_path)], env=env, check=True, capture_output=True)
    before = _sums(db)

    def visible() -> list:
        return sorted(
            p.relative_to(home)
            for p in (home / "sor").rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )

    visible_before = visible()
    rng = random.Random(7)
    hit: dict[str, int] = {"early": 0, "reading": 0, "after reading": 0}
    for aim in KILLS:
        stale = set(_work_dirs(home))  # left by earlier kills (SIGKILL allows no clean-up)
        proc = subprocess.Popen(
            [*cmd, str(second.zip_path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seen = False  # whether this ingest's work folder was seen before the kill
        if aim == "early":
            time.sleep(rng.uniform(0.02, 0.25))
        else:  # wait for the dump to be read (or, aiming later, to be read), then a moment more
            deadline = time.monotonic() + 120
            while proc.poll() is None and time.monotonic() < deadline:
                now = bool(set(_work_dirs(home)) - stale)
                seen = seen or now
                if (aim == "reading" and now) or (aim == "after reading" and seen and not now):
                    break
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.1 if aim == "reading" else 0.4))
        reading = bool(set(_work_dirs(home)) - stale)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # the kill hit a running ingest: it died of SIGKILL, it did not exit on its own
        assert proc.returncode == -signal.SIGKILL, (aim, proc.returncode)
        # where it landed, by evidence (not by aim): the work folder exists only while reading
        hit["reading" if reading else "after reading" if seen else "early"] += 1
        assert _sums(db) == before  # the warehouse as it was, readable
        assert visible() == visible_before  # no partial output visible
        files = [p for p in (home / "sor").rglob("*") if p.is_file() and not p.name.startswith(".")]
        assert all(p.stat().st_size > 0 for p in files)
    # early kills and kills once the ingest was at work both really happened
    assert hit["early"] >= 1 and hit["reading"] + hit["after reading"] >= 3, hit
    subprocess.run([*cmd, str(second.zip_path)], env=env, check=True, capture_output=True)
    after = _sums(db)
    with duckdb.connect(str(db), read_only=True) as con:
        days = {r[0] for r in con.execute("SELECT DISTINCT date FROM sor_daily").fetchall()}
    assert days == {date(2024, 3, 1), date(2024, 3, 2)}
    assert after["sor_daily"][0] > before["sor_daily"][0]
    request.node.user_properties += [
        ("ingests_killed", sum(hit.values())),
        ("ingests_killed_early", hit["early"]),
        ("ingests_killed_while_reading", hit["reading"]),
        ("ingests_killed_after_reading", hit["after reading"]),
        (
            "observed",
            f"{sum(hit.values())} kills, each of a running ingest ({hit['early']} early, "
            f"{hit['reading']} while reading the dump, {hit['after reading']} after); "
            "nothing lost or partial",
        ),
    ]
