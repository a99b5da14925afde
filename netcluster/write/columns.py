"""One specification of the output columns: each organisation and tie column declared once.

A :class:`Column` says how the column is called (Korean and English), how its numbers are
shown, which outputs carry it, and — for a measure of organisations in the projection — the
function that computes it.  organisations.csv and the workbook, the GEXF/GraphML attributes,
the report's organisation table, the network page's tooltip, colour, filter and size-by menus
all read this table; adding a column to all of them is one entry here (and, for a new
measure, its function).

Outputs:

``table``    organisations.csv / ties.csv and the workbook's sheets
``graph``    GEXF and GraphML node attributes
``report``   the report's table of top organisations
``tooltip``  the network page's tooltip
``size``     the network page's size-by menu
``colour``   the network page's colour-by menu
``filter``   the network page's filters

Columns of the data that this table does not know go to ``table`` only — unless the analyst
names them (``analyze(..., extra_columns=...)``): :func:`analyst_columns` then gives each an
entry by its type (a number: every page and the size-by menu; a category of a few values:
also colour and filter), with the analyst's label, and it reaches every output like the
specification's own.  The organisations table carries these entries in ``attrs``
(:data:`EXTRA_ATTR`), so every writer that receives the table knows them.

>>> [c.id for c in ORGANISATION_COLUMNS if "size" in c.outputs]
['n_projects', 'degree', 'coreness', 'betweenness', 'pagerank']
>>> column("coreness").label["ko"]
'k-코어 수'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from ..centrality import coreness

__all__ = ["Column", "ORGANISATION_COLUMNS", "TIE_COLUMNS", "OUTPUTS", "DEFAULTS", "column",
           "columns_for", "labels", "organisation_table", "measures", "analyst_columns", "EXTRA_ATTR",
           "column_formats"]

#: Key of the organisations table's ``attrs`` holding the analyst's column entries.
EXTRA_ATTR = "netcluster_extra_columns"
#: An analyst's text column with at most this many distinct values is also a colour and a filter.
CATEGORY_MAX_VALUES = 20

OUTPUTS = ("table", "graph", "report", "tooltip", "size", "colour", "filter")

#: What the network page shows first.
DEFAULTS = {"size": "betweenness", "colour": "region"}


@dataclass(frozen=True)
class Column:
    """One output column.

    Attributes
    ----------
    id : str
        Column name in the tables; ``{group}`` stands for the grouping column
        (``{group}_ei`` → ``region_ei``).
    label : dict
        ``{"ko": …, "en": …}`` (``{group}`` filled likewise).
    fmt : str
        How a person reads it: ``text``, ``int`` (thousands separators), ``float`` (as it is),
        ``index`` (3 decimals), ``share`` (percent), ``p`` (a p-value), ``year`` or ``bool``.
    outputs : frozenset
        Which of :data:`OUTPUTS` carry it.
    measure : callable, optional
        ``measure(projection) -> Series`` indexed by org_id, for a measure of organisations
        computed on the one-mode projection alone (``analyze`` computes it and joins it).
    """

    id: str
    label: dict
    fmt: str = "text"
    outputs: frozenset = frozenset({"table"})
    measure: Callable | None = None

    def key(self, group_by: str) -> str:
        return self.id.format(group=group_by)


def _c(id_, ko, en, fmt="text", outputs=("table",), measure=None):
    return Column(id_, {"ko": ko, "en": en}, fmt, frozenset(outputs), measure)


_ALL_PAGES = ("table", "graph", "report", "tooltip")

#: The organisation columns, in the order of organisations.csv: the data's attributes (in the
#: dataset's order; these entries give their labels and outputs), then the measures.
ORGANISATION_COLUMNS: tuple[Column, ...] = (
    _c("org_id", "기관 ID", "organisation id"),
    _c("name", "기관명", "name", outputs=("table", "graph", "report")),
    _c("org_type", "기관유형", "organisation type", outputs=_ALL_PAGES + ("colour", "filter")),
    _c("org_type_inferred", "유형 추정 여부", "type inferred from the name", "bool"),
    _c("org_category", "기관구분(원자료)", "organisation category (as in the source)",
       outputs=("table", "graph", "tooltip", "colour", "filter")),
    _c("region", "시·도", "region", outputs=_ALL_PAGES + ("colour", "filter")),
    _c("wide_region", "광역경제권", "wide economic region (5+2)", outputs=("table", "graph", "tooltip", "colour")),
    _c("region_source", "지역(원자료)", "region as in the source"),
    _c("region_from", "지역을 읽은 열", "region read from"),
    _c("address", "주소", "address"),
    _c("complex", "산업단지", "industrial complex", outputs=("table", "graph", "tooltip")),
    _c("cluster", "미니클러스터", "mini-cluster", outputs=("table", "graph", "tooltip")),
    _c("sector", "업종(KSIC)", "sector (KSIC)"),
    _c("size", "기업규모", "firm size"),
    _c("patents", "특허 출원 수", "patents", "int"),
    _c("employees", "종업원 수", "employees", "int"),
    _c("specialised", "특화업종", "designated industries"),
    _c("output", "생산액", "output", "float"),
    _c("n_projects", "참여 과제 수", "projects", "int", _ALL_PAGES + ("size",)),
    # provenance: in the dataset and quality.json, not in the outputs
    _c("participant", "참여 여부", "participant", "bool", ()),
    _c("file", "원자료 파일", "source file", outputs=()),
    _c("line", "원자료 행", "source line", "int", ()),
    # measures of the projection
    _c("degree", "협력기관 수(연결정도)", "degree (partners)", "int", _ALL_PAGES + ("size",)),
    _c("strength", "연결 강도", "strength", "float", ("table", "graph")),
    _c("coreness", "k-코어 수", "coreness (k-core)", "int", _ALL_PAGES + ("size",), measure=coreness),
    _c("betweenness", "매개 중심성", "betweenness", "float", _ALL_PAGES + ("size",)),
    _c("betweenness_se", "매개 중심성 표준오차", "betweenness standard error", "float"),
    _c("closeness", "근접 중심성(조화)", "closeness (harmonic)", "float", ("table", "graph")),
    _c("betweenness_w", "매개 중심성(가중)", "betweenness, weighted", "float"),
    _c("betweenness_se_w", "매개 중심성(가중) 표준오차", "betweenness, weighted: standard error", "float"),
    _c("closeness_w", "근접 중심성(가중)", "closeness, weighted", "float"),
    _c("eigenvector", "고유벡터 중심성", "eigenvector", "float", ("table", "graph")),
    _c("pagerank", "PageRank", "PageRank", "float", _ALL_PAGES + ("size",)),
    _c("eigenvector_w", "고유벡터 중심성(가중)", "eigenvector, weighted", "float"),
    _c("pagerank_w", "PageRank(가중)", "PageRank, weighted", "float"),
    _c("community", "커뮤니티(Leiden)", "community (Leiden)", "int", ("table", "graph", "tooltip", "colour")),
    _c("{group}_internal", "같은 {group} 내 연결", "ties inside the {group}", "float"),
    _c("{group}_external", "다른 {group}과의 연결", "ties to other {group}s", "float"),
    _c("{group}_external_share", "외부 연결 비율({group})", "share of ties to other {group}s", "share"),
    _c("{group}_ei", "E-I 지수({group})", "E-I index ({group})", "index"),
    _c("brokered_pairs", "중개 쌍 수", "brokered pairs", "int"),
    _c("coordinator", "조정자 중개", "coordinator brokerage", "int"),
    _c("itinerant", "순회 중개", "itinerant brokerage", "int"),
    _c("gatekeeper", "게이트키퍼 중개", "gatekeeper pairs", "int", _ALL_PAGES),
    _c("liaison", "연락자 중개", "liaison brokerage", "int"),
    _c("expected_coordinator", "조정자 기대값", "coordinator, expected", "index"),
    _c("z_coordinator", "조정자 z", "coordinator, z", "index"),
    _c("expected_itinerant", "순회 기대값", "itinerant, expected", "index"),
    _c("z_itinerant", "순회 z", "itinerant, z", "index"),
    _c("expected_gatekeeper", "게이트키퍼 기대값", "gatekeeper, expected", "index"),
    _c("z_gatekeeper", "게이트키퍼 z", "gatekeeper, z", "index"),
    _c("expected_liaison", "연락자 기대값", "liaison, expected", "index"),
    _c("z_liaison", "연락자 z", "liaison, z", "index"),
    _c("constraint", "제약(Burt)", "constraint (Burt)", "index", ("table", "graph", "report")),
    _c("effective_size", "유효 규모(Burt)", "effective size (Burt)", "index"),
    # the time line (GEXF start/end: netcluster.evolution.year_spans)
    _c("first_year", "첫 참여 연도", "first year", "year", ("table", "tooltip")),
    _c("last_year", "마지막 참여 연도", "last year", "year", ("table", "tooltip")),
)

#: The tie columns, in the order of ties.csv.
TIE_COLUMNS: tuple[Column, ...] = (
    _c("source", "기관 ID(1)", "source"),
    _c("source_name", "기관명(1)", "source name"),
    _c("target", "기관 ID(2)", "target"),
    _c("target_name", "기관명(2)", "target name"),
    _c("weight", "가중치", "weight", "float", ("table", "graph")),
    _c("shared_projects", "공동 과제 수", "shared projects", "int", ("table", "graph")),
    _c("source_{group}", "{group}(1)", "source {group}"),
    _c("target_{group}", "{group}(2)", "target {group}"),
    _c("cross_group", "{group} 간 연결", "between {group}s", "bool"),
    _c("disparity_p", "p값(불균형 필터)", "p-value, disparity filter", "p"),
    _c("sdsm_p", "p값(SDSM)", "p-value, SDSM", "p"),
    _c("in_backbone", "백본 포함", "in the backbone", "bool"),
    _c("first_year", "첫 공동 과제 연도", "first year of a joint project", "year"),
    _c("last_year", "마지막 공동 과제 연도", "last year of a joint project", "year"),
)

_ORG_BY_ID = {c.id: c for c in ORGANISATION_COLUMNS}
_TIE_BY_ID = {c.id: c for c in TIE_COLUMNS}


def column(column_id: str, *, table: str = "organisations") -> Column:
    """The entry of ``column_id`` (template id, e.g. ``{group}_ei``) in the organisations or
    ties table.  Raises ``KeyError`` listing the known ids."""
    known = _ORG_BY_ID if table == "organisations" else _TIE_BY_ID
    if column_id not in known:
        raise KeyError(f"unknown {table} column {column_id!r}; known: {sorted(known)}")
    return known[column_id]


def _entries(table: str, group_by: str, extra: dict | None = None) -> dict:
    spec = ORGANISATION_COLUMNS if table == "organisations" else TIE_COLUMNS
    out = {c.key(group_by): c for c in spec}
    if extra and table == "organisations":
        out.update({k: c for k, c in extra.items() if k not in out})
    return out


def _extra(available) -> dict:
    """The analyst's entries carried by a table (``available``: a DataFrame; else none)."""
    attrs = getattr(available, "attrs", None)
    return dict(attrs.get(EXTRA_ATTR, {})) if isinstance(attrs, dict) else {}


