"""numba-compiled kernels, their machine code cached on disk."""

from __future__ import annotations

import numba

__all__ = ["compiled"]


def compiled(fn):
    """``fn`` compiled by numba, the machine code cached on disk (next to the module, or in the
    user's cache folder) so that a process loads it instead of compiling it (~0.3 s against
    ~2 s).  Without any writable cache folder (a read-only installation and home) numba
    refuses to cache: then each process compiles it."""
    try:
        return numba.njit(cache=True)(fn)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(fn)
