"""Push, pull and report against a real `wellarchitected` client answered by botocore's Stubber, so that
every request is validated against the service's own model; no account and no network."""

from __future__ import annotations

import base64

import pytest
import yaml
from botocore.stub import ANY

from mllens_jupyter import review as reviews
from mllens_jupyter.answering import answer_workload
from mllens_jupyter.errors import UsageError, WaToolError
from mllens_jupyter.lens import get_lens
from mllens_jupyter.wa_service import pull, push, push_request, report
from mllens_jupyter.wa_sync import Account, push_plan, resolve

from .wa_model import LENS, LENS_NAME, NAME, REGION, WORKLOAD, fake_aws, model_problems, review, stubbed  # noqa: F401

QUESTIONS = ["MLOPS01", "MLSEC03", "MLSEC04", "MLSEC05", "MLREL03", "MLCOST04"]


def expect_lookups(stubber, lenses: list, workloads: list, reviewed: str | None = None) -> None:
    """The look-ups of a push; `reviewed`: the lens version the workload's review is on."""
    stubber.add_response("list_lenses", {"LensSummaries": lenses},
                         {"LensType": "CUSTOM_SELF", "LensStatus": "ALL", "LensName": LENS_NAME, "MaxResults": 50})
    stubber.add_response("list_workloads", {"WorkloadSummaries": workloads},
                         {"WorkloadNamePrefix": NAME, "MaxResults": 50})
    if reviewed:
        stubber.add_response("get_lens_review", {"WorkloadId": WORKLOAD, "LensReview": {"LensVersion": reviewed}},
                             {"WorkloadId": WORKLOAD, "LensAlias": LENS})


def expect_answers(stubber, path, account: Account, questions=QUESTIONS) -> None:
    """UpdateAnswer for each question, with the exact parameters of the plan (resolved)."""
    lens = get_lens()
    plan = push_plan(push_request(reviews.read(path, lens), lens, None, None), account)
    for call in [c for c in plan if c.operation == "UpdateAnswer" and c.params["QuestionId"] in questions]:
        stubber.add_response("update_answer", {"WorkloadId": WORKLOAD, "LensAlias": LENS},
                             resolve(call.params, {"<LensArn from ImportLens>": LENS,
                                                   "<WorkloadId from CreateWorkload>": WORKLOAD}))


def push_review(tool, path, milestone=None) -> list:
    lens = get_lens()
    return push(tool, path, push_request(reviews.read(path, lens), lens, None, milestone), on_call=lambda c: None)


def test_push_to_a_new_workload_imports_publishes_creates_answers_and_records(review):
    tool, stubber = stubbed()
    expect_lookups(stubber, [], [])
    stubber.add_response("import_lens", {"LensArn": LENS, "Status": "COMPLETE"}, {"JSONString": ANY})
    stubber.add_response("create_lens_version", {"LensArn": LENS, "LensVersion": "2025.11"},
                         {"LensAlias": LENS, "LensVersion": "2025.11", "IsMajorVersion": True})
    stubber.add_response("create_workload", {"WorkloadId": WORKLOAD, "WorkloadArn": "arn:aws:wellarchitected:x"}, {
        "WorkloadName": NAME, "Environment": "PREPRODUCTION", "Lenses": [LENS],
        "ReviewOwner": "ml-platform@example.com",
        "Description": "Monthly churn scores for the retention campaign: data, model, batch and real-time serving, "
                       "monitoring."})
    expect_answers(stubber, review, Account())
    stubber.add_response("create_milestone", {"WorkloadId": WORKLOAD, "MilestoneNumber": 1},
                         {"WorkloadId": WORKLOAD, "MilestoneName": "first push"})
    calls = push_review(tool, review, milestone="first push")
    stubber.assert_no_pending_responses()
    assert len(calls) == 10 and all(model_problems(c.operation, c.params) == [] for c in calls)
    state = reviews.read(review)["wa_tool"]
    assert (state["workload_id"], state["lens_arn"], state["region"]) == (WORKLOAD, LENS, REGION)
    assert state["answers"] == {"MLCOST04-BP06": "partial", "MLOPS01-BP01": "done", "MLREL03-BP01": "todo",
                                "MLSEC03-BP02": "done", "MLSEC04-BP01": "done", "MLSEC05-BP01": "done"}


