"""Merge researched regulator actions (CSV files) into the curated register, deterministically.

    python scripts/merge_register_research.py RESEARCH.csv [RESEARCH.csv ...] [--data data]

Each research file has the columns of ``transparency.accountability.research_intake.
RESEARCH_COLUMNS``. Every row is validated (date parses, currency is ISO 4217, source URL and a
quote of at most 25 words present, action type and confidence known, one platform named); rows
that fail are reported here and not entered; rows repeating an action already in the register
(same country and platform, date within 7 days, same amount) are skipped. New rows are appended
to ``data/registers/regulator_actions.csv`` and ``cases.csv``; new regulators to
``data/registry/regulators.csv`` (with their kind) and ``regulator_aliases.csv``; new platforms
to ``platforms.csv`` and ``aliases.csv``. Running it again on the same files adds nothing (every
row is then a duplicate of itself). Afterwards run ``scripts/ecb_fx_rates.py`` for the rates of
the new dates and currencies, then ``transparency build``.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from transparency.accountability import research_intake as intake_mod
from transparency.accountability.register import ACTION_COLUMNS, CASE_COLUMNS, Regulators
from transparency.harmonisation import registries
from transparency.harmonisation.registries import read_csv

REPO = Path(__file__).resolve().parents[1]


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    if not rows:
        return
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + intake_mod.csv_lines(rows, _header(path)), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("research", type=Path, nargs="+", help="research CSV file(s)")
    ap.add_argument("--data", type=Path, default=REPO / "data", help="the data folder")
    ap.add_argument("--report", type=Path, help="also write the rejected/duplicate rows here")
    args = ap.parse_args()
    data = args.data
    reg = registries.load(data)
    regs = Regulators(
        read_csv(data / "registry/regulators.csv", ("regulator_id", "name", "jurisdiction")),
        read_csv(data / "registry/regulator_aliases.csv", ("alias", "regulator_id")),
    )
    types = read_csv(data / "registry/action_types.csv", ("action_type", "label", "stage"))
    actions_path = data / "registers/regulator_actions.csv"
    existing = read_csv(actions_path, ACTION_COLUMNS)
    cases = read_csv(data / "registers/cases.csv", CASE_COLUMNS)
    research = intake_mod.read_research(args.research)
    result = intake_mod.merge(research, existing, cases, reg, regs, types)

    # the register gets the new columns once (existing rows keep their cells), then new rows
    columns = list(intake_mod.REGISTER_COLUMNS)
    with actions_path.open(newline="", encoding="utf-8") as fh:
        old = list(csv.DictReader(fh))
    with actions_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for r in old + result.actions:
            w.writerow([r.get(c) or "" for c in columns])
    _append(data / "registers/cases.csv", result.cases)
    _append(data / "registry/regulators.csv", result.regulators)
    _append(data / "registry/regulator_aliases.csv", result.regulator_aliases)
    _append(data / "registry/platforms.csv", result.platforms)
    _append(data / "registry/aliases.csv", result.aliases)

    lines = [f"rejected {where}: {why}" for where, why in result.rejected]
    lines += [f"duplicate {where}: of {what}" for where, what in result.duplicates]
    for line in lines:
        print(line)
    if args.report:
        args.report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    jurisdictions = {r["jurisdiction"] for r in old + result.actions}
    countries = {j.split("-")[0] for j in jurisdictions}
    print(
        f"{len(research)} research rows: {len(result.actions)} actions added "
        f"({len(result.cases)} cases, {len(result.regulators)} regulators, "
        f"{len(result.platforms)} platforms), {len(result.duplicates)} duplicates, "
        f"{len(result.rejected)} rejected; register: {len(old) + len(result.actions)} actions, "
        f"{len(jurisdictions)} jurisdictions ({len(countries)} countries or EU)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
