"""Rebuild the embedded default release (data/release/) from the public files listed in
data/embedded_files.csv.

Each listed file is found under a folder of public files (by default ../shared, the project's
ground-truth folder), checked against nothing but its own content hash, added to a fresh snapshot
store with its source URL and dates, parsed by the project's parsers, and written to
data/release/. The raw files are never copied into the repository.

    python scripts/refresh_embedded.py [--shared ../shared] [--out data/release]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

from transparency import paths
from transparency.acquisition import embedded_release as release
from transparency.acquisition.parsing import parse_snapshot
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--shared",
        type=Path,
        default=paths.REPO_ROOT.parent / "shared",
        help="folder holding the public files (default: ../shared)",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder to write the release to (default: data/release; tests regenerate elsewhere)",
    )
    args = ap.parse_args()
    out = args.out or paths.release_dir()
    manifest = paths.data_dir() / "embedded_files.csv"
    with tempfile.TemporaryDirectory(prefix="transparency-embed-") as tmp:
        store = SnapshotStore(Path(tmp))
        parsed = []
        for row in csv.DictReader(manifest.open(newline="", encoding="utf-8")):
            path = args.shared / row["shared_path"]
            if not path.exists():
                print(f"missing: {path} (listed in {manifest})", file=sys.stderr)
                return 2
            retrieved = row["retrieved_at"]
            snap, _ = store.put_file(
                path,
                source_id=row["source_id"],
                url=row["url"],
                published_at=row["published_at"],
                retrieved_at=retrieved + "T00:00:00Z" if len(retrieved) == 10 else retrieved,
                method="manual",
            )
            result, vintage, basis = parse_snapshot(get_source(row["source_id"]), snap, store)
            print(
                f"{row['source_id']:<24} {path.name:<48} {len(result.records):>7,} records "
                f"{len(result.warnings):>3} warnings"
            )
            parsed.append((snap, result, vintage, basis))
        counts = release.write(parsed, out)
    print(f"wrote {out}: {sum(counts.values()):,} records from {len(parsed)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
