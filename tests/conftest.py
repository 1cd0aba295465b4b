"""Shared test fixtures: an isolated home per test, the ground-truth folder when present.

What the suite needs from outside the repository (the ground-truth folder ../shared, Debian's
chromium, a Java runtime for Spark) goes through :func:`require`: on a contributor's machine a
missing piece skips the test saying why; under ``CI=true`` it fails the test with one line naming
what is missing, so a CI run can never go green by skipping.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
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


CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/lib/chromium/chromium")


def in_ci() -> bool:
    """True under ``CI=true`` (any of true/1/yes): missing prerequisites fail instead of skipping."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require(present: object, missing: str) -> None:
    """Skip (``missing`` says why) when ``present`` is falsy; under ``CI=true`` fail with that line."""
    if present:
        return
    if in_ci():
        pytest.fail(f"CI=true and {missing}", pytrace=False)
    pytest.skip(missing)


def shared_file(rel: str) -> Path:
    """A file under ../shared; skip where ../shared is absent (fail under ``CI=true``)."""
    path = SHARED / rel
    if not path.exists():
        where = "../shared is absent" if not SHARED.is_dir() else f"{rel} is not in ../shared"
        require(False, f"ground-truth file ../shared/{rel} is missing ({where}: {SHARED})")
    return path


def chromium_path() -> str:
    """Debian's chromium (never a downloaded browser); skip, or fail under ``CI=true``, without it."""
    found = next((p for p in CHROMIUM_PATHS if Path(p).exists()), None) or shutil.which("chromium")
    require(found, "chromium is not installed (apt-get install chromium); never downloaded")
    require(
        importlib.util.find_spec("playwright") is not None,
        "Playwright for Python is not installed (requirements-dev.lock)",
    )
    return str(found)


def require_spark() -> None:
    """pyspark and a Java runtime (Spark's local mode and cluster both need a JVM)."""
    require(
        importlib.util.find_spec("pyspark") is not None,
        "pyspark is not installed (requirements-dev.lock)",
    )
    require(
        shutil.which("java"),
        "no Java runtime: java is not on PATH (apt-get install default-jre-headless)",
    )


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


def _still_exists(test_id: str) -> bool:
    """Whether a recorded test id still names a test function in the repository."""
    file, _, name = test_id.partition("::")
    path = REPO / file
    func = name.split("[", 1)[0].split("::")[-1]
    return path.is_file() and f"def {func}(" in path.read_text(encoding="utf-8")


def pytest_sessionfinish(session, exitstatus):
    if not _RELIABILITY:
        return
    import json

    out = (
        Path(os.environ.get("TRANSPARENCY_RESULTS", REPO / "var" / "test-results"))
        / "reliability.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    # merge by test id: a partial run updates its own rows and keeps the others, except rows of
    # tests that no longer exist (renamed or removed), which nothing observes any more
    merged = {
        r["test"]: r
        for r in (json.loads(out.read_text()) if out.exists() else [])
        if _still_exists(r["test"])
    }
    merged.update({r["test"]: r for r in _RELIABILITY})
    rows = sorted(merged.values(), key=lambda r: (r["area"], r["test"]))
    out.write_text(json.dumps(rows, indent=2) + "\n")