def test_push_to_an_existing_workload_adds_the_lens_and_answers(review):
    tool, stubber = stubbed()
    lens = {"LensArn": LENS, "LensName": LENS_NAME, "LensVersion": "2025.11", "LensType": "CUSTOM_SELF"}
    stubber.add_response("list_lenses", {"LensSummaries": [lens]}, {
        "LensType": "CUSTOM_SELF", "LensStatus": "ALL", "LensName": LENS_NAME, "MaxResults": 50})
    stubber.add_response("list_workloads", {"NextToken": "page2", "WorkloadSummaries": [
        {"WorkloadId": "0" * 32, "WorkloadName": NAME + " (old)", "Lenses": [LENS]}]},
        {"WorkloadNamePrefix": NAME, "MaxResults": 50})
    stubber.add_response("list_workloads", {"WorkloadSummaries": [
        {"WorkloadId": WORKLOAD, "WorkloadName": NAME, "Lenses": ["wellarchitected"]}]},
        {"WorkloadNamePrefix": NAME, "MaxResults": 50, "NextToken": "page2"})
    stubber.add_response("associate_lenses", {}, {"WorkloadId": WORKLOAD, "LensAliases": [LENS]})
    expect_answers(stubber, review, Account(LENS, True, WORKLOAD, ()))
    calls = push_review(tool, review)
    stubber.assert_no_pending_responses()
    assert [c.operation for c in calls] == ["AssociateLenses"] + ["UpdateAnswer"] * 6


def test_a_new_lens_version_is_published_and_the_workloads_review_upgraded(review):
    tool, stubber = stubbed()
    lens = {"LensArn": LENS, "LensName": LENS_NAME, "LensVersion": "2025.05"}
    expect_lookups(stubber, [lens], [{"WorkloadId": WORKLOAD, "WorkloadName": NAME, "Lenses": [LENS]}], "2025.05")
    stubber.add_response("import_lens", {"LensArn": LENS, "Status": "COMPLETE"}, {"LensAlias": LENS, "JSONString": ANY})
    stubber.add_response("create_lens_version", {"LensArn": LENS, "LensVersion": "2025.11"},
                         {"LensAlias": LENS, "LensVersion": "2025.11", "IsMajorVersion": True})
    stubber.add_response("upgrade_lens_review", {}, {"WorkloadId": WORKLOAD, "LensAlias": LENS,
                                                     "MilestoneName": "mllens: before lens 2025.11 (was 2025.05)"})
    expect_answers(stubber, review, Account(LENS, True, WORKLOAD, (LENS,)))
    calls = push_review(tool, review)
    stubber.assert_no_pending_responses()
    assert [c.operation for c in calls[:3]] == ["ImportLens", "CreateLensVersion", "UpgradeLensReview"]
    assert all(model_problems(c.operation, c.params) == [] for c in calls)


def test_a_lens_still_importing_is_published_once_the_tool_is_ready(review):
    sleeps: list[float] = []
    tool, stubber = stubbed(sleeps)
    expect_lookups(stubber, [], [{"WorkloadId": WORKLOAD, "WorkloadName": NAME, "Lenses": []}])
    stubber.add_response("import_lens", {"LensArn": LENS, "Status": "IN_PROGRESS"}, {"JSONString": ANY})
    stubber.add_client_error("create_lens_version", "ConflictException", "Lens import in progress", 409)
    stubber.add_response("create_lens_version", {"LensArn": LENS, "LensVersion": "2025.11"},
                         {"LensAlias": LENS, "LensVersion": "2025.11", "IsMajorVersion": True})
    stubber.add_response("associate_lenses", {}, {"WorkloadId": WORKLOAD, "LensAliases": [LENS]})
    expect_answers(stubber, review, Account(LENS, True, WORKLOAD, ()))
    assert len(push_review(tool, review)) == 9
    stubber.assert_no_pending_responses()
    assert sleeps == [1.0]


def test_a_push_that_stops_keeps_what_reached_the_tool_and_a_rerun_finishes(review):
    tool, stubber = stubbed()
    lens = {"LensArn": LENS, "LensName": LENS_NAME, "LensVersion": "2025.11"}
    workload = {"WorkloadId": WORKLOAD, "WorkloadName": NAME, "Lenses": [LENS]}
    expect_lookups(stubber, [lens], [workload], "2025.11")
    expect_answers(stubber, review, Account(LENS, True, WORKLOAD, (LENS,)), QUESTIONS[:2])
    stubber.add_client_error("update_answer", "AccessDeniedException", "User is not authorized", 403)
    with pytest.raises(WaToolError) as failure:
        push_review(tool, review)
    assert str(failure.value) == ("UpdateAnswer failed: AccessDeniedException: User is not authorized; use a profile "
                                  "or role allowed to call wellarchitected:UpdateAnswer (--profile)")
    assert set(reviews.read(review)["wa_tool"]["answers"]) == {"MLOPS01-BP01", "MLSEC03-BP02"}
    expect_lookups(stubber, [lens], [workload], "2025.11")
    expect_answers(stubber, review, Account(LENS, True, WORKLOAD, (LENS,)))
    assert len(push_review(tool, review)) == 6
    stubber.assert_no_pending_responses()
    assert len(reviews.read(review)["wa_tool"]["answers"]) == 6


