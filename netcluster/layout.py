"""Seeded, deterministic 2-D layouts of the organisation network (igraph), for the network
page and the graph files."""

from __future__ import annotations

import igraph as ig
import numpy as np

from ._igraph import seeded

__all__ = ["layout_positions", "group_layout"]

#: Above this many communities the community graph is laid out with Fruchterman–Reingold's grid
#: variant and 100 iterations (its all-pairs version is quadratic: 20,000 isolated organisations
#: took minutes); the network page never draws that many.
MANY_COMMUNITIES = 2000


def layout_positions(projection, seed: int = 0, *, scale: float = 1000.0, membership=None) -> np.ndarray:
    """Seeded 2-D layout with igraph.

    Up to 1,500 nodes: Fruchterman–Reingold on the whole network.  Above: a two-level layout
    (fast at any size) — communities (Leiden, or ``membership``) are placed by
    Fruchterman–Reingold on the community graph, and each community is laid out on its own
    and scaled by the square root of its size.
    """
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
            many = k > MANY_COMMUNITIES  # e.g. thousands of isolated organisations: the grid variant
            cxy = np.asarray(cg.layout_fruchterman_reingold(
                weights=cg.es["weight"] if cg.ecount() else None, seed=rng.random((k, 2)).tolist(),
                niter=100 if many else 500, grid="grid" if many else "nogrid").coords, dtype=float)
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


def group_layout(names: list, region_long) -> np.ndarray:
    """Seeded force layout of groups (regions without map positions) from the ties between
    them (``region_long``: :func:`netcluster.linkage.region_matrix`), scaled so that 90% lie
    within radius 1; weakly linked groups on a ring at 1.15 instead of far away."""
    oi = {r: i for i, r in enumerate(names)}
    el = [(oi[a], oi[b], float(t)) for a, b, t in zip(region_long["region_a"], region_long["region_b"],
                                                    region_long["ties"]) if a != b and t > 0 and a in oi and b in oi]
    g = ig.Graph(n=len(names), edges=[(a, b) for a, b, _ in el])
    with seeded(0):
        rng = np.random.default_rng(0)
        xy = np.asarray(g.layout_fruchterman_reingold(weights=[w for _, _, w in el] or None,
                                                      seed=rng.random((len(names), 2)).tolist(),
                                                      niter=500).coords, dtype=float)
    xy -= np.median(xy, axis=0)
    rad = np.hypot(xy[:, 0], xy[:, 1])
    r95 = float(np.quantile(rad, 0.9)) if len(rad) else 1.0
    xy /= (r95 or 1.0)
    rad = np.hypot(xy[:, 0], xy[:, 1])
    far = rad > 1.15
    xy[far] = xy[far] / rad[far, None] * 1.15
    return xy
