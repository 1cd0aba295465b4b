"""Read-only access to the warehouse for every page: one cached connection, parameterised and
cached queries, and a clear message (not a traceback) when the warehouse is missing or being
rebuilt."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

REPO = Path(__file__).resolve().parents[1]


def db_path() -> Path:
    return Path(os.environ.get("TRANSPARENCY_DB") or Path(os.environ.get("TRANSPARENCY_HOME", REPO / "var")) / "warehouse.duckdb")


@st.cache_resource(show_spinner=False)
def _connect(path: str, mtime: float) -> duckdb.DuckDBPyConnection | None:
    """One read-only connection per warehouse file version (a rebuild swaps the file)."""
    return duckdb.connect(path, read_only=True)


def connection() -> duckdb.DuckDBPyConnection | None:
    path = db_path()
    if not path.exists():
        return None
    try:
        return _connect(str(path), path.stat().st_mtime)
    except duckdb.Error:
        return None


@st.cache_data(ttl=300, show_spinner=False)
def query(sql: str, params: tuple = (), _version: float = 0.0) -> pd.DataFrame:
    con = connection()
    if con is None:
        return pd.DataFrame()
    return con.execute(sql, list(params)).df()


def q(sql: str, *params) -> pd.DataFrame:
    path = db_path()
    return query(sql, tuple(params), path.stat().st_mtime if path.exists() else 0.0)


def require_warehouse() -> bool:
    """Show why there is nothing to see, and return False, when the warehouse cannot be read."""
    if connection() is not None:
        return True
    path = db_path()
    if not path.exists():
        st.warning(f"No warehouse at `{path}`. Build it with `transparency build` (or `python3 run.py dashboard`).")
    else:
        st.warning(f"The warehouse at `{path}` cannot be opened right now (it may be rebuilding). Reload in a moment.")
    return False
