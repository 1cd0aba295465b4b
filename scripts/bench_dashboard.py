#!/usr/bin/env python3
"""Server-side run time of every dashboard page.

Builds the embedded default warehouse in a temporary home (every embedded platform source, NCMEC,
the DSA harmonised reports and the regulator register), copies it and adds the platforms'
calendar-year CyberTipline counts of the test fixture (so the NCMEC cross-check has rows) and a
synthetic year of DSA statement-of-reasons daily aggregates for 30 platforms (table ``sor_daily``,
replacing any rows the build made in the copy), then runs each
page with Streamlit's AppTest: once with empty caches (cold: every query hits DuckDB) and several
times more (warm: cached queries, as when a user changes a filter back or another user opens the
same view). The time is the page script's own run time as measured inside the app
(logged at DEBUG level by ``dashboard/app.py``), so it excludes the test harness.

    python scripts/bench_dashboard.py [--days 365] [--platforms 30] [--combos 150]
                                      [--runs 5] [--write docs/benchmarks-dashboard.md]
"""

from __future__ import annotations

import argparse
import logging
import os
import platform as _platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

PAGES = [
    "overview",
    "platform",
    "compare",
    "revisions",
    "coverage",
    "actions",
    "ncmec",
    "dsa",
    "downloads",
    "sources",
    "methodology",
]
TARGET_MS = 500
# heavier views of a page: (page, widget kind, key, value, what it is)
SCENARIOS = [
    ("platform", "selectbox", "platform", "x", "platform, X (17 regulator actions on the axis)"),
    ("platform", "radio", "areas", "all", "platform, Meta, all policy areas"),
    (
        "compare",
        "selectbox",
        "metric",
        "cybertipline_reports_received",
        "compare, CyberTipline reports received (NCMEC, ~300 reporters)",
    ),
    ("actions", "multiselect", "platform", ["x"], "actions, filtered to X"),
    ("dsa", "radio", "focus", "all", "dsa, all statements (per platform and day, 839 days)"),
    ("dsa", "radio", "grain", "day", "dsa, daily counts"),
    (
        "downloads",
        "selectbox",
        "table",
        "sor_daily",
        "downloads, sor_daily (opens on its last 7 days)",
    ),
]

NAMES = [
    "TikTok",
    "Instagram",
    "Facebook",
    "YouTube",
    "Snapchat",
    "X",
    "Pinterest",
    "LinkedIn",
    "Google Play",
    "Google Shopping",
    "Google Maps",
    "Amazon",
    "AliExpress",
    "Temu",
    "SHEIN",
    "Zalando",
    "Booking.com",
    "Bing",
    "App Store",
    "Wikipedia",
    "Pornhub",
    "XVideos",
    "Stripchat",
    "XNXX",
    "Discord",
    "Reddit",
    "Twitch",
    "Quora",
    "Tumblr",
    "Threads",
]


def build_bench_warehouse(home: Path, days: int, n_platforms: int, combos: int) -> tuple[Path, int]:
    import duckdb

    from tests.dashboard_fixture import (
        SOR_DDL,
        add_self_reported_cybertipline,
        add_sor_daily,
        build_default_warehouse,
    )

    base = build_default_warehouse(home)
    db = home / "bench.duckdb"
    shutil.copy(base, db)
    start = date(2024, 9, 1)
    plats = [
        (n.lower().replace(" ", "_"), f"{n} (synthetic)", 1 + (i * 7) % 40)
        for i, n in enumerate(NAMES[:n_platforms])
    ]
    with duckdb.connect(str(db)) as con:
        con.execute("SET enable_progress_bar = false")
        add_self_reported_cybertipline(con)
        con.execute("DROP TABLE IF EXISTS sor_daily")
        con.execute(SOR_DDL)
        rows = add_sor_daily(
            con,
            start=str(start),
            end=str(start + timedelta(days=days - 1)),
            platforms=plats,
            combos=combos,
        )
        con.execute("CHECKPOINT")
    return db, rows


