"""Platform profile: every harmonised metric of one platform over time, with the regulator actions
and commitments about it on the same time axis, and its releases (vintages) and restatements."""

import pandas as pd
import pyarrow.compute as pc
import streamlit as st

import charts as ch
from data import (
    NAMES_JOIN,
    SERIES_SQL,
    has,
    latest_figures,
    metric_label,
    platform_names,
    q,
    qa,
    require_warehouse,
    series_name,
)
from ui import (
    blank,
    chart_caption,
    chart_data,
    dates,
    empty,
    fmt_amount,
    fmt_amount_full,
    md,
    multiselect,
    radio,
    select,
    toggle,
)

AREAS = {"child": "Child safety policy areas", "all": "All policy areas"}
# policy-area filter: a fixed SQL fragment, the choice itself is a parameter
AREA_SQL = "(? = 'all' OR coalesce(p.csea_family, '') <> '')"
MAX_CHARTS = 12  # metrics charted when none is chosen (longest history first)


def _platforms() -> list[str]:
    parts = ["SELECT DISTINCT platform FROM observations WHERE platform IS NOT NULL"]
    if has("actions"):
        parts.append("SELECT DISTINCT platform FROM actions WHERE platform IS NOT NULL")
    if has("commitments"):
        parts.append("SELECT DISTINCT platform FROM commitments WHERE platform IS NOT NULL")
    found = q(" UNION ".join(parts))["platform"].tolist()
    names = platform_names()
    return sorted(found, key=lambda p: names.get(p, p).lower())


