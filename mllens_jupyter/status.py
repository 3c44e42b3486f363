"""A notebook's recorded answers joined with the lens, grouped by pillar, as plain data."""

from __future__ import annotations

from collections.abc import Mapping

from .answers import answers_of, effective_answers
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


def notebook_status(lens: Lens, notebook: Mapping, path: str, inherited: Mapping[str, dict] | None = None,
                    review: str | None = None) -> dict:
    """What `mllens status` shows: every answer that applies to the notebook, by pillar, each with the
    scope it comes from (the notebook's own, or its workload's `review` file), with counts."""
    own, unknown = resolve_answers(lens, answers_of(notebook))
    answers = effective_answers(own, inherited or {})
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
        "review": review,
        "lens": lens.id,
        "practices": len(lens.practices),
        "answered": len(answers),
        "pillars": pillars,
        "unknown": unknown,
    }
