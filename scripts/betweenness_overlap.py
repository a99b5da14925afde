"""How well the adaptive betweenness sample ranks the top organisations of a dense network.

Generates the EU-framework profile at 150k rows (seed 1: the network of the benchmark), runs
the adaptive sampling of ``analyze`` with several seeds and compares each sampled top 20 with
the exact top 20 stored in ``docs/benchmark-issue21-exact-betweenness.json`` (exact igraph
betweenness, computed once: ``--exact`` recomputes it, about 4 minutes).

    python scripts/betweenness_overlap.py [--seeds 0 1 2] [--exact]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

import netcluster as nc
from netcluster.centrality import _adaptive_paths_unweighted
from netcluster.generate import write_sample

STORED = Path(__file__).resolve().parent.parent / "docs" / "benchmark-issue21-exact-betweenness.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--exact", action="store_true", help="recompute the exact top 20 (slow)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        write_sample(d, n_rows=150_000, seed=1, flat_cp949=False, tables=True, profile="eu-framework")
        ds = nc.load_dataset(Path(d) / "eu_framework_tables")
    proj = nc.BipartiteNetwork.from_dataset(ds).project_organisations("count")
    labels = np.asarray(proj.labels).astype(str)
    print(f"{proj.n_nodes:,} organisations, {proj.n_ties:,} ties")
    if a.exact:
        t = time.perf_counter()
        b = np.asarray(proj.to_igraph().betweenness(), dtype=float)
        print(f"exact betweenness in {time.perf_counter() - t:.1f} s")
        exact_top = set(labels[np.argsort(-b, kind="stable")[:20]])
    else:
        exact_top = {r["org_id"] for r in json.loads(STORED.read_text(encoding="utf-8"))["exact_top20"]}
    for seed in a.seeds:
        t = time.perf_counter()
        est, se, _, info = _adaptive_paths_unweighted(proj, seed)
        top = set(labels[np.argsort(-est, kind="stable")[:20]])
        print(f"seed {seed}: {info['samples']} sources in {time.perf_counter() - t:.1f} s, stopped: "
              f"{info['stopped']}; worst relative SE of the top 20 {info['worst_top_relative_se']}; "
              f"overlap with the exact top 20: {len(top & exact_top)}/20")


if __name__ == "__main__":
    main()
