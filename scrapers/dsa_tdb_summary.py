"""DSA Transparency Database summary statistics per platform and day (shantay's built-in Parquet).

The shantay package (apparebit/shantay, Robert Grimm, Apache-2.0) ships ``shantay/builtin.parquet``
in its wheel: summary statistics of the whole DSA Transparency Database computed from the
Commission's official daily dumps (data CC BY 4.0, European Commission), one batch per day and
platform name, in long form (``start_date, end_date, tag, platform, category, column, entity,
variant, text, count, min, mean, max``).

Covered: per day and platform name as printed in the statements, the number of statements
(``column = rows``) and their counts by value of ``category``, ``category_specification``
(keywords), ``decision_visibility``, ``decision_account``, ``decision_provision``,
``decision_monetary``, ``decision_ground``, ``content_type``, ``source_type``,
``automated_detection``, ``automated_decision`` and ``territorial_scope`` (plain value counts,
``entity`` empty; a null ``variant`` is kept: statements without a value in that field). Not
covered: combination counts (``decision_type``), the ``with_end_date`` and ``elements`` variants,
languages, durations and free-text summaries. Not an observation source: the build reads the long
table (``parse_platform_daily``) into ``sor_platform_daily``.

Fetch: the wheel of shantay 0.6.0 from the Python package index, by its fixed URL; its sha256 is
checked before the Parquet is taken out of it (no dependency on shantay).
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from pathlib import Path

import pyarrow as pa

from transparency.acquisition.fetching import FetchError, FetchOutcome, PoliteClient
from transparency.acquisition.sources import VERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError, ParseResult

OBSERVATIONS = False  # statement counts per day go to sor_platform_daily, not to observations
WHEEL_URL = (
    "https://files.pythonhosted.org/packages/69/1b/"
    "e68364735fadbc90c27efe71d83c735989c0b1d65e91e3a0038ae29030e7/shantay-0.6.0-py3-none-any.whl"
)
WHEEL_SHA256 = "7d8fdd946c127bfc5b5fb966bfa788fe9b5a80ac40ed163ffb4a4a3292cc0341"
MEMBER = "shantay/builtin.parquet"
PARQUET_SHA256 = "2b255dd2d749744ca50704b55cc1bcd6910b3a9c4cbd0402549a1f71b36fb883"
SOURCE = SourceDeclaration(
    id="dsa_tdb_summary",
    publisher="European Commission (DSA Transparency Database); summary statistics by shantay (Robert Grimm)",
    kind="DSA",
    title="DSA Transparency Database: statements of reasons per platform and day (shantay summary statistics)",
    homepage="https://github.com/apparebit/shantay",
    formats=("whl", "parquet"),
    cadence="irregular (each shantay release)",
    licence="Data CC BY 4.0 (European Commission, DSA Transparency Database); summary statistics "
    "computed by shantay (Robert Grimm, Apache-2.0)",
    verification=VERIFIED,
    download_urls=(WHEEL_URL,),
    hosts=("files.pythonhosted.org",),
    reporter="platform",
    coverage=__doc__.split("\n\n")[2].replace("\n", " "),
    expected_lag_days=30,
    tags=("dsa", "statements of reasons"),
)

# shantay's ``column`` -> the ``field`` of sor_platform_daily (plain value counts only)
FIELDS = {
    "rows": "total",
    "category": "category",
    "category_specification": "keyword",
    "decision_visibility": "decision_visibility",
    "decision_account": "decision_account",
    "decision_provision": "decision_provision",
    "decision_monetary": "decision_monetary",
    "decision_ground": "decision_ground",
    "content_type": "content_type",
    "source_type": "source_type",
    "automated_detection": "automated_detection",
    "automated_decision": "automated_decision",
    "territorial_scope": "territorial_scope",
}
EXPECTED = ("start_date", "platform", "column", "entity", "variant", "count")
SCHEMA = pa.schema(
    [
        ("date", pa.date32()),
        ("service", pa.string()),
        ("field", pa.string()),
        ("code", pa.string()),
        ("statements", pa.int64()),
    ]
)


def _parquet_path(path: Path, tmp: Path) -> Path:
    """The Parquet itself, or the one inside a shantay wheel (written to ``tmp``)."""
    with Path(path).open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PAR1":
        return Path(path)
    if magic[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as zf:
                target = tmp / "builtin.parquet"
                target.write_bytes(zf.read(MEMBER))
                return target
        except (zipfile.BadZipFile, KeyError) as exc:
            raise ParseError(path, f"a ZIP without {MEMBER}: {exc}") from None
    raise ParseError(path, "neither a Parquet file nor a shantay wheel")


def parse_platform_daily(path: Path) -> pa.Table:
    """The long table ``date, service, field, code, statements`` exactly as counted by shantay:
    one row per day, platform name as printed, field and value as printed (``code`` null where
    the statements had no value in that field; ``field = total``: all statements)."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix="shantay-") as tmp:
        pq = _parquet_path(Path(path), Path(tmp))
        con = duckdb.connect()
        try:
            cols = {
                r[0]
                for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(pq)]).fetchall()
            }
            missing = [c for c in EXPECTED if c not in cols]
            if missing:
                raise ParseError(path, f"not shantay summary statistics: no column(s) {missing}")
            mapping = pa.table({"col": list(FIELDS), "field": list(FIELDS.values())})
            con.register("field_map", mapping)
            table = con.sql(
                """SELECT s.start_date::DATE AS date, s.platform AS service, m.field,
                          s.variant AS code, sum(s."count")::BIGINT AS statements
                   FROM read_parquet(?) s JOIN field_map m ON m.col = s."column"
                   WHERE s.platform IS NOT NULL AND s.entity IS NULL AND s."count" > 0
                   GROUP BY ALL ORDER BY field, service, code, date""",
                params=[str(pq)],
            ).to_arrow_table()
        except Exception as exc:  # duckdb.Error: unreadable Parquet
            if isinstance(exc, ParseError):
                raise
            raise ParseError(path, f"unreadable Parquet: {exc}") from None
        finally:
            con.close()
    if table.num_rows == 0:
        raise ParseError(path, "no per-platform statistics")
    return table.cast(SCHEMA)


