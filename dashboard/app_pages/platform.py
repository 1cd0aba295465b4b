"""Platform profile: every harmonised metric of one platform over time, with the regulator actions
and commitments about it on the same time axis, and its releases (vintages) and restatements."""

import charts as ch
import pandas as pd
import streamlit as st
from data import has, platform_names, q, require_warehouse, series_names
from ui import chart_caption, empty, fmt_amount, md, multiselect, radio, select, toggle

AREAS = {"child": "Child safety policy areas", "all": "All policy areas"}


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
        acts = q(f"""SELECT a.date, a.regulator, a.jurisdiction, {label} AS action,
                            a.amount, a.currency, a.amount_eur, a.amount_usd, a.status, a.summary,
                            a.legal_basis, a.case_id, a.source_url
                     FROM actions a {join}
                     WHERE a.platform = ? ORDER BY a.date""", platform)
    com = pd.DataFrame()
    if has("commitments"):
        com = q("""SELECT made_on, due, committed_to, commitment, status, source_url, evidence_url
                   FROM commitments WHERE platform = ? ORDER BY made_on""", platform)
    return acts, com


st.title("Platform profile")
if require_warehouse():
    platforms = _platforms()
    if not platforms:
        empty("The warehouse holds no platform observations or regulator actions yet.")
        st.stop()
    names = platform_names()
    platform = select("Platform", platforms, "platform",
                      default="meta" if "meta" in platforms else platforms[0],
                      format_func=lambda p: names.get(p, p))
    acts, com = _events(platform)

    obs = q("""SELECT o.service, o.scope, o.policy_area, coalesce(p.label, o.raw_policy_label)
                      AS policy, nullif(p.csea_family, '') AS csea_family, o.metric, m.label AS metric_label, o.unit,
                      o.period_start, o.period_end, o.period_label, o.value, o.value_text,
                      o.qualifier, o.vintage, o.is_current, o.source_id, o.raw_policy_label,
                      o.raw_metric_label
               FROM observations o LEFT JOIN policy_areas p USING (policy_area)
               LEFT JOIN metrics m USING (metric)
               WHERE o.platform = ? AND o.value IS NOT NULL
               ORDER BY o.metric, o.period_start""", platform)
    restated = q("""SELECT DISTINCT source_id, service, scope, policy_area, metric, period_start,
                           new_vintage, old_value, new_value
                    FROM revisions WHERE platform = ? AND change = 'restated'""", platform)

    c1, c2, c3 = st.columns([2, 2, 1])
    with c1:
        has_child = (not obs.empty) and obs.csea_family.notna().any()
        areas = radio("Policy areas", list(AREAS), "areas", default="child" if has_child else "all",
                      format_func=AREAS.get)
    if areas == "child":
        obs = obs[obs.csea_family.notna()]
    with c2:
        available = obs.drop_duplicates("metric")[["metric", "metric_label"]]
        labels = dict(zip(available.metric, available.metric_label.fillna(available.metric),
                          strict=True))
        chosen = multiselect("Metrics", list(labels), "metrics",
                             format_func=lambda m: labels.get(m, m), placeholder="all metrics",
                             help="Leave empty to chart every metric of this platform.")
        chosen = chosen or list(labels)
    with c3:
        show_vintages = toggle("Show earlier releases", "vintages", default=False,
                               help="Draw values as first published in earlier releases (vintages) "
                                    "beside the current ones.")

    st.caption(f"{md(names.get(platform, platform))}: "
               f"{obs.loc[obs.is_current].shape[0]:,} current values shown, "
               f"{0 if acts.empty else len(acts)} regulator actions, "
               f"{0 if com.empty else len(com)} commitments. Red dashed lines: regulator actions; "
               "green dotted lines: commitments made (hover for details). Ringed points were "
               "restated in a later release.")

    if obs.empty:
        empty(f"No published numbers for {names.get(platform, platform)} in this warehouse"
              + (" in the child-safety policy areas (switch to all policy areas)."
                 if areas == "child" else ".")
              + " Regulator actions and commitments are listed below.")

    datasets: dict[str, pd.DataFrame] = {}
    event_layers = []
    if not acts.empty:
        datasets["actions"] = acts.assign(label=acts.regulator + ": " + acts.action)[
            ["date", "label", "regulator", "action", "status"]]
        event_layers.append(ch.rules("actions", tooltip=[
            ch.tip("date", "temporal"), ch.tip("regulator"), ch.tip("action"),
            ch.tip("status")]))
    if not com.empty:
        datasets["commitments"] = com.rename(columns={"made_on": "date"})[
            ["date", "committed_to", "commitment", "status"]]
        event_layers.append(ch.rules("commitments", color="#1e8449", dash=(2, 2), tooltip=[
            ch.tip("date", "temporal", "made on"), ch.tip("committed_to", title="committed to"),
            ch.tip("commitment"), ch.tip("status")]))

    if not obs.empty:
        obs = obs.assign(series=[
            f"{n} · {pol}" + ("" if sc == "global" else f" · {sc}")
            for n, pol, sc in zip(series_names([platform] * len(obs), obs.service), obs.policy,
                                  obs.scope, strict=True)])
    tips = [ch.tip("series"), ch.tip("period_label", title="period"),
            ch.tip("value", "quantitative", fmt=",.4~g"), ch.tip("value_text", title="as printed"),
            ch.tip("vintage", title="release (vintage)"), ch.tip("raw_policy_label", title="policy as printed"),
            ch.tip("source_id", title="source")]
    cols = ["series", "period_start", "period_label", "value", "value_text", "vintage",
            "raw_policy_label", "source_id"]
    for metric in chosen:
        m = obs[obs.metric == metric]
        if m.empty:
            continue
        cur = m[m.is_current]
        st.subheader(str(m.metric_label.iloc[0] or metric))
        data = dict(datasets, current=cur[cols])
        layers = [ch.series_lines("current", x="period_start", y="value", color="series",
                                  x_title="period (start)", y_title=str(m.unit.iloc[0] or ""),
                                  tooltip=tips)]
        if not restated.empty:
            r = cur.merge(restated[restated.metric == metric][
                ["source_id", "service", "scope", "policy_area", "period_start"]],
                on=["source_id", "service", "scope", "policy_area", "period_start"])
            if not r.empty:
                data["restated"] = r[cols]
                layers.append(ch.layer("restated", {"type": "point", "size": 160,
                                                    "color": "#b03a2e", "filled": False,
                                                    "strokeWidth": 2},
                                       x=ch.enc("period_start", "temporal"),
                                       y=ch.enc("value", "quantitative"), tooltip=tips))
        if show_vintages and (~m.is_current).any():
            data["earlier"] = m.loc[~m.is_current, cols]
            layers.append(ch.layer("earlier", {"type": "point", "shape": "diamond",
                                               "color": "grey", "size": 50},
                                   x=ch.enc("period_start", "temporal"),
                                   y=ch.enc("value", "quantitative"), tooltip=tips))
        ch.render([*layers, *event_layers], data, key=f"chart_{metric}")
        chart_caption(metric_ids=[metric], source_ids=sorted(m.source_id.unique()),
                      vintages=cur.vintage.tolist(),
                      note="Current values (latest release of each number)"
                           + ("; grey diamonds: values as published in earlier releases."
                              if show_vintages else "."))

    # ---------------------------------------------------------------- actions and commitments
    st.subheader("Regulator actions")
    if not has("actions"):
        empty("This warehouse has no regulator-actions table (built without the regulator "
              "sources), so no actions can be shown.")
    elif acts.empty:
        empty(f"No regulator actions about {names.get(platform, platform)} are recorded.")
    else:
        shown = acts.assign(amount=[fmt_amount(a, c) for a, c in zip(acts.amount, acts.currency,
                                                                     strict=True)])
        st.dataframe(shown[["date", "regulator", "jurisdiction", "action", "amount", "amount_eur",
                            "amount_usd", "status", "summary", "legal_basis", "case_id",
                            "source_url"]],
                     hide_index=True, width="stretch",
                     column_config={"source_url": st.column_config.LinkColumn("source"),
                                    "amount_eur": st.column_config.NumberColumn("≈ EUR",
                                                                                format="%,.0f"),
                                    "amount_usd": st.column_config.NumberColumn("≈ USD",
                                                                                format="%,.0f")})
    st.subheader("Commitments")
    if not has("commitments"):
        empty("This warehouse has no commitments table (built without the regulator sources).")
    elif com.empty:
        empty(f"No commitments by {names.get(platform, platform)} are recorded.")
    else:
        st.dataframe(com, hide_index=True, width="stretch",
                     column_config={"source_url": st.column_config.LinkColumn("source"),
                                    "evidence_url": st.column_config.LinkColumn("evidence")})

    # ---------------------------------------------------------------- vintages
    st.subheader("Releases and restatements")
    rel = q("""SELECT sn.vintage, sn.source_id, sn.filename, count(*) AS values_about_platform,
                      sn.retrieved_at, sn.url
               FROM observations o JOIN snapshots sn ON sn.sha256 = o.snapshot_sha256
               WHERE o.platform = ? GROUP BY ALL ORDER BY sn.vintage""", platform)
    if rel.empty:
        empty("No releases with numbers about this platform.")
    else:
        st.dataframe(rel, hide_index=True, width="stretch",
                     column_config={"url": st.column_config.LinkColumn("url")})
        n = len(restated)
        st.caption(f"{n:,} value(s) about this platform were restated in a later release."
                   if n else "No value about this platform has been restated so far.")
        if n:
            st.page_link("app_pages/revisions.py", label="See the restated values",
                         icon=":material/history:")
