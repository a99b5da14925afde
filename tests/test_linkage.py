"""Cross-region linkage, assortativity, modularity, brokerage, triple helix."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netcluster as nc
from netcluster.brokerage import gould_fernandez, regional_gatekeepers, structural_holes
from netcluster.communities import compare_partitions, leiden, modularity, stability
from netcluster.graph import BipartiteNetwork
from netcluster.helix import t_uig, t_uig_from_table, triple_helix, type_mix
from netcluster.linkage import assortativity, cross_region_share, region_matrix


@pytest.fixture(scope="module")
def sample(sample_dataset):
    p = BipartiteNetwork.from_dataset(sample_dataset).project_organisations("count")
    reg = sample_dataset.organisations.set_index("org_id")["region"]
    return sample_dataset, p, reg


def test_region_matrix_sums_to_tie_total(sample):
    ds, p, reg = sample
    m = region_matrix(p, reg, dataset=ds)
    assert m["ties"].sum() + m.attrs["params"]["ties_unknown_region"] == p.n_ties
    off = m.region_a != m.region_b
    # full symmetric matrix = upper triangle + its mirror: sums to 2T tie ends
    assert m["tie_ends"].sum() + m.loc[off, "tie_ends"].sum() == 2 * m["ties"].sum()
    assert m["expected_tie_ends"].sum() + m.loc[off, "expected_tie_ends"].sum() == pytest.approx(2 * m["ties"].sum())
    # the groups coded beforehand for the projection's labels (as analyze passes them): same table
    from netcluster.groups import AlignedGroups
    coded = AlignedGroups.of(p.labels, reg)
    pd.testing.assert_frame_equal(region_matrix(p, coded, dataset=ds), m)
    with pytest.raises(ValueError, match="needs the grouping"):
        region_matrix(p, AlignedGroups(p.labels, coded.codes, coded.uniq), dataset=ds)


def test_region_matrix_by_hand():
    # ties: a-b (X-X), b-c (X-Y), c-d (Y-Y), a-c (X-Y)
    o = list("abbccdac")
    pr = ["P1", "P1", "P2", "P2", "P3", "P3", "P4", "P4"]
    ds = nc.from_frames(pd.DataFrame({"project_id": pr, "org_id": o}))
    p = BipartiteNetwork.from_dataset(ds).project_organisations()
    g = pd.Series({"a": "X", "b": "X", "c": "Y", "d": "Y"})
    m = region_matrix(p, g, dataset=ds).set_index(["region_a", "region_b"])
    assert m.loc[("X", "X"), "ties"] == 1 and m.loc[("X", "Y"), "ties"] == 2 and m.loc[("Y", "Y"), "ties"] == 1
    # tie ends: X row = 2*1 + 2 = 4, Y row = 2 + 2 = 4, total 8; expected X-Y = 4*4/8 = 2
    assert m.loc[("X", "Y"), "expected_tie_ends"] == 2 and m.loc[("X", "Y"), "obs_exp_ratio"] == 1
    assert m.loc[("X", "X"), "obs_exp_ratio"] == 1
    assert m.loc[("X", "Y"), "shared_projects"] == 2 and m.loc[("X", "X"), "shared_projects"] == 1
    s = cross_region_share(p, g)
    assert s.loc["(all)", "cross_share"] == 0.5 and s.loc["X", "cross_share"] == pytest.approx(2 / 3)


def test_assortativity_and_modularity_vs_networkx(sample):
    ds, p, reg = sample
    g = p.to_networkx()
    nx.set_node_attributes(g, reg.reindex(list(g.nodes())).to_dict(), "region")
    assert assortativity(p, reg) == pytest.approx(nx.attribute_assortativity_coefficient(g, "region"), abs=1e-9)
    parts = [set(n for n in g if g.nodes[n]["region"] == r) for r in reg.dropna().unique()]
    parts = [s for s in parts if s]
    assert modularity(p, reg) == pytest.approx(nx.community.modularity(g, parts, weight="weight"), abs=1e-9)


def test_leiden_seeded_and_modularity_consistent(sample):
    ds, p, reg = sample
    a = leiden(p, seed=3)
    b = leiden(p, seed=3)
    assert a.equals(b)
    g = p.to_networkx()
    comms = [set(a.index[a["community"] == c]) for c in a["community"].unique()]
    assert a.attrs["params"]["modularity"] == pytest.approx(nx.community.modularity(g, comms, weight="weight"), abs=1e-9)
    st = stability(p, seeds=range(3))
    assert len(st) == 3 and 0 <= st.attrs["summary"]["mean_ari"] <= 1 + 1e-12


def test_compare_partitions_by_hand():
    detected = pd.Series({"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 2})
    declared = pd.Series({"a": "M1", "b": "M1", "c": "M2", "d": "M2", "e": "M3", "f": "M3"})
    r = compare_partitions(detected, declared)
    assert r.loc["M1", "dominant_share"] == 1 and r.loc["M1", "merged_with"] == "M2" or \
        r.loc["M1", "merged_with"] == ""
    assert r.loc["M3", "n_communities"] == 2 and r.loc["M3", "dominant_share"] == 0.5
    # ARI by hand (Hubert & Arabie): contingency [[2,0,0],[1,1,0],[0,1,1]]
    nij = np.array([[2, 0, 0], [1, 1, 0], [0, 1, 1]])
    c2 = lambda x: x * (x - 1) / 2
    index = c2(nij).sum()
    a, b = c2(nij.sum(1)).sum(), c2(nij.sum(0)).sum()
    exp = a * b / c2(6)
    ari = (index - exp) / ((a + b) / 2 - exp)
    assert r.attrs["summary"]["ari"] == pytest.approx(ari)


def test_gould_fernandez_six_node_example():
    r"""Worked by hand.  Groups: A = {1, 2, 3}, B = {4, 5}, C = {6}.
    Ties: 1-2, 1-3, 1-4, 1-6, 4-5, 4-6, 2-3.
    Broker 1: partners 2, 3, 4, 6; pairs not tied: (2,4) gate, (2,6) gate, (3,4) gate,
              (3,6) gate, (4,6) is tied -> none; (2,3) tied -> none.  => gatekeeper 4.
    Broker 4: partners 1, 5, 6; pairs: (1,5) gate [4~5 in B, 1 in A], (1,6) tied,
              (5,6) gate [5 in B].  => gatekeeper 2.
    Broker 6: partners 1, 4 (tied) -> 0.   Broker 2: partners 1, 3 (tied) -> 0.
    Add tie 5-7 with 7 in A: broker 5: partners 4, 7: (4,7) not tied, 5 in B shares group
    with 4 only -> gatekeeper 1.
    Add ties 3-8, 3-9 with 8, 9 in B: broker 3: partners 1, 2, 8, 9: (1,2) tied; (1,8),(1,9),
    (2,8),(2,9) gatekeeper? 3 in A shares with 1/2 -> gatekeeper 4; (8,9) not tied, both B,
    broker A -> itinerant 1.
    Add ties 6-10, 6-11 with 10 in A, 11 in B: broker 6 partners 1, 4, 10, 11: (1,4) tied;
    (1,10) both A, 6 in C -> itinerant; (1,11) A,B,C -> liaison; (4,10) liaison;
    (4,11) both B -> itinerant; (10,11) liaison.  => itinerant 2, liaison 3.
    Add ties 2-12, 2-13 with 12, 13 in A: broker 2 partners 1, 3, 12, 13: (1,3) tied;
    (1,12),(1,13),(3,12),(3,13),(12,13) all A -> coordinator 5.
    """
    ties = [(1, 2), (1, 3), (1, 4), (1, 6), (4, 5), (4, 6), (2, 3), (5, 7), (3, 8), (3, 9),
            (6, 10), (6, 11), (2, 12), (2, 13)]
    group = {1: "A", 2: "A", 3: "A", 4: "B", 5: "B", 6: "C", 7: "A", 8: "B", 9: "B", 10: "A",
             11: "B", 12: "A", 13: "A"}
    o, p = [], []
    for i, (u, v) in enumerate(ties):
        o += [f"n{u:02d}", f"n{v:02d}"]
        p += [f"t{i}", f"t{i}"]
    proj = BipartiteNetwork.from_edges(o, p).project_organisations()
    gf = gould_fernandez(proj, pd.Series({f"n{k:02d}": v for k, v in group.items()}))
    def roles(k):
        r = gf.loc[f"n{k:02d}"]
        return (r["coordinator"], r["itinerant"], r["gatekeeper"], r["liaison"])
    assert roles(1) == (0, 0, 4, 0)
    assert roles(4) == (0, 0, 2, 0)
    assert roles(5) == (0, 0, 1, 0)
    assert roles(3) == (0, 1, 4, 0)
    assert roles(6) == (0, 2, 0, 3)
    assert roles(2) == (5, 0, 0, 0)
    assert roles(7) == (0, 0, 0, 0)
    # expected probabilities sum to 1 and expected counts sum to brokered pairs
    exp = gf[[f"expected_{r}" for r in ("coordinator", "itinerant", "gatekeeper", "liaison")]].sum(axis=1)
    assert np.allclose(exp, gf["brokered_pairs"])
    # hand value: node 2 (group A, n_A = 7 of n = 13): p_coord = 6*5/(12*11)
    assert gf.loc["n02", "expected_coordinator"] == pytest.approx(5 * 30 / 132)
    gk = regional_gatekeepers(proj, pd.Series({f"n{k:02d}": v for k, v in group.items()}), brokerage=gf)
    assert gk.index[0] in ("n01", "n03") and set(gk.index) >= {"n01", "n03", "n04"}


def test_brokerage_total_equals_open_two_paths(sample):
    ds, p, reg = sample
    gf = gould_fernandez(p, reg)
    g = p.to_networkx()
    grp = reg.to_dict()
    for k in list(gf.index[:50]) + list(gf.sort_values("brokered_pairs").index[-20:]):
        nb = [x for x in g[k] if grp.get(x) is not None]
        open_pairs = [(nb[i], nb[j]) for i in range(len(nb)) for j in range(i + 1, len(nb))
                      if not g.has_edge(nb[i], nb[j])]
        assert gf.loc[k, "brokered_pairs"] == len(open_pairs)
        # roles by brute force over the open pairs (independent of the sparse-product counting)
        want = dict.fromkeys(("coordinator", "itinerant", "gatekeeper", "liaison"), 0)
        for a, c in open_pairs:
            ga, gv, gc = grp[a], grp[k], grp[c]
            role = ("coordinator" if ga == gv == gc else "itinerant" if ga == gc else
                    "gatekeeper" if gv in (ga, gc) else "liaison")
            want[role] += 1
        assert {r: int(gf.loc[k, r]) for r in want} == want, k


def test_structural_holes_vs_networkx(sample):
    ds, p, reg = sample
    sh = structural_holes(p)
    g = p.to_networkx()
    nodes = list(sh.index[:150])
    c = nx.constraint(g, nodes, weight="weight")
    e = nx.effective_size(g, nodes)
    for k in nodes:
        assert sh.loc[k, "constraint"] == pytest.approx(c[k], abs=1e-9)
        assert sh.loc[k, "effective_size"] == pytest.approx(e[k], abs=1e-9)


def test_t_uig_hand_computed_2x2x2():
    # 8 projects, one in each cell: U, I, G independent -> T = 0
    assert t_uig_from_table(np.ones((2, 2, 2))) == pytest.approx(0.0)
    # table [U, I, G] with counts: (1,1,1)=2, (0,0,0)=2, (1,0,0)=1, (0,1,0)=1, (0,0,1)=1, (1,1,0)=1
    t = np.zeros((2, 2, 2))
    t[1, 1, 1], t[0, 0, 0], t[1, 0, 0], t[0, 1, 0], t[0, 0, 1], t[1, 1, 0] = 2, 2, 1, 1, 1, 1
    def H(p):
        p = np.asarray([x for x in p if x > 0], float); p = p / p.sum()
        return -(p * np.log2(p)).sum()
    # by hand: N = 8. U: 4/4 -> 1 bit. I: 4/4 -> 1. G: 5/3.
    hu, hi, hg = 1.0, 1.0, H([5, 3])
    hui = H([3, 1, 1, 3])          # (U,I): 00:3 01:1 10:1 11:3
    hug = H([3, 1, 2, 2])          # (U,G): 00:3 01:1 10:2 11:2
    hig = H([3, 1, 2, 2])          # (I,G): 00:3 01:1 10:2 11:2
    huig = H([2, 1, 1, 0, 1, 0, 1, 2])
    assert t_uig_from_table(t) == pytest.approx(hu + hi + hg - hui - hug - hig + huig)
    flags = pd.DataFrame({"U": [1, 1, 0, 0, 1, 0, 0, 1], "I": [1, 1, 0, 0, 0, 1, 0, 1],
                          "G": [1, 1, 0, 0, 0, 0, 1, 0]}).astype(bool)
    assert t_uig(flags) == pytest.approx(t_uig_from_table(t))


def test_type_mix_and_helix_on_sample(sample):
    ds, p, reg = sample
    tm = type_mix(ds)
    assert tm["share"].sum() == pytest.approx(1.0) and tm["projects"].sum() == len(ds.projects)
    th = triple_helix(ds, n_boot=50, helices={"U": ("university",), "I": ("firm",), "G": ("research", "government", "support")})
    row = th.iloc[0]
    assert row["ci_low"] <= row["t_uig"] <= row["ci_high"] or row["t_uig"] == 0
    by_year = triple_helix(ds, by="year", n_boot=20)
    assert by_year["projects"].sum() == ds.projects["year"].notna().sum()


def test_constraint_from_triangles_equals_igraph_and_networkx(sample):
    """No two-path budget any more (issue 21): constraint from one pass over the triangles
    against igraph's constraint (weighted and not) and networkx's on the sample's projection."""
    import networkx as nx
    ds, p, reg = sample
    g = p.to_igraph()
    for weighted in (True, False):
        sh = structural_holes(p, weighted=weighted)
        ref = np.asarray(g.constraint(weights=g.es["weight"] if weighted else None), dtype=float)
        deg = np.asarray(g.degree())
        assert np.allclose(sh["constraint"].to_numpy()[deg > 0], ref[deg > 0], atol=1e-12)
        assert sh["constraint"].to_numpy()[deg == 0].tolist() == [] or np.isnan(sh["constraint"].to_numpy()[deg == 0]).all()
    G = nx.Graph()
    t = p.ties()
    G.add_weighted_edges_from(zip(t["source"], t["target"], t["weight"]))
    sub = list(G.nodes)[:200]
    ref = nx.constraint(G, nodes=sub, weight="weight")
    sh = structural_holes(p)
    assert np.allclose([sh.loc[v, "constraint"] for v in sub], [ref[v] for v in sub], atol=1e-12)
    es = nx.effective_size(G, nodes=sub)  # unweighted
    assert np.allclose([sh.loc[v, "effective_size"] for v in sub], [es[v] for v in sub], atol=1e-9)


