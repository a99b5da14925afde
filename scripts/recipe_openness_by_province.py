#!/usr/bin/env python
"""Recipe: openness by province for a year range, as an Excel-safe CSV.

    python scripts/recipe_openness_by_province.py --years 2009-2013 --out openness_2009_2013.csv
"""
import argparse

import netcluster as nc
from netcluster.write.tables import write_csv
from netcluster.graph import BipartiteNetwork
from netcluster.openness import ei_index, project_openness


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", help="export (default: the bundled sample)")
    ap.add_argument("--mapping")
    ap.add_argument("--years", default="2009-2013")
    ap.add_argument("--group-by", default="region")
    ap.add_argument("--out", default="openness_by_province.csv")
    a = ap.parse_args(argv)
    ds = nc.load_dataset(a.input or nc.datasets.get_path("korea_cluster_tables"), mapping=a.mapping)
    y0, y1 = (int(x) for x in a.years.split("-"))
    ds = ds.filter_years(y0, y1)
    proj = BipartiteNetwork.from_dataset(ds).project_organisations("count")
    groups = ds.organisations.set_index("org_id")[a.group_by]
    table = ei_index(proj, groups).groups.join(project_openness(ds, groups)[["projects", "open_share"]])
    write_csv(table.reset_index(), a.out)
    print(table.round(3).to_string())
    print(f"\nwritten to {a.out}")
    return table


if __name__ == "__main__":
    main()
