"""The lens model: the bundled lens against the reference table, lookups, validation, registry."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from mllens_jupyter import lens as lens_module
from mllens_jupyter.errors import LensNotFoundError, LensValidationError, UnknownPracticeError
from mllens_jupyter.lens import LensRegistry, get_lens, load_lens
from mllens_jupyter.paths import lens_data_dir

from .conftest import SHARED

PILLARS = {
    "Operational excellence": "operational_excellence", "Security": "security", "Reliability": "reliability",
    "Performance efficiency": "performance_efficiency", "Cost optimization": "cost_optimization",
    "Sustainability": "sustainability",
}
PHASES = {
    "Business goal identification": "business_goal", "ML problem framing": "problem_framing",
    "Data processing": "data_processing", "Model development": "model_development",
    "Deployment": "deployment", "Monitoring": "monitoring",
}
BUNDLED = lens_data_dir() / "aws-ml-lens"


def reference_rows() -> list[dict]:
    path = SHARED / "reference" / "ml-lens-best-practices.tsv"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_bundled_lens_matches_the_reference_table_on_every_field(shared_dir):
    lens = get_lens()
    rows = reference_rows()
    assert [p.id for p in lens.practices] == [r["id"] for r in rows]
    for practice, row in zip(lens.practices, rows):
        assert practice.aliases == (row["id_2023"],)
        assert practice.title == row["title"]
        assert practice.pillar == PILLARS[row["pillar"]]
        assert practice.phase == PHASES[row["phase"]]
        assert practice.risk_if_absent == row["risk_if_absent"].lower()
        assert practice.docs_url == row["docs_url"]
        assert practice.wa_tool_2023 == {"question": row["wa_tool_2023_question"], "choice": row["wa_tool_2023_choice"]}


def test_bundled_lens_structure():
    lens = get_lens()
    assert len(lens.practices) == 105
    assert [p.id for p in lens.pillars] == list(PILLARS.values())
    assert [p.wa_tool_id for p in lens.pillars] == [
        "operationalExcellence", "security", "reliability", "performance", "costOptimization", "sustainability"]
    assert [p.id for p in lens.phases] == list(PHASES.values())
    assert lens.phase("data_processing").stages == (
        "data_collection", "data_preprocessing", "exploration", "feature_engineering")
    assert lens.phase("model_development").stages == ("training", "tuning", "evaluation")
    assert lens.activity_stages == ("setup", "visualization")
    assert len(lens.design_principles) == 10
    assert sum(p.risk_if_absent == "high" for p in lens.practices) == 60


def test_practice_lookup_by_id_and_2023_alias():
    lens = get_lens()
    assert lens.practice("MLOE-10").id == "MLOPS03-BP01"
    assert lens.practice("mlops03-bp01").title == "Profile data to improve quality"
    assert lens.find_practice("MLXX-99") is None
    with pytest.raises(UnknownPracticeError, match="MLXX-99"):
        lens.practice("MLXX-99")


def test_grid_counts_per_phase_and_pillar():
    lens = get_lens()
    assert len(lens.practices_for(phase="model_development", pillar="cost_optimization")) == 14
    assert len(lens.practices_for(phase="business_goal", pillar="reliability")) == 0
    assert len(lens.practices_for(phase="monitoring")) == 18
    assert lens.phase_of_stage("tuning") == "model_development"
    assert lens.phase_of_stage("setup") is None


def test_loading_is_cached_until_a_file_changes(tmp_path):
    copy = tmp_path / "lens"
    shutil.copytree(BUNDLED, copy)
    first = load_lens(copy)
    assert load_lens(copy) is first
    head = copy / "lens.yaml"
    head.write_text(head.read_text().replace("name: AWS Well-Architected", "name: Our"), encoding="utf-8")
    reloaded = load_lens(copy)
    assert reloaded is not first
    assert reloaded.name.startswith("Our")


def broken_lens(tmp_path: Path) -> Path:
    copy = tmp_path / "broken"
    shutil.copytree(BUNDLED, copy)
    practices = copy / "practices" / "security.yaml"
    text = practices.read_text(encoding="utf-8")
    text = text.replace("risk_if_absent: high", "risk_if_absent: severe", 1)
    text = text.replace("    title: \"Design data encryption and obfuscation\"\n", "", 1)
    practices.write_text(text, encoding="utf-8")
    head = copy / "lens.yaml"
    head.write_text(head.read_text().replace("    prefix: MLSEC\n", "    prefix: MLSEC\n    colour: red\n"))
    return copy


def test_validation_reports_every_problem_with_file_line_and_field(tmp_path):
    with pytest.raises(LensValidationError) as caught:
        load_lens(broken_lens(tmp_path))
    problems = caught.value.problems
    assert len(problems) == 3
    by_field = {p.field: p for p in problems}
    assert by_field["practices[0].risk_if_absent"].file.endswith("security.yaml")
    assert by_field["practices[0].risk_if_absent"].line == 8
    assert "title" in by_field["practices[1]"].message
    assert by_field["pillars[1]"].file.endswith("lens.yaml")
    assert "colour" in by_field["pillars[1]"].message
    assert all(p.line for p in problems)


def test_unknown_references_and_duplicates_are_reported(tmp_path):
    copy = tmp_path / "refs"
    shutil.copytree(BUNDLED, copy)
    path = copy / "practices" / "reliability.yaml"
    text = path.read_text().replace("phase: problem_framing", "phase: brainstorming", 1)
    text = text.replace("aliases: [MLREL-02]", "aliases: [MLREL-01]", 1)
    path.write_text(text)
    with pytest.raises(LensValidationError) as caught:
        load_lens(copy)
    messages = [str(p) for p in caught.value.problems]
    assert any("unknown phase 'brainstorming'" in m and "reliability.yaml:" in m for m in messages)
    assert any("duplicate practice id or alias 'MLREL-01'" in m for m in messages)


def test_yaml_syntax_error_names_the_line(tmp_path):
    copy = tmp_path / "syntax"
    shutil.copytree(BUNDLED, copy)
    (copy / "practices" / "security.yaml").write_text("practices:\n  - id: [unclosed\n")
    with pytest.raises(LensValidationError) as caught:
        load_lens(copy)
    (problem,) = caught.value.problems
    assert problem.file.endswith("security.yaml") and problem.line is not None and problem.field == "(yaml)"


SINGLE_FILE_LENS = """
schema_version: 1
id: team-lens
name: Our team's lens
pillars: [{id: quality, name: Quality}]
phases: [{id: build, name: Build, stages: [training]}]
practices:
  - {id: TEAM01-BP01, title: Review every model, pillar: quality, phase: build, risk_if_absent: high}
