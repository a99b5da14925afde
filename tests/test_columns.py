"""The output-column specification: every output reads it, and one entry (with its function)
brings a column to all of them."""
import json
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from netcluster.pipeline import analyze
from netcluster.write import columns as spec


def _page_data(path):
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="nc-data">(.*?)</script>', html, re.S).group(1))


def test_every_output_column_is_specified_once(demo_out):
    """organisations.csv and ties.csv hold the specification's columns in its order (the
    data's own unknown columns would follow); ids are unique; labels exist in both languages."""
    ids = [c.id for c in spec.ORGANISATION_COLUMNS]
    assert len(ids) == len(set(ids)) and len({c.id for c in spec.TIE_COLUMNS}) == len(spec.TIE_COLUMNS)
    for c in spec.ORGANISATION_COLUMNS + spec.TIE_COLUMNS:
        assert c.label["ko"] and c.label["en"] and c.fmt in {"text", "int", "float", "index", "share", "p", "year", "bool"}
        assert c.outputs <= set(spec.OUTPUTS)
    orgs = pd.read_csv(demo_out / "organisations.csv", nrows=1, encoding="utf-8-sig")
    keys = [c.key("region") for c in spec.ORGANISATION_COLUMNS]
    assert all(c in keys for c in orgs.columns)
    assert list(orgs.columns) == [k for k in keys if k in orgs.columns]  # the specification's order
    ties = pd.read_csv(demo_out / "ties.csv", nrows=1, encoding="utf-8-sig")
    assert list(ties.columns) == [c.key("region") for c in spec.TIE_COLUMNS]


def test_coreness_reaches_every_output_through_its_entry(demo_out):
    """The k-core number, declared once in the specification, is in organisations.csv, the
    workbook, the GEXF, the report's organisation table and the network page's tooltip and
    size-by menu — with the values of networkx's core_number."""
    orgs = pd.read_csv(demo_out / "organisations.csv", dtype={"org_id": str}, encoding="utf-8-sig")
    ties = pd.read_csv(demo_out / "ties.csv", dtype={"source": str, "target": str}, encoding="utf-8-sig")
    g = nx.Graph()
    g.add_nodes_from(orgs["org_id"])
    g.add_edges_from(zip(ties["source"], ties["target"]))
    assert dict(zip(orgs["org_id"], orgs["coreness"])) == nx.core_number(g)
    ws = load_workbook(demo_out / "indicators.xlsx", read_only=True)["organisations"]
    assert spec.column("coreness").label["ko"] in next(ws.iter_rows(values_only=True))  # the sheet's label
    gexf = nx.read_gexf(demo_out / "network.gexf")
    node = next(iter(gexf.nodes(data=True)))[1]
    assert "coreness" in node
    report = (demo_out / "report.html").read_text(encoding="utf-8")
    top = report[report.index('id="organisations"'):]
    assert f"<th>{spec.column('coreness').label['ko']}</th>" in top[:top.index("</table>")]  # a Korean report
    data = _page_data(demo_out / "network.html")
    assert "coreness" in data["sizeMeasures"] and "coreness" in data["tooltipAttrs"]
    assert data["attrLabels"]["coreness"] == spec.column("coreness").label["ko"]


def test_a_new_measure_needs_only_its_entry(tmp_path, sample_tables, monkeypatch):
    """Adding a column to the specification (here: a made-up measure, degree squared) brings it
    to the table, the GEXF and the size menu with no other change."""
    def degree_squared(projection):
        d = projection.degree()
        return (d * d).rename("degree_squared").rename_axis("org_id")
    extra = spec.Column("degree_squared", {"ko": "연결정도 제곱", "en": "degree squared"}, "int",
                        frozenset({"table", "graph", "size"}), degree_squared)
    monkeypatch.setattr(spec, "ORGANISATION_COLUMNS", spec.ORGANISATION_COLUMNS + (extra,))
    out = tmp_path / "o"
    a = analyze(sample_tables, out, n_permutations=9, jobs=1)
    assert (a.organisations["degree_squared"] == a.organisations["degree"] ** 2).all()
    assert "degree_squared" in nx.read_gexf(out / "network.gexf").nodes[a.organisations.index[0]]
    assert "degree_squared" in _page_data(out / "network.html")["sizeMeasures"]


def test_columns_for_keeps_unknown_columns_in_the_table_only():
    have = ["org_id", "name", "my_own_score", "degree", "coreness"]
    assert spec.columns_for("table", have) == ["org_id", "name", "degree", "coreness", "my_own_score"]
    assert spec.columns_for("size", have) == ["degree", "coreness"]
    with pytest.raises(ValueError, match="unknown output"):
        spec.columns_for("pdf", have)
    with pytest.raises(KeyError, match="known"):
        spec.column("no such column")


def test_organisation_table_orders_measures_by_the_specification():
    attrs = pd.DataFrame({"name": ["a", "b"], "file": ["f", "f"], "mine": [1, 2]},
                         index=pd.Index(["1", "2"], name="org_id"))
    parts = [pd.DataFrame({"pagerank": [0.5, 0.5], "degree": [1, 1]}, index=attrs.index),
             pd.Series([1, 1], index=attrs.index, name="coreness")]
    got = spec.organisation_table(attrs, parts, group_by="region")
    assert list(got.columns) == ["name", "mine", "degree", "coreness", "pagerank"]  # "file": no output


def test_organisation_table_aligns_parts_as_a_join():
    """Parts indexed in another order, with organisations missing or extra, of several dtypes:
    the table equals the attributes joined with the parts (pandas' own alignment)."""
    ids = [f"o{i}" for i in range(6)]
    attrs = pd.DataFrame({"name": list("abcdef")}, index=pd.Index(ids, name="org_id"))
    same = pd.DataFrame({"degree": np.arange(6), "pagerank": np.linspace(0, 1, 6)}, index=pd.Index(list(ids)))
    shuffled = pd.Series([True, False, True, True], index=["o3", "o0", "o5", "zz"], name="is_gatekeeper")
    partial = pd.DataFrame({"community": pd.array([2, 1], dtype="Int64"),
                            "region_ei": [0.5, -1.0]}, index=["o4", "o1"])
    got = spec.organisation_table(attrs, [same, shuffled, partial], group_by="region")
    expected = attrs.join(same).join(shuffled).join(partial)  # each part left-joined
    assert sorted(got.columns) == sorted(expected.columns)
    pd.testing.assert_frame_equal(got, expected[got.columns])
