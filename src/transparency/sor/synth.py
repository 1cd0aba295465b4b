"""Synthetic daily dumps in the exact official packaging, for tests and benchmarks.

Packaging as ``StatementsDayArchiveZ`` / ``StatementCsvExportZ`` / ``StatementCsvExportGroupParts``
/ ``StatementCsvExportSha1`` write it: an outer ``sor-{slug}-{date}-{full|light}.zip`` stored without
compression, holding inner ``…-{NNNNN}.csv.zip`` (deflate) of 1,000,001 statement ids each, holding
CSV parts ``…-{NNNNN}-{NNNNN}.csv`` of 100,001 ids each, every part with its own header, lines
joined by ``\\n`` and no newline after the last one; cells written as PHP ``fputcsv`` writes them;
``….zip.sha1`` beside it holding ``<sha1>  <file name>``.

Values follow the published enumerations (v1 before 2025-07-01, v2 after), with per-platform
profiles: Google Shopping dominates v1 days ("the large majority of all statements", guide s.7) and
shrinks after its June 2025 changes; Protection of Minors is about 0.2 % of statements (guide s.12).
The platform shares are this project's rough approximations, not published figures. Rows are about
1 KB of CSV each, like the real dumps (1,028 bytes per row, guide s.7), and compress about as well.

Malformed rows: ``malformed_share`` of the rows carry literal backslash-quote text (issue #454, the
pattern of the real Chrome Web Store rows) -- repairable, so they count; ``broken_share`` of the rows
have a cell ending with a backslash, which no reader can recover -- they must become rejects.

Deterministic: the same arguments and seed give byte-identical files.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import random
import shutil
import tempfile
import zipfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from transparency.sor import columns as C
from transparency.sor.csvtext import parse_line, php_field, repair

PART_IDS = 100_000  # DayArchiveService::$chunk: each CSV part covers ids [s, s + 100,000]
ZIP_IDS = 1_000_000  # CSV_EXPORT_JOB_CHUNK_SIZE: each inner ZIP covers ids [s, s + 1,000,000]
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# name, share of a v1 day, share of a v2 day, kind
PLATFORMS: tuple[tuple[str, float, float, str], ...] = (
    ("Google Shopping", 0.700, 0.220, "shopping"),
    ("TikTok", 0.070, 0.180, "video"),
    ("Facebook", 0.035, 0.090, "social"),
    ("Instagram", 0.030, 0.080, "social"),
    ("Pinterest", 0.030, 0.060, "image"),
    ("YouTube", 0.020, 0.050, "video"),
    ("Amazon", 0.020, 0.050, "market"),
    ("Google Play", 0.015, 0.040, "app"),
    ("AliExpress", 0.010, 0.040, "market"),
    ("Temu", 0.010, 0.040, "market"),
    ("Snapchat", 0.010, 0.030, "social"),
    ("Google Maps", 0.010, 0.030, "review"),
    ("Kleinanzeigen", 0.006, 0.025, "classified"),
    ("Wallapop", 0.005, 0.020, "classified"),
    ("X", 0.004, 0.010, "social"),
    ("LinkedIn", 0.002, 0.005, "social"),
    ("Discord", 0.002, 0.008, "social"),
    ("Booking.com", 0.001, 0.004, "review"),
    ("Chrome Web Store", 0.0005, 0.001, "app"),
    ("Hotel Hideaway", 0.0005, 0.002, "game"),
)

# v1 category short names with weights, per kind.
CATEGORY_MIX: dict[str, tuple[tuple[str, float], ...]] = {
    "shopping": (
        ("SCOPE_OF_PLATFORM_SERVICE", 0.80),
        ("UNSAFE_AND_ILLEGAL_PRODUCTS", 0.08),
        ("INTELLECTUAL_PROPERTY_INFRINGEMENTS", 0.05),
        ("SCAMS_AND_FRAUD", 0.05),
        ("DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", 0.02),
    ),
    "video": (
        ("SCOPE_OF_PLATFORM_SERVICE", 0.40),
        ("ILLEGAL_OR_HARMFUL_SPEECH", 0.15),
        ("PORNOGRAPHY_OR_SEXUALIZED_CONTENT", 0.12),
        ("VIOLENCE", 0.10),
        ("PROTECTION_OF_MINORS", 0.02),
        ("SELF_HARM", 0.04),
        ("NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", 0.05),
        ("SCAMS_AND_FRAUD", 0.07),
        ("NON_CONSENSUAL_BEHAVIOUR", 0.05),
    ),
    "social": (
        ("SCOPE_OF_PLATFORM_SERVICE", 0.35),
        ("ILLEGAL_OR_HARMFUL_SPEECH", 0.20),
        ("SCAMS_AND_FRAUD", 0.15),
        ("PORNOGRAPHY_OR_SEXUALIZED_CONTENT", 0.10),
        ("VIOLENCE", 0.08),
        ("PROTECTION_OF_MINORS", 0.015),
        ("NON_CONSENSUAL_BEHAVIOUR", 0.05),
        ("RISK_FOR_PUBLIC_SECURITY", 0.035),
        ("SELF_HARM", 0.02),
    ),
    "image": (
        ("SCOPE_OF_PLATFORM_SERVICE", 0.50),
        ("PORNOGRAPHY_OR_SEXUALIZED_CONTENT", 0.25),
        ("SELF_HARM", 0.05),
        ("SCAMS_AND_FRAUD", 0.10),
        ("PROTECTION_OF_MINORS", 0.01),
        ("ILLEGAL_OR_HARMFUL_SPEECH", 0.09),
    ),
    "market": (
        ("UNSAFE_AND_ILLEGAL_PRODUCTS", 0.45),
        ("INTELLECTUAL_PROPERTY_INFRINGEMENTS", 0.25),
        ("SCOPE_OF_PLATFORM_SERVICE", 0.20),
        ("SCAMS_AND_FRAUD", 0.09),
        ("ANIMAL_WELFARE", 0.01),
    ),
    "app": (
        ("SCAMS_AND_FRAUD", 0.45),
        ("SCOPE_OF_PLATFORM_SERVICE", 0.40),
        ("ILLEGAL_OR_HARMFUL_SPEECH", 0.10),
        ("DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", 0.05),
    ),
    "review": (
        ("SCOPE_OF_PLATFORM_SERVICE", 0.55),
        ("SCAMS_AND_FRAUD", 0.25),
        ("ILLEGAL_OR_HARMFUL_SPEECH", 0.15),
        ("DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", 0.05),
    ),
    "classified": (
        ("SCAMS_AND_FRAUD", 0.50),
        ("SCOPE_OF_PLATFORM_SERVICE", 0.30),
        ("INTELLECTUAL_PROPERTY_INFRINGEMENTS", 0.10),
        ("UNSAFE_AND_ILLEGAL_PRODUCTS", 0.10),
    ),
    "game": (
        ("PORNOGRAPHY_OR_SEXUALIZED_CONTENT", 0.50),
        ("ILLEGAL_OR_HARMFUL_SPEECH", 0.30),
        ("SCOPE_OF_PLATFORM_SERVICE", 0.15),
        ("NON_CONSENSUAL_BEHAVIOUR", 0.05),
    ),
}
# How the generator re-labels a v1 category on a v2 day (matches data/registry/sor_v1_v2.csv).
V2_OF_V1 = {
    "SCOPE_OF_PLATFORM_SERVICE": "OTHER_VIOLATION_TC",
    "UNSAFE_AND_ILLEGAL_PRODUCTS": "UNSAFE_AND_PROHIBITED_PRODUCTS",
    "PORNOGRAPHY_OR_SEXUALIZED_CONTENT": "OTHER_VIOLATION_TC",
    "NON_CONSENSUAL_BEHAVIOUR": "CYBER_VIOLENCE",
}

CONTENT_MIX: dict[str, tuple[tuple[tuple[str, ...], float], ...]] = {
    "shopping": ((("PRODUCT",), 0.97), (("IMAGE", "PRODUCT"), 0.03)),
    "video": (
        (("VIDEO",), 0.75),
        (("TEXT",), 0.15),
        (("AUDIO", "VIDEO"), 0.05),
        (("SYNTHETIC_MEDIA", "VIDEO"), 0.05),
    ),
    "social": (
        (("TEXT",), 0.45),
        (("IMAGE",), 0.25),
        (("VIDEO",), 0.15),
        (("IMAGE", "TEXT"), 0.10),
        (("OTHER",), 0.05),
    ),
    "image": ((("IMAGE",), 0.9), (("IMAGE", "TEXT"), 0.1)),
    "market": ((("PRODUCT",), 0.85), (("IMAGE", "PRODUCT", "TEXT"), 0.15)),
    "app": ((("APP",), 0.9), (("TEXT",), 0.1)),
    "review": ((("TEXT",), 0.9), (("IMAGE",), 0.1)),
    "classified": ((("OTHER",), 0.7), (("PRODUCT",), 0.3)),
    "game": ((("TEXT",), 1.0),),
}
VISIBILITY_MIX: dict[str, tuple[tuple[tuple[str, ...], float], ...]] = {
    "shopping": ((("CONTENT_DISABLED",), 0.85), (("CONTENT_REMOVED",), 0.10), ((), 0.05)),
    "market": ((("CONTENT_REMOVED",), 0.6), (("CONTENT_DISABLED",), 0.3), ((), 0.1)),
    "video": (
        (("CONTENT_REMOVED",), 0.6),
        (("CONTENT_DEMOTED",), 0.25),
        (("CONTENT_AGE_RESTRICTED",), 0.05),
        (("CONTENT_LABELLED", "CONTENT_DEMOTED"), 0.05),
        ((), 0.05),
    ),
    "*": (
        (("CONTENT_REMOVED",), 0.8),
        (("CONTENT_DISABLED",), 0.1),
        (("CONTENT_INTERACTION_RESTRICTED",), 0.03),
        (("OTHER",), 0.02),
        ((), 0.05),
    ),
}
LANGUAGES = ("EN", "DE", "FR", "ES", "IT", "PL", "NL", "RO", "PT", "EL", "CS", "HU", "SV", "")
TEXTS: dict[str, tuple[str, ...]] = {
    "shopping": (
        "Generic image",
        "Missing or incorrect required attribute [gtin]",
        "Misrepresentation",
        "Unavailable landing page",
        "Policy violation: counterfeit goods",
        "Image too small",
        "Price mismatch between landing page and product data",
    ),
    "video": (
        "Adult nudity and sexual activities",
        "Harassment and bullying",
        "Violent and graphic content",
        "Dangerous activities and challenges",
        "Spam and deceptive behaviour",
        "Hateful behaviour",
    ),
    "social": (
        "Bullying and harassment",
        "Spam",
        "Hate speech",
        "Adult nudity and sexual activity",
        "Violence and incitement",
        "Fraud and deception",
        "Child sexual exploitation, abuse and nudity",
    ),
    "image": ("Adult content", "Spam", "Self-injury and harmful behaviour", "Hateful activities"),
    "market": (
        "Product safety: missing CE marking",
        "Intellectual property: trademark infringement",
        "Prohibited product listing",
        "Restricted product without required documentation",
    ),
    "app": (
        "Deceptive behaviour",
        "Impersonation",
        "Minimum functionality",
        "Spam and placement in the store",
    ),
    "review": ("Fake engagement", "Off-topic review", "Harassment", "Personal information"),
    "classified": (
        "Prohibited item",
        "Fraudulent listing",
        "Duplicate listing",
        "Counterfeit item",
    ),
    "game": (
        "Pornography or sexualised content",
        "Illegal or harmful speech",
        "Scope of platform service",
    ),
}
FACTS = (
    "When reviewing content or accounts to determine whether they are illegal or violate our policies, we "
    "take various information into consideration when making a decision, including {what}, account "
    "information (e.g., past history of policy violations), and other information provided through "
    "reporting mechanisms (where applicable) and own-initiative reviews.",
    "The decision was taken pursuant to own-initiative investigations. Our systems and reviewers assessed "
    "{what} against our terms of service and community guidelines; repeated violations may lead to "
    "further restrictions of the account.",
    "Our decisions are based on various information, including the content of the information (e.g. "
    "{what}), associated account information and other information provided through various sources, "
    "e.g. flagging mechanisms or other voluntary own-initiative investigations.",
)
WHAT = {
    "shopping": "product data, website quality, merchant information",
    "video": "the video, its audio, captions and comments",
    "social": "the post, its images and text",
    "image": "the Pin, its image and description",
    "market": "the listing, product images and seller data",
    "app": "extension metadata (e.g., extension title, description), in-extension experience",
    "review": "the review text and the reviewer's activity",
    "classified": "the text and images of the ad",
    "game": "the chat message",
}
EXPLANATION = (
    "The content or user has violated our {text} policy "
    "(https://www.example-platform.eu/policies/{slug}); you may appeal within six months."
)
LEGAL = "Article 3 of Directive 2011/93/EU; national criminal law of the Member State concerned"
MALFORMED_TEXTS = (  # literal backslash-quotes, as platforms submitted them (issue #454)
    "Mimicking ranking, performance, current status or promotional information  of the following "
    'assets         - "\\"#1\\""        - "\\"Media\\""',
    "Impersonating or mimicking the following entity through item\u2019s  metadata/UI:         - "
    '"\\"IDM Integration Module\\""        - "\\"Icon\\""',
    'the word \\"Caution\\" is missing before warning 7.2 on age exclusion (0 - 36 months)',
)
BROKEN_TEXT = "Repeat offender, see case folder C:\\cases\\2024\\"  # a cell ending with a backslash


@dataclass(frozen=True)
class Profile:
    """One combination of every non-per-row field, pre-rendered as CSV fragments."""

    key: tuple[str, ...]  # RAW_KEYS values as a CSV reader returns them
    head: str  # columns decision_visibility .. content_language, with the leading comma
    mid: str  # territorial_scope
    tail: str  # decision_facts .. platform_name
    puid: str  # "digits" | "uuid" | "ad"
    malformed_head: str  # head with a backslash-quote text in incompatible_content_ground
    broken_head: str  # head with a cell that ends in a backslash


@dataclass
class SynthResult:
    zip_path: Path
    sha1_path: Path
    rows: int
    malformed: int
    broken: int
    parts: int
    truth: Counter = field(default_factory=Counter)  # RAW_KEYS tuple -> rows (broken rows excluded)
    csv_bytes: int = 0


def _pick(rng: random.Random, mix):
    r, acc = rng.random(), 0.0
    total = sum(w for _, w in mix)
    for value, w in mix:
        acc += w / total
        if r < acc:
            return value
    return mix[-1][0]


def _json(codes: tuple[str, ...]) -> str:
    return json.dumps(list(codes), separators=(",", ":")) if codes else "[]"


def _profile(rng: random.Random, name: str, kind: str, version: int, day: date) -> Profile:
    v1cat = _pick(rng, CATEGORY_MIX[kind])
    cat = V2_OF_V1.get(v1cat, v1cat) if version == 2 else v1cat
    if version == 2 and kind == "market" and rng.random() < 0.2:
        cat = "CONSUMER_INFORMATION"
    kw_table = C.KEYWORDS_V2 if version == 2 else C.KEYWORDS_V1
    keywords: tuple[str, ...] = ()
    if rng.random() < (0.6 if cat == "PROTECTION_OF_MINORS" else 0.12):
        pool = kw_table.get(cat, ())
        if pool and rng.random() < 0.9:
            keywords = tuple(
                sorted({"KEYWORD_" + rng.choice(pool) for _ in range(1 + (rng.random() < 0.2))})
            )
        else:
            keywords = ("KEYWORD_OTHER",)
    addition: tuple[str, ...] = ()
    cats = C.CATEGORIES_V2 if version == 2 else C.CATEGORIES_V1
    if rng.random() < 0.02:
        addition = (rng.choice(cats),)
    ctypes = tuple("CONTENT_TYPE_" + c for c in _pick(rng, CONTENT_MIX[kind]))
    vis = tuple(
        "DECISION_VISIBILITY_" + v
        for v in _pick(rng, VISIBILITY_MIX.get(kind, VISIBILITY_MIX["*"]))
    )
    account = rng.choice(C.DECISION_ACCOUNT) if (not vis or rng.random() < 0.04) else ""
    monetary = (
        rng.choice(C.DECISION_MONETARY)
        if rng.random() < (0.03 if kind in ("video", "social") else 0.005)
        else ""
    )
    provision = (
        rng.choice(C.DECISION_PROVISION)
        if rng.random() < (0.05 if kind in ("market", "classified") else 0.005)
        else ""
    )
    if not (vis or account or monetary or provision):
        vis = ("DECISION_VISIBILITY_CONTENT_REMOVED",)
    illegal = rng.random() < (
        0.01 if kind == "shopping" else 0.06 if cat != "PROTECTION_OF_MINORS" else 0.3
    )
    ground = C.DECISION_GROUND[0] if illegal else C.DECISION_GROUND[1]
    source = _pick(
        rng,
        (
            ("SOURCE_VOLUNTARY", 0.95),
            ("SOURCE_ARTICLE_16", 0.04),
            ("SOURCE_TYPE_OTHER_NOTIFICATION", 0.008),
            ("SOURCE_TRUSTED_FLAGGER", 0.002),
        ),
    )
    detection = "Yes" if rng.random() < (0.95 if kind == "shopping" else 0.7) else "No"
    decision = _pick(
        rng,
        (
            ("AUTOMATED_DECISION_FULLY", 0.55 if detection == "Yes" else 0.05),
            ("AUTOMATED_DECISION_PARTIALLY", 0.15),
            ("AUTOMATED_DECISION_NOT_AUTOMATED", 0.30),
        ),
    )
    text = rng.choice(TEXTS[kind])
    slug = text.lower().replace(" ", "-")[:40]
    expl = EXPLANATION.format(text=text.lower(), slug=slug)
    vals: dict[str, str] = {c: "" for c in C.FULL_V2}
    vals.update(
        decision_visibility=_json(vis),
        decision_visibility_other="Content hidden pending review"
        if "DECISION_VISIBILITY_OTHER" in vis
        else "",
        decision_monetary=monetary,
        decision_provision=provision,
        decision_account=account,
        account_type=rng.choice(("ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE", "")),
        decision_ground=ground,
        illegal_content_legal_ground=LEGAL if illegal else "",
        illegal_content_explanation=expl if illegal else "",
        incompatible_content_ground="" if illegal else text,
        incompatible_content_explanation="" if illegal else expl,
        incompatible_content_illegal="" if illegal else rng.choice(("", "No", "No", "Yes")),
        category=C._C + cat,
        category_addition=_json(addition) if addition else "",
        category_specification=_json(keywords) if keywords else "",
        category_specification_other="Other: see explanation"
        if "KEYWORD_OTHER" in keywords
        else "",
        content_type=_json(ctypes),
        content_type_other={"classified": "Adview", "social": "User Account"}.get(kind, "Item")
        if "CONTENT_TYPE_OTHER" in ctypes
        else "",
        content_language=rng.choice(LANGUAGES),
        territorial_scope=_json(
            C.EEA
            if rng.random() < 0.7
            else tuple(c for c in C.EEA if c != "IS")
            if rng.random() < 0.8
            else (rng.choice(C.EEA),)
        ),
        decision_facts=rng.choice(FACTS).format(what=WHAT[kind]),
        source_type=source,
        source_identity="Notifier (name withheld)"
        if source in ("SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER")
        else "",
        automated_detection=detection,
        automated_decision=decision,
        platform_name=name,
    )
    cols = C.header_for(version)
    i_lang, i_scope, i_facts, i_name = (
        cols.index(c)
        for c in ("content_language", "territorial_scope", "decision_facts", "platform_name")
    )

    def head_of(v: dict[str, str]) -> str:
        return "," + ",".join(php_field(v[c]) for c in cols[1 : i_lang + 1])

    head = head_of(vals)
    malformed_head = head_of({**vals, "incompatible_content_ground": rng.choice(MALFORMED_TEXTS)})
    broken_head = head_of({**vals, "incompatible_content_ground": BROKEN_TEXT})
    mid = php_field(vals["territorial_scope"])
    tail = ",".join(php_field(vals[c]) for c in cols[i_facts : i_name + 1])
    key = tuple(vals[k] for k in C.RAW_KEYS)
    puid = {"shopping": "digits", "app": "digits", "classified": "ad"}.get(kind, "uuid")
    return Profile(key, head, mid, tail, puid, malformed_head, broken_head)


@functools.lru_cache(maxsize=4)
def profiles_for(day: date, seed: int, n_profiles: int = 3000) -> tuple[list[Profile], np.ndarray]:
    """Profiles and their row probabilities for one day."""
    version = C.schema_version_for(day)
    rng = random.Random(f"sor-synth:{seed}:{day.isoformat()}")
    profiles: list[Profile] = []
    weights: list[float] = []
    shares = [(p[0], p[1] if version == 1 else p[2], p[3]) for p in PLATFORMS]
    total = sum(s for _, s, _ in shares)
    for name, share, kind in shares:
        k = max(3, round(n_profiles * share / total))
        for _ in range(k):
            profiles.append(_profile(rng, name, kind, version, day))
            weights.append(share / k * rng.uniform(0.2, 1.8))
    w = np.asarray(weights)
    return profiles, w / w.sum()


def _uuids(gen: np.random.Generator, n: int) -> list[str]:
    hx = gen.bytes(16 * n).hex()
    out = []
    for i in range(0, 32 * n, 32):
        h = hx[i : i + 32]
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}")
    return out


_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


@dataclass(frozen=True)
class _Job:
    day: date
    rows_total: int
    first_id: int
    zip_index: int
    id_start: int
    id_end: int
    seed: int
    malformed_share: float
    broken_share: float
    slug: str
    version_label: str
    part_ids: int
    level: int
    tmp_dir: str


def _part_lines(
    job: _Job,
    profiles: list[Profile],
    probs: np.ndarray,
    lo: int,
    hi: int,
    truth: Counter,
    stats: Counter,
) -> list[str]:
    """CSV lines for statement ids lo..hi (inclusive)."""
    n = hi - lo + 1
    gen = np.random.default_rng([job.seed, job.day.toordinal(), lo])
    choice = gen.choice(len(profiles), size=n, p=probs).tolist()
    special = gen.random(n).tolist()
    uuids = _uuids(gen, n)
    digits = gen.integers(10**10, 10**12, size=n).tolist()
    content_back = gen.choice(4, size=n, p=(0.7, 0.2, 0.07, 0.03)).tolist()
    version = C.schema_version_for(job.day)
    ean = "," if version == 2 else ""
    ds = job.day.isoformat()
    dates = [f'"{(job.day - timedelta(days=int(k))).isoformat()} 00:00:00"' for k in (0, 1, 7, 400)]
    app_date = f'"{ds} 00:00:00"'
    lines = []
    for i in range(n):
        p = profiles[choice[i]]
        r = special[i]
        if r < job.broken_share:
            head = p.broken_head
            stats["broken"] += 1
        elif r < job.broken_share + job.malformed_share:
            head = p.malformed_head
            stats["malformed"] += 1
            truth[p.key] += 1
        else:
            head = p.head
            truth[p.key] += 1
        sid = lo - job.first_id  # position of the statement in the day -> receipt time
        sec = sid * 86400 // job.rows_total
        ts = f'"{ds} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}"'
        if p.puid == "digits":
            puid = str(digits[i])
        elif p.puid == "ad":
            puid = "ad-" + uuids[(i + 1) % n]
        else:
            puid = uuids[(i + 7) % n]
        lines.append(
            f"{uuids[i]}{head},{dates[content_back[i]]}{ean},{p.mid},{app_date},{p.tail},{puid},{ts}"
        )
        lo += 1
    return lines


def _write_inner_zip(job: _Job) -> tuple[str, Counter, Counter, int, int]:
    """One inner ``…-NNNNN.csv.zip``; returns its path, truth, stats, parts and CSV bytes."""
    profiles, probs = profiles_for(job.day, job.seed)
    header = ",".join(C.header_for(C.schema_version_for(job.day), job.version_label == "light"))
    if job.version_label == "light":
        raise ValueError("synth writes full dumps only")
    base = f"sor-{job.slug}-{job.day.isoformat()}-{job.version_label}-{job.zip_index:05d}"
    path = Path(job.tmp_dir) / f"{base}.csv.zip"
    truth: Counter = Counter()
    stats: Counter = Counter()
    parts = csv_bytes = 0
    with zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=job.level
    ) as zf:
        sub, cs = 0, job.id_start
        while sub == 0 or cs <= job.id_end:  # subpart 0 is always written, even header-only
            ce = min(cs + job.part_ids, job.id_end)
            lines = _part_lines(job, profiles, probs, cs, ce, truth, stats) if cs <= ce else []
            if sub == 0 or lines:
                data = (header + "\n" + "\n".join(lines)).encode("utf-8")
                info = zipfile.ZipInfo(f"{base}-{sub:05d}.csv", date_time=ZIP_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data, compresslevel=job.level)
                parts += 1
                csv_bytes += len(data)
            sub += 1
            cs += job.part_ids + 1
    return str(path), truth, stats, parts, csv_bytes


def generate(
    out_dir: Path,
    day: date,
    rows: int,
    *,
    seed: int = 0,
    malformed_share: float = 0.0,
    broken_share: float = 0.0,
    slug: str = "global",
    zip_ids: int = ZIP_IDS,
    part_ids: int = PART_IDS,
    level: int = 6,
    workers: int = 1,
) -> SynthResult:
    """Write ``sor-{slug}-{day}-full.zip`` and its ``.sha1`` under ``out_dir``."""
    if rows < 0 or not (0 <= malformed_share <= 1) or not (0 <= broken_share <= 1):
        raise ValueError("rows must be >= 0 and shares between 0 and 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"sor-{slug}-{day.isoformat()}-full.zip"
    first_id = 10_000_000_000 + day.toordinal() * 1_000  # ids grow over time; value is arbitrary
    last_id = first_id + rows - 1
    tmp = Path(tempfile.mkdtemp(prefix=".synth-", dir=out_dir))
    jobs, cur, k = [], first_id, 0
    while cur <= last_id or (rows == 0 and k == 0):
        end = min(cur + zip_ids, last_id) if rows else cur - 1
        jobs.append(
            _Job(
                day,
                max(rows, 1),
                first_id,
                k,
                cur,
                end,
                seed,
                malformed_share,
                broken_share,
                slug,
                "full",
                part_ids,
                level,
                str(tmp),
            )
        )
        k += 1
        cur += zip_ids + 1
    result = SynthResult(out_dir / name, out_dir / f"{name}.sha1", rows, 0, 0, 0)
    try:
        if workers > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                done = list(pool.map(_write_inner_zip, jobs))
        else:
            done = [_write_inner_zip(j) for j in jobs]
        partial = out_dir / f".{name}.partial"
        with zipfile.ZipFile(
            partial, "w", compression=zipfile.ZIP_STORED, allowZip64=True
        ) as outer:
            for path, truth, stats, parts, nbytes in done:
                info = zipfile.ZipInfo(Path(path).name, date_time=ZIP_EPOCH)
                info.compress_type = zipfile.ZIP_STORED
                info.external_attr = 0o644 << 16
                info.file_size = os.path.getsize(path)
                with (
                    open(path, "rb") as src,
                    outer.open(info, "w", force_zip64=info.file_size > 2**31) as dst,
                ):
                    shutil.copyfileobj(src, dst, 1 << 20)
                result.truth.update(truth)
                result.malformed += stats["malformed"]
                result.broken += stats["broken"]
                result.parts += parts
                result.csv_bytes += nbytes
        os.replace(partial, result.zip_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    h = hashlib.sha1()
    with result.zip_path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    result.sha1_path.write_text(f"{h.hexdigest()}  {name}")
    return result


def write_dump(
    out_dir: Path,
    day: date,
    parts: list[list[bytes]],
    *,
    slug: str = "global",
    variant: str = "full",
    sha1: bool = True,
    level: int = 6,
) -> Path:
    """Package given CSV parts (``parts[inner][sub]``, each with its header) the official way."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"sor-{slug}-{day.isoformat()}-{variant}.zip"
    path = out_dir / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as outer:
        for k, subs in enumerate(parts):
            base = f"sor-{slug}-{day.isoformat()}-{variant}-{k:05d}"
            buf = io.BytesIO()
            with zipfile.ZipFile(
                buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level
            ) as inner:
                for j, data in enumerate(subs):
                    info = zipfile.ZipInfo(f"{base}-{j:05d}.csv", date_time=ZIP_EPOCH)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    inner.writestr(info, data, compresslevel=level)
            info = zipfile.ZipInfo(f"{base}.csv.zip", date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            outer.writestr(info, buf.getvalue())
    if sha1:
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
        (out_dir / f"{name}.sha1").write_text(f"{digest}  {name}")
    return path


def check_broken_text_is_unrecoverable() -> bool:
    """The broken pattern really cannot be read (guards the generator's promise)."""
    line = ",".join(["x", php_field(BROKEN_TEXT), "y", '"a b"'])
    return isinstance(parse_line(repair(line.encode()).decode(), 4), str)
