"""The canonical dataset: each quality-report reason, conservation, and twin files."""
import pandas as pd
from hypothesis import given, settings, strategies as st
import pytest

import netcluster as nc
from netcluster.names import name_key

from conftest import write

HEADER = "과제번호,사업연도,기관코드,참여기관명,기관구분,지역,참여역할\n"


def load(tmp_path, body, header=HEADER, **kw):
    return nc.load_dataset(write(tmp_path / "d.csv", header + body), **kw)


def reasons(ds, action=None):
    ev = ds.quality.events
    if action:
        ev = ev[ev["action"] == action]
    return ev


def assert_balanced(ds):
    cons = ds.quality.conservation()
    assert cons["balanced"].all(), cons


def test_duplicate_participation_dropped_with_line(tmp_path):
    ds = load(tmp_path, "P1,2010,A1,가,기업,충북,참여\nP1,2010,B1,나,대학,충북,주관\n"
                        "P1,2010,A1,가,기업,충북,주관\n")
    ev = reasons(ds, "drop")
    assert ev["reason"].tolist() == ["duplicate participation"]
    assert ev["line"].tolist() == [2]  # the 'participant' row loses to the 'lead' row on line 4
    part = ds.participations.set_index("org_id")
    assert part.loc["A1", "role"] == "lead" and len(ds.participations) == 2
    assert_balanced(ds)


def test_early_network_after_duplicates_and_merges(tmp_path):
    """The network of the participations' codes (StagedReader, built from the duplicate
    check's codes before the other tables are read) is the one built from the final
    participations' labels, also after dropped duplicates and names merged into one
    organisation."""
    from netcluster.dataset import StagedReader
    from netcluster.graph import BipartiteNetwork
    body = ("P2,2010,A1,가,기업,충북,참여\nP1,2010,B1,나,대학,충북,주관\nP1,2010,A1,가,기업,충북,주관\n"
            "P2,2011,C1,다,기업,충남,참여\nP1,2010,A1,가,기업,충북,참여\nP3,2012,B1,나,대학,충북,주관\n")
    load(tmp_path, body)
    reader = StagedReader(tmp_path / "d.csv")
    _, codes = reader.participations()
    ds = reader.dataset()
    ref = BipartiteNetwork.from_dataset(ds)
    net = BipartiteNetwork.from_codes(*codes)
    assert list(net.orgs) == list(ref.orgs) == ["A1", "B1", "C1"]
    assert list(net.projects) == list(ref.projects) == ["P1", "P2", "P3"]
    assert (net.B != ref.B).nnz == 0 and net.B.nnz == ref.B.nnz == len(ds.participations) == 5
    # the raw tables are let go of (analyze keeps the reader while the analysis runs)
    assert reader._raws is None
    with pytest.raises(RuntimeError, match="used up"):
        reader.dataset()


def test_missing_ids_dropped(tmp_path):
    ds = load(tmp_path, ",2010,A1,가,기업,충북,참여\nP1,2010,,,기업,충북,참여\n"
                        "P1,2010,A1,가,기업,충북,참여\nP1,2010,B1,나,기업,충북,참여\n")
    ev = reasons(ds, "drop")
    assert dict(zip(ev["line"], ev["reason"])) == {2: "missing project id",
                                                   3: "missing organisation id and name"}
    assert_balanced(ds)


def test_single_participant_project_kept_and_reported(tmp_path):
    ds = load(tmp_path, "P1,2010,A1,가,기업,충북,주관\nP2,2011,A1,가,기업,충북,주관\n"
                        "P2,2011,B1,나,기업,충북,참여\n")
    ev = reasons(ds)
    single = ev[ev["reason"].str.startswith("single-participant")]
    assert single["value"].tolist() == ["P1"] and single["line"].tolist() == [2]
    assert len(ds.projects) == 2  # kept: it is a non-joint project
    assert_balanced(ds)


