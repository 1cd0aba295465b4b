"""EU DSA harmonised transparency reports (Implementing Regulation (EU) 2024/2835, Annex I).

Covered: every figure of the eleven template parts of any provider's report, as one CSV part, a
folder or ZIP of parts, or an XLSX workbook with one sheet per part (tables recognised by their
header, never by file name; localised DE/FR templates through the official translations, else by
template position): part 1's publication dates (as YYYYMMDD numbers; the publication date is the
release date), orders per category and Member State (3), notices (4), own-initiative measures on
illegal content (5) and on terms and conditions (6) by category and kind of restriction,
complaints, out-of-court disputes and suspensions (7), automated means per qualifier and language
(8), moderators (9), average monthly active recipients per Member State (10). Also the compact
vlop-dsa.json (25 VLOPs/VLOSEs, H2 2025). Not covered: part 2 (category names) and part 11 (free
text), which hold no figures; contextual information is kept only as a short note. Data-quality
checks (sub-category and Member State sums, complaint outcomes, median units) become warnings
starting with "DQ:".

Reports are published by each provider on its own site; there is no central register. ``fetch``
reads the link pages and archive folders listed in ``LINK_PAGES`` / ``ARCHIVE_FOLDERS`` (the
guide's discovery aids) and stores every report file it can parse; anything else is refused
before it reaches the store.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from scrapers._dsa_harmonised import checks, emit, inputs, tables, vlop_json
from transparency.acquisition.fetching import FetchError, FetchOutcome, PoliteClient, fetch_to_store
from transparency.acquisition.sources import VERIFIED_PARTLY, SourceDeclaration
from transparency.acquisition.store import Snapshot, SnapshotStore
from transparency.reading.records import ParseError, ParseResult

SOURCE = SourceDeclaration(
    id="dsa_harmonised_reports",
    publisher="Providers of intermediary services (EU DSA Art. 15, 24, 42)",
    kind="DSA",
    title="DSA harmonised transparency reports (Annex I templates, Implementing Regulation (EU) 2024/2835)",
    homepage="https://digital-strategy.ec.europa.eu/en/library/implementing-regulation-laying-down-templates-concerning-transparency-reporting-obligations",
    formats=("csv", "zip", "xlsx", "json"),
    cadence="half-yearly",
    licence="Public documents of each provider under Art. 15/24/42 DSA; facts cited with source",
    download_urls=(
        "https://www.microsoft.com/en-us/digitalsafety/transparency-reports/jurisdictional-reports/dsa-non-vlo-tr-report-links",
        "https://api.github.com/repos/krMaynard/dsa-transparency-data/contents/{folder}",
        "https://raw.githubusercontent.com/krMaynard/transparency-report-api/main/data/vlop-dsa.json",
    ),
    hosts=(
        "microsoft.com",
        "api.github.com",
        "raw.githubusercontent.com",
        "github.com",
        "digital-strategy.ec.europa.eu",
    ),
    reporter="platform",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=61,  # published within two months of the period's end
    verification=VERIFIED_PARTLY,
    verification_note="vlop-dsa.json, the Annex I CSV templates and the providers' report-list pages are real files; a provider's own CSV is checked only on a transcribed excerpt (Snap's), its XLSX/ZIP forms not at all",
)

LINK_PAGES = (SOURCE.download_urls[0],)
ARCHIVE_API = SOURCE.download_urls[1]
ARCHIVE_FOLDERS = (
    "snapchat",
    "tiktok",
    "x",
    "pinterest",
    "meta/facebook",
    "meta/instagram",
    "microsoft/linkedin",
    "zalando",
    "temu",
    "booking-com",
    "aliexpress",
    "amazon",
)
VLOP_JSON = SOURCE.download_urls[2]
REPORT_SUFFIXES = (".csv", ".zip", ".xlsx", ".json")
MEDIA = (
    "text/csv",
    "text/plain",
    "application/zip",
    "application/x-zip-compressed",
    "application/octet-stream",
    "application/json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
MAX_ARCHIVE_FILES = 200


def parse(path: Path) -> ParseResult:
    """Every figure of one report (a CSV part, a folder, ZIP or XLSX of parts) or of vlop-dsa.json."""
    path = Path(path)
    result = ParseResult()
    file = path.name

    def warn(row: str, message: str) -> None:
        result.warn(file, row, message)

    if (
        path.is_file()
        and path.suffix.lower() == ".json"
        or (path.is_file() and vlop_json.looks_like(path))
    ):
        cells = vlop_json.read(path, warn)
    else:
        reader = tables.Reader(file, warn, path.name)
        reader.read(inputs.read_tables(path, warn))
        if reader.recognised == 0:
            raise ParseError(
                path, "no table of the DSA Annex I template found (headers not recognised)"
            )
        cells = reader.cells
        published = [r.published for r in reader.reports if r.published]
        result.release_date = max(published) if published else None
    for c in cells:
        emit.coerce(c, warn)
    cells = emit.repeats(emit.combine_others(cells, warn), warn)
    checks.run(cells, warn)
    emit.records(cells, result)
    if not result.records:
        warn(
            "",
            "no figures: the tables are empty (a blank template?) or hold only names and free text",
        )
    return result


# ---------------------------------------------------------------- fetch


class _Staging(SnapshotStore):
    """A temporary store that answers conditional-request look-ups from the real one."""

    def __init__(self, root: Path, real: SnapshotStore):
        super().__init__(root)
        self.real = real

    def latest_for_url(self, url: str) -> Snapshot | None:
        return self.real.latest_for_url(url)


def fetch_checked(
    client: PoliteClient, store: SnapshotStore, url: str, filename: str = ""
) -> FetchOutcome:
    """Fetch one report file and store it only if it parses: a bot wall or an unrelated file
    never becomes a snapshot (it would fail every later build)."""
    with tempfile.TemporaryDirectory(prefix="transparency-dsa-") as tmp:
        staging = _Staging(Path(tmp), store)
        outcome = fetch_to_store(client, staging, SOURCE, url, filename=filename, expect=MEDIA)
        if outcome.status != "new" or outcome.snapshot is None:
            return outcome
        snap = outcome.snapshot
        raw = staging.path_for(snap.sha256)
        link = Path(tmp) / "check" / (snap.filename or "report")
        link.parent.mkdir()
        link.symlink_to(raw)
        try:
            result = parse(link)
        except ParseError as exc:
            return FetchOutcome(
                url, "failed", message=f"{url}: not a harmonised report ({exc.reason})"
            )
        if not result.records:
            return FetchOutcome(
                url, "failed", message=f"{url}: no figures (blank template or free text only)"
            )
        meta = {
            k: v
            for k, v in snap.__dict__.items()
            if k not in ("sha256", "bytes", "source_id", "url")
        }
        stored, new = store.put_bytes(raw.read_bytes(), source_id=SOURCE.id, url=url, **meta)
        return FetchOutcome(
            url,
            "new" if new else "unchanged",
            stored,
            "" if new else "same bytes as a stored snapshot",
        )


def report_links(html: str, base: str) -> list[str]:
    """Links to report files (CSV, ZIP, XLSX) on a provider's DSA link page."""
    from bs4 import BeautifulSoup  # only fetch needs it: keep the build's start-up lean

    soup = BeautifulSoup(html, "html.parser")
    out: list[str] = []
    for a in soup.find_all("a", href=True):
        href = urljoin(base, str(a["href"]))
        if urlsplit(href).path.lower().endswith((".csv", ".zip", ".xlsx")) and href not in out:
            out.append(href)
    return out


