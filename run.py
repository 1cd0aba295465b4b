#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+.

    python3 run.py dashboard   # set up, build the warehouse from the embedded data, serve the dashboard
    python3 run.py test        # set up (with test tools), lint, type-check and run the test suite

Each command creates ``.venv`` on first use and installs the pinned, hash-checked dependencies
from ``requirements.lock`` (``requirements-dev.lock`` for tests); later runs reuse it until a
lock file changes. Extra arguments go to the underlying command (``run.py test -k meta``,
``run.py dashboard --port 8600``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("TRANSPARENCY_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def say(msg: str) -> None:
    print(f"[run.py] {msg}", flush=True)


def sh(*cmd: object, **kw) -> None:
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT, **kw)
    if code:
        sys.exit(code)


def ensure_env(lock: str) -> None:
    """Create .venv and install the lock file (skipped when it is already installed)."""
    lock_path = ROOT / lock
    stamp = VENV / f".installed-{lock}"
    digest = hashlib.sha256(
        lock_path.read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and PY.exists():
        return
    if not PY.exists():
        say(f"creating {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say(f"installing pinned dependencies from {lock} (first run only; a few minutes)")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compile once at install: faster every run after
    sh(PY, "-m", "pip", "install", "--quiet", "--require-hashes", "-r", lock_path, env=env)
    sh(PY, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ROOT, env=env)
    for other in VENV.glob(".installed-*"):
        other.unlink()
    stamp.write_text(digest)


def dashboard(args: list[str]) -> None:
    ensure_env("requirements.lock")
    say("building the warehouse from the embedded default data")
    sh(BIN / "transparency", "build")
    sh(BIN / "transparency", "dashboard", *args)


CHECKS = [
    ("lint (ruff check)", ["-m", "ruff", "check", "."]),
    ("format (ruff format --check)", ["-m", "ruff", "format", "--check", "."]),
    ("types (mypy)", ["-m", "mypy"]),
]


def test(args: list[str]) -> None:
    """Lint, type check, then the test suite; any failure fails the command."""
    ensure_env("requirements-dev.lock")
    for label, cmd in CHECKS:
        say(label)
        sh(PY, *cmd)
    say("running the test suite")
    sh(PY, "-m", "pytest", *args)


COMMANDS = {"dashboard": dashboard, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
    COMMANDS[sys.argv[1]](sys.argv[2:])