def analyst_columns(frame: pd.DataFrame, names) -> dict:
    """Entries for the analyst's own organisation columns: ``names`` a list of column names of
    ``frame`` or ``{name: label}`` (a label: a str, or ``{"ko": …, "en": …}``).  A number goes
    to every page and the size-by menu (``int`` or ``float``); a boolean, or a text of at most
    :data:`CATEGORY_MAX_VALUES` distinct values, also to the colour and filter menus; any other
    text to the tables, graph files and tooltip.

    >>> f = pd.DataFrame({"kcore": [1, 2], "cluster_tag": ["a", "b"]})
    >>> e = analyst_columns(f, {"kcore": {"ko": "k-코어(자체)", "en": "k-core (own)"}, "cluster_tag": "tag"})
    >>> e["kcore"].fmt, sorted(e["kcore"].outputs), e["cluster_tag"].label
    ('int', ['graph', 'report', 'size', 'table', 'tooltip'], {'ko': 'tag', 'en': 'tag'})
    """
    names = dict(names) if isinstance(names, dict) else {n: n for n in names}
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise KeyError(f"extra columns not in the organisations: {missing}")
    out = {}
    for name, label in names.items():
        s = frame[name]
        label = dict(label) if isinstance(label, dict) else {"ko": str(label), "en": str(label)}
        if pd.api.types.is_bool_dtype(s):
            fmt, outputs = "bool", ("table", "graph", "tooltip", "colour", "filter")
        elif pd.api.types.is_numeric_dtype(s):
            fmt, outputs = ("int" if pd.api.types.is_integer_dtype(s) else "float"), _ALL_PAGES + ("size",)
        else:
            few = s.nunique(dropna=True) <= CATEGORY_MAX_VALUES
            fmt, outputs = "text", ("table", "graph", "tooltip") + (("colour", "filter") if few else ())
        out[name] = Column(name, label, fmt, frozenset(outputs))
    return out


