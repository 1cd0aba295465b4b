"""The curated regulator register in ``data/``: read, check and resolve it.

Files (plain CSV, one reviewable row per fact, each with its source URL):

- ``registers/regulator_actions.csv`` — one row per event per platform (a notice sent to seven
  companies is seven rows), grouped into cases by ``case_id``;
- ``registers/cases.csv`` — one row per case (regulator + regime + respondent + subject);
- ``registers/commitments.csv`` — commitments platforms made to regulators, and obligations a
  decision imposed, with due dates and status;
- ``registry/action_types.csv`` (vocabulary with stage), ``registry/regulators.csv`` and
  ``registry/regulator_aliases.csv`` (names as printed -> regulator id), ``registry/fx_rates.csv``
  (ECB reference rates).

Every bad row (unknown platform, regulator, case or action type, a malformed date or amount) is a
``Finding(severity="error")`` naming the file and line, so the build fails and keeps the old
warehouse. Platform labels resolve through ``data/registry/aliases.csv`` like every other source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from transparency import paths
from transparency.harmonisation.findings import Finding
from transparency.harmonisation.registries import Registries, RegistryError, match_key, read_csv

SOURCE = "register"
ACTION_COLUMNS = (
    "action_id",
    "case_id",
    "date",
    "announced_on",
    "regulator",
    "jurisdiction",
    "legal_basis",
    "platform_label",
    "platform",
    "services",
    "action_type",
    "amount",
    "currency",
    "status",
    "summary",
    "source_url",
    "confidence",
    "note",
)
# columns added with the worldwide register (issue 18): optional in a file that lacks them
ACTION_EXTRA_COLUMNS = ("decision_date", "amount_kind", "quote")
CASE_COLUMNS = (
    "case_id",
    "title",
    "regulator",
    "jurisdiction",
    "platform",
    "legal_basis",
    "status",
    "note",
)
COMMITMENT_COLUMNS = (
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
    "note",
)
CASE_STATUSES = ("open", "decided", "appealed", "closed")
COMMITMENT_STATUSES = ("open", "met", "missed", "withdrawn")
COMMITMENT_KINDS = ("commitment", "order")
CONFIDENCE = ("high", "medium", "low")
# what an amount is: only ``total`` (and a platform's own share of a multi-platform order,
# ``per_platform``) is a sanction; a daily penalty, a suspended amount or a statutory maximum is
# said as such and never counted in a headline figure
AMOUNT_KINDS = ("total", "per_day", "suspended", "per_platform", "maximum")
HEADLINE_AMOUNT_KINDS = ("total", "per_platform")
MAX_QUOTE_WORDS = 25
_AMOUNT = re.compile(r"\d+(\.\d+)?")
_CURRENCY = re.compile(r"[A-Z]{3}")


def display(path: Path) -> str:
    """A file as messages name it: relative to the repository when inside it."""
    try:
        return str(Path(path).resolve().relative_to(paths.REPO_ROOT))
    except ValueError:
        return str(path)


def parse_event_date(text: str) -> tuple[date, str]:
    """``YYYY-MM-DD`` -> (day, "day"); ``YYYY-MM`` -> (first of month, "month"); else ValueError."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text), "day"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return date.fromisoformat(text + "-01"), "month"
    raise ValueError(f"date {text!r} is not YYYY-MM-DD or YYYY-MM")


@dataclass
class Regulators:
    rows: list[dict[str, str]]
    aliases: list[dict[str, str]]
    _by_key: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.info = {r["regulator_id"]: r for r in self.rows}
        for a in self.aliases:
            if a["regulator_id"] not in self.info:
                raise RegistryError(
                    f"regulator_aliases.csv {a['_row']}: unknown regulator {a['regulator_id']!r}"
                )
            self._by_key[match_key(a["alias"])] = a["regulator_id"]
        for rid, r in self.info.items():
            self._by_key.setdefault(match_key(r["name"]), rid)
            self._by_key.setdefault(match_key(rid), rid)

    def resolve(self, label: str) -> str | None:
        return self._by_key.get(match_key(label))

    def name(self, regulator_id: str) -> str:
        return self.info[regulator_id]["name"]


