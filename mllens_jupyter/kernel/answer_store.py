"""A kernel's answers for its notebook: the notebook's own (sent by the frontend) with the answers given
in this kernel on top, and where each of those stands (sending, saved in the notebook, kept in this
kernel only...). No Jupyter import here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from pathlib import Path

from .. import review as reviews
from ..answers import describe_errors, effective_answers, namespace_errors, resolve_answers
from ..errors import MllensError
from ..lens import Lens


WAITING, CONNECTED, KERNEL_ONLY = "waiting", "connected", "kernel_only"
PENDING, SAVED, FAILED, KERNEL, UNCONFIRMED, FILE = "pending", "saved", "failed", "kernel", "unconfirmed", "file"

Listener = Callable[[str, "str | None"], None]


class AnswerStore:
    """A kernel's answers for one notebook and lens; listeners hear of every change.

    Events are ("answer", practice_id), ("state", None), ("connection", None) and ("problem", None).
    """

    def __init__(self, lens: Lens) -> None:
        self.lens = lens
        self.notebook_answers: dict[str, dict] = {}
        self.local: dict[str, dict | None] = {}
        self.delivery: dict[str, tuple[str, str]] = {}
        self.path: str | None = None
        self.pinned_phases: list[str] = []
        self.workload_answers: dict[str, dict] = {}
        self.review_file: str | None = None
        self.connection = WAITING
        self.connection_note = ""
        self.problem = ""
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _emit(self, kind: str, practice_id: str | None = None) -> None:
        for listener in list(self._listeners):
            listener(kind, practice_id)

    def answers(self) -> dict[str, dict]:
        """Every answer the panel shows, by current practice id: the notebook's, then this kernel's."""
        with self._lock:
            merged = dict(self.notebook_answers)
            for practice_id, answer in self.local.items():
                if answer is None:
                    merged.pop(practice_id, None)
                else:
                    merged[practice_id] = answer
            return merged

    def effective(self) -> dict[str, dict]:
        """The answers that apply, each with its scope: the notebook's and this kernel's over the
        workload's (`answers.effective_answers`)."""
        return effective_answers(self.answers(), self.workload_answers)

    def answer_of(self, practice_id: str) -> dict | None:
        return self.effective().get(practice_id)

    def load_workload(self, folder: str | Path) -> None:
        """The answers of the workload's review file covering `folder` (a kernel runs in its notebook's
        folder); a review file that cannot be read is reported as the panel's problem."""
        found = reviews.review_for(Path(folder) / "notebook.ipynb")
        try:
            review = reviews.load(found, self.lens) if found else None
        except MllensError as err:
            self.problem = f"the workload's review file cannot be used: {err}"
            return
        self.workload_answers = reviews.workload_answers(review, self.lens)
        self.review_file = str(found) if found else None

    def record(self, practice_id: str, answer: dict | None, delivery: str) -> None:
        """An answer given in this kernel, and where it stands (PENDING when sent to the notebook)."""
        with self._lock:
            self.local[practice_id] = answer
            self.delivery[practice_id] = (delivery, "")
        self._emit("answer", practice_id)

    def mark(self, practice_id: str, delivery: str, detail: str = "") -> None:
        with self._lock:
            self.delivery[practice_id] = (delivery, detail)
            if delivery == SAVED and practice_id in self.local:
                self._fold(practice_id, self.local.pop(practice_id))
        self._emit("answer", practice_id)

    def _fold(self, practice_id: str, answer: dict | None) -> None:
        if answer is None:
            self.notebook_answers.pop(practice_id, None)
        else:
            self.notebook_answers[practice_id] = answer

    def apply_state(self, metadata: Mapping | None, path: str | None) -> None:
        """The notebook's `metadata.mllens` as the frontend sent it (null when it has none)."""
        errors = namespace_errors(metadata) if metadata is not None else []
        answers = metadata.get("answers") if isinstance(metadata, Mapping) else None
        resolved, unknown = resolve_answers(self.lens, answers if isinstance(answers, Mapping) else {})
        with self._lock:
            self.notebook_answers = resolved
            self.path = path
            phases = (metadata or {}).get("phases")
            self.pinned_phases = [p for p in phases if isinstance(p, str)] if isinstance(phases, list) else []
            self.connection, self.connection_note = CONNECTED, ""
            self.problem = _state_problem(errors, unknown, self.lens.id)
        self._emit("state")

    def set_kernel_only(self, why: str) -> None:
        with self._lock:
            if self.connection == KERNEL_ONLY and self.connection_note == why:
                return
            self.connection, self.connection_note = KERNEL_ONLY, why
        self._emit("connection")

    def set_waiting(self) -> None:
        with self._lock:
            self.connection, self.connection_note = WAITING, ""
        self._emit("connection")

    def report_problem(self, problem: str) -> None:
        self.problem = problem
        self._emit("problem")

    def unsent(self) -> dict[str, dict | None]:
        """Answers given while no notebook listened, to send once one does."""
        with self._lock:
            return {pid: a for pid, a in self.local.items() if self.delivery.get(pid, ("",))[0] in (KERNEL, UNCONFIRMED)}

    def unsaved(self) -> list[str]:
        """Practices whose answer given here reached no notebook (nor file) yet."""
        with self._lock:
            return [pid for pid in self.local if self.delivery.get(pid, ("",))[0] in (KERNEL, UNCONFIRMED, FAILED)]

    def changes_to_save(self) -> dict[str, dict | None]:
        """What `%mllens save` writes: every answer shown, and the answers cleared in this kernel."""
        with self._lock:
            cleared = {pid: None for pid, answer in self.local.items() if answer is None}
        return {**cleared, **self.answers()}


def _state_problem(errors: list, unknown: list[str], lens_id: str) -> str:
    if errors:
        return f"this notebook's mllens metadata is not valid ({describe_errors(errors)}); valid answers are shown"
    if unknown:
        return f"answers for practices lens {lens_id} does not have are ignored: {', '.join(unknown)}"
    return ""
