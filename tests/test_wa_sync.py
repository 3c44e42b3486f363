"""The push plan: what each answer becomes in the Tool, and the example workload's dry run as the
service model accepts it."""

from __future__ import annotations

import json

import pytest

from mllens_jupyter.errors import UsageError
from mllens_jupyter.lens import get_lens
from mllens_jupyter.review import read
from mllens_jupyter.wa_notes import CUT_MARKER, tool_length
from mllens_jupyter.wa_service import assumed_account, push_request
from mllens_jupyter.wa_sync import LENS_ARN, WORKLOAD_ID, Account, push_plan

from .conftest import REPO, run_cli
from .wa_model import LENS, WORKLOAD, model_problems

EXAMPLE = REPO / "example_notebooks" / "mllens-review.yaml"


def review_with(answers: dict, **workload) -> dict:
    return {"schema_version": 1, "lens": {"id": "aws-ml-lens", "version": "2025.11"}, "answers": answers,
            "workload": {"name": "Churn model", "environment": "production", **workload}, "milestones": []}


def plan_of(review: dict, account: Account = Account(), milestone: str | None = None) -> list:
    lens = get_lens()
    return push_plan(push_request(review, lens, None, milestone), account)


def test_the_dry_run_of_the_example_workload_is_valid_for_the_service_and_within_its_limits():
    result = run_cli("wa", "push", EXAMPLE, "--dry-run", "--format", "json", "--milestone", "before-launch")
    assert result.returncode == 0, result.stderr
    calls = json.loads(result.stdout)["calls"]
    assert [c["operation"] for c in calls[:3]] == ["ImportLens", "CreateLensVersion", "CreateWorkload"]
    assert [c["operation"] for c in calls[3:]] == ["UpdateAnswer"] * 6 + ["CreateMilestone"]
    for call in calls:
        assert model_problems(call["operation"], call["params"]) == [], call["operation"]
    workload = calls[2]["params"]
    assert (workload["Environment"], workload["ReviewOwner"]) == ("PREPRODUCTION", "ml-platform@example.com")
    partial = next(c["params"] for c in calls if c["params"].get("QuestionId") == "MLCOST04")
    assert partial["SelectedChoices"] == []
    assert partial["ChoiceUpdates"]["MLCOST04_BP06"]["Status"] == "UNSELECTED"
    assert partial["ChoiceUpdates"]["MLCOST04_BP06"]["Notes"].startswith("Partial (due 2027-01-31, owner dana")


def test_the_dry_run_in_text_says_no_call_is_made():
    result = run_cli("wa", "push", EXAMPLE, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Dry run: no call made. A push of {EXAMPLE} would make 9 calls:")
    assert "  9. UpdateAnswer: answer MLCOST04: 1 partial of 14 choices" in result.stdout


def test_each_status_becomes_its_choice_update():
    answers = {"MLSEC03-BP01": {"status": "done", "note": "least privilege"},
               "MLSEC03-BP02": {"status": "not_applicable", "reason": "architecture_constraints", "note": "no VPC"},
               "MLSEC03-BP03": {"status": "partial"}, "MLSEC03-BP04": {"status": "todo", "owner": "ana"}}
    (call,) = [c for c in plan_of(review_with(answers)) if c.operation == "UpdateAnswer"]
    assert call.params["SelectedChoices"] == ["MLSEC03_BP01"]
    assert call.params["ChoiceUpdates"] == {
        "MLSEC03_BP01": {"Status": "SELECTED", "Notes": "least privilege"},
        "MLSEC03_BP02": {"Status": "NOT_APPLICABLE", "Reason": "ARCHITECTURE_CONSTRAINTS", "Notes": "no VPC"},
        "MLSEC03_BP03": {"Status": "UNSELECTED", "Notes": "Partial"},
        "MLSEC03_BP04": {"Status": "UNSELECTED", "Notes": "To do (owner ana)"},
    }
    assert call.params["Notes"].splitlines()[0] == ("From mllens-review.yaml: 1 done, 1 partial, 1 to do, "
                                                    "1 not applicable, 1 unanswered.")
    assert model_problems("UpdateAnswer", call.params) == []


def test_notes_beyond_the_limits_are_cut_never_refused():
    long = "Ünïcode and emoji 🚀 in a note that goes on. " * 300
    answers = {f"MLCOST04-BP{n:02}": {"status": "todo", "note": long} for n in range(1, 15)}
    (call,) = [c for c in plan_of(review_with(answers)) if c.operation == "UpdateAnswer"]
    assert model_problems("UpdateAnswer", call.params) == []
    assert tool_length(call.params["Notes"]) <= 2084 and call.params["Notes"].endswith(CUT_MARKER)
    assert all(tool_length(u["Notes"]) <= 250 and u["Notes"].endswith(CUT_MARKER)
               for u in call.params["ChoiceUpdates"].values())


def test_an_existing_workload_with_the_lens_gets_only_its_answers():
    account = Account(LENS, True, WORKLOAD, (LENS,))
    calls = plan_of(review_with({"MLOPS01-BP01": {"status": "done"}}), account)
    assert [(c.operation, c.params["WorkloadId"], c.params["LensAlias"]) for c in calls] == \
        [("UpdateAnswer", WORKLOAD, LENS)]
    without_lens = plan_of(review_with({"MLOPS01-BP01": {"status": "done"}}), Account(LENS, True, WORKLOAD, ()))
    assert without_lens[0].as_dict() == {"operation": "AssociateLenses",
                                         "params": {"WorkloadId": WORKLOAD, "LensAliases": [LENS]}}


def test_a_lens_without_this_version_is_imported_over_its_draft_and_published():
    calls = plan_of(review_with({}), Account(LENS, False, WORKLOAD, (LENS,)))
    assert [c.operation for c in calls] == ["ImportLens", "CreateLensVersion"]
    assert calls[0].params["LensAlias"] == LENS and calls[1].params["LensAlias"] == LENS


def test_a_dry_run_after_a_push_uses_the_workload_it_recorded():
    review = {**read(EXAMPLE), "wa_tool": {"workload_id": WORKLOAD, "workload_name": read(EXAMPLE)["workload"]["name"],
                                           "lens_arn": LENS, "lens_version": "2025.11", "answers": {}}}
    request = push_request(review, get_lens(), None, None)
    calls = push_plan(request, assumed_account(request))
    assert {c.operation for c in calls} == {"UpdateAnswer"}
    assert all(LENS_ARN not in json.dumps(c.params) and WORKLOAD_ID not in json.dumps(c.params) for c in calls)


@pytest.mark.parametrize("review, name, milestone, message", [
    (review_with({}, environment=None), None, None, "the review gives no environment"),
    (review_with({}), "ab", None, "must be 3 to 100 characters"),
    (review_with({}), None, "m1", "the milestone name 'm1' must be 3 to 100 characters"),
])
def test_what_the_tool_would_refuse_is_a_usage_error(review, name, milestone, message):
    with pytest.raises(UsageError, match=message):
        push_plan(push_request(review, get_lens(), name, milestone), Account())
