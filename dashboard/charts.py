"""Vega-Lite chart specs as plain dicts, rendered with ``st.vega_lite_chart``.

Why not Altair objects: building and validating an Altair chart costs ~40 ms of CPU per chart,
which alone would blow the 500 ms page budget on pages with several charts; a dict spec costs
microseconds. Data travel as named datasets (Arrow), one per layer source, never inlined as HTML.
"""

from __future__ import annotations

import colorsys
import zlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

Spec = dict[str, Any]

# ------------------------------------------------------------------ one colour per platform

# A fixed colour per platform id, the same on every page; platforms not listed get a stable
# colour from FALLBACK (by a hash of the id), and several series of one platform (its services,
# or the same service from two sources) get lighter and darker shades of the platform's colour.
PLATFORM_COLOURS = {
    "meta": "#1f63c6",
    "x": "#1a1a1a",
    "tiktok": "#e0317a",
    "google": "#2e9e44",
    "microsoft": "#f07b16",
    "snap": "#c9a400",
    "discord": "#6d5ae6",
    "reddit": "#d62728",
    "telegram": "#17a2b8",
    "amazon": "#8c564b",
    "pinterest": "#9e1f63",
    "apple": "#7f7f7f",
    "aylo": "#9aa01c",
    "roblox": "#393b79",
    "yahoo": "#7b4fc9",
    "all_esps": "#9a9a9a",
    "dropbox": "#4f8fd6",
    "linkedin": "#0a66c2",
    "alibaba": "#e6550d",
    "booking": "#003580",
}
FALLBACK = (
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#31a354",
    "#756bb1",
    "#636363",
    "#e7ba52",
    "#ad494a",
    "#a55194",
    "#5254a3",
    "#6baed6",
    "#fd8d3c",
)
_SHADES = (0.0, 0.2, -0.14, 0.32, -0.24, 0.42)


def platform_colour(platform: str) -> str:
    """The colour of a platform on every chart (fixed for the listed ones, stable for others)."""
    key = str(platform or "").lower()
    if key in PLATFORM_COLOURS:
        return PLATFORM_COLOURS[key]
    return FALLBACK[zlib.crc32(key.encode()) % len(FALLBACK)]


def _shade(colour: str, step: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    lum = min(0.85, max(0.08, lum + step))
    return "#" + "".join(f"{round(c * 255):02x}" for c in colorsys.hls_to_rgb(h, lum, s))


def colour_scale(series_platform: Mapping[str, str]) -> dict:
    """A Vega-Lite colour scale for series named by ``series_platform`` (series -> platform id):
    each platform's colour, shaded per extra series of the same platform; two platforms that
    share a fallback colour in one chart are told apart by taking the next free one."""
    domain = sorted(series_platform, key=str)
    used: dict[str, str] = {}  # base colour -> platform
    base: dict[str, str] = {}
    for p in sorted(set(series_platform.values()), key=lambda v: (v not in PLATFORM_COLOURS, v)):
        c = platform_colour(p)
        if used.get(c, p) != p:
            free = [f for f in FALLBACK if f not in used]
            c = free[0] if free else c
        used[c] = p
        base[p] = c
    seen: dict[str, int] = {}
    out = []
    for s in domain:
        p = series_platform[s]
        n = seen.get(p, 0)
        seen[p] = n + 1
        out.append(_shade(base[p], _SHADES[n % len(_SHADES)]) if n else base[p])
    return {"domain": domain, "range": out}


def time_axis(dates: Sequence = (), **extra: Any) -> dict:
    """A temporal axis whose labels always carry the year (months alone are ambiguous)."""
    days = []
    for d in dates:
        try:
            days.append(date.fromisoformat(str(d)[:10]).toordinal())
        except ValueError:
            continue
    years = (max(days) - min(days)) / 365.25 if days else 0
    axis: dict[str, Any] = (
        {"format": "%Y", "tickCount": {"interval": "year", "step": 1}}
        if years >= 3
        else {"format": "%b %Y", "labelAngle": 0, "labelOverlap": "greedy"}
    )
    axis.update(extra)
    return axis


# Legends below the plot that fit the chart's width: two columns on a wide chart, one on a narrow
# one (a phone), labels cut to the room there is (full names are in the tooltips).
LEGEND = {
    "orient": "bottom",
    "columns": {"expr": "width < 440 ? 1 : 2"},
    "labelLimit": {"expr": "width < 440 ? max(120, width - 40) : min(320, width / 2 - 50)"},
    "symbolLimit": 60,
}


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
    colours: dict | None = None,
    x_axis: dict | None = None,
) -> Spec:
    y_enc = enc(y, "quantitative", y_title)
    if scale == "log":
        y_enc["scale"] = {"type": "log"}
    axis = dict(x_axis or {})
    if x_format:
        axis["format"] = x_format
    return layer(
        data,
        {"type": "line", "point": True, "tooltip": True},
        transform=transform,
        x=enc(x, x_kind, x_title, **({"axis": axis} if axis else {})),
        y=y_enc,
        color=enc(
            color,
            "nominal",
            legend_title or "",
            legend=LEGEND,
            **({"scale": colours} if colours else {}),
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
    # SVG: legend labels, marker labels and each mark's description are text in the page (screen
    # readers, the browser tests); the charts here have at most a few thousand marks
    spec["usermeta"] = {"embedOptions": {"renderer": "svg"}}
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


def event_markers(
    data: str,
    *,
    x: str = "date",
    text: str = "marker",
    lane: str = "lane",
    lanes: int = 3,
    color: str = "#b03a2e",
    tooltip: Sequence[dict] = (),
) -> list[Spec]:
    """Dated events (regulator actions) as labelled markers along the top of a chart: a faint
    rule down the plot, a diamond and a short label, one lane (row) per event up to ``lanes``
    so that events close together do not cover each other; every part is hoverable. Labels of
    events in the right half (``datum.right``) sit left of their marker, so they stay inside."""
    # the lane's height in pixels from the top, computed per mark (an expression on the datum),
    # so the markers use no y scale and the chart's value axis stays the only one
    y_px = {"expr": f"7 + 13 * datum[{lane!r}]"}
    tip_list = list(tooltip) or None
    text_mark = {
        "type": "text",
        "baseline": "middle",
        "fontSize": 10,
        "color": color,
        "limit": {"expr": "max(90, min(330, width * 0.45))"},
    }
    return [
        layer(
            data,
            {"type": "rule", "color": color, "opacity": 0.3, "strokeWidth": 1},
            x=enc(x, "temporal"),
            tooltip=tip_list,
        ),
        layer(
            data,
            {
                "type": "point",
                "shape": "diamond",
                "filled": True,
                "size": 100,
                "color": color,
                "y": y_px,
            },
            x=enc(x, "temporal"),
            tooltip=tip_list,
        ),
        layer(
            data,
            {**text_mark, "align": "left", "dx": 7, "y": y_px},
            transform=[{"filter": "!datum.right"}],
            x=enc(x, "temporal"),
            text=enc(text, "nominal"),
            tooltip=tip_list,
        ),
        layer(
            data,
            {**text_mark, "align": "right", "dx": -7, "y": y_px},
            transform=[{"filter": "datum.right"}],
            x=enc(x, "temporal"),
            text=enc(text, "nominal"),
            tooltip=tip_list,
        ),
    ]
