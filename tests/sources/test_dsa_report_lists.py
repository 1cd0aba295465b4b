"""dsa_report_lists: DSA report discovery on the platforms' report-list pages (the project's own
sample page, and the real Open Terms Archive captures where ../shared is present)."""

from __future__ import annotations

import pytest

from scrapers import dsa_report_lists as src
from tests.conftest import FIXTURES, shared_file
from transparency.reading.records import ParseError

SAMPLE = FIXTURES / "dsa_report_lists" / "report_list_sample.html"
PAGES = "real/dsa/report_list_pages"


def listed(path, **kw) -> list[src.ListedReport]:
    return src.parse_report_list(path, capture="2025-11-30", **kw)


def test_sample_page():
    got = [
        (r.title, r.kind, r.period_start, r.period_end, r.published, r.url)
        for r in listed(SAMPLE, service="Sample Video")
    ]
    base = "https://example.org"
    assert got == [
        (
            "Sample Video DSA Transparency Report (January - June 2025)",
            "transparency report",
            "2025-01-01",
            "2025-06-30",
            None,
            f"{base}/files/dsa/sample-dsa-transparency-report-h1-2025.pdf",
        ),
        (
            "Sample Video DSA Transparency Report (July - December 2024)",
            "transparency report",
            "2024-07-01",
            "2024-12-31",
            None,
            f"{base}/files/dsa/sample-dsa-transparency-report-2024-h2.pdf",
        ),
        (
            "See the DSA Transparency Report | Sample Video | April 2024",
            "transparency report",
            None,
            None,
            "2024-04-01",
            f"{base}/files/dsa/2024-04-report.pdf",
        ),
        (
            "2025 DSA Independent Audit Report",
            "audit",
            "2025-01-01",
            "2025-12-31",
            None,
            f"{base}/files/dsa/2025-DSA-Independent-Audit-Report.pdf",
        ),
        (
            "Download 2024 Report",
            "risk assessment",
            "2024-01-01",
            "2024-12-31",
            None,
            f"{base}/files/dsa/Sample-DSA-SRA-Report-2024.pdf",
        ),
        (
            "Audit Implementation Report under the European Union Digital Services Act (EU DSA)",
            "audit implementation",
            None,
            None,
            None,
            f"{base}/legal/dsa/",
        ),
        (
            "DSA transparency report H1 2024 (on this page)",
            "transparency report",
            "2024-01-01",
            "2024-06-30",
            None,
            f"{base}/legal/dsa/",
        ),
    ]
    assert {r.service for r in listed(SAMPLE, service="Sample Video")} == {"Sample Video"}


def test_a_page_without_any_dsa_report_is_refused(tmp_path):
    p = tmp_path / "p.html"
    p.write_text("<html><body><h1>Cookies</h1><a href='/x'>Privacy</a></body></html>")
    with pytest.raises(ParseError, match="not a report-list page"):
        src.parse(p)


def test_every_real_capture_lists_reports():
    for name in [
        "Amazon",
        "Apple",
        "Google_Maps",
        "LinkedIn",
        "Pinterest",
        "TikTok",
        "X",
        "Youtube",
    ]:
        (path,) = shared_file(PAGES).glob(f"{name}_Reports_List_*.html")
        assert listed(path), name


def test_tiktok_transparency_reports_with_their_periods():
    path = shared_file(f"{PAGES}/TikTok_Reports_List_2025-11-30.html")
    periods = {
        (r.period_start, r.period_end)
        for r in listed(path, service="TikTok")
        if r.kind == "transparency report"
    }
    assert ("2025-01-01", "2025-06-30") in periods
    assert ("2024-07-01", "2024-12-31") in periods
    assert ("2024-01-01", "2024-06-30") in periods
    assert ("2023-10-01", "2023-12-31") in periods


def test_linkedin_and_apple_print_publication_months():
    li = listed(shared_file(f"{PAGES}/LinkedIn_Reports_List_2025-11-30.html"))
    pdfs = [r for r in li if r.title.endswith("Digital Services Act Transparency Report")]
    assert [r.published for r in pdfs] == [
        "2025-08-01",
        "2025-02-01",
        "2024-10-01",
        "2024-04-01",
        "2023-10-01",
    ]
    apple = listed(shared_file(f"{PAGES}/Apple_Reports_List_2025-11-23.html"))
    assert "See the DSA Transparency Report | App Store | October 2023" in {r.title for r in apple}


def test_pinterest_web_components_are_read():
    got = listed(shared_file(f"{PAGES}/Pinterest_Reports_List_2025-11-30.html"))
    assert (
        "https://help.pinterest.com/sites/default/files/dsa/Independent-Audit-of-Pinterest-DSA-Redacted-11102025.pdf"
        in {r.url for r in got}
    )


def test_what_changed_between_the_two_snapchat_captures():
    old = listed(shared_file(f"{PAGES}/Snapchat_Reports_List_2025-10-05.html"))
    new = listed(shared_file(f"{PAGES}/Snapchat_Reports_List_2025-11-30.html"))
    before, after = {r.url: r.title for r in old}, {r.url: r.title for r in new}
    assert set(before) <= set(after)  # no report removed
    assert sorted(after[u] for u in set(after) - set(before)) == [
        "DSA Audit Implementation Report | Snapchat | August 2025 (PDF)",
        "DSA Independent Audit Report | Snapchat | August 2025 (PDF)",
        "DSA Risk and Mitigation Assessment Report | Snapchat | August 2024 (PDF)",
        "DSA Risk and Mitigation Assessment Report | Snapchat | August 2025 (PDF)",
    ]
    retitled = {before[u]: after[u] for u in before if before[u] != after[u]}
    assert retitled == {
        "DSA Risk and Mitigation Assessment Report | Snapchat | August 2023 (PDF)": "DSA Risk and Mitigation Assessment Report | Snapchat | August 2023 (PDF",
    }
    # the EU page itself is the H1 2024 transparency report in both captures
    for capture in (old, new):
        assert any(r.period_start == "2024-01-01" and r.period_end == "2024-06-30" for r in capture)


def test_relative_links_resolve_against_the_page_not_the_capture():
    path = shared_file(f"{PAGES}/Apple_Reports_List_2025-11-23.html")
    got = listed(
        path,
        page_url="https://github.com/OpenTermsArchive/dsa-reports-snapshots/blob/x/Apple/Reports%20List.html",
    )
    assert "https://www.apple.com/legal/dsa/transparency/eu/app-store/2310/" in {r.url for r in got}
