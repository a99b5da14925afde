"""Headline figures over time: per year, moving window or programme phase, and network growth.

:func:`evolution` answers "did the clusters become more open after the 2009 reorganisation?"
with one long table ``slice, start, end, indicator, value``: the registry's per-slice
indicators (:mod:`netcluster.indicators`) on each period, computed on integer codes
(:class:`netcluster.slices.Slice`) — the same definitions as the scorecard, with no
permutation test, bootstrap or communities per slice unless ``light=False``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .indicators import REGISTRY, evaluate
from ._sparse import gb
from .slices import DEFAULT_PHASES, Slice, coded_dataset, year_slices

__all__ = ["evolution", "network_growth", "ties_by_year", "year_spans", "dataset_year_spans", "DEFAULT_PHASES"]

EVOLUTION_COLUMNS = ["slice", "start", "end", "indicator", "value"]


def evolution(dataset, *, by: str = "year", window: int = 3, step: int = 1, phases: dict | None = None,
              light: bool = True, weighting: str = "count", group_by: str = "region",
              max_project_size: int | None = None, seed: int = 0, n_permutations: int = 199,
              n_boot: int = 200) -> pd.DataFrame:
    """Headline figures per year, moving window or programme phase.

    Parameters
    ----------
    by : {"year", "window", "phase"}
    window, step : int
        Moving-window width and step in years (``by="window"``).
    phases : dict, optional
        ``{name: (first_year, last_year or None)}``; default :data:`DEFAULT_PHASES`.
    light : bool
        ``True`` (default): the per-slice indicators.  ``False``: every scorecard indicator
        on each slice (permutation test, bootstrap, communities; slow on large data).
    weighting, group_by, max_project_size, seed, n_permutations, n_boot
        As in :func:`netcluster.scorecard.scorecard`.

    Returns
    -------
    DataFrame ``slice, start, end, indicator, value`` (long).  Slices without participations
    are skipped; a figure that is not applicable to a slice has no row.  By year, the yearly
    series (newcomer share, specialised share) follow.

    Examples
    --------
    >>> import netcluster as nc
    >>> ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    >>> ev = nc.evolution(ds, by="phase")
    >>> ev.pivot(index="indicator", columns="slice", values="value").loc["projects"].tolist()
    [281.0, 595.0, 105.0]
    """
    options = dict(weighting=weighting, group_by=group_by, max_project_size=max_project_size, seed=seed,
                   n_permutations=n_permutations, n_boot=n_boot)
    scopes = ("slices",) if light else ("slices", "whole")
    indicators = [i for i in REGISTRY if i.scope in scopes]
    rows = []
    slices = year_slices(dataset, by, window=window, step=step, phases=phases)
    for label, a, b in slices:
        s = Slice(dataset, start=a, end=b, label=label, **options)
        if s.is_empty:
            continue
        for ind in indicators:
            r = evaluate(ind, s)
            if r["applicable"]:
                rows.append({"slice": label, "start": a, "end": b, "indicator": r["indicator"], "value": r["value"]})
    if by == "year":
        rows += _yearly(dataset, {label for label, _, _ in slices}, {r["slice"] for r in rows}, options)
    out = pd.DataFrame(rows, columns=EVOLUTION_COLUMNS)
    out.attrs["params"] = {"by": by, "window": window, "step": step,
                           "phases": phases or DEFAULT_PHASES, "light": light, **options}
    return out


def _yearly(dataset, labels, present, options) -> list[dict]:
    """Rows of the yearly series (computed once on the whole data) for the years shown."""
    s = Slice.whole_data(dataset, **options)
    rows = []
    for ind in (i for i in REGISTRY if i.scope == "yearly"):
        r = evaluate(ind, s)
        if not r["applicable"]:
            continue
        for y, v in ind.compute(s).items():
            if str(y) in present:
                rows.append({"slice": str(y), "start": int(y), "end": int(y), "indicator": ind.key(s.group_by),
                             "value": v.item() if hasattr(v, "item") else v})
    return rows


def network_growth(dataset) -> pd.DataFrame:
    """Projects, organisations, participations and ties (pairs sharing a project) per year.

    >>> import netcluster as nc
    >>> g = nc.network_growth(nc.load_dataset(nc.datasets.get_path("korea_cluster_tables")))
    >>> list(g.columns)
    ['projects', 'organisations', 'participations', 'ties']
    """
    years = dataset.projects["year"].dropna().astype(int)
    cols = ["projects", "organisations", "participations", "ties"]
    if years.empty:
        return pd.DataFrame(columns=cols).rename_axis("year")
    c = coded_dataset(dataset, None)
    rows = []
    for y in sorted(years.unique()):
        pmask = c.year_mask(y, y)
        net, o, _, ou = c.network(pmask)
        rows.append({"year": int(y), "projects": int(pmask.sum()), "organisations": int(len(ou)),
                     "participations": int(len(o)), "ties": net.project_organisations("binary").n_ties})
    return pd.DataFrame(rows).set_index("year")


def ties_by_year(network, labels, project_years, *, excluded=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Joint projects per pair of organisations and per year, and each organisation's years.

    Parameters
    ----------
    network : BipartiteNetwork
    labels : sequence
        The organisations (``network.orgs`` labels) to count among; positions in the output
        refer to this order.
    project_years : pandas.Series
        Year of each project, indexed by project id; projects without a year are left out.
    excluded : iterable
        Project ids left out (as the projection left them out, ``max_project_size``).

    Returns
    -------
    ties : DataFrame
        ``a, b`` (positions in ``labels``, ``a < b``), ``year``, ``shared`` (projects of that
        year both took part in, ≥ 1), sorted by (a, b, year).  Summed over the years it gives
        the projection's shared projects of the ties whose projects all have a year.
    presence : DataFrame
        ``org, year``: the years each organisation took part in a project (joint or not).

    Examples
    --------
    >>> from netcluster.graph import BipartiteNetwork
    >>> net = BipartiteNetwork.from_edges(list("abab"), ["P", "P", "Q", "Q"])
    >>> ties, presence = ties_by_year(net, ["a", "b"], pd.Series({"P": 2010, "Q": 2012}))
    >>> ties.values.tolist()
    [[0, 1, 2010, 1], [0, 1, 2012, 1]]
    """
    pos = pd.Index(np.asarray(network.orgs, dtype=object)).get_indexer(np.asarray(labels, dtype=object))
    if (pos < 0).any():
        raise KeyError("labels not in the network: " + ", ".join(map(str, np.asarray(labels)[pos < 0][:5])))
    B = (network.B.tocsr()[pos] != 0).astype(np.int64).tocsc()
    projects = pd.Index(np.asarray(network.projects, dtype=object).astype(str))
    years = pd.Series(project_years).copy()
    years.index = years.index.astype(str)
    years = years.reindex(projects)
    if len(excluded):
        years[projects.isin([str(x) for x in excluded])] = pd.NA
    years = pd.to_numeric(years, errors="coerce")
    tie_parts, presence_parts = [], []
    for y in sorted(int(v) for v in years.dropna().unique()):
        cols = np.flatnonzero((years == y).to_numpy())
        By = B[:, cols].tocsr()
        up = sp.triu(By @ By.T, k=1).tocoo()
        tie_parts.append(pd.DataFrame({"a": up.row.astype(np.int64), "b": up.col.astype(np.int64),
                                       "year": y, "shared": up.data.astype(np.int64)}))
        present = np.flatnonzero(np.asarray(By.sum(axis=1)).ravel() > 0)
        presence_parts.append(pd.DataFrame({"org": present.astype(np.int64), "year": y}))
    cols = {"a": np.int64, "b": np.int64, "year": np.int64, "shared": np.int64}
    ties = (pd.concat(tie_parts, ignore_index=True) if tie_parts else
            pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()}))
    ties = ties[ties["shared"] > 0].sort_values(["a", "b", "year"], kind="stable").reset_index(drop=True)
    presence = (pd.concat(presence_parts, ignore_index=True) if presence_parts else
                pd.DataFrame({"org": pd.Series(dtype=np.int64), "year": pd.Series(dtype=np.int64)}))
    return ties, presence.sort_values(["org", "year"], kind="stable").reset_index(drop=True)


