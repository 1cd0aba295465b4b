"""Validation run on every build: the checks that make a number trustworthy.

Errors (the build fails, naming source, file and row; the old warehouse stays): negative counts,
shares outside 0..1, periods that end before they start, observations without a snapshot or a
declared source, two different values for one key in one file. Warnings (recorded in
``findings``): labels with no harmonised mapping (reported by the normaliser).
"""

from __future__ import annotations

import duckdb

from transparency.harmonisation.findings import Finding
from transparency.harmonisation.normalise import KEY_COLUMNS

_CHECKS = {
    "negative_count": ("m.kind = 'count' AND o.value < 0", "count is negative ({value})"),
    "share_out_of_range": (
        "m.kind = 'share' AND (o.value < 0 OR o.value > 1)",
        "share {value} is outside 0..1",
    ),
    "period_reversed": ("o.period_end < o.period_start", "period ends before it starts"),
}


def observations(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    out: list[Finding] = []
    for check, (where, message) in _CHECKS.items():
        for source_id, file, row, value in con.execute(f"""
            SELECT o.source_id, s.filename, o.row_ref, o.value_text
            FROM observations o LEFT JOIN metrics m USING (metric)
            LEFT JOIN snapshots s ON s.sha256 = o.snapshot_sha256
            WHERE {where} ORDER BY 1, 2, 3 LIMIT 1000""").fetchall():
            out.append(
                Finding(
                    "error", check, source_id, file or "", row or "", message.format(value=value)
                )
            )
    for source_id, sha in con.execute("""
        SELECT DISTINCT o.source_id, o.snapshot_sha256 FROM observations o
        LEFT JOIN snapshots s ON s.sha256 = o.snapshot_sha256
        LEFT JOIN sources src ON src.source_id = o.source_id
        WHERE s.sha256 IS NULL OR src.source_id IS NULL""").fetchall():
        out.append(
            Finding(
                "error",
                "no_provenance",
                source_id,
                sha,
                "",
                "observations without a stored snapshot or a declared source",
            )
        )
    keys = ", ".join(KEY_COLUMNS)
    for source_id, file, rows, n in con.execute(f"""
        SELECT o.source_id, s.filename, string_agg(o.row_ref, ' and ' ORDER BY o.row_ref), count(*)
        FROM observations o JOIN snapshots s ON s.sha256 = o.snapshot_sha256
        WHERE o.policy_area IS NOT NULL AND o.metric IS NOT NULL AND o.platform IS NOT NULL
          AND o.scope IS NOT NULL
        GROUP BY o.snapshot_sha256, s.filename, {", ".join("o." + k for k in KEY_COLUMNS)}
        HAVING count(DISTINCT coalesce(o.value_text, '')) > 1 ORDER BY 1, 2, 3 LIMIT 1000""").fetchall():
        out.append(
            Finding(
                "error",
                "duplicate_key",
                source_id,
                file,
                rows,
                f"{n} rows give different values for one key ({keys}): map the raw labels to distinct ids",
            )
        )
    out += missing_series(con)
    return out


def missing_series(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """Series a platform reported in its previous release but not in its latest: it stopped
    reporting them (or renamed a label). Warnings, so advocates see who stopped reporting what."""
    rows = con.execute("""
        WITH ranked AS (
            SELECT source_id, sha256, filename, vintage,
                   dense_rank() OVER (PARTITION BY source_id ORDER BY vintage DESC) AS r
            FROM snapshots),
        series AS (
            SELECT DISTINCT r.source_id, r.r, r.filename, o.series_id, o.platform, o.service, o.policy_area,
                   o.metric, o.raw_policy_label, o.raw_metric_label
            FROM observations o JOIN ranked r ON r.sha256 = o.snapshot_sha256
            WHERE r.r <= 2 AND o.reporter = 'platform' AND o.value IS NOT NULL)
        SELECT p.source_id, (SELECT string_agg(DISTINCT l.filename, ', ') FROM series l
                             WHERE l.source_id = p.source_id AND l.r = 1) AS latest_file,
               p.platform, p.service, p.raw_policy_label, p.raw_metric_label
        FROM series p
        WHERE p.r = 2 AND NOT EXISTS (SELECT 1 FROM series l WHERE l.source_id = p.source_id AND l.r = 1
                                      AND l.series_id = p.series_id)
        ORDER BY ALL LIMIT 2000""").fetchall()
    return [
        Finding(
            "warning",
            "missing_series",
            sid,
            latest or "",
            "",
            f"{platform}/{service} {policy!r} {metric!r} was reported in the previous release but not in this one",
        )
        for sid, latest, platform, service, policy, metric in rows
    ]
