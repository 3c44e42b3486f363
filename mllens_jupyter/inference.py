"""Lifecycle stages of notebook cells, and the phases of the lens they make present.

Pure functions of plain data; no Jupyter import; nothing here raises on any notebook content.

- `infer_cells(cells)`: per cell (markdown included), its stages with a confidence and the reasons.
- `infer_notebook(notebook, lens)`: the cells, the lens phases present (inferred or pinned by a person
  in `metadata.mllens.phases`) and which cells show each phase. A phase is inferred present when its
  cells carry real weight (enough cells, a share of them, or one strong signal: see `presence` in the
  tables), so that one incidental cell does not make practices apply.
- `current_phase(cells_result, lens, around)`: the phase of the work so far, or around one cell.
- `find_evidence(cells, lens)`: which practices' evidence (imports, calls, keywords) the code shows.

Signals come from the tables in lens/signals/stages.yaml (see `signals.py`). A stage a person set in
a cell's `metadata.mllens.stage` always wins over inference. A heading carries its stage to the code
cells under it; where the heading's stage has a `sections` entry, the code's own stages that serve it
(model quality on live data under a monitoring heading) are read as the heading's stage.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from .cellcode import cell_facts, parse_warnings_silenced, source_text
from .cellstages import ACTIVITY_STAGES, CellScorer, Scores
from .evidence import EvidenceFinder, find_evidence
from .markdown_signals import heading_stages, markdown_facts, text_stages
from .scope import Scope
from .signals import Signals, load_signals

__all__ = ["infer_cells", "infer_notebook", "current_phase", "find_evidence", "TAG_REASON"]

TAG_REASON = "tagged by you in cell metadata"
PIN_REASON = "pinned by you in notebook metadata"
OFF_HEADING_SCALE = 0.5
DRAWN_ONLY = frozenset({"visualization"})  # what only the code itself can show: no heading gives it
RECENT_DECAY = 0.5
NEIGHBOUR_WINDOW = 3
NEIGHBOUR_SCALE = 0.8


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


class _Walk:
    """State of one pass over a notebook's cells."""

    def __init__(self, signals: Signals, python: bool = True, evidence: EvidenceFinder | None = None,
                 reasons: bool = True) -> None:
        self.signals = signals
        self.python = python
        self.evidence = evidence
        self.reasons = reasons
        self.scope = Scope(signals)
        self.sections = Sections()
        self.seen_code = False

    def cell(self, index: int, cell: object) -> dict[str, Any]:
        if type(cell) is not dict and not isinstance(cell, Mapping):
            return _result(index, "unknown", Scores(), self.signals, self.reasons)
        cell_type = cell.get("cell_type") if isinstance(cell.get("cell_type"), str) else "unknown"
        text = source_text(cell.get("source"))
        if cell_type == "code":
            scores = self.code(index, text)
        elif cell_type == "markdown":
            scores = self.markdown(text)
        else:
            scores = Scores()
        tags = _tagged_stages(cell, self.signals)
        if tags:
            scores = Scores({stage: {TAG_REASON: 1.0} for stage in tags})
        return _result(index, cell_type, scores, self.signals, self.reasons)

    def code(self, index: int, text: str) -> Scores:
        self.seen_code = True
        facts = cell_facts(text, self.python)
        self.scope.bind_cell(facts)
        if self.evidence is not None:
            self.evidence.cell(index, facts, self.scope)
        title, stages = self.sections.carried()
        self.scope.heading = stages
        scores = CellScorer(self.scope).score(facts)
        self._carry_heading(scores, title, stages)
        return scores

    def _carry_heading(self, scores: Scores, title: str, stages: dict[str, float]) -> None:
        """The stages of the heading above reach a cell in full when the cell shows that stage or no
        phase of its own, and at a fraction beside another phase; a drawing only where code draws."""
        if not stages:
            return
        present = set(scores.present(self.signals.threshold))
        if present == {"setup"} and scores.installs_only:
            stages = {s: w for s, w in stages.items() if s == "setup"}
        reason = f"under heading {title!r}"
        for stage in stages:
            self._serve_section(scores, stage, present)
        doing = {s for s in scores.present(self.signals.threshold) if s not in ACTIVITY_STAGES}
        for stage, weight in stages.items():
            carried = weight * self.signals.heading_carry
            if stage in DRAWN_ONLY and stage not in scores.by_stage:
                continue
            if stage in scores.by_stage or not doing:
                scores.add(stage, carried, reason)
            else:
                scores.add(stage, carried * OFF_HEADING_SCALE, reason)

    def _serve_section(self, scores: Scores, stage: str, present: set[str]) -> None:
        """Code stages that serve the heading's stage are read as it (see `sections` in the tables)."""
        section = self.signals.sections.get(stage)
        if section is None:
            return
        strong = self.signals.cells.strong
        for code_stage in sorted(present - ACTIVITY_STAGES - {stage}):
            if code_stage in section.always or (code_stage in section.weak and scores.strength(code_stage) < strong):
                scores.move(code_stage, stage)

    def markdown(self, text: str) -> Scores:
        facts = markdown_facts(text)
        scores = Scores()
        for heading in facts.headings:
            stages = heading_stages(heading.title, self.signals)
            self.sections.enter(heading.level, heading.title, stages, before_code=not self.seen_code)
            for stage, weight in stages.items():
                scores.add(stage, weight, f"heading {heading.title!r}")
        for stage, (weight, words) in text_stages(facts.body, self.signals).items():
            scores.add(stage, weight, f"text says {words!r}")
        return scores


