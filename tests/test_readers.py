"""Readers: encodings, delimiters, quoting, missing values, broken files."""
import pytest
from hypothesis import given, settings, strategies as st

import netcluster as nc
from netcluster.readers import read_table, detect_encoding

from conftest import write

KO = "과제번호,기관명,지역\nP1,(주)유아이디,충북\nP1,충북대학교 산학협력단,충청북도\nP2,한국기계연구원,대전\n"


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                               ("cp949", "cp949"), ("euc-kr", "cp949")])
def test_encodings_detected_and_decoded(tmp_path, encoding, expected):
    p = write(tmp_path / "a.csv", KO, encoding)
    t = read_table(p)
    assert t.encoding == expected
    assert t.frame["기관명"].tolist() == ["(주)유아이디", "충북대학교 산학협력단", "한국기계연구원"]
    assert list(t.frame.columns) == ["과제번호", "기관명", "지역"]  # BOM not in the header


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiters_detected(tmp_path, delim):
    p = write(tmp_path / "a.csv", KO.replace(",", delim))
    t = read_table(p)
    assert t.delimiter == delim
    assert t.frame.shape == (3, 3)


def test_delimiter_override(tmp_path):
    p = write(tmp_path / "a.csv", "a;b,c\n1;2,3\n")
    assert read_table(p, delimiter=",").frame.columns.tolist() == ["a;b", "c"]


def test_quoted_newlines_keep_line_numbers(tmp_path):
    text = 'id;name;x\r\n1;"two\r\nline name";a\r\n2;plain;b\r\n3;"three\nline\nname";c\r\n4;last;d\r\n'
    t = read_table(write(tmp_path / "q.csv", text))
    assert t.frame["name"].tolist()[0] == "two\r\nline name"
    assert t.lines.tolist() == [2, 4, 5, 8]


def test_only_empty_cells_are_missing(tmp_path):
    t = read_table(write(tmp_path / "na.csv", "a,b,c,d\nNA,N/A,null,\n"))
    row = t.frame.iloc[0]
    assert row["a"] == "NA" and row["b"] == "N/A" and row["c"] == "null"
    assert row["d"] is None or row["d"] != row["d"]
    t2 = read_table(write(tmp_path / "na2.csv", "a,b\nNA,x\n"), na_values=["NA"])
    assert t2.frame["a"].isna().all()


def test_whitespace_only_cells_become_missing(tmp_path):
    t = read_table(write(tmp_path / "w.csv", "a,b\n  ,x\n"))
    assert t.frame["a"].isna().all() and t.frame["b"].tolist() == ["x"]


def test_ragged_rows_dropped_and_reported(tmp_path):
    t = read_table(write(tmp_path / "r.csv", "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n"))
    assert t.frame["a"].tolist() == ["1", "10"]
    ev = t.log.events
    assert ev["reason"].eq("ragged row").sum() == 2
    assert sorted(ev["line"].tolist()) == [3, 4]
    assert t.rows_read == 4


def test_unterminated_quote_is_an_error_with_line(tmp_path):
    with pytest.raises(nc.InputError, match="quote"):
        read_table(write(tmp_path / "u.csv", 'a,b\n1,"open\n2,3\n'))


@pytest.mark.parametrize("text,msg", [("", "empty"), ("   \n\n", "no content"),
                                      ("a,b,c\n", "no data rows")])
def test_empty_and_header_only(tmp_path, text, msg):
    with pytest.raises(nc.InputError, match=msg):
        read_table(write(tmp_path / "e.csv", text))


def test_duplicate_headers_error(tmp_path):
    with pytest.raises(nc.InputError, match="duplicate column headers"):
        read_table(write(tmp_path / "d.csv", "a,b,a\n1,2,3\n"))


def test_cp949_forced_as_utf8_is_a_clear_error(tmp_path):
    p = write(tmp_path / "k.csv", KO, "cp949")
    with pytest.raises(nc.EncodingError, match=r"decodes as CP949") as e:
        read_table(p, encoding="utf-8")
    assert e.value.line == 1  # the Korean header is the first undecodable line


