"""The signal tables are data a user can extend; a broken file is reported with its file and line."""

from __future__ import annotations

import re

import pytest
import yaml

from mllens_jupyter.errors import LensValidationError
from mllens_jupyter.inference import infer_cells
from mllens_jupyter.lens import get_lens
from mllens_jupyter.inference.signals import PrefixTable, any_of, default_signals_path, load_signals


def test_the_bundled_tables_load_and_speak_the_lens_vocabulary():
    signals = load_signals()
    lens = get_lens()
    vocabulary = {stage for phase in lens.phases for stage in phase.stages} | set(lens.activity_stages)
    assert set(signals.stages) == vocabulary
    assert load_signals() is signals


def write_tables(tmp_path, change) -> str:
    data = yaml.safe_load(default_signals_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "stages.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def test_a_user_rule_extends_the_inference(tmp_path):
    def add_rule(data):
        data["calls"].append({"stage": "monitoring", "weight": 0.9, "names": ["acme_watch.track"]})

    custom = load_signals(write_tables(tmp_path, add_rule))
    cells = [{"cell_type": "code", "source": "import acme_watch\nacme_watch.track(model)"}]
    assert infer_cells(cells, signals=custom)[0]["stages"] == ["monitoring"]
    assert infer_cells(cells)[0]["stages"] == []


def test_schema_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "stages.yaml"
    text = default_signals_path().read_text(encoding="utf-8")
    text = text.replace("threshold: 0.5", "threshold: high", 1)
    text = text.replace("{stage: monitoring, weight: 0.9, names: [sagemaker.model_monitor,",
                        "{stage: monitoring, weight: 1.5, names: [sagemaker.model_monitor,", 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    threshold_line = next(i for i, line in enumerate(lines, 1) if line.startswith("threshold:"))
    weight_line = next(i for i, line in enumerate(lines, 1) if "weight: 1.5" in line)
    with pytest.raises(LensValidationError) as caught:
        load_signals(path)
    located = {(p.line, p.field) for p in caught.value.problems}
    assert (threshold_line, "threshold") in located
    assert any(line == weight_line and field.endswith(".weight") for line, field in located)
    assert all(p.file == str(path) for p in caught.value.problems)
    assert f"{path}:{threshold_line}: threshold:" in str(caught.value)


def test_unknown_stages_kinds_and_bad_patterns_are_reported(tmp_path):
    def break_it(data):
        data["calls"][0]["stage"] = "trainnig"
        data["methods"][0]["of"] = ["dataframes"]
        data["shell"][0]["patterns"] = ["(unclosed"]
        data["targets"][0]["patterns"] = ["(?i)x_train"]

    path = write_tables(tmp_path, break_it)
    with pytest.raises(LensValidationError) as caught:
        load_signals(path)
    messages = [str(p) for p in caught.value.problems]
    assert any("calls[0].stage: unknown stage 'trainnig'" in m for m in messages)
    assert any("unknown kind 'dataframes'" in m for m in messages)
    assert any("shell[0].patterns[0]: invalid regular expression" in m for m in messages)
    assert any("targets[0].patterns[0]: invalid regular expression" in m and "(?i:" not in m for m in messages)
    assert all(p.line for p in caught.value.problems)


def test_an_unparsable_file_is_reported_with_its_line(tmp_path):
    path = tmp_path / "stages.yaml"
    path.write_text("schema_version: 1\nstages: [a, b\nthreshold: 0.5\n", encoding="utf-8")
    with pytest.raises(LensValidationError) as caught:
        load_signals(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path) and problem.line == 3


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(LensValidationError, match="cannot read"):
        load_signals(tmp_path / "nope.yaml")


def test_a_user_target_name_extends_the_inference(tmp_path):
    def add_target(data):
        data["targets"].append({"stage": "deployment", "weight": 0.9, "patterns": ["leaderboard_\\w+"]})

    custom = load_signals(write_tables(tmp_path, add_target))
    cells = [{"cell_type": "code", "source": "leaderboard_entry = make_entry(scores)"}]
    assert infer_cells(cells, signals=custom)[0]["stages"] == ["deployment"]
    assert infer_cells(cells)[0]["stages"] == []


def test_unknown_stages_in_sections_and_pipelines_are_reported(tmp_path):
    def break_it(data):
        data["sections"]["deployment"]["weak"].append("trainnig")
        data["pipelines"]["stages"]["models"] = "training"
        data["cells"]["called_functions"]["stages"].append("deploy")

    with pytest.raises(LensValidationError) as caught:
        load_signals(write_tables(tmp_path, break_it))
    messages = [str(p) for p in caught.value.problems]
    assert any("sections.deployment: unknown stage 'trainnig'" in m for m in messages)
    assert any("pipelines.stages.models: unknown kind or stage 'models'" in m for m in messages)
    assert any("cells.called_functions.stages[5]: unknown stage 'deploy'" in m for m in messages)


@pytest.mark.parametrize("text", [
    "The goal of this notebook is to predict whether a customer churns; the target variable is `Churn`.",
    "We want to reduce churn and increase revenue for our stakeholders.",
    "Nothing to see here, just some words about plots.",
    "BUSINESS OBJECTIVE: lower the cost of false positives",
    "The target is a column; the decision is made by makers of a success story, not a metric.",
    "Our target column holds the label. Decision-makers set the success criteria.",
    "",
])
@pytest.mark.parametrize("prepared", [False, True], ids=["compiled when needed", "compiled ahead by prepare"])
def test_screened_rules_match_exactly_where_their_patterns_do(text, prepared, tmp_path):
    signals = load_signals(write_tables(tmp_path, lambda data: None))
    if prepared:
        signals.prepare()
    for table in (signals.text, signals.keywords, signals.shell, signals.helpers, signals.files):
        for screened, _ in table:
            expected = screened.pattern.search(text)
            found = screened.search(text)
            assert (found and found.group(0)) == (expected and expected.group(0))
    for screened, _, _ in signals.headings:
        expected = screened.pattern.search(text)
        assert bool(screened.search(text)) == bool(expected)


@pytest.mark.parametrize("name", ["df", "df2", "train_df", "scores_df", "clf", "rf3", "lr", "logreg_cv", "xgb_model",
                                  "y_pred", "preds_test", "hist", "conf_mx", "fi", "cm", "f1", "r2", "oof_train",
                                  "data_path", "train_loader", "sub", "submission", "spark", "x", "plt", "Model_V2"])
def test_screened_name_kinds_match_every_pattern_of_every_kind(name):
    """The kinds a name suggests are found by screening on required words; the answer must be the one
    that matching the name against every pattern of every kind gives."""
    kinds = yaml.safe_load(default_signals_path().read_text(encoding="utf-8"))["kinds"]
    expected = tuple(
        kind for kind, spec in kinds.items()
        if not spec.get("accessor") and any(re.fullmatch(p, name, re.IGNORECASE) for p in spec.get("names", []))
        and not (spec.get("exclude") and re.search(spec["exclude"], name, re.IGNORECASE))
    )
    assert load_signals().kind_names.kinds(name) == expected


@pytest.mark.parametrize("patterns, joined", [
    ([r"df", r"rf[cr]?\d*"], True),
    ([r"(a)\1", r"b"], False),
    ([r"(?P<x>a)(?P=x)", r"b"], False),
    ([r"(?i)a", r"b"], False),
    ([r"a"], False),
])
def test_patterns_are_joined_only_where_the_join_matches_as_each_does(patterns, joined):
    compiled = [re.compile(p) for p in patterns]
    found = any_of(compiled)
    assert (found is not None) == joined
    for text in ["df", "rf3", "aa", "b", "ab", "A", "x"]:
        if found is not None:
            assert bool(found.fullmatch(text)) == any(p.fullmatch(text) for p in compiled)
            assert bool(found.search(text)) == any(p.search(text) for p in compiled)


def test_prefix_table_matches_the_longest_prefix_and_stems_only_where_asked():
    table = PrefixTable()
    table.add("xgboost.XGB", "model")
    table.add("pandas", "frame")
    table.add("pandas.read_", "read")
    table.add("sklearn.Pipeline", "pipe", stem=False)
    assert table.lookup("xgboost.XGBClassifier.fit") == ("xgboost.XGB", ["model"])
    assert table.lookup("pandas.read_csv") == ("pandas.read_", ["read"])
    assert table.lookup("pandas.concat") == ("pandas", ["frame"])
    assert table.lookup("sklearn.PipelineX") == (None, [])
    assert table.lookup("sklearn.Pipeline.fit") == ("sklearn.Pipeline", ["pipe"])
    assert table.lookup("df.read_csv") == (None, [])
