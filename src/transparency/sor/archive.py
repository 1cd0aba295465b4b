"""Safe streaming over a daily dump: outer ZIP (stored) -> inner ``.csv.zip`` -> CSV parts.

Nothing is ever extracted by member name: parts are streamed, so a path-traversal name cannot
write anywhere. Archives are treated as hostile until proven otherwise (issue 8):

- names must follow the official pattern (``sor-{slug}-{date}-{version}-{NNNNN}.csv.zip`` holding
  ``…-{NNNNN}-{NNNNN}.csv``), so backslashes never pass; absolute paths, drives and ``..`` are
  refused as path traversal;
- the packaging is exactly two levels deep: a ZIP where a CSV part should be is refused;
- encrypted members, symbolic links and compression methods other than store/deflate are refused;
- zip bombs: every member's declared expansion ratio, size and the dump's declared total are
  checked before anything is decompressed, and the bytes actually produced are counted while
  streaming, so a header that lies about sizes is caught too (CRC errors surface as corruption).

The member checks are :mod:`transparency.reading.zipsafety`'s, with this reader's limits (:class:`Limits`).

Every problem raises :class:`ArchiveError` with a one-line message naming the file and member.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from transparency.reading.zipsafety import (
    READ_ERRORS,
    UnsafeZip,
    ZipBudget,
    ZipLimits,
    iter_member,
    unsafe_reason,
)

OUTER_NAME = re.compile(
    r"^sor-(?P<slug>[a-z0-9-]+?)-(?P<date>\d{4}-\d{2}-\d{2})-(?P<version>full|light)\.zip$"
)
INNER_NAME = re.compile(r"^sor-[a-z0-9-]+?-\d{4}-\d{2}-\d{2}-(?:full|light)-\d{5}\.csv\.zip$")
PART_NAME = re.compile(r"^sor-[a-z0-9-]+?-\d{4}-\d{2}-\d{2}-(?:full|light)-\d{5}-\d{5}\.csv$")
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
CHUNK = 1 << 20


class ArchiveError(ValueError):
    """A dump that cannot or must not be read; the message is one line naming file and member."""


@dataclass(frozen=True, kw_only=True)
class Limits(ZipLimits):
    """Defences against hostile archives. The real peak day (2024-02-24) is 768.5 GB of CSV in
    33.2 GB of ZIP (ratio 23:1); real CSV parts are ~100 MB."""

    max_ratio: float = 200.0  # uncompressed : compressed, per member larger than ratio_floor
    ratio_floor: int = 1 << 20  # members smaller than this are never a bomb
    max_member_bytes: int = 8 << 30  # one CSV part
    max_total_bytes: int = 2 * 10**12  # one day's CSV, declared and actual
    max_members: int = 200_000  # outer and inner members together
    max_depth: int = 2  # the dump format's two levels (outer ZIP, inner .csv.zip), no deeper


@dataclass(frozen=True)
class Part:
    inner: str  # name of the inner .csv.zip in the outer archive
    name: str  # name of the CSV part in the inner archive
    file_size: int
    compress_size: int

    @property
    def label(self) -> str:
        return f"{self.inner}/{self.name}"


@dataclass
class Dump:
    path: Path
    day: date
    slug: str
    version: str  # "full" or "light"
    parts: list[Part] = field(default_factory=list)
    declared_bytes: int = 0

    @property
    def name(self) -> str:
        return self.path.name


def parse_dump_name(path: Path) -> tuple[date, str, str]:
    m = OUTER_NAME.match(path.name)
    if not m:
        raise ArchiveError(
            f"{path.name}: not a daily dump name (expected sor-<platform>-YYYY-MM-DD-full|light.zip)"
        )
    try:
        day = date.fromisoformat(m["date"])
    except ValueError:
        raise ArchiveError(f"{path.name}: invalid date in the file name") from None
    return day, m["slug"], m["version"]


def _check_member(archive: str, info: zipfile.ZipInfo, limits: Limits) -> None:
    if reason := unsafe_reason(info, limits):
        raise ArchiveError(f"{archive}: {reason}")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArchiveError(
            f"{archive}: member {info.filename} uses unsupported compression method {info.compress_type}"
        )


class _Slice(io.RawIOBase):
    """A read-only window on a file: a stored inner ZIP read in place, without copying it."""

    def __init__(self, fh, start: int, size: int):
        self._fh, self._start, self._size, self._pos = fh, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._size}[whence]
        self._pos = max(0, min(self._size, base + offset))
        return self._pos

    def readinto(self, b) -> int:
        n = min(len(b), self._size - self._pos)
        if n <= 0:
            return 0
        self._fh.seek(self._start + self._pos)
        data = self._fh.read(n)
        b[: len(data)] = data
        self._pos += len(data)
        return len(data)


def _check_ends(fh, start: int, size: int, where: str) -> None:
    """A ZIP's end-of-archive record must end it: a truncated dump can otherwise pass for one of
    the inner ZIPs it holds (zipfile looks for that record near the end and trusts the first)."""
    tail = min(size, 65_557)
    fh.seek(start + size - tail)
    data = fh.read(tail)
    pos = data.rfind(b"PK\x05\x06")
    if pos < 0 or len(data) - pos < 22:
        raise ArchiveError(f"{where}: not a readable ZIP archive (no end-of-archive record)")
    (comment_len,) = struct.unpack("<H", data[pos + 20 : pos + 22])
    if pos + 22 + comment_len != len(data):
        raise ArchiveError(
            f"{where}: not a readable ZIP archive (truncated: its end-of-archive record "
            "is not at its end)"
        )


def _data_offset(fh, info: zipfile.ZipInfo, where: str) -> int:
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise ArchiveError(f"{where}: corrupt archive (bad local header)")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_len + extra_len


class DumpReader:
    """Open a dump once, validate every declared member, then stream its parts in order."""

    def __init__(self, path: Path, limits: Limits | None = None):
        self.path = Path(path)
        self.limits = limits or Limits()
        day, slug, version = parse_dump_name(self.path)
        self.dump = Dump(self.path, day, slug, version)
        self._fh: IO[bytes] | None = None
        self._outer: zipfile.ZipFile | None = None
        self._inners: dict[str, zipfile.ZipFile] = {}

    def __enter__(self) -> DumpReader:
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for z in self._inners.values():
            z.close()
        self._inners.clear()
        if self._outer:
            self._outer.close()
        if self._fh:
            self._fh.close()

    def _open(self) -> None:
        name, lim = self.path.name, self.limits
        if not self.path.is_file():
            raise ArchiveError(f"{name}: no such file")
        self._fh = fh = self.path.open("rb")
        try:
            _check_ends(fh, 0, self.path.stat().st_size, name)
            self._outer = zipfile.ZipFile(fh)
            infos = self._outer.infolist()
        except ArchiveError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ArchiveError(f"{name}: not a readable ZIP archive ({exc})") from None
        budget = ZipBudget(lim)
        try:
            self._read_members(infos, budget)
        except UnsafeZip as exc:
            raise ArchiveError(f"{name}: {exc}") from None
        self.dump.declared_bytes = budget.total

    def _read_members(self, infos: list[zipfile.ZipInfo], budget: ZipBudget) -> None:
        """Check every member, open the inner ZIPs and list their parts. A member's problem is
        an ArchiveError naming it; the budget's (totals over the dump) an UnsafeZip."""
        name, lim = self.path.name, self.limits
        budget.count(len(infos))
        for info in sorted(infos, key=lambda i: i.filename):
            _check_member(name, info, lim)
            if info.is_dir():
                raise ArchiveError(
                    f"{name}: unexpected directory {info.filename!r} in a daily dump"
                )
            if not INNER_NAME.match(info.filename):
                if info.filename.lower().endswith(".csv"):
                    raise ArchiveError(
                        f"{name}: member {info.filename} is a bare CSV; expected .csv.zip parts"
                    )
                raise ArchiveError(
                    f"{name}: unexpected member {info.filename!r} (expected sor-…-NNNNN.csv.zip)"
                )
            inner = self._open_inner(info)
            inner_infos = inner.infolist()
            budget.count(len(inner_infos))
            prefix = info.filename[: -len(".csv.zip")]
            for pinfo in sorted(inner_infos, key=lambda i: i.filename):
                where = f"{name}/{info.filename}"
                _check_member(where, pinfo, lim)
                if pinfo.filename.lower().endswith(".zip"):
                    raise ArchiveError(
                        f"{where}: member {pinfo.filename} is another ZIP: nesting deeper "
                        "than the dump format (2 levels); refusing the archive"
                    )
                if not PART_NAME.match(pinfo.filename) or not pinfo.filename.startswith(
                    prefix + "-"
                ):
                    raise ArchiveError(
                        f"{where}: unexpected member {pinfo.filename!r} (expected {prefix}-NNNNN.csv)"
                    )
                budget.add(pinfo.file_size, pinfo.filename)
                self.dump.parts.append(
                    Part(info.filename, pinfo.filename, pinfo.file_size, pinfo.compress_size)
                )

    def _open_inner(self, info: zipfile.ZipInfo) -> zipfile.ZipFile:
        where = f"{self.path.name}/{info.filename}"
        try:
            if info.compress_type == zipfile.ZIP_STORED:
                start = _data_offset(self._fh, info, where)
                _check_ends(self._fh, start, info.compress_size, where)
                raw = _Slice(self._fh, start, info.compress_size)
                src: IO[bytes] = io.BufferedReader(raw, CHUNK)
            else:
                assert self._outer is not None
                src = self._outer.open(info)
            z = zipfile.ZipFile(src)
        except ArchiveError:
            raise
        except (*READ_ERRORS, ValueError) as exc:
            raise ArchiveError(f"{where}: corrupt inner archive ({exc})") from None
        self._inners[info.filename] = z
        return z

    def stream(self, part: Part) -> Iterator[bytes]:
        """The part's bytes in chunks, with the sizes it declared enforced."""
        inner = self._inners[part.inner]
        first = True
        try:
            for chunk in iter_member(inner, inner.getinfo(part.name), self.limits, CHUNK):
                if first and chunk.startswith(ZIP_MAGIC):
                    raise ArchiveError(
                        f"{self.path.name}/{part.label}: is itself a ZIP archive: nesting deeper "
                        "than the dump format (2 levels); refusing the archive"
                    )
                first = False
                yield chunk
        except UnsafeZip as exc:
            raise ArchiveError(f"{self.path.name}/{part.inner}: {exc}") from None


def read_sha1_file(path: Path) -> str | None:
    """The hex digest in ``<dump>.sha1`` (``<sha1>  <name>``), or None when there is none."""
    side = path.with_name(path.name + ".sha1")
    if not side.is_file():
        return None
    with side.open("rb") as fh:
        text = fh.read(1024).decode("ascii", "replace").strip()
    token = text.split()[0].lower() if text else ""
    if not re.fullmatch(r"[0-9a-f]{40}", token):
        raise ArchiveError(f"{side.name}: not a sha1 checksum file")
    return token


def sha1_of(path: Path) -> str:
    h = hashlib.sha1()
    with path.open("rb") as fh:
        while chunk := fh.read(4 * CHUNK):
            h.update(chunk)
    return h.hexdigest()
