"""The ``transparency`` command line: build the warehouse, inspect sources, parse and add raw
files, list revisions, export, scrape, statements of reasons, serve the dashboard. Every command
has ``--help``.

Each command group lives in its own module and adds its commands to ``app`` when imported; this
module imports them all. Add a new group's module to ``COMMAND_MODULES``.
"""

from __future__ import annotations

import importlib

from transparency.cli.app import app

# In the order ``--help`` lists them.
COMMAND_MODULES = [
    "warehouse_commands",
    "source_commands",
    "scrape_commands",
    "export_commands",
    "action_commands",
    "sor_commands",
]
for _name in COMMAND_MODULES:
    importlib.import_module(f"transparency.cli.{_name}")

__all__ = ["app", "main"]


def main() -> None:
    app()


if __name__ == "__main__":
    main()
