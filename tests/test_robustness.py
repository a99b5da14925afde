"""Robustness: the bad-input corpus, conservation over it, resource limits."""
import os

import pandas as pd
import pytest

import netcluster as nc
from netcluster.cli import main
from netcluster.graph import BipartiteNetwork

from badcorpus import CASES, write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("bad"))


def assert_conserved(ds):
    """Rows in = rows used + rows reported as dropped, for every input table."""
    cons = ds.quality.conservation()
    assert len(cons) >= 1 and cons["balanced"].all(), cons
    ev = ds.quality.events
    assert ev["line"].notna().all() and (ev["file"] != "").all()


def test_corpus_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_case(corpus, case):
    name, _, _, expect = case
    path = corpus[name]
    if expect[0] == "error":
        _, exc, pattern, line = expect
        with pytest.raises(exc, match=pattern) as e:
            nc.load_dataset(path)
        assert str(path) in str(e.value)              # names the file
        if line is not None:
            assert e.value.line == line, str(e.value)  # and the line
    else:
        _, reasons, check = expect
        ds = nc.load_dataset(path)
        assert_conserved(ds)
        ev = ds.quality.events
        for reason, n in reasons.items():
            got = int((ev["reason"] == reason).sum())
            assert got == n, (reason, got, ev[["line", "reason", "value"]].to_string())
        if check is not None:
            assert check(ds)


def test_error_names_column_and_value(corpus):
    with pytest.raises(nc.MissingColumnError) as e:
        nc.load_dataset(corpus["missing_required"])
    assert "project_id" in str(e.value) and "사업연도" in str(e.value)


def test_cli_exit_codes_on_corpus(corpus, capsys):
    for name, _, _, expect in CASES:
        rc = main(["validate", str(corpus[name])])
        assert rc == (3 if expect[0] == "error" else 0), name  # 3: the input data
        capsys.readouterr()


