"""The mllens command line as a user runs it: output, exit codes, and files left as they were."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mllens_jupyter.inference import find_evidence, infer_notebook

from .conftest import CORPORA, REPO, make_notebook, run_cli
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
        (("MLOPS03-BP01",), 2, "usage: mllens answer TARGET PRACTICE STATUS [options]"),
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


# -- reliability: hostile input, formatting kept, clear exits -----------------------------------------

def only_the_answer_was_added(before: str, after: str) -> bool:
    """`after` is `before` with one run of text inserted, the new `mllens` member, and perhaps the comma
    that joins it to the member before; no other character changed."""
    import difflib

    edits = [op for op in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes() if op[0] != "equal"]
    inserted = [after[j1:j2] for tag, _, _, j1, j2 in edits if tag == "insert"]
    return len(edits) == len(inserted) and '"mllens"' in "".join(inserted) and all(
        '"mllens"' in text or text.strip() == "," for text in inserted)


def nb_bytes(text: str, bom: bool = False) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@pytest.mark.parametrize(
    "content",
    [
        nb_bytes(json.dumps(make_notebook(), indent=1).replace("\n", "\r\n") + "\r\n"),
        nb_bytes(json.dumps(make_notebook(), indent=2) + "\n", bom=True),
        nb_bytes('{\n "cells": [],\n "metadata": {\n    "huge": 1e400, "n": 1.50,\n  "kernelspec": {"name": "python3"}\n },\n'
                 ' "nbformat": 4,\n "nbformat_minor": 5\n}\n'),
        nb_bytes('{"cells": [], "metadata": {"a": {"b": [1,2,  3]}, "z": "é \\ud83d\\ude00"}, "nbformat": 4, "nbformat_minor": 5}'),
    ],
    ids=["crlf", "bom", "mixed-indent-and-numbers", "one-line"],
)
def test_an_answer_changes_no_byte_outside_its_own_lines(tmp_path, content):
    path = tmp_path / "styled.ipynb"
    path.write_bytes(content)
    assert run_cli("answer", path, "MLOPS03-BP01", "done", "--note", "profiled").returncode == 0
    after = path.read_bytes()
    assert only_the_answer_was_added(content.decode("utf-8"), after.decode("utf-8"))
    assert after.startswith(b"\xef\xbb\xbf") == content.startswith(b"\xef\xbb\xbf")
    assert (b"\r\n" in after) == (b"\r\n" in content) and after.count(b"\n") == after.count(b"\r\n") or b"\r\n" not in content
    if b"1e400" in content:
        assert b'"huge": 1e400, "n": 1.50' in after
    metadata = json.loads(after.decode("utf-8-sig"))["metadata"]
    assert "mllens" in metadata


def test_a_status_change_keeps_the_earlier_note(corpus_copy):
    run_cli("answer", corpus_copy, "MLOPS03-BP01", "done", "--note", "profiled with ydata")
    run_cli("answer", corpus_copy, "MLOPS03-BP01", "partial")
    answer = json.loads(corpus_copy.read_text())["metadata"]["mllens"]["answers"]["MLOPS03-BP01"]
    assert (answer["status"], answer["note"]) == ("partial", "profiled with ydata")
    run_cli("answer", corpus_copy, "MLOPS03-BP01", "todo", "--note", "")
    assert "note" not in json.loads(corpus_copy.read_text())["metadata"]["mllens"]["answers"]["MLOPS03-BP01"]


def test_notes_and_names_reach_the_terminal_with_their_control_characters_escaped(tmp_path):
    path = tmp_path / "evil\u202egnp.ipynb"
    path.write_text(json.dumps(make_notebook(), indent=1))
    assert run_cli("answer", path, "MLOPS03-BP01", "done", "--note", "x\x1b]0;PWNED\x07\x1b[2J").returncode == 0
    outputs = [run_cli("status", path).stdout, run_cli("status", path).stdout,
               run_cli("audit", tmp_path).stdout, run_cli("audit", tmp_path, "--format", "markdown").stdout,
               run_cli("status", tmp_path / "bad\x1b[2J.ipynb").stderr]
    for text in outputs:
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "x\\x1b]0;PWNED\\x07\\x1b[2J" in outputs[0]
    assert "evil\\u202egnp.ipynb" in outputs[2] and "evil\\\\u202egnp.ipynb" in outputs[3]
    assert "bad\\x1b[2J.ipynb: no such file" in outputs[4]
    status = json.loads(run_cli("status", path, "--format", "json").stdout)
    notes = [a["note"] for p in status["pillars"] for a in p["answers"]]
    assert notes == ["x\x1b]0;PWNED\x07\x1b[2J"]


V3_WITH_HEADING = {
    "nbformat": 3, "nbformat_minor": 0, "metadata": {"name": "old"},
    "worksheets": [{"metadata": {}, "cells": [
        {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["Training ", "a model"]},
        {"cell_type": "code", "language": "python", "metadata": {}, "outputs": [],
         "input": ["from sklearn.linear_model import LogisticRegression\n", "model = LogisticRegression().fit(X, y)"]},
    ]}],
}


def test_an_nbformat_3_notebook_with_a_heading_cell_is_read_answered_and_audited(tmp_path):
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(V3_WITH_HEADING, indent=1))
    assert run_cli("status", path).returncode == 0
    assert run_cli("answer", path, "MLOPS03-BP01", "done").returncode == 0
    audit = run_cli("audit", tmp_path, "--format", "json")
    assert audit.returncode == 0, audit.stderr
    assert json.loads(path.read_text())["worksheets"] == V3_WITH_HEADING["worksheets"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [{"cell_type": "code"}]}]}',
         "nbformat 3 notebook that cannot be upgraded"),
        ('{"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {"mllens": [1, 2]}}',
         "metadata.mllens is not an object (it is list); fix or remove it"),
        ('{"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {"mllens": {"schema_version": 2, "answers": {}}}}',
         "metadata.mllens has schema_version 2, newer than this mllens understands (1); upgrade mllens-jupyter"),
        ('{"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {"mllens": {"schema_version": 1, '
         '"answers": {"MLSEC01-BP01": {"status": "finished"}}}}}', "metadata.mllens is invalid: answers.MLSEC01-BP01"),
    ],
    ids=["malformed-v3", "namespace-list", "newer-schema", "malformed-other-answer"],
)
def test_a_notebook_an_answer_cannot_safely_go_into_exits_3_with_one_line(tmp_path, content, message):
    path = tmp_path / "odd.ipynb"
    path.write_text(content)
    result = run_cli("answer", path, "MLOPS03-BP01", "done")
    assert result.returncode == 3
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert path.read_text() == content


def test_a_lone_escaped_surrogate_beside_raw_unicode_is_kept_as_written(tmp_path):
    content = '{"cells": [], "metadata": {"title": "caf\u00e9 \\ud800"}, "nbformat": 4, "nbformat_minor": 5}\n'
    path = tmp_path / "odd.ipynb"
    path.write_text(content, encoding="utf-8")
    assert run_cli("answer", path, "MLOPS03-BP01", "done", "--note", "\u00e9t\u00e9").returncode == 0
    assert '"title": "caf\u00e9 \\ud800"' in path.read_text(encoding="utf-8")
    assert run_cli("status", path).returncode == 0
    assert run_cli("audit", tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
         "bomb.yaml:1: (yaml): anchors and aliases (&name, *name) are not allowed; write the value out"),
        ("schema_version: 1\nid: x\nid: y\n", "bomb.yaml:3: (yaml): duplicate key 'id'"),
        ("version: '" + "9" * (5 * 1024 * 1024) + "'\n", "bomb.yaml: (file): larger than 4 MiB"),
    ],
    ids=["aliases", "duplicate-key", "too-large"],
)
def test_hostile_yaml_is_refused_with_one_line_and_exit_3(tmp_path, text, message):
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    for args in (("lens", "validate", path), ("lens", "show", "--lens", path), ("status", "x.ipynb", "--lens", path)):
        result = run_cli(*args)
        assert result.returncode == 3, (args, result.stderr)
        assert result.stderr.splitlines() == [f"mllens: error: {path.parent}/{message}"]


def test_missing_and_looping_lens_paths_are_unreadable_input(tmp_path):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    for path in (tmp_path / "missing.yaml", tmp_path / "a.yaml"):
        result = run_cli("lens", "validate", path)
        assert result.returncode == 3 and len(result.stderr.splitlines()) == 1 and str(path) in result.stderr
    assert run_cli("lens", "show", "--lens", tmp_path / "a.yaml").returncode == 3


def test_a_version_longer_than_a_version_is_a_problem_of_the_lens(tmp_path):
    path = tmp_path / "lens.yaml"
    lens = (REPO / "lens" / "aws-ml-lens" / "lens.yaml").read_text().replace("version:", "version: '" + "1" * 65 + "'\nold:", 1)
    path.write_text(lens)
    result = run_cli("lens", "validate", path)
    assert result.returncode == 1 and "version" in result.stdout


CUSTOM_LENS = """schema_version: 1
id: team-lens
name: Team lens
pillars:
  - {id: quality_assurance, name: Quality assurance}
  - {id: security, name: Security, prefix: SEC}
