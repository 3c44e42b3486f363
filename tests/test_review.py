"""The workload's review file: inheritance, the audit in practices, milestones and baselines, bad files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mllens_jupyter import review as reviews
from mllens_jupyter.errors import ReviewError
from mllens_jupyter.lens import get_lens

from .conftest import REPO, make_notebook, run_cli

EXAMPLES = REPO / "example_notebooks"
NOTEBOOKS = ("02-data-processing.ipynb", "03-model-development.ipynb", "03b-model-tuning.ipynb")


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository as a user makes one: three notebooks in two phases and two folders, and a review
    file at its root."""
    (tmp_path / ".git").mkdir()
    sources = (NOTEBOOKS[0], NOTEBOOKS[1], NOTEBOOKS[1])
    for name, source, folder in zip(NOTEBOOKS, sources, ("data", "model", "model")):
        (tmp_path / folder).mkdir(exist_ok=True)
        notebook = json.loads((EXAMPLES / source).read_text())
        notebook["metadata"].pop("mllens", None)
        (tmp_path / folder / name).write_text(json.dumps(notebook, indent=1) + "\n")
    result = run_cli("review", "init", tmp_path, "--name", "Churn prediction", "--owner", "ana",
                     "--environment", "preproduction")
    assert result.returncode == 0, result.stderr
    return tmp_path


