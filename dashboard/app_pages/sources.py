"""Sources: every declared source with URL, licence, snapshots and row counts."""

import streamlit as st

from data import q, require_warehouse

st.title("Sources")
if require_warehouse():
    st.dataframe(q("""SELECT s.source_id, s.publisher, s.kind, s.formats, s.cadence, s.licence, s.homepage,
                             count(DISTINCT sn.sha256) AS snapshots, max(sn.retrieved_at) AS last_retrieved,
                             (SELECT count(*) FROM observations o WHERE o.source_id = s.source_id) AS observations
                      FROM sources s LEFT JOIN snapshots sn USING (source_id)
                      GROUP BY ALL ORDER BY s.source_id"""), hide_index=True)
    st.subheader("Snapshots")
    st.dataframe(q("SELECT source_id, filename, sha256, url, retrieved_at, published_at, vintage, bytes, origin "
                   "FROM snapshots ORDER BY source_id, vintage"), hide_index=True)
