"""Read raw tables (CSV/TSV, JSON, XLSX; plain or compressed) with encoding and delimiter
detection.

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
* One definition of a record's end for parsing and for line numbers: the header's own line
  end sets the file's convention.  In an LF or CRLF file a bare CR is data (it stays in its
  cell, wherever it stands); in a CR-only (classic Mac) file every CR ends a line.  Line
  numbers count those line ends, so a reported line is the row's first physical line.
* Lines repeating the header (two exports concatenated) are dropped and reported.
* Headers that are the same after case and space folding are an error listing them.
* What a file is comes from its bytes, not its name: gzip, bzip2 and xz are decompressed (then
  read like any file, with the same detection and line numbers); a ZIP archive is a workbook
  (.xlsx inside) or holds the table(s) — one table is read, several are a folder of tables
  (:func:`list_tables`); JSON (an array of records, ``{"…": [records]}`` or JSON lines) is
  read into columns, nested objects flattened to ``parent.child``; everything else is text.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import fnmatch
import gzip
import io
import json
import lzma
import os
import re
import zipfile
from array import array
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.utils import get_column_letter
import pandas as pd
from python_calamine import CalamineError, PasswordError

from ._compiled import compiled
from .exceptions import EncodingError, InputError, OptionError
from .mapping import unit_note
from .quality import QualityLog

__all__ = ["workbook_sheets", "RawTable", "TableSource", "read_table", "list_tables", "match_tables", "strip_cells", "detect_encoding",
           "detect_delimiter", "ENCODINGS", "DELIMITERS", "TABLE_SUFFIXES"]

ENCODINGS = ("utf-8-sig", "utf-8", "cp949")
DELIMITERS = (",", ";", "\t", "|")
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
_COMPRESSED_SUFFIXES = {".gz", ".bz2", ".xz", ".zip"}
#: the files a folder (or an archive) of tables is searched for
TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm"} | _JSON_SUFFIXES
#: decompressed data larger than this is refused (a decompression bomb, or not a table)
MAX_DECOMPRESSED = 16 * 2 ** 30


@dataclass(frozen=True)
class TableSource:
    """Where a table is: a file, a member of a ZIP archive, and for a workbook its sheet.

    >>> TableSource(Path("export.zip"), member="orgs.csv.gz").name
    'export.zip/orgs.csv.gz'
    >>> TableSource(Path("book.xlsx"), sheet="Projects").name, TableSource(Path("a.csv.gz")).stem
    ('book.xlsx[Projects]', 'a')
    """

    path: Path
    member: str | None = None
    sheet: object = None

    @property
    def name(self) -> str:
        base = str(self.path) if self.member is None else f"{self.path}/{self.member}"
        return base if self.sheet is None else f"{base}[{self.sheet}]"

    @property
    def file_name(self) -> str:
        """The file's (or archive member's) own name."""
        return Path(self.member).name if self.member is not None else self.path.name

    @property
    def stem(self) -> str:
        """The name without folders, compression and table suffixes (``orgs.csv.gz`` → ``orgs``)."""
        name = self.file_name
        while True:
            stem, suffix = Path(name).stem, Path(name).suffix.lower()
            if suffix in _COMPRESSED_SUFFIXES or suffix in TABLE_SUFFIXES or suffix == ".xls":
                name = stem
            else:
                return name

    def read_bytes(self) -> bytes:
        if self.member is None:
            return self.path.read_bytes()
        with zipfile.ZipFile(self.path) as z:
            return z.read(self.member)


def _table_name(name: str) -> bool:
    """Whether a file name looks like a table (a table suffix, possibly compressed)."""
    n = Path(name).name
    if n.startswith((".", "~$")) or "__MACOSX" in name:
        return False
    suffixes = [x.lower() for x in Path(n).suffixes]
    while suffixes and suffixes[-1] in (".gz", ".bz2", ".xz"):
        suffixes.pop()
    return bool(suffixes) and (suffixes[-1] in TABLE_SUFFIXES or suffixes[-1] == ".zip")


def list_tables(path) -> list[TableSource]:
    """The tables of a folder, of a ZIP archive of tables, or of a workbook's sheets.

    A folder: its table files (CSV/TSV/TXT, JSON, XLSX, each possibly compressed, and ZIP
    archives holding one table).  A ZIP archive (not a workbook): its table members.  A
    workbook: one source per sheet.
    """
    path = Path(path)
    if path.is_dir():
        return [TableSource(p) for p in sorted(path.iterdir()) if p.is_file() and _table_name(p.name)]
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
            if "xl/workbook.xml" in names:
                wb = openpyxl.load_workbook(path, read_only=True)
                try:
                    return [TableSource(path, sheet=name) for name in wb.sheetnames]
                finally:
                    wb.close()
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
            raise InputError(f"a damaged ZIP archive or workbook ({e})", file=path) from None
        return [TableSource(path, member=n) for n in sorted(names) if not n.endswith("/") and _table_name(n)]
    return [TableSource(path)]


def match_tables(sources: list[TableSource], pattern: str) -> list[TableSource]:
    """The sources whose file name (or name without suffixes) matches a glob pattern or a
    name, case-insensitively.

    >>> src = [TableSource(Path(n)) for n in ("organization.csv", "project.json", "projectTopics.csv")]
    >>> [s.file_name for s in match_tables(src, "project[._]*")]
    ['project.json']
    """
    pat = pattern.lower()
    out = []
    for s in sources:
        names = {s.file_name.lower(), s.stem.lower()}
        if s.member is not None:
            names.add(s.member.lower())
        if any(fnmatch.fnmatchcase(n, pat) for n in names):
            out.append(s)
    return out


@dataclass
class RawTable:
    """A table of strings with provenance.

    ``frame`` holds every column as strings (missing = empty cell);
    ``lines`` gives the physical line number (1-based, header is line 1 for
    CSV; the Excel row number for XLSX) of each row of ``frame``; ``header_line`` the
    header's (a sheet's table may start below a title).
    """

    frame: pd.DataFrame
    file: str
    lines: np.ndarray
    encoding: str | None = None
    delimiter: str | None = None
    log: QualityLog = field(default_factory=QualityLog)
    rows_read: int = 0
    header_line: int = 1
    #: a money unit stated above the table — ``(단위: 천원)`` — as (note, unit, factor, line)
    unit_note: tuple | None = None


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def detect_encoding(raw: bytes, *, file=None) -> str:
    """Return the encoding that decodes ``raw`` strictly.

    Raises :class:`EncodingError` for undecodable or mixed-encoding bytes,
    naming the first offending line.
    """
    return _detect_encoding(raw, file)[0]


def _detect_encoding(raw: bytes, file) -> tuple:
    """:func:`detect_encoding` and the text when detecting it decoded the whole file (CP949:
    not decoded a second time), else None."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise EncodingError(
                f"file starts with a UTF-8 BOM but byte {raw[e.start:e.start + 1]!r} at offset "
                f"{e.start} is not UTF-8 (mixed encodings?)",
                file=file, line=_line_of_offset(raw, e.start)) from None
        return "utf-8-sig", None
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise EncodingError("file is UTF-32; save it as UTF-8 or CP949", file=file, line=1)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise EncodingError("file is UTF-16; save it as UTF-8 or CP949", file=file, line=1)
    try:
        raw.decode("utf-8")
        return "utf-8", None
    except UnicodeDecodeError as e:
        utf8_error = e
    _check_not_mixed(raw, file)
    try:
        text = raw.decode("cp949")
    except UnicodeDecodeError as e:
        raise EncodingError(
            f"bytes are neither UTF-8 (first bad byte on line "
            f"{_line_of_offset(raw, utf8_error.start)}) nor CP949/EUC-KR (first bad byte "
            f"{raw[e.start:e.start + 2]!r}); pass the encoding explicitly",
            file=file, line=_line_of_offset(raw, e.start)) from None
    return "cp949", text


