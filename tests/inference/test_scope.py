"""Names resolved across cells: aliases, from-imports, objects made in other cells."""

from __future__ import annotations

from mllens_jupyter.inference import infer_cells

from .cells import code, reasons_of


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
