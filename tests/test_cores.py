"""Coreness by the compiled Batagelj–Zaversnik pass (netcluster._cores) against networkx's
core_number and igraph's coreness, on whole graphs and on the ties a mask keeps."""

import igraph as ig
import networkx as nx
import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from netcluster._cores import coreness


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 30), st.floats(0.0, 0.6), st.integers(0, 10_000), st.floats(0.0, 1.0))
def test_coreness_equals_networkx_on_graphs_and_masked_ties(n, p, seed, share_kept):
    g = nx.gnp_random_graph(n, p, seed=seed)
    A = nx.to_scipy_sparse_array(g, nodelist=range(n), format="csr")
    assert coreness(A).tolist() == [nx.core_number(g)[v] for v in range(n)]
    # keep a random subset of the ties (both directions of a tie together)
    rng = np.random.default_rng(seed)
    kept_ties = {e for e in g.edges if rng.random() < share_kept}
    rows = np.repeat(np.arange(n), np.diff(A.indptr))
    keep = np.array([(min(u, v), max(u, v)) in kept_ties for u, v in zip(rows, A.indices)], dtype=bool)
    h = nx.Graph()
    h.add_nodes_from(range(n))
    h.add_edges_from(kept_ties)
    assert coreness(A, keep).tolist() == [nx.core_number(h)[v] for v in range(n)]


def test_coreness_equals_igraph_on_a_network_with_hubs_and_a_loop():
    G = nx.powerlaw_cluster_graph(4000, 6, 0.3, seed=5)
    A = nx.to_scipy_sparse_array(G, nodelist=range(4000), format="csr").tolil()
    A[7, 7] = 1  # a self-loop is not a tie
    A = A.tocsr()
    r, c = sp.triu(A, k=1).nonzero()
    ref = ig.Graph(n=4000, edges=list(zip(r.tolist(), c.tolist()))).coreness()
    assert coreness(A).tolist() == ref
