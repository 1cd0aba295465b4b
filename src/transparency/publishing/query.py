"""Read-only SQL over the warehouse's own tables and views: the sandbox behind ``transparency query``
and the dashboard.

A read-only connection protects the warehouse file, not the machine: DuckDB can still read and
write other files (``COPY``, ``read_text``, ``ATTACH``), download extensions (``INSTALL``) and change
its settings. Here every connection is opened with external access off (no file or URL is read or
written but the warehouse itself), extensions neither installed nor loaded automatically, no Python
objects picked up by name, and the configuration locked; and ad-hoc SQL is checked before it runs:
one statement, and only a reading one (SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE,
EXPLAIN of those, and PRAGMAs that only read). A time limit interrupts a long query, a row limit
stops a huge result, and every DuckDB type is printable (time-zone timestamps, intervals, lists,
structs, maps, unions, blobs are cast to text by DuckDB itself: no pytz, no Python conversion).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from transparency.warehouse.database import WarehouseError, open_readonly

SANDBOX_CONFIG: dict[str, object] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "python_enable_replacements": False,
    "lock_configuration": True,
}

# Statement kinds that only read (DESCRIBE, SHOW, SUMMARIZE, VALUES and FROM-first parse as SELECT).
READING = {"SELECT", "EXPLAIN", "PRAGMA"}
# PRAGMAs that only describe the database (a PRAGMA with a value is a SET, refused anyway).
READING_PRAGMAS = frozenset(
    {
        "collations",
        "database_list",
        "database_size",
        "functions",
        "metadata_info",
        "platform",
        "show",
        "show_databases",
        "show_tables",
        "show_tables_expanded",
        "storage_info",
        "table_info",
        "user_agent",
        "version",
    }
)
# Types fetched as Python values as they are; every other type is cast to text by DuckDB.
_PLAIN = re.compile(
    r"^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|"
    r"DOUBLE|VARCHAR|DECIMAL\(\d+,\d+\))$"
)
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_ROWS = 1_000_000


class QueryRefused(ValueError):
    """The SQL is not a single reading statement over the warehouse (bad input: exit 2)."""


class QueryFailed(RuntimeError):
    """DuckDB could not run the statement (bad SQL, unknown table, refused access)."""


class QueryTimeout(QueryFailed):
    pass


def connect(db: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only, sandboxed connection to the warehouse (raises WarehouseError)."""
    return open_readonly(db, SANDBOX_CONFIG)


def _kind(statement: duckdb.Statement) -> str:
    return str(statement.type).rsplit(".", 1)[-1].upper()


def check(sql: str) -> str:
    """The one reading statement of ``sql``, or QueryRefused naming what is not allowed."""
    if not sql or not sql.strip():
        raise QueryRefused("empty query: give one SELECT statement")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"query failed: {_first_line(exc)}") from None
    if len(statements) != 1:
        raise QueryRefused(f"give exactly one statement ({len(statements)} given)")
    st = statements[0]
    kind = _kind(st)
    text = st.query.strip()
    if kind == "EXPLAIN":
        inner = re.sub(r"^\s*explain\s+(analy[sz]e\s+)?", "", text, flags=re.IGNORECASE)
        try:
            inner_kinds = [_kind(s) for s in duckdb.extract_statements(inner)]
        except duckdb.Error:
            inner_kinds = ["?"]
        if inner_kinds != ["SELECT"]:
            raise QueryRefused(
                "the query is read-only: EXPLAIN is allowed of a SELECT statement only"
            )
    elif kind == "PRAGMA":
        m = re.match(r"^\s*pragma\s+(\w+)", text, flags=re.IGNORECASE)
        name = m.group(1).lower() if m else ""
        if name not in READING_PRAGMAS:
            raise QueryRefused(
                f"the query is read-only: PRAGMA {name or '?'} is not allowed "
                f"(reading PRAGMAs: {', '.join(sorted(READING_PRAGMAS))})"
            )
    elif kind not in READING:
        raise QueryRefused(
            f"the query is read-only: {kind} statements are not allowed "
            "(use SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN or a reading PRAGMA)"
        )
    return text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def time_limit(con: duckdb.DuckDBPyConnection, seconds: float | None) -> Iterator[threading.Event]:
    """Interrupt whatever ``con`` runs after ``seconds``; the event tells whether it fired."""
    fired = threading.Event()
    if not seconds or seconds <= 0:
        yield fired
        return

    def stop() -> None:
        fired.set()
        con.interrupt()

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()


@dataclass
class Result:
    columns: list[str]
    types: list[str]
    rows: list[tuple] = field(default_factory=list)
    truncated: bool = False  # more rows than max_rows exist


def run(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Result:
    """Check and run one reading statement; at most ``max_rows`` rows, every value printable.

    Raises QueryRefused (not a reading statement), QueryTimeout, QueryFailed.
    """
    text = check(sql)
    if max_rows < 0:
        raise QueryRefused("the row limit must be 0 or more")
    with time_limit(con, timeout) as fired:
        try:
            rel = con.sql(text)
            if rel is None:  # statements without a result (none is allowed, but be safe)
                return Result([], [])
            columns, types = list(rel.columns), [str(t) for t in rel.types]
            exprs = [
                f"#{i + 1}" if _PLAIN.match(t) else f"CAST(#{i + 1} AS VARCHAR)"
                for i, t in enumerate(types)
            ]
            rows = rel.project(", ".join(exprs)).limit(max_rows + 1).fetchall()
        except duckdb.Error as exc:
            if fired.is_set():
                raise QueryTimeout(
                    f"query stopped after the time limit of {timeout:g} s: narrow it "
                    "(WHERE, LIMIT) or raise --timeout"
                ) from None
            raise QueryFailed(f"query failed: {_first_line(exc)}") from None
    truncated = len(rows) > max_rows
    return Result(columns, types, rows[:max_rows], truncated)


def read_only_query(
    db: Path | None,
    sql: str,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Result:
    """Open the warehouse sandboxed, run one reading statement, close it."""
    con = connect(db)
    try:
        return run(con, sql, max_rows=max_rows, timeout=timeout)
    finally:
        con.close()


__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "QueryFailed",
    "QueryRefused",
    "QueryTimeout",
    "Result",
    "SANDBOX_CONFIG",
    "WarehouseError",
    "check",
    "connect",
    "read_only_query",
    "run",
]
