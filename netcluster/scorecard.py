"""Headline figures for a dataset or a slice, and their evolution over years, windows and
programme phases.

:func:`scorecard` returns one row per figure with its value, unit, definition and — where
the ten-year review of the Korean industrial-complex cluster programme reports one — the
review's figure for comparison.  A figure that the data cannot support (no population
table, no programme column …) is reported as missing with the reason, never as 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .evolution import DEFAULT_PHASES, evolution, network_growth
from .exceptions import NetclusterError
from .graph import BipartiteNetwork

__all__ = ["scorecard", "evolution", "network_growth", "DEFAULT_PHASES", "headline"]



def _try(fn, *a, **k):
    try:
        return fn(*a, **k), ""
    except (NetclusterError, KeyError, ValueError, ZeroDivisionError) as e:
        return None, str(e).strip("'\"")


def headline(dataset, *, weighting: str = "count", group_by: str = "region", seed: int = 0,
             n_permutations: int = 199, n_boot: int = 200, light: bool = False,
             max_project_size: int | None = None, projection=None, ei_test=None,
             communities=None, ei=None, cross_region=None, project_openness=None,
             aligned_groups=None, _checkpoint=None) -> list[dict]:
    """The scorecard rows (list of dicts).  ``light=True`` skips the costly figures
    (permutation test, bootstrap, communities, newcomers, near-duplicate search) for evolution
    tables; newcomers are reported per year by :func:`netcluster.openness.newcomers`.

    ``projection``, ``ei_test`` (from :func:`~netcluster.openness.ei_permutation_test` with
    the same groups), ``communities`` (from :func:`~netcluster.communities.leiden`), ``ei``
    (:func:`~netcluster.openness.ei_index`), ``cross_region``
    (:func:`~netcluster.linkage.cross_region_share`), ``project_openness``
    (:func:`~netcluster.openness.project_openness`), all by ``group_by``, and
    ``aligned_groups`` (``{column: AlignedGroups}``: organisation columns such as ``group_by``
    and ``wide_region`` coded for the projection's labels,
    :class:`netcluster.groups.AlignedGroups`) may be passed when
    already computed, so that :func:`netcluster.analyze` does not compute them twice; they must
    come from this dataset with the same weighting and seed.  ``_checkpoint`` (internal): called
    between the costlier figures (``analyze`` hands work to its second process there)."""
    from . import helix, linkage, openness, programme
    from .communities import leiden

    rows = []
    step = _checkpoint or (lambda: None)

    def add(key, value, unit, definition, review=None, note=""):
        v = value
        if isinstance(v, (np.floating, np.integer)):
            v = v.item()
        rows.append({"indicator": key, "value": v, "unit": unit, "definition": definition,
                     "review_figure": review, "note": note})

    if projection is None:
        net = BipartiteNetwork.from_dataset(dataset)
        projection = net.project_organisations(weighting, max_project_size=max_project_size)
    proj = projection
    orgs = dataset.organisations_by_id()
    add("projects", len(dataset.projects), "count", "projects in the data (slice)")
    add("organisations", int(dataset.organisations["participant"].sum()), "count",
        "organisations taking part in at least one project")
    add("participations", len(dataset.participations), "count", "(project, organisation) rows used")
    add("ties", proj.n_ties, "count", "pairs of organisations sharing at least one project")
    jp = programme.joint_projects(dataset).iloc[0]
    add("joint_project_share", jp["joint_share"], "share", "projects with >= 2 organisations / projects")
    add("two_firm_project_share", jp["two_firm_share"], "share",
        "projects with >= 2 firms / projects", "over 90% of funded projects")
    add("mean_consortium_size", jp["mean_size"], "organisations", "mean participants per project")
    if "complex" in dataset.organisations.columns:
        cov, err = _try(programme.coverage, dataset, by="complex")
        if cov is not None and not cov.attrs["params"]["note"]:
            add("complexes_covered_share", cov.attrs["params"]["groups_covered_share"], "share",
                "complexes with >= 1 participating firm / complexes in the population", "about 20%")
            add("firm_coverage", cov.loc["(all)", "coverage"], "share",
                "participating firms / firms in the population")
        else:
            add("complexes_covered_share", None, "share", "complexes with >= 1 participating firm / complexes",
                "about 20%", note=err or (cov.attrs["params"]["note"] if cov is not None else ""))
    if not light and {"specialised", "complex", "sector"} <= set(dataset.organisations.columns):
        sp, err = _try(dataset.cached, "specialised_share", programme.specialised_share)
        if sp is not None:
            allrows = sp[sp["complex"] == "(all)"].dropna(subset=["share"])
            if len(allrows):
                first, last = allrows.iloc[0], allrows.iloc[-1]
                add("specialised_share_first_year", first["share"], "share",
                    f"participating firms in their complex's designated industries, {int(first['year'])}",
                    "63.6% (2004, pilot complexes)")
                add("specialised_share_last_year", last["share"], "share",
                    f"participating firms in their complex's designated industries, {int(last['year'])}",
                    "78.4% (2012, pilot complexes)")
        step()
    if group_by in orgs.columns:
        groups = orgs[group_by]
        ei = (ei if ei is not None else openness.ei_index(proj, groups))["network"].iloc[0]
        add(f"ei_index_{group_by}", ei["ei"], "[-1, 1]",
            f"Krackhardt-Stern E-I index of ties between {group_by}s (-1 closed, +1 open)",
            "clusters criticised as not open")
        if not light:
            if ei_test is None:
                ei_test = openness.ei_permutation_test(proj, groups, n_permutations=n_permutations, seed=seed)
            pt = ei_test.iloc[0]
            k = ei_test.attrs.get("params", {}).get("permutations", n_permutations)
            add(f"ei_index_{group_by}_null_mean", pt["null_mean"], "[-1, 1]",
                f"expected E-I with {group_by} labels permuted ({k} permutations, seed {seed})")
            add(f"ei_index_{group_by}_p_less", pt["p_less"], "p-value",
                "P(permuted E-I <= observed): small = significantly closed")
        cr = (cross_region if cross_region is not None
              else linkage.cross_region_share(proj, groups)).loc["(all)", "cross_share"]
        add(f"cross_{group_by}_tie_share", cr, "share", f"ties between different {group_by}s / ties",
            "inter-province linkage weak")
        from .groups import AlignedGroups, group_codes
        coded = ((aligned_groups or {}).get(group_by)  # else one id lookup, shared below
                 or AlignedGroups(proj.labels, *group_codes(proj.labels, groups)[:2]))
        add(f"assortativity_{group_by}", linkage.assortativity(proj, coded), "[-1, 1]",
            f"Newman nominal assortativity by {group_by}")
        from .communities import modularity as _modularity
        add(f"modularity_{group_by}_partition", _modularity(proj, coded), "[-0.5, 1]",
            f"modularity of the partition of organisations by {group_by} (weighted)")
        po = project_openness if project_openness is not None else openness.project_openness(dataset, groups)
        open_share = po["open_projects"].sum() / po["projects"].sum() if po["projects"].sum() else np.nan
        add(f"open_project_share_{group_by}", open_share, "share",
            f"(group, project) pairs where the project includes another {group_by} / all pairs")
        step()
    if group_by != "wide_region" and "wide_region" in orgs.columns and orgs["wide_region"].notna().any():
        add("cross_wide_region_tie_share",
            linkage.cross_region_share(proj, (aligned_groups or {}).get("wide_region", orgs["wide_region"]))
            .loc["(all)", "cross_share"], "share",
            "ties between different 5+2 wide economic regions / ties")
    nc_ = dataset.cached("newcomers", openness.newcomers) if not light else []
    if len(nc_) > 1:
        add("newcomer_share_last_year", nc_["newcomer_share"].iloc[-1], "share",
            f"participants in {nc_.index[-1]} with no earlier participation")
    ks, err = _try(programme.knowledge_services, dataset, proj)
    if ks is not None:
        add("kis_share_participating_firms", ks.loc["kis_share_participating_firms", "value"], "share",
            "knowledge-intensive service firms (KSIC 58, 62, 63, 70-73) / participating firms",
            "knowledge services thin")
        add("manufacturing_with_kis_partner", ks.loc["manufacturing_with_kis_partner_share", "value"], "share",
            "manufacturing firms with >= 1 knowledge-service partner / manufacturing firms in the network")
    step()
    if dataset.projects["programme"].notna().any() and dataset.projects["programme"].nunique() > 1:
        ov = programme.programme_overlap(dataset)
        add("programme_overlap_mean_jaccard", ov["pairs"]["jaccard"].mean(), "[0, 1]",
            "mean Jaccard overlap of participants between programme pairs", "programmes duplicate")
        multi = ov["multi"]
        add("organisations_in_several_programmes", multi.loc[multi["programmes"] >= 2, "organisations"].sum()
            / multi["organisations"].sum(), "share", "organisations in >= 2 programmes / organisations")
        if not light:
            nd = programme.near_duplicate_projects(dataset)
            add("near_duplicate_project_pairs", len(nd), "count",
                "project pairs in different programmes, same year, participant Jaccard >= 0.8")
        step()
    if "patents" in orgs.columns and not light:
        oc, err = _try(programme.outcome_comparison, dataset, "patents", n_boot=n_boot, seed=seed)
        if oc is not None:
            r = oc.iloc[0]
            add("patent_ratio_participants", r["ratio"], "ratio",
                f"mean patents of participating / non-participating firms (95% bootstrap CI "
                f"{r['ci_low']:.2f}-{r['ci_high']:.2f}); descriptive, not causal", "4.6x")
        else:
            add("patent_ratio_participants", None, "ratio", "mean patents participants / non-participants",
                "4.6x", note=err)
        step()
    th = helix.triple_helix(dataset, n_boot=0 if light else n_boot, seed=seed)
    if len(th):
        add("triple_helix_t_uig", th.iloc[0]["t_uig"], "bits",
            "Leydesdorff's T_UIG over projects (negative = synergy)",
            note="0 by construction when one helix (e.g. firms) is in every project"
            if min(th.iloc[0][["share_U", "share_I", "share_G"]]) in (0.0,) or
            max(th.iloc[0][["share_U", "share_I", "share_G"]]) == 1.0 else "")
    if not light and proj.n_ties:
        com = communities if communities is not None else leiden(proj, seed=seed)
        add("leiden_modularity", com.attrs["params"]["modularity"], "[-0.5, 1]",
            f"modularity of seeded Leiden communities (seed {seed})")
        add("leiden_communities", com.attrs["params"]["n_communities"], "count", "Leiden communities")
    return rows


def scorecard(dataset, **kwargs) -> pd.DataFrame:
    """One table of headline figures (see :func:`headline` for the options).

    Examples
    --------
    >>> import netcluster as nc                                           # doctest: +SKIP
    >>> nc.scorecard(nc.load_dataset(nc.datasets.get_path("korea_cluster_tables")))  # doctest: +SKIP
    """
    out = pd.DataFrame(headline(dataset, **kwargs))
    out.attrs["params"] = {k: v for k, v in kwargs.items()
                           if k not in ("projection", "ei_test", "communities", "ei", "cross_region",
                                        "project_openness", "aligned_groups", "_checkpoint")}
    return out