def test_utf8_forced_as_cp949_is_refused(tmp_path):
    p = write(tmp_path / "k.csv", KO, "utf-8")
    with pytest.raises(nc.EncodingError, match="valid UTF-8"):
        read_table(p, encoding="cp949")


def test_mixed_encodings_error_names_lines(tmp_path):
    raw = "과제번호,기관명\n".encode("utf-8") + "P1,유아이디\n".encode("cp949")
    p = tmp_path / "m.csv"
    p.write_bytes(raw)
    with pytest.raises(nc.EncodingError) as e:
        read_table(p)
    assert "line 2" in str(e.value) or "mixed" in str(e.value)


def test_detect_encoding_rejects_garbage():
    with pytest.raises(nc.EncodingError):
        detect_encoding(b"a,b\n\xff\xfe\xff\x00\x81\n")


def test_excel_roundtrip(tmp_path):
    import pandas as pd
    p = tmp_path / "x.xlsx"
    pd.DataFrame({"과제번호": ["P1", "P1"], "기관명": ["가", "나"], "코드": ["00123", "NA"]}).to_excel(p, index=False)
    t = read_table(p)
    assert t.frame["코드"].tolist() == ["00123", "NA"]
    assert t.lines.tolist() == [2, 3]


_SPACES = " \t\u3000\u00a0\u2003\u2009\u200a\u1680\x85\u2028\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="ab가" + _SPACES, max_size=5)), min_size=1, max_size=30))
def test_strip_cells_equals_str_strip_whatever_the_other_cells(cells):
    """Every cell is stripped of any Unicode whitespace at its edges (whitespace-only: missing),
    whatever the other cells of the column hold — the oracle is str.strip cell by cell."""
    import pandas as pd
    from netcluster.readers import strip_cells
    got = strip_cells(pd.DataFrame({"c": pd.Series(cells, dtype=object)}))["c"].tolist()
    assert got == [None if c is None else (c.strip() or None) for c in cells]


# cells with every kind of line end, quotes, delimiters, spaces inside (leading and trailing
# whitespace is stripped by design, so the oracle compares stripped values)
_CELL = st.text(alphabet="ab가,;\t|\"' \r\n\u2003\xa0\u3000\x0b", max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=40),
       st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from(["minimal", "all", "pandas"]),
       st.sampled_from([",", ";", "\t"]))
def test_records_and_line_numbers_whatever_the_line_ends(tmp_path_factory, rows, eol, quoting, delim):
    """One definition of a record's end for parsing and line numbers: for a table written
    with LF, CRLF or CR line ends, quoted minimally, fully, or as pandas writes it (a bare CR
    left unquoted), the rows read are the rows written, with the same values, and each row's
    reported line is its first physical line."""
    import csv
    import io
    import pandas as pd
    header = ["h1", "h2", "h3"]
    if eol == "\r":  # a CR-only file cannot hold a CR as data
        rows = [[c.replace("\r", "") for c in r] for r in rows]
        if quoting != "all" and rows[0][0].startswith("\n"):
            # the one ambiguous file: a CR-only file whose first record starts with an unquoted
            # LF reads as a CRLF header end (the writers quote a LF only when it is their line end)
            rows[0][0] = rows[0][0].lstrip("\n")
    if quoting == "pandas":
        # pandas quotes fields with the delimiter, quotes or LF, and leaves a bare CR as it is
        buf = io.StringIO()
        pd.DataFrame(rows, columns=header).to_csv(buf, index=False, sep=delim, lineterminator=eol)
        text = buf.getvalue()
    else:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delim, lineterminator=eol,
                   quoting=csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL).writerows([header] + rows)
        text = buf.getvalue()
    # the physical line each record starts on, in the file's own convention
    lines, n = [], 1
    sep = "\n" if eol != "\r" else "\r"
    pos = text.index(sep) + len(sep if eol != "\r\n" else "\n")
    n = 2
    quoted = False
    start_line = 2
    for i in range(pos, len(text)):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            lines.append(start_line)
            start_line = n + 1
        if ch == sep:
            n += 1
    expected = [[(c.strip() or None) for c in r] for r in rows]
    keep = list(range(len(rows)))  # (a row of empty cells is a row: ",,")
    path = tmp_path_factory.mktemp("eol") / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        t = read_table(path, delimiter=delim)
    except nc.InputError as e:
        assert not keep and "no data rows" in str(e)
        return
    got = t.frame.where(t.frame.notna(), None).values.tolist()
    assert got == [expected[i] for i in keep]
    assert t.lines.tolist() == [lines[i] for i in keep]
    assert t.log.events.empty


