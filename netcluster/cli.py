"""The ``netcluster`` command line: one entry point, one function per subcommand.

The CLI only orchestrates library calls; every number comes from the library.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from . import __version__
from .dataset import load_dataset
from .datasets import get_path
from .exceptions import NetclusterError
from .generate import write_sample
from .changes import compare_periods
from .pipeline import analyze
from .slices import parse_years
from .progress import ProgressDisplay
from .write.tables import write_csv, write_quality

__all__ = ["main"]


def _add_read_options(p):
    p.add_argument("input", help="CSV/XLSX file (one row per participation) or folder with "
                                 "participations/organisations/projects tables")
    p.add_argument("--mapping", help="TOML mapping file (columns, values, read options)")
    p.add_argument("--encoding", help="override encoding detection (utf-8, utf-8-sig, cp949)")
    p.add_argument("--delimiter", help="override delimiter detection (',', ';', 'tab')")
    p.add_argument("--sheet", help="Excel sheet name or index")


def _delim(d):
    return {"tab": "\t", "\\t": "\t"}.get(d, d) if d else None


def _load(args):
    sheet = args.sheet
    if sheet is not None and str(sheet).isdigit():
        sheet = int(sheet)
    return load_dataset(args.input, mapping=args.mapping, encoding=args.encoding,
                        delimiter=_delim(args.delimiter), sheet=sheet)


def cmd_validate(args) -> int:
    ds = _load(args)
    s = ds.summary()
    print(f"read {args.input}")
    for k, v in ds.source.get("encoding", {}).items():
        print(f"  {k}: {ds.source['tables'][k]} (encoding {v}, delimiter "
              f"{ds.source['delimiter'][k]!r})")
    print(f"participations: {s['participation_rows']}  projects: {s['projects']}  "
          f"organisations: {s['organisations']} participating, {s['population_organisations']} in population")
    if s["years"]:
        print(f"years: {s['years'][0]}–{s['years'][1]}")
    print("by type:   " + ", ".join(f"{k} {v}" for k, v in s["by_type"].items()))
    regions = sorted(s["by_region"].items(), key=lambda kv: -kv[1])
    shown = ", ".join(f"{k} {v}" for k, v in regions[:20])
    more = f", … {len(regions) - 20} more" if len(regions) > 20 else ""
    print(f"by region: {shown}{more}")
    print("data quality:")
    print(ds.quality.format_summary())
    if args.report:
        rep = write_quality(ds.quality, args.report)
        print(f"quality report written to {rep}")
    cons = ds.quality.conservation()
    if not cons["balanced"].all():  # pragma: no cover - would be a netcluster bug
        print("internal error: rows do not balance (a netcluster bug; please report it)", file=sys.stderr)
        return EXIT_INTERNAL
    return 0


def cmd_compare(args) -> int:
    ds = _load(args)
    a, b = parse_years(args.a), parse_years(args.b)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ch = compare_periods(ds, a, b, n_boot=args.boot, n_permutations=args.permutations, seed=args.seed,
                         group_by=args.group_by, weighting=args.weight)
    path = write_csv(ch, out / "changes.csv")
    show = ch[["indicator", "value_a", "value_b", "difference", "ci_low", "ci_high", "p_value"]]
    print(show.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"wrote {path}")
    return 0


def cmd_generate(args) -> int:
    paths = write_sample(args.out, n_rows=args.rows, seed=args.seed,
                         flat_cp949=not args.tables_only, tables=True, profile=args.profile)
    for p in paths:
        print(p)
    return 0


def cmd_analyze(args) -> int:
    progress = ProgressDisplay(mode="quiet" if args.quiet else "auto", verbose=args.verbose)
    if args.demo:
        inp, mapping, enc, delim, sheet = get_path("korea_cluster_tables"), None, None, None, None
    else:
        inp, mapping, enc, delim = args.input, args.mapping, args.encoding, _delim(args.delimiter)
        sheet = int(args.sheet) if args.sheet is not None and str(args.sheet).isdigit() else args.sheet
    try:
        a = analyze(inp, args.out, mapping=mapping, encoding=enc, delimiter=delim, sheet=sheet,
                    group_by=args.group_by, years=args.years, weighting=args.weight, seed=args.seed,
                    n_permutations=args.permutations, max_project_size=args.max_project_size,
                    graphml=args.graphml, max_network_nodes=args.max_network_nodes, progress=progress,
                    jobs=args.jobs, leiden_iterations=args.leiden_iterations, lang=args.lang, phases=args.phases,
                    backbone=args.backbone, alpha=args.alpha, correction=args.correction, overwrite=args.overwrite,
                    outcomes=args.outcomes)
    finally:
        progress.close()
    print("data quality:")
    print(a.dataset.quality.format_summary(max_lines=12))
    print(f"wrote {len(a.files)} files to {args.out}:")
    for k in sorted(a.files):
        print(f"  {k}")
    print(f"open {Path(args.out) / 'report.html'} in a browser (works offline)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netcluster",
        description="R&D collaboration networks of regional innovation clusters.")
    parser.add_argument("--version", action="version", version=f"netcluster {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="read an export and print what was read and its data quality")
    _add_read_options(p)
    p.add_argument("--report", help="write the quality report (.json or .csv)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("compare", help="the change of each headline figure between two periods, with a bootstrap "
                                       "interval and a permutation p-value (changes.csv)")
    _add_read_options(p)
    p.add_argument("--a", required=True, help="first period, e.g. 2005-2008")
    p.add_argument("--b", required=True, help="second period, e.g. 2009-2013 (or 2014-)")
    p.add_argument("--out", required=True, help="output folder (changes.csv)")
    p.add_argument("--boot", type=int, default=199, help="bootstrap replicates per period (default 199)")
    p.add_argument("--permutations", type=int, default=199, help="permutations (default 199)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--group-by", default="region")
    p.add_argument("--weight", default="count")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("generate", help="write a synthetic Korean cluster dataset (or an EU framework-programme "
                                        "export: --profile eu-framework)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--rows", type=int, default=4000, help="participation rows (default 4000)")
    p.add_argument("--seed", type=int, default=20051)
    p.add_argument("--tables-only", action="store_true",
                   help="write only the three UTF-8 tables (faster for large sizes)")
    p.add_argument("--profile", choices=["korea", "eu-framework"], default="korea",
                   help="korea (default): the Korean cluster programme; eu-framework: the shape of Horizon 2020 "
                        "participation (hubs with thousands of partners, consortia up to ~190, 60%% single "
                        "projects, 32 countries)")
    p.set_defaults(func=cmd_generate)

    for name, helptext in (("analyze", "run the whole analysis and write report, network pages and tables"),
                           ("demo", "run analyze on the bundled synthetic Korean sample")):
        p = sub.add_parser(name, help=helptext)
        if name == "analyze":
            _add_read_options(p)
        p.add_argument("--out", required=True, help="output folder (nothing is written elsewhere)")
        p.add_argument("--group-by", default="region",
                       help="organisation column for openness/linkage: region, wide_region, org_type, "
                            "complex, cluster or any column (default: region)")
        p.add_argument("--years", help="year range of projects, e.g. 2009-2013")
        p.add_argument("--weight", default="count",
                       choices=["binary", "count", "newman", "jaccard", "association"],
                       help="projection weighting (default: count)")
        p.add_argument("--seed", type=int, default=0, help="seed of every randomised step (default 0)")
        p.add_argument("--permutations", type=int, default=999, help="E-I permutations (default 999)")
        p.add_argument("--max-project-size", type=int,
                       help="leave projects with more participants out of the projection (reported)")
        p.add_argument("--max-network-nodes", type=int, default=2000,
                       help="organisations shown in network.html (top by betweenness; default 2000)")
        p.add_argument("--leiden-iterations", type=int, default=None,
                       help="Leiden iterations: negative until stable; default: until stable, 6 on dense "
                            "networks (over 300,000 ties, mean degree over 20); 2 is faster (exploratory reruns; communities may differ slightly)")
        p.add_argument("--graphml", action="store_true", help="also write network.graphml")
        p.add_argument("--outcomes", help="firm-year outcomes table (org_id, year, indicator, value) for the "
                                          "difference-in-differences (default: outcomes_by_year.csv in a folder input)")
        p.add_argument("--overwrite", action="store_true",
                       help="replace the outputs of an earlier run in --out (default: a folder that is not empty "
                            "is an error); the earlier run's files this run does not write are removed")
        p.add_argument("--backbone", choices=["sdsm", "disparity", "none"], default="sdsm",
                       help="the ties' backbone: sdsm (default; Neal 2014), disparity (Serrano et al. 2009) or none")
        p.add_argument("--alpha", type=float, default=0.05, help="significance level of the backbone (default 0.05)")
        p.add_argument("--correction", choices=["fdr", "holm", "none"], default="fdr",
                       help="multiple-testing correction of the backbone: fdr (default; Benjamini-Hochberg, "
                            "at most alpha of the ties kept are expected to be chance), holm (no chance tie "
                            "with probability 1 - alpha; far fewer ties) or none")
        p.add_argument("--lang", choices=["ko", "en"], default=None,
                       help="language of the pages and labels (default: ko on Korean programme data, else en)")
        p.add_argument("--phases", help="programme phases, e.g. 2005-2008,2009-2013,2014- (default: the Korean "
                                        "programme's on its data, none elsewhere)")
        p.add_argument("--jobs", type=int, default=None,
                       help="processes (default: 2 on a multi-core machine; results are the same with 1)")
        p.add_argument("--quiet", action="store_true", help="no progress display")
        p.add_argument("--verbose", action="store_true",
                       help="also show each step and the second core's work (as lines when not a terminal)")
        p.set_defaults(func=cmd_analyze, demo=(name == "demo"))
    return parser


#: Exit codes (README: "Exit codes"): 2 the options or the files they name, 3 the input data.
EXIT_OK, EXIT_INTERNAL, EXIT_USER, EXIT_DATA, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
#: Where internal errors are reported (no public tracker yet: the team that maintains netcluster).
REPORT_TO = "the netcluster maintainers (netcluster issue tracker)"


def _terminate(signum, frame):  # SIGTERM: clean up as for Ctrl-C (work folder, second core)
    raise KeyboardInterrupt(f"signal {signum}")


def _interrupted(error: BaseException) -> bool:
    """Whether ``error`` comes from an interruption.  A signal that arrives while a compiled
    kernel (numba) hands back its result surfaces as ``SystemError: ... returned a result with
    an exception set`` whose cause is the ``KeyboardInterrupt``: still an interruption, not a
    bug."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _report_interrupted() -> int:
    print("interrupted: nothing was written into the output folder", file=sys.stderr)
    return EXIT_INTERRUPTED


