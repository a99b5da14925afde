"""The workbook as a colleague would hand it over: every sheet with human column labels (in
the report's language) and number formats — counts with thousands separators, shares in
percent, indices to three decimals, p-values in scientific notation, other measures as they
are (General: a betweenness of 0.00012 keeps its digits).

The labels come from where each column is defined: the organisation and tie columns from the
column specification (:mod:`netcluster.write.columns`), the indicators from the registry
(:mod:`netcluster.indicators`: a value's format follows its indicator's unit, row by row in
the scorecard and the evolution tables), the other tables' columns from :data:`SHEET_COLUMNS`
below.  A column known nowhere (an analyst's own) keeps its name and gets the format of its
type.  The ``labels`` sheet lists every label with its column id (the id is what the CSV
files use).  Coded values are shown by their names as well (:func:`shown_values`: organisation
types, programme phases, units, sections, quality actions and reasons, methods); the CSV files
keep the codes.

>>> s = workbook_sheet("growth", pd.DataFrame({"year": [2009], "ties": [12345]}), "en", "region")
>>> s.headers, s.formats
(['year', 'collaboration ties'], ['year', 'int'])
"""

from __future__ import annotations

import pandas as pd

from ..indicators import REGISTRY, SECTIONS, fill_in, group_label
from ..orgtypes import PUBLIC_BODIES
from .columns import EXTRA_ATTR, column_formats, labels
from .tables import Sheet
from .text import TEXT, t, value_labels

__all__ = ["workbook_sheet", "SHEET_COLUMNS", "unit_format", "sheet_labels", "shown_values", "show_function",
           "SHOWN_ORGANISATION_COLUMNS", "group_names"]

