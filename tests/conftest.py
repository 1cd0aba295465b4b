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
