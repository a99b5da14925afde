"""Exports as they come (issue 20): compressed files, JSON, workbooks with several sheets, the
source's own categories, counts from participations, candidate columns, money and years as
text, multi-valued cells, strict mappings, --group-by by any name, a clean output folder."""
import bz2
import gzip
import hashlib
import io
import json
import lzma
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

import netcluster as nc
from netcluster.cli import main
from netcluster.exceptions import InputError, MappingError, MissingColumnError
from netcluster.openness import ei_index
from netcluster.pipeline import analyze
from netcluster.readers import read_table

PART = ("project_id,org_id,name,org_type,region\n"
        "P1,A,가나기업,firm,충북\nP1,B,다라대학교,university,대전\nP1,A,가나기업,firm,충북\n"
        "P2,B,다라대학교,university,대전\nP2,C,마바연구원,research,충북\nP3,C,마바연구원,research,충북\n")


def frames(ds):
    return [getattr(ds, t).drop(columns=["file", "line"], errors="ignore") for t in
            ("participations", "organisations", "projects")]


def same_dataset(a, b):
    for x, y in zip(frames(a), frames(b)):
        pd.testing.assert_frame_equal(x, y)


# -- 1. compressed input ---------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["gz", "bz2", "xz", "zip"])
def test_compressed_file_reads_like_the_plain_one(tmp_path, kind):
    plain = tmp_path / "plain.csv"
    plain.write_bytes(PART.encode("cp949"))
    data = PART.encode("cp949")
    packed = tmp_path / f"export.csv.{kind}"
    if kind == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("export/participations.csv", data)
        packed.write_bytes(buf.getvalue())
    else:
        packed.write_bytes({"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind](data))
    a, b = nc.load_dataset(plain), nc.load_dataset(packed)
    same_dataset(a, b)
    raw = read_table(packed)
    assert raw.encoding == "cp949" and raw.lines.tolist() == [2, 3, 4, 5, 6, 7]
    dup = b.quality.events.query("reason == 'duplicate participation'")
    assert dup["line"].tolist() == [4] and dup["file"].iloc[0].startswith(str(packed))


def test_zip_of_a_folder_of_tables_is_read_as_the_folder(tmp_path):
    folder = nc.datasets.get_path("korea_cluster_tables")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.iterdir()):
            z.write(p, f"korea/{p.name}")
        z.writestr("__MACOSX/._participations.csv", b"\x00\x05")
    p = tmp_path / "tables.zip"
    p.write_bytes(buf.getvalue())
    same_dataset(nc.load_dataset(folder), nc.load_dataset(p))
    with pytest.raises(InputError, match="several tables"):
        read_table(p)


# -- 2. JSON ---------------------------------------------------------------------------------

RECORDS = [{"projectID": 101, "org": {"id": "A", "name": "Alpha GmbH", "type": "PRC"}, "country": "DE",
            "sme": True, "cost": 1500.5, "note": ""},
           {"projectID": 101, "org": {"id": "B", "name": "Beta SA", "type": "HES"}, "country": "FR",
            "sme": False, "cost": None, "note": "x"},
           {"projectID": 102, "org": {"id": "B", "name": "Beta SA", "type": "HES"}, "country": "FR",
            "sme": False, "cost": 7, "tags": ["a", "b"]}]
JSON_MAPPING = {"columns": {"project_id": "projectID", "org_id": "org.id", "name": "org.name",
                            "org_type": "org.type", "region": "country"},
                "values": {"org_type": {"PRC": "firm", "HES": "university"}}}


@pytest.mark.parametrize("layout", ["array", "lines", "wrapped"])
def test_json_records_flattened(tmp_path, layout):
    p = tmp_path / ("e.jsonl" if layout == "lines" else "e.json")
    if layout == "array":
        p.write_text(json.dumps(RECORDS, indent=2))
    elif layout == "lines":
        p.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    else:
        p.write_text(json.dumps({"total": 3, "results": RECORDS}))
    raw = read_table(p)
    f = raw.frame
    assert list(f.columns[:5]) == ["projectID", "org.id", "org.name", "org.type", "country"]
    assert f["projectID"].tolist() == ["101", "101", "102"] and f["sme"].tolist() == ["true", "false", "false"]
    assert f["cost"].tolist()[0] == "1500.5" and pd.isna(f["cost"].iloc[1]) and pd.isna(f["note"].iloc[0])
    assert f["tags"].iloc[2] == "a;b"
    if layout == "array":  # each record's first line: where its "{" is
        text = p.read_text().splitlines()
        assert raw.lines.tolist() == [i + 1 for i, t in enumerate(text) if t == "  {"]
    elif layout == "lines":
        assert raw.lines.tolist() == [1, 2, 3]
    ds = nc.load_dataset(p, mapping=JSON_MAPPING)
    assert len(ds.participations) == 3
    orgs = ds.organisations.set_index("org_id")
    assert orgs.loc["A", "org_type"] == "firm" and orgs.loc["A", "org_category"] == "PRC"


def test_bad_json_says_where(tmp_path):
    p = tmp_path / "e.json"
    p.write_text('[{"a": 1},\n {"a": 2,}\n]')
    with pytest.raises(InputError, match=r"not valid JSON") as e:
        read_table(p)
    assert e.value.line == 2
    p.write_text('[1, 2]')
    with pytest.raises(InputError, match="object"):
        read_table(p)


def test_cordis_csv_and_json_give_the_same_dataset(shared_data, tmp_path):
    src = shared_data / "cordis_horizon_europe_head100"
    mapping = nc.datasets.mapping_path("cordis_horizon_europe")
    org = pd.read_csv(src / "organization_df_100.csv", dtype=str, keep_default_na=False)
    prj = pd.read_csv(src / "project_df_100.csv", dtype=str, keep_default_na=False)
    d = tmp_path / "json"
    d.mkdir()
    (d / "organization.json").write_text(json.dumps(org.to_dict("records"), ensure_ascii=False))
    (d / "project.json.gz").write_bytes(gzip.compress(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in prj.to_dict("records")).encode()))
    (d / "projectTopics.csv").write_text("projectID,topic\n1,x\n")   # not matched by "project[._]*"
    a, b = nc.load_dataset(src, mapping=mapping), nc.load_dataset(d, mapping=mapping)
    same_dataset(a, b)
    assert b.projects["year"].notna().all()


