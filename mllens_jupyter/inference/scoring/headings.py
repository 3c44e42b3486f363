"""Headings and markdown: the stages a markdown cell states, and those its headings carry to the code
cells under them.

A heading carries its stage to the code cells under it; where the heading's stage has a `sections`
entry, the code's own stages that serve it (model quality on live data under a monitoring heading)
are read as the heading's stage.
"""

from __future__ import annotations

from ..markdown import heading_stages, markdown_facts, text_stages
from ..signals import Signals
from .context import ACTIVITY_STAGES
from .scores import Scores

OFF_HEADING_SCALE = 0.5
DRAWN_ONLY = frozenset({"visualization"})  # what only the code itself can show: no heading gives it


class Sections:
    """The headings open at a point of the notebook; the innermost one with stages is carried."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str, dict[str, float]]] = []
        self.seen_heading = False

    def enter(self, level: int, title: str, stages: dict[str, float], before_code: bool) -> None:
        is_title = not self.seen_heading and level == 1 and before_code
        self.seen_heading = True
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title, {} if is_title else stages))

    def carried(self) -> tuple[str, dict[str, float]]:
        for _, title, stages in reversed(self.stack):
            if stages:
                return title, stages
        return "", {}


def score_markdown(text: str, sections: Sections, signals: Signals, before_code: bool) -> Scores:
    """The stages a markdown cell's headings and text state; its headings open sections."""
    facts = markdown_facts(text)
    scores = Scores()
    for heading in facts.headings:
        stages = heading_stages(heading.title, signals)
        sections.enter(heading.level, heading.title, stages, before_code=before_code)
        for stage, weight in stages.items():
            scores.add(stage, weight, f"heading {heading.title!r}")
    for stage, (weight, words) in text_stages(facts.body, signals).items():
        scores.add(stage, weight, f"text says {words!r}")
    return scores


def carry_heading(scores: Scores, title: str, stages: dict[str, float], signals: Signals) -> None:
    """The stages of the heading above reach a cell in full when the cell shows that stage or no
    phase of its own, and at a fraction beside another phase; a drawing only where code draws."""
    if not stages:
        return
    present = set(scores.present(signals.threshold))
    if present == {"setup"} and scores.installs_only:
        stages = {s: w for s, w in stages.items() if s == "setup"}
    reason = f"under heading {title!r}"
    for stage in stages:
        _serve_section(scores, stage, present, signals)
    doing = {s for s in scores.present(signals.threshold) if s not in ACTIVITY_STAGES}
    for stage, weight in stages.items():
        carried = weight * signals.heading_carry
        if stage in DRAWN_ONLY and stage not in scores.by_stage:
            continue
        if stage in scores.by_stage or not doing:
            scores.add(stage, carried, reason)
        else:
            scores.add(stage, carried * OFF_HEADING_SCALE, reason)


def _serve_section(scores: Scores, stage: str, present: set[str], signals: Signals) -> None:
    """Code stages that serve the heading's stage are read as it (see `sections` in the tables)."""
    section = signals.sections.get(stage)
    if section is None:
        return
    strong = signals.cells.strong
    for code_stage in sorted(present - ACTIVITY_STAGES - {stage}):
        if code_stage in section.always or (code_stage in section.weak and scores.strength(code_stage) < strong):
            scores.move(code_stage, stage)
