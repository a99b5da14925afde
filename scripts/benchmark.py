#!/usr/bin/env python
"""Benchmark `netcluster analyze` stage by stage against the straightforward networkx + pyvis
pipeline, on synthetic inputs of several sizes.

    python scripts/benchmark.py --sizes 10000 100000 1000000 --out benchmark.json

For each size: wall time and peak resident memory of every analyze stage (each size runs in
a fresh process; the peak is reset per stage through /proc/self/clear_refs), the peak distinct
memory of the main and second-core processes together (PSS, sampled), the total, and
the baseline (networkx weighted_projected_graph, networkx betweenness/closeness/eigenvector/
PageRank, pyvis add_node/add_edge + write_html) run under --baseline-cap seconds; a capped
baseline counts as its cap, so the reported speed-up is a lower bound (against the median
of --repeat analyze runs).  Prints the machine
(cores, memory) and library versions.  Timings are measurements, not test assertions.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def rss_peak_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _pss_mb(pid):
    """Proportional set size of a process (MB): its private pages plus its share of pages
    shared with others, so the PSS of a parent and its forked child add up to their distinct
    memory (RSS would count copy-on-write pages twice)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class PssSampler:
    """Samples the combined PSS of this process and its children every ``interval`` s."""

    def __init__(self, interval=0.5):
        import threading
        self.peak, self.interval, self._stop = 0.0, interval, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _children(self):
        kids = []
        try:
            for tid in os.listdir("/proc/self/task"):
                with open(f"/proc/self/task/{tid}/children") as f:
                    kids += f.read().split()
        except OSError:
            pass
        return kids

    def _run(self):
        while not self._stop.is_set():
            total = _pss_mb("self") + sum(_pss_mb(k) for k in self._children())
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def stop(self):
        self._stop.set()
        self.thread.join()
        return round(self.peak, 1)


class StageTimes:
    """analyze's progress callback: seconds and peak memory per stage.  A stage that comes
    back (the programme stage resumes once the second core's results are in) adds up; what
    ran on the second core is listed apart (it overlaps the main process)."""

    def __init__(self, peak_mb=None):
        self.stages = {}
        self._peak_mb = peak_mb or rss_peak_mb

    def __call__(self, event, name, dt):
        if event == "start":
            reset_peak()
        elif event == "background":
            self.stages[name + " [second core]"] = {"seconds": round(dt, 3), "peak_mb": None}
        elif event == "done":
            seen = self.stages.get(name, {"seconds": 0.0, "peak_mb": 0.0})
            self.stages[name] = {"seconds": round(seen["seconds"] + dt, 3),
                                 "peak_mb": max(seen["peak_mb"], round(self._peak_mb(), 1))}


def run_analyze(path, out):
    """Child process: analyze with per-stage time and peak memory."""
    from netcluster.pipeline import analyze
    progress = StageTimes()
    stages = progress.stages
    sampler = PssSampler()
    t0 = time.perf_counter()
    reset_peak()
    analyze(path, out, progress=progress, n_permutations=199, overwrite=True)  # (--repeat: the same folder)
    total = time.perf_counter() - t0
    import resource
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"stages": stages, "total_seconds": round(total, 2),
                      "peak_mb": round(max(s["peak_mb"] for s in stages.values() if s["peak_mb"]), 1),
                      "peak_child_mb": round(child_mb, 1), "peak_combined_pss_mb": sampler.stop()}))


def run_accuracy(path):
    """Child process: sampled vs exact betweenness and closeness on one input (the smallest size)."""
    import numpy as np
    import netcluster as nc
    from netcluster.centrality import centrality
    from netcluster.graph import BipartiteNetwork
    ds = nc.load_dataset(path)
    proj = BipartiteNetwork.from_dataset(ds).project_organisations("count")
    t = time.perf_counter()
    ex = centrality(proj, exact_max_nodes=10 ** 9)
    t_exact = time.perf_counter() - t
    res = {"nodes": proj.n_nodes, "ties": proj.n_ties, "seconds_exact": round(t_exact, 2), "runs": []}
    from netcluster.centrality import MIN_SAMPLES
    for k in ("auto", MIN_SAMPLES):
        t = time.perf_counter()
        sa = centrality(proj, exact_max_nodes=0, seed=0, samples=k)
        run = {"samples": sa.attrs["params"]["samples"], "seconds_sampled": round(time.perf_counter() - t, 2)}
        for col in ("betweenness", "betweenness_w", "closeness", "closeness_w"):
            if col not in sa.columns:
                continue
            e, s = ex[col].to_numpy(), sa[col].to_numpy()
            top = np.argsort(-e, kind="stable")[:100]
            rank_e, rank_s = ex[col].rank().to_numpy(), sa[col].rank().to_numpy()
            top20_e, top20_s = set(np.argsort(-e, kind="stable")[:20]), set(np.argsort(-s, kind="stable")[:20])
            run[col] = {"spearman": round(float(np.corrcoef(rank_e, rank_s)[0, 1]), 4),
                        "top20_overlap": len(top20_e & top20_s),
                        "median_rel_error_top100": round(float(np.median(np.abs(s[top] - e[top]) / e[top])), 4),
                        "max_abs_error": round(float(np.abs(s - e).max()), 5)}
            se_col = col.replace("betweenness", "betweenness_se")
            if col.startswith("betweenness") and se_col in sa.columns:
                se = sa[se_col].to_numpy()
                run[col]["top100_within_1.96se"] = round(float((np.abs(s[top] - e[top]) <= 1.96 * se[top]).mean()), 3)
        res["runs"].append(run)
    print(json.dumps(res))


