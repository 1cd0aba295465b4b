"""Helpers of the ``dsa_harmonised_reports`` source (not a source itself: the leading underscore
keeps the source discovery from treating this package as one).

- :mod:`.template`: the Annex I templates of Implementing Regulation (EU) 2024/2835 as data;
- :mod:`.inputs`: safe reading of a CSV, a folder, a zip or an XLSX into tables;
- :mod:`.tables`: which part a table is (by header signature) and its figures as cells;
- :mod:`.vlop_json`: the compact ``vlop-dsa.json`` (25 VLOP/VLOSE reports) as the same cells;
- :mod:`.emit`: cells to faithful records (numbers, medians, shares, "Other" rows, duplicates);
- :mod:`.checks`: data-quality checks (sub-category sums, country sums, complaint outcomes).
"""
