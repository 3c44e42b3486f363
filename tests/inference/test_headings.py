"""Markdown: headings carry their stage, text frames the problem; tags and pins win."""

from __future__ import annotations

import pytest

from mllens_jupyter.inference import TAG_REASON, infer_cells, infer_notebook

from ..conftest import make_notebook
from .cells import code, md


def test_a_heading_carries_its_stage_to_the_code_under_it_until_the_next_heading():
    cells = infer_cells([
        md("# Churn"),
        code("import pandas as pd"),
        md("## Feature engineering"),
        code("cols = ['a', 'b']"),
        md("### Ratios"),
        code("threshold = 3"),
        md("## Results"),
        code("n = 10"),
    ])
    assert cells[3]["stages"] == ["feature_engineering", "setup"]
    assert "under heading 'Feature engineering'" in cells[3]["reasons"]["feature_engineering"]
    assert cells[3]["reasons"]["setup"] == ["only sets values"]
    assert cells[5]["stages"] == ["feature_engineering", "setup"]
    assert cells[7]["stages"] == ["evaluation", "setup"]
    assert cells[1]["stages"] == ["setup"]


def test_headings_are_found_whatever_the_line_breaks_and_html_headings_too():
    from mllens_jupyter.inference.markdown import markdown_facts

    facts = markdown_facts("Intro text\r## Feature engineering\r\nMore text\r\n<h3>Model training</h3>")
    assert [(h.level, h.title) for h in facts.headings] == [(2, "Feature engineering"), (3, "Model training")]
    assert facts.body == "Intro text More text"
    plain = markdown_facts("Just prose, with a <b>bold</b> word\nand no heading.")
    assert plain.headings == () and plain.body == "Just prose, with a bold word and no heading."


def test_a_heading_gives_its_stage_only_to_cells_that_show_no_phase_of_their_own():
    cells = infer_cells([
        code("import pandas as pd\nfrom sklearn.linear_model import LogisticRegression"),
        md("## Training the model"),
        code("features = [c for c in train.columns if c not in ['id', 'target']]\ntrain = train.fillna(0)"),
        code("params = make_params(seed)"),
        md("## Layers visualization"),
        code("intermediates = collect_outputs(model, batch)"),
    ])
    assert "training" not in cells[2]["stages"]
    assert "data_preprocessing" in cells[2]["stages"]
    assert cells[3]["stages"] == ["training"]
    assert "visualization" not in cells[5]["stages"]


@pytest.mark.parametrize("title, stages", [
    ("Constraints", []),
    ("Is machine learning the right tool?", []),
    ("Suggested constraints of the baseline", ["monitoring"]),
    ("Create a network graph of the labels", []),
    ("Training data preprocessing", ["data_preprocessing"]),
    ("Set the hyperparameters", ["training"]),
    ("Hyperparameter optimization", ["tuning"]),
    ("Launch a hyperparameter tuning job", ["tuning"]),
])
def test_headings_name_the_stage_a_reader_would(title, stages):
    (cell,) = infer_cells([md(f"## {title}")])
    assert cell["stages"] == stages


def test_a_heading_does_not_turn_an_import_cell_into_its_stage():
    cells = infer_cells([md("## Training"), code("import torch\nimport torch.nn as nn")])
    assert cells[1]["stages"] == ["setup"]


def test_business_goal_and_problem_framing_come_from_markdown(lens):
    notebook = make_notebook([
        md("# Customer churn\n\n## Business goal\nKeep subscribers: every churned customer costs $300 a year."),
        md("We want to predict whether a customer will cancel next month. This is a binary classification problem."),
        code("import pandas as pd\ndf = pd.read_csv('churn.csv')"),
        md("## Deploy the model\nLater."),
    ])
    result = infer_notebook(notebook, lens)
    assert result["cells"][0]["stages"] == ["business_goal"]
    assert result["cells"][1]["stages"] == ["problem_framing"]
    assert result["phases"] == ["business_goal", "problem_framing", "data_processing"]
    assert result["phase_cells"]["business_goal"] == [0]


def test_a_stage_tagged_by_a_person_wins(lens):
    cells = infer_cells([
        code("model.fit(X, y)", stage="evaluation"),
        code("x = 1", stage=["monitoring", "Feature engineering"]),
        code("df.shape", stage="not-a-stage"),
    ])
    assert cells[0]["stages"] == ["evaluation"] and cells[0]["reasons"]["evaluation"] == [TAG_REASON]
    assert cells[1]["stages"] == ["feature_engineering", "monitoring"]
    assert cells[2]["stages"] == ["exploration"]


def test_phases_pinned_in_the_notebook_are_present(lens):
    notebook = make_notebook([code("x = 1")], metadata={"mllens": {"schema_version": 1, "phases": ["monitoring", "nope"]}})
    result = infer_notebook(notebook, lens)
    assert result["phases"] == ["monitoring"]
    assert result["pinned"] == ["monitoring"] and result["phase_cells"] == {"monitoring": []}
