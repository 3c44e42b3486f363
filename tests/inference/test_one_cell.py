"""One code cell alone, and the stages it gives: a table of cases, one row each."""

from __future__ import annotations

import pytest

from .cells import code, stages_of

ONE_CELL = [
    pytest.param("import numpy as np\n"
                 "from sklearn.ensemble import RandomForestClassifier\n"
                 "from sklearn.metrics import accuracy_score\n"
                 "import xgboost as xgb",
                 ["setup"], id="imports_alone_are_setup_not_training"),
    pytest.param("df['Age'] = df['Age'].fillna(df['Age'].median())",
                 ["data_preprocessing"], id="an_aggregate_passed_to_fillna_is_not_exploration"),
    pytest.param("from scipy.sparse import hstack, csr_matrix\n"
                 "brand = csr_matrix((np.ones(n), (rows, codes)))\n"
                 "features = hstack((brand, app_counts), format='csr')",
                 ["feature_engineering"], id="a_sparse_matrix_of_feature_blocks_engineers_features"),
    pytest.param("!ls ../input",
                 ["data_collection"], id="listing_the_input_files_collects_data"),
    pytest.param("preds = model.predict(test)\n"
                 "sub = pd.DataFrame({'id': ids, 'y': preds})\n"
                 "sub.to_csv('submission.csv', index=False)",
                 ["deployment"], id="predicting_on_test_data_for_a_submission_is_deployment"),
    pytest.param("def missing_values_table(df):\n"
                 "    total = df.isnull().sum()\n"
                 "    table = pd.concat([total, 100 * total / len(df)], axis=1)\n"
                 "    return table.rename(columns={0: 'missing', 1: 'percent'})",
                 ["exploration"], id="a_function_is_what_its_name_says"),
    pytest.param("import matplotlib.pyplot as plt\n"
                 "epochs = range(EPOCHS)\n"
                 "plt.plot(epochs, history['loss'])\n"
                 "plt.show()",
                 ["evaluation", "visualization"], id="an_identifier_spelled_twice_counts_once"),
    pytest.param("import matplotlib.pyplot as plt\n"
                 "plt.boxplot(results)\n"
                 "plt.show()",
                 ["evaluation", "visualization"], id="a_boxplot_of_cross_validation_results_compares_models"),
    pytest.param("import matplotlib.pyplot as plt\n"
                 "norm_conf_mx = conf_mx / conf_mx.sum(axis=1)\n"
                 "fig = plt.figure()\n"
                 "ax = fig.add_subplot(111)\n"
                 "ax.matshow(norm_conf_mx)\n"
                 "plt.show()",
                 ["evaluation", "visualization"], id="a_plot_that_reads_a_confusion_matrix_evaluates"),
    pytest.param("import pyLDAvis\n"
                 "import pyLDAvis.gensim\n"
                 "pyLDAvis.enable_notebook()",
                 ["setup"], id="turning_on_a_plotting_library_in_the_notebook_is_setup"),
    pytest.param("from collections import Counter\n"
                 "Counter(words).most_common(10)",
                 ["exploration"], id="the_most_common_values_shown_are_looked_at"),
    pytest.param("import imgaug.augmenters as iaa\n"
                 "augmentation = iaa.Sequential([iaa.Fliplr(0.5)])",
                 ["data_preprocessing"], id="image_augmentation_prepares_data"),
]


@pytest.mark.parametrize("source, stages", ONE_CELL)
def test_one_cell_gives_its_stages(source, stages):
    assert stages_of(code(source)) == [stages]
