"""diaphanous_comparison: every row of the real file, the own fixture, and clean errors."""

from datetime import date

import httpx
import pytest

from tests.conftest import FIXTURES, shared_file
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore
from transparency.harmonisation import registries
from transparency.harmonisation.normalise import Context, normalise
from transparency.reading.records import ParseError

SOURCE = get_source("diaphanous_comparison")


def test_real_file_every_row():
    result = parse_file(
        SOURCE, shared_file("real/platforms/curated-diaphanous/comparable-reports-by-provider.csv")
    )
    assert len(result.records) == 60 and result.warnings == []
    got = {(r.platform_label, r.period_label, r.reporter): r.value for r in result.records}
    assert len(got) == 60
    assert sum(1 for k in got if k[2] == "NCMEC") == 30
    assert {k[0] for k in got} == {
        "Amazon", "Aylo", "Discord", "Google", "Microsoft", "Pinterest", "Reddit", "Snap"
    }  # fmt: skip
    assert got[("Amazon", "2022", "platform")] == 67_073
    assert got[("Amazon", "2022", "NCMEC")] == 70_157
    assert got[("Discord", "2023", "platform")] == 164_478
    assert got[("Discord", "2023", "NCMEC")] == 339_412
    # NCMEC's 2023 reports-by-ESP PDF prints Google 1,470,958 (ncmec_reports_by_esp asserts it)
    assert got[("Google", "2023", "NCMEC")] == 1_470_958
    assert got[("Reddit", "2019", "platform")] == got[("Reddit", "2019", "NCMEC")] == 724


def test_fixture_normalises_to_both_sides():
    result = parse_file(SOURCE, FIXTURES / "diaphanous_comparison" / "sample.csv")
    rows, findings = normalise(
        result.records,
        registries.load(),
        Context("diaphanous_comparison", "platform", "x", date(2024, 10, 22), "sample.csv"),
    )
    assert findings == []
    got = {(r["platform"], r["period_label"], r["metric"], r["reporter"]): r["value"] for r in rows}
    assert got == {
        ("amazon", "2022", "cybertipline_reports", "platform"): 67_073,
        ("amazon", "2022", "cybertipline_reports_received", "NCMEC"): 70_157,
        ("snap", "2023", "cybertipline_reports", "platform"): 691_225,
        ("snap", "2023", "cybertipline_reports_received", "NCMEC"): 713_055,
    }
    assert {r["policy_area"] for r in rows} == {"protection_of_minors.child_sexual_exploitation"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "year,observer,count,topic\n2023,Meta,5,Snap\n",
            r"bad.csv, line 2: observer 'Meta' is neither NCMEC nor the platform 'Snap'",
        ),
        ("year,observer,count,topic\n2023-H1,Snap,5,Snap\n", r"line 2: '2023-H1' is not a year"),
        ("year,observer,count,topic\n2023,Snap,5\n", r"line 2: expected 4 fields, found 3"),
        ("year,observer,count\n", r"line 1: expected header year,observer,count,topic"),
        ("year,observer,count,topic\n", r"no data rows"),
    ],
)
def test_bad_input_is_a_clean_error(tmp_path, text, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    with pytest.raises(ParseError, match=message):
        parse_file(SOURCE, bad)


def test_fetch_refuses_an_html_page(tmp_path):
    """A bot wall or error page in place of the CSV is a failure, and nothing is stored."""

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url).endswith("/robots.txt"):
            return httpx.Response(404)
        return httpx.Response(
            200, text="<html>rate limited</html>", headers={"Content-Type": "text/html"}
        )

    store = SnapshotStore(tmp_path / "store")
    with PoliteClient(
        allowed_hosts=SOURCE.decl.hosts,
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        policy=FetchPolicy(min_interval=0),
    ) as client:
        [out] = SOURCE.fetch(client, store)
    assert out.status == "failed" and "text/html" in out.message
    assert list(store) == []
