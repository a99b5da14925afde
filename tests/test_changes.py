"""Changes between periods: the values are the scorecard's (evolution as the oracle), the
bootstrap interval matches the analytic standard error of a difference of proportions, and a
planted change is found while a planted null is not."""

import numpy as np
import pandas as pd
import pytest

import netcluster as nc
from netcluster.changes import compare_periods
from netcluster.cli import main


def _planted(p_a, p_b, n=300, seed=0):
    """Projects of 2010 (share p_a joint: two organisations, else one) and 2014 (share p_b)."""
    rng = np.random.default_rng(seed)
    rows, projs = [], []
    for year, p in ((2010, p_a), (2014, p_b)):
        for i in range(n):
            pid = f"P{year}-{i}"
            projs.append((pid, year))
            members = rng.choice(200, size=2 if rng.random() < p else 1, replace=False)
            rows += [(pid, f"o{m}") for m in members]
    return nc.from_frames(pd.DataFrame(rows, columns=["project_id", "org_id"]),
                          projects=pd.DataFrame(projs, columns=["project_id", "year"]))


def test_values_are_the_scorecards_and_counts_per_year():
    ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    ch = compare_periods(ds, (2005, 2008), (2009, 2013), n_boot=0, n_permutations=0).set_index("indicator")
    ev = nc.evolution(ds, by="phase").pivot(index="indicator", columns="slice", values="value")
    a, b = "phase 1 (2005-2008)", "phase 2 (2009-2013)"
    for key in ("joint_project_share", "cross_region_tie_share", "ei_index_region", "mean_consortium_size"):
        assert ch.loc[key, "value_a"] == pytest.approx(ev.loc[key, a])
        assert ch.loc[key, "value_b"] == pytest.approx(ev.loc[key, b])
        assert ch.loc[key, "difference"] == pytest.approx(ev.loc[key, b] - ev.loc[key, a])
    assert ch.loc["projects", "value_a"] == pytest.approx(ev.loc["projects", a] / 4)  # 2005-2008: 4 years
    assert ch.loc["projects", "value_b"] == pytest.approx(ev.loc["projects", b] / 5)
    assert np.isnan(ch.loc["projects", "p_value"]) and "census" in ch.loc["projects", "method"]


def test_bootstrap_interval_matches_the_analytic_standard_error():
    ds = _planted(0.6, 0.75, n=400, seed=3)
    ch = compare_periods(ds, (2010, 2010), (2014, 2014), indicators=["joint_project_share"], n_boot=399,
                         n_permutations=0, seed=1).iloc[0]
    pa, pb = ch["value_a"], ch["value_b"]
    se = np.sqrt(pa * (1 - pa) / 400 + pb * (1 - pb) / 400)
    assert (ch["ci_high"] - ch["ci_low"]) / (2 * 1.96) == pytest.approx(se, rel=0.2)


def test_a_planted_change_is_found_and_a_planted_null_is_not():
    real = compare_periods(_planted(0.5, 0.8, seed=5), (2010, 2010), (2014, 2014),
                           indicators=["joint_project_share"], n_boot=199, n_permutations=199, seed=2).iloc[0]
    assert real["ci_low"] <= 0.3 <= real["ci_high"] and real["ci_low"] > 0  # the truth inside, 0 outside
    assert real["p_value"] <= 0.01
    null = compare_periods(_planted(0.7, 0.7, seed=6), (2010, 2010), (2014, 2014),
                           indicators=["joint_project_share"], n_boot=199, n_permutations=199, seed=2).iloc[0]
    assert null["ci_low"] <= 0 <= null["ci_high"] and null["p_value"] > 0.05


