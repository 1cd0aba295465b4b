"""Regulator actions in the warehouse: the curated register, cases, commitments, FX, bad rows."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, shared_file
from transparency.build.compose import BuildError, build
from transparency.warehouse.database import checksums

REGISTER = "registers/regulator_actions.csv"


def query(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("w") / "w.duckdb").db


def test_esafety_infringement_notice_to_x_october_2023(db):
    [(case, day, precision, reg, plat, svc, amount, cur, eur, usd, fx_day, url, origin, sha)] = (
        query(
            db,
            """
        SELECT case_id, date::VARCHAR, date_precision, regulator, platform, service, amount, currency,
               amount_eur, amount_usd, fx_date::VARCHAR, source_url, origin, snapshot_sha256
        FROM actions WHERE regulator_id = 'au_esafety' AND platform = 'x' AND action_type = 'infringement_notice'""",
        )
    )
    assert (case, day, precision, reg, plat, svc) == (
        "au_esafety-x-bose-csea-2023",
        "2023-10-03",
        "day",
        "eSafety Commissioner",
        "x",
        "x",
    )
    assert (amount, cur) == (610_500, "AUD")
    assert fx_day == "2023-10-03"
    assert eur == pytest.approx(610_500 / 1.6612)  # ECB AUD rate of 3 Oct 2023
    assert usd == pytest.approx(610_500 / 1.6612 * 1.0469)
    assert (
        url
        == "https://www.esafety.gov.au/newsroom/media-releases/esafety-initiates-civil-penalty-proceedings-against-x-corp"
    )
    assert (origin, sha) == ("register", None)
    [(announced,)] = query(
        db,
        "SELECT announced_on::VARCHAR FROM actions WHERE action_id = "
        "'au_esafety-2023-10-03-x-x-infringement_notice'",
    )
    assert announced == "2023-10-16"


def test_telegram_infringement_notice_and_other_headline_amounts(db):
    rows = {
        r[0]: r[1:]
        for r in query(
            db,
            """
        SELECT regulator_id || '|' || platform || '|' || action_type || '|' || date::VARCHAR, amount, currency
        FROM actions WHERE amount IS NOT NULL AND quote IS NULL""",
        )
    }
    assert rows["au_esafety|telegram|infringement_notice|2025-02-24"] == (957_780, "AUD")
    assert rows["au_esafety|x|court_penalty|2026-05-21"] == (650_000, "AUD")
    assert rows["ec|x|non_compliance_decision|2025-12-05"] == (120_000_000, "EUR")
    assert rows["ec|temu|non_compliance_decision|2026-05-28"] == (200_000_000, "EUR")
    assert rows["ie_dpc|meta|fine|2022-09-02"] == (405_000_000, "EUR")
    assert rows["uk_ofcom|4chan|fine|2025-10-13"] == (20_000, "GBP")
    assert rows["us_ftc|epic_games|settlement|2022-12-19"] == (275_000_000, "USD")
    assert rows["kr_kcc|tiktok|fine|2020-07-15"] == (186_000_000, "KRW")
    assert len(rows) == 30  # the seeded rows (those without a quote column value)
    [(eur,)] = query(
        db, "SELECT amount_eur FROM actions WHERE regulator_id = 'kr_kcc' AND quote IS NULL"
    )
    assert eur == pytest.approx(186_000_000 / 1373.55)


def test_counts_cases_and_multi_platform_design(db):
    counts = dict(
        query(db, "SELECT jurisdiction, count(*) FROM actions WHERE quote IS NULL GROUP BY 1")
    )
    # reference: AU 53, UK 41, EU 34, US 19, IE 8; the ICO's X & xAI row is one row per platform
    assert (counts["AU"], counts["UK"], counts["EU"], counts["US"], counts["IE"]) == (
        53,
        42,
        34,
        19,
        8,
    )
    assert query(
        db, "SELECT count(*), count(DISTINCT case_id) FROM actions WHERE quote IS NULL"
    ) == [(166, 117)]
    assert query(
        db,
        """SELECT first_date::VARCHAR, last_date::VARCHAR, events, status, last_action_type
                        FROM cases WHERE case_id = 'au_esafety-x-bose-csea-2023'""",
    ) == [("2023-02-22", "2026-05-21", 6, "decided", "court_penalty")]
    assert query(db, "SELECT events, status FROM cases WHERE case_id = 'ec-tiktok-dsa-2024'") == [
        (6, "open")
    ]
    # one action naming Facebook and Instagram: one row for meta, its services listed
    [(aid, service)] = query(
        db,
        "SELECT action_id, service FROM actions WHERE regulator_id = 'ec' "
        "AND platform = 'meta' AND date = DATE '2024-05-16'",
    )
    assert service is None
    assert query(
        db, "SELECT service FROM action_services WHERE action_id = $a ORDER BY 1", {"a": aid}
    ) == [("facebook",), ("instagram",)]
    # one row naming X and xAI: one action per platform, same case
    assert query(
        db,
        "SELECT platform, case_id FROM actions WHERE regulator_id = 'uk_ico' "
        "AND date = DATE '2026-02-03' ORDER BY 1",
    ) == [("x", "uk_ico-x-xai-grok-2026"), ("xai", "uk_ico-x-xai-grok-2026")]
    assert query(
        db,
        "SELECT count(*) FROM actions a LEFT JOIN platforms p ON p.platform_id = a.platform "
        "WHERE p.platform_id IS NULL",
    ) == [(0,)]
    assert query(
        db,
        "SELECT count(*) FROM actions a LEFT JOIN action_types t USING (action_type) "
        "WHERE t.stage IS NULL",
    ) == [(0,)]


def test_commitments_action_types_and_fx_tables(db):
    # the 11 seeded commitments (2 met, 9 open) and the researched public ones (issue 18)
    counts = dict(query(db, "SELECT status, count(*) FROM commitments GROUP BY 1"))
    assert sum(counts.values()) >= 40
    assert counts["met"] >= 2 and counts["open"] >= 9 and counts["withdrawn"] >= 1
    assert query(
        db,
        "SELECT count(*) FROM commitments WHERE status = 'met' AND evidence_url IS NULL",
    ) == [(0,)]
    [(due, case)] = query(
        db,
        "SELECT due::VARCHAR, case_id FROM commitments "
        "WHERE commitment_id = 'temu-ec-2026-05-28-action-plan'",
    )
    assert (due, case) == ("2026-08-28", "ec-temu-dsa-2024")
    assert query(db, "SELECT count(*) FROM commitments WHERE source_url NOT LIKE 'http%'") == [(0,)]
    assert query(db, "SELECT count(*), count(DISTINCT stage) FROM action_types") == [(33, 5)]
    assert query(
        db, "SELECT per_eur FROM fx_rates WHERE date = DATE '2025-02-24' AND currency = 'AUD'"
    ) == [(1.6434,)]
    # an amount stays unconverted only where fx_rates has no rate of its currency within 7 days
    # (the ECB does not publish TWD, NGN …, nor RUB since 2022-03-01): never a guessed rate
    assert (
        query(
            db,
            """SELECT DISTINCT a.currency FROM actions a
           WHERE a.amount IS NOT NULL AND a.amount_eur IS NULL AND EXISTS (
               SELECT 1 FROM fx_rates f WHERE f.currency = a.currency
                 AND f.date BETWEEN a.date - INTERVAL 7 DAY AND a.date)""",
        )
        == []
    )
    assert query(
        db, "SELECT count(*) FROM actions WHERE currency = 'EUR' AND amount_eur IS NULL"
    ) == [(0,)]


def test_every_reference_row_is_in_the_warehouse(db):
    path = shared_file("reference/regulator_actions.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        reference = list(csv.DictReader(fh))
    assert len(reference) == 165
    rows = query(
        db,
        """
        SELECT raw_regulator_label, raw_platform_label, action_type,
               CASE WHEN date_precision = 'month' THEN strftime(date, '%Y-%m') ELSE strftime(date, '%Y-%m-%d') END,
               coalesce(CAST(CAST(amount AS BIGINT) AS VARCHAR), ''), coalesce(currency, ''), source_url
        FROM actions WHERE origin = 'register'""",
    )
    have = {r[:6]: r[6] for r in rows}
    missing = []
    for r in reference:
        key = (
            r["regulator"],
            r["platform"],
            r["action_type"],
            r["date"],
            r["amount"],
            r["currency"],
        )
        if have.get(key) != r["source_url"]:
            missing.append(key)
    assert missing == []


# ---------------------------------------------------------------- bad register rows fail the build

GOOD = (
    "t-1,au_esafety-x-bose-csea-2023,2023-11-01,,eSafety Commissioner,AU,s57,X (X Corp),,,"
    "formal_warning,,,issued,test row,https://example.org/x,high,"
)


def data_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    return data


def append(data: Path, line: str, file: str = REGISTER) -> int:
    path = data / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return len(text.splitlines()) + 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            7,
            "Xcorp Unknown Ltd",
            "unknown platform 'Xcorp Unknown Ltd' (add an alias to data/registry/aliases.csv)",
        ),
        (10, "strongly_worded_letter", "unknown action type 'strongly_worded_letter'"),
        (2, "3 Nov 2023", "malformed date: date '3 Nov 2023' is not YYYY-MM-DD or YYYY-MM"),
        (2, "2023-13-01", "malformed date"),
        (11, "610,500", "malformed amount '610,500'"),
        (4, "eSafety Tribunal", "unknown regulator 'eSafety Tribunal'"),
        (1, "no-such-case", "unknown case 'no-such-case'"),
    ],
)
def test_bad_register_row_fails_the_build_naming_file_and_row(tmp_path, field, value, message):
    data = data_copy(tmp_path)
    cells = next(csv.reader([GOOD]))
    cells[field] = value
    if field == 11:
        cells[12] = "AUD"
    line = append(data, ",".join(f'"{c}"' if "," in c else c for c in cells))
    with pytest.raises(BuildError) as err:
        build(tmp_path / "w.duckdb", data_dir=data)
    text = str(err.value)
    assert f"register, {data / REGISTER}, line {line}: " in text
    assert message in text


def test_good_extra_row_builds_and_bad_build_keeps_previous_warehouse(tmp_path):
    data = data_copy(tmp_path)
    append(data, GOOD)
    before_rows = len((data / REGISTER).read_text(encoding="utf-8").splitlines()) - 2
    db = build(tmp_path / "w.duckdb", data_dir=data).db
    assert query(db, "SELECT count(*) FROM actions") == [(before_rows + 1,)]
    with duckdb.connect(str(db), read_only=True) as con:
        before = checksums(con)
    append(data, GOOD.replace("t-1,", "t-2,"))  # same regulator, date, platform and type
    with pytest.raises(
        BuildError, match="same regulator, date, platform, service and action type as t-1"
    ):
        build(db, data_dir=data)
    with duckdb.connect(str(db), read_only=True) as con:
        assert checksums(con) == before


def test_bad_commitment_and_fx_rows_fail_the_build(tmp_path):
    data = data_copy(tmp_path)
    line = append(
        data,
        "c-1,nowhere_inc,Ofcom,Do it,2026-01-01,,done,,https://example.org/c,commitment,,",
        "registers/commitments.csv",
    )
    fx_line = append(data, "2026-01-02,AUD,-1,https://example.org/fx,test", "registry/fx_rates.csv")
    with pytest.raises(BuildError) as err:
        build(tmp_path / "w.duckdb", data_dir=data)
    text = str(err.value)
    assert f"commitments.csv, line {line}: unknown platform id 'nowhere_inc'" in text
    assert (
        f"commitments.csv, line {line}: status 'done' is not one of open, met, missed, withdrawn"
        in text
    )
    assert f"fx_rates.csv, line {fx_line}: rate '-1'" in text


def test_amount_in_a_currency_without_ecb_rate_is_kept_unconverted_with_a_finding(tmp_path):
    data = data_copy(tmp_path)
    cells = next(csv.reader([GOOD]))
    cells[0], cells[10], cells[11], cells[12] = "t-kes", "fine", "1000000", "KES"
    append(data, ",".join(cells))
    report = build(tmp_path / "w.duckdb", data_dir=data)
    assert query(
        report.db,
        "SELECT amount, currency, amount_eur, amount_usd FROM actions WHERE action_id = 't-kes'",
    ) == [(1_000_000, "KES", None, None)]
    msgs = [str(f) for f in report.findings if f.check == "no_fx_rate" and "KES" in f.message]
    assert msgs and "no ECB reference rate for KES" in msgs[0]
