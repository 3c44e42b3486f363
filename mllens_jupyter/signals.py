"""The signal tables (lens/signals/stages.yaml) loaded, validated and compiled into fast lookups.

The tables are data so that a user can extend them; every problem in a broken file is reported with
its file, line and field, like the lens itself.
"""

from __future__ import annotations

import json
import re
import re._constants as _C
import re._parser as _sre_parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import LensValidationError, SourceProblem
from .lens_source import SourceDocument, read_document
from .paths import lens_data_dir
from .validation import iter_schema_errors

SCHEMA_FILE = "signals.v1.schema.json"
ANY_KIND = "*"
_FLAGS = re.IGNORECASE | re.MULTILINE


@lru_cache(maxsize=1)
def default_signals_path() -> Path:
    return lens_data_dir() / "signals" / "stages.yaml"


@dataclass(frozen=True)
class Rule:
    """One signal: the stage it points to and how strongly, with the conditions some rules add."""

    stage: str
    weight: float
    args: re.Pattern | None = None
    receiver: re.Pattern | None = None
    returns: str | None = None
    shown: bool = False
    kind: str | None = None
    unlabelled: bool = False


class PrefixTable:
    """Dotted names -> values, looked up by the longest dotted prefix of a qualified name.

    A key whose last part ends with "_" or starts with a capital (`pandas.read_`, `xgboost.XGB`) also
    matches the start of that part (`pandas.read_csv`, `xgboost.XGBClassifier`).
    """

    def __init__(self) -> None:
        self.exact: dict[str, list] = {}
        self.stems: dict[str, list[tuple[str, str]]] = {}
        self.roots: set[str] = set()
        self._found: dict[str, tuple[str | None, list]] = {}

    def add(self, key: str, value: Any, stem: bool = True) -> None:
        """Add a value under a key; `stem=False`: the key matches whole parts only."""
        self.exact.setdefault(key, []).append(value)
        self.roots.add(key.split(".")[0])
        self._found.clear()
        parent, _, last = key.rpartition(".")
        if stem and (last.endswith("_") or last[:1].isupper()):
            self.stems.setdefault(parent, []).append((last, key))

    def lookup(self, dotted: str) -> tuple[str | None, list]:
        """(matched key, its values) for the longest matching prefix of `dotted`; (None, []) if none.
        The values are shared: not to be modified."""
        found = self._found.get(dotted)
        if found is None:
            found = self._lookup(dotted)
            remember(self._found, dotted, found)
        return found

    def _lookup(self, dotted: str) -> tuple[str | None, list]:
        parts = dotted.split(".")
        if parts[0] not in self.roots and "" not in self.stems:
            return None, []
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in self.exact:
                return key, self.exact[key]
            for stem, stem_key in self.stems.get(".".join(parts[: n - 1]), ()):
                if parts[n - 1].startswith(stem):
                    return stem_key, self.exact[stem_key]
        return None, []


