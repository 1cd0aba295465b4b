"""Which part of the template a table is (by its header, never its file name) and its figures.

Tables are grouped into reports by the folder (or workbook) they came from; part 1 of a report
names the provider, the publication dates and the reporting period, which the other parts of the
same report then carry. Within a part, a category's "Other" rows are attached to the high-level
category above them, as the template lays them out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from transparency.reading.periods import Period
from transparency.reading.records import ParseError

from . import codes
from .inputs import Table
from .model import Cell, Parents, other_parent_note
from .template import (
    CATEGORIES,
    CATEGORY_HEADERS,
    CONTEXT_PREFIXES,
    IDENTIFICATION,
    IDENTIFICATION_DATES,
    KEYWORD_PARENT,
    LONG,
    LONG_INDICATORS,
    OTHER_DESCRIPTION_HEADER,
    PERIOD_END,
    PERIOD_START,
    PREVIOUS,
    PROVIDER_NAME,
    PUBLISHED,
    SECTION_NAMES,
    TOTAL,
    WIDE,
    Indicator,
    loose,
    norm,
)

Warn = Callable[[str, str], None]
LONG_COLUMNS = (
    "applicability",
    "service",
    "reporting period",
    "section",
    "indicator",
    "scope",
    "value",
)
NOTE_CHARS = 160


@dataclass
class Report:
    """What part 1 of a report says, plus the version its folder or file name states."""

    group: str
    provider: str = ""
    service: str = ""
    period: Period | None = None
    published: date | None = None
    previous: date | None = None
    version: str = ""

    def note(self) -> str:
        bits = [
            f"report {self.version}" if self.version else "",
            f"published {self.published}" if self.published else "",
            f"previous report {self.previous}" if self.previous else "",
        ]
        return "; ".join(b for b in bits if b)


@dataclass
class Layout:
    part: int
    header_row: int
    cols: dict[str, int] = field(default_factory=dict)  # role -> column index
    values: dict[int, Indicator] = field(default_factory=dict)  # wide parts: column -> indicator
    context: dict[int, int] = field(default_factory=dict)  # value column -> its contextual column
    positional: bool = False


def _at(row: list[str], j: int | None) -> str:
    return row[j].strip() if j is not None and j < len(row) else ""


def _short(text: str) -> str:
    t = " ".join(text.split())
    return t if len(t) <= NOTE_CHARS else t[: NOTE_CHARS - 1] + "…"


# ---------------------------------------------------------------- identifying a table


def _wide_layout(part: int, header: list[str], hi: int) -> Layout:
    lay = Layout(part, hi)
    by_text = {norm(i.text): i for i in WIDE[part]}
    for j, h in enumerate(header):
        if h in ("applicability", "service", "reporting period", "scope"):
            lay.cols[h] = j
        elif h in CATEGORY_HEADERS:
            lay.cols["category"] = j
        elif h == OTHER_DESCRIPTION_HEADER:
            lay.cols["other"] = j
        elif h in by_text:
            lay.values[j] = by_text[h]
    for j, h in enumerate(header):
        for prefix in CONTEXT_PREFIXES:
            if h.startswith(prefix) and h[len(prefix) :] in by_text:
                target = by_text[h[len(prefix) :]]
                lay.context.update({v: j for v, ind in lay.values.items() if ind is target})
                break
    return lay


def _positional(part: int, width: int) -> Layout:
    """The English template's column order, for a table whose header is in another language."""
    lay = Layout(part, 0, positional=True)
    lay.cols = {"applicability": 0, "service": 1, "reporting period": 2, "category": 3, "other": 4}
    first = 6 if part == 3 else 5
    if part == 3:
        lay.cols["scope"] = 5
    n = len(WIDE[part])
    lay.values = {first + k: ind for k, ind in enumerate(WIDE[part])}
    lay.context = {first + k: first + n + k for k in range(n) if first + n + k < width}
    return lay


