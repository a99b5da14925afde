r"""Openness of groups: internal vs external ties, the E-I index with a permutation
null, project-level openness, partner diversity and newcomers.

The Krackhardt–Stern E-I index of a set of ties, with *E* external (between
groups) and *I* internal (within a group) ties:

.. math:: EI = \frac{E - I}{E + I} \in [-1, 1]

−1: all ties inside groups (closed); +1: all ties across groups (open).
Weighted variants sum tie weights instead of counting ties.

References
----------
D. Krackhardt, R. N. Stern, "Informal networks and organizational crises: an experimental
simulation", Social Psychology Quarterly 51(2) (1988) 123–140.
S. P. Borgatti, M. G. Everett, L. C. Freeman, UCINET for Windows (2002) — permutation test
and rescaled E-I.
R. Guimerà, L. A. N. Amaral, "Functional cartography of complex metabolic networks",
Nature 433 (2005) — participation coefficient.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._compiled import compiled
from ._sorting import distinct_keys, unique_values
from .groups import align_groups, codes, group_codes, participation_group_codes

__all__ = ["EIResult", "ei_index", "ei_permutation_test", "project_openness", "partner_diversity",
           "newcomers", "tie_table"]


def tie_table(projection, groups: pd.Series) -> pd.DataFrame:
    """Ties with the group of each end: ``source, target, weight, group_source, group_target,
    external`` (ties with an end of unknown group are left out; their number is in attrs)."""
    r, c, w, shared = projection.tie_arrays()
    vals, _ = align_groups(projection.labels, groups)
    code = pd.factorize(pd.Series(vals, dtype=object), use_na_sentinel=True)[0]
    known = (code[r] >= 0) & (code[c] >= 0)
    r, c = r[known], c[known]
    lab = projection.labels
    out = pd.DataFrame({"source": pd.Series(lab[r], dtype=object), "target": pd.Series(lab[c], dtype=object),
                        "weight": w[known], "shared_projects": shared[known],
                        "group_source": pd.Series(vals[r], dtype=object),
                        "group_target": pd.Series(vals[c], dtype=object),
                        "external": code[r] != code[c]})
    out.attrs["unknown_group_ties"] = int((~known).sum())
    return out


@dataclass(frozen=True)
class EIResult:
    """The E-I index at three levels (:func:`ei_index`).

    Attributes
    ----------
    network : DataFrame
        One row: ``internal``, ``external`` (tie counts or weights), ``ei``,
        ``ties_unknown_group``.
    groups : DataFrame
        Indexed by group: ``members``, ``internal``, ``external``, ``external_share``, ``ei``.
    organisations : DataFrame
        Indexed by ``org_id``: ``group``, ``internal``, ``external``, ``external_share``, ``ei``.
    """

    network: pd.DataFrame
    groups: pd.DataFrame
    organisations: pd.DataFrame

    @property
    def ei(self) -> float:
        """The network's E-I index (NaN when no tie joins two organisations with a group)."""
        return float(self.network["ei"].iloc[0])


def _ei(e, i):
    tot = e + i
    return (e - i) / tot if tot > 0 else np.nan


