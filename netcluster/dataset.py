"""The canonical dataset: participations, organisations, projects and the quality log.

:func:`load_dataset` reads a flat file (one row per project × organisation,
attributes repeated) or a folder with three tables, maps the headers,
normalises names, types, roles, regions, years and numbers, and records every
change.  Every later step of netcluster reads a :class:`ClusterDataset`.

Defined behaviours (each reported in ``dataset.quality``):

==============================  ==========================================================
situation                       behaviour
==============================  ==========================================================
missing project id              row dropped (``missing project id``)
missing org id and name         row dropped (``missing organisation id and name``)
duplicate (project, org) row    later row dropped (``duplicate participation``); the
                                strongest role of the duplicates is kept
single-participant project      kept (it is a non-joint project); ``info`` event
org id used with several names  kept; most frequent name shown (``repair``)
names merged by the name key    ``merge`` event for every variant spelling
conflicting org/project values  most frequent value kept (``repair``), ties by value order
region spelled differently      respelled (change table); read from address (``repair``);
                                not Korean → passed through unchanged (counted)
missing region                  kept with region missing (``info: unknown region``)
type missing / unrecognised     inferred from the name, ``org_type_inferred`` = True
id written as float "123.0"     repaired to "123" when the whole column is integer-like
year out of range / unreadable  year set missing (``repair``)
numbers "1,234" or "12,5"       parsed (thousands separator / decimal comma), ``repair``
==============================  ==========================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ._html import box, html_table, key_values
from ._distinct import map_distinct
from ._missing import isna_scalar
from ._sorting import rows_after_reorder, text_argsort
from .exceptions import InputError, MappingError, MissingColumnError, OptionError
from .groups import RESERVED_GROUP_NAMES, UNKNOWN, sorted_factorize
from .mapping import (ALIASES, CATEGORY_COLUMNS, DERIVED_ORG_COLUMNS, ID_COLUMNS, MONEY_COLUMNS, NUMERIC_COLUMNS,
                      ORG_COLUMNS, PROJECT_COLUMNS, RELATED, SOURCE_COLUMNS, Mapping, header_unit, load_mapping, norm_header,
                      resolve_columns)
from .names import (GENERATED_ID_PREFIX, INVISIBLE_PATTERN, clean_id, clean_names, has_invisible, name_key,
                    name_keys)
from .orgtypes import infer_org_type, normalise_org_type, normalise_role
from .quality import QualityLog
from .readers import RawTable, TableSource, list_tables, match_tables, read_table, strip_cells, workbook_sheets
from .regions import PROVINCE_TO_WIDE, normalise_region_series

__all__ = ["ClusterDataset", "load_dataset", "StagedReader", "from_frames", "YEAR_RANGE"]

YEAR_RANGE = (1950, 2100)
_ROLE_RANK = {"lead": 0, "participant": 1, "subcontractor": 2, "other": 3}


@dataclass
class ClusterDataset:
    """Three tidy tables and the data-quality log.

    Attributes
    ----------
    participations : DataFrame
        One row per (project_id, org_id): ``project_id, org_id, role, file, line`` and any
        unrecognised columns of the input, kept as they were.
    organisations : DataFrame
        One row per organisation, indexed by nothing (column ``org_id``): ``name, org_type,
        org_type_inferred, region, wide_region, region_source`` and optional ``address, size,
        complex, cluster, sector, specialised, patents, employees, output``; ``n_projects`` and
        ``participant`` (False for the population of firms that took part in no project).
    projects : DataFrame
        One row per project: ``project_id, year, programme`` and optional ``title, start_date,
        end_date, budget, complex, cluster``; ``n_participants``.
    quality : QualityLog
    changes : DataFrame
        Normalisation table: ``column, original, normalised, how, rows``.
    """

    participations: pd.DataFrame
    organisations: pd.DataFrame
    projects: pd.DataFrame
    quality: QualityLog = field(default_factory=QualityLog)
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["column", "original", "normalised", "how", "rows"]))
    source: dict = field(default_factory=dict)
    #: derived tables reused by analyses (newcomers, codes …), valid while the three tables
    #: are unchanged (see :meth:`cached`)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)
    _cache_state: tuple | None = field(default=None, repr=False, compare=False)
    _snapshots: tuple = field(default=(), repr=False, compare=False)

    def cached(self, key, compute):
        """``compute(self)`` computed once per key while the three tables are unchanged.

        Analyses that need the same derived table (newcomers, integer codes) share it.  The
        cache is dropped as soon as a table changes in any way — a table replaced
        (``ds.organisations = …``), a column assigned (``ds.organisations["region"] = …``) or
        cells written in place (``.loc``/``.iloc``): the dataset keeps shallow copies of its
        tables, so under pandas' copy-on-write any write gives the changed column new memory,
        and the cache's key is the memory of every column (:func:`_table_state`)."""
        state = self._state()
        if state != self._cache_state:
            self._cache.clear()
            # shallow copies (no data copied): they make every later write copy its column
            tables = self._tables()
            self._snapshots = tables + tuple(t.copy(deep=False) for t in tables)
            self._cache_state = state
        if key not in self._cache:
            self._cache[key] = compute(self)
        return self._cache[key]

    def _tables(self) -> tuple:
        return self.participations, self.organisations, self.projects

    def _state(self) -> tuple:
        return tuple(_table_state(t) for t in self._tables())

    def participation_org_rows(self) -> np.ndarray:
        """Row of ``organisations`` of each participation (-1 when unknown), computed once."""
        return self._participation_rows("organisations", "org_id")

    def participation_project_rows(self) -> np.ndarray:
        """Row of ``projects`` of each participation (-1 when unknown), computed once."""
        return self._participation_rows("projects", "project_id")

    def _participation_rows(self, table: str, key: str) -> np.ndarray:
        def rows(d):
            idx = pd.Index(getattr(d, table)[key])
            if not idx.is_unique:
                raise ValueError(f"{table}.{key} is not unique")
            return idx.get_indexer(d.participations[key])
        return self.cached(f"participation {table} rows", rows)

    def participation_org_values(self, column: str) -> np.ndarray:
        """``column`` of each participation's organisation (object array aligned with
        ``participations``; None where the organisation is unknown) — a cached integer lookup
        instead of a string merge of a million participations with the population table."""
        r = self.participation_org_rows()
        vals = self.organisations[column].to_numpy(dtype=object)
        out = np.full(len(r), None, dtype=object)
        ok = r >= 0
        out[ok] = vals[r[ok]]
        return out

    def participation_project_values(self, column: str):
        """``column`` of each participation's project (aligned with ``participations``),
        keeping the column's dtype (e.g. ``Int64`` years); missing where the project is unknown."""
        return self.projects[column].array.take(self.participation_project_rows(), allow_fill=True)

    # -- slicing ----------------------------------------------------------------
    def filter_years(self, start=None, end=None) -> "ClusterDataset":
        """Keep projects whose year is in ``[start, end]`` (inclusive).

        Projects without a year are left out of a year slice; their number is
        recorded in ``source['years_excluded_missing']``.
        """
        yr = self.projects["year"]
        keep = yr.notna()
        if start is not None:
            keep &= yr >= start
        if end is not None:
            keep &= yr <= end
        keep = keep.fillna(False).astype(bool)
        ids = set(self.projects.loc[keep, "project_id"])
        return self._subset(ids, note={"years": (start, end),
                                       "years_excluded_missing": int(yr.isna().sum())})

    def filter_projects(self, mask_or_ids) -> "ClusterDataset":
        if isinstance(mask_or_ids, pd.Series) and mask_or_ids.dtype == bool:
            ids = set(self.projects.loc[mask_or_ids.to_numpy(), "project_id"])
        else:
            ids = set(mask_or_ids)
        return self._subset(ids, note={})

    def _subset(self, ids, note) -> "ClusterDataset":
        proj = self.projects[self.projects["project_id"].isin(ids)].reset_index(drop=True)
        part = self.participations[self.participations["project_id"].isin(ids)].reset_index(drop=True)
        orgs = self.organisations.copy()
        counts = part.groupby("org_id").size()
        orgs["n_projects"] = orgs["org_id"].map(counts).fillna(0).astype("int64")
        orgs["participant"] = orgs["n_projects"] > 0
        src = dict(self.source)
        src.update(note)
        return ClusterDataset(part, orgs, proj, self.quality, self.changes, src)

    def organisation_rows(self, labels) -> np.ndarray:
        """Row of each organisation id of ``labels`` in ``organisations`` (-1: none).  The
        projection of a dataset has its participants as labels, sorted by id as the table is:
        then they are the participants' rows, checked, with no lookup in the population's
        index (costly on a national population: docs/benchmark.md)."""
        orgs = self.organisations
        rows = np.flatnonzero(orgs["participant"].to_numpy(dtype=bool)) if "participant" in orgs.columns else []
        labels = np.asarray(labels, dtype=object)
        if len(rows) == len(labels) and np.array_equal(orgs["org_id"].to_numpy(dtype=object)[rows], labels):
            return rows
        return self.organisations_by_id().index.get_indexer(labels)

    def organisations_by_id(self) -> pd.DataFrame:
        """``organisations`` indexed by ``org_id``, built once per dataset and shared: the
        index's hash table is then built once for every lookup of organisations by id (group
        codes, attributes).  Read it; do not assign into it."""
        return self.cached("organisations by id", lambda d: d.organisations.set_index("org_id"))

    @property
    def participating_organisations(self) -> pd.DataFrame:
        return self.organisations[self.organisations["participant"]].reset_index(drop=True)

    def summary(self) -> dict:
        orgs = self.participating_organisations
        yrs = self.projects["year"].dropna()
        return {
            "participation_rows": int(len(self.participations)),
            "projects": int(len(self.projects)),
            "organisations": int(len(orgs)),
            "population_organisations": int(len(self.organisations)),
            "years": (None if yrs.empty else [int(yrs.min()), int(yrs.max())]),
            "by_type": orgs["org_type"].value_counts().sort_index().to_dict(),
            "by_region": orgs["region"].astype(object).where(orgs["region"].notna(), UNKNOWN)
                                       .value_counts().sort_index().to_dict(),
        }

    def _repr_html_(self) -> str:
        """Notebook display: the counts, years, source and the data-quality summary."""
        s = self.summary()
        years = f"{s['years'][0]}–{s['years'][1]}" if s["years"] else "none"
        src = self.source or {}
        facts = key_values([("participations", f"{s['participation_rows']:,}"), ("projects", f"{s['projects']:,}"),
                            ("participating organisations", f"{s['organisations']:,}"),
                            ("organisations in the population", f"{s['population_organisations']:,}"),
                            ("years", years), ("encoding", src.get("encoding")),
                            ("organisation types", ", ".join(f"{k} {v:,}" for k, v in s["by_type"].items()))])
        q = self.quality.summary()
        if len(q):
            quality = html_table(list(q.columns), q.head(15).values.tolist(), right=(len(q.columns) - 1,))
            more = f"<p>{len(q) - 15} more kinds of event: dataset.quality.summary()</p>" if len(q) > 15 else ""
        else:
            quality, more = "<p>no data-quality event</p>", ""
        return box("ClusterDataset", facts, "<p><em>data quality</em></p>", quality, more)

    def __repr__(self):
        s = self.summary()
        return (f"<ClusterDataset: {s['participation_rows']} participations, {s['projects']} "
                f"projects, {s['organisations']} participating organisations "
                f"({s['population_organisations']} in population)>")