def audit(repo: Path, *args: str) -> dict:
    result = run_cli("audit", repo, "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def practice(report: dict, pid: str) -> dict:
    (workload,) = report["workloads"]
    return next(p for p in workload["practices"] if p["id"] == pid)


def test_a_workload_answer_is_inherited_and_a_notebook_answer_overrides_it(repo):
    assert run_cli("answer", repo, "MLSEC03-BP01", "done", "--note", "IAM role per step", "--owner", "ana",
                   "--due", "2027-01-15").returncode == 0
    assert run_cli("answer", repo / "model" / NOTEBOOKS[1], "MLSEC03-BP01", "partial").returncode == 0
    inherited = json.loads(run_cli("status", repo / "data" / NOTEBOOKS[0], "--format", "json").stdout)
    answer = next(a for p in inherited["pillars"] for a in p["answers"] if a["id"] == "MLSEC03-BP01")
    assert (answer["status"], answer["scope"], answer["owner"]) == ("done", "workload", "ana")
    assert inherited["review"].endswith("mllens-review.yaml")
    own = json.loads(run_cli("status", repo / "model" / NOTEBOOKS[1], "--format", "json").stdout)
    answer = next(a for p in own["pillars"] for a in p["answers"] if a["id"] == "MLSEC03-BP01")
    assert (answer["status"], answer["scope"]) == ("partial", "notebook")
    text = run_cli("status", repo / "data" / NOTEBOOKS[0]).stdout
    assert "MLSEC03-BP01   done" in text and "workload" in text


def test_the_audit_counts_each_practice_once_per_workload(repo):
    report = audit(repo)
    (workload,) = report["workloads"]
    assert workload["name"] == "Churn prediction" and workload["notebooks"] == 3
    ids = [p["id"] for p in workload["practices"]]
    assert len(ids) == len(set(ids))
    per_notebook = sum(nb["open"]["high"] for nb in report["notebooks"])
    assert workload["open"]["high"] == sum(1 for p in workload["practices"] if p["risk"] == "high") < per_notebook
    assert report["summary"]["open_high"] == workload["open"]["high"]
    run_cli("answer", repo, "MLSEC03-BP01", "done")
    after = practice(audit(repo), "MLSEC03-BP01")
    assert (after["status"], after["scope"], after["risk"]) == ("done", "workload", None)
    assert audit(repo)["workloads"][0]["open"]["high"] == workload["open"]["high"] - 1


def test_each_notebook_record_derives_its_effective_answers_and_risks_as_the_audit_judged_them(repo):
    from mllens_jupyter.audit import judged, notebook_result
    from mllens_jupyter.records import NotebookDetails
    from mllens_jupyter.notebook import read_notebook

    run_cli("answer", repo, "MLSEC04-BP01", "done")
    run_cli("answer", repo, "MLSEC03-BP01", "todo", "--owner", "sam")
    run_cli("answer", repo / "model" / NOTEBOOKS[2], "MLSEC04-BP01", "partial")
    report, lens = audit(repo), get_lens()
    details = NotebookDetails(report)
    inherited = report["workloads"][0]["answers"]
    assert inherited and all(a["scope"] == "workload" for a in inherited.values())
    for record in report["notebooks"]:
        assert set(record) >= {"workload", "open"} and not {"applicable", "open_risks"} & set(record)
        nb = details.detail(record)
        fresh = notebook_result(record["path"], read_notebook(record["path"]), lens)
        expected = judged(fresh, {**inherited, **fresh["answers"]}, lens)
        assert (nb["applicable"], nb["open_risks"]) == (expected["applicable"], expected["open_risks"])
        assert {pid: a["scope"] for pid, a in nb["answers"].items()} == {
            pid: a["scope"] for pid, a in expected["answers"].items()}
        high = sum(1 for r in nb["open_risks"] if r["risk"] == "high")
        assert record["open"] == {"high": high, "medium": len(nb["open_risks"]) - high}


def test_the_html_report_draws_the_trend_across_milestones(repo):
    assert run_cli("review", "milestone", "v1", repo).returncode == 0
    run_cli("answer", repo, "MLSEC03-BP01", "done")
    page = run_cli("audit", repo, "--format", "html").stdout
    assert page.count("<polyline") == 2 and ">v1</text>" in page and ">now</text>" in page
    assert re.search(r"v1 \d{4}-\d\d-\d\d: (\d+) high", page)
    before = int(re.search(r"v1 \d{4}-\d\d-\d\d: (\d+) high", page).group(1))
    assert f"now : {before - 1} high" in page


def test_the_weakest_notebook_decides_the_workload_status(repo):
    run_cli("answer", repo, "MLSEC04-BP01", "done")
    assert practice(audit(repo), "MLSEC04-BP01")["status"] == "done"
    run_cli("answer", repo / "model" / NOTEBOOKS[2], "MLSEC04-BP01", "todo")
    found = practice(audit(repo), "MLSEC04-BP01")
    assert (found["status"], found["scope"], found["risk"]) == ("todo", "notebook", "high")
    assert found["notebooks"] == 2  # the two model notebooks: the data one has no Model development phase


def test_overdue_answers_are_flagged(repo):
    run_cli("answer", repo, "MLSEC03-BP01", "todo", "--owner", "sam", "--due", "2020-01-31")
    report = audit(repo)
    found = practice(report, "MLSEC03-BP01")
    assert (found["owner"], found["due"], found["overdue"]) == ("sam", "2020-01-31", True)
    assert report["workloads"][0]["overdue"] == ["MLSEC03-BP01"]


def test_a_milestone_then_a_baseline_reports_new_and_resolved_risks(repo):
    assert run_cli("review", "milestone", "v1", repo).returncode == 0
    recorded = reviews.read(repo / "mllens-review.yaml")["milestones"][0]
    assert recorded["name"] == "v1" and "MLSEC03-BP01" in recorded["open"]["high"]
    run_cli("answer", repo, "MLSEC03-BP01", "done")
    monitoring = make_notebook([{"cell_type": "code", "id": "m", "metadata": {}, "outputs": [], "execution_count": None,
                                 "source": "from sagemaker.model_monitor import DefaultModelMonitor\n"
                                           "monitor = DefaultModelMonitor(role=role)\n"
                                           "monitor.create_monitoring_schedule(endpoint_input=endpoint)"}])
    (repo / "model" / "05-monitoring.ipynb").write_text(json.dumps(monitoring, indent=1))
    report = audit(repo, "--baseline", "v1")
    assert "MLSEC03-BP01" in report["baseline"]["resolved"]
    new = report["baseline"]["new"]
    assert new and all(practice(report, pid)["phase"] == "monitoring" for pid in new)
    gated = run_cli("audit", repo, "--baseline", "v1", "--fail-on", "high")
    assert gated.returncode == 1
    saved = repo / "before.json"
    saved.write_text(json.dumps(report))
    assert run_cli("audit", repo, "--baseline", saved, "--fail-on", "high").returncode == 0


def test_an_unknown_milestone_is_a_usage_error(repo):
    result = run_cli("audit", repo, "--baseline", "v9")
    assert result.returncode == 2 and "no milestone named 'v9'" in result.stderr


def test_notebooks_under_no_review_form_the_unreviewed_group(repo, tmp_path_factory):
    other = tmp_path_factory.mktemp("scratch")
    shutil.copyfile(repo / "data" / NOTEBOOKS[0], other / "scratch.ipynb")
    report = json.loads(run_cli("audit", repo, other, "--format", "json").stdout)
    assert [w["name"] for w in report["workloads"]] == ["Churn prediction", "Unreviewed notebooks"]
    assert report["workloads"][1]["review"] is None and report["workloads"][1]["notebooks"] == 1


WRITER = """
import sys
from mllens_jupyter import review as reviews
from mllens_jupyter.lens import get_lens
lens = get_lens()
path, writer, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
practice = lens.practices[writer].id

def cite(n):
    def change(review):
        answer = dict(review["answers"].get(practice) or {"status": "partial"})
        answer["evidence"] = [*answer.get("evidence", []), {"notebook": f"w{writer}.ipynb", "cell": f"c{n}"}]
        return reviews.with_workload_answer(review, practice, answer)
    return change

for n in range(rounds):
    reviews.update(path, cite(n), lens)
"""


def test_four_processes_writing_one_review_file_lose_no_answer(repo):
    path = repo / "mllens-review.yaml"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(w), "100"], cwd=REPO) for w in range(4)]
    assert [w.wait(timeout=600) for w in writers] == [0, 0, 0, 0]
    answers = reviews.read(path)["answers"]
    assert len(answers) == 4
    assert sum(len(answer["evidence"]) for answer in answers.values()) == 400
    assert [p.name for p in repo.iterdir() if p.name.startswith(".mllens")] == []


