"""Getting raw files and keeping them: source declarations and their discovery, polite HTTP
fetching, the snapshot store (bytes by sha256 plus a sidecar), scrape runs, running a source's
parser on a file or snapshot, the embedded release in ``data/release/`` and the scaffold for a new
source.

A new way to fetch or store goes here; a new source goes in ``scrapers/``, not here.
"""
