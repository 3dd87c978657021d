"""Every tutorial notebook runs headless through the `fmplab` kernel in quick mode, and says the right things.

The notebooks are executed once per session, one kernel at a time, in order, in a temporary working
directory (their run folders and caches go there, not into the repository), with FMPLAB_QUICK=1 unless
the environment sets it. Then, per notebook:
  - no cell produced an error;
  - every cell tagged `plot` produced an image/png output;
  - the cells tagged `result-*` printed their key results as KEY=VALUE lines, which are checked here
    (for example 00-quickstart's ASR after FMP below 10%, with a real backdoor before it).
The executed notebooks are kept in the temporary directory for inspection (printed on failure).
"""
import json
import os
import pathlib
import re
import resource
import shutil
import time

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
KERNEL = "fmplab"
CELL_TIMEOUT_S = 1200
# The notebook stage should fit in 10 minutes on 2 idle cores (reported, see the runs fixture).
BUDGET_S = 600
KEY_VALUE = re.compile(r"^([A-Z][A-Z0-9_]*)=(\S+)\s*$", re.MULTILINE)


def text(value):
    return "".join(value) if isinstance(value, list) else value


class Run:
    """One executed notebook: the notebook, its error (if a cell failed), wall and kernel CPU seconds."""

    def __init__(self, path, nb, error, seconds, cpu_seconds, saved):
        self.path, self.nb, self.error, self.seconds, self.cpu_seconds, self.saved = path, nb, error, seconds, cpu_seconds, saved

    def cells(self, tag=None):
        return [c for c in self.nb.cells if c.cell_type == "code" and (tag is None or tag in c.metadata.get("tags", []))]

    def results(self):
        """KEY=VALUE lines printed by the cells tagged result-*, as floats where they parse."""
        out = {}
        for cell in self.cells():
            if not any(t.startswith("result-") for t in cell.metadata.get("tags", [])):
                continue
            # A cell's stdout may arrive in several stream outputs: join them first.
            stdout = "".join(text(o["text"]) for o in cell.get("outputs", [])
                             if o.get("output_type") == "stream" and o.get("name") == "stdout")
            for key, value in KEY_VALUE.findall(stdout):
                try:
                    out[key] = float(value)
                except ValueError:
                    out[key] = value
        return out


def execute(path, workdir):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, startup_timeout=300, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(workdir)}})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = str(e)
    seconds = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    saved = workdir / "executed" / path.name
    saved.parent.mkdir(exist_ok=True)
    nbformat.write(nb, saved)
    return Run(path, nb, error, seconds, cpu, saved)


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    """Executes every notebook once, sequentially (one kernel at a time)."""
    os.environ.setdefault("FMPLAB_QUICK", "1")
    workdir = tmp_path_factory.mktemp("notebooks")
    load = [os.getloadavg()[0]]
    results = {p.stem: execute(p, workdir) for p in NOTEBOOKS}
    load.append(os.getloadavg()[0])
    summary = {"quick": os.environ["FMPLAB_QUICK"], "load_average": load, "cores": os.cpu_count(),
               "notebooks": {k: {"seconds": round(r.seconds, 1), "kernel_cpu_seconds": round(r.cpu_seconds, 1),
                                 "error": r.error is not None, "results": r.results()} for k, r in results.items()}}
    (workdir / "timings.json").write_text(json.dumps(summary, indent=2))
    shutil.copy(workdir / "timings.json", tmp_path_factory.getbasetemp() / "notebook-timings.json")
    # Timing is reported, not asserted (speed targets belong to benchmarks): the 10-minute budget is
    # checked by reading this line in the test log.
    wall = sum(r.seconds for r in results.values())
    detail = ", ".join(f"{k} {r.seconds:.0f} s" for k, r in results.items())
    line = f"[notebooks] stage took {wall:.0f} s wall (budget {BUDGET_S:.0f} s), load {load}: {detail}"
    report = ROOT / "tests" / "target" / "notebook-timings.txt"  # ./fmplab test prints it at the end
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(line + "\n")
    return results


def run_of(runs, stem):
    r = runs[stem]
    assert r.error is None, f"{stem} failed (executed copy: {r.saved}):\n{r.error[-3000:]}"
    return r


