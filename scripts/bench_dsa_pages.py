#!/usr/bin/env python3
"""Server-side run time of the DSA views: the DSA page on the whole Transparency Database per
platform and day (sor_platform_daily: 839 days, 191 platform names, from the embedded default)
and its heaviest filter settings, the same page on ingested dumps (sor_daily), and the coverage
page with its DSA reports section.

Same warehouse and method as ``scripts/bench_dashboard.py`` (embedded default + a synthetic year
of ``sor_daily``; cold = empty query caches, warm = cached reruns; the time is the page script's
own run time logged by ``dashboard/app.py``). ``--write`` replaces the "DSA pages" section of
docs/benchmarks-dashboard.md (or appends it), leaving the rest of that file as it is.

    python scripts/bench_dsa_pages.py [--runs 5] [--write docs/benchmarks-dashboard.md]
"""

from __future__ import annotations

import argparse
import os
import platform as _platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "scripts")]

from bench_dashboard import TARGET_MS, build_bench_warehouse, run_page  # noqa: E402

VIEWS = [
    ("dsa", None, "dsa: protection of minors, weekly, 6 largest platforms (default view)"),
    ("dsa", ("radio", "focus", "all"), "dsa: all statements"),
    ("dsa", ("radio", "focus", "csam"), "dsa: CSAM keyword"),
    ("dsa", ("radio", "grain", "day"), "dsa: daily counts"),
    ("dsa", ("radio", "measure", "rate"), "dsa: per million EU recipients"),
    ("dsa", ("date_input", "date_from", date(2025, 7, 1)), "dsa: from 2025-07-01"),
    ("dsa", ("radio", "data", "ingest"), "dsa: ingested dumps (sor_daily, synthetic year)"),
    ("coverage", None, "coverage, with the DSA reports section"),
]
BEGIN, END = "<!-- dsa-pages:begin -->", "<!-- dsa-pages:end -->"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="warm runs per view")
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dsa-") as tmp:
        home = Path(tmp)
        os.environ["TRANSPARENCY_HOME"] = str(home)
        t = time.perf_counter()
        db, rows = build_bench_warehouse(home, 365, 30, 150)
        os.environ["TRANSPARENCY_DB"] = str(db)
        print(f"warehouse prepared in {time.perf_counter() - t:.1f} s ({rows:,} sor_daily rows)")
        import duckdb

        with duckdb.connect(str(db), read_only=True) as con:
            days, names, n = con.execute(
                "SELECT count(DISTINCT date), count(DISTINCT service), count(*) "
                "FROM sor_platform_daily"
            ).fetchone()
        load = os.getloadavg()
        results = []
        for page, change, label in VIEWS:
            cold, warm, _ = run_page(str(ROOT / "dashboard" / "app.py"), page, args.runs, change)
            med = statistics.median(warm)
            results.append((label, cold, med, max(warm)))
            print(f"{label}: cold {cold:.0f} ms, warm median {med:.0f} ms, max {max(warm):.0f} ms")
        load_after = os.getloadavg()
    if args.write:
        lines = [
            BEGIN,
            "## DSA pages",
            "",
            f"Measured {date.today().isoformat()} with `python scripts/bench_dsa_pages.py --write "
            f"{args.write}` on {_platform.system()} {_platform.machine()}, Python "
            f"{_platform.python_version()}, {os.cpu_count()} CPU cores, shared with other jobs "
            f"(load average {load[0]:.1f} before, {load_after[0]:.1f} after). Warehouse: as above, "
            f"with `sor_platform_daily` from the embedded default ({n:,} rows: {days} days, "
            f"{names} platform names; the page reads its roll-ups `sor_service_daily` and "
            f"`sor_decisions_weekly`) and {rows:,} synthetic rows in `sor_daily`. Rows after the "
            "first change one filter with empty caches again; cold = first run with empty "
            f"query caches, warm = median and maximum of {args.runs} cached reruns.",
            "",
            "| view | cold (ms) | warm median (ms) | warm max (ms) | under 500 ms |",
            "|---|---:|---:|---:|---|",
            *(
                f"| {label} | {cold:.0f} | {med:.0f} | {mx:.0f} | "
                f"{'yes' if cold < TARGET_MS and mx < TARGET_MS else 'NO'} |"
                for label, cold, med, mx in results
            ),
            END,
        ]
        text = args.write.read_text() if args.write.exists() else ""
        block = "\n".join(lines) + "\n"
        if BEGIN in text and END in text:
            text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) + 1 :]
        else:
            text = text.rstrip("\n") + "\n\n" + block
        args.write.write_text(text)
        print(f"written to {args.write}")


if __name__ == "__main__":
    main()
