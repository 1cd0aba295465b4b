"""x_gtr: every reference figure of the H1 2024 PDF (and every table figure, counted and
cross-checked), the own generated PDF, table-to-record rules, malformed input, fetch."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import httpx
import pytest

from tests.conftest import FIXTURES, REPO, reference_figures, shared_file
from transparency.acquisition.fetching import FetchPolicy, PoliteClient
from transparency.acquisition.parsing import parse_file
from transparency.acquisition.sources import get_source
from transparency.acquisition.store import SnapshotStore
from transparency.harmonisation import registries
from transparency.harmonisation.normalise import KEY_COLUMNS, Context, normalise
from transparency.reading.periods import parse_period
from transparency.reading.records import ParseError, ParseResult

SOURCE = get_source("x_gtr")
MODULE = SOURCE.module
FIX = FIXTURES / "x_gtr"
REG = registries.load()
REAL = "real/platforms/x/x-global-transparency-report-2024-h1.pdf"
sys.path.insert(0, str(FIX))
import make_fixture  # noqa: E402  (the committed fixture generator)

# reference metric (after "Child Safety: ") -> (page, raw metric label as parsed)
REF_METRICS = {
    "ncmec_reports_total": ("page 7", "NCMEC Reports | TOTAL ACTIONS"),
    "ncmec_reports_automated": ("page 7", "NCMEC Reports | AUTOMATED"),
    "ncmec_reports_human": ("page 7", "NCMEC Reports | HUMAN"),
    "accounts_suspended_total": ("page 7", "Accounts Suspended | TOTAL ACTIONS"),
    "accounts_suspended_automated": ("page 7", "Accounts Suspended | AUTOMATED"),
    "accounts_suspended_human": ("page 7", "Accounts Suspended | HUMAN"),
    "content_removed_total": ("page 7", "Content Removed | TOTAL ACTIONS"),
    "content_removed_automated": ("page 7", "Content Removed | AUTOMATED"),
    "content_removed_human": ("page 7", "Content Removed | HUMAN"),
    "user_reports": ("page 4", "TOTAL"),
}


@pytest.fixture(scope="module")
def real() -> ParseResult:
    return parse_file(SOURCE, shared_file(REAL))


def clean(result: ParseResult) -> list[dict]:
    rows, findings = normalise(
        result.records, REG, Context("x_gtr", "platform", "0" * 64, date(2024, 9, 25), "x.pdf")
    )
    assert findings == [], [str(f) for f in findings]
    keys = [tuple(str(r[k]) for k in KEY_COLUMNS) for r in rows]
    assert len(keys) == len(set(keys)), "two records share a key"
    assert {(r["platform"], r["service"]) for r in rows} == {("x", "x")}
    return rows


# ------------------------------------------------------------------ the real PDF


def test_real_every_reference_figure(real):
    refs = reference_figures(
        lambda r: (
            r["platform"] == "X" and "x-global-transparency-report-2024-h1.pdf" in r["source_note"]
        )
    )
    assert len(refs) == 10
    unmatched = []
    for ref in refs:
        policy, metric = ref["metric"].split(": ", 1)
        page, label = REF_METRICS[metric]
        period = (date.fromisoformat(ref["period_start"]), date.fromisoformat(ref["period_end"]))
        hits = [
            r
            for r in real.records
            if r.row_ref == page
            and r.raw_metric_label == label
            and r.raw_policy_label.casefold() == policy.casefold() == ref["policy_area"].casefold()
            and (r.period_start, r.period_end) == period
            and r.platform_label == ref["platform"]
        ]
        if len(hits) != 1 or hits[0].value != float(ref["value"]):
            unmatched.append(
                (ref["metric"], ref["value"], [(h.row_ref, h.value_text) for h in hits])
            )
    assert not unmatched, unmatched


def test_real_every_table_figure(real):
    """171 figures: page 4 (21), 5 (33), 7-11 (69), 13 (36), 14 (12); each page's totals add up."""
    pages = {}
    for r in real.records:
        pages[r.row_ref] = pages.get(r.row_ref, 0) + 1
    assert pages == {
        "page 4": 21,
        "page 5": 33,
        "page 7": 18,
        "page 8": 12,
        "page 9": 15,
        "page 10": 12,
        "page 11": 12,
        "page 13": 36,
        "page 14": 12,
    }
    assert {(r.period_start, r.period_end, r.period_label) for r in real.records} == {
        (date(2024, 1, 1), date(2024, 6, 30), "2024-H1")
    }
    assert real.warnings == []
    v = {(r.row_ref, r.scope, r.raw_policy_label, r.raw_metric_label): r for r in real.records}
    page4 = [
        r.value for r in real.records if r.row_ref == "page 4" and r.raw_metric_label == "TOTAL"
    ]
    assert (
        len(page4) == 10
        and sum(page4)
        == v[("page 4", "global", "USER REPORTS", "USER REPORTS")].value
        == 224_129_805
    )
    for column, total in (
        ("ACCOUNT SUSPENSIONS", "TOTAL ACCOUNT SUSPENSIONS"),
        ("POSTS REMOVED OR LABELED", "TOTAL POSTS REMOVED OR LABELED"),
    ):
        rows = [
            r.value for r in real.records if r.row_ref == "page 5" and r.raw_metric_label == column
        ]
        assert len(rows) == 10 and sum(rows) == v[("page 5", "global", total, total)].value
    assert (
        v[("page 5", "global", "TOTAL ACCOUNT SUSPENSIONS", "TOTAL ACCOUNT SUSPENSIONS")].value
        == 5_296_870
    )
    assert v[
        ("page 5", "global", "OVERALL POSTS VIOLATION RATE", "OVERALL POSTS VIOLATION RATE")
    ].value == pytest.approx(0.000123)
    share = v[("page 4", "global", "Child Safety", "% OF TOTAL REPORTS")]
    assert (share.value_text, share.value) == ("3.98%", pytest.approx(0.0398))
    rate = v[("page 5", "global", "Child Safety", "POST VIOLATION RATE")]
    assert (rate.value_text, rate.value, rate.qualifier) == ("<0.0001%", None, "censored")
    assert v[("page 5", "global", "Child Safety", "ACCOUNT SUSPENSIONS")].value == 2_781_634
    assert v[("page 5", "global", "Child Safety", "POSTS REMOVED OR LABELED")].value == 14_571
    # every breakdown row: total = automated + human
    for (page, scope, policy, metric), rec in v.items():
        if metric.endswith("| TOTAL ACTIONS"):
            base = metric.removesuffix("TOTAL ACTIONS")
            assert (
                rec.value
                == v[(page, scope, policy, base + "AUTOMATED")].value
                + v[(page, scope, policy, base + "HUMAN")].value
            )
    # page 7's combined area = page 5's Abuse & Harassment + Hateful Conduct (not an inconsistency)
    combined = v[
        (
            "page 7",
            "global",
            "ABUSE, HARASSMENT, & HATEFUL CONDUCT",
            "Accounts Suspended | TOTAL ACTIONS",
        )
    ].value
    assert (
        combined
        == 1_105_139
        == v[("page 5", "global", "Abuse & Harassment", "ACCOUNT SUSPENSIONS")].value
        + v[("page 5", "global", "Hateful Conduct", "ACCOUNT SUSPENSIONS")].value
    )
    assert v[("page 13", "USA", "TOTAL INFORMATION REQUESTS", "CASES DISCLOSED")].value == 2_522
    assert v[("page 13", "global", "TOTAL REMOVAL REQUESTS", "ACTION RATE")].value == pytest.approx(
        0.7082
    )
    assert v[
        (
            "page 14",
            "global",
            "Copyright Counter Notices",
            "Copyright Counter Notices | WITHHOLDING/RESTORATION RATE",
        )
    ].value == pytest.approx(0.1171)