# -- 3. workbooks as a folder of tables -------------------------------------------------------

def _two_sheet_book(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["Project", "Partner", "Type"])
    for row in [("P1", "Alpha", "firm"), ("P1", "Beta", "university"), ("P2", "Beta", "university"),
                ("P2", "Gamma", "research")]:
        ws.append(row)
    ws2 = wb.create_sheet("Projects")
    ws2.append(["Project", "Year", "Budget"])
    ws2.append(["P1", 2015, 1000])
    ws2.append(["P2", 2017, 2000])
    ws3 = wb.create_sheet("Contacts")
    ws3.append(["Project", "Email"])
    ws3.append(["P1", "a@example.org"])
    wb.save(path)


def test_workbook_sheets_as_tables(tmp_path):
    book = tmp_path / "export.xlsx"
    _two_sheet_book(book)
    cols = {"project_id": "Project", "name": "Partner", "org_type": "Type", "year": "Year", "budget": "Budget"}
    by_file = {"columns": cols, "tables": {"participations": {"file": "export.xlsx", "sheet": "Partners"},
                                           "projects": {"file": "export.xlsx", "sheet": "Projects"}}}
    ds = nc.load_dataset(tmp_path, mapping=by_file)
    assert ds.projects.set_index("project_id")["year"].to_dict() == {"P1": 2015, "P2": 2017}
    # the workbook itself as the input, tables named by sheet
    by_sheet = {"columns": cols, "tables": {"participations": "Partners", "projects": {"sheet": "Projects"}}}
    same_dataset(ds, nc.load_dataset(book, mapping=by_sheet))
    # a sheet that does not exist lists the sheets
    bad = {"columns": cols, "tables": {"participations": "Partners", "projects": "Projekte"}}
    with pytest.raises(InputError, match=r"no sheet 'Projekte'.*\['Partners', 'Projects', 'Contacts'\]"):
        nc.load_dataset(book, mapping=bad)
    # the wrong sheet read as the projects table: an error, not thousands of silent drops
    wrong = {"columns": cols, "tables": {"participations": "Partners", "projects": "Contacts"}}
    with pytest.raises(MissingColumnError, match="right file or sheet"):
        nc.load_dataset(book, mapping=wrong)
    twice = {"columns": cols, "tables": {"participations": "Partners", "projects": "Partners"}}
    with pytest.raises(MappingError, match="both read"):
        nc.load_dataset(book, mapping=twice)


