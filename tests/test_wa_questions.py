"""The practice -> question/choice mapping of the sync is the custom-lens export's, checked on its file."""

from __future__ import annotations

import json

from mllens_jupyter.lens import get_lens
from mllens_jupyter.wa_questions import questions_of

from .conftest import run_cli


def test_every_practice_maps_to_the_question_and_choice_of_the_exported_lens(tmp_path):
    out = tmp_path / "ml-lens.json"
    assert run_cli("lens", "export", "--format", "wa-tool", "-o", out).returncode == 0
    exported = {(p["id"], q["id"], c["id"]) for p in json.loads(out.read_text())["pillars"]
                for q in p["questions"] for c in q["choices"] if not c["id"].endswith("_no")}
    lens = get_lens()
    mapped = {(q.pillar_id, q.id, cid) for q in questions_of(lens) for cid in q.choices.values()}
    assert mapped == exported
    practices = [pid for q in questions_of(lens) for pid in q.choices]
    assert sorted(practices) == sorted(p.id for p in lens.practices)
    assert len(set(practices)) == 105


def test_a_choice_leads_back_to_its_practice():
    question = next(q for q in questions_of(get_lens()) if q.id == "MLCOST04")
    assert question.practice_of("MLCOST04_BP14") == "MLCOST04-BP14"
    assert question.practice_of("MLCOST04_no") is None
