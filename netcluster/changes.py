"""Changes between two periods with their uncertainty: is a difference real or noise?

For each indicator of the registry (:mod:`netcluster.indicators`) computed on the projects of
period A and of period B:

* ``difference`` = value_B − value_A (for counts: per-year rates, so that periods of different
  lengths compare; a count is a census of the programme's projects, not a sample, so it has no
  interval or p-value);
* ``ci_low``, ``ci_high``: a percentile bootstrap interval of the difference (Efron &
  Tibshirani 1993), resampling each period's **projects** with replacement (a cluster
  bootstrap: a project's participations and ties move together — ties between organisations
  are not independent draws) or, for figures that are shares of organisations, each period's
  participating **organisations**;
* ``p_value``: a two-sided permutation test of "no difference between the periods" — the
  projects of both periods pooled and reassigned to A and B at random, keeping their numbers
  (Good 2005), p = (1 + #{|d*| ≥ |d|}) / (1 + permutations).

A replicate is a dataset of the drawn projects (a project drawn twice appears twice, under two
ids), so every figure is computed by the same function as the scorecard's.

References
----------
- B. Efron, R. J. Tibshirani, *An Introduction to the Bootstrap*, Chapman & Hall (1993), ch. 13.
- A. C. Davison, D. V. Hinkley, *Bootstrap Methods and their Application*, CUP (1997), §3.8 (clustered data).
- P. Good, *Permutation, Parametric and Bootstrap Tests of Hypotheses*, Springer (2005).
- A. K. Wagner, S. B. Soumerai, F. Zhang, D. Ross-Degnan, "Segmented regression analysis of
  interrupted time series studies", J. Clin. Pharm. Ther. 27 (2002).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._distributions import t_quantile, t_sf
from .dataset import ClusterDataset
from .evolution import evolution
from .exceptions import EmptyResultError
from .indicators import REGISTRY, evaluate, fill_in, group_label
from ._sorting import text_argsort
from .slices import Slice

__all__ = ["compare_periods", "PeriodComparison", "segmented_fit", "break_around", "breaks_from_series", "CHANGE_COLUMNS", "BREAK_COLUMNS",
           "DEFAULT_CHANGE_INDICATORS"]

CHANGE_COLUMNS = ["indicator", "label", "period_a", "period_b", "value_a", "value_b", "difference", "ci_low",
                  "ci_high", "p_value", "method", "n_a", "n_b"]

#: What the programme review asks to compare before and after the 2009 reorganisation:
#: counts (as per-year rates), joint projects, openness and cross-region linkage.
DEFAULT_CHANGE_INDICATORS = ("projects", "organisations", "ties", "joint_project_share", "two_firm_project_share",
                             "mean_consortium_size", "ei_index_{group}", "cross_region_tie_share",
                             "cross_wide_region_tie_share", "open_project_share_{group}",
                             "kis_share_participating_firms")
#: Counts compared as per-year rates.
_RATES = {"projects", "organisations", "participations", "ties"}
#: Shares of organisations: resampled by organisation.
_ORG_LEVEL = {"kis_share_participating_firms", "firm_coverage", "organisations_in_several_programmes"}


def _period(dataset, years):
    a, b = years
    yr = pd.to_numeric(dataset.projects["year"], errors="coerce")
    keep = yr.notna()
    if a is not None:
        keep &= yr >= a
    if b is not None:
        keep &= yr <= b
    return dataset.projects.loc[keep.to_numpy(), "project_id"].to_numpy(dtype=object), yr[keep]


def _label(years) -> str:
    a, b = years
    return f"{'' if a is None else a}-{'' if b is None else b}"


def _replicate(dataset, projects: np.ndarray, orgs: np.ndarray | None = None) -> ClusterDataset:
    """A dataset of the drawn ``projects`` (ids; a repeat gets a new id ``id~k``), or — with
    ``orgs`` — of the drawn participating organisations (``id~k`` likewise) in their projects."""
    if orgs is None:
        return _project_replicate(dataset, projects)
    return _organisation_replicate(dataset, projects, orgs)


def _organisation_replicate(dataset, projects: np.ndarray, orgs: np.ndarray) -> ClusterDataset:
    """:func:`_replicate` of drawn organisations in ``projects``, by positions (as
    :func:`_project_replicate`): each draw's participations in those projects under its new id;
    the projects all kept."""
    _, _, _, index, org_rank = dataset.cached(("participations by project",), _by_project)
    org_index = dataset.cached(("organisation index",), lambda d: pd.Index(d.organisations["org_id"].to_numpy(dtype=object)))
    prow, orow = dataset.participation_project_rows(), dataset.participation_org_rows()
    kept = np.zeros(len(dataset.projects), dtype=bool)
    kept[index.get_indexer(projects)] = True
    rows_in = np.flatnonzero(kept[prow])  # the participations in the projects, by organisation
    by_org = rows_in[np.argsort(orow[rows_in], kind="stable")]
    counts = np.bincount(orow[rows_in], minlength=len(dataset.organisations))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    ids, drawn, lens, draw, rows, by_id, draw_rank = _drawn_rows(orgs, org_index, by_org, starts, counts)
    # projects in the order of their ids (the dataset's projects are; ranked in case they are not)
    proj_rank = dataset.cached(("project rank",), lambda d: _rank(d.projects["project_id"]))
    sort = np.lexsort((draw_rank[draw], proj_rank[prow[rows]]))
    rows, draw = rows[sort], draw[sort]
    rep = dataset.participations.take(rows).reset_index(drop=True)
    rep["org_id"] = pd.Series(ids[draw])  # (a str column, as a merge makes it)
    org_table = dataset.organisations.take(drawn[by_id]).reset_index(drop=True)
    org_table["org_id"] = pd.Series(ids[by_id])
    org_table["n_projects"] = lens[by_id].astype("int64")
    org_table["participant"] = org_table["n_projects"] > 0
    prj = np.flatnonzero(kept)
    proj = dataset.projects.take(prj[np.argsort(proj_rank[prj], kind="stable")]).reset_index(drop=True)
    return ClusterDataset(rep, org_table, proj, dataset.quality, dataset.changes, dict(dataset.source))


def _drawn_rows(drawn_ids, index, grouped, starts, counts):
    """The participations of drawn projects or organisations, whose rows are ``grouped`` by
    them (the rows of the one at ``index`` position ``g``: ``grouped[starts[g]:starts[g] +
    counts[g]]``): ``(ids, drawn, lens, draw, rows, by_id, draw_rank)`` — each draw's new id
    (:func:`_numbered`), position and number of participations; each participation's draw
    and row; the draws in the order of their new ids and each draw's place in it."""
    ids = np.asarray(_numbered(drawn_ids)[0], dtype=object)
    drawn = index.get_indexer(drawn_ids)
    if (drawn < 0).any():
        raise KeyError(f"not in the dataset: {list(np.asarray(drawn_ids)[drawn < 0][:5])}")
    lens = counts[drawn]
    draw = np.repeat(np.arange(len(drawn)), lens)
    rows = grouped[np.repeat(starts[drawn], lens) + np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)]
    by_id = text_argsort(ids)
    draw_rank = np.empty(len(ids), dtype=np.int64)
    draw_rank[by_id] = np.arange(len(ids))
    return ids, drawn, lens, draw, rows, by_id, draw_rank


