r"""Centrality of organisations in the projected network and in the two-mode graph.

Computed with igraph (C) and mapped back to organisation labels.  Conventions:

* ``degree`` — number of partners; ``strength`` — sum of tie weights.
* ``betweenness`` — Freeman betweenness normalised by :math:`(n-1)(n-2)/2`
  (range [0, 1]); ``closeness`` — harmonic closeness
  :math:`\frac{1}{n-1}\sum_{j\ne i} 1/d_{ij}` (range [0, 1], defined on
  disconnected graphs); ``eigenvector`` — scaled so the maximum is 1;
  ``pagerank`` — damping 0.85, sums to 1.
* Weighted variants (``*_w``) use the tie weight as strength and
  :math:`1/w` as the length of a tie for paths (a tie of weight 2 is half as long),
  rounded to 12 significant digits so that equal-length paths are recognised as equal.
* Betweenness is exact up to ``exact_max_nodes`` organisations (default 5,000).
  Above, it is estimated from seeded random sources (Brandes & Pich 2007):
  :math:`\hat b(v) = \frac{n}{k}\sum_{s\in S} \delta_{s\bullet}(v)`, drawn in batches of
  :data:`BATCH` sources, each batch an independent estimate; ``betweenness_se`` is the batch
  standard error.  With ``samples="auto"`` sources are added (at least :data:`MIN_BATCHES`
  batches) until the ranking at the top is precise — the standard error of each of the
  :data:`TOP` highest estimates at most :data:`TOP_RELATIVE_SE` of its value, or the same
  :data:`TOP` organisations after each of the last :data:`STABLE_BATCHES` batches — or a work budget
  (sources × (:data:`NODE_COST` · nodes + ties) ≤ :data:`ADAPTIVE_BUDGET`: a budget in work, not seconds, so that
  the same input gives the same numbers on any machine) is used up; which one stopped it is in
  the parameters.  Harmonic closeness is the mean of :math:`1/d(s,v)` over the same sources
  (Eppstein & Wang 2004).

References
----------
- L. C. Freeman, "Centrality in social networks: conceptual clarification", Social Networks 1 (1979).
- M. Marchiori, V. Latora, "Harmony in the small-world", Physica A 285 (2000) — harmonic closeness.
- U. Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociology 25 (2001).
- U. Brandes, C. Pich, "Centrality estimation in large networks", Int. J. Bifurcation and Chaos 17 (2007).
- D. Eppstein, J. Wang, "Fast approximation of centrality", J. Graph Algorithms Appl. 8 (2004).
- S. Brin, L. Page, "The anatomy of a large-scale hypertextual web search engine" (1998).
- S. P. Borgatti, M. G. Everett, "Network analysis of 2-mode data", Social Networks 19 (1997).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._compiled import compiled as _compiled
from ._cores import coreness as cores_of
from ._igraph import seeded

__all__ = ["centrality", "CentralityPlan", "bipartite_centrality", "pagerank_power", "coreness",
           "EXACT_MAX_NODES"]

#: Above this many nodes, betweenness and closeness are estimated by source sampling.
EXACT_MAX_NODES = 5000
#: ... and above this much work (nodes × ties: one breadth-first search per node), whatever
#: the number of nodes: a dense network of a few thousand organisations is sampled too.
EXACT_MAX_WORK = 1_000_000_000
#: Source-sampling budget: k = clip(SAMPLE_BUDGET / (n + m), MIN_SAMPLES, 500) sources (measured error: docs/benchmark.md).
SAMPLE_BUDGET = 8_000_000
MIN_SAMPLES = 64
#: Adaptive sampling (``samples="auto"``, unweighted betweenness): batches of BATCH sources, at
#: least MIN_BATCHES, until the TOP highest estimates each have a standard error of at most
#: TOP_RELATIVE_SE of their value, or the TOP organisations are the same after each of the last
#: STABLE_BATCHES batches (the ranking's top is settled), or sources × (NODE_COST · n + m)
#: reaches ADAPTIVE_BUDGET.
#: A source's breadth-first search costs per tie and, at every level, per node (the level's
#: (node, source) entries are scanned): measured 8.9 ms a source on 29k nodes / 823k ties and
#: 66 ms on 279k nodes / 1.62M ties, i.e. a node ≈ 70 ties; with NODE_COST 64 the budget is
#: about 2.3 s of one core on either shape: 256-359 sources on the EU-framework and Korean
#: networks of 100k-150k rows, 64 (the minimum) at 1M rows (docs/benchmark.md).  On the EU
#: network (29k organisations) the top 20 is settled after 288-448 sources and overlaps the
#: exact top 20 by 20/20/18 (seeds 0/1/2) at 256.
BATCH = 32
MIN_BATCHES = 2
STABLE_BATCHES = 3
TOP = 20
TOP_RELATIVE_SE = 0.10
NODE_COST = 64
ADAPTIVE_BUDGET = 700_000_000
#: Above this many nodes the weighted *path* centralities (betweenness_w, closeness_w: a
#: Dijkstra per source, ~4x a BFS) are not computed unless asked (``weighted_paths=True``).
WEIGHTED_PATHS_MAX_NODES = 20_000


def centrality(projection, *, weighted: bool = True, exact_max_nodes: int = EXACT_MAX_NODES,
               samples: int | str = "auto", seed: int = 0, damping: float = 0.85,
               weighted_paths: bool | None = None) -> pd.DataFrame:
    r"""Centralities of every organisation of a projection.

    Parameters
    ----------
    projection : netcluster.graph.Projection
    weighted : bool
        Also compute the weighted variants (``betweenness_w``, ``closeness_w``,
        ``eigenvector_w``, ``pagerank_w``).
    exact_max_nodes : int
        Exact betweenness up to this number of nodes; sampled above.
    samples : int or "auto"
        Number of sampled sources when sampling; ``"auto"`` uses
        :math:`k = \mathrm{clip}(8\cdot10^6/(n+m), 64, 500)`: the sampled path computations
        then cost about the same from ~16,000 up to ~125,000 nodes + ties and grow linearly
        above (the standard error of every estimate is reported in ``betweenness_se``).
        Measured error against exact betweenness: ``docs/benchmark.md``.
    seed : int
        Seed of the source sample.
    weighted_paths : bool, optional
        Compute ``betweenness_w`` and ``closeness_w``; default: when ``weighted`` and the
        network has at most :data:`WEIGHTED_PATHS_MAX_NODES` nodes (``params`` says so).

    Returns
    -------
    DataFrame indexed by ``org_id`` with columns ``degree``, ``strength``, ``betweenness``,
    ``closeness``, ``eigenvector``, ``pagerank`` (+ weighted variants, + ``betweenness_se``)
    and ``attrs["params"]`` recording the method.

    Examples
    --------
    >>> from netcluster.graph import BipartiteNetwork
    >>> net = BipartiteNetwork.from_edges(list("abbc"), ["P1", "P1", "P2", "P2"])
    >>> c = centrality(net.project_organisations("count"))
    >>> c["betweenness"].to_dict()
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    plan = CentralityPlan(projection, weighted=weighted, exact_max_nodes=exact_max_nodes, samples=samples,
                          seed=seed, damping=damping, weighted_paths=weighted_paths)
    return plan.assemble({name: fn() for name, fn in plan.parts()})


