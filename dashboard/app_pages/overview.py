"""Overview: what the warehouse holds, newest releases, headline CSEA trends, newest regulator
actions and how fresh each source is."""

from datetime import date

import pandas as pd
import streamlit as st

import charts as ch
from data import (
    FEED_KINDS,
    NAMES_JOIN,
    SERIES_SQL,
    changes_feed,
    has,
    latest_figures,
    metric_label,
    platform_names,
    q,
    qa,
    require_warehouse,
    series_names,
)
from ui import blank, chart_caption, chart_data, dates, empty, fmt_amount_full, md, multiselect

FEED_SHOWN = 12


def _what_changed() -> None:
    """The newest entries of the changes feed each build writes (outside the warehouse)."""
    st.subheader("What changed")
    try:
        feed = changes_feed()
    except ValueError as exc:
        empty(
            f"The changes feed could not be read ({md(exc)}); the next `transparency build` "
            "rewrites it."
        )
        return
    if feed is None or feed.empty:
        empty(
            "No changes recorded yet: each `transparency build` lists what changed since the "
            "previous build (new releases, restated values, new regulator actions, reports "
            "that became overdue) in `feed/changes.json` of the data home, and that file is "
            + ("empty." if feed is not None else "not there yet.")
        )
        return
    present = [k for k in FEED_KINDS if k in set(feed.kind)]
    present += sorted(set(feed.kind) - set(FEED_KINDS) - {""})
    kinds = multiselect(
        "Kinds of change",
        present,
        "changes",
        format_func=lambda k: FEED_KINDS.get(k, k),
        placeholder="all kinds",
    )
    shown = feed[feed.kind.isin(kinds)] if kinds else feed
    counts = feed.kind.value_counts()
    st.caption(
        f"{len(feed):,} change(s) recorded, newest first: "
        + ", ".join(f"{int(counts[k]):,} {FEED_KINDS.get(k, k).lower()}" for k in present)
        + f". The {min(FEED_SHOWN, len(shown))} newest"
        + (" of the chosen kinds" if kinds else "")
        + " are shown; the whole list is "
        "`feed/changes.json` in the data home (and an Atom feed beside it)."
    )
    top = shown.head(FEED_SHOWN)
    st.dataframe(
        top.assign(kind=top.kind.map(lambda k: FEED_KINDS.get(k, k)))[
            ["updated", "kind", "title", "summary", "link"]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "updated": st.column_config.DatetimeColumn("recorded", format="YYYY-MM-DD HH:mm"),
            "link": st.column_config.LinkColumn("link"),
        },
    )


CHILD_SQL = "p.csea_family IN ('child_sexual_exploitation', 'csam')"


def _who_now() -> None:
    """Who is doing what now: each major platform's newest child-safety figures."""
    st.subheader("Who is doing what now")
    df = latest_figures()
    if df.empty:
        empty(
            "No platform's own report with child-safety figures is in this warehouse yet "
            "(sources with a platform column and a CSEA policy area)."
        )
        return
    names = platform_names()
    labels = {m: metric_label(m) for m in set(df.metric)}
    df["platform_name"] = [names.get(p, p) for p in df.platform]
    df["series"] = series_names(df.platform, df.service)
    df["metric_label"] = [labels.get(m, m) for m in df.metric]
    df["change"] = [
        f"{(v - pv) / pv:+.0%} on {pp}" if pd.notna(pv) and pv else "—"
        for v, pv, pp in zip(df.value, df.prev_value, df.prev_period, strict=True)
    ]
    table = df[
        [
            "platform_name",
            "metric_label",
            "value",
            "period_label",
            "change",
            "series",
            "raw_policy_label",
            "data_through",
            "last_report",
            "source_id",
        ]
    ].sort_values(["platform_name", "metric_label"])
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "platform_name": "platform",
            "metric_label": "metric",
            "value": st.column_config.NumberColumn("latest figure", format="%,d"),
            "period_label": "period",
            "change": "change on the previous period of the same length",
            "series": "service",
            "raw_policy_label": "policy as printed",
            "data_through": st.column_config.DateColumn(
                "platform data through", format="YYYY-MM-DD"
            ),
            "last_report": st.column_config.DateColumn("last report", format="YYYY-MM-DD"),
            "source_id": "source",
        },
    )
    st.caption(
        "Platforms with their own report among the sources. For each headline metric the "
        "newest child-safety figure (global scope, current release): the series with the "
        "latest period, and its change on the same series' previous period of the same "
        "length. *Platform data through*: end of the newest period with any number about "
        "the platform; *last report*: date of the newest release holding one. Definitions "
        "differ between platforms (Methodology page)."
    )


