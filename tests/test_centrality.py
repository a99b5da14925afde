"""Centrality: igraph-based results against networkx (1e-9) and published two-mode values."""
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from networkx.algorithms import bipartite

from netcluster.centrality import bipartite_centrality, centrality
from netcluster.graph import BipartiteNetwork


def random_network(seed, n_orgs=40, n_proj=25, p=0.12):
    g = bipartite.random_graph(n_orgs, n_proj, p, seed=seed)
    src, dst = [], []
    for u, v in g.edges():
        a, b = (u, v) if u < n_orgs else (v, u)
        src.append(f"o{a:03d}")
        dst.append(f"p{b:03d}")
    return BipartiteNetwork.from_edges(src, dst)


def nx_graph(proj):
    from netcluster.centrality import _lengths
    g = proj.to_networkx()
    for u, v, d in g.edges(data=True):
        d["dist"] = float(_lengths([d["weight"]])[0])
    return g


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("weighting", ["count", "newman"])
def test_against_networkx(seed, weighting):
    proj = random_network(seed).project_organisations(weighting)
    c = centrality(proj)
    g = nx_graph(proj)
    n = g.number_of_nodes()
    nodes = list(c.index)
    deg = dict(g.degree())
    strength = dict(g.degree(weight="weight"))
    bet = nx.betweenness_centrality(g, normalized=True)
    bet_w = nx.betweenness_centrality(g, normalized=True, weight="dist")
    har = nx.harmonic_centrality(g)
    har_w = nx.harmonic_centrality(g, distance="dist")
    for k in nodes:
        assert c.loc[k, "degree"] == deg[k]
        assert c.loc[k, "strength"] == pytest.approx(strength[k], abs=1e-9)
        assert c.loc[k, "betweenness"] == pytest.approx(bet[k], abs=1e-9)
        assert c.loc[k, "betweenness_w"] == pytest.approx(bet_w[k], abs=1e-9)
        assert c.loc[k, "closeness"] == pytest.approx(har[k] / (n - 1), abs=1e-9)
        assert c.loc[k, "closeness_w"] == pytest.approx(har_w[k] / (n - 1), abs=1e-9)
    # PageRank: exact oracle from networkx's Google matrix
    for col, weight in (("pagerank", None), ("pagerank_w", "weight")):
        G = nx.google_matrix(g, alpha=0.85, nodelist=nodes, weight=weight)
        vals, vecs = np.linalg.eig(G.T)
        v = np.real(vecs[:, np.argmax(np.real(vals))])
        v = v / v.sum()
        assert np.allclose(c[col].to_numpy(), v, atol=1e-9)


def test_eigenvector_on_connected_graph():
    g0 = nx.karate_club_graph()
    src = [f"o{u:02d}" for u, v in g0.edges() for _ in (0,)] + [f"o{v:02d}" for u, v in g0.edges()]
    dst = [f"e{i:03d}" for i in range(g0.number_of_edges())] * 2
    proj = BipartiteNetwork.from_edges(src, dst).project_organisations("count")
    c = centrality(proj)
    ev = nx.eigenvector_centrality_numpy(proj.to_networkx())
    ref = pd.Series(ev) / max(ev.values())
    assert np.allclose(c["eigenvector"].to_numpy(), ref.reindex(c.index).to_numpy(), atol=1e-9)


def test_sampled_betweenness_all_sources_is_exact():
    proj = random_network(7, 60, 40).project_organisations("count")
    exact = centrality(proj, weighted=False)["betweenness"]
    s = centrality(proj, weighted=False, exact_max_nodes=10, samples=proj.n_nodes, seed=1)
    assert s.attrs["params"]["betweenness"] == "sampled"
    assert np.allclose(s["betweenness"], exact, atol=1e-12)
    ex = centrality(proj, weighted=False)
    assert np.allclose(s["closeness"], ex["closeness"], atol=1e-12)  # all sources = exact


