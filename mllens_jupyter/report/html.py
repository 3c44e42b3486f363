"""The audit report as one self-contained HTML page: no network, no JavaScript.

Rendered by Jinja2 with autoescaping on, so every string that comes from a notebook (paths, notes,
reasons, evidence) is text, never markup; a Content-Security-Policy forbids scripts and remote loads
as a second guard. The phase x pillar heatmap is inline SVG; per-notebook details use <details>.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .base import (
    Report,
    answered_count,
    applicable_rows,
    percent,
    phase_names,
    pillar_names,
    pillar_short,
    practice_info,
    verdict,
    workload_line,
)

TEMPLATES = Path(__file__).parent / "templates"
CELL_W, CELL_H, LABEL_W, HEAD_H = 104, 44, 230, 40
NO_DATA = "#e8e8e8"
STOPS = ((0.0, (215, 48, 39)), (0.5, (254, 224, 139)), (1.0, (26, 152, 80)))


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def heat_color(coverage: float | None) -> str:
    """A red-yellow-green colour for a coverage share; grey when there is nothing to cover."""
    if coverage is None:
        return NO_DATA
    for (low, a), (high, b) in zip(STOPS, STOPS[1:]):
        if coverage <= high:
            t = (coverage - low) / (high - low)
            return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))
    return "#%02x%02x%02x" % STOPS[-1][1]


def safe_url(url: str | None) -> bool:
    """Only http(s) links are made clickable (a lens from elsewhere could hold javascript: URLs)."""
    return bool(url) and str(url).startswith(("https://", "http://"))


def _cell_note(cell: dict) -> str:
    if not cell["practices"]:
        return "no practice"
    return f"{cell['open_high']} high open" if cell["applicable"] else ""


def _heat_cell(x: float, y: float, cell: dict, where: str) -> dict:
    title = (
        f"{where}: {percent(cell['coverage'])} of {cell['applicable']} applicable ({cell['practices']} practices "
        f"in the lens; {cell['open_high']} high, {cell['open_medium']} medium open)"
    )
    return {"x": x, "y": y, "color": heat_color(cell["coverage"]), "text": percent(cell["coverage"]),
            "sub": _cell_note(cell), "title": title}


def heatmap(report: dict) -> dict:
    """Geometry and colours of the heatmap, for the template to draw."""
    short, pillars, phases = pillar_short(report), pillar_names(report), phase_names(report)
    columns = [
        {"x": LABEL_W + i * CELL_W + CELL_W / 2, "label": short[pid], "title": name}
        for i, (pid, name) in enumerate(pillars.items())
    ]
    cells, rows = [], []
    for r, (phase, row) in enumerate(report["matrix"].items()):
        y = HEAD_H + r * CELL_H
        rows.append({"y": y + CELL_H / 2, "label": phases[phase]})
        for c, (pillar, cell) in enumerate(row.items()):
            cells.append(_heat_cell(LABEL_W + c * CELL_W, y, cell, f"{phases[phase]} · {pillars[pillar]}"))
    return {
        "width": LABEL_W + len(columns) * CELL_W, "height": HEAD_H + len(rows) * CELL_H,
        "columns": columns, "rows": rows, "cells": cells, "cell_w": CELL_W, "cell_h": CELL_H,
    }


def notebook_view(report: dict, nb: dict) -> dict:
    """What the template shows of one notebook record (`nb` with its details derived)."""
    return {
        "nb": nb,
        "coverage": percent(nb["coverage"]),
        "bar": round((nb["coverage"] or 0) * 100),
        "high": nb["open"]["high"],
        "medium": nb["open"]["medium"],
        "answered": answered_count(nb),
        "rows": list(applicable_rows(report, nb)),
    }


class HtmlReport(Report):
    name = "html"
    extension = ".html"
    media_type = "text/html"
    description = "one self-contained HTML page with a phase x pillar heatmap"

    def render(self, report: dict) -> str:
        from ..audit import NotebookDetails

        template, details = _environment().get_template("audit.html.j2"), NotebookDetails(report)
        return template.render(
            report=report,
            summary=report["summary"],
            verdict=verdict(report),
            heatmap=heatmap(report),
            phases=phase_names(report),
            pillars=pillar_names(report),
            top=[(item, practice_info(report, item["practice"])) for item in report["top_high_risks"]],
            notebooks=(notebook_view(report, details.detail(nb)) for nb in report["notebooks"]),
            percent=percent,
            safe_url=safe_url,
            practice=lambda pid: practice_info(report, pid),
            workload_line=workload_line,
        )
