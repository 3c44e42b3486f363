"""Answers and the `mllens` metadata namespace, as plain data (no file access, no Jupyter import).

The namespace is described by `schemas/mllens-metadata.v1.schema.json`; see DESIGN.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import AnswerError
from .paths import schema_path
from .validation import SchemaError, iter_schema_errors

if TYPE_CHECKING:
    from .lens import Lens

NAMESPACE = "mllens"
SCHEMA_VERSION = 1
STATUSES = ("done", "partial", "todo", "not_applicable")
UNANSWERED = "unanswered"
SCOPES = ("notebook", "workload")
_STANDING = {UNANSWERED: 0, "todo": 1, "partial": 2, "done": 3, "not_applicable": 3}
REASONS = ("out_of_scope", "business_priorities", "architecture_constraints", "other")
SCHEMA_FILE = "mllens-metadata.v1.schema.json"


@lru_cache(maxsize=1)
def metadata_schema() -> dict:
    return json.loads(schema_path(SCHEMA_FILE).read_text(encoding="utf-8"))


def namespace_errors(namespace: Any) -> list[SchemaError]:
    """Every way `namespace` breaks the metadata schema (empty when valid)."""
    return list(iter_schema_errors(namespace, metadata_schema()))


def describe_errors(errors: list[SchemaError]) -> str:
    return "; ".join(f"{'.'.join(map(str, e.path)) or 'mllens'}: {e.message}" for e in errors)


def stored_namespace_problem(namespace: Any) -> str | None:
    """Why a stored `metadata.mllens` cannot be safely rewritten, or None when it can (or is absent)."""
    if namespace is None:
        return None
    if not isinstance(namespace, dict):
        return f"metadata.mllens is not an object (it is {type(namespace).__name__}); fix or remove it"
    version = namespace.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        return (f"metadata.mllens has schema_version {version}, newer than this mllens understands "
                f"({SCHEMA_VERSION}); upgrade mllens-jupyter to change it")
    errors = namespace_errors(namespace)
    return f"metadata.mllens is invalid: {describe_errors(errors)}" if errors else None


def namespace_of(notebook: Mapping) -> dict | None:
    """The notebook's `metadata.mllens`, or None when it has none."""
    metadata = notebook.get("metadata")
    found = metadata.get(NAMESPACE) if isinstance(metadata, Mapping) else None
    return found if isinstance(found, dict) else None


def answers_of(notebook: Mapping) -> dict[str, dict]:
    """The recorded answers by practice id (empty when none, or when the namespace is malformed)."""
    answers = (namespace_of(notebook) or {}).get("answers")
    return answers if isinstance(answers, dict) else {}


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_answer(status: str, note: str | None = None, reason: str | None = None, updated: str | None = None) -> dict:
    """A validated answer; raises AnswerError with a message fit for a person."""
    if status not in STATUSES:
        raise AnswerError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    if status == "not_applicable" and not reason:
        raise AnswerError(f"not_applicable needs a reason: one of {', '.join(REASONS)}")
    if reason and status != "not_applicable":
        raise AnswerError("a reason is only given with the status not_applicable")
    if reason and reason not in REASONS:
        raise AnswerError(f"unknown reason {reason!r}; use one of {', '.join(REASONS)}")
    answer = {"status": status, "updated": updated or utc_now()}
    if reason:
        answer["reason"] = reason
    if note:
        answer["note"] = note
    return dict(sorted(answer.items()))


def revised_answer(previous: Mapping | None, status: str, note: str | None = None,
                   reason: str | None = None) -> dict:
    """The answer that replaces `previous`: a status change keeps the earlier note unless a new one
    is given (an empty note clears it)."""
    kept = (previous or {}).get("note") if note is None else note
    return make_answer(status, note=kept or None, reason=reason)


def with_answer(namespace: Mapping | None, practice_id: str, answer: Mapping | None, lens_id: str) -> dict:
    """A new namespace with `answer` recorded for `practice_id` (removed when answer is None).

    Keys are sorted; the result is validated against the schema.
    """
    base = dict(namespace or {})
    answers = dict(base.get("answers") or {})
    if answer is None:
        answers.pop(practice_id, None)
    else:
        answers[practice_id] = dict(sorted(answer.items()))
    result = {**base, "schema_version": SCHEMA_VERSION, "lens": base.get("lens") or lens_id}
    result["answers"] = dict(sorted(answers.items()))
    errors = namespace_errors(result)
    if errors:
        raise AnswerError(f"the mllens metadata would be invalid: {describe_errors(errors)}")
    return dict(sorted(result.items()))


def open_risk(risk_if_absent: str, answer: Mapping | None) -> str | None:
    """The risk an applicable practice still carries: None when done or not applicable.

    Unanswered and todo carry the practice's risk_if_absent; partial lowers high to medium.
    """
    status = (answer or {}).get("status")
    if status in ("done", "not_applicable"):
        return None
    if status == "partial":
        return "medium"
    return risk_if_absent


def status_of(answer: Mapping | None) -> str:
    """An answer's status, `unanswered` when there is none (or it is malformed)."""
    status = (answer or {}).get("status")
    return status if status in STATUSES else UNANSWERED


def effective_answers(own: Mapping[str, Mapping], inherited: Mapping[str, Mapping]) -> dict[str, dict]:
    """The answers that apply to a notebook, each with its `scope`: the notebook's own answer
    overrides its workload's; otherwise the workload's applies. Both keyed by practice id."""
    effective = {pid: {**answer, "scope": "workload"} for pid, answer in inherited.items()}
    effective.update({pid: {**answer, "scope": "notebook"} for pid, answer in own.items()})
    return dict(sorted(effective.items()))


def weakest(answers: Iterable[Mapping | None]) -> Mapping | None:
    """Of the effective answers a practice has in a workload's notebooks, the one that leaves it
    least dealt with (unanswered, then todo, partial, done or not applicable): a workload is only as
    far along with a practice as its weakest notebook."""
    return min(answers, key=lambda answer: _STANDING[status_of(answer)], default=None)


def is_covered(answer: Mapping | None) -> bool:
    """Whether a practice counts as dealt with in done/total: done, or not applicable."""
    return (answer or {}).get("status") in ("done", "not_applicable")


def resolve_answers(lens: Lens, answers: Mapping[str, dict]) -> tuple[dict[str, dict], list[str]]:
    """Answers keyed by current practice id (2023 aliases resolved), and the keys the lens lacks.

    When both an alias and the current id are answered, the more recently updated answer wins.
    """
    resolved: dict[str, dict] = {}
    unknown: list[str] = []
    for key, answer in answers.items():
        practice = lens.find_practice(key)
        if practice is None or not isinstance(answer, dict):
            unknown.append(key)
            continue
        previous = resolved.get(practice.id)
        if previous is None or str(answer.get("updated", "")) > str(previous.get("updated", "")):
            resolved[practice.id] = answer
    return resolved, sorted(unknown)
