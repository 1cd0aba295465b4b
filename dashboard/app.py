"""Streamlit entry point: a router over the pages in app_pages/ (st.navigation), one URL path each.

Run with ``transparency dashboard`` (reads $TRANSPARENCY_DB, opened read-only).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
for p in (HERE, HERE.parent / "src"):  # pages import data/ui; exports live in the package
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from data import WarehouseUnavailable, build_stamp, db_path  # noqa: E402
from ui import md  # noqa: E402

st.set_page_config(page_title="Transparency observatory", layout="wide")

OVERVIEW = st.Page("app_pages/overview.py", title="Overview", url_path="overview")


def _home() -> None:
    """The root URL shows the overview at its own path, so every page has one URL."""
    st.switch_page(OVERVIEW)


PAGES = {
    "": [st.Page(_home, title="Home", url_path="home", default=True, visibility="hidden")],
    "Platforms": [
        OVERVIEW,
        st.Page("app_pages/platform.py", title="Platform profile", url_path="platform"),
        st.Page("app_pages/compare.py", title="Compare platforms", url_path="compare"),
        st.Page("app_pages/revisions.py", title="Revisions", url_path="revisions"),
        st.Page("app_pages/coverage.py", title="Reporting coverage", url_path="coverage"),
    ],
    "Regulators and third parties": [
        st.Page("app_pages/actions.py", title="Regulator actions", url_path="actions"),
        st.Page("app_pages/ncmec.py", title="NCMEC cross-check", url_path="ncmec"),
        st.Page("app_pages/dsa.py", title="DSA statements of reasons", url_path="dsa"),
    ],
    "Data": [
        st.Page("app_pages/downloads.py", title="Data and downloads", url_path="data"),
        st.Page("app_pages/sources.py", title="Sources", url_path="sources"),
        st.Page("app_pages/methodology.py", title="Methodology", url_path="methodology"),
    ],
}

page = st.navigation(PAGES)
with st.sidebar:
    st.caption(build_stamp())
started = time.perf_counter()
try:
    page.run()
except WarehouseUnavailable as exc:
    st.warning(
        "The warehouse could not be read right now: it may be being rebuilt, or it was "
        "built by an older version of the tool. Reload in a moment, or run "
        f"`transparency build`. ({md(str(exc).replace(str(db_path()), db_path().name))})"
    )
finally:  # server-side run time of the page (scripts/bench_dashboard.py listens to this log)
    logging.getLogger("transparency.dashboard").debug(
        "page %s ran in %.1f ms", page.url_path, (time.perf_counter() - started) * 1000
    )
