"""The DSA section of the coverage page: which DSA reports the platforms' report-list pages
list (table ``dsa_report_list``), the timeliness of their transparency reports against the legal
due dates, and what changed between two captures of one page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import has, q
from ui import dates, empty, md

# Art. 15, 24 and 42 DSA with Implementing Regulation (EU) 2024/2835: a very large platform's
# transparency report covers a half-year (1 Jan-30 Jun, 1 Jul-31 Dec) and is due two months
# after the period ends.
DUE_MONTHS = 2
FIRST_HALF_YEAR = "2024-01-01"  # the first full half-year after the first designations (2023)


def expected_half_years(listed: pd.DataFrame) -> pd.DataFrame:
    """Per service and capture: every half-year from FIRST_HALF_YEAR whose due date had passed
    when the page was captured, and the transparency report listed for it: one whose printed
    period overlaps it, else one printed only with a publication month between the half-year's
    end and three months after its due date. A page with no dated transparency report at all
    gets one row saying so (its reports may sit behind scripts or on another page)."""
    rows = []
    for (service, capture), part in listed.groupby(["service", "capture"]):
        reports = part[part.kind == "transparency report"]
        dated = reports[reports.period_end.notna() | reports.published.notna()]
        if dated.empty:
            rows.append(
                {
                    "service": service,
                    "capture": capture,
                    "half_year": None,
                    "due": None,
                    "status": "no dated transparency report on this page",
                    "report": None,
                    "url": None,
                }
            )
            continue
        start = pd.Timestamp(FIRST_HALF_YEAR)
        while True:
            end = start + pd.DateOffset(months=6) - pd.Timedelta(days=1)
            due = end + pd.DateOffset(months=DUE_MONTHS) + pd.offsets.MonthEnd(0)
            if due > pd.Timestamp(capture):
                break
            hit = dated[
                (pd.to_datetime(dated.period_start) <= end)
                & (pd.to_datetime(dated.period_end) >= start)
            ]
            status = "listed"
            if hit.empty:
                published = pd.to_datetime(dated.published)
                hit = dated[
                    dated.period_end.isna()
                    & (published > end)
                    & (published <= due + pd.DateOffset(months=3))
                ].sort_values("published")
                late = not hit.empty and pd.Timestamp(hit.published.iloc[0]) > due
                status = (
                    f"listed, period not printed (published {str(hit.published.iloc[0])[:7]}"
                    + (", after the due date)" if late else ")")
                    if not hit.empty
                    else "not listed by the capture date"
                )
            rows.append(
                {
                    "service": service,
                    "capture": capture,
                    "half_year": f"{start.year}-H{1 if start.month == 1 else 2}",
                    "due": due.date(),
                    "status": status,
                    "report": hit.title.iloc[0] if not hit.empty else None,
                    "url": hit.url.iloc[0] if not hit.empty else None,
                }
            )
            start = start + pd.DateOffset(months=6)
    return pd.DataFrame(rows)


def capture_changes(listed: pd.DataFrame) -> pd.DataFrame:
    """Reports added, removed or retitled between consecutive captures of one service's page
    (a report is its address)."""
    rows = []
    for service, part in listed.groupby("service"):
        caps = sorted(part.capture.unique())
        for old, new in zip(caps, caps[1:], strict=False):
            before = part[part.capture == old].groupby("url").title.first()
            after = part[part.capture == new].groupby("url").title.first()
            for url in after.index.union(before.index):
                if url not in before.index:
                    change, title, was = "added", after[url], None
                elif url not in after.index:
                    change, title, was = "removed", before[url], None
                elif before[url] != after[url]:
                    change, title, was = "title changed", after[url], before[url]
                else:
                    continue
                rows.append(
                    {
                        "service": service,
                        "from": old,
                        "to": new,
                        "change": change,
                        "title": title,
                        "earlier title": was,
                        "url": url,
                    }
                )
    return pd.DataFrame(rows)


def section() -> None:
    st.subheader("DSA reports: what the platforms list, and when it was due")
    if not has("dsa_report_list"):
        empty("This warehouse has no DSA report lists (source dsa_report_lists).")
        return
    listed = q(
        """SELECT service, platform, strftime(capture, '%Y-%m-%d') AS capture, title, kind,
                  period_start, period_end, published, url, page_url
           FROM dsa_report_list ORDER BY service, capture, kind, period_start NULLS LAST, title"""
    )
    if listed.empty:
        empty("No DSA report list has been read into this warehouse.")
        return
    latest = listed[listed.capture == listed.groupby("service").capture.transform("max")]
    timely = q(
        """SELECT service, title, period_start, period_end, due, published, timeliness,
                  days_after_due, url
           FROM dsa_report_timeliness t
           WHERE kind = 'transparency report'
             AND capture = (SELECT max(capture) FROM dsa_report_list l
                            WHERE l.service = t.service)
           ORDER BY service, period_start"""
    )
    halves = expected_half_years(latest)
    if not halves.empty:
        st.dataframe(
            halves,
            hide_index=True,
            width="stretch",
            column_config={"url": st.column_config.LinkColumn("link"), **dates("due")},
        )
    n_missing = (
        int((halves.status == "not listed by the capture date").sum()) if not halves.empty else 0
    )
    st.caption(
        md(
            "Transparency reports of very large platforms cover half-years and are due two "
            "months after the half-year ends (DSA Art. 15, 24, 42; Implementing Regulation (EU) "
            "2024/2835). Per service and the latest capture of its report-list page: every "
            f"half-year from {FIRST_HALF_YEAR[:4]}-H1 due before the capture, and the report "
            "listed for it: by its printed period, or (Apple and LinkedIn print only a "
            "publication month) by a publication between the half-year's end and three months "
            f"after its due date. {n_missing} half-year(s) have no such report on the page: "
            "overdue, or listed where the page does not date it."
        )
    )
    if not timely.empty:
        st.dataframe(
            timely,
            hide_index=True,
            width="stretch",
            column_config={
                "url": st.column_config.LinkColumn("report"),
                **dates("period_start", "period_end", "due", "published"),
            },
        )
        st.caption(
            "Listed transparency reports with a printed period, against their due date; a "
            "page that prints no publication date leaves the timeliness open."
        )
    changes = capture_changes(listed)
    if not changes.empty:
        st.markdown("**What changed between two captures of a page**")
        st.dataframe(
            changes,
            hide_index=True,
            width="stretch",
            column_config={"url": st.column_config.LinkColumn("report")},
        )
        st.caption(
            md(
                "Reports that appeared on (or disappeared from) a platform's report-list page "
                "between two captures by Open Terms Archive (OpenTermsArchive/dsa-reports-"
                "snapshots)."
            )
        )
    with st.expander(f"Every listed DSA report ({len(listed)} rows, all captures)"):
        st.dataframe(
            listed,
            hide_index=True,
            width="stretch",
            column_config={
                "url": st.column_config.LinkColumn("report"),
                "page_url": st.column_config.LinkColumn("page"),
                **dates("period_start", "period_end", "published"),
            },
        )
    st.caption(
        md(
            f"Source: the platforms' own DSA report pages ({latest.service.nunique()} services), "
            "as captured by Open Terms Archive; titles, periods and publication months as "
            "printed (a month printed as the publication is dated the 1st)."
        )
    )