def test_org_with_two_regions(tmp_path):
    ds = load(tmp_path, "P1,2010,A1,가,기업,충북,참여\nP2,2010,A1,가,기업,충북,참여\n"
                        "P3,2010,A1,가,기업,대전,참여\nP3,2010,B1,나,기업,대전,참여\n")
    ev = reasons(ds, "repair")
    conflict = ev[ev["reason"].str.startswith("conflicting organisation")]
    assert conflict["line"].tolist() == [4] and conflict["value"].tolist() == ["대전"]
    assert ds.organisations.set_index("org_id").loc["A1", "region"] == "충북"


def test_unknown_region_and_passthrough(tmp_path):
    ds = load(tmp_path, "P1,2010,A1,가,기업,,참여\nP1,2010,B1,나,기업,DE21,참여\n"
                        "P1,2010,C1,다,기업,충청북도,참여\n")
    orgs = ds.organisations.set_index("org_id")
    assert pd.isna(orgs.loc["A1", "region"]) and orgs.loc["B1", "region"] == "DE21"
    assert orgs.loc["C1", "region"] == "충북" and orgs.loc["C1", "wide_region"] == "충청권"
    ev = reasons(ds)
    assert ev.loc[ev["reason"] == "unknown region", "value"].tolist() == ["A1"]
    ch = ds.changes[ds.changes["column"] == "region"].set_index("original")
    assert ch.loc["DE21", "how"] == "passthrough" and ch.loc["DE21", "rows"] == 1
    assert ch.loc["충청북도", "normalised"] == "충북"


def test_region_from_address(tmp_path):
    ds = load(tmp_path, "P1,2010,A1,가,기업,충북 청주시 흥덕구 1,참여\nP1,2010,B1,나,기업,,참여\n",
              header="과제번호,사업연도,기관코드,참여기관명,기관구분,소재지,참여역할\n")
    orgs = ds.organisations.set_index("org_id")
    assert orgs.loc["A1", "region"] == "충북" and orgs.loc["A1", "region_from"] == "address"
    ev = reasons(ds, "repair")
    assert (ev["reason"] == "region read from address").sum() == 1


def test_names_merged_without_ids(tmp_path):
    ds = load(tmp_path, "P1,2010,(주)유아이디,충북\nP1,2010,충북대학교 산학협력단,충북\n"
                        "P2,2011,㈜ 유아이디,충북\nP2,2011,유아이디 주식회사,충북\nP2,2011,충북대학교,충북\n",
              header="과제번호,사업연도,참여기관명,지역\n")
    assert sorted(ds.organisations["org_id"]) == ["유아이디", "충북대학교"]
    merges = reasons(ds, "merge")
    assert len(merges) == 2  # ㈜ 유아이디 merged in P2; 유아이디 주식회사 is a duplicate in P2
    dups = reasons(ds, "drop")
    assert dups["reason"].tolist() == ["duplicate participation"]
    # types inferred from names, flagged
    orgs = ds.organisations.set_index("org_id")
    assert orgs.loc["충북대학교", "org_type"] == "university" and orgs["org_type_inferred"].all()
    assert_balanced(ds)


def test_org_id_with_two_names(tmp_path):
    ds = load(tmp_path, "P1,2010,A1,가나다,기업,충북,참여\nP2,2010,A1,가나다,기업,충북,참여\n"
                        "P2,2010,A1x,라마,기업,충북,참여\nP3,2010,A1,전혀다른회사,기업,충북,참여\n")
    ev = reasons(ds, "repair")
    hit = ev[ev["reason"] == "organisation id used with different names"]
    assert hit["line"].tolist() == [5] and hit["value"].tolist() == ["전혀다른회사"]


def test_float_ids_and_leading_zeros(tmp_path):
    ds = load(tmp_path, "123.0,2010,00123,가,기업,충북,참여\n124.0,2010,00124,나,기업,충북,참여\n"
                        "123,2010,00124,나,기업,충북,참여\n",
              header="과제번호,사업연도,기관코드,참여기관명,기관구분,지역,참여역할\n")
    assert sorted(ds.projects["project_id"]) == ["123", "124"]
    assert sorted(ds.organisations["org_id"]) == ["00123", "00124"]  # leading zeros kept
    ev = reasons(ds, "repair")
    assert (ev["reason"] == "id written as a float, repaired").sum() == 2


