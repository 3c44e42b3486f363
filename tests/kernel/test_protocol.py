"""The `mllens` comm protocol, and the kernel's end of it against a fake frontend comm."""

from __future__ import annotations

import json

import pytest

from mllens_jupyter.kernel import protocol
from mllens_jupyter.answers import make_answer
from mllens_jupyter.kernel.answer_store import AnswerStore
from mllens_jupyter.kernel.panel import Checklist
from mllens_jupyter.kernel.comm import Connection
from mllens_jupyter.kernel.protocol import ProtocolError, parse_message
from mllens_jupyter.kernel.widget import ChecklistPanel

ANSWER = make_answer("done", note="runs tracked in MLflow", updated="2026-11-28T10:00:00Z")


class FakeComm:
    """A comm whose frontend end the test plays: it records what the kernel sends."""

    def __init__(self, target_name: str, data: dict) -> None:
        self.target_name, self.open_data = target_name, data
        self.sent: list[dict] = []
        self.closed = False
        self.on_msg_callback = self.on_close_callback = None

    def on_msg(self, callback) -> None:
        self.on_msg_callback = callback

    def on_close(self, callback) -> None:
        self.on_close_callback = callback

    def send(self, data: dict) -> None:
        self.sent.append(data)

    def close(self) -> None:
        self.closed = True

    def reply(self, data: dict) -> None:
        self.on_msg_callback({"content": {"comm_id": "x", "data": data}})


class Frontend:
    """The comms the kernel opened and the timers it started; the test fires timers by hand."""

    def __init__(self) -> None:
        self.comms: list[FakeComm] = []
        self.timers: list = []

    def create_comm(self, target_name: str, data: dict) -> FakeComm:
        self.comms.append(FakeComm(target_name, data))
        return self.comms[-1]

    def start_timer(self, seconds: float, callback) -> None:
        self.timers.append(callback)

    def fire_timers(self) -> None:
        timers, self.timers = self.timers, []
        for callback in timers:
            callback()

    @property
    def comm(self) -> FakeComm:
        return self.comms[-1]


@pytest.fixture
def frontend() -> Frontend:
    return Frontend()


@pytest.fixture
def connection(lens, frontend) -> Connection:
    return Connection(AnswerStore(lens), in_kernel=True, create_comm=frontend.create_comm,
                      start_timer=frontend.start_timer, timeout=2.0)


def state(answers: dict | None, path: str | None = "work/churn.ipynb") -> dict:
    metadata = None if answers is None else {"schema_version": 1, "lens": "aws-ml-lens", "answers": answers}
    return protocol.state(metadata, path)


# -- the messages ----------------------------------------------------------------------------------


def test_every_builder_makes_a_valid_message_of_version_1():
    messages = [protocol.hello("aws-ml-lens"), protocol.state(None, None),
                protocol.state({"schema_version": 1}, "a.ipynb"), protocol.answer("r1", "MLOPS03-BP02", ANSWER),
                protocol.answer("r2", "MLOPS03-BP02", None), protocol.ack("r1"), protocol.ack("r2", False, "read-only")]
    for message in messages:
        assert parse_message(message) == message
        assert message["version"] == protocol.PROTOCOL_VERSION == 1
    assert protocol.TARGET_NAME == "mllens"


@pytest.mark.parametrize("message, words", [
    ({"type": "state", "version": 2, "metadata": None, "path": None}, "version 2 is not supported"),
    ({"type": "shout", "version": 1}, "unknown message type 'shout'"),
    ({"type": "state", "version": 1, "metadata": [], "path": None}, "metadata must be an object or null"),
    ({"type": "state", "version": 1, "metadata": None}, "path is missing"),
    ({"type": "ack", "version": 1, "request_id": "r", "ok": False}, "error must say why"),
    ({"type": "ack", "version": 1, "ok": True}, "request_id must be a non-empty string"),
    ({"type": "answer", "version": 1, "request_id": "r", "practice": "X",
      "answer": {"status": "finished", "updated": "2026-11-28T10:00:00Z"}}, "answer.status must be one of"),
    ({"type": "answer", "version": 1, "request_id": "r", "practice": "X",
      "answer": {"status": "not_applicable", "updated": "2026-11-28T10:00:00Z"}}, "answer.reason must be one of"),
    ({"type": "answer", "version": 1, "request_id": "r", "practice": "X",
      "answer": {"status": "done", "updated": "2026-11-28T10:00:00Z", "colour": "red"}}, "unknown field 'colour'"),
    ("not a dict", "must be a JSON object"),
])
def test_a_broken_message_is_refused_with_what_is_wrong(message, words):
    with pytest.raises(ProtocolError, match=words):
        parse_message(message)