phases:
  - {id: building, name: Building, stages: [training, evaluaton]}
  - {id: running, name: Running, stages: [deploy]}
practices:
  - {id: QA01-BP01, title: Test the data, pillar: quality_assurance, phase: building, risk_if_absent: severe}
  - {id: QA01-BP02, title: Review the model, pillar: quallity_assurance, phase: building, risk_if_absent: high}
"""


def test_lens_validate_lists_schema_and_reference_problems_together_and_rejects_a_misspelled_stage(tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text(CUSTOM_LENS)
    result = run_cli("lens", "validate", path)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert any(":8: phases[0].stages[1]: 'evaluaton' is not one of" in line for line in lines)
    assert any(":9: phases[1].stages[0]: 'deploy' is not one of" in line for line in lines)
    assert any(":11: practices[0].risk_if_absent:" in line for line in lines)
    assert any(":12: practices[1].pillar: unknown pillar 'quallity_assurance'" in line for line in lines)
    assert len(lines) == 4 and "4 problem(s)" in result.stderr


def test_lens_show_gives_whole_custom_pillar_names_and_says_when_there_is_no_version(tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text(CUSTOM_LENS.replace("evaluaton", "evaluation").replace("deploy]", "deployment]")
                    .replace("severe", "high").replace("quallity", "quality"))
    result = run_cli("lens", "show", "--lens", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Team lens (team-lens, no version given)")
    head = next(line for line in result.stdout.splitlines() if line.rstrip().endswith("total"))
    assert head.split() == ["quality_assurance", "SEC", "total"]  # whole ids, not 'qualit'
    bundled = run_cli("lens", "show")
    assert bundled.stdout.startswith("AWS Well-Architected Machine Learning Lens (aws-ml-lens, version 2025.11)")


def test_the_lens_schema_knows_exactly_the_stages_the_inference_knows():
    import yaml

    root = Path(__file__).parents[1] / "lens"
    schema = json.loads((root / "schema" / "lens.v1.schema.json").read_text())
    signals = yaml.safe_load((root / "signals" / "stages.yaml").read_text())
    assert schema["definitions"]["stage"]["enum"] == signals["stages"]


@pytest.mark.parametrize("args, message", [
    (("lens", "export", "--format", "csv"), "--format must be one of wa-tool, not 'csv'. See `mllens lens export --help`."),
    (("lens", "show", "--format", "xml"), "--format must be one of text, json, not 'xml'."),
    (("audit", ".", "--fail-on", "severe"), "--fail-on must be one of high, medium, not 'severe'"),
    (("lens", "show", "--format"), "--format: expected one argument."),
])
def test_a_usage_error_is_one_plain_line(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("mllens: error: ") and message in result.stderr
    assert "trait" not in result.stderr and "Bad config" not in result.stderr and "usage:" not in result.stderr


def test_help_leads_with_the_commands_of_mllens_before_the_general_jupyter_options():
    text = run_cli("--help").stdout
    commands, general = text.index("Commands"), text.index("General options")
    assert commands < text.index("mllens audit PATH ...") < text.index("Exit codes") < general
    assert commands < text.index("mllens answer TARGET PRACTICE STATUS") < general
    assert text.index("\n--debug\n") > general
    export = run_cli("lens", "export", "--help").stdout
    assert export.index("--format") < export.index("General options") < export.index("--debug")


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_the_exported_lens_file_gets_the_mode_the_umask_gives(tmp_path, umask, mode):
    target = tmp_path / "out" / "lens.json"
    result = subprocess.run([sys.executable, "-m", "mllens_jupyter", "lens", "export", "-o", str(target)],
                            capture_output=True, text=True, timeout=300, preexec_fn=lambda: os.umask(umask))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert json.loads(target.read_text())["name"]


def test_status_shows_the_open_risks_of_the_phases_present_as_the_magic_does(tmp_path):
    path = tmp_path / "framing.ipynb"
    shutil.copyfile(Path(__file__).parents[1] / "example_notebooks" / "02-data-processing.ipynb", path)
    text = run_cli("status", path)
    data = json.loads(run_cli("status", path, "--format", "json").stdout)
    assert text.returncode == 0, text.stderr
    assert data["present_phases"] == ["data_processing"]
    high = sum(1 for risk in data["open_risks"] if risk["risk"] == "high")
    medium = len(data["open_risks"]) - high
    assert f"Open risks in the phases present (Data processing): {high} high, {medium} medium" in text.stdout
    assert all(risk["phase"] == "data_processing" for risk in data["open_risks"]) and high + medium > 0


def test_answering_a_practice_whose_phase_is_not_present_adds_a_one_line_note(tmp_path):
    path = tmp_path / "data.ipynb"
    shutil.copyfile(Path(__file__).parents[1] / "example_notebooks" / "02-data-processing.ipynb", path)
    absent = run_cli("answer", path, "MLOPS05-BP01", "todo")
    assert absent.returncode == 0, absent.stderr
    assert absent.stdout.splitlines()[1:] == [
        "note: its phase, Deployment, is not present in this notebook (neither inferred nor pinned), "
        "so the answer counts in no open risk here until it is"]
    present = run_cli("answer", path, "MLOPS03-BP01", "done")
    assert len(present.stdout.splitlines()) == 1


def test_an_unknown_option_is_a_usage_error_not_a_warning_before_a_run():
    result = run_cli("lens", "show", "--colour", "red")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == "mllens: error: unknown option --colour. See `mllens lens show --help`."


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