def identify(table: Table) -> Layout | None:
    """The part and column layout of a table, from its header row; None when not a template part."""
    for hi, row in enumerate(table.rows[:6]):
        header = [norm(c) for c in row]
        s = set(header)
        if set(LONG_COLUMNS) <= s:
            return Layout(
                0,
                hi,
                {
                    c: header.index(c)
                    for c in (
                        *LONG_COLUMNS,
                        *([h for h in header if h.startswith("contextual information")][:1]),
                    )
                },
            )
        if {"applicability", "service", "indicator", "value"} <= s:
            part = 11 if "reporting period" in s else 1
            return Layout(part, hi, {c: header.index(c) for c in ("service", "indicator", "value")})
        if "category label" in s and "category description" in s:
            return Layout(2, hi)
        if norm(WIDE[3][0].text) in s:
            return _wide_layout(3, header, hi)
        if norm(WIDE[4][0].text) in s:
            return _wide_layout(4, header, hi)
        if norm(WIDE[5][0].text) in s:
            tc = any(h in CATEGORY_HEADERS and CATEGORY_HEADERS[h] == (6,) for h in header)
            return _wide_layout(6 if tc else 5, header, hi)
    return _guess_localised(table)


def _guess_localised(table: Table) -> Layout | None:
    if not table.rows:
        return None
    width = len(table.rows[0])
    body = table.rows[1:]
    cats = {
        codes.category(r[3]).code
        for r in body
        if len(r) > 3 and codes.CODE_RE.match(r[3].strip().upper())
    }
    if cats and width in (20, 25, 37):
        if width == 20:
            return _positional(3, width)
        if width == 25:
            return _positional(4, width)
        tc = {
            "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
            *CATEGORIES["STATEMENT_CATEGORY_OTHER_VIOLATION_TC"],
        }
        return _positional(6, width) if cats & tc else None
    if width in (7, 8) and any(
        norm(codes.translate("section", r[3])) in SECTION_NAMES for r in body if len(r) > 3
    ):
        cols = dict(zip(LONG_COLUMNS, range(7), strict=True))
        if width == 8:
            cols["contextual information"] = 7
        return Layout(0, 0, cols, positional=True)
    return None


# ---------------------------------------------------------------- reading parts