def test_replicates_shared_out_in_parts_give_the_same_table():
    """The pipeline shares the replicate pairs out between two processes: any split, in any
    order, gives compare_periods' table; a split that misses or repeats a pair is an error."""
    from netcluster.changes import PeriodComparison
    ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    kw = dict(n_boot=12, n_permutations=11, seed=4)
    whole = compare_periods(ds, (2005, 2008), (2009, 2013), **kw)
    plan = PeriodComparison(ds, (2005, 2008), (2009, 2013), **kw)
    assert len(plan.jobs) == 12 * 2 + 11  # a pair per bootstrap (projects, organisations) and per permutation
    parts = [plan.replicates((i, 3)) for i in (2, 0, 1)]
    pd.testing.assert_frame_equal(plan.table(parts), whole, check_exact=True)
    assert whole["p_value"].notna().any() and whole["ci_low"].notna().any()
    with pytest.raises(ValueError, match="every replicate"):
        plan.table(parts[:2])
    with pytest.raises(ValueError, match="every replicate"):
        plan.table(parts + parts[:1])


def test_compare_command_writes_changes_csv(tmp_path, capsys):
    src = str(nc.datasets.get_path("korea_cluster_tables"))
    assert main(["compare", src, "--a", "2005-2008", "--b", "2009-2013", "--out", str(tmp_path), "--boot", "9",
                 "--permutations", "9"]) == 0
    ch = pd.read_csv(tmp_path / "changes.csv", encoding="utf-8-sig")
    assert list(ch.columns) == ["indicator", "label", "period_a", "period_b", "value_a", "value_b", "difference",
                                "ci_low", "ci_high", "p_value", "method", "n_a", "n_b"]
    assert (ch["period_a"] == "2005-2008").all() and "cross_region_tie_share" in set(ch["indicator"])
    assert main(["compare", src, "--a", "1990-1991", "--b", "2009-2013", "--out", str(tmp_path / "x")]) == 3


def test_segmented_fit_recovers_a_planted_break_and_equals_numpy():
    from netcluster.changes import segmented_fit
    rng = np.random.default_rng(0)
    t = np.arange(2005, 2015)
    y = 0.20 + 0.01 * (t - 2009) - 0.05 * (t >= 2009) + 0.02 * (t >= 2009) * (t - 2009) + rng.normal(0, 0.002, len(t))
    f = segmented_fit(t, y, 2009)
    assert f["level_ci_low"] < -0.05 < f["level_ci_high"]
    assert f["slope_change_ci_low"] < 0.02 < f["slope_change_ci_high"] and f["slope_change_p"] < 0.01
    x = t - 2009
    X = np.column_stack([np.ones(len(t)), x, t >= 2009, (t >= 2009) * x]).astype(float)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    assert f["level_change"] == pytest.approx(beta[2]) and f["slope_after"] == pytest.approx(beta[1] + beta[3])


@pytest.mark.parametrize("n_years,seed", [(4, 0), (5, 1), (10, 2), (17, 3)])
def test_segmented_fit_equals_statsmodels_ols(n_years, seed):
    """Oracle: statsmodels' OLS, its t intervals and p-value (the figures segmented_fit computes itself)."""
    from statsmodels.regression.linear_model import OLS
    from netcluster.changes import segmented_fit
    rng = np.random.default_rng(seed)
    t = np.arange(2009 - n_years // 2, 2009 - n_years // 2 + n_years)
    y = rng.random(n_years)
    y[rng.random(n_years) < 0.1] = np.nan if n_years > 10 else y[0]
    f = segmented_fit(t, y, 2009, alpha=0.1)
    ok = np.isfinite(y)
    x = t[ok] - 2009.0
    post = (t[ok] >= 2009).astype(float)
    with np.errstate(all="ignore"):  # (four years: statsmodels divides by zero residual df)
        fit = OLS(y[ok], np.column_stack([np.ones_like(x), x, post, post * x])).fit()
        ci = fit.conf_int(0.1)
    assert f["n_years"] == ok.sum()
    assert f["level_change"] == pytest.approx(fit.params[2], abs=1e-12)
    assert f["slope_before"] == pytest.approx(fit.params[1], abs=1e-12)
    assert f["slope_change"] == pytest.approx(fit.params[3], abs=1e-12)
    if fit.df_resid > 0:
        assert [f["level_ci_low"], f["level_ci_high"]] == pytest.approx(list(ci[2]), abs=1e-10)
        assert [f["slope_change_ci_low"], f["slope_change_ci_high"]] == pytest.approx(list(ci[3]), abs=1e-10)
        assert f["slope_change_p"] == pytest.approx(fit.pvalues[3], rel=1e-9)
    else:  # four years: an exact fit, no interval
        assert np.isnan(f["slope_change_p"]) and np.isnan(f["level_ci_low"])


def test_analyze_writes_the_break_around_2009(demo_out):
    from openpyxl import load_workbook
    ws = load_workbook(demo_out / "indicators.xlsx", read_only=True)["break_around_year"]
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][1] == 2009  # cross-province and cross-wide-region shares
    assert "2009년을 기준으로" in (demo_out / "report.html").read_text(encoding="utf-8")


