"""GraphBLAS, configured once for the metrics that use its masked products (only the entries a
mask names are computed — brokerage, the ties' years, the duplicate-project search), and
scipy matrices as GraphBLAS matrices."""

from __future__ import annotations

import graphblas as gb
import numpy as np
from graphblas import Matrix

__all__ = ["gb", "to_graphblas"]  # gb: graphblas, configured here

# One GraphBLAS thread: analyze's parallelism is two processes, and an OpenMP thread pool started
# in a process before it forks leaves the child waiting forever on threads it did not inherit.
gb.ss.config["nthreads"] = 1


def to_graphblas(M) -> Matrix:
    """A scipy sparse matrix as a GraphBLAS matrix (float64)."""
    coo = M.tocoo()
    return Matrix.from_coo(coo.row, coo.col, coo.data.astype(np.float64), nrows=M.shape[0], ncols=M.shape[1])
