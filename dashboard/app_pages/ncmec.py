"""NCMEC cross-check: the CyberTipline reports a platform says it made beside the reports NCMEC
says it received from that platform, per year (warehouse view ``cybertipline_crosscheck``)."""

import pandas as pd
import streamlit as st

import charts as ch
from data import has, own_sources, platform_names, q, require_warehouse, series_names
from ui import caption_text, chart_data, empty, md, multiselect, toggle


def _table(rows: pd.DataFrame) -> None:
    table = rows[
        [
            "series",
            "year",
            "self_reported",
            "ncmec_received",
            "difference",
            "ratio",
            "self_source_url",
            "ncmec_source_url",
        ]
    ]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "series": "platform",
            "year": st.column_config.NumberColumn(format="%d"),
            "self_reported": st.column_config.NumberColumn("self-reported", format="%,d"),
            "ncmec_received": st.column_config.NumberColumn("NCMEC received", format="%,d"),
            "difference": st.column_config.NumberColumn("self − NCMEC", format="%+,d"),
            "ratio": st.column_config.NumberColumn("self ÷ NCMEC", format="%.3f"),
            "self_source_url": st.column_config.LinkColumn("platform source"),
            "ncmec_source_url": st.column_config.LinkColumn("NCMEC source"),
        },
    )


def _without_own_figure(df: pd.DataFrame) -> None:
    """The largest reporters to NCMEC that the cross-check cannot check, and why."""
    got = set(df.loc[df.self_reported.notna(), "platform"])
    top = q("""WITH y AS (SELECT max(year(period_start)) AS y FROM current_observations
                         WHERE metric = 'cybertipline_reports_received' AND value IS NOT NULL),
                    per AS (
                        SELECT o.platform, o.source_id, sum(o.value) AS received
                        FROM current_observations o CROSS JOIN y
                        LEFT JOIN platforms pl ON pl.platform_id = o.platform
                        WHERE o.metric = 'cybertipline_reports_received' AND o.value IS NOT NULL
                          -- totals the publisher counts itself (same web site) and entries the
                          -- registry marks as not a platform are not reporters to check
                          AND coalesce(regexp_extract(pl.homepage, '//([^/]+)', 1), '') NOT IN (
                              SELECT regexp_extract(s2.homepage, '//([^/]+)', 1)
                              FROM sources s2 WHERE s2.source_id IN (
                                  SELECT DISTINCT source_id FROM current_observations
                                  WHERE metric = 'cybertipline_reports_received'))
                          AND coalesce(pl.company, '') NOT ILIKE '%not a platform%'
                          AND year(o.period_start) = y.y AND o.scope = 'global'
                          AND date_diff('day', o.period_start, o.period_end) > 300
                        GROUP BY ALL)
               SELECT platform, max(received) AS received, any_value(y.y) AS year
               FROM per, y GROUP BY platform ORDER BY received DESC LIMIT 15""")
    missing = top[~top.platform.isin(got)]
    if missing.empty:
        return
    names = platform_names()
    st.markdown("**Large reporters not in the cross-check**")
    st.markdown(
        "\n".join(
            f"- {md(names.get(r.platform, r.platform))}: {int(r.received):,} reports received "
            f"by NCMEC in {int(r.year)}; "
            + (
                "its own reports give no calendar-year CyberTipline count in this warehouse "
                "(none, or only parts of a year)."
                if r.platform in own_sources().values() or r.platform in set(df.platform)
                else "no report of its own with a CyberTipline count is among the sources."
            )
            for r in missing.itertuples()
        )
    )


