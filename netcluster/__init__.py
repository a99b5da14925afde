"""netcluster: inter-organisation R&D collaboration networks in regional innovation clusters.

Data flows one way: read → normalise → graph → metrics → write.

>>> import netcluster as nc
>>> ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
>>> net = nc.BipartiteNetwork.from_dataset(ds)
>>> ties = net.project_organisations(weighting="newman")
>>> ties.n_nodes == ds.summary()["organisations"]
True

The public names are imported on first use, so that ``import netcluster`` stays fast; the
metric modules (``netcluster.centrality``, ``netcluster.openness`` …) are imported as usual.
``netcluster.scorecard`` and ``netcluster.evolution`` are the functions of the modules of the
same name (``from netcluster.scorecard import scorecard`` works too).
"""

from __future__ import annotations

import importlib
import sys
import types

__version__ = "0.1.0"

#: public name → module that defines it (imported on first use)
_EXPORTS = {
    "ClusterDataset": "dataset", "load_dataset": "dataset", "from_frames": "dataset",
    "Mapping": "mapping", "load_mapping": "mapping",
    "BipartiteNetwork": "graph", "Projection": "graph",
    "QualityLog": "quality",
    "NetclusterError": "exceptions", "InputError": "exceptions", "OptionError": "exceptions", "EncodingError": "exceptions",
    "MissingColumnError": "exceptions", "MappingError": "exceptions",
    "ResourceLimitError": "exceptions", "EmptyResultError": "exceptions",
    "scorecard": "scorecard", "evolution": "evolution", "network_growth": "evolution",
    "analyze": "pipeline", "Analysis": "analysis",
    "show_network": "notebook", "show_page": "notebook",
}

#: modules reachable as attributes (``nc.openness.ei_index``)
_MODULES = ("datasets", "dataset", "mapping", "graph", "centrality", "communities", "openness",
            "linkage", "brokerage", "helix", "programme", "indicators", "slices", "pipeline", "analysis",
            "generate", "quality", "readers", "regions", "names", "orgtypes", "groups", "layout",
            "write", "run", "exceptions", "notebook")

__all__ = sorted(_EXPORTS) + ["__version__", "datasets", "indicators"]


#: public functions named like the module that defines them
_FUNCTIONS_OVER_MODULES = {"scorecard", "evolution"}


class _Package(types.ModuleType):
    """The package keeps its public functions when a module of the same name is imported
    (Python binds a submodule to its package's attribute on first import)."""

    def __setattr__(self, name, value):
        if name in _FUNCTIONS_OVER_MODULES and isinstance(value, types.ModuleType):
            return  # the module stays in sys.modules["netcluster.<name>"]
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    elif name in _MODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'netcluster' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS) | set(_MODULES))
