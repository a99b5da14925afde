r"""Cross-region linkage: region × region matrices, observed/expected ratios, the share of
cross-region ties, assortativity.

Matrix convention (symmetric "tie ends" matrix *A*): for regions :math:`r\ne s`,
:math:`A_{rs}` = ties between *r* and *s*; the diagonal :math:`A_{rr}` = 2 × ties inside *r*,
so that row sums are the regions' tie ends (sum of their members' degrees) and
:math:`\sum_{rs} A_{rs} = 2T`.  Expected values from the margins:
:math:`E_{rs} = A_{r\cdot}A_{\cdot s}/A_{\cdot\cdot}`; ratio :math:`A_{rs}/E_{rs}` (> 1: more
linkage than the regions' sizes predict).  ``ties`` (plain counts, diagonal = internal ties)
are also returned, so that :math:`\sum_{r\le s}` ties = *T*.

References
----------
M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E 67, 026126 (2003) — assortativity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._sorting import unique_values
from .groups import TOTAL, AlignedGroups, group_codes, participation_group_codes

__all__ = ["region_matrix", "cross_region_share", "assortativity", "shared_projects_matrix"]


def region_matrix(projection, groups, *, dataset=None) -> pd.DataFrame:
    """Long table of region pairs (r ≤ s): ties, weight, shared projects, expected, ratio.

    Parameters
    ----------
    projection : Projection
    groups : Series or AlignedGroups
        ``org_id`` → region (province or wide region, or any other grouping), or the same
        coded for the projection's labels (:class:`netcluster.groups.AlignedGroups`, made
        with its ``series`` when ``dataset`` is given).
    dataset : ClusterDataset, optional
        When given, ``shared_projects`` counts projects with participants from both regions
        (for r = s: projects with at least two participants from r).
    """
    r, c, w, _ = projection.tie_arrays()
    code, regions, _ = group_codes(projection.labels, groups)
    series = groups.series if isinstance(groups, AlignedGroups) else groups
    if dataset is not None and series is None:
        raise ValueError("region_matrix with a dataset needs the grouping by org_id: "
                         "AlignedGroups.of(labels, series) or the Series itself")
    known = (code[r] >= 0) & (code[c] >= 0)
    a, b = code[r[known]], code[c[known]]
    k = len(regions)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    ties = np.zeros((k, k))
    weight = np.zeros((k, k))
    np.add.at(ties, (lo, hi), 1)
    np.add.at(weight, (lo, hi), w[known])
    ends = ties + ties.T  # diagonal doubled
    total = ends.sum()
    row = ends.sum(axis=1)
    expected = np.outer(row, row) / total if total > 0 else np.full((k, k), np.nan)
    iu = np.triu_indices(k)
    out = pd.DataFrame({"region_a": [regions[i] for i in iu[0]], "region_b": [regions[j] for j in iu[1]],
                        "ties": ties[iu], "weight": weight[iu],
                        "tie_ends": ends[iu], "expected_tie_ends": expected[iu]})
    with np.errstate(divide="ignore", invalid="ignore"):
        out["obs_exp_ratio"] = out["tie_ends"] / out["expected_tie_ends"]
    if dataset is not None:
        sp_ = shared_projects_matrix(dataset, series)
        ia = sp_.index.get_indexer(pd.Index(out["region_a"], dtype=object))
        ib = sp_.columns.get_indexer(pd.Index(out["region_b"], dtype=object))
        both = (ia >= 0) & (ib >= 0)  # a region with no project of its own shares none
        out["shared_projects"] = np.where(both, sp_.to_numpy()[np.maximum(ia, 0), np.maximum(ib, 0)],
                                          0).astype(np.int64)
    out["ties"] = out["ties"].astype(np.int64)
    out.attrs["params"] = {"weighting": projection.params.get("weighting"),
                           "ties_unknown_region": int((~known).sum()),
                           "convention": "tie_ends diagonal = 2 x internal ties"}
    return out


def to_square(long: pd.DataFrame, value: str = "ties") -> pd.DataFrame:
    """Square symmetric matrix from :func:`region_matrix` output."""
    # each distinct region once (a long table of many regions has ~n²/2 rows)
    codes, uniq = pd.factorize(pd.concat([long["region_a"], long["region_b"]], ignore_index=True).astype(object),
                               use_na_sentinel=False)
    order = sorted(range(len(uniq)), key=lambda i: str(uniq[i]))
    regions = [uniq[i] for i in order]
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    ia, ib = rank[codes[:len(long)]], rank[codes[len(long):]]
    m = np.zeros((len(regions), len(regions)))
    v = long[value].to_numpy(dtype=float)
    m[ia, ib] = v  # each unordered pair once in the long table: no assignment overwrites another
    m[ib, ia] = v
    return pd.DataFrame(m, index=regions, columns=regions)


def shared_projects_matrix(dataset, groups: pd.Series) -> pd.DataFrame:
    """Projects with participants from both regions (diagonal: ≥ 2 participants from the region)."""
    pr, g, guniq = participation_group_codes(dataset, groups)
    known = (pr >= 0) & (g >= 0)
    G = max(len(guniq), 1)
    pairs, n = np.unique(pr[known].astype(np.int64) * G + g[known], return_counts=True)
    pp, pg = pairs // G, pairs % G  # distinct (project, group) and participants of the group in it
    present = unique_values(pg)
    regions = sorted((guniq[i] for i in present), key=str)
    col = np.full(G, -1, dtype=np.int64)
    col[present] = [regions.index(guniq[i]) for i in present]
    pi = np.unique(pp, return_inverse=True)[1].ravel() if len(pp) else np.zeros(0, np.int64)
    P = sp.csr_matrix((np.ones(len(pairs)), (pi, col[pg])),
                      shape=(int(pi.max()) + 1 if len(pi) else 0, len(regions)))
    M = (P.T @ P).toarray()
    np.fill_diagonal(M, np.bincount(col[pg][n >= 2], minlength=len(regions)))
    return pd.DataFrame(M.astype(np.int64), index=regions, columns=regions)


def cross_region_share(projection, groups: pd.Series, *, weighted: bool = False) -> pd.DataFrame:
    """Share of ties that cross regions, overall (row ``(all)``) and per region.

    Per region: ties with at least one end in the region; ``cross`` those whose other end is
    in another region; ``cross_share`` = cross / ties (range [0, 1]).
    """
    r, c, w_all, _ = projection.tie_arrays()
    code, regions, _ = group_codes(projection.labels, groups)
    known = (code[r] >= 0) & (code[c] >= 0)
    cr, cc = code[r[known]], code[c[known]]
    w = w_all[known] if weighted else np.ones(len(cr))
    ext = cr != cc
    G = len(regions)
    present = (np.bincount(cr, minlength=G) + np.bincount(cc[ext], minlength=G)) > 0
    tot = np.bincount(cr, weights=w, minlength=G) + np.bincount(cc[ext], weights=w[ext], minlength=G)
    cross = np.bincount(cr[ext], weights=w[ext], minlength=G) + np.bincount(cc[ext], weights=w[ext], minlength=G)
    # the groups, then the total (built at once: enlarging a frame by .loc costs more than the rest)
    out = pd.DataFrame({"ties": np.append(tot[present], w.sum()).astype(float),
                        "cross": np.append(cross[present], w[ext].sum()).astype(float)},
                       index=pd.Index(pd.array([regions[i] for i in np.flatnonzero(present)] + [TOTAL], dtype=object)))
    out["cross_share"] = (out["cross"] / out["ties"]).where(out["ties"] > 0)
    out.index.name = "region"
    out.attrs["params"] = {"weighted": weighted, "ties_unknown_region": int((~known).sum())}
    return out


def assortativity(projection, groups: pd.Series) -> float:
    """Newman's nominal assortativity coefficient of the grouping (range [−1, 1]);
    organisations without a group are left out; ties unweighted.

    M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E 67 (2003) 026126.
    """
    r, c, _, _ = projection.tie_arrays()
    code, uniq, _ = group_codes(projection.labels, groups)
    known = (code[r] >= 0) & (code[c] >= 0)
    m = int(known.sum())
    if m == 0:
        return float("nan")
    cr, cc = code[r[known]], code[c[known]]
    G = len(uniq)
    # fraction of tie ends: e_ii = internal_i / m, a_i = ends_i / 2m (Newman 2003, eq. 2)
    e_ii = np.bincount(cr[cr == cc], minlength=G) / m
    a = (np.bincount(cr, minlength=G) + np.bincount(cc, minlength=G)) / (2 * m)
    den = 1.0 - float((a ** 2).sum())
    return float((e_ii.sum() - (a ** 2).sum()) / den) if den > 0 else float("nan")