def _check_not_mixed(raw: bytes, file) -> None:
    """CP949 decodes; make sure no line is valid non-ASCII UTF-8 (a mixed file)."""
    utf8_line, cp949_line = _utf8_and_other_lines(np.frombuffer(raw, dtype=np.uint8))
    if utf8_line and cp949_line:
        raise EncodingError(
            f"mixed encodings: line {utf8_line} is UTF-8 but line {cp949_line} is not "
            f"(CP949?); re-export the file in one encoding",
            file=file, line=max(utf8_line, cp949_line))


@compiled
def _utf8_and_other_lines(b):  # pragma: no cover (compiled)
    """The first line (1-based; 0: none) holding non-ASCII bytes that are valid UTF-8 as
    Python's strict decoder takes it (no overlong forms, no surrogates, nothing above U+10FFFF),
    and the first holding non-ASCII bytes that are not — one pass over the bytes (a line's
    decode each cost 2.2 s on a 250 MB CP949 table)."""
    n, i, line, first_utf8, first_other = len(b), 0, 1, 0, 0
    while i <= n:
        nonascii, valid = False, True
        while i < n and b[i] != 10:
            c = b[i]
            if c < 0x80:
                i += 1
                continue
            nonascii = True
            if not valid:
                i += 1
                continue
            lo, hi, need = 0x80, 0xBF, 0
            if 0xC2 <= c <= 0xDF:
                need = 1
            elif c == 0xE0:
                need, lo = 2, 0xA0
            elif 0xE1 <= c <= 0xEC or 0xEE <= c <= 0xEF:
                need = 2
            elif c == 0xED:
                need, hi = 2, 0x9F
            elif c == 0xF0:
                need, lo = 3, 0x90
            elif 0xF1 <= c <= 0xF3:
                need = 3
            elif c == 0xF4:
                need, hi = 3, 0x8F
            if need == 0 or i + need >= n or not (lo <= b[i + 1] <= hi):
                valid = False
                i += 1
                continue
            for t in range(2, need + 1):
                if not (0x80 <= b[i + t] <= 0xBF):
                    valid = False
            i += need + 1 if valid else 1
        if nonascii:
            if valid and first_utf8 == 0:
                first_utf8 = line
            elif not valid and first_other == 0:
                first_other = line
            if first_utf8 and first_other:
                break
        line += 1
        i += 1
    return first_utf8, first_other


def _decoded(raw: bytes, encoding: str | None, file, *, log=None, table="participations") -> tuple:
    """``(encoding, text)``: the given encoding, or the detected one (:func:`detect_encoding`),
    and the text decoded with it — once: a CP949 file is decoded while it is detected."""
    if encoding is None:
        enc, text = _detect_encoding(raw, file)
        if text is not None:
            return enc, text
    else:
        enc = encoding
    return enc, _decode(raw, enc, file, log=log, table=table)


def _decode(raw: bytes, encoding: str, file, *, log=None, table="participations") -> str:
    try:
        enc = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}: use utf-8, utf-8-sig, cp949 or euc-kr "
                         f"(or leave it unset to detect it)", file=file) from None
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
    if enc in ("cp949", "euc_kr") and not raw.isascii() and log is not None:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # honoured as asked, with a word: the same bytes are also valid UTF-8
            log.add(table=table, reason=f"encoding {encoding} as requested, although the file is also valid UTF-8",
                    action="info", file=file, line=1,
                    detail="if the names look garbled, use --encoding utf-8 or leave the encoding unset")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


# Blocks of characters that a CP949 file misread as UTF-8 produces (its two-byte Hangul codes
# form valid UTF-8 pairs there) and that Korean or European R&D exports do not use:
# Latin Extended-B, IPA, spacing modifiers, combining marks, Armenian … N'Ko (U+0180–U+07FF
# minus Greek and Cyrillic).
_IMPLAUSIBLE = re.compile("[\u0180-\u036f\u0530-\u07ff]")
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def _looks_like_cp949(raw: bytes, utf8_text: str) -> bool:
    """Valid UTF-8 that is really CP949: the UTF-8 reading has no Hangul but characters of
    blocks no such export uses, and the whole file decodes as CP949 into mostly Hangul."""
    if raw.isascii() or _HANGUL.search(utf8_text) or not _IMPLAUSIBLE.search(utf8_text):
        return False
    try:
        cp = raw.decode("cp949")
    except UnicodeDecodeError:
        return False
    other = [c for c in cp if ord(c) > 127]
    return len(_HANGUL.findall(cp)) >= 0.9 * len(other)


def _line_ends(text: str):
    """The text with the file's record ends as LF (see the module's rules), and the stand-in
    and original of line-break characters that are data: ``(text, stand_in, original)``
    (``stand_in`` None when there is none)."""
    if "\r" not in text:
        return text, None, None
    first = min(i for i in (text.find("\r"), text.find("\n")) if i >= 0)
    cr_file = text[first] == "\r" and text[first + 1:first + 2] != "\n"
    data = "\n" if cr_file else "\r"  # the line-break character that is data, not a record end
    if cr_file:
        has_data = "\n" in text
    else:
        has_data = text.count("\r") != text.count("\r\n")
    stand_in = None
    if has_data:
        # a private-use character that the text does not hold stands in for it while the
        # parsers split records, and is turned back in the cells
        stand_in = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)
    if cr_file:
        if stand_in:
            text = text.replace("\n", stand_in)
        return text.replace("\r", "\n"), stand_in, data
    if stand_in:
        text = re.sub("\r(?!\n)", stand_in, text)
    return text, stand_in, data


def detect_delimiter(text: str, *, file=None) -> str:
    """Pick the delimiter that splits the first records into the most, consistent fields
    (the first 30 records, however long their cells)."""
    best, best_score = None, (0, 0.0)
    for delim in DELIMITERS:
        counts = _first_record_lengths(text, delim)
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


def _first_record_lengths(text: str, delim: str, records: int = 30) -> list:
    """Field counts of the first ``records`` records; the sample grows until it holds them
    whole (a cell of megabytes in the first rows is read whole, not cut)."""
    size = 200_000
    while True:
        sample = text[:size]
        counts = []
        try:
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delim):
                if row:
                    counts.append(len(row))
                if len(counts) > records:
                    break
        except csv.Error:
            if size >= len(text):
                return []
            size *= 4
            continue
        if len(counts) > records or size >= len(text):
            return counts[:records]
        size *= 4


def _scan_records(text: str, delimiter: str, file=None, data: bytes | None = None):
    """Physical start line and field count of every non-blank record (header included).

    Raises :class:`InputError` on an unterminated quote.  See :func:`_scan`."""
    starts, counts, _, _ = _scan(text, delimiter, file, data)
    return starts, counts