def test_sampled_betweenness_error_estimate_is_honest():
    proj = random_network(8, 300, 150, 0.02).project_organisations("count")
    exact = centrality(proj, weighted=False)["betweenness"]
    s = centrality(proj, weighted=False, exact_max_nodes=10, samples=100, seed=3)
    err = (s["betweenness"] - exact).abs()
    # most errors fall within 3 standard errors
    assert (err <= 3 * s["betweenness_se"] + 1e-12).mean() > 0.9
    again = centrality(proj, weighted=False, exact_max_nodes=10, samples=100, seed=3)
    assert again["betweenness"].equals(s["betweenness"])  # seeded


# Borgatti & Everett (1997), Davis Southern Women, published two-mode values (2 decimals)
PUBLISHED = {
    "degree": {"E8": 0.78, "E7": 0.56, "E3": 0.33, "Evelyn Jefferson": 0.57,
               "Nora Fayette": 0.57, "Olivia Carleton": 0.14, "Ruth DeSand": 0.29},
    "betweenness": {"E8": 0.24, "E7": 0.13, "E3": 0.02, "Evelyn Jefferson": 0.10,
                    "Nora Fayette": 0.11, "Olivia Carleton": 0.01, "Ruth DeSand": 0.02},
    "closeness": {"E8": 0.85, "E7": 0.73, "E3": 0.56, "Evelyn Jefferson": 0.80,
                  "Nora Fayette": 0.80, "Olivia Carleton": 0.59, "Ruth DeSand": 0.71},
}


@pytest.mark.parametrize("measure", list(PUBLISHED))
def test_davis_two_mode_published(measure):
    g = nx.davis_southern_women_graph()
    c = bipartite_centrality(BipartiteNetwork.from_networkx(g))
    for node, value in PUBLISHED[measure].items():
        assert c.loc[node, measure] == pytest.approx(value, abs=1e-2)


def test_davis_two_mode_equals_networkx():
    g = nx.davis_southern_women_graph()
    women = [n for n, d in g.nodes(data=True) if d["bipartite"] == 0]
    c = bipartite_centrality(BipartiteNetwork.from_networkx(g))
    for fn, col in ((bipartite.degree_centrality, "degree"), (bipartite.closeness_centrality, "closeness"),
                    (bipartite.betweenness_centrality, "betweenness")):
        ref = fn(g, women)
        for k, v in ref.items():
            assert c.loc[k, col] == pytest.approx(v, abs=1e-9)


def test_contract_ranges(sample_dataset):
    proj = BipartiteNetwork.from_dataset(sample_dataset).project_organisations("newman")
    c = centrality(proj)
    for col in ["betweenness", "closeness", "eigenvector", "betweenness_w"]:
        assert c[col].between(0, 1 + 1e-12).all(), col
    assert c["pagerank"].sum() == pytest.approx(1.0)
    assert list(c.index) == list(proj.labels)


