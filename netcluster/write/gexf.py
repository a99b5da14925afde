"""Graph files for Gephi, igraph and networkx: GEXF 1.3 (written directly from formatted
tables, in pieces that either process may write) and GraphML (through networkx, on request).

The node attributes are the organisation columns whose specification lists the ``graph``
output (:mod:`netcluster.write.columns`); edges carry ``weight`` and ``shared_projects``.
Gephi opens the file laid out and coloured: each node has ``viz:position`` (the network
page's layout), ``viz:color`` (the page's colour of its group: fixed province colours) and
``viz:size`` (by degree, the page's size measure); with project years, nodes and edges have
``start``/``end`` (first and last year of the organisation's projects, of the tie's joint
projects: :func:`netcluster.evolution.year_spans`), so Gephi's timeline works.
No date inside, so the bytes are reproducible.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import quoteattr

import networkx as nx
import numpy as np
import pandas as pd

from .columns import DEFAULTS, columns_for
from .formatted import FormattedTable
from .palettes import UNKNOWN, palette_for
from .pieces import append_parts, coded_rows, part_file, part_rows
from .rows import ROW_CHUNK, join_rows

__all__ = ["write_gexf", "write_gexf_nodes", "write_gexf_edges", "finish_gexf", "write_graphml",
           "graph_columns", "gexf_viz", "GEXF_NS", "VIZ_NS"]

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
#: Columns written as the GEXF's time line (``start``/``end``), not as attributes.
_SPAN = ("first_year", "last_year")
#: viz:size of the smallest and largest node (Gephi's units), by the square root of the size
#: measure as the network page scales its discs.
VIZ_SIZE_MIN, VIZ_SIZE_MAX = 4.0, 24.0

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_PLAIN = re.compile("[^&<>\"'\x00-\x1f\ufffe\uffff]*")  # nothing to escape or drop
_GEXF_END = "    </edges>\n  </graph>\n</gexf>\n"


def graph_columns(organisations, group_by: str = "region") -> list[str]:
    """The organisation columns written to the graph files (``organisations``: a table or its
    columns)."""
    return columns_for("graph", organisations, group_by=group_by)


def gexf_viz(org_out: pd.DataFrame, positions, *, group_by: str = "region", size_by: str = "degree") -> dict:
    """What Gephi draws, per organisation (in the table's order): ``x``, ``y`` (``positions``:
    a DataFrame of ``x``, ``y`` indexed by org id, or None), ``rgb``
    (the page's palette of ``group_by``) and ``size`` (``VIZ_SIZE_MIN`` + the square root of
    ``size_by`` over its maximum × (``VIZ_SIZE_MAX`` − ``VIZ_SIZE_MIN``)).

    >>> v = gexf_viz(pd.DataFrame({"region": ["서울", None], "degree": [4, 1]}), None)
    >>> v["rgb"][0], v["size"].tolist()
    ((230, 25, 75), [24.0, 14.0])
    """
    n = len(org_out)
    out = {"x": None, "y": None}
    if positions is not None:
        xy = positions.reindex(org_out.index)
        if xy.notna().all().all():
            out["x"], out["y"] = xy["x"].to_numpy(dtype=float), xy["y"].to_numpy(dtype=float)
    colour_by = group_by if group_by in org_out.columns else DEFAULTS["colour"]
    if colour_by in org_out.columns:
        values = [UNKNOWN if v is None or (isinstance(v, float) and v != v) or v is pd.NA else str(v)
                  for v in org_out[colour_by].tolist()]
        pal, _ = palette_for(colour_by, values)
        rgb = {k: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for k, c in pal.items()}
        out["rgb"] = [rgb[v] for v in values]
    else:
        out["rgb"] = None
    v = pd.to_numeric(org_out[size_by], errors="coerce").to_numpy(dtype=float) if size_by in org_out.columns \
        else np.ones(n)
    v = np.where(np.isfinite(v) & (v > 0), v, 0.0)
    top = v.max() if n and v.max() > 0 else 1.0
    out["size"] = np.round(VIZ_SIZE_MIN + np.sqrt(v / top) * (VIZ_SIZE_MAX - VIZ_SIZE_MIN), 2)
    return out


def write_gexf_nodes(org_out, out: Path, formatted: FormattedTable | None = None, viz: dict | None = None) -> None:
    """network.gexf up to its edges: header and nodes (the edges: :func:`write_gexf_edges`,
    then :func:`finish_gexf`).  Takes the graph columns of the organisations table already
    formatted (``formatted``: ``FormattedTable.of(org_out.reset_index())``) or formats only
    them (the same text); ``viz`` from :func:`gexf_viz`."""
    cols = ["org_id"] + graph_columns(org_out) + [c for c in _SPAN if c in org_out.columns]
    if formatted is not None:
        nodes = formatted.select(cols)
    else:
        nodes = FormattedTable.as_text(org_out.reset_index()[cols])
    _write_node_lines(nodes, out / "network.gexf", viz)


def finish_gexf(out: Path, parts: int) -> None:
    """Append the edges (:func:`write_gexf_edges`, part files 1..parts) and the closing tags to
    network.gexf."""
    append_parts(out / "network.gexf", parts + 1, _GEXF_END)


def write_gexf_edges(ties, out: Path, org_columns, coded=None, part=None) -> None:
    """The edges of the GEXF (``part=(i, k)``: the i-th of k row ranges; edge ids are the
    rows'), into the files that :func:`finish_gexf` appends.  ``org_columns``: the
    organisations table (or its columns; they number the GEXF attributes)."""
    a, b = part_rows(len(ties), part)
    cols = ["source", "target", "weight", "shared_projects"] + [c for c in _SPAN if c in ties.columns]
    edges = FormattedTable.as_text(ties.iloc[a:b][cols], coded_rows(coded, a, b))
    path = part_file(out / "network.gexf", (part[0] if part else 0) + 1)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        _write_edge_lines(edges, f, _gexf_edge_attribute(["org_id"] + graph_columns(org_columns)), first_id=a)


def write_graphml(organisations: pd.DataFrame, ties: pd.DataFrame, path: Path) -> Path:
    """GraphML through networkx (on request; a Python object per tie, so not for huge graphs).

    The node id is the organisation's unique id, also stored as the attribute ``name`` (what
    igraph's ``Graph.Read_GraphML`` uses as the vertex name); the organisation's name is the
    attribute ``label`` (Gephi's and yEd's label)."""
    keep_cols = graph_columns(organisations) + [c for c in _SPAN if c in organisations.columns]
    g = nx.Graph()
    for lab, rec in zip(organisations.index, organisations[keep_cols].to_dict(orient="records")):
        attrs = {}
        for k, v in rec.items():
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                continue
            attrs["label" if k == "name" else k] = (v.item() if hasattr(v, "item") else
                                                    (v if isinstance(v, (int, float, bool)) else str(v)))
        attrs["name"] = str(lab)
        g.add_node(str(lab), **attrs)
    for s, t, w, c in zip(ties["source"], ties["target"], ties["weight"], ties["shared_projects"]):
        g.add_edge(str(s), str(t), weight=float(w), shared_projects=int(c))
    nx.write_graphml(g, path, encoding="utf-8")
    return path


def write_gexf(nodes, ties, path: Path) -> None:
    """GEXF 1.3 written directly from formatted tables (no per-edge Python objects): node
    attributes (``nodes``: ``org_id``, ``name`` and attribute columns) and edge weights
    (``ties``: ``source``, ``target``, ``weight``, ``shared_projects``).  Opens in Gephi and
    in networkx.read_gexf; no date inside, so the bytes are reproducible."""
    _write_node_lines(nodes, path)
    with open(path, "a", encoding="utf-8", newline="\n") as f:
        _write_edge_lines(ties, f, _gexf_edge_attribute(nodes.columns))
        f.write(_GEXF_END)


def _gexf_edge_attribute(node_columns) -> int:
    """Id of the edge attribute ``shared_projects`` (numbered after the node attributes)."""
    return len([c for c in node_columns if c not in ("org_id", "name") + _SPAN])


def _gexf_esc(u):
    if _XML_PLAIN.fullmatch(u):
        return '"' + u + '"'
    return quoteattr(_XML_INVALID.sub("", u))


def _gexf_escaped(col):
    """Each row's value as an escaped XML attribute ('""' when missing)."""
    if col.kind == "text":
        plain = _XML_PLAIN.fullmatch  # most ids and names: nothing to escape (no call per value)
        return col.cached("gexf", lambda: np.array(['"' + u + '"' if plain(u) else _gexf_esc(u) for u in col.uniques]
                                                   + ['""'], dtype=object))[col.codes]
    return np.array(['""' if t is None else _gexf_esc(t) for t in col.text.tolist()], dtype=object)


def _span_pieces(table, n):
    """`` start="2005" end="2013"`` per row from the table's first/last year columns (empty
    where missing or absent)."""
    piece = np.full(n, "", dtype=object)
    for c, word in zip(_SPAN, ("start", "end")):
        if c in table.columns:
            text = table.column(c).text
            ok = np.array([t is not None for t in text.tolist()], dtype=bool)
            if ok.any():
                piece[ok] = piece[ok] + f' {word}="' + text[ok] + '"'
    return piece


def _viz_pieces(viz, n):
    """``<viz:color/><viz:position/><viz:size/>`` per node ('' without ``viz``)."""
    piece = np.full(n, "", dtype=object)
    if not viz:
        return piece
    if viz.get("rgb") is not None:
        piece = piece + np.array([f'<viz:color r="{r}" g="{g}" b="{b}" />' for r, g, b in viz["rgb"]], dtype=object)
    if viz.get("x") is not None:
        xs = np.round(np.asarray(viz["x"], dtype=float), 2).astype(str).astype(object)
        ys = np.round(np.asarray(viz["y"], dtype=float), 2).astype(str).astype(object)
        piece = piece + '<viz:position x="' + xs + '" y="' + ys + '" z="0.0" />'
    if viz.get("size") is not None:
        piece = piece + '<viz:size value="' + np.asarray(viz["size"], dtype=float).astype(str).astype(object) + '" />'
    return piece


def _write_node_lines(nodes, path: Path, viz: dict | None = None) -> None:
    """The GEXF header and nodes, through the opening ``<edges>`` (see :func:`write_gexf`)."""
    esc, escaped = _gexf_esc, _gexf_escaped
    gexf_type = {"int": "long", "float": "double", "bool": "boolean", "text": "string"}
    attr_cols = [c for c in nodes.columns if c not in ("org_id", "name") + _SPAN]
    dynamic = any(c in nodes.columns for c in _SPAN)
    out = ["<?xml version='1.0' encoding='utf-8'?>",
           f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{VIZ_NS}" version="1.3">',
           "  <meta><creator>netcluster</creator></meta>",
           ('  <graph defaultedgetype="undirected" mode="dynamic" timeformat="integer" timerepresentation="interval">'
            if dynamic else '  <graph defaultedgetype="undirected" mode="static">'),
           '    <attributes mode="static" class="node">']
    for i, c in enumerate(attr_cols):
        out.append(f'      <attribute id="{i}" title={quoteattr(c)} type="{gexf_type[nodes.column(c).kind]}" />')
    out += ["    </attributes>", '    <attributes mode="static" class="edge">',
            f'      <attribute id="{len(attr_cols)}" title="shared_projects" type="long" />',
            "    </attributes>", "    <nodes>"]
    # node attributes column by column: numbers as formatted once, each distinct text escaped
    # once; rows joined in chunks (no per-node string building)
    n = nodes.n_rows
    pieces = []
    for i, c in enumerate(attr_cols):
        col, head = nodes.column(c), f'<attvalue for="{i}" value='
        piece = np.full(n, "", dtype=object)
        if col.kind == "text":
            ok = col.codes >= 0
            piece[ok] = np.array([head + esc(u) + " />" for u in col.uniques], dtype=object)[col.codes[ok]]
        elif col.kind == "bool":
            piece[:] = np.where(col.values, head + '"true" />', head + '"false" />')
        else:
            ok = np.array([t is not None for t in col.text.tolist()], dtype=bool)
            piece[ok] = head + '"' + col.text[ok] + '" />'
        pieces.append(piece)
    spans, visual = _span_pieces(nodes, n), _viz_pieces(viz, n)

    id_text = escaped(nodes.column("org_id"))
    label = id_text
    if "name" in nodes.columns and nodes.column("name").kind == "text":
        nm = nodes.column("name")
        named = np.array([bool(u) for u in nm.uniques] + [False], dtype=bool)[nm.codes]
        label = np.where(named, escaped(nm), id_text)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")
        for a in range(0, n, ROW_CHUNK):
            b = min(a + ROW_CHUNK, n)
            m = b - a
            f.write("".join(join_rows(["      <node id=", id_text[a:b], " label=", label[a:b], spans[a:b],
                                       "><attvalues>"] + [p[a:b] for p in pieces]
                                      + ["</attvalues>", visual[a:b], "</node>\n"], m)))
        f.write("    </nodes>\n    <edges>\n")


def _write_edge_lines(ties, f, k: int, first_id: int = 0) -> None:
    """The GEXF edge lines (``ties``: formatted ``source``, ``target``, ``weight``,
    ``shared_projects`` and, when present, ``first_year``/``last_year``) written to the open
    text file ``f``; ``k`` is the id of the edge attribute; edge ids count from ``first_id``."""
    escaped = _gexf_escaped
    if ties.n_rows:
        es, et = escaped(ties.column("source")), escaped(ties.column("target"))
        wt, sh = ties.column("weight").text, ties.column("shared_projects").text
        spans = _span_pieces(ties, ties.n_rows)
        for a in range(0, ties.n_rows, ROW_CHUNK):  # edges in chunks: bounded memory
            b = min(a + ROW_CHUNK, ties.n_rows)
            m = b - a
            ids = np.empty(m, dtype=object)
            ids[:] = list(map(str, range(first_id + a, first_id + b)))
            f.write("".join(join_rows(["      <edge source=", es[a:b], " target=", et[a:b], ' id="', ids,
                                       '" weight="', wt[a:b], '"', spans[a:b],
                                       f'><attvalues><attvalue for="{k}" value="', sh[a:b],
                                       '" /></attvalues></edge>\n'], m)))
