"""Coreness of every node (the largest k of a k-core holding it), on a CSR adjacency, optionally
on the ties a mask keeps — so that the networks before successive years are read from one
matrix instead of being rebuilt.

Batagelj & Zaversnik's O(m) algorithm: nodes in buckets by degree, taken lowest first; taking
a node lowers the degree of its partners still in higher buckets.

Reference: V. Batagelj, M. Zaversnik, "An O(m) algorithm for cores decomposition of networks",
arXiv cs/0310049 (2003).
"""

from __future__ import annotations

import numpy as np

from ._compiled import compiled

__all__ = ["coreness"]


def coreness(A, keep: np.ndarray | None = None) -> np.ndarray:
    """Coreness of each node of the symmetric CSR matrix ``A`` (stored entries are ties; the
    diagonal is ignored), on the entries where ``keep`` (one flag per stored entry, the same for
    both directions of a tie) is True.  0 for a node without a tie.

    >>> import scipy.sparse as sp
    >>> A = sp.csr_matrix(np.array([[0, 1, 1, 0], [1, 0, 1, 1], [1, 1, 0, 0], [0, 1, 0, 0]]))
    >>> coreness(A).tolist()   # triangle a-b-c, d hangs on b
    [2, 2, 2, 1]
    """
    n = A.shape[0]
    indptr = np.asarray(A.indptr, dtype=np.int64)
    indices = np.asarray(A.indices, dtype=np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    use = rows != indices
    if keep is not None:
        use &= np.asarray(keep, dtype=bool)
    return _batagelj_zaversnik(n, indptr, indices, use)


@compiled
def _batagelj_zaversnik(n, indptr, indices, use):  # pragma: no cover (compiled)
    deg = np.zeros(n, dtype=np.int64)
    for v in range(n):
        for p in range(indptr[v], indptr[v + 1]):
            if use[p]:
                deg[v] += 1
    md = 0
    for v in range(n):
        if deg[v] > md:
            md = deg[v]
    bins = np.zeros(md + 1, dtype=np.int64)
    for v in range(n):
        bins[deg[v]] += 1
    start = 0
    for d in range(md + 1):  # bins[d]: where the nodes of degree d start
        count = bins[d]
        bins[d] = start
        start += count
    pos = np.empty(n, dtype=np.int64)
    vert = np.empty(n, dtype=np.int64)
    for v in range(n):
        pos[v] = bins[deg[v]]
        vert[pos[v]] = v
        bins[deg[v]] += 1
    for d in range(md, 0, -1):
        bins[d] = bins[d - 1]
    if md >= 0:
        bins[0] = 0
    for i in range(n):
        v = vert[i]
        for p in range(indptr[v], indptr[v + 1]):
            if not use[p]:
                continue
            u = indices[p]
            if deg[u] > deg[v]:
                du = deg[u]
                pu = pos[u]
                pw = bins[du]
                w = vert[pw]
                if u != w:  # u to the front of its bucket, then the bucket starts one later
                    pos[u] = pw
                    vert[pu] = w
                    pos[w] = pu
                    vert[pw] = u
                bins[du] += 1
                deg[u] -= 1
    return deg