def test_modularity_closed_form_vs_igraph_with_unknown_groups_and_resolution(sample):
    ds, p, reg = sample
    reg2 = reg.copy()
    reg2.iloc[::7] = None  # organisations without a group form one '(unknown)' group
    g = p.to_igraph()
    vals = reg2.reindex(p.labels).astype(object).where(reg2.reindex(p.labels).notna(), "(unknown)")
    memb = pd.factorize(vals)[0].tolist()
    for res in (1.0, 0.5):
        for weighted in (True, False):
            want = g.modularity(memb, weights=g.es["weight"] if weighted else None, resolution=res)
            assert modularity(p, reg2, weighted=weighted, resolution=res) == pytest.approx(want, abs=1e-12)


@pytest.mark.parametrize("column", ["region", "wide_region", "org_type"])
@pytest.mark.parametrize("source", ["set_index", "org_attribute"])
def test_shared_projects_matrix_equals_merge_implementation(sample_dataset, column, source):
    """Integer-coded shared-projects matrix against the straightforward string groupby (for
    the dataset's own Series, read in row order, and a Series of the caller's in another order)."""
    from netcluster.groups import org_attribute
    from netcluster.linkage import shared_projects_matrix
    groups = (org_attribute(sample_dataset, column) if source == "org_attribute"
              else sample_dataset.organisations.set_index("org_id")[column].iloc[::-1])
    got = shared_projects_matrix(sample_dataset, groups)
    part = sample_dataset.participations[["project_id", "org_id"]].copy()
    part["g"] = part["org_id"].map(groups)
    part = part.dropna(subset=["g"])
    sets = part.groupby("project_id")["g"].agg(lambda s: s.value_counts().to_dict())
    regions = sorted(part["g"].unique(), key=str)
    assert list(got.index) == regions
    for a in regions:
        for b in regions:
            want = sum(1 for d in sets if (d.get(a, 0) >= 2 if a == b else (a in d and b in d)))
            assert got.loc[a, b] == want, (a, b)


