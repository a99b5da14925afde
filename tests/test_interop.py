"""Fitting the tools analysts already use: graphs with every attribute (networkx, igraph), the
analyst's own columns in every output, notebook displays, the progress display in a terminal
and in a pipe, and a fast ``import netcluster``."""

import contextlib
import io
import json
import os
import pty
import re
import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netcluster as nc
from netcluster.pipeline import analyze


@pytest.fixture(scope="module")
def sample():
    return nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))


@pytest.fixture(scope="module")
def with_extra(tmp_path_factory, sample):
    """An analysis with the analyst's own k-core column (networkx's core_number as the oracle
    value) and a category column added to the dataset."""
    out = tmp_path_factory.mktemp("extra")
    net = nc.BipartiteNetwork.from_dataset(sample)
    g = net.project_organisations().to_networkx()
    kcore = pd.DataFrame({"my_kcore": pd.Series(nx.core_number(g))})
    a = analyze(None, out, dataset=sample, n_permutations=9, jobs=1, graphml=True, extra_columns=kcore,
                extra_labels={"my_kcore": {"ko": "내 k-코어", "en": "my k-core"}})
    return a, out, kcore["my_kcore"]


def test_graphs_carry_every_attribute(with_extra):
    a, _, kcore = with_extra
    g = a.to_networkx()
    some = a.organisations.index[3]
    node = g.nodes[some]
    for col in ("name", "region", "betweenness", "community", "degree", "my_kcore"):
        v = a.organisations.loc[some, col]
        if not pd.isna(v):
            assert node[col] == (pytest.approx(v) if isinstance(v, float) else v), col
    t = a.ties.iloc[5]
    e = g[t["source"]][t["target"]]
    assert e["weight"] == t["weight"] and e["sdsm_p"] == pytest.approx(t["sdsm_p"]) and "in_backbone" in e
    h = a.to_igraph()
    assert h.vs["name"] == [str(x) for x in a.organisations.index] and h.ecount() == len(a.ties)
    i = h.vs["name"].index(str(some))
    assert h.vs[i]["my_kcore"] == kcore[some] and h.vs[i]["region"] == a.organisations.loc[some, "region"]
    assert np.allclose(h.es["weight"], a.ties["weight"])
    # the organisation–project network carries the dataset's attributes
    b = a.network.to_networkx()
    proj = a.dataset.projects.iloc[0]
    assert b.nodes[proj["project_id"]]["year"] == proj["year"] and b.nodes[proj["project_id"]]["bipartite"] == 1
    org = a.dataset.participating_organisations.iloc[0]
    assert b.nodes[org["org_id"]]["name"] == org["name"]


