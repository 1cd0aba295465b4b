"""Exports of a table exactly as shown: CSV and Parquet bytes plus a citation line.

Small functions shared by the dashboard's download buttons and (later) the command line, so a
file downloaded from a chart and one exported by a script carry the same bytes and citation.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__

PROJECT = "transparency — platform-accountability observatory"


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a header row, no index; dates ISO, missing values empty."""
    return df.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d").encode("utf-8")


def to_parquet_bytes(df: pd.DataFrame, *, citation_line: str | None = None) -> bytes:
    """Parquet (zstd) of the same rows and columns; the citation travels in the file metadata."""
    table = pa.Table.from_pandas(df, preserve_index=False)
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
