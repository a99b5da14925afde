"""Read raw tables (CSV/TSV/XLSX) with encoding and delimiter detection.

The readers only turn bytes into a table of strings and remember where each
record came from (file and physical line number of its first line).  Column
mapping and normalisation happen later (:mod:`netcluster.mapping`,
:mod:`netcluster.dataset`).

Rules
-----
* Encodings tried in order: a BOM (UTF-8-SIG), strict UTF-8, strict CP949
  (a superset of EUC-KR).  A file mixing UTF-8 and CP949 lines is an error
  that names the first line of each.
* Delimiters tried: ``,`` ``;`` tab ``|``; the one that splits the header into
  the most fields consistently over the first records wins.
* Only empty cells are missing; ``NA``, ``N/A`` or ``null`` are data unless
  the caller passes them in ``na_values``.
* Rows with more or fewer fields than the header are dropped and reported
  (reason ``ragged row``), never padded silently.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .exceptions import EncodingError, InputError
from .quality import QualityLog

__all__ = ["RawTable", "read_table", "strip_cells", "detect_encoding", "detect_delimiter",
           "ENCODINGS", "DELIMITERS"]

ENCODINGS = ("utf-8-sig", "utf-8", "cp949")
DELIMITERS = (",", ";", "\t", "|")
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}


@dataclass
class RawTable:
    """A table of strings with provenance.

    ``frame`` holds every column as strings (missing = empty cell);
    ``lines`` gives the physical line number (1-based, header is line 1 for
    CSV; the Excel row number for XLSX) of each row of ``frame``.
    """

    frame: pd.DataFrame
    file: str
    lines: np.ndarray
    encoding: str | None = None
    delimiter: str | None = None
    log: QualityLog = field(default_factory=QualityLog)
    rows_read: int = 0


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def detect_encoding(raw: bytes, *, file=None) -> str:
    """Return the encoding that decodes ``raw`` strictly.

    Raises :class:`EncodingError` for undecodable or mixed-encoding bytes,
    naming the first offending line.
    """
    if raw.startswith(codecs.BOM_UTF8):
        try:
            raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise EncodingError(
                f"file starts with a UTF-8 BOM but byte {raw[e.start:e.start + 1]!r} at offset "
                f"{e.start} is not UTF-8 (mixed encodings?)",
                file=file, line=_line_of_offset(raw, e.start)) from None
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise EncodingError("file is UTF-16; save it as UTF-8 or CP949", file=file, line=1)
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    _check_not_mixed(raw, file)
    try:
        raw.decode("cp949")
    except UnicodeDecodeError as e:
        raise EncodingError(
            f"bytes are neither UTF-8 (first bad byte on line "
            f"{_line_of_offset(raw, utf8_error.start)}) nor CP949/EUC-KR (first bad byte "
            f"{raw[e.start:e.start + 2]!r}); pass the encoding explicitly",
            file=file, line=_line_of_offset(raw, e.start)) from None
    return "cp949"


def _check_not_mixed(raw: bytes, file) -> None:
    """CP949 decodes; make sure no line is valid non-ASCII UTF-8 (a mixed file)."""
    utf8_line = cp949_line = None
    for i, line in enumerate(raw.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            if utf8_line is None:
                utf8_line = i
        except UnicodeDecodeError:
            if cp949_line is None:
                cp949_line = i
        if utf8_line is not None and cp949_line is not None:
            raise EncodingError(
                f"mixed encodings: line {utf8_line} is UTF-8 but line {cp949_line} is not "
                f"(CP949?); re-export the file in one encoding",
                file=file, line=cp949_line if cp949_line > utf8_line else utf8_line)


def _decode(raw: bytes, encoding: str, file) -> str:
    enc = codecs.lookup(encoding).name
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as e:
        hint = ""
        for alt, label in (("utf-8", "UTF-8"), ("cp949", "CP949")):
            if alt == enc:
                continue
            try:
                raw.decode(alt)
                hint = (f" The file is valid {label} (it decodes as {label}): try --encoding {alt} "
                        f"or leave the encoding unset.")
                break
            except UnicodeDecodeError:
                pass
        raise EncodingError(
            f"cannot decode as {encoding}: byte {raw[e.start:e.start + 1]!r} at offset {e.start}.{hint}",
            file=file, line=_line_of_offset(raw, e.start)) from None
    if enc in ("cp949", "euc_kr", "euc-kr") and not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise EncodingError(
                f"encoding {encoding!r} was requested but the file is valid UTF-8; decoding it "
                f"as {encoding} would garble every non-ASCII name. Use --encoding utf-8 or leave it unset.",
                file=file, line=1)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def detect_delimiter(text: str, *, file=None) -> str:
    """Pick the delimiter that splits the first records into the most, consistent fields."""
    sample = text[:200_000]
    best, best_score = None, (0, 0.0)
    for delim in DELIMITERS:
        reader = csv.reader(io.StringIO(sample), delimiter=delim)
        counts = []
        try:
            for row in reader:
                if row:
                    counts.append(len(row))
                if len(counts) >= 30:
                    break
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistency = sum(c == counts[0] for c in counts) / len(counts)
        score = (round(consistency, 1), counts[0])
        if score > best_score:
            best, best_score = delim, score
    if best is None:
        raise InputError(
            "could not detect the delimiter (tried , ; tab |): the header has a single field. "
            "Pass the delimiter explicitly (--delimiter / mapping [read] delimiter)",
            file=file, line=1)
    return best


def _scan_records(text: str, delimiter: str, file=None, data: bytes | None = None):
    """Physical start line and field count of every non-blank record (header included).

    Raises :class:`InputError` on an unterminated quote.  Files without any
    quote character are scanned with numpy (no per-row Python work).
    """
    if '"' not in text:
        b = np.frombuffer(data if data is not None else text.encode("utf-8"), dtype=np.uint8)
        nl = np.flatnonzero(b == 10)
        ends = np.append(nl, len(b))
        begins = np.concatenate([[0], nl + 1])
        dl = np.flatnonzero(b == ord(delimiter)) if len(delimiter.encode()) == 1 else np.zeros(0, int)
        counts = np.searchsorted(dl, ends) - np.searchsorted(dl, begins) + 1
        length = ends - begins
        cr = np.zeros(len(begins), bool)
        has = length > 0
        cr[has] = b[ends[has] - 1] == 13
        nonblank = (length - cr) > 0
        lines = np.arange(1, len(begins) + 1, dtype=np.int64)
        return lines[nonblank], counts[nonblank].astype(np.int64)
    starts, counts = array("q"), array("q")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    prev_end = 0
    try:
        for row in reader:
            if row:
                starts.append(prev_end + 1)
                counts.append(len(row))
            prev_end = reader.line_num
    except csv.Error as e:
        raise InputError(f"malformed CSV ({e}); an opening quote is probably never closed "
                         f"(the record starts on line {prev_end + 1})",
                         file=file, line=prev_end + 1) from None
    return np.frombuffer(starts, dtype=np.int64).copy(), np.frombuffer(counts, dtype=np.int64).copy()


def _check_header(header: list, file) -> list:
    clean = [str(h).replace("\ufeff", "").strip() for h in header]
    seen, dups = set(), []
    for h in clean:
        if h in seen and h not in dups:
            dups.append(h)
        seen.add(h)
    if dups:
        raise InputError(f"duplicate column headers {dups}: rename them so that each column "
                         f"has one name", file=file, line=1)
    empty = [i + 1 for i, h in enumerate(clean) if h == ""]
    if empty:
        raise InputError(f"empty column header at position(s) {empty}", file=file, line=1)
    return clean


def read_table(path, *, encoding: str | None = None, delimiter: str | None = None,
               na_values=(), sheet=None, table: str = "participations") -> RawTable:
    """Read one CSV/TSV/XLSX file into a :class:`RawTable` of strings.

    Parameters
    ----------
    path : path-like
    encoding : str, optional
        Overrides detection (``utf-8``, ``utf-8-sig``, ``cp949``, ``euc-kr`` …).
    delimiter : str, optional
        Overrides detection.
    na_values : iterable of str
        Extra tokens to treat as missing (default: only empty cells).
    sheet : str or int, optional
        Excel sheet (default: the first).
    table : str
        Name used in the quality log.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=path)
    na = [""] + [str(v) for v in na_values]
    log = QualityLog()
    if path.suffix.lower() in _EXCEL_SUFFIXES:
        return _read_excel(path, na, sheet, table, log)

    raw = path.read_bytes()
    text = None
    if encoding is None and not raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # the common case, decoded once (detect_encoding would decode it a second time)
            text, enc = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if text is None:
        enc = encoding or detect_encoding(raw, file=path)
        text = _decode(raw, enc, path)
    # UTF-8 bytes for the C parser: the file itself when it is UTF-8 without a BOM
    data = raw if codecs.lookup(enc).name == "utf-8" and not raw.startswith(codecs.BOM_UTF8) else None
    del raw
    if not text or text.isspace():
        raise InputError("file has no content (only whitespace)", file=path)
    if "\x00" in text:
        raise InputError("file contains NUL bytes: it is binary or UTF-16, not a CSV text",
                         file=path, line=text[:text.index("\x00")].count("\n") + 1)
    delim = delimiter or detect_delimiter(text, file=path)
    if data is None:
        data = text.encode("utf-8")
    starts, counts = _scan_records(text, delim, path, data)
    if len(starts) == 0:
        raise InputError("file has no header", file=path)
    header = _check_header(next(csv.reader(io.StringIO(text[:1_000_000], newline=""),
                                           delimiter=delim)), path)
    ncol = len(header)
    starts, counts = starts[1:], counts[1:]
    if len(starts) == 0:
        raise InputError("file has a header but no data rows", file=path, line=1)

    ok = counts == ncol
    frame = None
    if ok.all():
        try:
            # bytes in, utf-8: the C parser reads a BytesIO about 4x faster than a StringIO
            frame = pd.read_csv(io.BytesIO(data), encoding="utf-8", sep=delim,
                                dtype=object, header=0,
                                names=header, keep_default_na=False, na_values=na,
                                skip_blank_lines=True, engine="c", quoting=csv.QUOTE_MINIMAL)
        except pd.errors.ParserError:
            frame = None
        if frame is not None and len(frame) != len(starts):
            frame = None
    if frame is None:
        # general path: the csv module, so that ragged rows can be reported one by one
        rows = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        next(reader)
        for row in reader:
            if row:
                rows.append(row)
        keep = [r for r, good in zip(rows, ok) if good]
        frame = pd.DataFrame(keep, columns=header, dtype=object)
        frame = frame.mask(frame.isin(na), None)
        bad = ~ok
        log.add_many(table=table, reason="ragged row", action="drop", file=path,
                     lines=starts[bad].tolist(),
                     values=[f"{c} fields (header has {ncol})" for c in counts[bad]],
                     detail="row has more or fewer fields than the header")
    frame.columns = header
    lines = starts[ok]
    if _may_need_strip(data, delim):
        frame = strip_cells(frame)
    del data
    result = RawTable(frame=frame.reset_index(drop=True), file=str(path), lines=lines,
                      encoding=enc, delimiter=delim, log=log, rows_read=len(starts))
    return result


