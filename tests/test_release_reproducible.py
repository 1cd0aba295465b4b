"""data/release is reproducible: regenerated from ../shared with the refresh script, it is byte for
byte what is committed. Where ../shared is absent it skips (fails under CI=true, where it is
always present)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, SHARED, require

RELEASE = REPO / "data" / "release"


def _tree(root) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


@pytest.mark.slow
def test_data_release_regenerates_from_shared_exactly(tmp_path):
    require(SHARED.is_dir(), f"../shared is absent ({SHARED}): data/release cannot be regenerated")
    out = tmp_path / "release"
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        "TRANSPARENCY_HOME": str(tmp_path / "home"),
    }
    res = subprocess.run(
        [sys.executable, "scripts/refresh_embedded.py", "--shared", str(SHARED), "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    committed, regenerated = _tree(RELEASE), _tree(out)
    assert committed, "data/release holds no file"
    assert sorted(regenerated) == sorted(committed)
    differ = [name for name in committed if committed[name] != regenerated[name]]
    assert differ == [], (
        f"data/release differs from what scripts/refresh_embedded.py makes of ../shared: {differ}"
    )
    assert f"wrote {out}:" in res.stdout
