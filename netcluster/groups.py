"""Aligning organisation attributes (region, type, complex …) with a projection."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["align_groups", "org_attribute"]


def org_attribute(dataset_or_frame, column: str) -> pd.Series:
    """``org_id`` → value of ``column`` from a dataset or an organisations DataFrame."""
    orgs = getattr(dataset_or_frame, "organisations", dataset_or_frame)
    if column not in orgs.columns:
        raise KeyError(f"organisations have no column {column!r}; available: {list(orgs.columns)}")
    return orgs.set_index("org_id")[column]


def align_groups(labels, groups: pd.Series):
    """Group of each label (``None`` where unknown) and the number of labels without a group."""
    if not isinstance(groups, pd.Series):
        raise TypeError("groups must be a pandas Series indexed by org_id")
    g = groups.reindex(pd.Index(labels)).astype(object)
    g = g.where(g.notna(), None)
    values = g.to_numpy(dtype=object)
    return values, int(sum(v is None for v in values))


def codes(values):
    """Integer codes for group values (-1 for None), and the sorted unique groups."""
    s = pd.Series(values, dtype=object)
    uniq = sorted(set(v for v in values if v is not None), key=str)
    index = {u: i for i, u in enumerate(uniq)}
    c = s.map(index).fillna(-1).astype(np.int64).to_numpy()
    return c, uniq
