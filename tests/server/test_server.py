"""The server extension's REST API, in a real Jupyter server (pytest-jupyter)."""

from __future__ import annotations

import json

import pytest
from jupyter_server.auth import Authorizer
from tornado.httpclient import HTTPClientError

pytest_plugins = ["pytest_jupyter.jupyter_server"]

WORKFLOW_CELLS = [
    {"cell_type": "markdown", "metadata": {}, "source": "# Predict churn\nThe business goal is to cut churn by 5%."},
    {"cell_type": "code", "metadata": {}, "source": "import pandas as pd\ndf = pd.read_csv('customers.csv')\ndf = df.dropna()"},
    {"cell_type": "code", "metadata": {},
     "source": ["from sklearn.ensemble import RandomForestClassifier\n", "model = RandomForestClassifier()\n",
                "model.fit(X_train, y_train)"]},
    {"cell_type": "code", "metadata": {},
     "source": "from sklearn.metrics import accuracy_score\nprint(accuracy_score(y_test, model.predict(X_test)))"},
]


class DenyMllens(Authorizer):
    """Lets a signed-in user do everything but use the mllens API."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        return resource != "mllens"


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"mllens_jupyter": True}}}


async def fetch_json(jp_fetch, *parts: str, **kwargs) -> dict:
    response = await jp_fetch("mllens", "api", *parts, **kwargs)
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


async def error_of(jp_fetch, *parts: str, **kwargs) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("mllens", "api", *parts, **kwargs)
    response = caught.value.response
    is_json = response.headers.get("Content-Type", "").startswith("application/json")
    return caught.value.code, json.loads(response.body) if is_json else {}


async def post_infer(jp_fetch, body) -> dict:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return await fetch_json(jp_fetch, "infer", method="POST", body=data)


async def test_lenses_lists_the_bundled_lens_with_its_counts(jp_fetch):
    data = await fetch_json(jp_fetch, "lenses")
    assert data["default"] == "aws-ml-lens"
    bundled = {lens["id"]: lens for lens in data["lenses"]}["aws-ml-lens"]
    assert bundled["name"] == "AWS Well-Architected Machine Learning Lens"
    assert (bundled["pillars"], bundled["phases"], bundled["practices"]) == (6, 6, 105)
    assert data["problems"] == []


async def test_lens_gives_practices_with_their_guidance(jp_fetch):
    lens = await fetch_json(jp_fetch, "lens", "aws-ml-lens")
    assert [phase["id"] for phase in lens["phases"]][:2] == ["business_goal", "problem_framing"]
    practice = next(p for p in lens["practices"] if p["id"] == "MLCOST01-BP01")
    assert practice["risk_if_absent"] == "high"
    assert practice["summary"] and practice["improvement"] and practice["questions"]
    assert practice["docs_url"].startswith("https://docs.aws.amazon.com/")


async def test_unknown_lens_is_404_with_a_message(jp_fetch):
    code, body = await error_of(jp_fetch, "lens", "no-such-lens")
    assert code == 404
    assert "no-such-lens" in body["message"]


async def test_lens_endpoint_never_reads_a_path(jp_fetch):
    for key in ("..", "../../etc/passwd", "/etc/passwd", "lens.yaml"):
        code, _ = await error_of(jp_fetch, "lens", key)
        assert code == 404


async def test_infer_finds_phases_the_current_phase_and_evidence(jp_fetch):
    result = await post_infer(jp_fetch, {"cells": WORKFLOW_CELLS, "active_cell": 2})
    assert result["lens"] == "aws-ml-lens"
    assert len(result["cells"]) == len(WORKFLOW_CELLS)
    assert "training" in result["cells"][2]["stages"]
    assert {"data_processing", "model_development"} <= set(result["phases"])
    assert 2 in result["phase_cells"]["model_development"]
    assert result["current"]["phase"] == "model_development"
    assert "cell 4: imports sklearn.metrics.accuracy_score" in result["evidence"]["MLPERF02-BP01"]


async def test_infer_without_active_cell_gives_the_phase_of_the_work_so_far(jp_fetch):
    result = await post_infer(jp_fetch, {"cells": WORKFLOW_CELLS})
    assert result["current"]["phase"] == "model_development"
    assert result["current"]["reasons"]


async def test_infer_reports_phases_pinned_in_the_metadata(jp_fetch):
    metadata = {"mllens": {"schema_version": 1, "phases": ["monitoring"]}}
    result = await post_infer(jp_fetch, {"cells": WORKFLOW_CELLS, "metadata": metadata})
    assert "monitoring" in result["phases"]


async def test_infer_of_an_empty_notebook(jp_fetch):
    result = await post_infer(jp_fetch, {"cells": [], "metadata": {}})
    assert result["cells"] == [] and result["phases"] == []


async def test_infer_uses_the_lens_named_in_the_metadata(jp_fetch):
    body = {"cells": WORKFLOW_CELLS, "metadata": {"mllens": {"schema_version": 1, "lens": "other-lens"}}}
    code, error = await error_of(jp_fetch, "infer", method="POST", body=json.dumps(body))
    assert code == 404
    assert "other-lens" in error["message"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "JSON object"),
        (b"{}", "cells must be a list"),
        (json.dumps({"cells": "x = 1"}), "cells must be a list"),
        (json.dumps({"cells": [{"cell_type": "code", "source": "x"}, 3]}), "cells[1]"),
        (json.dumps({"cells": [{"source": "x"}]}), "cell_type"),
        (json.dumps({"cells": [{"cell_type": "code", "source": [1, 2]}]}), "source"),
        (json.dumps({"cells": [{"cell_type": "code", "source": "", "metadata": []}]}), "metadata"),
        (json.dumps({"cells": [], "metadata": "x"}), "metadata must be an object"),
        (json.dumps({"cells": [{"cell_type": "code", "source": "x"}], "active_cell": 5}), "out of range"),
        (json.dumps({"cells": [{"cell_type": "code", "source": "x"}], "active_cell": "0"}), "integer"),
        (json.dumps({"cells": [{"cell_type": "code", "source": "x"}], "active_cell": True}), "integer"),
        (json.dumps({"cells": [], "lens": 3}), "lens must be"),
        ("[" * 100_000 + "]" * 100_000, "not JSON"),
    ],
)
async def test_malformed_infer_bodies_are_400_with_a_message(jp_fetch, body, expected):
    code, error = await error_of(jp_fetch, "infer", method="POST", body=body)
    assert code == 400
    assert expected in error["message"]


async def test_oversized_infer_body_is_413(jp_fetch):
    source = "x = 1\n" * (3 * 1024 * 1024)
    code, error = await error_of(jp_fetch, "infer", method="POST",
                                 body=json.dumps({"cells": [{"cell_type": "code", "source": source}]}))
    assert code == 413
    assert "larger than" in error["message"]


@pytest.mark.parametrize(("method", "parts"), [("GET", ("lenses",)), ("GET", ("lens", "aws-ml-lens")),
                                               ("POST", ("infer",)), ("POST", ("answers",)), ("PUT", ("review",))])
async def test_requests_without_a_valid_token_are_refused(jp_fetch, method, parts):
    body = json.dumps({"cells": WORKFLOW_CELLS}) if method in ("POST", "PUT") else None
    code, _ = await error_of(jp_fetch, *parts, method=method, body=body,
                             headers={"Authorization": "token not-the-token"})
    assert code in (401, 403)


class TestAuthorizer:
    @pytest.fixture
    def jp_server_config(self):
        return {"ServerApp": {"jpserver_extensions": {"mllens_jupyter": True}, "authorizer_class": DenyMllens}}

    async def test_the_mllens_resource_is_authorized_like_jupyter_resources(self, jp_fetch):
        code, _ = await error_of(jp_fetch, "lenses")
        assert code == 403
        code, _ = await error_of(jp_fetch, "infer", method="POST", body=json.dumps({"cells": []}))
        assert code == 403
        response = await jp_fetch("api", "contents")
        assert response.code == 200


# -- the workload review -------------------------------------------------------------------------------

@pytest.fixture
def reviewed(jp_root_dir):
    """A repository in the server's root: a review file answering one practice, a notebook below it."""
    from mllens_jupyter import review as reviews
    from mllens_jupyter.lens import get_lens

    lens = get_lens()
    (jp_root_dir / "repo" / "nb").mkdir(parents=True)
    review = reviews.new_review(lens, "Churn prediction", owner="ana")
    review = reviews.with_workload_answer(review, "MLSEC03-BP01", {"status": "done", "note": "IAM roles per step"})
    reviews.create(jp_root_dir / "repo" / "mllens-review.yaml", review)
    (jp_root_dir / "repo" / "nb" / "train.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                                                                           "nbformat_minor": 5}))
    return jp_root_dir / "repo"


async def answers_of(jp_fetch, path: str, metadata: dict | None = None) -> dict:
    return await fetch_json(jp_fetch, "answers", method="POST", body=json.dumps({"path": path, "metadata": metadata or {}}))


async def test_answers_are_inherited_from_the_workload_and_overridden_by_the_notebook(jp_fetch, reviewed):
    state = await answers_of(jp_fetch, "repo/nb/train.ipynb")
    assert state["review"]["path"] == "repo/mllens-review.yaml"
    assert state["review"]["workload"]["name"] == "Churn prediction"
    assert state["answers"]["MLSEC03-BP01"] == {"status": "done", "note": "IAM roles per step", "scope": "workload"}
    own = {"mllens": {"schema_version": 1, "answers": {"MLSEC03-BP01": {"status": "partial"}}}}
    state = await answers_of(jp_fetch, "repo/nb/train.ipynb", own)
    assert state["answers"]["MLSEC03-BP01"] == {"status": "partial", "scope": "notebook"}


async def test_a_notebook_under_no_review_has_only_its_own_answers(jp_fetch, jp_root_dir):
    (jp_root_dir / "alone.ipynb").write_text("{}")
    state = await answers_of(jp_fetch, "alone.ipynb", {"mllens": {"answers": {"MLOE-10": {"status": "done"}}}})
    assert state == {"review": None, "answers": {"MLOPS03-BP01": {"status": "done", "scope": "notebook"}}}


async def put_review(jp_fetch, body: dict):
    return await fetch_json(jp_fetch, "review", method="PUT", body=json.dumps(body))


async def test_a_workload_answer_is_written_to_the_review_file_and_a_stale_one_refused(jp_fetch, reviewed):
    version = (await answers_of(jp_fetch, "repo/nb/train.ipynb"))["review"]["version"]
    written = await put_review(jp_fetch, {"path": "repo/nb/train.ipynb", "practice": "MLSEC01-BP01", "status": "todo",
                                          "owner": "sam", "due": "2027-02-01", "version": version})
    assert written["answers"]["MLSEC01-BP01"]["owner"] == "sam" and written["version"] != version
    text = (reviewed / "mllens-review.yaml").read_text()
    assert "MLSEC01-BP01:" in text and "owner: sam" in text
    code, error = await error_of(jp_fetch, "review", method="PUT", body=json.dumps(
        {"path": "repo/nb/train.ipynb", "practice": "MLSEC01-BP01", "status": "done", "version": version}))
    assert code == 409 and "changed since it was read" in error["message"]
    assert (reviewed / "mllens-review.yaml").read_text() == text


async def test_citing_a_cell_adds_it_to_the_evidence_of_the_workload_answer(jp_fetch, reviewed):
    version = (await answers_of(jp_fetch, "repo/nb/train.ipynb"))["review"]["version"]
    written = await put_review(jp_fetch, {"path": "repo/nb/train.ipynb", "practice": "MLSEC03-BP01", "cite": "c1",
                                          "version": version})
    assert written["answers"]["MLSEC03-BP01"]["evidence"] == [{"notebook": "nb/train.ipynb", "cell": "c1"}]
    assert written["answers"]["MLSEC03-BP01"]["status"] == "done"


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"path": "../outside.ipynb", "practice": "MLSEC01-BP01", "status": "done", "version": "x"}, 403, "outside"),
        ({"path": "repo/nb/train.ipynb", "practice": "NOPE-1", "status": "done", "version": "x"}, 400, "NOPE-1"),
        ({"path": "repo/nb/train.ipynb", "practice": "MLSEC01-BP01", "status": "finished", "version": "x"}, 400, "status"),
        ({"path": "repo/nb/train.ipynb", "practice": "MLSEC01-BP01", "status": "todo", "due": "soon", "version": "x"},
         400, "not a date"),
        ({"path": "repo/nb/train.ipynb", "practice": "MLSEC02-BP01", "cite": "c1", "version": "x"}, 400, "before citing"),
    ],
)
async def test_bad_review_writes_are_refused_and_write_nothing(jp_fetch, reviewed, body, code, message):
    before = (reviewed / "mllens-review.yaml").read_text()
    status, error = await error_of(jp_fetch, "review", method="PUT", body=json.dumps(body))
    assert status == code and message in error["message"]
    assert (reviewed / "mllens-review.yaml").read_text() == before
