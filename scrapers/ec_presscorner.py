"""European Commission Press Corner: Digital Services Act enforcement press releases (JSON API).

Covered: press releases (type ``IP``) found by the Press Corner search API with the text "Digital
Services Act", and their full documents. Each release whose title says what the Commission did
becomes one candidate action per platform it names: formal proceedings opened, preliminary
findings, commitments made binding, a fine (non-compliance decision, with its amount), a request
for information. Not covered: releases of other kinds (designations, guidelines, speeches) and
enforcement by national Digital Services Coordinators. Not an observation source: candidates are
matched against the curated register (data/registers/regulator_actions.csv) at build time.

API (regulators.md §2.1): ``/api/search`` returns ``{totalNumber, pageSize, pageNumber,
docuLanguageListResources: [{refCode, eventDate, title, leadText, docutype, languageCode}]}``
sorted by ``eventDate`` descending, with ``datefrom``/``dateto`` as ``ddmmyyyy``; ``/api/documents``
returns ``{docuLanguageResource: {title, subtitle, htmlContent}, refCd, eventDate, ...}`` and
sometimes an empty body (a failed download, retried later). Reference numbers are not
chronological, so releases are found by date window, never by enumerating references.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bs4 import BeautifulSoup

from scrapers._regulator_feeds import fetch_checked
from transparency.accountability.feed_records import CandidateAction, prose_amount
from transparency.acquisition.fetching import FetchOutcome, PoliteClient
from transparency.acquisition.sources import UNVERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError, ParseResult

OBSERVATIONS = False  # regulator actions, not published numbers: the build uses parse_actions
BASE = "https://ec.europa.eu/commission/presscorner"
SOURCE = SourceDeclaration(
    id="ec_presscorner",
    publisher="European Commission",
    kind="regulator",
    title="Press Corner: Digital Services Act enforcement press releases (JSON API)",
    homepage=f"{BASE}/home/en",
    formats=("json",),
    cadence="event-driven",
    licence="© European Union; reuse authorised with acknowledgement (Commission Decision 2011/833/EU)",
    download_urls=(
        f"{BASE}/api/search?language=en&documentTypeCodes=IP&text=Digital+Services+Act"
        "&datefrom={ddmmyyyy}&dateto={ddmmyyyy}&pagesize=100&pagenumber={n}",
        f"{BASE}/api/documents?reference={{refCode}}&language=en",
    ),
    hosts=("ec.europa.eu",),
    reporter="European Commission",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=1,
    verification=UNVERIFIED,
    verification_note="Press Corner search and document JSON shaped as the project reads sources/regulators.md",
)
REGULATOR, JURISDICTION = "European Commission", "EU"
PAGE_SIZE = 100
WINDOW_DAYS = 92  # the default fetch looks back about three months

# Title wording -> action type, first match wins (regulators.md §2.1 suggested filter).
ACTION_WORDING: list[tuple[str, str]] = [
    (r"\bnon-compliance decision\b|\bfines?\b", "non_compliance_decision"),
    (r"\bcommitments?\b", "commitments_accepted"),
    (r"\bpreliminar(?:y|ily) (?:finds?|findings|view)\b", "preliminary_findings"),
    (
        r"\b(?:opens?|launch(?:es)?) (?:formal )?proceedings\b|\binvestigates\b",
        "formal_proceedings_opened",
    ),
    (r"\brequests? (?:for )?information\b|\binformation requests?\b", "information_request"),
]


def classify(title: str) -> tuple[str, str] | None:
    """(action type, the words it was read from) for a release title, or None."""
    for pattern, action in ACTION_WORDING:
        m = re.search(pattern, title, re.IGNORECASE)
        if m:
            return action, m[0]
    return None


def human_url(ref: str) -> str:
    return f"{BASE}/detail/en/{ref.lower().replace('/', '_')}"


def _candidate(
    *, title: str, lead: str, day: str, ref: str, row: str, path: Path
) -> CandidateAction | None:
    hit = classify(title)
    if hit is None:
        return None
    try:
        when = date.fromisoformat(day[:10])
    except ValueError as exc:
        raise ParseError(path, f"eventDate {day!r} is not a date", row) from exc
    money = prose_amount(title) or (
        prose_amount(lead) if hit[0] == "non_compliance_decision" else None
    )
    text = f"{title} {lead}"
    return CandidateAction(
        regulator=REGULATOR,
        jurisdiction=JURISDICTION,
        date=when,
        title=title,
        action_type=hit[0],
        raw_action_label=hit[1],
        source_url=human_url(ref) if ref else BASE,
        row_ref=row,
        legal_basis="Digital Services Act"
        if re.search(r"Digital Services Act|\bDSA\b", text)
        else "",
        amount=money[0] if money else None,
        amount_text=money[2] if money else "",
        currency=money[1] if money else "",
        summary=lead,
        ref=ref,
    )


def parse_actions(path: Path) -> list[CandidateAction]:
    """Candidate actions from a search-result page or a full document, exactly as they read."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(path, f"not Press Corner JSON ({exc})") from exc
    out: list[CandidateAction] = []
    if isinstance(data, dict) and isinstance(data.get("docuLanguageListResources"), list):
        for i, item in enumerate(data["docuLanguageListResources"]):
            row = f"docuLanguageListResources[{i}]"
            if not isinstance(item, dict) or "title" not in item or "eventDate" not in item:
                raise ParseError(path, "result without title or eventDate", row)
            c = _candidate(
                title=item["title"].strip(),
                lead=(item.get("leadText") or "").strip(),
                day=item["eventDate"],
                ref=item.get("refCode", ""),
                row=row,
                path=path,
            )
            if c:
                out.append(c)
        return out
    if isinstance(data, dict) and isinstance(data.get("docuLanguageResource"), dict):
        doc = data["docuLanguageResource"]
        body = BeautifulSoup(doc.get("htmlContent") or "", "html.parser").get_text(" ", strip=True)
        lead = " ".join(x for x in ((doc.get("subtitle") or "").strip(), body[:600]) if x)
        c = _candidate(
            title=(doc.get("title") or "").strip(),
            lead=lead,
            day=data.get("eventDate", ""),
            ref=data.get("refCd", ""),
            row="docuLanguageResource",
            path=path,
        )
        return [c] if c else []
    raise ParseError(
        path,
        "neither a search page (docuLanguageListResources) nor a document (docuLanguageResource)",
    )


