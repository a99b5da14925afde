"""Synthetic Korean innovation-cluster data (seeded, vectorised).

The generator builds a population of organisations in industrial complexes
and a stream of joint R&D projects 2005–2014, calibrated to the ten-year
review of the industrial-complex cluster programme:

* over 90% of projects are joint projects of two or more firms;
* about 20% of the complexes take part in the programme (a scaled-down
  version of 12 → 193 of ~1,000 complexes: 7 pilots from 2005, 12 by 2007, the
  rest from the 2009 reorganisation around the 5+2 wide economic regions);
* the share of participating firms in each complex's designated specialised
  industries rises from about 64% (2005) to about 78% (2012–2014);
* participating firms file about 4.6× the patents of non-participants;
* strong home-province bias, mini-clusters that do most of the networking,
  thin knowledge-intensive services (KSIC 58, 62, 63, 70–73).

Messiness is added on purpose (legal-form variants of names, region
spellings, addresses instead of regions, Korean role words, a few duplicate
rows) so that the sample exercises the normaliser and the quality report.
Everything is drawn from one ``numpy.random.Generator(seed)``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._sorting import unique_values
from .dataset import load_dataset
from .regions import PROVINCE_TO_WIDE, PROVINCES

__all__ = ["generate", "generate_eu_framework", "generate_outcomes", "sample_outcomes", "write_sample", "KOREAN_HEADERS", "KNOWLEDGE_SERVICE_KSIC",
           "PROFILES"]

PROFILES = ("korea", "eu-framework")

#: KSIC (10th revision) 2-digit divisions treated as knowledge-intensive services.
KNOWLEDGE_SERVICE_KSIC = ["58", "62", "63", "70", "71", "72", "73"]

# (complex, province, city, designated KSIC divisions, phase it joined: 1 pilot 2005, 2 2007, 3 2009)
_COVERED = [
    ("창원국가산업단지", "경남", "창원시 성산구", ["29", "30"], 1),
    ("구미국가산업단지", "경북", "구미시", ["26", "28"], 1),
    ("울산미포국가산업단지", "울산", "남구", ["30", "31", "20"], 1),
    ("반월시화국가산업단지", "경기", "안산시 단원구", ["24", "25", "29"], 1),
    ("오창과학산업단지", "충북", "청주시 청원구", ["26", "21"], 1),
    ("광주첨단과학산업단지", "광주", "북구", ["27", "26"], 1),
    ("원주문막산업단지", "강원", "원주시", ["27"], 1),
    ("남동국가산업단지", "인천", "남동구", ["29", "25"], 2),
    ("부산녹산국가산업단지", "부산", "강서구", ["30", "29"], 2),
    ("대구성서산업단지", "대구", "달서구", ["30", "13"], 2),
    ("군산국가산업단지", "전북", "군산시", ["30", "31"], 2),
    ("여수국가산업단지", "전남", "여수시", ["20", "22"], 2),
    ("대덕연구개발특구", "대전", "유성구", ["26", "27"], 3),
    ("서울디지털산업단지", "서울", "구로구", ["26", "62"], 3),
    ("천안제3일반산업단지", "충남", "서북구", ["26", "29"], 3),
    ("포항철강산업단지", "경북", "포항시 남구", ["24", "25"], 3),
    ("명지녹산산업단지", "부산", "강서구", ["29", "25"], 3),
    ("익산국가산업단지", "전북", "익산시", ["10", "27"], 3),
    ("제주첨단과학기술단지", "제주", "제주시", ["21", "62"], 3),
    ("세종명학산업단지", "세종", "연서면", ["29", "26"], 3),
]
_CITY = {"서울": "구로구", "부산": "사하구", "대구": "북구", "인천": "서구", "광주": "광산구",
         "대전": "대덕구", "울산": "울주군", "세종": "조치원읍", "경기": "화성시", "강원": "춘천시",
         "충북": "충주시", "충남": "아산시", "전북": "전주시 덕진구", "전남": "목포시",
         "경북": "경산시", "경남": "김해시", "제주": "서귀포시"}
_MFG = ["10", "13", "20", "21", "22", "24", "25", "26", "27", "28", "29", "30", "31"]
_KSIC_NAMES = {"10": "식료품", "13": "섬유", "20": "화학", "21": "의약", "22": "고무플라스틱",
               "24": "1차금속", "25": "금속가공", "26": "전자부품", "27": "의료정밀광학",
               "28": "전기장비", "29": "기계장비", "30": "자동차", "31": "조선",
               "58": "출판", "62": "소프트웨어", "63": "정보서비스", "70": "연구개발",
               "71": "전문서비스", "72": "엔지니어링", "73": "디자인"}
_UNIS = {"서울": ["서울대학교", "한양대학교"], "부산": ["부산대학교", "부경대학교"],
         "대구": ["경북대학교", "계명대학교"], "인천": ["인하대학교"], "광주": ["전남대학교", "조선대학교"],
         "대전": ["충남대학교", "한국과학기술원"], "울산": ["울산대학교"], "세종": ["고려대학교 세종캠퍼스"],
         "경기": ["아주대학교", "한국산업기술대학교"], "강원": ["강원대학교", "연세대학교 원주캠퍼스"],
         "충북": ["충북대학교", "청주대학교"], "충남": ["공주대학교", "호서대학교"],
         "전북": ["전북대학교", "군산대학교"], "전남": ["목포대학교", "순천대학교"],
         "경북": ["영남대학교", "금오공과대학교", "포항공과대학교"], "경남": ["창원대학교", "경상대학교"],
         "제주": ["제주대학교"]}
_INSTITUTES = [("한국전자통신연구원", "대전"), ("한국기계연구원", "대전"), ("한국화학연구원", "대전"),
               ("한국생산기술연구원", "충남"), ("한국전기연구원", "경남"), ("전자부품연구원", "경기"),
               ("한국광기술원", "광주"), ("자동차부품연구원", "충남"), ("한국재료연구소", "경남"),
               ("대구경북과학기술원", "대구"), ("한국산업기술시험원", "경기"), ("한국건설생활환경시험연구원", "서울"),
               ("울산정보산업진흥원부설연구소", "울산"), ("강원테크노파크 의료기기연구소", "강원"),
               ("전북자동차기술원", "전북"), ("한국조선해양기자재연구원", "부산"),
               ("포항산업과학연구원", "경북"), ("제주바이오산업연구소", "제주")]
_PREFIX = ["대모", "유니", "한빛", "세원", "동양", "삼익", "태광", "대성", "우진", "한솔", "신성",
           "동아", "금강", "성우", "미래", "나노", "하이", "에이스", "코리아", "글로벌", "씨엔",
           "제이", "에스", "케이", "대원", "화신", "영신", "삼정", "진성", "현대", "일진", "상신",
           "오성", "보광", "청운", "동일", "서진", "수성", "태양", "백산"]
_MID = ["", "", "", "티", "엠", "씨", "에이", "디", "넥", "큐", "원", "텍", "비", "알", "지"]
_SUFFIX_MFG = ["테크", "정밀", "산업", "전자", "시스템", "소재", "기계", "플라즈마", "하이텍",
               "메디칼", "오토텍", "이노텍", "케미칼", "메탈", "엔텍", "옵틱스", "바이오"]
_SUFFIX_KIS = {"58": ["출판", "미디어"], "62": ["소프트", "정보기술", "아이티"],
               "63": ["데이터", "인포"], "70": ["기술연구소", "R&D"], "71": ["컨설팅", "특허법률사무소"],
               "72": ["엔지니어링", "기술사사무소"], "73": ["디자인", "디자인랩"]}
_LEGAL = ["(주){}", "㈜{}", "{} 주식회사", "{}(주)", "㈜ {}", "{}"]
_ROLE_WORDS = {"lead": ["주관", "주관기관", "총괄주관"], "participant": ["참여", "참여기관", "공동"],
               "subcontractor": ["위탁", "위탁기관"]}
_PROGRAMMES = {
    "산업단지혁신클러스터R&D": (2005, 2014),
    "미니클러스터활동지원": (2005, 2014),
    "광역클러스터연계사업": (2009, 2014),
    "지역산업진흥사업": (2006, 2014),
}

KOREAN_HEADERS = {
    "project_id": "과제번호", "year": "사업연도", "programme": "사업명", "title": "과제명",
    "budget": "사업비(천원)", "org_id": "기관코드", "name": "참여기관명", "org_type": "기관구분",
    "role": "참여역할", "region": "지역", "address": "소재지", "complex": "산업단지",
    "cluster": "미니클러스터", "sector": "표준산업분류코드", "size": "기업규모",
    "employees": "종업원수", "patents": "특허출원", "specialised": "특화업종",
}
_TYPE_WORDS = {"firm": ["기업", "중소기업", "산업체"], "university": ["대학", "대학교"],
               "research": ["연구소", "연구기관"], "government": ["지자체", "공공기관"],
               "support": ["지원기관", "테크노파크"]}


def _spellings(province, rng, n):
    sp = [s for s in PROVINCES[province] if not s.startswith("KR-")]
    weights = np.array([8 if i < 2 else 1 for i in range(len(sp))], float)
    return rng.choice(sp, size=n, p=weights / weights.sum())


def generate(n_rows: int = 4000, *, seed: int = 20051, n_complexes: int = 100,
             messy: bool = True):
    """Generate ``(participations, organisations, projects)`` in canonical columns.

    Parameters
    ----------
    n_rows : int
        Approximate number of participation rows (the result is within a few %).
    seed : int
    n_complexes : int
        Complexes in the population (20 take part in the programme).
    messy : bool
        Add spelling variants, addresses instead of regions and duplicate rows.
    """
    rng = np.random.default_rng(seed)
    provinces = list(PROVINCES)
    n_projects = max(40, int(round(n_rows / 4.1)))
    # --- complexes ----------------------------------------------------------
    cx = [dict(name=c[0], province=c[1], city=c[2], spec=c[3], phase=c[4], covered=True)
          for c in _COVERED]
    for i in range(max(0, n_complexes - len(cx))):
        p = provinces[i % len(provinces)]
        town = _CITY[p].split()[0][:-1]
        nth = i // len(provinces)
        spec = [str(x) for x in rng.choice(_MFG, size=2, replace=False)]
        cx.append(dict(name=f"{town}일반산업단지" if nth == 0 else f"{town}제{nth + 1}일반산업단지",
                       province=p, city=_CITY[p], spec=spec, phase=0, covered=False))
    complexes = pd.DataFrame(cx)
    n_cx = len(complexes)
    spec_arr = np.array([(s + s + s)[:3] for s in complexes["spec"]], dtype=object)  # padded
    spec_len = complexes["spec"].map(len).to_numpy()
    cx_prov = complexes["province"].to_numpy()
    # --- firms --------------------------------------------------------------
    n_firms = max(3000, int(n_projects * 6))
    covered_idx = np.flatnonzero(complexes["covered"].to_numpy())
    w = np.where(complexes["covered"], 1.2, 1.0)
    firm_cx = rng.choice(n_cx, size=n_firms, p=w / w.sum())
    is_kis = rng.random(n_firms) < 0.07
    want_spec = rng.random(n_firms) < 0.55
    spec_pick = spec_arr[firm_cx, rng.integers(0, 3, n_firms) % spec_len[firm_cx]]
    mfg = np.array(_MFG, dtype=object)
    other_pick = mfg[rng.integers(len(mfg), size=n_firms)]
    kis_pick = np.array(KNOWLEDGE_SERVICE_KSIC, dtype=object)[
        rng.integers(len(KNOWLEDGE_SERVICE_KSIC), size=n_firms)]
    sector2 = np.where(is_kis, kis_pick, np.where(want_spec, spec_pick, other_pick))
    is_spec = ((sector2 == spec_arr[firm_cx, 0]) | (sector2 == spec_arr[firm_cx, 1])
               | (sector2 == spec_arr[firm_cx, 2]))
    sector = (pd.Series(sector2) + pd.Series(rng.integers(100, 999, n_firms)).astype(str)).to_numpy()
    suf_mfg = np.array(_SUFFIX_MFG, dtype=object)[rng.integers(len(_SUFFIX_MFG), size=n_firms)]
    kis_suf = pd.Series(sector2).map(lambda s: _SUFFIX_KIS.get(s, ["테크"])[0]).to_numpy()
    suffix = np.where(is_kis, kis_suf, suf_mfg)
    base = (pd.Series(np.array(_PREFIX, dtype=object)[rng.integers(len(_PREFIX), size=n_firms)])
            + pd.Series(np.array(_MID, dtype=object)[rng.integers(len(_MID), size=n_firms)])
            + pd.Series(suffix))
    k = base.groupby(base).cumcount()
    names = base.where(k == 0, base + (k + 1).astype(str)).to_numpy(dtype=object)
    # the firms named in the review article, in 오창
    ochang = int(np.flatnonzero(complexes["name"] == "오창과학산업단지")[0])
    for j, nm in enumerate(["유아이디", "유니플라즈마", "대모엔지니어링"]):
        names[names == nm] = nm + "2"
        names[j] = nm
        firm_cx[j] = ochang
        sector2[j], sector[j], is_spec[j], is_kis[j] = "26", "26299", True, False
    firm_prov = cx_prov[firm_cx]
    size = rng.choice(np.array(["소기업", "중기업", "중견기업", "대기업"], dtype=object),
                      size=n_firms, p=[0.55, 0.33, 0.09, 0.03])
    emp_base = pd.Series(size).map({"소기업": 20, "중기업": 120, "중견기업": 600, "대기업": 3000})
    employees = np.maximum(1, rng.lognormal(np.log(emp_base.to_numpy(float)), 0.5).astype(int))
    ids = rng.choice(10**9 - 10**8, size=n_firms, replace=False) + 10**8
    firm_ids = pd.Series(ids).astype(str)
    firm_ids = firm_ids.where(ids % 7 != 0, "0" + firm_ids).to_numpy(dtype=object)
    # mini-clusters: per covered complex, by sector group (designated sectors + 융합)
    short = complexes["name"].str.replace(r"(국가|일반|과학|첨단)?산업단지|연구개발특구|과학기술단지|첨단", "",
                                          regex=True).str.replace("과학", "").to_numpy()
    in_spec_group = ((sector2 == spec_arr[firm_cx, 0]) | (sector2 == spec_arr[firm_cx, 1])
                     | (sector2 == spec_arr[firm_cx, 2]))
    group = np.where(in_spec_group, pd.Series(sector2).map(_KSIC_NAMES).to_numpy(), "융합")
    covered_firm = complexes["covered"].to_numpy()[firm_cx]
    mini = np.where(covered_firm, pd.Series(short[firm_cx]) + " " + pd.Series(group) + " 미니클러스터",
                    None)
    firms = pd.DataFrame({"org_id": firm_ids, "name": names, "org_type": "firm",
                          "region": firm_prov, "complex": complexes["name"].to_numpy()[firm_cx],
                          "cluster": mini, "sector": sector, "size": size,
                          "employees": employees})
    # --- universities, institutes, support, government ----------------------
    others = []
    for p, unis in _UNIS.items():
        for u in unis:
            others.append((u + " 산학협력단" if "과학기술원" not in u else u, "university", p))
    for nm, p in _INSTITUTES:
        others.append((nm, "research", p))
    for p in provinces:
        others.append((f"{p}테크노파크", "support", p))
        gov = {"서울": "서울특별시청", "부산": "부산광역시청", "대구": "대구광역시청", "인천": "인천광역시청",
               "광주": "광주광역시청", "대전": "대전광역시청", "울산": "울산광역시청",
               "세종": "세종특별자치시청"}.get(p, f"{PROVINCES[p][1]}청")
        others.append((gov, "government", p))
    others += [("한국산업단지공단", "government", "대구"), ("한국산업기술진흥원", "support", "서울"),
               ("충북지식산업진흥원", "support", "충북"), ("경남창조경제혁신센터", "support", "경남")]
    oth = pd.DataFrame(others, columns=["name", "org_type", "region"])
    letter = oth["org_type"].map({"university": "U", "research": "R", "support": "S",
                                  "government": "G"})
    oth["org_id"] = letter + pd.Series(np.arange(len(oth))).map("{:04d}".format)
    # --- projects -----------------------------------------------------------
    years = np.arange(2005, 2015)
    growth = np.array([0.5, 0.6, 0.8, 0.9, 1.2, 1.3, 1.3, 1.2, 1.1, 1.1])
    p_year = rng.choice(years, size=n_projects, p=growth / growth.sum())
    phase_of = complexes["phase"].to_numpy()
    join_year = np.where(phase_of == 1, 2005, np.where(phase_of == 2, 2007, 2009))
    proj_cx = np.empty(n_projects, dtype=np.int64)
    for y in years:
        sel = np.flatnonzero(p_year == y)
        active = covered_idx[join_year[covered_idx] <= y]
        proj_cx[sel] = rng.choice(active, size=len(sel))
    prog_names = np.array(list(_PROGRAMMES), dtype=object)
    u = rng.random(n_projects)
    early = p_year < 2009
    prog_i = np.where(early, np.searchsorted([0.55, 0.85, 0.85, 1.0], u, side="right"),
                      np.searchsorted([0.45, 0.65, 0.85, 1.0], u, side="right"))
    prog = prog_names[np.minimum(prog_i, 3)]
    n_f = np.where(rng.random(n_projects) < 0.05, 1, 2 + rng.binomial(4, 0.3, n_projects))
    # firm slots, vectorised: the lead firm first, then partners around it
    firm_spec = is_spec
    pspec = np.minimum(0.92, 0.64 + 0.028 * (p_year - 2005))
    lead_spec = rng.random(n_projects) < pspec
    lead = _draw(rng, firm_cx * 2 + firm_spec, proj_cx * 2 + lead_spec,
                 fallback=proj_cx * 2 + (~lead_spec), n_groups=n_cx * 2)
    mini_code = pd.factorize(pd.Series(mini).fillna("(none)"))[0]
    slot_proj = np.repeat(np.arange(n_projects), n_f - 1)
    n_slots = len(slot_proj)
    us = rng.random(n_slots)
    sp = rng.random(n_slots) < pspec[slot_proj]
    wide_code = pd.Series(firm_prov).map(PROVINCE_TO_WIDE)
    wide_codes, wide_index = pd.factorize(wide_code)
    cx_wide = pd.Series(cx_prov).map(PROVINCE_TO_WIDE).map({w: i for i, w in enumerate(wide_index)}).to_numpy()
    same_mini = _draw(rng, mini_code * 2 + firm_spec, mini_code[lead[slot_proj]] * 2 + sp,
                      fallback=proj_cx[slot_proj] * 2 + sp, n_groups=(mini_code.max() + 1) * 2,
                      fallback_keys=firm_cx * 2 + firm_spec)
    same_cx = _draw(rng, firm_cx * 2 + firm_spec, proj_cx[slot_proj] * 2 + sp,
                    fallback=proj_cx[slot_proj] * 2 + (~sp), n_groups=n_cx * 2)
    in_programme = complexes["covered"].to_numpy()[firm_cx]
    wide_member = np.where(in_programme, wide_codes, len(wide_index))  # only firms of covered complexes
    same_wide = _draw(rng, wide_member, cx_wide[proj_cx[slot_proj]], n_groups=len(wide_index) + 1)
    covered_firms = np.flatnonzero(in_programme)
    anywhere = covered_firms[rng.integers(len(covered_firms), size=n_slots)]
    wide_prog = prog[slot_proj] == "광역클러스터연계사업"
    partner = np.where(us < 0.55, same_mini, np.where(
        us < (np.where(wide_prog, 0.80, 0.93)), same_cx,
        np.where(us < np.where(wide_prog, 0.98, 0.97), same_wide, anywhere)))
    f_proj = np.concatenate([np.arange(n_projects), slot_proj])
    f_org = np.concatenate([lead, partner])
    f_role = np.concatenate([np.full(n_projects, "lead", dtype=object),
                             np.where(rng.random(n_slots) < 0.05, "subcontractor", "participant")])
    # other organisations: universities, institutes, support, government
    kinds = [("university", rng.binomial(2, 0.35, n_projects)), ("research", rng.binomial(1, 0.3, n_projects)),
             ("support", rng.binomial(1, 0.15, n_projects)), ("government", rng.binomial(1, 0.04, n_projects))]
    oth_type = oth["org_type"].to_numpy()
    prov_codes = {p: i for i, p in enumerate(provinces)}
    oth_prov = oth["region"].map(prov_codes).to_numpy()
    o_proj, o_org = [], []
    kicox = int(np.flatnonzero(oth["name"] == "한국산업단지공단")[0])
    for kind, cnt in kinds:
        t_idx = np.flatnonzero(oth_type == kind)
        slots = np.repeat(np.arange(n_projects), cnt)
        pprov = pd.Series(cx_prov[proj_cx[slots]]).map(prov_codes).to_numpy()
        local = _draw(rng, oth_prov[t_idx], pprov, n_groups=len(provinces))
        local = np.where(local >= 0, t_idx[np.maximum(local, 0)], -1)
        far = t_idx[rng.integers(len(t_idx), size=len(slots))]
        pick = np.where((rng.random(len(slots)) < 0.8) & (local >= 0), local, far)
        if kind == "government":
            pick = np.where(rng.random(len(slots)) < 0.6, kicox, pick)
        o_proj.append(slots)
        o_org.append(n_firms + pick)
    all_proj = np.concatenate([f_proj] + o_proj)
    all_org = np.concatenate([f_org] + o_org)
    all_role = np.concatenate([f_role, np.full(len(all_proj) - len(f_proj), "participant", dtype=object)])
    pairs = pd.DataFrame({"p": all_proj, "o": all_org, "r": all_role}).drop_duplicates(["p", "o"])
    pid = (pd.Series(["KC"] * n_projects) + pd.Series(p_year).astype(str) + "-"
           + pd.Series(np.arange(1, n_projects + 1)).map("{:06d}".format)).to_numpy(dtype=object)
    budget = np.round(rng.lognormal(np.log(300_000), 0.6, n_projects), -3).astype(np.int64)
    title_sector = pd.Series(spec_arr[proj_cx, 0]).map(_KSIC_NAMES)
    projects = pd.DataFrame({"project_id": pid, "year": p_year, "programme": prog,
                             "title": (title_sector + " 핵심기술 공동개발 "
                                       + pd.Series(np.arange(1, n_projects + 1)).astype(str)).to_numpy(),
                             "complex": complexes["name"].to_numpy()[proj_cx],
                             "budget": budget})
    firm_part = np.zeros(n_firms, bool)
    fo = pairs["o"].to_numpy()
    firm_part[fo[fo < n_firms]] = True
    # patents: participants file about 4.6x as many as non-participants
    lam = np.where(firm_part, 2.45, 0.5) * np.sqrt(employees / 50)
    firms["patents"] = rng.poisson(lam)
    firms["specialised"] = complexes["spec"].map(lambda s: ";".join(s)).to_numpy()[firm_cx]
    oth_sector = np.where(oth_type == "university", "85301", np.where(oth_type == "research", "70111", "84111"))
    firms["employees"] = firms["employees"].astype("Int64")
    firms["patents"] = firms["patents"].astype("Int64")
    orgs = pd.concat([firms, oth.assign(complex=None, cluster=None, sector=oth_sector, size=None,
                                        employees=pd.NA, patents=pd.NA, specialised=None)],
                     ignore_index=True)
    city = orgs["complex"].map(dict(zip(complexes["name"], complexes["city"])))
    city = city.where(city.notna(), orgs["region"].map(_CITY))
    orgs["address"] = (orgs["region"] + " " + city + " " + pd.Series(rng.integers(1, 400, len(orgs))).astype(str)
                       + "번길 " + pd.Series(rng.integers(1, 99, len(orgs))).astype(str)).to_numpy()
    participations = pd.DataFrame({"project_id": pid[pairs["p"].to_numpy()],
                                   "org_id": orgs["org_id"].to_numpy()[pairs["o"].to_numpy()],
                                   "role": pairs["r"].to_numpy()})
    # programme duplication: about 1% of projects funded again, same year, by another programme
    dup = np.flatnonzero(rng.random(n_projects) < 0.01)
    if len(dup):
        other = np.array([prog_names[(list(prog_names).index(prog[j]) + 1 + rng.integers(3)) % 4]
                          for j in dup], dtype=object)
        new_ids = (pd.Series(["KD"] * len(dup)) + pd.Series(p_year[dup]).astype(str) + "-"
                   + pd.Series(np.arange(1, len(dup) + 1)).map("{:06d}".format)).to_numpy(dtype=object)
        dproj = projects.iloc[dup].copy()
        dproj["project_id"] = new_ids
        dproj["programme"] = other
        projects = pd.concat([projects, dproj], ignore_index=True)
        remap = dict(zip(pid[dup], new_ids))
        dpart = participations[participations["project_id"].isin(remap)].copy()
        dpart["project_id"] = dpart["project_id"].map(remap)
        participations = pd.concat([participations, dpart], ignore_index=True)
    if messy:
        participations, orgs = _mess(participations, orgs, rng)
    return participations, orgs.reset_index(drop=True), projects


def _draw(rng, member_keys, wanted_keys, *, n_groups, fallback=None, fallback_keys=None):
    """For each wanted key, a uniformly random member index with that key (vectorised).

    Where the group is empty, draw from ``fallback`` keys (over ``fallback_keys``
    membership, default the same); -1 when both are empty.
    """
    member_keys = np.asarray(member_keys, dtype=np.int64)
    order = np.argsort(member_keys, kind="stable")
    counts = np.bincount(member_keys, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    wanted = np.asarray(wanted_keys, dtype=np.int64)
    size = counts[wanted]
    pos = starts[wanted] + np.floor(rng.random(len(wanted)) * np.maximum(size, 1)).astype(np.int64)
    out = np.where(size > 0, order[np.minimum(pos, len(order) - 1)], -1)
    if fallback is not None and (out < 0).any():
        fk = member_keys if fallback_keys is None else np.asarray(fallback_keys, dtype=np.int64)
        ng = max(n_groups, int(fk.max()) + 1, int(np.max(fallback)) + 1)
        fb = _draw(rng, fk, np.asarray(fallback), n_groups=ng)
        out = np.where(out < 0, fb, out)
    if (out < 0).any():
        out = np.where(out < 0, rng.integers(len(member_keys), size=len(out)), out)
    return out


def _addr_city(p, cx, complexes):
    if isinstance(cx, str):
        hit = complexes.loc[complexes["name"] == cx, "city"]
        if len(hit):
            return hit.iloc[0]
    return _CITY[p]


def _mess(participations, orgs, rng):
    """Introduce the inconsistencies real exports have (documented in datasets/README.md)."""
    participations = participations.copy()
    n = len(participations)
    # a few exact duplicate rows
    dup = rng.choice(n, size=max(1, n // 400), replace=False)
    participations = pd.concat([participations, participations.iloc[dup]], ignore_index=True)
    # Korean role words
    words = participations["role"].map(lambda r: _ROLE_WORDS[r][rng.integers(len(_ROLE_WORDS[r]))])
    participations["role"] = words
    orgs = orgs.copy()
    # region column spellings; 8% of organisations have only an address
    variants = {p: [x for x in sp if not x.startswith("KR-")] for p, sp in PROVINCES.items()}
    pick = rng.random(len(orgs))
    width = max(len(v) for v in variants.values())
    table = {p: (v * width)[:width] for p, v in variants.items()}
    nvar = orgs["region"].map({p: len(v) for p, v in variants.items()}).to_numpy()
    col = np.where(pick < 0.45, 0, np.where(pick < 0.85, 1,
                   2 + ((pick - 0.85) / 0.15 * (nvar - 2)).astype(int)))
    codes, uniq = pd.factorize(orgs["region"])
    g = np.array([table[p] for p in uniq], dtype=object)
    orgs["region"] = g[codes, col]
    only_addr = rng.random(len(orgs)) < 0.08
    orgs.loc[only_addr, "region"] = None
    return participations, orgs


def _firm_name_variant(name, rng):
    return _LEGAL[rng.integers(len(_LEGAL))].format(name)


def flat_table(participations, orgs, projects, *, rng=None, korean=True):
    """One row per participation with organisation and project attributes repeated.

    Firm names carry random legal-form variants ("(주)X", "㈜ X", "X 주식회사"),
    universities sometimes lose their "산학협력단" suffix: the loader must merge them.
    """
    rng = rng or np.random.default_rng(0)
    flat = participations.merge(orgs, on="org_id", how="left").merge(
        projects, on="project_id", how="left", suffixes=("", "_project"))
    is_firm = flat["org_type"] == "firm"
    forms = rng.integers(len(_LEGAL), size=len(flat))
    flat.loc[is_firm, "name"] = [_LEGAL[k].format(nm) for k, nm in
                                 zip(forms[is_firm.to_numpy()], flat.loc[is_firm, "name"])]
    uni = flat["org_type"] == "university"
    drop_suffix = uni & (rng.random(len(flat)) < 0.3)
    flat.loc[drop_suffix, "name"] = flat.loc[drop_suffix, "name"].str.replace(" 산학협력단", "")
    tw = flat["org_type"].map(lambda t: _TYPE_WORDS[t][0])
    flat["org_type"] = tw
    cols = ["project_id", "year", "programme", "title", "budget", "org_id", "name", "org_type",
            "role", "region", "address", "complex", "cluster", "sector", "size", "employees",
            "patents", "specialised"]
    flat = flat[cols]
    if korean:
        flat = flat.rename(columns=KOREAN_HEADERS)
    return flat


def three_tables(participations, orgs, projects):
    """Participations, organisations (the whole population) and projects tables."""
    org_cols = ["org_id", "name", "org_type", "region", "address", "complex", "cluster",
                "sector", "specialised", "size", "employees", "patents"]
    return (participations[["project_id", "org_id", "role"]], orgs[org_cols],
            projects[["project_id", "year", "programme", "title", "complex", "budget"]])


# countries of an EU framework programme and their shares of participations (Horizon 2020,
# CORDIS: DE 13.5%, UK 11.6%, FR 10.0%, ES 9.9%, IT 9.6%, NL 6.3%, BE 4.7% …; the rest spread over
# the other member and associated countries), and NUTS-2 regions per country (rounded)
_EU_COUNTRIES = [("DE", 13.5, 38), ("UK", 11.6, 40), ("FR", 10.0, 27), ("ES", 9.9, 19), ("IT", 9.6, 21),
                 ("NL", 6.3, 12), ("BE", 4.7, 11), ("CH", 2.9, 7), ("SE", 2.8, 8), ("AT", 2.7, 9),
                 ("EL", 2.6, 13), ("DK", 2.2, 5), ("PT", 2.2, 7), ("FI", 1.9, 5), ("NO", 1.6, 7),
                 ("IE", 1.5, 3), ("PL", 1.5, 17), ("IL", 1.0, 1), ("CZ", 0.9, 8), ("SI", 0.8, 2),
                 ("HU", 0.7, 8), ("RO", 0.6, 8), ("CY", 0.5, 1), ("EE", 0.4, 1), ("SK", 0.4, 4),
                 ("BG", 0.4, 6), ("LT", 0.3, 2), ("LU", 0.3, 1), ("HR", 0.3, 4), ("LV", 0.2, 1),
                 ("TR", 0.6, 26), ("RS", 0.2, 4)]
_EU_TYPES = ["university", "research", "firm", "government", "other"]


def generate_eu_framework(n_rows: int = 150_000, *, seed: int = 2020):
    """A synthetic EU framework-programme export ``(participations, organisations, projects)``
    with the shape of Horizon 2020's participation data (CORDIS, 2014–2020: about 150,000
    participations of 31,700 organisations in 35,000 projects):

    * about 60% single-participant projects (ERC, MSCA fellowships, the SME instrument);
    * collaborative consortia with a median of about 8 and a heavy tail up to ~190;
    * heavy-tailed activity (Pareto, exponent ≈ 1.1): research organisations and universities
      with thousands of participations and thousands of partners;
    * 32 countries with skewed shares (DE, UK, FR, ES, IT ≈ 55% of participations), NUTS-2-like
      regions.

    Organisation types are the six canonical ones; regions are codes ``DE21`` …; projects have
    a year 2014–2020.  Deterministic for a seed.
    """
    rng = np.random.default_rng(seed)
    n_orgs = max(50, int(n_rows * 0.30))
    n_projects = max(20, int(round(n_rows / 4.2)))
    single = rng.random(n_projects) < 0.60
    # collaborative sizes: a log-normal (median 8), at least 2, at most 190; scaled so that the
    # participations add up to about n_rows
    sizes = np.ones(n_projects, dtype=np.int64)
    k = int((~single).sum())
    raw = np.exp(rng.normal(np.log(8.0), 0.8, k))
    target = max(n_rows - int(single.sum()), 2 * k)
    raw = raw * target / raw.sum()
    sizes[~single] = np.clip(np.rint(raw), 2, 190).astype(np.int64)
    # organisations: activity weights with a heavy tail; the most active are universities and
    # research organisations
    activity = rng.pareto(1.05, n_orgs) + 1.0
    for _ in range(5):  # no organisation above ~0.9% of all participations (the largest: ~1,300 of 150,000)
        activity = np.minimum(activity, 0.009 * activity.sum())
    order = np.argsort(-activity, kind="stable")
    typ = rng.choice(_EU_TYPES, n_orgs, p=[0.12, 0.10, 0.60, 0.08, 0.10])
    top = order[:max(1, n_orgs // 50)]
    typ[top] = rng.choice(["university", "research"], len(top), p=[0.6, 0.4])
    cc = np.array([c for c, _, _ in _EU_COUNTRIES])
    share = np.array([w for _, w, _ in _EU_COUNTRIES], dtype=float)
    country = rng.choice(cc, n_orgs, p=share / share.sum())
    nuts = {c: r for c, _, r in _EU_COUNTRIES}
    region = np.array([f"{c}{rng.integers(1, nuts[c] + 1):02d}" if nuts[c] > 1 else f"{c}00" for c in country],
                      dtype=object)
    # members: every slot drawn by activity (vectorised), repeated organisations in a project dropped
    slots = int(sizes.sum())
    cum = np.cumsum(activity / activity.sum())
    who = np.minimum(np.searchsorted(cum, rng.random(slots)), n_orgs - 1)
    proj_of_slot = np.repeat(np.arange(n_projects), sizes)
    part = pd.DataFrame({"p": proj_of_slot, "o": who}).drop_duplicates()
    first = ~part.duplicated("p")
    role = np.where(first.to_numpy(), "coordinator", "participant")
    legal = {"firm": ["GmbH", "SA", "SRL", "BV", "Ltd", "AB", "Oy", "SpA"], "university": ["University"],
             "research": ["Institute"], "government": ["Agency"], "other": ["Association"]}
    names = [f"{'Org' if t != 'university' else 'Univ.'} {i:06d} {legal[t][i % len(legal[t])]}"
             for i, t in enumerate(typ)]
    orgs = pd.DataFrame({"org_id": [f"{900000000 + i}" for i in range(n_orgs)], "name": names,
                         "org_type": typ, "region": region, "country": country})
    participations = pd.DataFrame({"project_id": [f"10{1000000 + p}" for p in part["p"].to_numpy()],
                                   "org_id": orgs["org_id"].to_numpy()[part["o"].to_numpy()], "role": role})
    used = unique_values(part["p"].to_numpy())
    projects = pd.DataFrame({"project_id": [f"10{1000000 + p}" for p in used],
                             "year": rng.integers(2014, 2021, len(used)),
                             "programme": rng.choice(["H2020-EU.1.1.", "H2020-EU.1.3.", "H2020-EU.2.1.",
                                                      "H2020-EU.3."], len(used), p=[0.25, 0.25, 0.2, 0.3])})
    active = np.isin(np.arange(n_orgs), part["o"].to_numpy())
    return participations, orgs[active].reset_index(drop=True), projects


#: ``write_sample`` adds the firm-year outcomes table up to this many rows (a benchmark's million
#: rows do not need it).
OUTCOMES_MAX_ROWS = 200_000


def write_sample(out_dir, *, n_rows: int = 4000, seed: int = 20051, flat_cp949: bool = True,
                 tables: bool = True, profile: str = "korea"):
    """Write the bundled sample: a CP949 Korean-header flat CSV and three UTF-8 tables
    (``profile="eu-framework"``: :func:`generate_eu_framework`'s three tables only)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}, got {profile!r}")
    if profile == "eu-framework":
        tdir = out_dir / "eu_framework_tables"
        tdir.mkdir(exist_ok=True)
        written = []
        for name, df in zip(("participations.csv", "organisations.csv", "projects.csv"),
                            generate_eu_framework(n_rows, seed=seed)):
            df.to_csv(tdir / name, index=False, encoding="utf-8", lineterminator="\n")
            written.append(tdir / name)
        return written
    part, orgs, proj = generate(n_rows, seed=seed)
    written = []
    if tables:
        tdir = out_dir / "korea_cluster_tables"
        tdir.mkdir(exist_ok=True)
        p, o, pr = three_tables(part, orgs, proj)
        for name, df in (("participations.csv", p), ("organisations.csv", o), ("projects.csv", pr)):
            df.to_csv(tdir / name, index=False, encoding="utf-8", lineterminator="\n")
            written.append(tdir / name)
        if n_rows <= OUTCOMES_MAX_ROWS:  # the firm-year outcomes (read back: the tables as analyze sees them)
            oc = sample_outcomes(load_dataset(tdir), seed=seed)
            oc.to_csv(tdir / "outcomes_by_year.csv", index=False, encoding="utf-8", lineterminator="\n")
            written.append(tdir / "outcomes_by_year.csv")
    if flat_cp949:
        flat = flat_table(part, orgs, proj, rng=np.random.default_rng(seed + 1))
        path = out_dir / "korea_cluster_flat_cp949.csv"
        flat.to_csv(path, index=False, encoding="cp949", lineterminator="\r\n")
        written.append(path)
    return written


def generate_outcomes(dataset, *, seed: int = 0, effect: float = 0.8, employees_effect: float = 3.0,
                      pre_trend: float = 0.0, years=(2005, 2014)) -> pd.DataFrame:
    """Firm-year outcomes with a **planted** participation effect, for testing and teaching the
    difference-in-differences (:mod:`netcluster.outcomes`): ``org_id, year, indicator, value``
    for every firm of ``dataset`` and each year of ``years`` — ``patents`` and ``employees``.

    patents = firm level (by size class and sector) + a common yearly trend + noise + ``effect``
    for a participating firm from its first project's year on (+ ``pre_trend`` × years before
    entry, a violation of parallel trends, when not 0); employees likewise with
    ``employees_effect``.  Deterministic for a seed.
    """
    rng = np.random.default_rng(seed)
    orgs = dataset.organisations
    firms = orgs[orgs["org_type"] == "firm"].reset_index(drop=True)
    part = dataset.participations.merge(dataset.projects[["project_id", "year"]], on="project_id", how="left")
    first = pd.to_numeric(part["year"], errors="coerce").groupby(part["org_id"]).min()
    entry = first.reindex(firms["org_id"]).to_numpy(dtype=float)
    size_level = firms["size"].map({"소기업": 0.0, "중기업": 1.0, "중견기업": 2.0, "대기업": 3.0}).fillna(0.5).to_numpy()
    sector_level = (pd.factorize(firms["sector"].astype(object).astype(str).str[:2])[0] % 5) * 0.2
    ys = np.arange(years[0], years[1] + 1)
    n, t = len(firms), len(ys)
    fid = np.repeat(np.arange(n), t)
    yr = np.tile(ys, n)
    rel = yr - entry[fid]
    post = np.isfinite(rel) & (rel >= 0)
    pre = np.where(np.isfinite(rel) & (rel < 0), rel, 0.0)  # negative years before entry
    common = 0.15 * (yr - years[0]) + rng.normal(0, 0.1, t)[yr - years[0]]
    firm_fx = rng.normal(0, 0.5, n)
    patents = (1.0 + size_level[fid] + sector_level[fid] + firm_fx[fid] + common + effect * post
               - pre_trend * pre + rng.normal(0, 0.6, n * t))
    employees = (20 + 25 * size_level[fid] + 5 * firm_fx[fid] + 0.8 * (yr - years[0]) + employees_effect * post
                 - 5 * pre_trend * pre + rng.normal(0, 3.0, n * t))
    ids = firms["org_id"].to_numpy(dtype=object)[fid]
    out = pd.concat([pd.DataFrame({"org_id": ids, "year": yr, "indicator": "patents", "value": np.round(patents, 3)}),
                     pd.DataFrame({"org_id": ids, "year": yr, "indicator": "employees",
                                   "value": np.round(employees, 2)})], ignore_index=True)
    return out


def sample_outcomes(dataset, *, seed: int = 20051, comparison_firms: int = 1500) -> pd.DataFrame:
    """The bundled sample's ``outcomes_by_year.csv``: yearly patent counts (the planted
    effect of :func:`generate_outcomes`, 0.8 patents a year, rounded to whole patents) of the
    participating firms and of ``comparison_firms`` non-participating firms drawn at random
    (a survey panel, as an agency's outcome data would be)."""
    out = generate_outcomes(dataset, seed=seed, effect=0.8)
    out = out[out["indicator"] == "patents"]
    orgs = dataset.organisations
    firms = orgs[orgs["org_type"] == "firm"]
    others = firms.loc[~firms["participant"].astype(bool), "org_id"].to_numpy(dtype=object)
    rng = np.random.default_rng(seed)
    keep = set(firms.loc[firms["participant"].astype(bool), "org_id"]) | set(
        rng.choice(others, size=min(comparison_firms, len(others)), replace=False))
    out = out[out["org_id"].isin(keep)].copy()
    out["value"] = np.maximum(0, np.round(out["value"])).astype("int64")
    return out.reset_index(drop=True)
