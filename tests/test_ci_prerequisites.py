"""What the suite needs from outside the repository (../shared, chromium, a JVM) is never skipped
silently in CI: without ``CI=true`` a missing piece skips its tests saying why; under ``CI=true``
it fails them with one line naming what is missing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, require


def test_require_skips_outside_ci_and_fails_under_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="^no java on PATH$"):
        require(None, "no java on PATH")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="^CI=true and no java on PATH$"):
        require(None, "no java on PATH")
    require("/usr/bin/java", "never shown")  # present: nothing happens


@pytest.mark.parametrize("ci", ["true", ""])
def test_a_missing_shared_folder_fails_under_ci_and_skips_otherwise(tmp_path, ci):
    env = {
        **os.environ,
        "CI": ci,
        "TRANSPARENCY_SHARED": str(tmp_path / "shared"),  # as in a clone with no ../shared
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
    }
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/sources/test_meta_cser.py::test_real_2021q2_release"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    line = "ground-truth file ../shared/real/platforms/meta/meta-cser-2021-q2.csv is missing"
    if ci:
        assert res.returncode == 1, res.stdout
        assert f"Failed: CI=true and {line} (../shared is absent" in res.stdout
        assert "1 failed" in res.stdout
    else:
        assert res.returncode == 0, res.stdout
        assert "SKIPPED [1] tests/conftest.py" in res.stdout and line in res.stdout
        assert "1 skipped" in res.stdout
