"""Same input and seed → byte-identical tables and HTML, across runs and input row order."""
import json

import pandas as pd
import pytest

import netcluster as nc
from netcluster.graph import BipartiteNetwork
from netcluster.pipeline import OUTPUT_FILES, analyze


@pytest.mark.slow
def test_byte_identical_across_runs_and_row_order(tmp_path, sample_tables, monkeypatch):
    shuffled = tmp_path / "shuffled" / "korea_cluster_tables"
    shuffled.mkdir(parents=True)
    for i, f in enumerate(["participations.csv", "organisations.csv", "projects.csv", "outcomes_by_year.csv"]):
        df = pd.read_csv(sample_tables / f, dtype=str, keep_default_na=False)
        df.sample(frac=1, random_state=i).to_csv(shuffled / f, index=False)
    outs = []
    # run 0 and 2 use the second core (jobs=2), run 1 runs everything in one process; runs 3
    # to 5 use the second core with the output tables made only when the plan reaches them
    # (the scorecard and evolution first), or as soon as the second core's results are seen
    # at the first / the fifth look between steps
    from netcluster.run.pool import TaskPool
    calls = []
    has = TaskPool.has

    def not_before(n):
        def late(self, name):
            calls.append(name)
            return len(calls) > n and has(self, name)
        return late

    for k, src in enumerate([sample_tables, sample_tables, shuffled, sample_tables, sample_tables,
                             sample_tables]):
        out = tmp_path / f"out{k}"
        if k == 3:
            monkeypatch.setattr(TaskPool, "has", lambda self, name: False)
        if k in (4, 5):
            calls.clear()
            monkeypatch.setattr(TaskPool, "has", not_before(1 if k == 4 else 5))
        a = analyze(src, out, seed=7, n_permutations=49, jobs=1 if k == 1 else 2)
        assert sorted(a.files) == sorted(OUTPUT_FILES)
        outs.append(out)
    monkeypatch.undo()
    assert len(calls) >= 6  # the runner looked between steps
    for f in OUTPUT_FILES:
        a = (outs[0] / f).read_bytes()
        assert a == (outs[3] / f).read_bytes(), f"{f} differs when the scorecard goes first"
        assert a == (outs[4] / f).read_bytes(), f"{f} differs when handed over between steps"
        assert a == (outs[5] / f).read_bytes(), f"{f} differs when handed over later"
        if f == "quality.json":   # lists line numbers, which depend on the row order by design
            continue
        if f == "manifest.json":  # the same but for quality.json's size and hash
            def without_quality(d):
                m = json.loads((d / f).read_text(encoding="utf-8"))
                m["files"] = [x for x in m["files"] if x["name"] != "quality.json"]
                return m
            assert without_quality(outs[0]) == without_quality(outs[1]) == without_quality(outs[2])
            continue
        assert a == (outs[1] / f).read_bytes(), f"{f} differs between two runs (jobs=2 vs jobs=1)"
        assert a == (outs[2] / f).read_bytes(), f"{f} differs with the input row order"
    # and a different seed changes the seeded parts
    analyze(sample_tables, tmp_path / "seed8", seed=8, n_permutations=49)
    assert (tmp_path / "seed8" / "network.html").read_bytes() != (outs[0] / "network.html").read_bytes()


@pytest.mark.slow
def test_file_tasks_shared_between_the_processes_write_the_same_bytes(tmp_path, sample_tables, monkeypatch):
    """ties.csv, the GEXF edges and nodes and the ties sheet go to whichever process is free
    first: the second core taking all, or a share each, writes the same files as the main
    process taking them."""
    import os
    import time
    from netcluster.run import plan, steps
    ref = tmp_path / "ref"
    analyze(sample_tables, ref, seed=7, n_permutations=49, jobs=2)
    parent = os.getpid()
    log = tmp_path / "who.txt"
    take, run_task, csv = plan.Runner._take, plan.Runner._run_task, steps.write_ties_csv

    def late_take(delay):
        def take_late(self, names):
            if os.getpid() == parent and "ties_sheet" in names:
                time.sleep(delay)  # the main process arrives after the second core
            return take(self, names)
        return take_late

    def logged(self, task):
        with open(log, "a") as f:
            f.write(f"{task.name}\t{'main' if os.getpid() == parent else 'second'}\n")
        return run_task(self, task)

    def slow_csv_in_child(ties, out, coded=None, part=None):
        if os.getpid() != parent:
            time.sleep(8)  # long enough for the main process to take tasks even on a loaded machine
        return csv(ties, out, coded, part=part)

    for case, delay in (("second core takes all", 5), ("one each", 1)):
        monkeypatch.setattr(plan.Runner, "_take", late_take(delay))
        monkeypatch.setattr(plan.Runner, "_run_task", logged)
        if case == "one each":
            monkeypatch.setattr(steps, "write_ties_csv", slow_csv_in_child)
        log.write_text("")
        out = tmp_path / case.replace(" ", "_")
        analyze(sample_tables, out, seed=7, n_permutations=49, jobs=2)
        monkeypatch.undo()
        who = dict(line.split("\t") for line in log.read_text().splitlines())
        files = [k for k in who if k.startswith(("ties", "GEXF"))]
        if case == "second core takes all":
            assert {who[k] for k in files} == {"second"}, who
        else:
            assert {who[k] for k in files} == {"second", "main"}, who
        for f in OUTPUT_FILES:
            assert (ref / f).read_bytes() == (out / f).read_bytes(), f"{f} differs ({case})"