def test_throttling_is_retried_with_backoff_then_reported_in_one_line(review):
    sleeps: list[float] = []
    tool, stubber = stubbed(sleeps)
    for _ in range(2):
        stubber.add_client_error("list_lenses", "ThrottlingException", "Rate exceeded", 400)
    stubber.add_response("list_lenses", {"LensSummaries": []})
    assert tool.call("ListLenses", {}) == {"LensSummaries": []}
    assert sleeps == [1.0, 2.0]
    for _ in range(3):
        stubber.add_client_error("list_lenses", "ThrottlingException", "Rate exceeded", 400)
    with pytest.raises(WaToolError, match=r"^the Well-Architected Tool kept throttling ListLenses \(3 attempts\); "
                                          r"wait a minute and run the command again"):
        tool.call("ListLenses", {})
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("code, message, expected", [
    ("ServiceQuotaExceededException", "Lens limit reached", "ImportLens failed: ServiceQuotaExceededException: "
     "Lens limit reached; a limit of the Tool was reached: delete unused lenses, versions or workloads, or ask AWS "
     "for a higher quota"),
    ("ValidationException", "Lens JSON\n is invalid", "ImportLens failed: ValidationException: Lens JSON is invalid; "
     "the Tool refused the request"),
    ("InternalServerException", "", "ImportLens failed: InternalServerException: no message; see the message"),
])
def test_each_refusal_of_the_service_is_one_line(code, message, expected):
    tool, stubber = stubbed()
    stubber.add_client_error("import_lens", code, message, 400)
    with pytest.raises(WaToolError) as failure:
        tool.call("ImportLens", {"JSONString": "{}"})
    assert str(failure.value) == expected


def answer_summary(question: str, choices: dict, selected: list) -> dict:
    return {"QuestionId": question, "IsApplicable": True, "SelectedChoices": selected,
            "ChoiceAnswerSummaries": [{"ChoiceId": c, **s} for c, s in choices.items()]}


def test_pull_takes_the_tools_changes_and_reports_a_conflict_without_overwriting(review):
    lens = get_lens()
    state = {"workload_id": WORKLOAD, "workload_name": NAME, "lens_arn": LENS, "lens_version": "2025.11",
             "answers": {"MLOPS01-BP01": "done", "MLREL03-BP01": "todo", "MLSEC03-BP02": "done"}}
    reviews.update(review, lambda r: {**r, "wa_tool": state}, lens)
    answer_workload(review, lens, "MLREL03-BP01", "partial")
    tool, stubber = stubbed()
    stubber.add_response("list_workloads", {"WorkloadSummaries": [{"WorkloadId": WORKLOAD, "WorkloadName": NAME}]},
                         {"WorkloadNamePrefix": NAME, "MaxResults": 50})
    stubber.add_response("list_answers", {"NextToken": "more", "AnswerSummaries": [
        answer_summary("MLOPS01", {"MLOPS01_BP01": {"Status": "SELECTED"}, "MLOPS01_BP02": {"Status": "SELECTED"}},
                       ["MLOPS01_BP01", "MLOPS01_BP02"])]},
        {"WorkloadId": WORKLOAD, "LensAlias": LENS, "MaxResults": 50})
    stubber.add_response("list_answers", {"AnswerSummaries": [
        answer_summary("MLREL03", {"MLREL03_BP01": {"Status": "NOT_APPLICABLE", "Reason": "OUT_OF_SCOPE"}}, []),
        answer_summary("MLSEC03", {"MLSEC03_BP02": {"Status": "UNSELECTED"}}, []),
        {"QuestionId": "MLSUS01", "IsApplicable": False, "Reason": "BUSINESS_PRIORITIES"}]},
        {"WorkloadId": WORKLOAD, "LensAlias": LENS, "MaxResults": 50, "NextToken": "more"})
    pulled = pull(tool, review, lens, None)
    stubber.assert_no_pending_responses()
    taken = {d.practice: d.taken for d in pulled.differences if d.taken}
    assert taken == {"MLOPS01-BP02": "done", "MLSEC03-BP02": "todo",
                     "MLSUS01-BP01": "not_applicable:business_priorities"}
    (conflict,) = [d for d in pulled.differences if d.taken is None]
    assert (conflict.practice, conflict.here, conflict.tool) == ("MLREL03-BP01", "partial", "not_applicable:out_of_scope")
    answers = reviews.read(review, lens)["answers"]
    assert answers["MLREL03-BP01"]["status"] == "partial"
    assert answers["MLOPS01-BP02"]["status"] == "done"
    assert (answers["MLSEC03-BP02"]["status"], answers["MLSEC03-BP02"]["owner"]) == ("todo", "ml-platform@example.com")
    assert answers["MLSEC03-BP02"]["note"].startswith("Notebooks run in a VPC-only SageMaker domain")
    assert answers["MLSUS01-BP01"]["reason"] == "business_priorities"
    kept = reviews.read(review, lens)["wa_tool"]["answers"]
    assert kept["MLREL03-BP01"] == "todo" and kept["MLSEC03-BP02"] == "todo" and kept["MLOPS01-BP02"] == "done"


