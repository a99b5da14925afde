"""The CLI, invoked in-process on temporary files."""
import json


from netcluster.cli import main

from conftest import write


def test_validate_sample(sample_flat, tmp_path, capsys):
    rep = tmp_path / "q.json"
    assert main(["validate", str(sample_flat), "--report", str(rep)]) == 0
    out = capsys.readouterr().out
    assert "encoding cp949" in out and "duplicate participation" in out
    data = json.loads(rep.read_text(encoding="utf-8"))
    assert all(c["balanced"] for c in data["conservation"])
    assert any(e["reason"] == "duplicate participation" and e["line"] > 1 for e in data["events"])


def test_validate_csv_report(sample_flat, tmp_path):
    rep = tmp_path / "q.csv"
    assert main(["validate", str(sample_flat), "--report", str(rep)]) == 0
    assert rep.read_bytes().startswith(b"\xef\xbb\xbf")


def test_validate_missing_column_exit_code(tmp_path, capsys):
    p = write(tmp_path / "bad.csv", "foo,bar\n1,2\n")
    assert main(["validate", str(p)]) == 3  # a problem with the data, not the options
    err = capsys.readouterr().err
    assert "project_id" in err and "Headers present" in err


def test_validate_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2
    assert "not found" in capsys.readouterr().err


def test_generate(tmp_path):
    assert main(["generate", "--out", str(tmp_path), "--rows", "600", "--seed", "3"]) == 0
    assert (tmp_path / "korea_cluster_flat_cp949.csv").exists()
    assert main(["validate", str(tmp_path / "korea_cluster_tables")]) == 0


def test_generator_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    main(["generate", "--out", str(a), "--rows", "500", "--seed", "9"])
    main(["generate", "--out", str(b), "--rows", "500", "--seed", "9"])
    for f in ["korea_cluster_flat_cp949.csv", "korea_cluster_tables/organisations.csv"]:
        assert (a / f).read_bytes() == (b / f).read_bytes()


def test_bundled_sample_is_what_the_generator_writes(tmp_path):
    from conftest import DATASETS
    main(["generate", "--out", str(tmp_path)])
    for f in ["korea_cluster_flat_cp949.csv", "korea_cluster_tables/participations.csv",
              "korea_cluster_tables/organisations.csv", "korea_cluster_tables/projects.csv"]:
        assert (tmp_path / f).read_bytes() == (DATASETS / f).read_bytes(), f


def test_exit_codes_tell_options_data_and_bugs_apart(tmp_path, sample_tables, capsys, monkeypatch):
    """2: the options or the paths they name; 3: the input data; 1: a bug (with where to report)."""
    assert main(["analyze", str(sample_tables), "--out", str(tmp_path / "o"), "--years", "09-13", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "2009-2013" in err  # the accepted form
    assert main(["analyze", str(sample_tables), "--out", str(tmp_path / "o"), "--years", "1990-1995",
                 "--quiet"]) == 2
    assert "2005 to 2014" in capsys.readouterr().err  # the data's range
    assert main(["validate", str(tmp_path / "missing.csv")]) == 2
    capsys.readouterr()
    bad = write(tmp_path / "bad.csv", "foo,bar\n1,2\n")
    assert main(["validate", str(bad)]) == 3
    assert capsys.readouterr().err.startswith("input data error:")
    from netcluster.run import steps

    def boom(*a, **k):
        raise ZeroDivisionError("planted")
    monkeypatch.setattr(steps, "growth_table", boom)
    assert main(["analyze", str(sample_tables), "--out", str(tmp_path / "b"), "--quiet", "--permutations", "9",
                 "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "internal error: ZeroDivisionError: planted" in err and "report it" in err and "Traceback" not in err
