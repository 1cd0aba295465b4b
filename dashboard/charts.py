"""Vega-Lite chart specs as plain dicts, rendered with ``st.vega_lite_chart``.

Why not Altair objects: building and validating an Altair chart costs ~40 ms of CPU per chart,
which alone would blow the 500 ms page budget on pages with several charts; a dict spec costs
microseconds. Data travel as named datasets (Arrow), one per layer source, never inlined as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

Spec = dict[str, Any]


def tip(
    field: str, kind: str = "nominal", title: str | None = None, fmt: str | None = None
) -> dict:
    t: dict[str, Any] = {"field": field, "type": kind, "title": title or field}
    if fmt:
        t["format"] = fmt
    return t


def enc(field: str, kind: str, title: str | None = None, **extra: Any) -> dict:
    e: dict[str, Any] = {"field": field, "type": kind}
    if title is not None:
        e["title"] = title
    e.update(extra)
    return e


def layer(data: str, mark: str | dict, *, transform: Sequence[dict] = (), **encoding: Any) -> Spec:
    """One layer reading the named dataset ``data`` (optionally filtered by ``transform``)."""
    spec: Spec = {
        "data": {"name": data},
        "mark": mark if isinstance(mark, dict) else {"type": mark},
        "encoding": {k: v for k, v in encoding.items() if v is not None},
    }
    if transform:
        spec["transform"] = list(transform)
    return spec


def series_lines(
    data: str,
    *,
    x: str,
    y: str,
    color: str | None,
    x_title: str,
    y_title: str,
    tooltip: Sequence[dict],
    scale: str = "linear",
    dash: str | None = None,
    legend_title: str | None = None,
    x_kind: str = "temporal",
    transform: Sequence[dict] = (),
    x_format: str | None = None,
    dash_title: str = "",
) -> Spec:
    y_enc = enc(y, "quantitative", y_title)
    if scale == "log":
        y_enc["scale"] = {"type": "log"}
    return layer(
        data,
        {"type": "line", "point": True, "tooltip": True},
        transform=transform,
        x=enc(x, x_kind, x_title, **({"axis": {"format": x_format}} if x_format else {})),
        y=y_enc,
        color=enc(
            color,
            "nominal",
            legend_title or "",
            legend={"orient": "bottom", "columns": 2, "labelLimit": 380},
        )
        if color
        else None,
        # above the plot: two legends side by side below it would not fit the width
        strokeDash=enc(
            dash,
            "nominal",
            dash_title,
            legend={
                "orient": "top",
                "symbolType": "stroke",
                "symbolSize": 400,
                "symbolStrokeColor": "#555",
                "symbolStrokeWidth": 2,
                "symbolFillColor": "transparent",
            },
        )
        if dash
        else None,
        tooltip=list(tooltip),
    )


def rules(
    data: str,
    *,
    x: str = "date",
    color: str = "#b03a2e",
    dash: Sequence[int] = (4, 3),
    tooltip: Sequence[dict] = (),
) -> Spec:
    """Vertical rules for dated events (regulator actions, commitments, discontinuities)."""
    return layer(
        data,
        {"type": "rule", "color": color, "strokeDash": list(dash), "strokeWidth": 1.5},
        x=enc(x, "temporal"),
        tooltip=list(tooltip) or None,
    )


def rule_labels(data: str, *, x: str = "date", text: str = "label", color: str = "#b03a2e") -> Spec:
    return layer(
        data,
        {
            "type": "text",
            "align": "left",
            "baseline": "top",
            "dx": 3,
            "dy": 2,
            "angle": 0,
            "fontSize": 10,
            "color": color,
        },
        x=enc(x, "temporal"),
        y={"value": 0},
        text=enc(text, "nominal"),
    )


def render(
    layers: Sequence[Spec],
    datasets: dict[str, pd.DataFrame | pa.Table],
    *,
    height: int = 260,
    title: str | None = None,
    key: str | None = None,
    resolve: dict | None = None,
) -> None:
    """Draw the layers; ``datasets`` maps each dataset name to its rows."""
    spec: Spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "height": height,
        "layer": list(layers),
        # height = the plot itself; legends and axes are added below it
        "autosize": {"type": "fit-x", "contains": "padding"},
        "datasets": {k: _clean(v) for k, v in datasets.items()},
    }
    if title:
        spec["title"] = title
    if resolve:
        spec["resolve"] = resolve
    st.vega_lite_chart(spec=spec, width="stretch", key=key)


def arrow(df: pd.DataFrame) -> pa.Table:
    """A dataset converted once, for layers that several charts share."""
    return pa.Table.from_pandas(_clean(df), preserve_index=False)


def _clean(df: pd.DataFrame | pa.Table) -> pd.DataFrame | pa.Table:
    """Dates as ISO strings (they parse the same in every browser); no index. Arrow tables from
    SQL already carry dates as strings and pass through untouched."""
    if isinstance(df, pa.Table):
        return df
    out = df.reset_index(drop=True)
    dates = [
        c
        for c in out.columns
        if pd.api.types.is_datetime64_any_dtype(out[c])
        or (out[c].dtype == object and len(out) and hasattr(out[c].iloc[0], "isoformat"))
    ]
    if dates:
        out = out.copy()
        for c in dates:
            out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return out
