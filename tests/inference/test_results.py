"""Results and output: what is done with a model's scores and predictions."""

from __future__ import annotations

from mllens_jupyter.inference import infer_cells

from .cells import code, md, reasons_of, stages_of


def test_a_plot_of_a_training_history_evaluates():
    cells = infer_cells([
        code("import matplotlib.pyplot as plt"),
        code("plt.plot(history.history['loss'])\nplt.plot(history.history['val_loss'])\nplt.show()"),
        code("plt.plot(np.arange(10), df['sales'])\nplt.show()"),
    ])
    assert cells[1]["stages"] == ["evaluation", "visualization"]
    assert "history" in reasons_of(cells[1], "evaluation")
    assert cells[2]["stages"] == ["exploration", "visualization"]


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


def test_a_cell_of_paths_dates_and_cleanups_configures_the_notebook():
    stages = stages_of(
        code("from datetime import datetime\nbaseline_prefix = prefix + '/baselining'\n"
             "baseline_uri = 's3://{}/{}'.format(bucket, baseline_prefix)\nactual_date = datetime(2019, 2, 1)"),
        code("!rm -r $spect_dir"),
    )
    assert stages == [["setup"], ["setup"]]
