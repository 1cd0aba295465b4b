"""microsoft_dscr: the four real H1 workbooks (every figure reference/platform_figures.csv lists
for them, plus sources/microsoft.md section 7), the own fixtures, errors, and fetch."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal

import httpx
import pytest

from tests.conftest import FIXTURES, REPO, reference_figures, shared_file
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.parsing import parse_file, parse_snapshot
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore
from transparency.harmonisation.normalise import Context, normalise
from transparency.harmonisation.registries import load
from transparency.reading.records import ParseError

SOURCE = get_source("microsoft_dscr")
FIX = FIXTURES / "microsoft_dscr"
FILES = [
    "microsoft-2020-h1.xlsx",
    "microsoft-2021-h1.xlsx",
    "microsoft-2022-h1.xlsx",
    "microsoft-2023-h1.xlsx",
]
CSAM = "protection_of_minors.csam"

# reference/platform_figures.csv names -> ours: metric -> (metric id, factor from our value to theirs)
REF_METRIC = {
    "content_actioned": ("content_actioned", 1),
    "content_detected_proactively": (
        "proactive_rate",
        100,
    ),  # reference in percent, file in fractions
    "accounts_actioned": ("accounts_actioned", 1),
    "accounts_reinstated": ("accounts_reinstated_rate", 100),
    "ncmec_cybertip_reports": ("cybertipline_reports", 1),
}
REF_SERVICE = {
    "Hosted consumer services": "hosted_consumer",
    "Bing": "bing",
    "Microsoft consumer services": "all",
}
REF_POLICY = {"Child Sexual Exploitation & Abuse Imagery (CSEAI)": CSAM, "CSEAI": CSAM}


def observations(path):
    result = parse_file(SOURCE, path)
    rows, findings = normalise(
        result.records,
        load(),
        Context("microsoft_dscr", "platform", "x", date(2024, 1, 1), path.name),
    )
    return result, rows, findings


def matches(ours: float | None, factor: int, printed: str) -> bool:
    """Equal to the reference as printed: exact for counts; for percentages, equal to the printed
    number of decimals (0.9920180980023903 is listed as 99.2018)."""
    if ours is None:
        return False
    places = -Decimal(printed).as_tuple().exponent
    return abs(ours * factor - float(printed)) <= (0.5 * 10**-places if factor != 1 else 0) + 1e-9


@pytest.mark.parametrize("name", FILES)
def test_every_reference_figure_of_the_file(name):
    path = shared_file(f"real/platforms/microsoft/{name}")
    result, rows, findings = observations(path)
    assert len(result.records) == 14 and result.warnings == [] and findings == []
    refs = reference_figures(lambda r: r["platform"] == "Microsoft" and name in r["source_note"])
    assert len(refs) == 7
    keyed = {
        (r["service"], r["policy_area"], r["metric"], r["period_start"], r["period_end"]): r
        for r in rows
    }
    unmatched = []
    for ref in refs:
        service = next(v for k, v in REF_SERVICE.items() if ref["service"].startswith(k))
        metric, factor = REF_METRIC[ref["metric"]]
        hit = keyed.get(
            (
                service,
                REF_POLICY[ref["policy_area"]],
                metric,
                date.fromisoformat(ref["period_start"]),
                date.fromisoformat(ref["period_end"]),
            )
        )
        if (
            hit is None
            or hit["platform"] != "microsoft"
            or not matches(hit["value"], factor, ref["value"])
        ):
            unmatched.append(
                (ref["service"][:24], ref["metric"], ref["value"], hit and hit["value"])
            )
    assert not unmatched, f"{name}: reference figures not matched: {unmatched}"


# sources/microsoft.md section 7 (cell, period label, value as stored)
KNOWN = {
    "microsoft-2020-h1.xlsx": [
        ("C5", "January - June 2020", 84581),
        ("D5", None, 0.998),
        ("E5", None, 15935),
        ("G5", None, 718908),
        ("B6 (note)", None, 32622),
    ],
    "microsoft-2021-h1.xlsx": [
        ("C5", "January - June 2021", 76061),
        ("E5", None, 18568),
        ("G5", None, 176560),
        ("B6 (note)", None, 42481),
    ],
    "microsoft-2022-h1.xlsx": [
        ("C5", "Jan - Jun 2022", 40722),
        ("F5", None, 0.0056),
        ("G5", None, 176125),
        ("B7 (note)", None, 53957),
    ],
    "microsoft-2023-h1.xlsx": [
        ("C5", "January - June 2023", 46856),
        ("D5", None, 0.9920180980023903),
        ("E5", None, 7456),
        ("B7 (note)", None, 79971),
    ],
}


@pytest.mark.parametrize("name", FILES)
def test_known_cells_and_quirks(name):
    result = parse_file(SOURCE, shared_file(f"real/platforms/microsoft/{name}"))
    by_ref = {r.row_ref.removeprefix("sheet 'Digital Safety Content'!"): r for r in result.records}
    for cell, label, value in KNOWN[name]:
        assert by_ref[cell].value == value, cell
        if label:
            assert by_ref[cell].period_label == label
    year = int(name[10:14])
    assert {(r.period_start, r.period_end) for r in result.records} == {
        (date(year, 1, 1), date(year, 6, 30))
    }
    assert {r.raw_policy_label for r in result.records} == {
        "Child Sexual Exploitation & Abuse Imagery (CSEAI)",
        "CSEAI",
        "Terrorist & Violent Extremist Content (TVEC)",
        "Non-Consensual Intimate Imagery (NCII)",
    }
    bing = [r for r in result.records if r.service_label == "Bing Search Engine"]
    assert len(bing) == 2 and all(
        ("For Bing" in r.note) == (year == 2022) for r in bing
    )  # break noted in 2022 H1 only


def test_2020_restated_accounts_keep_star_and_footnote():
    result = parse_file(SOURCE, shared_file("real/platforms/microsoft/microsoft-2020-h1.xlsx"))
    [acc] = [r for r in result.records if r.row_ref.endswith("!E5")]
    assert (acc.value, acc.value_text, acc.qualifier) == (15935, "15,935*", "footnote")
    assert acc.note.startswith("Accounts Actioned number has been restated")


def test_tvec_and_ncii_tables_move_but_are_found():
    rows = {}
    for name in FILES:
        _, obs, _ = observations(shared_file(f"real/platforms/microsoft/{name}"))
        rows[name] = {(r["policy_area"], r["metric"]): (r["value"], r["row_ref"][-3:]) for r in obs}
    tvec, ncii = (
        "public_security.terrorism_violent_extremism",
        "cyber_violence.non_consensual_intimate_imagery",
    )
    assert rows["microsoft-2020-h1.xlsx"][(tvec, "content_actioned")] == (2650, "C12")
    assert rows["microsoft-2021-h1.xlsx"][(tvec, "content_actioned")] == (3411, "C11")
    assert rows["microsoft-2020-h1.xlsx"][(ncii, "removal_requests_received")] == (248, "C18")
    assert rows["microsoft-2021-h1.xlsx"][(ncii, "removal_requests_received")] == (565, "C17")
    assert rows["microsoft-2023-h1.xlsx"][(ncii, "removal_requests_actioned_rate")][
        0
    ] == pytest.approx(0.42096069868995634)


# ---------------------------------------------------------------- own fixtures


def test_fixture_2020_h1():
    result, rows, findings = observations(FIX / "microsoft-dscr-sample-2020-h1.xlsx")
    assert len(result.records) == 14 and result.warnings == [] and findings == []
    keyed = {(r["service"], r["policy_area"], r["metric"]): r for r in rows}
    assert keyed[("hosted_consumer", CSAM, "content_actioned")]["value"] == 84581
    assert keyed[("hosted_consumer", CSAM, "accounts_actioned")]["value_text"] == "15,935*"
    assert keyed[("bing", CSAM, "content_actioned")]["value"] == 718908
    assert keyed[("all", CSAM, "cybertipline_reports")]["value"] == 32622
    assert (
        keyed[
            (
                "all",
                "cyber_violence.non_consensual_intimate_imagery",
                "removal_requests_actioned_rate",
            )
        ]["value"]
        == 0.76
    )
    assert {r["period_label"] for r in rows} == {"2020-H1"}


def test_fixture_moved_h2_with_note_mismatch_and_blank():
    result, rows, findings = observations(FIX / "microsoft-dscr-sample-2023-h2.xlsx")
    assert len(result.records) == 14 and findings == []
    assert {(r["period_start"], r["period_end"]) for r in rows} == {
        (date(2023, 7, 1), date(2023, 12, 31))
    }
    keyed = {(r["service"], r["policy_area"], r["metric"]): r for r in rows}
    assert keyed[("hosted_consumer", CSAM, "content_actioned")]["row_ref"].endswith("!D7")
    assert keyed[("hosted_consumer", CSAM, "accounts_reinstated_rate")]["value"] is None
    assert keyed[("all", CSAM, "cybertipline_reports")]["value"] == 80000
    assert [w.row[-2:] for w in result.warnings] == ["C5", "G7"]
    assert (
        "January to June 2023" in result.warnings[0].message
        and "blank" in result.warnings[1].message
    )


# ---------------------------------------------------------------- errors


def test_not_a_workbook_and_no_table_are_parse_errors(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01 not a workbook")
    with pytest.raises(ParseError, match=r"junk.xlsx: not a readable XLSX workbook"):
        parse_file(SOURCE, junk)
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["B1"] = "Digital Safety Content Report"
    wb.active["B3"] = "no period here"
    empty = tmp_path / "empty.xlsx"
    wb.save(empty)
    with pytest.raises(ParseError, match="no table found"):
        parse_file(SOURCE, empty)


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "transparency", *args], capture_output=True, text=True, env=env
    )


def test_cli_parse_contract_and_exit_2(tmp_path):
    p = cli("parse", "microsoft_dscr", str(FIX / "microsoft-dscr-sample-2020-h1.xlsx"))
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert len(rows) == 14
    [bing] = [r for r in rows if r["service"] == "bing" and r["metric"] == "content_actioned"]
    assert (bing["value"], bing["policy_area"], bing["unit"], bing["period_start"]) == (
        "718908",
        CSAM,
        "pieces of content",
        "2020-01-01",
    )
    bad = tmp_path / "bad.xlsx"
    bad.write_text("nope")
    p = cli("parse", "microsoft_dscr", str(bad))
    assert (
        p.returncode == 2
        and p.stdout == ""
        and len(p.stderr.strip().splitlines()) == 1
        and "bad.xlsx" in p.stderr
    )


# ---------------------------------------------------------------- fetch (offline)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CMS = "https://query.prod.cms.rt.microsoft.com/cms/api/am/binary/RW1fKsT"
PAGE = f"""<!doctype html><html><body><main>
<h2>Digital Safety Content Report</h2>
<p>Download the data:</p>
<ul>
<li><a href="{CMS}" aria-label="Download July - December 2023 data (XLSX)">Jul-Dec 2023</a></li>
<li><a href="/content/dam/msft/csr/microsoft-dscr-january-june-2020.xlsx">January - June 2020 (Excel)</a></li>
<li><a href="/en-us/corporate-responsibility/reports-hub">All reports</a></li>
</ul></main></body></html>"""


def test_fetch_discovers_every_xlsx_on_the_page(tmp_path):
    files = {
        CMS: (FIX / "microsoft-dscr-sample-2023-h2.xlsx").read_bytes(),
        "https://www.microsoft.com/content/dam/msft/csr/microsoft-dscr-january-june-2020.xlsx": (
            FIX / "microsoft-dscr-sample-2020-h1.xlsx"
        ).read_bytes(),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url.endswith("/robots.txt"):
            return httpx.Response(404)
        if url == SOURCE.decl.homepage:
            return httpx.Response(
                200, text=PAGE, headers={"Content-Type": "text/html; charset=utf-8"}
            )
        if url in files:
            return httpx.Response(200, content=files[url], headers={"Content-Type": XLSX_TYPE})
        return httpx.Response(404)

    store = SnapshotStore(tmp_path / "store")
    with PoliteClient(
        allowed_hosts=SOURCE.decl.hosts,
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        policy=FetchPolicy(min_interval=0),
    ) as client:
        outcomes = SOURCE.fetch(client, store)
        assert [o.status for o in outcomes] == ["new", "new"]
        assert [o.snapshot.filename for o in outcomes] == [
            "microsoft-dscr-2023-h2.xlsx",
            "microsoft-dscr-2020-h1.xlsx",
        ]
        counts = [len(parse_snapshot(SOURCE, o.snapshot, store)[0].records) for o in outcomes]
        assert counts == [14, 14]
        assert [o.status for o in SOURCE.fetch(client, store)] == ["unchanged", "unchanged"]


def test_fetch_reports_a_page_without_links(tmp_path):
    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url).endswith("/robots.txt"):
            return httpx.Response(404)
        return httpx.Response(
            200, text="<html><body>moved</body></html>", headers={"Content-Type": "text/html"}
        )

    with PoliteClient(
        allowed_hosts=SOURCE.decl.hosts,
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        policy=FetchPolicy(min_interval=0),
    ) as client:
        [out] = SOURCE.fetch(client, SnapshotStore(tmp_path / "store"))
    assert out.status == "failed" and "no XLSX download link" in out.message


def test_a_file_name_without_suffix_parses(tmp_path):
    """Fetched files may be named after an extension-less CMS URL."""
    target = tmp_path / "RW1fKsT"
    target.write_bytes((FIX / "microsoft-dscr-sample-2020-h1.xlsx").read_bytes())
    assert len(parse_file(SOURCE, target).records) == 14