#: Columns of the workbook's other tables: id → (Korean label, English label, format); format
#: None: by the row's indicator unit (the scorecard's and evolution tables' values).
SHEET_COLUMNS = {
    # scorecard
    "indicator": ("지표 ID", "indicator id", "text"),
    "label": ("지표", "indicator", "text"),
    "value": ("값", "value", None),
    "unit": ("단위", "unit", "text"),
    "ci_low": ("신뢰구간 하한", "interval, low", None),
    "ci_high": ("신뢰구간 상한", "interval, high", None),
    "definition": ("정의", "definition", "text"),
    "review_figure": ("검토 보고서 수치", "programme review's figure", "text"),
    "comparability": ("비교 가능성", "comparability", "text"),
    "note": ("비고", "note", "text"),
    "section": ("영역", "section", "text"),
    # openness
    "members": ("기관 수", "organisations", "int"),
    "internal": ("내부 연결", "ties inside", "float"),
    "external": ("외부 연결", "ties across", "float"),
    "external_share": ("외부 연결 비율", "share across", "share"),
    "ei": ("E-I 지수", "E-I index", "index"),
    "internal_weighted": ("내부 연결(가중)", "ties inside, weighted", "float"),
    "external_weighted": ("외부 연결(가중)", "ties across, weighted", "float"),
    "ei_weighted": ("E-I 지수(가중)", "E-I index, weighted", "index"),
    "ei_null_mean": ("무작위 기대 E-I 평균", "E-I under the null: mean", "index"),
    "ei_null_q025": ("무작위 기대 E-I 2.5%", "E-I under the null: 2.5%", "index"),
    "ei_null_q975": ("무작위 기대 E-I 97.5%", "E-I under the null: 97.5%", "index"),
    "projects": ("과제 수", "projects", "int"),
    "joint_projects": ("공동 과제 수", "joint projects", "int"),
    "open_projects": ("개방 과제 수", "open projects", "int"),
    "open_share": ("개방 과제 비율", "open-project share", "share"),
    "cross_tie_share": ("{group} 간 연결 비율", "cross-{group} tie share", "share"),
    # region matrix
    "region_a": ("{group} 1", "{group} 1", "text"),
    "region_b": ("{group} 2", "{group} 2", "text"),
    "ties": ("협력 연결 수", "collaboration ties", "int"),
    "weight": ("연결 가중치 합", "tie weight", "float"),
    "tie_ends": ("연결 끝 수", "tie ends", "int"),
    "expected_tie_ends": ("기대 연결 끝 수", "expected tie ends", "index"),
    "obs_exp_ratio": ("관측/기대 비율", "observed / expected", "index"),
    "shared_projects": ("공동 과제 수", "shared projects", "int"),
    # evolution, growth
    "slice": ("구간", "period", "text"),
    "start": ("시작 연도", "first year", "year"),
    "end": ("끝 연도", "last year", "year"),
    "year": ("연도", "year", "year"),
    "organisations": ("참여기관 수", "organisations", "int"),
    "participations": ("참여 건수", "participations", "int"),
    # changes between periods
    "period_a": ("기간 A", "period A", "text"),
    "period_b": ("기간 B", "period B", "text"),
    "value_a": ("값(기간 A)", "value, period A", None),
    "value_b": ("값(기간 B)", "value, period B", None),
    "difference": ("차이(B − A)", "difference (B − A)", None),
    "p_value": ("p값(순열검정)", "p-value (permutation)", "p"),
    "method": ("방법", "method", "text"),
    "n_a": ("과제 수(A)", "projects, A", "int"),
    "n_b": ("과제 수(B)", "projects, B", "int"),
    # who runs the network; regional innovation systems
    "org_type": ("기관유형", "organisation type", "text"),
    "organisations_share": ("기관 비율", "share of organisations", "share"),
    "ties_share": ("연결 비율", "share of ties", "share"),
    "betweenness_share": ("매개 중심성 비율", "share of betweenness", "share"),
    "betweenness_share_se": ("매개 중심성 비율의 표준오차", "share of betweenness: standard error", "share"),
    "betweenness_sources": ("매개 중심성 추정 출발 기관 수", "betweenness: sources sampled", "int"),
    "lead_share": ("주관 과제 비율", "share of project leads", "share"),
    "firms": ("참여 기업 수", "participating firms", "int"),
    "firm_ties": ("기업의 협력 연결 수", "firms' partner links", "int"),
    "firm_university_tie_share": ("기업-대학 연결 비율", "firm–university share", "share"),
    "firm_research_tie_share": ("기업-연구기관 연결 비율", "firm–research share", "share"),
    "firm_partners_local_share": ("기업 파트너 중 같은 지역 비율", "firms' partners in the same region", "share"),
    "kis_firms": ("지식서비스 기업 수", "knowledge-service firms", "int"),
    "kis_mean_degree": ("지식서비스 기업 평균 연결 수", "knowledge-service firms: mean partners", "index"),
    "kis_external_share": ("지식서비스 기업의 외부 파트너 비율", "knowledge-service firms: partners elsewhere", "share"),
    # trend break
    "break_year": ("기준 연도", "break year", "year"),
    "level_change": ("기준 연도의 수준 변화", "level change at the break", "index"),
    "level_ci_low": ("수준 변화 95% 하한", "level change, 95% low", "index"),
    "level_ci_high": ("수준 변화 95% 상한", "level change, 95% high", "index"),
    "slope_before": ("이전 연간 추세", "yearly trend before", "index"),
    "slope_after": ("이후 연간 추세", "yearly trend after", "index"),
    "slope_change": ("추세 변화", "trend change", "index"),
    "slope_change_ci_low": ("추세 변화 95% 하한", "trend change, 95% low", "index"),
    "slope_change_ci_high": ("추세 변화 95% 상한", "trend change, 95% high", "index"),
    "slope_change_p": ("추세 변화 p값", "trend change p-value", "p"),
    "n_years": ("연도 수", "years", "int"),
    # funding
    "project_a": ("과제 A", "project A", "text"), "project_b": ("과제 B", "project B", "text"),
    "programme_a": ("사업 A", "programme A", "text"), "programme_b": ("사업 B", "programme B", "text"),
    "year_a": ("연도 A", "year A", "year"), "year_b": ("연도 B", "year B", "year"),
    "title_a": ("과제명 A", "title A", "text"), "title_b": ("과제명 B", "title B", "text"),
    "title_similarity": ("과제명 유사도", "title similarity", "index"),
    "shared_organisations": ("공통 참여기관 수", "shared organisations", "int"),
    "consortium_jaccard": ("컨소시엄 중복도(Jaccard)", "consortium overlap (Jaccard)", "index"),
    "projects_with_budget": ("예산 있는 과제 수", "projects with a budget", "int"),
    "budget": ("예산", "budget", "int"), "recipients": ("수혜 기관 수", "recipients", "int"),
    "hhi": ("HHI", "HHI", "index"), "gini": ("지니계수", "Gini", "index"),
    "top10_share": ("상위 10% 비중", "top 10% share", "share"),
    "name": ("기관명", "name", "text"), "programmes": ("지원 사업 수", "programmes", "int"),
    # outcomes (difference-in-differences)
    "outcome": ("성과 지표", "outcome", "text"),
    "estimate": ("추정 효과", "estimate", "index"),
    "n_treated": ("참여 기업 수", "participating firms", "int"),
    "n_control": ("비교 기업 수", "comparison firms", "int"),
    "comparison_group": ("비교 집단", "comparison group", "text"),
    "pre_trend_p": ("사전 추세 p값", "pre-trend p-value", "p"),
    "years_since_entry": ("참여 후 연수", "years since entry", "int"),
    "n_treated_firm_years": ("참여 기업-연도 수", "participating firm-years", "int"),
    # structure over time
    "density": ("밀도", "density", "index"),
    "components": ("연결 요소 수", "components", "int"),
    "largest_component_share": ("최대 연결 요소 비율", "largest component share", "share"),
    "isolates": ("고립 기관 수", "isolated organisations", "int"),
    "average_clustering": ("평균 군집 계수", "average clustering", "index"),
    "degree_centralisation": ("연결정도 집중도", "degree centralisation", "index"),
    "max_core": ("최대 k-코어", "largest k-core", "int"),
    "main_core_share": ("핵심(최대 k-코어) 기관 비율", "share in the main core", "share"),
    "newcomers": ("신규 참여 기관 수", "newcomers", "int"),
    "newcomers_tied_to_core_share": ("기존 핵심과 연결된 신규 기관 비율", "newcomers tied to the earlier core", "share"),
    # gatekeepers
    "org_id": ("기관 ID", "organisation id", "text"),
    "group": ("구분", "group", "text"),
    "internal_ties": ("내부 연결", "ties inside", "int"),
    "external_ties": ("외부 연결", "ties across", "int"),
    "gatekeeper": ("게이트키퍼 중개", "gatekeeper pairs", "int"),
    "z_gatekeeper": ("게이트키퍼 z", "gatekeeper, z", "index"),
    "gatekeeper_share": ("게이트키퍼 중개 비율", "gatekeeper share", "share"),
    "rank": ("순위", "rank", "int"),
    # E-I permutation test
    "null_mean": ("무작위 기대 평균", "null mean", "index"),
    "null_sd": ("무작위 기대 표준편차", "null standard deviation", "index"),
    "null_q025": ("무작위 기대 2.5%", "null 2.5%", "index"),
    "null_q975": ("무작위 기대 97.5%", "null 97.5%", "index"),
    "p_greater": ("p값(더 개방적)", "p-value, more open", "p"),
    "p_less": ("p값(더 폐쇄적)", "p-value, more closed", "p"),
    "rescaled_ei": ("재척도 E-I", "rescaled E-I", "index"),
    "ei_min_attainable": ("가능한 최소 E-I", "lowest attainable E-I", "index"),
    "ei_max_attainable": ("가능한 최대 E-I", "highest attainable E-I", "index"),
    "organisations_unknown_group": ("구분 미상 기관 수", "organisations of unknown group", "int"),
    "groups": ("구분 수", "groups", "int"),
    # data quality
    "table": ("표", "table", "text"),
    "reason": ("사유", "reason", "text"),
    "action": ("처리", "action", "text"),
    "rows": ("행 수", "rows", "int"),
    "file": ("파일", "file", "text"),
    "rows_read": ("읽은 행", "rows read", "int"),
    "rows_used": ("사용한 행", "rows used", "int"),
    "rows_dropped": ("제외한 행", "rows dropped", "int"),
    "balanced": ("행 수 일치", "rows add up", "bool"),
    # communities against a declared grouping (mini-clusters, complexes)
    "declared_group": ("자료상 소속", "declared group", "text"),
    "size": ("소속 기관 수", "organisations", "int"),
    "dominant_community": ("주 커뮤니티", "main community", "text"),
    "dominant_share": ("주 커뮤니티 비율", "share in the main community", "share"),
    "n_communities": ("커뮤니티 수", "communities", "int"),
    "split": ("분리", "split", "bool"),
    "merged_with": ("같은 주 커뮤니티의 다른 소속", "other groups in the same main community", "text"),
    # labels sheet
    "sheet": ("시트", "sheet", "text"),
    "column": ("열 ID", "column id", "text"),
}