def _scan(text: str, delimiter: str, file=None, data: bytes | None = None):
    """``(starts, counts, quoting, edge)``: :func:`_scan_records`' arrays, how the file quotes
    (``"none"``, ``"regular"`` — see :func:`_quoted_records` — or ``"irregular"``) and whether
    some cell's value begins or ends with ASCII whitespace (None: not known, the csv module
    read the records or the delimiter is longer than a byte).

    Files without any quote character are scanned by one compiled pass over their bytes (no
    per-row Python work); so are files whose quotes are all regular (a quoted field opens at a
    field's start and closes before a delimiter or a line end, ``""`` inside it), the others
    by the csv module, which defines what an irregular quote means."""
    data = data if data is not None else text.encode("utf-8")
    delim = delimiter.encode()
    one_byte = len(delim) == 1
    if b'"' not in data:
        starts, counts, edge = _unquoted_records(np.frombuffer(data, dtype=np.uint8), delim[0] if one_byte else -1,
                                                 data.count(b"\n") + 1)
        return starts, counts, "none", bool(edge) if one_byte else None
    if one_byte and delim != b'"':
        starts, counts, regular, edge = _quoted_records(np.frombuffer(data, dtype=np.uint8), delim[0],
                                                        data.count(b"\n") + 1)
        if regular:
            return starts, counts, "regular", bool(edge)
    starts, counts = _csv_module_records(text, delimiter, file)
    return starts, counts, "irregular", None


def _csv_module_records(text: str, delimiter: str, file=None):
    """Start line and field count of every non-empty record as the csv module (strict) reads
    them; :class:`InputError` where it refuses the text (an opening quote never closed)."""
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
        raise InputError(f"malformed CSV ({e}); an opening quote is probably never closed in the record "
                         f"that starts on this line", file=file, line=prev_end + 1) from None
    return np.frombuffer(starts, dtype=np.int64).copy(), np.frombuffer(counts, dtype=np.int64).copy()


@compiled
def _is_ascii_space(c):  # pragma: no cover (compiled)
    """Whether the byte is an ASCII character str.strip removes (tab to CR, FS to US, space)."""
    return (9 <= c <= 13) or (28 <= c <= 32)


@compiled
def _line_end(b, i):  # pragma: no cover (compiled)
    """Length of the line end at ``b[i]``: 1 for LF, 2 for CRLF, 0 for anything else."""
    if i < len(b) and b[i] == 10:
        return 1
    if i + 1 < len(b) and b[i] == 13 and b[i + 1] == 10:
        return 2
    return 0


@compiled
def _quoted_records(b, delimiter, n_lines):  # pragma: no cover (compiled)
    """Line number (1-based) and field count of every non-blank record of the UTF-8 bytes
    ``b`` of a file that quotes with ``"`` regularly, whether it does, and whether some
    cell's value begins or ends with ASCII whitespace: ``(lines, counts, regular, edge)``.

    Regular: a quote opens a field only at the field's start, the field closes at a lone quote
    followed by the delimiter, a line end or the end of the file (``""`` inside is a quote,
    line ends inside are data), no quote stands inside an unquoted field and no CR stands
    alone.  Records end at LF or CRLF; an empty line is blank.  On such a file the csv module
    (strict) reads the same records from the same lines (tested); on any other the scan stops
    with ``regular`` False and the caller asks the csv module."""
    lines = np.empty(n_lines, dtype=np.int64)
    counts = np.empty(n_lines, dtype=np.int64)
    n, k, line, i, edge = len(b), 0, 1, 0, False
    while i < n:
        end = _line_end(b, i)
        if end:  # a blank line
            line += 1
            i += end
            continue
        start, fields = line, 1
        while True:  # a field begins at i
            if i < n and b[i] == 34:
                j = i + 1
                while j < n:
                    if b[j] == 34:
                        if j + 1 < n and b[j + 1] == 34:
                            j += 2
                            continue
                        break
                    if b[j] == 10:
                        line += 1
                    j += 1
                if j >= n:  # never closed
                    return lines[:k].copy(), counts[:k].copy(), False, edge
                if j > i + 1 and (_is_ascii_space(b[i + 1]) or _is_ascii_space(b[j - 1])):
                    edge = True
                i = j + 1
                if i < n and b[i] == delimiter:
                    fields += 1
                    i += 1
                    continue
                if i >= n:
                    break
                end = _line_end(b, i)
                if end:
                    line += 1
                    i += end
                    break
                return lines[:k].copy(), counts[:k].copy(), False, edge  # text after a closing quote
            s = i
            while i < n and b[i] != delimiter and b[i] != 10:
                if b[i] == 34 or (b[i] == 13 and not (i + 1 < n and b[i + 1] == 10)):
                    return lines[:k].copy(), counts[:k].copy(), False, edge
                i += 1
            e = i - 1 if (i < n and i > s and b[i - 1] == 13) else i
            if e > s and (_is_ascii_space(b[s]) or _is_ascii_space(b[e - 1])):
                edge = True
            if i < n and b[i] == delimiter:
                fields += 1
                i += 1
                continue
            if i < n:  # the line end
                line += 1
                i += 1
            break
        lines[k] = start
        counts[k] = fields
        k += 1
    return lines[:k].copy(), counts[:k].copy(), True, edge


@compiled
def _unquoted_records(b, delimiter, n_lines):  # pragma: no cover (compiled)
    """Line number (1-based) and field count of every non-blank line of the bytes ``b`` of a
    file without quotes (lines end at \\n; a line of nothing or a lone \\r is blank; a field
    count is the delimiter bytes + 1; ``delimiter`` -1: a multi-byte delimiter, one field),
    and whether some field begins or ends with ASCII whitespace (the CR of a CRLF not counted)
    — one pass over the bytes instead of whole-array numpy searches (timings:
    docs/benchmark.md)."""
    lines = np.empty(n_lines, dtype=np.int64)
    counts = np.empty(n_lines, dtype=np.int64)
    n, k, line, begin, fields, field, edge = len(b), 0, 1, 0, 1, 0, False
    for i in range(n + 1):
        if i == n or b[i] == 10:
            length = i - begin
            if length > 1 or (length == 1 and b[i - 1] != 13):
                lines[k] = line
                counts[k] = fields
                k += 1
                end = i - 1 if b[i - 1] == 13 else i
                if end > field and (_is_ascii_space(b[field]) or _is_ascii_space(b[end - 1])):
                    edge = True
            line += 1
            begin = i + 1
            fields = 1
            field = i + 1
        elif b[i] == delimiter:
            if i > field and (_is_ascii_space(b[field]) or _is_ascii_space(b[i - 1])):
                edge = True
            fields += 1
            field = i + 1
    return lines[:k].copy(), counts[:k].copy(), edge


#: the stand-in name of a column the header leaves unnamed (NUL: no file's header holds it)
_UNNAMED = "\x00{}"


def _unnamed_columns(frame, header, path, table, log, line):
    """Columns the header leaves unnamed (a trailing delimiter Excel writes after a cleared
    column): left out, reported, when they are empty in every row; an error naming their
    positions when they hold values."""
    unnamed = [j for j, h in enumerate(header) if h.startswith("\x00")]
    if not unnamed:
        return frame, header
    held = [j + 1 for j in unnamed if frame.iloc[:, j].notna().any()]
    if held:
        raise InputError(f"empty column header in position(s) {held} (a column with values needs a name in the "
                         f"header row)", file=path, line=line)
    log.add(table=table, reason="unnamed empty column left out", action="info", file=path, line=line,
            value=", ".join(str(j + 1) for j in unnamed), detail="no name in the header and no value in any row")
    keep = [j for j in range(len(header)) if j not in set(unnamed)]
    return frame.iloc[:, keep], [header[j] for j in keep]


#: how far down a sheet or file the header is looked for below a title
HEADER_SEARCH_ROWS = 30


