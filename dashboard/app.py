"""Streamlit entry point: a router over the pages in app_pages/ (st.navigation).

Run with ``transparency dashboard`` (reads $TRANSPARENCY_DB, opened read-only).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

st.set_page_config(page_title="Transparency observatory", layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", url_path="overview", default=True),
    st.Page("app_pages/platform.py", title="Platform profile", url_path="platform"),
    st.Page("app_pages/sources.py", title="Sources", url_path="sources"),
]

st.navigation(PAGES).run()
