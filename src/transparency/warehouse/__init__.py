"""The DuckDB warehouse itself: its core schema, what a build step works with (``context``:
``BuildContext``, ``insert_rows``), validation run on every build, the changes feed, and opening
and describing a built file (``database``).

Nothing here knows a domain: domain steps live in ``accountability`` and ``sor`` and the order
they run in is ``transparency.build``.
"""
