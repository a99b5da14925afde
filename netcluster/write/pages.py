"""Self-contained, offline HTML: the interactive organisation network, the province network
and the report.

Why not pyvis's writer: its default and ``in_line`` modes reference a CDN, ``local`` copies
a ``lib/`` folder into the working directory, it writes with the OS locale's encoding
(crashing or garbling Korean under CP949/CP1252) and its ``add_edge`` is quadratic.  We use
the vis-network library that pyvis ships (inlined into the page) and write the node/edge
data ourselves:

* every byte is UTF-8, written explicitly;
* organisation names and attributes travel as JSON inside
  ``<script type="application/json">`` with ``<``, ``>``, ``&``, U+2028/9 escaped, so a name
  cannot close the script tag; the page puts them into the DOM with ``textContent`` only;
* nothing is fetched: no ``src``/``href`` to the network, no CDN; URLs in the library's
  licence comments are written without their scheme;
* a seeded igraph layout is precomputed; physics and curved edges are off above
  ``physics_max`` nodes; above ``max_nodes`` organisations the page shows the top ones by a
  centrality and says so.
"""

from __future__ import annotations

import json
import math
import re
from html import escape
import importlib.util
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graph import Projection
from ..indicators import group_label
from ..layout import group_layout, layout_positions
from ..regions import PROVINCE_ENGLISH
from .columns import DEFAULTS, columns_for
from .columns import labels as column_labels
from .text import t as text
from .svg import PALETTE

__all__ = ["network_html", "regions_html", "write_text", "json_for_script", "page", "pages_nav", "FONT_STACK",
           "vis_assets"]

FONT_STACK = ('"Malgun Gothic", "맑은 고딕", "Apple SD Gothic Neo", "Noto Sans CJK KR", '
              '"Noto Sans KR", "Nanum Gothic", "NanumGothic", system-ui, -apple-system, '
              '"Segoe UI", Roboto, Arial, sans-serif')


# approximate centroids (longitude, latitude) of the 17 provinces
PROVINCE_XY = {"서울": (126.98, 37.56), "인천": (126.55, 37.46), "경기": (127.25, 37.35),
               "강원": (128.30, 37.75), "충북": (127.75, 36.80), "충남": (126.80, 36.55),
               "세종": (127.27, 36.57), "대전": (127.40, 36.33), "전북": (127.10, 35.72),
               "광주": (126.85, 35.16), "전남": (126.90, 34.80), "경북": (128.75, 36.35),
               "대구": (128.60, 35.87), "울산": (129.31, 35.54), "부산": (129.07, 35.18),
               "경남": (128.25, 35.35), "제주": (126.55, 33.40)}

_URL_IN_LIB = re.compile(r"https?://(?!www\.w3\.org/)")


def vis_assets() -> tuple[str, str]:
    """vis-network JS and CSS as shipped by pyvis (read from the installed package)."""
    # located without importing pyvis: its import pulls in jinja2 and IPython, which the
    # page does not need (only the vis-network files it ships)
    spec = importlib.util.find_spec("pyvis")
    try:
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError("pyvis")
        base = Path(list(spec.submodule_search_locations)[0]) / "lib" / "vis-9.1.2"
        js = (base / "vis-network.min.js").read_text(encoding="utf-8")
        css = (base / "vis-network.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as e:  # pragma: no cover
        raise ImportError("the network page needs pyvis (it ships vis-network): pip install pyvis") from e
    return _URL_IN_LIB.sub("", js), _URL_IN_LIB.sub("", css)


def json_for_script(obj) -> str:
    """JSON safe to embed in ``<script type="application/json">`` (cannot close the tag)."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_default)
    return (s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if math.isnan(o) else float(o)
    if isinstance(o, (np.bool_,)):
        return bool(o)
    return str(o)


def write_text(path, text: str) -> Path:
    """Write UTF-8 explicitly with LF newlines, whatever the OS locale."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path


def _clean(v):
    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else round(float(v), 6)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if v is pd.NA:
        return None
    return str(v)


def _palette(values) -> dict:
    uniq = sorted({("(unknown)" if v is None else str(v)) for v in values}, key=lambda x: (x == "(unknown)", x))
    return {u: ("#bbbbbb" if u == "(unknown)" else PALETTE[i % len(PALETTE)]) for i, u in enumerate(uniq)}


def page(title: str, body: str, *, head_extra: str = "", lang: str = "en", tail: str = "") -> str:
    """A self-contained page: UTF-8, a Content-Security-Policy that forbids any request."""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            f'script-src \'unsafe-inline\'; style-src \'unsafe-inline\'; img-src data:; font-src data:">\n'
            f"<title>{escape(title)}</title>\n{head_extra}\n</head>\n<body>\n{body}\n{tail}</body>\n</html>\n")


