"""Shared page parts: filters bound to the URL, captions, empty states, downloads, chart layers.

Text that comes from the warehouse (labels, summaries, URLs printed by a source) is escaped before
it reaches Markdown, and no element is rendered with ``unsafe_allow_html``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd
import pyarrow as pa
import streamlit as st

from transparency.publishing import table_download as exports

from data import metrics, q, sources_info

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$&:])")


def md(text: object) -> str:
    """Escape a value for Markdown so scraped text shows literally (no links, images, HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def empty(message: str) -> None:
    """An explanatory empty state: what is missing and why (the message is ours, not data)."""
    st.info(message, icon=":material/info:")


# ------------------------------------------------------------------ filters bound to the URL


def _nearest(raw: str, options: list, format_func: Callable):
    """The option a URL value means: shown text or id, case-insensitive; else the closest shown
    text (difflib); None when nothing is close."""
    want = raw.strip().casefold()
    for o in options:
        if want in (str(format_func(o)).casefold(), str(o).casefold()):
            return o, True
    shown = {str(format_func(o)).casefold(): o for o in options}
    ids = {str(o).casefold(): o for o in options}
    close = difflib.get_close_matches(
        want, list(shown), n=1, cutoff=0.6
    ) or difflib.get_close_matches(want, list(ids), n=1, cutoff=0.6)
    if close:
        return shown.get(close[0], ids.get(close[0])), False
    return None, False


def _url_notice(label: str, raw: str, got, format_func: Callable, fallback) -> None:
    if got is not None:
        st.warning(
            f"“{md(raw)}” is not a {md(label.lower())} on this page; showing the nearest "
            f"choice, **{md(format_func(got))}**.",
            icon=":material/link_off:",
        )
    else:
        st.warning(
            f"“{md(raw)}” is not a {md(label.lower())} on this page; showing "
            f"**{md(format_func(fallback))}** instead (choose another below).",
            icon=":material/link_off:",
        )


def _from_url(label: str, key: str, options: list, format_func: Callable, default):
    """Validate ``?key=`` before the widget reads it: an exact or case-insensitive match of an
    option's shown text or id is used; anything else gives a visible notice and the nearest
    valid choice. The choice is remembered for the session (the URL value is cleared once the
    widget has read it)."""
    memo = f"_url_{key}"
    raw = st.query_params.get(key)
    if raw is None or key in st.session_state:
        return st.session_state.get(memo, default)
    if any(raw == str(format_func(o)) for o in options):
        return default
    got, exact = _nearest(raw, options, format_func)
    if not exact:
        _url_notice(label, raw, got, format_func, default if default in options else options[0])
    if got is not None:
        st.session_state[memo] = got
        return got
    return default


def select(
    label: str,
    options: Sequence,
    key: str,
    *,
    default=None,
    format_func: Callable = str,
    help: str | None = None,
):
    """A selectbox whose value lives in the URL (``?key=value``) so a view can be shared. A URL
    value that is not an option gives a notice and the nearest option (case-insensitive)."""
    options = list(options)
    if not options:
        return None
    default = _from_url(label, key, options, format_func, default)
    index = options.index(default) if default in options else 0
    return st.selectbox(
        label,
        options,
        index=index,
        key=key,
        format_func=format_func,
        help=help,
        bind="query-params",
    )


def multiselect(
    label: str,
    options: Sequence,
    key: str,
    *,
    default: Sequence = (),
    format_func: Callable = str,
    help: str | None = None,
    placeholder: str | None = None,
) -> list:
    options = list(options)
    default = [d for d in default if d in options]
    raw = st.query_params.get_all(key)
    memo = f"_url_{key}"
    if raw and key not in st.session_state:
        shown = {str(format_func(o)) for o in options}
        picked, unknown = [], []
        for r in raw:
            if r in shown:
                continue
            got, exact = _nearest(r, options, format_func)
            if got is not None and exact:
                picked.append(got)
            else:
                unknown.append(r)
        if unknown:
            st.warning(
                f"Not a {md(label.lower())} on this page, left out: "
                + ", ".join(f"“{md(u)}”" for u in unknown)
                + ".",
                icon=":material/link_off:",
            )
        if picked:
            keep = [o for o in options if str(format_func(o)) in set(raw)]
            st.session_state[memo] = list(dict.fromkeys(keep + picked))
    default = st.session_state.get(memo, default)
    return st.multiselect(
        label,
        options,
        default=default,
        key=key,
        format_func=format_func,
        help=help,
        placeholder=placeholder,
        bind="query-params",
    )


def radio(
    label: str,
    options: Sequence,
    key: str,
    *,
    default=None,
    format_func: Callable = str,
    help: str | None = None,
):
    options = list(options)
    default = _from_url(label, key, options, format_func, default)
    index = options.index(default) if default in options else 0
    return st.radio(
        label,
        options,
        index=index,
        key=key,
        format_func=format_func,
        help=help,
        horizontal=True,
        bind="query-params",
    )


def date_range(
    label: str, lo: date, hi: date, key: str, *, start: date | None = None
) -> tuple[date, date]:
    """Start and end dates (two bound date inputs, ``?key_from=…&key_to=…``); the range opens
    on ``start`` … ``hi`` (default: everything)."""
    a, b = st.columns(2)
    start = a.date_input(
        f"{label}: from",
        value=start or lo,
        min_value=lo,
        max_value=hi,
        key=f"{key}_from",
        bind="query-params",
    )
    end = b.date_input(
        f"{label}: to", value=hi, min_value=lo, max_value=hi, key=f"{key}_to", bind="query-params"
    )
    start = start or lo
    end = end or hi
    return (start, end) if start <= end else (end, start)


# ------------------------------------------------------------------ captions


FOLD_AT = 420  # characters of a chart caption shown before the rest folds into an expander


def chart_caption(
    *,
    metric_ids: Sequence[str] = (),
    source_ids: Sequence[str] = (),
    vintages: Sequence = (),
    note: str = "",
) -> None:
    """Caption every chart with metric definition, unit, sources and vintage. A long caption
    folds: the definitions stay in view, sources, vintage and notes open on a click (phones)."""
    head = caption_text(metric_ids=metric_ids)
    rest = caption_text(source_ids=source_ids, vintages=vintages, note=note)
    if len(head) + len(rest) <= FOLD_AT or not head or not rest:
        st.caption(" ".join(p for p in (head, rest) if p))
        return
    st.caption(head)
    with st.expander("Sources, vintage and notes", icon=":material/info:"):
        st.caption(rest)


def present(values) -> list:
    """The values that are set: unmapped labels leave harmonised ids NULL (None or NaN)."""
    return [v for v in values if v is not None and not (isinstance(v, float) and pd.isna(v))]


def caption_text(
    *,
    metric_ids: Sequence[str] = (),
    source_ids: Sequence[str] = (),
    vintages: Sequence = (),
    note: str = "",
) -> str:
    parts: list[str] = []
    known = metrics()
    for m in dict.fromkeys(present(metric_ids)):
        got = known.get(m)
        if got:
            parts.append(
                f"**{md(got.label)}** ({md(m)}): {md(got.definition)}. Unit: {md(got.unit)}."
            )
        else:
            parts.append(f"**{md(m)}**.")
    src = sources_info(present(source_ids))
    if src:
        parts.append(
            "Sources: "
            + "; ".join(
                f"{md(r['publisher'])}, {md(r['title'])} ({md(r['source_id'])}; {md(r['licence'])})"
                for r in src
            )
            + "."
        )
    vs = sorted({str(v)[:10] for v in vintages if v is not None and not pd.isna(v)})
    if vs:
        span = vs[0] if len(vs) == 1 else f"{vs[0]} … {vs[-1]} ({len(vs)} releases)"
        parts.append(f"Vintage: {md(span)}.")
    if note:
        parts.append(note)
    return " ".join(parts)


# ------------------------------------------------------------------ downloads


def downloads(
    rows: pd.DataFrame | pa.Table,
    *,
    name: str,
    dataset: str,
    source_ids: Sequence[str] = (),
    filters: dict | None = None,
    key: str = "dl",
) -> str:
    """CSV and Parquet of exactly ``rows`` plus its citation line; returns the citation.
    The files are made only when a button is pressed."""
    src = sources_info([s for s in source_ids if s])
    n = rows.num_rows if isinstance(rows, pa.Table) else len(rows)
    cite = exports.citation(
        [
            {
                "publisher": r["publisher"],
                "title": r["title"],
                "url": r["homepage"],
                "licence": r["licence"],
                "retrieved": r["retrieved"],
            }
            for r in src
        ],
        dataset=dataset,
        filters=filters,
        rows=n,
    )

    def frame() -> pd.DataFrame:
        return rows.to_pandas() if isinstance(rows, pa.Table) else rows

    a, b = st.columns(2)
    a.download_button(
        "Download CSV",
        data=lambda: exports.to_csv_bytes(frame()),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    b.download_button(
        "Download Parquet",
        data=lambda: exports.to_parquet_bytes(frame(), citation_line=cite),
        file_name=f"{name}.parquet",
        mime="application/vnd.apache.parquet",
        key=f"{key}_parquet",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption("Cite as:")
    st.code(cite, language=None, wrap_lines=True)
    return cite


# ------------------------------------------------------------------ formatting


def fmt_number(v: object) -> str:
    if v is None or pd.isna(v):
        return "—"
    f = float(v)
    return f"{int(f):,}" if f.is_integer() else f"{f:,.4g}"


def fmt_amount(amount: object, currency: object) -> str:
    if amount is None or pd.isna(amount):
        return "—"
    return f"{currency or ''} {float(amount):,.0f}".strip()


def distinct(sql: str, *params: object) -> list:
    df = q(sql, *params)
    return [] if df.empty else [v for v in df.iloc[:, 0].tolist() if v is not None]


def dates(*columns: str) -> dict:
    """Column settings that show these date columns as dates (not midnight timestamps)."""
    return {c: st.column_config.DateColumn(c, format="YYYY-MM-DD") for c in columns}


def toggle(label: str, key: str, *, default: bool = False, help: str | None = None) -> bool:
    return st.toggle(label, value=default, key=key, help=help, bind="query-params")


# ------------------------------------------------------------------ per-chart data and sources


def chart_data(
    rows: pd.DataFrame | pa.Table,
    *,
    name: str,
    dataset: str,
    source_ids: Sequence[str] = (),
    urls: Sequence[str] = (),
    filters: dict | None = None,
    key: str,
) -> None:
    """Under a chart: the data it shows (CSV/Parquet of exactly those rows, with a citation line)
    and links to the source documents (the sources' home pages and each release's own URL)."""
    with st.expander("Data shown, citation and source documents", icon=":material/table_view:"):
        downloads(rows, name=name, dataset=dataset, source_ids=source_ids, filters=filters, key=key)
        links = [
            f"[{md(r['publisher'])}: {md(r['title'])}]({r['homepage']})"
            for r in sources_info([s for s in source_ids if s])
            if str(r.get("homepage") or "").startswith(("http://", "https://"))
        ]
        links += [
            f"[{md(u)}]({u})"
            for u in dict.fromkeys(present(urls))
            if str(u).startswith(("http://", "https://")) and " " not in str(u)
        ]
        if links:
            st.markdown("Source documents:\n" + "\n".join(f"- {x}" for x in links))


def fmt_amount_full(amount: object, currency: object, amount_eur: object = None) -> str:
    """'AUD 610,500 (≈ EUR 372,405)': the amount in full in its own currency, and in euros."""
    if amount is None or pd.isna(amount):
        return "—"
    out = f"{currency or ''} {float(amount):,.0f}".strip()
    if amount_eur is not None and not pd.isna(amount_eur) and str(currency or "") != "EUR":
        out += f" (≈ EUR {float(amount_eur):,.0f})"
    return out


def blank(df: pd.DataFrame, *cols: str, text: str = "—") -> pd.DataFrame:
    """Show missing values in these columns as a dash, never 'None'."""
    out = df.copy()
    for c in cols:
        if c in out:
            out[c] = [text if v is None or pd.isna(v) else v for v in out[c]]
    return out
