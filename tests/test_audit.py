"""`mllens audit` as a lead or a CI job uses it: what is counted, what is skipped, bad input, exit codes."""

from __future__ import annotations

import gc
import json
import os
import shutil
from pathlib import Path

import pytest

from mllens_jupyter import audit
from mllens_jupyter.audit import Auditor, audit_notebook, coverage_of
from mllens_jupyter.lens import get_lens
from mllens_jupyter.report.progress import Progress
from mllens_jupyter.walk import glob_matches

from .conftest import CORPORA, make_notebook, run_cli

TRAINING_CELL = {
    "cell_type": "code", "id": "fit", "metadata": {}, "execution_count": None, "outputs": [],
    "source": "from sklearn.ensemble import RandomForestClassifier\nmodel = RandomForestClassifier()\nmodel.fit(X_train, y_train)\n",
}


def answer(status: str, **extra: str) -> dict:
    return {"status": status, "updated": "2026-11-28T10:00:00Z", **extra}


def lens_notebook(phases: list[str] | None = None, answers: dict | None = None, cells: list | None = None) -> dict:
    """A notebook whose phases are pinned by its user, so the audit does not depend on inference."""
    namespace: dict = {"schema_version": 1, "lens": "aws-ml-lens"}
    if phases is not None:
        namespace["phases"] = phases
    if answers is not None:
        namespace["answers"] = answers
    return make_notebook(cells=cells if cells is not None else [], metadata={"mllens": namespace})