class CentralityPlan:
    """What :func:`centrality` computes for one projection, as independent parts.

    ``parts()`` lists ``(name, function)`` pairs — the path measures of each variant
    (unweighted; weighted by 1/w lengths) and the spectral measures — that may run in any
    order or process; ``assemble(results)`` puts their results together into exactly the
    table :func:`centrality` returns (``analyze`` shares the parts out between its two
    processes).
    """

    def __init__(self, projection, *, weighted=True, exact_max_nodes=EXACT_MAX_NODES, samples="auto",
                 seed=0, damping=0.85, weighted_paths=None):
        n = projection.n_nodes  # (the igraph graph is built by the parts that need it)
        self.adaptive = samples == "auto"
        if samples == "auto":  # (the weighted variant's sources; the unweighted one adapts)
            samples = int(np.clip(SAMPLE_BUDGET / max(n + projection.n_ties, 1), MIN_SAMPLES, 500))
        if weighted_paths is None:
            weighted_paths = weighted and n <= WEIGHTED_PATHS_MAX_NODES
        self.projection, self.weighted, self.seed, self.damping = projection, weighted, seed, damping
        self.n, self.samples = n, samples
        self.exact = n <= exact_max_nodes and n * max(projection.n_ties, 1) <= EXACT_MAX_WORK
        self.params = {"weighting": projection.params.get("weighting"), "betweenness": "exact" if self.exact
                       else "sampled", "samples": None if self.exact else min(samples, n), "seed": seed,
                       "exact_max_nodes": exact_max_nodes, "damping": damping,
                       "length_of_tie": "1/weight", "closeness": "harmonic, normalised by n-1",
                       "eigenvector": "scaled to max 1", "n_nodes": n, "n_ties": projection.n_ties,
                       "weighted_paths": bool(weighted and weighted_paths)}
        if weighted and not weighted_paths:
            self.params["weighted_paths_note"] = (f"betweenness_w and closeness_w not computed above "
                                                  f"{WEIGHTED_PATHS_MAX_NODES:,} nodes (weighted_paths=True to force)")
        self.suffixes = [""] + (["_w"] if weighted and weighted_paths else [])

    def parts(self) -> list:
        """``(name, function)`` of each part: the path measures of each variant (exact, or the
        weighted variant: betweenness and closeness apart; sampled unweighted: one BFS for
        both, ``"paths"``) and ``"spectral"``."""
        out = []
        for sfx in self.suffixes:
            if not self.exact and sfx == "":
                out.append(("paths", self._sampled_bfs))
            else:
                out += [("betweenness" + sfx, lambda sfx=sfx: self._betweenness(sfx)),
                        ("closeness" + sfx, lambda sfx=sfx: self._closeness(sfx))]
        return out + [("spectral", self._spectral)]

    def _lengths(self, suffix):
        g = self.projection.to_igraph()
        if suffix == "_w" and g.ecount():  # rounded so that equal-length paths compare equal (1/(1/3) + 1/(1/3) == 6)
            return _lengths(np.asarray(g.es["weight"], dtype=float)).tolist()
        return None

    def _norm(self):
        n = self.n
        return (n - 1) * (n - 2) / 2 if n > 2 else 1.0

    def _sampled_bfs(self) -> dict:
        """Unweighted sampled betweenness (+ standard error) and harmonic closeness: one
        breadth-first search per sampled source serves both."""
        if self.adaptive:
            b, se, h, info = _adaptive_paths_unweighted(self.projection, self.seed)
        else:
            b, se, h = _sampled_paths_unweighted(self.projection, min(self.samples, self.n), self.seed)
            info = {"samples": min(self.samples, self.n), "stopped": "fixed number of sources"}
        return {"betweenness": b / self._norm(), "betweenness_se": se / self._norm(), "closeness": h,
                "_sampling": info}

    def _betweenness(self, suffix) -> dict:
        g, n, d = self.projection.to_igraph(), self.n, self._lengths(suffix)
        if self.exact:
            return {"betweenness" + suffix: (np.asarray(g.betweenness(weights=d), dtype=float) / self._norm()
                                             if n > 2 else np.zeros(n))}
        b, se = _sampled_betweenness(g, d, min(self.samples, n), self.seed)
        return {"betweenness" + suffix: b / self._norm(), "betweenness_se" + suffix: se / self._norm()}

    def _closeness(self, suffix) -> dict:
        g, n, d = self.projection.to_igraph(), self.n, self._lengths(suffix)
        if self.exact:
            h = np.asarray(g.harmonic_centrality(weights=d, normalized=False), dtype=float)
            return {"closeness" + suffix: h / (n - 1) if n > 1 else 0.0}
        return {"closeness" + suffix: _sampled_harmonic(g, d, min(self.samples, n), self.seed)}

    def _spectral(self) -> dict:
        """Degree, strength, eigenvector centrality and PageRank (+ weighted), components."""
        g, n = self.projection.to_igraph(), self.n
        cols = {"degree": np.asarray(g.degree(), dtype=np.int64)}
        w = np.asarray(g.es["weight"], dtype=float) if g.ecount() else np.zeros(0)
        wl = w.tolist() if len(w) else None
        cols["strength"] = np.asarray(g.strength(weights=wl), dtype=float)
        with seeded(self.seed):  # ARPACK (eigenvector centrality) draws its start vector from igraph's RNG
            for suffix, ww in [("", None)] + ([("_w", wl)] if self.weighted else []):
                if g.ecount():
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)  # disconnected: stated in params
                        ev = np.asarray(g.eigenvector_centrality(scale=True, weights=ww), dtype=float)
                    ev = ev / ev.max() if ev.max() > 0 else ev
                else:
                    ev = np.zeros(n)
                cols["eigenvector" + suffix] = ev
                cols["pagerank" + suffix] = pagerank_power(self.projection, self.damping, weighted=ww is not None)
        cols["_components"] = len(g.connected_components())
        return cols

    def assemble(self, results: dict) -> pd.DataFrame:
        """The centrality table from the results of every part (keyed by part name; other keys
        are ignored)."""
        spectral = dict(results["spectral"])
        components = spectral.pop("_components")
        out = pd.DataFrame(index=pd.Index(self.projection.labels, name="org_id"))
        out["degree"], out["strength"] = spectral.pop("degree"), spectral.pop("strength")
        paths = {}
        params = dict(self.params)
        for name, _ in self.parts():
            if name != "spectral":
                paths.update(results[name])
        sampling = paths.pop("_sampling", None)
        if sampling is not None:
            params["samples"] = sampling["samples"]
            params["sampling"] = sampling
        for sfx in self.suffixes:
            for col in ("betweenness", "betweenness_se", "closeness"):
                if col + sfx in paths:
                    out[col + sfx] = paths[col + sfx]
        for col, v in spectral.items():
            out[col] = v
        params["components"] = components
        if components > 1:
            params["eigenvector_note"] = ("graph is disconnected: eigenvector centrality is near 0 "
                                          "outside the component with the leading eigenvalue")
        out.attrs["params"] = params
        return out


