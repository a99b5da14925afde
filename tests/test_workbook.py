"""The workbook as an analyst's colleague would hand it over, read back with openpyxl (an
independent reader): an autofilter and sensible widths on every sheet, number formats by what
each column is, the labels of the registry, and names exactly as they are."""

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from netcluster.indicators import REGISTRY, SECTIONS
from netcluster.orgtypes import ORG_TYPES
from netcluster.pipeline import analyze
from netcluster.write import columns as spec
from netcluster.write.sheets import SHOWN_ORGANISATION_COLUMNS

NAMES = ["-한빛산업", "+82 Tech", "@Home Co", "=SUM(A1)", "보통기업", "Plain Ltd"]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    d = tmp_path_factory.mktemp("wb")
    rows = [("P1", NAMES[0], "서울"), ("P1", NAMES[1], "부산"), ("P1", NAMES[2], "서울"),
            ("P2", NAMES[2], "서울"), ("P2", NAMES[3], "대구"), ("P3", NAMES[4], "부산"), ("P3", NAMES[5], "서울"),
            ("P3", NAMES[0], "서울")]
    p = d / "in.csv"
    pd.DataFrame(rows, columns=["project_id", "name", "region"]).to_csv(p, index=False)
    a = analyze(p, d / "out", n_permutations=9, jobs=1, lang="en")
    return a, d / "out" / "indicators.xlsx"


def test_every_sheet_has_an_autofilter_widths_and_a_frozen_header(book):
    _, path = book
    wb = load_workbook(path)
    for ws in wb.worksheets:
        assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=ws.max_column).column_letter}{ws.max_row}" or \
            ws.title == "ties", ws.title  # (the ties sheet may end with a note row)
        assert ws.freeze_panes == "A2"
        widths = [ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width for j in range(1, ws.max_column + 1)]
        assert all(6 <= w <= 60 for w in widths), (ws.title, widths)
    with zipfile.ZipFile(path) as z:  # Excel's hidden name of each sheet's filter range
        assert z.read("xl/workbook.xml").count(b"_xlnm._FilterDatabase") == len(wb.worksheets)


