"""Who runs the network, and the regional innovation system of each province.

The programme review calls the public-led clusters "not open": this module measures how much
of the network runs through government and support bodies (KICOX, technoparks, local
governments) — and, for comparison, through firms, universities and research institutes (the
산학연관 balance) — per year and per phase:

* ``ties_share``: share of the period's ties with at least one organisation of the type;
* ``betweenness_share``: the type's share of the summed betweenness (brokerage along shortest
  paths; exact while every organisation as a source costs at most :data:`EXACT_WORK`
  organisations × (organisations + ties) — about 1,500 organisations at a mean degree of 6;
  above, estimated from seeded sources with linearly scaled dependencies (Geisberger, Sanders &
  Schultes 2008), added 16 at a time until every type's share has a standard error of at most
  two percentage points, at least 32 and at most 64 sources — a share of a sum settles long
  before individual values do (Brandes & Pich 2007)), with ``betweenness_share_se`` (0 when
  exact) and ``betweenness_sources``;
* ``lead_share``: share of the period's projects whose lead organisation is of the type
  (projects with a recorded lead).

:func:`regional_innovation_system` describes each province's system (Cooke 1992; Asheim &
Isaksen 2002): its firms' ties to universities and research institutes, how many of its
firms' partners are in the province, and how embedded its knowledge-service firms are — with
the national value as the last row.

References
----------
- P. Cooke, "Regional innovation systems", Geoforum 23 (1992).
- B. Asheim, A. Isaksen, "Regional innovation systems: the integration of local 'sticky' and
  global 'ubiquitous' knowledge", J. Technology Transfer 27 (2002).
- L. C. Freeman, "A set of measures of centrality based on betweenness", Sociometry 40 (1977).
- R. Geisberger, P. Sanders, D. Schultes, "Better approximation of betweenness centrality",
  Proc. ALENEX (2008) — linear scaling of sampled dependencies.
- U. Brandes, C. Pich, "Centrality estimation in large networks", Int. J. Bifurcation and Chaos
  17 (2007).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._sorting import unique_values
from .centrality import _SearchGraph, _linear_dependencies, _unweighted_adjacency
from .groups import NATIONAL
from .orgtypes import PUBLIC_BODIES
from .programme import org_service_flags
from .slices import Slice, year_slices

__all__ = ["type_shares_over_time", "regional_innovation_system", "TYPE_SHARE_COLUMNS", "RIS_COLUMNS"]

TYPE_SHARE_COLUMNS = ["slice", "start", "end", "org_type", "organisations", "organisations_share", "ties_share",
                      "betweenness_share", "betweenness_share_se", "betweenness_sources", "lead_share"]
RIS_COLUMNS = ["region", "firms", "firm_ties", "firm_university_tie_share", "firm_research_tie_share",
               "firm_partners_local_share", "kis_firms", "kis_mean_degree", "kis_external_share"]
TYPES = ("government", "support", "firm", "university", "research")
#: The row of government and support bodies together (a tie between the two counts once).
PUBLIC = PUBLIC_BODIES


#: A period's betweenness shares are exact when every organisation as a source costs at most
#: EXACT_WORK (organisations × (organisations + ties), the work of one search per source);
#: otherwise they are estimated from seeded sources added SHARE_BATCH at a time until every
#: type's share has a standard error of at most SHARE_SE (absolute: 0.02 = two percentage
#: points) — at least two batches, at most SHARE_MAX_SOURCES sources (then the standard error is
#: what it is; it is in the table either way).  The dependencies are linearly scaled
#: (Geisberger, Sanders & Schultes 2008): a pair's credit to a node grows with the node's
#: distance from the source, so the source's own neighbours no longer take whole paths' credit.
#: On the 1M benchmark input's 13 period networks (32k–234k organisations) the rule stops at 32
#: or 48 sources with standard errors of 0.014–0.019, where 64 sources with uniform
#: dependencies (Brandes & Pich 2007) gave 0.016–0.025 (docs/benchmark.md).
#: A share of a sum needs far fewer sources than a ranking of organisations does
#: (netcluster.centrality), so the exact computation is kept for periods where it is cheap.
EXACT_WORK, SHARE_BATCH, SHARE_SE, SHARE_MAX_SOURCES = 10_000_000, 16, 0.02, 64


def _betweenness_shares(proj, groups: list[np.ndarray], seed) -> tuple[np.ndarray, np.ndarray, int]:
    """Each boolean node mask's share of the summed betweenness, its standard error and the
    sources used: exact (igraph; standard error 0) within EXACT_WORK, else sampled (see
    SHARE_SE).  A share is a ratio estimate over the sampled sources, Σ_s a_s / Σ_s b_s (a_s:
    the group's linearly scaled dependency on source s, b_s: everyone's — each unbiased up to
    the common factor n / m); its standard error by the delta method,
    sqrt(Σ_s (a_s − R b_s)² / (m (m − 1))) / mean(b) over the m sources (Cochran, *Sampling
    Techniques*, 3rd ed. 1977, §6.4)."""
    n = proj.n_nodes
    if n * (n + proj.n_ties) <= EXACT_WORK:
        btw = np.asarray(proj.to_igraph().betweenness(), dtype=float)
        total = float(np.nansum(btw))
        share = np.array([np.nansum(btw[g]) / total if total > 0 else np.nan for g in groups])
        return share, np.where(np.isnan(share), np.nan, 0.0), n
    A = _SearchGraph(_unweighted_adjacency(proj))
    sources = np.random.default_rng(seed).choice(n, size=min(SHARE_MAX_SOURCES, n), replace=False)
    G = np.array(groups, dtype=float)  # groups x nodes
    a_parts, b_parts = [], []
    used = 0
    share = se = np.full(len(groups), np.nan)
    while used < len(sources):
        dep = _linear_dependencies(A, sources[used:used + SHARE_BATCH])
        used = min(used + SHARE_BATCH, len(sources))
        a_parts.append(G @ dep)          # groups x sources
        b_parts.append(dep.sum(axis=0))  # sources
        a_s, b_s = np.concatenate(a_parts, axis=1), np.concatenate(b_parts)
        m, total = len(b_s), b_s.sum()
        if total <= 0:
            share = se = np.full(len(groups), np.nan)
            continue
        share = a_s.sum(axis=1) / total
        if m >= 2:
            resid = a_s - share[:, None] * b_s[None, :]
            se = np.sqrt((resid ** 2).sum(axis=1) / (m * (m - 1))) / b_s.mean()
        if m >= 2 * SHARE_BATCH and np.all(se <= SHARE_SE):
            break
    return share, np.where(np.isnan(share), np.nan, se), used


def _period_shares(s: Slice, dataset, types) -> list[dict]:
    proj = s.projection
    n = proj.n_nodes
    if n == 0:
        return []
    c = s.coded
    org_type = c.orgs["org_type"].to_numpy(dtype=object)
    t = org_type[s.participants]  # the projection's organisations, in its order
    r, cc, _, _ = proj.tie_arrays()
    # the period's lead participations (integer codes: no string matching per period)
    lead = _lead_rows(dataset)
    lead = lead[s.pmask[c.pp[lead]]]
    lead_project = c.pp[lead]
    lead_type = np.where(c.po[lead] >= 0, org_type[np.maximum(c.po[lead], 0)], None)
    n_lead_projects = len(unique_values(lead_project))
    kinds = list(types) + [PUBLIC]
    masks = [np.isin(t, ["government", "support"]) if ty == PUBLIC else t == ty for ty in kinds]
    btw_share, btw_se, sources = _betweenness_shares(proj, masks, s.seed)
    rows = []
    for ty, is_t, b_share, b_se in zip(kinds, masks, btw_share, btw_se):
        tie = (is_t[r] | is_t[cc]) if len(r) else np.zeros(0, dtype=bool)
        led_mask = np.isin(lead_type, ["government", "support"]) if ty == PUBLIC else lead_type == ty
        led = len(unique_values(lead_project[led_mask])) if n_lead_projects else 0
        rows.append({"org_type": ty, "organisations": int(is_t.sum()), "organisations_share": float(is_t.mean()),
                     "ties_share": float(tie.mean()) if len(r) else np.nan,
                     "betweenness_share": float(b_share), "betweenness_share_se": float(b_se),
                     "betweenness_sources": int(sources),
                     "lead_share": float(led / n_lead_projects) if n_lead_projects else np.nan})
    return rows


def _lead_rows(dataset) -> np.ndarray:
    """Participations (positions) of a project's lead organisation with a known project."""
    def compute(d):
        part = d.participations
        if "role" not in part.columns:
            return np.zeros(0, dtype=np.int64)
        lead = (part["role"] == "lead").fillna(False).to_numpy(dtype=bool)
        return np.flatnonzero(lead & (d.participation_project_rows() >= 0))
    return dataset.cached(("lead participations",), compute)


