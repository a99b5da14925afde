"""A small, column-vectorised Office Open XML (XLSX) writer.

Why not xlsxwriter or openpyxl: both build every cell through several Python calls, which
dominates writing a sheet of a hundred thousand ties (docs/benchmark.md).  Here each *column* is turned
into its cells' XML at once (unique strings escaped once, then taken by code; numbers
formatted in one pass), rows are concatenated with NumPy object arithmetic, and the
sheet is deflated once.  The file is the minimal SpreadsheetML package (ECMA-376 Part 1):
content types, relationships, workbook, one worksheet per table with inline strings,
a style sheet (a bold header; number formats: thousands separators for counts, percent for
shares, three decimals for indices, scientific for p-values), the header row frozen, an
autofilter on every sheet and column widths from the header and the cells.  No timestamps
inside, and fixed zip entry dates: same tables, same bytes.

Text cells are inline strings, which a spreadsheet program shows as text and never evaluates:
they carry no formula guard (a name such as ``-한빛산업`` or ``@Home Co`` is written as it is;
the CSV writer adds the OWASP apostrophe, :mod:`netcluster.write.safety`).
"""

from __future__ import annotations

import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .rows import join_rows

#: Excel's cell text limit (characters).
MAX_CELL_CHARS = 32_767
#: Cell style of each number format (the ``cellXfs`` of the style sheet): ``int`` #,##0,
#: ``share`` 0.0%, ``index`` 0.000, ``p`` 0.00E+00; ``float``, ``year``, ``text`` and ``bool``: General.
STYLE = {"text": 0, "float": 0, "bool": 0, "year": 0, "int": 2, "share": 3, "index": 4, "p": 5}
HEADER_STYLE = 1
#: Rows of a worksheet assembled (and encoded) at a time: bounds the memory of its cells' text.
SHEET_CHUNK = 10_000
#: Column widths (characters) are the widest of the header and the first WIDTH_SAMPLE cells,
#: within [MIN_WIDTH, MAX_WIDTH].
WIDTH_SAMPLE, MIN_WIDTH, MAX_WIDTH = 300, 6, 60
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def column_letters(n: int) -> list[str]:
    """Excel column names for the first ``n`` columns: A, B, ..., Z, AA, ...

    >>> column_letters(28)[-3:]
    ['Z', 'AA', 'AB']
    """
    out = []
    for i in range(n):
        s, k = "", i + 1
        while k:
            k, r = divmod(k - 1, 26)
            s = chr(65 + r) + s
        out.append(s)
    return out


_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def escape_text(s: str) -> str:
    if len(s) <= MAX_CELL_CHARS and not _NEEDS_ESCAPE.search(s):
        return s
    s = _INVALID.sub("", s)
    if len(s) > MAX_CELL_CHARS:
        s = s[:MAX_CELL_CHARS]
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _string_cells(values: np.ndarray, style: str = "") -> np.ndarray:
    """Cell XML (without the reference) for an object array of str/None."""
    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    xml = np.array([f'{style} t="inlineStr"><is><t xml:space="preserve">{escape_text(str(u))}</t></is></c>'
                    for u in uniq] + [None], dtype=object)
    return xml[np.where(codes < 0, len(uniq), codes)]


