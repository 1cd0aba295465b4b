"""Ofcom (UK): Online Safety Act investigation case pages.

Covered: one case page per investigation, read through its fixed label sequence (``Published:``,
``Last updated:``, ``Open``/``Closed``, ``Investigation into <provider>``, ``Case opened <date>``,
``Summary``, ``Relevant legal provision(s)``) and its dated update paragraphs. The opening is one
candidate action (``investigation_opened``); each dated update that records a decision is another:
a provisional notice of contravention (``provisional_decision``), a confirmation decision or
penalty (``fine``, with the first amount it states), a closure (``investigation_closed``). Updates
that record no decision (a deadline, a request) are not actions. Not covered: the enforcement
bulletin listing and pages of the video-sharing-platform regime. Not an observation source:
candidates are matched against the curated register at build time.

Pages (regulators.md §4): ``https://www.ofcom.org.uk/online-safety/illegal-and-harmful-content/{slug}``;
the site sits behind bot protection, so fetch may fail from data-centre networks (add pages saved
by a browser with ``transparency add uk_ofcom PAGE.html --url URL``).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup

from scrapers._regulator_feeds import fetch_checked
from transparency.accountability.feed_records import CandidateAction, prose_amount, prose_date
from transparency.acquisition.fetching import FetchOutcome, PoliteClient
from transparency.acquisition.sources import UNVERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError, ParseResult

OBSERVATIONS = False  # regulator actions, not published numbers: the build uses parse_actions
CASE_BASE = "https://www.ofcom.org.uk/online-safety/illegal-and-harmful-content/"
CASE_PAGES = (  # case pages named in regulators.md §4
    "investigation-into-an-online-suicide-discussion-forum-and-its-compliance-with-duties-to-protect-its-users-from-illegal-content",
    "investigation-into-4chan-and-its-compliance-with-duties-to-protect-its-users-from-illegal-content",
    "investigation-into-x-and-scope-of-the-online-safety-act",
    "enforcing-the-online-safety-act-ofcom-investigates-kick-online-entertainment-s.a",
)
SOURCE = SourceDeclaration(
    id="uk_ofcom",
    publisher="Ofcom",
    kind="regulator",
    title="Ofcom Online Safety Act investigation case pages",
    homepage="https://www.ofcom.org.uk/online-safety/illegal-and-harmful-content",
    formats=("html",),
    cadence="event-driven",
    licence="Ofcom material; reuse under the Open Government Licence where marked, facts cited with source",
    download_urls=tuple(CASE_BASE + s for s in CASE_PAGES),
    hosts=("www.ofcom.org.uk", "ofcom.org.uk"),
    reporter="Ofcom",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=1,
    verification=UNVERIFIED,
    verification_note="case-page label sequence as the project reads sources/regulators.md",
)
REGULATOR, JURISDICTION = "Ofcom", "UK"
_DATE = r"\d{1,2} [A-Z][a-z]+ \d{4}"
_DATED = re.compile(rf"^(?:Update[:\s–-]*)?(?:On\s+)?(?P<d>{_DATE})\b")
_PROVIDER = re.compile(
    r"^Investigation into (?P<p>.+?)(?: and (?:its|their) compliance\b.*| and (?:the )?scope of\b.*)?$"
)
# Update wording -> action type, first match wins.
ACTION_WORDING: list[tuple[str, str]] = [
    (r"\bprovisional (?:notice of contravention|decision)\b", "provisional_decision"),
    (
        r"\bconfirmation decision\b|\b(?:fined|imposed? (?:a )?(?:single )?penalt(?:y|ies)|penalty of)\b",
        "fine",
    ),
    (
        r"\bclosed (?:the|this|its) investigation\b|\binvestigation (?:is|was|has been) closed\b|\bclosing (?:the|this) investigation\b",
        "investigation_closed",
    ),
    (
        r"\b(?:opened|launched|expanded) (?:an |a |the |this )?(?:formal )?investigation\b",
        "investigation_opened",
    ),
]


def classify(text: str) -> tuple[str, str] | None:
    for pattern, action in ACTION_WORDING:
        m = re.search(pattern, text, re.IGNORECASE)
        if m:
            return action, m[0]
    return None


def _read(path: Path) -> tuple[list[str], str]:
    """The page's text lines and its canonical URL ("" when it names none)."""
    soup = BeautifulSoup(path.read_bytes(), "html.parser")
    link = soup.find("link", rel="canonical")
    canonical = str(link.get("href", "")) if link else ""
    for tag in soup(["head", "script", "style", "nav", "header", "footer"]):
        tag.decompose()
    return [" ".join(t.split()) for t in soup.get_text("\n").splitlines() if t.strip()], canonical


