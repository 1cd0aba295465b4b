"""meta_cser: the real 2021Q2 release (known values from sources/meta.md) and the own fixture."""

import csv
import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, shared_file
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source
from transparency.reading.records import ParseError

SOURCE = get_source("meta_cser")

# line, app, policy area, metric, period, value as printed (sources/meta.md section 7)
KNOWN = [
    (
        61,
        "Facebook",
        "Child Endangerment: Sexual Exploitation",
        "Content Actioned",
        "2021Q2",
        25_700_000,
    ),
    (
        46,
        "Facebook",
        "Child Endangerment: Nudity and Physical Abuse",
        "Content Actioned",
        "2021Q2",
        2_300_000,
    ),
    (852, "Facebook", "Child Endangerment: Sexual Exploitation", "Proactive rate", "2021Q2", 0.995),
    (65, "Facebook", "Child Nudity & Sexual Exploitation", "Content Actioned", "2018Q3", 9_000_000),
    (
        70,
        "Facebook",
        "Child Nudity & Sexual Exploitation",
        "Content Actioned",
        "2019Q4",
        13_300_000,
    ),
    (861, "Facebook", "Child Nudity & Sexual Exploitation", "Proactive rate", "2019Q4", 0.997),
    (277, "Facebook", "Child Nudity & Sexual Exploitation", "Content Appealed", "2019Q2", 145_000),
    (
        1061,
        "Instagram",
        "Child Endangerment: Sexual Exploitation",
        "Content Actioned",
        "2021Q2",
        1_400_000,
    ),
    (
        1046,
        "Instagram",
        "Child Endangerment: Nudity and Physical Abuse",
        "Content Actioned",
        "2021Q2",
        458_100,
    ),
    (
        1068,
        "Instagram",
        "Child Nudity & Sexual Exploitation",
        "Content Actioned",
        "2019Q2",
        526_200,
    ),
    (1746, "Instagram", "Child Nudity & Sexual Exploitation", "Proactive rate", "2021Q1", 0.981),
    (1824, "Instagram", "Child Endangerment: Sexual Exploitation", "UBP", "2021Q2", 0.0005),
    (1829, "Facebook", "Fake Accounts", "Prevalence", "2021Q2", 0.0473),
]


def test_real_2021q2_release():
    result = parse_file(SOURCE, shared_file("real/platforms/meta/meta-cser-2021-q2.csv"))
    recs = result.records
    assert len(recs) == 1904
    assert sum(r.value is None for r in recs) == 847
    assert len({r.period_label for r in recs}) == 15
    assert min(r.period_start for r in recs) == date(2017, 10, 1)
    assert max(r.period_end for r in recs) == date(2021, 6, 30)
    assert len({r.raw_policy_label for r in recs}) == 14
    by_line = {r.row_ref: r for r in recs}
    for line, app, policy, metric, period, value in KNOWN:
        r = by_line[f"line {line}"]
        assert (r.platform_label, r.raw_policy_label, r.raw_metric_label, r.period_label) == (
            app,
            policy,
            metric,
            period,
        )
        assert r.value == pytest.approx(value)
    assert result.warnings == []


def test_own_fixture_covers_formats():
    result = parse_file(SOURCE, FIXTURES / "meta_cser" / "meta-cser-sample-2021q2.csv")
    by = {
        (r.platform_label, r.raw_policy_label, r.raw_metric_label, r.period_label): r
        for r in result.records
    }
    assert len(result.records) == 16
    assert (
        by[
            ("Facebook", "Child Endangerment: Sexual Exploitation", "Content Actioned", "2021Q2")
        ].value
        == 25_700_000
    )
    rng = by[("Facebook", "Fake Accounts", "Prevalence", "2021Q1")]
    assert (rng.value, rng.qualifier, rng.value_text) == (pytest.approx(0.04), "range", "4%-5%")
    na = by[("Instagram", "Spam", "Content Actioned", "2021Q2")]
    assert (na.value, na.value_text) == (None, "N/A")