def test_every_unicode_space_is_known_to_the_whitespace_check():
    """The byte check's list of whitespace is every character str.strip removes."""
    import sys
    from netcluster.readers import _OTHER_SPACE
    listed = {w.decode() for seqs in _OTHER_SPACE.values() for w in seqs}
    assert listed == {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()} - set(" \t\r\n")


def _records_by_numpy(b, delimiter: bytes):
    """Oracle of the compiled scan: whole-array numpy (the reader's former implementation)."""
    import numpy as np
    nl = np.flatnonzero(b == 10)
    ends = np.append(nl, len(b))
    begins = np.concatenate([[0], nl + 1])
    dl = np.flatnonzero(b == delimiter[0]) if len(delimiter) == 1 else np.zeros(0, int)
    counts = np.searchsorted(dl, ends) - np.searchsorted(dl, begins) + 1
    length = ends - begins
    cr = np.zeros(len(begins), bool)
    has = length > 0
    cr[has] = b[ends[has] - 1] == 13
    nonblank = (length - cr) > 0
    lines = np.arange(1, len(begins) + 1, dtype=np.int64)
    return lines[nonblank], counts[nonblank].astype(np.int64)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a,;\t\n\r 가", max_size=60), st.sampled_from([",", ";", "\t", "||"]))
def test_unquoted_records_scan_equals_numpy(text, delimiter):
    import numpy as np
    from netcluster.readers import _scan_records
    data = text.encode("utf-8")
    got = _scan_records(text, delimiter, data=data)
    want = _records_by_numpy(np.frombuffer(data, dtype=np.uint8), delimiter.encode())
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    assert got[0].dtype == np.int64 and got[1].dtype == np.int64
    # whether a cell begins or ends with ASCII whitespace: every non-blank line's cells, the CR
    # of a CRLF not part of the last one (unknown with a delimiter of several bytes)
    from netcluster.readers import _scan
    edge = _scan(text, delimiter, data=data)[3]
    if len(delimiter) > 1:
        assert edge is None
        return
    ascii_space = "".join(map(chr, [*range(9, 14), *range(28, 33)]))
    cells = [c for line in text.split("\n") if line not in ("", "\r")
             for c in (line[:-1] if line.endswith("\r") else line).split(delimiter)]
    assert edge == any(c != c.strip(ascii_space) for c in cells)


def _same_by_both_parsers(path, **options):
    """The file read through polars and through pandas' C parser: the same table, line
    numbers and quality events (or the same error)."""
    import pandas as pd
    from netcluster import readers
    got = {}
    for name, min_bytes in (("columnar", 0), ("pandas", 10 ** 15)):
        readers.COLUMNAR_MIN_BYTES, before = min_bytes, readers.COLUMNAR_MIN_BYTES
        try:
            got[name] = read_table(path, **options)
        except nc.InputError as e:
            got[name] = str(e)
        finally:
            readers.COLUMNAR_MIN_BYTES = before
    a, b = got["columnar"], got["pandas"]
    if isinstance(b, str):
        assert a == b
        return
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.lines.tolist() == b.lines.tolist()
    pd.testing.assert_frame_equal(a.log.events, b.log.events)


# unquoted cells: spaces of every kind, the "NA"/"-" tokens, Hangul, repeated values (so that
# the columnar reader's one-str-per-distinct-value path is taken), empty cells
_UNQUOTED_CELL = st.one_of(st.sampled_from(["", "NA", "-", "firm", "대학", " x ", "x"]),
                           st.text(alphabet="ab가 \t\u2003\xa0\x0b-", max_size=5))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_UNQUOTED_CELL, min_size=3, max_size=3), min_size=1, max_size=60),
       st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from([",", ";", "\t", "|"]),
       st.sampled_from([(), ("NA",), ("NA", "-")]), st.booleans(), st.booleans())