def test_the_tutorials_exist_and_are_committed_without_outputs():
    stems = [p.stem for p in NOTEBOOKS]
    assert stems == ["00-quickstart", "01-poisoning", "02-backdoored-model", "03-ranking",
                     "04-pruning-and-fine-tuning", "05-comparison", "06-your-own-attack"]
    for p in NOTEBOOKS:
        nb = nbformat.read(p, as_version=4)
        assert nb.metadata["kernelspec"] == {"name": "fmplab", "display_name": "FMP Lab (Java)", "language": "java"}
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), f"{p.name} has outputs"
        assert "FMPLAB_QUICK" in code[0].source, f"{p.name}: the first code cell must read the size knobs"
        assert any(c.cell_type == "markdown" for c in nb.cells)


@pytest.mark.parametrize("stem", [p.stem for p in NOTEBOOKS])
def test_notebook_runs_without_errors_and_every_plot_cell_shows_a_png(runs, stem):
    r = run_of(runs, stem)
    for cell in r.cells():
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"{stem}: {cell.source[:80]!r} failed: {errors}"
    plots = r.cells("plot")
    assert plots, f"{stem} has no cell tagged 'plot'"
    for cell in plots:
        mimes = [m for o in cell.get("outputs", []) for m in o.get("data", {})]
        assert "image/png" in mimes, f"{stem}: plot cell {cell.source[:80]!r} produced {mimes}"


def test_00_quickstart_fmp_cuts_a_real_backdoor(runs):
    v = run_of(runs, "00-quickstart").results()
    assert v["ASR_BEFORE"] >= 0.8, f"no real backdoor to remove: {v}"
    # Quick mode is one noisy draw of a tiny model: on seeds 0-5 FMP left 3.5-36% ASR (backdoored 90-99%),
    # so this asserts that pruning + fine-tuning at least halves the ASR (fine-tuning alone kept 99.6% on the
    # full-size default, docs/comparison.md),
    # not a figure that only a lucky draw reaches.
    assert v["ASR_AFTER_FMP"] < v["ASR_BEFORE"] / 2, v
    assert v["CA_AFTER_FMP"] >= 0.5, v
    assert v["STAGES"].startswith("backdoored,pruned,fine-tuned")


def test_01_poisoning_shows_every_attack_and_both_label_modes(runs):
    v = run_of(runs, "01-poisoning").results()
    assert v["ATTACKS_SHOWN"] >= 8
    assert v["POISONED_ALL_TO_ONE"] > 0 and v["POISONED_ALL_TO_ALL"] > 0
    assert v["BACKDOOR_TEST_NON_TARGET"] == 1.0  # the backdoor test set holds no target-class image
    assert v["CLEAN_LABEL_KEEPS_LABELS"] == 1.0


def test_02_backdoored_model_has_a_backdoor_and_a_visible_trigger_response(runs):
    v = run_of(runs, "02-backdoored-model").results()
    assert v["CA"] >= 0.5 and v["ASR"] >= 0.8
    assert v["EPOCHS_TRAINED"] >= 1
    assert v["TOP_TAC_CHANGE"] > v["LOW_TAC_CHANGE"]


def test_03_ranking_scores_every_feature_map(runs):
    v = run_of(runs, "03-ranking").results()
    assert v["RANKED_CHANNELS"] == v["TOTAL_CHANNELS"] > 0
    assert 0 <= v["ONE_CHANNEL_ACCURACY"] <= 1
    assert v["ONE_LAYER_MATCHES_ALL_LAYERS"] == 1.0  # ranking a layer alone gives the same scores
    assert v["PERTURBATION_LINF"] <= v["EPSILON_PLUS_ALPHA"] + 1e-6


def test_04_pruned_channels_are_silent_and_fine_tuning_removes_the_backdoor(runs):
    v = run_of(runs, "04-pruning-and-fine-tuning").results()
    assert v["PRUNED"] > 0
    assert v["PRUNED_MAX_ABS_ACTIVATION"] == 0.0
    assert v["MASKED_MAX_ABS_WEIGHT"] == 0.0  # the mask keeps pruned filters at zero through fine-tuning
    assert v["ASR_AFTER_FINE_TUNING"] < v["ASR_BACKDOORED"]
    assert 0 <= v["TAC_COVERAGE"] <= 1


def test_05_comparison_puts_fmp_beside_the_baselines(runs):
    v = run_of(runs, "05-comparison").results()
    assert v["DEFENSES_COMPARED"] >= 3
    assert v["ASR_FMP"] < v["ASR_NONE"]


def test_06_your_own_attack_goes_through_the_whole_pipeline(runs):
    v = run_of(runs, "06-your-own-attack").results()
    assert v["CUSTOM_ASR_BEFORE"] >= 0.5, v
    assert v["CUSTOM_ASR_AFTER_FMP"] < v["CUSTOM_ASR_BEFORE"], v