def pages_nav(current: str, lang: str, group_by: str = "region") -> str:
    """Links between the three pages (they sit side by side in the output folder)."""
    links = [("report.html", text("page_report", lang)), ("network.html", text("page_network", lang)),
             ("regions.html", text("page_regions", lang))]
    return '<nav class="pages">' + " · ".join(
        f"<b>{escape(label)}</b>" if href == current else f'<a href="{href}">{escape(label)}</a>'
        for href, label in links) + "</nav>"


_BASE_CSS = """
body{font-family:%s;margin:0;color:#222;background:#fff}
header{padding:8px 14px;border-bottom:1px solid #ddd}
header h1{font-size:18px;margin:0 0 4px 0}
.note{font-size:12px;color:#555}
nav.pages{font-size:12px;margin:2px 0 4px 0}nav.pages a{margin:0 2px}
""" % FONT_STACK


def network_html(projection, nodes: pd.DataFrame, *, title: str, seed: int = 0,
                 max_nodes: int = 2000, rank_by: str = DEFAULTS["size"], physics_max: int = 300,
                 group_by: str = "region", positions: np.ndarray | None = None, lang: str = "en") -> tuple[str, dict]:
    """The interactive organisation network page.

    ``nodes`` is indexed by org_id (the organisations table joined with centralities) and must
    have a ``name`` column.  The colour, size and filter menus and the tooltip show the
    columns the column specification lists for them (:mod:`netcluster.write.columns`), with
    its labels.  Returns ``(html, info)``; ``info`` states the display rule.
    """
    labels = np.asarray(projection.labels)
    n_all = len(labels)
    keep = np.arange(n_all)
    glabel = group_label(group_by, lang)
    attr_labels = column_labels(lang, group_by=group_by, group_label=glabel)
    rule = text("rule_all", lang, n=n_all, m=projection.n_ties)
    if n_all > max_nodes:
        score = nodes[rank_by].reindex(labels).fillna(0).to_numpy()
        order = np.lexsort((labels.astype(str), -score))
        keep = np.sort(order[:max_nodes])
        rule = text("rule_top", lang, n=max_nodes, by=attr_labels.get(rank_by, rank_by), total=n_all)
    M = projection.matrix.tocsr()[keep][:, keep]
    sub_labels = labels[keep]
    sub = Projection(M, projection.shared.tocsr()[keep][:, keep], sub_labels, dict(projection.params))
    xy = positions[keep] if positions is not None else layout_positions(sub, seed)
    attrs = nodes.reindex(sub_labels)
    color_attrs = _default_first(columns_for("colour", attrs.columns, group_by=group_by), DEFAULTS["colour"])
    size_measures = _default_first(columns_for("size", attrs.columns, group_by=group_by), DEFAULTS["size"])
    filter_attrs = _default_first(columns_for("filter", attrs.columns, group_by=group_by), DEFAULTS["colour"])
    tip_attrs = columns_for("tooltip", attrs.columns, group_by=group_by)
    cols = sorted(set(color_attrs + size_measures + tip_attrs + filter_attrs))
    recs = attrs[cols].to_dict(orient="list")
    node_list = []
    for i, lab in enumerate(sub_labels):
        name = attrs["name"].iloc[i] if "name" in attrs.columns else None
        node_list.append({"id": i, "label": str(name if isinstance(name, str) and name else lab),
                          "x": float(xy[i, 0]), "y": float(xy[i, 1]),
                          "attrs": {c: _clean(recs[c][i]) for c in cols}})
    coo = sp.triu(M, k=1).tocoo()
    order = np.lexsort((coo.col, coo.row))
    edge_list = [{"from": int(a), "to": int(b), "w": round(float(w), 6)}
                 for a, b, w in zip(coo.row[order], coo.col[order], coo.data[order])]
    pal_attrs = sorted(set(color_attrs) | set(filter_attrs))
    palettes = {a: _palette(attrs[a].where(attrs[a].notna(), None).tolist()) for a in pal_attrs}
    counts = {a: pd.Series([("(unknown)" if v is None else str(v)) for v in
                            attrs[a].where(attrs[a].notna(), None).tolist()]).value_counts().to_dict()
              for a in pal_attrs}
    ranges = {m: [float(np.nanmin(attrs[m])) if len(attrs) else 0.0, float(np.nanmax(attrs[m])) if len(attrs) else 1.0]
              for m in size_measures}
    data = {"nodes": node_list, "edges": edge_list, "colorAttrs": color_attrs, "sizeMeasures": size_measures,
            "filterAttrs": filter_attrs, "tooltipAttrs": tip_attrs, "palettes": palettes, "counts": counts,
            "ranges": ranges, "attrLabels": attr_labels, "physicsMax": physics_max, "labelMax": 150,
            "rule": rule, "text": {"size": text("js_size", lang), "partners": text("js_partners", lang),
                                   "unknown": text("unknown", lang)}}
    js, css = vis_assets()
    own_js = (resources.files("netcluster") / "templates" / "network.js").read_text(encoding="utf-8")
    style = _BASE_CSS + """
#wrap{display:flex;height:calc(100vh - 64px)}
#side{width:270px;overflow:auto;padding:8px 10px;border-right:1px solid #ddd;font-size:13px}
#net{flex:1;background:#fcfcfc}
#side h3{font-size:13px;margin:12px 0 4px 0}
#side select,#side input[type=text]{width:100%;box-sizing:border-box;font-family:inherit}
.filters label{display:block;font-size:12px}
.swatch{display:inline-block;width:11px;height:11px;border:1px solid #555;vertical-align:middle}
.legend-title{font-weight:bold;margin-top:6px}.legend-note{color:#666;margin-top:4px}
.tip{font-size:12px;max-width:320px}#info{margin-top:8px;font-size:12px}
div.vis-tooltip{font-family:inherit;white-space:normal}
"""
    filters_html = "".join(f'<h3>{escape(text("filter", lang, what=attr_labels.get(a, a)))}</h3>'
                           f'<div class="filters" id="filter-{escape(a)}"></div>' for a in filter_attrs)
    layout = text("layout_fr" if len(sub_labels) <= 1500 else "layout_two_level", lang, seed=seed)
    body = (f'<header><h1>{escape(title)}</h1>{pages_nav("network.html", lang, group_by)}'
            f'<div class="note" id="rule">{escape(rule)}. {escape(layout)}. {escape(text("click_hint", lang))}</div></header>'
            f'<div id="wrap"><div id="side"><h3>{escape(text("search", lang))}</h3><input type="text" id="search" list="names" '
            f'placeholder="{escape(text("search_placeholder", lang))}"><datalist id="names"></datalist>'
            f'<button id="reset" type="button">{escape(text("reset", lang))}</button>'
            f'<h3>{escape(text("colour_by", lang))}</h3><select id="colorBy"></select><h3>{escape(text("size_by", lang))}</h3>'
            f'<select id="sizeBy"></select>'
            f'<div id="legend"></div><div id="info"></div>{filters_html}</div><div id="net"></div></div>'
            f'<script>{js}</script>\n<script type="application/json" id="nc-data">{json_for_script(data)}</script>\n'
            f'<script>{own_js}</script>')
    html = page(title, body, head_extra=f"<style>{css}</style><style>{style}</style>", lang=lang)
    return html, {"rule": rule, "nodes_shown": int(len(sub_labels)), "nodes_total": int(n_all),
                  "edges_shown": len(edge_list)}


