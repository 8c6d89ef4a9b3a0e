"""The analysis notebooks: stored without outputs, and each runs top to bottom with a chart and a table.

The notebooks run in a kernel started from this interpreter (``sys.executable``): a kernel spec
written to a temporary folder that ``JUPYTER_PATH`` puts first, so a ``python3`` kernel spec
installed elsewhere (user or system wide) cannot send them to another Python.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

import nbclient
import nbformat
import pytest

from stance import config

NOTEBOOKS_DIR = config.REPO_DIR / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
KERNEL = "python3"


def test_there_are_notebooks():
    assert [path.name for path in NOTEBOOKS] == [
        "01_dataset.ipynb", "02_model.ipynb", "03_seed_article.ipynb", "04_timeline.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_stored_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        index for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, (f"{path.name}: cell(s) {dirty} hold outputs or execution counts; clear them "
                       "before committing (e.g. 'jupyter nbconvert --clear-output --inplace')")
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL
    assert nb.cells[0].cell_type == "markdown" and nb.cells[-1].cell_type == "markdown"


@pytest.fixture(scope="module")
def kernel_of_this_python(tmp_path_factory):
    """A 'python3' kernel spec that runs this interpreter, found first by jupyter_client."""
    assert importlib.util.find_spec("ipykernel"), "ipykernel is missing: install the 'notebooks' extra"
    kernels = tmp_path_factory.mktemp("jupyter")
    spec_dir = kernels / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python 3 ({sys.executable})",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(kernels))
        from jupyter_client.kernelspec import KernelSpecManager

        found = KernelSpecManager().get_kernel_spec(KERNEL)
        assert found.argv[0] == sys.executable, f"kernel '{KERNEL}' resolves to {found.argv[0]}"
        yield


def _is_table(output) -> bool:
    data = output.get("data", {})
    return "<table" in data.get("text/html", "")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_and_shows_a_chart_and_a_table(path: Path, kernel_of_this_python):
    if not (config.ANNOTATIONS_DIR / "rows.jsonl").exists():
        pytest.fail(f"{config.ANNOTATIONS_DIR}/rows.jsonl is missing; run 'stance data build' first")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name=KERNEL, resources={"metadata": {"path": str(NOTEBOOKS_DIR)}})
    started = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{path.name} failed:\n{error}")
    elapsed = time.perf_counter() - started
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]
    errors = [output for output in outputs if output.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    assert any("image/png" in output.get("data", {}) for output in outputs), f"{path.name} shows no chart"
    assert any(_is_table(output) for output in outputs), f"{path.name} shows no table"
    print(f"{path.name} ran in {elapsed:.1f} s")
    assert elapsed < 300, f"{path.name} took {elapsed:.0f} s"
