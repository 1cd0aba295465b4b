"""Hostile archives (issue 8) given to `transparency sor ingest`: exit 2, one line, nothing written."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.sor.helpers import run_cli
from transparency.sor import columns as C
from transparency.sor import synth
from transparency.sor.archive import ArchiveError, DumpReader, Limits

DAY = "2024-01-01"
BASE = f"sor-global-{DAY}-full"
HEADER = ",".join(C.FULL_V1).encode()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=synth.ZIP_EPOCH), data, compress_type=method)
    return buf.getvalue()


def _dump(folder: Path, inner: dict[str, bytes], name: str = f"{BASE}.zip") -> Path:
    """An outer stored ZIP around the given inner members (already ZIP bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(_zip(inner, zipfile.ZIP_STORED))
    return path


def _patch_inner(data: bytes, *, flag: int | None = None, size: int | None = None) -> bytes:
    """Rewrite the local and central headers of the single member of a ZIP."""
    b = bytearray(data)
    local = b.find(b"PK\x03\x04")
    central = b.find(b"PK\x01\x02")
    if flag is not None:
        b[local + 6 : local + 8] = struct.pack("<H", flag)
        b[central + 8 : central + 10] = struct.pack("<H", flag)
    if size is not None:
        b[local + 22 : local + 26] = struct.pack("<I", size)
        b[central + 24 : central + 28] = struct.pack("<I", size)
    return bytes(b)


def _good_part(rows: int = 20) -> bytes:
    line = b",".join(
        [b""] * 19 + [b"STATEMENT_CATEGORY_VIOLENCE"] + [b""] * 14 + [b"TikTok", b"1", b"x"]
    )
    return HEADER + b"\n" + b"\n".join([line] * rows)


def _nested(depth: int) -> bytes:
    data = _good_part()
    for k in range(depth):
        data = _zip({f"{BASE}-00000-{k:05d}.csv": data})
    return data


def bomb_ratio(d: Path) -> Path:
    part = HEADER + b"\n" + b"A" * (6 << 20)  # 6 MiB that deflate to a few KiB
    return _dump(d, {f"{BASE}-00000.csv.zip": _zip({f"{BASE}-00000-00000.csv": part})})


def bomb_lying_size(d: Path) -> Path:
    inner = _zip({f"{BASE}-00000-00000.csv": _good_part(2_000)})
    return _dump(d, {f"{BASE}-00000.csv.zip": _patch_inner(inner, size=1_000)})


def traversal_outer(d: Path) -> Path:
    return _dump(d, {"../../evil.csv.zip": _zip({f"{BASE}-00000-00000.csv": _good_part()})})


def traversal_inner(d: Path) -> Path:
    return _dump(d, {f"{BASE}-00000.csv.zip": _zip({"../../../tmp/evil.csv": _good_part()})})


def absolute_inner(d: Path) -> Path:
    return _dump(d, {f"{BASE}-00000.csv.zip": _zip({"/etc/cron.d/evil.csv": _good_part()})})


def nested_zip_member(d: Path) -> Path:
    return _dump(
        d,
        {
            f"{BASE}-00000.csv.zip": _zip(
                {f"{BASE}-00000-00000.csv.zip": _zip({"x.csv": _good_part()})}
            )
        },
    )


def nested_deep(d: Path) -> Path:
    return _dump(d, {f"{BASE}-00000.csv.zip": _nested(40)})  # a part that is a ZIP, 40 levels deep


def encrypted(d: Path) -> Path:
    inner = _zip({f"{BASE}-00000-00000.csv": _good_part()})
    return _dump(d, {f"{BASE}-00000.csv.zip": _patch_inner(inner, flag=0x1)})


def corrupt(d: Path) -> Path:
    inner = bytearray(
        _zip(
            {
                f"{BASE}-00000-00000.csv": _good_part(3_000)
                + b"".join(str(i).encode() for i in range(20_000))
            }
        )
    )
    start = inner.find(b"PK\x03\x04") + 30 + len(f"{BASE}-00000-00000.csv")
    for i in range(start + 200, start + 260):
        inner[i] ^= 0x5A
    return _dump(d, {f"{BASE}-00000.csv.zip": bytes(inner)})


def not_a_zip(d: Path) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{BASE}.zip").write_bytes(b"this is not a zip archive at all\n" * 10)
    return d / f"{BASE}.zip"


def truncated(d: Path) -> Path:
    src = synth.generate(d / "src", date(2024, 1, 1), 400, zip_ids=199, part_ids=99)
    data = src.zip_path.read_bytes()
    (d / f"{BASE}.zip").write_bytes(data[: len(data) // 2])
    return d / f"{BASE}.zip"


def stray_member(d: Path) -> Path:
    return _dump(
        d,
        {
            f"{BASE}-00000.csv.zip": _zip({f"{BASE}-00000-00000.csv": _good_part()}),
            "__MACOSX/._x": b"junk",
        },
    )


CASES = [
    (bomb_ratio, "zip bomb"),
    (bomb_lying_size, "corrupt member"),
    (traversal_outer, "path-traversal"),
    (traversal_inner, "path-traversal"),
    (absolute_inner, "path-traversal"),
    (nested_zip_member, "nesting deeper"),
    (nested_deep, "nesting deeper"),
    (encrypted, "encrypted"),
    (corrupt, "corrupt member"),
    (not_a_zip, "not a readable ZIP archive (no end-of-archive record)"),
    (truncated, "not a readable ZIP"),
    (stray_member, "unexpected member"),
]


def _tree(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.reliability(
    "archives",
    "hostile archive given to `transparency sor ingest` (zip bomb, lying sizes, path traversal, absolute paths, "
    "deep nesting, encrypted, corrupt, not a zip, truncated, stray member)",
    "exit 2 with a one-line error naming the file; nothing written anywhere",
)
@pytest.mark.parametrize(("make", "needle"), CASES, ids=[c[0].__name__ for c in CASES])
def test_hostile_archive_exits_2_with_one_line_and_writes_nothing(tmp_path, make, needle):
    path = make(tmp_path / "in")
    home = tmp_path / "home"
    before = _tree(tmp_path)
    p = run_cli("sor", "ingest", str(path), home=home)
    assert p.returncode == 2, (p.stdout, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], p.stderr
    assert lines[0].count("not a readable ZIP") <= 1, p.stderr  # said once, not wrapped twice
    assert path.name in lines[0] or "evil" in lines[0]
    created = {
        q for q in _tree(tmp_path) - before if q.is_file() or q.name.startswith("sor-duckdb-")
    }
    assert created == set(), created  # no output, no staging leftovers, no warehouse
    assert not (tmp_path.parent / "evil.csv").exists() and not Path("/tmp/evil.csv").exists()


@pytest.mark.reliability(
    "archives",
    "archive whose total expanded size is over the limit",
    "exit 2, 'possible zip bomb'; nothing written",
)
def test_total_size_limit(tmp_path):
    day = synth.generate(tmp_path / "in", date(2024, 1, 1), 300, zip_ids=199, part_ids=99)
    p = run_cli(
        "sor", "ingest", "--max-total-bytes", "100000", str(day.zip_path), home=tmp_path / "home"
    )
    assert (
        p.returncode == 2
        and "possible zip bomb" in p.stderr
        and len(p.stderr.strip().splitlines()) == 1
    )
    assert not (tmp_path / "home" / "sor" / "days").exists()


def test_limits_also_hold_in_process(tmp_path):
    with pytest.raises(ArchiveError, match="expands"):
        DumpReader(bomb_ratio(tmp_path / "a")).__enter__()
    with DumpReader(
        bomb_ratio(tmp_path / "b"), Limits(max_ratio=1e6)
    ) as r:  # a looser limit lets it in
        assert len(r.dump.parts) == 1
    with pytest.raises(ArchiveError, match="not a daily dump name"):
        DumpReader(tmp_path / "evil.zip")
