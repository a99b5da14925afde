"""A dataset coded as integers once, and slices of it: the whole data, a year, a window or a
programme phase.

The headline indicators (:mod:`netcluster.indicators`) are computed on a :class:`Slice`.  A
slice is not materialised as a dataset: the data are integer-coded once per dataset
(:class:`CodedDataset`: organisations, projects, groups, type and knowledge-service flags);
a slice is a mask on the projects, its network a sparse product on the masked biadjacency,
and the figures are bincounts and the projection-level metric functions.  The whole data is
the slice of every project (with or without a year).

Figures that need more than codes (the permutation test, communities, the patent bootstrap)
ask the slice for its dataset (:meth:`Slice.dataset`, a year-filtered copy for a slice) and
keep their results in the slice (:meth:`Slice.result`), so that two indicators needing the
same table compute it once.
"""

from __future__ import annotations

import copy
import re

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._sorting import distinct_keys, rows_after_reorder, text_argsort, unique_values
from .exceptions import EmptyResultError, OptionError
from .graph import BipartiteNetwork
from .groups import AlignedGroups, sorted_factorize
from .helix import DEFAULT_HELICES
from .programme import org_service_flags
from .regions import is_korean

__all__ = ["CodedDataset", "Slice", "coded_dataset", "year_slices", "parse_years", "parse_phases", "DEFAULT_PHASES"]

#: Programme phases of the Korean industrial-complex cluster programme: the first phase, the
#: second after the 2009 reorganisation around the 5+2 wide economic regions, then 2014 onward.
DEFAULT_PHASES = {"phase 1 (2005-2008)": (2005, 2008), "phase 2 (2009-2013)": (2009, 2013),
                  "phase 3 (2014-)": (2014, None)}


def year_slices(dataset, by: str = "year", *, window: int = 3, step: int = 1,
                phases: dict | None = None) -> list[tuple[str, int | None, int | None]]:
    """``(label, first_year, last_year)`` of each slice: every year of the data, moving windows
    of ``window`` years every ``step`` years, or the programme ``phases``."""
    years = dataset.projects["year"].dropna().astype(int)
    if years.empty:
        raise EmptyResultError("no project has a year: evolution is undefined")
    lo, hi = int(years.min()), int(years.max())
    if by == "year":
        return [(str(y), y, y) for y in range(lo, hi + 1)]
    if by == "window":
        return [(f"{a}-{a + window - 1}", a, a + window - 1) for a in range(lo, hi - window + 2, step)]
    if by == "phase":
        return [(name, a, b) for name, (a, b) in (phases or DEFAULT_PHASES).items()]
    raise ValueError(f"by must be 'year', 'window' or 'phase', got {by!r}")


def coded_dataset(dataset, group_by: str | None) -> "CodedDataset":
    """The dataset's integer coding with ``group_by`` coded too (cached in the dataset: the
    group-independent part is computed once per dataset)."""
    base = dataset.cached(("coded dataset",), CodedDataset)
    return dataset.cached(("coded dataset", group_by), lambda d: copy.copy(base).with_groups(group_by))


