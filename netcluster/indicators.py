"""The registry of headline indicators: each figure declared once.

An :class:`Indicator` carries everything the outputs say about a figure — its id, Korean and
English label, unit, definition, source, the data it needs, the programme review's figure —
and the one function that computes it on a :class:`~netcluster.slices.Slice` (the whole data,
a year, a window or a phase).  :func:`netcluster.scorecard.scorecard` evaluates every
indicator on the whole data; :func:`netcluster.evolution.evolution` evaluates the per-slice
ones on each period; scorecard.csv, the workbook and the report read the same rows.

A figure the data cannot support is *not applicable* (with the reason: a missing column, a
single programme, no tie …), never 0.

>>> [i.id for i in REGISTRY][:4]
['projects', 'organisations', 'participations', 'ties']
>>> by_id("ei_index_{group}").label["ko"]
'개방성(E-I 지수)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

from . import linkage, openness, programme
from ._sorting import distinct_keys, unique_values
from .communities import leiden, modularity
from .exceptions import NetclusterError
from .groups import TOTAL
from .helix import t_uig_from_table
from .slices import Slice

__all__ = ["Indicator", "Review", "Figure", "NotApplicable", "REGISTRY", "REFERENCES", "SECTIONS",
           "GROUP_LABELS", "by_id", "evaluate", "evaluate_all", "group_label"]

#: Sources cited by the indicators and the report's methods.
REFERENCES = {
    "newman": "M. E. J. Newman, Scientific collaboration networks II, Phys. Rev. E 64, 016132 (2001)",
    "freeman": "L. C. Freeman, Centrality in social networks, Social Networks 1 (1979) 215–239",
    "harmonic": "M. Marchiori, V. Latora, Harmony in the small-world, Physica A 285 (2000)",
    "brandes": "U. Brandes, C. Pich, Centrality estimation in large networks, IJBC 17 (2007)",
    "borgatti": "S. P. Borgatti, M. G. Everett, Network analysis of 2-mode data, Social Networks 19 (1997)",
    "leiden": "V. A. Traag, L. Waltman, N. J. van Eck, From Louvain to Leiden, Sci. Rep. 9, 5233 (2019)",
    "ei": "D. Krackhardt, R. N. Stern, Informal networks and organizational crises, Soc. Psych. Q. 51 (1988)",
    "ucinet": "S. P. Borgatti, M. G. Everett, L. C. Freeman, UCINET for Windows (2002): E-I permutation test",
    "guimera": "R. Guimerà, L. A. N. Amaral, Functional cartography of complex metabolic networks, Nature 433 (2005)",
    "assort": "M. E. J. Newman, Mixing patterns in networks, Phys. Rev. E 67, 026126 (2003)",
    "modularity": "M. E. J. Newman, Modularity and community structure in networks, PNAS 103 (2006)",
    "gould": "R. V. Gould, R. M. Fernandez, Structures of mediation, Sociological Methodology 19 (1989)",
    "graf": "H. Graf, Gatekeepers in regional networks of innovators, Cambridge J. Econ. 35 (2011)",
    "burt": "R. S. Burt, Structural Holes (1992); S. P. Borgatti, Connections 20 (1997)",
    "kcore": "S. B. Seidman, Network structure and minimum degree, Social Networks 5 (1983); "
             "V. Batagelj, M. Zaversnik, An O(m) algorithm for cores decomposition (2003)",
    "leydesdorff": "L. Leydesdorff, The mutual information of university-industry-government relations, "
                   "Scientometrics 58 (2003)",
    "krugman": "P. Krugman, Geography and Trade (1991)",
    "oecd_kis": "OECD, Knowledge-intensive service activities (2006); KSIC divisions 58, 62, 63, 70-73",
    "review": "한국산업단지공단 / 전자신문, 산업단지 클러스터 10년 (2015): review figures",
}

#: Sections of the scorecard, in order (id: Korean and English heading).
SECTIONS = {
    "network": {"ko": "네트워크 규모", "en": "Network size"},
    "joint": {"ko": "공동과제", "en": "Joint projects"},
    "coverage": {"ko": "포괄 범위와 특화", "en": "Coverage and specialisation"},
    "openness": {"ko": "개방성", "en": "Openness"},
    "linkage": {"ko": "지역 간 연계", "en": "Cross-region linkage"},
    "services": {"ko": "지식서비스", "en": "Knowledge-intensive services"},
    "duplication": {"ko": "사업 중복", "en": "Programme duplication"},
    "outcomes": {"ko": "성과", "en": "Outcomes"},
    "helix": {"ko": "산학연관", "en": "Triple helix"},
    "communities": {"ko": "커뮤니티", "en": "Communities"},
}

#: How a grouping column is named in the labels (other columns: their own name).
GROUP_LABELS = {"region": {"ko": "시·도", "en": "region"},
                "wide_region": {"ko": "광역경제권", "en": "wide region"},
                "org_type": {"ko": "기관유형", "en": "organisation type"},
                "org_category": {"ko": "기관구분(원자료)", "en": "organisation category"},
                "complex": {"ko": "산업단지", "en": "industrial complex"},
                "cluster": {"ko": "미니클러스터", "en": "mini-cluster"}}


def group_label(group_by: str, lang: str) -> str:
    """The grouping column's name in ``lang`` ("시·도" for ``region`` in Korean)."""
    return GROUP_LABELS.get(group_by, {}).get(lang, group_by)