def test_names_are_exact_in_the_workbook_and_guarded_in_the_csv(book):
    a, path = book
    ws = load_workbook(path)["organisations"]
    head = [c.value for c in ws[1]]
    col = head.index(spec.column("name").label["en"])
    names = {r[col] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert names == set(NAMES)  # no apostrophe: an inline string is text, never a formula
    csv = pd.read_csv(path.parent / "organisations.csv", encoding="utf-8-sig")["name"]
    assert set(csv) == {"'" + n if n[0] in "-+@=" else n for n in NAMES}  # the CSV keeps the OWASP guard


def test_number_formats_follow_what_each_column_is(book):
    _, path = book
    wb = load_workbook(path)
    ws = wb["organisations"]
    head = [c.value for c in ws[1]]
    fmt = {h: ws.cell(row=2, column=j + 1).number_format for j, h in enumerate(head)}
    assert fmt[spec.column("degree").label["en"]] == "#,##0"
    assert fmt[spec.column("{group}_external_share").label["en"].format(group="region")] == "0.0%"
    assert fmt[spec.column("{group}_ei").label["en"].format(group="region")] == "0.000"
    assert fmt[spec.column("betweenness").label["en"]] == "General"  # small values keep their digits
    sc = wb["scorecard"]
    head = [c.value for c in sc[1]]
    assert head[:3] == ["indicator id", "indicator", "value"]
    units = {i.key("region"): i.unit for i in REGISTRY}
    want = {"share": "0.0%", "count": "#,##0", "p-value": "0.00E+00"}
    seen = set()
    for r in range(2, sc.max_row + 1):
        key, cell = sc.cell(row=r, column=1).value, sc.cell(row=r, column=3)
        if key in units and isinstance(cell.value, (int, float)):
            assert cell.number_format == want.get(units[key], "0.000"), key
            seen.add(units[key])
    assert {"share", "count"} <= seen
    ties = wb["ties"]
    th = [c.value for c in ties[1]]
    assert ties.cell(row=2, column=th.index(spec.column("sdsm_p", table="ties").label["en"]) + 1).number_format \
        == "0.00E+00"


def test_labels_come_from_the_registry_and_the_column_specification(book):
    _, path = book
    wb = load_workbook(path)
    head = [c.value for c in wb["organisations"][1]]
    assert head[:2] == [spec.column("org_id").label["en"], spec.column("name").label["en"]]
    lab = pd.read_excel(path, sheet_name="labels")
    assert list(lab.columns) == ["sheet", "column id", "label"]
    sc = lab[lab["sheet"] == "scorecard"].set_index("column id")["label"]
    ind = next(i for i in REGISTRY if i.key("region") == "joint_project_share")
    assert sc["joint_project_share"] == ind.label["en"]


# -- values as a reader names them (the CSV files keep the codes) -------------------------

HANGUL = re.compile("[가-힣]")
#: headers that are names in Korean writing too
PROPER_HEADERS = {"PageRank", "HHI"}


def test_the_korean_workbook_shows_the_codes_as_a_korean_analyst_names_them(demo_out):
    """Oracle: the codes in the CSV files (what scripts read) looked up in hand-written Korean
    names — independent of the workbook's writer; the workbook read back with pandas/openpyxl."""
    xl = pd.read_excel(demo_out / "indicators.xlsx", sheet_name=None, dtype=object)
    csv = pd.read_csv(demo_out / "organisations.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert set(csv["org_type"]) <= set(ORG_TYPES)  # the CSV keeps the codes
    korean = {"firm": "기업", "university": "대학", "research": "연구기관", "government": "공공기관",
              "support": "지원기관", "other": "기타"}
    sheet = xl["organisations"]
    shown = dict(zip(sheet[spec.column("org_id").label["ko"]].astype(str),
                     sheet[spec.column("org_type").label["ko"]]))
    assert {i: shown[i] for i in csv["org_id"]} == dict(zip(csv["org_id"], csv["org_type"].map(korean)))
    for name in ("type_shares_by_phase", "type_shares_by_year"):
        assert set(xl[name]["기관유형"]) <= set(korean.values()) | {"정부·지원기관 합계"}, name
        assert "정부·지원기관 합계" in set(xl[name]["기관유형"]), name
    phases = ["1단계(2005–2008)", "2단계(2009–2013)", "3단계(2014–)"]
    for name in ("structure_by_phase", "type_shares_by_phase", "budget_concentration"):
        assert list(dict.fromkeys(xl[name]["구간"])) == phases, name
    sc = xl["scorecard"]
    codes = pd.read_csv(demo_out / "scorecard.csv", encoding="utf-8-sig")
    assert list(sc["영역"]) == [SECTIONS[s]["ko"] for s in codes["section"]]
    assert not set(sc["단위"]) & set(codes["unit"]), "units shown as codes"
    assert set(xl["quality_summary"]["처리"]) <= {"제외", "수정", "병합", "참고"}
    assert set(xl["quality_summary"]["표"]) | set(xl["conservation"]["표"]) <= {"참여 기록", "기관", "과제"}
    assert set(xl["labels"]["시트"]) == {"organisations", "ties", "scorecard", "그 밖의 시트"}  # (tabs keep their names)
    for name, col in (("changes", "방법"), ("outcomes", "방법"), ("outcomes", "비교 집단"),
                      ("quality_summary", "사유")):
        for v in xl[name][col].dropna():
            assert HANGUL.search(str(v)), (name, col, v)


def test_every_header_of_the_korean_workbook_is_korean(demo_out):
    """A column added to a table without its label in SHEET_COLUMNS shows its id (merged_with,
    split … once did): every header has Hangul, but for names written alike in Korean."""
    xl = pd.read_excel(demo_out / "indicators.xlsx", sheet_name=None, nrows=1)
    bad = {name: [c for c in frame.columns if not HANGUL.search(str(c)) and c not in PROPER_HEADERS]
           for name, frame in xl.items()}
    assert {k: v for k, v in bad.items() if v} == {}


def test_an_analysts_column_keeps_its_values():
    """Only the coded columns are relabelled: a column the analyst named like one keeps its
    values in the organisations sheet (the organisations sheet relabels org_type only)."""
    from netcluster.write.sheets import shown_values
    frame = pd.DataFrame({"org_type": ["government", "firm", None], "unit": ["count", "share", "count"]})
    out = shown_values(frame, "ko", SHOWN_ORGANISATION_COLUMNS)
    assert out["org_type"].tolist()[:2] == ["공공기관", "기업"] and pd.isna(out["org_type"].iloc[2])
    assert out["unit"].tolist() == frame["unit"].tolist()
    assert frame["org_type"].tolist()[:2] == ["government", "firm"]  # (the table itself is not changed)


def test_no_word_of_the_text_table_is_written_twice():
    """A key given twice in the TEXT literal silently hides the first entry (a heading and a
    lookup table once shared the key "methods")."""
    import ast
    import netcluster.write.text as text_module
    tree = ast.parse(Path(text_module.__file__).read_text(encoding="utf-8"))
    table = next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "TEXT")
    keys = [k.value for k in table.keys]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


def _quality_reasons_in_the_code():
    """Every reason the package can write into the quality log, read from its source: the
    ``reason=`` literals, the literals of loops over ``(…, reason, …)`` tuples, and the
    f-string reasons (as their source text)."""
    import ast
    import importlib
    import netcluster
    root = Path(netcluster.__file__).parent
    literals, formatted = set(), set()
    for path in root.rglob("*.py"):
        module = ".".join(("netcluster",) + path.relative_to(root).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "reason":
                if isinstance(node.value, ast.Constant):
                    literals.add(node.value.value)
                elif isinstance(node.value, ast.JoinedStr):
                    formatted.add(ast.unparse(node.value))
                elif isinstance(node.value, ast.Name) and node.value.id.isupper():  # a module constant
                    literals.add(getattr(importlib.import_module(module), node.value.id))
            if isinstance(node, ast.For) and isinstance(node.target, ast.Tuple) and isinstance(node.iter, ast.Tuple):
                names = [getattr(t, "id", None) for t in node.target.elts]
                if "reason" in names:
                    k = names.index("reason")
                    literals |= {e.elts[k].value for e in node.iter.elts}
    return literals, formatted


def test_every_quality_reason_has_its_korean_name():
    """The quality sheet and the report name each reason in Korean: a reason added to the
    code without its Korean name fails here (oracle: the package's own source, read by ast)."""
    from netcluster.write.text import value_labels
    literals, formatted = _quality_reasons_in_the_code()
    show = value_labels("reason", "ko")
    assert len(literals) > 30
    assert sorted(r for r in literals if not HANGUL.search(show(r))) == []
    # the reasons that hold a value: each written here with a value, so a new one fails until named
    assert formatted == {"f'conflicting {group_label} attribute, most frequent value kept'",
                         "f'encoding {encoding} as requested, although the file is also valid UTF-8'"}
    for r in ("conflicting organisation attribute, most frequent value kept",
              "conflicting project attribute, most frequent value kept",
              "encoding cp949 as requested, although the file is also valid UTF-8"):
        assert HANGUL.search(show(r)), r
    assert "cp949" in show("encoding cp949 as requested, although the file is also valid UTF-8")


@pytest.fixture(scope="module")
def by_type(tmp_path_factory, sample_tables):
    out = tmp_path_factory.mktemp("by_type")
    analyze(sample_tables, out, group_by="org_type", n_permutations=9, jobs=1)
    return out


def test_groups_of_organisation_types_are_named_in_every_output_a_reader_sees(by_type):
    """Grouped by organisation type, the groups are the types: the report, the regions page and
    the workbook name them as a Korean reader does (hand-written names as the oracle); the CSV
    files keep the codes."""
    korean = {"기업", "대학", "연구기관", "공공기관", "지원기관", "기타"}
    xl = pd.read_excel(by_type / "indicators.xlsx", sheet_name=None, dtype=object)
    assert set(xl["openness"]["기관유형"]) <= korean
    assert set(xl["region_matrix"]["기관유형 1"]) | set(xl["region_matrix"]["기관유형 2"]) <= korean
    square = xl["region_ties_square"]
    assert set(square["기관유형"]) <= korean and set(square.columns[1:]) <= korean
    assert set(xl["gatekeepers"]["구분"]) <= korean
    codes = {"firm", "university", "research", "government", "support"}
    rm = pd.read_csv(by_type / "region_matrix.csv", encoding="utf-8-sig")
    assert set(rm["region_a"]) <= codes | {"other"}  # (the CSV: codes)
    for page in ("report.html", "regions.html"):
        text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ",
                      (by_type / page).read_text(encoding="utf-8"), flags=re.S)
        text = text.split("방법과 설정")[0]  # (the methods' citations are in English)
        assert not set(re.findall(r"\b[a-z]+\b", text)) & codes, page


def test_a_small_heatmap_keeps_its_whole_title():
    """The chart is at least as wide as its title (a 5 × 5 matrix clipped its Korean title)."""
    from netcluster.write.svg import heatmap, text_width
    title = "기관유형 × 기관유형: 관측/기대 연결 비율(색, 로그 척도; 빨강 > 1)과 연결 수(숫자)"
    svg = heatmap(["a", "b"], ["a", "b"], [[1.0, 2.0], [2.0, 1.0]], title=title)
    width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
    assert width >= 4 + text_width(title, 13)  # (the title starts at x = 4)


def test_a_group_named_like_its_grouping_column(tmp_path):
    """A region cell that reads "region" (the grouping column's own name) once made the
    workbook's square sheet fail ("cannot insert region, already exists"): the group is a
    group like the others."""
    rows = [("P1", "A사", "region"), ("P1", "B사", "서울"), ("P2", "C사", "서울"), ("P2", "A사", "region"),
            ("P3", "D사", "부산"), ("P3", "B사", "서울")]
    p = tmp_path / "in.csv"
    pd.DataFrame(rows, columns=["project_id", "name", "region"]).to_csv(p, index=False)
    analyze(p, tmp_path / "out", n_permutations=9, jobs=1)
    square = pd.read_excel(tmp_path / "out" / "indicators.xlsx", sheet_name="region_ties_square")
    assert list(square.columns) == ["시·도", "region", "부산", "서울"]
    assert square.set_index("시·도").loc["region", "서울"] == 2  # (A사–B사 in P1, A사–C사 in P2)
