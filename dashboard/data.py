"""Read-only access to the warehouse for every page.

One cached read-only connection per warehouse file version (a rebuild swaps the file in, which
changes its mtime, so the next query opens the new file); every query is parameterised (values are
never formatted into SQL) and cached per warehouse version. A missing, unreadable or rebuilding
warehouse gives a clear message instead of a traceback.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import streamlit as st

from transparency import paths
from transparency.publishing import query as sandbox

REPO = Path(__file__).resolve().parents[1]


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be read right now (missing, locked, half-written, older schema)."""


def db_path() -> Path:
    env = os.environ.get("TRANSPARENCY_DB")
    if env:
        return Path(env)
    return Path(os.environ.get("TRANSPARENCY_HOME", REPO / "var")) / "warehouse.duckdb"


def version() -> float:
    """Changes whenever a build swaps in a new file: part of every cache key."""
    try:
        return db_path().stat().st_mtime
    except OSError:
        return 0.0


def rebuilding() -> bool:
    """A build is writing a new file next to the warehouse (readers keep the old one meanwhile)."""
    p = db_path()
    return p.parent.exists() and any(p.parent.glob(f".{p.name}.building-*"))


@st.cache_resource(show_spinner=False, max_entries=2)
def _connect(path: str, mtime: float) -> duckdb.DuckDBPyConnection:
    # The same read-only sandbox as `transparency query`: no file or URL but the warehouse, no
    # extension loading, configuration locked, and no replacement scans (a table missing from an
    # older warehouse is an error, never a Python object of the same name from the caller's frame).
    return sandbox.connect(Path(path))


def connection() -> duckdb.DuckDBPyConnection | None:
    path = db_path()
    if not path.exists():
        return None
    try:
        return _connect(str(path), version())
    except (duckdb.Error, OSError):  # sandbox.WarehouseError is an OSError
        return None


@st.cache_data(ttl=600, show_spinner=False, max_entries=512)
def _query(sql: str, params: tuple, version_key: float) -> pd.DataFrame:
    con = connection()
    if con is None:
        raise WarehouseUnavailable(f"no readable warehouse ({db_path().name})")
    try:
        with con.cursor() as cur:  # one cursor per query: safe across sessions/threads
            return cur.execute(sql, _params(params)).df()
    except duckdb.Error as exc:
        raise WarehouseUnavailable(f"{type(exc).__name__}: {exc}") from exc


def _params(params: tuple) -> list | dict:
    """Positional ``?`` values, or one dict for named ``$name`` values."""
    return params[0] if len(params) == 1 and isinstance(params[0], dict) else list(params)


def q(sql: str, *params: object) -> pd.DataFrame:
    """Run a parameterised query (``?`` placeholders) and return a DataFrame (cached)."""
    return _query(sql, tuple(params), version())


@st.cache_data(ttl=600, show_spinner=False, max_entries=512)
def _query_arrow(sql: str, params: tuple, version_key: float) -> pa.Table:
    con = connection()
    if con is None:
        raise WarehouseUnavailable(f"no readable warehouse ({db_path().name})")
    try:
        with con.cursor() as cur:
            return cur.sql(sql, params=_params(params)).to_arrow_table()
    except duckdb.Error as exc:
        raise WarehouseUnavailable(f"{type(exc).__name__}: {exc}") from exc


def qa(sql: str, *params: object) -> pa.Table:
    """Like :func:`q` but returns an Arrow table: charts take it without a pandas round trip."""
    return _query_arrow(sql, tuple(params), version())


def local(sql: str, tables: dict[str, pa.Table], *params: object) -> pd.DataFrame:
    """Query small in-memory tables (e.g. cached roll-ups) with DuckDB, parameterised.

    Runs on a fresh cursor of the warehouse connection (a new in-memory database would cost
    ~50 ms to open); the registered tables live only in that cursor.
    """
    con = connection()
    if con is None:
        raise WarehouseUnavailable(f"no readable warehouse ({db_path().name})")
    try:
        with con.cursor() as cur:
            for name, table in tables.items():
                cur.register(name, table)
            return cur.execute(sql, list(params)).df()
    except duckdb.Error as exc:
        raise WarehouseUnavailable(f"{type(exc).__name__}: {exc}") from exc