def _default_first(cols: list, default: str) -> list:
    return [default] + [c for c in cols if c != default] if default in cols else cols


def regions_html(region_long: pd.DataFrame, org_counts: pd.Series, *, title: str, lang: str = "en",
                 group_by: str = "region") -> str:
    """Province-level network: one node per region (placed on a map-like grid for Korean
    provinces), edge width ∝ ties between regions; readable at any scale."""
    regions = sorted(set(region_long["region_a"]) | set(region_long["region_b"]) | set(org_counts.index), key=str)
    rid = {r: i for i, r in enumerate(regions)}
    internal = {a: int(t) for a, b, t in zip(region_long["region_a"], region_long["region_b"], region_long["ties"]) if a == b}
    nodes = []
    others = [r for r in regions if r not in PROVINCE_XY]
    other_xy = {}
    if others:  # regions without map positions: seeded force layout of the region graph
        xy = group_layout(others, region_long)
        for r, (x, y) in zip(others, xy):
            other_xy[r] = (900 * x + (1400 if len(others) < len(regions) else 0), 900 * y)
    for r in regions:
        if r in PROVINCE_XY:
            lon, lat = PROVINCE_XY[r]
            x, y = (lon - 127.5) * 260, -(lat - 36.0) * 320
        else:
            x, y = other_xy[r]
        label = f"{r} {PROVINCE_ENGLISH[r]}" if r in PROVINCE_ENGLISH and lang == "en" else str(r)
        nodes.append({"id": rid[r], "label": label, "x": round(float(x), 1), "y": round(float(y), 1),
                      "orgs": int(org_counts.get(r, 0)), "internal": internal.get(r, 0)})
    edges = [{"from": rid[a], "to": rid[b], "ties": int(t), "ratio": _clean(q)}
             for a, b, t, q in zip(region_long["region_a"], region_long["region_b"], region_long["ties"],
                                   region_long["obs_exp_ratio"]) if a != b and t > 0]
    max_edges = 600
    glabel = group_label(group_by, lang)
    shown_rule = ""
    if len(edges) > max_edges:  # keep the page readable: the strongest links (all are in region_matrix.csv)
        edges = sorted(edges, key=lambda e: (-e["ties"], e["from"], e["to"]))[:max_edges]
        shown_rule = text("regions_more", lang, n=max_edges)
    js, css = vis_assets()
    data = {"nodes": nodes, "edges": edges,
            "text": {k: text(k, lang) for k in ("tip_orgs", "tip_inside", "tip_ties", "tip_ratio")}}
    script = """
(function(){var d=JSON.parse(document.getElementById('nc-data').textContent);
var maxo=Math.max.apply(null,d.nodes.map(function(n){return n.orgs;}).concat([1]));
var big=d.nodes.length>40;
var maxt=Math.max.apply(null,d.edges.map(function(e){return e.ties;}).concat([1]));
function tip(lines){var b=document.createElement('div');lines.forEach(function(l){var r=document.createElement('div');r.textContent=l;b.appendChild(r);});return b;}
var nodes=new vis.DataSet(d.nodes.map(function(n){return {id:n.id,label:n.label,x:n.x,y:n.y,shape:'dot',
 size:(big?6:18)+(big?24:40)*Math.sqrt(n.orgs/maxo),color:{background:'#4e79a7',border:'#1f3b5a'},font:{size:big?12:30,strokeWidth:4,strokeColor:'#ffffff',face:getComputedStyle(document.body).fontFamily},
 title:tip([n.label,d.text.tip_orgs+n.orgs,d.text.tip_inside+n.internal])};}));
var edges=new vis.DataSet(d.edges.map(function(e,i){return {id:i,from:e.from,to:e.to,width:0.5+18*e.ties/maxt,
 color:{color:'#e15759',opacity:0.45},title:tip([d.text.tip_ties+e.ties,d.text.tip_ratio+(e.ratio===null?'–':e.ratio.toFixed(2))])};}));
var net=new vis.Network(document.getElementById('net'),{nodes:nodes,edges:edges},{physics:false,layout:{improvedLayout:false},
 edges:{smooth:false},interaction:{hover:true,tooltipDelay:100}});
net.once('afterDrawing',function(){document.body.setAttribute('data-drawn','1');});window.ncNetwork=net;})();
"""
    style = _BASE_CSS + ("#wrap{display:flex;height:calc(100vh - 70px)}#net{flex:1}"
                         "#side{width:300px;overflow:auto;padding:6px 10px;border-right:1px solid #ddd}"
                         "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:2px 6px}"
                         "td.n{text-align:right}div.vis-tooltip{font-family:inherit}")
    external = {}
    for a, b, t in zip(region_long["region_a"], region_long["region_b"], region_long["ties"]):
        if a != b:
            external[rid[a]] = external.get(rid[a], 0) + int(t)
            external[rid[b]] = external.get(rid[b], 0) + int(t)
    rows = "".join(f'<tr><td>{escape(n["label"])}</td><td class="n">{n["orgs"]:,}</td>'
                   f'<td class="n">{n["internal"]:,}</td><td class="n">{external.get(n["id"], 0):,}</td></tr>'
                   for n in sorted(nodes, key=lambda n: -n["orgs"]))
    side = (f'<div id="side"><table><thead><tr><th>{escape(glabel)}</th><th>{escape(text("col_orgs", lang))}</th>'
            f'<th>{escape(text("col_ties_inside", lang))}</th><th>{escape(text("col_ties_across", lang))}</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></div>')
    body = (f'<header><h1>{escape(title)}</h1>{pages_nav("regions.html", lang, group_by)}<div class="note">'
            f'{escape(text("regions_note", lang, group=glabel, more=shown_rule))}</div></header>'
            f'<div id="wrap">{side}<div id="net"></div></div>'
            f'<script>{js}</script>\n<script type="application/json" id="nc-data">{json_for_script(data)}</script>\n'
            f'<script>{script}</script>')
    return page(title, body, head_extra=f"<style>{css}</style><style>{style}</style>", lang=lang)
