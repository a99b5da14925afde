"""The steps of ``analyze``: each a function of named inputs (the library's metric and writer
functions, joined into the output tables).  :mod:`netcluster.pipeline` arranges them into a
plan; :mod:`netcluster.run.plan` runs it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..backbone import backbone
from ..brokerage import gould_fernandez, regional_gatekeepers, structural_holes
from ..centrality import EXACT_MAX_NODES, CentralityPlan
from ..communities import compare_partitions, leiden, stability
from ..dataset import StagedReader, load_dataset
from ..evolution import EVOLUTION_COLUMNS, evolution, network_growth, dataset_year_spans
from ..changes import BREAK_COLUMNS, CHANGE_COLUMNS, PeriodComparison, breaks_from_series
from ..outcomes import EVENT_COLUMNS, OUTCOME_COLUMNS, participation_effect, read_outcomes
from ..exceptions import EmptyResultError, OptionError
from ..funding import CONCENTRATION_COLUMNS, budget_concentration, repeatedly_funded, similar_projects
from ..graph import BipartiteNetwork
from ..groups import AlignedGroups, sorted_factorize
from ..indicators import GROUP_LABELS, REGISTRY, evaluate, group_label
from ..layout import layout_positions
from ..linkage import cross_region_share, region_matrix, to_square
from ..mapping import ALIASES, load_mapping, norm_header
from ..readers import list_tables, match_tables
from ..openness import ei_index, ei_permutation_test, project_openness
from ..scorecard import frame
from ..slices import Slice
from ..regions import is_korean
from ..slices import DEFAULT_PHASES
from ..structure import STRUCTURE_COLUMNS, structure_over_time
from ..systems import TYPE_SHARE_COLUMNS, regional_innovation_system, type_shares_over_time
from ..write.columns import analyst_columns, columns_for, measures, organisation_table
from ..write.columns import labels as column_labels
from ..write.formatted import FormattedTable, coded_columns
from ..write.gexf import finish_gexf, gexf_viz, write_gexf_edges, write_gexf_nodes, write_graphml
from ..write.network_page import network_html
from ..write.map_page import regions_html
from ..write.pages import write_text
from ..write.report import report_html
from ..write.text import t
from ..write.tables import finish_ties_csv, sheet_bytes, write_csv, write_ties_csv, write_xlsx
from ..write.xlsx import Deflated
from ..write.sheets import (SHOWN_ORGANISATION_COLUMNS, group_names, sheet_labels, show_function, shown_values,
                            table_sheet, workbook_sheet)
from .plan import Task

__all__ = ["Options"]

#: Leiden stability check: 5 seeds up to this many organisations, 3 seeds above, none above
#: STABILITY_MAX_NODES.
STABILITY_SEEDS_5_MAX_NODES = 20_000
STABILITY_MAX_NODES = 150_000
#: Leiden iterations when not given: until an iteration changes nothing (a stable partition),
#: except on large dense networks (more than LEIDEN_STABLE_MAX_TIES ties and a mean degree above
#: LEIDEN_DENSE_MEAN_DEGREE), where LEIDEN_LARGE_ITERATIONS are run.  On the EU-framework profile
#: at 150k rows (29k organisations, 823k ties, mean degree 57), seeds 0-2: 6 iterations give
#: modularity 0.18326-0.18360 in 1.9 s a run, 10 give 0.18350-0.18424 in 2.7-3.1 s, until stable
#: 0.18384-0.18472 in 7.5-12.3 s; each seed's 6-iteration partition agrees with its 10-iteration
#: one as much as that one with the stable one (ARI 0.91 and 0.90), while partitions of different
#: seeds agree far less whatever the iterations (ARI 0.045-0.048): more iterations do not change
#: what the stability check reports.  The sparse Korean 1M network (mean degree 12) is stable
#: after a few iterations and runs until stable.  The count used is in the report's methods
#: (docs/benchmark.md, "seventh round").
LEIDEN_STABLE_MAX_TIES = 300_000
LEIDEN_DENSE_MEAN_DEGREE = 20
LEIDEN_LARGE_ITERATIONS = 6
#: network.gexf carries positions (viz:position) up to this many organisations.
GEXF_LAYOUT_MAX_NODES = 20_000
#: Permutations of the E-I test are capped at 99 above this many ties (the null is then
#: very narrow; the cap is recorded in the parameters).
PERMUTATION_CAP_TIES = 500_000
#: Permutations of the E-I test over which each group's null E-I is summarised.
GROUP_NULL_PERMUTATIONS = 499
#: Ties written to the ties sheet of indicators.xlsx (all ties are in ties.csv and the GEXF).
XLSX_MAX_TIES = 50_000
#: ties.csv and the GEXF edges are written in this many row ranges (tasks for either process;
#: the bytes are the same for any number).
TIES_CSV_PARTS = 4
GEXF_EDGE_PARTS = 2
#: Order of the path-measure parts in the task pool: the second core starts with the first,
#: the main process takes from the end (the costliest, weighted betweenness, first).
PATH_PARTS_ORDER = ["paths", "betweenness", "closeness", "closeness_w", "betweenness_w"]


@dataclass(frozen=True)
class Options:
    """Everything ``analyze`` was asked for (see :func:`netcluster.pipeline.analyze`)."""

    input_path: object
    out: Path
    mapping: object = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: object = None
    group_by: str = "region"
    years: tuple = (None, None)
    weighting: str = "count"
    seed: int = 0
    n_permutations: int = 999
    max_project_size: int | None = None
    graphml: bool = False
    max_network_nodes: int = 2000
    exact_max_nodes: int = EXACT_MAX_NODES
    betweenness_samples: object = "auto"
    leiden_iterations: int | None = None  # None: until stable, LEIDEN_LARGE_ITERATIONS on large networks
    jobs: int = 1
    dataset: object = None  # a ClusterDataset given instead of a file
    lang: str | None = None  # ko | en; None: ko on Korean programme data, en otherwise
    backbone: str = "sdsm"  # none | disparity | sdsm
    alpha: float = 0.05
    correction: str = "fdr"  # none | holm | fdr
    phases: dict | None = None  # {name: (first, last)}; None: the programme's on Korean data
    outcomes: object = None  # firm-year outcomes: a file or DataFrame; None: outcomes_by_year.* in a folder input
    extra_columns: object = None  # the analyst's columns: DataFrame by org_id, or names (list/dict)
    extra_labels: dict | None = None


# -- read and graph ------------------------------------------------------------

def read_participations(options: Options):
    """The participations first (the other tables are read later) and their network."""
    reader = StagedReader(options.input_path, mapping=options.mapping, encoding=options.encoding,
                          delimiter=options.delimiter, sheet=options.sheet)
    _, codes = reader.participations()
    return reader, BipartiteNetwork.from_codes(*codes)


def read_rest(reader: StagedReader):
    return reader.dataset()


def read_whole(options: Options):
    """The dataset at once (given, or with a year filter) and its network."""
    ds = options.dataset if options.dataset is not None else load_dataset(
        options.input_path, mapping=options.mapping, encoding=options.encoding,
        delimiter=options.delimiter, sheet=options.sheet)
    y0, y1 = options.years
    if y0 is not None or y1 is not None:
        years = ds.projects["year"].dropna()
        ds = ds.filter_years(y0, y1)
        if len(ds.participations) == 0:
            have = (f"the data's projects run from {int(years.min())} to {int(years.max())}" if len(years)
                    else "the projects have no year")
            raise OptionError(f"no project in the year range {y0 or ''}-{y1 or ''}: {have}")
    part = ds.participations
    return ds, BipartiteNetwork.from_edges(part["org_id"], part["project_id"])


def project(network, options: Options):
    """The projection, the centrality plan and the seeds of the stability check."""
    proj = network.project_organisations(options.weighting, max_project_size=options.max_project_size)
    n_seeds = 5 if proj.n_nodes <= STABILITY_SEEDS_5_MAX_NODES else 3
    seeds = list(range(options.seed, options.seed + n_seeds)) if proj.n_nodes <= STABILITY_MAX_NODES else []
    plan = CentralityPlan(proj, weighted=options.weighting not in ("binary",),
                          exact_max_nodes=options.exact_max_nodes, samples=options.betweenness_samples,
                          seed=options.seed)
    return proj, plan, seeds


def compute_tasks(context: dict) -> list[Task]:
    """What needs only the projection, for the second core: Leiden first (the main process
    needs the communities soonest), Burt's measures, the spectral measures, the measures of the
    column specification, the path parts (with these the organisations table can be built and
    the files started), then the stability runs, needed last: the organisations table no longer
    waits for them, and a stability run nobody has started when the main process needs it runs
    there."""
    proj, plan, seeds, o = (context[k] for k in ("projection", "centrality_plan", "stability_seeds", "options"))
    parts = dict(plan.parts())
    paths = sorted((k for k in parts if k != "spectral"), key=PATH_PARTS_ORDER.index)

    iterations = leiden_iterations(proj, o)

    def leiden_seed(s):
        return lambda projection: leiden(projection, seed=s, n_iterations=iterations)

    def part(name):
        return Task(f"centrality: {name}", lambda: parts[name](), outputs=(f"centrality_part_{name}",))

    tasks = [Task("Leiden", leiden_seed(o.seed), ("projection",), ("communities",))]
    tasks += [Task("structural holes", structural_holes, ("projection",), ("structural_holes",)),
              part("spectral")]
    tasks += [Task(f"measure: {c.id}", c.measure, ("projection",), (f"measure_{c.id}",)) for c in measures()]
    tasks.append(Task("layout of the graph file", lambda projection: graph_file_layout(projection, o),
                      ("projection",), ("positions",)))
    tasks += [part(k) for k in paths]
    tasks += [Task(f"Leiden seed {s}", leiden_seed(s), ("projection",), (f"communities_seed_{s}",))
              for s in seeds[1:]]
    return tasks


def leiden_iterations(projection, options: Options) -> int:
    """The Leiden iterations to run: the option when given, otherwise until stable (-1) up to
    LEIDEN_STABLE_MAX_TIES ties or a mean degree up to LEIDEN_DENSE_MEAN_DEGREE, otherwise
    LEIDEN_LARGE_ITERATIONS."""
    if options.leiden_iterations is not None:
        return options.leiden_iterations
    m, n = projection.n_ties, max(projection.n_nodes, 1)
    return LEIDEN_LARGE_ITERATIONS if m > LEIDEN_STABLE_MAX_TIES and 2 * m / n > LEIDEN_DENSE_MEAN_DEGREE else -1


def graph_file_layout(projection, options: Options):
    """Positions of every organisation for network.gexf (Gephi opens it laid out): the layout
    the network page uses when it draws the whole network
    (:func:`netcluster.layout.layout_positions`, same seed); None above GEXF_LAYOUT_MAX_NODES organisations (Gephi lays
    out such networks itself; the parameters say so)."""
    if projection.n_nodes > GEXF_LAYOUT_MAX_NODES:
        return None
    return pd.DataFrame(layout_positions(projection, options.seed), columns=["x", "y"],
                        index=pd.Index(projection.labels, name="org_id"))


def measure_outputs(plan: CentralityPlan) -> tuple:
    """The names of the measures :func:`compute_tasks` makes for the organisations table
    (centrality parts, Burt's measures, the specification's measures)."""
    return (tuple(f"centrality_part_{k}" for k, _ in plan.parts()) + ("structural_holes",)
            + tuple(f"measure_{c.id}" for c in measures()))


def stability_outputs(seeds) -> tuple:
    """The names of the stability runs' partitions :func:`compute_tasks` makes (the seeds
    after the first, whose partition is the communities)."""
    return tuple(f"communities_seed_{s}" for s in seeds[1:])


# -- groups and group indicators ----------------------------------------------

#: organisation columns that are not groupings (ids, provenance, numbers)
_NOT_GROUPS = {"org_id", "name", "n_projects", "org_type_inferred", "participant", "file", "line", "address",
               "region_from", "patents", "employees", "output"}


def _groupable(orgs, c) -> bool:
    if c not in orgs.columns or c in _NOT_GROUPS or c.startswith("_"):
        return False
    col = orgs[c]
    numeric = pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)
    return not numeric or col.notna().sum() == 0  # (an empty column: every organisation unknown)


def group_by_choices(dataset) -> list[str]:
    """The organisation columns one can group by: categories with values, not ids, provenance
    or numbers."""
    orgs = dataset.organisations
    return [c for c in columns_for("table", orgs.columns) if _groupable(orgs, c) and _has_values(orgs[c])]


def _has_values(col: pd.Series) -> bool:
    """Whether a column holds a value: its first rows asked first (a column with values has
    one near the top, and a pass over a national population per column is then spared)."""
    return bool(col.iloc[:1000].notna().any()) or bool(col.notna().any())


def resolve_group_by(dataset, options: Options) -> str:
    """The column ``--group-by`` names: its own name, the source's header the mapping (or the
    built-in aliases) read it from, or its label in Korean or English (``시도``, ``시·도``,
    ``기관유형``, ``region``).  An error lists the columns one can group by, with their labels."""
    name = options.group_by
    choices = group_by_choices(dataset)
    if name in choices or _groupable(dataset.organisations, name):  # (an empty column groups all as unknown)
        return name
    key = norm_header(name)
    found = []
    mapping = load_mapping(options.mapping)
    for canon, src in mapping.columns.items():
        heads = src if isinstance(src, list) else [src] if isinstance(src, str) else []
        if any(norm_header(h) == key for h in heads):
            found.append(canon)
    for canon, names in ALIASES.items():
        if any(norm_header(a) == key for a in names):
            found.append(canon)
    for lang in ("ko", "en"):
        for col in choices:
            label = column_labels(lang, group_by=col, group_label=group_label(col, lang)).get(col, col)
            if key in (norm_header(label), norm_header(group_label(col, lang))):
                found.append(col)
    found = [c for c in dict.fromkeys(found) if c in choices]
    if found:
        return found[0]
    shown = ", ".join(f"{c!r} ({group_label(c, 'ko') if c in GROUP_LABELS else column_labels('ko', group_by=c).get(c, c)})"
                      for c in choices)
    raise OptionError(f"--group-by {name!r} is not a column of the organisations to group them by; choose one "
                     f"of: {shown}")


def check_group_by(dataset, options: Options):
    """The grouping column must be an attribute of the organisations (a category, not their
    id, name, a number or the provenance of their rows)."""
    if not _groupable(dataset.organisations, options.group_by):
        raise OptionError(f"--group-by {options.group_by!r} is not an attribute of the organisations to group "
                         f"them by; choose one of {group_by_choices(dataset)}")


def at_rows(series: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``series.to_numpy()[rows]`` as objects, None where the row is -1."""
    vals = np.asarray(series.to_numpy(dtype=object)[np.maximum(rows, 0)], dtype=object)
    vals[rows < 0] = None
    return vals