def _table_state(df: pd.DataFrame) -> tuple:
    """What identifies a table's content without reading it: the frame, its columns and
    length, and the memory of each column's data (a write under copy-on-write, while the
    dataset holds a shallow copy, always moves the written column to new memory)."""
    blocks = getattr(getattr(df, "_mgr", None), "blocks", None)
    if blocks is not None:  # per block of columns (a wide table has few blocks, many columns)
        memory = tuple((_memory(b.values), tuple(b.mgr_locs.as_array.tolist())) for b in blocks)
    else:  # pragma: no cover - another pandas internals layout: column by column
        memory = tuple(_memory(df.iloc[:, j].array) for j in range(df.shape[1]))
    return id(df), tuple(df.columns), len(df), memory


def _memory(arr) -> tuple:
    """Addresses of the buffers behind an array (numpy, or pandas' masked, categorical or
    Arrow arrays); the object's identity for any other kind."""
    if isinstance(arr, np.ndarray):
        return (("ndarray", arr.__array_interface__["data"][0], arr.shape, arr.strides),)
    out = []
    for attr in ("_ndarray", "_data", "_mask", "_codes"):
        buf = getattr(arr, attr, None)
        if isinstance(buf, np.ndarray):
            out.append((attr, buf.__array_interface__["data"][0], buf.shape, buf.strides))
    pa_array = getattr(arr, "_pa_array", None)
    if pa_array is not None:
        out.append(("arrow", id(pa_array)))
    return tuple(out) if out else (("object", id(arr)),)


# ---------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------

_TABLE_PATTERNS = {
    "participations": [r"particip", r"참여", r"flat", r"records"],
    "organisations": [r"organi[sz]ation", r"^orgs?\b", r"기관", r"기업", r"firms?"],
    "projects": [r"project", r"과제", r"사업"],
}


def _find_tables(path: Path, mapping: Mapping, sheet=None) -> dict:
    """The tables by role (:class:`netcluster.readers.TableSource`) of a folder, a ZIP archive
    of tables or a workbook: named in the mapping's ``[tables]`` (a file name, a glob pattern
    such as ``"organi[sz]ation*"``, or ``{file = …, sheet = …}``), else recognised by name."""
    sources = list_tables(path)
    is_book = not path.is_dir() and bool(sources) and sources[0].sheet is not None
    shown = [s.file_name if s.sheet is None else str(s.sheet) for s in sources]
    if mapping.tables:
        out = {}
        for role, spec in mapping.tables.items():
            if role not in _TABLE_PATTERNS:
                raise MappingError(f"[tables] key {role!r} must be one of {list(_TABLE_PATTERNS)}")
            if isinstance(spec, str):
                spec = {"sheet": spec} if is_book else {"file": spec}
            if not isinstance(spec, dict) or not set(spec) <= {"file", "sheet"} or not spec:
                raise MappingError(f'[tables] {role} must be a file name, a pattern or {{ file = "…", sheet = "…" }}, '
                                   f"got {spec!r}")
            file, sh = spec.get("file"), spec.get("sheet")
            if file is None:
                if not is_book:
                    raise MappingError(f"[tables] {role} names a sheet but no file, and the input is not a "
                                       f"workbook: add file = \"….xlsx\"")
                out[role] = TableSource(path, sheet=sh)
                continue
            if is_book:
                raise MappingError(f"[tables] {role} names a file, but the input is one workbook: name its "
                                   f'sheet ({role} = {{ sheet = "…" }}); sheets: {shown}')
            found = match_tables(sources, str(file))
            if not found and path.is_dir() and (path / str(file)).is_file():  # a name without a table suffix
                found = [TableSource(path / str(file))]
            if not found:
                raise InputError(f"[tables] {role} = {file!r} matches no file; files here: {shown}", file=path)
            if len(found) > 1:
                raise InputError(f"[tables] {role} = {file!r} matches several files {[f.file_name for f in found]}: "
                                 f"name one", file=path)
            src = found[0]
            out[role] = TableSource(src.path, member=src.member, sheet=sh) if sh is not None else src
        if "participations" not in out:
            raise InputError("[tables] must name the participations table", file=path)
        seen = {}
        for role, src in out.items():
            if src in seen:
                raise MappingError(f"[tables] {seen[src]} and {role} both read {src.name}"
                                   f"{'' if src.sheet is not None else ' (its first sheet)' if src.file_name.lower().endswith(('.xlsx', '.xlsm')) else ''}: "
                                   f"name a different file or sheet for each table (e.g. {role} = {{ file = "
                                   f"\"{src.file_name}\", sheet = \"…\" }})")
            seen[src] = role
        return out
    if is_book:
        if len(sources) == 1 or sheet is not None:
            return {"participations": TableSource(path, sheet=sheet if sheet is not None else sources[0].sheet)}
        candidates = sources
    else:
        candidates = sources
    if len(candidates) == 1:
        return {"participations": candidates[0]}
    out = {}
    for role in ("participations", "projects", "organisations"):
        found = [p for p in candidates if p not in out.values()
                 and any(re.search(rx, str(p.sheet) if is_book else p.stem, re.I) for rx in _TABLE_PATTERNS[role])]
        if len(found) > 1:  # e.g. one file per year: reading one of them would lose the others
            names = [str(f.sheet) if is_book else f.file_name for f in found]
            raise InputError(
                f"several {'sheets' if is_book else 'files'} look like the {role} table: {names}. Combine them into "
                f"one (same header), or say which one to read in a mapping file:\n[tables]\n"
                f'{role} = "{names[0]}"', file=path)
        if found:
            out[role] = found[0]
    if "participations" not in out:
        raise InputError(
            f"cannot tell which {'sheet' if is_book else 'file'} holds the participations among {shown}; "
            f"name it participations or list the tables in the mapping's [tables] section", file=path)
    return out


def _holds_tables(path: Path) -> bool:
    """A ZIP archive (not a workbook) with several tables is a folder of tables."""
    try:
        with path.open("rb") as f:
            if f.read(4) != b"PK\x03\x04":
                return False
    except OSError:
        return False
    sources = list_tables(path)
    return len(sources) > 1 and sources[0].sheet is None


def load_dataset(path, *, mapping=None, encoding: str | None = None,
                 delimiter: str | None = None, sheet=None) -> ClusterDataset:
    """Load a flat export or a folder of three tables into a :class:`ClusterDataset`.

    Parameters
    ----------
    path : path-like
        A CSV/TSV/XLSX file (one row per participation), or a folder holding
        ``participations``, ``organisations`` and ``projects`` tables (file names
        recognised in English and Korean, or listed in the mapping's ``[tables]``).
    mapping : path-like, dict or Mapping, optional
        User mapping (TOML), see :mod:`netcluster.mapping`.
    encoding, delimiter : str, optional
        Override detection (and the mapping's ``[read]`` section).
    sheet : str or int, optional
        Excel sheet.

    Examples
    --------
    >>> import netcluster as nc
    >>> ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    >>> ds.summary()["projects"], len(ds.quality.conservation())
    (981, 3)
    """
    reader = StagedReader(path, mapping=mapping, encoding=encoding, delimiter=delimiter, sheet=sheet)
    reader.participations()
    return reader.dataset()


class StagedReader:
    """:func:`load_dataset` in two stages: the participations first, then the organisations
    and projects tables and the dataset.  A caller that needs only the participations' ids
    (the network) can start on them while the other tables are read.

    >>> import netcluster as nc
    >>> reader = StagedReader(nc.datasets.get_path("korea_cluster_tables"))
    >>> part, (org_codes, org_ids, project_codes, project_ids) = reader.participations()
    >>> ds = reader.dataset()
    >>> len(part) == len(org_codes) == len(ds.participations), len(org_ids) == ds.summary()["organisations"]
    (True, True)
    """

    def __init__(self, path, *, mapping=None, encoding: str | None = None, delimiter: str | None = None,
                 sheet=None):
        mapping = load_mapping(mapping)
        path = Path(path)
        enc = encoding or mapping.encoding
        delim = delimiter or mapping.delimiter
        sheet = sheet if sheet is not None else mapping.sheet
        if not path.exists():
            raise OptionError("input not found", file=path)
        if path.is_dir() or mapping.tables or _holds_tables(path):
            tables = _find_tables(path, mapping, sheet)
        else:
            tables = {"participations": TableSource(path)}
        log = QualityLog()

        def read(role, p):
            def of(name):
                return read_table(p if name is None else TableSource(p.path, p.member, name), encoding=enc,
                                  delimiter=delim, na_values=mapping.global_na(), sheet=sheet, table=role)
            raw = of(None)
            if sheet is None and p.sheet is None:  # (a workbook's first sheet may be a cover)
                raw = _sheet_with_columns(raw, role, p, mapping, of)
            log.extend(raw.log)
            log.set_counts(role, read=raw.rows_read, file=raw.file)
            return raw

        self._path, self._tables, self._mapping = path, tables, mapping
        self._raws = _LazyTables(tables, read)
        self._builder = _Builder(mapping, log)

    def participations(self):
        """The participations table (columns ``project_id``, ``org_id``, ``role``, rows as in
        the dataset) and its ids coded: ``(org_codes, org_ids, project_codes, project_ids)``,
        each row's organisation and project as integers into the distinct ids (as
        :meth:`netcluster.graph.BipartiteNetwork.from_codes` takes them)."""
        part = self._builder.build_participations(self._raws)
        return part[["project_id", "org_id", "role"]], self._builder.participation_codes

    def dataset(self) -> ClusterDataset:
        """The whole dataset (reads the other tables).  The reader's last call: it then lets go
        of the raw tables it read (a caller such as analyze keeps the reader while the analysis
        runs; at 1M rows they hold 190 MB more than the dataset)."""
        if self._raws is None:
            raise RuntimeError("StagedReader.dataset() was already called: the reader is used up")
        ds = self._builder.build(self._raws)
        ds.source.update({"input": str(self._path), "tables": {k: v.name for k, v in self._tables.items()},
                          "encoding": {k: r.encoding for k, r in self._raws.items()},
                          "delimiter": {k: r.delimiter for k, r in self._raws.items()},
                          "mapping": self._mapping.source})
        self._raws = self._builder = None
        return ds


