"""netcluster: inter-organisation R&D collaboration networks in regional innovation clusters.

Data flows one way: read → normalise → graph → metrics → export.

>>> import netcluster as nc
>>> ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))   # doctest: +SKIP
>>> net = nc.BipartiteNetwork.from_dataset(ds)                            # doctest: +SKIP
>>> ties = net.project_organisations(weighting="newman")                  # doctest: +SKIP
"""

__version__ = "0.1.0"

from . import datasets
from .dataset import ClusterDataset, from_frames, load_dataset
from .exceptions import (EmptyResultError, EncodingError, InputError, MappingError,
                         MissingColumnError, NetclusterError, ResourceLimitError)
from .graph import BipartiteNetwork, Projection
from .mapping import Mapping, load_mapping
from .quality import QualityLog

__all__ = ["ClusterDataset", "load_dataset", "from_frames", "Mapping", "load_mapping",
           "BipartiteNetwork", "Projection",
           "QualityLog", "NetclusterError", "InputError", "EncodingError",
           "MissingColumnError", "MappingError", "ResourceLimitError", "EmptyResultError",
           "datasets", "__version__"]
