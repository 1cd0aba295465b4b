"""What a faithful parse produces, before any harmonisation.

A :class:`RawRecord` says what the file says, in the file's own words: the platform or service
name as printed, the policy and metric labels as printed, the value text as printed, and where in
the file it stood. Harmonisation happens later, in :mod:`transparency.harmonisation.normalise`, through the
registries in ``data/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date

from transparency.reading.numbers import Number, NumberError, parse_number
from transparency.reading.periods import Period


class ParseError(ValueError):
    """A file that cannot be read as its source's format; names the file and, where known, the row."""

    def __init__(self, path: object, reason: str, row: str | None = None):
        self.path, self.reason, self.row = str(path), reason, row
        where = f"{self.path}, {row}" if row else self.path
        super().__init__(f"{where}: {reason}")


@dataclass
class RawRecord:
    platform_label: str  # as printed (e.g. "Facebook", "Twitter, Inc. / Vine.co", "Facebook*")
    period_start: date
    period_end: date
    raw_policy_label: str
    raw_metric_label: str
    value: float | None
    value_text: str  # the cell exactly as printed
    row_ref: str  # where it stood: "line 61", "sheet 'Removals'!C7", "page 3"
    scope: str = "global"  # "global", "EU", or a country name/code as printed
    service_label: str = ""
    qualifier: str = ""  # "", "range", "censored", "approx", "footnote", "lower_bound"
    period_label: str = ""  # the period as printed
    note: str = ""
    reporter: str = (
        ""  # who states the number, where it differs by row ("" = the source's reporter)
    )

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]


@dataclass
class Warning_:
    """A known data problem handled explicitly (never a silent drop): names file and row."""

    file: str
    row: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, {self.row}: {self.message}"


@dataclass
class ParseResult:
    records: list[RawRecord] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    release_date: date | None = None  # when the file itself says when it was published

    def __iter__(self) -> Iterator[RawRecord]:
        return iter(self.records)

    def warn(self, file: object, row: str, message: str) -> None:
        self.warnings.append(Warning_(str(file), row, message))

    def add(
        self,
        *,
        platform: str,
        period: Period,
        policy: str,
        metric: str,
        text: object,
        row: str,
        file: object,
        scope: str = "global",
        service: str = "",
        period_label: str = "",
        note: str = "",
        reporter: str = "",
    ) -> RawRecord | None:
        """Parse ``text`` as a number and append a record; a non-number becomes a warning."""
        printed = "" if text is None else str(text).strip()
        try:
            num: Number = parse_number(text)
        except NumberError:
            self.warn(
                file,
                row,
                f"{metric!r} for {policy!r} {period_label or period}: "
                f"value {printed!r} is not a number; kept as text with no value",
            )
            num = Number(None, False, "not_a_number")
        rec = RawRecord(
            platform_label=platform,
            service_label=service,
            scope=scope,
            period_start=period.start,
            period_end=period.end,
            period_label=period_label,
            raw_policy_label=policy,
            raw_metric_label=metric,
            value=num.value,
            value_text=printed,
            qualifier=num.qualifier,
            row_ref=row,
            note=note,
            reporter=reporter,
        )
        self.records.append(rec)
        return rec
