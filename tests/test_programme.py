"""Cluster-programme indicators, hand-checked on small tables, and the calibrated sample."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import netcluster as nc
from netcluster.graph import BipartiteNetwork
from netcluster.programme import (consortium_sizes, coverage, joint_projects, knowledge_services,
                                  location_quotients, near_duplicate_projects, outcome_comparison,
                                  programme_overlap, specialisation_indices, specialised_share)
from netcluster.evolution import evolution, network_growth
from netcluster.scorecard import scorecard
from netcluster.slices import year_slices


def small():
    """Hand-made: 4 projects, 6 organisations (4 firms incl. 1 KIS, 1 university, 1 research),
    plus 3 non-participating firms in the population."""
    part = pd.DataFrame({
        "project_id": ["P1", "P1", "P1", "P2", "P2", "P3", "P4", "P4"],
        "org_id":     ["f1", "f2", "u1", "f1", "f3", "f2", "f4", "r1"]})
    orgs = pd.DataFrame({
        "org_id": ["f1", "f2", "f3", "f4", "u1", "r1", "n1", "n2", "n3"],
        "name": ["가", "나", "다", "라소프트", "마대학교", "바연구원", "사", "아", "자"],
        "org_type": ["firm", "firm", "firm", "firm", "university", "research", "firm", "firm", "firm"],
        "region": ["충북", "충북", "대전", "충북", "충북", "대전", "충북", "부산", "부산"],
        "complex": ["C1", "C1", "C2", "C1", None, None, "C1", "C3", "C3"],
        "sector": ["26110", "29100", "26120", "62010", "85301", "70111", "26110", "30000", "29000"],
        "specialised": ["26", "26", "26;29", "26", None, None, "26", "30", "30"],
        "patents": [4, 2, 6, 0, None, None, 1, 1, 0],
        "size": ["S", "S", "M", "S", None, None, "S", "M", "S"],
        "employees": [10, 20, 30, 5, None, None, 10, 10, 40]})
    proj = pd.DataFrame({"project_id": ["P1", "P2", "P3", "P4"], "year": [2010, 2010, 2011, 2011],
                         "programme": ["A", "B", "A", "B"]})
    return nc.from_frames(part, orgs, proj)


def test_joint_projects_by_hand():
    ds = small()
    r = joint_projects(ds).iloc[0]
    # sizes 3, 2, 1, 2 -> joint 3/4; firms 2, 2, 1, 1 -> two firms 2/4
    assert r["joint_share"] == 0.75 and r["two_firm_share"] == 0.5 and r["mean_size"] == 2.0
    by = joint_projects(ds, by="year")
    assert by.loc[2010, "two_firm_share"] == 1.0 and by.loc[2011, "two_firm_share"] == 0.0
    cs = consortium_sizes(ds)
    assert dict(zip(cs["size"], cs["projects"])) == {1: 1, 2: 2, 3: 1}


def test_coverage_by_hand():
    ds = small()
    c = coverage(ds, by="complex")
    # C1: f1 f2 f4 n1 -> 3/4; C2: f3 -> 1/1; C3: n2 n3 -> 0/2; all: 4/7
    assert c.loc["C1", "coverage"] == 0.75 and c.loc["C3", "coverage"] == 0
    assert c.loc["(all)", "coverage"] == pytest.approx(4 / 7)
    assert c.attrs["params"]["groups_covered_share"] == pytest.approx(2 / 3)
    w = coverage(ds, by="region", weight="employees")
    # 충북 firms: f1 10, f2 20, f4 5, n1 10 -> participants 35 / 45
    assert w.loc["충북", "coverage_employees"] == pytest.approx(35 / 45)


def test_coverage_without_population_is_flagged_and_empty_complex():
    ds = small()
    only = nc.from_frames(ds.participations[["project_id", "org_id"]], ds.organisations[ds.organisations["participant"]]
                          .drop(columns=["participant", "n_projects", "org_type_inferred", "wide_region",
                                         "region_source", "file", "line"], errors="ignore"))
    c = coverage(only, by="complex")
    assert "population" in c.attrs["params"]["note"]
    with pytest.raises(nc.EmptyResultError):
        coverage(ds, org_types=("hospital",))


def test_specialised_share_by_hand():
    ds = small()
    s = specialised_share(ds).set_index(["complex", "year"])
    # 2010 participants: f1 (C1, 26: spec), f2 (C1, 29: not), f3 (C2, 26 in {26,29}: spec)
    assert s.loc[("C1", 2010), "share"] == 0.5 and s.loc[("C2", 2010), "share"] == 1.0
    assert s.loc[("(all)", 2010), "share"] == pytest.approx(2 / 3)
    # 2011: f2 (not), f4 (62 not in {26}) -> 0
    assert s.loc[("(all)", 2011), "share"] == 0.0
    w = specialised_share(ds, weight="employees").set_index(["complex", "year"])
    assert w.loc[("(all)", 2010), "share"] == pytest.approx((10 + 30) / 60)
    d = specialised_share(ds, designated={"C1": ["29"]}).set_index(["complex", "year"])
    assert d.loc[("C1", 2010), "share"] == 0.5


def test_lq_herfindahl_krugman_by_hand():
    ds = small()
    lq = location_quotients(ds).set_index(["region", "division"])["lq"]
    # firms: 충북 26,29,62,26 ; 대전 26 ; 부산 30,29.  Total 7; division 26: 3/7.
    assert lq.loc[("충북", "26")] == pytest.approx((2 / 4) / (3 / 7))
    assert lq.loc[("대전", "26")] == pytest.approx(1 / (3 / 7))
    si = specialisation_indices(ds)
    assert si.loc["충북", "herfindahl"] == pytest.approx(0.5 ** 2 + 0.25 ** 2 + 0.25 ** 2)
    s0 = {"26": 3 / 7, "29": 2 / 7, "30": 1 / 7, "62": 1 / 7}
    k = abs(0.5 - s0["26"]) + abs(0.25 - s0["29"]) + abs(0.25 - s0["62"]) + s0["30"]
    assert si.loc["충북", "krugman"] == pytest.approx(k)


def test_knowledge_services_by_hand():
    ds = small()
    proj = BipartiteNetwork.from_dataset(ds).project_organisations()
    k = knowledge_services(ds, proj)["value"]
    assert k["kis_share_participating_firms"] == pytest.approx(1 / 4)     # f4 of f1..f4
    # ties: f1-f2, f1-u1, f2-u1, f1-f3, f4-r1 -> 1/5 touch KIS
    assert k["kis_share_ties"] == pytest.approx(1 / 5)
    # manufacturing firms in the network: f1, f2, f3; none has f4 as partner
    assert k["manufacturing_with_kis_partner_share"] == 0


def test_programme_overlap_by_hand_and_no_overlap():
    ds = small()
    ov = programme_overlap(ds)
    row = ov["pairs"].iloc[0]
    # A: f1 f2 u1 ; B: f1 f3 f4 r1 -> shared 1, union 6
    assert (row["shared"], row["jaccard"]) == (1, pytest.approx(1 / 6))
    assert dict(zip(ov["multi"]["programmes"], ov["multi"]["organisations"])) == {1: 5, 2: 1}
    part = pd.DataFrame({"project_id": ["P1", "P1", "P2", "P2"], "org_id": ["a", "b", "c", "d"]})
    proj = pd.DataFrame({"project_id": ["P1", "P2"], "programme": ["X", "Y"], "year": [2010, 2010]})
    none = programme_overlap(nc.from_frames(part, projects=proj))
    assert none["pairs"].iloc[0]["jaccard"] == 0 and none["pairs"].iloc[0]["shared"] == 0


def test_near_duplicates_by_hand():
    part = pd.DataFrame({"project_id": ["P1"] * 3 + ["P2"] * 3 + ["P3"] * 3 + ["P4"] * 3,
                         "org_id": list("abc") + list("abc") + list("abd") + list("abc")})
    proj = pd.DataFrame({"project_id": ["P1", "P2", "P3", "P4"], "programme": ["X", "Y", "Y", "X"],
                         "year": [2010, 2010, 2010, 2012]})
    nd = near_duplicate_projects(nc.from_frames(part, projects=proj), threshold=0.8)
    # P1-P2 (X vs Y, same year, J=1) only; P1-P4 same programme; P2-P4 different years; P3: J=0.5
    assert list(zip(nd["project_a"], nd["project_b"])) == [("P1", "P2")]
    nd2 = near_duplicate_projects(nc.from_frames(part, projects=proj), threshold=0.5, year_gap=2)
    assert ("P2", "P4") in set(zip(nd2["project_a"], nd2["project_b"]))


def test_outcome_comparison_by_hand():
    ds = small()
    r = outcome_comparison(ds, n_boot=200, seed=1).iloc[0]
    # participants f1..f4: 4,2,6,0 -> 3 ; non-participants n1..n3: 1,1,0 -> 2/3 ; ratio 4.5
    assert r["ratio"] == pytest.approx(4.5) and r["interpretation"].startswith("descriptive")
    s = outcome_comparison(ds, strata="size", n_boot=50).iloc[0]
    # S: part f1 f2 f4 -> 2, non n1 n3 -> 0.5 ; M: part f3 -> 6, non n2 -> 1 ; weights 3, 1
    assert s["ratio"] == pytest.approx((3 * 2 + 1 * 6) / (3 * 0.5 + 1 * 1))


def test_outcome_zero_non_participants_is_a_clear_error():
    ds = small()
    part_only = ds.organisations["participant"] | (ds.organisations["org_type"] != "firm")
    orgs = ds.organisations[part_only][["org_id", "name", "org_type", "patents"]]
    ds2 = nc.from_frames(ds.participations[["project_id", "org_id"]], orgs)
    with pytest.raises(nc.EmptyResultError, match="non-participating"):
        outcome_comparison(ds2)


def test_network_growth_and_evolution_small():
    ds = small()
    g = network_growth(ds)
    assert g.loc[2010, "projects"] == 2 and g.loc[2010, "ties"] == 4 and g.loc[2011, "ties"] == 1
    ev = evolution(ds, by="year")
    v = ev.set_index(["slice", "indicator"])["value"]
    assert v.loc[("2010", "two_firm_project_share")] == 1.0
    ph = evolution(ds, by="phase", phases={"early": (2010, 2010), "late": (2011, None)})
    assert set(ph["slice"]) == {"early", "late"}
    win = evolution(ds, by="window", window=2)
    assert set(win["slice"]) == {"2010-2011"}


def test_sample_scorecard_reproduces_calibrated_facts(sample_dataset):
    s = scorecard(sample_dataset, n_permutations=99, n_boot=100).set_index("indicator")["value"]
    assert s["two_firm_project_share"] > 0.90          # "over 90% joint with >= 2 firms"
    assert 0.15 <= s["complexes_covered_share"] <= 0.25  # "about 20% of complexes"
    assert s["specialised_share_last_year"] > s["specialised_share_first_year"]  # rising
    assert s["cross_region_tie_share"] < 0.3 and s["ei_index_region"] < 0       # weak linkage
    assert 3.5 < s["patent_ratio_participants"] < 5.5   # ~4.6x (descriptive)
    assert s["near_duplicate_project_pairs"] > 0


def _oracle_light(ds, weighting="count", group_by="region", max_project_size=None):
    """The per-slice indicators computed by the dataset-level metric functions (the oracle
    of the registry's coded functions), for a dataset (a year-filtered slice)."""
    from netcluster import helix, linkage, openness, programme
    from netcluster.communities import modularity
    from netcluster.exceptions import NetclusterError
    proj = BipartiteNetwork.from_dataset(ds).project_organisations(weighting, max_project_size=max_project_size)
    orgs = ds.organisations.set_index("org_id")
    out = {"projects": len(ds.projects), "organisations": int(orgs["participant"].sum()),
           "participations": len(ds.participations), "ties": proj.n_ties}
    jp = programme.joint_projects(ds).iloc[0]
    out.update(joint_project_share=jp["joint_share"], two_firm_project_share=jp["two_firm_share"],
               mean_consortium_size=jp["mean_size"],
               two_firm_share_of_joint_projects=jp["two_firms"] / jp["joint"] if jp["joint"] else np.nan)
    if "complex" in orgs.columns:
        try:
            cov = programme.coverage(ds, by="complex")
        except NetclusterError:
            cov = None
        if cov is not None and not cov.attrs["params"]["note"]:
            out["complexes_covered_share"] = cov.attrs["params"]["groups_covered_share"]
            out["firm_coverage"] = cov.loc["(all)", "coverage"]
    if group_by in orgs.columns:
        groups = orgs[group_by]
        out[f"ei_index_{group_by}"] = openness.ei_index(proj, groups).ei
        out[f"cross_{group_by}_tie_share"] = linkage.cross_region_share(proj, groups).loc["(all)", "cross_share"]
        out[f"assortativity_{group_by}"] = linkage.assortativity(proj, groups)
        out[f"modularity_{group_by}_partition"] = modularity(proj, groups)
        po = openness.project_openness(ds, groups)
        out[f"open_project_share_{group_by}"] = (po["open_projects"].sum() / po["projects"].sum()
                                                 if po["projects"].sum() else np.nan)
    if group_by != "wide_region" and "wide_region" in orgs.columns and orgs["wide_region"].notna().any():
        out["cross_wide_region_tie_share"] = linkage.cross_region_share(proj, orgs["wide_region"]).loc[
            "(all)", "cross_share"]
    if "sector" in orgs.columns:
        ks = programme.knowledge_services(ds, proj)["value"]
        out["kis_share_participating_firms"] = ks["kis_share_participating_firms"]
        out["manufacturing_with_kis_partner"] = ks["manufacturing_with_kis_partner_share"]
    if ds.projects["programme"].nunique() > 1:
        ov = programme.programme_overlap(ds)
        out["programme_overlap_mean_jaccard"] = ov["pairs"]["jaccard"].mean()
        multi = ov["multi"]
        out["organisations_in_several_programmes"] = (multi.loc[multi["programmes"] >= 2, "organisations"].sum()
                                                      / multi["organisations"].sum())
    th = helix.triple_helix(ds, n_boot=0)
    if len(th):
        out["triple_helix_t_uig"] = th.iloc[0]["t_uig"]
    return out


def _headline_slices(ds, slices, **kw):
    rows = []
    for label, a, b in slices:
        sub = ds.filter_years(a, b)
        if len(sub.participations):
            rows += [(label, k, v) for k, v in _oracle_light(sub, **kw).items()]
    return rows


def _assert_same(fast: pd.DataFrame, slow_rows):
    got = {(s, i): v for s, i, v in fast[["slice", "indicator", "value"]].itertuples(index=False)}
    want = {(s, i): v for s, i, v in slow_rows}
    assert set(got) == set(want)
    for k, v in want.items():
        if v is None or (isinstance(v, float) and np.isnan(v)):
            assert got[k] is None or np.isnan(got[k]), k
        else:
            assert got[k] == pytest.approx(v, rel=1e-12, abs=1e-12), k


@pytest.mark.parametrize("kw", [{}, {"weighting": "newman", "group_by": "wide_region"},
                                {"group_by": "org_type", "max_project_size": 6}])
def test_fast_evolution_equals_headline_on_each_filtered_slice(sample_dataset, kw):
    """The registry's coded indicators on each slice against the dataset-level metric
    functions run on dataset.filter_years(a, b) (an independent implementation)."""
    for by in ("year", "phase"):
        fast = evolution(sample_dataset, by=by, **kw)
        fast = fast[~fast["indicator"].isin(["newcomer_share", "specialised_share"])]  # yearly series
        assert len(fast) > 50
        _assert_same(fast, _headline_slices(sample_dataset, year_slices(sample_dataset, by), **kw))


def test_scorecard_equals_the_metric_functions_on_the_whole_data(sample_dataset):
    """The whole-data figures of the scorecard against the dataset-level metric functions."""
    sc = scorecard(sample_dataset, n_permutations=9, n_boot=10).set_index("indicator")["value"]
    for k, v in _oracle_light(sample_dataset).items():
        assert sc[k] == pytest.approx(v, rel=1e-12, abs=1e-12), k


def test_fast_evolution_equals_headline_on_small_edge_cases():
    ds = small()
    _assert_same(evolution(ds, by="window", window=2), _headline_slices(ds, year_slices(ds, "window", window=2)))
    # unknown groups, no complex population, a programme column with one programme per year
    orgs = ds.organisations.copy()
    orgs.loc[orgs.index[:2], "region"] = None
    ds2 = nc.from_frames(ds.participations[["project_id", "org_id"]], orgs.drop(columns=["complex"],
                                                                                 errors="ignore"),
                         ds.projects)
    ev = evolution(ds2, by="year")
    _assert_same(ev[~ev["indicator"].isin(["newcomer_share", "specialised_share"])],
                 _headline_slices(ds2, year_slices(ds2, "year")))


def test_network_growth_equals_filtered_networks(sample_dataset):
    from netcluster.graph import BipartiteNetwork
    g = network_growth(sample_dataset)
    for y in g.index:
        sub = sample_dataset.filter_years(y, y)
        net = BipartiteNetwork.from_dataset(sub)
        assert g.loc[y].tolist() == [len(sub.projects), net.n_orgs, len(sub.participations),
                                     net.project_organisations("binary").n_ties]


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8, 1.0])
def test_similar_pair_prefix_filter_equals_all_pairs(threshold):
    """Prefix-filtered candidates keep every pair with Jaccard >= threshold (all-pairs oracle)."""
    import scipy.sparse as sp
    from netcluster.programme import _similar_pair_candidates
    rng = np.random.default_rng(int(threshold * 10))
    n_proj, n_orgs = 400, 60
    rows = []
    for p in range(n_proj):
        k = rng.integers(2, 9)
        base = rng.choice(n_orgs, size=k, replace=False, p=np.r_[np.full(5, 0.1), np.full(n_orgs - 5, 0.5 / (n_orgs - 5))])
        rows += [(p, o) for o in base]
    for p in range(0, 40, 2):  # near-copies
        rows += [(n_proj + p // 2, o) for q, o in rows if q == p]
    pi = np.array([r[0] for r in rows]); oi = np.array([r[1] for r in rows])
    n = pi.max() + 1
    B = sp.csr_matrix((np.ones(len(pi)), (pi, oi)), shape=(n, n_orgs))
    S = sp.triu(B @ B.T, k=1).tocoo()
    k = np.asarray(B.sum(axis=1)).ravel()
    jac = S.data / (k[S.row] + k[S.col] - S.data)
    want = {(r, c) for r, c, j in zip(S.row, S.col, jac) if j >= threshold - 1e-12}
    r, c = _similar_pair_candidates(pi, oi, n, n_orgs, threshold)
    got = set(zip(r.tolist(), c.tolist()))
    assert want <= got and len(want) > 0
    assert len(got) < S.nnz or threshold <= 0.3  # the filter prunes


def test_near_duplicates_unchanged_on_sample(sample_dataset):
    from netcluster.programme import near_duplicate_projects
    nd = near_duplicate_projects(sample_dataset)
    assert len(nd) == 5 and (nd["jaccard"] >= 0.8).all() and (nd["programme_a"] != nd["programme_b"]).all()


def _specialised_share_by_merges(dataset, by_year=True, weight=None):
    """Second implementation (the straightforward string merges) for the integer-coded one."""
    from netcluster.programme import _designated, ksic_division
    orgs = dataset.organisations
    des = _designated(orgs, None)
    firms = orgs[(orgs["org_type"] == "firm") & orgs["complex"].notna()][
        ["org_id", "complex", "sector"] + ([weight] if weight else [])].copy()
    firms["division"] = ksic_division(firms["sector"])
    firms["specialised"] = [d in des.get(c, set()) for d, c in zip(firms["division"], firms["complex"])]
    firms["w"] = firms[weight].fillna(0) if weight else 1.0
    act = dataset.participations[["project_id", "org_id"]].merge(
        dataset.projects[["project_id", "year"]], on="project_id").merge(firms, on="org_id")
    act = act.drop_duplicates(["org_id"] + (["year"] if by_year else []))
    act["ws"] = act["w"] * act["specialised"]
    keys = ["complex", "year"] if by_year else ["complex"]
    g = act.groupby(keys).agg(firms=("org_id", "size"), specialised_firms=("specialised", "sum"),
                              weight=("w", "sum"), specialised_weight=("ws", "sum"))
    return (g["specialised_weight"] / g["weight"]).where(g["weight"] > 0), g


@pytest.mark.parametrize("by_year,weight", [(True, None), (False, None), (True, "employees")])
def test_specialised_share_equals_merge_implementation(sample_dataset, by_year, weight):
    got = specialised_share(sample_dataset, by_year=by_year, weight=weight)
    got = got[got["complex"] != "(all)"].set_index(["complex", "year"] if by_year else ["complex"])
    share, g = _specialised_share_by_merges(sample_dataset, by_year, weight)
    assert len(got) == len(g) > 3
    for col in ("firms", "specialised_firms", "weight", "specialised_weight"):
        assert np.allclose(got[col].to_numpy(float), g.loc[got.index, col].to_numpy(float))
    assert np.allclose(got["share"].to_numpy(float), share.loc[got.index].to_numpy(float), equal_nan=True)


@pytest.mark.parametrize("distinct", [5, 3000])
def test_bootstrap_sums_match_resampling_firms(distinct):
    """The replicate sums (multinomial over distinct values when values repeat, firm indices
    otherwise) have the bootstrap's known moments — mean n*ybar, variance n*var(y) — and the
    same distribution as a direct resampling of firm indices."""
    from netcluster.programme import _bootstrap_sums
    rng = np.random.default_rng(5)
    cell = rng.integers(0, distinct, size=3000).astype(float) * 1.5
    n, B = len(cell), 4000
    sums = _bootstrap_sums(cell, B, np.random.default_rng(7))
    direct = cell[np.random.default_rng(8).integers(0, n, size=(B, n))].sum(axis=1)
    mu, sd = n * cell.mean(), np.sqrt(n * cell.var())
    for s in (sums, direct):
        assert abs(s.mean() - mu) < 4 * sd / np.sqrt(B)
        assert s.std() == pytest.approx(sd, rel=0.06)
    assert np.quantile(sums, [0.025, 0.975]) == pytest.approx(np.quantile(direct, [0.025, 0.975]), rel=0.01)
    assert np.array_equal(sums, _bootstrap_sums(cell, B, np.random.default_rng(7)))  # seeded


def test_scorecard_with_results_provided_equals_computing_them(sample_dataset):
    """analyze gives the whole-data slice the results it already has (projection, groups,
    E-I, the E-I test, communities, cross-region shares); the scorecard must be the same as
    computed alone."""
    from netcluster.scorecard import table
    from netcluster.communities import leiden
    from netcluster.groups import AlignedGroups, group_codes
    from netcluster.linkage import cross_region_share
    from netcluster.openness import ei_index, ei_permutation_test
    from netcluster.slices import Slice
    ds = sample_dataset
    groups = ds.organisations.set_index("org_id")["region"]
    proj = BipartiteNetwork.from_dataset(ds).project_organisations("count")
    alone = scorecard(ds, seed=3, n_permutations=49, n_boot=50)
    s = Slice.whole_data(ds, seed=3, n_permutations=49, n_boot=50)
    s.provide("projection", proj)
    s.provide("groups", AlignedGroups(proj.labels, *group_codes(proj.labels, groups)[:2]))
    s.provide("ei", ei_index(proj, groups))
    s.provide("ei test", ei_permutation_test(proj, groups, n_permutations=49, seed=3))
    s.provide("communities", leiden(proj, seed=3))
    s.provide("cross region", cross_region_share(proj, groups))
    s.provide("wide groups", AlignedGroups(proj.labels, *group_codes(
        proj.labels, ds.organisations.set_index("org_id")["wide_region"])[:2]))
    given = table(s)
    pd.testing.assert_frame_equal(alone, given)


def test_designated_industries_are_each_complexs_most_frequent_entry():
    """The designated divisions per complex: the most frequent 'specialised' text of its
    organisations (the first in text order among equally frequent ones: Series.mode), split
    into two-digit divisions — computed from pair counts, checked against mode() per group."""
    from netcluster.programme import _designated
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"complex": rng.choice(["A", "B", "C", None], 3000),
                       "specialised": rng.choice(["26;21", "21", "10,11", "20", " 30 ; 31", None], 3000)})
    df.loc[:3, "complex"], df.loc[:3, "specialised"] = "D", ["21", "10", "21", "10"]  # a tie: '10' first
    mode = df.dropna(subset=["complex", "specialised"]).groupby("complex")["specialised"].agg(
        lambda s: s.mode().iloc[0])
    expected = {k: {x.strip()[:2] for x in v.replace(",", ";").split(";") if x.strip()} for k, v in mode.items()}
    assert _designated(df, None) == expected and expected["D"] == {"10"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-100, 99999), st.text(max_size=8),
                          st.sampled_from(["26299", "C26", "26", "２６１", "²6", "7", "c-2-6"])), max_size=30))
