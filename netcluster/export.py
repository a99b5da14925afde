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

__all__ = ["neutralise", "safe_frame", "write_csv", "write_xlsx", "FORMULA_PREFIXES"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FIXED_DATE = __import__("datetime").datetime(2000, 1, 1)
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value):
    """Return ``value`` made safe for a spreadsheet cell.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5"), neutralise("@SUM(A1)"), neutralise(3)
    ('\\'=HYPERLINK("http://x")', '-5', "'@SUM(A1)", 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell (and text header) neutralised."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            vals = s.to_numpy(dtype=object)
            starts = np.fromiter((isinstance(v, str) and v[:1] in "=+-@\t\r" and v != ""
                                  for v in vals), dtype=bool, count=len(vals))
            if starts.any():
                vals = vals.copy()
                vals[starts] = [neutralise(v) for v in vals[starts]]
                out[col] = pd.Series(vals, index=s.index, dtype=object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    if out.index.name is not None or not isinstance(out.index, pd.RangeIndex):
        out.index = pd.Index([neutralise(v) for v in out.index], name=out.index.name)
    return out


def write_csv(df: pd.DataFrame, path, *, index: bool = False) -> Path:
    """Write a CSV that Excel opens correctly (UTF-8 with BOM, CRLF) and safely."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(df).to_csv(path, index=index, encoding="utf-8-sig", lineterminator="\r\n")
    return path


def write_xlsx(sheets: dict, path, *, max_rows: int = 50_000) -> Path:
    """Write several DataFrames to one workbook, one sheet each (names cut to 31 characters).

    Cells are neutralised like CSV cells; numbers are written as numbers, missing values as
    empty cells.  A sheet longer than ``max_rows`` keeps its first ``max_rows`` rows and says so
    in its last row (the CSV tables are complete).  Written with xlsxwriter row by row from
    NumPy arrays, which is several times faster than going through pandas.
    """
    import xlsxwriter
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": True,
                                         "constant_memory": True})
    wb.set_properties({"created": _FIXED_DATE})
    bold = wb.add_format({"bold": True})
    used = set()
    for name, df in sheets.items():
        sheet = re.sub(r"[\[\]:*?/\\]", "_", str(name))[:31]
        while sheet in used:
            sheet = sheet[:29] + "_" + str(len(used))
        used.add(sheet)
        ws = wb.add_worksheet(sheet)
        frame = safe_frame(df.head(max_rows))
        ws.write_row(0, 0, [str(c) for c in frame.columns], bold)
        cols = []
        for c in frame.columns:
            s = frame[c]
            if isinstance(s.dtype, pd.DatetimeTZDtype):
                s = s.dt.tz_localize(None)
            if pd.api.types.is_bool_dtype(s):
                cols.append(s.to_numpy(dtype=object))
            elif pd.api.types.is_numeric_dtype(s):
                v = s.to_numpy(dtype=float, na_value=np.nan)
                cols.append(np.where(np.isfinite(v), v, None).astype(object))
            elif pd.api.types.is_datetime64_any_dtype(s):
                cols.append(s.dt.strftime("%Y-%m-%d").where(s.notna(), None).to_numpy(dtype=object))
            else:
                cols.append(s.astype(object).where(s.notna(), None).map(
                    lambda v: v if v is None or isinstance(v, (bool, int, float, str)) else str(v)).to_numpy(dtype=object))
        if cols:
            for r, row in enumerate(zip(*cols), start=1):
                ws.write_row(r, 0, row)
        if len(df) > max_rows:
            ws.write(len(frame) + 1, 0, f"(first {max_rows:,} of {len(df):,} rows; the CSV table has all rows)")
    wb.close()
    _make_reproducible(path)
    return path


def _make_reproducible(path: Path) -> None:
    """Fixed timestamps inside the workbook and its zip entries: same data, same bytes."""
    import zipfile
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, data)
