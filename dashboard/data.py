"""Read-only access to the warehouse for every page.

One cached read-only connection per warehouse file version (a rebuild swaps the file in, which
changes its mtime, so the next query opens the new file); every query is parameterised (values are
never formatted into SQL) and cached per warehouse version. A missing, unreadable or rebuilding
warehouse gives a clear message instead of a traceback.
"""

from __future__ import annotations

import os
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
        raise WarehouseUnavailable(f"no readable warehouse at {db_path()}")
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
        raise WarehouseUnavailable(f"no readable warehouse at {db_path()}")
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
        raise WarehouseUnavailable(f"no readable warehouse at {db_path()}")
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
            f"No warehouse at `{path}`. Build it with `transparency build` "
            "(or start everything with `python3 run.py dashboard`)."
        )
    elif connection() is None:
        st.warning(
            f"The warehouse at `{path}` cannot be opened right now (it may be being "
            "replaced by a rebuild). Reload in a moment."
        )
    else:
        st.warning(
            f"The file at `{path}` is not a complete warehouse (tables observations, "
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
        raise WarehouseUnavailable(f"no readable warehouse at {db_path()}")
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
