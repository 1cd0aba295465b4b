"""Researched regulator actions into the curated register: validate, resolve, group, deduplicate.

Researchers collect real actions in CSV files with the columns :data:`RESEARCH_COLUMNS` (one row
per action: date of announcement, decision date where different, regulator as named with its
kind, jurisdiction, respondent as printed, action type in words, amount with its kind, status,
summary, a quote of at most 25 words from the source, the source URL, a confidence, a case hint
grouping the events of one matter, and a note). :func:`merge` turns them into rows of
``data/registers/regulator_actions.csv`` and ``cases.csv``, new regulators (``data/registry/
regulators.csv`` and ``regulator_aliases.csv``) and new platforms (``platforms.csv`` and
``aliases.csv``), deterministically: the same inputs and the same data folder give the same
files.

A row enters only if its date parses, its currency is ISO 4217, its amount is a plain number, its
source URL and its quote (at most 25 words) are present, its action type and its regulator kind
are known, and its platform label names one platform. Rows that fail are reported with the
reason, never entered. A row that repeats an action already in the register (same country, same
platform, date within 7 days, same amount, and for rows without an amount the same family of
action) is skipped as a duplicate. Penalties per day, suspended amounts, statutory maximums and
amounts per platform keep their ``amount_kind``: the register never sums them into a headline.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from transparency.accountability.register import (
    ACTION_COLUMNS,
    ACTION_EXTRA_COLUMNS,
    AMOUNT_KINDS,
    CASE_COLUMNS,
    CONFIDENCE,
    MAX_QUOTE_WORDS,
    Regulators,
    parse_event_date,
)
from transparency.harmonisation.registries import Registries, match_key, read_csv

RESEARCH_COLUMNS = (
    "date",
    "decision_date",
    "regulator",
    "regulator_kind",
    "jurisdiction",
    "platform_label",
    "action_type",
    "amount",
    "currency",
    "amount_kind",
    "status",
    "summary",
    "quote",
    "source_url",
    "confidence",
    "case_hint",
    "note",
)
REGISTER_COLUMNS = ACTION_COLUMNS + ACTION_EXTRA_COLUMNS
DUPLICATE_DAYS = 7

# ISO 4217 active codes (2025), so a typo such as "EURO" or "RMB" is caught
_ISO_4217_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD
BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD
EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD
IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL
MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN
PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP
STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED
VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
"""
ISO_4217 = frozenset(_ISO_4217_CODES.split())

# action types as researchers write them -> the register's vocabulary (data/registry/action_types.csv)
ACTION_TYPE_WORDS = {
    "fine": "fine",
    "penalty": "fine",
    "administrative fine": "fine",
    "settlement": "settlement",
    "consent order": "settlement",
    "formal warning": "formal_warning",
    "warning": "formal_warning",
    "reprimand": "formal_warning",
    "notice": "notice",
    "transparency notice": "transparency_notice",
    "infringement notice": "infringement_notice",
    "information request": "information_request",
    "proceedings opened": "formal_proceedings_opened",
    "formal proceedings opened": "formal_proceedings_opened",
    "preliminary findings": "preliminary_findings",
    "decision": "decision",
    "court order": "court_order",
    "injunction": "court_order",
    "lawsuit filed": "lawsuit_filed",
    "lawsuit": "lawsuit_filed",
    "investigation opened": "investigation_opened",
    "investigation": "investigation_opened",
    "investigation closed": "investigation_closed",
    "criminal investigation": "criminal_investigation",
    "ban or block": "ban_block",
    "ban": "ban_block",
    "block": "ban_block",
    "suspension": "ban_block",
    "block lifted": "block_lifted",
    "ban lifted": "block_lifted",
    "commitments accepted": "commitments_accepted",
    "commitments": "commitments",
    "judgment": "court_judgment",
    "court judgment": "court_judgment",
    "verdict": "court_judgment",
    "appeal": "appeal",
    "removal notice": "removal_notice",
    "emergency order": "emergency_order",
    "other": "other",
}

