"""Normalisation tables: regions (17 provinces × spellings), wide regions, names, types, roles."""
import pandas as pd
import pytest

from netcluster.names import name_key, clean_name
from netcluster.orgtypes import infer_org_type, normalise_org_type, normalise_role
from netcluster.regions import (PROVINCES, WIDE_REGIONS, normalise_region, region_from_address,
                                wide_region)

# Independent table written out by hand (not generated from PROVINCES): full name, short,
# revised romanisation, one alternative spelling.
OFFICIAL = [
    ("서울특별시", "서울", "Seoul", "Seoul Special City"),
    ("부산광역시", "부산", "Busan", "Pusan"),
    ("대구광역시", "대구", "Daegu", "Taegu"),
    ("인천광역시", "인천", "Incheon", "Inchon"),
    ("광주광역시", "광주", "Gwangju", "Kwangju"),
    ("대전광역시", "대전", "Daejeon", "Taejon"),
    ("울산광역시", "울산", "Ulsan", "Ulsan Metropolitan City"),
    ("세종특별자치시", "세종", "Sejong", "Sejong-si"),
    ("경기도", "경기", "Gyeonggi-do", "Kyonggi-do"),
    ("강원특별자치도", "강원", "Gangwon-do", "강원도"),
    ("충청북도", "충북", "Chungcheongbuk-do", "Chungbuk"),
    ("충청남도", "충남", "Chungcheongnam-do", "Chungnam"),
    ("전북특별자치도", "전북", "Jeollabuk-do", "전라북도"),
    ("전라남도", "전남", "Jeollanam-do", "Jeonnam"),
    ("경상북도", "경북", "Gyeongsangbuk-do", "Gyeongbuk"),
    ("경상남도", "경남", "Gyeongsangnam-do", "Gyeongnam"),
    ("제주특별자치도", "제주", "Jeju-do", "제주도"),
]


def test_seventeen_provinces():
    assert len(PROVINCES) == 17 and len(OFFICIAL) == 17
    assert sorted(p for _, p, _, _ in OFFICIAL) == sorted(PROVINCES)


@pytest.mark.parametrize("full,short,roman,alt", OFFICIAL)
def test_every_spelling(full, short, roman, alt):
    for spelling in (full, short, roman, alt, roman.upper(), roman.lower(), f"  {full} "):
        assert normalise_region(spelling) == short, spelling


@pytest.mark.parametrize("full,short,roman,alt", OFFICIAL)
def test_region_from_address_every_province(full, short, roman, alt):
    assert region_from_address(f"{full} 어느구 테스트로 12") == short
    assert region_from_address(f"{short} 어느시 테스트로 12") == short
    assert region_from_address(f"(12345) {full} 테스트로 1") == short


def test_address_examples():
    assert region_from_address("충북 청주시 흥덕구 오송읍") == "충북"
    assert region_from_address("경기 광주시 오포읍") == "경기"   # 광주시 in 경기 is not 광주광역시
    assert region_from_address("123 Main St, Berlin") is None


def test_wide_regions_5_plus_2():
    assert set(WIDE_REGIONS) == {"수도권", "충청권", "호남권", "대경권", "동남권", "강원권", "제주권"}
    members = [p for ps in WIDE_REGIONS.values() for p in ps]
    assert sorted(members) == sorted(PROVINCES)  # a partition
    assert wide_region("세종") == "충청권" and wide_region("울산") == "동남권"
    assert wide_region("DE21") is None


@pytest.mark.parametrize("value", ["DE21", "Germany", "NL221", "FR", "KR"])
def test_non_korean_regions_not_matched(value):
    assert normalise_region(value) is None


@pytest.mark.parametrize("names,key", [
    (["(주)유아이디", "㈜ 유아이디", "유아이디 주식회사", "유아이디(주)", " 유아이디 ", "（주）유아이디"], "유아이디"),
    (["충북대학교 산학협력단", "충북대학교", "학교법인 충북대학교"], "충북대학교"),
    (["(재)충북테크노파크", "재단법인 충북테크노파크"], "충북테크노파크"),
    (["UID Co., Ltd.", "UID CO LTD", "uid inc.", "Uid"], "uid"),
])
def test_name_keys(names, key):
    assert {name_key(n) for n in names} == {key}


def test_clean_name_removes_control_chars_and_fullwidth():
    assert clean_name("Ａ\x00B\u200b  C") == "AB C"
    assert clean_name("   ") is None


@pytest.mark.parametrize("raw,canon", [("PRC", "firm"), ("HES", "university"), ("REC", "research"),
                                       ("PUB", "government"), ("OTH", "other"), ("기업", "firm"),
                                       ("중소기업", "firm"), ("대학", "university"),
                                       ("연구소", "research"), ("지자체", "government"),
                                       ("테크노파크", "support"), ("unknown thing", None)])
def test_org_type_values(raw, canon):
    assert normalise_org_type(raw) == canon


