"""The compiled signal tables, as the inference reads them: rules, prefix tables, kinds, weights."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .screen import ScreenSet, Screened


ANY_KIND = "*"
PATTERN_FLAGS = re.IGNORECASE | re.MULTILINE


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
