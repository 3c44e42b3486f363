"""The inference's entry points: stages per cell, and phases per notebook, with or without evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .cells import is_python, notebook_language, walk_cells
from .evidence import EvidenceFinder, find_evidence
from .phases import phases_present, pinned_phases
from .signals import Signals, load_signals


def infer_cells(cells: Sequence[Mapping], signals: Signals | None = None, language: str | None = None) -> list[dict]:
    """Per cell (every cell counted, markdown included): stages, confidence and reasons per stage.

    `language`: the kernel's language when known; code in another language than Python is only
    scanned for tokens, never parsed.
    """
    return walk_cells(cells, signals or load_signals(), language)


def infer_notebook(notebook: Mapping, lens=None, signals: Signals | None = None) -> dict:
    """The cells' stages, the lens phases present in lens order, and the cells showing each phase."""
    return _infer_notebook(notebook, _default_lens() if lens is None else lens, signals or load_signals())


def infer_with_evidence(notebook: Mapping, lens=None) -> tuple[dict, dict]:
    """`infer_notebook(notebook, lens)` and `find_evidence` of its cells in one pass, which parses and
    binds each cell once (what an audit needs: the cells come without their reasons, which no report
    shows)."""
    lens = _default_lens() if lens is None else lens
    if not is_python(notebook_language(notebook)):
        cells = notebook.get("cells") if isinstance(notebook, Mapping) else None
        return _infer_notebook(notebook, lens, load_signals(), reasons=False), find_evidence(cells or [], lens)
    finder = EvidenceFinder(lens)
    return _infer_notebook(notebook, lens, load_signals(), finder, reasons=False), finder.result()


def _default_lens():
    from ..lens import get_lens

    return get_lens()


def _infer_notebook(notebook: Mapping, lens, signals: Signals, evidence: EvidenceFinder | None = None,
                    reasons: bool = True) -> dict:
    cells = walk_cells(notebook.get("cells") if isinstance(notebook, Mapping) else None, signals,
                       notebook_language(notebook), evidence, reasons)
    return {"cells": cells, **phases_present(cells, lens, pinned_phases(notebook), signals)}