def _compare_by_crosstab(detected, declared, split_threshold=0.5):
    """The straightforward dense implementation (pd.crosstab), kept as the oracle."""
    both = pd.DataFrame({"detected": detected, "declared": declared.reindex(detected.index)}).dropna()
    tab = pd.crosstab(both["declared"], both["detected"])
    size, dom = tab.sum(axis=1), tab.idxmax(axis=1)
    share = tab.max(axis=1) / size
    out = pd.DataFrame({"size": size, "dominant_community": dom, "dominant_share": share,
                        "n_communities": (tab > 0).sum(axis=1), "split": share < split_threshold})
    out["merged_with"] = [";".join(str(o) for o in out.index[(out["dominant_community"] == dom[g])
                                                             & (out.index != g)]) for g in out.index]
    out.index.name = "declared_group"
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compare_partitions_equals_crosstab(seed):
    rng = np.random.default_rng(seed)
    idx = [f"o{i}" for i in range(400)]
    detected = pd.Series(rng.integers(0, 6 + 10 * seed, 400), index=idx)  # count ties for the dominant
    declared = pd.Series(rng.choice(["M1", "M2", "가", "나", "M10", None], 400), index=idx, dtype=object)
    pd.testing.assert_frame_equal(compare_partitions(detected, declared),
                                  _compare_by_crosstab(detected, declared), check_dtype=False)


