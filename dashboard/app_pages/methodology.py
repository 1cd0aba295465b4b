"""Methodology: how the numbers are harmonised, what makes them comparable or not, how releases
(vintages) are kept, and every metric's definition with the labels each source prints for it."""

import pandas as pd
import streamlit as st

from data import q, require_warehouse
from ui import empty

st.title("Methodology")
st.markdown(
    """
**What this is.** Platforms' own transparency reports, NCMEC's counts of CyberTipline reports per
provider, the EU DSA transparency reports and regulators' actions, read from the public files as
published and kept with full provenance: every number carries its source, the file it came from
(checksum, retrieval date, URL) and the row or cell it was read from.

**Harmonisation.** Each source's labels are mapped to shared *metrics* (what is counted: content
actioned, accounts actioned, CyberTipline reports made, …) and *policy areas* (why: child sexual
exploitation, grooming, …). The mapping is a table per source (`data/labels/`); a label it does
not map keeps its printed text and no harmonised id, and is never guessed. The printed labels are
shown beside every harmonised value (tooltips, the *policy as printed* columns).

**Comparability caveats.**
- Each platform defines its own policies and counting rules: one harmonised policy area groups
  them but does not make them identical (e.g. Meta splits child sexual exploitation into several
  policies from 2021Q2, and one harmonised metric such as *accounts suspended* is counted under
  each platform's own definition: the label each source prints is listed below).
- Periods differ (quarters, half-years, calendar years); compare rates or indices, not levels of
  periods of different lengths.
- Scopes never mix: a global figure is not set beside an EU one. Rates per EU user divide by the
  DSA *average monthly active recipients* (AMAR) of the same service for an overlapping period.
- One line on a chart is one definition from one source: a platform whose numbers come from two
  sources (its own report and a third-party compilation, or NCMEC) is drawn as two lines.
- Platforms round their figures (Meta to 100,000 in places): small differences mean nothing.
- NCMEC counts reports per reporting entity (it may combine related companies); platforms may
  count per service or before de-duplication, so self-reported and NCMEC counts differ.

**Releases (vintages).** Every release of a source is kept. A value restated in a later release
keeps its earlier versions; pages show the *current* value (latest release) and the Revisions page
lists every restatement.

**Coverage.** A source's cadence (quarterly, half-yearly, annual) and its expected publication
lag give each period a due date. A period is *held* when any source has the number; *not
collected* when it is due (or was published) after the warehouse last retrieved the source, so
the platform may well have published it; *overdue* when the source was retrieved after the due
date and still lacks it.

**Amounts.** Regulator fines are shown in full in their own currency, with a euro equivalent at
the exchange rate of the action's date (`fx_rates`).
"""
)

if require_warehouse():
    st.subheader("Metric definitions and the labels each source prints")
    defs = q("""SELECT m.label AS metric, m.unit, m.definition,
                       string_agg(DISTINCT o.source_id || ': ' || o.raw_metric_label, '; '
                                  ORDER BY o.source_id || ': ' || o.raw_metric_label)
                           AS printed_as
                FROM metrics m
                JOIN (SELECT DISTINCT metric, source_id, raw_metric_label
                      FROM current_observations
                      WHERE value IS NOT NULL AND raw_metric_label IS NOT NULL) o USING (metric)
                WHERE NOT starts_with(m.metric, 'dsa_')
                GROUP BY ALL ORDER BY m.label""")
    if defs.empty:
        empty("No harmonised metric has values in this warehouse yet.")
    else:
        st.dataframe(
            defs,
            hide_index=True,
            width="stretch",
            column_config={
                "definition": st.column_config.TextColumn(width="large"),
                "printed_as": st.column_config.TextColumn(
                    "printed as (source: label)", width="large"
                ),
            },
        )
        st.caption(
            f"{len(defs)} metrics with values (the DSA report's own fields are listed on the "
            "DSA page). A metric's definition is the harmonised one; what each platform counts "
            "is the label it printed."
        )
    st.subheader("Sources and their releases")
    src = q("""SELECT s.source_id, s.publisher, s.cadence, s.expected_lag_days,
                      count(sn.sha256) AS releases, min(sn.vintage) AS first_release,
                      max(sn.vintage) AS latest_release, s.homepage
               FROM sources s LEFT JOIN snapshots sn USING (source_id)
               GROUP BY ALL ORDER BY s.source_id""")
    for c in ("first_release", "latest_release"):
        src[c] = [str(v)[:10] if pd.notna(v) else "—" for v in src[c]]
    st.dataframe(
        src,
        hide_index=True,
        width="stretch",
        column_config={
            "homepage": st.column_config.LinkColumn("source"),
            "expected_lag_days": "expected lag (days)",
        },
    )
