"""Excel-safe tables: CSV (UTF-8 with BOM) and XLSX, with formula injection neutralised.

A cell is a spreadsheet formula when it begins with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return.  Organisation names are untrusted input, so every
text cell starting with one of these gets a leading apostrophe ``'`` (the
OWASP recommendation), which spreadsheet programs show as text.  Numeric
columns are written as numbers; a text cell that is a plain number ("-5",
"+3.2") is left as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["neutralise", "neutralise_many", "safe_frame", "write_csv", "write_xlsx", "sheet_bytes", "FORMULA_PREFIXES"]

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


def write_csv(df, path, *, index: bool = False) -> Path:
    """Write a CSV that Excel opens correctly (UTF-8 with BOM, CRLF) and safely.

    ``df`` is a DataFrame or a :class:`netcluster._formatted.FormattedTable` (a table already
    formatted for several outputs).  Tables of numbers, booleans and text are written by
    ``FormattedTable`` (same bytes as pandas, several times faster); others by pandas."""
    from ._formatted import FormattedTable
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if index:  # the index written as the first column: pandas
        safe_frame(df).to_csv(path, index=True, encoding="utf-8-sig", lineterminator="\r\n")
        return path
    if not isinstance(df, FormattedTable):
        df = FormattedTable.of(df) or df
    if isinstance(df, FormattedTable):
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            for chunk in df.csv_chunks():
                f.write(chunk)
        return path
    _pandas_csv(df, path)
    return path


def _pandas_csv(df: pd.DataFrame, path) -> None:
    """The straightforward writer (any column kind; the oracle of the fast path)."""
    safe_frame(df).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def sheet_bytes(df, max_rows: int = 50_000) -> bytes:
    """The worksheet XML of one table (neutralised; first ``max_rows`` rows and a note).
    ``df`` is a DataFrame or a :class:`netcluster._formatted.FormattedTable`."""
    from ._formatted import FormattedTable
    n = df.n_rows if isinstance(df, FormattedTable) else len(df)
    note = (f"(first {max_rows:,} of {n:,} rows; the CSV table has all rows)" if n > max_rows else None)
    if isinstance(df, FormattedTable):
        return (df.take(np.arange(max_rows)) if n > max_rows else df).sheet_xml(note)
    t = FormattedTable.of(df.head(max_rows))
    return t.sheet_xml(note) if t is not None else _pandas_sheet(df.head(max_rows), note)


def _pandas_sheet(frame: pd.DataFrame, note) -> bytes:
    """The straightforward cell writer (any column kind; the oracle of the fast path)."""
    from ._xlsx import column_cells, sheet_xml
    frame = safe_frame(frame)
    cols = [column_cells(frame.iloc[:, j]) for j in range(frame.shape[1])]
    return sheet_xml([str(c) for c in frame.columns], cols, len(frame), note)


def write_xlsx(sheets: dict, path, *, max_rows: int = 50_000) -> Path:
    """Write several DataFrames to one workbook, one sheet each (names cut to 31 characters).

    Cells are neutralised like CSV cells; numbers are written as numbers, booleans as
    booleans, missing values as empty cells; the header row is bold and frozen.  A sheet
    longer than ``max_rows`` keeps its first ``max_rows`` rows and says so in its last row
    (the CSV tables are complete).  Same tables, same bytes (no timestamps inside).
    Written column-vectorised by :mod:`netcluster._xlsx`.  A value may also be the bytes
    from :func:`sheet_bytes` (prepared elsewhere, e.g. in a background process), or those
    bytes already compressed (:class:`netcluster._xlsx.Deflated`).
    """
    from ._xlsx import Deflated, write_workbook
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    used = set()
    parts = []
    for name, df in sheets.items():
        sheet = re.sub(r"[\[\]:*?/\\]", "_", str(name))[:31]
        while sheet in used:
            sheet = sheet[:29] + "_" + str(len(used))
        used.add(sheet)
        parts.append((sheet, df if isinstance(df, (bytes, Deflated)) else sheet_bytes(df, max_rows)))
    write_workbook(path, parts)
    return path
