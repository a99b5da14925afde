"""The manual: the Sphinx site builds with warnings as errors, the tutorials' Python runs as
written (both languages), and the example notebook executes."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@pytest.mark.slow
def test_docs_build_with_warnings_as_errors(tmp_path):
    r = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS),
                        str(tmp_path / "html")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    api = (tmp_path / "html" / "api.html").read_text(encoding="utf-8")
    assert "ei_permutation_test" in api and "Krackhardt" in api  # built from the docstrings, with sources
    assert (tmp_path / "html" / "tutorial-ko.html").exists() and (tmp_path / "html" / "readme.html").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tutorial-en.md", "tutorial-ko.md"])
def test_tutorial_code_runs(name, tmp_path, monkeypatch):
    code = "\n".join(re.findall(r"```python\n(.*?)```", (DOCS / name).read_text(encoding="utf-8"), re.S))
    assert "nc.analyze" in code and "to_networkx" in code and "evolution" in code
    monkeypatch.chdir(tmp_path)
    exec(compile(code, name, "exec"), {"__name__": "__tutorial__"})


@pytest.mark.slow
def test_example_notebook_executes(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient
    nb = nbformat.read(DOCS / "notebooks" / "example.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if o.get("output_type") == "execute_result"
            and "text/html" in o.get("data", {})]
    assert any("ClusterDataset" in h for h in html) and any("<iframe srcdoc=" in h for h in html)