@dataclass(frozen=True)
class Review:
    """A figure of the programme's ten-year review (2015), its value where it is a number
    (for the chart's marker; shares in [0, 1]) and one line on how the data's figure compares
    (``{"en": …, "ko": …}``, placeholders filled from the figure's params).  Shown on Korean
    programme data only."""

    en: str
    ko: str
    comparable: dict = field(default_factory=dict)
    value: float | None = None


@dataclass(frozen=True)
class Figure:
    """A computed value with the words that go with it: ``params`` fill the definition's and
    the review comparison's placeholders (a year, a number of permutations …), ``note``
    qualifies the value (``{"en": …, "ko": …}`` or a str), ``interval`` is its confidence
    interval ``(low, high)`` and ``reference`` a null model's 95% band ``(low, high)``."""

    value: Any
    params: dict = field(default_factory=dict)
    note: Any = ""
    interval: tuple | None = None
    reference: tuple | None = None


class NotApplicable(Exception):
    """Raised by an indicator's function when the slice cannot support the figure; the
    message says why (English; ``ko``: the Korean reason)."""

    def __init__(self, en: str, ko: str | None = None):
        super().__init__(en)
        self.reason = {"en": en, "ko": ko or en}


@dataclass(frozen=True)
class Indicator:
    """One headline figure.

    Attributes
    ----------
    id : str
        Stable identifier (the CSV's ``indicator`` column); ``{group}`` is replaced by the
        grouping column (``ei_index_{group}`` → ``ei_index_region``).
    section : str
        Key of :data:`SECTIONS`.
    label, definition : dict
        ``{"ko": …, "en": …}``; the definition may have placeholders (``{group}``, ``{year}``).
    unit : str
        ``count``, ``share`` (in [0, 1]), ``ratio``, ``bits``, ``p-value`` or a range such as
        ``[-1, 1]``.
    compute : callable
        ``compute(slice) -> value | Figure``; raises :class:`NotApplicable`.
    needs : tuple of str
        What the data must have (keys of :data:`NEEDS`), checked before ``compute``.
    scope : str
        ``"slices"``: for the whole data and each year, window and phase (cheap);
        ``"whole"``: for the whole data only (permutation tests, bootstraps, communities);
        ``"yearly"``: a series by year from the whole data (``compute`` returns
        ``{year: value}``), in the evolution by year only.
    review : Review, optional
    source : str
        Key of :data:`REFERENCES`.
    per_year : bool
        An extensive figure (a count, a coverage): periods of different lengths compare on
        its mean per year, not on the pooled value.
    """

    id: str
    section: str
    label: dict
    unit: str
    definition: dict
    compute: Callable[[Slice], Any]
    needs: tuple = ()
    scope: str = "slices"
    review: Review | None = None
    source: str = ""
    per_year: bool = False

    def key(self, group_by: str) -> str:
        return self.id.format(group=group_by)


# ---------------------------------------------------------------------------
# what an indicator may need of the data
# ---------------------------------------------------------------------------

def _org_column(col):
    return (lambda s: col in s.whole_dataset.organisations.columns,
            {"en": f"no '{col}' column in the organisations", "ko": f"기관 자료에 '{col}' 열이 없음"})


#: Requirement → (check on a slice, reason when it fails).
NEEDS = {
    "group": (lambda s: s.coded.group_by is not None,
              {"en": "no '{group}' column in the organisations", "ko": "기관 자료에 '{group}' 열이 없음"}),
    "wide_region": (lambda s: s.coded.wide is not None,
                    {"en": "no 5+2 wide-region values (or grouped by them already)",
                     "ko": "광역경제권 값이 없음(또는 이미 광역경제권으로 구분)"}),
    "complex": _org_column("complex"),
    "sector": _org_column("sector"),
    "specialised": _org_column("specialised"),
    "patents": _org_column("patents"),
    "years": (lambda s: bool(s.whole_dataset.projects["year"].notna().any()),
              {"en": "the projects have no year", "ko": "과제에 연도가 없음"}),
    "programmes": (lambda s: _n_programmes(s) > 1,
                   {"en": "fewer than two programmes", "ko": "사업이 둘 미만"}),
    "ties": (lambda s: s.projection.n_ties > 0,
             {"en": "no tie between organisations", "ko": "기관 간 연결이 없음"}),
    "size": _org_column("size"),
    "korean": (lambda s: s.korean, {"en": "not the Korean programme's data (no pilot complexes)",
                                     "ko": "한국 산업단지 클러스터 사업 자료가 아님"}),
    "two groups": (lambda s: s.groups is not None and len(s.groups.uniq) > 1,
                   {"en": "fewer than two {group}s among the organisations: no partition to measure",
                    "ko": "{group}이 둘 미만: 나눌 구분이 없음"}),
}


