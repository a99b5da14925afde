"""Registry of the bundled sample data (synthetic; see README.md beside this file) and the
ready-made mapping files.

This folder is the package ``netcluster.datasets`` (``setup.cfg`` maps it): the sample is
package data, so a wheel or a non-editable install has it too.

>>> from netcluster import datasets
>>> sorted(datasets.available)
['korea_cluster_flat_cp949', 'korea_cluster_tables']
>>> sorted(datasets.mappings)
['cordis_horizon_europe', 'keep_interreg']
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["available", "mappings", "get_path", "mapping_path", "DATA_DIR"]

#: Where the data are: this package's folder (``datasets/`` in a clone).
DATA_DIR = Path(__file__).resolve().parent

available = {
    "korea_cluster_tables": "korea_cluster_tables",
    "korea_cluster_flat_cp949": "korea_cluster_flat_cp949.csv",
}

#: Ready-made mapping files for public exports.
mappings = {
    "cordis_horizon_europe": "cordis_horizon_europe.toml",
    "keep_interreg": "keep_interreg.toml",
}


def get_path(name: str) -> Path:
    """Path of a bundled dataset.

    Raises ``ValueError`` listing the options for an unknown name.
    """
    if name not in available:
        raise ValueError(f"unknown dataset {name!r}; available: {sorted(available)}")
    path = DATA_DIR / available[name]
    if not path.exists():  # pragma: no cover - an install without its package data
        raise FileNotFoundError(f"{path} not found: the sample data are missing from this installation "
                                f"(reinstall netcluster, or regenerate them with `netcluster generate`)")
    return path


def mapping_path(name: str) -> Path:
    """Path of a ready-made mapping file (``--mapping``), e.g. ``keep_interreg``.

    Raises ``ValueError`` listing the options for an unknown name."""
    if name not in mappings:
        raise ValueError(f"unknown mapping {name!r}; available: {sorted(mappings)}")
    return DATA_DIR / "mappings" / mappings[name]