def test_years_numbers_dates(tmp_path):
    ds = load(tmp_path,
              'P1,2010년,A1,가,기업,충북,참여,"1,234",\nP2,3010,A1,가,기업,충북,참여,"12,5",\n'
              'P3,,A1,가,기업,충북,참여,abc,2012.03.01\nP4,2011,A1,가,기업,충북,참여,7,\n',
              header="과제번호,사업연도,기관코드,참여기관명,기관구분,지역,참여역할,사업비,시작일\n")
    pr = ds.projects.set_index("project_id")
    assert pr.loc["P1", "year"] == 2010 and pd.isna(pr.loc["P2", "year"])
    assert pr.loc["P3", "year"] == 2012
    # one convention per column: 12,5 has a decimal comma, so 1,234 is 1.234 (and reported)
    assert pr.loc["P1", "budget"] == 1.234 and pr.loc["P2", "budget"] == 12.5
    assert pd.isna(pr.loc["P3", "budget"])
    r = set(reasons(ds)["reason"])
    assert {"year out of range, set missing", "number like 1,234 read with the column's decimal comma",
            "number with a decimal comma parsed", "not a number, set missing",
            "year taken from start date"} <= r


def test_unrecognised_role_and_type(tmp_path):
    ds = load(tmp_path, "P1,2010,A1,충북대학교,무엇,충북,뭔가\nP1,2010,B1,나,기업,충북,참여\n")
    orgs = ds.organisations.set_index("org_id")
    assert orgs.loc["A1", "org_type"] == "university" and orgs.loc["A1", "org_type_inferred"]
    assert ds.participations.set_index("org_id").loc["A1", "role"] == "other"
    r = set(reasons(ds, "repair")["reason"])
    assert {"unrecognised role, set to 'other'",
            "unrecognised organisation type, inferred from name"} <= r


def test_extra_columns_kept(tmp_path):
    ds = load(tmp_path, "P1,2010,A1,가,기업,충북,참여,x1\nP1,2010,B1,나,기업,충북,참여,x2\n",
              header=HEADER.strip() + ",비고\n")
    assert ds.participations["비고"].tolist() == ["x1", "x2"]


def test_population_from_organisations_table(tmp_path):
    d = tmp_path / "t"
    d.mkdir()
    write(d / "participations.csv", "project_id,org_id,role\nP1,A,lead\nP1,B,participant\nP1,Z,participant\n")
    write(d / "organisations.csv", "org_id,name,org_type,region,patents\nA,가,firm,충북,3\n"
                                   "B,나,university,충북,\nC,다,firm,대전,0\nC,다2,firm,대전,1\n")
    write(d / "projects.csv", "project_id,year,programme\nP1,2010,X\nP2,2011,Y\n")
    ds = nc.load_dataset(d)
    orgs = ds.organisations.set_index("org_id")
    assert not orgs.loc["C", "participant"] and orgs.loc["A", "participant"]
    assert orgs.loc["Z", "participant"]  # in participations only: kept, reported
    ev = reasons(ds)
    assert "organisation not in the organisations table" in set(ev["reason"])
    assert "duplicate organisation" in set(ev["reason"])
    assert "project with no participations (not counted)" in set(ev["reason"])
    assert_balanced(ds)


def test_no_usable_rows_is_an_error(tmp_path):
    with pytest.raises(nc.InputError, match="no usable participation rows"):
        load(tmp_path, ",2010,A1,가,기업,충북,참여\n")


def test_sample_conservation(sample_dataset):
    assert_balanced(sample_dataset)
    ev = sample_dataset.quality.events
    assert ev["line"].notna().all() and (ev["file"] != "").all()


