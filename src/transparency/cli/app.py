"""The Typer app every command module adds to, and the helpers they share (consoles, ``--db``,
one-line failures, checks of paths and ports before any work starts).

Every failure ends in one line on stderr, never a traceback: bad input exits 2, a failure of the
work itself 1, Ctrl+C 130. An unexpected exception prints one line too; ``--debug`` (anywhere on
the command line) or ``TRANSPARENCY_DEBUG=1`` adds its traceback.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

if TYPE_CHECKING:
    import duckdb

try:  # typer vendors click (0.20+); older typers use click itself
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc  # type: ignore[no-redef]

DEBUG_ENV = "TRANSPARENCY_DEBUG"
INTERRUPTED = 130


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _debug_requested(args: list[str]) -> bool:
    """Remove ``--debug`` from the arguments (before any ``--``) and say whether it was there."""
    end = args.index("--") if "--" in args else len(args)
    found = "--debug" in args[:end]
    if found:
        args.remove("--debug")
    return found or os.environ.get(DEBUG_ENV, "").lower() in ("1", "true", "yes", "on")


def describe_failure(exc: BaseException) -> tuple[str, int]:
    """One line naming what went wrong and what to do, and the exit code, for any exception."""
    if isinstance(exc, click_exc.NoArgsIsHelpError):
        return "", exc.exit_code
    if isinstance(exc, click_exc.UsageError):
        where = exc.ctx.command_path if exc.ctx else "transparency"
        return f"{_one_line(exc.format_message())} (see `{where} --help`)", 2
    if isinstance(exc, click_exc.ClickException):
        return _one_line(exc.format_message()), exc.exit_code
    if isinstance(exc, KeyboardInterrupt | typer.Abort):
        return "interrupted: stopped before finishing; nothing half-written was kept", INTERRUPTED
    if isinstance(exc, MemoryError):
        return "out of memory: narrow the selection or free memory and run again", 1
    if isinstance(exc, OSError):
        name = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        if exc.errno == errno.ENOSPC:
            return f"{name}no space left on the disk: free some space and run again", 1
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"{name}permission denied: choose a location you may write to", 1
        if exc.strerror:
            return f"{name}{exc.strerror}", 1
        return _one_line(str(exc)) or type(exc).__name__, 1
    if type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb"):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"warehouse error: {first} (an older or incomplete warehouse? "
            "run `transparency build --force`)",
            1,
        )
    text = _one_line(str(exc))
    return (
        f"unexpected error: {type(exc).__name__}{': ' + text if text else ''} "
        f"(run again with --debug or {DEBUG_ENV}=1 for the traceback)",
        1,
    )


class Group(TyperGroup):
    """The root command: runs a command and turns every failure into one line and an exit code."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = _debug_requested(argv)
        code = 0
        try:
            rv = super().main(
                args=argv,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = rv if isinstance(rv, int) else 0
            if code == INTERRUPTED:
                console.print(describe_failure(KeyboardInterrupt())[0], highlight=False)
        except click_exc.NoArgsIsHelpError as exc:  # no arguments: the help, as before
            from typer import rich_utils

            rich_utils.rich_format_error(exc)
            code = exc.exit_code
        except BaseException as exc:
            if isinstance(exc, SystemExit):
                raise
            if debug:
                traceback.print_exc(file=sys.stderr)
            message, code = describe_failure(exc)
            if message:
                fail(message, code)
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=Group,
    help="Platform-accountability observatory: transparency reports, DSA data and regulator "
    "actions in one DuckDB warehouse with full provenance. Any error is one line (exit 2: bad "
    "input, 1: the work failed); add --debug or set TRANSPARENCY_DEBUG=1 to see a traceback.",
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
PortOption = Annotated[
    int, typer.Option("--port", help="Port on localhost (1-65535).", min=1, max=65535)
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error to stderr and return the exit to raise."""
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def open_warehouse(
    db: Path | None,
    opener: Callable[[Path | None], duckdb.DuckDBPyConnection] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only (with ``opener``, default connect_readonly), or exit 2 with
    one line saying what is wrong with the file."""
    from transparency.warehouse.database import WarehouseError, connect_readonly

    try:
        return (opener or connect_readonly)(db)
    except WarehouseError as exc:
        raise fail(str(exc)) from None


def _existing_ancestor(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_writable_dir(path: Path, option: str = "--out") -> Path:
    """A folder that exists or can be made, and may be written: or exit 2 saying why not."""
    if path.exists() and not path.is_dir():
        raise fail(
            f"{option} {path} is a file, not a folder: give a folder (it is made if missing)"
        )
    base = _existing_ancestor(path)
    if not base.is_dir():
        raise fail(f"{option} {path}: {base} is a file, so no folder can be made there")
    if not os.access(base, os.W_OK | os.X_OK):
        raise fail(f"{option} {path}: {base} is not writable: choose a folder you may write to")
    return path


def check_warehouse_target(db: Path, option: str = "--db") -> Path:
    """A place a build may write the warehouse file to: or exit 2 saying why not."""
    from transparency.warehouse.database import is_duckdb_file

    if db.is_dir():
        raise fail(f"{option} {db} is a folder: give a file name such as {db / 'warehouse.duckdb'}")
    if db.exists() and db.stat().st_size > 0 and not is_duckdb_file(db):
        raise fail(f"{option} {db} exists and is not a DuckDB warehouse: refusing to overwrite it")
    base = _existing_ancestor(db.parent)
    if not base.is_dir():
        raise fail(f"{option} {db}: {base} is a file, so the folder {db.parent} cannot be made")
    if not os.access(base, os.W_OK | os.X_OK):
        raise fail(f"{option} {db}: {base} is not writable: choose a location you may write to")
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(
            f"{option} {db}: the folder {db.parent} cannot be made ({exc.strerror})"
        ) from None
    return db


def check_port_free(port: int, host: str = "localhost") -> None:
    """Exit 2 when nothing can listen on the port (in use, or not allowed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is free
        try:
            s.bind((host, port))
        except OSError as exc:
            why = (
                "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
            )
            raise fail(f"port {port} {why}: choose another with --port") from None