def test_a_message_from_the_wrong_side_is_refused():
    with pytest.raises(ProtocolError, match="not expected"):
        parse_message(protocol.hello("aws-ml-lens"), protocol.FROM_FRONTEND)


# -- the kernel's end against a fake frontend --------------------------------------------------------


def test_displaying_opens_the_mllens_comm_with_a_hello(connection, frontend):
    connection.on_display()
    assert frontend.comm.target_name == "mllens"
    assert frontend.comm.open_data == {"type": "hello", "version": 1, "lens": "aws-ml-lens"}
    assert connection.store.connection == "waiting"


def test_the_frontend_state_gives_the_notebook_answers_and_path(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state({"MLOE-11": ANSWER}))
    store = connection.store
    assert store.connection == "connected" and store.path == "work/churn.ipynb"
    assert store.answers() == {"MLOPS03-BP02": ANSWER}  # the 2023 id is read as the current one


def test_an_answer_is_sent_then_saved_once_acknowledged(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state(None))
    connection.submit("MLSEC03-BP02", ANSWER)
    message = parse_message(frontend.comm.sent[-1], protocol.FROM_KERNEL)
    assert (message["type"], message["practice"], message["answer"]) == ("answer", "MLSEC03-BP02", ANSWER)
    assert connection.store.delivery["MLSEC03-BP02"][0] == "pending"
    frontend.comm.reply(protocol.ack(message["request_id"]))
    assert connection.store.delivery["MLSEC03-BP02"] == ("saved", "")
    assert connection.store.answers()["MLSEC03-BP02"] == ANSWER


def test_a_refused_answer_says_why_and_stays_shown(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state(None))
    connection.submit("MLSEC03-BP02", ANSWER)
    frontend.comm.reply(protocol.ack(frontend.comm.sent[-1]["request_id"], False, "the notebook is read-only"))
    assert connection.store.delivery["MLSEC03-BP02"] == ("failed", "the notebook is read-only")
    assert connection.store.answers()["MLSEC03-BP02"] == ANSWER


def test_an_ack_for_an_answer_since_replaced_does_not_mark_the_newer_one_saved(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state(None))
    connection.submit("MLSEC03-BP02", make_answer("todo"))
    first = frontend.comm.sent[-1]["request_id"]
    connection.submit("MLSEC03-BP02", ANSWER)
    frontend.comm.reply(protocol.ack(first))
    assert connection.store.delivery["MLSEC03-BP02"][0] == "pending"


def test_clearing_an_answer_sends_null(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state({"MLSEC03-BP02": ANSWER}))
    connection.submit("MLSEC03-BP02", None)
    assert frontend.comm.sent[-1]["answer"] is None
    frontend.comm.reply(protocol.ack(frontend.comm.sent[-1]["request_id"]))
    assert "MLSEC03-BP02" not in connection.store.answers()


def test_a_change_made_in_the_sidebar_updates_the_open_panel(lens, connection, frontend):
    checklist = Checklist(lens, connection.store, "model_development", submit=connection.submit)
    panel = ChecklistPanel(checklist)
    connection.on_display()
    frontend.comm.reply(state(None))
    row = panel.rows["MLOPS04-BP01"]
    assert row.status.value is None
    frontend.comm.reply(state({"MLOPS04-BP01": make_answer("partial", note="CI runs the notebook")}))
    assert (row.status.value, row.note.value) == ("partial", "CI runs the notebook")
    assert panel.tabs.titles[0].startswith("OPS 0/2")
    frontend.comm.reply(state({"MLOPS04-BP01": ANSWER}))
    assert row.status.value == "done" and panel.tabs.titles[0].startswith("OPS 1/2")


