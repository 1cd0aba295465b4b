"""One parser for every period label the sources print.

Platforms label periods in a dozen ways (``2023Q4``, ``Oct-Dec 2023``, ``Jul - Dec 2020``,
``January - June 2023``, ``H1 2024``, ``2024-H1``, ``2025-07-01/2025-12-31``, a bare year, a
month, a day as ``2024-03-23``, ``2021-6-30``, ``23 March 2024`` or ``March 23, 2024``, a range
of days such as ``July 1, 2023 – December 31, 2023``, and year-to-date readings such as
``YTD 2024-12-11``). Every parser calls :func:`parse_period` so a period means the same thing
everywhere: an inclusive ``start``/``end`` pair of dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DASH = r"\s*(?:-|–|—|to|through)\s*"


class PeriodError(ValueError):
    """A label no known period format matches."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def granularity(self) -> str:
        """day, month, quarter, half, year or custom: what the span looks like."""
        s, e = self.start, self.end
        if s == e:
            return "day"
        if s.day != 1 or e != month_end(e.year, e.month):
            return "custom"
        months = (e.year - s.year) * 12 + e.month - s.month + 1
        aligned = {1: "month", 3: "quarter", 6: "half", 12: "year"}
        if months in aligned and (s.month - 1) % months == 0:
            return aligned[months]
        return "custom"

    def label(self) -> str:
        """A canonical label: 2023-Q4, 2024-H1, 2023, 2023-05, 2023-05-01 or start/end."""
        g = self.granularity
        s = self.start
        if g == "year":
            return f"{s.year}"
        if g == "half":
            return f"{s.year}-H{1 if s.month == 1 else 2}"
        if g == "quarter":
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        if g == "month":
            return f"{s.year}-{s.month:02d}"
        if g == "day":
            return s.isoformat()
        return f"{s.isoformat()}/{self.end.isoformat()}"


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def months(year: int, first: int, last: int) -> Period:
    return Period(date(year, first, 1), month_end(year, last))


def quarter(year: int, q: int) -> Period:
    if not 1 <= q <= 4:
        raise PeriodError(f"no quarter {q}")
    return months(year, 3 * q - 2, 3 * q)


def half(year: int, h: int) -> Period:
    if h not in (1, 2):
        raise PeriodError(f"no half {h}")
    return months(year, 1, 6) if h == 1 else months(year, 7, 12)


def _month(name: str) -> int:
    return _MONTHS[
        name.lower().rstrip(".")[:4]
        if name.lower().startswith("sept")
        else name.lower().rstrip(".")[:3]
    ]


_PATTERNS: list[tuple[re.Pattern[str], object]] = []


def _pattern(regex: str):
    def register(fn):
        _PATTERNS.append((re.compile(regex, re.IGNORECASE), fn))
        return fn

    return register


@_pattern(r"^(\d{4})-(\d{2})-(\d{2})\s*/\s*(\d{4})-(\d{2})-(\d{2})$")
def _iso_range(m):
    a = date(int(m[1]), int(m[2]), int(m[3]))
    b = date(int(m[4]), int(m[5]), int(m[6]))
    return Period(a, b)