def _number_cells(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    out = np.full(len(v), None, dtype=object)
    if ok.any():
        vv = v[ok]
        integral = (vv == np.round(vv)) & (np.abs(vv) < 1e15)
        txt = vv.astype(str).astype(object)  # shortest round-trip repr, in C
        txt[integral] = vv[integral].astype(np.int64).astype(str)
        out[ok] = "><v>" + txt + "</v></c>"
    return out


def _bool_cells(values) -> np.ndarray:
    s = pd.Series(values, dtype=object)
    out = np.full(len(s), None, dtype=object)
    t = s.map(lambda x: x is True or x is np.True_).to_numpy(dtype=bool)
    f = s.map(lambda x: x is False or x is np.False_).to_numpy(dtype=bool)
    out[t] = ' t="b"><v>1</v></c>'
    out[f] = ' t="b"><v>0</v></c>'
    return out


def column_cells(s: pd.Series) -> np.ndarray:
    """The XML tail of each cell of a column (``None`` = empty cell): numbers as numbers,
    booleans as booleans, dates as ISO text, everything else as inline text."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    if pd.api.types.is_bool_dtype(s):
        return _bool_cells(s.to_numpy(dtype=object))
    if pd.api.types.is_numeric_dtype(s):
        return _number_cells(s.to_numpy(dtype=float, na_value=np.nan))
    if pd.api.types.is_datetime64_any_dtype(s):
        return _string_cells(s.dt.strftime("%Y-%m-%d").where(s.notna(), None).to_numpy(dtype=object))
    vals = s.astype(object).where(s.notna(), None).to_numpy(dtype=object)
    kinds = pd.Series(vals, dtype=object).map(type)
    if kinds.isin([str, type(None)]).all():
        return _string_cells(vals)
    out = np.full(len(vals), None, dtype=object)
    num = kinds.isin([int, float, np.int64, np.float64]).to_numpy()
    boo = kinds.isin([bool, np.bool_]).to_numpy()
    if num.any():
        out[num] = _number_cells(np.array(vals[num], dtype=float))
    if boo.any():
        out[boo] = _bool_cells(vals[boo])
    rest = ~num & ~boo & pd.notna(pd.Series(vals, dtype=object)).to_numpy()
    if rest.any():
        out[rest] = _string_cells(np.array([str(v) for v in vals[rest]], dtype=object))
    return out


def text_width(s: str) -> int:
    """Display width in characters: East Asian wide and full-width characters count 2.

    >>> text_width("abc"), text_width("한빛산업")
    (3, 8)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def cell_text_widths(tails, style=0) -> int:
    """The widest displayed cell of a column's first WIDTH_SAMPLE cells (from their XML tails;
    a number as its ``style`` shows it)."""
    widest = 0
    for t in dict.fromkeys(tails[:WIDTH_SAMPLE]):  # each distinct cell once
        if t is None:
            continue
        m = _TAIL_TEXT.search(t)
        if m is None:
            continue
        txt = m.group(1)
        if t.startswith("><v>") or "><v>" in t[:12]:  # a number
            widest = max(widest, _number_width(txt, style))
            continue
        if "&" in txt:
            txt = txt.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        widest = max(widest, text_width(txt))
    return widest


def _number_width(txt: str, style) -> int:
    """Characters a number takes in its format (General: Excel shows at most ~11)."""
    if style not in _NUMBER_FORMATS:  # General (the number as written, at most ~11 shown)
        return min(len(txt), 11)
    try:
        v = float(txt)
    except ValueError:
        return len(txt)
    if not np.isfinite(v):
        return len(txt)
    whole = len(str(int(abs(v)))) + (v < 0)
    if style == STYLE["int"]:
        return whole + (whole - 1) // 3
    if style == STYLE["share"]:
        return len(f"{v * 100:.1f}") + 1
    if style == STYLE["index"]:
        return whole + 4
    if style == STYLE["p"]:
        return 9
    return min(len(txt), 11)


_NUMBER_FORMATS = {STYLE["int"], STYLE["share"], STYLE["index"], STYLE["p"]}
_TAIL_TEXT = re.compile(r"<(?:t xml:space=\"preserve\"|v)>(.*?)</(?:t|v)>", re.S)


def _column_width(header: str, tails, style) -> float:
    """Width of a column: the header (bold: a little wider) and the sample of its cells."""
    if isinstance(style, (int, np.integer)) or tails is None:
        cells = cell_text_widths(tails, int(style)) if tails is not None else 0
    else:  # a style per row
        cells = max((cell_text_widths(tails[i:i + 1], int(st)) for i, st in enumerate(style[:WIDTH_SAMPLE])),
                    default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, text_width(header) * 1.1 + 2, cells + 2)))


def filter_ref(n_columns: int, n_rows: int) -> str:
    """The autofilter range of a sheet: the header and its rows (``A1:K101``)."""
    return f"A1:{column_letters(max(n_columns, 1))[-1]}{n_rows + 1}"


