"""`mllens wa` as a user meets it: what to install, one line for every bad input, the push's output."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mllens_jupyter import review as reviews
from mllens_jupyter.cli import main
from mllens_jupyter.wa_commands import WaBaseCommand, WaCommand, WaPullCommand, WaPushCommand, WaReportCommand

from .conftest import run_cli
from .wa_model import LENS, LENS_NAME, NAME, WORKLOAD, fake_aws, review, stubbed  # noqa: F401


@pytest.mark.parametrize("args", [("wa",), ("wa", "push", "--dry-run"), ("wa", "pull"), ("wa", "report", "-o", "r.pdf")])
def test_without_boto3_mllens_wa_says_what_to_install(args, tmp_path):
    code = "import sys; sys.modules['boto3'] = None; from mllens_jupyter.cli import main; main(sys.argv[1:])"
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "mllens: error: `mllens wa` needs boto3: pip install 'mllens-jupyter[aws]'\n"


@pytest.mark.parametrize("args, unset, code, message", [
    (("wa", "push", "{review}", "--profile", "nosuch"), (), 2, "no AWS profile named 'nosuch'"),
    (("wa", "push", "{review}"), ("AWS_REGION", "AWS_DEFAULT_REGION"), 2, "no AWS region: give --region"),
    (("wa", "pull", "{review}"), ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"), 2,
     "no AWS credentials found"),
    (("wa", "push", "{review}", "--dry-run", "--milestone", "m1"), (), 2, "the milestone name 'm1' must be"),
    (("wa", "push", "{review}", "--dry-run", "--workload-name", "ab"), (), 2, "the workload name 'ab' must be"),
    (("wa", "push", "{review}", "--dry-run", "--format", "xml"), (), 2, "--format must be one of text, json, not 'xml'"),
    (("wa", "report", "{review}"), (), 2, "give the file to write: mllens wa report [REVIEW] -o FILE.pdf"),
    (("wa", "push", "{missing}", "--dry-run"), (), 3, "cannot read"),
    (("wa", "sync"), (), 2, "mllens wa: unknown command 'sync'"),
])
def test_bad_input_is_one_line_and_an_exit_code(args, unset, code, message, review, monkeypatch):
    for name in unset:
        monkeypatch.delenv(name)
    result = run_cli(*(a.format(review=review, missing=review.parent / "none") for a in args))
    assert result.returncode == code, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("mllens: ")
    assert message in result.stderr and "Traceback" not in result.stderr and "testing" not in result.stderr


@pytest.fixture
def stubbed_cli(monkeypatch):
    """`mllens` in this process, with a Stubber answering the Tool's calls."""
    tool, stubber = stubbed()
    monkeypatch.setattr(WaBaseCommand, "tool", lambda self: tool)

    def run(*args: str) -> int:
        for app in (WaCommand, WaPushCommand, WaPullCommand, WaReportCommand):
            app.clear_instance()
        from mllens_jupyter.cli import MllensApp

        MllensApp.clear_instance()
        with pytest.raises(SystemExit) as done:
            main([str(a) for a in args])
        return done.value.code

    return run, stubber


def expect_workload_and_lens(stubber) -> None:
    stubber.add_response("list_workloads", {"WorkloadSummaries": [{"WorkloadId": WORKLOAD, "WorkloadName": NAME}]})
    stubber.add_response("list_lenses", {"LensSummaries": [{"LensArn": LENS, "LensName": LENS_NAME}]})