def test_without_a_reply_the_panel_says_answers_stay_in_the_kernel(lens, connection, frontend):
    panel = ChecklistPanel(Checklist(lens, connection.store, "deployment", submit=connection.submit))
    connection.on_display()
    frontend.fire_timers()
    assert connection.store.connection == "kernel_only"
    assert "kept in this kernel only" in panel.banner.value and "%mllens save PATH" in panel.banner.value
    connection.submit("MLSEC05-BP01", ANSWER)
    assert connection.store.delivery["MLSEC05-BP01"] == ("kernel", "")
    assert frontend.comm.sent == []


def test_answers_kept_in_the_kernel_are_sent_when_a_late_state_arrives(connection, frontend):
    connection.on_display()
    frontend.fire_timers()
    connection.submit("MLSEC05-BP01", ANSWER)
    frontend.comm.reply(state(None))
    assert [m["practice"] for m in frontend.comm.sent] == ["MLSEC05-BP01"]
    frontend.comm.reply(protocol.ack(frontend.comm.sent[-1]["request_id"]))
    assert connection.store.delivery["MLSEC05-BP01"][0] == "saved"


def test_a_reply_in_time_keeps_the_timeout_from_firing(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state(None))
    frontend.fire_timers()
    assert connection.store.connection == "connected"


def test_an_answer_never_acknowledged_is_marked_unconfirmed(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state(None))
    connection.submit("MLSEC05-BP01", ANSWER)
    frontend.fire_timers()
    assert connection.store.delivery["MLSEC05-BP01"][0] == "unconfirmed"


def test_a_message_that_breaks_the_protocol_is_reported_and_changes_nothing(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state({"MLSEC05-BP01": ANSWER}))
    frontend.comm.reply({"type": "state", "version": 9, "metadata": None, "path": None})
    assert "version 9 is not supported" in connection.store.problem
    assert connection.store.answers() == {"MLSEC05-BP01": ANSWER}


def test_invalid_notebook_metadata_is_reported_and_its_valid_answers_shown(connection, frontend):
    connection.on_display()
    frontend.comm.reply(protocol.state({"schema_version": 1, "answers": {"MLSEC05-BP01": ANSWER}, "extra": 1}, None))
    assert "not valid" in connection.store.problem
    assert connection.store.answers() == {"MLSEC05-BP01": ANSWER}


def test_the_frontend_closing_the_comm_falls_back_to_the_kernel(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state(None))
    frontend.comm.on_close_callback({"content": {"data": {}}})
    assert connection.store.connection == "kernel_only"
    connection.on_display()
    assert len(frontend.comms) == 2 and connection.store.connection == "waiting"


def test_a_frontend_without_the_mllens_target_closing_the_comm_means_no_frontend(connection, frontend):
    connection.on_display()
    frontend.comm.on_close_callback({"content": {"data": {}}})
    assert connection.store.connection == "kernel_only"
    assert connection.store.connection_note.startswith("no notebook frontend answered")


def test_a_new_panel_says_hello_on_a_new_comm_and_closes_the_old_one(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state(None))
    connection.on_display()
    assert len(frontend.comms) == 2 and frontend.comms[0].closed and not frontend.comms[1].closed
    assert connection.store.connection == "waiting"
    frontend.comm.reply(state({"MLSEC05-BP01": ANSWER}))
    connection.submit("MLOPS03-BP02", ANSWER)
    assert frontend.comms[0].sent == [] and frontend.comm.sent[-1]["practice"] == "MLOPS03-BP02"


def test_after_a_reload_the_panel_stops_claiming_answers_reach_the_notebook(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state(None))
    frontend.fire_timers()
    connection.submit("MLSEC05-BP01", ANSWER)  # the page was reloaded: nobody acknowledges
    frontend.fire_timers()
    store = connection.store
    assert store.delivery["MLSEC05-BP01"][0] == "unconfirmed"
    assert store.connection == "kernel_only" and "did not confirm" in store.connection_note
    connection.submit("MLOPS03-BP02", ANSWER)
    assert store.delivery["MLOPS03-BP02"][0] == "kernel"