@_pattern(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
def _iso_day(m):
    d = date(int(m[1]), int(m[2]), int(m[3]))
    return Period(d, d)


@_pattern(r"^(\d{4})-(\d{2})$")
def _iso_month(m):
    return months(int(m[1]), int(m[2]), int(m[2]))


@_pattern(r"^(\d{4})\s*-?\s*Q([1-4])$")
def _year_quarter(m):
    return quarter(int(m[1]), int(m[2]))


@_pattern(r"^Q([1-4])\s*[-/ ]?\s*(\d{4})$")
def _quarter_year(m):
    return quarter(int(m[2]), int(m[1]))


@_pattern(r"^(\d{4})\s*[-/ ]?\s*H([12])$")
def _year_half(m):
    return half(int(m[1]), int(m[2]))


@_pattern(r"^H([12])\s*[-/ ]?\s*(\d{4})$")
def _half_year(m):
    return half(int(m[2]), int(m[1]))


@_pattern(rf"^{_MONTH}{_DASH}{_MONTH},?\s*(\d{{4}})$")
def _month_range(m):
    return months(int(m[3]), _month(m[1]), _month(m[2]))


@_pattern(rf"^{_MONTH}\s*(\d{{4}}){_DASH}{_MONTH},?\s*(\d{{4}})$")
def _month_year_range(m):
    return Period(date(int(m[2]), _month(m[1]), 1), month_end(int(m[4]), _month(m[3])))


@_pattern(rf"^{_MONTH},?\s*(\d{{4}})$")
def _month_year(m):
    mo = _month(m[1])
    return months(int(m[2]), mo, mo)


@_pattern(r"^(?:FY|CY)?\s*(\d{4})$")
def _year(m):
    return months(int(m[1]), 1, 12)


@_pattern(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(\d{{4}})$")
def _day_month_year(m):
    d = date(int(m[3]), _month(m[2]), int(m[1]))
    return Period(d, d)


@_pattern(rf"^{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$")
def _month_day_year(m):
    d = date(int(m[3]), _month(m[1]), int(m[2]))
    return Period(d, d)


def _day(text: str) -> date:
    p = parse_period(text)
    if p.granularity != "day":
        raise PeriodError(f"{text!r} is not a single day")
    return p.start


@_pattern(r"^(?:(\d{4})\s+)?(?:YTD|year[- ]to[- ]date)(?:\s+(?:to|through|until|as of))?\s+(.+)$")
def _year_to_date(m):
    end = _day(m[2])
    if m[1] and int(m[1]) != end.year:
        raise PeriodError(f"year-to-date reading of {m[1]} taken on {end} (another year)")
    return year_to_date(end)


@_pattern(r"^(.*\d)\s*(?:–|—|\s-\s|\bto\b|\bthrough\b)\s*(.+)$")
def _day_range(m):
    return Period(_day(m[1]), _day(m[2]))


def year_to_date(day: date) -> Period:
    """A running total read on ``day``: 1 January of that year to ``day``."""
    return Period(date(day.year, 1, 1), day)


def half_ending(day: date) -> Period:
    """The calendar half-year that ends on ``day`` (period-end slugs such as ``2021-6-30``)."""
    if (day.month, day.day) not in ((6, 30), (12, 31)):
        raise PeriodError(f"{day} is not the last day of a half-year")
    return half(day.year, 1 if day.month == 6 else 2)


def parse_period(label: str) -> Period:
    """Parse any period label the sources print; raise :class:`PeriodError` naming the label."""
    text = " ".join(str(label).replace("\u00a0", " ").split())
    for regex, build in _PATTERNS:
        m = regex.match(text)
        if m:
            try:
                return build(m)  # type: ignore[operator]
            except (ValueError, KeyError) as exc:
                raise PeriodError(f"bad period {label!r}: {exc}") from exc
    raise PeriodError(f"unknown period format {label!r}")


_BOUND_L, _BOUND_R = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
_SEARCH = [
    re.compile(_BOUND_L + rx + _BOUND_R, re.IGNORECASE)
    for rx in (
        rf"{_MONTH}\s*\d{{4}}{_DASH}{_MONTH},?\s*\d{{4}}",  # Dec 2023 - Feb 2024
        rf"{_MONTH}{_DASH}{_MONTH},?\s*\d{{4}}",  # January-June 2024, January to June 2024
        r"\d{4}[-_ /]?[QH]\d",  # 2023-q1, 2020_h2
        r"[QH]\d[-_ /]?\d{4}",  # Q1-2022, H1 2024
    )
]


def find_period(text: str) -> Period | None:
    """The first period label found inside a longer text (a file name, a title row, a page
    header), or None. ``Discord-Transparency-Report-Q1-2022.zip`` gives 2022-Q1 and
    ``Discord January-June 2024 Transparency Report CSV`` gives 2024-H1."""
    flat = " ".join(str(text).replace("\u00a0", " ").split())
    found = [(m.start(), -len(m[0]), m[0]) for rx in _SEARCH for m in rx.finditer(flat)]
    for _, _, label in sorted(found):
        try:
            return parse_period(label.replace("_", "-"))
        except PeriodError:
            continue
    return None