def _header_row(filled_per_row, first_complete: bool = False) -> int:
    """The row (0-based) a table's header is on, from the number of filled cells of its first
    rows: the first row filled at least half as much as the fullest of the first
    :data:`HEADER_SEARCH_ROWS` rows (and in two cells or more).  Rows above it — a title, a
    date, a unit note — have fewer.  0 when the first row is such a row already, or is
    complete (``first_complete``: every field of it named — a header, even if later rows
    have more fields).

    >>> _header_row([1, 0, 8, 8, 7]), _header_row([8, 8, 7]), _header_row([1, 1]), _header_row([3, 8], True)
    (2, 0, 0, 0)
    """
    if first_complete:
        return 0
    n = [int(v) for v in list(filled_per_row)[:HEADER_SEARCH_ROWS]]
    fullest = max(n, default=0)
    for i, k in enumerate(n):
        if k >= max(2, fullest / 2):
            return i
    return 0


def _check_header(header: list, file, line: int = 1, columns: list | None = None, unnamed_ok: bool = False) -> list:
    """The header's names, stripped; an error for empty names and for names that are the same
    after case and space folding (``Name`` and ``name``: which one is meant?).  ``columns``:
    what the columns are called in messages (a sheet's letters; default their positions).
    ``unnamed_ok``: an empty name is given a stand-in (:func:`_unnamed_columns` then decides)."""
    clean = [str(h).replace("\ufeff", "").strip() for h in header]
    if unnamed_ok:
        clean = [h or _UNNAMED.format(i + 1) for i, h in enumerate(clean)]
    empty = [(columns[i] if columns else i + 1) for i, h in enumerate(clean) if h == ""]
    if empty:
        where = f"column(s) {', '.join(map(str, empty))}" if columns else f"position(s) {empty}"
        raise InputError(f"empty column header in {where} (a column with values needs a name in the header "
                         f"row)", file=file, line=line)
    groups = {}
    for i, h in enumerate(clean):
        groups.setdefault(_fold(h), []).append((i + 1, h))
    dups = [g for g in groups.values() if len(g) > 1]
    if dups:
        shown = "; ".join(" and ".join(f"{h!r} (column {i})" for i, h in g) for g in dups[:10])
        raise InputError(f"duplicate column headers (the same up to case and spaces): {shown}. Rename "
                         f"them in the file so that each column has its own name", file=file, line=1)
    return clean


def _fold(name: str) -> str:
    return re.sub(r"\s+", "", name).casefold()


def read_table(path, *, encoding: str | None = None, delimiter: str | None = None,
               na_values=(), sheet=None, table: str = "participations") -> RawTable:
    """Read one table (CSV/TSV, JSON, XLSX; plain, gzip/bzip2/xz-compressed or in a ZIP
    archive) into a :class:`RawTable` of strings.

    Parameters
    ----------
    path : path-like or TableSource
    encoding : str, optional
        Overrides detection (``utf-8``, ``utf-8-sig``, ``cp949``, ``euc-kr`` …).
    delimiter : str, optional
        Overrides detection.
    na_values : iterable of str
        Extra tokens to treat as missing (default: only empty cells).
    sheet : str or int, optional
        Excel sheet (default: the first; a :class:`TableSource` may name it).
    table : str
        Name used in the quality log.
    """
    source = path if isinstance(path, TableSource) else TableSource(Path(path))
    path = source.path
    if not path.exists():
        raise OptionError("file not found", file=path)
    if path.is_dir():
        raise OptionError("is a folder, not a file (a folder input holds the tables: give the folder itself, "
                         "or name the table files in the mapping's [tables])", file=path)
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=path)
    na = [""] + [str(v) for v in na_values]
    log = QualityLog()
    sheet = source.sheet if source.sheet is not None else sheet
    raw = source.read_bytes()
    name = source.name
    if Path(source.file_name).suffix.lower() in _EXCEL_SUFFIXES and _looks_like_html(raw):
        return _read_html_table(raw, name, na, table, log, encoding)  # a web system's "Excel" download
    if source.member is None and path.suffix.lower() == ".xls":
        return _read_excel(path, path, na, sheet, table, log)
    raw, name, kind = _unpack(raw, name, source.file_name)
    if kind == "excel":
        return _read_excel(io.BytesIO(raw), name, na, sheet, table, log)
    if not raw:
        raise InputError("file is empty", file=name)
    if kind == "json" or (kind == "text" and _looks_like_json(raw)):
        return _read_json(raw, name, na, table, log, encoding)
    return _read_text(raw, name, na, table, log, encoding, delimiter)


