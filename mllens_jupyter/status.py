"""A notebook's recorded answers joined with the lens, grouped by pillar, as plain data."""

from __future__ import annotations

from collections.abc import Mapping

from .answers import answers_of, effective_answers, open_risk
from .lens import Lens


def resolve_answers(lens: Lens, answers: Mapping[str, dict]) -> tuple[dict[str, dict], list[str]]:
    """Answers keyed by current practice id (2023 aliases resolved), and the keys the lens lacks.

    When both an alias and the current id are answered, the more recently updated answer wins.
    """
    resolved: dict[str, dict] = {}
    unknown: list[str] = []
    for key, answer in answers.items():
        practice = lens.find_practice(key)
        if practice is None or not isinstance(answer, dict):
            unknown.append(key)
            continue
        previous = resolved.get(practice.id)
        if previous is None or str(answer.get("updated", "")) > str(previous.get("updated", "")):
            resolved[practice.id] = answer
    return resolved, sorted(unknown)


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
