"""Organisation types (산학연관) and participation roles.

Types: ``firm``, ``university``, ``research``, ``government``, ``support``
(technoparks, agencies, associations, centres) and ``other``.  Raw values
from Korean and EU exports are mapped (CORDIS: PRC→firm, HES→university,
REC→research, PUB→government, OTH→other).  When the type column is missing
or empty, the type is inferred from the name and flagged as inferred.

Roles: ``lead`` (주관, 총괄, coordinator, lead partner), ``participant``
(참여, 공동, partner), ``subcontractor`` (위탁) and ``other``.  The terms of the 2021
national R&D act (주관·공동·위탁연구개발기관) are among them.  A sub-project's lead
(세부주관) is a participant: the lead is the whole project's (총괄주관); a firm's own
research lab (기업부설연구소) is a firm, as Korean R&D statistics count it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ORG_TYPES", "ROLES", "normalise_org_type", "infer_org_type",
           "normalise_role", "TYPE_ALIASES", "ROLE_ALIASES"]

ORG_TYPES = ("firm", "university", "research", "government", "support", "other")
ROLES = ("lead", "participant", "subcontractor", "other")
#: Government and support bodies counted together (the public side of the type-share tables).
PUBLIC_BODIES = "government+support"

TYPE_ALIASES = {
    "firm": ["firm", "company", "enterprise", "business", "industry", "private", "sme",
             "prc", "private for-profit", "기업", "중소기업", "대기업", "중견기업", "벤처기업",
             "산업체", "업체", "산", "민간기업", "제조업체", "기업부설연구소", "소기업", "중기업", "스타트업",
             "중소·중견기업", "중소/중견기업"],
    "university": ["university", "universities", "college", "academia", "hes",
                   "higher education", "대학", "대학교", "전문대학", "산학협력단", "학", "교육기관"],
    "research": ["research", "research institute", "rto", "rec", "research organisation",
                 "연구소", "연구원", "연구기관", "출연연", "출연(연)", "정부출연연구기관", "정부출연연구소",
                 "출연연구소", "출연연구기관", "국공립연구소", "국공립연구기관", "공공연구기관", "연",
                 "전문생산기술연구소", "특정연구기관"],
    "government": ["government", "public", "public body", "pub", "authority", "정부",
                   "지자체", "지방자치단체", "지방정부", "공공기관", "관", "중앙정부", "중앙행정기관", "정부부처",
                   "국가기관", "공기업"],
    "support": ["support", "intermediary", "agency", "technopark", "지원기관", "테크노파크",
                "혁신지원기관", "진흥기관", "협회", "단체", "센터", "연구조합", "사업자단체", "경제단체"],
    "other": ["other", "oth", "기타", "etc"],
}
ROLE_ALIASES = {
    "lead": ["lead", "leader", "lead partner", "leadpartner", "coordinator", "coordinating",
             "main", "principal", "주관", "주관기관", "총괄", "총괄주관", "총괄주관기관", "주관연구기관", "총괄기관",
             "주관연구개발기관"],
    "participant": ["participant", "partner", "project partner", "beneficiary", "member",
                    "consortium member", "참여", "참여기관", "공동", "공동연구", "공동연구기관",
                    "협동", "협동연구기관", "참여기업", "참여연구기관", "공동연구개발기관", "공동수행기관",
                    "수요기업", "수요처", "세부주관", "세부주관기관", "세부과제주관기관"],
    "subcontractor": ["subcontractor", "sub-contractor", "contractor", "위탁", "위탁기관",
                      "위탁연구기관", "위탁연구개발기관", "용역"],
    "other": ["other", "thirdparty", "third party", "associatedpartner", "associated partner",
              "internationalpartner", "observer", "기타", "자문"],
}


def _k(s) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(s)).strip().lower())


_TYPE_LOOKUP = {_k(a): t for t, al in TYPE_ALIASES.items() for a in al}
_ROLE_LOOKUP = {_k(a): r for r, al in ROLE_ALIASES.items() for a in al}

# name patterns, checked in order (first match wins)
_NAME_RULES = [
    ("university", re.compile(r"대학교|대학$|대학\s|산학협력단|과학기술원|university|universit|"
                              r"college|hochschule|école|polytechnic|politecnico", re.I)),
    ("research", re.compile(r"연구원|연구소|연구센터|research|institut|fraunhofer|cnrs|"
                            r"laborator|max-planck", re.I)),
    ("government", re.compile(r"시청|도청|군청|구청|특별시|광역시|산업단지공단|공단$|^한국.*공단|"
                              r"[^가-힣]청$|부$|처$|ministry|municipality|city of|county|council|"
                              r"region of|regional government|prefecture|authority", re.I)),
    ("support", re.compile(r"테크노파크|진흥원|진흥재단|센터|재단|협회|조합|클러스터|technopark|"
                           r"agency|association|chamber|foundation|cluster|centre|center", re.I)),
    ("firm", re.compile(r"\(주\)|㈜|주식회사|유한회사|\(유\)|co\.|ltd|inc\.?$|corp|gmbh|\bs\.?a\.?$|"
                        r"\bsrl\b|\bspa\b|\bb\.?v\.?$|\bplc\b|\bllc\b|\bag$|테크|산업|전자|정밀|"
                        r"엔지니어링|솔루션|시스템|소프트", re.I)),
]


def normalise_org_type(value) -> str | None:
    """Canonical type for a raw type value, or ``None`` when unrecognised.

    >>> normalise_org_type("PRC"), normalise_org_type("대학"), normalise_org_type("Research Institute")
    ('firm', 'university', 'research')
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    return _TYPE_LOOKUP.get(_k(value))


def infer_org_type(name) -> str:
    """Type inferred from an organisation name (``other`` when no rule fires).

    >>> infer_org_type("충북대학교 산학협력단"), infer_org_type("한국화학연구원"), infer_org_type("충북테크노파크")
    ('university', 'research', 'support')
    >>> infer_org_type("청주시청"), infer_org_type("(주)유아이디")
    ('government', 'firm')
    """
    if name is None or (isinstance(name, float) and name != name):
        return "other"
    s = unicodedata.normalize("NFKC", str(name)).strip()
    for typ, rx in _NAME_RULES:
        if rx.search(s):
            return typ
    return "other"


def normalise_role(value) -> str | None:
    """Canonical role, or ``None`` when unrecognised.

    >>> normalise_role("주관"), normalise_role("coordinator"), normalise_role("위탁"), normalise_role("thirdParty")
    ('lead', 'lead', 'subcontractor', 'other')
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    return _ROLE_LOOKUP.get(_k(value))
