"""Data and downloads: choose a table, filter it, preview it, and download exactly the rows that
match (the preview draws the first few thousand) as CSV or Parquet, with a citation line naming
every source."""

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
import pyarrow.compute as pc
import streamlit as st

from data import has, metrics, platform_names, policy_labels, q, qa, require_warehouse
from ui import date_range, downloads, empty, multiselect, select, toggle

LIMIT = 100_000  # the embedded default alone has ~64,000 current values (issue 13)
PREVIEW = 5_000  # rows drawn in the browser table; the downloads hold every matching row


@dataclass(frozen=True)
class Dataset:
    label: str
    relation: str
    columns: str
    date_col: str
    order: str
    platform: bool = True
    metric: bool = False
    policy: bool = False
    current: bool = False
    sources: bool = False  # has a source_id column to cite
    default_days: int = 0  # large fact tables open on their last N days, not everything
    base: str = "TRUE"  # rows of the relation that belong to the table (a fixed SQL condition)


DATASETS = {
    "observations": Dataset(
        "Published numbers (observations, with provenance)",
        "observations_with_provenance",
        "platform, service, scope, period_start, period_end, period_label, policy_area, metric, "
        "value, unit, qualifier, value_text, raw_platform_label, raw_policy_label, "
        "raw_metric_label, reporter, source_id, publisher, source_url, source_file, "
        "snapshot_sha256, row_ref, vintage, is_current, retrieved_at, licence, series_id",
        "period_start",
        "platform, service, metric, policy_area, scope, period_start, vintage",
        metric=True,
        policy=True,
        current=True,
        sources=True,
    ),
    "revisions": Dataset(
        "Restated values (revisions)",
        "revisions",
        "platform, service, scope, period_start, period_end, period_label, policy_area, metric, "
        "unit, old_value, new_value, change, relative_change, old_vintage, new_vintage, old_url, "
        "new_url, old_value_text, new_value_text, raw_policy_label, raw_metric_label, source_id",
        "period_start",
        "platform, service, metric, period_start, new_vintage",
        metric=True,
        policy=True,
        sources=True,
        # a restatement needs two releases: pairs read from one file are rows that share a key
        # because a label is not mapped (as on the Revisions page)
        base="old_snapshot IS DISTINCT FROM new_snapshot",
    ),
    "actions": Dataset(
        "Regulator actions",
        "actions",
        "date, regulator, jurisdiction, platform, service, raw_platform_label, action_type, "
        "amount, currency, amount_eur, amount_usd, status, summary, legal_basis, case_id, "
        "source_url, confidence, action_id",
        "date",
        "date DESC, regulator",
    ),
    "crosscheck": Dataset(
        "NCMEC cross-check",
        "cybertipline_crosscheck",
        "platform, service, year, self_reported, ncmec_received, ratio, self_source_url, "
        "ncmec_source_url",
        "make_date(year, 1, 1)",
        "platform, service, year",
    ),
    "sor_daily": Dataset(
        "DSA statements of reasons (daily aggregates)",
        "sor_daily",
        "date, platform, platform_name, category, keyword, decision_visibility, "
        "decision_account, decision_monetary, decision_provision, decision_ground, "
        "automated_detection, automated_decision, content_type, source_type, count",
        "date",
        "date, platform_name, category",
        default_days=7,
    ),
}

