#!/usr/bin/env python
"""Recipe: compare the headline figures of two programme phases side by side.

    python scripts/recipe_compare_phases.py --a 2005-2008 --b 2009-2013
"""
import argparse

import netcluster as nc
from netcluster.evolution import evolution


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?")
    ap.add_argument("--mapping")
    ap.add_argument("--a", default="2005-2008")
    ap.add_argument("--b", default="2009-2013")
    args = ap.parse_args(argv)
    ds = nc.load_dataset(args.input or nc.datasets.get_path("korea_cluster_tables"), mapping=args.mapping)
    phases = {}
    for label in (args.a, args.b):
        y0, y1 = (int(x) for x in label.split("-"))
        phases[label] = (y0, y1)
    ev = evolution(ds, by="phase", phases=phases)
    table = ev.pivot(index="indicator", columns="slice", values="value")[[args.a, args.b]]
    table["change"] = table[args.b] - table[args.a]
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    return table


if __name__ == "__main__":
    main()
