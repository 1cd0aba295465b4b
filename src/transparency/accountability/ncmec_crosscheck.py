"""The NCMEC domain's build step: the ``cybertipline_crosscheck`` view, which sets what platforms
say they reported to NCMEC's CyberTipline beside what NCMEC says it received from them.

The view (DDL in ``schema_ncmec.sql``) reads only the ``observations`` and ``snapshots`` tables,
so it always reflects the current build; this step creates it and records its row count.
"""

from __future__ import annotations

from pathlib import Path

SCHEMA = Path(__file__).with_name("schema_ncmec.sql")
CROSSCHECK_COLUMNS = [
    "platform",
    "service",
    "year",
    "self_reported",
    "ncmec_received",
    "ratio",
    "self_source_url",
    "ncmec_source_url",
]


def create_views(con) -> None:
    """Create (or replace) the NCMEC views on an open warehouse connection."""
    con.execute(SCHEMA.read_text())


def step(ctx) -> None:
    create_views(ctx.con)
    ctx.stats["cybertipline_crosscheck"] = ctx.con.execute(
        "SELECT count(*) FROM cybertipline_crosscheck"
    ).fetchone()[0]
