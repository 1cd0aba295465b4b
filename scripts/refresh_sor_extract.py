"""Rewrite the embedded DSA extract ``data/sor/`` from the public files (kept outside the repository).

- ``platform_daily.parquet``: the long table of ``scrapers.dsa_tdb_summary.parse_platform_daily``
  (statements per day, platform name, field and value) from shantay 0.6.0's summary statistics;
- ``official_daily_counts.csv``: ``date,official_statements,downloader_rows`` from
  ``scrapers.dsa_tdb_daily_counts.parse_daily_counts``;
- ``report_lists.csv``: the reports listed on the platforms' DSA report pages
  (``scrapers.dsa_report_lists.parse_report_list``), one row per report and capture;
- ``provenance.csv``: the public files, with URL, sha256 and size.

    python scripts/refresh_sor_extract.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import pyarrow.parquet as pq

from scrapers import dsa_report_lists, dsa_tdb_daily_counts, dsa_tdb_summary
from transparency import paths
from transparency.acquisition.store import guess_media_type, sha256_file

SUMMARY = "real/dsa/tdb_summary_statistics/shantay-0.6.0-builtin.parquet"
COUNTS = "real/dsa/sor_daily_volumes/conversion_results.md"
COUNTS_URL = (
    "https://raw.githubusercontent.com/transparency-in-content-moderation/"
    "eu-dsa-transparency-db-sor-data-downloader/096ca61f61446df010e69022a3c61858f67e36d0/"
    "metrics/conversion_results.md"
)
LISTS = "real/dsa/report_list_pages"
OTA = "https://github.com/OpenTermsArchive/dsa-reports-snapshots/blob/{commit}/{service}/Reports%20List.html"
# (file, folder in the Open Terms Archive collection, commit) as the shared README records them
CAPTURES = [  # (file, folder, commit, service)
    (
        "Snapchat_Reports_List_2025-11-30.html",
        "Snapchat",
        "564a8329be49649c58a9eecf3d33b41f5daf2bab",
        "Snapchat",
    ),
    (
        "Snapchat_Reports_List_2025-10-05.html",
        "Snapchat",
        "dc56799e1f990d9ee1f86eb724b8133db17022ad",
        "Snapchat",
    ),
    (
        "TikTok_Reports_List_2025-11-30.html",
        "TikTok",
        "16985e433355bcf614b9d40871a2be59a85692a8",
        "TikTok",
    ),
    ("X_Reports_List_2025-11-30.html", "X", "8146e57615aaad09cefe3075eeb8a6f65a4bb782", "X"),
    (
        "Youtube_Reports_List_2025-11-30.html",
        "Youtube",
        "2e23d1cf4ed7716c7c996ff9ce02d9bc3130939d",
        "YouTube",
    ),
    (
        "Pinterest_Reports_List_2025-11-30.html",
        "Pinterest",
        "8160ceeebb72e481e0b5cd7dd56adb61a093cf1c",
        "Pinterest",
    ),
    (
        "LinkedIn_Reports_List_2025-11-30.html",
        "LinkedIn",
        "3f0ef1a0ee96497f1bb8316b40d309de9d7fae85",
        "LinkedIn",
    ),
    (
        "Amazon_Reports_List_2025-11-30.html",
        "Amazon",
        "fced52e66e9bfe4e8f29fc9f0786dcb3ac426c83",
        "Amazon Store",
    ),
    (
        "Apple_Reports_List_2025-11-23.html",
        "Apple",
        "8dbbf60ffc4b337ec27600e6a62fffe394d725c9",
        "App Store",
    ),
    (
        "Google_Maps_Reports_List_2025-11-30.html",
        "Google Maps",
        "6e835c8c2f372bcfe4d7ec4e5c6eca4b745bafbd",
        "Google Maps",
    ),
]
# the page each service's capture is of (what relative links resolve against; the parser
# prefers the page's own canonical link where it prints one)
PAGE_OF = {service: url for url, service in dsa_report_lists.PAGES.items()}
PAGE_OF["Amazon Store"] = PAGE_OF["Amazon"]
PAGE_OF["Google Maps"] = PAGE_OF["YouTube"]
PROVENANCE = [
    "source_id",
    "file",
    "url",
    "sha256",
    "bytes",
    "media_type",
    "retrieved_at",
    "published_at",
    "note",
]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--shared", type=Path, default=paths.REPO_ROOT.parent / "shared")
    args = ap.parse_args()
    out = paths.data_dir() / "sor"
    out.mkdir(parents=True, exist_ok=True)
    for rel in (SUMMARY, COUNTS, LISTS):
        if not (args.shared / rel).exists():
            print(f"missing: {args.shared / rel}", file=sys.stderr)
            return 2
    prov = []

    def record(
        source_id: str, path: Path, url: str, retrieved: str, published: str, note: str
    ) -> None:
        prov.append(
            [
                source_id,
                path.name,
                url,
                sha256_file(path),
                path.stat().st_size,
                guess_media_type(path.name),
                retrieved,
                published,
                note,
            ]
        )

    summary = args.shared / SUMMARY
    table = dsa_tdb_summary.parse_platform_daily(summary)
    pq.write_table(table, out / "platform_daily.parquet", compression="zstd", compression_level=19)
    record(
        "dsa_tdb_summary",
        summary,
        dsa_tdb_summary.WHEEL_URL,
        "2026-01-18T14:09:00Z",
        "",
        f"{dsa_tdb_summary.MEMBER} inside the shantay 0.6.0 wheel (wheel sha256 {dsa_tdb_summary.WHEEL_SHA256})",
    )

    counts_path = args.shared / COUNTS
    counts = dsa_tdb_daily_counts.parse_daily_counts(counts_path)
    with (out / "official_daily_counts.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["date", "official_statements", "downloader_rows"])
        for c in sorted(counts, key=lambda c: c.date):
            w.writerow([c.date.isoformat(), c.official, "" if c.converted is None else c.converted])
    record(
        "dsa_tdb_daily_counts",
        counts_path,
        COUNTS_URL,
        "2025-08-12T00:00:00Z",
        "",
        "commit 096ca61f (2025-08-12); SoRs as on the official download table",
    )

    rows = []
    for name, folder, commit, service in CAPTURES:
        path = args.shared / LISTS / name
        capture = name.rsplit("_", 1)[1].removesuffix(".html")
        url = OTA.format(commit=commit, service=folder.replace(" ", "%20"))
        page = PAGE_OF[service]
        for r in dsa_report_lists.parse_report_list(
            path, page_url=page, capture=capture, service=service
        ):
            rows.append([getattr(r, c) for c in dsa_report_lists.COLUMNS])
        record(
            "dsa_report_lists",
            path,
            url,
            f"{capture}T00:00:00Z",
            "",
            f"Open Terms Archive capture of {folder}'s report list",
        )
    with (out / "report_lists.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(dsa_report_lists.COLUMNS)
        w.writerows(rows)
    with (out / "provenance.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(PROVENANCE)
        w.writerows(prov)
    print(
        f"{table.num_rows:,} rows per platform and day, {len(counts)} official counts, {len(rows)} listed reports"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
