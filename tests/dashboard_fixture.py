"""A fixture warehouse for the dashboard tests: the real embedded default plus the tables other
branches add (regulator actions, commitments, NCMEC cross-check, DSA statement-of-reasons
aggregates), so the dashboard tests do not depend on those branches.

What is real and what is not:

- The base is ``transparency.build.build()`` on the embedded default (Meta CSER 2021Q2 release).
- ``actions``/``cases``: real events transcribed from public sources (each row names its URL; the
  same facts are in the project's ground-truth table of regulator actions), e.g. eSafety's
  infringement notice to X Corp of A$610,500 issued 2023-10-03 (announced 2023-10-16).
  ``amount_eur``/``amount_usd`` use rounded approximate rates chosen for the fixture
  (see RATES), not ECB reference rates.
- ``commitments``: real commitments (TikTok Lite rewards withdrawal, TikTok ad repository, Roblox's
  nine safety commitments) with their URLs; ``due`` dates are left empty where none was stated.
- X observations: Twitter's CSE "accounts actioned" per half-year as published on
  transparency.twitter.com, transcribed by apparebit/diaphanous (CC BY 4.0).
- NCMEC observations and ``cybertipline_crosscheck``: NCMEC's per-ESP CyberTipline counts and the
  platforms' self-reported counts, as compiled by apparebit/diaphanous
  (comparable-reports-by-provider.csv, CC BY 4.0).
- DSA harmonised reports H2 2025 (scope EU): average monthly active recipients and own-initiative
  T&C measures for protection of minors, as published by the services (Snap's AMAR 97,153,476 from
  its 10_AMAR.csv; the others as compiled in krMaynard/transparency-report-api vlop-dsa.json).
- ``sor_daily``: **synthetic** counts (deterministic, hash-based), shaped like the official daily
  aggregates, because no per-platform aggregate file is available offline.
- Snapshot sha256s of the added sources are hashes of the fixture's own row text; retrieval dates
  of those sources are the dates the transcriptions were made or read.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb

from tests.conftest import FIXTURES
from transparency.build import build
from transparency.normalise import series_id
from transparency.store import SnapshotStore

META_URL = "https://transparency.fb.com/sr/community-standards/"
RATES = {"AUD": (0.603, 0.634), "EUR": (1.0, 1.09), "GBP": (1.17, 1.27), "USD": (0.92, 1.0)}

EXTRA_DDL = """
CREATE TABLE actions (
    action_id VARCHAR, case_id VARCHAR, date DATE, date_precision VARCHAR, regulator VARCHAR,
    jurisdiction VARCHAR, legal_basis VARCHAR, platform VARCHAR, service VARCHAR,
    raw_platform_label VARCHAR, action_type VARCHAR, amount DOUBLE, currency VARCHAR,
    amount_eur DOUBLE, amount_usd DOUBLE, status VARCHAR, summary VARCHAR, source_url VARCHAR,
    confidence VARCHAR, snapshot_sha256 VARCHAR, origin VARCHAR);
CREATE TABLE cases (
    case_id VARCHAR, title VARCHAR, regulator VARCHAR, jurisdiction VARCHAR, platform VARCHAR,
    legal_basis VARCHAR, first_date DATE, last_date DATE, status VARCHAR, events INTEGER);
CREATE TABLE commitments (
    commitment_id VARCHAR, platform VARCHAR, committed_to VARCHAR, commitment VARCHAR,
    made_on DATE, due DATE, status VARCHAR, evidence_url VARCHAR, source_url VARCHAR);
CREATE TABLE action_types (action_type VARCHAR, label VARCHAR, stage VARCHAR, description VARCHAR);
CREATE TABLE sor_daily (
    date DATE, platform VARCHAR, platform_name VARCHAR, category VARCHAR, keyword VARCHAR,
    decision_visibility VARCHAR, decision_account VARCHAR, decision_monetary VARCHAR,
    decision_provision VARCHAR, decision_ground VARCHAR, automated_detection VARCHAR,
    automated_decision VARCHAR, content_type VARCHAR, source_type VARCHAR, count BIGINT);
