"""Where things live.

``data/`` (in the repository) holds the embedded default: registries, curated registers and the
normalised release. Everything the tool writes goes under the home folder: ``$TRANSPARENCY_HOME``,
or ``var/`` beside ``data/`` by default (``var/store`` for raw snapshots, ``var/warehouse.duckdb``
for the warehouse).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    return Path(os.environ.get("TRANSPARENCY_DATA", REPO_ROOT / "data"))


def home() -> Path:
    return Path(os.environ.get("TRANSPARENCY_HOME", REPO_ROOT / "var"))


def store_dir() -> Path:
    return home() / "store"


def default_db() -> Path:
    return Path(os.environ.get("TRANSPARENCY_DB", home() / "warehouse.duckdb"))


def registry_dir() -> Path:
    return data_dir() / "registry"


def labels_dir() -> Path:
    return data_dir() / "labels"


def release_dir() -> Path:
    return data_dir() / "release"
