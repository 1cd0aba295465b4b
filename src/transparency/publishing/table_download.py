"""Exports of a table exactly as shown: CSV and Parquet bytes plus a citation line.

Small functions shared by the dashboard's download buttons and ``transparency export``, so a
file downloaded from a chart and one exported by a script carry the same bytes and citation.
Each accepts a pandas DataFrame or a pyarrow Table (which keeps dates as dates).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TypeAlias

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from transparency import __version__

PROJECT = "transparency — platform-accountability observatory"


Frame: TypeAlias = pd.DataFrame | pa.Table


def _pandas(df: Frame) -> pd.DataFrame:
    """A DataFrame; from Arrow, dates stay dates and timestamps become ISO 8601 text ("...T...Z")."""
    if not isinstance(df, pa.Table):
        return df
    import pyarrow.compute as pc

    for i, f in enumerate(df.schema):
        if pa.types.is_timestamp(f.type):
            df = df.set_column(i, f.name, pc.strftime(df.column(i), format="%Y-%m-%dT%H:%M:%SZ"))
    return df.to_pandas(date_as_object=True)


def to_csv_bytes(df: Frame) -> bytes:
    """UTF-8 CSV with a header row, no index; dates ISO, booleans true/false, missing values empty."""
    frame = _pandas(df).copy()
    for col in frame.columns:
        if frame[col].dtype == bool or str(frame[col].dtype) == "boolean":
            frame[col] = frame[col].map({True: "true", False: "false"})
    return frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d").encode("utf-8")


def to_json_bytes(df: Frame) -> bytes:
    """A JSON array of row objects; dates ISO, numbers exact (shortest round-trip repr), missing null."""
    import json
    import math

    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df, preserve_index=False)

    def cell(v: object) -> object:
        if isinstance(v, float) and math.isnan(v):
            return None
        return v.isoformat().replace("+00:00", "Z") if hasattr(v, "isoformat") else v

    rows = [{k: cell(v) for k, v in row.items()} for row in table.to_pylist()]
    return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def to_parquet_bytes(df: Frame, *, citation_line: str | None = None) -> bytes:
    """Parquet (zstd) of the same rows and columns; the citation travels in the file metadata."""
    table = df if isinstance(df, pa.Table) else pa.Table.from_pandas(df, preserve_index=False)
    if citation_line:
        meta = dict(table.schema.metadata or {})
        meta[b"citation"] = citation_line.encode("utf-8")
        table = table.replace_schema_metadata(meta)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def citation(
    sources: Iterable[Mapping[str, object]],
    *,
    dataset: str,
    filters: Mapping[str, object] | None = None,
    accessed: date | None = None,
    rows: int | None = None,
) -> str:
    """One line naming the dataset, the filters, and every source (publisher, title, URL, licence).

    ``sources``: mappings with any of ``publisher``, ``title``, ``url`` (or ``homepage``),
    ``licence``, ``retrieved`` (last retrieval date); duplicates are listed once.
    """
    parts = [f"{PROJECT} (version {__version__}), dataset '{dataset}'"]
    shown = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
    if shown:
        parts.append("filters " + "; ".join(f"{k}={_fmt(v)}" for k, v in shown.items()))
    if rows is not None:
        parts.append(f"{rows:,} rows")
    parts.append(f"accessed {(accessed or date.today()).isoformat()}")
    seen: list[str] = []
    for s in sources:
        url = s.get("url") or s.get("homepage") or ""
        bits = [str(s.get("publisher") or ""), str(s.get("title") or "")]
        text = ", ".join(b for b in bits if b)
        if url:
            text += f" <{url}>"
        if s.get("retrieved"):
            text += f", retrieved {str(s['retrieved'])[:10]}"
        if s.get("licence"):
            text += f" ({s['licence']})"
        if text and text not in seen:
            seen.append(text)
    line = ". ".join(parts) + "."
    if seen:
        line += " Sources: " + "; ".join(seen) + "."
    return line


def _fmt(v: object) -> str:
    if isinstance(v, list | tuple | set):
        return ",".join(str(x) for x in v)
    return str(v)
