"""The worldwide register (issue 18): researched actions in every jurisdiction family, the merge
script's checks, amount kinds, authority kinds, the CLI filters and the changes feed.

Family tests assert real actions merged from research with the figures their sources state (date,
amount, currency, kind of amount, source URL). The merge tests use made-up rows only.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, shared_file
from transparency.accountability import research_intake
from transparency.accountability.register import ACTION_COLUMNS, CASE_COLUMNS, Regulators
from transparency.build.compose import BuildError, build
from transparency.harmonisation import registries
from transparency.harmonisation.registries import read_csv

REGISTER = "registers/regulator_actions.csv"


def query(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("w") / "w.duckdb").db


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        "COLUMNS": "200",
        "TRANSPARENCY_HOME": str(home),
    }
    return subprocess.run(
        [sys.executable, "-m", "transparency", *args], capture_output=True, text=True, env=env
    )


# ------------------------------------------------------------------ real actions per family
# (jurisdiction, date, platform, action type) -> (amount, currency, amount kind, source URL)
FAMILIES = {
    "europe": {
        ("IT", "2025-04-10", "replika", "fine"): (
            5_000_000,
            "EUR",
            "total",
            "https://www.agendadigitale.eu/sicurezza/privacy/replika-sanzionata-dal-garante-ecco-le-falle-nel-sistema-di-verifica-delleta/",
        ),
        ("FR", "2023-01-12", "tiktok", "fine"): (
            5_000_000,
            "EUR",
            "total",
            "https://gdprhub.eu/index.php?oldid=37309&title=CNIL_%28France%29_-_SAN-2022-027",
        ),
        # Datatilsynet's advance notice names the statutory ceiling it considered: a maximum,
        # never a sanction
        ("NO", "2021-01-26", "grindr", "notice"): (
            100_000_000,
            "NOK",
            "maximum",
            "https://finansavisen.no/nyheter/digital/2021/01/26/7613967/datatilsynet-varsler-gebyr-pa-100-millioner-kroner-for-datingapp",
        ),
    },
    "uk": {
        ("UK", "2026-02-05", "imgur", "fine"): (
            247_590,
            "GBP",
            "total",
            "https://eyesopeners.com/?p=50465",
        ),
    },
    "us": {
        ("US", "2024-07-30", "meta", "settlement"): (  # Texas (subdivision US-TX)
            1_400_000_000,
            "USD",
            "total",
            "https://www.einpresswire.com/article/731585687/attor-ney-gen-er-al-ken-pax-ton-secures-1-4-bil-lion-set-tle-ment-with-meta-over-its-unau-tho-rized-cap-ture-of-per-son-al-bio-met-ric-data-in",
        ),
    },
    "americas": {
        # a daily penalty for non-compliance with the suspension order: said as such
        ("BR", "2023-04-26", "telegram", "ban_block"): (
            1_000_000,
            "BRL",
            "per_day",
            "https://www.em.com.br/app/noticia/internacional/2023/04/26/interna_internacional,1486339/justica-determina-suspensao-do-telegram-no-brasil.shtml",
        ),
        ("VE", "2024-12-30", "tiktok", "fine"): (
            10_000_000,
            "USD",
            "total",
            "https://tvazteca.com/aztecanoticias/tiktok-multa-10-millones-dolares-venezuela-retos-virales",
        ),
    },
    "asia_pacific": {
        ("KR", "2022-09-14", "google", "fine"): (
            69_200_000_000,
            "KRW",
            "total",
            "https://www.business-standard.com/article/pti-stories/south-korea-fines-google-meta-over-privacy-violations-122091400517_1.html",
        ),
        ("AU", "2024-12-17", "meta", "settlement"): (
            50_000_000,
            "AUD",
            "total",
            "https://www.minterellison.com/articles/metas-50m-reckoning-the-oaic-gets-tough-on-privacy",
        ),
    },
    "middle_east_africa": {
        ("NG", "2024-07-19", "meta", "fine"): (
            220_000_000,
            "USD",
            "total",
            "https://breakingng.com/news/article/tribunal-upholds-nigerias-220m-fine-against-meta",
        ),
        ("TZ", "2025-06-04", "x", "ban_block"): (
            None,
            None,
            None,
            "https://trt.global/afrika-english/article/248c9142490d",
        ),
    },
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_real_actions_per_jurisdiction_family(db, family):
    for (jur, day, platform, kind), expected in FAMILIES[family].items():
        rows = query(
            db,
            """SELECT amount, currency, amount_kind, source_url, quote FROM actions
               WHERE jurisdiction = $j AND date = CAST($d AS DATE) AND platform = $p
                 AND action_type = $t""",
            {"j": jur, "d": day, "p": platform, "t": kind},
        )
        assert rows, f"{family}: no {kind} of {platform} in {jur} on {day}"
        amount, currency, amount_kind, url, quote = rows[0]
        assert (amount, currency, amount_kind, url) == expected, (jur, day, platform, kind)
        assert quote and len(quote.split()) <= 25


def test_announcement_and_decision_dates_and_conversions(db):
    # Tanzania announced the block of X on 4 June 2025; the decision dates from 20 May
    assert query(
        db,
        "SELECT decision_date::VARCHAR FROM actions WHERE jurisdiction = 'TZ' AND platform = 'x' "
        "AND action_type = 'ban_block' AND date = DATE '2025-06-04'",
    ) == [("2025-05-20",)]
    # KRW at the ECB rate of the day, and a USD amount stays USD
    [(eur, usd, fx_day)] = query(
        db,
        "SELECT amount_eur, amount_usd, fx_date::VARCHAR FROM actions WHERE jurisdiction = 'KR' "
        "AND platform = 'google' AND date = DATE '2022-09-14'",
    )
    [(krw, usd_rate)] = query(
        db,
        "SELECT max(per_eur) FILTER (WHERE currency = 'KRW'), max(per_eur) FILTER (WHERE currency = 'USD') "
        "FROM fx_rates WHERE date = DATE '2022-09-14'",
    )
    assert fx_day == "2022-09-14"
    assert eur == pytest.approx(69_200_000_000 / krw)
    assert usd == pytest.approx(69_200_000_000 / krw * usd_rate)


def test_per_day_and_maximum_amounts_never_make_a_case_headline(db):
    rows = query(
        db,
        """SELECT c.case_id, c.max_amount_eur FROM cases c
           WHERE c.case_id IN (SELECT case_id FROM actions WHERE amount_kind IN ('per_day', 'maximum', 'suspended'))
             AND c.case_id NOT IN (SELECT case_id FROM actions
                                   WHERE amount_kind IN ('total', 'per_platform') AND case_id IS NOT NULL)""",
    )
    assert rows and all(m is None for _, m in rows)
    # Grindr's case: the NOK 65m fine is the headline, not the NOK 100m ceiling of the notice
    [(headline,)] = query(
        db,
        "SELECT max_amount_eur FROM cases WHERE case_id = (SELECT case_id FROM actions "
        "WHERE jurisdiction = 'NO' AND platform = 'grindr' AND action_type = 'notice')",
    )
    [(fine_eur,)] = query(
        db,
        "SELECT amount_eur FROM actions WHERE jurisdiction = 'NO' AND platform = 'grindr' "
        "AND action_type = 'fine'",
    )
    assert headline == pytest.approx(fine_eur)


def test_breadth_regulators_kinds_and_quotes(db):
    countries = {j.split("-")[0] for (j,) in query(db, "SELECT DISTINCT jurisdiction FROM actions")}
    assert len(countries) >= 25, sorted(countries)
    kinds = dict(query(db, "SELECT kind, count(*) FROM regulators GROUP BY 1"))
    assert set(kinds) <= {k for (k,) in query(db, "SELECT kind FROM authority_kinds")}
    for kind in ("data_protection", "online_safety", "communications_media", "court"):
        assert kinds.get(kind, 0) >= 1, kind
    assert kinds.get("attorney_general", 0) >= 5
    assert query(
        db,
        "SELECT count(*) FROM actions a LEFT JOIN regulators r USING (regulator_id) "
        "WHERE r.regulator_id IS NULL",
    ) == [(0,)]
    # every researched action (those with a quote) has a source URL and a quote of <= 25 words
    quotes = query(db, "SELECT quote, source_url FROM actions WHERE quote IS NOT NULL")
    assert len(quotes) >= 150
    assert all(len(q.split()) <= 25 and u.startswith("http") for q, u in quotes)


# ------------------------------------------------------------------ the reference list, via the CLI


def test_every_reference_action_is_listed_by_the_cli_with_its_figures(tmp_path):
    path = shared_file("reference/regulator_actions.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        reference = list(csv.DictReader(fh))
    home = tmp_path / "home"
    assert run_cli("build", "--quiet", home=home).returncode == 0
    p = run_cli("actions", "--format", "csv", home=home)
    assert p.returncode == 0, p.stderr
    listed = Counter(
        (r["date"], r["amount"], r["currency"], r["source_url"])
        for r in csv.DictReader(io.StringIO(p.stdout))
    )
    missing = [
        (r["date"], r["platform"], r["action_type"])
        for r in reference
        if not listed[(r["date"], r["amount"], r["currency"], r["source_url"])]
    ]
    assert missing == []
    # filters: a country code takes in its states; a kind of authority by id or label
    us = list(
        csv.DictReader(
            io.StringIO(
                run_cli("actions", "--format", "csv", "--jurisdiction", "us", home=home).stdout
            )
        )
    )
    # a state's action lists under its country; --jurisdiction US-TX takes the state alone
    assert {r["jurisdiction"] for r in us} == {"US"}
    texas = list(
        csv.DictReader(
            io.StringIO(
                run_cli("actions", "--format", "csv", "--jurisdiction", "US-TX", home=home).stdout
            )
        )
    )
    assert texas and {r["jurisdiction"] for r in texas} == {"US"}
    assert ("2024-07-30", "1400000000") in {(r["date"], r["amount"]) for r in texas}
    assert len(texas) < len(us)
    courts = run_cli("actions", "--format", "csv", "--kind", "court", home=home).stdout
    by_label = run_cli(
        "actions", "--format", "csv", "--kind", "Court or tribunal", home=home
    ).stdout
    assert courts == by_label and len(courts.splitlines()) > 10
    assert "Tribunal" in courts and "eSafety" not in courts
    dpa = list(
        csv.DictReader(
            io.StringIO(
                run_cli(
                    "actions",
                    "--format",
                    "csv",
                    "--kind",
                    "data_protection",
                    "--jurisdiction",
                    "IT",
                    home=home,
                ).stdout
            )
        )
    )
    assert dpa and {r["regulator"] for r in dpa} == {"Garante per la protezione dei dati personali"}
    table = run_cli("actions", "--jurisdiction", "BR", home=home).stdout
    assert "(per day)" in table


# ------------------------------------------------------------------ the merge (made-up rows)


def research_row(**kw: str) -> dict[str, str]:
    row = {c: "" for c in research_intake.RESEARCH_COLUMNS}
    row.update(
        {
            "date": "2025-03-03",
            "regulator": "Agence de Protection Imaginaire (API)",
            "regulator_kind": "data protection authority",
            "jurisdiction": "LU",
            "platform_label": "TikTok",
            "action_type": "fine",
            "amount": "1000000",
            "currency": "EUR",
            "amount_kind": "total",
            "status": "decided",
            "summary": "Made-up fine for a test.",
            "quote": "the authority fined TikTok EUR 1 million on 3 March 2025",
            "source_url": "https://example.org/made-up",
            "confidence": "high",
            "case_hint": "lu-api-tiktok-2025",
        }
    )
    row.update(kw)
    row["_where"] = f"test.csv line {kw.get('_line', '2')}"
    row["_row"] = row["_where"]
    return row


def load_all(data: Path):
    reg = registries.load(data)
    regs = Regulators(
        read_csv(data / "registry/regulators.csv", ("regulator_id", "name", "jurisdiction")),
        read_csv(data / "registry/regulator_aliases.csv", ("alias", "regulator_id")),
    )
    types = read_csv(data / "registry/action_types.csv", ("action_type", "label", "stage"))
    existing = read_csv(data / REGISTER, ACTION_COLUMNS)
    cases = read_csv(data / "registers/cases.csv", CASE_COLUMNS)
    return existing, cases, reg, regs, types


def test_merge_validates_every_row_and_reports_what_it_does_not_enter():
    rows = [
        research_row(),
        research_row(date="3 March 2025", _line="3"),
        research_row(currency="EURO", _line="4"),
        research_row(quote=" ".join(["word"] * 26), _line="5"),
        research_row(quote="", _line="6"),
        research_row(source_url="", _line="7"),
        research_row(action_type="strongly worded letter", _line="8"),
        research_row(amount="1,000,000.50 EUR", _line="9"),
        research_row(platform_label="X Corp. and xAI", _line="10"),
        research_row(date="2999-01-01", _line="11"),
    ]
    out = research_intake.merge(rows, *load_all(REPO / "data"))
    assert [a["action_id"] for a in out.actions] == ["lu_api-2025-03-03-tiktok-fine"]
    why = dict(out.rejected)
    assert "date: date '3 March 2025' is not YYYY-MM-DD or YYYY-MM" in why["test.csv line 3"]
    assert "currency 'EURO' is not an ISO 4217 code" in why["test.csv line 4"]
    assert "quote has 26 words (at most 25)" in why["test.csv line 5"]
    assert "quote is missing" in why["test.csv line 6"]
    assert "source_url is missing" in why["test.csv line 7"]
    assert "action type 'strongly worded letter' is not in the vocabulary" in why["test.csv line 8"]
    assert "is not a plain number" in why["test.csv line 9"]
    assert (
        "names 2 platforms with one total amount: one row per platform" in why["test.csv line 10"]
    )
    [regulator] = out.regulators
    assert (regulator["regulator_id"], regulator["kind"], regulator["jurisdiction"]) == (
        "lu_api",
        "data_protection",
        "LU",
    )
    [case] = out.cases
    assert (case["case_id"], case["regulator"], case["platform"], case["status"]) == (
        "lu-api-tiktok-2025",
        "lu_api",
        "tiktok",
        "decided",
    )


def test_merge_skips_duplicates_keeps_amount_kinds_and_is_deterministic():
    existing = load_all(REPO / "data")
    rows = [
        # Garante's urgent order against TikTok of 22 January 2021 is already in the register
        research_row(
            date="2021-01-25",
            regulator="Garante per la protezione dei dati personali",
            jurisdiction="IT",
            action_type="emergency order",
            amount="",
            currency="",
            amount_kind="",
            case_hint="",
        ),
        research_row(
            date="2025-03-10",
            platform_label="Zzyzx Chat (Zzyzx Labs Ltd)",
            action_type="ban or block",
            amount="50000",
            amount_kind="per_day",
            case_hint="",
            _line="3",
        ),
        research_row(_line="4"),
        research_row(date="2025-03-05", _line="5"),  # the same fine two days later: a duplicate
    ]
    first = research_intake.merge(rows, *existing)
    assert [w for w, _ in first.duplicates] == ["test.csv line 2", "test.csv line 5"]
    assert first.duplicates[0][1] == "it_garante-2021-01-22-tiktok-emergency_order"
    block = next(a for a in first.actions if a["action_type"] == "ban_block")
    assert (block["amount"], block["amount_kind"], block["currency"]) == ("50000", "per_day", "EUR")
    [platform] = first.platforms
    assert (platform["platform_id"], platform["name"], platform["company"]) == (
        "zzyzx_chat",
        "Zzyzx Chat",
        "Zzyzx Labs Ltd",
    )
    assert first.aliases[0]["alias"] == "Zzyzx Chat (Zzyzx Labs Ltd)"
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    again = research_intake.merge(shuffled, *load_all(REPO / "data"))
    assert again.actions == first.actions and again.cases == first.cases


def test_merge_script_appends_validated_rows_and_a_second_run_adds_nothing(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    research = tmp_path / "research.csv"
    with research.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=research_intake.RESEARCH_COLUMNS, extrasaction="ignore")
        w.writeheader()
        w.writerow(research_row())
        w.writerow(research_row(currency="EURO"))
    script = REPO / "scripts" / "merge_register_research.py"
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    before = (data / REGISTER).read_text(encoding="utf-8")
    p = subprocess.run(
        [sys.executable, str(script), str(research), "--data", str(data)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert p.returncode == 0, p.stderr
    assert "rejected research.csv line 3: currency 'EURO' is not an ISO 4217 code" in p.stdout
    assert "1 actions added" in p.stdout
    after = (data / REGISTER).read_text(encoding="utf-8")
    assert after.startswith(before) and len(after.splitlines()) == len(before.splitlines()) + 1
    assert "lu_api,Agence de Protection Imaginaire (API),LU,data_protection" in (
        data / "registry/regulators.csv"
    ).read_text(encoding="utf-8")
    p = subprocess.run(
        [sys.executable, str(script), str(research), "--data", str(data)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "0 actions added" in p.stdout and (data / REGISTER).read_text(encoding="utf-8") == after
    report = build(tmp_path / "w.duckdb", data_dir=data)
    assert query(
        report.db,
        "SELECT amount, currency, amount_kind, quote FROM actions WHERE action_id = 'lu_api-2025-03-03-tiktok-fine'",
    ) == [(1_000_000, "EUR", "total", "the authority fined TikTok EUR 1 million on 3 March 2025")]


def test_register_rejects_long_quotes_and_unknown_amount_kinds(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    good = (
        "t-1,au_esafety-x-bose-csea-2023,2023-11-01,,eSafety Commissioner,AU,s57,X (X Corp),,,"
        "fine,100,AUD,issued,test row,https://example.org/x,high,,,{kind},{quote}"
    )
    path = data / REGISTER
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + good.format(kind="per_week", quote=" ".join(["w"] * 26)) + "\n", encoding="utf-8"
    )
    with pytest.raises(BuildError) as err:
        build(tmp_path / "w.duckdb", data_dir=data)
    line = len(text.splitlines()) + 1
    assert f"line {line}: amount_kind 'per_week' is not one of total, per_day" in str(err.value)
    assert f"line {line}: quote has 26 words: at most 25" in str(err.value)


def test_changes_feed_announces_researched_actions(isolated_home, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    path = data / REGISTER
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    seeded = [r for r in rows if not r["quote"]]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(seeded)
    path.write_text(buf.getvalue(), encoding="utf-8")
    db = isolated_home / "w.duckdb"
    build(db, data_dir=data)
    shutil.copy(REPO / "data" / REGISTER, path)
    build(db, data_dir=data)
    feed = json.loads((isolated_home / "feed" / "changes.json").read_text())
    new = [e for e in feed if e["kind"] == "new_action"]
    assert len(new) == len(rows) - len(seeded)
    [replika] = [e for e in new if "replika" in e["title"] and "fine" in e["title"]]
    assert replika["link"].startswith("https://www.agendadigitale.eu/")
    assert "(IT)" in replika["title"] and "5,000,000 EUR" in replika["summary"]


def test_rouble_amounts_use_a_documented_bank_of_russia_rate_or_stay_unconverted(db):
    # the ECB stopped publishing RUB on 2022-03-01; a documented Bank of Russia rate converts
    # Telegram's RUB 4m fine of 15 October 2024, nothing is guessed for the others
    [(amount, eur, fx_day)] = query(
        db,
        "SELECT amount, amount_eur, fx_date::VARCHAR FROM actions WHERE jurisdiction = 'RU' "
        "AND platform = 'telegram' AND date = DATE '2024-10-15'",
    )
    assert (amount, fx_day) == (4_000_000, "2024-10-15")
    assert eur == pytest.approx(4_000_000 / 105.4854)
    [(url,)] = query(
        db, "SELECT source_url FROM fx_rates WHERE currency = 'RUB' AND date = DATE '2024-10-15'"
    )
    assert "ecb.europa.eu" not in url
