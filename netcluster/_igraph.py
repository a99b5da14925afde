"""igraph at the boundary: conversion, seeded RNG without touching global state."""

from __future__ import annotations

import contextlib
import random

import igraph as ig

__all__ = ["seeded"]


@contextlib.contextmanager
def seeded(seed):
    """Run igraph's randomised algorithms with ``random.Random(seed)``; restore afterwards."""
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        yield rng
    finally:
        ig.set_random_number_generator(random)