def columns_for(output: str, available, *, group_by: str = "region", table: str = "organisations") -> list[str]:
    """The columns of ``available`` (a table, or its column names) that ``output`` carries, in
    the specification's order, the analyst's columns of the table after them (``table``: also
    the columns nobody described, last, in their order)."""
    if output not in OUTPUTS:
        raise ValueError(f"unknown output {output!r}; outputs: {list(OUTPUTS)}")
    have = list(getattr(available, "columns", available))
    entries = _entries(table, group_by, _extra(available))
    known = [k for k, c in entries.items() if k in have and output in c.outputs]
    if output == "table":
        return known + [k for k in have if k not in entries]
    return known


def labels(lang: str, *, group_by: str = "region", group_label: str | None = None,
           table: str = "organisations", available=None) -> dict:
    """``{column: label}`` in ``lang`` (``group_label``: how the grouping column is called;
    ``available``: a table whose analyst columns are labelled too)."""
    g = group_label or group_by
    return {k: (c.label[lang].format(group=g) if c.id in _ORG_BY_ID or c.id in _TIE_BY_ID else c.label[lang])
            for k, c in _entries(table, group_by, _extra(available)).items()}


def column_formats(available, *, group_by: str = "region", table: str = "organisations", extra=None) -> dict:
    """``{column: format}`` of the columns of ``available`` the specification (or ``extra``,
    the analyst's entries) knows (:attr:`Column.fmt`; the workbook's number formats)."""
    entries = _entries(table, group_by, extra if extra is not None else _extra(available))
    return {k: entries[k].fmt for k in getattr(available, "columns", available) if k in entries}


