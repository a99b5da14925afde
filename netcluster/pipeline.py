"""The main job: read → normalise → graph → metrics → write, into one output folder.

:func:`analyze` is what ``netcluster analyze`` and ``netcluster demo`` run.  It arranges the
steps of :mod:`netcluster.run.steps` into a plan — each step a function with named inputs and
outputs — that :class:`netcluster.run.plan.Runner` executes in one or two processes.  It
writes only inside ``out_dir``; progress goes to an optional callback (the CLI prints timed
stage lines; library calls are quiet).
"""

from __future__ import annotations


from dataclasses import replace

from . import __version__
from .analysis import Analysis
from .centrality import EXACT_MAX_NODES
from .indicators import SECTIONS
from .run import steps as S
from .run.plan import Pool, Runner, Step
from .run.pool import default_jobs
from .slices import parse_phases, parse_years
from .write.folder import OutputFolder

__all__ = ["analyze", "Analysis", "OUTPUT_FILES"]

OUTPUT_FILES = ["report.html", "network.html", "regions.html", "organisations.csv", "ties.csv",
                "openness.csv", "region_matrix.csv", "scorecard.csv", "structure_by_year.csv", "changes.csv",
                "outcomes.csv",  # (only with firm-year outcomes: the bundled sample has them)
                "indicators.xlsx",
                "network.gexf", "quality.json", "manifest.json"]


