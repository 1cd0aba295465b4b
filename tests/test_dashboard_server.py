"""The CLI contract: ``transparency dashboard [--db FILE] [--port N]`` serves the app headless on
localhost, every page at its own URL path, without opening a browser or asking for an email."""

from __future__ import annotations

import urllib.request

from tests.dashboard_fixture import build_empty_warehouse
from tests.dashboard_server import serve

PATHS = [
    "overview",
    "platform",
    "compare",
    "revisions",
    "coverage",
    "actions",
    "ncmec",
    "dsa",
    "data",
    "sources",
]


def test_dashboard_command_serves_every_page_path_headless(tmp_path):
    db = build_empty_warehouse(tmp_path / "warehouse.duckdb")
    log = tmp_path / "server.log"
    with serve(db, log) as base:
        assert base.startswith("http://localhost:")
        for path in ["", *PATHS]:
            with urllib.request.urlopen(f"{base}/{path}", timeout=10) as r:
                assert r.status == 200
                assert b'<div id="root">' in r.read()
        with urllib.request.urlopen(f"{base}/_stcore/host-config", timeout=10) as r:
            assert r.status == 200
    text = log.read_text()
    assert f"reading {db}" in text.replace("\n", "")
    assert "Email" not in text  # no usage-statistics / onboarding prompt
    assert "Opening in existing browser" not in text