# "Meta / Facebook" as SQL, for queries over observations aliased ``o`` joined with NAMES_JOIN.
SERIES_SQL = """CASE WHEN o.service IS NULL OR o.service = '' THEN coalesce(pl.name, o.platform)
    WHEN o.service = 'all' THEN coalesce(pl.name, o.platform) || ' (all services)'
    WHEN coalesce(sv.name, o.service) = coalesce(pl.name, o.platform)
        THEN coalesce(pl.name, o.platform)
    ELSE coalesce(pl.name, o.platform) || ' / ' || coalesce(sv.name, o.service) END"""
NAMES_JOIN = """LEFT JOIN platforms pl ON pl.platform_id = o.platform
    LEFT JOIN services sv ON sv.platform_id = o.platform AND sv.service_id = o.service"""


# Small immutable look-ups are shared resources (cache_resource returns the object itself; the
# data cache would copy it on every call, and a page asks for them dozens of times per run).
@st.cache_resource(show_spinner=False, max_entries=4)
def _relations(version_key: float) -> frozenset[str]:
    con = connection()
    if con is None:
        return frozenset()
    with con.cursor() as cur:
        rows = cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    return frozenset(r[0] for r in rows)


def has(*names: str) -> bool:
    """True when every named table or view exists in this warehouse."""
    rel = _relations(version())
    return all(n in rel for n in names)


@st.cache_resource(show_spinner=False, max_entries=64)
def _columns(name: str, version_key: float) -> frozenset[str]:
    con = connection()
    if con is None:
        return frozenset()
    with con.cursor() as cur:
        rows = cur.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = ?",
            [name],
        ).fetchall()
    return frozenset(r[0] for r in rows)


def has_columns(name: str, *cols: str) -> bool:
    got = _columns(name, version())
    return bool(got) and all(c in got for c in cols)


def require_warehouse() -> bool:
    """Show why there is nothing to see, and return False, when the warehouse cannot be read."""
    if rebuilding():
        st.info(
            "A rebuild of the warehouse is in progress; the previous warehouse is shown until "
            "the new one is swapped in."
        )
    if connection() is not None and has("observations", "sources", "snapshots"):
        return True
    path = db_path()
    if not path.exists():
        st.warning(
            f"No warehouse at `{path.name}` (the data home's warehouse, or $TRANSPARENCY_DB). "
            "Build it with `transparency build` "
            "(or start everything with `python3 run.py dashboard`)."
        )
    elif connection() is None:
        st.warning(
            f"The warehouse `{path.name}` cannot be opened right now (it may be being "
            "replaced by a rebuild). Reload in a moment."
        )
    else:
        st.warning(
            f"The file `{path.name}` is not a complete warehouse (tables observations, "
            "sources and snapshots are missing). Rebuild it with `transparency build`."
        )
    return False


# ------------------------------------------------------------------ shared lookups


@dataclass(frozen=True)
class Metric:
    metric: str
    label: str
    unit: str
    kind: str
    definition: str


@st.cache_resource(show_spinner=False, max_entries=2)
def _lookups(version_key: float) -> dict:
    """Registry lookups (metrics, policy areas, platform and service names), read once per
    warehouse version and shared read-only (callers never change them)."""
    con = connection()
    if con is None:
        raise WarehouseUnavailable(f"no readable warehouse ({db_path().name})")
    try:
        with con.cursor() as cur:
            m = cur.execute("SELECT metric, label, unit, kind, definition FROM metrics").fetchall()
            areas = cur.execute("SELECT policy_area, label FROM policy_areas").fetchall()
            pl = cur.execute("SELECT platform_id, name FROM platforms").fetchall()
            sv = cur.execute("SELECT platform_id, service_id, name FROM services").fetchall()
            src = cur.execute("""SELECT s.source_id, s.publisher, s.title, s.homepage, s.licence,
                                        max(sn.retrieved_at) FROM sources s
                                 LEFT JOIN snapshots sn USING (source_id) GROUP BY ALL""").fetchall()
    except duckdb.Error as exc:
        raise WarehouseUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return {
        "sources": {
            r[0]: dict(
                zip(
                    ("source_id", "publisher", "title", "homepage", "licence", "retrieved"),
                    r,
                    strict=True,
                )
            )
            for r in src
        },
        "metrics": {
            r[0]: Metric(r[0], r[1] or r[0], r[2] or "", r[3] or "", r[4] or "") for r in m
        },
        "policy": {r[0]: r[1] for r in areas},
        "platforms": {r[0]: r[1] for r in pl},
        "services": {(r[0], r[1]): r[2] for r in sv},
    }


