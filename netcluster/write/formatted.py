"""A table formatted to text once, then written as CSV, XLSX cells and GEXF attributes.

Formatting numbers is the expensive part of writing a large table (the shortest round-trip
text of every float), and the organisations and ties tables are each written in three
formats.  :class:`FormattedTable` formats every number column once, keeps every text
column as codes into its distinct values (so escaping and formula neutralisation run once
per distinct value), and assembles rows by joining object arrays — no Python call per cell.

The output is byte-identical to the straightforward paths it replaces (pandas ``to_csv`` of
:func:`netcluster.write.safety.safe_frame`, and :func:`netcluster.write.xlsx.column_cells`); the tests
check that on hostile tables.  Columns of other kinds (dates, mixed Python objects) are not
supported: :meth:`FormattedTable.supports` says so and callers fall back to those paths.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .rows import ROW_CHUNK, join_rows
from .safety import neutralise, neutralise_many
from .xlsx import escape_text, sheet_xml

__all__ = ["FormattedTable", "coded_columns", "join_rows", "ROW_CHUNK"]

_CSV_SPECIAL = re.compile('[,"\r\n]')


class _Column:
    __slots__ = ("kind", "text", "codes", "uniques", "values", "_cache")

    def __init__(self, kind, text=None, codes=None, uniques=None, values=None):
        self.kind = kind          # "float" | "int" | "bool" | "text"
        self.text = text          # float/int/bool: object array of CSV text, None = missing
        self.codes = codes        # text: int array into uniques, -1 = missing
        self.uniques = uniques    # text: list of str (raw, not neutralised)
        self.values = values      # float/int: the numbers as float64 (NaN = missing); bool: bools
        self._cache = {}          # per-distinct-text tables, shared with the columns taken from it

    def cached(self, key, make):
        """``make()`` computed once for this column and every column :meth:`take` makes of it
        (for tables per distinct text: the same whatever rows are taken)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def safe_uniques(self) -> list:
        """The distinct texts with formula injection neutralised (computed once)."""
        return self.cached("safe", lambda: neutralise_many(self.uniques))

    def take(self, idx):
        c = _Column(self.kind, None if self.text is None else self.text[idx],
                    None if self.codes is None else self.codes[idx], self.uniques,
                    None if self.values is None else self.values[idx])
        c._cache = self._cache
        return c


def _distinct(v: np.ndarray):
    """(codes, distinct values) of a float64 or int64 array, by bit pattern (so -0.0 and 0.0
    stay apart); NaN (float) gets code -1."""
    bits = v.view(np.int64)
    codes, uniq_bits = pd.factorize(bits, sort=False)
    uniq = uniq_bits.view(v.dtype)
    if v.dtype.kind == "f":
        nan = np.isnan(uniq)
        if nan.any():  # every NaN pattern to -1
            remap = np.arange(len(uniq))
            remap[nan] = -1
            keep = ~nan
            remap[keep] = np.arange(int(keep.sum()))
            codes = remap[codes]
            uniq = uniq[keep]
    return codes, uniq


def _float_text(u: np.ndarray) -> list:
    """CSV text of distinct non-NaN floats, as pandas writes them: the shortest round-trip
    text (Python's ``repr``, which is numpy's ``astype(str)``), integral values below 1e15
    as ``"<integer>.0"`` (-0.0 keeps its sign, as numpy writes it)."""
    integral = np.isfinite(u) & (u == np.round(u)) & (np.abs(u) < 1e15) & ~((u == 0) & np.signbit(u))
    out = np.empty(len(u), dtype=object)
    out[~integral] = list(map(float.__repr__, u[~integral].tolist()))
    out[integral] = [f"{i}.0" for i in u[integral].astype(np.int64).tolist()]
    return out