def align(dataset, projection, options: Options):
    """The organisations by id, each label's row, and the groupings coded for the projection's
    labels (``{column: AlignedGroups}``: the grouping column and the wide regions), as
    :func:`netcluster.groups.group_codes` codes them."""
    orgs = dataset.organisations_by_id()
    label_rows = dataset.organisation_rows(projection.labels)

    def coded(series):
        return AlignedGroups(projection.labels, *sorted_factorize(at_rows(series, label_rows)), series=series)

    aligned = {options.group_by: coded(orgs[options.group_by])}
    if "wide_region" in orgs.columns and options.group_by != "wide_region":
        aligned["wide_region"] = coded(orgs["wide_region"])
    return orgs, label_rows, aligned


def group_brokerage(projection, aligned, options: Options):
    """Gould–Fernandez roles and regional gatekeepers (counted at any size: no budget)."""
    groups = aligned[options.group_by]
    gf = gould_fernandez(projection, groups)
    return gf, regional_gatekeepers(projection, groups, brokerage=gf), {}


def openness_figures(projection, aligned, dataset, orgs, options: Options):
    """E-I (counts and weights), the permutation test, each group's null band, project openness."""
    groups = aligned[options.group_by]
    ei = ei_index(projection, groups)
    ei_w = ei_index(projection, groups, weighted=True)
    nperm = options.n_permutations if projection.n_ties <= PERMUTATION_CAP_TIES else min(options.n_permutations, 99)
    test = ei_permutation_test(projection, groups, n_permutations=nperm, seed=options.seed,
                               group_null=GROUP_NULL_PERMUTATIONS)
    return ei, ei_w, test, group_null(projection, groups, test), project_openness(dataset, orgs[options.group_by])


