"""``transparency sor …``: EU DSA statements of reasons -- synthetic dumps, ingest, aggregates."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from transparency.cli.app import DbOption, app, check_writable_dir, console, fail, out

sor = typer.Typer(
    help="EU DSA Transparency Database statements of reasons: daily dumps -> sor_daily.",
    no_args_is_help=True,
)
app.add_typer(sor, name="sor")

EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help="duckdb (default: bounded memory, one machine) "
        "or spark (local mode, a cluster or Spark Connect).",
    ),
]


def _run_build(db: Path | None, quiet: bool = False) -> None:
    from transparency.build.compose import BuildError
    from transparency.build.compose import build as run_build

    try:
        report = run_build(db)
    except BuildError as exc:
        raise fail(
            str(exc).splitlines()[0] + " (run `transparency build` for details)", 1
        ) from None
    rows = report.tables.get("sor_daily", (0, ""))[0]
    if not quiet:
        out.print(
            f"warehouse {report.db}: sor_daily {rows:,} rows, sor_rejects "
            f"{report.tables.get('sor_rejects', (0, ''))[0]:,}, sor_files {report.tables.get('sor_files', (0, ''))[0]:,}"
        )


def _check_files(files: list[Path]) -> None:
    for p in files:
        if p.is_dir():
            raise fail(f"{p} is a folder: give the file itself")
        if not p.is_file():
            raise fail(f"{p}: no such file")


def _summary(rec) -> str:
    sha = {True: "sha1 ok", False: "sha1 MISMATCH", None: "no .sha1"}[rec.sha1_ok]
    return (
        f"{rec.file}: {rec.rows:,} rows, {rec.rejects:,} rejects, schema v{rec.schema_version}, "
        f"{rec.engine}, {sha}, {rec.seconds:.1f}s"
    )


@sor.command()
def synth(
    day: Annotated[
        str,
        typer.Option(
            "--date", help="Dump day YYYY-MM-DD (schema v1 before 2025-07-01, v2 from then)."
        ),
    ],
    rows: Annotated[
        int, typer.Option("--rows", help="Statements in the day (a real 2024 day: ~55,000,000).")
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for sor-global-<date>-full.zip and its .sha1.")
    ],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 0,
    malformed: Annotated[
        float,
        typer.Option(
            "--malformed-share",
            help="Share of rows with literal backslash-quotes (repairable, issue #454).",
        ),
    ] = 0.0,
    broken: Annotated[
        float,
        typer.Option(
            "--broken-share",
            help="Share of rows with a cell ending in a backslash (unreadable: become rejects).",
        ),
    ] = 0.0,
    workers: Annotated[
        int, typer.Option("--workers", help="Processes writing inner ZIPs in parallel.")
    ] = 1,
    part_ids: Annotated[
        int, typer.Option("--part-ids", help="Ids per CSV part minus one (official: 100000).")
    ] = 100_000,
    zip_ids: Annotated[
        int, typer.Option("--zip-ids", help="Ids per inner ZIP minus one (official: 1000000).")
    ] = 1_000_000,
) -> None:
    """Write a synthetic daily dump in the exact official packaging (outer stored ZIP, inner
    .csv.zip of 1,000,001 ids, CSV parts of 100,001 ids each with a header, .sha1 beside it)."""
    from transparency.sor import synth as gen

    try:
        d = date.fromisoformat(day)
    except ValueError:
        raise fail(f"--date: {day!r} is not a date (YYYY-MM-DD)") from None
    check_writable_dir(out_dir)
    try:
        res = gen.generate(
            out_dir,
            d,
            rows,
            seed=seed,
            malformed_share=malformed,
            broken_share=broken,
            workers=workers,
            part_ids=part_ids,
            zip_ids=zip_ids,
        )
    except ValueError as exc:
        raise fail(str(exc)) from None
    out.print(
        f"{res.zip_path}: {res.rows:,} rows ({res.malformed:,} malformed, {res.broken:,} broken) in "
        f"{res.parts} parts, {res.csv_bytes:,} bytes of CSV, {res.zip_path.stat().st_size:,} bytes zipped"
    )


@sor.command()
def ingest(
    paths_: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...",
            help="Daily dump ZIPs (sor-<platform>-<date>-full|light.zip) or aggregates-<date>.csv files.",
        ),
    ],
    engine: EngineOpt = "duckdb",
    db: DbOption = None,
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="Spark master URL (spark://…, yarn, local[4]) or Spark Connect URL (sc://…) [default: local[2]].",
        ),
    ] = None,
    threads: Annotated[int, typer.Option("--threads", help="DuckDB threads.", min=1)] = 2,
    lanes: Annotated[
        int, typer.Option("--lanes", help="CSV parts streamed at once (DuckDB engine).", min=1)
    ] = 2,
    memory_limit: Annotated[
        str,
        typer.Option(
            "--memory-limit",
            help="DuckDB memory_limit (it holds the CSV buffers of the parts being read; spills to the home folder beyond it).",
        ),
    ] = "256MB",
    max_ratio: Annotated[
        float,
        typer.Option("--max-ratio", help="Refuse members expanding more than this (zip bombs)."),
    ] = 200.0,
    max_total: Annotated[
        int,
        typer.Option("--max-total-bytes", help="Refuse dumps declaring more CSV bytes than this."),
    ] = 2 * 10**12,
    allow_sha1_mismatch: Annotated[
        bool,
        typer.Option(
            "--allow-sha1-mismatch",
            help="Keep a dump whose .sha1 does not match (recorded as sha1_ok = false).",
        ),
    ] = False,
    build_after: Annotated[
        bool, typer.Option("--build/--no-build", help="Rebuild the warehouse afterwards.")
    ] = True,
) -> None:
    """Ingest daily dumps (streaming: never unzipped to disk; sha1 checked when the .sha1 file is
    beside it) or official aggregates CSVs into per-day Parquet files under the home folder, then
    rebuild the warehouse: tables sor_daily, sor_rejects, sor_files.

    Hostile archives (zip bombs, path traversal, nesting, encrypted or corrupt members) are
    refused with exit code 2 and a one-line error; nothing is written for them.
    """
    from transparency.sor.archive import Limits
    from transparency.sor.ingest import ERRORS, Options
    from transparency.sor.ingest import ingest as run_ingest

    if engine not in ("duckdb", "spark"):
        raise fail(f"unknown engine {engine!r}: use duckdb or spark")
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*(%|B|[KMGT]i?B)\s*", memory_limit, flags=re.IGNORECASE):
        raise fail(f"--memory-limit {memory_limit!r} is not a size such as 256MB or 2GiB")
    if max_ratio <= 0 or max_total <= 0:
        raise fail("--max-ratio and --max-total-bytes must be more than 0")
    _check_files(paths_)
    opts = Options(
        engine=engine,
        spark_master=spark_master,
        threads=threads,
        lanes=lanes,
        memory_limit=memory_limit,
        limits=Limits(max_ratio=max_ratio, max_total_bytes=max_total),
        allow_sha1_mismatch=allow_sha1_mismatch,
    )
    for p in paths_:
        try:
            rec = run_ingest(p, opts)
        except ERRORS as exc:
            raise fail(" ".join(str(exc).split())) from None
        except ImportError as exc:
            raise fail(f"{p.name}: the {engine} engine is not available ({exc})") from None
        out.print(_summary(rec), highlight=False, soft_wrap=True)
        slow = {k: v for k, v in rec.stats.items() if k.startswith("parts_python")}
        if slow:
            console.print(
                f"note: {rec.file}: {sum(slow.values())} part(s) re-read by the Python fallback "
                f"({', '.join(k[13:] for k in slow)}{'; ' + rec.stats['duckdb_error'][:120] if 'duckdb_error' in rec.stats else ''})",
                highlight=False,
                soft_wrap=True,
            )
    if build_after:
        _run_build(db)


@sor.command()
def aggregates(
    paths_: Annotated[
        list[Path],
        typer.Argument(metavar="PATH...", help="Official aggregates-YYYY-MM-DD.csv files."),
    ],
    db: DbOption = None,
    build_after: Annotated[
        bool, typer.Option("--build/--no-build", help="Rebuild the warehouse afterwards.")
    ] = True,
) -> None:
    """Ingest the official daily aggregates CSV (13 columns): the cheap path into sor_daily.
    Where a dump of the same day and platform is ingested too, the dump's rows win."""
    from transparency.sor.aggregates import AggregatesError, is_aggregates
    from transparency.sor.ingest import ingest_aggregates

    _check_files(paths_)
    for p in paths_:
        if not is_aggregates(p):
            raise fail(
                f"{p.name}: not an aggregates file name (expected aggregates-YYYY-MM-DD.csv)"
            )
    for p in paths_:
        try:
            rec = ingest_aggregates(p)
        except AggregatesError as exc:
            raise fail(" ".join(str(exc).split())) from None
        out.print(_summary(rec), highlight=False, soft_wrap=True)
    if build_after:
        _run_build(db)


__all__ = ["sor", "console"]