@pytest.mark.slow
def test_second_core_started_before_the_other_tables_are_read(tmp_path, sample_tables, monkeypatch):
    """analyze starts the projection's measures on the second core once the participations are
    read (StagedReader), before the organisations and projects tables are read: the network
    from the participations' codes is the dataset's, and the files are those of analyze on a
    dataset loaded beforehand (the path that starts after the read)."""
    from netcluster import dataset as dataset_mod
    from netcluster.dataset import StagedReader
    from netcluster.run.pool import TaskPool
    order = []
    read, start = dataset_mod.read_table, TaskPool.start
    monkeypatch.setattr(dataset_mod, "read_table", lambda p, **kw: order.append(kw["table"]) or read(p, **kw))
    monkeypatch.setattr(TaskPool, "start", lambda self: order.append("second core") or start(self))
    analyze(sample_tables, tmp_path / "early", seed=7, n_permutations=49, jobs=2)
    monkeypatch.undo()
    assert order[:4] == ["participations", "second core", "projects", "organisations"]
    reader = StagedReader(sample_tables)
    part, codes = reader.participations()
    ds = reader.dataset()
    cols = ["project_id", "org_id", "role"]
    assert part[cols].reset_index(drop=True).equals(ds.participations[cols])
    # the network from the duplicate check's codes is the one from the labels
    net, ref = BipartiteNetwork.from_codes(*codes), BipartiteNetwork.from_dataset(ds)
    assert list(net.orgs) == list(ref.orgs) and list(net.projects) == list(ref.projects)
    assert (net.B != ref.B).nnz == 0 and net.B.nnz == ref.B.nnz
    plain = nc.load_dataset(sample_tables)
    assert plain.quality.to_dict() == ds.quality.to_dict()
    pd.testing.assert_frame_equal(plain.organisations, ds.organisations)
    analyze(None, tmp_path / "after", dataset=plain, seed=7, n_permutations=49, jobs=2)
    for f in OUTPUT_FILES:
        if f in ("report.html", "indicators.xlsx", "manifest.json"):  # they name the input ("<dataset>")
            continue
        if f == "outcomes.csv":  # a dataset given in memory has no input folder: no outcomes table found
            assert not (tmp_path / "after" / f).exists()
            continue
        assert (tmp_path / "early" / f).read_bytes() == (tmp_path / "after" / f).read_bytes(), f


def test_second_core_hands_a_result_over_before_its_next_task():
    """A finished result is written by the queue's feeder thread, which needs the interpreter
    lock; a next task in compiled code that keeps it (igraph's Leiden) held the result back
    until that task ended, the main process waiting idle (1.5 s on the EU profile).  While the
    main process waits, the second core starts its next task only once the result is in."""
    import multiprocessing as mp
    import time
    from netcluster.run.pool import TaskPool, default_jobs
    if default_jobs() < 2:
        pytest.skip("needs fork and two cores")
    holder, begun = {}, mp.get_context("fork").Event()

    def first():
        begun.set()  # (claimed by the second core: the main process waits for it, not runs it)
        time.sleep(1.0)  # (the main process is waiting for it by then)
        return b"x" * 4_000_000  # larger than a pipe's buffer: written in many pieces

    def second():  # how many results the main process had when this task began
        return holder["pool"]._received.value

    holder["pool"] = pool = TaskPool([("first", first), ("second", second)], jobs=2)
    pool.start()
    try:
        assert begun.wait(60)
        assert len(pool.get("first")) == 4_000_000
        assert pool.get("second") == 1
    finally:
        pool.finish()


def test_ties_csv_parts_join_to_the_whole_file(tmp_path):
    """ties.csv written in parts (possibly by two processes) and joined is the file written
    whole: with codes for the end columns, hostile texts, an odd, one-row and empty
    table, and a last part that only pandas writes (a number among the names)."""
    import numpy as np
    from netcluster.write.tables import finish_ties_csv, write_ties_csv
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
            write_ties_csv(t, whole, c)
            for i in (2, 0, 1):  # (any order)
                write_ties_csv(t, halves, c, part=(i, 3))
            finish_ties_csv(halves, 3)
            assert (halves / "ties.csv").read_bytes() == (whole / "ties.csv").read_bytes(), (name, n)
            assert sorted(p.name for p in halves.iterdir()) == ["ties.csv"]
    text = (tmp_path / "mixed5h" / "ties.csv").read_bytes().decode("utf-8-sig")
    assert text.count("\r\n") == 6 and ",7," in text and "'-z" in text and "'=c" in text


@pytest.mark.slow
def test_number_of_ties_parts_does_not_change_the_files(tmp_path, sample_tables, monkeypatch):
    """ties.csv and the GEXF edges written in one part each or in many (more parts than
    ties per part) are the same files."""
    from netcluster.run import steps
    monkeypatch.setattr(steps, "TIES_CSV_PARTS", 1)
    monkeypatch.setattr(steps, "GEXF_EDGE_PARTS", 1)
    analyze(sample_tables, tmp_path / "one", seed=7, n_permutations=49, jobs=1)
    monkeypatch.setattr(steps, "TIES_CSV_PARTS", 7)
    monkeypatch.setattr(steps, "GEXF_EDGE_PARTS", 5)
    analyze(sample_tables, tmp_path / "many", seed=7, n_permutations=49, jobs=2)
    for f in ("ties.csv", "network.gexf", "indicators.xlsx"):
        assert (tmp_path / "one" / f).read_bytes() == (tmp_path / "many" / f).read_bytes(), f
    assert sorted(p.name for p in (tmp_path / "many").iterdir()) == sorted(OUTPUT_FILES)
