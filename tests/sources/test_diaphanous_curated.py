"""diaphanous_curated: every reference figure naming the curated files, and the own fixtures."""

import re
from collections import Counter, defaultdict
from datetime import date

import httpx
import pytest

from scrapers.diaphanous_curated import REDUNDANT_SUFFIX
from tests.conftest import FIXTURES, reference_figures, shared_file
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore
from transparency.harmonisation import registries
from transparency.harmonisation.normalise import Context, normalise
from transparency.reading.records import ParseError

SOURCE = get_source("diaphanous_curated")
CURATED = "real/platforms/curated-diaphanous/"
# The name NCMEC's block uses for a reference row's (platform, service).
NCMEC_NAME = {("Meta", "Facebook"): "Facebook", ("Meta", "Instagram"): "Instagram"}
NCMEC_METRIC = {
    "ncmec_hosted_csam_notifications_sent": "NCMEC / notifications_sent",
    "avg_days_to_remove_after_ncmec_notification": "NCMEC / response_time",
}


def _by_key(records):
    """Values by (file's platform name, period start, period end, raw metric label); a redundant
    row's figure (kept under a marked label) stands for its column where no other row gives it."""
    out = defaultdict(list)
    marked = defaultdict(list)
    for r in records:
        column = r.raw_metric_label.removesuffix(REDUNDANT_SUFFIX)
        into = marked if column != r.raw_metric_label else out
        into[(r.platform_label, r.period_start, r.period_end, column)].append(r.value)
    for key, values in marked.items():
        if key not in out:
            out[key] = values
    return out


def test_real_json_gives_every_reference_figure():
    result = parse_file(SOURCE, shared_file(CURATED + "ocse-reports-per-platform.json"))
    assert len(result.records) == 934  # 930 + the 4 redundant Snap cells, kept marked (issue 13)
    got = _by_key(result.records)
    refs = reference_figures(lambda r: "ocse-reports-per-platform" in r["source_note"])
    assert len(refs) == 399
    expected = defaultdict(list)
    for ref in refs:
        start, end = date.fromisoformat(ref["period_start"]), date.fromisoformat(ref["period_end"])
        m = re.search(
            r'transcription of (\S+) disclosure.*column "([^"]+)", period "([^"]+)"',
            ref["source_note"],
        )
        if m:
            name, column = m[1], m[2]
        else:
            assert "notifications by NCMEC per ESP" in ref["source_note"], ref
            name = NCMEC_NAME.get((ref["platform"], ref["service"]), ref["service"])
            column = NCMEC_METRIC[ref["metric"]]
        expected[(name, start, end, column)].append(float(ref["value"]))
    for key, values in expected.items():
        # NCMEC lists Microsoft twice in 2021 and three times in 2022: compare every entry
        assert sorted(got[key]) == sorted(values), key


def test_real_json_rules_of_the_codebook():
    result = parse_file(SOURCE, shared_file(CURATED + "ocse-reports-per-platform.json"))
    # every row the curator marks redundant is treated alike (issue 13): Twitch within Amazon's
    # totals (8 half-years), Reddit's 2022 half-years within the annual row (3 cells) and Snap's
    # computed account counts (4) are all kept under a marked label, none dropped, none merged
    assert result.warnings == []
    marked = [r for r in result.records if r.raw_metric_label.endswith(REDUNDANT_SUFFIX)]
    assert Counter(r.platform_label for r in marked) == {"Twitch": 8, "Reddit": 3, "Snap": 4}
    assert all("marked redundant" in r.note for r in marked)
    recs = {
        (r.platform_label, r.service_label, r.period_label, r.raw_metric_label): r
        for r in result.records
    }
    # Microsoft's first row of a half-year is Bing (Microsoft's own XLSX: 227,823 in H1 2023)
    assert recs[("Microsoft", "Bing", "2023 H1", "pieces")].value == 227_823
    assert recs[("Microsoft", "Microsoft consumer services", "2023 H1", "pieces")].value == 46_856
    assert recs[("Microsoft", "Microsoft consumer services", "2023 H1", "reports")].value == 79_971
    assert recs[("Snap", "", "2021 H1", "accounts")].value == 119_134
    # who states the figure: NCMEC for its block, the platform otherwise
    reporters = {r.reporter for r in result.records if r.raw_metric_label.startswith("NCMEC / ")}
    assert reporters == {"NCMEC"}
    assert {r.reporter for r in result.records if not r.raw_metric_label.startswith("NCMEC")} == {
        ""
    }


def _normalised(name):
    result = parse_file(SOURCE, FIXTURES / "diaphanous_curated" / name)
    rows, findings = normalise(
        result.records,
        registries.load(),
        Context("diaphanous_curated", "platform", "x", date(2024, 10, 16), name),
    )
    assert findings == []
    return result, rows


