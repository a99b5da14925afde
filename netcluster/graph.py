r"""The bipartite organisation–project graph and its projections (scipy.sparse).

A :class:`BipartiteNetwork` holds the biadjacency matrix :math:`B` (organisations ×
projects, :math:`B_{ip}=1` when organisation *i* takes part in project *p*) with
the labels of both sides.  Projections are sparse matrix products, never Python
loops over pairs:

.. math::

    C = B\,B^\top \quad(\text{shared projects}),\qquad
    W^{\text{Newman}} = B\,D\,B^\top,\; D_{pp} = \frac{1}{n_p-1}\ (n_p\ge2)

and the diagonal is set to zero (no self-ties; an organisation's own project
count is kept as ``n_projects``).

Weightings of the organisation projection (``weighting=``):

===============  ===============================================================
``binary``       1 when *i* and *j* share at least one project
``count``        :math:`c_{ij}` = number of shared projects
``newman``       :math:`\sum_p B_{ip}B_{jp}/(n_p-1)` (Newman 2001); the weights of a
                 project's pairs add up to :math:`n_p/2`, so every organisation
                 receives one unit per project
``jaccard``      :math:`c_{ij}/(k_i+k_j-c_{ij})` with :math:`k_i` the project count
``association``  :math:`c_{ij}\,P/(k_i k_j)`, the observed / expected ratio of
                 co-participation (van Eck & Waltman 2009's association strength,
                 scaled so that 1 = independence); *P* = number of projects
===============  ===============================================================

References
----------
M. E. J. Newman, "Scientific collaboration networks. II.", Phys. Rev. E 64, 016132 (2001).
N. J. van Eck, L. Waltman, "How to normalize cooccurrence data?", JASIST 60(8), 1635–1651 (2009).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._html import box, key_values
from ._missing import isna_scalar
from .exceptions import InputError, ResourceLimitError
from .groups import sorted_factorize

__all__ = ["BipartiteNetwork", "Projection", "WEIGHTINGS", "DEFAULT_MAX_PAIRS", "DEFAULT_MAX_PROJECT_SIZE",
           "year_slices", "frames_to_networkx", "frames_to_igraph"]

WEIGHTINGS = ("binary", "count", "newman", "jaccard", "association")
#: Default budget of organisation pairs a projection may create (about 1.2 GB of COO data).
DEFAULT_MAX_PAIRS = 50_000_000
#: Default largest project of a projection: 500 participants (124,750 pairs).  A larger
#: "project" is nearly always a placeholder id (``-``, ``0``, ``N/A``) or a whole programme
#: filed as one project; its clique would dominate every path and brokerage measure and their
#: time.  Above it the projection refuses and names the projects (leave them out with
#: ``max_project_size=``, or raise this limit knowingly).
DEFAULT_MAX_PROJECT_SIZE = 500


def _row_major_order(m) -> np.ndarray | slice:
    """The order sorting a COO matrix's entries by (row, col): ``slice(None)`` when they are
    already (a CSR matrix with sorted indices gives them so; checked in one vectorised pass
    instead of a lexsort)."""
    r, c = m.row, m.col
    if len(r) < 2 or bool(np.all((r[1:] > r[:-1]) | ((r[1:] == r[:-1]) & (c[1:] > c[:-1])))):
        return slice(None)
    return np.lexsort((c, r))

def _python(v):
    """A cell as a plain Python value for a graph attribute (None when missing)."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def frames_to_networkx(nodes: pd.DataFrame, edges: pd.DataFrame, *, source: str = "source",
                       target: str = "target"):
    """networkx.Graph from a node table (indexed by node id; every column an attribute) and an
    edge table (``source``, ``target`` and attribute columns).  Missing values are left out
    of the attribute dicts (networkx's convention); numpy scalars become Python numbers.

    >>> g = frames_to_networkx(pd.DataFrame({"name": ["A", None]}, index=["a", "b"]),
    ...                        pd.DataFrame({"source": ["a"], "target": ["b"], "weight": [2.0]}))
    >>> dict(g.nodes(data=True)), list(g.edges(data=True))
    ({'a': {'name': 'A'}, 'b': {}}, [('a', 'b', {'weight': 2.0})])
    """
    g = nx.Graph()
    cols = [str(c) for c in nodes.columns]
    for node, row in zip(nodes.index.tolist(), nodes.itertuples(index=False, name=None)):
        g.add_node(node, **{c: p for c, p in zip(cols, map(_python, row)) if p is not None})
    ecols = [c for c in edges.columns if c not in (source, target)]
    for u, v, row in zip(edges[source].tolist(), edges[target].tolist(),
                         edges[ecols].itertuples(index=False, name=None)):
        g.add_edge(u, v, **{c: p for c, p in zip(ecols, map(_python, row)) if p is not None})
    return g


