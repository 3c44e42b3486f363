"""Notes sent to the Well-Architected Tool, cut to its limits with a marker so the service never
refuses them. The Tool counts characters as UTF-16 code units (an emoji counts two)."""

from __future__ import annotations

from collections.abc import Mapping

CHOICE_NOTE_LIMIT = 250
ANSWER_NOTE_LIMIT = 2084
CUT_MARKER = " [… cut; see mllens-review.yaml]"
STATUS_WORDS = {"done": "done", "partial": "partial", "todo": "to do", "not_applicable": "not applicable"}


def tool_length(text: str) -> int:
    """The length of `text` as the Tool measures it."""
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int) -> str:
    """`text` as it is when it fits `limit`, else cut (never inside a character) and marked."""
    if tool_length(text) <= limit:
        return text
    room = limit - tool_length(CUT_MARKER)
    kept, used = [], 0
    for char in text:
        used += tool_length(char)
        if used > room:
            break
        kept.append(char)
    return "".join(kept).rstrip() + CUT_MARKER


def _details(answer: Mapping) -> str:
    parts = [f"due {answer['due']}"] if answer.get("due") else []
    parts += [f"owner {answer['owner']}"] if answer.get("owner") else []
    return f" ({', '.join(parts)})" if parts else ""


def choice_note(answer: Mapping) -> str | None:
    """A choice's note: the answer's own note; a partial or to-do practice also says so."""
    note = answer.get("note") or ""
    if answer["status"] in ("partial", "todo"):
        head = f"{STATUS_WORDS[answer['status']].capitalize()}{_details(answer)}"
        return fit(f"{head}: {note}" if note else head, CHOICE_NOTE_LIMIT)
    return fit(note, CHOICE_NOTE_LIMIT) if note else None


def answer_note(answers: Mapping[str, Mapping], practice_ids: list[str]) -> str:
    """A question's note: how many of its practices stand where, then one line per answered practice."""
    counts = {word: sum(1 for pid in practice_ids if (answers.get(pid) or {}).get("status") == status)
              for status, word in STATUS_WORDS.items()}
    unanswered = sum(1 for pid in practice_ids if pid not in answers)
    summary = ", ".join(f"{count} {word}" for word, count in counts.items() if count)
    lines = [f"From mllens-review.yaml: {summary}, {unanswered} unanswered."]
    for pid in practice_ids:
        if pid in answers:
            answer = answers[pid]
            note = f": {answer['note']}" if answer.get("note") else ""
            lines.append(f"{pid} {STATUS_WORDS[answer['status']]}{_details(answer)}{note}")
    return fit("\n".join(lines), ANSWER_NOTE_LIMIT)
