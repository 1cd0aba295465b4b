"""Reporting coverage and timeliness: for every platform, metric and period the source's cadence
calls for, whether the number is in the warehouse (reported), printed as not available, missing
(a gap before later reports) or overdue (due by now per the source's expected lag, not there)."""

from datetime import date

import pandas as pd
import streamlit as st

import charts as ch
import dsa_coverage
from data import metrics, platform_names, q, require_warehouse, series_names, sources_info
from ui import chart_data, dates, empty, md, multiselect

STATUS = {
    "held": "#2e7d32",
    "printed N/A": "#9e9d24",
    "gap": "#ef6c00",
    "not collected": "#5c6bc0",
    "overdue": "#c62828",
    "not yet due": "#cfd8dc",
}
STATUS_HELP = {
    "held": "published and in the warehouse (from any source)",
    "printed N/A": "the source printed no number",
    "gap": "absent although later periods are held",
    "not collected": "due after the warehouse last retrieved the series' sources: the platform "
    "may have published it; fetch the sources again",
    "overdue": "not in any release the warehouse retrieved after its due date: not published "
    "by its due date",
    "not yet due": "the period has ended but its due date has not passed",
}
MAX_ROWS = 60  # rows of the grid drawn at once (every series still counts in the totals)
YEARS_DRAWN = 8  # the grid draws the last years; the totals and tables count every period

# One row per (series, expected period) with its status, computed in the warehouse. A series is
# one platform, service and metric, from every source that has it (a platform's own report,
# NCMEC, a third-party compilation): a period is held when any source has a value for a period
# overlapping it. Its periods run on the finest cadence among its periodic sources (quarters from
# Jan/Apr/Jul/Oct, halves from Jan/Jul, years) from its first period to the last that has ended by
# $today; a period is due at its end plus the shortest expected lag of those sources, and counts
# as overdue only when a source of the series was retrieved after that date and still lacks it.
GRID_SQL = """
WITH obs AS (
    SELECT o.source_id, o.platform, coalesce(o.service, '') AS service, o.metric,
           o.period_start, o.period_end, bool_or(o.value IS NOT NULL) AS has_value
    FROM current_observations o
    WHERE o.platform IS NOT NULL AND o.metric IS NOT NULL AND o.period_start IS NOT NULL
    GROUP BY ALL),
per AS (
    SELECT o.platform, o.service, o.metric, s.source_id,
           CASE s.cadence WHEN 'quarterly' THEN 3 WHEN 'half-yearly' THEN 6 ELSE 12 END AS months,
           coalesce(s.expected_lag_days, 90) AS lag, min(o.period_start) AS first_start
    FROM obs o JOIN sources s USING (source_id)
    WHERE s.cadence IN ('quarterly', 'half-yearly', 'annual')
    GROUP BY ALL),
retrieved AS (
    SELECT source_id, max(CAST(retrieved_at AS DATE)) AS last_retrieved
    FROM snapshots GROUP BY ALL),
ser AS (
    SELECT platform, service, metric, min(months) AS months, min(lag) AS lag,
           min(first_start) AS first_start,
           string_agg(DISTINCT per.source_id, ', ' ORDER BY per.source_id) AS sources,
           max(r.last_retrieved) AS last_retrieved
    FROM per LEFT JOIN retrieved r USING (source_id) GROUP BY ALL),
grid AS (
    SELECT *, CAST(unnest(generate_series(
               make_date(year(first_start), (month(first_start) - 1) // months * months + 1, 1)
                   ::TIMESTAMP, $today::TIMESTAMP, to_months(months))) AS DATE) AS period_start
    FROM ser),
cells AS (
    SELECT g.*, CAST(g.period_start + to_months(g.months) - INTERVAL 1 DAY AS DATE) AS period_end
    FROM grid g),
hit AS (
    SELECT c.platform, c.service, c.metric, c.period_start, bool_or(o.has_value) AS has_value,
           string_agg(DISTINCT o.source_id, ', ' ORDER BY o.source_id)
               FILTER (WHERE o.has_value) AS held_by
    FROM cells c JOIN obs o
      ON o.platform = c.platform AND o.service = c.service AND o.metric = c.metric
     AND o.period_start <= c.period_end AND o.period_end >= c.period_start
    GROUP BY ALL),
last AS (
    SELECT platform, service, metric, max(period_start) AS last_held
    FROM hit WHERE has_value GROUP BY ALL)
SELECT c.sources AS source_id,
       CASE c.months WHEN 3 THEN 'quarterly' WHEN 6 THEN 'half-yearly' ELSE 'annual' END
           AS cadence,
       c.lag, c.platform, c.service, c.metric, c.period_start, c.period_end, c.last_retrieved,
       h.held_by,
       CASE c.months WHEN 3 THEN year(c.period_start) || '-Q' || quarter(c.period_start)
                     WHEN 6 THEN year(c.period_start) || '-H' || (CASE WHEN month(c.period_start)
                                                                  <= 6 THEN 1 ELSE 2 END)
                     ELSE CAST(year(c.period_start) AS VARCHAR) END AS period,
       CAST(c.period_end + to_days(CAST(c.lag AS INTEGER)) AS DATE) AS due,
       CASE WHEN h.has_value THEN 'held'
            WHEN NOT h.has_value THEN 'printed N/A'
            WHEN c.period_start < l.last_held THEN 'gap'
            WHEN c.period_end + to_days(CAST(c.lag AS INTEGER)) > $today THEN 'not yet due'
            WHEN c.last_retrieved IS NULL
              OR c.last_retrieved < c.period_end + to_days(CAST(c.lag AS INTEGER))
                THEN 'not collected'
            ELSE 'overdue' END AS status
FROM cells c
LEFT JOIN hit h USING (platform, service, metric, period_start)
LEFT JOIN last l USING (platform, service, metric)
WHERE c.period_end < $today
ORDER BY c.platform, c.service, c.metric, c.period_start"""