def coreness(projection) -> pd.Series:
    r"""k-core number of every organisation of the one-mode projection.

    The *k*-core is the largest subgraph in which every organisation has at least *k*
    partners (Seidman 1983); an organisation's coreness is the largest *k* of a core that
    contains it — 0 for an organisation with no partner, ≥ 1 otherwise.  A high coreness marks
    the densely tied centre of the network, a low one its periphery (a core–periphery reading
    that degree alone does not give: a hub tied only to peripheral partners has a low core).
    Tie weights are ignored.  Range: integers in [0, max degree].  Computed in O(m)
    (Batagelj & Zaversnik 2003; :func:`netcluster._cores.coreness`, the pass the structure
    tables use too, tested against igraph and networkx).

    References
    ----------
    S. B. Seidman, "Network structure and minimum degree", Social Networks 5 (1983) 269–287.
    V. Batagelj, M. Zaversnik, "An O(m) algorithm for cores decomposition of networks" (2003).

    Examples
    --------
    >>> from netcluster.graph import BipartiteNetwork
    >>> net = BipartiteNetwork.from_edges(list("abcbd"), ["P", "P", "P", "Q", "Q"])
    >>> coreness(net.project_organisations()).to_dict()   # triangle a-b-c, d hangs on b
    {'a': 2, 'b': 2, 'c': 2, 'd': 1}
    """
    return pd.Series(cores_of(projection.matrix), index=pd.Index(projection.labels, name="org_id"),
                     name="coreness")


