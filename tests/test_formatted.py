"""The formatted-once writer (netcluster.write.formatted) against the straightforward writers it
replaces: pandas to_csv of the neutralised table, and column_cells for XLSX — byte for byte."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from netcluster.write.formatted import FormattedTable
from netcluster.write.tables import _pandas_csv, _pandas_sheet, sheet_bytes, write_csv

HOSTILE = ["=HYPERLINK(\"http://x\")", "a,b", 'say "hi"', "line\nbreak", "cr\rx", "-5", "+3.2", "@SUM(A1)",
           "\t=x", "(주)유아이디", "<b>&amp;</b>", "", " lead", "x\x01y", "-1+2", None]


def frame(n=40, seed=0):
    rng = np.random.default_rng(seed)
    f = rng.random(n) * 10.0 ** rng.integers(-7, 18, n)
    f[::7] = np.round(f[::7])
    f[1], f[2], f[3], f[4], f[5] = np.nan, np.inf, -0.0, 1e15, -np.inf
    return pd.DataFrame({
        "org_id": pd.array([f"o{i}" for i in range(n)], dtype="str"),
        "name": pd.Series([HOSTILE[i % len(HOSTILE)] for i in range(n)], dtype=object),
        "weight": f,
        "count": rng.integers(-5, 10 ** 16, n),
        "maybe": pd.array([None if i % 5 == 0 else i for i in range(n)], dtype="Int64"),
        "flag": rng.random(n) < 0.5,
        "=bad header": pd.array([None if i % 3 else "x" for i in range(n)], dtype="str"),
    })


def _csv_bytes(tmp_path, df, fast):
    p = tmp_path / ("fast.csv" if fast else "slow.csv")
    if fast:
        write_csv(FormattedTable.of(df), p)
    else:
        _pandas_csv(df, p)
    return p.read_bytes()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_csv_identical_to_pandas(tmp_path, seed):
    df = frame(seed=seed)
    assert FormattedTable.of(df) is not None
    assert _csv_bytes(tmp_path, df, True) == _csv_bytes(tmp_path, df, False)


@pytest.mark.parametrize("seed", [0, 1])
def test_sheet_identical_to_column_cells(seed):
    df = frame(seed=seed)
    assert FormattedTable.of(df).sheet_xml() == _pandas_sheet(df, None)
    # a row subset (the workbook's ties sheet) and the row cap with its note
    idx = np.array([5, 1, 30])
    assert FormattedTable.of(df).take(idx).sheet_xml() == _pandas_sheet(df.iloc[idx], None)
    assert sheet_bytes(FormattedTable.of(df), max_rows=10) == sheet_bytes(df, max_rows=10)


def test_repeated_numbers_formatted_once_same_text(tmp_path):
    """Numbers are formatted once per distinct value: repeats, 0.0 beside -0.0, NaNs with
    different bit patterns, and nullable integers still give pandas' bytes."""
    rng = np.random.default_rng(3)
    n = 300
    weights = np.array([1.0, 2.0, 0.5, 0.0, -0.0, 1 / 3, 1e15, 1e16, np.inf])[rng.integers(0, 9, n)]
    other_nan = np.frombuffer(np.uint64(0x7FF8000000000123).tobytes(), dtype=np.float64)[0]
    weights[::11] = np.nan
    weights[5::13] = other_nan
    df = pd.DataFrame({"w": weights, "k": rng.integers(0, 4, n),
                       "m": pd.array([None if i % 4 == 0 else i % 3 for i in range(n)], dtype="Int64"),
                       "name": ["a"] * n})
    assert np.isnan(other_nan) and FormattedTable.of(df) is not None
    assert _csv_bytes(tmp_path, df, True) == _csv_bytes(tmp_path, df, False)
    assert FormattedTable.of(df).sheet_xml() == _pandas_sheet(df, None)


def test_unsupported_columns_fall_back(tmp_path):
    df = pd.DataFrame({"d": pd.to_datetime(["2020-01-02", None]), "x": [1, 2]})
    assert FormattedTable.of(df) is None
    mixed = pd.DataFrame({"m": pd.Series([1, "a"], dtype=object), "x": [1, 2]})
    assert FormattedTable.of(mixed) is None
    write_csv(mixed, tmp_path / "m.csv")  # the pandas path
    assert (tmp_path / "m.csv").read_bytes() == _csv_bytes(tmp_path, mixed, False)