def frames_to_igraph(nodes: pd.DataFrame, edges: pd.DataFrame, *, source: str = "source",
                     target: str = "target"):
    """igraph.Graph from a node table (indexed by node id → vertex attribute ``name``, igraph's
    vertex identifier; every column a vertex attribute, a column ``name`` as ``label``; missing
    values None) and an edge table (``source``, ``target`` and attribute columns → edge
    attributes), vertices in the node table's order.

    >>> g = frames_to_igraph(pd.DataFrame({"deg": [1, 1]}, index=["a", "b"]),
    ...                      pd.DataFrame({"source": ["a"], "target": ["b"], "weight": [2.0]}))
    >>> g.vs["name"], g.vs["deg"], g.es["weight"]
    (['a', 'b'], [1, 1], [2.0])
    """
    ids = pd.Index(nodes.index)
    u, v = ids.get_indexer(edges[source]), ids.get_indexer(edges[target])
    if (u < 0).any() or (v < 0).any():
        raise KeyError("edges whose ends are not in the node table")
    g = ig.Graph(n=len(ids), edges=list(zip(u.tolist(), v.tolist())), directed=False)
    g.vs["name"] = [str(x) for x in ids]
    for c in nodes.columns:
        g.vs["label" if str(c) == "name" else str(c)] = [_python(x) for x in nodes[c].tolist()]
    for c in edges.columns:
        if c not in (source, target):
            g.es[str(c)] = [_python(x) for x in edges[c].tolist()]
    return g