def _tagged_stages(cell: Mapping, signals: Signals) -> list[str]:
    """The stages a person set in `metadata.mllens.stage` (str or list), known ones only."""
    metadata = cell.get("metadata")
    if type(metadata) is dict and "mllens" not in metadata:
        return []
    namespace = metadata.get("mllens") if isinstance(metadata, Mapping) else None
    tag = namespace.get("stage") if isinstance(namespace, Mapping) else None
    values = [tag] if isinstance(tag, str) else tag if isinstance(tag, list) else []
    if not values:
        return []
    names = {str(v).strip().lower().replace(" ", "_").replace("-", "_") for v in values if isinstance(v, str)}
    return [stage for stage in signals.stages if stage in names]


def _result(index: int, cell_type: str, scores: Scores, signals: Signals, reasons: bool = True) -> dict[str, Any]:
    scored = scores.by_stage
    if not scored:
        return {"index": index, "cell_type": cell_type, "stages": [], "confidence": {}, "reasons": {}}
    threshold = signals.threshold
    confidence = {}
    for stage in signals.stages:
        if stage in scored:
            value = round(scores.confidence(stage), 2)
            if value >= threshold:
                confidence[stage] = value
    return {
        "index": index,
        "cell_type": cell_type,
        "stages": list(confidence),
        "confidence": confidence,
        "reasons": {stage: scores.reasons(stage) for stage in confidence} if reasons else {},
    }


def _cell_list(cells: object) -> list:
    if isinstance(cells, Mapping):
        cells = cells.get("cells")
    if isinstance(cells, Sequence) and not isinstance(cells, (str, bytes, bytearray)):
        return list(cells)
    return []


def infer_cells(cells: Sequence[Mapping], signals: Signals | None = None, language: str | None = None) -> list[dict]:
    """Per cell (every cell counted, markdown included): stages, confidence and reasons per stage.

    `language`: the kernel's language when known; code in another language than Python is only
    scanned for tokens, never parsed.
    """
    return _walk_cells(cells, signals or load_signals(), language)


def _walk_cells(cells: object, signals: Signals, language: str | None,
                evidence: EvidenceFinder | None = None, reasons: bool = True) -> list[dict]:
    walk = _Walk(signals, python=_is_python(language), evidence=evidence, reasons=reasons)
    with parse_warnings_silenced():
        return [walk.cell(index, cell) for index, cell in enumerate(_cell_list(cells))]


def _is_python(language: object) -> bool:
    return not isinstance(language, str) or not language.strip() or language.strip().lower().startswith(
        ("python", "ipython", "pyspark", "pypy"))


def notebook_language(notebook: object) -> str | None:
    """The kernel language a notebook declares (`language_info.name`, else `kernelspec.language`)."""
    metadata = notebook.get("metadata") if isinstance(notebook, Mapping) else None
    if not isinstance(metadata, Mapping):
        return None
    for key, field in (("language_info", "name"), ("kernelspec", "language")):
        section = metadata.get(key)
        if isinstance(section, Mapping) and isinstance(section.get(field), str):
            return section[field]
    return None


