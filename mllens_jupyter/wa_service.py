"""Push, pull and report against the Well-Architected Tool: look up what the account holds, run the
plan of `wa_sync`, and keep the review file's `wa_tool` state, through the review's locked writer."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import review as reviews
from .errors import UsageError, WaToolError
from .lens import Lens
from .wa_client import PAGE_SIZE, ToolClient, find_lens, find_workload
from .wa_pull import Difference, agreements, compare, pulled_answer, tool_answers
from .wa_questions import questions_of
from .wa_state import SECTION, state_for, synced_value, with_state
from .wa_sync import (LENS_ARN, WORKLOAD_ID, Account, Call, PushRequest, check_names, lens_version, push_plan,
                      resolve)
from .wa_tool import export_json


def push_request(review: dict, lens: Lens, workload_name: str | None, milestone: str | None) -> PushRequest:
    """What a push of `review` carries; UsageError for names the Tool would refuse."""
    name = workload_name or (review.get("workload") or {}).get("name") or ""
    check_names(name, milestone)
    return PushRequest(review, lens, export_json(lens), name, milestone or None,
                       reviews.workload_answers(review, lens))


def lens_name(request: PushRequest) -> str:
    return json.loads(request.lens_json)["name"]


def assumed_account(request: PushRequest) -> Account:
    """For a dry run: the workload and lens of the last sync when they are this push's, else nothing."""
    state = request.review.get(SECTION) or {}
    if state.get("workload_name") != request.workload_name or state.get("lens_version") != lens_version(request.lens):
        return Account()
    return Account(state["lens_arn"], True, state["workload_id"], (state["lens_arn"],))


def found_account(tool: ToolClient, request: PushRequest) -> Account:
    """What the account holds: this lens (with this version?) and the workload (with the lens, and
    at which version?)."""
    arn, has_version = find_lens(tool, lens_name(request), lens_version(request.lens))
    workload = find_workload(tool, request.workload_name) or {}
    lenses = tuple(workload.get("Lenses") or ())
    answered = None
    if arn and arn in lenses:
        review = tool.call("GetLensReview", {"WorkloadId": workload["WorkloadId"], "LensAlias": arn})
        answered = (review.get("LensReview") or {}).get("LensVersion")
    return Account(arn, has_version, workload.get("WorkloadId"), lenses, answered)


def push(tool: ToolClient, path: Path, request: PushRequest, on_call: Callable[[Call], None]) -> list[Call]:
    """Run the push; the state records what reached the Tool even when a call fails midway. While
    an import is still in progress, publishing its version is retried as throttling is."""
    plan = push_plan(request, found_account(tool, request))
    known: dict[str, str] = {}
    done: list[Call] = []
    importing = False
    try:
        for call in plan:
            sent = Call(call.operation, resolve(call.params, known), call.about)
            waits = IMPORT_NOT_READY if importing and sent.operation == "CreateLensVersion" else ()
            response = tool.call(sent.operation, sent.params, waits)
            known.update(_returned(sent.operation, response))
            importing = importing or (sent.operation == "ImportLens" and response.get("Status") == "IN_PROGRESS")
            done.append(sent)
            on_call(sent)
    finally:
        _record_push(tool, path, request, done)
    return done


IMPORT_NOT_READY = ("ConflictException", "ResourceNotFoundException")


def _returned(operation: str, response: dict) -> dict[str, str]:
    """What later calls need from a response (the values behind the plan's placeholders)."""
    if operation == "ImportLens":
        if response.get("Status") == "ERROR":
            raise WaToolError("ImportLens failed: the Tool could not import the lens; check `mllens lens export`")
        return {LENS_ARN: response["LensArn"]}
    if operation == "CreateWorkload":
        return {WORKLOAD_ID: response["WorkloadId"]}
    return {}


def _record_push(tool: ToolClient, path: Path, request: PushRequest, done: list[Call]) -> None:
    answered = [c for c in done if c.operation == "UpdateAnswer"]
    if not answered:
        return
    first = answered[0].params
    questions = {q.id: q for q in questions_of(request.lens)}
    agreed = {pid: synced_value(request.answers.get(pid))
              for call in answered for pid in questions[call.params["QuestionId"]].choices}
    state = {"workload_id": first["WorkloadId"], "workload_name": request.workload_name, "region": tool.region,
             "lens_arn": first["LensAlias"], "lens_version": lens_version(request.lens)}
    reviews.update(path, lambda review: with_state(review, {**state_for(review, state["workload_id"]), **state},
                                                   agreed), request.lens)


