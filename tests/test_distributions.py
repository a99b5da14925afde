"""netcluster._distributions against scipy.stats (the oracle): the same floats."""

import numpy as np
import pytest
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


@pytest.mark.parametrize("fallback", [False, True])
def test_binomial_pmf_equals_scipy_stats_including_outside_the_support(monkeypatch, fallback):
    if fallback:
        monkeypatch.setattr(d, "_binom_pmf", None)
        monkeypatch.setattr(d, "_stats_binom", stats.binom)
    rng = np.random.default_rng(1)
    k = np.arange(-1, 40)[None, None, :]
    n = np.array([0, 1, 2, 3, 7, 39, 1000, 10 ** 6])[None, :, None]
    p = np.r_[0.0, 1.0, 1e-12, 1 - 1e-12, rng.random(50)][:, None, None]
    got, want = d.binomial_pmf(k, n, p), stats.binom.pmf(k, n, p)
    assert got.shape == want.shape and np.array_equal(got, want)
    assert got[:, 0, 1:].sum() == pytest.approx(got.shape[0]) and (got[..., 0] == 0).all()  # n=0: P(X=0)=1; k=-1: 0
