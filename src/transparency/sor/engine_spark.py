"""The Apache Spark engine: the same raw aggregate, computed by Spark tasks over the CSV parts.

The driver validates the dump (every hostile-archive check of ``archive``) and makes one work
item per CSV part; Spark distributes the items, each task streams its parts straight out of the
nested ZIPs in a Python worker (``mapInArrow``), reads them with the canonical line reader of
``parts`` and emits per-part counts and rejects; Spark sums the counts by key (``groupBy``) and
the driver collects the small result. Spark's own CSV reader cannot open nested ZIPs nor read the
PHP backslash escapes the dumps need, which is why parsing happens in the Python workers.

Runs in local mode by default (``local[2]``); ``master`` may be a cluster URL
(``spark://host:7077``, ``yarn``, ``k8s://…``) or a Spark Connect URL (``sc://host:15002``). On a
cluster the dump's path must be readable by every executor (a shared file system).
"""

from __future__ import annotations

import functools
import os
import socket
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from transparency import paths
from transparency.sor.archive import DumpReader, Limits
from transparency.sor.columns import RAW_KEYS
from transparency.sor.parts import (
    EngineResult,
    Layout,
    LayoutError,
    Reject,
    first_layout,
    parse_part,
)

_FIELDS = ["kind", *RAW_KEYS, "n", "file", "line", "reason", "raw"]
SCHEMA = ", ".join(f"{f} {'bigint' if f in ('n', 'line') else 'string'}" for f in _FIELDS)


class SparkUnreachable(RuntimeError):
    """Nothing answers at the Spark master or Spark Connect URL given."""


DEFAULT_PORTS = {"sc": 15002, "spark": 7077}


def check_master(master: str | None, timeout: float = 5.0) -> None:
    """Fail fast, with a clear reason, when a ``spark://`` or ``sc://`` master does not answer.

    Without this the Connect client retries with backoff for minutes and a classic driver waits
    for "All masters are unresponsive" before it gives up. Other masters (``local``, ``yarn``,
    ``k8s://``) are left to Spark.
    """
    scheme, _, rest = (master or "").partition("://")
    if scheme not in DEFAULT_PORTS:
        return
    # spark://h1:7077,h2:7077 lists standby masters: one that answers is enough; sc:// URLs may
    # carry a path and ;parameters after the host
    hosts = rest.split("/", 1)[0].split(";", 1)[0].split(",")
    reasons = []
    for hp in hosts:
        u = urlsplit(f"//{hp}")
        host, port = u.hostname or "localhost", u.port or DEFAULT_PORTS[scheme]
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            return
        except OSError as exc:
            reasons.append(f"{host}:{port} ({exc.strerror or exc})")
    what = "Spark Connect server" if scheme == "sc" else "Spark master"
    raise SparkUnreachable(
        f"--spark-master {master}: no {what} answers at {', '.join(reasons)}; start it or "
        "check the URL"
    )


def _task(batches: Iterator, limits: Limits) -> Iterator:
    """Spark task body: (path, inner, name, sizes) rows -> count, reject and part rows."""
    import pyarrow as pa

    from transparency.sor.archive import Part

    readers: dict[str, DumpReader] = {}
    try:
        for batch in batches:
            cols = batch.to_pydict()
            out: dict[str, list] = {f: [] for f in _FIELDS}

            def emit(out: dict[str, list] = out, **kw) -> None:
                for f in _FIELDS:
                    out[f].append(kw.get(f))

            for path, inner, name, size, csize in zip(
                cols["path"], cols["inner"], cols["name"], cols["size"], cols["csize"], strict=True
            ):
                if path not in readers:
                    r = DumpReader(Path(path), limits)
                    r.__enter__()
                    readers[path] = r
                reader = readers[path]
                part = Part(inner, name, size, csize)
                label = f"{reader.path.name}/{part.label}"
                res = parse_part(reader.stream(part), label)
                assert res.layout is not None
                emit(
                    kind="part",
                    file=label,
                    reason=f"{res.layout.version}:{res.layout.variant}",
                    n=res.data_lines,
                )
                for key, n in res.counts.items():
                    emit(kind="count", n=n, **dict(zip(RAW_KEYS, key, strict=True)))
                for rej in res.rejects:
                    emit(
                        kind="reject",
                        file=rej.file,
                        line=rej.line,
                        reason=rej.reason,
                        raw=rej.raw,
                        n=1,
                    )
            yield pa.RecordBatch.from_pydict(out, schema=_arrow_schema())
    finally:
        for r in readers.values():
            r.close()


