"""The few probability functions the indicators need, from :mod:`scipy.special`.

``scipy.stats`` computes these with the same special functions, but importing it builds its
hundred distributions at every start of the CLI (the cost: docs/benchmark.md); these are the
same floats (``tests/test_distributions.py`` compares them with ``scipy.stats`` bit for bit).
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["normal_cdf", "normal_pdf", "normal_quantile", "chi2_sf", "t_quantile", "t_sf"]

_SQRT_2PI = np.sqrt(2 * np.pi)


def normal_cdf(x):
    """Standard normal distribution function (``scipy.stats.norm.cdf``)."""
    return special.ndtr(x)


def normal_pdf(x):
    """Standard normal density (``scipy.stats.norm.pdf``)."""
    x = np.asarray(x, dtype=float)
    return np.exp(-x ** 2 / 2.0) / _SQRT_2PI


def normal_quantile(q):
    """Standard normal quantile (``scipy.stats.norm.ppf``)."""
    return special.ndtri(q)


def chi2_sf(x, df):
    """Upper tail of the chi-squared distribution with ``df`` degrees of freedom (``scipy.stats.chi2.sf``)."""
    return special.chdtrc(df, x)


def t_quantile(q, df):
    """Quantile of Student's t with ``df`` degrees of freedom (``scipy.stats.t.ppf``, which
    sets the lower end itself: ``stdtrit`` gives +inf at q = 0)."""
    q = np.asarray(q, dtype=float)
    return np.where(q == 0, -np.inf, special.stdtrit(df, q))


def t_sf(x, df):
    """Upper tail of Student's t with ``df`` degrees of freedom (``scipy.stats.t.sf``)."""
    return special.stdtr(df, -np.asarray(x, dtype=float))

