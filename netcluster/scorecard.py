"""The scorecard: every headline indicator of the registry on the whole data.

One row per figure with its value, unit, definition and — where the ten-year review of the
Korean industrial-complex cluster programme reports one — the review's figure.  A figure the
data cannot support (no population table, no sector column, one programme …) has no value
and says why in ``note``, never 0.  The figures themselves are defined in
:mod:`netcluster.indicators`.
"""

from __future__ import annotations

import pandas as pd

from .indicators import REGISTRY, evaluate
from .slices import Slice

__all__ = ["scorecard", "SCORECARD_COLUMNS"]

#: The scorecard's columns (scorecard.csv, the workbook's sheet).
SCORECARD_COLUMNS = ["indicator", "label", "value", "unit", "ci_low", "ci_high", "definition", "review_figure",
                     "comparability", "note", "section"]


def scorecard(dataset, *, weighting: str = "count", group_by: str = "region", seed: int = 0,
              n_permutations: int = 199, n_boot: int = 2000, max_project_size: int | None = None,
              lang: str = "en") -> pd.DataFrame:
    """The headline figures of ``dataset``: one row per registry indicator.

    Parameters
    ----------
    dataset : ClusterDataset
    weighting : str
        Projection weighting (:meth:`netcluster.graph.BipartiteNetwork.project_organisations`).
    group_by : str
        Organisation column of the grouped figures (E-I index, cross-group share, …).
    seed, n_permutations, n_boot : int
        Seed and sizes of the permutation test and the bootstrap.
    max_project_size : int, optional
        Projects with more participants are left out of the projection.
    lang : {"en", "ko"}
        Language of the labels, definitions and notes (the ids stay the same).

    Returns
    -------
    DataFrame with columns :data:`SCORECARD_COLUMNS`; ``attrs["params"]`` records the options,
    ``attrs["applicable"]`` which rows have a defined figure and ``attrs["references"]`` the null
    model's 95% band of the rows that have one.

    Examples
    --------
    >>> import netcluster as nc
    >>> ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    >>> sc = nc.scorecard(ds, n_permutations=19, n_boot=20).set_index("indicator")
    >>> print(f'{sc.loc["two_firm_project_share", "value"]:.3f}', sc.loc["two_firm_project_share", "review_figure"])
    0.940 over 90% of funded projects
    """
    s = Slice.whole_data(dataset, weighting=weighting, max_project_size=max_project_size,
                         group_by=group_by, seed=seed, n_permutations=n_permutations, n_boot=n_boot)
    return table(s, lang=lang)


def table(s: Slice, indicators=None, lang: str = "en") -> pd.DataFrame:
    """The scorecard of the whole-data slice ``s`` (``indicators``: those of the registry
    to evaluate, in order; default every non-yearly one)."""
    rows = [evaluate(ind, s, lang) for ind in (indicators or rows_of_scorecard())]
    return frame(rows, s)


def rows_of_scorecard() -> list:
    """The registry's scorecard indicators (every one but the yearly series), in order."""
    return [i for i in REGISTRY if i.scope != "yearly"]


def frame(rows: list[dict], s: Slice) -> pd.DataFrame:
    """The scorecard DataFrame of evaluated rows (:func:`netcluster.indicators.evaluate`); a
    figure that two entries name alike (grouped by ``wide_region``, the grouped cross-share is
    the wide-region one) appears once, the first."""
    seen = set()
    rows = [r for r in rows if not (r["indicator"] in seen or seen.add(r["indicator"]))]
    out = pd.DataFrame(rows, columns=SCORECARD_COLUMNS + ["applicable", "reference"])
    applicable = out.pop("applicable").astype(bool).tolist()
    references = {i: r for i, r in zip(out["indicator"], out.pop("reference")) if r is not None}
    out.attrs["params"] = {"weighting": s.weighting, "group_by": s.group_by, "seed": s.seed,
                           "n_permutations": s.n_permutations, "n_boot": s.n_boot,
                           "max_project_size": s.max_project_size}
    out.attrs["applicable"] = applicable
    out.attrs["references"] = references
    out.attrs["korean"] = s.korean
    return out
