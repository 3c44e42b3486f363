"""Answers and the mllens namespace: what is accepted, how it is stored, what risk remains."""

from __future__ import annotations

import pytest

from mllens_jupyter.answers import answers_of, make_answer, namespace_errors, open_risk, with_answer
from mllens_jupyter.errors import AnswerError


def test_an_answer_carries_status_note_and_utc_time():
    answer = make_answer("done", note="runs tracked in MLflow")
    assert answer["status"] == "done" and answer["note"] == "runs tracked in MLflow"
    assert answer["updated"].endswith("Z") and len(answer["updated"]) == 20
    assert list(answer) == sorted(answer)


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        ("finished", None, "unknown status 'finished'"),
        ("not_applicable", None, "needs a reason"),
        ("done", "out_of_scope", "only given with the status not_applicable"),
        ("not_applicable", "lazy", "unknown reason 'lazy'"),
    ],
)
def test_invalid_answers_are_refused_with_a_message(status, reason, message):
    with pytest.raises(AnswerError, match=message):
        make_answer(status, reason=reason)


def test_with_answer_sorts_keys_and_records_the_lens():
    namespace = with_answer(None, "MLSEC03-BP03", make_answer("not_applicable", reason="out_of_scope"), "aws-ml-lens")
    namespace = with_answer(namespace, "MLOPS03-BP02", make_answer("partial"), "aws-ml-lens")
    assert list(namespace) == ["answers", "lens", "schema_version"]
    assert list(namespace["answers"]) == ["MLOPS03-BP02", "MLSEC03-BP03"]
    assert namespace["lens"] == "aws-ml-lens" and namespace["schema_version"] == 1
    assert namespace_errors(namespace) == []
    cleared = with_answer(namespace, "MLOPS03-BP02", None, "aws-ml-lens")
    assert list(cleared["answers"]) == ["MLSEC03-BP03"]


def test_schema_lists_every_problem_of_a_bad_namespace():
    bad = {"schema_version": 2, "answers": {"MLOPS03-BP02": {"status": "maybe"}, "bogus id": {"status": "done"}}}
    errors = namespace_errors(bad)
    assert len(errors) >= 3
    paths = [e.path for e in errors]
    assert ("schema_version",) in paths and ("answers", "MLOPS03-BP02", "status") in paths


def test_an_existing_malformed_namespace_is_not_silently_overwritten():
    with pytest.raises(AnswerError, match="would be invalid"):
        with_answer({"schema_version": 1, "answers": {"X": "yes"}}, "MLOPS03-BP02", make_answer("done"), "aws-ml-lens")


def test_answers_of_tolerates_missing_or_odd_metadata():
    assert answers_of({}) == {}
    assert answers_of({"metadata": {"mllens": "nope"}}) == {}
    assert answers_of({"metadata": {"mllens": {"answers": {"A-1": {"status": "done"}}}}}) == {"A-1": {"status": "done"}}


@pytest.mark.parametrize(
    ("risk", "status", "expected"),
    [("high", None, "high"), ("high", "todo", "high"), ("high", "partial", "medium"), ("medium", "partial", "medium"),
     ("high", "done", None), ("medium", "not_applicable", None)],
)
def test_open_risk_follows_the_design(risk, status, expected):
    assert open_risk(risk, {"status": status} if status else None) == expected