def test_labels_of_later_releases_map_to_the_same_series(tmp_path):
    """The 2025Q4 release relabels the whole history (sources/meta.md, label renames): old and
    new spellings of one policy give one harmonised key. Values are the project's own."""
    f = tmp_path / "meta-cser-relabelled.csv"
    pairs = [
        ("Suicide and Self-Injury", "Suicide, Self-Injury, and Eating Disorders"),
        ("Violence & Incitement", "Violence and Incitement"),
        ("Violent & Graphic Content", "Violent and Graphic Content"),
        ("Hate Speech", "Hateful Conduct"),
        ("Regulated Goods: Drugs", "Restricted Goods & Services: Drugs"),
        ("Dangerous Orgs: Terrorism", "Dangerous Organizations: Terrorism"),
    ]
    lines = ["app,policy_area,metric,period,value"]
    for i, (old, new) in enumerate(pairs):
        lines += [
            f'Facebook,"{old}",Content Actioned,2021Q3,{i}00',
            f'Facebook,"{new}",Content Actioned,2025Q4,{i}01',
        ]
    f.write_text("\n".join(lines) + "\n")
    out = subprocess.run(
        [sys.executable, "-m", "transparency", "parse", "meta_cser", str(f)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"},
    )  # fmt: skip
    assert out.returncode == 0 and out.stderr == "", out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    area = {r["raw_policy_label"]: r["policy_area"] for r in rows}
    for old, new in pairs:
        assert area[old] == area[new] != ""
    assert area["Violence and Incitement"] == "violence.incitement_violence_hatred"
    assert area["Suicide, Self-Injury, and Eating Disorders"] == "self_harm.suicide_self_injury"
    got = {(r["raw_policy_label"], r["period_start"]): float(r["value"]) for r in rows}
    assert got["Violent and Graphic Content", "2025-10-01"] == 201


def test_the_csv_inside_the_browser_built_zip(tmp_path):
    """The newer download route (sources/meta.md) gives community-standards.zip holding
    CSER-2026_Q2.csv: the same records as the bare CSV, row refs naming the member."""
    sample = FIXTURES / "meta_cser" / "meta-cser-sample-2021q2.csv"
    z = tmp_path / "community-standards.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(sample, "CSER-2026_Q2.csv")
    bare, zipped = parse_file(SOURCE, sample), parse_file(SOURCE, z)
    fields = (
        "platform_label",
        "raw_policy_label",
        "raw_metric_label",
        "period_label",
        "value_text",
    )

    def key(r):
        return tuple(getattr(r, f) for f in fields)

    assert [key(r) for r in zipped.records] == [key(r) for r in bare.records]
    assert len(zipped.records) == 16
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.write(sample, "a.csv")
        zf.write(sample, "b.csv")
    with pytest.raises(
        ParseError, match=r"two.zip: expected one CSV in the ZIP, found 2 \(a.csv, b.csv\)"
    ):
        parse_file(SOURCE, two)
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.write(sample, "../CSER.csv")
    with pytest.raises(ParseError, match=r"evil.zip: member '../CSER.csv' points outside"):
        parse_file(SOURCE, evil)
    bad = tmp_path / "latin.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr(
            "CSER.csv",
            "app,policy_area,metric,period,value\nFacebook,Spam,Content Actioned,2021Q2,\xe9\n".encode(
                "latin-1"
            ),
        )
    with pytest.raises(ParseError, match=r"latin.zip/CSER.csv: not UTF-8 text"):
        parse_file(SOURCE, bad)


def test_wrong_header_is_a_clean_error(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ParseError, match=r"x.csv, line 1: expected header"):
        parse_file(SOURCE, bad)


def test_bad_period_names_row(tmp_path):
    bad = tmp_path / "y.csv"
    bad.write_text(
        'app,policy_area,metric,period,value\nFacebook,Spam,Content Actioned,2021Q7,"1,000"\n'
    )
    with pytest.raises(ParseError, match=r"y.csv, line 2"):
        parse_file(SOURCE, Path(bad))


def test_accounts_actioned_of_later_releases_is_mapped(tmp_path):
    """From the 2021Q3 release Meta prints 'Accounts Actioned' (Fake Accounts): a metric of its
    own, mapped. Values are the project's own; the real releases are checked in
    tests/test_real_releases.py."""
    from transparency.harmonisation.normalise import normalise
    from transparency.harmonisation.registries import load

    f = tmp_path / "meta-cser-accounts.csv"
    f.write_text(
        "app,policy_area,metric,period,value\n"
        'Facebook,Fake Accounts,Accounts Actioned,2021Q3,"1,800,000,000"\n'
        "Facebook,Violence And Incitement,Content Actioned,2021Q3,100\n"
    )
    result = parse_file(SOURCE, f)
    rows, findings = normalise(result.records, load(), _ctx(f))
    assert findings == []
    got = {(r["policy_area"], r["metric"]): r["value"] for r in rows}
    assert got == {
        ("scams_and_fraud.fake_accounts", "accounts_actioned"): 1_800_000_000,
        ("violence.incitement_violence_hatred", "content_actioned"): 100,
    }


def _ctx(f):
    from transparency.harmonisation.normalise import Context

    return Context("meta_cser", "platform", "x", date(2021, 11, 1), f.name)


def test_real_releases_2021q3_to_2024q2_parse_with_every_label_mapped():
    """Every row of the twelve later releases is read and every label maps."""
    from transparency.harmonisation.normalise import normalise
    from transparency.harmonisation.registries import load

    reg = load()
    sizes = {}
    for y, q in (
        [(2021, 3), (2021, 4)]
        + [(y, q) for y in (2022, 2023) for q in range(1, 5)]
        + [
            (2024, 1),
            (2024, 2),
        ]
    ):
        f = shared_file(f"real/platforms/meta/meta-cser-{y}-q{q}.csv")
        result = parse_file(SOURCE, f)
        _, findings = normalise(result.records, reg, _ctx(f))
        assert findings == [], f.name
        sizes[f"{y}Q{q}"] = len(result.records)
    assert sizes["2021Q3"] == 2192 and sizes["2024Q2"] == 3809  # 3,809: sources/meta.md