def _by_code(codes: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """Object array: ``distinct[code]``, None where the code is -1."""
    table = np.empty(len(distinct) + 1, dtype=object)
    table[:len(distinct)] = distinct
    return table[codes]  # code -1 takes the last entry, None


def _format_column(s: pd.Series) -> _Column | None:
    """Each distinct number is formatted once (columns of counts, weights or community
    labels repeat few values)."""
    dt = s.dtype
    if pd.api.types.is_bool_dtype(dt):
        if s.isna().any():
            return None
        v = s.to_numpy(dtype=bool)
        return _Column("bool", np.where(v, "True", "False").astype(object), values=v)
    if pd.api.types.is_integer_dtype(dt):
        miss = s.isna().to_numpy(dtype=bool)
        v = s.to_numpy(dtype=np.int64, na_value=0)
        codes, uniq = _distinct(v)
        if miss.any():
            codes = np.where(miss, -1, codes)
        text = _by_code(codes, np.array(list(map(int.__repr__, uniq.tolist())), dtype=object))
        return _Column("int", text, values=np.where(miss, np.nan, v.astype(float)))
    if pd.api.types.is_float_dtype(dt):
        v = np.ascontiguousarray(s.to_numpy(dtype=float, na_value=np.nan))
        codes, uniq = _distinct(v)
        return _Column("float", _by_code(codes, _float_text(uniq)), values=v)
    if dt == object or pd.api.types.is_string_dtype(dt):
        codes, uniq = pd.factorize(pd.Series(s.to_numpy(dtype=object), dtype=object), use_na_sentinel=True)
        uniq = list(uniq)
        if not all(type(u) is str for u in uniq):
            return None
        return _Column("text", codes=codes.astype(np.int64), uniques=uniq)
    return None


def _text_column(values) -> _Column | None:
    """Text column ``values`` (each value once; None = missing) coded by position, or None
    when a value is not text."""
    values = np.asarray(values, dtype=object)
    miss = pd.isna(values)
    if not all(type(v) is str for v in values[~miss].tolist()):
        return None
    codes = np.arange(len(values), dtype=np.int64)
    return _Column("text", codes=np.where(miss, -1, codes) if miss.any() else codes,
                   uniques=[v if type(v) is str else "" for v in values.tolist()])


def coded_columns(coded: dict) -> dict:
    """``{name: (codes, values)}`` (``values[codes]`` is the column) as text columns, each
    ``values`` array resolved once (columns coded into the same array share their per-text
    tables).  Columns already resolved pass through; columns whose values are not all text
    are left out (formatted from the frame)."""
    bases, out = {}, {}
    for name, spec in coded.items():
        if isinstance(spec, _Column):
            out[name] = spec
            continue
        codes, values = spec
        if id(values) not in bases:
            bases[id(values)] = (values, _text_column(values))  # (values kept: the id stays theirs)
        base = bases[id(values)][1]
        if base is not None:
            out[name] = base.take(np.asarray(codes, dtype=np.int64))
    return out


def _column(df: pd.DataFrame, j: int, coded: dict | None) -> _Column | None:
    """Column ``j`` formatted: from the caller's codes (:func:`coded_columns`) when it has
    them for a text column."""
    name = df.columns[j]
    col = coded.get(name) if coded else None
    if col is not None and len(col.codes) == len(df) and not (
            pd.api.types.is_numeric_dtype(df.iloc[:, j].dtype) or pd.api.types.is_bool_dtype(df.iloc[:, j].dtype)):
        return col
    return _format_column(df.iloc[:, j])


def _take_text(col: _Column, distinct: list, missing) -> np.ndarray:
    """Object array: the per-distinct-value text taken by code (``missing`` where code < 0)."""
    table = np.array(distinct + [missing], dtype=object)
    return table[np.where(col.codes < 0, len(distinct), col.codes)]


def _csv_quote(s: str) -> str:
    if _CSV_SPECIAL.search(s):
        return '"' + s.replace('"', '""') + '"'
    return s


class FormattedTable:
    """A DataFrame's columns formatted to text once (see the module docstring).
    Build it with :meth:`of`.

    >>> t = FormattedTable.of(pd.DataFrame({"name": ["=cmd()", "a,b"], "w": [1.0, 0.5]}))
    >>> print(t.csv_text().replace(chr(13) + chr(10), "|"))
    name,w|'=cmd(),1.0|"a,b",0.5|
    """

    def __init__(self, names: list[str], columns: list[_Column], n_rows: int):
        self.columns, self._cols, self.n_rows = list(names), list(columns), int(n_rows)

    @staticmethod
    def supports(df: pd.DataFrame) -> bool:
        """True when every column is numeric, boolean or text (and there are 2+ columns)."""
        if df.shape[1] < 2 or df.columns.duplicated().any():
            return False  # the csv module quotes a lone empty field; keep those to pandas
        for dt in df.dtypes:
            if not (pd.api.types.is_bool_dtype(dt) or pd.api.types.is_integer_dtype(dt)
                    or pd.api.types.is_float_dtype(dt) or dt == object or pd.api.types.is_string_dtype(dt)):
                return False
        return True

    @classmethod
    def of(cls, df: pd.DataFrame, coded: dict | None = None) -> "FormattedTable | None":
        """The formatted table, or ``None`` when a column is of an unsupported kind.

        ``coded``: text columns the caller holds as codes, ``{name: (codes, values)}`` with
        ``df[name]`` equal to ``values[codes]`` (None = missing), or those resolved by
        :func:`coded_columns`: the column is taken from them instead of hashing its texts (the
        ties' ends and names: one text per tie)."""
        if not cls.supports(df):
            return None
        coded = coded_columns(coded) if coded else None
        cols = [_column(df, j, coded) for j in range(df.shape[1])]
        if any(c is None for c in cols):
            return None
        return cls([str(c) for c in df.columns], cols, len(df))

    @classmethod
    def as_text(cls, df: pd.DataFrame, coded: dict | None = None) -> "FormattedTable":
        """Like :meth:`of`, with columns of other kinds (dates, mixed objects) written as the
        text of each value (for files without a spreadsheet's types, e.g. GEXF)."""
        coded = coded_columns(coded) if coded else None
        cols = []
        for j in range(df.shape[1]):
            col = _column(df, j, coded)
            if col is None:
                col = _format_column(pd.Series([None if v is None or v is pd.NA or v is pd.NaT
                                                or (isinstance(v, float) and v != v) else str(v)
                                                for v in df.iloc[:, j].tolist()], dtype=object))
            cols.append(col)
        return cls([str(c) for c in df.columns], cols, len(df))

    def column(self, name: str) -> _Column:
        return self._cols[self.columns.index(name)]

    def take(self, idx) -> "FormattedTable":
        """The rows at integer positions ``idx``."""
        idx = np.asarray(idx, dtype=np.int64)
        return FormattedTable(self.columns, [c.take(idx) for c in self._cols], len(idx))

    def shown(self, show: dict) -> "FormattedTable":
        """The table with the distinct texts of text columns replaced, ``{name: function of a
        text}`` (the codes and the other columns shared): a reader's labels of coded values.

        >>> t = FormattedTable.of(pd.DataFrame({"t": ["firm", None, "firm"], "w": [1, 2, 3]}))
        >>> t.shown({"t": str.upper}).csv_text().split()
        ['t,w', 'FIRM,1', ',2', 'FIRM,3']
        """
        cols = [_Column("text", codes=c.codes, uniques=[show[n](u) for u in c.uniques])
                if n in show and c.kind == "text" else c for n, c in zip(self.columns, self._cols)]
        return FormattedTable(self.columns, cols, self.n_rows)

    def select(self, names: list[str]) -> "FormattedTable":
        return FormattedTable(names, [self.column(n) for n in names], self.n_rows)

    # -- CSV ------------------------------------------------------------------
    def csv_chunks(self):
        """CSV text (header, then rows in chunks): pandas' ``to_csv(index=False,
        lineterminator="\\r\\n")`` of the neutralised table, byte for byte."""
        k = len(self._cols)
        yield ",".join(_csv_quote(neutralise(c)) for c in self.columns) + "\r\n"
        if not self.n_rows:
            return
        pieces = []  # per column: a function of a row range -> that range's cell texts
        for j, col in enumerate(self._cols):
            sep = "\r\n" if j == k - 1 else ","
            if col.kind == "text":
                table = col.cached(("csv", sep), lambda c=col, sep=sep: np.array(
                    [_csv_quote(u) + sep for u in c.safe_uniques()] + [sep], dtype=object))
                pieces.append(lambda a, b, c=col, t=table: t[np.where(c.codes[a:b] < 0, len(t) - 1, c.codes[a:b])])
            else:  # the number's text ("" when missing), then the separator as its own piece
                miss = np.equal(col.text, None)  # (str or None cells: == None is "is None", in C)
                text = np.where(miss, "", col.text) if miss.any() else col.text
                pieces += [lambda a, b, t=text: t[a:b], sep]
        # rows assembled in chunks: memory bounded by the chunk, not the table
        for a in range(0, self.n_rows, ROW_CHUNK):
            b = min(a + ROW_CHUNK, self.n_rows)
            yield from join_rows([f if isinstance(f, str) else f(a, b) for f in pieces], b - a)

    def csv_text(self) -> str:
        return "".join(self.csv_chunks())

    # -- XLSX -----------------------------------------------------------------
    def xlsx_tails(self) -> list[np.ndarray]:
        """Per column, each cell's XML after its reference (None = empty cell), as
        :func:`netcluster.write.xlsx.column_cells` of the table (text cells as they are: an
        inline string is never evaluated)."""
        out = []
        for col in self._cols:
            if col.kind == "text":
                out.append(_take_text(col, [f' t="inlineStr"><is><t xml:space="preserve">'
                                            f'{escape_text(u)}</t></is></c>'
                                            for u in col.uniques], None))
            elif col.kind == "bool":
                out.append(np.where(col.values, ' t="b"><v>1</v></c>', ' t="b"><v>0</v></c>').astype(object))
            else:
                v = col.values
                fin = np.isfinite(v)
                t = np.full(len(v), None, dtype=object)
                if fin.any():
                    txt = col.text[fin]
                    integral = (v[fin] == np.round(v[fin])) & (np.abs(v[fin]) < 1e15)
                    txt = txt.copy()
                    # integral values as integers ("3.0" is written 3), beyond 1e15 as floats
                    txt[integral] = v[fin][integral].astype(np.int64).astype(str).astype(object)
                    if col.kind == "int" and (~integral).any():
                        txt[~integral] = v[fin][~integral].astype(str).astype(object)
                    t[fin] = "><v>" + txt + "</v></c>"
                out.append(t)
        return out

    def sheet_xml(self, note: str | None = None, *, headers: list[str] | None = None,
                  styles: list | None = None) -> bytes:
        """The worksheet (:func:`netcluster.write.xlsx.sheet_xml`): ``headers`` shown instead of
        the column names, ``styles`` per column."""
        return sheet_xml(list(headers) if headers is not None else [str(c) for c in self.columns],
                         self.xlsx_tails(), self.n_rows, note, styles=styles)
