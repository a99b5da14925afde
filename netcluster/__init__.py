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
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: public name → module that defines it (imported on first use)
_EXPORTS = {
    "ClusterDataset": "dataset", "load_dataset": "dataset", "from_frames": "dataset",
    "Mapping": "mapping", "load_mapping": "mapping",
    "BipartiteNetwork": "graph", "Projection": "graph",
    "QualityLog": "quality",
    "NetclusterError": "exceptions", "InputError": "exceptions", "EncodingError": "exceptions",
    "MissingColumnError": "exceptions", "MappingError": "exceptions",
    "ResourceLimitError": "exceptions", "EmptyResultError": "exceptions",
    "scorecard": "scorecard", "evolution": "evolution", "network_growth": "evolution",
    "analyze": "pipeline", "Analysis": "pipeline",
}

#: modules reachable as attributes (``nc.openness.ei_index``)
_MODULES = ("datasets", "dataset", "mapping", "graph", "centrality", "communities", "openness",
            "linkage", "brokerage", "helix", "programme", "indicators", "slices", "pipeline",
            "generate", "quality", "readers", "regions", "names", "orgtypes", "groups", "layout",
            "write", "run", "exceptions")

__all__ = sorted(_EXPORTS) + ["__version__", "datasets", "indicators"]


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