@dataclass
class Signals:
    """The compiled tables; built by `load_signals`, read by the inference."""

    source: str
    stages: tuple[str, ...]
    threshold: float
    heading_carry: float
    markdown_phase_stages: frozenset[str]
    default_aliases: dict[str, str]
    canonical: PrefixTable
    kind_origins: PrefixTable
    kind_names: "NameKinds"
    keeping_kinds: frozenset[str]
    accessor_kinds: dict[str, str]
    calls: PrefixTable
    methods: dict[tuple[str, str], list[Rule]]
    attributes: dict[tuple[str, str], list[Rule]]
    arguments: dict[str, list[Rule]]
    identifiers: dict[str, list[Rule]]
    bases: PrefixTable
    subject_calls: frozenset[str]
    subject_weight: float
    subject_stages: dict[str, str]
    plot_weight: float
    plot_stages: dict[str, str]
    display_weight: float
    display_stages: dict[str, str]
    display_attributes: dict[str, str]
    columns: dict[str, tuple[str, float]]
    shell: list[tuple[re.Pattern, Rule]]
    helpers: list[tuple[re.Pattern, Rule]]
    targets: list[tuple[re.Pattern, Rule]]
    configuration: tuple[str, float] | None
    magics: dict[str, list[Rule]]
    files: list[tuple[re.Pattern, Rule]]
    keywords: list[tuple[re.Pattern, Rule]]
    headings: list[tuple[re.Pattern, Rule, bool]]
    text: list[tuple[re.Pattern, Rule]]
    cells: "CellWeights"
    pipelines: PrefixTable
    pipeline_weight: float
    pipeline_stages: dict[str, str]
    sections: dict[str, "Section"]
    presence: "Presence"
    _name_kinds: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _canonical_names: dict[str, str] = field(default_factory=dict, repr=False)
    _origin_kinds: dict[str, str | None] = field(default_factory=dict, repr=False)
    memo: dict[tuple, Any] = field(default_factory=dict, repr=False)

    def prepare(self) -> None:
        """Compile every pattern that is otherwise compiled when first needed: an audit does it once
        before it forks its workers (0.16 s), so that none of them does it again."""
        for table in (self.shell, self.helpers, self.targets, self.files, self.keywords, self.headings, self.text):
            for entry in table:
                if isinstance(entry[0], Screened):
                    entry[0].prepare()

    def canonical_name(self, dotted: str) -> str:
        found = self._canonical_names.get(dotted)
        if found is None:
            found = self._canonical_name(dotted)
            remember(self._canonical_names, dotted, found)
        return found

    def _canonical_name(self, dotted: str) -> str:
        key, values = self.canonical.lookup(dotted)
        if key is None or not (dotted == key or dotted.startswith(key + ".")):
            return dotted
        return values[-1] + dotted[len(key):]

    def kind_of_origin(self, dotted: str) -> str | None:
        cache = self._origin_kinds
        if dotted not in cache:
            remember(cache, dotted, (self.kind_origins.lookup(dotted)[1] or [None])[-1])
        return cache[dotted]

    def helper_rules(self, name: str) -> tuple[Rule, ...]:
        """The rules a function's name matches (`plot_confusion_matrix` evaluates), in table order."""
        return self._rules_matching("helpers", name, "search")

    def target_rules(self, name: str) -> tuple[Rule, ...]:
        """The rules of `targets` an assigned name matches whole (`X_train`), in table order."""
        return self._rules_matching("targets", name, "fullmatch")

    def _rules_matching(self, table: str, name: str, how: str) -> tuple[Rule, ...]:
        """The rules of a table of (pattern, rule) whose pattern `how` (search, fullmatch) matches
        the name, memoised."""
        key = (table, name)
        found = self.memo.get(key)
        if found is None:
            found = tuple(rule for pattern, rule in getattr(self, table) if getattr(pattern, how)(name))
            remember(self.memo, key, found)
        return found

    def kind_of_name(self, name: str) -> str | None:
        """The kind a variable's name suggests (`df` a dataframe, `clf` a model), or None."""
        kinds = self.kinds_of_name(name)
        return kinds[0] if kinds else None

    def kinds_of_name(self, name: str) -> tuple[str, ...]:
        """Every kind a variable's name suggests, the first one first (`scores_df`: a dataframe of
        metrics)."""
        found = self._name_kinds.get(name)
        if found is None:
            found = self.kind_names.kinds(name)
            remember(self._name_kinds, name, found)
        return found


