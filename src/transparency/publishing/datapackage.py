"""Frictionless Data Package for an export: a Table Schema per resource (types, units,
descriptions), the sources with URLs and licences, the snapshots (sha256) the numbers came from,
and a suggested citation. Deterministic: the same export gives the same datapackage.json."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

DESCRIPTIONS = {
    "series_id": "Stable series identifier: hash of source, platform, service, scope, policy area, metric and reporter",
    "source_id": "Source that published the value (see the sources resource)",
    "platform": "Harmonised platform id (data/registry/platforms.csv)",
    "service": "Harmonised service id; 'all' for family totals",
    "scope": "Geography: global, EU, EEA or an ISO 3166-1 alpha-2 code",
    "period_start": "First day of the period covered (inclusive)",
    "period_end": "Last day of the period covered (inclusive)",
    "period_label": "Canonical period label (2021-Q2, 2024-H1, 2023, ...)",
    "policy_area": "Harmonised policy area aligned with the DSA statement categories (see policy_areas)",
    "metric": "Harmonised metric id (see the metrics resource for definitions and units)",
    "value": "The value; shares as fractions 0..1; empty when the source printed no number",
    "unit": "Unit of value (pieces of content, accounts, reports, share (0-1), hours, ...)",
    "qualifier": "range (low end), censored, approx, lower_bound, footnote, not_a_number, or empty",
    "value_text": "The value exactly as printed in the source file",
    "raw_platform_label": "Platform or service name as printed",
    "raw_policy_label": "Policy label as printed",
    "raw_metric_label": "Metric label as printed",
    "reporter": "Who states the number: platform (self-reported) or a third party such as NCMEC",
    "vintage": "Release date of the report that stated the value",
    "is_current": "True for the latest vintage of the key",
    "snapshot_sha256": "sha256 of the raw public file the value was parsed from",
    "source_url": "Public URL of that file",
    "source_file": "File name as published",
    "retrieved_at": "When the file was retrieved (UTC)",
    "row_ref": "Where in the file the value stands (line, sheet cell, page)",
}
TYPES = {
    "VARCHAR": "string",
    "DOUBLE": "number",
    "FLOAT": "number",
    "DATE": "date",
    "BOOLEAN": "boolean",
    "BIGINT": "integer",
    "INTEGER": "integer",
    "HUGEINT": "integer",
    "TIMESTAMP": "datetime",
    "DECIMAL": "number",
}
MEDIA = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "json": "application/json"}


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_schema(columns: list[tuple[str, str]]) -> dict:
    """A Table Schema from (name, DuckDB type) pairs."""
    fields = []
    for name, typ in columns:
        base = str(typ).split("(")[0].upper()
        field: dict = {"name": name, "type": TYPES.get(base, "string")}
        if name in DESCRIPTIONS:
            field["description"] = DESCRIPTIONS[name]
        fields.append(field)
    return {"fields": fields}


def resource(path: Path, fmt: str, title: str, columns: list[tuple[str, str]]) -> dict:
    res = {
        "name": path.stem.replace("_", "-"),
        "path": path.name,
        "title": title,
        "format": fmt,
        "mediatype": MEDIA[fmt],
        "bytes": path.stat().st_size,
        "hash": f"sha256:{_file_hash(path)}",
        "schema": table_schema(columns),
    }
    if fmt == "csv":
        res["encoding"] = "utf-8"
    return res


def write(
    out: Path,
    con: duckdb.DuckDBPyConnection,
    resources: list[dict],
    *,
    filters: str,
    fingerprint: str,
    source_ids: list[str],
) -> Path:
    """Write datapackage.json describing ``resources`` (already written into ``out``)."""
    src_rows = con.execute(
        "SELECT source_id, publisher, title, homepage, licence, verification FROM sources "
        "WHERE source_id IN "
        "(SELECT unnest(?::VARCHAR[])) ORDER BY source_id",
        [source_ids],
    ).fetchall()
    snaps = con.execute(
        "SELECT count(*), max(retrieved_at)::DATE FROM snapshots WHERE source_id IN (SELECT unnest(?::VARCHAR[]))",
        [source_ids],
    ).fetchone()
    n_snaps, newest = snaps or (0, None)
    package = {
        "name": "transparency-observations",
        "title": "Platform enforcement and transparency observations",
        "description": (
            "Tidy time series of what platforms and third parties published about content enforcement, "
            f"with provenance for every value. Selection: {filters}."
        ),
        "version": fingerprint[:12],
        "homepage": "https://github.com/transparency-observatory/transparency",
        "licenses": [
            {
                "name": "other-at",
                "title": "Facts from public documents; each source's own terms apply (see sources)",
            }
        ],
        "sources": [
            {
                "title": f"{pub}: {title}",
                "path": home,
                "description": f"source_id {sid}; licence: {lic}; parser verified: {ver}",
                "verification": ver,
            }
            for sid, pub, title, home, lic, ver in src_rows
        ],
        "citation": (
            f"transparency observatory, platform enforcement observations (selection: {filters}), "
            f"built from {n_snaps} public files retrieved up to {newest}, build {fingerprint[:12]}. "
            "Cite each value's source_url as well."
        ),
        "resources": resources,
    }
    target = out / "datapackage.json"
    target.write_text(
        json.dumps(package, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return target