def test_keep_partners_with_a_projects_sheet_built_from_it(shared_data, tmp_path):
    keep = pd.read_csv(shared_data / "keep_interreg_2014_2020" / "keep_closed_1420_Partnership.csv", sep=";",
                       dtype=str, keep_default_na=False)
    projects = keep[["Programme", "Acronym"]].drop_duplicates().head(300).copy()
    projects["Start year"] = [2015 + i % 6 for i in range(len(projects))]
    part = keep.merge(projects[["Programme", "Acronym"]], on=["Programme", "Acronym"])
    book = tmp_path / "keep.xlsx"
    with pd.ExcelWriter(book) as w:
        part.to_excel(w, sheet_name="Partners", index=False)
        projects.to_excel(w, sheet_name="Projects", index=False)
    text = nc.datasets.mapping_path("keep_interreg").read_text(encoding="utf-8")
    text = text.replace('delimiter = ";"', "") + '\n[tables]\nparticipations = "Partners"\nprojects = "Projects"\n'
    text = text.replace("[columns]\n", '[columns]\nyear = "Start year"\n', 1)
    m = tmp_path / "m.toml"
    m.write_text(text, encoding="utf-8")
    ds = nc.load_dataset(book, mapping=m)
    assert ds.projects["year"].notna().all() and set(ds.projects["year"]) <= set(range(2015, 2021))


# -- 4. the source's categories are kept ------------------------------------------------------

def _category_tables(tmp_path, mapping_values=None):
    rng = np.random.default_rng(3)
    cats = ["1군", "2군", "3군", "협력형", "수요처"]   # an agency's own classes: no built-in word knows them
    orgs = pd.DataFrame({"org_id": [f"O{i:02d}" for i in range(40)], "name": [f"기관{i}" for i in range(40)],
                         "기관구분": [cats[i % 5] for i in range(40)], "region": "충북"})
    part = pd.DataFrame({"project_id": [f"P{p}" for p in range(30) for _ in range(3)],
                         "org_id": [f"O{rng.integers(0, 40):02d}" for _ in range(90)]}).drop_duplicates()
    d = tmp_path / "t"
    d.mkdir()
    orgs.to_csv(d / "organisations.csv", index=False)
    part.to_csv(d / "participations.csv", index=False)
    mapping = {"columns": {"org_type": "기관구분"}}
    if mapping_values:
        mapping["values"] = {"org_type": mapping_values}
    return d, orgs, part, mapping


