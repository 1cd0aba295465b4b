"""Compare platforms: one harmonised metric and policy area across chosen platforms/services and
periods, as published, per million EU recipients (DSA AMAR), or indexed to a base period; with the
caveats of comparing shown beside the chart."""

import pandas as pd
import streamlit as st

import charts as ch
from data import metrics, policy_labels, q, require_warehouse, series_names
from ui import chart_caption, empty, fmt_number, md, multiselect, radio, select

MODES = {
    "absolute": "As published",
    "per_million": "Per million EU recipients (AMAR)",
    "indexed": "Indexed (base period = 100)",
}
SCALES = {"linear": "Linear", "log": "Log"}
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
    data["key"] = data.platform + "/" + data.service.fillna("")
    data["series"] = series_names(data.platform, data.service)
    names = dict(zip(data.key, data.series, strict=True))
    keys = data.groupby("key").size().sort_values(ascending=False).index.tolist()

    chosen = multiselect(
        "Platforms / services",
        sorted(keys, key=lambda k: names[k]),
        "series",
        format_func=lambda k: names.get(k, k),
        placeholder="all (up to 8)",
        help="Leave empty to compare every platform with this metric (the 8 with most values).",
    )
    chosen = chosen or keys[:8]
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
                help="Start date of the period set to 100 for every series.",
            )

    unit = (
        str(data.unit.iloc[0]) if not data.empty else (meta[metric].unit if metric in meta else "")
    )
    shown = data.copy()
    shown["shown"] = shown.value
    y_title = unit
    problem = ""
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
            missing = sorted(set(shown.loc[shown.amar.isna(), "series"]))
            if missing:
                st.caption("No AMAR for an overlapping period, left out: " + md(", ".join(missing)))
            shown = shown[shown.amar.notna()].assign(shown=lambda d: d.value / (d.amar / 1e6))
            if shown.empty:
                problem = (
                    "None of the chosen series has an EU user count (DSA AMAR) for an "
                    "overlapping period in this warehouse."
                )
        y_title = f"{unit} per million EU recipients"
    elif mode == "indexed" and base:
        b = shown[shown.period_start.astype(str).str[:10] == base].groupby("key").value.first()
        shown = shown[shown.key.isin(b.index[b > 0])]
        shown["shown"] = shown.value / shown.key.map(b) * 100
        if shown.empty:
            problem = f"No chosen series has a non-zero value in the base period {base}."
        y_title = f"index ({base} = 100)"
    if scale == "log":
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
                f"{md(scope)}; current vintage of each value.",
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
                "value": st.column_config.NumberColumn("value as published", format="%,.6g")
            },
        )
        st.caption(
            f"{len(table):,} values; {len(set(table.series))} series. "
            f"Largest: {md(fmt_number(table.value.max()))} {md(unit)}."
        )
