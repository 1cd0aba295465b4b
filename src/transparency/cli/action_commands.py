"""``transparency actions``: list regulator actions from the warehouse, as CSV or a table."""

from __future__ import annotations

import csv
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from transparency.cli.app import DbOption, app, open_warehouse, out

CSV_COLUMNS = [
    "case_id",
    "date",
    "regulator",
    "jurisdiction",
    "platform",
    "action_type",
    "amount",
    "currency",
    "amount_eur",
    "status",
    "source_url",
]


class Format(StrEnum):
    csv = "csv"
    table = "table"


def _platform_ids(label: str) -> list[str]:
    """A platform id, name or printed alias -> registry id(s) (the label itself if unknown)."""
    from transparency.harmonisation import registries

    hit = registries.load().platform(label)
    return [hit[0]] if hit else [label]


def _regulator_ids(label: str) -> list[str]:
    from transparency import paths
    from transparency.accountability.register import Register, Regulators, _read

    reg = Register()
    regs = _read(
        paths.registry_dir() / "regulators.csv", ("regulator_id", "name", "jurisdiction"), reg
    )
    aliases = _read(paths.registry_dir() / "regulator_aliases.csv", ("alias", "regulator_id"), reg)
    hit = Regulators(regs, aliases).resolve(label) if regs else None
    return [hit] if hit else [label]


def _fmt(value: object, column: str) -> str:
    if value is None:
        return ""
    if column == "amount_eur":
        return f"{float(value):.2f}"  # type: ignore[arg-type]
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


@app.command()
def actions(
    db: DbOption = None,
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform",
            help="Only this platform (registry id, name or alias, e.g. x, 'X Corp', meta).",
        ),
    ] = None,
    regulator: Annotated[
        str | None,
        typer.Option(
            "--regulator",
            help="Only this regulator (id such as au_esafety, uk_ofcom, ec, or its name).",
        ),
    ] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction",
            help="Only this jurisdiction: a country (ISO code such as FR, BR, EU, UK; US lists its states too) or a state (US-TX).",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only this kind of authority: data_protection, online_safety, "
            "communications_media, consumer_competition, attorney_general, court, prosecutor, "
            "government, other (or its label).",
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="csv (machine-readable) or table.")
    ] = Format.table,
) -> None:
    """List regulator actions against platforms: date, regulator, platform, action type, amount.

    Amounts are in the original currency, with amount_eur at the ECB reference rate of the
    action's date. A date of the form YYYY-MM means only the month is known. CSV columns:
    case_id,date,regulator,jurisdiction,platform,action_type,amount,currency,amount_eur,status,source_url.
    """
    con = open_warehouse(db)
    params = {
        "platforms": _platform_ids(platform) if platform else None,
        "regulators": _regulator_ids(regulator) if regulator else None,
        "regulator_name": regulator,
        "jurisdiction": jurisdiction.strip().upper() if jurisdiction else None,
        "kind": " ".join(kind.lower().split()) if kind else None,
    }
    has_kinds = bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'authority_kinds'"
        ).fetchone()[0]  # type: ignore[index]
    )
    kind_join = (
        "LEFT JOIN regulators r ON r.regulator_id = a.regulator_id "
        "LEFT JOIN authority_kinds k ON k.kind = r.kind"
        if has_kinds
        else "LEFT JOIN (SELECT NULL::VARCHAR AS regulator_id, NULL::VARCHAR AS kind) r "
        "ON r.regulator_id = a.regulator_id "
        "LEFT JOIN (SELECT NULL::VARCHAR AS kind, NULL::VARCHAR AS label) k ON k.kind = r.kind"
    )
    rows = con.execute(
        f"""
        SELECT a.case_id,
               CASE WHEN a.date_precision = 'month' THEN strftime(a.date, '%Y-%m') ELSE strftime(a.date, '%Y-%m-%d') END,
               a.regulator, a.jurisdiction, a.platform, a.action_type, a.amount, a.currency,
               a.amount_eur, a.status, a.source_url, a.amount_kind
        FROM actions a {kind_join}
        WHERE ($platforms IS NULL OR list_contains($platforms, a.platform))
          AND ($regulators IS NULL OR list_contains($regulators, a.regulator_id)
               OR lower(a.regulator) = lower($regulator_name))
          AND ($jurisdiction IS NULL OR upper(a.jurisdiction) = $jurisdiction
               OR upper(a.subdivision) = $jurisdiction)
          AND ($kind IS NULL OR r.kind = replace($kind, ' ', '_') OR lower(k.label) = $kind)
        ORDER BY a.date, a.regulator, a.platform, a.action_type, a.action_id""",
        params,
    ).fetchall()
    if fmt == Format.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for r in rows:
            w.writerow(
                [_fmt(v, c) for v, c in zip(r[: len(CSV_COLUMNS)], CSV_COLUMNS, strict=True)]
            )
        return
    table = Table(title=f"{len(rows)} regulator action(s)", title_justify="left")
    for col in ("date", "regulator", "platform", "action_type", "amount", "amount_eur", "case_id"):
        table.add_column(
            col, overflow="fold", justify="right" if col.startswith("amount") else "left"
        )
    for r in rows:
        d = dict(zip([*CSV_COLUMNS, "amount_kind"], r, strict=True))
        amount = f"{d['amount']:,.0f} {d['currency']}" if d["amount"] is not None else ""
        if amount and d["amount_kind"] not in (None, "total"):
            amount += f" ({str(d['amount_kind']).replace('_', ' ')})"
        eur = f"€{d['amount_eur']:,.0f}" if d["amount_eur"] is not None else ""
        table.add_row(
            d["date"],
            d["regulator"],
            d["platform"],
            d["action_type"],
            amount,
            eur,
            d["case_id"] or "",
        )
    out.print(table)
