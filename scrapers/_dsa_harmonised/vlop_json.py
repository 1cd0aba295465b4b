"""Reader of ``vlop-dsa.json`` (krMaynard/transparency-report-api): the H2 2025 harmonised reports
of 25 VLOPs/VLOSEs in one compact, interned JSON, read into the same cells as the CSV parts.

Layout (decoded from ``convert.py`` in krMaynard/dsa-transparency-data): lookup lists
``services``, ``service_platforms``, ``categories``, ``sections``, ``indicators``, ``scopes``,
``surfaces``; row tables ``t3`` ... ``t11`` whose non-value positions index those lists. The
converter kept the template's column order but dropped part 3's medians, every contextual column
and the descriptions of "Other" rows, and rows that were all empty or zero. Google's sub-reports
(``surfaces`` other than ``All``/``Core``: ``Ads``, ``URL-level``, ...) become their own services,
e.g. ``YouTube (Ads)``. Part 11 (free text) is not carried: it holds no figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from transparency.reading.periods import PeriodError, parse_period
from transparency.reading.records import ParseError

from . import codes
from .model import Cell, Parents, other_parent_note
from .template import (
    KEYWORD_PARENT,
    LONG,
    LONG_INDICATORS,
    SECTION_NAMES,
    TOTAL,
    WIDE,
    loose,
    norm,
)

Warn = Callable[[str, str], None]
MAX_BYTES = 256 * 1024 * 1024
# Printed service names that would resolve to a whole company rather than the designated service.
DESIGNATED = {"Amazon": "Amazon Store", "Multi-Services": "Multi-Services (Google)"}
LOOKUPS = (
    "services",
    "service_platforms",
    "categories",
    "sections",
    "indicators",
    "scopes",
    "surfaces",
)
# The JSON's columns of each wide part, as positions in the template's column list.
WIDE_COLUMNS = {
    "t3": [0, 1, 4],
    "t4": list(range(10)),
    "t5": list(range(16)),
    "t6": list(range(16)),
}


def looks_like(path: Path) -> bool:
    """A JSON file with the interned layout (checked on its first bytes only)."""
    path = Path(path)
    if not path.is_file():
        return False
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip()
    return head.startswith(b"{") and (
        b'"services"' in head or b'"meta"' in head or path.suffix.lower() == ".json"
    )


def _load(path: Path) -> dict:
    if path.stat().st_size > MAX_BYTES:
        raise ParseError(path, f"over the limit of {MAX_BYTES:,} bytes")
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(path, f"not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ParseError(path, "not the vlop-dsa.json layout (top level is not an object)")
    missing = [k for k in (*LOOKUPS, "meta") if k not in data]
    if missing:
        raise ParseError(path, f"not the vlop-dsa.json layout (no {', '.join(missing)})")
    return data


def read(path: Path, warn: Warn) -> list[Cell]:
    path = Path(path)
    data = _load(path)
    try:
        per = parse_period(data["meta"]["period"])
    except (KeyError, TypeError, PeriodError) as exc:
        raise ParseError(path, f"meta.period is not a period ({exc})") from exc
    label = data["meta"]["period"]
    look = {k: data[k] for k in LOOKUPS}
    file = path.name
    cells: list[Cell] = []
    told: set[object] = set()

    def once(row: str, message: str, key: object = None) -> None:
        """Warn once per message, or once per ``key`` when given."""
        k = message if key is None else key
        if k not in told:
            told.add(k)
            warn(row, message)

    def at(kind: str, i: object, row: str) -> str:
        try:
            return str(look[kind][i])  # type: ignore[index]
        except (IndexError, TypeError) as exc:
            raise ParseError(path, f"{kind} index {i!r} out of range", row) from exc

    def service(i: object, surface: str, row: str) -> tuple[str, str]:
        name = at("services", i, row)
        name = codes.with_surface(DESIGNATED.get(name, name), surface)
        return at("service_platforms", i, row), name

    def cell(**kw) -> None:
        cells.append(Cell(period=per, period_label=label, file=file, **kw))

    for table, cols in WIDE_COLUMNS.items():
        part = int(table[1:])
        inds = [WIDE[part][k] for k in cols]
        parents = Parents()
        for n, r in enumerate(data.get(table, [])):
            row = f"{table}[{n}]"
            has_scope = table == "t3"
            surface = at("surfaces", r[-1], row) if table == "t6" else ""
            provider, name = service(r[0], surface, row)
            printed = at("categories", r[1], row)
            cat = codes.category(printed)
            if cat.change:
                once(row, f"DQ: {cat.change} ({name})")
            sc = (
                codes.scope(at("scopes", r[2], row), countries=True)
                if has_scope
                else codes.Scope("EU")
            )
            if sc.change:
                once(row, f"DQ: {sc.change} ({name})")
            parent, how = parents.of(name, sc.scope, cat.code, cat.other)
            if how:
                once(row, other_parent_note(printed, name, parent, sc.scope), (table, how, name))
            values = r[3:6] if has_scope else r[2 : 2 + len(inds)]
            for ind, v in zip(inds, values, strict=False):
                if v is None or v == "":
                    continue
                cell(
                    part=part,
                    provider=provider,
                    service=name,
                    metric_label=ind.label + (f" | {sc.qualifier}" if not sc.known else ""),
                    kind=ind.kind,
                    text=v,
                    row=row,
                    category=cat.code,
                    parent=parent,
                    other=cat.other,
                    scope=sc.scope,
                    notes=[f"printed category {printed!r}" if cat.change else ""],
                )

    for table in ("t7", "t8", "t9", "t10"):
        for n, r in enumerate(data.get(table, [])):
            row = f"{table}[{n}]"
            if table == "t10":
                section, indicator = (
                    "AMAR",
                    "Number of average monthly active recipients during the reporting period",
                )
                printed_scope, value, surface = at("scopes", r[1], row), r[2], ""
            else:
                section = at("sections", r[1], row)
                indicator = at("indicators", r[2], row)
                printed_scope, value = at("scopes", r[3], row), r[4]
                surface = at("surfaces", r[5], row) if table in ("t7", "t8") else ""
            if value is None or value == "":
                continue
            provider, name = service(r[0], surface, row)
            section = SECTION_NAMES.get(norm(section), section)
            section, indicator = LONG_INDICATORS.get(
                (norm(section), norm(indicator)), (section, indicator)
            )
            sc = codes.scope(printed_scope, countries=table == "t10")
            if sc.change:
                once(row, f"DQ: {sc.change} ({name})")
            found = LONG.get((norm(section), norm(indicator), loose(sc.qualifier)))
            if found is None:
                metric = " | ".join(p for p in (section, indicator, sc.qualifier) if p)
                kind = (
                    "hours"
                    if "median" in metric.lower()
                    else (
                        "share"
                        if any(
                            w in metric.lower()
                            for w in ("accuracy", "precision", "recall", "percentage")
                        )
                        else "count"
                    )
                )
                once(row, f"{metric!r} is not a template indicator; kept as printed ({name})")
            else:
                metric, kind = found.label, found.kind
            cell(
                part=int(table[1:]),
                provider=provider,
                service=name,
                metric_label=metric,
                kind=kind,
                text=value,
                row=row,
                category=sc.category or TOTAL,
                parent=KEYWORD_PARENT.get(sc.category, ""),
                scope=sc.scope,
            )
    if data.get("t11"):
        warn(
            "t11",
            f"part 11 (qualitative free text, {len(data['t11'])} rows) holds no figures; not carried",
        )
    return cells
