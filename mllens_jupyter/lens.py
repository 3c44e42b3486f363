"""The lens model: design principles, pillars, phases with their stages, and best practices.

Lenses are YAML under `lens/` (see `lens/schema/`). `get_lens()` finds one by id or path among the
bundled lens, the paths configured on `LensRegistry` and packages registering `mllens.lenses`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from traitlets import List, Unicode
from traitlets.config import LoggingConfigurable

from .errors import LensNotFoundError, LensValidationError, SourceProblem, UnknownPracticeError
from .lens_source import SourceDocument, read_document, schema_problems
from .paths import lens_data_dir

BUNDLED_LENS_ID = "aws-ml-lens"
ENTRY_POINT_GROUP = "mllens.lenses"
RISK_LEVELS = ("high", "medium")


@dataclass(frozen=True)
class Evidence:
    """Code signals that a notebook touches a practice: a hint for the user, never an answer."""

    imports: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Practice:
    id: str
    title: str
    pillar: str
    phase: str
    risk_if_absent: str
    aliases: tuple[str, ...] = ()
    docs_url: str = ""
    summary: str = ""
    questions: tuple[str, ...] = ()
    improvement: str = ""
    evidence: Evidence | None = None
    wa_tool_2023: dict | None = None


@dataclass(frozen=True)
class Pillar:
    id: str
    name: str
    prefix: str = ""
    wa_tool_id: str = ""
    summary: str = ""


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    stages: tuple[str, ...]
    order: int = 0
    summary: str = ""


@dataclass(frozen=True)
class DesignPrinciple:
    id: str
    name: str
    summary: str = ""


@dataclass(frozen=True)
class Lens:
    id: str
    name: str
    pillars: tuple[Pillar, ...]
    phases: tuple[Phase, ...]
    practices: tuple[Practice, ...]
    design_principles: tuple[DesignPrinciple, ...] = ()
    activity_stages: tuple[str, ...] = ()
    version: str = ""
    description: str = ""
    docs_url: str = ""
    source: str = ""
    _index: dict[str, Practice] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for practice in self.practices:
            for key in (practice.id, *practice.aliases):
                self._index[key.upper()] = practice

    def find_practice(self, key: str) -> Practice | None:
        """The practice with this current id or 2023 alias (case-insensitive), or None."""
        return self._index.get(key.strip().upper())

    def practice(self, key: str) -> Practice:
        found = self.find_practice(key)
        if found is None:
            raise UnknownPracticeError(f"unknown practice {key!r} in lens {self.id!r}")
        return found

    def pillar(self, pillar_id: str) -> Pillar:
        return _by_id(self.pillars, pillar_id, "pillar", self.id)

    def phase(self, phase_id: str) -> Phase:
        return _by_id(self.phases, phase_id, "phase", self.id)

    def practices_for(self, phase: str | None = None, pillar: str | None = None) -> list[Practice]:
        """Practices in lens order, optionally only those of one phase and/or one pillar."""
        return [
            p
            for p in self.practices
            if (phase is None or p.phase == phase) and (pillar is None or p.pillar == pillar)
        ]

    def phase_of_stage(self, stage: str) -> str | None:
        """The phase a stage belongs to; None for activity stages such as setup."""
        return next((ph.id for ph in self.phases if stage in ph.stages), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as `mllens lens show --format json` and the server send it."""
        data = asdict(self)
        data.pop("_index")
        return data


def _by_id(items: Iterable, item_id: str, kind: str, lens_id: str):
    for item in items:
        if item.id == item_id:
            return item
    raise LensNotFoundError(f"lens {lens_id!r} has no {kind} {item_id!r}")


def load_lens(path: str | Path) -> Lens:
    """Load and validate a lens folder (lens.yaml + practices/*.yaml) or a single YAML file.

    Raises LensValidationError listing every problem found. Results are cached until a file changes.
    """
    try:
        root = Path(path).expanduser().resolve()
    except (OSError, RuntimeError) as err:
        raise LensValidationError([SourceProblem(str(path), None, "(file)", f"cannot read: {err}")]) from None
    files = _lens_files(root)
    return _load_cached(str(root), tuple((str(f), _mtime(f)) for f in files))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _lens_files(root: Path) -> list[Path]:
    if root.is_dir():
        return [root / "lens.yaml", *sorted((root / "practices").glob("*.y*ml"))]
    return [root]


