"""The phases of the lens a notebook's cells show: the ONE place that decides which phases are present
and which phase the work is in.

- `phases_present(cells, lens, pinned)`: the phases present in lens order and the cells showing each.
  A phase is present when its cells carry real weight (enough cells, a share of them, or one strong
  signal: see `presence` in the tables), so that one incidental cell does not make practices apply;
  a phase a person pinned (`metadata.mllens.phases`) is present whatever the cells show.
- `current_phase(cells, lens, around)`: the phase of the work so far, or around one cell.

Every surface (audit, CLI, sidebar, `%mllens status`) calls these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .cells import cell_list
from .reasons import TAG_REASON
from .signals import Signals, load_signals

RECENT_DECAY = 0.5
NEIGHBOUR_WINDOW = 3
NEIGHBOUR_SCALE = 0.8


def phases_present(cells: Sequence[Mapping], lens, pinned: Iterable[str] = (), signals: Signals | None = None) -> dict:
    """The phases present in lens order, the cells showing each, and which of them a person pinned.

    `cells`: per-cell results of the inference; `pinned`: phase ids a person pinned (unknown ones ignored).
    """
    signals = signals or load_signals()
    phase_cells: dict[str, list[int]] = {}
    strong: set[str] = set()
    for cell in cells:
        for phase, confidence in _cell_phases(cell, lens, signals).items():
            phase_cells.setdefault(phase, []).append(cell["index"])
            if confidence >= signals.presence.strong:
                strong.add(phase)
    known = {phase.id for phase in lens.phases}
    pinned = {p for p in pinned if isinstance(p, str) and p in known}
    carried = _weighty_phases(phase_cells, strong, _markdown_phases(lens, signals), signals)
    phases = [phase.id for phase in lens.phases if phase.id in carried or phase.id in pinned]
    return {
        "phases": phases,
        "phase_cells": {phase: phase_cells.get(phase, []) for phase in phases},
        "pinned": [phase for phase in phases if phase in pinned],
    }


def pinned_phases(notebook: object) -> list[str]:
    """The phases a person pinned in a notebook's `metadata.mllens.phases` (as written)."""
    metadata = notebook.get("metadata") if isinstance(notebook, Mapping) else None
    namespace = metadata.get("mllens") if isinstance(metadata, Mapping) else None
    pinned = namespace.get("phases") if isinstance(namespace, Mapping) else None
    return [p for p in pinned if isinstance(p, str)] if isinstance(pinned, list) else []


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


def current_phase(cells_result: Sequence[Mapping] | Mapping, lens, around: int | None = None) -> dict:
    """The phase of the work: of the cells so far, recent ones weighing more (`around=None`), or of
    cell `around`, whose own stage dominates; a setup- or visualization-only cell takes the phase of
    its neighbours."""
    cells = [c for c in cell_list(cells_result) if isinstance(c, Mapping)]
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
