r"""Backbones of the collaboration network: which ties are stronger than chance would make them.

Every pair of organisations that shared a project is a tie of the projection; in a dense
national network most of them say little (a large consortium ties everyone to everyone).  A
backbone keeps the ties whose weight is significant under a null model:

* **Disparity filter** (Serrano, Boguñá & Vespignani 2009) on the weighted projection: for an
  organisation *i* with *k* ties and strength *s*, a tie of weight *w* takes the share
  :math:`p = w/s`; under the null of *s* spread uniformly over the *k* ties its p-value is

  .. math:: \alpha_{ij} = (1 - p)^{k - 1}

  and a tie is significant if it is for either end: :math:`p_{ij} = \min(\alpha_{ij}, \alpha_{ji})`
  (an organisation with one tie gives 1).  A local filter: it keeps the ties that matter to an
  organisation whatever its size.
* **Stochastic degree sequence model**, SDSM (Neal 2014), as the R ``backbone`` package computes
  it: the number of projects two organisations share, compared with what organisations of their
  degrees share when each organisation–project membership is drawn independently with the
  probability of the bipartite configuration model, BiCM (Saracco et al. 2015),
  :math:`P(B_{ik}=1) = x_i y_k / (1 + x_i y_k)`, whose fitnesses make every organisation's
  expected number of projects and every project's expected number of participants equal to the
  observed ones (the closest of the SDSM's probability models to the exact degree-preserving
  null, Neal, Domagalski & Sagan 2021).  The co-occurrence count is then Poisson-binomial; its
  upper tail is computed exactly (a truncated convolution over project-size classes) when that
  is affordable, else with the refined normal approximation (Volkova 1996); which one is
  recorded.

Multiple testing: ``correction="none"`` (each tie at ``alpha``, the R package's default),
``"holm"`` or ``"fdr"`` (Benjamini–Hochberg) over the ties tested; the choice is recorded.

References
----------
M. Á. Serrano, M. Boguñá, A. Vespignani, "Extracting the multiscale backbone of complex weighted
networks", PNAS 106 (2009) 6483–6488.
Z. P. Neal, "The backbone of bipartite projections: inferring relationships from co-authorship,
co-sponsorship, co-attendance and other co-behaviors", Social Networks 39 (2014) 84–97.
F. Saracco, R. Di Clemente, A. Gabrielli, T. Squartini, "Randomizing bipartite networks: the case
of the World Trade Web", Scientific Reports 5 (2015) 10595.
Z. P. Neal, R. Domagalski, B. Sagan, "Comparing alternatives to the fixed degree sequence model for
extracting the backbone of bipartite projections", Scientific Reports 11 (2021) 23929.
A. Y. Volkova, "A refinement of the central limit theorem for sums of independent random
indicators", Theory Probab. Appl. 40 (1996) 791–794.
Z. P. Neal, backbone: an R package to extract network backbones, PLOS ONE 17 (2022) e0269137.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._compiled import compiled
from ._distributions import normal_cdf, normal_pdf
from ._sorting import unique_values
from .exceptions import EmptyResultError

__all__ = ["disparity_filter", "sdsm", "bicm_fitness", "backbone", "adjust", "METHODS", "CORRECTIONS"]

METHODS = ("none", "disparity", "sdsm")
CORRECTIONS = ("none", "holm", "fdr")


def disparity_filter(projection) -> pd.Series:
    r"""Disparity-filter p-value of every tie (in the order of ``projection.ties()``).

    Range [0, 1]; small = the tie carries a larger share of an organisation's tie weight than
    a uniform split would.

    Examples
    --------
    >>> from netcluster.graph import BipartiteNetwork
    >>> net = BipartiteNetwork.from_edges(list("abacad") + ["a", "b"], ["P", "P", "Q", "Q", "R", "R", "S", "S"])
    >>> p = disparity_filter(net.project_organisations("count"))
    >>> p.round(4).tolist()   # a-b (2 shared projects of a's 4), a-c, a-d
    [0.25, 0.5625, 0.5625]
    """
    r, c, w, _ = projection.tie_arrays()
    n = projection.n_nodes
    strength = np.bincount(r, w, n) + np.bincount(c, w, n)
    degree = np.bincount(r, minlength=n) + np.bincount(c, minlength=n)

    def alpha(node):
        k = degree[node]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(strength[node] > 0, w / strength[node], 0.0)
        return np.where(k > 1, (1.0 - share) ** (k - 1), 1.0)

    p = np.minimum(alpha(r), alpha(c)) if len(r) else np.zeros(0)
    out = pd.Series(np.clip(p, 0.0, 1.0), name="disparity_p")
    out.attrs["params"] = {"method": "disparity filter (Serrano et al. 2009)",
                           "weighting": projection.params.get("weighting")}
    return out


def bicm_fitness(degrees: np.ndarray, degree_counts: np.ndarray, sizes: np.ndarray, size_counts: np.ndarray,
                 *, tol: float = 1e-10, max_iter: int = 100_000) -> tuple[np.ndarray, np.ndarray]:
    """Fitnesses ``x`` (per distinct organisation degree) and ``y`` (per distinct project size)
    of the bipartite configuration model: with :math:`p = xy/(1+xy)` every class's expected
    degree equals its degree.  Organisations (projects) in every project (organisation) get
    an infinite fitness (probability 1).  Solved by Saracco et al.'s fixed-point iteration on
    the classes (organisations of one degree share their fitness)."""
    d, nd = np.asarray(degrees, float), np.asarray(degree_counts, float)
    s, ns = np.asarray(sizes, float), np.asarray(size_counts, float)
    n_orgs, n_projects = nd.sum(), ns.sum()
    full_d, full_s = d >= n_projects, s >= n_orgs
    x = d / np.sqrt(d @ nd)
    y = s / np.sqrt(s @ ns)
    x[full_d], y[full_s] = np.inf, np.inf

    def prob(xx, yy):
        with np.errstate(invalid="ignore", over="ignore"):
            xy = xx[:, None] * yy[None, :]
            return np.where(np.isinf(xy), 1.0, xy / (1.0 + xy))

    for iteration in range(max_iter):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            den_x = (ns * np.where(np.isinf(y), 0.0, y / (1.0 + x[:, None] * y))).sum(axis=1)
            # the probability-1 projects take one membership each from every organisation
            left_d = d - ns[full_s].sum()
            new_x = np.where(full_d, np.inf, left_d / den_x)
            den_y = (nd[:, None] * np.where(np.isinf(new_x)[:, None], 0.0,
                                            new_x[:, None] / (1.0 + new_x[:, None] * y))).sum(axis=0)
            left_s = s - nd[full_d].sum()
            new_y = np.where(full_s, np.inf, left_s / den_y)
        x, y = new_x, new_y
        P = prob(x, y)
        err = max(np.max(np.abs((P * ns).sum(axis=1) - d) / d), np.max(np.abs((P.T * nd).sum(axis=1) - s) / s))
        if err < tol:
            break
    else:
        raise RuntimeError(f"the BiCM did not converge in {max_iter} iterations (relative error {err:.2g})")
    return x, y


def sdsm(network, projection, *, exact_max_work: float = 5e9) -> pd.Series:
    r"""SDSM p-value (upper tail) of every tie's number of shared projects (in the order of
    ``projection.ties()``); the projects the projection left out (``max_project_size``) are
    left out here too.  Range [0, 1]; small = the two organisations share more projects than
    organisations of their degrees would by chance.  The tail is exact while the work
    (distinct degree pairs × project sizes × largest count²) is at most ``exact_max_work``,
    else the refined normal approximation.  ``attrs["params"]`` says which tail was used.

    Examples
    --------
    >>> from netcluster.graph import BipartiteNetwork
    >>> orgs = ["a", "b"] * 4 + ["c", "d", "e", "f", "c", "e"]
    >>> projects = ["P1", "P1", "P2", "P2", "P3", "P3", "P4", "P4", "P5", "P5", "P6", "P6", "P7", "P7"]
    >>> net = BipartiteNetwork.from_edges(orgs, projects)
    >>> p = sdsm(net, net.project_organisations("count"))
    >>> p.round(3).tolist()   # a-b share 4 of 7 projects: the least likely by chance
    [0.163, 0.253, 0.449, 0.253]
    """
    B = network.B.tocsc().astype(bool).astype(np.int64)
    excluded = set(projection.params.get("excluded_projects") or [])
    if excluded:
        keep = ~np.isin(np.asarray(network.projects, dtype=object).astype(str), list(excluded))
        B = B[:, np.flatnonzero(keep)]
    B = B.tocsr()
    orgs = np.asarray(network.orgs, dtype=object)
    active = np.asarray(B.sum(axis=1)).ravel() > 0
    if not active.all():  # organisations only in the projects left out: not in the projection's network
        B, orgs = B[np.flatnonzero(active)], orgs[active]
    filled = np.asarray(B.sum(axis=0)).ravel() > 0
    if not filled.all():
        B = B.tocsc()[:, np.flatnonzero(filled)].tocsr()
    if B.nnz == 0:
        raise EmptyResultError("no participation: the SDSM is undefined")
    d = np.asarray(B.sum(axis=1)).ravel()  # organisations' projects
    sizes = np.asarray(B.sum(axis=0)).ravel()  # projects' participants
    dv, di = np.unique(d, return_inverse=True)
    cv, ci = np.unique(sizes, return_inverse=True)
    n_d, n_c = np.bincount(di), np.bincount(ci)
    x, y = bicm_fitness(dv, n_d, cv, n_c)
    with np.errstate(invalid="ignore", over="ignore"):
        xy = x[:, None] * y[None, :]
        G = np.where(np.isinf(xy), 1.0, xy / (1.0 + xy))  # P by (degree, size)

    def moment(k):  # sum over projects of q^k for every pair of degrees, q = G[a]·G[b]
        Gk = G ** k
        return (Gk * n_c) @ Gk.T

    # the projection's organisations among the network's (same labels, in order)
    pos = pd.Index(orgs).get_indexer(np.asarray(projection.labels, dtype=object))
    r, c, _, shared = projection.tie_arrays()
    a, b = di[pos[r]], di[pos[c]]
    pair, pair_of = np.unique(a * len(dv) + b, return_inverse=True)
    pa, pb = pair // len(dv), pair % len(dv)
    # each pair of degrees needs its distribution only up to its largest count - 1: pairs are
    # grouped by that length rounded up to a power of two (most need 1 or 2)
    need = np.zeros(len(pair), dtype=np.int64)
    if len(shared):
        np.maximum.at(need, pair_of, shared.astype(np.int64))
    bucket = np.where(need > 0, 2 ** np.ceil(np.log2(np.maximum(need, 1))).astype(np.int64), 0)
    sizes_b = {int(k): int((bucket == k).sum()) for k in unique_values(bucket) if k > 0}
    work = sum(n * len(cv) * k * k for k, n in sizes_b.items())
    if work <= exact_max_work:
        below = np.zeros(len(shared))
        for k in sizes_b:
            sel = np.flatnonzero(bucket == k)
            cdf = _poisson_binomial_cdf(G[pa[sel]], G[pb[sel]], n_c, k)   # P(X <= j), j < k
            local = np.full(len(pair), -1)
            local[sel] = np.arange(len(sel))
            ties_here = np.flatnonzero(bucket[pair_of] == k)
            s_here = shared[ties_here].astype(np.int64)
            below[ties_here] = np.where(s_here > 0, cdf[local[pair_of[ties_here]], np.maximum(s_here - 1, 0)], 0.0)
        upper = 1.0 - below
        how = "exact Poisson-binomial"
    else:
        m1, m2, m3 = moment(1), moment(2), moment(3)
        mean, var = m1[a, b], m1[a, b] - m2[a, b]
        third = m1[a, b] - 3 * m2[a, b] + 2 * m3[a, b]
        sd = np.sqrt(np.maximum(var, 1e-300))
        gamma = third / sd ** 3
        z = (shared - 0.5 - mean) / sd
        upper = 1 - (normal_cdf(z) + gamma * (1 - z ** 2) * normal_pdf(z) / 6)
        how = "refined normal approximation (Volkova 1996)"
    out = pd.Series(np.clip(upper, 0.0, 1.0), name="sdsm_p")
    out.attrs["params"] = {"method": "SDSM (Neal 2014) with BiCM probabilities (Saracco et al. 2015)",
                           "tail": how}
    return out


def _poisson_binomial_cdf(Ga, Gb, n_c, longest):
    """P(X <= j) for j < ``longest`` and X the sum over project-size classes of
    Binomial(n_c, q_c), q_c = Ga[:, c] * Gb[:, c] (one row per pair of degrees): the
    distribution is convolved class by class, truncated at ``longest``, in a compiled loop
    that also makes each class's binomial terms, by the ratio of consecutive terms from
    (1 - q)^n, in logarithms: no array of rows × classes × terms (scipy's boost pmf, called
    once for all terms, took 1.1 of the 1.6 s of the EU profile's backbone — docs/benchmark.md,
    ninth round); the terms are within 1e-10 (relative) of scipy.stats.binom.pmf
    (tests/test_backbone.py)."""
    q = np.ascontiguousarray(Ga * Gb, dtype=float)
    return _convolved_cdf(q, np.ascontiguousarray(n_c, dtype=np.int64), int(longest))


@compiled
def _binomial_terms(q, n, longest, out):  # pragma: no cover (compiled)
    """``out[j]`` = P(Y = j), j < ``longest``, for Y ~ Binomial(n, q): (1 - q)^n, then
    each term from the one before, times (n - j) / (j + 1) · q / (1 - q) (added as logarithms)."""
    out[:] = 0.0
    if n <= 0 or q <= 0.0:
        out[0] = 1.0
        return
    if q >= 1.0:
        if n < longest:
            out[n] = 1.0
        return
    # in logarithms: (1 - q)^n underflows (q near 1) where later terms do not
    lt = n * math.log1p(-q)
    lr = math.log(q) - math.log1p(-q)
    out[0] = math.exp(lt)
    for j in range(min(longest - 1, n)):
        lt += math.log((n - j) / (j + 1.0)) + lr
        out[j + 1] = math.exp(lt)


@compiled
def _convolved_cdf(q, n_c, longest):  # pragma: no cover (compiled)
    """Per row of ``q`` (rows × classes): the cumulative sum of the convolution of its classes'
    binomial distributions (Binomial(n_c[c], q[i, c])), truncated to ``longest`` terms."""
    rows, classes = q.shape
    out = np.empty((rows, longest))
    F = np.empty(longest)
    new = np.empty(longest)
    pmf = np.empty(longest)
    for i in range(rows):
        F[:] = 0.0
        F[0] = 1.0
        for col in range(classes):
            _binomial_terms(q[i, col], n_c[col], longest, pmf)
            for m in range(longest):
                s = F[m] * pmf[0]
                for j in range(1, m + 1):
                    s += F[m - j] * pmf[j]
                new[m] = s
            F[:] = new
        acc = 0.0
        for m in range(longest):
            acc += F[m]
            out[i, m] = acc
    return out


def adjust(p: np.ndarray, correction: str = "none") -> np.ndarray:
    """p-values adjusted for multiple testing: ``none``, ``holm`` or ``fdr`` (Benjamini–Hochberg).

    >>> adjust(np.array([0.01, 0.04, 0.03]), "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}, got {correction!r}")
    p = np.asarray(p, dtype=float)
    n = len(p)
    if correction == "none" or n == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if correction == "holm":
        adj = np.maximum.accumulate(np.minimum(1.0, ranked * (n - np.arange(n))))
    else:
        adj = np.minimum.accumulate((ranked * n / np.arange(1, n + 1))[::-1])[::-1]
        adj = np.minimum(adj, 1.0)
    out = np.empty(n)
    out[order] = adj
    return out