def _newest_actions() -> None:
    st.subheader("Newest regulator actions")
    if not has("actions"):
        empty(
            "This warehouse has no regulator-actions table yet (built without the "
            "regulator sources)."
        )
        return
    label = "coalesce(t.label, a.action_type)" if has("action_types") else "a.action_type"
    join = "LEFT JOIN action_types t USING (action_type)" if has("action_types") else ""
    act = q(f"""SELECT a.date, a.regulator, coalesce(pl.name, a.platform) AS platform,
                       {label} AS action, a.amount, a.currency, a.amount_eur, a.status
                FROM actions a {join} LEFT JOIN platforms pl ON pl.platform_id = a.platform
                ORDER BY a.date DESC NULLS LAST, a.regulator, a.action_id LIMIT 8""")
    if act.empty:
        empty("The regulator-actions table is empty.")
        return
    act["amount"] = [
        fmt_amount_full(a, c, e)
        for a, c, e in zip(act.amount, act.currency, act.amount_eur, strict=True)
    ]
    st.dataframe(
        blank(act.drop(columns=["currency", "amount_eur"]), "status", "platform"),
        hide_index=True,
        width="stretch",
        column_config={
            **dates("date"),
            "amount": st.column_config.TextColumn("amount (≈ EUR)", width="medium"),
        },
    )
    st.caption(
        f"Register of regulator actions, newest first (data through {str(act.date.max())[:10]})."
    )
    st.page_link("app_pages/actions.py", label="All regulator actions", icon=":material/gavel:")


def _status(r, today: pd.Timestamp) -> str:
    if pd.isna(r.latest_period_end):
        return "no data"
    step = {"quarterly": 3, "half-yearly": 6, "annual": 12}.get(str(r.cadence))
    if not step:
        return "event-driven" if r.cadence == "event-driven" else str(r.cadence)
    next_end = pd.Timestamp(r.latest_period_end) + pd.DateOffset(months=step)
    due = next_end + pd.Timedelta(days=int(r.expected_lag_days or 0))
    return "behind" if due < today else "up to date"


st.title("Platform accountability observatory")
st.caption(
    "What platforms publish about their own enforcement, and what regulators do about it. "
    "Every number leads back to the public file it came from."
)