class NameKinds:
    """The kinds that variables' names suggest. Each name pattern of each kind is screened by the
    words it requires (see ScreenSet), so a name is matched only against the few patterns it may
    match; a kind's `exclude` is applied last."""

    def __init__(self, kinds: list[tuple[str, list[str], re.Pattern | None]]) -> None:
        self.order = [kind for kind, _, _ in kinds]
        self.excludes = {kind: exclude for kind, _, exclude in kinds if exclude is not None}
        self.patterns = [(Screened(re.compile(name, re.IGNORECASE)), kind) for kind, names, _ in kinds for name in names]
        self.screen = ScreenSet([pattern for pattern, _ in self.patterns])
        self.unscreened = any_of([self.patterns[i][0].pattern for i in sorted(self.screen.always)])

    def kinds(self, name: str) -> tuple[str, ...]:
        """Every kind whose name patterns match the whole name, in the tables' order. The patterns no
        word screens are first tried all at once: most names match none of them."""
        patterns = self.patterns
        candidates = self.screen.candidates(name)
        if self.unscreened is not None and self.unscreened.fullmatch(name) is None:
            candidates = candidates.difference(self.screen.always)
        found = {patterns[i][1] for i in candidates if patterns[i][0].pattern.fullmatch(name)}
        if not found:
            return ()
        excludes = self.excludes
        return tuple(kind for kind in self.order
                     if kind in found and not (kind in excludes and excludes[kind].search(name)))


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def any_of(patterns: list[re.Pattern]) -> re.Pattern | None:
    """One pattern that matches (or fully matches) a text where one of `patterns` does; None when
    they cannot be joined (different flags, backreferences, an inline flag that must come first)."""
    if len(patterns) < 2 or len({p.flags for p in patterns}) > 1 or \
            any(_BACKREFERENCE.search(p.pattern) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)
    except re.error:
        return None


MAX_MEMO = 50_000


def remember(cache: dict, key: Any, value: Any) -> None:
    """Cache a pure lookup's result; the cache is emptied when it grows past MAX_MEMO entries."""
    if len(cache) >= MAX_MEMO:
        cache.clear()
    cache[key] = value


@dataclass(frozen=True)
class CellWeights:
    """How a cell's statements weigh (the `cells` table)."""

    strong: float = 0.75
    secondary_statements: int = 2
    secondary_share: float = 0.34
    glance_methods: frozenset[str] = frozenset()
    glance_attributes: frozenset[str] = frozenset()
    new_tables: PrefixTable = field(default_factory=PrefixTable)
    plots_alone: tuple[str, float] | None = None
    shows_alone: tuple[str, float] | None = None
    hyperparameters: tuple[str, float, int, frozenset[str]] | None = None
    test_loops: tuple[str, float, re.Pattern] | None = None
    compared_tables: tuple[str, float, re.Pattern] | None = None
    compared_values: tuple[str, float] | None = None
    tried_values: tuple[str, float, re.Pattern] | None = None
    result_tables: tuple[str, float] | None = None
    joined_features: tuple[str, float, re.Pattern] | None = None
    split_folds: tuple[str, float, re.Pattern] | None = None
    called_functions: tuple[float, frozenset[str]] | None = None


@dataclass(frozen=True)
class Section:
    """Under a heading of a stage: the stages it takes over in the heading (`over`), and the code
    stages it reads as its own, whatever their strength (`always`) or when weak (`weak`)."""

    over: frozenset[str] = frozenset()
    always: frozenset[str] = frozenset()
    weak: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Presence:
    """When a phase is present in a notebook: cells enough, a share of the cells showing a phase, or
    one strong signal."""

    min_cells: int = 2
    min_share: float = 0.25
    strong: float = 0.9


def load_signals(path: str | Path | None = None) -> Signals:
    """The signal tables at `path` (default: the bundled ones), validated; cached until the file changes.

    Raises LensValidationError listing every problem with its file and line.
    """
    target = Path(path).expanduser().resolve() if path else default_signals_path()
    try:
        stamp = target.stat().st_mtime_ns
    except OSError:
        stamp = -1
    return _load_cached(str(target), stamp)