def backbone(projection, *, method: str = "disparity", alpha: float = 0.05, correction: str = "none",
             network=None) -> pd.DataFrame:
    """The ties' p-values and which ties are in the backbone.

    Returns a DataFrame in the order of ``projection.ties()`` with ``disparity_p`` (always),
    ``sdsm_p`` (``method="sdsm"``; needs the bipartite ``network``) and ``in_backbone``
    (the method's p-value, adjusted by ``correction``, below ``alpha``; all True with
    ``method="none"``).  ``attrs["params"]`` records the method, alpha, correction and how many
    ties and organisations remain.
    """
    if method not in METHODS:
        raise ValueError(f"backbone method must be one of {METHODS}, got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    out = pd.DataFrame({"disparity_p": disparity_filter(projection).to_numpy()})
    params = {"method": method, "alpha": alpha, "correction": correction}
    if method == "sdsm":
        if network is None:
            raise ValueError("the SDSM backbone needs the organisation-project network (network=)")
        s = sdsm(network, projection)
        out["sdsm_p"] = s.to_numpy()
        params["sdsm"] = s.attrs["params"]
    if method == "none":
        out["in_backbone"] = True
    else:
        out["in_backbone"] = adjust(out[f"{method}_p"].to_numpy(), correction) < alpha
    r, c, _, _ = projection.tie_arrays()
    kept = out["in_backbone"].to_numpy()
    params["ties"] = int(kept.sum())
    params["ties_total"] = int(len(kept))
    params["organisations"] = int(len(unique_values(np.concatenate([r[kept], c[kept]])))) if kept.any() else 0
    out.attrs["params"] = params
    return out