def test_columnar_reader_reads_what_pandas_reads(tmp_path_factory, rows, eol, delim, na, blank_lines, final_eol):
    """A file without quotes read by polars (the columnar path of large files) gives the same
    table, line numbers and quality events as pandas' C parser, whatever the line ends, blank
    lines, whitespace, missing-value tokens and delimiters — the oracle is the other parser."""
    rows = [[c.replace(delim, "") for c in r] for r in rows]
    lines = [delim.join(["h1", "h2", "h3"])] + [delim.join(r) for r in rows]
    if blank_lines:
        lines = lines[:1] + [x for r in lines[1:] for x in (r, "")]
    text = eol.join(lines) + (eol if final_eol else "")
    path = tmp_path_factory.mktemp("columnar") / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    _same_by_both_parsers(path, delimiter=delim, na_values=na)


def test_columnar_reader_is_used_on_large_unquoted_files(tmp_path, monkeypatch):
    """The columnar path really runs (not only its fallback): a file above the size threshold
    without quotes goes through polars, repeated values share one str object, and missing
    cells are None as in every reader path."""
    from netcluster import readers
    calls = []
    real = readers._read_columnar
    monkeypatch.setattr(readers, "_read_columnar", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(readers, "COLUMNAR_MIN_BYTES", 0)
    path = tmp_path / "t.csv"
    path.write_text("id,type\n" + "".join(f"{i},{'firm' if i % 3 else ''}\n" for i in range(300)), encoding="utf-8")
    t = read_table(path)
    assert calls and t.frame is not None
    types = t.frame["type"].to_numpy(dtype=object)
    assert types[1] is types[2] and types[1] == "firm"
    assert t.frame["type"].isna().sum() == 100 and types[0] is None
    assert t.frame["id"].tolist() == [str(i) for i in range(300)] and t.frame["id"].dtype == object


def test_columnar_reader_in_a_forked_process(tmp_path, monkeypatch):
    """A process forked after the columnar reader ran reads large files too (with pandas:
    polars' threads do not survive a fork, and a forked polars parse would wait forever) —
    the same table as the parent read."""
    import multiprocessing
    import pickle
    from netcluster import readers
    monkeypatch.setattr(readers, "COLUMNAR_MIN_BYTES", 0)
    path = tmp_path / "t.csv"
    path.write_text("id,type\n" + "".join(f"{i},{'firm' if i % 3 else ''}\n" for i in range(50_000)), encoding="utf-8")
    parent = read_table(path).frame
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=lambda: queue.put(pickle.dumps(read_table(path).frame)))
    child.start()
    try:
        got = pickle.loads(queue.get(timeout=60))
    finally:
        child.join(5)
        if child.is_alive():
            child.kill()
    assert got.equals(parent)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='ab,;"\n\r \t가', max_size=40), st.sampled_from([",", ";"]))
def test_quoted_scan_equals_the_csv_module(text, delimiter):
    """The compiled scan of a quoted file reads the records the csv module reads, from the same
    lines, whenever it calls the file's quotes regular; it never calls regular a text the csv
    module refuses. (Bare CRs are made LF first, as the reader's line-end rules do.)"""
    import numpy as np
    from netcluster.readers import _csv_module_records, _quoted_records
    text = text.replace("\r\n", "\x00").replace("\r", "\n").replace("\x00", "\r\n")
    data = text.encode("utf-8")
    lines, counts, regular, edge = _quoted_records(np.frombuffer(data, dtype=np.uint8), ord(delimiter),
                                                    data.count(b"\n") + 1)
    try:  # the oracle: the csv module (the reader's path for irregular quotes)
        want = [a.tolist() for a in _csv_module_records(text, delimiter)]
    except nc.InputError:
        want = None
    if regular:
        assert want is not None, "called regular a text the csv module refuses"
        assert [lines.tolist(), counts.tolist()] == want
        import csv
        import io
        cells = [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for c in row]
        assert bool(edge) == any(c != c.strip(" \t\n\r") for c in cells)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(alphabet='ab가,;" \r\n', max_size=5), min_size=2, max_size=2), min_size=1,
                max_size=40), st.sampled_from(["minimal", "all", "pandas"]), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from([(), ("a",), ("a", "가", " ")]))