def test_real_footnotes_are_kept(real):
    spam = next(
        r
        for r in real.records
        if r.raw_policy_label == "PLATFORM MANIPULATION & SPAM"
        and r.raw_metric_label == "Accounts Suspended | TOTAL ACTIONS"
    )
    assert (spam.value, spam.value_text, spam.qualifier) == (
        463_960_085,
        "463,960,085 2",
        "footnote",
    )
    assert spam.note.startswith(
        "footnote 2: Our Platform Manipulation & Spam defenses are primarily proactive"
    )
    cs = [
        r
        for r in real.records
        if r.raw_policy_label == "CHILD SAFETY"
        and r.raw_metric_label.startswith("Accounts Suspended")
    ]
    assert len(cs) == 3 and all(
        "footnote 1: Accounts suspended for engaging with" in r.note
        and "not reportable to NCMEC" in r.note
        for r in cs
    )


def test_real_normalises_completely(real):
    rows = clean(real)
    v = {(r["policy_area"], r["metric"], r["scope"]): r["value"] for r in rows}
    cse = "protection_of_minors.child_sexual_exploitation"
    assert v[(cse, "cybertipline_reports", "global")] == 370_588
    assert (
        v[(cse, "accounts_suspended", "global")]
        == v[(cse, "accounts_actioned", "global")]
        == 2_781_634
    )
    assert v[(cse, "content_removed_human", "global")] == 12_926
    assert v[(cse, "user_reports", "global")] == 8_928_019
    assert v[(cse, "share_of_user_reports", "global")] == pytest.approx(0.0398)
    assert v[("all.excluding_spam", "accounts_actioned", "global")] == 5_296_870
    assert v[("legal_requests.information", "requests_received", "other")] == 4_175
    assert v[("legal_requests.removal", "requests_received", "KR")] == 5_889
    assert (
        v[("intellectual_property.copyright_infringement", "counter_notices_received", "global")]
        == 14_496
    )
    assert v[("scams_and_fraud.spam", "accounts_suspended", "global")] == 463_960_085