def parse(path: Path) -> ParseResult:
    """No observations (``OBSERVATIONS = False``); reading the file checks it is shantay's
    summary statistics, so ``transparency add`` refuses anything else."""
    parse_platform_daily(path)
    return ParseResult()


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """Download the wheel, check its sha256, store the Parquet taken out of it."""
    try:
        resp = client.get(WHEEL_URL)
    except FetchError as exc:
        return [FetchOutcome(WHEEL_URL, "failed", message=str(exc))]
    if resp.status_code != 200:
        return [FetchOutcome(WHEEL_URL, "failed", message=f"{WHEEL_URL}: HTTP {resp.status_code}")]
    got = hashlib.sha256(resp.content).hexdigest()
    if got != WHEEL_SHA256:
        return [
            FetchOutcome(
                WHEEL_URL,
                "failed",
                message=f"{WHEEL_URL}: sha256 {got} is not the published {WHEEL_SHA256}; not stored",
            )
        ]
    try:
        with zipfile.ZipFile(io.BytesIO(resp.content)) as zf:
            data = zf.read(MEMBER)
    except (zipfile.BadZipFile, KeyError) as exc:
        return [FetchOutcome(WHEEL_URL, "failed", message=f"{WHEEL_URL}: no {MEMBER}: {exc}")]
    snap, new = store.put_bytes(
        data,
        source_id=SOURCE.id,
        url=WHEEL_URL,
        filename="shantay-0.6.0-builtin.parquet",
        media_type="application/vnd.apache.parquet",
        final_url=str(resp.url),
        http_status=resp.status_code,
        method="http",
        extra={"wheel_sha256": got, "member": MEMBER},
    )
    return [
        FetchOutcome(WHEEL_URL, "new" if new else "unchanged", snap, "" if new else "same bytes")
    ]