def infer_notebook(notebook: Mapping, lens=None, signals: Signals | None = None) -> dict:
    """The cells' stages, the lens phases present in lens order, and the cells showing each phase."""
    if lens is None:
        from .lens import get_lens

        lens = get_lens()
    finder, for_audit = getattr(_PENDING, "finder", None), getattr(_PENDING, "for_audit", False)
    _PENDING.finder, _PENDING.for_audit = None, False
    return _infer_notebook(notebook, lens, signals or load_signals(), finder, reasons=not for_audit)


_PENDING = threading.local()


def infer_with_evidence(notebook: Mapping, lens=None) -> tuple[dict, dict]:
    """`infer_notebook(notebook, lens)` and `find_evidence` of its cells in one pass, which parses and
    binds each cell once (what an audit needs: the cells come without their reasons, which no report
    shows). The module's `infer_notebook` is called, so that a replaced one is honoured; its evidence
    is taken only when the real walk ran."""
    if lens is None:
        from .lens import get_lens

        lens = get_lens()
    python = _is_python(notebook_language(notebook))
    finder = EvidenceFinder(lens) if python else None
    _PENDING.finder, _PENDING.for_audit = finder, True
    try:
        inferred = infer_notebook(notebook, lens)
    finally:
        _PENDING.finder, _PENDING.for_audit = None, False
    if finder is not None and finder.complete:
        return inferred, finder.result()
    cells = notebook.get("cells") if isinstance(notebook, Mapping) else None
    return inferred, find_evidence(cells or [], lens)


def _infer_notebook(notebook: Mapping, lens, signals: Signals, evidence: EvidenceFinder | None = None,
                    reasons: bool = True) -> dict:
    cells = _walk_cells(notebook.get("cells") if isinstance(notebook, Mapping) else None, signals,
                        notebook_language(notebook), evidence, reasons)
    if evidence is not None:
        evidence.complete = True
    phase_cells: dict[str, list[int]] = {}
    strong: set[str] = set()
    for cell in cells:
        for phase, confidence in _cell_phases(cell, lens, signals).items():
            phase_cells.setdefault(phase, []).append(cell["index"])
            if confidence >= signals.presence.strong:
                strong.add(phase)
    pinned = _pinned_phases(notebook, lens)
    carried = _weighty_phases(phase_cells, strong, _markdown_phases(lens, signals), signals)
    phases = [phase.id for phase in lens.phases if phase.id in carried or phase.id in pinned]
    return {
        "cells": cells,
        "phases": phases,
        "phase_cells": {phase: phase_cells.get(phase, []) for phase in phases},
        "pinned": [phase for phase in phases if phase in pinned],
    }


def _cell_phases(cell: Mapping, lens, signals: Signals) -> dict[str, float]:
    """The phases a cell shows, with the confidence of its strongest stage of each; markdown counts
    only for the stages code cannot show. A person's tag is certain."""
    phases: dict[str, float] = {}
    for stage in cell["stages"]:
        tagged = TAG_REASON in cell["reasons"].get(stage, ())
        if cell["cell_type"] != "code" and not tagged and stage not in signals.markdown_phase_stages:
            continue
        phase = lens.phase_of_stage(stage)
        if phase:
            confidence = 1.0 if tagged else cell["confidence"].get(stage, 0.0)
            phases[phase] = max(phases.get(phase, 0.0), confidence)
    return phases


def _markdown_phases(lens, signals: Signals) -> set[str]:
    return {phase for phase in map(lens.phase_of_stage, signals.markdown_phase_stages) if phase}


def _weighty_phases(phase_cells: dict[str, list[int]], strong: set[str], markdown: set[str],
                    signals: Signals) -> set[str]:
    """The phases whose cells carry real weight: enough cells, a share of the cells that show a
    phase, one strong signal, or (for phases only markdown shows) one cell."""
    presence = signals.presence
    showing = len({index for indexes in phase_cells.values() for index in indexes})
    return {phase for phase, indexes in phase_cells.items()
            if phase in strong or phase in markdown or len(indexes) >= presence.min_cells
            or len(indexes) >= presence.min_share * showing}


def _pinned_phases(notebook: object, lens) -> set[str]:
    metadata = notebook.get("metadata") if isinstance(notebook, Mapping) else None
    namespace = metadata.get("mllens") if isinstance(metadata, Mapping) else None
    pinned = namespace.get("phases") if isinstance(namespace, Mapping) else None
    known = {phase.id for phase in lens.phases}
    return {p for p in pinned if isinstance(p, str) and p in known} if isinstance(pinned, list) else set()