def _rank(ids: pd.Series) -> np.ndarray:
    """Each row's place in the order of the ids' text."""
    rank = np.empty(len(ids), dtype=np.int64)
    rank[text_argsort(ids.tolist())] = np.arange(len(ids))
    return rank


def _project_replicate(dataset, projects: np.ndarray) -> ClusterDataset:
    """:func:`_replicate` of drawn projects, by positions: a replicate is built hundreds of times
    on a small input, and merging and sorting on the ids took 7.8 of its 17 ms (4k participations).
    The tables come out as the merges gave them: participations by (project, organisation),
    projects and organisations by id, the participants only (the compared figures are about
    them; every replicate codes its organisations anew)."""
    order, starts, counts, index, org_rank = dataset.cached(("participations by project",), _by_project)
    ids, drawn, lens, draw, rows, by_id, draw_rank = _drawn_rows(projects, index, order, starts, counts)
    org_rows = dataset.participation_org_rows()[rows]
    sort = np.lexsort((org_rank[org_rows], draw_rank[draw]))
    rows, org_rows, draw = rows[sort], org_rows[sort], draw[sort]
    rep = dataset.participations.take(rows).reset_index(drop=True)
    rep["project_id"] = pd.Series(ids[draw])  # (a str column, as a merge makes it)
    proj = dataset.projects.take(drawn[by_id]).reset_index(drop=True)
    proj["project_id"] = pd.Series(ids[by_id])
    used = np.unique(org_rows)
    used = used[np.argsort(org_rank[used], kind="stable")]
    org_table = dataset.organisations.take(used).reset_index(drop=True)
    org_table["n_projects"] = np.bincount(org_rows, minlength=len(dataset.organisations))[used].astype("int64")
    org_table["participant"] = org_table["n_projects"] > 0
    return ClusterDataset(rep, org_table, proj, dataset.quality, dataset.changes, dict(dataset.source))