def _may_need_strip(data: bytes, delim: str) -> bool:
    """Cheap test (byte substring searches in C) for a cell with surrounding whitespace."""
    # (a lead byte first: one memchr pass each; the two-byte searches only when it is there)
    if (b"\xe3" in data and "\u3000".encode() in data) or (b"\xc2" in data and "\u00a0".encode() in data):
        return True
    end = len(data)
    while end and data[end - 1] in b"\r\n":  # (no copy of the file, unlike rstrip)
        end -= 1
    if data[:1].isspace() or data[end - 1:end].isspace():
        return True
    b = np.frombuffer(data, dtype=np.uint8)
    d = delim.encode()[0]
    if d == 9 and (b'\t"' in data or b'"\t' in data):
        return True  # a tab beside a quote may be inside the quoted cell: strip to be sure
    sep = np.zeros(256, bool)
    sep[[d, 10, 13, 34]] = True
    # each space or tab (not the delimiter) next to a delimiter, line end or quote; the
    # whitespace bytes are fewer than the separators, so they are the ones looked at
    ws = (b == 32) if d == 9 or b"\t" not in data else ((b == 32) | (b == 9))
    pos = np.flatnonzero(ws)
    before = pos[pos > 0] - 1
    after = pos[pos + 1 < len(b)] + 1
    return bool(sep[b[before]].any() or sep[b[after]].any())