def group_null(proj, groups, ei_test) -> pd.DataFrame:
    """Per-group E-I under the same permutation null (mean and 95% band): the first
    GROUP_NULL_PERMUTATIONS permutations of the test (recorded by the test itself when its
    permutations were random; drawn with the test's seed after an exact test)."""
    if "group_null" not in ei_test.attrs:  # exact enumeration: no per-permutation record
        p = ei_test.attrs["params"]
        ei_test = ei_permutation_test(proj, groups, n_permutations=min(int(p["permutations"]),
                                                                       GROUP_NULL_PERMUTATIONS),
                                      seed=p["seed"] or 0, exact=False, group_null=GROUP_NULL_PERMUTATIONS)
    sims, uniq = ei_test.attrs["group_null"], ei_test.attrs["groups"]
    k = len(sims)
    with warnings.catch_warnings():  # a group with no tie in any permutation: NaN, as it should be
        warnings.simplefilter("ignore", RuntimeWarning)
        return pd.DataFrame({"ei_null_mean": np.nanmean(sims, axis=0) if k else np.nan,
                             "ei_null_q025": np.nanquantile(sims, 0.025, axis=0) if k else np.nan,
                             "ei_null_q975": np.nanquantile(sims, 0.975, axis=0) if k else np.nan},
                            index=pd.Index(uniq, name="group"))


