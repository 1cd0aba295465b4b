"""Regulator actions: a timeline and a table filterable by regulator, jurisdiction, platform, legal
basis, action type and date; amounts in the original currency and in EUR/USD; each case expands to
its events."""

import pandas as pd
import pyarrow as pa
import streamlit as st

import charts as ch
from data import has, platform_names, q, require_warehouse
from ui import date_range, dates, empty, fmt_amount, md, multiselect

MAX_CASES = 40


def _actions() -> pd.DataFrame:
    types = has("action_types")
    kinds = has("authority_kinds")  # warehouses built before the worldwide register lack it
    return q(f"""SELECT a.action_id, a.case_id, a.date, a.date_precision, a.regulator,
                        a.jurisdiction, a.legal_basis, a.platform, a.service,
                        a.raw_platform_label, a.action_type,
                        {
        "coalesce(t.label, a.action_type)" if types else "a.action_type"
    } AS action,
                        {"t.stage" if types else "NULL"} AS stage,
                        a.amount, a.currency, a.amount_eur, a.amount_usd, a.status, a.summary,
                        a.source_url, a.confidence,
                        {"coalesce(k.label, r.kind)" if kinds else "NULL"} AS authority_kind,
                        {"a.amount_kind" if kinds else "NULL"} AS amount_kind
                 FROM actions a {"LEFT JOIN action_types t USING (action_type)" if types else ""}
                 {
        "LEFT JOIN regulators r ON r.regulator_id = a.regulator_id "
        "LEFT JOIN authority_kinds k ON k.kind = r.kind"
        if kinds
        else ""
    }
                 ORDER BY a.date DESC NULLS LAST, a.regulator""")


