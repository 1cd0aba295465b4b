"""Scraped regulator actions: parse stored feed snapshots, resolve them, match them to the register.

Every candidate a feed yields ends in ``action_candidates`` with an outcome:

- ``matched``: the register already holds it (same regulator, platform and action type, and a date
  within :data:`MATCH_DAYS` days of the register's date or announcement date, or in the same month
  for a month-precision row). The register row stays the record; a differing amount is reported.
- ``new``: no register row matches; it is added to ``actions`` with ``origin = 'scraped'`` and a
  warning asks a reviewer to add it (with its case) to ``data/registers/regulator_actions.csv``.
- ``duplicate``: the same event from another snapshot or another item of the same feed.
- ``unresolved``: no registered regulator or platform could be read from it (reported, not added).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import asdict
from datetime import date
from pathlib import Path

from transparency.accountability.feed_records import CandidateAction
from transparency.accountability.register import Register
from transparency.acquisition.sources import Source
from transparency.acquisition.store import Snapshot, SnapshotStore
from transparency.harmonisation.findings import Finding
from transparency.harmonisation.registries import Registries, match_key
from transparency.reading.records import ParseError

MATCH_DAYS = 7
# Registered names that are everyday words: never read as a platform from free text.
_NOT_NAMES = {"threads", "messenger", "outlook", "whisper", "quora", "zoom", "all", "twitter inc"}


def parse_actions_snapshot(
    source: Source, snap: Snapshot, store: SnapshotStore
) -> list[CandidateAction]:
    """Run the source's ``parse_actions`` on a stored snapshot under its original file name."""
    raw = store.path_for(snap.sha256)
    name = Path(snap.filename or Path(snap.url).name or snap.sha256).name
    with tempfile.TemporaryDirectory(prefix="transparency-actions-") as tmp:
        link = Path(tmp) / name
        link.symlink_to(raw)
        try:
            return list(source.module.parse_actions(link))
        except ParseError as exc:
            raise ParseError(f"{name} (snapshot {snap.sha256[:12]})", exc.reason, exc.row) from exc
        except (
            Exception
        ) as exc:  # a parser bug or an unreadable file: name it, never crash the build
            raise ParseError(
                f"{name} (snapshot {snap.sha256[:12]})",
                f"cannot be read as {source.id} ({type(exc).__name__}: {exc})",
            ) from exc


class NameScanner:
    """Finds registered platform and service names in free text (headlines), longest first.

    Names of three characters or more are compared loosely (``match_key``); shorter ones (``X``)
    only as a capitalised word exactly as registered, so "X" is found in "Commission fines X"
    but not in "x-ray". A platform named through several of its services gets no single service.
    """

    def __init__(self, reg: Registries):
        names: dict[str, tuple[str, str, str]] = {}
        short: dict[str, tuple[str, str]] = {}
        printed = [(a["alias"], a["platform_id"], a["service_id"]) for a in reg.aliases]
        printed += [(s["name"], s["platform_id"], s["service_id"]) for s in reg.services]
        printed += [(p["name"], p["platform_id"], "") for p in reg.platforms]
        for name, platform, service in printed:
            key = match_key(name)
            if len(key) >= 3 and key not in _NOT_NAMES:
                names.setdefault(key, (name, platform, service))
            elif 0 < len(name) < 3 and name[0].isupper():
                short.setdefault(name, (platform, service))
        self._names = sorted(names.items(), key=lambda kv: -len(kv[0]))
        self._short = short

    def find(self, text: str) -> list[tuple[str, str, str]]:
        """(platform, service, name as registered) for each platform named in ``text``."""
        hay = f" {match_key(text)} "
        hits: list[tuple[str, str, str]] = []
        for key, (name, platform, service) in self._names:
            needle = f" {key} "
            if needle in hay:
                hay = hay.replace(needle, " | ")
                hits.append((platform, service, name))
        for name, (platform, service) in self._short.items():
            if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-]|\.\w)", text):
                hits.append((platform, service, name))
        found: dict[str, tuple[str, str, str]] = {}
        for platform, service, name in hits:
            if platform in found:
                if found[platform][1] != service:
                    found[platform] = (platform, "", found[platform][2])
                continue
            found[platform] = (platform, service, name)
        return list(found.values())


def _resolve_platforms(
    c: CandidateAction, reg: Registries, scanner: NameScanner
) -> list[tuple[str, str, str]]:
    """The platforms a candidate concerns: its printed respondent, else names in its title, else
    names in its summary (an FTC release listing the recipients of 6(b) orders)."""
    if c.raw_platform_label:
        hit = reg.platform(c.raw_platform_label)
        return [(*hit, c.raw_platform_label)] if hit else scanner.find(c.raw_platform_label)
    return scanner.find(c.title) or scanner.find(c.summary)


