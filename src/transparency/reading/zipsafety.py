"""ZIP archives from outside are hostile until read: one place decides what an acceptable member is.

The statements-of-reasons dump reader, the DSA harmonised report inputs and Discord's release ZIP
each carried their own copy of these checks, and the copies drifted apart. They share these now,
each with its own limit values (a dump part is ~100 MB and a day up to 2 TB; a harmonised report
a few MB) and its own exception: the functions give a one-line reason naming the member, which
the caller wraps with its file (``ArchiveError``, ``ParseError``). Nothing here extracts anything.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CHUNK = 1 << 20
# what a damaged, truncated or unsupported member raises while it is decompressed
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError)


class UnsafeZip(ValueError):
    """A member, or an archive's running totals, that must not be read; ``str()`` is the reason."""


@dataclass(frozen=True, kw_only=True)
class ZipLimits:
    max_members: int  # members of one input (nested archives' included), or files of a folder
    max_member_bytes: int  # one member, uncompressed
    max_total_bytes: int  # everything read from one input, uncompressed
    max_ratio: float  # uncompressed : compressed, of one member larger than ratio_floor
    ratio_floor: int = 1 << 20  # members no larger than this are never a bomb
    max_depth: int = 1  # archive levels read: 2 reads a ZIP inside the ZIP, no deeper


def unsafe_name(name: str) -> str | None:
    """Why a member name must not be trusted (it would point outside the archive), or None.
    Backslashes count as separators, as a Windows tool would take them."""
    path = name.replace("\\", "/")
    parts = path.split("/")
    if path.startswith("/") or ".." in parts or ":" in parts[0]:
        return (
            f"member {name!r} points outside the archive (a path-traversal name: absolute, "
            "drive or '..'); refusing the archive"
        )
    return None


def unsafe_reason(info: zipfile.ZipInfo, limits: ZipLimits | None = None) -> str | None:
    """Why this member must not be read, or None. Without ``limits`` only what it is (name,
    symbolic link, encryption) is judged, not its declared sizes."""
    name = info.filename
    if reason := unsafe_name(name):
        return reason
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"member {name!r} is a symbolic link; refusing the archive"
    if info.flag_bits & 0x1:
        return f"member {name!r} is encrypted; refusing the archive"
    if limits is None:
        return None
    if info.file_size > limits.max_member_bytes:
        return _too_big(name, info.file_size, limits.max_member_bytes)
    packed = max(info.compress_size, 1)
    if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * packed:
        return (
            f"member {name!r} expands {info.file_size / packed:,.0f}:1 "
            f"(limit {limits.max_ratio:,.0f}:1); refusing a zip bomb"
        )
    return None


def _too_big(name: str, size: int, limit: int) -> str:
    return f"member {name!r} is {size:,} bytes uncompressed, over the limit of {limit:,}"


def iter_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits, chunk: int = CHUNK
) -> Iterator[bytes]:
    """The member's bytes in chunks, never more than it declares nor than the limit; raises
    :class:`UnsafeZip` for a member that produces more, or other than it declares, or does not
    decompress (bad CRC, deflate error, truncation, unsupported method)."""
    name, allowed, produced = info.filename, min(info.file_size, limits.max_member_bytes), 0
    try:
        with zf.open(info) as fh:
            while data := fh.read(min(chunk, allowed - produced + 1)):
                produced += len(data)
                if produced > allowed:
                    what = (
                        f"the {allowed:,} it declares"
                        if allowed == info.file_size
                        else f"the limit of {allowed:,}"
                    )
                    raise UnsafeZip(
                        f"member {name!r} produces more bytes than {what}; refusing a zip bomb"
                    )
                yield data
    except READ_ERRORS as exc:
        kind = "zlib.error" if isinstance(exc, zlib.error) else type(exc).__name__
        raise UnsafeZip(f"corrupt member {name!r} ({kind}: {exc})") from None
    if produced != info.file_size:
        raise UnsafeZip(
            f"corrupt member {name!r} (declares {info.file_size:,} bytes, produced {produced:,})"
        )


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits) -> bytes:
    """The whole member in memory, bounded as :func:`iter_member`."""
    return b"".join(iter_member(zf, info, limits))


@dataclass
class ZipBudget:
    """Running totals over one input: its members, nested archives' and a folder's files included."""

    limits: ZipLimits
    members: int = 0
    total: int = 0

    def count(self, n: int = 1) -> None:
        self.members += n
        if self.members > self.limits.max_members:
            raise UnsafeZip(
                f"more than {self.limits.max_members:,} members; refusing to read further"
            )

    def add(self, size: int, name: str) -> None:
        """Bytes of one member (declared or read), already counted."""
        if size > self.limits.max_member_bytes:
            raise UnsafeZip(_too_big(name, size, self.limits.max_member_bytes))
        self.total += size
        if self.total > self.limits.max_total_bytes:
            raise UnsafeZip(
                f"more than {self.limits.max_total_bytes:,} bytes in all; refusing to read "
                "further (a possible zip bomb)"
            )

    def take(self, size: int, name: str) -> None:
        """One more member of ``size`` bytes."""
        self.count()
        self.add(size, name)


def is_csv_member(info: zipfile.ZipInfo) -> bool:
    """A ``.csv`` file, not a folder nor macOS resource-fork litter (``__MACOSX``, ``._x.csv``)."""
    name = PurePosixPath(info.filename.replace("\\", "/"))
    return not (
        info.is_dir()
        or name.suffix.lower() != ".csv"
        or "__MACOSX" in name.parts
        or name.name.startswith("._")
    )


def read_csv_members(path: Path, limits: ZipLimits) -> list[tuple[str, bytes]]:
    """The CSV members of a ZIP a publisher (or a browser) packed, read in memory: every member's
    name and kind judged first, the CSVs' sizes too. UnsafeZip says why it cannot be read; an
    empty list means it holds no CSV."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeZip(f"not a readable ZIP ({exc})") from exc
    out = []
    with zf:
        infos = zf.infolist()
        budget = ZipBudget(limits)
        budget.count(len(infos))
        for info in infos:  # sizes matter only for what is read
            if reason := unsafe_reason(info, limits if is_csv_member(info) else None):
                raise UnsafeZip(reason)
        for info in filter(is_csv_member, infos):
            budget.add(info.file_size, info.filename)  # read_member holds it to that size
            out.append((info.filename, read_member(zf, info, limits)))
    return out