@dataclass
class Projection:
    """A weighted one-mode projection.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        Symmetric, zero diagonal, ``weight`` values.
    shared : scipy.sparse.csr_matrix
        Number of shared projects (same sparsity as ``matrix``).
    labels : numpy.ndarray
        Node labels (org_id or project_id) in matrix order.
    params : dict
        weighting, min_weight, max_project_size, excluded projects ….
    """

    matrix: sp.csr_matrix
    shared: sp.csr_matrix
    labels: np.ndarray
    params: dict = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_nodes(self) -> int:
        return self.matrix.shape[0]

    @property
    def n_ties(self) -> int:
        if "tie_arrays" in self._cache:  # counted, not rebuilt
            return len(self._cache["tie_arrays"][0])
        return int(sp.triu(self.matrix, k=1).nnz)

    def cached(self, key, make):
        """``make()`` computed once per key for this projection (derived arrays that several
        measures use, e.g. PageRank's operator structure)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def tie_arrays(self):
        """Upper-triangle ties as integer arrays ``(row, col, weight, shared)`` sorted by
        (row, col) — the vectorised form of :meth:`ties` (computed once, then cached)."""
        if "tie_arrays" not in self._cache:
            up = sp.triu(self.matrix, k=1).tocoo()
            order = _row_major_order(up)
            r, c, w = up.row[order], up.col[order], up.data[order]
            sh = sp.triu(self.shared, k=1).tocoo()
            so = _row_major_order(sh)
            if sh.nnz == up.nnz and np.array_equal(sh.row[so], r) and np.array_equal(sh.col[so], c):
                shared = sh.data[so]
            else:  # different sparsity (should not happen); look values up
                shared = np.asarray(self.shared.tocsr()[r, c]).ravel() if len(r) else np.zeros(0)
            self._cache["tie_arrays"] = (r.astype(np.int64), c.astype(np.int64), w.astype(float),
                                         shared.astype(np.int64))
        return self._cache["tie_arrays"]

    def ties(self) -> pd.DataFrame:
        """One row per undirected tie (``source < target`` by matrix order):
        ``source, target, weight, shared_projects``."""
        r, c, w, shared = self.tie_arrays()
        return pd.DataFrame({"source": self.labels[r], "target": self.labels[c],
                             "weight": w, "shared_projects": shared})

    def strength(self) -> pd.Series:
        return pd.Series(np.asarray(self.matrix.sum(axis=1)).ravel(), index=self.labels,
                         name="strength")

    def degree(self) -> pd.Series:
        m = self.matrix.copy()
        m.data = np.ones_like(m.data)
        return pd.Series(np.asarray(m.sum(axis=1)).ravel().astype(np.int64), index=self.labels,
                         name="degree")

    def to_networkx(self, node_attrs: pd.DataFrame | None = None):
        """networkx.Graph with ``weight`` and ``shared_projects`` edge attributes."""
        g = nx.Graph()
        if node_attrs is not None:
            attrs = node_attrs.reindex(self.labels)
            for lab, rec in zip(self.labels, attrs.to_dict(orient="records")):
                g.add_node(lab, **{k: v for k, v in rec.items() if not isna_scalar(v)})
        else:
            g.add_nodes_from(self.labels)
        t = self.ties()
        g.add_edges_from((s, d, {"weight": w, "shared_projects": int(c)})
                         for s, d, w, c in t.itertuples(index=False))
        return g

    def to_igraph(self):
        """igraph.Graph with vertex attribute ``name`` (labels) and edge ``weight`` (ties in
        :meth:`tie_arrays` order).  Built once and cached: treat it as read-only (``.copy()``
        it before modifying)."""
        if "igraph" not in self._cache:
            r, c, w, _ = self.tie_arrays()
            # pairs as tuples of Python ints: igraph converts them ~3x faster than numpy rows
            g = ig.Graph(n=self.n_nodes, edges=list(zip(r.tolist(), c.tolist())), directed=False)
            g.vs["name"] = [str(x) for x in self.labels]
            g.es["weight"] = w.tolist()
            self._cache["igraph"] = g
        return self._cache["igraph"]

    def _repr_html_(self) -> str:
        n, m = self.n_nodes, self.n_ties
        density = 2 * m / (n * (n - 1)) if n > 1 else 0.0
        deg = self.degree()
        return box("Projection", key_values([
            ("nodes", f"{n:,}"), ("ties", f"{m:,}"), ("density", f"{density:.5f}"),
            ("mean degree", f"{deg.mean():.2f}" if n else "0"), ("isolates", f"{int((deg == 0).sum()):,}"),
            ("weighting", self.params.get("weighting")),
            ("projects left out (max_project_size)", len(self.params.get("excluded_projects") or ()))]))


class BipartiteNetwork:
    """Organisations × projects incidence, stored as a CSR biadjacency matrix.

    Build it with :meth:`from_dataset` or :meth:`from_edges`.  Rows and columns
    are sorted by label so that results do not depend on input row order.
    """

    def __init__(self, biadjacency: sp.spmatrix, orgs, projects, *, dataset=None):
        B = sp.csr_matrix(biadjacency, dtype=np.float64)
        B.data[:] = 1.0
        B.sum_duplicates()
        B.data[:] = 1.0
        self.B = B
        self.orgs = np.asarray(orgs, dtype=object)
        self.projects = np.asarray(projects, dtype=object)
        self.dataset = dataset
        if B.shape != (len(self.orgs), len(self.projects)):
            raise ValueError("biadjacency shape does not match the labels")

    # -- construction -------------------------------------------------------
    @classmethod
    def from_edges(cls, orgs_col, projects_col, *, dataset=None) -> "BipartiteNetwork":
        """From two aligned sequences (one element per participation)."""
        o = pd.Series(np.asarray(orgs_col, dtype=object))
        p = pd.Series(np.asarray(projects_col, dtype=object))
        if o.isna().any() or p.isna().any():
            raise InputError("participations with a missing organisation or project id")
        oi, org_labels = sorted_factorize(o.to_numpy())  # codes numbered in label order
        pi, proj_labels = sorted_factorize(p.to_numpy())
        return cls.from_codes(oi, org_labels, pi, proj_labels, dataset=dataset)

    @classmethod
    def from_codes(cls, org_codes, org_labels, project_codes, project_labels, *, dataset=None) -> "BipartiteNetwork":
        """From integer codes per participation into label lists sorted as
        :func:`netcluster.groups.sorted_factorize` sorts them (every label used): the network
        :meth:`from_edges` builds from the labels themselves."""
        B = sp.csr_matrix((np.ones(len(org_codes)), (org_codes, project_codes)),
                          shape=(len(org_labels), len(project_labels)))
        return cls(B, org_labels, project_labels, dataset=dataset)

    @classmethod
    def from_dataset(cls, dataset) -> "BipartiteNetwork":
        """From a :class:`~netcluster.dataset.ClusterDataset` (participating organisations only)."""
        part = dataset.participations
        return cls.from_edges(part["org_id"], part["project_id"], dataset=dataset)

    # -- basic facts --------------------------------------------------------
    @property
    def n_orgs(self) -> int:
        return self.B.shape[0]

    @property
    def n_projects(self) -> int:
        return self.B.shape[1]

    def project_sizes(self) -> pd.Series:
        return pd.Series(np.asarray(self.B.sum(axis=0)).ravel().astype(np.int64),
                         index=self.projects, name="n_participants")

    def org_project_counts(self) -> pd.Series:
        return pd.Series(np.asarray(self.B.sum(axis=1)).ravel().astype(np.int64),
                         index=self.orgs, name="n_projects")

    def pair_count(self, max_project_size: int | None = None) -> int:
        """Number of (not necessarily distinct) organisation pairs the projection creates."""
        n = self.project_sizes().to_numpy()
        if max_project_size is not None:
            n = n[n <= max_project_size]
        return int((n * (n - 1) // 2).sum())

    # -- projections --------------------------------------------------------
    def project_organisations(self, weighting: str = "count", *, min_weight: float = 0.0,
                              max_project_size: int | None = None,
                              max_pairs: int | None = DEFAULT_MAX_PAIRS,
                              largest_project: int | None = DEFAULT_MAX_PROJECT_SIZE) -> Projection:
        """Organisation–organisation projection (see the module docstring for weightings).

        Parameters
        ----------
        weighting : {"binary", "count", "newman", "jaccard", "association"}
        min_weight : float
            Ties with weight below this are removed (after weighting).
        max_project_size : int, optional
            Projects with more participants are left out of the projection and
            listed in ``params["excluded_projects"]``.
        max_pairs : int, optional
            Refuse (``ResourceLimitError``) when the projection would create more
            organisation pairs than this; pass ``None`` to disable.
        largest_project : int, optional
            Without ``max_project_size``, refuse (``ResourceLimitError``, naming them)
            projects with more participants than this (default
            :data:`DEFAULT_MAX_PROJECT_SIZE`); ``None`` to disable.
        """
        if largest_project is not None and max_project_size is None:
            sizes = np.asarray(self.B.sum(axis=0)).ravel()
            over = sizes > largest_project
            if over.any():
                idx = np.argsort(-sizes[over], kind="stable")[:5]
                named = ", ".join(f"{self.projects[over][i]!r} ({int(sizes[over][i]):,} participants)" for i in idx)
                biggest = int(sizes[over].max())
                raise ResourceLimitError(
                    f"{int(over.sum())} project(s) with more than {largest_project:,} participants: {named}. Such a "
                    f"project is usually a placeholder id ('-', '0', 'N/A') or a programme filed as one project; "
                    f"its clique of {biggest * (biggest - 1) // 2:,} pairs would dominate every network measure. "
                    f"Leave it out of the network with max_project_size= (CLI: --max-project-size "
                    f"{largest_project}; it still counts in the project figures), or fix its project id in the data")
        return self._project(self.B, self.orgs, self.B.sum(axis=0), weighting, min_weight,
                             max_project_size, max_pairs, side="organisations")

    def project_projects(self, weighting: str = "count", *, min_weight: float = 0.0,
                         max_pairs: int | None = DEFAULT_MAX_PAIRS) -> Projection:
        """Project–project projection: projects linked by shared organisations.

        ``newman`` weights each organisation by 1/(k_i − 1), k_i its project count.
        """
        return self._project(self.B.T.tocsr(), self.projects, self.B.sum(axis=1).T, weighting,
                             min_weight, None, max_pairs, side="projects")

    def _project(self, M, labels, other_sizes, weighting, min_weight, max_size, max_pairs, side):
        if weighting not in WEIGHTINGS:
            raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
        sizes = np.asarray(other_sizes).ravel()
        params = {"weighting": weighting, "min_weight": min_weight,
                  "max_project_size": max_size, "side": side}
        excluded = np.array([], dtype=object)
        if max_size is not None:
            drop = sizes > max_size
            if drop.any():
                excluded = (self.projects[drop] if side == "organisations" else excluded)
                keep = sp.diags((~drop).astype(np.float64))
                M = (M @ keep).tocsr()
                M.eliminate_zeros()
                sizes = np.where(drop, 0, sizes)
        params["excluded_projects"] = [str(x) for x in excluded]
        n_pairs = int((sizes * (sizes - 1) // 2).sum())
        params["pairs_before_merging"] = n_pairs
        if max_pairs is not None and n_pairs > max_pairs:
            big = np.sort(sizes)[::-1][:5].astype(int).tolist()
            raise ResourceLimitError(
                f"the {side} projection would create {n_pairs:,} pairs (budget {max_pairs:,}); the "
                f"largest groups have {big} members. Leave very large projects out with "
                f"max_project_size= (CLI: --max-project-size) or raise max_pairs.")
        C = (M @ M.T).tocsr()
        C.setdiag(0)
        C.eliminate_zeros()
        C.sort_indices()
        if weighting == "count":
            W = C.copy()
        elif weighting == "binary":
            W = C.copy()
            W.data[:] = 1.0
        elif weighting == "newman":
            with np.errstate(divide="ignore"):
                d = np.where(sizes >= 2, 1.0 / np.maximum(sizes - 1, 1), 0.0)
            W = (M @ sp.diags(d) @ M.T).tocsr()
            W.setdiag(0)
            W.eliminate_zeros()
            W.sort_indices()
        elif weighting in ("jaccard", "association"):
            k = np.asarray(M.sum(axis=1)).ravel()
            coo = C.tocoo()
            if weighting == "jaccard":
                vals = coo.data / (k[coo.row] + k[coo.col] - coo.data)
            else:
                P = int((np.asarray(sizes) > 0).sum())
                vals = coo.data * P / (k[coo.row] * k[coo.col])
            W = sp.csr_matrix((vals, (coo.row, coo.col)), shape=C.shape)
            W.sort_indices()
        if min_weight > 0:
            W = W.multiply(W >= min_weight).tocsr()
            W.eliminate_zeros()
            C = C.multiply(W > 0).tocsr()
        return Projection(W.tocsr(), C.tocsr(), labels, params)

    # -- conversion -----------------------------------------------------------
    def _attributes(self):
        """The dataset's organisation and project attributes in the network's order (empty
        frames without a dataset); provenance columns (file, line) left out."""
        drop = ["file", "line", "_key", "_id_from_name"]
        if self.dataset is None:
            return pd.DataFrame(index=pd.Index(self.orgs)), pd.DataFrame(index=pd.Index(self.projects))
        o = self.dataset.organisations.drop_duplicates("org_id").set_index("org_id")
        p = self.dataset.projects.drop_duplicates("project_id").set_index("project_id")
        o = o.drop(columns=[c for c in drop if c in o.columns]).reindex(pd.Index(self.orgs))
        p = p.drop(columns=[c for c in drop if c in p.columns]).reindex(pd.Index(self.projects))
        return o, p

    def to_networkx(self):
        """networkx.Graph with organisations ``bipartite=0`` and projects ``bipartite=1``, each
        with the dataset's attributes (organisations: name, type, region …; projects: year,
        programme, title …) when the network was built from a dataset.

        Node names are the labels; if an organisation and a project share a label
        they are prefixed (``org:`` / ``project:``) — see ``graph.graph['prefixed']``.
        """
        clash = bool(set(self.orgs) & set(self.projects))
        o = [f"org:{x}" for x in self.orgs] if clash else list(self.orgs)
        p = [f"project:{x}" for x in self.projects] if clash else list(self.projects)
        oa, pa = self._attributes()
        g = nx.Graph(prefixed=clash)
        for name, row in zip(o, oa.itertuples(index=False, name=None)):
            g.add_node(name, bipartite=0, **{c: v for c, v in zip(oa.columns, map(_python, row)) if v is not None})
        for name, row in zip(p, pa.itertuples(index=False, name=None)):
            g.add_node(name, bipartite=1, **{c: v for c, v in zip(pa.columns, map(_python, row)) if v is not None})
        coo = self.B.tocoo()
        g.add_edges_from(zip((o[i] for i in coo.row), (p[j] for j in coo.col)))
        return g

    def to_igraph(self):
        """igraph.Graph with vertex attributes ``name`` and ``type`` (False = org, True = project)
        and the dataset's attributes (None where a column belongs to the other side)."""
        coo = self.B.tocoo()
        n = self.n_orgs
        g = ig.Graph(n=n + self.n_projects,
                     edges=np.column_stack([coo.row, coo.col + n]).tolist(), directed=False)
        g.vs["name"] = [str(x) for x in self.orgs] + [str(x) for x in self.projects]
        g.vs["type"] = [False] * n + [True] * self.n_projects
        oa, pa = self._attributes()
        for c in dict.fromkeys(list(oa.columns) + list(pa.columns)):
            left = [_python(x) for x in oa[c].tolist()] if c in oa.columns else [None] * n
            right = [_python(x) for x in pa[c].tolist()] if c in pa.columns else [None] * self.n_projects
            g.vs[str(c) if c != "name" else "label"] = left + right
        return g

    @classmethod
    def from_networkx(cls, g) -> "BipartiteNetwork":
        """From a networkx bipartite graph using the ``bipartite`` node attribute (0 = organisations)."""
        orgs = {n for n, d in g.nodes(data=True) if d.get("bipartite") == 0}
        if not orgs:
            raise InputError("no node has bipartite=0; set the attribute on organisations")
        src, dst = [], []
        for u, v in g.edges():
            if u in orgs and v not in orgs:
                src.append(u)
                dst.append(v)
            elif v in orgs and u not in orgs:
                src.append(v)
                dst.append(u)
            else:
                raise InputError(f"edge ({u!r}, {v!r}) does not join the two sides")
        return cls.from_edges(src, dst)

    def __repr__(self):
        return f"<BipartiteNetwork: {self.n_orgs} organisations × {self.n_projects} projects, {self.B.nnz} participations>"

    def _repr_html_(self) -> str:
        sizes = self.project_sizes()
        return box("BipartiteNetwork", key_values([
            ("organisations", f"{self.n_orgs:,}"), ("projects", f"{self.n_projects:,}"),
            ("participations", f"{self.B.nnz:,}"),
            ("organisations per project (mean, max)",
             f"{sizes.mean():.2f}, {int(sizes.max()) if len(sizes) else 0}")]))


def year_slices(dataset, *, window: int = 1, step: int = 1, start=None, end=None) -> dict:
    """Networks for consecutive year windows: ``{"2005-2007": BipartiteNetwork, ...}``.

    ``window=1`` gives yearly slices.  Projects without a year are in no slice.
    """
    years = dataset.projects["year"].dropna().astype(int)
    if years.empty:
        raise InputError("no project has a year; year slices are undefined")
    lo = int(years.min()) if start is None else int(start)
    hi = int(years.max()) if end is None else int(end)
    out = {}
    for a in range(lo, hi - window + 2, step):
        b = a + window - 1
        sub = dataset.filter_years(a, b)
        if len(sub.participations):
            out[str(a) if window == 1 else f"{a}-{b}"] = BipartiteNetwork.from_dataset(sub)
    return out