def _arrow_schema():
    import pyarrow as pa

    return pa.schema([(f, pa.int64() if f in ("n", "line") else pa.string()) for f in _FIELDS])


def session(master: str | None = None):
    """A SparkSession: Spark Connect for ``sc://`` URLs, else classic (``local[2]`` by default)."""
    from pyspark.sql import SparkSession

    if master and master.startswith("sc://"):
        return SparkSession.builder.remote(master).getOrCreate()
    src = str(paths.REPO_ROOT / "src")
    pythonpath = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    os.environ["PYTHONPATH"] = pythonpath  # local-mode Python workers inherit it
    os.environ.setdefault(
        "PYSPARK_PYTHON", sys.executable
    )  # the workers need this interpreter's packages
    builder = (
        SparkSession.builder.master(master or "local[2]")
        .appName("transparency-sor")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.executorEnv.PYTHONPATH", pythonpath)
        .config("spark.driver.memory", os.environ.get("TRANSPARENCY_SPARK_DRIVER_MEMORY", "1g"))
        .config("spark.python.worker.reuse", "true")
    )
    if not master or master.startswith("local"):  # a short-lived local JVM: start fast, stay small
        builder = builder.config(
            "spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run(
    path: Path,
    *,
    master: str | None = None,
    limits: Limits | None = None,
    partitions: int | None = None,
) -> EngineResult:
    """Aggregate every part of a dump with Spark."""
    from pyspark.sql import functions as F

    t0 = time.perf_counter()
    check_master(master)
    limits = limits or Limits()
    path = Path(path).resolve()
    with DumpReader(path, limits) as reader:  # the hostile-archive checks run on the driver first
        layout: Layout = first_layout(reader)
        parts = list(reader.dump.parts)
    spark = session(master)
    items = [(str(path), p.inner, p.name, p.file_size, p.compress_size) for p in parts]
    n = partitions or max(
        1,
        min(
            len(items),
            spark.sparkContext.defaultParallelism * 2 if hasattr(spark, "sparkContext") else 4,
        ),
    )
    df = spark.createDataFrame(
        items, "path string, inner string, name string, size bigint, csize bigint"
    )
    rows = (
        df.repartition(n)
        .mapInArrow(functools.partial(_task, limits=limits), SCHEMA)
        .groupBy("kind", *RAW_KEYS, "file", "line", "reason", "raw")
        .agg(F.sum("n").alias("n"))
        .collect()
    )
    result = EngineResult(layout)
    rejects: list[Reject] = []
    for row in rows:
        kind = row["kind"]
        if kind == "count":
            result.counts[tuple(row[k] or "" for k in RAW_KEYS)] += int(row["n"])
        elif kind == "reject":
            rejects.append(Reject(row["file"], int(row["line"]), row["reason"], row["raw"] or ""))
        elif kind == "part":
            result.parts += 1
            if row["reason"] != f"{layout.version}:{layout.variant}":
                raise LayoutError(f"{row['file']}: header differs from the dump's other parts")
    result.rejects = sorted(rejects, key=lambda r: (r.file, r.line))
    result.stats = {
        "seconds": time.perf_counter() - t0,
        "spark_partitions": n,
        "spark_master": master or "local[2]",
    }
    result.counts = Counter(result.counts)
    return result