def _canon(ds):
    o = ds.participating_organisations
    orgs = pd.DataFrame({"org_id": o["org_id"], "key": o["name"].map(name_key),
                         "org_type": o["org_type"], "region": o["region"],
                         "wide_region": o["wide_region"]}).astype(str).reset_index(drop=True)
    part = ds.participations[["project_id", "org_id", "role"]].astype(str).reset_index(drop=True)
    proj = ds.projects[["project_id", "year", "programme"]].astype(str).reset_index(drop=True)
    return orgs, part, proj


def test_cp949_flat_equals_utf8_tables(sample_flat, sample_tables):
    a = nc.load_dataset(sample_flat)
    b = nc.load_dataset(sample_tables)
    assert a.source["encoding"]["participations"] == "cp949"
    for x, y in zip(_canon(a), _canon(b)):
        pd.testing.assert_frame_equal(x, y)


def test_cordis_style_semicolon_file_with_mapping_equals_utf8_twin(tmp_path):
    canonical = ("project_id,org_id,name,org_type,region,role,year\n"
                 "101,9001,Alpha GmbH,firm,DE21,lead,2022\n"
                 "101,9002,\"Beta University\nof Science\",university,NL221,participant,2022\n"
                 "102,9001,Alpha GmbH,firm,DE21,participant,2023\n"
                 "102,9003,City of Gamma,government,FR10,participant,2023\n")
    a = nc.load_dataset(write(tmp_path / "canonical.csv", canonical))
    cordis = ("projectID;organisationID;name;activityType;nutsCode;role;startDate\n"
              "101;9001;Alpha GmbH;PRC;DE21;coordinator;2022-01-01\n"
              "101;9002;\"Beta University\nof Science\";HES;NL221;participant;2022-03-01\n"
              "102;9001;Alpha GmbH;PRC;DE21;participant;2023-05-01\n"
              "102;9003;City of Gamma;PUB;FR10;participant;2023-05-01\n")
    b = nc.load_dataset(write(tmp_path / "cordis.csv", cordis),
                        mapping={"columns": {"project_id": "projectID", "org_id": "organisationID",
                                             "org_type": "activityType", "region": "nutsCode"},
                                 "values": {"org_type": {"PRC": "firm", "HES": "university",
                                                         "PUB": "government"}}})
    for x, y in zip(_canon(a), _canon(b)):
        pd.testing.assert_frame_equal(x, y)
    assert b.participations.set_index("org_id").loc["9002", "line"] == 3


def test_filter_years(sample_dataset):
    sub = sample_dataset.filter_years(2009, 2010)
    assert set(sub.projects["year"]) <= {2009, 2010}
    assert set(sub.participations["project_id"]) <= set(sub.projects["project_id"])
    assert sub.organisations["n_projects"].sum() == len(sub.participations)


@pytest.mark.shared
def test_real_keep_interreg(shared_data):
    from conftest import ROOT
    ds = nc.load_dataset(shared_data / "keep_interreg_2014_2020" / "keep_closed_1420_Partnership.csv",
                         mapping=ROOT / "datasets" / "mappings" / "keep_interreg.toml")
    assert len(ds.projects) == 1852          # Programme + Acronym
    assert_balanced(ds)
    assert ds.quality.rows_read["participations"] == 8621
    assert ds.organisations["region"].dropna().str.fullmatch(r"[A-Z]{2}[0-9A-Z]{0,3}").all()


@pytest.mark.shared
def test_real_cordis(shared_data):
    from conftest import ROOT
    ds = nc.load_dataset(shared_data / "cordis_horizon_europe_head100",
                         mapping=ROOT / "datasets" / "mappings" / "cordis_horizon_europe.toml")
    assert len(ds.participations) == 100
    assert set(ds.organisations["org_type"]) <= {"firm", "university", "research", "government", "other"}
    assert ds.projects["year"].notna().all()
    assert_balanced(ds)


