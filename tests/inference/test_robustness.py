"""Any input gives a result, never an exception."""

from __future__ import annotations

import json
import warnings

import pytest

from mllens_jupyter.inference import current_phase, find_evidence, infer_cells, infer_notebook

from .cells import code, md


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
