"""From faithful records to the shared taxonomy: the registries in ``data/registry`` and
``data/labels`` (platforms, aliases, policy areas, metrics), normalisation that keeps every raw
label beside its harmonised one, and ``findings``: problems reported with source, file and row.
"""