def _n_programmes(s: Slice) -> int:
    prog = s.coded.programme[s.pmask]
    return len(unique_values(prog[prog >= 0]))


# ---------------------------------------------------------------------------
# the indicators' functions (on a slice)
# ---------------------------------------------------------------------------

def _projects(s):
    return s.n_projects


def _organisations(s):
    return int(len(s.participants))


def _participations(s):
    return int(len(s.participation_orgs))


def _ties(s):
    return s.projection.n_ties


def _share(k, n):
    return k / n if n else np.nan


def _joint_share(s):
    return _share((s.project_counts() >= 2).sum(), s.n_projects)


def _two_firm_share(s):
    return _share((s.project_counts(s.coded.is_firm) >= 2).sum(), s.n_projects)


def _mean_size(s):
    size = s.project_counts()
    return size.mean() if len(size) else np.nan


def _participant_mask(s) -> np.ndarray:
    def make():
        m = np.zeros(len(s.coded.org_labels), dtype=bool)
        m[s.participants] = True
        return m
    return s.result("participant mask", make)


def _firm_coverage_parts(s):
    c, participant = s.coded, _participant_mask(s)
    firm = c.is_firm
    if not firm.any():
        raise NotApplicable("no firm in the organisations", "기관 자료에 기업이 없음")
    if participant[firm].all():
        raise NotApplicable("every organisation in the data participates: coverage needs a population "
                            "table (organisations.csv including non-participants)",
                            "자료의 모든 기관이 참여기관임: 포괄 범위에는 비참여 기관을 포함한 모집단 기관표가 필요")
    return firm, participant


def _complexes_covered(s):
    firm, participant = _firm_coverage_parts(s)
    cc = s.coded.complex[firm]
    known = cc >= 0
    covered = np.bincount(cc[known], weights=participant[firm][known].astype(float))
    present = np.bincount(cc[known]) > 0
    return float((covered[present] > 0).mean()) if present.any() else np.nan


def _firm_coverage(s):
    firm, participant = _firm_coverage_parts(s)
    return participant[firm].sum() / firm.sum()


def _specialised_rows(s):
    def make():
        sp_ = s.dataset.cached("specialised_share", programme.specialised_share)
        return sp_[sp_["complex"] == TOTAL].dropna(subset=["share"])
    rows = s.result("specialised share", make)
    if not len(rows):
        raise NotApplicable("no participating firm in a complex with designated industries",
                            "특화업종이 지정된 산업단지의 참여기업이 없음")
    return rows


def _specialised_first(s):
    r = _specialised_rows(s).iloc[0]
    return Figure(r["share"], {"year": int(r["year"])})


def _specialised_last(s):
    r = _specialised_rows(s).iloc[-1]
    return Figure(r["share"], {"year": int(r["year"])})


def _ei(s):
    return s.result("ei", lambda: openness.ei_index(s.projection, s.groups))


def _ei_network(s):
    return _ei(s).ei


def _ei_test(s):
    ei = _ei_network(s)
    if ei is None or (isinstance(ei, float) and math.isnan(ei)):
        raise NotApplicable("the E-I index is undefined (no tie between organisations with a known group)",
                            "E-I 지수를 정의할 수 없음(그룹이 알려진 기관 간 연결이 없음)")
    return s.result("ei test", lambda: openness.ei_permutation_test(
        s.projection, s.groups, n_permutations=s.n_permutations, seed=s.seed))


def _ei_null_mean(s):
    t = _ei_test(s)
    return Figure(t.iloc[0]["null_mean"], {"k": t.attrs["params"]["permutations"], "seed": s.seed},
                  reference=(t.iloc[0]["null_q025"], t.iloc[0]["null_q975"]))


def _ei_p_less(s):
    return _ei_test(s).iloc[0]["p_less"]


def _cross_share(s):
    return s.result("cross region", lambda: linkage.cross_region_share(s.projection, s.groups)) \
        .loc[TOTAL, "cross_share"]


def _assortativity(s):
    return linkage.assortativity(s.projection, s.groups)


def _group_modularity(s):
    return modularity(s.projection, s.groups)


def _open_project_share(s):
    c = s.coded
    o, p = s.participation_orgs, s.participation_projects
    g = c.gcode[o]
    known = g >= 0
    G = max(int(c.gcode.max()) + 1, 1) if len(c.gcode) else 1
    pairs = distinct_keys(p[known].astype(np.int64) * G + g[known], len(c.proj_labels) * G)
    pp_ = pairs // G
    ngroups = np.bincount(pp_, minlength=len(c.proj_labels))
    return (ngroups[pp_] > 1).sum() / len(pairs) if len(pairs) else np.nan


def _cross_wide(s):
    return linkage.cross_region_share(s.projection, s.wide_groups).loc[TOTAL, "cross_share"]


