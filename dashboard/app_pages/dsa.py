"""DSA statements of reasons: daily or weekly counts by platform for protection of minors and CSAM,
the share detected or decided by automated means, and the visibility decisions taken, from the
Transparency Database's daily aggregates (table ``sor_daily``), with known discontinuities marked.
"""

import pandas as pd
import streamlit as st

import charts as ch
from data import has, local, q, qa, require_warehouse
from ui import date_range, empty, md, multiselect, radio

FOCUS = {
    "minors": "Protection of minors (category)",
    "csam": "CSAM (keyword, incl. deepfake CSAM)",
    "all": "All statements",
}
GRAIN = {"week": "Weekly", "day": "Daily"}
MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
CSAM = "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"  # also matches ..._DEEPFAKE
YES = "lower(CAST(automated_detection AS VARCHAR)) IN ('yes', 'true', '1')"
FULLY = "automated_decision = 'AUTOMATED_DECISION_FULLY'"

# Two roll-ups of the chosen statements, each one scan of sor_daily per warehouse version and
# focus (cached): per day and platform, and per week, platform and visibility decision (a daily
# three-key grouping would cost ~5x more). Every later filter change (dates, platforms,
# daily/weekly) runs on these small tables in memory. The focus filter is fixed SQL; the choice
# and the codes are parameters.
FOCUSED = f"""SELECT date, platform_name, coalesce(decision_visibility, '') AS decision_visibility,
                     count, ({YES})::INTEGER AS det, ({FULLY})::INTEGER AS dec
              FROM sor_daily
              WHERE $focus = 'all' OR ($focus = 'minors' AND category = $minors)
                 OR ($focus = 'csam' AND contains(keyword, $csam))"""
DAILY = f"""SELECT date, platform_name, sum(count) AS n, sum(count * det) AS det,
                   sum(count * dec) AS dec
            FROM ({FOCUSED}) GROUP BY ALL"""
WEEKLY_VISIBILITY = f"""SELECT date_trunc('week', date)::DATE AS week, platform_name,
                               decision_visibility, sum(count) AS n
                        FROM ({FOCUSED}) GROUP BY ALL"""


# From the Transparency Database announcements (see the source guide for the DSA statements of
# reasons): changes that move the series without any change in moderation.
DISCONTINUITIES = [
    ("2024-05-22", "Duplicates removed, dumps regenerated"),
    ("2024-06-28", "Google Shopping stops ad-eligibility notifications"),
    ("2025-05-30", "Google Shopping stops 'additional grounds' notifications"),
    ("2025-07-01", "Schema v2: new categories and keywords"),
    ("2025-10-28", "Meta trusted-flagger statements labelled correctly from here"),
    (
        "2026-05-29",
        "Google Play automated_detection fixed (inverted for part of Sep 2023–May 2026)",
    ),
]


