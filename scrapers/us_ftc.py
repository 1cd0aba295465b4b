"""US Federal Trade Commission: press releases (RSS feed), child-safety actions against platforms.

Covered: items of the FTC press-release RSS feeds whose title or description concerns children
(children, kids, teens, minors, COPPA) and says what was done: a settlement or order (with the
headline amount the title or description states), a complaint or lawsuit, or an inquiry (6(b)
orders). One candidate action per platform the item names (an inquiry's description lists the
companies ordered). Not covered: items without child-safety wording, case pages and court
dockets, the DOJ's and state attorneys general's own releases. Not an observation source:
candidates are matched against the curated register at build time.

Feed (regulators.md §7): RSS 2.0 at https://www.ftc.gov/feeds/press-release.xml (also
``press-release-consumer-protection.xml``); each ``item`` has ``title``, ``link``,
``description``, ``pubDate`` (RFC 822) and ``guid``.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from lxml import etree

from scrapers._regulator_feeds import fetch_checked
from transparency.accountability.feed_records import CandidateAction, prose_amount, rfc822_date
from transparency.acquisition.fetching import FetchOutcome, PoliteClient
from transparency.acquisition.sources import UNVERIFIED, SourceDeclaration
from transparency.acquisition.store import SnapshotStore
from transparency.reading.records import ParseError, ParseResult

OBSERVATIONS = False  # regulator actions, not published numbers: the build uses parse_actions
FEEDS = (
    "https://www.ftc.gov/feeds/press-release.xml",
    "https://www.ftc.gov/feeds/press-release-consumer-protection.xml",
)
SOURCE = SourceDeclaration(
    id="us_ftc",
    publisher="Federal Trade Commission",
    kind="regulator",
    title="FTC press releases (RSS): children's privacy and safety actions",
    homepage="https://www.ftc.gov/news-events/news/press-releases",
    formats=("xml",),
    cadence="event-driven",
    licence="US federal government work (public domain, 17 U.S.C. §105)",
    download_urls=FEEDS,
    hosts=("www.ftc.gov", "ftc.gov"),
    reporter="Federal Trade Commission",
    coverage=__doc__.split("\n\n")[1].replace("\n", " "),
    expected_lag_days=1,
    verification=UNVERIFIED,
    verification_note="RSS feed items as the project reads sources/regulators.md",
)
REGULATOR, JURISDICTION = "Federal Trade Commission (FTC)", "US"
CHILDREN = re.compile(
    r"\b(?:child(?:ren)?'?s?|kids?'?|teens?|minors?|COPPA|under[- ]1[368]s?)\b", re.IGNORECASE
)
# Wording -> action type, first match wins.
ACTION_WORDING: list[tuple[str, str]] = [
    (r"\b6\(b\)|\blaunch(?:es)? (?:an )?inquiry\b|\binquiry into\b", "information_request"),
    (
        r"\bsettle(?:s|d|ment)?\b|\b(?:will |to |agrees? to )pay\b|\border (?:will |to )?(?:ban|require)s?\b|\bconsent order\b",
        "settlement",
    ),
    (
        r"\bsues?\b|\blawsuit\b|\bfiles? (?:a )?complaint\b|\brefers? complaint\b|\bcharges?\b",
        "court_proceedings",
    ),
]


def classify(text: str) -> tuple[str, str] | None:
    for pattern, action in ACTION_WORDING:
        m = re.search(pattern, text, re.IGNORECASE)
        if m:
            return action, m[0]
    return None


def _text(item: etree._Element, tag: str) -> str:
    el = item.find(tag)
    raw = (el.text or "") if el is not None else ""
    return (
        BeautifulSoup(raw, "html.parser").get_text(" ", strip=True) if "<" in raw else raw.strip()
    )


def parse_actions(path: Path) -> list[CandidateAction]:
    """Candidate actions from one RSS file, item by item, in the feed's own words."""
    path = Path(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:  # from bytes: lxml reading a file raises OSError on some encoding errors
        root = etree.fromstring(path.read_bytes(), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(path, f"not an RSS feed ({exc})") from exc
    if root is None:
        raise ParseError(path, "not an RSS feed (no root element)")
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ParseError(path, f"not an RSS 2.0 feed (root element {root.tag!r})")
    out: list[CandidateAction] = []
    for i, item in enumerate(channel.findall("item"), start=1):
        row = f"item {i}"
        title, desc, link = _text(item, "title"), _text(item, "description"), _text(item, "link")
        if not title:
            raise ParseError(path, "item without a title", row)
        text = f"{title} {desc}"
        hit = classify(title) or classify(desc)
        if not CHILDREN.search(text) or hit is None:
            continue
        try:
            when = rfc822_date(_text(item, "pubDate"))
        except (TypeError, ValueError) as exc:
            raise ParseError(
                path, f"pubDate {_text(item, 'pubDate')!r} is not a date", row
            ) from exc
        money = (prose_amount(title) or prose_amount(desc)) if hit[0] == "settlement" else None
        out.append(
            CandidateAction(
                regulator=REGULATOR,
                jurisdiction=JURISDICTION,
                date=when,
                title=title,
                action_type=hit[0],
                raw_action_label=hit[1],
                source_url=link or SOURCE.homepage,
                row_ref=row,
                legal_basis="COPPA Rule"
                if re.search(r"COPPA|Children's Online Privacy", text, re.IGNORECASE)
                else "",
                amount=money[0] if money else None,
                amount_text=money[2] if money else "",
                currency=money[1] if money else "",
                summary=desc,
                ref=_text(item, "guid") or link,
            )
        )
    return out


def parse(path: Path) -> ParseResult:
    """No observations (``OBSERVATIONS = False``); reading the file checks it is an RSS feed."""
    parse_actions(path)
    return ParseResult()


def _rss_check(body: bytes) -> str | None:
    head = body[:2000].lstrip().lower()
    if not head:
        return "empty body"
    return None if b"<rss" in head else "not an RSS document"


def fetch(client: PoliteClient, store: SnapshotStore) -> list[FetchOutcome]:
    """The press-release feeds (the latest items; stored by content hash, so older ones stay)."""
    return [
        fetch_checked(
            client,
            store,
            SOURCE,
            url,
            filename=url.rsplit("/", 1)[-1],
            expect=("application/rss+xml", "application/xml", "text/xml"),
            check=_rss_check,
        )
        for url in FEEDS
    ]
