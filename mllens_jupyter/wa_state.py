"""The `wa_tool` section of a review file: the workload last synchronised with the Well-Architected
Tool and each answer as both sides last agreed on it, written by push and pull so that a pull can
tell a change made here from one made in the Tool."""

from __future__ import annotations

from collections.abc import Mapping

from .answers import utc_now

SECTION = "wa_tool"
UNSELECTED = "unselected"


def synced_value(answer: Mapping | None) -> str | None:
    """An answer as the state keeps it: its status, with the reason when not applicable."""
    if not answer:
        return None
    status = answer["status"]
    return f"{status}:{answer['reason']}" if status == "not_applicable" else status


def tool_value(value: str | None) -> str:
    """What the Tool shows for a kept value: partial, to do and unanswered are all unselected."""
    return value if value == "done" or (value or "").startswith("not_applicable") else UNSELECTED


def state_for(review: Mapping, workload_id: str) -> dict:
    """The review's state when it is about this workload; an empty one otherwise."""
    state = review.get(SECTION) or {}
    return dict(state) if state.get("workload_id") == workload_id else {}


def with_state(review: dict, state: dict, agreed: Mapping[str, str | None]) -> dict:
    """A new review whose state is `state` with the `agreed` values recorded (None removes one); the
    time of the last sync changes only with the state, so a pull that finds nothing leaves the file as
    it was."""
    answers = dict(state.get("answers") or {})
    for pid, value in agreed.items():
        if value is None:
            answers.pop(pid, None)
        else:
            answers[pid] = value
    section = {key: value for key, value in state.items() if key != "synced"}
    section["answers"] = dict(sorted(answers.items()))
    before = dict(review.get(SECTION) or {})
    synced = before.pop("synced", None)
    section["synced"] = synced if synced and before == section else utc_now()
    return {**review, SECTION: dict(sorted(section.items()))}