def test_source_categories_kept_and_unrecognised_labels_loud(tmp_path):
    d, orgs, part, mapping = _category_tables(tmp_path)
    ds = nc.load_dataset(d, mapping=mapping)
    o = ds.organisations.set_index("org_id")
    assert (o.loc[orgs["org_id"], "org_category"].to_numpy() == orgs["기관구분"].to_numpy()).all()
    warn = ds.quality.events.query("action == 'warning'")
    assert set(warn["value"]) == set(orgs["기관구분"])
    table = {r["label"]: r for r in ds.quality.tables["org_type_labels"]}
    assert set(table) == set(orgs["기관구분"]) and table["수요처"]["how"] == "inferred from name"
    assert table["1군"]["organisations"] == 8
    # merging two source labels into one type leaves org_category as it was
    (tmp_path / "b").mkdir()
    d2, _, _, mapping2 = _category_tables(tmp_path / "b", {"1군": "firm", "2군": "firm", "3군": "firm",
                                                          "협력형": "research", "수요처": "government"})
    ds2 = nc.load_dataset(d2, mapping=mapping2)
    assert set(ds2.organisations["org_category"]) == set(orgs["기관구분"])
    assert set(ds2.organisations["org_type"]) == {"firm", "research", "government"}
    assert ds2.quality.events.query("action == 'warning'").empty


def test_group_by_org_category_is_the_sources_e_i(tmp_path):
    d, orgs, part, mapping = _category_tables(tmp_path)
    m = tmp_path / "m.toml"
    m.write_text('[columns]\norg_type = "기관구분"\n', encoding="utf-8")
    a = analyze(d, tmp_path / "out", mapping=m, group_by="org_category", n_permutations=9, jobs=1)
    # oracle: E-I over the ties with pandas on the source's labels
    label = orgs.set_index("org_id")["기관구분"]
    pairs = part.merge(part, on="project_id")
    pairs = pairs[pairs["org_id_x"] < pairs["org_id_y"]].drop_duplicates(["org_id_x", "org_id_y"])
    ext = (pairs["org_id_x"].map(label) != pairs["org_id_y"].map(label)).sum()
    expected = (ext - (len(pairs) - ext)) / len(pairs)
    assert ei_index(a.projection, a.organisations["org_category"]).ei == pytest.approx(expected)
    assert a.openness.loc[label.iloc[0], "ei"] == pytest.approx(
        ei_index(a.projection, a.organisations["org_category"]).groups.loc[label.iloc[0], "ei"])
    assert a.params["group_by"] == "org_category"


# -- 5. counts from participations ------------------------------------------------------------

def test_projects_without_participations_are_not_counted(tmp_path):
    d = tmp_path / "t"
    d.mkdir()
    (d / "participations.csv").write_text("project_id,org_id\nP1,A\nP1,B\nP2,A\n")
    (d / "projects.csv").write_text("project_id,year\nP1,2010\nP2,2010\nP3,2011\nP4,2011\nP5,2012\n")
    ds = nc.load_dataset(d)
    assert sorted(ds.projects["project_id"]) == ["P1", "P2"]
    ev = ds.quality.events.query("reason == 'project with no participations (not counted)'")
    assert ev["line"].tolist() == [4, 5, 6]
    assert ds.quality.conservation().set_index("table").loc["projects", "balanced"]
    sc = nc.scorecard(ds, n_permutations=9).set_index("indicator")
    assert sc.loc["joint_project_share", "value"] == pytest.approx(0.5)  # 1 of the 2 real projects


# -- 6. candidate columns, empty columns, money, years, multi-valued cells, strict mappings -----