def test_ksic_division_is_the_first_two_digits_of_each_cell(cells):
    """Oracle: the definition cell by cell (digits kept in order, the first two; fewer: missing)."""
    from netcluster.programme import ksic_division
    def one(v):
        if v is None:
            return None
        d = "".join(ch for ch in str(v) if ch.isdigit())
        return d[:2] if len(d) >= 2 else None
    got = ksic_division(pd.Series(cells, dtype=object))
    assert got.dtype == object and [None if pd.isna(g) else g for g in got] == [one(v) for v in cells]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sets(st.integers(0, 14), min_size=1, max_size=12), min_size=2, max_size=40),
       st.sampled_from([0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 1 / 3, 0.4, 0.5, 0.6, 2 / 3, 0.75, 0.9, 1.0]),
       st.sampled_from([100, 3, 6]))
def test_overlap_signatures_keep_every_similar_pair(projects, t, pairs_max):
    """Every pair of projects with Jaccard >= t (t <= 0: sharing any organisation) shares a
    signature — checked against every pair by plain sets, with hubs, tiny and large consortia,
    thresholds whose 1/t and t·x land on whole numbers, and (PAIR_SIGNATURES_MAX lowered)
    large projects on single-organisation prefixes beside pairs."""
    import netcluster.programme as programme
    from netcluster.programme import overlap_signatures
    programme.PAIR_SIGNATURES_MAX, before = pairs_max, programme.PAIR_SIGNATURES_MAX
    pi = np.array([p for p, s in enumerate(projects) for _ in s], dtype=np.int64)
    oi = np.array([o for s in projects for o in sorted(s)], dtype=np.int64)
    try:
        S = overlap_signatures(pi, oi, len(projects), 15, t)
    finally:
        programme.PAIR_SIGNATURES_MAX = before
    C = (S @ S.T).toarray()
    for a in range(len(projects)):
        for b in range(a + 1, len(projects)):
            x, y = projects[a], projects[b]
            jac = len(x & y) / len(x | y)
            if (jac >= t - 1e-12 and x & y) or (t <= 0 and x & y):
                assert C[a, b] > 0, (sorted(x), sorted(y), t)