def _replicate_by_merges(dataset, projects):
    """The replicate of drawn projects as it was built before (merges on the ids): the oracle of
    the positional build."""
    from netcluster.changes import _numbered
    ids, _ = _numbered(projects)
    base = pd.DataFrame({"project_id": projects, "_new": ids})
    rep = dataset.participations.merge(base, on="project_id", how="inner")
    rep["project_id"] = rep.pop("_new")
    proj = dataset.projects.merge(base, on="project_id", how="inner")
    proj["project_id"] = proj.pop("_new")
    orgs = dataset.organisations[dataset.organisations["org_id"].isin(set(rep["org_id"]))].copy()
    return _as_merges_ordered(dataset, rep, orgs, proj)


def _as_merges_ordered(dataset, rep, orgs, proj):
    from netcluster.dataset import ClusterDataset
    counts = rep.groupby("org_id").size()
    orgs = orgs.sort_values("org_id", kind="stable").reset_index(drop=True)
    orgs["n_projects"] = orgs["org_id"].map(counts).fillna(0).astype("int64")
    orgs["participant"] = orgs["n_projects"] > 0
    rep = rep.sort_values(["project_id", "org_id"], kind="stable").reset_index(drop=True)
    proj = proj.sort_values("project_id", kind="stable").reset_index(drop=True)
    return ClusterDataset(rep, orgs, proj, dataset.quality, dataset.changes, dict(dataset.source))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_replicate_built_by_positions_equals_the_one_built_by_merges(seed):
    from netcluster.changes import _replicate
    ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    rng = np.random.default_rng(seed)
    ids = ds.projects["project_id"].to_numpy(dtype=object)
    for size in (1, 7, len(ids) // 3, len(ids)):
        drawn = rng.choice(ids, size=size, replace=True)  # (repeats get ids id~1, id~2 …)
        mine, ref = _replicate(ds, drawn), _replicate_by_merges(ds, drawn)
        for a, b in ((mine.participations, ref.participations), (mine.organisations, ref.organisations),
                     (mine.projects, ref.projects)):
            pd.testing.assert_frame_equal(a, b)


def _organisation_replicate_by_merges(dataset, projects, orgs):
    """The replicate of drawn organisations as it was built before (merges on the ids)."""
    from netcluster.changes import _numbered
    part = dataset.participations
    keep = part[part["project_id"].isin(set(projects))]
    ids, _ = _numbered(orgs)
    base = pd.DataFrame({"org_id": orgs, "_new": ids})
    rep = keep.merge(base, on="org_id", how="inner")
    rep["org_id"] = rep.pop("_new")
    o = dataset.organisations.merge(base, on="org_id", how="inner")
    o["org_id"] = o.pop("_new")
    proj = dataset.projects[dataset.projects["project_id"].isin(set(projects))].copy()
    return _as_merges_ordered(dataset, rep, o, proj)


def test_a_replicate_of_drawn_organisations_equals_the_one_built_by_merges():
    from netcluster.changes import PeriodComparison, _replicate
    ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    plan = PeriodComparison(ds, (2005, 2008), (2009, 2013), indicators=["kis_share_participating_firms"],
                            n_boot=5, n_permutations=0)
    pairs = [(p, o) for _, _, a, b in plan.jobs for p, o in (a, b) if o is not None]
    assert len(pairs) == 10
    for projects, orgs in pairs:
        mine, ref = _replicate(ds, projects, orgs), _organisation_replicate_by_merges(ds, projects, orgs)
        for a, b in ((mine.participations, ref.participations), (mine.organisations, ref.organisations),
                     (mine.projects, ref.projects)):
            pd.testing.assert_frame_equal(a, b)