def _sheet_with_columns(raw, role, source, mapping, read_sheet):
    """``raw`` when it has the columns its table needs; else, for a workbook whose sheet was not
    named, the one other sheet that has them (reported); an error naming the sheets when none
    or several do."""
    try:
        resolve_columns(raw.frame.columns, role, mapping, file=raw.file, chosen=[], line=raw.header_line)
        return raw
    except MissingColumnError as e:
        first_error = e
    sheets = workbook_sheets(source)
    if not sheets or len(sheets) < 2:
        raise first_error
    fits = []
    for name in sheets[1:]:
        try:
            other = read_sheet(name)
            resolve_columns(other.frame.columns, role, mapping, file=other.file, chosen=[], line=other.header_line)
        except InputError:
            continue
        fits.append((name, other))
    if len(fits) == 1:
        name, other = fits[0]
        other.log.add(table=role, reason="the workbook's first sheet lacks the table's columns: another sheet read",
                      action="info", file=other.file, line=None, value=name,
                      detail=f"first sheet {sheets[0]!r} has {list(raw.frame.columns)[:10]}")
        return other
    if fits:
        raise InputError(f"the first sheet {sheets[0]!r} lacks the {role} columns and several sheets have them: "
                         f"{[n for n, _ in fits]}; name one with --sheet (or in the mapping's [tables])",
                         file=source.name)
    raise MissingColumnError(f"{first_error.message} The workbook's other sheets {sheets[1:]} lack them too; if the "
                             f"table is on one of them, name it with --sheet", file=first_error.file,
                             line=first_error.line)


class _LazyTables:
    """The raw tables by role, each read when first asked for (the participations first:
    their table is built before the others are read).  ``read_all`` reads the rest in the
    order of ``paths`` (the order of the quality report's counts)."""

    def __init__(self, paths: dict, read):
        self._paths, self._read, self._got = dict(paths), read, {}

    def __contains__(self, role):
        return role in self._paths

    def __getitem__(self, role):
        if role not in self._got:
            self._got[role] = self._read(role, self._paths[role])
        return self._got[role]

    def read_all(self):
        for role in self._paths:
            self[role]

    def items(self):
        return [(role, self[role]) for role in self._paths]


def from_frames(participations: pd.DataFrame, organisations: pd.DataFrame | None = None,
                projects: pd.DataFrame | None = None, *, mapping=None) -> ClusterDataset:
    """Build a dataset from in-memory DataFrames (same rules as :func:`load_dataset`).

    Line numbers are the row position + 2 (as if the frame were a CSV with a header).
    """
    mapping = load_mapping(mapping)
    log = QualityLog()
    raws = {}
    for role, df in (("participations", participations), ("organisations", organisations),
                     ("projects", projects)):
        if df is None:
            continue
        df = df.astype("object").where(df.notna(), None)
        df = df.map(lambda v: None if v is None else str(v))
        df = strip_cells(df)
        raws[role] = RawTable(frame=df.reset_index(drop=True), file=f"<{role}>",
                              lines=np.arange(2, len(df) + 2), rows_read=len(df))
        log.set_counts(role, read=len(df), file=f"<{role}>")
    return _Builder(mapping, log).build(raws)


#: the warning when the source's organisation-type labels are not recognised
ORG_TYPE_LABELS_WARNING = ("organisation-type labels not recognised: types guessed from names (map them in the "
                           "mapping's values for org_type; the labels stay in org_category)")


_INVISIBLE_RE = re.compile(INVISIBLE_PATTERN)


def _any_invisible(values: pd.Series) -> bool:
    """Whether any text of ``values`` holds an invisible or control character: one regex search
    over the distinct texts joined (a separator that is not itself such a character)."""
    uniq = [v for v in pd.unique(values.dropna()) if isinstance(v, str)]
    return bool(_INVISIBLE_RE.search(" ".join(uniq)))