# ------------------------------------------------------------------ the own generated PDF


def test_committed_fixture_is_what_the_generator_writes():
    assert (FIX / "x-gtr-sample-h1-2024.pdf").read_bytes() == make_fixture.build()


def test_fixture_pdf():
    result = parse_file(SOURCE, FIX / "x-gtr-sample-h1-2024.pdf")
    assert len(result.records) == 34 and result.warnings == []
    v = {(r.row_ref, r.scope, r.raw_policy_label, r.raw_metric_label): r for r in result.records}
    assert v[("page 2", "global", "CHILD SAFETY", "NCMEC Reports | TOTAL ACTIONS")].value == 370_588
    susp = v[("page 2", "global", "CHILD SAFETY", "Accounts Suspended | HUMAN")]
    assert susp.value == 392_951 and susp.note.startswith(
        "footnote 1: Accounts suspended for engaging"
    )
    spam = v[
        ("page 2", "global", "PLATFORM MANIPULATION & SPAM", "Accounts Suspended | TOTAL ACTIONS")
    ]
    assert (spam.value, spam.value_text, spam.qualifier) == (
        463_960_085,
        "463,960,085 2",
        "footnote",
    )
    assert v[("page 1", "global", "USER REPORTS", "USER REPORTS")].value == 224_129_805
    assert v[("page 1", "global", "Child Safety", "% OF TOTAL REPORTS")].value == pytest.approx(
        0.0398
    )
    assert v[("page 1", "global", "Child Safety", "POST VIOLATION RATE")].qualifier == "censored"
    assert (
        v[("page 3", "USA", "TOTAL INFORMATION REQUESTS", "TOTAL NUMBER OF REQUESTS")].value
        == 3_329
    )
    assert v[
        ("page 3", "All Others", "TOTAL INFORMATION REQUESTS", "DISCLOSURE RATE")
    ].value == pytest.approx(0.27)
    assert (
        "page 3",
        "global",
        "Copyright Counter Notices",
        "Copyright Counter Notices | WITHHOLDING/RESTORATION RATE",
    ) in v
    assert {r.period_label for r in result.records} == {"2024-H1"}
    clean(result)


# ------------------------------------------------------------------ table-to-record rules


def table(rows, heading="", page=3, notes=None):
    return MODULE.PdfTable(
        page,
        heading,
        [[c if isinstance(c, MODULE.Cell) else MODULE.Cell(c) for c in r] for r in rows],
        notes or {},
    )


H1 = parse_period("H1 2024")


def records(t) -> list[tuple]:
    result = ParseResult()
    MODULE.table_records(t, H1, result, "f.pdf")
    return [
        (r.scope, r.raw_policy_label, r.raw_metric_label, r.value_text) for r in result.records
    ], result.warnings


