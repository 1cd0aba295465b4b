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


@pytest.mark.slow
@pytest.mark.reliability(
    "ingest",
    "`transparency sor ingest` killed (SIGKILL) at random points, 5 times",
    "previous warehouse and per-day outputs intact; no partial file visible; a later ingest completes",
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
    visible_before = sorted(p.relative_to(home) for p in (home / "sor").rglob("*") if p.is_file())
    rng = random.Random(7)
    for _ in range(5):
        proc = subprocess.Popen(
            [*cmd, str(second.zip_path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if _sums(db) != before:  # the kill came after the ingest finished: start over from there
            break
        files = [p for p in (home / "sor").rglob("*") if p.is_file() and not p.name.startswith(".")]
        assert all(p.stat().st_size > 0 for p in files)
    assert _sums(db)["sor_daily"][0] >= before["sor_daily"][0]
    subprocess.run([*cmd, str(second.zip_path)], env=env, check=True, capture_output=True)
    after = _sums(db)
    days = {
        r[0]
        for r in duckdb.connect(str(db), read_only=True)
        .execute("SELECT DISTINCT date FROM sor_daily")
        .fetchall()
    }
    assert (
        days == {date(2024, 3, 1), date(2024, 3, 2)}
        and after["sor_daily"][0] > before["sor_daily"][0]
    )
    assert all(str(p).startswith("sor") for p in visible_before)
    request.node.user_properties.append(("ingests_killed", 5))