class _Builder:
    def __init__(self, mapping: Mapping, log: QualityLog):
        self.mapping = mapping
        self.log = log
        self.changes = []
        self.header_units = {}  # (file, number column) -> (header, unit, factor, its line) for a unit in the header

    # -- helpers -----------------------------------------------------------
    def _change(self, column, original: pd.Series, normalised: pd.Series, how: pd.Series | str):
        """Add (original -> normalised) counts to the change table, for changed values: a
        value is changed when its text differs or it became missing (or ``how`` is
        'passthrough').  Decided once per distinct (original, normalised, how) triple."""
        co, uo = pd.factorize(original.to_numpy(dtype=object), use_na_sentinel=True)
        cn, un = pd.factorize(normalised.to_numpy(dtype=object), use_na_sentinel=True)
        if isinstance(how, str):  # the same for every row
            ch, uh = np.zeros(len(co), dtype=np.intp), [how]
        else:
            ch, uh = pd.factorize(how.to_numpy(dtype=object), use_na_sentinel=True)
        keep = co >= 0  # rows with an original value
        k1, k2 = len(un) + 1, len(uh) + 1
        triple, rows = np.unique((co[keep].astype(np.int64) * k1 + (cn[keep] + 1)) * k2 + (ch[keep] + 1),
                                 return_counts=True)
        io, rest = np.divmod(triple, k1 * k2)
        jn, jh = np.divmod(rest, k2)
        orig = np.asarray(uo, dtype=object)[io]
        norm = np.array([None if j == 0 else un[j - 1] for j in jn.tolist()], dtype=object)
        hw = np.array([None if j == 0 else uh[j - 1] for j in jh.tolist()], dtype=object)
        changed = np.array([n is None or str(o) != str(n) or h == "passthrough"
                            for o, n, h in zip(orig.tolist(), norm.tolist(), hw.tolist())], dtype=bool)
        if not changed.any():
            return
        small = pd.DataFrame({"original": orig[changed], "normalised": norm[changed], "how": hw[changed],
                              "n": rows[changed]})
        g = (small.fillna({"normalised": "(missing)"})
             .groupby(["original", "normalised", "how"], sort=True)["n"].sum()
             .rename("rows").reset_index())
        g.insert(0, "column", column)
        self.changes.append(g)

    def canonicalise(self, raw, table: str) -> pd.DataFrame:
        m = self.mapping
        frame = raw.frame
        missing_mapped: list = []
        chosen: list = []
        resolved = resolve_columns(frame.columns, table, m, file=raw.file, report=missing_mapped, chosen=chosen,
                                   line=raw.header_line)
        for canon, header, others in chosen:
            self.log.add(table=table, reason="several columns for one number field, the first used",
                         action="warning", file=raw.file, line=raw.header_line, column=canon, value=header,
                         detail=f"also: {others}; to use another, name it in a mapping file: [columns] "
                                f"{canon} = \"{others[0]}\"")
        for canon in NUMERIC_COLUMNS:
            unit = header_unit(resolved[canon]) if isinstance(resolved.get(canon), str) else None
            if unit is not None and unit[2] != 1:
                self.header_units[(raw.file, canon)] = (resolved[canon], unit[1], unit[2], raw.header_line)
            elif unit is None and canon in MONEY_COLUMNS and canon in resolved and raw.unit_note:
                note, unit_name, factor, line = raw.unit_note  # "(단위: 천원)" above the table
                if factor != 1:
                    self.header_units[(raw.file, canon)] = (f"{resolved[canon]} {note}", unit_name, factor, line)
        for canon, headers in missing_mapped:
            self.log.add(table=table, reason="mapped column not in this table", action="warning", file=raw.file,
                         line=raw.header_line, column=canon, value=", ".join(map(str, headers)),
                         detail=f"headers present: {list(frame.columns)[:30]}")
        out, origin = {}, {}
        used = set()
        for canon, src in resolved.items():
            if isinstance(src, list) and canon in ID_COLUMNS:  # a composite key
                parts = [frame[s].astype("object") for s in src]
                joined = parts[0].astype(str)
                for p in parts[1:]:
                    joined = joined + " | " + p.astype(str)
                anyna = pd.concat(parts, axis=1).isna().any(axis=1)
                out[canon] = joined.where(~anyna, None)
                used.update(src)
            elif isinstance(src, list):  # candidates: each row's first non-empty value
                na = m.na_for(canon) if isinstance(m.na_values, dict) else []
                value = pd.Series(None, index=frame.index, dtype=object)
                header = pd.Series(None, index=frame.index, dtype=object)
                for h in src:
                    col = frame[h].astype("object")
                    if na:
                        col = col.where(~col.isin(na), None)
                    take = value.isna() & col.notna()
                    value = value.where(~take, col)
                    header = header.where(~take, h)
                out[canon], origin[canon] = value, header
                used.update(src)
            else:
                out[canon] = frame[src].astype("object")
                if canon == "region":  # (which header a region came from: region_from; one str object)
                    origin[canon] = pd.Series(np.where(out[canon].notna(), np.array(src, dtype=object), None),
                                              index=frame.index, dtype=object)
                used.add(src)
        df = pd.DataFrame(out, index=frame.index)
        if len(df):
            for canon, src in resolved.items():
                if canon in ID_COLUMNS or _has_value(df[canon]):
                    continue
                heads = src if isinstance(src, list) else [src]
                wanted = {norm_header(x) for x in RELATED.get(canon, []) + ALIASES.get(canon, [])}
                others = [h for h in frame.columns if h not in heads and norm_header(h) in wanted
                          and frame[h].notna().any()]
                self.log.add(table=table, reason="mapped column is empty in every row", action="warning",
                             file=raw.file, line=raw.header_line, column=canon, value=", ".join(map(str, heads)),
                             detail=(f"columns here that may hold it: {others} (list candidates: {canon} = "
                                     f"{[*heads, *others]!r})" if others else "no other column looks like it"))
        if "region" in origin:
            df["region_from"] = origin["region"]
        for col, keep in SOURCE_COLUMNS.items():  # the source's own label, before any mapping
            if col in df.columns:
                df[keep] = df[col]
        for col in df.columns:
            na = m.na_for(col) if isinstance(m.na_values, dict) else []
            if na and not isinstance(resolved.get(col), list):
                df[col] = df[col].where(~df[col].isin(na), None)
            if col in CATEGORY_COLUMNS:
                df[col] = self._multi_values(df, col, table, raw)
            if col in m.extract:
                s = df[col]
                got = s.astype("object").str.extract(m.extract[col], expand=False)
                nomatch = s.notna() & got.isna()
                self.log.add_many(table=table, reason="extract pattern did not match, value kept",
                                  action="info", file=raw.file,
                                  lines=raw.lines[nomatch.to_numpy()].tolist(), column=col,
                                  values=s[nomatch].tolist())
                new = got.where(~nomatch, s).astype("object")
                self._change(col, s, new, "extract")
                df[col] = new
            if col in m.values:
                s = df[col]
                vmap = m.values[col]
                mapped = s.map(lambda v: None if isna_scalar(v) else vmap.get(v, v)).astype("object")
                self._change(col, s, mapped, "mapping")
                df[col] = mapped
        # the columns no field uses, kept as they are (joined at once: one insert per column
        # would copy the table for each of a wide file's columns)
        extra = [c for c in frame.columns if c not in used]
        if extra:
            taken = set(df.columns)
            names = [c if c not in taken else f"{c}_raw" for c in extra]
            df = pd.concat([df, frame[extra].astype("object").set_axis(names, axis=1)], axis=1)
            # (any column can be the grouping column; one pass over every cell, as a file can
            # have a hundred thousand columns)
            cells = pd.Series(df[names].to_numpy(dtype=object).ravel(order="F"), dtype=object)
            hit = cells.isin(list(RESERVED_GROUP_NAMES)).to_numpy().reshape(len(df), len(names), order="F")
            for c in np.asarray(names, dtype=object)[hit.any(axis=0)].tolist():
                df[c] = self._reserved(df[c], df, c, table, raw)
        df["file"] = raw.file
        df["line"] = raw.lines
        df["_table"] = table
        return df

    def _multi_values(self, df, col, table, raw) -> pd.Series:
        """A category cell holding several values: with ``[read] multi_value_separator`` the
        first is kept and the others reported; without it, cells that look multi-valued
        (``;`` or ``|`` between values) are reported so that the separator can be set."""
        s = df[col]
        sep = self.mapping.multi_value_separator
        text = s.astype("object")
        codes, uniq = pd.factorize(text, use_na_sentinel=True)
        if not len(uniq):
            return s
        if sep:
            parts = [str(u).split(sep) for u in uniq]
            first = np.array([p[0].strip() or None for p in parts] + [None], dtype=object)
            rest = np.array([sep.join(x.strip() for x in p[1:]) for p in parts] + [""], dtype=object)
            multi = np.array([len(p) > 1 for p in parts] + [False])[codes]
            if multi.any():
                self.log.add_many(table=table, reason="multi-valued cell, first value kept", action="repair",
                                  file=raw.file, lines=raw.lines[multi].tolist(), column=col,
                                  values=text[multi].tolist(), detail="dropped: " + pd.Series(rest[codes][multi]))
            return pd.Series(first[codes], index=s.index, dtype=object)
        looks = np.array([bool(re.search(r"\S\s*[;|]\s*\S", str(u))) for u in uniq] + [False])[codes]
        if looks.any():
            self.log.add_many(table=table, reason="cell looks multi-valued (a separator can be set in the mapping)",
                              action="warning", file=raw.file, lines=raw.lines[looks].tolist(), column=col,
                              values=text[looks].tolist(),
                              detail="kept as one value; with [read] multi_value_separator the first value is kept")
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            return s
        # the same values, one str object per distinct value (the reader makes one per cell:
        # 1.13M objects for 61 clusters in a 1.46M-row organisations table)
        shared = np.append(np.asarray(uniq, dtype=object), None)
        out = pd.Series(shared[codes], index=s.index, dtype=s.dtype)
        if not RESERVED_GROUP_NAMES.isdisjoint(uniq.tolist()):
            out = self._reserved(out, df, col, table, raw)
        return out

    def _reserved(self, s, df, col, table, raw) -> pd.Series:
        """A value the outputs use for a row of their own — the total (``(all)``, ``(national)``)
        or the organisations without a value (``(unknown)``) — is renamed ``"(all)"`` (in
        quotes), so that its group is neither overwritten by the total nor merged with the
        missing ones; each row is reported."""
        hit = s.isin(list(RESERVED_GROUP_NAMES)).to_numpy()
        if not hit.any():
            return s
        renamed = s.astype("object").where(~hit, '"' + s.astype("object").where(hit, "") + '"')
        self.log.add_many(table=table, reason="value reserved for a total or the unknown group, renamed",
                          action="repair", file=raw.file, lines=raw.lines[hit].tolist(), column=col,
                          values=s[hit].tolist(), detail="renamed: " + renamed[hit].astype(str))
        self._change(col, s, renamed, "reserved")
        return renamed.astype(s.dtype) if s.dtype != object else renamed

    def _drop(self, df, mask, table, reason, column=None, detail=""):
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.log.add_many(table=table, reason=reason, action="drop",
                              file=df["file"].iloc[0], lines=df.loc[mask, "line"].tolist(),
                              column=column,
                              values=(df.loc[mask, column].tolist() if column in df else None),
                              detail=detail)
        return df.loc[~mask]

    def _clean_ids(self, df, col, table):
        """Ids as ids (:func:`netcluster.names.clean_id`): full-width forms, invisible and control
        characters normalised away, each change reported."""
        s = df[col]
        if _ids_already_clean(s.to_numpy(dtype=object)):
            return df
        uniq = pd.unique(s.dropna())
        fixed = {}
        for a in range(0, len(uniq), 4096):  # blocks checked in C first: most ids need nothing
            block = uniq[a:a + 4096]
            if all(type(u) is str for u in block):
                text = "\x1f".join(block)
                if text.isascii() and text.replace("\x1f", "").isprintable() and not _EDGE_SPACE_ID.search(text):
                    continue
            for u in block:
                c = clean_id(u)
                if c != u:
                    fixed[u] = c
        if not fixed:
            return df
        hit = s.isin(list(fixed)).to_numpy()
        self.log.add_many(table=table, reason="id normalised (full-width forms, invisible or control characters)",
                          action="repair", file=df["file"].iloc[0], lines=df.loc[hit, "line"].tolist(),
                          column=col, values=s[hit].tolist(),
                          detail="-> " + s[hit].map(fixed).astype(str))
        df = df.copy()
        df.loc[hit, col] = s[hit].map(fixed)
        return df

    def _fix_float_ids(self, df, col, table):
        s = df[col]
        present = s.dropna()
        vals = present.tolist()
        if not vals:
            return df
        if set(map(type, vals)) <= {str} and "." not in "".join(vals):
            return df  # no id with a decimal point (one substring search in C)
        nn = pd.Series(pd.unique(present), dtype=object).astype(str)
        if nn.str.contains(".", regex=False).any() and nn.str.fullmatch(r"-?\d+(\.0+)?").all():
            fix = s.notna() & s.astype(str).str.contains(".", regex=False)
            self.log.add_many(table=table, reason="id written as a float, repaired",
                              action="repair", file=df["file"].iloc[0],
                              lines=df.loc[fix, "line"].tolist(), column=col,
                              values=s[fix].tolist(), detail="'123.0' -> '123'")
            df = df.copy()
            df.loc[fix, col] = s[fix].astype(str).str.replace(r"\.0+$", "", regex=True)
        return df

    def _assign_org_ids(self, df, table):
        """org_id from the id column, or from the name key when there is none."""
        has_name = "name" in df.columns
        if has_name:
            raw_names = df["name"]
            df["name"] = clean_names(raw_names)
            # a name with an invisible character is a name clean_names changed: looked for
            # only when some name changed
            changed = (df["name"].to_numpy(dtype=object) != raw_names.to_numpy(dtype=object)).any()
            invisible = raw_names.astype(object).map(
                lambda v: isinstance(v, str) and has_invisible(v)).to_numpy(dtype=bool) \
                if changed and _any_invisible(raw_names) else None
            if invisible is not None and invisible.any():
                self.log.add_many(table=table, reason="invisible or control characters removed from name",
                                  action="repair", file=df["file"].iloc[0], lines=df.loc[invisible, "line"].tolist(),
                                  column="name", values=raw_names[invisible].tolist(),
                                  detail="bidirectional overrides, zero-width or control characters")
        else:
            df["name"] = None
        df["_key"] = None
        if "org_id" not in df.columns:
            df["_key"] = name_keys(df["name"])
            df["org_id"] = df["_key"]
            df["_id_from_name"] = True
        else:
            need = df["org_id"].isna() & df["name"].notna()
            if need.any():
                df.loc[need, "_key"] = name_keys(df.loc[need, "name"])
            miss = df["org_id"].isna() & df["_key"].notna()
            if miss.any():
                self.log.add_many(table=table, reason="missing organisation id, name key used",
                                  action="repair", file=df["file"].iloc[0],
                                  lines=df.loc[miss, "line"].tolist(), column="org_id",
                                  values=df.loc[miss, "name"].tolist())
                df.loc[miss, "org_id"] = GENERATED_ID_PREFIX + df.loc[miss, "_key"].astype(str)
            df["_id_from_name"] = False
        return df

    # -- per-table builds ---------------------------------------------------
    def _participations(self, raw):
        t = "participations"
        df = self.canonicalise(raw, t)
        df = self._clean_ids(df, "project_id", t)
        df = self._drop(df, df["project_id"].isna(), t, "missing project id", "project_id")
        if "org_id" in df.columns:
            df = self._clean_ids(df, "org_id", t)
            df = self._fix_float_ids(df, "org_id", t)
        df = self._fix_float_ids(df, "project_id", t)
        df = self._assign_org_ids(df, t)
        df = self._drop(df, df["org_id"].isna(), t, "missing organisation id and name",
                        "name", "no id, and the name is empty or only punctuation")
        # roles
        if "role" in df.columns:
            raw_role = df["role"]
            role = map_distinct(raw_role, normalise_role)
            bad = raw_role.notna() & role.isna()
            self.log.add_many(table=t, reason="unrecognised role, set to 'other'", action="repair",
                              file=df["file"].iloc[0] if len(df) else None,
                              lines=df.loc[bad, "line"].tolist(), column="role",
                              values=raw_role[bad].tolist())
            role = role.where(~bad, "other")
            self._change("role", raw_role, role, "role")
            df["role"] = role
        else:
            df["role"] = None
        # duplicates: keep the strongest role, then the first line
        rank = df["role"].map(_ROLE_RANK).fillna(9).to_numpy()
        pc, proj_labels = sorted_factorize(df["project_id"].to_numpy(dtype=object))
        oc, org_labels = sorted_factorize(df["org_id"].to_numpy(dtype=object))
        order = np.lexsort((df["line"].to_numpy(), rank, oc, pc))
        df = df.iloc[order]
        pc, oc = pc[order], oc[order]
        same = np.zeros(len(df), bool)
        same[1:] = (pc[1:] == pc[:-1]) & (oc[1:] == oc[:-1])
        dup = same
        if dup.any():
            self.log.add_many(table=t, reason="duplicate participation", action="drop",
                              file=df["file"].iloc[0], lines=df.loc[dup, "line"].tolist(),
                              column="org_id", values=df.loc[dup, "org_id"].tolist(),
                              detail="same project and organisation as an earlier row")
            df = df.loc[~dup]
            pc, oc = pc[~dup], oc[~dup]
        # the codes numbered in label order (every label is still present after dropping
        # duplicates): the bipartite network's, without a second sort of a million ids
        self.participation_codes = (oc, org_labels, pc, proj_labels)
        return df

    def _attributes(self, df, key, columns, table, group_label, first):
        """Most frequent non-missing value per key; conflicting rows reported.  One row per key
        in order of first appearance (``first``: those rows of ``df``, see
        :func:`_first_appearance`)."""
        res = pd.DataFrame({key: df[key].iloc[first].to_numpy()})
        for col in columns:
            if col not in df.columns:
                continue
            sub = df[[key, col, "line", "file"]].dropna(subset=[col])
            if sub.empty:
                res[col] = None
                continue
            counts = sub.groupby([key, col], sort=False).size().rename("n").reset_index()
            counts = counts.sort_values([key, "n", col], ascending=[True, False, True], kind="stable")
            chosen = counts.drop_duplicates(key, keep="first").set_index(key)[col]
            res[col] = res[key].map(chosen)
            if len(counts) > len(chosen) and col not in DERIVED_ORG_COLUMNS:  # (reported with their column)
                c = sub[key].map(chosen)
                conflict = (sub[col] != c).to_numpy()
                self.log.add_many(table=table, reason=f"conflicting {group_label} attribute, "
                                                      f"most frequent value kept",
                                  action="repair", file=sub["file"].iloc[0],
                                  lines=sub.loc[conflict, "line"].tolist(), column=col,
                                  values=sub.loc[conflict, col].tolist(),
                                  detail="kept: " + c[conflict].astype(str))
        return res

    def _names(self, df, table):
        """Display name per org; merges and id/name conflicts reported."""
        sub = df[["org_id", "name", "_key", "line", "file", "_id_from_name"]].dropna(subset=["name"])
        if sub.empty:
            return pd.Series(dtype=object)
        counts = sub.groupby(["org_id", "name"], sort=False).size().rename("n").reset_index()
        counts = counts.sort_values(["org_id", "n", "name"], ascending=[True, False, True])
        chosen = counts.drop_duplicates("org_id").set_index("org_id")["name"]
        c = sub["org_id"].map(chosen)
        variant = (sub["name"] != c).to_numpy()
        if variant.any():
            from_name = sub["_id_from_name"].to_numpy()
            if not from_name.all():
                sub = sub.copy()
                sub["_key"] = name_keys(sub["name"])
            m1 = variant & from_name
            self.log.add_many(table=table, reason="organisation names merged by name key",
                              action="merge", file=sub["file"].iloc[0],
                              lines=sub.loc[m1, "line"].tolist(), column="name",
                              values=sub.loc[m1, "name"].tolist(),
                              detail="merged into: " + c[m1].astype(str))
            main_key = sub["org_id"].map(chosen.map(name_key))
            m2 = variant & ~from_name & (sub["_key"] != main_key).to_numpy()
            self.log.add_many(table=table, reason="organisation id used with different names",
                              action="repair", file=sub["file"].iloc[0],
                              lines=sub.loc[m2, "line"].tolist(), column="name",
                              values=sub.loc[m2, "name"].tolist(),
                              detail="shown as: " + c[m2].astype(str))
        return chosen

    def _org_table(self, raw, derived_ids):
        """The organisations table, one row per id, and each of ``derived_ids`` (the ids read
        from the participations) as its row there (-1: not listed; see :func:`_listed_once`)."""
        t = "organisations"
        df = self.canonicalise(raw, t)
        if "org_id" in df.columns:
            df = self._clean_ids(df, "org_id", t)
            df = self._fix_float_ids(df, "org_id", t)
        df = self._assign_org_ids(df, t)
        df = self._drop(df, df["org_id"].isna(), t, "missing organisation id and name", "name")
        df, dup, pos = self._listed(df, "org_id", derived_ids, t)
        df = self._drop(df, dup, t, "duplicate organisation", "org_id",
                        "organisation listed twice; first row kept")
        return df, pos

    def _listed(self, df, col, derived_ids, table):
        """``(df, duplicate, pos)`` of :func:`_listed_once`, after the ids the participations
        write otherwise (123-45-67890 here, 1234567890 there) took their form."""
        dup, pos = _listed_once(df[col].to_numpy(dtype=object), derived_ids)
        if (pos < 0).any():
            df, renamed = self._ids_as_in_participations(df, col, derived_ids, pos, table)
            if renamed:
                dup, pos = _listed_once(df[col].to_numpy(dtype=object), derived_ids)
        return df, dup, pos

    def _ids_as_in_participations(self, df, col, derived_ids, pos, table):
        """Ids of numbers written with other separators than in the participations — a business
        registration number 123-45-67890 in the organisations table, 1234567890 in the
        participations — take the participations' form when the digits match exactly one id
        the participations have and the table lacks; each row reported.  ``(df, renamed)``."""
        missing = np.asarray(derived_ids, dtype=object)[np.asarray(pos) < 0]
        by_digits = {}
        for v in missing.tolist():
            key = _formatted_number_key(v)
            if key is not None:
                by_digits.setdefault(key, []).append(v)
        by_digits = {k: v[0] for k, v in by_digits.items() if len(v) == 1}
        if not by_digits:
            return df, False
        codes, uniq = pd.factorize(pd.Series(df[col].to_numpy(dtype=object), dtype=object))
        known = pd.Index(np.asarray(derived_ids, dtype=object)).get_indexer(uniq) >= 0
        target = np.array([None if k else by_digits.get(_formatted_number_key(u))
                           for u, k in zip(uniq.tolist(), known)] + [None], dtype=object)
        new = target[codes]
        hit = np.array([v is not None for v in new.tolist()], dtype=bool)
        if not hit.any():
            return df, False
        self.log.add_many(table=table, reason="id written with other separators than in the participations, matched",
                          action="repair", file=df.loc[hit, "file"].tolist(), lines=df.loc[hit, "line"].tolist(),
                          column=col, values=df.loc[hit, col].tolist(), detail="-> " + pd.Series(new[hit]).astype(str))
        df = df.copy()
        df.loc[hit, col] = new[hit]
        return df, True

    def _project_table(self, raw, derived_ids):
        """The projects table, one row per id, and each derived id's row there (as
        :meth:`_org_table`)."""
        t = "projects"
        df = self.canonicalise(raw, t)
        df = self._clean_ids(df, "project_id", t)
        df = self._drop(df, df["project_id"].isna(), t, "missing project id", "project_id")
        df = self._fix_float_ids(df, "project_id", t)
        df, dup, pos = self._listed(df, "project_id", derived_ids, t)
        df = self._drop(df, dup, t, "duplicate project", "project_id",
                        "project listed twice; first row kept")
        return df, pos

    # -- normalisation of the organisation / project tables ------------------
    def _normalise_orgs(self, orgs):
        t = "organisations"
        # type: the source's label stays in org_category; the six types come from the mapping's
        # [values.org_type], the built-in words, or (unrecognised / missing) the name
        if "org_type" in orgs.columns:
            raw_type = orgs["org_type"]
            typ = map_distinct(raw_type, normalise_org_type)
            self._change("org_type", raw_type, typ.fillna("(inferred)"), "org_type")
        else:
            raw_type = pd.Series(None, index=orgs.index, dtype=object)
            typ = pd.Series(None, index=orgs.index, dtype=object)
        need = typ.isna()
        inferred = map_distinct(orgs.loc[need, "name"], infer_org_type)
        typ = typ.astype("object")
        typ.loc[need] = inferred.fillna("other")
        unrec = need & raw_type.notna()
        self.log.add_many(table=t, reason="unrecognised organisation type, inferred from name",
                          action="repair", file=orgs.loc[unrec, "file"].tolist(), lines=orgs.loc[unrec, "line"].tolist(),
                          column="org_type", values=raw_type[unrec].tolist(),
                          detail="org " + orgs.loc[unrec, "org_id"].astype(str))
        miss = need & raw_type.isna()
        self.log.add_many(table=t, reason="organisation type inferred from name", action="info",
                          file=orgs.loc[miss, "file"].tolist(), lines=orgs.loc[miss, "line"].tolist(), column="org_type",
                          values=orgs.loc[miss, "name"].tolist(),
                          detail="inferred: " + typ[miss].astype(str))
        if "org_category" in orgs.columns:
            self._org_type_labels(orgs, typ, need, t)
        orgs["org_type"] = typ
        orgs["org_type_inferred"] = need.to_numpy()
        # region
        address = orgs["address"] if "address" in orgs.columns else None
        raw_region = orgs["region"] if "region" in orgs.columns else pd.Series(
            None, index=orgs.index, dtype=object)
        region, how = normalise_region_series(raw_region, address)
        self._change("region", raw_region, region, how)
        from_addr = (how == "address").to_numpy()
        self.log.add_many(table=t, reason="region read from address", action="repair",
                          file=orgs.loc[from_addr, "file"].tolist(), lines=orgs.loc[from_addr, "line"].tolist(), column="region",
                          values=(raw_region.where(raw_region.notna(), address)
                                  if address is not None else raw_region)[from_addr].tolist(),
                          detail="region: " + region[from_addr].astype(str))
        unknown = region.isna().to_numpy()
        self.log.add_many(table=t, reason="unknown region", action="info",
                          file=orgs.loc[unknown, "file"].tolist(), lines=orgs.loc[unknown, "line"].tolist(), column="region",
                          values=orgs.loc[unknown, "org_id"].tolist(),
                          detail="no region and no readable address")
        orgs["region"] = region
        header = orgs["region_from"] if "region_from" in orgs.columns else pd.Series("region", index=orgs.index)
        # (0-d object arrays: every cell refers to one str, not a copy per row — 1.46M copies at 1M rows)
        head = header.to_numpy(dtype=object)
        head = np.where(pd.isna(head), np.array("region", dtype=object), head)
        orgs["region_from"] = np.where(how.to_numpy() == "address", np.array("address", dtype=object),
                                       np.where(region.notna().to_numpy(), head, None))
        orgs["wide_region"] = map_distinct(region, PROVINCE_TO_WIDE)
        self._numbers(orgs, t)
        if "sector" in orgs.columns:
            sec = orgs["sector"].astype("object")
            orgs["sector"] = map_distinct(sec, lambda u: re.sub(r"\s+", "", str(u)).removesuffix(".0"))
        return orgs

    def _org_type_labels(self, orgs, typ, inferred, table):
        """The table of source labels → type (quality.json ``tables.org_type_labels``) and, when
        labels were not recognised, one warning per label (types then guessed from names)."""
        label = orgs["org_category"].astype("object")
        # counted on integer codes (labels and types are few; the rows may be millions)
        lc, labels = pd.factorize(label.fillna("(missing)").to_numpy(dtype=object))
        tc, types = pd.factorize(typ.to_numpy(dtype=object))
        inferred = inferred.to_numpy(dtype=bool)
        n_lab = len(labels)
        counts = np.bincount(lc * len(types) + tc, minlength=n_lab * len(types)).reshape(n_lab, len(types))
        n_inferred = np.bincount(lc, weights=inferred, minlength=n_lab)
        pairs, at = np.unique(lc * len(types) + tc, return_index=True)
        first_row = dict(zip(pairs.tolist(), at.tolist()))  # (label, type) -> its first row
        rows = []
        for i in sorted(range(n_lab), key=lambda i: labels[i]):
            # the types most frequent first, ties in order of first appearance within the label
            found = [(types[j], int(counts[i, j])) for j in
                     sorted(np.flatnonzero(counts[i]), key=lambda j: (-counts[i, j], first_row[i * len(types) + j]))]
            n = int(counts[i].sum())
            how = ("inferred from name" if n_inferred[i] == n else
                   "mapping or built-in" if n_inferred[i] == 0 else "partly inferred")
            rows.append({"label": str(labels[i]), "organisations": n,
                         "type": found[0][0] if len(found) == 1 else ", ".join(f"{k} {v}" for k, v in found),
                         "how": how})
        self.log.tables["org_type_labels"] = rows
        unknown = np.flatnonzero(inferred & label.notna().to_numpy())
        if len(unknown):
            first = unknown[np.unique(lc[unknown], return_index=True)[1]]
            first.sort()
            self.log.add_many(table=table, reason=ORG_TYPE_LABELS_WARNING, action="warning",
                              file=orgs["file"].to_numpy()[first].tolist(), lines=orgs["line"].to_numpy()[first].tolist(),
                              column="org_type", values=label.to_numpy(dtype=object)[first].tolist(),
                              detail="see quality.json tables.org_type_labels")

    def _numbers(self, df, table):
        for col in NUMERIC_COLUMNS:
            if col not in df.columns:
                continue
            if pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col]):
                vals = df[col].astype("float64").to_numpy()  # already numbers (the reader parsed them)
                inf = np.isinf(vals)
                if inf.any():
                    self.log.add_many(table=table, reason="not a finite number (infinite), set missing",
                                      action="repair", file=df.loc[inf, "file"].tolist(),
                                      lines=df.loc[inf, "line"].tolist(), column=col, values=vals[inf].tolist())
                    vals = np.where(inf, np.nan, vals)
                df[col] = self._in_base_unit(df, col, table, vals, np.ones(len(vals), dtype=bool))
                continue
            raw = df[col].astype("object")
            # each distinct text parsed once (counts and sizes repeat few values)
            codes, uniq = pd.factorize(raw, use_na_sentinel=True)
            uval = np.array(pd.to_numeric(pd.Series(np.asarray(uniq, dtype=object), dtype=object),
                                          errors="coerce").to_numpy(dtype="float64", na_value=np.nan))
            ukind = np.zeros(len(uniq), dtype=np.int8)  # 0 ok, 1 thousands, 2 decimal comma, 3 bad, 5 money
            kinds = {"ok": 0, "thousands": 1, "decimal_comma": 2, "bad": 3, "currency": 5, "ambiguous": 6,
                     "korean_units": 7}
            todo = np.flatnonzero(np.isnan(uval))
            convention = number_convention(uniq[i] for i in todo) if len(todo) else "dot"
            for i in todo:
                uval[i], k = _parse_number(uniq[i], convention)
                ukind[i] = kinds[k]
            # "inf", "1e309", "NaN": numbers to Python, not amounts: missing, and said so
            nonfinite = ~np.isfinite(uval) & (ukind != kinds["bad"])
            uval[nonfinite] = np.nan
            ukind[nonfinite] = 4
            present = codes >= 0
            val = np.where(present, uval[np.maximum(codes, 0)], np.nan)
            kind = np.where(present, ukind[np.maximum(codes, 0)], 0)
            for k, reason, action in ((1, "number with thousands separators parsed", "repair"),
                                      (2, "number with a decimal comma parsed", "repair"),
                                      (3, "not a number, set missing", "repair"),
                                      (4, "not a finite number (inf or NaN), set missing", "repair"),
                                      (5, "amount with a currency sign parsed", "repair"),
                                      (6, "number like 1,234 read with the column's decimal comma", "repair"),
                                      (7, "amount in Korean units (억, 만 …) read in 원", "repair")):
                m = kind == k
                if m.any():
                    self.log.add_many(table=table, reason=reason, action=action,
                                      file=df.loc[m, "file"].tolist(), lines=df.loc[m, "line"].tolist(),
                                      column=col, values=raw[m].tolist())
            # (a cell that says its unit — 2억원, 200,000원 — is in 원 whatever the header says)
            uwon = np.array([str(u).strip().endswith("원") for u in uniq] + [False])
            said = (kind == kinds["korean_units"]) | uwon[np.where(present, codes, -1)]
            df[col] = self._in_base_unit(df, col, table, val, ~said)

    def _in_base_unit(self, df, col, table, val, plain):
        """A number column whose header gives a unit (``총사업비(천원)``): its plain numbers
        (``plain``) times the unit, so that the amounts are in 원; a cell that says its own unit
        (``2억원``) is in 원 already.  Said once per file."""
        units = {f: u for (f, c), u in self.header_units.items() if c == col}
        if not units:
            return val
        files = df["file"].to_numpy(dtype=object)
        for f, (header, unit, factor, line) in units.items():
            rows = (files == f) & plain & ~np.isnan(val)
            val = np.where(rows, val * factor, val)
            self.log.add(table=table, reason="amounts read in the header's unit, converted to 원", action="info",
                         file=f, line=line, column=col, value=header,
                         detail=f"{int(rows.sum())} values × {factor:,.0f} ({unit} → 원)")
        return val

    def _normalise_projects(self, proj):
        t = "projects"
        year = pd.Series(np.nan, index=proj.index, dtype="float64")
        if "year" in proj.columns:
            raw = proj["year"].astype("object")
            s = raw.astype(str).str.strip().str.replace(r"\s*(년|년도)$", "", regex=True)
            s = s.str.replace(r"\.0+$", "", regex=True)
            num = pd.to_numeric(s.where(raw.notna()), errors="coerce")
            bad = raw.notna() & num.isna()
            # dates in the year column: take the year
            if bad.any():
                d = _parse_dates(raw[bad])
                num.loc[bad] = d.dt.year
                still = bad & num.isna()
                self.log.add_many(table=t, reason="unreadable year, set missing", action="repair",
                                  file=proj.loc[still, "file"].tolist(), lines=proj.loc[still, "line"].tolist(), column="year",
                                  values=raw[still].tolist())
            year = num.astype("float64")
        if "start_date" in proj.columns:
            sd = _parse_dates(proj["start_date"])
            fill = year.isna() & sd.notna()
            self.log.add_many(table=t, reason="year taken from start date", action="repair",
                              file=proj.loc[fill, "file"].tolist(), lines=proj.loc[fill, "line"].tolist(), column="year",
                              values=proj.loc[fill, "start_date"].tolist())
            year = year.where(~fill, sd.dt.year)
            bad_d = proj["start_date"].notna() & sd.isna()
            self.log.add_many(table=t, reason="unreadable date, set missing", action="repair",
                              file=proj.loc[bad_d, "file"].tolist(), lines=proj.loc[bad_d, "line"].tolist(), column="start_date",
                              values=proj.loc[bad_d, "start_date"].tolist())
            proj["start_date"] = sd
        if "end_date" in proj.columns:
            ed = _parse_dates(proj["end_date"])
            bad_d = proj["end_date"].notna() & ed.isna()
            self.log.add_many(table=t, reason="unreadable date, set missing", action="repair",
                              file=proj.loc[bad_d, "file"].tolist(), lines=proj.loc[bad_d, "line"].tolist(), column="end_date",
                              values=proj.loc[bad_d, "end_date"].tolist())
            proj["end_date"] = ed
        out = year.notna() & ((year < YEAR_RANGE[0]) | (year > YEAR_RANGE[1]) | (year % 1 != 0))
        self.log.add_many(table=t, reason="year out of range, set missing", action="repair",
                          file=proj.loc[out, "file"].tolist(), lines=proj.loc[out, "line"].tolist(), column="year",
                          values=year[out].tolist(), detail=f"allowed {YEAR_RANGE}")
        proj["year"] = year.where(~out).astype("Int64")
        self._numbers(proj, t)
        return proj

    # -- assembly -----------------------------------------------------------
    def build_participations(self, raws) -> pd.DataFrame:
        """The participations table (before the other tables are read)."""
        if getattr(self, "_part", None) is None:
            part = self._participations(raws["participations"])
            if part.empty:
                raise InputError("no usable participation rows (see the quality report)",
                                 file=raws["participations"].file)
            self._part = part
        return self._part

    def build(self, raws) -> ClusterDataset:
        part = self.build_participations(raws)
        if isinstance(raws, _LazyTables):
            raws.read_all()
        # each participation's row in the tables derived from the participations: their rows
        # are the ids in order of first appearance, as factorize numbers them (one hashing of
        # the ids each); followed below into the merged tables, so that no id is looked up
        # again in a million-row table
        oc, _, pc, _ = self.participation_codes  # (the ids coded once, by _participations)
        part_org, org_first = _first_appearance(part["org_id"], oc)
        part_proj, proj_first = _first_appearance(part["project_id"], pc)
        org_cols = [c for c in ORG_COLUMNS + DERIVED_ORG_COLUMNS if c in part.columns and c != "name"]
        orgs = self._attributes(part, "org_id", org_cols, "participations", "organisation",
                                first=org_first)
        org_from = np.arange(len(orgs))
        names = self._names(part, "participations")
        orgs["name"] = orgs["org_id"].map(names)
        orgs["file"] = part["file"].iloc[org_first].to_numpy()  # the first line naming each
        orgs["line"] = part["line"].iloc[org_first].to_numpy()
        proj_cols = [c for c in PROJECT_COLUMNS + ["complex", "cluster"] if c in part.columns
                     and c not in org_cols]
        projects = self._attributes(part, "project_id", proj_cols, "participations", "project",
                                    first=proj_first)
        projects["file"] = part["file"].iloc[proj_first].to_numpy()
        projects["line"] = part["line"].iloc[proj_first].to_numpy()

        if "organisations" in raws:
            otab, pos = self._org_table(raws["organisations"], orgs["org_id"].to_numpy(dtype=object))
            self.log.set_counts("organisations", used=len(otab))
            keep_extra = [c for c in otab.columns if c not in ("_key", "_id_from_name", "_table")]
            otab = otab[keep_extra]
            # organisations table wins where it has a value
            merged = _combine(otab, orgs, "org_id", pos)
            not_listed = pd.Series(pos < 0, index=orgs.index)
            org_from = _merged_rows(pos, len(otab))
            self.log.add_many(table="participations",
                              reason="organisation not in the organisations table",
                              action="info", file=orgs.loc[not_listed, "file"].tolist(), lines=orgs.loc[not_listed, "line"].tolist(),
                              column="org_id", values=orgs.loc[not_listed, "org_id"].tolist())
            orgs = merged
        proj_from = np.arange(len(projects))
        if "projects" in raws:
            ptab, pos = self._project_table(raws["projects"], projects["project_id"].to_numpy(dtype=object))
            self.log.set_counts("projects", used=len(ptab))
            ptab = ptab[[c for c in ptab.columns if c != "_table"]]
            merged = _combine(ptab, projects, "project_id", pos)
            not_listed = pd.Series(pos < 0, index=projects.index)
            proj_from = _merged_rows(pos, len(ptab))
            self.log.add_many(table="participations", reason="project not in the projects table",
                              action="info", file=projects.loc[not_listed, "file"].tolist(), lines=projects.loc[not_listed, "line"].tolist(),
                              column="project_id",
                              values=projects.loc[not_listed, "project_id"].tolist())
            projects = merged

        orgs = self._normalise_orgs(orgs.reset_index(drop=True))
        projects = self._normalise_projects(projects.reset_index(drop=True))

        # counts and flags
        # each participation's row in the organisation / project table (every participation's
        # organisation and project is in them: they were derived from the participations)
        org_rows = org_from[part_org]
        proj_rows = proj_from[part_proj]
        orgs["n_projects"] = np.bincount(org_rows, minlength=len(orgs)).astype("int64")
        orgs["participant"] = orgs["n_projects"] > 0
        projects["n_participants"] = np.bincount(proj_rows, minlength=len(projects)).astype("int64")
        single = projects["n_participants"] == 1
        self.log.add_many(table="projects", reason="single-participant project (kept; no ties)",
                          action="info", file=projects.loc[single, "file"].tolist(), lines=projects.loc[single, "line"].tolist(),
                          column="project_id", values=projects.loc[single, "project_id"].tolist())
        # a project no participation refers to is not a project of the network: counted in no
        # total, joint share or consortium size (reported with its line, kept apart)
        empty = (projects["n_participants"] == 0).to_numpy()
        n_empty = int(empty.sum())
        if n_empty:
            self.log.add_many(table="projects", reason="project with no participations (not counted)",
                              action="drop", file=projects.loc[empty, "file"].tolist(),
                              lines=projects.loc[empty, "line"].tolist(), column="project_id",
                              values=projects.loc[empty, "project_id"].tolist(),
                              detail="no participation row refers to it: left out of project counts and shares")
            keep_rows = np.flatnonzero(~empty)
            new_pos = np.full(len(projects), -1, dtype=np.int64)
            new_pos[keep_rows] = np.arange(len(keep_rows))
            projects = projects.iloc[keep_rows].reset_index(drop=True)
            proj_rows = new_pos[proj_rows]
            self.log.set_counts("projects", used=self.log.rows_used.get("projects", len(projects) + n_empty) - n_empty)
        if "programme" not in projects.columns:
            projects["programme"] = None
        if "year" not in projects.columns:
            projects["year"] = pd.array([pd.NA] * len(projects), dtype="Int64")

        # final tidy tables, deterministic order
        drop_internal = ["_key", "_id_from_name", "_table", "name"] + org_cols + proj_cols
        part_out = part.drop(columns=[c for c in drop_internal if c in part.columns])
        front = ["project_id", "org_id", "role"]
        part_out = part_out[front + [c for c in part_out.columns if c not in front]]
        part_out = part_out.reset_index(drop=True)  # already sorted by (project_id, org_id)
        self.log.set_counts("participations", used=len(part_out))

        ofront = ["org_id", "name", "org_type", "org_type_inferred", "org_category", "region", "wide_region",
                  "region_source", "region_from"]
        orgs = orgs[[c for c in ofront if c in orgs.columns]
                    + [c for c in orgs.columns if c not in ofront]]
        org_order = text_argsort(orgs["org_id"])
        orgs = orgs.iloc[org_order].reset_index(drop=True)
        pfront = ["project_id", "year", "programme"]
        projects = projects[pfront + [c for c in projects.columns if c not in pfront]]
        proj_order = text_argsort(projects["project_id"])
        projects = projects.iloc[proj_order].reset_index(drop=True)
        changes = (pd.concat(self.changes, ignore_index=True) if self.changes
                   else pd.DataFrame(columns=["column", "original", "normalised", "how", "rows"]))
        ds = ClusterDataset(part_out, orgs, projects, self.log, changes, {})
        # the participations' rows in the sorted tables, known here: seed the dataset's cache
        for table, rows, order in (("organisations", org_rows, org_order), ("projects", proj_rows, proj_order)):
            ds.cached(f"participation {table} rows", lambda d, r=rows_after_reorder(rows, order): r)
        return ds


