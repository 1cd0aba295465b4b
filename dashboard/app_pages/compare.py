"""Compare platforms: one harmonised metric and policy area across chosen platforms/services and
periods, as published, per million EU recipients (DSA AMAR), or indexed to a base period; with the
caveats of comparing shown beside the chart."""

import pandas as pd
import streamlit as st

import charts as ch
from data import (
    metrics,
    own_platforms,
    own_sources,
    policy_labels,
    q,
    require_warehouse,
    series_names,
    source_short_names,
)
from ui import chart_caption, chart_data, dates, empty, fmt_number, md, multiselect, radio, select

MODES = {
    "absolute": "As published",
    "per_million": "Per million EU recipients (AMAR)",
    "indexed": "Indexed (base period = 100)",
}
SCALES = {"linear": "Linear", "log": "Log"}
DEFAULT_N = 8  # series drawn when none is chosen


def default_series(data: pd.DataFrame, own: set[str]) -> tuple[list[str], list[str]]:
    """The series drawn when none is chosen: one source per platform / service (the source with
    the most periods; the platform's own report of a tie), then the platforms that publish their
    own report (their largest series first, then their other services), then the largest other
    platforms, up to DEFAULT_N; a general rule, not a list of names. Returns (keys, seed
    platforms among them)."""
    per = (
        data.assign(own=data.platform.isin(own))
        .sort_values("period_start")
        .groupby(["key", "pair", "platform", "source_id"], sort=False)
        .agg(periods=("value", "size"), latest=("value", "last"))
        .reset_index()
    )
    per["own_source"] = [
        src in own_sources() and own_sources()[src] == p
        for src, p in zip(per.source_id, per.platform, strict=True)
    ]
    per = per.sort_values(["periods", "own_source", "latest"], ascending=False)
    per = per.drop_duplicates("pair")  # one source per platform / service
    per["seed"] = per.platform.isin(own)
    per = per.sort_values("latest", ascending=False)
    per["rank_in_platform"] = per.groupby("platform").cumcount()
    order = per.sort_values(["seed", "rank_in_platform", "latest"], ascending=[False, True, False])
    seeds = order[order.seed]
    keys = seeds.key.head(DEFAULT_N).tolist()
    if len(keys) < DEFAULT_N:
        keys += order[~order.seed].key.head(DEFAULT_N - len(keys)).tolist()
    return keys, sorted(set(seeds.platform))


def shared_base(data: pd.DataFrame) -> str | None:
    """The first period start every chosen series has a non-zero value for (else the period
    most of them have)."""
    if data.empty:
        return None
    ok = data[data.value > 0].assign(start=lambda d: d.period_start.astype(str).str[:10])
    per = ok.groupby("start").key.nunique()
    if per.empty:
        return None
    full = per[per == data.key.nunique()]
    return str(full.index.min()) if not full.empty else str(per.idxmax())


PER_USER_SCOPES = ("EU", "EEA")


def _with_amar(df: pd.DataFrame) -> pd.DataFrame:
    """Attach the DSA AMAR (scope EU) of the same platform and service for an overlapping period."""
    amar = q("""SELECT platform, service, period_start AS a_start, period_end AS a_end,
                       value AS amar, source_id AS amar_source, vintage AS amar_vintage
                FROM comparable_observations
                WHERE metric = 'amar' AND scope IN ('EU', 'EEA') AND value > 0""")
    if amar.empty or df.empty:
        return df.assign(amar=float("nan"), amar_source=None, amar_vintage=None)
    m = df.reset_index().merge(amar, on="platform", how="left", suffixes=("", "_a"))
    ok = (
        ((m.service_a == m.service) | m.service_a.isin(["all", ""]))
        & (m.a_start <= m.period_end)
        & (m.a_end >= m.period_start)
    )
    m = (
        m[ok]
        .assign(exact=lambda d: d.service_a == d.service)
        .sort_values(["index", "exact"], ascending=[True, False])
        .drop_duplicates("index")
    )
    out = (
        df.reset_index()
        .merge(m[["index", "amar", "amar_source", "amar_vintage"]], on="index", how="left")
        .drop(columns="index")
    )
    return out


