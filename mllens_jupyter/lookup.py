"""What a person typed, found in a lens: a practice (id or 2023 alias), a pillar or a phase.

One rule for every surface (`mllens lens show`, `%mllens TARGET`, `%mllens --pillar`): an exact match
first (a practice's id or alias; a pillar's id, prefix or name; a phase's id or name; case, spaces,
`-` and `_` alike), then an unambiguous beginning of a pillar's or a phase's id or name (`monitor`,
`perf`). A beginning shared by several is an error that names them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from .errors import UsageError
from .lens import Lens, Phase, Pillar, Practice

KINDS = ("practice", "pillar", "phase")


class Found(NamedTuple):
    kind: str
    item: Practice | Pillar | Phase


def find(lens: Lens, key: str, kinds: Sequence[str] = KINDS) -> Found:
    """The practice, pillar or phase (of `kinds`) that `key` names; UsageError when none or several."""
    practice = lens.find_practice(key) if "practice" in kinds else None
    if practice is not None:
        return Found("practice", practice)
    wanted = _normal(key)
    named = list(_named(lens, kinds))
    exact = [found for found, names in named if wanted in names]
    if exact:
        return exact[0]
    begun = [found for found, names in named if wanted and any(name.startswith(wanted) for name in names)]
    if len(begun) == 1:
        return begun[0]
    if begun:
        choices = ", ".join(f"{found.kind} {found.item.id}" for found in begun)
        raise UsageError(f"{key!r} is ambiguous in lens {lens.id}: it could be {choices}")
    raise UsageError(_nothing_named(lens, key, kinds))


def _named(lens: Lens, kinds: Sequence[str]) -> Iterator[tuple[Found, set[str]]]:
    """Each pillar and phase of `kinds`, with the normalised names it answers to."""
    if "pillar" in kinds:
        for pillar in lens.pillars:
            yield Found("pillar", pillar), {_normal(n) for n in (pillar.id, pillar.name, pillar.prefix) if n}
    if "phase" in kinds:
        for phase in lens.phases:
            yield Found("phase", phase), {_normal(n) for n in (phase.id, phase.name) if n}


def _normal(text: str) -> str:
    return " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())


def _nothing_named(lens: Lens, key: str, kinds: Sequence[str]) -> str:
    if tuple(kinds) == ("pillar",):
        return f"no pillar {key!r} in lens {lens.id}; use one of {', '.join(p.id for p in lens.pillars)}"
    what = " or ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
    return (f"{key!r} is no {what} of lens {lens.id}; "
            f"phases: {', '.join(p.id for p in lens.phases)}; pillars: {', '.join(p.id for p in lens.pillars)}")
