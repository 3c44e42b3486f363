"""`%mllens` in an IPython shell: loading, parsing, what it shows, `status` and `save PATH`."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

from mllens_jupyter import inference as real_inference
from mllens_jupyter.answers import make_answer
from mllens_jupyter.kernel.sessions import loopback_url, why_open
from mllens_jupyter.kernel.magic import MllensMagics

from ..conftest import make_notebook

ANSWER = make_answer("done", note="runs tracked in MLflow", updated="2026-11-28T10:00:00Z")


class FakeInference:
    """Stands in for `mllens_jupyter.inference`: training when a cell calls fit, and it keeps the cells.
    Which phases are present is the real inference's rule."""

    phases_present = staticmethod(real_inference.phases_present)

    def __init__(self) -> None:
        self.cells: list[dict] = []

    def infer_cells(self, cells):
        self.cells = cells
        return [{"index": i, "cell_type": "code", "stages": ["training"] if ".fit(" in c["source"] else [],
                 "confidence": {"training": 0.9} if ".fit(" in c["source"] else {},
                 "reasons": {"training": ["calls fit"]} if ".fit(" in c["source"] else {}}
                for i, c in enumerate(cells)]

    def current_phase(self, results, lens, around=None):
        found = any(r["stages"] for r in results)
        return {"phase": "model_development" if found else None, "confidence": 0.9 if found else 0.0,
                "reasons": ["a cell calls .fit( to train a model"] if found else [], "stages": []}

    def find_evidence(self, cells, lens):
        return {"MLOPS03-BP02": ["cell 2: mlflow.start_run()"]} if any("mlflow" in c["source"] for c in cells) else {}


@pytest.fixture
def shell():
    globalipapp.start_ipython()
    ip = globalipapp.get_ipython()
    ip.reset(new_session=True)
    return ip


@pytest.fixture
def inference() -> FakeInference:
    return FakeInference()


@pytest.fixture
def open_paths() -> dict:
    """Paths the fake session lookup reports as open in a Jupyter server, with why."""
    return {}


@pytest.fixture
def magics(shell, inference, open_paths) -> MllensMagics:
    found = MllensMagics(shell=shell, inference=inference,
                         why_open=lambda path: open_paths.get(str(Path(path).resolve())))
    shell.register_magics(found)
    return found


def run(shell, line: str):
    """Run a cell as a person would; returns what it printed, its error output and its rich outputs."""
    with capture_output() as captured:
        shell.run_cell(line, store_history=True)
    return captured.stdout, captured.stderr, [o.data for o in captured.outputs]


def shown_text(outputs: list[dict]) -> str:
    return "\n".join(o.get("text/markdown", "") for o in outputs)


# -- loading ---------------------------------------------------------------------------------------


def test_load_ext_registers_the_magic(shell):
    shell.run_line_magic("load_ext", "mllens_jupyter")
    assert "mllens" in shell.magics_manager.magics["line"]


LOAD_PROBE = """
import sys
from IPython.testing.globalipapp import start_ipython
ip = start_ipython()
ip.run_line_magic("load_ext", "mllens_jupyter")
print(sorted(m for m in ("ipywidgets", "nbformat", "jsonschema", "yaml", "mllens_jupyter.lens") if m in sys.modules))
"""


