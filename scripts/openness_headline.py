#!/usr/bin/env python
"""Headline openness and cross-region figures, and the time each indicator family takes.

    python scripts/openness_headline.py                      # bundled sample
    python scripts/openness_headline.py --rows 100000        # synthetic 100k participation rows
    python scripts/openness_headline.py PATH [--mapping M]   # your own export
"""
import argparse
import tempfile
import time

import netcluster as nc
from netcluster.brokerage import gould_fernandez, regional_gatekeepers, structural_holes
from netcluster.centrality import centrality
from netcluster.communities import leiden
from netcluster.generate import write_sample
from netcluster.graph import BipartiteNetwork
from netcluster.helix import triple_helix, type_mix
from netcluster.linkage import assortativity, cross_region_share, region_matrix
from netcluster.openness import (ei_index, ei_permutation_test, newcomers, partner_diversity,
                                 project_openness)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?")
    ap.add_argument("--mapping")
    ap.add_argument("--rows", type=int, help="generate a synthetic input of this many rows instead")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    timings = {}

    def timed(name, fn, *a, **k):
        t = time.perf_counter()
        r = fn(*a, **k)
        timings[name] = time.perf_counter() - t
        return r

    if args.rows:
        tmp = tempfile.mkdtemp()
        write_sample(tmp, n_rows=args.rows, flat_cp949=False)
        path = f"{tmp}/korea_cluster_tables"
    else:
        path = args.input or nc.datasets.get_path("korea_cluster_tables")
    ds = timed("read + normalise", nc.load_dataset, path, mapping=args.mapping)
    proj = timed("projection", lambda: BipartiteNetwork.from_dataset(ds).project_organisations("count"))
    reg = ds.organisations.set_index("org_id")["region"]
    wide = ds.organisations.set_index("org_id")["wide_region"]
    print(f"{ds}\n{proj.n_nodes:,} organisations, {proj.n_ties:,} ties\n")
    ei = timed("E-I index", ei_index, proj, reg)
    test = timed("E-I permutation test (999)", ei_permutation_test, proj, reg, n_permutations=999, seed=args.seed)
    t = test.iloc[0]
    print(f"E-I index by province: {t['ei']:+.3f}  (permutation null mean {t['null_mean']:+.3f}, "
          f"95% {t['null_q025']:+.3f}..{t['null_q975']:+.3f}, p_less={t['p_less']:.4f}, rescaled {t['rescaled_ei']:+.3f})")
    crs = timed("cross-region share", cross_region_share, proj, reg)
    crw = cross_region_share(proj, wide)
    print(f"cross-province tie share: {crs.loc['(all)', 'cross_share']:.3f}; "
          f"cross-wide-region tie share: {crw.loc['(all)', 'cross_share']:.3f}")
    print(f"assortativity by province: {timed('assortativity', assortativity, proj, reg):.3f}")
    po = timed("project openness", project_openness, ds, reg)
    print(f"projects with a partner from another province: {po['open_projects'].sum() / po['projects'].sum():.3f} "
          f"of (province, project) pairs")
    g = ei.groups.sort_values("ei")
    print("\nmost closed provinces (E-I):", ", ".join(f"{k} {v:+.2f}" for k, v in g["ei"].head(3).items()))
    print("most open provinces (E-I):  ", ", ".join(f"{k} {v:+.2f}" for k, v in g["ei"].tail(3).items()))
    rm = timed("region matrix", region_matrix, proj, reg, dataset=ds)
    off = rm[rm.region_a != rm.region_b].sort_values("obs_exp_ratio", ascending=False)
    print("strongest cross-province links (obs/exp):",
          ", ".join(f"{a}-{b} {r:.2f}" for a, b, r in zip(off.region_a.head(3), off.region_b.head(3), off.obs_exp_ratio.head(3))))
    gf = timed("Gould-Fernandez brokerage", gould_fernandez, proj, reg)
    gk = regional_gatekeepers(proj, reg, brokerage=gf).join(ds.organisations.set_index("org_id")["name"])
    print("top regional gatekeepers:", ", ".join(f"{n} ({r})" for n, r in zip(gk["name"].head(3), gk["group"].head(3))))
    timed("partner diversity", partner_diversity, proj, reg)
    timed("newcomers", newcomers, ds)
    timed("centrality (igraph)", centrality, proj, seed=args.seed)
    timed("Leiden", leiden, proj, seed=args.seed)
    timed("Burt constraint", structural_holes, proj)
    timed("type mix + triple helix (200 boot)", lambda: (type_mix(ds), triple_helix(ds, n_boot=200)))
    print("\ntime per step (s):")
    for k, v in timings.items():
        print(f"  {k:38s} {v:8.2f}")


if __name__ == "__main__":
    main()
