"""transparency: a platform-accountability observatory.

Raw public files go into a content-addressed snapshot store, are parsed faithfully by one module
per source (``scrapers/``), normalised through the reviewable registries in ``data/`` and composed
into a DuckDB warehouse in which every number keeps its source, URL, file sha256 and vintage.
"""

__version__ = "0.1.0"
