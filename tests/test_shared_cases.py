"""The rules the sidebar repeats in TypeScript, held to the Python functions by one table of cases
(tests/shared_cases/answer_rules.json), which labextension/src/__tests__/shared_cases.spec.ts runs too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mllens_jupyter.answers import effective_answers, is_covered, open_risk
from mllens_jupyter.lens import Lens, Phase, Pillar, Practice
from mllens_jupyter.answers import resolve_answers

CASES = json.loads((Path(__file__).parent / "shared_cases" / "answer_rules.json").read_text(encoding="utf-8"))


def table_lens() -> Lens:
    spec = CASES["lens"]
    practices = tuple(Practice(id=p["id"], title=p["id"], pillar=p["pillar"], phase=p["phase"],
                               risk_if_absent=p["risk_if_absent"], aliases=tuple(p["aliases"]))
                      for p in spec["practices"])
    return Lens(id="table", name="table", pillars=tuple(Pillar(id=p, name=p) for p in spec["pillars"]),
                phases=tuple(Phase(id=p, name=p, stages=(p,)) for p in spec["phases"]), practices=practices)


def ids(cases: list[dict]) -> list[str]:
    return [case["case"] for case in cases]


@pytest.mark.parametrize("case", CASES["open_risk"], ids=ids(CASES["open_risk"]))
def test_open_risk(case):
    assert open_risk(case["risk_if_absent"], case["answer"]) == case["expected"]


@pytest.mark.parametrize("case", CASES["coverage"], ids=ids(CASES["coverage"]))
def test_done_of_total_per_pillar(case):
    lens = table_lens()
    answers, _ = resolve_answers(lens, case["answers"])
    counts = {pillar.id: [sum(1 for p in lens.practices_for(pillar=pillar.id) if is_covered(answers.get(p.id))),
                          len(lens.practices_for(pillar=pillar.id))] for pillar in lens.pillars}
    assert counts == case["expected"]


@pytest.mark.parametrize("case", CASES["resolve"], ids=ids(CASES["resolve"]))
def test_resolving_answers(case):
    resolved, _ = resolve_answers(table_lens(), case["answers"])
    assert resolved == case["expected"]


def test_the_panel_counts_with_the_same_rule():
    from mllens_jupyter.kernel.answer_store import AnswerStore
    from mllens_jupyter.kernel.panel import Checklist

    lens = table_lens()
    case = next(c for c in CASES["coverage"] if c["case"] == "not applicable counts as covered")
    store = AnswerStore(lens)
    store.apply_state({"schema_version": 1, "lens": "table", "answers": case["answers"]}, None)
    checklist = Checklist(lens, store, "data_processing")
    assert checklist.counts("operational_excellence")["done"] == 1


@pytest.mark.parametrize("case", CASES["effective"], ids=ids(CASES["effective"]))
def test_effective_answers(case):
    assert effective_answers(case["own"], case["workload"]) == case["expected"]
