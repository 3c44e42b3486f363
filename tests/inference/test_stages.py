"""A cell carries the stages its statements serve."""

from __future__ import annotations

import pytest

from mllens_jupyter.inference import infer_cells, infer_notebook

from ..conftest import make_notebook
from .cells import code, md, reasons_of, stages_of


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
