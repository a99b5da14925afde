"""Graph core: projections against hand-computed values and networkx."""

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms import bipartite

import netcluster as nc
from netcluster.graph import BipartiteNetwork, year_slices

# a in P1,P2; b in P1,P2; c in P1,P3; d in P3,P4
EDGES = [("a", "P1"), ("b", "P1"), ("c", "P1"), ("a", "P2"), ("b", "P2"), ("c", "P3"),
         ("d", "P3"), ("d", "P4")]
HAND = {
    "binary": {("a", "b"): 1, ("a", "c"): 1, ("b", "c"): 1, ("c", "d"): 1},
    "count": {("a", "b"): 2, ("a", "c"): 1, ("b", "c"): 1, ("c", "d"): 1},
    "newman": {("a", "b"): 1.5, ("a", "c"): 0.5, ("b", "c"): 0.5, ("c", "d"): 1.0},
    "jaccard": {("a", "b"): 1.0, ("a", "c"): 1 / 3, ("b", "c"): 1 / 3, ("c", "d"): 1 / 3},
    "association": {("a", "b"): 2.0, ("a", "c"): 1.0, ("b", "c"): 1.0, ("c", "d"): 1.0},
}


def net():
    o, p = zip(*EDGES)
    return BipartiteNetwork.from_edges(o, p)


@pytest.mark.parametrize("weighting", list(HAND))
def test_hand_made_projection(weighting):
    proj = net().project_organisations(weighting)
    t = proj.ties()
    got = {(s, d): w for s, d, w in zip(t["source"], t["target"], t["weight"])}
    assert got.keys() == HAND[weighting].keys()
    for k, v in HAND[weighting].items():
        assert got[k] == pytest.approx(v, abs=1e-12)
    assert dict(zip(zip(t["source"], t["target"]), t["shared_projects"])) == HAND["count"]
    m = proj.matrix
    assert (m != m.T).nnz == 0 and m.diagonal().sum() == 0


@pytest.mark.parametrize("m,n", [(1, 1), (2, 3), (4, 4), (5, 2)])
def test_complete_bipartite(m, n):
    g = nx.complete_bipartite_graph(m, n)
    orgs = [f"o{i}" for i in range(m)]
    projs = [f"p{j}" for j in range(n)]
    b = BipartiteNetwork.from_edges([orgs[i] for i in range(m) for _ in range(n)],
                                    [projs[j] for _ in range(m) for j in range(n)])
    assert b.B.nnz == g.number_of_edges()
    c = b.project_organisations("count")
    assert c.n_ties == m * (m - 1) // 2
    if m > 1:
        assert np.allclose(c.ties()["weight"], n)
        nw = b.project_organisations("newman").ties()["weight"]
        assert np.allclose(nw, n / (m - 1))
        assert np.allclose(b.project_organisations("jaccard").ties()["weight"], 1.0)
    pp = b.project_projects("count")
    assert pp.n_ties == n * (n - 1) // 2
    if n > 1:
        assert np.allclose(pp.ties()["weight"], m)


@pytest.mark.parametrize("seed", range(6))
def test_newman_equals_networkx(seed):
    g = bipartite.random_graph(25, 15, 0.2, seed=seed)
    orgs = [n for n, d in g.nodes(data=True) if d["bipartite"] == 0]
    for n in orgs:
        g.nodes[n]["bipartite"] = 0
    b = BipartiteNetwork.from_networkx(g)
    ours = b.project_organisations("newman", max_pairs=None)
    ref = bipartite.collaboration_weighted_projected_graph(g, orgs)
    t = ours.ties()
    got = {frozenset((s, d)): w for s, d, w in zip(t["source"], t["target"], t["weight"])}
    exp = {frozenset((u, v)): d["weight"] for u, v, d in ref.edges(data=True)}
    assert got.keys() == exp.keys()
    for k in exp:
        assert got[k] == pytest.approx(exp[k], abs=1e-12)
    # count weighting vs networkx weighted_projected_graph
    refc = bipartite.weighted_projected_graph(g, orgs)
    tc = b.project_organisations("count").ties()
    assert {frozenset((s, d)): w for s, d, w in zip(tc["source"], tc["target"], tc["weight"])} == \
        {frozenset((u, v)): d["weight"] for u, v, d in refc.edges(data=True)}


def test_newman_weights_sum_to_joint_projects():
    b = net()
    total = b.project_organisations("newman").matrix.sum() / 2
    sizes = b.project_sizes()
    assert total == pytest.approx((sizes[sizes >= 2] / 2).sum())


