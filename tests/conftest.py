"""Shared test fixtures: an isolated home per test, the ground-truth folder when present."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(os.environ.get("TRANSPARENCY_SHARED", REPO.parent / "shared"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Every test gets its own store and warehouse; data/ stays the embedded default."""
    home = tmp_path / "home"
    monkeypatch.setenv("TRANSPARENCY_HOME", str(home))
    monkeypatch.delenv("TRANSPARENCY_DB", raising=False)
    return home


def shared_file(rel: str) -> Path:
    """A file under ../shared, or skip the test cleanly where ../shared is absent."""
    path = SHARED / rel
    if not path.exists():
        pytest.skip(f"ground-truth file {rel} not available (../shared absent)")
    return path


def reference_figures(predicate) -> list[dict[str, str]]:
    """Rows of ../shared/reference/platform_figures.csv matching ``predicate`` (skip if absent)."""
    path = shared_file("reference/platform_figures.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if predicate(r)]


# --- reliability results: every test marked @pytest.mark.reliability(area, fault, expected) is
# recorded with its outcome and any figures it reports (request.node.user_properties), and written
# to var/test-results/reliability.json; scripts/reliability_report.py renders docs/reliability.md.
_RELIABILITY: list[dict] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("reliability")
    if marker is None or report.when != "call" and not (report.when == "setup" and report.skipped):
        return
    area, fault, expected = (list(marker.args) + ["", "", ""])[:3]
    props = dict(item.user_properties)
    _RELIABILITY.append(
        {
            "test": item.nodeid,
            "area": area,
            "fault": fault,
            "expected": expected,
            "outcome": report.outcome,
            "observed": props.get("observed", "as expected" if report.passed else report.outcome),
            "figures": {k: v for k, v in props.items() if k != "observed"},
        }
    )


def pytest_sessionfinish(session, exitstatus):
    if not _RELIABILITY:
        return
    import json

    out = (
        Path(os.environ.get("TRANSPARENCY_RESULTS", REPO / "var" / "test-results"))
        / "reliability.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    # merge by test id: a partial run updates its own rows and keeps the others
    merged = {r["test"]: r for r in (json.loads(out.read_text()) if out.exists() else [])}
    merged.update({r["test"]: r for r in _RELIABILITY})
    rows = sorted(merged.values(), key=lambda r: (r["area"], r["test"]))
    out.write_text(json.dumps(rows, indent=2) + "\n")
