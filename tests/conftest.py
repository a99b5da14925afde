from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
DATASETS = ROOT / "datasets"


@pytest.fixture(scope="session")
def sample_tables():
    return DATASETS / "korea_cluster_tables"


@pytest.fixture(scope="session")
def sample_flat():
    return DATASETS / "korea_cluster_flat_cp949.csv"


@pytest.fixture(scope="session")
def sample_dataset(sample_tables):
    import netcluster as nc
    return nc.load_dataset(sample_tables)


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory):
    """The outputs of ``netcluster demo`` (99 permutations), made once per session."""
    from netcluster.cli import main
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out), "--permutations", "99", "--quiet"]) == 0
    return out


@pytest.fixture(scope="session")
def shared_data():
    if not SHARED.exists():
        pytest.skip("../shared/data is absent (only in the development workspace)")
    return SHARED


def write(path: Path, text: str, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path
