r"""Every triangle of an undirected network, listed once — what brokerage needs of them.

Gould–Fernandez roles need, per organisation, its *closed* partner pairs by the groups of the
three; Burt's constraint needs, on each tie (i, j), the indirect term
:math:`\sum_q w_{iq} w_{qj} / s_q` over the common partners q; effective size needs each
organisation's triangles.  All three are sums over the triangles, so one pass over them
computes them.

The pass is the *compact-forward* algorithm (Schank & Wagner 2005; Latapy 2008): nodes are
ranked by degree, each tie points from the lower to the higher rank, and for each node u and
each of its out-partners v the out-partners of v are looked up among u's (marked in an array).
The work is the sum over ties u→v of v's out-degree — at most :math:`O(m^{3/2})` and on
networks with hubs far below the :math:`\sum_i d_i^2` that a product of the adjacency matrix
with itself costs (an EU framework-programme network of 823k ties: 61 million look-ups
against 1.6 billion): a hub's thousands of partners are never paired up from the hub.

References
----------
- T. Schank, D. Wagner, "Finding, counting and listing all triangles in large graphs, an
  experimental study", WEA 2005, LNCS 3503.
- M. Latapy, "Main-memory triangle computations for very large (sparse (power-law)) graphs",
  Theoretical Computer Science 407 (2008).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ._compiled import compiled

__all__ = ["Triangles", "triangles"]

#: Columns of :attr:`Triangles.closed`: the closed partner pairs of each organisation by the
#: Gould–Fernandez role the pair would have if it were open.
CLOSED_ROLES = ("coordinator", "itinerant", "gatekeeper", "liaison")


@dataclass
class Triangles:
    """What :func:`triangles` computed.

    Attributes
    ----------
    per_node : ndarray of int64, shape (n,)
        Triangles through each node (= ties among its partners).
    tie_rows, tie_cols, tie_weights : ndarray, shape (m,)
        The ties (i < j) of the upper triangle, in CSR order, and their weights.
    indirect : ndarray of float, shape (m,)
        Per tie (i, j): :math:`\\sum_q w_{iq} w_{qj} s_q^{-1}` over the common partners q
        (``weights`` and ``scale`` as given; 0 without common partners).
    closed : ndarray of int64, shape (n, 4) or None
        With ``groups``: per node, its closed partner pairs (a triangle it is in) by the
        role the pair would have if open — columns :data:`CLOSED_ROLES`.
    """

    per_node: np.ndarray
    tie_rows: np.ndarray
    tie_cols: np.ndarray
    tie_weights: np.ndarray
    indirect: np.ndarray
    closed: np.ndarray | None


def triangles(A, *, scale: np.ndarray | None = None, groups: np.ndarray | None = None) -> Triangles:
    """One pass over every triangle of the undirected network ``A``.

    Parameters
    ----------
    A : sparse matrix, shape (n, n)
        Symmetric; its values are the tie weights :math:`w` of :attr:`Triangles.indirect`.
        The diagonal is ignored.
    scale : ndarray, shape (n,), optional
        :math:`s_q^{-1}` of the indirect term (default 1).
    groups : ndarray of int, shape (n,), optional
        Group code of each node (all known, ≥ 0): then the closed pairs by role.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> K4 = sp.csr_matrix(np.ones((4, 4)) - np.eye(4))
    >>> triangles(K4).per_node.tolist()
    [3, 3, 3, 3]
    >>> triangles(K4, groups=np.array([0, 0, 1, 1])).closed[0].tolist()  # coordinator, itinerant, gatekeeper, liaison
    [0, 1, 2, 0]
    """
    A = sp.csr_matrix(A)
    n = A.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(A.indptr))
    cols = A.indices.astype(np.int64)
    up = rows < cols
    r, c, w = rows[up], cols[up], np.asarray(A.data, dtype=float)[up]
    deg = np.bincount(r, minlength=n) + np.bincount(c, minlength=n)
    # nodes renumbered by rank (degree, then node number), each tie pointing to its
    # higher-ranked end, the ties stored by (lower, higher) end: the pass then reads the
    # partner lists and the tie arrays nearly in order (2-3x faster than in node order)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), deg))] = np.arange(n)
    rr, rc = rank[r], rank[c]
    lo, hi = np.minimum(rr, rc), np.maximum(rr, rc)
    order = np.lexsort((hi, lo))
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(lo, minlength=n), out=out_ptr[1:])
    inv_s = np.ones(n) if scale is None else np.asarray(scale, dtype=float)
    with_groups = groups is not None
    g = np.asarray(groups, dtype=np.int64) if with_groups else np.zeros(n, dtype=np.int64)
    internal = (g[r] == g[c]).astype(np.int8)
    by_rank = np.empty(n, dtype=np.int64)
    by_rank[rank] = np.arange(n)
    per_node = np.zeros(n, dtype=np.int64)
    indirect = np.zeros(len(r))
    closed = np.zeros((n, 4), dtype=np.int64)
    _forward(n, out_ptr, hi[order], w[order], inv_s[by_rank], internal[order], per_node, indirect, closed)
    tie_indirect = np.empty(len(r))
    tie_indirect[order] = indirect
    return Triangles(per_node[rank], r, c, w, tie_indirect, closed[rank] if with_groups else None)


@compiled
def _forward(n, out_ptr, out_nbr, w, inv_s, internal, per_node, indirect, closed):  # pragma: no cover
    """The compact-forward pass (see the module's text) on nodes numbered by rank; tie p is
    ``out_nbr[p]``'s entry in its lower end's list.  ``closed`` columns: coordinator (the three
    ties internal), itinerant, gatekeeper, liaison (no tie internal); a triangle has 0, 1 or 3
    internal ties (two force the third): with one, its ends' pair is closed gatekeeper
    brokerage and the third node's an itinerant one."""
    mark = np.full(n, -1, dtype=np.int64)
    for u in range(n):
        for p in range(out_ptr[u], out_ptr[u + 1]):
            mark[out_nbr[p]] = p
        for uv in range(out_ptr[u], out_ptr[u + 1]):
            v = out_nbr[uv]
            for vx in range(out_ptr[v], out_ptr[v + 1]):
                x = out_nbr[vx]
                ux = mark[x]
                if ux < 0:
                    continue
                per_node[u] += 1
                per_node[v] += 1
                per_node[x] += 1
                indirect[uv] += w[ux] * w[vx] * inv_s[x]
                indirect[ux] += w[uv] * w[vx] * inv_s[v]
                indirect[vx] += w[uv] * w[ux] * inv_s[u]
                k = internal[uv] + internal[ux] + internal[vx]
                if k == 3:
                    closed[u, 0] += 1
                    closed[v, 0] += 1
                    closed[x, 0] += 1
                elif k == 0:
                    closed[u, 3] += 1
                    closed[v, 3] += 1
                    closed[x, 3] += 1
                elif internal[uv]:
                    closed[u, 2] += 1
                    closed[v, 2] += 1
                    closed[x, 1] += 1
                elif internal[ux]:
                    closed[u, 2] += 1
                    closed[x, 2] += 1
                    closed[v, 1] += 1
                else:
                    closed[v, 2] += 1
                    closed[x, 2] += 1
                    closed[u, 1] += 1
        for p in range(out_ptr[u], out_ptr[u + 1]):
            mark[out_nbr[p]] = -1
