"""Fuzzing every parser (hypothesis): mutated fixture files and generated ones may only give
parsed records or a clean ParseError naming the file, never another exception or a hang.

Every declared source is fuzzed, the regulator feeds included (EC press corner, FTC, Ofcom: they
publish actions, not observations, so their ``parse_actions`` is fuzzed beside ``parse``)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from transparency.acquisition.sources import all_sources
from transparency.reading.records import ParseError, ParseResult

PARSERS = sorted(
    sid for sid, s in all_sources().items() if callable(getattr(s.module, "parse", None))
)
ACTION_PARSERS = sorted(
    sid for sid in PARSERS if callable(getattr(all_sources()[sid].module, "parse_actions", None))
)
SKIP_SUFFIXES = {".md", ".py", ".pyc"}
TIME_LIMIT = 20  # seconds for one parse: a longer one counts as a hang


def seeds(source_id: str) -> list[Path]:
    root = FIXTURES / source_id
    files = (
        sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in SKIP_SUFFIXES)
        if root.exists()
        else []
    )
    return [p for p in files if p.stat().st_size <= 2_000_000]


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def parse_once(source_id: str, path: Path) -> None:
    module = all_sources()[source_id].module
    _parse_with(source_id, path, module.parse, ParseResult)
    if hasattr(module, "parse_actions"):  # a regulator feed: its actions parser too
        _parse_with(source_id, path, module.parse_actions, list)


def _parse_with(source_id: str, path: Path, parse, returns: type) -> None:
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_LIMIT)
    try:
        result = parse(path)
        assert isinstance(result, returns)
    except ParseError as exc:
        assert path.name in str(exc), f"ParseError does not name the file: {exc}"
    except Hang:
        pytest.fail(f"{source_id}: parsing {path.name} took over {TIME_LIMIT}s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """Byte-level mutations of a real-shaped file: truncate, flip, insert, duplicate, delete."""
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "dup_line", "drop_line", "splice"]))
    if not data:
        return draw(st.binary(max_size=200))
    i = draw(st.integers(0, len(data) - 1))
    if kind == "truncate":
        return data[:i]
    if kind == "flip":
        return data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
    if kind == "insert":
        return data[:i] + draw(st.binary(min_size=1, max_size=64)) + data[i:]
    if kind == "splice":
        j = draw(st.integers(i, len(data)))
        return (
            data[:i]
            + draw(
                st.sampled_from(
                    [b",", b'"', b"\n", b"N/A", b"-1", b"\x00", b"9" * 40, b"%", b"\xff\xfe"]
                )
            )
            + data[j:]
        )
    lines = data.split(b"\n")
    k = draw(st.integers(0, len(lines) - 1))
    if kind == "dup_line":
        lines.insert(k, lines[k])
    else:
        del lines[k]
    return b"\n".join(lines)


@pytest.mark.parametrize("source_id", PARSERS)
def test_every_parser_has_a_fixture(source_id):
    assert seeds(source_id), f"{source_id}: no fixture under tests/fixtures/{source_id}/ to fuzz"


def test_every_source_is_fuzzed_the_regulator_feeds_included():
    assert sorted(all_sources()) == PARSERS
    assert ACTION_PARSERS == ["ec_presscorner", "uk_ofcom", "us_ftc"]


@pytest.mark.reliability(
    "parse",
    "mutated fixture files (truncation, byte flips, inserted bytes, duplicated/dropped lines), every parser",
    "parsed records or a ParseError naming the file; no crash, no hang",
)
@pytest.mark.parametrize("source_id", PARSERS)
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_fixtures_parse_or_fail_cleanly(source_id, data, tmp_path_factory, request):
    seed = data.draw(st.sampled_from(seeds(source_id)))  # every parser has one (test above)
    blob = data.draw(mutated(seed.read_bytes()))
    target = tmp_path_factory.mktemp("fuzz") / seed.name
    target.write_bytes(blob)
    parse_once(source_id, target)
    count(request)


@pytest.mark.parametrize("source_id", PARSERS)
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    blob=st.one_of(st.binary(max_size=512), st.text(max_size=512).map(str.encode)),
    suffix=st.sampled_from([".csv", ".xlsx", ".pdf", ".zip", ".json", ".html", ""]),
)
@pytest.mark.reliability(
    "parse",
    "generated random files with every suffix, every parser",
    "parsed records or a ParseError naming the file; no crash, no hang",
)
def test_generated_files_parse_or_fail_cleanly(source_id, blob, suffix, tmp_path_factory, request):
    target = tmp_path_factory.mktemp("gen") / f"generated{suffix}"
    target.write_bytes(blob)
    parse_once(source_id, target)
    count(request)


def count(request) -> None:
    """Report how many inputs were tried (figures in docs/reliability.md)."""
    props = dict(request.node.user_properties)
    request.node.user_properties[:] = [
        (k, v) for k, v in request.node.user_properties if k != "parser_inputs_tried"
    ]
    request.node.user_properties.append(
        ("parser_inputs_tried", props.get("parser_inputs_tried", 0) + 1)
    )