# regulator kinds as researchers write them -> data/registry/authority_kinds.csv
KIND_WORDS = (
    ("appeals board", "court"),
    ("appeal board", "court"),
    ("tribunal", "court"),
    ("data protection", "data_protection"),
    ("privacy", "data_protection"),
    ("online safety", "online_safety"),
    ("digital services", "online_safety"),
    ("media", "communications_media"),
    ("network", "communications_media"),
    ("telecom", "communications_media"),
    ("communications", "communications_media"),
    ("broadcast", "communications_media"),
    ("consumer", "consumer_competition"),
    ("competition", "consumer_competition"),
    ("attorney general", "attorney_general"),
    ("attorneys general", "attorney_general"),
    ("court", "court"),
    ("tribunal", "court"),
    ("appeals board", "court"),
    ("appeal board", "court"),
    ("judge", "court"),
    ("prosecutor", "prosecutor"),
    ("police", "prosecutor"),
    ("ministry", "government"),
    ("government", "government"),
)
_SUFFIXES = re.compile(
    r"\b(inc|llc|ltd|limited|corp|corporation|co|plc|pte|gmbh|sa|sas|sarl|bv|ag|s r o|a s|s l|sl|srl|spa|ltda|s a)\b\.?",
    re.IGNORECASE,
)
# a respondent that is a group of services ("25 OTT websites and apps", "Social media platforms")
_GROUP = re.compile(r"^\s*(\d|all\b)|\b(platforms|apps|websites|sites|services|networks)\b", re.I)
_JURISDICTION = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,3})?")
_NUMBER = re.compile(r"\d+(\.\d+)?")