def run_baseline(path, out, cap):
    """Child process: networkx + pyvis, the way a first script would do it."""
    import networkx as nx
    import pandas as pd
    from networkx.algorithms import bipartite
    t = {}
    t0 = time.perf_counter()
    part = pd.read_csv(Path(path) / "participations.csv", dtype=str)
    g = nx.Graph()
    orgs = set(part["org_id"])
    g.add_nodes_from(orgs, bipartite=0)
    g.add_nodes_from(set(part["project_id"]), bipartite=1)
    g.add_edges_from(zip(part["org_id"], part["project_id"]))
    t["read + bipartite graph"] = time.perf_counter() - t0
    s = time.perf_counter()
    p = bipartite.weighted_projected_graph(g, orgs)
    t["projection (networkx)"] = time.perf_counter() - s
    print(json.dumps({"partial": t}), flush=True)
    for name, fn in (("betweenness", nx.betweenness_centrality), ("closeness", nx.closeness_centrality),
                     ("eigenvector", lambda G: nx.eigenvector_centrality(G, max_iter=500)),
                     ("pagerank", nx.pagerank)):
        s = time.perf_counter()
        fn(p)
        t[name] = time.perf_counter() - s
        print(json.dumps({"partial": t}), flush=True)
    from pyvis.network import Network
    s = time.perf_counter()
    net = Network()
    for n in p.nodes():
        net.add_node(str(n))
    for a, b, d in p.edges(data=True):
        net.add_edge(str(a), str(b), value=d["weight"])
    net.write_html(str(Path(out) / "baseline.html"), open_browser=False, notebook=False)
    t["pyvis"] = time.perf_counter() - s
    print(json.dumps({"partial": t, "done": True}), flush=True)


def child(cmd, timeout, cwd):
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd)
        lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
        if r.returncode != 0:
            return {"error": r.stderr[-2000:]}, time.perf_counter() - t0, False
        return json.loads(lines[-1]) if lines else {}, time.perf_counter() - t0, True
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        lines = [l for l in out.splitlines() if l.startswith("{")]
        return (json.loads(lines[-1]) if lines else {}), timeout, False


def speed_probe() -> float:
    """Seconds of a fixed workload (a pure-Python loop and a memory-bound numpy pass), taken
    just before each analyze run: on a shared VM whose speed drifts, a run with a slow probe
    ran in a slow phase (the probe takes ~0.25 s on the reference machine in a normal phase)."""
    import numpy as np
    t = time.perf_counter()
    x = 0
    for i in range(4_000_000):
        x += i
    a = np.arange(10_000_000, dtype=float)
    for _ in range(4):
        a = a * 1.0000001
    return round(time.perf_counter() - t, 3)


