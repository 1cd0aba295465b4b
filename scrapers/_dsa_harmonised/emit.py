"""Cells to faithful records: values read by kind, "Other" rows combined, duplicates dropped.

- counts and FTEs: ``65966014.0``, ``1.234.567``, ``45M`` (approx), ``> 45 M`` (lower bound);
  a negative count is kept as text with no value;
- medians: hours as the template requires; a value printed with a unit (``3 days``, ``90 min``)
  is converted to hours, with a warning;
- shares: fractions 0..1; ``95%`` is 0.95; a bare number above 1 (``95``) is read as a percentage,
  with a warning;
- dates (part 1): ``YYYYMMDD`` as a number (``20260401``), the printed text kept;
- several "Other" rows under one category (the template allows any number, each with its own
  description) are summed into that category's one "Other" figure: the printed values, rows and
  descriptions stay in the record; medians and shares cannot be summed, so each such row keeps
  its own policy label ``"<category> / KEYWORD_OTHER #2"``, which takes the policy area of the
  category's "Other" row (``<category>.other``), and the metric label
  ``"<indicator> | one of several 'Other' rows"``, which is deliberately left without a metric:
  no single row's median is the category's "Other" median, and one key cannot hold several;
  when the rows carry different provider codes (``KEYWORD_OTHER_FINANCIAL_FRAUDS_SCAMS`` and
  ``KEYWORD_OTHER_FRAUD_AND_DECEPTION`` under one category), the summed figure names every code
  (not the first one's alone) and each code's figures are also kept as printed under its own
  raw policy label ``"<category> / <code>"``, which the label map leaves unharmonised so that
  no total counts them twice;
- a second figure for the same service, scope, category and indicator is dropped with a warning
  naming both rows when it repeats the value, else kept apart as ``... | repeat 2`` (the first,
  i.e. the newest report version, keeps the metric).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from transparency.harmonisation.registries import match_key
from transparency.reading.numbers import NumberError, parse_number
from transparency.reading.records import ParseResult, RawRecord

from . import codes
from .model import Cell

Warn = Callable[[str, str], None]
# The metric label's suffix for a median or share of one of several "Other" rows under a category.
OTHER_APART = " | one of several 'Other' rows"
_UNIT_HOURS = {
    "h": 1,
    "hr": 1,
    "hrs": 1,
    "hour": 1,
    "hours": 1,
    "d": 24,
    "day": 24,
    "days": 24,
    "min": 1 / 60,
    "mins": 1 / 60,
    "minute": 1 / 60,
    "minutes": 1 / 60,
}


def _fmt(v: float | None) -> str:
    if v is None:
        return "none"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"


def coerce(cell: Cell, warn: Warn) -> None:
    """Set the cell's value, qualifier and printed text by its kind."""
    printed = "" if cell.text is None else str(cell.text).strip()
    cell.value_text = printed
    if cell.kind == "date":
        d = codes.day(printed)
        cell.value = float(d.year * 10000 + d.month * 100 + d.day) if d else None
        cell.qualifier = "" if d else "not_a_number"
        return
    try:
        num = parse_number(cell.text)
        value, qualifier = num.value, num.qualifier
        if num.is_percent and cell.kind != "share" and value is not None:
            warn(
                cell.row,
                f"DQ: {cell.metric_label!r} ({cell.where}) printed as a percentage {printed!r} "
                "for a figure that is not a share; kept as text with no value",
            )
            value, qualifier = None, "not_a_number"
    except NumberError:
        value, qualifier = None, "not_a_number"
        m = re.fullmatch(r"([\d.,]+)\s*([a-z]+)\.?", printed.lower())
        if cell.kind == "hours" and m and m[2] in _UNIT_HOURS:
            try:
                base = parse_number(m[1]).value
            except NumberError:
                base = None
            if base is not None:
                value, qualifier = base * _UNIT_HOURS[m[2]], ""
                warn(
                    cell.row,
                    f"DQ: median {printed!r} ({cell.metric_label}, {cell.where}) printed with a unit; "
                    f"converted to {_fmt(value)} hours",
                )
        if value is None:
            warn(
                cell.row,
                f"{cell.metric_label!r} for {cell.policy_label} ({cell.where}): value "
                f"{printed!r} is not a number; kept as text with no value",
            )
    if value is not None and cell.kind == "share" and value > 1:
        if value <= 100:
            warn(
                cell.row,
                f"DQ: share {printed!r} ({cell.metric_label}, {cell.where}) is above 1; "
                f"read as a percentage ({value / 100:g})",
            )
            value = value / 100
        else:
            warn(
                cell.row,
                f"DQ: share {printed!r} ({cell.metric_label}, {cell.where}) is above 100; "
                "kept as text with no value",
            )
            value, qualifier = None, "not_a_number"
    if value is not None and value < 0:
        warn(
            cell.row,
            f"DQ: negative figure {printed!r} ({cell.metric_label}, {cell.where}); kept as text with no value",
        )
        value, qualifier = None, "not_a_number"
    cell.value, cell.qualifier = value, qualifier


def _key(c: Cell, policy: str) -> tuple:
    """What the warehouse keys on, compared as loosely as the label map compares labels."""
    return (
        c.part,
        match_key(c.service),
        match_key(c.scope),
        match_key(policy),
        match_key(c.metric_label),
        c.period,
    )


