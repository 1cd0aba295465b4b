"""Data-quality checks of a harmonised report, reported as ``DQ:`` warnings naming file and row.

Annex II says sub-categories sum to their category ("double counts should be omitted") and
categories to ``TOTAL``; Member State rows should add up to the total; complaint outcomes cannot
exceed the complaints decided. Real reports break all three (Snap's AMAR: 27 countries sum to
97,153,479, the total is 97,153,476). A failed check never stops the parse: the figures are kept
as printed and the warning lands in the build's ``findings``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from .model import Cell
from .template import COMPLAINTS, EEA_STATES, MEMBER_STATES, ODS, TOTAL, loose

Warn = Callable[[str, str], None]
SUMMABLE = ("count", "fte")


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _is_parent(code: str) -> bool:
    return code.startswith("STATEMENT_CATEGORY_")


def subcategory_sums(cells: list[Cell], warn: Warn) -> int:
    """Sub-categories vs their category, and categories vs TOTAL (parts 3-6, count columns)."""
    groups: dict[tuple, list[Cell]] = defaultdict(list)
    for c in cells:
        # an "Other" code's own figures are already in the summed "Other" row: not added twice
        if c.part in (3, 4, 5, 6) and c.kind in SUMMABLE and not c.own_code:
            groups[(c.part, loose(c.service), c.scope, c.metric_label, c.period)].append(c)
    n = 0
    for group in groups.values():
        by_code: dict[str, Cell] = {}
        for c in group:
            if not c.other and not c.category.startswith("KEYWORD_"):
                by_code.setdefault(c.category, c)
        checks: list[tuple[Cell, list[Cell], str]] = []
        for code, parent in by_code.items():
            if _is_parent(code):
                kids = [
                    c
                    for c in group
                    if c.parent == code and (c.other or c.category.startswith("KEYWORD_"))
                ]
                checks.append((parent, kids, f"sub-categories of {code}"))
        if TOTAL in by_code:
            checks.append(
                (
                    by_code[TOTAL],
                    [c for code, c in by_code.items() if _is_parent(code)],
                    "categories",
                )
            )
        for parent, kids, what in checks:
            values = [k.value for k in kids if k.value is not None]
            if parent.value is None or not values:
                continue
            s = sum(values)
            if abs(s - parent.value) > 1e-9:
                n += 1
                target = "TOTAL" if parent.category == TOTAL else "the category row"
                warn(
                    parent.row,
                    f"DQ: {what} sum to {_fmt(s)}, {target} says {_fmt(parent.value)} "
                    f"(difference {_fmt(s - parent.value)}; {parent.metric_label}; {parent.where})",
                )
    return n


def country_sums(cells: list[Cell], warn: Warn) -> int:
    """Member State rows vs the EU total of the same figure (any part that gives countries)."""
    states = MEMBER_STATES | EEA_STATES
    groups: dict[tuple, list[Cell]] = defaultdict(list)
    for c in cells:
        if c.kind in SUMMABLE and (c.scope == "EU" or c.scope in states):
            groups[
                (c.part, loose(c.service), loose(c.policy_label), c.metric_label, c.period)
            ].append(c)
    n = 0
    for group in groups.values():
        total = next((c for c in group if c.scope == "EU"), None)
        countries = [c for c in group if c.scope in states and c.value is not None]
        if total is None or total.value is None or not countries:
            continue
        s = sum(c.value for c in countries)  # type: ignore[misc]
        if abs(s - total.value) > 1e-9:
            n += 1
            warn(
                total.row,
                f"DQ: {len(countries)} Member State rows sum to {_fmt(s)}, TOTAL says "
                f"{_fmt(total.value)} (difference {_fmt(s - total.value)}; {total.metric_label}; "
                f"{total.policy_label}; {total.service})",
            )
    return n


def complaint_outcomes(cells: list[Cell], warn: Warn) -> int:
    """Upheld + partially reversed + reversed cannot exceed the complaints (or disputes) counted."""
    groups: dict[tuple, dict[str, Cell]] = defaultdict(dict)
    for c in cells:
        if c.metric_label.startswith((COMPLAINTS, ODS)) and c.scope == "EU":
            base, _, qualifier = c.metric_label.partition(" | ")[2].partition(" | ")
            groups[(loose(c.service), c.period, base)][qualifier] = c
    n = 0
    for (_, _, base), by_q in groups.items():
        total = by_q.get("")
        outcomes = [
            by_q[q]
            for q in ("Decisions upheld", "Decisions partially reversed", "Decisions reversed")
            if q in by_q
        ]
        values = [c.value for c in outcomes if c.value is not None]
        if total is None or total.value is None or not values:
            continue
        if sum(values) > total.value:
            n += 1
            warn(
                total.row,
                f"DQ: decisions upheld, partially reversed and reversed add up to {_fmt(sum(values))}, "
                f"more than the {_fmt(total.value)} counted ({base}; {total.service})",
            )
    return n


def median_units(cells: list[Cell], warn: Warn) -> int:
    """A median the contextual information says is in days, although the template asks hours."""
    n = 0
    for c in cells:
        context = " ".join(x for x in c.notes if x.startswith("context: "))
        if (
            c.kind == "hours"
            and re.search(r"(?i)\bdays?\b", context)
            and not re.search(r"(?i)\bhours?\b", context)
        ):
            n += 1
            warn(
                c.row,
                f"DQ: median {c.value_text!r} ({c.metric_label}; {c.where}): the contextual "
                "information speaks of days, the template asks for hours; kept as printed",
            )
    return n


def run(cells: list[Cell], warn: Warn) -> int:
    """Every check; returns the number of findings."""
    return (
        subcategory_sums(cells, warn)
        + country_sums(cells, warn)
        + complaint_outcomes(cells, warn)
        + median_units(cells, warn)
    )
