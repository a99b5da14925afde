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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="ab 가\t\u3000\u00a0\"", max_size=4), min_size=2, max_size=2),
                min_size=1, max_size=5), st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_whitespace_precheck_never_misses_a_cell_to_strip(rows, delim, eol):
    """The byte-level precheck may say 'maybe' too often but never 'no' when a cell has
    surrounding whitespace (or a full-width / no-break space anywhere): cells are stripped
    exactly when this test says so."""
    import csv
    import io
    from netcluster.readers import _may_need_strip
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator=eol).writerows([["h1", "h2"]] + rows)
    text = buf.getvalue()
    cells = [c for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim) for c in r]
    needs = any(c != c.strip(" \t") for c in cells) or "\u3000" in text or "\u00a0" in text
    if needs:
        assert _may_need_strip(text.encode(), delim), text