def linkage_figures(projection, aligned, dataset, orgs, options: Options):
    """Region × region matrices (grouping column, and 5+2 wide regions) and cross-group shares."""
    g = options.group_by
    rm = region_matrix(projection, aligned[g], dataset=dataset)
    crs = cross_region_share(projection, aligned[g])
    wide = None
    if "wide_region" in aligned and orgs["wide_region"].notna().any():
        wide = region_matrix(projection, aligned["wide_region"], dataset=dataset)
    return rm, crs, wide


def declared_groups(communities, orgs, label_rows) -> dict:
    """Leiden communities against the declared mini-clusters and complexes."""
    out = {}
    for col in ("cluster", "complex"):
        if col in orgs.columns and orgs[col].notna().any():
            at_labels = pd.Series(at_rows(orgs[col], label_rows), index=communities.index, name=col)
            if at_labels.notna().any():  # (declared only for organisations outside the network: nothing to compare)
                out[col] = compare_partitions(communities["community"], at_labels)
    return out


def language(dataset, options: Options):
    """The report's language, whether the data are the Korean programme's, and the phases
    (the programme's on Korean data; on other data only those given)."""
    korean = "region" in dataset.organisations.columns and is_korean(dataset.organisations["region"].dropna().unique())
    lang = options.lang or ("ko" if korean else "en")
    if lang not in ("ko", "en"):
        raise OptionError(f"--lang {options.lang!r}: use ko or en")
    phases = options.phases if options.phases else (DEFAULT_PHASES if korean else None)
    return lang, korean, phases


# -- scorecard and evolution ---------------------------------------------------

def whole_slice(dataset, projection, communities, aligned, ei, ei_test, cross_region, options: Options) -> Slice:
    """The whole-data slice of the indicators, given what analyze has computed already."""
    s = Slice.whole_data(dataset, weighting=options.weighting, group_by=options.group_by, seed=options.seed,
                         n_permutations=options.n_permutations, max_project_size=options.max_project_size)
    s.provide("projection", projection)
    s.provide("communities", communities)
    s.provide("groups", aligned[options.group_by])
    s.provide("ei", ei)
    s.provide("ei test", ei_test)
    s.provide("cross region", cross_region)
    if "wide_region" in aligned:
        s.provide("wide groups", aligned["wide_region"])
    return s


def scorecard_section(section: str):
    """A step: the scorecard rows of one section of the registry."""
    def rows(whole, lang):
        return [evaluate(i, whole, lang) for i in REGISTRY if i.scope != "yearly" and i.section == section]
    return rows


def scorecard_table(whole, **sections):
    """The scorecard from its sections' rows (in the registry's order of sections)."""
    return frame([r for rows in sections.values() for r in rows], whole)


def evolution_table(by: str):
    def table(dataset, options: Options, phases):
        if not dataset.projects["year"].notna().any() or (by == "phase" and not phases):
            return pd.DataFrame(columns=EVOLUTION_COLUMNS)  # no years (or phases): said in the report
        return evolution(dataset, by=by, weighting=options.weighting, group_by=options.group_by,
                         max_project_size=options.max_project_size, phases=phases)
    return table


def structure_table(by: str):
    def table(dataset, options: Options, phases):
        if not dataset.projects["year"].notna().any() or (by == "phase" and not phases):
            return pd.DataFrame(columns=STRUCTURE_COLUMNS)  # no years (or phases): said in the report
        return structure_over_time(dataset, by=by, phases=phases, weighting=options.weighting,
                                   max_project_size=options.max_project_size)
    return table


#: analyze's comparison of periods: bootstrap replicates and permutations by the data's size
#: (each replicate is a dataset: ~25 ms at 4k participations); above the last size, values and
#: differences only (`netcluster compare --boot N` computes them at any size); never more than
#: ``--permutations``.
CHANGES_REPLICATES = ((5_000, 99), (20_000, 49))


#: The change table's replicates are shared out in this many tasks of the write pool.
CHANGES_PARTS = 4