texts = st.one_of(st.none(), st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, st.floats(allow_nan=True, allow_infinity=True), st.integers(-2**53, 2**53),
                          st.booleans()), min_size=0, max_size=12))
def test_property_identical(tmp_path_factory, rows):
    df = pd.DataFrame(rows, columns=["t", "f", "i", "b"]).astype({"t": object, "f": float, "i": "int64",
                                                                     "b": bool})
    tmp = tmp_path_factory.mktemp("p")
    assert _csv_bytes(tmp, df, True) == _csv_bytes(tmp, df, False)
    assert FormattedTable.of(df).sheet_xml() == _pandas_sheet(df, None)


def test_chunked_writing_same_bytes(tmp_path, monkeypatch):
    """Rows are assembled in chunks (bounded memory); the chunk size must not show in the bytes."""
    from netcluster.write import formatted, gexf, xlsx
    from netcluster.write.gexf import write_gexf
    df = frame(n=50)
    nodes = FormattedTable.of(df[["org_id", "name", "weight", "count", "flag"]])
    ties = FormattedTable.of(pd.DataFrame({"source": df["org_id"], "target": df["org_id"][::-1].to_numpy(),
                                           "weight": df["weight"].abs().fillna(1.0), "shared_projects": 3}))
    write_csv(FormattedTable.of(df), tmp_path / "big.csv")
    write_gexf(nodes, ties, tmp_path / "big.gexf")
    for module in (formatted, gexf, xlsx):
        if hasattr(module, "ROW_CHUNK"):
            monkeypatch.setattr(module, "ROW_CHUNK", 7)
    write_csv(FormattedTable.of(df), tmp_path / "small.csv")
    write_gexf(nodes, ties, tmp_path / "small.gexf")
    assert (tmp_path / "small.csv").read_bytes() == (tmp_path / "big.csv").read_bytes() == _csv_bytes(tmp_path, df, False)
    assert (tmp_path / "small.gexf").read_bytes() == (tmp_path / "big.gexf").read_bytes()


def test_sheet_rows_in_chunks_same_bytes(monkeypatch):
    """A worksheet is assembled SHEET_CHUNK rows at a time (bounded memory); chunks of 7 rows
    give the bytes of one chunk — with missing cells, a style per column and a style per row
    (the scorecard's value column), and the row cap's note."""
    from netcluster.write import xlsx
    df = frame(n=50, seed=4)
    t = FormattedTable.of(df)
    per_row = np.random.default_rng(4).integers(0, 6, t.n_rows)
    styles = [0, 0, xlsx.STYLE["index"], xlsx.STYLE["int"], per_row, 0, 0]
    whole = xlsx.sheet_xml(t.columns, t.xlsx_tails(), t.n_rows, "a note", styles=styles)
    capped = sheet_bytes(t, max_rows=45, full="x.csv")
    monkeypatch.setattr(xlsx, "SHEET_CHUNK", 7)
    assert xlsx.sheet_xml(t.columns, t.xlsx_tails(), t.n_rows, "a note", styles=styles) == whole
    assert sheet_bytes(t, max_rows=45, full="x.csv") == capped
    assert whole.count(b"<row ") == t.n_rows + 2 and b' s="5"' in whole  # every row, the per-row styles


def test_columns_from_the_callers_codes_write_the_same_bytes(tmp_path):
    """Text columns given as (codes, values) — the ties' ends and names — format exactly as
    the columns themselves (missing values, hostile texts, repeated values)."""
    rng = np.random.default_rng(5)
    values = np.array(HOSTILE, dtype=object)  # includes None and ""
    codes = rng.integers(0, len(values), 200)
    df = pd.DataFrame({"end": pd.Series(values[codes], dtype=object), "w": rng.random(200)})
    coded = {"end": (codes, values)}
    assert FormattedTable.of(df, coded).csv_text() == FormattedTable.of(df).csv_text()
    assert FormattedTable.of(df, coded).sheet_xml() == FormattedTable.of(df).sheet_xml()
    as_text = FormattedTable.as_text(df, coded).column("end")
    assert [as_text.uniques[c] if c >= 0 else None for c in as_text.codes] == df["end"].tolist()
