"""Reporting coverage and timeliness: for every platform, metric and period the source's cadence
calls for, whether the number is in the warehouse (reported), printed as not available, missing
(a gap before later reports) or overdue (due by now per the source's expected lag, not there)."""

from datetime import date

import pandas as pd
import streamlit as st

import charts as ch
from data import metrics, platform_names, q, require_warehouse, series_names
from ui import empty, md, multiselect

STEP = {"quarterly": 3, "half-yearly": 6, "annual": 12}
STATUS = {"reported": "#2e7d32", "printed N/A": "#9e9d24", "missing": "#ef6c00",
          "overdue": "#c62828", "not yet due": "#90a4ae"}


def _label(start: pd.Timestamp, months: int) -> str:
    if months == 3:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if months == 6:
        return f"{start.year}-H{1 if start.month <= 6 else 2}"
    return str(start.year)


@st.cache_data(ttl=600, show_spinner=False)
def matrix(series: pd.DataFrame, today: date) -> pd.DataFrame:
    """One row per (series, expected period) with its status."""
    rows = []
    t = pd.Timestamp(today)
    for s in series.itertuples():
        months = STEP[s.cadence]
        first = pd.Timestamp(s.first_start)
        # align to the cadence grid (quarters from Jan/Apr/Jul/Oct, halves from Jan/Jul, years)
        first = pd.Timestamp(first.year, ((first.month - 1) // months) * months + 1, 1)
        reported = set(filter(None, (s.reported or "").split(",")))
        printed = set(filter(None, (s.printed or "").split(","))) - reported
        last_reported = max(reported) if reported else None
        start = first
        while True:
            end = start + pd.DateOffset(months=months) - pd.Timedelta(days=1)
            if end >= t:
                break
            due = end + pd.Timedelta(days=int(s.lag))
            key = start.strftime("%Y-%m-%d")
            if key in reported:
                status = "reported"
            elif key in printed:
                status = "printed N/A"
            elif last_reported and key < last_reported:
                status = "missing"
            elif due <= t:
                status = "overdue"
            else:
                status = "not yet due"
            rows.append((s.row, s.source_id, s.platform, s.metric, start, end,
                         _label(start, months), due.date(), status))
            start = start + pd.DateOffset(months=months)
    return pd.DataFrame(rows, columns=["row", "source_id", "platform", "metric", "period_start",
                                       "period_end", "period", "due", "status"])


st.title("Reporting coverage and timeliness")
st.caption("Which numbers each source's cadence calls for, and which of them the warehouse has. "
           "A period is *due* at its end plus the source's expected publication lag.")
if require_warehouse():
    series = q("""SELECT o.source_id, s.cadence, coalesce(s.expected_lag_days, 90) AS lag,
                         o.platform, o.service, o.metric, min(o.period_start) AS first_start,
                         coalesce(string_agg(DISTINCT strftime(o.period_start, '%Y-%m-%d'), ',')
                             FILTER (WHERE o.value IS NOT NULL), '') AS reported,
                         string_agg(DISTINCT strftime(o.period_start, '%Y-%m-%d'), ',') AS printed
                  FROM current_observations o JOIN sources s USING (source_id)
                  WHERE s.cadence IN ('quarterly', 'half-yearly', 'annual')
                    AND o.platform IS NOT NULL AND o.metric IS NOT NULL
                  GROUP BY ALL""")
    if series.empty:
        empty("No periodic source (quarterly, half-yearly or annual) has numbers in this "
              "warehouse yet, so there is no reporting schedule to check. Daily DSA data are on "
              "the DSA statements of reasons page.")
        st.stop()
    names = platform_names()
    mlabels = {k: v.label for k, v in metrics().items()}

    c1, c2 = st.columns(2)
    with c1:
        plats = multiselect("Platform", sorted(series.platform.unique(),
                                               key=lambda p: names.get(p, p).lower()),
                            "platform", format_func=lambda p: names.get(p, p),
                            placeholder="all platforms")
    with c2:
        mets = multiselect("Metric", sorted(series.metric.unique(),
                                            key=lambda m: mlabels.get(m, m)),
                           "metric", format_func=lambda m: mlabels.get(m, m),
                           placeholder="all metrics")
    if plats:
        series = series[series.platform.isin(plats)]
    if mets:
        series = series[series.metric.isin(mets)]
    series = series.assign(row=[f"{n} · {mlabels.get(m, m)} ({src})" for n, m, src in zip(
        series_names(series.platform, series.service), series.metric, series.source_id,
        strict=True)])
    series = series[["row", "source_id", "platform", "metric", "cadence", "lag", "first_start",
                     "reported", "printed"]].reset_index(drop=True)

    grid = matrix(series, date.today())
    if grid.empty:
        empty("No period has ended yet for the chosen series.")
        st.stop()
    counts = grid.status.value_counts()
    cols = st.columns(len(STATUS))
    for col, s in zip(cols, STATUS, strict=True):
        col.metric(s, f"{int(counts.get(s, 0)):,}")

    ch.render([ch.layer("main", {"type": "rect", "tooltip": True, "stroke": "white",
                                 "strokeWidth": 0.5},
                        x=ch.enc("period_start", "temporal", "period"),
                        x2=ch.enc("period_end", "temporal"),
                        y=ch.enc("row", "nominal", "", axis={"labelLimit": 420}),
                        color=ch.enc("status", "nominal", "status", scale={
                            "domain": list(STATUS), "range": list(STATUS.values())},
                            legend={"orient": "bottom"}),
                        tooltip=[ch.tip("row", title="series"), ch.tip("period"),
                                 ch.tip("status"), ch.tip("due", title="due by")])],
              {"main": grid.assign(due=grid.due.astype(str),
                                   period_end=grid.period_end + pd.Timedelta(days=1))},
              height=max(160, 22 * grid.row.nunique()), key="coverage_matrix")
    st.caption("Rows: platform / service · metric (source). Columns: periods of the source's "
               "cadence (sources.cadence), from each series' first period to the last that has "
               "ended. Due date = period end + sources.expected_lag_days. *reported*: a value is "
               "in the warehouse (any policy area, current vintage); *printed N/A*: the source "
               "printed no number; *missing*: absent although later periods are reported; "
               "*overdue*: after the last reported period and past its due date — not published, "
               "or published but not yet collected. Unit: one expected period of one series. "
               f"Sources: {md(', '.join(sorted(series.source_id.unique())))} (current vintage "
               f"of each value); checked against today's date, {date.today().isoformat()}.")

    st.subheader("Stopped or late reporting")
    last = grid[grid.status == "reported"].groupby("row").period.last()
    overdue = grid[grid.status == "overdue"].groupby("row").agg(
        overdue_periods=("period", "count"), first_overdue=("period", "first"),
        due_since=("due", "first"))
    if overdue.empty:
        empty("Every series is up to date with its source's cadence.")
    else:
        table = overdue.join(last.rename("last_reported")).reset_index().merge(
            series[["row", "source_id", "cadence", "lag"]], on="row")
        st.dataframe(table.sort_values("overdue_periods", ascending=False), hide_index=True,
                     width="stretch", column_config={"row": "series",
                                                     "lag": "expected lag (days)"})
        st.caption(md(f"{len(table)} series have periods past their due date that are not in the "
                      "warehouse."))