def workbook_sheets(source) -> list | None:
    """The sheet names of a workbook source (a path or :class:`TableSource` of an .xlsx file,
    plain or in a ZIP archive), None for any other table."""
    source = source if isinstance(source, TableSource) else TableSource(Path(source))
    if Path(source.file_name).suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        book = openpyxl.load_workbook(io.BytesIO(source.read_bytes()), read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None  # (read_table says what is wrong with it)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _looks_like_html(raw: bytes) -> bool:
    """Whether the bytes are a web page (what many web systems hand out as an "Excel" file)."""
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and any(tag in head for tag in (b"<html", b"<table", b"<!doctype html", b"<meta"))


class _Tables(HTMLParser):
    """The cells of each ``<table>`` of a page: rows of texts (``<br>`` a line break; a cell
    spanning columns followed by empty cells so that the columns stay in place)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self._row, self._cell, self._span = [], None, None, 1

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.strip().isdigit() and 1 <= int(span) <= 1000 else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row += ["".join(self._cell).strip()] + [""] * (self._span - 1)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(" ".join(data.split("\n")) if "\n" in data else data)


def _read_html_table(raw: bytes, name, na, table, log, encoding) -> RawTable:
    """The largest table of a web page named like a workbook (an HTML table saved as .xls): its
    first row the header, each row's "line" its row in the table; rows with another number of
    cells than the header are dropped as ragged rows, as in a CSV file."""
    declared = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", raw[:4096], re.I)
    enc = encoding
    if enc is None and declared:
        try:
            enc = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            enc = None
    if enc is not None:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            enc, text = _decoded(raw, None, name, log=log, table=table)
    else:
        enc, text = _decoded(raw, None, name, log=log, table=table)
    parser = _Tables()
    parser.feed(text)
    parser.close()
    tables = [t for t in parser.tables if len(t) >= 2]
    if not tables:
        raise InputError("this file is a web page (HTML) with no table of a header and rows, although it is named "
                         "like a workbook: open it in Excel and save it as .xlsx", file=name)
    rows = max(tables, key=len)
    log.add(table=table, reason="a web page's table named like a workbook, read", action="info", file=name, line=None,
            detail=f"an HTML table of {len(rows)} rows ({len(tables)} table(s) in the page; the largest read); "
                   f"line numbers are the table's rows")
    header = _check_header(rows[0], name, unnamed_ok=True)
    lines = np.arange(2, len(rows) + 1, dtype=np.int64)
    body = rows[1:]
    counts = np.array([len(r) for r in body], dtype=np.int64)
    ok = counts == len(header)
    _report_ragged(log, table, name, lines, counts, len(header))
    frame = pd.DataFrame([r for r, good in zip(body, ok) if good], columns=header, dtype=object)
    frame = strip_cells(frame.mask(frame.isin(na), None))
    frame, lines = _without_blank_rows(frame, lines[ok], name, table, log)
    frame, header = _unnamed_columns(frame, header, name, table, log, 1)
    frame, lines = _drop_repeated_headers(frame, lines, header, name, table, log)
    if not len(frame):
        raise InputError("the page's table has a header but no data rows", file=name, line=1)
    return RawTable(frame=frame.reset_index(drop=True), file=str(name), lines=lines, encoding=enc, delimiter=None,
                    log=log, rows_read=len(body))


def _unpack(raw: bytes, name: str, file_name: str):
    """Decompress and open archives until a table's bytes are left: ``(bytes, name, kind)``,
    kind ``excel``, ``json`` (by the file name) or ``text``."""
    for _ in range(4):  # e.g. a .csv.gz inside a .zip
        if raw.startswith(b"\x1f\x8b"):
            raw = _decompress(lambda f: gzip.GzipFile(fileobj=f), raw, name)
        elif raw.startswith(b"BZh"):
            raw = _decompress(bz2.BZ2File, raw, name)
        elif raw.startswith(b"\xfd7zXZ\x00"):
            raw = _decompress(lzma.LZMAFile, raw, name)
        elif raw.startswith(b"PK\x03\x04"):
            try:
                z = zipfile.ZipFile(io.BytesIO(raw))
            except zipfile.BadZipFile as e:
                raise InputError(f"a damaged ZIP archive ({e})", file=name) from None
            names = z.namelist()
            if "xl/workbook.xml" in names:
                return raw, name, "excel"
            tables = [n for n in names if not n.endswith("/") and _table_name(n)]
            if not tables:
                raise InputError(f"the ZIP archive holds no table (files: {names[:10]})", file=name)
            if len(tables) > 1:
                raise InputError(f"the ZIP archive holds several tables {tables[:10]}: give the archive itself "
                                 f"as the input (it is read as a folder of tables), or name the table in the "
                                 f"mapping's [tables]", file=name)
            info = z.getinfo(tables[0])
            if info.file_size > MAX_DECOMPRESSED:
                raise InputError(f"{tables[0]} would be {info.file_size:,} bytes unpacked: too large", file=name)
            raw, name, file_name = z.read(tables[0]), f"{name}/{tables[0]}", Path(tables[0]).name
            continue
        else:
            break
        file_name = Path(file_name).stem if Path(file_name).suffix.lower() in (".gz", ".bz2", ".xz") else file_name
    suffix = Path(file_name).suffix.lower()
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputError("an old Excel 97-2003 workbook (.xls) or another OLE file cannot be read: open it "
                         "in Excel and save it as .xlsx (or export the sheet as CSV UTF-8)", file=name)
    if raw.startswith(b"%PDF"):
        raise InputError("this file is a PDF document, not a table: export the table as CSV", file=name)
    if suffix in _EXCEL_SUFFIXES:
        raise InputError(f"named {file_name!r} but not an .xlsx workbook (no ZIP signature): open it in "
                         f"Excel and save it again, or export CSV", file=name)
    return raw, name, ("json" if suffix in _JSON_SUFFIXES else "text")


def _decompress(opener, raw: bytes, name: str) -> bytes:
    """Decompress with a bound: at most :data:`MAX_DECOMPRESSED` bytes are produced (a
    decompression bomb is refused before it fills the memory)."""
    try:
        with opener(io.BytesIO(raw)) as f:
            out = f.read(MAX_DECOMPRESSED + 1)
    except (OSError, EOFError, lzma.LZMAError, ValueError) as e:
        raise InputError(f"a damaged compressed file ({e})", file=name) from None
    if len(out) > MAX_DECOMPRESSED:
        raise InputError(f"more than {MAX_DECOMPRESSED:,} bytes unpacked: too large for a table", file=name)
    return out


def _looks_like_json(raw: bytes) -> bool:
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] == b"[":
        return head[1:].lstrip()[:1] in (b"{", b"]")
    return head[:1] == b"{" and b'"' in head[:200]


def _read_json(raw: bytes, name, na, table, log, encoding) -> RawTable:
    """JSON records: an array of objects, an object holding one array of objects (``{"data":
    [...]}``) or JSON lines (one object per line).  Nested objects become ``parent.child``
    columns, lists of plain values one cell joined by ``;``; numbers are written as in the file,
    booleans ``true``/``false``, null and empty strings are missing.  The line of a record is
    the line its object starts on."""
    enc, text = _decoded(raw, encoding, name, log=log, table=table)
    stripped = text.lstrip("\ufeff \t\r\n")
    offset = len(text) - len(stripped)
    dec = json.JSONDecoder()
    records, starts = [], []
    if stripped.startswith("["):
        records, starts = _json_array(text, offset, dec, name)
    else:
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None
        if isinstance(whole, dict):
            lists = [k for k, v in whole.items() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
            if len(lists) != 1:
                raise InputError("a JSON object, not a list of records: the records must be an array of objects, "
                                 f"JSON lines or an object holding one array of objects (keys: {list(whole)[:10]})",
                                 file=name, line=1)
            key = lists[0]
            start = text.index(f'"{key}"')
            pos = text.index("[", start)
            records, starts = _json_array(text, pos, dec, name)
        else:  # JSON lines
            pos, line = 0, 1
            for raw_line in text.splitlines(keepends=True):
                body = raw_line.strip()
                if body:
                    try:
                        obj = json.loads(body)
                    except json.JSONDecodeError as e:
                        raise InputError(f"not valid JSON ({e.msg})", file=name, line=line) from None
                    records.append(obj)
                    starts.append(line)
                line += 1
    for rec, line in zip(records, starts):
        if not isinstance(rec, dict):
            raise InputError(f"a JSON record must be an object with named fields, got {type(rec).__name__}",
                             file=name, line=line)
    if not records:
        raise InputError("the JSON file has no records", file=name)
    flat = [_flatten(r) for r in records]
    header = list(dict.fromkeys(k for r in flat for k in r))
    _check_header(header, name)
    frame = pd.DataFrame([[r.get(h) for h in header] for r in flat], columns=header, dtype=object)
    frame = frame.mask(frame.isin(na), None)
    frame = strip_cells(frame)
    lines = np.asarray(starts, dtype=np.int64)
    return RawTable(frame=frame.reset_index(drop=True), file=str(name), lines=lines, encoding=enc,
                    delimiter=None, log=log, rows_read=len(frame))


def _json_array(text: str, pos: int, dec, name):
    """The elements of the array starting at ``text[pos] == "["`` and their lines."""
    records, starts = [], []
    i, n = pos + 1, len(text)
    line = text.count("\n", 0, i) + 1
    last = i
    while True:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n:
            raise InputError("the JSON array is not closed (the file is cut short?)", file=name, line=line)
        if text[i] == "]":
            return records, starts
        line += text.count("\n", last, i)
        last = i
        try:
            obj, end = dec.raw_decode(text, i)
        except json.JSONDecodeError as e:
            raise InputError(f"not valid JSON ({e.msg})", file=name, line=text.count("\n", 0, e.pos) + 1) from None
        records.append(obj)
        starts.append(line)
        i = end


def _flatten(rec: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in rec.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        elif isinstance(v, list):
            if all(not isinstance(x, (dict, list)) for x in v):
                vals = [_json_cell(x) for x in v]
                vals = [x for x in vals if x is not None]
                out[key] = ";".join(vals) if vals else None
            else:
                out[key] = json.dumps(v, ensure_ascii=False)
        else:
            out[key] = _json_cell(v)
    return out


def _json_cell(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) else None
    s = str(v)
    return s if s != "" else None


def _read_text(raw: bytes, path, na, table, log, encoding, delimiter) -> RawTable:
    _refuse_other_formats(raw, path)
    text = None
    if encoding is None and not raw.startswith(_BOMS):
        try:  # the common case, decoded once (detect_encoding would decode it a second time)
            text, enc = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        else:
            if _looks_like_cp949(raw, text):
                text, enc = raw.decode("cp949"), "cp949"
                log.add(table=table, reason="encoding: CP949 chosen although the bytes are also valid UTF-8",
                        action="info", file=path, line=1,
                        detail="read as UTF-8 the names would be Latin letters of rare blocks; as CP949 they "
                               "are Hangul (pass --encoding utf-8 to override)")
    if text is None:
        enc, text = _decoded(raw, encoding, path, log=log, table=table)
    # UTF-8 bytes for the C parser: the file itself when it is UTF-8 without a BOM
    data = raw if codecs.lookup(enc).name == "utf-8" and not raw.startswith(codecs.BOM_UTF8) else None
    del raw
    if not text or text.isspace():
        raise InputError("file has no content (only whitespace)", file=path)
    # (in UTF-8 bytes a NUL byte is the NUL character: searched there, with memchr, rather than
    # in the decoded text, two bytes per character once it holds Hangul)
    if (b"\x00" in data) if data is not None else ("\x00" in text):
        raise InputError("file contains NUL bytes: it is binary or UTF-16, not a CSV text",
                         file=path, line=text[:text.index("\x00")].count("\n") + 1)
    normal, stand_in, original = _line_ends(text)
    if normal is not text:
        text, data = normal, None
    below = _lines_above_header(text, delimiter, path, table, log)
    if below:  # (a title above the table: read from the header on, each line keeping its number)
        text, data = text[below[0]:], None
    raw_table = _parse_text(text, data, path, na, table, log, enc, delimiter, stand_in, original,
                            below[1] if below else 0)
    raw_table.unit_note = below[2] if below else None
    return raw_table


def _lines_above_header(text: str, delimiter, path, table, log):
    """``(offset, lines, unit note)`` of the header when a title, a date or a note stands above it (a
    sheet saved as CSV): the header is the first record filled at least half as much as the
    fullest of the first ones (:func:`_header_row`), with a delimiter that splits them
    consistently; None when it is the first line."""
    try:  # a first line that names every field is the header: the file is read as it always was
        delim = delimiter or detect_delimiter(text, file=path)
        if len(delim) != 1:
            return None  # (refused with its message when the file is parsed)
        row = next(csv.reader(io.StringIO(text[:_first_line_end(text)], newline=""), delimiter=delim), [])
        if len(row) >= 2 and all(c.strip() for c in row):
            return None
    except (InputError, csv.Error):
        pass
    head = text[:200_000]
    best = None
    for delim in ([delimiter] if delimiter else DELIMITERS):
        if len(delim) != 1:
            return None
        filled, ends, first = [], [], None
        reader = csv.reader(io.StringIO(head, newline=""), delimiter=delim)
        try:
            for row in reader:
                filled.append(sum(1 for c in row if c.strip()))
                ends.append(reader.line_num)
                first = row if first is None else first
                if len(filled) >= HEADER_SEARCH_ROWS:
                    break
        except csv.Error:
            continue
        top = _header_row(filled, first_complete=bool(first) and len(first) >= 2 and filled[0] == len(first))
        if filled and (best is None or max(filled) > best[0]):  # (the delimiter that splits most)
            best = (max(filled), top, ends, filled)
    if best is None or best[1] == 0:
        return None
    _, top, ends, filled = best
    lines = ends[top - 1]  # the physical lines above the header's record
    offset = 0
    for _ in range(lines):
        offset = text.index("\n", offset) + 1
    shown = [(i, line) for i, line in enumerate(text[:offset].split("\n")[:lines]) if line.strip(" ,;\t|")]
    return offset, lines, _rows_above(shown, f"line {lines + 1}", path, table, log)


def _rows_above(rows, header_at: str, path, table, log) -> tuple | None:
    """The rows above a table's header (``(index, text)`` of the non-empty ones, 0-based: a
    title, a date, a note) reported as skipped; the first money unit they state, as
    ``(note, unit, factor, line)``, or None."""
    log.add_many(table=table, reason="rows above the header (a title or a note) skipped", action="info",
                 file=path, lines=[i + 1 for i, _ in rows], values=[t for _, t in rows],
                 detail=f"the header is on {header_at}")
    for i, text in rows:
        found = unit_note(text)
        if found:
            return (text.strip(" ,;\t|"), *found, i + 1)
    return None


def _parse_text(text, data, path, na, table, log, enc, delimiter, stand_in, original, above: int) -> RawTable:
    """The records of ``text`` (from the header on; ``above``: the lines before it in the file)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a cell may be as long as the file
    try:
        try:  # (the lines of these errors count from the header: the lines above are added)
            delim = delimiter or detect_delimiter(text, file=path)
        except InputError as e:
            raise e.lines_below(above) from None
        if len(delim) != 1:
            raise InputError(f"the delimiter must be one character, got {delim!r}", file=path)
        if data is None:
            data = text.encode("utf-8")
        try:
            starts, counts, quoting, edge = _scan(text, delim, path, data)
        except InputError as e:
            raise e.lines_below(above) from None
        starts = starts + above if above else starts
        if len(starts) == 0:
            raise InputError("file has no header", file=path)
        header = _check_header(next(csv.reader(io.StringIO(text[:_first_line_end(text)], newline=""),
                                               delimiter=delim)), path, line=above + 1, unnamed_ok=True)
        ncol = len(header)
        starts, counts = starts[1:], counts[1:]
        if len(starts) == 0:
            raise InputError("file has a header but no data rows", file=path, line=above + 1)

        ok = counts == ncol
        frame = None
        if ok.all() and ncol <= _WIDE and quoting != "irregular" and len(data) >= COLUMNAR_MIN_BYTES:
            frame = _read_columnar(data, delim, header, na, len(starts), quoted=quoting == "regular")
        nan_cells = False  # (pandas' C parser marks missing cells NaN; the other paths None)
        if frame is None and ok.all() and ncol <= _WIDE:
            nan_cells = True
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
            _report_ragged(log, table, path, starts, counts, ncol)
    finally:
        csv.field_size_limit(limit)
    frame.columns = header
    lines = starts[ok]
    if stand_in is not None:
        frame = _restore(frame, stand_in, original)
    if edge is not None:  # (the scan saw every cell's edges; other spaces are searched for)
        need_strip = edge or _other_space(data)
    else:
        need_strip = _may_need_strip(text, data, delim)
    if stand_in is not None or need_strip:  # (a line break restored: look)
        frame = strip_cells(frame)
    elif nan_cells:
        frame = _missing_as_none(frame)
    frame, header = _unnamed_columns(frame, header, path, table, log, above + 1)
    frame, lines = _drop_repeated_headers(frame, lines, header, path, table, log)
    result = RawTable(frame=frame.reset_index(drop=True), file=str(path), lines=lines,
                      encoding=enc, delimiter=delim, log=log, rows_read=len(starts), header_line=above + 1)
    return result


