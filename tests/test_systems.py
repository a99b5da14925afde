"""Who runs the network and the regional innovation system, against hand counts and networkx."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netcluster as nc
from netcluster.systems import regional_innovation_system, type_shares_over_time


@pytest.fixture(scope="module")
def small():
    """2010: P1 = firm f1 (lead), university u, support s; P2 = firm f2 (lead), firm f3.
    2011: P3 = support s (lead), firm f1, research r."""
    part = pd.DataFrame({"project_id": ["P1", "P1", "P1", "P2", "P2", "P3", "P3", "P3"],
                         "org_id": ["f1", "u", "s", "f2", "f3", "s", "f1", "r"],
                         "role": ["lead", "participant", "participant", "lead", "participant", "lead", "participant",
                                  "participant"]})
    orgs = pd.DataFrame({"org_id": ["f1", "f2", "f3", "u", "s", "r"],
                         "name": ["A산업", "B전자", "C소프트", "한국대학교 산학협력단", "충북테크노파크", "한국기계연구원"],
                         "org_type": ["firm", "firm", "firm", "university", "support", "research"],
                         "region": ["충북", "충북", "서울", "충북", "충북", "대전"],
                         "sector": ["26299", "26299", "58221", None, None, None]})
    proj = pd.DataFrame({"project_id": ["P1", "P2", "P3"], "year": [2010, 2010, 2011]})
    return nc.from_frames(part, orgs, proj)


def test_type_shares_by_hand(small):
    ts = type_shares_over_time(small).set_index(["slice", "org_type"])
    # 2010 ties: f1-u, f1-s, u-s, f2-f3 -> support in 2 of 4; firms in 3 of 4; leads: both firms
    assert ts.loc[("2010", "support"), "ties_share"] == pytest.approx(2 / 4)
    assert ts.loc[("2010", "firm"), "ties_share"] == pytest.approx(3 / 4)
    assert ts.loc[("2010", "firm"), "lead_share"] == 1.0 and ts.loc[("2010", "support"), "lead_share"] == 0.0
    assert ts.loc[("2011", "support"), "lead_share"] == 1.0
    # government + support together: ties f1-s, u-s in 2010 (2 of 4), each tie once
    assert ts.loc[("2010", "government+support"), "ties_share"] == pytest.approx(2 / 4)
    # betweenness: networkx on 2010's projection (a triangle and a pair: nobody brokers)
    assert np.isnan(ts.loc[("2010", "firm"), "betweenness_share"])
    ts2 = type_shares_over_time(small, by="phase", phases={"all": (2010, 2011)}).set_index("org_type")
    g = nx.Graph([("f1", "u"), ("f1", "s"), ("u", "s"), ("f2", "f3"), ("s", "f1"), ("s", "r"), ("f1", "r")])
    b = nx.betweenness_centrality(g, normalized=False)
    total = sum(b.values())
    assert ts2.loc["support", "betweenness_share"] == pytest.approx(b["s"] / total)
    assert ts2.loc["firm", "betweenness_share"] == pytest.approx((b["f1"] + b["f2"] + b["f3"]) / total)


def test_type_shares_leave_out_projects_the_projection_leaves_out(small):
    """With max_project_size=2 (as analyze --max-project-size 2) 2010's three-participant P1
    is out of the projection: its one tie f2-f3 is between firms; P3 (three) leaves 2011
    without ties. Leads still count every project."""
    ts = type_shares_over_time(small, max_project_size=2).set_index(["slice", "org_type"])
    assert ts.loc[("2010", "firm"), "ties_share"] == 1.0 and ts.loc[("2010", "support"), "ties_share"] == 0.0
    assert ts.loc[("2010", "firm"), "lead_share"] == 1.0 and ts.loc[("2011", "support"), "lead_share"] == 1.0
    assert np.isnan(ts.loc[("2011", "support"), "ties_share"])  # no tie that year: missing, not 0


def test_regional_innovation_system_by_hand(small):
    proj = nc.BipartiteNetwork.from_dataset(small).project_organisations()
    ris = regional_innovation_system(small, proj)
    # 충북 firms f1, f2: f1's partners u, s, r (u, s local; r in 대전), f2's partner f3 (서울)
    row = ris.loc["충북"]
    assert row["firms"] == 2 and row["firm_ties"] == 4
    assert row["firm_university_tie_share"] == pytest.approx(1 / 4)
    assert row["firm_research_tie_share"] == pytest.approx(1 / 4)
    assert row["firm_partners_local_share"] == pytest.approx(2 / 4)
    # 서울: f3 is a software firm (KSIC 58221, a knowledge service) tied only to f2 (충북)
    assert ris.loc["서울", "kis_firms"] == 1 and ris.loc["서울", "kis_mean_degree"] == 1.0
    assert ris.loc["서울", "kis_external_share"] == 1.0
    nat = ris.loc["(national)"]
    assert nat["firms"] == 3 and nat["firm_ties"] == 5  # f1: 3, f2: 1, f3: 1


def _typed_random_dataset(seed, n_proj=260, n_orgs=180):
    """A random dataset of one year with every organisation type (hubs among them)."""
    rng = np.random.default_rng(seed)
    types = np.array(["firm", "university", "research", "support", "government"])
    org_type = types[rng.choice(5, size=n_orgs, p=[0.6, 0.15, 0.1, 0.1, 0.05])]
    weights = rng.pareto(1.5, size=n_orgs) + 1
    rows = []
    for p in range(n_proj):
        k = int(rng.integers(2, 5))
        for o in rng.choice(n_orgs, size=k, replace=False, p=weights / weights.sum()):
            rows.append((f"P{p}", f"o{o}"))
    part = pd.DataFrame(rows, columns=["project_id", "org_id"]).drop_duplicates()
    orgs = pd.DataFrame({"org_id": [f"o{i}" for i in range(n_orgs)], "org_type": org_type})
    proj = pd.DataFrame({"project_id": [f"P{p}" for p in range(n_proj)], "year": 2010})
    return nc.from_frames(part, orgs, proj)


def _exact_shares(ds):
    """Each type's share of the summed betweenness, by networkx alone."""
    g = nx.Graph()
    members = ds.participations.groupby("project_id")["org_id"].agg(list)
    for m in members:
        g.add_nodes_from(m)
        g.add_edges_from((u, v) for i, u in enumerate(m) for v in m[i + 1:])
    b = pd.Series(nx.betweenness_centrality(g, normalized=False))
    t = ds.organisations.set_index("org_id")["org_type"].reindex(b.index)
    return b.groupby(t).sum() / b.sum()