def current_phase(cells_result: Sequence[Mapping] | Mapping, lens, around: int | None = None) -> dict:
    """The phase of the work: of the cells so far, recent ones weighing more (`around=None`), or of
    cell `around`, whose own stage dominates; a setup- or visualization-only cell takes the phase of
    its neighbours."""
    cells = [c for c in _cell_list(cells_result) if isinstance(c, Mapping)]
    if around is None:
        return _recent_phase(cells, lens)
    if isinstance(around, bool) or not isinstance(around, int):
        return _no_phase()
    position = next((i for i, c in enumerate(cells) if c.get("index") == around), None)
    if position is None:
        return _no_phase()
    return _phase_at(cells, position, lens)


def _no_phase() -> dict:
    return {"phase": None, "confidence": 0.0, "reasons": [], "stages": {}}


def _phase_scores(cell: Mapping, lens) -> dict[str, tuple[float, str, str]]:
    """Phase -> (confidence, stage, top reason) of the strongest stage of that phase in a cell."""
    found: dict[str, tuple[float, str, str]] = {}
    confidence = cell.get("confidence") if isinstance(cell.get("confidence"), Mapping) else {}
    reasons = cell.get("reasons") if isinstance(cell.get("reasons"), Mapping) else {}
    for stage in cell.get("stages") or ():
        phase = lens.phase_of_stage(stage) if isinstance(stage, str) else None
        value = confidence.get(stage, 0.0)
        if phase and isinstance(value, (int, float)) and value > found.get(phase, (0.0,))[0]:
            top = (reasons.get(stage) or [stage])[0]
            found[phase] = (float(value), stage, str(top))
    return found


def _cell_label(cell: Mapping) -> str:
    index = cell.get("index")
    return f"cell {index + 1}" if isinstance(index, int) else "a cell"


def _recent_phase(cells: list[Mapping], lens) -> dict:
    totals: dict[str, float] = {}
    stages: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    weight, seen = 1.0, 0.0
    for cell in reversed(cells):
        found = _phase_scores(cell, lens)
        if not found:
            continue
        for phase, (value, stage, top) in found.items():
            totals[phase] = totals.get(phase, 0.0) + weight * value
            stages[stage] = round(stages.get(stage, 0.0) + weight * value, 3)
            reasons.setdefault(phase, []).append(f"{_cell_label(cell)}: {top}")
        seen += weight
        weight *= RECENT_DECAY
    if not totals:
        return _no_phase()
    best = max(totals, key=lambda p: (totals[p], -_phase_order(lens, p)))
    return {"phase": best, "confidence": round(min(1.0, totals[best] / seen), 2), "reasons": reasons[best][:3],
            "stages": stages}


def _phase_order(lens, phase: str) -> int:
    return next((i for i, p in enumerate(lens.phases) if p.id == phase), 0)


def _phase_at(cells: list[Mapping], position: int, lens) -> dict:
    cell = cells[position]
    confidence = cell.get("confidence") if isinstance(cell.get("confidence"), Mapping) else {}
    own = _phase_scores(cell, lens)
    if own:
        phase, (value, _, top) = max(own.items(), key=lambda item: item[1][0])
        found = {"phase": phase, "confidence": round(value, 2), "reasons": [f"{_cell_label(cell)}: {top}"]}
    else:
        found = _neighbours_phase(cells, position, lens)
    return {**found, "stages": dict(confidence)}


def _neighbours_phase(cells: list[Mapping], position: int, lens) -> dict:
    """The phase of the cells around one that shows none, the nearer weighing more."""
    totals: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    for distance in range(1, NEIGHBOUR_WINDOW + 1):
        for neighbour in (position - distance, position + distance):
            if not 0 <= neighbour < len(cells):
                continue
            for phase, (value, _, top) in _phase_scores(cells[neighbour], lens).items():
                totals[phase] = totals.get(phase, 0.0) + value / distance
                reasons.setdefault(phase, []).append(f"{_cell_label(cells[neighbour])}: {top}")
    if not totals:
        return _no_phase()
    best = max(totals, key=lambda p: (totals[p], -_phase_order(lens, p)))
    share = totals[best] / sum(totals.values())
    what = ", ".join(cells[position].get("stages") or []) or "no stage"
    lead = f"{_cell_label(cells[position])} is {what} only; it takes the phase of its neighbours"
    return {"phase": best, "confidence": round(share * NEIGHBOUR_SCALE, 2), "reasons": [lead, *reasons[best][:2]]}