@dataclass
class Register:
    actions: list[dict] = field(default_factory=list)  # resolved rows, ready for the warehouse
    cases: list[dict[str, str]] = field(default_factory=list)
    commitments: list[dict] = field(default_factory=list)
    action_types: list[dict[str, str]] = field(default_factory=list)
    regulators: Regulators = field(default_factory=lambda: Regulators([], []))
    fx_rates: list[dict] = field(default_factory=list)
    authority_kinds: list[dict[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _read(path: Path, required: tuple[str, ...], reg: Register) -> list[dict[str, str]]:
    if not path.exists():
        reg.findings.append(
            Finding("error", "missing_register", SOURCE, display(path), "", "file is missing")
        )
        return []
    try:
        return read_csv(path, required)
    except (RegistryError, UnicodeDecodeError) as exc:
        reg.findings.append(
            Finding("error", "bad_register_file", SOURCE, display(path), "line 1", str(exc))
        )
        return []


def load(data_dir: Path, platforms: Registries) -> Register:
    """Read and check every register and registry file; problems become findings."""
    out = Register()
    registry, registers = data_dir / "registry", data_dir / "registers"
    out.action_types = _read(
        registry / "action_types.csv", ("action_type", "label", "stage", "description"), out
    )
    regs = _read(registry / "regulators.csv", ("regulator_id", "name", "jurisdiction"), out)
    aliases = _read(registry / "regulator_aliases.csv", ("alias", "regulator_id"), out)
    try:
        out.regulators = Regulators(regs, aliases)
    except RegistryError as exc:
        out.findings.append(
            Finding(
                "error",
                "bad_register_row",
                SOURCE,
                display(registry / "regulator_aliases.csv"),
                "",
                str(exc),
            )
        )
        out.regulators = Regulators(regs, [])
    _authority_kinds(registry, out)
    out.fx_rates = _fx(registry / "fx_rates.csv", out)
    out.cases = _cases(registers / "cases.csv", platforms, out)
    out.actions = _actions(registers / "regulator_actions.csv", platforms, out)
    out.commitments = _commitments(registers / "commitments.csv", platforms, out)
    return out


def _authority_kinds(registry: Path, out: Register) -> None:
    """The kinds of authority (data/registry/authority_kinds.csv); every regulator has one."""
    path = registry / "authority_kinds.csv"
    if not path.exists():
        return  # an older data folder: regulators keep their kind text unchecked
    out.authority_kinds = _read(path, ("kind", "label", "description"), out)
    kinds = {k["kind"] for k in out.authority_kinds}
    for r in out.regulators.rows:
        if r.get("kind", "") not in kinds:
            out.findings.append(
                Finding(
                    "error",
                    "bad_register_row",
                    SOURCE,
                    display(registry / "regulators.csv"),
                    r["_row"],
                    f"kind {r.get('kind', '')!r} of {r['regulator_id']} is not one of "
                    f"{', '.join(sorted(kinds))} (see data/registry/authority_kinds.csv)",
                )
            )


def _fx(path: Path, out: Register) -> list[dict]:
    rows = []
    for r in _read(path, ("date", "currency", "per_eur", "source_url"), out):
        try:
            day = date.fromisoformat(r["date"])
            rate = float(r["per_eur"])
            if rate <= 0 or not _CURRENCY.fullmatch(r["currency"]):
                raise ValueError(
                    f"rate {r['per_eur']!r} for {r['currency']!r} is not a positive rate of an ISO currency"
                )
        except ValueError as exc:
            out.findings.append(
                Finding("error", "bad_register_row", SOURCE, display(path), r["_row"], str(exc))
            )
            continue
        rows.append(
            {
                "date": day,
                "currency": r["currency"],
                "per_eur": rate,
                "source_url": r["source_url"],
                "obtained_via": r.get("obtained_via", ""),
            }
        )
    return rows


def _cases(path: Path, platforms: Registries, out: Register) -> list[dict[str, str]]:
    known = {p["platform_id"] for p in platforms.platforms}
    rows, seen = [], set()
    for r in _read(path, CASE_COLUMNS, out):
        problems = []
        if not r["case_id"] or r["case_id"] in seen:
            problems.append(f"case_id {r['case_id']!r} is empty or repeated")
        if r["regulator"] not in out.regulators.info:
            problems.append(
                f"unknown regulator id {r['regulator']!r} (see data/registry/regulators.csv)"
            )
        if r["platform"] not in known:
            problems.append(
                f"unknown platform id {r['platform']!r} (see data/registry/platforms.csv)"
            )
        if r["status"] not in CASE_STATUSES:
            problems.append(f"status {r['status']!r} is not one of {', '.join(CASE_STATUSES)}")
        if not r["title"]:
            problems.append("title is empty")
        _report(out, path, r, problems)
        seen.add(r["case_id"])
        if not problems:
            rows.append(r)
    return rows


def _report(out: Register, path: Path, row: dict[str, str], problems: list[str]) -> None:
    for p in problems:
        out.findings.append(
            Finding("error", "bad_register_row", SOURCE, display(path), row["_row"], p)
        )


def _actions(path: Path, platforms: Registries, out: Register) -> list[dict]:
    types = {t["action_type"]: t for t in out.action_types}
    case_ids = {c["case_id"] for c in out.cases}
    known = {p["platform_id"] for p in platforms.platforms}
    services = {(s["platform_id"], s["service_id"]) for s in platforms.services}
    rows: list[dict] = []
    ids: set[str] = set()
    keys: dict[tuple, str] = {}
    for r in _read(path, ACTION_COLUMNS, out):
        problems: list[str] = []
        if not r["action_id"] or r["action_id"] in ids:
            problems.append(f"action_id {r['action_id']!r} is empty or repeated")
        if r["case_id"] not in case_ids:
            problems.append(f"unknown case {r['case_id']!r} (add it to data/registers/cases.csv)")
        try:
            day, precision = parse_event_date(r["date"])
            announced = date.fromisoformat(r["announced_on"]) if r["announced_on"] else None
            decided = (
                date.fromisoformat(r.get("decision_date", "")) if r.get("decision_date") else None
            )
        except ValueError as exc:
            problems.append(f"malformed date: {exc}")
            day, precision, announced, decided = None, "", None, None
        regulator_id = out.regulators.resolve(r["regulator"])
        if regulator_id is None:
            problems.append(
                f"unknown regulator {r['regulator']!r} (add it to data/registry/regulator_aliases.csv)"
            )
        if r["platform"]:
            platform, service = r["platform"], ""
            if platform not in known:
                problems.append(
                    f"unknown platform id {platform!r} (see data/registry/platforms.csv)"
                )
        else:
            hit = platforms.platform(r["platform_label"])
            platform, service = hit if hit else ("", "")
            if hit is None:
                problems.append(
                    f"unknown platform {r['platform_label']!r} (add an alias to data/registry/aliases.csv)"
                )
        listed = [s for s in r["services"].split(";") if s]
        for s in listed:
            if platform and (platform, s) not in services:
                problems.append(
                    f"unknown service {s!r} of platform {platform!r} (see data/registry/services.csv)"
                )
        if len(listed) == 1 and not service:
            service = listed[0]
        if r["action_type"] not in types:
            problems.append(
                f"unknown action type {r['action_type']!r} (see data/registry/action_types.csv)"
            )
        amount = None
        if r["amount"]:
            if not _AMOUNT.fullmatch(r["amount"]):
                problems.append(
                    f"malformed amount {r['amount']!r}: digits only, no separators or symbols"
                )
            else:
                amount = float(r["amount"])
            if not _CURRENCY.fullmatch(r["currency"]):
                problems.append(
                    f"amount {r['amount']!r} needs an ISO 4217 currency, got {r['currency']!r}"
                )
        elif r["currency"]:
            problems.append(f"currency {r['currency']!r} given without an amount")
        amount_kind = r.get("amount_kind", "") or ("total" if r["amount"] else "")
        if amount_kind and amount_kind not in AMOUNT_KINDS:
            problems.append(f"amount_kind {amount_kind!r} is not one of {', '.join(AMOUNT_KINDS)}")
        elif amount_kind and not r["amount"]:
            problems.append(f"amount_kind {amount_kind!r} given without an amount")
        problems += quote_problems(r.get("quote", ""))
        if not re.match(r"https?://", r["source_url"]):
            problems.append(f"source_url {r['source_url']!r} is not an http(s) URL")
        if r["confidence"] not in CONFIDENCE:
            problems.append(f"confidence {r['confidence']!r} is not one of {', '.join(CONFIDENCE)}")
        key = (regulator_id, r["date"], platform, service, r["action_type"])
        if not problems and key in keys:
            problems.append(
                f"same regulator, date, platform, service and action type as {keys[key]}"
            )
        _report(out, path, r, problems)
        ids.add(r["action_id"])
        if problems:
            continue
        keys[key] = r["action_id"]
        rows.append(
            {
                **r,
                "_date": day,
                "_precision": precision,
                "_announced": announced,
                "_regulator_id": regulator_id,
                "_platform": platform,
                "_service": service or None,
                "_services": listed or ([service] if service else []),
                "_amount": amount,
                "_amount_kind": amount_kind or None,
                "_decided": decided,
            }
        )
    unquoted = sum(1 for a in rows if not a.get("quote"))
    if unquoted:
        out.findings.append(
            Finding(
                "warning",
                "action_without_quote",
                SOURCE,
                display(path),
                "",
                f"{unquoted} of {len(rows)} actions have no quote from their source yet "
                "(rows from before the quote column; new rows need one)",
            )
        )
    return rows


def quote_problems(quote: str) -> list[str]:
    """A quote, where given, is at most MAX_QUOTE_WORDS words (a short proof, not a copy)."""
    words = len(quote.split())
    if words > MAX_QUOTE_WORDS:
        return [f"quote has {words} words: at most {MAX_QUOTE_WORDS}"]
    return []


def _commitments(path: Path, platforms: Registries, out: Register) -> list[dict]:
    known = {p["platform_id"] for p in platforms.platforms}
    action_ids = {a["action_id"] for a in out.actions}
    rows: list[dict] = []
    seen: set[str] = set()
    for row in _read(path, COMMITMENT_COLUMNS, out):
        r: dict = dict(row)
        problems = []
        if not r["commitment_id"] or r["commitment_id"] in seen:
            problems.append(f"commitment_id {r['commitment_id']!r} is empty or repeated")
        if r["platform"] not in known:
            problems.append(
                f"unknown platform id {r['platform']!r} (see data/registry/platforms.csv)"
            )
        try:
            r["_made_on"] = date.fromisoformat(r["made_on"])
            r["_due"] = date.fromisoformat(r["due"]) if r["due"] else None
        except ValueError as exc:
            problems.append(f"malformed date: {exc}")
        if r["status"] not in COMMITMENT_STATUSES:
            problems.append(
                f"status {r['status']!r} is not one of {', '.join(COMMITMENT_STATUSES)}"
            )
        if r["kind"] not in COMMITMENT_KINDS:
            problems.append(f"kind {r['kind']!r} is not one of {', '.join(COMMITMENT_KINDS)}")
        if not re.match(r"https?://", r["source_url"]):
            problems.append(f"source_url {r['source_url']!r} is not an http(s) URL")
        if r["status"] == "met" and not r["evidence_url"]:
            problems.append("status 'met' needs an evidence_url")
        if r["action_id"] and r["action_id"] not in action_ids:
            problems.append(f"unknown action {r['action_id']!r}")
        _report(out, path, r, problems)
        seen.add(r["commitment_id"])
        if not problems:
            rows.append(r)
    return rows
