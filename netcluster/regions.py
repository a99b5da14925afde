"""Korean province-level regions and the 5+2 wide economic regions.

The 17 province-level units (시·도) are given canonical short names (서울,
부산, …, 제주).  Every common spelling is recognised: official names old and
new (강원도 / 강원특별자치도, 전라북도 / 전북특별자치도), short forms,
romanisations (Revised and McCune–Reischauer), ISO 3166-2 codes, and the
first word of an address ("충북 청주시 흥덕구 …" → 충북).

The 5+2 wide economic regions (광역경제권, the basis of the programme's 2009
reorganisation) are the second level: 수도권, 충청권, 호남권, 대경권, 동남권,
강원권, 제주권.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from ._distinct import map_distinct

__all__ = ["PROVINCES", "WIDE_REGIONS", "PROVINCE_TO_WIDE", "normalise_region", "is_korean",
           "region_from_address", "wide_region", "PROVINCE_ENGLISH"]

#: canonical short name -> spellings (canonical included)
PROVINCES: dict[str, list[str]] = {
    "서울": ["서울", "서울특별시", "서울시", "Seoul", "Seoul-si", "Seoul Special City",
           "Seoul-teukbyeolsi", "KR-11"],
    "부산": ["부산", "부산광역시", "부산시", "Busan", "Pusan", "Busan-si", "Busan Metropolitan City",
           "Busan-gwangyeoksi", "KR-26"],
    "대구": ["대구", "대구광역시", "대구시", "Daegu", "Taegu", "Daegu-si", "Daegu Metropolitan City",
           "Daegu-gwangyeoksi", "KR-27"],
    "인천": ["인천", "인천광역시", "인천시", "Incheon", "Inchon", "Incheon-si",
           "Incheon Metropolitan City", "Incheon-gwangyeoksi", "KR-28"],
    "광주": ["광주", "광주광역시", "Gwangju", "Kwangju", "Gwangju Metropolitan City",
           "Gwangju-gwangyeoksi", "KR-29"],
    "대전": ["대전", "대전광역시", "대전시", "Daejeon", "Taejon", "Taejeon", "Daejeon-si",
           "Daejeon Metropolitan City", "Daejeon-gwangyeoksi", "KR-30"],
    "울산": ["울산", "울산광역시", "울산시", "Ulsan", "Ulsan-si", "Ulsan Metropolitan City",
           "Ulsan-gwangyeoksi", "KR-31"],
    "세종": ["세종", "세종특별자치시", "세종시", "Sejong", "Sejong-si", "Sejong City",
           "Sejong Special Self-Governing City", "Sejong-teukbyeoljachisi", "KR-50"],
    "경기": ["경기", "경기도", "Gyeonggi", "Gyeonggi-do", "Kyonggi", "Kyonggi-do", "Kyeonggi",
           "Gyeonggi Province", "KR-41"],
    "강원": ["강원", "강원도", "강원특별자치도", "Gangwon", "Gangwon-do", "Kangwon", "Kangwon-do",
           "Gangwon Province", "Gangwon State", "Gangwon-teukbyeoljachido", "KR-42", "KR-51"],
    "충북": ["충북", "충청북도", "Chungbuk", "Chungcheongbuk-do", "Chungchongbuk-do",
           "North Chungcheong", "North Chungcheong Province", "KR-43"],
    "충남": ["충남", "충청남도", "Chungnam", "Chungcheongnam-do", "Chungchongnam-do",
           "South Chungcheong", "South Chungcheong Province", "KR-44"],
    "전북": ["전북", "전라북도", "전북특별자치도", "Jeonbuk", "Jeollabuk-do", "Chollabuk-do",
           "North Jeolla", "North Jeolla Province", "Jeonbuk State",
           "Jeonbuk-teukbyeoljachido", "KR-45", "KR-52"],
    "전남": ["전남", "전라남도", "Jeonnam", "Jeollanam-do", "Chollanam-do", "South Jeolla",
           "South Jeolla Province", "KR-46"],
    "경북": ["경북", "경상북도", "Gyeongbuk", "Gyeongsangbuk-do", "Kyongsangbuk-do",
           "North Gyeongsang", "North Gyeongsang Province", "KR-47"],
    "경남": ["경남", "경상남도", "Gyeongnam", "Gyeongsangnam-do", "Kyongsangnam-do",
           "South Gyeongsang", "South Gyeongsang Province", "KR-48"],
    "제주": ["제주", "제주특별자치도", "제주도", "Jeju", "Jeju-do", "Cheju", "Cheju-do",
           "Jeju Province", "Jeju Special Self-Governing Province", "Jeju-teukbyeoljachido",
           "KR-49"],
}

#: English label of each province (for reports).
PROVINCE_ENGLISH = {k: next(x for x in v[1:] if x.isascii()) for k, v in PROVINCES.items()}

WIDE_REGIONS: dict[str, list[str]] = {
    "수도권": ["서울", "인천", "경기"],
    "충청권": ["대전", "세종", "충북", "충남"],
    "호남권": ["광주", "전북", "전남"],
    "대경권": ["대구", "경북"],
    "동남권": ["부산", "울산", "경남"],
    "강원권": ["강원"],
    "제주권": ["제주"],
}
PROVINCE_TO_WIDE = {p: w for w, ps in WIDE_REGIONS.items() for p in ps}


def _key(s: str) -> str:
    s = unicodedata.normalize("NFKC", str(s)).strip().lower()
    return re.sub(r"[\s\-_.·,]+", "", s)


_LOOKUP = {_key(sp): canon for canon, spellings in PROVINCES.items() for sp in spellings}
# longest first, for prefix matching of run-together addresses ("충청북도청주시")
_PREFIXES = sorted(((k, v) for k, v in _LOOKUP.items() if not k.isascii()),
                   key=lambda kv: -len(kv[0]))


def normalise_region(value) -> str | None:
    """Canonical province for a region spelling, or ``None`` when not Korean.

    >>> normalise_region("충청북도"), normalise_region("Chungcheongbuk-do"), normalise_region("KR-43")
    ('충북', '충북', '충북')
    >>> normalise_region("DE21") is None
    True
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    return _LOOKUP.get(_key(value))