def _newcomer_last(s):
    nc_ = s.dataset.cached("newcomers", openness.newcomers)
    if len(nc_) <= 1:
        raise NotApplicable("fewer than two years: every participant of the first year is new",
                            "연도가 둘 미만: 첫해의 참여기관은 모두 신규")
    return Figure(nc_["newcomer_share"].iloc[-1], {"year": nc_.index[-1]})


def _kis_share(s):
    c = s.coded
    fp = c.is_firm & _participant_mask(s)
    return float(c.kis[fp].mean()) if fp.any() else np.nan


def _manufacturing_with_kis(s):
    c, ou = s.coded, s.participants
    M = s.projection.matrix.tocsr().copy()
    M.data[:] = 1
    has_kis = (M @ c.kis[ou].astype(float)) > 0
    mv = c.mfg[ou]
    return float(has_kis[mv].mean()) if mv.any() else np.nan


def _programme_memberships(s):
    """Programme overlap of the slice: Jaccard of each programme pair (programmes in the
    order of their text) and each organisation's number of programmes."""
    def make():
        c = s.coded
        o, p = s.participation_orgs, s.participation_projects
        pr = c.programme[p]
        k = pr >= 0
        NP = int(c.programme.max()) + 1
        op = distinct_keys(o[k].astype(np.int64) * NP + pr[k], len(c.org_labels) * NP)
        oo, pg = op // NP, op % NP
        progs = unique_values(pg)
        oo_inv = distinct_keys(oo, len(c.org_labels), inverse=True)[1]
        A = sp.csr_matrix((np.ones(len(op)), (np.searchsorted(progs, pg), oo_inv)))
        S = (A @ A.T).toarray()
        sz = np.diag(S)
        iu = np.triu_indices(len(progs), 1)
        union = sz[iu[0]] + sz[iu[1]] - S[iu]
        jac = np.where(union > 0, S[iu] / np.where(union > 0, union, 1), 0.0)
        return jac, np.bincount(oo_inv)
    return s.result("programme memberships", make)


def _programme_overlap(s):
    jac, _ = _programme_memberships(s)
    return jac.mean() if len(jac) else np.nan


def _several_programmes(s):
    _, n_prog = _programme_memberships(s)
    return (n_prog >= 2).sum() / len(n_prog)


def _near_duplicates(s):
    return len(programme.near_duplicate_projects(s.dataset))


def _patent(s, comparison="all", strata=None):
    key = ("patents", comparison, strata)
    try:
        oc = s.result(key, lambda: programme.outcome_comparison(s.dataset, "patents", n_boot=s.n_boot, seed=s.seed,
                                                                 comparison=comparison, strata=strata))
    except NetclusterError as e:
        raise NotApplicable(str(e), str(e)) from None
    r = oc.iloc[0]
    return Figure(r["ratio"], {"ci_low": r["ci_low"], "ci_high": r["ci_high"], "n1": int(r["participants"]),
                               "n0": int(r["non_participants"])}, interval=(r["ci_low"], r["ci_high"]))


def _patent_ratio(s):
    return _patent(s)


def _patent_ratio_sme(s):
    return _patent(s, "sme")


def _patent_ratio_by_size(s):
    return _patent(s, strata="size")


def _review_specialised(i):
    def compute(s):
        try:
            r = s.result("review specialised", lambda: programme.review_specialised_share(s.dataset))
        except (NetclusterError, KeyError) as e:
            raise NotApplicable(str(e), str(e)) from None
        row = r.iloc[i]
        weight = {"employees": ("employees", "종업원 수"), "output": ("output", "생산액")}.get(
            row["weight"], ("firm count", "기업 수"))
        return Figure(row["share"], {"year": int(row["year"]), "year_asked": int(row["year_asked"]),
                                     "weight": weight[0], "weight_ko": weight[1], "firms": int(row["firms"]),
                                     "complexes": int(row["complexes"])})
    return compute


def _two_firm_share_of_joint(s):
    joint = s.project_counts() >= 2
    return _share((s.project_counts(s.coded.is_firm)[joint] >= 2).sum(), joint.sum())


def _t_uig(s):
    c = s.coded
    if not s.n_projects:
        raise NotApplicable("no project", "과제 없음")
    o, p = s.participation_orgs, s.participation_projects
    flag = [np.bincount(p[f[o]], minlength=len(c.proj_labels))[s.pmask] > 0 for f in (c.is_u, c.is_firm, c.is_g)]
    cell = flag[0] * 4 + flag[1] * 2 + flag[2]
    shares = [float(f.mean()) for f in flag]
    note = ({"en": "0 by construction when one helix (e.g. firms) is in every project",
             "ko": "한 주체(예: 기업)가 모든 과제에 있으면 정의상 0"}
            if min(shares) == 0.0 or max(shares) == 1.0 else "")
    return Figure(t_uig_from_table(np.bincount(cell, minlength=8).reshape(2, 2, 2)), note=note)


def _newcomer_by_year(s):
    nc_ = s.dataset.cached("newcomers", openness.newcomers)
    return dict(nc_["newcomer_share"].items())