@lru_cache(maxsize=8)
def _load_cached(path: str, stamp: int) -> Signals:
    doc = read_document(Path(path), allow_aliases=True)
    if isinstance(doc, SourceProblem):
        raise LensValidationError([doc])
    problems = list(_schema_problems(doc))
    if not problems:
        problems = list(_consistency_problems(doc))
    if problems:
        raise LensValidationError(problems)
    return _compile(doc.data, path)


@lru_cache(maxsize=1)
def signals_schema() -> dict:
    return json.loads((lens_data_dir() / "schema" / SCHEMA_FILE).read_text(encoding="utf-8"))


def _field(path: tuple) -> str:
    if not path:
        return "(document)"
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")


def _problem(doc: SourceDocument, path: tuple, message: str) -> SourceProblem:
    return SourceProblem(doc.file, doc.line_of(path), _field(path), message)


def _schema_problems(doc: SourceDocument) -> Iterator[SourceProblem]:
    for path, message in iter_schema_errors(doc.data, signals_schema()):
        yield _problem(doc, path, message)


def _rule_lists(data: dict) -> Iterator[tuple[tuple, dict]]:
    """(path, rule) for every rule of every table."""
    for table in ("calls", "methods", "attributes", "arguments", "identifiers", "bases", "targets", "shell",
                  "helpers", "magics", "files", "keywords"):
        for index, rule in enumerate(data.get(table) or []):
            yield (table, index), rule
    for table in ("headings", "text"):
        for index, rule in enumerate(data["markdown"].get(table) or []):
            yield ("markdown", table, index), rule
    for name, rule in (data.get("columns") or {}).items():
        yield ("columns", name), rule
    if data.get("configuration"):
        yield ("configuration",), data["configuration"]
    cells = data.get("cells") or {}
    for key in ("plots_alone", "shows_alone", "hyperparameters", "test_loops", "compared_tables", "compared_values",
                "tried_values", "result_tables", "joined_features", "split_folds"):
        if cells.get(key):
            yield ("cells", key), cells[key]


def _consistency_problems(doc: SourceDocument) -> Iterator[SourceProblem]:
    """What the schema cannot see: unknown stages and kinds, regular expressions that do not compile."""
    data = doc.data
    stages, kinds = set(data["stages"]), set(data["kinds"]) | {ANY_KIND}
    for path, rule in _rule_lists(data):
        yield from _rule_problems(doc, path, rule, stages, kinds)
    for path, stage in _stage_references(data):
        if stage not in stages:
            yield _problem(doc, path, f"unknown stage {stage!r}")
    for path, kind, stage in _kind_stage_tables(data):
        if kind not in kinds or stage not in stages:
            yield _problem(doc, path, f"unknown kind or stage {kind!r}: {stage!r}")
    for path, pattern in _table_patterns(data):
        yield from _regex_problem(doc, path, pattern)


def _rule_problems(doc: SourceDocument, path: tuple, rule: dict, stages: set[str],
                   kinds: set[str]) -> Iterator[SourceProblem]:
    if rule["stage"] not in stages:
        yield _problem(doc, (*path, "stage"), f"unknown stage {rule['stage']!r}")
    for kind in [*rule.get("of", []), *[rule[k] for k in ("returns", "kind") if k in rule]]:
        if kind not in kinds:
            yield _problem(doc, path, f"unknown kind {kind!r}")
    for index, pattern in enumerate(rule.get("patterns", [])):
        yield from _regex_problem(doc, (*path, "patterns", index), pattern)
    for key in ("args", "receiver"):
        if key in rule:
            yield from _regex_problem(doc, (*path, key), rule[key])


def _stage_references(data: dict) -> Iterator[tuple[tuple, str]]:
    """(path, stage) for every stage the tables name outside their rules."""
    called = (data.get("cells") or {}).get("called_functions") or {}
    for index, stage in enumerate(called.get("stages", [])):
        yield ("cells", "called_functions", "stages", index), stage
    for name, stage in ((data.get("displays") or {}).get("attributes") or {}).items():
        yield ("displays", "attributes", name), stage
    for stage in data.get("markdown_phase_stages", []):
        yield ("markdown_phase_stages",), stage
    for stage, section in (data.get("sections") or {}).items():
        for name in [stage, *section.get("over", []), *section.get("always", []), *section.get("weak", [])]:
            yield ("sections", stage), name