def pagerank_power(projection, damping: float = 0.85, *, weighted: bool = True, tol: float = 1e-14,
                   max_iter: int = 10_000) -> np.ndarray:
    r"""PageRank of the projection by power iteration on scipy.sparse (Brin & Page 1998).

    :math:`p \leftarrow d\,(W D^{-1} p + \tfrac{1}{n}\sum_{s_j = 0} p_j) + \tfrac{1-d}{n}`, with
    :math:`W` the tie weights (or 1 when ``weighted`` is false), :math:`D` the strengths, and
    isolated organisations spreading their score uniformly (as networkx and igraph do).
    Iterates until the L1 change is below ``tol``; values in (0, 1), summing to 1.
    Deterministic, and safe in a forked process (igraph's PRPACK uses OpenMP, which can
    deadlock after ``fork``; ARPACK is ~7x slower).
    """
    r, c, w, _ = projection.tie_arrays()
    n = projection.n_nodes
    if n == 0:
        return np.zeros(0)
    vals = w if weighted else np.ones(len(r))
    # A[i, j] = weight of tie j -> i: the structure (and where each tie's value goes) built
    # once per projection, then filled with the weights or ones (no second CSR build); the
    # same matrix as csr_matrix((values, (rows, cols))) builds
    def structure():
        S = sp.csr_matrix((np.arange(1, 2 * len(r) + 1, dtype=float), (np.concatenate([c, r]), np.concatenate([r, c]))),
                          shape=(n, n))
        return S.indptr, S.indices, S.data.astype(np.int64) - 1
    indptr, indices, slot = projection.cached("pagerank structure", structure)
    both = np.concatenate([vals, vals])
    A = sp.csr_matrix((both[slot], indices, indptr), shape=(n, n))
    s = np.bincount(np.concatenate([r, c]), weights=both, minlength=n)
    dangling = s == 0
    inv = np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, s))
    p = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (A @ (p * inv) + p[dangling].sum() / n) + (1.0 - damping) / n
        new /= new.sum()
        if np.abs(new - p).sum() < tol:
            return new
        p = new
    return p