def test_push_says_each_call_it_made(stubbed_cli, review, capsys):
    run, stubber = stubbed_cli
    stubber.add_response("list_lenses", {"LensSummaries": [{"LensArn": LENS, "LensName":
                                                            "AWS Well-Architected Machine Learning Lens",
                                                            "LensVersion": "2025.11"}]})
    stubber.add_response("list_workloads", {"WorkloadSummaries": [{"WorkloadId": WORKLOAD, "WorkloadName": NAME,
                                                                   "Lenses": [LENS]}]})
    stubber.add_response("get_lens_review", {"LensReview": {"LensVersion": "2025.11"}})
    for _ in range(6):
        stubber.add_response("update_answer", {"WorkloadId": WORKLOAD})
    assert run("wa", "push", review) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "UpdateAnswer: answer MLOPS01: 1 selected of 3 choices"
    assert lines[-1] == f"Pushed {review}: 6 calls made."
    assert reviews.read(review)["wa_tool"]["workload_id"] == WORKLOAD


def test_pull_with_a_conflict_shows_it_and_exits_1(stubbed_cli, review, capsys):
    run, stubber = stubbed_cli
    expect_workload_and_lens(stubber)
    stubber.add_response("list_answers", {"AnswerSummaries": [{"QuestionId": "MLOPS01", "SelectedChoices": [
        "MLOPS01_BP02"], "ChoiceAnswerSummaries": [{"ChoiceId": "MLOPS01_BP01", "Status": "UNSELECTED"}]}]})
    assert run("wa", "pull", review, "--format", "json") == 1
    out = json.loads(capsys.readouterr().out)
    assert out["changes"] == [{"practice": "MLOPS01-BP02", "here": None, "tool": "done", "taken": "done"}]
    assert out["conflicts"] == [{"practice": "MLOPS01-BP01", "here": "done", "tool": "unselected", "taken": None}]


def test_pull_in_text_shows_what_changed_and_the_conflict(stubbed_cli, review, capsys):
    run, stubber = stubbed_cli
    expect_workload_and_lens(stubber)
    stubber.add_response("list_answers", {"AnswerSummaries": [{"QuestionId": "MLSEC04", "ChoiceAnswerSummaries": [
        {"ChoiceId": "MLSEC04_BP01", "Status": "NOT_APPLICABLE", "Reason": "OUT_OF_SCOPE"},
        {"ChoiceId": "MLSEC04_BP02", "Status": "SELECTED"}]}]})
    assert run("wa", "pull", review) == 1
    assert capsys.readouterr().out.splitlines() == [
        "MLSEC04-BP02: unanswered -> done (from the Tool)",
        "MLSEC04-BP01: conflict: done here, not_applicable:out_of_scope in the Tool; both changed since the last "
        "sync, left as it is here",
        f"Pulled workload '{NAME}' into {review}: 1 answer(s) changed, 1 conflict(s).",
    ]
    assert reviews.read(review)["answers"]["MLSEC04-BP02"]["status"] == "done"


def test_report_writes_the_tools_pdf(stubbed_cli, review, tmp_path, capsys):
    run, stubber = stubbed_cli
    expect_workload_and_lens(stubber)
    stubber.add_response("get_lens_review_report", {"LensReviewReport": {"Base64String": "JVBERi0xLjcK"}},
                         {"WorkloadId": WORKLOAD, "LensAlias": LENS, "MilestoneNumber": 3})
    out = tmp_path / "build" / "review.pdf"
    assert run("wa", "report", review, "--milestone", "3", "-o", out) == 0
    assert out.read_bytes() == b"%PDF-1.7\n"
    assert capsys.readouterr().out == f"Well-Architected Tool report written to {out} (9 bytes)\n"


def test_a_refusal_of_the_tool_is_one_line_and_exit_4(stubbed_cli, review, capsys):
    run, stubber = stubbed_cli
    stubber.add_client_error("list_lenses", "AccessDeniedException", "not authorized to perform ListLenses", 403)
    assert run("wa", "push", review) == 4
    assert capsys.readouterr().err == (
        "mllens: error: ListLenses failed: AccessDeniedException: not authorized to perform ListLenses; use a "
        "profile or role allowed to call wellarchitected:ListLenses (--profile)\n")
    assert "wa_tool" not in reviews.read(review)
