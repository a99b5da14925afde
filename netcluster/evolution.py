"""Headline figures over time: per year, moving window or programme phase, and network growth.

:func:`evolution` answers "did the clusters become more open after the 2009 reorganisation?"
with one long table ``slice, start, end, indicator, value``: the registry's per-slice
indicators (:mod:`netcluster.indicators`) on each period, computed on integer codes
(:class:`netcluster.slices.Slice`) — the same definitions as the scorecard, with no
permutation test, bootstrap or communities per slice unless ``light=False``.
"""

from __future__ import annotations

import pandas as pd

from .indicators import REGISTRY, evaluate
from .slices import DEFAULT_PHASES, Slice, coded_dataset, year_slices

__all__ = ["evolution", "network_growth", "DEFAULT_PHASES"]

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
