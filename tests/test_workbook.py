"""The workbook as an analyst's colleague would hand it over, read back with openpyxl (an
independent reader): an autofilter and sensible widths on every sheet, number formats by what
each column is, the labels of the registry, and names exactly as they are."""

import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from netcluster.indicators import REGISTRY
from netcluster.pipeline import analyze
from netcluster.write import columns as spec

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
