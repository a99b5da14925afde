"""The difference-in-differences of firm outcomes: recovers a planted effect within its
interval, flags planted pre-trends, equals a plain numpy two-way fixed-effects regression, and
counts the outcome rows it cannot use."""

import warnings

import numpy as np
import pandas as pd
import pytest

import netcluster as nc
from netcluster.generate import generate_outcomes
from netcluster.outcomes import participation_effect, read_outcomes


@pytest.fixture(scope="module")
def ds():
    return nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))


@pytest.mark.parametrize("effect", [0.0, 0.8, 1.5])
def test_recovers_the_planted_effect(ds, effect):
    """Over ten generated panels the 95% interval holds the planted effect about 95% of the
    time (at least 8 of 10) and the estimates average to it; the event study is flat before
    entry and at the effect after."""
    hits, est = 0, []
    for seed in range(10):
        s, ev = participation_effect(ds, generate_outcomes(ds, effect=effect, employees_effect=3.0, seed=seed))
        s = s.set_index("outcome")
        hits += s.loc["patents", "ci_low"] < effect < s.loc["patents", "ci_high"]
        est.append(s.loc["patents", "estimate"])
    assert hits >= 8 and abs(np.mean(est) - effect) < 0.03
    assert s.loc["employees", "ci_low"] - 0.3 < 3.0 < s.loc["employees", "ci_high"] + 0.3
    pt = ev[ev["outcome"] == "patents"]
    assert np.allclose(pt.loc[pt["years_since_entry"] >= 0, "estimate"], effect, atol=0.2)
    assert np.allclose(pt.loc[pt["years_since_entry"] < 0, "estimate"], 0.0, atol=0.2)


def test_flags_a_planted_pre_trend(ds):
    s, _ = participation_effect(ds, generate_outcomes(ds, effect=0.8, pre_trend=0.3, seed=4), indicators=["patents"])
    assert s.loc[0, "pre_trend_p"] < 0.001


def test_equals_a_plain_two_way_fixed_effects_regression(ds):
    """Oracle: numpy least squares with firm and year dummies, weighted, on the same panel."""
    oc = generate_outcomes(ds, effect=0.5, seed=7)
    s, _ = participation_effect(ds, oc, indicators=["patents"])
    # the same panel and weights, rebuilt here
    from netcluster.programme import is_sme
    orgs = ds.organisations
    firms = orgs[orgs["org_type"] == "firm"].set_index("org_id")
    part = ds.participations.merge(ds.projects[["project_id", "year"]], on="project_id")
    first = part.groupby("org_id")["year"].min()
    treated = firms.index[firms.index.isin(first.index)]
    never = firms.index[~firms.index.isin(part["org_id"])]
    never = never[is_sme(firms.loc[never, "size"]).to_numpy()]
    # the strata: size class | KSIC division | complex as text
    division = firms["sector"].map(lambda v: None if pd.isna(v) else "".join(ch for ch in str(v) if ch.isdigit())[:2]
                                   or None)
    st = (firms["size"].astype(object).fillna("?").astype(str) + "|" + division.fillna("?").astype(str) + "|"
          + firms["complex"].astype(object).fillna("?").astype(str))
    both = set(st[treated]) & set(st[never])
    treated, never = treated[st[treated].isin(both).to_numpy()], never[st[never].isin(both).to_numpy()]
    w = pd.concat([pd.Series(1.0, index=treated),
                   (st[treated].value_counts() / st[never].value_counts()).reindex(st[never]).set_axis(never)])
    y = oc[(oc["indicator"] == "patents") & oc["org_id"].isin(w.index)].reset_index(drop=True)
    post = (y["org_id"].isin(treated) & (y["year"] >= first.reindex(y["org_id"]).to_numpy())).astype(float)
    X = pd.concat([post.rename("post"), pd.get_dummies(y["org_id"], dtype=float),
                   pd.get_dummies(y["year"], dtype=float).iloc[:, 1:]], axis=1).to_numpy()
    sw = np.sqrt(w.reindex(y["org_id"]).to_numpy())
    beta = np.linalg.lstsq(X * sw[:, None], y["value"].to_numpy() * sw, rcond=None)[0]
    assert s.loc[0, "estimate"] == pytest.approx(beta[0], abs=1e-8)
    assert s.loc[0, "n_treated"] == len(treated) and s.loc[0, "n_control"] == len(never)