def parse(path: Path) -> ParseResult:
    """No observations (``OBSERVATIONS = False``); reading the file checks it is Press Corner JSON,
    so ``transparency add`` refuses anything else."""
    parse_actions(path)
    return ParseResult()


# ---------------------------------------------------------------- fetch


def _json_check(kind: str):
    def check(body: bytes) -> str | None:
        if not body.strip():
            return "empty body (the API sometimes answers 200 with nothing)"
        try:
            data = json.loads(body)
        except ValueError:
            return "body is not JSON"
        if not isinstance(data, dict) or kind not in data:
            return f"JSON without {kind}"
        return None

    return check


def search_url(start: date, end: date, page: int) -> str:
    query = {
        "language": "en",
        "documentTypeCodes": "IP",
        "text": "Digital Services Act",
        "datefrom": start.strftime("%d%m%Y"),
        "dateto": end.strftime("%d%m%Y"),
        "pagesize": PAGE_SIZE,
        "pagenumber": page,
    }
    return f"{BASE}/api/search?{urlencode(query)}"


def fetch(
    client: PoliteClient,
    store: SnapshotStore,
    *,
    since: date | None = None,
    until: date | None = None,
) -> list[FetchOutcome]:
    """Search pages for the window (default: the last ~3 months), then every action document."""
    until = until or date.today()
    since = since or until - timedelta(days=WINDOW_DAYS)
    outcomes: list[FetchOutcome] = []
    refs: list[str] = []
    page, seen = 1, 0
    while True:
        url = search_url(since, until, page)
        o = fetch_checked(
            client,
            store,
            SOURCE,
            url,
            filename=f"presscorner-search-{since:%Y%m%d}-{until:%Y%m%d}-p{page}.json",
            expect=("application/json",),
            check=_json_check("docuLanguageListResources"),
        )
        outcomes.append(o)
        if o.snapshot is None:
            break  # a failed page is never taken for "no more results"
        data = json.loads(store.path_for(o.snapshot.sha256).read_bytes())
        items = data.get("docuLanguageListResources") or []
        refs += [
            it["refCode"] for it in items if it.get("refCode") and classify(it.get("title", ""))
        ]
        seen += len(items)
        if not items or seen >= int(data.get("totalNumber") or 0):
            break
        page += 1
    for ref in refs:
        url = f"{BASE}/api/documents?{urlencode({'reference': ref, 'language': 'en'})}"
        outcomes.append(
            fetch_checked(
                client,
                store,
                SOURCE,
                url,
                filename=f"presscorner-{ref.lower().replace('/', '_')}.json",
                expect=("application/json",),
                check=_json_check("docuLanguageResource"),
            )
        )
    return outcomes