def test_loading_the_extension_imports_nothing_heavy():
    done = subprocess.run([sys.executable, "-c", LOAD_PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_extension_and_its_settings_load_from_ipython_config(tmp_path):
    profile = tmp_path / "profile_default"
    profile.mkdir()
    (profile / "ipython_config.py").write_text(
        'c.InteractiveShellApp.extensions = ["mllens_jupyter"]\nc.MllensMagics.default_view = "markdown"\n')
    done = subprocess.run([sys.executable, "-m", "IPython", f"--ipython-dir={tmp_path}", "--no-banner",
                           "--HistoryManager.enabled=False", "-c", "%mllens deployment"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "### ML Lens · Deployment" in done.stdout and "MLOPS05-BP01" in done.stdout
    assert "VBox" not in done.stdout


# -- what %mllens shows ------------------------------------------------------------------------------


def test_mllens_shows_the_phase_inferred_from_the_cells_run_so_far(shell, magics, inference):
    run(shell, "import pandas as pd")
    run(shell, "model = None  # model.fit(X, y) comes later")
    _, err, outputs = run(shell, "%mllens")
    assert err == ""
    assert [c["source"] for c in inference.cells] == ["import pandas as pd",
                                                       "model = None  # model.fit(X, y) comes later", ""]
    assert all("%mllens" not in c["source"] for c in inference.cells)
    assert "application/vnd.jupyter.widget-view+json" in outputs[0]
    assert "### ML Lens · Model development" in outputs[0]["text/markdown"]
    assert "a cell calls .fit( to train a model" in outputs[0]["text/markdown"]


REAL_CELLS = ["import json",
              "def load(path):\n    import pandas as pd\n    return pd.read_csv(path)",
              "def train(X, y):\n    from sklearn.ensemble import RandomForestClassifier\n    import mlflow\n"
              "    mlflow.start_run()\n    return RandomForestClassifier().fit(X, y)"]


@pytest.fixture
def real_magics(shell, open_paths) -> MllensMagics:
    found = MllensMagics(shell=shell, why_open=lambda path: open_paths.get(str(Path(path).resolve())))
    shell.register_magics(found)
    return found


def test_with_the_real_inference_the_phase_and_reasons_follow_the_code(shell, real_magics):
    for source in REAL_CELLS:
        run(shell, source)
    _, err, outputs = run(shell, "%mllens")
    text = shown_text(outputs)
    assert err == "" and "### ML Lens · Model development" in text
    assert "cell 3: calls sklearn.ensemble.RandomForestClassifier().fit()" in text  # cell 3 is In[3]


def test_with_the_real_inference_details_show_the_evidence_found(shell, real_magics):
    for source in REAL_CELLS:
        run(shell, source)
    _, _, outputs = run(shell, "%mllens MLPERF04-BP02")
    assert "Found in this notebook:</p><ul><li>cell 3: imports mlflow</li>" in shown_text(outputs)


def test_with_the_real_inference_status_lists_the_phases_present(shell, real_magics):
    for source in REAL_CELLS:
        run(shell, source)
    _, _, outputs = run(shell, "%mllens status")
    assert "phases pinned in the notebook): Data processing, Model development" in shown_text(outputs)


DATA_CELLS = [f"df{i} = pd.read_csv('part{i}.csv').dropna()" for i in range(8)]


def test_status_decides_the_phases_present_by_the_inference_rule_as_the_audit_does(shell, real_magics, lens):
    sources = ["import pandas as pd", *DATA_CELLS, "thing.fit(X, y)"]
    for source in sources:
        run(shell, source)
    _, _, outputs = run(shell, "%mllens status")
    notebook = {"cells": [{"cell_type": "code", "source": s, "metadata": {}} for s in sources], "metadata": {}}
    audited = real_inference.infer_notebook(notebook, lens)["phases"]
    assert audited == ["data_processing"]
    assert "phases pinned in the notebook): Data processing\n" in shown_text(outputs) + "\n"
    assert "Model development" not in shown_text(outputs).split("Phases present")[1].splitlines()[0]


def test_with_nothing_run_yet_the_first_phase_is_shown(shell, magics):
    _, _, outputs = run(shell, "%mllens")
    assert "No phase found in the cells run so far; showing Business goal identification" in shown_text(outputs)


@pytest.mark.parametrize("line, heading", [
    ("%mllens deployment", "### ML Lens · Deployment"),
    ("%mllens Model development", "### ML Lens · Model development"),
    ("%mllens monitor", "### ML Lens · Monitoring"),
    ("%mllens data_processing --pillar MLSEC", "### ML Lens · Data processing"),
])
def test_a_phase_can_be_named_by_id_or_name(shell, magics, line, heading):
    _, err, outputs = run(shell, line)
    assert err == "" and heading in shown_text(outputs)


def test_pillar_option_shows_that_pillar_only(shell, magics):
    _, _, outputs = run(shell, "%mllens deployment --pillar security")
    text = shown_text(outputs)
    assert "#### Security" in text and "#### Reliability" not in text and "MLSEC05-BP01" in text


def test_a_practice_by_its_2023_id_shows_that_practice_only(shell, magics):
    _, _, outputs = run(shell, "%mllens MLSEC-07")
    lines = [line for line in shown_text(outputs).splitlines() if line.startswith("- [")]
    assert len(lines) == 1 and "MLSEC03-BP05" in lines[0]


def test_markdown_view_shows_no_widget(shell, magics):
    _, _, outputs = run(shell, "%mllens --view markdown")
    assert set(outputs[0]) == {"text/markdown", "text/plain"}
    magics.default_view = "markdown"
    _, _, outputs = run(shell, "%mllens")
    assert set(outputs[0]) == {"text/markdown", "text/plain"}


def test_help_lists_every_form(shell, magics):
    out, err, _ = run(shell, "%mllens --help")
    assert err == ""
    for form in ("%mllens status", "%mllens save PATH", "--pillar", "PRACTICE_ID", "--lens"):
        assert form in out


@pytest.mark.parametrize("line, words", [
    ("%mllens nowhere", "'nowhere' is no practice, pillar or phase of lens aws-ml-lens"),
    ("%mllens m", "'m' is ambiguous in lens aws-ml-lens: it could be pillar operational_excellence"),
    ("%mllens --pillar kindness", "no pillar 'kindness'"),
    ("%mllens --frobnicate", "unrecognized arguments: --frobnicate"),
    ("%mllens save", "usage: %mllens save PATH"),
    ("%mllens status now", "usage: %mllens status"),
    ("%mllens --lens no-such-lens", "no lens 'no-such-lens'"),
    ("%mllens --view html", "invalid choice: 'html'"),
])
def test_bad_arguments_give_one_line_and_no_traceback(shell, magics, line, words):
    out, err, outputs = run(shell, line)
    assert outputs == []
    assert words in err and err.startswith("UsageError:")
    assert "Traceback" not in out + err and len(err.strip().splitlines()) == 1


# -- status ---------------------------------------------------------------------------------------------


def test_status_summarises_answers_and_open_risks(shell, magics):
    run(shell, "model.fit(X, y)")
    magics.connection(magics.lens(None)).submit("MLSEC04-BP01", ANSWER)
    _, _, outputs = run(shell, "%mllens status")
    text = shown_text(outputs)
    assert "1 of 105 practices answered" in text
    assert "Phases present (cells run so far, and phases pinned in the notebook): Model development" in text
    assert "| Model development | yes | 1/33 | 1 |" in text
    assert "1 answer is kept in this kernel only" in text


# -- save PATH -------------------------------------------------------------------------------------------


def answer_in_kernel(magics, practice_id: str = "MLSEC04-BP01", answer: dict = ANSWER) -> None:
    magics.connection(magics.lens(None)).submit(practice_id, answer)


def test_save_writes_only_the_mllens_key(shell, magics, notebook_file):
    path = notebook_file(make_notebook(metadata={"kernelspec": {"name": "python3"}, "mllens": {
        "schema_version": 1, "lens": "aws-ml-lens", "answers": {"MLOPS01-BP01": ANSWER}}}))
    before = json.loads(path.read_text())
    answer_in_kernel(magics)
    out, err, _ = run(shell, f"%mllens save {path}")
    assert err == "" and f"Saved 1 answer to {path}" in out
    after = json.loads(path.read_text())
    assert after["metadata"]["mllens"]["answers"] == {"MLOPS01-BP01": ANSWER, "MLSEC04-BP01": ANSWER}
    after["metadata"].pop("mllens"), before["metadata"].pop("mllens")
    assert after == before


def test_save_replaces_an_answer_recorded_under_its_2023_id(shell, magics, notebook_file):
    path = notebook_file(make_notebook(metadata={"mllens": {"schema_version": 1, "answers": {"MLOE-11": ANSWER}}}))
    answer_in_kernel(magics, "MLOPS03-BP02", make_answer("partial"))
    run(shell, f"%mllens save {path}")
    answers = json.loads(path.read_text())["metadata"]["mllens"]["answers"]
    assert list(answers) == ["MLOPS03-BP02"] and answers["MLOPS03-BP02"]["status"] == "partial"


def test_save_refuses_a_notebook_open_in_a_jupyter_server(shell, magics, notebook_file, open_paths):
    path = notebook_file()
    before = path.read_bytes()
    open_paths[str(path.resolve())] = "it is open in the Jupyter server at http://localhost:8888/"
    answer_in_kernel(magics)
    out, err, _ = run(shell, f"%mllens save {path}")
    assert err.startswith("UsageError: not saving to") and "open in the Jupyter server" in err
    assert path.read_bytes() == before


def test_save_with_no_answer_says_so(shell, magics, notebook_file):
    path = notebook_file()
    _, err, _ = run(shell, f"%mllens save {path}")
    assert "nothing to save" in err


def test_save_refuses_a_notebook_of_another_lens(shell, magics, notebook_file):
    path = notebook_file(make_notebook(metadata={"mllens": {"schema_version": 1, "lens": "other-lens"}}))
    before = path.read_bytes()
    answer_in_kernel(magics)
    _, err, _ = run(shell, f"%mllens save {path}")
    assert "records answers for lens 'other-lens'" in err and path.read_bytes() == before


def test_save_to_a_file_that_is_not_a_notebook_says_why(shell, magics, tmp_path):
    answer_in_kernel(magics)
    _, err, _ = run(shell, f"%mllens save {tmp_path / 'missing.ipynb'}")
    assert err.startswith("UsageError:") and "no such file" in err


def test_after_saving_the_panel_says_where_the_answer_went(shell, magics, notebook_file):
    path = notebook_file()
    answer_in_kernel(magics)
    run(shell, f"%mllens save {path}")
    assert magics.connection(magics.lens(None)).store.delivery["MLSEC04-BP01"] == ("file", str(path))


# -- is that notebook open? ---------------------------------------------------------------------------


class SessionsHandler(http.server.BaseHTTPRequestHandler):
    sessions: list = []

    def do_GET(self):
        ok = self.path == "/lab/api/sessions" and self.headers.get("Authorization") == "token secret"
        body = json.dumps(self.sessions if ok else {"message": "Forbidden"}).encode()
        self.send_response(200 if ok else 403)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    SessionsHandler.sessions = [{"path": "work/churn.ipynb", "type": "notebook"}]
    httpd = http.server.HTTPServer(("127.0.0.1", 0), SessionsHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    info = {"hostname": "localhost", "port": httpd.server_address[1], "base_url": "/lab/", "token": "secret",
            "root_dir": str(tmp_path), "url": f"http://localhost:{httpd.server_address[1]}/lab/", "secure": False}
    yield info
    httpd.shutdown()


def test_a_notebook_in_a_running_session_is_reported_open(server, tmp_path):
    reason = why_open(tmp_path / "work" / "churn.ipynb", servers=lambda: [server], environ={})
    assert reason == f"it is open in the Jupyter server at {server['url']}"
    assert why_open(tmp_path / "work" / "other.ipynb", servers=lambda: [server], environ={}) is None
    assert why_open("/elsewhere/churn.ipynb", servers=lambda: [server], environ={}) is None


def test_running_servers_are_read_from_the_runtime_folder_as_jupyter_server_list_does(tmp_path):
    from mllens_jupyter.kernel.sessions import running_servers

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    alive = {"pid": os.getpid(), "port": 8888, "root_dir": str(tmp_path)}
    (tmp_path / "jpserver-1.json").write_text(json.dumps(alive))
    (tmp_path / "jpserver-2.json").write_text(json.dumps({"pid": int(ended.stdout), "port": 8889}))
    (tmp_path / "jpserver-3.json").write_text('{"pid": ')
    (tmp_path / "jpserver-4.json").write_text("[]")
    (tmp_path / "kernel-5.json").write_text(json.dumps({"pid": os.getpid()}))
    assert running_servers(tmp_path) == [alive]
    assert running_servers(tmp_path / "missing") == []
    assert (tmp_path / "jpserver-2.json").exists()


def test_a_server_that_cannot_be_asked_counts_as_having_it_open(server, tmp_path):
    server["token"] = "wrong"
    reason = why_open(tmp_path / "work" / "other.ipynb", servers=lambda: [server], environ={})
    assert "could not be asked" in reason


def test_the_kernels_own_notebook_is_reported_open(tmp_path):
    environ = {"JPY_SESSION_NAME": "work/churn.ipynb"}
    reason = why_open(tmp_path / "work" / "churn.ipynb", servers=lambda: [], environ=environ, cwd=tmp_path / "work")
    assert "JPY_SESSION_NAME" in reason
    assert why_open(tmp_path / "work" / "copy.ipynb", servers=lambda: [], environ=environ, cwd=tmp_path) is None


@pytest.mark.parametrize("info, url", [
    ({"hostname": "localhost", "port": 8888, "base_url": "/"}, "http://127.0.0.1:8888/"),
    ({"hostname": "0.0.0.0", "port": 8000, "base_url": "/jupyter/", "secure": True}, "https://127.0.0.1:8000/jupyter/"),
    ({"hostname": "::1", "port": 8888, "base_url": "/"}, "http://[::1]:8888/"),
    ({"hostname": "192.168.1.20", "port": 8888, "base_url": "/"}, None),
    ({"hostname": "localhost", "port": 0, "sock": "/tmp/jupyter.sock", "base_url": "/"}, None),
])
def test_servers_are_asked_over_loopback_only(info, url):
    assert loopback_url(info) == url


def test_status_and_the_panel_inherit_the_workloads_answers(shell, magics, tmp_path, monkeypatch):
    from mllens_jupyter import review as reviews
    from mllens_jupyter.lens import get_lens

    lens = get_lens()
    (tmp_path / ".git").mkdir()
    review = reviews.with_workload_answer(reviews.new_review(lens, "Churn"), "MLSEC04-BP01", {"status": "done"})
    reviews.create(tmp_path / reviews.REVIEW_FILE, review)
    monkeypatch.chdir(tmp_path)
    run(shell, "model.fit(X, y)")
    _, _, outputs = run(shell, "%mllens status")
    text = shown_text(outputs)
    assert "1 of 105 practices answered" in text and "| Model development | yes | 1/33 | 1 |" in text
    assert f"inherited from the workload's review file ({tmp_path / reviews.REVIEW_FILE})" in text
    store = magics.connection(lens).store
    assert store.answer_of("MLSEC04-BP01") == {"status": "done", "scope": "workload"}
    assert store.changes_to_save() == {}