def _by_project(dataset):
    """The participations grouped by project and the organisations' order by id:
    ``(order, starts, counts, index, org_rank)`` — the rows of the project at row ``r`` of
    ``dataset.projects`` are ``order[starts[r]:starts[r] + counts[r]]``, ``index`` the projects'
    ids, ``org_rank`` each organisation's place in the order of the ids."""
    prow, orow = dataset.participation_project_rows(), dataset.participation_org_rows()
    if (prow < 0).any() or (orow < 0).any():
        raise ValueError("a participation's project or organisation is not in its table")
    order = np.argsort(prow, kind="stable")
    counts = np.bincount(prow, minlength=len(dataset.projects))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    org_rank = _rank(dataset.organisations["org_id"])
    return order, starts, counts, pd.Index(dataset.projects["project_id"].to_numpy(dtype=object)), org_rank


def _numbered(ids: np.ndarray):
    """New ids for drawn ids: the k-th draw of an id becomes ``id~k`` (the first keeps ``id``)."""
    s = pd.Series(ids, dtype=object)
    k = s.groupby(s, sort=False).cumcount().to_numpy()
    new = np.where(k == 0, s.to_numpy(dtype=object), s.astype(str).to_numpy(dtype=object) + "~" + k.astype(str))
    return new, k


def _figures(s: Slice, keys, group_by, years_span) -> dict:
    """Each indicator's value on a slice (NaN when not applicable; counts per year)."""
    out = {}
    for ind in keys:
        r = evaluate(ind, s)
        v = r["value"] if r["applicable"] else None
        if v is not None and ind.key(group_by) in _RATES:
            v = float(v) / years_span
        out[ind.key(group_by)] = np.nan if v is None else float(v)
    return out


def _values(ds, keys, group_by, weighting, years_span) -> dict:
    """The figures of a replicate dataset (all of it)."""
    s = Slice.whole_data(ds, group_by=group_by, weighting=weighting, n_permutations=0, n_boot=0)
    return _figures(s, keys, group_by, years_span)


def _slice_values(dataset, years, keys, group_by, weighting, years_span) -> dict:
    """The figures of the dataset's own period (as the scorecard and evolution compute them)."""
    s = Slice(dataset, start=years[0], end=years[1], group_by=group_by, weighting=weighting, n_permutations=0,
              n_boot=0)
    return _figures(s, keys, group_by, years_span)