# ---------------------------------------------------------------------------


#: an id with whitespace at either end (ids joined by \x1f)
_EDGE_SPACE_ID = re.compile(r"(?:^|\x1f)\s|\s(?:\x1f|$)")


def _ids_already_clean(values: np.ndarray) -> bool:
    """Whether every id is text that :func:`netcluster.names.clean_id` leaves as it is (ASCII,
    printable, no space at either end): a few C-level searches over the ids joined, no pass in
    Python and no hashing — the common case of a million-row table."""
    present = values[~pd.isna(values)]
    try:
        text = "\x1f".join(present)
    except TypeError:  # not all text
        return False
    if not len(present):
        return True
    edges = ("\x1f" + text + "\x1f")
    return (text.isascii() and text.count("\x1f") == len(present) - 1
            and text.replace("\x1f", "").isprintable()
            # (ASCII and printable: the only whitespace left is the space); no empty id
            and " \x1f" not in edges and "\x1f " not in edges and "\x1f\x1f" not in edges)


def _has_value(col: pd.Series) -> bool:
    """Whether a column holds any value (stops at the first one: no pass over a full column)."""
    for v in col.to_numpy(dtype=object):
        if v is not None and v == v:
            return True
    return False


def _first_appearance(ids: pd.Series, label_codes: np.ndarray | None = None):
    """``(codes, first)``: each row's id numbered in order of first appearance (as
    ``pd.factorize``), and the row where each id first appears (``ids.iloc[first]`` is
    ``pd.unique(ids)``).  ``label_codes``: the ids already coded (any numbering, one code per
    distinct id, none missing), so that the numbering is found on integers instead of by
    hashing the ids again."""
    if label_codes is not None:  # each code's first row, in row order, numbers the codes
        label_codes = np.asarray(label_codes)
        if not len(label_codes):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        first = np.sort(np.unique(label_codes, return_index=True)[1]).astype(np.int64)
        rank = np.empty(int(label_codes.max()) + 1, dtype=np.int64)
        rank[label_codes[first]] = np.arange(len(first))
        return rank[label_codes], first
    codes = pd.factorize(ids.to_numpy(dtype=object))[0]
    return codes, np.flatnonzero(_is_first(codes)).astype(np.int64)