def strip_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip surrounding whitespace; whitespace-only cells become missing.  Object dtype out."""
    out = {}
    for col in frame.columns:
        vals = frame[col].to_numpy(dtype=object, na_value=None)
        cells = [None if v is None or v != v else (str(v).strip() or None) for v in vals] \
            if len(vals) else []
        out[col] = pd.Series(np.array(cells, dtype=object), index=frame.index, dtype=object)
    return pd.DataFrame(out, index=frame.index)


def _read_excel(path, na, sheet, table, log):
    try:
        frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=object,
                              keep_default_na=False, na_values=na, engine=None)
    except ImportError as e:  # pragma: no cover - openpyxl is a dependency
        raise InputError(f"reading Excel needs openpyxl ({e})", file=path) from None
    except ValueError as e:
        raise InputError(f"cannot read the workbook: {e}", file=path) from None
    header = _check_header([str(c) for c in frame.columns], path)
    frame.columns = header
    if frame.empty:
        raise InputError("sheet has a header but no data rows", file=path, line=1)
    lines = np.arange(2, len(frame) + 2, dtype=np.int64)
    rows_read = len(frame)
    blank = frame.isna().all(axis=1).to_numpy()
    log.add_many(table=table, reason="blank row", action="drop", file=path,
                 lines=lines[blank].tolist(), detail="every cell of the row is empty")
    frame = frame[~blank]
    lines = lines[~blank]
    frame = strip_cells(frame)
    return RawTable(frame=frame.reset_index(drop=True), file=str(path), lines=lines,
                    encoding=None, delimiter=None, log=log, rows_read=rows_read)
