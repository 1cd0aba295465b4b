"""The five web sources end to end: every fixture stored as a snapshot, one warehouse build, no
errors (no duplicate keys, no shares outside 0..1, every label mapped), and the child-safety
figures queryable with provenance."""

from __future__ import annotations

import duckdb

from tests.conftest import FIXTURES
from transparency.acquisition.store import SnapshotStore
from transparency.build.compose import build

SOURCES = {
    "snap_transparency": ("snap-*", "https://values.snap.com/privacy/transparency"),
    "google_csam": (
        "google-csam-*.json",
        "https://transparencyreport.google.com/child-sexual-abuse-material",
    ),
    "youtube_cge": (
        "youtubepolicy_*.json",
        "https://transparencyreport.google.com/youtube-policy/removals",
    ),
    "telegram_moderation": ("telegram-moderation-*.html", "https://telegram.org/moderation"),
    "reddit_transparency": ("reddit-*.html", "https://www.redditinc.com/policies/transparency"),
}


def test_all_fixtures_build_cleanly():
    store = SnapshotStore()
    n = 0
    for source_id, (pattern, url) in SOURCES.items():
        for path in sorted((FIXTURES / source_id).glob(pattern)):
            store.put_file(
                path,
                source_id=source_id,
                url=f"{url}#{path.name}",
                published_at="2026-01-15",
                retrieved_at="2026-01-15T12:00:00Z",
                method="manual",
            )
            n += 1
    assert n == 28
    report = build()
    problems = [f for f in report.findings if f.source_id in SOURCES]
    assert [
        (f.severity, f.check, f.file, f.message) for f in problems if f.severity == "error"
    ] == []
    assert not [f for f in problems if f.check == "unmapped_label"]
    with duckdb.connect(str(report.db), read_only=True) as con:
        counts = dict(
            con.execute(
                """SELECT source_id, count(*) FROM observations
                                     WHERE source_id IN ? GROUP BY 1""",
                [list(SOURCES)],
            ).fetchall()
        )
        csam = con.execute("""
            SELECT value, source_url FROM observations_with_provenance
            WHERE source_id = 'google_csam' AND service = 'youtube' AND metric = 'cybertipline_reports'
              AND period_start = DATE '2023-07-01'""").fetchall()
    assert counts == {
        "snap_transparency": 83,
        "google_csam": 48,
        "youtube_cge": 7,
        "telegram_moderation": 10,
        "reddit_transparency": 43,
    }
    assert csam == [
        (
            225_440,
            "https://transparencyreport.google.com/child-sexual-abuse-material"
            "#google-csam-report.json",
        )
    ]
