"""The current phase, and the phases present."""

from __future__ import annotations

from mllens_jupyter.inference import current_phase, infer_cells

from .cells import code


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