def compare_periods(dataset, a, b, *, indicators=DEFAULT_CHANGE_INDICATORS, n_boot: int = 199,
                    n_permutations: int = 199, seed: int = 0, group_by: str = "region", weighting: str = "count",
                    lang: str = "en") -> pd.DataFrame:
    """The change of each indicator from period ``a`` to period ``b`` with a bootstrap interval
    and a permutation p-value (see the module's text).

    Parameters
    ----------
    a, b : (first_year, last_year)
        Inclusive year ranges (None: open end, up to the data's first or last year).
    indicators : iterable of str
        Registry keys (``{group}`` stands for ``group_by``); figures the data cannot support
        are left out.
    n_boot, n_permutations : int
        Bootstrap replicates per period and permutations (0: none; the interval or p-value is
        then empty).

    Returns
    -------
    DataFrame
        :data:`CHANGE_COLUMNS`: ``value_a``, ``value_b`` (counts per year), ``difference``
        (b − a), the 95% interval, the p-value, ``method`` and the number of projects
        ``n_a``, ``n_b``.

    Examples
    --------
    >>> import netcluster as nc
    >>> ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    >>> ch = compare_periods(ds, (2005, 2008), (2009, 2013), indicators=["joint_project_share"],
    ...                      n_boot=19, n_permutations=19)
    >>> row = ch.iloc[0]
    >>> bool(row.ci_low <= row.difference <= row.ci_high), bool(abs(row.difference - (row.value_b - row.value_a)) < 1e-12)
    (True, True)
    """
    plan = PeriodComparison(dataset, a, b, indicators=indicators, n_boot=n_boot, n_permutations=n_permutations,
                            seed=seed, group_by=group_by, weighting=weighting, lang=lang)
    return plan.table([plan.replicates()])


