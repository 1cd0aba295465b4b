"""The official daily aggregates ``aggregates-YYYY-MM-DD.csv``: the cheap path into sor_daily.

13 columns (``StatementElasticAggregationService::$allowed_aggregate_attributes`` minus
``platform_id``, plus ``platform_name`` and ``total``): counts by automated_decision,
automated_detection (a boolean here), category, content_type_single, decision_account,
decision_ground, decision_monetary, decision_provision, decision_visibility_single, received_date,
source_type and platform_name. ``*_single`` cells join a statement's codes with ``__``; they become
the same sorted comma-joined lists as the dumps' JSON arrays. The aggregates carry no keywords, so
``keyword`` is NULL (unknown) for these rows, unlike '' (none given) from a dump.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from transparency.sor.harmonise import array_cell, flag
from transparency.sor.parts import Reject

HEADER = (
    "automated_decision",
    "automated_detection",
    "category",
    "content_type_single",
    "decision_account",
    "decision_ground",
    "decision_monetary",
    "decision_provision",
    "decision_visibility_single",
    "received_date",
    "source_type",
    "platform_name",
    "total",
)
NAME = re.compile(r"^aggregates-(\d{4}-\d{2}-\d{2})\.csv$")
KEY = (
    "platform_name",
    "category",
    "keyword",
    "decision_visibility",
    "decision_account",
    "decision_monetary",
    "decision_provision",
    "decision_ground",
    "automated_detection",
    "automated_decision",
    "content_type",
    "source_type",
)


class AggregatesError(ValueError):
    """A file that is not an official daily aggregates CSV (one line, names the file)."""


def is_aggregates(path: Path) -> bool:
    return bool(NAME.match(path.name))


def _day_of(cell: str) -> date | None:
    cell = cell.strip()
    if re.fullmatch(r"\d{12,14}", cell):  # epoch milliseconds
        return datetime.fromtimestamp(int(cell) / 1000, UTC).date()
    try:
        return date.fromisoformat(cell[:10])
    except ValueError:
        return None


def read(path: Path) -> tuple[date, list[dict], list[Reject], list[str]]:
    """(day, sor_daily rows without platform, rejects, format problems)."""
    m = NAME.match(path.name)
    if not m:
        raise AggregatesError(
            f"{path.name}: not an aggregates file name (expected aggregates-YYYY-MM-DD.csv)"
        )
    try:
        day = date.fromisoformat(m[1])
    except ValueError:
        raise AggregatesError(f"{path.name}: invalid date in the file name") from None
    if not path.is_file():
        raise AggregatesError(f"{path.name}: no such file")
    counts: Counter = Counter()
    rejects: list[Reject] = []
    problems: list[str] = []
    try:
        fh = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise AggregatesError(f"{path.name}: cannot read ({exc.strerror})") from None
    with fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise AggregatesError(f"{path.name}: unreadable header ({exc})") from None
        if header is None or sorted(h.strip() for h in header) != sorted(HEADER):
            raise AggregatesError(
                f"{path.name}: header is not the 13 aggregate columns "
                f"({len(header or [])} columns found)"
            )
        pos = {h.strip(): i for i, h in enumerate(header)}
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except (csv.Error, UnicodeDecodeError) as exc:
                line = reader.line_num
                rejects.append(Reject(path.name, line, f"unreadable CSV line: {exc}", ""))
                continue
            line = reader.line_num
            raw = ",".join(row)
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(HEADER):
                rejects.append(
                    Reject(path.name, line, f"expected {len(HEADER)} fields, found {len(row)}", raw)
                )
                continue
            cell = {h: row[i] for h, i in pos.items()}
            got = _day_of(cell["received_date"])
            if got != day:
                rejects.append(
                    Reject(
                        path.name,
                        line,
                        f"received_date {cell['received_date']!r} is not {day}",
                        raw,
                    )
                )
                continue
            total = cell["total"].strip()
            if not total.isdigit():
                rejects.append(Reject(path.name, line, f"total {total!r} is not a count", raw))
                continue
            detection, ok = flag(cell["automated_detection"])
            if not ok:
                problems.append(
                    f"line {line}: automated_detection {cell['automated_detection']!r} is not a boolean"
                )
            values = {
                "platform_name": cell["platform_name"].strip(),
                "category": cell["category"].strip(),
                "keyword": None,
                "decision_visibility": array_cell(cell["decision_visibility_single"], "__")[0],
                "decision_account": cell["decision_account"].strip(),
                "decision_monetary": cell["decision_monetary"].strip(),
                "decision_provision": cell["decision_provision"].strip(),
                "decision_ground": cell["decision_ground"].strip(),
                "automated_detection": detection,
                "automated_decision": cell["automated_decision"].strip(),
                "content_type": array_cell(cell["content_type_single"], "__")[0],
                "source_type": cell["source_type"].strip(),
            }
            values = {
                k: ("" if v is not None and v.lower() == "null" else v) for k, v in values.items()
            }
            counts[tuple(values[k] for k in KEY)] += int(total)
    rows = [{**dict(zip(KEY, key, strict=True)), "count": n} for key, n in counts.items()]
    return day, rows, rejects, problems