#: From this size on, a file is parsed by polars' columnar reader when its quotes (if any) are
#: regular. Below it importing polars (0.2 s) costs more than it saves: at 20 MB (the 100k
#: benchmark's organisations table) polars takes 0.27 s and pandas 0.31-0.38 s once imported.
COLUMNAR_MIN_BYTES = 24_000_000
#: A column whose sampled rows repeat values (at most half of them distinct) is turned into
#: Python strings one per distinct value; others one per cell.
_SAMPLE_ROWS = 20_000
#: The process that uses polars (see _read_columnar).
_POLARS_PROCESS = None


def _missing_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing cells as None, as every reader path gives them (pandas' C parser gives NaN)."""
    columns = {}
    for j in range(frame.shape[1]):
        cells = frame.iloc[:, j].to_numpy(dtype=object)
        missing = pd.isna(cells)
        if missing.any():
            cells = cells.copy()
            cells[missing] = None
        columns[j] = cells
    return pd.DataFrame(columns, index=frame.index, dtype=object, copy=False).set_axis(frame.columns, axis=1)


def _read_columnar(data: bytes, delim: str, header: list, na: list, n_records: int, *, quoted: bool):
    """The cells of a file without quote characters or with regular quotes only (see
    :func:`_quoted_records`), parsed by polars (multithreaded, in Arrow memory) and handed over
    as object columns of the text of each cell as pandas' C parser reads it, None where it is
    one of ``na`` (the empty cell among them).  None when polars cannot be used or
    does not find the ``n_records`` data records the line scan found (the caller's pandas
    parse then decides).

    Without quotes a record is a line and a field is what lies between delimiters; with
    regular quotes the csv rules have one reading; so both parsers read the same cells
    (tested against each other, tests/test_readers.py). The gain is the Python strings: pandas
    makes one per cell, here the columns whose values repeat (types, regions, complexes,
    sizes, counts) make one per distinct value (docs/benchmark.md)."""
    global _POLARS_PROCESS
    sep = delim.encode("utf-8")
    if len(sep) != 1 or delim in '\r\n"':
        return None
    # polars' thread pool does not survive a fork: a process forked after this one used it
    # would wait forever on its first parse (analyze forks its second core after reading the
    # participations), so polars is used only in the process that first used it
    if _POLARS_PROCESS not in (None, os.getpid()):
        return None
    _POLARS_PROCESS = os.getpid()
    import polars as pl  # (here, not at the top: importing it costs 0.2 s, more than a small file's parse)
    try:
        table = pl.read_csv(data, has_header=True, separator=delim, quote_char='"' if quoted else None,
                            infer_schema=False, null_values=list(dict.fromkeys(na)), encoding="utf8",
                            raise_if_empty=False)
    except Exception:  # (a file polars reads otherwise than the line scan: pandas decides)
        return None
    if table.height != n_records or table.width != len(header):
        return None
    columns = [_objects(table.to_series(j), pl) for j in range(table.width)]
    return pd.DataFrame(dict(enumerate(columns)), dtype=object, copy=False).set_axis(header, axis=1)


def _objects(s, pl) -> np.ndarray:
    """A polars text column (``pl``: the polars module) as an object array of str (None where
    missing); repeated values share one str object."""
    n = len(s)
    if s.null_count() == n:
        return np.full(n, None, dtype=object)
    sample = s.gather_every(max(1, n // _SAMPLE_ROWS))
    if 2 * sample.n_unique() > len(sample):
        return np.asarray(s.to_numpy(), dtype=object)  # (missing: None)
    distinct = s.drop_nulls().unique(maintain_order=True)
    codes = s.cast(pl.Enum(distinct)).to_physical().fill_null(len(distinct)).to_numpy()
    return np.array(distinct.to_list() + [None], dtype=object)[codes]


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: Above this many columns the csv module reads the rows (pandas' C parser costs per column)
_WIDE = 1_000

#: What a file is when its first bytes say so (and it is not a text table).
_MAGIC = ((b"PK\x03\x04", "a ZIP archive (or an .xlsx workbook)"), (b"\x1f\x8b", "a gzip-compressed file"),
          (b"BZh", "a bzip2-compressed file"), (b"\xfd7zXZ\x00", "an xz-compressed file"),
          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel 97-2003 workbook (.xls) or another OLE file"),
          (b"%PDF", "a PDF document"))


def _refuse_other_formats(raw: bytes, path) -> None:
    """A workbook, an archive or a PDF named like a text table: say what it is."""
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            hint = ("save it as .xlsx or CSV (UTF-8)" if "97-2003" in what else
                    "give it its .xlsx name" if "ZIP" in what else
                    "decompress it first" if "compressed" in what else "export the table as CSV")
            raise InputError(f"this file is {what}, not a text table, although it is named "
                             f"{Path(path).name!r}: {hint}", file=path)
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise EncodingError("file is UTF-32; save it as UTF-8 or CP949", file=path, line=1)


def _first_line_end(text: str) -> int:
    """End of the header's record (the header is one line, or several when a quoted header
    cell holds a line break)."""
    end = text.find("\n")
    while end >= 0 and text.count('"', 0, end) % 2:
        end = text.find("\n", end + 1)
    return len(text) if end < 0 else end + 1


def _restore(frame: pd.DataFrame, stand_in: str, original: str) -> pd.DataFrame:
    for col in frame.columns:
        s = frame[col]
        if s.astype(str).str.contains(stand_in, regex=False).any():
            frame[col] = s.map(lambda v: v.replace(stand_in, original) if isinstance(v, str) else v).astype(object)
    return frame


def _report_ragged(log, table, path, lines, counts, ncol):
    """The rows (``lines``, their field ``counts``) with another number of fields than the
    header's ``ncol``: reported as dropped."""
    bad = np.asarray(counts) != ncol
    log.add_many(table=table, reason="ragged row", action="drop", file=path, lines=np.asarray(lines)[bad].tolist(),
                 values=[f"{c} fields (header has {ncol})" for c in np.asarray(counts)[bad]],
                 detail="row has more or fewer fields than the header")


def _without_blank_rows(frame, lines, path, table, log):
    """The rows with a value, and their lines; the others reported as dropped."""
    blank = frame.isna().all(axis=1).to_numpy()
    log.add_many(table=table, reason="blank row", action="drop", file=path, lines=lines[blank].tolist(),
                 detail="every cell of the row is empty")
    return frame[~blank], lines[~blank]


def _drop_repeated_headers(frame, lines, header, path, table, log):
    """Rows that repeat the header cell for cell (two exports concatenated): dropped, reported."""
    if not len(frame):
        return frame, lines
    same = np.ones(len(frame), dtype=bool)
    for j, h in enumerate(header):
        same &= (frame.iloc[:, j].to_numpy(dtype=object) == h)
        if not same.any():
            return frame, lines
    log.add_many(table=table, reason="repeated header line", action="drop", file=path,
                 lines=lines[same].tolist(), detail="a line equal to the header (files concatenated?)")
    return frame.loc[~same], lines[~same]


# whitespace that str.strip removes, beyond space, tab, CR and LF: these make a file go through
# strip_cells wherever they stand (as UTF-8 bytes, by lead byte: a one-byte search, memchr, tells
# whether the longer searches are needed at all)
_OTHER_SPACE = {}
for _c in "\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000":
    _OTHER_SPACE.setdefault(_c.encode()[:1], []).append(_c.encode())


def _other_space(data: bytes) -> bool:
    """Whether the bytes hold any whitespace other than ASCII (no-break, em, ideographic
    spaces …): one memchr per lead byte, the longer searches only after a hit."""
    return any(lead in data and any(w in data for w in seqs) for lead, seqs in _OTHER_SPACE.items())


def _may_need_strip(text: str, data: bytes, delim: str) -> bool:
    """Whether some cell may begin or end with whitespace: never "no" when one does (then
    :func:`strip_cells` looks column by column).  Byte searches in C over the whole file: any
    whitespace other than space, tab, CR and LF anywhere; a space or tab beside a delimiter, a
    line end or a quote; a line break just inside a quote at a cell's edge."""
    if _other_space(data):
        return True
    end = len(data)
    while end and data[end - 1] in b"\r\n":  # (no copy of the file, unlike rstrip)
        end -= 1
    if data[:1].isspace() or data[end - 1:end].isspace():
        return True
    d = delim.encode()
    if b'"' in data:
        # a line break (or tab) right after an opening quote or right before a closing one
        for w in (b"\n", b"\r", b"\t", b" "):
            if (d + b'"' + w in data or b'\n"' + w in data or data.startswith(b'"' + w)
                    or w + b'"' + d in data or w + b'"\n' in data or w + b'"\r' in data
                    or data[:end].endswith(w + b'"')):
                return True
    b = np.frombuffer(data, dtype=np.uint8)
    sep = np.zeros(256, bool)
    sep[[d[0], 10, 13, 34]] = True
    # each space or tab (not the delimiter) next to a delimiter, line end or quote; the
    # whitespace bytes are fewer than the separators, so they are the ones looked at
    ws = (b == 32) if d[0] == 9 or b"\t" not in data else ((b == 32) | (b == 9))
    pos = np.flatnonzero(ws)
    before = pos[pos > 0] - 1
    after = pos[pos + 1 < len(b)] + 1
    return bool(sep[b[before]].any() or sep[b[after]].any())


def strip_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip surrounding whitespace (any Unicode whitespace, as ``str.strip``: spaces, tabs,
    line breaks of an Alt+Enter, no-break and em spaces …) from every cell, whatever the other
    cells hold; whitespace-only cells become missing; cells that are not text (a workbook's
    numbers and dates) become their text.  Object dtype out.  Each column is searched once, in
    C, for a cell with whitespace at an edge; only then is it stripped, per distinct value."""
    cells = frame.to_numpy(dtype=object).copy()
    present = ~pd.isna(cells)
    for j in range(cells.shape[1]):
        col, here = cells[:, j], present[:, j]
        texts = col[here].tolist()
        try:
            joined = "\x00" + "\x00".join(texts) + "\x00"
        except TypeError:  # not all text
            texts = [str(t) for t in texts]
            joined = "\x00" + "\x00".join(texts) + "\x00"
            col[here] = texts
        # a cell starting with whitespace (or empty), and, in the reversed text, one ending so:
        # both searches start at the separator, which the regex engine finds with memchr
        if texts and (_EDGE_SPACE.search(joined) or _EDGE_SPACE.search(joined[::-1])):
            codes, uniq = pd.factorize(pd.Series(col[here], dtype=object))
            fixed = np.array([u.strip() or None for u in uniq], dtype=object)
            col[here] = fixed[codes]
    cells[~present] = None
    return pd.DataFrame(cells, index=frame.index, columns=frame.columns, dtype=object)


# a cell (cells joined by NUL, which no cell holds) beginning with whitespace, or empty
_EDGE_SPACE = re.compile(r"\x00(?:\s|\x00)")


def _read_excel(data, name, na, sheet, table, log):
    """A sheet of a workbook (``data``: a path or a file-like with the .xlsx bytes; ``name``:
    how the file is called in messages)."""
    path = name
    if isinstance(data, Path) and data.suffix.lower() == ".xls":
        raise InputError("an old Excel 97-2003 workbook (.xls) cannot be read: open it in Excel and save it "
                         "as .xlsx (or export the sheet as CSV UTF-8)", file=path)
    sheet_name = 0 if sheet is None else sheet
    try:
        book = openpyxl.load_workbook(data, read_only=True)
        sheets = list(book.sheetnames)
        book.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise InputError(f"not a readable .xlsx workbook ({e})", file=path) from None
    if isinstance(sheet_name, str) and sheet_name not in sheets:
        raise InputError(f"the workbook has no sheet {sheet_name!r}; its sheets: {sheets}", file=path)
    if isinstance(sheet_name, int) and not 0 <= sheet_name < len(sheets):
        raise InputError(f"the workbook has {len(sheets)} sheet(s), not a sheet number {sheet_name}; its "
                         f"sheets: {sheets}", file=path)
    if hasattr(data, "seek"):
        data.seek(0)
    try:
        # calamine (Rust) reads a sheet's cells 7x faster than openpyxl (a 104k-row sheet: 2.4
        # against 16-17 s) with the same values (tests/test_readers.py compares them)
        frame = pd.read_excel(data, sheet_name=sheet_name, dtype=object, header=None,
                              keep_default_na=False, na_values=na, engine="calamine")
    except PasswordError:
        raise InputError("the workbook is protected by a password: open it in Excel and save a copy without "
                         "one", file=path) from None
    except (ValueError, CalamineError) as e:
        raise InputError(f"cannot read the workbook: {e}", file=path) from None
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        raise InputError(f"not a readable .xlsx workbook ({e})", file=path) from None
    if frame.empty:
        raise InputError(f"the sheet {sheets[sheet_name] if isinstance(sheet_name, int) else sheet_name!r} "
                         f"is empty", file=path)
    if hasattr(data, "seek"):
        data.seek(0)
    missing = _formulas_without_values(data, sheet_name)
    if missing:
        shown = ", ".join(missing[:10]) + (f" … ({len(missing)} cells)" if len(missing) > 10 else "")
        raise InputError(f"formula cells without a computed value: {shown}. The workbook was saved by a "
                         f"program that does not calculate formulas: open it in Excel (or LibreOffice), "
                         f"let it recalculate and save it, or paste the values", file=path)
    # a table below a title, or away from the sheet's corner (B3): the empty columns out, the
    # header on the first row that looks like one (pandas keeps the sheet's empty rows and
    # columns, so row i of the frame is the sheet's row i + 1)
    filled = frame.notna().to_numpy()
    used = filled.any(axis=0)
    top = _header_row(filled.sum(axis=1), first_complete=used.sum() >= 2 and bool(filled[0][used].all()))
    above = [" ".join(str(v) for v in frame.iloc[i].dropna().tolist()) for i in range(top)]
    frame = frame.loc[:, filled[top:].any(axis=0)]  # (a title's column may be empty in the table)
    stated = _rows_above([(i, above[i]) for i in range(top) if above[i]], f"row {top + 1}", path, table,
                         log) if top > 0 else None
    header = _check_header(["" if h is None or h != h else str(h) for h in frame.iloc[top].tolist()], path,
                           line=top + 1, columns=[get_column_letter(int(c) + 1) for c in frame.columns])
    frame = frame.iloc[top + 1:]
    frame.columns = header
    if frame.empty:
        raise InputError("sheet has a header but no data rows", file=path, line=top + 1)
    lines = np.arange(top + 2, top + len(frame) + 2, dtype=np.int64)
    rows_read = len(frame)
    frame, lines = _without_blank_rows(frame, lines, path, table, log)
    frame = strip_cells(frame)
    frame, lines = _drop_repeated_headers(frame, lines, header, path, table, log)
    return RawTable(frame=frame.reset_index(drop=True), file=str(path), lines=lines,
                    encoding=None, delimiter=None, log=log, rows_read=rows_read, header_line=top + 1,
                    unit_note=stated)


def _formulas_without_values(path, sheet) -> list[str]:
    """Cells of ``sheet`` holding a formula with no cached value (a workbook written by a
    program that does not calculate: openpyxl, pandas …), which would read as empty."""
    with zipfile.ZipFile(path) as z:
        if not any(b"<f" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")):
            return []
    data = path.getvalue() if hasattr(path, "getvalue") else None  # two readers: two streams

    def source():
        return io.BytesIO(data) if data is not None else path
    formulas = openpyxl.load_workbook(source(), read_only=True, data_only=False)
    values = openpyxl.load_workbook(source(), read_only=True, data_only=True)
    try:
        ws_f, ws_v = ((wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]) for wb in (formulas, values))
        out = []
        for row_f, row_v in zip(ws_f.iter_rows(), ws_v.iter_rows()):
            for cf, cv in zip(row_f, row_v):
                if isinstance(cf.value, str) and cf.value.startswith("=") and cv.value is None:
                    out.append(cf.coordinate)
        return out
    finally:
        formulas.close()
        values.close()
