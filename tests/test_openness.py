"""Openness: E-I index by hand, the permutation null by exact enumeration, project openness,
partner diversity, newcomers."""
import itertools
import math

import numpy as np
import pandas as pd
import pytest

import netcluster as nc
from netcluster.graph import BipartiteNetwork
from netcluster.openness import (ei_index, ei_permutation_test, newcomers, partner_diversity,
                                 project_openness)

# Hand example. Projects: P1 {a,b,c}, P2 {c,d}, P3 {d,e}, P4 {e,f}.
# Ties: a-b, a-c, b-c (P1), c-d (P2), d-e (P3), e-f (P4) = 6 ties.
# Groups: X = {a,b,c}, Y = {d,e,f}: internal a-b a-c b-c d-e e-f = 5, external c-d = 1.
EDGES = [("a", "P1"), ("b", "P1"), ("c", "P1"), ("c", "P2"), ("d", "P2"), ("d", "P3"),
         ("e", "P3"), ("e", "P4"), ("f", "P4")]
GROUPS = pd.Series({"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y", "f": "Y"})


def proj(weighting="count"):
    o, p = zip(*EDGES)
    return BipartiteNetwork.from_edges(o, p).project_organisations(weighting)


def test_ei_by_hand():
    r = ei_index(proj(), GROUPS)
    net = r.network.iloc[0]
    assert (net["internal"], net["external"]) == (5, 1)
    assert net["ei"] == pytest.approx((1 - 5) / 6)
    g = r.groups
    assert g.loc["X", "internal"] == 3 and g.loc["X", "external"] == 1
    assert g.loc["X", "ei"] == pytest.approx(-0.5)
    assert g.loc["Y", "ei"] == pytest.approx((1 - 2) / 3)
    o = r.organisations
    assert o.loc["c", "ei"] == pytest.approx((1 - 2) / 3) and o.loc["a", "ei"] == -1


def test_ei_weighted_by_hand():
    r = ei_index(proj("newman"), GROUPS, weighted=True)
    # Newman: P1 pairs 1/2 each (3 internal), P2..P4 pairs 1 each (c-d external, d-e, e-f internal)
    net = r.network.iloc[0]
    assert net["internal"] == pytest.approx(1.5 + 2) and net["external"] == pytest.approx(1)
    assert net["ei"] == pytest.approx((1 - 3.5) / 4.5)


def test_permutation_null_exact_enumeration_by_hand():
    p = proj()
    res = ei_permutation_test(p, GROUPS, exact=True)
    # independent enumeration over all C(6,3) = 20 assignments of X to three organisations
    ties = [("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f")]
    nodes = list("abcdef")
    null = []
    for xs in itertools.combinations(nodes, 3):
        lab = {n: ("X" if n in xs else "Y") for n in nodes}
        internal = sum(lab[u] == lab[v] for u, v in ties)
        null.append((6 - 2 * internal) / 6)
    null = np.array(null)
    row = res.iloc[0]
    assert res.attrs["params"]["permutations"] == 20
    assert row["null_mean"] == pytest.approx(null.mean())
    assert row["null_sd"] == pytest.approx(null.std(ddof=1))
    assert row["p_less"] == pytest.approx((null <= row["ei"] + 1e-12).mean())
    assert row["p_greater"] == pytest.approx((null >= row["ei"] - 1e-12).mean())


def test_sampled_permutations_agree_with_exact_and_are_seeded():
    p = proj()
    ex = ei_permutation_test(p, GROUPS, exact=True).iloc[0]
    s1 = ei_permutation_test(p, GROUPS, exact=False, n_permutations=4000, seed=5)
    s2 = ei_permutation_test(p, GROUPS, exact=False, n_permutations=4000, seed=5)
    assert s1.equals(s2)
    assert s1.iloc[0]["null_mean"] == pytest.approx(ex["null_mean"], abs=0.02)