def test_a_project_missing_from_the_projects_table_counts_as_undated():
    """A participation whose project is not in the projects table has no year: the same
    estimate as with that project's year unknown (not the year of another project)."""
    import copy
    ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    oc = generate_outcomes(ds, effect=0.5, seed=3)
    ref, _ = participation_effect(ds, oc, indicators=["patents"])
    # the project of a matched firm that took part once (its year is the firm's entry)
    firms = set(ds.organisations.loc[ds.organisations["org_type"] == "firm", "org_id"]) & set(oc["org_id"])
    once = ds.participations.groupby("org_id")["project_id"].agg(["size", "first"])
    for pid in once.loc[(once["size"] == 1) & once.index.isin(firms), "first"].head(60):
        undated = copy.copy(ds)
        undated.projects = ds.projects.assign(year=ds.projects["year"].where(ds.projects["project_id"] != pid))
        a, _ = participation_effect(undated, oc, indicators=["patents"])
        if a.loc[0, "n_treated"] < ref.loc[0, "n_treated"]:  # the firm left the treated
            break
    else:
        pytest.fail("no firm of the sample enters through a single project")
    missing = copy.copy(ds)
    missing.projects = ds.projects[ds.projects["project_id"] != pid].reset_index(drop=True)
    b, _ = participation_effect(missing, oc, indicators=["patents"])
    pd.testing.assert_frame_equal(a, b)


def test_unusable_outcome_rows_are_counted(tmp_path):
    ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    org = ds.organisations["org_id"].iloc[0]
    p = tmp_path / "oc.csv"
    p.write_text(f"org_id,year,indicator,value\n{org},2010,patents,3\n{org},twenty,patents,2\nNOPE,2011,patents,1\n",
                 encoding="utf-8")
    out = read_outcomes(p, ds)
    assert len(out) == 1
    ev = ds.quality.events
    assert ev[ev["table"] == "outcomes"]["line"].tolist() == [3, 4]
    with pytest.raises(nc.InputError, match="org_id, year, indicator, value"):
        read_outcomes(pd.DataFrame({"org_id": ["a"], "year": [2010]}))


def test_analyze_writes_outcomes_for_the_bundled_sample(demo_out):
    oc = pd.read_csv(demo_out / "outcomes.csv", encoding="utf-8-sig")
    assert list(oc.columns) == ["method", "outcome", "estimate", "ci_low", "ci_high", "n_treated", "n_control",
                                "comparison_group", "pre_trend_p"]
    row = oc.set_index("outcome").loc["patents"]
    assert row["ci_low"] < 0.8 < row["ci_high"]  # the sample's planted effect (whole patents)
    html = (demo_out / "report.html").read_text(encoding="utf-8")
    assert 'id="outcomes"' in html and "이중차분" in html


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clustered_wls_equals_statsmodels(seed):
    """Oracle: statsmodels' WLS with firm-clustered standard errors (CRV1), its intervals and
    its Wald test, on random weighted panels, one of them with two collinear columns."""
    from statsmodels.regression.linear_model import WLS
    from netcluster.outcomes import _wald_p, _wls_clustered
    rng = np.random.default_rng(seed)
    n, k, g = 3000, 6, 400
    X = rng.normal(size=(n, k))
    if seed == 2:
        X[:, 5] = 2 * X[:, 4]  # collinear: the minimum-norm solution of both
    groups = rng.integers(0, g, n)
    y = X @ rng.normal(size=k) + rng.normal(size=g)[groups] + rng.normal(size=n)
    w = rng.uniform(0.2, 3.0, n)
    groups = pd.factorize(groups)[0]
    params, cov, ci = _wls_clustered(y, X, w, groups, 0.05)
    with warnings.catch_warnings():  # (statsmodels warns of the collinear design)
        warnings.simplefilter("ignore")
        fit = WLS(y, X, weights=w).fit(cov_type="cluster", cov_kwds={"groups": groups})
    assert np.allclose(params, fit.params, rtol=1e-8, atol=1e-10)
    assert np.allclose(cov, fit.cov_params(), rtol=1e-7, atol=1e-12)
    assert np.allclose(ci, fit.conf_int(0.05), rtol=1e-7, atol=1e-10)
    R = np.zeros((2, k))
    R[0, 0] = R[1, 1] = 1.0
    assert _wald_p(params, cov, R) == pytest.approx(float(fit.wald_test(R, scalar=True).pvalue), rel=1e-6)