@dataclass
class Intake:
    """What a merge produced: new rows per file, and every input row not entered (with why)."""

    actions: list[dict[str, str]] = field(default_factory=list)
    cases: list[dict[str, str]] = field(default_factory=list)
    regulators: list[dict[str, str]] = field(default_factory=list)
    regulator_aliases: list[dict[str, str]] = field(default_factory=list)
    platforms: list[dict[str, str]] = field(default_factory=list)
    aliases: list[dict[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (where, existing action)


def slug(text: str) -> str:
    """An ASCII id from a name (accents dropped: ``Conseil d'État`` -> ``conseil_d_etat``)."""
    ascii_text = unicodedata.normalize("NFKD", match_key(text)).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.decode()).strip("_")


def _plain_date(text: str) -> date:
    return parse_event_date(text)[0]


def action_type_of(words: str, known: set[str]) -> str | None:
    key = " ".join(words.lower().replace("_", " ").split())
    if key.replace(" ", "_") in known:
        return key.replace(" ", "_")
    hit = ACTION_TYPE_WORDS.get(key)
    return hit if hit in known else None


def authority_kind(kind_text: str, name: str) -> str:
    for text in (kind_text, name):
        low = text.lower()
        for words, kind in KIND_WORDS:
            if words in low:
                return kind
    return "other"


def _parts(label: str) -> list[str]:
    """Candidate names in a printed respondent: whole, without brackets, bracket content, parts."""
    outside = re.sub(r"\([^)]*\)", " ", label).strip()
    inside = re.findall(r"\(([^)]*)\)", label)
    out = [label, outside, *inside]
    out += [_SUFFIXES.sub(" ", c) for c in list(out)]
    return [c.strip(" ,.") for c in out if c.strip(" ,.")]


def _several(text: str) -> bool:
    return bool(re.search(r"\s+and\s+|/|,|&|;", text))


def resolve_platform(label: str, reg: Registries) -> tuple[str, list[str]] | None:
    """(platform id, service ids) for a respondent as printed; None if unknown or several platforms.

    Tried in order: the label, the label without brackets, then (when that names one respondent)
    the brackets' content, each with company endings (Inc., LLC, Ltd …) removed; then the label's
    parts split at ' and ', '/', ',' when every part names the same platform (``Meta Platforms
    Inc. and WhatsApp LLC`` is Meta); then the name without its last words (``Google Ireland``
    is Google).
    """
    outside = re.sub(r"\([^)]*\)", " ", label).strip(" ,.")
    candidates = [label, outside]
    if not _several(outside):
        candidates += [c for c in re.findall(r"\(([^)]*)\)", label) if not _several(c)]
    for c in candidates + [_SUFFIXES.sub(" ", c) for c in candidates]:
        hit = reg.platform(c.strip(" ,.")) if c.strip(" ,.") else None
        if hit:
            return hit[0], [hit[1]] if hit[1] else _bracket_services(label, hit[0], reg)
    pieces = [p.strip(" ,.") for p in re.split(r"\s+and\s+|/|,|&|;", re.sub(r"[()]", ",", label))]
    pieces = [p for p in pieces if _SUFFIXES.sub(" ", p).strip(" ,.")]
    found = [_one(p, reg) for p in pieces]
    named = {h[0] for h in found if h}
    # every part names the same platform, or the first part does and no part names another
    # ("TikTok Technology Canada, Inc. (ByteDance)", "Google Chromebook / Workspace for Education")
    if len(pieces) > 1 and len(named) == 1 and (all(found) or found[0]):
        return next(iter(named)), sorted({h[1] for h in found if h and h[1]})
    if _several(outside):
        return None
    hit = _one(outside, reg)
    return (hit[0], []) if hit else None


def _one(name: str, reg: Registries) -> tuple[str, str] | None:
    """One respondent's name: as printed, without company endings, or its first word(s)."""
    hit = reg.platform(name) or reg.platform(_SUFFIXES.sub(" ", name).strip(" ,."))
    if hit:
        return hit
    words = _SUFFIXES.sub(" ", name).split()
    for n in range(len(words) - 1, 0, -1):
        hit = reg.platform(" ".join(words[:n]))
        if hit:
            return hit[0], ""
    return None


def _bracket_services(label: str, platform: str, reg: Registries) -> list[str]:
    """Services named in brackets (``Meta Platforms (Facebook, Instagram)``) of that platform."""
    out = []
    for inside in re.findall(r"\(([^)]*)\)", label):
        for p in re.split(r",|/|\s+and\s+", inside):
            hit = reg.platform(p.strip()) if p.strip() else None
            if hit and hit[0] == platform and hit[1]:
                out.append(hit[1])
    return sorted(set(out))


def _new_platform(label: str, reg: Registries, intake: Intake) -> str:
    """Add a platform the registry lacks (id from its name; company from the brackets)."""
    name = re.sub(r"\([^)]*\)", " ", label).strip(" ,.") or label
    company = next(iter(re.findall(r"\(([^)]*)\)", label)), "")
    known = {p["platform_id"] for p in reg.platforms} | {p["platform_id"] for p in intake.platforms}
    pid = slug(_SUFFIXES.sub(" ", match_key(name))) or slug(name)
    for p in intake.platforms:
        if match_key(p["name"]) == match_key(name):
            pid = p["platform_id"]
            break
    else:
        base, n = pid, 2
        while pid in known:
            pid, n = f"{base}_{n}", n + 1
        intake.platforms.append(
            {"platform_id": pid, "name": name, "company": company, "homepage": ""}
        )
        reg._alias.setdefault(match_key(name), (pid, ""))
    if reg.platform(label) is None:
        reg._alias[match_key(label)] = (pid, "")
        intake.aliases.append(
            {
                "alias": label,
                "platform_id": pid,
                "service_id": "",
                "note": "regulator register (researched action)",
            }
        )
    return pid


def _keys(name: str) -> set[str]:
    """What identifies a regulator's name: the name, the name without brackets, and an acronym
    in brackets (``(CNIL)``) -- not other bracketed words (``(juge des référés)`` is shared by
    different courts)."""
    outside = re.sub(r"\([^)]*\)", " ", name)
    acronyms = [
        a for a in re.findall(r"\(([^)]*)\)", name) if re.fullmatch(r"[A-Za-z&\-]{2,10}", a)
    ]
    return {k for p in (name, outside, *acronyms) if len(k := match_key(p)) > 2}


def _regulator(row: dict[str, str], regs: Regulators, intake: Intake) -> str:
    """The regulator id for a row: known by name, alias, or a shared part of the name (the
    acronym in brackets, the name without brackets) within its jurisdiction; else a new one.
    A printed name the registry does not resolve gets an alias, so the register's loader finds it."""
    name, jur = row["regulator"], row["jurisdiction"]
    hit = regs.resolve(name)
    if hit and regs.info[hit]["jurisdiction"].split("-")[0] == jur.split("-")[0]:
        return hit
    keys = _keys(name)
    for rid in sorted(regs.info):
        info = regs.info[rid]
        same_place = info["jurisdiction"] == jur or info["jurisdiction"] == jur.split("-")[0]
        if same_place and keys & (_keys(info["name"]) | {match_key(rid)}):
            if hit is None:
                intake.regulator_aliases.append(
                    {
                        "alias": name,
                        "regulator_id": rid,
                        "note": "as printed in a researched action",
                    }
                )
                regs._by_key[match_key(name)] = rid
            return rid
    acronym = next(
        (a for a in re.findall(r"\(([^)]*)\)", name) if re.fullmatch(r"[A-Za-z0-9&\-. ]{2,12}", a)),
        "",
    )
    outside = re.sub(r"\([^)]*\)", " ", name).split()
    short = outside[0] if len(outside) == 1 and len(outside[0]) <= 12 else acronym
    base = slug(jur) + "_" + (slug(short) if short else _initials(name))
    rid, n = base, 2
    while rid in regs.info:
        rid, n = f"{base}_{n}", n + 1
    intake.regulators.append(
        {
            "regulator_id": rid,
            "name": name,
            "jurisdiction": jur,
            "kind": authority_kind(row["regulator_kind"], name),
            "homepage": "",
            "description": row["regulator_kind"],
        }
    )
    regs.info[rid] = intake.regulators[-1]
    regs._by_key.setdefault(match_key(rid), rid)
    if hit is None:
        regs._by_key[match_key(name)] = rid
    return rid


def _initials(name: str) -> str:
    """Initials of the name's longer words, brackets left out, ASCII (``Conseil d'État`` ->
    ``ce``)."""
    words = [w for w in slug(re.sub(r"\([^)]*\)", " ", name)).split("_") if len(w) > 2]
    return "".join(w[0] for w in words)[:8] or slug(name)[:12]


def check_row(row: dict[str, str], types: set[str]) -> list[str]:
    """Why a research row cannot enter the register (empty: it can)."""
    problems = []
    try:
        if _plain_date(row["date"]) > date.today():
            problems.append(f"date {row['date']} is in the future")
    except ValueError as exc:
        problems.append(f"date: {exc}")
    if row["decision_date"]:
        try:
            date.fromisoformat(row["decision_date"])
        except ValueError:
            problems.append(f"decision_date {row['decision_date']!r} is not YYYY-MM-DD")
    if not row["regulator"]:
        problems.append("regulator is empty")
    if not _JURISDICTION.fullmatch(row["jurisdiction"]):
        problems.append(f"jurisdiction {row['jurisdiction']!r} is not XX or XX-YY")
    if not row["platform_label"]:
        problems.append("platform_label is empty")
    if action_type_of(row["action_type"], types) is None:
        problems.append(f"action type {row['action_type']!r} is not in the vocabulary")
    amount = row["amount"].replace(",", "").strip()
    if amount:
        if not _NUMBER.fullmatch(amount):
            problems.append(f"amount {row['amount']!r} is not a plain number")
        if row["currency"] not in ISO_4217:
            problems.append(f"currency {row['currency']!r} is not an ISO 4217 code")
        if (row["amount_kind"] or "total") not in AMOUNT_KINDS:
            problems.append(
                f"amount_kind {row['amount_kind']!r} is not one of {', '.join(AMOUNT_KINDS)}"
            )
    elif row["currency"]:
        problems.append(f"currency {row['currency']!r} without an amount")
    if not re.match(r"https?://\S+$", row["source_url"]):
        problems.append("source_url is missing or not an http(s) URL")
    words = len(row["quote"].split())
    if not words:
        problems.append("quote is missing (a short quote from the source proving the date)")
    elif words > MAX_QUOTE_WORDS:
        problems.append(f"quote has {words} words (at most {MAX_QUOTE_WORDS})")
    if row["confidence"] not in CONFIDENCE:
        problems.append(f"confidence {row['confidence']!r} is not one of {', '.join(CONFIDENCE)}")
    return problems


def _family(action_type: str, families: dict[str, str]) -> str:
    return families.get(action_type, action_type)


def _is_duplicate(a: dict[str, str], b: dict[str, str], families: dict[str, str]) -> bool:
    """Same country, platform (and service where both name one) and amount (and currency), dates
    within 7 days; without an amount, the same regulator and family of action too (fourteen
    attorneys general suing TikTok on one day are fourteen actions)."""
    if a["jurisdiction"].split("-")[0] != b["jurisdiction"].split("-")[0]:
        return False
    if a["_platform"] != b["_platform"]:
        return False
    if a["_service"] and b["_service"] and a["_service"] != b["_service"]:
        return False
    if abs((_plain_date(a["date"]) - _plain_date(b["date"])).days) > DUPLICATE_DAYS:
        return False
    if a["amount"] or b["amount"]:
        if not (a["amount"] and b["amount"]) or a["currency"] != b["currency"]:
            return False
        return abs(float(a["amount"]) - float(b["amount"])) <= 0.005 * max(float(a["amount"]), 1)
    return a["_regulator_id"] == b["_regulator_id"] and _family(
        a["action_type"], families
    ) == _family(b["action_type"], families)


def read_research(paths: Iterable[Path]) -> list[dict[str, str]]:
    rows = []
    for path in paths:
        for r in read_csv(path, RESEARCH_COLUMNS):
            r["_where"] = f"{path.name} {r['_row']}"
            rows.append(r)
    return rows


def _targets(
    r: dict[str, str], reg: Registries, intake: Intake, platforms: set[str]
) -> list[tuple[str, list[str], bool]] | str:
    """The platform(s) a research row is about: [(platform, services, explicit)], or why not.

    A label naming one platform (or a new respondent) gives one target; a label naming several
    known platforms (``X Corp. and xAI (Grok)``) gives one row per platform with ``platform`` set
    explicitly, unless it carries one total amount (that would be summed or repeated: the row must
    be split per platform by the researcher). A new respondent printed in parts with a single
    company in brackets (``VTech Kid Connect / Learning Lodge (VTech Electronics)``) is that
    company.
    """
    label = r["platform_label"]
    hit = resolve_platform(label, reg)
    if hit is not None:
        platform, services = hit
        if platform not in platforms | {p["platform_id"] for p in intake.platforms}:
            return f"unknown platform id {platform!r}"
        if reg.platform(label) is None:
            service = services[0] if len(services) == 1 else ""
            intake.aliases.append(
                {
                    "alias": label,
                    "platform_id": platform,
                    "service_id": service,
                    "note": "regulator register (researched action)",
                }
            )
            reg._alias[match_key(label)] = (platform, service)
        return [(platform, services, False)]
    outside = re.sub(r"\([^)]*\)", "", label)
    if _GROUP.search(outside):
        return f"platform label {label!r} names a group of services, not one platform: one row per platform"
    if not _several(outside):
        return [(_new_platform(label, reg, intake), [], False)]
    pieces = [p.strip(" ,.") for p in re.split(r"\s+and\s+|/|,|&|;", re.sub(r"[()]", ",", label))]
    found = [_one(p, reg) for p in pieces if _SUFFIXES.sub(" ", p).strip(" ,.")]
    if found and all(found):
        by_platform: dict[str, list[str]] = {}
        for h in found:
            if h:
                by_platform.setdefault(h[0], []).extend([h[1]] if h[1] else [])
        if len(by_platform) > 1:
            if r["amount"].strip() and (r["amount_kind"] or "total") != "per_platform":
                return (
                    f"platform label {label!r} names {len(by_platform)} platforms with one "
                    f"{r['amount_kind'] or 'total'} amount: one row per platform"
                )
            return [(p, sorted(set(s)), True) for p, s in by_platform.items()]
    inside = [c for c in re.findall(r"\(([^)]*)\)", label) if not _several(c)]
    if len(inside) == 1 and _one(inside[0], reg) is None:
        pid = _new_platform(inside[0], reg, intake)
        intake.aliases.append(
            {
                "alias": label,
                "platform_id": pid,
                "service_id": "",
                "note": "regulator register (researched action)",
            }
        )
        reg._alias[match_key(label)] = (pid, "")
        return [(pid, [], False)]
    return (
        f"platform label {label!r} names several platforms or an unknown one: one row per platform"
    )


def merge(
    research: list[dict[str, str]],
    existing: list[dict[str, str]],
    cases: list[dict[str, str]],
    reg: Registries,
    regs: Regulators,
    action_types: list[dict[str, str]],
) -> Intake:
    """New register rows from research rows; ``existing`` are the register's current actions."""
    intake = Intake()
    types = {t["action_type"] for t in action_types}
    families = {t["action_type"]: t.get("family", "") or t["action_type"] for t in action_types}
    stages = {t["action_type"]: t["stage"] for t in action_types}
    platforms = {p["platform_id"] for p in reg.platforms}

    def platform_of(e: dict[str, str]) -> tuple[str, str]:
        services = [s for s in e["services"].split(";") if s]
        one = services[0] if len(services) == 1 else ""
        direct = reg.platform(e["platform_label"])
        if direct:
            pid, sid = direct
        else:
            hit = resolve_platform(e["platform_label"], reg)
            pid, sid = (hit[0], hit[1][0] if len(hit[1]) == 1 else "") if hit else ("", "")
        if e["platform"] and e["platform"] != pid:
            return e["platform"], one
        return pid, sid or one

    seen = []
    for e in existing:
        platform, service = platform_of(e)
        seen.append(
            dict(
                e,
                _platform=platform,
                _service=service,
                _regulator_id=regs.resolve(e["regulator"]) or "",
            )
        )
    ids = {e["action_id"] for e in existing}
    keys = {
        (e["_regulator_id"], e["date"], e["_platform"], e["_service"], e["action_type"])
        for e in seen
    }
    # deterministic: research rows in order of date, jurisdiction, regulator, platform, type, URL
    ordered = sorted(
        research,
        key=lambda r: (
            r["date"],
            r["jurisdiction"],
            r["regulator"],
            r["platform_label"],
            r["action_type"],
            r["source_url"],
        ),
    )
    events: list[dict[str, str]] = []
    for r in ordered:
        problems = check_row(r, types)
        if problems:
            intake.rejected.append((r["_where"], "; ".join(problems)))
            continue
        targets = _targets(r, reg, intake, platforms)
        if isinstance(targets, str):
            intake.rejected.append((r["_where"], targets))
            continue
        for platform, services, explicit in targets:
            action_type = action_type_of(r["action_type"], types) or ""
            amount = r["amount"].replace(",", "").strip()
            if amount.endswith(".0") or re.fullmatch(r"\d+\.0+", amount):
                amount = amount.split(".")[0]
            service = services[0] if len(services) == 1 else ""
            regulator_id = _regulator(r, regs, intake)
            candidate = {
                **r,
                "amount": amount,
                "currency": r["currency"] if amount else "",
                "action_type": action_type,
                "_platform": platform,
                "_service": service,
                "_regulator_id": regulator_id,
            }
            dup = next((e for e in seen if _is_duplicate(candidate, e, families)), None)
            if dup is not None:
                intake.duplicates.append((r["_where"], dup["action_id"]))
                continue
            key = (regulator_id, r["date"], platform, service, action_type)
            if key in keys:
                intake.duplicates.append(
                    (
                        r["_where"],
                        "same regulator, date, platform and action type as a register row",
                    )
                )
                continue
            keys.add(key)
            shown_service = service if service != platform else ""
            base = "-".join(
                x for x in (regulator_id, r["date"], platform, shown_service, action_type) if x
            )
            action_id, n = base, 2
            while action_id in ids:
                action_id, n = f"{base}-{n}", n + 1
            ids.add(action_id)
            row = {c: "" for c in REGISTER_COLUMNS}
            row.update(
                {
                    "action_id": action_id,
                    "date": r["date"],
                    "regulator": r["regulator"]
                    if regs.resolve(r["regulator"]) == regulator_id
                    else regulator_id,
                    "jurisdiction": r["jurisdiction"],
                    "platform_label": r["platform_label"],
                    "platform": platform if explicit else "",
                    "services": ";".join(services) if len(services) > 1 else "",
                    "action_type": action_type,
                    "amount": amount,
                    "currency": candidate["currency"],
                    "status": r["status"],
                    "summary": r["summary"],
                    "source_url": r["source_url"],
                    "confidence": r["confidence"],
                    "note": r["note"]
                    if not explicit
                    else "; ".join(
                        x
                        for x in (
                            r["note"],
                            f"one source row naming {len(targets)} platforms: one row per platform",
                        )
                        if x
                    ),
                    "decision_date": r["decision_date"] if r["decision_date"] != r["date"] else "",
                    "amount_kind": (r["amount_kind"] or "total") if amount else "",
                    "quote": " ".join(r["quote"].split()),
                }
            )
            events.append(
                {
                    **row,
                    "_platform": platform,
                    "_regulator_id": regulator_id,
                    "_hint": r["case_hint"],
                }
            )
            seen.append(
                {**row, "_platform": platform, "_service": service, "_regulator_id": regulator_id}
            )
    used = {e["_regulator_id"] for e in events}
    intake.regulators = [r for r in intake.regulators if r["regulator_id"] in used]
    intake.regulator_aliases = [a for a in intake.regulator_aliases if a["regulator_id"] in used]
    labels = {t["action_type"]: t["label"] for t in action_types}
    _group_cases(events, cases, reg, regs, stages, labels, intake)
    intake.actions = [{c: e[c] for c in REGISTER_COLUMNS} for e in events]
    return intake


def _group_cases(
    events: list[dict[str, str]],
    cases: list[dict[str, str]],
    reg: Registries,
    regs: Regulators,
    stages: dict[str, str],
    labels: dict[str, str],
    intake: Intake,
) -> None:
    """Cases from case hints: one case per hint and platform; an action without a hint is its own
    case. The case's regulator is that of its first event; its status that of its last."""
    existing = {c["case_id"] for c in cases}
    groups: dict[str, list[dict[str, str]]] = {}
    hint_platforms: dict[str, set[str]] = {}
    for e in events:
        hint_platforms.setdefault(slug(e["_hint"]) if e["_hint"] else "", set()).add(e["_platform"])
    for e in events:
        hint = slug(e["_hint"]).replace("_", "-") if e["_hint"] else ""
        if not hint:
            case_id = f"{e['_regulator_id']}-{e['_platform']}-{e['action_type']}-{e['date']}"
        elif hint in existing or len(hint_platforms[slug(e["_hint"])]) == 1:
            case_id = hint
        else:
            case_id = f"{hint}-{e['_platform'].replace('_', '-')}"
        e["case_id"] = case_id
        groups.setdefault(case_id, []).append(e)
    names = {p["platform_id"]: p["name"] for p in reg.platforms + intake.platforms}
    for case_id in sorted(groups):
        if case_id in existing:
            continue
        evs = sorted(groups[case_id], key=lambda e: e["date"])
        first, last = evs[0], evs[-1]
        intake.cases.append(
            {
                "case_id": case_id,
                "title": _case_title(evs, regs, names, labels),
                "regulator": first["_regulator_id"],
                "jurisdiction": first["jurisdiction"],
                "platform": first["_platform"],
                "legal_basis": "",
                "status": _case_status(last, stages),
                "note": "from researched actions (scripts/merge_register_research.py)",
            }
        )


def _case_title(
    evs: list[dict[str, str]], regs: Regulators, names: dict[str, str], labels: dict[str, str]
) -> str:
    """``<regulator> v <platform>: <first action> … <last action> (<years>)``."""
    first, last = evs[0], evs[-1]
    steps = [labels.get(first["action_type"], first["action_type"])]
    if len(evs) > 1 and last["action_type"] != first["action_type"]:
        steps.append(labels.get(last["action_type"], last["action_type"]).lower())
    years = sorted({e["date"][:4] for e in evs})
    span = years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}"
    who = names.get(first["_platform"], first["platform_label"])
    return f"{regs.info[first['_regulator_id']]['name']} v {who}: {' … '.join(steps)} ({span})"


def _case_status(last: dict[str, str], stages: dict[str, str]) -> str:
    kind, status = last["action_type"], last["status"].lower()
    if "appeal" in status or kind == "appeal":
        return "appealed"
    if kind in ("block_lifted", "investigation_closed", "commitments_accepted"):
        return "closed"
    if stages.get(kind) in ("sanction", "closed") or kind in ("court_judgment", "court_penalty"):
        return "decided"
    return "open"


def csv_lines(rows: list[dict[str, str]], columns: Iterable[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    return buf.getvalue()


def case_columns() -> tuple[str, ...]:
    return CASE_COLUMNS
