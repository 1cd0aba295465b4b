"""Revisions: numbers a source changed in a later release (old value beside new, with both releases
and their URLs), from the warehouse view ``revisions``."""

import re

import streamlit as st

import charts as ch
from data import metrics, platform_names, policy_labels, q, require_warehouse, series_names
from ui import chart_caption, chart_data, dates, empty, md, multiselect, present, radio

CHANGES = {
    "restated": "Restated (value changed)",
    "added": "Added later",
    "withdrawn": "Withdrawn (no longer a number)",
    "all": "All changes",
}
TOP = 40


def _label(harmonised, labels: dict, raw) -> str:
    """The harmonised label, or the label as printed where it is not mapped (NULL id)."""
    if isinstance(harmonised, str):
        return labels.get(harmonised, harmonised)
    return f"“{raw}” (not mapped)" if isinstance(raw, str) and raw else "(not mapped)"


_CHANGE = re.compile(r"^(?P<p>[^/\s]+)/(?P<s>\S*) (?P<area>\S+) (?P<metric>\S+) (?P<rest>.*)$")


def readable_changes(text: object, mlabels: dict, plabels: dict) -> str:
    """'meta/facebook self_harm.suicide_self_injury content_appealed 2020-Q2: 10 -> 0 (-100.0%)'
    as 'Meta / Facebook · Suicide and self-injury · Content appealed · 2020-Q2: 10 → 0
    (-100.0%)': names, not ids, for a reader who does not know the warehouse."""
    if not isinstance(text, str) or not text:
        return "—"
    out = []
    for item in text.split("; "):
        m = _CHANGE.match(item)
        if not m:
            out.append(item)
            continue
        name = series_names([m["p"]], [m["s"] or None])[0]
        area = plabels.get(m["area"], m["area"])
        metric = mlabels.get(m["metric"], m["metric"])
        out.append(f"{name} · {area} · {metric} · {m['rest'].replace(' -> ', ' → ')}")
    return "; ".join(out)


# the summary's columns in reading order: what changed and how, then where it comes from
SUMMARY_COLUMNS = [
    "platform",
    "filename",
    "vintage",
    "values_restated",
    "said_by_publisher",
    "silent",
    "max_abs_relative_change",
    "largest_changes",
    "values_repeated",
    "previous_vintage",
    "vintage_basis",
    "source_id",
    "url",
]


def ticks(values) -> list[float]:
    """Round relative changes (−100 %, −50 %, 0, +50 %, +100 %, +1,000 %, …) for a symlog axis
    covering ``values``."""
    lo, hi = min(0.0, float(min(values))), max(0.0, float(max(values)))
    marks = [-1, -0.5, -0.1, 0, 0.1, 0.5, 1, 10, 100, 1_000, 10_000, 100_000]
    return [t for t in marks if lo - 1e-9 <= t <= hi * 1.0001 + 1e-9]


def _release_summary(plats: list, names: dict) -> None:
    """Per release, for advocates: how many earlier values it changed, the largest relative
    changes, and whether the publisher said so (a footnote or note) or changed them silently."""
    summ = q("""SELECT source_id, platform, filename, vintage, vintage_basis, previous_vintage,
                       values_repeated, values_restated, said_by_publisher, silent,
                       max_abs_relative_change, largest_changes, url
                FROM release_revisions_summary ORDER BY source_id, vintage""")
    if plats:
        summ = summ[summ.platform.isin(plats)]
    if summ.empty:
        return
    st.subheader("What each release changed")
    said, silent = int(summ.said_by_publisher.sum()), int(summ.silent.sum())
    most = summ.loc[summ.values_restated.idxmax()]
    rel = summ.max_abs_relative_change.dropna()
    biggest = (
        f"; the largest single change is {rel.max():,.0%} in {md(summ.filename[rel.idxmax()])}"
        if not rel.empty
        else ""
    )
    st.caption(
        f"{len(summ):,} release(s) restated {said + silent:,} value(s) published before: "
        f"{said:,} with a footnote or note in the file saying so, {silent:,} silently. "
        f"Most: {md(most.filename)} ({md(names.get(most.platform, most.platform))}, "
        f"{md(str(most.vintage)[:10])}) restated {int(most.values_restated):,}{biggest}. "
        "Values repeated: the release's values for periods an earlier release already gave."
    )
    mlabels = {k: v.label for k, v in metrics().items()}
    plabels = policy_labels()
    st.dataframe(
        summ.assign(
            platform=[names.get(p, p) for p in summ.platform],
            largest_changes=[readable_changes(t, mlabels, plabels) for t in summ.largest_changes],
        ),
        hide_index=True,
        width="stretch",
        column_order=SUMMARY_COLUMNS,
        column_config={
            "filename": "release (file)",
            "vintage": st.column_config.DateColumn("release date", format="YYYY-MM-DD"),
            "previous_vintage": st.column_config.DateColumn(
                "previous release", format="YYYY-MM-DD"
            ),
            "vintage_basis": "date is",
            "values_repeated": st.column_config.NumberColumn("values repeated", format="%,d"),
            "values_restated": st.column_config.NumberColumn("restated", format="%,d"),
            "said_by_publisher": st.column_config.NumberColumn("said so", format="%,d"),
            "silent": st.column_config.NumberColumn("silent", format="%,d"),
            "max_abs_relative_change": st.column_config.NumberColumn(
                "largest change", format="percent"
            ),
            "largest_changes": st.column_config.TextColumn(
                "largest relative changes", width="large"
            ),
            "url": st.column_config.LinkColumn("source"),
            "source_id": "source",
        },
    )
    chart_data(
        summ,
        name="revisions-per-release",
        dataset="Revisions: what each release changed",
        source_ids=sorted(present(summ.source_id.unique())),
        urls=summ.url.tolist(),
        filters={"platform": plats} if plats else None,
        key="dl_release_summary",
    )
    st.subheader("Every restated value")


