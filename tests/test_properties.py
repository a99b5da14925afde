"""Property-based tests on random bipartite data (hypothesis) and reader fuzzing."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import netcluster as nc
from netcluster.centrality import centrality
from netcluster.graph import BipartiteNetwork
from netcluster.linkage import region_matrix
from netcluster.openness import ei_index, tie_table

REGIONS = ["충북", "대전", "부산", "DE21"]


@st.composite
def bipartite(draw):
    n_orgs = draw(st.integers(2, 25))
    n_proj = draw(st.integers(1, 12))
    edges = draw(st.lists(st.tuples(st.integers(0, n_orgs - 1), st.integers(0, n_proj - 1)),
                          min_size=1, max_size=80))
    regions = draw(st.lists(st.sampled_from(REGIONS + [None]), min_size=n_orgs, max_size=n_orgs))
    part = pd.DataFrame({"org_id": [f"o{a:02d}" for a, _ in edges], "project_id": [f"p{b:02d}" for _, b in edges]})
    groups = pd.Series({f"o{i:02d}": r for i, r in enumerate(regions)}, dtype=object)
    return part, groups


PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(bipartite(), st.sampled_from(["binary", "count", "newman", "jaccard", "association"]))
def test_projection_symmetric_zero_diagonal(data, weighting):
    part, _ = data
    proj = BipartiteNetwork.from_edges(part["org_id"], part["project_id"]).project_organisations(weighting)
    m = proj.matrix
    assert abs(m - m.T).max() < 1e-12 if m.nnz else True
    assert (m.diagonal() == 0).all() and (m.data > 0).all()


@PROPS
@given(bipartite())
def test_newman_strength_is_number_of_joint_projects(data):
    part, _ = data
    net = BipartiteNetwork.from_edges(part["org_id"], part["project_id"])
    proj = net.project_organisations("newman")
    part = part.drop_duplicates()
    size = part.groupby("project_id").size()
    joint = part[part["project_id"].map(size) >= 2].groupby("org_id").size()
    strength = proj.strength()
    assert np.allclose(strength.to_numpy(), joint.reindex(strength.index).fillna(0).to_numpy())
    # total weight over pairs = sum over joint projects of n_p / 2
    assert proj.matrix.sum() / 2 == pytest.approx((size[size >= 2] / 2).sum())


@PROPS
@given(bipartite(), st.booleans())
def test_ei_in_range_and_recomputed_from_ties(data, weighted):
    part, groups = data
    proj = BipartiteNetwork.from_edges(part["org_id"], part["project_id"]).project_organisations("newman")
    r = ei_index(proj, groups, weighted=weighted).network.iloc[0]
    t = tie_table(proj, groups)
    w = t["weight"] if weighted else pd.Series(1.0, index=t.index)
    E, I = w[t["external"]].sum(), w[~t["external"]].sum()
    if E + I == 0:
        assert np.isnan(r["ei"])
    else:
        assert -1 <= r["ei"] <= 1 and r["ei"] == pytest.approx((E - I) / (E + I))


@PROPS
@given(bipartite())
def test_region_matrix_sums_to_tie_total(data):
    part, groups = data
    proj = BipartiteNetwork.from_edges(part["org_id"], part["project_id"]).project_organisations()
    m = region_matrix(proj, groups)
    assert m["ties"].sum() + m.attrs["params"]["ties_unknown_region"] == proj.n_ties


@settings(max_examples=25, deadline=None)
@given(bipartite(), st.randoms(use_true_random=False))
def test_centrality_invariant_under_relabelling(data, rnd):
    part, _ = data
    ids = sorted(set(part["org_id"]))
    new = ids[:]
    rnd.shuffle(new)
    relabel = {a: f"x{b}" for a, b in zip(ids, new)}
    a = centrality(BipartiteNetwork.from_edges(part["org_id"], part["project_id"]).project_organisations("count"))
    b = centrality(BipartiteNetwork.from_edges(part["org_id"].map(relabel), part["project_id"]).project_organisations("count"))
    b.index = b.index.map({v: k for k, v in relabel.items()})
    b = b.reindex(a.index)
    for col in ["degree", "strength", "betweenness", "closeness", "pagerank", "betweenness_w", "closeness_w"]:
        assert np.allclose(a[col], b[col], atol=1e-9), col


@settings(max_examples=25, deadline=None)
@given(bipartite(), st.randoms(use_true_random=False))
def test_dataset_invariant_under_row_order(data, rnd):
    part, groups = data
    orgs = pd.DataFrame({"org_id": groups.index, "name": [f"기관{i}" for i in range(len(groups))],
                         "region": groups.to_numpy()})
    a = nc.from_frames(part, orgs)
    idx = list(range(len(part)))
    rnd.shuffle(idx)
    b = nc.from_frames(part.iloc[idx], orgs.iloc[::-1])
    cols = ["project_id", "org_id", "role"]
    pd.testing.assert_frame_equal(a.participations[cols], b.participations[cols])
    oc = ["org_id", "name", "org_type", "region", "wide_region", "n_projects"]
    pd.testing.assert_frame_equal(a.organisations[oc], b.organisations[oc])
    assert a.quality.summary().equals(b.quality.summary())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(max_size=400),
    st.lists(st.lists(st.sampled_from(["P1", "A", "가", "", "NA", '"', "x\ny", "충북", "1,5", "\t", ";", "\r"]),
                      min_size=1, max_size=6), min_size=1, max_size=6).map(
        lambda rows: ("과제번호,기관명,지역\n" + "\n".join(",".join(r) for r in rows)).encode("utf-8")),
))
def test_reader_fuzz_only_library_errors(tmp_path, data):
    p = tmp_path / "fuzz.csv"
    p.write_bytes(data)
    try:
        ds = nc.load_dataset(p)
    except nc.NetclusterError:
        return
    assert ds.quality.conservation()["balanced"].all()


@given(st.lists(st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["2010", " 3.5", "1e3", "-0", "inf", "nan", ""]),
                          st.integers(-10**6, 10**6).map(str), st.floats(allow_nan=True).map(repr)), max_size=40))
@settings(max_examples=150, deadline=None)
def test_numbers_of_distinct_texts_equal_to_numeric(texts):
    """Each distinct text converted once gives pandas' to_numeric(errors="coerce") cell by cell."""
    from netcluster._distinct import numbers_distinct
    s = pd.Series(texts, dtype=object)
    expected = pd.to_numeric(s, errors="coerce").astype(float).to_numpy()
    assert np.array_equal(numbers_distinct(s), expected, equal_nan=True)
