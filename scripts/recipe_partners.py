#!/usr/bin/env python
"""Recipe: one organisation's partners — who, where, how often, and in which projects.

    python scripts/recipe_partners.py "부산대학교 산학협력단"
"""
import argparse
import sys

import netcluster as nc
from netcluster.names import name_key


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("organisation", help="name (any legal-form spelling) or org_id")
    ap.add_argument("--input")
    ap.add_argument("--mapping")
    a = ap.parse_args(argv)
    ds = nc.load_dataset(a.input or nc.datasets.get_path("korea_cluster_tables"), mapping=a.mapping)
    orgs = ds.organisations.set_index("org_id")
    key = name_key(a.organisation)
    hits = orgs.index[(orgs.index == a.organisation) | (orgs["name"].map(name_key) == key)]
    if len(hits) == 0:
        print(f"no organisation matches {a.organisation!r}", file=sys.stderr)
        return None
    me = hits[0]
    part = ds.participations
    mine = part.loc[part["org_id"] == me, "project_id"]
    others = part[part["project_id"].isin(mine) & (part["org_id"] != me)]
    table = (others.groupby("org_id").agg(shared_projects=("project_id", "nunique"),
                                          projects=("project_id", lambda s: ";".join(sorted(s))))
             .join(orgs[["name", "org_type", "region"]]).sort_values("shared_projects", ascending=False))
    print(f"{orgs.loc[me, 'name']} ({me}, {orgs.loc[me, 'org_type']}, {orgs.loc[me, 'region']}): "
          f"{len(mine)} projects, {len(table)} partners")
    print(table[["name", "org_type", "region", "shared_projects"]].head(30).to_string())
    print("\npartners by region:", table["region"].value_counts().to_dict())
    return table


if __name__ == "__main__":
    main()
