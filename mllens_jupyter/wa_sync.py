"""The push plan: from a workload's review to the Well-Architected Tool calls that carry it.

Pure data in, calls out (operation name and exact parameters); no AWS import. Values only the
service can give (a new lens's ARN, a new workload's id) are placeholders that the caller resolves
from earlier responses (`resolve`). See DESIGN.md and `reference/ml-lens.md`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import UsageError
from .lens import Lens
from .wa_notes import answer_note, choice_note, fit
from .wa_questions import Question, questions_of

LENS_ARN = "<LensArn from ImportLens>"
WORKLOAD_ID = "<WorkloadId from CreateWorkload>"
REASONS = {"out_of_scope": "OUT_OF_SCOPE", "business_priorities": "BUSINESS_PRIORITIES",
           "architecture_constraints": "ARCHITECTURE_CONSTRAINTS", "other": "OTHER"}
CHOICE_STATUS = {"done": "SELECTED", "not_applicable": "NOT_APPLICABLE", "partial": "UNSELECTED",
                 "todo": "UNSELECTED"}
ENVIRONMENTS = {"production": "PRODUCTION", "preproduction": "PREPRODUCTION"}


@dataclass(frozen=True)
class Call:
    """One call to the Tool: the operation, its exact parameters, and a line saying what it does."""

    operation: str
    params: dict
    about: str

    def as_dict(self) -> dict:
        return {"operation": self.operation, "params": self.params}


@dataclass(frozen=True)
class Account:
    """What the account already holds, as found by looking (or assumed, for a dry run)."""

    lens_arn: str | None = None
    lens_has_version: bool = False
    workload_id: str | None = None
    workload_lenses: tuple[str, ...] = ()
    workload_lens_version: str | None = None


@dataclass(frozen=True)
class PushRequest:
    """What to push: the review, where to, and the lens as the Tool's JSON."""

    review: dict
    lens: Lens
    lens_json: str
    workload_name: str
    milestone: str | None = None
    answers: dict = field(default_factory=dict)


def lens_version(lens: Lens) -> str:
    """The version published in the Tool: the lens's own (at most 32 characters)."""
    return (lens.version or "1")[:32]


def lens_calls(request: PushRequest, account: Account) -> list[Call]:
    """ImportLens (new, or over the draft of a lens that lacks this version) and CreateLensVersion."""
    if account.lens_arn and account.lens_has_version:
        return []
    version = lens_version(request.lens)
    alias = {"LensAlias": account.lens_arn} if account.lens_arn else {}
    return [
        Call("ImportLens", {**alias, "JSONString": request.lens_json},
             f"import the custom lens {request.lens.name!r}" + (" over its draft" if alias else "")),
        Call("CreateLensVersion", {"LensAlias": account.lens_arn or LENS_ARN, "LensVersion": version,
                                   "IsMajorVersion": True}, f"publish lens version {version}"),
    ]


def workload_calls(request: PushRequest, account: Account, lens_arn: str) -> list[Call]:
    """CreateWorkload, or AssociateLenses when the workload exists without the lens."""
    if account.workload_id is None:
        return [Call("CreateWorkload", create_workload_params(request, lens_arn),
                     f"create the workload {request.workload_name!r}")]
    if lens_arn in account.workload_lenses:
        return upgrade_calls(request, account, lens_arn)
    return [Call("AssociateLenses", {"WorkloadId": account.workload_id, "LensAliases": [lens_arn]},
                 f"add the lens to the workload {request.workload_name!r}")]


def upgrade_calls(request: PushRequest, account: Account, lens_arn: str) -> list[Call]:
    """UpgradeLensReview when the workload answers an older version of the lens; the Tool keeps the
    answers before the upgrade as a milestone, which it requires."""
    version = lens_version(request.lens)
    if account.workload_lens_version in (None, version):
        return []
    name = fit(f"mllens: before lens {version} (was {account.workload_lens_version})", 100)
    return [Call("UpgradeLensReview", {"WorkloadId": account.workload_id, "LensAlias": lens_arn, "MilestoneName": name},
                 f"upgrade the workload's review from lens version {account.workload_lens_version} to {version}")]