BAD_REVIEWS = [
    ("answers: [unclosed\n", "mllens-review.yaml:2: (yaml): did not find expected ',' or ']'"),
    ("schema_version: 1\nworkload: {name: W}\nlens: {id: aws-ml-lens}\nanswers:\n  MLXYZ01-BP01: {status: done}\n",
     "mllens-review.yaml:5: answers.MLXYZ01-BP01: no practice 'MLXYZ01-BP01'"),
    ("schema_version: 1\nworkload: {name: W}\nlens: {id: aws-ml-lens}\nanswers:\n  MLSEC01-BP01: {status: finished}\n",
     "mllens-review.yaml:5: answers.MLSEC01-BP01.status: 'finished' is not one of"),
    ("schema_version: 1\nworkload: {name: W}\nlens: {id: aws-ml-lens}\nanswers:\n  MLSEC01-BP01:\n    status: todo\n"
     "    due: 2027-02-30\n", "mllens-review.yaml:7: answers.MLSEC01-BP01.due: '2027-02-30' is not a date"),
    ("schema_version: 1\nworkload: {name: W}\nworkload: {name: V}\nlens: {id: aws-ml-lens}\n",
     "mllens-review.yaml:3: (yaml): duplicate key 'workload'"),
    ("a: &a [x, x, x, x]\nb: [*a, *a, *a, *a]\n", "mllens-review.yaml:1: (yaml): anchors and aliases"),
    ("note: '" + "x" * (10 * 1024 * 1024) + "'\n", "mllens-review.yaml: (file): larger than 4 MiB"),
]


@pytest.mark.parametrize(("text", "message"), BAD_REVIEWS,
                         ids=["yaml", "unknown-practice", "status", "date", "duplicate-key", "aliases", "10-MB"])
def test_a_bad_review_file_is_one_clear_error_exit_3_and_nothing_written(repo, text, message):
    path = repo / "mllens-review.yaml"
    path.write_text(text)
    notebook = repo / "data" / NOTEBOOKS[0]
    before = notebook.read_bytes()
    for args in (("status", notebook), ("audit", repo), ("answer", repo, "MLSEC01-BP01", "done"),
                 ("answer", notebook, "MLSEC01-BP01", "done")):
        result = run_cli(*args)
        if args[0] == "answer" and args[1] == notebook:
            continue
        assert result.returncode == 3, (args, result.stderr)
        assert message in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert path.read_text() == text
    with pytest.raises(ReviewError):
        reviews.read(path, get_lens())


def test_review_init_refuses_to_overwrite_and_needs_a_name(repo):
    assert run_cli("review", "init", repo, "--name", "Again").returncode == 2
    result = run_cli("review", "init", repo / "data")
    assert result.returncode == 2 and "--name" in result.stderr


def test_owner_and_due_belong_to_the_workload(repo):
    result = run_cli("answer", repo / "data" / NOTEBOOKS[0], "MLSEC01-BP01", "todo", "--owner", "sam")
    assert result.returncode == 2 and "workload" in result.stderr
    result = run_cli("answer", repo, "MLSEC01-BP01", "todo", "--due", "next week")
    assert result.returncode == 2 and "not a date" in result.stderr


def test_the_review_file_reads_well_in_a_diff(repo):
    run_cli("answer", repo, "MLSEC03-BP01", "done", "--note", "IAM role per step\nreviewed by sec team")
    run_cli("answer", repo, "MLOPS01-BP01", "not_applicable", "--reason", "out_of_scope")
    text = (repo / "mllens-review.yaml").read_text()
    assert text.index("schema_version") < text.index("workload:") < text.index("lens:") < text.index("answers:")
    assert "\n  MLOPS01-BP01:\n" in text and "\n\n  MLSEC03-BP01:\n" in text
    assert "note: |-\n      IAM role per step\n      reviewed by sec team\n" in text


def test_the_review_file_is_found_by_walking_up_to_the_repository_root(tmp_path):
    (tmp_path / "outer").mkdir()
    (tmp_path / "outer" / reviews.REVIEW_FILE).write_text("x")
    repo = tmp_path / "outer" / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "a" / "b").mkdir(parents=True)
    reviews.forget_found_reviews()
    assert reviews.find_review(repo / "a" / "b" / "n.ipynb") is None
    (repo / reviews.REVIEW_FILE).write_text("x")
    reviews.forget_found_reviews()
    assert reviews.find_review(repo / "a" / "b" / "n.ipynb") == repo / reviews.REVIEW_FILE


def test_the_review_named_in_pyproject_is_used(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "reviews").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.mllens]\nreview = "reviews/ml.yaml"\n')
    reviews.forget_found_reviews()
    assert reviews.review_for(tmp_path / "nb" / "x.ipynb") == tmp_path / "reviews" / "ml.yaml"
    assert reviews.review_for(tmp_path / "x.ipynb", given=tmp_path / "other.yaml") == tmp_path / "other.yaml"