def test_a_pull_that_finds_nothing_new_leaves_the_file_as_it_was(review):
    state = {"workload_id": WORKLOAD, "workload_name": NAME, "lens_arn": LENS, "region": REGION,
             "answers": {"MLOPS01-BP01": "done"}, "synced": "2026-12-01T10:00:00Z"}
    reviews.update(review, lambda r: {**r, "wa_tool": state})
    before = review.read_bytes()
    tool, stubber = stubbed()
    stubber.add_response("list_workloads", {"WorkloadSummaries": [{"WorkloadId": WORKLOAD, "WorkloadName": NAME}]})
    stubber.add_response("list_answers", {"AnswerSummaries": [answer_summary("MLOPS01", {}, ["MLOPS01_BP01"])]})
    assert pull(tool, review, get_lens(), None).differences == []
    assert review.read_bytes() == before


def test_a_pull_without_an_earlier_push_never_overwrites_an_answer_given_here(review):
    tool, stubber = stubbed()
    stubber.add_response("list_workloads", {"WorkloadSummaries": [{"WorkloadId": WORKLOAD, "WorkloadName": NAME}]})
    stubber.add_response("list_lenses", {"LensSummaries": [{"LensArn": LENS, "LensName": LENS_NAME}]})
    stubber.add_response("list_answers", {"AnswerSummaries": [
        answer_summary("MLOPS01", {"MLOPS01_BP01": {"Status": "UNSELECTED"}, "MLOPS01_BP03": {"Status": "SELECTED"}},
                       ["MLOPS01_BP03"])]})
    before = reviews.read(review)["answers"]["MLOPS01-BP01"]
    pulled = pull(tool, review, get_lens(), None)
    assert [(d.practice, d.taken) for d in pulled.differences] == [("MLOPS01-BP01", None), ("MLOPS01-BP03", "done")]
    assert reviews.read(review)["answers"]["MLOPS01-BP01"] == before


def test_pull_of_an_unknown_workload_says_to_push_first(review):
    tool, stubber = stubbed()
    stubber.add_response("list_workloads", {"WorkloadSummaries": []})
    with pytest.raises(UsageError, match=f"^no workload named '{NAME}' in the Tool in {REGION}; push it first"):
        pull(tool, review, get_lens(), None)


def test_report_of_a_milestone_by_name_is_the_tools_pdf(review):
    reviews.update(review, lambda r: {**r, "wa_tool": {"workload_id": WORKLOAD, "workload_name": NAME,
                                                       "lens_arn": LENS, "answers": {}}})
    tool, stubber = stubbed()
    stubber.add_response("list_workloads", {"WorkloadSummaries": [{"WorkloadId": WORKLOAD, "WorkloadName": NAME}]})
    stubber.add_response("list_milestones", {"WorkloadId": WORKLOAD, "MilestoneSummaries": [
        {"MilestoneNumber": 1, "MilestoneName": "first push"}, {"MilestoneNumber": 2, "MilestoneName": "launch"}]},
        {"WorkloadId": WORKLOAD, "MaxResults": 50})
    pdf = b"%PDF-1.7 the Tool's report"
    stubber.add_response("get_lens_review_report", {"WorkloadId": WORKLOAD, "LensReviewReport": {
        "LensAlias": LENS, "Base64String": base64.b64encode(pdf).decode()}},
        {"WorkloadId": WORKLOAD, "LensAlias": LENS, "MilestoneNumber": 2})
    assert report(tool, review, get_lens(), None, "launch") == pdf
    stubber.assert_no_pending_responses()
    assert "wa_tool" in yaml.safe_load(review.read_text())
