"""The dashboard's chart helpers: one colour per platform on every page, time axes with years,
legends that fit a phone, and URL values matched to the nearest option."""

from __future__ import annotations

import sys

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "dashboard"))

import charts as ch  # noqa: E402
from ui import _nearest  # noqa: E402


def test_a_platform_has_one_colour_whatever_the_series_order():
    a = ch.colour_scale({"Meta / Facebook": "meta", "X": "x", "TikTok": "tiktok"})
    b = ch.colour_scale({"TikTok": "tiktok", "X": "x", "Meta / Facebook": "meta", "Zoom": "zoom"})
    ca = dict(zip(a["domain"], a["range"], strict=True))
    cb = dict(zip(b["domain"], b["range"], strict=True))
    for s in ("Meta / Facebook", "X", "TikTok"):
        assert ca[s] == cb[s]
    assert ca["Meta / Facebook"] == ch.PLATFORM_COLOURS["meta"]
    assert len(set(ca.values())) == 3  # Facebook and X are never both pink


def test_services_of_one_platform_are_shades_of_its_colour():
    scale = ch.colour_scale({"Meta / Facebook": "meta", "Meta / Instagram": "meta", "X": "x"})
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours["Meta / Facebook"] == ch.PLATFORM_COLOURS["meta"]
    assert colours["Meta / Instagram"] not in (colours["Meta / Facebook"], colours["X"])


def test_two_platforms_never_share_a_colour_in_one_chart():
    unknown = [f"platform_{i}" for i in range(12)]
    scale = ch.colour_scale({p: p for p in unknown})
    assert len(set(scale["range"])) == len(unknown)
    assert ch.platform_colour("platform_3") == ch.platform_colour("platform_3")  # stable


def test_time_axes_always_show_years():
    assert ch.time_axis(["2018-07-01", "2024-06-30"])["format"] == "%Y"
    assert ch.time_axis(["2024-01-01", "2024-06-30"])["format"] == "%b %Y"
    assert "%Y" in ch.time_axis([])["format"]


def test_legends_fold_to_one_column_on_a_phone():
    assert "width < 440 ? 1 : 2" in ch.LEGEND["columns"]["expr"]


def test_url_values_match_ids_and_names_case_insensitively():
    names = {"x": "X", "tiktok": "TikTok", "meta": "Meta"}
    fmt = names.get
    opts = list(names)
    assert _nearest("x", opts, fmt) == ("x", True)
    assert _nearest("TIKTOK", opts, fmt) == ("tiktok", True)
    assert _nearest("Tiktokk", opts, fmt) == ("tiktok", False)  # the nearest, with a notice
    assert _nearest("nothing like it", opts, fmt) == (None, False)
