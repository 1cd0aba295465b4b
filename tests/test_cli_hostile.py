"""Every command, every bad argument: one line on stderr, never a traceback.

The commands are taken from the CLI itself (the click tree under the Typer app), so a new command
is covered at once: it gets the generic hostile arguments (an unknown option, a non-number for each
number option, a path under a file for each path option, missing required arguments), random
argument lists from hypothesis, and must appear in the table of hostile calls below.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.conftest import REPO
from transparency.cli.main import app

ROOT = typer.main.get_command(app)


def leaf_commands(cmd=ROOT, path: tuple[str, ...] = ()):
    subs = getattr(cmd, "commands", None)
    if subs:
        for name, sub in subs.items():
            yield from leaf_commands(sub, (*path, name))
    else:
        yield path, cmd


COMMANDS = dict(leaf_commands())
NAMES = [" ".join(p) for p in COMMANDS]


@pytest.fixture
def place(tmp_path, monkeypatch):
    """Hostile paths, a tiny DuckDB file that is not a full warehouse, and the slow or outward work
    of the commands replaced by stubs (no server, no network, no rebuild, no write into the repo)."""
    import transparency.acquisition.scrape as scrape_mod
    import transparency.build.compose as compose
    import transparency.build.live_check as live_check
    from transparency import paths

    (tmp_path / "afile.txt").write_text("not a warehouse, not a folder\n")
    (tmp_path / "adir").mkdir()
    tiny = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(tiny)) as con:
        con.execute("CREATE TABLE observations AS SELECT 1 AS value")
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(paths, "REPO_ROOT", repo)
    monkeypatch.setattr(subprocess, "call", lambda *a, **k: 0)
    monkeypatch.setattr(scrape_mod, "scrape", lambda sources, **kw: [])
    monkeypatch.setattr(live_check, "check", lambda sources, **kw: [])  # scrape --check

    def no_build(*a, **k):
        raise compose.BuildError("build stubbed in this test")

    monkeypatch.setattr(compose, "build", no_build)
    return {
        "file": str(tmp_path / "afile.txt"),
        "dir": str(tmp_path / "adir"),
        "missing": str(tmp_path / "missing" / "nothing.duckdb"),
        "db": str(tiny),
        "under_file": str(tmp_path / "afile.txt" / "sub" / "x"),
        "tmp": str(tmp_path),
    }


def invoke(args: list[str]):
    return CliRunner().invoke(app, args)


def assert_one_line_error(res, code: int | None = None) -> str:
    """Non-zero exit (or exactly ``code``), exactly one non-blank line on stderr, no traceback."""
    assert "Traceback" not in res.output, res.output
    if res.exc_info and not isinstance(res.exc_info[1], SystemExit):
        raise AssertionError(f"exception escaped: {res.exc_info[1]!r}")
    if code is None:
        assert res.exit_code != 0, res.output
    else:
        assert res.exit_code == code, (res.exit_code, res.output)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    return lines[0]


# ---------------------------------------------------------------- the table of hostile calls

# (command line with {placeholders}, exit code, what is wrong). The first rows are the calls of the
# issue that ended in a traceback.
HOSTILE: list[tuple[str, int, str]] = [
    ("export --format csv --out {file}", 2, "--out is an existing file"),
    ("release --out {file}", 2, "--out is an existing file"),
    ("build --db {under_file}", 2, "--db where no folder can be made (under a file)"),
    ("checksums --db {file}", 2, "--db is a file that is not a warehouse"),
    ("dashboard --port 99999", 2, "an impossible port"),
    ("query --db {db} \"COPY (SELECT 42) TO '{tmp}/copied.csv'\"", 2, "COPY writes a file"),
    ("query --db {db} \"SELECT * FROM read_text('/etc/hostname')\"", 1, "reads a file outside"),
    ('query --db {db} "INSTALL httpfs"', 2, "downloads an extension"),
    ("query --db {db} \"ATTACH '{tmp}/other.duckdb'\"", 2, "attaches another database"),
    ('query --db {db} "LOAD httpfs"', 2, "loads an extension"),
    ('query --db {db} "SET threads = 1"', 2, "changes a setting"),
    ('query --db {db} "DELETE FROM observations"', 2, "writes the warehouse"),
    ('query --db {db} "SELECT 1; SELECT 2"', 2, "two statements"),
    ('query --db {db} ""', 2, "an empty query"),
    ('query --db {db} "SELECT * FROM no_such_table"', 1, "an unknown table"),
    ('query --db {db} --format xml "SELECT 1"', 2, "an unknown format"),
    ('query --db {dir} "SELECT 1"', 2, "--db is a folder"),
    ('query --db {missing} "SELECT 1"', 2, "no warehouse there"),
    ("build --db {dir}", 2, "--db is a folder"),
    ("build --db {file}", 2, "--db is a file that is not a warehouse (never overwritten)"),
    ("checksums --db {dir}", 2, "--db is a folder"),
    ("checksums --db {missing}", 2, "no warehouse there"),
    ("revisions --db {file}", 2, "--db is not a warehouse"),
    ("revisions --limit -1", 2, "a negative limit"),
    ("dashboard --port 0", 2, "an impossible port"),
    ("dashboard --port abc", 2, "a port that is not a number"),
    ("dashboard --db {dir}", 2, "--db is a folder"),
    ("dashboard --db {file}", 2, "--db is not a warehouse"),
    ("dashboard --db {under_file}", 2, "--db under a file"),
    ("sources --no-such-option", 2, "an unknown option"),
    ("parse no_such_source {file}", 2, "an unknown source"),
    ("parse meta_cser {dir}", 2, "a folder instead of a file"),
    ("parse meta_cser {missing}", 2, "a missing file"),
    ("add meta_cser {file} --url https://example.org/ --retrieved notadate", 2, "a bad date"),
    ("add meta_cser {dir} --url https://example.org/", 2, "a folder instead of a file"),
    ("embed --store {file}", 2, "--store is a file"),
    ("embed --store {missing}", 2, "--store does not exist"),
    ("embed --store {dir}", 2, "an empty store (would empty data/release/)"),
    ("new-source Bad-Id", 2, "an id that is not lower_snake_case"),
    ("scrape no_such_source", 2, "an unknown source"),
    ("export --out {dir} --db {file}", 2, "--db is not a warehouse"),
    ("export --out {under_file}", 2, "--out under a file"),
    ("export --out {dir} --from notadate", 2, "a bad date"),
    ("export --out {dir} --format xml", 2, "an unknown format"),
    ("export --out {dir} --layout sideways", 2, "an unknown layout"),
    ("release --db {missing}", 2, "no warehouse there"),
    ("release --date ../../etc --db {db}", 2, "a release label that is a path"),
    ("release --out {dir} --db {db}", 1, "a warehouse without the tables a release needs"),
    ("actions --format xml", 2, "an unknown format"),
    ("actions --db {file}", 2, "--db is not a warehouse"),
    ("sor synth --date notadate --rows 1 --out {dir}", 2, "a bad date"),
    ("sor synth --date 2024-01-01 --rows -5 --out {dir}", 2, "a negative row count"),
    ("sor synth --date 2024-01-01 --rows 5 --out {file}", 2, "--out is a file"),
    ("sor synth --date 2024-01-01 --rows many --out {dir}", 2, "a row count that is no number"),
    ("sor ingest {missing}", 2, "a missing file"),
    ("sor ingest {dir}", 2, "a folder instead of a file"),
    ("sor ingest {file}", 2, "a file that is not a daily dump"),
    ("sor ingest --engine bogus {file}", 2, "an unknown engine"),
    ("sor ingest --threads 0 {file}", 2, "zero threads"),
    ("sor ingest --memory-limit lots {file}", 2, "a memory limit that is not a size"),
    ("sor aggregates {file}", 2, "a file that is not an aggregates file"),
    ("sor aggregates {dir}", 2, "a folder instead of a file"),
    ("sor no-such-command", 2, "an unknown subcommand"),
    ("no-such-command", 2, "an unknown command"),
]


def expand(template: str, place: dict[str, str]) -> list[str]:
    return shlex.split(template.format(**place))


@pytest.mark.parametrize(
    "template,code,why",
    [
        pytest.param(
            t,
            c,
            w,
            marks=pytest.mark.reliability(
                "cli", f"`transparency {t}`: {w}", f"exit {c}, one line on stderr, no traceback"
            ),
            id=t,
        )
        for t, c, w in HOSTILE
    ],
)
def test_hostile_call_gives_one_line_and_its_exit_code(template, code, why, place):
    res = invoke(expand(template, place))
    assert_one_line_error(res, code)
    written = sorted(p.name for p in Path(place["tmp"]).iterdir())
    assert "copied.csv" not in written and "other.duckdb" not in written
    assert not [n for n in written if ".partial-" in n]  # nothing half-written left behind


def test_every_command_is_in_the_hostile_table():
    covered = {" ".join(t.split()[:2]) for t, _, _ in HOSTILE} | {
        t.split()[0] for t, _, _ in HOSTILE
    }
    missing = [n for n in NAMES if n not in covered]
    assert not missing, f"add hostile calls for {missing} to HOSTILE"


# ---------------------------------------------------------------- generic, from the command tree


def required_args(cmd) -> list[str]:
    """A placeholder for every required positional argument and required option."""
    args: list[str] = []
    for p in cmd.params:
        if not p.required:
            continue
        if p.param_type_name == "argument":
            args.append("x")
        else:
            args += [p.opts[0], "x"]
    return args


def typed_options(cmd, *types) -> list[str]:
    return [
        p.opts[0]
        for p in cmd.params
        if p.param_type_name == "option"
        and not p.is_flag
        and getattr(p.type_descriptor, "annotation", None) in types
    ]


@pytest.mark.reliability(
    "cli", "an unknown option, on every command", "exit 2, one line naming the option"
)
@pytest.mark.parametrize("name", NAMES)
def test_unknown_option_on_every_command(name, place):
    res = invoke([*name.split(), "--no-such-option"])
    assert "--no-such-option" in assert_one_line_error(res, 2)


@pytest.mark.reliability("cli", "required arguments missing, on every command", "exit 2, one line")
@pytest.mark.parametrize(
    "name", [n for n in NAMES if any(p.required for p in COMMANDS[tuple(n.split())].params)]
)
def test_missing_required_arguments_on_every_command(name, place):
    assert_one_line_error(invoke(name.split()), 2)


@pytest.mark.reliability(
    "cli",
    "a value that is not a number for every number option of every command",
    "exit 2, one line naming the option",
)
@pytest.mark.parametrize("name", NAMES)
def test_non_numbers_for_every_number_option(name, place):
    cmd = COMMANDS[tuple(name.split())]
    options = typed_options(cmd, int, float)
    for opt in options:
        for value in ("not-a-number", "1e999999", "99999999999999999999999999"):
            res = invoke([*name.split(), *required_args(cmd), opt, value])
            if value == "not-a-number" or res.exit_code != 0:
                assert_one_line_error(res, 2 if value == "not-a-number" else None)


@pytest.mark.reliability(
    "cli",
    "a path under a file (no folder can be there) for every path option of every command",
    "non-zero exit, one line",
)
@pytest.mark.parametrize("name", NAMES)
def test_impossible_path_for_every_path_option(name, place):
    cmd = COMMANDS[tuple(name.split())]
    for opt in typed_options(cmd, Path, Path | None):
        res = invoke([*name.split(), *required_args(cmd), opt, place["under_file"]])
        assert_one_line_error(res)


# ---------------------------------------------------------------- property-based


def tokens_for(place: dict[str, str], cmd):
    option_names = [o for p in cmd.params if p.param_type_name == "option" for o in p.opts]
    return st.one_of(
        st.sampled_from(option_names or ["--x"]),
        st.sampled_from(list(place.values()) + ["", "-", "--", "-1", "0", "99999", "1e308"]),
        st.text(max_size=12),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
    )


@pytest.mark.reliability(
    "cli",
    "random argument lists (hypothesis) for every command",
    "exit 0, 1 or 2; on failure exactly one `error:` line, last on stderr; never a traceback",
)
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_arguments_never_give_a_traceback(data, place):
    name = data.draw(st.sampled_from(NAMES), label="command")
    cmd = COMMANDS[tuple(name.split())]
    args = data.draw(st.lists(tokens_for(place, cmd), min_size=1, max_size=5), label="args")
    if name == "scrape" or name == "dashboard":
        args = [a for a in args if a not in ("--help",)]
    res = invoke([*name.split(), *args])
    assert "Traceback" not in res.output
    if res.exc_info and not isinstance(res.exc_info[1], SystemExit):
        raise AssertionError(f"exception escaped: {res.exc_info[1]!r}")
    assert res.exit_code in (0, 1, 2), (res.exit_code, res.output)
    if res.exit_code:
        lines = [line for line in res.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("error: ")]
        assert len(errors) == 1 and lines[-1] == errors[0], res.stderr


# ---------------------------------------------------------------- failures of the work


def test_unexpected_exception_is_one_line_and_debug_shows_the_traceback(place, monkeypatch):
    import transparency.acquisition.sources as sources

    def boom():
        raise RuntimeError("boom")

    monkeypatch.setattr(sources, "all_sources", boom)
    line = assert_one_line_error(invoke(["sources"]), 1)
    assert "RuntimeError: boom" in line and "--debug" in line
    res = invoke(["sources", "--debug"])
    assert res.exit_code == 1 and "Traceback" in res.stderr and "boom" in res.stderr
    monkeypatch.setenv("TRANSPARENCY_DEBUG", "1")
    res = invoke(["sources"])
    assert res.exit_code == 1 and "Traceback" in res.stderr


@pytest.mark.reliability(
    "cli",
    "disk full (ENOSPC) while `transparency export` writes",
    "exit 1, one line saying the disk is full; --out holds nothing half-written",
)
def test_disk_full_during_export_is_one_line_and_leaves_nothing(place, monkeypatch):
    import transparency.publishing.tidy_export as tidy

    def full(con, out, *a, **k):
        out.mkdir(parents=True, exist_ok=True)
        (out / "observations.csv").write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "observations.csv"))

    monkeypatch.setattr(tidy, "export", full)
    out = Path(place["tmp"]) / "exported"
    res = invoke(["export", "--out", str(out), "--db", place["db"]])
    assert "no space left" in assert_one_line_error(res, 1)
    assert not out.exists()
    assert not [p for p in Path(place["tmp"]).iterdir() if ".partial-" in p.name]


@pytest.mark.reliability(
    "cli", "`transparency dashboard` on a port in use", "exit 2, one line; no server started"
)
def test_busy_port_is_refused_before_the_server_starts(place, monkeypatch):
    started = []
    monkeypatch.setattr(subprocess, "call", lambda *a, **k: started.append(a) or 0)
    with socket.socket() as s:
        s.bind(("localhost", 0))
        s.listen()
        port = s.getsockname()[1]
        res = invoke(["dashboard", "--port", str(port), "--db", place["db"]])
    assert "in use" in assert_one_line_error(res, 2)
    assert not started


@pytest.mark.reliability(
    "cli",
    "a warehouse open for writing by another process",
    "exit 2, one line saying so and to try again",
)
def test_warehouse_locked_by_a_writer(place, tmp_path):
    db = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "c.execute('CREATE TABLE t AS SELECT 1'); c.execute('CHECKPOINT'); "
            "print('ready', flush=True); time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        res = invoke(["checksums", "--db", str(db)])
        assert "another process" in assert_one_line_error(res, 2)
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.reliability(
    "cli", "a second build while one holds the lock", "exit 1, one line naming the lock"
)
def test_build_while_another_build_runs(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    lock = tmp_path / ".w.duckdb.lock"
    with lock.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        res = invoke(["build", "--db", str(db), "--quiet"])
    assert "another build" in assert_one_line_error(res, 1)
    assert not db.exists()


def _cli_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}", "COLUMNS": "200"}


@pytest.mark.reliability(
    "cli",
    "Ctrl+C (SIGINT) during `transparency build`",
    "exit 130, one line; no half-built file, no previous warehouse lost",
)
def test_ctrl_c_during_build_is_one_line_and_leaves_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    p = subprocess.Popen(
        [sys.executable, "-m", "transparency", "build", "--db", str(db), "--quiet"],
        env={**_cli_env(), "TRANSPARENCY_BUILD_PAUSE": "0.5"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".w.duckdb.building-*")) and time.monotonic() < deadline:
        if p.poll() is not None:
            break
        time.sleep(0.05)
    time.sleep(0.3)  # inside the build's steps
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "interrupted" in lines[0] and "Traceback" not in err
    assert not db.exists()
    assert not list(tmp_path.glob(".w.duckdb.building-*"))


def test_the_issue_calls_in_a_real_process(tmp_path):
    """A few of the reported calls as a user runs them (a real process, a real terminal width)."""
    afile = tmp_path / "afile"
    afile.write_text("x\n")
    for args, code in (
        (["export", "--format", "csv", "--out", str(afile)], 2),
        (["checksums", "--db", str(afile)], 2),
        (["dashboard", "--port", "99999"], 2),
    ):
        p = subprocess.run(
            [sys.executable, "-m", "transparency", *args],
            capture_output=True,
            text=True,
            env=_cli_env(),
            cwd=tmp_path,
        )
        lines = [line for line in p.stderr.splitlines() if line.strip()]
        assert p.returncode == code and len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