def test_overlap_signatures_leave_out_pairs_sharing_one_organisation():
    """Two consortia of five sharing only a hub cannot reach Jaccard 0.3 (1/9): no candidate;
    two sharing two can (2/8 < 0.3 here, but 2 of 4 + 4 is 2/6): a candidate."""
    from netcluster.programme import overlap_signatures
    projects = [{0, 1, 2, 3, 4}, {0, 5, 6, 7, 8}, {10, 11, 12, 13}, {10, 11, 14, 15}]
    pi = np.array([p for p, s in enumerate(projects) for _ in s], dtype=np.int64)
    oi = np.array([o for s in projects for o in sorted(s)], dtype=np.int64)
    C = (overlap_signatures(pi, oi, 4, 16, 0.3) @ overlap_signatures(pi, oi, 4, 16, 0.3).T).toarray()
    assert C[0, 1] == 0 and C[2, 3] > 0


def test_a_project_of_thousands_carries_no_pairs():
    """A programme-wide record of 5,000 organisations would carry 12.5 million pairs; it
    carries single organisations of its prefix, and still meets its near-copy."""
    from netcluster.programme import PAIR_SIGNATURES_MAX, overlap_signatures
    big = list(range(5000))
    projects = [big, big[:4000], list(range(5000, 5004)), list(range(5000, 5003)) + [7]]
    pi = np.array([p for p, s in enumerate(projects) for _ in s], dtype=np.int64)
    oi = np.array([o for s in projects for o in s], dtype=np.int64)
    S = overlap_signatures(pi, oi, 4, 5010, 0.3)
    assert S.nnz < 20_000 and PAIR_SIGNATURES_MAX < 5000
    C = (S @ S.T).toarray()
    assert C[0, 1] > 0 and C[2, 3] > 0 and C[0, 2] == 0