def ei_index(projection, groups: pd.Series, *, weighted: bool = False) -> EIResult:
    """E-I index at network, group and organisation level.

    Parameters
    ----------
    projection : Projection
    groups : Series or AlignedGroups
        ``org_id`` → group (province, wide region, complex, cluster, type …), or the same
        grouping coded for the projection's labels (:class:`netcluster.groups.AlignedGroups`).
    weighted : bool
        Sum tie weights instead of counting ties.

    Returns
    -------
    EIResult
        ``network`` (one row: internal, external, ei), ``groups`` (indexed by group: members,
        internal, external, external_share, ei) and ``organisations`` (indexed by org_id:
        group, internal, external, external_share, ei).  Range of every ``ei``: [-1, 1];
        ``external_share`` in [0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> from netcluster.graph import BipartiteNetwork
    >>> net = BipartiteNetwork.from_edges(list("abbc"), ["P", "P", "Q", "Q"])
    >>> r = ei_index(net.project_organisations(), pd.Series({"a": "X", "b": "X", "c": "Y"}))
    >>> r.ei   # one internal tie (a-b), one external (b-c)
    0.0
    >>> r.groups["ei"].tolist()
    [0.0, 1.0]
    """
    r, c, w_all, _ = projection.tie_arrays()
    code, uniq, _ = group_codes(projection.labels, groups)
    known = (code[r] >= 0) & (code[c] >= 0)
    r, c = r[known], c[known]
    w = w_all[known] if weighted else np.ones(len(r))
    cr, cc = code[r], code[c]
    ext = cr != cc
    E, I = float(w[ext].sum()), float(w[~ext].sum())
    network = pd.DataFrame({"internal": [I], "external": [E], "ei": [_ei(E, I)],
                            "ties_unknown_group": [int((~known).sum())]})
    # groups: internal ties counted once, external ties counted for both groups
    G = len(uniq)
    g = pd.DataFrame({"members": np.bincount(code[code >= 0], minlength=G).astype(np.int64)},
                     index=pd.Index(pd.array(uniq, dtype=object), name="group"))
    g["internal"] = np.bincount(cr[~ext], weights=w[~ext], minlength=G).astype(float)
    g["external"] = (np.bincount(cr[ext], weights=w[ext], minlength=G)
                     + np.bincount(cc[ext], weights=w[ext], minlength=G)).astype(float)
    tot = g["internal"] + g["external"]
    g["external_share"] = (g["external"] / tot).where(tot > 0)
    g["ei"] = ((g["external"] - g["internal"]) / tot).where(tot > 0)
    # organisations
    n = len(projection.labels)
    vals = np.array(list(uniq) + [None], dtype=object)[code]
    o = pd.DataFrame({"group": pd.Series(vals, dtype=object).to_numpy()},
                     index=pd.Index(projection.labels, name="org_id"))
    o["internal"] = (np.bincount(r[~ext], weights=w[~ext], minlength=n)
                     + np.bincount(c[~ext], weights=w[~ext], minlength=n)).astype(float)
    o["external"] = (np.bincount(r[ext], weights=w[ext], minlength=n)
                     + np.bincount(c[ext], weights=w[ext], minlength=n)).astype(float)
    tot = o["internal"] + o["external"]
    o["external_share"] = (o["external"] / tot).where(tot > 0)
    o["ei"] = ((o["external"] - o["internal"]) / tot).where(tot > 0)
    params = {"weighted": weighted, "weighting": projection.params.get("weighting")}
    for df in (network, g, o):
        df.attrs["params"] = params
    return EIResult(network, g.sort_index(), o)


def _rescale(ei, n_ties, sizes):
    """UCINET-style rescaling to the range attainable given group sizes and number of ties."""
    sizes = np.asarray(sizes, dtype=float)
    n = sizes.sum()
    i_max = float((sizes * (sizes - 1) / 2).sum())
    e_max = float(n * (n - 1) / 2 - i_max)
    T = float(n_ties)
    if T <= 0:
        return np.nan, np.nan, np.nan
    e_hi = min(T, e_max)
    hi = (e_hi - (T - e_hi)) / T
    i_hi = min(T, i_max)
    lo = ((T - i_hi) - i_hi) / T
    if hi == lo:
        return np.nan, lo, hi
    return 2 * (ei - lo) / (hi - lo) - 1, lo, hi


