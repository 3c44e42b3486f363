"""A notebook's cells walked in order: each read, scored in the scope of the cells before it, and
labelled with its stages, their confidence and the reasons.

Pure functions of plain data; nothing here raises on any notebook content. A stage a person set in a
cell's `metadata.mllens.stage` always wins over inference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .evidence import EvidenceFinder
from .ipython_syntax import parse_warnings_silenced
from .read_code import cell_facts, source_text
from .reasons import TAG_REASON
from .scope import Scope
from .scoring import Scores, score_cell
from .scoring.headings import Sections, carry_heading, score_markdown
from .signals import Signals


class CellWalk:
    """State of one pass over a notebook's cells: the scope of names and the headings open."""

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
            return cell_result(index, "unknown", Scores(), self.signals, self.reasons)
        cell_type = cell.get("cell_type") if isinstance(cell.get("cell_type"), str) else "unknown"
        text = source_text(cell.get("source"))
        if cell_type == "code":
            scores = self.code(index, text)
        elif cell_type == "markdown":
            scores = score_markdown(text, self.sections, self.signals, before_code=not self.seen_code)
        else:
            scores = Scores()
        tags = tagged_stages(cell, self.signals)
        if tags:
            scores = Scores({stage: {TAG_REASON: 1.0} for stage in tags})
        return cell_result(index, cell_type, scores, self.signals, self.reasons)

    def code(self, index: int, text: str) -> Scores:
        self.seen_code = True
        facts = cell_facts(text, self.python)
        self.scope.bind_cell(facts)
        if self.evidence is not None:
            self.evidence.cell(index, facts, self.scope)
        title, stages = self.sections.carried()
        self.scope.heading = stages
        scores = score_cell(self.scope, facts)
        carry_heading(scores, title, stages, self.signals)
        return scores


def tagged_stages(cell: Mapping, signals: Signals) -> list[str]:
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


def cell_result(index: int, cell_type: str, scores: Scores, signals: Signals, reasons: bool = True) -> dict[str, Any]:
    """A cell's label as plain data: the stages at or above the threshold, in table order."""
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


def cell_list(cells: object) -> list:
    """The cells of a notebook, or a list of cells, as a list; [] for anything else."""
    if isinstance(cells, Mapping):
        cells = cells.get("cells")
    if isinstance(cells, Sequence) and not isinstance(cells, (str, bytes, bytearray)):
        return list(cells)
    return []


def walk_cells(cells: object, signals: Signals, language: str | None,
               evidence: EvidenceFinder | None = None, reasons: bool = True) -> list[dict]:
    walk = CellWalk(signals, python=is_python(language), evidence=evidence, reasons=reasons)
    with parse_warnings_silenced():
        return [walk.cell(index, cell) for index, cell in enumerate(cell_list(cells))]


def is_python(language: object) -> bool:
    """Whether a kernel language is read as Python (unknown languages are)."""
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
