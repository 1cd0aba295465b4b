"""The reviewable registries in ``data/``: platforms, services, aliases, scopes, policy areas,
metrics, and per-source label maps from every raw label to a harmonised id.

They are plain CSV so a reviewer can read a change to them in a diff. :class:`Registries` loads
them once and answers look-ups; :func:`match_key` defines how raw labels are compared (case,
spacing and most punctuation do not matter). Two fallbacks apply only when a label has no row of
its own: a platform printed as a bare web domain (``XNXX.COM``, ``www.pornhub.com``) is looked up
by its name without the domain ending, and a policy label that a parser numbered `` #2`` (one of
several printed rows sharing one label) takes the mapping of its unnumbered label.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from transparency import paths


class RegistryError(ValueError):
    """A registry file that is malformed: names the file and row."""


@functools.lru_cache(maxsize=65536)
def match_key(label: str) -> str:
    """Compare labels loosely: casefold, keep letters, digits, '*', '&', '%', '+', ':' and '/'."""
    text = label.casefold().replace("’", "'").replace("\u00a0", " ")
    text = re.sub(r"[^\w*&%+:/]+", " ", text)
    return " ".join(text.replace("_", " ").split())


def read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Read a registry CSV, checking its header; each row gets ``_row`` ("line N")."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise RegistryError(f"{path}: missing column(s) {', '.join(missing)}")
        rows = []
        for i, row in enumerate(reader, start=2):
            if not any((v or "").strip() for v in row.values()):
                continue
            clean = {k: (v or "").strip() for k, v in row.items() if k}
            clean["_row"] = f"line {i}"
            rows.append(clean)
        return rows


LABEL_FIELDS = ("policy", "metric", "scope", "platform")
_DOMAIN = re.compile(r"(?:www\.)?([a-z0-9][a-z0-9-]*)\.[a-z]{2,6}", re.IGNORECASE)
_NUMBERED = re.compile(r"(.*\S)\s+#\d+")
NOT_HARMONISED = "-"  # harmonised value of a label that is known but deliberately not mapped


@dataclass
class Registries:
    platforms: list[dict[str, str]]
    services: list[dict[str, str]]
    aliases: list[dict[str, str]]
    scopes: list[dict[str, str]]
    policy_areas: list[dict[str, str]]
    metrics: list[dict[str, str]]
    labels: list[dict[str, str]]  # with a source_id column
    _alias: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    _scope: dict[str, str] = field(default_factory=dict, repr=False)
    _label: dict[tuple[str, str, str], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        id_columns: list[tuple[str, list[dict[str, str]], tuple[str, ...]]] = [
            ("platforms.csv", self.platforms, ("platform_id",)),
            ("services.csv", self.services, ("platform_id", "service_id")),
            ("policy_areas.csv", self.policy_areas, ("policy_area",)),
            ("metrics.csv", self.metrics, ("metric",)),
        ]
        for name, rows, id_cols in id_columns:
            first: dict[tuple[str, ...], str] = {}
            for r in rows:
                k = tuple(r[c] for c in id_cols)
                if k in first:
                    raise RegistryError(
                        f"{name} {r['_row']}: {'/'.join(k)!r} is already defined at {first[k]}"
                    )
                first[k] = r["_row"]
        platform_ids = {p["platform_id"] for p in self.platforms}
        service_ids = {(s["platform_id"], s["service_id"]) for s in self.services}
        for s in self.services:
            if s["platform_id"] not in platform_ids:
                raise RegistryError(
                    f"services.csv {s['_row']}: unknown platform {s['platform_id']!r}"
                )
        for a in self.aliases:
            if a["platform_id"] not in platform_ids:
                raise RegistryError(
                    f"aliases.csv {a['_row']}: unknown platform {a['platform_id']!r}"
                )
            if a["service_id"] and (a["platform_id"], a["service_id"]) not in service_ids:
                raise RegistryError(
                    f"aliases.csv {a['_row']}: unknown service {a['service_id']!r} of {a['platform_id']}"
                )
            alias_key, alias_target = match_key(a["alias"]), (a["platform_id"], a["service_id"])
            if self._alias.get(alias_key, alias_target) != alias_target:
                raise RegistryError(
                    f"aliases.csv {a['_row']}: {a['alias']!r} already maps to {'/'.join(self._alias[alias_key])}"
                )
            self._alias[alias_key] = alias_target
        for p in self.platforms:  # a platform's own id and name are aliases of it
            self._alias.setdefault(match_key(p["name"]), (p["platform_id"], ""))
            self._alias.setdefault(match_key(p["platform_id"]), (p["platform_id"], ""))
        for s in self.services:
            self._alias.setdefault(match_key(s["name"]), (s["platform_id"], s["service_id"]))
        for sc in self.scopes:
            self._scope[match_key(sc["raw_label"])] = sc["scope"]
        for code in {row["scope"] for row in self.scopes}:
            self._scope.setdefault(match_key(code), code)
        policy_ids = {p["policy_area"] for p in self.policy_areas}
        metric_ids = {m["metric"] for m in self.metrics}
        for p in self.policy_areas:
            if p["parent"] and p["parent"] not in policy_ids:
                raise RegistryError(f"policy_areas.csv {p['_row']}: unknown parent {p['parent']!r}")
        for lab in self.labels:
            where = f"labels/{lab['source_id']}.csv {lab['_row']}"
            kind, target = lab["field"], lab["harmonised"]
            if kind not in LABEL_FIELDS:
                raise RegistryError(f"{where}: field {kind!r} is not one of {LABEL_FIELDS}")
            if target == NOT_HARMONISED:
                pass  # a known label deliberately left without a harmonised id (the note says why)
            elif kind == "policy" and target not in policy_ids:
                raise RegistryError(
                    f"{where}: unknown policy area {target!r} (add it to policy_areas.csv)"
                )
            if kind == "metric" and target not in metric_ids and target != NOT_HARMONISED:
                raise RegistryError(f"{where}: unknown metric {target!r} (add it to metrics.csv)")
            key = (lab["source_id"], kind, match_key(lab["raw_label"]))
            if key in self._label and self._label[key] != target:
                raise RegistryError(
                    f"{where}: {lab['raw_label']!r} mapped twice, to {self._label[key]!r} and {target!r}"
                )
            self._label[key] = target
        self.metric_info = {m["metric"]: m for m in self.metrics}
        self.policy_info = {p["policy_area"]: p for p in self.policy_areas}

    def platform(self, label: str) -> tuple[str, str] | None:
        """(platform_id, service_id) for a printed name; service_id "" when not one service.

        A name printed as a bare web domain with no alias of its own (``XNXX.COM`` in a DSA
        report's Service column) is the name before the domain ending (``XNXX``): only a name the
        registry already knows matches, so an unknown domain stays unmapped.
        """
        hit = self._alias.get(match_key(label))
        if hit is None and (m := _DOMAIN.fullmatch(label.strip())):
            hit = self._alias.get(match_key(m[1]))
        return hit

    def scope(self, label: str) -> str | None:
        return self._scope.get(match_key(label))

    def label(self, source_id: str, kind: str, raw: str) -> str | None:
        """The harmonised id of a raw label. A policy label numbered `` #k`` by its parser (the
        k-th of several rows printed under one label, e.g. a DSA category's "Other" rows, each
        with its own description) without a row of its own maps as its unnumbered label does."""
        hit = self._label.get((source_id, kind, match_key(raw)))
        if hit is None and kind == "policy" and (m := _NUMBERED.fullmatch(raw.strip())):
            hit = self._label.get((source_id, kind, match_key(m[1])))
        return hit

    def unit(self, metric: str) -> str:
        return self.metric_info[metric]["unit"]


def load(data_dir: Path | None = None) -> Registries:
    """Load every registry file under ``data_dir`` (default: the embedded ``data/``)."""
    root = data_dir or paths.data_dir()
    reg = root / "registry"
    labels: list[dict[str, str]] = []
    for f in sorted((root / "labels").glob("*.csv")):
        for row in read_csv(f, ("field", "raw_label", "harmonised")):
            row["source_id"] = f.stem
            labels.append(row)
    return Registries(
        platforms=read_csv(reg / "platforms.csv", ("platform_id", "name", "company", "homepage")),
        services=read_csv(reg / "services.csv", ("platform_id", "service_id", "name")),
        aliases=read_csv(reg / "aliases.csv", ("alias", "platform_id", "service_id")),
        scopes=read_csv(reg / "scopes.csv", ("raw_label", "scope")),
        policy_areas=read_csv(
            reg / "policy_areas.csv",
            (
                "policy_area",
                "label",
                "parent",
                "dsa_category",
                "dsa_keyword",
                "csea_family",
                "description",
            ),
        ),
        metrics=read_csv(reg / "metrics.csv", ("metric", "label", "unit", "kind", "definition")),
        labels=labels,
    )
