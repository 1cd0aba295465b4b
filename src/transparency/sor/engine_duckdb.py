"""The DuckDB engine: stream each CSV part out of the nested ZIPs into DuckDB and aggregate it.

Nothing is unzipped to disk. Each of ``lanes`` workers takes every n-th part: a feeder thread
inflates it, applies the backslash-quote repair (only to chunks that hold a backslash) and writes
it into a named pipe; DuckDB reads the pipe with ``read_csv`` (explicit columns, strict RFC 4180,
``store_rejects``) and groups by the raw key columns. Lanes run in parallel, so inflating and
parsing overlap on every core. Memory is bounded by DuckDB's ``memory_limit`` (it keeps the buffers
of a pipe it is reading, i.e. up to a part of ~100 MB per lane; beyond the limit it spills) and a
few 1 MiB buffers, whatever the size of the day.

DuckDB's reading of a part is trusted only when it is provably the canonical one-record-per-line
reading (``csvtext.parse_line``): the rows it accepted plus the lines inside the records it
rejected must equal the part's physical lines. Rejected records are re-read line by line in Python
(recovering good lines DuckDB swallowed into a broken record); a part that fails the check or
trips a DuckDB error is re-read entirely in Python. So the DuckDB and Spark engines agree line for
line, and nothing is lost silently.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np

from transparency.sor.archive import DumpReader, Part
from transparency.sor.columns import RAW_KEYS
from transparency.sor.csvtext import Repairer, parse_line, unrepair
from transparency.sor.parts import (
    EngineResult,
    Layout,
    LayoutError,
    PartResult,
    Reject,
    _lines,
    first_layout,
    layout_of,
    parse_part,
)


def read_csv_sql(path: str, layout: Layout, parallel: bool = True) -> str:
    cols = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in layout.columns) + "}"
    p = path.replace("'", "''")
    return (
        f"read_csv('{p}', columns={cols}, header=true, auto_detect=false, delim=',', quote='\"', "
        f"escape='\"', new_line='\\n', strict_mode=true, store_rejects=true, "
        f"max_line_size=1048576, buffer_size=4194304, parallel={'true' if parallel else 'false'})"
    )


def connect(threads: int, memory_limit: str, tmp_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(
        config={
            "threads": threads,
            "memory_limit": memory_limit,
            "temp_directory": str(tmp_dir),
            "preserve_insertion_order": False,
        }
    )


class _Feeder(threading.Thread):
    """Inflate + repair one part into a named pipe; count its lines; check its header."""

    def __init__(self, reader: DumpReader, part: Part, fifo: Path, layout: Layout):
        super().__init__(name="sor-feed", daemon=True)
        self.reader, self.part, self.fifo, self.layout = reader, part, fifo, layout
        self.lines = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        label = f"{self.reader.path.name}/{self.part.label}"
        rep = Repairer()
        newlines, last = 0, b""
        head: bytes | None = b""
        try:
            with open(self.fifo, "wb", buffering=0) as out:
                with contextlib.suppress(OSError, AttributeError):  # fewer wake-ups per MiB
                    fcntl.fcntl(out.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
                for chunk in self.reader.stream(self.part):
                    data = rep.feed(chunk)
                    if head is not None:
                        head += data
                        if b"\n" in head or len(head) > 65536:
                            got = layout_of(
                                head.split(b"\n", 1)[0].decode("utf-8", "replace"), label
                            )
                            if got != self.layout:
                                raise LayoutError(
                                    f"{label}: header differs from the dump's other parts"
                                )
                            head = None
                    if data:
                        newlines += int(np.count_nonzero(np.frombuffer(data, np.uint8) == 10))
                        last = data[-1:]
                        out.write(data)
                tail = rep.flush()
                if tail:
                    out.write(tail)
                    last = tail
            if head is not None:  # a part without any newline
                if not head:
                    raise LayoutError(f"{label}: empty part (not even a header)")
                if layout_of(head.decode("utf-8", "replace"), label) != self.layout:
                    raise LayoutError(f"{label}: header differs from the dump's other parts")
            self.lines = max(newlines + (1 if last not in (b"", b"\n") else 0) - 1, 0)
        except BrokenPipeError:
            self.error = RuntimeError("DuckDB stopped reading")
        except BaseException as exc:  # reported by the lane
            self.error = exc


def _drain(feeder: _Feeder) -> None:
    """Unblock a feeder whose reader went away (DuckDB failed before or while reading)."""
    while feeder.is_alive():
        try:
            fd = os.open(feeder.fifo, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            feeder.join(0.05)
            continue
        try:
            while feeder.is_alive():
                try:
                    if not os.read(fd, 1 << 20):
                        feeder.join(0.01)
                except BlockingIOError:
                    feeder.join(0.01)
        finally:
            os.close(fd)
    feeder.join()


def _reread(
    reader: DumpReader,
    part: Part,
    label: str,
    layout: Layout,
    regions: list[tuple[int, str]],
    out: PartResult,
) -> int:
    """Re-read the physical lines of DuckDB's rejected records in Python; returns their number.

    A region is (byte offset DuckDB reports for the record, the record's text). DuckDB's offset can
    be one byte off, so the record's first line is the line starting within a byte of it whose text
    matches; the record covers as many lines as its text does.
    """
    targets = sorted((pos, text.split("\n", 1)[0], text.count("\n") + 1) for pos, text in regions)
    n, idx = layout.n_fields, layout.key_index
    offset, lineno, left, seen, t = 0, 0, 0, 0, 0
    for raw in _lines(reader.stream(part), repaired=False):
        lineno += 1
        start, offset = offset, offset + len(raw) + 1
        while t < len(targets) and targets[t][0] < start - 1:
            t += 1  # no line matched this region: the line count check will notice
        if t < len(targets) and abs(targets[t][0] - start) <= 1:
            first = targets[t][1]
            if not first or raw.decode("utf-8", "replace") == first:
                left = max(left, targets[t][2])
                t += 1
        if left <= 0:
            continue
        left -= 1
        seen += 1
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            out.rejects.append(
                Reject(label, lineno, "invalid UTF-8", unrepair(raw.decode("utf-8", "replace")))
            )
            continue
        fields = parse_line(line, n) if line else "empty line"
        if isinstance(fields, str):
            out.rejects.append(Reject(label, lineno, fields, unrepair(line)))
        else:
            out.counts[tuple(fields[i] for i in idx)] += 1
    return seen


def _part(
    con: duckdb.DuckDBPyConnection, reader: DumpReader, part: Part, layout: Layout, fifo: Path
) -> PartResult:
    label = f"{reader.path.name}/{part.label}"
    feeder = _Feeder(reader, part, fifo, layout)
    keys = ", ".join(f'"{k}"' for k in RAW_KEYS)
    out = PartResult(label, layout)
    failed = False
    feeder.start()
    try:
        rows = con.execute(
            f"SELECT {keys}, count(*) FROM {read_csv_sql(str(fifo), layout, False)} GROUP BY ALL"
        ).fetchall()
        regions = con.execute(
            "SELECT line_byte_position, max(csv_line) FROM reject_errors GROUP BY ALL ORDER BY 1"
        ).fetchall()
    except duckdb.Error as exc:
        failed = True
        out.note = " ".join(str(exc).split())[:300]
    finally:
        _drain(feeder)
        with contextlib.suppress(duckdb.Error):
            con.execute("DELETE FROM reject_errors; DELETE FROM reject_scans")
    if feeder.error is not None and not isinstance(feeder.error, RuntimeError):
        raise feeder.error
    if failed or feeder.error is not None:
        res = _python(reader, part, label, layout, "python:duckdb-error")
        res.note = out.note or str(feeder.error)
        return res
    for *key, n in rows:
        out.counts[tuple("" if v is None else v for v in key)] += n
    accepted = out.accepted
    region_lines = 0
    if regions:
        region_lines = _reread(
            reader, part, label, layout, [(pos, text or "") for pos, text in regions], out
        )
    if accepted + region_lines != feeder.lines:
        return _python(reader, part, label, layout, "python:line-count")
    out.data_lines = feeder.lines
    out.mode = "duckdb+rejects" if regions else "duckdb"
    return out


def _python(reader: DumpReader, part: Part, label: str, layout: Layout, mode: str) -> PartResult:
    res = parse_part(reader.stream(part), label, layout)
    res.mode = mode
    return res


def run(
    path: Path,
    *,
    lanes: int = 2,
    threads: int = 2,
    memory_limit: str = "256MB",
    tmp_root: Path | None = None,
    limits=None,
) -> EngineResult:
    """Aggregate every part of a dump; ``lanes`` parts are read at a time."""
    t0 = time.perf_counter()
    with DumpReader(path, limits) as reader:  # every hostile-archive check, before any write
        layout = first_layout(reader)
        parts = list(reader.dump.parts)
    result = EngineResult(layout)
    tmp_root = Path(tmp_root or tempfile.gettempdir())
    tmp_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sor-duckdb-", dir=tmp_root))
    try:
        con = connect(threads, memory_limit, work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    lock = threading.Lock()
    results: dict[int, PartResult] = {}
    errors: list[BaseException] = []
    stop = threading.Event()

    def lane(k: int) -> None:
        fifo = work / f"lane-{k}.csv"
        os.mkfifo(fifo)
        cur = con.cursor()
        try:
            with DumpReader(path, limits) as reader:
                for i in range(k, len(parts), lanes):
                    if stop.is_set():
                        return
                    res = _part(cur, reader, parts[i], layout, fifo)
                    with lock:
                        results[i] = res
        except BaseException as exc:
            stop.set()
            errors.append(exc)
        finally:
            cur.close()

    workers = [
        threading.Thread(target=lane, args=(k,), name=f"sor-lane-{k}") for k in range(max(1, lanes))
    ]
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)
    if errors:
        raise errors[0]
    modes: Counter = Counter()
    part_modes: dict[str, str] = {}  # part label -> the path it took (tests assert it per part)
    for i in sorted(results):
        result.add(results[i])
        modes[results[i].mode] += 1
        part_modes[results[i].label] = results[i].mode
        if results[i].note and "duckdb_error" not in result.stats:
            result.stats["duckdb_error"] = results[i].note
    result.rejects.sort(key=lambda r: (r.file, r.line))
    result.stats["seconds"] = time.perf_counter() - t0
    result.stats.update({f"parts_{k}": v for k, v in modes.items()})
    result.stats["part_modes"] = part_modes
    return result