def test_pagerank_power_with_isolated_organisations_vs_google_matrix():
    # "z" only in a single-participant project: isolated (dangling) in the projection
    net = BipartiteNetwork.from_edges(list("abbcdcz"), ["P1", "P1", "P2", "P2", "P3", "P3", "P4"])
    proj = net.project_organisations("count")
    c = centrality(proj)
    assert c.loc["z", "degree"] == 0
    g = proj.to_networkx()
    nodes = list(c.index)
    for col, weight in (("pagerank", None), ("pagerank_w", "weight")):
        G = nx.google_matrix(g, alpha=0.85, nodelist=nodes, weight=weight)
        vals, vecs = np.linalg.eig(G.T)
        v = np.real(vecs[:, np.argmax(np.real(vals))])
        assert np.allclose(c[col].to_numpy(), v / v.sum(), atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_level_synchronous_brandes_equals_igraph_subset_betweenness(seed):
    """The matrix-level BFS (all sampled sources at once) against igraph's subset betweenness
    and igraph's distances from the same sources, on a sparse graph with several components,
    isolated organisations and many equal-length paths."""
    from netcluster.centrality import (_sampled_betweenness, _sampled_harmonic,
                                       _sampled_paths_unweighted)
    proj = random_network(20 + seed, 400, 300, 0.006).project_organisations("count")
    g = proj.to_igraph()
    assert len(g.connected_components()) > 3 and min(g.degree()) == 0
    for k in (7, 64):
        b, se, h = _sampled_paths_unweighted(proj, k, seed)
        b_ig, se_ig = _sampled_betweenness(g, None, k, seed)
        assert np.allclose(b, b_ig, rtol=1e-12, atol=1e-9) and b.max() > 0
        assert np.allclose(se, se_ig, rtol=1e-9, atol=1e-9)
        assert np.allclose(h, _sampled_harmonic(g, None, k, seed), rtol=1e-12, atol=1e-15)


def _level_synchronous_brandes(A, sources):
    """Oracle: the level-synchronous formulation (every BFS level and every back-propagation
    level one product A @ X over all sources at once, n x k dense), as netcluster computed it
    before the compiled search."""
    n, k = A.shape[0], len(sources)
    depth = np.full((n, k), -1)
    sigma = np.zeros((n, k))
    cols = np.arange(k)
    depth[sources, cols], sigma[sources, cols] = 0, 1.0
    levels = [depth == 0]
    while True:
        reach = A @ np.where(levels[-1], sigma, 0.0)
        new = (reach > 0) & (depth < 0)
        if not new.any():
            break
        depth[new], sigma[new] = len(levels), reach[new]
        levels.append(new)
    delta = np.zeros((n, k))
    for lev in range(len(levels) - 1, 1, -1):
        at, prev = levels[lev], levels[lev - 1]
        back = A @ np.where(at, (1.0 + delta) / np.where(at, sigma, 1.0), 0.0)
        delta[prev] += sigma[prev] * back[prev]
    inv = np.where(depth > 0, 1.0 / np.maximum(depth, 1), 0.0)
    return delta, inv


@pytest.mark.parametrize("seed", [20, 21])
def test_compiled_search_equals_level_synchronous_products_bit_for_bit(seed):
    """Each source's breadth-first search (numba) gives the same floats as the level-by-level
    sparse products (oracle above) — dependencies per source and summed, harmonic sums — on a
    random projection with several components, isolated organisations and many equal-length
    paths; the dependencies also match igraph's betweenness from each source."""
    import scipy.sparse as sp
    from netcluster import centrality as C
    proj = random_network(seed, 400, 300, 0.006).project_organisations("count")
    r, c, _, _ = proj.tie_arrays()
    n = proj.n_nodes
    A = sp.csr_matrix((np.ones(2 * len(r)), (np.concatenate([r, c]), np.concatenate([c, r]))), shape=(n, n))
    sources = C._sampled_sources(n, 40, 3)
    dep, inv_sum = C._brandes_unweighted(A, sources, per_source=True)
    want_dep, want_inv = _level_synchronous_brandes(A, sources)
    assert dep.max() > 0 and len(proj.to_igraph().connected_components()) > 1
    assert np.array_equal(dep, want_dep) and np.array_equal(inv_sum, want_inv.sum(axis=1))
    total, inv_total = C._brandes_unweighted(A, sources)
    assert np.array_equal(total, want_dep.sum(axis=1)) and np.array_equal(inv_total, inv_sum)
    g = proj.to_igraph()
    for j in (0, 17):  # igraph counts each undirected pair once: half of Brandes' δ_s
        assert np.allclose(dep[:, j] / 2, g.betweenness(sources=[int(sources[j])], directed=False), rtol=1e-12)


@pytest.mark.parametrize("seed", [20, 21])
def test_linear_dependencies_against_shortest_path_enumeration_and_igraph(seed):
    """Linearly scaled dependencies (Geisberger, Sanders & Schultes 2008) from one source equal
    the definition summed by enumeration — Σ_t σ_st(v)/σ_st · d(s, v)/d(s, t) over networkx's
    shortest paths — and summed over every source they are igraph's betweenness (each unordered
    pair once), on a random projection with several components and isolated organisations."""
    import scipy.sparse as sp
    from netcluster import centrality as C
    proj = random_network(seed, 120, 90, 0.02).project_organisations("count")
    r, c, _, _ = proj.tie_arrays()
    n = proj.n_nodes
    A = sp.csr_matrix((np.ones(2 * len(r)), (np.concatenate([r, c]), np.concatenate([c, r]))), shape=(n, n))
    g = proj.to_igraph()
    assert len(g.connected_components()) > 1 and min(g.degree()) == 0
    every = C._linear_dependencies(A, np.arange(n))
    assert np.allclose(every.sum(axis=1), g.betweenness(directed=False), rtol=1e-12, atol=1e-9)
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(r.tolist(), c.tolist()))
    for s in C._sampled_sources(n, 6, seed):
        s = int(s)
        want = np.zeros(n)
        dist = nx.single_source_shortest_path_length(G, s)
        for t, d in dist.items():
            if d < 2:
                continue
            paths = list(nx.all_shortest_paths(G, s, t))
            for path in paths:
                for i, v in enumerate(path[1:-1], start=1):
                    want[v] += (i / d) / len(paths)
        got = C._linear_dependencies(A, [s])[:, 0]
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_coreness_equals_networkx_core_number(seed):
    """k-core numbers (igraph) against networkx core_number on random projections with
    isolated organisations (single-participant projects) and several components."""
    from netcluster.centrality import coreness
    rng = np.random.default_rng(seed)
    orgs = [f"o{rng.integers(0, 60)}" for _ in range(220)]
    projects = [f"p{rng.integers(0, 70)}" for _ in range(220)]
    proj = BipartiteNetwork.from_edges(orgs, projects).project_organisations("newman")
    got = coreness(proj)
    g = proj.to_networkx()
    want = nx.core_number(g)
    assert got.to_dict() == {k: want[k] for k in proj.labels}
    assert got.dtype == np.int64 and got.index.name == "org_id"
    assert (got == 0).sum() == sum(1 for n in g if g.degree(n) == 0)


