"""regions.html: ties between regions on a real map of the 17 provinces (Korean data) or on a
clean force layout (other data), with a choropleth of a chosen figure, the table beside it,
and PNG/SVG export.

The map is the bundled, simplified KOSTAT province boundaries (``netcluster/data``; 공공누리
제1유형, the source line is printed under the map).  Everything is drawn here as SVG in page
coordinates — deterministic and readable without any script; the page's script only
switches the figure, highlights a region's ties, filters thin ties, shows tooltips and
exports.  Ties are drawn between label anchors (the point of a province farthest from its
border, so that 경기 does not sit on 서울), width ∝ ties, colour = observed/expected tie
ends on a diverging scale (more or fewer than mixing at random would give).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from html import escape
from importlib import resources

import numpy as np
import pandas as pd

from ..indicators import group_label
from ..layout import group_layout
from ..regions import PROVINCE_ENGLISH, PROVINCE_TO_WIDE, normalise_region
from .pages import FONT_STACK, json_for_script, page, pages_nav
from .sheets import group_names
from .svg import text_width
from .text import t as text

__all__ = ["regions_html", "province_shapes", "place_labels", "WIDE_REGION_ENGLISH"]

WIDE_REGION_ENGLISH = {"수도권": "Capital Region", "충청권": "Chungcheong", "호남권": "Honam", "대경권": "Daegyeong",
                       "동남권": "Dongnam", "강원권": "Gangwon", "제주권": "Jeju"}
_COS = math.cos(math.radians(36.0))
_INSET_LON = 130.5      # Ulleungdo and Dokdo: drawn in an inset, moved west by _INSET_SHIFT
_INSET_SHIFT = 1.25


@lru_cache(maxsize=1)
def province_shapes() -> dict:
    """``{province: {"polygons": [[ring, …], …], "anchor": (lon, lat), "area": float}}`` from
    the bundled TopoJSON (rings as (n, 2) arrays of lon/lat; the first ring of a polygon is its
    outline, the others holes).  The anchor is the point of the largest polygon farthest from
    its border (a grid search), the area in squared degrees·cos(36°)."""
    raw = (resources.files("netcluster") / "data" / "korea_provinces.topo.json").read_text(encoding="utf-8")
    topo = json.loads(raw)
    arcs = [np.asarray(a, float) for a in topo["arcs"]]

    def ring(indices):
        pts = []
        for k in indices:
            a = arcs[k] if k >= 0 else arcs[~k][::-1]
            pts.append(a if not pts else a[1:])
        return np.concatenate(pts)

    out = {}
    for g in topo["objects"]["provinces"]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        polygons = [[ring(r) for r in poly] for poly in polys]
        name = normalise_region(g["properties"]["name"])
        areas = [_ring_area(p[0]) - sum(_ring_area(h) for h in p[1:]) for p in polygons]
        main = polygons[int(np.argmax(areas))]
        out[name] = {"polygons": polygons, "anchor": _far_from_border(main), "area": float(sum(areas)),
                     "name_eng": g["properties"]["name_eng"]}
    return out


def _ring_area(r: np.ndarray) -> float:
    x, y = r[:, 0] * _COS, r[:, 1]
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2


def _inside(px, py, ring) -> np.ndarray:
    """Even-odd point-in-polygon for many points."""
    x, y = ring[:, 0], ring[:, 1]
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    inside = np.zeros(len(px), dtype=bool)
    for a, b, c, d in zip(x, y, x2, y2):
        cross = ((b > py) != (d > py))
        with np.errstate(divide="ignore", invalid="ignore"):
            xin = a + (py - b) * (c - a) / (d - b)
        inside ^= cross & (px < xin)
    return inside


def _far_from_border(polygon, n: int = 48) -> tuple[float, float]:
    outline = polygon[0]
    (x0, y0), (x1, y1) = outline.min(axis=0), outline.max(axis=0)
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    px, py = gx.ravel(), gy.ravel()
    ok = _inside(px, py, outline)
    for hole in polygon[1:]:
        ok &= ~_inside(px, py, hole)
    if not ok.any():
        c = outline.mean(axis=0)
        return float(c[0]), float(c[1])
    px, py = px[ok], py[ok]
    best = np.full(len(px), np.inf)
    for r in polygon:
        a, b = r[:-1], r[1:]
        ax, ay, bx, by = a[:, 0] * _COS, a[:, 1], b[:, 0] * _COS, b[:, 1]
        qx, qy = px[:, None] * _COS, py[:, None]
        dx, dy = bx - ax, by - ay
        L = dx * dx + dy * dy
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.clip(np.where(L > 0, ((qx - ax) * dx + (qy - ay) * dy) / L, 0.0), 0, 1)
        d = np.hypot(qx - (ax + t * dx), qy - (ay + t * dy)).min(axis=1)
        best = np.minimum(best, d)
    k = int(np.argmax(best))
    return float(px[k]), float(py[k])


def place_labels(items: list[dict], width: float, height: float, obstacles=()) -> list[dict]:
    """Greedy label placement without overlap.  ``items`` (in order of priority) have ``x, y``
    (the anchor), ``w, h`` (the label's box); each is tried centred on its anchor, then beside
    it, then further out (with a leader line).  Returns the items with ``lx, ly`` (box centre)
    and ``leader`` (bool); boxes stay inside (0, 0, width, height).

    >>> out = place_labels([{"x": 50, "y": 50, "w": 40, "h": 12}, {"x": 52, "y": 50, "w": 40, "h": 12}], 200, 200)
    >>> abs(out[0]["ly"] - out[1]["ly"]) >= 12 or abs(out[0]["lx"] - out[1]["lx"]) >= 40
    True
    """
    placed = [tuple(o) for o in obstacles]
    out = []
    for it in items:
        w, h = it["w"], it["h"]
        cands = [(0, 0)]
        for r in (1, 2, 3, 4, 5, 6):
            for dx, dy in ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1)):
                cands.append((dx * (w / 2 + 4) * (1 + (r - 1) * 0.6), dy * (h + 2) * r * 0.9))
        choice = None
        for dx, dy in cands:
            cx, cy = it["x"] + dx, it["y"] + dy
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if box[0] < 1 or box[1] < 1 or box[2] > width - 1 or box[3] > height - 1:
                continue
            if any(box[0] < p[2] and box[2] > p[0] and box[1] < p[3] and box[3] > p[1] for p in placed):
                continue
            choice = (cx, cy, box, (dx, dy) != (0, 0) and (abs(dx) > w / 2 + 6 or abs(dy) > h + 4))
            break
        if choice is None:  # nowhere free: keep it on its anchor
            cx, cy = it["x"], it["y"]
            choice = (cx, cy, (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), False)
        cx, cy, box, leader = choice
        placed.append(box)
        out.append({**it, "lx": cx, "ly": cy, "leader": bool(leader)})
    return out


def _figures(openness: pd.DataFrame | None, org_counts: pd.Series, groups: list, lang: str) -> list[dict]:
    figs = []
    if openness is not None and len(openness):
        o = openness.reindex(groups)
        if "external_share" in o.columns:
            figs.append({"id": "external_share", "label": text("col_external_share", lang), "kind": "share",
                         "values": [_num(v) for v in o["external_share"]]})
        if "ei" in o.columns:
            figs.append({"id": "ei", "label": text("col_ei", lang), "kind": "diverging",
                         "values": [_num(v) for v in o["ei"]]})
    figs.append({"id": "members", "label": text("col_members", lang), "kind": "count",
                 "values": [int(org_counts.get(g, 0)) for g in groups]})
    return figs


def _num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else round(f, 6)


def _show(group, lang: str, group_by: str) -> str:
    """A group's name on the page: organisation types by their names, provinces and wide regions
    by their English names in English."""
    g = str(group)
    names = group_names(group_by, lang)
    if names is not None:
        return names(g)
    if lang == "en":
        if group_by == "region" and g in PROVINCE_ENGLISH:
            return PROVINCE_ENGLISH[g]
        if group_by == "wide_region" and g in WIDE_REGION_ENGLISH:
            return WIDE_REGION_ENGLISH[g]
    return g


def regions_html(region_long: pd.DataFrame, org_counts: pd.Series, *, title: str, lang: str = "en",
                 group_by: str = "region", openness: pd.DataFrame | None = None, korean: bool | None = None,
                 max_groups: int = 40) -> str:
    """The region page.

    Parameters
    ----------
    region_long : DataFrame
        :func:`netcluster.linkage.region_matrix` (``region_a, region_b, ties, tie_ends,
        expected_tie_ends, obs_exp_ratio``).
    org_counts : Series
        Organisations per group.
    openness : DataFrame, optional
        The openness table by group (``external_share``, ``ei``) for the choropleth.
    korean : bool, optional
        Draw the map of the provinces (``group_by`` region or wide_region on Korean data);
        default: when most organisations are in Korean provinces.
    max_groups : int
        Groups drawn on the non-map layout (the ones with most organisations; all are in the table).
    """
    groups = sorted(set(region_long["region_a"]) | set(region_long["region_b"]) | set(org_counts.index), key=str)
    glabel = group_label(group_by, lang)
    shapes = province_shapes()
    if group_by == "region":
        on_map = [g for g in groups if g in shapes]
    elif group_by == "wide_region":
        on_map = [g for g in groups if g in WIDE_REGION_ENGLISH]
    else:
        on_map = []
    if korean is None:
        known = org_counts.reindex(on_map).fillna(0).sum()
        korean = bool(on_map) and known >= 0.5 * max(org_counts.sum(), 1)
    W, H = (560.0, 640.0) if korean else (640.0, 560.0)
    figures = _figures(openness, org_counts, groups, lang)
    idx = {g: i for i, g in enumerate(groups)}
    shapes_svg, anchors, inset_box = [], {}, None
    if korean:
        project, inset_box = _projection(W, H)
        for prov, s in sorted(shapes.items()):
            owner = prov if group_by == "region" else PROVINCE_TO_WIDE.get(prov)
            d = "".join(_path(ring, project) for poly in s["polygons"] for ring in poly)
            shapes_svg.append({"prov": prov, "group": owner, "d": d})
        if group_by == "region":
            for g in on_map:
                anchors[g] = project(*shapes[g]["anchor"])
        else:
            for g in on_map:
                members = [p for p, w in PROVINCE_TO_WIDE.items() if w == g]
                biggest = max(members, key=lambda p: shapes[p]["area"])
                anchors[g] = project(*shapes[biggest]["anchor"])
        drawn = on_map
    else:
        top = org_counts.reindex(groups).fillna(0).sort_values(ascending=False, kind="stable")
        drawn = sorted(top.index[:max_groups].tolist(), key=str)
        xy = group_layout(drawn, region_long) if drawn else np.zeros((0, 2))
        for g, (x, y) in zip(drawn, xy):
            anchors[g] = (W / 2 + x * (W / 2 - 70), H / 2 + y * (H / 2 - 50))
    not_drawn = [g for g in groups if g not in anchors]

    ties = []
    for a, b, n, ratio, exp in zip(region_long["region_a"], region_long["region_b"], region_long["ties"],
                                   region_long["obs_exp_ratio"], region_long.get("expected_tie_ends",
                                                                                 pd.Series(np.nan, index=region_long.index))):
        if a == b or n <= 0 or a not in anchors or b not in anchors:
            continue
        ties.append({"a": idx[a], "b": idx[b], "n": int(n), "r": _num(ratio)})
    ties.sort(key=lambda e: (-e["n"], e["a"], e["b"]))
    max_ties = max([e["n"] for e in ties] + [1])
    for e in ties:
        (x1, y1), (x2, y2) = anchors[groups[e["a"]]], anchors[groups[e["b"]]]
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        dx, dy = x2 - x1, y2 - y1
        e["d"] = f"M{x1:.1f} {y1:.1f}Q{mx - dy * 0.12:.1f} {my + dx * 0.12:.1f} {x2:.1f} {y2:.1f}"
        e["w"] = round(0.6 + 8 * math.sqrt(e["n"] / max_ties), 2)

    # labels: name (and the figure's value, filled by the script) at the anchors, no overlap
    size = 12.5 if korean else 11.5
    items = []
    order = sorted(anchors, key=lambda g: -float(org_counts.get(g, 0)))
    for g in order:
        name = _show(g, lang, group_by)
        w = max(text_width(name, size), text_width("0.000", size - 1.5)) + 6
        items.append({"g": g, "x": anchors[g][0], "y": anchors[g][1], "w": w, "h": 2 * size + 4})
    obstacles = [inset_box] if inset_box else []
    labels = place_labels(items, W, H, obstacles=[(b[0], b[1], b[2], b[3]) for b in obstacles]) if items else []

    data = {"groups": [_show(g, lang, group_by) for g in groups], "figures": figures, "ties": ties,
            "korean": korean, "maxTies": max_ties,
            "text": {k: text(k, lang) for k in ("tip_orgs", "tip_ties", "tip_ratio", "tip_inside", "tip_across",
                                                 "map_min_ties", "map_width_legend", "map_ratio_legend", "map_fewer",
                                                 "map_more", "map_no_value", "unknown")}, "lang": lang}
    svg = _svg(W, H, korean, shapes_svg, anchors, groups, idx, labels, ties, inset_box, lang, org_counts, group_by)
    js = (resources.files("netcluster") / "templates" / "regions.js").read_text(encoding="utf-8")
    css = (resources.files("netcluster") / "templates" / "regions.css").read_text(encoding="utf-8")
    note_key = "map_note" if korean else "layout_note"
    note = text(note_key, lang, group=glabel, n=len(drawn))
    if not_drawn:
        note += " " + text("map_not_drawn", lang, n=len(not_drawn))
    rows = _table_rows(groups, org_counts, region_long, openness, lang, group_by)
    fig_options = "".join(f'<option value="{i}">{escape(f["label"])}</option>' for i, f in enumerate(figures))
    side = (f'<aside id="side"><label for="figure"><b>{escape(text("map_figure", lang))}</b></label>'
            f'<select id="figure">{fig_options}</select><div id="legend"></div>'
            f'<label for="minTies" id="minTiesLabel"></label><input type="range" id="minTies" min="1" '
            f'max="{max_ties}" value="1" step="1">'
            f'<div class="hint">{escape(text("map_click_hint", lang, group=glabel))}</div>'
            f'<table id="table"><thead><tr><th>{escape(glabel)}</th><th>{escape(text("col_orgs", lang))}</th>'
            f'<th>{escape(text("col_ties_inside", lang))}</th><th>{escape(text("col_ties_across", lang))}</th>'
            f'<th>{escape(text("col_external_share", lang))}</th><th>{escape(text("col_ei", lang))}</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></aside>')
    body = (f'<header><h1>{escape(title)}</h1>{pages_nav("regions.html", lang)}'
            f'<div class="note">{escape(note)}</div></header>'
            f'<div id="wrap"><div id="mapbox"><div id="toolbar"><button type="button" id="png">PNG</button>'
            f'<button type="button" id="svg">SVG</button></div>{svg}<div id="tip" hidden></div></div>{side}</div>'
            f'<script type="application/json" id="nc-data">{json_for_script(data)}</script>\n<script>{js}</script>')
    return page(title, body, head_extra=f"<style>{css.replace('FONT_STACK', FONT_STACK)}</style>", lang=lang)


def _projection(W: float, H: float):
    """lon/lat → page coordinates (equirectangular at 36°N), fitted to the mainland and Jeju
    with Ulleungdo and Dokdo moved into an inset box."""
    shapes = province_shapes()
    pts = np.concatenate([r for s in shapes.values() for poly in s["polygons"] for r in poly])
    pts = pts.copy()
    east = pts[:, 0] > _INSET_LON
    pts[east, 0] -= _INSET_SHIFT
    x, y = pts[:, 0] * _COS, pts[:, 1]
    pad = 14.0
    scale = min((W - 2 * pad) / (x.max() - x.min()), (H - 2 * pad - 16) / (y.max() - y.min()))
    x0, y1 = x.min(), y.max()
    ox = (W - scale * (x.max() - x.min())) / 2

    def project(lon, lat):
        if lon > _INSET_LON:
            lon -= _INSET_SHIFT
        return ox + (lon * _COS - x0) * scale, pad + (y1 - lat) * scale

    ex = pts[east]
    if len(ex):
        (a, b), (c, d) = project(ex[:, 0].min() + _INSET_SHIFT, ex[:, 1].max()), \
            project(ex[:, 0].max() + _INSET_SHIFT, ex[:, 1].min())
        box = (a - 8, b - 8, c + 8, d + 20)
    else:
        box = None
    return project, box


def _path(ring: np.ndarray, project) -> str:
    pts = [project(x, y) for x, y in ring]
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + "Z"


def _svg(W, H, korean, shapes_svg, anchors, groups, idx, labels, ties, inset_box, lang, org_counts, group_by) -> str:
    parts = [f'<svg id="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W:.0f} {H:.0f}" '
             f'role="img" aria-label="{escape(text("page_regions", lang))}">',
             '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>']
    if korean:
        parts.append('<g id="shapes">')
        for s in shapes_svg:
            gi = idx.get(s["group"], -1) if s["group"] is not None else -1
            parts.append(f'<path class="prov" data-g="{gi}" data-prov="{escape(s["prov"])}" d="{s["d"]}" '
                         f'fill="#eeeeee" stroke="#ffffff" stroke-width="0.8" fill-rule="evenodd"/>')
        parts.append("</g>")
        if inset_box:
            a, b, c, d = inset_box
            parts.append(f'<rect x="{a:.1f}" y="{b:.1f}" width="{c - a:.1f}" height="{d - b:.1f}" fill="none" '
                         f'stroke="#999" stroke-dasharray="3 2"/><text class="small" x="{(a + c) / 2:.1f}" '
                         f'y="{d - 5:.1f}" text-anchor="middle">{escape(text("map_inset", lang))}</text>')
    parts.append('<g id="ties" fill="none" stroke-linecap="round">')
    for k, e in enumerate(reversed(ties)):  # thin on top of thick
        n = len(ties) - 1 - k
        parts.append(f'<path class="tie" data-t="{n}" data-a="{e["a"]}" data-b="{e["b"]}" d="{e["d"]}" '
                     f'stroke-width="{e["w"]}" stroke="#888" stroke-opacity="0.75"/>')
    parts.append("</g>")
    if not korean:
        parts.append('<g id="dots">')
        top = max([float(org_counts.get(g, 0)) for g in anchors] + [1.0])
        for g, (x, y) in anchors.items():
            r = 4 + 16 * math.sqrt(float(org_counts.get(g, 0)) / top)
            parts.append(f'<circle class="dot" data-g="{idx[g]}" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#eeeeee" '
                         f'stroke="#555"/>')
        parts.append("</g>")
    else:
        parts.append('<g id="anchors">')
        for g, (x, y) in anchors.items():
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#333"/>')
        parts.append("</g>")
    parts.append('<g id="labels">')
    for lab in labels:
        g = lab["g"]
        if lab["leader"]:
            parts.append(f'<line x1="{lab["x"]:.1f}" y1="{lab["y"]:.1f}" x2="{lab["lx"]:.1f}" y2="{lab["ly"]:.1f}" '
                         f'stroke="#555" stroke-width="0.7"/>')
        parts.append(f'<text class="lab" data-g="{idx[g]}" x="{lab["lx"]:.1f}" y="{lab["ly"] - 3:.1f}" '
                     f'text-anchor="middle">{escape(_show(g, lang, group_by))}</text>'
                     f'<text class="val" data-g="{idx[g]}" x="{lab["lx"]:.1f}" y="{lab["ly"] + 10:.1f}" '
                     f'text-anchor="middle"></text>')
    parts.append("</g>")
    if korean:
        parts.append(f'<text class="small" x="{W - 6:.0f}" y="{H - 6:.0f}" text-anchor="end">'
                     f'{escape(text("map_attribution", lang))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table_rows(groups, org_counts, region_long, openness, lang, group_by) -> str:
    inside, across = {}, {}
    for a, b, n in zip(region_long["region_a"], region_long["region_b"], region_long["ties"]):
        if a == b:
            inside[a] = inside.get(a, 0) + int(n)
        else:
            across[a] = across.get(a, 0) + int(n)
            across[b] = across.get(b, 0) + int(n)
    o = openness.reindex(groups) if openness is not None else None

    def cell(col, g, fmt):
        if o is None or col not in o.columns:
            return "–"
        v = _num(o.loc[g, col])
        return "–" if v is None else fmt.format(v)

    rows = []
    for g in sorted(groups, key=lambda g: (-float(org_counts.get(g, 0)), str(g))):
        rows.append(f'<tr data-g="{groups.index(g)}"><td>{escape(_show(g, lang, group_by))}</td>'
                    f'<td class="n">{int(org_counts.get(g, 0)):,}</td><td class="n">{inside.get(g, 0):,}</td>'
                    f'<td class="n">{across.get(g, 0):,}</td><td class="n">{cell("external_share", g, "{:.1%}")}</td>'
                    f'<td class="n">{cell("ei", g, "{:+.3f}")}</td></tr>')
    return "".join(rows)