st.title("Reporting coverage and timeliness")
st.caption(
    "Which numbers each platform's reporting cadence calls for, and which of them the "
    "warehouse holds, from any source. A period is *due* at its end plus the source's "
    "expected publication lag. Colours: "
    + "; ".join(f"*{k}*: {v}" for k, v in STATUS_HELP.items())
    + "."
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
            sorted({x for v in grid.source_id.unique() for x in v.split(", ")}),
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
        grid = grid[[bool(set(v.split(", ")) & set(srcs)) for v in grid.source_id]]
    if plats:
        grid = grid[grid.platform.isin(plats)]
    if mets:
        grid = grid[grid.metric.isin(mets)]
    if grid.empty:
        empty("No periodic series for these sources, platforms and metrics.")
        st.stop()
    keys = ["source_id", "platform", "service", "metric"]
    series = (
        grid.assign(held=grid.status == "held")
        .groupby(keys, sort=False)
        .agg(
            reported=("held", "sum"),
            periods=("period", "size"),
            cadence=("cadence", "first"),
            lag=("lag", "first"),
            last_retrieved=("last_retrieved", "first"),
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
    since = pd.Timestamp(today.year - YEARS_DRAWN + 1, 1, 1)
    shown = grid[grid.row.isin(set(drawn)) & (pd.to_datetime(grid.period_start) >= since)]
    ch.render(
        [
            ch.layer(
                "main",
                {"type": "rect", "tooltip": True, "stroke": "white", "strokeWidth": 0.5},
                x=ch.enc(
                    "period_start",
                    "temporal",
                    "period",
                    axis={"format": "%Y", "tickCount": {"interval": "year", "step": 1}},
                ),
                x2=ch.enc("period_end", "temporal"),
                y=ch.enc("row", "nominal", "", axis={"labelLimit": 420}),
                color=ch.enc(
                    "status",
                    "nominal",
                    "status",
                    scale={"domain": list(STATUS), "range": list(STATUS.values())},
                    legend={"orient": "bottom", "columns": 3},
                ),
                tooltip=[
                    ch.tip("row", title="series"),
                    ch.tip("period"),
                    ch.tip("status"),
                    ch.tip("due", title="due by"),
                    ch.tip("held_by", title="held from"),
                    ch.tip("source_id", title="sources of the series"),
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
                    "held_by",
                ]
            ].assign(
                due=shown.due.astype(str),
                period_end=pd.to_datetime(shown.period_end) + pd.Timedelta(days=1),
            )
        },
        height=max(160, 22 * len(drawn)),
        key="coverage_matrix",
    )
    chart_data(
        shown[
            [
                "row",
                "platform",
                "service",
                "metric",
                "period",
                "period_start",
                "period_end",
                "due",
                "status",
                "held_by",
                "source_id",
                "last_retrieved",
            ]
        ],
        name="coverage",
        dataset="Reporting coverage and timeliness (the series and periods drawn)",
        source_ids=sorted({x for v in shown.source_id for x in v.split(", ")}),
        filters={"source": srcs, "platform": plats, "metric": mets},
        key="dl_coverage",
    )
    if len(series) > len(drawn):
        st.caption(
            f"{len(series):,} series match; the grid draws the {len(drawn)} with the "
            "most periods reported (every series counts in the totals above and is "
            "listed below). Choose sources, platforms or metrics to draw others."
        )
    st.caption(
        "Rows: platform / service · metric (every source that has it). Columns: periods of "
        "the finest cadence among the series' periodic sources (sources.cadence), from its "
        f"first period to the last that has ended; the grid draws the last {YEARS_DRAWN} "
        "years (the totals and the table below count every period). Due date = period end + "
        "the shortest sources.expected_lag_days among them. A period is held when any source "
        "has a value for a period overlapping it (any policy area, current vintage). Unit: one "
        "expected period of one series. "
        f"Sources: {md(', '.join(sorted({x for v in series.source_id for x in v.split(', ')})))}; "
        f"checked against today's date, {today.isoformat()}."
    )

    st.subheader("Stopped or late reporting")
    last = grid[grid.status == "held"].groupby("row").period.last()
    late = grid[grid.status.isin(["overdue", "not collected"])]
    overdue = (
        late.assign(ov=late.status == "overdue", nc=late.status == "not collected")
        .groupby("row", sort=False)
        .agg(
            overdue_periods=("ov", "sum"),
            not_collected=("nc", "sum"),
            first_overdue=("period", "first"),
            due_since=("due", "first"),
        )
    )
    if overdue.empty:
        empty("Every series is up to date with its cadence.")
    else:
        table = (
            overdue.join(last.rename("last_reported"))
            .reset_index()
            .merge(series[["row", "source_id", "cadence", "lag", "last_retrieved"]], on="row")
        )
        table["status"] = [
            "not published by its due date" if o else "due after the last retrieval: not collected"
            for o in table.overdue_periods
        ]
        st.dataframe(
            table.sort_values(["overdue_periods", "not_collected"], ascending=False),
            hide_index=True,
            width="stretch",
            column_config={
                "row": "series",
                "lag": "expected lag (days)",
                "first_overdue": "first late period",
                "source_id": "sources",
                **dates("due_since", "last_retrieved"),
            },
        )
        n_over = int((table.overdue_periods > 0).sum())
        st.caption(
            md(
                f"{len(table)} series have periods past their due date that are not in the "
                f"warehouse: {n_over} not published by the due date (a source was retrieved "
                f"after it), {len(table) - n_over} due after the sources were last retrieved "
                "(the platform may have published them: fetch again)."
            )
        )

    dsa_coverage.section()  # DSA reports: the platforms' report lists and legal due dates