def machine():
    import igraph, networkx, numpy, pandas, scipy
    try:
        import pyvis
        pv = getattr(pyvis, "__version__", "?")
    except ImportError:
        pv = None
    mem = None
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    except (ValueError, OSError):
        pass
    import netcluster
    return {"cores": os.cpu_count(), "memory_gb": round(mem, 1) if mem else None,
            "python": platform.python_version(), "platform": platform.platform(),
            "netcluster": netcluster.__version__, "numpy": numpy.__version__, "scipy": scipy.__version__,
            "pandas": pandas.__version__, "networkx": networkx.__version__, "igraph": igraph.__version__,
            "pyvis": pv}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--profile", choices=["korea", "eu-framework"], default="korea",
                    help="the generator's profile: korea (default) or eu-framework (hubs with thousands of "
                         "partners, consortia up to ~190: the shape of Horizon 2020)")
    ap.add_argument("--baseline-cap", type=float, default=300, help="seconds (0: skip the baseline)")
    ap.add_argument("--out", default="benchmark.json")
    ap.add_argument("--keep", help="folder for the generated inputs (default: a temporary one)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="analyze runs per size (fresh process each); the median run's stages are "
                         "reported, with every total (a shared VM's speed drifts by 20-30%%)")
    ap.add_argument("--no-accuracy", dest="accuracy", action="store_false",
                    help="skip the sampled-vs-exact centrality check on the smallest size")
    a = ap.parse_args()
    if a.__dict__.get("child") is None and len(sys.argv) > 1 and sys.argv[1] in ("--_analyze", "--_baseline"):
        pass
    info = {"machine": machine(), "profile": a.profile, "results": []}
    print("machine:", json.dumps(info["machine"]))
    base = Path(a.keep or tempfile.mkdtemp(prefix="ncbench-"))
    me = str(Path(__file__).resolve())
    for n in a.sizes:
        d = base / (f"rows_{n}" if a.profile == "korea" else f"{a.profile}_rows_{n}")
        table_dir = "korea_cluster_tables" if a.profile == "korea" else "eu_framework_tables"
        if not (d / table_dir).exists():
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "netcluster.cli", "generate", "--out", str(d), "--rows",
                            str(n), "--tables-only", "--seed", "1", "--profile", a.profile], check=True,
                           capture_output=True)
            print(f"[{n:,} rows, {a.profile}] generated in {time.perf_counter() - t:.1f}s")
        inp = d / table_dir
        runs = []  # --repeat runs, each in a fresh process; the median run is reported
        probes = []
        for _ in range(max(1, a.repeat)):
            probes.append(speed_probe())
            res, wall, ok = child([sys.executable, me, "--_analyze", str(inp), str(d / "out")], None, str(d))
            runs.append((res.get("total_seconds", wall), res, wall))
        totals = [t for t, _, _ in runs]
        _, res, wall = sorted(runs, key=lambda x: x[0])[(len(runs) - 1) // 2]
        row = {"rows": n, "analyze": res, "analyze_wall_seconds": round(wall, 2), "speed_probes": probes}
        if len(runs) > 1:
            row["analyze_totals"] = totals
            row["analyze_median_seconds"] = res.get("total_seconds")
            row["analyze_min_seconds"] = min(totals)
            # every run's peak distinct memory (a memory target must hold in each, not in the median run)
            row["analyze_peaks_pss_mb"] = [r.get("peak_combined_pss_mb") for _, r, _ in runs]
        if a.baseline_cap > 0:
            bres, bwall, bok = child([sys.executable, me, "--_baseline", str(inp), str(d)], a.baseline_cap, str(d))
            row["baseline"] = {"finished": bok, "seconds": round(bwall, 2), "capped": not bok,
                               "partial": bres.get("partial", {})}
            ours = max(res.get("total_seconds", wall), 1e-9)
            # a cap below analyze's own time bounds nothing: no ratio then
            row["speedup_at_least"] = round(bwall / ours, 1) if bok or bwall > ours else None
        if n == min(a.sizes) and a.accuracy:
            acc, _, ok = child([sys.executable, me, "--_accuracy", str(inp)], None, str(d))
            row["sampling_accuracy"] = acc
            print(f"[{n:,} rows] sampled vs exact centrality: {json.dumps(acc)}")
        info["results"].append(row)
        if len(runs) > 1:
            print(f"\n[{n:,} rows] {len(runs)} runs: totals {', '.join(f'{t:.2f}' for t in totals)} s; "
                  f"median {res.get('total_seconds')} s (its stages below), min {min(totals):.2f} s; "
                  f"speed probe before each: {', '.join(f'{p:.2f}' for p in probes)} s; peak distinct memory "
                  f"of each: {', '.join(f'{m:,.0f}' for m in row['analyze_peaks_pss_mb'] if m is not None)} MB")
        print(f"\n[{n:,} rows] analyze total {res.get('total_seconds')} s (wall), peak RSS {res.get('peak_mb')} MB "
              f"(main process), {res.get('peak_child_mb')} MB (second-core process); peak distinct memory of "
              f"both (PSS, sampled every 0.5 s) {res.get('peak_combined_pss_mb')} MB")
        for k, v in res.get("stages", {}).items():
            mb = f"{v['peak_mb']:8.0f} MB" if v.get("peak_mb") else "   (overlapped)"
            print(f"    {k:60s} {v['seconds']:8.2f} s  {mb}")
        if "baseline" in row:
            b = row["baseline"]
            print(f"  baseline networkx + pyvis: {'finished' if b['finished'] else 'CAPPED at'} {b['seconds']} s "
                  + (f"-> speed-up >= {row['speedup_at_least']}x" if row["speedup_at_least"] is not None
                     else "-> cap below analyze's time: no ratio")
                  + "; partial: "
                  + ", ".join(f"{k} {v:.1f}s" for k, v in b["partial"].items()))
    Path(a.out).write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nwritten {a.out}")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--_analyze":
        run_analyze(sys.argv[2], sys.argv[3])
        sys.stdout.flush()
        os._exit(0)  # as the netcluster command ends (cli.run): the wall time is the command's
    elif len(sys.argv) >= 2 and sys.argv[1] == "--_accuracy":
        run_accuracy(sys.argv[2])
    elif len(sys.argv) >= 2 and sys.argv[1] == "--_baseline":
        run_baseline(sys.argv[2], sys.argv[3], None)
    else:
        main()