def _is_first(codes: np.ndarray) -> np.ndarray:
    """Which rows hold their code's first appearance, for codes numbered in order of first
    appearance (as ``pd.factorize`` numbers them): where the running maximum grows."""
    first = np.zeros(len(codes), dtype=bool)
    if len(codes):
        first[0] = True
        top = np.maximum.accumulate(codes)
        first[1:] = top[1:] > top[:-1]
    return first


def _merged_rows(pos: np.ndarray, n_table: int) -> np.ndarray:
    """Row in :func:`_combine`'s result of each row of ``derived``: its row in the table, or
    after the table's rows in order (the derived rows the table does not list)."""
    extra = pos < 0
    return np.where(extra, n_table + np.cumsum(extra) - 1, pos).astype(np.int64)


_FORMATTED_NUMBER = re.compile(r"\d+(?:[-\s./]\d+)*")


def _formatted_number_key(value) -> str | None:
    """The digits of an id that is a number of at least six digits, written with or without
    separators (``123-45-67890``, ``110111-1234567``, ``2015.0001``); None for other ids.

    >>> _formatted_number_key("123-45-67890"), _formatted_number_key("1234567890"), _formatted_number_key("A-123456")
    ('1234567890', '1234567890', None)
    """
    if not isinstance(value, str) or not _FORMATTED_NUMBER.fullmatch(value):
        return None
    digits = re.sub(r"\D", "", value)
    return digits if len(digits) >= 6 else None


