"""Sorting text labels in Python's string order, fast; the distinct values of an integer array.

numpy sorts an object array of ``str`` by calling Python's comparison for every pair; a
fixed-width unicode copy of the same strings sorts in C in the same order (code point by code
point), several times faster (docs/benchmark.md).  Used for the label
orders every table and matrix is sorted by, so results stay independent of input row order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Largest fixed-width copy made (bytes); longer texts are sorted as Python objects.
MAX_COPY_BYTES = 1 << 29


def _unicode_copy(values: np.ndarray):
    """A '<U' copy of an object array of str, or None when it would be too large or change
    the order (numpy drops trailing NUL characters)."""
    if len(values) == 0:
        return None
    texts = values.tolist()
    width = max(map(len, texts))  # len called in C, no Python frame per text
    if width == 0 or width * 4 * len(values) > MAX_COPY_BYTES:
        return None
    if "\x00" in "".join(texts):  # a NUL could be a trailing one: keep Python's order
        return None
    return values.astype(f"<U{width}")


def _ascending(texts: np.ndarray) -> bool:
    """True when the str objects are in non-decreasing order (then the stable argsort is the
    identity); the first thousand pairs are checked first, so an unsorted column costs little."""
    if len(texts) < 2:
        return True
    head = texts[:1001]
    if not bool((head[1:] >= head[:-1]).all()):
        return False
    return bool((texts[1:] >= texts[:-1]).all())


def text_argsort(values) -> np.ndarray:
    """Stable argsort of ``values`` in Python's ``sorted`` order (text compared in C); missing
    values last.

    >>> text_argsort(["b", None, "a", "ab", "B"]).tolist()
    [4, 2, 3, 0, 1]
    """
    v = np.asarray(pd.Series(values, dtype=object).to_numpy(dtype=object), dtype=object)
    if len(v) and pd.api.types.infer_dtype(v, skipna=False) == "string":  # all text, none missing (in C)
        if _ascending(v):  # a table already sorted by its id (a dataset is): nothing to sort
            return np.arange(len(v), dtype=np.int64)
        u = _unicode_copy(v)
        return np.argsort(u if u is not None else v, kind="stable").astype(np.int64)
    miss = pd.isna(v)
    idx = np.flatnonzero(~miss)
    sub = v[idx]
    if set(map(type, sub.tolist())) <= {str}:
        u = _unicode_copy(sub)
        order = np.argsort(u if u is not None else sub, kind="stable")
    else:  # not all text (e.g. integer labels): Python's comparison, as sorted() does
        order = np.argsort(sub, kind="stable")
    return np.concatenate([idx[order], np.flatnonzero(miss)]).astype(np.int64)


def rows_after_reorder(rows: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Table rows (-1 = unknown) re-expressed as positions in ``table.iloc[order]``."""
    pos = np.empty(len(order), dtype=np.int64)
    pos[order] = np.arange(len(order))
    return np.where(rows >= 0, pos[np.maximum(rows, 0)], -1)


#: Largest key range :func:`distinct_keys` marks in a boolean array (bytes); wider: np.unique.
MAX_MASK_KEYS = 1 << 27


def distinct_keys(keys: np.ndarray, size: int, *, inverse: bool = False):
    """``np.unique`` of non-negative integer ``keys`` below ``size`` (and, with ``inverse``,
    each key's position in it), by marking them in a boolean array of ``size``: linear, where
    ``np.unique`` sorts or hashes (it runs many times per analysis, in every slice).  Same result as ``np.unique(keys, return_inverse=inverse)``.

    >>> distinct_keys(np.array([5, 2, 5, 0]), 8, inverse=True)
    (array([0, 2, 5]), array([2, 1, 2, 0]))
    """
    keys = np.asarray(keys)
    if size > MAX_MASK_KEYS or (len(keys) and (keys.min() < 0 or keys.max() >= size)):
        return np.unique(keys, return_inverse=True) if inverse else unique_values(keys)
    present = np.zeros(size, dtype=bool)
    present[keys] = True
    uniq = np.flatnonzero(present).astype(keys.dtype, copy=False)
    if not inverse:
        return uniq
    rank = np.cumsum(present) - 1
    return uniq, rank[keys]


def unique_values(values) -> np.ndarray:
    """``np.unique(values)``, by sorting for integer and boolean arrays.

    numpy 2.3+ finds the distinct values by hashing when no index, inverse or count is asked
    for; on a million distinct 64-bit integers that takes 0.5–0.9 s, against 0.02 s by sorting
    (numpy 2.4.6, this machine; numpy PR #30496 discusses the hash path's speed).  Other dtypes
    (floats with NaN, objects) go to ``np.unique`` itself.

    >>> unique_values(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    a = np.asarray(values)
    if a.dtype.kind not in "biu":
        return np.unique(a)
    a = np.sort(a.ravel())
    if a.size < 2:
        return a
    keep = np.empty(a.size, dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]
