"""Colours that tell groups apart: fixed for the 17 provinces, the 5+2 wide regions and the
organisation types (the same colour for 충북 in every page and every run), and for other
groupings the largest groups coloured and the rest grey.

The qualitative colours are Sasha Trubetskoy's 20 simple, distinct colours (2017; the
widely used list made for telling up to 20 groups apart on maps and charts), without white,
black and grey; the province colours are assigned so that neighbouring provinces differ.

>>> province_colours()["충북"] != province_colours()["경기"]
True
>>> pal, other = group_palette(["a"] * 3 + ["b"] * 2 + ["c"], max_colours=2)
>>> pal["a"] != pal["b"], pal["c"] == OTHER_GREY, other
(True, True, 1)
"""

from __future__ import annotations

from collections import Counter

from ..groups import UNKNOWN  # (the organisations without a value)
from ..regions import PROVINCES, WIDE_REGIONS

__all__ = ["DISTINCT", "OTHER_GREY", "UNKNOWN", "province_colours", "wide_region_colours", "type_colours",
           "group_palette", "palette_for"]

DISTINCT = ["#e6194B", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
            "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9A6324", "#fffac8", "#800000", "#aaffc3",
            "#808000", "#ffd8b1", "#000075"]
OTHER_GREY = "#c8c8c8"


def province_colours() -> dict:
    """A fixed colour for each of the 17 provinces (neighbouring provinces differ)."""
    colours = {"서울": "#e6194B", "경기": "#3cb44b", "인천": "#4363d8", "강원": "#f58231", "충북": "#911eb4",
               "충남": "#42d4f4", "대전": "#f032e6", "세종": "#bfef45", "전북": "#469990", "전남": "#9A6324",
               "광주": "#000075", "경북": "#800000", "대구": "#808000", "경남": "#ffe119", "울산": "#fabed4",
               "부산": "#aaffc3", "제주": "#dcbeff"}
    assert set(colours) == set(PROVINCES) and len(set(colours.values())) == len(colours)
    return colours


def wide_region_colours() -> dict:
    colours = ["#e6194B", "#4363d8", "#3cb44b", "#800000", "#ffe119", "#f58231", "#dcbeff"]
    return dict(zip(WIDE_REGIONS, colours))


def type_colours() -> dict:
    return {"firm": "#4363d8", "university": "#e6194B", "research": "#3cb44b", "government": "#f58231",
            "support": "#911eb4", "other": "#a9a9a9"}


def group_palette(values, *, max_colours: int = len(DISTINCT), fixed: dict | None = None):
    """``({value: colour}, n_grey)``: fixed colours where given, else the ``max_colours``
    largest groups in distinct colours and the others grey (their number is returned so the
    legend can say so); missing values are ``(unknown)``, light grey."""
    counts = Counter(UNKNOWN if v is None else str(v) for v in values)
    pal, grey = {}, 0
    if fixed:
        for v in counts:
            pal[v] = fixed.get(v)
    free = [v for v, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if pal.get(v) is None and v != UNKNOWN]
    for i, v in enumerate(free):
        if i < max_colours:
            pal[v] = DISTINCT[i % len(DISTINCT)]
        else:
            pal[v] = OTHER_GREY
            grey += 1
    if UNKNOWN in counts:
        pal[UNKNOWN] = "#e0e0e0"
    return pal, grey


def palette_for(column: str, values):
    """The palette of an organisation column (fixed for region, wide_region and org_type)."""
    fixed = {"region": province_colours(), "wide_region": wide_region_colours(), "org_type": type_colours()}.get(column)
    return group_palette(values, fixed=fixed)