class Reader:
    """Turns the tables of one input into cells, reporting every reading choice once per table."""

    def __init__(self, file: str, warn: Warn, input_name: str):
        self.file, self.warn, self.input_name = file, warn, input_name
        self.cells: list[Cell] = []
        self.reports: list[Report] = []
        self.recognised = 0
        self._told: set[tuple[str, object]] = set()

    def once(self, table: Table, row: str, message: str, key: object = None) -> None:
        """Warn once per table and message, or once per table and ``key`` when given."""
        told = (table.name, message if key is None else key)
        if told not in self._told:
            self._told.add(told)
            self.warn(row, message)

    # -- part 1
    def identification(
        self, table: Table, lay: Layout, rep: Report
    ) -> list[tuple[str, str, str, str]]:
        c = lay.cols
        found = []
        for i in range(lay.header_row + 1, len(table.rows)):
            row = table.rows[i]
            indicator, value = norm(_at(row, c["indicator"])), _at(row, c["value"])
            service = _at(row, c["service"])
            rep.service = rep.service or service
            if norm(value) in codes.PLACEHOLDERS:
                continue
            if indicator == norm(PROVIDER_NAME):
                rep.provider = value
                continue
            for text in IDENTIFICATION_DATES:
                if indicator == norm(text):
                    d = codes.day(value)
                    if d is None:
                        self.warn(table.ref(i), f"DQ: {text!r} is {value!r}, not a date; not read")
                        break
                    found.append((text, value, table.ref(i), service))
                    if text == PUBLISHED:
                        rep.published = d
                    elif text == PREVIOUS:
                        rep.previous = d
                    break
        start = next((codes.day(v) for t, v, *_ in found if t == PERIOD_START), None)
        end = next((codes.day(v) for t, v, *_ in found if t == PERIOD_END), None)
        if start and end and start <= end:
            rep.period = Period(start, end)
        return found

    def _period(self, table: Table, i: int, printed: str, rep: Report) -> Period:
        p = codes.period(printed)
        if p is None:
            if rep.period is None:
                raise ParseError(
                    self.file,
                    f"no reporting period: {printed!r} and no part 1 "
                    "(report identification) with the period",
                    table.ref(i),
                )
            if norm(printed) not in codes.PLACEHOLDERS:
                self.once(
                    table,
                    table.ref(i),
                    f"DQ: reporting period {printed!r} not understood; "
                    f"the report's period {rep.period.start}/{rep.period.end} used",
                )
            return rep.period
        if rep.period is not None and p != rep.period:
            self.once(
                table,
                table.ref(i),
                f"DQ: reporting period {printed!r} differs from part 1's "
                f"{rep.period.start}/{rep.period.end}",
            )
        return p

    def _service(self, table: Table, i: int, printed: str, rep: Report) -> str:
        """The service as printed; a Google sub-report's file (``…_Ads.csv``) names its surface,
        which makes it a service of its own (``Google Maps (Ads)``), as in vlop-dsa.json."""
        service = printed.strip() or rep.service or rep.provider
        if not service:
            raise ParseError(
                self.file,
                "no service named (column Service is empty and there is no part 1)",
                table.ref(i),
            )
        return codes.with_surface(service, codes.surface_of(table.name or self.input_name))

    def _cell(self, table: Table, i: int, rep: Report, **kw) -> Cell:
        notes = [n for n in (rep.note(), *kw.pop("notes", [])) if n]
        cell = Cell(
            provider=rep.provider or kw["service"],
            file=self.file,
            row=table.ref(i),
            notes=notes,
            report=rep.group,
            **kw,
        )
        self.cells.append(cell)
        return cell

    # -- parts 3-6
    def wide(self, table: Table, lay: Layout, rep: Report) -> None:
        if lay.positional:
            self.once(
                table,
                table.ref(0),
                f"header not in English: columns read by the position of the "
                f"template's part {lay.part}",
            )
        missing = [i.text for i in WIDE[lay.part] if i not in lay.values.values()]
        if missing and not lay.positional:
            self.once(
                table, table.ref(lay.header_row), f"DQ: part {lay.part} lacks column(s) {missing}"
            )
        parents = Parents()
        c = lay.cols
        for i in range(lay.header_row + 1, len(table.rows)):
            row = table.rows[i]
            get = partial(_at, row)
            filled = {j: get(j) for j in lay.values if get(j) != ""}
            printed_cat = get(c.get("category"))
            if not filled or (
                not printed_cat and all(norm(v) in codes.PLACEHOLDERS for v in filled.values())
            ):
                continue
            if not printed_cat:
                self.warn(table.ref(i), "DQ: figures without a category; row not read")
                continue
            cat = codes.category(printed_cat)
            if cat.change:
                self.once(table, table.ref(i), f"DQ: {cat.change}")
            service = self._service(table, i, get(c.get("service")), rep)
            per = self._period(table, i, get(c.get("reporting period")), rep)
            sc = (
                codes.scope(get(c.get("scope")), countries=True)
                if "scope" in c
                else codes.Scope("EU")
            )
            if sc.change:
                self.once(table, table.ref(i), f"DQ: {sc.change}")
            parent, how = parents.of(service, sc.scope, cat.code, cat.other)
            if how:
                note = other_parent_note(printed_cat, service, parent, sc.scope)
                self.once(table, table.ref(i), note, key=(how, printed_cat))
            desc = get(c.get("other")) or cat.description
            notes = [
                f"Other: {_short(desc)}" if desc else "",
                f"printed category {printed_cat!r}" if cat.change else "",
            ]
            metric_suffix = f" | {sc.qualifier}" if not sc.known else ""  # "| scope: DE, FR"
            for j, text in filled.items():
                ind = lay.values[j]
                context = get(lay.context.get(j))
                self._cell(
                    table,
                    i,
                    rep,
                    part=lay.part,
                    service=service,
                    period=per,
                    period_label=get(c.get("reporting period")),
                    metric_label=ind.label + metric_suffix,
                    kind=ind.kind,
                    text=text,
                    category=cat.code,
                    parent=parent,
                    other=cat.other,
                    scope=sc.scope,
                    notes=[*notes, f"context: {_short(context)}" if context else ""],
                )

    # -- parts 7-10
    def long(self, table: Table, lay: Layout, rep: Report) -> None:
        if lay.positional:
            self.once(
                table,
                table.ref(0),
                "header not in English: columns read by the template's position",
            )
        c = lay.cols
        ctx_col = c.get("contextual information")
        for i in range(lay.header_row + 1, len(table.rows)):
            row = table.rows[i]
            get = partial(_at, row)
            text = get(c["value"])
            if norm(text) in codes.PLACEHOLDERS:
                continue
            section = codes.translate("section", get(c["section"]))
            indicator = codes.translate("indicator", get(c["indicator"]))
            section = SECTION_NAMES.get(norm(section), section)
            known = LONG_INDICATORS.get((norm(section), norm(indicator)))
            if known:
                section, indicator = known
            part = next((ind.part for k, ind in LONG.items() if k[0] == norm(section)), 0)
            sc = codes.scope(get(c["scope"]), countries=part in (3, 10) or section == "AMAR")
            if sc.change:
                self.once(table, table.ref(i), f"DQ: {sc.change}")
            ind = LONG.get((norm(section), norm(indicator), loose(sc.qualifier)))
            if ind is None:
                label = " | ".join(p for p in (section, indicator, sc.qualifier) if p)
                kind = _guess_kind(label)
                self.once(
                    table, table.ref(i), f"{label!r} is not a template indicator; kept as printed"
                )
            else:
                label, kind = ind.label, ind.kind
            context = get(ctx_col)
            service = self._service(table, i, get(c["service"]), rep)
            per = self._period(table, i, get(c["reporting period"]), rep)
            self._cell(
                table,
                i,
                rep,
                part=part or 7,
                service=service,
                period=per,
                period_label=get(c["reporting period"]),
                metric_label=label,
                kind=kind,
                text=text,
                category=sc.category or TOTAL,
                parent=KEYWORD_PARENT.get(sc.category, ""),
                scope=sc.scope,
                notes=[f"context: {_short(context)}" if context else ""],
            )

    def identification_cells(
        self, table: Table, found: list[tuple[str, str, str, str]], rep: Report
    ) -> None:
        if rep.period is None:
            self.warn(
                table.ref(0), "DQ: part 1 has no readable reporting period; its dates not stored"
            )
            return
        for text, value, row, service in found:
            cell = Cell(
                part=1,
                provider=rep.provider or service or rep.service,
                service=service or rep.service or rep.provider,
                period=rep.period,
                period_label=f"{rep.period.start}/{rep.period.end}",
                metric_label=f"{IDENTIFICATION} | {text}",
                kind="date",
                text=value,
                row=row,
                file=self.file,
                notes=[rep.note()] if rep.note() else [],
                report=rep.group,
            )
            if not cell.service:
                raise ParseError(self.file, "part 1 names no service and no provider", row)
            self.cells.append(cell)

    # -- all tables of one input
    def read(self, tables: list[Table]) -> None:
        groups: dict[str, list[tuple[Table, Layout]]] = defaultdict(list)
        for t in tables:
            lay = identify(t)
            if lay is None:
                if t.rows:
                    self.warn(
                        t.ref(0),
                        "not a part of the Annex I template (header not recognised); not read",
                    )
                continue
            self.recognised += 1
            groups[t.group].append((t, lay))
        order = sorted(
            groups,
            key=lambda g: codes.version(self.input_name, g, *(t.name for t, _ in groups[g])),
            reverse=True,
        )  # the newest version first: its figures win over older ones
        for g in order:
            members = sorted(groups[g], key=lambda tl: (tl[1].part != 1, tl[0].name))
            rep = Report(
                g, version=codes.version(self.input_name, g, *(t.name for t, _ in members))
            )
            for t, lay in members:
                if lay.part == 1:
                    found = self.identification(t, lay, rep)
                    self.identification_cells(t, found, rep)
                elif lay.part in (3, 4, 5, 6):
                    self.wide(t, lay, rep)
                elif lay.part == 0:
                    self.long(t, lay, rep)
                # parts 2 (category names) and 11 (free text) hold no figures
            self.reports.append(rep)


def _guess_kind(label: str) -> str:
    low = label.lower()
    if "median" in low:
        return "hours"
    if "accuracy" in low or "precision" in low or "recall" in low or "percentage" in low:
        return "share"
    return "count"