if require_warehouse():
    c = q("""SELECT count(*) AS observations, count(DISTINCT platform) AS platforms,
                    count(DISTINCT source_id) AS sources, max(vintage) AS newest
             FROM observations""").iloc[0]
    through = q(f"""SELECT max(o.period_end) AS through FROM comparable_observations o
                    JOIN policy_areas p USING (policy_area)
                    WHERE {CHILD_SQL} AND o.scope = 'global' AND o.value IS NOT NULL""").through.iloc[
        0
    ]
    a, b, d, e = st.columns(4)
    a.metric("Observations", f"{int(c.observations):,}")
    b.metric("Platforms", int(c.platforms))
    d.metric("Sources", int(c.sources))
    e.metric(
        "Child-safety data through",
        str(through)[:10] if pd.notna(through) else "none",
        help="The end of the newest period with a child-safety figure. The newest release of "
        "any kind (e.g. a DSA report) is "
        + (str(c.newest)[:10] if pd.notna(c.newest) else "none")
        + ".",
    )

    # ---------------------------------------------------------------- who is doing what now
    _who_now()

    # ---------------------------------------------------------------- regulator actions
    _newest_actions()

    # ---------------------------------------------------------------- headline CSEA trends
    st.subheader("Child sexual exploitation: headline trends")
    df = qa(f"""SELECT o.platform, {SERIES_SQL} || ' · ' || p.label AS series, o.metric,
                       m.label AS metric_label, m.unit,
                       strftime(o.period_start, '%Y-%m-%d') AS period_start, o.period_label,
                       o.value, o.raw_policy_label, o.source_id,
                       strftime(o.vintage, '%Y-%m-%d') AS vintage
                FROM comparable_observations o {NAMES_JOIN}
                JOIN policy_areas p USING (policy_area) JOIN metrics m USING (metric)
                WHERE {CHILD_SQL} AND o.scope = 'global'
                  AND o.value IS NOT NULL AND m.kind = 'count'
                  AND o.metric IN ('content_actioned', 'accounts_actioned')
                  AND o.platform IN (SELECT platform FROM sources WHERE platform IS NOT NULL)
                ORDER BY series, o.period_start""").to_pandas()
    if df.empty:
        empty(
            "No child-sexual-exploitation series in the warehouse yet: no source with a "
            "CSEA policy area (registry column csea_family) has been built in."
        )
    else:
        tips = [
            ch.tip("series", title="platform / service · policy"),
            ch.tip("period_label", title="period"),
            ch.tip("value", "quantitative", fmt=","),
            ch.tip("raw_policy_label", title="policy as printed"),
            ch.tip("source_id", title="source"),
            ch.tip("vintage", title="release"),
        ]
        cols = st.columns(2)
        # one chart per metric: pieces of content and accounts never share an axis
        for col, (metric, part) in zip(cols, df.groupby("metric", sort=True), strict=False):
            with col:
                unit = str(part.unit.iloc[0])
                st.markdown(f"**{md(part.metric_label.iloc[0])}** ({md(unit)})")
                shown = part.drop(columns=["metric_label", "unit"])
                ch.render(
                    [
                        ch.series_lines(
                            "main",
                            x="period_start",
                            y="value",
                            color="series",
                            x_title="period (start)",
                            y_title=unit,
                            tooltip=tips,
                            colours=ch.colour_scale(
                                dict(zip(shown.series, shown.platform, strict=True))
                            ),
                            x_axis=ch.time_axis(shown.period_start),
                        )
                    ],
                    {"main": shown},
                    height=260,
                    key=f"overview_trend_{metric}",
                )
                chart_data(
                    shown,
                    name=f"overview-{metric}",
                    dataset=f"Overview: {part.metric_label.iloc[0]}, child sexual exploitation",
                    source_ids=sorted(set(shown.source_id)),
                    key=f"dl_overview_{metric}",
                )
        chart_caption(
            metric_ids=sorted(set(df["metric"])),
            source_ids=sorted(set(df["source_id"])),
            vintages=df["vintage"].tolist(),
            note="Platforms' own reports (one colour per platform, shades for its services "
            "and policies); global scope, current vintage; policy areas in the child sexual "
            "exploitation / CSAM family. Platforms define these policies differently (see "
            "each point's raw label) and change them (Meta split its combined policy in "
            "2021Q2), so levels are not directly comparable. Plotted at the start of each "
            "period. More platforms and metrics: Compare platforms.",
        )

    # ---------------------------------------------------------------- changes feed
    _what_changed()

    st.subheader("Latest releases")
    rel = q("""SELECT sn.vintage, sn.source_id, src.publisher, sn.filename, sn.records,
                      sn.retrieved_at, sn.url
               FROM snapshots sn LEFT JOIN sources src USING (source_id)
               ORDER BY sn.vintage DESC, sn.source_id LIMIT 10""")
    if rel.empty:
        empty(
            "No releases yet: the warehouse holds no snapshots (run `transparency build` "
            "after adding or fetching files)."
        )
    else:
        st.dataframe(
            rel,
            hide_index=True,
            width="stretch",
            column_config={
                "url": st.column_config.LinkColumn("url"),
                "records": st.column_config.NumberColumn(format="%d"),
                **dates("vintage", "retrieved_at"),
            },
        )

    # ---------------------------------------------------------------- freshness
    st.subheader("Data freshness")
    fresh = q("""SELECT s.source_id, s.publisher, s.cadence, s.expected_lag_days,
                        max(o.period_end) AS latest_period_end, max(sn.vintage) AS latest_release,
                        max(sn.retrieved_at) AS last_retrieved
                 FROM sources s LEFT JOIN snapshots sn USING (source_id)
                 LEFT JOIN observations o ON o.source_id = s.source_id
                 GROUP BY ALL ORDER BY s.source_id""")
    if fresh.empty:
        empty("No sources are declared in this warehouse.")
    else:
        today = pd.Timestamp(date.today())
        fresh["days_since_retrieval"] = [
            (today - pd.Timestamp(t)).days if pd.notna(t) else None for t in fresh.last_retrieved
        ]
        fresh["status"] = [_status(r, today) for r in fresh.itertuples()]
        shown = fresh.assign(
            days_since_retrieval=pd.array(fresh.days_since_retrieval, dtype="Int64"),
            **{
                c: [str(v)[:10] if pd.notna(v) else "—" for v in fresh[c]]
                for c in ("latest_period_end", "latest_release", "last_retrieved")
            },
        )
        st.dataframe(shown, hide_index=True, width="stretch")
        st.caption(
            "A source is *behind* when a later period than its latest should have been "
            "published by now (period end + expected lag, per its cadence); that means "
            "either the publisher is late or the release has not been collected yet."
        )