def warehouse_facts(db: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        one = lambda q: con.execute(q).fetchone()[0]  # noqa: E731
        return {
            "observations": one("SELECT count(*) FROM observations"),
            "sources": one("SELECT count(DISTINCT source_id) FROM observations"),
            "platforms": one("SELECT count(DISTINCT platform) FROM observations"),
            "actions": one("SELECT count(*) FROM actions"),
            "cases": one("SELECT count(*) FROM cases"),
            "commitments": one("SELECT count(*) FROM commitments"),
            "crosscheck": one("SELECT count(*) FROM cybertipline_crosscheck"),
        }


class _Timings(logging.Handler):
    """Collects the page run times the app logs (logger transparency.dashboard, DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.ms: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.ms.append(float(record.args[1]))


TIMINGS = _Timings()
_log = logging.getLogger("transparency.dashboard")
_log.setLevel(logging.DEBUG)
_log.addHandler(TIMINGS)
_log.propagate = False


def _clear_caches() -> None:
    """Empty every query cache (results and registry look-ups); the open connection, a
    resource made once per warehouse file, is kept."""
    import streamlit as st

    st.cache_data.clear()
    data = sys.modules.get("data")  # dashboard/data.py as the app imported it
    for name in ("_lookups", "_relations", "_columns"):
        if data is not None and hasattr(data, name):
            getattr(data, name).clear()


def run_page(
    app: str, page: str, runs: int, change: tuple | None = None
) -> tuple[float, list[float], float]:
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("runner.magicEnabled", False)  # as `transparency dashboard` runs it

    at = AppTest.from_file(app, default_timeout=120)
    at.run()  # the router registers its pages on the first run
    _clear_caches()
    at.switch_page(f"app_pages/{page}.py")
    t = time.perf_counter()
    at.run()
    wall = (time.perf_counter() - t) * 1000
    if change:  # then change one widget, with empty caches again
        kind, key, value = change
        _clear_caches()
        getattr(at, kind)(key=key).set_value(value)
        at.run()
    if at.exception:
        raise SystemExit(f"page {page} failed: {at.exception[0].value}")
    cold = TIMINGS.ms[-1]
    warm = []
    for _ in range(runs):
        at.run()
        warm.append(TIMINGS.ms[-1])
    return cold, warm, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--platforms", type=int, default=30)
    ap.add_argument(
        "--combos",
        type=int,
        default=150,
        help="attribute combinations per platform and day (rows per platform-day)",
    )
    ap.add_argument("--runs", type=int, default=5, help="warm runs per page")
    ap.add_argument("--write", type=Path, help="write the results as Markdown to this file")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        home = Path(tmp)
        os.environ["TRANSPARENCY_HOME"] = str(home)
        t = time.perf_counter()
        db, rows = build_bench_warehouse(home, args.days, args.platforms, args.combos)
        prep = time.perf_counter() - t
        os.environ["TRANSPARENCY_DB"] = str(db)
        size = db.stat().st_size
        facts = warehouse_facts(db)
        print(
            f"warehouse: embedded default + sor_daily {rows:,} rows ({args.days} days x "
            f"{args.platforms} platforms x {args.combos} combinations), {size / 1e6:.1f} MB, "
            f"prepared in {prep:.1f} s"
        )
        import duckdb

        t = time.perf_counter()
        duckdb.connect(str(db), read_only=True).close()
        connect_ms = (time.perf_counter() - t) * 1000
        print(
            f"opening the warehouse read-only: {connect_ms:.0f} ms (once per warehouse file, "
            "shared by all sessions)"
        )
        load = os.getloadavg()
        results = []
        for page in PAGES:
            cold, warm, wall = run_page(str(ROOT / "dashboard" / "app.py"), page, args.runs)
            med = statistics.median(warm)
            results.append((page, cold, med, max(warm), wall))
            flag = "" if cold < TARGET_MS else "  (over target cold)"
            print(
                f"{page:10s} cold {cold:7.0f} ms   warm median {med:6.0f} ms   max "
                f"{max(warm):6.0f} ms{flag}"
            )
        for page, kind, key, value, label in SCENARIOS:
            cold, warm, wall = run_page(
                str(ROOT / "dashboard" / "app.py"), page, args.runs, (kind, key, value)
            )
            med = statistics.median(warm)
            results.append((label, cold, med, max(warm), wall))
            print(f"{label}: cold {cold:.0f} ms, warm median {med:.0f} ms, max {max(warm):.0f} ms")
        load_after = os.getloadavg()
    if args.write:
        write_markdown(args, results, rows, size, load, load_after, connect_ms, facts)
        print(f"written to {args.write}")


def write_markdown(args, results, rows, size, load, load_after, connect_ms, facts) -> None:
    lines = [
        "# Dashboard benchmark: server-side page run times",
        "",
        f"Measured {date.today().isoformat()} with `python scripts/bench_dashboard.py"
        f" --write {args.write}` on {_platform.system()} {_platform.machine()}, Python "
        f"{_platform.python_version()}, {os.cpu_count()} CPU cores. **The machine was shared with "
        f"other jobs while measuring** (load average {load[0]:.1f} before, {load_after[0]:.1f} "
        "after), so single figures can be inflated; rerun the script to compare.",
        "",
        f"Warehouse: the embedded default as `transparency build` makes it — "
        f"{facts['observations']:,} observations from {facts['sources']} sources about "
        f"{facts['platforms']} platforms (the platform reports, NCMEC and the DSA harmonised "
        f"reports in data/release/), {facts['actions']} regulator actions in {facts['cases']} "
        f"cases and {facts['commitments']} commitments — plus the test fixture's platform "
        "self-reported CyberTipline years (the NCMEC cross-check view then has "
        f"{facts['crosscheck']} rows) and a synthetic year of DSA statement-of-reasons daily "
        f"aggregates: {rows:,} rows in `sor_daily` ({args.days} days x {args.platforms} platforms "
        f"x {args.combos} attribute combinations). {size / 1e6:.1f} MB in all.",
        "",
        "Time = the page script's own run time inside the app (`page.run()`), without the test "
        "harness. *Cold*: first run with empty query caches (every query reaches DuckDB; this "
        "happens once per warehouse build, for the first visitor of a view); "
        f"*warm*: median and maximum of {args.runs} reruns with cached queries. Target: under "
        f"{TARGET_MS} ms per page. Opening the warehouse file read-only took {connect_ms:.0f} ms "
        "(once per warehouse file; the connection is shared by every session). The last rows "
        "time a page again after changing one filter to its heaviest setting, with empty caches "
        "once more.",
        "",
        "| page | cold (ms) | warm median (ms) | warm max (ms) | under target |",
        "|---|---:|---:|---:|---|",
    ]
    for page, cold, med, mx, _wall in results:
        ok = "yes" if cold < TARGET_MS and mx < TARGET_MS else "no"
        lines.append(f"| {page} | {cold:.0f} | {med:.0f} | {mx:.0f} | {ok} |")
    over = [r[0] for r in results if r[1] >= TARGET_MS or r[3] >= TARGET_MS]
    if over:
        lines += [
            "",
            "Over target: " + "; ".join(over) + ". A cold run happens once per "
            "warehouse build and view (the first visitor); later visits and filter changes "
            "back to a view run on cached queries (the warm figures).",
        ]
    lines.append("")
    args.write.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
