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

from .regions import PROVINCE_ENGLISH
from .svg import PALETTE

__all__ = ["network_html", "regions_html", "write_text", "json_for_script", "FONT_STACK",
           "vis_assets"]

FONT_STACK = ('"Malgun Gothic", "맑은 고딕", "Apple SD Gothic Neo", "Noto Sans CJK KR", '
              '"Noto Sans KR", "Nanum Gothic", "NanumGothic", system-ui, -apple-system, '
              '"Segoe UI", Roboto, Arial, sans-serif')

ATTR_LABELS = {"region": "province (시·도)", "wide_region": "wide region (광역경제권)",
               "org_type": "organisation type", "community": "community (Leiden)",
               "complex": "industrial complex", "cluster": "mini-cluster", "degree": "degree",
               "n_projects": "projects", "betweenness": "betweenness", "pagerank": "PageRank",
               "strength": "strength", "eigenvector": "eigenvector", "gatekeeper": "gatekeeper pairs",
               "closeness": "closeness"}

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
    # located without importing pyvis (its import pulls in jinja2/IPython: ~1 s)
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


def _page(title: str, body: str, *, head_extra: str = "", lang: str = "ko") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            f'script-src \'unsafe-inline\'; style-src \'unsafe-inline\'; img-src data:; font-src data:">\n'
            f"<title>{escape(title)}</title>\n{head_extra}\n</head>\n<body>\n{body}\n</body>\n</html>\n")


_BASE_CSS = """
body{font-family:%s;margin:0;color:#222;background:#fff}
header{padding:8px 14px;border-bottom:1px solid #ddd}
header h1{font-size:18px;margin:0 0 4px 0}
.note{font-size:12px;color:#555}
""" % FONT_STACK


def layout_positions(projection, seed: int = 0, *, scale: float = 1000.0, membership=None) -> np.ndarray:
    """Seeded 2-D layout with igraph.

    Up to 1,500 nodes: Fruchterman–Reingold on the whole network.  Above: a two-level layout
    (fast at any size) — communities (Leiden, or ``membership``) are placed by
    Fruchterman–Reingold on the community graph, and each community is laid out on its own
    and scaled by the square root of its size.
    """
    from ._igraph import seeded
    g = projection.to_igraph()
    n = g.vcount()
    if n == 0:
        return np.zeros((0, 2))
    w = g.es["weight"] if g.ecount() else None
    rng = np.random.default_rng(seed)
    with seeded(seed):
        if n <= 1500:
            lay = g.layout_fruchterman_reingold(weights=w, seed=rng.random((n, 2)).tolist(), niter=300,
                                                grid="nogrid")
            xy = np.asarray(lay.coords, dtype=float)
        else:
            if membership is None:
                membership = g.community_leiden(objective_function="modularity", weights=w,
                                                n_iterations=-1).membership
            memb = np.asarray(membership)
            k = memb.max() + 1
            cg = g.copy()
            cg.es["weight"] = w if w is not None else [1.0] * g.ecount()
            cg.contract_vertices(memb.tolist(), combine_attrs=None)
            cg.simplify(combine_edges={"weight": "sum"})
            sizes = np.bincount(memb, minlength=k).astype(float)
            cxy = np.asarray(cg.layout_fruchterman_reingold(
                weights=cg.es["weight"] if cg.ecount() else None, seed=rng.random((k, 2)).tolist(),
                niter=500, grid="nogrid").coords, dtype=float)
            span = np.abs(cxy - cxy.mean(axis=0)).max() or 1.0
            cxy = (cxy - cxy.mean(axis=0)) / span * np.sqrt(sizes.sum()) * 1.2
            xy = np.zeros((n, 2))
            for c in range(k):
                idx = np.flatnonzero(memb == c)
                if len(idx) <= 2:
                    local = np.array([[0.0, 0.0], [1.0, 0.0]])[:len(idx)]
                else:
                    sub = g.induced_subgraph(idx.tolist())
                    local = np.asarray(sub.layout_fruchterman_reingold(
                        weights=sub.es["weight"] if sub.ecount() else None,
                        seed=rng.random((len(idx), 2)).tolist(), niter=100 if len(idx) > 300 else 300,
                        grid="grid" if len(idx) > 1000 else "nogrid").coords, dtype=float)
                local -= local.mean(axis=0)
                r = np.abs(local).max() or 1.0
                xy[idx] = cxy[c] + local / r * np.sqrt(len(idx)) * 0.8
    xy -= xy.mean(axis=0)
    span = np.abs(xy).max() or 1.0
    return np.round(xy / span * scale, 2)


