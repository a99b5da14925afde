"""The report a Korean cluster analyst hands to a director: language, summary, charts,
applicability and the figures comparable with the programme review."""
import html as htmllib
import re

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import netcluster as nc
from netcluster.pipeline import analyze
from netcluster.programme import is_sme, outcome_comparison, review_specialised_share

HANGUL = re.compile("[\uac00-\ud7a3]+")


def visible_text(path) -> str:
    h = path.read_text(encoding="utf-8")
    body = h[h.index("<body>"):]
    body = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


def snake_case_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+(?:\.[a-z]+)?", text)
    return [w for w in words if not re.search(r"\.(csv|json|gexf|html|xlsx|graphml)$", w)
            and w not in ("korea_cluster_tables", "korea_cluster_flat_cp949", "T_UIG")]  # (T_UIG: a notation)


@pytest.fixture(scope="module")
def sample_en(tmp_path_factory, sample_tables):
    out = tmp_path_factory.mktemp("en")
    return analyze(sample_tables, out, n_permutations=49, lang="en", jobs=1), out


@pytest.fixture(scope="module")
def eu(tmp_path_factory):
    """A small EU-style export: NUTS regions, no sector, no complexes, no patents."""
    rng = np.random.default_rng(1)
    regions = ["DE11", "DE12", "FR10", "ITC4", "ES30"]
    orgs = pd.DataFrame({"org_id": [f"E{i}" for i in range(60)], "name": [f"Org {i} GmbH" for i in range(60)],
                         "org_type": rng.choice(["firm", "university", "research"], 60),
                         "region": rng.choice(regions, 60)})
    part = pd.DataFrame({"project_id": [f"H{p}" for p in range(40) for _ in range(3)],
                         "org_id": [f"E{rng.integers(0, 60)}" for _ in range(120)]}).drop_duplicates()
    proj = pd.DataFrame({"project_id": [f"H{p}" for p in range(40)], "year": rng.integers(2015, 2021, 40)})
    ds = nc.from_frames(part, orgs, proj)
    out = tmp_path_factory.mktemp("eu")
    return analyze(None, out, dataset=ds, n_permutations=19, jobs=1), out


def test_language_follows_the_data_and_can_be_chosen(demo_out, sample_en, eu):
    ko = (demo_out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in ko and "<h2>요약</h2>" in ko and "<h2>핵심 지표</h2>" in ko
    a, out = sample_en
    en = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in en and "<h2>Summary</h2>" in en
    assert eu[0].params["lang"] == "en" and not eu[0].params["korean"]
    for page in ("network.html", "regions.html"):
        assert '<html lang="ko">' in (demo_out / page).read_text(encoding="utf-8")


def test_no_snake_case_ids_in_visible_text(demo_out, sample_en):
    for path in (demo_out / "report.html", sample_en[1] / "report.html"):
        assert snake_case_words(visible_text(path)) == [], path


def test_korean_report_is_korean_throughout(demo_out):
    text = visible_text(demo_out / "report.html")
    allowed = {"Leiden", "Newman", "Krackhardt", "Stern", "PageRank", "UCINET", "Jaccard", "Leydesdorff", "ARI",
               "NMI", "Gould", "Fernandez", "Graf", "Burt", "Fruchterman", "Reingold", "seed", "netcluster", "PDF",
               "igraph", "Download"}
    # what stays in Latin letters: citations (authors, journals, titles), names of methods, file names
    methods = text[text.rindex("방법과 설정"):]
    body = text[:text.rindex("방법과 설정")]
    body = re.sub(r"\b\w+\.(csv|json|html|gexf|xlsx)\b", " ", body)  # file names
    words = {w for w in re.findall(r"\b[A-Za-z]{4,}\b", body)} - allowed
    assert words <= {"cluster", "tables", "korea", "html", "json", "csv", "gexf", "xlsx", "UTF", "CSV", "XLSX", "quality",
                     "SVG", "PNG", "T_UIG", "KSIC", "CP949"}, sorted(words)  # (no organisation-type code)
    assert len(HANGUL.findall(body)) > 500 and methods


def test_summary_states_findings_with_numbers(demo_out, sample_en):
    for path in (demo_out / "report.html", sample_en[1] / "report.html"):
        h = path.read_text(encoding="utf-8")
        items = re.findall(r"<li>(.*?)</li>", h[h.index('id="summary"'):h.index('id="headline"')], re.S)
        assert 6 <= len(items) <= 10, len(items)
        assert all(re.search(r"\d", i) for i in items)
    ko = (demo_out / "report.html").read_text(encoding="utf-8")
    assert "검토 보고서: 지원 과제의 90% 이상" in ko and "무작위" in ko and "p = 0.0" in ko or "p &lt; 0.001" in ko


def test_every_headline_figure_has_a_chart(demo_out):
    h = (demo_out / "report.html").read_text(encoding="utf-8")
    sc = pd.read_csv(demo_out / "scorecard.csv", encoding="utf-8-sig")
    for key in sc.loc[sc["value"].notna(), "indicator"]:
        card = h[h.index(f'id="f-{key}"'):]
        card = card[:card.index("</figure>")]
        assert "<svg" in card and 'data-dl="png"' in card and 'data-dl="svg"' in card, key
    ev = re.findall(r'<figure class="chart-box"', h[h.index('id="evolution"'):])
    assert len(ev) >= 15  # every evolution series, and the growth


def test_not_applicable_everywhere_never_zero(eu):
    a, out = eu
    sc = pd.read_csv(out / "scorecard.csv", encoding="utf-8-sig").set_index("indicator")
    for key in ("kis_share_participating_firms", "complexes_covered_share", "patent_ratio_sme"):
        assert pd.isna(sc.loc[key, "value"]) and sc.loc[key, "note"].startswith("not applicable"), key
    ws = load_workbook(out / "indicators.xlsx", read_only=True)["scorecard"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True)}
    head = rows["indicator id"]  # the English report's workbook: English headers
    kis = rows["kis_share_participating_firms"]
    assert kis[head.index("value")] is None and kis[head.index("note")].startswith("not applicable")
    text = visible_text(out / "report.html")
    assert "not applicable" in text and "Knowledge-service firms" in text