def _changes_periods(dataset, phases):
    """The two periods compared: the first two programme phases (the 2009 reorganisation on
    Korean data), or the first and second half of the years without phases; None without two."""
    years = pd.to_numeric(dataset.projects["year"], errors="coerce").dropna()
    if years.empty:
        return None
    if phases and len(phases) >= 2:
        (_, a), (_, b) = list(phases.items())[:2]
        return tuple(a), tuple(b)
    lo, hi = int(years.min()), int(years.max())
    if hi <= lo:
        return None
    mid = (lo + hi) // 2
    return (lo, mid), (mid + 1, hi)


def _changes_replicates(dataset, options: Options) -> int:
    """Bootstrap replicates and permutations of the change table (CHANGES_REPLICATES), never
    more than the permutations asked for the E-I test (--permutations)."""
    n = len(dataset.participations)
    return min(next((r for limit, r in CHANGES_REPLICATES if n <= limit), 0), options.n_permutations)


def _comparison(dataset, periods, k, lang, options: Options) -> PeriodComparison | None:
    try:
        return PeriodComparison(dataset, *periods, n_boot=k, n_permutations=k, seed=options.seed,
                                group_by=options.group_by, weighting=options.weighting, lang=lang)
    except EmptyResultError:
        return None


def change_plan(dataset, phases, lang, options: Options) -> PeriodComparison | None:
    """The draws of the change between periods when it has replicates (small inputs), made
    before the write pool starts so that both processes share them out (CHANGES_PARTS tasks);
    None otherwise — the first part then computes the table whole (observed values only)."""
    periods = _changes_periods(dataset, phases)
    k = _changes_replicates(dataset, options)
    return _comparison(dataset, periods, k, lang, options) if periods and k else None


def changes_table(dataset, phases, lang, options: Options):
    """The change between the two periods of :func:`_changes_periods`
    (:func:`netcluster.changes.compare_periods`), computed whole."""
    periods = _changes_periods(dataset, phases)
    plan = _comparison(dataset, periods, _changes_replicates(dataset, options), lang, options) if periods else None
    return plan.table([plan.replicates()]) if plan is not None else pd.DataFrame(columns=CHANGE_COLUMNS)


def changes_part(i: int):
    """Task ``i`` of CHANGES_PARTS: its share of the planned replicates, or (no plan) the whole
    table in the first part."""
    def part(dataset, phases, lang, options: Options, change_plan):
        if change_plan is not None:
            return change_plan.replicates((i, CHANGES_PARTS))
        return changes_table(dataset, phases, lang, options) if i == 0 else None
    return part


def change_part_names() -> tuple:
    return tuple(f"changes_{i + 1}" for i in range(CHANGES_PARTS))


def join_changes(change_plan, **parts):
    """The change table from its parts (:func:`changes_part`)."""
    if change_plan is None:
        return parts["changes_1"]
    return change_plan.table([parts[n] for n in change_part_names()])


def type_shares_table(by: str):
    def table(dataset, options: Options, phases):
        if not dataset.projects["year"].notna().any() or (by == "phase" and not phases):
            return pd.DataFrame(columns=TYPE_SHARE_COLUMNS)
        return type_shares_over_time(dataset, by=by, phases=phases, seed=options.seed,
                                     max_project_size=options.max_project_size)
    return table


def ris_table(dataset, projection, options: Options):
    """The regional innovation system of each group (province) and the nation."""
    return regional_innovation_system(dataset, projection, region=options.group_by)


