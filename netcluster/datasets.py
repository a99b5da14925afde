"""Registry of the bundled sample data (synthetic; see datasets/README.md).

>>> from netcluster import datasets
>>> sorted(datasets.available)
['korea_cluster_flat_cp949', 'korea_cluster_tables']
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["available", "get_path", "DATA_DIR"]

#: The repository's ``datasets/`` folder (the package is installed editable from a clone).
DATA_DIR = Path(__file__).resolve().parent.parent / "datasets"

available = {
    "korea_cluster_tables": "korea_cluster_tables",
    "korea_cluster_flat_cp949": "korea_cluster_flat_cp949.csv",
}


def get_path(name: str) -> Path:
    """Path of a bundled dataset.

    Raises ``ValueError`` listing the options for an unknown name.
    """
    if name not in available:
        raise ValueError(f"unknown dataset {name!r}; available: {sorted(available)}")
    path = DATA_DIR / available[name]
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found: the sample data ship with the repository clone "
            f"(install with `pip install -e .` from the clone, or regenerate it with "
            f"`netcluster generate --out datasets`)")
    return path
