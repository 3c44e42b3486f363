"""The written guidance of the bundled lens: complete, distinct, and usable by a person."""

from __future__ import annotations

import re
from collections import Counter

from mllens_jupyter.lens import get_lens


def test_every_practice_has_a_summary_questions_and_an_improvement_plan():
    missing = [
        p.id for p in get_lens().practices
        if not p.summary.strip() or not 2 <= len(p.questions) <= 4 or not p.improvement.strip()
    ]
    assert missing == []


def test_questions_are_yes_no_questions():
    for practice in get_lens().practices:
        for question in practice.questions:
            assert question.rstrip().endswith("?"), (practice.id, question)
            assert len(question) < 300, practice.id


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def test_no_two_practices_share_the_same_text():
    texts = Counter()
    for practice in get_lens().practices:
        for text in (practice.summary, practice.improvement, *practice.questions):
            texts[normalized(text)] += 1
    assert [text for text, count in texts.items() if count > 1] == []


def test_pillars_phases_and_design_principles_have_summaries():
    lens = get_lens()
    for item in (*lens.pillars, *lens.phases, *lens.design_principles):
        assert len(item.summary.split()) >= 10, item.id


def test_evidence_signals_are_specific():
    generic = {"data", "model", "train", "fit", "predict", "pandas", "numpy", "sklearn", "import"}
    with_evidence = [p for p in get_lens().practices if p.evidence]
    assert len(with_evidence) >= 70
    for practice in with_evidence:
        signals = {*practice.evidence.imports, *practice.evidence.calls, *practice.evidence.keywords}
        assert signals and not signals & generic, practice.id
        assert all(k == k.lower() for k in practice.evidence.keywords), practice.id


def test_guidance_is_cloud_agnostic_with_aws_named_where_natural():
    practices = get_lens().practices
    mentions_aws = [p.id for p in practices if re.search(r"SageMaker|AWS|Amazon|CloudWatch|KMS|IAM", p.improvement + p.summary)]
    assert 20 <= len(mentions_aws) < len(practices)
    aws_only = [p.id for p in practices if "SageMaker" in p.improvement and not re.search(
        r"MLflow|open|Kubernetes|Kubeflow|Airflow|Vertex|Azure|Databricks|Dataproc|Optuna|Ray|your|or |DVC|Evidently|ONNX|cloud", p.improvement)]
    assert aws_only == []
