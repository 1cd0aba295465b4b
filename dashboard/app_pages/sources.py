"""Sources: every declared source with its URLs, licence, last retrieval, the sha256 of every raw
file (snapshot) and how many rows each contributed; plus the warehouse's own build record."""

import streamlit as st

from data import has, q, require_warehouse
from ui import empty, md

st.title("Sources")
st.caption(
    "Every number in the warehouse comes from one of these public files. A snapshot is one "
    "raw file exactly as downloaded, identified by the sha256 of its bytes."
)
if require_warehouse():
    src = q("""SELECT s.source_id, s.publisher, s.title, s.kind, s.homepage, s.download_urls,
                      s.licence, s.cadence, s.expected_lag_days, s.formats, s.reporter,
                      count(DISTINCT sn.sha256) AS snapshots, max(sn.retrieved_at) AS last_retrieved,
                      max(sn.vintage) AS latest_release,
                      (SELECT count(*) FROM observations o WHERE o.source_id = s.source_id)
                          AS observations,
                      s.coverage, s.verification
               FROM sources s LEFT JOIN snapshots sn USING (source_id)
               GROUP BY ALL ORDER BY s.source_id""")
    if src.empty:
        empty(
            "No source is declared in this warehouse (table sources is empty): it was built "
            "without any scraper module."
        )
    else:
        st.dataframe(
            src,
            hide_index=True,
            width="stretch",
            column_config={
                "homepage": st.column_config.LinkColumn("homepage"),
                "download_urls": "download URLs",
                "expected_lag_days": "expected lag (days)",
                "observations": st.column_config.NumberColumn("rows (observations)", format="%,d"),
                "verification": "parser verified against",
            },
        )
        st.caption(
            "verification: *real file* (the parser is tested on real published files), *real "
            "file, partial* (some of its formats only) or *layout written by the project, not yet "
            "checked against a live page* (no real page was available; `transparency scrape "
            "--check` tries the live one)."
        )

    st.subheader("Snapshots (raw files)")
    snaps = q("""SELECT sn.source_id, sn.filename, sn.sha256, sn.url, sn.final_url,
                        sn.retrieved_at, sn.published_at, sn.vintage, sn.bytes, sn.media_type,
                        sn.records AS records_parsed,
                        (SELECT count(*) FROM observations o WHERE o.snapshot_sha256 = sn.sha256)
                            AS observations, sn.origin
                 FROM snapshots sn ORDER BY sn.source_id, sn.vintage, sn.retrieved_at""")
    if snaps.empty:
        empty("No snapshot yet: no raw file has been fetched, added or embedded.")
    else:
        st.dataframe(
            snaps,
            hide_index=True,
            width="stretch",
            column_config={
                "url": st.column_config.LinkColumn("url"),
                "final_url": st.column_config.LinkColumn("final url"),
                "bytes": st.column_config.NumberColumn(format="%,d"),
                "observations": st.column_config.NumberColumn("rows (observations)", format="%,d"),
            },
        )
        st.caption(
            "records_parsed: records the parser read from the file; observations: rows of "
            "the warehouse that cite it. origin: *store* (parsed from the local snapshot "
            "store at build time) or *embedded* (records shipped in data/release/)."
        )

    st.subheader("Warehouse")
    left, right = st.columns(2)
    with left:
        tables = q("""SELECT table_name AS "table", estimated_size AS rows
                      FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name""")
        st.dataframe(
            tables,
            hide_index=True,
            width="stretch",
            column_config={"rows": st.column_config.NumberColumn(format="%,d")},
        )
        st.caption("Row counts of every warehouse table (DuckDB's table statistics).")
    with right:
        if has("build_info"):
            info = q("SELECT key, value FROM build_info ORDER BY key")
            if info.empty:
                empty("No build record (table build_info is empty).")
            else:
                st.dataframe(info, hide_index=True, width="stretch")
        if has("findings"):
            f = q("""SELECT severity, "check", count(*) AS n FROM findings
                     GROUP BY ALL ORDER BY severity, n DESC""")
            if f.empty:
                st.caption("The build recorded no findings (no warnings).")
            else:
                st.caption(
                    "Findings of the last build: "
                    + md(", ".join(f"{r.n} {r.severity} {r.check}" for r in f.itertuples()))
                    + "."
                )