def test_coreness_by_hand():
    """A 4-clique with a pendant and a separate pair: 3, 3, 3, 3, 1 and 1, 1."""
    from netcluster.centrality import coreness
    net = BipartiteNetwork.from_edges(list("abcdde") + list("xy"), ["P"] * 4 + ["Q", "Q"] + ["R", "R"])
    assert coreness(net.project_organisations()).to_dict() == {"a": 3, "b": 3, "c": 3, "d": 3, "e": 1,
                                                               "x": 1, "y": 1}


def test_two_mode_closeness_on_a_disconnected_network_stays_in_range():
    """A single-participant project's organisation (issue 21: it got 3,281 and ranked first).
    Oracle: the Borgatti-Everett value of its two-node component (1) times the share of the
    network it reaches, 1/(N-1), computed by hand; the connected part equals networkx on that
    part scaled by its share."""
    edges = [("a", "P"), ("b", "P"), ("b", "Q"), ("c", "Q"), ("c", "R"), ("d", "R"), ("solo", "S")]
    net = BipartiteNetwork.from_edges([o for o, _ in edges], [p for _, p in edges])
    c = bipartite_centrality(net)
    N = 9
    assert c["closeness"].between(0, 1).all()
    assert c.loc["solo", "closeness"] == pytest.approx(1 / (N - 1))
    assert c["closeness"].idxmax() != "solo"
    g = nx.Graph(edges[:-1])
    orgs = ["a", "b", "c", "d"]
    ref = bipartite.closeness_centrality(g, orgs)
    for k, v in ref.items():
        assert c.loc[k, "closeness"] == pytest.approx(v * (7 - 1) / (N - 1))