def test_fixture_normalises_with_services_and_reporters():
    result, rows = _normalised("sample.json")
    got = {
        (
            r["platform"],
            r["service"],
            r["period_label"],
            r["metric"],
            r["policy_area"],
            r["reporter"],
        ): r["value"]
        for r in rows
        if r["metric"]
    }
    csa = "protection_of_minors.child_sexual_exploitation"
    assert (
        got[
            (
                "amazon",
                "all",
                "2023",
                "cybertipline_reports",
                "protection_of_minors.csam",
                "platform",
            )
        ]
        == 31_281
    )
    assert (
        got[
            ("amazon", "all", "2023", "accounts_suspended", "protection_of_minors.csam", "platform")
        ]
        == 4_111
    )
    assert (
        got[
            (
                "microsoft",
                "bing",
                "2023-H1",
                "content_actioned",
                "protection_of_minors.csam",
                "platform",
            )
        ]
        == 227_823
    )
    assert (
        got[
            (
                "microsoft",
                "hosted_consumer",
                "2023-H1",
                "cybertipline_reports",
                "protection_of_minors.csam",
                "platform",
            )
        ]
        == 79_971
    )
    assert got[("snap", "snapchat", "2021-H1", "accounts_suspended", csa, "platform")] == 119_134
    # Twitch's row is marked redundant (within Amazon's totals): kept, but in no harmonised total
    assert ("amazon", "twitch", "2023-H2", "cybertipline_reports", csa, "platform") not in got
    assert (
        got[
            (
                "google",
                "google_excl_youtube",
                "2023-H2",
                "urls_deindexed",
                "protection_of_minors.csam",
                "platform",
            )
        ]
        == 381_103
    )
    assert (
        got[
            (
                "discord",
                "discord",
                "2021",
                "ncmec_hosted_csam_notifications",
                "protection_of_minors.csam",
                "NCMEC",
            )
        ]
        == 68
    )
    assert (
        got[
            (
                "automattic",
                "wordpress_com",
                "2021",
                "ncmec_notification_response_days",
                "protection_of_minors.csam",
                "NCMEC",
            )
        ]
        == 1.95
    )
    assert (
        got[
            (
                "microsoft",
                "microsoft_ncmec_entry_1",
                "2021",
                "cybertipline_reports_received",
                csa,
                "NCMEC",
            )
        ]
        == 78_603
    )
    assert (
        got[
            (
                "microsoft",
                "microsoft_ncmec_entry_2",
                "2021",
                "ncmec_hosted_csam_notifications",
                "protection_of_minors.csam",
                "NCMEC",
            )
        ]
        == 2
    )
    assert (
        got[("all_esps", "all", "2021", "cybertipline_reports_received", csa, "NCMEC")]
        == 29_157_083
    )
    assert (
        got[("cybertipline_all", "all", "2021", "cybertipline_reports_received", csa, "NCMEC")]
        == 29_397_681
    )
    # both redundant "F / 100 * N" cells are kept alike: computed and marked approximate
    approx = sorted(
        (r for r in result.records if r.qualifier == "approx"), key=lambda r: r.period_start
    )
    assert [(r.period_label, r.value_text) for r in approx] == [
        ("2019 H2", "2.51 / 100 * 1,355,163"),
        ("2021 H1", "5.43 / 100 * 2,510,798"),
    ]
    assert approx[0].value == pytest.approx(34_014.59, abs=0.01)
    # the 2021 H1 one beside a published count: kept apart under its marked label, not
    # harmonised, so no total counts it (nor Twitch's redundant 2023 H2) twice
    assert result.warnings == []
    marked = [r for r in rows if r["raw_metric_label"].endswith(REDUNDANT_SUFFIX)]
    assert sorted((r["raw_platform_label"], r["period_label"]) for r in marked) == [
        ("Snap", "2019-H2"),
        ("Snap", "2021-H1"),
        ("Twitch", "2023-H2"),
    ]
    assert all(r["metric"] is None for r in marked)
    assert len(rows) == 37


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"@": {}, "Snap": {"columns": ["pieces"], "rows": [{"2023 H2": [1, 2]}]}}',
            r"Snap row 1: 2023 H2: 2 cells for 1 columns",
        ),
        (
            '{"@": {}, "Snap": {"columns": ["pieces"], "rows": [{"Summer 2023": [1]}]}}',
            r"Snap row 1: ",
        ),
        ('{"@": {}, "Snap": {"columns": ["pieces"]}}', r"'Snap' needs both 'columns' and 'rows'"),
        ('{"Snap": {}}', r"no '@' citation record"),
        ('{"@": {}, "Snap": {', r"not JSON"),
    ],
)
def test_bad_input_is_a_clean_error(tmp_path, text, message):
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    with pytest.raises(ParseError, match=message):
        parse_file(SOURCE, bad)


def test_fetch_stores_the_file_then_asks_conditionally(tmp_path):
    """raw.githubusercontent.com serves the file as text/plain with an ETag."""
    bodies = {
        SOURCE.decl.download_urls[0]: (
            FIXTURES / "diaphanous_curated" / "sample.json"
        ).read_bytes(),
    }
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url.endswith("/robots.txt"):
            return httpx.Response(404)
        seen.append((url.rsplit("/", 1)[1], request.headers.get("If-None-Match")))
        etag = f'"{hash(bodies[url])}"'
        if request.headers.get("If-None-Match") == etag:
            return httpx.Response(304)
        return httpx.Response(
            200,
            content=bodies[url],
            headers={"Content-Type": "text/plain; charset=utf-8", "ETag": etag},
        )

    store = SnapshotStore(tmp_path / "store")
    for expected in (["new"], ["unchanged"]):
        with PoliteClient(
            allowed_hosts=SOURCE.decl.hosts,
            transport=httpx.MockTransport(handler),
            sleep=lambda s: None,
            policy=FetchPolicy(min_interval=0),
        ) as client:
            outcomes = SOURCE.fetch(client, store)
        assert [o.status for o in outcomes] == expected
    assert [o.snapshot.filename for o in outcomes] == ["ocse-reports-per-platform.json"]
    assert [inm is not None for _, inm in seen] == [False, True]
    assert len(parse_file(SOURCE, store.path_for(outcomes[0].snapshot.sha256)).records) == 37