def test_participation_rows_seeded_by_the_loader_equal_a_lookup(sample_dataset):
    """The loader hands the participations' table rows to the dataset's cache; they must be
    what an id lookup in the final (sorted) tables gives."""
    import numpy as np
    ds = sample_dataset
    for table, key, rows in (("organisations", "org_id", ds.participation_org_rows()),
                             ("projects", "project_id", ds.participation_project_rows())):
        ref = pd.Index(getattr(ds, table)[key]).get_indexer(ds.participations[key])
        assert np.array_equal(rows, ref) and (rows >= 0).all()
    counts = np.bincount(ds.participation_org_rows(), minlength=len(ds.organisations))
    assert (ds.organisations["n_projects"].to_numpy() == counts).all()
    # tables that miss some of the participations' organisations and projects (appended after
    # the listed ones before the sort), and no tables at all
    part = pd.DataFrame({"project_id": ["P3", "P1", "P2", "P1", "P3", "P4"],
                         "org_id": ["b", "a", "c", "d", "a", "b"], "name": list("BACDAB")})
    orgs = pd.DataFrame({"org_id": ["x", "c", "a"], "name": ["X", "C", "A"]})
    projs = pd.DataFrame({"project_id": ["P2", "P9", "P1"], "year": ["2010", "2011", "2012"]})
    for tables in ({"organisations": orgs, "projects": projs}, {"organisations": orgs}, {}):
        ds = nc.from_frames(part, **tables)
        for table, key, rows in (("organisations", "org_id", ds.participation_org_rows()),
                                 ("projects", "project_id", ds.participation_project_rows())):
            ref = pd.Index(getattr(ds, table)[key]).get_indexer(ds.participations[key])
            assert np.array_equal(rows, ref) and (rows >= 0).all(), (table, sorted(tables))


def test_organisations_by_id_is_built_once_and_follows_the_tables(sample_dataset):
    ds = sample_dataset
    a = ds.organisations_by_id()
    assert a is ds.organisations_by_id()  # shared: one hash table of the ids
    pd.testing.assert_frame_equal(a, ds.organisations.set_index("org_id"))
    sub = ds.filter_years(2012, 2013)  # another dataset: its own table, not the cached one
    assert sub.organisations_by_id() is not a
    pd.testing.assert_frame_equal(sub.organisations_by_id(), sub.organisations.set_index("org_id"))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "가", "c1", "10"]), max_size=40))
def test_first_appearance_numbers_ids_as_factorize_and_unique(ids):
    """The loader numbers the participations' ids once: the codes are pd.factorize's, and the
    first rows give pd.unique's order (the rows of the tables derived from the participations)."""
    import numpy as np
    from netcluster.dataset import _first_appearance
    s = pd.Series(ids, dtype=object)
    labels = sorted(set(ids))
    for given_codes in (None, np.array([labels.index(x) for x in ids], dtype=np.int64)):  # hashed / from codes
        codes, first = _first_appearance(s, given_codes)
        assert np.array_equal(codes, pd.factorize(s)[0])
        assert s.iloc[first].tolist() == list(pd.unique(s))
        assert all(ids.index(ids[i]) == i for i in first)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "가", "c1", "10", "1"]), max_size=30),
       st.lists(st.sampled_from(["a", "가", "x", "10", "z9"]), max_size=8, unique=True))
def test_listed_once_equals_duplicated_and_a_lookup(table_ids, derived_ids):
    """The table's duplicates and each participations id's row in the de-duplicated table, from
    one hashing: the oracle is pandas' duplicated(keep="first") and a dictionary lookup."""
    import numpy as np
    from netcluster.dataset import _listed_once
    dup, pos = _listed_once(np.array(table_ids, dtype=object), np.array(derived_ids, dtype=object))
    assert np.array_equal(dup, pd.Series(table_ids, dtype=object).duplicated(keep="first").to_numpy())
    kept = [x for x, d in zip(table_ids, dup) if not d]
    assert pos.tolist() == [kept.index(x) if x in kept else -1 for x in derived_ids]
    assert pos.dtype == np.int64 and dup.dtype == bool


