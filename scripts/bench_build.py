"""Benchmark the warehouse build and the Meta parser; print the figures.

    python scripts/bench_build.py [--runs 5]

Measures, each as a fresh process (what a user runs), median of --runs:
- `transparency build --force` of the embedded default (a full build),
- `transparency build` with no changed input (the fingerprint short-cut),
- parsing Meta's CSER CSV: the real 2021Q2 release when ../shared is present, and a generated
  file the size of Meta's 2026 release (5,409 rows, all policy areas, 2017Q4 onward).
Results go to stdout as a Markdown table (paste into docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}


def timed(cmd: list[str], env: dict, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times)


def big_meta_csv(path: Path, rows: int = 5409) -> None:
    """A CSER-shaped file of ``rows`` rows: every policy area x metric x quarter 2017Q4 onward."""
    areas = [
        "Adult Nudity & Sexual Activity",
        "Bullying & Harassment",
        "Child Endangerment: Nudity and Physical Abuse",
        "Child Endangerment: Sexual Exploitation",
        "Dangerous Organizations: Terrorism",
        "Dangerous Organizations: Organized Hate",
        "Fake Accounts",
        "Hateful Conduct",
        "Restricted Goods & Services: Drugs",
        "Restricted Goods & Services: Firearms",
        "Spam",
        "Suicide and Self-Injury",
        "Violent & Graphic Content",
        "Violence & Incitement",
    ]
    metrics = [
        "Content Actioned",
        "Content Appealed",
        "Content Restored with appeal",
        "Content Restored without appeal",
        "Proactive rate",
    ]
    quarters = [f"{y}Q{q}" for y in range(2017, 2027) for q in range(1, 5)][3:]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["app", "policy_area", "metric", "period", "value"])
        n = 0
        while n < rows:
            for app in ("Facebook", "Instagram"):
                for a in areas:
                    for m in metrics:
                        for q in quarters:
                            if n >= rows:
                                break
                            w.writerow(
                                [
                                    app,
                                    a,
                                    m,
                                    q,
                                    "99.10%"
                                    if m == "Proactive rate"
                                    else f"{(n * 7919) % 9_000_000:,}",
                                ]
                            )
                            n += 1


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        env = {**ENV, "TRANSPARENCY_HOME": tmp}
        db = Path(tmp) / "bench.duckdb"
        subprocess.run(
            [py, "-m", "transparency", "build", "-q", "--db", str(db)], env=env, check=True
        )  # warm caches
        full = timed(
            [py, "-m", "transparency", "build", "--force", "-q", "--db", str(db)], env, args.runs
        )
        noop = timed([py, "-m", "transparency", "build", "-q", "--db", str(db)], env, args.runs)
        rows = [
            ("build of the embedded default (`build --force`)", *full),
            ("build with no changed input (`build`)", *noop),
        ]
        real = REPO.parent / "shared" / "real" / "platforms" / "meta" / "meta-cser-2021-q2.csv"
        big = Path(tmp) / "meta-cser-5409.csv"
        big_meta_csv(big)
        for label, f in (
            ("parse Meta CSER 2021Q2 (1,904 rows)", real),
            ("parse Meta CSER, 5,409 rows (2026 size)", big),
        ):
            if f.exists():
                cmd = [py, "-m", "transparency", "parse", "meta_cser", str(f)]
                rows.append((label + " incl. start-up", *timed(cmd, env, args.runs)))
        sys.path[:0] = [str(REPO / "src"), str(REPO)]
        from transparency.acquisition.parsing import parse_file
        from transparency.acquisition.sources import get_source

        t = time.perf_counter()
        n = len(parse_file(get_source("meta_cser"), big).records)
        rows.append(
            (
                f"parse Meta CSER in-process ({n:,} rows)",
                time.perf_counter() - t,
                time.perf_counter() - t,
            )
        )
        with __import__("duckdb").connect(str(db), read_only=True) as con:
            obs = con.execute("SELECT count(*) FROM observations").fetchone()[0]
    print(f"machine: {os.cpu_count()} cores; runs: {args.runs}; warehouse: {obs:,} observations\n")
    print("| what | median (s) | max (s) |\n|---|---:|---:|")
    for label, med, mx in rows:
        print(f"| {label} | {med:.2f} | {mx:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