def _listed_once(table_ids: np.ndarray, derived_ids: np.ndarray):
    """``(duplicate, pos)``: which rows of a table repeat an id of an earlier row (as
    ``duplicated(keep="first")``), and the row of each of ``derived_ids`` (unique) among the
    table's rows left after dropping those (-1: not listed) — both from one hashing of the
    ids (the table may list a million organisations: hashing its ids costs ~0.45 s a pass)."""
    table_ids = np.asarray(table_ids, dtype=object)
    n = len(table_ids)
    codes = pd.factorize(np.concatenate([table_ids, np.asarray(derived_ids, dtype=object)]))[0]
    tc, dc = codes[:n], codes[n:]
    # the rows kept (each id's first) are the table's distinct ids 0, 1, 2 … in order
    first = _is_first(tc)
    n_kept = int(first.sum())
    return ~first, np.where(dc < n_kept, dc, -1).astype(np.int64)


def _combine(table: pd.DataFrame, derived: pd.DataFrame, key: str, pos: np.ndarray) -> pd.DataFrame:
    """Rows of ``table`` (unique key) and of ``derived`` (unique key; attributes read from the
    participations), one row per key: the table's value wins where it has one.  Same content
    as an outer merge coalescing the ``_part`` columns, without its sort (the caller sorts by
    key once).  ``pos``: each derived row's row in ``table`` (-1: not listed there;
    :func:`_listed_once`)."""
    listed = pos >= 0
    extra = derived.loc[~listed]
    out = pd.concat([table, extra], ignore_index=True, sort=False) if len(extra) else table.reset_index(drop=True)
    both = [c for c in derived.columns if c != key and c in table.columns]
    if both and listed.any():
        rows = pos[listed]
        for c in both:
            cur = out[c]
            fill = cur.iloc[rows].isna().to_numpy()
            if fill.any():
                vals = derived[c].to_numpy(dtype=object)[listed][fill]
                col = cur.astype(object) if cur.dtype != object else cur.copy()
                col.iloc[rows[fill]] = vals
                out[c] = col
    return out


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_EU_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$")
_DEC_COMMA = re.compile(r"^[-+]?\d+,\d+$")
#: currency signs and codes around an amount ("$445,921", "₩ 1,200,000", "1.234.567,89 €", "EUR 12")
_CURRENCY = re.compile(r"^(?:[$€£¥₩]|US\$|KRW|EUR|USD|GBP|JPY|CHF)\s*|\s*(?:[$€£¥₩]|KRW|EUR|USD|GBP|JPY|CHF)$",
                       re.I)


