"""Export to the Well-Architected Tool: every limit of the custom-lens format holds on the file."""

from __future__ import annotations

import json
import re

import pytest

from mllens_jupyter.errors import MllensError
from mllens_jupyter.lens import get_lens
from mllens_jupyter.wa_tool import MAX_FILE_BYTES, custom_lens_problems, export_json

from .conftest import run_cli

ID = re.compile(r"^[A-Za-z0-9_]+$")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "ml-lens.json"
    result = run_cli("lens", "export", "--format", "wa-tool", "-o", out)
    assert result.returncode == 0, result.stderr
    return out


def test_export_respects_every_limit_of_the_format(exported):
    raw = exported.read_bytes()
    assert len(raw) <= MAX_FILE_BYTES
    lens = json.loads(raw)
    assert lens["schemaVersion"] == "2021-11-01"
    assert 0 < len(lens["name"]) <= 128 and len(lens["description"]) <= 2048
    assert len(lens["pillars"]) <= 10
    question_ids = []
    for pillar in lens["pillars"]:
        assert 3 <= len(pillar["id"]) <= 64 and ID.match(pillar["id"]) and len(pillar["name"]) <= 128
        assert len(pillar["questions"]) <= 20
        for question in pillar["questions"]:
            question_ids.append(question["id"])
            assert 3 <= len(question["id"]) <= 128 and ID.match(question["id"])
            assert len(question["title"]) <= 128 and len(question["description"]) <= 2048
            assert 1 <= len(question["choices"]) <= 15
            choice_ids = [c["id"] for c in question["choices"]]
            assert len(set(choice_ids)) == len(choice_ids)
            for choice in question["choices"]:
                assert 3 <= len(choice["id"]) <= 64 and ID.match(choice["id"])
                assert len(choice["title"]) <= 128 and len(choice.get("description", "")) <= 1024
                if choice["id"].endswith("_no"):
                    continue
                assert 0 < len(choice["improvementPlan"]["displayText"]) <= 2048
                assert choice["helpfulResource"]["url"].startswith("https://docs.aws.amazon.com/")
            rules = question["riskRules"]
            assert 1 <= len(rules) <= 3 and rules[-1]["condition"] == "default"
            assert len({r["risk"] for r in rules}) == len(rules)
            for rule in rules[:-1]:
                assert set(re.findall(r"\w+", rule["condition"])) <= set(choice_ids)
    assert len(question_ids) == len(set(question_ids)) == 35


def test_export_maps_pillars_questions_and_choices_onto_the_lens(exported):
    lens = json.loads(exported.read_bytes())
    assert [p["id"] for p in lens["pillars"]] == [
        "operationalExcellence", "security", "reliability", "performance", "costOptimization", "sustainability"]
    choices = [c["id"] for p in lens["pillars"] for q in p["questions"] for c in q["choices"]]
    assert len([c for c in choices if not c.endswith("_no")]) == 105
    cost = {q["id"]: q for q in lens["pillars"][4]["questions"]}
    assert len(cost["MLCOST04"]["choices"]) == 15
    assert cost["MLCOST04"]["choices"][-1] == {"id": "MLCOST04_no", "title": "None of these"}
    assert "MLREL01" in {q["id"] for q in lens["pillars"][2]["questions"]}


def test_risk_rules_follow_risk_if_absent():
    lens = json.loads(export_json(get_lens()))
    question = next(q for p in lens["pillars"] for q in p["questions"] if q["id"] == "MLOPS02")
    practices = get_lens().practices_for(phase="problem_framing", pillar="operational_excellence")
    high = [p.id.replace("-", "_") for p in practices if p.risk_if_absent == "high"]
    assert question["riskRules"][0]["risk"] == "NO_RISK"
    assert question["riskRules"][0]["condition"].count("&&") == len(practices) - 1
    medium_rule = next(r for r in question["riskRules"] if r["risk"] == "MEDIUM_RISK")
    assert set(re.findall(r"\w+", medium_rule["condition"])) == set(high)
    assert question["riskRules"][-1] == {"condition": "default", "risk": "HIGH_RISK"}


def test_the_checker_catches_broken_documents():
    lens = json.loads(export_json(get_lens()))
    lens["pillars"][0]["questions"][0]["choices"][0]["id"] = "MLOPS01-BP01"
    lens["pillars"][0]["questions"][0]["title"] = "x" * 129
    del lens["pillars"][1]["questions"][0]["choices"][0]["improvementPlan"]
    problems = list(custom_lens_problems(lens))
    assert len(problems) >= 3
    assert any("MLOPS01-BP01" in p for p in problems)
    assert any("title longer than 128" in p for p in problems)
    assert any("improvementPlan is required" in p for p in problems)


def test_a_lens_that_cannot_fit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("mllens_jupyter.wa_tool.MAX_FILE_BYTES", 1000)
    with pytest.raises(MllensError, match="500 KB"):
        export_json(get_lens())