def metrics() -> dict[str, Metric]:
    return _lookups(version())["metrics"]


def metric_label(m: str) -> str:
    got = metrics().get(m)
    return got.label if got else m


def policy_labels() -> dict[str, str]:
    return _lookups(version())["policy"]


def platform_names() -> dict[str, str]:
    return _lookups(version())["platforms"]


def service_names() -> dict[tuple[str, str], str]:
    return _lookups(version())["services"]


def series_name(platform: str, service: str | None, lookups: dict | None = None) -> str:
    """'Meta / Facebook' (or the platform name alone, or '(all services)' for family totals)."""
    lk = lookups or _lookups(version())
    p = lk["platforms"].get(platform, platform)
    if isinstance(service, float):  # NaN: no service
        service = None
    if not service or service == "all":
        return f"{p} (all services)" if service == "all" else p
    s = lk["services"].get((platform, service), service)
    return p if s == p else f"{p} / {s}"


def series_names(platforms, services) -> list[str]:
    """series_name for many rows at once (lookups read once, each pair named once)."""
    lk = _lookups(version())
    memo: dict[tuple, str] = {}
    out = []
    for p, s in zip(platforms, services, strict=True):
        k = (p, s)
        if k not in memo:
            memo[k] = series_name(p, s, lk)
        out.append(memo[k])
    return out


def sources_info(source_ids) -> list[dict]:
    """Publisher, title, URL, licence and last retrieval of the given sources (for captions)."""
    known = _lookups(version())["sources"]
    return [
        dict(known[s]) for s in sorted({s for s in source_ids if isinstance(s, str)}) if s in known
    ]


# ------------------------------------------------------------------ changes feed

FEED_KINDS = {
    "new_release": "New release",
    "restated": "Restated values",
    "new_action": "New regulator action",
    "overdue": "Overdue report",
}
FEED_FIELDS = ("id", "kind", "title", "summary", "link", "updated")


def feed_path() -> Path:
    """Where each build writes what changed since the previous one (newest first)."""
    return paths.home() / "feed" / "changes.json"


@st.cache_data(ttl=600, show_spinner=False, max_entries=4)
def _read_feed(path: str, mtime: float) -> pd.DataFrame:
    import json

    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError("not a JSON list")
    rows = [
        {k: (e.get(k) if isinstance(e.get(k), str) else "") for k in FEED_FIELDS}
        for e in entries
        if isinstance(e, dict)
    ]
    df = pd.DataFrame(rows, columns=list(FEED_FIELDS))
    df["updated"] = pd.to_datetime(df.updated, errors="coerce", utc=True)
    return df


