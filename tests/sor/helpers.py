"""Shared helpers of the statements-of-reasons tests: an independent reader, CLI runner, queries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import duckdb

from tests.conftest import REPO

KEYS = (
    "platform_name",
    "category",
    "category_specification",
    "decision_visibility",
    "decision_account",
    "decision_monetary",
    "decision_provision",
    "decision_ground",
    "automated_detection",
    "automated_decision",
    "content_type",
    "source_type",
)


def php_read_line(line: str) -> list[str]:
    """PHP ``fgetcsv`` semantics, written independently of the code under test: inside quotes a
    backslash keeps the next character literal, a doubled quote is a quote."""
    fields: list[str] = []
    i, n = 0, len(line)
    while True:
        if i < n and line[i] == '"':
            i += 1
            buf = []
            while True:
                if i >= n:
                    raise ValueError("unterminated quote")
                c = line[i]
                if c == "\\" and i + 1 < n:
                    buf += [c, line[i + 1]]
                    i += 2
                elif c == '"' and i + 1 < n and line[i + 1] == '"':
                    buf.append('"')
                    i += 2
                elif c == '"':
                    i += 1
                    break
                else:
                    buf.append(c)
                    i += 1
            fields.append("".join(buf))
            if i < n and line[i] != ",":
                raise ValueError("text after a closing quote")
        else:
            j = line.find(",", i)
            j = n if j < 0 else j
            fields.append(line[i:j])
            i = j
        if i >= n:
            return fields
        i += 1


def reference_counts(zip_path: Path) -> tuple[Counter, int]:
    """sor_daily-style counts of a dump, read with plain zipfile + php_read_line: (counts, rejects)."""
    counts: Counter = Counter()
    rejects = 0
    with zipfile.ZipFile(zip_path) as outer:
        for inner_name in sorted(outer.namelist()):
            with outer.open(inner_name) as fh, zipfile.ZipFile(fh) as inner:
                for part in sorted(inner.namelist()):
                    lines = inner.read(part).decode("utf-8").split("\n")
                    header = lines[0].split(",")
                    for line in lines[1:]:
                        if not line:
                            continue
                        try:
                            fields = php_read_line(line)
                        except ValueError:
                            rejects += 1
                            continue
                        if len(fields) != len(header):
                            rejects += 1
                            continue
                        row = dict(zip(header, fields, strict=True))
                        counts[tuple(_norm(k, row[k]) for k in KEYS)] += 1
    return counts, rejects


def _norm(key: str, value: str) -> str:
    if key in ("category_specification", "decision_visibility", "content_type"):
        return ",".join(sorted(json.loads(value))) if value else ""
    return value


def run_cli(*args: str, home: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}", "COLUMNS": "200"}
    if home is not None:
        env["TRANSPARENCY_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "transparency", *args], capture_output=True, text=True, env=env
    )


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def daily_rows(db: Path) -> list[tuple]:
    return query(db, "SELECT * FROM sor_daily ORDER BY ALL")