def test_the_analysts_column_reaches_every_output(with_extra):
    a, out, kcore = with_extra
    orgs = pd.read_csv(out / "organisations.csv", dtype={"org_id": str}, encoding="utf-8-sig").set_index("org_id")
    assert (orgs["my_kcore"] == kcore.reindex(orgs.index)).all()
    g = nx.read_gexf(out / "network.gexf", version="1.3")
    assert all(g.nodes[n]["my_kcore"] == kcore[n] for n in list(g.nodes)[:100])
    gm = nx.read_graphml(out / "network.graphml")
    assert int(gm.nodes[orgs.index[0]]["my_kcore"]) == kcore[orgs.index[0]]
    from openpyxl import load_workbook
    head = [c.value for c in load_workbook(out / "indicators.xlsx", read_only=True)["organisations"][1]]
    assert "내 k-코어" in head  # the Korean sample: the Korean label
    report = (out / "report.html").read_text(encoding="utf-8")
    top = report[report.index('id="organisations"'):]
    assert "<th>내 k-코어</th>" in top[:top.index("</table>")]
    page = (out / "network.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="nc-data">(.*?)</script>', page, re.S).group(1))
    assert "my_kcore" in data["sizeMeasures"] and "my_kcore" in data["tooltipAttrs"]
    assert data["attrLabels"]["my_kcore"] == "내 k-코어"


def test_extra_columns_by_name_and_clear_errors(tmp_path):
    """A category column the analyst put on the dataset's organisations becomes a colour and a
    filter of the network page and a GEXF attribute; unknown names are an option error."""
    ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    ds.organisations["tier"] = np.where(np.arange(len(ds.organisations)) % 3, "A", "B")
    a = analyze(None, tmp_path / "o", dataset=ds, n_permutations=9, jobs=1, extra_columns={"tier": "등급"})
    page = (tmp_path / "o" / "network.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="nc-data">(.*?)</script>', page, re.S).group(1))
    assert "tier" in data["colorAttrs"] and "tier" in data["filterAttrs"] and data["attrLabels"]["tier"] == "등급"
    g = nx.read_gexf(tmp_path / "o" / "network.gexf", version="1.3")
    some = a.organisations.index[0]
    assert g.nodes[some]["tier"] == a.organisations.loc[some, "tier"]
    with pytest.raises(nc.OptionError, match="not columns of the organisations"):
        analyze(None, tmp_path / "x", dataset=ds, n_permutations=9, jobs=1, extra_columns=["nope"])


def test_notebook_displays(with_extra, sample):
    a, out, _ = with_extra
    html = sample._repr_html_()
    assert "participations" in html and "data quality" in html and "<table" in html
    assert "Projection" in a.projection._repr_html_() and "density" in a.projection._repr_html_()
    ah = a._repr_html_()
    assert "report.html" in ah and "network.html" in ah and len(ah) < 30_000
    assert a.scorecard["label"].iloc[0] in ah
    view = nc.show_network(a, height=300)
    frame = view._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and "&lt;!DOCTYPE html&gt;" in frame[:200].replace("&lt;!doctype", "&lt;!DOCTYPE")
    assert 'height:300px' in frame and "<script" not in frame  # the page is inside the attribute, escaped
    assert nc.show_page(out, "report")._repr_html_().startswith("<iframe")


def test_import_is_light():
    """``import netcluster`` loads none of the heavy libraries (they come on first use)."""
    code = ("import sys, netcluster; heavy = [m for m in ('pandas', 'numpy', 'igraph', 'networkx', 'scipy', "
            "'graphblas', 'rich') if m in sys.modules]; print(','.join(heavy))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == ""


def _cli(args, tty: bool):
    cmd = [sys.executable, "-c", "import sys; from netcluster.cli import main; sys.exit(main(sys.argv[1:]))", *args]
    if not tty:
        r = subprocess.run(cmd, capture_output=True, text=True)
        return r.returncode, r.stderr
    master, slave = pty.openpty()
    env = dict(os.environ, COLUMNS="120", TERM="xterm")
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait()
    os.close(master)
    return p.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_progress_is_a_bar_in_a_terminal_and_lines_in_a_pipe(tmp_path):
    src = str(nc.datasets.get_path("korea_cluster_tables"))
    rc, err = _cli(["analyze", src, "--out", str(tmp_path / "pipe"), "--permutations", "9", "--jobs", "1"], tty=False)
    assert rc == 0
    assert "\x1b[" not in err  # no terminal codes in a log
    assert re.search(r"\[\s*\d+\.\ds\] read and normalise participations \.\.\.", err)
    assert "network.html, report.html done in" in err and "main's share" not in err
    rc, out = _cli(["analyze", src, "--out", str(tmp_path / "tty"), "--permutations", "9", "--jobs", "1"], tty=True)
    assert rc == 0
    assert "\x1b[" in out and "━" in out  # a drawn bar
    assert re.search(r"\d+%", out) and "left ~" in out and "done" in out
    rc, err = _cli(["analyze", src, "--out", str(tmp_path / "v"), "--permutations", "9", "--jobs", "1",
                    "--verbose"], tty=False)
    assert "  whole-data slice" in err  # a step within the programme stage
    rc, err = _cli(["analyze", src, "--out", str(tmp_path / "q"), "--permutations", "9", "--jobs", "1",
                    "--quiet"], tty=False)
    assert "..." not in err


def test_progress_callback_sees_stages_and_steps(tmp_path):
    events = []

    class Recorder:
        steps = True

        def __call__(self, e, n, s):
            events.append((e, n))
    analyze(nc.datasets.get_path("korea_cluster_tables"), tmp_path / "a", n_permutations=9, jobs=1,
            progress=Recorder())
    kinds = {e for e, _ in events}
    assert {"start", "done", "step"} <= kinds
    plain = []  # a callback written for start/done/background gets only those
    analyze(nc.datasets.get_path("korea_cluster_tables"), tmp_path / "b", n_permutations=9, jobs=1,
            progress=lambda e, n, s: plain.append(e))
    assert set(plain) == {"start", "done"}
    starts = [n for e, n in events if e == "start"]
    from netcluster.progress import STAGES
    assert set(starts) <= set(STAGES), set(starts) - set(STAGES)
    assert starts.index("openness") < starts.index("export: workbook")


def test_the_command_ends_at_once_with_its_output_flushed_and_its_exit_code(tmp_path):
    """``netcluster`` (cli.run) ends with os._exit after main(): what it printed into a pipe
    (block-buffered) arrives whole, as main() prints it, and the exit codes are main()'s."""
    import netcluster as nc
    from netcluster.cli import main
    src = str(nc.datasets.get_path("korea_cluster_tables"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a pipe is block-buffered then
    r = subprocess.run([sys.executable, "-m", "netcluster.cli", "validate", src], capture_output=True, text=True,
                       env=env)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["validate", src]) == 0
    assert r.returncode == 0 and r.stdout == buf.getvalue() and "single-participant project" in r.stdout
    r = subprocess.run([sys.executable, "-m", "netcluster.cli", "analyze", str(tmp_path / "none.csv"), "--out",
                        str(tmp_path / "out")], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "input not found" in r.stderr