def region_from_address(address) -> str | None:
    """Province from the start of a Korean address.

    >>> region_from_address("충북 청주시 흥덕구 오송읍 123")
    '충북'
    >>> region_from_address("(28160) 충청북도 청주시")
    '충북'
    """
    if address is None or (isinstance(address, float) and address != address):
        return None
    text = unicodedata.normalize("NFKC", str(address)).strip()
    # skip a leading postcode like "(28160)" or "28160"
    text = re.sub(r"^[\[(]?\d{5,6}[\])]?\s*", "", text)
    text = re.sub(r"^(대한민국|한국|korea|republic of korea|south korea)[\s,]*", "", text,
                  flags=re.I)
    tokens = re.split(r"[\s,]+", text)
    for tok in tokens[:1]:
        hit = _LOOKUP.get(_key(tok))
        if hit:
            return hit
    k = _key(text)
    for prefix, canon in _PREFIXES:
        if k.startswith(prefix) and len(prefix) >= 2:
            return canon
    # English addresses end with the province: "..., Cheongju-si, Chungcheongbuk-do"
    for tok in reversed(re.split(r",\s*", text)):
        hit = _LOOKUP.get(_key(tok))
        if hit:
            return hit
    return None


_FIRST_SPLIT = re.compile(r"[\s,]+")


def regions_from_addresses(addresses) -> dict:
    """``{address: region_from_address(address)}`` for many distinct addresses, fast.

    Most addresses start with a province spelling followed by a space or comma ("충북 청주시
    …"); the province is then decided by that first word alone, looked up once per distinct
    word.  The shortcut is taken only where it provably gives the same answer as
    :func:`region_from_address` (the word is a province spelling and NFKC-stable, so the
    postcode and country prefixes cannot apply); every other address goes through it.
    """
    memo = {}
    out = {}
    for a in addresses:
        if isinstance(a, str):
            text = a.lstrip()
            tok = _FIRST_SPLIT.split(text, 1)[0]
            if tok not in memo:
                hit = _LOOKUP.get(_key(tok)) if tok and unicodedata.is_normalized("NFKC", tok) else None
                memo[tok] = hit
            hit = memo[tok]
            if hit is not None:
                out[a] = hit
                continue
        out[a] = region_from_address(a)
    return out


def wide_region(province) -> str | None:
    """The 5+2 wide economic region of a canonical province.

    >>> wide_region("충북")
    '충청권'
    """
    return PROVINCE_TO_WIDE.get(province)


def normalise_region_series(values: pd.Series, addresses: pd.Series | None = None):
    """Vectorised (per unique value) normalisation.

    Returns ``(region, how)`` where ``how`` is one of ``ok`` (already
    canonical), ``spelling`` (respelled), ``address`` (read from the address
    or from an address-like region value), ``passthrough`` (kept unchanged:
    not a Korean region) and ``missing``.
    """
    values = values.astype("object")
    uniq = pd.unique(values.dropna())
    region_map, how_map = {}, {}
    canons = {v: normalise_region(v) for v in uniq}
    from_address = regions_from_addresses([v for v, c in canons.items() if c is None])
    for v in uniq:
        canon = canons[v]
        if canon is not None:
            region_map[v] = canon
            how_map[v] = "ok" if canon == v else "spelling"
            continue
        canon = from_address[v]
        if canon is not None:
            region_map[v], how_map[v] = canon, "address"
        else:
            region_map[v], how_map[v] = v, "passthrough"
    region = map_distinct(values, region_map)
    how = map_distinct(values, how_map)
    how = how.where(values.notna(), "missing")
    if addresses is not None:
        need = region.isna() & addresses.notna()
        if need.any():
            addr = addresses[need].astype("object")
            amap = regions_from_addresses(pd.unique(addr))
            got = map_distinct(addr, amap)
            region = region.astype("object")
            region.loc[got.index] = got
            how.loc[got.index[got.notna().to_numpy()]] = "address"
    return region, how


def is_korean(regions) -> bool:
    """Whether the organisations' regions are Korean provinces (at least half of the known
    ones): the data are then the Korean programme's, with its review figures, phases and
    5+2 wide regions; otherwise (an EU export: countries, NUTS codes) they are not.

    >>> is_korean(["충북", "서울", None]), is_korean(["DE11", "FR10", "충북"])
    (True, False)
    """
    known = [r for r in regions if isinstance(r, str)]
    return bool(known) and sum(r in PROVINCES for r in known) >= 0.5 * len(known)