def test_to_square_and_shared_projects_equal_cell_by_cell_lookups(sample_dataset):
    """The vectorised square matrix and shared-project column against the plain per-pair
    loops they replace, for several groupings."""
    from netcluster.linkage import region_matrix, shared_projects_matrix, to_square
    proj = BipartiteNetwork.from_dataset(sample_dataset).project_organisations("count")
    orgs = sample_dataset.organisations.set_index("org_id")
    for groups in (orgs["region"], orgs["complex"], orgs["sector"].str[:3]):
        rm = region_matrix(proj, groups, dataset=sample_dataset)
        sp_ = shared_projects_matrix(sample_dataset, groups)
        ref = [int(sp_.loc[r, s]) if (r in sp_.index and s in sp_.columns) else 0
               for r, s in zip(rm["region_a"], rm["region_b"])]
        assert rm["shared_projects"].tolist() == ref and rm["shared_projects"].dtype == np.int64
        for value in ("ties", "obs_exp_ratio", "weight"):
            regions = sorted(set(rm["region_a"]) | set(rm["region_b"]), key=str)
            loop = pd.DataFrame(0.0, index=regions, columns=regions)
            for a, b, v in zip(rm["region_a"], rm["region_b"], rm[value]):
                loop.loc[a, b] = v
                loop.loc[b, a] = v
            pd.testing.assert_frame_equal(to_square(rm, value), loop, check_exact=True)