def number_convention(values) -> str:
    """``"comma"`` when a column's numbers use the decimal comma (``1.234.567,89``, ``12,5``
    with dots grouping thousands elsewhere), else ``"dot"``: decided once per column so that an
    ambiguous ``1,234`` reads the same way as its neighbours.

    >>> number_convention(["1.234.567,89 €", "1,234"]), number_convention(["$445,921", "1,234"])
    ('comma', 'dot')
    """
    comma = dot = 0
    for v in values:
        t = _CURRENCY.sub("", str(v).strip()).replace("\u00a0", "").replace(" ", "")
        if re.search(r"\d\.\d{3},\d", t) or re.fullmatch(r"[-+]?\d{1,3}(\.\d{3}){2,}", t) or \
                re.fullmatch(r"[-+]?\d+,\d{1,2}", t):
            comma += 1
        elif re.search(r"\d,\d{3}\.\d", t) or re.fullmatch(r"[-+]?\d{1,3}(,\d{3}){2,}", t) or \
                re.fullmatch(r"[-+]?\d+\.\d{1,2}", t):
            dot += 1
    return "comma" if comma > dot else "dot"


def _parse_number(v, convention: str = "dot"):
    """(value, kind) with kind in ok / thousands / decimal_comma / currency / ambiguous / bad."""
    s = str(v).strip().replace("\u00a0", "").replace("\u202f", "")
    money = bool(_CURRENCY.search(s))
    s = _CURRENCY.sub("", s).replace(" ", "").replace("'", "")
    s = re.sub(r"(원|건|명|개|%)$", "", s)
    try:
        return float(s), ("currency" if money else "ok")
    except ValueError:
        pass
    kind = "currency" if money else "thousands"
    if convention == "comma":
        if re.fullmatch(r"[-+]?\d{1,3},\d{3}", s):  # 1,234: a thousand elsewhere, here 1.234
            return float(s.replace(",", ".")), "currency" if money else "ambiguous"
        if _EU_THOUSANDS.match(s):
            return float(s.replace(".", "").replace(",", ".")), kind
        if _DEC_COMMA.match(s):
            return float(s.replace(",", ".")), "currency" if money else "decimal_comma"
    if _THOUSANDS.match(s):
        return float(s.replace(",", "")), kind
    if _EU_THOUSANDS.match(s):
        return float(s.replace(".", "").replace(",", ".")), kind
    if _DEC_COMMA.match(s):
        return float(s.replace(",", ".")), "currency" if money else "decimal_comma"
    amount = _korean_amount(s)
    if amount is not None:
        return amount, "korean_units"
    return np.nan, "bad"


_KO_AMOUNT = re.compile(r"(?:\d[\d,]*(?:\.\d+)?[천백십]?[조억만]?)+")
_KO_PART = re.compile(r"(\d[\d,]*(?:\.\d+)?)([천백십]?)([조억만]?)")
_KO_SMALL = {"": 1.0, "천": 1e3, "백": 1e2, "십": 10.0}
_KO_BIG = {"조": 1e12, "억": 1e8, "만": 1e4}


def _korean_amount(s: str):
    """An amount written with Korean number words, in 원 (``3억5천만`` → 350,000,000,
    ``1,500만`` → 15,000,000, ``12.5억`` → 1,250,000,000); None when ``s`` (spaces and a
    final 원 already removed) is not one, or has no such word.

    >>> _korean_amount("3억5천만"), _korean_amount("1,500만"), _korean_amount("12.5억"), _korean_amount("12")
    (350000000.0, 15000000.0, 1250000000.0, None)
    """
    sign = -1.0 if s.startswith("-") else 1.0
    s = s.lstrip("+-")
    if not _KO_AMOUNT.fullmatch(s) or not re.search("[천백십조억만]", s):
        return None
    total = group = 0.0
    for number, small, big in _KO_PART.findall(s):
        if not re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d+)?|\d+(\.\d+)?", number):
            return None
        v = float(number.replace(",", "")) * _KO_SMALL[small]
        if big:
            total += (group + v) * _KO_BIG[big]
            group = 0.0
        else:
            group += v
    return sign * (total + group)


_DATE_FORMATS = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d", "%Y. %m. %d", "%Y.%m.%d.",
                 "%Y. %m. %d.", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m", "%Y.%m", "%d.%m.%Y",
                 "%Y년 %m월 %d일", "%Y년", "%Y"]  # (the last two: a bare year, read as that year)


def _parse_dates(values: pd.Series) -> pd.Series:
    """Parse dates in the common unambiguous formats (per unique value)."""
    values = values.astype("object")
    out = {}
    for u in pd.unique(values.dropna()):
        s = str(u).strip()
        got = pd.NaT
        for fmt in _DATE_FORMATS:
            try:
                got = pd.Timestamp(datetime.strptime(s, fmt))
                break
            except ValueError:
                continue
        out[u] = got
    return pd.to_datetime(values.map(out), errors="coerce")
