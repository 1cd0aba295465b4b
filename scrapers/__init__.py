"""One module per source. Each declares ``SOURCE`` (a
:class:`transparency.acquisition.sources.SourceDeclaration`), a faithful ``parse(path) -> ParseResult`` and,
where the source can be fetched, ``fetch(client, store) -> list[FetchOutcome]``.

Modules whose names start with ``_`` are shared helpers, not sources. See
docs/adding-a-source.md.
"""
