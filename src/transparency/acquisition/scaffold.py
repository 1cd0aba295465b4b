"""``transparency new-source ID``: scaffold exactly the files a new source needs.

The scaffold is a working source for a tidy CSV (``platform,policy_area,metric,period,value``),
so its test passes at once; the developer then edits the declaration, parser, label map, fixture
and test to fit the real files (docs/adding-a-source.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from transparency import paths

MODULE = '''"""{title} ({publisher}).

Covered: TODO say which tables/figures the parser extracts. Not covered: TODO.
"""

from __future__ import annotations

import csv
from pathlib import Path

from transparency.acquisition.fetching import FetchOutcome, PoliteClient, fetch_to_store
from transparency.reading.periods import PeriodError, parse_period
from transparency.reading.records import ParseError, ParseResult
from transparency.acquisition.sources import UNVERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore

SOURCE = SourceDeclaration(
    id="{id}",
    publisher="{publisher}",
    kind="platform report",
    title="{title}",
    homepage="https://example.org/transparency",  # TODO
    formats=("csv",),
    cadence="half-yearly",  # TODO
    licence="Public document ({publisher}); facts cited with source",  # TODO
    download_urls=("https://example.org/transparency/report.csv",),  # TODO
    hosts=("example.org",),  # TODO
    platform="",  # TODO registry id
    coverage="TODO",
    # TODO once a real published file parses: VERIFIED (or VERIFIED_PARTLY, saying which part)
    verification=UNVERIFIED,
)

HEADER = ["platform", "policy_area", "metric", "period", "value"]


def parse(path: Path) -> ParseResult:
    """Every row of a tidy CSV, exactly as printed."""
    result = ParseResult()
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
        if header != HEADER:
            raise ParseError(path, f"expected header {{','.join(HEADER)}}", "line 1")
        for line, row in enumerate(reader, start=2):
            if len(row) != len(HEADER):
                raise ParseError(path, f"expected {{len(HEADER)}} fields, found {{len(row)}}", f"line {{line}}")
            platform, policy, metric, period_label, value = (c.strip() for c in row)
            try:
                period = parse_period(period_label)
            except PeriodError as exc:
                raise ParseError(path, str(exc), f"line {{line}}") from exc
            result.add(platform=platform, period=period, policy=policy, metric=metric, text=value,
                       row=f"line {{line}}", file=Path(path).name, period_label=period_label)
    return result


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    return [fetch_to_store(client, store, SOURCE, url, expect=("text/csv",)) for url in SOURCE.download_urls]
'''

LABELS = """field,raw_label,harmonised,note
policy,Child Sexual Exploitation,protection_of_minors.child_sexual_exploitation,TODO check against the source's definition
metric,Content Actioned,content_actioned,
"""

FIXTURE = """platform,policy_area,metric,period,value
{platform},Child Sexual Exploitation,Content Actioned,H1 2024,"1,234"
"""

README = """# {id} fixtures (the project's own)

- `sample.csv`: TODO describe; cite the public URL the rows were taken from.
"""

TEST = '''"""{id}: the own fixture (and the real files under ../shared/real when present)."""

from tests.conftest import FIXTURES
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source

SOURCE = get_source("{id}")


def test_fixture_values():
    result = parse_file(SOURCE, FIXTURES / "{id}" / "sample.csv")
    [rec] = result.records
    assert (rec.raw_policy_label, rec.raw_metric_label, rec.value) == ("Child Sexual Exploitation", "Content Actioned", 1234)
    assert (rec.period_start.isoformat(), rec.period_end.isoformat()) == ("2024-01-01", "2024-06-30")
'''


def scaffold(
    source_id: str, publisher: str, title: str, platform_label: str, root: Path | None = None
) -> list[Path]:
    """Write the four files of a new source; refuse to overwrite anything."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", source_id):
        raise ValueError(f"source id {source_id!r} must be lower_snake_case")
    root = root or paths.REPO_ROOT
    files = {
        root / "scrapers" / f"{source_id}.py": MODULE,
        root / "data" / "labels" / f"{source_id}.csv": LABELS,
        root / "tests" / "fixtures" / source_id / "sample.csv": FIXTURE,
        root / "tests" / "fixtures" / source_id / "README.md": README,
        root / "tests" / "sources" / f"test_{source_id}.py": TEST,
    }
    existing = [p for p in files if p.exists()]
    if existing:
        raise FileExistsError(f"{existing[0]} exists; not overwriting")
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            template.format(id=source_id, publisher=publisher, title=title, platform=platform_label)
        )
    return list(files)
