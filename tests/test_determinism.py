"""Same input and seed → byte-identical tables and HTML, across runs and input row order."""
import pandas as pd
import pytest

import netcluster as nc
from netcluster.graph import BipartiteNetwork
from netcluster.pipeline import OUTPUT_FILES, analyze


def test_byte_identical_across_runs_and_row_order(tmp_path, sample_tables, monkeypatch):
    shuffled = tmp_path / "shuffled" / "korea_cluster_tables"
    shuffled.mkdir(parents=True)
    for i, f in enumerate(["participations.csv", "organisations.csv", "projects.csv"]):
        df = pd.read_csv(sample_tables / f, dtype=str, keep_default_na=False)
        df.sample(frac=1, random_state=i).to_csv(shuffled / f, index=False)
    outs = []
    # run 0 and 2 use the second core (jobs=2), run 1 runs everything in one process; runs 3
    # and 4 use the second core with the scorecard computed while waiting for the centralities
    # (4, 5: the organisation files handed over at the first / the fifth step of the scorecard)
    from netcluster import _parallel
    calls = []

    def not_before(n):
        def ready(self, timeout=0.0):
            calls.append(timeout)
            return len(calls) > n
        return ready

    for k, src in enumerate([sample_tables, sample_tables, shuffled, sample_tables, sample_tables,
                             sample_tables]):
        out = tmp_path / f"out{k}"
        if k == 3:
            monkeypatch.setattr(_parallel.TaskPool, "ready", lambda self, timeout=0.0: False)
        if k in (4, 5):
            calls.clear()
            monkeypatch.setattr(_parallel.TaskPool, "ready", not_before(1 if k == 4 else 5))
        a = analyze(src, out, seed=7, n_permutations=49, jobs=1 if k == 1 else 2)
        assert sorted(a.files) == sorted(OUTPUT_FILES)
        outs.append(out)
    monkeypatch.undo()
    assert len(calls) >= 6  # the checkpoints asked
    for f in OUTPUT_FILES:
        a = (outs[0] / f).read_bytes()
        assert a == (outs[3] / f).read_bytes(), f"{f} differs when the scorecard goes first"
        assert a == (outs[4] / f).read_bytes(), f"{f} differs when handed over between scorecard steps"
        assert a == (outs[5] / f).read_bytes(), f"{f} differs when handed over later in the scorecard"
        if f == "quality.json":   # lists line numbers, which depend on the row order by design
            continue
        assert a == (outs[1] / f).read_bytes(), f"{f} differs between two runs (jobs=2 vs jobs=1)"
        assert a == (outs[2] / f).read_bytes(), f"{f} differs with the input row order"
    # and a different seed changes the seeded parts
    analyze(sample_tables, tmp_path / "seed8", seed=8, n_permutations=49)
    assert (tmp_path / "seed8" / "network.html").read_bytes() != (outs[0] / "network.html").read_bytes()


def test_ties_outputs_shared_between_the_processes_write_the_same_bytes(tmp_path, sample_tables, monkeypatch):
    """ties.csv, the GEXF edges + ties sheet and the GEXF nodes go to whichever process is free
    first: the second core taking all, or a share each, writes the same files as the main
    process taking them."""
    import os
    import time
    from netcluster import _parallel, pipeline
    ref = tmp_path / "ref"
    analyze(sample_tables, ref, seed=7, n_permutations=49, jobs=2)
    parent = os.getpid()
    run, csv = _parallel.TaskPool.run, pipeline._write_ties_csv

    def main_late(delay):
        def late_run(self, *, reverse=False):
            if reverse and os.getpid() == parent and {"ties.csv", "GEXF nodes"} & {n for n, _ in self._tasks}:
                time.sleep(delay)  # the main process arrives after the second core
            return run(self, reverse=reverse)
        return late_run

    def slow_csv_in_child(ties, out, coded=None, part=None):
        if os.getpid() != parent:
            time.sleep(4)
        return csv(ties, out, coded, part=part)

    for case, delay in (("second core takes both", 6), ("one each", 2)):
        monkeypatch.setattr(_parallel.TaskPool, "run", main_late(delay))
        if case == "one each":
            monkeypatch.setattr(pipeline, "_write_ties_csv", slow_csv_in_child)
        seen = []
        out = tmp_path / case.replace(" ", "_")
        analyze(sample_tables, out, seed=7, n_permutations=49, jobs=2,
                progress=lambda ev, name, dt: seen.append(name) if ev == "background" else None)
        monkeypatch.undo()
        label = [s for s in seen if s.startswith("export:")][0]
        both = case == "second core takes both"
        assert ("ties.csv" in label) and (("GEXF edges" in label) == both), label
        assert "GEXF nodes" in label or not both, label
        for f in OUTPUT_FILES:
            assert (ref / f).read_bytes() == (out / f).read_bytes(), f"{f} differs ({case})"


