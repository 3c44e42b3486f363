"""Reading a cell: IPython syntax, other languages, cells that do not parse."""

from __future__ import annotations

from mllens_jupyter.inference import infer_cells, infer_notebook

from ..conftest import make_notebook
from .cells import code, stages_of


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
