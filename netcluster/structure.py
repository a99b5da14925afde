"""The organisation network's structure over time: per year (or window, or programme phase)
its size, density, fragmentation, clustering, centralisation and core–periphery shape, and how
newcomers attach to the existing core.

The programme review reads the network's growth from counts alone; whether it grew as one
connected system around a core or as separate islands is what this table adds.  Each period
is a :class:`netcluster.slices.Slice` (the projects of those years), its projection as
``analyze`` builds it.

Measures (per period; ``n`` organisations, ``m`` ties of the period's projection):

* ``density`` :math:`2m / (n(n-1))`;
* ``components``, ``largest_component_share`` (organisations in the largest connected component
  / n), ``isolates`` (organisations whose projects had no partner);
* ``average_clustering``: mean local clustering coefficient, 0 for organisations with fewer
  than two partners (Watts & Strogatz 1998; networkx's ``average_clustering``);
* ``degree_centralisation``: Freeman's :math:`\\sum_i (d_{max} - d_i) / ((n-1)(n-2))`, 1 for a
  star, 0 when every organisation has as many partners (Freeman 1979);
* ``max_core`` (the largest k with a non-empty k-core) and ``main_core_share`` (organisations in
  that core / n): the k-core reading of core and periphery (Seidman 1983; Borgatti & Everett 2000
  for the core–periphery idea);
* ``newcomers`` (organisations whose first project is in the period) and
  ``newcomers_tied_to_core_share``: the share of them with a tie, in the period, to an
  organisation of the main core of all earlier years' network (empty for the first period).

References
----------
- L. C. Freeman, "Centrality in social networks: conceptual clarification", Social Networks 1 (1979).
- D. J. Watts, S. H. Strogatz, "Collective dynamics of small-world networks", Nature 393 (1998).
- S. B. Seidman, "Network structure and minimum degree", Social Networks 5 (1983).
- S. P. Borgatti, M. G. Everett, "Models of core/periphery structures", Social Networks 21 (2000).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ._cores import coreness
from ._triangles import triangles
from .evolution import dataset_year_spans
from .slices import DEFAULT_PHASES, Slice, year_slices

__all__ = ["structure_over_time", "network_structure", "STRUCTURE_COLUMNS"]

STRUCTURE_COLUMNS = ["slice", "start", "end", "organisations", "ties", "density", "components",
                     "largest_component_share", "isolates", "average_clustering", "degree_centralisation",
                     "max_core", "main_core_share", "newcomers", "newcomers_tied_to_core_share"]


def network_structure(projection) -> dict:
    """Size, density, components, clustering, degree centralisation and k-core shape of one
    projection (see the module's list).

    Examples
    --------
    >>> from netcluster.graph import BipartiteNetwork
    >>> star = BipartiteNetwork.from_edges(list("abacad"), ["P", "P", "Q", "Q", "R", "R"])
    >>> s = network_structure(star.project_organisations())
    >>> s["degree_centralisation"], s["density"], s["max_core"], s["average_clustering"]
    (1.0, 0.5, 1, 0.0)
    """
    n, m = projection.n_nodes, projection.n_ties
    out = {"organisations": n, "ties": m}
    if n == 0:
        return out | {k: np.nan for k in ("density", "largest_component_share", "average_clustering",
                                           "degree_centralisation", "main_core_share")} | \
            {"components": 0, "isolates": 0, "max_core": 0}
    A = sp.csr_matrix(projection.matrix)
    rows = np.repeat(np.arange(n), np.diff(A.indptr))
    deg = np.bincount(rows[rows != A.indices], minlength=n).astype(float)
    _, comp = connected_components(A, directed=False)
    sizes = np.bincount(comp)
    core = coreness(A)
    kmax = int(core.max()) if n else 0
    # local clustering: triangles over partner pairs, 0 below two partners (igraph's mode="zero")
    pairs = deg * (deg - 1)
    local = np.divide(2.0 * triangles(A).per_node, pairs, out=np.zeros(n), where=pairs > 0)
    out.update({
        "density": 2.0 * m / (n * (n - 1)) if n > 1 else np.nan,
        "components": int(len(sizes)),
        "largest_component_share": float(sizes.max() / n),
        "isolates": int((deg == 0).sum()),
        "average_clustering": float(local.mean()),
        "degree_centralisation": float((deg.max() - deg).sum() / ((n - 1) * (n - 2))) if n > 2 else np.nan,
        "max_core": kmax,
        "main_core_share": float((core == kmax).sum() / n),
    })
    return out


def structure_over_time(dataset, *, by: str = "year", window: int = 3, step: int = 1, phases: dict | None = None,
                        weighting: str = "count", max_project_size: int | None = None) -> pd.DataFrame:
    """:func:`network_structure` of each period, with the newcomers and their attachment to the
    earlier core: one row per period (:data:`STRUCTURE_COLUMNS`).

    Parameters
    ----------
    by : {"year", "window", "phase"}
        Periods as in :func:`netcluster.evolution.evolution` (``phases`` default: the Korean
        programme's :data:`netcluster.slices.DEFAULT_PHASES`).

    Examples
    --------
    >>> import netcluster as nc
    >>> ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    >>> st = structure_over_time(ds, by="phase")
    >>> st["slice"].tolist()
    ['phase 1 (2005-2008)', 'phase 2 (2009-2013)', 'phase 3 (2014-)']
    """
    periods = year_slices(dataset, by, window=window, step=step, phases=phases)
    whole = Slice(dataset, whole=True, weighting=weighting, max_project_size=max_project_size)
    coded = whole.coded
    # each organisation's first year (its first project with a year)
    po, pp = coded.po, coded.pp
    ok = (po >= 0) & (pp >= 0)
    yr = coded.year[pp[ok]]
    first = np.full(len(coded.org_labels), np.inf)
    np.fmin.at(first, po[ok], np.where(np.isnan(yr), np.inf, yr))
    # the cores before every year's and every phase's start, computed once per dataset: the
    # tables by year and by phase share them
    starts = sorted({a for _, a, _ in periods if a is not None}
                    | {a for _, a, _ in year_slices(dataset, "year")}
                    | {a for a, _ in (phases or DEFAULT_PHASES).values() if a is not None})
    cores = dataset.cached(("earlier cores", weighting, max_project_size, tuple(starts)),
                           lambda d: _earlier_cores(d, coded, first, starts, weighting, max_project_size))
    rows = []
    for label, a, b in periods:
        s = Slice(dataset, start=a, end=b, label=label, weighting=weighting, max_project_size=max_project_size)
        if s.is_empty:
            continue
        proj = s.projection
        row = {"slice": label, "start": a, "end": b} | network_structure(proj)
        members = s.participants  # organisation numbers, in the projection's order
        newcomer = (first[members] >= (a if a is not None else -np.inf)) & np.isfinite(first[members])
        if a is None:
            newcomer[:] = False
        row["newcomers"] = int(newcomer.sum())
        row["newcomers_tied_to_core_share"] = _tied_to_core(proj, members, newcomer, cores.get(a))
        rows.append(row)
    out = pd.DataFrame(rows, columns=STRUCTURE_COLUMNS)
    out.attrs["params"] = {"by": by, "window": window, "step": step, "phases": phases or DEFAULT_PHASES,
                           "weighting": weighting, "max_project_size": max_project_size}
    return out


def _earlier_cores(dataset, coded, first, starts, weighting, max_project_size) -> dict:
    """For each period start *a*: the organisations (numbers) in the main core of the network of
    all projects before *a* — None when that network is empty.

    The network before a start is every dated project's ties whose first year (the earliest
    project the two share, :func:`netcluster.evolution.year_spans`) comes before it: one matrix
    of the ties and their first years, its k-cores read at each start on the entries before it
    (:func:`netcluster._cores.coreness` with a mask) — instead of projecting the earlier years
    again for every period.
    """
    dated = Slice(dataset, start=None, end=None, weighting=weighting, max_project_size=max_project_size)
    if not starts or dated.is_empty:
        return {}
    proj = dated.projection
    _, tie_years = dataset_year_spans(dataset, dated.network, proj,
                                      excluded=proj.params.get("excluded_projects") or ())
    r, c, _, _ = proj.tie_arrays()
    tie_first = tie_years["first_year"].to_numpy(dtype=float, na_value=np.nan)
    # the ties with their first year as one symmetric matrix; the network before a is its
    # entries with a year before a (a tie without a year never enters)
    n = proj.n_nodes
    T = sp.csr_matrix((np.concatenate([tie_first, tie_first]), (np.concatenate([r, c]), np.concatenate([c, r]))),
                      shape=(n, n))
    node_first = first[dated.participants]  # each node's first dated project
    out = {}
    for a in starts:
        present = node_first < a
        if not present.any():
            out[a] = None
            continue
        core = coreness(T, T.data < a)
        kmax = core[present].max()
        out[a] = dated.participants[present & (core == kmax)]
    return out


def _tied_to_core(proj, members, newcomer, core) -> float:
    """Share of the period's newcomers with a tie (in the period) to an organisation of
    ``core`` (organisation numbers); NaN without newcomers or without an earlier network."""
    if core is None or not newcomer.any():
        return np.nan
    in_core = np.zeros(int(max(members.max(initial=-1), core.max(initial=-1))) + 1, dtype=bool)
    in_core[core] = True
    A = sp.csr_matrix(proj.matrix)
    A.data = np.ones_like(A.data)
    tied = np.asarray(A @ in_core[members].astype(float)).ravel() > 0
    return float(tied[newcomer].mean())
