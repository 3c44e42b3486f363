"""Notes sent to the Tool fit its limits (counted as the Tool counts) and say when they were cut."""

from __future__ import annotations

import pytest

from mllens_jupyter.wa_notes import (ANSWER_NOTE_LIMIT, CHOICE_NOTE_LIMIT, CUT_MARKER, answer_note, choice_note,
                                     fit, tool_length)


@pytest.mark.parametrize("text, limit, expected", [
    ("short", 250, "short"),
    ("x" * 250, 250, "x" * 250),
    ("x" * 251, 250, "x" * (250 - len(CUT_MARKER)) + CUT_MARKER),
    ("😀" * 200, 250, "😀" * ((250 - len(CUT_MARKER)) // 2) + CUT_MARKER),
    ("word " * 600, 2084, None),
])
def test_fit_keeps_what_fits_and_marks_a_cut(text, limit, expected):
    result = fit(text, limit)
    assert tool_length(result) <= limit
    if expected is not None:
        assert result == expected
    else:
        assert result.endswith(CUT_MARKER)


@pytest.mark.parametrize("answer, expected", [
    ({"status": "done"}, None),
    ({"status": "done", "note": "in MLflow"}, "in MLflow"),
    ({"status": "partial"}, "Partial"),
    ({"status": "todo", "note": "planned", "due": "2027-01-31", "owner": "dana"}, "To do (due 2027-01-31, owner dana): planned"),
    ({"status": "not_applicable", "reason": "out_of_scope", "note": "public data"}, "public data"),
])
def test_a_choice_note_says_what_is_not_done_yet(answer, expected):
    assert choice_note(answer) == expected


def test_long_notes_are_cut_to_the_tools_limits():
    long = "A very long note about lineage. " * 400
    assert tool_length(choice_note({"status": "todo", "note": long})) == CHOICE_NOTE_LIMIT
    note = answer_note({"A-BP01": {"status": "done", "note": long}}, ["A-BP01", "A-BP02"])
    assert tool_length(note) <= ANSWER_NOTE_LIMIT and note.endswith(CUT_MARKER)
    assert note.startswith("From mllens-review.yaml: 1 done, 1 unanswered.\nA-BP01 done: A very long note")