def break_table(evolution_year, dataset, phases, options: Options):
    """Segmented trends of the cross-group tie shares around the start of the second phase
    (2009 on Korean data), or the middle year without phases."""
    if evolution_year is None or not len(evolution_year):
        return pd.DataFrame(columns=BREAK_COLUMNS)
    if phases and len(phases) >= 2:
        year = list(phases.values())[1][0]
    else:
        ys = pd.to_numeric(dataset.projects["year"], errors="coerce").dropna()
        year = int((ys.min() + ys.max()) // 2) + 1
    keys = [f"cross_{options.group_by}_tie_share" if options.group_by != "region" else "cross_region_tie_share",
            "cross_wide_region_tie_share"]
    return breaks_from_series(evolution_year, int(year), indicators=keys)


def funding_tables(dataset, options: Options, phases):
    """Similar projects across programmes, budget concentration by phase (years without
    phases) and organisations funded by several programmes (:mod:`netcluster.funding`)."""
    has_years = dataset.projects["year"].notna().any()
    conc = (budget_concentration(dataset, by="phase" if phases else "year", phases=phases) if has_years
            else pd.DataFrame(columns=CONCENTRATION_COLUMNS))
    return similar_projects(dataset), conc, repeatedly_funded(dataset)


#: File names of the firm-year outcomes table in a folder input.
OUTCOME_FILES = ("outcomes_by_year.*", "outcomes.*", "firm_outcomes.*")


def outcome_tables(dataset, options: Options):
    """The participation effect on the firm-year outcomes (:mod:`netcluster.outcomes`), when
    the input has them (``options.outcomes``, or a table named like OUTCOME_FILES in a folder
    input); empty tables otherwise."""
    empty = (pd.DataFrame(columns=OUTCOME_COLUMNS), pd.DataFrame(columns=EVENT_COLUMNS))
    source = options.outcomes
    if source is None and options.input_path is not None and Path(options.input_path).is_dir():
        found = [s for pat in OUTCOME_FILES for s in match_tables(list_tables(Path(options.input_path)), pat)]
        source = found[0] if found else None
    if source is None:
        return empty
    table = read_outcomes(source, dataset)
    try:
        return participation_effect(dataset, table)
    except EmptyResultError:
        return empty


def growth_table(dataset):
    if not dataset.projects["year"].notna().any():
        return pd.DataFrame(columns=["projects", "organisations", "participations", "ties"])
    return network_growth(dataset)


# -- the output tables ---------------------------------------------------------

def backbone_ties(network, projection, options: Options):
    """The ties' backbone p-values and membership (:func:`netcluster.backbone.backbone`)."""
    return backbone(projection, method=options.backbone, alpha=options.alpha, correction=options.correction,
                    network=network)


def output_tables(dataset, network, orgs, projection, centrality_plan, communities, ei, gould_fernandez_roles,
                  structural_holes, label_rows, backbone_table, options: Options, **parts):
    """The organisations table (attributes + every measure, columns as the specification orders
    them), the ties table, and the ties' end columns as codes into per-organisation arrays (for
    :meth:`netcluster.write.formatted.FormattedTable.of`)."""
    g = options.group_by
    cen = centrality_plan.assemble({k.removeprefix("centrality_part_"): v for k, v in parts.items()
                                    if k.startswith("centrality_part_")})
    measured = [v for k, v in parts.items() if k.startswith("measure_")]
    e = ei.organisations[["internal", "external", "external_share", "ei"]].add_prefix(f"{g}_")
    gf = [gould_fernandez_roles.drop(columns=["group"])] if gould_fernandez_roles is not None else []
    spans = None
    if "year" in dataset.projects.columns and dataset.projects["year"].notna().any():
        spans = dataset_year_spans(dataset, network, projection,
                                   excluded=projection.params.get("excluded_projects") or ())
    attributes = dataset.participating_organisations.set_index("org_id")
    extra_parts, extra = analyst_parts(attributes, options)
    org_out = organisation_table(attributes, [cen, *measured, communities, e, *gf, structural_holes]
                                 + ([spans[0]] if spans is not None else []) + extra_parts, group_by=g, extra=extra)
    ties = projection.ties()
    r, c, _, _ = projection.tie_arrays()
    name_of, group_of = at_rows(orgs["name"], label_rows), at_rows(orgs[g], label_rows)
    ties.insert(1, "source_name", name_of[r])
    ties.insert(3, "target_name", name_of[c])
    ties[f"source_{g}"] = group_of[r]
    ties[f"target_{g}"] = group_of[c]
    ties["cross_group"] = (ties[f"source_{g}"] != ties[f"target_{g}"]) & \
        ties[f"source_{g}"].notna() & ties[f"target_{g}"].notna()
    for col in backbone_table.columns:
        ties[col] = backbone_table[col].to_numpy()
    if spans is not None:
        ties["first_year"], ties["last_year"] = spans[1]["first_year"].array, spans[1]["last_year"].array
    labels = np.asarray(projection.labels, dtype=object)
    # resolved once here (before the fork): the tables per distinct label / name (quoted,
    # neutralised, escaped) are then built once per process, not once per ties piece
    coded = coded_columns({"source": (r, labels), "target": (c, labels),
                           "source_name": (r, name_of), "target_name": (c, name_of)})
    return org_out, ties, coded, cen.attrs["params"]


def analyst_parts(attributes: pd.DataFrame, options: Options) -> tuple[list, dict]:
    """The analyst's columns (``options.extra_columns``): the new columns to join (a
    DataFrame indexed by org id) and every extra column's entry
    (:func:`netcluster.write.columns.analyst_columns`)."""
    ec = options.extra_columns
    if ec is None:
        return [], {}
    if isinstance(ec, pd.DataFrame):
        clash = [c for c in ec.columns if c in attributes.columns]
        if clash:
            raise OptionError(f"extra_columns: {clash} are already columns of the organisations; rename them")
        frame = ec.copy()
        frame.index = frame.index.astype(str)
        joined = frame.reindex(attributes.index)
        names = {c: c for c in ec.columns}
        parts = [joined]
    else:
        names = dict(ec) if isinstance(ec, dict) else {c: c for c in ec}
        missing = [c for c in names if c not in attributes.columns]
        if missing:
            raise OptionError(f"extra_columns: {missing} are not columns of the organisations; they have: "
                              f"{list(attributes.columns)}")
        joined, parts = attributes, []
    names.update({k: v for k, v in (options.extra_labels or {}).items() if k in names})
    return parts, analyst_columns(joined, names)


def stability_runs(projection, communities, options: Options, stability_seeds, **others):
    seeds = stability_seeds
    if not seeds:
        return None
    known = {options.seed: communities}
    known.update({s: others[f"communities_seed_{s}"] for s in seeds[1:]})
    return stability(projection, seeds=seeds, known=known, n_iterations=communities.attrs["params"]["n_iterations"])


def openness_table(ei, ei_weighted, group_null_band, project_open, cross_region, options: Options) -> pd.DataFrame:
    op = ei.groups.join(ei_weighted.groups[["internal", "external", "ei"]].add_suffix("_weighted"))
    op = op.join(group_null_band).join(project_open[["projects", "joint_projects", "open_projects", "open_share"]])
    op = op.join(cross_region[["cross_share"]].rename(columns={"cross_share": "cross_tie_share"}))
    op.index.name = options.group_by
    return op


def parameters(dataset, projection, centrality_params, communities, stability_summary, ei_test, brokerage_notes,
               structural_holes, lang, korean, phases, backbone_table, positions, options: Options) -> dict:
    stab = stability_summary
    notes = dict(brokerage_notes)
    notes["constraint"] = structural_holes.attrs["params"].get("constraint_note", "")
    y0, y1 = options.years
    return {"netcluster": __version__,
            "input": Path(options.input_path).name if options.dataset is None else "<dataset>",
            "group_by": options.group_by, "years": [y0, y1], "weighting": options.weighting, "seed": options.seed,
            "graphml": options.graphml, "jobs": options.jobs,
            "n_permutations": int(ei_test.attrs["params"]["permutations"]),
            "max_project_size": options.max_project_size,
            "excluded_projects": projection.params["excluded_projects"],
            "centrality": centrality_params, "leiden": communities.attrs["params"],
            "stability": stab.attrs["summary"] if stab is not None else None,
            "ei_test": ei_test.attrs["params"], "brokerage": notes, "mapping": dataset.source.get("mapping"),
            "encoding": dataset.source.get("encoding"), "delimiter": dataset.source.get("delimiter"),
            "lang": lang, "korean": korean, "phases": phases, "backbone": backbone_table.attrs["params"],
            "graph_file": {"format": "GEXF 1.3", "positions": positions is not None,
                           "positions_up_to_organisations": GEXF_LAYOUT_MAX_NODES,
                           "size_by": "degree", "colour_by": options.group_by}}


# -- writing -------------------------------------------------------------------

def write_tasks(context: dict) -> list[Task]:
    """The large files, for the second core once the organisation table exists: the
    organisations table formatted once (organisations.csv, the workbook's sheet, kept in the
    process for the GEXF nodes), the GEXF nodes, ties.csv and the GEXF edges in row ranges, the
    ties sheet, network.html (its layout and page); the main process takes what is left from
    the end."""
    o = context["options"]
    tasks = [Task("organisations.csv and sheet", organisation_files, ("organisations", "ties", "lang", "options"),
                  ("organisations_sheet", "organisations_formatted"), local=("organisations_formatted",)),
             Task("GEXF nodes", lambda organisations, positions, organisations_formatted: write_gexf_nodes(
                 organisations, o.out, organisations_formatted,
                 viz=gexf_viz(organisations, positions, group_by=o.group_by)), ("organisations", "positions"),
                 ("gexf_nodes",), optional=("organisations_formatted",))]
    tasks += [Task(f"ties.csv {i + 1}/{TIES_CSV_PARTS}",
                   lambda ties, tie_codes, i=i: write_ties_csv(ties, o.out, tie_codes, part=(i, TIES_CSV_PARTS)),
                   ("ties", "tie_codes"), (f"ties_csv_{i + 1}",)) for i in range(TIES_CSV_PARTS)]
    tasks += [Task(f"GEXF edges {i + 1}/{GEXF_EDGE_PARTS}",
                   lambda ties, organisations, tie_codes, i=i: write_gexf_edges(
                       ties, o.out, organisations, tie_codes, part=(i, GEXF_EDGE_PARTS)),
                   ("ties", "organisations", "tie_codes"), (f"gexf_edges_{i + 1}",))
              for i in range(GEXF_EDGE_PARTS)]
    tasks.append(Task("ties sheet", ties_sheet, ("ties", "lang", "options"), ("ties_sheet",)))
    tasks += [Task(f"changes between periods {i + 1}/{CHANGES_PARTS}", changes_part(i),
                   ("dataset", "phases", "lang", "options", "change_plan"), (name,))
              for i, name in enumerate(change_part_names())]
    tasks.append(Task("layout and network.html", network_page,
                      ("dataset", "network", "projection", "organisations", "backbone_table", "lang", "positions",
                       "options"), ("network_page",)))
    return tasks


def write_markers() -> tuple:
    """What the file tasks of :func:`write_tasks` make (markers: the files are written)."""
    return (("gexf_nodes",) + tuple(f"ties_csv_{i + 1}" for i in range(TIES_CSV_PARTS))
            + tuple(f"gexf_edges_{i + 1}" for i in range(GEXF_EDGE_PARTS)))


def organisation_files(organisations, ties, lang, options: Options):
    """organisations.csv and the workbook's organisations sheet (compressed here, with its
    labels and formats) from the table formatted once; GraphML when asked."""
    orgs = organisations.reset_index()
    formatted = FormattedTable.of(orgs)
    # the sheet shows the organisation types as a reader names them; the CSV and GEXF keep the codes
    shown = (formatted.shown({c: show_function(c, lang) for c in SHOWN_ORGANISATION_COLUMNS if c in formatted.columns})
             if formatted else shown_values(orgs, lang, SHOWN_ORGANISATION_COLUMNS))
    spec = table_sheet(shown, lang, options.group_by, table="organisations", source=organisations)
    sheet = Deflated.of(sheet_bytes(shown, headers=spec.headers, formats=spec.formats, full="organisations.csv"))
    write_csv(formatted or orgs, options.out / "organisations.csv")
    if options.graphml:
        write_graphml(organisations, ties, options.out / "network.graphml")
    return sheet, formatted


def strongest_ties(ties: pd.DataFrame) -> pd.DataFrame:
    """The ties of the workbook's sheet: the strongest XLSX_MAX_TIES, in table order."""
    if len(ties) > XLSX_MAX_TIES:
        return ties.iloc[np.flatnonzero(ties.index.isin(ties.nlargest(XLSX_MAX_TIES, "weight", keep="first").index))]
    return ties


def ties_sheet(ties, lang, options: Options):
    """The workbook's ties sheet (XML, compressed, with its labels and formats)."""
    rows = strongest_ties(ties)
    table = FormattedTable.of(rows) or rows
    spec = table_sheet(table, lang, options.group_by, table="ties")
    return Deflated.of(sheet_bytes(table, headers=spec.headers, formats=spec.formats, full="ties.csv"))


def join_pieces(options: Options, **_markers):
    """network.gexf and ties.csv from their pieces (once every piece is written)."""
    finish_gexf(options.out, GEXF_EDGE_PARTS)
    finish_ties_csv(options.out, TIES_CSV_PARTS)


def network_page(dataset, network, projection, organisations, backbone_table, lang, positions, options: Options):
    years = dataset.projects.set_index("project_id")["year"] if "year" in dataset.projects.columns else None
    # the graph file's layout when the page draws every organisation (the same layout: not redone)
    xy = (positions.reindex(projection.labels).to_numpy(dtype=float)
          if positions is not None and projection.n_nodes <= options.max_network_nodes else None)
    html, info = network_html(projection, organisations, title=t("network_title", lang), positions=xy,
                              seed=options.seed, max_nodes=options.max_network_nodes, group_by=options.group_by,
                              lang=lang, in_backbone=backbone_table["in_backbone"].to_numpy(),
                              backbone_params=backbone_table.attrs["params"], network=network,
                              project_years=years)
    write_text(options.out / "network.html", html)
    return info


def regions_page(region_matrix, organisations, openness, korean, lang, options: Options):
    participants = organisations
    if "participant" in organisations.columns:
        participants = organisations[organisations["participant"].fillna(False).astype(bool)]
    counts = participants[options.group_by].value_counts()
    title = t("regions_title", lang, group=group_label(options.group_by, lang))
    write_text(options.out / "regions.html",
               regions_html(region_matrix, counts, title=title, lang=lang, group_by=options.group_by,
                            openness=openness, korean=None))


def report_page(analysis, network_page, changes, options: Options):
    """report.html, once the network page's rule and the change between periods are known
    (the pool's last tasks): they join the analysis the report describes."""
    analysis.network_page = network_page
    analysis.changes = changes
    write_text(options.out / "report.html", report_html(analysis, analysis.params["lang"]))


def small_tables(openness, region_matrix, scorecard, structure_year, changes, outcome_effects, dataset,
                 options: Options):
    out = options.out
    write_csv(openness.reset_index(), out / "openness.csv")
    write_csv(region_matrix, out / "region_matrix.csv")
    write_csv(scorecard, out / "scorecard.csv")
    write_csv(structure_year, out / "structure_by_year.csv")
    write_csv(changes, out / "changes.csv")
    if len(outcome_effects):
        write_csv(outcome_effects, out / "outcomes.csv")
    dataset.quality.to_json(out / "quality.json")


def _square_sheet(region_matrix: pd.DataFrame, group_by: str) -> pd.DataFrame:
    """The groups × groups ties as a sheet: the groups in its first column (named by the grouping,
    or, when a group has the grouping's own name — a region cell "region" —, by a name no group
    has; the sheet's header is the grouping's label either way)."""
    square = to_square(region_matrix)
    name = group_by
    while name in square.columns:
        name = f"({name})"
    return square.reset_index(names=name)


def workbook(analysis, organisations_sheet, ties_sheet, options: Options):
    a = analysis
    lang, g = a.params["lang"], a.params["group_by"]
    region_matrix, gatekeepers = a.region_matrix, a.gatekeepers.reset_index()
    show = group_names(g, lang)
    if show is not None:  # groups of organisation types: by their names, as the report has them
        region_matrix = region_matrix.assign(region_a=region_matrix["region_a"].map(show),
                                             region_b=region_matrix["region_b"].map(show))
        gatekeepers = gatekeepers.assign(group=gatekeepers["group"].map(show))
    sheets = {"scorecard": a.scorecard, "organisations": organisations_sheet,
              "ties": ties_sheet, "openness": a.openness.reset_index(), "region_matrix": region_matrix,
              "region_ties_square": _square_sheet(region_matrix, g),
              "evolution_year": a.evolution_year, "evolution_phase": a.evolution_phase,
              "growth": a.growth.reset_index(), "structure_by_year": a.structure_year,
              "structure_by_phase": a.structure_phase, "changes": a.changes,
              "outcomes": a.outcome_effects, "outcomes_event_study": a.outcome_events,
              "type_shares_by_year": a.type_shares_year, "type_shares_by_phase": a.type_shares_phase,
              "innovation_system": a.innovation_system.reset_index(),
              "break_around_year": a.breaks, "similar_projects": a.similar_projects, "budget_concentration": a.budget_concentration,
              "repeatedly_funded": a.repeatedly_funded,
              "gatekeepers": gatekeepers,
              "ei_permutation_test": a.ei_test, "quality_summary": a.dataset.quality.summary(),
              "conservation": a.dataset.quality.conservation().assign(
                  file=lambda d: d["file"].map(lambda f: Path(f).name))}
    for k, v in a.communities_vs_declared.items():
        sheets[f"communities_vs_{k}"] = v.reset_index()
    sheets["labels"] = sheet_labels(lang, g, a.organisations)
    if len(a.ties) > XLSX_MAX_TIES:
        sheets["note"] = pd.DataFrame({"note": [t("ties_sheet_note", lang, n=XLSX_MAX_TIES, total=len(a.ties))]})
    sheets = {k: v if isinstance(v, (bytes, Deflated)) else workbook_sheet(k, v, lang, g) for k, v in sheets.items()}
    write_xlsx(sheets, options.out / "indicators.xlsx")
