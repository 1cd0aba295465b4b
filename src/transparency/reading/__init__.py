"""Reading helpers for faithful parsers: numbers, periods, text and CSV files, HTML tables, PDFs,
Google's guarded JSON and ZIP safety, and ``records``: what a faithful parse produces.

A new helper for reading raw files goes here. Nothing here knows a source, the registries or the
warehouse: these modules import only each other and ``transparency.paths``.
"""