def ei_permutation_test(projection, groups: pd.Series, *, n_permutations: int = 999,
                        seed: int = 0, weighted: bool = False, exact: bool | str = "auto",
                        exact_max: int = 50_000, group_null: int = 0) -> pd.DataFrame:
    """Permutation null for the network E-I index.

    Group labels are shuffled over the organisations (group sizes kept; organisations
    without a group are left out) and the E-I index recomputed.  Reports the observed
    E-I, the null mean and standard deviation, the 2.5%/97.5% null quantiles, one-sided
    p-values ``p_greater`` = P(null ≥ observed) and ``p_less`` = P(null ≤ observed)
    (with the +1 correction for sampled permutations), and the rescaled E-I
    (observed E-I mapped from the range attainable given group sizes and tie count
    onto [−1, 1], as UCINET reports it; missing for ``weighted=True``, whose attainable range
    depends on the weights' placement).

    With ``exact=True`` (or ``"auto"`` when the number of distinct label assignments is at
    most ``exact_max``) every distinct assignment is enumerated and the null is exact.

    ``group_null=k`` (random permutations only) also records, in ``attrs["group_null"]``, each
    group's (unweighted) E-I under the first ``k`` permutations — a ``(k, groups)`` array in
    the order of ``attrs["groups"]`` — from the same shuffled labels (no second pass).
    """
    vals, unknown = align_groups(projection.labels, groups)
    c, uniq = codes(vals)
    keep = c >= 0
    M = sp.triu(projection.matrix, k=1).tocsr()
    sub = np.flatnonzero(keep)
    M = M[sub][:, sub].tocoo()
    u, v = M.row, M.col
    w = M.data if weighted else np.ones(len(u))
    lab = c[keep]
    total = w.sum()

    def ei_of_same(same):  # same: (k, ties) bool, both ends in one group
        # unweighted: a count (exact, the same value as the product with ones)
        internal = same.sum(axis=1).astype(float) if not weighted else same @ w
        return (total - 2 * internal) / total if total > 0 else np.full(len(same), np.nan)

    def ei_of(labels):  # labels: (k, n) array
        return ei_of_same(labels[:, u] == labels[:, v])

    observed = float(ei_of(lab[None, :])[0])
    sizes = np.bincount(lab, minlength=len(uniq))
    n_assign = math.factorial(len(lab)) // math.prod(math.factorial(int(s)) for s in sizes) \
        if len(lab) <= 170 else math.inf
    use_exact = (exact is True) or (exact == "auto" and n_assign <= exact_max)
    if use_exact:
        null = []
        for batch in _batched(_multiset_permutations(sorted(lab.tolist())), 4096):
            null.append(ei_of(np.array(batch)))
        null = np.concatenate(null)
        p_greater = float((null >= observed - 1e-12).mean())
        p_less = float((null <= observed + 1e-12).mean())
        method, k = "exact enumeration", len(null)
    else:
        rng = np.random.default_rng(seed)
        null = []
        G = len(uniq)
        k_groups = min(int(group_null), n_permutations)
        per_group = np.empty((k_groups, G))
        # each group's summed degree is a sum over its organisations, so O(organisations)
        deg = np.bincount(u, minlength=len(lab)) + np.bincount(v, minlength=len(lab))
        # narrow labels: the shuffles are the same (they depend on the length only) and the
        # compiled count reads a quarter of the bytes
        small = lab.astype(np.int16) if G < 2 ** 15 else lab
        left, done = n_permutations, 0
        while left > 0:  # batches of permutations of at most ~16 MB
            b = min(left, max(1, 8_000_000 // max(len(lab), 1)))
            perms = np.array([rng.permutation(small) for _ in range(b)])
            kg = max(0, min(b, k_groups - done))
            internal, inside = _internal_ties(perms, u, v, w, G, kg)
            null.append((total - 2 * internal) / total if total > 0 else np.full(b, np.nan))
            for i in range(kg):
                external = np.bincount(perms[i], weights=deg, minlength=G) - 2 * inside[i]
                tot = inside[i] + external
                with np.errstate(invalid="ignore", divide="ignore"):
                    per_group[done + i] = np.where(tot > 0, (external - inside[i]) / tot, np.nan)
            done += b
            left -= b
        null = np.concatenate(null)
        p_greater = float(((null >= observed - 1e-12).sum() + 1) / (len(null) + 1))
        p_less = float(((null <= observed + 1e-12).sum() + 1) / (len(null) + 1))
        method, k = "random permutations", len(null)
    # the attainable range is that of the count of ties; for summed weights it depends on which
    # ties carry which weight (a max-cut problem), so a weighted E-I is not rescaled
    resc, lo, hi = _rescale(observed, len(u), sizes) if not weighted else (np.nan, np.nan, np.nan)
    out = pd.DataFrame([{
        "ei": observed, "null_mean": float(np.mean(null)), "null_sd": float(np.std(null, ddof=1)) if len(null) > 1 else 0.0,
        "null_q025": float(np.quantile(null, 0.025)), "null_q975": float(np.quantile(null, 0.975)),
        "p_greater": p_greater, "p_less": p_less, "rescaled_ei": resc, "ei_min_attainable": lo,
        "ei_max_attainable": hi, "ties": int(len(u)), "organisations": int(len(lab)),
        "organisations_unknown_group": unknown, "groups": len(uniq)}])
    out.attrs["params"] = {"null_model": "group labels permuted, group sizes fixed",
                           "method": method, "permutations": int(k), "seed": None if use_exact else seed,
                           "weighted": weighted, "weighting": projection.params.get("weighting")}
    out.attrs["null"] = null
    if not use_exact and group_null:
        out.attrs["group_null"] = per_group
        out.attrs["groups"] = list(uniq)
    return out


@compiled
def _internal_ties(perms, u, v, w, n_groups, k_groups):  # pragma: no cover (compiled)
    """Per row of ``perms`` (group labels of the organisations): the summed weight ``w`` of
    the ties (u, v) inside a group, and for the first ``k_groups`` rows the count of such ties
    per group — one pass over the ties per permutation, nothing materialised per tie."""
    internal = np.zeros(perms.shape[0])
    inside = np.zeros((k_groups, n_groups))
    for k in range(perms.shape[0]):
        p = perms[k]
        s = 0.0
        for e in range(len(u)):
            g = p[u[e]]
            if g == p[v[e]]:
                s += w[e]
                if k < k_groups:
                    inside[k, g] += 1.0
        internal[k] = s
    return internal, inside


def _multiset_permutations(items):
    """Distinct permutations of a sorted list (lexicographic order)."""
    a = list(items)
    n = len(a)
    while True:
        yield list(a)
        i = n - 2
        while i >= 0 and a[i] >= a[i + 1]:
            i -= 1
        if i < 0:
            return
        j = n - 1
        while a[j] <= a[i]:
            j -= 1
        a[i], a[j] = a[j], a[i]
        a[i + 1:] = reversed(a[i + 1:])


def _batched(it, n):
    it = iter(it)
    while True:
        chunk = list(itertools.islice(it, n))
        if not chunk:
            return
        yield chunk


def project_openness(dataset, groups: pd.Series) -> pd.DataFrame:
    """Share of a group's projects that include at least one participant from outside the group.

    For each group *g*: ``projects`` = projects with at least one member of *g*;
    ``joint_projects`` = those with ≥ 2 participants; ``open_projects`` = those with at least
    one participant of another (known) group; ``open_share`` = open / projects (range [0, 1]).
    Participants without a group are ignored; their count is in ``attrs``.
    """
    pr, g, guniq = participation_group_codes(dataset, groups)
    unknown = int((g < 0).sum())
    size = np.bincount(pr[pr >= 0], minlength=len(dataset.projects))
    known = (g >= 0) & (pr >= 0)
    G = max(len(guniq), 1)
    # distinct (project, group)
    pairs = distinct_keys(pr[known].astype(np.int64) * G + g[known], len(dataset.projects) * G)
    pp, pgc = pairs // G, pairs % G
    ngroups = np.bincount(pp, minlength=len(dataset.projects))
    out = pd.DataFrame({"projects": np.bincount(pgc, minlength=len(guniq)),
                        "joint_projects": np.bincount(pgc[size[pp] >= 2], minlength=len(guniq)),
                        "open_projects": np.bincount(pgc[ngroups[pp] > 1], minlength=len(guniq))},
                       index=pd.Index(list(guniq), name="group", dtype=object))
    out = out[out["projects"] > 0]
    out["open_share"] = out["open_projects"] / out["projects"]
    out["open_share_of_joint"] = (out["open_projects"] / out["joint_projects"]).where(out["joint_projects"] > 0)
    out.attrs["params"] = {"participations_unknown_group": unknown}
    return out.sort_index()


def partner_diversity(projection, groups: pd.Series, *, weighted: bool = False) -> pd.DataFrame:
    r"""Diversity of each organisation's partners over groups.

    Participation coefficient :math:`P_i = 1 - \sum_s (k_{is}/k_i)^2` (Guimerà & Amaral
    2005; 0 = all partners in one group, → 1 when spread evenly over many groups) and
    Shannon entropy :math:`H_i = -\sum_s p_{is}\log_2 p_{is}` in bits, with
    :math:`p_{is} = k_{is}/k_i` the share of *i*'s ties (or tie weight) to group *s*.
    Partners without a group are left out.
    """
    vals, _ = align_groups(projection.labels, groups)
    c, uniq = codes(vals)
    M = projection.matrix.tocsr().copy()
    if not weighted:
        M.data = np.ones_like(M.data)
    known = c >= 0
    G = sp.csr_matrix((np.ones(known.sum()), (np.flatnonzero(known), c[known])),
                      shape=(M.shape[0], max(len(uniq), 1)))
    K = (M @ G).toarray() if len(uniq) <= 200 else None
    if K is None:  # many groups: stay sparse
        Ks = (M @ G).tocsr()
        k = np.asarray(Ks.sum(axis=1)).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            P = Ks.multiply(1 / np.where(k > 0, k, 1)[:, None]).tocsr()
        sq = np.asarray(P.multiply(P).sum(axis=1)).ravel()
        P.data = -P.data * np.log2(P.data)
        H = np.asarray(P.sum(axis=1)).ravel()
        nb = np.diff(Ks.indptr)
    else:
        k = K.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            P = K / np.where(k > 0, k, 1)[:, None]
            sq = (P ** 2).sum(axis=1)
            H = -(np.where(P > 0, P * np.log2(np.where(P > 0, P, 1)), 0)).sum(axis=1)
        nb = (K > 0).sum(axis=1)
    out = pd.DataFrame({"group": vals, "partners": k, "partner_groups": nb,
                        "participation_coefficient": np.where(k > 0, 1 - sq, np.nan),
                        "entropy_bits": np.where(k > 0, np.abs(H), np.nan)},
                       index=pd.Index(projection.labels, name="org_id"))
    out.attrs["params"] = {"weighted": weighted, "log_base": 2}
    return out


def newcomers(dataset) -> pd.DataFrame:
    """Per year: participants, newcomers (no participation in an earlier year) and their
    share; ties (organisation pairs sharing a project that year) and the share that are new
    (the pair never shared a project in an earlier year).  Projects without a year are
    left out (count in attrs)."""
    # integer codes: organisation rows and project rows of each participation (cached lookups)
    pr, r = dataset.participation_project_rows(), dataset.participation_org_rows()
    pyear = dataset.projects["year"].to_numpy(dtype=float, na_value=np.nan)
    yr = np.where(pr >= 0, pyear[np.maximum(pr, 0)], np.nan)
    has = ~np.isnan(yr) & (r >= 0)
    missing = int((~has).sum())
    r, pr, yr = r[has], pr[has], yr[has].astype(np.int64)
    n = len(dataset.organisations)
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, r, yr)
    rows = []
    per_year = []
    order = np.argsort(yr, kind="stable")
    ys, bounds = np.unique(yr[order], return_index=True)
    bounds = np.r_[bounds, len(order)]
    for y, a, b in zip(ys.tolist(), bounds[:-1], bounds[1:]):
        sel = order[a:b]
        oi, pi_ = r[sel], pr[sel]
        orgs = unique_values(oi)
        new = int((first[orgs] == y).sum())
        pu, pi = np.unique(pi_, return_inverse=True)
        B = sp.csr_matrix((np.ones(len(oi)), (oi, pi.ravel())), shape=(n, len(pu)))
        C = sp.triu(B @ B.T, k=1).tocoo()
        keys = C.row.astype(np.int64) * n + C.col
        per_year.append((int(y), len(orgs), new, keys))
    # a tie is new in the first year its pair appears (pairs are unique within a year)
    years = np.concatenate([np.full(len(k), y) for y, _, _, k in per_year]) if per_year else np.zeros(0)
    keys = np.concatenate([k for *_, k in per_year]) if per_year else np.zeros(0, np.int64)
    order = np.lexsort((years, keys))
    ks = keys[order]
    first_of_key = np.r_[True, ks[1:] != ks[:-1]] if len(ks) else np.zeros(0, bool)
    first_years = years[order][first_of_key]
    for y, n_orgs, new, k in per_year:
        new_ties = int((first_years == y).sum())
        rows.append({"year": y, "participants": int(n_orgs), "newcomers": new,
                     "newcomer_share": new / n_orgs if n_orgs else np.nan,
                     "ties": int(len(k)), "new_ties": new_ties,
                     "new_tie_share": new_ties / len(k) if len(k) else np.nan})
    out = pd.DataFrame(rows).set_index("year") if rows else pd.DataFrame(
        columns=["participants", "newcomers", "newcomer_share", "ties", "new_ties", "new_tie_share"])
    out.attrs["params"] = {"participations_without_year": missing,
                           "note": "the first year of the data has only newcomers by definition"}
    return out
