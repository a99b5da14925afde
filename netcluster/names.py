"""Organisation names: a canonical matching key and a clean display name.

Korean and international exports spell one organisation many ways:
"(주)유아이디", "㈜ 유아이디", "유아이디 주식회사", "UID Co., Ltd.".  The key
drops legal-form markers, the "산학협력단" suffix of university foundations,
full-width forms, spelling punctuation (spaces, ``. , - _ ' " ( ) [ ] / · : ;``) and case,
so these compare equal — and nothing else:

* Korean legal forms are removed wherever they stand; Latin ones (Co., Ltd., GmbH, SA, KG …)
  only as separate words at the end of the name, so "KG 모빌리티" and "SA 모빌리티" stay two
  organisations;
* symbols that tell names apart stay in the key ("C++ 연구소" ≠ "C# 연구소", "A&B" ≠ "AB").

Invisible characters — control characters, bidirectional overrides and isolates
(U+202A–202E, U+2066–2069), zero-width and other format characters — are removed from names
(:func:`clean_name`) and ids (:func:`clean_id`): they could make one name display reversed or two
equal-looking names differ.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from ._distinct import map_distinct

__all__ = ["name_key", "clean_name", "clean_id", "has_invisible", "INVISIBLE_PATTERN", "GENERATED_ID_PREFIX", "LEGAL_FORMS_KO", "LEGAL_FORMS_LATIN"]

#: Prefix of an organisation id made from a name key when the data has an id column but a row
#: has no id.  Its colon is the full-width U+FF1A, which no id of the data can contain (ids are
#: NFKC-normalised, which turns it into ":"), so a generated id never equals a literal one.
GENERATED_ID_PREFIX = "name\uff1a"

LEGAL_FORMS_KO = ["주식회사", "유한회사", "유한책임회사", "합자회사", "합명회사", "재단법인",
                  "사단법인", "학교법인", "사회복지법인", "의료법인", "농업회사법인", "협동조합",
                  "산학협력단", "(주)", "(유)", "(재)", "(사)", "(합)", "(학)", "(의)", "(농)",
                  "주)", "(주"]
LEGAL_FORMS_LATIN = ["co", "ltd", "inc", "corp", "corporation", "company", "limited", "llc",
                     "gmbh", "ag", "sa", "sas", "srl", "spa", "bv", "nv", "plc", "ev", "kg",
                     "oy", "ab", "as", "sl", "sro", "doo", "kft", "zrt", "asbl", "vzw", "cooperative"]
# control characters (C0, C1) other than whitespace, and the format characters (category Cf:
# soft hyphen, bidirectional marks/embeddings/overrides/isolates, zero-width, word joiner,
# invisible operators, BOM, interlinear annotation, tags)
_INVISIBLE = ("\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f"
              "\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
              "\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
              "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_CONTROL = re.compile(f"[{_INVISIBLE}]")
#: the invisible characters as a regular-expression class (for vectorised searches)
INVISIBLE_PATTERN = f"[{_INVISIBLE}]"
_KO_FORMS = re.compile("|".join(re.escape(f) for f in sorted(LEGAL_FORMS_KO, key=len, reverse=True)))
_LATIN_TAIL = re.compile(r"(?:[\s,.&]+(?:" + "|".join(LEGAL_FORMS_LATIN) + r")\.?)+\s*$")

def _spelling_class() -> str:
    """Spelling punctuation, dropped from the key: separators and spaces, dashes, brackets,
    quotation marks, connectors, and the marks . , : ; · ` ´ / in every script (other symbols —
    + # & @ * % ! ? $ … — tell names apart and stay)."""
    kept = set("+#&@*%!?$=~^|\\<>")
    out = []
    for i in range(0x10000):
        c = chr(i)
        cat = unicodedata.category(c)
        if (cat[0] == "Z" or cat in ("Pd", "Ps", "Pe", "Pi", "Pf", "Pc")
                or (cat == "Po" and c not in kept and unicodedata.name(c, "").split()[-1] in
                    ("STOP", "COMMA", "COLON", "SEMICOLON", "APOSTROPHE", "MARK", "DOT", "SOLIDUS",
                     "SLASH", "LINE", "POINT"))
                or c in "`´'\"/\\" or c.isspace()):
            out.append(re.escape(c) if c in "\\]^-[" else c)
    return "".join(out)


_SPELLING = re.compile("[" + _spelling_class() + "]+")


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
    >>> name_key("KG 모빌리티") == name_key("SA 모빌리티"), name_key("C++ 연구소") == name_key("C# 연구소")
    (False, False)
    """
    s = clean_name(name)
    if s is None:
        return None
    s = s.lower()
    s = _KO_FORMS.sub(" ", s)
    s = _LATIN_TAIL.sub("", s)
    s = _SPELLING.sub("", s)
    return s or None


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds an invisible or control character that :func:`clean_name`
    removes."""
    return bool(_CONTROL.search(text))


def clean_id(value) -> str | None:
    """An id cell as an id: NFKC (full-width digits and letters → ASCII), invisible and control
    characters removed, surrounding whitespace stripped; None when nothing is left.

    >>> clean_id("ＡＢ１２３"), clean_id("A1\u2003"), clean_id("\u202eA1")
    ('AB123', 'A1', 'A1')
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = str(value)
    if s.isascii() and s.isprintable() and s == s.strip():
        return s or None
    s = _CONTROL.sub("", unicodedata.normalize("NFKC", s)).strip()
    return s or None


def name_keys(names: pd.Series) -> pd.Series:
    """:func:`name_key` applied per unique value (fast on long columns)."""
    return map_distinct(names, name_key)


def clean_names(names: pd.Series) -> pd.Series:
    """:func:`clean_name` of a column.  Names are checked in blocks of 2,000 with a few
    C-level tests on the joined block; only blocks with something to clean go name by name."""
    names = names.astype("object")
    values = names.to_numpy(dtype=object)
    if _block_is_clean(values[~pd.isna(values)].tolist()):  # the whole column at once: the common case
        return names.copy()
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
    if not block:
        return False
    try:
        joined = "\n".join(block)
    except TypeError:  # not all text
        return False
    if joined.count("\n") != len(block) - 1 or "\n\n" in joined or block[0] == "" or block[-1] == "":
        return False
    # printable: no control or format character (every character clean_name removes is one,
    # see tests/test_names.py) and no whitespace but the ASCII space
    if not joined.replace("\n", "").isprintable():
        return False
    # so a name with whitespace at an edge has a space beside a line break or at an end
    edges = "\n" + joined + "\n"
    if " \n" in edges or "\n " in edges or "  " in joined:
        return False
    return unicodedata.is_normalized("NFKC", joined)
