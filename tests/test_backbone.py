"""Backbones against hand-computed p-values and independent implementations (plain loops,
networkx, scipy's optimiser on every organisation-project cell, the exact Poisson-binomial)."""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.optimize import root
from scipy.special import expit
from scipy.stats import norm

from netcluster.backbone import adjust, backbone, disparity_filter, sdsm
from netcluster.graph import BipartiteNetwork


def _random_network(seed=3, n_orgs=30, n_projects=45):
    rng = np.random.default_rng(seed)
    activity = rng.pareto(1.5, n_orgs) + 0.2
    orgs, projects = [], []
    for k in range(n_projects):
        size = int(rng.integers(2, 7))
        members = rng.choice(n_orgs, size=size, replace=False, p=activity / activity.sum())
        orgs += [f"o{m:02d}" for m in members]
        projects += [f"p{k:02d}"] * size
    return BipartiteNetwork.from_edges(orgs, projects)


def test_disparity_hand_computed():
    # a: ties to b (weight 2), c (1), d (1): strength 4, degree 3
    net = BipartiteNetwork.from_edges(list("abacad") + ["a", "b"], ["P", "P", "Q", "Q", "R", "R", "S", "S"])
    proj = net.project_organisations("count")
    p = disparity_filter(proj)
    # a-b: a's share 2/4 -> (1-1/2)^2 = 0.25; b has one tie -> 1; min 0.25
    # a-c: (1-1/4)^2 = 0.5625; c has one tie -> 1
    assert p.tolist() == pytest.approx([0.25, 0.5625, 0.5625])


def test_disparity_matches_networkx_loops():
    net = _random_network()
    proj = net.project_organisations("newman")
    G = nx.Graph()
    for row in proj.ties().itertuples():
        G.add_edge(row.source, row.target, weight=row.weight)

    def alpha(u, v):
        k = G.degree(u)
        if k <= 1:
            return 1.0
        s = sum(d["weight"] for _, _, d in G.edges(u, data=True))
        return (1 - G[u][v]["weight"] / s) ** (k - 1)

    expected = [min(alpha(r.source, r.target), alpha(r.target, r.source)) for r in proj.ties().itertuples()]
    assert disparity_filter(proj).to_numpy() == pytest.approx(expected, rel=1e-12, abs=1e-15)


def _independent_sdsm(net):
    """BiCM solved by scipy's root finder on every organisation and project (in log
    fitnesses); the exact Poisson-binomial upper tail by dynamic programming and the refined
    normal approximation written from Volkova's formula."""
    B = net.B.toarray().astype(bool).astype(float)
    d = B.sum(axis=1)
    n = B.sum(axis=0)
    m = len(d)

    def residual(t):
        P = expit(t[:m, None] + t[None, m:])  # x*y/(1+x*y) with x = e^t
        return np.concatenate([P.sum(axis=1) - d, P.sum(axis=0) - n])

    start = np.concatenate([np.log(d / np.sqrt(d.sum())), np.log(n / np.sqrt(d.sum()))])
    sol = root(residual, start, method="lm", options={"xtol": 1e-14, "ftol": 1e-14})
    assert np.max(np.abs(residual(sol.x))) < 1e-8
    P = expit(sol.x[:m, None] + sol.x[None, m:])
    orgs = list(net.orgs)
    exact, rna = {}, {}
    for i in range(len(orgs)):
        for j in range(i + 1, len(orgs)):
            shared = int(B[i] @ B[j])
            if shared == 0:
                continue
            q = P[i] * P[j]
            dist = np.zeros(len(q) + 1)
            dist[0] = 1.0
            for qk in q:  # Poisson-binomial by dynamic programming
                dist[1:] = dist[1:] * (1 - qk) + dist[:-1] * qk
                dist[0] *= 1 - qk
            key = tuple(sorted((orgs[i], orgs[j])))
            exact[key] = float(dist[shared:].sum())
            mu, s2 = q.sum(), (q * (1 - q)).sum()
            sd = math.sqrt(s2)
            gamma = (q * (1 - q) * (1 - 2 * q)).sum() / sd ** 3
            z = (shared - 0.5 - mu) / sd
            rna[key] = min(1.0, max(0.0, 1 - (norm.cdf(z) + gamma * (1 - z * z) * norm.pdf(z) / 6)))
    return P, exact, rna


def test_sdsm_against_independent_implementation():
    net = _random_network()
    proj = net.project_organisations("count")
    p = sdsm(net, proj)
    _, exact, rna = _independent_sdsm(net)
    ties = proj.ties()
    keys = [tuple(sorted(k)) for k in zip(ties["source"], ties["target"])]
    assert p.attrs["params"]["tail"].startswith("exact")
    assert p.to_numpy() == pytest.approx([exact[k] for k in keys], abs=1e-9)
    approx = sdsm(net, proj, exact_max_work=0)
    assert approx.attrs["params"]["tail"].startswith("refined normal")
    ours = approx.to_numpy()
    assert ours == pytest.approx([rna[k] for k in keys], abs=1e-7)
    # on 45 projects the approximation is off by up to ~0.1 (why the exact tail is the default)
    ex = np.array([exact[k] for k in keys])
    assert np.median(np.abs(ours - ex)) < 0.02