def _events(platform: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    acts = pd.DataFrame()
    if has("actions"):
        label = "coalesce(t.label, a.action_type)" if has("action_types") else "a.action_type"
        join = "LEFT JOIN action_types t USING (action_type)" if has("action_types") else ""
        acts = q(
            f"""SELECT a.date, a.regulator, a.jurisdiction, {label} AS action,
                            a.amount, a.currency, a.amount_eur, a.amount_usd, a.status, a.summary,
                            a.legal_basis, a.case_id, a.source_url
                     FROM actions a {join}
                     WHERE a.platform = ? ORDER BY a.date""",
            platform,
        )
    com = pd.DataFrame()
    if has("commitments"):
        com = q(
            """SELECT made_on, due, committed_to, commitment, status, source_url, evidence_url
                   FROM commitments WHERE platform = ? ORDER BY made_on""",
            platform,
        )
    return acts, com


def _headline(platform: str, name: str) -> None:
    """The platform's newest child-safety figures, at the top: value, period, change on the
    same series' previous period of the same length, and how far its data reach."""
    df = latest_figures(platform)
    if df.empty:
        return
    st.markdown(f"**{md(name)}: newest child-safety figures**")
    cols = st.columns(min(4, len(df)))
    for col, r in zip(cols, df.head(4).itertuples(), strict=False):
        delta = (
            f"{(r.value - r.prev_value) / r.prev_value:+.0%} on {r.prev_period}"
            if pd.notna(r.prev_value) and r.prev_value
            else None
        )
        col.metric(
            f"{metric_label(r.metric)}, {r.period_label}",
            f"{r.value:,.0f}",
            delta,
            delta_color="off",
            help=f"{series_name(r.platform, r.service)} · policy as printed: "
            f"“{r.raw_policy_label}” (source {r.source_id}, release {str(r.vintage)[:10]}).",
        )
    through = df.data_through.max()
    st.caption(
        f"Data through {str(through)[:10]}; last report {str(df.last_report.max())[:10]}. "
        "Global scope; the series with the newest period for each metric."
    )


MAX_LANES = 8


def _short_regulator(name: str) -> str:
    """A regulator as a marker label names it: its acronym where the name gives one in brackets
    ("Information and Communication Technologies Authority (BTK)" -> "BTK"), else the name cut to
    a few words (the full name is in the tooltip and the table)."""
    if name.endswith(")") and "(" in name:
        inner = name[name.rindex("(") + 1 : -1].strip()
        if 1 < len(inner) <= 12:
            return inner
    return name if len(name) <= 30 else name[:29].rstrip() + "…"


def _all_markers(acts: pd.DataFrame) -> pd.DataFrame:
    """Every regulator action as a marker (label, amount in full), made once per page run."""
    if acts.empty:
        return acts
    inside = acts.assign(day=pd.to_datetime(acts.date)).sort_values("day")
    amount = [
        fmt_amount_full(a, c, e)
        for a, c, e in zip(inside.amount, inside.currency, inside.amount_eur, strict=True)
    ]
    return inside.assign(
        label=inside.regulator + ": " + inside.action,
        marker=[
            f"{_short_regulator(r)}: {a}" + (f", {m.split(' (')[0]}" if m != "—" else "")
            for r, a, m in zip(inside.regulator, inside.action, amount, strict=True)
        ],
        amount_text=amount,
    )


# A label's width on a chart of about CHART_PX pixels (10 px text, about 5.6 px a character).
CHART_PX = 900


def _markers(every: pd.DataFrame, lo: str, hi: str) -> pd.DataFrame:
    """The actions inside the charted periods, packed into lanes (rows) so that no two labels
    overlap: a label runs right of its marker in the left half of the axis and left of it in the
    right half, and takes the first lane where that stretch is free. Where all MAX_LANES lanes are
    taken there, the marker still shows (diamond, rule, tooltip) without its label; the table
    below lists every action. Labels are placed in order of weight: sanctions with an amount
    first (largest in euros first), then the rest by date, so a crowded axis keeps the fines."""
    if every.empty:
        return every
    a, b = pd.Timestamp(lo), pd.Timestamp(hi)
    inside = every[(every.day >= a) & (every.day <= b)].sort_values("day")
    span = max(b - a, pd.Timedelta(days=1))
    lanes_used: list[list[tuple[pd.Timestamp, pd.Timestamp]]] = []
    eur = pd.to_numeric(inside.amount_eur, errors="coerce")
    order = sorted(
        range(len(inside)),
        key=lambda i: (pd.isna(eur.iloc[i]), -(eur.iloc[i] if pd.notna(eur.iloc[i]) else 0), i),
    )
    lanes, labels, right = [0] * len(inside), [""] * len(inside), [False] * len(inside)
    for i in order:
        day, text = inside.day.iloc[i], inside.marker.iloc[i]
        is_right = (day - a) > span / 2
        width = span * (min(330, 5.6 * len(text) + 16) / CHART_PX)
        stretch = (day - width, day) if is_right else (day, day + width)
        lane = next(
            (
                i
                for i, taken in enumerate(lanes_used)
                if all(stretch[1] < t0 or stretch[0] > t1 for t0, t1 in taken)
            ),
            None,
        )
        if lane is None and len(lanes_used) < MAX_LANES:
            lane = len(lanes_used)
            lanes_used.append([])
        right[i] = is_right
        if lane is not None:
            lanes_used[lane].append(stretch)
            lanes[i], labels[i] = lane, text
        else:  # every lane is busy here: the marker stays, unlabelled, where no label runs
            pad = span / 150
            lanes[i] = next(
                (
                    k
                    for k, taken in enumerate(lanes_used)
                    if all(day + pad < t0 or day - pad > t1 for t0, t1 in taken)
                ),
                len(lanes_used) - 1,
            )
            lanes_used[lanes[i]].append((day - pad, day + pad))
    return inside.assign(lane=lanes, right=right, marker=labels)


def headroom_axis(top: float) -> dict:
    """The value axis of a chart with headroom for the marker lanes: no tick, label or grid
    line well above the largest value (a share never reads 1.6 on a 0–1 axis)."""
    above = f"datum.value > {top!r} * 1.1"
    hide = {"condition": {"test": above, "value": 0}, "value": 1}
    return {"labelExpr": f"{above} ? '' : datum.label", "gridOpacity": hide, "tickOpacity": hide}


st.title("Platform profile")
if require_warehouse():
    platforms = _platforms()
    if not platforms:
        empty("The warehouse holds no platform observations or regulator actions yet.")
        st.stop()
    names = platform_names()
    platform = select(
        "Platform",
        platforms,
        "platform",
        default="meta" if "meta" in platforms else platforms[0],
        format_func=lambda p: names.get(p, p),
    )
    acts, com = _events(platform)
    _headline(platform, names.get(platform, platform))

    c1, c2, c3 = st.columns([2, 2, 1])
    has_child = bool(
        q(
            """SELECT count(*) AS n FROM preferred_observations o JOIN policy_areas p
                          USING (policy_area) WHERE o.platform = ? AND o.value IS NOT NULL
                            AND p.csea_family <> ''""",
            platform,
        ).n.iloc[0]
    )
    with c1:
        areas = radio(
            "Policy areas",
            list(AREAS),
            "areas",
            default="child" if has_child else "all",
            format_func=AREAS.get,
        )
    per_metric = q(
        f"""SELECT o.metric, coalesce(any_value(m.label), o.metric) AS label,
                              any_value(o.unit) AS unit, list(DISTINCT o.source_id) AS sources,
                              list(DISTINCT o.vintage) FILTER (WHERE o.is_current) AS vintages,
                              count(*) FILTER (WHERE o.is_current) AS n,
                              count(DISTINCT o.period_start) AS periods
                       FROM preferred_observations o LEFT JOIN policy_areas p USING (policy_area)
                       LEFT JOIN metrics m USING (metric)
                       WHERE o.platform = ? AND o.value IS NOT NULL AND {AREA_SQL}
                         AND o.metric IS NOT NULL
                       GROUP BY o.metric ORDER BY periods DESC, label""",
        platform,
        areas,
    )
    labels = dict(zip(per_metric.metric, per_metric.label, strict=True))
    with c2:
        chosen = multiselect(
            "Metrics",
            sorted(labels, key=lambda m: labels[m].lower()),
            "metrics",
            format_func=lambda m: labels.get(m, m),
            placeholder=f"the {MAX_CHARTS} with the longest history",
            help=f"Leave empty to chart the {MAX_CHARTS} metrics of this "
            "platform reported for the most periods.",
        )
        chosen = chosen or list(labels)[:MAX_CHARTS]
    with c3:
        show_vintages = toggle(
            "Show earlier releases",
            "vintages",
            default=False,
            help="Draw values as first published in earlier releases (vintages) "
            "beside the current ones.",
        )
    n_restated = int(
        q(
            """SELECT count(*) AS n FROM (
                              SELECT 1 FROM observations WHERE platform = ? AND value IS NOT NULL
                              GROUP BY source_id, service, scope, policy_area, metric, reporter,
                                       period_start, period_end
                              HAVING max(value) - min(value) > 1e-9 * greatest(abs(min(value)), abs(max(value)))
                                 AND min(snapshot_sha256) <> max(snapshot_sha256))""",
            platform,
        ).n.iloc[0]
    )

    charted = per_metric[per_metric.metric.isin(chosen)]
    st.caption(
        f"{md(names.get(platform, platform))}: "
        f"{int(per_metric.n.sum()):,} current values in {len(per_metric)} metrics"
        + (
            f" (charted: the {len(charted)} reported for the most periods; choose others "
            "under Metrics)"
            if len(charted) < len(per_metric)
            else ""
        )
        + ", "
        f"{0 if acts.empty else len(acts)} regulator actions, "
        f"{0 if com.empty else len(com)} commitment(s). Red diamonds at the top of a chart: "
        "regulator actions, labelled (hover for the amount in its currency and in euros); "
        "green dotted lines: commitments made. Ringed points were restated in a later release."
    )
    if per_metric.empty:
        empty(
            f"No published numbers for {names.get(platform, platform)} in this warehouse"
            + (
                " in the child-safety policy areas (switch to all policy areas)."
                if areas == "child"
                else "."
            )
            + " Regulator actions and commitments are listed below."
        )

    datasets: dict = {}
    event_layers = []
    commitments = (
        com.rename(columns={"made_on": "date"})[["date", "committed_to", "commitment", "status"]]
        if not com.empty
        else com
    )
    if not com.empty:
        event_layers.append(
            ch.rules(
                "commitments",
                color="#1e8449",
                dash=(2, 2),
                tooltip=[
                    ch.tip("date", "temporal", "made on"),
                    ch.tip("committed_to", title="committed to"),
                    ch.tip("commitment"),
                    ch.tip("status"),
                ],
            )
        )
    act_tips = [
        ch.tip("date", "temporal"),
        ch.tip("regulator"),
        ch.tip("action"),
        ch.tip("amount_text", title="amount (≈ EUR)"),
        ch.tip("status"),
    ]

    tips = [
        ch.tip("series"),
        ch.tip("period_label", title="period"),
        ch.tip("value", "quantitative", fmt=",.4~g"),
        ch.tip("value_text", title="as printed"),
        ch.tip("vintage", title="release (vintage)"),
        ch.tip("raw_policy_label", title="policy as printed"),
        ch.tip("source_id", title="source"),
    ]
    xy = {"x": ch.enc("period_start", "temporal"), "y": ch.enc("value", "quantitative")}
    todo = charted
    # one query for every chosen metric; a value is ringed when its key had another value in
    # another release (restated), computed over this platform's rows only (rows of one file that
    # share a key because some label is not mapped are not restatements; float rounding alone,
    # 0.781 printed as 0.7809999999999999, is not a restatement either, as in `revisions`)
    allobs = qa(
        f"""SELECT * EXCLUDE (lo, hi, first_file, last_file),
                         hi - lo > 1e-9 * greatest(abs(lo), abs(hi)) AND first_file <> last_file AND is_current
                             AS restated FROM (
                      SELECT o.metric,
                             {SERIES_SQL} || ' · ' || coalesce(p.label, o.raw_policy_label)
                                 || CASE WHEN o.scope = 'global' THEN '' ELSE ' · ' || o.scope END
                                 AS series,
                             strftime(o.period_start, '%Y-%m-%d') AS period_start, o.period_label,
                             o.value, o.value_text, strftime(o.vintage, '%Y-%m-%d') AS vintage,
                             o.raw_policy_label, o.raw_metric_label,
                             strftime(o.period_end, '%Y-%m-%d') AS period_end,
                             o.source_id, o.is_current,
                             min(o.value) OVER k AS lo, max(o.value) OVER k AS hi,
                             min(o.snapshot_sha256) OVER k AS first_file,
                             max(o.snapshot_sha256) OVER k AS last_file
                      FROM preferred_observations o {NAMES_JOIN}
                      LEFT JOIN policy_areas p USING (policy_area)
                      WHERE o.platform = ? AND list_contains(?::VARCHAR[], o.metric)
                        AND o.value IS NOT NULL AND {AREA_SQL}
                      WINDOW k AS (PARTITION BY o.source_id, o.service, o.scope, o.policy_area,
                                   o.metric, o.reporter, o.period_start, o.period_end))
                  WHERE is_current OR ?
                  ORDER BY metric, series, period_start""",
        platform,
        list(todo.metric),
        areas,
        bool(show_vintages),
    )
    outside = 0
    every_marker = _all_markers(acts)
    for r in todo.itertuples():
        data = allobs.filter(pc.equal(allobs["metric"], r.metric))
        st.subheader(str(r.label))
        cur = data.filter(pc.equal(data["is_current"], True)).to_pandas()
        printed = "; ".join(
            f"{md(src)}: “{md(lbl)}”"
            for src, lbl in sorted(set(zip(cur.source_id, cur.raw_metric_label, strict=True)))
            if lbl
        )
        if cur.period_start.nunique() <= 1:
            # one period: a chart of one point says nothing; the numbers are the point
            st.dataframe(
                cur[["series", "period_label", "value", "value_text", "source_id", "vintage"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "value": st.column_config.NumberColumn(format="%,.6g"),
                    "period_label": "period",
                    "value_text": "as printed",
                    "source_id": "source",
                },
            )
        else:
            lo = str(cur.period_start.min())[:10]
            hi = str(cur.period_end.max())[:10]
            marks = _markers(every_marker, lo, hi)
            outside = max(outside, len(acts) - len(marks))
            layers = [
                ch.series_lines(
                    "obs",
                    x="period_start",
                    y="value",
                    color="series",
                    x_title="period (start)",
                    y_title=str(r.unit or ""),
                    tooltip=tips,
                    transform=[{"filter": "datum.is_current"}],
                    x_axis=ch.time_axis([lo, hi]),
                    colours=ch.colour_scale(dict.fromkeys(cur.series, platform)),
                )
            ]
            layers[0]["encoding"]["x"]["scale"] = {"domain": [lo, hi]}
            if n_restated:
                layers.append(
                    ch.layer(
                        "obs",
                        {
                            "type": "point",
                            "size": 160,
                            "color": "#b03a2e",
                            "filled": False,
                            "strokeWidth": 2,
                        },
                        transform=[{"filter": "datum.restated"}],
                        tooltip=tips,
                        **xy,
                    )
                )
            if show_vintages:
                layers.append(
                    ch.layer(
                        "obs",
                        {"type": "point", "shape": "diamond", "color": "grey", "size": 50},
                        transform=[{"filter": "!datum.is_current"}],
                        tooltip=tips,
                        **xy,
                    )
                )
            sets = {**datasets, "obs": data}
            layers_ev = list(event_layers)
            if not commitments.empty:
                cd = pd.to_datetime(commitments.date)
                near = commitments[(cd >= pd.Timestamp(lo)) & (cd <= pd.Timestamp(hi))]
                if near.empty:
                    layers_ev = []
                else:
                    sets["commitments"] = ch.arrow(near)
            if not marks.empty:
                sets["actions"] = ch.arrow(
                    marks[
                        [
                            "date",
                            "label",
                            "marker",
                            "regulator",
                            "action",
                            "amount_text",
                            "status",
                            "lane",
                            "right",
                        ]
                    ]
                )
                lanes = int(marks.lane.max()) + 1
                layers += ch.event_markers("actions", tooltip=act_tips, lanes=lanes)
                top = float(cur.value.max())
                if top > 0:  # headroom above the values for the marker lanes
                    layers[0]["encoding"]["y"]["scale"] = {"domainMax": top * (1 + 0.07 * lanes)}
                    layers[0]["encoding"]["y"]["axis"] = headroom_axis(top)
            ch.render(
                [*layers, *layers_ev],
                sets,
                key=f"chart_{r.metric}",
                height=280,
            )
        chart_caption(
            metric_ids=[r.metric],
            source_ids=list(r.sources),
            vintages=list(r.vintages),
            note=(f"As printed by each source: {printed}. " if printed else "")
            + "Current values (latest release of each number)"
            + (
                "; grey diamonds: values as published in earlier releases."
                if show_vintages
                else "."
            ),
        )
        chart_data(
            cur.drop(columns=["is_current", "restated"], errors="ignore"),
            name=f"{platform}-{r.metric}",
            dataset=f"{names.get(platform, platform)}: {r.label}",
            source_ids=list(r.sources),
            filters={"platform": platform, "metric": r.metric, "policy areas": areas},
            key=f"dl_{r.metric}",
        )
    if outside:
        st.caption(
            f"{outside} regulator action(s) fall outside the charted periods (the charts keep "
            "to the periods with numbers); every action is in the table below."
        )

    # ---------------------------------------------------------------- actions and commitments
    st.subheader("Regulator actions")
    if not has("actions"):
        empty(
            "This warehouse has no regulator-actions table (built without the regulator "
            "sources), so no actions can be shown."
        )
    elif acts.empty:
        empty(f"No regulator actions about {names.get(platform, platform)} are recorded.")
    else:
        shown = blank(
            acts.assign(
                amount=[fmt_amount(a, c) for a, c in zip(acts.amount, acts.currency, strict=True)]
            ),
            "status",
            "summary",
            "legal_basis",
            "jurisdiction",
        )
        st.dataframe(
            shown[
                [
                    "date",
                    "regulator",
                    "jurisdiction",
                    "action",
                    "amount",
                    "amount_eur",
                    "amount_usd",
                    "status",
                    "summary",
                    "legal_basis",
                    "case_id",
                    "source_url",
                ]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "source_url": st.column_config.LinkColumn("source"),
                "amount": st.column_config.TextColumn("amount", width="medium"),
                "amount_eur": st.column_config.NumberColumn("≈ EUR", format="%,.0f"),
                "amount_usd": st.column_config.NumberColumn("≈ USD", format="%,.0f"),
                **dates("date"),
            },
        )
    st.subheader("Commitments")
    if not has("commitments"):
        empty("This warehouse has no commitments table (built without the regulator sources).")
    elif com.empty:
        empty(f"No commitments by {names.get(platform, platform)} are recorded.")
    else:
        st.dataframe(
            blank(
                com.assign(due=com.due.astype(str).str[:10].where(com.due.notna())),
                "due",
                "committed_to",
                "status",
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "source_url": st.column_config.LinkColumn("source"),
                "evidence_url": st.column_config.LinkColumn("evidence"),
                **dates("made_on"),
            },
        )

    # ---------------------------------------------------------------- vintages
    st.subheader("Releases and restatements")
    rel = q(
        """SELECT sn.vintage, sn.source_id, sn.filename, count(*) AS values_about_platform,
                      sn.retrieved_at, sn.url
               FROM observations o JOIN snapshots sn ON sn.sha256 = o.snapshot_sha256
               WHERE o.platform = ? GROUP BY ALL ORDER BY sn.vintage""",
        platform,
    )
    if rel.empty:
        empty("No releases with numbers about this platform.")
    else:
        st.dataframe(
            rel,
            hide_index=True,
            width="stretch",
            column_config={
                "url": st.column_config.LinkColumn("url"),
                **dates("vintage", "retrieved_at"),
            },
        )
        st.caption(
            f"{n_restated:,} value(s) about this platform were restated in a later release."
            if n_restated
            else "No value about this platform has been restated so far."
        )
        if n_restated:
            st.page_link(
                "app_pages/revisions.py", label="See the restated values", icon=":material/history:"
            )