class CodedDataset:
    """A dataset coded as integers once, for many slices.

    Organisations and projects are numbered in the order of their ids (as
    :meth:`netcluster.graph.BipartiteNetwork.from_edges` numbers them, so that slices give the
    same matrices); ``po``/``pp`` are each participation's organisation and project number."""

    def __init__(self, dataset):
        orgs = dataset.organisations
        projs = dataset.projects
        self.org_order = text_argsort(orgs["org_id"].to_numpy(dtype=object))
        self.org_labels = orgs["org_id"].to_numpy(dtype=object)[self.org_order]
        in_order = bool((self.org_order == np.arange(len(orgs))).all())  # a dataset is sorted by id
        o = orgs.reset_index(drop=True) if in_order else orgs.iloc[self.org_order].reset_index(drop=True)
        self.orgs = o
        proj_order = text_argsort(projs["project_id"])
        self.proj_labels = projs["project_id"].to_numpy(dtype=object)[proj_order]
        # participation -> sorted organisation / project numbers, from the dataset's cached rows
        self.po = rows_after_reorder(dataset.participation_org_rows(), self.org_order)
        self.pp = rows_after_reorder(dataset.participation_project_rows(), proj_order)
        p = (projs if bool((proj_order == np.arange(len(projs))).all()) else projs.iloc[proj_order]) \
            .set_index("project_id")
        self.year = pd.to_numeric(p["year"], errors="coerce").to_numpy(dtype=float)
        # programmes numbered in the order of their text (programme pairs in that order)
        self.programme = (sorted_factorize(p["programme"].to_numpy(dtype=object))[0]
                          if "programme" in p.columns else np.full(len(self.proj_labels), -1))
        t = o["org_type"].astype(object)
        self.is_u = t.isin(DEFAULT_HELICES["U"]).to_numpy(dtype=bool)
        self.is_g = t.isin(DEFAULT_HELICES["G"]).to_numpy(dtype=bool)
        self.is_firm, self.kis, self.mfg = (f[self.org_order] for f in org_service_flags(dataset))
        self.has_complex = "complex" in o.columns
        if self.has_complex:
            self.complex = pd.factorize(o["complex"].astype(object), use_na_sentinel=True)[0]
        self.group_by, self.wide = None, None
        self.has_wide = "wide_region" in o.columns and o["wide_region"].notna().any()

    def with_groups(self, group_by):
        o = self.orgs
        self.group_by = group_by if group_by in o.columns else None
        if self.group_by:
            self.gcode = pd.factorize(o[group_by].astype(object), use_na_sentinel=True)[0]
            self.gsorted = sorted_factorize(o[group_by].to_numpy(dtype=object))
        self.wide = None
        if group_by is not None and group_by != "wide_region" and self.has_wide:
            self.wide = sorted_factorize(o["wide_region"].to_numpy(dtype=object))
        return self

    @staticmethod
    def aligned(sorted_codes, proj, ou) -> AlignedGroups:
        """The groups of the organisations ``ou`` (the slice's projection labels), as
        :func:`netcluster.groups.group_codes` codes them."""
        codes_all, uniq_all = sorted_codes
        sc = codes_all[ou]
        present = unique_values(sc[sc >= 0])
        remap = np.full(len(uniq_all) + 1, -1, dtype=np.int64)
        remap[present] = np.arange(len(present))
        return AlignedGroups(proj.labels, remap[sc], [uniq_all[i] for i in present])

    def year_mask(self, a, b) -> np.ndarray:
        """Projects with a year in ``[a, b]`` (None: open end)."""
        keep = ~np.isnan(self.year)
        if a is not None:
            keep &= self.year >= a
        if b is not None:
            keep &= self.year <= b
        return keep

    def network(self, pmask):
        """The biadjacency of the participations whose project is in ``pmask``, and those
        participations' organisation and project numbers and the distinct organisations."""
        rows = (self.pp >= 0) & (self.po >= 0)
        rows[rows] = pmask[self.pp[rows]]
        o, p = self.po[rows], self.pp[rows]
        ou, oi = distinct_keys(o, len(self.org_labels), inverse=True)
        pu, pi = distinct_keys(p, len(self.proj_labels), inverse=True)
        B = sp.csr_matrix((np.ones(len(o)), (oi, pi)), shape=(len(ou), len(pu)))
        return BipartiteNetwork(B, self.org_labels[ou], self.proj_labels[pu]), o, p, ou