def _kind_stage_tables(data: dict) -> Iterator[tuple[tuple, str, str]]:
    """(path, kind, stage) for every table that gives the objects of a kind a stage."""
    for table in ("subjects", "plots", "displays", "pipelines"):
        for kind, stage in ((data.get(table) or {}).get("stages") or {}).items():
            yield (table, "stages", kind), kind, stage


def _table_patterns(data: dict) -> Iterator[tuple[tuple, str]]:
    """(path, regular expression) for the patterns of `cells` and of `kinds`."""
    for key in ("test_loops", "compared_tables", "tried_values", "joined_features", "split_folds"):
        named = (data.get("cells") or {}).get(key)
        if named:
            yield ("cells", key, "names"), named["names"]
    for kind, spec in data["kinds"].items():
        for index, pattern in enumerate(spec.get("names", [])):
            yield ("kinds", kind, "names", index), pattern
        if "exclude" in spec:
            yield ("kinds", kind, "exclude"), spec["exclude"]


def _regex_problem(doc: SourceDocument, path: tuple, pattern: str) -> Iterator[SourceProblem]:
    """A pattern is used inside a group of alternatives: global flags (`(?i)`) must be scoped (`(?i:...)`)."""
    try:
        re.compile(f"(?:{pattern})", _FLAGS)
    except re.error as err:
        yield _problem(doc, path, f"invalid regular expression {pattern!r}: {err}")


def _rule(spec: dict) -> Rule:
    return Rule(
        stage=spec["stage"],
        weight=float(spec["weight"]),
        args=re.compile(spec["args"], _FLAGS) if "args" in spec else None,
        receiver=re.compile(spec["receiver"], _FLAGS) if "receiver" in spec else None,
        returns=spec.get("returns"),
        shown=bool(spec.get("shown", False)),
        kind=spec.get("kind"),
        unlabelled=bool(spec.get("unlabelled", False)),
    )


def _prefix_table(rules: list[dict]) -> PrefixTable:
    table = PrefixTable()
    for spec in rules:
        rule = _rule(spec)
        for name in spec["names"]:
            table.add(name, rule)
    return table


def _name_table(names: list[str]) -> PrefixTable:
    table = PrefixTable()
    for name in names:
        table.add(name, True)
    return table


def _keyed(rules: list[dict], lower: bool = False) -> dict[str, list[Rule]]:
    table: dict[str, list[Rule]] = {}
    for spec in rules:
        rule = _rule(spec)
        for name in spec["names"]:
            table.setdefault(name.lower() if lower else name, []).append(rule)
    return table


def _by_kind(rules: list[dict]) -> dict[tuple[str, str], list[Rule]]:
    table: dict[tuple[str, str], list[Rule]] = {}
    for spec in rules:
        rule = _rule(spec)
        for kind in spec["of"]:
            for name in spec["names"]:
                table.setdefault((kind, name), []).append(rule)
    return table


