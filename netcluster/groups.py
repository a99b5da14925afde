"""Aligning organisation attributes (region, type, complex …) with a projection."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._sorting import text_argsort

__all__ = ["AlignedGroups", "align_groups", "group_codes", "org_attribute", "TOTAL", "NATIONAL", "UNKNOWN",
           "RESERVED_GROUP_NAMES"]

#: the rows the outputs add to a table of groups: the total over all groups, the national row
#: of the innovation-system table, and the organisations without a value.  A group of the data
#: with one of these names is renamed when it is read (:class:`netcluster.dataset.StagedReader`
#: reports each row), so that the total does not overwrite it nor the unknown ones merge with it.
TOTAL, NATIONAL, UNKNOWN = "(all)", "(national)", "(unknown)"
RESERVED_GROUP_NAMES = frozenset({TOTAL, NATIONAL, UNKNOWN})


def org_attribute(dataset_or_frame, column: str) -> pd.Series:
    """``org_id`` → value of ``column`` from a dataset or an organisations DataFrame."""
    orgs = getattr(dataset_or_frame, "organisations", dataset_or_frame)
    if column not in orgs.columns:
        raise KeyError(f"organisations have no column {column!r}; available: {list(orgs.columns)}")
    if hasattr(dataset_or_frame, "organisations_by_id"):
        return dataset_or_frame.organisations_by_id()[column]
    return orgs.set_index("org_id")[column]


class AlignedGroups:
    """A grouping of organisations (province, type …) coded for one projection's labels.

    ``codes[i]`` is the group of ``labels[i]`` (-1: unknown), numbering ``uniq`` (sorted by
    text) — what :func:`group_codes` computes from a Series indexed by org_id.  Every function
    that takes ``groups`` accepts an AlignedGroups for the same labels instead of the Series:
    worth it when one grouping serves many indicators on a large projection (the labels are
    then looked up once).  ``series``: the grouping by org_id it was made from, for the
    figures that also need the organisations outside the projection (shared projects).

    >>> import pandas as pd
    >>> g = AlignedGroups.of(["a", "b", "c"], pd.Series({"a": "X", "b": "Y", "c": "X"}))
    >>> g.codes.tolist(), g.uniq
    ([0, 1, 0], ['X', 'Y'])
    """

    def __init__(self, labels, codes, uniq, series: pd.Series | None = None):
        self.labels, self.codes, self.uniq = labels, np.asarray(codes, dtype=np.int64), list(uniq)
        self.series = series

    @classmethod
    def of(cls, labels, series: pd.Series) -> "AlignedGroups":
        """``series`` (org_id → group) coded for ``labels``."""
        codes, uniq, _ = group_codes(labels, series)
        return cls(labels, codes, uniq, series)


def group_codes(labels, groups: pd.Series):
    """Integer group code of each label (-1 = unknown) and the sorted groups present.

    Returns ``(codes, groups_present, n_unknown)``; codes index ``groups_present`` (sorted by
    their text).  Costs O(len(labels)) whatever the size of ``groups`` (pandas keeps the
    index's hash table), so a population of a million organisations is no burden.
    """
    if isinstance(groups, AlignedGroups):
        if groups.labels is not labels and not np.array_equal(np.asarray(groups.labels, dtype=object),
                                                              np.asarray(labels, dtype=object)):
            raise ValueError("AlignedGroups were coded for other labels")
        return groups.codes, groups.uniq, int((groups.codes < 0).sum())
    if not isinstance(groups, pd.Series):
        raise TypeError("groups must be a pandas Series indexed by org_id")
    labels = np.asarray(labels, dtype=object)
    if len(labels) == 0:
        return np.zeros(0, dtype=np.int64), [], 0
    if not groups.index.is_unique:
        raise ValueError("groups has duplicate org_id values in its index")
    pos = groups.index.get_indexer(labels)
    sub = np.array(groups.take(np.maximum(pos, 0)).to_numpy(dtype=object), dtype=object, copy=True)
    sub[pos < 0] = None
    c, uniq = sorted_factorize(sub)
    reserved = RESERVED_GROUP_NAMES.intersection(u for u in uniq if isinstance(u, str))
    if reserved:
        raise ValueError(f"a group is named {sorted(reserved)[0]!r}, the name of the outputs' own row for the total "
                         "or the organisations without a group; rename it (netcluster's reader renames it "
                         "'\"(all)\"' and reports the rows)")
    return c, uniq, int((c < 0).sum())


def sorted_factorize(values):
    """Integer codes of ``values`` (-1 = missing) numbering the distinct values in the order
    of their text, and those values."""
    c, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    uniq = np.asarray(uniq, dtype=object)
    texts = uniq.tolist()
    if not set(map(type, texts)) <= {str}:
        texts = [str(u) for u in texts]
    order = text_argsort(texts)  # sorted in C: fast for a million ids
    remap = np.empty(len(uniq) + 1, dtype=np.int64)
    remap[order] = np.arange(len(uniq))
    remap[-1] = -1
    return remap[c], uniq[order].tolist()


def align_groups(labels, groups: pd.Series):
    """Group of each label (``None`` where unknown) and the number of labels without a group."""
    c, uniq, unknown = group_codes(labels, groups)
    table = np.array(list(uniq) + [None], dtype=object)
    return table[c], unknown


def codes(values):
    """Integer codes for group values (-1 for None), and the sorted unique groups."""
    s = pd.Series(values, dtype=object)
    uniq = sorted(set(v for v in values if v is not None), key=str)
    index = {u: i for i, u in enumerate(uniq)}
    c = s.map(index).fillna(-1).astype(np.int64).to_numpy()
    return c, uniq


def participation_group_codes(dataset, groups: pd.Series):
    """Each participation's project row and its organisation's group code.

    Returns ``(project_rows, group_codes, groups_uniq)``: integer arrays aligned with
    ``dataset.participations`` (-1 = unknown project / no group) and the distinct groups
    (in order of appearance).  Cached integer lookups instead of mapping a million
    organisation ids through a Series."""
    pr, r = dataset.participation_project_rows(), dataset.participation_org_rows()
    if groups.index.is_(dataset.organisations_by_id().index):  # (org_attribute's: in row order)
        gval = groups.to_numpy(dtype=object)
    else:
        gval = groups.reindex(dataset.organisations["org_id"]).to_numpy(dtype=object)
    gcode, guniq = pd.factorize(pd.Series(gval, dtype=object), use_na_sentinel=True)
    g = np.where(r >= 0, gcode[np.maximum(r, 0)], -1)
    return pr, g, list(guniq)