def analyze(input_path, out_dir, *, mapping=None, encoding=None, delimiter=None, sheet=None,
            group_by: str = "region", years=None, weighting: str = "count", seed: int = 0,
            n_permutations: int = 999, max_project_size: int | None = None, graphml: bool = False,
            max_network_nodes: int = 2000, exact_max_nodes: int = EXACT_MAX_NODES,
            betweenness_samples="auto", progress=None, dataset=None, jobs: int | None = None,
            leiden_iterations: int | None = None, lang: str | None = None, phases=None, overwrite: bool = False,
            backbone: str = "sdsm",
            alpha: float = 0.05, correction: str = "fdr", extra_columns=None, extra_labels: dict | None = None,
            outcomes=None) -> Analysis:
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
    leiden_iterations : int, optional
        Leiden iterations (:func:`netcluster.communities.leiden`): negative until stable, 2 is
        igraph's default. None (default): until stable, but 10 on networks of more than 300,000
        ties with a mean degree above 20 (the modularity then differs in the fourth decimal;
        the count used is in the report).
    progress : callable, optional
        ``progress(event, name, seconds)``, called as the work goes on: ``"start"`` and
        ``"done"`` of each stage (``seconds``: the stage's time), ``"background"`` when a group
        of tasks has finished on the second core (its seconds there) and, if the callback has an
        attribute ``steps = True``, ``"step"`` for each step within the current stage
        (``seconds`` None).  The stages are listed in
        :data:`netcluster.progress.STAGES`; :class:`netcluster.progress.ProgressDisplay` is the
        CLI's (a bar in a terminal, plain lines otherwise).
    dataset : ClusterDataset, optional
        Analyse this dataset instead of reading ``input_path``.
    lang : {"ko", "en"}, optional
        Language of the pages and labels; default Korean when the regions are Korean provinces,
        English otherwise.
    overwrite : bool
        Replace the outputs of an earlier run in ``out_dir`` (default: a folder that is not
        empty is an error); files of the earlier run this run does not write are removed.
    phases : dict or str, optional
        Programme phases ``{name: (first_year, last_year or None)}`` or ``"2005-2008,2009-2013,2014-"``;
        default the Korean programme's on Korean data, none on other data.
    backbone, alpha, correction : str, float, str
        The ties' backbone (:mod:`netcluster.backbone`): ``sdsm`` (default), ``disparity`` or
        ``none``; its significance level and multiple-testing correction (``holm``, ``fdr``,
        ``none``).  ties.csv has every tie with ``disparity_p``, ``sdsm_p`` and ``in_backbone``;
        the network page shows the backbone first when there are more than 5,000 ties.
    extra_columns : DataFrame, list or dict, optional
        The analyst's own organisation columns, to carry into every output like netcluster's
        measures (organisations.csv, the workbook, GEXF/GraphML, the report's table, the
        network page's tooltip, size, colour and filter menus): a DataFrame indexed by org id
        (new columns, joined), or names of columns already on the dataset's organisations
        (a list, or ``{name: label}``).  Numbers become size measures; categories of up to 20
        values colours and filters (:func:`netcluster.write.columns.analyst_columns`).
    outcomes : path-like or DataFrame, optional
        Firm-year outcomes (``org_id, year, indicator, value``: patents, employees, sales …)
        for the difference-in-differences of :mod:`netcluster.outcomes` (``outcomes.csv``);
        default: a table named ``outcomes_by_year`` (or ``outcomes``) in a folder input.
    extra_labels : dict, optional
        ``{name: label}`` (a str, or ``{"ko": …, "en": …}``) for the extra columns; default the
        column names.
    jobs : int, optional
        Processes to use (default 2 on a multi-core machine that can fork, else 1): Leiden, the
        path-based and spectral centralities and the stability runs start on the second core as
        soon as the participations are read, and it later writes the large tables and the graph
        file.  Results are identical for any value.

    Examples
    --------
    >>> import tempfile, netcluster as nc
    >>> with tempfile.TemporaryDirectory() as out:
    ...     a = nc.analyze(nc.datasets.get_path("korea_cluster_tables"), out, n_permutations=19, jobs=1)
    >>> sorted(a.files) == sorted(nc.pipeline.OUTPUT_FILES)
    True
    """
    jobs = default_jobs() if jobs is None else int(jobs)
    years = parse_years(years)
    phases = parse_phases(phases)
    with OutputFolder(out_dir, overwrite=overwrite) as folder:  # files appear only when all are written
        options = S.Options(input_path=input_path, out=folder.work, mapping=mapping, encoding=encoding,
                            delimiter=delimiter, sheet=sheet, group_by=group_by, years=years, weighting=weighting,
                            seed=seed, n_permutations=n_permutations, max_project_size=max_project_size,
                            graphml=graphml, max_network_nodes=max_network_nodes, exact_max_nodes=exact_max_nodes,
                            betweenness_samples=betweenness_samples, leiden_iterations=leiden_iterations,
                            jobs=jobs, dataset=dataset, lang=lang, phases=phases, backbone=backbone,
                            alpha=alpha, correction=correction, extra_columns=extra_columns,
                            extra_labels=extra_labels, outcomes=outcomes)
        runner = Runner(jobs=jobs, progress=progress)
        try:
            ctx = runner.run(_read_plan(options), {"options": options})
            group_by = S.resolve_group_by(ctx["dataset"], options)  # a header or a label names a column
            if group_by != options.group_by:
                ctx["options"] = options = replace(options, group_by=group_by)
            ctx = runner.run(_analysis_plan(ctx))
            runner.finish()
        except BaseException:
            runner.stop()
            raise
        a = ctx["analysis"]
        folder.write_manifest(_manifest_info(a, input_path))
        a.files = {p.name: str(p) for p in folder.commit()}
    a.timings = runner.timings
    return a


def _manifest_info(a, input_path) -> dict:
    """What manifest.json says besides the files: the version, the input and the parameters
    (no clock time: the same input and seed give the same bytes)."""
    keep = ("group_by", "years", "weighting", "seed", "n_permutations", "max_project_size", "graphml", "lang",
            "korean", "phases", "backbone", "mapping", "encoding", "delimiter")
    params = {k: v for k, v in a.params.items() if k in keep}
    return {"netcluster": __version__, "input": a.params.get("input"), "parameters": params}


def _read_plan(o) -> list:
    """Read and project; the second core starts on the projection before the organisations and
    projects tables are read (when the dataset is read at once: after it)."""
    if o.dataset is None and o.years == (None, None):
        read = [Step("read participations", S.read_participations, ("options",), ("reader", "network"),
                     stage="read and normalise participations")]
        rest = [Step("read organisations and projects", S.read_rest, ("reader",), ("dataset",),
                     stage="read and normalise organisations and projects")]
    else:
        read = [Step("read", S.read_whole, ("options",), ("dataset", "network"), stage="read and normalise")]
        rest = []
    return (read
            + [Step("projection", S.project, ("network", "options"), ("projection", "centrality_plan",
                                                                      "stability_seeds"),
                    stage="graph and projection"),
               Pool("communities, centrality and brokerage", S.compute_tasks)]
            + rest)


def _analysis_plan(ctx) -> list:
    """Everything after the read, given the projection's plan of centrality parts."""
    measured = S.measure_outputs(ctx["centrality_plan"])
    seeds = S.stability_outputs(ctx["stability_seeds"])
    sections = [f"scorecard_{k}" for k in SECTIONS]
    programme = "programme indicators and scorecard"
    aligned = ("projection", "aligned", "dataset", "orgs", "options")
    return [
        Step("check grouping", S.check_group_by, ("dataset", "options"), stage="brokerage roles (Gould-Fernandez)"),
        Step("groups", S.align, ("dataset", "projection", "options"), ("orgs", "label_rows", "aligned"),
             stage="brokerage roles (Gould-Fernandez)"),
        Step("brokerage roles (Gould-Fernandez)", S.group_brokerage, ("projection", "aligned", "options"),
             ("gould_fernandez_roles", "gatekeepers", "brokerage_notes")),
        Step("openness", S.openness_figures, aligned,
             ("ei", "ei_weighted", "ei_test", "group_null_band", "project_open")),
        Step("cross-region linkage", S.linkage_figures, aligned,
             ("region_matrix", "cross_region", "wide_region_matrix")),
        Step("backbone", S.backbone_ties, ("network", "projection", "options"), ("backbone_table",),
             stage="cross-region linkage"),
        Step("communities", S.declared_groups,
             ("communities", "orgs", "label_rows"), ("communities_vs_declared",)),
        Step("language", S.language, ("dataset", "options"), ("lang", "korean", "phases"), stage=programme),
        # before the write pool forks (small inputs: the replicates are shared out between the processes)
        Step("changes between periods: draws", S.change_plan, ("dataset", "phases", "lang", "options"),
             ("change_plan",), stage=programme),
        Step("whole-data slice", S.whole_slice, ("dataset", "projection", "communities", "aligned", "ei", "ei_test",
                                                 "cross_region", "options"), ("whole",), stage=programme),
        *[Step(f"scorecard: {k.removeprefix('scorecard_')}", S.scorecard_section(k.removeprefix("scorecard_")),
               ("whole", "lang"), (k,), stage=programme)
          for k in sections],
        Step("scorecard", S.scorecard_table, ("whole", *sections), ("scorecard",), stage=programme),
        Step("evolution by year", S.evolution_table("year"), ("dataset", "options", "phases"), ("evolution_year",),
             stage=programme),
        Step("evolution by phase", S.evolution_table("phase"), ("dataset", "options", "phases"), ("evolution_phase",),
             stage=programme),
        Step("network growth", S.growth_table, ("dataset",), ("growth",), stage=programme),
        Step("structure by year", S.structure_table("year"), ("dataset", "options", "phases"), ("structure_year",),
             stage=programme),
        Step("structure by phase", S.structure_table("phase"), ("dataset", "options", "phases"),
             ("structure_phase",), stage=programme),
        Step("outcomes against a matched comparison", S.outcome_tables, ("dataset", "options"),
             ("outcome_effects", "outcome_events"), stage=programme),
        Step("who runs the network, by year", S.type_shares_table("year"), ("dataset", "options", "phases"),
             ("type_shares_year",), stage=programme),
        Step("who runs the network, by phase", S.type_shares_table("phase"), ("dataset", "options", "phases"),
             ("type_shares_phase",), stage=programme),
        Step("regional innovation systems", S.ris_table, ("dataset", "projection", "options"),
             ("innovation_system",), stage=programme),
        Step("trend break", S.break_table, ("evolution_year", "dataset", "phases", "options"), ("breaks",),
             stage=programme),
        Step("duplication and concentration of funding", S.funding_tables, ("dataset", "options", "phases"),
             ("similar_projects", "budget_concentration", "repeatedly_funded"), stage=programme),
        # as soon as the second core's measures are in: the output tables, and the second core
        # starts writing the large files
        Step("organisation and tie tables", S.output_tables,
             ("dataset", "network", "orgs", "projection", "centrality_plan", "communities", "ei",
              "gould_fernandez_roles",
              "label_rows", "backbone_table", "options", *measured),
             ("organisations", "ties", "tie_codes", "centrality_params"),
             stage="centrality and brokerage (with the second core)", eager=True),
        Pool("organisations.csv, GEXF and ties.csv", S.write_tasks, ("organisations", "ties", "tie_codes", "lang", "positions",
                                                                          "backbone_table", "phases", "change_plan"),
             eager=True),
        # what needs no stability run first (on large dense networks the second core is still
        # on the last one when the organisations table is in)
        Step("openness table", S.openness_table, ("ei", "ei_weighted", "group_null_band", "project_open",
                                                  "cross_region", "options"), ("openness",), stage="tables"),
        Step("regions.html", S.regions_page, ("region_matrix", "organisations", "openness", "korean", "lang",
                                               "options")),
        Step("changes between periods", S.join_changes, ("change_plan", *S.change_part_names()), ("changes",),
             stage="layout, network.html, report.html"),
        Step("stability", S.stability_runs, ("projection", "communities", "options", "stability_seeds", *seeds),
             ("stability_summary",), stage="communities: stability"),
        Step("parameters", S.parameters, ("dataset", "projection", "centrality_params", "communities",
                                          "stability_summary", "ei_test", "brokerage_notes", "structural_holes",
                                          "lang", "korean", "phases", "backbone_table", "positions", "options"),
             ("params",),
             stage="tables"),
        Step("analysis", Analysis, ("dataset", "network", "projection", "organisations", "ties", "openness",
                                    "region_matrix", "scorecard", "evolution_year", "evolution_phase", "growth",
                                    "ei_test", "gatekeepers", "ei", "cross_region", "wide_region_matrix",
                                    "communities_vs_declared", "params", "structure_year", "structure_phase",
                                    "outcome_effects", "outcome_events", "type_shares_year", "type_shares_phase",
                                    "innovation_system", "similar_projects", "budget_concentration",
                                    "repeatedly_funded", "breaks"),
             ("analysis",), stage="tables"),
        # network.html is the write pool's last task: the main process draws it here unless the
        # second core has already
        Step("report.html", S.report_page, ("analysis", "network_page", "changes", "options"),
             stage="layout, network.html, report.html"),
        Step("export: small tables and quality.json", S.small_tables,
             ("openness", "region_matrix", "scorecard", "structure_year", "changes", "outcome_effects", "dataset",
             "options")),
        Step("export: join the pieces of ties.csv and network.gexf", S.join_pieces, ("options", *S.write_markers()),
             stage="export: ties.csv, GEXF edges, ties sheet"),
        Step("export: workbook", S.workbook, ("analysis", "organisations_sheet", "ties_sheet", "options"),
             stage="export: workbook"),
    ]