class Screened:
    """A case-insensitive alternation of patterns (`parts`), searched only in texts holding one of the
    literal words every match must contain (found from the patterns themselves), and then only with
    the parts whose own words the text holds: most texts are ruled out by substring tests, and the
    regular expression run on the others is small. Matches are those of the whole alternation."""

    def __init__(self, pattern: re.Pattern, parts: list[str] | None = None) -> None:
        self.pattern = pattern
        self.required, self.others = requirements(pattern.pattern)
        self.parts = parts or [pattern.pattern]
        self._screen: ScreenSet | None = None
        self._part_patterns: list[Screened] = []

    def search(self, text: str) -> re.Match | None:
        required = self.required
        if required is None:
            return self.pattern.search(text)
        folded = _folded(text)
        for word in required:
            if word in folded:
                return self._search_parts(text)
        return None

    def _search_parts(self, text: str) -> re.Match | None:
        """The alternation's match: the leftmost of its parts' matches, the first part on a tie."""
        if len(self.parts) < 2:
            return self.pattern.search(text) if self.holds_others(text) else None
        if self._screen is None:
            self.prepare()
        best: re.Match | None = None
        for index in sorted(self._screen.candidates(text)):
            part = self._part_patterns[index]
            match = part.pattern.search(text) if part.holds_others(text) else None
            if match is not None and (best is None or match.start() < best.start()):
                best = match
        return best

    def prepare(self) -> None:
        """Compile the parts' own patterns and screen now, not at the first text that needs them."""
        if self._screen is None and len(self.parts) > 1:
            self._part_patterns = [Screened(re.compile(part, self.pattern.flags)) for part in self.parts]
            self._screen = ScreenSet(self._part_patterns)

    def holds_others(self, text: str) -> bool:
        """Whether the text holds a word of each requirement of the pattern besides the screened one
        (`target (column|label)` needs "target", and "column" or "label")."""
        if not self.others:
            return True
        folded = _folded(text)
        return all(any(word in folded for word in group) for group in self.others)


class ScreenSet:
    """Which of several screened patterns a text may match, found by testing the text for each of
    their required words (plain substring tests, much faster than one regular expression of all the
    words); each pattern not ruled out still has to be searched. In a text short beside the number
    of words, only the words whose first three letters occur in it are tested."""

    def __init__(self, patterns: list[Screened]) -> None:
        self.always = frozenset(i for i, p in enumerate(patterns) if p.required is None)
        words = sorted({word for p in patterns if p.required for word in p.required})
        self.words = [(word, frozenset(i for i, p in enumerate(patterns) if p.required and word in p.required))
                      for word in words]
        self.by_start: dict[str, list[tuple[str, frozenset[int]]]] = {}
        for word, found in self.words:
            self.by_start.setdefault(word[:MIN_REQUIRED_CHARS], []).append((word, found))
        self.starts = frozenset(self.by_start)

    def candidates(self, text: str) -> frozenset[int]:
        """Indexes of the patterns one of whose required words the text holds."""
        folded = _folded(text)
        found = set(self.always)
        for word, patterns in self._words_to_test(folded):
            if word in folded:
                found |= patterns
        return frozenset(found)

    def _words_to_test(self, folded: str) -> Iterator[tuple[str, frozenset[int]]]:
        if len(folded) > SHORT_TEXT_PER_WORD * len(self.words):
            return iter(self.words)
        width = MIN_REQUIRED_CHARS
        present = self.starts.intersection([folded[i:i + width] for i in range(len(folded) - width + 1)])
        return (entry for start in present for entry in self.by_start[start])


SHORT_TEXT_PER_WORD = 4  # a text is short when it has fewer characters than 4 per word to test


@lru_cache(maxsize=64)
def _folded(text: str) -> str:
    return text.casefold()


MIN_REQUIRED_CHARS = 3


def requirements(pattern: str) -> tuple[frozenset[str] | None, tuple[frozenset[str], ...]]:
    """What every match of `pattern` contains: case-folded words one of which it holds (the best
    requirement to screen texts by; None when none is known), and its other such requirements.
    Requirements holding a word shorter than MIN_REQUIRED_CHARS are left out."""
    try:
        groups = _requirements(_sre_parse.parse(pattern).data)
    except (re.error, RecursionError, TypeError, ValueError):
        return None, ()
    best = _best(groups)
    if best is None or min(map(len, best)) < MIN_REQUIRED_CHARS:
        return None, ()
    others = (group for group in groups if group is not best and min(map(len, group)) >= MIN_REQUIRED_CHARS)
    return _casefolded(best), tuple(map(_casefolded, others))


