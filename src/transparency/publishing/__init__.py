"""Taking data out, with provenance: tidy exports (CSV, Parquet, JSON; long and wide layouts),
the Frictionless data package that describes them, and a table exactly as shown with its citation
line (the dashboard's downloads); the read-only SQL sandbox every ad-hoc query and the dashboard
read through (``query``) and folders of outputs written all at once (``staging``). A new export
format goes here.
"""