st.title("NCMEC cross-check")
st.caption(
    "Platforms that report to the US National Center for Missing & Exploited Children "
    "(NCMEC) often publish how many CyberTipline reports they sent; NCMEC publishes how many "
    "it received from each electronic service provider. The two should be close."
)
if require_warehouse():
    if not has("cybertipline_crosscheck"):
        empty(
            "This warehouse has no cross-check view (cybertipline_crosscheck): it was built "
            "without the NCMEC per-provider source and the platforms' own NCMEC counts."
        )
        st.stop()
    df = q("""SELECT platform, service, year, self_reported, ncmec_received, ratio,
                     self_source_url, ncmec_source_url
              FROM cybertipline_crosscheck ORDER BY platform, service, year""")
    if df.empty:
        empty(
            "The cross-check is empty: no platform in this warehouse publishes its own "
            "CyberTipline count for a whole calendar year (one year, or halves, quarters or "
            "months that cover it), so there is nothing to set beside NCMEC's per-provider "
            "counts. Platform figures for parts of a year are on the Platform profile page."
        )
        st.stop()
    names = platform_names()
    df["series"] = series_names(df.platform, df.service)
    df["difference"] = df.self_reported - df.ncmec_received
    a, b = st.columns([2, 1])
    with a:
        plats = multiselect(
            "Platform",
            sorted(df.platform.unique(), key=lambda p: names.get(p, p).lower()),
            "platform",
            format_func=lambda p: names.get(p, p),
            placeholder="all platforms",
        )
    years = sorted(int(y) for y in df.year.dropna().unique())
    with b:
        if len(years) > 1:
            lo, hi = st.select_slider(
                "Years",
                options=years,
                value=(years[0], years[-1]),
                key="years",
                bind="query-params",
            )
        else:
            lo = hi = years[0]
    f = df[(df.year >= lo) & (df.year <= hi)]
    if plats:
        f = f[f.platform.isin(plats)]
    if f.empty:
        empty("No cross-check rows for these platforms and years.")
        st.stop()
    # the view also lists years with only one of the two counts (a platform's own figure without
    # NCMEC's for that year, or NCMEC's count for a year or service the platform does not cover)
    both = f.self_reported.notna() & f.ncmec_received.notna()
    show_one_sided = toggle(
        "Include years with only one of the two counts",
        "one_sided",
        help="A platform's own figure for a year without NCMEC's count, or "
        "NCMEC's count for a year or service the platform's own "
        "reports do not cover.",
    )
    table_rows = f if show_one_sided else f[both]
    one_sided = int((~both).sum())
    f = f[both]
    if f.empty:
        empty(
            "No platform-year in this selection has both counts: the platforms' own figures "
            "and NCMEC's per-provider counts cover different years or services here."
        )
        if show_one_sided:
            _table(table_rows)
        st.stop()

    f = f.assign(year_label=f.year.astype(int).astype(str))
    tips = [
        ch.tip("series", title="platform"),
        ch.tip("year_label", title="year"),
        ch.tip("self_reported", "quantitative", "self-reported", ","),
        ch.tip("ncmec_received", "quantitative", "NCMEC received", ","),
        ch.tip("ratio", "quantitative", "self ÷ NCMEC", ".3f"),
    ]
    data = f[["series", "year_label", "self_reported", "ncmec_received", "ratio"]]
    colours = ch.colour_scale(dict(zip(f.series, f.platform, strict=True)))
    left, right = st.columns(2)
    with left:
        ch.render(
            [
                ch.layer(
                    "one",
                    {"type": "rule", "color": "grey", "strokeDash": [4, 3]},
                    y=ch.enc("y", "quantitative"),
                ),
                ch.layer(
                    "main",
                    {"type": "line", "point": True, "tooltip": True},
                    x=ch.enc("year_label", "ordinal", "year", axis={"labelAngle": 0}),
                    y=ch.enc(
                        "ratio",
                        "quantitative",
                        "self-reported ÷ NCMEC received (log scale)",
                        scale={"type": "log"},
                    ),
                    color=ch.enc("series", "nominal", "", legend=ch.LEGEND, scale=colours),
                    tooltip=tips,
                ),
            ],
            {"main": data, "one": pd.DataFrame({"y": [1.0]})},
            height=300,
            key="ncmec_ratio",
        )
    with right:
        lo_v = float(min(data.self_reported.min(), data.ncmec_received.min()))
        hi_v = float(max(data.self_reported.max(), data.ncmec_received.max()))
        ch.render(
            [
                ch.layer(
                    "diag",
                    {"type": "line", "color": "grey", "strokeDash": [4, 3]},
                    x=ch.enc("v", "quantitative"),
                    y=ch.enc("v", "quantitative"),
                ),
                ch.layer(
                    "main",
                    {"type": "point", "filled": True, "size": 80, "tooltip": True},
                    x=ch.enc(
                        "ncmec_received", "quantitative", "NCMEC received", scale={"type": "log"}
                    ),
                    y=ch.enc(
                        "self_reported", "quantitative", "self-reported", scale={"type": "log"}
                    ),
                    color=ch.enc("series", "nominal", "", legend=ch.LEGEND, scale=colours),
                    tooltip=tips,
                ),
            ],
            {"main": data, "diag": pd.DataFrame({"v": [max(lo_v, 1.0), hi_v]})},
            height=300,
            key="ncmec_scatter",
        )
    st.caption(
        caption_text(
            metric_ids=["cybertipline_reports", "cybertipline_reports_received"],
            note="Left: ratio per year on a log scale, so that 2x and ½x sit equally far "
            "from the dashed line of equal counts. Right: "
            "each platform-year, log scales (dashed diagonal = equal "
            "counts). Per calendar year. Self-reported counts come from "
            "each platform's own report; NCMEC counts from NCMEC's annual "
            "'CyberTipline reports by electronic service provider'. Source "
            "URLs of both are in the table. Vintage: the latest release of "
            "each in this warehouse.",
        )
        + " "
        + md(
            "NCMEC counts what arrives per reporting entity (it combines related "
            "companies, e.g. 'Facebook*'); platforms may count per service, per "
            "fiscal year or before de-duplication, so a ratio away from 1 is a "
            "question to ask, not proof of error."
        )
    )

    chart_data(
        data,
        name="ncmec-crosscheck",
        dataset="NCMEC cross-check: CyberTipline reports, self-reported and received by NCMEC",
        source_ids=sorted({"ncmec_reports_by_esp", *own_sources()}),
        urls=[*f.self_source_url.tolist(), *f.ncmec_source_url.tolist()],
        key="dl_ncmec",
    )
    _table(table_rows)
    _without_own_figure(df)
    if one_sided and not show_one_sided:
        st.caption(
            f"{one_sided} platform-year(s) of this selection have only one of the two "
            "counts and are not shown (switch on “Include years with only one of the two "
            "counts” above)."
        )
    far = f[(f.ratio < 0.9) | (f.ratio > 1.1)]
    if not far.empty:
        st.caption(
            md(
                f"{len(far)} platform-year(s) differ by more than 10%: "
                + ", ".join(
                    f"{s} {int(y)} ({r:.2f})"
                    for s, y, r in zip(far.series, far.year, far.ratio, strict=True)
                )
                + "."
            )
        )