def test_second_core_started_before_the_other_tables_are_read(tmp_path, sample_tables, monkeypatch):
    """analyze starts the projection's measures on the second core once the participations are
    built (load_dataset's on_participations, called before the organisations and projects
    tables are read): same dataset and quality report, and the same files as analyze on a
    dataset loaded beforehand (the path that starts after the read)."""
    from netcluster import dataset as dataset_mod
    order = []
    read = dataset_mod.read_table
    monkeypatch.setattr(dataset_mod, "read_table", lambda p, **kw: order.append(kw["table"]) or read(p, **kw))
    seen = []
    ds = dataset_mod.load_dataset(sample_tables, on_participations=lambda part, net: (
        order.append("callback"), seen.append((part.copy(), net))))
    monkeypatch.undo()
    assert order == ["participations", "callback", "projects", "organisations"]
    cols = ["project_id", "org_id", "role"]
    assert seen[0][0][cols].reset_index(drop=True).equals(ds.participations[cols])
    # the network from the duplicate check's codes is the one from the labels
    net, ref = seen[0][1], BipartiteNetwork.from_dataset(ds)
    assert list(net.orgs) == list(ref.orgs) and list(net.projects) == list(ref.projects)
    assert (net.B != ref.B).nnz == 0 and net.B.nnz == ref.B.nnz
    plain = nc.load_dataset(sample_tables)
    assert plain.quality.to_dict() == ds.quality.to_dict()
    pd.testing.assert_frame_equal(plain.organisations, ds.organisations)
    analyze(sample_tables, tmp_path / "early", seed=7, n_permutations=49, jobs=2)
    analyze(None, tmp_path / "after", dataset=plain, seed=7, n_permutations=49, jobs=2)
    for f in OUTPUT_FILES:
        if f in ("report.html", "indicators.xlsx"):  # their parameters name the input ("<dataset>")
            continue
        assert (tmp_path / "early" / f).read_bytes() == (tmp_path / "after" / f).read_bytes(), f


def test_ties_csv_parts_join_to_the_whole_file(tmp_path):
    """ties.csv written in parts (possibly by two processes) and joined is the file written
    whole: with codes for the end columns, hostile texts, an odd, one-row and empty
    table, and a last part that only pandas writes (a number among the names)."""
    import numpy as np
    from netcluster import pipeline
    labels = np.array(["a", "b", "=c", "d,e"], dtype=object)
    src, tgt = np.array([0, 0, 1, 2, 3]), np.array([1, 2, 3, 3, 0])
    ties = pd.DataFrame({"source": labels[src], "source_name": ["x, y", None, 'q"', "-z", "w"],
                         "target": labels[tgt], "weight": [1.0, 0.5, np.nan, 2.0, -0.0],
                         "shared_projects": [1, 2, 3, 4, 5], "cross_group": [True, False, True, True, False]})
    mixed = ties.copy()
    mixed["source_name"] = mixed["source_name"].astype(object)
    mixed.loc[4, "source_name"] = 7
    coded = {"source": (src, labels), "target": (tgt, labels)}
    for name, table in (("plain", ties), ("mixed", mixed)):
        for n in (0, 1, 2, 5):
            t = table.iloc[:n].reset_index(drop=True)
            c = {k: (v[0][:n], v[1]) for k, v in coded.items()}
            whole, halves = tmp_path / f"{name}{n}w", tmp_path / f"{name}{n}h"
            whole.mkdir()
            halves.mkdir()
            pipeline._write_ties_csv(t, whole, c)
            for i in (2, 0, 1):  # (any order)
                pipeline._write_ties_csv(t, halves, c, part=(i, 3))
            pipeline._finish_ties_csv(halves, 3)
            assert (halves / "ties.csv").read_bytes() == (whole / "ties.csv").read_bytes(), (name, n)
            assert sorted(p.name for p in halves.iterdir()) == ["ties.csv"]
    text = (tmp_path / "mixed5h" / "ties.csv").read_bytes().decode("utf-8-sig")
    assert text.count("\r\n") == 6 and ",7," in text and "'-z" in text and "'=c" in text


def test_number_of_ties_parts_does_not_change_the_files(tmp_path, sample_tables, monkeypatch):
    """ties.csv and the GEXF edges written in one part each or in many (more parts than
    ties per part) are the same files."""
    from netcluster import pipeline
    monkeypatch.setattr(pipeline, "TIES_CSV_PARTS", 1)
    monkeypatch.setattr(pipeline, "GEXF_EDGE_PARTS", 1)
    analyze(sample_tables, tmp_path / "one", seed=7, n_permutations=49, jobs=1)
    monkeypatch.setattr(pipeline, "TIES_CSV_PARTS", 7)
    monkeypatch.setattr(pipeline, "GEXF_EDGE_PARTS", 5)
    analyze(sample_tables, tmp_path / "many", seed=7, n_permutations=49, jobs=2)
    for f in ("ties.csv", "network.gexf", "indicators.xlsx"):
        assert (tmp_path / "one" / f).read_bytes() == (tmp_path / "many" / f).read_bytes(), f
    assert sorted(p.name for p in (tmp_path / "many").iterdir()) == sorted(OUTPUT_FILES)