def write(path: Path, content: dict | str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict):
        path.write_text(json.dumps(content, indent=1), encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def audit_json(*args: str, cwd: Path | None = None) -> tuple[int, dict]:
    result = run_cli("audit", *args, "--format", "json", cwd=cwd)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


# ---------------------------------------------------------------- one notebook


def test_answers_join_the_lens_for_applicable_practices(tmp_path, lens):
    answers = {
        "MLOPS01-BP01": answer("done", note="business case signed off"),
        "MLOE-02": answer("partial"),
        "MLOPS01-BP03": answer("not_applicable", reason="out_of_scope"),
        "MLSEC01-BP01": answer("todo"),
        "MLOPS04-BP01": answer("done"),
        "MLXYZ99-BP99": answer("done"),
    }
    path = write(tmp_path / "goal.ipynb", lens_notebook(["business_goal"], answers))
    result = audit_notebook(str(path), lens)

    business = [p for p in lens.practices if p.phase == "business_goal"]
    assert result["phases"] == ["business_goal"]
    assert result["applicable"] == [p.id for p in business]
    assert result["by_status"] == {"done": 1, "partial": 1, "todo": 1, "not_applicable": 1, "unanswered": len(business) - 4}
    risks = {r["practice"]: (r["risk"], r["status"]) for r in result["open_risks"]}
    assert risks["MLOPS01-BP02"] == ("medium", "partial")  # the 2023 alias MLOE-02 is resolved; partial lowers high
    assert risks["MLSEC01-BP01"] == ("high", "todo")
    assert "MLOPS01-BP01" not in risks and "MLOPS01-BP03" not in risks
    assert len(risks) == len(business) - 2
    assert result["coverage"] == round(2.5 / len(business), 4)
    assert result["answers"]["MLOPS04-BP01"]["status"] == "done"  # recorded, though its phase is absent
    assert result["answers"]["MLOPS01-BP01"]["note"] == "business case signed off"
    assert result["unknown_answers"] == ["MLXYZ99-BP99"]


def test_code_that_hints_at_a_practice_is_reported_as_evidence(tmp_path, lens):
    practice = next(p for p in lens.practices if p.evidence and p.evidence.imports)
    module = practice.evidence.imports[0]
    cell = {**TRAINING_CELL, "source": f"import {module}\n" + TRAINING_CELL["source"]}
    result = audit_notebook(str(write(tmp_path / "hint.ipynb", lens_notebook(cells=[cell]))), lens)
    assert any(module in reason for reason in result["evidence"][practice.id])
    assert "model_development" in result["phases"]


def test_a_notebook_with_no_phase_has_nothing_applicable_and_no_coverage(tmp_path, lens):
    result = audit_notebook(str(write(tmp_path / "empty-cells.ipynb", lens_notebook())), lens)
    assert result["phases"] == [] and result["applicable"] == [] and result["open_risks"] == []
    assert result["coverage"] is None


def test_coverage_counts_partial_as_half():
    assert coverage_of({"done": 1, "not_applicable": 1, "partial": 2, "todo": 1, "unanswered": 1}) == 0.5
    assert coverage_of({}) is None


def test_malformed_mllens_metadata_is_reported_not_fatal(tmp_path, lens):
    notebook = lens_notebook(["business_goal"], {"MLOPS01-BP01": {"status": "finished"}})
    result = audit_notebook(str(write(tmp_path / "odd.ipynb", notebook)), lens)
    assert result["by_status"]["done"] == 0
    assert {"practice": "MLOPS01-BP01", "risk": "high", "status": "unanswered"} in result["open_risks"]
    assert result["metadata_problems"] and "status" in result["metadata_problems"][0]


# ---------------------------------------------------------------- the repository


def test_repository_totals_matrix_top_risks_and_notebooks_without_answers(tmp_path, lens):
    model = [p for p in lens.practices if p.phase == "model_development"]
    high = [p for p in model if p.risk_if_absent == "high"]
    write(tmp_path / "a.ipynb", lens_notebook(["model_development"], {p.id: answer("done") for p in model}))
    write(tmp_path / "b.ipynb", lens_notebook(["model_development"], {high[0].id: answer("todo")}))
    write(tmp_path / "c.ipynb", lens_notebook(["model_development", "deployment"]))

    report = Auditor().run([str(tmp_path)], lens)

    summary = report["summary"]
    deployment = [p for p in lens.practices if p.phase == "deployment"]
    assert summary["notebooks"] == 3 and summary["with_answers"] == 2
    assert summary["applicable"] == 3 * len(model) + len(deployment)
    assert summary["by_status"]["done"] == len(model)
    assert summary["phase_notebooks"]["model_development"] == 3 and summary["phase_notebooks"]["deployment"] == 1
    assert report["no_answers"] == [str(tmp_path / "c.ipynb")]
    assert report["top_high_risks"][0] == {"practice": high[0].id, "notebooks": 2}
    assert all(item["notebooks"] <= 2 for item in report["top_high_risks"])
    cell = report["matrix"]["model_development"][high[0].pillar]
    in_cell = [p for p in model if p.pillar == high[0].pillar]
    assert cell["practices"] == len(in_cell) and cell["applicable"] == 3 * len(in_cell)
    assert cell["coverage"] == round(len(in_cell) / (3 * len(in_cell)), 4)
    assert report["matrix"]["monitoring"][high[0].pillar]["coverage"] is None
    assert report["gate"] == {"fail_on": None, "failing_notebooks": 0, "exit_code": 0}


# ---------------------------------------------------------------- bad input


@pytest.fixture
def messy_tree(tmp_path) -> Path:
    """A repository with every kind of bad entry next to two good notebooks."""
    root = tmp_path / "repo"
    write(root / "good.ipynb", lens_notebook(["business_goal"], {"MLOPS01-BP01": answer("done")}))
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"mllens": {"schema_version": 1, "phases": ["monitoring"]}},
          "worksheets": [{"cells": [{"cell_type": "code", "input": "print(1)", "language": "python", "outputs": []}]}]}
    write(root / "old" / "v3.ipynb", v3)
    write(root / "invalid.ipynb", '{"cells": [1, 2,')
    write(root / "empty.ipynb", "")
    write(root / "binary.ipynb", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(root / "latin1.ipynb", '{"nbformat": 4, "cells": [], "metadata": {"title": "Café"}}'.encode("latin-1"))
    write(root / "v2.ipynb", {"nbformat": 2, "worksheets": []})
    (root / "folder.ipynb").mkdir()
    os.symlink("loop-b.ipynb", root / "loop-a.ipynb")
    os.symlink("loop-a.ipynb", root / "loop-b.ipynb")
    os.symlink("missing.ipynb", root / "broken.ipynb")
    os.symlink("..", root / "old" / "up")
    write(root / ".ipynb_checkpoints" / "good-checkpoint.ipynb", "not even json")
    write(root / ".git" / "stash.ipynb", "not even json")
    return root


EXPECTED_REASONS = {
    "invalid.ipynb": "invalid JSON",
    "empty.ipynb": "empty file",
    "binary.ipynb": "binary file",
    "latin1.ipynb": "not UTF-8",
    "v2.ipynb": "nbformat 2 is not supported",
    "folder.ipynb": "is a folder",
    "loop-a.ipynb": "symbolic link loop",
    "loop-b.ipynb": "symbolic link loop",
    "broken.ipynb": "broken symbolic link",
}


def test_a_messy_tree_is_audited_to_the_end_with_every_problem_named(messy_tree):
    code, report = audit_json(str(messy_tree))

    assert code == 3
    reasons = {Path(u["path"]).name: u["reason"] for u in report["unreadable"]}
    assert set(reasons) == set(EXPECTED_REASONS)
    for name, words in EXPECTED_REASONS.items():
        assert words in reasons[name], (name, reasons[name])
    audited = {Path(nb["path"]).name: nb for nb in report["notebooks"]}
    assert set(audited) == {"good.ipynb", "v3.ipynb"}  # nothing from .git or .ipynb_checkpoints
    assert audited["v3.ipynb"]["phases"] == ["monitoring"]
    assert [s["reason"] for s in report["skipped"]] == ["symbolic link loop (links back to a folder above it)"]
    assert report["skipped"][0]["path"].endswith(os.path.join("old", "up"))
    assert report["gate"]["exit_code"] == 3


def test_unreadable_wins_over_failed_checks(messy_tree):
    result = run_cli("audit", str(messy_tree), "--fail-on", "high")
    assert result.returncode == 3
    assert "UNREADABLE" in result.stdout and "broken symbolic link" in result.stdout


def test_a_permission_error_on_one_file_does_not_stop_the_run(tmp_path, lens, monkeypatch):
    write(tmp_path / "a.ipynb", lens_notebook(["business_goal"]))
    locked = write(tmp_path / "b.ipynb", lens_notebook(["business_goal"]))
    write(tmp_path / "c.ipynb", lens_notebook(["business_goal"]))
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == locked.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = Auditor().run([str(tmp_path)], lens)
    assert report["unreadable"] == [{"path": str(locked), "reason": "permission denied"}]
    assert [Path(nb["path"]).name for nb in report["notebooks"]] == ["a.ipynb", "c.ipynb"]
    assert report["gate"]["exit_code"] == 3


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_notebook_that_breaks_inference_is_reported_and_the_run_goes_on(tmp_path, lens, monkeypatch, jobs):
    from mllens_jupyter import inference

    real = inference.infer_with_evidence

    def infer_with_evidence(notebook, lens=None):
        if notebook["metadata"].get("poison"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(notebook, lens)

    monkeypatch.setattr(inference, "infer_with_evidence", infer_with_evidence)
    for name in ("a", "b", "c"):
        notebook = lens_notebook(["business_goal"])
        notebook["metadata"]["poison"] = name == "b"
        write(tmp_path / f"{name}.ipynb", notebook)
    report = Auditor(jobs=jobs).run([str(tmp_path)], lens)
    assert [Path(nb["path"]).name for nb in report["notebooks"]] == ["a.ipynb", "c.ipynb"]
    assert report["unreadable"] == [
        {"path": str(tmp_path / "b.ipynb"), "reason": "could not be audited: RecursionError: maximum recursion depth exceeded"}
    ]


def test_a_broken_link_given_by_name_is_unreadable_not_a_usage_error(tmp_path):
    os.symlink("nowhere.ipynb", tmp_path / "link.ipynb")
    code, report = audit_json(str(tmp_path / "link.ipynb"))
    assert code == 3 and "broken symbolic link" in report["unreadable"][0]["reason"]


# ---------------------------------------------------------------- exit codes and options


@pytest.fixture
def risky_tree(tmp_path) -> Path:
    goal = [p for p in get_lens().practices if p.phase == "business_goal"]
    settled = {p.id: answer("done") for p in goal}
    write(tmp_path / "settled.ipynb", lens_notebook(["business_goal"], settled))
    write(tmp_path / "half.ipynb", lens_notebook(["business_goal"], {**settled, goal[0].id: answer("partial")}))
    return tmp_path


@pytest.mark.parametrize(
    ("files", "fail_on", "expected"),
    [
        (["settled.ipynb", "half.ipynb"], None, 0),
        (["settled.ipynb", "half.ipynb"], "high", 0),  # partial lowers a high risk to medium
        (["settled.ipynb", "half.ipynb"], "medium", 1),
        (["settled.ipynb"], "medium", 0),
    ],
)
def test_fail_on_sets_the_exit_code(risky_tree, files, fail_on, expected):
    options = ["--fail-on", fail_on] if fail_on else []
    result = run_cli("audit", *[risky_tree / f for f in files], *options)
    assert result.returncode == expected, result.stdout + result.stderr
    assert ("FAILED" in result.stdout) == (expected == 1)


def test_fail_on_high_fails_on_an_unanswered_high_risk_practice(tmp_path):
    write(tmp_path / "new.ipynb", lens_notebook(["business_goal"]))
    assert run_cli("audit", tmp_path, "--fail-on", "high").returncode == 1
    assert run_cli("audit", tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([".", "--format", "pdf"], "unknown report format 'pdf'"),
        ([".", "--fail-on", "low"], "--fail-on must be one of high, medium, not 'low'"),
        ([".", "--jobs", "-2"], "--jobs should not be less than 0, not -2"),
        ([], "give at least one notebook or folder"),
    ],
)
def test_usage_errors_exit_2_with_one_message_and_no_report(tmp_path, args, message):
    result = run_cli("audit", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_missing_path_is_unreadable_input_like_in_every_other_command(tmp_path):
    result = run_cli("audit", "no-such-folder", cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr == "mllens: error: no-such-folder: no such file or folder\n"
    assert result.stdout == ""


def test_output_file_is_written_with_its_folders_and_stdout_stays_empty(risky_tree, tmp_path):
    target = tmp_path / "build" / "reports" / "audit.json"
    result = run_cli("audit", risky_tree, "--format", "json", "-o", target)
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(target.read_text())["summary"]["notebooks"] == 2
    assert str(target) in result.stderr
    assert [p.name for p in target.parent.iterdir()] == ["audit.json"]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_json_format_prints_exactly_one_document(risky_tree):
    result = run_cli("audit", risky_tree, "--format", "json")
    assert json.loads(result.stdout)["report_version"] == 3
    assert result.stderr == ""


# ---------------------------------------------------------------- excludes


def test_exclude_globs_from_the_command_line_and_pyproject(tmp_path):
    for name in ("keep.ipynb", "scratch-1.ipynb", "drafts/idea.ipynb", "old/2019.ipynb", "old/keep/2020.ipynb", "deep/a/drafts/x.ipynb"):
        write(tmp_path / name, lens_notebook())
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.mllens]\nexclude = ["drafts", "old/*.ipynb"]\n')
    code, report = audit_json(".", "--exclude", "scratch-*.ipynb", cwd=tmp_path)
    assert code == 0
    assert sorted(nb["path"] for nb in report["notebooks"]) == ["keep.ipynb", os.path.join("old", "keep", "2020.ipynb")]
    assert report["summary"]["excluded"] == 4


def test_exclude_applies_to_files_named_on_the_command_line_like_pre_commit_does(tmp_path):
    for name in ("drafts/idea.ipynb", "drafts/other.ipynb", "main.ipynb", "second.ipynb"):
        write(tmp_path / name, lens_notebook())
    write(tmp_path / "pyproject.toml", '[tool.mllens]\nexclude = ["drafts"]\n')
    code, report = audit_json("main.ipynb", "drafts/idea.ipynb", "second.ipynb", "drafts/other.ipynb", cwd=tmp_path)
    assert [nb["path"] for nb in report["notebooks"]] == ["main.ipynb", "second.ipynb"]
    assert report["summary"]["excluded"] == 2


def test_a_malformed_pyproject_is_a_usage_error(tmp_path):
    write(tmp_path / "a.ipynb", lens_notebook())
    write(tmp_path / "pyproject.toml", "[tool.mllens]\nexclude = 'drafts'\n")
    result = run_cli("audit", ".", cwd=tmp_path)
    assert result.returncode == 2 and "exclude must be a list" in result.stderr


@pytest.mark.parametrize(
    ("relative", "pattern", "expected"),
    [
        ("drafts/idea.ipynb", "drafts", True),
        ("deep/drafts/idea.ipynb", "drafts", True),
        ("drafts-old/idea.ipynb", "drafts", False),
        ("old/2019.ipynb", "old/*.ipynb", True),
        ("x/old/2019.ipynb", "old/*.ipynb", False),
        ("x/old/2019.ipynb", "**/old/*.ipynb", True),
        ("old/keep/2020.ipynb", "old/*.ipynb", False),
        ("old/keep/2020.ipynb", "old/**/*.ipynb", True),
        ("a/b/tmp/c.ipynb", "**/tmp", True),
        ("archive/2019/a.ipynb", "archive/2019", True),
        ("a-draft.ipynb", "*-draft.ipynb", True),
        ("a.ipynb", "./a.ipynb", True),
    ],
)
def test_glob_matching(relative, pattern, expected):
    assert glob_matches(relative, pattern) is expected


# ---------------------------------------------------------------- parallel and real notebooks


@pytest.fixture
def corpus_sample(shared_dir, tmp_path) -> Path:
    """A copy of a few real notebooks from the shared corpora, across both corpora."""
    sources = sorted((CORPORA / "azureml-notebooks").rglob("*.ipynb"))[:6]
    sources += sorted(CORPORA.glob("sagemaker-examples/*deploy_and_monitor/**/*.ipynb"))[:6]
    target = tmp_path / "sample"
    for index, source in enumerate(sources):
        folder = target / f"{index:02d}"
        folder.mkdir(parents=True)
        shutil.copyfile(source, folder / source.name)
    return target


def test_a_real_run_over_corpus_notebooks(corpus_sample):
    code, report = audit_json(str(corpus_sample))
    assert code == 0 and report["summary"]["notebooks"] == 12 and report["unreadable"] == []
    assert report["summary"]["applicable"] > 0
    assert any("deployment" in nb["phases"] or "monitoring" in nb["phases"] for nb in report["notebooks"][6:])
    assert report["no_answers"] == [nb["path"] for nb in report["notebooks"]]


def test_jobs_2_gives_the_same_report_as_jobs_1(corpus_sample, messy_tree):
    shutil.copytree(corpus_sample, messy_tree / "sample")
    one = audit_json(str(messy_tree), "--jobs", "1")
    two = audit_json(str(messy_tree), "--jobs", "2")
    assert one == two
    assert one[1]["summary"]["notebooks"] == 14 and len(one[1]["unreadable"]) == len(EXPECTED_REASONS)


def test_results_stream_out_while_the_walk_goes_on(tmp_path, lens):
    for index in range(30):
        write(tmp_path / f"{index:02d}.ipynb", lens_notebook(["business_goal"]))
    seen: list[str] = []
    Auditor(jobs=2, batch_size=2).run([str(tmp_path)], lens, on_result=lambda r: seen.append(Path(r["path"]).name))
    assert seen == [f"{index:02d}.ipynb" for index in range(30)]


def test_an_audit_hands_the_garbage_collector_back_as_it_found_it(tmp_path, lens, monkeypatch):
    """An application that audits in its own process keeps its collector's setting; during the
    audit the collector runs between notebooks only, every NOTEBOOKS_PER_COLLECTION of them."""
    for index in range(6):
        write(tmp_path / f"{index}.ipynb", lens_notebook(["business_goal"], cells=[TRAINING_CELL]))
    monkeypatch.setattr(audit, "NOTEBOOKS_PER_COLLECTION", 2)
    full_collections: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full_collections.append(1)

    enabled_during: list[bool] = []
    gc.callbacks.append(count)
    try:
        Auditor(jobs=1).run([str(tmp_path)], lens, on_result=lambda _: enabled_during.append(gc.isenabled()))
    finally:
        gc.callbacks.remove(count)
    assert enabled_during == [False] * 6 and gc.isenabled()
    assert len(full_collections) == 3
    gc.disable()
    try:
        Auditor(jobs=1).run([str(tmp_path)], lens)
        assert not gc.isenabled()
    finally:
        gc.enable()


# ---------------------------------------------------------------- progress


class FakeTerminal:
    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_progress_bar_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    terminal, pipe = FakeTerminal(True), FakeTerminal(False)
    for stream in (terminal, pipe):
        progress = Progress(total=4, stream=stream, delay=0)
        for _ in range(4):
            progress.step()
            progress.last_draw = 0
        progress.close()
    assert "[" + "#" * 30 + "] 4/4 notebooks" in terminal.text and terminal.text.endswith("\r")
    assert pipe.text == ""


@pytest.mark.parametrize("ci, drawn", [("true", False), ("1", False), ("false", True), ("", True)])
def test_progress_bar_stays_quiet_in_ci(monkeypatch, ci, drawn):
    monkeypatch.setenv("CI", ci)
    terminal = FakeTerminal(True)
    progress = Progress(total=2, stream=terminal, delay=0)
    progress.step()
    progress.close()
    assert ("1/2 notebooks" in terminal.text) == drawn


def test_no_progress_output_when_stderr_is_not_a_terminal(risky_tree):
    result = run_cli("audit", risky_tree)
    assert result.stderr == "" and "settled.ipynb" in result.stdout
