"""igraph at the boundary: conversion, seeded RNG without touching global state."""

from __future__ import annotations

import contextlib
import random

__all__ = ["seeded", "require_igraph"]


def require_igraph():
    try:
        import igraph as ig
    except ImportError as e:  # pragma: no cover - igraph is a dependency
        raise ImportError("netcluster needs python-igraph: pip install igraph") from e
    return ig


@contextlib.contextmanager
def seeded(seed):
    """Run igraph's randomised algorithms with ``random.Random(seed)``; restore afterwards."""
    ig = require_igraph()
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        yield rng
    finally:
        ig.set_random_number_generator(random)
