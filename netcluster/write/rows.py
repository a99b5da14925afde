"""Row assembly without a Python call per cell: the row-major concatenation of text columns,
in chunks of rows (bounded memory)."""

from __future__ import annotations

import numpy as np

__all__ = ["join_rows", "ROW_CHUNK"]

#: Rows assembled at a time when writing (bounds the memory of the text being built).
ROW_CHUNK = 25_000


def join_rows(cells: list, n: int, chunk: int = ROW_CHUNK):
    """Yield the row-major concatenation of ``n``-long object columns of str, in row chunks.
    A ``str`` in place of a column is the same text in every row (no array is built for it)."""
    for a in range(0, n, chunk):
        block = np.empty((min(chunk, n - a), len(cells)), dtype=object)
        for j, c in enumerate(cells):
            block[:, j] = c if isinstance(c, str) else c[a:a + chunk]
        yield "".join(block.ravel().tolist())
