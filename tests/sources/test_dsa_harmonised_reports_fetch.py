"""dsa_harmonised_reports fetch, offline: a link page, the archive folders, vlop-dsa.json; only
files that parse reach the store, and a second run is answered with 304s."""

from __future__ import annotations

import io
import json
import zipfile

import httpx

from scrapers import dsa_harmonised_reports as dsa
from tests.conftest import FIXTURES
from transparency.acquisition.fetching import PoliteClient
from transparency.acquisition.store import SnapshotStore

SNAP = FIXTURES / "dsa_harmonised_reports" / "snap_h2_2025_v2"
PAGE = dsa.LINK_PAGES[0]
RAW = "https://raw.githubusercontent.com/krMaynard/dsa-transparency-data/main/snapchat"
API = "https://api.github.com/repos/krMaynard/dsa-transparency-data/contents"


def mini_json() -> bytes:
    """vlop-dsa.json's layout with one service and Snap's AMAR total."""
    return json.dumps(
        {
            "meta": {"period": "2025-07-01/2025-12-31", "generated": "2026-05-13"},
            "services": ["Snapchat"],
            "service_platforms": ["Snap"],
            "categories": ["TOTAL"],
            "category_labels": {},
            "sections": [],
            "indicators": [],
            "scopes": ["TOTAL", "AT"],
            "surfaces": ["All"],
            "t10": [[0, 0, 97153476], [0, 1, 2188589]],
        }
    ).encode()


def report_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(SNAP.iterdir()):
            zf.write(f, f"Snap_DSA_TR_H2_2025_V2/{f.name}")
    return buf.getvalue()


FILES = {
    "https://www.microsoft.com/files/dsa/10_AMAR.csv": (
        (SNAP / "10_AMAR.csv").read_bytes(),
        "text/csv",
    ),
    "https://www.microsoft.com/files/dsa/challenge.csv": (
        b"<html><body>Please verify you are human</body></html>",
        "text/csv",
    ),
    f"{RAW}/1_report_identification.csv": (
        (SNAP / "1_report_identification.csv").read_bytes(),
        "text/plain",
    ),
    f"{RAW}/v2/Snap_DSA_TR_H2_2025_V2.zip": (report_zip(), "application/zip"),
    dsa.VLOP_JSON: (mini_json(), "text/plain"),
}
LISTINGS = {
    f"{API}/snapchat": [
        {
            "type": "file",
            "name": "1_report_identification.csv",
            "path": "snapchat/1_report_identification.csv",
            "download_url": f"{RAW}/1_report_identification.csv",
        },
        {
            "type": "file",
            "name": "README.md",
            "path": "snapchat/README.md",
            "download_url": f"{RAW}/README.md",
        },
        {"type": "dir", "name": "v2", "path": "snapchat/v2", "download_url": None},
    ],
    f"{API}/snapchat/v2": [
        {
            "type": "file",
            "name": "Snap_DSA_TR_H2_2025_V2.zip",
            "path": "snapchat/v2/Snap_DSA_TR_H2_2025_V2.zip",
            "download_url": f"{RAW}/v2/Snap_DSA_TR_H2_2025_V2.zip",
        }
    ],
}
HTML = """<html><body><h1>DSA transparency report links</h1>
<a href="/files/dsa/10_AMAR.csv">Bing AMAR (CSV)</a> <a href="/files/dsa/report.pdf">PDF</a>
<a href="https://www.microsoft.com/files/dsa/challenge.csv">LinkedIn (CSV)</a></body></html>"""


def handler(seen: list[str]):
    def handle(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        seen.append(url)
        if url.endswith("/robots.txt"):
            return httpx.Response(404)
        if url == PAGE:
            return httpx.Response(
                200, text=HTML, headers={"Content-Type": "text/html; charset=utf-8"}
            )
        if url in LISTINGS:
            return httpx.Response(200, json=LISTINGS[url])
        if url in FILES:
            body, media = FILES[url]
            etag = f'"{abs(hash(body))}"'
            if request.headers.get("If-None-Match") == etag:
                return httpx.Response(304)
            return httpx.Response(200, content=body, headers={"Content-Type": media, "ETag": etag})
        return httpx.Response(404)

    return handle


def client(seen: list[str]) -> PoliteClient:
    return PoliteClient(
        allowed_hosts=dsa.SOURCE.hosts,
        transport=httpx.MockTransport(handler(seen)),
        sleep=lambda s: None,
    )


def test_fetch_stores_only_reports_and_is_conditional(tmp_path):
    store = SnapshotStore(tmp_path / "store")
    seen: list[str] = []
    with client(seen) as c:
        outcomes = dsa.fetch(c, store)
    status = {o.url: o.status for o in outcomes}
    assert status["https://www.microsoft.com/files/dsa/10_AMAR.csv"] == "new"
    assert status[f"{RAW}/1_report_identification.csv"] == "new"
    assert status[f"{RAW}/v2/Snap_DSA_TR_H2_2025_V2.zip"] == "new"
    assert status[dsa.VLOP_JSON] == "new"
    refused = next(o for o in outcomes if o.url.endswith("challenge.csv"))
    assert refused.status == "failed" and "not a harmonised report" in refused.message
    assert status[f"{API}/tiktok"] == "failed"  # an archive folder that is not there
    assert not any(u.endswith((".pdf", "README.md")) for u in seen)
    snaps = {s.filename: s for s in store}
    assert set(snaps) == {
        "10_AMAR.csv",
        "1_report_identification.csv",
        "Snap_DSA_TR_H2_2025_V2.zip",
        "vlop-dsa.json",
    }
    assert all(s.source_id == "dsa_harmonised_reports" and s.etag for s in snaps.values())
    assert snaps["Snap_DSA_TR_H2_2025_V2.zip"].url == f"{RAW}/v2/Snap_DSA_TR_H2_2025_V2.zip"
    parsed = dsa.parse(store.path_for(snaps["vlop-dsa.json"].sha256))
    assert [(r.scope, r.value) for r in parsed.records] == [("EU", 97153476), ("AT", 2188589)]

    with client([]) as c:
        again = dsa.fetch(c, store)
    assert {o.url: o.status for o in again if o.url in FILES and "challenge" not in o.url} == {
        u: "unchanged" for u in FILES if "challenge" not in u
    }
    assert len(list(store)) == 4