def create_workload_params(request: PushRequest, lens_arn: str) -> dict:
    """The workload from the review: name, description, owner, environment."""
    workload = request.review.get("workload") or {}
    environment = workload.get("environment")
    if environment not in ENVIRONMENTS:
        raise UsageError("the review gives no environment, which the Tool needs: add `environment: production` "
                         "or `environment: preproduction` under `workload:` in the review file")
    description = workload.get("description") or ""
    if len(description.strip()) < 3:
        description = f"{request.workload_name}: reviewed with mllens-jupyter against {request.lens.name}."
    params = {"WorkloadName": request.workload_name, "Description": fit(description, 250),
              "Environment": ENVIRONMENTS[environment], "Lenses": [lens_arn]}
    if len(workload.get("owner") or "") >= 3:
        params["ReviewOwner"] = fit(workload["owner"], 255)
    return params


def update_answer_call(question: Question, answers: Mapping[str, Mapping], workload_id: str,
                       lens_arn: str) -> Call | None:
    """UpdateAnswer for a question with at least one answer in the review (None otherwise): done
    practices selected, not applicable ones marked so with their reason, partial and to-do ones left
    unselected with a note saying so."""
    mine = {pid: answers[pid] for pid in question.choices if pid in answers}
    if not mine:
        return None
    updates = {question.choices[pid]: _choice_update(answer) for pid, answer in mine.items()}
    selected = [question.choices[pid] for pid, answer in mine.items() if answer["status"] == "done"]
    params = {"WorkloadId": workload_id, "LensAlias": lens_arn, "QuestionId": question.id,
              "SelectedChoices": selected, "ChoiceUpdates": updates, "IsApplicable": True,
              "Notes": answer_note(answers, list(question.choices))}
    return Call("UpdateAnswer", params, f"answer {question.id}: {_tally(mine, len(question.choices))}")


def _choice_update(answer: Mapping) -> dict:
    update = {"Status": CHOICE_STATUS[answer["status"]]}
    if answer["status"] == "not_applicable":
        update["Reason"] = REASONS[answer["reason"]]
    note = choice_note(answer)
    if note:
        update["Notes"] = note
    return update


def _tally(mine: Mapping[str, Mapping], total: int) -> str:
    statuses = [a["status"] for a in mine.values()]
    parts = [f"{statuses.count(s)} {w}" for s, w in (("done", "selected"), ("not_applicable", "not applicable"),
                                                     ("partial", "partial"), ("todo", "to do")) if s in statuses]
    return f"{', '.join(parts)} of {total} choice{'s' if total != 1 else ''}"


def answer_calls(request: PushRequest, workload_id: str, lens_arn: str) -> list[Call]:
    """UpdateAnswer for each question the review answers, in the export's order."""
    calls = (update_answer_call(q, request.answers, workload_id, lens_arn) for q in questions_of(request.lens))
    return [call for call in calls if call is not None]


def push_plan(request: PushRequest, account: Account) -> list[Call]:
    """Every call of a push, in order; placeholders stand for what earlier calls return."""
    lens_arn = account.lens_arn or LENS_ARN
    workload_id = account.workload_id or WORKLOAD_ID
    calls = [*lens_calls(request, account), *workload_calls(request, account, lens_arn),
             *answer_calls(request, workload_id, lens_arn)]
    if request.milestone:
        calls.append(Call("CreateMilestone", {"WorkloadId": workload_id, "MilestoneName": request.milestone},
                          f"record the milestone {request.milestone!r}"))
    return calls


def resolve(params: dict, known: Mapping[str, str]) -> dict:
    """`params` with each placeholder replaced by the value an earlier call returned."""
    def value(item):
        if isinstance(item, str):
            return known.get(item, item)
        if isinstance(item, list):
            return [value(x) for x in item]
        return item
    return {key: value(item) for key, item in params.items()}


def check_names(workload_name: str, milestone: str | None) -> None:
    """The Tool's limits on the names a user gives (3 to 100 characters)."""
    if not 3 <= len(workload_name) <= 100:
        raise UsageError(f"the workload name {workload_name!r} must be 3 to 100 characters for the Tool")
    if milestone is not None and not 3 <= len(milestone) <= 100:
        raise UsageError(f"the milestone name {milestone!r} must be 3 to 100 characters for the Tool")