class PeriodComparison:
    """:func:`compare_periods` in three steps, so that its replicates can be shared out
    between processes: the observed values and every draw (seeded, made here once, in the order
    of one random stream), :meth:`replicates` of a part of the draws (each replicate pair is a
    dataset per period and its figures), and :meth:`table` from every part's results — the
    same table however the replicates were split."""

    def __init__(self, dataset, a, b, *, indicators=DEFAULT_CHANGE_INDICATORS, n_boot: int = 199,
                 n_permutations: int = 199, seed: int = 0, group_by: str = "region", weighting: str = "count",
                 lang: str = "en"):
        by_key = {ind.key(group_by): ind for ind in REGISTRY}
        keys = [by_key[k.format(group=group_by)] for k in indicators if k.format(group=group_by) in by_key]
        pa, ya = _period(dataset, a)
        pb, yb = _period(dataset, b)
        if not len(pa) or not len(pb):
            raise EmptyResultError(f"no project in {_label(a) if not len(pa) else _label(b)}")
        span_a = (a[1] if a[1] is not None else int(ya.max())) - (a[0] if a[0] is not None else int(ya.min())) + 1
        span_b = (b[1] if b[1] is not None else int(yb.max())) - (b[0] if b[0] is not None else int(yb.min())) + 1
        rng = np.random.default_rng(seed)
        # the observed values on the periods' slices of the dataset itself (as the scorecard and
        # the evolution tables compute them; no replicate to build)
        self.va = _slice_values(dataset, a, keys, group_by, weighting, span_a)
        self.vb = _slice_values(dataset, b, keys, group_by, weighting, span_b)
        keys = [k for k in keys if not (np.isnan(self.va[k.key(group_by)]) or np.isnan(self.vb[k.key(group_by)]))]
        part = dataset.participations
        orgs_a = part.loc[part["project_id"].isin(set(pa)), "org_id"].unique()
        orgs_b = part.loc[part["project_id"].isin(set(pb)), "org_id"].unique()
        proj_keys = [k for k in keys if k.key(group_by) not in _ORG_LEVEL and k.key(group_by) not in _RATES]
        org_keys = [k for k in keys if k.key(group_by) in _ORG_LEVEL]
        tested = [k for k in keys if k.key(group_by) not in _RATES]
        # every replicate pair, drawn in the order of one stream: (kind, keys, draws of A, draws of B)
        jobs = []
        for _ in range(n_boot):
            ra = rng.choice(pa, size=len(pa), replace=True)
            rb = rng.choice(pb, size=len(pb), replace=True)
            if proj_keys:
                jobs.append(("boot", proj_keys, (ra, None), (rb, None)))
            if org_keys:
                oa = rng.choice(orgs_a, size=len(orgs_a), replace=True)
                ob = rng.choice(orgs_b, size=len(orgs_b), replace=True)
                jobs.append(("boot", org_keys, (pa, oa), (pb, ob)))
        pooled = np.concatenate([pa, pb])
        for _ in range(n_permutations if tested else 0):
            perm = rng.permutation(pooled)
            jobs.append(("perm", tested, (perm[:len(pa)], None), (perm[len(pa):], None)))
        self.dataset, self.a, self.b, self.keys, self.jobs = dataset, a, b, keys, jobs
        self.n_a, self.n_b, self.span_a, self.span_b = len(pa), len(pb), span_a, span_b
        self.n_boot, self.n_permutations, self.seed = n_boot, n_permutations, seed
        self.group_by, self.weighting, self.lang = group_by, weighting, lang

    def replicates(self, part: tuple[int, int] = (0, 1)) -> dict:
        """The differences b − a of part ``(i, n)`` of the replicate pairs (every n-th from
        the i-th): ``{pair number: {indicator: difference}}``."""
        i, n = part
        out = {}
        for j in range(i, len(self.jobs), n):
            _, keys, (pa, oa), (pb, ob) = self.jobs[j]
            da = _values(_replicate(self.dataset, pa, oa), keys, self.group_by, self.weighting, self.span_a)
            db = _values(_replicate(self.dataset, pb, ob), keys, self.group_by, self.weighting, self.span_b)
            out[j] = {name: db[name] - da[name] for name in (k.key(self.group_by) for k in keys)}
        return out

    def table(self, parts) -> pd.DataFrame:
        """The table (:data:`CHANGE_COLUMNS`) from the results of :meth:`replicates` over all parts."""
        parts = list(parts)
        done = {j: d for p in parts for j, d in p.items()}
        if sorted(done) != list(range(len(self.jobs))) or sum(len(p) for p in parts) != len(done):
            raise ValueError("the parts do not cover every replicate exactly once")
        group_by, va, vb = self.group_by, self.va, self.vb
        names = [k.key(group_by) for k in self.keys]
        observed = {n: vb[n] - va[n] for n in names}
        boot = {n: [] for n in names}
        exceed = {n: 0 for n in names}
        for j, (kind, _, _, _) in enumerate(self.jobs):
            for n, d in done[j].items():
                if kind == "boot":
                    boot[n].append(d)
                elif np.isfinite(d) and abs(d) >= abs(observed[n]) - 1e-12:
                    exceed[n] += 1
        n_boot, n_permutations = self.n_boot, self.n_permutations
        rows = []
        fill = {"group": group_label(group_by, self.lang)}
        for k in self.keys:
            n = k.key(group_by)
            draws = np.asarray([d for d in boot[n] if np.isfinite(d)], dtype=float)
            lo, hi = (np.quantile(draws, [0.025, 0.975]) if len(draws) >= 10 else (np.nan, np.nan))
            how = "organisations" if n in _ORG_LEVEL else "projects"
            census = n in _RATES
            per_year = (" (per year)" if self.lang == "en" else " (연평균)") if census else ""
            rows.append({"indicator": n, "label": fill_in(k.label[self.lang], fill) + per_year,
                         "period_a": _label(self.a), "period_b": _label(self.b), "value_a": va[n], "value_b": vb[n],
                         "difference": observed[n], "ci_low": float(lo), "ci_high": float(hi),
                         "p_value": ((1 + exceed[n]) / (1 + n_permutations)) if n_permutations and not census
                         else np.nan,
                         "method": ("count per year (a census: no sampling error)" if census else
                                    f"bootstrap of {how} ({n_boot}), permutation of projects between the periods "
                                    f"({n_permutations})"),
                         "n_a": int(self.n_a), "n_b": int(self.n_b)})
        out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
        out.attrs["params"] = {"a": self.a, "b": self.b, "n_boot": n_boot, "n_permutations": n_permutations,
                               "seed": self.seed, "group_by": group_by, "weighting": self.weighting,
                               "years": (self.span_a, self.span_b)}
        return out


BREAK_COLUMNS = ["indicator", "break_year", "level_change", "level_ci_low", "level_ci_high", "slope_before",
                 "slope_after", "slope_change", "slope_change_ci_low", "slope_change_ci_high", "slope_change_p",
                 "n_years"]


