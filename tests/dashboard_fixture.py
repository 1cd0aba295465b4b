"""A fixture warehouse for the dashboard tests: the real embedded default, plus only what it still
lacks.

- The base is ``transparency.build.compose.build()`` on the embedded default: every platform source, NCMEC
  and the DSA harmonised reports in data/release/, and the real regulator tables (``actions``,
  ``cases``, ``commitments``, ``action_types``, ``fx_rates``) and views (``revisions``,
  ``cybertipline_crosscheck``) the build creates. Nothing of these is replaced or added to.
- Platform self-reported CyberTipline counts per calendar year (source
  ``fixture_cybertipline_self``): the embedded default has no platform figure covering a whole
  calendar year for which NCMEC's per-provider counts are embedded (2019, 2021, 2023), so the real
  ``cybertipline_crosscheck`` view is empty on it. These are real published values, as compiled by
  apparebit/diaphanous in data/comparable-reports-by-provider.csv (commit f93238b0, CC BY 4.0,
  Robert Grimm); each row names the platform's own report page. The view then pairs them with
  the real NCMEC counts of the build (e.g. Snapchat 2023: 691,225 self-reported vs 713,055
  received by NCMEC).
- ``sor_daily`` (DSA statement-of-reasons daily aggregates): **synthetic** counts (deterministic,
  hash-based), shaped like the official daily aggregates, added only when the build made no such
  table or left it empty, because no per-platform aggregate file is available offline.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

from tests.conftest import FIXTURES
from transparency.acquisition.store import SnapshotStore
from transparency.build.compose import build
from transparency.harmonisation.normalise import series_id

META_URL = "https://transparency.fb.com/sr/community-standards/"

# Same columns as the DSA statements-of-reasons build step's table (schema_sor.sql).
SOR_DDL = """
CREATE TABLE sor_daily (
    date DATE NOT NULL, platform VARCHAR, platform_name VARCHAR NOT NULL, category VARCHAR,
    keyword VARCHAR, decision_visibility VARCHAR, decision_account VARCHAR,
    decision_monetary VARCHAR, decision_provision VARCHAR, decision_ground VARCHAR,
    automated_detection VARCHAR, automated_decision VARCHAR, content_type VARCHAR,
    source_type VARCHAR, count BIGINT NOT NULL)"""

SELF_SOURCE = "fixture_cybertipline_self"
DIAPHANOUS = (
    "https://github.com/apparebit/diaphanous/blob/f93238b00ab77abe920585ec72f4023ca3482e13"
    "/data/comparable-reports-by-provider.csv"
)
SELF_URLS = {
    "snap": "https://values.snap.com/privacy/transparency",
    "discord": "https://discord.com/safety-transparency-reports",
    "google": "https://transparencyreport.google.com/child-sexual-abuse-material/reporting",
    "reddit": "https://www.redditinc.com/policies/transparency-report",
    "pinterest": "https://policy.pinterest.com/en/transparency-report",
}
# (platform, service as NCMEC's rows name it, raw label, year, CyberTipline reports the platform
# says it made), from comparable-reports-by-provider.csv
SELF_REPORTED = [
    ("snap", "snapchat", "Snap", 2022, 550_755),
    ("snap", "snapchat", "Snap", 2023, 691_225),
    ("discord", "discord", "Discord", 2021, 24_623),
    ("discord", "discord", "Discord", 2023, 164_478),
    ("google", "all", "Google", 2021, 870_319),
    ("google", "all", "Google", 2023, 1_472_221),
    ("reddit", "reddit", "Reddit", 2019, 724),
    ("reddit", "reddit", "Reddit", 2021, 10_059),
    ("reddit", "reddit", "Reddit", 2023, 290_121),
    ("pinterest", "pinterest", "Pinterest", 2021, 2_684),
    ("pinterest", "pinterest", "Pinterest", 2023, 50_437),
]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def add_self_reported_cybertipline(con: duckdb.DuckDBPyConnection) -> int:
    """The platforms' own calendar-year CyberTipline counts (one snapshot per platform, hashed
    from the fixture's own row text). Returns the rows added."""
    con.execute(
        """INSERT INTO sources (source_id, publisher, kind, title, homepage, formats,
                       cadence, licence, download_urls, reporter, platform, coverage,
                       expected_lag_days)
                   VALUES (?, ?, 'platform report', ?, ?, 'csv', 'annual', ?, ?, 'platform', '',
                           ?, 120)""",
        [
            SELF_SOURCE,
            "Each platform (transcribed by apparebit/diaphanous)",
            "Platform self-reported CyberTipline reports per year (test fixture)",
            "https://github.com/apparebit/diaphanous",
            "Public documents of the platforms; transcription CC BY 4.0 (Robert Grimm, "
            "apparebit/diaphanous)",
            DIAPHANOUS,
            "CyberTipline reports made, per calendar year (test fixture)",
        ],
    )
    for platform in dict.fromkeys(r[0] for r in SELF_REPORTED):
        rows = [r for r in SELF_REPORTED if r[0] == platform]
        sha = _sha(repr(rows))
        con.execute(
            """INSERT INTO snapshots (sha256, source_id, url, filename, retrieved_at,
                           media_type, origin, vintage, vintage_basis, records)
                       VALUES (?, ?, ?, ?, '2024-10-16', 'text/csv', 'fixture', '2024-10-16',
                               'retrieved', ?)""",
            [
                sha,
                SELF_SOURCE,
                SELF_URLS[platform],
                f"comparable-reports-by-provider.csv ({rows[0][2]} rows)",
                len(rows),
            ],
        )
        for _, service, label, year, value in rows:
            key = (
                SELF_SOURCE,
                platform,
                service,
                "global",
                "protection_of_minors.child_sexual_exploitation",
                "cybertipline_reports",
                "platform",
            )
            con.execute(
                """INSERT INTO observations (series_id, source_id, platform, service,
                               scope, period_start, period_end, period_label, policy_area, metric,
                               value, unit, qualifier, value_text, raw_platform_label,
                               raw_policy_label, raw_metric_label, raw_scope_label, reporter,
                               snapshot_sha256, row_ref, vintage, is_current)
                           VALUES (?, ?, ?, ?, 'global', ?, ?, ?, ?, 'cybertipline_reports', ?,
                                   'reports', '', ?, ?, 'CyberTipline reports', ?, 'global',
                                   'platform', ?, ?, '2024-10-16', true)""",
                [
                    series_id(*key),
                    SELF_SOURCE,
                    platform,
                    service,
                    f"{year}-01-01",
                    f"{year}-12-31",
                    str(year),
                    key[4],
                    value,
                    f"{value:,}",
                    label,
                    f"{label} (observer) {year}",
                    sha,
                    f"{year},{label}",
                ],
            )
    return len(SELF_REPORTED)


