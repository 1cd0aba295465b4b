"""Tidy exports of the warehouse: filtered observations with their provenance, as CSV, Parquet
or JSON, long (one row per value) or wide (one column per platform or per metric).

Exports are deterministic (fully ordered, written by DuckDB from the same query), so exporting
the same warehouse twice gives byte-identical files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from transparency.publishing import table_download as exports

FORMATS = ("csv", "parquet", "json")
LAYOUTS = ("long", "wide-platform", "wide-metric")

LONG_COLUMNS = [
    "series_id",
    "source_id",
    "platform",
    "service",
    "scope",
    "period_start",
    "period_end",
    "period_label",
    "policy_area",
    "metric",
    "value",
    "unit",
    "qualifier",
    "value_text",
    "raw_platform_label",
    "raw_policy_label",
    "raw_metric_label",
    "reporter",
    "vintage",
    "is_current",
    "snapshot_sha256",
    "source_url",
    "source_file",
    "retrieved_at",
    "row_ref",
]
ORDER = [
    "platform",
    "service",
    "source_id",
    "policy_area",
    "metric",
    "scope",
    "reporter",
    "period_start",
    "period_end",
    "vintage",
    "snapshot_sha256",
    "row_ref",
]


@dataclass
class Filters:
    platform: list[str] = field(default_factory=list)
    service: list[str] = field(default_factory=list)
    policy_area: list[str] = field(default_factory=list)  # an id also selects its children
    metric: list[str] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)
    reporter: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    period_from: date | None = None
    period_to: date | None = None
    as_of: date | None = None  # values as published on this date (else: current values)
    all_vintages: bool = False  # every vintage, not only the current/as-of one

    def describe(self) -> str:
        parts = [
            f"{k}={','.join(v)}" for k, v in self.__dict__.items() if isinstance(v, list) and v
        ]
        parts += [f"{k}={v}" for k, v in self.__dict__.items() if isinstance(v, date)]
        if self.all_vintages:
            parts.append("all vintages")
        return "; ".join(parts) or "everything current"


def observations_sql(f: Filters) -> tuple[str, list]:
    """SQL (with parameters, never formatted values) selecting the filtered long rows."""
    where: list[str] = []
    params: list[object] = []
    for col, values in (
        ("platform", f.platform),
        ("service", f.service),
        ("metric", f.metric),
        ("scope", f.scope),
        ("reporter", f.reporter),
        ("source_id", f.source),
    ):
        if values:
            where.append(f"o.{col} IN ({', '.join('?' * len(values))})")
            params += values
    if f.policy_area:
        where.append(
            "("
            + " OR ".join(["o.policy_area = ? OR o.policy_area LIKE ?"] * len(f.policy_area))
            + ")"
        )
        for p in f.policy_area:
            params += [p, p + ".%"]
    if f.period_from:
        where.append("o.period_end >= ?")
        params.append(f.period_from)
    if f.period_to:
        where.append("o.period_start <= ?")
        params.append(f.period_to)
    if f.as_of:
        where.append("o.vintage <= ?")
        params.append(f.as_of)
    base = "WHERE " + " AND ".join(where) if where else ""
    cols = ", ".join(
        f"o.{c}" for c in LONG_COLUMNS if c not in ("source_url", "source_file", "retrieved_at")
    )
    pick = ""
    if not f.all_vintages:
        if f.as_of:
            pick = (
                "QUALIFY row_number() OVER (PARTITION BY o.source_id, o.platform, o.service, o.scope, o.period_start, "
                "o.period_end, o.policy_area, o.metric, o.reporter ORDER BY o.vintage DESC, s.retrieved_at DESC, o.snapshot_sha256) = 1"
            )
        else:
            base = (base + " AND " if base else "WHERE ") + "o.is_current"
    sql = f"""SELECT {cols}, s.url AS source_url, s.filename AS source_file,
                     strftime(s.retrieved_at, '%Y-%m-%dT%H:%M:%SZ') AS retrieved_at
              FROM observations o JOIN snapshots s ON s.sha256 = o.snapshot_sha256
              {base} {pick}"""
    ordered = f"SELECT {', '.join(LONG_COLUMNS)} FROM ({sql}) ORDER BY {', '.join(c + ' NULLS FIRST' for c in ORDER)}"
    return ordered, params


def _wide_sql(long_sql: str, by: str) -> str:
    """Pivot the long rows: one column per platform (or metric); provenance stays in the long file."""
    index = (
        ["metric", "unit", "policy_area", "scope", "period_start", "period_end", "period_label"]
        if by == "platform"
        else [
            "platform",
            "service",
            "policy_area",
            "scope",
            "period_start",
            "period_end",
            "period_label",
        ]
    )
    key = "platform || '/' || service" if by == "platform" else "metric"
    return (
        f"PIVOT (SELECT {', '.join(index)}, {key} AS pivot_key, value FROM ({long_sql})) "
        f"ON pivot_key USING first(value) GROUP BY {', '.join(index)} ORDER BY {', '.join(index)}"
    )


@dataclass
class ExportResult:
    path: Path
    rows: int
    columns: list[tuple[str, str]]  # (name, DuckDB type)
    source_ids: list[str] = field(default_factory=list)  # the sources the rows came from


def export(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    fmt: str,
    f: Filters,
    layout: str = "long",
    name: str = "observations",
) -> ExportResult:
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r} is not one of {LAYOUTS}")
    if not re.fullmatch(r"[a-z0-9_-]+", name):
        raise ValueError(f"bad resource name {name!r}")
    out.mkdir(parents=True, exist_ok=True)
    sql, params = observations_sql(f)
    if layout != "long":
        sql = _wide_sql(sql, layout.split("-")[1])
    target = out / f"{name}.{fmt}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _export AS {sql}", params)
    result = _write(con, "_export", target, fmt)
    con.execute("DROP TABLE _export")
    return result


WRITERS = {
    "csv": exports.to_csv_bytes,
    "parquet": exports.to_parquet_bytes,
    "json": exports.to_json_bytes,
}


def _write(con: duckdb.DuckDBPyConnection, table: str, target: Path, fmt: str) -> ExportResult:
    """Write a (temporary, already ordered) table with the same code as the dashboard's downloads."""
    columns = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
    arrow = con.sql(f"SELECT * FROM {table}").to_arrow_table()
    target.write_bytes(WRITERS[fmt](arrow))
    sources = (
        [r[0] for r in con.execute(f"SELECT DISTINCT source_id FROM {table} ORDER BY 1").fetchall()]
        if any(c == "source_id" for c, _ in columns)
        else []
    )
    return ExportResult(target, arrow.num_rows, columns, sources)


def export_table(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    fmt: str,
    table: str,
    order: str,
    where: str = "",
    params: list | None = None,
) -> ExportResult:
    """A registry or provenance table as its own resource (snapshots, sources, metrics, ...)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _t AS SELECT * FROM {table} {where} ORDER BY {order}",
        params or [],
    )
    result = _write(con, "_t", out / f"{table}.{fmt}", fmt)
    con.execute("DROP TABLE _t")
    return result
