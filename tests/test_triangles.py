"""The one pass over the triangles (netcluster._triangles) against brute force: every triple
of nodes looked at, with networkx's triangle counts as a second oracle."""

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from netcluster._triangles import CLOSED_ROLES, triangles


def _role(ga, gv, gc):
    """Gould–Fernandez role of broker v between a and c (undirected: gatekeeper covers
    representative)."""
    if ga == gv == gc:
        return "coordinator"
    if ga == gc:
        return "itinerant"
    if gv in (ga, gc):
        return "gatekeeper"
    return "liaison"


def _brute_force(W, scale, groups):
    n = W.shape[0]
    D = W.toarray()
    np.fill_diagonal(D, 0)
    per_node = np.zeros(n, dtype=np.int64)
    closed = {r: np.zeros(n, dtype=np.int64) for r in CLOSED_ROLES}
    indirect = {}
    for i, j in zip(*np.nonzero(np.triu(D, 1))):
        indirect[(i, j)] = sum(D[i, q] * D[q, j] * scale[q] for q in range(n) if q not in (i, j))
    for a, b, c in itertools.combinations(range(n), 3):
        if D[a, b] and D[a, c] and D[b, c]:
            for v, x, y in ((a, b, c), (b, a, c), (c, a, b)):
                per_node[v] += 1
                closed[_role(groups[x], groups[v], groups[y])][v] += 1
    return per_node, closed, indirect


@st.composite
def weighted_graphs(draw):
    n = draw(st.integers(1, 12))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
    weights = draw(st.lists(st.integers(1, 5), min_size=len(chosen), max_size=len(chosen)))
    groups = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    loops = draw(st.booleans())
    rows = [i for i, _ in chosen] + [j for _, j in chosen] + ([0] if loops else [])
    cols = [j for _, j in chosen] + [i for i, _ in chosen] + ([0] if loops else [])
    data = list(weights) * 2 + ([7.0] if loops else [])
    W = sp.csr_matrix((np.asarray(data, dtype=float), (rows, cols)), shape=(n, n))
    return W, np.asarray(groups)


@settings(max_examples=150, deadline=None)
@given(weighted_graphs())
def test_triangles_equal_brute_force(case):
    W, groups = case
    n = W.shape[0]
    scale = 1.0 / (1.0 + np.arange(n))
    t = triangles(W, scale=scale, groups=groups)
    per_node, closed, indirect = _brute_force(W, scale, groups)
    assert t.per_node.tolist() == per_node.tolist()
    for k, role in enumerate(CLOSED_ROLES):
        assert t.closed[:, k].tolist() == closed[role].tolist(), role
    got = {(int(i), int(j)): v for i, j, v in zip(t.tie_rows, t.tie_cols, t.indirect)}
    assert got.keys() == indirect.keys()
    for key, v in indirect.items():
        assert got[key] == pytest.approx(v, abs=1e-12)
    assert t.tie_weights.tolist() == [W[i, j] for i, j in zip(t.tie_rows, t.tie_cols)]


def test_triangles_equal_networkx_on_a_network_with_hubs():
    """A power-law network (hubs of hundreds of partners): per-node triangles as networkx
    counts them; without groups no closed pairs are reported."""
    g = nx.powerlaw_cluster_graph(3000, 8, 0.4, seed=3)
    A = nx.to_scipy_sparse_array(g, nodelist=range(3000), format="csr")
    t = triangles(A)
    want = nx.triangles(g)
    assert t.per_node.tolist() == [want[v] for v in range(3000)]
    assert t.closed is None
    assert int(t.per_node.sum()) == sum(want.values())  # each triangle at its three corners


def test_triangles_of_an_empty_network():
    t = triangles(sp.csr_matrix((4, 4)), groups=np.zeros(4, dtype=int))
    assert t.per_node.tolist() == [0, 0, 0, 0] and t.closed.sum() == 0 and len(t.indirect) == 0
