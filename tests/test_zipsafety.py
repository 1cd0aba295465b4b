"""transparency.reading.zipsafety: the member checks the SoR dump reader, the DSA harmonised inputs and
Discord's release ZIP share, on small ZIPs built here."""

from __future__ import annotations

import stat
import struct
import zipfile
from pathlib import Path

import pytest

from transparency.reading.zipsafety import (
    UnsafeZip,
    ZipBudget,
    ZipLimits,
    iter_member,
    read_member,
    unsafe_name,
    unsafe_reason,
)

LIMITS = ZipLimits(
    max_members=3, max_member_bytes=64 << 20, max_total_bytes=100 << 20, max_ratio=200
)
TEXT = b"".join(b"%d,line %d,\xc3\xa9\r\n" % (i, i * 7) for i in range(5000))


def make_zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=method)
    return path


def only_info(path: Path) -> zipfile.ZipInfo:
    with zipfile.ZipFile(path) as zf:
        (info,) = zf.infolist()
    return info


def test_a_normal_member_is_read_byte_for_byte(tmp_path):
    path = make_zip(tmp_path / "ok.zip", {"dir/data.csv": TEXT, "small.csv": b"a,b\n1,2\n"})
    with zipfile.ZipFile(path) as zf:
        big, small = zf.getinfo("dir/data.csv"), zf.getinfo("small.csv")
        assert unsafe_reason(big, LIMITS) is None and unsafe_reason(small, LIMITS) is None
        assert read_member(zf, big, LIMITS) == TEXT
        assert read_member(zf, small, LIMITS) == b"a,b\n1,2\n"
        chunks = list(iter_member(zf, big, LIMITS, chunk=4096))
    assert b"".join(chunks) == TEXT and len(chunks) == -(-len(TEXT) // 4096)
    stored = make_zip(tmp_path / "stored.zip", {"data.csv": TEXT}, zipfile.ZIP_STORED)
    with zipfile.ZipFile(stored) as zf:
        assert read_member(zf, zf.getinfo("data.csv"), LIMITS) == TEXT


def test_traversal_and_absolute_names_are_refused(tmp_path):
    info = only_info(make_zip(tmp_path / "t.zip", {"../x.csv": b"a\n"}))
    assert unsafe_reason(info) == (
        "member '../x.csv' points outside the archive (a path-traversal name: absolute, drive "
        "or '..'); refusing the archive"
    )
    info = only_info(make_zip(tmp_path / "a.zip", {"/etc/x.csv": b"a\n"}))
    assert unsafe_reason(info, LIMITS) == (
        "member '/etc/x.csv' points outside the archive (a path-traversal name: absolute, drive "
        "or '..'); refusing the archive"
    )
    refused = ["..\\..\\x.csv", "\\x.csv", "C:\\x.csv", "c:x.csv", "a/../../x.csv", "//host/x"]
    assert all(unsafe_name(n) is not None for n in refused)
    # backslashes are separators, not a refusal in themselves; ".." inside a name is no traversal
    assert [unsafe_name(n) for n in ("dir\\x.csv", "a/b/x.csv", "x..csv", "..x.csv")] == [None] * 4


def test_links_and_encrypted_members_are_refused(tmp_path):
    path = tmp_path / "odd.zip"
    with zipfile.ZipFile(path, "w") as zf:
        link = zipfile.ZipInfo("link.csv")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    assert unsafe_reason(only_info(path)) == (
        "member 'link.csv' is a symbolic link; refusing the archive"
    )
    info = zipfile.ZipInfo("secret.csv")
    info.flag_bits |= 0x1
    assert unsafe_reason(info) == "member 'secret.csv' is encrypted; refusing the archive"


def test_a_declared_expansion_over_the_ratio_is_a_zip_bomb(tmp_path):
    info = only_info(make_zip(tmp_path / "bomb.zip", {"zeros.csv": bytes(20 << 20)}))
    ratio = info.file_size / info.compress_size
    assert ratio > 1000  # 20 MiB of zeros deflate to ~20 KiB
    assert unsafe_reason(info, LIMITS) == (
        f"member 'zeros.csv' expands {ratio:,.0f}:1 (limit 200:1); refusing a zip bomb"
    )
    assert unsafe_reason(info, None) is None  # without limits only the kind of member is judged
    loose = ZipLimits(
        max_members=3, max_member_bytes=64 << 20, max_total_bytes=100 << 20, max_ratio=1e6
    )
    assert unsafe_reason(info, loose) is None


def test_small_members_are_never_a_bomb_above_the_floor(tmp_path):
    info = only_info(make_zip(tmp_path / "small.zip", {"zeros.csv": bytes(500_000)}))
    assert info.file_size / info.compress_size > 200
    assert unsafe_reason(info, LIMITS) is None  # 500 kB, under the 1 MiB floor
    no_floor = ZipLimits(
        max_members=3,
        max_member_bytes=1 << 20,
        max_total_bytes=1 << 20,
        max_ratio=200,
        ratio_floor=0,
    )
    assert unsafe_reason(info, no_floor) == (
        f"member 'zeros.csv' expands {info.file_size / info.compress_size:,.0f}:1 "
        "(limit 200:1); refusing a zip bomb"
    )


def test_a_member_over_the_size_limit_is_refused_declared_and_read(tmp_path):
    tiny = ZipLimits(max_members=3, max_member_bytes=10, max_total_bytes=100, max_ratio=200)
    path = make_zip(tmp_path / "big.zip", {"a.csv": b"abcdefghijklmnopqrstuvwxyz"})
    info = only_info(path)
    assert unsafe_reason(info, tiny) == (
        "member 'a.csv' is 26 bytes uncompressed, over the limit of 10"
    )
    with zipfile.ZipFile(path) as zf, pytest.raises(UnsafeZip) as exc:
        read_member(zf, info, tiny)  # read without checking first: still never past the limit
    assert str(exc.value) == (
        "member 'a.csv' produces more bytes than the limit of 10; refusing a zip bomb"
    )


def test_too_many_members_and_too_many_bytes_in_all():
    budget = ZipBudget(LIMITS)
    budget.take(1000, "a.csv")
    budget.count(2)
    assert (budget.members, budget.total) == (3, 1000)
    with pytest.raises(UnsafeZip) as exc:
        budget.take(10, "d.csv")
    assert str(exc.value) == "more than 3 members; refusing to read further"
    budget = ZipBudget(
        ZipLimits(max_members=10, max_member_bytes=60, max_total_bytes=100, max_ratio=200)
    )
    budget.take(60, "a.csv")
    with pytest.raises(UnsafeZip) as exc:
        budget.take(61, "b.csv")
    assert str(exc.value) == "member 'b.csv' is 61 bytes uncompressed, over the limit of 60"
    with pytest.raises(UnsafeZip) as exc:
        budget.take(41, "c.csv")
    assert str(exc.value) == (
        "more than 100 bytes in all; refusing to read further (a possible zip bomb)"
    )


def _data_start(raw: bytes, name: str) -> int:
    local = raw.find(b"PK\x03\x04")
    (extra,) = struct.unpack("<H", raw[local + 28 : local + 30])
    return local + 30 + len(name) + extra


def test_a_corrupt_member_gives_one_clean_reason(tmp_path):
    path = make_zip(tmp_path / "c.zip", {"data.csv": TEXT})
    raw = bytearray(path.read_bytes())
    start = _data_start(bytes(raw), "data.csv")
    for i in range(start + 200, start + 260):
        raw[i] ^= 0x5A
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as zf, pytest.raises(UnsafeZip) as exc:
        read_member(zf, zf.getinfo("data.csv"), LIMITS)
    assert str(exc.value) == (
        "corrupt member 'data.csv' (zlib.error: Error -3 while decompressing data: invalid "
        "distance too far back)"
    )

    stored = make_zip(tmp_path / "s.zip", {"data.csv": TEXT}, zipfile.ZIP_STORED)
    raw = bytearray(stored.read_bytes())
    raw[_data_start(bytes(raw), "data.csv") + 1000] ^= 0x01
    stored.write_bytes(bytes(raw))
    with zipfile.ZipFile(stored) as zf, pytest.raises(UnsafeZip) as exc:
        read_member(zf, zf.getinfo("data.csv"), LIMITS)
    assert (
        str(exc.value) == "corrupt member 'data.csv' (BadZipFile: Bad CRC-32 for file 'data.csv')"
    )


def test_a_member_whose_header_lies_about_its_size_is_corrupt(tmp_path):
    path = make_zip(tmp_path / "lie.zip", {"data.csv": TEXT})
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("data.csv")
        info.file_size = 1000  # the central directory claims less than the member holds
        with pytest.raises(UnsafeZip) as exc:
            read_member(zf, info, LIMITS)
    assert (
        str(exc.value) == "corrupt member 'data.csv' (BadZipFile: Bad CRC-32 for file 'data.csv')"
    )
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("data.csv")
        info.file_size = len(TEXT) + 10  # claims more: the member ends early
        with pytest.raises(UnsafeZip) as exc:
            read_member(zf, info, LIMITS)
    assert str(exc.value) == "corrupt member 'data.csv' (declares 97,311 bytes, produced 97,301)"
