"""Header aliases, the TOML mapping, and missing-column errors."""
import pytest
from hypothesis import given, settings, strategies as st

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


# -- units in headers and amounts in Korean number words ------------------------------------------

def test_number_headers_with_a_unit_are_recognised():
    from netcluster.mapping import header_unit
    r = resolve_columns(["과제번호", "총사업비(천원)", "연도"], "projects", Mapping())
    assert r["budget"] == "총사업비(천원)"
    r = resolve_columns(["기관코드", "기관명", "매출액 [백만원]", "종업원수(명)", "특허출원 (건)"], "organisations", Mapping())
    assert (r["output"], r["employees"], r["patents"]) == ("매출액 [백만원]", "종업원수(명)", "특허출원 (건)")
    assert header_unit("totalCost (EUR)") == ("totalCost", "EUR", 1.0)
    assert header_unit("사업비(단위: 백만원)") == ("사업비", "백만원", 1e6)
    assert header_unit("기관명(국문)") is None and header_unit("사업비") is None
    with pytest.raises(nc.InputError, match="several columns"):  # (ids and names stay an error)
        resolve_columns(["과제번호", "과제고유번호", "기관명"], "participations", Mapping(), chosen=[])


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 9999), st.integers(0, 9999), st.integers(0, 9999), st.booleans(), st.booleans())
def test_korean_amounts_read_as_their_value_in_won(eok, man, rest, spaced, won):
    """Oracle: the amount the parts make, eok × 10^8 + man × 10^4 + rest."""
    from netcluster.dataset import _parse_number
    if eok == man == 0:
        return
    sep = " " if spaced else ""
    thousands, hundreds = divmod(man, 1000)
    man_text = (f"{thousands}천{hundreds}" if thousands and hundreds else f"{thousands}천" if thousands
                else f"{hundreds}") + "만"
    parts = ([f"{eok:,}억"] if eok else []) + ([man_text] if man else []) + ([f"{rest}"] if rest else [])
    text = sep.join(parts) + ("원" if won else "")
    value, kind = _parse_number(text)
    assert kind == "korean_units" and value == eok * 1e8 + man * 1e4 + rest, text


def test_amounts_in_the_headers_unit_and_in_korean_words_are_in_won(tmp_path):
    p = tmp_path / "flat.csv"
    p.write_text("과제번호,기관코드,기관명,총사업비(천원),정부출연금(백만원)\n"
                 "K1,A1,가,\"150,000\",100\nK1,A2,나,\"150,000\",100\n"
                 "K2,A2,나,2억원,\nK2,A3,다,2억원,\n"
                 "K3,A1,가,3억 5천만원,\nK3,A3,다,3억 5천만원,\n"
                 "K4,A1,가,\"200,000원\",\nK4,A2,나,\"200,000원\",\n", encoding="utf-8")
    ds = nc.load_dataset(p)
    budget = ds.projects.set_index("project_id")["budget"].to_dict()
    assert budget == {"K1": 150_000_000, "K2": 200_000_000, "K3": 350_000_000, "K4": 200_000}
    ev = ds.quality.events
    assert sorted(ev.query("reason == 'amount in Korean units (억, 만 …) read in 원'")["line"]) == [4, 6]
    conv = ev.query("reason == \"amounts read in the header's unit, converted to 원\"")
    assert conv["value"].tolist() == ["총사업비(천원)"] and "1 values × 1,000" in conv["detail"].iloc[0]
    chose = ev.query("reason == 'several columns for one number field, the first used'")
    assert chose["value"].tolist() == ["총사업비(천원)"] and "정부출연금(백만원)" in chose["detail"].iloc[0]


@pytest.mark.parametrize("in_part,in_table", [("1234567890", "123-45-67890"), ("123-45-67890", "1234567890"),
                                              ("1101111234567", "110111-1234567")])
def test_a_registration_number_written_two_ways_still_joins(tmp_path, in_part, in_table):
    (tmp_path / "participations.csv").write_text(f"과제번호,사업자등록번호\nP1,{in_part}\nP1,A2\n", encoding="utf-8")
    (tmp_path / "organisations.csv").write_text(f"사업자등록번호,기관명,지역\n{in_table},가,서울\nA2,나,부산\n",
                                                encoding="utf-8")
    ds = nc.load_dataset(tmp_path)
    assert ds.organisations.set_index("org_id")["region"].to_dict() == {in_part: "서울", "A2": "부산"}
    ev = ds.quality.events
    assert ev.query("reason == 'id written with other separators than in the participations, matched'")[
        ["line", "value"]].values.tolist() == [[2, in_table]]
    assert not ev["reason"].str.contains("not in the organisations table").any()


def test_two_participation_ids_with_the_same_digits_are_not_guessed(tmp_path):
    (tmp_path / "participations.csv").write_text("과제번호,기관코드\nP1,123-4567890\nP1,12345-67890\n", encoding="utf-8")
    (tmp_path / "organisations.csv").write_text("기관코드,기관명\n1234567890,가\n", encoding="utf-8")
    ds = nc.load_dataset(tmp_path)
    assert (ds.quality.events["reason"] == "organisation not in the organisations table").sum() == 2