def year_spans(network, projection, project_years, *, excluded=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First and last year of each organisation's projects and of each tie's joint projects
    (the time line of a network viewer: Gephi's ``start``/``end``).

    A tie's years are the minimum and maximum year over the projects both organisations took
    part in: a masked (min, first) and (max, first) product of the organisation × project
    matrix holding the projects' years with its transpose (GraphBLAS), computed only on the
    projection's ties.  Projects without a year (or ``excluded``, as the projection left
    them out) do not count; an organisation or tie with none has missing years.

    Parameters
    ----------
    network : BipartiteNetwork
    projection : Projection
        Its organisations (``projection.labels``) and ties (:meth:`Projection.tie_arrays`
        order) are the rows of the outputs.
    project_years : pandas.Series
        Year of each project, indexed by project id.

    Returns
    -------
    (organisations, ties) : DataFrame, DataFrame
        ``first_year``, ``last_year`` (nullable integers), indexed by org id and by tie
        position.

    Examples
    --------
    >>> from netcluster.graph import BipartiteNetwork
    >>> net = BipartiteNetwork.from_edges(list("ababc"), ["P", "P", "Q", "Q", "R"])
    >>> orgs, ties = year_spans(net, net.project_organisations(), pd.Series({"P": 2012, "Q": 2010, "R": 2015}))
    >>> orgs.loc["a"].tolist(), ties.values.tolist()
    ([2010, 2012], [[2010, 2012]])
    """
    labels = np.asarray(projection.labels, dtype=object)
    pos = pd.Index(np.asarray(network.orgs, dtype=object)).get_indexer(labels)
    if (pos < 0).any():
        raise KeyError("organisations not in the network: " + ", ".join(map(str, labels[pos < 0][:5])))
    projects = pd.Index(np.asarray(network.projects, dtype=object).astype(str))
    years = pd.Series(project_years).copy()
    years.index = years.index.astype(str)
    years = pd.to_numeric(years.reindex(projects), errors="coerce").to_numpy(dtype=float)
    if len(excluded):
        years[projects.isin([str(x) for x in excluded])] = np.nan
    B = network.B.tocsr()[pos].tocoo()
    ok = np.isfinite(years[B.col]) & (B.data != 0)
    rows, cols, yv = B.row[ok], B.col[ok], years[B.col[ok]]
    n, m = len(labels), len(projects)
    first_org = np.full(n, np.nan)
    last_org = np.full(n, np.nan)
    np.fmin.at(first_org, rows, yv)
    np.fmax.at(last_org, rows, yv)
    r, c, _, _ = projection.tie_arrays()
    first_tie, last_tie = np.full(len(r), np.nan), np.full(len(r), np.nan)
    if len(r) and len(rows):
        Y = gb.Matrix.from_coo(rows, cols, yv, nrows=n, ncols=m, dup_op=gb.binary.min)
        S = gb.Matrix.from_coo(cols, rows, np.ones(len(rows)), nrows=m, ncols=n, dup_op=gb.binary.min)
        mask = gb.Matrix.from_coo(r, c, np.ones(len(r)), nrows=n, ncols=n)
        for op, out in ((gb.semiring.min_first, first_tie), (gb.semiring.max_first, last_tie)):
            C = Y.mxm(S, op).new(mask=mask.S)
            cr, cc, cv = C.to_coo()
            # C's entries are a subset of the ties, both in row-major order: locate by merge
            key_t = r * n + c
            idx = np.searchsorted(key_t, cr.astype(np.int64) * n + cc.astype(np.int64))
            out[idx] = cv
    orgs = pd.DataFrame({"first_year": _years(first_org), "last_year": _years(last_org)},
                        index=pd.Index(labels, name="org_id"))
    ties = pd.DataFrame({"first_year": _years(first_tie), "last_year": _years(last_tie)})
    return orgs, ties


def dataset_year_spans(dataset, network, projection, *, excluded=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`year_spans` of the dataset's projects, kept in the dataset's cache and given again
    for a projection with the same organisations and ties (the organisation table's network and
    the structure table's network of dated projects are the same when every project has a
    year: the spans are computed once)."""
    r, c, _, _ = projection.tie_arrays()
    labels = np.asarray(projection.labels, dtype=object)
    known = dataset.cached(("year spans", tuple(sorted(map(str, excluded)))), lambda d: [])
    for lab, kr, kc, spans in known:
        if len(lab) == len(labels) and np.array_equal(kr, r) and np.array_equal(kc, c) and (lab == labels).all():
            return spans
    spans = year_spans(network, projection, dataset.projects.drop_duplicates("project_id").set_index("project_id")
                       ["year"], excluded=excluded)
    known.append((labels, r, c, spans))
    return spans


def _years(v: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole years as nullable integers (NaN → missing)."""
    missing = ~np.isfinite(v)
    return pd.arrays.IntegerArray(np.where(missing, 0, v).astype(np.int64), missing)
