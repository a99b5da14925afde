"""Header aliases, the TOML mapping, and missing-column errors."""
import pytest

import netcluster as nc
from netcluster.mapping import Mapping, load_mapping, resolve_columns

from conftest import write


def test_korean_and_english_aliases():
    r = resolve_columns(["과제번호", "참여기관명", "기관구분", "소재지", "참여역할", "사업연도"],
                        "participations", Mapping())
    assert r == {"project_id": "과제번호", "name": "참여기관명", "org_type": "기관구분",
                 "address": "소재지", "role": "참여역할", "year": "사업연도"}
    r = resolve_columns(["Project_ID", "Organisation ID", "NAME"], "participations", Mapping())
    assert r["project_id"] == "Project_ID" and r["org_id"] == "Organisation ID"


def test_missing_required_column_lists_headers_and_candidates():
    with pytest.raises(nc.MissingColumnError) as e:
        resolve_columns(["과제번호x", "기관명", "지역"], "participations", Mapping(), file="f.csv")
    msg = str(e.value)
    assert "project_id" in msg and "Headers present" in msg and "과제번호x" in msg
    assert "Closest candidates" in msg


def test_mapping_file(tmp_path):
    m = tmp_path / "m.toml"
    m.write_text('''
[read]
delimiter = ";"
[columns]
project_id = ["Programme", "Acronym"]
name = "Partner"
org_type = "activityType"
[extract]
region = '^(\\S+)'
[columns.participations]
region = "NUTS"
[values.org_type]
PRC = "firm"
HES = "university"
''', encoding="utf-8")
    data = write(tmp_path / "d.csv",
                 "Programme;Acronym;Partner;activityType;NUTS\n"
                 "Prog A;X;Alpha GmbH;PRC;DE21  / Oberbayern\n"
                 "Prog A;X;Beta University;HES;DE30  / Berlin\n"
                 "Prog B;X;Alpha GmbH;PRC;DE21  / Oberbayern\n")
    ds = nc.load_dataset(data, mapping=m)
    assert sorted(ds.projects["project_id"]) == ["Prog A | X", "Prog B | X"]
    orgs = ds.organisations.set_index("name")
    assert orgs.loc["Alpha GmbH", "org_type"] == "firm"
    assert orgs.loc["Alpha GmbH", "region"] == "DE21"
    assert not orgs["org_type_inferred"].any()


def test_mapping_names_missing_column(tmp_path):
    data = write(tmp_path / "d.csv", "pid,org\n1,a\n")
    with pytest.raises(nc.MissingColumnError, match="Headers present"):
        nc.load_dataset(data, mapping={"columns": {"project_id": "projectID", "name": "org"}})


@pytest.mark.parametrize("text,msg", [("[colums]\n", "unknown section"), ("[columns\n", "TOML"),
                                      ("[extract]\nregion='('\n", "regular expression"),
                                      ("[extract]\nregion='a'\n", "capture group")])
def test_bad_mapping_files(tmp_path, text, msg):
    p = tmp_path / "bad.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(nc.MappingError, match=msg):
        load_mapping(p)


def test_mapping_na_values_and_block(tmp_path):
    data = write(tmp_path / "d.csv", "project_id,name,type,street\n1,a,n/a,Main St 1\n1,b,PRC,x\n")
    ds = nc.load_dataset(data, mapping={"read": {"na_values": ["n/a"]},
                                        "columns": {"address": False}})
    a = ds.organisations.set_index("name").loc["a"]
    assert a["org_type_inferred"]   # n/a was missing, so the type was inferred
    assert "address" not in ds.organisations.columns


@pytest.mark.parametrize("table,key,headers", [
    ("organisations", "org_id", ["기관코드", "기관명", "지역"]),
    ("organisations", "org_id", ["organisation_id", "name"]),
    ("organisations", "org_id", ["id", "name"]),
    ("projects", "project_id", ["과제번호", "연도"]),
    ("projects", "project_id", ["id", "title"])])
def test_an_id_header_of_any_alias_is_the_key_of_its_table(table, key, headers):
    """The tables' own alias "id" replaced the id's other names there: an organisations table
    keyed by 기관코드 got ids made from names, and none of its organisations took part."""
    assert resolve_columns(headers, table, Mapping())[key] == headers[0]


def test_a_korean_organisations_table_joins_its_participations(tmp_path):
    (tmp_path / "participations.csv").write_text("과제번호,기관코드\nP1,A1\nP1,A2\nP2,A2\nP2,A3\n", encoding="utf-8")
    (tmp_path / "organisations.csv").write_text("기관코드,기관명,지역\nA1,가,서울\nA2,나,부산\nA3,다,충북\n",
                                                encoding="utf-8")
    ds = nc.load_dataset(tmp_path)
    assert ds.organisations.set_index("org_id")["region"].to_dict() == {"A1": "서울", "A2": "부산", "A3": "충북"}
    assert not ds.quality.events["reason"].str.contains("not in the organisations table").any()


def test_complexes_declared_only_outside_the_network_leave_the_comparison_out(tmp_path):
    (tmp_path / "participations.csv").write_text("과제번호,기관코드\nP1,A1\nP1,A2\nP2,A2\nP2,A3\n", encoding="utf-8")
    (tmp_path / "organisations.csv").write_text(
        "기관코드,기관명,지역,산업단지\nA1,가,서울,\nA2,나,부산,\nA3,다,충북,\nA4,라,충북,오창\n", encoding="utf-8")
    a = nc.analyze(tmp_path, tmp_path / "out", n_permutations=19, jobs=1)
    assert a.dataset.organisations.set_index("org_id").loc["A4", "complex"] == "오창"
    assert "complex" not in a.communities_vs_declared