def _specialised_by_year(s):
    return {int(y): v for y, v in _specialised_rows(s)[["year", "share"]].itertuples(index=False)}


def _communities(s):
    return s.result("communities", lambda: leiden(s.projection, seed=s.seed))


def _leiden_modularity(s):
    return Figure(_communities(s).attrs["params"]["modularity"], {"seed": s.seed})


def _leiden_count(s):
    return _communities(s).attrs["params"]["n_communities"]


# ---------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------

def _l(ko, en):
    return {"ko": ko, "en": en}


REGISTRY: tuple[Indicator, ...] = (
    Indicator("projects", "network", _l("과제 수", "Projects"), "count",
              _l("자료(기간)에 포함된 과제 수", "projects in the data (slice)"), _projects, per_year=True),
    Indicator("organisations", "network", _l("참여기관 수", "Participating organisations"), "count",
              _l("과제에 한 번 이상 참여한 기관 수", "organisations taking part in at least one project"),
              _organisations, per_year=True),
    Indicator("participations", "network", _l("참여 건수", "Participations"), "count",
              _l("분석에 쓰인 (과제, 기관) 참여 건수", "(project, organisation) rows used"), _participations,
              per_year=True),
    Indicator("ties", "network", _l("협력 연결 수", "Collaboration ties"), "count",
              _l("과제를 하나 이상 함께 수행한 기관 쌍의 수", "pairs of organisations sharing at least one project"),
              _ties, source="newman", per_year=True),
    Indicator("joint_project_share", "joint", _l("공동과제 비율", "Joint-project share"), "share",
              _l("참여기관이 2곳 이상인 과제 / 전체 과제", "projects with >= 2 organisations / projects"),
              _joint_share),
    Indicator("two_firm_project_share", "joint", _l("기업 2곳 이상 참여 과제 비율", "Projects with two or more firms"),
              "share", _l("기업이 2곳 이상 참여한 과제 / 전체 과제", "projects with >= 2 firms / projects"),
              _two_firm_share, review=Review("over 90% of funded projects", "지원 과제의 90% 이상",
                                             _l("비교 가능: 분모는 단독 과제를 포함한 전체 과제(공동과제만의 비율은 아래)",
                                                "comparable: the denominator is every project, single-participant "
                                                "ones included (the share of joint projects is below)"), 0.9),
              source="review"),
    Indicator("two_firm_share_of_joint_projects", "joint", _l("공동과제 중 기업 2곳 이상 참여 비율",
                                                                 "Joint projects with two or more firms"),
              "share", _l("기업이 2곳 이상 참여한 과제 / 참여기관이 2곳 이상인 과제",
                          "projects with >= 2 firms / projects with >= 2 organisations"), _two_firm_share_of_joint),
    Indicator("mean_consortium_size", "joint", _l("과제당 평균 참여기관 수", "Mean consortium size"), "organisations",
              _l("과제당 평균 참여기관 수", "mean participants per project"), _mean_size),
    Indicator("complexes_covered_share", "coverage", _l("참여기업이 있는 산업단지 비율", "Complexes covered"), "share",
              _l("참여기업이 한 곳 이상 있는 산업단지 / 모집단의 산업단지",
                 "complexes with >= 1 participating firm / complexes in the population"),
              _complexes_covered, needs=("complex",),
              review=Review("about 20%", "약 20%", _l("비교 가능: 모집단 기관표의 산업단지 대비",
                                                     "comparable: against the complexes of the population table"), 0.2),
              source="review", per_year=True),
    Indicator("firm_coverage", "coverage", _l("기업 참여율", "Firm coverage"), "share",
              _l("참여기업 / 모집단 기업", "participating firms / firms in the population"), _firm_coverage,
              needs=("complex",)),
    Indicator("specialised_share_first_year", "coverage", _l("특화업종 비율(첫해, 전체 단지)",
                                                              "Specialised-industry share, first year (all complexes)"),
              "share", _l("소속 산업단지의 특화업종에 속한 참여기업 비율(전체 단지), {year}년",
                          "participating firms in their complex's designated industries (all complexes), {year}"),
              _specialised_first, needs=("complex", "sector", "specialised"), scope="whole", source="review"),
    Indicator("specialised_share_last_year", "coverage", _l("특화업종 비율(마지막 해, 전체 단지)",
                                                             "Specialised-industry share, last year (all complexes)"),
              "share", _l("소속 산업단지의 특화업종에 속한 참여기업 비율(전체 단지), {year}년",
                          "participating firms in their complex's designated industries (all complexes), {year}"),
              _specialised_last, needs=("complex", "sector", "specialised"), scope="whole", source="review"),
    Indicator("specialised_share_pilot_2004", "coverage", _l("시범단지 특화업종 비율(2004년 기준)",
                                                              "Specialised share of the pilot complexes (2004)"),
              "share", _l("시범단지 {complexes}곳 참여기업 중 특화업종 비율({weight_ko} 가중), {year}년",
                          "participating firms of the {complexes} pilot complexes in their designated industries, "
                          "weighted by {weight}, {year}"),
              _review_specialised(0), needs=("complex", "sector", "specialised", "korean"), scope="whole",
              review=Review("63.6% (2004, pilot complexes)", "63.6% (2004년, 시범단지)",
                            _l("비교 가능: 같은 시범단지, {year}년(검토 보고서 {year_asked}년에 가장 가까운 연도), "
                               "{weight_ko} 가중",
                               "comparable: the same pilot complexes, {year} (the data's year nearest the review's "
                               "{year_asked}), weighted by {weight}"), 0.636),
              source="review"),
    Indicator("specialised_share_pilot_2012", "coverage", _l("시범단지 특화업종 비율(2012년 기준)",
                                                              "Specialised share of the pilot complexes (2012)"),
              "share", _l("시범단지 {complexes}곳 참여기업 중 특화업종 비율({weight_ko} 가중), {year}년",
                          "participating firms of the {complexes} pilot complexes in their designated industries, "
                          "weighted by {weight}, {year}"),
              _review_specialised(1), needs=("complex", "sector", "specialised", "korean"), scope="whole",
              review=Review("78.4% (2012, pilot complexes)", "78.4% (2012년, 시범단지)",
                            _l("비교 가능: 같은 시범단지, {year}년(검토 보고서 {year_asked}년에 가장 가까운 연도), "
                               "{weight_ko} 가중",
                               "comparable: the same pilot complexes, {year} (the data's year nearest the review's "
                               "{year_asked}), weighted by {weight}"), 0.784),
              source="review"),
    Indicator("ei_index_{group}", "openness", _l("개방성(E-I 지수)", "Openness (E-I index)"), "[-1, 1]",
              _l("{group} 간 연결과 내부 연결로 본 Krackhardt-Stern E-I 지수(-1 폐쇄, +1 개방)",
                 "Krackhardt-Stern E-I index of ties between {group}s (-1 closed, +1 open)"),
              _ei_network, needs=("group", "ties"),
              review=Review("clusters criticised as not open", "공공주도 클러스터의 개방성 부족 지적",
                            _l("검토 보고서는 수치 없이 지적만 함: 무작위 기대치와 비교", "the review gives no number: "
                               "compare with the random expectation")), source="ei"),
    Indicator("ei_index_{group}_null_mean", "openness", _l("무작위 배치 시 E-I 기대값", "E-I expected under random mixing"),
              "[-1, 1]", _l("{group} 라벨을 무작위로 섞었을 때의 E-I 평균({k}회, seed {seed})",
                            "expected E-I with {group} labels permuted ({k} permutations, seed {seed})"),
              _ei_null_mean, needs=("group", "ties"), scope="whole", source="ucinet"),
    Indicator("ei_index_{group}_p_less", "openness", _l("폐쇄성 유의확률(p)", "p-value: more closed than random"),
              "p-value", _l("무작위 배치의 E-I가 관측값 이하일 확률: 작을수록 유의하게 폐쇄적",
                            "P(permuted E-I <= observed): small = significantly closed"),
              _ei_p_less, needs=("group", "ties"), scope="whole", source="ucinet"),
    Indicator("cross_{group}_tie_share", "linkage", _l("{group} 간 연결 비율", "Cross-{group} tie share"), "share",
              _l("서로 다른 {group} 기관 간 연결 / 전체 연결", "ties between different {group}s / ties"),
              _cross_share, needs=("group", "ties"),
              review=Review("inter-province linkage weak", "시·도 간 연계 미흡",
                            _l("검토 보고서는 수치 없이 지적만 함", "the review gives no number")), source="review"),
    Indicator("assortativity_{group}", "linkage", _l("동류 연결 계수", "Assortativity"), "[-1, 1]",
              _l("{group} 기준 Newman 명목 동류성", "Newman nominal assortativity by {group}"),
              _assortativity, needs=("group", "ties", "two groups"), source="assort"),
    Indicator("modularity_{group}_partition", "linkage", _l("{group} 구분의 모듈성", "Modularity of the {group} partition"),
              "[-0.5, 1]", _l("{group}별로 나눈 기관 구분의 모듈성(가중)",
                              "modularity of the partition of organisations by {group} (weighted)"),
              _group_modularity, needs=("group", "ties", "two groups"), source="modularity"),
    Indicator("open_project_share_{group}", "linkage", _l("타 {group} 기관 참여 과제 비율", "Open-project share"), "share",
              _l("다른 {group} 기관이 함께한 (그룹, 과제) 쌍 / 전체 쌍",
                 "(group, project) pairs where the project includes another {group} / all pairs"),
              _open_project_share, needs=("group",)),
    Indicator("cross_wide_region_tie_share", "linkage", _l("광역경제권 간 연결 비율", "Cross-wide-region tie share"),
              "share", _l("서로 다른 5+2 광역경제권 기관 간 연결 / 전체 연결",
                          "ties between different 5+2 wide economic regions / ties"),
              _cross_wide, needs=("wide_region", "ties")),
    Indicator("newcomer_share_last_year", "linkage", _l("신규 참여기관 비율(마지막 해)", "Newcomer share, last year"),
              "share", _l("{year}년 참여기관 중 이전에 참여한 적이 없는 기관 비율",
                          "participants in {year} with no earlier participation"),
              _newcomer_last, needs=("years",), scope="whole"),
    Indicator("kis_share_participating_firms", "services", _l("지식서비스 기업 비율", "Knowledge-service firms"),
              "share", _l("지식서비스 기업(KSIC 58, 62, 63, 70-73) / 참여기업",
                          "knowledge-intensive service firms (KSIC 58, 62, 63, 70-73) / participating firms"),
              _kis_share, needs=("sector",),
              review=Review("knowledge services thin", "지식서비스 부족",
                            _l("검토 보고서는 수치 없이 지적만 함", "the review gives no number")), source="oecd_kis"),
    Indicator("manufacturing_with_kis_partner", "services",
              _l("지식서비스 협력 제조기업 비율", "Manufacturers with a knowledge-service partner"), "share",
              _l("지식서비스 기업과 한 번 이상 협력한 제조기업 / 네트워크의 제조기업",
                 "manufacturing firms with >= 1 knowledge-service partner / manufacturing firms in the network"),
              _manufacturing_with_kis, needs=("sector",), source="oecd_kis"),
    Indicator("programme_overlap_mean_jaccard", "duplication", _l("사업 간 참여기관 중복도", "Programme overlap"),
              "[0, 1]", _l("사업 쌍별 참여기관 Jaccard 중복도의 평균",
                           "mean Jaccard overlap of participants between programme pairs"),
              _programme_overlap, needs=("programmes",),
              review=Review("programmes duplicate", "사업 간 중복",
                            _l("검토 보고서는 수치 없이 지적만 함", "the review gives no number")), source="review"),
    Indicator("organisations_in_several_programmes", "duplication",
              _l("복수 사업 참여기관 비율", "Organisations in several programmes"), "share",
              _l("둘 이상의 사업에 참여한 기관 / 참여기관", "organisations in >= 2 programmes / organisations"),
              _several_programmes, needs=("programmes",)),
    Indicator("near_duplicate_project_pairs", "duplication", _l("유사·중복 과제 쌍", "Near-duplicate project pairs"),
              "count", _l("같은 해 서로 다른 사업에서 참여기관 Jaccard 0.8 이상인 과제 쌍",
                          "project pairs in different programmes, same year, participant Jaccard >= 0.8"),
              _near_duplicates, needs=("programmes",), scope="whole"),
    Indicator("patent_ratio_sme", "outcomes", _l("참여 중소기업 특허 배수(일반 중소기업 대비)",
                                                  "Patent ratio, participating vs other SMEs"),
              "ratio", _l("참여 중소기업 / 비참여 중소기업 평균 특허 수(95% 부트스트랩 구간 {ci_low:.2f}-{ci_high:.2f}); "
                          "기술 통계이며 인과 효과가 아님",
                          "mean patents of participating / non-participating SMEs (95% bootstrap CI "
                          "{ci_low:.2f}-{ci_high:.2f}); descriptive, not causal"),
              _patent_ratio_sme, needs=("patents", "size"), scope="whole",
              review=Review("4.6x", "4.6배",
                            _l("비교 가능: 검토 보고서와 같이 일반 중소기업과 비교(참여 {n1:,}개, 비참여 {n0:,}개)",
                               "comparable: against ordinary SMEs, as the review ({n1:,} participating, "
                               "{n0:,} other SMEs)"), 4.6),
              source="review"),
    Indicator("patent_ratio_participants", "outcomes", _l("참여기업 특허 배수(전체 기업 대비)",
                                                           "Patent ratio, participating vs all other firms"),
              "ratio", _l("참여기업 / 비참여 기업(대기업 포함) 평균 특허 수(95% 부트스트랩 구간 {ci_low:.2f}-{ci_high:.2f}); "
                          "기술 통계이며 인과 효과가 아님",
                          "mean patents of participating / non-participating firms, large ones included (95% "
                          "bootstrap CI {ci_low:.2f}-{ci_high:.2f}); descriptive, not causal"),
              _patent_ratio, needs=("patents",), scope="whole", source="review"),
    Indicator("patent_ratio_size_standardised", "outcomes", _l("참여기업 특허 배수(기업규모 표준화)",
                                                                "Patent ratio, standardised by firm size"),
              "ratio", _l("기업규모별로 비교해 참여기업 규모 구성으로 가중한 특허 배수(95% 부트스트랩 구간 "
                          "{ci_low:.2f}-{ci_high:.2f}); 기술 통계",
                          "patent ratio within firm-size classes, weighted to the participants' size mix (95% "
                          "bootstrap CI {ci_low:.2f}-{ci_high:.2f}); descriptive"),
              _patent_ratio_by_size, needs=("patents", "size"), scope="whole", source="review"),
    Indicator("triple_helix_t_uig", "helix", _l("산학연관 상호정보(T_UIG)", "Triple-helix mutual information (T_UIG)"),
              "bits", _l("과제 단위 Leydesdorff T_UIG(음수 = 시너지)",
                         "Leydesdorff's T_UIG over projects (negative = synergy)"),
              _t_uig, source="leydesdorff"),
    Indicator("leiden_modularity", "communities", _l("커뮤니티 모듈성(Leiden)", "Community modularity (Leiden)"),
              "[-0.5, 1]", _l("시드를 고정한 Leiden 커뮤니티의 모듈성(seed {seed})",
                              "modularity of seeded Leiden communities (seed {seed})"),
              _leiden_modularity, needs=("ties",), scope="whole", source="leiden"),
    Indicator("leiden_communities", "communities", _l("커뮤니티 수", "Leiden communities"), "count",
              _l("Leiden 커뮤니티 수", "Leiden communities"), _leiden_count, needs=("ties",), scope="whole",
              source="leiden"),
    # series by year (the evolution's yearly charts)
    Indicator("newcomer_share", "openness", _l("신규 참여기관 비율", "Newcomer share"), "share",
              _l("그해 참여기관 중 이전에 참여한 적이 없는 기관 비율",
                 "participants of the year with no earlier participation"),
              _newcomer_by_year, needs=("years",), scope="yearly"),
    Indicator("specialised_share", "coverage", _l("특화업종 비율", "Specialised-industry share"), "share",
              _l("소속 산업단지의 특화업종에 속한 참여기업 비율",
                 "participating firms in their complex's designated industries"),
              _specialised_by_year, needs=("complex", "sector", "specialised"), scope="yearly",
              source="review"),
)

