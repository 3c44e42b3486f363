"""Which practices of a lens the code of a notebook shows evidence of, and where.

A practice's `evidence` lists imports and calls (fully qualified names, matched by dotted prefix:
`sagemaker.model_monitor` covers `sagemaker.model_monitor.DefaultModelMonitor`) and keywords (matched
case-insensitively inside identifiers and string literals of code). Evidence is a hint for the person
answering, never an answer. Cells are parsed once and shared with stage inference (see `read_code`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .facts import UNKNOWN
from .ipython_syntax import parse_warnings_silenced
from .read_code import cell_facts, source_text
from .reasons import qualname
from .scope import Scope
from .signals import Signals, load_signals, remember

MAX_REASONS = 10


@dataclass
class _Index:
    imports: dict[str, list[str]]
    calls: dict[str, list[str]]
    keywords: list[tuple[str, list[str]]]
    order: list[str]
    call_roots: frozenset[str] = frozenset()
    _matches: dict[int, dict[str, list[list[str]]]] = field(default_factory=dict)

    def matching(self, table: dict[str, list[str]], dotted: str) -> list[list[str]]:
        """The practices of each dotted prefix of `dotted` that `table` (imports or calls) names."""
        matches = self._matches.setdefault(id(table), {})
        found = matches.get(dotted)
        if found is None:
            found = [table[prefix] for prefix in _prefixes(dotted) if prefix in table]
            remember(matches, dotted, found)
        return found


_INDEXES: dict[tuple, _Index] = {}


def _index(lens) -> _Index:
    key = (lens.id, lens.source, len(lens.practices), id(lens))
    if key not in _INDEXES:
        if len(_INDEXES) > 16:
            _INDEXES.clear()
        _INDEXES[key] = _build_index(lens)
    return _INDEXES[key]


def _build_index(lens) -> _Index:
    imports: dict[str, list[str]] = {}
    calls: dict[str, list[str]] = {}
    keywords: dict[str, list[str]] = {}
    for practice in lens.practices:
        evidence = practice.evidence
        if evidence is None:
            continue
        for name in evidence.imports:
            imports.setdefault(name, []).append(practice.id)
        for name in evidence.calls:
            calls.setdefault(name, []).append(practice.id)
        for word in evidence.keywords:
            keywords.setdefault(word.lower(), []).append(practice.id)
    return _Index(imports, calls, sorted(keywords.items()), [p.id for p in lens.practices],
                  frozenset(name.partition(".")[0] for name in calls))


def _prefixes(dotted: str) -> Iterator[str]:
    end = dotted.find(".")
    while end != -1:
        yield dotted[:end]
        end = dotted.find(".", end + 1)
    yield dotted


def _code_cells(cells: object) -> Iterator[tuple[int, str]]:
    if isinstance(cells, Mapping):
        cells = cells.get("cells")
    if not isinstance(cells, Sequence) or isinstance(cells, (str, bytes, bytearray)):
        return
    for index, cell in enumerate(cells):
        if isinstance(cell, Mapping) and cell.get("cell_type") == "code":
            yield index, source_text(cell.get("source"))


class EvidenceFinder:
    """Collects, cell by cell, the practices whose evidence the code shows; the scope is the one the
    cell's names are resolved in (bound with the cell already), so stage inference can share its own.
    Imports and calls are noted as each cell comes (the scope changes with the next); keywords are
    searched when the notebook is done, first in all its cells' text at once, so that a keyword the
    notebook never mentions is not searched for again in each cell."""

    def __init__(self, lens) -> None:
        self.index = _index(lens)
        self.cells: list[tuple[int, list[tuple[list[str], str]], str]] = []

    def cell(self, position: int, facts, scope: Scope) -> None:
        index, label = self.index, f"cell {position + 1}"
        noted = [(practices, f"{label}: imports {module}") for module in dict.fromkeys(facts.modules)
                 for practices in index.matching(index.imports, module)]
        noted += [(practices, f"{label}: calls {name}") for name in _call_names(facts, scope, index.call_roots)
                  for practices in index.matching(index.calls, name)]
        self.cells.append((position, noted, facts.haystack()))

    def result(self) -> dict[str, list[str]]:
        """Practice id -> its reasons, in the lens's order; at most MAX_REASONS for each, one per cell."""
        keywords = self._keywords_mentioned()
        found: dict[str, dict[str, None]] = {}
        noted_cells: set[tuple[str, int]] = set()
        for position, noted, haystack in self.cells:
            label = f"cell {position + 1}"
            mentions = [(practices, f"{label}: mentions {word!r}") for word, practices in keywords if word in haystack]
            for practices, reason in noted + mentions:
                _note(found, noted_cells, practices, reason, position)
        return {practice: list(found[practice]) for practice in self.index.order if practice in found}

    def _keywords_mentioned(self) -> list[tuple[str, list[str]]]:
        text = "\0".join(haystack for _, _, haystack in self.cells)
        return [(word, practices) for word, practices in self.index.keywords if word in text]


def _note(found: dict[str, dict[str, None]], noted_cells: set[tuple[str, int]], practices: list[str], reason: str,
          position: int) -> None:
    for practice in practices:
        reasons = found.setdefault(practice, {})
        if (practice, position) not in noted_cells and len(reasons) < MAX_REASONS:
            reasons[reason] = None
            noted_cells.add((practice, position))


def find_evidence(cells: Sequence[Mapping], lens, signals: Signals | None = None) -> dict[str, list[str]]:
    """Practice id -> reasons ("cell 4: imports evidently", one per cell, cells counted from 1), for the
    practices whose evidence the code shows."""
    finder = EvidenceFinder(lens)
    scope = Scope(signals or load_signals())
    with parse_warnings_silenced():
        for position, text in _code_cells(cells):
            facts = cell_facts(text)
            scope.bind_cell(facts)
            finder.cell(position, facts, scope)
    return finder.result()


def _call_names(facts, scope: Scope, roots: frozenset[str]) -> dict[str, None]:
    """Qualified names of the calls of a cell, as written after aliases and as canonical names, in
    order and once each; only those that start with one of `roots` (a table's first parts)."""
    names: dict[str, None] = {}
    for call in facts.calls:
        if call.path[0] == UNKNOWN:
            continue
        resolved, _, name = scope.resolve_named(call.path)
        for each in (qualname(resolved), name):
            if each.partition(".")[0] in roots:
                names[each] = None
    return names
