"""ncmec_reports_by_esp: the real 2019, 2021 and 2023 PDFs (every reference figure, every row,
the printed totals), the alias registry, the project's own fixtures, errors and fetch."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import httpx
import pytest

from scripts.make_ncmec_fixture import Page, finish, pdf_bytes
from tests.conftest import FIXTURES, REPO, reference_figures, shared_file
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore
from transparency.harmonisation import registries
from transparency.harmonisation.normalise import Context, normalise
from transparency.reading.records import ParseError, ParseResult

SOURCE = get_source("ncmec_reports_by_esp")
OWN = FIXTURES / "ncmec_reports_by_esp"
REAL = "real/platforms/ncmec/ncmec-reports-by-esp-{year}.pdf"
TOTAL = re.compile(r"totals?:?", re.IGNORECASE)

# year -> (ESP rows, printed total label, printed total, pages, metric label)
EXPECTED = {
    2019: (148, "Totals:", 16_836_694, 5, "Number of Reports"),
    2020: (168, "Totals:", 21_447_786, 6, "Number of Reports"),  # added with issue 13
    2021: (230, "Total:", 29_157_083, 7, "Number of Reports"),
    2022: (236, "Total", 31_802_525, 7, "Reports"),  # added with issue 13
    2023: (247, "Total", 35_944_826, 8, "Reports"),
}
REFERENCED = (2019, 2021, 2023)  # the years ../shared/reference/platform_figures.csv lists


@cache
def real(year: int) -> ParseResult:
    return parse_file(SOURCE, shared_file(REAL.format(year=year)))


def by_label(result: ParseResult) -> dict[str, float | None]:
    return {r.platform_label: r.value for r in result.records}


def esp_rows(result: ParseResult):
    return [r for r in result.records if not TOTAL.fullmatch(r.platform_label)]


def printed_label(note: str) -> str:
    m = re.search(r'(?:label as printed:|, row) "([^"]+)"', note)
    assert m, f"no printed label in reference note {note!r}"
    return m[1]


@pytest.mark.parametrize("year", REFERENCED)
def test_every_reference_figure_is_extracted(year):
    """Every figure ../shared/reference/platform_figures.csv lists for this PDF, exact."""
    name = Path(REAL.format(year=year)).name
    refs = reference_figures(lambda r: name in r["source_note"])
    assert refs, f"no reference figures name {name}"
    records = {
        (r.platform_label, r.period_start.isoformat(), r.period_end.isoformat()): r
        for r in real(year).records
    }
    unmatched = []
    for ref in refs:
        key = (printed_label(ref["source_note"]), ref["period_start"], ref["period_end"])
        rec = records.get(key)
        if rec is None or rec.value != float(ref["value"]):
            unmatched.append(
                f"{key}: reference {ref['value']}, parsed {rec.value if rec else 'nothing'}"
            )
    assert not unmatched, (
        f"{len(unmatched)} of {len(refs)} reference figures not matched:\n" + "\n".join(unmatched)
    )
    # 2019: 25 ESP figures + total, 2021: 31 + total, 2023: 36 + total
    assert len(refs) == {2019: 26, 2021: 32, 2023: 37}[year]


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_every_row_and_the_printed_total(year):
    n_rows, total_label, total, pages, metric = EXPECTED[year]
    result = real(year)
    rows = esp_rows(result)
    assert len(rows) == n_rows
    assert len({r.platform_label for r in rows}) == n_rows  # no ESP printed twice
    totals = [r for r in result.records if TOTAL.fullmatch(r.platform_label)]
    assert [(t.platform_label, t.value, t.value_text) for t in totals] == [
        (total_label, total, f"{total:,}")
    ]
    assert totals[0].row_ref.startswith(f"page {pages},")
    assert sum(r.value for r in rows) == total  # 2019 too: the wrapped 'NameBargain 1' row is kept
    assert result.warnings == []
    assert {(r.period_start, r.period_end, r.period_label) for r in result.records} == {
        (date(year, 1, 1), date(year, 12, 31), str(year))
    }
    assert {r.raw_metric_label for r in result.records} == {metric}
    assert {r.raw_policy_label for r in result.records} == {"CyberTipline"}
    assert all(r.value is not None and r.value > 0 and r.qualifier == "" for r in result.records)
    assert max(int(r.row_ref.split()[1].rstrip(",")) for r in result.records) == pages


def test_known_values_and_wrapped_names():
    v19, v21, v23 = (by_label(real(y)) for y in (2019, 2021, 2023))
    assert (v19["Facebook*"], v19["Google*"], v19["Snapchat"], v19["TikTok"]) == (
        15_884_511,
        449_283,
        82_030,
        596,
    )
    assert v19["INHOPE"] == 74_165
    assert v19["Deluxe Corporation/ColoCrossing / HudsonValleyHost"] == 22
    assert v19["EasyOnlineSolutions/MojoHost/ North Tone/ Hosthead"] == 18
    assert v19["Hosting Services Inc/Midphase/WestHost/ Autica/VPS"] == 46
    assert v19["Multi Media, LLC/Zmedianow, LLC/ Chaturbate"] == 1_466
    assert v19["Web.com/Network Solutions/Register/ NameBargain"] == 1
    assert (v21["Facebook"], v21["Instagram"], v21["WhatsApp"]) == (
        22_118_952,
        3_393_654,
        1_372_696,
    )
    assert v21["EasyOnlineSolutions/MojoHost/ North Tone/Hosthead"] == 41
    assert v21["Hosting Services Inc/Midphase/ WestHost/Autica/VPS"] == 33
    assert v21["Web.com/Network Solutions/ Register/NameBargain"] == 3
    assert (v21["4chan"], v21["7web"]) == (973, 1_908)
    assert (v23["Facebook"], v23["Instagram, Inc."], v23["WhatsApp Inc."], v23["Google"]) == (
        17_838_422,
        11_430_007,
        1_389_618,
        1_470_958,
    )
    assert (v23["X Corp"], v23["Twitter, Inc. / Vine.co"]) == (273_416, 597_087)
    assert (v23["Discord Inc."], v23["Microsoft - Online Operations"]) == (339_412, 139_265)
    assert "Facebook*" not in v23 and "Facebook" not in v19


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_every_esp_label_is_mapped_once(year):
    """No unmapped label, and no two ESP rows of one file on the same platform/service."""
    result = real(year)
    rows, findings = normalise(
        result.records,
        registries.load(),
        Context(SOURCE.id, "NCMEC", "sha", date(year + 1, 4, 1), f"{year}.pdf"),
    )
    assert findings == []
    keys = Counter((r["platform"], r["service"]) for r in rows)
    assert [k for k, n in keys.items() if n > 1] == []
    assert {
        (r["policy_area"], r["metric"], r["unit"], r["scope"], r["reporter"]) for r in rows
    } == {
        (
            "protection_of_minors.child_sexual_exploitation",
            "cybertipline_reports_received",
            "reports",
            "global",
            "NCMEC",
        )
    }
    mapped = {r["raw_platform_label"]: (r["platform"], r["service"], r["value"]) for r in rows}
    total = EXPECTED[year][2]
    assert mapped[EXPECTED[year][1]] == ("all_esps", "all", total)
    assert sum(r["value"] for r in rows if r["platform"] != "all_esps") == total


def test_family_totals_stay_apart_from_single_services():
    reg = registries.load()
    assert reg.platform("Facebook*") == ("meta", "")  # all of Meta (service 'all')
    assert reg.platform("Google*") == ("google", "")
    assert reg.platform("Microsoft*") == ("microsoft", "")
    assert reg.platform("Facebook") == ("meta", "facebook")
    assert reg.platform("Instagram, Inc.") == ("meta", "instagram")
    assert reg.platform("WhatsApp Inc.") == ("meta", "whatsapp")
    assert reg.platform("Twitter, Inc. / Vine.co") == ("x", "twitter")
    assert reg.platform("X Corp") == ("x", "x")
    assert reg.platform("Discord") == reg.platform("Discord Inc.") == ("discord", "discord")
    assert reg.platform("MG Freesites Ltd (dba Pornhub)") == ("aylo", "pornhub")
    assert reg.platform("Aylo Freesites Ltd (dba Pornhub)") == ("aylo", "pornhub_aylo_freesites")
    assert reg.platform("INHOPE") == ("inhope", "")
    assert reg.label(SOURCE.id, "platform", "Totals:") == "all_esps"


# ---------------------------------------------------------------- own fixtures (no ../shared needed)


def test_own_2021_fixture_two_pages_and_both_wrap_styles():
    result = parse_file(SOURCE, OWN / "ncmec-esp-sample-2021.pdf")
    got = [(r.row_ref, r.platform_label, r.value) for r in result.records]
    assert got == [
        ("page 1, row 1", "4chan", 973),
        ("page 1, row 2", "Facebook", 22_118_952),
        ("page 1, row 3", "Instagram", 3_393_654),
        ("page 1, row 4", "Web.com/Network Solutions/ Register/NameBargain", 3),
        ("page 1, row 5", "Wickr", 15),
        ("page 2, row 1", "EasyOnlineSolutions/MojoHost/ North Tone/Hosthead", 41),
        ("page 2, row 2", "WhatsApp", 1_372_696),
        ("page 2, row 3", "Total:", 26_886_334),
    ]
    assert {(r.period_label, r.raw_metric_label) for r in result.records} == {
        ("2021", "Number of Reports")
    }
    assert result.warnings == []


def test_own_2019_fixture_warns_when_the_total_differs():
    result = parse_file(SOURCE, OWN / "ncmec-esp-sample-2019.pdf")
    assert by_label(result) == {
        "Facebook*": 15_884_511,
        "Deluxe Corporation/ColoCrossing / HudsonValleyHost": 22,
        "Google*": 449_283,
        "Twitter, Inc.": 45_726,
        "Totals:": 16_379_543,
    }
    assert [str(w) for w in result.warnings] == [
        "ncmec-esp-sample-2019.pdf, total row: the 4 ESP rows sum to 16,379,542, the printed total is "
        "16,379,543 (difference +1); both kept as printed"
    ]


def test_own_2023_fixture_and_its_mapping():
    result = parse_file(SOURCE, OWN / "ncmec-esp-sample-2023.pdf")
    rows, findings = normalise(
        result.records,
        registries.load(),
        Context(SOURCE.id, "NCMEC", "sha", date(2024, 4, 12), "x.pdf"),
    )
    assert findings == [] and result.warnings == []
    assert {(r["platform"], r["service"]): r["value"] for r in rows} == {
        ("meta", "instagram"): 11_430_007,
        ("x", "twitter"): 597_087,
        ("meta", "whatsapp"): 1_389_618,
        ("x", "x"): 273_416,
        ("all_esps", "all"): 13_690_128,
    }
    assert {r["raw_metric_label"] for r in rows} == {"Reports"}


def _pdf(tmp_path: Path, name: str, lines: list[tuple[float, float, str]]) -> Path:
    page = Page()
    for x, y, text in lines:
        page.text(x, y, text)
    path = tmp_path / name
    path.write_bytes(pdf_bytes([finish(page, 2023, None)], "test"))
    return path


def test_not_a_pdf_is_a_clean_error(tmp_path):
    bad = tmp_path / "2023-reports-by-esp.pdf"
    bad.write_text("<html>Access denied</html>")
    with pytest.raises(ParseError, match=r"2023-reports-by-esp.pdf: not a readable PDF"):
        parse_file(SOURCE, bad)


def test_a_pdf_without_the_table_is_a_clean_error(tmp_path):
    other = _pdf(
        tmp_path, "other.pdf", [(72, 700, "Annual report 2023"), (72, 680, "Nothing to see 12")]
    )
    with pytest.raises(ParseError, match=r"other.pdf: no title 'YYYY CyberTipline Reports by"):
        parse_file(SOURCE, other)
    titled = _pdf(
        tmp_path, "titled.pdf", [(72, 700, "2023 CyberTipline Reports by"), (72, 680, "no table")]
    )
    with pytest.raises(ParseError, match=r"titled.pdf: no ESP rows found"):
        parse_file(SOURCE, titled)


def test_a_count_without_a_name_names_the_page(tmp_path):
    # "ESP Reports" (Courier 11) ends at 122 + 11 * 6.6 = 194.6: the count "12" is right-aligned there
    lone = _pdf(
        tmp_path,
        "lone.pdf",
        [
            (72, 720, "2023 CyberTipline Reports by"),
            (122, 700, "ESP Reports"),
            (181.4, 680, "12"),
            (122, 600, "Far away name"),
        ],
    )
    with pytest.raises(ParseError, match=r"lone.pdf, page 1: count 12 has no ESP name beside it"):
        parse_file(SOURCE, lone)


def test_cli_parse_contract_on_own_fixture():
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "transparency",
            "parse",
            SOURCE.id,
            str(OWN / "ncmec-esp-sample-2023.pdf"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert p.stdout.splitlines()[0] == (
        "platform,service,scope,period_start,period_end,policy_area,metric,"
        "value,unit,raw_policy_label,raw_metric_label"
    )
    assert [(r["platform"], r["service"], r["value"]) for r in rows][-1] == (
        "all_esps",
        "all",
        "13690128",
    )
    assert {(r["period_start"], r["period_end"], r["metric"], r["unit"]) for r in rows} == {
        ("2023-01-01", "2023-12-31", "cybertipline_reports_received", "reports")
    }


# ---------------------------------------------------------------- fetch (offline)


def _client(handler) -> PoliteClient:
    return PoliteClient(
        allowed_hosts=SOURCE.decl.hosts,
        transport=httpx.MockTransport(handler),
        policy=FetchPolicy(min_interval=0, backoff=0),
        sleep=lambda s: None,
    )


def test_fetch_discovers_links_and_falls_back_to_the_url_pattern(tmp_path):
    pdf = (OWN / "ncmec-esp-sample-2023.pdf").read_bytes()
    landing = (
        '<html><body><a href="/content/dam/missingkids/pdfs/2022-reports-by-esp.pdf">2022</a>'
        '<a href="https://www.missingkids.org/content/dam/missingkids/pdfs/2023-reports-by-esp.pdf">2023</a>'
        '<a href="/content/dam/missingkids/pdfs/2023-reports-by-country.pdf">by country</a></body></html>'
    )
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        seen.append(url)
        if url.endswith("/robots.txt"):
            return httpx.Response(404)
        if url == "https://www.missingkids.org/cybertiplinedata":
            return httpx.Response(200, text=landing, headers={"Content-Type": "text/html"})
        if url.startswith("https://www.ncmec.org/"):
            return httpx.Response(503 if "cybertiplinedata" in url else 404)
        if url.endswith("2020-reports-by-esp.pdf"):  # a bot wall instead of the PDF
            return httpx.Response(
                200, text="<html>blocked</html>", headers={"Content-Type": "text/html"}
            )
        if re.search(r"/20(19|21|22|23)-reports-by-esp\.pdf$", url):
            if request.headers.get("If-None-Match") == '"v1"':
                return httpx.Response(304)
            return httpx.Response(
                200, content=pdf, headers={"Content-Type": "application/pdf", "ETag": '"v1"'}
            )
        return httpx.Response(404)

    store = SnapshotStore(tmp_path / "store")
    with _client(handler) as client:
        outcomes = SOURCE.fetch(client, store, today=date(2024, 6, 1))
    got = {o.url.rsplit("/", 1)[-1]: o.status for o in outcomes}
    assert got == {
        "2019-reports-by-esp.pdf": "new",
        "2020-reports-by-esp.pdf": "failed",
        "2021-reports-by-esp.pdf": "unchanged",
        "2022-reports-by-esp.pdf": "unchanged",
        "2023-reports-by-esp.pdf": "unchanged",
    }  # the same bytes are stored once
    assert "expected application/pdf" in next(o.message for o in outcomes if o.status == "failed")
    snaps = list(store)
    assert (
        len(snaps) == 1
        and snaps[0].source_id == SOURCE.id
        and snaps[0].media_type == "application/pdf"
    )
    assert (
        snaps[0].url
        == "https://www.missingkids.org/content/dam/missingkids/pdfs/2019-reports-by-esp.pdf"
    )
    assert not any("2024-reports" in u for u in seen)  # not yet due on 2024-06-01
    with _client(handler) as client:  # a second run asks conditionally and gets 304
        again = SOURCE.fetch(client, store, today=date(2024, 6, 1))
    assert {o.url.rsplit("/", 1)[-1]: o.status for o in again}[
        "2019-reports-by-esp.pdf"
    ] == "unchanged"


def test_fetch_never_leaves_the_declared_hosts(tmp_path):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if "reports-by-esp" in request.url.path:
            return httpx.Response(302, headers={"Location": "https://evil.example.com/x.pdf"})
        return httpx.Response(404)

    with _client(handler) as client:
        outcomes = SOURCE.fetch(client, SnapshotStore(tmp_path / "s"), today=date(2020, 6, 1))
    assert [o.status for o in outcomes] == ["failed"]
    assert (
        "evil.example.com" in outcomes[0].message
        and "not one of this source's hosts" in outcomes[0].message
    )