@pytest.mark.parametrize("name,typ", [("충북대학교 산학협력단", "university"), ("한국과학기술원", "university"),
                                      ("한국기계연구원", "research"), ("삼성전자 기술연구소", "research"),
                                      ("충북테크노파크", "support"), ("정보통신산업진흥원", "support"),
                                      ("청주시청", "government"), ("한국산업단지공단", "government"),
                                      ("(주)유아이디", "firm"), ("유니플라즈마 주식회사", "firm"),
                                      ("Wageningen University", "university"),
                                      ("Municipality of Maribor", "government"), ("XYZ", "other")])
def test_type_inferred_from_name(name, typ):
    assert infer_org_type(name) == typ


@pytest.mark.parametrize("raw,role", [("주관", "lead"), ("총괄주관", "lead"), ("coordinator", "lead"),
                                      ("Lead Partner", "lead"), ("참여", "participant"),
                                      ("공동", "participant"), ("partner", "participant"),
                                      ("participant", "participant"), ("위탁", "subcontractor"),
                                      ("thirdParty", "other"), ("???", None)])
def test_roles(raw, role):
    assert normalise_role(raw) == role


def test_regions_from_addresses_equals_region_from_address():
    """The first-word shortcut gives region_from_address's answer on messy addresses
    (postcodes, country prefixes, full-width and ideographic spaces, commas, English order,
    run-together provinces, words that only start like a province)."""
    from hypothesis import given, settings, strategies as st
    from netcluster.regions import PROVINCES, regions_from_addresses
    spellings = sorted({sp for sps in PROVINCES.values() for sp in sps})
    words = st.sampled_from(spellings + ["청주시", "흥덕구", "123", "(28160)", "28160", "대한민국", "Korea",
                                         "KOREA,", "서울시청", "충북도", "Ｓｅｏｕｌ", "Seoul-si", "", "경기도청주"])
    seps = st.sampled_from([" ", "  ", ", ", ",", "\u3000", "\t", "", " ,"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.tuples(words, seps), min_size=1, max_size=5), st.sampled_from(["", " ", "\u3000"]))
    def check(parts, lead):
        a = lead + "".join(w + s for w, s in parts)
        assert regions_from_addresses([a])[a] == region_from_address(a), a

    check()
    fixed = ["충북 청주시", "충청북도청주시", "(28160) 충청북도 청주시", "대한민국 서울 강남구", "서울", "서울 ",
             "Cheongju-si, Chungcheongbuk-do", "Ｓｅｏｕｌ 강남구", "KR-43 x", "경기", None, float("nan")]
    got = regions_from_addresses(fixed)
    assert [got[a] for a in fixed[:-2]] == [region_from_address(a) for a in fixed[:-2]]


def test_org_type_label_table_equals_a_groupby_oracle():
    """quality.json's table of source labels → types, counted on codes, equals a pandas
    groupby / value_counts per label (types by count, ties in order of appearance within the
    label), and the warning names each unrecognised label once, at its first line."""
    import numpy as np
    from netcluster.dataset import _Builder
    from netcluster.mapping import Mapping
    from netcluster.quality import QualityLog
    rng = np.random.default_rng(0)
    for _ in range(150):
        n = int(rng.integers(1, 40))
        orgs = pd.DataFrame({"org_category": pd.Series(rng.choice(["A", "B", "C", None], n), dtype=object),
                             "line": np.arange(n) + 2, "file": "f.csv"})
        typ = pd.Series(rng.choice(["firm", "university", "other"], n), dtype=object)
        inferred = pd.Series(rng.random(n) < 0.4)
        b = _Builder(Mapping(), QualityLog())
        b._org_type_labels(orgs, typ, inferred, "organisations")
        frame = pd.DataFrame({"label": orgs["org_category"].fillna("(missing)"), "type": typ, "inferred": inferred})
        expected = []
        for lab, g in frame.groupby("label", sort=True):
            types = g["type"].value_counts()
            expected.append({"label": lab, "organisations": len(g),
                             "type": types.index[0] if len(types) == 1 else ", ".join(f"{k} {v}" for k, v in types.items()),
                             "how": ("inferred from name" if g["inferred"].all() else
                                     "mapping or built-in" if not g["inferred"].any() else "partly inferred")})
        assert b.log.tables["org_type_labels"] == expected
        m = inferred.to_numpy() & orgs["org_category"].notna().to_numpy()
        first = orgs[m].drop_duplicates("org_category")
        assert b.log.events["line"].tolist() == first["line"].tolist()


@pytest.mark.parametrize("label,expected", [
    ("기업부설연구소", "firm"), ("중소·중견기업", "firm"), ("전문생산기술연구소", "research"),
    ("특정연구기관", "research"), ("출연(연)", "research"), ("국공립연구기관", "research"),
    ("중앙행정기관", "government"), ("정부부처", "government"), ("연구조합", "support")])
def test_korean_rd_statistics_type_labels(label, expected):
    """As Korean R&D statistics count them: a firm's own lab is the firm's R&D."""
    assert normalise_org_type(label) == expected


@pytest.mark.parametrize("label,expected", [
    ("주관연구개발기관", "lead"), ("공동연구개발기관", "participant"), ("위탁연구개발기관", "subcontractor"),
    ("총괄주관기관", "lead"), ("세부주관기관", "participant"), ("수요기업", "participant")])
def test_roles_of_the_2021_rd_act_and_multi_part_projects(label, expected):
    assert normalise_role(label) == expected
