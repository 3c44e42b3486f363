"""The messages the kernel and the notebook's frontend exchange on the comm target `mllens`.

Every message's data is a JSON object with `"type"` and `"version"` (PROTOCOL_VERSION):

| type    | from     | when                                                    | other fields                          |
|---------|----------|---------------------------------------------------------|---------------------------------------|
| hello   | kernel   | opening the comm, when `%mllens` shows its panel        | `lens`: lens id                       |
| state   | frontend | in reply to hello, and whenever `metadata.mllens` changes elsewhere (the sidebar) | `metadata`: the notebook's `metadata.mllens` or null; `path`: the notebook's path or null |
| answer  | kernel   | the person answered in the panel                        | `request_id`; `practice`: a practice id; `answer`: {status, note?, reason?, updated} or null to clear it |
| ack     | frontend | once the answer is applied to the notebook's metadata  | `request_id`; `ok`: bool; `error`: str when not ok |

The kernel opens the comm with the hello as the comm_open data; everything after is comm_msg.
Builders return plain dicts; `parse_message` checks a message and raises ProtocolError, whose
message is meant for a person. No Jupyter import here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..answers import REASONS, STATUSES
from ..errors import MllensError

PROTOCOL_VERSION = 1
TARGET_NAME = "mllens"
ANSWER_FIELDS = ("status", "note", "reason", "updated")
MAX_NOTE_CHARS = 10000


class ProtocolError(MllensError):
    """A comm message that does not follow this protocol."""


def hello(lens_id: str) -> dict:
    return {"type": "hello", "version": PROTOCOL_VERSION, "lens": lens_id}


def state(metadata: Mapping | None, path: str | None) -> dict:
    return {"type": "state", "version": PROTOCOL_VERSION, "metadata": metadata, "path": path}


def answer(request_id: str, practice_id: str, answer: Mapping | None) -> dict:
    payload = dict(answer) if answer is not None else None
    return {"type": "answer", "version": PROTOCOL_VERSION, "request_id": request_id,
            "practice": practice_id, "answer": payload}


def ack(request_id: str, ok: bool = True, error: str | None = None) -> dict:
    message = {"type": "ack", "version": PROTOCOL_VERSION, "request_id": request_id, "ok": ok}
    if not ok:
        message["error"] = error or "unknown error"
    return message


def _nonempty_string(data: Mapping, key: str) -> list[str]:
    value = data.get(key)
    return [] if isinstance(value, str) and value else [f"{key} must be a non-empty string"]


def _optional_string(data: Mapping, key: str) -> list[str]:
    if key not in data:
        return [f"{key} is missing (null is allowed)"]
    return [] if data[key] is None or isinstance(data[key], str) else [f"{key} must be a string or null"]


def hello_problems(data: Mapping) -> list[str]:
    return _nonempty_string(data, "lens")


def state_problems(data: Mapping) -> list[str]:
    problems = _optional_string(data, "path")
    if "metadata" not in data:
        problems.append("metadata is missing (null is allowed)")
    elif data["metadata"] is not None and not isinstance(data["metadata"], dict):
        problems.append("metadata must be an object or null")
    return problems


def answer_payload_problems(payload: Any) -> list[str]:
    """What is wrong with an answer object (the `answer` field of an answer message)."""
    if payload is None:
        return []
    if not isinstance(payload, dict):
        return ["answer must be an object or null"]
    problems = [f"answer has an unknown field {key!r}" for key in payload if key not in ANSWER_FIELDS]
    if payload.get("status") not in STATUSES:
        problems.append(f"answer.status must be one of {', '.join(STATUSES)}")
    reason = payload.get("reason")
    if payload.get("status") == "not_applicable" and reason not in REASONS:
        problems.append(f"answer.reason must be one of {', '.join(REASONS)} when not applicable")
    if payload.get("status") != "not_applicable" and "reason" in payload:
        problems.append("answer.reason is only given with the status not_applicable")
    note = payload.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE_CHARS):
        problems.append(f"answer.note must be a string of at most {MAX_NOTE_CHARS} characters")
    problems += [] if isinstance(payload.get("updated"), str) else ["answer.updated must be a timestamp string"]
    return problems


def answer_problems(data: Mapping) -> list[str]:
    problems = _nonempty_string(data, "request_id") + _nonempty_string(data, "practice")
    if "answer" not in data:
        return [*problems, "answer is missing (null clears the answer)"]
    return problems + answer_payload_problems(data["answer"])


def ack_problems(data: Mapping) -> list[str]:
    problems = _nonempty_string(data, "request_id")
    if not isinstance(data.get("ok"), bool):
        problems.append("ok must be true or false")
    elif not data["ok"] and not isinstance(data.get("error"), str):
        problems.append("error must say why when ok is false")
    return problems


VALIDATORS: dict[str, Callable[[Mapping], list[str]]] = {
    "hello": hello_problems,
    "state": state_problems,
    "answer": answer_problems,
    "ack": ack_problems,
}
FROM_KERNEL = ("hello", "answer")
FROM_FRONTEND = ("state", "ack")


def message_problems(data: Any) -> list[str]:
    """Every way `data` breaks the protocol (empty when it is a valid message of any type)."""
    if not isinstance(data, dict):
        return ["a message must be a JSON object"]
    kind = data.get("type")
    if kind not in VALIDATORS:
        return [f"unknown message type {kind!r}; known: {', '.join(VALIDATORS)}"]
    if data.get("version") != PROTOCOL_VERSION:
        return [f"protocol version {data.get('version')!r} is not supported (this kernel speaks {PROTOCOL_VERSION})"]
    return VALIDATORS[kind](data)


def parse_message(data: Any, expected: tuple[str, ...] = tuple(VALIDATORS)) -> dict:
    """`data` checked to be a valid message of one of the `expected` types; ProtocolError otherwise."""
    problems = message_problems(data)
    if not problems and data["type"] not in expected:
        problems = [f"a {data['type']!r} message is not expected here"]
    if problems:
        kind = data.get("type") if isinstance(data, dict) else None
        raise ProtocolError(f"invalid mllens message{f' {kind!r}' if isinstance(kind, str) else ''}: "
                            + "; ".join(problems))
    return data
