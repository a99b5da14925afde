"""Header aliases and the user mapping file.

netcluster renames whatever headers an export has to canonical column names.
Built-in aliases cover the usual Korean and English headers; a TOML mapping
file overrides them, maps raw values to canonical ones, adds missing-value
tokens and extracts codes with a regular expression.

Example mapping (KEEP Interreg export)::

    [read]
    delimiter = ";"
    na_values = ["n/a"]

    [columns]
    project_id = ["Programme", "Acronym"]   # a composite key, joined with " | "
    name = "Project Partner"
    role = "Lead Partner"
    region = "NUTS2 (or equivalent)"
    programme = "Programme"

    [columns.projects]                      # per-table overrides; false = ignore
    budget = "totalCost"

    [extract]
    region = '^(\\S+)'                      # keep the NUTS code before the spaces

    [values.role]
    Yes = "lead"
    No = "participant"
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import InputError, MappingError, MissingColumnError

__all__ = ["Mapping", "load_mapping", "ALIASES", "CANONICAL", "resolve_columns",
           "NUMERIC_COLUMNS", "ID_COLUMNS", "norm_header", "SOURCE_COLUMNS", "DERIVED_ORG_COLUMNS", "CATEGORY_COLUMNS",
           "RELATED", "HEADER_UNITS", "MONEY_UNITS", "header_unit", "MONEY_COLUMNS", "unit_note"]

#: Canonical columns and the headers recognised for them (compared after
#: lower-casing and removing spaces, underscores, hyphens and dots).
ALIASES: dict[str, list[str]] = {
    "project_id": ["project_id", "projectid", "project", "project_code", "과제번호",
                   "과제고유번호", "과제id", "과제코드", "과제관리번호", "사업번호"],
    "org_id": ["org_id", "orgid", "organisation_id", "organisationid", "organization_id",
               "organizationid", "participant_id", "pic", "기관id", "기관코드", "기관번호",
               "사업자등록번호", "법인등록번호", "업체코드", "기업코드"],
    "name": ["name", "org_name", "organisation", "organization", "organisation_name",
             "organization_name", "partner", "partner_name", "project_partner", "기관명",
             "참여기관명", "수행기관명", "기업명", "업체명", "회사명", "참여기관"],
    "org_type": ["org_type", "organisation_type", "organization_type", "type",
                 "activitytype", "기관유형", "기관구분", "기관형태", "기관종류", "기관분류"],
    "region": ["region", "province", "sido", "지역", "시도", "소재지역", "광역시도", "소재시도"],
    "address": ["address", "street", "주소", "소재지", "소재지주소", "기관주소", "사업장주소"],
    "role": ["role", "participant_role", "참여역할", "역할", "주관/참여/위탁", "참여구분",
             "참여형태", "참여유형", "기관역할", "역할구분", "주관여부", "주관기관여부", "연구개발기관구분"],
    "programme": ["programme", "program", "framework_programme", "frameworkprogramme",
                  "사업명", "세부사업명", "프로그램", "지원사업"],
    "year": ["year", "project_year", "사업연도", "연도", "년도", "과제연도", "수행연도"],
    "start_date": ["start_date", "startdate", "start", "시작일", "과제시작일", "협약시작일"],
    "end_date": ["end_date", "enddate", "end", "종료일", "과제종료일", "협약종료일"],
    "title": ["title", "project_title", "과제명", "연구과제명"],
    "complex": ["complex", "industrial_complex", "산업단지", "단지", "단지명", "산업단지명"],
    "cluster": ["cluster", "mini_cluster", "minicluster", "미니클러스터", "클러스터"],
    "sector": ["sector", "ksic", "ksic_code", "nace", "industry", "업종", "표준산업분류코드",
               "업종코드", "산업분류", "산업분류코드"],
    "size": ["size", "size_class", "firm_size", "기업규모", "규모"],
    "patents": ["patents", "patent_applications", "특허출원", "특허", "특허출원건수"],
    "employees": ["employees", "employment", "종업원수", "고용", "고용인원", "종사자수"],
    "output": ["output", "production", "생산액", "매출액", "생산"],
    "budget": ["budget", "total_cost", "totalcost", "사업비", "총사업비", "총연구비", "총연구개발비", "연구개발비",
               "정부출연금", "정부연구비", "정부지원연구개발비", "정부지원금", "연구비"],
    "specialised": ["specialised", "specialized", "designated_sector", "특화업종", "특화산업"],
}

#: Columns that belong to each table when a flat file is split.
ORG_COLUMNS = ["name", "org_type", "region", "address", "size", "complex", "cluster",
               "sector", "patents", "employees", "output", "specialised"]
#: what the reading adds beside a column: the source's own label, kept (org_category,
#: region_source, role_source), and the header a value was read from (region_from)
SOURCE_COLUMNS = {"org_type": "org_category", "region": "region_source", "role": "role_source"}
DERIVED_ORG_COLUMNS = ["org_category", "region_source", "region_from"]
#: category columns a multi-valued cell ("PRC;PRC") is looked for in
CATEGORY_COLUMNS = ["org_type", "region", "role", "size", "sector", "programme", "complex", "cluster"]
PROJECT_COLUMNS = ["year", "programme", "title", "start_date", "end_date", "budget"]
PARTICIPATION_COLUMNS = ["project_id", "org_id", "role"]
CANONICAL = list(ALIASES)
#: the columns that belong to each table of a folder (a mapped one missing there is reported)
TABLE_OWN = {"organisations": ["org_id", "name"] + ORG_COLUMNS,
             "projects": ["project_id"] + PROJECT_COLUMNS}
#: headers that often hold what a column needs when the mapped one is empty
RELATED = {"region": ["country", "countrycode", "country_code", "nutscode", "nuts", "nuts2", "nuts3", "nuts_code",
                      "city", "address", "국가", "국가코드", "시도", "지역"],
           "org_type": ["activitytype", "legal_form", "type", "category", "기관유형", "기관구분"],
           "year": ["startdate", "start_date", "ecsignaturedate", "signaturedate", "year", "연도"]}
NUMERIC_COLUMNS = ["patents", "employees", "output", "budget"]

# In a projects table "id" means the project id, in an organisations table the org id.
_TABLE_ALIASES = {"projects": {"project_id": ["id", "project_id"]},
                  "organisations": {"org_id": ["id", "org_id"]},
                  "participations": {}}

REQUIRED = {"participations": [("project_id",), ("org_id", "name")],
            "organisations": [("org_id", "name")],
            "projects": [("project_id",)]}


def norm_header(h: str) -> str:
    h = unicodedata.normalize("NFKC", str(h)).strip().lower()
    return re.sub(r"[\s_\-.()]+", "", h)


#: units a number column's header may carry in brackets — ``총사업비(천원)``, ``매출액 [백만원]``,
#: ``종업원수(명)``, ``totalCost (EUR)`` — and the factor that brings a plain number of the
#: column to the base unit (원 for Korean amounts; other currencies and counts as they are)
MONEY_UNITS = {"원": 1.0, "천원": 1e3, "만원": 1e4, "십만원": 1e5, "백만원": 1e6, "천만원": 1e7, "억원": 1e8,
               "십억원": 1e9, "조원": 1e12, "krw": 1.0, "won": 1.0, "₩": 1.0, "eur": 1.0, "€": 1.0, "euro": 1.0,
               "usd": 1.0, "$": 1.0}
HEADER_UNITS = {**MONEY_UNITS, "명": 1.0, "인": 1.0, "건": 1.0, "개": 1.0, "개사": 1.0, "persons": 1.0,
                "count": 1.0, "number": 1.0}
_UNIT_SUFFIX = re.compile(r"^(?P<name>.*?\S)\s*[(\[]\s*(?:단위\s*[:：]?\s*)?(?P<unit>[^()\[\]]+?)\s*[)\]]$")


#: number columns that hold amounts of money (a "(단위: 천원)" note above a table applies to them)
MONEY_COLUMNS = ["budget", "output"]
_UNIT_NOTE = re.compile(r"(?:단위|unit)\s*[:：]?\s*([^\s()\[\],;]+)", re.I)


def unit_note(text) -> tuple[str, float] | None:
    """``(unit, factor)`` of a money unit a note above a table states — ``(단위: 천원)``,
    ``[단위 : 백만원]``, ``Unit: EUR`` — else None.

    >>> unit_note("(단위: 천원)"), unit_note("2015년 현황"), unit_note("(단위: 명)")
    (('천원', 1000.0), None, None)
    """
    m = _UNIT_NOTE.search(unicodedata.normalize("NFKC", str(text)))
    if not m:
        return None
    unit = m.group(1)
    factor = MONEY_UNITS.get(unit.lower())
    return None if factor is None else (unit, factor)


def header_unit(header) -> tuple[str, str, float] | None:
    """``(name, unit, factor)`` when ``header`` ends with a unit of :data:`HEADER_UNITS` in
    brackets, else None.

    >>> header_unit("총사업비(천원)"), header_unit("totalCost (EUR)"), header_unit("기관명(국문)")
    (('총사업비', '천원', 1000.0), ('totalCost', 'EUR', 1.0), None)
    """
    m = _UNIT_SUFFIX.match(unicodedata.normalize("NFKC", str(header)).strip())
    if not m:
        return None
    unit = m.group("unit")
    factor = HEADER_UNITS.get(re.sub(r"\s+", "", unit).lower())
    return None if factor is None else (m.group("name"), unit, factor)


@dataclass
class Mapping:
    """User instructions for reading an export (all parts optional).

    Attributes
    ----------
    columns : dict
        canonical name -> source header, or list of headers for a composite key.
    values : dict
        canonical name -> {raw value: canonical value}.
    extract : dict
        canonical name -> regular expression; the first group is kept.
    na_values : list or dict
        Extra missing-value tokens for every column (list) or per canonical column (dict).
    encoding, delimiter, sheet : read options.
    tables : dict
        For a folder, archive or workbook input: participations / organisations / projects ->
        a file name, a glob pattern, or ``{file = …, sheet = …}``.
    multi_value_separator : str, optional
        Cells of category columns holding several values (``PRC;PRC``) are split on it; the
        first value is kept and the others reported.
    """

    columns: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    extract: dict = field(default_factory=dict)
    na_values: object = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: object = None
    tables: dict = field(default_factory=dict)
    source: str | None = None
    multi_value_separator: str | None = None

    def na_for(self, column: str) -> list:
        if isinstance(self.na_values, dict):
            return list(self.na_values.get(column, []))
        return list(self.na_values)

    def global_na(self) -> list:
        return [] if isinstance(self.na_values, dict) else list(self.na_values)


def load_mapping(path) -> Mapping:
    """Read a TOML mapping file (see module docstring for the format)."""
    if path is None:
        return Mapping()
    if isinstance(path, Mapping):
        return path
    if isinstance(path, dict):
        return _from_dict(path, "<dict>")
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise MappingError(f"mapping file not found: {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise MappingError(f"{path}: not valid TOML: {e}") from None
    return _from_dict(data, str(path))


_TABLES = ("participations", "organisations", "projects")
_READ_KEYS = {"encoding", "delimiter", "sheet", "na_values", "multi_value_separator"}
#: id columns: a list of headers is a composite key; for every other column a list is the
#: candidate headers, the first non-empty value of a row taken
ID_COLUMNS = ("project_id", "org_id")


def _check_keys(keys, valid, where: str, source: str, what: str = "key"):
    unknown = [k for k in keys if k not in valid]
    if unknown:
        hints = {k: difflib.get_close_matches(str(k), [str(v) for v in valid], n=1, cutoff=0.6) for k in unknown}
        hint = "; ".join(f"{k!r} (did you mean {h[0]!r}?)" if h else repr(k) for k, h in hints.items())
        raise MappingError(f"{source}: unknown {what}(s) in {where}: {hint}. Valid: {sorted(map(str, valid))}")


def _from_dict(data: dict, source: str) -> Mapping:
    known = {"read", "columns", "values", "extract", "tables"}
    _check_keys(data, known, "the file", source, "section")
    read = data.get("read", {})
    if not isinstance(read, dict):
        raise MappingError(f"{source}: [read] must be a table")
    _check_keys(read, _READ_KEYS, "[read]", source)
    columns = data.get("columns", {})
    for canon, src in columns.items():
        if canon in _TABLES and isinstance(src, dict):
            _check_keys(src, CANONICAL, f"[columns.{canon}]", source, "column")
            for c, v in src.items():
                _check_column_value(c, v, f"[columns.{canon}] {c}", source)
            continue
        _check_keys([canon], CANONICAL + list(_TABLES), "[columns]", source, "column")
        _check_column_value(canon, src, f"[columns] {canon}", source)
    for canon, pattern in data.get("extract", {}).items():
        _check_keys([canon], CANONICAL, "[extract]", source, "column")
        try:
            rx = re.compile(pattern)
        except re.error as e:
            raise MappingError(f"{source}: [extract] {canon}: bad regular expression: {e}") from None
        if rx.groups < 1:
            raise MappingError(f"{source}: [extract] {canon}: the pattern needs one capture group")
    values = data.get("values", {})
    for canon, table in values.items():
        _check_keys([canon], CANONICAL, "[values]", source, "column")
        if not isinstance(table, dict):
            raise MappingError(f"{source}: [values.{canon}] must be a table of raw = canonical")
    na = read.get("na_values", [])
    if isinstance(na, dict):
        _check_keys(na, CANONICAL, "[read] na_values", source, "column")
        for c, v in na.items():
            if not isinstance(v, list):
                raise MappingError(f"{source}: [read] na_values.{c} must be a list of strings, e.g. [\"-\", \"n/a\"]")
    elif not isinstance(na, list):
        raise MappingError(f"{source}: [read] na_values must be a list (every column) or a table of lists "
                           f"per column, e.g. na_values = {{ region = [\"-\"] }}")
    sep = read.get("multi_value_separator")
    if sep is not None and (not isinstance(sep, str) or not sep):
        raise MappingError(f"{source}: [read] multi_value_separator must be a non-empty string such as \";\"")
    tables = dict(data.get("tables", {}))
    _check_keys(tables, _TABLES, "[tables]", source, "table")
    return Mapping(columns=dict(columns), values={k: {str(a): str(b) for a, b in v.items()}
                                                  for k, v in values.items()},
                   extract=dict(data.get("extract", {})),
                   na_values=na, encoding=read.get("encoding"),
                   delimiter=read.get("delimiter"), sheet=read.get("sheet"),
                   tables=tables, source=source, multi_value_separator=sep)


def _check_column_value(canon, src, where, source):
    if isinstance(src, list):
        if not src or not all(isinstance(x, str) and x for x in src):
            raise MappingError(f"{source}: {where} must list header names")
    elif not isinstance(src, (str, bool)):
        raise MappingError(f"{source}: {where} must be a header, a list of headers or false (do not use this "
                           f"column)")


def resolve_columns(headers, table: str, mapping: Mapping, *, file=None, report: list | None = None,
                    chosen: list | None = None, line: int = 1) -> dict:
    """Map canonical column names to the source header(s) present in ``headers``.

    Returns ``{canonical: header or [headers]}`` (a list: a composite key for the id columns,
    else the candidate headers present, in the mapping's order).  Raises
    :class:`MissingColumnError` when a required column is not found, listing the headers
    present and the closest candidates, or when every column the mapping names for an
    organisations or projects table is missing (the wrong file or sheet).  Mapped columns of
    this table that are missing are appended to ``report`` as ``(canonical, [headers])``.
    Several headers for one number column (총사업비 and 정부출연금 for the budget) are an error
    like any other field's, unless ``chosen`` is given: then the first in the aliases' order is
    taken and ``(canonical, header, [others])`` appended to it.  ``line``: the header's line,
    for the errors.
    """
    headers = list(headers)
    by_norm = {}
    for h in headers:
        by_norm.setdefault(norm_header(h), h)
    resolved: dict = {}
    used = set()
    columns = {k: v for k, v in mapping.columns.items() if not isinstance(v, dict)}
    columns.update(mapping.columns.get(table, {}) if isinstance(mapping.columns.get(table), dict)
                   else {})
    blocked = {k for k, v in columns.items() if v is False or v == ""}
    columns = {k: v for k, v in columns.items() if k not in blocked}
    own = set(TABLE_OWN.get(table, ()))
    mapped_here, missing_here = [], []
    for canon, src in columns.items():
        srcs = src if isinstance(src, list) else [src]
        missing = [s for s in srcs if s not in headers and norm_header(s) not in by_norm]
        candidates = isinstance(src, list) and canon not in ID_COLUMNS
        if canon in own and canon not in ("project_id", "org_id"):
            mapped_here.append(canon)
        if missing and (not candidates or len(missing) == len(srcs)):
            # a mapped column must exist in the participations table; in other
            # tables it may legitimately be absent
            if table == "participations" and canon in PARTICIPATION_COLUMNS + ["name"]:
                cands = {m: difflib.get_close_matches(m, headers, n=3, cutoff=0.4) for m in missing}
                raise MissingColumnError(
                    f"the mapping{' ' + mapping.source if mapping.source else ''} maps {canon!r} to "
                    f"{missing}, which the file does not have. Headers present: {headers}. "
                    f"Closest: {cands}", file=file, line=line)
            if canon in own:
                missing_here.append((canon, missing))
            continue
        present = [s for s in srcs if s not in missing]
        actual = [s if s in headers else by_norm[norm_header(s)] for s in present]
        resolved[canon] = actual if isinstance(src, list) else actual[0]
        used.update(actual)
    if report is not None:  # (a key found later under the table's own alias, e.g. "id", is not missing)
        report.extend((c, m) for c, m in missing_here if c not in _TABLE_ALIASES.get(table, {}))
    gone = {c for c, _ in missing_here}
    if table in ("organisations", "projects") and mapped_here and set(mapped_here) <= gone:
        raise MissingColumnError(
            f"none of the columns the mapping{' ' + mapping.source if mapping.source else ''} names for the "
            f"{table} table is in this file ({', '.join(f'{c} = {m}' for c, m in missing_here)}): is it the "
            f"right file or sheet? Headers present: {headers}", file=file, line=line)
    aliases = dict(ALIASES)
    for canon, own_names in _TABLE_ALIASES.get(table, {}).items():  # ("id" as well, not instead)
        aliases[canon] = list(dict.fromkeys(own_names + ALIASES[canon]))
    ambiguous = {}
    # a number column's header may carry its unit: 총사업비(천원) is the budget
    by_unitless = {}
    for h in headers:
        u = header_unit(h)
        if u is not None:
            by_unitless.setdefault(norm_header(u[0]), h)
    for canon, names in aliases.items():
        if canon in resolved or canon in blocked:
            continue
        found = list(dict.fromkeys(h for h in (by_norm.get(norm_header(a)) for a in names)
                                   if h is not None and h not in used))
        if not found and canon in NUMERIC_COLUMNS:
            found = list(dict.fromkeys(h for h in (by_unitless.get(norm_header(a)) for a in names)
                                       if h is not None and h not in used))
        if len(found) > 1 and canon in NUMERIC_COLUMNS and chosen is not None:
            # several amounts (총사업비, 정부출연금): the first in the aliases' order, said so
            chosen.append((canon, found[0], found[1:]))
            found = found[:1]
        if len(found) > 1:
            ambiguous[canon] = found
        elif found:
            resolved[canon] = found[0]
            used.add(found[0])
    if ambiguous:
        shown = "; ".join(f"{canon}: {found}" for canon, found in ambiguous.items())
        lines = "\n".join(f'{canon} = "{found[0]}"' for canon, found in ambiguous.items())
        raise InputError(f"the {table} table has several columns for one field ({shown}); say which one is "
                         f"meant in a mapping file (--mapping):\n[columns]\n{lines}", file=file, line=line)
    for options in REQUIRED[table]:
        if not any(o in resolved for o in options):
            cands = {}
            for o in options:
                pool = [norm_header(a) for a in aliases[o]]
                close = set()
                for p in pool:
                    for m in difflib.get_close_matches(p, list(by_norm), n=2, cutoff=0.6):
                        close.add(by_norm[m])
                cands[o] = sorted(close)
            wanted = " or ".join(repr(o) for o in options)
            raise MissingColumnError(
                f"required column {wanted} not found in the {table} table. Headers present: "
                f"{headers}. Closest candidates: {cands}. Recognised names for "
                f"{options[0]!r} include {aliases[options[0]][:6]}; or name the column in a "
                f"mapping file: [columns] {options[0]} = \"<header>\"", file=file, line=line)
    return resolved
