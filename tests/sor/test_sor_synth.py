"""The synthetic dump generator writes the exact official packaging and schema."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from datetime import date

import pytest

from transparency.sor import columns as C
from transparency.sor import synth
from transparency.sor.csvtext import repair


@pytest.fixture(scope="module")
def v1_day(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth-v1")
    return synth.generate(
        out,
        date(2024, 8, 29),
        2_500,
        seed=3,
        malformed_share=0.01,
        broken_share=0.004,
        zip_ids=999,
        part_ids=299,
    )


@pytest.fixture(scope="module")
def v2_day(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth-v2")
    return synth.generate(out, date(2025, 7, 1), 700, seed=3, zip_ids=999, part_ids=299)


def _parts(zip_path):
    with zipfile.ZipFile(zip_path) as outer:
        for info in outer.infolist():
            with outer.open(info) as fh, zipfile.ZipFile(fh) as inner:
                for pinfo in inner.infolist():
                    yield info, pinfo, inner.read(pinfo)


def test_packaging_is_the_official_nested_layout(v1_day):
    with zipfile.ZipFile(v1_day.zip_path) as outer:
        infos = outer.infolist()
        # 2,500 ids in inner ZIPs of 1,000 ids (zip_ids + 1): 3 inner ZIPs, stored without compression
        assert [i.filename for i in infos] == [
            f"sor-global-2024-08-29-full-{k:05d}.csv.zip" for k in range(3)
        ]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
    names = [(o.filename, p.filename, p.compress_type) for o, p, _ in _parts(v1_day.zip_path)]
    # parts of 300 ids: 1,000 ids -> 300/300/300/100 ; the last inner ZIP holds 500 ids -> 300/200
    assert [n[1] for n in names] == [
        *(f"sor-global-2024-08-29-full-00000-{j:05d}.csv" for j in range(4)),
        *(f"sor-global-2024-08-29-full-00001-{j:05d}.csv" for j in range(4)),
        *(f"sor-global-2024-08-29-full-00002-{j:05d}.csv" for j in range(2)),
    ]
    assert all(n[2] == zipfile.ZIP_DEFLATED for n in names)
    assert v1_day.parts == 10


def test_sha1_file_matches_and_generation_is_deterministic(v1_day, tmp_path):
    text = v1_day.sha1_path.read_text()
    digest = hashlib.sha1(v1_day.zip_path.read_bytes()).hexdigest()
    assert text == f"{digest}  sor-global-2024-08-29-full.zip"  # sha1sum layout, no newline (PHP)
    again = synth.generate(
        tmp_path,
        date(2024, 8, 29),
        2_500,
        seed=3,
        malformed_share=0.01,
        broken_share=0.004,
        zip_ids=999,
        part_ids=299,
    )
    assert again.sha1_path.read_text() == text
    other = synth.generate(
        tmp_path / "o", date(2024, 8, 29), 2_500, seed=4, zip_ids=999, part_ids=299
    )
    assert other.sha1_path.read_text() != text


@pytest.mark.parametrize(
    ("fixture", "n_cols", "rows"), [("v1_day", 37, 2_500), ("v2_day", 38, 700)]
)
def test_every_part_has_the_versioned_header_and_rows_of_that_width(request, fixture, n_cols, rows):
    day = request.getfixturevalue(fixture)
    header = C.FULL_V1 if n_cols == 37 else C.FULL_V2
    seen = 0
    for _, _, data in _parts(day.zip_path):
        text = data.decode("utf-8")
        assert not text.endswith("\n")  # the exporter joins lines with "\n", no final newline
        lines = text.split("\n")
        assert tuple(lines[0].split(",")) == header and len(header) == n_cols
        for row in csv.reader(io.StringIO(repair(text.encode()).decode()), strict=False):
            if row == list(header):
                continue
            seen += 1
            if "Repeat offender" in ",".join(
                row
            ):  # a broken row: one field swallows its neighbours
                continue
            assert len(row) == n_cols
    assert seen == rows
    if n_cols == 38:
        assert header.index("content_id_ean") == header.index("content_date") + 1


def test_malformed_rows_carry_the_backslash_quote_pattern(v1_day):
    assert (v1_day.malformed, v1_day.broken) == (25, 13)
    assert sum(v1_day.truth.values()) == 2_500 - 13
    text = "\n".join(d.decode() for _, _, d in _parts(v1_day.zip_path))
    malformed = [
        line for line in text.split("\n") if '\\"' in line and "Repeat offender" not in line
    ]
    assert len(malformed) == 25
    # strict RFC 4180 cannot read them as written ...
    for line in malformed:
        with pytest.raises(csv.Error):
            next(csv.reader([line], strict=True))
    # ... and reads all of them after the repair
    assert all(
        len(next(csv.reader([repair(line.encode()).decode()], strict=True))) == 37
        for line in malformed
    )
    assert re.search(r'""\\"#1\\"""', text)  # exactly the real Chrome Web Store form


def test_value_distributions_are_plausible(v1_day, v2_day):
    plat = {}
    for key, n in v1_day.truth.items():
        plat[key[0]] = plat.get(key[0], 0) + n
    assert max(plat, key=plat.get) == "Google Shopping" and plat["Google Shopping"] > 0.5 * 2_490
    v1_cats = {k[1] for k in v1_day.truth}
    v2_cats = {k[1] for k in v2_day.truth}
    assert (
        v1_cats <= set(C.CATEGORIES_V1)
        and "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE" in v1_cats
    )
    assert v2_cats <= set(C.CATEGORIES_V2) and "STATEMENT_CATEGORY_OTHER_VIOLATION_TC" in v2_cats
    assert 900 < v1_day.csv_bytes / 2_500 < 1_400  # about 1 KB per row, like the real dumps


def test_zero_rows_gives_a_header_only_part(tmp_path):
    res = synth.generate(tmp_path, date(2024, 1, 2), 0)
    parts = list(_parts(res.zip_path))
    assert len(parts) == 1 and parts[0][2].decode() == ",".join(C.FULL_V1) + "\n"