def test_non_korean_data_carry_no_korean_review_phases_or_provinces(eu):
    a, out = eu
    text = visible_text(out / "report.html")
    names = set(a.organisations["name"])
    assert not [w for w in HANGUL.findall(text) if not any(w in n for n in names)]
    assert "review" not in text.lower() and "phase" not in text.lower() and "province" not in text.lower()
    assert a.scorecard["review_figure"].isna().all() and len(a.evolution_phase) == 0
    for page in ("network.html", "regions.html"):
        assert not HANGUL.search(visible_text(out / page))


def test_phases_only_when_given_on_other_data(tmp_path, eu):
    a = analyze(None, tmp_path, dataset=eu[0].dataset, n_permutations=9, jobs=1, phases="2015-2017,2018-")
    assert sorted(set(a.evolution_phase["slice"])) == ["2015-2017", "2018-"]
    assert "2015-2017" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_phase_table_compares_counts_per_year(demo_out, sample_dataset):
    """Phases of 4, 5 and 1 years: counts and coverage are compared on yearly means (oracle:
    the projects per year by plain pandas), shares over the whole phase."""
    per_year = sample_dataset.projects.dropna(subset=["year"]).groupby("year").size()
    want = {name: per_year[(per_year.index >= a) & ((b is None) | (per_year.index <= (b or 9999)))].mean()
            for name, (a, b) in nc.slices.DEFAULT_PHASES.items()}
    h = (demo_out / "report.html").read_text(encoding="utf-8")
    row = re.search(r"<tr><td>과제 수 \(연평균\)</td>(.*?)</tr>", h).group(1)
    got = [float(v.replace(",", "")) for v in re.findall(r">([\d,.]+)<", row)]
    assert got == pytest.approx([round(w) for w in want.values()], abs=0.5)


def test_patent_ratio_against_ordinary_smes_by_hand(sample_dataset):
    """The review's comparison: participating SMEs against non-participating SMEs (oracle:
    plain pandas means), with a bootstrap of 2,000 draws."""
    o = sample_dataset.organisations
    f = o[(o["org_type"] == "firm") & o["patents"].notna() & o["size"].isin(["소기업", "중기업"])]
    want = f.loc[f["participant"], "patents"].mean() / f.loc[~f["participant"], "patents"].mean()
    got = outcome_comparison(sample_dataset, "patents", comparison="sme", n_boot=2000, seed=0).iloc[0]
    assert got["ratio"] == pytest.approx(want) and got["ci_low"] < want < got["ci_high"]
    assert abs(got["ratio"] - 4.6) < 0.3  # the calibrated sample: the review's 4.6x
    assert is_sme(pd.Series(["소기업", "중견기업", None, "Small"])).tolist() == [True, False, False, True]


