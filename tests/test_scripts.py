"""The recipes in scripts/ run on the bundled sample (in-process, temporary output)."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def load(name):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_openness_by_province(tmp_path, capsys):
    out = tmp_path / "o.csv"
    table = load("recipe_openness_by_province").main(["--years", "2009-2013", "--out", str(out)])
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and len(table) == 17
    assert table["ei"].between(-1, 1).all() and "충북" in table.index


def test_compare_phases(capsys):
    table = load("recipe_compare_phases").main(["--a", "2005-2008", "--b", "2009-2013"])
    assert {"2005-2008", "2009-2013", "change"} <= set(table.columns)
    assert table.loc["projects", "2009-2013"] > table.loc["projects", "2005-2008"]


def test_partners_by_any_spelling(capsys):
    t1 = load("recipe_partners").main(["부산대학교 산학협력단"])
    t2 = load("recipe_partners").main(["부산대학교"])   # the name key matches without 산학협력단
    assert len(t1) > 10 and t1.equals(t2)
    assert load("recipe_partners").main(["존재하지 않는 기관"]) is None


def test_openness_headline_runs():
    r = subprocess.run([sys.executable, str(SCRIPTS / "openness_headline.py")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "E-I index by province" in r.stdout and "time per step" in r.stdout


@pytest.mark.slow
def test_benchmark_repeat_reports_the_median_run(tmp_path):
    """scripts/benchmark.py --repeat: every total recorded, the median run's stages reported."""
    out = tmp_path / "b.json"
    r = subprocess.run([sys.executable, str(SCRIPTS / "benchmark.py"), "--sizes", "1500", "--repeat", "3",
                        "--baseline-cap", "0", "--no-accuracy", "--keep", str(tmp_path), "--out", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    row = json.loads(out.read_text(encoding="utf-8"))["results"][0]
    totals = row["analyze_totals"]
    assert len(totals) == 3 and row["analyze_min_seconds"] == min(totals)
    peaks = row["analyze_peaks_pss_mb"]  # every run's memory, the median run's among them
    assert len(peaks) == 3 and row["analyze"]["peak_combined_pss_mb"] in peaks and "peak distinct memory of each" in r.stdout
    assert row["analyze_median_seconds"] == sorted(totals)[1] == row["analyze"]["total_seconds"]
    assert any(k.startswith("read and normalise") for k in row["analyze"]["stages"]) and "3 runs: totals" in r.stdout


def test_benchmark_adds_up_a_stage_that_comes_back():
    """The programme stage resumes after the second core's results: its two parts add up (the
    table showed only the last part: 1.22 of ~6.8 s at 100k rows); its peak is the larger."""
    peaks = iter([100.0, 300.0, 200.0])
    rec = load("benchmark").StageTimes(peak_mb=lambda: next(peaks))
    for event, name, dt in [("start", "programme", None), ("done", "programme", 1.25),
                            ("start", "centrality", None), ("done", "centrality", 0.5),
                            ("start", "programme", None), ("done", "programme", 5.5),
                            ("background", "files", 4.0)]:
        rec(event, name, dt)
    assert rec.stages["programme"] == {"seconds": 6.75, "peak_mb": 200.0}
    assert rec.stages["centrality"] == {"seconds": 0.5, "peak_mb": 300.0}
    assert rec.stages["files [second core]"] == {"seconds": 4.0, "peak_mb": None}
