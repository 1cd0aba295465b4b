"""The coded cells of a harmonised report, read leniently: categories, scopes, periods, dates,
versions and localised template labels. Each function says what it changed, so the caller can
report it; none of them guesses silently."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from transparency.reading.periods import Period, PeriodError, parse_period

from .template import (
    CATEGORIES,
    CODE_RE,
    EEA_STATES,
    KEYWORD_OTHER,
    KEYWORD_PARENT,
    KNOWN_CODES,
    LANGUAGE_ALIASES,
    LANGUAGES,
    MEMBER_STATES,
    NOT_ISO,
    QUALIFIER_NAMES,
    TOTAL,
    TOTAL_SCOPES,
    language_scope,
    loose,
    norm,
)

TRANSLATIONS = Path(__file__).with_name("translations.csv")
# Google splits parts 6-8 into sub-reports per surface (vlop-dsa.json's ``surfaces``); its raw CSVs
# name the surface after the part's file name (``8_automated_means_Ads.csv``)
MAIN_SURFACES = {"All", "Core", ""}
SURFACES = (
    "Ads", "Domain-level", "Entity-level", "Host-level", "Image-level", "Partner feed (domain)",
    "Partner feed (item)", "Profile-level", "Review-level", "URL-level",
)  # fmt: skip
_SURFACE_SUFFIX = re.compile(
    r"_(" + "|".join(re.escape(s).replace(r"\ ", "[ _]") for s in SURFACES) + r")$", re.IGNORECASE
)


def surface_of(file_name: str) -> str:
    """The Google surface a part's file name ends with (``Ads``), or "" (the main report)."""
    stem = Path(file_name.replace("\\", "/")).stem
    m = _SURFACE_SUFFIX.search(stem)
    if not m:
        return ""
    return next(s for s in SURFACES if s.lower() == m[1].lower().replace("_", " "))


def with_surface(service: str, surface: str) -> str:
    """``YouTube (Ads)``: a sub-report's service, as the registry names it."""
    return service if surface in MAIN_SURFACES else f"{service} ({surface})"


PLACEHOLDERS = {"yyyy-mm-dd/yyyy-mm-dd", "yyyy-mm-dd", "[...]", "[…]", "text", "free text", ""}


@cache
def _translations() -> dict[tuple[str, str], str]:
    with TRANSLATIONS.open(newline="", encoding="utf-8") as fh:
        return {(r["kind"], norm(r["localised"])): r["english"] for r in csv.DictReader(fh)}


def translate(kind: str, text: str) -> str:
    """The English template label of a localised one (DE, FR, ...); other text unchanged.

    ``kind`` is ``section``, ``indicator`` or ``scope``. The pairs (``translations.csv``) are the
    official language versions of the Annex I template, matched by template position.
    """
    return _translations().get((kind, norm(text)), text)


# ---------------------------------------------------------------- categories


@dataclass(frozen=True)
class Category:
    code: str  # canonical: TOTAL, STATEMENT_CATEGORY_*, KEYWORD_* (KEYWORD_OTHER for all "Other" rows)
    other: bool = False
    description: str = ""  # what a provider-specific "Other" code or label named
    change: str = ""  # how the printed cell was read, when it was not a template code


def _category_labels() -> dict[str, str]:
    """Part 2's labels: "Category 9" -> STATEMENT_CATEGORY_PROTECTION_OF_MINORS, "Category 9b" -> ..."""
    out = {"TOTAL": TOTAL}
    for n, (parent, keywords) in enumerate(CATEGORIES.items(), start=1):
        out[f"CATEGORY_{n}"] = parent
        letters = "abcdefghijklmnopqrstuvwxyz"
        for letter, kw in zip(
            letters, [*keywords, KEYWORD_OTHER] if keywords else [], strict=False
        ):
            out[f"CATEGORY_{n}{letter.upper()}"] = kw
    return out


CATEGORY_LABELS = _category_labels()


def category(printed: str) -> Category:
    """Read a category cell: template codes as they are; near-misses read with a note."""
    up = re.sub(r"[\s\-]+", "_", printed.strip().upper())
    if up in KNOWN_CODES:
        return Category(up, other=up == KEYWORD_OTHER)
    if up.startswith(KEYWORD_OTHER + "_"):
        return Category(
            KEYWORD_OTHER,
            True,
            printed.strip()[len(KEYWORD_OTHER) + 1 :],
            f"provider-specific code {printed.strip()!r} read as a KEYWORD_OTHER row",
        )
    if up in CATEGORY_LABELS:
        code = CATEGORY_LABELS[up]
        return Category(
            code, code == KEYWORD_OTHER, change=f"category label {printed.strip()!r} read as {code}"
        )
    for prefix in ("KEYWORD_", "STATEMENT_CATEGORY_"):
        if prefix + up in KNOWN_CODES:
            return Category(
                prefix + up,
                change=f"code {printed.strip()!r} read as {prefix + up} (prefix missing)",
            )
    stems = [kw for kw in KEYWORD_PARENT if up.startswith(kw[len("KEYWORD_") :] + "_")]
    if stems:
        kw = max(stems, key=len)
        return Category(kw, change=f"code {printed.strip()!r} read as {kw}")
    return Category(
        up if CODE_RE.match(up) else printed.strip(),
        change=f"category {printed.strip()!r} is not in the template; kept as printed",
    )


