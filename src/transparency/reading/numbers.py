"""One parser for the ways sources print numbers.

Handles ``"25,700,000"``, ``99.50%`` (returned as the share 0.995), ``0.998``, ``N/A``, ``--``,
``15,935*`` (footnote), ``4%-5%`` (range: the low end, qualified), ``<10`` (censored),
``43086543.0``, ``35.852.803`` (dots as thousands), ``45M``, ``3.7 million`` and blanks. The text
as printed is always kept beside the value by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MISSING_TOKENS = {
    "",
    "n/a",
    "na",
    "-",
    "--",
    "—",
    "–",
    "none",
    "null",
    "nan",
    "not available",
    "n.a.",
}
_SUFFIX = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "mn": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}


class NumberError(ValueError):
    """Text that is not a number in any format the sources use."""


@dataclass(frozen=True)
class Number:
    value: float | None
    is_percent: bool = False
    qualifier: str = ""  # "", "range", "censored", "approx", "footnote", "lower_bound"

    @property
    def missing(self) -> bool:
        return self.value is None and self.qualifier == ""


def _plain(text: str) -> float:
    t = text.replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", t):  # 35.852.803
        t = t.replace(".", "")
    elif re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", t) or re.fullmatch(r"[+-]?\d+(\.\d+)?", t):
        t = t.replace(",", "")
    elif re.fullmatch(r"[+-]?\d+,\d+", t) and not re.fullmatch(r"[+-]?\d{1,3},\d{3}", t):
        t = t.replace(",", ".")  # decimal comma: 3,98
    else:
        raise NumberError(text)
    return float(t)


def parse_number(text: object) -> Number:
    """Parse one printed number; raise :class:`NumberError` for text that is not one."""
    if text is None:
        return Number(None)
    if isinstance(text, bool):
        raise NumberError(str(text))
    if isinstance(text, int | float):
        return Number(float(text))
    raw = str(text).strip()
    t = raw.strip('"').strip()
    if t.lower() in MISSING_TOKENS:
        return Number(None)
    qualifier = ""
    if t.endswith("*"):
        t, qualifier = t.rstrip("*").strip(), "footnote"
    m = re.fullmatch(r"([\d.,]+)\s*%?\s*(?:-|–|to)\s*([\d.,]+)\s*%", t)
    if m:
        return Number(_plain(m[1]) / 100, True, "range")
    m = re.fullmatch(r"([<>]=?|≤|≥)\s*([\d.,]+)\s*%?", t)  # <10, <0.0001%
    if m:
        return Number(None, False, "censored")
    m = re.fullmatch(
        r"(?:over|more than|>|about|approx\.?|approximately|~)?\s*([\d.,]+)\s*(k|m|mn|b|bn|thousand|million|billion)\+?",
        t,
        re.IGNORECASE,
    )
    if m:
        approx = "lower_bound" if t.lower().startswith(("over", "more than", ">")) else "approx"
        return Number(_plain(m[1]) * _SUFFIX[m[2].lower()], False, approx)
    if t.endswith("%"):
        return Number(_plain(t[:-1]) / 100, True, qualifier)
    return Number(_plain(t), False, qualifier)
