"""What the `%mllens` panel shows and holds, as plain objects apart from any widget.

`AnswerStore` holds a kernel's answers for its notebook: the notebook's own (sent by the frontend)
with the answers given in this kernel on top, and where each of those stands (sending, saved in the
notebook, kept in this kernel only...). `Checklist` is one panel's view of it: a lens, a phase, an
optional pillar or practice, why the phase was inferred, and the evidence found in the cells.
No Jupyter import here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .answers import make_answer, namespace_errors, describe_errors, open_risk
from .errors import UsageError
from .lens import Lens, Phase, Pillar, Practice
from .status import resolve_answers

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

    def answer_of(self, practice_id: str) -> dict | None:
        return self.answers().get(practice_id)

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


@dataclass
class Checklist:
    """One panel: which practices it shows, why, and how to answer them."""

    lens: Lens
    store: AnswerStore
    phase: str
    inferred: dict = field(default_factory=dict)
    evidence: dict[str, list] = field(default_factory=dict)
    pillar: str | None = None
    practice: str | None = None
    submit: Callable[[str, dict | None], None] | None = None

    def phase_obj(self) -> Phase:
        return self.lens.phase(self.phase)

    def set_phase(self, phase_id: str) -> None:
        self.lens.phase(phase_id)
        self.phase = phase_id
        self.practice = None

    def pillars(self) -> list[Pillar]:
        shown = self.pillar or (self.lens.practice(self.practice).pillar if self.practice else None)
        return [p for p in self.lens.pillars if shown is None or p.id == shown]

    def practices(self, pillar_id: str) -> list[Practice]:
        if self.practice:
            found = self.lens.practice(self.practice)
            return [found] if found.pillar == pillar_id else []
        return self.lens.practices_for(phase=self.phase, pillar=pillar_id)

    def answer_of(self, practice: Practice) -> dict | None:
        return self.store.answer_of(practice.id)

    def risk_of(self, practice: Practice) -> str | None:
        """The practice's open risk here (the phase shown is taken as present): None when dealt with."""
        return open_risk(practice.risk_if_absent, self.answer_of(practice))

    def counts(self, pillar_id: str) -> dict[str, int]:
        """done (done or not applicable) / total, and open risks, for a pillar's practices shown."""
        practices = self.practices(pillar_id)
        risks = [self.risk_of(p) for p in practices]
        return {"done": risks.count(None), "total": len(practices),
                "high": risks.count("high"), "medium": risks.count("medium")}

    def delivery_of(self, practice: Practice) -> tuple[str, str] | None:
        return self.store.delivery.get(practice.id)

    def answer(self, practice_id: str, status: str | None, note: str = "", reason: str | None = None) -> dict | None:
        """Record a person's answer (None status clears it) and hand it to `submit`; AnswerError if invalid."""
        answer = make_answer(status, note=note or None, reason=reason) if status else None
        if self.submit is None:
            raise UsageError("this checklist cannot record answers")
        self.submit(practice_id, answer)
        return answer


def status_summary(lens: Lens, answers: Mapping[str, dict], present: list[str]) -> dict:
    """Answers and open risks per phase and per pillar; risks count only in phases present."""
    rows = {key: [] for key in ("phases", "pillars")}
    for kind, items, attr in (("phases", lens.phases, "phase"), ("pillars", lens.pillars, "pillar")):
        for item in items:
            practices = [p for p in lens.practices if getattr(p, attr) == item.id]
            rows[kind].append({"id": item.id, "name": item.name, **_tally(practices, answers, present)})
            if kind == "phases":
                rows[kind][-1]["present"] = item.id in present
    return {"lens": lens.id, "answered": sum(1 for p in lens.practices if p.id in answers),
            "practices": len(lens.practices), "present_phases": present, **rows}


def _tally(practices: list[Practice], answers: Mapping[str, dict], present: list[str]) -> dict[str, int]:
    statuses = [(answers.get(p.id) or {}).get("status") for p in practices]
    risks = [open_risk(p.risk_if_absent, answers.get(p.id)) for p in practices if p.phase in present]
    return {"total": len(practices), "answered": len(statuses) - statuses.count(None),
            "done": statuses.count("done"), "partial": statuses.count("partial"),
            "todo": statuses.count("todo"), "not_applicable": statuses.count("not_applicable"),
            "high": risks.count("high"), "medium": risks.count("medium")}