def main(argv=None) -> int:
    """Run a subcommand; return its exit code: 0 done, 2 a problem with the options or the files
    they name, 3 a problem with the input data (a message says what and where), 130
    interrupted, 1 an internal error (a netcluster bug: a short message and where to report it;
    NETCLUSTER_DEBUG=1 shows the traceback)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate) if threading.current_thread() is threading.main_thread() \
        else None
    try:
        return args.func(args)
    except NetclusterError as e:
        code = getattr(e, "exit_code", EXIT_USER)
        print(f"{'input data error' if code == EXIT_DATA else 'error'}: {e}", file=sys.stderr)
        return code
    except OSError as e:  # a file or folder the options name cannot be read or written
        if _interrupted(e):  # e.g. a pipe closed while the interruption was cleaned up
            return _report_interrupted()
        where = f" {e.filename}" if getattr(e, "filename", None) else ""
        print(f"error:{where}: {e.strerror or e}", file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        return _report_interrupted()
    except Exception as e:  # noqa: BLE001 - an internal error: say so briefly
        if _interrupted(e):
            return _report_interrupted()
        if os.environ.get("NETCLUSTER_DEBUG"):
            raise
        print(f"internal error: {type(e).__name__}: {e}\nThis is a bug in netcluster {__version__}: please "
              f"report it to {REPORT_TO} with the command you ran and, if you can, the first lines of the "
              f"input (NETCLUSTER_DEBUG=1 shows the traceback).", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def run() -> None:
    """The ``netcluster`` command: :func:`main`, then the process ends at once, its output
    flushed, without freeing its objects one by one (the interpreter's teardown of a large
    analysis — millions of strings — is measured in docs/benchmark.md).  Every file is
    closed by then and the second core's process has ended."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