def collect(ctx, register: Register) -> tuple[list[dict], list[dict], list[list]]:
    """(resolved candidates, new scraped action rows, snapshot rows) from every feed snapshot."""
    reg: Registries = ctx.reg
    scanner = NameScanner(reg)
    types = {t["action_type"] for t in register.action_types}
    candidates: list[dict] = []
    snapshot_rows: list[list] = []
    for snap in ctx.store:
        src = ctx.sources.get(snap.source_id)
        if src is None or not hasattr(src.module, "parse_actions"):
            continue
        try:
            found = parse_actions_snapshot(src, snap, ctx.store)
        except ParseError as exc:
            ctx.findings.append(
                Finding("error", "parse_error", snap.source_id, exc.path, exc.row or "", exc.reason)
            )
            continue
        vintage = date.fromisoformat((snap.published_at or snap.retrieved_at)[:10])
        snapshot_rows.append(
            [
                snap.sha256,
                snap.source_id,
                snap.url,
                snap.final_url or None,
                snap.filename,
                snap.retrieved_at.replace("Z", ""),
                snap.published_at or None,
                snap.media_type,
                snap.bytes,
                str(ctx.store.path_for(snap.sha256)),
                "store",
                vintage,
                "published" if snap.published_at else "retrieved",
                len(found),
            ]
        )
        unresolved = 0
        for c in found:
            if c.action_type not in types:
                ctx.findings.append(
                    Finding(
                        "error",
                        "unknown_action_type",
                        snap.source_id,
                        snap.filename,
                        c.row_ref,
                        f"parser gave action type {c.action_type!r}, not in data/registry/action_types.csv",
                    )
                )
                continue
            regulator_id = register.regulators.resolve(c.regulator)
            plats = _resolve_platforms(c, reg, scanner) if regulator_id else []
            if not c.source_url:
                c.source_url = snap.final_url or snap.url
            base = {
                **asdict(c),
                "source_id": snap.source_id,
                "snapshot_sha256": snap.sha256,
                "retrieved_at": snap.retrieved_at,
                "regulator_id": regulator_id,
                "file": snap.filename,
            }
            if not plats:
                unresolved += 1
                what = "regulator" if regulator_id is None else "platform"
                candidates.append(
                    {
                        **base,
                        "platform": None,
                        "service": None,
                        "outcome": "unresolved",
                        "action_id": None,
                        "message": f"no registered {what} in {c.title!r}",
                    }
                )
                continue
            for platform, service, name in plats:
                candidates.append(
                    {
                        **base,
                        "platform": platform,
                        "service": service or None,
                        "raw_platform_label": name,
                        "outcome": "",
                        "action_id": None,
                        "message": "",
                    }
                )
        if unresolved:
            ctx.findings.append(
                Finding(
                    "warning",
                    "unresolved_candidate",
                    snap.source_id,
                    snap.filename,
                    "",
                    f"{unresolved} item(s) name no registered regulator or platform "
                    "(listed in action_candidates; add aliases if they concern a platform)",
                )
            )
    new_rows = _match(ctx, candidates, register)
    return candidates, new_rows, snapshot_rows


def _distance(c: dict, a: dict) -> int | None:
    """Days between a candidate and a register row, or None when they cannot be the same event."""
    if a["_precision"] == "month":
        same = (c["date"].year, c["date"].month) == (a["_date"].year, a["_date"].month)
        return 0 if same else None
    gaps = [abs((c["date"] - d).days) for d in (a["_date"], a["_announced"]) if d]
    best = min(gaps)
    return best if best <= MATCH_DAYS else None


def _match(ctx, candidates: list[dict], register: Register) -> list[dict]:
    by_key: dict[tuple, list[dict]] = {}
    for a in register.actions:
        by_key.setdefault((a["_regulator_id"], a["_platform"], a["action_type"]), []).append(a)
    kept: dict[tuple, dict] = {}
    live = [c for c in candidates if not c["outcome"]]
    # prefer the item stating an amount, then the latest retrieval
    live.sort(key=lambda c: c["retrieved_at"], reverse=True)
    live.sort(key=lambda c: c["amount"] is None)
    new_rows: list[dict] = []
    for c in live:
        key = (c["regulator_id"], c["date"], c["platform"], c["action_type"])
        if key in kept:
            c["outcome"], c["action_id"] = "duplicate", kept[key]["action_id"]
            continue
        kept[key] = c
        options = [
            (d, a)
            for a in by_key.get((c["regulator_id"], c["platform"], c["action_type"]), [])
            if (d := _distance(c, a)) is not None
        ]
        if options:
            _, a = min(options, key=lambda x: x[0])
            c["outcome"], c["action_id"] = "matched", a["action_id"]
            if (
                c["amount"] is not None
                and a["_amount"] is not None
                and (c["currency"] != a["currency"] or abs(c["amount"] - a["_amount"]) > 0.5)
            ):
                ctx.findings.append(
                    Finding(
                        "warning",
                        "amount_differs",
                        c["source_id"],
                        c["file"],
                        c["row_ref"],
                        f"{c['amount_text']} in the feed, {a['amount']} {a['currency']} in "
                        f"register row {a['action_id']}",
                    )
                )
            continue
        digest = hashlib.sha1(
            f"{c['ref']}|{c['platform']}|{c['action_type']}".encode()
        ).hexdigest()[:8]
        c["outcome"] = "new"
        c["action_id"] = (
            f"{c['source_id']}-{c['date'].isoformat()}-{c['platform']}-{c['action_type']}-{digest}"
        )
        c["message"] = (
            "not in the register: review and add it (with its case) to data/registers/regulator_actions.csv"
        )
        ctx.findings.append(
            Finding(
                "warning",
                "new_scraped_action",
                c["source_id"],
                c["file"],
                c["row_ref"],
                f"{c['title']!r} ({c['platform']}, {c['action_type']}, {c['date']}) {c['message']}",
            )
        )
        new_rows.append(c)
    return new_rows