@dataclass(frozen=True)
class Pulled:
    """What a pull found: the differences (taken or in conflict) and the workload."""

    differences: list[Difference]
    workload_name: str
    known_base: bool


def pull(tool: ToolClient, path: Path, lens: Lens, workload_name: str | None) -> Pulled:
    """Take the Tool's answers into the review at workload scope; conflicts are left as they are here.
    The comparison is made under the review file's lock, against the file as it is then."""
    workload, lens_arn = _workload_and_lens(tool, reviews.read(path, lens), lens, workload_name)
    summaries = tool.pages("ListAnswers", {"WorkloadId": workload["WorkloadId"], "LensAlias": lens_arn,
                                           "MaxResults": PAGE_SIZE}, "AnswerSummaries")
    tool_values = tool_answers(list(summaries), questions_of(lens))
    base = {"workload_id": workload["WorkloadId"], "workload_name": workload["WorkloadName"],
            "region": tool.region, "lens_arn": lens_arn}
    found: list[Pulled] = []

    def change(current: dict) -> dict:
        pulled, written = _merged(current, lens, base, tool_values)
        found.append(pulled)
        return written

    reviews.update(path, change, lens)
    return found[-1]


def _merged(current: dict, lens: Lens, base: dict, tool_values: dict[str, str]) -> tuple[Pulled, dict]:
    state = state_for(current, base["workload_id"])
    here = reviews.workload_answers(current, lens)
    differences = compare(here, state.get("answers") or {}, tool_values, bool(state))
    for difference in differences:
        if difference.taken is not None:
            answer = pulled_answer(here.get(difference.practice), difference.taken)
            current = reviews.with_workload_answer(current, difference.practice, answer)
    written = with_state(current, {**state, **base}, agreements(here, tool_values, differences))
    return Pulled(differences, base["workload_name"], bool(state)), written


def _workload_and_lens(tool: ToolClient, review: dict, lens: Lens, workload_name: str | None) -> tuple[dict, str]:
    name = workload_name or (review.get("workload") or {}).get("name") or ""
    workload = find_workload(tool, name)
    if workload is None:
        raise UsageError(f"no workload named {name!r} in the Tool in {tool.region}; push it first, or check "
                         f"--workload-name and --region")
    state = state_for(review, workload["WorkloadId"])
    lens_arn = state.get("lens_arn") or find_lens(tool, json.loads(export_json(lens))["name"], lens_version(lens))[0]
    if lens_arn is None:
        raise UsageError(f"the Tool has no custom lens {lens.name!r}; push the review first (mllens wa push)")
    return workload, lens_arn


def report(tool: ToolClient, path: Path, lens: Lens, workload_name: str | None, milestone: str | None) -> bytes:
    """The Tool's PDF report of the lens review (of a milestone, by number or name, when given)."""
    review = reviews.read(path, lens)
    workload, lens_arn = _workload_and_lens(tool, review, lens, workload_name)
    params = {"WorkloadId": workload["WorkloadId"], "LensAlias": lens_arn}
    if milestone:
        params["MilestoneNumber"] = milestone_number(tool, workload["WorkloadId"], milestone)
    found = tool.call("GetLensReviewReport", params).get("LensReviewReport") or {}
    if not found.get("Base64String"):
        raise WaToolError("GetLensReviewReport returned no report; answer some questions first (mllens wa push)")
    return base64.b64decode(found["Base64String"])


def milestone_number(tool: ToolClient, workload_id: str, milestone: str) -> int:
    """A milestone's number: given as one (1-100), or looked up by its name."""
    if milestone.isdigit():
        if not 1 <= int(milestone) <= 100:
            raise UsageError(f"milestone number {milestone} is out of range (1 to 100)")
        return int(milestone)
    for summary in tool.pages("ListMilestones", {"WorkloadId": workload_id, "MaxResults": PAGE_SIZE},
                              "MilestoneSummaries"):
        if summary.get("MilestoneName") == milestone:
            return summary["MilestoneNumber"]
    raise UsageError(f"the workload has no milestone named {milestone!r}")
