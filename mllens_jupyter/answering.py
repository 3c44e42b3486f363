"""Recording an answer, at either scope: the one path the CLI, the kernel and the server take.

A notebook's answer goes into its `metadata.mllens`; a workload's into its review file. Either way
the write is locked and atomic, and a status change keeps the earlier note (and, for the workload,
owner, due date and evidence) unless new ones are given.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from . import review as reviews
from .answers import revised_answer, with_answer
from .errors import AnswerError
from .lens import Lens
from .notebook import update_namespace

WORKLOAD_FIELDS = ("owner", "due", "evidence")


def answer_notebook(path: str | Path, lens: Lens, practice_id: str, status: str, note: str | None = None,
                    reason: str | None = None) -> dict:
    """Record an answer in a notebook's metadata; returns the answer written."""
    practice = lens.practice(practice_id)
    written: list[dict] = []

    def record(namespace: dict | None) -> dict:
        previous = ((namespace or {}).get("answers") or {}).get(practice.id)
        written.append(revised_answer(previous, status, note=note, reason=reason))
        return with_answer(namespace, practice.id, written[0], lens.id)

    update_namespace(path, record)
    return written[0]


def answer_workload(review_file: str | Path, lens: Lens, practice_id: str, status: str | None,
                    note: str | None = None, reason: str | None = None, owner: str | None = None,
                    due: str | None = None, evidence: list[dict] | None = None,
                    expected_version: str | None = None) -> dict | None:
    """Record (or, with status None, remove) an answer in a workload's review file; returns it."""
    practice = lens.practice(practice_id)
    if due:
        check_date(due)
    written: list[dict | None] = []

    def record(review: dict) -> dict:
        previous = reviews.workload_answers(review, lens).get(practice.id)
        answer = None if status is None else _workload_answer(previous, status, note, reason,
                                                               {"owner": owner, "due": due, "evidence": evidence})
        written.append(answer)
        return reviews.with_workload_answer(review, practice.id, answer)

    reviews.update(review_file, record, lens, expected_version)
    return written[0]


def _workload_answer(previous: Mapping | None, status: str, note: str | None, reason: str | None,
                     given: dict) -> dict:
    answer = revised_answer(previous, status, note=note, reason=reason)
    for field in WORKLOAD_FIELDS:
        value = given[field] if given[field] is not None else (previous or {}).get(field)
        if value:
            answer[field] = value
    return dict(sorted(answer.items()))


def check_date(text: str) -> str:
    """A due date as YYYY-MM-DD; AnswerError otherwise."""
    if not reviews.is_date(text):
        raise AnswerError(f"due date {text!r} is not a date; give it as YYYY-MM-DD")
    return text