def test_rule_policy_area_table():
    got, _ = records(table([["POLICY AREA", "TOTAL"], ["Child Safety", "8,928,019"]]))
    assert got == [("global", "Child Safety", "TOTAL", "8,928,019")]


def test_rule_breakdown_takes_the_heading_as_policy():
    got, _ = records(
        table(
            [
                ["", "TOTAL ACTIONS", "AUTOMATED", "HUMAN"],
                ["Content Removed", "14,571", "1,645", "12,926"],
            ],
            heading="CHILD SAFETY",
        )
    )
    assert got == [
        ("global", "CHILD SAFETY", "Content Removed | TOTAL ACTIONS", "14,571"),
        ("global", "CHILD SAFETY", "Content Removed | AUTOMATED", "1,645"),
        ("global", "CHILD SAFETY", "Content Removed | HUMAN", "12,926"),
    ]
    with pytest.raises(ParseError, match="no heading above it"):
        records(
            table([["", "TOTAL ACTIONS", "AUTOMATED", "HUMAN"], ["Content Removed", "1", "1", "0"]])
        )


def test_rule_label_value_pairs_and_geography_rows():
    got, _ = records(
        table(
            [
                ["TOTAL ACCOUNT SUSPENSIONS", "5,296,870"],
                ["OVERALL POSTS VIOLATION RATE", "0.0123%"],
            ]
        )
    )
    assert got == [
        ("global", "TOTAL ACCOUNT SUSPENSIONS", "TOTAL ACCOUNT SUSPENSIONS", "5,296,870"),
        ("global", "OVERALL POSTS VIOLATION RATE", "OVERALL POSTS VIOLATION RATE", "0.0123%"),
    ]
    got, _ = records(
        table(
            [
                ["", "TOTAL NUMBER OF REQUESTS"],
                ["TOTAL REMOVAL REQUESTS", "72,703"],
                ["Turkey", "9,364"],
            ]
        )
    )
    assert got == [
        ("global", "TOTAL REMOVAL REQUESTS", "TOTAL NUMBER OF REQUESTS", "72,703"),
        ("Turkey", "TOTAL REMOVAL REQUESTS", "TOTAL NUMBER OF REQUESTS", "9,364"),
    ]


def test_rule_text_in_a_number_cell_is_kept_with_warning():
    got, warnings = records(
        table([["POLICY AREA", "TOTAL"], ["Child Safety", "n.d."], ["Spam", "see note"]])
    )
    assert got[1] == ("global", "Spam", "TOTAL", "see note")
    assert [w.row for w in warnings if "not a number" in w.message] == ["page 3", "page 3"]


def test_rule_empty_table_is_skipped_with_warning():
    got, warnings = records(table([["POLICY AREA", "TOTAL"], ["", ""]]))
    assert got == [] and "no data rows" in warnings[0].message


# ------------------------------------------------------------------ malformed input


def test_not_a_pdf(tmp_path):
    f = tmp_path / "report.pdf"
    f.write_text("<html>Access denied</html>")
    with pytest.raises(ParseError, match="not a PDF"):
        parse_file(SOURCE, f)


def test_truncated_pdf(tmp_path):
    f = tmp_path / "report.pdf"
    f.write_bytes((FIX / "x-gtr-sample-h1-2024.pdf").read_bytes()[:700])
    with pytest.raises(ParseError, match="report.pdf"):
        parse_file(SOURCE, f)


def test_pdf_without_period_or_tables(tmp_path):
    page = make_fixture.Page()
    page.text(40, 60, "GLOBAL TRANSPARENCY REPORT", size=30, bold=True)
    f = tmp_path / "no-period.pdf"
    f.write_bytes(make_fixture.assemble([page]))
    with pytest.raises(ParseError, match="cannot tell the report's period"):
        parse_file(SOURCE, f)
    page.text(40, 120, "Global Transparency Report | H2 2024", size=9)
    f.write_bytes(make_fixture.assemble([page]))
    with pytest.raises(ParseError, match="no tables with figures"):
        parse_file(SOURCE, f)