"""


def test_a_lens_can_be_one_yaml_file_given_by_path(tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text(SINGLE_FILE_LENS)
    lens = get_lens(str(path))
    assert lens.id == "team-lens"
    assert lens.practice("team01-bp01").title == "Review every model"


def test_registry_finds_configured_paths_and_entry_points(tmp_path, monkeypatch):
    path = tmp_path / "team.yaml"
    path.write_text(SINGLE_FILE_LENS)
    plugin = SimpleNamespace(name="plugin", value="plugin:lens", load=lambda: (lambda: str(path)))
    broken = SimpleNamespace(name="broken", value="nowhere:lens", load=lambda: (_ for _ in ()).throw(ImportError("gone")))
    monkeypatch.setattr(lens_module, "entry_points", lambda group: [plugin, broken])
    registry = LensRegistry()
    assert registry.get("team-lens").name == "Our team's lens"
    found = registry.available()
    assert {"aws-ml-lens", "team-lens"} <= set(found)
    assert "gone" in found["entry point broken"]
    configured = LensRegistry(extra_paths=[str(path)], default_lens="team-lens")
    assert configured.get().id == "team-lens"


def test_unknown_lens_id_is_a_clear_error():
    with pytest.raises(LensNotFoundError, match="no lens 'nope'"):
        get_lens("nope")
