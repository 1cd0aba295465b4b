"""Taking data out, with provenance: tidy exports (CSV, Parquet, JSON; long and wide layouts),
the Frictionless data package that describes them, and a table exactly as shown with its citation
line (the dashboard's downloads). A new export format goes here.
"""