st.title("DSA statements of reasons")
st.caption(
    "Under the EU Digital Services Act, online platforms submit a statement of reasons for "
    "each moderation decision to the Commission's Transparency Database "
    "(transparency.dsa.ec.europa.eu, CC BY 4.0). Counts come from its daily aggregates."
)
if require_warehouse():
    if not has("sor_daily"):
        empty(
            "This warehouse has no DSA statement-of-reasons aggregates (table sor_daily): it "
            "was built without the DSA Transparency Database source."
        )
        st.stop()
    span = q("SELECT min(date) AS lo, max(date) AS hi, count(*) AS n FROM sor_daily").iloc[0]
    if not span.n or pd.isna(span.lo):
        empty("The DSA statement-of-reasons table is empty: no daily aggregate has been built in.")
        st.stop()
    lo, hi = pd.Timestamp(span.lo).date(), pd.Timestamp(span.hi).date()

    a, b = st.columns([2, 1])
    with a:
        focus = radio("Statements", list(FOCUS), "focus", default="minors", format_func=FOCUS.get)
    with b:
        grain = radio("Counts per", list(GRAIN), "grain", default="week", format_func=GRAIN.get)
    start, end = date_range("Dates", lo, hi, "date")
    codes = {"focus": focus, "minors": MINORS, "csam": CSAM}
    daily = qa(DAILY, codes)
    ranked = local(
        """SELECT platform_name, sum(n) AS n FROM daily
                      WHERE date BETWEEN ? AND ? GROUP BY 1 HAVING sum(n) > 0
                      ORDER BY 2 DESC""",
        {"daily": daily},
        start,
        end,
    )
    if ranked.empty:
        empty(f"No statements of reasons match “{FOCUS[focus]}” between {start} and {end}.")
        st.stop()
    plats = multiselect(
        "Platforms",
        ranked.platform_name.tolist(),
        "platform",
        placeholder="the 6 largest",
        help="Platforms as named in the Transparency Database. Empty: the six "
        "with most statements in this selection.",
    )
    plats = plats or ranked.platform_name.head(6).tolist()

    ts = local(
        """SELECT strftime(date_trunc(?, date), '%Y-%m-%d') AS period, platform_name,
                         sum(n) AS statements, sum(det) AS auto_detected,
                         sum(dec) AS auto_decided, count(DISTINCT date) AS days
                  FROM daily WHERE date BETWEEN ? AND ? AND list_contains(?, platform_name)
                  GROUP BY ALL HAVING sum(n) > 0 ORDER BY period""",
        {"daily": daily},
        grain,
        start,
        end,
        plats,
    )
    ts["share_auto_detected"] = ts.auto_detected.fillna(0) / ts.statements
    ts["share_auto_decided"] = ts.auto_decided.fillna(0) / ts.statements
    disc = pd.DataFrame(DISCONTINUITIES, columns=["date", "label"])
    disc = disc[
        (pd.to_datetime(disc.date) >= pd.Timestamp(start))
        & (pd.to_datetime(disc.date) <= pd.Timestamp(end))
    ]
    marks = (
        [
            ch.rules(
                "disc",
                color="#6a1b9a",
                tooltip=[ch.tip("date", "temporal"), ch.tip("label", title="discontinuity")],
            ),
            ch.rule_labels("disc", color="#6a1b9a"),
        ]
        if not disc.empty
        else []
    )
    base = {"disc": disc} if not disc.empty else {}
    tips = [
        ch.tip("platform_name", title="platform"),
        ch.tip("period", "temporal"),
        ch.tip("statements", "quantitative", fmt=","),
        ch.tip("days", title="days counted"),
        ch.tip("share_auto_detected", "quantitative", "automated detection", ".1%"),
        ch.tip("share_auto_decided", "quantitative", "fully automated decision", ".1%"),
    ]
    cols = [
        "period",
        "platform_name",
        "statements",
        "days",
        "share_auto_detected",
        "share_auto_decided",
    ]
    focus_text = md(FOCUS[focus])
    src = (
        "Source: European Commission, DSA Transparency Database daily aggregates "
        "(CC BY 4.0, doi:10.2906/134353607485211). Vintage: the aggregates as frozen each day; "
        f"this warehouse holds {md(str(lo))} to {md(str(hi))}."
    )

    st.subheader("Statements of reasons")
    ch.render(
        [
            ch.series_lines(
                "main",
                x="period",
                y="statements",
                color="platform_name",
                x_title=GRAIN[grain].lower() + " (start)",
                y_title="statements of reasons",
                tooltip=tips,
                x_format="%d %b %Y",
            ),
            *marks,
        ],
        {"main": ts[cols], **base},
        height=320,
        key="sor_counts",
    )
    st.caption(
        f"**Statements of reasons** ({focus_text}): moderation decisions a platform "
        f"submitted, counted by the day it submitted them (created\\_at), per "
        f"{GRAIN[grain].lower()[:-2] if grain == 'week' else 'day'}. Unit: statements. "
        f"{src} Purple lines: known discontinuities of the database. Weeks at the edges of "
        "the range may be partial (see days counted)."
    )

    st.subheader("Automated detection and decision")
    auto = ts.melt(
        id_vars=["period", "platform_name", "statements"],
        value_vars=["share_auto_detected", "share_auto_decided"],
        var_name="measure",
        value_name="share",
    )
    auto["measure"] = auto.measure.map(
        {
            "share_auto_detected": "detected by automated means",
            "share_auto_decided": "decided fully automatically",
        }
    )
    ch.render(
        [
            ch.layer(
                "main",
                {"type": "line", "point": False, "tooltip": True},
                x=ch.enc(
                    "period",
                    "temporal",
                    GRAIN[grain].lower() + " (start)",
                    axis={"format": "%d %b %Y"},
                ),
                y=ch.enc(
                    "share",
                    "quantitative",
                    "share of statements",
                    axis={"format": "%"},
                    scale={"domain": [0, 1]},
                ),
                color=ch.enc("platform_name", "nominal", "", legend={"orient": "bottom"}),
                strokeDash=ch.enc("measure", "nominal", "", legend={"orient": "bottom"}),
                tooltip=[
                    ch.tip("platform_name", title="platform"),
                    ch.tip("period", "temporal"),
                    ch.tip("measure"),
                    ch.tip("share", "quantitative", fmt=".1%"),
                    ch.tip("statements", "quantitative", fmt=","),
                ],
            ),
            *marks,
        ],
        {"main": auto, **base},
        height=300,
        key="sor_auto",
    )
    st.caption(
        f"**Share automated** ({focus_text}): statements whose content was detected by "
        "automated means (automated\\_detection = Yes), and statements whose decision was "
        "taken fully automatically (automated\\_decision = AUTOMATED\\_DECISION\\_FULLY), "
        f"as shares of all statements. Unit: share (0–1). {src} Google Play's "
        "automated\\_detection was inverted for part of Sep 2023 – May 2026."
    )

    st.subheader("Visibility decisions")
    vis = local(
        """SELECT platform_name, coalesce(nullif(decision, ''),
                                  '(no visibility restriction)') AS decision,
                          sum(n) AS statements
                   FROM (SELECT platform_name, n,
                                unnest(string_split(decision_visibility, ',')) AS decision
                         FROM weekly WHERE week + 6 >= ? AND week <= ?
                           AND list_contains(?, platform_name))
                   GROUP BY ALL HAVING sum(n) > 0""",
        {"weekly": qa(WEEKLY_VISIBILITY, codes)},
        start,
        end,
        plats,
    )
    vis["decision"] = (
        vis.decision.str.replace("DECISION_VISIBILITY_", "", regex=False)
        .str.replace("_", " ")
        .str.lower()
    )
    ch.render(
        [
            ch.layer(
                "main",
                {"type": "bar", "tooltip": True},
                y=ch.enc("platform_name", "nominal", ""),
                x=ch.enc(
                    "statements",
                    "quantitative",
                    "share of decisions",
                    stack="normalize",
                    axis={"format": "%"},
                ),
                color=ch.enc(
                    "decision",
                    "nominal",
                    "visibility decision",
                    legend={"orient": "bottom", "columns": 3},
                ),
                tooltip=[
                    ch.tip("platform_name", title="platform"),
                    ch.tip("decision"),
                    ch.tip("statements", "quantitative", fmt=","),
                ],
            )
        ],
        {"main": vis},
        height=max(120, 34 * vis.platform_name.nunique()),
        key="sor_vis",
    )
    st.caption(
        f"**Visibility decisions** ({focus_text}): how the content was restricted "
        "(decision\\_visibility; one statement can carry several decisions, each counted), "
        f"in the weeks from {md(str(start))} to {md(str(end))}. Unit: share of decisions. "
        f"{src}"
    )

    st.subheader("Known discontinuities")
    st.dataframe(
        pd.DataFrame(DISCONTINUITIES, columns=["date", "what changed"]),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Dates from the Transparency Database announcements. Before 2025-07-01 statements "
        "use the v1 category and keyword lists; the protection-of-minors category and the "
        "CSAM keyword exist in both."
    )