def test_quoted_regular_files_read_by_both_parsers_alike(tmp_path_factory, rows, quoting, eol, na):
    """A quoted file (written by the csv module, minimally or fully quoted, or by pandas) read
    through polars gives the table, lines and events pandas' C parser gives, missing-value
    tokens in quotes or not."""
    import csv
    import io
    import pandas as pd
    buf = io.StringIO()
    if quoting == "pandas":
        pd.DataFrame(rows, columns=["h1", "h2"]).to_csv(buf, index=False, lineterminator=eol)
    else:
        csv.writer(buf, lineterminator=eol, quoting=csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL
                   ).writerows([["h1", "h2"]] + rows)
    path = tmp_path_factory.mktemp("quoted") / "t.csv"
    path.write_bytes(buf.getvalue().encode("utf-8"))
    # the writers' quotes are regular: the compiled scan reads the file (once the reader has put
    # a stand-in for a bare CR, which the writers leave unquoted)
    from netcluster.readers import _line_ends, _scan
    assert _scan(_line_ends(buf.getvalue())[0], ",")[2] != "irregular"
    _same_by_both_parsers(path, delimiter=",", na_values=na)


_LINE_PIECES = st.sampled_from(["a,b", "홍길동", "대학교", "\u00e9", "\U0001f600", "x"])
# UTF-8's edges: overlong forms, surrogates, the last code point and one past it, cut sequences
_EDGE_SEQUENCES = [b"\xc0\xaf", b"\xc1\xbf", b"\xc2\x80", b"\xe0\x9f\x80", b"\xe0\xa0\x80", b"\xed\x9f\xbf",
                   b"\xed\xa0\x80", b"\xef\xbf\xbf", b"\xf0\x8f\xbf\xbf", b"\xf0\x90\x80\x80",
                   b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xe2\x82", b"a\xe2"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.tuples(st.just("utf-8"), _LINE_PIECES), st.tuples(st.just("cp949"), _LINE_PIECES),
                          st.tuples(st.just("bytes"), st.binary(max_size=6)),
                          st.tuples(st.just("bytes"), st.sampled_from(_EDGE_SEQUENCES))), max_size=12))