def network_html(projection, nodes: pd.DataFrame, *, title: str, seed: int = 0,
                 max_nodes: int = 2000, rank_by: str = "betweenness", physics_max: int = 300,
                 color_attrs=("region", "org_type", "community", "wide_region"),
                 size_measures=("betweenness", "degree", "pagerank", "n_projects"),
                 filter_attrs=("region", "org_type"), positions: np.ndarray | None = None) -> tuple[str, dict]:
    """The interactive organisation network page.

    ``nodes`` is indexed by org_id (the organisations table joined with centralities) and must
    have a ``name`` column.  Returns ``(html, info)``; ``info`` states the display rule.
    """
    labels = np.asarray(projection.labels)
    n_all = len(labels)
    keep = np.arange(n_all)
    rule = f"all {n_all:,} organisations and {projection.n_ties:,} ties are shown"
    if n_all > max_nodes:
        score = nodes[rank_by].reindex(labels).fillna(0).to_numpy()
        order = np.lexsort((labels.astype(str), -score))
        keep = np.sort(order[:max_nodes])
        rule = (f"the {max_nodes:,} organisations with the highest {rank_by} of {n_all:,} are shown "
                f"(ties among them only); the full network is in ties.csv and network.gexf")
    M = projection.matrix.tocsr()[keep][:, keep]
    sub_labels = labels[keep]
    from .graph import Projection
    sub = Projection(M, projection.shared.tocsr()[keep][:, keep], sub_labels, dict(projection.params))
    xy = positions[keep] if positions is not None else layout_positions(sub, seed)
    attrs = nodes.reindex(sub_labels)
    color_attrs = [a for a in color_attrs if a in attrs.columns]
    size_measures = [m for m in size_measures if m in attrs.columns]
    filter_attrs = [a for a in filter_attrs if a in attrs.columns]
    tip_attrs = [a for a in ("org_type", "region", "wide_region", "complex", "cluster", "community",
                             "degree", "n_projects", "betweenness", "pagerank", "gatekeeper") if a in attrs.columns]
    cols = sorted(set(color_attrs + size_measures + tip_attrs + filter_attrs))
    recs = attrs[cols].to_dict(orient="list")
    node_list = []
    for i, lab in enumerate(sub_labels):
        name = attrs["name"].iloc[i] if "name" in attrs.columns else None
        node_list.append({"id": i, "label": str(name if isinstance(name, str) and name else lab),
                          "x": float(xy[i, 0]), "y": float(xy[i, 1]),
                          "attrs": {c: _clean(recs[c][i]) for c in cols}})
    coo = __import__("scipy.sparse", fromlist=["triu"]).triu(M, k=1).tocoo()
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
            "ranges": ranges, "attrLabels": ATTR_LABELS, "physicsMax": physics_max, "labelMax": 150,
            "rule": rule}
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
    filters_html = "".join(f'<h3>filter: {escape(ATTR_LABELS.get(a, a))}</h3><div class="filters" id="filter-{escape(a)}"></div>'
                           for a in filter_attrs)
    body = (f'<header><h1>{escape(title)}</h1><div class="note" id="rule">{escape(rule)}. '
            f'Layout: seeded igraph ({"Fruchterman-Reingold" if len(sub_labels) <= 1500 else "communities placed by Fruchterman-Reingold, each laid out on its own"}, seed {seed}); '
            f'physics {"on" if len(sub_labels) <= physics_max else "off"}. Click an organisation to highlight its partners.</div></header>'
            f'<div id="wrap"><div id="side"><h3>search</h3><input type="text" id="search" list="names" '
            f'placeholder="organisation name / 기관명"><datalist id="names"></datalist>'
            f'<button id="reset" type="button">reset</button>'
            f'<h3>colour by</h3><select id="colorBy"></select><h3>size by</h3><select id="sizeBy"></select>'
            f'<div id="legend"></div><div id="info"></div>{filters_html}</div><div id="net"></div></div>'
            f'<script>{js}</script>\n<script type="application/json" id="nc-data">{json_for_script(data)}</script>\n'
            f'<script>{own_js}</script>')
    html = _page(title, body, head_extra=f"<style>{css}</style><style>{style}</style>")
    return html, {"rule": rule, "nodes_shown": int(len(sub_labels)), "nodes_total": int(n_all),
                  "edges_shown": len(edge_list)}