def unit_format(unit: str) -> str:
    """The cell format of an indicator's unit (registry): shares in percent, counts with
    thousands separators, p-values scientific, other indices (and means such as the mean
    consortium size, in organisations) to three decimals."""
    if unit == "share":
        return "share"
    if unit == "count":
        return "int"
    if unit == "p-value":
        return "p"
    return "index"


def _units(group_by: str) -> dict:
    return {ind.key(group_by): ind.unit for ind in REGISTRY}


def _by_dtype(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    if pd.api.types.is_float_dtype(s):
        return "float"
    return "text"


def workbook_sheet(name: str, frame: pd.DataFrame, lang: str, group_by: str) -> Sheet:
    """The sheet ``name`` of the workbook with its human headers and formats."""
    g = group_label(group_by, lang)
    j = 0 if lang == "ko" else 1
    if name in ("organisations", "ties"):
        return table_sheet(frame, lang, group_by, table=name)
    if name == "labels":
        return Sheet(frame, [["시트", "열 ID", "표시 이름"], ["sheet", "column id", "label"]][j], ["text"] * 3)
    if name == "region_ties_square":  # groups × groups: the first column names the groups, the others are groups
        return Sheet(frame, [g] + [str(c) for c in frame.columns[1:]],
                     ["text"] + [_by_dtype(frame.iloc[:, j]) for j in range(1, frame.shape[1])])
    frame = shown_values(frame, lang)
    units = _units(group_by)
    headers, formats = [], []
    row_units = None
    if "indicator" in frame.columns:  # scorecard, evolution: the value's format by its indicator
        row_units = [unit_format(units.get(k, "")) if k in units else "float" for k in frame["indicator"].tolist()]
    for c in frame.columns:
        c = str(c)
        if c in SHEET_COLUMNS:
            ko, en, fmt = SHEET_COLUMNS[c]
            headers.append(fill_in((ko, en)[j], {"group": g}))
        elif c == group_by:
            headers.append(g)
            fmt = "text"
        elif c in units:
            ind = next(i for i in REGISTRY if i.key(group_by) == c)
            headers.append(fill_in(ind.label[lang], {"group": g}))
            fmt = unit_format(ind.unit)
        else:  # an analyst's column, or a region of the square matrix
            headers.append(c)
            fmt = _by_dtype(frame[c])
        if fmt is None:
            fmt = row_units if row_units is not None else _by_dtype(frame[c])
        formats.append(fmt)
    return Sheet(frame, headers, formats)


def shown_values(frame: pd.DataFrame, lang: str, columns=None) -> pd.DataFrame:
    """``frame`` with the codes of its coded columns (``columns``, default all) as a reader is
    shown them: organisation types, programme phases, units, scorecard sections, quality
    actions and reasons (:func:`show_function`).  The CSV files keep the codes."""
    out = None
    for c in frame.columns if columns is None else [c for c in columns if c in frame.columns]:
        show = show_function(c, lang)
        if show is None or not (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)):
            continue
        if out is None:
            out = frame.copy()
        out[c] = pd.Series([show(v) if isinstance(v, str) else v for v in frame[c].tolist()],
                           index=frame.index, dtype=object)
    return frame if out is None else out