_BY_ID = {i.id: i for i in REGISTRY}


def by_id(indicator_id: str) -> Indicator:
    """The registry entry of ``indicator_id`` (the template id, e.g. ``ei_index_{group}``).

    Raises ``KeyError`` listing the ids."""
    try:
        return _BY_ID[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}; known: {sorted(_BY_ID)}") from None


# ---------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------

def _unmet(ind: Indicator, s: Slice) -> dict | None:
    for need in ind.needs:
        check, reason = NEEDS[need]
        if not check(s):
            return reason
    return None


def _plain(v):
    return v.item() if isinstance(v, (np.floating, np.integer)) else v


def evaluate(ind: Indicator, s: Slice, lang: str = "en") -> dict:
    """One row: ``indicator, label, value, unit, ci_low, ci_high, definition, review_figure,
    comparability, note, section`` (and ``applicable``, ``reference``: a null model's 95% band).
    ``value`` is None and ``applicable`` False with the reason in ``note`` (in ``lang``) when
    the slice cannot support the figure; the review's figure and its comparability appear on
    Korean programme data only."""
    g = s.group_by
    fill = {"group": group_label(g, lang)}
    row = {"indicator": ind.key(g), "label": fill_in(ind.label[lang], fill), "value": None, "unit": ind.unit,
           "ci_low": None, "ci_high": None, "definition": None,
           "review_figure": (ind.review.ko if lang == "ko" else ind.review.en) if ind.review and s.korean else None,
           "comparability": None, "note": "", "section": ind.section, "applicable": True, "reference": None}
    reason = _unmet(ind, s)
    if reason is None:
        try:
            out = ind.compute(s)
        except NotApplicable as e:
            reason = e.reason
        else:
            fig = out if isinstance(out, Figure) else Figure(out)
            row["value"] = _plain(fig.value)
            row["note"] = fig.note.get(lang, "") if isinstance(fig.note, dict) else fig.note
            if fig.interval is not None:
                row["ci_low"], row["ci_high"] = (_plain(v) for v in fig.interval)
            if fig.reference is not None:
                row["reference"] = tuple(_plain(v) for v in fig.reference)
            fill.update(fig.params)
    if reason is not None:
        row["applicable"] = False
        row["note"] = ("해당 없음: " if lang == "ko" else "not applicable: ") + fill_in(reason[lang], fill)
    row["definition"] = fill_in(ind.definition[lang], fill)
    if row["review_figure"] and ind.review.comparable and row["applicable"]:
        row["comparability"] = fill_in(ind.review.comparable[lang], fill)
    return row


class _Blank:
    """What an unfilled placeholder shows (the figure that would fill it was not computed)."""

    def __format__(self, spec):
        return "…"


class _Fill(dict):
    def __missing__(self, key):
        return _Blank()


def fill_in(template: str, fill: dict) -> str:
    """``template`` with its placeholders filled from ``fill`` ("…" for those not given).

    >>> fill_in("ties between different {group}s, {year}", {"group": "region"})
    'ties between different regions, …'
    """
    return template.format_map(_Fill(fill))


def evaluate_all(s: Slice, indicators=REGISTRY, lang: str = "en") -> list[dict]:
    """:func:`evaluate` of each indicator, in the registry's order."""
    return [evaluate(ind, s, lang) for ind in indicators]
