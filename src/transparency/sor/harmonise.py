"""From raw dump cells to sor_daily values: JSON arrays, Yes/No flags, the v1 -> v2 mapping.

Ingest keeps the dump's codes (``normalise_key``: arrays become the sorted, comma-joined list of
codes, '' when empty; flags become ``Yes``/``No``); the build maps v1 codes to v2 with the
reviewable table ``data/registry/sor_v1_v2.csv`` (``V1V2``), so a correction to the mapping needs
a rebuild, never a re-ingest. Unknown codes map to themselves and are reported as findings.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from transparency import paths
from transparency.sor import columns as C

_TRUE = {"yes", "true", "1", "t"}
_FALSE = {"no", "false", "0", "f"}


def array_cell(raw: str | None, sep: str | None = None) -> tuple[str, bool]:
    """(sorted comma-joined codes, well-formed?) for a JSON-array cell (or a ``sep``-joined one)."""
    text = (raw or "").strip()
    if not text or text.lower() == "null":
        return "", True
    if sep is not None:
        codes = [c.strip() for c in text.split(sep) if c.strip()]
        return ",".join(sorted(set(codes))), True
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(sorted(set(value))), True
    # not a JSON array of strings: keep the codes we can see, and say so
    codes = [c.strip().strip('"') for c in text.strip("[]").split(",") if c.strip().strip('"')]
    return ",".join(sorted(set(codes))), False


def flag(raw: str | None) -> tuple[str, bool]:
    """``Yes``/``No`` from Yes/No, true/false or 1/0; '' when empty."""
    text = (raw or "").strip()
    if not text:
        return "", True
    low = text.lower()
    if low in _TRUE:
        return "Yes", True
    if low in _FALSE:
        return "No", True
    return text, False


@dataclass
class Normalised:
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)


def normalise_key(key: tuple[str, ...]) -> Normalised:
    """One raw RAW_KEYS tuple -> sor_daily columns (without date/platform/count)."""
    out: dict[str, str] = {}
    problems: list[str] = []
    for name, raw in zip(C.RAW_KEYS, key, strict=True):
        col = C.KEY_TO_DAILY[name]
        if name in C.ARRAY_KEYS:
            value, ok = array_cell(raw)
            if not ok:
                problems.append(f"{name}: not a JSON array of codes: {raw[:80]!r}")
        elif name == "automated_detection":
            value, ok = flag(raw)
            if not ok:
                problems.append(f"{name}: not Yes/No: {raw[:40]!r}")
        else:
            value = (raw or "").strip()
        out[col] = value
    return Normalised(out, problems)


@dataclass(frozen=True)
class V1V2:
    """The v1 -> v2 code mapping (category and keyword), from data/registry/sor_v1_v2.csv."""

    category: dict[str, str]
    keyword: dict[str, str]

    @classmethod
    def load(cls, data_dir: Path | None = None) -> V1V2:
        path = (data_dir or paths.data_dir()) / "registry" / "sor_v1_v2.csv"
        cat: dict[str, str] = {}
        kw: dict[str, str] = {}
        with path.open(newline="", encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                target = {"category": cat, "keyword": kw}.get(row.get("field", ""))
                if target is None or not row.get("v1") or not row.get("v2"):
                    raise ValueError(
                        f"{path.name} line {i}: needs field category|keyword, v1 and v2"
                    )
                target[row["v1"].strip()] = row["v2"].strip()
        return cls(cat, kw)

    def map_category(self, code: str, version: int) -> tuple[str, bool]:
        """(v2 code, known?)"""
        if version == 1:
            mapped = self.category.get(code, code)
            return mapped, code in C.CATEGORIES_V1 or code in C.CATEGORIES_V2 or not code
        return code, code in C.CATEGORIES_V2 or not code

    def map_keywords(self, joined: str, version: int) -> tuple[str, list[str]]:
        """(sorted comma-joined v2 codes, unknown codes)"""
        if not joined:
            return joined, []
        codes = joined.split(",")
        known = set(C.KEYWORDS_V2_ALL) | (
            set(C.KEYWORDS_V1_ALL) | set(self.keyword) if version == 1 else set()
        )
        unknown = [c for c in codes if c not in known]
        if version == 1:
            codes = [self.keyword.get(c, c) for c in codes]
        return ",".join(sorted(set(codes))), unknown
