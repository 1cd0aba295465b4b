"""Every dashboard page runs on the embedded default warehouse and on a missing one."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO
from transparency.build import build

APP = str(REPO / "dashboard" / "app.py")
PAGES = ["app_pages/overview.py", "app_pages/platform.py", "app_pages/sources.py"]


@pytest.mark.parametrize("page", PAGES)
def test_page_on_default_warehouse(page, monkeypatch):
    db = build().db
    monkeypatch.setenv("TRANSPARENCY_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception


def test_overview_shows_real_counts(monkeypatch):
    import duckdb

    db = build().db
    monkeypatch.setenv("TRANSPARENCY_DB", str(db))
    with duckdb.connect(str(db), read_only=True) as con:
        n = con.execute("SELECT count(*) FROM observations").fetchone()[0]
    at = AppTest.from_file(APP, default_timeout=60).run()
    values = {m.label: m.value for m in at.metric}
    assert n > 1904 and values["Observations"] == f"{n:,}"


@pytest.mark.parametrize("page", PAGES)
def test_page_without_warehouse_explains(page, monkeypatch, tmp_path):
    monkeypatch.setenv("TRANSPARENCY_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert any("No warehouse" in w.value for w in at.warning)
