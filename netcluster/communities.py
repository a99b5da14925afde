r"""Communities: seeded Leiden (modularity) with a stability check, and comparison
with a declared grouping (mini-clusters, complexes …).

Modularity of a partition :math:`\{c_i\}` of a weighted graph:

.. math:: Q = \frac{1}{2m}\sum_{ij}\Big(A_{ij} - \gamma\frac{k_ik_j}{2m}\Big)\,[c_i=c_j]

with resolution :math:`\gamma` (range of Q: [−1/2, 1]).

References
----------
V. A. Traag, L. Waltman, N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
communities", Scientific Reports 9, 5233 (2019).
L. Hubert, P. Arabie, "Comparing partitions", J. Classification 2 (1985) — adjusted Rand index.
L. Danon et al., "Comparing community structure identification", J. Stat. Mech. (2005) — NMI.
"""

from __future__ import annotations

import itertools

import igraph as ig
import numpy as np
import pandas as pd

from ._igraph import seeded
from .groups import group_codes

__all__ = ["leiden", "stability", "compare_partitions", "modularity"]


def leiden(projection, *, resolution: float = 1.0, seed: int = 0, weighted: bool = True,
           n_iterations: int = -1) -> pd.DataFrame:
    """Seeded Leiden communities (modularity objective).

    ``n_iterations``: Leiden iterations; negative (default) iterates until an iteration
    changes nothing (Traag et al. 2019: a stable partition), 2 is igraph's default — faster
    on large graphs, with a modularity lower in the fifth decimal on national data
    (docs/benchmark.md).

    Returns a DataFrame indexed by ``org_id`` with ``community`` (0 = largest) and
    ``attrs["params"]`` (resolution, seed, n_iterations, modularity, number of communities).

    Examples
    --------
    >>> import networkx as nx
    >>> from netcluster.graph import BipartiteNetwork
    >>> net = BipartiteNetwork.from_edges(list("abcdef"), ["P"] * 3 + ["Q"] * 3)
    >>> leiden(net.project_organisations()).groupby("community").size().tolist()
    [3, 3]
    """
    g = projection.to_igraph()
    w = g.es["weight"] if (weighted and g.ecount()) else None
    with seeded(seed):
        part = g.community_leiden(objective_function="modularity", weights=w,
                                  resolution=resolution, n_iterations=n_iterations)
    memb = np.asarray(part.membership)
    # relabel: 0 = largest community, ties by smallest label position
    sizes = pd.Series(memb).value_counts()
    first = pd.Series(np.arange(len(memb))).groupby(memb).min()
    order = sorted(sizes.index, key=lambda c: (-sizes[c], first[c]))
    relabel = {c: i for i, c in enumerate(order)}
    out = pd.DataFrame({"community": [relabel[c] for c in memb]},
                       index=pd.Index(projection.labels, name="org_id"))
    q = g.modularity(memb.tolist(), weights=w, resolution=resolution) if g.ecount() else 0.0
    out.attrs["params"] = {"method": "leiden", "objective": "modularity", "resolution": resolution,
                           "seed": seed, "weighted": weighted, "n_iterations": n_iterations, "modularity": float(q),
                           "n_communities": int(len(sizes))}
    return out


def modularity(projection, groups: pd.Series, *, weighted: bool = True, resolution: float = 1.0) -> float:
    r"""Modularity of a given partition (e.g. provinces), range [−1/2, 1].

    :math:`Q = \sum_c \left[\frac{w_c}{W} - \gamma\left(\frac{s_c}{2W}\right)^2\right]` with
    :math:`W` the total tie weight, :math:`w_c` the weight of ties inside group *c* and
    :math:`s_c` the total strength of its members (Newman & Girvan, Phys. Rev. E 69, 2004;
    resolution :math:`\gamma`, Reichardt & Bornholdt 2006).  Organisations without a group
    form one extra group '(unknown)'.  Computed from the tie arrays (no graph object).
    """
    r, c, w, _ = projection.tie_arrays()
    if len(r) == 0:
        return 0.0
    code, uniq, _ = group_codes(projection.labels, groups)
    unknown = len(uniq)  # (a group of its own: a group of the data cannot be named '(unknown)')
    code = np.where(code < 0, unknown, code)
    G = unknown + 1
    w = w if weighted else np.ones(len(r))
    W = float(w.sum())
    cr, cc = code[r], code[c]
    inside = np.bincount(cr[cr == cc], weights=w[cr == cc], minlength=G)
    strength = np.bincount(cr, weights=w, minlength=G) + np.bincount(cc, weights=w, minlength=G)
    return float((inside / W).sum() - resolution * ((strength / (2 * W)) ** 2).sum())


