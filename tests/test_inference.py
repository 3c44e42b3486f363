"""Stage inference as a user sees it: the stages of each cell, why, the phases of a notebook, evidence."""

from __future__ import annotations

import json
import warnings

import pytest

from mllens_jupyter.inference import (
    TAG_REASON,
    current_phase,
    find_evidence,
    infer_cells,
    infer_notebook,
)

from .conftest import CORPORA, make_notebook, run_cli


def code(source, **mllens):
    return {"cell_type": "code", "metadata": {"mllens": mllens} if mllens else {}, "source": source}


def md(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def stages_of(*cells):
    return [cell["stages"] for cell in infer_cells(list(cells))]


def reasons_of(result, stage):
    return " | ".join(result["reasons"].get(stage, []))


# --- names resolved: aliases, from-imports, objects made in other cells ---------------------------


def test_an_alias_resolves_to_the_qualified_call():
    cells = infer_cells([code("import pandas as pd"), code("df = pd.read_csv('train.csv')")])
    assert cells[1]["stages"] == ["data_collection"]
    assert "calls pandas.read_csv" in reasons_of(cells[1], "data_collection")


def test_a_from_import_resolves_to_the_qualified_call():
    cells = infer_cells([
        code("from sklearn.model_selection import train_test_split"),
        code("X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)"),
    ])
    assert "data_preprocessing" in cells[1]["stages"]
    assert "sklearn.model_selection.train_test_split" in reasons_of(cells[1], "data_preprocessing")


def test_reasons_name_calls_as_the_cell_writes_them_and_where_their_variables_come_from():
    cells = infer_cells([
        code("import pandas as pd\nimport matplotlib.pyplot as plt"),
        code("df = pd.read_csv('data.csv')"),
        code("df.describe()"),
        code("pd.read_csv('more.csv').head()"),
        code("(df.end - df.start).dt.days.hist()"),
        code("df.head(5).dropna().T"),
    ])
    assert "calls df.describe() (df from pandas.read_csv())" in cells[2]["reasons"]["exploration"]
    assert "calls pandas.read_csv().head()" in cells[3]["reasons"]["exploration"]
    assert "calls (…).dt.days.hist()" in cells[4]["reasons"]["visualization"]
    assert "reads df.head().dropna().T" in cells[5]["reasons"]["exploration"]


def test_a_model_made_in_one_cell_is_trained_in_another():
    cells = infer_cells([
        code("from sklearn.ensemble import RandomForestClassifier"),
        code("model = RandomForestClassifier(n_estimators=200)"),
        code("print('fitting')"),
        code("model.fit(X_train, y_train)"),
        code("from sklearn.metrics import f1_score\nf1_score(y_test, model.predict(X_test))"),
    ])
    assert cells[3]["stages"] == ["training"]
    assert "calls model.fit() (model from sklearn.ensemble.RandomForestClassifier())" in cells[3]["reasons"]["training"]
    assert cells[4]["stages"] == ["evaluation"]


def test_what_a_method_means_depends_on_the_object():
    cells = infer_cells([
        code("from sklearn.preprocessing import StandardScaler\nimport lightgbm as lgb"),
        code("scaler = StandardScaler()\nclf = lgb.LGBMClassifier()"),
        code("X = scaler.fit(X)"),
        code("clf.fit(X, y)"),
    ])
    assert cells[2]["stages"] == ["data_preprocessing"]
    assert cells[3]["stages"] == ["training"]


def test_sagemaker_estimator_predictor_tuner_and_monitor():
    cells = infer_cells([
        code("from sagemaker.estimator import Estimator\nfrom sagemaker.tuner import HyperparameterTuner\n"
             "from sagemaker.model_monitor import DefaultModelMonitor"),
        code("estimator = Estimator(image_uri=image, role=role, instance_type='ml.m5.xlarge')"),
        code("estimator.fit({'train': train_input})"),
        code("tuner = HyperparameterTuner(estimator, 'validation:auc', ranges)\ntuner.fit(inputs)"),
        code("predictor = estimator.deploy(initial_instance_count=1, instance_type='ml.m5.large')"),
        code("predictor.predict(payload)"),
        code("monitor = DefaultModelMonitor(role=role)\nmonitor.suggest_baseline(baseline_dataset=uri)"),
        code("runtime = boto3.client('sagemaker-runtime')\nruntime.invoke_endpoint(EndpointName=name, Body=body)"),
        code("cw = boto3.client('cloudwatch')\ncw.put_metric_alarm(AlarmName='drift')"),
    ])
    assert [c["stages"] for c in cells[2:]] == [
        ["training"], ["tuning"], ["deployment"], ["deployment"], ["monitoring"], ["deployment"], ["monitoring"]]
    predicted = "calls predictor.predict() (predictor from sagemaker.estimator.Estimator().deploy())"
    assert predicted in cells[5]["reasons"]["deployment"]


def test_azure_ml_v1_submit_deploy_and_drift():
    cells = infer_cells([
        code("from azureml.core import Experiment, Model\nfrom azureml.core.webservice import AciWebservice\n"
             "from azureml.datadrift import DataDriftDetector"),
        code("run = Experiment(ws, 'exp').submit(config)"),
        code("service = Model.deploy(ws, 'svc', [model], inference_config, AciWebservice.deploy_configuration())"),
        code("detector = DataDriftDetector.create_from_datasets(ws, 'drift', baseline, target)"),
    ])
    assert [c["stages"] for c in cells[1:]] == [["training"], ["deployment"], ["monitoring"]]


# --- precision: what must not be labelled ----------------------------------------------------------


def test_imports_alone_are_setup_not_training():
    (stages,) = stages_of(code("import numpy as np\nfrom sklearn.ensemble import RandomForestClassifier\n"
                               "from sklearn.metrics import accuracy_score\nimport xgboost as xgb"))
    assert stages == ["setup"]


def test_imports_beside_code_weigh_as_one_import_and_make_no_setup_cell():
    cells = infer_cells([
        code("import numpy as np"),
        code("from collections import Counter\nimport operator\nall_labels = []\nfor each in names:\n"
             "    all_labels.extend(each)\ncounts = dict(Counter(all_labels))"),
    ])
    assert cells[1]["stages"] == []


def test_values_chosen_by_a_condition_configure_the_notebook():
    cells = infer_cells([
        code("import pandas as pd"),
        code("IMAGE_DIR = 'images'\nPREFIX = 'demo'\nif bucket_prefix:\n    PREFIX = f'{bucket_prefix}/{PREFIX}'\n"
             "if local_mode:\n    OUTPUT = 'output/data.json'\nelse:\n    OUTPUT = 'output.json'"),
        code("if DEBUG:\n    train = train.sample(1000)"),
    ])
    assert cells[1]["reasons"].get("setup") == ["only sets values"]
    assert "setup" not in cells[2]["stages"]


def test_an_aggregate_passed_to_fillna_is_not_exploration():
    (stages,) = stages_of(code("df['Age'] = df['Age'].fillna(df['Age'].median())"))
    assert stages == ["data_preprocessing"]


def test_a_table_of_missing_values_is_looked_at_not_prepared():
    stages = stages_of(
        code("import pandas as pd\ndf = pd.read_csv('train.csv')"),
        code("total = df.isnull().sum().sort_values(ascending=False)\n"
             "percent = (df.isnull().sum() / df.isnull().count()).sort_values(ascending=False)\n"
             "missing = pd.concat([total, percent], axis=1, keys=['Total', 'Percent'])\nmissing.head(20)"),
        code("df = pd.concat([df, extra], axis=1)"),
    )
    assert stages[1:] == [["exploration"], ["data_preprocessing"]]


def test_statistics_reshaped_along_a_chain_stay_statistics():
    stages = stages_of(
        code("import pandas as pd\ndf = pd.read_csv('train.csv')"),
        code("pairs = df.corr().abs().unstack().sort_values(kind='quicksort').reset_index()\n"
             "pairs = pairs[pairs['level_0'] != pairs['level_1']]\npairs.head(10)"),
    )
    assert stages[1] == ["exploration"]


def test_a_sparse_matrix_of_feature_blocks_engineers_features():
    (stages,) = stages_of(code("from scipy.sparse import hstack, csr_matrix\n"
                               "brand = csr_matrix((np.ones(n), (rows, codes)))\n"
                               "features = hstack((brand, app_counts), format='csr')"))
    assert stages == ["feature_engineering"]


def test_a_cell_that_only_shows_values_of_no_known_kind_looks_at_data():
    stages = stages_of(
        code("import os\nfrom sklearn.ensemble import RandomForestClassifier"),
        code("patients = sorted(names)"),
        code("len(patients)"),
        code("print('There are %d text files' % len(bulletins))"),
        code("similar_jobs(titles[10])"),
        code("np.unique(y_train, return_counts=True)"),
        code("labels.sum(axis=0)"),
        code("print('Number of images: {}'.format(n_images))"),
        code("names.append(name)"),
        code("print('Done')"),
        code("model = RandomForestClassifier()"),
        code("model"),
        code("session.close()"),
    )
    assert stages[2:10] == [["exploration"]] * 6 + [[], []]
    assert stages[11:] == [[], []]


def test_freeing_memory_is_housekeeping_not_setup_nor_a_look_at_data():
    stages = stages_of(
        code("import gc\nimport pandas as pd\ndf = pd.read_csv('train.csv')"),
        code("del df\ngc.collect()"),
        code("import torch\ncheckpoint = {'state_dict': net.state_dict()}"),
        code("torch.save(checkpoint, 'checkpoint.pt')"),
    )
    assert stages[1] == [] and stages[3] == []


def test_names_of_categorical_columns_are_no_catboost_model():
    stages = stages_of(code("cat_cols = [c for c in df.columns if df[c].dtype == object]"), code("cat_cols"))
    assert stages[1] == ["exploration"]


def test_predictions_named_after_their_model_are_predictions():
    stages = stages_of(code("print(log_reg_pred[:10])"), code("cat_indices"))
    assert stages == [["evaluation"], ["exploration"]]


def test_a_column_named_in_a_loop_is_a_new_feature():
    stages = stages_of(
        code("import pandas as pd\ntrain = pd.read_csv('train.csv')"),
        code("for col in cols:\n    train[col + '_ratio'] = train[col] / train['total']"),
        code("for col in cols:\n    train[col + '_ratio'] = train[col + '_ratio'].round(2)"),
    )
    assert stages[1:] == [["feature_engineering"], ["data_preprocessing"]]


def test_listing_the_input_files_collects_data():
    (stages,) = stages_of(code("!ls ../input"))
    assert stages == ["data_collection"]


def test_a_plot_of_data_explores_it_and_a_plot_of_history_evaluates():
    cells = infer_cells([
        code("import seaborn as sns\nimport matplotlib.pyplot as plt\nimport pandas as pd"),
        code("df = pd.read_csv('x.csv')"),
        code("sns.countplot(x='Survived', data=df)"),
        code("history = model.fit(X, y, epochs=10)"),
        code("plt.plot(history.history['loss'])"),
    ])
    assert cells[2]["stages"] == ["exploration", "visualization"]
    assert cells[4]["stages"] == ["evaluation", "visualization"]


def test_predicting_on_test_data_for_a_submission_is_deployment():
    (stages,) = stages_of(code("preds = model.predict(test)\nsub = pd.DataFrame({'id': ids, 'y': preds})\n"
                               "sub.to_csv('submission.csv', index=False)"))
    assert stages == ["deployment"]


# --- IPython syntax and other languages ------------------------------------------------------------


def test_magics_and_shell_commands_are_read():
    cells = infer_cells([
        code("%pip install xgboost"),
        code("!wget https://example.com/data.zip\n!unzip data.zip"),
        code("%%bash\naws s3 cp s3://bucket/train.csv ."),
        code("%%time\nmodel = xgb.XGBClassifier()\nmodel.fit(X, y)"),
        code("%%writefile inference.py\ndef model_fn(model_dir):\n    return load(model_dir)"),
        code("df.describe?"),
    ])
    assert [c["stages"] for c in cells] == [
        ["setup"], ["data_collection"], ["data_collection"], ["training"], ["deployment"], []]
    assert "runs `pip install xgboost`" in cells[0]["reasons"]["setup"]


def test_a_notebook_in_r_is_scanned_not_parsed(lens):
    notebook = make_notebook(
        [code("library(ggplot2)\ndf <- read.csv('train.csv')"), code("fit <- lm(y ~ x, data = df)")],
        metadata={"kernelspec": {"name": "ir", "language": "R"}, "language_info": {"name": "R"}},
    )
    result = infer_notebook(notebook, lens)
    assert result["cells"][0]["stages"] == ["data_collection", "setup"]
    assert result["cells"][1]["stages"] == ["training"]
    assert result["phases"] == ["data_processing", "model_development"]


def test_broken_python_still_yields_its_calls():
    (stages,) = stages_of(code("import pandas as pd\ndf = pd.read_csv('x.csv'\nmodel.fit(X, y"))
    assert "data_collection" in stages and "training" in stages


# --- markdown: headings carry their stage, text frames the problem -------------------------------


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


# --- the current phase ---------------------------------------------------------------------------


def test_the_phase_of_a_cell_is_its_own_and_a_setup_cell_takes_its_neighbours(lens):
    results = infer_cells([
        code("import pandas as pd\ndf = pd.read_csv('x.csv')"),
        code("df.head()"),
        code("import matplotlib.pyplot as plt\nimport numpy as np"),
        code("from sklearn.linear_model import LogisticRegression\nclf = LogisticRegression()\nclf.fit(X, y)"),
    ])
    own = current_phase(results, lens, around=3)
    assert own["phase"] == "model_development" and own["confidence"] >= 0.8
    assert "cell 4" in own["reasons"][0]
    setup = current_phase(results, lens, around=2)
    assert setup["phase"] == "data_processing"
    assert "takes the phase of its neighbours" in setup["reasons"][0]
    recent = current_phase(results, lens)
    assert recent["phase"] == "model_development"


def test_no_phase_when_nothing_is_known(lens):
    assert current_phase(infer_cells([code("x = 1")]), lens)["phase"] is None
    assert current_phase([], lens, around=5)["phase"] is None


# --- evidence ------------------------------------------------------------------------------------


def test_evidence_names_the_cell_and_what_it_shows(lens):
    evidence = find_evidence([
        md("# Drift"),
        code("import evidently\nfrom sagemaker.tuner import HyperparameterTuner"),
        code("tuner = HyperparameterTuner(est, 'auc', ranges, max_jobs=4)"),
        code("est = Estimator(role=role, instance_type='ml.g5.xlarge', use_spot_instances=True)"),
    ], lens)
    assert evidence["MLOPS06-BP02"] == ["cell 2: imports evidently"]
    assert "cell 3: calls sagemaker.tuner.HyperparameterTuner" in evidence["MLCOST04-BP11"]
    assert "cell 4: mentions 'use_spot_instances'" in evidence["MLCOST04-BP06"]
    assert "MLSEC03-BP03" not in evidence


def test_evidence_and_stages_share_one_parse(lens, monkeypatch):
    from mllens_jupyter.inference import read_code

    cells = [code("import mlflow\nmlflow.autolog()\nmodel.fit(X, y)")]
    read_code._facts_for_text.cache_clear()
    infer_cells(cells)
    find_evidence(cells, lens)
    info = read_code._facts_for_text.cache_info()
    assert info.misses == 1 and info.hits >= 1


# --- robustness: any input, never an exception ---------------------------------------------------

NASTY_SOURCES = {
    "syntax error": "def f(:\n    return",
    "R": "library(dplyr)\ndf %>% filter(x > 1) %>% summarise(n = n())",
    "Julia": "using DataFrames\ndf = CSV.read(\"x.csv\", DataFrame)\nfor i in 1:10\n  println(i)\nend",
    "SQL": "SELECT a, COUNT(*) FROM events WHERE ts > now() GROUP BY a;",
    "bash": "for f in *.csv; do wc -l $f; done",
    "empty": "",
    "whitespace": "   \n\t\n",
    "10,000 lines": "\n".join(f"df{i} = pd.read_csv('f{i}.csv')" for i in range(10_000)),
    "5,000 nested brackets": "(" * 5000 + ")" * 5000,
    "5,000 nested lists": "x = " + "[" * 5000 + "]" * 5000,
    "deep unary": "x = " + "-" * 50_000 + "1",
    "long attribute chain": "a" + ".b" * 20_000,
    "nested magic": "%time " + "f(" * 3000,
    "binary junk": bytes(range(256)).decode("latin-1") * 20,
    "null bytes": "import os\x00\nprint(1)",
    "lone surrogates": "x = '\ud800'\nprint(x)",
}


@pytest.mark.parametrize("source", NASTY_SOURCES.values(), ids=NASTY_SOURCES.keys())
def test_any_cell_source_gives_a_result(source, lens):
    cells = [code(source), md(source), code("x = 1")]
    results = infer_cells(cells)
    assert [r["index"] for r in results] == [0, 1, 2]
    for result in results:
        assert set(result) == {"index", "cell_type", "stages", "confidence", "reasons"}
        assert set(result["confidence"]) == set(result["stages"]) == set(result["reasons"])
    assert isinstance(find_evidence(cells, lens), dict)
    assert infer_notebook({"cells": cells}, lens)["cells"] == results
    json.dumps(results)


def test_cells_with_odd_literals_warn_nothing_and_leave_warning_filters_alone(lens):
    """Invalid escapes and number suffixes are the notebook's business: a kernel running the magic
    must not see warnings about them, nor find its own warning filters changed."""
    cells = [code("re.sub('\\d+', '', text)"), code("flags = [0x1for x in y]"), code("print('\\w')")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        filters = list(warnings.filters)
        infer_cells(cells)
        infer_notebook({"cells": cells}, lens)
        find_evidence(cells, lens)
        assert warnings.filters == filters
    assert caught == []


@pytest.mark.parametrize("cells", [
    None, 5, "cells", b"x", {"cells": None},
    [None, 1, "x", [], {}, {"cell_type": None}, {"cell_type": "code"}, {"cell_type": "code", "source": None},
     {"cell_type": "code", "source": 42}, {"cell_type": "code", "source": ["a = 1\n", None, 3]},
     {"cell_type": "markdown", "source": b"# Deploy"}, {"cell_type": "raw", "source": "model.fit(X, y)"},
     {"cell_type": "code", "source": "x", "metadata": {"mllens": {"stage": 7}}},
     {"cell_type": "code", "source": "x", "metadata": "junk"}],
], ids=["None", "int", "str", "bytes", "mapping", "odd cells"])
def test_any_cells_value_gives_a_result(cells, lens):
    results = infer_cells(cells)
    assert [r["index"] for r in results] == list(range(len(cells) if isinstance(cells, list) else 0))
    if results:
        assert [r["cell_type"] for r in results[:6]] == ["unknown"] * 6
        assert all(r["stages"] == [] for r in results[:9]) and results[9]["stages"] == ["setup"]
        assert results[10]["stages"] == ["deployment"] and results[11]["stages"] == []
        assert results[12]["stages"] == results[13]["stages"] == ["deployment"]
    assert isinstance(find_evidence(cells, lens), dict)
    assert current_phase(results, lens)["phase"] in (None, "deployment")
    assert current_phase(results, lens, around=0)["phase"] is None


@pytest.mark.parametrize("notebook", [None, 3, [], {"cells": "x"}, {"metadata": {"mllens": {"phases": "all"}}},
                                      {"cells": [], "metadata": {"language_info": 5, "mllens": []}}])
def test_any_notebook_value_gives_a_result(notebook, lens):
    assert infer_notebook(notebook, lens) == {"cells": [], "phases": [], "phase_cells": {}, "pinned": []}


@pytest.mark.parametrize("around", [-1, 99, "2", None, True, 1.5])
def test_any_current_phase_request_gives_a_result(around, lens):
    results = infer_cells([code("import pandas as pd\npd.read_csv('x')")])
    phase = current_phase(results + [{"index": 1, "stages": ["nonsense"], "confidence": {"nonsense": "x"}}, None],
                          lens, around=around)
    assert set(phase) == {"phase", "confidence", "reasons", "stages"}


# --- a cell carries the stages its statements serve --------------------------------------------------


def test_a_fitted_scaler_or_preprocessing_pipeline_prepares_data_it_does_not_train():
    cells = infer_cells([
        code("from sklearn.base import clone\nfrom sklearn.compose import ColumnTransformer\n"
             "from sklearn.impute import SimpleImputer\nfrom sklearn.linear_model import LogisticRegression\n"
             "from sklearn.pipeline import Pipeline, make_pipeline\n"
             "from sklearn.preprocessing import OneHotEncoder, StandardScaler"),
        code("scaler = StandardScaler()\nscaler.fit(X_train)"),
        code("preprocessor = Pipeline([\n    ('encode', ColumnTransformer([\n"
             "        ('num', Pipeline([('impute', SimpleImputer()), ('scale', StandardScaler())]), numeric),\n"
             "        ('cat', OneHotEncoder(handle_unknown='ignore'), categorical)])),\n])\n"
             "matrix = clone(preprocessor).fit(train)"),
        code("model = make_pipeline(StandardScaler(), LogisticRegression())\nmodel.fit(X_train, y_train)"),
    ])
    assert cells[1]["stages"] == ["data_preprocessing"]
    assert cells[2]["stages"] == ["data_preprocessing"]
    assert "training" in cells[3]["stages"]
    assert "calls sklearn.pipeline.make_pipeline of LogisticRegression" in cells[3]["reasons"]["training"]


def test_a_local_web_server_and_its_calls_are_deployment():
    _, stages = stages_of(code("churn_service = wsgi_app(model)"), code(
        "from wsgiref.simple_server import make_server\nimport threading, urllib.request\n"
        "server = make_server('127.0.0.1', 0, churn_service)\n"
        "threading.Thread(target=server.serve_forever, daemon=True).start()\n"
        "def call(path, payload):\n"
        "    request = urllib.request.Request(url + path, data=payload)\n"
        "    with urllib.request.urlopen(request, timeout=10) as response:\n"
        "        return json.load(response)\n"
        "call('/health')"))
    assert stages == ["deployment"]


@pytest.mark.parametrize("source", [
    "from fastapi import FastAPI\napp = FastAPI()\n\n@app.post('/predict')\n"
    "def predict(item: dict):\n    return {'y': model.predict([item['x']]).tolist()}",
    "from flask import Flask, jsonify, request\napp = Flask(__name__)\n\n@app.route('/predict', methods=['POST'])\n"
    "def predict():\n    return jsonify(model.predict([request.get_json()]).tolist())\n\napp.run(port=5000)",
], ids=["fastapi", "flask"])
def test_a_serving_route_calling_predict_is_deployment_only(source):
    assert stages_of(code(source)) == [["deployment"]]


def test_saving_a_trained_model_is_training_and_exporting_it_for_serving_is_deployment():
    cells = infer_cells([
        code("import joblib\nimport torch"),
        code("joblib.dump(model, 'models/churn_model.joblib')"),
        code("torch.onnx.export(net, dummy_input, 'model.onnx')"),
    ])
    assert cells[1]["stages"] == ["training"]
    assert cells[2]["stages"] == ["deployment"]


def test_predicting_on_labelled_test_data_evaluates_and_on_unlabelled_test_data_deploys():
    labelled = infer_cells([
        code("from sklearn.ensemble import RandomForestClassifier\nimport pandas as pd"),
        code("test = pd.read_csv('test.csv')\ny_test = test.pop('churned')"),
        code("model = RandomForestClassifier().fit(X, y)"),
        code("test_scores = model.predict_proba(test)[:, 1]"),
    ])
    unlabelled = infer_cells([
        code("from sklearn.ensemble import RandomForestClassifier\nimport pandas as pd"),
        code("test = pd.read_csv('test.csv')"),
        code("model = RandomForestClassifier().fit(X, y)"),
        code("test_scores = model.predict_proba(test)[:, 1]"),
    ])
    assert labelled[3]["stages"] == ["evaluation"]
    assert unlabelled[3]["stages"] == ["deployment"]


def test_predictions_flagged_for_the_test_set_deploy_and_on_the_validation_set_evaluate():
    stages = stages_of(
        code("learn = cnn_learner(data, models.resnet34)\nlearn.fit_one_cycle(4)"),
        code("preds, _ = learn.TTA(n_aug=8)"),
        code("preds_t, _ = learn.TTA(n_aug=8, is_test=True)"),
        code("test_preds, _ = learn.get_preds(test_dl)"),
    )
    assert stages[1:] == [["evaluation"], ["deployment"], ["deployment"]]


def test_a_model_given_a_list_of_inputs_is_named_by_the_first_of_them():
    stages = stages_of(
        code("from keras.models import Model\nmodel = Model(inputs=[text_in, meta_in], outputs=out)"),
        code("val_preds = model.predict([X_val_text, X_val_meta])"),
        code("test_preds = model.predict([X_test_text, X_test_meta], verbose=1)"),
    )
    assert stages[1:] == [["evaluation"], ["deployment"]]


def test_a_numpy_function_of_predictions_and_labels_a_prediction_returns_are_no_data_prepared():
    stages = stages_of(
        code("import numpy as np"),
        code("learn = cnn_learner(data, models.resnet34)\nlearn.fit_one_cycle(4)"),
        code("preds, _ = learn.TTA(n_aug=8)\npreds = np.stack(preds, axis=-1)\npred = preds.mean(axis=-1)"),
        code("preds, y = learn.TTA(n_aug=8)"),
    )
    assert stages[2:] == [["evaluation"], ["evaluation"]]


def test_a_loop_over_test_batches_without_labels_predicts_for_output_and_with_labels_evaluates():
    model = code("import torch\nmodel = Net()\noptimizer = torch.optim.Adam(model.parameters())")
    unlabelled = ("model.eval()\npreds = []\nwith torch.no_grad():\n"
                  "    for i, images in enumerate(tqdm(test_loader)):\n        preds.append(model(images).argmax(1))")
    labelled = ("model.eval()\ncorrect = 0\nwith torch.no_grad():\n"
                "    for images, labels in test_loader:\n        correct += (model(images).argmax(1) == labels).sum()")
    stages = stages_of(model, code(unlabelled), code(labelled), code(unlabelled.replace("test_loader", "val_loader")))
    assert stages[1:] == [["deployment"], ["evaluation"], ["evaluation"]]


def test_a_column_derived_by_a_strong_preparation_in_the_same_statement_engineers_a_feature():
    stages = stages_of(
        code("import pandas as pd\ndf = pd.read_csv('sales.csv')"),
        code("df['month'] = pd.to_datetime(df['date']).dt.month"),
        code("df['date'] = pd.to_datetime(df['date'])\ndf = df.dropna()\ndf['weekly'] = df['sales'] / 7"),
    )
    assert stages[1:] == [["data_preprocessing", "feature_engineering"], ["data_preprocessing"]]


def test_model_inputs_made_by_stacking_or_vectorising_features_are_features_not_data_prepared():
    stages = stages_of(
        code("import pandas as pd\nfrom scipy.sparse import hstack\n"
             "from sklearn.feature_extraction.text import TfidfVectorizer\ntrain = pd.read_csv('train.csv')"),
        code("X_train = hstack((X_brand, X_apps), format='csr')\nX_test = hstack((Xte_brand, Xte_apps), format='csr')"),
        code("tfidf = TfidfVectorizer()\nX_train = tfidf.fit_transform(train.text)\nX_test = tfidf.transform(test.text)"),
        code("X_train = train.drop(columns=['target'])\ny_train = train['target']"),
    )
    assert stages[1:] == [["feature_engineering"], ["feature_engineering"], ["data_preprocessing"]]


def test_folds_used_only_to_split_the_data_prepare_it_and_folds_a_model_is_fitted_on_cross_validate():
    cells = infer_cells([
        code("from sklearn.model_selection import KFold\nfrom sklearn.linear_model import Ridge"),
        code("kf = KFold(n_splits=5, shuffle=True)\nfor fold, (train_idx, valid_idx) in enumerate(kf.split(train)):\n"
             "    train.loc[valid_idx, 'fold'] = fold"),
        code("kf = KFold(n_splits=5, shuffle=True)\nfor train_idx, valid_idx in kf.split(X):\n"
             "    model = Ridge().fit(X[train_idx], y[train_idx])\n    print(model.score(X[valid_idx], y[valid_idx]))"),
        code("folds = KFold(n_splits=10, shuffle=True)"),
    ])
    assert [cell["stages"] for cell in cells[1:]] == [["data_preprocessing"], ["training", "evaluation"], ["evaluation"]]
    assert "splits train into folds" in reasons_of(cells[1], "data_preprocessing")


def test_data_cut_at_positions_into_training_validation_and_test_sets_is_split():
    stages = stages_of(
        code("import numpy as np\nimport pandas as pd\nmodel_data = pd.read_csv('churn.csv')"),
        code("train_data, validation_data, test_data = np.split(\n"
             "    model_data.sample(frac=1, random_state=1729), [int(0.7 * len(model_data)), int(0.9 * len(model_data))])"),
    )
    assert stages[1] == ["data_preprocessing"]


def test_a_model_archive_uploaded_to_be_served_is_deployment_and_data_uploaded_is_collected():
    cells = infer_cells([
        code("import sagemaker\nimport boto3\nfrom sagemaker.s3 import S3Uploader\nsess = sagemaker.Session()"),
        code("model_uri = sess.upload_data(path='model.tar.gz', key_prefix='triton-serve-pt')"),
        code("model_url = S3Uploader.upload('model/xgb-churn-prediction-model.tar.gz', s3_key)"),
        code("model_file = open('model/xgb-churn-model.tar.gz', 'rb')\n"
             "boto3.Session().resource('s3').Bucket(bucket).Object(key).upload_fileobj(model_file)"),
        code("train_uri = sess.upload_data(path='data/train.csv', key_prefix='data')"),
        code("code_uri = sess.upload_data('sourcedir.tar.gz', bucket, prefix + '/code')"),
    ])
    assert [cell["stages"] for cell in cells[1:]] == [["deployment"], ["deployment"], ["deployment"],
                                                       ["data_collection"], ["data_collection"]]
    assert "calls sess.upload_data() (sess from sagemaker.Session())" in reasons_of(cells[1], "deployment")


def test_values_set_in_a_dictionary_configure_and_set_no_column_of_a_table():
    stages = stages_of(
        code("import os\nimport pandas as pd\nfrom sagemaker import hyperparameters"),
        code("hyperparameters = hyperparameters.retrieve_default(model_id=model_id)\n"
             "hyperparameters['num_boost_round'] = '500'\nhyperparameters['metric'] = 'auc'"),
        code("os.environ['WANDB_DISABLED'] = 'true'\nrun_config.spark.configuration['spark.driver.memory'] = '2g'"),
        code("df = pd.read_csv('train.csv')\ndf['is_train'] = 1\ndf['source'] = 'train'"),
    )
    assert stages[1:] == [["training"], ["setup"], ["data_collection", "data_preprocessing"]]


def test_documents_tagged_for_doc2vec_are_prepared_and_the_vectors_learnt_are_features():
    stages = stages_of(
        code("from gensim.models.doc2vec import TaggedDocument, Doc2Vec"),
        code("documents = [TaggedDocument(text.split(), [i]) for i, text in enumerate(all_text)]"),
        code("d2v = Doc2Vec(documents, vector_size=100, window=5, min_count=2)"),
    )
    assert stages[1:] == [["data_preprocessing"], ["feature_engineering"]]


def test_joining_what_a_function_named_for_engineering_features_returns_engineers_features():
    cells = infer_cells([
        code("import pandas as pd\ntransactions = pd.read_csv('transactions.csv')"),
        code("fields = successive_aggregates(transactions, 'category_1', 'amount')\n"
             "fields = fields.merge(successive_aggregates(transactions, 'city_id', 'amount'), on='card_id', how='left')"),
        code("transactions = transactions.merge(cities, on='city_id', how='left')"),
    ])
    assert [cell["stages"] for cell in cells[1:]] == [["feature_engineering"], ["data_preprocessing"]]
    assert "joins the features in successive_aggregates" in reasons_of(cells[1], "feature_engineering")


def test_a_table_of_predictions_beside_the_labels_compares_them():
    stages = stages_of(
        code("import pandas as pd\nX_train, X_val, y_train, y_val = train_test_split(X, y)"),
        code("y_pred = model.predict(X_val)"),
        code("results = pd.DataFrame({'actual': y_val, 'predicted': y_pred})\nresults.head(10)"),
        code("ids = pd.DataFrame({'id': test_ids, 'text': texts})\nids.head()"),
    )
    assert stages[2:] == [["evaluation"], ["exploration"]]


def test_predictions_set_against_the_labels_in_an_expression_evaluate():
    cells = infer_cells([
        code("import numpy as np\nX_train, X_val, y_train, y_val = train_test_split(X, y)"),
        code("y_pred = model.predict(X_val)"),
        code("n_right = (y_pred == y_val).sum() / len(y_val)"),
        code("tp = ((y_pred == 1) & (y_val == 1)).sum()\nfp = ((y_pred == 1) & (y_val == 0)).sum()"),
        code("gap = y_val - y_pred"),
        code("n_pos = (y_val == 1).sum()\nshift = X_val - X_train.mean()"),
    ])
    assert [cell["stages"] for cell in cells[2:5]] == [["evaluation"]] * 3
    assert "compares y_pred with y_val" in reasons_of(cells[3], "evaluation")
    assert "evaluation" not in cells[5]["stages"]


def test_data_shown_beside_a_model_or_its_predictions_is_what_they_are_judged_on():
    stages = stages_of(
        code("from sklearn.ensemble import RandomForestClassifier\n"
             "X_train, X_val, y_train, y_val = train_test_split(X, y)"),
        code("model = RandomForestClassifier().fit(X_train, y_train)\ny_pred = model.predict(X_val)"),
        code("print('Train score:', model.score(X_train, y_train))\nprint('Val score:', model.score(X_val, y_val))"),
        code("(y_pred.round() == y_val).mean()"),
        code("y_val.head()"),
    )
    assert stages[2:] == [["evaluation"], ["evaluation"], ["exploration"]]


def test_a_model_made_for_each_value_of_a_loop_tries_hyperparameters():
    cells = infer_cells([
        code("from sklearn.neighbors import KNeighborsClassifier\nfrom sklearn.ensemble import RandomForestClassifier"),
        code("scores = []\nfor k in range(1, 30):\n    knn = KNeighborsClassifier(n_neighbors=k)\n"
             "    knn.fit(X_train, y_train)\n    scores.append(knn.score(X_val, y_val))"),
        code("for seed in [0, 1, 2]:\n    rf = RandomForestClassifier(n_estimators=200, random_state=seed)\n"
             "    rf.fit(X_train, y_train)"),
        code("for k in range(1, 30):\n    print(k)\nknn = KNeighborsClassifier(n_neighbors=k)"),
    ])
    assert "tuning" in cells[1]["stages"]
    assert "makes sklearn.neighbors.KNeighborsClassifier for each value of k" in reasons_of(cells[1], "tuning")
    assert "tuning" not in cells[2]["stages"] and "tuning" not in cells[3]["stages"]


def test_a_table_built_of_scores_compares_models_and_holds_results():
    cells = infer_cells([
        code("import pandas as pd\nfrom sklearn.svm import SVC\nfrom sklearn.linear_model import LogisticRegression"),
        code("svc = SVC().fit(X_train, y_train)\nacc_svc = round(svc.score(X_val, y_val) * 100, 2)"),
        code("logreg = LogisticRegression().fit(X_train, y_train)\nacc_log = round(logreg.score(X_val, y_val) * 100, 2)"),
        code("models = pd.DataFrame({'Model': ['SVC', 'Logistic Regression'], 'Score': [acc_svc, acc_log]})\n"
             "models.sort_values(by='Score', ascending=False)"),
        code("models.sort_values(by='Score', ascending=False)"),
        code("ids = pd.DataFrame({'id': test_ids, 'name': names})\nids.sort_values(by='id')"),
    ])
    assert [cell["stages"] for cell in cells[3:]] == [["evaluation"], ["evaluation"], ["exploration"]]
    assert "tabulates acc_svc, acc_log" in reasons_of(cells[3], "evaluation")


def test_picking_the_best_model_from_a_table_of_scores_evaluates():
    stages = stages_of(
        code("import pandas as pd\ntrain_df = pd.read_csv('train.csv')"),
        code("scores_df = pd.DataFrame(scores, columns=['model', 'accuracy'])"),
        code("best = scores_df.iloc[scores_df['accuracy'].idxmax()]\nbest_name = best[0]"),
        code("oldest = train_df.iloc[train_df['age'].idxmax()]\noldest_name = oldest[0]"),
    )
    assert stages[2] == ["evaluation"]
    assert "evaluation" not in stages[3]


def test_a_column_added_to_a_table_of_scores_is_about_the_scores():
    stages = stages_of(
        code("import numpy as np\nimport pandas as pd\ntrain_df = pd.read_csv('train.csv')"),
        code("scores_df = pd.DataFrame(scores, columns=['model', 'accuracy'])"),
        code("scores_df['code'] = np.arange(8)"),
        code("train_df['code'] = np.arange(8)"),
    )
    assert stages[2] == ["evaluation"]
    assert "evaluation" not in stages[3]


def test_a_look_at_what_the_cell_just_made_does_not_add_exploration():
    cells = infer_cells([
        code("import pandas as pd"),
        code("train = pd.read_csv('train.csv')\nprint(train.shape)\ntrain.head()"),
        code("train['ratio'] = train['credit'] / train['income']\ntrain['term'] = train['annuity'] / train['credit']\n"
             "train.head()"),
        code("train.head()"),
    ])
    assert cells[1]["stages"] == ["data_collection"]
    assert cells[2]["stages"] == ["feature_engineering"]
    assert cells[3]["stages"] == ["exploration"]


def test_an_incidental_line_does_not_add_a_stage_beside_a_strong_one():
    cells = infer_cells([
        code("import lightgbm as lgb"),
        code("model = lgb.LGBMClassifier(n_estimators=500)\nprint(X_train.columns)\nmodel.fit(X_train, y_train)"),
        code("params = {'learning_rate': 0.05, 'max_depth': 6, 'num_leaves': 31}"),
        code("DATA_DIR = '../input'\nSEED = 42"),
    ])
    assert cells[1]["stages"] == ["training"]
    assert cells[2]["stages"] == ["training"]
    assert cells[2]["reasons"]["training"][0].startswith("sets hyperparameters")
    assert cells[3]["stages"] == ["setup"]


def test_hyperparameters_given_values_beside_other_code_configure_the_training():
    stages = stages_of(
        code("LR = 1e-4\nEPOCHS = [2, 6, 8]\n\nimport warnings\nwarnings.filterwarnings('ignore')"),
        code("class TrainConfig(Config):\n    NAME = 'shapes'\n    STEPS_PER_EPOCH = 1000\n    VALIDATION_STEPS = 200\n\n"
             "config = TrainConfig()\nconfig.display()"),
        code("SEED = 42\nDATA_DIR = '../input'\n\nimport warnings\nwarnings.filterwarnings('ignore')"),
    )
    assert stages == [["training"], ["training"], ["setup"]]


def test_a_function_is_what_its_name_says():
    (stages,) = stages_of(code(
        "def missing_values_table(df):\n    total = df.isnull().sum()\n"
        "    table = pd.concat([total, 100 * total / len(df)], axis=1)\n"
        "    return table.rename(columns={0: 'missing', 1: 'percent'})"))
    assert stages == ["exploration"]


def test_a_plot_of_predictions_evaluates_and_a_plot_of_unknowns_explores():
    cells = infer_cells([
        code("import matplotlib.pyplot as plt"),
        code("plt.hist(y_pred, bins=50)"),
        code("plt.imshow(images[0])"),
    ])
    assert cells[1]["stages"] == ["evaluation", "visualization"]
    assert cells[2]["stages"] == ["exploration", "visualization"]


def test_under_a_monitoring_heading_metrics_on_live_data_are_monitoring():
    cells = infer_cells([
        code("from sklearn.metrics import roc_auc_score\nimport pandas as pd"),
        md("## Model quality on labelled live data"),
        code("live = pd.read_csv('live.csv')\nroc_auc_score(live['churned'], model.predict_proba(live)[:, 1])"),
    ])
    assert cells[1]["stages"] == ["monitoring"]
    assert cells[2]["stages"] == ["monitoring"]


def test_under_a_batch_inference_heading_scoring_new_data_is_deployment():
    cells = infer_cells([
        code("import pandas as pd"),
        md("## Batch inference"),
        code("july = extract_customers('2026-07').drop_duplicates().reset_index(drop=True)\n"
             "scores = packaged.predict_proba(july)[:, 1]\n"
             "pd.DataFrame({'id': july['id'], 'score': scores}).to_csv('scores.csv', index=False)"),
    ])
    assert cells[2]["stages"] == ["deployment"]
    assert "under heading 'Batch inference'" in cells[2]["reasons"]["deployment"]


def test_one_incidental_cell_does_not_make_a_phase_present(lens):
    goal = [md("# Churn\n\n## Business goal\nKeep subscribers."), md("## Success criteria\nRevenue kept."),
            code("x = 1"), code("y = 2"),
            md("## ML problem framing\nWe want to predict whether a customer will cancel.")]
    one = infer_notebook(make_notebook([*goal, code("history = extract(month).drop_duplicates()")]), lens)
    three = infer_notebook(make_notebook([*goal, *(code(f"df{i} = df{i}.dropna()") for i in range(3))]), lens)
    strong = infer_notebook(make_notebook([*goal, code("from sagemaker.model_monitor import DefaultModelMonitor\n"
                                                       "DefaultModelMonitor(role=role).suggest_baseline()")]), lens)
    assert one["phases"] == ["business_goal", "problem_framing"]
    assert "data_processing" in three["phases"]
    assert "monitoring" in strong["phases"]


def test_an_enormous_cell_is_read_from_its_head():
    source = "import pandas as pd\n" + "\n".join(f"df{i} = pd.read_csv('f{i}.csv')" for i in range(10_000))
    (result,) = infer_cells([code(source)])
    assert "data_collection" in result["stages"]


# --- results and output: what is done with a model's scores and predictions -----------------------


def test_a_plot_of_a_training_history_evaluates():
    cells = infer_cells([
        code("import matplotlib.pyplot as plt"),
        code("plt.plot(history.history['loss'])\nplt.plot(history.history['val_loss'])\nplt.show()"),
        code("plt.plot(np.arange(10), df['sales'])\nplt.show()"),
    ])
    assert cells[1]["stages"] == ["evaluation", "visualization"]
    assert "history" in reasons_of(cells[1], "evaluation")
    assert cells[2]["stages"] == ["exploration", "visualization"]


def test_an_identifier_spelled_twice_counts_once():
    (stages,) = stages_of(code(
        "import matplotlib.pyplot as plt\nepochs = range(EPOCHS)\nplt.plot(epochs, history['loss'])\nplt.show()"))
    assert stages == ["evaluation", "visualization"]


def test_the_topics_a_topic_model_learned_are_inspected_as_evaluation():
    stages = stages_of(
        code("import gensim\nimport pyLDAvis.gensim"),
        code("lda = gensim.models.LdaModel(corpus, num_topics=10, id2word=dictionary)"),
        code("lda.show_topics(formatted=False)"),
        code("def doc_topics(ldamodel, corpus):\n    return pd.DataFrame(ldamodel.get_document_topics(corpus))"),
        code("pyLDAvis.gensim.prepare(lda, corpus, dictionary)"),
    )
    assert stages[2:] == [["evaluation"], ["evaluation"], ["evaluation", "visualization"]]


def test_a_plot_of_iou_scores_against_thresholds_evaluates():
    stages = stages_of(
        code("import matplotlib.pyplot as plt"),
        code("plt.plot(thresholds, ious)\nplt.xlabel('Threshold')"),
        code("plt.plot(thresholds, previous)\nplt.xlabel('Threshold')"),
    )
    assert stages[1:] == [["evaluation", "visualization"], ["exploration", "visualization"]]


def test_the_width_of_a_grid_of_subplots_is_layout_not_a_search():
    (stages,) = stages_of(code(
        "import matplotlib.pyplot as plt\ngrid_width = 15\nfig, axs = plt.subplots(4, grid_width)\n"
        "for i in range(60):\n    axs[i // grid_width, i % grid_width].imshow(images[i])"))
    assert "tuning" not in stages


def test_a_boxplot_of_cross_validation_results_compares_models():
    (stages,) = stages_of(code("import matplotlib.pyplot as plt\nplt.boxplot(results)\nplt.show()"))
    assert stages == ["evaluation", "visualization"]


def test_an_accuracy_computed_by_hand_from_predictions_evaluates():
    stages = stages_of(
        code("y_pred = model.predict(X_val)"),
        code("print('Accuracy:', (y_pred == y_val).mean())"),
        code("(y_pred > 0.5).mean(axis=0)"),
    )
    assert stages[1:] == [["evaluation"], ["evaluation"]]


def test_frames_numbered_like_df1_are_data_not_f1_scores():
    stages = stages_of(
        code("import matplotlib.pyplot as plt"),
        code("plt.scatter(df1['a'], df2['a'])\nplt.show()"),
        code("plt.plot(val_f1)\nplt.show()"),
    )
    assert stages[1:] == [["exploration", "visualization"], ["evaluation", "visualization"]]


def test_data_plotted_beside_predictions_is_compared_not_explored():
    stages = stages_of(
        code("import matplotlib.pyplot as plt\nimport pandas as pd\ndf = pd.read_csv('x.csv')"),
        code("plt.scatter(df['y'], y_pred)\nplt.show()"),
        code("plot_confusion_matrix(df['surface'], measured, classes)"),
    )
    assert stages[1:] == [["evaluation", "visualization"], ["evaluation", "visualization"]]


def test_a_plot_that_reads_a_confusion_matrix_evaluates():
    (stages,) = stages_of(code(
        "import matplotlib.pyplot as plt\nnorm_conf_mx = conf_mx / conf_mx.sum(axis=1)\n"
        "fig = plt.figure()\nax = fig.add_subplot(111)\nax.matshow(norm_conf_mx)\nplt.show()"))
    assert stages == ["evaluation", "visualization"]


def test_what_is_worked_out_from_predictions_holds_results():
    cells = infer_cells([
        code("import numpy as np\nimport pandas as pd\ndf = pd.read_csv('train.csv')"),
        code("y_pred = model.predict(X_val)"),
        code("costs = []\nfor c in cutoffs:\n    costs.append(np.sum(pd.crosstab(y_val, np.where(y_pred > c, 1, 0))))\n"
             "costs = np.array(costs)"),
        code("print('Lowest cost at', cutoffs[np.argmin(costs)], np.min(costs))"),
        code("sizes = []\nfor c in cutoffs:\n    sizes.append(np.sum(df['x'] > c))\nsizes = np.array(sizes)"),
        code("print('Smallest at', cutoffs[np.argmin(sizes)], np.min(sizes))"),
    ])
    assert cells[3]["stages"] == ["evaluation"]
    assert "shows costs" in reasons_of(cells[3], "evaluation")
    assert cells[5]["stages"] == ["exploration"]


def test_a_table_made_of_what_a_fitted_model_learned_holds_results():
    stages = stages_of(
        code("import pandas as pd\nimport seaborn as sns\nfrom sklearn.ensemble import RandomForestClassifier\n"
             "from sklearn.linear_model import Lasso"),
        code("model = RandomForestClassifier()\nmodel.fit(X_train, y_train)"),
        code("imp = pd.DataFrame({'feature': X_train.columns, 'importance': model.feature_importances_})"),
        code("sns.barplot(x='importance', y='feature', data=imp)"),
        code("imp.sort_values('importance').head(10)"),
        code("missing = pd.DataFrame({'feature': X_train.columns, 'missing': X_train.isnull().sum()})"),
        code("sns.barplot(x='missing', y='feature', data=missing)"),
        code("lasso = Lasso(alpha=0.001).fit(X_train, y_train)"),
        code("coef = pd.Series(lasso.coef_, index=X_train.columns)\n"
             "imp_coef = pd.concat([coef.sort_values().head(10), coef.sort_values().tail(10)])"),
        code("imp_coef.plot(kind='barh')"),
    )
    assert stages[3:5] == [["evaluation", "visualization"], ["evaluation"]]
    assert stages[6] == ["exploration", "visualization"]
    assert stages[9] == ["evaluation", "visualization"]


def test_what_a_deployed_model_answers_set_against_the_labels_is_evaluated():
    cells = infer_cells([
        code("from azureml.core.model import Model\nimport matplotlib.pyplot as plt"),
        code("service = Model.deploy(ws, 'svc', [model], inference_config, deployment_config)"),
        code("result = service.run(input_data=test_samples)\nfor i in range(30):\n"
             "    color = 'red' if y_test[i] != result[i] else 'black'\n"
             "    cmap = plt.cm.gray if y_test[i] != result[i] else plt.cm.Greys\n"
             "    plt.text(0, 0, s=result[i], color=color)\n    plt.imshow(X_test[i].reshape(28, 28), cmap=cmap)"),
        code("answer = service.run(input_data=test_samples)\nfor i in range(30):\n"
             "    plt.text(0, 0, s=answer[i])\n    plt.imshow(X_test[i].reshape(28, 28))"),
    ])
    assert cells[2]["stages"] == ["evaluation", "deployment", "visualization"]
    assert "compares result with y_test" in reasons_of(cells[2], "evaluation")
    assert cells[3]["stages"] == ["deployment", "visualization"]


def test_the_mistakes_of_classes_worked_out_from_predictions_are_evaluated():
    stages = stages_of(
        code("import numpy as np\nimport matplotlib.pyplot as plt"),
        code("val_probs = model.predict(X_val)\nval_classes = np.argmax(val_probs, axis=1)"),
        code("mistakes = np.where(val_classes != y_val)[0]\nprint(len(mistakes))"),
        code("for i in mistakes[:9]:\n    plt.imshow(X_val[i])\nplt.show()"),
        code("for i in picked[:9]:\n    plt.imshow(X_val[i])\nplt.show()"),
    )
    assert stages[2:] == [["evaluation"], ["evaluation", "visualization"], ["exploration", "visualization"]]


def test_output_set_against_labels_is_evaluated_from_then_on():
    head = [code("import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt"),
            code("predictions = model.predict(X_test)")]
    evaluated = infer_cells(head + [
        code("pd.crosstab(index=test_data.iloc[:, 0], columns=np.round(predictions))"),
        code("plt.hist(predictions)\nplt.show()"),
    ])
    assert [cell["stages"] for cell in evaluated[1:]] == [["deployment"], ["evaluation"], ["evaluation", "visualization"]]
    assert "plots predictions" in reasons_of(evaluated[3], "evaluation")
    (*_, output) = infer_cells(head + [code("plt.hist(predictions)\nplt.show()")])
    assert output["stages"] == ["deployment", "visualization"]


def test_a_table_of_scores_is_read_as_results_though_it_is_a_dataframe():
    stages = stages_of(
        code("import pandas as pd"),
        code("scores_df = pd.DataFrame(rows, columns=['model', 'accuracy'])"),
        code("scores_df.sort_values('accuracy')"),
        code("scores_df"),
    )
    assert stages[1:] == [["evaluation"], ["evaluation"], ["evaluation"]]


def test_a_helper_that_scores_a_model_it_is_given_trains_and_evaluates():
    stages = stages_of(
        code("from sklearn.linear_model import LogisticRegression\ndef score(clf):\n    return cross_val(clf)"),
        code("score(LogisticRegression(C=0.02))"),
    )
    assert stages[1] == ["training", "evaluation"]


def test_test_set_predictions_stay_output_in_the_cells_after():
    stages = stages_of(
        code("import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier"),
        code("model = RandomForestClassifier().fit(X_train, y_train)"),
        code("predictions = model.predict(X_test)"),
        code("preds_df = pd.DataFrame(predictions)\npreds_df.head()"),
        code("submission = pd.DataFrame({'id': ids})\nsubmission['target'] = predictions"),
        code("submission"),
    )
    assert stages[2:] == [["deployment"], ["deployment"], ["deployment"], ["deployment"]]


def test_test_set_predictions_remade_from_themselves_stay_output():
    stages = stages_of(
        code("import numpy as np\nfrom sklearn.ensemble import RandomForestClassifier"),
        code("model = RandomForestClassifier().fit(X_train, y_train)"),
        code("predictions = model.predict_proba(X_test)"),
        code("predictions = np.rint(predictions)\npredictions.shape"),
        code("val_preds = model.predict_proba(X_val)\nval_preds = np.rint(val_preds)\nval_preds.shape"),
    )
    assert stages[2:] == [["deployment"], ["deployment"], ["evaluation"]]


def test_a_star_import_sets_up_as_any_import_does():
    (result,) = infer_cells([code("from fastai.vision import *")])
    assert result["stages"] == ["setup"]
    assert "imports fastai.vision.*" in reasons_of(result, "setup")


def test_a_star_imported_item_list_made_from_a_folder_collects_and_split_and_labelled_prepares():
    cells = infer_cells([
        code("from fastai.vision import *"),
        code("test = ImageList.from_folder(path/'test')\nlen(test)"),
        code("np.random.seed(42)\nsrc = (ImageList.from_df(df, path, folder='train')\n"
             "       .split_by_rand_pct(0.2)\n       .label_from_df(cols=1))"),
    ])
    assert cells[1]["stages"] == ["data_collection"]
    assert "calls ImageList.from_folder" in reasons_of(cells[1], "data_collection")
    assert cells[2]["stages"] == ["data_preprocessing"]


def test_turning_on_a_plotting_library_in_the_notebook_is_setup():
    (stages,) = stages_of(code("import pyLDAvis\nimport pyLDAvis.gensim\npyLDAvis.enable_notebook()"))
    assert stages == ["setup"]


def test_a_helper_named_get_something_reads_data_only_when_its_name_ends_with_the_data():
    stages = stages_of(
        code("def get_data():\n    return pd.read_csv('train.csv')"),
        code("train = get_data()"),
        code("train_iter = get_data_iter(generator, 128, labels, images, 64)"),
    )
    assert "data_collection" in stages[1]
    assert "data_collection" not in stages[2]


def test_a_helper_named_for_batches_of_data_prepares_them():
    stages = stages_of(
        code("def get_data_iter(data_gen, img_size, label_df, img_list, batch_size, shuffle=True):\n"
             "    generator = data_gen.flow_from_directory(directory=path, target_size=(img_size, img_size))\n"
             "    generator.filenames = img_list\n    return generator"),
        code("train_gen = get_data_iter(datagen, 128, labels, images, 64)"),
        code("loader = make_batch_generator(texts, 32)"),
    )
    assert stages == [["data_preprocessing"]] * 3


def test_data_the_cell_takes_afresh_and_reshapes_for_a_plot_is_looked_at_not_prepared():
    plotted = ("temp = people[['location', 'industry']].fillna('Missing')\n"
               "temp = temp.applymap(lambda x: x if x == 'Missing' else 'Available')\n"
               "shares = temp.groupby('location').size() / len(temp.index)\n"
               "shares.plot(kind='bar')\nplt.show()")
    kept = "people = people.fillna('Missing')\npeople.groupby('location').size().plot(kind='bar')\nplt.show()"
    stages = stages_of(
        code("import pandas as pd\nimport matplotlib.pyplot as plt\npeople = pd.read_csv('people.csv')"),
        code("temp = people.head()"),
        code(plotted),
        code(kept),
    )
    assert stages[2] == ["exploration", "visualization"]
    assert "data_preprocessing" in stages[3]


def test_helpers_named_for_accuracy_and_for_saving_predictions():
    stages = stages_of(
        code("def acc(preds, targs):\n    return (preds == targs).mean()"),
        code("def save_pred(pred, fname='submission.csv'):\n    write(pred, fname)"),
        code("save_pred(pred_t, 'protein_classification.csv')"),
        code("def get_model_results(lda, corpus):\n    return lda.get_document_topics(corpus)"),
    )
    assert stages[0] == ["evaluation"]
    assert stages[1] == stages[2] == ["deployment"]
    assert "training" not in stages[3]


def test_model_inputs_read_from_files_are_collected_not_prepared():
    stages = stages_of(
        code("import pandas as pd"),
        code("X_train = pd.read_csv('X_train.csv')\ny_train = pd.read_csv('y_train.csv')"),
        code("X = train.drop('label', axis=1)"),
    )
    assert stages[1] == ["data_collection"]
    assert "data_preprocessing" in stages[2]


def test_the_imports_that_open_a_notebook_set_it_up_beside_loading_its_data():
    loading = ("import os\nimport pandas as pd\n\ndata_dir = '../input/images/'\npatients = os.listdir(data_dir)\n"
               "labels = pd.read_csv('../input/labels.csv', index_col=0)\nlabels.head()")
    opening = infer_cells([code("%pip install pydicom"), code(loading)])[1]
    later = infer_cells([code("import numpy as np"), code(loading)])[1]
    assert opening["stages"] == ["data_collection", "setup"]
    assert "imports pandas" in reasons_of(opening, "setup")
    assert later["stages"] == ["data_collection"]


def test_a_table_of_engineered_features_joined_onto_the_data_adds_features():
    cells = infer_cells([
        code("import pandas as pd\ntrain = pd.read_csv('train.csv')\nmerchants = pd.read_csv('merchants.csv')\n"
             "transactions = pd.read_csv('transactions.csv')"),
        code("def aggregate_transactions(history):\n"
             "    return history.groupby('card_id').agg({'amount': ['sum', 'mean']})"),
        code("history = aggregate_transactions(transactions)"),
        code("train = pd.merge(train, history, on='card_id', how='left')"),
        code("train = pd.merge(train, merchants, on='merchant_id', how='left')"),
    ])
    assert cells[3]["stages"] == ["feature_engineering"]
    assert "joins the features in history" in reasons_of(cells[3], "feature_engineering")
    assert cells[4]["stages"] == ["data_preprocessing"]


def test_a_map_of_the_data_in_two_dimensions_is_looked_at_and_components_are_features():
    stages = stages_of(
        code("from sklearn.manifold import TSNE\nfrom sklearn.decomposition import PCA\n"
             "import matplotlib.pyplot as plt"),
        code("tsne = TSNE(n_components=2, random_state=0)\npoints = tsne.fit_transform(vectors)\n"
             "plt.scatter(points[:, 0], points[:, 1])\nplt.show()"),
        code("pca = PCA(n_components=20)\ncomponents = pca.fit_transform(vectors)"),
    )
    assert stages[1] == ["exploration", "visualization"]
    assert stages[2] == ["feature_engineering"]


def test_a_statistic_that_fills_missing_values_in_place_is_not_looked_at():
    stages = stages_of(
        code("import pandas as pd\ntrain = pd.read_csv('train.csv')"),
        code("train['Age'].fillna(train['Age'].median(), inplace=True)"),
        code("train['Age'].fillna(train['Age'].median())"),
    )
    assert stages[1] == ["data_preprocessing"]
    assert stages[2] == ["exploration"]


def test_some_rows_of_a_column_set_by_a_condition_finish_a_new_column_and_change_data():
    stages = stages_of(
        code("import pandas as pd\ntrain = pd.read_csv('train.csv')"),
        code("train['IsAlone'] = 0\ntrain.loc[train['FamilySize'] == 1, 'IsAlone'] = 1"),
        code("train.loc[train['City'] == 'ONLINE', 'State'] = 'ONLINE'"),
        code("train.loc[train['Age'] > 60, 'Age'] = 60"),
    )
    assert stages[1] == ["feature_engineering"]
    assert "feature_engineering" not in stages[2]
    assert "setup" not in stages[2] + stages[3]


def test_rows_sampled_and_kept_prepare_data_and_rows_sampled_and_shown_are_looked_at():
    stages = stages_of(
        code("import pandas as pd\ntrain = pd.read_csv('train.csv')"),
        code("train = train.sample(frac=1, random_state=42)"),
        code("train.sample(5)"),
    )
    assert stages[1] == ["data_preprocessing"]
    assert stages[2] == ["exploration"]


def test_skewed_columns_transformed_by_box_cox_prepare_data():
    (_, stages) = stages_of(
        code("from scipy.special import boxcox1p"),
        code("for feature in skewed.index:\n    data[feature] = boxcox1p(data[feature], 0.15)"),
    )
    assert stages == ["data_preprocessing"]


def test_the_local_x_and_y_of_a_function_prepare_no_data():
    stages = stages_of(
        code("import math"),
        code("def to_angles(x, y, z, w):\n    X = math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y))\n"
             "    Y = math.asin(2 * (w * y - z * x))\n    return X, Y"),
        code("def split(df):\n    X = df.drop('target', axis=1)\n    return X"),
    )
    assert "data_preprocessing" not in stages[1]
    assert "data_preprocessing" in stages[2]


def test_the_most_common_values_shown_are_looked_at():
    (stages,) = stages_of(code("from collections import Counter\nCounter(words).most_common(10)"))
    assert stages == ["exploration"]


def test_the_most_common_words_picked_out_and_then_printed_are_looked_at():
    cells = infer_cells([
        code("from collections import Counter\nimport pandas as pd\ndf = pd.read_csv('jobs.csv')"),
        code("df['text'] = df['text'].str.lower()\ncounter = Counter(' '.join(df['text']).split())\n"
             "top = [w for w, n in counter.most_common(40) if len(w) > 3]\nprint(top)"),
        code("df['text'] = df['text'].str.lower()\ncounter = Counter(' '.join(df['text']).split())\n"
             "vocab = [w for w, n in counter.most_common(10000)]"),
    ])
    assert "calls counter.most_common() (counter from collections.Counter())" in reasons_of(cells[1], "exploration")
    assert "exploration" not in cells[2]["stages"]


def test_text_split_into_words_to_count_them_is_looked_at_not_prepared():
    stages = stages_of(
        code("from collections import Counter\nfrom nltk import word_tokenize"),
        code("tokens = word_tokenize(requirements)\ncounter = Counter(tokens)\n"
             "top = [w for w, n in counter.most_common(40) if len(w) > 3]\nprint(top)"),
        code("tokens = [word_tokenize(text) for text in texts]"),
    )
    assert stages[1] == ["exploration"]
    assert stages[2] == ["data_preprocessing"]


def test_predictions_compared_with_labels_inside_an_expression_evaluate():
    stages = stages_of(
        code("import numpy as np\nimport pandas as pd\nfrom raiwidgets import ExplanationDashboard"),
        code("predictions = model.predict(test_data)"),
        code("pd.crosstab(index=test_data.iloc[:, 0], columns=np.where(predictions > 0.3, 1, 0))"),
        code("ExplanationDashboard(global_explanation, clf, dataset=x_test)"),
        code("x = np.linspace(0, 1, 100)"),
    )
    assert stages[2] == ["evaluation"]
    assert stages[3] == ["evaluation"]
    assert "data_preprocessing" not in stages[4]


def test_results_printed_inside_a_training_function_also_evaluate():
    stages = stages_of(
        code("import tensorflow as tf"),
        code("def train_network(x):\n    for epoch in range(10):\n        sess.run([optimizer, cost])\n"
             "        accuracy = tf.reduce_mean(tf.cast(correct, 'float'))\n"
             "        print('Accuracy:', accuracy.eval({x: X_val}))"),
        code("def train_network(x):\n    for epoch in range(10):\n        _, c = sess.run([optimizer, cost])\n"
             "        print('Epoch', epoch, 'loss', c)"),
    )
    assert stages[1:] == [["training", "evaluation"], ["training"]]


def test_a_metric_made_for_the_training_to_watch_sets_up_the_training():
    stages = stages_of(
        code("from fastai.vision import *"),
        code("acc_02 = partial(accuracy_thresh, thresh=0.2)\nlearn = cnn_learner(data, models.resnet50, metrics=acc_02)"),
        code("acc_02 = accuracy_thresh(preds, targets, thresh=0.2)\nprint(acc_02)"),
    )
    assert stages[1:] == [["training"], ["evaluation"]]


def test_a_call_of_a_notebook_function_does_what_its_body_does():
    cells = infer_cells([
        code("from sklearn.ensemble import RandomForestClassifier"),
        code("def build(X, y):\n    model = RandomForestClassifier(n_estimators=50)\n    model.fit(X, y)\n"
             "    return model"),
        code("forest = build(features, labels)"),
        code("def run(config):\n    return build(config['X'], config['y'])"),
        code("run(cfg)"),
    ])
    assert cells[2]["stages"] == ["training"]
    assert "calls build, which calls model.fit() (model from sklearn.ensemble.RandomForestClassifier())" in reasons_of(cells[2], "training")
    assert cells[4]["stages"] == ["training"]
    assert reasons_of(cells[4], "training").startswith("calls run, which calls build, which calls")


def test_what_a_called_function_does_yields_to_the_cell_and_to_a_heading_of_another_stage():
    stages = stages_of(
        code("import pandas as pd\nfrom sagemaker.predictor import Predictor\npredictor = Predictor('churn-endpoint')"),
        code("def ask(rows):\n    return predictor.predict(rows)"),
        code("answers = ask(rows)"),
        code("rows = pd.read_csv('new_customers.csv')\nanswers = ask(rows)"),
        md("## Model evaluation"),
        code("answers = ask(validation_rows)"),
    )
    assert stages[2:4] == [["deployment"], ["data_collection"]]
    assert stages[5] == ["evaluation"]


def test_a_decorator_is_read_before_the_body_it_decorates():
    stages = stages_of(
        code("import pandas as pd\nfrom sagemaker.remote_function import remote"),
        code("@remote(instance_type='ml.m5.xlarge')\ndef process():\n    frame = pd.read_csv('abalone.csv')\n"
             "    return frame.dropna()"),
        code("clean = process()"),
    )
    assert "training" in stages[1]
    assert stages[2] == []


def test_data_read_or_changed_inside_a_function_is_not_what_calling_it_does():
    stages = stages_of(
        code("import pandas as pd"),
        code("def similar(text):\n    frame = pd.read_csv('questions.csv')\n    return frame[frame.text == text]"),
        code("matches = similar(question)"),
    )
    assert stages[2] == []


def test_a_helper_named_for_training_data_makes_data_not_a_model():
    stages = stages_of(
        code("def train_generator(df, batch_size=32):\n    while True:\n        yield df.sample(batch_size)"),
        code("train_gen = train_generator(train_df)\nvalid_gen = train_generator(valid_df)"),
        code("def train_model(model, X, y):\n    return model.fit(X, y)"),
    )
    assert "training" not in stages[0] + stages[1]
    assert stages[2] == ["training"]


def test_a_table_a_function_named_for_data_work_returns_is_data_whatever_its_name():
    stages = stages_of(
        code("import pandas as pd\ntransactions = pd.read_csv('historical_transactions.csv')"),
        code("history = aggregate_transactions(transactions)\nhistory[:5]"),
        code("from keras.models import Sequential\nmodel = Sequential()\n"
             "history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=3)"),
        code("history.history['val_loss'][:5]"),
    )
    assert stages[1] == ["feature_engineering"]
    assert stages[3] == ["evaluation"]


def test_word_embeddings_plotted_are_explored_not_evaluated():
    stages = stages_of(
        code("from gensim.models import word2vec"),
        code("model = word2vec.Word2Vec(corpus, size=100, window=20, min_count=30)"),
        code("tsne_plot(model, 'Requirements')"),
    )
    assert stages[1:] == [["feature_engineering"], ["exploration", "visualization"]]


def test_helpers_named_fe_engineer_features():
    stages = stages_of(
        code("def fe_step0(data):\n    data['norm'] = data['x'] / data['y']\n    return data"),
        code("data = fe_step0(data)\ntest = fe_step0(test)\nprint(data.shape)\ndata.head()"),
        code("data = feat_eng(data)"),
    )
    assert stages == [["feature_engineering"]] * 3


def test_helpers_named_for_statistics_features_engineer_them_and_those_named_for_statistics_look():
    stages = stages_of(
        code("features = fe_advanced_stats(data)"),
        code("add_stats_features(data)"),
        code("data_stats(data)"),
    )
    assert stages == [["feature_engineering"], ["feature_engineering"], ["exploration"]]


def test_image_augmentation_prepares_data():
    (stages,) = stages_of(code("import imgaug.augmenters as iaa\naugmentation = iaa.Sequential([iaa.Fliplr(0.5)])"))
    assert stages == ["data_preprocessing"]


def test_a_cell_of_paths_dates_and_cleanups_configures_the_notebook():
    stages = stages_of(
        code("from datetime import datetime\nbaseline_prefix = prefix + '/baselining'\n"
             "baseline_uri = 's3://{}/{}'.format(bucket, baseline_prefix)\nactual_date = datetime(2019, 2, 1)"),
        code("!rm -r $spect_dir"),
    )
    assert stages == [["setup"], ["setup"]]


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def monitor_notebook(shared_dir):
    matches = sorted(CORPORA.glob("sagemaker-examples/*deploy_and_monitor/sm-model_monitor_introduction/*.ipynb"))
    assert matches, "the model monitor notebook of the sagemaker corpus is missing"
    return matches[0]


def test_infer_json_on_a_real_notebook(monitor_notebook):
    result = run_cli("infer", monitor_notebook, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["path"] == str(monitor_notebook)
    assert {"deployment", "monitoring"} <= set(report["phases"])
    notebook = json.loads(monitor_notebook.read_text(encoding="utf-8"))
    assert [c["index"] for c in report["cells"]] == list(range(len(notebook["cells"])))
    for cell in report["cells"]:
        assert set(cell) >= {"index", "cell_type", "stages", "confidence", "reasons"}
    monitoring = [c for c in report["cells"] if c["cell_type"] == "code" and "monitoring" in c["stages"]]
    assert any("sagemaker.model_monitor.DefaultModelMonitor" in r for c in monitoring for r in c["reasons"]["monitoring"])


def test_infer_text_has_a_line_per_cell_and_the_phases(monitor_notebook):
    result = run_cli("infer", monitor_notebook)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    notebook = json.loads(monitor_notebook.read_text(encoding="utf-8"))
    assert len(lines) == len(notebook["cells"]) + 2
    assert lines[-1].startswith("phases: ") and "Monitoring" in lines[-1]
    assert any("calls sagemaker.model_monitor.DefaultModelMonitor" in line for line in lines)


def test_infer_an_unreadable_notebook_exits_3_with_one_line(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    result = run_cli("infer", path)
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_infer_gives_the_same_reasons_in_every_run(tmp_path):
    """Reasons that tie are listed in one order whatever the process's string hashing, so that a
    report committed to a repository does not change from run to run."""
    import os
    import subprocess
    import sys

    source = ("epochs, optimizer, lr, batch_size, num_epochs = 3, 'adam', 0.1, 32, 5\n"
              "estimator.set_hyperparameters(epochs=epochs, optimizer=optimizer, learning_rate=lr, wd=0.1)\n"
              "acc, f1, auc, rmse = 0.9, 0.8, 0.7, 0.1\nprint(acc, f1, auc, rmse)")
    path = tmp_path / "ties.ipynb"
    shaped = ("import matplotlib.pyplot as plt\npart = part[part.x > 0]\npart['ratio'] = part['a'] / part['b']\n"
              "plt.scatter(part['ratio'], part['y'])\nplt.show()")
    path.write_text(json.dumps(make_notebook([code(source), code("print(acc, f1, auc, rmse)"), code(shaped)])))
    outputs = set()
    for seed in map(str, range(1, 9)):
        done = subprocess.run([sys.executable, "-m", "mllens_jupyter", "infer", str(path), "--format", "json"],
                              capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert any(json.loads(outputs.pop())["cells"][0]["reasons"].values())


def test_the_audit_reads_evidence_in_the_same_pass_and_finds_what_find_evidence_finds(lens):
    from mllens_jupyter.inference import infer_with_evidence

    cells = [
        md("# Monitoring"),
        code("import sagemaker\nfrom sagemaker.model_monitor import DefaultModelMonitor, DataCaptureConfig"),
        code("capture = DataCaptureConfig(enable_capture=True)\nmonitor = DefaultModelMonitor(role=role)"),
        code("monitor.suggest_baseline(baseline_dataset='s3://b/train.csv')\n# drift"),
        code("%%bash\naws s3 ls"),
    ]
    notebook = make_notebook(cells)
    inferred, evidence = infer_with_evidence(notebook, lens)
    full = infer_notebook(notebook, lens)
    assert inferred == {**full, "cells": [{**cell, "reasons": {}} for cell in full["cells"]]}  # no report shows them
    assert any(cell["reasons"] for cell in full["cells"])
    assert evidence == find_evidence(cells, lens) and evidence


@pytest.mark.parametrize("source", [
    "%matplotlib inline\nimport pandas as pd\n!pip install -q xgboost\ndf = pd.read_csv('a.csv')",
    "%%time\nmodel.fit(X, y)\n  \nprint(1)",
    "for f in files:\n    !gsutil cp {f} .\n%load_ext autoreload",
    "files = !ls data\nbest = %sx cat best.txt\nfor f in files:\n    out = !wc -l {f}",
    "\n\n%matplotlib inline\nimport pandas as pd",
    "total = first + \\\n    second\n! pip install xgboost",
])
def test_common_ipython_syntax_is_read_as_ipython_reads_it(source):
    from IPython.core.inputtransformer2 import TransformerManager

    from mllens_jupyter.inference.ipython_syntax import quick_transform

    assert quick_transform(source) == TransformerManager().transform_cell(source)


@pytest.mark.parametrize("source", ["??model.fit", "x = !ls\n%timeit f(x)?", "%%time?", "a = 1 + \\\n%x",
                                    "!ls \\\n  -l"])
def test_unusual_ipython_syntax_is_left_to_ipython(source):
    from mllens_jupyter.inference.ipython_syntax import quick_transform

    quick = quick_transform(source)
    assert quick is None or not ast_parses(quick)


def ast_parses(text):
    import ast

    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True
