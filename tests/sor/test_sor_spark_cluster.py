"""The Spark engine beyond local mode: a standalone cluster (``spark://``) and Spark Connect
(``sc://``), both started on loopback from the pyspark package itself, give the same sor_daily
rows and rejects as DuckDB on the same days; an unreachable master fails fast with exit 2."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import REPO, require_spark
from tests.dashboard_server import free_port
from tests.sor.helpers import daily_rows, query, run_cli
from transparency.sor import synth

REJECTS = "SELECT file, line, reason, raw FROM sor_rejects ORDER BY ALL"


@pytest.mark.reliability(
    "ingest",
    "`--spark-master` a spark:// or sc:// address where nothing listens",
    "exit 2 within seconds, one line naming the address; nothing written",
)
def test_unreachable_master_fails_fast_with_exit_2(tmp_path):
    """No pyspark needed: the reachability check runs before Spark is imported."""
    day = synth.generate(tmp_path / "in", date(2025, 7, 2), 50, seed=5)
    closed = free_port()  # nothing listens there
    for url, what in (
        (f"sc://127.0.0.1:{closed}", "Spark Connect server"),
        (f"spark://127.0.0.1:{closed}", "Spark master"),
    ):
        t = time.monotonic()
        res = run_cli(
            "sor", "ingest", str(day.zip_path), "--engine", "spark", "--spark-master", url,
            "--db", str(tmp_path / "w.duckdb"), home=tmp_path / "home",
        )  # fmt: skip
        assert res.returncode == 2, res.stderr
        assert time.monotonic() - t < 30  # not minutes of client retries
        err = res.stderr.strip()
        assert err.count("\n") == 0
        assert f"--spark-master {url}: no {what} answers at 127.0.0.1:{closed}" in err
    assert not (tmp_path / "home").exists() or not list((tmp_path / "home").rglob("*.parquet"))


# ---------------------------------------------------------------- a real cluster on loopback


@pytest.fixture(scope="module")
def needs_java() -> None:
    require_spark()  # skips saying why (fails under CI=true) without pyspark or a JVM


def _spark_home() -> Path:
    return Path(pytest.importorskip("pyspark").__file__).parent


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "SPARK_HOME": str(_spark_home()),
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_NO_DAEMONIZE": "1",
    }


def _wait_for(port: int, proc: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{proc.args[:3]} exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"nothing listens on {port} after {seconds} s: {log.read_text()[-2000:]}")


@contextmanager
def _daemon(cmd: list[str], log: Path, port: int) -> Iterator[subprocess.Popen]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, env=_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_for(port, proc, log)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A standalone master with one worker, and a Spark Connect server whose driver runs its
    tasks on that cluster. The worker offers 4 task slots (on 2 real cores) so that the Connect
    server's application (capped at 2) and a classic driver's both get executors."""
    tmp = tmp_path_factory.mktemp("cluster")
    spark_home = _spark_home()
    spark_class = str(spark_home / "bin" / "spark-class")
    master_port, connect_port = free_port(), free_port()
    master = f"spark://127.0.0.1:{master_port}"
    local = "127.0.0.1"
    master_cmd = [spark_class, "org.apache.spark.deploy.master.Master"]
    master_cmd += f"--host {local} --port {master_port} --webui-port {free_port()}".split()
    worker_cmd = [spark_class, "org.apache.spark.deploy.worker.Worker", master]
    worker_cmd += f"--host {local} --cores 4 --memory 3g --webui-port {free_port()}".split()
    worker_cmd += ["--work-dir", str(tmp / "work")]
    connect_cmd = [str(spark_home / "bin" / "spark-submit"), "--master", master, "--class"]
    connect_cmd.append("org.apache.spark.sql.connect.service.SparkConnectServer")
    for conf in (
        f"spark.connect.grpc.binding.port={connect_port}",
        f"spark.connect.grpc.binding.address={local}",
        f"spark.executorEnv.PYTHONPATH={REPO / 'src'}",
        f"spark.pyspark.python={sys.executable}",
        "spark.cores.max=2",
        "spark.ui.enabled=false",
    ):
        connect_cmd += ["--conf", conf]
    connect_cmd.append("spark-internal")
    with (
        _daemon(master_cmd, tmp / "master.log", master_port),
        _daemon(worker_cmd, tmp / "worker.log", master_port),
        _daemon(connect_cmd, tmp / "connect.log", connect_port),
    ):
        deadline = time.monotonic() + 60
        while "Registering worker" not in (tmp / "master.log").read_text():
            assert time.monotonic() < deadline, (tmp / "master.log").read_text()[-2000:]
            time.sleep(0.5)
        yield {"master": master, "connect": f"sc://{local}:{connect_port}"}


@pytest.fixture(scope="module")
def days(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("cluster-days")
    v1 = synth.generate(
        out / "v1", date(2024, 9, 5), 3_000, seed=31, malformed_share=0.02, broken_share=0.004,
        zip_ids=1_499, part_ids=499,
    )  # fmt: skip
    v2 = synth.generate(
        out / "v2", date(2025, 7, 2), 2_000, seed=32, malformed_share=0.01, zip_ids=999,
        part_ids=333,
    )  # fmt: skip
    assert v1.malformed > 0 and v1.broken > 0
    return [v1.zip_path, v2.zip_path]


def _ingest(tmp_path: Path, name: str, days: list[Path], *opts: str) -> Path:
    db = tmp_path / f"{name}.duckdb"
    res = run_cli(
        "sor", "ingest", *map(str, days), *opts, "--db", str(db), home=tmp_path / name
    )  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
    return db


@pytest.fixture(scope="module")
def duckdb_db(tmp_path_factory, days) -> Path:
    return _ingest(tmp_path_factory.mktemp("duck"), "duckdb", days)


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["master", "connect"])
def test_cluster_and_connect_agree_with_duckdb(
    tmp_path, needs_java, cluster, days, duckdb_db, kind
):
    db = _ingest(tmp_path, kind, days, "--engine", "spark", "--spark-master", cluster[kind])
    assert daily_rows(db) == daily_rows(duckdb_db)
    assert query(db, REJECTS) == query(duckdb_db, REJECTS)
    assert len(query(db, REJECTS)) > 0  # the day with malformed and broken rows
    files = "SELECT file, rows, rejects, schema_version, parts FROM sor_files ORDER BY file"
    assert query(db, files) == query(duckdb_db, files)
    assert [f for f, *_ in query(db, files)] == [p.name for p in days]
    assert query(db, "SELECT DISTINCT engine FROM sor_files") == [("spark",)]