st.title("Data and downloads")
st.caption(
    "Filter a table, check the preview, and download exactly the rows that match. Every file "
    "comes with a citation line naming the sources and their licences."
)
if require_warehouse():
    present = [k for k, d in DATASETS.items() if has(d.relation)]
    key = select(
        "Table", present, "table", default="observations", format_func=lambda k: DATASETS[k].label
    )
    d = DATASETS[key]
    where, params = [d.base], []
    filters: dict[str, object] = {}
    names = platform_names()
    c1, c2, c3 = st.columns(3)
    if d.platform:
        opts = q(
            f"SELECT DISTINCT platform FROM {d.relation} WHERE platform IS NOT NULL AND {d.base}"
        )
        with c1:
            plats = multiselect(
                "Platform",
                sorted(opts.platform, key=lambda p: names.get(p, p).lower()),
                "platform",
                format_func=lambda p: names.get(p, p),
                placeholder="all platforms",
            )
        if plats:
            where.append("list_contains(?::VARCHAR[], platform)")
            params.append(plats)
            filters["platform"] = plats
    if d.metric:
        mlabels = {k: v.label for k, v in metrics().items()}
        opts = q(f"SELECT DISTINCT metric FROM {d.relation} WHERE metric IS NOT NULL AND {d.base}")
        with c2:
            mets = multiselect(
                "Metric",
                sorted(opts.metric, key=lambda m: mlabels.get(m, m)),
                "metric",
                format_func=lambda m: mlabels.get(m, m),
                placeholder="all metrics",
            )
        if mets:
            where.append("list_contains(?::VARCHAR[], metric)")
            params.append(mets)
            filters["metric"] = mets
    if d.policy:
        plabels = policy_labels()
        opts = q(
            f"SELECT DISTINCT policy_area FROM {d.relation} "
            f"WHERE policy_area IS NOT NULL AND {d.base}"
        )
        with c3:
            areas = multiselect(
                "Policy area",
                sorted(opts.policy_area, key=lambda a: plabels.get(a, a)),
                "area",
                format_func=lambda a: plabels.get(a, a),
                placeholder="all policy areas",
            )
        if areas:
            where.append("list_contains(?::VARCHAR[], policy_area)")
            params.append(areas)
            filters["policy_area"] = areas
    span = q(
        f"SELECT min({d.date_col})::DATE AS lo, max({d.date_col})::DATE AS hi "
        f"FROM {d.relation} WHERE {d.base}"
    ).iloc[0]
    if pd.notna(span.lo):
        lo, hi = pd.Timestamp(span.lo).date(), pd.Timestamp(span.hi).date()
        first = max(lo, hi - timedelta(days=d.default_days - 1)) if d.default_days else lo
        start, end = date_range("Dates", lo, hi, f"{key}_dates", start=first)
        if d.default_days:
            st.caption(
                f"This table is large: it opens on its last {d.default_days} days "
                f"({first} … {hi}); widen the dates to see more."
            )
        if (start, end) != (lo, hi):
            where.append(f"{d.date_col} BETWEEN ? AND ?")
            params += [start, end]
            filters["dates"] = f"{start}..{end}"
    if d.current and toggle(
        "Current values only",
        "current",
        default=True,
        help="Off: every release (vintage) of every number.",
    ):
        where.append("is_current")
        filters["current"] = "yes"

    rows = qa(
        f"SELECT {d.columns} FROM {d.relation} WHERE {' AND '.join(where)} "
        f"ORDER BY {d.order} LIMIT {LIMIT + 1}",
        *params,
    )
    if rows.num_rows == 0:
        total = int(q(f"SELECT count(*) AS n FROM {d.relation} WHERE {d.base}").n.iloc[0])
        empty(
            "No rows match these filters."
            if total
            else f"The table {d.relation} is empty in this warehouse: nothing has been built into it."
        )
        st.stop()
    if rows.num_rows > LIMIT:
        st.warning(
            f"More than {LIMIT:,} rows match: the preview and the downloads hold the "
            f"first {LIMIT:,}. Narrow the filters to get everything you need."
        )
        rows = rows.slice(0, LIMIT)
    st.caption(
        f"{rows.num_rows:,} rows × {rows.num_columns} columns of `{d.relation}`."
        + (
            f" The table below previews the first {PREVIEW:,}; the downloads hold all "
            f"{rows.num_rows:,}."
            if rows.num_rows > PREVIEW
            else ""
        )
    )
    link_cols = [c for c in rows.column_names if c.endswith("url")]
    st.dataframe(
        rows.slice(0, PREVIEW),
        hide_index=True,
        width="stretch",
        height=420,
        column_config={c: st.column_config.LinkColumn(c) for c in link_cols},
    )
    source_ids = (
        sorted(s for s in pc.unique(rows["source_id"]).to_pylist() if s) if d.sources else []
    )
    downloads(
        rows,
        name=f"transparency-{key}",
        dataset=d.relation,
        source_ids=source_ids,
        filters=filters,
        key=f"dl_{key}",
    )
    if not d.sources:
        st.caption("Each row carries the URL of its own source (columns ending in url).")