def type_shares_over_time(dataset, *, by: str = "year", phases: dict | None = None, types=TYPES,
                          seed: int = 0, max_project_size: int | None = None) -> pd.DataFrame:
    """Each organisation type's share of the organisations, the ties, the betweenness and the
    project leads, per year (``by="year"``) or phase (see the module's text); the row
    :data:`PUBLIC` holds government and support bodies together.  ``max_project_size``: the
    ties and betweenness leave larger projects out, as the network's projection does
    (:meth:`netcluster.graph.BipartiteNetwork.project_organisations`); leads count every project.

    Examples
    --------
    >>> import netcluster as nc
    >>> ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    >>> ts = type_shares_over_time(ds, by="phase")
    >>> pub = ts[ts["org_type"] == PUBLIC].set_index("slice")["ties_share"]
    >>> bool(pub.between(0, 1).all())
    True
    """
    rows = []
    for label, a, b in year_slices(dataset, by, phases=phases):
        s = Slice(dataset, start=a, end=b, label=label, seed=seed, max_project_size=max_project_size)
        if s.is_empty:
            continue
        rows += [{"slice": label, "start": a, "end": b, **r} for r in _period_shares(s, dataset, types)]
    return pd.DataFrame(rows, columns=TYPE_SHARE_COLUMNS)