st.title("Revisions")
st.caption(
    "Every release is kept: when a platform publishes a different number for a period it "
    "reported before, both stay in the warehouse and the change is listed here."
)
if require_warehouse():
    # A change needs two releases: pairs read from one file are rows of that file that share a
    # harmonised key (labels not mapped to a metric or policy area), not restatements.
    # one read of the view (it joins every release with the next): the same-file pairs are
    # counted and dropped here rather than by a second query
    rev = q("""SELECT platform, service, scope, period_label, period_start, policy_area, metric,
                      unit, old_value, new_value, old_value_text, new_value_text, change,
                      relative_change, old_vintage, new_vintage, source_id, raw_policy_label,
                      raw_metric_label, old_url, new_url, old_snapshot, new_snapshot,
                      old_file, new_file, said_by_publisher,
                      coalesce(old_snapshot = new_snapshot, false) AS same_file
               FROM revisions
               ORDER BY platform, service, metric, policy_area, period_start, new_vintage""")
    same_file = int(rev.same_file.sum())
    rev = rev[~rev.same_file].drop(columns="same_file")
    same_note = (
        f" {same_file:,} pair(s) of values read from one and the same file share a "
        "harmonised key because some of their labels are not mapped to a harmonised "
        "metric or policy area; they are not restatements and are not listed."
        if same_file
        else ""
    )
    if rev.empty:
        n = q("SELECT count(*) AS n, count(DISTINCT source_id) AS s FROM snapshots").iloc[0]
        empty(
            f"No value has changed between releases: the warehouse holds {int(n.n)} release(s) "
            f"from {int(n.s)} source(s), and no later release restates an earlier number. "
            "Restatements appear here once a source's next release is built in." + same_note
        )
        st.stop()
    if same_note:
        st.caption(same_note.strip())
    names = platform_names()
    mlabels = {k: v.label for k, v in metrics().items()}
    plabels = policy_labels()

    a, b, c = st.columns([1, 1, 2])
    with a:
        plats = multiselect(
            "Platform",
            sorted(rev.platform.dropna().unique()),
            "platform",
            format_func=lambda p: names.get(p, p),
            placeholder="all platforms",
        )
    with b:
        mets = multiselect(
            "Metric",
            sorted(rev.metric.dropna().unique()),
            "metric",
            format_func=lambda m: mlabels.get(m, m),
            placeholder="all metrics",
        )
    with c:
        change = radio(
            "Change", list(CHANGES), "change", default="restated", format_func=CHANGES.get
        )
    filters = {k: v for k, v in {"platform": plats, "metric": mets, "change": change}.items() if v}
    f = rev
    if plats:
        f = f[f.platform.isin(plats)]
    if mets:
        f = f[f.metric.isin(mets)]
    if change != "all":
        f = f[f.change == change]
    counts = rev.change.value_counts()
    m1, m2, m3 = st.columns(3)
    m1.metric("Restated", int(counts.get("restated", 0)))
    m2.metric("Added later", int(counts.get("added", 0)))
    m3.metric("Withdrawn", int(counts.get("withdrawn", 0)))
    _release_summary(plats, names)
    if f.empty:
        empty("No change of this kind for the chosen platforms and metrics.")
        st.stop()

    f = f.assign(
        series=[
            f"{n} · {_label(p, plabels, rp)} · {_label(m, mlabels, rm)} · {lbl}"
            for n, p, m, lbl, rp, rm in zip(
                series_names(f.platform, f.service),
                f.policy_area,
                f.metric,
                f.period_label,
                f.raw_policy_label,
                f.raw_metric_label,
                strict=True,
            )
        ]
    )
    rated = f[f.relative_change.notna()]
    if not rated.empty:
        top = rated.reindex(rated.relative_change.abs().sort_values(ascending=False).index)[:TOP]
        ch.render(
            [
                ch.layer(
                    "main",
                    {"type": "bar", "tooltip": True},
                    y=ch.enc(
                        "series",
                        "nominal",
                        "",
                        sort="-x",
                        # at most 40 % of the chart's width: on a phone the bars keep their room
                        axis={
                            "labelLimit": {"expr": "max(110, min(480, containerSize()[0] * 0.4))"}
                        },
                    ),
                    x=ch.enc(
                        "relative_change",
                        "quantitative",
                        "relative change (log scale)",
                        # a few changes of thousands of per cent would flatten every other bar
                        scale={"type": "symlog", "constant": 0.01},
                        axis={"format": "+~%", "values": ticks(top.relative_change)},
                    ),
                    color={
                        "condition": {"test": "datum.relative_change < 0", "value": "#c62828"},
                        "value": "#2e7d32",
                    },
                    tooltip=[
                        ch.tip("series"),
                        ch.tip("old_value_text", title="old"),
                        ch.tip("new_value_text", title="new"),
                        ch.tip("old_vintage", title="old release"),
                        ch.tip("new_vintage", title="new release"),
                        ch.tip("relative_change", "quantitative", "change", "+.2%"),
                    ],
                )
            ],
            {
                "main": top[
                    [
                        "series",
                        "relative_change",
                        "old_value_text",
                        "new_value_text",
                        "old_vintage",
                        "new_vintage",
                    ]
                ]
            },
            height=max(120, 24 * len(top)),
            key="revisions_chart",
        )
        chart_caption(
            metric_ids=sorted(present(top.metric.unique())),
            source_ids=sorted(present(top.source_id.unique())),
            vintages=[*top.old_vintage, *top.new_vintage],
            note=f"Relative change of restated values, largest {min(TOP, len(top))} "
            "first: (new − old) ÷ |old|.",
        )
        chart_data(
            top[
                [
                    "series",
                    "platform",
                    "service",
                    "period_label",
                    "relative_change",
                    "old_value",
                    "new_value",
                    "old_value_text",
                    "new_value_text",
                    "old_vintage",
                    "new_vintage",
                    "said_by_publisher",
                    "source_id",
                    "old_url",
                    "new_url",
                ]
            ],
            name="revisions-largest-changes",
            dataset=f"Revisions: the {min(TOP, len(top))} largest relative changes "
            f"({CHANGES[change]})",
            source_ids=sorted(present(top.source_id.unique())),
            urls=[*top.old_url, *top.new_url],
            filters=filters,
            key="dl_revisions_chart",
        )
    table = f[
        [
            "platform",
            "service",
            "scope",
            "period_label",
            "policy_area",
            "metric",
            "old_value",
            "new_value",
            "relative_change",
            "change",
            "old_vintage",
            "new_vintage",
            "said_by_publisher",
            "old_file",
            "new_file",
            "old_url",
            "new_url",
            "old_value_text",
            "new_value_text",
            "raw_policy_label",
            "raw_metric_label",
            "old_snapshot",
            "new_snapshot",
        ]
    ]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "old_value": st.column_config.NumberColumn("old value", format="%,.6g"),
            "new_value": st.column_config.NumberColumn("new value", format="%,.6g"),
            "relative_change": st.column_config.NumberColumn("relative change", format="percent"),
            "said_by_publisher": st.column_config.CheckboxColumn(
                "said so", help="the new file marks or notes the change (else: silent)"
            ),
            "old_url": st.column_config.LinkColumn("old source"),
            "new_url": st.column_config.LinkColumn("new source"),
            **dates("old_vintage", "new_vintage"),
        },
    )
    chart_data(
        table,
        name=f"revisions-{change}",
        dataset=f"Revisions: {CHANGES[change]}",
        source_ids=sorted(present(f.source_id.unique())),
        urls=[*f.old_url.head(50), *f.new_url.head(50)],
        filters=filters,
        key="dl_revisions_table",
    )
