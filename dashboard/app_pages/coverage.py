"""Reporting coverage and timeliness: for every platform, metric and period the source's cadence
calls for, whether the number is in the warehouse (reported), printed as not available, missing
(a gap before later reports) or overdue (due by now per the source's expected lag, not there)."""

from datetime import date

import pandas as pd
import streamlit as st

import charts as ch
import dsa_coverage
from data import metrics, platform_names, q, require_warehouse, series_names, sources_info
from ui import dates, empty, md, multiselect

STATUS = {
    "reported": "#2e7d32",
    "printed N/A": "#9e9d24",
    "missing": "#ef6c00",
    "overdue": "#c62828",
    "not yet due": "#90a4ae",
}
MAX_ROWS = 60  # rows of the grid drawn at once (every series still counts in the totals)

# One row per (series, expected period) with its status, computed in the warehouse: a series is a
# source's numbers for one platform, service and metric (any policy area, current vintage); its
# periods run on the source's cadence grid (quarters from Jan/Apr/Jul/Oct, halves from Jan/Jul,
# years) from its first period to the last that has ended by $today.
GRID_SQL = """
WITH obs AS (
    SELECT o.source_id, s.cadence, coalesce(s.expected_lag_days, 90) AS lag, o.platform,
           coalesce(o.service, '') AS service, o.metric, o.period_start,
           bool_or(o.value IS NOT NULL) AS has_value
    FROM current_observations o JOIN sources s USING (source_id)
    WHERE s.cadence IN ('quarterly', 'half-yearly', 'annual')
      AND o.platform IS NOT NULL AND o.metric IS NOT NULL
    GROUP BY ALL),
ser AS (
    SELECT source_id, cadence, lag, platform, service, metric,
           CASE cadence WHEN 'quarterly' THEN 3 WHEN 'half-yearly' THEN 6 ELSE 12 END AS months,
           min(period_start) AS first_start,
           max(period_start) FILTER (WHERE has_value) AS last_reported
    FROM obs GROUP BY ALL),
grid AS (
    SELECT *, CAST(unnest(generate_series(
               make_date(year(first_start), (month(first_start) - 1) // months * months + 1, 1)
                   ::TIMESTAMP, $today::TIMESTAMP, to_months(months))) AS DATE) AS period_start
    FROM ser),
cells AS (
    SELECT g.*, CAST(g.period_start + to_months(g.months) - INTERVAL 1 DAY AS DATE) AS period_end,
           o.has_value
    FROM grid g LEFT JOIN obs o
        ON o.source_id = g.source_id AND o.platform = g.platform AND o.service = g.service
       AND o.metric = g.metric AND o.period_start = g.period_start)
SELECT source_id, cadence, lag, platform, service, metric, period_start, period_end,
       CASE months WHEN 3 THEN year(period_start) || '-Q' || quarter(period_start)
                   WHEN 6 THEN year(period_start) || '-H' || (CASE WHEN month(period_start) <= 6
                                                                 THEN 1 ELSE 2 END)
                   ELSE CAST(year(period_start) AS VARCHAR) END AS period,
       CAST(period_end + to_days(CAST(lag AS INTEGER)) AS DATE) AS due,
       CASE WHEN has_value THEN 'reported'
            WHEN NOT has_value THEN 'printed N/A'
            WHEN period_start < last_reported THEN 'missing'
            WHEN period_end + to_days(CAST(lag AS INTEGER)) <= $today THEN 'overdue'
            ELSE 'not yet due' END AS status
FROM cells WHERE period_end < $today
ORDER BY source_id, platform, service, metric, period_start"""


