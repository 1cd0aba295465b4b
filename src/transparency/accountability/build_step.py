"""Build step for regulator actions: the curated register plus scraped regulator feeds.

Tables (DDL ``schema_actions.sql``, documented in ``docs/schema.md``): ``actions`` (one row per
event per platform, with amounts in EUR and USD at the ECB rate of the day), ``action_services``,
``cases`` (dates and event counts computed from their actions), ``commitments``, ``action_types``,
``regulators``, ``fx_rates`` and ``action_candidates`` (what every scraped feed item became).
Bad register rows are error findings naming file and line, so the build fails and the previous
warehouse is kept.
"""

from __future__ import annotations

from pathlib import Path

from transparency.accountability import register as regulator_register
from transparency.accountability import scraped_actions as action_candidates
from transparency.accountability.fx import NoRate, Rates
from transparency.harmonisation.findings import Finding
from transparency.warehouse.context import SNAPSHOT_COLUMNS, BuildContext, insert_rows

SCHEMA = Path(__file__).with_name("schema_actions.sql")
ACTION_COLUMNS = [
    "action_id",
    "case_id",
    "date",
    "date_precision",
    "regulator",
    "jurisdiction",
    "legal_basis",
    "platform",
    "service",
    "raw_platform_label",
    "action_type",
    "amount",
    "currency",
    "amount_eur",
    "amount_usd",
    "status",
    "summary",
    "source_url",
    "confidence",
    "snapshot_sha256",
    "origin",
    "regulator_id",
    "raw_regulator_label",
    "announced_on",
    "stage",
    "action_family",
    "fx_date",
    "services",
    "ref",
    "row_ref",
    "note",
    "decision_date",
    "amount_kind",
    "quote",
    "subdivision",
]
CANDIDATE_COLUMNS = [
    "source_id",
    "snapshot_sha256",
    "row_ref",
    "ref",
    "regulator_id",
    "date",
    "platform",
    "service",
    "action_type",
    "raw_platform_label",
    "title",
    "amount",
    "currency",
    "source_url",
    "outcome",
    "action_id",
    "message",
]


def _place(jurisdiction: str | None) -> tuple[str | None, str | None]:
    """(country, subdivision) of a register jurisdiction: ``US-TX`` is the country ``US`` with the
    subdivision ``US-TX``, so every action of a country lists under its ISO code."""
    if not jurisdiction:
        return None, None
    country, sep, _ = jurisdiction.partition("-")
    return (country, jurisdiction) if sep else (jurisdiction, None)


def _convert(ctx: BuildContext, rates: Rates, amount, currency, on, where: tuple[str, str, str]):
    if amount is None:
        return None, None, None
    try:
        c = rates.convert(amount, currency, on)
    except NoRate as exc:
        ctx.findings.append(
            Finding("warning", "no_fx_rate", *where, f"{exc}; amount_eur and amount_usd left empty")
        )
        return None, None, None
    return c.amount_eur, c.amount_usd, c.rate_date


def _register_rows(ctx: BuildContext, reg: regulator_register.Register, rates: Rates) -> list[list]:
    types = {t["action_type"]: t for t in reg.action_types}
    path = regulator_register.display(ctx.data_dir / "registers" / "regulator_actions.csv")
    rows = []
    for a in reg.actions:
        eur, usd, fx_day = _convert(
            ctx,
            rates,
            a["_amount"],
            a["currency"],
            a["_date"],
            (regulator_register.SOURCE, path, a["_row"]),
        )
        t = types[a["action_type"]]
        rows.append(
            [
                a["action_id"],
                a["case_id"],
                a["_date"],
                a["_precision"],
                reg.regulators.name(a["_regulator_id"]),
                _place(a["jurisdiction"])[0],
                a["legal_basis"],
                a["_platform"],
                a["_service"],
                a["platform_label"],
                a["action_type"],
                a["_amount"],
                a["currency"] or None,
                eur,
                usd,
                a["status"],
                a["summary"],
                a["source_url"],
                a["confidence"],
                None,
                "register",
                a["_regulator_id"],
                a["regulator"],
                a["_announced"],
                t["stage"],
                t.get("family", ""),
                fx_day,
                ";".join(a["_services"]) or None,
                None,
                a["_row"],
                a["note"] or None,
                a["_decided"],
                a["_amount_kind"],
                a.get("quote") or None,
                _place(a["jurisdiction"])[1],
            ]
        )
    return rows


def _case_for(reg: regulator_register.Register, c: dict) -> str | None:
    """The case of a new scraped action: the only register case of its regulator and platform."""
    hits = [
        k["case_id"]
        for k in reg.cases
        if k["regulator"] == c["regulator_id"] and k["platform"] == c["platform"]
    ]
    if len(hits) == 1:
        c["message"] += f"; case {hits[0]} assigned as the only case of this regulator and platform"
        return hits[0]
    return None


def _scraped_rows(
    ctx: BuildContext, reg: regulator_register.Register, rates: Rates, new: list[dict]
) -> list[list]:
    types = {t["action_type"]: t for t in reg.action_types}
    rows = []
    for c in new:
        case_id = _case_for(reg, c)
        eur, usd, fx_day = _convert(
            ctx,
            rates,
            c["amount"],
            c["currency"],
            c["date"],
            (c["source_id"], c["file"], c["row_ref"]),
        )
        t = types[c["action_type"]]
        rows.append(
            [
                c["action_id"],
                case_id,
                c["date"],
                c["date_precision"],
                reg.regulators.name(c["regulator_id"]),
                _place(c["jurisdiction"])[0],
                c["legal_basis"],
                c["platform"],
                c["service"],
                c["raw_platform_label"] or c["title"],
                c["action_type"],
                c["amount"],
                c["currency"] or None,
                eur,
                usd,
                c["status"] or None,
                c["summary"] or c["title"],
                c["source_url"],
                c["confidence"],
                c["snapshot_sha256"],
                "scraped",
                c["regulator_id"],
                c["regulator"],
                None,
                t["stage"],
                t.get("family", ""),
                fx_day,
                c["service"],
                c["ref"],
                c["row_ref"],
                c["message"],
                None,
                "total" if c["amount"] is not None else None,
                None,
                _place(c["jurisdiction"])[1],
            ]
        )
    return rows