def test_rescaled_ei_by_hand():
    # 2 groups of 3, 6 ties. I_max = 3+3 = 6, E_max = 9. Max EI: all 6 external -> +1.
    # Min EI: all 6 internal -> -1. So rescaled equals raw here.
    r = ei_permutation_test(proj(), GROUPS, exact=True).iloc[0]
    assert r["rescaled_ei"] == pytest.approx(r["ei"])
    # three singletons + no possible internal tie: min attainable EI is +1 -> undefined rescale
    single = pd.Series({"a": "A", "b": "B", "c": "C"})
    o, pp = zip(*[("a", "P"), ("b", "P"), ("c", "P")])
    r2 = ei_permutation_test(BipartiteNetwork.from_edges(o, pp).project_organisations(), single, exact=True)
    assert r2.iloc[0]["ei_min_attainable"] == 1.0 and np.isnan(r2.iloc[0]["rescaled_ei"])


def test_ei_unknown_groups_are_excluded_and_counted():
    g = GROUPS.drop("f")
    r = ei_index(proj(), g)
    assert r.network.iloc[0]["ties_unknown_group"] == 1
    assert r.network.iloc[0]["internal"] == 4


def test_project_openness_by_hand():
    o, p = zip(*EDGES)
    ds = nc.from_frames(pd.DataFrame({"project_id": p, "org_id": o}))
    r = project_openness(ds, GROUPS)
    # X takes part in P1 (closed), P2 (open); Y in P2 (open), P3, P4 (closed)
    assert r.loc["X", "projects"] == 2 and r.loc["X", "open_projects"] == 1
    assert r.loc["Y", "open_share"] == pytest.approx(1 / 3)


def test_partner_diversity_by_hand():
    r = partner_diversity(proj(), GROUPS)
    # c: partners a, b (X) and d (Y): P = 1 - (2/3)^2 - (1/3)^2 = 4/9; H = entropy(2/3, 1/3)
    assert r.loc["c", "participation_coefficient"] == pytest.approx(4 / 9)
    assert r.loc["c", "entropy_bits"] == pytest.approx(-(2 / 3) * math.log2(2 / 3) - (1 / 3) * math.log2(1 / 3))
    assert r.loc["a", "participation_coefficient"] == 0


def test_newcomers_by_hand():
    part = pd.DataFrame({"project_id": ["P1", "P1", "P2", "P2", "P3", "P3"],
                         "org_id": ["a", "b", "a", "b", "b", "c"]})
    projects = pd.DataFrame({"project_id": ["P1", "P2", "P3"], "year": [2010, 2011, 2011]})
    ds = nc.from_frames(part, projects=projects)
    r = newcomers(ds)
    assert r.loc[2010, "newcomers"] == 2 and r.loc[2011, "participants"] == 3
    assert r.loc[2011, "newcomers"] == 1 and r.loc[2011, "newcomer_share"] == pytest.approx(1 / 3)
    assert r.loc[2011, "ties"] == 2 and r.loc[2011, "new_ties"] == 1   # a-b repeats, b-c is new


def test_ei_contract_on_sample(sample_dataset):
    p = BipartiteNetwork.from_dataset(sample_dataset).project_organisations("count")
    for col in ["region", "wide_region", "org_type", "complex", "cluster"]:
        g = sample_dataset.organisations.set_index("org_id")[col]
        r = ei_index(p, g)
        assert r.groups["ei"].dropna().between(-1, 1).all()
        t = r.network.iloc[0]
        assert t["internal"] + t["external"] + t["ties_unknown_group"] == p.n_ties


def _project_openness_by_merges(dataset, groups):
    """Second implementation (string maps and groupbys) for the integer-coded one."""
    part = dataset.participations[["project_id", "org_id"]].copy()
    part["group"] = part["org_id"].map(groups)
    part = part.dropna(subset=["group"])
    size = dataset.participations.groupby("project_id").size()
    ngroups = part.groupby("project_id")["group"].nunique()
    pg = part.drop_duplicates(["project_id", "group"]).copy()
    pg["open"] = pg["project_id"].map(ngroups).to_numpy() > 1
    pg["joint"] = pg["project_id"].map(size).to_numpy() >= 2
    return pg.groupby("group").agg(projects=("project_id", "size"), joint_projects=("joint", "sum"),
                                   open_projects=("open", "sum")).sort_index()