def _ari_nmi(a, b):
    """Adjusted Rand index and NMI of two partitions (NaN for fewer than two elements: the
    indices are undefined)."""
    a = pd.factorize(pd.Series(a, dtype=object))[0].tolist()
    b = pd.factorize(pd.Series(b, dtype=object))[0].tolist()
    if len(a) < 2:
        return float("nan"), float("nan")
    return (float(ig.compare_communities(a, b, method="adjusted_rand")),
            float(ig.compare_communities(a, b, method="nmi")))


def stability(projection, *, seeds=range(10), resolution: float = 1.0, weighted: bool = True,
              known: dict | None = None, n_iterations: int = -1) -> pd.DataFrame:
    """Leiden run with several seeds: pairwise ARI and NMI between runs.

    Returns one row per pair of seeds; ``attrs["summary"]`` has the mean ARI/NMI and the
    modularity range.  A mean ARI near 1 means the community structure is robust.
    ``known`` maps a seed to a :func:`leiden` result already computed with the same
    resolution, weighting and ``n_iterations`` (it is reused, not recomputed).
    """
    known = known or {}
    runs = {s: known[s] if s in known else leiden(projection, resolution=resolution, seed=s, weighted=weighted,
                                                   n_iterations=n_iterations)
            for s in seeds}
    rows = []
    for s1, s2 in itertools.combinations(runs, 2):
        ari, nmi = _ari_nmi(runs[s1]["community"], runs[s2]["community"])
        rows.append({"seed_a": s1, "seed_b": s2, "ari": ari, "nmi": nmi})
    out = pd.DataFrame(rows, columns=["seed_a", "seed_b", "ari", "nmi"])
    qs = [r.attrs["params"]["modularity"] for r in runs.values()]
    out.attrs["summary"] = {"seeds": list(runs), "mean_ari": float(out["ari"].mean()) if len(out) else 1.0,
                            "mean_nmi": float(out["nmi"].mean()) if len(out) else 1.0,
                            "modularity_min": float(min(qs)), "modularity_max": float(max(qs)),
                            "resolution": resolution}
    return out


def compare_partitions(detected: pd.Series, declared: pd.Series, *, split_threshold: float = 0.5) -> pd.DataFrame:
    """Compare detected communities with a declared grouping (mini-cluster, complex …).

    For each declared group: its size, the detected community holding most of its members
    (``dominant_community``, ``dominant_share``), the number of communities it spreads over,
    ``split`` (dominant share below ``split_threshold``) and ``merged_with`` (other declared
    groups whose dominant community is the same).  ``attrs["summary"]`` has ARI and NMI
    over the organisations that have a declared group.
    """
    both = pd.DataFrame({"detected": detected, "declared": declared.reindex(detected.index)}).dropna()
    if both.empty:
        raise ValueError("no organisation has both a detected community and a declared group")
    # the contingency table as sparse counts of (declared, detected) pairs, labels sorted as
    # pd.crosstab sorts them (a dense table would be groups x communities: 10^7 cells at 1M rows)
    gi, groups = pd.factorize(both["declared"], sort=True)
    ci, comms = pd.factorize(both["detected"], sort=True)
    pair, cnt = np.unique(gi.astype(np.int64) * len(comms) + ci, return_counts=True)
    pg, pc = pair // len(comms), pair % len(comms)
    size = np.bincount(pg, weights=cnt, minlength=len(groups)).astype(np.int64)
    n_comm = np.bincount(pg, minlength=len(groups))
    first = np.lexsort((pc, -cnt, pg))  # per group: largest count, then the first community
    top = first[np.r_[True, pg[first][1:] != pg[first][:-1]]]
    dom = np.asarray(comms)[pc[top]]
    share = cnt[top] / size
    out = pd.DataFrame({"size": size, "dominant_community": dom, "dominant_share": share,
                        "n_communities": n_comm, "split": share < split_threshold},
                       index=pd.Index(list(groups), name="declared"))  # dtype inferred, as crosstab does
    same_dom = pd.Series(np.arange(len(groups))).groupby(pc[top]).agg(list)
    names = [str(g) for g in groups]
    out["merged_with"] = [";".join(names[o] for o in same_dom[pc[top][i]] if o != i)
                          for i in range(len(groups))]
    out.index.name = "declared_group"
    ari, nmi = _ari_nmi(both["declared"], both["detected"])
    out.attrs["summary"] = {"ari": ari, "nmi": nmi, "organisations_compared": int(len(both)),
                            "split_threshold": split_threshold,
                            "groups_split": int(out["split"].sum()),
                            "groups_merged": int((out["merged_with"] != "").sum())}
    return out