def test_candidate_columns_and_an_empty_mapped_column(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text("projectID,org,nutsCode,country\nP1,A,DE21,DE\nP1,B,,FR\nP2,C,,\n")
    ds = nc.load_dataset(p, mapping={"columns": {"project_id": "projectID", "name": "org",
                                                 "region": ["nutsCode", "country"]}})
    o = ds.organisations.set_index("name")
    assert o.loc["A", "region"] == "DE21" and o.loc["A", "region_from"] == "nutsCode"
    assert o.loc["B", "region"] == "FR" and o.loc["B", "region_from"] == "country"
    assert pd.isna(o.loc["C", "region"])
    q = tmp_path / "f.csv"
    q.write_text("projectID,org,nutsCode,country\nP1,A,,DE\nP1,B,,FR\n")
    ds = nc.load_dataset(q, mapping={"columns": {"project_id": "projectID", "name": "org", "region": "nutsCode"}})
    w = ds.quality.events.query("reason == 'mapped column is empty in every row'")
    assert len(w) == 1 and "country" in w["detail"].iloc[0]


def test_money_text_and_bare_years(tmp_path):
    d = tmp_path / "t"
    d.mkdir()
    (d / "participations.csv").write_text("project_id,org_id\nP1,A\nP2,A\nP3,A\nP4,A\n")
    (d / "projects.csv").write_text('project_id,budget,start_date\nP1,"$445,921",2019\nP2,"₩ 1,200,000",'
                                    '2020-03-01\nP3,"EUR 12",\nP4,"1.234.567,89 €",2021\n', encoding="utf-8")
    pr = nc.load_dataset(d).projects.set_index("project_id")
    assert pr["budget"].tolist() == [445921.0, 1200000.0, 12.0, 1234567.89]
    assert pr.loc["P1", "year"] == 2019 and pr.loc["P4", "year"] == 2021
    # a EU column: the convention is the column's
    (d / "projects.csv").write_text('project_id,budget\nP1,"1.234,5"\nP2,"2,5"\nP3,"1,250"\nP4,7\n')
    ds = nc.load_dataset(d)
    assert ds.projects.set_index("project_id")["budget"].tolist() == [1234.5, 2.5, 1.25, 7.0]
    assert (ds.quality.events["reason"] == "number like 1,234 read with the column's decimal comma").sum() == 1


def test_multi_valued_cells(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text("project_id,name,org_type\nP1,A,PRC;PRC\nP1,B,HES\nP2,B,HES|REC\n")
    ds = nc.load_dataset(p)
    w = ds.quality.events.query("reason == 'cell looks multi-valued (a separator can be set in the mapping)'")
    assert set(w["value"]) == {"PRC;PRC", "HES|REC"} and w["line"].tolist() == [2, 4]
    ds = nc.load_dataset(p, mapping={"read": {"multi_value_separator": ";"}})
    o = ds.organisations.set_index("name")
    assert o.loc["A", "org_category"] == "PRC;PRC" and o.loc["A", "org_type"] == "firm"
    ev = ds.quality.events.query("reason == 'multi-valued cell, first value kept'")
    assert ev["line"].tolist() == [2] and ev["detail"].iloc[0] == "dropped: PRC"


@pytest.mark.parametrize("mapping, message", [
    ({"colums": {}}, "did you mean 'columns'"),
    ({"read": {"na_value": ["NA"]}}, "did you mean 'na_values'"),
    ({"columns": {"regoin": "x"}}, "did you mean 'region'"),
    ({"columns": {"projects": {"budgte": "x"}}}, "did you mean 'budget'"),
    ({"values": {"orgtype": {"a": "b"}}}, "unknown column"),
    ({"read": {"na_values": {"country": ["NA"]}}}, "unknown column"),
    ({"tables": {"partners": "a.csv"}}, "unknown table"),
    ({"read": {"multi_value_separator": ""}}, "multi_value_separator"),
])
def test_unknown_mapping_keys_are_errors(mapping, message):
    with pytest.raises(MappingError, match=message):
        nc.load_dataset(nc.datasets.get_path("korea_cluster_flat_cp949"), mapping=mapping)


def test_per_column_na_values_keep_namibia(tmp_path):
    p = tmp_path / "e.csv"
    p.write_text("project_id,name,region,budget\nP1,A,NA,NA\nP1,B,DE,5\n")
    ds = nc.load_dataset(p, mapping={"read": {"na_values": {"budget": ["NA"]}}})
    assert set(ds.organisations["region"]) == {"NA", "DE"}      # Namibia stays a country
    assert ds.projects["budget"].tolist() == [5.0]                # "NA" is a missing budget, not a conflict
    assert not ds.quality.events["reason"].str.startswith("conflicting").any()
    ds = nc.load_dataset(p, mapping={"read": {"na_values": ["NA"]}})
    assert ds.organisations["region"].isna().sum() == 1         # the global form loses it


# -- 7. --group-by by any name ----------------------------------------------------------------

@pytest.mark.parametrize("name, column", [("시도", "region"), ("시·도", "region"), ("기관유형", "org_type"),
                                          ("wide region", "wide_region"), ("광역경제권", "wide_region")])
def test_group_by_any_name_the_user_knows(tmp_path, name, column):
    a = analyze(nc.datasets.get_path("korea_cluster_tables"), tmp_path, group_by=name, n_permutations=9, jobs=1)
    assert a.params["group_by"] == column


def test_group_by_source_header_and_a_clear_error(tmp_path, capsys):
    p = tmp_path / "e.csv"
    p.write_text("Project,Org,Land\nP1,A,DE\nP1,B,FR\nP2,B,FR\nP2,C,DE\n")
    m = tmp_path / "m.toml"
    m.write_text('[columns]\nproject_id = "Project"\nname = "Org"\nregion = "Land"\n')
    a = analyze(p, tmp_path / "o", mapping=m, group_by="Land", n_permutations=9, jobs=1)
    assert a.params["group_by"] == "region"
    assert main(["analyze", str(p), "--mapping", str(m), "--out", str(tmp_path / "o2"), "--group-by", "line",
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "'region'" in err and "'file'" not in err and "'line' (" not in err


# -- 8. a clean output folder -----------------------------------------------------------------

def test_manifest_and_overwrite(tmp_path, capsys):
    out = tmp_path / "out"
    src = str(nc.datasets.get_path("korea_cluster_tables"))
    assert main(["analyze", src, "--out", str(out), "--quiet", "--permutations", "9", "--graphml"]) == 0
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f for f in m["files"]}
    assert set(listed) == {p.name for p in out.iterdir() if p.name != "manifest.json"}
    for name, f in listed.items():
        data = (out / name).read_bytes()
        assert f["bytes"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest()
    assert m["parameters"]["seed"] == 0 and m["netcluster"] == nc.__version__
    # a second run: refused without --overwrite, nothing touched
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert main(["analyze", src, "--out", str(out), "--quiet", "--permutations", "9"]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # with --overwrite: the old network.graphml goes, a file netcluster did not write stays
    (out / "my notes.txt").write_text("mine")
    assert main(["analyze", src, "--out", str(out), "--quiet", "--permutations", "9", "--overwrite"]) == 0
    assert not (out / "network.graphml").exists() and (out / "my notes.txt").read_text() == "mine"


def test_one_workbook_named_twice_without_sheets_is_an_error(tmp_path):
    _two_sheet_book(tmp_path / "export.xlsx")
    twice = {"columns": {"project_id": "Project", "name": "Partner"},
             "tables": {"participations": "export.xlsx", "projects": "export.xlsx"}}
    with pytest.raises(MappingError, match=r"both read .*first sheet"):
        nc.load_dataset(tmp_path, mapping=twice)


def test_damaged_and_oversized_compressed_files(tmp_path, monkeypatch):
    import netcluster.readers as readers
    p = tmp_path / "cut.csv.gz"
    p.write_bytes(gzip.compress(PART.encode())[:-12])
    with pytest.raises(InputError, match="damaged compressed file"):
        read_table(p)
    big = tmp_path / "big.csv.gz"
    big.write_bytes(gzip.compress(b"a,b\n" + b"1,2\n" * 300_000))
    monkeypatch.setattr(readers, "MAX_DECOMPRESSED", 100_000)
    with pytest.raises(InputError, match="too large"):
        read_table(big)
