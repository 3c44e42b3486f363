"""The pull: the Tool's answers compared with the review's and with what both last agreed on.

An answer changed only in the Tool is taken; one changed only here is kept (the next push sends it);
one changed on both sides to different things is a conflict and is left as it is here. Pure data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .answers import revised_answer
from .wa_questions import Question
from .wa_state import UNSELECTED, synced_value, tool_value

KEPT_FIELDS = ("owner", "due", "evidence")
REASONS = {"OUT_OF_SCOPE": "out_of_scope", "BUSINESS_PRIORITIES": "business_priorities",
           "ARCHITECTURE_CONSTRAINTS": "architecture_constraints", "OTHER": "other", "NONE": "other"}


@dataclass(frozen=True)
class Difference:
    """A practice whose answer differs between the review and the Tool."""

    practice: str
    here: str | None
    tool: str
    taken: str | None


def tool_answers(summaries: Iterable[Mapping], questions: Iterable[Question]) -> dict[str, str]:
    """Per practice, what the Tool holds: `done`, `not_applicable:REASON` or `unselected`."""
    by_id = {q.id: q for q in questions}
    found: dict[str, str] = {}
    for summary in summaries:
        question = by_id.get(summary.get("QuestionId"))
        if question is not None:
            found.update(_question_answers(summary, question))
    return found


def _question_answers(summary: Mapping, question: Question) -> dict[str, str]:
    if summary.get("IsApplicable") is False:
        reason = REASONS.get(summary.get("Reason") or "NONE", "other")
        return {pid: f"not_applicable:{reason}" for pid in question.choices}
    selected = set(summary.get("SelectedChoices") or [])
    statuses = {c["ChoiceId"]: c for c in summary.get("ChoiceAnswerSummaries") or [] if "ChoiceId" in c}
    found = {}
    for pid, choice in question.choices.items():
        status = (statuses.get(choice) or {}).get("Status")
        if status == "NOT_APPLICABLE":
            found[pid] = f"not_applicable:{REASONS.get(statuses[choice].get('Reason') or 'NONE', 'other')}"
        else:
            found[pid] = "done" if status == "SELECTED" or choice in selected else UNSELECTED
    return found


def compare(here: Mapping[str, Mapping], agreed: Mapping[str, str], tool: Mapping[str, str],
            known_base: bool) -> list[Difference]:
    """The practices whose Tool answer changed since the last agreement, in practice order. A
    difference with `taken` None is a conflict: changed here too, to something else. With no
    agreement known (never pushed or pulled), any answer given here counts as changed here."""
    differences = []
    for pid in sorted(tool):
        mine, base = synced_value(here.get(pid)), agreed.get(pid)
        unchanged_there = known_base and tool[pid] == tool_value(base)
        if unchanged_there or tool[pid] == tool_value(mine):
            continue
        changed_here = mine != base if known_base else mine is not None
        taken = None if changed_here else _taken(tool[pid])
        differences.append(Difference(pid, mine, tool[pid], taken))
    return differences


def _taken(tool: str) -> str:
    """The review's value for what the Tool holds: unselected there means not done yet here."""
    return "todo" if tool == UNSELECTED else tool


def agreements(here: Mapping[str, Mapping], tool: Mapping[str, str],
               differences: Iterable[Difference]) -> dict[str, str | None]:
    """What both sides agree on after the pull, per practice of the Tool (conflicts left out)."""
    conflicts = {d.practice for d in differences if d.taken is None}
    taken = {d.practice: d.taken for d in differences if d.taken is not None}
    agreed = {}
    for pid, value in tool.items():
        if pid in conflicts:
            continue
        mine = taken.get(pid) or synced_value(here.get(pid))
        if tool_value(mine) == value:
            agreed[pid] = mine
    return agreed


def pulled_answer(previous: Mapping | None, value: str) -> dict:
    """The review's answer for a value taken from the Tool, keeping its note, owner, due date, evidence."""
    status, _, reason = value.partition(":")
    answer = revised_answer(previous, status, reason=reason or None)
    kept = {key: previous[key] for key in KEPT_FIELDS if previous and previous.get(key)}
    return dict(sorted({**answer, **kept}.items()))