def changes_feed() -> pd.DataFrame | None:
    """The changes feed as a table (newest first), or None when no build has written one yet.
    Raises ValueError when the file cannot be read as the feed."""
    path = feed_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    try:
        return _read_feed(str(path), mtime)
    except (OSError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        raise ValueError(f"{path}: {exc}") from exc


# ---------------------------------------------------------------- DSA statements of reasons
# (the DSA page's shared queries; sor_platform_daily: the whole Transparency Database per
# platform and day; sor_daily: dumps read by `transparency sor ingest`)


@st.cache_data(ttl=600, show_spinner=False, max_entries=4)
def _sor_tables(version_key: float) -> list[str]:
    out = []
    for key, table in (("summary", "sor_service_daily"), ("ingest", "sor_daily")):
        if (
            has(table)
            and not q(f"SELECT count(*) = 0 AS e FROM (SELECT 1 FROM {table} LIMIT 1)").e[0]
        ):
            out.append(key)
    return out


def sor_tables() -> list[str]:
    """Which statement-of-reasons tables hold rows: "summary" (sor_platform_daily, read through
    its roll-up sor_service_daily), "ingest" (sor_daily), in that order."""
    return _sor_tables(version())


def sor_span() -> tuple:
    row = q("SELECT min(date) AS lo, max(date) AS hi FROM sor_service_daily")
    return pd.Timestamp(row.lo[0]).date(), pd.Timestamp(row.hi[0]).date()


# Per day and printed platform name (build-time roll-up sor_service_daily): the chosen
# statements (n), all statements, automated detection and fully automated decisions.
SOR_ROLLUP = """
SELECT date, service,
       CASE $focus WHEN 'all' THEN statements WHEN 'minors' THEN minors ELSE csam END AS n,
       statements AS total, auto_detected AS det, auto_decided AS dec
FROM sor_service_daily
"""


def sor_platform_rollup(focus: str) -> pa.Table:
    return qa(SOR_ROLLUP, {"focus": focus})


def sor_decisions() -> pa.Table:
    """Visibility and account decisions per week, platform name and code (null: none)."""
    return qa("SELECT week, service, field, code, statements AS n FROM sor_decisions_weekly")


def sor_amar() -> pd.DataFrame:
    """The latest EU AMAR (average monthly active recipients) per printed platform name, from
    the harmonised DSA reports (metric amar, scope EU)."""
    if not has("sor_services"):
        return pd.DataFrame(columns=["service", "amar", "period_start", "period_end", "url"])
    return q(
        """SELECT v.service, o.value AS amar, o.period_start, o.period_end, s.url
           FROM current_observations o
           JOIN sor_services v ON v.platform = o.platform AND v.service_id = o.service
           JOIN snapshots s ON s.sha256 = o.snapshot_sha256
           WHERE o.metric = 'amar' AND o.scope = 'EU' AND o.policy_area = 'all' AND o.value > 0
           QUALIFY row_number() OVER (PARTITION BY v.service ORDER BY o.period_end DESC) = 1"""
    )


# ------------------------------------------------------------------ build stamp (sidebar)


@st.cache_resource(show_spinner=False, max_entries=2)
def _build_info(version_key: float) -> dict[str, str]:
    con = connection()
    if con is None or not has("build_info"):
        return {}
    try:
        with con.cursor() as cur:
            rows = cur.execute(
                "SELECT key, value FROM build_info WHERE key IN ('code_version', 'fingerprint')"
            ).fetchall()
    except duckdb.Error:
        return {}
    return {r[0]: str(r[1]) for r in rows}


def build_stamp() -> str:
    """'Data built 2026-12-08 · version 0.1.0 · build 1c898b6e': what a visitor may see of the
    warehouse (never its path on the server)."""
    mtime = version()
    if not mtime:
        return "No warehouse built yet."
    from datetime import UTC, datetime

    info = _build_info(mtime)
    built = datetime.fromtimestamp(mtime, tz=UTC).strftime("%Y-%m-%d")
    parts = [f"Data built {built}"]
    if info.get("code_version"):
        parts.append(f"version {info['code_version']}")
    if info.get("fingerprint"):
        parts.append(f"build {info['fingerprint'][:8]}")
    return " · ".join(parts)


# ------------------------------------------------------------------ platforms with their own report


@st.cache_resource(show_spinner=False, max_entries=2)
def _own(version_key: float) -> dict[str, str]:
    con = connection()
    if con is None or not has_columns("sources", "platform"):
        return {}
    with con.cursor() as cur:
        rows = cur.execute(
            "SELECT source_id, platform FROM sources WHERE coalesce(platform, '') <> ''"
        ).fetchall()
    return {r[0]: r[1] for r in rows}


def own_sources() -> dict[str, str]:
    """source id -> platform, for the sources that are a platform's own report."""
    return _own(version())


def own_platforms() -> set[str]:
    """Platforms that publish their own report among the sources (the 'seed' platforms the
    pages start from; the rule is the registry's, no name is written into a page)."""
    return set(_own(version()).values())


# ------------------------------------------------------------------ newest child-safety figures

HEADLINE_METRICS = ("content_actioned", "accounts_actioned", "cybertipline_reports")

# Per platform and headline metric: the newest child-safety figure (global scope; the series with
# the latest period, the largest of a tie), and the same series' latest earlier period of the same
# length (within a few days) to compare with. Without a platform: every platform with its own
# report among the sources.
LATEST_SQL = """
WITH c AS (
    SELECT o.platform, o.service, o.metric, o.policy_area, o.source_id, o.period_start,
           o.period_end, o.period_label, o.value, o.raw_policy_label, o.vintage,
           date_diff('day', o.period_start, o.period_end) AS len
    FROM comparable_observations o JOIN policy_areas p USING (policy_area)
    WHERE p.csea_family IN ('child_sexual_exploitation', 'csam') AND o.scope = 'global'
      AND o.value IS NOT NULL AND list_contains($metrics, o.metric)
      AND (CASE WHEN $platform IS NULL
                THEN o.platform IN (SELECT platform FROM sources WHERE platform IS NOT NULL)
                ELSE o.platform = $platform END)),
latest AS (
    SELECT * FROM c
    QUALIFY row_number() OVER (PARTITION BY platform, metric
                               ORDER BY period_end DESC, value DESC, source_id) = 1),
prev AS (
    SELECT l.platform, l.metric, e.value AS prev_value, e.period_label AS prev_period
    FROM latest l JOIN c e
      ON e.platform = l.platform AND e.metric = l.metric AND e.source_id = l.source_id
     AND e.policy_area = l.policy_area AND coalesce(e.service, '') = coalesce(l.service, '')
     AND abs(e.len - l.len) <= 5 AND e.period_end < l.period_start
    QUALIFY row_number() OVER (PARTITION BY l.platform, l.metric ORDER BY e.period_end DESC) = 1),
last_report AS (
    SELECT platform, max(vintage) AS last_report, max(period_end) AS data_through
    FROM observations WHERE value IS NOT NULL GROUP BY platform)
SELECT l.*, p.prev_value, p.prev_period, r.last_report, r.data_through
FROM latest l LEFT JOIN prev p USING (platform, metric) LEFT JOIN last_report r USING (platform)
ORDER BY l.platform, list_position($metrics, l.metric)"""


def latest_figures(platform: str | None = None) -> pd.DataFrame:
    """The newest child-safety figures of one platform (or of every platform with its own
    report), with the change on the previous comparable period and the data-through date."""
    return q(LATEST_SQL, {"metrics": list(HEADLINE_METRICS), "platform": platform})


# ------------------------------------------------------------------ short names (chart legends)


def sor_service_platforms() -> dict[str, str]:
    """Platform id of each name printed in the statements of reasons ('TikTok' -> 'tiktok'), so
    the DSA charts colour a platform as every other page does (empty without ``sor_services``)."""
    if not has("sor_services"):
        return {}
    df = q("SELECT service, platform FROM sor_services WHERE platform IS NOT NULL")
    return dict(zip(df.service, df.platform, strict=True))


def _short(text: object, cut: str) -> str:
    """'NCMEC (via OJJDP annual reports; …)' -> 'NCMEC': no parenthesis, nothing after ``cut``."""
    t = re.sub(r"\s*\([^)]*\)", "", str(text or "")).split(cut)[0].strip(" ,")
    return t


def source_short_names(source_ids) -> dict[str, str]:
    """A readable short name per source for legends: its publisher (without the parenthesis)
    where that tells the given sources apart, else its title (the part before a colon), else
    the id itself."""
    ids = sorted({s for s in source_ids if isinstance(s, str)})
    info = {r["source_id"]: r for r in sources_info(ids)}
    out: dict[str, str] = {}
    for field, cut in (("publisher", ";"), ("title", ":")):
        names = {s: _short(info.get(s, {}).get(field), cut) for s in ids if s not in out}
        counts = pd.Series(list(names.values()) + list(out.values()), dtype=object).value_counts()
        for s, n in names.items():
            if n and counts.get(n, 0) == 1:
                out[s] = n
    return {s: out.get(s, s) for s in ids}
