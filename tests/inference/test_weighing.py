"""Precision: what must not be labelled (incidental lines, glances, imports beside code)."""

from __future__ import annotations

from mllens_jupyter.inference import infer_cells

from .cells import code, stages_of


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
