"""Telegram Moderation Overview (telegram.org/moderation): daily bans and year-to-date totals.

Covered: every chart the page embeds (Telegram's ``tchart`` data, ``{"columns": [["x", ms...],
["y0", n...]], "types": ..., "names": ...}``, in an inline script or a ``data-chart`` attribute):
one record per day and series, under the section heading the chart stands in (groups and
channels banned for all reasons, for child sexual abuse material, for terrorism); and every
headline total printed as a number followed by a label with its year ("15,373,034" / "groups and
channels banned in 2024"), read as a year-to-date figure from 1 January to the reading date. The
page is overwritten every day, so the reading date is the retrieval date ``fetch`` writes into the
file name (``telegram-moderation-YYYY-MM-DD.html``); a total for a year that had ended when the page
was read covers that whole year. Checks that become warnings: a chart day repeated, days missing
inside a chart, chart days after the reading date, a complete daily series whose sum differs from
the printed total.

Not covered: prose figures ("over 100 million pieces of terrorist content", CSAM removals "since
2018"), the @stopca / @isiswatch channels (sources ``telegram_stopca``), anything from earlier years
that the page no longer shows. The page's markup was never saved by this project
(sources/telegram.md calls the chart structure unverified): the layout handled is the tchart data
format and the number-then-label headline, verified only against the project's own fixtures.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import UNVERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.htmltables import heading_before, soup_of, text_of
from transparency.reading.periods import Period, year_to_date
from transparency.reading.records import ParseError, ParseResult

SOURCE = SourceDeclaration(
    id="telegram_moderation",
    publisher="Telegram FZ-LLC",
    kind="platform report",
    title="Telegram Moderation Overview (daily bans, year-to-date totals)",
    homepage="https://telegram.org/moderation",
    formats=("html",),
    cadence="daily (running year-to-date totals)",
    licence="Public document (Telegram); facts cited with source",
    download_urls=("https://telegram.org/moderation",),
    hosts=("telegram.org",),
    platform="telegram",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=2,
    verification=UNVERIFIED,
    verification_note="the page's tchart markup was never saved",
)

READING_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
YEAR = re.compile(r"\bin (20\d\d)\b")
ELEMENT_REF = re.compile(r"""getElementById\(\s*['"]([\w-]+)['"]\s*\)|['"]#([\w-]+)['"]""")


def _meta_content(soup, prop: str) -> str:
    """The content of a <meta property=...> tag ("" when absent)."""
    tag = soup.find("meta", attrs={"property": prop})
    return str(tag.get("content", "")) if isinstance(tag, Tag) else ""


def _reading_date(path: Path) -> date | None:
    m = READING_DATE.search(path.name)
    return date.fromisoformat(m[1]) if m else None


def _day(x: object) -> date:
    if not isinstance(x, int | float) or isinstance(x, bool):
        raise ValueError(f"x value {x!r} is not a timestamp")
    seconds = x / 1000 if x > 1e11 else x
    return datetime.fromtimestamp(seconds, UTC).date()


def _charts(soup: BeautifulSoup) -> list[tuple[str, dict, str]]:
    """(section heading or '', chart data, where) for every tchart data object on the page."""
    found: list[tuple[str, dict, str]] = []
    decoder = json.JSONDecoder()
    for k, script in enumerate(soup.find_all("script"), start=1):
        text = script.string or ""
        for m in re.finditer(r'\{\s*"columns"\s*:', text):
            try:
                data, _ = decoder.raw_decode(text, m.start())
            except json.JSONDecodeError as exc:
                raise ValueError(f"script {k}: chart data is not JSON ({exc})") from exc
            statement = text[text.rfind(";", 0, m.start()) + 1 : m.start()]
            refs = [a or b for a, b in ELEMENT_REF.findall(statement)]
            target = soup.find(id=refs[-1]) if refs else None
            found.append(
                (heading_before(target) if isinstance(target, Tag) else "", data, f"script {k}")
            )
    for k, el in enumerate(soup.select("[data-chart]"), start=1):
        try:
            data = json.loads(str(el["data-chart"]))
        except json.JSONDecodeError as exc:
            raise ValueError(f"data-chart {k}: not JSON ({exc})") from exc
        found.append((heading_before(el), data, f"data-chart {k}"))
    return found


def _chart_records(
    result: ParseResult, name: str, section: str, data: dict, where: str, reading: date | None
) -> dict[str, dict[date, float]]:
    columns = {col[0]: col[1:] for col in data.get("columns", []) if isinstance(col, list) and col}
    types, names = data.get("types", {}), data.get("names", {})
    x_key = next((k for k, t in types.items() if t == "x"), "x")
    if x_key not in columns:
        raise ValueError(f"{where}: chart has no x column")
    days = [_day(x) for x in columns[x_key]]
    series: dict[str, dict[date, float]] = {}
    for key, values in columns.items():
        if key == x_key:
            continue
        label = str(names.get(key, key))
        if len(values) != len(days):
            result.warn(
                name,
                f"{where}, {key}",
                f"{len(values)} values for {len(days)} days; series not read",
            )
            continue
        points: dict[date, float] = {}
        for day, value in zip(days, values, strict=True):
            row = f"{where}, {label}, {day.isoformat()}"
            if day in points:
                result.warn(name, row, "day repeated in the chart; the first value is kept")
                continue
            if reading and day > reading:
                result.warn(name, row, f"chart day after the reading date {reading}")
            rec = result.add(
                platform="Telegram",
                period=Period(day, day),
                policy=section or label,
                metric=label,
                text=str(value),
                row=row,
                file=name,
                period_label=day.isoformat(),
            )
            if rec and rec.value is not None:
                points[day] = rec.value
        if points:
            first, last = min(points), max(points)
            missing = (last - first).days + 1 - len(points)
            if missing:
                result.warn(
                    name, f"{where}, {label}", f"{missing} days missing between {first} and {last}"
                )
        series[section or label] = points
    return series


def _headline_totals(soup: BeautifulSoup) -> list[tuple[str, str, str, int, Tag]]:
    """(section, label, number text, year, element) for each 'number + label with a year' pair."""
    out = []
    for el in soup.find_all(True):
        if el.find(True) is not None or not NUMBER.match(text_of(el)):
            continue
        label_el = el.find_next_sibling()
        label = text_of(label_el)
        m = YEAR.search(label)
        if label_el is None or not m:
            continue
        out.append((heading_before(el), label, text_of(el), int(m[1]), el))
    return out


def parse(path: Path) -> ParseResult:
    """Daily chart values and year-to-date totals of one saved reading of the page."""
    path = Path(path)
    name = path.name
    soup = soup_of(path)
    title = text_of(soup.find("title")) + " " + _meta_content(soup, "og:title")
    if "moderation" not in title.lower():
        raise ParseError(path, "not the Telegram Moderation Overview page (title does not say so)")
    reading = _reading_date(path)
    result = ParseResult()
    try:
        charts = _charts(soup)
        series = {}
        for section, data, where in charts:
            series.update(_chart_records(result, name, section, data, where, reading))
    except ValueError as exc:
        raise ParseError(path, str(exc)) from exc
    if reading is None:
        last = max((d for points in series.values() for d in points), default=None)
        if last is None:
            raise ParseError(
                path, "no reading date: the file name has no YYYY-MM-DD and no chart has days"
            )
        reading = last
        result.warn(
            name,
            "file name",
            f"no reading date in the file name; the last chart day {last} is used",
        )
    for section, label, number, year, _el in _headline_totals(soup):
        where = f"total under {section!r}" if section else "total"
        if year > reading.year:
            result.warn(name, where, f"total for {year} on a page read on {reading}; not read")
            continue
        period = (
            year_to_date(reading)
            if year == reading.year
            else Period(date(year, 1, 1), date(year, 12, 31))
        )
        note = "" if year == reading.year else f"read on {reading}, after the year ended"
        result.add(
            platform="Telegram",
            period=period,
            policy=section or "(no section)",
            metric=YEAR.sub("in <year>", label),
            text=number,
            row=where,
            file=name,
            period_label=f"YTD {period.end.isoformat()}",
            note=note,
        )
        points = series.get(section, {})
        if points and year == reading.year:
            start = date(year, 1, 1)
            complete = all(
                start + timedelta(n) in points for n in range((period.end - start).days + 1)
            )
            total = float(number.replace(",", ""))
            if complete and sum(v for d, v in points.items() if d <= period.end) != total:
                result.warn(
                    name,
                    where,
                    f"daily values add up to {sum(points.values()):,.0f}, "
                    f"the printed total is {number}",
                )
    if not result.records:
        raise ParseError(path, "no chart data and no year totals on the page")
    return result


def fetch(
    client: PoliteClient, store: SnapshotStore, *, today: date | None = None
) -> list[FetchOutcome]:
    """Today's reading of the page, named by the retrieval date (the figures are year-to-date)."""
    day = today or datetime.now(UTC).date()
    return [
        fetch_to_store(
            client,
            store,
            SOURCE,
            SOURCE.homepage,
            filename=f"telegram-moderation-{day}.html",
            expect=("text/html",),
        )
    ]
