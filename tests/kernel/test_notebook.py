"""A notebook with a chart, a table and a progress bar runs headless with the fmplab kernel."""
import json
import pathlib
import subprocess

from kernel_client import KERNEL

NOTEBOOK = pathlib.Path(__file__).with_name("kernel_demo.ipynb")


def text(value):
    """Notebook files may store text as a list of lines."""
    return "".join(value) if isinstance(value, list) else value


def test_demo_notebook_executes_headless_with_rich_outputs(tmp_path):
    assert json.loads(NOTEBOOK.read_text())["metadata"]["kernelspec"]["name"] == KERNEL
    subprocess.run(
        ["jupyter", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300",
         "--output-dir", str(tmp_path), str(NOTEBOOK)],
        check=True, capture_output=True, text=True)
    cells = [c for c in json.loads((tmp_path / NOTEBOOK.name).read_text())["cells"] if c["cell_type"] == "code"]
    for cell in cells:
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        assert not errors, f"{cell['source']!r} failed: {errors}"
    chart, table, progress, images = (cell["outputs"] for cell in cells)

    assert "image/png" in chart[0]["data"]
    assert "<table" in text(table[0]["data"]["text/html"]) and "FMP" in text(table[0]["data"]["text/html"])
    # One display, updated in place: the executed notebook keeps only its final state.
    assert len(progress) == 1 and progress[0]["output_type"] == "display_data"
    assert "<progress" in text(progress[0]["data"]["text/html"])
    assert "20/20 step" in text(progress[0]["data"]["text/plain"])
    assert "image/png" in images[0]["data"]

    mimes = {m for cell in cells for out in cell["outputs"] for m in out.get("data", {})}
    assert {"image/png", "text/html"} <= mimes