@pytest.mark.parametrize("seed", [0, 1])
def test_sampled_betweenness_shares_within_their_standard_error(seed, monkeypatch):
    """Above EXACT_WORK (lowered here) the shares are sampled with a standard error: with
    every node as a source they equal networkx's exact shares; with the default rule the
    error against the exact shares is within three standard errors (and the rule's
    precision or its source cap is what stopped it)."""
    import netcluster.systems as systems
    ds = _typed_random_dataset(seed)
    exact = _exact_shares(ds)
    ts = systems.type_shares_over_time(ds).set_index("org_type")  # within EXACT_WORK: exact
    assert (ts["betweenness_share_se"] == 0).all() and (ts["betweenness_sources"] == ts["organisations"].sum()
                                                         - ts.loc["government+support", "organisations"]).all()
    for ty, share in exact.items():
        assert ts.loc[ty, "betweenness_share"] == pytest.approx(share, abs=1e-12)
    monkeypatch.setattr(systems, "EXACT_WORK", 0)
    monkeypatch.setattr(systems, "SHARE_MAX_SOURCES", 10_000)  # every node a source: exact
    monkeypatch.setattr(systems, "SHARE_SE", -1.0)  # (no stop for precision)
    ts = systems.type_shares_over_time(ds).set_index("org_type")
    for ty, share in exact.items():
        assert ts.loc[ty, "betweenness_share"] == pytest.approx(share, abs=1e-12)
    monkeypatch.setattr(systems, "SHARE_MAX_SOURCES", 64)
    monkeypatch.setattr(systems, "SHARE_SE", 0.01)
    ts = systems.type_shares_over_time(ds, seed=seed).set_index("org_type")
    n_sources = ts["betweenness_sources"].iloc[0]
    assert 32 <= n_sources <= 64
    se = ts["betweenness_share_se"]
    assert n_sources == 64 or (se <= systems.SHARE_SE).all()
    for ty, share in exact.items():
        assert abs(ts.loc[ty, "betweenness_share"] - share) <= 3 * se[ty] + 1e-12
