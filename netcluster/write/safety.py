"""Formula-injection guard for spreadsheet cells (the bottom of the writers: imports nothing
of netcluster).

A cell is a spreadsheet formula when it begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return.  Organisation names are untrusted input, so every text cell starting with
one of these gets a leading apostrophe ``'`` (the OWASP recommendation), which spreadsheet
programs show as text.  A text cell that is a plain number ("-5", "+3.2") is left as it is.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["neutralise", "neutralise_many", "safe_frame", "FORMULA_PREFIXES"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value):
    """Return ``value`` made safe for a spreadsheet cell.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5"), neutralise("@SUM(A1)"), neutralise(3)
    ('\\'=HYPERLINK("http://x")', '-5', "'@SUM(A1)", 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def neutralise_many(values: list) -> list:
    """:func:`neutralise` of each value (fast: one prefix test for the common case)."""
    return [neutralise(v) if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v for v in values]


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell (and text header) neutralised."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            vals = s.to_numpy(dtype=object)
            codes, uniq = pd.factorize(pd.Series(vals, dtype=object), use_na_sentinel=True)
            fixed = np.array([neutralise(u) for u in uniq] + [None], dtype=object)
            changed = np.array([f is not u for f, u in zip(fixed[:-1], uniq)] + [False], dtype=bool)
            hit = changed[np.where(codes < 0, len(uniq), codes)]
            if hit.any():
                vals = vals.copy()
                vals[hit] = fixed[codes[hit]]
                out[col] = pd.Series(vals, index=s.index, dtype=object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    if out.index.name is not None or not isinstance(out.index, pd.RangeIndex):
        out.index = pd.Index([neutralise(v) for v in out.index], name=out.index.name)
    return out