# named "(synthetic)" so that no page or screenshot can pass these counts off as published ones
SOR_PLATFORMS = [
    (p, f"{name} (synthetic)", scale)
    for p, name, scale in [
        ("tiktok", "TikTok", 40),
        ("meta", "Instagram", 12),
        ("meta", "Facebook", 9),
        ("snap", "Snapchat", 3),
        ("x", "X", 2),
        ("google", "YouTube", 8),
    ]
]
CATEGORIES = [
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_VIOLENCE",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_SELF_HARM",
]
MINOR_KEYWORDS = [
    "",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
    "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL,KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
]
VISIBILITY = [
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_REMOVED,DECISION_VISIBILITY_CONTENT_LABELLED",
    "",
]


def add_sor_daily(
    con: duckdb.DuckDBPyConnection,
    *,
    start: str = "2025-06-01",
    end: str = "2025-07-31",
    platforms=SOR_PLATFORMS,
    combos: int = 24,
) -> int:
    """Synthetic daily statement-of-reasons aggregates (deterministic): ``combos`` attribute
    combinations per platform and day, counts scaled per platform. Returns rows added."""
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _sor_platforms (platform VARCHAR, "
        "platform_name VARCHAR, scale INTEGER)"
    )
    con.execute("DELETE FROM _sor_platforms")
    con.executemany("INSERT INTO _sor_platforms VALUES (?, ?, ?)", [list(p) for p in platforms])
    before = con.execute("SELECT count(*) FROM sor_daily").fetchone()[0]
    con.execute(
        """
        INSERT INTO sor_daily
        WITH d AS (SELECT unnest(generate_series(?::DATE, ?::DATE, INTERVAL 1 DAY))::DATE AS date),
             k AS (SELECT unnest(range(?)) AS k),
             g AS (SELECT d.date, p.platform, p.platform_name, p.scale, k.k,
                          hash(d.date, p.platform_name, k.k) AS h
                   FROM d, _sor_platforms p, k)
        SELECT date, platform, platform_name,
               c.cats[1 + (h % 6)::INTEGER] AS category,
               CASE WHEN h % 6 = 0 THEN c.kws[1 + ((h // 7) % 5)::INTEGER] ELSE '' END AS keyword,
               c.vis[1 + ((h // 37) % 6)::INTEGER] AS decision_visibility,
               CASE WHEN (h // 11) % 4 = 0 THEN 'DECISION_ACCOUNT_SUSPENDED' ELSE '' END,
               '', '',
               CASE WHEN (h // 13) % 5 = 0 THEN 'DECISION_GROUND_ILLEGAL_CONTENT'
                    ELSE 'DECISION_GROUND_INCOMPATIBLE_CONTENT' END,
               CASE WHEN (h // 17) % 10 < 7 THEN 'Yes' ELSE 'No' END AS automated_detection,
               CASE WHEN (h // 19) % 3 = 0 THEN 'AUTOMATED_DECISION_FULLY'
                    WHEN (h // 19) % 3 = 1 THEN 'AUTOMATED_DECISION_PARTIALLY'
                    ELSE 'AUTOMATED_DECISION_NOT_AUTOMATED' END,
               CASE WHEN (h // 23) % 2 = 0 THEN 'CONTENT_TYPE_VIDEO' ELSE 'CONTENT_TYPE_IMAGE' END,
               CASE WHEN (h // 29) % 8 = 0 THEN 'SOURCE_ARTICLE_16' ELSE 'SOURCE_VOLUNTARY' END,
               (scale * (50 + (h // 31) % 950))::BIGINT AS count
        FROM g, (SELECT ?::VARCHAR[] AS cats, ?::VARCHAR[] AS kws, ?::VARCHAR[] AS vis) c
    """,
        [start, end, combos, CATEGORIES, MINOR_KEYWORDS, VISIBILITY],
    )
    return con.execute("SELECT count(*) FROM sor_daily").fetchone()[0] - before


