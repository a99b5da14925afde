"""The main job: read → normalise → graph → metrics → export, into one output folder.

:func:`analyze` is what ``netcluster analyze`` and ``netcluster demo`` run.  It writes only
inside ``out_dir``.  Stages report progress through an optional callback (the CLI prints
timed stage lines; library calls are quiet).
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .brokerage import gould_fernandez, regional_gatekeepers, structural_holes
from .centrality import EXACT_MAX_NODES, CentralityPlan
from .communities import compare_partitions, leiden, stability
from .dataset import load_dataset
from .exceptions import InputError, ResourceLimitError
from .export import write_csv, write_xlsx
from .graph import BipartiteNetwork
from .groups import AlignedGroups, sorted_factorize
from .linkage import cross_region_share, region_matrix, to_square
from .openness import ei_index, ei_permutation_test, project_openness
from .evolution import evolution, network_growth
from .indicators import SECTIONS, evaluate
from .scorecard import frame, rows_of_scorecard
from .slices import Slice

__all__ = ["analyze", "Analysis", "OUTPUT_FILES"]

#: Leiden stability check: 5 seeds up to this many organisations, 3 seeds above.
STABILITY_SEEDS_5_MAX_NODES = 20_000
STABILITY_MAX_NODES = 150_000
#: Permutations of the E-I test are capped at 99 above this many ties (the null is then
#: very narrow; the cap is recorded in the parameters).
PERMUTATION_CAP_TIES = 500_000

#: Seconds the main process waits for the second core's centralities before computing the
#: scorecard first (timing only; results are the same either way).  0: the scorecard starts at
#: once and the organisation files are handed over at the first step after the centralities
#: are in (the scorecard and evolution have checkpoints between their costlier figures).
WAIT_BEFORE_SCORECARD = 0.0

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
_PATH_PARTS_ORDER = ["paths", "betweenness", "closeness", "closeness_w", "betweenness_w"]

OUTPUT_FILES = ["report.html", "network.html", "regions.html", "organisations.csv", "ties.csv",
                "openness.csv", "region_matrix.csv", "scorecard.csv", "indicators.xlsx",
                "network.gexf", "quality.json"]


@dataclass
class Analysis:
    """Everything ``analyze`` computed (tables are also written to ``out_dir``)."""

    dataset: object
    network: object
    projection: object
    organisations: pd.DataFrame
    ties: pd.DataFrame
    openness: pd.DataFrame
    region_matrix: pd.DataFrame
    scorecard: pd.DataFrame
    evolution_year: pd.DataFrame
    evolution_phase: pd.DataFrame
    growth: pd.DataFrame
    ei_test: pd.DataFrame
    gatekeepers: pd.DataFrame
    params: dict
    timings: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


class _Progress:
    def __init__(self, callback):
        self.cb = callback
        self.timings = {}

    @contextlib.contextmanager
    def stage(self, name):
        self.start(name)
        yield
        self.done(name)

    def start(self, name):
        self._t0 = time.perf_counter()
        if self.cb:
            self.cb("start", name, None)

    def done(self, name):
        dt = time.perf_counter() - self._t0
        self.timings[name] = self.timings.get(name, 0.0) + dt
        if self.cb:
            self.cb("done", name, dt)

    def background(self, name, seconds):
        """A step that ran on the other core: its own duration (not added to the wall time)."""
        self.timings[name + " (in parallel)"] = seconds
        if self.cb:
            self.cb("background", name, seconds)


def _parse_years(years):
    if years is None or years == "":
        return None, None
    if isinstance(years, (tuple, list)):
        return years[0], years[1]
    s = str(years).strip()
    if "-" in s[1:]:
        a, b = s.split("-", 1) if not s.startswith("-") else ("", s[1:])
        return (int(a) if a.strip() else None), (int(b) if b.strip() else None)
    return int(s), int(s)


def analyze(input_path, out_dir, *, mapping=None, encoding=None, delimiter=None, sheet=None,
            group_by: str = "region", years=None, weighting: str = "count", seed: int = 0,
            n_permutations: int = 999, max_project_size: int | None = None, graphml: bool = False,
            max_network_nodes: int = 2000, exact_max_nodes: int = EXACT_MAX_NODES,
            betweenness_samples="auto", progress=None, dataset=None, jobs: int | None = None,
            leiden_iterations: int = -1) -> Analysis:
    """Run the whole analysis and write the outputs into ``out_dir``.

    Parameters
    ----------
    input_path : path-like
        Flat CSV/XLSX or a folder of three tables (ignored when ``dataset`` is given).
    out_dir : path-like
        Output folder (created).  Nothing is written elsewhere.
    group_by : str
        Organisation column for openness and linkage (``region``, ``wide_region``,
        ``org_type``, ``complex``, ``cluster`` or any column of the data).
    years : "A-B", (A, B) or None
        Year range of projects.
    weighting : str
        Projection weighting (binary, count, newman, jaccard, association).
    seed : int
        Seed of every randomised step (layout, Leiden, permutations, bootstrap, sampling).
    leiden_iterations : int
        Leiden iterations (:func:`netcluster.communities.leiden`): negative (default) until
        stable; 2 (igraph's default) is faster on national data, for exploratory reruns.
    jobs : int, optional
        Processes to use (default 2 on a multi-core machine that can fork, else 1): Leiden, the
        path-based and spectral centralities and the stability runs start on the second core as
        soon as the participations are read (while the main process reads the organisations and
        projects tables and computes the group indicators), then it writes the large tables and
        the graph file.  Results are identical for any value.
    """
    from ._parallel import TaskPool, default_jobs
    jobs = default_jobs() if jobs is None else int(jobs)
    P = _Progress(progress)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    y0, y1 = _parse_years(years)
    early = {}

    def graph_and_second_core(part, net=None):
        """The projection (it needs only the participations), and the second core started on
        what needs only the projection: Leiden, the path-based and spectral centralities,
        Burt's measures and the stability check's extra Leiden runs — tasks it runs in order
        while the main process goes on; the main process takes the communities when it needs
        them (or computes them itself if the second core has not started them) and, when it
        would otherwise wait, the tasks left, from the end (weighted paths last: at 10k rows
        the two exact path computations then run side by side).  Every task is
        deterministic (seeded): the same results whoever runs it."""
        with P.stage("graph and projection"):
            if net is None:
                net = BipartiteNetwork.from_edges(part["org_id"], part["project_id"])
            proj = net.project_organisations(weighting, max_project_size=max_project_size)
        # stability: 5 seeds up to STABILITY_SEEDS_5_MAX_NODES organisations, 3 up to
        # STABILITY_MAX_NODES, not run above (params say so; communities.stability runs it)
        n_seeds = 5 if proj.n_nodes <= STABILITY_SEEDS_5_MAX_NODES else 3
        stab_seeds = list(range(seed, seed + n_seeds)) if proj.n_nodes <= STABILITY_MAX_NODES else []
        plan = CentralityPlan(proj, weighted=weighting not in ("binary",), exact_max_nodes=exact_max_nodes,
                              samples=betweenness_samples, seed=seed)
        parts = dict(plan.parts())  # path measures (one part, or betweenness and closeness apart), spectral
        paths = sorted(((k, f) for k, f in parts.items() if k != "spectral"), key=lambda p: _PATH_PARTS_ORDER.index(p[0]))
        pool = TaskPool([(("leiden", seed), lambda: leiden(proj, seed=seed, n_iterations=leiden_iterations))]
                        + paths[:1]
                        + [("structural holes", lambda: structural_holes(proj)), ("spectral", parts["spectral"])]
                        + [(("leiden", s), lambda s=s: leiden(proj, seed=s, n_iterations=leiden_iterations))
                           for s in stab_seeds[1:]]
                        + paths[1:], jobs=jobs).start()
        early.update(net=net, proj=proj, plan=plan, pool=pool, stab_seeds=stab_seeds)

    try:
        if dataset is None and y0 is None and y1 is None:
            # the participations are read first; the second core starts on the projection while
            # the main process reads the organisations and projects tables
            P.start("read and normalise participations")
            ds = load_dataset(input_path, mapping=mapping, encoding=encoding, delimiter=delimiter, sheet=sheet,
                              on_participations=lambda part, net: (P.done("read and normalise participations"),
                                                                   graph_and_second_core(part, net),
                                                                   P.start("read and normalise organisations and projects")))
            P.done("read and normalise organisations and projects")
        else:
            with P.stage("read and normalise"):
                ds = dataset if dataset is not None else load_dataset(
                    input_path, mapping=mapping, encoding=encoding, delimiter=delimiter, sheet=sheet)
                if y0 is not None or y1 is not None:
                    ds = ds.filter_years(y0, y1)
                    if len(ds.participations) == 0:
                        raise InputError(f"no project in the year range {years}")
            graph_and_second_core(ds.participations)
        if group_by not in ds.organisations.columns:
            raise InputError(f"--group-by {group_by!r} is not an organisation column; available: "
                             f"{sorted(ds.organisations.columns)}")
        return _analyze(ds, early, P, out, input_path=input_path, dataset=dataset, group_by=group_by,
                        y0=y0, y1=y1, weighting=weighting, seed=seed, n_permutations=n_permutations,
                        max_project_size=max_project_size, graphml=graphml, jobs=jobs,
                        max_network_nodes=max_network_nodes)
    except BaseException:
        if "pool" in early:
            early["pool"].stop()
        raise


def _analyze(ds, early, P, out, *, input_path, dataset, group_by, y0, y1, weighting, seed, n_permutations,
             max_project_size, graphml, jobs, max_network_nodes):
    """analyze after the read: indicators, the second core's results, exports."""
    from ._parallel import Background, TaskPool
    net, proj, plan, pool, stab_seeds = (early[k] for k in ("net", "proj", "plan", "pool", "stab_seeds"))
    net.dataset = ds
    orgs = ds.organisations_by_id()
    groups = orgs[group_by]
    # the groups coded once for the projection's labels (each lookup in the population's index
    # costs ~0.5 s at 1M rows); the same codes group_codes gives each indicator
    label_rows = ds.organisation_rows(proj.labels)
    by_label = _aligned(proj, groups, label_rows)
    with P.stage("brokerage roles (Gould-Fernandez)"):
        gf_res = _group_brokerage(proj, by_label)
    with P.stage("openness"):
        ei = ei_index(proj, by_label)
        ei_w = ei_index(proj, by_label, weighted=True)
        nperm = n_permutations if proj.n_ties <= PERMUTATION_CAP_TIES else min(n_permutations, 99)
        ei_test = ei_permutation_test(proj, by_label, n_permutations=nperm, seed=seed,
                                      group_null=GROUP_NULL_PERMUTATIONS)
        group_null = _group_null(proj, by_label, ei_test)
        popen = project_openness(ds, groups)
    with P.stage("cross-region linkage"):
        rm = region_matrix(proj, groups, dataset=ds, aligned_groups=by_label)
        crs = cross_region_share(proj, by_label)
        wide = None
        aligned = {group_by: by_label}  # the groupings coded for the projection's labels
        if "wide_region" in orgs.columns and group_by != "wide_region":
            aligned["wide_region"] = _aligned(proj, orgs["wide_region"], label_rows)
            if orgs["wide_region"].notna().any():
                wide = region_matrix(proj, orgs["wide_region"], dataset=ds, aligned_groups=aligned["wide_region"])
    with P.stage("communities (from the second core, or computed here)"):
        com = pool.get(("leiden", seed))
        declared = {}
        for col in ("cluster", "complex"):
            if col in orgs.columns and orgs[col].notna().any():
                # the declared groups already at the communities' labels (no lookup of 279k
                # labels in the population's index at 1M rows)
                at_labels = pd.Series(_at_rows(orgs[col], label_rows), index=com.index, name=col)
                declared[col] = compare_partitions(com["community"], at_labels)
    handed = {}

    def hand_off(wait: bool):
        """Once the centralities are in: the organisations and ties tables, and the organisation
        files to the second core (``wait``: a timed waiting stage; else they are ready)."""
        if handed:
            return
        with (P.stage("centrality, brokerage and stability runs" if jobs < 2 else
                      "centrality, brokerage and stability runs (main's share + waiting)")
              if wait else contextlib.nullcontext()):
            done = pool.finish()  # the main process takes what the second core has not started
        if jobs >= 2:
            P.background("Leiden, centrality, brokerage and stability runs", pool.seconds)
        sh_ = done["structural holes"]
        gf_, gk_, notes = gf_res
        notes["constraint"] = sh_.attrs["params"].get("constraint_note", "")
        res = (plan.assemble(done), gf_, gk_, sh_, notes, {s: done[("leiden", s)] for s in stab_seeds[1:]})
        cen_ = res[0]
        org_out, ties, coded = _tables(ds, orgs, groups, group_by, proj, cen_, com, ei, gf_, sh_, label_rows)
        # ties.csv and the GEXF edges in parts (row ranges), and the ties sheet: each by
        # whichever process is free first (the second core after the organisation files, in
        # this order; the main process from the end, see _export).  Pieces of ~1 s at 1M
        # rows rather than two of 4-5 s: the process that finishes first waits less for the
        # other.  Parts are joined in order by _finish_ties_csv and _finish_gexf
        tie_tasks = TaskPool([(f"ties.csv {i + 1}/{TIES_CSV_PARTS}",
                               lambda i=i: _write_ties_csv(ties, out, coded, part=(i, TIES_CSV_PARTS)))
                              for i in range(TIES_CSV_PARTS)]
                             + [(f"GEXF edges {i + 1}/{GEXF_EDGE_PARTS}",
                                 lambda i=i: _write_gexf_edges_part(ties, out, org_out.columns, coded,
                                                                    part=(i, GEXF_EDGE_PARTS)))
                                for i in range(GEXF_EDGE_PARTS)]
                             + [("ties sheet", lambda: _ties_sheet(ties))], jobs=jobs)
        # the GEXF nodes likewise (the main process takes them if it is done first)
        # (the organisations table formatted by _write_large: kept per process in `formatted`,
        # so the GEXF nodes reuse it when the same process writes them)
        formatted = {}
        node_tasks = TaskPool([("GEXF nodes", lambda: _write_org_nodes(org_out, out, formatted))], jobs=jobs)
        handed.update(res=res, org_out=org_out, ties=ties, tie_tasks=tie_tasks, node_tasks=node_tasks,
                      job=Background(lambda: _write_large(org_out, ties, out, graphml, tie_tasks, node_tasks, formatted),
                                     jobs=jobs))

    def checkpoint():  # between scorecard steps: hand off as soon as the second core is done
        if jobs >= 2 and pool.ready():
            hand_off(wait=False)

    def programme_indicators(step):
        with P.stage("programme indicators and scorecard"):
            whole = Slice.whole_data(ds, weighting=weighting, group_by=group_by, seed=seed,
                                     n_permutations=n_permutations, max_project_size=max_project_size)
            whole.provide("projection", proj)
            whole.provide("communities", com)
            if group_by in orgs.columns:
                whole.provide("groups", by_label)
                whole.provide("ei", ei)
                whole.provide("ei test", ei_test)
                whole.provide("cross region", crs)
            if "wide_region" in aligned:
                whole.provide("wide groups", aligned["wide_region"])
            rows = []
            for section in SECTIONS:
                rows += [evaluate(i, whole) for i in rows_of_scorecard() if i.section == section]
                step()
            sc = frame(rows, whole)
            if ds.projects["year"].notna().any():
                ev_year = evolution(ds, by="year", weighting=weighting, group_by=group_by,
                                    max_project_size=max_project_size)
                step()
                ev_phase = evolution(ds, by="phase", weighting=weighting, group_by=group_by,
                                     max_project_size=max_project_size)
                step()
                growth = network_growth(ds)
            else:  # no years in the data: no evolution (said in the report)
                ev_year = ev_phase = pd.DataFrame(columns=["slice", "start", "end", "indicator", "value"])
                growth = pd.DataFrame(columns=["projects", "organisations", "participations", "ties"])
        return sc, ev_year, ev_phase, growth

    # the scorecard does not need the centralities: when the second core is not done yet,
    # compute it meanwhile (handing the organisation files over between its steps as
    # soon as the centralities arrive); otherwise hand them over first.  The order changes
    # only the timing, never a number (tested).
    programme = None
    if not pool.ready(timeout=WAIT_BEFORE_SCORECARD):
        programme = programme_indicators(checkpoint)
    hand_off(wait=True)
    if programme is None:
        programme = programme_indicators(lambda: None)
    sc, ev_year, ev_phase, growth = programme
    cen, gf, gk, sh, brokerage_notes, other_seeds = handed["res"]
    org_out, ties, export_job = handed["org_out"], handed["ties"], handed["job"]
    tie_tasks, node_tasks = handed["tie_tasks"], handed["node_tasks"]
    stab = stability(proj, seeds=stab_seeds, known={seed: com, **other_seeds},
                     n_iterations=com.attrs["params"]["n_iterations"]) if stab_seeds else None
    op = ei.groups.join(ei_w.groups[["internal", "external", "ei"]].add_suffix("_weighted"))
    op = op.join(group_null).join(popen[["projects", "joint_projects", "open_projects", "open_share"]])
    op = op.join(crs[["cross_share"]].rename(columns={"cross_share": "cross_tie_share"}))
    op.index.name = group_by
    params = {"netcluster": __version__, "input": Path(input_path).name if dataset is None else "<dataset>",
              "group_by": group_by, "years": [y0, y1], "weighting": weighting, "seed": seed,
              "graphml": graphml, "jobs": jobs,
              "n_permutations": int(ei_test.attrs["params"]["permutations"]),
              "max_project_size": max_project_size, "excluded_projects": proj.params["excluded_projects"],
              "centrality": cen.attrs["params"], "leiden": com.attrs["params"],
              "stability": stab.attrs["summary"] if stab is not None else None,
              "ei_test": ei_test.attrs["params"], "brokerage": brokerage_notes, "mapping": ds.source.get("mapping"),
              "encoding": ds.source.get("encoding"), "delimiter": ds.source.get("delimiter")}
    a = Analysis(ds, net, proj, org_out, ties, op, rm, sc, ev_year, ev_phase, growth, ei_test, gk, params,
                 extra={"declared": declared, "wide_matrix": wide, "cross_region": crs, "ei": ei})
    _export(a, out, P, export_job, tie_tasks, node_tasks, jobs=jobs, max_network_nodes=max_network_nodes, seed=seed)
    a.timings = P.timings
    return a


def _group_brokerage(proj, groups):
    """Gould–Fernandez roles and regional gatekeepers (with a note when a resource budget left
    them out).  Burt's measures need no groups: they run on the second core."""
    notes = {}
    try:
        gf = gould_fernandez(proj, groups)
        gk = regional_gatekeepers(proj, groups, brokerage=gf)
    except ResourceLimitError as e:
        gf, gk = None, pd.DataFrame()
        notes["gould_fernandez_skipped"] = f"Gould-Fernandez roles not computed: {e}"
    return gf, gk, notes


def _aligned(proj, series: pd.Series, label_rows: np.ndarray) -> AlignedGroups:
    """The grouping ``series`` (indexed by org_id) coded for the projection's labels, as
    :func:`netcluster.groups.group_codes` codes it, from the labels' rows."""
    return AlignedGroups(proj.labels, *sorted_factorize(_at_rows(series, label_rows)))


def _at_rows(series: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``series.to_numpy()[rows]`` as objects, None where the row is -1."""
    vals = np.asarray(series.to_numpy(dtype=object)[np.maximum(rows, 0)], dtype=object)
    vals[rows < 0] = None
    return vals


def _tables(ds, orgs, groups, group_by, proj, cen, com, ei, gf, sh, label_rows):
    """The organisations table (attributes + every measure), the ties table, and the ties'
    end columns as codes into per-organisation arrays (``{column: (codes, values)}``, for
    :meth:`netcluster._formatted.FormattedTable.of`)."""
    org_out = ds.participating_organisations.set_index("org_id")
    # provenance (file, first line) stays in the dataset and quality.json; the table is the same
    # whatever the input row order
    org_out = org_out.drop(columns=[c for c in ("participant", "file", "line") if c in org_out.columns])
    org_out = org_out.join(cen).join(com)
    org_out = org_out.join(ei.organisations[["internal", "external", "external_share", "ei"]]
                           .add_prefix(f"{group_by}_"))
    if gf is not None:
        org_out = org_out.join(gf.drop(columns=["group"]))
    org_out = org_out.join(sh)
    org_out.index.name = "org_id"
    ties = proj.ties()
    # attributes looked up once per organisation, then taken by the ties' integer ends
    r, c, _, _ = proj.tie_arrays()
    name_of, group_of = _at_rows(orgs["name"], label_rows), _at_rows(groups, label_rows)
    ties.insert(1, "source_name", name_of[r])
    ties.insert(3, "target_name", name_of[c])
    ties[f"source_{group_by}"] = group_of[r]
    ties[f"target_{group_by}"] = group_of[c]
    ties["cross_group"] = (ties[f"source_{group_by}"] != ties[f"target_{group_by}"]) & \
        ties[f"source_{group_by}"].notna() & ties[f"target_{group_by}"].notna()
    from ._formatted import coded_columns
    labels = np.asarray(proj.labels, dtype=object)
    # resolved once here (before the fork): the tables per distinct label / name (quoted,
    # neutralised, escaped) are then built once per process, not once per ties piece
    coded = coded_columns({"source": (r, labels), "target": (c, labels),
                           "source_name": (r, name_of), "target_name": (c, name_of)})
    return org_out, ties, coded


def _xlsx_ties(ties: pd.DataFrame):
    """The ties sheet of the workbook (the strongest XLSX_MAX_TIES; all are in ties.csv) and a note."""
    if len(ties) > XLSX_MAX_TIES:
        return ties.nlargest(XLSX_MAX_TIES, "weight", keep="first").sort_index(), _xlsx_ties_note(len(ties))
    return ties, None


def _xlsx_ties_note(n_ties: int) -> pd.DataFrame | None:
    """The workbook's note when its ties sheet holds only the strongest XLSX_MAX_TIES ties."""
    if n_ties > XLSX_MAX_TIES:
        return pd.DataFrame(
            {"note": [f"ties sheet: the {XLSX_MAX_TIES:,} strongest of {n_ties:,} ties; all ties are in ties.csv"]})
    return None


def _write_large(org_out, ties, out: Path, graphml: bool, tie_tasks, node_tasks, formatted=None) -> dict:
    """The large outputs that need the centralities, on the second core: the XML of the
    organisations sheet of the workbook (compressed, returned) and organisations.csv, from
    the organisations table formatted to text once
    (:class:`netcluster._formatted.FormattedTable`); then the GEXF nodes (``node_tasks``)
    and the ties outputs (``tie_tasks``) that the main process has not taken (TaskPools;
    their results under ``"nodes"`` and ``"ties"``).  ``formatted`` (a dict of this process)
    receives the formatted organisations table for the GEXF nodes."""
    from ._formatted import FormattedTable
    from ._xlsx import Deflated
    from .export import sheet_bytes
    orgs = org_out.reset_index()
    org_tab = FormattedTable.of(orgs)
    if formatted is not None and org_tab is not None:
        formatted["organisations"] = org_tab
    res = {"organisations": Deflated.of(sheet_bytes(org_tab or orgs))}  # compressed here, not in main
    write_csv(org_tab or orgs, out / "organisations.csv")
    if graphml:
        _write_graphml(org_out, ties, out / "network.graphml")
    res["nodes"] = node_tasks.run()
    res["ties"] = tie_tasks.run()
    return res


def _write_org_nodes(org_out, out: Path, formatted=None) -> None:
    """network.gexf up to its edges: header and nodes (the edges: _write_gexf_edges_part,
    then _finish_gexf).  Takes the graph columns of the organisations table formatted in this
    process (``formatted``, by :func:`_write_large`) or formats only them (the same text)."""
    from ._formatted import FormattedTable
    cols = ["org_id"] + _graph_columns(org_out)
    if formatted and "organisations" in formatted:
        nodes = formatted["organisations"].select(cols)
    else:
        nodes = FormattedTable.as_text(org_out.reset_index()[cols])
    _write_gexf_nodes(nodes, out / "network.gexf")


def _finish_gexf(out: Path, parts: int | None = None) -> None:
    """Append the edges (:func:`_write_gexf_edges_part`, part files 1..parts; default
    GEXF_EDGE_PARTS) and the closing tags to network.gexf."""
    _append_parts(out / "network.gexf", (GEXF_EDGE_PARTS if parts is None else parts) + 1, _GEXF_END)


def _part_rows(n: int, part) -> tuple[int, int]:
    """Rows ``a:b`` of part ``(i, k)`` (the i-th of k near-equal row ranges; None: all)."""
    if part is None:
        return 0, n
    i, k = part
    return n * i // k, n * (i + 1) // k


def _part_file(path: Path, i: int) -> Path:
    """Where part ``i`` > 0 of ``path`` is written before :func:`_append_parts` joins it."""
    return path.with_name(f"{path.name}.part{i}")


def _append_parts(path: Path, k: int, end: str = "") -> None:
    """Append parts 1..k-1 (:func:`_part_file`) to ``path`` in order, then ``end``."""
    import shutil
    with open(path, "ab") as f:
        for i in range(1, k):
            part = _part_file(path, i)
            with open(part, "rb") as e:
                shutil.copyfileobj(e, f, 1 << 22)
            part.unlink()
        f.write(end.encode())


def _coded_rows(coded, a: int, b: int):
    """Rows ``a:b`` of the end columns' codes (``coded`` of :func:`_tables`), sharing their
    per-text tables."""
    from ._formatted import coded_columns
    return {k: col.take(slice(a, b)) for k, col in coded_columns(coded).items()} if coded else None


def _ties_rows(ties, coded, a: int, b: int):
    """Rows ``a:b`` of the ties table, formatted (:class:`netcluster._formatted.FormattedTable`,
    from the end columns' codes ``coded`` of :func:`_tables`) or, when a column is of a kind
    it does not format, as the DataFrame (pandas writes it)."""
    from ._formatted import FormattedTable
    part = ties.iloc[a:b]
    return FormattedTable.of(part, _coded_rows(coded, a, b)) or part


def _write_ties_csv(ties, out: Path, coded=None, part=None) -> None:
    """ties.csv (formatted once; ``coded``: the end columns' codes from :func:`_tables`).
    ``part=(i, k)``: the i-th of k row ranges — the first into ties.csv with the header, the
    others without header into part files that :func:`_finish_ties_csv` appends (the parts
    may be written by different processes, in any order); ``None``: the whole file.  Every
    cell's text depends on that cell only, so the parts joined are the whole file's bytes
    (tested)."""
    from ._formatted import FormattedTable
    from .export import safe_frame
    a, b = _part_rows(len(ties), part)
    rows = _ties_rows(ties, coded, a, b)
    if part is None or part[0] == 0:
        write_csv(rows, out / "ties.csv")
        return
    with open(_part_file(out / "ties.csv", part[0]), "w", encoding="utf-8", newline="") as f:  # no BOM
        if isinstance(rows, FormattedTable):
            chunks = rows.csv_chunks()
            next(chunks)  # the header is the first part's
            for chunk in chunks:
                f.write(chunk)
        elif len(rows):
            safe_frame(rows).to_csv(f, header=False, index=False, lineterminator="\r\n")


def _finish_ties_csv(out: Path, parts: int | None = None) -> None:
    """Append the other parts' rows (:func:`_write_ties_csv`; default TIES_CSV_PARTS) to
    ties.csv."""
    _append_parts(out / "ties.csv", TIES_CSV_PARTS if parts is None else parts)


def _write_gexf_edges_part(ties, out: Path, org_columns, coded=None, part=None) -> None:
    """The edges of the GEXF (``part=(i, k)``: the i-th of k row ranges; edge ids are the
    rows'), into the files that :func:`_finish_gexf` appends.  ``org_columns``: the
    organisations table's columns (they number the GEXF attributes)."""
    from ._formatted import FormattedTable
    a, b = _part_rows(len(ties), part)
    cols = ["source", "target", "weight", "shared_projects"]
    edges = FormattedTable.as_text(ties.iloc[a:b][cols], _coded_rows(coded, a, b))
    path = _part_file(out / "network.gexf", (part[0] if part else 0) + 1)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        _write_gexf_edges(edges, f, _gexf_edge_attribute(["org_id"] + _graph_columns(org_columns)), first_id=a)


def _ties_sheet(ties):
    """The workbook's ties sheet: the strongest XLSX_MAX_TIES ties in table order (XML,
    compressed, returned)."""
    from ._formatted import FormattedTable
    from ._xlsx import Deflated
    from .export import sheet_bytes
    rows = ties.iloc[np.flatnonzero(ties.index.isin(_xlsx_ties(ties)[0].index))]  # in table order
    return Deflated.of(sheet_bytes(FormattedTable.of(rows) or rows))


def _add_yearly(ev: pd.DataFrame, ds) -> pd.DataFrame:
    """Add the indicators that are yearly by construction (computed once on the whole data)."""
    from .openness import newcomers
    from .programme import specialised_share
    rows = []
    nc_ = ds.cached("newcomers", newcomers)
    for y, v in nc_["newcomer_share"].items():
        rows.append({"slice": str(y), "start": y, "end": y, "indicator": "newcomer_share", "value": v})
    if {"specialised", "complex", "sector"} <= set(ds.organisations.columns):
        sp = ds.cached("specialised_share", specialised_share)
        for y, v in sp.loc[sp["complex"] == "(all)", ["year", "share"]].itertuples(index=False):
            rows.append({"slice": str(int(y)), "start": int(y), "end": int(y), "indicator": "specialised_share",
                         "value": v})
    extra = pd.DataFrame(rows, columns=ev.columns)
    extra = extra[extra["slice"].isin(set(ev["slice"]))]
    return pd.concat([ev, extra], ignore_index=True) if len(extra) else ev


def _group_null(proj, groups, ei_test) -> pd.DataFrame:
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
    return pd.DataFrame({"ei_null_mean": np.nanmean(sims, axis=0) if k else np.nan,
                         "ei_null_q025": np.nanquantile(sims, 0.025, axis=0) if k else np.nan,
                         "ei_null_q975": np.nanquantile(sims, 0.975, axis=0) if k else np.nan},
                        index=pd.Index(uniq, name="group"))


def _export(a: Analysis, out: Path, P, export_job, tie_tasks, node_tasks, *, jobs, max_network_nodes, seed):
    from .html import network_html, regions_html, write_text
    from .report import report_html
    files = {}
    # first what only the main process writes (the pages, the small tables, quality.json),
    # then the ties outputs the second core has not taken (it takes them in order after the
    # organisation files; the main process from the end), then the workbook, which needs both
    with P.stage("layout and network.html"):
        nodes = a.organisations
        html, info = network_html(a.projection, nodes, title="netcluster — organisation network",
                                  seed=seed, max_nodes=max_network_nodes)
        files["network.html"] = write_text(out / "network.html", html)
        a.extra["network_info"] = info
        counts = a.organisations[a.params["group_by"]].value_counts()
        files["regions.html"] = write_text(out / "regions.html", regions_html(
            a.region_matrix, counts, title=f"netcluster — {a.params['group_by']} network"))
    with P.stage("report.html"):
        files["report.html"] = write_text(out / "report.html", report_html(a))
    with P.stage("export: small tables and quality.json"):
        files["openness.csv"] = write_csv(a.openness.reset_index(), out / "openness.csv")
        files["region_matrix.csv"] = write_csv(a.region_matrix, out / "region_matrix.csv")
        files["scorecard.csv"] = write_csv(a.scorecard, out / "scorecard.csv")
        a.dataset.quality.to_json(out / "quality.json")
        files["quality.json"] = out / "quality.json"
    with P.stage("export: ties.csv, GEXF edges, ties sheet (main's share)"):
        tie_done = tie_tasks.run(reverse=True)
    with P.stage("export: graph and workbook" if jobs < 2 else "export: workbook (+ waiting for the second core)"):
        note = _xlsx_ties_note(len(a.ties))  # (the sheet itself: _ties_sheet)
        node_tasks.run(reverse=True)  # the GEXF nodes, when the second core has not started them
        large = export_job.result()
        tie_done.update(large.get("ties", {}))
        ties_xml = tie_done["ties sheet"]
        _finish_gexf(out)
        _finish_ties_csv(out)
        files["organisations.csv"] = out / "organisations.csv"
        files["ties.csv"] = out / "ties.csv"
        files["network.gexf"] = out / "network.gexf"
        if a.params["graphml"]:
            files["network.graphml"] = out / "network.graphml"
        sheets = {"scorecard": a.scorecard, "organisations": large["organisations"],
                  "ties": ties_xml, "openness": a.openness.reset_index(), "region_matrix": a.region_matrix,
                  "region_ties_square": to_square(a.region_matrix).reset_index(names="region"),
                  "evolution_year": a.evolution_year, "evolution_phase": a.evolution_phase,
                  "growth": a.growth.reset_index(), "gatekeepers": a.gatekeepers.reset_index(),
                  "ei_permutation_test": a.ei_test, "quality_summary": a.dataset.quality.summary(),
                  "conservation": a.dataset.quality.conservation().assign(
                      file=lambda d: d["file"].map(lambda f: Path(f).name))}
        for k, v in a.extra["declared"].items():
            sheets[f"communities_vs_{k}"] = v.reset_index()
        if note is not None:
            sheets["note"] = note
        files["indicators.xlsx"] = write_xlsx(sheets, out / "indicators.xlsx")
    if jobs >= 2:
        theirs = large.get("ties", {})
        P.background("export: organisations.csv, organisations sheet"
                     + (", GEXF nodes" if "GEXF nodes" in large.get("nodes", {}) else "")
                     + "".join(", " + name for name in theirs), export_job.seconds)
    a.files = {k: str(v) for k, v in sorted(files.items())}


def _graph_columns(organisations) -> list[str]:
    """The organisation columns written to the graph files (``organisations``: a table or its
    columns)."""
    have = set(getattr(organisations, "columns", organisations))
    return [c for c in ("name", "org_type", "region", "wide_region", "complex", "cluster", "community",
                        "n_projects", "degree", "strength", "betweenness", "closeness", "eigenvector",
                        "pagerank", "gatekeeper", "constraint") if c in have]


def _write_graphml(organisations: pd.DataFrame, ties: pd.DataFrame, path: Path) -> Path:
    """GraphML through networkx (on request; a Python object per tie, so not for huge graphs)."""
    keep_cols = _graph_columns(organisations)
    import networkx as nx
    g = nx.Graph()
    for lab, rec in zip(organisations.index, organisations[keep_cols].to_dict(orient="records")):
        attrs = {}
        for k, v in rec.items():
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                continue
            attrs[k] = v.item() if hasattr(v, "item") else (v if isinstance(v, (int, float, bool)) else str(v))
        g.add_node(str(lab), **attrs)
    for s, t, w, c in zip(ties["source"], ties["target"], ties["weight"], ties["shared_projects"]):
        g.add_edge(str(s), str(t), weight=float(w), shared_projects=int(c))
    nx.write_graphml(g, path, encoding="utf-8")
    return path


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_PLAIN = re.compile("[^&<>\"'\x00-\x1f\ufffe\uffff]*")  # nothing to escape or drop


def _write_gexf(nodes, ties, path: Path) -> None:
    """GEXF 1.2 written directly from formatted tables (no per-edge Python objects): node
    attributes (``nodes``: ``org_id``, ``name`` and attribute columns) and edge weights
    (``ties``: ``source``, ``target``, ``weight``, ``shared_projects``).  Opens in Gephi and
    in networkx.read_gexf; no date inside, so the bytes are reproducible."""
    _write_gexf_nodes(nodes, path)
    with open(path, "a", encoding="utf-8", newline="\n") as f:
        _write_gexf_edges(ties, f, _gexf_edge_attribute(nodes.columns))
        f.write(_GEXF_END)


_GEXF_END = "    </edges>\n  </graph>\n</gexf>\n"


def _gexf_edge_attribute(node_columns) -> int:
    """Id of the edge attribute ``shared_projects`` (numbered after the node attributes)."""
    return len([c for c in node_columns if c not in ("org_id", "name")])


def _gexf_esc(u):
    from xml.sax.saxutils import quoteattr
    if _XML_PLAIN.fullmatch(u):
        return '"' + u + '"'
    return quoteattr(_XML_INVALID.sub("", u))


def _gexf_escaped(col):
    """Each row's value as an escaped XML attribute ('""' when missing)."""
    if col.kind == "text":
        plain = _XML_PLAIN.fullmatch  # most ids and names: nothing to escape (no call per value)
        return col.cached("gexf", lambda: np.array(['"' + u + '"' if plain(u) else _gexf_esc(u) for u in col.uniques]
                                                   + ['""'], dtype=object))[col.codes]
    return np.array(['""' if t is None else _gexf_esc(t) for t in col.text.tolist()], dtype=object)


def _write_gexf_nodes(nodes, path: Path) -> None:
    """The GEXF header and nodes, through the opening ``<edges>`` (see :func:`_write_gexf`)."""
    from xml.sax.saxutils import quoteattr
    from ._formatted import ROW_CHUNK, join_rows
    esc, escaped = _gexf_esc, _gexf_escaped
    gexf_type = {"int": "long", "float": "double", "bool": "boolean", "text": "string"}
    attr_cols = [c for c in nodes.columns if c not in ("org_id", "name")]
    out = ["<?xml version='1.0' encoding='utf-8'?>",
           '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">',
           "  <meta><creator>netcluster</creator></meta>",
           '  <graph defaultedgetype="undirected" mode="static">',
           '    <attributes mode="static" class="node">']
    for i, c in enumerate(attr_cols):
        out.append(f'      <attribute id="{i}" title={quoteattr(c)} type="{gexf_type[nodes.column(c).kind]}" />')
    out += ["    </attributes>", '    <attributes mode="static" class="edge">',
            f'      <attribute id="{len(attr_cols)}" title="shared_projects" type="long" />',
            "    </attributes>", "    <nodes>"]
    # node attributes column by column: numbers as formatted once, each distinct text escaped
    # once; rows joined in chunks (no per-node string building)
    n = nodes.n_rows
    pieces = []
    for i, c in enumerate(attr_cols):
        col, head = nodes.column(c), f'<attvalue for="{i}" value='
        piece = np.full(n, "", dtype=object)
        if col.kind == "text":
            ok = col.codes >= 0
            piece[ok] = np.array([head + esc(u) + " />" for u in col.uniques], dtype=object)[col.codes[ok]]
        elif col.kind == "bool":
            piece[:] = np.where(col.values, head + '"true" />', head + '"false" />')
        else:
            ok = np.array([t is not None for t in col.text.tolist()], dtype=bool)
            piece[ok] = head + '"' + col.text[ok] + '" />'
        pieces.append(piece)

    id_text = escaped(nodes.column("org_id"))
    label = id_text
    if "name" in nodes.columns and nodes.column("name").kind == "text":
        nm = nodes.column("name")
        named = np.array([bool(u) for u in nm.uniques] + [False], dtype=bool)[nm.codes]
        label = np.where(named, escaped(nm), id_text)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")
        for a in range(0, n, ROW_CHUNK):
            b = min(a + ROW_CHUNK, n)
            m = b - a
            f.write("".join(join_rows(["      <node id=", id_text[a:b], " label=", label[a:b], "><attvalues>"]
                                      + [p[a:b] for p in pieces] + ["</attvalues></node>\n"], m)))
        f.write("    </nodes>\n    <edges>\n")


def _write_gexf_edges(ties, f, k: int, first_id: int = 0) -> None:
    """The GEXF edge lines (``ties``: formatted ``source``, ``target``, ``weight``,
    ``shared_projects``) written to the open text file ``f``; ``k`` is the id of the edge
    attribute; edge ids count from ``first_id``."""
    from ._formatted import ROW_CHUNK, join_rows
    escaped = _gexf_escaped
    if ties.n_rows:
        es, et = escaped(ties.column("source")), escaped(ties.column("target"))
        wt, sh = ties.column("weight").text, ties.column("shared_projects").text
        for a in range(0, ties.n_rows, ROW_CHUNK):  # edges in chunks: bounded memory
            b = min(a + ROW_CHUNK, ties.n_rows)
            m = b - a
            ids = np.empty(m, dtype=object)
            ids[:] = list(map(str, range(first_id + a, first_id + b)))
            f.write("".join(join_rows(["      <edge source=", es[a:b], " target=", et[a:b], ' id="', ids,
                                       '" weight="', wt[a:b], f'"><attvalues><attvalue for="{k}" value="',
                                       sh[a:b], '" /></attvalues></edge>\n'], m)))
