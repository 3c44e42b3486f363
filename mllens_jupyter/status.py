"""What the status views show, as plain data: a notebook's answers by pillar (`mllens status`), and
answers and open risks per phase and per pillar (`%mllens status`)."""

from __future__ import annotations

from collections.abc import Mapping

from .answers import answers_of, effective_answers, open_risk, resolve_answers
from .lens import Lens, Practice


def notebook_status(lens: Lens, notebook: Mapping, path: str, present: list[str] | None = None,
                    inherited: Mapping[str, dict] | None = None, review: str | None = None) -> dict:
    """What `mllens status` shows: every answer that applies to the notebook, by pillar, each with the
    scope it comes from (the notebook's own, or its workload's `review` file), with counts, and the
    open risks of the practices of the phases `present` (as `%mllens status` counts them)."""
    own, unknown = resolve_answers(lens, answers_of(notebook))
    answers = effective_answers(own, inherited or {})
    risks = open_risks(lens, answers, present or [])
    pillars = []
    for pillar in lens.pillars:
        practices = lens.practices_for(pillar=pillar.id)
        rows = [
            {"id": p.id, "title": p.title, "phase": p.phase, **answers[p.id]}
            for p in practices
            if p.id in answers
        ]
        levels = [r["risk"] for r in risks if r["pillar"] == pillar.id]
        pillars.append({"id": pillar.id, "name": pillar.name, "practices": len(practices), "answers": rows,
                        "high": levels.count("high"), "medium": levels.count("medium")})
    return {
        "path": path,
        "review": review,
        "lens": lens.id,
        "practices": len(lens.practices),
        "answered": len(answers),
        "present_phases": list(present or []),
        "open_risks": risks,
        "pillars": pillars,
        "unknown": unknown,
    }


def open_risks(lens: Lens, answers: Mapping[str, dict], present: list[str]) -> list[dict]:
    """The practices of the phases present still carrying a risk (neither done nor not applicable)."""
    found = []
    for practice in lens.practices:
        risk = open_risk(practice.risk_if_absent, answers.get(practice.id)) if practice.phase in present else None
        if risk:
            found.append({"id": practice.id, "title": practice.title, "pillar": practice.pillar,
                          "phase": practice.phase, "risk": risk})
    return found


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