class Slice:
    """The projects of a period (or all of them) and what the indicators need of them.

    Parameters
    ----------
    dataset : ClusterDataset
    start, end : int or None
        Year range (inclusive); ``whole=True``: every project, with or without a year.
    weighting, max_project_size : projection options (:meth:`BipartiteNetwork.project_organisations`)
    group_by : organisation column of the grouped figures (E-I, cross-group share …)
    seed, n_permutations, n_boot : options of the randomised figures
    """

    def __init__(self, dataset, *, start=None, end=None, whole: bool = False, label: str = "(all)",
                 weighting: str = "count", max_project_size: int | None = None, group_by: str = "region",
                 seed: int = 0, n_permutations: int = 199, n_boot: int = 2000):
        self.whole_dataset = dataset
        self.start, self.end, self.whole, self.label = start, end, whole, label
        self.weighting, self.max_project_size = weighting, max_project_size
        self.group_by, self.seed = group_by, seed
        self.n_permutations, self.n_boot = n_permutations, n_boot
        self.coded = coded_dataset(dataset, group_by)
        #: the Korean programme's data (its review figures, pilot complexes, phases apply)
        self.korean = dataset.cached(("korean",), lambda d: "region" in d.organisations.columns and is_korean(
            d.organisations["region"].dropna().unique()))
        c = self.coded
        self.pmask = np.ones(len(c.proj_labels), dtype=bool) if whole else c.year_mask(start, end)
        self._results = {}

    @classmethod
    def whole_data(cls, dataset, **options) -> "Slice":
        return cls(dataset, whole=True, **options)

    def result(self, key, compute):
        """``compute()`` once per slice and key (tables that several figures share)."""
        if key not in self._results:
            self._results[key] = compute()
        return self._results[key]

    def provide(self, key, value) -> None:
        """A result already computed elsewhere for this slice (same options)."""
        self._results[key] = value

    # -- the slice's network -------------------------------------------------
    def _net(self):
        return self.result("network", lambda: self.coded.network(self.pmask))

    @property
    def network(self) -> BipartiteNetwork:
        return self._net()[0]

    @property
    def participation_orgs(self) -> np.ndarray:
        """Organisation number of each of the slice's participations."""
        return self._net()[1]

    @property
    def participation_projects(self) -> np.ndarray:
        """Project number of each of the slice's participations."""
        return self._net()[2]

    @property
    def participants(self) -> np.ndarray:
        """Numbers of the organisations taking part (the projection's labels, in order)."""
        return self._net()[3]

    @property
    def is_empty(self) -> bool:
        pp = self.coded.pp
        return not self.pmask.any() or not self.pmask[pp[pp >= 0]].any()

    @property
    def projection(self):
        def make():
            net = BipartiteNetwork.from_dataset(self.whole_dataset) if self.whole else self.network
            return net.project_organisations(self.weighting, max_project_size=self.max_project_size)
        return self.result("projection", make)

    @property
    def groups(self) -> AlignedGroups | None:
        """``group_by`` of the projection's organisations (None without that column)."""
        c = self.coded
        if not c.group_by:
            return None
        return self.result("groups", lambda: c.aligned(c.gsorted, self.projection, self.participants))

    @property
    def wide_groups(self) -> AlignedGroups | None:
        """The 5+2 wide economic region of the projection's organisations (None when grouped by
        it already, or without wide regions)."""
        c = self.coded
        if c.wide is None:
            return None
        return self.result("wide groups", lambda: c.aligned(c.wide, self.projection, self.participants))

    @property
    def dataset(self):
        """The slice as a dataset (the whole dataset, or a year-filtered copy)."""
        if self.whole:
            return self.whole_dataset
        return self.result("dataset", lambda: self.whole_dataset.filter_years(self.start, self.end))

    @property
    def n_projects(self) -> int:
        return int(self.pmask.sum())

    def project_counts(self, org_flag: np.ndarray | None = None) -> np.ndarray:
        """Participants per project of the slice (those with ``org_flag`` only, if given)."""
        o, p = self.participation_orgs, self.participation_projects
        if org_flag is not None:
            p = p[org_flag[o]]
        return np.bincount(p, minlength=len(self.coded.proj_labels))[self.pmask]


def parse_years(years) -> tuple:
    """``"2009-2013"``, ``"2009-"``, ``"-2013"``, ``"2010"``, ``(a, b)`` or None → ``(a, b)``.

    >>> parse_years("2009-2013"), parse_years("2014-"), parse_years(None)
    ((2009, 2013), (2014, None), (None, None))
    """
    if years is None or years == "":
        return None, None
    if isinstance(years, (tuple, list)):
        a, b = years[0], years[1]
    else:
        text = str(years).strip()
        m = re.fullmatch(r"(\d{4})?\s*[-–~]\s*(\d{4})?|(\d{4})", text)
        if not m or (m.group(3) is None and m.group(1) is None and m.group(2) is None):
            raise OptionError(f"--years {years!r} is not a year range: write it as 2009-2013, 2014- (from 2014), "
                             f"-2008 (up to 2008) or 2010 (one year), with four-digit years")
        a, b = (int(m.group(3)), int(m.group(3))) if m.group(3) else \
            (int(m.group(1)) if m.group(1) else None, int(m.group(2)) if m.group(2) else None)
    if a is not None and b is not None and a > b:
        raise OptionError(f"--years {years!r}: the first year comes after the last; did you mean {b}-{a}?")
    return a, b


def parse_phases(phases) -> dict | None:
    """``"2005-2008,2009-2013,2014-"`` (or a dict) → ``{"2005-2008": (2005, 2008), …}``.

    >>> parse_phases("2005-2008, 2014-")
    {'2005-2008': (2005, 2008), '2014-': (2014, None)}
    """
    if phases is None or phases == "" or isinstance(phases, dict):
        return phases or None
    out = {}
    for part in str(phases).split(","):
        part = part.strip()
        if part:
            out[part] = parse_years(part)
    return out or None
