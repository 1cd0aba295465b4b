"""The changes feed: what changed since the previous build, as Atom and as a JSON list.

Each build compares the new warehouse with the one it replaces: new releases (snapshots),
restated values, new regulator actions and case events, and reports that became overdue against
their source's cadence. Entries accumulate in ``<home>/feed/changes.json`` (newest first) and
``changes.atom``; advocates subscribe to the Atom feed, the dashboard's Overview shows the list.
The feed lives outside the warehouse so that building twice still gives identical tables.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from transparency import paths

KEEP = 1000
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "annual": 12}


def _has(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def _entry(kind: str, title: str, summary: str, link: str, key: str, when: str) -> dict:
    return {
        "id": "urn:transparency:" + hashlib.sha1(f"{kind}|{key}".encode()).hexdigest(),
        "kind": kind,
        "title": title,
        "summary": summary,
        "link": link,
        "updated": when,
    }


def _action_summary(summary: str | None, amount, currency, kind) -> str:
    """The action's summary, then its amount as the source states it (a daily penalty, a
    suspended amount or a maximum said as such)."""
    if amount is None:
        return summary or ""
    said = f"{amount:,.0f} {currency or ''}".strip()
    if kind and kind != "total":
        said += f" ({str(kind).replace('_', ' ')})"
    return f"{summary} [{said}]" if summary else said


def overdue(
    con: duckdb.DuckDBPyConnection, today: date, catalog: str = "new"
) -> list[tuple[str, str, date]]:
    """(source_id, next period label, due date) for sources whose next release is past due."""
    out = []
    for sid, cadence, lag, last_end in con.execute(f"""
            SELECT s.source_id, s.cadence, s.expected_lag_days, max(o.period_end)
            FROM {catalog}.sources s JOIN {catalog}.observations o USING (source_id)
            GROUP BY ALL ORDER BY 1""").fetchall():
        months = CADENCE_MONTHS.get(cadence)
        if not months or last_end is None:
            continue
        y, m = last_end.year, last_end.month + months
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        next_end = date(y, m, 1) + timedelta(days=31)
        next_end = next_end.replace(day=1) - timedelta(days=1)
        due = next_end + timedelta(days=int(lag or 90))
        if due < today:
            out.append((sid, f"period ending {next_end.isoformat()}", due))
    return out


def compute(old_db: Path | None, new_db: Path, today: date | None = None) -> list[dict]:
    """Entries for everything new in ``new_db`` compared with ``old_db`` (None: first build)."""
    today = today or datetime.now(UTC).date()
    when = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    con = duckdb.connect()
    con.execute(f"ATTACH '{new_db}' AS new (READ_ONLY)")
    has_old = old_db is not None and old_db.exists()
    if has_old:
        con.execute(f"ATTACH '{old_db}' AS old (READ_ONLY)")
    entries: list[dict] = []
    old_snaps = (
        "(SELECT sha256 FROM old.snapshots)" if has_old else "(SELECT NULL::VARCHAR WHERE false)"
    )
    for sid, fname, vintage, url, sha, n in con.execute(f"""
            SELECT source_id, filename, vintage, url, sha256, records FROM new.snapshots
            WHERE sha256 NOT IN {old_snaps} ORDER BY vintage, source_id, sha256""").fetchall():
        entries.append(
            _entry(
                "new_release",
                f"New release: {sid} {fname} (vintage {vintage})",
                f"{n:,} values from {fname} ({sha[:12]}).",
                url,
                sha,
                when,
            )
        )
    new_snaps = any(e["kind"] == "new_release" for e in entries)
    if has_old:
        # a restatement needs a new release: without one the revisions view is not computed
        restated = (
            con.execute("""
                SELECT r.source_id, s.filename, r.new_url, r.new_snapshot, count(*),
                       count(*) FILTER (WHERE r.said_by_publisher),
                       string_agg(r.platform || '/' || r.service || ' ' || r.metric || ' ' || r.period_label || ': '
                                  || coalesce(r.old_value_text, '?') || ' -> ' || coalesce(r.new_value_text, '?'), '; '
                                  ORDER BY r.period_start, r.metric) FILTER (WHERE r.change = 'restated')
                FROM new.revisions r JOIN new.snapshots s ON s.sha256 = r.new_snapshot
                WHERE r.change = 'restated' AND r.new_snapshot NOT IN (SELECT sha256 FROM old.snapshots)
                GROUP BY ALL ORDER BY 1, 2""").fetchall()
            if new_snaps
            else []
        )
        for sid, fname, url, sha, n, said, examples in restated:
            short = "; ".join((examples or "").split("; ")[:5])
            how = (
                "all silently (no note in the file)"
                if not said
                else f"{said:,} said by the publisher, {n - said:,} silently"
            )
            entries.append(
                _entry(
                    "restated",
                    f"{n:,} value(s) restated by {sid} in {fname}",
                    f"{how}: {short}",
                    url,
                    f"rev|{sha}",
                    when,
                )
            )
        if _has(con, "new", "actions"):
            old_ids = (
                "(SELECT action_id FROM old.actions)"
                if _has(con, "old", "actions")
                else "(SELECT NULL::VARCHAR WHERE false)"
            )
            for aid, day, reg, jur, plat, typ, url, summary, amount, cur, kind in con.execute(f"""
                    SELECT action_id, date, regulator, jurisdiction, platform, action_type, source_url,
                           summary, amount, currency, amount_kind
                    FROM new.actions
                    WHERE action_id NOT IN {old_ids} ORDER BY date, action_id""").fetchall():
                entries.append(
                    _entry(
                        "new_action",
                        f"{reg} ({jur}): {typ} - {plat} ({day})"
                        if jur
                        else f"{reg}: {typ} - {plat} ({day})",
                        _action_summary(summary, amount, cur, kind),
                        url or "",
                        aid,
                        when,
                    )
                )
        before = {(s, p) for s, p, _ in overdue(con, today, "old")}
        for sid, period, due in overdue(con, today, "new"):
            if (sid, period) not in before:
                entries.append(
                    _entry(
                        "overdue",
                        f"Overdue: {sid}, {period} (due {due})",
                        f"No release of {sid} covers the {period}; it was due by {due}.",
                        "",
                        f"{sid}|{period}",
                        when,
                    )
                )
    con.close()
    return entries


def append(entries: list[dict], root: Path | None = None) -> Path:
    """Add entries to the feed (newest first, at most KEEP) and rewrite changes.json and changes.atom."""
    root = root or paths.home() / "feed"
    root.mkdir(parents=True, exist_ok=True)
    listing = root / "changes.json"
    old = json.loads(listing.read_text()) if listing.exists() else []
    seen = {e["id"] for e in old}
    merged = ([e for e in reversed(entries) if e["id"] not in seen] + old)[:KEEP]
    listing.write_text(json.dumps(merged, indent=2) + "\n")
    ET.register_namespace("", "http://www.w3.org/2005/Atom")
    ns = "{http://www.w3.org/2005/Atom}"
    feed = ET.Element(f"{ns}feed")
    ET.SubElement(feed, f"{ns}title").text = "transparency observatory: changes"
    ET.SubElement(feed, f"{ns}id").text = "urn:transparency:changes"
    ET.SubElement(feed, f"{ns}updated").text = (
        merged[0]["updated"] if merged else "1970-01-01T00:00:00Z"
    )
    author = ET.SubElement(feed, f"{ns}author")
    ET.SubElement(author, f"{ns}name").text = "transparency observatory"
    for e in merged:
        item = ET.SubElement(feed, f"{ns}entry")
        ET.SubElement(item, f"{ns}id").text = e["id"]
        ET.SubElement(item, f"{ns}title").text = e["title"]
        ET.SubElement(item, f"{ns}updated").text = e["updated"]
        ET.SubElement(item, f"{ns}category", term=e["kind"])
        ET.SubElement(item, f"{ns}summary").text = e["summary"]
        if e["link"]:
            ET.SubElement(item, f"{ns}link", href=e["link"])
    atom = root / "changes.atom"
    ET.ElementTree(feed).write(atom, encoding="utf-8", xml_declaration=True)
    return atom
