"""DSA statements of reasons: per platform and day or week, protection of minors and the CSAM
keyword, the share decided or detected by automated means, visibility and account decisions, rates
per million EU recipients, with the known discontinuities marked; the Commission's own daily
counts reconciled with the dumps; and each very large platform's statements beside its own
harmonised report.

Two tables can feed the page: ``sor_platform_daily`` (summary statistics of the whole
Transparency Database per platform and day, built in from the embedded default) and ``sor_daily``
(what ``transparency sor ingest`` read from daily dumps). Where both are present a switch chooses,
and the page says which one it shows.
"""

import pandas as pd
import streamlit as st

import charts as ch
from data import (
    has,
    local,
    q,
    qa,
    require_warehouse,
    series_name,
    sor_amar,
    sor_decisions,
    sor_platform_rollup,
    sor_service_platforms,
    sor_span,
    sor_tables,
)
from ui import chart_data, date_range, empty, md, multiselect, radio

FOCUS = {
    "minors": "Protection of minors (category)",
    "csam": "CSAM (keyword, incl. deepfake CSAM)",
    "all": "All statements",
}
GRAIN = {"week": "Weekly", "day": "Daily"}
MEASURE = {"count": "Statements", "rate": "Per million EU recipients"}
DATA = {
    "summary": "Whole database, per platform and day (summary statistics)",
    "ingest": "Dumps ingested here (transparency sor ingest)",
}
MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
CSAM = "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"  # also matches ..._DEEPFAKE
YES = "lower(CAST(automated_detection AS VARCHAR)) IN ('yes', 'true', '1')"
FULLY = "automated_decision = 'AUTOMATED_DECISION_FULLY'"
DISC_COLOR = "#6a1b9a"

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
# Periods rather than days: the Commission de-duplicated the database and regenerated the dumps
# of the affected days over May and June 2024.
LABELLED = ("2024-05-22", "2025-07-01")  # written on the charts; the other rules on hover
DISCONTINUITY_BANDS = [("2024-05-01", "2024-06-30", "Commission de-duplication (May–June 2024)")]
SUMMARY_SOURCES = ["dsa_tdb_summary"]
INGEST_SOURCES = ["dsa_tdb_aggregates", "dsa_tdb_dumps"]
# the dumps `transparency sor ingest` reads (their sources may not be declared in this warehouse)
INGEST_URLS = ["https://transparency.dsa.ec.europa.eu/explore-data/download"]


def choose_platforms(ranked: list[str], named_in: str) -> list[str]:
    """The platforms a visitor picks, or the six with most statements (``ranked`` is largest
    first)."""
    picked = multiselect(
        "Platforms",
        ranked,
        "platform",
        placeholder="the 6 largest",
        help=f"Platforms as named in {named_in}. Empty: the six with most statements in this "
        "selection.",
    )
    return picked or ranked[:6]


