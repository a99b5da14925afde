"""The CLI, invoked in-process on temporary files."""
import json

import pytest

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
    assert main(["validate", str(p)]) == 2
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