#: The organisations sheet's coded columns, shown by their labels (the other columns are
#: names, places and numbers as read, or the analyst's own).
SHOWN_ORGANISATION_COLUMNS = ("org_type",)


def group_names(group_by: str, lang: str):
    """How the groups of a grouping are named to a reader (a function of a group), or None when
    they are shown as they are: a grouping by a coded organisation column
    (:data:`SHOWN_ORGANISATION_COLUMNS`) names its groups as :func:`show_function` does.  The
    report, the regions page and the workbook's group sheets use it.

    >>> group_names("org_type", "ko")("university"), group_names("region", "ko") is None
    ('대학', True)
    """
    return show_function(group_by, lang) if group_by in SHOWN_ORGANISATION_COLUMNS else None


def show_function(column, lang: str):
    """How the workbook and the report show the values of ``column`` (a function of a code), or
    None: the scorecard's sections by their headings (:data:`netcluster.indicators.SECTIONS`),
    organisation types by their names (government and support bodies together:
    :data:`netcluster.orgtypes.PUBLIC_BODIES`), the other coded columns by
    :func:`netcluster.write.text.value_labels`.

    >>> show_function("org_type", "ko")("government"), show_function("org_type", "en")("government+support")
    ('공공기관', 'government + support')
    >>> show_function("section", "ko")("linkage")
    '지역 간 연계'
    """
    if column == "section":
        return lambda v: SECTIONS[v][lang] if v in SECTIONS else v
    if column == "org_type":
        types, public = TEXT["org_types"][lang], TEXT["public_types"][lang]
        return lambda v: public if v == PUBLIC_BODIES else types.get(v, v)
    return value_labels(str(column), lang)