def sheet_xml(header: list[str], columns: list[np.ndarray], n_rows: int, note: str | None = None, *,
              styles: list | None = None) -> bytes:
    """Worksheet XML: a bold frozen header row with an autofilter, then ``n_rows`` rows of
    cells; ``styles``: per column a cell style (:data:`STYLE`) or an integer array of one per
    row (e.g. a value column whose rows have different units)."""
    letters = column_letters(max(len(header), 1))
    head = "".join(f'<c r="{letters[j]}1" s="{HEADER_STYLE}" t="inlineStr"><is><t xml:space="preserve">'
                   f'{escape_text(h)}</t></is></c>' for j, h in enumerate(header))
    styles = list(styles) if styles is not None else [0] * len(header)
    widths = [_column_width(h, columns[j] if j < len(columns) and n_rows else None, styles[j])
              for j, h in enumerate(header)]
    cols = "".join(f'<col min="{j + 1}" max="{j + 1}" width="{w:.1f}" customWidth="1"/>'
                   for j, w in enumerate(widths))
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetViews><sheetView workbookViewId="0">'
             '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
             '</sheetView></sheetViews>' + (f"<cols>{cols}</cols>" if cols else "") + '<sheetData>',
             f'<row r="1">{head}</row>']
    if n_rows and columns:
        columns = [np.asarray(tails, dtype=object) for tails in columns]
        # assembled and encoded SHEET_CHUNK rows at a time: each cell's text pieces exist for
        # one chunk only (a 50,000-row sheet of 49 columns built whole took ~900 MB at once)
        for a in range(0, n_rows, SHEET_CHUNK):
            parts.append(_sheet_rows(columns, styles, letters, a, min(a + SHEET_CHUNK, n_rows)))
    elif n_rows:
        parts.append("".join(f'<row r="{r}"></row>' for r in range(2, n_rows + 2)))
    if note is not None:
        parts.append(f'<row r="{n_rows + 2}"><c r="A{n_rows + 2}" t="inlineStr"><is><t>'
                     f'{escape_text(note)}</t></is></c></row>')
    parts.append("</sheetData>")
    if header:
        parts.append(f'<autoFilter ref="{filter_ref(len(header), n_rows)}"/>')
    parts.append("</worksheet>")
    return b"".join(p if isinstance(p, bytes) else p.encode("utf-8") for p in parts)


def _sheet_rows(columns: list, styles: list, letters: list, a: int, b: int) -> bytes:
    """Rows ``a`` to ``b`` of the sheet (the cells of :func:`sheet_xml`), as UTF-8."""
    n = b - a
    rows = np.arange(a + 2, b + 2).astype(str).astype(object)  # (row 1 is the header)
    rows_q = rows + '"'
    cells = ['<row r="', rows, '">']  # pieces joined row by row (a str: the same in every row)
    for j, tails in enumerate(columns):
        t = tails[a:b]
        has = pd.notna(t)  # tails are str or None
        st = styles[j] if j < len(styles) else 0
        if isinstance(st, (int, np.integer)):
            if st:
                t = t.copy()
                t[has] = f' s="{st}"' + t[has]
        else:  # a style per row
            st = np.asarray(st)[a:b]
            t = t.copy()
            styled = has & (st > 0)
            t[styled] = ' s="' + st[styled].astype(str).astype(object) + '"' + t[styled]
        if has.all():
            cells += [f'<c r="{letters[j]}', rows_q, t]
        else:
            c = np.full(n, "", dtype=object)
            c[has] = (f'<c r="{letters[j]}' + rows_q[has]) + t[has]
            cells.append(c)
    cells.append("</row>")
    return "".join(join_rows(cells, n)).encode("utf-8")


def sheet_filter(raw: bytes) -> str | None:
    """The autofilter range written by :func:`sheet_xml` (read off the sheet's end)."""
    m = _FILTER.search(raw[-200:])
    return m.group(1).decode() if m else None


_FILTER = re.compile(rb'<autoFilter ref="([A-Z]+1:[A-Z]+[0-9]+)"/>')


_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/>'
           '<numFmt numFmtId="165" formatCode="0.000"/></numFmts>'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
           '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="11" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '</cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           '</styleSheet>')


