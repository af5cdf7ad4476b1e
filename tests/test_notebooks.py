"""Every notebook runs top to bottom against a dataset built here from data/samples and draws a plot."""

from __future__ import annotations

from pathlib import Path

import ipykernel  # noqa: F401,E402  (pinned in the notebooks and test extras: missing must fail, not skip)
import matplotlib  # noqa: F401,E402
import nbclient  # noqa: E402
import nbformat  # noqa: E402
import pytest

from pipeline.batch import discover, process_file
from publish.local import publish
from tests.support import ROOT

pytestmark = pytest.mark.notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def sample_dataset(tmp_path_factory) -> Path:
    """The bundled samples through the real pipeline and publish, as `ogi run` would."""
    out = tmp_path_factory.mktemp("dataset")
    publish([process_file(f) for f in discover(ROOT / "data" / "samples")], out)
    return out


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/*.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_top_to_bottom(path: Path, sample_dataset: Path, monkeypatch) -> None:
    monkeypatch.setenv("OGI_DATASET", str(sample_dataset))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 1
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert f"dataset: {sample_dataset}" in text  # it read the dataset built here, not data/dataset