st.title("Reporting coverage and timeliness")
st.caption(
    "Which numbers each source's cadence calls for, and which of them the warehouse has. "
    "A period is *due* at its end plus the source's expected publication lag."
)
if require_warehouse():
    today = date.today()
    grid = q(GRID_SQL, {"today": today})
    if grid.empty:
        empty(
            "No periodic source (quarterly, half-yearly or annual) has numbers in this "
            "warehouse yet, so there is no reporting schedule to check (or no period of one "
            "has ended). Daily DSA data are on the DSA statements of reasons page."
        )
        st.stop()
    names = platform_names()
    mlabels = {k: v.label for k, v in metrics().items()}
    src_titles = {r["source_id"]: r["title"] for r in sources_info(grid.source_id.unique())}

    c1, c2, c3 = st.columns(3)
    with c1:
        srcs = multiselect(
            "Source",
            sorted(grid.source_id.unique()),
            "source",
            format_func=lambda s: f"{s} ({src_titles[s]})" if s in src_titles else s,
            placeholder="all sources",
        )
    with c2:
        plats = multiselect(
            "Platform",
            sorted(grid.platform.unique(), key=lambda p: names.get(p, p).lower()),
            "platform",
            format_func=lambda p: names.get(p, p),
            placeholder="all platforms",
        )
    with c3:
        mets = multiselect(
            "Metric",
            sorted(grid.metric.unique(), key=lambda m: mlabels.get(m, m)),
            "metric",
            format_func=lambda m: mlabels.get(m, m),
            placeholder="all metrics",
        )
    if srcs:
        grid = grid[grid.source_id.isin(srcs)]
    if plats:
        grid = grid[grid.platform.isin(plats)]
    if mets:
        grid = grid[grid.metric.isin(mets)]
    if grid.empty:
        empty("No periodic series for these sources, platforms and metrics.")
        st.stop()
    keys = ["source_id", "platform", "service", "metric"]
    series = (
        grid.assign(reported=grid.status == "reported")
        .groupby(keys, sort=False)
        .agg(
            reported=("reported", "sum"),
            periods=("period", "size"),
            cadence=("cadence", "first"),
            lag=("lag", "first"),
        )
        .reset_index()
    )
    series["row"] = [
        f"{n} · {mlabels.get(m, m)} ({src})"
        for n, m, src in zip(
            series_names(series.platform, series.service),
            series.metric,
            series.source_id,
            strict=True,
        )
    ]
    grid = grid.merge(series[[*keys, "row"]], on=keys)

    counts = grid.status.value_counts()
    cols = st.columns(len(STATUS))
    for col, s in zip(cols, STATUS, strict=True):
        col.metric(s, f"{int(counts.get(s, 0)):,}")

    drawn = series.sort_values(
        ["reported", "periods", "row"], ascending=[False, False, True]
    ).row.head(MAX_ROWS)
    shown = grid[grid.row.isin(set(drawn))]
    ch.render(
        [
            ch.layer(
                "main",
                {"type": "rect", "tooltip": True, "stroke": "white", "strokeWidth": 0.5},
                x=ch.enc("period_start", "temporal", "period"),
                x2=ch.enc("period_end", "temporal"),
                y=ch.enc("row", "nominal", "", axis={"labelLimit": 420}),
                color=ch.enc(
                    "status",
                    "nominal",
                    "status",
                    scale={"domain": list(STATUS), "range": list(STATUS.values())},
                    legend={"orient": "bottom"},
                ),
                tooltip=[
                    ch.tip("row", title="series"),
                    ch.tip("period"),
                    ch.tip("status"),
                    ch.tip("due", title="due by"),
                ],
            )
        ],
        {
            "main": shown[
                [
                    "row",
                    "source_id",
                    "platform",
                    "metric",
                    "period_start",
                    "period_end",
                    "period",
                    "due",
                    "status",
                ]
            ].assign(
                due=shown.due.astype(str),
                period_end=pd.to_datetime(shown.period_end) + pd.Timedelta(days=1),
            )
        },
        height=max(160, 22 * len(drawn)),
        key="coverage_matrix",
    )
    if len(series) > len(drawn):
        st.caption(
            f"{len(series):,} series match; the grid draws the {len(drawn)} with the "
            "most periods reported (every series counts in the totals above and is "
            "listed below). Choose sources, platforms or metrics to draw others."
        )
    st.caption(
        "Rows: platform / service · metric (source). Columns: periods of the source's "
        "cadence (sources.cadence), from each series' first period to the last that has "
        "ended. Due date = period end + sources.expected_lag_days. *reported*: a value is "
        "in the warehouse (any policy area, current vintage); *printed N/A*: the source "
        "printed no number; *missing*: absent although later periods are reported; "
        "*overdue*: after the last reported period and past its due date — not published, "
        "or published but not yet collected. Unit: one expected period of one series. "
        f"Sources: {md(', '.join(sorted(series.source_id.unique())))} (current vintage "
        f"of each value); checked against today's date, {today.isoformat()}."
    )

    st.subheader("Stopped or late reporting")
    last = grid[grid.status == "reported"].groupby("row").period.last()
    overdue = (
        grid[grid.status == "overdue"]
        .groupby("row")
        .agg(
            overdue_periods=("period", "count"),
            first_overdue=("period", "first"),
            due_since=("due", "first"),
        )
    )
    if overdue.empty:
        empty("Every series is up to date with its source's cadence.")
    else:
        table = (
            overdue.join(last.rename("last_reported"))
            .reset_index()
            .merge(series[["row", "source_id", "cadence", "lag"]], on="row")
        )
        st.dataframe(
            table.sort_values("overdue_periods", ascending=False),
            hide_index=True,
            width="stretch",
            column_config={"row": "series", "lag": "expected lag (days)", **dates("due_since")},
        )
        st.caption(
            md(
                f"{len(table)} series have periods past their due date that are not in the "
                "warehouse."
            )
        )

    dsa_coverage.section()  # DSA reports: the platforms' report lists and legal due dates
