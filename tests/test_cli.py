"""The mllens command line as a user runs it: output, exit codes, and files left as they were."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mllens_jupyter.inference import find_evidence, infer_notebook

from .conftest import CORPORA, make_notebook, run_cli
from .inference.cells import code, md


@pytest.fixture
def corpus_copy(shared_dir, tmp_path) -> Path:
    source = CORPORA / "azureml-notebooks" / "tutorials" / "image-classification-mnist-data" / "img-classification-part1-training.ipynb"
    if not source.exists():
        source = sorted(CORPORA.rglob("*.ipynb"))[0]
    copy = tmp_path / "training.ipynb"
    shutil.copyfile(source, copy)
    return copy


def test_help_documents_the_exit_codes():
    result = run_cli("--help")
    assert result.returncode == 0
    for line in ("0  success", "1  a check failed", "2  usage error", "3  unreadable input"):
        assert line in result.stdout


def test_jupyter_mllens_is_the_same_command():
    jupyter = Path(sys.executable).parent / "jupyter"
    result = subprocess.run([str(jupyter), "mllens", "lens", "list"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "aws-ml-lens" in result.stdout and "105 practices" in result.stdout


def test_lens_show_json_lists_the_whole_lens():
    result = run_cli("lens", "show", "--format", "json")
    assert result.returncode == 0
    lens = json.loads(result.stdout)
    assert (len(lens["practices"]), len(lens["pillars"]), len(lens["phases"]), len(lens["design_principles"])) == (105, 6, 6, 10)


def test_lens_show_one_practice_by_alias_pillar_and_phase():
    practice = run_cli("lens", "show", "MLOE-10")
    assert practice.returncode == 0
    assert practice.stdout.startswith("MLOPS03-BP01  Profile data to improve quality")
    assert "Ask yourself:" in practice.stdout and "mlops03-bp01.html" in practice.stdout
    pillar = run_cli("lens", "show", "security")
    assert "MLSEC05-BP01" in pillar.stdout and "MLOPS" not in pillar.stdout
    phase = json.loads(run_cli("lens", "show", "monitoring", "--format", "json").stdout)
    assert phase["stages"] == ["monitoring"] and len(phase["practices"]) == 18


def test_lens_validate_lists_all_problems(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("schema_version: 1\nid: x\nname: 3\npillars: []\n")
    result = run_cli("lens", "validate", path)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4
    assert all(line.startswith(f"{path}:") for line in lines)
    assert any(":1: (document): 'phases' is a required property" in line for line in lines)
    assert any(":2: id:" in line for line in lines) and any(":3: name:" in line for line in lines)
    assert any(":4: pillars:" in line for line in lines)
    assert run_cli("lens", "validate", "lens/aws-ml-lens", cwd=Path(__file__).parents[1]).returncode == 0


def test_answer_then_status_round_trips(corpus_copy):
    original = json.loads(corpus_copy.read_text())
    done = run_cli("answer", corpus_copy, "MLOE-10", "done", "--note", "profiled with ydata")
    assert done.returncode == 0, done.stderr
    assert "MLOPS03-BP01" in done.stdout
    na = run_cli("answer", corpus_copy, "MLSEC03-BP03", "not_applicable", "--reason", "out_of_scope", "--note", "public data")
    assert na.returncode == 0, na.stderr
    status = run_cli("status", corpus_copy, "--format", "json")
    assert status.returncode == 0
    report = json.loads(status.stdout)
    assert report["answered"] == 2
    rows = {row["id"]: row for pillar in report["pillars"] for row in pillar["answers"]}
    assert rows["MLOPS03-BP01"]["status"] == "done" and rows["MLOPS03-BP01"]["note"] == "profiled with ydata"
    assert rows["MLSEC03-BP03"]["reason"] == "out_of_scope"
    text = run_cli("status", corpus_copy).stdout
    assert "Operational excellence: 1 of 16 answered" in text and "not_applicable (out_of_scope)" in text
    written = json.loads(corpus_copy.read_text())
    written["metadata"].pop("mllens")
    assert written == original


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("MLXX-99", "done"), 2, "unknown practice 'MLXX-99'"),
        (("MLOPS03-BP01", "not_applicable"), 2, "not_applicable needs a reason"),
        (("MLOPS03-BP01", "finished"), 2, "unknown status 'finished'"),
        (("MLOPS03-BP01", "done", "--reason", "other"), 2, "only given with the status not_applicable"),
        (("MLOPS03-BP01",), 2, "usage: mllens answer NOTEBOOK PRACTICE STATUS [options]"),
    ],
)
def test_bad_answers_exit_non_zero_and_leave_the_notebook_unchanged(corpus_copy, args, code, message):
    before = corpus_copy.read_bytes()
    result = run_cli("answer", corpus_copy, *args)
    assert result.returncode == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert corpus_copy.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("{not json", "invalid JSON at line 1"), ("", "empty file")],
)
def test_unreadable_notebooks_exit_3_with_one_line(tmp_path, content, message):
    path = tmp_path / "broken.ipynb"
    if content is not None:
        path.write_text(content)
    for args in (("status", path), ("answer", path, "MLOPS03-BP01", "done")):
        result = run_cli(*args)
        assert result.returncode == 3
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    if content is not None:
        assert path.read_text() == content


@pytest.mark.parametrize(
    "args",
    [("bogus",), ("lens", "shw"), ("lens", "show", "--format", "xml"), ("lens", "show", "nothing-like-this"),
     ("status",), ("lens", "show", "--lens", "no-such-lens")],
)
def test_usage_errors_exit_2_without_traceback(args):
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip()
    assert result.stdout == ""


def test_a_broken_lens_given_by_path_is_unreadable_input(tmp_path):
    path = tmp_path / "lens.yaml"
    path.write_text("schema_version: 1\n")
    result = run_cli("lens", "show", "--lens", path)
    assert result.returncode == 3 and "invalid lens" in result.stderr


# --- mllens infer ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def monitor_notebook(shared_dir):
    matches = sorted(CORPORA.glob("sagemaker-examples/*deploy_and_monitor/sm-model_monitor_introduction/*.ipynb"))
    assert matches, "the model monitor notebook of the sagemaker corpus is missing"
    return matches[0]


def test_infer_json_on_a_real_notebook(monitor_notebook):
    result = run_cli("infer", monitor_notebook, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["path"] == str(monitor_notebook)
    assert {"deployment", "monitoring"} <= set(report["phases"])
    notebook = json.loads(monitor_notebook.read_text(encoding="utf-8"))
    assert [c["index"] for c in report["cells"]] == list(range(len(notebook["cells"])))
    for cell in report["cells"]:
        assert set(cell) >= {"index", "cell_type", "stages", "confidence", "reasons"}
    monitoring = [c for c in report["cells"] if c["cell_type"] == "code" and "monitoring" in c["stages"]]
    assert any("sagemaker.model_monitor.DefaultModelMonitor" in r for c in monitoring for r in c["reasons"]["monitoring"])


def test_infer_text_has_a_line_per_cell_and_the_phases(monitor_notebook):
    result = run_cli("infer", monitor_notebook)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    notebook = json.loads(monitor_notebook.read_text(encoding="utf-8"))
    assert len(lines) == len(notebook["cells"]) + 2
    assert lines[-1].startswith("phases: ") and "Monitoring" in lines[-1]
    assert any("calls sagemaker.model_monitor.DefaultModelMonitor" in line for line in lines)


def test_infer_an_unreadable_notebook_exits_3_with_one_line(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    result = run_cli("infer", path)
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_infer_gives_the_same_reasons_in_every_run(tmp_path):
    """Reasons that tie are listed in one order whatever the process's string hashing, so that a
    report committed to a repository does not change from run to run."""
    import os
    import subprocess
    import sys

    source = ("epochs, optimizer, lr, batch_size, num_epochs = 3, 'adam', 0.1, 32, 5\n"
              "estimator.set_hyperparameters(epochs=epochs, optimizer=optimizer, learning_rate=lr, wd=0.1)\n"
              "acc, f1, auc, rmse = 0.9, 0.8, 0.7, 0.1\nprint(acc, f1, auc, rmse)")
    path = tmp_path / "ties.ipynb"
    shaped = ("import matplotlib.pyplot as plt\npart = part[part.x > 0]\npart['ratio'] = part['a'] / part['b']\n"
              "plt.scatter(part['ratio'], part['y'])\nplt.show()")
    path.write_text(json.dumps(make_notebook([code(source), code("print(acc, f1, auc, rmse)"), code(shaped)])))
    outputs = set()
    for seed in map(str, range(1, 9)):
        done = subprocess.run([sys.executable, "-m", "mllens_jupyter", "infer", str(path), "--format", "json"],
                              capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert any(json.loads(outputs.pop())["cells"][0]["reasons"].values())


def test_the_audit_reads_evidence_in_the_same_pass_and_finds_what_find_evidence_finds(lens):
    from mllens_jupyter.inference import infer_with_evidence

    cells = [
        md("# Monitoring"),
        code("import sagemaker\nfrom sagemaker.model_monitor import DefaultModelMonitor, DataCaptureConfig"),
        code("capture = DataCaptureConfig(enable_capture=True)\nmonitor = DefaultModelMonitor(role=role)"),
        code("monitor.suggest_baseline(baseline_dataset='s3://b/train.csv')\n# drift"),
        code("%%bash\naws s3 ls"),
    ]
    notebook = make_notebook(cells)
    inferred, evidence = infer_with_evidence(notebook, lens)
    full = infer_notebook(notebook, lens)
    assert inferred == {**full, "cells": [{**cell, "reasons": {}} for cell in full["cells"]]}  # no report shows them
    assert any(cell["reasons"] for cell in full["cells"])
    assert evidence == find_evidence(cells, lens) and evidence


@pytest.mark.parametrize("source", [
    "%matplotlib inline\nimport pandas as pd\n!pip install -q xgboost\ndf = pd.read_csv('a.csv')",
    "%%time\nmodel.fit(X, y)\n  \nprint(1)",
    "for f in files:\n    !gsutil cp {f} .\n%load_ext autoreload",
    "files = !ls data\nbest = %sx cat best.txt\nfor f in files:\n    out = !wc -l {f}",
    "\n\n%matplotlib inline\nimport pandas as pd",
    "total = first + \\\n    second\n! pip install xgboost",
])
def test_common_ipython_syntax_is_read_as_ipython_reads_it(source):
    from IPython.core.inputtransformer2 import TransformerManager

    from mllens_jupyter.inference.ipython_syntax import quick_transform

    assert quick_transform(source) == TransformerManager().transform_cell(source)


@pytest.mark.parametrize("source", ["??model.fit", "x = !ls\n%timeit f(x)?", "%%time?", "a = 1 + \\\n%x",
                                    "!ls \\\n  -l"])
def test_unusual_ipython_syntax_is_left_to_ipython(source):
    from mllens_jupyter.inference.ipython_syntax import quick_transform

    quick = quick_transform(source)
    assert quick is None or not ast_parses(quick)


def ast_parses(text):
    import ast

    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True