def table_sheet(frame, lang: str, group_by: str, *, table: str, source=None) -> Sheet:
    """The organisations or ties sheet (``frame``: the table or its formatted form; ``source``:
    the table whose analyst columns are described, default ``frame``): labels and formats
    from the column specification."""
    cols = [str(c) for c in frame.columns]
    g = group_label(group_by, lang)
    source = frame if source is None else source
    lab = labels(lang, group_by=group_by, group_label=g, table=table, available=source)
    fmts = column_formats(cols, group_by=group_by, table=table, extra=getattr(source, "attrs", {}).get(EXTRA_ATTR, {}))
    out_fmt = []
    for c in cols:
        f = fmts.get(c)
        if f is None:  # not in the specification: by its type
            f = _by_dtype(frame[c]) if isinstance(frame, pd.DataFrame) else _formatted_kind(frame, c)
        out_fmt.append(f)
    return Sheet(frame, [lab.get(c, c) for c in cols], out_fmt)


def _formatted_kind(formatted, c: str) -> str:
    kind = formatted.column(c).kind
    return {"int": "int", "float": "float", "bool": "bool"}.get(kind, "text")


def sheet_labels(lang: str, group_by: str, organisations=None) -> pd.DataFrame:
    """The ``labels`` sheet: each column id of the tables with its label (``organisations``:
    the table whose analyst columns are listed too)."""
    g = group_label(group_by, lang)
    rows = [("organisations", k, v) for k, v in labels(lang, group_by=group_by, group_label=g,
                                                       available=organisations).items()]
    rows += [("ties", k, v) for k, v in labels(lang, group_by=group_by, group_label=g, table="ties").items()]
    rows += [("scorecard", ind.key(group_by), fill_in(ind.label[lang], {"group": g})) for ind in REGISTRY]
    j = 0 if lang == "ko" else 1
    others = t("other_sheets", lang)  # (the other rows name a tab: tabs keep their names in both languages)
    rows += [(others, k, fill_in(v[j], {"group": g})) for k, v in SHEET_COLUMNS.items()]
    return pd.DataFrame(rows, columns=["sheet", "column", "label"])
