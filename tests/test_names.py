"""Name cleaning: the block fast path of clean_names against clean_name (the oracle)."""
import random

import pandas as pd

from netcluster.names import clean_name, clean_names


def test_clean_names_block_path_equals_clean_name():
    # clean_names checks blocks of names at once; it must agree with clean_name name by name
    rng = random.Random(3)
    alpha = ["a", "b", " ", "  ", "\t", "\n", "㈜", "(주)", "\x01", "\u200b", "Ａ", "é", "e\u0301", "가",
             "\xa0", "\u3000", "\u1680", "\x85", "\u2028", ""]
    vals = ["기관 %d 주식회사" % rng.randint(0, 9000) for _ in range(9000)]
    for i in rng.sample(range(9000), 60):
        vals[i] = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 5)))
    vals[4321] = "a\nb"  # one bad name in an otherwise clean block
    s = pd.Series(vals + [None, float("nan"), 5], dtype=object)
    got, exp = clean_names(s), s.map(clean_name)
    assert got.fillna("<NA>").tolist() == exp.fillna("<NA>").tolist()
    clean = pd.Series(["가나다 %d" % i for i in range(5000)], dtype=object)
    assert clean_names(clean).tolist() == clean.tolist()


def test_block_with_any_edge_whitespace_is_not_clean():
    """Every character Python counts as whitespace (the regex \\s) at either edge of a name, or
    an empty name, makes its block go name by name."""
    import sys
    from netcluster.names import _block_is_clean
    spaces = [chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()]
    assert len(spaces) > 20 and _block_is_clean(["가나", "다라"])
    for c in spaces:
        assert not _block_is_clean(["가나", c + "다"]) and not _block_is_clean([f"다{c}", "가나"]), repr(c)
    assert not _block_is_clean(["가나", ""])


import pytest

import netcluster as nc
from netcluster.names import GENERATED_ID_PREFIX, clean_id, name_key


@pytest.mark.parametrize("a, b", [("KG 모빌리티", "SA 모빌리티"), ("AB 테크", "AS 테크"),
                                  ("C++ 연구소", "C# 연구소"), ("Aqua+ Lab", "Aqua Lab")])
def test_names_that_differ_never_share_a_key(a, b):
    """Latin legal forms are stripped only as separate words at the end; symbols that tell
    names apart stay in the key."""
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize("names", [["(주)유아이디", "㈜ 유아이디", "유아이디 주식회사", "유아이디(주)", "유아이디"],
                                   ["UID Co., Ltd.", "uid", "U.I.D.", "UID Ltd"],
                                   ["충북대학교 산학협력단", "충북대학교", "충북 대학교"],
                                   ["K-Water", "K Water", "K·Water", "“K-Water”"]])
def test_spellings_of_one_name_share_a_key(names):
    assert len({name_key(n) for n in names}) == 1


def test_no_wrong_merge_in_a_dataset_without_ids(tmp_path):
    """Two firms whose names differ by a leading Latin word or a symbol stay two
    organisations, and neither is dropped as a duplicate participation of the other."""
    body = ("과제번호,참여기관명,기관구분,지역\n"
            "P1,KG 모빌리티,기업,경기\nP1,SA 모빌리티,기업,충남\nP1,C++ 연구소,연구기관,서울\n"
            "P1,C# 연구소,연구기관,서울\nP2,KG모빌리티,기업,경기\n")
    (tmp_path / "d.csv").write_text(body, encoding="utf-8")
    ds = nc.load_dataset(tmp_path / "d.csv")
    assert len(ds.participations) == 5
    assert ds.quality.events.query("action == 'drop'").empty
    orgs = ds.organisations.set_index("name")
    assert orgs.loc["KG 모빌리티", "region"] == "경기" and orgs.loc["SA 모빌리티", "region"] == "충남"
    assert len(ds.organisations) == 4  # "KG모빌리티" is "KG 모빌리티" (a merge, reported)
    merged = ds.quality.events.query("action == 'merge'")
    assert merged["value"].tolist() == ["KG모빌리티"]