def measures() -> list[Column]:
    """The columns computed by a function of the projection (``Column.measure``)."""
    return [c for c in ORGANISATION_COLUMNS if c.measure is not None]


def organisation_table(attributes: pd.DataFrame, parts: list, *, group_by: str, extra: dict | None = None) -> pd.DataFrame:
    """The organisations table of the outputs: the attributes (indexed by org_id, in their
    order, without the columns no output carries) joined with the measures ``parts``
    (DataFrames or Series indexed by org_id), whose columns come in the specification's order
    (unknown ones after them).  ``extra``: the analyst's entries (:func:`analyst_columns`),
    kept in the table's ``attrs``."""
    entries = _entries("organisations", group_by)
    keep = [c for c in attributes.columns if c not in entries or entries[c].outputs]
    out = attributes[keep]
    measured, aligned = {}, {}
    for part in parts:
        frame = part.to_frame() if isinstance(part, pd.Series) else part
        # each part aligned to the attributes once (a DataFrame of Series compares the indexes
        # of every pair of columns: 47 comparisons of 279k ids, 1.8 s, at 1M rows)
        if id(frame.index) not in aligned:  # (the index kept: its id stays its own)
            aligned[id(frame.index)] = (frame.index, frame.index.equals(out.index))
        if not aligned[id(frame.index)][1]:
            frame = frame.reindex(out.index)
        for col in frame.columns:
            measured[col] = frame[col].array
    order = [k for k in entries if k in measured] + [k for k in measured if k not in entries]
    if order:
        out = pd.concat([out, pd.DataFrame({k: measured[k] for k in order}, index=out.index)], axis=1)
    out.index.name = "org_id"
    out.attrs[EXTRA_ATTR] = dict(extra or {})
    return out