@pytest.mark.parametrize("column", ["region", "org_type", "wide_region"])
@pytest.mark.parametrize("source", ["set_index", "org_attribute"])
def test_project_openness_equals_merge_implementation(sample_dataset, column, source):
    """(``org_attribute``'s Series are the dataset's own rows, read without a lookup by id;
    a Series of the caller's is looked up: both against the merges.)"""
    from netcluster.groups import org_attribute
    groups = (org_attribute(sample_dataset, column) if source == "org_attribute"
              else sample_dataset.organisations.set_index("org_id")[column].iloc[::-1])
    got = project_openness(sample_dataset, groups)
    ref = _project_openness_by_merges(sample_dataset, groups)
    assert list(got.index) == list(ref.index) and len(got) > 1
    for col in ("projects", "joint_projects", "open_projects"):
        assert got[col].tolist() == ref[col].tolist()


def test_group_null_per_group_ei_by_direct_count(sample_dataset):
    """The per-group E-I null (openness.csv: ei_null_mean/q025/q975) against a direct count
    of internal and external ties per group for the same permutations."""
    from netcluster.graph import BipartiteNetwork
    from netcluster.groups import align_groups, codes
    from netcluster.run.steps import group_null as _group_null
    import scipy.sparse as sp
    proj = BipartiteNetwork.from_dataset(sample_dataset).project_organisations("count")
    groups = sample_dataset.organisations.set_index("org_id")["region"]
    test = ei_permutation_test(proj, groups, n_permutations=30, seed=4)
    got = _group_null(proj, groups, test)
    vals, _ = align_groups(proj.labels, groups)
    c, uniq = codes(vals)
    keep = np.flatnonzero(c >= 0)
    M = sp.triu(proj.matrix, k=1).tocsr()[keep][:, keep].tocoo()
    rng = np.random.default_rng(4)
    sims = []
    for _ in range(30):
        L = rng.permutation(c[keep])
        row = {}
        for gi, g in enumerate(uniq):
            internal = sum(1 for a, b in zip(M.row, M.col) if L[a] == gi and L[b] == gi)
            external = sum(1 for a, b in zip(M.row, M.col) if (L[a] == gi) != (L[b] == gi))
            row[g] = (external - internal) / (external + internal) if external + internal else np.nan
        sims.append(row)
    ref = pd.DataFrame(sims)
    assert np.allclose(got["ei_null_mean"].to_numpy(), ref[list(got.index)].mean().to_numpy(), equal_nan=True)
    assert np.allclose(got["ei_null_q975"].to_numpy(), ref[list(got.index)].quantile(0.975).to_numpy(),
                       equal_nan=True)
    # recorded by the test itself from the same permutations (the pipeline's path): same
    # table, same network null; and over the first k permutations only
    inline = ei_permutation_test(proj, groups, n_permutations=30, seed=4, group_null=499)
    assert np.array_equal(inline.attrs["null"], test.attrs["null"])
    pd.testing.assert_frame_equal(_group_null(proj, groups, inline), got)
    first = ei_permutation_test(proj, groups, n_permutations=30, seed=4, group_null=12).attrs["group_null"]
    ref12 = ref[list(got.index)].iloc[:12].to_numpy()
    assert first.shape == ref12.shape and np.allclose(first, ref12, equal_nan=True)


def test_weighted_ei_is_not_rescaled_with_the_range_of_counts():
    """Issue 21: a weighted E-I rescaled with the range of tie counts gave -1.0455."""
    from netcluster.graph import BipartiteNetwork
    net = BipartiteNetwork.from_edges(list("aabbab") + list("cd"), ["P", "P", "Q", "Q", "R", "R", "S", "S"])
    proj = net.project_organisations("count")
    groups = pd.Series({"a": "X", "b": "X", "c": "Y", "d": "Y"})
    w = ei_permutation_test(proj, groups, weighted=True, n_permutations=19)
    assert np.isnan(w.loc[0, "rescaled_ei"]) and np.isnan(w.loc[0, "ei_min_attainable"])
    u = ei_permutation_test(proj, groups, weighted=False, n_permutations=19)
    assert -1 <= u.loc[0, "rescaled_ei"] <= 1