def test_cli_exit_2(tmp_path):
    bad = tmp_path / "x-gtr.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage")
    env = {"PYTHONPATH": f"{REPO / 'src'}:{REPO}", "PATH": "/usr/bin:/bin"}
    p = subprocess.run(
        [sys.executable, "-m", "transparency", "parse", "x_gtr", str(bad)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert p.returncode == 2 and p.stdout == "" and len(p.stderr.strip().splitlines()) == 1
    assert "x-gtr.pdf" in p.stderr


# ------------------------------------------------------------------ fetch (offline)


def test_fetch_finds_report_pdfs_on_the_reports_page(tmp_path):
    pdf = (FIX / "x-gtr-sample-h1-2024.pdf").read_bytes()
    page = (
        '<html><body><main class="global-reports">'
        '<a href="/content/dam/transparency-twitter/2024/x-global-transparency-report-h1.pdf">H1 2024 report</a>'
        '<a href="https://transparency.x.com/content/dam/transparency-twitter/2024/x-global-transparency-report-h2.pdf">'
        'H2 2024 report</a><a href="/en/reports/information-requests">Information requests</a>'
        '<a href="https://example.org/x-global-transparency-report-h1.pdf">mirror</a></main></body></html>'
    )

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url == MODULE.LANDING:
            return httpx.Response(200, text=page, headers={"Content-Type": "text/html"})
        if url.endswith("-h1.pdf"):
            return httpx.Response(200, content=pdf, headers={"Content-Type": "application/pdf"})
        if url.endswith("-h2.pdf"):
            return httpx.Response(503, headers={"Retry-After": "1"})
        return httpx.Response(404)

    store = SnapshotStore(tmp_path / "store")
    client = PoliteClient(
        allowed_hosts=SOURCE.decl.hosts,
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        policy=FetchPolicy(max_retries=1),
    )
    with client:
        outcomes = SOURCE.fetch(client, store)
    base = "https://transparency.x.com/content/dam/transparency-twitter/2024/"
    assert [(o.url, o.status) for o in outcomes] == [
        (base + "x-global-transparency-report-h1.pdf", "new"),
        (base + "x-global-transparency-report-h2.pdf", "failed"),
        ("https://example.org/x-global-transparency-report-h1.pdf", "failed"),  # not an X host
    ]
    snap = outcomes[0].snapshot
    assert snap.media_type == "application/pdf"
    assert len(parse_file(SOURCE, store.path_for(snap.sha256)).records) == 34


def test_fetch_falls_back_to_the_known_report(tmp_path):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404)

    client = PoliteClient(
        allowed_hosts=SOURCE.decl.hosts,
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        policy=FetchPolicy(max_retries=0),
    )
    with client:
        outcomes = SOURCE.fetch(client, SnapshotStore(tmp_path / "store"))
    assert [o.url for o in outcomes] == [MODULE.LANDING, *MODULE.KNOWN_PDFS]
    assert all(o.status == "failed" for o in outcomes)


def test_declaration():
    d = SOURCE.decl
    assert (d.id, d.platform, d.formats, d.cadence) == ("x_gtr", "x", ("pdf",), "half-yearly")
    assert "transparency.x.com" in d.hosts and d.coverage.startswith("Covered:")


def test_build_with_the_fixture_has_no_errors_and_no_unmapped_labels():
    import duckdb

    from transparency.build.compose import build

    SnapshotStore().put_file(
        FIX / "x-gtr-sample-h1-2024.pdf",
        source_id="x_gtr",
        url=MODULE.KNOWN_PDFS[0],
        published_at="2024-09-25",
        retrieved_at="2024-10-01T00:00:00Z",
        method="manual",
    )
    report = build()
    assert [str(f) for f in report.findings if f.file == "x-gtr-sample-h1-2024.pdf"] == []
    with duckdb.connect(str(report.db), read_only=True) as con:
        got = con.execute("""
            SELECT metric, value FROM current_observations WHERE source_id = 'x_gtr' AND service = 'x'
              AND policy_area = 'protection_of_minors.child_sexual_exploitation' AND metric LIKE 'cybertipline%'
            ORDER BY 1""").fetchall()
    assert got == [
        ("cybertipline_reports", 370_588),
        ("cybertipline_reports_automated", 35_176),
        ("cybertipline_reports_human", 335_412),
    ]