def write_workbook(path: Path, sheets: list[tuple[str, bytes]]) -> None:
    """Package worksheet XMLs (name, bytes) into an .xlsx file with reproducible bytes."""
    ns = "http://schemas.openxmlformats.org"
    ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          f'<Types xmlns="{ns}/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.styles+xml"/>']
    for i in range(1, len(sheets) + 1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    ct.append("</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>')
    wb = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          f'<workbook xmlns="{ns}/spreadsheetml/2006/main" '
          f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>']
    wrels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<Relationships xmlns="{ns}/package/2006/relationships">']
    filters = []
    for i, (name, data) in enumerate(sheets, start=1):
        wb.append(f'<sheet name="{escape_text(name).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>')
        wrels.append(f'<Relationship Id="rId{i}" Type="{ns}/officeDocument/2006/relationships/worksheet" '
                     f'Target="worksheets/sheet{i}.xml"/>')
        ref = data.filter_ref if isinstance(data, Deflated) else sheet_filter(data)
        if ref:  # Excel's name for a sheet's autofilter range
            a, b = (re.sub(r"([A-Z]+)([0-9]+)", r"$\1$\2", r) for r in ref.split(":"))
            quoted = "'" + escape_text(name).replace("'", "''").replace('"', "&quot;") + "'"
            filters.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i - 1}" hidden="1">'
                           f'{quoted}!{a}:{b}</definedName>')
    wb.append("</sheets>")
    if filters:
        wb.append("<definedNames>" + "".join(filters) + "</definedNames>")
    wb.append("</workbook>")
    k = len(sheets) + 1
    wrels.append(f'<Relationship Id="rId{k}" Type="{ns}/officeDocument/2006/relationships/styles" '
                 'Target="styles.xml"/></Relationships>')
    entries = [("[Content_Types].xml", "".join(ct).encode()), ("_rels/.rels", rels.encode()),
               ("xl/workbook.xml", "".join(wb).encode()), ("xl/_rels/workbook.xml.rels", "".join(wrels).encode()),
               ("xl/styles.xml", _STYLES.encode())]
    entries += [(f"xl/worksheets/sheet{i}.xml", data) for i, (_, data) in enumerate(sheets, start=1)]
    write_zip(path, entries)


@dataclass(frozen=True)
class Deflated:
    """A zip member's data compressed ahead of time (e.g. on the second core): raw deflate
    at level 1, with the CRC-32 and size of the original bytes."""

    data: bytes
    crc: int
    size: int
    filter_ref: str | None = None  # a worksheet's autofilter range (:func:`sheet_filter`)

    @classmethod
    def of(cls, raw: bytes) -> "Deflated":
        z = zlib.compressobj(1, zlib.DEFLATED, -15)  # as zipfile compresses a member
        return cls(z.compress(raw) + z.flush(), zlib.crc32(raw), len(raw), sheet_filter(raw))


def write_zip(path: Path, entries: list) -> None:
    """A zip file of (name, bytes or :class:`Deflated`) members, deflated, dated 1980-01-01.

    The bytes ``zipfile`` writes for the same members on a POSIX system (tested), written
    here so that members compressed in another process can be stored as they are; the
    creator system is always POSIX, so the file is the same on every platform.  No zip64:
    members and archive must stay below 4 GiB (an .xlsx of capped sheets does)."""
    local, central, offset = [], [], 0
    for name, data in entries:
        part = data if isinstance(data, Deflated) else Deflated.of(data)
        fname = name.encode("ascii")
        if part.size >= 0xFFFFFFFF or offset >= 0xFFFFFFFF:
            raise ValueError("workbook member too large for a zip without zip64")
        # version 2.0, no flags, deflate, 00:00 1980-01-01
        head = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, 0, 0x21,
                           part.crc, len(part.data), part.size, len(fname), 0)
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, 8, 0, 0x21,
                                   part.crc, len(part.data), part.size, len(fname), 0, 0, 0, 0,
                                   0o600 << 16, offset) + fname)
        local += [head, fname, part.data]
        offset += len(head) + len(fname) + len(part.data)
    cdir = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cdir), offset, 0)
    with open(path, "wb") as f:
        f.writelines(local)
        f.write(cdir)
        f.write(end)