def regional_innovation_system(dataset, projection, *, region: str = "region") -> pd.DataFrame:
    """The regional innovation system of each province (rows) and the nation (last row).

    Columns: ``firms`` (participating firms), ``firm_ties`` (links of the region's firms to
    their partners: a tie between two firms counts once for each firm), ``firm_university_tie_share``
    and ``firm_research_tie_share`` (of those links, the share whose partner is a university /
    research institute), ``firm_partners_local_share``
    (share of the region's firms' partners located in the same region — local versus
    extra-provincial knowledge partners), ``kis_firms`` (knowledge-service firms: software,
    engineering, publishing, design), ``kis_mean_degree`` (their mean number of partners) and
    ``kis_external_share`` (share of their partners outside the region).

    Examples
    --------
    >>> import netcluster as nc
    >>> ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    >>> ris = regional_innovation_system(ds, nc.BipartiteNetwork.from_dataset(ds).project_organisations())
    >>> ris.index[-1], bool(ris["firm_partners_local_share"].between(0, 1).all())
    ('(national)', True)
    """
    orgs = dataset.organisations
    labels = projection.labels
    rows = dataset.organisation_rows(labels)  # organisations row of each node (-1: none)
    known = rows >= 0
    at = np.maximum(rows, 0)
    t = np.where(known, orgs["org_type"].to_numpy(dtype=object)[at], None)
    # regions as integer codes (-1: missing): the comparisons below run over every tie end
    codes, uniques = (pd.factorize(orgs[region], use_na_sentinel=True) if region in orgs.columns
                      else (np.full(len(orgs), -1), []))
    rc = np.where(known, codes[at], -1)
    firm = t == "firm"
    firm_flag, kis_flag, _ = org_service_flags(dataset)
    kis = np.where(known, kis_flag[at], False) & firm
    r, c, _, _ = projection.tie_arrays()
    # both directions: (firm end, other end)
    ends_a, ends_b = np.concatenate([r, c]), np.concatenate([c, r])
    a, b = ends_a[firm[ends_a]], ends_b[firm[ends_a]]
    same = (rc[a] == rc[b]) & (rc[a] >= 0)
    partner_u, partner_r = t[b] == "university", t[b] == "research"
    deg = np.bincount(ends_a, minlength=len(labels))
    ka, kb = ends_a[kis[ends_a]], ends_b[kis[ends_a]]
    external = (rc[ka] != rc[kb]) | (rc[kb] < 0)
    firm_codes = unique_values(rc[firm & (rc >= 0)])
    regions = sorted((str(uniques[k]), k) for k in firm_codes if isinstance(uniques[k], str))

    def row(mask_a, mask_firms, mask_kis, mask_ka):
        n = int(mask_a.sum())
        kis_deg = deg[mask_kis]
        ext = external[mask_ka]
        return {"firms": int(mask_firms.sum()), "firm_ties": n,
                "firm_university_tie_share": float(partner_u[mask_a].mean()) if n else np.nan,
                "firm_research_tie_share": float(partner_r[mask_a].mean()) if n else np.nan,
                "firm_partners_local_share": float(same[mask_a].mean()) if n else np.nan,
                "kis_firms": int(mask_kis.sum()), "kis_mean_degree": float(kis_deg.mean()) if len(kis_deg) else np.nan,
                "kis_external_share": float(ext.mean()) if len(ext) else np.nan}

    out = {}
    ra, rka = rc[a], rc[ka]
    for g, k in regions:
        out[g] = row(ra == k, firm & (rc == k), kis & (rc == k), rka == k)
    out[NATIONAL] = row(np.ones(len(a), dtype=bool), firm, kis, np.ones(len(ka), dtype=bool))
    frame = pd.DataFrame.from_dict(out, orient="index")[RIS_COLUMNS[1:]]
    frame.index.name = region
    return frame
