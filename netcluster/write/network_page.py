"""network.html: the interactive organisation network, self-contained and offline.

What the page carries (one JSON block, escaped so a name cannot close the script tag; the page
puts every name into the DOM with ``textContent`` and onto the canvas as text):

* the organisations drawn, with a seeded igraph layout, their attributes (the columns the
  column specification lists for colour, size, filters and tooltip), strength and the years
  they took part in a project;
* the ties among them, with weight, joint projects, backbone membership and the joint
  projects per year (for the year slider);
* fixed palettes (:mod:`netcluster.write.palettes`) and the texts of the page's language.

Which organisations are drawn (:func:`choose_organisations`): all of them up to ``max_nodes``;
above, the largest connected part of the graph shown first (the backbone when it is the
default view), grown from its strongest organisation by strength while staying connected, so
that no isolated dot is drawn and the choice rests on an exact measure.

The drawing itself (canvas, labels without overlap, search, filters, ego view, years,
exports) is ``templates/network.js``.
"""

from __future__ import annotations

import heapq
import math
from html import escape
from importlib import resources

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ..evolution import ties_by_year
from ..graph import Projection
from ..indicators import group_label
from ..layout import layout_positions
from ..regions import PROVINCE_ENGLISH
from .columns import columns_for
from .columns import labels as column_labels
from .pages import FONT_STACK, json_for_script, page, pages_nav
from .palettes import UNKNOWN, palette_for
from .text import TEXT
from .text import t as text

__all__ = ["network_html", "choose_organisations", "BACKBONE_FIRST_ABOVE"]

#: the page opens on the backbone when the whole network has more ties than this
BACKBONE_FIRST_ABOVE = 5000


def choose_organisations(projection, *, max_nodes: int, tie_mask: np.ndarray | None = None) -> np.ndarray:
    """Positions (sorted) of the organisations to draw.

    Up to ``max_nodes`` organisations: all.  Above: on the graph of the ties ``tie_mask``
    selects (all ties by default), start from the strongest organisation (strength: the sum
    of its tie weights in the whole network) of the largest connected component and add,
    strongest first, organisations tied to those already taken (best-first search); when the
    component is used up, continue with the next largest.  The organisations drawn are then
    connected whenever the largest component has ``max_nodes`` or more.

    >>> from netcluster.graph import BipartiteNetwork
    >>> net = BipartiteNetwork.from_edges(list("abbcde"), ["P", "P", "Q", "Q", "R", "R"])
    >>> proj = net.project_organisations("count")
    >>> proj.labels[choose_organisations(proj, max_nodes=2)].tolist()   # b is the strongest; a-b-c one part
    ['a', 'b']
    """
    n = projection.n_nodes
    if n <= max_nodes:
        return np.arange(n)
    r, c, w, _ = projection.tie_arrays()
    strength = np.bincount(r, w, n) + np.bincount(c, w, n)
    if tie_mask is not None:
        r, c = r[tie_mask], c[tie_mask]
    A = sp.coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n)).tocsr()
    A = (A + A.T).tocsr()
    k, comp = connected_components(A, directed=False)
    sizes = np.bincount(comp, minlength=k)
    # components by size, then by their strongest member's strength, then position
    best = np.full(k, -1.0)
    np.maximum.at(best, comp, strength)
    first = np.full(k, n)
    np.minimum.at(first, comp, np.arange(n))
    comp_order = np.lexsort((first, -best, -sizes))
    labels = np.asarray(projection.labels).astype(str)
    # a node's key is fixed (its strength, then its label), so it enters the heap once, when
    # first reached: the same order as pushing it again from every partner, without the
    # duplicates (246,000 pushes for 2,000 organisations of an EU-framework network)
    queued = np.zeros(n, dtype=bool)
    out = []
    indptr, indices = A.indptr, A.indices
    for cc in comp_order:
        if len(out) >= max_nodes:
            break
        members = np.flatnonzero(comp == cc)
        start = members[np.lexsort((labels[members], -strength[members]))[0]]
        heap = [(-strength[start], labels[start], int(start))]
        queued[start] = True
        while heap and len(out) < max_nodes:
            _, _, v = heapq.heappop(heap)
            out.append(v)
            nb = indices[indptr[v]:indptr[v + 1]]
            nb = nb[~queued[nb]]
            queued[nb] = True
            for u in nb.tolist():
                heapq.heappush(heap, (-strength[u], labels[u], u))
    return np.sort(np.asarray(out, dtype=np.int64))


