"""Network structure over time against networkx (an independent implementation) and a
hand-built history of newcomers."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from networkx.algorithms import bipartite

import netcluster as nc
from netcluster.graph import BipartiteNetwork
from netcluster.structure import network_structure, structure_over_time


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_network_structure_equals_networkx(seed):
    b = bipartite.random_graph(60, 30, 0.07, seed=seed)
    src, dst = zip(*[(f"o{u}", f"p{v}") if u < 60 else (f"o{v}", f"p{u}") for u, v in b.edges()])
    proj = BipartiteNetwork.from_edges(list(src), list(dst)).project_organisations()
    g = nx.Graph()
    g.add_nodes_from(proj.labels)
    r, c, _, _ = proj.tie_arrays()
    g.add_edges_from(zip(proj.labels[r], proj.labels[c]))
    s = network_structure(proj)
    n = g.number_of_nodes()
    assert s["density"] == pytest.approx(nx.density(g))
    comps = list(nx.connected_components(g))
    assert s["components"] == len(comps)
    assert s["largest_component_share"] == pytest.approx(max(map(len, comps)) / n)
    assert s["isolates"] == nx.number_of_isolates(g)
    assert s["average_clustering"] == pytest.approx(nx.average_clustering(g))
    deg = np.array([d for _, d in g.degree()], dtype=float)
    assert s["degree_centralisation"] == pytest.approx((deg.max() - deg).sum() / ((n - 1) * (n - 2)))
    core = nx.core_number(g)
    k = max(core.values())
    assert s["max_core"] == k and s["main_core_share"] == pytest.approx(sum(v == k for v in core.values()) / n)


def test_newcomers_and_their_ties_to_the_earlier_core():
    """2010: a triangle a-b-c (the core, k=2) and a pair d-e; 2011: newcomers x (with a) and
    y (with d), z alone with w (both new), and a again: x is tied to the core, y and z and w
    are not -> 1 of 4 newcomers."""
    part = pd.DataFrame({"project_id": ["P1"] * 3 + ["P2"] * 2 + ["Q1"] * 2 + ["Q2"] * 2 + ["Q3"] * 2,
                         "org_id": list("abcde") + ["x", "a", "y", "d", "z", "w"]})
    proj = pd.DataFrame({"project_id": ["P1", "P2", "Q1", "Q2", "Q3"], "year": [2010, 2010, 2011, 2011, 2011]})
    ds = nc.from_frames(part, projects=proj)
    st = structure_over_time(ds).set_index("slice")
    assert st.loc["2010", "newcomers"] == 5 and np.isnan(st.loc["2010", "newcomers_tied_to_core_share"])
    assert st.loc["2011", "newcomers"] == 4
    assert st.loc["2011", "newcomers_tied_to_core_share"] == pytest.approx(1 / 4)
    assert st.loc["2011", "organisations"] == 6 and st.loc["2011", "components"] == 3


def test_structure_by_phase_covers_the_phases():
    ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    st = structure_over_time(ds, by="phase")
    ev = nc.evolution(ds, by="phase")
    orgs = ev[ev["indicator"] == "organisations"].set_index("slice")["value"]
    assert (st.set_index("slice")["organisations"] == orgs.reindex(st["slice"]).to_numpy()).all()
    assert st["largest_component_share"].between(0, 1).all() and st["density"].between(0, 1).all()


@pytest.mark.parametrize("seed,max_size", [(0, None), (3, 4), (2, None)])
def test_newcomers_tied_to_core_against_networkx(seed, max_size):
    """Each period's share from networkx alone: the graph of all earlier projects (those up to
    ``max_project_size``: larger ones leave no ties), its main core (``core_number``), the
    period's graph and its newcomers (first project in the period).  Projects without a year
    and single-participant projects included."""
    rng = np.random.default_rng(seed)
    rows, years = [], {}
    for p in range(120):
        k = int(rng.integers(1, 7))
        orgs = rng.choice(40, size=k, replace=False, p=np.r_[[0.15, 0.1], np.full(38, 0.75 / 38)])
        rows += [(f"P{p}", f"o{o}") for o in orgs]
        years[f"P{p}"] = float(rng.choice([2008, 2009, 2010, 2011, 2012, np.nan]))
    part = pd.DataFrame(rows, columns=["project_id", "org_id"])
    proj = pd.DataFrame({"project_id": list(years), "year": list(years.values())})
    ds = nc.from_frames(part, projects=proj)
    got = structure_over_time(ds, max_project_size=max_size).set_index("slice")

    members = part.groupby("project_id")["org_id"].agg(list)

    def graph(projects):
        g = nx.Graph()
        for p in projects:
            g.add_nodes_from(members[p])
            if max_size is None or len(members[p]) <= max_size:
                g.add_edges_from((u, v) for i, u in enumerate(members[p]) for v in members[p][i + 1:])
        return g

    first = {}
    for p, y in sorted((kv for kv in years.items() if not np.isnan(kv[1])), key=lambda kv: kv[1]):
        for o in members[p]:
            first.setdefault(o, y)
    checked = 0
    for year in (2009, 2010, 2011, 2012):
        earlier = graph([p for p, y in years.items() if y < year])
        now = graph([p for p, y in years.items() if y == year])
        core = nx.core_number(earlier)
        k = max(core.values())
        main = {o for o, v in core.items() if v == k}
        new = [o for o in now if first[o] == year]
        want = np.mean([any(n in main for n in now[o]) for o in new]) if new else np.nan
        assert got.loc[str(year), "newcomers"] == len(new)
        if np.isnan(want):
            assert np.isnan(got.loc[str(year), "newcomers_tied_to_core_share"])
        else:
            assert got.loc[str(year), "newcomers_tied_to_core_share"] == pytest.approx(want)
            checked += 1
    assert checked >= 2


def test_year_spans_are_shared_only_between_equal_networks():
    """dataset_year_spans gives the cached spans again only for a projection with the same
    organisations and ties: the dated projects' network differs from the whole network when a
    project without a year adds a tie, and then its spans are its own (year_spans as oracle)."""
    from netcluster.evolution import dataset_year_spans, year_spans
    from netcluster.slices import Slice
    part = pd.DataFrame({"project_id": ["P", "P", "Q", "Q", "R", "R"], "org_id": ["a", "b", "b", "c", "a", "c"]})
    proj = pd.DataFrame({"project_id": ["P", "Q", "R"], "year": [2010, 2012, None]})
    ds = nc.from_frames(part, projects=proj)
    whole = Slice(ds, whole=True)
    dated = Slice(ds, start=None, end=None)
    years = ds.projects.set_index("project_id")["year"]
    got_whole = dataset_year_spans(ds, whole.network, whole.projection)
    got_dated = dataset_year_spans(ds, dated.network, dated.projection)
    assert whole.projection.n_ties == 3 and dated.projection.n_ties == 2  # R (no year) ties a and c
    for got, s in ((got_whole, whole), (got_dated, dated)):
        want = year_spans(s.network, s.projection, years)
        pd.testing.assert_frame_equal(got[0], want[0])
        pd.testing.assert_frame_equal(got[1], want[1])
    again = Slice(ds, whole=True)
    assert dataset_year_spans(ds, again.network, again.projection) is got_whole  # same network: computed once