st.title("Regulator actions")
st.caption(
    "Enforcement and supervisory actions of regulators and courts against platforms: "
    "notices, investigations, findings, fines, commitments, judgments."
)
if require_warehouse():
    if not has("actions"):
        empty(
            "This warehouse has no regulator-actions table: it was built without the regulator "
            "sources (eSafety, Ofcom, European Commission, FTC, DPC, …). Rebuild with a version "
            "of the tool that includes them."
        )
        st.stop()
    acts = _actions()
    if acts.empty:
        empty("The regulator-actions table is empty: no regulator source has produced rows yet.")
        st.stop()
    names = platform_names()
    acts["platform_name"] = acts.platform.map(lambda p: names.get(p, p) if p else "")

    with st.container(border=True):
        f1, f2, f3 = st.columns(3)
        regs = f1.container()
        with regs:
            reg = multiselect(
                "Regulator",
                sorted(acts.regulator.dropna().unique()),
                "regulator",
                placeholder="all regulators",
            )
        with f2:
            jur = multiselect(
                "Jurisdiction",
                sorted(acts.jurisdiction.dropna().unique()),
                "jurisdiction",
                placeholder="all jurisdictions",
            )
        with f3:
            plat = multiselect(
                "Platform",
                sorted(acts.platform.dropna().unique(), key=lambda p: names.get(p, p).lower()),
                "platform",
                format_func=lambda p: names.get(p, p),
                placeholder="all platforms",
            )
        f4, f5, f6 = st.columns(3)
        type_labels = dict(zip(acts.action_type, acts.action, strict=False))
        with f4:
            kinds = multiselect(
                "Action type",
                sorted(type_labels, key=lambda t: type_labels[t]),
                "type",
                format_func=lambda t: type_labels.get(t, t),
                placeholder="all action types",
            )
        with f6:
            authority = multiselect(
                "Kind of authority",
                sorted(acts.authority_kind.dropna().unique()),
                "authority",
                placeholder="all kinds (regulators, courts, …)",
            )
        with f5:
            basis = st.text_input(
                "Legal basis contains",
                key="basis",
                bind="query-params",
                placeholder="e.g. DSA Art 28, COPPA, Online Safety Act",
            )
        days = pd.to_datetime(acts.date.dropna())
        start, end = date_range("Date", days.min().date(), days.max().date(), "date")

    f = acts
    if reg:
        f = f[f.regulator.isin(reg)]
    if jur:
        f = f[f.jurisdiction.isin(jur)]
    if plat:
        f = f[f.platform.isin(plat)]
    if kinds:
        f = f[f.action_type.isin(kinds)]
    if authority:
        f = f[f.authority_kind.isin(authority)]
    if basis:
        f = f[f.legal_basis.fillna("").str.contains(basis, case=False, regex=False)]
    d = pd.to_datetime(f.date)
    f = f[(d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))]

    st.caption(f"{len(f):,} of {len(acts):,} actions match.")
    if f.empty:
        empty("No action matches these filters.")
        st.stop()

    # ---------------------------------------------------------------- timeline
    # one row per regulator while they fit; with the worldwide register (hundreds of regulators and
    # courts) one row per kind of authority, regulator and jurisdiction in the tooltip
    if f.regulator.nunique() <= 25:
        by = "regulator"
    else:
        by = "authority_kind" if f.authority_kind.notna().any() else "jurisdiction"
    tl = f.assign(
        amount_shown=[fmt_amount(a, c) for a, c in zip(f.amount, f.currency, strict=True)],
        # a daily penalty, suspended amount or maximum is not a sanction's size
        size=f.amount_eur.where(
            f.amount_kind.isin(["total", "per_platform"]) | f.amount_kind.isna()
        ).fillna(0),
    )
    ch.render(
        [
            ch.layer(
                "main",
                {"type": "point", "filled": True, "opacity": 0.8},
                x=ch.enc("date", "temporal", "date", axis={"format": "%Y", "tickCount": "year"}),
                y=ch.enc(by, "nominal", "", sort="ascending", axis={"labelLimit": 260}),
                color=ch.enc(
                    "stage" if tl.stage.notna().any() else "action",
                    "nominal",
                    "stage",
                    legend={"orient": "bottom"},
                ),
                size=ch.enc(
                    "size",
                    "quantitative",
                    "amount (≈ EUR)",
                    scale={"range": [40, 900]},
                    legend=None,
                ),
                tooltip=[
                    ch.tip("date", "temporal"),
                    ch.tip("regulator"),
                    *([ch.tip(by, title=by.replace("_", " "))] if by != "regulator" else []),
                    ch.tip("platform_name", title="platform"),
                    ch.tip("action"),
                    ch.tip("amount_shown", title="amount"),
                    ch.tip("status"),
                ],
            )
        ],
        {
            "main": tl[
                [
                    "date",
                    "regulator",
                    *([by] if by != "regulator" else []),
                    "platform_name",
                    "action",
                    "stage",
                    "size",
                    "amount_shown",
                    "status",
                ]
            ]
        },
        height=max(220, 28 * f[by].nunique()),
        key="actions_timeline",
    )
    st.caption(
        "**Regulator actions**: one point per action (notice, investigation, finding, "
        "fine, commitment, judgment) on its date — the date the action was taken where "
        "known, else its announcement. Unit: actions; point size: amount converted to "
        "EUR. Sources: each action's source URL in the table below. Vintage: as recorded "
        f"in this warehouse build (latest action dated {md(str(acts.date.max())[:10])})."
    )

    # ---------------------------------------------------------------- table
    table = f.assign(
        amount=[
            fmt_amount(a, c)
            + (f" ({k.replace('_', ' ')})" if isinstance(k, str) and k != "total" else "")
            for a, c, k in zip(f.amount, f.currency, f.amount_kind, strict=True)
        ]
    )
    st.dataframe(
        table[
            [
                "date",
                "date_precision",
                "regulator",
                "authority_kind",
                "jurisdiction",
                "platform_name",
                "raw_platform_label",
                "action",
                "amount",
                "amount_eur",
                "amount_usd",
                "status",
                "summary",
                "legal_basis",
                "case_id",
                "confidence",
                "source_url",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "platform_name": "platform",
            "authority_kind": "kind of authority",
            "date_precision": "precision",
            "raw_platform_label": "respondent as named",
            "amount": st.column_config.TextColumn("amount (original currency)", width="medium"),
            "amount_eur": st.column_config.NumberColumn("≈ EUR", format="%,.0f"),
            "amount_usd": st.column_config.NumberColumn("≈ USD", format="%,.0f"),
            "source_url": st.column_config.LinkColumn("source"),
            **dates("date"),
        },
    )
    st.caption(
        "Amounts: the headline sanction in its original currency; EUR and USD as converted "
        "in the warehouse (at the rate of the action's date), for orientation only."
    )

    # ---------------------------------------------------------------- cases
    st.subheader("Cases")
    if not has("cases"):
        empty("This warehouse has no cases table, so actions cannot be grouped into cases.")
    else:
        ids = [c for c in dict.fromkeys(f.case_id.dropna()) if c]
        cases = q("""SELECT case_id, title, regulator, jurisdiction, platform, first_date,
                            last_date, status, events FROM cases
                     ORDER BY last_date DESC, case_id""")
        cases = cases[cases.case_id.isin(ids)]
        if cases.empty:
            empty("None of the matching actions belongs to a recorded case.")
        top = cases.head(MAX_CASES)
        # every shown case's events as one Arrow table, sliced per case (one conversion, not one
        # per expander: 40 pandas selections and conversions cost ~0.5 s)
        ev = acts[acts.case_id.isin(set(top.case_id))].sort_values(
            ["case_id", "date"], kind="stable"
        )
        ev = pa.Table.from_pandas(
            ev.assign(
                amount=[fmt_amount(a, cur) for a, cur in zip(ev.amount, ev.currency, strict=True)]
            )[["case_id", "date", "action", "amount", "status", "summary", "source_url"]],
            preserve_index=False,
        )
        spans: dict[str, list[int]] = {}
        for i, cid in enumerate(ev["case_id"].to_pylist()):
            spans.setdefault(cid, [i, 0])[1] += 1
        for c in top.itertuples():
            label = (
                f"{md(c.title or c.case_id)} — {md(c.regulator)}, "
                f"{int(c.events or 0)} event(s), {str(c.first_date)[:10]} … "
                f"{str(c.last_date)[:10]} ({md(c.status)})"
            )
            with st.expander(label):
                first, n = spans.get(c.case_id, [0, 0])
                st.dataframe(
                    ev.slice(first, n).drop_columns(["case_id"]),
                    hide_index=True,
                    width="stretch",
                    column_config={
                        "source_url": st.column_config.LinkColumn("source"),
                        **dates("date"),
                    },
                )
        if len(cases) > MAX_CASES:
            st.caption(f"{len(cases) - MAX_CASES} more cases: narrow the filters to see them.")