def test_generated_ids_never_equal_a_literal_id(tmp_path):
    """A row without an id gets an id from its name key, in a namespace no id of the data can
    take: the literal id "name:가나다" and the name 가나다 without an id are two organisations."""
    body = ("과제번호,기관코드,참여기관명\nP1,name:가나다,가나다 연구소\nP1,,가나다\nP2,A1,라마\n")
    (tmp_path / "d.csv").write_text(body, encoding="utf-8")
    ds = nc.load_dataset(tmp_path / "d.csv")
    ids = sorted(ds.organisations["org_id"])
    assert ids == sorted(["name:가나다", GENERATED_ID_PREFIX + "가나다", "A1"])
    assert len(ds.participations) == 3
    # the prefix's full-width colon cannot survive in a literal id
    assert clean_id(GENERATED_ID_PREFIX + "x") == "name:x"


def test_invisible_characters_removed_from_names_and_ids_and_reported(tmp_path):
    """Bidirectional overrides (text shown reversed), zero-width and control characters are
    removed from names and ids alike, each change reported with its line; full-width ids are
    the same ids as their ASCII form."""
    body = ("과제번호,기관코드,참여기관명\nP1,A1,\u202e가나다\u202c 연구소\nP1,B\u200b1,라마\n"
            "P2,ＡＢ１,바사\nP2,AB1,바사\nP2,A1\u2066,가나다 연구소\n")
    (tmp_path / "d.csv").write_text(body, encoding="utf-8")
    ds = nc.load_dataset(tmp_path / "d.csv")
    assert sorted(ds.organisations["org_id"]) == ["A1", "AB1", "B1"]
    assert ds.organisations.set_index("org_id").loc["A1", "name"] == "가나다 연구소"
    ev = ds.quality.events
    names = ev[ev["reason"].str.startswith("invisible")]
    assert names["line"].tolist() == [2]
    ids = ev[ev["reason"].str.startswith("id normalised")]
    assert sorted(ids["line"].tolist()) == [3, 4, 6]


def test_the_clean_ids_shortcut_never_skips_an_id_that_clean_id_changes():
    """The joined-text test that lets a million ids skip :func:`clean_id` says "clean" only
    when clean_id leaves every id as it is (oracle: clean_id id by id), on ids of random
    characters: spaces, tabs, the separator, full-width and invisible characters, empty."""
    import numpy as np
    from hypothesis import given, settings, strategies as st
    from netcluster.dataset import _ids_already_clean
    chars = st.sampled_from(list("ab19-_. ") + ["\t", "\x1f", "\u3000", "ａ", "１", "\u200b", "\u202e", "é", "\x00"])
    ids = st.one_of(st.none(), st.text(chars, max_size=4), st.integers(0, 9))

    @settings(max_examples=500, deadline=None)
    @given(st.lists(ids, max_size=6))
    def check(values):
        if _ids_already_clean(np.array(values, dtype=object)):
            assert all(clean_id(v) == v for v in values if v is not None), values

    check()
    assert _ids_already_clean(np.array(["KC2014-000001", None, "0132421415"], dtype=object))


def test_a_clean_block_is_a_block_clean_name_leaves_alone():
    """Property: whenever the joined-block test says "clean", clean_name (the oracle) leaves
    every name of the block as it is — on names of spaces, line breaks, tabs, full-width forms,
    invisible characters, no-break and ideographic spaces, empty names and non-text cells."""
    from hypothesis import given, settings, strategies as st
    from netcluster.names import _block_is_clean
    chars = st.sampled_from(list("가나 ab(주).") + ["\n", "\t", "\u00a0", "\u3000", "ａ", "㈜", "\u200b",
                                                   "\u202e", "\x00", "\xad", "\r", "\u2028"])
    names = st.one_of(st.text(chars, max_size=5), st.integers(0, 3), st.none())

    @settings(max_examples=600, deadline=None)
    @given(st.lists(names, max_size=6))
    def check(block):
        if _block_is_clean(block):
            assert all(isinstance(u, str) and clean_name(u) == u for u in block), block

    check()