def ensure_sor_daily(con: duckdb.DuckDBPyConnection, **kwargs) -> int:
    """Synthetic ``sor_daily`` rows when the build made no such table or left it empty; real rows
    are never mixed with synthetic ones. Returns the rows added."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = 'sor_daily'"
    ).fetchone()[0]
    if not exists:
        con.execute(SOR_DDL)
    elif con.execute("SELECT count(*) FROM sor_daily").fetchone()[0]:
        return 0
    return add_sor_daily(con, **kwargs)


@contextmanager
def home_env(home: Path) -> Iterator[None]:
    """TRANSPARENCY_HOME = ``home`` while building: a build appends to the changes feed under the
    home folder, and module-scoped fixtures run before the per-test isolated home is set."""
    old = os.environ.get("TRANSPARENCY_HOME")
    os.environ["TRANSPARENCY_HOME"] = str(home)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TRANSPARENCY_HOME", None)
        else:
            os.environ["TRANSPARENCY_HOME"] = old


def build_default_warehouse(home: Path) -> Path:
    """The embedded default as ``transparency build`` makes it, under ``home``."""
    home.mkdir(parents=True, exist_ok=True)
    with home_env(home):
        return build(home / "warehouse.duckdb", store=SnapshotStore(home / "store"), force=True).db


def build_fixture_warehouse(home: Path, *, restated: bool = False, sor: bool = True) -> Path:
    """Build the embedded default under ``home`` and add what it lacks; returns the db path.

    ``restated=True`` also stores the project's own imagined next Meta release
    (tests/fixtures/meta_cser/meta-cser-sample-2021q3.csv), which restates Facebook / Child
    Endangerment: Sexual Exploitation / 2021Q2 from 25,700,000 to 25,800,000 (a test value).
    """
    home.mkdir(parents=True, exist_ok=True)
    store = SnapshotStore(home / "store")
    if restated:
        store.put_file(
            FIXTURES / "meta_cser" / "meta-cser-sample-2021q3.csv",
            source_id="meta_cser",
            url=META_URL,
            published_at="2021-11-09",
            retrieved_at="2021-11-09T12:00:00Z",
            method="manual",
        )
    with home_env(home):
        db = build(home / "warehouse.duckdb", store=store, force=True).db
    with duckdb.connect(str(db)) as con:
        add_self_reported_cybertipline(con)
        if sor:
            ensure_sor_daily(con)
        con.execute("CHECKPOINT")
    return db


def build_empty_warehouse(path: Path) -> Path:
    """A warehouse with the schema but no rows (what a fresh build with no data would give)."""
    from transparency.warehouse.context import SCHEMA

    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMA.read_text())
    return path


if __name__ == "__main__":  # build one by hand: python -m tests.dashboard_fixture DIR
    import sys

    out = build_fixture_warehouse(Path(sys.argv[1] if len(sys.argv) > 1 else "var/fixture"))
    print(out, date.today())
