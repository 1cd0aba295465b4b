"""What a regulator feed's faithful parse produces: candidate actions, in the feed's own words.

A scraper of a regulator feed (``OBSERVATIONS = False``, ``parse_actions(path)``) turns each
press release, RSS item or case-page update into a :class:`CandidateAction`: the date, title and
respondent as printed, the action type its wording maps to (the scraper knows its publisher's
phrasing), and any headline amount it states. The build (:mod:`transparency.accountability.build_step`) resolves
regulator and platform through the registries and matches each candidate against the curated
register, so a scraped event either confirms a register row or is added as a new, flagged row;
it never silently duplicates one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime

from transparency.reading.periods import _MONTHS


@dataclass
class CandidateAction:
    regulator: str  # as the feed names its publisher ("European Commission", "Ofcom")
    jurisdiction: str
    date: date
    title: str  # headline as printed
    action_type: str  # vocabulary id (data/registry/action_types.csv)
    raw_action_label: str  # the words the action type was read from ("opens formal proceedings")
    source_url: str  # public page of the item ("" = the URL the snapshot was fetched from)
    row_ref: (
        str  # where in the raw file: "docuLanguageListResources[3]", "item 2", "update 13 May 2026"
    )
    raw_platform_label: str = ""  # respondent as printed; "" = scan the title for a known name
    date_precision: str = "day"
    legal_basis: str = ""
    amount: float | None = None
    amount_text: str = ""  # the amount as printed ("€120 million")
    currency: str = ""
    summary: str = ""
    status: str = ""
    ref: str = ""  # the publisher's own key: EC refCode, FTC link, Ofcom page slug
    confidence: str = "medium"  # classified by wording, not read by a person

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]


# ---------------------------------------------------------------- helpers for feed parsers

_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")


def prose_date(text: str) -> date | None:
    """The first date written out in prose: "13 May 2026", "May 13, 2026", "1st April 2025"."""
    for m in _DAY_MONTH_YEAR.finditer(text):
        month = _MONTHS.get(m[2].lower()) or _MONTHS.get(m[2].lower()[:3])
        if month:
            try:
                return date(int(m[3]), month, int(m[1]))
            except ValueError:
                continue
    for m in _MONTH_DAY_YEAR.finditer(text):
        month = _MONTHS.get(m[1].lower()) or _MONTHS.get(m[1].lower()[:3])
        if month:
            try:
                return date(int(m[3]), month, int(m[2]))
            except ValueError:
                continue
    return None


def rfc822_date(text: str) -> date:
    """An RSS ``pubDate`` ("Thu, 11 Sep 2025 14:00:00 -0400") or an ISO timestamp."""
    from email.utils import parsedate_to_datetime

    text = text.strip()
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError):
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


_SYMBOLS = {"€": "EUR", "£": "GBP", "$": "USD", "A$": "AUD", "AU$": "AUD", "US$": "USD"}
_SCALE = {"million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3, "k": 1e3}
_AMOUNT = re.compile(
    r"(?P<sym>A\$|AU\$|US\$|€|£|\$)\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>million|billion|thousand|mn|bn|m|k)\b)?",
    re.IGNORECASE,
)


def prose_amount(text: str) -> tuple[float, str, str] | None:
    """The first money amount in prose: (value, ISO currency, text as printed).

    ``€120 million`` -> (120000000.0, "EUR", "€120 million"); ``£950,000`` -> (950000.0, "GBP", ...).
    Vague amounts ("more than half a billion dollars") are not amounts and give None.
    """
    m = _AMOUNT.search(text)
    if not m:
        return None
    value = float(m["num"].replace(",", ""))
    if m["scale"]:
        value *= _SCALE[m["scale"].lower()]
    return value, _SYMBOLS[m["sym"].upper()], m[0].strip()