def _caveats(df: pd.DataFrame, mode: str, scale: str) -> list[str]:
    notes = [
        "Each platform defines its own policy and counting rules; the harmonised policy "
        "area groups them but does not make them identical. Labels as printed:"
    ]
    labels = df.drop_duplicates(["series", "raw_policy_label", "raw_metric_label"])
    for r in labels.itertuples():
        notes.append(f"- {md(r.series)}: “{md(r.raw_policy_label)}” / “{md(r.raw_metric_label)}”")
    lengths = {
        (pd.Timestamp(e) - pd.Timestamp(s)).days // 28
        for s, e in zip(df.period_start, df.period_end, strict=True)
    }
    if len(lengths) > 1:
        notes.append(
            "Periods of different lengths are mixed (e.g. quarters and half-years): "
            "compare rates or index values, not raw levels."
        )
    if df.source_id.nunique() > 1:
        notes.append(
            "The series come from different sources: "
            + ", ".join(md(s) for s in sorted(df.source_id.unique()))
            + "."
        )
    if (df.qualifier.fillna("") != "").any():
        notes.append("Some values carry a qualifier (range, approximate, censored): see the table.")
    notes.append(
        "Platforms round their published numbers (e.g. Meta to the nearest 100,000 in "
        "places); small differences are not meaningful."
    )
    if mode == "per_million":
        notes.append(
            "Per million: value ÷ (average monthly active EU recipients ÷ 1,000,000), "
            "using the DSA AMAR of the same service for an overlapping period. AMAR is "
            "an average of monthly recipients (logged-out viewers included for some "
            "services), not a count of accounts; only EU-scope values can use it."
        )
    if mode == "indexed":
        notes.append(
            "Indexed: each series divided by its own value in the base period (= 100). "
            "Indices show change, not level."
        )
    if scale == "log":
        notes.append("Log scale: zero and negative values cannot be drawn and are left out.")
    return notes


def _as_markdown(notes: list[str]) -> str:
    """Paragraphs separated by blank lines; '- ' items stay together as one list."""
    out = ""
    for n in notes:
        if out:
            out += (
                "\n"
                if n.startswith("- ") and out.rsplit("\n", 1)[-1].startswith(("- ", "Each"))
                else "\n\n"
            )
        out += n
    return out