@pytest.mark.slow
def test_resource_limit_is_a_clear_error_not_a_freeze(tmp_path, capsys):
    n = 20_000
    part = pd.DataFrame({"project_id": ["HUGE"] * n + ["P2", "P2"],
                         "org_id": [f"o{i}" for i in range(n)] + ["o1", "o2"]})
    p = tmp_path / "huge.csv"
    part.to_csv(p, index=False)
    assert main(["analyze", str(p), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "max-project-size" in err or "max_project_size" in err
    assert main(["analyze", str(p), "--out", str(tmp_path / "out2"), "--quiet", "--max-project-size", "100",
                 "--permutations", "9"]) == 0
    ties = pd.read_csv(tmp_path / "out2" / "ties.csv", encoding="utf-8-sig")
    assert len(ties) == 1


def test_committed_corpus_matches_generator(tmp_path):
    """tests/data/bad/ is what badcorpus.py writes (regenerate with `python tests/badcorpus.py`)."""
    from pathlib import Path
    here = Path(__file__).resolve().parent / "data" / "bad"
    fresh = write_corpus(tmp_path)
    for name, p in fresh.items():
        assert (here / p.name).read_bytes() == p.read_bytes(), name


def _forked(fn):
    """``fn()`` in a forked child; returns a function giving its result."""
    import multiprocessing as mp
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=lambda: q.put(fn()))
    p.start()

    def result():
        v = q.get(timeout=30)
        p.join()
        return v
    return result


@pytest.mark.parametrize("jobs", [1, 2])
def test_claim_is_taken_exactly_once_across_processes(jobs):
    """A shared task goes to whichever process claims it first, never to both or neither."""
    from netcluster.run.pool import Claim
    for child_first in (True, False):
        claim = Claim(jobs=jobs)
        if jobs == 1:  # in one process: a plain flag
            got = [claim.take(), claim.take()]
            assert got == [True, False]
            continue
        if child_first:
            got_child = _forked(claim.take)()
            got_main = claim.take()
        else:
            child = _forked(lambda: (__import__("time").sleep(0.3), claim.take())[1])
            got_main = claim.take()
            got_child = child()
        assert [got_child, got_main].count(True) == 1
        assert claim.take() is False


@pytest.mark.parametrize("jobs", [1, 2])
def test_task_pool_runs_every_task_exactly_once(jobs):
    """Tasks shared between a second process (in order) and the main process (from the end):
    each runs once, in one process, and together they return every result."""
    import time
    from netcluster.run.pool import TaskPool
    tasks = [(f"t{i}", lambda i=i: time.sleep(0.3) or (i, os.getpid())) for i in range(6)]
    pool = TaskPool(tasks, jobs=jobs)
    theirs = _forked(pool.run) if jobs == 2 else (lambda: pool.run())
    time.sleep(0.1)  # the second process has started on the first task
    mine = pool.run(reverse=True)
    theirs = theirs()
    assert not set(mine) & set(theirs) and set(mine) | set(theirs) == {f"t{i}" for i in range(6)}
    assert all(v[0] == int(k[1:]) for k, v in {**mine, **theirs}.items())
    if jobs == 2:  # both processes did a share, the main process from the end
        assert theirs and mine and "t5" in mine and "t0" in theirs
        assert {v[1] for v in mine.values()} == {os.getpid()} and os.getpid() not in {v[1] for v in theirs.values()}
    else:  # in one process: the main process took every task, the second run found none left
        assert len(mine) == 6 and theirs == {}
    assert pool.run() == {} and pool.run(reverse=True) == {}


def test_centrality_parts_in_any_order_give_the_same_table(sample_dataset):
    """analyze shares CentralityPlan's parts between two processes in any order: assembling
    them must give exactly centrality()'s table (exact, sampled and weighted sampled paths)."""
    from netcluster.centrality import CentralityPlan, centrality
    proj = BipartiteNetwork.from_dataset(sample_dataset).project_organisations("count")
    names = {0: ["betweenness", "closeness", "betweenness_w", "closeness_w", "spectral"],
             1: ["paths", "spectral"], 2: ["paths", "betweenness_w", "closeness_w", "spectral"]}
    for case, kw in enumerate(({}, {"exact_max_nodes": 10, "samples": 40, "weighted_paths": False},
                               {"exact_max_nodes": 10, "samples": 40, "weighted_paths": True})):
        ref = centrality(proj, seed=3, **kw)
        plan = CentralityPlan(proj, seed=3, **kw)
        parts = plan.parts()
        assert [p[0] for p in parts] == names[case]
        done = {name: fn() for name, fn in reversed(parts)}
        got = plan.assemble({**done, "brokerage": "ignored"})
        pd.testing.assert_frame_equal(got, ref, check_exact=True)
        assert got.attrs["params"] == ref.attrs["params"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_task_pool_gives_each_result_once(jobs):
    """A started pool: the second core runs the tasks in order and sends each result as it is
    done; get() returns one result (running it here if nobody has claimed it), finish() all of
    them — each task run once, in one process."""
    import time
    from netcluster.run.pool import TaskPool
    tasks = [(f"t{i}", lambda i=i: time.sleep(0.3) or (i, os.getpid())) for i in range(5)]
    pool = TaskPool(tasks, jobs=jobs).start()
    time.sleep(0.1)  # the second core has claimed t0
    assert pool.get("t0")[0] == 0 and pool.get("t3")[0] == 3
    got = pool.finish()
    assert sorted(got) == [f"t{i}" for i in range(5)] and all(v[0] == int(k[1:]) for k, v in got.items())
    pids = {k: v[1] for k, v in got.items()}
    if jobs == 2:
        assert pids["t0"] != os.getpid() and pids["t3"] == os.getpid() and pool.seconds > 0
    else:
        assert set(pids.values()) == {os.getpid()} and pool.ready()
    assert pool.run() == {}  # nothing left to claim


def test_waiting_for_one_pool_the_main_process_takes_another_pools_tasks():
    """While the main process waits for the second core's result, it runs another pool's
    unclaimed tasks from their end, one at a time, and stops taking them once the result is
    in; every task of that pool still runs exactly once."""
    import time
    from netcluster.run.pool import TaskPool
    waited = TaskPool([("slow", lambda: time.sleep(1.5) or os.getpid())], jobs=2).start()
    other = TaskPool([(f"t{i}", lambda i=i: time.sleep(0.4) or (i, os.getpid())) for i in range(8)], jobs=2)
    time.sleep(0.2)  # the second core has claimed "slow"
    other.start()  # (its own second core works from the first task)
    assert waited.get("slow", meanwhile=other.run_one) != os.getpid()
    stolen = sorted(int(k[1:]) for k, (_, pid) in other._got.items() if pid == os.getpid())
    assert stolen and stolen == list(range(8 - len(stolen), 8))  # from the end, in a row
    assert len(stolen) < 6  # it stopped when the result came
    got = other.finish()
    assert sorted(got) == [f"t{i}" for i in range(8)] and all(v[0] == int(k[1:]) for k, v in got.items())
    assert other.run_one() is False
    waited.finish()


def test_streamed_task_pool_errors_and_stop():
    """A task failing on the second core raises in the main process with its type and message;
    stop() ends the second core's work."""
    import time
    from netcluster.run.pool import TaskPool
    from netcluster.exceptions import InputError

    def boom():
        raise InputError("bad thing on line 3")
    pool = TaskPool([("a", boom), ("b", lambda: 1)], jobs=2).start()
    time.sleep(0.2)
    with pytest.raises(InputError, match="line 3"):
        pool.finish()
    slow = TaskPool([("s", lambda: time.sleep(30))], jobs=2).start()
    time.sleep(0.2)
    t = time.perf_counter()
    slow.stop()
    assert time.perf_counter() - t < 5 and not slow._proc.is_alive()


def test_stop_right_after_the_fork_ends_the_second_core():
    """The CLI turns SIGTERM into KeyboardInterrupt with a Python handler.  A second core forked
    a moment before the signal inherited that handler: stop()'s SIGTERM reached it before it
    set its own, the interruption was swallowed by the fork's bookkeeping ("Exception ignored
    in _after_fork"), the child ran on, filled the queue nobody read, and stop()'s join waited
    for ever (tests/test_hostile_inputs.py's SIGTERM test hung 1 time in 40 under load)."""
    import signal
    import threading
    from netcluster.run.pool import TaskPool

    def interrupt(signum, frame):
        raise KeyboardInterrupt
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        for _ in range(30):
            # results larger than a pipe's buffer: a child left running blocks on them
            pool = TaskPool([(f"t{i}", lambda: b"x" * 1_000_000) for i in range(4)], jobs=2).start()
            stopping = threading.Thread(target=pool.stop, daemon=True)
            stopping.start()
            stopping.join(10)
            hung = stopping.is_alive()
            if hung:  # (ended here, so that the failure is reported instead of waited for)
                pool._proc.kill()
                stopping.join()
            assert not hung and not pool._proc.is_alive()
    finally:
        signal.signal(signal.SIGTERM, previous)
