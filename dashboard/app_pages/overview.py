"""Overview: what the warehouse holds, newest releases, headline child-safety series."""

import altair as alt
import streamlit as st

from data import q, require_warehouse

st.title("Platform accountability observatory")
st.caption("What platforms publish about their own enforcement, and what regulators do about it. "
           "Every number links back to the public file it came from.")

if require_warehouse():
    counts = q("SELECT count(*) AS observations, count(DISTINCT platform) AS platforms, "
               "count(DISTINCT source_id) AS sources, max(vintage) AS newest FROM observations")
    c = counts.iloc[0]
    a, b, d, e = st.columns(4)
    a.metric("Observations", f"{int(c.observations):,}")
    b.metric("Platforms", int(c.platforms))
    d.metric("Sources", int(c.sources))
    e.metric("Newest release", str(c.newest) if c.newest is not None else "none")

    st.subheader("Latest releases")
    st.dataframe(q("SELECT source_id, filename, vintage, retrieved_at, records, url FROM snapshots "
                   "ORDER BY vintage DESC, source_id LIMIT 10"), hide_index=True)

    st.subheader("Child sexual exploitation: content actioned")
    df = q("""SELECT platform || ' / ' || service AS series, period_start, value, policy_area, raw_policy_label
              FROM current_observations o JOIN policy_areas p USING (policy_area)
              WHERE p.csea_family IN ('child_sexual_exploitation', 'csam') AND metric = 'content_actioned'
                AND value IS NOT NULL AND scope = 'global' ORDER BY period_start""")
    if df.empty:
        st.info("No child-safety enforcement series in the warehouse yet.")
    else:
        chart = alt.Chart(df).mark_line(point=True).encode(
            x=alt.X("period_start:T", title="period"), y=alt.Y("value:Q", title="pieces of content"),
            color="series:N", tooltip=["series", "period_start", "value", "raw_policy_label"])
        st.altair_chart(chart, use_container_width=True)
        st.caption("Content actioned: pieces of content the platform took action on in the period, as the "
                   "platform reports it (current vintage). Policy labels differ by platform; see the raw label.")