@lru_cache(maxsize=16)
def _load_cached(root: str, signature: tuple[tuple[str, int], ...]) -> Lens:
    files = [Path(name) for name, _ in signature]
    documents, problems = _read_all(files)
    if documents and documents[0].file == str(files[0]) and isinstance(documents[0].data, dict):
        problems += _consistency_problems(documents)
    if problems:
        raise LensValidationError(problems)
    return _build(documents, root)


def _read_all(files: list[Path]) -> tuple[list[SourceDocument], list[SourceProblem]]:
    documents, problems = [], []
    for index, file in enumerate(files):
        doc = read_document(file)
        if isinstance(doc, SourceProblem):
            problems.append(doc)
            continue
        problems.extend(schema_problems(doc, None if index == 0 else "practices_file"))
        documents.append(doc)
    return documents, problems


def _practice_entries(documents: list[SourceDocument]) -> Iterator[tuple[SourceDocument, int, dict]]:
    for doc in documents:
        entries = doc.data.get("practices") if isinstance(doc.data, dict) else None
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict):
                yield doc, index, entry


def _ids_of(items: Any, key: str = "id") -> list[str]:
    """The string `key` of each mapping in a list that may not have the expected shape."""
    items = items if isinstance(items, list) else []
    return [item[key] for item in items if isinstance(item, dict) and isinstance(item.get(key), str)]


def _consistency_problems(documents: list[SourceDocument]) -> list[SourceProblem]:
    """Cross-references the schema cannot see: unknown pillars or phases, duplicate ids.

    Checked beside the schema's problems (on whatever parts have the right shape), so that
    `mllens lens validate` lists every problem at once.
    """
    head = documents[0]
    problems: list[SourceProblem] = []
    for key in ("pillars", "phases", "design_principles"):
        problems += _duplicates(head, key, _ids_of(head.data.get(key)))
    phases = [p for p in head.data.get("phases") or [] if isinstance(p, dict)]
    stages = [s for phase in phases if isinstance(phase.get("stages"), list) for s in phase["stages"]]
    problems += _duplicates(head, "phases", [s for s in stages if isinstance(s, str)], what="stage")
    known = {key: set(_ids_of(head.data.get(key))) for key in ("pillars", "phases")}
    return problems + list(_practice_problems(documents, known))


def _practice_problems(documents: list[SourceDocument], known: dict[str, set]) -> Iterator[SourceProblem]:
    seen: Counter = Counter()
    for doc, index, entry in _practice_entries(documents):
        for ref, key in (("pillar", "pillars"), ("phase", "phases")):
            if isinstance(entry.get(ref), str) and entry[ref] not in known[key]:
                line = doc.line_of(("practices", index, ref))
                yield SourceProblem(doc.file, line, f"practices[{index}].{ref}", f"unknown {ref} {entry[ref]!r}")
        names = [entry.get("id"), *(entry.get("aliases") or [])]
        for name in (n for n in names if isinstance(n, str)):
            seen[name.upper()] += 1
            if seen[name.upper()] == 2:
                line = doc.line_of(("practices", index, "id"))
                yield SourceProblem(doc.file, line, f"practices[{index}].id", f"duplicate practice id or alias {name!r}")


def _duplicates(doc: SourceDocument, key: str, values: list[str], what: str = "id") -> list[SourceProblem]:
    return [SourceProblem(doc.file, doc.line_of((key,)), key, f"duplicate {what} {value!r}")
            for value, count in Counter(values).items() if count > 1]


