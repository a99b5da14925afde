"""A built wheel, installed in a fresh virtual environment, runs ``netcluster demo`` from any
folder: the bundled sample, the mappings and the page template are package data."""
import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from netcluster.pipeline import OUTPUT_FILES  # (the bundled sample has every output)

ROOT = Path(__file__).resolve().parent.parent


def _run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{cmd}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.mark.slow
def test_wheel_installs_and_runs_the_demo_anywhere(tmp_path):
    dist = tmp_path / "dist"
    # the build backend is already in this environment (no download): build without isolation
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)])
    wheel = next(dist.glob("netcluster-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("netcluster/datasets/korea_cluster_tables/participations.csv",
                   "netcluster/datasets/korea_cluster_flat_cp949.csv",
                   "netcluster/datasets/mappings/keep_interreg.toml",
                   "netcluster/templates/network.js", "netcluster/templates/network.css",
                   "netcluster/templates/regions.js", "netcluster/templates/regions.css",
                   "netcluster/data/korea_provinces.topo.json", "netcluster/data/README.md",
                   "netcluster/write/pages.py", "netcluster/run/plan.py"):
        assert needed in names, needed
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    # the fresh environment sees this one's packages (numpy, pandas …: nothing is downloaded) as
    # plain path entries, after its own site-packages; the .pth files there (the editable install
    # of the source tree) are not run, so netcluster comes from the wheel only
    own = _run([str(py), "-c", "import site; print(site.getsitepackages()[0])"]).stdout.strip()
    Path(own, "_test_parent_packages.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    _run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall", str(wheel)])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    where = _run([str(py), "-c", "import netcluster, pathlib; print(pathlib.Path(netcluster.__file__).parent)"],
                 cwd=elsewhere, env=env).stdout.strip()
    assert str(ROOT) not in where, f"netcluster imported from the source tree: {where}"
    _run([str(env_dir / "bin" / "netcluster"), "demo", "--out", "out", "--permutations", "19", "--quiet"],
         cwd=elsewhere, env=env)
    assert sorted(p.name for p in (elsewhere / "out").iterdir()) == sorted(OUTPUT_FILES)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["out"]  # nothing written beside it
