"""The example notebooks: they run from top to bottom, in order, in a fresh copy of their folder, they
are recognised as the lifecycle phases they are about, and the answers recorded in them are valid."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from mllens_jupyter.answers import namespace_errors, namespace_of
from mllens_jupyter.lens import get_lens
from mllens_jupyter.notebook import read_notebook

EXAMPLES = Path(__file__).resolve().parents[1] / "example_notebooks"
PHASES = {
    "01-business-goal-and-framing.ipynb": ["business_goal", "problem_framing"],
    "02-data-processing.ipynb": ["data_processing"],
    "03-model-development.ipynb": ["model_development"],
    "04-deployment.ipynb": ["deployment"],
    "05-monitoring.ipynb": ["monitoring"],
}
NOTEBOOKS = list(PHASES)
CELL_TIMEOUT = 300
GENERATED = ("data", "models", "reports", "__pycache__", ".ipynb_checkpoints")


def copy_examples(parent: Path) -> Path:
    folder = parent / "example_notebooks"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns(*GENERATED))
    return folder


def execute(path: Path):
    """Run a notebook in the venv's python3 kernel, in its own folder; returns the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return notebook


def run_all(folder: Path, names: list[str]) -> dict[str, str | None]:
    """Each notebook in order: None when it ran to the end, else the error nbclient reported."""
    from nbclient.exceptions import CellExecutionError

    errors: dict[str, str | None] = {}
    for name in names:
        try:
            execute(folder / name)
            errors[name] = None
        except CellExecutionError as error:
            errors[name] = str(error)[-4000:]
    return errors


@pytest.fixture(scope="module")
def ran_in_order(tmp_path_factory) -> tuple[Path, dict[str, str | None]]:
    folder = copy_examples(tmp_path_factory.mktemp("in-order"))
    return folder, run_all(folder, NOTEBOOKS)


def test_the_examples_are_the_whole_lifecycle():
    assert sorted(path.name for path in EXAMPLES.glob("*.ipynb")) == NOTEBOOKS
    covered = {phase for phases in PHASES.values() for phase in phases}
    assert covered == {phase.id for phase in get_lens().phases}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_example_runs_without_error_in_order(ran_in_order, name):
    _, errors = ran_in_order
    assert errors[name] is None, f"{name} failed:\n{errors[name]}"


def test_running_the_examples_produces_what_they_promise(ran_in_order):
    folder, errors = ran_in_order
    assert not any(errors.values())
    record = json.loads((folder / "models" / "metrics.json").read_text())
    card = json.loads((folder / "models" / record["version"] / "model_card.json").read_text())
    assert card["evaluation"]["precision_at_capacity"] > card["evaluation"]["break_even_precision"]
    with open(folder / "data" / "scores" / "churn_scores_2026-07.csv", newline="") as file:
        scores = list(csv.DictReader(file))
    assert len(scores) == 2000 and sum(row["contact"] == "True" for row in scores) == 200
    review = json.loads((folder / "reports" / "model_review_2026-09.json").read_text())
    assert review["decision"] == "retrain" and review["alarms"]["2026-07"] == []
    assert set(json.loads((folder / "reports" / "feature_baseline.json").read_text())["numeric"]) >= {"sessions_30d"}


def test_an_example_opened_first_rebuilds_what_it_needs(tmp_path):
    folder = copy_examples(tmp_path)
    errors = run_all(folder, ["05-monitoring.ipynb"])
    assert errors["05-monitoring.ipynb"] is None, errors["05-monitoring.ipynb"]
    assert (folder / "models" / "churn_model.joblib").is_file()
    assert (folder / "reports" / "model_review_2026-09.json").is_file()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_example_is_inferred_as_the_phases_it_is_about(name):
    from mllens_jupyter.inference import infer_notebook

    inferred = infer_notebook(read_notebook(EXAMPLES / name), get_lens())["phases"]
    assert set(PHASES[name]) <= set(inferred), f"{name}: inferred {inferred}, expected {PHASES[name]} among them"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_recorded_answers_are_valid_and_use_current_ids(name):
    namespace = namespace_of(read_notebook(EXAMPLES / name))
    assert namespace is not None and namespace["lens"] == "aws-ml-lens"
    assert namespace_errors(namespace) == []
    lens = get_lens()
    for practice_id in namespace["answers"]:
        found = lens.find_practice(practice_id)
        assert found is not None and found.id == practice_id, practice_id


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_answers_are_about_the_notebooks_own_phases(name):
    lens = get_lens()
    answers = namespace_of(read_notebook(EXAMPLES / name))["answers"]
    elsewhere = {pid: lens.practice(pid).phase for pid in answers if lens.practice(pid).phase not in PHASES[name]}
    assert elsewhere == {}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_answers_leave_open_work_for_the_audit(name):
    statuses = {answer["status"] for answer in namespace_of(read_notebook(EXAMPLES / name))["answers"].values()}
    assert "done" in statuses and statuses & {"todo", "partial"}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_examples_are_committed_clean(name):
    import nbformat

    notebook = nbformat.read(EXAMPLES / name, as_version=nbformat.NO_CONVERT)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)
    assert notebook.metadata.kernelspec.name == "python3"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)
