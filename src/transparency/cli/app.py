"""The Typer app every command module adds to, and the helpers they share (consoles, ``--db``,
one-line failures)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    help="Platform-accountability observatory: transparency reports, DSA data and regulator "
    "actions in one DuckDB warehouse with full provenance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console()

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Warehouse file [default: var/warehouse.duckdb, or $TRANSPARENCY_DB]."
    ),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error to stderr and return the exit to raise."""
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)