def segmented_fit(years, values, break_year: int, alpha: float = 0.05) -> dict:
    """Segmented (interrupted) linear trend of a yearly series around ``break_year``:
    :math:`y_t = a + b(t-Y) + c\\,post_t + d\\,post_t(t-Y)` by ordinary least squares
    (the figures of statsmodels' ``OLS(y, X).fit()``, which the tests check; computed here
    because importing statsmodels slows every start: docs/benchmark.md), ``post`` = the year is
    ``break_year`` or later.  ``c`` is the jump at the
    break, ``b`` and ``b + d`` the slopes before and after, with t-based intervals (Wagner et
    al. 2002).  NaN values are left out; needs two years on each side.

    Examples
    --------
    >>> f = segmented_fit(range(2005, 2015), [0.20, 0.21, 0.22, 0.23, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19], 2009)
    >>> round(f["level_change"], 3), round(f["slope_before"], 3), round(f["slope_after"], 3)
    (-0.1, 0.01, 0.01)
    """
    t = np.asarray(list(years), dtype=float)
    y = np.asarray(list(values), dtype=float)
    ok = np.isfinite(y)
    t, y = t[ok], y[ok]
    post = (t >= break_year).astype(float)
    if post.sum() < 2 or (1 - post).sum() < 2:
        raise EmptyResultError(f"a segmented trend needs two years on each side of {break_year}")
    x = t - break_year
    X = np.column_stack([np.ones_like(x), x, post, post * x])
    params, se, df = _ols(y, X)
    half = t_quantile(1 - alpha / 2, df) * se
    p_slope = float(2 * t_sf(abs(params[3] / se[3]), df)) if df > 0 else np.nan
    return {"break_year": int(break_year), "level_change": float(params[2]),
            "level_ci_low": float(params[2] - half[2]), "level_ci_high": float(params[2] + half[2]),
            "slope_before": float(params[1]), "slope_after": float(params[1] + params[3]),
            "slope_change": float(params[3]), "slope_change_ci_low": float(params[3] - half[3]),
            "slope_change_ci_high": float(params[3] + half[3]), "slope_change_p": p_slope, "n_years": int(len(y))}


def _ols(y: np.ndarray, X: np.ndarray):
    """Ordinary least squares as statsmodels computes it (pseudo-inverse of the design):
    ``(params, standard errors, residual degrees of freedom)``; with no residual degree of
    freedom the standard errors are NaN."""
    pinv = np.linalg.pinv(X)
    params = pinv @ y
    resid = y - X @ params
    df = len(y) - np.linalg.matrix_rank(X)
    scale = float(resid @ resid) / df if df > 0 else np.nan
    se = np.sqrt(np.diag(pinv @ pinv.T) * scale)
    return params, se, df


def break_around(dataset, break_year: int, *, indicators=("cross_region_tie_share", "cross_wide_region_tie_share"),
                 group_by: str = "region", weighting: str = "count") -> pd.DataFrame:
    """:func:`segmented_fit` of each indicator's yearly series (:func:`netcluster.evolution.evolution`)
    around ``break_year`` — e.g. the cross-province and cross-wide-region tie shares around the
    2009 reorganisation; one row per indicator with enough years (:data:`BREAK_COLUMNS`)."""
    return breaks_from_series(evolution(dataset, by="year", group_by=group_by, weighting=weighting), break_year,
                              indicators=indicators)


def breaks_from_series(yearly: pd.DataFrame, break_year: int, *, indicators=("cross_region_tie_share",
                                                                            "cross_wide_region_tie_share")) -> pd.DataFrame:
    """:func:`break_around` from an evolution table by year already computed."""
    from_years = yearly
    rows = []
    for key in indicators:
        s = from_years[from_years["indicator"] == key]
        if s.empty:
            continue
        try:
            rows.append({"indicator": key, **segmented_fit(s["start"].astype(int), s["value"].astype(float),
                                                           break_year)})
        except EmptyResultError:
            continue
    return pd.DataFrame(rows, columns=BREAK_COLUMNS)
