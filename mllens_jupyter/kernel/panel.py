"""What one `%mllens` panel shows, as a plain object apart from any widget: a lens, a phase, an
optional pillar or practice, why the phase was inferred, and the evidence found in the cells; its
answers are those of an `AnswerStore`. No Jupyter import here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..answers import is_covered, make_answer, open_risk
from ..errors import UsageError
from ..lens import Lens, Phase, Pillar, Practice
from .answer_store import AnswerStore


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
        done = sum(1 for p in practices if is_covered(self.answer_of(p)))
        return {"done": done, "total": len(practices),
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