def test_leiden_iterations_until_stable_is_a_fixed_point(sample):
    """n_iterations < 0 iterates until an iteration changes nothing: its modularity is at least
    that of one iteration (same seed), against networkx's modularity of each partition, and the
    number of iterations is recorded; analyze passes --leiden-iterations through and says it in
    the report."""
    ds, p, reg = sample
    g = p.to_networkx()
    res = {}
    for k in (1, -1):
        com = leiden(p, seed=3, n_iterations=k)
        comms = [set(com.index[com["community"] == c]) for c in com["community"].unique()]
        q = nx.community.modularity(g, comms, weight="weight")
        assert com.attrs["params"]["modularity"] == pytest.approx(q, abs=1e-9)
        assert com.attrs["params"]["n_iterations"] == k
        res[k] = q
    assert res[-1] >= res[1] - 1e-12
    st = stability(p, seeds=range(2), n_iterations=2)
    assert len(st) == 1


@pytest.mark.slow
def test_analyze_leiden_iterations_reach_the_communities(tmp_path):
    from netcluster.pipeline import analyze
    inp = nc.datasets.get_path("korea_cluster_tables")
    a = analyze(inp, tmp_path / "two", seed=3, n_permutations=19, jobs=1, leiden_iterations=2, lang="en")
    assert a.params["leiden"]["n_iterations"] == 2
    assert "2 iterations (not necessarily stable)" in (tmp_path / "two" / "report.html").read_text(encoding="utf-8")
    b = analyze(inp, tmp_path / "stable", seed=3, n_permutations=19, jobs=2, lang="en")
    assert b.params["leiden"]["n_iterations"] == -1
    stable = (tmp_path / "stable" / "report.html").read_text(encoding="utf-8")
    assert "iterated until stable" in stable
    assert "Mapping file: none (the built-in column names)." in stable  # (was an empty name)


def test_default_leiden_iterations_by_size_and_density():
    """Until stable unless the network is both large and dense (then the fixed count, which the
    report states); a given count always wins."""
    from types import SimpleNamespace
    from netcluster.run.steps import (LEIDEN_DENSE_MEAN_DEGREE, LEIDEN_LARGE_ITERATIONS, LEIDEN_STABLE_MAX_TIES,
                                      Options, leiden_iterations)
    o = Options(input_path=None, out=None)
    big = LEIDEN_STABLE_MAX_TIES + 1
    dense = SimpleNamespace(n_ties=big, n_nodes=2 * big // (LEIDEN_DENSE_MEAN_DEGREE + 1))
    sparse = SimpleNamespace(n_ties=big, n_nodes=2 * big // (LEIDEN_DENSE_MEAN_DEGREE - 1))
    small_dense = SimpleNamespace(n_ties=LEIDEN_STABLE_MAX_TIES, n_nodes=100)
    assert leiden_iterations(dense, o) == LEIDEN_LARGE_ITERATIONS
    assert leiden_iterations(sparse, o) == -1
    assert leiden_iterations(small_dense, o) == -1
    assert leiden_iterations(dense, Options(input_path=None, out=None, leiden_iterations=-1)) == -1
