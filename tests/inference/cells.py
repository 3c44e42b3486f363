"""Cells and notebooks written as tests need them, and what the inference makes of them."""

from __future__ import annotations

from mllens_jupyter.inference import infer_cells


def code(source, **mllens):
    return {"cell_type": "code", "metadata": {"mllens": mllens} if mllens else {}, "source": source}


def md(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def stages_of(*cells):
    return [cell["stages"] for cell in infer_cells(list(cells))]


def reasons_of(result, stage):
    return " | ".join(result["reasons"].get(stage, []))
