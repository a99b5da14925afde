"""analyze outputs: files, offline HTML, escaping, formula injection, GEXF round trip,
determinism and locale independence."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings, strategies as st
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netcluster as nc
from netcluster.cli import main
from netcluster.write.safety import neutralise, safe_frame
from netcluster.write.pages import json_for_script
from netcluster.pipeline import OUTPUT_FILES, analyze

from hostile import HOSTILE_NAMES, hostile_frames

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def hostile_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    ds = nc.from_frames(*hostile_frames())
    analyze(None, out, dataset=ds, n_permutations=19)
    return out


def test_all_files_written_and_nothing_elsewhere(demo_out, tmp_path, monkeypatch):
    for f in OUTPUT_FILES:
        assert (demo_out / f).exists(), f
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "o"
    main(["demo", "--out", str(out), "--permutations", "19", "--quiet"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]          # nothing in the cwd
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)


URL = re.compile(rb"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.I)


@pytest.mark.parametrize("page", ["report.html", "network.html", "regions.html"])
def test_html_has_no_external_reference(demo_out, page):
    raw = (demo_out / page).read_bytes()
    urls = {m.group(0).decode() for m in re.finditer(rb"https?://[^\s\"'<>)]+", raw)}
    # XML namespace identifiers are names, not fetched resources
    assert urls <= {"http://www.w3.org/2000/svg"}, urls
    assert not re.search(rb"<(script|link|img|iframe)[^>]+(src|href)\s*=", raw, re.I)
    assert b"@import" not in raw and b"url(http" not in raw.lower()
    assert raw.startswith(b"<!DOCTYPE html>") and b'<meta charset="utf-8">' in raw
    raw.decode("utf-8")  # valid UTF-8
    assert "Malgun Gothic".encode() in raw  # Korean font stack


def test_json_for_script_cannot_close_tag():
    s = json_for_script({"name": "</script><script>alert(1)</script>", "x": "a\u2028b&"})
    assert "</" not in s and "<" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s)["name"] == "</script><script>alert(1)</script>"


def test_hostile_names_escaped_in_html(hostile_out):
    for page in ("report.html", "network.html", "regions.html"):
        text = (hostile_out / page).read_text(encoding="utf-8")
        for name in HOSTILE_NAMES:
            if any(ch in name for ch in "<>"):
                assert name not in text, (page, name)
        assert "<script>alert" not in text and "<b>bold" not in text
        assert not re.search(r"<img[^>]*onerror", text) and not re.search(r"<svg[^>]*onload", text)
        # no name closed a script element: exactly our own script blocks are closed
        assert text.count("</script>") == {"report.html": 1, "network.html": 2, "regions.html": 2}[page]


def test_formula_injection_neutralised(hostile_out):
    orgs = pd.read_csv(hostile_out / "organisations.csv", dtype=str, encoding="utf-8-sig")
    names = set(orgs["name"])
    assert "'=HYPERLINK(\"http://evil.example/\",\"click\")" in names
    assert "'+SUM(1,1)" in names and "'@cmd" in names and "'-2+3" in names
    for v in orgs.fillna("").to_numpy().ravel():
        assert not str(v).startswith(("=", "+", "@", "\t", "\r")), v
        assert not (str(v).startswith("-") and not re.fullmatch(r"-[0-9.eE+-]+", str(v))), v
    raw = (hostile_out / "organisations.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    sc = pd.read_csv(hostile_out / "scorecard.csv", encoding="utf-8-sig")
    assert pd.to_numeric(sc["value"], errors="coerce").notna().sum() > 10  # numbers stay numbers
    from openpyxl import load_workbook
    wb = load_workbook(hostile_out / "indicators.xlsx")
    ws = wb["organisations"]
    header = [c.value for c in ws[1]]
    labels = {r[1]: r[2] for r in wb["labels"].iter_rows(min_row=2, values_only=True) if r[0] == "organisations"}
    col = header.index(labels["name"]) + 1
    vals = [ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)]
    # XLSX text cells are inline strings (never evaluated): the exact names, no apostrophe
    csv_names = pd.read_csv(hostile_out / "organisations.csv", dtype=str, encoding="utf-8-sig")["name"].dropna()
    assert set(v for v in vals if v is not None) == {v[1:] if v.startswith("'") else v for v in csv_names}
    assert '=HYPERLINK("http://evil.example/","click")' in vals and "@cmd" in vals and "-2+3" in vals
    assert all(ws.cell(row=r, column=col).data_type == "s" for r in range(2, ws.max_row + 1) if vals[r - 2])
    import zipfile
    with zipfile.ZipFile(hostile_out / "indicators.xlsx") as z:
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/work"))
    deg = header.index(labels["degree"]) + 1
    assert all(isinstance(ws.cell(row=r, column=deg).value, (int, float)) for r in range(2, ws.max_row + 1))


def test_neutralise_rules():
    assert neutralise("=1+1") == "'=1+1" and neutralise("-1.5") == "-1.5" and neutralise("+3") == "+3"
    assert neutralise("-1+2") == "'-1+2" and neutralise("\r=x") == "'\r=x" and neutralise(5) == 5
    df = pd.DataFrame({"=bad header": ["@x", "ok"], "n": [1, 2]})
    out = safe_frame(df)
    assert list(out.columns) == ["'=bad header", "n"] and out["n"].tolist() == [1, 2]


def test_gexf_round_trip(demo_out):
    g = nx.read_gexf(demo_out / "network.gexf")
    orgs = pd.read_csv(demo_out / "organisations.csv", dtype={"org_id": str}, encoding="utf-8-sig").set_index("org_id")
    ties = pd.read_csv(demo_out / "ties.csv", dtype={"source": str, "target": str}, encoding="utf-8-sig")
    assert g.number_of_nodes() == len(orgs) and g.number_of_edges() == len(ties)
    some = orgs.index[5]
    assert g.nodes[some]["region"] == orgs.loc[some, "region"]
    assert g.nodes[some]["betweenness"] == pytest.approx(orgs.loc[some, "betweenness"])
    t = ties.iloc[3]
    assert g[t["source"]][t["target"]]["weight"] == pytest.approx(t["weight"])
    assert b"lastmodifieddate" not in (demo_out / "network.gexf").read_bytes()


def test_graphml_on_request(tmp_path):
    ds = nc.from_frames(*hostile_frames())
    a = analyze(None, tmp_path, dataset=ds, n_permutations=9, graphml=True)
    g = nx.read_graphml(tmp_path / "network.graphml")
    assert g.number_of_edges() == len(a.ties)


def _run_demo(out, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8", "PYTHONIOENCODING",
                                                                      "PYTHONHASHSEED"))}
    env.update(env_extra)
    code = ("import sys; from netcluster.cli import main; "
            f"sys.exit(main(['demo', '--out', {str(out)!r}, '--permutations', '49', '--quiet']))")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, cwd=str(out.parent))
    assert r.returncode == 0, r.stderr.decode(errors="replace")


@pytest.mark.slow
def test_identical_bytes_across_runs_and_locales(tmp_path):
    a, b = tmp_path / "utf8", tmp_path / "c_locale"
    _run_demo(a, {"LC_ALL": "C.UTF-8", "PYTHONUTF8": "1", "PYTHONHASHSEED": "1"})
    _run_demo(b, {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii",
                  "PYTHONHASHSEED": "2"})
    for f in OUTPUT_FILES:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_analyze_options(tmp_path, sample_tables):
    a = analyze(sample_tables, tmp_path, group_by="wide_region", years="2009-2013", weighting="newman",
                n_permutations=19, max_network_nodes=200, lang="en")
    assert set(a.dataset.projects["year"]) <= set(range(2009, 2014))
    assert set(a.openness.index) <= {"수도권", "충청권", "호남권", "대경권", "동남권", "강원권", "제주권"}
    html = (tmp_path / "network.html").read_text(encoding="utf-8")
    assert "the 200 drawn come from the largest connected part" in html
    assert a.params["weighting"] == "newman"
    sc = a.scorecard
    assert sc["indicator"].is_unique and "cross_wide_region_tie_share" in set(sc["indicator"])

def test_analyze_bad_group_by(tmp_path, sample_tables, capsys):
    assert main(["analyze", str(sample_tables), "--out", str(tmp_path), "--group-by", "nope", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "not a column of the organisations" in err and "'region'" in err and "'file'" not in err


def test_demo_prints_stages(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--permutations", "9"]) == 0
    err = capsys.readouterr().err
    assert "centrality and brokerage" in err and "report.html done in" in err


def test_xlsx_writer_round_trips_through_openpyxl(tmp_path):
    """The column-vectorised workbook writer against an independent reader (openpyxl)."""
    from openpyxl import load_workbook
    from netcluster.write.tables import write_xlsx
    df = pd.DataFrame({"name": ["부산대학교 산학협력단", "=cmd|' /C calc'!A0", None, "a<b>&c\x07", "x" * 40_000],
                       "w": [1.0, 2.5, np.nan, -3.0, 1e-9], "n": pd.array([1, None, 3, 4, 5], dtype="Int64"),
                       "flag": [True, False, True, False, True],
                       "mixed": pd.Series([1, "t", None, 2.5, False], dtype=object)})
    p = write_xlsx({"ties[1]/x": df, "empty": df.iloc[:0]}, tmp_path / "w.xlsx")
    wb = load_workbook(p)
    assert wb.sheetnames == ["ties_1__x", "empty"]
    ws = wb["ties_1__x"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["name", "w", "n", "flag", "mixed"] and ws["A1"].font.b
    assert rows[1] == ["부산대학교 산학협력단", 1, 1, True, 1]
    assert rows[2] == ["=cmd|' /C calc'!A0", 2.5, None, False, "t"]  # an inline string: text, never a formula
    assert ws["A3"].data_type == "s"
    assert rows[3] == [None, None, 3, True, None]
    assert rows[4] == ["a<b>&c", -3, 4, False, 2.5]  # control character stripped
    assert len(rows[5][0]) == 32_767 and rows[5][1:] == [1e-9, 5, True, False]  # Excel's cell limit
    assert [[c.value for c in r] for r in wb["empty"].iter_rows()] == [rows[0]]
    assert ws.freeze_panes == "A2"
    cut = load_workbook(write_xlsx({"cut": df}, tmp_path / "cut.xlsx", max_rows=3))["cut"]
    assert cut.max_row == 5 and cut["A5"].value == "(first 3 of 5 rows)"  # no file has every row: none named
    from netcluster.write.tables import sheet_bytes
    assert b"(first 3 of 5 rows; every row is in ties.csv)" in sheet_bytes(df, 3, full="ties.csv")
    assert p.read_bytes() == write_xlsx({"ties[1]/x": df, "empty": df.iloc[:0]}, tmp_path / "again.xlsx").read_bytes()


def test_workbook_ties_sheet_keeps_the_strongest(monkeypatch):
    from netcluster.run import steps
    monkeypatch.setattr(steps, "XLSX_MAX_TIES", 3)
    ties = pd.DataFrame({"source": list("abcdef"), "weight": [1.0, 5.0, 2.0, 5.0, 0.5, 3.0]})
    assert steps.strongest_ties(ties)["source"].tolist() == ["b", "d", "f"]  # the 3 strongest, in table order
    assert len(steps.strongest_ties(ties.head(3))) == 3


def test_gexf_keeps_hostile_names_as_text(hostile_out):
    g = nx.read_gexf(hostile_out / "network.gexf")
    labels = {d["label"] for _, d in g.nodes(data=True)}
    assert set(HOSTILE_NAMES) - {"\tTAB"} <= labels  # a leading tab is whitespace in XML
    assert {d["region"] for _, d in g.nodes(data=True)} >= {"<b>bold</b>", "=1+1"}


def test_workbook_zip_writer_equals_zipfile(tmp_path):
    """Members compressed in another process (Deflated) or here: the same bytes as the
    standard library's zipfile writes (POSIX creator), and readable back."""
    import zipfile
    from netcluster.write.xlsx import Deflated, write_zip
    rng = np.random.default_rng(0)
    members = [("[Content_Types].xml", b"<Types/>" * 300), ("xl/worksheets/sheet1.xml", rng.bytes(70_000)),
               ("empty.xml", b""), ("xl/sheet2.xml", "조직 ,=1+1".encode() * 40_000)]
    ref = tmp_path / "ref.zip"
    with zipfile.ZipFile(ref, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 3
            z.writestr(info, data, compresslevel=1)
    ours = tmp_path / "ours.zip"
    write_zip(ours, [(n, Deflated.of(d) if i % 2 else d) for i, (n, d) in enumerate(members)])
    assert ours.read_bytes() == ref.read_bytes()
    with zipfile.ZipFile(ours) as z:
        assert z.testzip() is None
        assert [z.read(n) for n, _ in members] == [d for _, d in members]


def test_projection_labels_rows_equal_an_id_lookup(sample_dataset):
    """analyze finds the projection's organisations in the table as the participants' rows
    (no lookup in the population); the same rows as an id lookup, also for labels that are not
    the participants (then it looks them up)."""
    import numpy as np
    import pandas as pd
    from netcluster.graph import BipartiteNetwork
    from netcluster.run.steps import at_rows as _at_rows
    ds = sample_dataset
    ids = pd.Index(ds.organisations["org_id"])
    labels = BipartiteNetwork.from_dataset(ds).project_organisations("count").labels
    assert np.array_equal(ds.organisation_rows(labels), ids.get_indexer(labels))
    other = np.array(list(labels[:5]) + ["not-an-id"], dtype=object)
    rows = ds.organisation_rows(other)
    assert np.array_equal(rows, ids.get_indexer(other)) and rows[-1] == -1
    assert _at_rows(ds.organisations_by_id()["name"], rows).tolist() == \
        ds.organisations_by_id()["name"].reindex(other).astype(object).where(lambda s: s.notna(), None).tolist()


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.floats(0.05, 0.5), st.integers(0, 10_000), st.integers(1, 45))
def test_network_page_chooses_organisations_best_first(n, p, seed, max_nodes):
    """choose_organisations against a plain best-first search written here with networkx:
    components by size, then their strongest member; within one, repeatedly the strongest
    organisation (ties by label) tied to one already taken."""
    from netcluster.graph import BipartiteNetwork
    from netcluster.write.network_page import choose_organisations
    g = nx.gnp_random_graph(n, p, seed=seed)
    rng = np.random.default_rng(seed)
    orgs, projects = [], []
    for k, (u, v) in enumerate(g.edges):
        for rep in range(int(rng.integers(1, 4))):  # 1-3 shared projects: unequal strengths
            orgs += [f"o{u:02d}", f"o{v:02d}"]
            projects += [f"p{k}_{rep}"] * 2
    for v in g.nodes:  # every organisation in at least one project (isolates alone)
        orgs.append(f"o{v:02d}")
        projects.append(f"solo{v}")
    proj = BipartiteNetwork.from_edges(orgs, projects).project_organisations("count")
    labels = list(proj.labels)
    G = nx.Graph()
    G.add_nodes_from(labels)
    for s, t, w in proj.ties()[["source", "target", "weight"]].itertuples(index=False):
        G.add_edge(s, t, weight=w)
    strength = dict(G.degree(weight="weight"))
    comps = sorted(nx.connected_components(G),
                   key=lambda c: (-len(c), -max(strength[v] for v in c), min(labels.index(v) for v in c)))
    want = []
    for comp in comps:
        taken = set()
        frontier = {min(comp, key=lambda v: (-strength[v], v))}
        while frontier and len(want) < max_nodes:
            v = min(frontier, key=lambda x: (-strength[x], x))
            frontier.discard(v)
            taken.add(v)
            want.append(v)
            frontier |= set(G[v]) - taken
        if len(want) >= max_nodes:
            break
    got = [labels[i] for i in choose_organisations(proj, max_nodes=max_nodes)]
    assert got == sorted(want, key=labels.index)