def _build(documents: list[SourceDocument], root: str) -> Lens:
    head = dict(documents[0].data)
    practices = sorted(
        (_practice(entry) for _, _, entry in _practice_entries(documents)),
        key=_lens_order([p["id"] for p in head["phases"]], [p["id"] for p in head["pillars"]]),
    )
    return Lens(
        id=head["id"],
        name=head["name"],
        version=str(head.get("version", "")),
        description=head.get("description", ""),
        docs_url=head.get("docs_url", ""),
        pillars=tuple(Pillar(**p) for p in head["pillars"]),
        phases=tuple(Phase(**{**p, "stages": tuple(p["stages"])}) for p in head["phases"]),
        design_principles=tuple(DesignPrinciple(**d) for d in head.get("design_principles", [])),
        activity_stages=tuple(head.get("activity_stages", [])),
        practices=tuple(practices),
        source=root,
    )


def _lens_order(phases: list[str], pillars: list[str]):
    """Practices sort by phase, then pillar, then id, as the lens itself lists them."""
    return lambda p: (phases.index(p.phase), pillars.index(p.pillar), p.id)


def _practice(entry: dict) -> Practice:
    evidence = entry.get("evidence")
    return Practice(
        **{
            **entry,
            "aliases": tuple(entry.get("aliases", [])),
            "questions": tuple(entry.get("questions", [])),
            "evidence": Evidence(**{k: tuple(v) for k, v in evidence.items()}) if evidence else None,
        }
    )


class LensRegistry(LoggingConfigurable):
    """The lenses a user can pick: the bundled one, configured paths, and `mllens.lenses` entry points.

    An entry point names a folder or file path, or a callable returning one.
    """

    default_lens = Unicode(BUNDLED_LENS_ID, help="Id or path of the lens used when none is named.").tag(
        config=True
    )
    extra_paths = List(Unicode(), help="Lens folders or YAML files to offer besides the installed ones.").tag(
        config=True
    )

    def candidate_paths(self) -> Iterator[tuple[str, Path | str]]:
        """(origin, path) for every lens source, before loading; a broken entry point yields its error."""
        yield "bundled", lens_data_dir() / BUNDLED_LENS_ID
        for path in self.extra_paths:
            yield "config", Path(path)
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            yield f"entry point {ep.name}", _entry_point_path(ep)

    def available(self) -> dict[str, Lens | str]:
        """Lens id (or origin, for one that fails) -> the Lens, or the reason it cannot be loaded."""
        found: dict[str, Lens | str] = {}
        for origin, path in self.candidate_paths():
            try:
                lens = load_lens(path) if isinstance(path, Path) else None
            except LensValidationError as err:
                found[f"{origin} ({path})"] = str(err)
                continue
            if lens is None:
                found[origin] = str(path)
            else:
                found.setdefault(lens.id, lens)
        return found

    def get(self, key: str | None = None) -> Lens:
        """The lens with this id, or the lens at this path; the default lens when key is None."""
        key = key or self.default_lens
        if _looks_like_path(key):
            return load_lens(key)
        for _, path in self.candidate_paths():
            if isinstance(path, Path) and _lens_id_at(path) == key:
                return load_lens(path)
        raise LensNotFoundError(f"no lens {key!r}; `mllens lens list` shows the installed ones")


def _looks_like_path(key: str) -> bool:
    return "/" in key or "\\" in key or key.endswith((".yaml", ".yml")) or Path(key).exists()


def _lens_id_at(path: Path) -> str | None:
    """Read only a lens's id, without validating the whole lens."""
    head = path / "lens.yaml" if path.is_dir() else path
    doc = read_document(head)
    if isinstance(doc, SourceProblem) or not isinstance(doc.data, dict):
        return None
    return doc.data.get("id")


def _entry_point_path(ep) -> Path | str:
    try:
        target = ep.load()
        return Path(target() if callable(target) else target)
    except Exception as err:  # a third-party plugin must not break the bundled lens
        return f"cannot load entry point {ep.value!r}: {err}"


def get_lens(key: str | None = None, registry: LensRegistry | None = None) -> Lens:
    """The lens by id or path (the configured default when None)."""
    return (registry or LensRegistry()).get(key)
