"""Find one thing in a lens by what a person typed: a practice id or alias, a pillar or a phase."""

from __future__ import annotations

from dataclasses import asdict

from .errors import UsageError
from .lens import Lens
from .textview import lens_text, phase_text, pillar_text, practice_text


def lens_item(lens: Lens, key: str | None) -> tuple[str, dict]:
    """(text view, plain data) of the lens itself (key None), or of the practice, pillar or phase `key`."""
    if not key or key == lens.id:
        return lens_text(lens), lens.to_dict()
    practice = lens.find_practice(key)
    if practice is not None:
        return practice_text(lens, practice), asdict(practice)
    normal = key.strip().lower().replace("-", "_").replace(" ", "_")
    for pillar in lens.pillars:
        if normal in (pillar.id, pillar.prefix.lower(), pillar.name.lower().replace(" ", "_")):
            return pillar_text(lens, pillar), {**asdict(pillar), "practices": _ids(lens, pillar=pillar.id)}
    for phase in lens.phases:
        if normal in (phase.id, phase.name.lower().replace(" ", "_")):
            return phase_text(lens, phase), {**asdict(phase), "practices": _ids(lens, phase=phase.id)}
    raise UsageError(f"{key!r} is no practice, pillar or phase of lens {lens.id!r}")


def _ids(lens: Lens, **where: str) -> list[str]:
    return [p.id for p in lens.practices_for(**where)]