def _casefolded(words: set[str]) -> frozenset[str]:
    return frozenset(word.casefold() for word in words)


def _required(items: list) -> set[str] | None:
    """The best requirement of a sequence of parsed items: a run of literals or a required group."""
    return _best(_requirements(items))


def _best(groups: list[set[str]]) -> set[str] | None:
    """The requirement that rules out most texts: longest shortest word, then fewest words."""
    return max(groups, key=lambda words: (min(map(len, words)), -len(words)), default=None)


def _requirements(items: list) -> list[set[str]]:
    """The requirements of a sequence of parsed items: its runs of literals and its required groups."""
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, arg in items:
        if op is _C.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        found = _required_item(op, arg)
        if found:
            candidates.append(found)
    if run:
        candidates.append({"".join(run)})
    return candidates


def _required_item(op, arg) -> set[str] | None:
    if op is _C.SUBPATTERN:
        return _required(arg[-1].data)
    if op is _C.BRANCH:
        branches = [_required(branch.data) for branch in arg[1]]
        return None if any(b is None for b in branches) else set().union(*branches)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT) and arg[0] >= 1:
        return _required(arg[2].data)
    if op is _C.ATOMIC_GROUP:
        return _required(arg.data)
    return None


def _patterns(rules: list[dict]) -> list[tuple[Screened, Rule]]:
    return [(Screened(re.compile("|".join(f"(?:{p})" for p in spec["patterns"]), _FLAGS), spec["patterns"]), _rule(spec))
            for spec in rules]


def _kinds(kinds: dict) -> tuple[PrefixTable, NameKinds, frozenset[str], dict[str, str]]:
    origins = PrefixTable()
    names, accessors = [], {}
    for kind, spec in kinds.items():
        for origin in spec["origins"]:
            origins.add(origin, kind)
        if spec.get("accessor"):
            accessors.update({name: kind for name in spec.get("names", [])})
        else:
            exclude = re.compile(spec["exclude"], re.IGNORECASE) if spec.get("exclude") else None
            if spec.get("names"):
                names.append((kind, spec["names"], exclude))
    keeping = frozenset(kind for kind, spec in kinds.items() if spec.get("keeps"))
    return origins, NameKinds(names), keeping, accessors


def _cell_weights(data: dict) -> CellWeights:
    cells = data.get("cells") or {}
    glances = cells.get("glances") or {}
    hyper = cells.get("hyperparameters")
    hyper_names = frozenset(name.lower() for spec in data.get("arguments") or []
                            if hyper and spec["stage"] == hyper["stage"] for name in spec["names"])
    return CellWeights(
        strong=float(cells.get("strong", 0.75)),
        secondary_statements=int(cells.get("secondary_statements", 2)),
        secondary_share=float(cells.get("secondary_share", 0.34)),
        glance_methods=frozenset(glances.get("methods", [])),
        glance_attributes=frozenset(glances.get("attributes", [])),
        new_tables=_name_table(cells.get("new_tables", [])),
        plots_alone=_stage_rule(cells.get("plots_alone")),
        shows_alone=_stage_rule(cells.get("shows_alone")),
        hyperparameters=(hyper["stage"], float(hyper["weight"]), int(hyper["min_names"]), hyper_names)
        if hyper else None,
        test_loops=_named_rule(cells.get("test_loops")),
        compared_tables=_named_rule(cells.get("compared_tables")),
        compared_values=_stage_rule(cells.get("compared_values")),
        tried_values=_named_rule(cells.get("tried_values")),
        result_tables=_stage_rule(cells.get("result_tables")),
        joined_features=_named_rule(cells.get("joined_features")),
        split_folds=_named_rule(cells.get("split_folds")),
        called_functions=_called_functions(cells.get("called_functions")),
    )


