"""netcluster._distributions against scipy.stats (the oracle): the same floats."""

import numpy as np
from scipy import stats

from netcluster import _distributions as d


def test_normal_and_chi2_and_t_equal_scipy_stats():
    rng = np.random.default_rng(0)
    x = np.r_[rng.normal(size=2000) * 6, 0.0, -40.0, 40.0]
    q = np.r_[rng.random(2000), 0.0, 1.0, 1e-300]
    assert np.array_equal(d.normal_cdf(x), stats.norm.cdf(x))
    assert np.array_equal(d.normal_pdf(x), stats.norm.pdf(x))
    assert np.array_equal(d.normal_quantile(q), stats.norm.ppf(q))
    pos = np.abs(x)
    for df in (1, 2, 3, 6, 17, 250):
        assert np.array_equal(d.chi2_sf(pos, df), stats.chi2.sf(pos, df))
        assert np.array_equal(d.t_quantile(q, df), stats.t.ppf(q, df))
        assert np.array_equal(d.t_sf(x, df), stats.t.sf(x, df))