def _label_value(lines: list[str], label: str, path: Path) -> tuple[int, str]:
    """Index and value of ``label`` (value on the same line after it, or on the next line)."""
    for i, line in enumerate(lines):
        if line.lower().startswith(label.lower()):
            rest = line[len(label) :].strip(" :")
            if rest:
                return i, rest
            if i + 1 < len(lines):
                return i + 1, lines[i + 1]
    raise ParseError(path, f"label {label!r} not found: not an Ofcom case page")


def _day(text: str, path: Path, row: str) -> date:
    found = prose_date(text)
    if found is None:
        raise ParseError(path, f"{text!r} holds no date", row)
    return found


def parse_actions(path: Path) -> list[CandidateAction]:
    """The case opening and each decision recorded in the page's dated updates."""
    path = Path(path)
    lines, canonical = _read(path)
    _label_value(lines, "Published:", path)
    _, updated = _label_value(lines, "Last updated:", path)
    title_at = next((i for i, ln in enumerate(lines) if _PROVIDER.match(ln)), None)
    if title_at is None:
        raise ParseError(path, "no 'Investigation into <provider>' heading: not an Ofcom case page")
    m = _PROVIDER.match(lines[title_at])
    provider, title = m["p"].strip(), lines[title_at]  # type: ignore[index]
    status = next((ln for ln in lines[:title_at] if ln in ("Open", "Closed")), "")
    opened_at, opened = _label_value(lines, "Case opened", path)
    try:
        legal_at, legal = _label_value(lines, "Relevant legal provision(s)", path)
    except ParseError:
        legal_at, legal = opened_at, ""
    summary_at = next((i for i, ln in enumerate(lines) if ln == "Summary"), opened_at)
    summary = " ".join(
        ln for ln in lines[summary_at + 1 :] if not ln.startswith("Relevant legal provision")
    )[:400]
    url = (
        canonical if canonical.startswith(CASE_BASE) else ""
    )  # "": the build uses the snapshot's URL

    def candidate(day: date, action: str, label: str, row: str, text: str) -> CandidateAction:
        money = prose_amount(text) if action == "fine" else None
        return CandidateAction(
            regulator=REGULATOR,
            jurisdiction=JURISDICTION,
            date=day,
            title=title,
            action_type=action,
            raw_action_label=label,
            source_url=url,
            row_ref=row,
            raw_platform_label=provider,
            legal_basis=legal,
            amount=money[0] if money else None,
            amount_text=money[2] if money else "",
            currency=money[1] if money else "",
            summary=text if row != "Case opened" else summary,
            status=f"{status} (last updated {updated})" if status else f"last updated {updated}",
            ref=(canonical or path.stem).rstrip("/").rsplit("/", 1)[-1],
        )

    out = [
        candidate(
            _day(opened, path, "Case opened"),
            "investigation_opened",
            "Case opened",
            "Case opened",
            summary,
        )
    ]
    # Dated updates: a paragraph starting with a date, and the undated paragraphs after it.
    updates: list[tuple[str, list[str]]] = []
    for line in lines[max(legal_at, summary_at) + 1 :]:
        dm = _DATED.match(line)
        if dm:
            updates.append((dm["d"], [line]))
        elif updates:
            updates[-1][1].append(line)
    for when, paragraphs in updates:
        text = " ".join(paragraphs)
        hit = classify(text)
        if hit:
            row = f"update {when}"
            out.append(candidate(_day(when, path, row), hit[0], hit[1], row, text))
    return out


def parse(path: Path) -> ParseResult:
    """No observations (``OBSERVATIONS = False``); reading the file checks it is a case page."""
    parse_actions(path)
    return ParseResult()


def _html_check(body: bytes) -> str | None:
    text = body[:200_000].decode("utf-8", "replace")
    if "Case opened" not in text:
        return "no 'Case opened' label (a bot-protection page instead of the case page?)"
    return None


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """Every declared case page; a bot-protection page is a failure, never a snapshot."""
    return [
        fetch_checked(
            client,
            store,
            SOURCE,
            CASE_BASE + slug,
            filename=f"{slug[:120]}.html",
            expect=("text/html",),
            check=_html_check,
        )
        for slug in CASE_PAGES
    ]