def archive_files(client: PoliteClient, folder: str, depth: int = 0) -> list[str]:
    """Download URLs of report files in one folder of the krMaynard/dsa-transparency-data archive."""
    resp = client.get(ARCHIVE_API.format(folder=folder), {"Accept": "application/vnd.github+json"})
    if resp.status_code != 200:
        raise FetchError(f"{ARCHIVE_API.format(folder=folder)}: HTTP {resp.status_code}")
    out: list[str] = []
    for item in resp.json():
        if item.get("type") == "dir" and depth < 2:
            out += archive_files(client, item["path"], depth + 1)
        elif item.get("type") == "file" and str(item.get("name", "")).lower().endswith(
            REPORT_SUFFIXES[:3]
        ):
            out.append(item["download_url"])
    return out


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """Report files linked from the link pages, the archive folders, and vlop-dsa.json."""
    outcomes: list[FetchOutcome] = []
    urls: list[str] = []
    for page in LINK_PAGES:
        try:
            resp = client.get(page)
        except FetchError as exc:
            outcomes.append(FetchOutcome(page, "failed", message=str(exc)))
            continue
        if resp.status_code != 200:
            outcomes.append(
                FetchOutcome(page, "failed", message=f"{page}: HTTP {resp.status_code}")
            )
            continue
        urls += report_links(resp.text, str(resp.url))
    for folder in ARCHIVE_FOLDERS:
        try:
            urls += archive_files(client, folder)
        except (FetchError, ValueError, KeyError) as exc:
            outcomes.append(
                FetchOutcome(ARCHIVE_API.format(folder=folder), "failed", message=str(exc))
            )
    seen: set[str] = set()
    for url in [*urls[:MAX_ARCHIVE_FILES], VLOP_JSON]:
        if url in seen:
            continue
        seen.add(url)
        name = re.sub(r"[^\w.\-]+", "_", urlsplit(url).path.rsplit("/", 1)[-1]) or "report"
        outcomes.append(fetch_checked(client, store, url, filename=name))
    return outcomes
