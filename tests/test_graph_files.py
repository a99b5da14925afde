"""network.gexf (GEXF 1.3) and network.graphml read back by independent readers (networkx's
GEXF reader, igraph's GraphML reader): Gephi gets positions, colours, sizes and a time line;
GraphML keeps the unique id."""


import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netcluster as nc
from netcluster.layout import layout_positions
from netcluster.pipeline import analyze
from netcluster.write.gexf import VIZ_SIZE_MAX, VIZ_SIZE_MIN
from netcluster.write.palettes import province_colours


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("graphfiles")
    a = analyze(nc.datasets.get_path("korea_cluster_tables"), out, n_permutations=9, jobs=2, graphml=True)
    return a, out


def _years_oracle(src):
    """First/last year per organisation and per pair, by plain pandas on the input tables."""
    ds = nc.load_dataset(src)
    part = ds.participations[["project_id", "org_id"]].merge(ds.projects[["project_id", "year"]], on="project_id")
    part = part.dropna(subset=["year"])
    orgs = part.groupby("org_id")["year"].agg(["min", "max"])
    pairs = part.merge(part, on=["project_id", "year"])
    pairs = pairs[pairs["org_id_x"] != pairs["org_id_y"]]
    ties = pairs.groupby(["org_id_x", "org_id_y"])["year"].agg(["min", "max"])
    return orgs, ties


def test_gexf_13_has_positions_colours_sizes_and_a_time_line(run):
    a, out = run
    raw = (out / "network.gexf").read_text(encoding="utf-8")
    assert 'xmlns="http://gexf.net/1.3"' in raw and 'version="1.3"' in raw and 'timeformat="integer"' in raw
    g = nx.read_gexf(out / "network.gexf", version="1.3")
    orgs = a.organisations
    assert g.number_of_nodes() == len(orgs) and g.number_of_edges() == len(a.ties)
    # positions: the network page's layout of the whole network (recomputed here)
    xy = layout_positions(a.projection, 0)
    pos = dict(zip(a.projection.labels, xy))
    for n in list(g.nodes)[:50]:
        p = g.nodes[n]["viz"]["position"]
        assert (p["x"], p["y"]) == pytest.approx(tuple(pos[n]), abs=0.006)
    # colours: the fixed province colours; sizes: by degree
    pal = province_colours()
    deg = orgs["degree"].astype(float)
    for n in list(g.nodes)[:200]:
        v = g.nodes[n]["viz"]
        region = orgs.loc[n, "region"]
        if isinstance(region, str):
            assert "#%02x%02x%02x" % (v["color"]["r"], v["color"]["g"], v["color"]["b"]) == pal[region].lower()
        want = VIZ_SIZE_MIN + np.sqrt(deg[n] / deg.max()) * (VIZ_SIZE_MAX - VIZ_SIZE_MIN)
        assert v["size"] == pytest.approx(want, abs=0.006)
    # the time line: first/last year of each organisation and each tie, against pandas
    o_years, t_years = _years_oracle(nc.datasets.get_path("korea_cluster_tables"))
    for n, d in g.nodes(data=True):
        assert (d["start"], d["end"]) == (o_years.loc[n, "min"], o_years.loc[n, "max"]), n
    for u, v, d in list(g.edges(data=True))[:2000]:
        assert (d["start"], d["end"]) == tuple(t_years.loc[(u, v)]), (u, v)
    # the same years in the tables
    ties = pd.read_csv(out / "ties.csv", dtype={"source": str, "target": str}, encoding="utf-8-sig")
    t = ties.iloc[7]
    assert (t["first_year"], t["last_year"]) == tuple(t_years.loc[(t["source"], t["target"])])


def test_graphml_keeps_the_unique_id_as_the_node_id(run):
    a, out = run
    g = ig.Graph.Read_GraphML(str(out / "network.graphml"))
    orgs = a.organisations
    assert set(g.vs["id"]) == set(orgs.index) and g.vs["name"] == g.vs["id"]
    names = dict(zip(g.vs["id"], g.vs["label"]))
    some = orgs.index[:20]
    assert [names[i] for i in some] == orgs.loc[some, "name"].tolist()
    h = nx.read_graphml(out / "network.graphml")
    assert set(h.nodes) == set(orgs.index)


def test_no_positions_above_the_limit_and_static_without_years(tmp_path, monkeypatch):
    from netcluster.run import steps
    monkeypatch.setattr(steps, "GEXF_LAYOUT_MAX_NODES", 3)
    p = tmp_path / "in.csv"
    p.write_text("project_id,org_id,region\nP1,a,서울\nP1,b,부산\nP2,b,부산\nP2,c,대구\nP2,d,서울\n", encoding="utf-8")
    a = analyze(p, tmp_path / "o", n_permutations=9, jobs=1)
    raw = (tmp_path / "o" / "network.gexf").read_text(encoding="utf-8")
    assert "viz:position" not in raw and "viz:color" in raw and 'mode="static"' in raw and " start=" not in raw
    assert a.params["graph_file"]["positions"] is False
    g = nx.read_gexf(tmp_path / "o" / "network.gexf", version="1.3")
    assert set(g.nodes) == {"a", "b", "c", "d"}
