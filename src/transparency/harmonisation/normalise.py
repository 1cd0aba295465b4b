"""Harmonise faithful records through the registries, keeping every raw label beside its
harmonised id. A label with no mapping is kept (harmonised id left empty) and reported, never
dropped."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from transparency.harmonisation.findings import Finding
from transparency.harmonisation.registries import NOT_HARMONISED, Registries
from transparency.reading.periods import Period
from transparency.reading.records import RawRecord

OBSERVATION_COLUMNS = [
    "series_id",
    "source_id",
    "platform",
    "service",
    "scope",
    "period_start",
    "period_end",
    "period_label",
    "policy_area",
    "metric",
    "value",
    "unit",
    "qualifier",
    "value_text",
    "raw_platform_label",
    "raw_policy_label",
    "raw_metric_label",
    "raw_scope_label",
    "reporter",
    "snapshot_sha256",
    "row_ref",
    "vintage",
    "note",
]
# What `transparency parse` prints (the contract used by outside checks).
CONTRACT_COLUMNS = [
    "platform",
    "service",
    "scope",
    "period_start",
    "period_end",
    "policy_area",
    "metric",
    "value",
    "unit",
    "raw_policy_label",
    "raw_metric_label",
]
KEY_COLUMNS = [
    "source_id",
    "platform",
    "service",
    "scope",
    "period_start",
    "period_end",
    "policy_area",
    "metric",
    "reporter",
]


def series_id(*parts: str) -> str:
    """A stable id for a series: the same key gives the same id in every build and export."""
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


@dataclass
class Context:
    source_id: str
    reporter: str
    snapshot_sha256: str
    vintage: date
    file: str  # the file name, for messages


def normalise(
    records: Iterable[RawRecord], reg: Registries, ctx: Context
) -> tuple[list[dict], list[Finding]]:
    rows: list[dict] = []
    findings: list[Finding] = []
    unmapped: dict[tuple[str, str], str] = {}

    def report(kind: str, raw: str, row: str) -> None:
        unmapped.setdefault((kind, raw), row)

    def known(value: str | None, kind: str, raw: str, row: str) -> str | None:
        """The harmonised id; None (reported) when unmapped, None (silent) when deliberately not mapped."""
        if value is None:
            report(kind, raw, row)
        return None if value in (None, NOT_HARMONISED) else value

    def resolve(r: RawRecord) -> tuple:
        """(platform, service, scope, policy, metric, unit, reporter, series_id) of a row's labels."""
        plat = reg.platform(r.service_label or r.platform_label)
        if plat is None and r.service_label:
            plat = reg.platform(r.platform_label)
        if plat is None:
            platform, service = None, None
        else:
            platform, service = plat[0], plat[1] or "all"
        mapped_platform = reg.label(ctx.source_id, "platform", r.platform_label)
        if mapped_platform and plat is None:
            platform, service = mapped_platform, "all"
        elif plat is None:  # neither an alias nor the source's own label map knows the name
            report("platform", r.service_label or r.platform_label, r.row_ref)
        scope = known(
            reg.scope(r.scope) or reg.label(ctx.source_id, "scope", r.scope),
            "scope",
            r.scope,
            r.row_ref,
        )
        policy = known(
            reg.label(ctx.source_id, "policy", r.raw_policy_label),
            "policy",
            r.raw_policy_label,
            r.row_ref,
        )
        metric = known(
            reg.label(ctx.source_id, "metric", r.raw_metric_label),
            "metric",
            r.raw_metric_label,
            r.row_ref,
        )
        unit = reg.unit(metric) if metric else None
        reporter = r.reporter or ctx.reporter
        sid = series_id(
            ctx.source_id,
            platform or r.platform_label,
            service or "",
            scope or r.scope,
            policy or r.raw_policy_label,
            metric or r.raw_metric_label,
            reporter,
        )
        return platform, service, scope, policy, metric, unit, reporter, sid

    resolved: dict[tuple, tuple] = {}  # the same labels recur on many rows: resolve them once
    period_labels: dict[tuple[date, date], str] = {}
    for r in records:
        lkey = (
            r.service_label,
            r.platform_label,
            r.scope,
            r.raw_policy_label,
            r.raw_metric_label,
            r.reporter,
        )
        hit = resolved.get(lkey)
        if hit is None:
            hit = resolved[lkey] = resolve(r)
        platform, service, scope, policy, metric, unit, reporter, sid = hit
        pkey = (r.period_start, r.period_end)
        period_label = period_labels.get(pkey)
        if period_label is None:
            period_label = period_labels[pkey] = Period(r.period_start, r.period_end).label()
        rows.append(
            {
                "series_id": sid,
                "source_id": ctx.source_id,
                "platform": platform,
                "service": service,
                "scope": scope,
                "period_start": r.period_start,
                "period_end": r.period_end,
                "period_label": period_label,
                "policy_area": policy,
                "metric": metric,
                "value": r.value,
                "unit": unit,
                "qualifier": r.qualifier,
                "value_text": r.value_text,
                "raw_platform_label": r.service_label or r.platform_label,
                "raw_policy_label": r.raw_policy_label,
                "raw_metric_label": r.raw_metric_label,
                "raw_scope_label": r.scope,
                "reporter": reporter,
                "snapshot_sha256": ctx.snapshot_sha256,
                "row_ref": r.row_ref,
                "vintage": ctx.vintage,
                "note": r.note or None,
            }
        )
    for (kind, raw), row in sorted(unmapped.items()):
        hint = {"platform": "data/registry/aliases.csv", "scope": "data/registry/scopes.csv"}.get(
            kind, f"data/labels/{ctx.source_id}.csv"
        )
        findings.append(
            Finding(
                "warning",
                "unmapped_label",
                ctx.source_id,
                ctx.file,
                row,
                f"{kind} label {raw!r} has no harmonised mapping: add a row to {hint}",
            )
        )
    return rows, findings