def test_adaptive_sampling_estimates_and_stopping_rule():
    """The adaptive estimate is the pooled Brandes-Pich estimate of the first k sources of a
    seeded permutation (oracle: igraph's betweenness from those sources); it stops at the
    precision target, at the work budget, or with every node a source (then exact)."""
    from netcluster.centrality import NODE_COST, _adaptive_paths_unweighted
    proj = random_network(11, 400, 250, 0.01).project_organisations("count")
    g = proj.to_igraph()
    n = proj.n_nodes
    order = np.random.default_rng(4).permutation(n)
    # budget of 3 batches of 32 sources: stops there whatever the precision
    b, se, h, info = _adaptive_paths_unweighted(proj, 4, batch=32, min_batches=2, rel_se=0.0,
                                                budget=96 * (NODE_COST * n + proj.n_ties))
    assert info["samples"] == 96 and info["stopped"] == "work budget"
    ref = np.asarray(g.betweenness(sources=order[:96].tolist()), dtype=float) * n / 96
    assert np.allclose(b, ref, rtol=1e-12, atol=1e-9)
    # a loose target stops at the minimum number of batches
    b2, se2, h2, info2 = _adaptive_paths_unweighted(proj, 4, batch=32, min_batches=2, rel_se=10.0)
    assert info2["samples"] == 64 and info2["stopped"].startswith("top")
    top = np.argsort(-b2)[:20]
    assert info2["worst_top_relative_se"] == pytest.approx(float(np.max(se2[top] / b2[top])), abs=1e-4)
    # every node a source: the exact value
    b3, _, h3, info3 = _adaptive_paths_unweighted(proj, 4, batch=64, min_batches=2, rel_se=0.0, budget=10**12)
    assert info3["samples"] == n and info3["stopped"].startswith("every node")
    assert np.allclose(b3, np.asarray(g.betweenness(), dtype=float), rtol=1e-9, atol=1e-9)
    assert np.allclose(h3, np.asarray(g.harmonic_centrality(normalized=False)) / (n - 1), atol=1e-12)


def test_auto_samples_record_how_sampling_stopped():
    proj = random_network(12, 800, 500, 0.004).project_organisations("count")
    c = centrality(proj, weighted=False, exact_max_nodes=10)
    s = c.attrs["params"]["sampling"]
    assert c.attrs["params"]["samples"] == s["samples"] >= 4 * 32 or s["samples"] == proj.n_nodes
    assert c["betweenness_se"].notna().all()


def test_adaptive_sampling_stops_when_the_top_is_settled():
    """With an unreachable precision target and a large budget, sampling stops once the top
    organisations are the same after STABLE_BATCHES batches in a row (oracle: the running
    estimates recomputed from igraph's betweenness of each batch's sources)."""
    from netcluster.centrality import STABLE_BATCHES, _adaptive_paths_unweighted
    rng = np.random.default_rng(5)
    orgs, projects = [], []
    for p in range(120):  # five hubs, each leading projects with random partners
        members = {f"h{p % 5}"} | {f"o{i}" for i in rng.choice(250, size=3, replace=False)}
        orgs += sorted(members)
        projects += [f"P{p}"] * len(members)
    proj = BipartiteNetwork.from_edges(orgs, projects).project_organisations("count")
    g, n = proj.to_igraph(), proj.n_nodes
    b, se, h, info = _adaptive_paths_unweighted(proj, 2, batch=16, min_batches=2, top=5, rel_se=0.0,
                                                budget=10**12)
    assert info["stopped"].startswith("top 5: the same organisations")
    k = info["samples"]
    assert k < n and k % 16 == 0
    order = np.random.default_rng(2).permutation(n)
    acc, tops = np.zeros(n), []
    for i in range(k // 16):
        acc += np.asarray(g.betweenness(sources=order[i * 16:(i + 1) * 16].tolist()), dtype=float)
        tops.append(set(np.argsort(-acc, kind="stable")[:5].tolist()))
    settled = [j for j in range(STABLE_BATCHES, len(tops)) if all(t == tops[j] for t in tops[j - STABLE_BATCHES:j])]
    assert settled and settled[0] == len(tops) - 1  # stopped at the first batch after which it was settled
    assert np.allclose(b, acc * n / k, rtol=1e-9)


def test_searches_compile_without_a_writable_cache(monkeypatch):
    """Where numba can cache nowhere (a read-only installation and home) it raises at
    decoration; the search is then compiled per process and gives the same result."""
    import numba
    import scipy.sparse as sp
    from netcluster import centrality as C
    real = numba.njit

    def refusing(*args, **kwargs):
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function 'f': no locator available for file 'f.py'")
        return real(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", refusing)
    kernel = C._compiled(C._dependency_kernel.py_func)
    A = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
    dep, inv = np.zeros((3, 1)), np.zeros((3, 1))
    kernel(A.indptr.astype(np.int64), A.indices, np.array([0]), dep, inv, False)
    assert dep[:, 0].tolist() == [0.0, 1.0, 0.0] and inv[:, 0].tolist() == [0.0, 1.0, 0.5]
