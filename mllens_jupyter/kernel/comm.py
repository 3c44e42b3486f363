"""The kernel's end of the `mllens` comm: it opens the comm, sends answers, and feeds an AnswerStore.

The protocol is in `protocol.py`. Nothing here blocks a cell: replies arrive as comm messages
between cells, and a timer says when none came (the panel then keeps answers in the kernel only).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from . import protocol
from .answer_store import FAILED, KERNEL, KERNEL_ONLY, PENDING, SAVED, UNCONFIRMED, AnswerStore

NO_REPLY = ("no notebook frontend answered (the mllens JupyterLab extension is not active here, "
            "or this is not JupyterLab)")
NO_KERNEL = "this is not a Jupyter kernel, so no notebook can receive answers"
CLOSED = "the notebook closed the connection"
NO_ACK = ("the notebook did not confirm an answer (the page may have been reloaded or the notebook closed); "
          "they are sent again as soon as it answers, or run %mllens again")

CommFactory = Callable[..., Any]
TimerFactory = Callable[[float, Callable[[], None]], Any]


def default_create_comm(**kwargs: Any) -> Any:
    from comm import create_comm

    return create_comm(**kwargs)


def start_thread_timer(seconds: float, callback: Callable[[], None]) -> threading.Timer:
    timer = threading.Timer(seconds, callback)
    timer.daemon = True
    timer.start()
    return timer


class FrontendLink:
    """One comm to the notebook's frontend, opened with a hello."""

    def __init__(self, store: AnswerStore, create_comm: CommFactory, start_timer: TimerFactory,
                 timeout: float) -> None:
        self.store = store
        self.timeout = timeout
        self._start_timer = start_timer
        self._latest: dict[str, str] = {}
        self._lock = threading.Lock()
        self.replied = False
        self.closed = False
        self.comm = create_comm(target_name=protocol.TARGET_NAME, data=protocol.hello(store.lens.id))
        self.comm.on_msg(self._on_msg)
        self.comm.on_close(self._on_close)
        start_timer(timeout, self._hello_timed_out)

    @property
    def usable(self) -> bool:
        return not self.closed

    def send_answer(self, practice_id: str, answer: dict | None) -> str:
        request_id = uuid.uuid4().hex
        with self._lock:
            self._latest[practice_id] = request_id
        self.comm.send(protocol.answer(request_id, practice_id, answer))
        self._start_timer(self.timeout, lambda: self._ack_timed_out(practice_id, request_id))
        return request_id

    def close(self) -> None:
        self.closed = True
        self.comm.close()

    def _on_msg(self, msg: dict) -> None:
        data = (msg.get("content") or {}).get("data")
        try:
            message = protocol.parse_message(data, protocol.FROM_FRONTEND)
        except protocol.ProtocolError as err:
            self.store.report_problem(str(err))
            return
        if message["type"] == "state":
            self._on_state(message)
        else:
            self._on_ack(message)

    def _on_state(self, message: dict) -> None:
        self.replied = True
        self.store.apply_state(message["metadata"], message["path"])
        for practice_id, answer in self.store.unsent().items():
            self.store.record(practice_id, answer, PENDING)
            self.send_answer(practice_id, answer)

    def _on_ack(self, message: dict) -> None:
        request_id = message["request_id"]
        with self._lock:
            practice_id = next((pid for pid, rid in self._latest.items() if rid == request_id), None)
            if practice_id is None:
                return
            del self._latest[practice_id]
        if message["ok"]:
            self.store.mark(practice_id, SAVED)
        else:
            self.store.mark(practice_id, FAILED, message.get("error", ""))

    def _on_close(self, msg: dict) -> None:
        if self.closed:
            return
        self.closed = True
        self.store.set_kernel_only(CLOSED if self.replied else NO_REPLY)  # no comm target: closed at once

    def _hello_timed_out(self) -> None:
        if not self.replied and not self.closed:
            self.store.set_kernel_only(NO_REPLY)

    def _ack_timed_out(self, practice_id: str, request_id: str) -> None:
        """No ack: the frontend that held the notebook is gone, so the panel stops claiming it records."""
        with self._lock:
            if self._latest.get(practice_id) != request_id:
                return
            del self._latest[practice_id]
        self.store.mark(practice_id, UNCONFIRMED)
        if not self.closed:
            self.store.set_kernel_only(NO_ACK)


class Connection:
    """A kernel's answers for one lens and the comm that carries them to the notebook, if any."""

    def __init__(self, store: AnswerStore, in_kernel: bool, create_comm: CommFactory = default_create_comm,
                 start_timer: TimerFactory = start_thread_timer, timeout: float = 2.0) -> None:
        self.store = store
        self.in_kernel = in_kernel
        self.create_comm = create_comm
        self.start_timer = start_timer
        self.timeout = timeout
        self.link: FrontendLink | None = None

    def on_display(self) -> None:
        """A panel is shown: say hello on a new comm, which the frontend holding the notebook now answers.

        The previous comm may belong to a page since reloaded, whose successor never heard of it.
        """
        if not self.in_kernel:
            self.store.set_kernel_only(NO_KERNEL)
            return
        if self.link is not None and self.link.usable:
            self.link.close()
        self.store.set_waiting()
        self.link = FrontendLink(self.store, self.create_comm, self.start_timer, self.timeout)

    def submit(self, practice_id: str, answer: dict | None) -> None:
        """An answer from the panel: sent to the notebook when one may listen, else kept here."""
        link = self.link
        if link is not None and link.usable and self.store.connection != KERNEL_ONLY:
            self.store.record(practice_id, answer, PENDING)
            link.send_answer(practice_id, answer)
        else:
            self.store.record(practice_id, answer, KERNEL)