def test_change_table_counts_each_changed_pair(tmp_path):
    """The change table (original -> normalised, how, rows), decided per distinct triple, equals
    the row-by-row definition: rows with an original value whose text changed or became
    missing, or passed through; rows without a 'how' are not counted."""
    import numpy as np
    from netcluster.dataset import _Builder
    from netcluster.mapping import load_mapping
    from netcluster.quality import QualityLog
    rng = np.random.default_rng(4)
    n = 500
    original = pd.Series(rng.choice(["충청북도", "충북", "서울", "DE21", None], n), dtype=object)
    norm_of = {"충청북도": "충북", "충북": "충북", "서울": None, "DE21": "DE21"}
    normalised = original.map(lambda v: None if v is None else norm_of[v]).astype(object)
    how = pd.Series(rng.choice(["spelling", "passthrough", "ok", None], n), dtype=object)
    b = _Builder(load_mapping(None), QualityLog())
    b._change("region", original, normalised, how)
    got = b.changes[0].drop(columns="column")
    df = pd.DataFrame({"original": original, "normalised": normalised, "how": how})
    df = df[df["original"].notna() & df["how"].notna()]
    ch = df[df["normalised"].isna() | (df["original"] != df["normalised"]) | (df["how"] == "passthrough")]
    ref = (ch.fillna({"normalised": "(missing)"}).groupby(["original", "normalised", "how"], sort=True)
           .size().rename("rows").reset_index())
    assert got.astype(object).values.tolist() == ref.astype(object).values.tolist() and len(ref) > 5


@pytest.mark.parametrize("how", ["assign", "loc", "iloc_cell", "replace"])
def test_cache_never_serves_numbers_of_changed_tables(sample_tables, how):
    """Stale-cache regression: scorecard, then the tables changed in place, then scorecard
    again — the second call sees the change (every organisation in 서울: E-I -1, no
    cross-region tie), however the table was changed."""
    from netcluster.scorecard import scorecard
    ds = nc.load_dataset(sample_tables)

    def figure(name):
        sc = scorecard(ds, n_permutations=9, n_boot=10)
        return float(sc.set_index("indicator").loc[name, "value"])

    assert figure("ei_index_region") > -0.9
    if how == "assign":
        ds.organisations["region"] = "서울"
    elif how == "loc":
        ds.organisations.loc[:, "region"] = "서울"
    elif how == "iloc_cell":
        col = ds.organisations.columns.get_loc("region")
        for i in range(len(ds.organisations)):
            ds.organisations.iloc[i, col] = "서울"
    else:
        orgs = ds.organisations.copy()
        orgs["region"] = "서울"
        ds.organisations = orgs
    assert figure("ei_index_region") == -1.0
    assert figure("cross_region_tie_share") == 0.0


def test_cache_is_shared_while_tables_are_unchanged(sample_tables):
    ds = nc.load_dataset(sample_tables)
    calls = []
    ds.cached("k", lambda d: calls.append(1) or 1)
    ds.cached("k", lambda d: calls.append(1) or 1)
    assert calls == [1]
    ds.projects.loc[0, "year"] = 1999
    ds.cached("k", lambda d: calls.append(1) or 1)
    assert calls == [1, 1]


def test_repeated_values_are_one_object_each():
    """Category columns and region_from hold one str object per distinct value, not one per
    cell as the reader makes them (1.46M objects for 2 values at 1M rows: ~90 MB) — the values
    themselves unchanged."""
    ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    orgs = ds.organisations
    for col in ("region_from", "cluster", "complex", "size", "org_type", "region"):
        values = orgs[col].to_numpy(dtype=object)
        present = [v for v in values if isinstance(v, str)]
        assert len({id(v) for v in present}) == len(set(present)), col
    assert set(orgs["region_from"].dropna()) == {"address", "region"}  # (the sample's region header)