def regions_html(region_long: pd.DataFrame, org_counts: pd.Series, *, title: str) -> str:
    """Province-level network: one node per region (placed on a map-like grid for Korean
    provinces), edge width ∝ ties between regions; readable at any scale."""
    regions = sorted(set(region_long["region_a"]) | set(region_long["region_b"]) | set(org_counts.index), key=str)
    rid = {r: i for i, r in enumerate(regions)}
    internal = {a: int(t) for a, b, t in zip(region_long["region_a"], region_long["region_b"], region_long["ties"]) if a == b}
    nodes = []
    others = [r for r in regions if r not in PROVINCE_XY]
    other_xy = {}
    if others:  # regions without map positions: seeded force layout of the region graph
        import igraph as ig
        from ._igraph import seeded
        oi = {r: i for i, r in enumerate(others)}
        el = [(oi[a], oi[b], float(t)) for a, b, t in zip(region_long["region_a"], region_long["region_b"],
                                                        region_long["ties"]) if a != b and t > 0 and a in oi and b in oi]
        g = ig.Graph(n=len(others), edges=[(a, b) for a, b, _ in el])
        with seeded(0):
            rng = np.random.default_rng(0)
            xy = np.asarray(g.layout_fruchterman_reingold(weights=[w for _, _, w in el] or None,
                                                          seed=rng.random((len(others), 2)).tolist(),
                                                          niter=500).coords, dtype=float)
        xy -= np.median(xy, axis=0)
        rad = np.hypot(xy[:, 0], xy[:, 1])
        r95 = float(np.quantile(rad, 0.9)) if len(rad) else 1.0
        xy /= (r95 or 1.0)
        rad = np.hypot(xy[:, 0], xy[:, 1])
        far = rad > 1.15  # weakly linked regions on a ring instead of far away
        xy[far] = xy[far] / rad[far, None] * 1.15
        for r, (x, y) in zip(others, xy):
            other_xy[r] = (900 * x + (1400 if len(others) < len(regions) else 0), 900 * y)
    for r in regions:
        if r in PROVINCE_XY:
            lon, lat = PROVINCE_XY[r]
            x, y = (lon - 127.5) * 260, -(lat - 36.0) * 320
        else:
            x, y = other_xy[r]
        label = f"{r} {PROVINCE_ENGLISH[r]}" if r in PROVINCE_ENGLISH else str(r)
        nodes.append({"id": rid[r], "label": label, "x": round(float(x), 1), "y": round(float(y), 1),
                      "orgs": int(org_counts.get(r, 0)), "internal": internal.get(r, 0)})
    edges = [{"from": rid[a], "to": rid[b], "ties": int(t), "ratio": _clean(q)}
             for a, b, t, q in zip(region_long["region_a"], region_long["region_b"], region_long["ties"],
                                   region_long["obs_exp_ratio"]) if a != b and t > 0]
    max_edges = 600
    shown_rule = ""
    if len(edges) > max_edges:  # keep the page readable: the strongest links (all are in region_matrix.csv)
        edges = sorted(edges, key=lambda e: (-e["ties"], e["from"], e["to"]))[:max_edges]
        shown_rule = f" Only the {max_edges} strongest links are drawn; region_matrix.csv has all."
    js, css = vis_assets()
    data = {"nodes": nodes, "edges": edges}
    script = """
(function(){var d=JSON.parse(document.getElementById('nc-data').textContent);
var maxo=Math.max.apply(null,d.nodes.map(function(n){return n.orgs;}).concat([1]));
var big=d.nodes.length>40;
var maxt=Math.max.apply(null,d.edges.map(function(e){return e.ties;}).concat([1]));
function tip(lines){var b=document.createElement('div');lines.forEach(function(l){var r=document.createElement('div');r.textContent=l;b.appendChild(r);});return b;}
var nodes=new vis.DataSet(d.nodes.map(function(n){return {id:n.id,label:n.label,x:n.x,y:n.y,shape:'dot',
 size:(big?6:18)+(big?24:40)*Math.sqrt(n.orgs/maxo),color:{background:'#4e79a7',border:'#1f3b5a'},font:{size:big?12:30,strokeWidth:4,strokeColor:'#ffffff',face:getComputedStyle(document.body).fontFamily},
 title:tip([n.label,'organisations: '+n.orgs,'ties inside: '+n.internal])};}));
var edges=new vis.DataSet(d.edges.map(function(e,i){return {id:i,from:e.from,to:e.to,width:0.5+18*e.ties/maxt,
 color:{color:'#e15759',opacity:0.45},title:tip(['ties: '+e.ties,'observed/expected: '+(e.ratio===null?'–':e.ratio.toFixed(2))])};}));
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
    side = (f'<div id="side"><table><thead><tr><th>region</th><th>orgs</th><th>ties inside</th>'
            f'<th>ties to others</th></tr></thead><tbody>{rows}</tbody></table></div>')
    body = (f'<header><h1>{escape(title)}</h1><div class="note">One node per region (size: organisations; '
            f'positions follow the map for Korean provinces). Edge width: ties between organisations of the two '
            f'regions. Hover for counts and the observed/expected ratio.{escape(shown_rule)}</div></header>'
            f'<div id="wrap">{side}<div id="net"></div></div>'
            f'<script>{js}</script>\n<script type="application/json" id="nc-data">{json_for_script(data)}</script>\n'
            f'<script>{script}</script>')
    return _page(title, body, head_extra=f"<style>{css}</style><style>{style}</style>")