def test_specialised_share_of_the_pilot_complexes_by_hand():
    """The pilot complexes' specialised share in the review's years (or the nearest), weighted
    by employees when there is no output column; hand-computed on a tiny dataset."""
    part = pd.DataFrame({"project_id": ["P1", "P1", "P2", "P2", "P3"], "org_id": ["a", "b", "a", "c", "d"]})
    orgs = pd.DataFrame({"org_id": list("abcde"), "name": list("가나다라마"), "org_type": ["firm"] * 5,
                         "region": ["경남", "경남", "경북", "경남", "경남"],
                         "complex": ["창원국가산업단지", "창원국가산업단지", "구미국가산업단지", "서울디지털산업단지",
                                     "창원국가산업단지"],
                         "sector": ["30110", "26110", "26120", "30110", "30110"],
                         "specialised": ["30", "30", "26", "26", "30"],
                         "employees": [100, 300, 50, 10, 40]})
    proj = pd.DataFrame({"project_id": ["P1", "P2", "P3"], "year": [2005, 2012, 2012]})
    ds = nc.from_frames(part, orgs, proj)
    r = review_specialised_share(ds).set_index("year_asked")
    # 2004 -> 2005: a (30 in 창원: yes, 100) and b (26: no, 300): 100 / 400
    assert r.loc[2004, "year"] == 2005 and r.loc[2004, "share"] == pytest.approx(0.25)
    # 2012: a (yes, 100), c (구미 26: yes, 50); d is 서울디지털 (not a pilot): 150 / 150
    assert r.loc[2012, "share"] == pytest.approx(1.0) and r.loc[2012, "weight"] == "employees"
    # over the population of the pilot complexes (a, b, c, e): (100 + 50 + 40) / 490
    assert r.loc[2012, "population_share"] == pytest.approx(190 / 490)


def test_scorecard_and_workbook_carry_labels_and_comparability(demo_out):
    sc = pd.read_csv(demo_out / "scorecard.csv", encoding="utf-8-sig").set_index("indicator")
    assert sc.loc["patent_ratio_sme", "label"] == "참여 중소기업 특허 배수(일반 중소기업 대비)"
    assert "비교 가능" in sc.loc["specialised_share_pilot_2012", "comparability"]
    assert sc.loc["patent_ratio_sme", "ci_low"] < sc.loc["patent_ratio_sme", "value"] < sc.loc["patent_ratio_sme", "ci_high"]
    labels = pd.read_excel(demo_out / "indicators.xlsx", sheet_name="labels")
    assert list(labels.columns) == ["시트", "열 ID", "표시 이름"]
    labels.columns = ["sheet", "column", "label"]
    row = labels[(labels["sheet"] == "organisations") & (labels["column"] == "coreness")]
    assert row["label"].tolist() == ["k-코어 수"]


@pytest.mark.shared
def test_keep_export_report_is_english_without_review_figures(tmp_path, shared_data):
    """A real EU export (KEEP Interreg): an English report, no Hangul outside organisation
    names, no review figure, no phases, no provinces."""
    from pathlib import Path
    mapping = Path(nc.datasets.mapping_path("keep_interreg"))
    a = analyze(shared_data / "keep_interreg_2014_2020" / "keep_closed_1420_Partnership.csv", tmp_path,
                mapping=mapping, n_permutations=19)
    assert a.params["lang"] == "en" and not a.params["korean"]
    text = visible_text(tmp_path / "report.html")
    names = " ".join(a.organisations["name"].dropna())
    assert [w for w in HANGUL.findall(text) if w not in names] == []
    assert "review" not in text.lower() and "province" not in text.lower()
    assert a.scorecard["review_figure"].isna().all()


def test_report_states_the_backbone(demo_out, sample_en):
    """Method, correction, alpha and what remains, counted independently from ties.csv."""
    ties = pd.read_csv(demo_out / "ties.csv", dtype={"source": str, "target": str}, encoding="utf-8-sig")
    kept = ties[ties["in_backbone"]]
    orgs = len(pd.unique(pd.concat([kept["source"], kept["target"]])))
    ko = visible_text(demo_out / "report.html")
    assert "SDSM" in ko and "Benjamini" in ko and "유의수준 0.05" in ko
    assert f"연결 {len(ties):,}개 중 {len(kept):,}개" in ko and f"기관 {orgs:,}곳이" in ko
    en = visible_text(sample_en[1] / "report.html")
    assert f"{len(kept):,} of {len(ties):,} ties" in en and "α = 0.05" in en
