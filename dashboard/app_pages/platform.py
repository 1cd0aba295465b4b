"""Platform profile: every harmonised metric of one platform over time."""

import altair as alt
import streamlit as st

from data import q, require_warehouse

st.title("Platform profile")
if require_warehouse():
    platforms = q("SELECT DISTINCT platform FROM observations WHERE platform IS NOT NULL ORDER BY 1")["platform"].tolist()
    if not platforms:
        st.info("The warehouse holds no platform observations yet.")
    else:
        default = st.query_params.get("platform", platforms[0])
        platform = st.selectbox("Platform", platforms, index=platforms.index(default) if default in platforms else 0)
        st.query_params["platform"] = platform
        metrics = q("SELECT DISTINCT metric FROM current_observations WHERE platform = ? AND value IS NOT NULL ORDER BY 1", platform)["metric"].tolist()
        metric = st.selectbox("Metric", metrics)
        df = q("""SELECT service, policy_area, period_start, value, unit, vintage, raw_policy_label
                  FROM current_observations WHERE platform = ? AND metric = ? AND value IS NOT NULL
                  ORDER BY period_start""", platform, metric)
        if df.empty:
            st.info("No values for this metric.")
        else:
            chart = alt.Chart(df).mark_line(point=True).encode(
                x=alt.X("period_start:T", title="period"), y=alt.Y("value:Q", title=str(df.unit.iloc[0])),
                color="policy_area:N", strokeDash="service:N",
                tooltip=["service", "policy_area", "raw_policy_label", "period_start", "value", "vintage"])
            st.altair_chart(chart, use_container_width=True)
            st.dataframe(df, hide_index=True)
