"""Excel-safe tables: CSV (UTF-8 with BOM, CRLF) and XLSX, with formula injection
neutralised (:mod:`netcluster.write.safety`); numbers stay numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .formatted import FormattedTable
from .pieces import append_parts, coded_rows, part_file, part_rows
from .safety import safe_frame
from .xlsx import STYLE, Deflated, column_cells, sheet_xml, write_workbook

__all__ = ["write_csv", "write_xlsx", "sheet_bytes", "Sheet", "write_quality", "write_ties_csv", "finish_ties_csv",
       ]


def write_csv(df, path, *, index: bool = False) -> Path:
    """Write a CSV that Excel opens correctly (UTF-8 with BOM, CRLF) and safely.

    ``df`` is a DataFrame or a :class:`netcluster._formatted.FormattedTable` (a table already
    formatted for several outputs).  Tables of numbers, booleans and text are written by
    ``FormattedTable`` (same bytes as pandas, several times faster); others by pandas."""
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


@dataclass(frozen=True)
class Sheet:
    """A table for the workbook with what a reader sees: ``headers`` (the human labels, one
    per column; default the column names) and ``formats`` (per column a format of
    :data:`netcluster.write.xlsx.STYLE` — ``int``, ``share``, ``index``, ``p``, ``float``,
    ``text`` — or an array of one per row)."""

    frame: object
    headers: list | None = None
    formats: list | None = None


def _styles(formats, n_rows: int):
    if formats is None:
        return None
    out = []
    for f in formats:
        if f is None or isinstance(f, str):
            out.append(STYLE.get(f or "text", 0))
        else:
            out.append(np.array([STYLE.get(x or "text", 0) for x in list(f)[:n_rows]], dtype=np.int64))
    return out


def sheet_bytes(df, max_rows: int = 50_000, *, headers=None, formats=None, full: str | None = None) -> bytes:
    """The worksheet XML of one table (first ``max_rows`` rows and a note naming ``full``, the
    file with every row, when there is one), with ``headers`` and ``formats`` as in
    :class:`Sheet`.  ``df`` is a DataFrame or a :class:`netcluster.write.formatted.FormattedTable`."""
    n = df.n_rows if isinstance(df, FormattedTable) else len(df)
    note = (f"(first {max_rows:,} of {n:,} rows" + (f"; every row is in {full})" if full else ")")
            if n > max_rows else None)
    styles = _styles(formats, min(n, max_rows))
    if isinstance(df, FormattedTable):
        return (df.take(np.arange(max_rows)) if n > max_rows else df).sheet_xml(note, headers=headers, styles=styles)
    t = FormattedTable.of(df.head(max_rows))
    if t is not None:
        return t.sheet_xml(note, headers=headers, styles=styles)
    return _pandas_sheet(df.head(max_rows), note, headers, styles)


def _pandas_sheet(frame: pd.DataFrame, note, headers=None, styles=None) -> bytes:
    """The straightforward cell writer (any column kind; the oracle of the fast path)."""
    cols = [column_cells(frame.iloc[:, j]) for j in range(frame.shape[1])]
    return sheet_xml(list(headers) if headers is not None else [str(c) for c in frame.columns], cols, len(frame),
                     note, styles=styles)


def write_xlsx(sheets: dict, path, *, max_rows: int = 50_000) -> Path:
    """Write several DataFrames to one workbook, one sheet each (names cut to 31 characters).

    Numbers are written as numbers, booleans as booleans, text as inline strings (shown as
    text, never evaluated: no formula guard is needed or added), missing values as empty
    cells; the header row is bold and frozen, with an autofilter, and the columns are as wide
    as their contents.  A value may be a :class:`Sheet` (human headers and number formats).  A sheet
    longer than ``max_rows`` keeps its first ``max_rows`` rows and says so in its last row
    (the CSV tables are complete).  Same tables, same bytes (no timestamps inside).
    Written column-vectorised by :mod:`netcluster._xlsx`.  A value may also be the bytes
    from :func:`sheet_bytes` (prepared elsewhere, e.g. in a background process), or those
    bytes already compressed (:class:`netcluster._xlsx.Deflated`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    used = set()
    parts = []
    for name, df in sheets.items():
        sheet = re.sub(r"[\[\]:*?/\\]", "_", str(name))[:31]
        while sheet in used:
            sheet = sheet[:29] + "_" + str(len(used))
        used.add(sheet)
        if isinstance(df, Sheet):
            data = sheet_bytes(df.frame, max_rows, headers=df.headers, formats=df.formats)
        else:
            data = df if isinstance(df, (bytes, Deflated)) else sheet_bytes(df, max_rows)
        parts.append((sheet, data))
    write_workbook(path, parts)
    return path


def write_quality(log, path) -> Path:
    """The data-quality events of ``log`` (:class:`netcluster.quality.QualityLog`): CSV (one
    row per event, Excel-safe) when ``path`` ends in ``.csv``, else JSON."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        return write_csv(log.events, path)
    log.to_json(path)
    return path


def _ties_rows(ties, coded, a: int, b: int):
    """Rows ``a:b`` of the ties table, formatted (:class:`netcluster._formatted.FormattedTable`,
    from the end columns' codes ``coded`` of :func:`_tables`) or, when a column is of a kind
    it does not format, as the DataFrame (pandas writes it)."""
    part = ties.iloc[a:b]
    return FormattedTable.of(part, coded_rows(coded, a, b)) or part


def write_ties_csv(ties, out: Path, coded=None, part=None) -> None:
    """ties.csv (formatted once; ``coded``: the end columns' codes from :func:`_tables`).
    ``part=(i, k)``: the i-th of k row ranges — the first into ties.csv with the header, the
    others without header into part files that :func:`finish_ties_csv` appends (the parts
    may be written by different processes, in any order); ``None``: the whole file.  Every
    cell's text depends on that cell only, so the parts joined are the whole file's bytes
    (tested)."""
    a, b = part_rows(len(ties), part)
    rows = _ties_rows(ties, coded, a, b)
    if part is None or part[0] == 0:
        write_csv(rows, out / "ties.csv")
        return
    with open(part_file(out / "ties.csv", part[0]), "w", encoding="utf-8", newline="") as f:  # no BOM
        if isinstance(rows, FormattedTable):
            chunks = rows.csv_chunks()
            next(chunks)  # the header is the first part's
            for chunk in chunks:
                f.write(chunk)
        elif len(rows):
            safe_frame(rows).to_csv(f, header=False, index=False, lineterminator="\r\n")


def finish_ties_csv(out: Path, parts: int) -> None:
    """Append the rows of parts 1..parts-1 (:func:`write_ties_csv`) to ties.csv."""
    append_parts(out / "ties.csv", parts)
