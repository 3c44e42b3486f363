"""The audit report as one self-contained HTML page: no network, works from file://.

Rendered by Jinja2 with autoescaping on, so every string that comes from a notebook (paths, notes,
reasons, evidence) is text, never markup. The page carries one small inline script of its own (search,
filters, sortable columns; `templates/audit.js`), which a Content-Security-Policy allows by its hash
and nothing else: no other script, no remote load. Without JavaScript every row is still there.

Order: the workload view (practices that apply, open risks by pillar and phase, owners and due
dates, the trend across the review's milestones as inline SVG), the evidence found in the code by
practice, the phase x pillar heatmap, then the notebooks grouped by folder. What repeats across
notebooks is written once and referenced: a notebook's open risks are a "risk profile" shared by
every notebook with the same ones, and its evidence lives under the practice.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .base import (
    Report,
    answered_count,
    applicable_count,
    percent,
    phase_names,
    pillar_names,
    pillar_short,
    practice_info,
    sorted_notebooks,
    verdict,
    workload_line,
    worst_first,
)

TEMPLATES = Path(__file__).parent / "templates"
CELL_W, CELL_H, LABEL_W, HEAD_H = 104, 44, 230, 40
NO_DATA = "#e8e8e8"
HINTS_ONLY = "#9ecae1"
STOPS = ((0.0, (215, 48, 39)), (0.5, (254, 224, 139)), (1.0, (26, 152, 80)))
TREND_W, TREND_H, TREND_PAD = 420, 130, 28
CELL_REASON = re.compile(r"cell (\d+): (.*)", re.S)


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(basename=basename, groupby_pair=by_risk_and_status)
    return environment


@lru_cache(maxsize=1)
def page_script() -> tuple[str, str]:
    """The page's own script and its CSP source (`'sha256-...'`)."""
    script = (TEMPLATES / "audit.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return script, f"'sha256-{digest}'"


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


def _cell_state(cell: dict, hinted: int) -> tuple[str, str]:
    """(colour, note) of a heatmap cell; a cell with no answer yet but evidence in the code is blue."""
    if not cell["practices"]:
        return NO_DATA, "no practice"
    if not cell["applicable"]:
        return NO_DATA, ""
    if not cell["covered"]:
        return (HINTS_ONLY, f"no answers · hints for {hinted}") if hinted else (heat_color(0.0), "no answers, no hints")
    return heat_color(cell["coverage"]), f"{cell['open_high']} high open"


def _heat_cell(x: float, y: float, cell: dict, where: str, hinted: int) -> dict:
    color, note = _cell_state(cell, hinted)
    title = (
        f"{where}: {percent(cell['coverage'])} of {cell['applicable']} applicable ({cell['practices']} practices "
        f"in the lens; {cell['open_high']} high, {cell['open_medium']} medium open; evidence in the code for "
        f"{hinted} of its practices)"
    )
    return {"x": x, "y": y, "color": color, "text": percent(cell["coverage"]), "sub": note, "title": title}


def heatmap(report: dict, evidence: dict[str, list]) -> dict:
    """Geometry and colours of the heatmap, for the template to draw."""
    short, pillars, phases = pillar_short(report), pillar_names(report), phase_names(report)
    hinted = Counter((practice_info(report, pid)["phase"], practice_info(report, pid)["pillar"]) for pid in evidence)
    columns = [
        {"x": LABEL_W + i * CELL_W + CELL_W / 2, "label": short[pid], "title": name}
        for i, (pid, name) in enumerate(pillars.items())
    ]
    cells, rows = [], []
    for r, (phase, row) in enumerate(report["matrix"].items()):
        y = HEAD_H + r * CELL_H
        rows.append({"y": y + CELL_H / 2, "label": phases[phase]})
        for c, (pillar, cell) in enumerate(row.items()):
            where = f"{phases[phase]} · {pillars[pillar]}"
            cells.append(_heat_cell(LABEL_W + c * CELL_W, y, cell, where, hinted[(phase, pillar)]))
    return {
        "width": LABEL_W + len(columns) * CELL_W, "height": HEAD_H + len(rows) * CELL_H,
        "columns": columns, "rows": rows, "cells": cells, "cell_w": CELL_W, "cell_h": CELL_H,
    }


def trend(workload: dict) -> dict | None:
    """Open high and medium risks at each milestone and now, as polylines of a small chart."""
    points = [(m["name"], m["date"], m["summary"]) for m in workload.get("milestones") or ()]
    if not points:
        return None
    points.append(("now", "", {"open_high": workload["open"]["high"], "open_medium": workload["open"]["medium"]}))
    top = max(1, *(max(s.get("open_high", 0), s.get("open_medium", 0)) for _, _, s in points))
    step = (TREND_W - 2 * TREND_PAD) / max(1, len(points) - 1)
    xs = [TREND_PAD + i * step for i in range(len(points))]

    def line(key: str) -> str:
        ys = (TREND_H - TREND_PAD - (s.get(key, 0) / top) * (TREND_H - 2 * TREND_PAD) for _, _, s in points)
        return " ".join(f"{x:.0f},{y:.0f}" for x, y in zip(xs, ys))

    labels = [{"x": x, "name": name, "date": date, "high": s.get("open_high", 0), "medium": s.get("open_medium", 0)}
              for x, (name, date, s) in zip(xs, points)]
    return {"width": TREND_W, "height": TREND_H, "high": line("open_high"), "medium": line("open_medium"),
            "labels": labels, "top": top}


def pillar_phase_counts(workload: dict) -> dict[str, Counter]:
    """Open risks of a workload by pillar and by phase."""
    counts: dict[str, Counter] = {"pillar": Counter(), "phase": Counter()}
    for practice in workload["practices"]:
        if practice["risk"]:
            counts["pillar"][practice["pillar"]] += 1
            counts["phase"][practice["phase"]] += 1
    return counts


def by_cells(reasons: list[str]) -> list[str]:
    """Reasons that differ only by their cell said once: "cells 9, 16: mentions 'load_dataset'"."""
    cells: dict[str, list[str]] = {}
    for reason in reasons:
        match = CELL_REASON.fullmatch(reason)
        where, what = (match.group(1), match.group(2)) if match else ("", reason)
        cells.setdefault(what, []).append(where)
    return [f"cell{'s' if len(w) > 1 else ''} {', '.join(w)}: {what}" if all(w) else what for what, w in cells.items()]


def evidence_by_practice(report: dict) -> dict[str, list[tuple[str, list[str]]]]:
    """Per practice (lens order), the notebooks whose code hints at it, with the reasons (cells)."""
    found: dict[str, list] = defaultdict(list)
    for nb in report["notebooks"]:
        for pid, reasons in nb["evidence"].items():
            found[pid].append((nb["path"], by_cells(reasons)))
    order = {pid: i for i, pid in enumerate(report["lens"]["practices"])}
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))


