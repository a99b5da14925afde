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