def _grouped_flat(group: np.ndarray, values: np.ndarray, n: int) -> tuple[list[int], list[int]]:
    """The rows of ``values`` (rows × k integers) grouped by ``group`` (0..n-1), rows in their
    order within a group, flattened: ``(flat, rows)`` with ``rows[g]`` the number of group g's
    rows (one list for the page, not a list per group; the page sums the counts once)."""
    order = np.argsort(group, kind="stable")
    return values[order].ravel().tolist(), np.bincount(group, minlength=n).tolist()


def _grouped_lists(group: np.ndarray, values: np.ndarray, n: int) -> list[list[int]]:
    """For each group 0..n-1 its numbers of :func:`_grouped_flat` as a list of their own."""
    flat, rows = _grouped_flat(group, values, n)
    at = np.concatenate([[0], np.cumsum(rows, dtype=np.int64) * values.shape[1]]).tolist()
    return [flat[a:b] for a, b in zip(at[:-1], at[1:])]


def _clean(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else round(float(v), 6)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    return str(v)


def _value_labels(columns, lang: str) -> dict:
    """How a value is shown: organisation types and (in English) provinces by name."""
    out = {}
    if "org_type" in columns:
        out["org_type"] = dict(TEXT["org_types"][lang])
    if "region" in columns and lang == "en":
        out["region"] = {k: f"{v} ({k})" for k, v in PROVINCE_ENGLISH.items()}
    for c in columns:
        out.setdefault(c, {})[UNKNOWN] = text("unknown", lang)
    return out


def _tie_numbers(n: int, r: np.ndarray, c: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The number of the tie (r[k], c[k]) for each pair (rows, cols); -1 where none."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    index = sp.csr_matrix((np.arange(1, len(r) + 1, dtype=np.int64), (r, c)), shape=(n, n))
    return np.asarray(index[rows, cols]).ravel().astype(np.int64) - 1


def network_html(projection, nodes: pd.DataFrame, *, title: str, seed: int = 0, max_nodes: int = 2000,
                 group_by: str = "region", positions: np.ndarray | None = None, lang: str = "en",
                 in_backbone: np.ndarray | None = None, backbone_params: dict | None = None, network=None,
                 project_years: pd.Series | None = None, backbone_first_above: int = BACKBONE_FIRST_ABOVE,
                 size_by: str = "degree") -> tuple[str, dict]:
    """The interactive organisation network page.

    Parameters
    ----------
    projection : Projection
        The organisation projection (every tie).
    nodes : DataFrame
        Indexed by org id (the organisations table joined with the measures), with ``name``.
    in_backbone, backbone_params : array of bool, dict, optional
        Backbone membership of every tie (in ``projection.tie_arrays()`` order) and its
        parameters (:func:`netcluster.backbone.backbone`); the page opens on the backbone
        when the network has more than ``backbone_first_above`` ties.
    network, project_years : BipartiteNetwork, Series, optional
        For the year slider: the organisation–project network and each project's year.
    max_nodes : int
        Most organisations drawn (:func:`choose_organisations`).
    positions : array (n, 2), optional
        Positions of all the projection's organisations (default: a seeded igraph layout of
        those drawn).

    Returns
    -------
    (html, info)
        ``info`` has the display rule (``rule``), the counts drawn and whether the backbone
        is shown first.
    """
    labels = np.asarray(projection.labels)
    n_all, m_all = len(labels), projection.n_ties
    r_all, c_all, _, _ = projection.tie_arrays()
    has_backbone = (in_backbone is not None and backbone_params is not None
                    and backbone_params.get("method", "none") != "none")
    backbone_first = bool(has_backbone and m_all > backbone_first_above)
    keep = choose_organisations(projection, max_nodes=max_nodes,
                                tie_mask=np.asarray(in_backbone, bool) if backbone_first else None)
    graph_word = text("net_graph_backbone" if backbone_first else "net_graph_all", lang)
    if len(keep) < n_all:
        rule = text("net_rule_top", lang, max=max_nodes, n=len(keep), total=n_all, graph=graph_word)
    else:
        rule = text("net_rule_all", lang, n=n_all)
    M = projection.matrix.tocsr()[keep][:, keep]
    sub_labels = labels[keep]
    sub = Projection(M, projection.shared.tocsr()[keep][:, keep], sub_labels, dict(projection.params))
    xy = positions[keep] if positions is not None else layout_positions(sub, seed)
    if len(xy):  # centred, the larger side spanning 2,000 units
        xy = xy - (xy.max(axis=0) + xy.min(axis=0)) / 2
        span = float(np.abs(xy).max()) or 1.0
        xy = xy / span * 1000.0

    # ties among the organisations drawn, with their backbone flag and per-year counts
    r, c, w, shared = sub.tie_arrays()
    tie_no = _tie_numbers(n_all, r_all, c_all, keep[r], keep[c])
    flags = (np.asarray(in_backbone, bool)[tie_no] if in_backbone is not None
             else np.ones(len(r), dtype=bool))
    year0, year1, edge_years, edge_year_pairs, node_years = None, None, None, None, None
    if network is not None and project_years is not None and pd.Series(project_years).notna().any():
        yt, presence = ties_by_year(network, sub_labels, project_years,
                                    excluded=projection.params.get("excluded_projects") or ())
        if len(presence):
            year0 = int(presence["year"].min())
            e_of = _tie_numbers(len(keep), r, c, yt["a"].to_numpy(), yt["b"].to_numpy())
            on = e_of >= 0
            pairs = np.column_stack([yt["year"].to_numpy(dtype=np.int64)[on] - year0,
                                     yt["shared"].to_numpy(dtype=np.int64)[on]])
            # the ties' (year, joint projects) pairs one after the other, tie by tie, and the
            # number of pairs of each tie
            edge_years, edge_year_pairs = _grouped_flat(e_of[on], pairs, len(r))
            node_years = _grouped_lists(presence["org"].to_numpy(dtype=np.int64),
                                        presence["year"].to_numpy(dtype=np.int64)[:, None] - year0, len(keep))
            year1 = int(presence["year"].max())

    # attributes, palettes and texts
    glabel = group_label(group_by, lang)
    attr_labels = column_labels(lang, group_by=group_by, group_label=glabel, available=nodes)
    attrs = nodes.reindex(sub_labels)
    color_attrs = _first(columns_for("colour", nodes, group_by=group_by), group_by)
    size_measures = _first(columns_for("size", nodes, group_by=group_by), size_by)
    filter_attrs = [a for a in _first(columns_for("filter", nodes, group_by=group_by), group_by)]
    tip_attrs = columns_for("tooltip", nodes, group_by=group_by)
    cols = sorted(set(color_attrs + size_measures + tip_attrs + filter_attrs))
    recs = {col: attrs[col].tolist() for col in cols}
    strength = np.asarray(M.sum(axis=1)).ravel()
    names = attrs["name"].tolist() if "name" in attrs.columns else [None] * len(sub_labels)
    node_list = []
    for i, lab in enumerate(sub_labels):
        name = names[i]
        node = {"label": str(name) if isinstance(name, str) and name else str(lab),
                "x": round(float(xy[i, 0]), 2), "y": round(float(xy[i, 1]), 2),
                "s": round(float(strength[i]), 6), "a": [_clean(recs[col][i]) for col in cols]}
        if node_years is not None:
            node["y_"] = node_years[i]
        node_list.append(node)
    categorical = sorted(set(color_attrs) | set(filter_attrs))
    palettes, grey = {}, {}
    for a in categorical:
        values = [(UNKNOWN if v is None else str(v)) for v in (_clean(x) for x in recs[a])]
        pal, n_grey = palette_for(a, values)
        palettes[a], grey[a] = pal, n_grey
    ranges = {}
    for m in size_measures:
        vals = pd.to_numeric(attrs[m], errors="coerce").to_numpy(dtype=float)
        finite = vals[np.isfinite(vals)]
        ranges[m] = [float(finite.min()), float(finite.max())] if len(finite) else [0.0, 1.0]
    bp = dict(backbone_params or {})
    backbone_line = ""
    if has_backbone:
        total = max(int(bp.get("ties_total", m_all)), 1)
        backbone_line = text("net_backbone_line", lang, method=TEXT["backbone_methods"][lang][bp["method"]],
                             correction=TEXT["backbone_corrections"][lang][bp.get("correction", "none")],
                             alpha=bp.get("alpha"), kept=int(bp.get("ties", 0)), total=total,
                             kept_share=f"{100 * int(bp.get('ties', 0)) / total:.1f}%",
                             orgs=int(bp.get("organisations", 0)))
    layout = text("layout_fr" if len(sub_labels) <= 1500 else "layout_two_level", lang, seed=seed)
    page_text = {k[4:]: v[lang] for k, v in TEXT.items() if k.startswith("net_")}
    page_text["unknown"] = text("unknown", lang)
    data = {
        "cols": cols, "nodes": node_list,
        "edges": {"a": r.tolist(), "b": c.tolist(), "w": [round(float(x), 6) for x in w],
                  "s": [int(x) for x in shared], "bb": [int(x) for x in flags]},
        "edgeYears": edge_years, "edgeYearPairs": edge_year_pairs, "year0": year0, "year1": year1,
        "colorAttrs": color_attrs, "sizeMeasures": size_measures, "filterAttrs": filter_attrs,
        "tooltipAttrs": tip_attrs, "palettes": palettes, "grey": grey, "ranges": ranges,
        "attrLabels": attr_labels, "valueLabels": _value_labels(categorical, lang), "groupBy": group_by,
        "nAll": int(n_all), "mAll": int(m_all), "hasBackbone": bool(has_backbone),
        "backboneFirst": backbone_first, "backboneTies": int(bp.get("ties", 0)) if has_backbone else None,
        "backboneFirstAbove": int(backbone_first_above), "lang": lang,
        "fileStem": "network", "text": page_text,
    }
    own_js = (resources.files("netcluster") / "templates" / "network.js").read_text(encoding="utf-8")
    own_css = (resources.files("netcluster") / "templates" / "network.css").read_text(encoding="utf-8")
    note = " ".join(x for x in (f"{rule[:1].upper()}{rule[1:]}.", backbone_line + ("." if backbone_line else ""),
                                text("net_backbone_default", lang, n=backbone_first_above) if backbone_first else "",
                                f"{layout}.") if x)
    body = (f'<header><button type="button" id="menuToggle" aria-controls="side" aria-expanded="false">☰ '
            f'{escape(text("net_menu", lang))}</button><h1>{escape(title)}</h1>{pages_nav("network.html", lang)}'
            f'<div class="note"><b id="counts"></b> <span id="rule">{escape(note)}</span></div></header>'
            f'<div id="wrap"><aside id="side"></aside>'
            f'<div id="net"><canvas id="canvas"></canvas><div id="toolbar"></div><div id="tip" hidden></div></div></div>'
            f'<script type="application/json" id="nc-data">{json_for_script(data)}</script>\n'
            f'<script>{own_js}</script>')
    html = page(title, body, head_extra=f"<style>{own_css.replace('FONT_STACK', FONT_STACK)}</style>", lang=lang)
    return html, {"rule": rule, "nodes_shown": int(len(sub_labels)), "nodes_total": int(n_all),
                  "edges_shown": int(len(r)), "backbone_first": backbone_first, "backbone": backbone_line}


def _first(cols: list, default: str) -> list:
    return [default] + [c for c in cols if c != default] if default in cols else cols