def test_mixed_encoding_lines_found_as_decoding_each_line_finds_them(lines):
    """The compiled pass finds the first line that is non-ASCII valid UTF-8 and the first that is
    non-ASCII and not, as decoding each line with Python's strict UTF-8 decoder does — lines of
    UTF-8 and CP949 text and of random bytes (overlong forms, surrogates, cut sequences)."""
    import numpy as np
    from netcluster.readers import _utf8_and_other_lines

    def encode(kind, x):
        if kind == "bytes":
            return x.replace(b"\n", b"")
        try:
            return x.encode(kind)
        except UnicodeEncodeError:
            return b"?"
    raw = b"\n".join(encode(k, x) for k, x in lines)
    want_utf8 = want_other = 0
    for i, line in enumerate(raw.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            want_utf8 = want_utf8 or i
        except UnicodeDecodeError:
            want_other = want_other or i
    assert tuple(_utf8_and_other_lines(np.frombuffer(raw, dtype=np.uint8))) == (want_utf8, want_other)


# -- a table below a title (a sheet as Korean offices lay it out) --------------------------------

def test_a_sheet_with_a_title_a_unit_note_and_the_table_at_b3(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B1"] = "2015년 산업단지 R&D 과제 참여기관 현황"
    ws["H2"] = "(단위: 천원)"
    header = ["과제번호", "참여기관명", "사업자등록번호", "기관구분", "소재지", "총사업비"]
    rows = [["K-1", "(주)가나", "123-45-67890", "중소기업", "충북 청주시", 150000],
            ["K-1", "충북대학교", "301-82-00001", "대학", "충북 청주시", 150000],
            ["K-2", "다라(주)", "223-45-67890", "중견기업", "경남 창원시", 200000],
            ["K-2", "한국기계연구원", "314-82-00002", "출연연", "대전 유성구", 200000],
            [None, "합계", None, None, None, 700000]]
    for i, r in enumerate([header] + rows):
        for j, v in enumerate(r):
            ws.cell(row=4 + i, column=3 + j, value=v)  # the table from C4; column A and B empty below
    wb.save(tmp_path / "현황.xlsx")
    ds = nc.load_dataset(tmp_path / "현황.xlsx")
    assert ds.participations["line"].tolist() == [5, 6, 7, 8]  # the sheet's own rows
    ev = ds.quality.events
    title = ev.query("reason == 'rows above the header (a title or a note) skipped'")
    assert title["line"].tolist() == [1, 2] and title["value"].tolist()[0].startswith("2015년")
    assert ev.query("reason == 'missing project id'")["line"].tolist() == [9]
    assert ds.projects.set_index("project_id")["budget"].to_dict() == {"K-1": 150_000_000, "K-2": 200_000_000}


def test_a_csv_below_a_title_keeps_its_line_numbers(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("2015년 현황\n\n(단위: 백만원)\n과제번호,참여기관명,총사업비\nK1,가,1.5\nK1,나,1.5\nK2,다,2,x\nK2,라,2\n",
                 encoding="utf-8")
    ds = nc.load_dataset(p)
    assert ds.participations["line"].tolist() == [5, 6, 8]
    ev = ds.quality.events
    assert ev.query("reason == 'ragged row'")["line"].tolist() == [7]
    assert ev.query("reason == 'rows above the header (a title or a note) skipped'")["line"].tolist() == [1, 3]
    assert ds.projects.set_index("project_id")["budget"].to_dict() == {"K1": 1_500_000, "K2": 2_000_000}
    p.write_text('제목\n과제번호,기관명\nP1,"가\n', encoding="utf-8")
    with pytest.raises(nc.InputError) as e:
        nc.load_dataset(p)
    assert e.value.line == 3


def test_a_complete_first_line_is_the_header_even_if_rows_have_more_fields(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("과제번호,기관명\nx;y;z;w,q,extra,more,fields\nP1,가\nP1,나\n", encoding="utf-8")
    ds = nc.load_dataset(p)
    assert ds.participations["line"].tolist() == [3, 4]
    assert ds.quality.events.query("reason == 'ragged row'")["line"].tolist() == [2]


def test_an_unnamed_empty_column_is_left_out_and_one_with_values_is_an_error(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("과제번호,기관명,,지역,\nP1,가,,서울,\nP1,나, ,부산,\n", encoding="utf-8")  # (Excel's trailing comma)
    ds = nc.load_dataset(p)
    assert ds.organisations.set_index("name")["region"].to_dict() == {"가": "서울", "나": "부산"}
    ev = ds.quality.events.query("reason == 'unnamed empty column left out'")
    assert ev["value"].tolist() == ["3, 5"] and ev["line"].tolist() == [1]
    p.write_text("과제번호,기관명,\nP1,가,\nP1,나,x\n", encoding="utf-8")
    with pytest.raises(nc.InputError, match=r"position\(s\) \[3\]"):
        nc.load_dataset(p)


def test_a_cover_sheet_first_and_the_table_on_another(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.title = "요약"
    wb.active.append(["구분", "과제 수"])
    wb.active.append(["합계", 2])
    ws = wb.create_sheet("참여기관 목록")
    for r in [("과제번호", "참여기관명"), ("P1", "가"), ("P1", "나"), ("P2", "나"), ("P2", "다")]:
        ws.append(list(r))
    wb.save(tmp_path / "b.xlsx")
    ds = nc.load_dataset(tmp_path / "b.xlsx")
    assert ds.participations["line"].tolist() == [2, 3, 4, 5]
    ev = ds.quality.events.query("reason == \"the workbook's first sheet lacks the table's columns: another sheet read\"")
    assert ev["value"].tolist() == ["참여기관 목록"]
    ws2 = wb.create_sheet("사본")
    for row in ws.iter_rows(values_only=True):
        ws2.append(list(row))
    wb.save(tmp_path / "two.xlsx")
    with pytest.raises(nc.InputError, match="several sheets have them"):
        nc.load_dataset(tmp_path / "two.xlsx")
    del wb["참여기관 목록"], wb["사본"]
    wb.create_sheet("메모")["A1"] = "작성: 2016-01-05"
    wb.save(tmp_path / "none.xlsx")
    with pytest.raises(nc.MissingColumnError, match="--sheet"):
        nc.load_dataset(tmp_path / "none.xlsx")


def test_a_workbook_reads_the_same_cells_as_openpyxl_reads_them(tmp_path):
    """Oracle: openpyxl (the engine used before calamine) on a sheet of every kind of cell;
    the one difference — a cell of only spaces is empty for calamine — ends the same once
    cells are stripped."""
    import datetime
    import openpyxl
    import pandas as pd
    from netcluster.readers import read_table, strip_cells
    wb = openpyxl.Workbook()
    ws = wb.active
    header = ["과제번호", "기관코드", "금액", "시작일", "일시", "시각", "여부", "코드", "백분율", "큰수", "빈칸", "공백", "줄바꿈"]
    ws.append(header)
    ws.append(["P1", 1234567890, 1.5, datetime.date(2015, 3, 1), datetime.datetime(2015, 3, 1, 12, 30),
               datetime.time(9, 15), True, "0123", 0.25, 12345678901234567890, None, "  ", "가\n나"])
    ws.append(["P1", "A-2", 2.0, "2015-03-01", None, None, False, "00", 1, 2 ** 53 + 1, "", " x ", "é"])
    ws["I2"].number_format = "0%"
    ws.merge_cells("L3:M3")
    wb.save(tmp_path / "t.xlsx")
    mine = read_table(tmp_path / "t.xlsx").frame
    ref = pd.read_excel(tmp_path / "t.xlsx", dtype=object, header=None, engine="openpyxl", keep_default_na=False,
                        na_values=[""])
    ref = strip_cells(ref.iloc[1:].set_axis(header, axis=1).reset_index(drop=True))  # (as the reader strips)
    assert mine.columns.tolist() == header
    for c in header:
        a, b = mine[c].tolist(), ref[c].tolist()
        assert [type(x) for x in a] == [type(x) for x in b] and a == b, c


def test_a_web_page_saved_as_xls_is_read_as_its_table(tmp_path):
    """Web systems hand out an HTML table named .xls as their "Excel" download."""
    page = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=euc-kr'></head><body>"
            "<table><tr><td>2015년 과제 현황</td></tr></table>"
            "<table border=1><tr><th>과제번호</th><th>참여기관명</th><th>지역</th></tr>"
            "<tr><td>P1</td><td>(주)가나&amp;다</td><td>서울</td></tr>"
            "<tr><td>P1</td><td>충북대학교<br>산학협력단</td><td>충북</td></tr>"
            "<tr><td>P2</td><td colspan=2>합계</td><td>x</td></tr>"
            "<tr><td>P2</td><td>라</td><td>부산</td></tr></table></body></html>")
    p = tmp_path / "과제목록.xls"
    p.write_bytes(page.encode("cp949"))
    ds = nc.load_dataset(p)
    assert ds.participations["line"].tolist() == [2, 3, 5]
    names = ds.organisations.set_index("name")["region"].to_dict()
    assert names == {"(주)가나&다": "서울", "충북대학교 산학협력단": "충북", "라": "부산"}
    ev = ds.quality.events
    assert ev.query("reason == 'ragged row'")["line"].tolist() == [4]
    assert (ev["reason"] == "a web page's table named like a workbook, read").sum() == 1
    p.write_bytes(b"<html><body><p>no data</p></body></html>")
    with pytest.raises(nc.InputError, match="web page"):
        nc.load_dataset(p)
