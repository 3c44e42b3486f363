"""Evidence per stage for one cell: weights, the statements they come from, and how reasons read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

MAX_REASONS = 6
CELL_WIDE = -1


@dataclass(slots=True)
class Scores:
    """Evidence per stage: reason -> weight (the strongest weight of each distinct reason), the
    statements each stage's evidence comes from, glances kept aside (see `weighing`), the stages a
    statement is plainly for (never incidental), and how a reason is shown where that is not its
    text (a call is evidence once by the API it calls, however many variables it is called on;
    it is shown as the cell first writes it)."""

    by_stage: dict[str, dict[str, float]] = field(default_factory=dict)
    stmts: dict[str, set[int]] = field(default_factory=dict)
    glances: dict[str, dict[str, float]] = field(default_factory=dict)
    installs_only: bool = False
    intended: set[str] = field(default_factory=set)
    labels: dict[str, Callable[[], str]] = field(default_factory=dict)

    def add(self, stage: str, weight: float, reason: str, stmt: int = CELL_WIDE, glance: bool = False) -> None:
        reasons = (self.glances if glance else self.by_stage).setdefault(stage, {})
        if weight > reasons.get(reason, 0.0):
            reasons[reason] = weight
        if not glance:
            statements = self.stmts.setdefault(stage, set())
            if stmt != CELL_WIDE:
                statements.add(stmt)

    def confidence(self, stage: str) -> float:
        remaining = 1.0
        for weight in self.by_stage.get(stage, {}).values():
            remaining *= 1.0 - weight
        return 1.0 - remaining

    def strength(self, stage: str) -> float:
        """The weight of the strongest single piece of evidence for a stage."""
        return max(self.by_stage.get(stage, {}).values(), default=0.0)

    def reasons(self, stage: str) -> list[str]:
        ranked = sorted(self.by_stage.get(stage, {}).items(), key=lambda item: -item[1])
        return [self.shown(reason) for reason, _ in ranked[:MAX_REASONS]]

    def shown(self, reason: str) -> str:
        """How a reason reads (its label is written only when it is shown)."""
        label = self.labels.get(reason)
        return reason if label is None else label()

    def label(self, reason: str, render: Callable[..., str], *args: object) -> None:
        """How a reason reads, if it has no label yet: `render(*args)`, called when it is shown."""
        if reason not in self.labels:
            self.labels[reason] = partial(render, *args)

    def drop(self, stage: str) -> None:
        self.intended.discard(stage)
        self.by_stage.pop(stage, None)
        self.stmts.pop(stage, None)

    def present(self, threshold: float) -> list[str]:
        return [stage for stage in self.by_stage if self.confidence(stage) >= threshold]

    def move(self, stage: str, to: str) -> None:
        """Read a stage's evidence as another stage's: its reasons and statements go to `to`."""
        for reason, weight in self.by_stage.get(stage, {}).items():
            self.add(to, weight, reason)
        self.stmts.setdefault(to, set()).update(self.stmts.get(stage, ()))
        self.drop(stage)