class Links:
    """Where a notebook's links go: relative to the report's folder (or the current one), and under
    `base` (a repository's web view, say) when given."""

    def __init__(self, output: str | None, base: str = "") -> None:
        self.here = os.path.abspath(os.path.dirname(output) if output else os.curdir)
        self.base = base.rstrip("/") + "/" if base else ""

    def relative(self, path: str) -> str:
        return quote(PurePosixPath(Path(os.path.relpath(os.path.abspath(path), self.here))).as_posix(), safe="/")

    def web(self, path: str) -> str | None:
        if not self.base:
            return None
        shown = os.path.relpath(os.path.abspath(path)) if os.path.isabs(path) else path
        return self.base + quote(Path(shown).as_posix().removeprefix("./"), safe="/")


class Profiles:
    """Risk profiles: each distinct list of open risks written once, numbered in order of first use."""

    def __init__(self) -> None:
        self.ids: dict[tuple, int] = {}
        self.items: list[dict] = []

    def of(self, nb: dict) -> int | None:
        risks = tuple((r["practice"], r["risk"], r["status"]) for r in nb["open_risks"])
        if not risks:
            return None
        if risks not in self.ids:
            self.ids[risks] = len(self.items) + 1
            self.items.append({"id": len(self.items) + 1, "risks": risks, "notebooks": 0,
                               "high": sum(1 for r in risks if r[1] == "high")})
        self.items[self.ids[risks] - 1]["notebooks"] += 1
        return self.ids[risks]