def source_labels(data: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(pair, source id) -> the readable name of the source among the sources that hold that
    platform / service pair (its publisher, else its title): legends say "… · NCMEC", while
    the keys in the URL keep the source id."""
    out = {}
    for pair, ids in data.groupby("pair").source_id.unique().items():
        for src, name in source_short_names(ids).items():
            out[(pair, src)] = name
    return out


st.title("Compare platforms")
if require_warehouse():
    avail = q("""SELECT metric, policy_area, scope, count(*) AS n
                 FROM comparable_observations WHERE value IS NOT NULL AND metric <> 'amar'
                   AND policy_area IS NOT NULL AND scope IS NOT NULL
                 GROUP BY ALL""")
    if avail.empty:
        empty("Nothing to compare yet: the warehouse holds no published values.")
        st.stop()
    meta = metrics()
    areas_lbl = policy_labels()
    by_metric = avail.groupby("metric").n.sum().sort_values(ascending=False)

    c1, c2, c3 = st.columns(3)
    with c1:
        metric = select(
            "Metric",
            sorted(by_metric.index, key=lambda m: meta[m].label if m in meta else m),
            "metric",
            default="content_actioned",
            format_func=lambda m: meta[m].label if m in meta else m,
        )
    sub = avail[avail.metric == metric]
    with c2:
        area_n = sub.groupby("policy_area").n.sum().sort_values(ascending=False)
        default_area = (
            "protection_of_minors.child_sexual_exploitation"
            if "protection_of_minors.child_sexual_exploitation" in area_n.index
            else area_n.index[0]
        )
        area = select(
            "Policy area",
            sorted(area_n.index, key=lambda a: areas_lbl.get(a, a)),
            "area",
            default=default_area,
            format_func=lambda a: areas_lbl.get(a, a),
        )
    with c3:
        scopes = sorted(sub[sub.policy_area == area].scope.unique())
        scope = select(
            "Scope",
            scopes,
            "scope",
            default="global",
            help="global, EU, or a country: values of different scopes are never mixed.",
        )

    data = q(
        """SELECT platform, service, period_start, period_end, period_label, value, unit,
                       qualifier, value_text, vintage, source_id, raw_policy_label,
                       raw_metric_label, scope
                FROM comparable_observations
                WHERE metric = ? AND policy_area = ? AND scope = ? AND value IS NOT NULL
                ORDER BY platform, service, period_start""",
        metric,
        area,
        scope,
    )
    # one line = one platform / service from one source (never two sources' numbers alternating)
    data["pair"] = data.platform + "/" + data.service.fillna("")
    data["key"] = data.pair + "@" + data.source_id
    data["series"] = series_names(data.platform, data.service)
    multi = data.groupby("pair").source_id.nunique()
    two = data.pair.map(multi) > 1
    short = source_labels(data[two])
    data.loc[two, "series"] = [
        f"{n} · {short[(pair, src)]}"
        for n, pair, src in zip(data.series[two], data.pair[two], data.source_id[two], strict=True)
    ]
    names = dict(zip(data.key, data.series, strict=True))
    keys, seeds = default_series(data, own_platforms())

    chosen = multiselect(
        "Platforms / services",
        sorted(names, key=lambda k: names[k].lower()),
        "series",
        format_func=lambda k: names.get(k, k),
        placeholder="the main platforms for this metric",
        help=f"Leave empty for the platforms with their own report that publish this metric "
        f"(up to {DEFAULT_N} series), then the largest others.",
    )
    if not chosen:
        chosen = keys
        st.caption(
            "Shown by default: "
            + md(", ".join(names[k] for k in keys))
            + (
                f" ({len(seeds)} platform(s) with their own report first, then their other "
                "services and the largest others)."
                if seeds
                else " (the largest)."
            )
            + " Choose others under Platforms / services."
        )
    data = data[data.key.isin(chosen)]

    starts = sorted({str(d)[:10] for d in data.period_start})
    if len(starts) >= 2:
        lo, hi = st.select_slider(
            "Periods (start dates)",
            options=starts,
            value=(starts[0], starts[-1]),
            key="periods",
            bind="query-params",
        )
        data = data[
            (data.period_start.astype(str).str[:10] >= lo)
            & (data.period_start.astype(str).str[:10] <= hi)
        ]

    c4, c5, c6 = st.columns([2, 1, 1])
    with c4:
        mode = radio("Show", list(MODES), "mode", default="absolute", format_func=MODES.get)
    with c5:
        scale = radio("Scale", list(SCALES), "scale", default="linear", format_func=SCALES.get)
    base = None
    if mode == "indexed":
        with c6:
            base = select(
                "Base period",
                sorted({str(d)[:10] for d in data.period_start}),
                "base",
                default=shared_base(data),
                help="Start date of the period set to 100 for every series (default: the "
                "first period every chosen series has).",
            )

    unit = (
        str(data.unit.iloc[0]) if not data.empty else (meta[metric].unit if metric in meta else "")
    )
    shown = data.copy()
    shown["shown"] = shown.value
    y_title = unit
    problem = ""
    dropped: list[tuple[str, str]] = []
    if mode == "per_million":
        if scope not in PER_USER_SCOPES:
            problem = (
                f"Per-user rates need user counts for the same population: the warehouse "
                f"has average monthly active recipients (DSA AMAR) for the EU only, and "
                f"these values are scope '{scope}'. Choose scope EU to see rates."
            )
            shown = shown.iloc[0:0]
        else:
            shown = _with_amar(shown)
            missing = sorted(
                set(shown.loc[shown.amar.isna(), "series"])
                - set(shown.loc[shown.amar.notna(), "series"])
            )
            for m in missing:
                dropped.append((m, "no DSA user count (AMAR) for an overlapping period"))
            shown = shown[shown.amar.notna()].assign(shown=lambda d: d.value / (d.amar / 1e6))
            if shown.empty:
                problem = (
                    "None of the chosen series has an EU user count (DSA AMAR) for an "
                    "overlapping period in this warehouse."
                )
        y_title = f"{unit} per million EU recipients"
    elif mode == "indexed" and base:
        b = shown[shown.period_start.astype(str).str[:10] == base].groupby("key").value.first()
        for k in sorted(set(shown.key) - set(b.index[b > 0]), key=lambda k: names.get(k, k)):
            why = "zero in the base period" if k in b.index else "no value in the base period"
            dropped.append((names.get(k, k), f"{why} {base}"))
        shown = shown[shown.key.isin(b.index[b > 0])]
        shown["shown"] = shown.value / shown.key.map(b) * 100
        if shown.empty:
            problem = f"No chosen series has a non-zero value in the base period {base}."
        y_title = f"index ({base} = 100)"
    if scale == "log":
        for sname in sorted(set(shown.series) - set(shown[shown.shown > 0].series)):
            dropped.append((sname, "no value above zero (a log scale cannot draw it)"))
        shown = shown[shown.shown > 0]

    left, right = st.columns([3, 1])
    with left:
        if data.empty:
            empty(
                "No values for this metric, policy area and scope for the chosen platforms and "
                "periods."
            )
        elif problem:
            empty(problem)
        else:
            tips = [
                ch.tip("series"),
                ch.tip("period_label", title="period"),
                ch.tip("shown", "quantitative", y_title, ",.6~g"),
                ch.tip("value_text", title="as printed"),
                ch.tip("vintage"),
                ch.tip("source_id", title="source"),
            ]
            ch.render(
                [
                    ch.series_lines(
                        "main",
                        x="period_start",
                        y="shown",
                        color="series",
                        x_title="period (start)",
                        y_title=y_title,
                        tooltip=tips,
                        scale=scale,
                        colours=ch.colour_scale(
                            dict(zip(shown.series, shown.platform, strict=True))
                        ),
                        x_axis=ch.time_axis(shown.period_start),
                    )
                ],
                {
                    "main": shown[
                        [
                            "series",
                            "period_start",
                            "period_label",
                            "shown",
                            "value_text",
                            "vintage",
                            "source_id",
                        ]
                    ]
                },
                height=380,
                key="compare_chart",
            )
            chart_caption(
                metric_ids=[metric] + (["amar"] if mode == "per_million" else []),
                source_ids=sorted(
                    set(shown.source_id) | set(shown.get("amar_source", pd.Series()).dropna())
                ),
                vintages=shown.vintage.tolist(),
                note=f"Policy area: {md(areas_lbl.get(area, area))}; scope "
                f"{md(scope)}; current vintage of each value. One colour per platform; "
                "a line is one platform or service from one source.",
            )
        if dropped:
            st.warning(
                "Not drawn in this mode:\n"
                + "\n".join(f"- {md(n)}: {md(why)}" for n, why in dropped),
                icon=":material/visibility_off:",
            )
    with right, st.container(border=True):
        st.markdown("**Caveats of comparing**")
        st.markdown(
            _as_markdown(_caveats(data, mode, scale)) if not data.empty else "Nothing chosen."
        )

    if not shown.empty:
        table = shown[
            [
                "series",
                "period_label",
                "period_start",
                "value",
                "shown",
                "value_text",
                "qualifier",
                "vintage",
                "source_id",
                "raw_policy_label",
                "raw_metric_label",
            ]
        ].rename(columns={"shown": y_title})
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "value": st.column_config.NumberColumn("value as published", format="%,.6g"),
                **dates("period_start", "vintage"),
            },
        )
        st.caption(
            f"{len(table):,} values; {len(set(table.series))} series. "
            f"Largest: {md(fmt_number(table.value.max()))} {md(unit)}."
        )
        chart_data(
            table,
            name=f"compare-{metric}-{scope}",
            dataset=f"Compare: {meta[metric].label if metric in meta else metric}, "
            f"{areas_lbl.get(area, area)}, scope {scope} ({MODES[mode]})",
            source_ids=sorted(
                set(shown.source_id) | set(shown.get("amar_source", pd.Series()).dropna())
            ),
            filters={"metric": metric, "policy_area": area, "scope": scope, "mode": mode},
            key="dl_compare",
        )