def _lengths(w):
    """Tie lengths 1/w, rounded to 12 significant digits (stable shortest-path ties)."""
    d = 1.0 / np.asarray(w, dtype=float)
    mag = np.floor(np.log10(np.abs(d)))
    return np.round(d / 10 ** mag, 11) * 10 ** mag


def _sampled_harmonic(g, dist, k, seed):
    """Harmonic closeness estimated from k sampled sources (same sample as betweenness):
    mean over sources s != v of 1/d(s, v) (undirected: d(s, v) = d(v, s))."""
    n = g.vcount()
    sources = np.sort(_sampled_sources(n, k, seed))
    acc = np.zeros(n)
    cnt = np.full(n, float(k))
    for chunk in np.array_split(sources, max(1, k // 50)):
        if len(chunk) == 0:
            continue
        D = np.asarray(g.distances(source=chunk.tolist(), weights=dist), dtype=float)
        with np.errstate(divide="ignore"):
            inv = np.where(np.isfinite(D) & (D > 0), 1.0 / D, 0.0)
        acc += inv.sum(axis=0)
        cnt[chunk] -= 1  # a source does not count itself
    return acc / np.maximum(cnt, 1)


def _sampled_sources(n, k, seed):
    """The sampled sources: the same draw for betweenness (in draw order, split into batches)
    and closeness."""
    return np.random.default_rng(seed).choice(n, size=k, replace=False)


@_compiled
def _shortest_paths_from(indptr, indices, s, depth, sigma, order):  # pragma: no cover (compiled)
    """Breadth-first search from ``s`` (the forward half of Brandes 2001): each reached node's
    ``depth`` and number of shortest paths ``sigma``, the reached nodes in ``order`` (levels in
    search order); returns how many were reached.  ``depth`` must be -1 and ``sigma`` 0 on
    entry wherever the caller has reset them."""
    depth[s] = 0
    sigma[s] = 1.0
    order[0] = s
    head, tail = 0, 1
    while head < tail:  # levels in BFS order, and the paths into each node
        v = order[head]
        head += 1
        dv = depth[v] + 1
        for p in range(indptr[v], indptr[v + 1]):
            w = indices[p]
            if depth[w] < 0:
                depth[w] = dv
                order[tail] = w
                tail += 1
            if depth[w] == dv:
                sigma[w] += sigma[v]
    return tail


@_compiled
def _dependency_kernel(indptr, indices, sources, dep, inv, linear):  # pragma: no cover (compiled)
    """One breadth-first search per source; column j of ``dep``: source j's dependencies —
    Brandes' δ_s(v) (``linear`` false; then ``inv``: 1/distance), or *linearly scaled*
    (Geisberger, Sanders & Schultes 2008; ``inv`` unused): a pair (s, t) credits a node v on its
    shortest paths with d(s, v) / d(s, t) of its share when s is the source, so that (s, t) from
    s and (t, s) from t credit v with exactly its share together — summed over every source this
    is the betweenness with each unordered pair once (tests: igraph's), and from sampled sources
    the nodes near a source no longer take a whole path's credit (the variance of uniform
    sampling): δ̃_s(v) = d(s, v) · γ_s(v), γ_s(v) = Σ_{w child of v} σ_sv/σ_sw · (1/d(s, w) +
    γ_s(w)).  Dependencies are pulled along each node's adjacency row in its stored order — for
    Brandes' the same additions in the same order as the level-synchronous sparse products
    A @ X that computed them before (tests: bit-identical); path counts are integers, exact in
    any order up to 2**53.  O(n + m) per source."""
    n = len(indptr) - 1
    depth = np.full(n, -1, dtype=np.int32)
    sigma = np.zeros(n)
    acc = np.zeros(n)  # δ (Brandes) or γ (linear)
    order = np.empty(n, dtype=np.int32)
    for j in range(len(sources)):
        tail = _shortest_paths_from(indptr, indices, sources[j], depth, sigma, order)
        for i in range(tail - 1, 0, -1):  # dependencies, deepest level first
            v = order[i]
            down = depth[v] + 1
            own = 1.0 / down if linear else 1.0  # a path ending at the child: its credit
            back = 0.0
            for p in range(indptr[v], indptr[v + 1]):
                w = indices[p]
                if depth[w] == down:
                    back += (own + acc[w]) / sigma[w]
            acc[v] = sigma[v] * back
        for i in range(tail):  # this source's column; reset what it touched
            w = order[i]
            if i > 0:
                if linear:
                    dep[w, j] = depth[w] * acc[w]
                else:
                    dep[w, j] = acc[w]
                    inv[w, j] = 1.0 / depth[w]
            depth[w] = -1
            sigma[w] = 0.0
            acc[w] = 0.0


def _linear_dependencies(A, sources):
    """Linearly scaled dependencies (:func:`_dependency_kernel`) of ``sources`` on an
    unweighted graph (``A`` as in :func:`_brandes_unweighted`): an n × len(sources) matrix in the
    graph's node order, column j source j's.  Summed over all n sources: each node's
    betweenness (unordered pairs); from k sampled sources, n / k times the sum estimates it
    without bias."""
    G = A if isinstance(A, _SearchGraph) else _SearchGraph(A)
    dep = np.zeros((G.n, len(sources)))
    _dependency_kernel(G.indptr, G.indices, G.new_id[np.asarray(sources, dtype=np.int64)], dep,
                       np.zeros((0, 0)), True)
    return dep[G.new_id]


@_compiled
def _renumbered_in_search_order(indptr, indices):  # pragma: no cover (compiled)
    """The graph with its nodes numbered in breadth-first order (each component from its
    lowest node), every row's entries kept in their order: ``(indptr, indices, new_id)``.
    Neighbours get near numbers, so a search touches near memory (2x faster on a 234k-node
    period network than in the organisations' id order)."""
    n = len(indptr) - 1
    seen = np.zeros(n, dtype=np.bool_)
    order = np.empty(n, dtype=np.int64)
    tail = 0
    for start in range(n):
        if seen[start]:
            continue
        seen[start] = True
        order[tail] = start
        head = tail
        tail += 1
        while head < tail:
            v = order[head]
            head += 1
            for p in range(indptr[v], indptr[v + 1]):
                w = indices[p]
                if not seen[w]:
                    seen[w] = True
                    order[tail] = w
                    tail += 1
    new_id = np.empty(n, dtype=np.int64)
    for i in range(n):
        new_id[order[i]] = i
    new_indptr = np.zeros(n + 1, dtype=np.int64)
    new_indices = np.empty(len(indices), dtype=np.int32)
    pos = 0
    for i in range(n):
        v = order[i]
        for p in range(indptr[v], indptr[v + 1]):
            new_indices[pos] = new_id[indices[p]]
            pos += 1
        new_indptr[i + 1] = pos
    return new_indptr, new_indices, new_id


class _SearchGraph:
    """An unweighted graph prepared once for many batches of breadth-first searches
    (:func:`_brandes_unweighted`): renumbered in search order (:func:`_renumbered_in_search_order`)."""

    def __init__(self, A):
        self.n = A.shape[0]
        self.indptr, self.indices, self.new_id = _renumbered_in_search_order(A.indptr, A.indices)


def _brandes_unweighted(A, sources, per_source: bool = False):
    """Brandes (2001) dependencies and harmonic sums from ``sources`` on an unweighted graph:
    one compiled breadth-first search per source (:func:`_dependency_kernel`, numba).

    ``A``: symmetric binary CSR without diagonal, or a :class:`_SearchGraph` of it (prepared
    once for several batches of sources).  Returns ``(dep, inv)``: per node, the sum over
    sources of Brandes' dependency δ_s(v) (each undirected pair counted from its source end)
    and of 1/d(s, v) (0 when unreachable or v = s).  ``per_source``: the dependencies as an
    n × len(sources) matrix (column j: source j's), not summed."""
    G = A if isinstance(A, _SearchGraph) else _SearchGraph(A)
    k = len(sources)
    dep = np.zeros((G.n, k))
    inv = np.zeros((G.n, k))
    _dependency_kernel(G.indptr, G.indices, G.new_id[np.asarray(sources, dtype=np.int64)], dep, inv, False)
    dep, inv = dep[G.new_id], inv[G.new_id]  # back in the graph's node order
    if per_source:
        return dep, inv.sum(axis=1)
    return dep.sum(axis=1), inv.sum(axis=1)


def _unweighted_adjacency(projection):
    """The projection's ties as a symmetric 0/1 CSR matrix (no diagonal): the BFS operand of
    :func:`_brandes_unweighted`."""
    n = projection.n_nodes
    r, c, _, _ = projection.tie_arrays()
    return sp.csr_matrix((np.ones(2 * len(r)), (np.concatenate([r, c]), np.concatenate([c, r]))), shape=(n, n))


def _sampled_paths_unweighted(projection, k, seed, batches=5):
    """Sampled betweenness (with its batch standard error) and sampled harmonic closeness of
    an unweighted projection, from one BFS per source (:func:`_brandes_unweighted`).  Same
    estimators and sources as :func:`_sampled_betweenness` and :func:`_sampled_harmonic`
    (igraph), which the tests use as the oracle."""
    n = projection.n_nodes
    A = _SearchGraph(_unweighted_adjacency(projection))
    sources = _sampled_sources(n, k, seed)
    est, sizes = [], []
    acc = np.zeros(n)
    for part in np.array_split(sources, batches):
        if len(part) == 0:
            continue
        dep, inv = _brandes_unweighted(A, part)
        est.append(dep / 2 * n / len(part))  # undirected: each pair once, as igraph counts it
        sizes.append(len(part))
        acc += inv
    est, weights = np.array(est), np.array(sizes, dtype=float)
    mean = (est * weights[:, None]).sum(axis=0) / weights.sum()
    se = est.std(axis=0, ddof=1) / np.sqrt(len(est)) if len(est) > 1 else np.full(n, np.nan)
    cnt = np.full(n, float(k))
    cnt[sources] -= 1  # a source does not count itself
    return mean, se, acc / np.maximum(cnt, 1)


def _adaptive_paths_unweighted(projection, seed, *, batch=None, min_batches=None, top=None, rel_se=None,
                               budget=None):
    """Betweenness (+ batch standard error) and harmonic closeness from sources added a batch at
    a time until the ``top`` highest estimates each have a relative standard error of at most
    ``rel_se``, or the ``top`` organisations stay the same for STABLE_BATCHES batches, or
    ``budget`` (sources × (NODE_COST · n + m)) is used up, or every node is a source.  The
    sources are a seeded permutation: a run that stops at k sources used exactly the first k."""
    batch = batch or BATCH
    min_batches = min_batches or MIN_BATCHES
    top = top or TOP
    rel_se = TOP_RELATIVE_SE if rel_se is None else rel_se
    budget = budget or ADAPTIVE_BUDGET
    n = projection.n_nodes
    A = _SearchGraph(_unweighted_adjacency(projection))
    order = np.random.default_rng(seed).permutation(n)
    affordable = budget // max(NODE_COST * n + len(A.indices) // 2, 1) // batch * batch  # whole batches only
    max_sources = int(min(n, max(batch * min_batches, affordable)))
    est, sizes = [], []
    acc = np.zeros(n)
    used = 0
    stopped, worst = "work budget", np.nan
    tops = []  # the top organisations after each batch
    while used < max_sources:
        part = order[used:min(used + batch, max_sources)]
        dep, inv = _brandes_unweighted(A, part)
        est.append(dep / 2 * n / len(part))
        sizes.append(len(part))
        acc += inv
        used += len(part)
        e, w = np.array(est), np.array(sizes, dtype=float)
        mean = (e * w[:, None]).sum(axis=0) / w.sum()
        lead = np.argsort(-mean, kind="stable")[:min(top, n)]
        lead = lead[mean[lead] > 0]
        tops.append(frozenset(lead.tolist()))
        if len(est) >= min_batches:
            se = e.std(axis=0, ddof=1) / np.sqrt(len(e))
            with np.errstate(divide="ignore", invalid="ignore"):
                worst = float(np.max(se[lead] / mean[lead])) if len(lead) else 0.0
            if worst <= rel_se:
                stopped = f"top {top}: relative standard error at most {rel_se:g}"
                break
            if len(tops) > STABLE_BATCHES and all(t == tops[-1] for t in tops[-STABLE_BATCHES - 1:-1]):
                stopped = f"top {top}: the same organisations after each of the last {STABLE_BATCHES} batches"
                break
    else:
        if used >= n:
            stopped = "every node a source (exact up to the batch standard error's rounding)"
    e, w = np.array(est), np.array(sizes, dtype=float)
    mean = (e * w[:, None]).sum(axis=0) / w.sum()
    se = e.std(axis=0, ddof=1) / np.sqrt(len(e)) if len(e) > 1 else np.full(n, np.nan)
    cnt = np.full(n, float(used))
    cnt[order[:used]] -= 1  # a source does not count itself
    info = {"samples": int(used), "stopped": stopped, "batch": batch, "top": top,
            "target_relative_se": rel_se, "worst_top_relative_se": None if worst != worst else round(worst, 4),
            "work_budget": int(budget)}
    return mean, se, acc / np.maximum(cnt, 1), info


def _sampled_betweenness(g, dist, k, seed, batches=5):
    n = g.vcount()
    sources = _sampled_sources(n, k, seed)
    parts = np.array_split(sources, batches)
    est = []
    for part in parts:
        if len(part) == 0:
            continue
        b = np.asarray(g.betweenness(sources=part.tolist(), targets=None, weights=dist), dtype=float)
        est.append(b * n / len(part))
    est = np.array(est)
    weights = np.array([len(p) for p in parts if len(p)], dtype=float)
    mean = (est * weights[:, None]).sum(axis=0) / weights.sum()
    se = est.std(axis=0, ddof=1) / np.sqrt(len(est)) if len(est) > 1 else np.full(n, np.nan)
    return mean, se


def bipartite_centrality(network) -> pd.DataFrame:
    r"""Two-mode degree, closeness and betweenness with the Borgatti–Everett normalisation.

    For a node on the side with :math:`n_1` nodes (the other side has :math:`n_2`):

    .. math::

        d' = d / n_2,\qquad c' = \frac{n_2 + 2(n_1-1)}{\sum_j d_{ij}},\qquad
        b' = b / b_{\max},\;
        b_{\max} = \tfrac12\big[n_2^2(s+1)^2 + n_2(s+1)(2t-s-1) - t(2s-t+3)\big]

    with :math:`s=(n_1-1)\operatorname{div} n_2`, :math:`t=(n_1-1)\bmod n_2`.  Closeness on
    a disconnected network: the Borgatti–Everett value within the node's component (its
    :math:`n_1, n_2` counted there) scaled by the share of the network the component reaches,
    :math:`(N_c-1)/(N-1)` (reachable-node scaling, as Wasserman & Faust for one-mode
    closeness): range [0, 1], 1 only for a node at the least possible distances in a connected
    network — an organisation whose only project is its own gets a value near 0, not the top
    rank.  On a connected network equal to networkx's ``bipartite.closeness_centrality``.

    Returns one DataFrame for both sides, indexed by label with a ``side`` column
    (``organisation`` / ``project``).

    References
    ----------
    S. P. Borgatti, M. G. Everett, "Network analysis of 2-mode data", Social Networks 19 (1997) 243–269.
    """
    g = network.to_igraph()
    n1, n2 = network.n_orgs, network.n_projects
    is_proj = np.asarray(g.vs["type"], dtype=bool)
    deg = np.asarray(g.degree(), dtype=float)
    out = pd.DataFrame({"side": np.where(is_proj, "project", "organisation"),
                        "label": list(network.orgs) + list(network.projects)})
    out["degree"] = np.where(is_proj, deg / max(n1, 1), deg / max(n2, 1))
    # closeness: Borgatti–Everett within the component, scaled by the share reached
    N = g.vcount()
    dist_sum = np.zeros(N)
    own_c = np.zeros(N)
    other_c = np.zeros(N)
    size_c = np.zeros(N)
    for comp in g.connected_components():
        sub = g.induced_subgraph(comp)
        d = np.asarray(sub.distances(), dtype=float)
        dist_sum[comp] = d.sum(axis=1)
        k_proj = int(is_proj[comp].sum())
        k_org = len(comp) - k_proj
        own_c[comp] = np.where(is_proj[comp], k_proj, k_org)
        other_c[comp] = np.where(is_proj[comp], k_org, k_proj)
        size_c[comp] = len(comp)
    with np.errstate(divide="ignore", invalid="ignore"):
        clo = (other_c + 2.0 * (own_c - 1)) / dist_sum * (size_c - 1) / max(N - 1, 1)
    out["closeness"] = np.where(dist_sum > 0, clo, 0.0)
    b = np.asarray(g.betweenness(), dtype=float)
    out["betweenness"] = b / np.where(is_proj, _bmax(n2, n1), _bmax(n1, n2))
    return out.set_index("label")


def _bmax(n_own, n_other):
    if n_other == 0:
        return 1.0
    s, t = divmod(n_own - 1, n_other)
    m = 0.5 * (n_other ** 2 * (s + 1) ** 2 + n_other * (s + 1) * (2 * t - s - 1)
               - t * (2 * s - t + 3))
    return m if m > 0 else 1.0
