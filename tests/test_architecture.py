"""The package's structure: no import cycles, imports at the top of modules, data flowing one
way (read → normalise → graph → metrics → write; run only orchestrates), and every docstring
example running."""
import ast
import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import netcluster

PACKAGE = Path(netcluster.__file__).parent

#: Imports allowed inside functions: optional dependencies, each with a reason.
OPTIONAL_IMPORTS: dict = {
    ("readers", "import polars as pl"): "the columnar reader of large files only: importing polars "
                                        "(0.2 s) costs more than it saves on a small table",
}

#: Layers, lowest first: a module may import only from its own layer or lower ones.
LAYERS = [
    {"exceptions", "_missing", "_distinct", "_sparse", "_sorting", "_igraph", "_html", "_compiled", "_distributions", "_triangles", "_cores", "datasets", "write.safety", "write.rows", "write.svg",
     "write.text"},
    {"quality", "mapping", "names", "orgtypes", "regions", "readers", "groups"},
    {"dataset", "graph", "generate"},
    {"centrality", "communities", "openness", "linkage", "brokerage", "helix", "programme", "layout", "backbone",
     "outcomes"},
    {"slices", "indicators", "scorecard", "evolution", "structure", "changes", "systems", "funding"},
    {"write.xlsx", "write.formatted", "write.pieces", "write.columns", "write.tables", "write.gexf", "write.folder",
     "write.pages", "write.palettes", "write.network_page", "write.map_page", "write.report", "write.sheets", "write.notebook_view", "write", "analysis"},
    {"run.pool", "run.plan", "run.steps", "run", "pipeline", "notebook", "progress", "cli", "__init__"},
]


def _modules():
    out = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        rel = p.relative_to(PACKAGE).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """netcluster modules an ``from … import …`` names (relative or absolute)."""
    if node.level:
        base = module.split(".")
        pkg = base if (PACKAGE / Path(*base)).is_dir() else base[:-1]
        pkg = pkg[:len(pkg) - (node.level - 1)] if node.level > 1 else pkg
        target = pkg + (node.module.split(".") if node.module else [])
    elif node.module and node.module.startswith("netcluster"):
        target = node.module.split(".")[1:]
    else:
        return []
    names = [".".join(target)] if target else []
    # "from . import linkage": the names are modules
    return [n for n in names if n] + [".".join(target + [a.name]) for a in node.names]


def _graph():
    mods = _modules()
    edges, inner = {}, []
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps = set()
        top = set(id(n) for n in tree.body)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if id(node) not in top and not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
                    inner.append((name, node.lineno, ast.unparse(node)))
                if isinstance(node, ast.ImportFrom):
                    deps |= {d for d in _resolve(name, node) if d in mods and d != name}
        edges[name] = deps
    return edges, inner


def test_imports_are_at_the_top_of_modules():
    _, inner = _graph()
    unexpected = [i for i in inner if (i[0], i[2]) not in OPTIONAL_IMPORTS]
    assert unexpected == [], unexpected


def test_no_import_cycles():
    edges, _ = _graph()
    state, cycles = {}, []

    def visit(n, stack):
        state[n] = "open"
        for d in sorted(edges[n]):
            if state.get(d) == "open":
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d, stack + [d])
        state[n] = "done"

    for n in sorted(edges):
        if n not in state:
            visit(n, [n])
    assert cycles == []


def test_data_flows_one_way():
    """A module imports only from its own layer or lower ones (write never imports run,
    metrics never import writers, the loader never builds a network)."""
    edges, _ = _graph()
    layer = {m: i for i, group in enumerate(LAYERS) for m in group}
    assert set(edges) <= set(layer), sorted(set(edges) - set(layer))
    upward = [(m, d) for m, deps in edges.items() for d in deps if layer[d] > layer[m]]
    assert upward == []


def test_the_check_finds_a_cycle(tmp_path):
    """The scan itself: a relative import resolves to the module it names."""
    tree = ast.parse("from ..write.tables import write_csv\nfrom . import steps\n")
    got = [_resolve("run.plan", n) for n in tree.body]
    assert "write.tables" in got[0] and "run.steps" in got[1]


def _all_modules():
    return sorted(m.name for m in pkgutil.walk_packages(netcluster.__path__, "netcluster."))


@pytest.mark.parametrize("module", _all_modules())
def test_docstring_examples_run(module):
    """Every example in every docstring runs and prints what it shows (nothing skipped)."""
    mod = importlib.import_module(module)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(mod, module):
        if test.lineno is None and not test.examples:
            continue
        assert "+SKIP" not in test.docstring, f"{test.name}: examples must run"
        runner.run(test)
    assert runner.failures == 0, f"{module}: {runner.failures} failing docstring examples (run pytest --doctest-modules)"
