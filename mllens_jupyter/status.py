"""What the status views show, as plain data: a notebook's answers by pillar (`mllens status`), and
answers and open risks per phase and per pillar (`%mllens status`)."""

from __future__ import annotations

from collections.abc import Mapping

from .answers import answers_of, open_risk, resolve_answers
from .lens import Lens, Practice


def notebook_status(lens: Lens, notebook: Mapping, path: str) -> dict:
    """What `mllens status` shows: every answer, by pillar, with counts."""
    answers, unknown = resolve_answers(lens, answers_of(notebook))
    pillars = []
    for pillar in lens.pillars:
        practices = lens.practices_for(pillar=pillar.id)
        rows = [
            {"id": p.id, "title": p.title, "phase": p.phase, **answers[p.id]}
            for p in practices
            if p.id in answers
        ]
        pillars.append({"id": pillar.id, "name": pillar.name, "practices": len(practices), "answers": rows})
    return {
        "path": path,
        "lens": lens.id,
        "practices": len(lens.practices),
        "answered": len(answers),
        "pillars": pillars,
        "unknown": unknown,
    }


def status_summary(lens: Lens, answers: Mapping[str, dict], present: list[str]) -> dict:
    """Answers and open risks per phase and per pillar; risks count only in phases present."""
    rows = {key: [] for key in ("phases", "pillars")}
    for kind, items, attr in (("phases", lens.phases, "phase"), ("pillars", lens.pillars, "pillar")):
        for item in items:
            practices = [p for p in lens.practices if getattr(p, attr) == item.id]
            rows[kind].append({"id": item.id, "name": item.name, **_tally(practices, answers, present)})
            if kind == "phases":
                rows[kind][-1]["present"] = item.id in present
    return {"lens": lens.id, "answered": sum(1 for p in lens.practices if p.id in answers),
            "practices": len(lens.practices), "present_phases": present, **rows}


def _tally(practices: list[Practice], answers: Mapping[str, dict], present: list[str]) -> dict[str, int]:
    statuses = [(answers.get(p.id) or {}).get("status") for p in practices]
    risks = [open_risk(p.risk_if_absent, answers.get(p.id)) for p in practices if p.phase in present]
    return {"total": len(practices), "answered": len(statuses) - statuses.count(None),
            "done": statuses.count("done"), "partial": statuses.count("partial"),
            "todo": statuses.count("todo"), "not_applicable": statuses.count("not_applicable"),
            "high": risks.count("high"), "medium": risks.count("medium")}