# ---------------------------------------------------------------- scopes


@dataclass(frozen=True)
class Scope:
    scope: str  # EU, ISO 3166 alpha-2 (EL kept: the EU's code for Greece), lang:xx, or as printed
    qualifier: str = ""  # a long-part Scope cell that says what is counted ("Decisions upheld")
    category: str = ""  # a category code printed in the Scope column
    change: str = ""  # how the printed cell was read, when not as the template asks
    known: bool = True


def _country(code: str) -> str | None:
    up = code.upper()
    if up in NOT_ISO:
        return NOT_ISO[up]
    return up if up in MEMBER_STATES or up in EEA_STATES else None


def scope(printed: str, countries: bool) -> Scope:
    """Read a Scope cell. ``countries``: the part asks for Member States (parts 3, 10); otherwise
    (parts 7-9) for qualifiers, the total, or languages (parts 8, 9)."""
    t = translate("scope", printed).strip()
    lt = loose(t)
    if lt in TOTAL_SCOPES:
        return Scope("EU")
    if not lt:
        return Scope("EU", change="blank Scope read as the total")
    if lt in QUALIFIER_NAMES:
        return Scope("EU", qualifier=QUALIFIER_NAMES[lt])
    m = re.fullmatch(r"total number\s*[:\-]\s*([a-z]{2})", lt)
    if m and m[1] in LANGUAGES:
        return Scope(language_scope(m[1]), change=f"{t!r} read as the language {m[1]!r}")
    if CODE_RE.match(t.upper()) and t.upper() != TOTAL:
        return Scope(
            "EU",
            category=t.upper(),
            change=f"category code {t!r} in the Scope column read as the category",
        )
    if re.fullmatch(r"[A-Za-z]{2}", t):
        country = _country(t)
        low = LANGUAGE_ALIASES.get(t.lower(), t.lower())
        lang = low if low in LANGUAGES else None
        fixed = "" if t.upper() not in NOT_ISO else f"{t!r} is not an ISO code; read as {country}"
        if countries:
            if country:
                return Scope(
                    country,
                    change=fixed or ("" if t.isupper() else f"lower-case {t!r} read as {country}"),
                )
        elif t.islower() and lang:
            return Scope(language_scope(lang), change="" if t == low else f"{t!r} read as {low!r}")
        elif country:
            return Scope(
                country,
                change=fixed
                or "Member State codes where the template asks for languages; kept as countries",
            )
        elif lang:
            return Scope(
                language_scope(lang), change=f"upper-case {t!r} read as the language {lang!r}"
            )
    # Kept apart under its own metric label; in the Member State parts also as an (unknown) scope.
    return Scope(
        t if countries else "EU",
        qualifier=f"scope: {t}",
        known=False,
        change=f"Scope {t!r} is not a template value; kept as printed",
    )


# ---------------------------------------------------------------- periods, dates, versions

_DATE = r"(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4})"


def day(text: str) -> date | None:
    """A printed date: ISO (``2026-04-01 00:00:00``) or day-first (``01/04/2026``, ``1.4.2026``)."""
    t = str(text).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", t)
    try:
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", t)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def period(text: str) -> Period | None:
    """A printed reporting period (``2025-07-01/2025-12-31`` and looser forms); None if absent."""
    t = str(text).strip()
    if norm(t) in PLACEHOLDERS:
        return None
    try:
        return parse_period(t)
    except PeriodError:
        pass
    dates = [day(d) for d in re.findall(_DATE, t)]
    if len(dates) == 2 and all(dates) and dates[0] <= dates[1]:  # type: ignore[operator]
        return Period(dates[0], dates[1])  # type: ignore[arg-type]
    return None


def version(*names: str) -> str:
    """The report version a file or folder name states: ``V2`` (``Snap_DSA_TR_H2_2025_V2``)."""
    found = ""
    for name in names:
        for m in re.finditer(r"(?i)(?:^|[^a-z0-9])v(\d{1,2})(?=$|[^a-z0-9])", name):
            found = f"V{int(m[1])}"
        if not found and re.search(r"(?i)correct", name):
            found = "corrected"
    return found
