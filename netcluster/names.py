"""Organisation names: a canonical matching key and a clean display name.

Korean and international exports spell one organisation many ways:
"(주)유아이디", "㈜ 유아이디", "유아이디 주식회사", "UID Co., Ltd.".  The key
drops legal-form markers, the "산학협력단" suffix of university foundations,
full-width forms, punctuation, case and whitespace, so these compare equal.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

__all__ = ["name_key", "clean_name", "LEGAL_FORMS_KO", "LEGAL_FORMS_LATIN"]

LEGAL_FORMS_KO = ["주식회사", "유한회사", "유한책임회사", "합자회사", "합명회사", "재단법인",
                  "사단법인", "학교법인", "사회복지법인", "의료법인", "농업회사법인", "협동조합",
                  "산학협력단", "(주)", "(유)", "(재)", "(사)", "(합)", "(학)", "(의)", "(농)",
                  "주)", "(주"]
LEGAL_FORMS_LATIN = ["co", "ltd", "inc", "corp", "corporation", "company", "limited", "llc",
                     "gmbh", "ag", "sa", "sas", "srl", "spa", "bv", "nv", "plc", "ev", "kg",
                     "oy", "ab", "as", "sl", "sro", "doo", "kft", "zrt", "asbl", "vzw", "cooperative"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_KO_FORMS = re.compile("|".join(re.escape(f) for f in sorted(LEGAL_FORMS_KO, key=len, reverse=True)))
_LATIN_TAIL = re.compile(r"(?:[\s,.&]+(?:" + "|".join(LEGAL_FORMS_LATIN) + r")\.?)+\s*$")
_LATIN_HEAD = re.compile(r"^(?:" + "|".join(LEGAL_FORMS_LATIN) + r")\.?\s+")


def clean_name(name) -> str | None:
    """Display form: NFKC (full-width → ASCII, ㈜ → (주)), no control characters,
    single spaces.  Legal forms are kept (they are part of the name)."""
    if name is None or (isinstance(name, float) and name != name):
        return None
    s = str(name)
    if s.isprintable() and "  " not in s and s == s.strip() and s \
            and unicodedata.is_normalized("NFKC", s) and not _CONTROL.search(s):
        return s
    s = unicodedata.normalize("NFKC", s)
    s = _CONTROL.sub("", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s or None


def name_key(name) -> str | None:
    """Matching key for an organisation name.

    >>> {name_key(n) for n in ["(주)유아이디", "㈜ 유아이디", "유아이디 주식회사", "유아이디(주)"]}
    {'유아이디'}
    >>> name_key("충북대학교 산학협력단")
    '충북대학교'
    >>> name_key("UID Co., Ltd.") == name_key("uid")
    True
    """
    s = clean_name(name)
    if s is None:
        return None
    s = s.lower()
    s = _KO_FORMS.sub(" ", s)
    for _ in range(3):
        s2 = _LATIN_TAIL.sub("", s)
        s2 = _LATIN_HEAD.sub("", s2)
        if s2 == s:
            break
        s = s2
    s = re.sub(r"[^\w]+", "", s)
    s = s.replace("_", "")
    return s or None


def name_keys(names: pd.Series) -> pd.Series:
    """:func:`name_key` applied per unique value (fast on long columns)."""
    names = names.astype("object")
    uniq = pd.unique(names.dropna())
    return names.map({u: name_key(u) for u in uniq}).astype("object")


def clean_names(names: pd.Series) -> pd.Series:
    """:func:`clean_name` of a column.  Names are checked in blocks of 2,000 with a few
    C-level tests on the joined block; only blocks with something to clean go name by name."""
    names = names.astype("object")
    uniq = pd.unique(names.dropna())
    fixed = {}
    for a in range(0, len(uniq), 2000):
        block = uniq[a:a + 2000].tolist()
        if not _block_is_clean(block):
            for u in block:
                c = clean_name(u)
                if c != u:
                    fixed[u] = c
    if not fixed:
        return names.copy()
    return names.map(lambda v: fixed.get(v, v) if isinstance(v, str) else clean_name(v)).astype("object") \
        if len(fixed) > len(uniq) // 2 else names.where(~names.isin(list(fixed)), names.map(fixed)).astype("object")


def _block_is_clean(block: list) -> bool:
    """True when every name of the block is already its :func:`clean_name` (non-empty str,
    printable, NFKC, no control characters, no double or edge spaces)."""
    if not all(type(u) is str for u in block):
        return False
    joined = "\n".join(block)
    if not block or joined.count("\n") != len(block) - 1 or "" in block:
        return False
    # no name with whitespace at an edge (str.strip's whitespace is the regex \s: the same test
    # as a regex over the joined block, without the regex's scan of every position)
    if list(map(str.strip, block)) != block or "  " in joined or _CONTROL.search(joined):
        return False
    if not joined.replace("\n", "").isprintable():
        return False
    return unicodedata.is_normalized("NFKC", joined)
