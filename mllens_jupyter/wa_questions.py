"""Where each practice sits in the Well-Architected Tool: its question and choice ids, read from the
custom-lens export (`mllens lens export --format wa-tool`) so that the export and the sync share one
source."""

from __future__ import annotations

from dataclasses import dataclass

from .lens import Lens
from .wa_tool import choice_id, to_custom_lens


@dataclass(frozen=True)
class Question:
    """One question of the exported lens: its id, its pillar's id, and its choice id per practice."""

    id: str
    pillar_id: str
    choices: dict[str, str]

    def practice_of(self, choice: str) -> str | None:
        """The practice id behind a choice id of this question (None for "None of these")."""
        return next((pid for pid, cid in self.choices.items() if cid == choice), None)


def questions_of(lens: Lens) -> list[Question]:
    """The exported questions in export order, each with its practices in lens order."""
    practice_for = {choice_id(p): p.id for p in lens.practices}
    return [
        Question(question["id"], pillar["id"],
                 {practice_for[c["id"]]: c["id"] for c in question["choices"] if c["id"] in practice_for})
        for pillar in to_custom_lens(lens)["pillars"]
        for question in pillar["questions"]
    ]
