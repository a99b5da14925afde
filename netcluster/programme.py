r"""Cluster-programme indicators: the figures the ten-year review of Korea's industrial-complex
cluster programme reports or criticises — joint projects, coverage, specialisation,
knowledge-intensive services, programme duplication and participants' outcomes.

All functions take a :class:`~netcluster.dataset.ClusterDataset` and return tidy
DataFrames with their parameters in ``attrs["params"]``.

References
----------
한국산업단지공단 / 전자신문, "산업단지 클러스터 10년" (2015) — the review figures.
P. Krugman, Geography and Trade (MIT Press, 1991) — specialisation index.
OECD, "Knowledge-intensive service activities" (2006); KSIC 10th revision divisions 58, 62,
63, 70–73 — knowledge-intensive services.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._compiled import compiled
from ._distinct import map_distinct
from .exceptions import EmptyResultError
from .groups import TOTAL
from ._sorting import distinct_keys, unique_values

__all__ = ["joint_projects", "consortium_sizes", "coverage", "specialised_share", "review_specialised_share",
           "pilot_complexes", "is_sme", "PILOT_COMPLEXES", "REVIEW_YEARS", "SME_SIZES",
           "location_quotients", "specialisation_indices", "knowledge_services",
           "programme_overlap", "near_duplicate_projects", "outcome_comparison",
           "KNOWLEDGE_SERVICE_KSIC", "ksic_division"]

#: Default KSIC divisions of knowledge-intensive services: publishing incl. software (58),
#: computer programming (62), information services (63), R&D (70), professional services
#: (71), architecture & engineering (72), other professional incl. design (73).
KNOWLEDGE_SERVICE_KSIC = ("58", "62", "63", "70", "71", "72", "73")
#: Manufacturing: KSIC divisions 10-34 (two-digit texts, as :func:`ksic_division` gives them).
MANUFACTURING_KSIC = tuple(str(d) for d in range(10, 35))
#: The seven pilot complexes of the programme (2005): the review's 63.6% → 78.4% is theirs.
#: Matched as the start of a complex's name, spaces and middle dots ignored.
PILOT_COMPLEXES = ("창원", "구미", "울산미포", "반월시화", "오창", "광주첨단", "원주문막")
#: The review's years of the specialised share (63.6% in 2004, 78.4% in 2012).
REVIEW_YEARS = (2004, 2012)
#: Firm size classes that are SMEs (중소기업: 소기업 and 중기업; not 중견기업 or 대기업).
SME_SIZES = ("소기업", "중기업", "소상공인", "중소기업", "micro", "small", "medium", "sme")


def ksic_division(sector: pd.Series) -> pd.Series:
    """Two-digit KSIC division from a code such as ``26299``, ``C26`` or ``26``."""
    return map_distinct(sector, _division, na=None)


def _division(code) -> str | None:
    text = str(code)
    digits = text if text.isdigit() else "".join(ch for ch in text if ch.isdigit())
    return digits[:2] if len(digits) >= 2 else None


def _org_division(dataset) -> pd.Series:
    """KSIC division of every organisation (row order of ``dataset.organisations``), computed
    once per dataset; all missing without a ``sector`` column."""
    def compute(d):
        o = d.organisations
        if "sector" not in o.columns:
            return pd.Series(None, index=o.index, dtype=object)
        return ksic_division(o["sector"])
    return dataset.cached("organisation ksic division", compute)


def joint_projects(dataset, *, by=None) -> pd.DataFrame:
    """Share of projects with ≥ 2 organisations and with ≥ 2 firms.

    Parameters
    ----------
    by : str or list of str, optional
        Project columns to break down by (``year``, ``programme``, ``complex``).

    Returns
    -------
    DataFrame
        Columns ``projects``, ``joint``, ``joint_share``, ``two_firms``, ``two_firm_share``,
        ``mean_size`` (shares in [0, 1]).  The review: over 90% of funded projects were
        joint projects with two or more firms.
    """
    # participations -> project and organisation rows (cached integer lookups), then counts
    pr, r = dataset.participation_project_rows(), dataset.participation_org_rows()
    firm_org = (dataset.organisations["org_type"] == "firm").to_numpy(dtype=bool)
    firm = np.zeros(len(r), dtype=bool)
    firm[r >= 0] = firm_org[r[r >= 0]]
    n = len(dataset.projects)
    proj = dataset.projects.set_index("project_id").copy()
    proj["size"] = np.bincount(pr[pr >= 0], minlength=n).astype(float)
    proj["firms"] = np.bincount(pr[(pr >= 0) & firm], minlength=n).astype(float)
    proj["joint"] = proj["size"] >= 2
    proj["two_firms"] = proj["firms"] >= 2
    keys = [by] if isinstance(by, str) else (list(by) if by else [])
    grp = proj.groupby(keys, dropna=False) if keys else proj.groupby(lambda _: TOTAL)
    out = grp.agg(projects=("size", "size"), joint=("joint", "sum"), two_firms=("two_firms", "sum"),
                  mean_size=("size", "mean"))
    out["joint_share"] = out["joint"] / out["projects"]
    out["two_firm_share"] = out["two_firms"] / out["projects"]
    out = out[["projects", "joint", "joint_share", "two_firms", "two_firm_share", "mean_size"]]
    out.attrs["params"] = {"by": keys or None, "joint": ">= 2 organisations", "two_firms": ">= 2 firms"}
    return out


def consortium_sizes(dataset) -> pd.DataFrame:
    """Distribution of consortium sizes: ``size, projects, share``."""
    size = dataset.participations.groupby("project_id").size()
    size = size.reindex(dataset.projects["project_id"]).fillna(0).astype(int)
    out = size.value_counts().sort_index().rename("projects").rename_axis("size").reset_index()
    out["share"] = out["projects"] / out["projects"].sum()
    return out


def coverage(dataset, *, by: str = "complex", weight: str | None = None,
             org_types=("firm",)) -> pd.DataFrame:
    """Coverage of the network over the organisation population.

    For each value of ``by`` (an organisation column: ``complex``, ``region``, ``wide_region``):
    ``population`` organisations (of ``org_types``) in the population, ``participants`` among
    them that took part in ≥ 1 project, ``coverage`` = participants / population, and with
    ``weight`` (``output``, ``employees``) the weighted coverage.  The row ``(all)`` gives the
    totals and, for ``by="complex"``, ``complexes_covered_share`` = share of complexes with at
    least one participant (the review: about 20% of complexes).

    Raises EmptyResultError when the population has no organisation of ``org_types``
    (coverage needs the organisations table with non-participants).
    """
    orgs = dataset.organisations
    keep = orgs["org_type"].isin(org_types).to_numpy() if org_types else np.ones(len(orgs), dtype=bool)
    if not keep.any():
        raise EmptyResultError(f"no organisations of type {list(org_types)} in the population")
    if by not in orgs.columns:
        raise KeyError(f"organisations have no column {by!r}")
    # only the columns used are copied (the population may hold millions of rows)
    use = list(dict.fromkeys([by, "participant"] + ([weight] if weight in orgs.columns else [])))
    pop = orgs.loc[keep, use]
    if pop["participant"].all():
        note = ("every organisation in the data participates: coverage needs a population table "
                "(organisations.csv including non-participants); shares of 1.0 are not informative")
    else:
        note = ""
    g = pop.groupby(by, dropna=True)
    out = pd.DataFrame({"population": g.size(), "participants": g["participant"].sum()})
    out["coverage"] = out["participants"] / out["population"]
    if weight is not None:
        if weight not in pop.columns:
            raise KeyError(f"organisations have no column {weight!r}")
        w = pop[weight].fillna(0)
        out[f"{weight}_total"] = w.groupby(pop[by]).sum()
        out[f"{weight}_participants"] = w[pop["participant"]].groupby(pop.loc[pop["participant"], by]).sum()
        out[f"{weight}_participants"] = out[f"{weight}_participants"].fillna(0)
        out[f"coverage_{weight}"] = out[f"{weight}_participants"] / out[f"{weight}_total"]
    out["covered"] = out["participants"] > 0
    total = {"population": len(pop), "participants": int(pop["participant"].sum())}
    total["coverage"] = total["participants"] / total["population"]
    if weight is not None:
        w = pop[weight].fillna(0)
        total[f"{weight}_total"] = float(w.sum())
        total[f"{weight}_participants"] = float(w[pop["participant"]].sum())
        total[f"coverage_{weight}"] = total[f"{weight}_participants"] / total[f"{weight}_total"] if w.sum() else np.nan
    total["covered"] = bool(total["participants"] > 0)
    out = out.sort_index()
    out.loc[TOTAL] = pd.Series(total)
    out.index.name = by
    groups = out.drop(index=TOTAL)
    out.attrs["params"] = {"by": by, "weight": weight, "org_types": list(org_types),
                           "groups_covered_share": float(groups["covered"].mean()) if len(groups) else np.nan,
                           "note": note}
    return out


def _designated(orgs, designated):
    """Designated specialised KSIC divisions per complex: from a dict, or the ``specialised``
    column (codes separated by ; or ,)."""
    if designated is not None:
        return {k: {str(x)[:2] for x in v} for k, v in designated.items()}
    if "specialised" not in orgs.columns:
        raise KeyError("no designated industries: pass designated={complex: [KSIC, ...]} or provide "
                       "a 'specialised' column (특화업종)")
    # per complex, the most frequent text of the column (the first in text order among equally
    # frequent ones, as Series.mode().iloc[0]); counted over (complex, text) pairs
    pairs = orgs[["complex", "specialised"]].dropna().astype(object)
    counts = pairs.groupby(["complex", "specialised"], sort=False).size().rename("n").reset_index()
    counts = counts.sort_values(["complex", "n", "specialised"], ascending=[True, False, True], kind="stable")
    d = counts.drop_duplicates("complex").set_index("complex")["specialised"]
    return {k: {x.strip()[:2] for x in str(v).replace(",", ";").split(";") if x.strip()} for k, v in d.items()}


def _in_designated(dataset, designated) -> np.ndarray:
    """Per organisation (row of ``dataset.organisations``): a firm of a complex whose KSIC
    division is one of its complex's designated industries (:func:`_designated`), decided once
    per distinct (division, complex); cached in the dataset when the industries come from the
    ``specialised`` column."""
    def compute(d):
        orgs = d.organisations
        des = _designated(orgs, designated)
        firm = ((orgs["org_type"] == "firm") & orgs["complex"].notna()).to_numpy(dtype=bool)
        fi = np.flatnonzero(firm)
        spec = np.zeros(len(orgs), dtype=bool)
        if not len(fi):
            return spec
        dcode, duniq = pd.factorize(pd.Series(_org_division(d).to_numpy(dtype=object)[fi], dtype=object),
                                    use_na_sentinel=False)
        ccode, cuniq = pd.factorize(pd.Series(orgs["complex"].to_numpy(dtype=object)[fi], dtype=object),
                                    use_na_sentinel=False)
        pair, inv = np.unique(dcode.astype(np.int64) * max(len(cuniq), 1) + ccode, return_inverse=True)
        ok = np.array([duniq[k // max(len(cuniq), 1)] in des.get(cuniq[k % max(len(cuniq), 1)], set())
                       for k in pair.tolist()], dtype=bool)
        spec[fi] = ok[inv.ravel()]
        return spec
    if designated is not None:
        return compute(dataset)
    return dataset.cached(("in designated industries",), compute)


def specialised_share(dataset, *, by_year: bool = True, designated: dict | None = None,
                      weight: str | None = None) -> pd.DataFrame:
    """Share of participating firms of each complex in its designated specialised industries.

    A firm counts in the year(s) it takes part in a project located in … its own complex (the
    firm's ``complex`` column).  ``weight`` (e.g. ``employees``) weights firms instead of
    counting them.  The review: 63.6% (2004) → 78.4% (2012) for the pilot complexes.

    Returns rows per (complex, year) with ``firms``, ``specialised_firms``, ``share`` and a
    row per year for all complexes together (complex ``(all)``).
    """
    orgs = dataset.organisations
    if designated is None and "specialised" not in orgs.columns:
        _designated(orgs, designated)  # (its error: no designated industries)
    if "sector" not in orgs.columns:
        raise KeyError("no 'sector' column (KSIC codes) in the organisations")
    # participations -> organisation rows and project years by cached integer lookups
    firm = ((orgs["org_type"] == "firm") & orgs["complex"].notna()).to_numpy(dtype=bool)
    cx = orgs["complex"].to_numpy(dtype=object)
    spec = _in_designated(dataset, designated)
    w = orgs[weight].fillna(0).to_numpy(dtype=float) if weight else np.ones(len(orgs))
    r = dataset.participation_org_rows()
    year = dataset.participation_project_values("year")
    sel = (r >= 0)
    sel[sel] = firm[r[sel]]
    rr = r[sel]
    act = pd.DataFrame({"org": rr, "year": year[sel], "complex": cx[rr], "w": w[rr], "specialised": spec[rr]})
    keys = ["complex", "year"] if by_year else ["complex"]
    act = act.drop_duplicates(["org"] + (["year"] if by_year else []))
    act["ws"] = act["w"] * act["specialised"]
    g = act.groupby(keys).agg(firms=("org", "size"), weight=("w", "sum"), specialised_weight=("ws", "sum"),
                              specialised_firms=("specialised", "sum"))
    allk = ["year"] if by_year else []
    tot = act.groupby(allk).agg(firms=("org", "size"), weight=("w", "sum"), specialised_weight=("ws", "sum"),
                                specialised_firms=("specialised", "sum")) if allk else pd.DataFrame(
        [{"firms": len(act), "weight": act["w"].sum(), "specialised_weight": act["ws"].sum(),
          "specialised_firms": act["specialised"].sum()}])
    tot = tot.reset_index()
    tot["complex"] = TOTAL
    out = pd.concat([g.reset_index(), tot], ignore_index=True)
    out["share"] = (out["specialised_weight"] / out["weight"]).where(out["weight"] > 0)
    out = out[keys + ["firms", "specialised_firms", "weight", "specialised_weight", "share"]]
    out.attrs["params"] = {"designated": "given" if designated else "from 'specialised' column",
                           "weight": weight or "firm count", "by_year": by_year}
    return out.reset_index(drop=True)


def _division_matrix(dataset, by, weight, participants_only) -> pd.DataFrame:
    """Firms (or their ``weight``) by ``by`` × KSIC division."""
    orgs = dataset.organisations
    f = orgs[orgs["org_type"] == "firm"].copy()
    if participants_only:
        f = f[f["participant"]]
    f["division"] = ksic_division(f["sector"])
    f = f.dropna(subset=[by, "division"])
    f["w"] = f[weight].fillna(0) if weight else 1.0
    return f.pivot_table(index=by, columns="division", values="w", aggfunc="sum", fill_value=0)


def pilot_complexes(names) -> list:
    """The complexes among ``names`` that are the programme's pilot complexes
    (:data:`PILOT_COMPLEXES`)."""
    def key(n):
        return str(n).replace(" ", "").replace("·", "").replace("ㆍ", "")
    return sorted({n for n in names if isinstance(n, str) and key(n).startswith(PILOT_COMPLEXES)})


def review_specialised_share(dataset, *, complexes=None, years=REVIEW_YEARS, weight: str | None = "auto",
                             designated: dict | None = None) -> pd.DataFrame:
    r"""The specialised-industry share comparable with the review's figures.

    The review (2015) reports 63.6% (2004) → 78.4% (2012) for the seven pilot complexes.  This
    computes, for ``complexes`` (default: the pilot complexes present) and each year of
    ``years`` (or the nearest year of the data), the share of participating firms of those
    complexes in their complex's designated industries — weighted by ``output`` or, without it,
    ``employees`` (``weight="auto"``), as the review's shares of production are — and, when the
    organisations table has the complexes' whole population, the same share over all their
    firms (participating or not; one snapshot, no year).

    Returns one row per asked year: ``year_asked``, ``year``, ``firms``, ``share``,
    ``population_share``, ``weight``, ``complexes``.  Range of shares: [0, 1].
    """
    orgs = dataset.organisations
    if weight == "auto":
        weight = next((c for c in ("output", "employees") if c in orgs.columns and orgs[c].notna().any()), None)
    chosen = pilot_complexes(orgs["complex"].dropna().unique()) if complexes is None else list(complexes)
    if not chosen:
        raise EmptyResultError("none of the programme's pilot complexes is in the data")
    sp = specialised_share(dataset, by_year=True, designated=designated, weight=weight)
    sub = sp[sp["complex"].isin(chosen)]
    per_year = sub.groupby("year").agg(firms=("firms", "sum"), weight=("weight", "sum"),
                                       specialised_weight=("specialised_weight", "sum"))
    per_year = per_year[per_year["weight"] > 0]
    if per_year.empty:
        raise EmptyResultError("no participating firm of the pilot complexes in any year")
    # over the complexes' whole population (when the organisations table has non-participants)
    in_chosen = ((orgs["org_type"] == "firm") & orgs["complex"].isin(chosen)).to_numpy(dtype=bool)
    firms = orgs[in_chosen]
    population_share = np.nan
    if len(firms) and not firms["participant"].all():
        spec = _in_designated(dataset, designated)[in_chosen]
        w = firms[weight].fillna(0).to_numpy(float) if weight else np.ones(len(firms))
        population_share = float((w * spec).sum() / w.sum()) if w.sum() > 0 else np.nan
    rows = []
    have = per_year.index.to_numpy(dtype=int)
    for y in years:
        near = int(have[np.argmin(np.abs(have - y) * 2 + (have > y))])  # nearest, the earlier on a tie
        r = per_year.loc[near]
        rows.append({"year_asked": int(y), "year": near, "firms": int(r["firms"]),
                     "share": float(r["specialised_weight"] / r["weight"]),
                     "population_share": population_share, "weight": weight or "firm count",
                     "complexes": len(chosen)})
    out = pd.DataFrame(rows)
    out.attrs["params"] = {"complexes": chosen, "weight": weight or "firm count", "years_asked": list(years)}
    return out


def is_sme(size: pd.Series) -> pd.Series:
    """Whether each firm's size class is an SME (:data:`SME_SIZES`; missing: unknown → False)."""
    codes, uniques = pd.factorize(size.astype(object), use_na_sentinel=True)
    sme = np.array([isinstance(v, str) and v.strip().lower() in SME_SIZES for v in uniques] + [False], dtype=bool)
    return pd.Series(sme[codes], index=size.index, name=size.name)  # (code -1, missing: the last entry)


def location_quotients(dataset, *, by: str = "region", weight: str | None = None,
                       participants_only: bool = False) -> pd.DataFrame:
    r"""Location quotient of each (region, KSIC division):
    :math:`LQ_{ri} = \frac{x_{ri}/x_{r\cdot}}{x_{\cdot i}/x_{\cdot\cdot}}` over firms (or a
    ``weight`` such as employees).  LQ > 1: the region is specialised in the division."""
    x = _division_matrix(dataset, by, weight, participants_only)
    lq = (x.div(x.sum(axis=1), axis=0)).div(x.sum(axis=0) / x.values.sum(), axis=1)
    out = lq.stack().rename("lq").reset_index()
    out["value"] = x.stack().to_numpy()
    out.attrs["params"] = {"by": by, "weight": weight or "firm count", "participants_only": participants_only}
    return out


def specialisation_indices(dataset, *, by: str = "region", weight: str | None = None,
                           participants_only: bool = False) -> pd.DataFrame:
    r"""Herfindahl :math:`H_r = \sum_i s_{ri}^2` (range (0, 1]) and Krugman
    :math:`K_r = \sum_i |s_{ri} - s_i|` (range [0, 2]) specialisation of each region's firms
    over KSIC divisions; :math:`s_{ri}` the division's share in the region, :math:`s_i` in the
    whole population."""
    x = _division_matrix(dataset, by, weight, participants_only)
    s = x.div(x.sum(axis=1), axis=0)
    s0 = x.sum(axis=0) / x.values.sum()
    out = pd.DataFrame({"herfindahl": (s ** 2).sum(axis=1), "krugman": (s - s0).abs().sum(axis=1),
                        "firms": x.sum(axis=1)})
    out.attrs["params"] = {"by": by, "weight": weight or "firm count", "participants_only": participants_only}
    return out


def service_flags(organisations: pd.DataFrame, codes=KNOWLEDGE_SERVICE_KSIC, division=None):
    """Boolean Series (same index as ``organisations``): firm, knowledge-intensive service
    firm (KSIC division in ``codes``), manufacturing firm (KSIC 10–34).  ``division``: the
    organisations' :func:`ksic_division`, when already computed (same row order)."""
    o = organisations
    if division is not None:
        div = pd.Series(np.asarray(division, dtype=object), index=o.index)
    else:
        div = ksic_division(o["sector"]) if "sector" in o.columns else pd.Series(None, index=o.index, dtype=object)
    is_firm = o["org_type"] == "firm"
    return is_firm, is_firm & div.isin(codes), is_firm & div.isin(MANUFACTURING_KSIC)


def org_service_flags(dataset, codes=KNOWLEDGE_SERVICE_KSIC):
    """:func:`service_flags` of every organisation (row order of ``dataset.organisations``)
    as boolean arrays ``(firm, kis, manufacturing)``, computed once per dataset and codes
    (the scorecard and the evolution slices both need them)."""
    def compute(d):
        flags = service_flags(d.organisations, codes, division=_org_division(d))
        return tuple(f.fillna(False).to_numpy(dtype=bool) for f in flags)
    return dataset.cached(("organisation service flags", tuple(codes)), compute)


def knowledge_services(dataset, projection=None, *, codes=KNOWLEDGE_SERVICE_KSIC,
                       centrality_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Knowledge-intensive service (KIS) organisations among participants and in ties.

    Returns a one-row-per-measure table: share of participating firms that are KIS
    (``kis_share_participants``), share of participations, share of ties with ≥ 1 KIS end,
    share of manufacturing firms (KSIC 10–34) with at least one KIS partner, and — with a
    centrality frame — the ratio of mean degree/betweenness of KIS firms to other firms.
    """
    orgs = dataset.organisations_by_id()
    is_firm, kis, mfg = (pd.Series(f, index=orgs.index) for f in org_service_flags(dataset, codes))
    part = orgs["participant"]
    r = dataset.participation_org_rows()
    kis_part = np.where(r >= 0, kis.to_numpy(dtype=bool)[np.maximum(r, 0)], False)
    rows = {"kis_firms_population": int(kis.sum()),
            "kis_share_population_firms": float(kis[is_firm].mean()) if is_firm.any() else np.nan,
            "kis_share_participating_firms": float(kis[is_firm & part].mean()) if (is_firm & part).any() else np.nan,
            "kis_share_participations": float(kis_part.mean()) if len(kis_part) else np.nan}
    if projection is not None:
        r, c, _, _ = projection.tie_arrays()
        pos = dataset.organisation_rows(projection.labels)  # (kis: organisations' row order)
        kv = np.where(pos >= 0, kis.to_numpy(dtype=bool)[np.maximum(pos, 0)], False)
        rows["kis_share_ties"] = float((kv[r] | kv[c]).mean()) if len(r) else np.nan
        M = projection.matrix.tocsr().copy()
        M.data[:] = 1
        has_kis = (M @ kv.astype(float)) > 0
        mv = np.where(pos >= 0, mfg.to_numpy(dtype=bool)[np.maximum(pos, 0)], False)
        rows["manufacturing_with_kis_partner_share"] = float(has_kis[mv].mean()) if mv.any() else np.nan
    if centrality_frame is not None:
        c = centrality_frame
        k = kis.reindex(c.index).fillna(False)
        f = is_firm.reindex(c.index).fillna(False)
        for col in ("degree", "betweenness"):
            a, b = c.loc[k & f, col].mean(), c.loc[~k & f, col].mean()
            rows[f"kis_vs_other_firms_{col}_ratio"] = float(a / b) if b else np.nan
    out = pd.DataFrame({"value": rows}).rename_axis("measure")
    out.attrs["params"] = {"ksic_divisions": list(codes), "manufacturing": "KSIC 10-34"}
    return out


def programme_overlap(dataset) -> dict:
    """Participant overlap between programmes.

    Returns ``pairs`` (programme a, b: participants of each, shared, Jaccard, shared projects'
    organisations linkage = number of organisations in both) and ``multi`` (organisations by
    number of programmes they take part in).  A pair with no shared organisation has
    Jaccard 0.
    """
    # participations -> (organisation row, programme code) by the dataset's cached integer
    # lookups; each distinct pair once
    pr, orow = dataset.participation_project_rows(), dataset.participation_org_rows()
    pcode, puniq = pd.factorize(dataset.projects["programme"].astype(object), use_na_sentinel=True)
    pc = np.where(pr >= 0, pcode[np.maximum(pr, 0)], -1)
    ok = (pc >= 0) & (orow >= 0)
    k = max(len(puniq), 1)
    pairs = distinct_keys(orow[ok].astype(np.int64) * k + pc[ok], len(dataset.organisations) * k)
    o_, p_ = pairs // k, pairs % k
    present = unique_values(p_)
    order = sorted(range(len(present)), key=lambda i: str(puniq[present[i]]))
    progs = [puniq[present[i]] for i in order]
    row_of = np.full(k, -1, dtype=np.int64)
    row_of[present[order]] = np.arange(len(order))
    oi, orgs = pd.factorize(o_)
    M = sp.csr_matrix((np.ones(len(pairs)), (row_of[p_], oi)), shape=(len(progs), len(orgs)))
    shared = (M @ M.T).toarray()
    size = np.diag(shared).copy()
    rows = []
    for i in range(len(progs)):
        for j in range(i + 1, len(progs)):
            union = size[i] + size[j] - shared[i, j]
            rows.append({"programme_a": progs[i], "programme_b": progs[j], "participants_a": int(size[i]),
                         "participants_b": int(size[j]), "shared": int(shared[i, j]),
                         "jaccard": shared[i, j] / union if union else 0.0})
    n_prog = np.asarray(M.sum(axis=0)).ravel().astype(int)
    multi = pd.Series(n_prog).value_counts().sort_index().rename("organisations").rename_axis("programmes").reset_index()
    return {"pairs": pd.DataFrame(rows, columns=["programme_a", "programme_b", "participants_a",
                                                 "participants_b", "shared", "jaccard"]),
            "multi": multi}


def near_duplicate_projects(dataset, *, threshold: float = 0.8, year_gap: int = 0,
                            min_participants: int = 2) -> pd.DataFrame:
    """Pairs of projects in **different** programmes with overlapping years and highly
    overlapping participants (Jaccard ≥ ``threshold``), for an analyst to check.

    Years overlap when the projects' years differ by at most ``year_gap`` (or, with start and
    end dates, when the periods intersect).  Returns ``project_a, project_b, programme_a,
    programme_b, year_a, year_b, shared, jaccard``.
    """
    # participations -> project and organisation rows (cached integer lookups; one row per id,
    # so factorising rows numbers projects and organisations as their ids would)
    prow, orow = dataset.participation_project_rows(), dataset.participation_org_rows()
    size = np.bincount(prow[prow >= 0], minlength=len(dataset.projects))
    keep = (prow >= 0) & (orow >= 0)
    keep[keep] = size[prow[keep]] >= min_participants
    pi, prow_u = pd.factorize(prow[keep])
    oi, _ = pd.factorize(orow[keep])
    first = np.flatnonzero(keep)[np.unique(pi, return_index=True)[1]]  # each project's first row
    projs = pd.factorize(dataset.participations["project_id"].iloc[first])[1]  # (the ids' type, as before)
    n_orgs = oi.max() + 1 if len(oi) else 0
    B = sp.csr_matrix((np.ones(len(pi)), (pi, oi)), shape=(len(projs), n_orgs))
    k = np.asarray(B.sum(axis=1)).ravel()
    row, col = _similar_pair_candidates(pi, oi, len(projs), n_orgs, threshold)
    shared = np.zeros(len(row))
    for c0 in range(0, len(row), 500_000):  # exact overlap of the candidates, in bounded chunks
        r_, c_ = row[c0:c0 + 500_000], col[c0:c0 + 500_000]
        shared[c0:c0 + 500_000] = np.asarray(B[r_].multiply(B[c_]).sum(axis=1)).ravel()
    jac = shared / (k[row] + k[col] - shared) if len(row) else np.zeros(0)
    sel = jac >= threshold
    S = sp.coo_matrix((shared[sel], (row[sel], col[sel])), shape=(len(projs), len(projs)))
    jac = jac[sel]
    sel = np.ones(len(jac), dtype=bool)
    pr = dataset.projects.set_index("project_id")
    a, b = projs[S.row[sel]], projs[S.col[sel]]
    out = pd.DataFrame({"project_a": a, "project_b": b,
                        "programme_a": pr["programme"].reindex(a).to_numpy(),
                        "programme_b": pr["programme"].reindex(b).to_numpy(),
                        "year_a": pr["year"].reindex(a).to_numpy(), "year_b": pr["year"].reindex(b).to_numpy(),
                        "shared": S.data[sel].astype(int), "jaccard": jac[sel]})
    diff = out["programme_a"].astype(object) != out["programme_b"].astype(object)
    ya, yb = pd.to_numeric(out["year_a"]), pd.to_numeric(out["year_b"])
    overlap = (ya - yb).abs() <= year_gap
    if {"start_date", "end_date"} <= set(pr.columns):
        sa, ea = pr["start_date"].reindex(a).to_numpy(), pr["end_date"].reindex(a).to_numpy()
        sb, eb = pr["start_date"].reindex(b).to_numpy(), pr["end_date"].reindex(b).to_numpy()
        dates = pd.notna(sa) & pd.notna(ea) & pd.notna(sb) & pd.notna(eb)
        inter = pd.Series((sa <= eb) & (sb <= ea), index=out.index)
        overlap = overlap.where(~pd.Series(dates, index=out.index), inter)
    out = out[diff & overlap.fillna(False)].sort_values(["jaccard", "project_a"], ascending=[False, True])
    out.attrs["params"] = {"threshold": threshold, "year_gap": year_gap, "min_participants": min_participants}
    return out.reset_index(drop=True)


#: Projects of more organisations carry single organisations as signatures, not pairs
#: (:func:`overlap_signatures`): at most 4,950 pairs per project.
PAIR_SIGNATURES_MAX = 100


def overlap_signatures(pi, oi, n_proj, n_orgs, threshold):
    """Signatures of participant Jaccard >= ``threshold``: a 0/1 matrix of projects x
    signatures such that two projects with Jaccard >= t share a signature, so the pairs with a
    non-zero entry in ``S @ S.T`` are a superset of the similar pairs.  ``(pi, oi)``: distinct
    (project, organisation) codes.

    The prefix filter (Chaudhuri, Ganti & Kaushik, ICDE 2006; Bayardo, Ma & Srikant, WWW 2007)
    with pairs of organisations as signatures.  Each project's organisations are ordered rarest
    first (one global order).  Jaccard >= t needs an overlap of at least β(x) = ⌈t·x⌉ with a
    project of x organisations; when β >= 2 the two projects share two organisations within
    their first x − β + 2 (at most β − 2 shared ones fit after that), and the first two shared
    ones are the same pair in both: a project's signatures are the pairs of its first
    x − max(2, β) + 2 organisations.  A pair needing one shared organisation has x + y <=
    (1 + t) / t, so both sides have at most 1/t organisations: such projects also carry each
    organisation as a signature.  Two projects sharing a single organisation — most
    candidates of the single-organisation prefix filter (35 million at 1M participation rows,
    of which 0.6 million similar) — are then candidates only when both are that small;
    hubs come last and rarely enter a signature.  A project of more than
    :data:`PAIR_SIGNATURES_MAX` organisations (a programme-wide record listing thousands)
    would carry millions of pairs: it carries single organisations of its first
    x − ⌈t·x⌉ + 1 instead (the classic prefix), and so do the projects that can reach Jaccard t
    with it (at least t·(PAIR_SIGNATURES_MAX + 1) organisations), in a namespace of their own.
    Signatures held by one project are left out (they pair with nothing).
    """
    pi, oi = np.asarray(pi, dtype=np.int64), np.asarray(oi, dtype=np.int64)
    freq = np.bincount(oi, minlength=n_orgs)
    order = np.lexsort((oi, freq[oi], pi))
    ps, os_ = pi[order], oi[order]
    size = np.bincount(ps, minlength=n_proj)
    start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    t = float(threshold)
    # one organisation as a signature: projects of at most 1/t organisations (every project when t <= 0)
    small = size <= (np.inf if t <= 0 else 1.0 / t + 1e-9)
    single = small[ps]
    keys = [os_[single]]
    owners = [ps[single]]
    if t > 0:
        need = np.ceil(t * size - 1e-9).astype(np.int64)  # the overlap Jaccard t needs, at least
        big = size > PAIR_SIGNATURES_MAX
        # the classic prefix (codes n_orgs ..): large projects and those that can pair with one
        prefixed = (size >= t * (PAIR_SIGNATURES_MAX + 1) - 1e-9)[ps]
        rank = np.arange(len(ps)) - start[ps]
        in_prefix = prefixed & (rank < (size - need + 1)[ps])
        keys.append(n_orgs + os_[in_prefix])
        owners.append(ps[in_prefix])
        # pairs of organisations (codes 2 n_orgs ..)
        length = np.where(big, 0, np.clip(size - np.maximum(2, need) + 2, 0, size))
        pair_owner, a, b = _prefix_pairs(start, length, os_)
        keys.append(2 * n_orgs + np.minimum(a, b) * n_orgs + np.maximum(a, b))
        owners.append(pair_owner)
    key, owner = np.concatenate(keys), np.concatenate(owners)
    codes = pd.factorize(key)[0]
    shared = np.bincount(codes)[codes] >= 2
    col = pd.factorize(codes[shared])[0]
    return sp.csr_matrix((np.ones(int(shared.sum())), (owner[shared], col)),
                         shape=(n_proj, int(col.max()) + 1 if len(col) else 0))


@compiled
def _prefix_pairs(start, length, orgs):  # pragma: no cover (compiled)
    """(project, first, second) for every pair of positions i < j < length[p] of project p's
    organisations ``orgs[start[p]:]``."""
    total = 0
    for p in range(len(start)):
        total += length[p] * (length[p] - 1) // 2
    owner = np.empty(total, dtype=np.int64)
    a = np.empty(total, dtype=np.int64)
    b = np.empty(total, dtype=np.int64)
    k = 0
    for p in range(len(start)):
        s = start[p]
        for i in range(length[p]):
            for j in range(i + 1, length[p]):
                owner[k] = p
                a[k] = orgs[s + i]
                b[k] = orgs[s + j]
                k += 1
    return owner, a, b


def _similar_pair_candidates(pi, oi, n_proj, n_orgs, threshold):
    """Project pairs that can have participant Jaccard >= ``threshold`` (:func:`overlap_signatures`).
    Returns (row, col) with row < col, sorted."""
    if len(pi) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    P = overlap_signatures(pi, oi, n_proj, n_orgs, threshold)
    C = sp.triu(P @ P.T, k=1).tocoo()
    o = np.lexsort((C.col, C.row))
    return C.row[o].astype(np.int64), C.col[o].astype(np.int64)


def _bootstrap_sums(cell: np.ndarray, n_boot: int, rng) -> np.ndarray:
    """Sums of ``n_boot`` resamples of ``cell`` with replacement (same size as ``cell``).

    A resample's sum depends only on how many draws hit each distinct value, and those counts
    are multinomial with the values' shares as probabilities — so when values repeat (patent
    counts: a few dozen distinct values among a million firms) the replicate is drawn as
    counts over the distinct values, O(distinct) instead of O(firms) per replicate.  Same
    bootstrap distribution as drawing firm indices (tested); otherwise indices are drawn."""
    vals, freq = np.unique(cell, return_counts=True)
    n = len(cell)
    if len(vals) * 8 <= n:
        counts = rng.multinomial(n, freq / n, size=n_boot)
        return counts @ vals
    out = np.empty(n_boot)
    step = max(1, 4_000_000 // n)  # bounded memory: ~32 MB of indices at a time
    for b0 in range(0, n_boot, step):
        k = min(step, n_boot - b0)
        out[b0:b0 + k] = cell[rng.integers(0, n, size=(k, n))].sum(axis=1)
    return out


def outcome_comparison(dataset, outcome: str = "patents", *, strata=None, n_boot: int = 2000,
                       seed: int = 0, ci: float = 0.95, org_types=("firm",), comparison: str = "all") -> pd.DataFrame:
    r"""Participating vs non-participating firms: ratio of mean ``outcome``.

    **A descriptive comparison, not a causal effect**: participants differ from other firms
    in ways the data do not show (selection into the programme).

    Without strata: :math:`R = \bar y_{part} / \bar y_{non}`.  With ``strata`` (organisation
    columns such as ``size`` or ``sector``): direct standardisation to the participants'
    stratum mix, :math:`R = \sum_s w_s \bar y_{part,s} / \sum_s w_s \bar y_{non,s}` over strata
    with both groups present, :math:`w_s` the share of participants in stratum *s*.
    Percentile bootstrap interval (firms resampled within group and stratum).

    ``comparison``: ``"all"`` firms, or ``"sme"`` — participating SMEs against non-participating
    SMEs (:func:`is_sme` of the ``size`` column), the review's comparison ("4.6 times ordinary
    SMEs").

    Raises EmptyResultError when there are no non-participants (the population table is
    needed) or no participants with the outcome.
    """
    if comparison not in ("all", "sme"):
        raise ValueError(f"comparison must be 'all' or 'sme', got {comparison!r}")
    orgs = dataset.organisations
    if outcome not in orgs.columns:
        raise KeyError(f"organisations have no outcome column {outcome!r}")
    skeys = [strata] if isinstance(strata, str) else list(strata or [])
    use = list(dict.fromkeys([outcome, "participant"] + skeys + (["size"] if comparison == "sme" else [])))
    if comparison == "sme" and "size" not in orgs.columns:
        raise EmptyResultError("no 'size' column: the comparison with SMEs needs the firms' size class")
    f = orgs.loc[orgs["org_type"].isin(org_types).to_numpy(), use].dropna(subset=[outcome])
    if comparison == "sme":  # SMEs on both sides: participating SMEs and ordinary SMEs
        f = f[is_sme(f["size"])]
    # strata: the combination of the keys' values, numbered by first appearance (vectorised:
    # a row-wise string join took 42 s on 1.46M firms)
    stratum = np.zeros(len(f), dtype=np.int64)
    if skeys:
        f = f.dropna(subset=skeys)
        stratum = np.zeros(len(f), dtype=np.int64)
        for k in skeys:
            codes, uniques = pd.factorize(f[k].astype(str))
            stratum = stratum * max(len(uniques), 1) + codes
    n1, n0 = int(f["participant"].sum()), int((~f["participant"]).sum())
    if n0 == 0:
        raise EmptyResultError(
            "no non-participating firms with the outcome: the comparison needs the population "
            "(an organisations table that includes firms that took part in no project)")
    if n1 == 0:
        raise EmptyResultError("no participating firms with the outcome")
    y = f[outcome].to_numpy(float)
    part = f["participant"].to_numpy()
    st = pd.factorize(stratum)[0]
    ns = st.max() + 1

    def ratio(yv, pv, sv):
        m1 = np.bincount(sv[pv], weights=yv[pv], minlength=ns) / np.maximum(np.bincount(sv[pv], minlength=ns), 1)
        m0 = np.bincount(sv[~pv], weights=yv[~pv], minlength=ns) / np.maximum(np.bincount(sv[~pv], minlength=ns), 1)
        c1, c0 = np.bincount(sv[pv], minlength=ns), np.bincount(sv[~pv], minlength=ns)
        ok = (c1 > 0) & (c0 > 0)
        w = c1 * ok
        den = (w * m0).sum()
        return (w * m1).sum() / den if den > 0 else np.nan, int(ok.sum())

    obs, used = ratio(y, part, st)
    # bootstrap: firms resampled with replacement within each (stratum, group) cell; the cell
    # sizes stay fixed, so a replicate is fully described by its per-cell sums of y
    rng = np.random.default_rng(seed)
    c1, c0 = np.bincount(st[part], minlength=ns), np.bincount(st[~part], minlength=ns)
    ok = (c1 > 0) & (c0 > 0)
    w = (c1 * ok).astype(float)
    sums = {True: np.zeros((n_boot, ns)), False: np.zeros((n_boot, ns))}
    for s_ in range(ns):
        for p_ in (True, False):
            cell = y[(st == s_) & (part == p_)]
            if len(cell) == 0:
                continue
            sums[p_][:, s_] = _bootstrap_sums(cell, n_boot, rng)
    with np.errstate(invalid="ignore", divide="ignore"):
        m1 = sums[True] / np.maximum(c1, 1)
        m0 = sums[False] / np.maximum(c0, 1)
        den = (w * m0).sum(axis=1)
        boots = np.where(den > 0, (w * m1).sum(axis=1) / np.where(den > 0, den, 1), np.nan)
    a = (1 - ci) / 2
    out = pd.DataFrame([{
        "outcome": outcome, "participants": n1, "non_participants": n0,
        "mean_participants": float(y[part].mean()), "mean_non_participants": float(y[~part].mean()),
        "ratio": float(obs), "ci_low": float(np.nanquantile(boots, a)), "ci_high": float(np.nanquantile(boots, 1 - a)),
        "strata": " x ".join(skeys) if skeys else "none", "strata_used": used, "comparison": comparison,
        "interpretation": "descriptive comparison, not a causal effect"}])
    out.attrs["params"] = {"n_boot": n_boot, "seed": seed, "ci": ci, "standardisation":
                           "direct, to participants' stratum mix" if skeys else "none",
                           "org_types": list(org_types)}
    return out