def _stage_rule(spec: dict | None) -> tuple[str, float] | None:
    """A stage and a weight: what a rule of `cells` gives the cells it applies to."""
    return (spec["stage"], float(spec["weight"])) if spec else None


def _called_functions(spec: dict | None) -> tuple[float, frozenset[str]] | None:
    """The weight a call of a notebook's function gives the stages its body shows, and those stages."""
    return (float(spec["weight"]), frozenset(spec["stages"])) if spec else None


def _named_rule(spec: dict | None) -> tuple[str, float, re.Pattern] | None:
    """A stage, a weight and the names (a regex on a whole variable name) a rule of `cells` applies to."""
    return (spec["stage"], float(spec["weight"]), re.compile(spec["names"], _FLAGS)) if spec else None


def _sections(data: dict) -> dict[str, Section]:
    return {stage: Section(frozenset(spec.get("over", [])), frozenset(spec.get("always", [])),
                           frozenset(spec.get("weak", [])))
            for stage, spec in (data.get("sections") or {}).items()}


def _compile(data: dict, source: str) -> Signals:
    origins, names, keeping, accessors = _kinds(data["kinds"])
    canonical = PrefixTable()
    for key, value in (data.get("canonical") or {}).items():
        canonical.add(key, value, stem=False)
    subjects, displays, plots = data.get("subjects") or {}, data.get("displays") or {}, data.get("plots") or {}
    return Signals(
        source=source,
        stages=tuple(data["stages"]),
        threshold=float(data["threshold"]),
        heading_carry=float(data.get("heading_carry", 0.75)),
        markdown_phase_stages=frozenset(data.get("markdown_phase_stages", [])),
        default_aliases=dict(data.get("default_aliases") or {}),
        canonical=canonical,
        kind_origins=origins,
        kind_names=names,
        keeping_kinds=keeping,
        accessor_kinds=accessors,
        calls=_prefix_table(data["calls"]),
        methods=_by_kind(data["methods"]),
        attributes=_by_kind(data.get("attributes") or []),
        arguments=_keyed(data.get("arguments") or []),
        identifiers=_keyed(data.get("identifiers") or [], lower=True),
        bases=_prefix_table(data.get("bases") or []),
        subject_calls=frozenset(subjects.get("calls", [])),
        subject_weight=float(subjects.get("weight", 0.5)),
        subject_stages=dict(subjects.get("stages", {})),
        plot_weight=float(plots.get("weight", 0.5)),
        plot_stages=dict(plots.get("stages", {})),
        display_weight=float(displays.get("weight", 0.5)),
        display_stages=dict(displays.get("stages", {})),
        display_attributes=dict(displays.get("attributes", {})),
        columns={k: (v["stage"], float(v["weight"])) for k, v in (data.get("columns") or {}).items()},
        shell=_patterns(data.get("shell") or []),
        helpers=_patterns(data.get("helpers") or []),
        targets=[(re.compile("|".join(f"(?:{p})" for p in spec["patterns"])), _rule(spec))
                 for spec in data.get("targets") or []],
        configuration=(data["configuration"]["stage"], float(data["configuration"]["weight"]))
        if data.get("configuration") else None,
        magics=_keyed(data.get("magics") or []),
        files=_patterns(data.get("files") or []),
        keywords=_patterns(data.get("keywords") or []),
        headings=[(p, r, bool(s.get("generic"))) for (p, r), s in
                  zip(_patterns(data["markdown"]["headings"]), data["markdown"]["headings"])],
        text=_patterns(data["markdown"].get("text") or []),
        cells=_cell_weights(data),
        pipelines=_name_table((data.get("pipelines") or {}).get("names", [])),
        pipeline_weight=float((data.get("pipelines") or {}).get("weight", 0.75)),
        pipeline_stages=dict((data.get("pipelines") or {}).get("stages") or {}),
        sections=_sections(data),
        presence=Presence(**(data.get("presence") or {})),
    )