def test_the_reloaded_page_reattaching_to_the_comm_gets_the_answers_kept_meanwhile(connection, frontend):
    connection.on_display()
    frontend.comm.reply(state(None))
    connection.submit("MLSEC05-BP01", ANSWER)
    frontend.fire_timers()
    frontend.comm.reply(state(None, "work/churn.ipynb"))  # the new page's state on the comm it found open
    sent = frontend.comm.sent[-1]
    assert (sent["type"], sent["practice"]) == ("answer", "MLSEC05-BP01")
    assert connection.store.connection == "connected"
    frontend.comm.reply(protocol.ack(sent["request_id"]))
    assert connection.store.delivery["MLSEC05-BP01"][0] == "saved"


def test_outside_a_kernel_no_comm_is_opened(lens, frontend):
    connection = Connection(AnswerStore(lens), in_kernel=False, create_comm=frontend.create_comm,
                            start_timer=frontend.start_timer)
    connection.on_display()
    assert frontend.comms == [] and connection.store.connection == "kernel_only"
    assert "not a Jupyter kernel" in connection.store.connection_note


# -- a real kernel, with the test playing the frontend over the kernel protocol -----------------------


@pytest.fixture(scope="module")
def kernel():
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def execute(client, code: str) -> list[dict]:
    """Run code in the kernel; every iopub message it caused (comm messages included)."""
    messages: list[dict] = []
    reply = client.execute_interactive(code, timeout=60, output_hook=messages.append)
    assert reply["content"]["status"] == "ok", reply["content"]
    return messages


def kernel_value(client, expression: str):
    messages = execute(client, f"import json as _j; print(_j.dumps({expression}))")
    return json.loads("".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream"))


def send_to_comm(client, comm_id: str, data: dict) -> None:
    client.shell_channel.send(client.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))
    execute(client, "pass")  # the kernel handles shell messages in order: the comm message is done


STORE = "get_ipython().magics_manager.registry['MllensMagics'].connections['aws-ml-lens'].store"


def test_in_a_real_kernel_the_panel_talks_the_protocol(kernel):
    execute(kernel, "%load_ext mllens_jupyter")
    messages = execute(kernel, "%mllens deployment")
    opens = [m for m in messages if m["msg_type"] == "comm_open" and m["content"]["target_name"] == "mllens"]
    assert [m["content"]["data"] for m in opens] == [{"type": "hello", "version": 1, "lens": "aws-ml-lens"}]
    displayed = [m for m in messages if m["msg_type"] == "display_data"]
    assert "### ML Lens · Deployment" in displayed[0]["content"]["data"]["text/markdown"]
    comm_id = opens[0]["content"]["comm_id"]

    send_to_comm(kernel, comm_id, state({"MLSEC05-BP01": ANSWER}, "work/churn.ipynb"))
    assert kernel_value(kernel, f"{STORE}.answers()") == {"MLSEC05-BP01": ANSWER}

    messages = execute(kernel, "import ipywidgets as _w\n"
                               "_row = [w for w in _w.Widget.widgets.values() if getattr(w, 'options', None) "
                               "and ('Partial', 'partial') in w.options][0]\n"
                               "_row.value = 'partial'")
    sent = [m["content"]["data"] for m in messages
            if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id]
    assert len(sent) == 1 and sent[0]["type"] == "answer" and sent[0]["answer"]["status"] == "partial"
    parse_message(sent[0], protocol.FROM_KERNEL)

    send_to_comm(kernel, comm_id, protocol.ack(sent[0]["request_id"]))
    assert kernel_value(kernel, f"{STORE}.delivery[{sent[0]['practice']!r}]") == ["saved", ""]


def test_in_a_real_kernel_no_reply_falls_back_without_blocking(kernel):
    import time

    execute(kernel, "%load_ext mllens_jupyter")
    execute(kernel, "%config MllensMagics.reply_timeout = 0.2")
    execute(kernel, "get_ipython().magics_manager.registry['MllensMagics'].connections.clear()")
    execute(kernel, "%mllens monitoring")
    deadline = time.monotonic() + 30
    while kernel_value(kernel, f"{STORE}.connection") != "kernel_only" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert kernel_value(kernel, f"{STORE}.connection_note").startswith("no notebook frontend answered")