def combine_others(cells: list[Cell], warn: Warn) -> list[Cell]:
    """One "Other" figure per category: several rows under the same parent are summed."""
    groups: dict[tuple, list[Cell]] = defaultdict(list)
    for c in cells:
        if c.other:
            groups[(c.report, *_key(c, c.policy_label))].append(c)
    merged: dict[int, Cell | None] = {}
    apart: dict[int, list[Cell]] = {}  # each code's own figures, after the summed one
    told: set[tuple[str, int]] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        first = group[0]
        if first.kind not in ("count", "fte"):  # a median or share cannot be summed: kept apart
            for n, c in enumerate(group, start=1):
                c.other_no = n
                c.metric_label += OTHER_APART
            continue
        values = [c.value for c in group if c.value is not None]
        codes_printed = [_printed_code(c) for c in group]
        own_codes = len(set(codes_printed)) > 1
        total = Cell(**{**first.__dict__, "notes": list(first.notes)})
        total.value = sum(values) if values else None
        total.value_text = " + ".join(c.value_text for c in group)
        total.qualifier = "" if values else "not_a_number"
        total.row = _rows(group)
        descriptions = [
            n[len("Other: ") :] for c in group for n in c.notes if n.startswith("Other: ")
        ]
        total.notes = [n for n in first.notes if not n.startswith(("Other: ", "context: "))]
        if own_codes:  # the sum is no single code's figure: name them all
            total.notes = [n for n in total.notes if not n.startswith(_PRINTED)]
            total.notes.append(
                "printed categories "
                + ", ".join(
                    f"{code or codes.KEYWORD_OTHER!r} ({c.row})"
                    for code, c in zip(codes_printed, group, strict=True)
                )
            )
        total.notes.append(
            f"sum of {len(group)} 'Other' rows"
            + (f": {'; '.join(descriptions)}" if descriptions else "")
        )
        merged[id(first)] = total
        for c in group[1:]:
            merged[id(c)] = None
        if own_codes:
            for code, c in zip(codes_printed, group, strict=True):
                if code:
                    c.own_code = code
                    apart.setdefault(id(first), []).append(c)
        if (first.file, first.part) not in told:
            told.add((first.file, first.part))
            warn(
                first.row,
                f"part {first.part} has several 'Other' rows under one category "
                f"(e.g. {first.parent}, {first.metric_label}, {first.where}): counts summed into "
                "one 'Other' figure per category, medians and shares numbered #1, #2, ...; rows "
                "and descriptions kept in the record",
            )
    out = []
    for c in cells:
        m = merged.get(id(c), c)
        if m is not None:
            out.append(m)
        out.extend(apart.get(id(c), []))
    return out


_PRINTED = "printed category "


def _printed_code(c: Cell) -> str:
    """The provider's own "Other" code a row was printed with (KEYWORD_OTHER_<...>), or ""."""
    for n in c.notes:
        if n.startswith(_PRINTED):
            code = n[len(_PRINTED) :].strip("'\"")
            if code.upper().startswith(codes.KEYWORD_OTHER + "_"):
                return code.strip().upper()
    return ""


def _rows(group: list[Cell]) -> str:
    """'4_notices.csv lines 12, 13' from '4_notices.csv line 12' and '4_notices.csv line 13'."""
    parts = [re.fullmatch(r"(.*?)(line|row) (\d+)", c.row) for c in group]
    if all(parts) and len({(m[1], m[2]) for m in parts}) == 1:  # type: ignore[index]
        first = parts[0]
        return f"{first[1]}{first[2]}s {', '.join(m[3] for m in parts)}"  # type: ignore[index]
    return ", ".join(c.row for c in group)


def repeats(cells: list[Cell], warn: Warn) -> list[Cell]:
    """A second figure for the same key: dropped when it repeats the value, else kept apart.

    Providers report several automated systems or sub-reports in the same rows (XVideos gives
    accuracy per tool; Bing two own-initiative tables). A differing repeat keeps its value under
    the metric label ``"... | repeat 2"``, which maps to no metric: stored, and reported as an
    unmapped label, but never mixed with the first figure.
    """
    seen: dict[tuple, Cell] = {}
    count: dict[tuple, int] = defaultdict(int)
    out = []
    for c in cells:
        k = _key(c, c.policy_label)
        count[k] += 1
        if k not in seen:
            seen[k] = c
            out.append(c)
            continue
        kept = seen[k]
        if kept.report != c.report:
            warn(
                c.row,
                f"DQ: {c.metric_label!r}, {c.policy_label} ({c.where}) also in report "
                f"{kept.report or 'top level'!r}, which comes first (newer version); {c.value_text!r} "
                f"dropped, {kept.value_text!r} ({kept.row}) kept",
            )
            continue
        if kept.value_text == c.value_text:
            warn(
                c.row,
                f"DQ: {c.metric_label!r}, {c.policy_label} ({c.where}) repeated with the same "
                f"value {c.value_text!r}; dropped, {kept.row} kept",
            )
            continue
        n = count[k]
        warn(
            c.row,
            f"DQ: {c.metric_label!r}, {c.policy_label} ({c.where}) given again: {c.value_text!r} "
            f"after {kept.value_text!r} ({kept.row}); kept as 'repeat {n}'",
        )
        c.metric_label = f"{c.metric_label} | repeat {n}"
        out.append(c)
    return out


def records(cells: list[Cell], result: ParseResult) -> None:
    for c in cells:
        result.records.append(
            RawRecord(
                platform_label=c.provider,
                service_label=c.service,
                scope=c.scope,
                period_start=c.period.start,
                period_end=c.period.end,
                period_label=c.period_label,
                raw_policy_label=c.policy_label,
                raw_metric_label=c.metric_label,
                value=c.value,
                value_text=c.value_text,
                row_ref=c.row,
                qualifier=c.qualifier,
                note="; ".join(n for n in c.notes if n),
            )
        )