def automation_shares(ts: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """The two automation shares of ``ts`` as one long column ``share`` with a ``measure``."""
    auto = ts.melt(
        id_vars=keep,
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
    return auto


def platform_colours(names) -> dict:
    """One colour per platform, as on every other page: each printed name (TikTok, Google Play)
    takes the colour of the platform it belongs to (its services shaded), names not mapped to a
    platform a stable colour of their own."""
    of = sor_service_platforms()
    return ch.colour_scale({n: of.get(n) or str(n).lower() for n in dict.fromkeys(names)})


def share_lines(
    data: str,
    *,
    series: str,
    x_title: str,
    y_title: str,
    colours: dict,
    x_axis: dict,
    tooltip: list,
) -> dict:
    """Shares (0–1) per platform, solid for automated detection and dashed for fully automated
    decisions: the colour legend below the plot (wraps on a phone), the dash legend above it."""
    spec = ch.series_lines(
        data,
        x="period",
        y="share",
        color=series,
        dash="measure",
        x_title=x_title,
        y_title=y_title,
        tooltip=tooltip,
        colours=colours,
        x_axis=x_axis,
    )
    spec["mark"] = {"type": "line", "point": False, "tooltip": True}
    spec["encoding"]["y"].update(axis={"format": "%"}, scale={"domain": [0, 1]})
    # the dash legend above the plot: one entry a line on a phone (side by side it would be
    # wider than the chart and squeeze the plot), the labels in full
    spec["encoding"]["strokeDash"]["legend"].update(
        columns={"expr": "width < 440 ? 1 : 2"}, labelLimit=300
    )
    return spec


def decision_legend(title: str) -> dict:
    """The legend of a decision bar chart: below it, one column on a narrow chart."""
    return {**ch.LEGEND, "title": title}


def discontinuity_marks(start, end) -> tuple[list, dict]:
    """Rules (and bands) for the known discontinuities inside ``start``..``end``."""
    disc = pd.DataFrame(DISCONTINUITIES, columns=["date", "label"])
    disc = disc[
        (pd.to_datetime(disc.date) >= pd.Timestamp(start))
        & (pd.to_datetime(disc.date) <= pd.Timestamp(end))
    ]
    band = pd.DataFrame(DISCONTINUITY_BANDS, columns=["start", "end", "label"])
    band = band[
        (pd.to_datetime(band.end) >= pd.Timestamp(start))
        & (pd.to_datetime(band.start) <= pd.Timestamp(end))
    ]
    marks, data = [], {}
    if not band.empty:
        band = band.assign(
            start=band.start.clip(lower=str(start)), end=band.end.clip(upper=str(end))
        )
        marks.append(
            ch.layer(
                "band",
                {"type": "rect", "color": DISC_COLOR, "opacity": 0.08},
                x=ch.enc("start", "temporal"),
                x2={"field": "end"},
                tooltip=[ch.tip("label", title="discontinuity")],
            )
        )
        data["band"] = band
    if not disc.empty:
        marks.append(
            ch.rules(
                "disc",
                color=DISC_COLOR,
                tooltip=[ch.tip("date", "temporal"), ch.tip("label", title="discontinuity")],
            )
        )
        data["disc"] = disc
        # only the major breaks are written on the chart (the others: hover the rule)
        key = disc[disc.date.isin(LABELLED)]
        if not key.empty:
            marks.extend(rule_labels())
            mid = pd.Timestamp(start) + (pd.Timestamp(end) - pd.Timestamp(start)) / 2
            data["disc_key"] = key.assign(right=pd.to_datetime(key.date) > mid, row=range(len(key)))
    return marks, data


def rule_labels() -> list:
    """The labels of the major breaks, inside the plot: right of their rule in the left half of
    the chart, left of it in the right half, each on its own line (on a phone two labels may
    reach across each other), cut to the room there is (full text on hover)."""
    text = {
        "type": "text",
        "baseline": "top",
        "y": {"expr": "2 + 12 * datum.row"},
        "fontSize": 10,
        "color": DISC_COLOR,
        "limit": {"expr": "max(70, min(300, width * 0.4))"},
    }
    out = []
    for right in (False, True):
        out.append(
            ch.layer(
                "disc_key",
                {**text, "align": "right" if right else "left", "dx": -3 if right else 3},
                transform=[{"filter": "datum.right" if right else "!datum.right"}],
                x=ch.enc("date", "temporal"),
                text=ch.enc("label", "nominal"),
                tooltip=[ch.tip("date", "temporal"), ch.tip("label", title="discontinuity")],
            )
        )
    return out


def ingest_view() -> None:
    """Counts from ``sor_daily`` (the dumps read by ``transparency sor ingest``)."""
    span = q("SELECT min(date) AS lo, max(date) AS hi, count(*) AS n FROM sor_daily").iloc[0]
    if not span.n or pd.isna(span.lo):
        empty("The DSA statement-of-reasons table is empty: no daily aggregate has been built in.")
        return
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
        return
    plats = choose_platforms(ranked.platform_name.tolist(), "the Transparency Database")

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
    marks, base = discontinuity_marks(start, end)
    colours = platform_colours(plats)
    x_axis = ch.time_axis([start, end])
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
                colours=colours,
                x_axis=x_axis,
            ),
            *marks,
        ],
        {"main": ts[cols], **base},
        height=320,
        key="sor_counts",
    )
    chart_data(
        ts[cols],
        name=f"dsa-statements-{focus}-{grain}",
        dataset=f"DSA statements of reasons ({FOCUS[focus]}), per {grain}",
        source_ids=INGEST_SOURCES,
        urls=INGEST_URLS,
        filters={"focus": focus, "from": str(start), "to": str(end), "platforms": plats},
        key="dl_sor_counts",
    )
    st.caption(
        f"**Statements of reasons** ({focus_text}): moderation decisions a platform "
        f"submitted, counted by the day it submitted them (created\\_at), per "
        f"{GRAIN[grain].lower()[:-2] if grain == 'week' else 'day'}. Unit: statements. "
        f"{src} Purple lines: known discontinuities of the database. Weeks at the edges of "
        "the range may be partial (see days counted)."
    )

    st.subheader("Automated detection and decision")
    auto = automation_shares(ts, ["period", "platform_name", "statements"])
    ch.render(
        [
            share_lines(
                "main",
                series="platform_name",
                x_title=GRAIN[grain].lower() + " (start)",
                y_title="share of statements",
                colours=colours,
                x_axis=x_axis,
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
    chart_data(
        auto,
        name=f"dsa-automated-{focus}-{grain}",
        dataset=f"DSA statements of reasons ({FOCUS[focus]}): shares automated, per {grain}",
        source_ids=INGEST_SOURCES,
        urls=INGEST_URLS,
        filters={"focus": focus, "from": str(start), "to": str(end), "platforms": plats},
        key="dl_sor_auto",
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
                    legend=decision_legend("visibility decision"),
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
    chart_data(
        vis,
        name=f"dsa-visibility-{focus}",
        dataset=f"DSA statements of reasons ({FOCUS[focus]}): visibility decisions",
        source_ids=INGEST_SOURCES,
        urls=INGEST_URLS,
        filters={"focus": focus, "from": str(start), "to": str(end), "platforms": plats},
        key="dl_sor_vis",
    )
    st.caption(
        f"**Visibility decisions** ({focus_text}): how the content was restricted "
        "(decision\\_visibility; one statement can carry several decisions, each counted), "
        f"in the weeks from {md(str(start))} to {md(str(end))}. Unit: share of decisions. "
        f"{src}"
    )


def summary_view() -> None:
    """Counts from ``sor_platform_daily`` (the whole database, per platform and day)."""
    lo, hi = sor_span()
    a, b, c = st.columns([2, 1, 1])
    with a:
        focus = radio("Statements", list(FOCUS), "focus", default="minors", format_func=FOCUS.get)
    with b:
        grain = radio("Counts per", list(GRAIN), "grain", default="week", format_func=GRAIN.get)
    with c:
        measure = radio(
            "Measure", list(MEASURE), "measure", default="count", format_func=MEASURE.get
        )
    start, end = date_range("Dates", lo, hi, "date")
    daily = sor_platform_rollup(focus)
    ranked = local(
        """SELECT service, sum(n) AS n FROM daily WHERE date BETWEEN ? AND ?
           GROUP BY 1 HAVING sum(n) > 0 ORDER BY 2 DESC, 1""",
        {"daily": daily},
        start,
        end,
    )
    if ranked.empty:
        empty(f"No statements of reasons match “{FOCUS[focus]}” between {start} and {end}.")
        return
    plats = choose_platforms(ranked.service.tolist(), "the statements of reasons")
    amar = sor_amar()
    ts = local(
        """SELECT strftime(date_trunc(?, d.date), '%Y-%m-%d') AS period, d.service,
                  sum(d.n) AS statements, sum(d.total) AS all_statements,
                  sum(d.det) AS auto_detected, sum(d.dec) AS auto_decided,
                  count(DISTINCT d.date) AS days_counted,
                  sum(d.n) / any_value(a.amar) * 1e6 AS per_million,
                  any_value(a.amar) AS amar
           FROM daily d LEFT JOIN amar a USING (service)
           WHERE d.date BETWEEN ? AND ? AND list_contains(?, d.service)
           GROUP BY ALL HAVING sum(d.total) > 0 ORDER BY period, d.service""",
        {"daily": daily, "amar": amar},
        grain,
        start,
        end,
        plats,
    )
    ts["share_auto_detected"] = ts.auto_detected.fillna(0) / ts.all_statements
    ts["share_auto_decided"] = ts.auto_decided.fillna(0) / ts.all_statements
    marks, base = discontinuity_marks(start, end)
    colours = platform_colours(plats)
    x_axis = ch.time_axis([start, end])
    focus_text = md(FOCUS[focus])
    src = (
        "Source: European Commission, DSA Transparency Database (CC BY 4.0), summary statistics "
        "per platform and day computed from the official daily dumps by shantay 0.6.0 (Robert "
        f"Grimm); this warehouse holds {md(str(lo))} to {md(str(hi))}."
    )
    unit = "statements of reasons"
    y, y_title = "statements", unit
    shown = ts
    missing_amar: list[str] = []
    if measure == "rate":
        missing_amar = sorted(set(ts.service[ts.amar.isna()]))
        shown = ts[ts.amar.notna()]
        y, y_title = "per_million", "statements per million EU recipients"
    tips = [
        ch.tip("service", title="platform"),
        ch.tip("period", "temporal"),
        ch.tip("statements", "quantitative", fmt=","),
        ch.tip("per_million", "quantitative", "per million EU recipients", ",.2f"),
        ch.tip("days_counted", title="days counted"),
    ]
    cols = ["period", "service", "statements", "per_million", "days_counted"]
    st.subheader("Statements of reasons")
    if shown.empty:
        empty(
            "No harmonised report in this warehouse gives the EU recipients (AMAR) of "
            f"{', '.join(missing_amar) or 'these platforms'}: choose “Statements”."
        )
    else:
        ch.render(
            [
                ch.series_lines(
                    "main",
                    x="period",
                    y=y,
                    color="service",
                    x_title=GRAIN[grain].lower() + " (start)",
                    y_title=y_title,
                    tooltip=tips,
                    colours=colours,
                    x_axis=x_axis,
                ),
                *marks,
            ],
            {"main": shown[cols], **base},
            height=320,
            key="sor_pd_counts",
        )
        chart_data(
            shown[cols],
            name=f"dsa-statements-{focus}-{grain}-{measure}",
            dataset=f"DSA statements of reasons ({FOCUS[focus]}), per {grain}: {MEASURE[measure]}",
            source_ids=SUMMARY_SOURCES + (["dsa_harmonised_reports"] if measure == "rate" else []),
            urls=amar.url.tolist() if measure == "rate" and "url" in amar else [],
            filters={"focus": focus, "from": str(start), "to": str(end), "platforms": plats},
            key="dl_sor_pd_counts",
        )
    named = ranked.set_index("service").n
    st.caption(
        md(
            f"Platforms shown ({FOCUS[focus].lower()}, {start} to {end}): "
            + "; ".join(f"{p} {int(named.get(p, 0)):,}" for p in plats)
            + f". {len(ranked)} platforms have such statements in this range."
        )
    )
    per = "week" if grain == "week" else "day"
    rate_text = ""
    if measure == "rate":
        used = amar[amar.service.isin(plats)] if hasattr(amar, "service") else amar
        rate_text = (
            " Per million EU recipients: statements divided by the average monthly active "
            "recipients in the EU (AMAR) of the platform's latest harmonised DSA report ("
            + "; ".join(
                f"{md(r.service)} {r.amar:,.0f} for {md(str(r.period_start)[:10])} to "
                f"{md(str(r.period_end)[:10])}"
                for r in used.itertuples()
            )
            + "), the same figure for every period."
        )
        if missing_amar:
            rate_text += f" Not shown, no AMAR: {md(', '.join(missing_amar))}."
    st.caption(
        f"**Statements of reasons** ({focus_text}): moderation decisions the platform "
        f"submitted to the Transparency Database, counted by the day of the dump, per {per}. "
        f"Unit: statements.{rate_text} {src} Purple: known discontinuities of the database "
        "(the shaded band is the Commission's de-duplication of May–June 2024; 2025-07-01 the "
        "schema change). Weeks at the edges of the range may be partial (see days counted)."
    )

    st.subheader("Automated detection and decision")
    auto = automation_shares(ts, ["period", "service", "all_statements"])
    ch.render(
        [
            share_lines(
                "main",
                series="service",
                x_title=per + " (start)",
                y_title="share of all the platform's statements",
                colours=colours,
                x_axis=x_axis,
                tooltip=[
                    ch.tip("service", title="platform"),
                    ch.tip("period", "temporal"),
                    ch.tip("measure"),
                    ch.tip("share", "quantitative", fmt=".1%"),
                    ch.tip("all_statements", "quantitative", "all statements", ","),
                ],
            ),
            *marks,
        ],
        {"main": auto, **base},
        height=280,
        key="sor_pd_auto",
    )
    chart_data(
        auto,
        name=f"dsa-automated-{grain}",
        dataset=f"DSA statements of reasons: shares automated of all statements, per {grain}",
        source_ids=SUMMARY_SOURCES,
        filters={"from": str(start), "to": str(end), "platforms": plats},
        key="dl_sor_pd_auto",
    )
    st.caption(
        "**Share automated**: statements whose content was detected by automated means "
        "(automated\\_detection = Yes) and statements decided fully automatically "
        "(automated\\_decision = AUTOMATED\\_DECISION\\_FULLY), as shares of **all** the "
        "platform's statements of that period: the summary statistics count each field per "
        f"platform and day, not per category, so this share is not restricted to {focus_text}. "
        f"Unit: share (0–1). {src} Google Play's automated\\_detection was inverted for part of "
        "Sep 2023 – May 2026."
    )

    st.subheader("Visibility and account decisions")
    dec = local(
        """SELECT service, field, coalesce(code, '') AS code, sum(n) AS statements
           FROM decisions WHERE week + 6 >= ? AND week <= ? AND list_contains(?, service)
           GROUP BY ALL""",
        {"decisions": sor_decisions()},
        start,
        end,
        plats,
    )
    totals = ts.groupby("service").all_statements.sum()
    dec["share"] = dec.statements / dec.service.map(totals)
    none = {
        "decision_visibility": "(no visibility restriction)",
        "decision_account": "(no account restriction)",
    }
    dec["decision"] = [
        none[f]
        if not c
        else c.replace("DECISION_VISIBILITY_", "")
        .replace("DECISION_ACCOUNT_", "")
        .replace("_", " ")
        .lower()
        for f, c in zip(dec.field, dec.code, strict=True)
    ]
    left, right = st.columns(2)
    for col, field, title in (
        (left, "decision_visibility", "visibility decision"),
        (right, "decision_account", "account decision"),
    ):
        part = dec[dec.field == field]
        with col:
            if part.empty:
                empty(f"No {title}s recorded for these platforms and dates.")
                continue
            ch.render(
                [
                    ch.layer(
                        "main",
                        {"type": "bar", "tooltip": True},
                        y=ch.enc("service", "nominal", ""),
                        x=ch.enc(
                            "statements",
                            "quantitative",
                            "share of decisions",
                            stack="normalize",
                            axis={"format": "%"},
                        ),
                        color=ch.enc("decision", "nominal", title, legend=decision_legend(title)),
                        tooltip=[
                            ch.tip("service", title="platform"),
                            ch.tip("decision"),
                            ch.tip("statements", "quantitative", fmt=","),
                            ch.tip("share", "quantitative", "share of statements", ".1%"),
                        ],
                    )
                ],
                {"main": part},
                height=max(120, 30 * part.service.nunique()),
                key=f"sor_pd_{field}",
            )
            chart_data(
                part[["service", "decision", "statements", "share"]],
                name=f"dsa-{field.replace('_', '-')}",
                dataset=f"DSA statements of reasons: {title}s",
                source_ids=SUMMARY_SOURCES,
                filters={"from": str(start), "to": str(end), "platforms": plats},
                key=f"dl_sor_pd_{field}",
            )
    st.caption(
        "**Visibility and account decisions**: how all the platform's statements restricted "
        "content (decision\\_visibility; one statement can carry several, each counted) and "
        f"accounts (decision\\_account), in the weeks from {md(str(start))} to {md(str(end))}. "
        f"Unit: share of decisions. {src}"
    )


def reconciliation_panel() -> None:
    """The Commission's count per day beside the statements in that day's dump."""
    st.subheader("Official daily counts vs the dumps")
    rec = q(
        """SELECT date, official_statements, dump_statements, difference, relative_difference,
                  downloader_rows, official_source_url, dump_source_url
           FROM sor_reconciliation WHERE dump_statements IS NOT NULL ORDER BY date"""
    )
    if rec.empty:
        empty(
            "No day has both an official count (source dsa_tdb_daily_counts) and statements "
            "per platform and day (source dsa_tdb_summary)."
        )
        return
    differ = rec[rec.difference != 0]
    a, b, c = st.columns(3)
    a.metric("Days with both counts", f"{len(rec):,}")
    b.metric("Days that differ", f"{len(differ):,}")
    c.metric("Net difference", f"{int(rec.difference.sum()):+,}")
    marks, base = discontinuity_marks(rec.date.min(), rec.date.max())
    ch.render(
        [
            ch.layer(
                "main",
                {"type": "bar", "tooltip": True, "width": {"band": 1}},
                x=ch.enc("date", "temporal", "day", axis=ch.time_axis(rec.date)),
                y=ch.enc("difference", "quantitative", "dump minus official count"),
                color={
                    "condition": {"test": "datum.difference < 0", "value": "#c62828"},
                    "value": "#1565c0",
                },
                tooltip=[
                    ch.tip("date", "temporal"),
                    ch.tip("official_statements", "quantitative", "official count", ","),
                    ch.tip("dump_statements", "quantitative", "in the dump", ","),
                    ch.tip("difference", "quantitative", fmt="+,"),
                    ch.tip("relative_difference", "quantitative", "relative", "+.3%"),
                ],
            ),
            *marks,
        ],
        {
            "main": rec[
                [
                    "date",
                    "official_statements",
                    "dump_statements",
                    "difference",
                    "relative_difference",
                ]
            ],
            **base,
        },
        height=220,
        key="sor_reconciliation",
    )
    chart_data(
        rec,
        name="dsa-official-vs-dumps",
        dataset="DSA Transparency Database: official daily counts vs the dumps",
        source_ids=["dsa_tdb_daily_counts", "dsa_tdb_summary"],
        urls=[*rec.official_source_url.head(1), *rec.dump_source_url.head(1)],
        key="dl_sor_reconciliation",
    )
    st.caption(
        "**Reconciliation**: for each day, the number of statements the Commission's download "
        "page prints for the global dump (source: transparency.dsa.ec.europa.eu/explore-data/"
        "download, as recorded by transparency-in-content-moderation/eu-dsa-transparency-db-sor-"
        "data-downloader) against the statements the summary statistics count in that day's "
        f"dump (shantay 0.6.0). {len(differ):,} of {len(rec):,} days differ: the dumps were "
        "regenerated after the Commission's de-duplication of May–June 2024, and a day's dump "
        "is cut by statement ids, not exactly by day. Each differing day is also a finding of "
        "the build (check sor\\_official\\_count)."
    )
    with st.expander(f"The {min(len(differ), 50)} largest differences"):
        top = differ.reindex(differ.difference.abs().sort_values(ascending=False).index).head(50)
        st.dataframe(
            top.drop(columns=["official_source_url", "dump_source_url"]),
            hide_index=True,
            width="stretch",
            column_config={"relative_difference": st.column_config.NumberColumn(format="%.4f")},
        )


def crosscheck_panel() -> None:
    """Each very large platform's statements of a half-year beside its own harmonised report."""
    st.subheader("Statements of reasons vs the platform's own DSA report")
    cc = q(
        """SELECT platform, service, strftime(period_start, '%Y-%m-%d') || ' to ' ||
                  strftime(period_end, '%Y-%m-%d') AS period, measure, report_value,
                  sor_statements, ratio, sor_days, period_days, sor_names, report_metrics,
                  report_source_url, sor_source_url
           FROM sor_report_crosscheck ORDER BY platform, service, period, measure"""
    )
    if cc.empty:
        empty("No harmonised DSA report in this warehouse to set beside the statements of reasons.")
        return
    # platforms and services by name, as on every other page (the ids stay in the download)
    named = cc.assign(
        service=[series_name(p, v) for p, v in zip(cc.platform, cc.service, strict=True)]
    ).drop(columns="platform")
    both = cc[cc.sor_statements.notna()]
    st.dataframe(
        named.loc[both.index] if not both.empty else named,
        hide_index=True,
        width="stretch",
        column_config={
            "report_value": st.column_config.NumberColumn("in its report", format="localized"),
            "sor_statements": st.column_config.NumberColumn(
                "statements of reasons", format="localized"
            ),
            "ratio": st.column_config.NumberColumn("ratio (SoR / report)", format="%.3f"),
            "service": "platform / service",
            "sor_days": "days with statements",
            "period_days": "days in period",
            "sor_names": "name in the statements",
            "report_source_url": st.column_config.LinkColumn("report source"),
            "sor_source_url": st.column_config.LinkColumn("statements source"),
        },
    )
    chart_data(
        both if not both.empty else cc,
        name="dsa-statements-vs-reports",
        dataset="DSA statements of reasons vs the platforms' own DSA reports",
        source_ids=["dsa_tdb_summary", "dsa_harmonised_reports"],
        urls=[*cc.report_source_url.dropna().unique()[:20]],
        key="dl_sor_crosscheck",
    )
    st.caption(
        "**Cross-check**: per very large platform and half-year, the statements of reasons it "
        "submitted against the figures of its own harmonised DSA transparency report for the "
        "same period (EU). Own-initiative decisions: Annex I tables 5 and 6 (measures taken on "
        "the provider's own initiative) against statements with source\\_type "
        "SOURCE\\_VOLUNTARY; notices acted on: table 4 (actions taken under the law and under "
        "the terms and conditions) against statements with source\\_type SOURCE\\_ARTICLE\\_16 "
        "or SOURCE\\_TRUSTED\\_FLAGGER. A ratio far from 1 means the two official records of the "
        "same decisions disagree (or count them differently: one statement may cover several "
        "items, a report may count items). Fewer days with statements than days in the period "
        f"means days missing from the summary statistics. {len(cc) - len(both)} report "
        "figure(s) have no statements of reasons under a matching name (not shown)."
    )


st.title("DSA statements of reasons")
st.caption(
    "Under the EU Digital Services Act, online platforms submit a statement of reasons for "
    "each moderation decision to the Commission's Transparency Database "
    "(transparency.dsa.ec.europa.eu, CC BY 4.0)."
)
if require_warehouse():
    tables = sor_tables()
    if not tables:
        empty(
            "This warehouse has no DSA statements of reasons: neither per platform and day "
            "(table sor_platform_daily, built in from the embedded default) nor from ingested "
            "dumps (table sor_daily, `transparency sor ingest`)."
        )
        st.stop()
    if len(tables) > 1:
        data = radio("Data", tables, "data", default="summary", format_func=DATA.get)
    else:
        data = tables[0]
    other = [t for t in tables if t != data]
    table_of = {"summary": "sor\\_platform\\_daily", "ingest": "sor\\_daily"}
    note = f"Shown: **{md(DATA[data])}** (table {table_of[data]})."
    if other:
        note += (
            f" This warehouse also holds {md(DATA[other[0]].lower())} (table "
            f"{table_of[other[0]]}): switch above."
        )
    st.caption(note)
    if data == "summary":
        summary_view()
    else:
        ingest_view()
    if has("sor_reconciliation"):
        reconciliation_panel()
    if has("sor_report_crosscheck"):
        crosscheck_panel()

    st.subheader("Known discontinuities")
    st.dataframe(
        pd.DataFrame(
            DISCONTINUITIES + [(s, lbl) for s, _, lbl in DISCONTINUITY_BANDS],
            columns=["date", "what changed"],
        ).sort_values("date"),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Dates from the Transparency Database announcements. Before 2025-07-01 statements "
        "use the v1 category and keyword lists; the protection-of-minors category and the "
        "CSAM keyword exist in both."
    )