def test_davis_southern_women_round_trip():
    g = nx.davis_southern_women_graph()
    women = [n for n, d in g.nodes(data=True) if d["bipartite"] == 0]
    b = BipartiteNetwork.from_networkx(g)
    assert b.n_orgs == 18 and b.n_projects == 14 and b.B.nnz == 89
    back = b.to_networkx()
    assert nx.utils.graphs_equal(nx.Graph(back.edges()), nx.Graph(g.edges()))
    assert {n for n, d in back.nodes(data=True) if d["bipartite"] == 0} == set(women)
    ref = bipartite.weighted_projected_graph(g, women)
    proj = b.project_organisations("count")
    assert proj.n_ties == ref.number_of_edges()
    ig = b.to_igraph()
    assert ig.vcount() == 32 and ig.ecount() == 89 and sum(ig.vs["type"]) == 14


def test_projection_to_igraph_and_networkx_keep_labels():
    proj = net().project_organisations("newman")
    ig = proj.to_igraph()
    edges = {frozenset((ig.vs[e.source]["name"], ig.vs[e.target]["name"])): e["weight"] for e in ig.es}
    assert edges[frozenset(("a", "b"))] == 1.5
    g = proj.to_networkx()
    assert g["c"]["d"]["weight"] == 1.0 and g["a"]["b"]["shared_projects"] == 2


def test_min_weight_and_max_project_size():
    b = net()
    assert b.project_organisations("count", min_weight=2).n_ties == 1
    p = b.project_organisations("count", max_project_size=2)
    assert p.params["excluded_projects"] == ["P1"]
    t = p.ties()
    assert set(zip(t["source"], t["target"])) == {("a", "b"), ("c", "d")}


def test_resource_limit():
    b = BipartiteNetwork.from_edges([f"o{i}" for i in range(300)], ["P"] * 300)
    with pytest.raises(nc.ResourceLimitError, match="max_project_size"):
        b.project_organisations("count", max_pairs=10_000)
    assert b.project_organisations("count", max_project_size=100).n_ties == 0


def test_row_order_invariance(sample_dataset):
    part = sample_dataset.participations
    a = BipartiteNetwork.from_edges(part["org_id"], part["project_id"])
    shuffled = part.sample(frac=1, random_state=3)
    b = BipartiteNetwork.from_edges(shuffled["org_id"], shuffled["project_id"])
    assert (a.B != b.B).nnz == 0 and list(a.orgs) == list(b.orgs)


def test_year_slices(sample_dataset):
    yearly = year_slices(sample_dataset)
    assert list(yearly) == [str(y) for y in range(2005, 2015)]
    assert sum(n.n_projects for n in yearly.values()) == sample_dataset.projects["year"].notna().sum()
    windows = year_slices(sample_dataset, window=3, step=3)
    assert list(windows)[:2] == ["2005-2007", "2008-2010"]


def test_bipartite_graph_unsorted_duplicates_merge():
    b = BipartiteNetwork.from_edges(["x", "x", "y"], ["P", "P", "P"])
    assert b.B.nnz == 2 and b.B.max() == 1


def test_tie_arrays_of_unsorted_matrices():
    """tie_arrays sorts the ties by (row, col) whether the matrices' indices are sorted (the
    projection's: no sort needed) or not (a hand-made Projection): the same arrays."""
    import scipy.sparse as sp
    from netcluster.graph import Projection
    rng = np.random.default_rng(3)
    A = sp.random(40, 40, density=0.2, random_state=4, format="csr")
    A = A + A.T
    A.setdiag(0)
    A.eliminate_zeros()
    A.sort_indices()
    S = A.copy()
    S.data = np.ceil(S.data * 3)
    ref = Projection(A, S, np.arange(40).astype(str)).tie_arrays()
    # the same matrices with each row's entries shuffled (unsorted indices)
    U, V = A.copy(), S.copy()
    for M in (U, V):
        for i in range(M.shape[0]):
            a, b = M.indptr[i], M.indptr[i + 1]
            p = a + rng.permutation(b - a)
            M.indices[a:b], M.data[a:b] = M.indices[p].copy(), M.data[p].copy()
        M.has_sorted_indices = False
    got = Projection(U, V, np.arange(40).astype(str)).tie_arrays()
    up = sp.triu(A, k=1).tocoo()
    o = np.lexsort((up.col, up.row))
    assert np.array_equal(ref[0], up.row[o]) and np.array_equal(ref[1], up.col[o])
    for x, y in zip(ref, got):
        assert np.array_equal(x, y)


def test_impossible_brokerage_roles_have_no_z():
    """With two groups nobody can be a liaison: p = 0 exactly and z missing (issue 21: -2e-8)."""
    import pandas as pd
    from netcluster.brokerage import gould_fernandez
    net = BipartiteNetwork.from_edges(list("abbccd") + list("ae"), ["P", "P", "Q", "Q", "R", "R", "S", "S"])
    gf = gould_fernandez(net.project_organisations(), pd.Series(dict(a="X", b="X", c="Y", d="Y", e="X")))
    assert (gf["liaison"] == 0).all() and (gf["expected_liaison"] == 0).all() and gf["z_liaison"].isna().all()
    assert gf["z_gatekeeper"].notna().any()
