"""Duplication and concentration of funding against hand-built cases and direct formulas."""

import numpy as np
import pandas as pd
import pytest

import netcluster as nc
from netcluster.funding import budget_concentration, repeatedly_funded, similar_projects, title_bigrams


@pytest.fixture(scope="module")
def ds():
    """A-B: other programme, one year apart, similar titles, same consortium -> listed.
    A-C: same programme -> not (but B-C is listed, as A-B).  A-D: other programme but four years apart -> not.
    A-E: other programme, similar title, consortium overlap 1/4 -> not (below 0.3).
    F-G: other programme, same consortium, unrelated titles -> not."""
    part = pd.DataFrame({"project_id": list("AABBCCDDEEEEFFGG"),
                         "org_id": list("xyxyxyxyxpqrxyxy")})
    proj = pd.DataFrame({"project_id": list("ABCDEFG"), "year": [2010, 2011, 2010, 2014, 2010, 2012, 2012],
                         "programme": ["P1", "P2", "P1", "P2", "P2", "P1", "P2"],
                         "title": ["스마트공장 고도화 지원", "스마트 공장 고도화 지원사업", "스마트공장 고도화 지원",
                                   "스마트공장 고도화 지원", "스마트공장 고도화 지원", "바이오 소재 개발", "조선 해양 플랜트"],
                         "budget": [100, 200, 50, 10, 40, 30, 30]})
    return nc.from_frames(part, projects=proj)


def test_similar_projects_by_hand(ds):
    sim = similar_projects(ds)
    assert sim[["project_a", "project_b"]].values.tolist() == [["A", "B"], ["B", "C"]]
    row = sim.iloc[0]
    assert row["shared_organisations"] == 2 and row["consortium_jaccard"] == 1.0
    a = {"스마", "마트", "트공", "공장", "장고", "고도", "도화", "화지", "지원"}
    b = a | {"원사", "사업"}
    assert row["title_similarity"] == pytest.approx(len(a & b) / np.sqrt(len(a) * len(b)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_similar_projects_against_all_pairs(seed):
    """Every pair of projects checked by plain Python sets (the blocked sparse products and the
    prefix filter must neither lose nor add a pair): hubs in many projects, single-character,
    empty and missing titles, missing years and programmes, one-participant projects, a 200,000-character title."""
    rng = np.random.default_rng(seed)
    n_proj, orgs = 90, [f"o{i}" for i in range(14)]
    rows = []
    for p in range(n_proj):
        k = int(rng.integers(1, 6))
        chosen = set(rng.choice(orgs, size=k, replace=False, p=np.r_[[0.3, 0.2], np.full(12, 0.5 / 12)]))
        rows += [(f"P{p:03d}", o) for o in sorted(chosen)]
    part = pd.DataFrame(rows, columns=["project_id", "org_id"])
    words = ["스마트 공장", "공장 스마트화", "바이오", "소재 부품", "가", "", None, "SMART factory", "스마트공장 2단계",
             "스마트 공장 고도화 " * 20_000]  # a pasted-in text of 200,000 characters
    proj = pd.DataFrame({"project_id": [f"P{p:03d}" for p in range(n_proj)],
                         "year": rng.choice([2010, 2011, 2012, 2013, 2014, np.nan], size=n_proj),
                         "programme": rng.choice(["A", "B", "C", None], size=n_proj, p=[0.4, 0.3, 0.2, 0.1]),
                         "title": [words[i] for i in rng.integers(0, len(words), size=n_proj)]})
    ds = nc.from_frames(part, projects=proj)
    got = similar_projects(ds, years=2, title_threshold=0.5, overlap_threshold=0.3)
    members = ds.participations.groupby("project_id")["org_id"].agg(set).to_dict()
    pr = ds.projects.set_index("project_id")
    want = []
    ids = sorted(pr.index)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            pa, pb = pr.at[a, "programme"], pr.at[b, "programme"]
            ya, yb = pr.at[a, "year"], pr.at[b, "year"]
            if pd.isna(pa) or pd.isna(pb) or pa == pb or pd.isna(ya) or pd.isna(yb) or abs(ya - yb) > 2:
                continue
            x, y = members.get(a, set()), members.get(b, set())
            jac = len(x & y) / len(x | y) if x | y else 0.0
            ga, gb = title_bigrams(pr.at[a, "title"]), title_bigrams(pr.at[b, "title"])
            sim = len(ga & gb) / np.sqrt(len(ga) * len(gb)) if ga and gb else 0.0
            if jac >= 0.3 and sim >= 0.5:
                want.append((a, b, len(x & y), jac, sim))
    assert len(want) > 5  # the case is not trivial
    got_rows = sorted(zip(got["project_a"], got["project_b"], got["shared_organisations"],
                          got["consortium_jaccard"], got["title_similarity"]))
    assert [r[:3] for r in got_rows] == [r[:3] for r in sorted(want)]
    assert np.allclose([r[3:] for r in got_rows], [r[3:] for r in sorted(want)])


def test_concentration_against_direct_formulas(ds):
    bc = budget_concentration(ds, by="phase", phases={"all": (2010, 2014)}).iloc[0]
    part = ds.participations.merge(ds.projects[["project_id", "budget"]], on="project_id")
    part["share"] = part["budget"] / part.groupby("project_id")["org_id"].transform("size")
    r = part.groupby("org_id")["share"].sum().to_numpy()
    s = r / r.sum()
    assert bc["hhi"] == pytest.approx((s ** 2).sum())
    gini = np.abs(r[:, None] - r[None, :]).sum() / (2 * len(r) ** 2 * r.mean())
    assert bc["gini"] == pytest.approx(gini)
    assert bc["top10_share"] == pytest.approx(s.max())  # 5 recipients: the top 10% is one
    assert bc["budget"] == pytest.approx(460.0)


def test_repeatedly_funded(ds):
    rf = repeatedly_funded(ds).set_index("org_id")
    assert set(rf.index) == {"x", "y"} and rf.loc["x", "programmes"] == 2 and rf.loc["x", "projects"] == 7
    assert rf.loc["x", "budget"] == pytest.approx(100 / 2 + 200 / 2 + 50 / 2 + 10 / 2 + 40 / 4 + 30 / 2 + 30 / 2)