def step(ctx: BuildContext) -> None:
    con = ctx.con
    con.execute(SCHEMA.read_text())
    reg = regulator_register.load(ctx.data_dir, ctx.reg)
    ctx.findings.extend(reg.findings)
    rates = Rates(reg.fx_rates)

    insert_rows(
        con,
        "action_types",
        ["action_type", "label", "stage", "description", "family"],
        [
            [t.get(c, "") for c in ("action_type", "label", "stage", "description", "family")]
            for t in reg.action_types
        ],
    )
    regulator_columns = ["regulator_id", "name", "jurisdiction", "kind", "homepage", "description"]
    if reg.regulators.rows:
        insert_rows(
            con,
            "regulators",
            regulator_columns,
            [[r.get(c, "") for c in regulator_columns] for r in reg.regulators.rows],
        )
    insert_rows(
        con,
        "authority_kinds",
        ["kind", "label", "description"],
        [[k["kind"], k["label"], k["description"]] for k in reg.authority_kinds],
    )
    insert_rows(
        con,
        "fx_rates",
        ["date", "currency", "per_eur", "source_url", "obtained_via"],
        [
            [r["date"], r["currency"], r["per_eur"], r["source_url"], r["obtained_via"]]
            for r in reg.fx_rates
        ],
    )
    if not reg.regulators.rows or not reg.action_types:
        return  # registry files missing: already reported as errors

    candidates, new, snapshot_rows = action_candidates.collect(ctx, reg)
    actions = _register_rows(ctx, reg, rates) + _scraped_rows(ctx, reg, rates, new)
    insert_rows(con, "actions", ACTION_COLUMNS, actions)
    services = [[a["action_id"], a["_platform"], s] for a in reg.actions for s in a["_services"]]
    services += [[c["action_id"], c["platform"], c["service"]] for c in new if c["service"]]
    insert_rows(con, "action_services", ["action_id", "platform", "service"], services)
    insert_rows(
        con,
        "action_candidates",
        CANDIDATE_COLUMNS,
        [[c[k] for k in CANDIDATE_COLUMNS] for c in candidates],
    )
    known = {r[0] for r in con.execute("SELECT sha256 FROM snapshots").fetchall()}
    insert_rows(con, "snapshots", SNAPSHOT_COLUMNS, [s for s in snapshot_rows if s[0] not in known])

    _cases(ctx, reg)
    insert_rows(
        con,
        "commitments",
        [
            "commitment_id",
            "platform",
            "committed_to",
            "commitment",
            "made_on",
            "due",
            "status",
            "evidence_url",
            "source_url",
            "kind",
            "action_id",
            "case_id",
            "note",
        ],
        [
            [
                c["commitment_id"],
                c["platform"],
                c["committed_to"],
                c["commitment"],
                c["_made_on"],
                c["_due"],
                c["status"],
                c["evidence_url"] or None,
                c["source_url"],
                c["kind"],
                c["action_id"] or None,
                next((a["case_id"] for a in reg.actions if a["action_id"] == c["action_id"]), None),
                c["note"] or None,
            ]
            for c in reg.commitments
        ],
    )
    ctx.stats.update(
        {
            "actions": len(actions),
            "actions_scraped": len(new),
            "cases": len(reg.cases),
            "commitments": len(reg.commitments),
            "fx_rates": len(reg.fx_rates),
            "action_candidates": len(candidates),
        }
    )


def _cases(ctx: BuildContext, reg: regulator_register.Register) -> None:
    """Cases with first/last date, event count, largest sanction and latest action from their actions."""
    con = ctx.con
    insert_rows(
        con,
        "cases",
        [
            "case_id",
            "title",
            "regulator",
            "jurisdiction",
            "platform",
            "legal_basis",
            "status",
            "regulator_id",
            "note",
        ],
        [
            [
                c["case_id"],
                c["title"],
                reg.regulators.name(c["regulator"]),
                c["jurisdiction"],
                c["platform"],
                c["legal_basis"],
                c["status"],
                c["regulator"],
                c["note"] or None,
            ]
            for c in reg.cases
        ],
    )
    con.execute("""
        UPDATE cases SET first_date = s.first_date, last_date = s.last_date, events = s.events,
                         max_amount_eur = s.max_amount_eur, last_action_type = s.last_action_type
        FROM (SELECT case_id, min(date) AS first_date, max(date) AS last_date,
                     count(*) AS events,
                     max(amount_eur) FILTER (WHERE amount_kind IN ('total', 'per_platform'))
                         AS max_amount_eur,
                     arg_max(action_type, date) AS last_action_type
              FROM actions WHERE case_id IS NOT NULL GROUP BY case_id) s
        WHERE cases.case_id = s.case_id""")
    path = regulator_register.display(ctx.data_dir / "registers" / "cases.csv")
    for (case_id,) in con.execute(
        "SELECT case_id FROM cases WHERE events IS NULL ORDER BY 1"
    ).fetchall():
        row = next(c["_row"] for c in reg.cases if c["case_id"] == case_id)
        ctx.findings.append(
            Finding(
                "warning",
                "empty_case",
                regulator_register.SOURCE,
                path,
                row,
                f"case {case_id!r} has no actions in the register",
            )
        )