CREATE TABLE _fixture_crosscheck (
    platform VARCHAR, service VARCHAR, year INTEGER, self_reported DOUBLE, ncmec_received DOUBLE,
    ratio DOUBLE, self_source_url VARCHAR, ncmec_source_url VARCHAR);
CREATE VIEW cybertipline_crosscheck AS SELECT * FROM _fixture_crosscheck;
"""

ESAFETY_X = "https://www.esafety.gov.au/newsroom/media-releases/esafety-initiates-civil-penalty-proceedings-against-x-corp"
FCA_2024 = "https://en.m.wikisource.org/wiki/Page:X_Corp_v_eSafety_Commissioner_(2024,_FCA).pdf/1"
OSA = "Online Safety Act 2021 (Cth)"

# case_id, date, regulator, jurisdiction, legal_basis, platform, service, raw label, action_type,
# amount, currency, status, summary, source_url, confidence
ACTIONS = [
    ("esafety-x-bose-2023", "2023-02-22", "eSafety Commissioner", "AU",
     f"{OSA} s56(2) non-periodic reporting notice (BOSE Determination 2022)", "x", "x",
     "X (Twitter Inc / X Corp)", "transparency_notice", None, None, "responses published Oct 2023",
     "Second round of CSEA transparency notices (CSAM detection, livestreamed abuse, sexual "
     "extortion, grooming); 35 days to respond.",
     "https://en.m.wikisource.org/wiki/Page:X_Corp_v_eSafety_Commissioner_(2024,_FCA).pdf/7", "high"),
    ("esafety-x-bose-2023", "2023-10-03", "eSafety Commissioner", "AU",
     f"{OSA} s56(2) non-periodic reporting notice (BOSE Determination 2022); s57; infringement "
     "notice s163 + Regulatory Powers (Standard Provisions) Act 2014", "x", "x", "X (X Corp)",
     "infringement_notice", 610500, "AUD",
     "unpaid; X sought judicial review (lost 2024-10-04, appeal dismissed 2025-07-31); superseded "
     "by court civil penalty 2026",
     "Infringement notice of A$16,500/day x 37 days (29 Mar-5 May 2023) for failing to answer CSEA "
     "transparency notice questions; publicly announced 16 Oct 2023.", ESAFETY_X, "high"),
    ("esafety-x-bose-2023", "2023-12-21", "eSafety Commissioner", "AU",
     f"{OSA} s57; Regulatory Powers Act civil penalty", "x", "x", "X (X Corp)",
     "court_proceedings", None, None, "stayed pending JR; judgment 2026-05-21",
     "eSafety commenced civil penalty proceedings in Federal Court for failure to comply with the "
     "Feb 2023 CSEA transparency notice.", ESAFETY_X, "high"),
    ("esafety-x-bose-2023", "2024-10-04", "eSafety Commissioner", "AU",
     "Judicial review (ADJR Act; Judiciary Act s39B) of OSA s56/s57 notice and infringement notice",
     "x", "x", "X (X Corp)", "court_judgment", None, None, "eSafety won; X appealed",
     "[2024] FCA 1159: X Corp inherited Twitter Inc's obligation to answer the reporting notice; "
     "X's judicial review dismissed with costs.", FCA_2024, "high"),
    ("esafety-x-bose-2023", "2025-07-31", "eSafety Commissioner", "AU",
     "Appeal from [2024] FCA 1159", "x", "x", "X (X Corp)", "court_judgment", None, None,
     "appeal dismissed with costs",
     "[2025] FCAFC 99: the Full Federal Court unanimously dismissed X Corp's appeal.",
     "https://www.esafety.gov.au/newsroom/media-releases/full-federal-court-rejects-x-corp-appeal",
     "high"),
    ("esafety-x-bose-2023", "2026-05-21", "eSafety Commissioner", "AU",
     f"{OSA} s57 civil penalty", "x", "x", "X (X Corp)", "court_penalty", 650000, "AUD",
     "ordered; plus A$100,000 costs",
     "[2026] FCA 629: X Corp ordered to pay a A$650,000 pecuniary penalty (and A$100,000 towards "
     "eSafety's costs) after admitting the s57 contravention.",
     "https://www.thelawyermag.com/au/practice-areas/litigation-dispute-resolution/federal-court-"
     "makes-elon-musks-x-pay-750k-after-finding-breach-of-online-safety-act/577167", "high"),
    ("ec-dsa-x-2023", "2023-12-18", "European Commission", "EU", "DSA Arts 34, 35, 16, 25, 39, 40",
     "x", "x", "X (Twitter International Unlimited Co)", "formal_proceedings_opened", None, None,
     "partly decided (fine 2025-12-05); other strands open",
     "First DSA formal proceedings: illegal content/risk management, notice & action, deceptive "
     "blue checks, ad repository, researcher access.",
     "https://uisjournal.com/x-again-in-the-sights-of-the-european-union-brussels-launches-an-"
     "investigation-into-groks-sexual-deepfakes/", "high"),
    ("ec-dsa-x-2023", "2024-07-12", "European Commission", "EU", "DSA Arts 25, 39, 40(12)", "x", "x",
     "X", "preliminary_findings", None, None, "confirmed by non-compliance decision 2025-12-05",
     "Preliminary view that X breaches the DSA on blue checkmarks, ad transparency and researcher "
     "data access.", "https://eulawanalysis.blogspot.com/2025/12", "medium"),
    ("ec-dsa-x-2023", "2025-12-05", "European Commission", "EU",
     "DSA Arts 25, 39, 40 (Art 73 non-compliance decision, Art 74 fine)", "x", "x", "X",
     "non_compliance_decision", 120000000, "EUR", "X must submit action plan",
     "First DSA fine: deceptive paid blue checkmark design, deficient ad repository, barriers to "
     "researcher data access.",
     "https://www.theyeshivaworld.com/news/liveblogs/live-blog/2482172/eu-fines-x-e120m-for-"
     "deceptive-design-and-transparency-violations-under-dsa.html", "high"),
    ("meity-csam-2023-x", "2023-10-06", "Ministry of Electronics and IT (MeitY)", "IN",
     "IT Act 2000 s79 safe harbour; IT Rules 2021", "x", "x", "X", "notice", None, None, "issued",
     "Notice to remove child sexual abuse material promptly and adopt proactive measures or lose "
     "safe harbour.",
     "https://www.livemint.com/news/govt-warns-x-youtube-telegram-of-action-if-child-sexual-abuse-"
     "material-not-removed-from-platforms-11696597115338.html", "high"),
    ("dpc-instagram-2022", "2022-09-02", "Data Protection Commission (DPC)", "IE",
     "GDPR Arts 5(1)(a), 5(1)(c), 6(1), 12(1), 24, 25(1), 25(2), 35(1); EDPB Art 65 binding "
     "decision 28 Jul 2022", "meta", "instagram", "Instagram (Meta Platforms Ireland)", "fine",
     405000000, "EUR", "appealed by Meta",
     "Children 13-17 could run business accounts publishing phone/email; public-by-default teen "
     "accounts.",
     "https://www.scl.org/articles/12689-irish-data-protection-commission-announces-decision-in-"
     "instagram-inquiry", "high"),
    ("dpc-tiktok-2023", "2023-09-01", "Data Protection Commission (DPC)", "IE",
     "GDPR Arts 5(1)(a), 5(1)(c), 12, 13, 24, 25 (+ Art 65 EDPB binding decision)", "tiktok",
     "tiktok", "TikTok (TikTok Technology Ltd)", "fine", 345000000, "EUR",
     "appealed; reprimand and 3-month compliance order",
     "Children's data Jul-Dec 2020: public-by-default accounts, Family Pairing not verifying "
     "parents, dark patterns; announced 15 Sep 2023.",
     "https://www.rte.ie/news/business/2023/0915/1405433-tiktok-fined", "high"),
    ("ec-dsa-tiktok-lite-2024", "2024-04-22", "European Commission", "EU",
     "DSA Arts 34, 35 (new functionality risk assessment)", "tiktok", "tiktok_lite", "TikTok Lite",
     "formal_proceedings_opened", None, None, "closed by binding commitments 2024-08-05",
     "Proceedings over TikTok Lite 'Task and Reward' programme launched in FR/ES without risk "
     "assessment (addictive effects on minors).", "https://merlin.obs.coe.int/article/10137", "high"),
    ("ec-dsa-tiktok-lite-2024", "2024-08-05", "European Commission", "EU", "DSA Art 71 commitments",
     "tiktok", "tiktok_lite", "TikTok Lite", "commitments_accepted", None, None,
     "binding; proceedings closed",
     "TikTok committed to permanently withdraw TikTok Lite Rewards from the EU and not launch "
     "circumventing programmes (first DSA case closed).",
     "https://cms.storyboard18.com/digital/tiktok-commits-to-permanently-withdraw-tiktok-lite-"
     "rewards-programme-from-the-eu-39218.html", "high"),
    ("ofcom-tiktok-2023", "2024-07-24", "Ofcom", "UK",
     "Communications Act 2003 Part 4B s368Z10 (VSP information request)", "tiktok", "tiktok",
     "TikTok", "fine", 1875000, "GBP", "settled (25% reduction); paid",
     "Fined for inaccurate response to a formal information request on parental controls (Family "
     "Pairing) and slow correction.",
     "https://www.broadbandtvnews.com/2024/07/24/ofcom-fines-tiktok-1-875m-for-providing-"
     "inaccurate-data-on-safety-controls/", "high"),
    ("esafety-google-2023", "2023-10-16", "eSafety Commissioner", "AU",
     f"{OSA} s56(2) non-periodic reporting notice (BOSE Determination 2022); s57", "google", "",
     "Google", "formal_warning", None, None, "issued",
     "Formal warning for non-compliance with Feb 2023 CSEA transparency notice (generic answers, "
     "aggregated data across services). Date = public announcement.",
     "https://www.mobileworldlive.com/x/australia-fines-x-for-anti-child-abuse-failures/", "medium"),
]

CASE_TITLES = {
    "esafety-x-bose-2023": ("eSafety v X Corp: February 2023 CSEA transparency notice",
                            "civil penalty ordered"),
    "ec-dsa-x-2023": ("European Commission DSA proceedings against X", "partly decided"),
    "meity-csam-2023-x": ("MeitY CSAM notice to X", "issued"),
    "dpc-instagram-2022": ("DPC inquiry into Instagram (children's data)", "appealed"),
    "dpc-tiktok-2023": ("DPC inquiry into TikTok (children's data)", "appealed"),
    "ec-dsa-tiktok-lite-2024": ("European Commission DSA proceedings on TikTok Lite rewards",
                                "closed by commitments"),
    "ofcom-tiktok-2023": ("Ofcom investigation into TikTok's information response", "closed"),
    "esafety-google-2023": ("eSafety formal warning to Google", "issued"),
}

ACTION_TYPES = [
    ("transparency_notice", "Transparency notice", "opened", "A legal notice to report information"),
    ("notice", "Notice", "opened", "A formal notice or warning letter"),
    ("formal_proceedings_opened", "Formal proceedings opened", "opened", "Opening of proceedings"),
    ("preliminary_findings", "Preliminary findings", "finding", "Preliminary view of a breach"),
    ("formal_warning", "Formal warning", "sanction", "A formal warning for non-compliance"),
    ("infringement_notice", "Infringement notice", "sanction", "A fixed penalty notice"),
    ("fine", "Fine", "sanction", "A monetary penalty decided by the regulator"),
    ("non_compliance_decision", "Non-compliance decision", "sanction", "A decision finding a breach"),
    ("commitments_accepted", "Commitments accepted", "closed", "Binding commitments close a case"),
    ("court_proceedings", "Court proceedings", "court", "Proceedings filed in court"),
    ("court_judgment", "Court judgment", "court", "A court's judgment"),
    ("court_penalty", "Court-ordered penalty", "court", "A penalty ordered by a court"),
]

COMMITMENTS = [
    ("tiktok-lite-rewards-2024", "tiktok", "European Commission",
     "Permanently withdraw the TikTok Lite Rewards programme from the EU and not launch a "
     "programme circumventing the withdrawal", "2024-08-05", None, "binding; proceedings closed",
     None, "https://cms.storyboard18.com/digital/tiktok-commits-to-permanently-withdraw-tiktok-lite-"
     "rewards-programme-from-the-eu-39218.html"),
    ("tiktok-ad-repository-2025", "tiktok", "European Commission",
     "Full ad content, 24h updates, targeting criteria and aggregated reach data in the ad "
     "repository", "2025-12-05", None, "binding; implement within 2-12 months", None,
     "https://digitalpolicyalert.org/event/35858-european-commission-accepted-tiktoks-commitments-"
     "on-advertising-transparency-under-digital-services-act"),
    ("roblox-nine-2025", "roblox", "eSafety Commissioner",
     "Nine safety commitments: private-by-default under-16 accounts, chat off until age "
     "estimation, no adult-to-under-16 chat", "2025-09-15", "2025-12-31",
     "reported delivered end-2025; eSafety direct testing announced Feb 2026", None,
     "https://prwire.my/?p=93381"),
]

# Twitter CSE "accounts actioned" per half-year (transparency.twitter.com, via diaphanous).
X_ACCOUNTS = [("2018-07-01", "2018-12-31", 457231), ("2019-01-01", "2019-06-30", 246642),
              ("2019-07-01", "2019-12-31", 264625), ("2020-01-01", "2020-06-30", 444781),
              ("2020-07-01", "2020-12-31", 469439), ("2021-01-01", "2021-06-30", 456146),
              ("2021-07-01", "2021-12-31", 599523), ("2022-01-01", "2022-06-30", 696015)]

NCMEC_PDF = "https://www.missingkids.org/content/dam/missingkids/pdfs/{year}-reports-by-esp.pdf"
# (platform, service, raw ESP label, year, NCMEC received)
NCMEC_RECEIVED = [("x", "twitter", "Twitter, Inc.", 2019, 45726), ("x", "twitter", "Twitter", 2021, 86666),
                  ("snap", "snapchat", "Snapchat", 2019, 82030), ("snap", "snapchat", "Snapchat", 2021, 512522),
                  ("snap", "snapchat", "Snapchat", 2023, 713055),
                  ("meta", "facebook", "Facebook", 2021, 22118952),
                  ("meta", "instagram", "Instagram", 2021, 3393654)]

# comparable-reports-by-provider.csv (diaphanous): platform, service, year, self, NCMEC, self URL
CROSSCHECK = [
    ("snap", "snapchat", 2022, 550755, 551086, "https://values.snap.com/privacy/transparency"),
    ("snap", "snapchat", 2023, 691225, 713055, "https://values.snap.com/privacy/transparency"),
    ("discord", "discord", 2021, 24623, 29606, "https://discord.com/safety-transparency-reports"),
    ("discord", "discord", 2022, 58179, 169800, "https://discord.com/safety-transparency-reports"),
    ("discord", "discord", 2023, 164478, 339412, "https://discord.com/safety-transparency-reports"),
    ("google", "all", 2022, 2174319, 2174548, "https://transparencyreport.google.com/"),
    ("google", "all", 2023, 1472221, 1470958, "https://transparencyreport.google.com/"),
    ("reddit", "reddit", 2023, 290121, 290141,
     "https://www.redditinc.com/policies/transparency-report"),
]

# DSA harmonised reports, period 2025-07-01/2025-12-31, scope EU:
# (platform, service, raw service label, AMAR, own-initiative T&C measures for protection of minors)
DSA_H2_2025 = [("snap", "snapchat", "Snapchat", 97153476, 94414),
               ("meta", "facebook", "Facebook", 262480454, 1182154),
               ("meta", "instagram", "Instagram", 288737559, 576939),
               ("x", "x", "X", 64767887, 151607),
               ("tiktok", "tiktok", "TikTok", 178300000, 85825447)]

EXTRA_SOURCES = [
    ("x_transparency", "X Corp.", "platform report",
     "Twitter/X Transparency Center: rules enforcement (child sexual exploitation)",
     "https://transparency.x.com/", "html", "half-yearly",
     "Public document (X Corp.); transcription CC BY 4.0 (Robert Grimm, apparebit/diaphanous)",
     "https://transparency.twitter.com", "platform", "x", "CSE accounts actioned per half-year", 180),
    ("ncmec_reports_by_esp", "NCMEC", "third party",
     "CyberTipline reports by electronic service provider (ESP)",
     "https://www.missingkids.org/gethelpnow/cybertipline/cybertiplinedata", "pdf", "annual",
     "Public document (NCMEC)", NCMEC_PDF, "NCMEC", "", "reports received per ESP and year", 150),
    ("dsa_harmonised_reports", "European Commission (DSA), reports by each provider", "DSA",
     "DSA harmonised transparency reports (Implementing Regulation (EU) 2024/2835)",
     "https://digital-strategy.ec.europa.eu/en/library/implementing-regulation-laying-down-"
     "templates-concerning-transparency-reporting-obligations", "csv, xlsx", "half-yearly",
     "Public documents of the providers (DSA Arts 15, 24, 42)", "", "platform", "",
     "AMAR and own-initiative measures (fixture: H2 2025)", 60),
]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _rate(amount: float | None, currency: str | None) -> tuple[float | None, float | None]:
    if amount is None or currency not in RATES:
        return None, None
    eur, usd = RATES[currency]
    return round(amount * eur), round(amount * usd)


def _observation(con, *, source_id, platform, service, scope, start, end, label, policy, metric,
                 value, unit, raw_platform, raw_policy, raw_metric, reporter, sha, row_ref,
                 vintage) -> None:
    sid = series_id(source_id, platform, service, scope, policy, metric, reporter)
    con.execute("""INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?,
                   ?, ?, ?, ?, ?, ?, true)""",
                [sid, source_id, platform, service, scope, start, end, label, policy, metric,
                 value, unit, f"{value:,}", raw_platform, raw_policy, raw_metric, scope, reporter,
                 sha, row_ref, vintage])


def _snapshot(con, *, sha, source_id, url, filename, retrieved, published, vintage, records) -> None:
    con.execute("INSERT INTO snapshots VALUES (?, ?, ?, NULL, ?, ?, ?, 'text/csv', NULL, NULL, "
                "'fixture', ?, ?)", [sha, source_id, url, filename, retrieved, published, vintage,
                                     records])


def add_observation_sources(con: duckdb.DuckDBPyConnection) -> None:
    """X, NCMEC and DSA-harmonised observations with their sources and snapshots."""
    con.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [list(s) for s in EXTRA_SOURCES])
    sha = _sha(repr(X_ACCOUNTS))
    _snapshot(con, sha=sha, source_id="x_transparency", url="https://transparency.twitter.com",
              filename="ocse-reports-per-platform.json (Twitter rows)", retrieved="2024-10-16",
              published=None, vintage="2024-10-16", records=len(X_ACCOUNTS))
    for i, (start, end, v) in enumerate(X_ACCOUNTS):
        half = "H1" if start[5:7] == "01" else "H2"
        _observation(con, source_id="x_transparency", platform="x", service="twitter",
                     scope="global", start=start, end=end, label=f"{start[:4]}-{half}",
                     policy="protection_of_minors.child_sexual_exploitation",
                     metric="accounts_actioned", value=v, unit="accounts", raw_platform="Twitter",
                     raw_policy="Child sexual exploitation", raw_metric="accounts actioned",
                     reporter="platform", sha=sha, row_ref=f"row {i + 1}", vintage="2024-10-16")
    for year in sorted({r[3] for r in NCMEC_RECEIVED}):
        rows = [r for r in NCMEC_RECEIVED if r[3] == year]
        sha = _sha(repr(rows))
        _snapshot(con, sha=sha, source_id="ncmec_reports_by_esp", url=NCMEC_PDF.format(year=year),
                  filename=f"{year}-reports-by-esp.pdf", retrieved="2024-10-16", published=None,
                  vintage="2024-10-16", records=len(rows))
        for platform, service, label, _, v in rows:
            _observation(con, source_id="ncmec_reports_by_esp", platform=platform,
                         service=service, scope="global", start=f"{year}-01-01",
                         end=f"{year}-12-31", label=str(year), policy="protection_of_minors",
                         metric="cybertipline_reports_received", value=v, unit="reports",
                         raw_platform=label, raw_policy="CyberTipline reports",
                         raw_metric="reports", reporter="NCMEC", sha=sha, row_ref=f"ESP {label}",
                         vintage="2024-10-16")
    for platform, service, label, amar, minors in DSA_H2_2025:
        sha = _sha(f"{label} H2 2025 {amar} {minors}")
        published = "2026-04-01" if platform == "snap" else None
        _snapshot(con, sha=sha, source_id="dsa_harmonised_reports",
                  url="https://values.snap.com/privacy/transparency" if platform == "snap"
                  else "https://github.com/krMaynard/transparency-report-api",
                  filename=f"{label} DSA TR H2 2025", retrieved="2026-05-13", published=published,
                  vintage=published or "2026-05-13", records=2)
        vintage = published or "2026-05-13"
        common = dict(source_id="dsa_harmonised_reports", platform=platform, service=service,
                      scope="EU", start="2025-07-01", end="2025-12-31", label="2025-H2",
                      raw_platform=label, reporter="platform", sha=sha, vintage=vintage)
        _observation(con, **common, policy="all", metric="amar", value=amar, unit="recipients",
                     raw_policy="", raw_metric="Number of average monthly active recipients "
                     "during the reporting period", row_ref="10_AMAR TOTAL")
        _observation(con, **common, policy="protection_of_minors", metric="content_actioned",
                     value=minors, unit="pieces of content",
                     raw_policy="STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
                     raw_metric="Number of measures taken at the provider's own initiative",
                     row_ref="6_own_initiative_TC")


def add_actions(con: duckdb.DuckDBPyConnection) -> None:
    rows = []
    for i, a in enumerate(ACTIONS):
        (case, day, reg, jur, basis, plat, svc, raw, kind, amount, cur, status, summary, url,
         conf) = a
        eur, usd = _rate(amount, cur)
        rows.append([f"fx-{i + 1:03d}", case, day, "day", reg, jur, basis, plat, svc or None, raw,
                     kind, amount, cur, eur, usd, status, summary, url, conf, None, "fixture"])
    con.executemany("INSERT INTO actions VALUES (" + ", ".join("?" * 21) + ")", rows)
    for case, (title, status) in CASE_TITLES.items():
        con.execute("""INSERT INTO cases SELECT case_id, ?, any_value(regulator),
                       any_value(jurisdiction), any_value(platform), arg_min(legal_basis, date),
                       min(date), max(date), ?, count(*)::INTEGER
                       FROM actions WHERE case_id = ? GROUP BY case_id""", [title, status, case])
    con.executemany("INSERT INTO action_types VALUES (?, ?, ?, ?)", [list(r) for r in ACTION_TYPES])
    con.executemany("INSERT INTO commitments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [list(r) for r in COMMITMENTS])
    con.executemany("INSERT INTO _fixture_crosscheck VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [[p, s, y, a, b, a / b, url, NCMEC_PDF.format(year=y)]
                     for p, s, y, a, b, url in CROSSCHECK])


SOR_PLATFORMS = [("tiktok", "TikTok", 40), ("meta", "Instagram", 12), ("meta", "Facebook", 9),
                 ("snap", "Snapchat", 3), ("x", "X", 2), ("google", "YouTube", 8)]
CATEGORIES = ["STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
              "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "STATEMENT_CATEGORY_VIOLENCE",
              "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", "STATEMENT_CATEGORY_SELF_HARM"]
MINOR_KEYWORDS = ["", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
                  "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
                  "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL,KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS"]
VISIBILITY = ["DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
              "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", "DECISION_VISIBILITY_CONTENT_DEMOTED",
              "DECISION_VISIBILITY_CONTENT_REMOVED,DECISION_VISIBILITY_CONTENT_LABELLED", ""]


def add_sor_daily(con: duckdb.DuckDBPyConnection, *, start: str = "2025-06-01",
                  end: str = "2025-07-31", platforms=SOR_PLATFORMS, combos: int = 24) -> int:
    """Synthetic daily statement-of-reasons aggregates (deterministic): ``combos`` attribute
    combinations per platform and day, counts scaled per platform. Returns rows added."""
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _sor_platforms (platform VARCHAR, "
                "platform_name VARCHAR, scale INTEGER)")
    con.execute("DELETE FROM _sor_platforms")
    con.executemany("INSERT INTO _sor_platforms VALUES (?, ?, ?)", [list(p) for p in platforms])
    before = con.execute("SELECT count(*) FROM sor_daily").fetchone()[0]
    con.execute("""
        INSERT INTO sor_daily
        WITH d AS (SELECT unnest(generate_series(?::DATE, ?::DATE, INTERVAL 1 DAY))::DATE AS date),
             k AS (SELECT unnest(range(?)) AS k),
             g AS (SELECT d.date, p.platform, p.platform_name, p.scale, k.k,
                          hash(d.date, p.platform_name, k.k) AS h
                   FROM d, _sor_platforms p, k)
        SELECT date, platform, platform_name,
               c.cats[1 + (h % 6)::INTEGER] AS category,
               CASE WHEN h % 6 = 0 THEN c.kws[1 + ((h // 7) % 5)::INTEGER] ELSE '' END AS keyword,
               c.vis[1 + ((h // 37) % 6)::INTEGER] AS decision_visibility,
               CASE WHEN (h // 11) % 4 = 0 THEN 'DECISION_ACCOUNT_SUSPENDED' ELSE '' END,
               '', '',
               CASE WHEN (h // 13) % 5 = 0 THEN 'DECISION_GROUND_ILLEGAL_CONTENT'
                    ELSE 'DECISION_GROUND_INCOMPATIBLE_CONTENT' END,
               CASE WHEN (h // 17) % 10 < 7 THEN 'Yes' ELSE 'No' END AS automated_detection,
               CASE WHEN (h // 19) % 3 = 0 THEN 'AUTOMATED_DECISION_FULLY'
                    WHEN (h // 19) % 3 = 1 THEN 'AUTOMATED_DECISION_PARTIALLY'
                    ELSE 'AUTOMATED_DECISION_NOT_AUTOMATED' END,
               CASE WHEN (h // 23) % 2 = 0 THEN 'CONTENT_TYPE_VIDEO' ELSE 'CONTENT_TYPE_IMAGE' END,
               CASE WHEN (h // 29) % 8 = 0 THEN 'SOURCE_ARTICLE_16' ELSE 'SOURCE_VOLUNTARY' END,
               (scale * (50 + (h // 31) % 950))::BIGINT AS count
        FROM g, (SELECT ?::VARCHAR[] AS cats, ?::VARCHAR[] AS kws, ?::VARCHAR[] AS vis) c
    """, [start, end, combos, CATEGORIES, MINOR_KEYWORDS, VISIBILITY])
    return con.execute("SELECT count(*) FROM sor_daily").fetchone()[0] - before


def build_fixture_warehouse(home: Path, *, restated: bool = False, sor: bool = True) -> Path:
    """Build the embedded default under ``home`` and add the fixture tables; returns the db path.

    ``restated=True`` also stores the project's own imagined next Meta release
    (tests/fixtures/meta_cser/meta-cser-sample-2021q3.csv), which restates Facebook / Child
    Endangerment: Sexual Exploitation / 2021Q2 from 25,700,000 to 25,800,000 (a test value).
    """
    home.mkdir(parents=True, exist_ok=True)
    store = SnapshotStore(home / "store")
    if restated:
        store.put_file(FIXTURES / "meta_cser" / "meta-cser-sample-2021q3.csv",
                       source_id="meta_cser", url=META_URL, published_at="2021-11-09",
                       retrieved_at="2021-11-09T12:00:00Z", method="manual")
    db = build(home / "warehouse.duckdb", store=store, force=True).db
    with duckdb.connect(str(db)) as con:
        con.execute(EXTRA_DDL)
        add_observation_sources(con)
        add_actions(con)
        if sor:
            add_sor_daily(con)
        con.execute("CHECKPOINT")
    return db


def build_empty_warehouse(path: Path) -> Path:
    """A warehouse with the schema but no rows (what a fresh build with no data would give)."""
    from transparency.build import SCHEMA

    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMA.read_text())
    return path


if __name__ == "__main__":  # build one by hand: python -m tests.dashboard_fixture DIR
    import sys

    out = build_fixture_warehouse(Path(sys.argv[1] if len(sys.argv) > 1 else "var/fixture"))
    print(out, date.today())