def folder_of(path: str) -> str:
    parent = PurePosixPath(Path(path).as_posix()).parent.as_posix()
    return "." if parent in ("", ".") else parent


def notebook_view(nb: dict, profile: int | None, links: Links, anchor: str, phases: dict[str, str]) -> dict:
    """What the template shows of one notebook record (`nb` with its details derived)."""
    risk = "high" if nb["open"]["high"] else "medium" if nb["open"]["medium"] else "none"
    return {
        "nb": nb, "profile": profile, "risk": risk, "href": links.relative(nb["path"]), "web": links.web(nb["path"]),
        "name": basename(nb["path"]), "coverage": percent(nb["coverage"]), "anchor": anchor,
        "phases": ", ".join(phases.get(p, p) for p in nb["phases"]) or "none found",
        "answered": answered_count(nb), "applicable": applicable_count(nb),
    }


def basename(path: str) -> str:
    return PurePosixPath(Path(path).as_posix()).name


def anchors(report: dict) -> dict[str, str]:
    """An id for each notebook's row, so that the evidence can point at it."""
    return {nb["path"]: f"n{i}" for i, nb in enumerate(report["notebooks"])}


def by_risk_and_status(risks: tuple) -> list[tuple[tuple[str, str], list[str]]]:
    """A profile's practice ids grouped by (risk, status), high first."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, risk, status in risks:
        grouped[(risk, status)].append(pid)
    return sorted(grouped.items(), key=lambda item: (item[0][0] != "high", item[0][1]))


def folders(report: dict, links: Links, profiles: Profiles, ids: dict[str, str]) -> list[dict]:
    """The notebooks by folder (folders in path order, notebooks worst first in each)."""
    from ..records import NotebookDetails

    details, names = NotebookDetails(report), phase_names(report)
    grouped: dict[str, list[dict]] = defaultdict(list)
    for nb in sorted_notebooks(report["notebooks"]):
        grouped[folder_of(nb["path"])].append(nb)
    return [{"name": name, "high": sum(nb["open"]["high"] for nb in notebooks),
             "rows": (notebook_view(nb, profiles.of(details.detail(nb)), links, ids[nb["path"]], names)
                      for nb in notebooks),
             "count": len(notebooks)}
            for name, notebooks in sorted(grouped.items())]


def filter_options(report: dict) -> dict[str, list]:
    owners = sorted({p["owner"] for w in report["workloads"] for p in w["practices"] if p["owner"]})
    return {"owners": owners, "folders": sorted({folder_of(nb["path"]) for nb in report["notebooks"]})}


class HtmlReport(Report):
    name = "html"
    extension = ".html"
    media_type = "text/html"
    description = "one self-contained HTML page: workload view, search and filters, notebooks by folder"

    def __init__(self, output: str | None = None, link_base: str = "") -> None:
        self.output, self.link_base = output, link_base

    def render(self, report: dict) -> str:
        return "".join(self.chunks(report))

    def write(self, report: dict, stream) -> None:
        for chunk in self.chunks(report):
            stream.write(chunk)

    def chunks(self, report: dict):
        template = _environment().get_template("audit.html.j2")
        script, script_source = page_script()
        evidence, profiles, ids = evidence_by_practice(report), Profiles(), anchors(report)
        return template.generate(
            report=report, summary=report["summary"], verdict=verdict(report), heatmap=heatmap(report, evidence),
            phases=phase_names(report), pillars=pillar_names(report), evidence=evidence,
            top=[(item, practice_info(report, item["practice"])) for item in report["top_high_risks"]],
            folders=folders(report, Links(self.output, self.link_base), profiles, ids), profiles=profiles, anchors=ids,
            options=filter_options(report), script=script, script_source=script_source, percent=percent,
            safe_url=safe_url, practice=lambda pid: practice_info(report, pid), workload_line=workload_line,
            trend=trend, counts=pillar_phase_counts, worst_first=worst_first, folder_of=folder_of,
        )