def test_binomial_terms_and_convolved_tail_against_scipy_and_dynamic_programming():
    """The compiled binomial terms against scipy.stats.binom.pmf (edges included: no trials,
    q = 0 and 1, a million trials, terms past n), and the convolved distribution function
    against the Poisson-binomial dynamic programme over every single trial."""
    from scipy import stats
    from netcluster.backbone import _binomial_terms, _poisson_binomial_cdf
    rng = np.random.default_rng(3)
    out = np.empty(40)
    for n in (0, 1, 2, 3, 7, 39, 1000, 10 ** 6):
        for q in np.r_[0.0, 1.0, 1e-12, 1 - 1e-9, rng.random(20)]:
            _binomial_terms(float(q), n, 40, out)
            want = stats.binom.pmf(np.arange(40), n, q)
            assert out == pytest.approx(want, rel=1e-10, abs=1e-300), (n, q)
    n_c = np.array([3, 1, 0, 12, 5])
    Ga, Gb = rng.random((30, 5)), rng.random((30, 5))
    cdf = _poisson_binomial_cdf(Ga, Gb, n_c, 8)
    for i in range(30):
        dist = np.zeros(n_c.sum() + 1)
        dist[0] = 1.0
        for qk in np.repeat(Ga[i] * Gb[i], n_c):
            dist[1:] = dist[1:] * (1 - qk) + dist[:-1] * qk
            dist[0] *= 1 - qk
        assert cdf[i] == pytest.approx(np.cumsum(dist)[:8], abs=1e-13)


def test_sdsm_ignores_projects_left_out_of_the_projection():
    net = _random_network(seed=5)
    full = net.project_organisations("count")
    capped = net.project_organisations("count", max_project_size=4)
    assert capped.params.get("excluded_projects")
    p_capped = sdsm(net, capped)
    sub = net.B.toarray()
    sizes = (sub > 0).sum(axis=0)
    keep = [net.projects[k] for k in range(len(net.projects)) if sizes[k] <= 4]
    orgs, projects = [], []
    for k, proj in enumerate(net.projects):
        if proj in keep:
            for i in np.flatnonzero(sub[:, k]):
                orgs.append(net.orgs[i])
                projects.append(proj)
    small_net = BipartiteNetwork.from_edges(orgs, projects)
    ties = capped.ties()
    keys = [tuple(sorted(k)) for k in zip(ties["source"], ties["target"])]
    assert len(keys) < len(full.ties())
    _, exact, _ = _independent_sdsm(small_net)
    assert p_capped.to_numpy() == pytest.approx([exact[k] for k in keys], abs=1e-9)


def test_adjust_hand_computed_and_against_loops():
    p = np.array([0.01, 0.04, 0.03, 0.2])
    # Holm: sorted 0.01*4, 0.03*3, 0.04*2, 0.2*1 -> 0.04, 0.09, 0.09 (monotone), 0.2
    assert adjust(p, "holm").tolist() == pytest.approx([0.04, 0.09, 0.09, 0.2])
    # BH: sorted 0.01*4/1=0.04, 0.03*4/2=0.06, 0.04*4/3=0.0533, 0.2 -> min from the top: 0.04, 0.0533, 0.0533, 0.2
    assert adjust(p, "fdr").tolist() == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])
    rng = np.random.default_rng(0)
    q = rng.uniform(0, 0.2, 50)
    m = len(q)
    order = np.argsort(q)
    holm = np.empty(m)
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * q[idx]))
        holm[idx] = running
    assert adjust(q, "holm") == pytest.approx(holm)
    bh = np.empty(m)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        idx = order[rank]
        running = min(running, q[idx] * m / (rank + 1))
        bh[idx] = running
    assert adjust(q, "fdr") == pytest.approx(bh)
    with pytest.raises(ValueError, match="correction"):
        adjust(q, "bonferonni")


def test_backbone_membership_and_counts():
    net = _random_network()
    proj = net.project_organisations("count")
    for method in ("disparity", "sdsm"):
        for correction in ("none", "holm", "fdr"):
            bb = backbone(proj, method=method, alpha=0.1, correction=correction, network=net)
            pcol = bb[f"{method}_p"].to_numpy()
            assert (bb["in_backbone"].to_numpy() == (adjust(pcol, correction) < 0.1)).all()
            r, c, _, _ = proj.tie_arrays()
            kept = bb["in_backbone"].to_numpy()
            assert bb.attrs["params"]["ties"] == kept.sum()
            assert bb.attrs["params"]["organisations"] == len(set(r[kept]) | set(c[kept]))
    # a correction never keeps more ties than none
    none = backbone(proj, method="sdsm", alpha=0.1, network=net)["in_backbone"].sum()
    holm = backbone(proj, method="sdsm", alpha=0.1, correction="holm", network=net)["in_backbone"].sum()
    assert holm <= none
    assert backbone(proj, method="none")["in_backbone"].all()


@pytest.mark.parametrize("kwargs, message", [({"method": "gdsm"}, "method"), ({"alpha": 0}, "alpha"),
                                             ({"alpha": 1.5}, "alpha"), ({"method": "sdsm"}, "network")])
def test_backbone_rejects_bad_arguments(kwargs, message):
    proj = _random_network().project_organisations("count")
    with pytest.raises(ValueError, match=message):
        backbone(proj, **kwargs)


def test_ties_csv_carries_backbone(demo_out):
    """ties.csv has both p-values and the membership the default (SDSM, FDR, 0.05) gives."""
    ties = pd.read_csv(demo_out / "ties.csv", encoding="utf-8-sig", dtype={"source": str, "target": str})
    assert {"disparity_p", "sdsm_p", "in_backbone"} <= set(ties.columns)
    for c in ("disparity_p", "sdsm_p"):
        assert ties[c].between(0, 1).all()
    expected = adjust(ties["sdsm_p"].to_numpy(), "fdr") < 0.05
    assert (ties["in_backbone"].to_numpy() == expected).all()
    assert 0 < expected.sum() < len(ties)
