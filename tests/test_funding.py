"""Duplication and concentration of funding against hand-built cases and direct formulas."""

import numpy as np
import pandas as pd
import pytest

import netcluster as nc
from netcluster.funding import budget_concentration, repeatedly_funded, similar_projects


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
